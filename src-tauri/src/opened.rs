//! A backup the app was opened with (a double-clicked `.rbk`, "Open with Rollbook"): kept
//! until the UI asks for it, which then offers to restore it. Windows and Linux pass the
//! file on the command line (to a second launch too, which hands it to the running app);
//! macOS sends it as an event, also after start-up.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rollbook_core::backup::BACKUP_EXTENSION;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// What the UI is told when a backup is opened while the app runs.
pub const EVENT: &str = "backup-opened";

#[derive(Default)]
pub struct Opened(Mutex<Option<PathBuf>>);

impl Opened {
    /// The first backup file among this program's arguments.
    pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        Opened(Mutex::new(backup_in_args(args, &cwd)))
    }

    /// A backup opened while the app runs. Answers whether it is one.
    pub fn offer(&self, path: PathBuf) -> bool {
        let backup = is_backup(&path);
        if backup {
            *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(path);
        }
        backup
    }

    /// The backup opened, once.
    pub fn take(&self) -> Option<PathBuf> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The first existing backup file among a program's arguments (the first is the program),
/// a relative one taken from `cwd`, the folder the program was started in.
pub fn backup_in_args(args: impl IntoIterator<Item = OsString>, cwd: &Path) -> Option<PathBuf> {
    args.into_iter()
        .skip(1)
        .map(|a| cwd.join(a))
        .find(|p| is_backup(p))
}

/// A backup opened while the app runs: kept for the UI, which is told (it then offers to
/// restore it, as it does for one the app was started with). Answers whether it is one.
pub fn announce<R: Runtime>(app: &AppHandle<R>, path: PathBuf) -> bool {
    let backup = app.state::<Opened>().offer(path);
    if backup {
        let _ = app.emit(EVENT, ());
    }
    backup
}

fn is_backup(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(BACKUP_EXTENSION))
        && path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&Path]) -> Vec<OsString> {
        std::iter::once(OsString::from("rollbook-app"))
            .chain(extra.iter().map(|p| p.as_os_str().to_owned()))
            .collect()
    }

    #[test]
    fn only_an_existing_backup_file_is_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("rollbook-20261122-090000.RBK");
        std::fs::write(&backup, b"x").unwrap();
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, b"x").unwrap();
        let missing = dir.path().join("gone.rbk");

        let opened = Opened::from_args(args(&[&other, &missing, &backup]));
        assert_eq!(opened.take(), Some(backup.clone()));
        assert_eq!(opened.take(), None, "offered once");
        assert_eq!(Opened::from_args(args(&[&other, &missing])).take(), None);
        // The program itself is never taken for a backup.
        assert_eq!(
            Opened::from_args([backup.as_os_str().to_owned()]).take(),
            None
        );
        assert!(!opened.offer(other));
        assert!(opened.offer(backup.clone()));
        assert_eq!(opened.take(), Some(backup));
    }

    #[test]
    fn a_relative_path_is_found_in_the_folder_the_program_started_in() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("backups")).unwrap();
        let backup = dir
            .path()
            .join("backups")
            .join("rollbook-20261122-090000.rbk");
        std::fs::write(&backup, b"x").unwrap();
        let relative = Path::new("backups/rollbook-20261122-090000.rbk");

        assert_eq!(
            backup_in_args(args(&[Path::new("--flag"), relative]), dir.path()),
            Some(backup.clone())
        );
        // Elsewhere, the same relative name is nothing.
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(backup_in_args(args(&[relative]), elsewhere.path()), None);
        // An absolute path stands whatever the folder.
        assert_eq!(
            backup_in_args(args(&[&backup]), elsewhere.path()),
            Some(backup)
        );
        assert_eq!(backup_in_args(args(&[]), dir.path()), None);
    }
}

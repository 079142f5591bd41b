//! A backup the app was opened with (a double-clicked `.rbk`, "Open with Rollbook"): kept
//! until the UI asks for it, which then offers to restore it. Windows and Linux pass the
//! file on the command line; macOS sends it as an event, also after start-up.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rollbook_core::backup::BACKUP_EXTENSION;

#[derive(Default)]
pub struct Opened(Mutex<Option<PathBuf>>);

impl Opened {
    /// The first backup file among the program's arguments (the first is the program).
    pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Self {
        let found = args
            .into_iter()
            .skip(1)
            .map(PathBuf::from)
            .find(|p| is_backup(p));
        Opened(Mutex::new(found))
    }

    /// A backup opened while the app runs (macOS). Answers whether it is one.
    #[cfg_attr(not(target_os = "macos"), allow(dead_code))]
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

fn is_backup(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(BACKUP_EXTENSION))
        && path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_existing_backup_file_is_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("rollbook-20261122-090000.RBK");
        std::fs::write(&backup, b"x").unwrap();
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, b"x").unwrap();
        let args = |extra: &[&Path]| {
            std::iter::once(OsString::from("rollbook-app"))
                .chain(extra.iter().map(|p| p.as_os_str().to_owned()))
                .collect::<Vec<_>>()
        };
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
}

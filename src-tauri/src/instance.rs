//! One Rollbook at a time: a second launch (a `.rbk` backup double-clicked while Rollbook
//! runs, or the app started again) hands its arguments to the running app and exits before
//! it opens anything. The running app comes to the front and, given a backup, offers to
//! restore it as it would at start-up. On Linux the hand-over goes through the D-Bus session
//! bus (where the keyring is too); Windows uses a named mutex, macOS a socket.

use std::ffi::OsString;
use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

/// The plugin: register it before any other, so a second launch stops before they start.
/// Without a usable D-Bus session bus on Linux the plugin lets Rollbook run unguarded, and
/// the keyring, on that same bus, tells the user what is wrong. A second launch's arguments
/// travel as text: a file name that is not UTF-8 arrives altered, is not found, and the
/// running window only comes forward.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::init(|app, args, cwd| {
        second_launch(app, args, cwd);
    })
}

/// What a second launch asks of the running app: its window to the front, and the backup
/// it was given (if any) offered for restoring. Answers the backup taken.
pub fn second_launch<R: Runtime>(
    app: &AppHandle<R>,
    args: Vec<String>,
    cwd: String,
) -> Option<PathBuf> {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let args = args.into_iter().map(OsString::from);
    let backup = crate::opened::backup_in_args(args, &PathBuf::from(cwd))?;
    tracing::info!("a second launch handed over a backup to restore");
    crate::opened::announce(app, backup.clone()).then_some(backup)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tauri::Listener;
    use tauri::test::{mock_builder, mock_context, noop_assets};

    use super::*;
    use crate::opened::{EVENT, Opened};

    #[test]
    fn a_second_launch_with_a_backup_hands_it_over_and_the_ui_is_told() {
        let app = mock_builder()
            .manage(Opened::default())
            .build(mock_context(noop_assets()))
            .unwrap();
        let _window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let told = Arc::new(Mutex::new(0));
        let counter = told.clone();
        app.listen_any(EVENT, move |_| *counter.lock().unwrap() += 1);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rollbook-20261122-090000.rbk"), b"x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let cwd = dir.path().to_string_lossy().into_owned();
        let launch = |args: &[&str]| {
            let args = args.iter().map(|a| a.to_string()).collect();
            second_launch(app.handle(), args, cwd.clone())
        };

        // Started again with nothing, or with another file: the window comes forward only.
        assert_eq!(launch(&["rollbook-app"]), None);
        assert_eq!(launch(&["rollbook-app", "notes.txt"]), None);
        assert_eq!(*told.lock().unwrap(), 0);
        assert_eq!(app.state::<Opened>().take(), None);

        // A backup named relative to where the second launch started.
        let expected = dir.path().join("rollbook-20261122-090000.rbk");
        let taken = launch(&["/usr/bin/rollbook-app", "rollbook-20261122-090000.rbk"]);
        assert_eq!(taken.as_ref(), Some(&expected));
        assert_eq!(*told.lock().unwrap(), 1, "the UI is told once");
        assert_eq!(
            app.state::<Opened>().take(),
            Some(expected),
            "kept for the UI"
        );
        assert_eq!(app.state::<Opened>().take(), None);
    }
}

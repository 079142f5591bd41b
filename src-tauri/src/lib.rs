//! Rollbook's desktop shell. It opens the store, wires the commands and the window, and
//! writes logs; everything else is the core's job.

mod busy;
mod camera;
mod commands;
mod logging;
mod opened;
mod state;
mod sync;
mod update;

use state::AppState;

/// When `run` began: the start-up time the log reports once the first screen is up.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    let data_dir = rollbook_core::paths::data_dir(None);
    let _log_guard = data_dir.as_ref().ok().and_then(|d| logging::init(d));
    let state = AppState::open(data_dir);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(state)
        .manage(std::sync::Arc::new(busy::Busy::default()))
        .manage(update::Updates::default())
        .manage(opened::Opened::from_args(std::env::args_os()))
        .manage(std::sync::Arc::new(sync::Trigger::default()))
        .invoke_handler(commands::handler())
        .setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                camera::allow_camera(&window);
            }
            // The day's backup, when the last is older than a day, off the UI thread.
            if let Ok(store) = app.state::<AppState>().store() {
                std::thread::spawn(move || {
                    let result = rollbook_core::backup::folder(&store)
                        .and_then(|f| rollbook_core::backup::back_up_if_due(&store, &f));
                    if let Err(e) = result {
                        tracing::warn!(code = ?e.code, "the automatic backup failed: {}", e.message);
                    }
                });
            }
            let trigger = app.state::<std::sync::Arc<sync::Trigger>>().inner().clone();
            sync::spawn(app.handle().clone(), trigger);
            update::spawn(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!("the app could not start: {e}");
            eprintln!("Rollbook could not start: {e}");
            std::process::exit(1);
        })
        .run(on_event);
}

/// macOS opens a double-clicked backup with an event (also when it starts the app for it):
/// kept for the UI, which is told with `backup-opened`.
fn on_event(app: &tauri::AppHandle, event: tauri::RunEvent) {
    #[cfg(target_os = "macos")]
    if let tauri::RunEvent::Opened { urls } = &event {
        use tauri::{Emitter, Manager};
        for path in urls.iter().filter_map(|u| u.to_file_path().ok()) {
            if app.state::<opened::Opened>().offer(path) {
                let _ = app.emit("backup-opened", ());
            }
        }
    }
    let _ = (app, event);
}

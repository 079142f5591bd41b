//! Rollbook's desktop shell. It opens the store, wires the commands and the window, and
//! writes logs; everything else is the core's job.

mod camera;
mod commands;
mod logging;
mod state;
mod sync;

use state::AppState;

pub fn run() {
    let data_dir = rollbook_core::paths::data_dir(None);
    let _log_guard = data_dir.as_ref().ok().and_then(|d| logging::init(d));
    let state = AppState::open(data_dir);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
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
            Ok(())
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!("the app could not start: {e}");
            eprintln!("Rollbook could not start: {e}");
            std::process::exit(1);
        });
}

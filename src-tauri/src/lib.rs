//! Rollbook's desktop shell. It opens the store, wires the commands and the window, and
//! writes logs; everything else is the core's job.

mod busy;
mod camera;
mod commands;
mod instance;
mod logging;
mod opened;
mod rendering;
mod startup;
mod state;
mod sync;
mod update;

use state::AppState;
use tauri::Manager;

pub fn run() {
    startup::begin();
    let data_dir = rollbook_core::paths::data_dir(None);
    let _log_guard = data_dir.as_ref().ok().and_then(|d| logging::init(d));
    let app = tauri::Builder::default()
        // First: a second launch hands its arguments over and exits in here.
        .plugin(instance::plugin())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(std::sync::Arc::new(busy::Busy::default()))
        .manage(update::Updates::default())
        // Before the plugins start: a second launch may hand a backup over at once.
        .manage(opened::Opened::from_args(std::env::args_os()))
        .manage(std::sync::Arc::new(sync::Trigger::default()))
        .invoke_handler(commands::handler())
        .on_page_load(|_, payload| match payload.event() {
            tauri::webview::PageLoadEvent::Started => startup::step("page loading"),
            tauri::webview::PageLoadEvent::Finished => startup::step("page loaded"),
        })
        .setup(|app| {
            startup::step("window made");
            if let Some(window) = app.get_webview_window("main") {
                rendering::fit_to_graphics(&window);
                camera::allow_camera(&window);
            }
            // The day's backup, when the last is older than a day, off the UI thread.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let Ok(store) = handle.state::<AppState>().store() else {
                    return;
                };
                let result = rollbook_core::backup::folder(&store)
                    .and_then(|f| rollbook_core::backup::back_up_if_due(&store, &f));
                if let Err(e) = result {
                    tracing::warn!(code = ?e.code, "the automatic backup failed: {}", e.message);
                }
            });
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
        });
    // Only the one running Rollbook gets here: the store opens while the window comes up.
    startup::step("plugins ready");
    app.manage(AppState::open(data_dir));
    app.run(on_event);
}

/// macOS opens a double-clicked backup with an event (also when it starts the app for it):
/// kept for the UI, which is told with `backup-opened`.
fn on_event(app: &tauri::AppHandle, event: tauri::RunEvent) {
    #[cfg(target_os = "macos")]
    if let tauri::RunEvent::Opened { urls } = &event {
        for path in urls.iter().filter_map(|u| u.to_file_path().ok()) {
            opened::announce(app, path);
        }
    }
    let _ = (app, event);
}

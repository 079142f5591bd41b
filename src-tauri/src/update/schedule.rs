//! The update check in the background: a little after start-up, then once a day; while the
//! cloud cannot be reached, again every hour. A release found is announced to the UI with
//! an `update-available` event (the UI shows it quietly and installs only when told).

use std::time::Duration;

use rollbook_core::ErrorCode;
use tauri::{AppHandle, Emitter, Runtime};

/// Lets the window and the first screen come up before the network is used.
const AFTER_START: Duration = Duration::from_secs(5);
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);
const WHILE_OFFLINE: Duration = Duration::from_secs(60 * 60);

pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || {
        std::thread::sleep(AFTER_START);
        loop {
            let wait = match tauri::async_runtime::block_on(super::check(&app)) {
                Ok(Some(update)) => {
                    let _ = app.emit("update-available", &update);
                    EVERY
                }
                Ok(None) => EVERY,
                Err(e) if e.code == ErrorCode::Offline => {
                    tracing::info!("update check: cloud unreachable; trying again later");
                    WHILE_OFFLINE
                }
                // Not enrolled yet: look again within the hour, once it is.
                Err(e) if e.code == ErrorCode::NotFound => WHILE_OFFLINE,
                Err(e) => {
                    tracing::warn!(code = ?e.code, "update check failed: {}", e.message);
                    EVERY
                }
            };
            std::thread::sleep(wait);
        }
    });
}

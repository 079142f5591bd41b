//! Update commands: what the last check found, check now, and install on the user's word
//! (with progress). The work is in `crate::update`.

use rollbook_core::Result;
use rollbook_core::update::{UpdateInfo, UpdateProgress};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::update::{self, Updates};

/// The update the last check found (the start-up or daily one), without asking the cloud.
#[tauri::command]
pub async fn pending_update(updates: State<'_, Updates>) -> Result<Option<UpdateInfo>> {
    Ok(updates.pending())
}

/// Asks the school's cloud now.
#[tauri::command]
pub async fn check_for_update<R: Runtime>(app: AppHandle<R>) -> Result<Option<UpdateInfo>> {
    update::check(&app).await
}

/// Installs the update found (downloaded, verified, then a backup just before the
/// installer); refused while a payment or an import runs.
/// The app restarts into the new version when it is done.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    progress: Channel<UpdateProgress>,
) -> Result<()> {
    update::install(&app, move |p| drop(progress.send(p))).await?;
    app.request_restart();
    Ok(())
}

//! Backup commands: take one now, list them, choose the folder, restore (one chosen, or
//! the one Rollbook was opened with).

use std::path::PathBuf;

use rollbook_core::Result;
use rollbook_core::backup::{self, BackupInfo, BackupStatus};
use tauri::State;

use super::with_store;
use crate::state::AppState;

#[tauri::command]
pub async fn backup_status(state: State<'_, AppState>) -> Result<BackupStatus> {
    with_store(state, backup::status).await
}

#[tauri::command]
pub async fn set_backup_folder(
    state: State<'_, AppState>,
    folder: Option<PathBuf>,
) -> Result<BackupStatus> {
    with_store(state, move |s| {
        backup::set_folder(s, folder.as_deref())?;
        backup::status(s)
    })
    .await
}

#[tauri::command]
pub async fn back_up_now(state: State<'_, AppState>) -> Result<BackupInfo> {
    with_store(state, |s| backup::back_up(s, &backup::folder(s)?)).await
}

/// The backup file Rollbook was opened with (a double-clicked `.rbk`), once; the UI offers
/// to restore it.
#[tauri::command]
pub async fn opened_backup(opened: State<'_, crate::opened::Opened>) -> Result<Option<PathBuf>> {
    Ok(opened.take())
}

/// Restores a backup chosen by the user; answers where the replaced database was kept.
#[tauri::command]
pub async fn restore_backup<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    path: PathBuf,
) -> Result<Option<PathBuf>> {
    tauri::async_runtime::spawn_blocking(move || {
        use tauri::Manager;
        app.state::<AppState>().restore(&path)
    })
    .await
    .map_err(|e| rollbook_core::Error::internal(format!("the restore stopped unexpectedly: {e}")))?
}

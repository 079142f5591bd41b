//! Sync commands: where sync stands, sync now, enrol this PC, resolve a refused change.

use rollbook_core::Result;
use rollbook_core::sync::{self, SyncStatus};
use rollbook_sync::SyncReport;
use tauri::State;

use super::with_store;
use crate::state::AppState;

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus> {
    with_store(state, sync::status).await
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncReport> {
    with_store(state, rollbook_sync::sync_now).await
}

/// Enrols this PC with the school's cloud and starts syncing; answers the school's name.
#[tauri::command]
pub async fn enrol_device(
    state: State<'_, AppState>,
    trigger: State<'_, std::sync::Arc<crate::sync::Trigger>>,
    server: String,
    code: String,
    name: String,
) -> Result<String> {
    let school = with_store(state, move |s| {
        rollbook_sync::enrol(s, &server, &code, &name)
    })
    .await?;
    trigger.now();
    Ok(school)
}

#[tauri::command]
pub async fn resolve_sync_rejection(state: State<'_, AppState>, entry_id: String) -> Result<()> {
    with_store(state, move |s| sync::resolve_rejection(s, &entry_id)).await
}

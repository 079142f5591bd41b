//! Sign-in, lock and user commands, and the audit report: each calls the core on the
//! blocking pool (PIN hashing is deliberately slow, and the keyring may block).

use std::path::PathBuf;

use rollbook_core::audit::{AuditQuery, AuditRow};
use rollbook_core::users::{self, Actor, SessionState, User, UserInput};
use rollbook_core::{Id, Result, export};
use tauri::State;

use super::{save_export, with_store};
use crate::state::AppState;

#[tauri::command]
pub async fn session_state(state: State<'_, AppState>) -> Result<SessionState> {
    with_store(state, users::state).await
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, user_id: Id, pin: String) -> Result<Actor> {
    with_store(state, move |s| users::sign_in(s, user_id, &pin)).await
}

#[tauri::command]
pub async fn lock_app(state: State<'_, AppState>) -> Result<()> {
    with_store(state, users::lock).await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<()> {
    with_store(state, users::sign_out).await
}

#[tauri::command]
pub async fn lock_after_minutes(state: State<'_, AppState>) -> Result<u32> {
    with_store(state, users::lock_after_minutes).await
}

#[tauri::command]
pub async fn set_lock_after_minutes(state: State<'_, AppState>, minutes: u32) -> Result<()> {
    with_store(state, move |s| users::set_lock_after_minutes(s, minutes)).await
}

#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> Result<Vec<User>> {
    with_store(state, users::list).await
}

#[tauri::command]
pub async fn add_user(state: State<'_, AppState>, input: UserInput, pin: String) -> Result<User> {
    with_store(state, move |s| users::add(s, &input, &pin)).await
}

#[tauri::command]
pub async fn update_user(state: State<'_, AppState>, id: Id, input: UserInput) -> Result<User> {
    with_store(state, move |s| users::update(s, id, &input)).await
}

#[tauri::command]
pub async fn reset_user_pin(state: State<'_, AppState>, user_id: Id, pin: String) -> Result<()> {
    with_store(state, move |s| users::reset_pin(s, user_id, &pin)).await
}

#[tauri::command]
pub async fn change_own_pin(
    state: State<'_, AppState>,
    current: String,
    pin: String,
) -> Result<()> {
    with_store(state, move |s| users::change_own_pin(s, &current, &pin)).await
}

#[tauri::command]
pub async fn audit_report(state: State<'_, AppState>, query: AuditQuery) -> Result<Vec<AuditRow>> {
    with_store(state, move |s| rollbook_core::audit::report(s, &query)).await
}

#[tauri::command]
pub async fn export_audit(
    state: State<'_, AppState>,
    query: AuditQuery,
    path: PathBuf,
) -> Result<()> {
    save_export(state, path, move |s| {
        Ok(export::audit_export(s, &query)?.bytes)
    })
    .await
}

/// The recovery key, for an administrator to print or write down.
#[tauri::command]
pub async fn recovery_key(state: State<'_, AppState>) -> Result<String> {
    with_store(state, |s| s.recovery_key()).await
}

/// Opens the database with the recovery key when the app could not open it.
#[tauri::command]
pub async fn open_with_recovery_key<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    recovery_key: String,
) -> Result<()> {
    tauri::async_runtime::spawn_blocking(move || {
        use tauri::Manager;
        app.state::<AppState>().recover(&recovery_key)
    })
    .await
    .map_err(|e| rollbook_core::Error::internal(format!("opening stopped unexpectedly: {e}")))?
}

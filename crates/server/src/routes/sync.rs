//! `POST /v1/push` and `GET /v1/pull`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use rollbook_protocol::{MAX_BATCH, PullResponse, PushRequest, PushResponse};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::Failure;
use crate::extract::{AuthDevice, JsonBody};
use crate::storage::Store;

/// Entries in a page of a pull when the device does not say.
pub const DEFAULT_PULL_LIMIT: usize = 500;

/// A batch of the device's own entries, applied in one transaction.
pub async fn push<S: Store>(
    State(state): State<AppState<S>>,
    AuthDevice(device): AuthDevice,
    JsonBody(request): JsonBody<PushRequest>,
) -> Result<Json<PushResponse>, Failure> {
    if request.entries.len() > MAX_BATCH {
        return Err(Failure::bad_request(format!(
            "a push carries at most {MAX_BATCH} entries"
        )));
    }
    if let Some(other) = request
        .entries
        .iter()
        .find(|e| e.device_id != device.device_id)
    {
        return Err(Failure::forbidden(format!(
            "entry {} is not this device's own (device {:?}); nothing was stored",
            other.seq, other.device_id
        )));
    }
    let response = state.store.push(&device, request.entries).await?;
    Ok(Json(response))
}

#[derive(Debug, Deserialize)]
pub struct PullParams {
    #[serde(default)]
    after: i64,
    limit: Option<usize>,
}

/// The school's entries from other devices after a cursor.
pub async fn pull<S: Store>(
    State(state): State<AppState<S>>,
    AuthDevice(device): AuthDevice,
    params: Result<Query<PullParams>, QueryRejection>,
) -> Result<Json<PullResponse>, Failure> {
    let Query(params) = params.map_err(|e| Failure::bad_request(e.body_text()))?;
    if params.after < 0 {
        return Err(Failure::bad_request("`after` is a cursor: 0 or more"));
    }
    let limit = params.limit.unwrap_or(DEFAULT_PULL_LIMIT);
    if !(1..=MAX_BATCH).contains(&limit) {
        return Err(Failure::bad_request(format!("`limit` is 1 to {MAX_BATCH}")));
    }
    let response = state.store.pull(&device, params.after, limit).await?;
    Ok(Json(response))
}

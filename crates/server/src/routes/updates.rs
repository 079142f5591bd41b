//! `GET /updates/{target}/{arch}/{current_version}`: the desktop app's update check.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::Failure;
use crate::storage::Store;

/// 200 with the offer when a newer release exists for the platform, 204 when none does.
pub async fn update<S: Store>(
    State(state): State<AppState<S>>,
    Path((target, arch, current)): Path<(String, String, String)>,
) -> Result<Response, Failure> {
    let current = semver::Version::parse(current.trim_start_matches('v')).map_err(|_| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the current version is not a version number (like 0.2.1)",
        )
    })?;
    let Some(folder) = state.releases.clone() else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let platform = format!("{target}-{arch}");
    let offer =
        tokio::task::spawn_blocking(move || crate::updates::newest(&folder, &platform, &current))
            .await
            .map_err(|_| {
                Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "update check failed",
                )
            })?;
    Ok(match offer {
        Some(offer) => Json(offer).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

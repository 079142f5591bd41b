//! The handlers, one module per concern.

mod enrol;
mod sync;
mod updates;

use axum::Json;
use axum::http::StatusCode;

use crate::error::Failure;

pub use enrol::{enrol, enrol_code};
pub use sync::{pull, push};
pub use updates::update;

/// `GET /v1/health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true }))
}

pub async fn not_found() -> Failure {
    Failure::not_found("no such route")
}

pub async fn method_not_allowed() -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "bad_request",
        "this route does not take that method",
    )
}

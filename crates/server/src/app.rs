//! The HTTP application: shared state and the router.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::error::Failure;
use crate::limits::RateLimiter;
use crate::routes;
use crate::storage::Store;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState<S> {
    pub store: Arc<S>,
    pub limiter: Arc<RateLimiter>,
    /// The releases folder the update feed reads (none: no updates offered).
    pub releases: Option<Arc<std::path::PathBuf>>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            limiter: Arc::clone(&self.limiter),
            releases: self.releases.clone(),
        }
    }
}

impl<S> AppState<S> {
    pub fn new(store: Arc<S>, rate_limit_per_minute: u32) -> Self {
        Self {
            store,
            limiter: Arc::new(RateLimiter::new(rate_limit_per_minute)),
            releases: None,
        }
    }

    /// Serves the update feed from `folder`.
    pub fn with_releases(mut self, folder: Option<std::path::PathBuf>) -> Self {
        self.releases = folder.map(Arc::new);
        self
    }

    /// Takes a request from `key`'s budget, or answers 429.
    pub fn limit(&self, key: &str) -> Result<(), Failure> {
        self.limiter.check(key).map_err(|wait| {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Failure::rate_limited(secs.max(1))
        })
    }
}

/// Every route of protocol version 1.
pub fn router<S: Store>(state: AppState<S>) -> Router {
    Router::new()
        .route("/v1/health", get(routes::health))
        .route("/v1/enrol", post(routes::enrol::<S>))
        .route("/v1/enrol-codes", post(routes::enrol_code::<S>))
        .route("/v1/push", post(routes::push::<S>))
        .route("/v1/pull", get(routes::pull::<S>))
        .route(
            "/updates/{target}/{arch}/{current_version}",
            get(routes::update::<S>),
        )
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state)
}

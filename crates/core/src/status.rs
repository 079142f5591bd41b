//! What the app shows before anything else: is the school set up, where is the data.

use serde::Serialize;

use crate::error::Result;
use crate::id::Id;
use crate::school::{self, SchoolProfile};
use crate::store::Store;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppStatus {
    pub app_version: String,
    pub data_dir: String,
    pub device_id: Id,
    /// `None` until first-run setup is done.
    pub school: Option<SchoolProfile>,
}

/// Unchecked, like [`school::get`]: the app asks for it at start-up, before anyone signs in
/// (it shows the sign-in screen, or the first-run setup, from it).
pub fn status(store: &Store, app_version: &str) -> Result<AppStatus> {
    Ok(AppStatus {
        app_version: app_version.to_owned(),
        data_dir: store
            .path()
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        device_id: store.device_id(),
        school: school::get(store)?,
    })
}

//! Signed auto-update, served by the school's cloud. The updater plugin does the network,
//! the signature check (minisign, against the public key in tauri.conf.json, the signature
//! bound to the release's version) and the platform's installer; this module decides where
//! the feed is (`feed.rs`), refuses anything but a newer version, keeps the update found
//! until the user says to install it, and installs only when no payment or import is
//! running and a backup has just been taken (`install.rs`). `schedule.rs` checks at
//! start-up and daily.

mod feed;
mod install;
mod schedule;
#[cfg(test)]
mod tests;

use std::sync::Mutex;
use std::time::Duration;

use rollbook_core::update::UpdateInfo;
use rollbook_core::{Error, ErrorCode, Result};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};

use crate::state::AppState;

pub use install::install;
pub use schedule::spawn;

/// How long a check may take before it counts as offline.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// The update found by the last check, kept until it is installed or a later check finds
/// none.
#[derive(Default)]
pub struct Updates {
    pending: Mutex<Option<Update>>,
}

impl Updates {
    pub fn pending(&self) -> Option<UpdateInfo> {
        self.lock().as_ref().map(info)
    }

    fn take_pending(&self) -> Option<Update> {
        self.lock().clone()
    }

    fn set(&self, update: Option<Update>) {
        *self.lock() = update;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Update>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The updater for the feed at the cloud `server_url`: only a strictly newer version is
/// ever offered, whatever the feed says.
pub fn updater<R: Runtime>(app: &AppHandle<R>, server_url: &str) -> Result<Updater> {
    let endpoint = feed::endpoint(server_url)?;
    app.updater_builder()
        .endpoints(vec![endpoint])
        .map_err(plugin_error)?
        .version_comparator(|current, release| release.version > current)
        .timeout(CHECK_TIMEOUT)
        .build()
        .map_err(plugin_error)
}

/// Asks the school's cloud whether a newer release exists, and keeps it for installing.
/// Refused when this PC is not enrolled with a cloud (there is no feed to ask).
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<Option<UpdateInfo>> {
    let server_url = server_url(app).await?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            "Updates come from the school's cloud: enrol this PC in Settings → Sync first.",
        )
    })?;
    let found = updater(app, &server_url)?
        .check()
        .await
        .map_err(plugin_error)?;
    let shown = found.as_ref().map(info);
    app.state::<Updates>().set(found);
    if let Some(u) = &shown {
        tracing::info!(version = %u.version, "an update is available");
    }
    Ok(shown)
}

/// The cloud this PC is enrolled with, if any (unchecked: the start-up check runs before
/// anyone signs in).
async fn server_url<R: Runtime>(app: &AppHandle<R>) -> Result<Option<String>> {
    let store = app.state::<AppState>().store()?;
    tauri::async_runtime::spawn_blocking(
        move || Ok(rollbook_core::sync::status(&store)?.server_url),
    )
    .await
    .map_err(|e| Error::internal(format!("the update check stopped unexpectedly: {e}")))?
}

fn info(update: &Update) -> UpdateInfo {
    UpdateInfo {
        version: update.version.clone(),
        current_version: update.current_version.clone(),
        notes: update.body.clone().unwrap_or_default(),
        date: update.date.and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
    }
}

/// The plugin's errors as the core's codes: a bad signature or feed is a refusal, the
/// network's failures are "offline", the rest are said as they are.
fn plugin_error(e: tauri_plugin_updater::Error) -> Error {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => Error::new(
            ErrorCode::UpdateRefused,
            format!(
                "The update's signature does not match Rollbook's key, so it was not installed ({e})."
            ),
        ),
        E::InsecureTransportProtocol => Error::new(
            ErrorCode::UpdateRefused,
            "Updates are fetched over https only; this feed's address is refused.",
        ),
        E::Reqwest(_) | E::Network(_) => Error::new(
            ErrorCode::Offline,
            format!("The school's cloud could not be reached for updates ({e})."),
        ),
        E::ReleaseNotFound
        | E::Serialization(_)
        | E::Semver(_)
        | E::TargetNotFound(_)
        | E::TargetsNotFound(_)
        | E::UrlParse(_) => Error::new(
            ErrorCode::UpdateRefused,
            format!(
                "The school's cloud answered the update check with something Rollbook cannot use ({e})."
            ),
        ),
        E::AuthenticationFailed => Error::new(
            ErrorCode::Cancelled,
            "Installing the update needs the computer's administrator password; nothing was installed.",
        ),
        other => Error::internal(format!("The update could not be installed: {other}")),
    }
}

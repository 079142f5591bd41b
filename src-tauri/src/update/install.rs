//! Installing the update the last check found, on the user's word: only if the download's
//! signature matches, never while a payment or an import runs, and only after a backup
//! taken just before the installer (so it holds everything up to that moment).

use std::sync::Arc;

use rollbook_core::update::UpdateProgress;
use rollbook_core::{Error, ErrorCode, Result, backup};
use tauri::{AppHandle, Manager, Runtime};

use super::{Updates, plugin_error};
use crate::busy::Busy;
use crate::state::AppState;

/// Downloads (reporting progress) and verifies the pending update, then backs up and
/// installs it. Payments and imports are held off only for the backup and the installer,
/// not for the download. Answers once the installer has run; the caller restarts the app.
/// On Windows the installer closes the app itself.
pub async fn install<R: Runtime>(
    app: &AppHandle<R>,
    progress: impl Fn(UpdateProgress) + Send + Sync + 'static,
) -> Result<()> {
    let busy = app.state::<Arc<Busy>>().inner().clone();
    // Said before the download, so nobody waits for one that cannot be installed.
    drop(busy.begin_install()?);
    let update = app.state::<Updates>().take_pending().ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            "No update is waiting to be installed; check for updates first.",
        )
    })?;

    let progress = Arc::new(progress);
    let on_chunk = {
        let progress = progress.clone();
        let mut started = false;
        move |chunk: usize, total: Option<u64>| {
            if !started {
                started = true;
                progress(UpdateProgress::Started {
                    content_length: total,
                });
            }
            progress(UpdateProgress::Progress {
                chunk_length: chunk as u64,
            });
        }
    };
    let finished = {
        let progress = progress.clone();
        move || progress(UpdateProgress::Finished)
    };
    // The plugin checks the signature (and the version it was signed for) before answering.
    let bytes = update
        .download(on_chunk, finished)
        .await
        .map_err(plugin_error)?;

    // From here to the installer, no payment or import starts (and none is running).
    let _installing = busy.begin_install()?;
    progress(UpdateProgress::BackingUp);
    let store = app.state::<AppState>().store()?;
    let backed_up = tauri::async_runtime::spawn_blocking(move || {
        backup::back_up(&store, &backup::folder(&store)?)
    })
    .await
    .map_err(|e| Error::internal(format!("the backup stopped unexpectedly: {e}")))?;
    let backed_up = backed_up.map_err(|e| Error {
        message: format!(
            "The update was not installed, because the backup before it failed: {}",
            e.message
        ),
        ..e
    })?;
    tracing::info!(version = %update.version, backup = %backed_up.path.display(), "installing an update");

    progress(UpdateProgress::Installing);
    tauri::async_runtime::spawn_blocking(move || update.install(bytes).map_err(plugin_error))
        .await
        .map_err(|e| Error::internal(format!("the installer stopped unexpectedly: {e}")))??;
    app.state::<Updates>().set(None);
    tracing::info!("update installed; restarting");
    Ok(())
}

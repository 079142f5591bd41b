//! Import and export commands. Paths come from the system's open and save dialogs; the core
//! reads and writes the files. Long work reports progress over a channel and can be
//! cancelled; it runs on the blocking pool like everything else.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rollbook_core::import::{
    self, ImportOptions, ImportOutcome, ImportPreview, ImportProgress, ImportRecord, OpenedFile,
    UndoSummary, Workbook,
};
use rollbook_core::{Error, Id, Result, export};
use tauri::State;
use tauri::ipc::Channel;

use super::{save_export, with_store};
use crate::busy::Busy;
use crate::state::{AppState, CachedFile, Imports};

/// The file at `path`, read once and kept while it is unchanged on disk.
fn workbook(imports: &Imports, path: &Path) -> Result<Arc<Workbook>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::io(&format!("Cannot open {}", path.display()), &e))?;
    let modified = meta.modified().ok();
    let mut cache = imports.file.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = cache
        .as_ref()
        .filter(|c| c.path == path && c.modified == modified && c.len == meta.len())
    {
        return Ok(c.book.clone());
    }
    let book = Arc::new(import::read_path(path)?);
    *cache = Some(CachedFile {
        path: path.to_path_buf(),
        modified,
        len: meta.len(),
        book: book.clone(),
    });
    Ok(book)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal(format!("the operation stopped unexpectedly: {e}")))?
}

#[tauri::command]
pub async fn import_open(state: State<'_, AppState>, path: PathBuf) -> Result<OpenedFile> {
    let imports = state.imports.clone();
    blocking(move || workbook(&imports, &path).map(|b| b.file().clone())).await
}

#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    path: PathBuf,
    options: ImportOptions,
    progress: Channel<ImportProgress>,
) -> Result<ImportPreview> {
    let imports = state.imports.clone();
    imports.cancel.store(false, Ordering::Relaxed);
    with_store(state, move |s| {
        let book = workbook(&imports, &path)?;
        import::preview(
            s,
            &book,
            &options,
            &mut |p| drop(progress.send(p)),
            &imports.cancel,
        )
    })
    .await
}

#[tauri::command]
pub async fn import_run(
    state: State<'_, AppState>,
    path: PathBuf,
    options: ImportOptions,
    progress: Channel<ImportProgress>,
    busy: State<'_, Arc<Busy>>,
) -> Result<ImportOutcome> {
    // An update waits while an import is being written.
    let _import = busy.begin("an import")?;
    let imports = state.imports.clone();
    imports.cancel.store(false, Ordering::Relaxed);
    with_store(state, move |s| {
        let book = workbook(&imports, &path)?;
        let outcome = import::run(
            s,
            &book,
            &options,
            &mut |p| drop(progress.send(p)),
            &imports.cancel,
        )?;
        tracing::info!(
            committed = outcome.committed,
            inserted = outcome.inserted,
            updated = outcome.updated,
            "import"
        );
        Ok(outcome)
    })
    .await
}

#[tauri::command]
pub async fn import_cancel(state: State<'_, AppState>) -> Result<()> {
    state.imports.cancel.store(true, Ordering::Relaxed);
    Ok(())
}

#[tauri::command]
pub async fn import_error_report(
    state: State<'_, AppState>,
    path: PathBuf,
    options: ImportOptions,
    out: PathBuf,
) -> Result<()> {
    let imports = state.imports.clone();
    with_store(state, move |s| {
        export::check_path(&out)?;
        let book = workbook(&imports, &path)?;
        export::write_file(&out, &import::error_report(s, &book, &options)?)
    })
    .await
}

#[tauri::command]
pub async fn import_history(state: State<'_, AppState>) -> Result<Vec<ImportRecord>> {
    with_store(state, import::history).await
}

#[tauri::command]
pub async fn import_undo_last(
    state: State<'_, AppState>,
    busy: State<'_, Arc<Busy>>,
) -> Result<UndoSummary> {
    let _undo = busy.begin("undoing an import")?;
    with_store(state, import::undo_last).await
}

#[tauri::command]
pub async fn export_roll(
    state: State<'_, AppState>,
    class_id: Option<Id>,
    out: PathBuf,
) -> Result<()> {
    save_export(state, out, move |s| export::class_roll(s, class_id)).await
}

#[tauri::command]
pub async fn export_students(state: State<'_, AppState>, out: PathBuf) -> Result<()> {
    save_export(state, out, export::student_register).await
}

#[tauri::command]
pub async fn export_template(state: State<'_, AppState>, out: PathBuf) -> Result<()> {
    save_export(state, out, move |_| export::import_template()).await
}

#[tauri::command]
pub async fn export_register(
    state: State<'_, AppState>,
    class_id: Option<Id>,
    month: String,
    out: PathBuf,
) -> Result<()> {
    save_export(state, out, move |s| {
        export::monthly_register(s, class_id, &month).map(|e| e.bytes)
    })
    .await
}

//! What the commands share: the store, or why it could not be opened.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rollbook_core::import::Workbook;
use rollbook_core::{Error, Result, Store};

pub struct AppState {
    /// The open store, or the error that stopped it opening (a damaged file, a database from
    /// a newer version). The window still opens and shows that error on every screen.
    store: std::result::Result<Arc<Store>, Error>,
    pub imports: Arc<Imports>,
}

/// The import under way, shared with the blocking threads that do the work.
#[derive(Default)]
pub struct Imports {
    /// The spreadsheet being imported, read once for the wizard's many previews.
    pub file: Mutex<Option<CachedFile>>,
    /// Set to stop the import preview or run under way.
    pub cancel: AtomicBool,
}

/// A file read for import, with what identifies its version on disk.
pub struct CachedFile {
    pub path: PathBuf,
    pub modified: Option<SystemTime>,
    pub len: u64,
    pub book: Arc<Workbook>,
}

impl AppState {
    pub fn open(data_dir: Result<PathBuf>) -> Self {
        let store = data_dir.and_then(|dir| Store::open(&dir)).map(Arc::new);
        if let Err(e) = &store {
            tracing::error!(code = ?e.code, "store could not be opened: {}", e.message);
        }
        AppState {
            store,
            imports: Arc::default(),
        }
    }

    pub fn store(&self) -> Result<Arc<Store>> {
        self.store.clone()
    }
}

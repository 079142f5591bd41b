//! What the commands share: the store, or why it could not be opened.

use std::path::PathBuf;
use std::sync::Arc;

use rollbook_core::{Error, Result, Store};

pub struct AppState {
    /// The open store, or the error that stopped it opening (a damaged file, a database from
    /// a newer version). The window still opens and shows that error on every screen.
    store: std::result::Result<Arc<Store>, Error>,
}

impl AppState {
    pub fn open(data_dir: Result<PathBuf>) -> Self {
        let store = data_dir.and_then(|dir| Store::open(&dir)).map(Arc::new);
        if let Err(e) = &store {
            tracing::error!(code = ?e.code, "store could not be opened: {}", e.message);
        }
        AppState { store }
    }

    pub fn store(&self) -> Result<Arc<Store>> {
        self.store.clone()
    }
}

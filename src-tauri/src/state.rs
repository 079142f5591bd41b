//! What the commands share: the store, or why it could not be opened.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::SystemTime;

use rollbook_core::import::Workbook;
use rollbook_core::{Error, Result, Store};

pub struct AppState {
    /// The open store, or the error that stopped it opening (a damaged file, a database from
    /// a newer version). The window still opens and shows that error on every screen. A
    /// restore swaps it.
    store: RwLock<std::result::Result<Arc<Store>, Error>>,
    /// The store being opened on a thread of its own at start-up, while the window comes up;
    /// the first to need the store waits for it and puts it in `store`.
    opening: Mutex<Option<JoinHandle<Result<Store>>>>,
    data_dir: Option<PathBuf>,
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
    /// Starts opening the store on a thread of its own (the keyring, the key, the checks),
    /// so that it opens while the window and the web view start; the first command (or
    /// thread) that needs the store waits for it.
    pub fn open(data_dir: Result<PathBuf>) -> Self {
        let dir = data_dir.as_ref().ok().cloned();
        let opening = std::thread::spawn(move || {
            let store = data_dir.and_then(|dir| Store::open(&dir));
            crate::startup::step("store open");
            store
        });
        AppState {
            store: RwLock::new(Err(Error::internal("the store has not opened yet"))),
            opening: Mutex::new(Some(opening)),
            data_dir: dir,
            imports: Arc::default(),
        }
    }

    /// Waits for the store opening in the background, if it still is, and keeps it.
    fn wait_for_open(&self) {
        let mut opening = self.opening.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(thread) = opening.take() {
            let store = thread
                .join()
                .unwrap_or_else(|_| Err(Error::internal("opening the store stopped unexpectedly")));
            *self.store.write().unwrap_or_else(|p| p.into_inner()) = opened(store);
        }
    }

    /// Opens the database with the school's recovery key when this computer lacks its key
    /// (a new PC, a lost keyring); the key is then kept in this computer's keyring.
    pub fn recover(&self, recovery_key: &str) -> Result<()> {
        let dir = self
            .data_dir
            .clone()
            .ok_or_else(|| Error::internal("there is no data folder to open"))?;
        self.wait_for_open();
        let mut slot = self.store.write().unwrap_or_else(|p| p.into_inner());
        if slot.is_ok() {
            return Ok(());
        }
        *slot = Ok(Arc::new(Store::open_with_recovery_key(&dir, recovery_key)?));
        Ok(())
    }

    /// The open store (waiting for it while it opens at start-up), or why it did not open.
    pub fn store(&self) -> Result<Arc<Store>> {
        self.wait_for_open();
        self.store.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Restores a backup: the store is closed (once the commands using it have finished),
    /// the backup put in place by the core (which keeps the current database aside), and
    /// the store opened again. Blocking: call it on the blocking pool.
    pub fn restore(&self, backup: &std::path::Path) -> Result<Option<PathBuf>> {
        let dir = self
            .data_dir
            .clone()
            .ok_or_else(|| Error::internal("there is no data folder to restore into"))?;
        // Only someone who may manage the school replaces its database.
        if let Ok(store) = self.store() {
            store.require(rollbook_core::users::Permission::ManageSchool)?;
        }
        let mut slot = self.store.write().unwrap_or_else(|p| p.into_inner());
        let busy = Error::new(
            rollbook_core::ErrorCode::Busy,
            "Rollbook is restoring a backup; try again in a moment",
        );
        let current = std::mem::replace(&mut *slot, Err(busy));
        if let Ok(store) = current {
            // Commands already running hold their own reference; wait for them to finish.
            let mut store = store;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            loop {
                match Arc::try_unwrap(store) {
                    Ok(s) => {
                        drop(s);
                        break;
                    }
                    Err(again) if std::time::Instant::now() < deadline => {
                        store = again;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    Err(again) => {
                        *slot = Ok(again);
                        return Err(Error::new(
                            rollbook_core::ErrorCode::Busy,
                            "Rollbook is still busy with other work; try the restore again",
                        ));
                    }
                }
            }
        }
        let kept = rollbook_core::backup::restore(&dir, backup, None);
        // Whatever happened, open the store again (the old one if the restore refused).
        *slot = Store::open(&dir).map(Arc::new);
        let kept = kept?;
        slot.as_ref().map_err(Clone::clone)?;
        Ok(kept)
    }
}

/// The store as the commands hold it; why it did not open is logged.
fn opened(store: Result<Store>) -> std::result::Result<Arc<Store>, Error> {
    if let Err(e) = &store {
        tracing::error!(code = ?e.code, "store could not be opened: {}", e.message);
    }
    store.map(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_opened_in_the_background_is_waited_for_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(Ok(dir.path().to_path_buf()));
        let first = state.store().expect("the store opens");
        let again = state.store().unwrap();
        assert!(Arc::ptr_eq(&first, &again), "opened once");
        assert!(rollbook_core::status::status(&first, "0").is_ok());

        let failed = AppState::open(Err(Error::internal("no data folder")));
        let Err(err) = failed.store() else {
            panic!("a store opened without a data folder");
        };
        assert_eq!(err.message, "no data folder");
        assert_eq!(failed.store().err().unwrap().message, "no data folder");
    }
}

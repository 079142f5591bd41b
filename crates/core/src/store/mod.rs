//! The local store: one SQLite file per installation, opened with the settings a cash ledger
//! needs, migrated forward (never backward), and written only through [`Writer`], which
//! records every change in the outbox inside the same transaction.

mod checks;
mod device;
mod doctor;
pub(crate) mod key;
mod migrations;
pub(crate) mod outbox;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::users::Session;

pub use doctor::DoctorReport;
pub use key::DatabaseKey;
pub use outbox::{Op, OutboxEntry, RecordType};
pub(crate) use writer::Writer;

/// The file name of the database inside the data folder.
pub const DB_FILE: &str = "rollbook.db";

/// SQLite releases before 3.51.3 can corrupt a WAL database when the WAL is reset while
/// another connection writes; a ledger must not run on them.
pub const MIN_SQLITE_VERSION: i32 = 3_051_003;

/// `PRAGMA application_id` of a Rollbook database ("RBK1"), so a foreign SQLite file is
/// refused rather than migrated.
pub(crate) const APPLICATION_ID: i32 = 0x5242_4B31;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The page cache, in KiB.
pub(crate) const CACHE_KIB: i64 = 32 * 1024;

/// SQLite's default: the write-ahead log is folded into the database once it holds this
/// many pages.
pub(crate) const CHECKPOINT_PAGES: i64 = 1000;

/// Prepared statements kept per connection. Writing a student touches some 20 distinct
/// statements (the student, guardians, links, outbox, search index, import history); the
/// default of 16 would evict them on every row of an import and parse each one again.
const STATEMENT_CACHE: usize = 128;

/// The schema version this build writes.
pub(crate) fn latest_schema() -> usize {
    migrations::latest()
}

#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    device_id: Id,
    path: PathBuf,
    /// Who is signed in; the permission checks and the outbox's user stamps read it.
    session: RwLock<Session>,
    /// The key the database is encrypted with (backups are encrypted with it too).
    key: DatabaseKey,
    /// Whether this open made the key (a new database): the recovery key must be shown.
    new_key: bool,
}

impl Store {
    /// Opens (creating if needed) the encrypted database in `data_dir`, with its key from the
    /// OS keyring. A new database gets a new random key, kept in the keyring (see
    /// [`Store::has_new_key`]); an unencrypted database from an earlier version is encrypted
    /// in place. A database whose key this computer lacks needs [`Store::open_with_recovery_key`].
    pub fn open(data_dir: &Path) -> Result<Store> {
        create_dir(data_dir)?;
        let db = data_dir.join(DB_FILE);
        let is_new = std::fs::metadata(&db).map_or(true, |m| m.len() == 0);
        match key::load(data_dir)? {
            Some(k) => Self::open_with_key(data_dir, k),
            None if is_new || key::is_plain_sqlite(&db) => {
                let k = DatabaseKey::generate();
                key::save(data_dir, &k)?;
                let mut store = Self::open_with_key(data_dir, k)?;
                store.new_key = true;
                Ok(store)
            }
            None => Err(key::wrong_key()),
        }
    }

    /// Opens the database in `data_dir` with the school's recovery key (on a new PC, or after
    /// the keyring was lost) and keeps the key in this computer's keyring.
    pub fn open_with_recovery_key(data_dir: &Path, recovery_key: &str) -> Result<Store> {
        let k = DatabaseKey::from_recovery_text(recovery_key)?;
        let store = Self::open_with_key(data_dir, k.clone())?;
        key::save(data_dir, &k)?;
        Ok(store)
    }

    /// Opens (creating if needed) the database in `data_dir` encrypted with `key`, leaving the
    /// keyring alone.
    pub fn open_with_key(data_dir: &Path, key: DatabaseKey) -> Result<Store> {
        check_sqlite_version(rusqlite::version_number())?;
        create_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        if key::is_plain_sqlite(&path) {
            encrypt_in_place(&path, &key)?;
        }
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        key::apply(&conn, &key)?;
        configure(&conn)?;
        quick_check(&conn)?;
        check_application_id(&conn)?;
        migrations::migrate(&mut conn)?;
        let device_id = device::ensure(&mut conn)?;
        tracing::info!(path = %path.display(), device = %device_id, "store opened");
        Ok(Store {
            conn: Mutex::new(conn),
            device_id,
            path,
            session: RwLock::new(Session::default()),
            key,
            new_key: false,
        })
    }

    /// Whether this database was made by this open, with a new key: its recovery key has not
    /// been shown to anyone yet.
    pub fn has_new_key(&self) -> bool {
        self.new_key
    }

    /// The recovery key (the database key, written for people), for an administrator to
    /// print or write down.
    pub fn recovery_key(&self) -> Result<String> {
        self.require(crate::users::Permission::ManageUsers)?;
        Ok(self.key.recovery_text())
    }

    pub(crate) fn key(&self) -> &DatabaseKey {
        &self.key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's device id, made once when the database was created.
    pub fn device_id(&self) -> Id {
        self.device_id
    }

    /// Gives this database a new device identity; see [`device::take_new_identity`]. Used on
    /// a restored copy before it is put in place.
    pub(crate) fn take_new_identity(&mut self) -> Result<Id> {
        let conn = self
            .conn
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.device_id = device::take_new_identity(conn)?;
        Ok(self.device_id)
    }

    /// Folds the write-ahead log into the database file, so the file is whole on its own.
    pub(crate) fn checkpoint(&self) -> Result<()> {
        let conn = self.lock()?;
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(Error::new(
                ErrorCode::Internal,
                "The database is busy; its changes could not be written into the file.",
            ));
        }
        Ok(())
    }

    pub(crate) fn session(&self) -> Session {
        self.session
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub(crate) fn set_session(&self, session: Session) {
        *self
            .session
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = session;
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back
        // the open transaction when the Transaction guard is dropped during unwinding.
        Ok(self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Runs read-only work against a consistent snapshot (the transaction is rolled back).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&tx)?;
        tx.finish()?;
        Ok(out)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction. Every change `f` makes through the
    /// [`Writer`] lands together with its outbox entries, or none of it does.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut writer = Writer::begin(tx, self.device_id, self.session().active())?;
        let out = f(&mut writer)?;
        writer.commit()?;
        Ok(out)
    }

    pub fn schema_version(&self) -> Result<usize> {
        self.read(|c| Ok(migrations::current(c)))
    }

    pub fn doctor(&self) -> Result<DoctorReport> {
        self.read(|c| doctor::run(c, self.device_id))
    }

    /// Outbox entries not yet acknowledged by the server, oldest first.
    pub fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        self.read(|c| outbox::pending(c, limit))
    }

    /// For work that spans many transactions and writes far more pages than usual (a sync
    /// catch-up): a page cache of `cache_kib` and the log folded in every
    /// `checkpoint_pages`, until [`Store::usual_cache`].
    pub(crate) fn bulk_cache(&self, cache_kib: i64, checkpoint_pages: i64) -> Result<()> {
        set_cache(&*self.lock()?, cache_kib, checkpoint_pages)
    }

    /// Back to the usual page cache (its extra pages are freed) and checkpoints.
    pub(crate) fn usual_cache(&self) -> Result<()> {
        set_cache(&*self.lock()?, CACHE_KIB, CHECKPOINT_PAGES)
    }
}

/// The page cache (KiB) and how many pages of log are folded into the database at a time.
pub(crate) fn set_cache(conn: &Connection, cache_kib: i64, checkpoint_pages: i64) -> Result<()> {
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.pragma_update(None, "wal_autocheckpoint", checkpoint_pages)?;
    Ok(())
}

fn create_dir(data_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        Error::io(
            &format!("Cannot create the data folder {}", data_dir.display()),
            &e,
        )
    })
}

/// Encrypts an unencrypted database (from a version before encryption) with `key`: the
/// data is exported into a new encrypted file, which then replaces the plain one.
/// A damaged or foreign file is refused untouched.
fn encrypt_in_place(path: &Path, key: &DatabaseKey) -> Result<()> {
    {
        let plain = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        quick_check(&plain)?;
        let app_id: i32 = plain.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            check_application_id(&plain)?;
        }
    }
    let tmp = path.with_extension("db.encrypting");
    let _ = std::fs::remove_file(&tmp);
    {
        let conn = Connection::open(path)?;
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        key::attach(&conn, &tmp, "encrypted", key)?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        let app_id: i64 = conn.query_row("PRAGMA main.application_id", [], |r| r.get(0))?;
        conn.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {version};
             PRAGMA encrypted.application_id = {app_id};
             DETACH DATABASE encrypted;"
        ))?;
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| Error::io("Cannot encrypt the database", &e))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    tracing::info!(path = %path.display(), "database encrypted");
    Ok(())
}

fn check_sqlite_version(version: i32) -> Result<()> {
    if version < MIN_SQLITE_VERSION {
        return Err(Error::new(
            ErrorCode::SqliteTooOld,
            format!(
                "This build links SQLite {}, older than 3.51.3, which can damage a database \
                 under concurrent writes. Install an official Rollbook build.",
                format_sqlite_version(version)
            ),
        ));
    }
    Ok(())
}

fn format_sqlite_version(v: i32) -> String {
    format!("{}.{}.{}", v / 1_000_000, (v / 1_000) % 1_000, v % 1_000)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::new(
            ErrorCode::Io,
            format!("The database could not switch to write-ahead logging (mode is {mode})."),
        ));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // 32 MB of page cache (the default is 2 MB): an import or a sync page of thousands of
    // rows stays in memory until it commits, instead of spilling pages that SQLCipher must
    // encrypt, and read back and decrypt, over and over.
    set_cache(conn, CACHE_KIB, CHECKPOINT_PAGES)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    Ok(())
}

fn quick_check(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(());
    }
    tracing::error!(count = problems.len(), "quick_check failed");
    Err(Error::new(
        ErrorCode::DatabaseCorrupt,
        format!(
            "The database failed its integrity check ({}). Restore it from a backup; \
             the damaged file has not been changed.",
            problems.first().map(String::as_str).unwrap_or("no answer")
        ),
    ))
}

fn check_application_id(conn: &Connection) -> Result<()> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let has_tables: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table')",
        [],
        |r| r.get(0),
    )?;
    match app_id {
        APPLICATION_ID => Ok(()),
        0 if !has_tables => {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            Ok(())
        }
        _ => Err(Error::new(
            ErrorCode::DatabaseCorrupt,
            "This file is an SQLite database, but not a Rollbook one. It was left untouched.",
        )),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod upgrade_tests;

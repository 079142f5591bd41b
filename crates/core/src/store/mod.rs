//! The local store: one SQLite file per installation, opened with the settings a cash ledger
//! needs, migrated forward (never backward), and written only through [`Writer`], which
//! records every change in the outbox inside the same transaction.

mod device;
mod doctor;
mod migrations;
mod outbox;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;

pub use doctor::DoctorReport;
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
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store> {
        check_sqlite_version(rusqlite::version_number())?;
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::io(
                &format!("Cannot create the data folder {}", data_dir.display()),
                &e,
            )
        })?;
        let path = data_dir.join(DB_FILE);
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
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
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's device id, made once when the database was created.
    pub fn device_id(&self) -> Id {
        self.device_id
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
        let mut writer = Writer::begin(tx, self.device_id)?;
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

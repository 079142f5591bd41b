//! `rollbook doctor`: a full integrity check and the facts support asks for first.

use rusqlite::Connection;
use serde::Serialize;

use super::{migrations, outbox};
use crate::error::Result;
use crate::id::Id;

#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    /// True when every check passed.
    pub ok: bool,
    pub schema_version: usize,
    pub schema_latest: usize,
    pub sqlite_version: String,
    pub device_id: Id,
    /// Lines from `PRAGMA integrity_check`; `["ok"]` when the file is sound.
    pub integrity: Vec<String>,
    /// Rows whose foreign keys point nowhere, as `table rowid -> parent`.
    pub foreign_key_problems: Vec<String>,
    pub pending_outbox: i64,
    /// The first broken entry of each device's ledger chain (an entry edited, removed or
    /// inserted behind Rollbook's back).
    pub ledger_breaks: Vec<crate::fees::ChainBreak>,
}

pub(super) fn run(conn: &Connection, device_id: Id) -> Result<DoctorReport> {
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let foreign_key_problems: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| {
            Ok(format!(
                "{} row {} -> {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let schema_version = migrations::current(conn);
    let ledger_breaks = crate::fees::verify_chains(conn)?;
    let ok = integrity == ["ok"] && foreign_key_problems.is_empty() && ledger_breaks.is_empty();
    Ok(DoctorReport {
        ok,
        schema_version,
        schema_latest: migrations::latest(),
        sqlite_version: rusqlite::version().to_owned(),
        device_id,
        integrity,
        foreign_key_problems,
        pending_outbox: outbox::pending_count(conn)?,
        ledger_breaks,
    })
}

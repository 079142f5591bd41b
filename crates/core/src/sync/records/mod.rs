//! One [`Replica`] per record type (see `replica.rs`), by family: each module knows the
//! payload its record type travels as (the names and shapes the local write path records in
//! the outbox) and the table(s) the record lives in.
//!
//! Shared here: [`Values`], reading an entry's fields with clear errors, and falling back
//! to the record's last known values (folded from its history in the outbox and inbox) for a
//! field the values lack, which is how a record deleted here and edited later elsewhere comes
//! back whole; and the guarded delete of a record other rows may still refer to.

mod attendance;
mod audit;
mod calendar;
mod cards;
mod classes;
mod fees;
mod guardians;
mod ledger;
mod school;
mod staff;
mod students;
mod users;
mod years;

use std::cell::RefCell;

use rusqlite::Connection;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::replica::{Replica, Rule};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;

/// The replica of `record_type` (the outbox's name for it, [`crate::store::RecordType::as_str`]).
pub(crate) fn replica(record_type: &str) -> Option<&'static dyn Replica> {
    let found: &'static dyn Replica = match record_type {
        "school" => &Checked(school::School),
        "school_logo" => &Checked(school::SchoolLogo),
        "academic_year" => &Checked(years::AcademicYear),
        "term" => &Checked(years::Term),
        "class" => &Checked(classes::Class),
        "student" => &Checked(students::Student),
        "student_photo" => &Checked(students::StudentPhoto),
        "guardian" => &Checked(guardians::Guardian),
        "student_guardian" => &Checked(guardians::StudentGuardian),
        "year_calendar" => &Checked(calendar::YearCalendar),
        "holiday" => &Checked(calendar::Holiday),
        "attendance_settings" => &Checked(attendance::Settings),
        "attendance_code" => &Checked(attendance::Code),
        "attendance_mark" => &Checked(attendance::Mark),
        "id_card" => &Checked(cards::IdCard),
        "staff" => &Checked(staff::Staff),
        "staff_attendance" => &Checked(staff::StaffAttendance),
        "fee_head" => &Checked(fees::FeeHead),
        "fee_structure" => &Checked(fees::FeeStructure),
        "student_fee_head" => &Checked(fees::StudentFeeHead),
        "concession" => &Checked(fees::Concession),
        "fee_application" => &Checked(fees::FeeApplication),
        "ledger_entry" => &Checked(ledger::LedgerEntry),
        "cash_closing" => &Checked(ledger::CashClosing),
        "user" => &Checked(users::User),
        "audit_event" => &Checked(audit::AuditEvent),
        _ => return None,
    };
    Some(found)
}

/// A replica as `apply.rs` sees it. For a record absent here, `apply.rs` stores the merge
/// even when none of the entry's fields was newer than what is known here (an edit older
/// than the record's delete): the values are then empty, and writing them would bring the
/// deleted record back from its history. Nothing is written instead.
struct Checked<R>(R);

impl<R: Replica> Replica for Checked<R> {
    fn rule(&self) -> Rule {
        self.0.rule()
    }

    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        self.0.load(conn, id)
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        if values.is_empty()
            && self.0.rule() == Rule::MergeFields
            && self.0.load(conn, id)?.is_none()
        {
            tracing::debug!(%id, "an entry older than the record's delete left it deleted");
            return Ok(());
        }
        self.0.store(conn, id, values)
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        self.0.delete(conn, id)
    }
}

/// The device id written for a record whose payload does not say which device made it
/// (cash closings and audit events: their payloads lack it, and a replica is not told the
/// entry's device). The nil UUID, so it still reads as an id.
pub(super) const UNKNOWN_DEVICE: &str = "00000000-0000-0000-0000-000000000000";

/// An entry's values for one record, read field by field. A field the values lack is taken
/// from the record's history (the last value any entry known here gave it), so an edit
/// newer than a delete brings the record back whole rather than failing for want of the
/// fields it did not change.
pub(super) struct Values<'a> {
    kind: &'static str,
    conn: &'a Connection,
    id: Id,
    map: &'a Map<String, Value>,
    history: RefCell<Option<Map<String, Value>>>,
}

impl<'a> Values<'a> {
    pub(super) fn new(
        conn: &'a Connection,
        kind: &'static str,
        id: Id,
        map: &'a Map<String, Value>,
    ) -> Self {
        Values {
            kind,
            conn,
            id,
            map,
            history: RefCell::new(None),
        }
    }

    /// Reads the field's value (or, when the values lack it, its last known one) with
    /// `read`, without copying it.
    fn with_raw<T>(&self, key: &str, read: impl FnOnce(Option<&Value>) -> T) -> Result<T> {
        if let Some(v) = self.map.get(key) {
            return Ok(read(Some(v)));
        }
        if self.history.borrow().is_none() {
            let folded = history(self.conn, self.kind, self.id)?;
            *self.history.borrow_mut() = Some(folded);
        }
        Ok(read(
            self.history.borrow().as_ref().and_then(|h| h.get(key)),
        ))
    }

    /// The field's value; `None` when absent or null.
    pub(super) fn opt<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.with_raw(key, |raw| match raw {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::deserialize(v).map(Some).map_err(|e| {
                let mut shown = v.to_string();
                if shown.chars().count() > 60 {
                    shown = shown.chars().take(60).chain("…".chars()).collect();
                }
                self.bad(key, &format!("{shown} ({e})"))
            }),
        })?
    }

    /// The field's value, which the record cannot do without.
    pub(super) fn req<T: DeserializeOwned>(&self, key: &str) -> Result<T> {
        self.opt(key)?.ok_or_else(|| {
            Error::validation(
                &self.field(key),
                format!(
                    "A {} change from another device lacks its {key}, and no earlier value \
                     of it is known here",
                    self.kind
                ),
            )
        })
    }

    /// The field's value, or `default` when absent or null.
    pub(super) fn or<T: DeserializeOwned>(&self, key: &str, default: T) -> Result<T> {
        Ok(self.opt(key)?.unwrap_or(default))
    }

    fn field(&self, key: &str) -> String {
        format!("{}.{key}", self.kind)
    }

    /// An error for a field whose value is not what the record type allows.
    pub(super) fn bad(&self, key: &str, why: &str) -> Error {
        Error::validation(
            &self.field(key),
            format!(
                "A {} change from another device has an invalid {key}: {why}",
                self.kind
            ),
        )
    }
}

/// The record's last known values: every non-delete entry for it in this device's outbox and
/// inbox, folded in clock order (ties by device id, as the merge orders them).
fn history(conn: &Connection, kind: &str, id: Id) -> Result<Map<String, Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT payload FROM (
             SELECT hlc, device_id, payload FROM outbox WHERE record_type = ?1 AND record_id = ?2
             UNION ALL
             SELECT hlc, device_id, payload FROM inbox WHERE record_type = ?1 AND record_id = ?2
         ) ORDER BY hlc, device_id",
    )?;
    let mut rows = stmt.query(rusqlite::params![kind, id])?;
    let mut out = Map::new();
    while let Some(r) = rows.next()? {
        let payload: String = r.get(0)?;
        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&payload) {
            out.extend(m);
        }
    }
    Ok(out)
}

/// A record's values as its payload carries them: the struct the local write path records,
/// serialised the same way.
pub(super) fn object<T: Serialize>(value: &T) -> Result<Map<String, Value>> {
    match serde_json::to_value(value)? {
        Value::Object(m) => Ok(m),
        _ => Err(Error::internal("a record must serialise as an object")),
    }
}

/// The text an enum is stored as: its serde name (the tables use the same names).
pub(super) fn name_of<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value)? {
        Value::String(s) => Ok(s),
        other => Err(Error::internal(format!("{other} is not a name"))),
    }
}

/// Whether `e` is SQLite refusing a delete because other rows still refer to the row.
fn is_foreign_key(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// Deletes a record: `dependents` first removes what belongs to it (links, a photo, an index
/// entry), then `sql` (with `?1` the id) removes the row. When rows this device holds still
/// refer to it (a student with marks or ledger entries, a class with students), nothing is
/// removed and the record stays: a remote delete never fails a page. Answers whether the
/// record went.
pub(super) fn guarded_delete(
    conn: &Connection,
    kind: &str,
    id: Id,
    dependents: impl FnOnce() -> Result<()>,
    sql: &str,
) -> Result<bool> {
    conn.execute_batch("SAVEPOINT sync_delete")?;
    let outcome = dependents().and_then(|()| match conn.execute(sql, [id]) {
        Ok(_) => Ok(true),
        Err(e) if is_foreign_key(&e) => Ok(false),
        Err(e) => Err(e.into()),
    });
    match outcome {
        Ok(true) => {
            conn.execute_batch("RELEASE sync_delete")?;
            Ok(true)
        }
        Ok(false) => {
            conn.execute_batch("ROLLBACK TO sync_delete; RELEASE sync_delete")?;
            tracing::warn!(record_type = kind, %id, "remote delete skipped: the record is still referred to here");
            Ok(false)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO sync_delete; RELEASE sync_delete")?;
            Err(e)
        }
    }
}

/// A clash with a record this device already holds under another id (a name or number that
/// must be unique), reported rather than silently merged.
pub(super) fn clash(kind: &str, field: &str, message: String) -> Error {
    Error {
        code: ErrorCode::Conflict,
        message,
        field: Some(format!("{kind}.{field}")),
        details: Vec::new(),
    }
}

/// The mapping of a constraint failure on insert to a clear conflict (other errors pass).
pub(super) fn constraint(e: rusqlite::Error, kind: &str, id: Id) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            Error::new(
                ErrorCode::Conflict,
                format!(
                    "A {kind} from another device ({id}) refers to a record this computer does \
                     not have: {}",
                    msg.as_deref().unwrap_or("a foreign key failed")
                ),
            )
        }
        rusqlite::Error::SqliteFailure(f, msg)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::new(
                ErrorCode::Conflict,
                format!(
                    "A {kind} from another device ({id}) clashes with a record on this computer: {}",
                    msg.as_deref().unwrap_or("a constraint failed")
                ),
            )
        }
        _ => e.into(),
    }
}

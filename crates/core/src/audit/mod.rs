//! The audit trail: who changed what, when, from which device, with the old and new values,
//! plus the events that change no record (sign-ins, wrong PINs, locks, exports, imports).
//!
//! Changes are read from the outbox, which every write appends to in its own transaction and
//! which triggers keep append-only, and from the inbox (changes made on the school's other
//! devices, as sync applied them); an update's old values are the record's state folded
//! from its earlier entries, in clock order. Events are rows of `audit_events`, equally append-only, and also
//! go through the outbox so that the school's other devices and the cloud see them.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::now_utc;
use crate::users::{Actor, Permission};

/// Events that are not changes to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SignIn,
    SignOut,
    WrongPin,
    UserLocked,
    Lock,
    PinReset,
    PinChanged,
    Export,
    Import,
    Backup,
    Restore,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignOut => "sign_out",
            Action::WrongPin => "wrong_pin",
            Action::UserLocked => "user_locked",
            Action::Lock => "lock",
            Action::PinReset => "pin_reset",
            Action::PinChanged => "pin_changed",
            Action::Export => "export",
            Action::Import => "import",
            Action::Backup => "backup",
            Action::Restore => "restore",
        }
    }
}

#[derive(Serialize)]
struct EventValues<'a> {
    at: &'a str,
    user_id: Option<Id>,
    user_name: Option<&'a str>,
    action: &'static str,
    record_type: Option<&'static str>,
    record_id: Option<Id>,
    detail: &'a str,
}

fn write_event(
    w: &mut Writer<'_>,
    who: Option<&Actor>,
    action: Action,
    about: Option<(RecordType, Id)>,
    detail: &str,
) -> Result<()> {
    let id = Id::new();
    let at = now_utc();
    let values = EventValues {
        at: &at,
        user_id: who.map(|a| a.user_id),
        user_name: who.map(|a| a.name.as_str()),
        action: action.as_str(),
        record_type: about.map(|(t, _)| t.as_str()),
        record_id: about.map(|(_, id)| id),
        detail,
    };
    w.conn()
        .prepare_cached(
            "INSERT INTO audit_events (id, at, device_id, user_id, user_name, action,
                                       record_type, record_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(rusqlite::params![
            id,
            at,
            w.device_id(),
            values.user_id,
            values.user_name,
            values.action,
            values.record_type,
            values.record_id,
            detail
        ])?;
    w.record(RecordType::AuditEvent, id, Op::Insert, &values)?;
    Ok(())
}

/// Records an event by `who` inside a write.
pub(crate) fn event(
    w: &mut Writer<'_>,
    who: Option<&Actor>,
    action: Action,
    detail: &str,
) -> Result<()> {
    write_event(w, who, action, None, detail)
}

/// Records an event about one record inside a write.
pub(crate) fn event_about(
    w: &mut Writer<'_>,
    who: Option<&Actor>,
    action: Action,
    about: (RecordType, Id),
    detail: &str,
) -> Result<()> {
    write_event(w, who, action, Some(about), detail)
}

/// Records an event by whoever is signed in, in a write of its own (exports, backups).
pub fn log(store: &Store, action: Action, detail: &str) -> Result<()> {
    let who = store.session().active();
    store.write(|w| event(w, who.as_ref(), action, detail))
}

/// What the audit report covers: a date range (the school's dates, both ends included),
/// optionally one user's actions or one student's records.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditQuery {
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`.
    pub to: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub user_id: Option<Id>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub student_id: Option<Id>,
}

/// One line of the audit report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditRow {
    /// The UTC instant.
    pub at: String,
    pub device_id: Id,
    /// Who was signed in; empty before the school had users.
    pub user: String,
    /// `insert`, `update`, `delete`, or an event (`sign_in`, `wrong_pin`, `export`...).
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub changes: Vec<FieldChange>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    pub field: String,
    /// The value before (none for a new record or a field that was not set).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub old: Value,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub new: Value,
}

/// The audit trail for `q`, oldest first.
pub fn report(store: &Store, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    store.require(Permission::ViewAudit)?;
    let from = crate::time::parse_iso_date("from", &q.from)?;
    let to = crate::time::parse_iso_date("to", &q.to)?;
    store.read(|c| {
        let school = crate::school::load(c)?;
        let (start, end) = bounds(school.as_ref(), from, to);
        let mut rows = changes(c, &start, &end, q)?;
        rows.extend(events(c, &start, &end, q)?);
        rows.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(rows)
    })
}

/// The UTC instants where the school's `from` begins and the day after `to` begins.
fn bounds(
    school: Option<&crate::school::SchoolProfile>,
    from: NaiveDate,
    to: NaiveDate,
) -> (String, String) {
    let tz = school.and_then(|s| s.time_zone.parse::<chrono_tz::Tz>().ok());
    let instant = |d: NaiveDate| {
        let local = d.and_time(NaiveTime::MIN);
        let utc = match tz {
            Some(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local)),
            None => Utc.from_utc_datetime(&local),
        };
        utc.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    (instant(from), instant(to.succ_opt().unwrap_or(to)))
}

/// Record changes in the range, with each update's old values folded from the record's
/// earlier entries.
fn changes(c: &Connection, start: &str, end: &str, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let mut stmt = c.prepare(
        "WITH history AS (
             SELECT hlc, created_at, device_id, user_id, user_name, op, record_type,
                    record_id, payload FROM outbox
             UNION ALL
             SELECT hlc, created_at, device_id, user_id, user_name, op, record_type,
                    record_id, payload FROM inbox
         ),
         related AS (
             SELECT DISTINCT record_id FROM history
             WHERE ?4 IS NOT NULL
               AND (record_id = ?4 OR json_extract(payload, '$.student_id') = ?4)
         ),
         touched AS (
             SELECT DISTINCT record_id FROM history
             WHERE created_at >= ?1 AND created_at < ?2
               AND (?3 IS NULL OR user_id = ?3)
               AND (?4 IS NULL OR record_id IN related)
         )
         SELECT o.hlc, o.created_at, o.device_id, coalesce(o.user_name, ''), o.op,
                o.record_type, o.record_id, o.payload,
                o.created_at >= ?1 AND (?3 IS NULL OR o.user_id = ?3) AS wanted
         FROM history o
         WHERE o.record_type <> 'audit_event'
           AND o.record_id IN touched
           AND o.created_at < ?2
         ORDER BY o.hlc, o.device_id",
    )?;
    let mut state: std::collections::HashMap<String, Map<String, Value>> = Default::default();
    let mut out = Vec::new();
    let mut rows = stmt.query(rusqlite::params![start, end, q.user_id, q.student_id])?;
    while let Some(r) = rows.next()? {
        let op: String = r.get(4)?;
        let record_id: String = r.get(6)?;
        let payload: String = r.get(7)?;
        let wanted: bool = r.get(8)?;
        let values = match serde_json::from_str::<Value>(&payload) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let before = state.entry(record_id.clone()).or_default();
        let field_changes: Vec<FieldChange> = values
            .iter()
            .filter(|(k, v)| op != "update" || before.get(*k) != Some(v))
            .map(|(k, v)| FieldChange {
                field: k.clone(),
                old: if op == "insert" {
                    Value::Null
                } else {
                    before.get(k).cloned().unwrap_or(Value::Null)
                },
                new: v.clone(),
            })
            .collect();
        if op == "delete" {
            before.clear();
        } else {
            before.extend(values);
        }
        if wanted {
            out.push(AuditRow {
                at: r.get(1)?,
                device_id: r.get(2)?,
                user: r.get(3)?,
                action: op,
                record_type: r.get(5)?,
                record_id,
                changes: field_changes,
                detail: String::new(),
            });
        }
    }
    Ok(out)
}

fn events(c: &Connection, start: &str, end: &str, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let mut stmt = c.prepare(
        "SELECT at, device_id, coalesce(user_name, ''), action, coalesce(record_type, ''),
                coalesce(record_id, ''), detail
         FROM audit_events
         WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR user_id = ?3)
           AND (?4 IS NULL OR record_id = ?4)
         ORDER BY at",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![start, end, q.user_id, q.student_id],
        |r| {
            Ok(AuditRow {
                at: r.get(0)?,
                device_id: r.get(1)?,
                user: r.get(2)?,
                action: r.get(3)?,
                record_type: r.get(4)?,
                record_id: r.get(5)?,
                changes: Vec::new(),
                detail: r.get(6)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests;

//! The outbox: what this device changed, waiting to be sent.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::hlc::Hlc;
use crate::id::Id;

/// The kinds of record that travel through sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    School,
    AcademicYear,
    Term,
    Class,
    Student,
    StudentPhoto,
    Guardian,
    StudentGuardian,
    YearCalendar,
    Holiday,
    AttendanceSettings,
    AttendanceCode,
    AttendanceMark,
    IdCard,
    Staff,
    StaffAttendance,
    FeeHead,
    FeeStructure,
    StudentFeeHead,
    Concession,
    FeeApplication,
    LedgerEntry,
    CashClosing,
    SchoolLogo,
    User,
    AuditEvent,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::School => "school",
            RecordType::AcademicYear => "academic_year",
            RecordType::Term => "term",
            RecordType::Class => "class",
            RecordType::Student => "student",
            RecordType::StudentPhoto => "student_photo",
            RecordType::Guardian => "guardian",
            RecordType::StudentGuardian => "student_guardian",
            RecordType::YearCalendar => "year_calendar",
            RecordType::Holiday => "holiday",
            RecordType::AttendanceSettings => "attendance_settings",
            RecordType::AttendanceCode => "attendance_code",
            RecordType::AttendanceMark => "attendance_mark",
            RecordType::IdCard => "id_card",
            RecordType::Staff => "staff",
            RecordType::StaffAttendance => "staff_attendance",
            RecordType::FeeHead => "fee_head",
            RecordType::FeeStructure => "fee_structure",
            RecordType::StudentFeeHead => "student_fee_head",
            RecordType::Concession => "concession",
            RecordType::FeeApplication => "fee_application",
            RecordType::LedgerEntry => "ledger_entry",
            RecordType::CashClosing => "cash_closing",
            RecordType::SchoolLogo => "school_logo",
            RecordType::User => "user",
            RecordType::AuditEvent => "audit_event",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub entry_id: Id,
    pub record_type: String,
    pub record_id: Id,
    pub op: String,
    pub payload: serde_json::Value,
    pub hlc: Hlc,
    pub device_id: Id,
    pub created_at: String,
    pub user_id: Option<Id>,
    pub user_name: Option<String>,
}

/// One identity's entries the cloud does not hold yet: the outbox's entries with
/// `after < seq <= upto`. An identity's entries are numbered on from where the one before
/// it stopped, so each identity's entries are one run of the outbox, and those the cloud
/// acknowledged are the first of that run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Waiting {
    pub device_id: String,
    /// Subtracted from `seq` for the identity's own numbering (the cloud's).
    pub seq_base: i64,
    pub after: i64,
    pub upto: i64,
}

/// Every identity's waiting run, oldest identity first (the current one last).
pub(crate) fn waiting(conn: &Connection) -> Result<Vec<Waiting>> {
    let mut stmt = conn.prepare_cached(
        "SELECT device_id, seq_base, max(seq_base, acked_seq),
                lead(seq_base, 1, 9223372036854775807) OVER (ORDER BY seq_base, rowid)
         FROM device_identities ORDER BY seq_base, rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Waiting {
            device_id: r.get(0)?,
            seq_base: r.get(1)?,
            after: r.get(2)?,
            upto: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many of `w`'s entries wait, and the last of them (in the outbox's numbering).
fn waiting_extent(conn: &Connection, w: &Waiting) -> Result<(i64, Option<i64>)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), max(seq) FROM outbox WHERE seq > ?1 AND seq <= ?2 AND device_id = ?3",
        )?
        .query_row(rusqlite::params![w.after, w.upto, w.device_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
}

/// How many of `w`'s entries wait.
pub(crate) fn waiting_count(conn: &Connection, w: &Waiting) -> Result<i64> {
    Ok(waiting_extent(conn, w)?.0)
}

/// The identity `device_id`'s waiting run, if it is one of this database's identities.
pub(crate) fn waiting_of(conn: &Connection, device_id: &str) -> Result<Option<Waiting>> {
    Ok(waiting(conn)?
        .into_iter()
        .find(|w| w.device_id == device_id))
}

/// Notes that the cloud holds `device_id`'s entries up to `through` in that identity's own
/// numbering (never moving the mark back, nor past the identity's last entry).
pub(crate) fn acknowledge(
    conn: &Connection,
    device_id: &str,
    through: i64,
    now: &str,
) -> Result<()> {
    let Some(w) = waiting_of(conn, device_id)? else {
        return Ok(());
    };
    let (_, last) = waiting_extent(conn, &w)?;
    let through = through
        .saturating_add(w.seq_base)
        .min(last.unwrap_or(w.after));
    if through > w.after {
        conn.prepare_cached(
            "UPDATE device_identities SET acked_seq = ?2, acked_at = ?3 WHERE device_id = ?1",
        )?
        .execute(rusqlite::params![device_id, through, now])?;
    }
    Ok(())
}

/// `w`'s waiting entries after `from` (in the outbox's numbering), oldest first, at most
/// `limit`, each made by `read` from the row (seq, entry_id, record_type, record_id, op,
/// payload, hlc, device_id, created_at, user_id, user_name).
pub(crate) fn read_waiting<T>(
    conn: &Connection,
    w: &Waiting,
    from: i64,
    limit: usize,
    read: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, entry_id, record_type, record_id, op, payload, hlc, device_id,
                created_at, user_id, user_name
         FROM outbox WHERE seq > ?1 AND seq <= ?2 AND device_id = ?3 ORDER BY seq LIMIT ?4",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(
        rusqlite::params![from.max(w.after), w.upto, w.device_id, limit],
        read,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Entries not yet acknowledged, oldest first, at most `limit`.
pub(super) fn pending(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut out = Vec::new();
    for w in waiting(conn)? {
        let left = limit.saturating_sub(out.len());
        if left == 0 {
            break;
        }
        out.extend(read_waiting(conn, &w, w.after, left, |r| {
            let payload: String = r.get(5)?;
            Ok(OutboxEntry {
                seq: r.get(0)?,
                entry_id: r.get(1)?,
                record_type: r.get(2)?,
                record_id: r.get(3)?,
                op: r.get(4)?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                hlc: Hlc::from_raw(r.get(6)?),
                device_id: r.get(7)?,
                created_at: r.get(8)?,
                user_id: r.get(9)?,
                user_name: r.get(10)?,
            })
        })?);
    }
    Ok(out)
}

/// How many entries wait, every identity's together.
pub(crate) fn pending_count(conn: &Connection) -> Result<i64> {
    let mut n = 0;
    for w in waiting(conn)? {
        n += waiting_count(conn, &w)?;
    }
    Ok(n)
}

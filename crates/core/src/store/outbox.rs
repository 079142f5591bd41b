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

pub(super) fn pending(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, entry_id, record_type, record_id, op, payload, hlc, device_id, created_at,
                user_id, user_name
         FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
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
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn pending_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM outbox WHERE acked_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

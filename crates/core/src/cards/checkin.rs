//! Check-in by card: a scan marks a student present for the first session of the day (late
//! after the school's cut-off, with the minutes), or records a staff member's arrival. A
//! second scan the same day changes nothing and says when the first was. An unknown or
//! revoked card is refused with its own error code.

use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{HolderKind, holder, normalise_token};
use crate::attendance::{self, NewMark, Source};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::users::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CheckInOutcome {
    Present,
    Late,
    /// Already checked in today: nothing changed.
    Already,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckIn {
    pub outcome: CheckInOutcome,
    pub holder_kind: HolderKind,
    pub holder_id: Id,
    pub name: String,
    /// The class for a student, the role for staff.
    pub subtitle: String,
    /// The school's local time of this scan, `HH:MM`.
    pub time: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
    /// What to tell the person at the desk.
    pub message: String,
}

/// Checks in the holder of the scanned card now.
pub fn check_in(store: &Store, scanned: &str) -> Result<CheckIn> {
    check_in_at(store, scanned, Utc::now())
}

fn minutes_late(time: NaiveTime, cut_off: NaiveTime) -> Option<u32> {
    let late = (time - cut_off).num_minutes();
    (late > 0).then(|| u32::try_from(late.min(720)).unwrap_or(720))
}

/// [`check_in`] at a given instant (tests use it to place the scan before or after the cut-off).
pub(crate) fn check_in_at(store: &Store, scanned: &str, at: DateTime<Utc>) -> Result<CheckIn> {
    store.require(Permission::TakeAttendance)?;
    let token = normalise_token(scanned);
    if token.is_empty() {
        return Err(Error::validation("code", "Nothing was scanned"));
    }
    store.write(|w| {
        let school = crate::school::require(w.conn())?;
        let local = crate::school::local_time(&school, at);
        let card = holder(w.conn(), &token)?.ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "This card is not known to Rollbook. It may belong to another school, or the \
                 scan was garbled: try again.",
            )
        })?;
        if let Some(when) = &card.revoked_at {
            return Err(Error::new(
                ErrorCode::Revoked,
                format!(
                    "This card was withdrawn on {}. Keep it, and use the holder's new card.",
                    when.get(..10).unwrap_or(when)
                ),
            ));
        }
        let date = local.date();
        attendance::check_date(w.conn(), date, date)?;
        let cut_off = attendance::load_settings(w.conn())?.late_after;
        let time = local.time().format("%H:%M").to_string();
        let late = minutes_late(local.time(), cut_off);
        match card.kind {
            HolderKind::Student => student(w, card.holder_id, date, time, late),
            HolderKind::Staff => staff(w, card.holder_id, date, at, time, late),
        }
    })
}

fn outcome_of(late: Option<u32>) -> (CheckInOutcome, &'static str) {
    match late {
        Some(_) => (CheckInOutcome::Late, "L"),
        None => (CheckInOutcome::Present, "P"),
    }
}

fn student(
    w: &mut Writer<'_>,
    id: Id,
    date: chrono::NaiveDate,
    time: String,
    late: Option<u32>,
) -> Result<CheckIn> {
    let s = crate::students::load(w.conn(), id)?.ok_or_else(|| Error::not_found("The student"))?;
    if s.status != crate::students::StudentStatus::Active {
        return Err(Error::new(
            ErrorCode::Revoked,
            format!("{} is no longer an active student", s.full_name()),
        ));
    }
    let subtitle = match s.class_id {
        Some(c) => crate::classes::load(w.conn(), c)?
            .map(|k| k.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let session = attendance::first_session(w.conn())?;
    let codes = attendance::codes_by_letter(w.conn())?;
    // A mark already there: a scan or a roll call that saw the student. Only an absence marked
    // before they arrived is replaced (they came late).
    let existing: Option<(String, String)> = w
        .conn()
        .query_row(
            "SELECT code, marked_at FROM attendance_marks WHERE student_id = ?1 AND date = ?2 AND session = ?3",
            rusqlite::params![id, date, session],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let name = s.full_name();
    if let Some((code, _)) = &existing
        && !codes.get(code).is_some_and(|k| k.kind.is_away())
    {
        return Ok(CheckIn {
            outcome: CheckInOutcome::Already,
            holder_kind: HolderKind::Student,
            holder_id: id,
            message: format!("{name} is already marked {code} today"),
            name,
            subtitle,
            time,
            late_minutes: None,
        });
    }
    let (outcome, code) = outcome_of(late);
    attendance::put_mark(
        w,
        &NewMark {
            student_id: id,
            date,
            session: &session,
            code,
            late_minutes: late,
            reason: "",
            source: Source::Scan,
            by: "",
        },
    )?;
    Ok(CheckIn {
        outcome,
        holder_kind: HolderKind::Student,
        holder_id: id,
        message: match late {
            Some(m) => format!("{name}: late by {m} min"),
            None => format!("{name}: present"),
        },
        name,
        subtitle,
        time,
        late_minutes: late,
    })
}

#[derive(Serialize)]
struct Arrival<'a> {
    staff_id: Id,
    date: chrono::NaiveDate,
    code: &'a str,
    late_minutes: Option<u32>,
    checked_in_at: &'a str,
    device_id: Id,
}

fn staff(
    w: &mut Writer<'_>,
    id: Id,
    date: chrono::NaiveDate,
    at: DateTime<Utc>,
    time: String,
    late: Option<u32>,
) -> Result<CheckIn> {
    let s =
        crate::staff::load(w.conn(), id)?.ok_or_else(|| Error::not_found("The staff member"))?;
    if !s.active {
        return Err(Error::new(
            ErrorCode::Revoked,
            format!("{} is no longer on the staff list", s.name),
        ));
    }
    let earlier: Option<String> = w
        .conn()
        .query_row(
            "SELECT checked_in_at FROM staff_attendance WHERE staff_id = ?1 AND date = ?2",
            rusqlite::params![id, date],
            |r| r.get(0),
        )
        .optional()?;
    if earlier.is_some() {
        return Ok(CheckIn {
            outcome: CheckInOutcome::Already,
            holder_kind: HolderKind::Staff,
            holder_id: id,
            message: format!("{} has already checked in today", s.name),
            name: s.name,
            subtitle: s.role,
            time,
            late_minutes: None,
        });
    }
    let (outcome, code) = outcome_of(late);
    let row_id = Id::derived("staff_attendance", &[&id.to_string(), &date.to_string()]);
    let at_text = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let device_id = w.device_id();
    w.conn().execute(
        "INSERT INTO staff_attendance (id, staff_id, date, code, late_minutes, checked_in_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![row_id, id, date, code, late, at_text, device_id],
    )?;
    w.record(
        RecordType::StaffAttendance,
        row_id,
        Op::Insert,
        &Arrival {
            staff_id: id,
            date,
            code,
            late_minutes: late,
            checked_in_at: &at_text,
            device_id,
        },
    )?;
    Ok(CheckIn {
        outcome,
        holder_kind: HolderKind::Staff,
        holder_id: id,
        message: match late {
            Some(m) => format!("{}: late by {m} min", s.name),
            None => format!("{}: checked in", s.name),
        },
        name: s.name,
        subtitle: s.role,
        time,
        late_minutes: late,
    })
}

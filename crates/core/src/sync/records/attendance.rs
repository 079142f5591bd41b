//! Attendance: the school's settings (`attendance_settings`, one row), its codes
//! (`attendance_codes`, keyed by letter) and the marks (`attendance_marks`, one per student,
//! date and session; its history is read from the change log).

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Values, name_of, object};
use crate::attendance::{CodeKind, SessionMode, SettingsInput};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `attendance_settings`, under `Id::derived("attendance_settings", [])`: the payload is
/// [`SettingsInput`] (session_mode, periods, late_after, chronic_threshold), recorded as an
/// update. The row always exists (the schema makes it), so `load` always answers.
pub(super) struct Settings;

fn settings_id() -> Id {
    Id::derived("attendance_settings", &[])
}

impl Replica for Settings {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        if id != settings_id() {
            return Ok(None);
        }
        let row: Option<(String, u8, String, u8)> = conn
            .query_row(
                "SELECT session_mode, periods, late_after, chronic_threshold
                 FROM attendance_settings WHERE singleton = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(mode, periods, late_after, chronic_threshold)| {
            let session_mode: SessionMode = serde_json::from_value(Value::String(mode.clone()))
                .map_err(|_| Error::internal(format!("stored session mode {mode:?}")))?;
            object(&SettingsInput {
                session_mode,
                periods,
                late_after,
                chronic_threshold,
            })
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "attendance_settings", id, values);
        if id != settings_id() {
            return Err(v.bad("id", "it is not the attendance settings' id"));
        }
        let mode: SessionMode = v.req("session_mode")?;
        let periods: u8 = v.req("periods")?;
        let late: String = v.req("late_after")?;
        let chronic: u8 = v.req("chronic_threshold")?;
        if !(1..=12).contains(&periods) {
            return Err(v.bad("periods", "not between 1 and 12"));
        }
        if !(1..=100).contains(&chronic) {
            return Err(v.bad("chronic_threshold", "not a percentage from 1 to 100"));
        }
        let late = NaiveTime::parse_from_str(late.trim(), "%H:%M")
            .map_err(|_| v.bad("late_after", &format!("{late:?} is not HH:MM")))?
            .format("%H:%M")
            .to_string();
        conn.execute(
            "INSERT INTO attendance_settings (singleton, session_mode, periods, late_after,
                                              chronic_threshold, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (singleton) DO UPDATE SET session_mode = excluded.session_mode,
                 periods = excluded.periods, late_after = excluded.late_after,
                 chronic_threshold = excluded.chronic_threshold, updated_at = excluded.updated_at",
            rusqlite::params![name_of(&mode)?, periods, late, chronic, now_utc()],
        )?;
        Ok(())
    }

    /// The settings are never removed; a delete is ignored.
    fn delete(&self, _conn: &Connection, _id: Id) -> Result<()> {
        Ok(())
    }
}

/// `attendance_code`, under `Id::derived("attendance_code", [letter])`: the payload is
/// [`crate::attendance::Code`] (letter, name, kind, builtin, active), recorded as an update.
/// A built-in code keeps its kind and stays active here whatever arrives (as the settings
/// screen allows), and a new code goes last in this device's order.
pub(super) struct Code;

fn code_id(letter: &str) -> Id {
    Id::derived("attendance_code", &[letter])
}

impl Replica for Code {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::attendance::load_codes(conn)?
            .into_iter()
            .find(|c| code_id(&c.letter) == id)
            .map(|c| object(&c))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "attendance_code", id, values);
        let letter: String = v.req("letter")?;
        if code_id(&letter) != id {
            return Err(v.bad(
                "letter",
                &format!("{letter:?} is not the code filed under {id}"),
            ));
        }
        let name: String = v.req("name")?;
        let kind: CodeKind = v.req("kind")?;
        let builtin: bool = v.or("builtin", false)?;
        let active: bool = v.or("active", true)?;
        conn.execute(
            "INSERT INTO attendance_codes (letter, name, kind, position, builtin, active, updated_at)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM attendance_codes),
                     ?4, ?5, ?6)
             ON CONFLICT (letter) DO UPDATE SET name = excluded.name,
                 kind = CASE WHEN attendance_codes.builtin THEN attendance_codes.kind
                             ELSE excluded.kind END,
                 active = attendance_codes.builtin OR excluded.active,
                 updated_at = excluded.updated_at",
            rusqlite::params![letter, name, kind.as_str(), builtin, active, now_utc()],
        )?;
        Ok(())
    }

    /// Marks refer to a code by its letter, so a code is never removed: a delete turns a
    /// school's own code off.
    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        for c in crate::attendance::load_codes(conn)? {
            if code_id(&c.letter) == id && !c.builtin {
                conn.execute(
                    "UPDATE attendance_codes SET active = 0, updated_at = ?2 WHERE letter = ?1",
                    rusqlite::params![c.letter, now_utc()],
                )?;
            }
        }
        Ok(())
    }
}

/// `attendance_mark`, under `Id::derived("attendance_mark", [student_id, date, session])`
/// (so two devices marking the same student, date and session make one record): the insert
/// payload is [`crate::attendance::Mark`] (id, student_id, date, session, code,
/// late_minutes (left out when none), reason, source, marked_at, marked_by, device_id);
/// updates carry code, late_minutes, reason, source, marked_at, marked_by and device_id.
///
/// `load` always gives `late_minutes` (null when none), so that a merge never keeps minutes
/// from an earlier late mark; `store` drops the minutes of a code that is not a late one.
/// The values a mark had before are read from the change log (`attendance::history`).
pub(super) struct Mark;

fn mark_id(student_id: Id, date: NaiveDate, session: &str) -> Id {
    Id::derived(
        "attendance_mark",
        &[&student_id.to_string(), &date.to_string(), session],
    )
}

impl Replica for Mark {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let mark = conn
            .prepare_cached(
                "SELECT id, student_id, date, session, code, late_minutes, reason, source,
                        marked_at, marked_by, device_id
                 FROM attendance_marks WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(crate::attendance::Mark {
                    id: r.get(0)?,
                    student_id: r.get(1)?,
                    date: r.get(2)?,
                    session: r.get(3)?,
                    code: r.get(4)?,
                    late_minutes: r.get(5)?,
                    reason: r.get(6)?,
                    source: r.get(7)?,
                    marked_at: r.get(8)?,
                    marked_by: r.get(9)?,
                    device_id: r.get(10)?,
                })
            })
            .optional()?;
        mark.map(|m| {
            let mut values = object(&m)?;
            values.entry("late_minutes").or_insert(Value::Null);
            Ok(values)
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "attendance_mark", id, values);
        let student_id: Id = v.req("student_id")?;
        let date: NaiveDate = v.req("date")?;
        let session: String = v.req("session")?;
        if mark_id(student_id, date, &session) != id {
            return Err(v.bad(
                "session",
                "the student, date and session do not make the mark's id",
            ));
        }
        let code: String = v.req("code")?;
        let kind: Option<String> = conn
            .prepare_cached("SELECT kind FROM attendance_codes WHERE letter = ?1")?
            .query_row([&code], |r| r.get(0))
            .optional()?;
        let Some(kind) = kind else {
            return Err(v.bad("code", &format!("{code:?} is not an attendance code here")));
        };
        // Only a late code keeps minutes (and only then are they looked for in the history).
        let late: Option<u32> = if kind == CodeKind::Late.as_str() {
            v.opt("late_minutes")?
        } else {
            None
        };
        let reason: String = v.or("reason", String::new())?;
        let source: String = v.or("source", "roll".to_owned())?;
        let marked_at: String = v.or("marked_at", now_utc())?;
        let marked_by: String = v.or("marked_by", String::new())?;
        let device_id: Id = v.req("device_id")?;

        // An update, and an insert when there was nothing to update, rather than one
        // upsert: an upsert may change a row after inserting, so SQLite copies every page it
        // touches aside first (a statement journal); a plain insert needs no such copy, and
        // a mark arriving from another device is nearly always new here.
        let updated = conn
            .prepare_cached(
                "UPDATE attendance_marks SET code = ?5, late_minutes = ?6, reason = ?7,
                     source = ?8, marked_at = ?9, marked_by = ?10, device_id = ?11
                 WHERE id = ?1 AND student_id = ?2 AND date = ?3 AND session = ?4",
            )?
            .execute(rusqlite::params![
                id, student_id, date, session, code, late, reason, source, marked_at, marked_by,
                device_id
            ])?;
        if updated == 0 {
            conn.prepare_cached(
                "INSERT INTO attendance_marks (id, student_id, date, session, code,
                                               late_minutes, reason, source, marked_at,
                                               marked_by, device_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(rusqlite::params![
                id, student_id, date, session, code, late, reason, source, marked_at, marked_by,
                device_id
            ])?;
        }
        Ok(())
    }

    /// Removes the mark (nothing records such a change today).
    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM attendance_marks WHERE id = ?1", [id])?;
        Ok(())
    }
}

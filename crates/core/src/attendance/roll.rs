//! The roll call screen's view of a class on a date: every active student in roll-number
//! order with their mark (if any), who was away on the previous school day, and who has
//! been away three or more school days running. Also the registers not yet taken.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::{Code, load_codes, load_settings};
use crate::calendar::{self, DayKind};
use crate::classes::{self, Class};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::Store;
use crate::time::parse_iso_date;
use crate::users::Permission;

/// A student's line on the roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollEntry {
    /// 1, 2, 3... in name order.
    pub roll_no: u32,
    pub student_id: Id,
    pub admission_no: String,
    pub name: String,
    /// The code letter marked for this date and session; none when not marked yet.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
    pub reason: String,
    /// Away (absent or on leave) on the previous school day.
    pub away_previous_day: bool,
    /// School days in a row the student has been away, up to the day before this date.
    pub away_streak: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Roll {
    pub class: Class,
    pub date: NaiveDate,
    pub session: String,
    pub day: DayKind,
    /// The school day before `date`, which "away yesterday" refers to.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_day: Option<NaiveDate>,
    /// Whether any student has a mark for this date and session.
    pub taken: bool,
    pub entries: Vec<RollEntry>,
    /// The active codes, for the screen's keys and legend.
    pub codes: Vec<Code>,
}

/// The active students of a class in roll-number order: (id, admission number, name).
pub(crate) fn class_students(c: &Connection, class_id: Id) -> Result<Vec<(Id, String, String)>> {
    Ok(c.prepare_cached(
        "SELECT id, admission_no, trim(given_name || ' ' || family_name) FROM students
         WHERE class_id = ?1 AND status = 'active'
         ORDER BY fold_family, fold_given, admission_no",
    )?
    .query_map([class_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect::<rusqlite::Result<_>>()?)
}

/// How many school days back the away streak looks.
const STREAK_WINDOW: usize = 30;

/// A date given as `YYYY-MM-DD`, or today at the school when blank.
fn date_or_today(c: &Connection, date: &str) -> Result<NaiveDate> {
    if date.trim().is_empty() {
        Ok(crate::school::today_at_school(&crate::school::require(c)?))
    } else {
        parse_iso_date("date", date)
    }
}

/// The roll of a class for a date (blank: today) and session (blank: the first of the day).
pub fn get_roll(store: &Store, class_id: Id, date: &str, session: &str) -> Result<Roll> {
    store.require_class(Permission::ViewAttendance, class_id)?;
    store.read(|c| {
        let date = date_or_today(c, date)?;
        let class = classes::load(c, class_id)?.ok_or_else(|| Error::not_found("The class"))?;
        let session = load_settings(c)?.check_session(session)?;
        let codes = load_codes(c)?;
        let kinds: HashMap<String, super::CodeKind> =
            codes.iter().map(|k| (k.letter.clone(), k.kind)).collect();
        let cal = calendar::for_date(c, date)?;
        let day = cal
            .as_ref()
            .map_or(DayKind::OutsideYear, |cal| cal.day_kind(date));
        // The school days before this date, most recent first.
        let mut earlier: Vec<NaiveDate> = Vec::new();
        if let Some(cal) = &cal {
            let mut d = date;
            while earlier.len() < STREAK_WINDOW {
                match cal.previous_working_day(d) {
                    Some(p) => {
                        earlier.push(p);
                        d = p;
                    }
                    None => break,
                }
            }
        }
        let students = class_students(c, class_id)?;
        let mut mark_stmt = c.prepare_cached(
            "SELECT code, late_minutes, reason FROM attendance_marks
             WHERE student_id = ?1 AND date = ?2 AND session = ?3",
        )?;
        // Whether a student was away on each earlier day: away when every mark that day is an
        // absence; unknown (ends a streak) when there is no mark.
        let mut day_stmt = c.prepare_cached(
            "SELECT date, code FROM attendance_marks
             WHERE student_id = ?1 AND date >= ?2 AND date < ?3",
        )?;
        let oldest = earlier.last().copied().unwrap_or(date);
        let mut taken = false;
        let mut entries = Vec::with_capacity(students.len());
        for (i, (student_id, admission_no, name)) in students.into_iter().enumerate() {
            let mark: Option<(String, Option<u32>, String)> = mark_stmt
                .query_map(rusqlite::params![student_id, date, session], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .next()
                .transpose()?;
            taken |= mark.is_some();
            let mut by_day: HashMap<NaiveDate, bool> = HashMap::new();
            for row in day_stmt.query_map(rusqlite::params![student_id, oldest, date], |r| {
                Ok((r.get::<_, NaiveDate>(0)?, r.get::<_, String>(1)?))
            })? {
                let (d, code) = row?;
                let away = kinds.get(&code).is_some_and(|k| k.is_away());
                let entry = by_day.entry(d).or_insert(true);
                *entry &= away;
            }
            let away_on = |d: &NaiveDate| by_day.get(d).copied().unwrap_or(false);
            let away_streak = earlier.iter().take_while(|d| away_on(d)).count() as u32;
            let (code, late_minutes, reason) = match mark {
                Some((code, late, reason)) => (Some(code), late, reason),
                None => (None, None, String::new()),
            };
            entries.push(RollEntry {
                roll_no: (i + 1) as u32,
                student_id,
                admission_no,
                name,
                code,
                late_minutes,
                reason,
                away_previous_day: earlier.first().is_some_and(away_on),
                away_streak,
            });
        }
        Ok(Roll {
            class,
            date,
            session,
            day,
            previous_day: earlier.first().copied(),
            taken,
            entries,
            codes: codes.into_iter().filter(|k| k.active).collect(),
        })
    })
}

/// A class whose register is not taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassNotTaken {
    pub class_id: Id,
    pub name: String,
    pub class_teacher: String,
    pub student_count: u32,
}

/// The classes with active students and no mark for `date` (blank: today) and `session`
/// (blank: the first session). None on a day the school is closed.
pub fn registers_not_taken(store: &Store, date: &str, session: &str) -> Result<Vec<ClassNotTaken>> {
    store.require(Permission::ViewAttendance)?;
    let date = store.read(|c| date_or_today(c, date))?;
    let session = store.read(|c| load_settings(c)?.check_session(session))?;
    let working =
        store.read(|c| Ok(calendar::for_date(c, date)?.is_some_and(|cal| cal.is_working(date))))?;
    if !working {
        return Ok(Vec::new());
    }
    let taken: std::collections::HashSet<Id> = store.read(|c| {
        Ok(c.prepare(
            "SELECT DISTINCT s.class_id FROM attendance_marks m JOIN students s ON s.id = m.student_id
             WHERE m.date = ?1 AND m.session = ?2 AND s.class_id IS NOT NULL",
        )?
        .query_map(rusqlite::params![date, session], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
    })?;
    Ok(classes::list(store)?
        .into_iter()
        .filter(|s| s.student_count > 0 && !taken.contains(&s.class.id))
        .map(|s| ClassNotTaken {
            class_id: s.class.id,
            name: s.class.name,
            class_teacher: s.class.class_teacher,
            student_count: s.student_count,
        })
        .collect())
}

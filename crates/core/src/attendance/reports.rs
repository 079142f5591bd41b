//! Attendance figures: a student's record and percentage, a class's days, the chronic
//! absentees. Only marks on working days count (a mark on a day later made a holiday is
//! kept but not counted). A percentage is the sessions attended (late counts as attended,
//! half-day as half) over the sessions marked; a session not marked counts neither way.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::{CodeKind, load_codes, roll::class_students};
use crate::calendar::{self, Calendar, DayKind};
use crate::classes::{self, Class};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::Store;
use crate::time::parse_optional_date;
use crate::users::Permission;

/// Counts of marks by kind, and the percentage they make.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tally {
    pub present: u32,
    pub absent: u32,
    pub late: u32,
    pub excused: u32,
    pub half_day: u32,
    /// Sessions marked (the sum of the above).
    pub marked: u32,
    /// Sessions attended, 0 to 100 % of `marked`; none when nothing is marked.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
}

impl Tally {
    pub(crate) fn add(&mut self, kind: CodeKind, n: u32) {
        match kind {
            CodeKind::Present => self.present += n,
            CodeKind::Absent => self.absent += n,
            CodeKind::Late => self.late += n,
            CodeKind::Excused => self.excused += n,
            CodeKind::HalfDay => self.half_day += n,
        }
        self.marked += n;
        let attended = f64::from(self.present + self.late) + 0.5 * f64::from(self.half_day);
        self.percentage =
            (self.marked > 0).then(|| round1(100.0 * attended / f64::from(self.marked)));
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The calendars covering `from..=to`, and the dates in that range that are not working days.
struct Days {
    calendars: Vec<Calendar>,
    working: Vec<NaiveDate>,
    /// JSON array of the non-working dates, for `date NOT IN (SELECT value FROM json_each(?))`.
    closed_json: String,
}

impl Days {
    fn load(c: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Days> {
        if to < from {
            return Err(Error::validation(
                "to",
                "The end of the range is before its start",
            ));
        }
        if (to - from).num_days() > 800 {
            return Err(Error::validation(
                "to",
                "The range is longer than two years",
            ));
        }
        let mut calendars: Vec<Calendar> = Vec::new();
        let mut working = Vec::new();
        let mut closed = Vec::new();
        for d in from.iter_days().take_while(|d| *d <= to) {
            if !calendars
                .iter()
                .any(|cal| cal.year.start_date <= d && d <= cal.year.end_date)
                && let Some(cal) = calendar::for_date(c, d)?
            {
                calendars.push(cal);
            }
            let kind = calendars
                .iter()
                .find(|cal| cal.year.start_date <= d && d <= cal.year.end_date)
                .map_or(DayKind::OutsideYear, |cal| cal.day_kind(d));
            if kind == DayKind::Working {
                working.push(d);
            } else {
                closed.push(d.to_string());
            }
        }
        Ok(Days {
            calendars,
            working,
            closed_json: serde_json::to_string(&closed)?,
        })
    }

    fn kind(&self, d: NaiveDate) -> DayKind {
        self.calendars
            .iter()
            .find(|cal| cal.year.start_date <= d && d <= cal.year.end_date)
            .map_or(DayKind::OutsideYear, |cal| cal.day_kind(d))
    }
}

/// The default range: the current year's start (or 30 days back) to today at the school.
fn range(c: &Connection, from: Option<&str>, to: Option<&str>) -> Result<(NaiveDate, NaiveDate)> {
    let school = crate::school::require(c)?;
    let today = crate::school::today_at_school(&school);
    let to = parse_optional_date("to", to)?.unwrap_or(today);
    let from = match parse_optional_date("from", from)? {
        Some(f) => f,
        None => match crate::years::year_containing(c, to)? {
            Some(y) => y.start_date,
            None => to - chrono::Duration::days(30),
        },
    };
    Ok((from, to))
}

/// Marks on working days in a range, counted by (student, date, code), optionally for one
/// class's students or one student. With a class or student the query walks the
/// (student, date, session) key student by student, so its cost is the class's, not the
/// school's.
pub(crate) fn marks_between(
    c: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    closed_json: &str,
    class_id: Option<Id>,
    student_id: Option<Id>,
) -> Result<Vec<(Id, NaiveDate, String, u32)>> {
    let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
    let rows = match (class_id, student_id) {
        (_, Some(student)) => c
            .prepare_cached(
                "SELECT m.student_id, m.date, m.code, count(*) FROM attendance_marks m
                 WHERE m.student_id = ?4 AND m.date BETWEEN ?1 AND ?2
                   AND m.date NOT IN (SELECT value FROM json_each(?3))
                 GROUP BY m.student_id, m.date, m.code",
            )?
            .query_map(rusqlite::params![from, to, closed_json, student], row)?
            .collect::<rusqlite::Result<_>>()?,
        (Some(class), None) => c
            .prepare_cached(
                "SELECT m.student_id, m.date, m.code, count(*)
                 FROM students s CROSS JOIN attendance_marks m ON m.student_id = s.id
                 WHERE s.class_id = ?4 AND m.date BETWEEN ?1 AND ?2
                   AND m.date NOT IN (SELECT value FROM json_each(?3))
                 GROUP BY m.student_id, m.date, m.code",
            )?
            .query_map(rusqlite::params![from, to, closed_json, class], row)?
            .collect::<rusqlite::Result<_>>()?,
        (None, None) => c
            .prepare_cached(
                "SELECT m.student_id, m.date, m.code, count(*) FROM attendance_marks m
                 WHERE m.date BETWEEN ?1 AND ?2
                   AND m.date NOT IN (SELECT value FROM json_each(?3))
                 GROUP BY m.student_id, m.date, m.code",
            )?
            .query_map(rusqlite::params![from, to, closed_json], row)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

fn kinds(c: &Connection) -> Result<HashMap<String, CodeKind>> {
    Ok(load_codes(c)?
        .into_iter()
        .map(|k| (k.letter, k.kind))
        .collect())
}

/// One mark in a student's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentMark {
    pub date: NaiveDate,
    pub session: String,
    pub code: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
    pub reason: String,
    /// False when the day has since become a holiday or closure (the mark is not counted).
    pub counted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentAttendance {
    pub student_id: Id,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// School days in the range.
    pub working_days: u32,
    pub tally: Tally,
    /// Newest first.
    pub marks: Vec<StudentMark>,
}

/// A student's attendance record and percentage over a range (default: this academic year
/// to today).
pub fn student_summary(
    store: &Store,
    student_id: Id,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<StudentAttendance> {
    store.require(Permission::ViewAttendance)?;
    store.read(|c| {
        if crate::students::load(c, student_id)?.is_none() {
            return Err(Error::not_found("The student"));
        }
        let (from, to) = range(c, from, to)?;
        let days = Days::load(c, from, to)?;
        let kinds = kinds(c)?;
        let marks: Vec<StudentMark> = c
            .prepare_cached(
                "SELECT date, session, code, late_minutes, reason FROM attendance_marks
                 WHERE student_id = ?1 AND date BETWEEN ?2 AND ?3 ORDER BY date DESC, session",
            )?
            .query_map(rusqlite::params![student_id, from, to], |r| {
                let date: NaiveDate = r.get(0)?;
                Ok(StudentMark {
                    date,
                    session: r.get(1)?,
                    code: r.get(2)?,
                    late_minutes: r.get(3)?,
                    reason: r.get(4)?,
                    counted: false,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut tally = Tally::default();
        let marks = marks
            .into_iter()
            .map(|mut m| {
                m.counted = days.kind(m.date) == DayKind::Working;
                if m.counted
                    && let Some(k) = kinds.get(&m.code)
                {
                    tally.add(*k, 1);
                }
                m
            })
            .collect();
        Ok(StudentAttendance {
            student_id,
            from,
            to,
            working_days: days.working.len() as u32,
            tally,
            marks,
        })
    })
}

/// A class's attendance on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayAttendance {
    pub date: NaiveDate,
    pub day: DayKind,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentPercentage {
    pub roll_no: u32,
    pub student_id: Id,
    pub admission_no: String,
    pub name: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassAttendance {
    pub class: Class,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every date of the range, with what kind of day it was.
    pub days: Vec<DayAttendance>,
    pub students: Vec<StudentPercentage>,
    pub tally: Tally,
}

/// A class's attendance day by day and student by student over a range (default: the
/// academic year's start to today at the school; the UI asks for a month).
pub fn class_summary(
    store: &Store,
    class_id: Id,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ClassAttendance> {
    store.require_class(Permission::ViewAttendance, class_id)?;
    store.read(|c| {
        let class = classes::load(c, class_id)?.ok_or_else(|| Error::not_found("The class"))?;
        let (from, to) = range(c, from, to)?;
        let days = Days::load(c, from, to)?;
        let kinds = kinds(c)?;
        let students = class_students(c, class_id)?;
        let index: HashMap<Id, usize> =
            students.iter().enumerate().map(|(i, s)| (s.0, i)).collect();
        let mut per_student = vec![Tally::default(); students.len()];
        let mut per_day: HashMap<NaiveDate, Tally> = HashMap::new();
        let mut total = Tally::default();
        for (student_id, date, code, n) in
            marks_between(c, from, to, &days.closed_json, Some(class_id), None)?
        {
            let (Some(&i), Some(&kind)) = (index.get(&student_id), kinds.get(&code)) else {
                continue; // a student who has since left the class, or a removed code
            };
            per_student[i].add(kind, n);
            per_day.entry(date).or_default().add(kind, n);
            total.add(kind, n);
        }
        Ok(ClassAttendance {
            days: from
                .iter_days()
                .take_while(|d| *d <= to)
                .map(|d| DayAttendance {
                    date: d,
                    day: days.kind(d),
                    tally: per_day.get(&d).copied().unwrap_or_default(),
                })
                .collect(),
            students: students
                .into_iter()
                .zip(per_student)
                .enumerate()
                .map(
                    |(i, ((student_id, admission_no, name), tally))| StudentPercentage {
                        roll_no: (i + 1) as u32,
                        student_id,
                        admission_no,
                        name,
                        tally,
                    },
                )
                .collect(),
            class,
            from,
            to,
            tally: total,
        })
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChronicAbsentee {
    pub student_id: Id,
    pub admission_no: String,
    pub name: String,
    pub class_name: String,
    pub tally: Tally,
}

/// Active students whose percentage over the range is under `threshold` (default: the
/// school's setting), lowest first; optionally one class only.
pub fn chronic_absentees(
    store: &Store,
    from: Option<&str>,
    to: Option<&str>,
    threshold: Option<u8>,
    class_id: Option<Id>,
) -> Result<Vec<ChronicAbsentee>> {
    store.require(Permission::ViewAttendance)?;
    store.read(|c| {
        let (from, to) = range(c, from, to)?;
        let threshold = match threshold {
            Some(t) if (1..=100).contains(&t) => t,
            Some(_) => {
                return Err(Error::validation(
                    "threshold",
                    "The threshold must be a percentage from 1 to 100",
                ));
            }
            None => super::load_settings(c)?.chronic_threshold,
        };
        let days = Days::load(c, from, to)?;
        let kinds = kinds(c)?;
        let mut tallies: HashMap<Id, Tally> = HashMap::new();
        for (student_id, _date, code, n) in
            marks_between(c, from, to, &days.closed_json, class_id, None)?
        {
            if let Some(&kind) = kinds.get(&code) {
                tallies.entry(student_id).or_default().add(kind, n);
            }
        }
        let mut out = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT s.admission_no, trim(s.given_name || ' ' || s.family_name), coalesce(c.name, '')
             FROM students s LEFT JOIN classes c ON c.id = s.class_id
             WHERE s.id = ?1 AND s.status = 'active'",
        )?;
        for (student_id, tally) in tallies {
            if tally.percentage.is_none_or(|p| p >= f64::from(threshold)) {
                continue;
            }
            let found = stmt
                .query_map([student_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .next()
                .transpose()?;
            if let Some((admission_no, name, class_name)) = found {
                out.push(ChronicAbsentee {
                    student_id,
                    admission_no,
                    name,
                    class_name,
                    tally,
                });
            }
        }
        out.sort_by(|a, b| {
            a.tally
                .percentage
                .partial_cmp(&b.tally.percentage)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.class_name.cmp(&b.class_name))
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    })
}

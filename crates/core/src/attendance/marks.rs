//! Saving marks. Every mark is written by [`put_mark`]: it inserts the mark, or updates the
//! one already there for that student, date and session (keeping the value it replaces in
//! the history), and records the change in the outbox.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Code, CodeKind, Mark, load_codes, load_settings};
use crate::calendar::{self, DayKind};
use crate::error::{Error, Result, prefix_field};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::{now_utc, parse_iso_date};
use crate::users::Permission;
use crate::validate::Problems;

/// One student's mark in a roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MarkInput {
    pub student_id: Id,
    /// A code letter: P, A, L, E, H or one of the school's own.
    pub code: String,
    /// Minutes late, for a late code.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub late_minutes: Option<u32>,
    /// Why, for leave; optional.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reason: Option<String>,
}

/// A class's roll for a date and session. Students left out keep whatever mark they have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollInput {
    pub class_id: Id,
    /// `YYYY-MM-DD`
    pub date: String,
    /// A session key (`day`, `am`, `pm`, `p1`...); blank for the first of the day.
    #[serde(default)]
    pub session: String,
    pub marks: Vec<MarkInput>,
    /// The staff member taking the roll: kept with each mark and in its history. When a user
    /// is signed in, their name is kept instead.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub taken_by: Option<Id>,
}

/// What saving a roll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollSaved {
    /// Students marked for the first time.
    pub marked: u32,
    /// Marks changed (their earlier values are in the history).
    pub changed: u32,
    /// Marks given again with the same value.
    pub unchanged: u32,
}

/// One value a mark has had: the current one first, then those it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MarkChange {
    pub code: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
    pub reason: String,
    pub source: String,
    pub marked_at: String,
    pub marked_by: String,
    pub device_id: Id,
    /// When this value was replaced; none for the current value.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Roll,
    Scan,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Roll => "roll",
            Source::Scan => "scan",
        }
    }
}

pub(crate) struct NewMark<'a> {
    pub student_id: Id,
    pub date: NaiveDate,
    pub session: &'a str,
    pub code: &'a str,
    pub late_minutes: Option<u32>,
    pub reason: &'a str,
    pub source: Source,
    /// Who set it (the staff member who took the roll); empty for a card scan.
    pub by: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

pub(crate) fn mark_id(student_id: Id, date: NaiveDate, session: &str) -> Id {
    Id::derived(
        "attendance_mark",
        &[&student_id.to_string(), &date.to_string(), session],
    )
}

#[derive(Serialize)]
struct MarkUpdate<'a> {
    code: &'a str,
    late_minutes: Option<u32>,
    reason: &'a str,
    source: &'a str,
    marked_at: &'a str,
    marked_by: &'a str,
    device_id: Id,
}

/// Inserts or updates one mark (already validated by the caller).
pub(crate) fn put_mark(w: &mut Writer<'_>, m: &NewMark<'_>) -> Result<Outcome> {
    let id = mark_id(m.student_id, m.date, m.session);
    let old: Option<(String, Option<u32>, String)> = w
        .conn()
        .prepare_cached("SELECT code, late_minutes, reason FROM attendance_marks WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((code, late, reason)) = &old
        && code == m.code
        && *late == m.late_minutes
        && reason == m.reason
    {
        return Ok(Outcome::Unchanged);
    }
    let now = now_utc();
    let device_id = w.device_id();
    let marked_by = m.by;
    let update = MarkUpdate {
        code: m.code,
        late_minutes: m.late_minutes,
        reason: m.reason,
        source: m.source.as_str(),
        marked_at: &now,
        marked_by,
        device_id,
    };
    if old.is_some() {
        w.conn()
            .prepare_cached(
                "UPDATE attendance_marks SET code = ?2, late_minutes = ?3, reason = ?4, source = ?5,
                        marked_at = ?6, marked_by = ?7, device_id = ?8 WHERE id = ?1",
            )?
            .execute(rusqlite::params![
                id,
                m.code,
                m.late_minutes,
                m.reason,
                update.source,
                now,
                marked_by,
                device_id
            ])?;
        w.record(RecordType::AttendanceMark, id, Op::Update, &update)?;
        Ok(Outcome::Updated)
    } else {
        w.conn()
            .prepare_cached(
                "INSERT INTO attendance_marks (id, student_id, date, session, code, late_minutes,
                        reason, source, marked_at, marked_by, device_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(rusqlite::params![
                id,
                m.student_id,
                m.date,
                m.session,
                m.code,
                m.late_minutes,
                m.reason,
                update.source,
                now,
                marked_by,
                device_id
            ])?;
        let mark = Mark {
            id,
            student_id: m.student_id,
            date: m.date,
            session: m.session.to_owned(),
            code: m.code.to_owned(),
            late_minutes: m.late_minutes,
            reason: m.reason.to_owned(),
            source: update.source.to_owned(),
            marked_at: now,
            marked_by: marked_by.to_owned(),
            device_id,
        };
        w.record(RecordType::AttendanceMark, id, Op::Insert, &mark)?;
        Ok(Outcome::Inserted)
    }
}

/// Checks that attendance can be taken on `date`: a working day of an academic year, and not
/// in the future of the school's own clock.
pub(crate) fn check_date(c: &Connection, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date > today {
        return Err(Error::validation(
            "date",
            format!("{date} is in the future; attendance is taken on the day or after it"),
        ));
    }
    let cal = calendar::require_for_date(c, date, "date")?;
    match cal.day_kind(date) {
        DayKind::Working => Ok(()),
        DayKind::Weekend => Err(Error::validation(
            "date",
            format!(
                "{} is not a school day ({}). Change the school days in Settings if it is.",
                date,
                date.format("%A")
            ),
        )),
        DayKind::Holiday { name } => Err(Error::validation(
            "date",
            format!("{date} is a holiday ({name}); no attendance is taken"),
        )),
        DayKind::OutsideYear => Err(Error::validation(
            "date",
            format!("{date} is in no academic year"),
        )),
    }
}

/// Checks one mark's code, minutes and reason against the school's codes.
pub(crate) fn check_mark<'c>(
    codes: &'c HashMap<String, Code>,
    code: &str,
    late_minutes: Option<u32>,
    reason: Option<&str>,
) -> Result<(&'c Code, Option<u32>, String)> {
    let mut p = Problems::default();
    let letter = code.trim().to_uppercase();
    let found = codes.get(&letter).filter(|c| c.active);
    if found.is_none() {
        let mut known: Vec<&str> = codes
            .values()
            .filter(|c| c.active)
            .map(|c| c.letter.as_str())
            .collect();
        known.sort_unstable();
        p.add(
            "code",
            format!(
                "\"{}\" is not an attendance code (use one of {})",
                code.trim(),
                known.join(", ")
            ),
        );
    }
    let late = match found.map(|c| c.kind) {
        Some(CodeKind::Late) => match late_minutes {
            Some(m) if (1..=720).contains(&m) => Some(m),
            Some(_) => {
                p.add("late_minutes", "Minutes late must be between 1 and 720");
                None
            }
            None => {
                p.add("late_minutes", "Say how many minutes late");
                None
            }
        },
        _ => None,
    };
    let reason = crate::text::clean(reason.unwrap_or(""));
    p.max_len("reason", "The reason", &reason, 200);
    p.finish()?;
    let found = found.ok_or_else(|| Error::internal("validated code missing"))?;
    Ok((found, late, reason))
}

pub(crate) fn codes_by_letter(c: &Connection) -> Result<HashMap<String, Code>> {
    Ok(load_codes(c)?
        .into_iter()
        .map(|code| (code.letter.clone(), code))
        .collect())
}

/// Saves a class's roll for a date and session in one transaction: each student given is
/// marked, or their mark updated (a student never has two marks for a date and session).
/// A roll naming a student twice, or anyone not active in the class, is refused whole.
///
/// The marks name who took the roll: the signed-in user, or (in a school without users) the
/// staff member chosen in `taken_by`.
pub fn save_roll(store: &Store, input: &RollInput) -> Result<RollSaved> {
    let actor = store.require_class(Permission::TakeAttendance, input.class_id)?;
    let date = parse_iso_date("date", &input.date)?;
    store.write(|w| {
        let school = crate::school::require(w.conn())?;
        check_date(w.conn(), date, crate::school::today_at_school(&school))?;
        let session = load_settings(w.conn())?.check_session(&input.session)?;
        let codes = codes_by_letter(w.conn())?;
        let members = class_members(w.conn(), input.class_id)?;
        let by = match (actor, input.taken_by) {
            (Some(actor), _) => actor.name,
            (None, Some(id)) => match crate::staff::load(w.conn(), id)? {
                Some(s) if s.active => s.name,
                _ => {
                    return Err(Error::validation(
                        "taken_by",
                        "The staff member taking the roll is not on the staff list",
                    ));
                }
            },
            (None, None) => String::new(),
        };
        let mut problems = Problems::default();
        let mut checked = Vec::with_capacity(input.marks.len());
        let mut seen = HashMap::new();
        for (i, m) in input.marks.iter().enumerate() {
            let at = format!("marks[{i}]");
            if seen.insert(m.student_id, i).is_some() {
                problems.add(
                    format!("{at}.student_id"),
                    "This student is in the roll twice",
                );
                continue;
            }
            if !members.contains(&m.student_id) {
                problems.add(
                    format!("{at}.student_id"),
                    "This student is not an active student of the class",
                );
                continue;
            }
            match check_mark(&codes, &m.code, m.late_minutes, m.reason.as_deref()) {
                Ok((code, late, reason)) => checked.push((m.student_id, code, late, reason)),
                Err(e) => {
                    problems.take(&at, Err::<(), _>(prefix_field(e, &at)));
                }
            }
        }
        problems.finish()?;
        let mut saved = RollSaved::default();
        for (student_id, code, late_minutes, reason) in &checked {
            let outcome = put_mark(
                w,
                &NewMark {
                    student_id: *student_id,
                    date,
                    session: &session,
                    code: &code.letter,
                    late_minutes: *late_minutes,
                    reason,
                    source: Source::Roll,
                    by: &by,
                },
            )?;
            match outcome {
                Outcome::Inserted => saved.marked += 1,
                Outcome::Updated => saved.changed += 1,
                Outcome::Unchanged => saved.unchanged += 1,
            }
        }
        Ok(saved)
    })
}

fn class_members(c: &Connection, class_id: Id) -> Result<std::collections::HashSet<Id>> {
    if crate::classes::load(c, class_id)?.is_none() {
        return Err(Error::not_found("The class"));
    }
    Ok(
        c.prepare_cached("SELECT id FROM students WHERE class_id = ?1 AND status = 'active'")?
            .query_map([class_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    )
}

/// A mark's values over time, the current one first.
pub fn history(
    store: &Store,
    student_id: Id,
    date: &str,
    session: &str,
) -> Result<Vec<MarkChange>> {
    store.require(Permission::ViewAttendance)?;
    let date = parse_iso_date("date", date)?;
    store.read(|c| {
        // The session as saving names it: blank is the first of the day, case aside.
        let session = load_settings(c)?.check_session(session)?;
        let id = mark_id(student_id, date, &session);
        changes_of(c, id)
    })
}

/// A mark's values over time, the current one first, from the change log: this device's
/// outbox and the entries applied from the school's others, in clock order. Every device
/// holding the same changes shows the same history, whatever order they arrived in. A value
/// set again (two PCs marking alike) counts once, as its latest setting; each earlier value
/// was replaced when the next one was first set.
fn changes_of(c: &Connection, id: Id) -> Result<Vec<MarkChange>> {
    let mut stmt = c.prepare_cached(
        "SELECT hlc, device_id, payload FROM outbox
         WHERE record_type = 'attendance_mark' AND record_id = ?1
         UNION ALL
         SELECT hlc, device_id, payload FROM inbox
         WHERE record_type = 'attendance_mark' AND record_id = ?1
         ORDER BY hlc, device_id",
    )?;
    let settings = stmt
        .query_map([id], |r| Ok((r.get::<_, Id>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Runs of one value: (first set at, its latest setting).
    let mut runs: Vec<(String, MarkChange)> = Vec::new();
    for (device, payload) in settings {
        let Ok(serde_json::Value::Object(v)) = serde_json::from_str(&payload) else {
            runs.clear(); // A delete: the mark started again.
            continue;
        };
        let text = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let change = MarkChange {
            code: text("code"),
            late_minutes: v
                .get("late_minutes")
                .and_then(serde_json::Value::as_u64)
                .and_then(|m| u32::try_from(m).ok()),
            reason: text("reason"),
            source: text("source"),
            marked_at: text("marked_at"),
            marked_by: text("marked_by"),
            device_id: v
                .get("device_id")
                .and_then(|x| x.as_str())
                .and_then(|x| x.parse().ok())
                .unwrap_or(device),
            replaced_at: None,
        };
        let same = |m: &MarkChange| {
            (&m.code, m.late_minutes, &m.reason)
                == (&change.code, change.late_minutes, &change.reason)
        };
        match runs.last_mut() {
            Some((_, latest)) if same(latest) => *latest = change,
            _ => runs.push((change.marked_at.clone(), change)),
        }
    }
    let mut out: Vec<MarkChange> = Vec::with_capacity(runs.len());
    let mut next_first: Option<String> = None;
    for (first, mut change) in runs.into_iter().rev() {
        change.replaced_at = next_first.take();
        next_first = Some(first);
        out.push(change);
    }
    Ok(out)
}

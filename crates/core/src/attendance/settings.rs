//! How the school takes attendance, and its codes.

use chrono::NaiveTime;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Code, CodeKind, SessionMode};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store};
use crate::time::now_utc;
use crate::users::Permission;
use crate::validate::Problems;

/// A session a roll is taken for: `key` is stored with marks, `label` is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionInfo {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceSettings {
    pub session_mode: SessionMode,
    /// The number of periods, when the mode is `periods`.
    pub periods: u8,
    /// `HH:MM`, the school's local time after which a check-in is late.
    pub late_after: String,
    /// Students under this percentage are chronic absentees.
    pub chronic_threshold: u8,
    /// The sessions of a day, in order.
    pub sessions: Vec<SessionInfo>,
    /// Every code, active ones first, in the school's order.
    pub codes: Vec<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingsInput {
    pub session_mode: SessionMode,
    pub periods: u8,
    pub late_after: String,
    pub chronic_threshold: u8,
}

/// A new code, or a change to one (matched by letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CodeInput {
    pub letter: String,
    pub name: String,
    pub kind: CodeKind,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

pub(crate) struct Stored {
    pub mode: SessionMode,
    pub periods: u8,
    pub late_after: NaiveTime,
    pub chronic_threshold: u8,
}

fn sessions_of(mode: SessionMode, periods: u8) -> Vec<SessionInfo> {
    let s = |key: &str, label: &str| SessionInfo {
        key: key.into(),
        label: label.into(),
    };
    match mode {
        SessionMode::Daily => vec![s("day", "Day")],
        SessionMode::Halves => vec![s("am", "Morning"), s("pm", "Afternoon")],
        SessionMode::Periods => (1..=periods.max(1))
            .map(|n| s(&format!("p{n}"), &format!("Period {n}")))
            .collect(),
    }
}

impl Stored {
    pub(crate) fn sessions(&self) -> Vec<SessionInfo> {
        sessions_of(self.mode, self.periods)
    }

    /// Checks a session key against the school's sessions.
    pub(crate) fn check_session(&self, key: &str) -> Result<String> {
        let sessions = self.sessions();
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return first_session_of(&sessions);
        }
        if sessions.iter().any(|s| s.key == key) {
            Ok(key)
        } else {
            let known: Vec<&str> = sessions.iter().map(|s| s.key.as_str()).collect();
            Err(Error::validation(
                "session",
                format!(
                    "\"{key}\" is not one of the school's sessions ({})",
                    known.join(", ")
                ),
            ))
        }
    }
}

fn first_session_of(sessions: &[SessionInfo]) -> Result<String> {
    sessions
        .first()
        .map(|s| s.key.clone())
        .ok_or_else(|| Error::internal("no sessions"))
}

/// The first session of the day, which a check-in at the gate marks.
pub(crate) fn first_session(c: &Connection) -> Result<String> {
    first_session_of(&load_settings(c)?.sessions())
}

pub(crate) fn load_settings(c: &Connection) -> Result<Stored> {
    let (mode, periods, late, threshold): (String, u8, String, u8) = c
        .prepare_cached(
            "SELECT session_mode, periods, late_after, chronic_threshold
             FROM attendance_settings WHERE singleton = 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let mode = match mode.as_str() {
        "halves" => SessionMode::Halves,
        "periods" => SessionMode::Periods,
        _ => SessionMode::Daily,
    };
    let late_after = NaiveTime::parse_from_str(&late, "%H:%M")
        .map_err(|_| Error::internal(format!("stored late cut-off {late:?} is not HH:MM")))?;
    Ok(Stored {
        mode,
        periods,
        late_after,
        chronic_threshold: threshold,
    })
}

pub(crate) fn load_codes(c: &Connection) -> Result<Vec<Code>> {
    let rows = c
        .prepare_cached(
            "SELECT letter, name, kind, builtin, active FROM attendance_codes
             ORDER BY active DESC, position, letter",
        )?
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(letter, name, kind, builtin, active)| {
            let kind = CodeKind::parse(&kind)
                .ok_or_else(|| Error::internal(format!("unknown code kind {kind:?}")))?;
            Ok(Code {
                letter,
                name,
                kind,
                builtin,
                active,
            })
        })
        .collect()
}

fn view(c: &Connection) -> Result<AttendanceSettings> {
    let s = load_settings(c)?;
    Ok(AttendanceSettings {
        session_mode: s.mode,
        periods: s.periods,
        late_after: s.late_after.format("%H:%M").to_string(),
        chronic_threshold: s.chronic_threshold,
        sessions: s.sessions(),
        codes: load_codes(c)?,
    })
}

pub fn settings(store: &Store) -> Result<AttendanceSettings> {
    store.require(Permission::ViewAttendance)?;
    store.read(view)
}

/// The id the settings row travels under in sync (one per school).
fn settings_id() -> Id {
    Id::derived("attendance_settings", &[])
}

pub fn update_settings(store: &Store, input: &SettingsInput) -> Result<AttendanceSettings> {
    store.require(Permission::ManageSchool)?;
    let mut p = Problems::default();
    if !(1..=12).contains(&input.periods) {
        p.add("periods", "The number of periods must be between 1 and 12");
    }
    let late = NaiveTime::parse_from_str(input.late_after.trim(), "%H:%M");
    if late.is_err() {
        p.add(
            "late_after",
            format!(
                "\"{}\" is not a time of day (expected HH:MM, e.g. 08:30)",
                input.late_after.trim()
            ),
        );
    }
    if !(1..=100).contains(&input.chronic_threshold) {
        p.add(
            "chronic_threshold",
            "The chronic absence threshold must be a percentage from 1 to 100",
        );
    }
    p.finish()?;
    let late_after = late.map_err(|_| Error::internal("validated time"))?;
    let mode = match input.session_mode {
        SessionMode::Daily => "daily",
        SessionMode::Halves => "halves",
        SessionMode::Periods => "periods",
    };
    store.write(|w| {
        let late_text = late_after.format("%H:%M").to_string();
        w.conn().execute(
            "UPDATE attendance_settings SET session_mode = ?1, periods = ?2, late_after = ?3,
                    chronic_threshold = ?4, updated_at = ?5 WHERE singleton = 1",
            rusqlite::params![
                mode,
                input.periods,
                late_text,
                input.chronic_threshold,
                now_utc()
            ],
        )?;
        let record = SettingsInput {
            late_after: late_text,
            ..input.clone()
        };
        w.record(
            RecordType::AttendanceSettings,
            settings_id(),
            Op::Update,
            &record,
        )?;
        view(w.conn())
    })
}

/// The school's codes.
pub fn codes(store: &Store) -> Result<Vec<Code>> {
    store.require(Permission::ViewAttendance)?;
    store.read(load_codes)
}

/// Adds a code or changes one. A built-in code can be renamed but keeps its kind and stays
/// active; a code's letter is its identity and never changes.
pub fn save_code(store: &Store, input: &CodeInput) -> Result<Code> {
    store.require(Permission::ManageSchool)?;
    let mut p = Problems::default();
    let letter = input.letter.trim().to_uppercase();
    if letter.chars().count() != 1 || !letter.chars().all(|ch| ch.is_alphanumeric()) {
        p.add(
            "letter",
            "A code is a single letter or digit (e.g. S for sick)",
        );
    }
    let name = p.required("name", "The code's name", &input.name, 30);
    p.finish()?;
    store.write(|w| {
        let existing: Option<(String, bool)> = w
            .conn()
            .query_row(
                "SELECT kind, builtin FROM attendance_codes WHERE letter = ?1",
                [&letter],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let now = now_utc();
        let code = match existing {
            Some((kind, true)) => {
                if kind != input.kind.as_str() || !input.active {
                    return Err(Error::validation(
                        "kind",
                        format!(
                            "{letter} is one of the built-in codes: it can be renamed, \
                             but not changed in kind or turned off"
                        ),
                    ));
                }
                w.conn().execute(
                    "UPDATE attendance_codes SET name = ?2, updated_at = ?3 WHERE letter = ?1",
                    (&letter, &name, &now),
                )?;
                Code {
                    letter: letter.clone(),
                    name,
                    kind: input.kind,
                    builtin: true,
                    active: true,
                }
            }
            Some((_, false)) => {
                w.conn().execute(
                    "UPDATE attendance_codes SET name = ?2, kind = ?3, active = ?4, updated_at = ?5
                     WHERE letter = ?1",
                    rusqlite::params![letter, name, input.kind.as_str(), input.active, now],
                )?;
                Code {
                    letter: letter.clone(),
                    name,
                    kind: input.kind,
                    builtin: false,
                    active: input.active,
                }
            }
            None => {
                w.conn().execute(
                    "INSERT INTO attendance_codes (letter, name, kind, position, builtin, active, updated_at)
                     VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM attendance_codes),
                             0, ?4, ?5)",
                    rusqlite::params![letter, name, input.kind.as_str(), input.active, now],
                )?;
                Code {
                    letter: letter.clone(),
                    name,
                    kind: input.kind,
                    builtin: false,
                    active: input.active,
                }
            }
        };
        w.record(
            RecordType::AttendanceCode,
            Id::derived("attendance_code", &[&letter]),
            Op::Update,
            &code,
        )?;
        Ok(code)
    })
}

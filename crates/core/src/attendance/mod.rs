//! Attendance: one mark per student per date per session, taken as a class's roll call or by
//! scanning a card, kept with the history of its earlier values, and counted on the school
//! calendar's working days only.
//!
//! - `settings.rs`: how the school takes attendance (sessions, the late cut-off) and its codes.
//! - `marks.rs`: saving a roll (the one write path for marks) and a mark's history.
//! - `roll.rs`: the roll call screen's view of a class on a date, and registers not taken.
//! - `reports.rs`: a student's percentage, a class's summary, chronic absentees.

mod marks;
mod reports;
mod roll;
mod settings;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::id::Id;

pub use marks::{MarkChange, MarkInput, RollInput, RollSaved, history, save_roll};
pub(crate) use marks::{NewMark, Source, check_date, codes_by_letter, put_mark};
pub use reports::{
    ChronicAbsentee, ClassAttendance, DayAttendance, StudentAttendance, StudentMark,
    StudentPercentage, Tally, chronic_absentees, class_summary, student_summary,
};
pub(crate) use roll::class_students;
pub use roll::{ClassNotTaken, Roll, RollEntry, get_roll, registers_not_taken};
pub use settings::{
    AttendanceSettings, CodeInput, SessionInfo, SettingsInput, codes, save_code, settings,
    update_settings,
};
pub(crate) use settings::{first_session, load_codes, load_settings};

/// How a school divides its day for attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// One roll a day.
    Daily,
    /// A morning and an afternoon roll.
    Halves,
    /// A roll per numbered period.
    Periods,
}

/// How a code counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    Present,
    Absent,
    /// Present, arrived late (the mark carries the minutes).
    Late,
    /// Absent with leave (the mark may carry a reason).
    Excused,
    /// Present for half the session.
    HalfDay,
}

impl CodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Present => "present",
            CodeKind::Absent => "absent",
            CodeKind::Late => "late",
            CodeKind::Excused => "excused",
            CodeKind::HalfDay => "half_day",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<CodeKind> {
        Some(match s {
            "present" => CodeKind::Present,
            "absent" => CodeKind::Absent,
            "late" => CodeKind::Late,
            "excused" => CodeKind::Excused,
            "half_day" => CodeKind::HalfDay,
            _ => return None,
        })
    }

    /// How much of a session a mark of this kind attends: 1, ½ or 0.
    pub fn attended(self) -> f64 {
        match self {
            CodeKind::Present | CodeKind::Late => 1.0,
            CodeKind::HalfDay => 0.5,
            CodeKind::Absent | CodeKind::Excused => 0.0,
        }
    }

    /// Whether the student was away (for "absent yesterday" and absence streaks).
    pub fn is_away(self) -> bool {
        matches!(self, CodeKind::Absent | CodeKind::Excused)
    }
}

/// An attendance code: a short letter, a name the school may change, and how it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Code {
    pub letter: String,
    pub name: String,
    pub kind: CodeKind,
    /// The five codes every school has (their letters and kinds are fixed).
    pub builtin: bool,
    pub active: bool,
}

/// A student's mark for a date and session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mark {
    pub id: Id,
    pub student_id: Id,
    pub date: NaiveDate,
    pub session: String,
    pub code: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
    pub reason: String,
    /// `roll`, `scan` or `cli`.
    pub source: String,
    /// When the value was set (RFC 3339, UTC).
    pub marked_at: String,
    pub marked_by: String,
    pub device_id: Id,
}

#[cfg(test)]
mod tests;

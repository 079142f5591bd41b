//! The school calendar: which weekdays are school days in an academic year, and its holidays
//! and closures. Attendance is taken, counted and reported on working days only.

use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::{now_utc, parse_iso_date};
use crate::users::Permission;
use crate::validate::Problems;
use crate::years::{self, AcademicYear};

/// Monday to Friday, as bits 0 to 4.
const MONDAY_TO_FRIDAY: u8 = 0b001_1111;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Holiday {
    pub id: Id,
    pub year_id: Id,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HolidayInput {
    pub name: String,
    /// `YYYY-MM-DD`
    pub start_date: String,
    /// `YYYY-MM-DD`; blank for a single day.
    #[serde(default)]
    pub end_date: String,
}

/// What kind of day a date is for the school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    Working,
    /// A weekday the school does not open on (a weekend).
    Weekend,
    Holiday {
        name: String,
    },
    /// The date is in no academic year.
    OutsideYear,
}

/// One academic year's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Calendar {
    pub year: AcademicYear,
    /// The school days of the week, 1 = Monday ... 7 = Sunday.
    pub working_days: Vec<u8>,
    /// In date order.
    pub holidays: Vec<Holiday>,
}

impl Calendar {
    fn works_on(&self, day: Weekday) -> bool {
        self.working_days
            .contains(&(day.number_from_monday() as u8))
    }

    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if date < self.year.start_date || date > self.year.end_date {
            return DayKind::OutsideYear;
        }
        if let Some(h) = self
            .holidays
            .iter()
            .find(|h| h.start_date <= date && date <= h.end_date)
        {
            return DayKind::Holiday {
                name: h.name.clone(),
            };
        }
        if self.works_on(date.weekday()) {
            DayKind::Working
        } else {
            DayKind::Weekend
        }
    }

    pub fn is_working(&self, date: NaiveDate) -> bool {
        self.day_kind(date) == DayKind::Working
    }

    /// The working days from `from` to `to`, both included, in order.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working(*d))
            .collect()
    }

    /// The working day before `date` in this year, if any.
    pub fn previous_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date.pred_opt()?;
        while d >= self.year.start_date {
            if self.is_working(d) {
                return Some(d);
            }
            d = d.pred_opt()?;
        }
        None
    }
}

fn bits_to_days(bits: u8) -> Vec<u8> {
    (0..7u8)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| i + 1)
        .collect()
}

/// The calendar of the year with `year_id`, or of the current year.
pub fn get(store: &Store, year_id: Option<Id>) -> Result<Calendar> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| {
        let year = match year_id {
            Some(id) => years::load_year(c, id)?,
            None => years::current_year(c)?,
        };
        let year = year.ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "There is no academic year yet. Add one in Settings.",
            )
        })?;
        load(c, year)
    })
}

/// The calendar of the year that includes `date`, if any.
pub(crate) fn for_date(c: &Connection, date: NaiveDate) -> Result<Option<Calendar>> {
    match years::year_containing(c, date)? {
        Some(year) => load(c, year).map(Some),
        None => Ok(None),
    }
}

/// The calendar of the year including `date`, or a validation error naming `field` that says
/// why attendance cannot be taken or counted then.
pub(crate) fn require_for_date(c: &Connection, date: NaiveDate, field: &str) -> Result<Calendar> {
    for_date(c, date)?.ok_or_else(|| {
        Error::validation(
            field,
            format!("{date} is in no academic year. Add the year in Settings first."),
        )
    })
}

pub(crate) fn load(c: &Connection, year: AcademicYear) -> Result<Calendar> {
    let bits: Option<i64> = c
        .prepare_cached("SELECT working_days FROM year_calendars WHERE year_id = ?1")?
        .query_row([year.id], |r| r.get(0))
        .optional()?;
    let bits = bits
        .and_then(|b| u8::try_from(b).ok())
        .unwrap_or(MONDAY_TO_FRIDAY);
    let holidays = c
        .prepare_cached(
            "SELECT id, year_id, name, start_date, end_date FROM holidays
             WHERE year_id = ?1 ORDER BY start_date, name",
        )?
        .query_map([year.id], |r| {
            Ok(Holiday {
                id: r.get(0)?,
                year_id: r.get(1)?,
                name: r.get(2)?,
                start_date: r.get(3)?,
                end_date: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Calendar {
        year,
        working_days: bits_to_days(bits),
        holidays,
    })
}

fn require_year(c: &Connection, year_id: Id) -> Result<AcademicYear> {
    years::load_year(c, year_id)?.ok_or_else(|| Error::not_found("The academic year"))
}

#[derive(Serialize)]
struct WorkingDaysRecord<'a> {
    year_id: Id,
    working_days: &'a [u8],
}

/// Sets the school days of the week (1 = Monday ... 7 = Sunday) for a year.
pub fn set_working_days(store: &Store, year_id: Id, days: &[u8]) -> Result<Calendar> {
    store.require(Permission::ManageSchool)?;
    let mut bits = 0u8;
    for d in days {
        if !(1..=7).contains(d) {
            return Err(Error::validation(
                "working_days",
                format!("{d} is not a day of the week (1 is Monday, 7 is Sunday)"),
            ));
        }
        bits |= 1 << (d - 1);
    }
    if bits == 0 {
        return Err(Error::validation(
            "working_days",
            "Choose at least one school day of the week",
        ));
    }
    store.write(|w| {
        let year = require_year(w.conn(), year_id)?;
        w.conn().execute(
            "INSERT INTO year_calendars (year_id, working_days, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (year_id) DO UPDATE SET working_days = excluded.working_days,
                                                 updated_at = excluded.updated_at",
            rusqlite::params![year_id, bits, now_utc()],
        )?;
        let days = bits_to_days(bits);
        w.record(
            RecordType::YearCalendar,
            year_id,
            Op::Update,
            &WorkingDaysRecord {
                year_id,
                working_days: &days,
            },
        )?;
        load(w.conn(), year)
    })
}

/// Adds a holiday or closure (one day, or a range) to a year.
pub fn add_holiday(store: &Store, year_id: Id, input: &HolidayInput) -> Result<Holiday> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| insert_holiday(w, year_id, input))
}

pub(crate) fn insert_holiday(
    w: &mut Writer<'_>,
    year_id: Id,
    input: &HolidayInput,
) -> Result<Holiday> {
    let year = require_year(w.conn(), year_id)?;
    let mut p = Problems::default();
    let name = p.required("name", "The holiday's name", &input.name, 80);
    let start = p.take(
        "start_date",
        parse_iso_date("start_date", &input.start_date),
    );
    let end = if input.end_date.trim().is_empty() {
        start
    } else {
        p.take("end_date", parse_iso_date("end_date", &input.end_date))
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            p.add("end_date", "The last day must not be before the first day");
        } else if s < year.start_date || e > year.end_date {
            p.add(
                "start_date",
                format!(
                    "The dates must lie within {} ({} to {})",
                    year.name, year.start_date, year.end_date
                ),
            );
        }
    }
    p.finish()?;
    let (start_date, end_date) = start
        .zip(end)
        .ok_or_else(|| Error::internal("validated dates missing"))?;
    let holiday = Holiday {
        id: Id::new(),
        year_id,
        name,
        start_date,
        end_date,
    };
    w.conn().execute(
        "INSERT INTO holidays (id, year_id, name, start_date, end_date, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        rusqlite::params![
            holiday.id,
            holiday.year_id,
            holiday.name,
            holiday.start_date,
            holiday.end_date,
            now_utc()
        ],
    )?;
    w.record(RecordType::Holiday, holiday.id, Op::Insert, &holiday)?;
    Ok(holiday)
}

pub fn remove_holiday(store: &Store, id: Id) -> Result<()> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        if w.conn()
            .execute("DELETE FROM holidays WHERE id = ?1", [id])?
            == 0
        {
            return Err(Error::not_found("The holiday"));
        }
        w.record(
            RecordType::Holiday,
            id,
            Op::Delete,
            &serde_json::Value::Null,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests;

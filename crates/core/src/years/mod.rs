//! Academic years ("2026-27") and their terms.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::{now_utc, parse_iso_date};
use crate::users::Permission;
use crate::validate::Problems;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AcademicYear {
    pub id: Id,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub is_current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Term {
    pub id: Id,
    pub year_id: Id,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// A year with its terms, in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearWithTerms {
    pub year: AcademicYear,
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearInput {
    pub name: String,
    /// `YYYY-MM-DD`
    pub start_date: String,
    /// `YYYY-MM-DD`
    pub end_date: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TermInput {
    pub name: String,
    pub start_date: String,
    pub end_date: String,
}

fn check_range(p: &mut Problems, start: &str, end: &str) -> Option<(NaiveDate, NaiveDate)> {
    let s = p.take("start_date", parse_iso_date("start_date", start));
    let e = p.take("end_date", parse_iso_date("end_date", end));
    match (s, e) {
        (Some(s), Some(e)) if e <= s => {
            p.add("end_date", "The end date must be after the start date");
            None
        }
        (Some(s), Some(e)) => Some((s, e)),
        _ => None,
    }
}

/// Adds a year. The first year added becomes the current one.
pub fn add_year(store: &Store, input: &YearInput) -> Result<AcademicYear> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        let any: bool =
            w.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM academic_years)", [], |r| {
                    r.get(0)
                })?;
        insert_year(w, input, !any)
    })
}

pub(crate) fn insert_year(
    w: &mut Writer<'_>,
    input: &YearInput,
    current: bool,
) -> Result<AcademicYear> {
    let mut p = Problems::default();
    let name = p.required("name", "The year's name", &input.name, 40);
    let range = check_range(&mut p, &input.start_date, &input.end_date);
    p.finish()?;
    let (start_date, end_date) = range.ok_or_else(|| Error::internal("validated range missing"))?;
    if find_year(w.conn(), &name)?.is_some() {
        return Err(Error::conflict(
            "name",
            format!("There is already a year called {name}"),
        ));
    }
    let year = AcademicYear {
        id: Id::new(),
        name,
        start_date,
        end_date,
        is_current: current,
    };
    let now = now_utc();
    w.conn().execute(
        "INSERT INTO academic_years (id, name, start_date, end_date, is_current, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        rusqlite::params![year.id, year.name, year.start_date, year.end_date, year.is_current, now],
    )?;
    w.record(RecordType::AcademicYear, year.id, Op::Insert, &year)?;
    Ok(year)
}

/// Adds a term to the year named `year_name`.
pub fn add_term(store: &Store, year_name: &str, input: &TermInput) -> Result<Term> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        let year = find_year(w.conn(), year_name)?.ok_or_else(|| {
            Error::validation(
                "year",
                format!("There is no academic year called {}", year_name.trim()),
            )
        })?;
        insert_term(w, &year, input)
    })
}

pub(crate) fn insert_term(
    w: &mut Writer<'_>,
    year: &AcademicYear,
    input: &TermInput,
) -> Result<Term> {
    let mut p = Problems::default();
    let name = p.required("name", "The term's name", &input.name, 40);
    let range = check_range(&mut p, &input.start_date, &input.end_date);
    if let Some((s, e)) = range
        && (s < year.start_date || e > year.end_date)
    {
        p.add(
            "start_date",
            format!(
                "The term must lie within {} ({} to {})",
                year.name, year.start_date, year.end_date
            ),
        );
    }
    p.finish()?;
    let (start_date, end_date) = range.ok_or_else(|| Error::internal("validated range missing"))?;
    let existing = terms_of(w.conn(), year.id)?;
    if existing.iter().any(|t| t.name.eq_ignore_ascii_case(&name)) {
        return Err(Error::conflict(
            "name",
            format!("{} already has a term called {name}", year.name),
        ));
    }
    if let Some(t) = existing
        .iter()
        .find(|t| start_date <= t.end_date && t.start_date <= end_date)
    {
        return Err(Error::validation(
            "start_date",
            format!(
                "The dates overlap {} ({} to {})",
                t.name, t.start_date, t.end_date
            ),
        ));
    }
    let term = Term {
        id: Id::new(),
        year_id: year.id,
        name,
        start_date,
        end_date,
    };
    w.conn().execute(
        "INSERT INTO terms (id, year_id, name, start_date, end_date, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        rusqlite::params![
            term.id,
            term.year_id,
            term.name,
            term.start_date,
            term.end_date,
            now_utc()
        ],
    )?;
    w.record(RecordType::Term, term.id, Op::Insert, &term)?;
    Ok(term)
}

/// Every year with its terms, newest first.
pub fn list(store: &Store) -> Result<Vec<YearWithTerms>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| {
        let years: Vec<AcademicYear> = c
            .prepare("SELECT id, name, start_date, end_date, is_current FROM academic_years ORDER BY start_date DESC")?
            .query_map([], year_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        years
            .into_iter()
            .map(|year| Ok(YearWithTerms { terms: terms_of(c, year.id)?, year }))
            .collect()
    })
}

fn find_year(c: &Connection, name: &str) -> Result<Option<AcademicYear>> {
    Ok(c.query_row(
        "SELECT id, name, start_date, end_date, is_current FROM academic_years WHERE name = ?1",
        [crate::text::clean(name)],
        year_from_row,
    )
    .optional()?)
}

fn terms_of(c: &Connection, year_id: Id) -> Result<Vec<Term>> {
    Ok(c.prepare("SELECT id, year_id, name, start_date, end_date FROM terms WHERE year_id = ?1 ORDER BY start_date")?
        .query_map([year_id], |r| {
            Ok(Term { id: r.get(0)?, year_id: r.get(1)?, name: r.get(2)?, start_date: r.get(3)?, end_date: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

fn year_from_row(r: &Row<'_>) -> rusqlite::Result<AcademicYear> {
    Ok(AcademicYear {
        id: r.get(0)?,
        name: r.get(1)?,
        start_date: r.get(2)?,
        end_date: r.get(3)?,
        is_current: r.get(4)?,
    })
}

/// The academic year whose dates include `date`.
pub(crate) fn year_containing(c: &Connection, date: NaiveDate) -> Result<Option<AcademicYear>> {
    Ok(c.prepare_cached(
        "SELECT id, name, start_date, end_date, is_current FROM academic_years
         WHERE start_date <= ?1 AND end_date >= ?1 ORDER BY start_date DESC LIMIT 1",
    )?
    .query_row([date], year_from_row)
    .optional()?)
}

/// The year with this id.
pub(crate) fn load_year(c: &Connection, id: Id) -> Result<Option<AcademicYear>> {
    Ok(c.query_row(
        "SELECT id, name, start_date, end_date, is_current FROM academic_years WHERE id = ?1",
        [id],
        year_from_row,
    )
    .optional()?)
}

/// The year marked current.
pub(crate) fn current_year(c: &Connection) -> Result<Option<AcademicYear>> {
    Ok(c.query_row(
        "SELECT id, name, start_date, end_date, is_current FROM academic_years WHERE is_current = 1",
        [],
        year_from_row,
    )
    .optional()?)
}

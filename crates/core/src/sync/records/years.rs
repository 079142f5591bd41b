//! Academic years (`academic_years`) and their terms (`terms`).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Values, clash, guarded_delete, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `academic_year`: the payload is [`crate::years::AcademicYear`] (id, name, start_date,
/// end_date, is_current).
pub(super) struct AcademicYear;

impl Replica for AcademicYear {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::years::load_year(conn, id)?
            .map(|y| object(&y))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "academic_year", id, values);
        let name: String = v.req("name")?;
        let start: NaiveDate = v.req("start_date")?;
        let end: NaiveDate = v.req("end_date")?;
        let is_current: bool = v.or("is_current", false)?;
        if end <= start {
            return Err(v.bad("end_date", "it is not after the start date"));
        }
        let other: Option<Id> = conn
            .query_row(
                "SELECT id FROM academic_years WHERE name = ?1 AND id <> ?2",
                rusqlite::params![name, id],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(clash(
                "academic_year",
                "name",
                format!("This computer already has another academic year called {name}"),
            ));
        }
        if is_current {
            // One current year: the one the school made current last.
            conn.execute(
                "UPDATE academic_years SET is_current = 0, updated_at = ?2
                 WHERE is_current = 1 AND id <> ?1",
                rusqlite::params![id, now_utc()],
            )?;
        }
        conn.execute(
            "INSERT INTO academic_years (id, name, start_date, end_date, is_current, created_at,
                                         updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                 start_date = excluded.start_date, end_date = excluded.end_date,
                 is_current = excluded.is_current, updated_at = excluded.updated_at",
            rusqlite::params![id, name, start, end, is_current, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "academic_year",
            id,
            || Ok(()),
            "DELETE FROM academic_years WHERE id = ?1",
        )?;
        Ok(())
    }
}

/// `term`: the payload is [`crate::years::Term`] (id, year_id, name, start_date, end_date).
pub(super) struct Term;

impl Replica for Term {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        conn.query_row(
            "SELECT id, year_id, name, start_date, end_date FROM terms WHERE id = ?1",
            [id],
            |r| {
                Ok(crate::years::Term {
                    id: r.get(0)?,
                    year_id: r.get(1)?,
                    name: r.get(2)?,
                    start_date: r.get(3)?,
                    end_date: r.get(4)?,
                })
            },
        )
        .optional()?
        .map(|t| object(&t))
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "term", id, values);
        let year_id: Id = v.req("year_id")?;
        let name: String = v.req("name")?;
        let start: NaiveDate = v.req("start_date")?;
        let end: NaiveDate = v.req("end_date")?;
        if end <= start {
            return Err(v.bad("end_date", "it is not after the start date"));
        }
        let other: Option<Id> = conn
            .query_row(
                "SELECT id FROM terms WHERE year_id = ?1 AND name = ?2 AND id <> ?3",
                rusqlite::params![year_id, name, id],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(clash(
                "term",
                "name",
                format!("This computer already has another term called {name} in that year"),
            ));
        }
        conn.execute(
            "INSERT INTO terms (id, year_id, name, start_date, end_date, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (id) DO UPDATE SET year_id = excluded.year_id, name = excluded.name,
                 start_date = excluded.start_date, end_date = excluded.end_date,
                 updated_at = excluded.updated_at",
            rusqlite::params![id, year_id, name, start, end, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "term",
            id,
            || Ok(()),
            "DELETE FROM terms WHERE id = ?1",
        )?;
        Ok(())
    }
}

//! The school calendar: each year's school days (`year_calendars`) and holidays
//! (`holidays`).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{Values, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `year_calendar`, under the year's id: the payload is `{year_id, working_days}`, the days
/// as numbers 1 (Monday) to 7 (Sunday); stored as bits 0 to 6.
pub(super) struct YearCalendar;

impl Replica for YearCalendar {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let bits: Option<i64> = conn
            .prepare_cached("SELECT working_days FROM year_calendars WHERE year_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        bits.map(|bits| {
            let days: Vec<u8> = (0..7u8)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| i + 1)
                .collect();
            object(&json!({ "year_id": id, "working_days": days }))
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "year_calendar", id, values);
        if let Some(year) = v.opt::<Id>("year_id")?
            && year != id
        {
            return Err(v.bad("year_id", "it is not the year the calendar is filed under"));
        }
        let days: Vec<u8> = v.req("working_days")?;
        let mut bits = 0i64;
        for d in days {
            if !(1..=7).contains(&d) {
                return Err(v.bad("working_days", &format!("{d} is not a day of the week")));
            }
            bits |= 1 << (d - 1);
        }
        if bits == 0 {
            return Err(v.bad("working_days", "no school day"));
        }
        conn.execute(
            "INSERT INTO year_calendars (year_id, working_days, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (year_id) DO UPDATE SET working_days = excluded.working_days,
                 updated_at = excluded.updated_at",
            rusqlite::params![id, bits, now_utc()],
        )?;
        Ok(())
    }

    /// Back to the default week (Monday to Friday).
    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM year_calendars WHERE year_id = ?1", [id])?;
        Ok(())
    }
}

/// `holiday`: the payload is [`crate::calendar::Holiday`] (id, year_id, name, start_date,
/// end_date).
pub(super) struct Holiday;

impl Replica for Holiday {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        conn.prepare_cached(
            "SELECT id, year_id, name, start_date, end_date FROM holidays WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(crate::calendar::Holiday {
                id: r.get(0)?,
                year_id: r.get(1)?,
                name: r.get(2)?,
                start_date: r.get(3)?,
                end_date: r.get(4)?,
            })
        })
        .optional()?
        .map(|h| object(&h))
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "holiday", id, values);
        let year_id: Id = v.req("year_id")?;
        let name: String = v.req("name")?;
        let start: NaiveDate = v.req("start_date")?;
        let end: NaiveDate = v.or("end_date", start)?;
        if end < start {
            return Err(v.bad("end_date", "it is before the first day"));
        }
        conn.execute(
            "INSERT INTO holidays (id, year_id, name, start_date, end_date, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (id) DO UPDATE SET year_id = excluded.year_id, name = excluded.name,
                 start_date = excluded.start_date, end_date = excluded.end_date,
                 updated_at = excluded.updated_at",
            rusqlite::params![id, year_id, name, start, end, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM holidays WHERE id = ?1", [id])?;
        Ok(())
    }
}

//! Staff as attendance knows them: people who check in with their own card. Their daily
//! arrivals are kept one row per person per day.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store};
use crate::time::{now_utc, parse_optional_date};
use crate::users::Permission;
use crate::validate::Problems;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Staff {
    pub id: Id,
    pub name: String,
    pub role: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffInput {
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A staff member's arrival on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffArrival {
    pub staff_id: Id,
    pub name: String,
    pub role: String,
    /// `P` or `L`; none when the person has not checked in.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
    /// The UTC instant of the check-in.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<String>,
}

fn validate(input: &StaffInput) -> Result<(String, String)> {
    let mut p = Problems::default();
    let name = p.required("name", "The name", &input.name, 100);
    let role = crate::text::clean(&input.role);
    p.max_len("role", "The role", &role, 60);
    p.finish()?;
    Ok((name, role))
}

pub fn create(store: &Store, input: &StaffInput) -> Result<Staff> {
    store.require(Permission::ManageSchool)?;
    let (name, role) = validate(input)?;
    store.write(|w| {
        let staff = Staff {
            id: Id::new(),
            name,
            role,
            active: input.active,
        };
        w.conn().execute(
            "INSERT INTO staff (id, name, role, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            rusqlite::params![staff.id, staff.name, staff.role, staff.active, now_utc()],
        )?;
        w.record(RecordType::Staff, staff.id, Op::Insert, &staff)?;
        Ok(staff)
    })
}

pub fn update(store: &Store, id: Id, input: &StaffInput) -> Result<Staff> {
    store.require(Permission::ManageSchool)?;
    let (name, role) = validate(input)?;
    store.write(|w| {
        let old = load(w.conn(), id)?.ok_or_else(|| Error::not_found("The staff member"))?;
        let new = Staff {
            id,
            name,
            role,
            active: input.active,
        };
        let changed = crate::diff::changed_fields(&old, &new)?;
        if changed.is_empty() {
            return Ok(old);
        }
        w.conn().execute(
            "UPDATE staff SET name = ?2, role = ?3, active = ?4, updated_at = ?5 WHERE id = ?1",
            rusqlite::params![id, new.name, new.role, new.active, now_utc()],
        )?;
        w.record(RecordType::Staff, id, Op::Update, &changed)?;
        Ok(new)
    })
}

/// Every staff member, active first, by name.
pub fn list(store: &Store) -> Result<Vec<Staff>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| {
        Ok(
            c.prepare("SELECT id, name, role, active FROM staff ORDER BY active DESC, name")?
                .query_map([], from_row)?
                .collect::<rusqlite::Result<_>>()?,
        )
    })
}

pub(crate) fn load(c: &Connection, id: Id) -> Result<Option<Staff>> {
    Ok(
        c.prepare_cached("SELECT id, name, role, active FROM staff WHERE id = ?1")?
            .query_row([id], from_row)
            .optional()?,
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    Ok(Staff {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        active: r.get(3)?,
    })
}

/// Active staff with their arrival on `date` (default: today at the school).
pub fn arrivals(store: &Store, date: Option<&str>) -> Result<Vec<StaffArrival>> {
    store.require(Permission::ViewAttendance)?;
    store.read(|c| {
        let date: NaiveDate = match parse_optional_date("date", date)? {
            Some(d) => d,
            None => crate::school::today_at_school(&crate::school::require(c)?),
        };
        Ok(c.prepare(
            "SELECT s.id, s.name, s.role, a.code, a.late_minutes, a.checked_in_at
             FROM staff s LEFT JOIN staff_attendance a ON a.staff_id = s.id AND a.date = ?1
             WHERE s.active = 1 ORDER BY s.name",
        )?
        .query_map([date], |r| {
            Ok(StaffArrival {
                staff_id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                code: r.get(3)?,
                late_minutes: r.get(4)?,
                checked_in_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
    })
}

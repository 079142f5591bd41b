//! Staff (`staff`) and their daily arrivals (`staff_attendance`).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{Values, guarded_delete, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `staff`: the payload is [`crate::staff::Staff`] (id, name, role, active).
pub(super) struct Staff;

impl Replica for Staff {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::staff::load(conn, id)?
            .map(|s| object(&s))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "staff", id, values);
        let name: String = v.req("name")?;
        let role: String = v.or("role", String::new())?;
        let active: bool = v.or("active", true)?;
        conn.execute(
            "INSERT INTO staff (id, name, role, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
                 active = excluded.active, updated_at = excluded.updated_at",
            rusqlite::params![id, name, role, active, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "staff",
            id,
            || Ok(()),
            "DELETE FROM staff WHERE id = ?1",
        )?;
        Ok(())
    }
}

/// `staff_attendance`, under `Id::derived("staff_attendance", [staff_id, date])`: the
/// payload is `{staff_id, date, code, late_minutes, checked_in_at, device_id}`. Two devices
/// scanning the same person the same day make one record; the later change wins, like any
/// field.
pub(super) struct StaffAttendance;

impl Replica for StaffAttendance {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let row: Option<(Id, NaiveDate, String, Option<u32>, String, Id)> = conn
            .prepare_cached(
                "SELECT staff_id, date, code, late_minutes, checked_in_at, device_id
                 FROM staff_attendance WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        row.map(|(staff_id, date, code, late, at, device)| {
            object(&json!({
                "staff_id": staff_id,
                "date": date,
                "code": code,
                "late_minutes": late,
                "checked_in_at": at,
                "device_id": device,
            }))
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "staff_attendance", id, values);
        let staff_id: Id = v.req("staff_id")?;
        let date: NaiveDate = v.req("date")?;
        if Id::derived(
            "staff_attendance",
            &[&staff_id.to_string(), &date.to_string()],
        ) != id
        {
            return Err(v.bad(
                "date",
                "the staff member and date do not make the record's id",
            ));
        }
        let code: String = v.req("code")?;
        let late: Option<u32> = v.opt("late_minutes")?;
        let checked_in_at: String = v.req("checked_in_at")?;
        let device_id: Id = v.req("device_id")?;
        conn.execute(
            "INSERT INTO staff_attendance (id, staff_id, date, code, late_minutes, checked_in_at,
                                           device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET code = excluded.code,
                 late_minutes = excluded.late_minutes, checked_in_at = excluded.checked_in_at,
                 device_id = excluded.device_id",
            rusqlite::params![id, staff_id, date, code, late, checked_in_at, device_id],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM staff_attendance WHERE id = ?1", [id])?;
        Ok(())
    }
}

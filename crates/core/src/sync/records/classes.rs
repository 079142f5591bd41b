//! Classes (`classes`).

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Values, clash, guarded_delete, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `class`: the payload is [`crate::classes::Class`] (id, name, grade, section,
/// class_teacher).
pub(super) struct Class;

impl Replica for Class {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::classes::load(conn, id)?
            .map(|c| object(&c))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "class", id, values);
        let name: String = v.req("name")?;
        let grade: String = v.or("grade", String::new())?;
        let section: String = v.or("section", String::new())?;
        let class_teacher: String = v.or("class_teacher", String::new())?;
        let other: Option<Id> = conn
            .query_row(
                "SELECT id FROM classes WHERE name = ?1 AND id <> ?2",
                rusqlite::params![name, id],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(clash(
                "class",
                "name",
                format!("This computer already has another class called {name}"),
            ));
        }
        conn.execute(
            "INSERT INTO classes (id, name, grade, section, class_teacher, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, grade = excluded.grade,
                 section = excluded.section, class_teacher = excluded.class_teacher,
                 updated_at = excluded.updated_at",
            rusqlite::params![id, name, grade, section, class_teacher, now_utc()],
        )?;
        Ok(())
    }

    /// A class still holding students (or fees) here stays.
    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "class",
            id,
            || Ok(()),
            "DELETE FROM classes WHERE id = ?1",
        )?;
        Ok(())
    }
}

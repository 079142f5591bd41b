//! Guardians (`guardians`) and their links to students (`student_guardians`). The search
//! index holds guardians' phones, so every change here reindexes the students concerned.

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{Values, clash, guarded_delete, object};
use crate::error::Result;
use crate::guardians::Relation;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

fn reindex_all(conn: &Connection, students: &[Id]) -> Result<()> {
    for s in students {
        crate::search::reindex(conn, *s)?;
    }
    Ok(())
}

/// `guardian`: the payload is [`crate::guardians::Guardian`] (id, name, relation, phone,
/// alt_phone, email, whatsapp_consent). Storing reindexes every student linked to them.
pub(super) struct Guardian;

impl Replica for Guardian {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::guardians::load(conn, id)?
            .map(|g| object(&g))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "guardian", id, values);
        let name: String = v.req("name")?;
        let relation: Relation = v.or("relation", Relation::Guardian)?;
        let phone: Option<String> = v.opt("phone")?;
        let alt_phone: Option<String> = v.opt("alt_phone")?;
        let email: Option<String> = v.opt("email")?;
        let whatsapp_consent: bool = v.or("whatsapp_consent", false)?;
        conn.prepare_cached(
            "INSERT INTO guardians (id, name, relation, phone, alt_phone, email, whatsapp_consent,
                                    created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, relation = excluded.relation,
                 phone = excluded.phone, alt_phone = excluded.alt_phone, email = excluded.email,
                 whatsapp_consent = excluded.whatsapp_consent, updated_at = excluded.updated_at",
        )?
        .execute(rusqlite::params![
            id,
            name,
            relation.as_str(),
            phone,
            alt_phone,
            email,
            whatsapp_consent,
            now_utc()
        ])?;
        reindex_all(conn, &crate::guardians::student_ids(conn, &[id])?)
    }

    /// Removes the guardian and any links still left to them (the device that deleted the
    /// guardian had unlinked them first), reindexing those students.
    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        let students = crate::guardians::student_ids(conn, &[id])?;
        let gone = guarded_delete(
            conn,
            "guardian",
            id,
            || {
                conn.execute("DELETE FROM student_guardians WHERE guardian_id = ?1", [id])?;
                Ok(())
            },
            "DELETE FROM guardians WHERE id = ?1",
        )?;
        if gone {
            reindex_all(conn, &students)?;
        }
        Ok(())
    }
}

/// `student_guardian`: the payload is `{student_id, guardian_id, is_primary}` (updates carry
/// `is_primary` alone). Storing reindexes the student (and the one it was linked to before,
/// if that changed).
pub(super) struct StudentGuardian;

impl Replica for StudentGuardian {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let row: Option<(Id, Id, bool)> = conn
            .prepare_cached(
                "SELECT student_id, guardian_id, is_primary FROM student_guardians WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        row.map(|(student_id, guardian_id, is_primary)| {
            object(&json!({
                "student_id": student_id,
                "guardian_id": guardian_id,
                "is_primary": is_primary,
            }))
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "student_guardian", id, values);
        let student_id: Id = v.req("student_id")?;
        let guardian_id: Id = v.req("guardian_id")?;
        let is_primary: bool = v.or("is_primary", false)?;
        let other: Option<Id> = conn
            .prepare_cached(
                "SELECT id FROM student_guardians
                 WHERE student_id = ?1 AND guardian_id = ?2 AND id <> ?3",
            )?
            .query_row(rusqlite::params![student_id, guardian_id, id], |r| r.get(0))
            .optional()?;
        if other.is_some() {
            return Err(clash(
                "student_guardian",
                "guardian_id",
                "This guardian was linked to the student on two computers at once; the \
                 other link is already here"
                    .to_owned(),
            ));
        }
        let before: Option<Id> = conn
            .prepare_cached("SELECT student_id FROM student_guardians WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        conn.prepare_cached(
            "INSERT INTO student_guardians (id, student_id, guardian_id, is_primary, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET student_id = excluded.student_id,
                 guardian_id = excluded.guardian_id, is_primary = excluded.is_primary",
        )?
        .execute(rusqlite::params![
            id,
            student_id,
            guardian_id,
            is_primary,
            now_utc()
        ])?;
        crate::search::reindex(conn, student_id)?;
        if let Some(before) = before
            && before != student_id
        {
            crate::search::reindex(conn, before)?;
        }
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        let student: Option<Id> = conn
            .prepare_cached("SELECT student_id FROM student_guardians WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(student) = student {
            conn.execute("DELETE FROM student_guardians WHERE id = ?1", [id])?;
            crate::search::reindex(conn, student)?;
        }
        Ok(())
    }
}

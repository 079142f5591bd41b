//! Students (`students`, with their folded names and search index entry) and their photos
//! (`student_photos`).

use base64::Engine;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Values, clash, guarded_delete, object};
use crate::error::Result;
use crate::id::Id;
use crate::students::{Gender, StudentStatus};
use crate::sync::replica::Replica;
use crate::text::fold;
use crate::time::now_utc;

/// `student`: the payload is [`crate::students::Student`] (id, admission_no, given_name,
/// family_name, dob, gender, class_id, status, admission_date). Storing refolds the names
/// and reindexes the student for search; it charges no fees (the charges a class change made
/// on the other device arrive as that device's ledger entries).
pub(super) struct Student;

impl Replica for Student {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::students::load(conn, id)?
            .map(|s| object(&s))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "student", id, values);
        let admission_no: String = v.req("admission_no")?;
        let given_name: String = v.req("given_name")?;
        let family_name: String = v.or("family_name", String::new())?;
        let dob: Option<NaiveDate> = v.opt("dob")?;
        let gender: Option<Gender> = v.opt("gender")?;
        let class_id: Option<Id> = v.opt("class_id")?;
        let status: StudentStatus = v.or("status", StudentStatus::Active)?;
        let admission_date: Option<NaiveDate> = v.opt("admission_date")?;
        let holder: Option<String> = conn
            .prepare_cached(
                "SELECT trim(given_name || ' ' || family_name) FROM students
                 WHERE admission_no = ?1 AND id <> ?2",
            )?
            .query_row(rusqlite::params![admission_no, id], |r| r.get(0))
            .optional()?;
        if let Some(holder) = holder {
            return Err(clash(
                "student",
                "admission_no",
                format!(
                    "Admission number {admission_no} is given to {} on another computer but \
                     belongs to {holder} on this one",
                    crate::text::clean(&format!("{given_name} {family_name}"))
                ),
            ));
        }
        conn.prepare_cached(
            "INSERT INTO students (id, admission_no, given_name, family_name, dob, gender,
                                   class_id, status, admission_date, fold_given, fold_family,
                                   created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
             ON CONFLICT (id) DO UPDATE SET admission_no = excluded.admission_no,
                 given_name = excluded.given_name, family_name = excluded.family_name,
                 dob = excluded.dob, gender = excluded.gender, class_id = excluded.class_id,
                 status = excluded.status, admission_date = excluded.admission_date,
                 fold_given = excluded.fold_given, fold_family = excluded.fold_family,
                 updated_at = excluded.updated_at",
        )?
        .execute(rusqlite::params![
            id,
            admission_no,
            given_name,
            family_name,
            dob,
            gender.map(Gender::as_str),
            class_id,
            status.as_str(),
            admission_date,
            fold(&given_name),
            fold(&family_name),
            now_utc()
        ])?;
        crate::search::reindex(conn, id)
    }

    /// Removes the student with their guardian links, photo and search entry, unless other
    /// records here (marks, ledger entries, concessions, optional heads) still refer to them.
    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "student",
            id,
            || {
                conn.execute("DELETE FROM student_guardians WHERE student_id = ?1", [id])?;
                conn.execute("DELETE FROM student_photos WHERE student_id = ?1", [id])?;
                crate::search::remove(conn, id)
            },
            "DELETE FROM students WHERE id = ?1",
        )?;
        Ok(())
    }
}

/// `student_photo`, under the student's id: the payload is `{student_id, jpeg_base64}`.
pub(super) struct StudentPhoto;

impl Replica for StudentPhoto {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let jpeg: Option<Vec<u8>> = conn
            .prepare_cached("SELECT jpeg FROM student_photos WHERE student_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(jpeg.map(|jpeg| {
            let mut m = Map::new();
            m.insert("student_id".into(), Value::String(id.to_string()));
            m.insert(
                "jpeg_base64".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(jpeg)),
            );
            m
        }))
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "student_photo", id, values);
        if let Some(student) = v.opt::<Id>("student_id")?
            && student != id
        {
            return Err(v.bad(
                "student_id",
                "it is not the student the photo is filed under",
            ));
        }
        let text: String = v.req("jpeg_base64")?;
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(|e| v.bad("jpeg_base64", &format!("not base64 ({e})")))?;
        conn.prepare_cached(
            "INSERT INTO student_photos (student_id, jpeg, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (student_id) DO UPDATE SET jpeg = excluded.jpeg,
                 updated_at = excluded.updated_at",
        )?
        .execute(rusqlite::params![id, jpeg, now_utc()])?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM student_photos WHERE student_id = ?1", [id])?;
        Ok(())
    }
}

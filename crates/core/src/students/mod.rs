//! Students: admission number (unique, the key schools use), names, date of birth, gender,
//! class, status and admission date, with their guardians and an optional photo.

pub(crate) mod photo;

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::guardians::{self, GuardianInput, LinkedGuardian};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::text::fold;
use crate::time::{now_utc, parse_optional_date, today};
use crate::users::Permission;
use crate::validate::Problems;

pub use photo::{MAX_PHOTO_BYTES, PHOTO_MAX_SIDE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    Other,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Other => "other",
        }
    }
}

impl FromStr for Gender {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "male" | "boy" => Ok(Gender::Male),
            "f" | "female" | "girl" => Ok(Gender::Female),
            "o" | "other" | "x" => Ok(Gender::Other),
            other => Err(Error::validation(
                "gender",
                format!("\"{other}\" is not a gender (male, female or other)"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StudentStatus {
    #[default]
    Active,
    Left,
    Graduated,
}

impl StudentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StudentStatus::Active => "active",
            StudentStatus::Left => "left",
            StudentStatus::Graduated => "graduated",
        }
    }
}

impl FromStr for StudentStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(StudentStatus::Active),
            "left" => Ok(StudentStatus::Left),
            "graduated" => Ok(StudentStatus::Graduated),
            other => Err(Error::validation(
                "status",
                format!("\"{other}\" is not a status (active, left or graduated)"),
            )),
        }
    }
}

/// The student record as stored and synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Student {
    pub id: Id,
    pub admission_no: String,
    pub given_name: String,
    pub family_name: String,
    pub dob: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub class_id: Option<Id>,
    pub status: StudentStatus,
    pub admission_date: Option<NaiveDate>,
}

impl Student {
    pub fn full_name(&self) -> String {
        crate::text::clean(&format!("{} {}", self.given_name, self.family_name))
    }
}

/// The student form: every editable field, with the student's guardians (primary first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentInput {
    pub admission_no: String,
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    /// `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub dob: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub gender: Option<Gender>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub class_id: Option<Id>,
    #[serde(default)]
    pub status: StudentStatus,
    /// `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub admission_date: String,
    #[serde(default)]
    pub guardians: Vec<GuardianInput>,
}

/// Everything the student page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentDetail {
    #[serde(flatten)]
    pub student: Student,
    pub class_name: Option<String>,
    pub guardians: Vec<LinkedGuardian>,
    pub has_photo: bool,
}

impl From<&StudentDetail> for StudentInput {
    /// The form filled in from the student as stored: saved unchanged, it changes nothing.
    fn from(d: &StudentDetail) -> Self {
        let s = &d.student;
        StudentInput {
            admission_no: s.admission_no.clone(),
            given_name: s.given_name.clone(),
            family_name: s.family_name.clone(),
            dob: s.dob.map(|x| x.to_string()).unwrap_or_default(),
            gender: s.gender,
            class_id: s.class_id,
            status: s.status,
            admission_date: s.admission_date.map(|x| x.to_string()).unwrap_or_default(),
            guardians: d
                .guardians
                .iter()
                .map(|g| GuardianInput::from(&g.guardian))
                .collect(),
        }
    }
}

/// A line of the student list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentRow {
    pub id: Id,
    pub admission_no: String,
    pub given_name: String,
    pub family_name: String,
    pub class_id: Option<Id>,
    pub class_name: Option<String>,
    pub status: StudentStatus,
    pub dob: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentFilter {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub class_id: Option<Id>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<StudentStatus>,
}

/// A student and their guardians after validation; the bool says the guardian input had an id.
pub(crate) type Checked = (Student, Vec<(guardians::Guardian, bool)>);

fn validate(c: &Connection, input: &StudentInput, id: Id) -> Result<Checked> {
    let school = crate::school::require(c)?;
    let checked = check(input, id, &school.phone_country, today())?;
    if let Some(class_id) = input.class_id
        && crate::classes::load(c, class_id)?.is_none()
    {
        return Err(Error::validation("class_id", "That class no longer exists"));
    }
    Ok(checked)
}

/// Validates a student form without touching the database (the class is not looked up).
pub(crate) fn check(
    input: &StudentInput,
    id: Id,
    phone_country: &str,
    today: NaiveDate,
) -> Result<Checked> {
    let mut p = Problems::default();
    let admission_no = p.required(
        "admission_no",
        "The admission number",
        &input.admission_no,
        32,
    );
    let given_name = p.required("given_name", "The given name", &input.given_name, 100);
    let family_name = crate::text::clean(&input.family_name);
    p.max_len("family_name", "The family name", &family_name, 100);
    let dob = p
        .take("dob", parse_optional_date("dob", Some(&input.dob)))
        .flatten();
    let admission_date = p
        .take(
            "admission_date",
            parse_optional_date("admission_date", Some(&input.admission_date)),
        )
        .flatten();
    if let Some(d) = dob {
        if d > today {
            p.add("dob", "The date of birth is in the future");
        } else if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
            p.add("dob", "The date of birth is before 1900");
        } else if admission_date.is_some_and(|a| a <= d) {
            p.add("dob", "The date of birth must be before the admission date");
        }
    }
    let guardians = guardians::validate_all(&input.guardians, phone_country, &mut p);
    p.finish()?;
    let student = Student {
        id,
        admission_no,
        given_name,
        family_name,
        dob,
        gender: input.gender,
        class_id: input.class_id,
        status: input.status,
        admission_date,
    };
    let wanted = guardians
        .into_iter()
        .zip(input.guardians.iter().map(|g| g.id.is_some()))
        .collect();
    Ok((student, wanted))
}

fn ensure_admission_no_free(c: &Connection, s: &Student) -> Result<()> {
    let holder: Option<(Id, String)> = c
        .prepare_cached(
            "SELECT id, trim(given_name || ' ' || family_name) FROM students WHERE admission_no = ?1",
        )?
        .query_row([&s.admission_no], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match holder {
        Some((id, name)) if id != s.id => Err(Error::conflict(
            "admission_no",
            format!(
                "Admission number {} already belongs to {name}",
                s.admission_no
            ),
        )),
        _ => Ok(()),
    }
}

/// Adds a student with their guardians.
pub fn create(store: &Store, input: &StudentInput) -> Result<StudentDetail> {
    store.require(Permission::EditStudents)?;
    let id = store.write(|w| {
        let checked = validate(w.conn(), input, Id::new())?;
        let id = checked.0.id;
        insert_checked(w, checked)?;
        Ok(id)
    })?;
    get(store, id)
}

/// Adds many students in one transaction: all of them, or none if any is refused (the
/// error's fields are prefixed with the input's index, e.g. `[12].dob`).
pub fn create_many(store: &Store, inputs: &[StudentInput]) -> Result<Vec<Id>> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                let at = |e| crate::error::prefix_field(e, &format!("[{i}]"));
                let checked = validate(w.conn(), input, Id::new()).map_err(at)?;
                let id = checked.0.id;
                insert_checked(w, checked).map_err(at)?;
                Ok(id)
            })
            .collect()
    })
}

/// Saves the student form over an existing student.
pub fn update(store: &Store, id: Id, input: &StudentInput) -> Result<StudentDetail> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        let old = load(w.conn(), id)?.ok_or_else(|| Error::not_found("The student"))?;
        let checked = validate(w.conn(), input, id)?;
        update_checked(w, &old, checked)
    })?;
    get(store, id)
}

/// Writes a validated new student with their guardians; the admission number is checked
/// against the store as it is now.
pub(crate) fn insert_checked(
    w: &mut Writer<'_>,
    (student, wanted): Checked,
) -> Result<guardians::Saved> {
    ensure_admission_no_free(w.conn(), &student)?;
    insert(w, &student)?;
    let saved = guardians::save_for_student(w, student.id, wanted, true)?;
    reindex_after(w, student.id, &saved)?;
    if let (Some(class_id), StudentStatus::Active) = (student.class_id, student.status) {
        crate::fees::on_join_class(w, student.id, class_id)?;
    }
    Ok(saved)
}

/// Writes a validated edit of `old`: the changed fields, then the guardians.
pub(crate) fn update_checked(
    w: &mut Writer<'_>,
    old: &Student,
    (new, wanted): Checked,
) -> Result<guardians::Saved> {
    ensure_admission_no_free(w.conn(), &new)?;
    write_changes(w, old, &new)?;
    let saved = guardians::save_for_student(w, new.id, wanted, false)?;
    reindex_after(w, new.id, &saved)?;
    // Joining a class (or coming back to school) charges the class's fees applied so far.
    let joined = new.class_id != old.class_id || old.status != StudentStatus::Active;
    if let (Some(class_id), StudentStatus::Active, true) = (new.class_id, new.status, joined) {
        crate::fees::on_join_class(w, new.id, class_id)?;
    }
    Ok(saved)
}

fn write_changes(w: &mut Writer<'_>, old: &Student, new: &Student) -> Result<()> {
    let changed = crate::diff::changed_fields(old, new)?;
    if changed.is_empty() {
        return Ok(());
    }
    w.conn()
        .prepare_cached(
            "UPDATE students SET admission_no = ?2, given_name = ?3, family_name = ?4, dob = ?5, gender = ?6,
                    class_id = ?7, status = ?8, admission_date = ?9, fold_given = ?10, fold_family = ?11,
                    updated_at = ?12 WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            new.id, new.admission_no, new.given_name, new.family_name, new.dob, new.gender.map(Gender::as_str),
            new.class_id, new.status.as_str(), new.admission_date, fold(&new.given_name), fold(&new.family_name),
            now_utc()
        ])?;
    w.record(RecordType::Student, new.id, Op::Update, &changed)?;
    Ok(())
}

/// Puts a student back as `old` was (undoing an import's edit).
pub(crate) fn restore(w: &mut Writer<'_>, old: &Student) -> Result<()> {
    let current = load(w.conn(), old.id)?.ok_or_else(|| Error::not_found("The student"))?;
    write_changes(w, &current, old)?;
    crate::search::reindex(w.conn(), old.id)
}

/// Deletes a student with their photo and guardian links (undoing an import's insert).
pub(crate) fn delete(w: &mut Writer<'_>, id: Id) -> Result<()> {
    let links: Vec<Id> = w
        .conn()
        .prepare("SELECT id FROM student_guardians WHERE student_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for link in links {
        guardians::unlink(w, link)?;
    }
    delete_photo(w, id)?;
    crate::search::remove(w.conn(), id)?;
    if w.conn()
        .execute("DELETE FROM students WHERE id = ?1", [id])?
        > 0
    {
        w.record(
            RecordType::Student,
            id,
            Op::Delete,
            &serde_json::Value::Null,
        )?;
    }
    Ok(())
}

fn insert(w: &mut Writer<'_>, s: &Student) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO students (id, admission_no, given_name, family_name, dob, gender, class_id, status,
                                   admission_date, fold_given, fold_family, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        )?
        .execute(rusqlite::params![
            s.id, s.admission_no, s.given_name, s.family_name, s.dob, s.gender.map(Gender::as_str), s.class_id,
            s.status.as_str(), s.admission_date, fold(&s.given_name), fold(&s.family_name), now_utc()
        ])?;
    w.record(RecordType::Student, s.id, Op::Insert, s)?;
    Ok(())
}

/// Reindexes the student, and every other student of a guardian whose record was edited.
/// Other students' entries change only then: a sibling gaining or losing a link to a shared
/// guardian leaves the sibling's names, admission number and guardians' phones as they were.
fn reindex_after(w: &mut Writer<'_>, student_id: Id, saved: &guardians::Saved) -> Result<()> {
    crate::search::reindex(w.conn(), student_id)?;
    for other in guardians::student_ids(w.conn(), &saved.edited)? {
        if other != student_id {
            crate::search::reindex(w.conn(), other)?;
        }
    }
    Ok(())
}

pub fn get(store: &Store, id: Id) -> Result<StudentDetail> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| detail(c, id))
}

/// The student with this admission number (case-insensitive).
pub fn find_by_admission_no(store: &Store, admission_no: &str) -> Result<Option<StudentDetail>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| {
        let id: Option<Id> = c
            .query_row(
                "SELECT id FROM students WHERE admission_no = ?1",
                [admission_no.trim()],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| detail(c, id)).transpose()
    })
}

pub(crate) fn get_in(c: &Connection, id: Id) -> Result<StudentDetail> {
    detail(c, id)
}

fn detail(c: &Connection, id: Id) -> Result<StudentDetail> {
    let student = load(c, id)?.ok_or_else(|| Error::not_found("The student"))?;
    let class_name = match student.class_id {
        Some(cid) => crate::classes::load(c, cid)?.map(|cl| cl.name),
        None => None,
    };
    let has_photo = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM student_photos WHERE student_id = ?1)")?
        .query_row([id], |r| r.get(0))?;
    Ok(StudentDetail {
        guardians: guardians::of_student(c, id)?,
        student,
        class_name,
        has_photo,
    })
}

const COLUMNS: &str = "s.id, s.admission_no, s.given_name, s.family_name, s.dob, s.gender, s.class_id, s.status, s.admission_date";

pub(crate) fn load(c: &Connection, id: Id) -> Result<Option<Student>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM students s WHERE s.id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Student> {
    let gender: Option<String> = r.get(5)?;
    let status: String = r.get(7)?;
    Ok(Student {
        id: r.get(0)?,
        admission_no: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        dob: r.get(4)?,
        gender: gender.and_then(|g| g.parse().ok()),
        class_id: r.get(6)?,
        status: status.parse().unwrap_or_default(),
        admission_date: r.get(8)?,
    })
}

/// Students in class then name order, with their primary guardian.
pub fn list(store: &Store, filter: &StudentFilter) -> Result<Vec<StudentRow>> {
    list_up_to(store, filter, None)
}

/// The first `limit` students of [`list`], in its order (all of them with `None`): the
/// student list's first screen asks for a screenful, read from the database and sent alone.
pub fn list_up_to(
    store: &Store,
    filter: &StudentFilter,
    limit: Option<usize>,
) -> Result<Vec<StudentRow>> {
    store.require(Permission::ViewStudents)?;
    // SQLite reads a negative LIMIT as none.
    let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    store.read(|c| {
        let mut stmt = c.prepare(
            "SELECT s.id, s.admission_no, s.given_name, s.family_name, s.class_id, c.name, s.status, s.dob, s.gender,
                    g.name, g.phone
             FROM students s
             LEFT JOIN classes c ON c.id = s.class_id
             LEFT JOIN student_guardians l ON l.student_id = s.id AND l.is_primary = 1
             LEFT JOIN guardians g ON g.id = l.guardian_id
             WHERE (?1 IS NULL OR s.class_id = ?1) AND (?2 IS NULL OR s.status = ?2)
             ORDER BY c.name IS NULL, c.name, s.fold_family, s.fold_given, s.admission_no
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            (filter.class_id, filter.status.map(StudentStatus::as_str), limit),
            row_from,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

/// Every student (all statuses) with their class's name, in class then name order, in one
/// query: the register export reads a whole school with it.
pub(crate) fn all_with_class(c: &Connection) -> Result<Vec<(Student, Option<String>)>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {COLUMNS}, c.name FROM students s LEFT JOIN classes c ON c.id = s.class_id
         ORDER BY c.name IS NULL, c.name, s.fold_family, s.fold_given, s.admission_no"
    ))?;
    let rows = stmt.query_map([], |r| Ok((from_row(r)?, r.get(9)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn row_from(r: &Row<'_>) -> rusqlite::Result<StudentRow> {
    let status: String = r.get(6)?;
    let gender: Option<String> = r.get(8)?;
    Ok(StudentRow {
        id: r.get(0)?,
        admission_no: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        class_id: r.get(4)?,
        class_name: r.get(5)?,
        status: status.parse().unwrap_or_default(),
        dob: r.get(7)?,
        gender: gender.and_then(|g| g.parse().ok()),
        guardian_name: r.get(9)?,
        guardian_phone: r.get(10)?,
    })
}

/// Stores a photo for the student, resized to fit [`PHOTO_MAX_SIDE`] and re-encoded as JPEG.
pub fn set_photo(store: &Store, id: Id, image_bytes: &[u8]) -> Result<()> {
    store.require(Permission::EditStudents)?;
    let jpeg = photo::prepare(image_bytes)?;
    store.write(|w| {
        load(w.conn(), id)?.ok_or_else(|| Error::not_found("The student"))?;
        let existed: bool = w.conn().query_row("SELECT EXISTS (SELECT 1 FROM student_photos WHERE student_id = ?1)", [id], |r| r.get(0))?;
        w.conn().execute(
            "INSERT INTO student_photos (student_id, jpeg, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (student_id) DO UPDATE SET jpeg = excluded.jpeg, updated_at = excluded.updated_at",
            rusqlite::params![id, jpeg, now_utc()],
        )?;
        let op = if existed { Op::Update } else { Op::Insert };
        w.record(RecordType::StudentPhoto, id, op, &photo::Payload::new(id, &jpeg))?;
        Ok(())
    })
}

pub fn remove_photo(store: &Store, id: Id) -> Result<()> {
    store.require(Permission::EditStudents)?;
    store.write(|w| delete_photo(w, id))
}

/// Deletes the student's photo, if there is one, with its outbox entry.
fn delete_photo(w: &mut Writer<'_>, id: Id) -> Result<()> {
    if w.conn()
        .execute("DELETE FROM student_photos WHERE student_id = ?1", [id])?
        > 0
    {
        w.record(
            RecordType::StudentPhoto,
            id,
            Op::Delete,
            &serde_json::Value::Null,
        )?;
    }
    Ok(())
}

/// The student's photo as JPEG bytes.
pub fn photo(store: &Store, id: Id) -> Result<Option<Vec<u8>>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| {
        Ok(c.query_row(
            "SELECT jpeg FROM student_photos WHERE student_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
    })
}

#[cfg(test)]
mod tests;

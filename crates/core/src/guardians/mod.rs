//! Guardians and their links to students. Siblings share guardian rows: saving a student
//! whose guardian's mobile number is already known links the existing guardian.

use std::collections::HashMap;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::now_utc;
use crate::users::Permission;
use crate::validate::Problems;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Father,
    Mother,
    Guardian,
    Grandparent,
    Sibling,
    Other,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Father => "father",
            Relation::Mother => "mother",
            Relation::Guardian => "guardian",
            Relation::Grandparent => "grandparent",
            Relation::Sibling => "sibling",
            Relation::Other => "other",
        }
    }
}

impl FromStr for Relation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "father" | "dad" => Relation::Father,
            "mother" | "mum" | "mom" => Relation::Mother,
            "guardian" | "parent" | "" => Relation::Guardian,
            "grandparent" | "grandfather" | "grandmother" => Relation::Grandparent,
            "sibling" | "brother" | "sister" => Relation::Sibling,
            "other" => Relation::Other,
            other => {
                return Err(Error::validation(
                    "relation",
                    format!(
                        "\"{other}\" is not a relation (father, mother, guardian, grandparent, sibling, other)"
                    ),
                ));
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Guardian {
    pub id: Id,
    pub name: String,
    pub relation: Relation,
    /// E.164, e.g. `+919876543210`.
    pub phone: Option<String>,
    pub alt_phone: Option<String>,
    pub email: Option<String>,
    pub whatsapp_consent: bool,
}

/// A guardian as entered on the student form. With `id`, edits that guardian; without,
/// links the guardian already known by `phone`, or adds a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GuardianInput {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub id: Option<Id>,
    pub name: String,
    pub relation: Relation,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub alt_phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub whatsapp_consent: bool,
}

impl From<&Guardian> for GuardianInput {
    /// The guardian's lines of the student form, as stored.
    fn from(g: &Guardian) -> Self {
        GuardianInput {
            id: Some(g.id),
            name: g.name.clone(),
            relation: g.relation,
            phone: g.phone.clone().unwrap_or_default(),
            alt_phone: g.alt_phone.clone().unwrap_or_default(),
            email: g.email.clone().unwrap_or_default(),
            whatsapp_consent: g.whatsapp_consent,
        }
    }
}

impl Default for GuardianInput {
    fn default() -> Self {
        GuardianInput {
            id: None,
            name: String::new(),
            relation: Relation::Guardian,
            phone: String::new(),
            alt_phone: String::new(),
            email: String::new(),
            whatsapp_consent: false,
        }
    }
}

/// A guardian on a student's record, with the other students they are guardian of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkedGuardian {
    #[serde(flatten)]
    pub guardian: Guardian,
    pub is_primary: bool,
    pub siblings: Vec<SiblingRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiblingRef {
    pub id: Id,
    pub name: String,
    pub admission_no: String,
}

fn validate(
    prefix: &str,
    input: &GuardianInput,
    phone_country: &str,
    p: &mut Problems,
) -> Guardian {
    let f = |name: &str| format!("{prefix}.{name}");
    let name = p.required(&f("name"), "The guardian's name", &input.name, 100);
    let phone = match input.phone.trim() {
        "" => None,
        t => p.take(
            &f("phone"),
            crate::phone::normalise(&f("phone"), t, phone_country),
        ),
    };
    let alt_phone = match input.alt_phone.trim() {
        "" => None,
        t => p.take(
            &f("alt_phone"),
            crate::phone::normalise(&f("alt_phone"), t, phone_country),
        ),
    };
    let email = match input.email.trim() {
        "" => None,
        t if is_email(t) => Some(t.to_owned()),
        t => {
            p.add(f("email"), format!("\"{t}\" is not an email address"));
            None
        }
    };
    if input.whatsapp_consent && phone.is_none() {
        p.add(
            f("whatsapp_consent"),
            "WhatsApp consent needs a mobile number",
        );
    }
    Guardian {
        id: input.id.unwrap_or_default(),
        name,
        relation: input.relation,
        phone,
        alt_phone,
        email,
        whatsapp_consent: input.whatsapp_consent,
    }
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.len() <= 254
}

/// Validates every guardian of a student form, naming fields as `guardians[i].field`.
pub(crate) fn validate_all(
    inputs: &[GuardianInput],
    phone_country: &str,
    p: &mut Problems,
) -> Vec<Guardian> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, g)| validate(&format!("guardians[{i}]"), g, phone_country, p))
        .collect()
}

/// What saving a student's guardians changed.
#[derive(Debug, Default)]
pub(crate) struct Saved {
    /// Guardians whose own record this save changed: every student linked to them needs
    /// reindexing (the search index holds guardians' phones). Linking, unlinking or adding
    /// a guardian changes only this student's entry.
    pub(crate) edited: Vec<Id>,
    pub(crate) new_guardians: Vec<Id>,
    pub(crate) new_links: Vec<Id>,
}

/// Makes the student's guardians exactly `wanted` (the first is primary): updates edited
/// guardians, reuses a guardian already known by phone, adds new ones, and links and
/// unlinks. `new_student` says the student was inserted in this transaction, so has no
/// links yet to look up.
pub(crate) fn save_for_student(
    w: &mut Writer<'_>,
    student_id: Id,
    wanted: Vec<(Guardian, bool)>,
    new_student: bool,
) -> Result<Saved> {
    let mut saved = Saved::default();
    let mut ids = Vec::with_capacity(wanted.len());
    for (i, (g, has_id)) in wanted.into_iter().enumerate() {
        let field = || format!("guardians[{i}]");
        let id = if has_id {
            let old = load(w.conn(), g.id)?
                .ok_or_else(|| Error::validation(&field(), "That guardian no longer exists"))?;
            if update(w, &old, &g)? {
                saved.edited.push(g.id);
            }
            g.id
        } else if let Some(existing) = match &g.phone {
            Some(ph) => find_person_by_phone(w.conn(), ph, &g.name)?,
            None => None,
        } {
            existing.id
        } else {
            insert(w, &g)?;
            saved.new_guardians.push(g.id);
            g.id
        };
        if ids.contains(&id) {
            return Err(Error::validation(
                &format!("{}.phone", field()),
                "This guardian is listed twice",
            ));
        }
        ids.push(id);
    }
    let current: Vec<(Id, Id, bool)> = if new_student {
        Vec::new()
    } else {
        w.conn()
            .prepare_cached(
                "SELECT id, guardian_id, is_primary FROM student_guardians WHERE student_id = ?1",
            )?
            .query_map([student_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (link_id, guardian_id, _) in &current {
        if !ids.contains(guardian_id) {
            w.conn()
                .prepare_cached("DELETE FROM student_guardians WHERE id = ?1")?
                .execute([link_id])?;
            w.record(
                RecordType::StudentGuardian,
                *link_id,
                Op::Delete,
                &serde_json::Value::Null,
            )?;
        }
    }
    for (i, guardian_id) in ids.iter().enumerate() {
        let primary = i == 0;
        match current.iter().find(|(_, g, _)| g == guardian_id) {
            Some((link_id, _, was_primary)) if *was_primary != primary => {
                w.conn()
                    .prepare_cached("UPDATE student_guardians SET is_primary = ?2 WHERE id = ?1")?
                    .execute((link_id, primary))?;
                w.record(
                    RecordType::StudentGuardian,
                    *link_id,
                    Op::Update,
                    &serde_json::json!({ "is_primary": primary }),
                )?;
            }
            Some(_) => {}
            None => {
                let link_id = Id::new();
                w.conn()
                    .prepare_cached(
                        "INSERT INTO student_guardians (id, student_id, guardian_id, is_primary, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(rusqlite::params![link_id, student_id, guardian_id, primary, now_utc()])?;
                w.record(
                    RecordType::StudentGuardian,
                    link_id,
                    Op::Insert,
                    &serde_json::json!({ "student_id": student_id, "guardian_id": guardian_id, "is_primary": primary }),
                )?;
                saved.new_links.push(link_id);
            }
        }
    }
    Ok(saved)
}

/// Removes one link between a student and a guardian, and reindexes the student.
pub(crate) fn unlink(w: &mut Writer<'_>, link_id: Id) -> Result<()> {
    let student: Option<Id> = w
        .conn()
        .query_row(
            "SELECT student_id FROM student_guardians WHERE id = ?1",
            [link_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(student) = student else {
        return Ok(());
    };
    w.conn()
        .execute("DELETE FROM student_guardians WHERE id = ?1", [link_id])?;
    w.record(
        RecordType::StudentGuardian,
        link_id,
        Op::Delete,
        &serde_json::Value::Null,
    )?;
    crate::search::reindex(w.conn(), student)
}

/// Deletes a guardian no student is linked to any more.
pub(crate) fn delete_if_unused(w: &mut Writer<'_>, id: Id) -> Result<()> {
    let used: bool = w.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM student_guardians WHERE guardian_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if !used
        && w.conn()
            .execute("DELETE FROM guardians WHERE id = ?1", [id])?
            > 0
    {
        w.record(
            RecordType::Guardian,
            id,
            Op::Delete,
            &serde_json::Value::Null,
        )?;
    }
    Ok(())
}

/// Whether two names on records with the same phone are one person: the same name, or the
/// same first name ("Rakesh Sharma" and "Rakesh S."). Two parents sharing a household phone
/// stay two guardians.
fn same_person(a: &str, b: &str) -> bool {
    let (a, b) = (crate::text::fold(a), crate::text::fold(b));
    a == b || a.split(' ').next() == b.split(' ').next()
}

fn insert(w: &mut Writer<'_>, g: &Guardian) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO guardians (id, name, relation, phone, alt_phone, email, whatsapp_consent, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(rusqlite::params![g.id, g.name, g.relation.as_str(), g.phone, g.alt_phone, g.email, g.whatsapp_consent, now_utc()])?;
    w.record(RecordType::Guardian, g.id, Op::Insert, g)?;
    Ok(())
}

/// Writes the fields of `new` that differ from `old`; false when nothing differed.
fn update(w: &mut Writer<'_>, old: &Guardian, new: &Guardian) -> Result<bool> {
    let changed = crate::diff::changed_fields(old, new)?;
    if changed.is_empty() {
        return Ok(false);
    }
    w.conn()
        .prepare_cached(
            "UPDATE guardians SET name = ?2, relation = ?3, phone = ?4, alt_phone = ?5, email = ?6,
                whatsapp_consent = ?7, updated_at = ?8 WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            new.id,
            new.name,
            new.relation.as_str(),
            new.phone,
            new.alt_phone,
            new.email,
            new.whatsapp_consent,
            now_utc()
        ])?;
    w.record(RecordType::Guardian, new.id, Op::Update, &changed)?;
    Ok(true)
}

/// The guardian whose mobile (or alternate) number is `e164`.
pub fn find_by_phone(store: &Store, phone: &str) -> Result<Option<Guardian>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| {
        let school = crate::school::require(c)?;
        let e164 = crate::phone::normalise("phone", phone, &school.phone_country)?;
        find_by_phone_in(c, &e164)
    })
}

fn find_by_phone_in(c: &Connection, e164: &str) -> Result<Option<Guardian>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM guardians WHERE phone = ?1 OR alt_phone = ?1 ORDER BY phone = ?1 DESC, created_at LIMIT 1"
    ))?
    .query_row([e164], from_row)
    .optional()?)
}

/// The guardian with this number who is the person named (see [`same_person`]).
fn find_person_by_phone(c: &Connection, e164: &str, name: &str) -> Result<Option<Guardian>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM guardians WHERE phone = ?1 OR alt_phone = ?1 ORDER BY created_at"
    ))?;
    let found = stmt
        .query_map([e164], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found.into_iter().find(|g| same_person(&g.name, name)))
}

const COLUMNS: &str = "id, name, relation, phone, alt_phone, email, whatsapp_consent";

pub(crate) fn load(c: &Connection, id: Id) -> Result<Option<Guardian>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM guardians WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// A student's guardians, primary first, each with their other students.
pub(crate) fn of_student(c: &Connection, student_id: Id) -> Result<Vec<LinkedGuardian>> {
    let linked: Vec<(Guardian, bool)> = c
        .prepare_cached(
            "SELECT g.id, g.name, g.relation, g.phone, g.alt_phone, g.email, g.whatsapp_consent, l.is_primary
             FROM student_guardians l JOIN guardians g ON g.id = l.guardian_id
             WHERE l.student_id = ?1 ORDER BY l.is_primary DESC, l.created_at",
        )?
        .query_map([student_id], |r| Ok((from_row(r)?, r.get(7)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut siblings_stmt = c.prepare_cached(
        "SELECT s.id, trim(s.given_name || ' ' || s.family_name), s.admission_no
         FROM student_guardians l JOIN students s ON s.id = l.student_id
         WHERE l.guardian_id = ?1 AND l.student_id <> ?2 ORDER BY s.given_name",
    )?;
    linked
        .into_iter()
        .map(|(guardian, is_primary)| {
            let siblings = siblings_stmt
                .query_map((guardian.id, student_id), |r| {
                    Ok(SiblingRef {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        admission_no: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(LinkedGuardian {
                guardian,
                is_primary,
                siblings,
            })
        })
        .collect()
}

/// Every student's guardians, primary first, in one query: exports of the whole school
/// read them with this rather than one query per student.
pub(crate) fn of_all_students(c: &Connection) -> Result<HashMap<Id, Vec<Guardian>>> {
    let mut stmt =
        c.prepare(&format!(
        "SELECT {}, l.student_id FROM student_guardians l JOIN guardians g ON g.id = l.guardian_id
         ORDER BY l.is_primary DESC, l.created_at, l.id",
        COLUMNS.split(", ").map(|col| format!("g.{col}")).collect::<Vec<_>>().join(", ")
    ))?;
    let mut out: HashMap<Id, Vec<Guardian>> = HashMap::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, Id>(7)?, from_row(r)?)))? {
        let (student_id, guardian) = row?;
        out.entry(student_id).or_default().push(guardian);
    }
    Ok(out)
}

/// The students a guardian is linked to (to reindex them when the guardian changes).
pub(crate) fn student_ids(c: &Connection, guardian_ids: &[Id]) -> Result<Vec<Id>> {
    let mut stmt =
        c.prepare_cached("SELECT student_id FROM student_guardians WHERE guardian_id = ?1")?;
    let mut out = Vec::new();
    for g in guardian_ids {
        for id in stmt.query_map([g], |r| r.get::<_, Id>(0))? {
            let id = id?;
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Guardian> {
    let relation: String = r.get(2)?;
    Ok(Guardian {
        id: r.get(0)?,
        name: r.get(1)?,
        relation: relation.parse().unwrap_or(Relation::Other),
        phone: r.get(3)?,
        alt_phone: r.get(4)?,
        email: r.get(5)?,
        whatsapp_consent: r.get(6)?,
    })
}

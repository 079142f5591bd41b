//! Classes: a grade and a section ("Grade 5 B"), with a class teacher.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::now_utc;
use crate::users::Permission;
use crate::validate::Problems;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Class {
    pub id: Id,
    pub name: String,
    pub grade: String,
    pub section: String,
    pub class_teacher: String,
}

/// A class as the class list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassSummary {
    #[serde(flatten)]
    pub class: Class,
    /// Active students in the class.
    pub student_count: u32,
}

/// A new or edited class. Give a `name` ("Grade 5 B"), or a `grade` and `section` and the
/// name is made from them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub class_teacher: String,
}

const PREFIXES: &[&str] = &["grade", "class", "std", "standard", "year", "form", "level"];

/// Splits a class name into grade and section: "Grade 5 B" → ("5", "B"), "5-B" → ("5", "B"),
/// "Nursery" → ("Nursery", "").
pub fn split_name(name: &str) -> (String, String) {
    let cleaned = crate::text::clean(&name.replace(['-', '/'], " "));
    let mut tokens: Vec<&str> = cleaned.split(' ').filter(|t| !t.is_empty()).collect();
    if tokens.len() > 1 {
        let first = tokens[0].trim_end_matches('.').to_ascii_lowercase();
        if PREFIXES.contains(&first.as_str()) {
            tokens.remove(0);
        }
    }
    if tokens.len() >= 2 {
        let last = tokens[tokens.len() - 1];
        if last.len() == 1 && last.chars().all(|c| c.is_ascii_alphabetic()) {
            let grade = tokens[..tokens.len() - 1].join(" ");
            return (grade, last.to_ascii_uppercase());
        }
    }
    // "5B": digits followed by one letter.
    if let [only] = tokens.as_slice() {
        let (digits, rest) = only.split_at(
            only.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(only.len()),
        );
        if !digits.is_empty() && rest.len() == 1 && rest.chars().all(|c| c.is_ascii_alphabetic()) {
            return (digits.to_owned(), rest.to_ascii_uppercase());
        }
    }
    (tokens.join(" "), String::new())
}

fn validate(input: &ClassInput, id: Id) -> Result<Class> {
    let mut p = Problems::default();
    let (name, grade, section) = if crate::text::clean(&input.name).is_empty() {
        let grade = p.required("grade", "The grade", &input.grade, 40);
        let section = crate::text::clean(&input.section).to_uppercase();
        p.max_len("section", "The section", &section, 10);
        let name = if section.is_empty() {
            format!("Grade {grade}")
        } else {
            format!("Grade {grade} {section}")
        };
        (name, grade, section)
    } else {
        let name = p.required("name", "The class name", &input.name, 60);
        let (g, s) = split_name(&name);
        let grade = if input.grade.trim().is_empty() {
            g
        } else {
            crate::text::clean(&input.grade)
        };
        let section = if input.section.trim().is_empty() {
            s
        } else {
            crate::text::clean(&input.section).to_uppercase()
        };
        (name, grade, section)
    };
    let class_teacher = crate::text::clean(&input.class_teacher);
    p.max_len(
        "class_teacher",
        "The class teacher's name",
        &class_teacher,
        100,
    );
    p.finish()?;
    Ok(Class {
        id,
        name,
        grade,
        section,
        class_teacher,
    })
}

pub fn create(store: &Store, input: &ClassInput) -> Result<Class> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| insert(w, input))
}

pub(crate) fn insert(w: &mut Writer<'_>, input: &ClassInput) -> Result<Class> {
    let class = validate(input, Id::new())?;
    ensure_unique_name(w.conn(), &class)?;
    w.conn().execute(
        "INSERT INTO classes (id, name, grade, section, class_teacher, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        rusqlite::params![
            class.id,
            class.name,
            class.grade,
            class.section,
            class.class_teacher,
            now_utc()
        ],
    )?;
    w.record(RecordType::Class, class.id, Op::Insert, &class)?;
    Ok(class)
}

/// Deletes a class no student is in.
pub(crate) fn delete_if_unused(w: &mut Writer<'_>, id: Id) -> Result<()> {
    let used: bool = w.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM students WHERE class_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if !used
        && w.conn()
            .execute("DELETE FROM classes WHERE id = ?1", [id])?
            > 0
    {
        w.record(RecordType::Class, id, Op::Delete, &serde_json::Value::Null)?;
    }
    Ok(())
}

pub fn update(store: &Store, id: Id, input: &ClassInput) -> Result<Class> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        let old = load(w.conn(), id)?.ok_or_else(|| Error::not_found("The class"))?;
        let new = validate(input, id)?;
        ensure_unique_name(w.conn(), &new)?;
        let changed = crate::diff::changed_fields(&old, &new)?;
        if changed.is_empty() {
            return Ok(old);
        }
        w.conn().execute(
            "UPDATE classes SET name = ?2, grade = ?3, section = ?4, class_teacher = ?5, updated_at = ?6 WHERE id = ?1",
            rusqlite::params![id, new.name, new.grade, new.section, new.class_teacher, now_utc()],
        )?;
        w.record(RecordType::Class, id, Op::Update, &changed)?;
        Ok(new)
    })
}

fn ensure_unique_name(c: &Connection, class: &Class) -> Result<()> {
    if let Some(other) = find(c, &class.name)?
        && other.id != class.id
    {
        return Err(Error::conflict(
            "name",
            format!("There is already a class called {}", other.name),
        ));
    }
    Ok(())
}

/// Every class with its count of active students, in grade then section order.
pub fn list(store: &Store) -> Result<Vec<ClassSummary>> {
    store.require(Permission::ViewStudents)?;
    store.read(list_in)
}

/// [`list`] on a connection already open (inside a read or a write).
pub(crate) fn list_in(c: &Connection) -> Result<Vec<ClassSummary>> {
    {
        let mut rows: Vec<ClassSummary> = c
            .prepare(
                "SELECT c.id, c.name, c.grade, c.section, c.class_teacher,
                        (SELECT count(*) FROM students s WHERE s.class_id = c.id AND s.status = 'active')
                 FROM classes c",
            )?
            .query_map([], |r| Ok(ClassSummary { class: from_row(r)?, student_count: r.get(5)? }))?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort_by_key(|r| sort_key(&r.class));
        Ok(rows)
    }
}

/// Orders numeric grades numerically ("Grade 2" before "Grade 10"), others by name.
fn sort_key(c: &Class) -> (u8, u32, String, String) {
    match c.grade.parse::<u32>() {
        Ok(n) => (1, n, String::new(), c.section.clone()),
        Err(_) => (0, 0, c.grade.to_lowercase(), c.section.clone()),
    }
}

/// The class with this name (case-insensitive, spacing aside).
pub fn find_by_name(store: &Store, name: &str) -> Result<Option<Class>> {
    store.require(Permission::ViewStudents)?;
    store.read(|c| find(c, name))
}

pub(crate) fn find(c: &Connection, name: &str) -> Result<Option<Class>> {
    Ok(c.query_row(
        "SELECT id, name, grade, section, class_teacher FROM classes WHERE name = ?1",
        [crate::text::clean(name)],
        from_row,
    )
    .optional()?)
}

pub(crate) fn load(c: &Connection, id: Id) -> Result<Option<Class>> {
    Ok(c.prepare_cached(
        "SELECT id, name, grade, section, class_teacher FROM classes WHERE id = ?1",
    )?
    .query_row([id], from_row)
    .optional()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Class> {
    Ok(Class {
        id: r.get(0)?,
        name: r.get(1)?,
        grade: r.get(2)?,
        section: r.get(3)?,
        class_teacher: r.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn splits_the_names_schools_use() {
        assert_eq!(split_name("Grade 5 B"), ("5".into(), "B".into()));
        assert_eq!(split_name("5-b"), ("5".into(), "B".into()));
        assert_eq!(split_name("Std. V A"), ("V".into(), "A".into()));
        assert_eq!(split_name("Nursery"), ("Nursery".into(), String::new()));
        assert_eq!(split_name("Upper KG"), ("Upper KG".into(), String::new()));
        assert_eq!(split_name("Upper KG A"), ("Upper KG".into(), "A".into()));
        assert_eq!(split_name("Class 10"), ("10".into(), String::new()));
        assert_eq!(split_name("5B"), ("5".into(), "B".into()));
    }
}

//! The dry run: what an import would do to each row, and every problem, computed against the
//! store as it is. The real run computes the same plan inside its write transaction.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::fields::Field;
use super::header;
use super::read::{Sheet, Workbook};
use super::rows::{self, ClassRef, Context, Draft};
use super::types::{
    CellProblem, ImportCounts, ImportMode, ImportOptions, ImportPreview, RowAction, RowPlan,
};
use crate::error::{Error, Result};
use crate::guardians::GuardianInput;
use crate::id::Id;
use crate::school::SchoolProfile;
use crate::students::{self, Checked, Student, StudentInput};

/// A row ready to write.
pub(crate) enum Ready {
    Insert {
        row: u32,
        checked: Checked,
        class: Option<ClassRef>,
    },
    Update {
        row: u32,
        old: Box<Student>,
        checked: Checked,
        class: Option<ClassRef>,
    },
}

pub(crate) struct Plan {
    pub(crate) preview: ImportPreview,
    pub(crate) ready: Vec<Ready>,
    /// Classes to create, by key, in the order first named.
    pub(crate) new_classes: Vec<(String, crate::classes::ClassInput)>,
    pub(crate) signature: String,
}

pub(crate) fn plan(
    c: &Connection,
    book: &Workbook,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u32, u32) -> Result<()>,
) -> Result<Plan> {
    let school = crate::school::require(c)?;
    let sheet = pick_sheet(book, options)?;
    let mut preview = ImportPreview {
        file: book.file.clone(),
        sheet: sheet.name.clone(),
        header_row: 0,
        columns: Vec::new(),
        unknown_columns: Vec::new(),
        missing_classes: Vec::new(),
        file_problems: Vec::new(),
        notes: Vec::new(),
        rows: Vec::new(),
        counts: ImportCounts::default(),
        can_import: false,
    };
    if sheet.ignored_cells > 0 {
        preview.notes.push(format!(
            "{} cell(s) beyond row {} or column {} were ignored (Rollbook reads up to {} rows and {} columns).",
            sheet.ignored_cells,
            super::MAX_ROWS,
            header::column_letter(super::MAX_COLUMNS - 1),
            super::MAX_ROWS,
            super::MAX_COLUMNS
        ));
    }
    let header_row = match options.header_row {
        Some(r) if r >= 1 => Some(r as usize - 1),
        _ => header::find_header_row(sheet),
    };
    let Some(header_row) = header_row.filter(|r| *r < sheet.rows.len()) else {
        preview.file_problems.push(format!(
            "No header row was found in \"{}\": none of its first rows has headers Rollbook knows, such as \
             Admission No, Student Name, Class or Mobile. Check the sheet, or choose the header row.",
            sheet.name
        ));
        return Ok(Plan {
            preview,
            ready: Vec::new(),
            new_classes: Vec::new(),
            signature: String::new(),
        });
    };
    preview.header_row = u32::try_from(header_row + 1).unwrap_or(u32::MAX);
    let signature = header::signature(sheet, header_row);
    let remembered = super::history::remembered_mapping(c, &signature)?;
    preview.columns = header::map_columns(
        sheet,
        header_row,
        options.mapping.as_deref(),
        remembered.as_ref(),
    );
    preview.unknown_columns = preview
        .columns
        .iter()
        .filter(|c| c.field.is_none() && c.detected.is_none() && !c.header.is_empty())
        .map(|c| format!("{} ({})", c.header, c.letter))
        .collect();
    let has = |f: Field| preview.columns.iter().any(|c| c.field == Some(f));
    if !has(Field::AdmissionNo) && !has(Field::RollNo) {
        preview.file_problems.push("No column holds the admission number (a header such as Adm No, Admission Number or Reg No).".into());
    }
    if !has(Field::FullName) && !has(Field::GivenName) {
        preview.file_problems.push("No column holds the student's name (a header such as Student Name, Name or First Name).".into());
    }
    if !preview.file_problems.is_empty() {
        return Ok(Plan {
            preview,
            ready: Vec::new(),
            new_classes: Vec::new(),
            signature,
        });
    }

    let classes = class_keys(c)?;
    let cx = Context {
        school: &school,
        classes: &classes,
        today: crate::time::today(),
    };
    let drafts = rows::read_rows(sheet, header_row, &preview.columns, &cx, &mut preview.notes);
    let existing = existing_students(c)?;
    let total = u32::try_from(drafts.len()).unwrap_or(u32::MAX);
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut ready = Vec::new();
    let mut new_classes: Vec<(String, crate::classes::ClassInput)> = Vec::new();
    let mut missing_names: Vec<String> = Vec::new();
    for (i, draft) in drafts.into_iter().enumerate() {
        if i % 1000 == 0 {
            progress(u32::try_from(i).unwrap_or(u32::MAX), total)?;
        }
        let (plan_row, ready_row) =
            plan_row(c, draft, options.mode, &school, &existing, &mut seen)?;
        match plan_row.action {
            RowAction::Insert => preview.counts.insert += 1,
            RowAction::Update => preview.counts.update += 1,
            RowAction::Unchanged => preview.counts.unchanged += 1,
            RowAction::Error => preview.counts.error += 1,
        }
        if let Some(r) = ready_row {
            if let Some(ClassRef::Missing { key, input, name }) = match &r {
                Ready::Insert { class, .. } | Ready::Update { class, .. } => class,
            } && !new_classes.iter().any(|(k, _)| k == key)
            {
                new_classes.push((key.clone(), input.clone()));
                missing_names.push(name.clone());
            }
            ready.push(r);
        }
        preview.rows.push(plan_row);
    }
    progress(total, total)?;
    let headers: HashMap<&str, &str> = preview
        .columns
        .iter()
        .map(|c| (c.letter.as_str(), c.header.as_str()))
        .collect();
    let mut rows = std::mem::take(&mut preview.rows);
    for p in rows.iter_mut().flat_map(|r| r.problems.iter_mut()) {
        if p.header.is_none() {
            p.header = p
                .column
                .as_deref()
                .and_then(|l| headers.get(l))
                .map(|h| (*h).to_owned());
        }
    }
    preview.rows = rows;
    preview.counts.rows = total;
    preview.missing_classes = missing_names;
    preview.can_import = (preview.counts.insert + preview.counts.update > 0)
        && (preview.counts.error == 0 || options.skip_bad_rows)
        && (preview.missing_classes.is_empty() || options.create_classes);
    Ok(Plan {
        preview,
        ready,
        new_classes,
        signature,
    })
}

fn pick_sheet<'b>(book: &'b Workbook, options: &ImportOptions) -> Result<&'b Sheet> {
    match &options.sheet {
        Some(name) => book.sheets.iter().find(|s| &s.name == name).ok_or_else(|| {
            Error::validation("sheet", format!("The file has no sheet called \"{name}\""))
        }),
        None => book
            .sheets
            .iter()
            .find(|s| header::find_header_row(s).is_some())
            .or_else(|| book.sheets.iter().find(|s| !s.rows.is_empty()))
            .or(book.sheets.first())
            .ok_or_else(|| Error::validation("sheet", "The file has no sheets")),
    }
}

fn class_keys(c: &Connection) -> Result<HashMap<String, (Id, String)>> {
    let mut stmt = c.prepare("SELECT id, name, grade, section FROM classes")?;
    let rows = stmt.query_map([], |r| {
        let (id, name, grade, section): (Id, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        Ok((rows::class_key(&grade, &section), (id, name)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Existing students by lowercased admission number.
fn existing_students(c: &Connection) -> Result<HashMap<String, Id>> {
    let mut stmt = c.prepare("SELECT lower(admission_no), id FROM students")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn plan_row(
    c: &Connection,
    mut draft: Draft,
    mode: ImportMode,
    school: &SchoolProfile,
    existing: &HashMap<String, Id>,
    seen: &mut HashMap<String, u32>,
) -> Result<(RowPlan, Option<Ready>)> {
    let key = draft.input.admission_no.trim().to_lowercase();
    if !key.is_empty() {
        match seen.get(&key) {
            Some(first) => draft.problems.push(problem_at(
                &draft,
                "admission_no",
                format!(
                    "Admission number {} is also in row {first}",
                    draft.input.admission_no
                ),
            )),
            None => {
                seen.insert(key.clone(), draft.row);
            }
        }
    }
    let old = match existing.get(&key) {
        Some(id) => Some(students::get_in(c, *id)?),
        None => None,
    };
    match (&old, mode) {
        (Some(d), ImportMode::Insert) => draft.problems.push(problem_at(&draft, "admission_no", format!(
            "Admission number {} already belongs to {} (choose \"Add and update\" to update existing students)",
            draft.input.admission_no,
            d.student.full_name()
        ))),
        (None, ImportMode::Update) if !key.is_empty() => draft.problems.push(problem_at(&draft, "admission_no", format!(
            "No student has admission number {} (choose \"Add and update\" to add new students)",
            draft.input.admission_no
        ))),
        _ => {}
    }
    let merged;
    let input = match &old {
        Some(d) => {
            merged = merge(d, &draft);
            &merged
        }
        None => &draft.input,
    };
    let id = old.as_ref().map(|d| d.student.id).unwrap_or_default();
    let checked = match students::check(input, id, &school.phone_country, crate::time::today()) {
        Ok(ch) => Some(ch),
        Err(e) => {
            for d in e.details.iter() {
                if !draft.problems.iter().any(|p| p.message == d.message) {
                    draft
                        .problems
                        .push(problem_at(&draft, &d.field, d.message.clone()));
                }
            }
            if e.details.is_empty() {
                draft.problems.push(problem_at(
                    &draft,
                    e.field.as_deref().unwrap_or(""),
                    e.message,
                ));
            }
            None
        }
    };
    let class_name = match &draft.class {
        Some(ClassRef::Existing { name, .. } | ClassRef::Missing { name, .. }) => {
            Some(name.clone())
        }
        None => None,
    };
    let mut plan = RowPlan {
        row: draft.row,
        action: RowAction::Error,
        admission_no: draft.input.admission_no.clone(),
        name: crate::text::clean(&format!(
            "{} {}",
            draft.input.given_name, draft.input.family_name
        )),
        class_name,
        changes: Vec::new(),
        problems: draft.problems.clone(),
    };
    let (Some(checked), true) = (checked, draft.problems.is_empty()) else {
        return Ok((plan, None));
    };
    let ready = match old {
        None => {
            plan.action = RowAction::Insert;
            Ready::Insert {
                row: draft.row,
                checked,
                class: draft.class,
            }
        }
        Some(d) => {
            let mut changes: Vec<String> = crate::diff::changed_fields(&d.student, &checked.0)?
                .keys()
                .cloned()
                .collect();
            // A class still to be created changes the class too.
            if matches!(draft.class, Some(ClassRef::Missing { .. }))
                && !changes.contains(&"class_id".to_owned())
            {
                changes.push("class_id".into());
            }
            if checked.1.iter().any(|(_, had_id)| !had_id) {
                changes.push("guardians".into());
            }
            plan.changes = changes;
            if plan.changes.is_empty() {
                plan.action = RowAction::Unchanged;
                return Ok((plan, None));
            }
            plan.action = RowAction::Update;
            Ready::Update {
                row: draft.row,
                old: Box::new(d.student),
                checked,
                class: draft.class,
            }
        }
    };
    Ok((plan, Some(ready)))
}

/// The existing student's form with what the row gives laid over it. Empty cells change
/// nothing, and guardians are only ever added (matched by phone or name), never removed.
fn merge(existing: &students::StudentDetail, draft: &Draft) -> StudentInput {
    let s = &existing.student;
    let given = |f: &str| draft.given.contains(&f);
    let new = &draft.input;
    let mut guardians: Vec<GuardianInput> = existing
        .guardians
        .iter()
        .map(|g| GuardianInput {
            id: Some(g.guardian.id),
            name: g.guardian.name.clone(),
            relation: g.guardian.relation,
            phone: g.guardian.phone.clone().unwrap_or_default(),
            alt_phone: g.guardian.alt_phone.clone().unwrap_or_default(),
            email: g.guardian.email.clone().unwrap_or_default(),
            whatsapp_consent: g.guardian.whatsapp_consent,
        })
        .collect();
    let known: HashSet<String> = guardians
        .iter()
        .flat_map(|g| [digits(&g.phone), digits(&g.alt_phone)])
        .filter(|d| !d.is_empty())
        .collect();
    let names: HashSet<String> = guardians
        .iter()
        .map(|g| crate::text::fold(&g.name))
        .collect();
    for g in &new.guardians {
        let d = digits(&g.phone);
        let same_phone = !d.is_empty()
            && known
                .iter()
                .any(|k| k.ends_with(&d) || d.ends_with(k.as_str()));
        let same_name = d.is_empty() && names.contains(&crate::text::fold(&g.name));
        if !same_phone && !same_name {
            guardians.push(g.clone());
        }
    }
    StudentInput {
        admission_no: s.admission_no.clone(),
        given_name: if given("given_name") {
            new.given_name.clone()
        } else {
            s.given_name.clone()
        },
        family_name: if given("family_name") {
            new.family_name.clone()
        } else {
            s.family_name.clone()
        },
        dob: if given("dob") {
            new.dob.clone()
        } else {
            s.dob.map(|d| d.to_string()).unwrap_or_default()
        },
        gender: if given("gender") {
            new.gender
        } else {
            s.gender
        },
        class_id: if given("class_id") {
            new.class_id
        } else {
            s.class_id
        },
        status: if given("status") {
            new.status
        } else {
            s.status
        },
        admission_date: if given("admission_date") {
            new.admission_date.clone()
        } else {
            s.admission_date.map(|d| d.to_string()).unwrap_or_default()
        },
        guardians,
    }
}

fn digits(t: &str) -> String {
    t.chars().filter(char::is_ascii_digit).collect()
}

fn problem_at(draft: &Draft, field: &str, message: String) -> CellProblem {
    let col = draft.source(field);
    CellProblem {
        row: draft.row,
        column: col.map(header::column_letter),
        header: None,
        message,
    }
}

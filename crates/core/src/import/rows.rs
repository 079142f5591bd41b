//! Turning sheet rows into student forms. Each value is read the way people write it, and
//! each problem is tied to its row and column, as Excel shows them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::fields::Field;
use super::header::column_letter;
use super::read::{Cell, Sheet};
use super::types::{CellProblem, ColumnMapping};
use super::values;
use crate::classes::ClassInput;
use crate::guardians::{GuardianInput, Relation};
use crate::id::Id;
use crate::school::SchoolProfile;
use crate::students::{Gender, StudentInput, StudentStatus};

/// A class named in the file, matched to an existing class or to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ClassRef {
    Existing {
        id: Id,
        name: String,
    },
    Missing {
        key: String,
        input: ClassInput,
        name: String,
    },
}

/// One row, read.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    /// 1-based, as Excel shows it.
    pub(crate) row: u32,
    pub(crate) input: StudentInput,
    pub(crate) class: Option<ClassRef>,
    /// The fields the row gave a value for (an update changes only these).
    pub(crate) given: Vec<&'static str>,
    /// Which column each input field came from (`dob`, `guardians[1].phone`, ...): see
    /// [`Draft::source`].
    sources: Vec<(Source, u32)>,
    pub(crate) problems: Vec<CellProblem>,
}

/// An input field a column fed: `dob`, or `phone` of the guardian at an index (named
/// `guardians[1].phone`). Kept as parts, not as a formatted name: a row's sources are only
/// looked up when the row has a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Student(&'static str),
    Guardian(usize, &'static str),
}

impl Source {
    fn is(self, field: &str) -> bool {
        match self {
            Source::Student(name) => field == name,
            Source::Guardian(n, name) => field
                .strip_prefix("guardians[")
                .and_then(|rest| rest.split_once("]."))
                .is_some_and(|(i, rest)| rest == name && i == n.to_string()),
        }
    }
}

impl Draft {
    /// The column the input field `field` (`dob`, `guardians[1].phone`, ...) came from.
    pub(crate) fn source(&self, field: &str) -> Option<u32> {
        self.sources
            .iter()
            .find(|(s, _)| s.is(field))
            .map(|(_, col)| *col)
    }
}

/// Which column holds each field, and its header.
struct Columns([Option<(u32, String)>; Field::ALL.len()]);

impl Columns {
    fn new(columns: &[ColumnMapping]) -> Columns {
        let mut by_field = Columns(std::array::from_fn(|_| None));
        for c in columns {
            if let Some(f) = c.field {
                by_field.0[f as usize] = Some((c.column, c.header.clone()));
            }
        }
        by_field
    }

    fn get(&self, f: Field) -> Option<&(u32, String)> {
        self.0[f as usize].as_ref()
    }

    fn has(&self, f: Field) -> bool {
        self.0[f as usize].is_some()
    }
}

/// What `read_rows` needs to know about the school and its classes.
pub(crate) struct Context<'a> {
    pub(crate) school: &'a SchoolProfile,
    /// Existing classes by [`class_key`].
    pub(crate) classes: &'a HashMap<String, (Id, String)>,
    pub(crate) today: NaiveDate,
}

/// The key that makes "5-B", "V B", "Grade 5 B" and "grade 5b" one class.
pub(crate) fn class_key(grade: &str, section: &str) -> String {
    format!(
        "{}|{}",
        values::grade_key(grade),
        section.trim().to_ascii_lowercase()
    )
}

/// Every data row below the header, read. Blank rows, and a totals row at the end, are left
/// out (the second is said in `notes`).
pub(crate) fn read_rows(
    sheet: &Sheet,
    header_row: usize,
    columns: &[ColumnMapping],
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Vec<Draft> {
    let mut by_field = Columns::new(columns);
    // A roll number is the admission number when the file has no better column.
    if !by_field.has(Field::AdmissionNo)
        && let Some(roll) = by_field.0[Field::RollNo as usize].take()
    {
        by_field.0[Field::AdmissionNo as usize] = Some(roll);
    }
    let mut drafts = Vec::new();
    for (i, row) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let rownum = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let get = |f: Field| {
            by_field
                .get(f)
                .map(|(c, _)| sheet.cell(i, *c as usize))
                .filter(|c| !c.is_empty())
        };
        let name = get(Field::FullName)
            .or_else(|| get(Field::GivenName))
            .map(Cell::text)
            .unwrap_or_default();
        let no_name = name.is_empty()
            || name
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '.');
        if (no_name || get(Field::AdmissionNo).is_none()) && is_totals_row(row) {
            notes.push(format!(
                "Row {rownum} looks like a totals row and was left out."
            ));
            continue;
        }
        drafts.push(read_row(rownum, &get, &by_field, cx));
    }
    drafts
}

fn is_totals_row(row: &[Cell]) -> bool {
    row.iter().find(|c| !c.is_empty()).is_some_and(|c| {
        let t = c.text().to_ascii_lowercase();
        t.starts_with("total") || t.starts_with("grand total") || t == "sum"
    })
}

struct RowReader<'a> {
    row: u32,
    by_field: &'a Columns,
    problems: Vec<CellProblem>,
    sources: Vec<(Source, u32)>,
    given: Vec<&'static str>,
}

impl RowReader<'_> {
    fn problem(&mut self, field: Field, message: String) {
        let (col, header) = self.by_field.get(field).cloned().unzip();
        self.problems.push(CellProblem {
            row: self.row,
            column: col.map(column_letter),
            header,
            message,
        });
    }

    /// Notes that `input_field` comes from `field`'s column (a later note for the same input
    /// field replaces an earlier one).
    fn source(&mut self, input_field: Source, field: Field) {
        if let Some((col, _)) = self.by_field.get(field) {
            match self.sources.iter_mut().find(|(s, _)| *s == input_field) {
                Some((_, c)) => *c = *col,
                None => self.sources.push((input_field, *col)),
            }
        }
    }
}

fn read_row<'c>(
    row: u32,
    get: &dyn Fn(Field) -> Option<&'c Cell>,
    by_field: &Columns,
    cx: &Context<'_>,
) -> Draft {
    let mut r = RowReader {
        row,
        by_field,
        problems: Vec::new(),
        sources: Vec::with_capacity(16),
        given: Vec::with_capacity(8),
    };
    let text = |f: Field| get(f).map(Cell::text).unwrap_or_default();
    let mut input = StudentInput {
        admission_no: text(Field::AdmissionNo),
        ..Default::default()
    };
    r.source(Source::Student("admission_no"), Field::AdmissionNo);
    if input.admission_no.is_empty() {
        r.problem(Field::AdmissionNo, "The admission number is missing".into());
    }

    // Names: separate columns win over a full name.
    let (mut given, mut family) = (text(Field::GivenName), text(Field::FamilyName));
    if given.is_empty() && !text(Field::FullName).is_empty() {
        let (g, f) = values::split_full_name(&text(Field::FullName));
        given = g;
        if family.is_empty() {
            family = f;
        }
        r.source(Source::Student("given_name"), Field::FullName);
        r.source(Source::Student("family_name"), Field::FullName);
    } else {
        r.source(Source::Student("given_name"), Field::GivenName);
        r.source(Source::Student("family_name"), Field::FamilyName);
    }
    if given.is_empty() {
        let field = if by_field.has(Field::GivenName) {
            Field::GivenName
        } else {
            Field::FullName
        };
        r.problem(field, "The student's name is missing".into());
    } else {
        r.given.push("given_name");
    }
    if !family.is_empty() {
        r.given.push("family_name");
    }
    input.given_name = given;
    input.family_name = family;

    for (field, name) in [
        (Field::Dob, "dob"),
        (Field::AdmissionDate, "admission_date"),
    ] {
        r.source(Source::Student(name), field);
        if let Some(cell) = get(field) {
            match values::date(cell, cx.school.date_order, cx.today) {
                Ok(d) => {
                    if name == "dob" {
                        input.dob = d.to_string()
                    } else {
                        input.admission_date = d.to_string()
                    }
                    r.given.push(name);
                }
                Err(e) => r.problem(field, e),
            }
        }
    }
    if let Some(cell) = get(Field::Gender) {
        r.source(Source::Student("gender"), Field::Gender);
        match cell.text().parse::<Gender>() {
            Ok(g) => {
                input.gender = Some(g);
                r.given.push("gender");
            }
            Err(_) => r.problem(
                Field::Gender,
                format!(
                    "\"{}\" is not a gender (M, F, Male, Female, Boy, Girl or Other)",
                    cell.text()
                ),
            ),
        }
    }
    if let Some(cell) = get(Field::Status) {
        r.source(Source::Student("status"), Field::Status);
        match cell.text().parse::<StudentStatus>() {
            Ok(s) => {
                input.status = s;
                r.given.push("status");
            }
            Err(_) => r.problem(
                Field::Status,
                format!(
                    "\"{}\" is not a status (Active, Left or Graduated)",
                    cell.text()
                ),
            ),
        }
    }

    let class = read_class(&mut r, &text, cx);
    if let Some(ClassRef::Existing { id, .. }) = &class {
        input.class_id = Some(*id);
    }
    if class.is_some() {
        r.given.push("class_id");
    }

    input.guardians = read_guardians(&mut r, &text, &input.given_name);
    if !input.guardians.is_empty() {
        r.given.push("guardians");
    }
    Draft {
        row,
        input,
        class,
        given: r.given,
        sources: r.sources,
        problems: r.problems,
    }
}

fn read_class(
    r: &mut RowReader<'_>,
    text: &dyn Fn(Field) -> String,
    cx: &Context<'_>,
) -> Option<ClassRef> {
    let (written, grade, section, field) = match (text(Field::Class), text(Field::Grade)) {
        (c, _) if !c.is_empty() => {
            let (g, s) = crate::classes::split_name(&c);
            let s = if s.is_empty() {
                text(Field::Section).to_uppercase()
            } else {
                s
            };
            (c, g, s, Field::Class)
        }
        (_, g) if !g.is_empty() => {
            let s = text(Field::Section).to_uppercase();
            (
                format!("{g} {s}"),
                crate::classes::split_name(&g).0,
                s,
                Field::Grade,
            )
        }
        _ => return None,
    };
    r.source(Source::Student("class_id"), field);
    if grade.is_empty() {
        r.problem(field, format!("\"{written}\" is not a class"));
        return None;
    }
    let key = class_key(&grade, &section);
    Some(match cx.classes.get(&key) {
        Some((id, name)) => ClassRef::Existing {
            id: *id,
            name: name.clone(),
        },
        None => {
            let input = ClassInput {
                grade: values::grade_display(&grade),
                section: section.clone(),
                ..Default::default()
            };
            let name = if section.is_empty() {
                format!("Grade {}", input.grade)
            } else {
                format!("Grade {} {}", input.grade, section)
            };
            ClassRef::Missing { key, input, name }
        }
    })
}

/// Guardians in order: the guardian columns, then father, mother, a second guardian. A
/// phone with no name of its own goes to the first parent named without a phone.
fn read_guardians(
    r: &mut RowReader<'_>,
    text: &dyn Fn(Field) -> String,
    student: &str,
) -> Vec<GuardianInput> {
    struct G {
        input: GuardianInput,
        fields: [Option<Field>; 5],
    }
    let split_phones = |t: String| -> (String, String) {
        let mut parts = t
            .split(['/', ',', ';', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty());
        (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        )
    };
    let (main_phone, main_alt) = split_phones(text(Field::GuardianPhone));
    let consent = text(Field::WhatsappConsent);
    let whatsapp = match values::yes_no(&consent) {
        Some(b) => b,
        None => {
            r.problem(
                Field::WhatsappConsent,
                format!("\"{consent}\" is not yes or no"),
            );
            false
        }
    };
    let relation_of = |r: &mut RowReader<'_>, f: Field, default: Relation| {
        match text(f) {
        t if t.is_empty() => default,
        t => t.parse().unwrap_or_else(|_| {
            r.problem(f, format!("\"{t}\" is not a relation (Father, Mother, Guardian, Grandparent, Sibling or Other)"));
            default
        }),
    }
    };
    let main_relation = relation_of(r, Field::GuardianRelation, Relation::Guardian);
    let g2_relation = relation_of(r, Field::Guardian2Relation, Relation::Guardian);
    let alt = if text(Field::GuardianAltPhone).is_empty() {
        main_alt
    } else {
        text(Field::GuardianAltPhone)
    };
    let mut list = vec![
        G {
            input: GuardianInput {
                name: text(Field::GuardianName),
                relation: main_relation,
                phone: main_phone,
                alt_phone: alt,
                email: text(Field::GuardianEmail),
                whatsapp_consent: whatsapp,
                ..Default::default()
            },
            fields: [
                Some(Field::GuardianName),
                Some(Field::GuardianPhone),
                Some(Field::GuardianAltPhone),
                Some(Field::GuardianEmail),
                Some(Field::WhatsappConsent),
            ],
        },
        G {
            input: GuardianInput {
                name: text(Field::FatherName),
                relation: Relation::Father,
                phone: split_phones(text(Field::FatherPhone)).0,
                ..Default::default()
            },
            fields: [
                Some(Field::FatherName),
                Some(Field::FatherPhone),
                None,
                None,
                None,
            ],
        },
        G {
            input: GuardianInput {
                name: text(Field::MotherName),
                relation: Relation::Mother,
                phone: split_phones(text(Field::MotherPhone)).0,
                ..Default::default()
            },
            fields: [
                Some(Field::MotherName),
                Some(Field::MotherPhone),
                None,
                None,
                None,
            ],
        },
        G {
            input: GuardianInput {
                name: text(Field::Guardian2Name),
                relation: g2_relation,
                phone: split_phones(text(Field::Guardian2Phone)).0,
                ..Default::default()
            },
            fields: [
                Some(Field::Guardian2Name),
                Some(Field::Guardian2Phone),
                None,
                None,
                None,
            ],
        },
    ];
    // The main guardian columns with no name: their number (or email) belongs to a parent
    // named without one, or to an unnamed guardian.
    let main = &list[0].input;
    if main.name.is_empty()
        && !(main.phone.is_empty() && main.alt_phone.is_empty() && main.email.is_empty())
    {
        if let Some(i) =
            (1..3).find(|&i| !list[i].input.name.is_empty() && list[i].input.phone.is_empty())
        {
            let main = list[0].input.clone();
            let parent = &mut list[i];
            parent.input.phone = main.phone;
            parent.input.alt_phone = main.alt_phone;
            parent.input.email = main.email;
            parent.input.whatsapp_consent = main.whatsapp_consent;
            parent.fields = [
                parent.fields[0],
                Some(Field::GuardianPhone),
                Some(Field::GuardianAltPhone),
                Some(Field::GuardianEmail),
                Some(Field::WhatsappConsent),
            ];
            list[0].input = GuardianInput::default();
        } else {
            list[0].input.name = format!("Guardian of {student}");
        }
    }
    // The same person named twice (as guardian and as father, say) is one guardian.
    if !list[0].input.name.is_empty() {
        for i in 1..3 {
            if crate::text::fold(&list[i].input.name) == crate::text::fold(&list[0].input.name) {
                if list[0].input.phone.is_empty() {
                    list[0].input.phone = list[i].input.phone.clone();
                }
                if list[0].input.relation == Relation::Guardian {
                    list[0].input.relation = list[i].input.relation;
                }
                list[i].input = GuardianInput::default();
            }
        }
    }
    let mut out = Vec::new();
    for g in list {
        let i = &g.input;
        if i.name.is_empty() && i.phone.is_empty() && i.alt_phone.is_empty() && i.email.is_empty() {
            continue;
        }
        let n = out.len();
        for (name, f) in ["name", "phone", "alt_phone", "email", "whatsapp_consent"]
            .into_iter()
            .zip(g.fields)
        {
            if let Some(f) = f {
                r.source(Source::Guardian(n, name), f);
            }
        }
        out.push(g.input);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_its_own_column_slot() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(f as usize, i, "{f:?}");
        }
    }

    #[test]
    fn sources_are_found_by_the_input_fields_name() {
        let draft = Draft {
            row: 2,
            input: StudentInput::default(),
            class: None,
            given: Vec::new(),
            sources: vec![
                (Source::Student("dob"), 4),
                (Source::Guardian(0, "phone"), 8),
                (Source::Guardian(1, "name"), 7),
                (Source::Guardian(10, "alt_phone"), 9),
            ],
            problems: Vec::new(),
        };
        assert_eq!(draft.source("dob"), Some(4));
        assert_eq!(draft.source("guardians[0].phone"), Some(8));
        assert_eq!(draft.source("guardians[1].name"), Some(7));
        assert_eq!(draft.source("guardians[10].alt_phone"), Some(9));
        for missing in [
            "admission_no",
            "guardians[0].name",
            "guardians[1].phone",
            "guardians[1]",
            "guardians[01].name",
            "guardians[+1].name",
            "guardians[].phone",
            "guardians[0].phone.x",
            "phone",
        ] {
            assert_eq!(draft.source(missing), None, "{missing}");
        }
    }
}

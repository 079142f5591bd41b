//! The student register: every student, whatever their status, with their guardians, in the
//! import's own columns (`Field::REGISTER`) so the file re-imports as it is.

use rust_xlsxwriter::Workbook;

use super::Export;
use super::sheet::{Cell, Formats, Preamble, Table, date_text, school_today, xlsx_error};
use super::words::{gender_word, relation_word, status_word, yes_no};
use crate::error::Result;
use crate::guardians::{self, Guardian, Relation};
use crate::import::fields::Field;
use crate::store::Store;
use crate::students::{self, Student};
use crate::users::Permission;

/// The sheet's name; the import template's data sheet has the same one.
pub(crate) const SHEET: &str = "Students";

/// Every student with their guardians as `.xlsx` bytes.
pub fn student_register(store: &Store) -> Result<Vec<u8>> {
    student_register_export(store).map(|e| e.bytes)
}

/// [`student_register`], with the sheet name and the number of students written.
pub fn student_register_export(store: &Store) -> Result<Export> {
    store.require(Permission::Export)?;
    // Two queries for the whole school, in one snapshot.
    let (school, students, guardians) = store.read(|c| {
        Ok((
            crate::school::require(c)?,
            students::all_with_class(c)?,
            guardians::of_all_students(c)?,
        ))
    })?;
    let formats = Formats::for_school(school.date_order);
    let title = format!(
        "Student register, made {}",
        date_text(school.date_order, school_today(&school))
    );
    let headers: Vec<&str> = Field::REGISTER.iter().map(|f| f.header()).collect();

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).map_err(xlsx_error)?;
    let preamble = Preamble {
        heading: &school.name,
        title: &title,
    };
    let mut table = Table::start(ws, &formats, Some(preamble), &headers)?;
    let none = Vec::new();
    let mut cells = Vec::with_capacity(Field::REGISTER.len());
    for (student, class) in &students {
        let record = Record {
            student,
            class: class.as_deref(),
            guardians: guardians.get(&student.id).unwrap_or(&none),
        };
        cells.clear();
        cells.extend(Field::REGISTER.iter().map(|f| record.cell(*f)));
        table.row(&cells)?;
    }
    let rows = table.finish()?;
    let export = Export {
        bytes: wb.save_to_buffer().map_err(xlsx_error)?,
        sheets: vec![SHEET.to_owned()],
        rows,
    };
    super::logged(store, &format!("Student register: {rows} students"), export)
}

/// One student as the register sees them: guardians primary first.
pub(crate) struct Record<'a> {
    pub student: &'a Student,
    pub class: Option<&'a str>,
    pub guardians: &'a [Guardian],
}

impl<'a> Record<'a> {
    /// The cell for `field`. Every column the import knows has an answer here, so adding
    /// one to `Field::REGISTER` is all it takes to export it.
    pub(crate) fn cell(&self, field: Field) -> Cell<'a> {
        let s = self.student;
        let primary = self.guardians.first();
        let second = self.guardians.get(1);
        let by_relation = |r: Relation| self.guardians.iter().find(|g| g.relation == r);
        let class_part = |second_part: bool| {
            self.class.map_or(Cell::Empty, |c| {
                let (grade, section) = crate::classes::split_name(c);
                Cell::text(if second_part { section } else { grade })
            })
        };
        match field {
            Field::AdmissionNo => Cell::text(s.admission_no.as_str()),
            // Rollbook keeps no roll numbers; the admission number is the key.
            Field::RollNo => Cell::Empty,
            Field::FullName => Cell::text(s.full_name()),
            Field::GivenName => Cell::text(s.given_name.as_str()),
            Field::FamilyName => Cell::text(s.family_name.as_str()),
            Field::Class => Cell::opt_text(self.class),
            Field::Grade => class_part(false),
            Field::Section => class_part(true),
            Field::Dob => Cell::opt_date(s.dob),
            Field::Gender => s.gender.map_or(Cell::Empty, |g| Cell::text(gender_word(g))),
            Field::AdmissionDate => Cell::opt_date(s.admission_date),
            Field::Status => Cell::text(status_word(s.status)),
            Field::GuardianName => name(primary),
            Field::GuardianRelation => relation(primary),
            Field::GuardianPhone => phone(primary),
            Field::GuardianAltPhone => Cell::opt_text(primary.and_then(|g| g.alt_phone.as_deref())),
            Field::GuardianEmail => Cell::opt_text(primary.and_then(|g| g.email.as_deref())),
            Field::WhatsappConsent => {
                primary.map_or(Cell::Empty, |g| Cell::text(yes_no(g.whatsapp_consent)))
            }
            Field::FatherName => name(by_relation(Relation::Father)),
            Field::FatherPhone => phone(by_relation(Relation::Father)),
            Field::MotherName => name(by_relation(Relation::Mother)),
            Field::MotherPhone => phone(by_relation(Relation::Mother)),
            Field::Guardian2Name => name(second),
            Field::Guardian2Relation => relation(second),
            Field::Guardian2Phone => phone(second),
        }
    }
}

fn name(g: Option<&Guardian>) -> Cell<'_> {
    Cell::opt_text(g.map(|g| g.name.as_str()))
}

fn relation(g: Option<&Guardian>) -> Cell<'_> {
    g.map_or(Cell::Empty, |g| Cell::text(relation_word(g.relation)))
}

/// E.164, written as text: a number cell would lose the `+` and any leading zero.
fn phone(g: Option<&Guardian>) -> Cell<'_> {
    Cell::opt_text(g.and_then(|g| g.phone.as_deref()))
}

//! Class rolls: the list a class teacher takes the register from and the office prints, one
//! sheet per class.

use std::collections::HashMap;

use rust_xlsxwriter::Workbook;

use super::Export;
use super::sheet::{
    Cell, Formats, Preamble, SheetNames, Table, date_text, school_today, xlsx_error,
};
use super::words::gender_word;
use crate::classes::{self, Class};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::import::fields::Field;
use crate::store::Store;
use crate::students::{self, StudentFilter, StudentRow, StudentStatus};
use crate::users::Permission;

/// The roll's columns. The headers are the import's own, so a roll re-imports too.
fn headers() -> [&'static str; 7] {
    [
        "No.",
        Field::AdmissionNo.header(),
        Field::FullName.header(),
        Field::Gender.header(),
        Field::Dob.header(),
        Field::GuardianName.header(),
        Field::GuardianPhone.header(),
    ]
}

/// The roll of one class, or with `None` of every class (in grade order), one sheet each,
/// as `.xlsx` bytes. Active students only, in name order; a student in no class is on no roll.
pub fn class_roll(store: &Store, class_id: Option<Id>) -> Result<Vec<u8>> {
    class_roll_export(store, class_id).map(|e| e.bytes)
}

/// [`class_roll`], with the sheet names and the number of students written.
pub fn class_roll_export(store: &Store, class_id: Option<Id>) -> Result<Export> {
    store.require(Permission::Export)?;
    let school = store.read(crate::school::require)?;
    let classes: Vec<Class> = match class_id {
        Some(id) => vec![
            store
                .read(|c| classes::load(c, id))?
                .ok_or_else(|| Error::not_found("The class"))?,
        ],
        None => classes::list(store)?.into_iter().map(|s| s.class).collect(),
    };
    if classes.is_empty() {
        return Err(Error::validation(
            "class",
            "There are no classes yet, so there is no class roll to export",
        ));
    }
    // One query for every class's students, grouped here, rather than one per class.
    let mut by_class: HashMap<Id, Vec<StudentRow>> = HashMap::new();
    let filter = StudentFilter {
        class_id,
        status: Some(StudentStatus::Active),
    };
    for s in students::list(store, &filter)? {
        if let Some(cid) = s.class_id {
            by_class.entry(cid).or_default().push(s);
        }
    }

    let formats = Formats::for_school(school.date_order);
    let made = date_text(school.date_order, school_today(&school));
    let mut wb = Workbook::new();
    let mut names = SheetNames::default();
    let mut export = Export {
        bytes: Vec::new(),
        sheets: Vec::new(),
        rows: 0,
    };
    for class in &classes {
        let name = names.unique(&class.name);
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(xlsx_error)?;
        let title = title(class, &made);
        let preamble = Preamble {
            heading: &school.name,
            title: &title,
        };
        let mut table = Table::start(ws, &formats, Some(preamble), &headers())?;
        let empty = Vec::new();
        for (n, s) in (1u32..).zip(by_class.get(&class.id).unwrap_or(&empty)) {
            let full_name = crate::text::clean(&format!("{} {}", s.given_name, s.family_name));
            table.row(&[
                Cell::Number(f64::from(n)),
                Cell::text(s.admission_no.as_str()),
                Cell::text(full_name),
                s.gender.map_or(Cell::Empty, |g| Cell::text(gender_word(g))),
                Cell::opt_date(s.dob),
                Cell::opt_text(s.guardian_name.as_deref()),
                Cell::opt_text(s.guardian_phone.as_deref()),
            ])?;
        }
        export.rows += table.finish()?;
        export.sheets.push(name);
    }
    export.bytes = wb.save_to_buffer().map_err(xlsx_error)?;
    let what = format!("Class roll: {}", export.sheets.join(", "));
    super::logged(store, &what, export)
}

fn title(class: &Class, made: &str) -> String {
    match class.class_teacher.as_str() {
        "" => format!("Class roll: {}, made {made}", class.name),
        teacher => format!(
            "Class roll: {} (class teacher {teacher}), made {made}",
            class.name
        ),
    }
}

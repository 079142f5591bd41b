//! The blank import template: the register's columns with one example row, and a sheet that
//! says what goes in each column. It belongs to no school, so it needs no store.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Export;
use super::register::{Record, SHEET};
use super::sheet::{Cell, Formats, Preamble, Table, xlsx_error};
use crate::error::{Error, Result};
use crate::guardians::{Guardian, Relation};
use crate::id::Id;
use crate::import::fields::Field;
use crate::students::{Gender, Student, StudentStatus};

/// The template's dates: a month name reads the same in a day-first and a month-first school.
const DATE_PATTERN: &str = "dd mmm yyyy";

/// The line under the instructions sheet's heading.
const INSTRUCTIONS: &str = "Fill in one student per row on the Students sheet and keep its header row as it is. \
     Delete the example row.";

/// The import template as `.xlsx` bytes.
pub fn import_template() -> Result<Vec<u8>> {
    import_template_export().map(|e| e.bytes)
}

/// [`import_template`], with the sheet names and the one example row counted.
pub fn import_template_export() -> Result<Export> {
    let formats = Formats::new(DATE_PATTERN);
    let headers: Vec<&str> = Field::REGISTER.iter().map(|f| f.header()).collect();
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name(SHEET).map_err(xlsx_error)?;
    // No title rows: the header row is row 1, where anyone filling it in expects it.
    let mut table = Table::start(ws, &formats, None, &headers)?;
    for (col, field) in (0u16..).zip(Field::REGISTER) {
        // A phone or admission number typed later keeps its leading zeros; a date typed
        // later shows as a date.
        if matches!(field, Field::Dob | Field::AdmissionDate) {
            table.column_is_date(col)?;
        } else {
            table.column_is_text(col)?;
        }
    }
    let (student, guardians) = example()?;
    let record = Record {
        student: &student,
        class: Some("Grade 5 B"),
        guardians: &guardians,
    };
    let cells: Vec<Cell<'_>> = Field::REGISTER.iter().map(|f| record.cell(*f)).collect();
    table.row(&cells)?;
    let rows = table.finish()?;

    let ws = wb.add_worksheet();
    ws.set_name("Instructions").map_err(xlsx_error)?;
    let preamble = Preamble {
        heading: "Rollbook student import template",
        title: INSTRUCTIONS,
    };
    let mut help = Table::start(ws, &formats, Some(preamble), &["Column", "What to write"])?;
    for field in Field::REGISTER {
        help.row(&[Cell::text(field.header()), Cell::text(field.help())])?;
    }
    help.finish()?;

    Ok(Export {
        bytes: wb.save_to_buffer().map_err(xlsx_error)?,
        sheets: vec![SHEET.to_owned(), "Instructions".to_owned()],
        rows,
    })
}

/// The example row: a student with both parents, the way a school would fill it in.
fn example() -> Result<(Student, Vec<Guardian>)> {
    let date = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::internal("bad example date"))
    };
    let student = Student {
        id: Id::new(),
        admission_no: "2026/0142".into(),
        given_name: "Aarav".into(),
        family_name: "Sharma".into(),
        dob: Some(date(2016, 5, 14)?),
        gender: Some(Gender::Male),
        class_id: None,
        status: StudentStatus::Active,
        admission_date: Some(date(2026, 4, 1)?),
    };
    let guardians = vec![
        Guardian {
            id: Id::new(),
            name: "Rakesh Sharma".into(),
            relation: Relation::Father,
            phone: Some("+919876543210".into()),
            alt_phone: None,
            email: Some("rakesh.sharma@example.com".into()),
            whatsapp_consent: true,
        },
        Guardian {
            id: Id::new(),
            name: "Sunita Sharma".into(),
            relation: Relation::Mother,
            phone: Some("+919876543211".into()),
            alt_phone: None,
            email: None,
            whatsapp_consent: false,
        },
    ];
    Ok((student, guardians))
}

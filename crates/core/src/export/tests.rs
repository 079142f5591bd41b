//! The exports read back as a user's spreadsheet program would see them: calamine for the
//! values, number formats and fonts; the package's XML for what calamine does not report
//! (frozen panes, the autofilter, quote prefixes).

use std::io::{Cursor, Read};

use calamine::{Data, DataType, Range, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::sheet::{Cell, Formats, Preamble, SheetNames, Table};
use super::*;
use crate::classes::{self, ClassInput};
use crate::error::ErrorCode;
use crate::guardians::{GuardianInput, Relation};
use crate::import::fields::Field;
use crate::school::{self, DateOrder, SchoolInput, SetupInput};
use crate::store::Store;
use crate::students::{self, Gender, StudentInput, StudentStatus};
use crate::testing::{new_store, set_up_school};

type Book = Xlsx<Cursor<Vec<u8>>>;

fn book(bytes: &[u8]) -> Book {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a readable xlsx")
}

fn values(bytes: &[u8], sheet: &str) -> Range<Data> {
    book(bytes).worksheet_range(sheet).expect("sheet")
}

/// The cell at a 0-based (row, column), empty when nothing is there.
fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

fn row_texts(r: &Range<Data>, row: u32) -> Vec<String> {
    let width = r.end().map_or(0, |e| e.1 + 1);
    (0..width).map(|c| at(r, row, c).to_string()).collect()
}

/// One part of the xlsx package (it is a zip of XML files).
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut out)
        .expect("utf-8");
    out
}

/// The `<xf>` style record of a cell such as "C5" on the first sheet.
fn cell_xf(bytes: &[u8], cell: &str) -> String {
    let sheet = part(bytes, "xl/worksheets/sheet1.xml");
    let start = sheet
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let tag = &sheet[start..start + sheet[start..].find('>').unwrap()];
    let style: usize = tag
        .split("s=\"")
        .nth(1)
        .map_or(0, |s| s[..s.find('"').unwrap()].parse().unwrap());
    let styles = part(bytes, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    xfs.split("<xf ").nth(style + 1).unwrap().to_owned()
}

fn class(store: &Store, name: &str, teacher: &str) -> crate::Id {
    classes::create(
        store,
        &ClassInput {
            name: name.into(),
            class_teacher: teacher.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn student(adm: &str, given: &str, family: &str, class_id: Option<crate::Id>) -> StudentInput {
    StudentInput {
        admission_no: adm.into(),
        given_name: given.into(),
        family_name: family.into(),
        class_id,
        ..Default::default()
    }
}

fn guardian(name: &str, relation: Relation, phone: &str) -> GuardianInput {
    GuardianInput {
        name: name.into(),
        relation,
        phone: phone.into(),
        ..Default::default()
    }
}

fn kolkata_today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Kolkata)
        .format("%d/%m/%Y")
        .to_string()
}

#[test]
fn a_class_roll_lists_the_active_students_of_the_class_in_name_order() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let five_b = class(&store, "Grade 5 B", "Mrs Rao");
    let other = class(&store, "Grade 6 A", "");
    students::create(
        &store,
        &StudentInput {
            dob: "2016-05-14".into(),
            gender: Some(Gender::Male),
            guardians: vec![guardian("Rakesh Sharma", Relation::Father, "98765 43210")],
            ..student("A-2", "Zara", "Sharma", Some(five_b))
        },
    )
    .unwrap();
    students::create(&store, &student("A-1", "Aarav", "Patel", Some(five_b))).unwrap();
    students::create(
        &store,
        &StudentInput {
            status: StudentStatus::Left,
            ..student("A-3", "Gone", "Away", Some(five_b))
        },
    )
    .unwrap();
    students::create(&store, &student("B-1", "Other", "Class", Some(other))).unwrap();

    let export = class_roll_export(&store, Some(five_b)).unwrap();
    assert_eq!(export.sheets, ["Grade 5 B"]);
    assert_eq!(export.rows, 2);
    let r = values(&export.bytes, "Grade 5 B");
    assert_eq!(at(&r, 0, 0), text("St. Mary's School"));
    assert_eq!(
        at(&r, 1, 0),
        text(&format!(
            "Class roll: Grade 5 B (class teacher Mrs Rao), made {}",
            kolkata_today()
        ))
    );
    assert_eq!(at(&r, 2, 0), Data::Empty);
    assert_eq!(
        row_texts(&r, 3),
        [
            "No.",
            "Admission No",
            "Student Name",
            "Gender",
            "Date of Birth",
            "Guardian Name",
            "Guardian Mobile"
        ]
    );
    assert_eq!(
        row_texts(&r, 4)[..4],
        ["1", "A-1", "Aarav Patel", ""],
        "name order: Patel before Sharma"
    );
    assert_eq!(at(&r, 5, 0), Data::Float(2.0));
    assert_eq!(at(&r, 5, 2), text("Zara Sharma"));
    assert_eq!(at(&r, 5, 3), text("Male"));
    assert_eq!(at(&r, 5, 4).as_date(), NaiveDate::from_ymd_opt(2016, 5, 14));
    assert_eq!(at(&r, 5, 5), text("Rakesh Sharma"));
    assert_eq!(at(&r, 5, 6), text("+919876543210"));
    assert_eq!(
        r.end(),
        Some((5, 6)),
        "the left student and the other class are not on it"
    );

    let styles = book(&export.bytes).worksheet_style("Grade 5 B").unwrap();
    for cell in [(0, 0), (3, 0), (3, 6)] {
        let font = styles.get(cell).and_then(|s| s.font.clone());
        assert!(font.is_some_and(|f| f.is_bold()), "{cell:?} is bold");
    }
    assert!(
        !styles
            .get((4, 2))
            .and_then(|s| s.font.clone())
            .is_some_and(|f| f.is_bold())
    );
    let xml = part(&export.bytes, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(
            r#"<pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/>"#
        ),
        "the header row is frozen: {xml}"
    );
    assert!(xml.contains(r#"<autoFilter ref="A4:G6"/>"#), "{xml}");
}

#[test]
fn the_roll_of_every_class_has_a_sheet_per_class_in_grade_order() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let ten = class(&store, "Grade 10 A", "");
    let two = class(&store, "Grade 2 A", "");
    class(&store, "Grade 3 A", "");
    students::create(&store, &student("1", "Asha", "K", Some(ten))).unwrap();
    students::create(&store, &student("2", "Bina", "K", Some(two))).unwrap();
    students::create(&store, &student("3", "Chan", "K", Some(two))).unwrap();
    students::create(&store, &student("4", "Dev", "K", None)).unwrap();

    let export = class_roll_export(&store, None).unwrap();
    assert_eq!(export.sheets, ["Grade 2 A", "Grade 3 A", "Grade 10 A"]);
    assert_eq!(book(&export.bytes).sheet_names(), export.sheets);
    assert_eq!(export.rows, 3);
    let two_a = values(&export.bytes, "Grade 2 A");
    assert_eq!(at(&two_a, 4, 2), text("Bina K"));
    assert_eq!(at(&two_a, 5, 2), text("Chan K"));
    let three_a = values(&export.bytes, "Grade 3 A");
    assert_eq!(
        three_a.end(),
        Some((3, 6)),
        "an empty class still has its headers"
    );
    assert_eq!(class_roll(&store, None).unwrap().len(), export.bytes.len());
}

#[test]
fn an_unknown_class_is_not_found_and_no_classes_is_said_plainly() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let err = class_roll(&store, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(err.message.contains("no classes"), "{}", err.message);
    class(&store, "Grade 5 B", "");
    let err = class_roll(&store, Some(crate::Id::new())).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn sheet_names_are_ones_excel_accepts() {
    let mut names = SheetNames::default();
    assert_eq!(names.unique("Grade 5/B"), "Grade 5-B");
    assert_eq!(names.unique("grade 5\\b"), "grade 5-b (2)");
    assert_eq!(names.unique("Grade 5:B"), "Grade 5-B (3)");
    assert_eq!(names.unique("Nursery [AM] *?"), "Nursery -AM- --");
    assert_eq!(names.unique("'Quoted'"), "Quoted");
    assert_eq!(names.unique("  "), "Sheet");
    assert_eq!(names.unique("History"), "History 1");
    let long = "Upper Kindergarten Blue Section Morning";
    let first = names.unique(long);
    assert_eq!(first, "Upper Kindergarten Blue Section");
    assert_eq!(first.chars().count(), 31);
    let second = names.unique(long);
    assert_eq!(second, "Upper Kindergarten Blue Sec (2)");
    // Excel counts UTF-16 units: an emoji is two of them.
    let emoji = names.unique(&"😀".repeat(20));
    assert_eq!(emoji.encode_utf16().count(), 30);

    // And Excel (here calamine) reads them back from a real roll.
    let (_d, store) = new_store();
    set_up_school(&store);
    class(&store, "Nursery: Blue [AM]", "");
    class(&store, "Grade 5/B", "");
    class(&store, "Grade 5\\B", "");
    let export = class_roll_export(&store, None).unwrap();
    let mut got = book(&export.bytes).sheet_names();
    got.sort();
    assert_eq!(got, ["Grade 5-B", "Grade 5-B (2)", "Nursery- Blue -AM-"]);
}

/// The register row of `adm`, as header → cell.
fn register_row(bytes: &[u8], adm: &str) -> std::collections::HashMap<&'static str, Data> {
    let r = values(bytes, "Students");
    let row = (4..=r.end().unwrap().0)
        .find(|row| at(&r, *row, 0) == text(adm))
        .unwrap_or_else(|| panic!("no row for {adm}"));
    (0u32..)
        .zip(Field::REGISTER)
        .map(|(col, f)| (f.header(), at(&r, row, col)))
        .collect()
}

#[test]
fn the_register_has_the_import_columns_and_every_student_with_their_guardians() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let five_b = class(&store, "Grade 5 B", "");
    students::create(
        &store,
        &StudentInput {
            dob: "2016-05-14".into(),
            admission_date: "2022-06-01".into(),
            gender: Some(Gender::Female),
            status: StudentStatus::Left,
            guardians: vec![
                GuardianInput {
                    alt_phone: "98765 11111".into(),
                    email: "rakesh@example.com".into(),
                    whatsapp_consent: true,
                    ..guardian("Rakesh Sharma", Relation::Father, "98765 43210")
                },
                guardian("Sunita Sharma", Relation::Mother, "98765 43211"),
            ],
            ..student("A-1", "Diya", "Sharma", Some(five_b))
        },
    )
    .unwrap();
    // A sibling: the same father, linked by his number.
    students::create(
        &store,
        &StudentInput {
            guardians: vec![guardian("Rakesh Sharma", Relation::Father, "9876543210")],
            ..student("A-2", "Kabir", "Sharma", Some(five_b))
        },
    )
    .unwrap();
    students::create(
        &store,
        &StudentInput {
            status: StudentStatus::Graduated,
            ..student("A-3", "Old", "Boy", None)
        },
    )
    .unwrap();

    let export = student_register_export(&store).unwrap();
    assert_eq!(export.rows, 3, "every status is in the register");
    assert_eq!(export.sheets, ["Students"]);
    let r = values(&export.bytes, "Students");
    assert_eq!(at(&r, 0, 0), text("St. Mary's School"));
    assert_eq!(
        at(&r, 1, 0),
        text(&format!("Student register, made {}", kolkata_today()))
    );
    let headers = row_texts(&r, 3);
    let expected: Vec<&str> = Field::REGISTER.iter().map(|f| f.header()).collect();
    assert_eq!(headers, expected);
    for (h, f) in headers.iter().zip(Field::REGISTER) {
        assert_eq!(Field::from_header(h), Some(f), "the import reads {h} back");
    }

    let diya = register_row(&export.bytes, "A-1");
    let want = [
        ("Given Name", text("Diya")),
        ("Family Name", text("Sharma")),
        ("Class", text("Grade 5 B")),
        ("Gender", text("Female")),
        ("Status", text("Left")),
        ("Guardian Name", text("Rakesh Sharma")),
        ("Guardian Relation", text("Father")),
        ("Guardian Mobile", text("+919876543210")),
        ("Guardian Alternate Mobile", text("+919876511111")),
        ("Guardian Email", text("rakesh@example.com")),
        ("WhatsApp Consent", text("Yes")),
        ("Guardian 2 Name", text("Sunita Sharma")),
        ("Guardian 2 Mobile", text("+919876543211")),
    ];
    for (h, v) in want {
        assert_eq!(diya[h], v, "{h}");
    }
    assert_eq!(
        diya["Date of Birth"].as_date(),
        NaiveDate::from_ymd_opt(2016, 5, 14)
    );
    assert_eq!(
        diya["Admission Date"].as_date(),
        NaiveDate::from_ymd_opt(2022, 6, 1)
    );

    let kabir = register_row(&export.bytes, "A-2");
    assert_eq!(kabir["Guardian Mobile"], text("+919876543210"));
    assert_eq!(
        kabir["WhatsApp Consent"],
        text("Yes"),
        "the shared guardian's consent"
    );
    assert_eq!(kabir["Guardian 2 Name"], Data::Empty);
    assert_eq!(kabir["Status"], text("Active"));

    let old = register_row(&export.bytes, "A-3");
    assert_eq!(old["Class"], Data::Empty);
    assert_eq!(old["Status"], text("Graduated"));
    assert_eq!(old["Guardian Name"], Data::Empty);
    assert_eq!(old["WhatsApp Consent"], Data::Empty);
    assert_eq!(student_register(&store).unwrap().len(), export.bytes.len());
}

#[test]
fn text_that_looks_like_a_formula_comes_back_as_the_same_text() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let five_b = class(&store, "Grade 5 B", "");
    let risky = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)"];
    for (i, name) in risky.iter().enumerate() {
        students::create(
            &store,
            &StudentInput {
                guardians: vec![guardian(
                    "=cmd|' /C calc'!A0",
                    Relation::Mother,
                    &format!("98765 4321{i}"),
                )],
                ..student(&format!("X-{i}"), name, "", Some(five_b))
            },
        )
        .unwrap();
    }
    students::create(&store, &student("X-9", "Plain", "", Some(five_b))).unwrap();

    for bytes in [
        student_register(&store).unwrap(),
        class_roll(&store, Some(five_b)).unwrap(),
    ] {
        let mut wb = book(&bytes);
        let sheet = wb.sheet_names()[0].clone();
        let r = wb.worksheet_range(&sheet).unwrap();
        let cells: Vec<Data> = r.used_cells().map(|(_, _, d)| d.clone()).collect();
        for name in risky {
            assert!(cells.contains(&text(name)), "{name} is in {sheet} as text");
        }
        assert!(cells.contains(&text("=cmd|' /C calc'!A0")));
        let formulas = wb.worksheet_formula(&sheet).unwrap();
        assert_eq!(
            formulas
                .used_cells()
                .filter(|(_, _, f)| !f.is_empty())
                .count(),
            0,
            "no formula anywhere in {sheet}"
        );
    }

    // The quote prefix keeps them text when someone edits the cell in Excel.
    let roll = class_roll(&store, Some(five_b)).unwrap();
    let r = values(&roll, "Grade 5 B");
    for row in 4..=r.end().unwrap().0 {
        let name = at(&r, row, 2).to_string();
        let xf = cell_xf(&roll, &format!("C{}", row + 1));
        assert_eq!(
            xf.contains(r#"quotePrefix="1""#),
            name != "Plain",
            "{name}: {xf}"
        );
    }
}

#[test]
fn dates_are_date_cells_in_the_schools_date_order() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let five_b = class(&store, "Grade 5 B", "");
    let dob = StudentInput {
        dob: "2016-05-14".into(),
        ..student("A-1", "Diya", "", Some(five_b))
    };
    students::create(&store, &dob).unwrap();
    let roll = class_roll(&store, Some(five_b)).unwrap();
    let cell = at(&values(&roll, "Grade 5 B"), 4, 4);
    assert!(
        matches!(cell, Data::DateTime(_)),
        "a date cell, not text: {cell:?}"
    );
    assert_eq!(cell.as_date(), NaiveDate::from_ymd_opt(2016, 5, 14));
    let styles = book(&roll).worksheet_style("Grade 5 B").unwrap();
    let format = styles.get((4, 4)).and_then(|s| s.number_format.clone());
    assert_eq!(format.map(|f| f.format_code).as_deref(), Some("dd/mm/yyyy"));

    // A month-first school gets month-first dates, in the cells and in the title.
    let (_d2, us) = new_store();
    school::setup(
        &us,
        &SetupInput {
            school: SchoolInput {
                name: "Lincoln Elementary".into(),
                country: "US".into(),
                time_zone: Some("America/New_York".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        school::get(&us).unwrap().unwrap().date_order,
        DateOrder::Mdy
    );
    let k = class(&us, "Grade 5 B", "");
    students::create(
        &us,
        &StudentInput {
            class_id: Some(k),
            ..dob
        },
    )
    .unwrap();
    let bytes = student_register(&us).unwrap();
    let styles = book(&bytes).worksheet_style("Students").unwrap();
    let format = styles.get((4, 4)).and_then(|s| s.number_format.clone());
    assert_eq!(format.map(|f| f.format_code).as_deref(), Some("mm/dd/yyyy"));
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::New_York)
        .format("%m/%d/%Y")
        .to_string();
    assert_eq!(
        at(&values(&bytes, "Students"), 1, 0),
        text(&format!("Student register, made {today}"))
    );
}

#[test]
fn phones_and_admission_numbers_are_text_not_numbers() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let five_b = class(&store, "Grade 5 B", "");
    students::create(
        &store,
        &StudentInput {
            guardians: vec![guardian("Asha", Relation::Mother, "98765 43210")],
            ..student("000123", "Diya", "", Some(five_b))
        },
    )
    .unwrap();
    let r = values(&class_roll(&store, Some(five_b)).unwrap(), "Grade 5 B");
    assert_eq!(at(&r, 4, 1), text("000123"));
    assert_eq!(at(&r, 4, 6), text("+919876543210"));
    let register = student_register(&store).unwrap();
    let row = register_row(&register, "000123");
    assert_eq!(row["Guardian Mobile"], text("+919876543210"));
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_naming_its_sheet_row_and_column() {
    let formats = Formats::for_school(DateOrder::Dmy);
    let write = |cell: Cell<'_>| {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Grade 5 B").unwrap();
        let preamble = Preamble {
            heading: "School",
            title: "Class roll",
        };
        let mut t = Table::start(
            ws,
            &formats,
            Some(preamble),
            &["No.", "Adm", "Student Name"],
        )?;
        t.row(&[Cell::Number(1.0), Cell::text("A-1"), Cell::text("ok")])?;
        t.row(&[Cell::Number(2.0), Cell::text("A-2"), cell])?;
        t.finish()
    };
    let at_limit = "x".repeat(32_767);
    assert_eq!(write(Cell::text(at_limit.as_str())).unwrap(), 2);

    let err = write(Cell::text("x".repeat(32_768))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.field.as_deref(), Some("Student Name"));
    for part in [
        "Sheet \"Grade 5 B\"",
        "row 6",
        "column C (Student Name)",
        "32767",
    ] {
        assert!(err.message.contains(part), "{part}: {}", err.message);
    }
    // Excel counts UTF-16 units: 16,384 emoji are 32,768 of them.
    let err = write(Cell::text("😀".repeat(16_384))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
}

#[test]
fn the_template_has_the_register_headers_an_example_and_instructions() {
    let export = import_template_export().unwrap();
    assert_eq!(export.sheets, ["Students", "Instructions"]);
    assert_eq!(book(&export.bytes).sheet_names(), export.sheets);
    assert_eq!(export.rows, 1);
    let r = values(&export.bytes, "Students");
    let expected: Vec<&str> = Field::REGISTER.iter().map(|f| f.header()).collect();
    assert_eq!(row_texts(&r, 0), expected, "headers on row 1");
    let example: std::collections::HashMap<&str, Data> = (0u32..)
        .zip(Field::REGISTER)
        .map(|(c, f)| (f.header(), at(&r, 1, c)))
        .collect();
    assert_eq!(example["Admission No"], text("2026/0142"));
    assert_eq!(example["Class"], text("Grade 5 B"));
    assert_eq!(example["Gender"], text("Male"));
    assert_eq!(example["Guardian Mobile"], text("+919876543210"));
    assert_eq!(example["WhatsApp Consent"], text("Yes"));
    assert_eq!(example["Guardian 2 Name"], text("Sunita Sharma"));
    assert_eq!(
        example["Date of Birth"].as_date(),
        NaiveDate::from_ymd_opt(2016, 5, 14)
    );
    assert_eq!(r.end().map(|e| e.0), Some(1), "one example row");

    let styles = book(&export.bytes).worksheet_style("Students").unwrap();
    assert!(
        styles
            .get((0, 0))
            .and_then(|s| s.font.clone())
            .is_some_and(|f| f.is_bold())
    );
    let dob_col = Field::REGISTER
        .iter()
        .position(|f| *f == Field::Dob)
        .unwrap() as u32;
    let format = styles
        .get((1, dob_col))
        .and_then(|s| s.number_format.clone());
    assert_eq!(
        format.map(|f| f.format_code).as_deref(),
        Some("dd mmm yyyy")
    );
    let xml = part(&export.bytes, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        )
    );
    assert!(xml.contains("<col "), "column widths are set");

    let help = values(&export.bytes, "Instructions");
    let listed: Vec<(String, String)> = (4..=help.end().unwrap().0)
        .map(|row| (at(&help, row, 0).to_string(), at(&help, row, 1).to_string()))
        .collect();
    let want: Vec<(String, String)> = Field::REGISTER
        .iter()
        .map(|f| (f.header().to_owned(), f.help().to_owned()))
        .collect();
    assert_eq!(listed, want);
    // The bytes-only entry point writes the same workbook (compared by content: the zip's
    // timestamps may differ between two writes).
    let bytes = import_template().unwrap();
    for sheet in ["Students", "Instructions"] {
        assert_eq!(
            values(&bytes, sheet),
            values(&export.bytes, sheet),
            "{sheet}"
        );
    }
}

#[test]
fn column_widths_fit_the_content_up_to_a_cap() {
    let (_d, store) = new_store();
    set_up_school(&store);
    let five_b = class(&store, "Grade 5 B", "");
    let mut long = student(
        "A-1",
        "Wolfeschlegelsteinhausenbergerdorff",
        "Montgomery-Featherstonehaugh",
        Some(five_b),
    );
    long.guardians = vec![guardian("Asha", Relation::Mother, "98765 43210")];
    students::create(&store, &long).unwrap();
    let roll = class_roll(&store, Some(five_b)).unwrap();
    let xml = part(&roll, "xl/worksheets/sheet1.xml");
    // `<col min="5" max="6" width="15.7" .../>`: one entry may cover several columns.
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let width = |col: u32| -> f64 {
        xml.split("<col ")
            .skip(1)
            .find(|tag| (attr(tag, "min")..=attr(tag, "max")).contains(&f64::from(col)))
            .map(|tag| attr(tag, "width"))
            .unwrap_or_else(|| panic!("no width for column {col}: {xml}"))
    };
    assert!(width(2) >= 12.0, "Admission No fits its header");
    assert!(
        width(3) > 44.0 && width(3) < 47.0,
        "a long name is capped: {}",
        width(3)
    );
    assert!(width(5) >= 12.0, "dates show, not ####");
    assert!(width(1) < 8.0, "No. stays narrow");
}

#[test]
fn write_file_saves_whole_files_only_under_an_xlsx_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Roll.XLSX");
    write_file(&path, b"first").unwrap();
    write_file(&path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        [std::ffi::OsString::from("Roll.XLSX")],
        "no temporary file left"
    );

    for bad in ["roll.csv", "roll", "roll.xlsx.txt"] {
        let err = write_file(&dir.path().join(bad), b"x").unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{bad}");
        assert!(
            err.message.contains(".xlsx") && err.message.contains(bad),
            "{}",
            err.message
        );
        assert!(!dir.path().join(bad).exists());
    }

    let missing = dir.path().join("no such folder").join("roll.xlsx");
    let err = write_file(&missing, b"x").unwrap_err();
    assert_eq!(err.code, ErrorCode::Io);
    assert!(err.message.contains("no such folder"), "{}", err.message);
}

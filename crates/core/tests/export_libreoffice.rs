//! Every export opened by a second spreadsheet program: LibreOffice converts it to ODS and
//! back to XLSX, and the data must survive both trips. Schools use LibreOffice, and a file
//! only Excel can read is a file a school cannot use. LibreOffice is installed by
//! scripts/setup-system.sh; without it these tests fail, they do not skip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataType, Range, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use rollbook_core::classes::{self, ClassInput};
use rollbook_core::export;
use rollbook_core::guardians::{GuardianInput, Relation};
use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::students::{self, Gender, StudentInput, StudentStatus};
use rollbook_core::{Id, Store};

const RISKY: &str = "=HYPERLINK(\"http://x\",\"y\")";

/// A small school made through the public API: one class, a student with two guardians and
/// a date of birth, one whose name looks like a formula, and one who has left.
fn school() -> (tempfile::TempDir, Store, Id) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    school::setup(
        &store,
        &SetupInput {
            school: SchoolInput {
                name: "St. Mary's School".into(),
                country: "IN".into(),
                time_zone: Some("Asia/Kolkata".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let class = classes::create(
        &store,
        &ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let guardian = |name: &str, relation, phone: &str| GuardianInput {
        name: name.into(),
        relation,
        phone: phone.into(),
        ..Default::default()
    };
    let inputs = [
        StudentInput {
            admission_no: "00142".into(),
            given_name: "Aarav".into(),
            family_name: "Sharma".into(),
            dob: "2016-05-14".into(),
            gender: Some(Gender::Male),
            class_id: Some(class),
            guardians: vec![
                guardian("Rakesh Sharma", Relation::Father, "98765 43210"),
                guardian("Sunita Sharma", Relation::Mother, "98765 43211"),
            ],
            ..Default::default()
        },
        StudentInput {
            admission_no: "00143".into(),
            given_name: RISKY.into(),
            family_name: "Patel".into(),
            class_id: Some(class),
            ..Default::default()
        },
        StudentInput {
            admission_no: "00099".into(),
            given_name: "Meera".into(),
            family_name: "Iyer".into(),
            status: StudentStatus::Left,
            ..Default::default()
        },
    ];
    students::create_many(&store, &inputs).unwrap();
    (dir, store, class)
}

/// Saves `bytes` as NAME.xlsx, converts it to ODS and that back to XLSX, and returns the
/// sheets of each converted file (the ODS first) for the caller to check.
fn round_trip(name: &str, bytes: &[u8]) -> Vec<Book> {
    let work = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let original = work.path().join(format!("{name}.xlsx"));
    export::write_file(&original, bytes).unwrap();
    let ods = common::convert(&original, "ods", &work.path().join("ods"), profile.path());
    let xlsx = common::convert(&ods, "xlsx", &work.path().join("xlsx"), profile.path());
    [ods, xlsx].iter().map(|p| Book::read(p)).collect()
}

/// A converted file's values and formulas, sheet by sheet.
struct Book {
    file: String,
    sheets: Vec<(String, Range<Data>, Range<String>)>,
}

impl Book {
    fn read(path: &Path) -> Book {
        let bytes = std::fs::read(path).unwrap();
        let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
        let sheets = wb
            .sheet_names()
            .into_iter()
            .map(|name| {
                let values = wb.worksheet_range(&name).unwrap();
                let formulas = wb.worksheet_formula(&name).unwrap();
                (name, values, formulas)
            })
            .collect();
        Book {
            file: path.display().to_string(),
            sheets,
        }
    }

    fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s.0.as_str()).collect()
    }

    fn sheet(&self, name: &str) -> &Range<Data> {
        &self
            .sheets
            .iter()
            .find(|s| s.0 == name)
            .unwrap_or_else(|| panic!("{}: no sheet {name}", self.file))
            .1
    }

    /// Rows as text, with absolute row numbers (row 0 is the first row of the sheet).
    fn row(&self, sheet: &str, row: u32) -> Vec<String> {
        let r = self.sheet(sheet);
        let width = r.end().map_or(0, |e| e.1 + 1);
        (0..width)
            .map(|c| {
                r.get_value((row, c))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    fn cell(&self, sheet: &str, row: u32, col: u32) -> Data {
        self.sheet(sheet)
            .get_value((row, col))
            .cloned()
            .unwrap_or(Data::Empty)
    }

    fn find_row(&self, sheet: &str, col: u32, value: &str) -> u32 {
        let r = self.sheet(sheet);
        (0..=r.end().unwrap().0)
            .find(|row| r.get_value((*row, col)).map(|d| d.to_string()).as_deref() == Some(value))
            .unwrap_or_else(|| panic!("{}: no {value} in column {col} of {sheet}", self.file))
    }

    fn has_no_formulas(&self) -> bool {
        self.sheets
            .iter()
            .all(|(_, _, f)| f.used_cells().all(|(_, _, text)| text.is_empty()))
    }
}

fn dob() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2016, 5, 14)
}

#[test]
fn a_class_roll_survives_libreoffice() {
    let (_d, store, class) = school();
    let bytes = export::class_roll(&store, Some(class)).unwrap();
    for book in round_trip("roll", &bytes) {
        assert_eq!(book.names(), ["Grade 5 B"], "{}", book.file);
        let s = "Grade 5 B";
        assert_eq!(book.cell(s, 0, 0).to_string(), "St. Mary's School");
        assert!(
            book.cell(s, 1, 0)
                .to_string()
                .starts_with("Class roll: Grade 5 B")
        );
        assert_eq!(
            book.row(s, 3),
            [
                "No.",
                "Admission No",
                "Student Name",
                "Gender",
                "Date of Birth",
                "Guardian Name",
                "Guardian Mobile"
            ],
            "{}",
            book.file
        );
        let aarav = book.find_row(s, 2, "Aarav Sharma");
        assert_eq!(book.cell(s, aarav, 1), Data::String("00142".into()));
        assert_eq!(book.cell(s, aarav, 4).as_date(), dob(), "{}", book.file);
        assert_eq!(book.cell(s, aarav, 6), Data::String("+919876543210".into()));
        let risky = book.find_row(s, 2, &format!("{RISKY} Patel"));
        assert!(matches!(book.cell(s, risky, 2), Data::String(_)));
        assert!(
            book.has_no_formulas(),
            "{}: a name became a formula",
            book.file
        );
        assert_eq!(book.sheet(s).end().unwrap().0, 5, "two active students");
    }
}

#[test]
fn the_student_register_survives_libreoffice() {
    let (_d, store, _) = school();
    let bytes = export::student_register(&store).unwrap();
    for book in round_trip("register", &bytes) {
        assert_eq!(book.names(), ["Students"], "{}", book.file);
        let s = "Students";
        let headers: Vec<String> = rollbook_core::import::fields::Field::REGISTER
            .iter()
            .map(|f| f.header().to_owned())
            .collect();
        assert_eq!(book.row(s, 3), headers, "{}", book.file);
        let col = |h: &str| headers.iter().position(|x| x == h).unwrap() as u32;
        let aarav = book.find_row(s, 0, "00142");
        let text = |h: &str| book.cell(s, aarav, col(h)).to_string();
        assert_eq!(text("Given Name"), "Aarav");
        assert_eq!(text("Class"), "Grade 5 B");
        assert_eq!(text("Gender"), "Male");
        assert_eq!(text("Status"), "Active");
        assert_eq!(text("Guardian Name"), "Rakesh Sharma");
        assert_eq!(text("Guardian Relation"), "Father");
        assert_eq!(text("WhatsApp Consent"), "No");
        assert_eq!(text("Guardian 2 Name"), "Sunita Sharma");
        assert_eq!(
            book.cell(s, aarav, col("Guardian 2 Mobile")),
            Data::String("+919876543211".into())
        );
        assert_eq!(book.cell(s, aarav, col("Date of Birth")).as_date(), dob());
        let meera = book.find_row(s, 0, "00099");
        assert_eq!(book.cell(s, meera, col("Status")).to_string(), "Left");
        book.find_row(s, 1, RISKY);
        assert!(
            book.has_no_formulas(),
            "{}: a name became a formula",
            book.file
        );
    }
}

#[test]
fn the_import_template_survives_libreoffice() {
    let bytes = export::import_template().unwrap();
    for book in round_trip("template", &bytes) {
        assert_eq!(book.names(), ["Students", "Instructions"], "{}", book.file);
        let first = book.row("Students", 0);
        assert_eq!(first[0], "Admission No", "{}", book.file);
        assert_eq!(
            first.len(),
            rollbook_core::import::fields::Field::REGISTER.len()
        );
        assert_eq!(book.cell("Students", 1, 0).to_string(), "2026/0142");
        assert_eq!(
            book.cell("Students", 1, 4).as_date(),
            dob(),
            "{}",
            book.file
        );
        let help = book.find_row("Instructions", 0, "WhatsApp Consent");
        assert_eq!(
            book.cell("Instructions", help, 1).to_string(),
            "Yes if the guardian agreed to WhatsApp messages."
        );
    }
}

/// The monthly register, with a week of marks in November 2025 (a past year, so the marks
/// can be saved): the codes, the closed days and the totals come back from LibreOffice as
/// Rollbook wrote them, values and not formulas.
#[test]
fn the_monthly_attendance_register_survives_libreoffice() {
    use rollbook_core::attendance::{self, MarkInput, RollInput};
    use rollbook_core::calendar::{self, HolidayInput};
    use rollbook_core::years::{self, YearInput};

    let (_d, store) = common::school_store();
    let year = years::add_year(
        &store,
        &YearInput {
            name: "2025-26".into(),
            start_date: "2025-06-01".into(),
            end_date: "2026-03-31".into(),
        },
    )
    .unwrap();
    calendar::add_holiday(
        &store,
        year.id,
        &HolidayInput {
            name: "Guru Nanak Jayanti".into(),
            start_date: "2025-11-05".into(),
            end_date: String::new(),
        },
    )
    .unwrap();
    let class = classes::create(
        &store,
        &ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let student = |adm: &str, given: &str, family: &str| {
        students::create(
            &store,
            &StudentInput {
                admission_no: adm.into(),
                given_name: given.into(),
                family_name: family.into(),
                class_id: Some(class),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id
    };
    let ids = [
        student("00101", "Aarav", "Iyer"),
        student("00102", "Diya", "Menon"),
        student("00103", "Kabir", "Shah"),
    ];
    for (date, codes) in [
        ("2025-11-03", ["P", "P", "P"]),
        ("2025-11-04", ["P", "A", "L"]),
        ("2025-11-06", ["H", "P", "E"]),
    ] {
        let marks = ids
            .iter()
            .zip(codes)
            .map(|(id, code)| MarkInput {
                student_id: *id,
                code: code.into(),
                late_minutes: (code == "L").then_some(10),
                reason: None,
            })
            .collect();
        attendance::save_roll(
            &store,
            &RollInput {
                class_id: class,
                date: date.into(),
                session: String::new(),
                marks,
                taken_by: None,
            },
        )
        .unwrap();
    }
    let export = export::monthly_register(&store, Some(class), "2025-11").unwrap();
    // Columns: No., Adm. No., Name, days 1 to 30 (day D in column 2 + D), P A L E H,
    // Attended, %. Rows: school, title, weekday initials, header, students, then Present, %.
    let s = "Grade 5 B";
    let day = |d: u32| 2 + d;
    let total = |h: &str| {
        33 + ["P", "A", "L", "E", "H", "Attended", "%"]
            .iter()
            .position(|x| *x == h)
            .unwrap() as u32
    };
    for book in round_trip("attendance", &export.bytes) {
        assert_eq!(book.names(), [s], "{}", book.file);
        assert_eq!(book.cell(s, 0, 0).to_string(), "St. Mary's");
        assert!(
            book.cell(s, 1, 0)
                .to_string()
                .starts_with("Attendance register: Grade 5 B, November 2025")
        );
        assert_eq!(book.cell(s, 2, day(3)).to_string(), "M", "{}", book.file);
        assert_eq!(book.cell(s, 3, day(30)).to_string(), "30", "{}", book.file);
        assert_eq!(
            book.cell(s, 3, total("%")).to_string(),
            "%",
            "{}",
            book.file
        );
        let codes = |row: u32| -> Vec<String> {
            [3, 4, 5, 6]
                .iter()
                .map(|d| book.cell(s, row, day(*d)).to_string())
                .collect()
        };
        assert_eq!(codes(4), ["P", "P", "", "H"], "{}", book.file);
        assert_eq!(codes(5), ["P", "A", "", "P"], "{}", book.file);
        assert_eq!(codes(6), ["P", "L", "", "E"], "{}", book.file);
        let totals = |row: u32| -> Vec<Option<f64>> {
            ["P", "A", "L", "E", "H", "Attended", "%"]
                .iter()
                .map(|h| book.cell(s, row, total(h)).as_f64())
                .collect()
        };
        let some = |v: [f64; 7]| v.map(Some).to_vec();
        assert_eq!(
            totals(4),
            some([2.0, 0.0, 0.0, 0.0, 1.0, 2.5, 83.3]),
            "{}",
            book.file
        );
        assert_eq!(
            totals(5),
            some([2.0, 1.0, 0.0, 0.0, 0.0, 2.0, 66.7]),
            "{}",
            book.file
        );
        assert_eq!(
            totals(6),
            some([1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 66.7]),
            "{}",
            book.file
        );
        assert_eq!(book.cell(s, 7, 2).to_string(), "Present");
        let per_day = |row: u32| -> Vec<Option<f64>> {
            [3, 4, 6]
                .iter()
                .map(|d| book.cell(s, row, day(*d)).as_f64())
                .collect()
        };
        assert_eq!(
            per_day(7),
            [Some(3.0), Some(2.0), Some(1.5)],
            "{}",
            book.file
        );
        assert_eq!(
            per_day(8),
            [Some(100.0), Some(66.7), Some(50.0)],
            "{}",
            book.file
        );
        assert_eq!(book.cell(s, 7, total("Attended")).as_f64(), Some(6.5));
        assert_eq!(book.cell(s, 8, total("%")).as_f64(), Some(72.2));
        assert!(book.has_no_formulas(), "{}: a formula appeared", book.file);
    }
}

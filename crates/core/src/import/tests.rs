//! The import as an office uses it: real-shaped sheets written as xlsx, imported into a
//! real store.

use std::sync::atomic::AtomicBool;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook as XlsxBook};

use super::*;
use crate::Store;
use crate::classes::{self, ClassInput};
use crate::error::ErrorCode;
use crate::students::{self, StudentFilter};
use crate::testing::{new_store, set_up_school};

/// A cell to write: text, a number, or an Excel date.
enum V {
    T(&'static str),
    N(f64),
    D(&'static str),
}

fn xlsx(rows: &[Vec<V>], title_rows: bool) -> Vec<u8> {
    let mut book = XlsxBook::new();
    let ws = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let offset = if title_rows {
        let bold = Format::new().set_bold();
        ws.merge_range(0, 0, 0, 5, "St. Mary's School - Class List 2026", &bold)
            .unwrap();
        ws.write_string(1, 0, "Class teacher: Mrs. Rao").unwrap();
        3 // a blank row under the titles
    } else {
        0
    };
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + offset, c as u16);
            match v {
                V::T("") => {}
                V::T(t) => {
                    ws.write_string(r, c, *t).unwrap();
                }
                V::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                V::D(d) => {
                    ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::parse_from_str(d).unwrap(),
                        &date,
                    )
                    .unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

use V::{D, N, T};

fn real_world_sheet() -> Vec<u8> {
    xlsx(
        &[
            vec![
                T("Sr"),
                T("Adm. No."),
                T("Student Name"),
                T("Class"),
                T("DOB"),
                T("Gender"),
                T("Father's Name"),
                T("Mobile No."),
                T("Blood Group"),
            ],
            vec![
                N(1.0),
                T("SM/2026/001"),
                T("Aarav Kumar Sharma"),
                T("5-B"),
                T("14/05/2016"),
                T("M"),
                T("Rakesh Sharma"),
                T("98765 43210"),
                T("B+"),
            ],
            vec![
                N(2.0),
                T("SM/2026/002"),
                T("Diya Patel"),
                T("V B"),
                D("2016-08-02"),
                T("Girl"),
                T("Mahesh Patel"),
                T("+91 91234 56780"),
                T("O+"),
            ],
            vec![],
            vec![
                N(3.0),
                N(1042.0),
                T("Zoë D'Souza"),
                T("Grade 6 A"),
                N(42504.0),
                T("F"),
                T("Xavier D'Souza"),
                N(9_845_012_345.0),
                T(""),
            ],
            vec![T("Total"), T(""), T("3 students")],
        ],
        true,
    )
}

fn open(bytes: &[u8]) -> Workbook {
    read_bytes(bytes, "class-list.xlsx").unwrap()
}

fn go(store: &Store, book: &Workbook, options: &ImportOptions) -> ImportOutcome {
    run(store, book, options, &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

fn look(store: &Store, book: &Workbook, options: &ImportOptions) -> ImportPreview {
    preview(store, book, options, &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

fn school_with_grade_5b() -> (tempfile::TempDir, Store) {
    let (dir, store) = new_store();
    set_up_school(&store);
    classes::create(
        &store,
        &ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap();
    (dir, store)
}

#[test]
fn a_real_world_sheet_imports_with_no_clean_up() {
    let (_d, store) = school_with_grade_5b();
    let book = open(&real_world_sheet());
    let p = look(&store, &book, &ImportOptions::default());
    assert_eq!(
        p.header_row, 4,
        "the header row is found under the merged title"
    );
    assert_eq!(p.unknown_columns, ["Sr (A)", "Blood Group (I)"]);
    assert_eq!(p.missing_classes, ["Grade 6 A"]);
    assert_eq!(p.counts.insert, 3);
    assert_eq!(p.counts.error, 0, "{:?}", p.rows);
    assert!(
        !p.can_import,
        "a missing class stops the import until the user chooses"
    );
    assert!(p.notes.iter().any(|n| n.contains("totals row")));

    let out = go(
        &store,
        &book,
        &ImportOptions {
            create_classes: true,
            ..Default::default()
        },
    );
    assert!(out.committed, "{out:?}");
    assert_eq!(
        (out.inserted, out.classes_created.clone()),
        (3, vec!["Grade 6 A".to_owned()])
    );

    let aarav = students::find_by_admission_no(&store, "SM/2026/001")
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            aarav.student.given_name.as_str(),
            aarav.student.family_name.as_str()
        ),
        ("Aarav Kumar", "Sharma")
    );
    assert_eq!(aarav.class_name.as_deref(), Some("Grade 5 B"));
    assert_eq!(aarav.student.dob.unwrap().to_string(), "2016-05-14");
    assert_eq!(aarav.guardians[0].guardian.name, "Rakesh Sharma");
    assert_eq!(
        aarav.guardians[0].guardian.phone.as_deref(),
        Some("+919876543210")
    );

    let diya = students::find_by_admission_no(&store, "SM/2026/002")
        .unwrap()
        .unwrap();
    assert_eq!(
        diya.class_name.as_deref(),
        Some("Grade 5 B"),
        "\"V B\" is Grade 5 B"
    );
    assert_eq!(diya.student.dob.unwrap().to_string(), "2016-08-02");

    let zoe = students::find_by_admission_no(&store, "1042")
        .unwrap()
        .unwrap();
    assert_eq!(
        zoe.student.dob.unwrap().to_string(),
        "2016-05-14",
        "a serial number in a date column"
    );
    assert_eq!(
        zoe.guardians[0].guardian.phone.as_deref(),
        Some("+919845012345")
    );
    assert_eq!(zoe.class_name.as_deref(), Some("Grade 6 A"));
}

#[test]
fn a_bad_row_stops_the_whole_import_and_names_its_row_and_column() {
    let (_d, store) = school_with_grade_5b();
    let book = open(&xlsx(
        &[
            vec![
                T("Adm No"),
                T("Name"),
                T("Class"),
                T("Date of Birth"),
                T("Mobile"),
            ],
            vec![
                T("A1"),
                T("Good Child"),
                T("5 B"),
                T("01/02/2016"),
                T("9876543210"),
            ],
            vec![
                T("A2"),
                T("Bad Date"),
                T("5 B"),
                T("31/02/2016"),
                T("9876543211"),
            ],
            vec![
                T("A3"),
                T("Bad Phone"),
                T("5 B"),
                T("01/03/2016"),
                T("12345"),
            ],
        ],
        false,
    ));
    let p = look(&store, &book, &ImportOptions::default());
    assert_eq!((p.counts.insert, p.counts.error), (1, 2));
    let bad_date = &p.rows[1].problems[0];
    assert_eq!(
        (
            bad_date.row,
            bad_date.column.as_deref(),
            bad_date.header.as_deref()
        ),
        (3, Some("D"), Some("Date of Birth"))
    );
    assert!(
        bad_date.message.contains("31/02/2016"),
        "{}",
        bad_date.message
    );
    let bad_phone = &p.rows[2].problems[0];
    assert_eq!((bad_phone.row, bad_phone.column.as_deref()), (4, Some("E")));
    assert!(bad_phone.message.contains("not a phone number"));

    let out = go(&store, &book, &ImportOptions::default());
    assert!(!out.committed);
    assert_eq!(out.problems.len(), 2);
    assert!(
        students::list(&store, &StudentFilter::default())
            .unwrap()
            .is_empty(),
        "nothing was written"
    );
    assert!(history(&store).unwrap().is_empty());

    let out = go(
        &store,
        &book,
        &ImportOptions {
            skip_bad_rows: true,
            ..Default::default()
        },
    );
    assert!(out.committed);
    assert_eq!((out.inserted, out.skipped), (1, 2));
    assert_eq!(
        students::list(&store, &StudentFilter::default())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn duplicates_in_the_file_and_clashes_with_existing_students_are_reported_per_row() {
    let (_d, store) = school_with_grade_5b();
    students::create(
        &store,
        &crate::students::StudentInput {
            admission_no: "A9".into(),
            given_name: "Existing".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let book = open(&xlsx(
        &[
            vec![T("Admission Number"), T("First Name"), T("Surname")],
            vec![T("A1"), T("One"), T("X")],
            vec![T("a1"), T("Again"), T("X")],
            vec![T("A9"), T("Clash"), T("X")],
        ],
        false,
    ));
    let p = look(
        &store,
        &book,
        &ImportOptions {
            mode: ImportMode::Insert,
            ..Default::default()
        },
    );
    assert_eq!(p.rows[1].action, RowAction::Error);
    assert!(p.rows[1].problems[0].message.contains("also in row 2"));
    assert_eq!(p.rows[1].problems[0].column.as_deref(), Some("A"));
    assert!(
        p.rows[2].problems[0]
            .message
            .contains("already belongs to Existing")
    );
}

#[test]
fn update_changes_only_what_the_file_gives_and_keeps_guardians() {
    let (_d, store) = school_with_grade_5b();
    go(
        &store,
        &open(&real_world_sheet()),
        &ImportOptions {
            create_classes: true,
            ..Default::default()
        },
    );
    let book = open(&xlsx(
        &[
            vec![T("Adm No"), T("First Name"), T("Mobile"), T("Gender")],
            vec![T("SM/2026/001"), T("Aarav"), T("9876543210"), T("")],
            vec![T("SM/2026/002"), T("Diya"), T("98450 99999"), T("F")],
        ],
        false,
    ));
    let p = look(
        &store,
        &book,
        &ImportOptions {
            mode: ImportMode::Update,
            ..Default::default()
        },
    );
    assert_eq!(p.rows[0].action, RowAction::Update);
    assert_eq!(
        p.rows[0].changes,
        ["given_name"],
        "the known phone adds nothing"
    );
    assert_eq!(p.rows[1].changes, ["guardians"]);
    let out = go(
        &store,
        &book,
        &ImportOptions {
            mode: ImportMode::Update,
            ..Default::default()
        },
    );
    assert_eq!(out.updated, 2);
    let aarav = students::find_by_admission_no(&store, "SM/2026/001")
        .unwrap()
        .unwrap();
    assert_eq!(aarav.student.given_name, "Aarav");
    assert_eq!(
        aarav.student.family_name, "Sharma",
        "no family name column: kept"
    );
    assert_eq!(
        aarav.student.dob.unwrap().to_string(),
        "2016-05-14",
        "no date column: kept"
    );
    let diya = students::find_by_admission_no(&store, "SM/2026/002")
        .unwrap()
        .unwrap();
    assert_eq!(
        diya.guardians.len(),
        2,
        "a new number adds a guardian; none is removed"
    );

    let again = look(
        &store,
        &book,
        &ImportOptions {
            mode: ImportMode::Update,
            ..Default::default()
        },
    );
    assert_eq!(
        again.counts.unchanged, 2,
        "importing the same file twice changes nothing"
    );
}

#[test]
fn the_last_import_can_be_undone_until_something_depends_on_it() {
    let (_d, store) = school_with_grade_5b();
    let before = students::list(&store, &StudentFilter::default())
        .unwrap()
        .len();
    go(
        &store,
        &open(&real_world_sheet()),
        &ImportOptions {
            create_classes: true,
            ..Default::default()
        },
    );
    let h = history(&store).unwrap();
    assert_eq!(h.len(), 1);
    assert!(h[0].can_undo);
    assert_eq!(
        (h[0].inserted, h[0].classes_created, h[0].file_name.as_str()),
        (3, 1, "class-list.xlsx")
    );

    let undone = undo_last(&store).unwrap();
    assert_eq!(undone.removed, 3);
    assert_eq!(
        students::list(&store, &StudentFilter::default())
            .unwrap()
            .len(),
        before
    );
    assert!(
        classes::find_by_name(&store, "Grade 6 A")
            .unwrap()
            .is_none(),
        "the class it made is gone"
    );
    assert!(
        crate::search::search(&store, "aarav", 10)
            .unwrap()
            .is_empty()
    );
    assert!(history(&store).unwrap()[0].undone_at.is_some());
    assert_eq!(
        undo_last(&store).unwrap_err().code,
        ErrorCode::Conflict,
        "not twice"
    );

    // Import again, then edit a student it added: undo is refused.
    go(
        &store,
        &open(&real_world_sheet()),
        &ImportOptions {
            create_classes: true,
            ..Default::default()
        },
    );
    let d = students::find_by_admission_no(&store, "1042")
        .unwrap()
        .unwrap();
    let mut input = crate::students::StudentInput {
        admission_no: d.student.admission_no.clone(),
        given_name: "Zoe".into(),
        family_name: d.student.family_name.clone(),
        ..Default::default()
    };
    input.class_id = d.student.class_id;
    students::update(&store, d.student.id, &input).unwrap();
    assert!(!history(&store).unwrap()[0].can_undo);
    assert_eq!(undo_last(&store).unwrap_err().code, ErrorCode::Conflict);
}

#[test]
fn students_imported_into_a_class_with_fees_are_charged_and_the_import_then_stays() {
    use crate::fees;
    let (_d, store) = school_with_grade_5b();
    let class = classes::find_by_name(&store, "Grade 5 B")
        .unwrap()
        .unwrap()
        .id;
    // A term that has not ended, whatever day the test runs.
    crate::years::add_year(
        &store,
        &crate::years::YearInput {
            name: "2099".into(),
            start_date: "2099-01-01".into(),
            end_date: "2099-12-31".into(),
        },
    )
    .unwrap();
    let term = crate::years::add_term(
        &store,
        "2099",
        &crate::years::TermInput {
            name: "Term 1".into(),
            start_date: "2099-01-01".into(),
            end_date: "2099-06-30".into(),
        },
    )
    .unwrap()
    .id;
    let head = fees::add_head(
        &store,
        &fees::HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    fees::set_structure(
        &store,
        &fees::StructureInput {
            class_id: class,
            term_id: term,
            head_id: head,
            amount: "1200".into(),
            ..Default::default()
        },
    )
    .unwrap();
    fees::apply_structure(&store, class, term, false).unwrap();
    go(
        &store,
        &open(&real_world_sheet()),
        &ImportOptions {
            create_classes: true,
            ..Default::default()
        },
    );
    let charged: Vec<i64> = students::list(
        &store,
        &StudentFilter {
            class_id: Some(class),
            ..Default::default()
        },
    )
    .unwrap()
    .iter()
    .map(|s| fees::balance(&store, s.id).unwrap().balance)
    .collect();
    assert!(!charged.is_empty());
    assert!(charged.iter().all(|b| *b == 120_000), "{charged:?}");
    let err = undo_last(&store).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("fees have been charged"), "{err:?}");
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let (_d, store) = school_with_grade_5b();
    let book = open(&real_world_sheet());
    let out = run(
        &store,
        &book,
        &ImportOptions {
            create_classes: true,
            ..Default::default()
        },
        &mut |_| {},
        &AtomicBool::new(true),
    )
    .unwrap();
    assert!(!out.committed);
    assert!(out.file_problems[0].contains("cancelled"));
    assert!(
        students::list(&store, &StudentFilter::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_column_choice_is_remembered_for_the_next_file_with_those_headers() {
    let (_d, store) = school_with_grade_5b();
    let rows = vec![
        vec![T("Adm No"), T("Name"), T("Contact")],
        vec![T("A1"), T("Ravi Kumar"), T("ravi@example.org")],
    ];
    let book = open(&xlsx(&rows, false));
    let p = look(&store, &book, &ImportOptions::default());
    assert_eq!(
        p.columns[2].field,
        Some(fields::Field::GuardianPhone),
        "\"Contact\" reads as a phone"
    );
    assert_eq!(p.counts.error, 1);
    let choice = ImportOptions {
        mapping: Some(vec![ColumnChoice {
            column: 2,
            field: Some(fields::Field::GuardianEmail),
        }]),
        ..Default::default()
    };
    assert!(go(&store, &book, &choice).committed);
    let next = open(&xlsx(
        &[
            rows[0]
                .iter()
                .map(|v| match v {
                    T(t) => T(t),
                    _ => T(""),
                })
                .collect(),
            vec![T("A2"), T("Asha Rao"), T("asha@example.org")],
        ],
        false,
    ));
    let p = look(&store, &next, &ImportOptions::default());
    assert_eq!(p.columns[2].field, Some(fields::Field::GuardianEmail));
    assert_eq!(p.columns[2].detected, Some(fields::Field::GuardianPhone));
    assert_eq!(p.counts.error, 0);
}

#[test]
fn the_error_report_is_the_sheet_with_a_problems_column() {
    use calamine::Reader;
    let (_d, store) = school_with_grade_5b();
    let book = open(&xlsx(
        &[
            vec![T("Adm No"), T("Name"), T("DOB")],
            vec![T("A1"), T("Fine Kid"), T("01/02/2016")],
            vec![
                T("A2"),
                T("=HYPERLINK(\"http://x\",\"y\")"),
                T("30/02/2016"),
            ],
        ],
        true,
    ));
    let bytes = error_report(&store, &book, &ImportOptions::default()).unwrap();
    let mut x: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = x.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], ["Adm No", "Name", "DOB", "Problems"]);
    assert_eq!(rows[1][3], "");
    assert!(
        rows[2][3].contains("DOB (C)") && rows[2][3].contains("30/02/2016"),
        "{:?}",
        rows[2]
    );
    assert_eq!(
        rows[2][1], "=HYPERLINK(\"http://x\",\"y\")",
        "a formula-like name stays text"
    );
    let formulas = x.worksheet_formula(&x.sheet_names()[0]).unwrap();
    assert!(
        formulas.used_cells().next().is_none(),
        "no cell holds a formula"
    );
}

#[test]
fn files_that_are_not_spreadsheets_are_refused_clearly() {
    for (bytes, why) in [
        (b"%PDF-1.7 ...".to_vec(), "PDF"),
        (b"".to_vec(), "empty"),
        (b"PK\x03\x04 not really a zip".to_vec(), "could not be read"),
        (
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0],
            "could not be read",
        ),
        (
            b"\x00\x01\x02\x03\x04\x05\x06\x07\x08binary\x00\x00\x00\x00\x00\x00".to_vec(),
            "binary",
        ),
    ] {
        let err = read_bytes(&bytes, "file").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnreadableFile, "{why}");
        assert!(err.message.contains(why), "{why}: {}", err.message);
    }
}

#[test]
fn csv_files_import_like_sheets() {
    let (_d, store) = school_with_grade_5b();
    let csv = "Student List\n\nAdm No;Student Name;Class;DOB;Phone\nC1;Ravi Kumar;5-B;03.04.2015;+254 712 345678\n";
    let book = read_bytes(csv.as_bytes(), "list.csv").unwrap();
    assert_eq!(book.file().format, "csv");
    let out = go(&store, &book, &ImportOptions::default());
    assert!(out.committed, "{out:?}");
    let ravi = students::find_by_admission_no(&store, "C1")
        .unwrap()
        .unwrap();
    assert_eq!(ravi.student.dob.unwrap().to_string(), "2015-04-03");
    assert_eq!(
        ravi.guardians[0].guardian.phone.as_deref(),
        Some("+254712345678")
    );
}

#[test]
fn a_workbook_with_a_chart_sheet_reads_its_worksheets() {
    let mut book = XlsxBook::new();
    book.add_worksheet()
        .set_name("Students")
        .unwrap()
        .write_string(0, 0, "Adm No")
        .unwrap();
    let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
    chart.add_series().set_values("Students!$A$2:$A$3");
    book.add_chartsheet()
        .set_name("Chart")
        .unwrap()
        .insert_chart(0, 0, &chart)
        .unwrap();
    let read = read_bytes(&book.save_to_buffer().unwrap(), "with-chart.xlsx").unwrap();
    let names: Vec<&str> = read.file().sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Students"]);
}

#[test]
fn a_small_file_whose_text_inflates_to_gigabytes_is_refused_before_it_is_read() {
    use std::io::Write;
    // A valid xlsx from the writer, with its shared strings swapped for a part that
    // inflates past the cap while the file stays small.
    let good = xlsx(
        &[
            vec![V::T("Adm No"), V::T("Name")],
            vec![V::T("1"), V::T("Asha")],
        ],
        false,
    );
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        out.start_file(name.as_str(), deflate).unwrap();
        if name == "xl/sharedStrings.xml" {
            let chunk = vec![b' '; 1024 * 1024];
            for _ in 0..=crate::import::read::MAX_SHARED_STRINGS_BYTES / chunk.len() as u64 {
                out.write_all(&chunk).unwrap();
            }
        } else {
            std::io::copy(&mut entry, &mut out).unwrap();
        }
    }
    let bomb = out.finish().unwrap().into_inner();
    assert!(
        bomb.len() < 4 * 1024 * 1024,
        "the file itself is small: {}",
        bomb.len()
    );
    let err = read_bytes(&bomb, "list.xlsx").unwrap_err();
    assert_eq!(err.code, ErrorCode::UnreadableFile);
    assert!(
        err.message.contains("inflates to more than 256 MB"),
        "{}",
        err.message
    );
}

#[test]
fn the_history_records_who_imported() {
    let (_d, store) = school_with_grade_5b();
    let options = ImportOptions {
        create_classes: true,
        ..Default::default()
    };
    // A school with no users yet: nobody is named.
    go(&store, &open(&real_world_sheet()), &options);
    assert_eq!(history(&store).unwrap()[0].user_name, None);
    undo_last(&store).unwrap();

    let clerk = crate::testing::act_as(&store, crate::users::Role::Clerk, &[]);
    go(&store, &open(&real_world_sheet()), &options);
    let h = history(&store).unwrap();
    assert_eq!(h.len(), 2);
    let newest = h.iter().find(|r| r.undone_at.is_none()).unwrap();
    assert_eq!(newest.user_name.as_deref(), Some("Test clerk"));
    assert_eq!(newest.user_id, Some(clerk.user_id));
    assert_eq!(newest.device_id, store.device_id());
}

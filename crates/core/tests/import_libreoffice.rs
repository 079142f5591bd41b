//! Class lists saved by LibreOffice (as xlsx, xls and ods) import, and an export re-imports
//! to the same data, also after a trip through LibreOffice.

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use std::sync::atomic::AtomicBool;

use rollbook_core::import::{self, ImportOptions};
use rollbook_core::students::{self, StudentFilter, StudentRow};
use rollbook_core::{Store, export};

fn import_all(store: &Store, path: &std::path::Path) -> rollbook_core::import::ImportOutcome {
    let book = import::read_path(path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let options = ImportOptions {
        create_classes: true,
        ..Default::default()
    };
    import::run(store, &book, &options, &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

/// The shape a school office's sheet has: a title, a blank row, headers with spaces and
/// punctuation, day-first dates, phones with spaces and a country code.
const CLASS_LIST: &str = "\
St. Mary's School - Class List 2026,,,,,
,,,,,
Adm. No.,Student Name,Class & Section,Date of Birth,Father's Name,Mobile No.
SM-101,Aarav Sharma,5-B,14/05/2016,Rakesh Sharma,98765 43210
SM-102,Zoë D'Souza,V B,02/08/2016,Xavier D'Souza,+91 98450 12345
SM-103,Wanjiru Kamau,Grade 6 A,29/02/2016,Peter Kamau,+254 712 345678
Total,3,,,,
";

#[test]
fn class_lists_saved_by_libreoffice_import_in_every_format() {
    let work = tempfile::tempdir().unwrap();
    let profile = work.path().join("profile");
    let csv = work.path().join("class-list.csv");
    std::fs::write(&csv, CLASS_LIST).unwrap();
    // CSV (comma-separated UTF-8) → xlsx with LibreOffice; then that xlsx → xls and ods, as
    // an office would "Save as".
    let xlsx = common::convert_with(
        &csv,
        "xlsx",
        &work.path().join("x"),
        &profile,
        Some("CSV:44,34,76,1"),
    );
    for (format, path) in [
        ("xlsx", xlsx.clone()),
        (
            "xls",
            common::convert(&xlsx, "xls", &work.path().join("l"), &profile),
        ),
        (
            "ods",
            common::convert(&xlsx, "ods", &work.path().join("o"), &profile),
        ),
    ] {
        let (_d, store) = common::school_store();
        let outcome = import_all(&store, &path);
        assert!(outcome.committed, "{format}: {outcome:?}");
        assert_eq!(outcome.inserted, 3, "{format}");
        let zoe = students::find_by_admission_no(&store, "SM-102")
            .unwrap()
            .unwrap();
        assert_eq!(zoe.student.given_name, "Zoë", "{format}");
        assert_eq!(zoe.class_name.as_deref(), Some("Grade 5 B"), "{format}");
        assert_eq!(
            zoe.guardians[0].guardian.phone.as_deref(),
            Some("+919845012345"),
            "{format}"
        );
        let wanjiru = students::find_by_admission_no(&store, "SM-103")
            .unwrap()
            .unwrap();
        assert_eq!(
            wanjiru.student.dob.unwrap().to_string(),
            "2016-02-29",
            "{format}: a leap day"
        );
        assert_eq!(
            wanjiru.guardians[0].guardian.phone.as_deref(),
            Some("+254712345678"),
            "{format}"
        );
    }
}

/// The students as a person sees them: everything but the ids, which each store makes.
fn rows(store: &Store) -> Vec<serde_json::Value> {
    let mut rows: Vec<StudentRow> = students::list(store, &StudentFilter::default()).unwrap();
    rows.sort_by(|a, b| a.admission_no.cmp(&b.admission_no));
    rows.into_iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap();
            v.as_object_mut()
                .unwrap()
                .retain(|k, _| k != "id" && k != "class_id");
            v
        })
        .collect()
}

#[test]
fn the_student_register_re_imports_to_the_same_data_directly_and_through_libreoffice() {
    let work = tempfile::tempdir().unwrap();
    let (_a, first) = common::school_store();
    let csv = work.path().join("list.csv");
    std::fs::write(&csv, CLASS_LIST).unwrap();
    assert!(import_all(&first, &csv).committed);
    let register = work.path().join("register.xlsx");
    export::write_file(&register, &export::student_register(&first).unwrap()).unwrap();

    let (_b, second) = common::school_store();
    let out = import_all(&second, &register);
    assert!(out.committed, "{out:?}");
    assert_eq!(rows(&first).len(), 3);
    assert_eq!(rows(&second), rows(&first));

    let ods = common::convert(
        &register,
        "ods",
        &work.path().join("o"),
        &work.path().join("profile"),
    );
    let (_c, third) = common::school_store();
    assert!(import_all(&third, &ods).committed);
    assert_eq!(rows(&third), rows(&first));

    // Importing the register into the store it came from changes nothing.
    let again = import_all(&first, &register);
    assert!(!again.committed);
    assert_eq!(again.unchanged, 3);
}

/// A class list with one stray cell at the sheet's last row and column, saved by LibreOffice
/// as xls (read: the stray cell is ignored) and ods (refused with a message saying why;
/// the reader's own limit keeps memory bounded).
#[test]
fn a_stray_far_cell_costs_nothing_in_xls_and_is_explained_in_ods() {
    let work = tempfile::tempdir().unwrap();
    let profile = work.path().join("profile");
    let xlsx = work.path().join("far.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Adm No").unwrap();
    ws.write_string(0, 1, "Student Name").unwrap();
    ws.write_string(1, 0, "A-1").unwrap();
    ws.write_string(1, 1, "Asha Rao").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(&xlsx).unwrap();

    let xls = common::convert(&xlsx, "xls", &work.path().join("xls"), &profile);
    let book = import::read_path(&xls).unwrap();
    assert!(book.file().sheets[0].rows >= 2);
    let ods = common::convert(&xlsx, "ods", &work.path().join("ods"), &profile);
    let err = import::read_path(&ods).unwrap_err();
    assert!(err.message.contains("stray cell"), "{}", err.message);
}

//! `rollbook export` on a fresh data folder: the files it writes open as spreadsheets with
//! the school's data in them, and what it prints says what it wrote.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{ok, rollbook};

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let bytes = std::fs::read(path).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    wb.worksheet_range(name).unwrap()
}

fn cell(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    r.get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// A school with two classes and three students, made with the CLI itself.
fn school(dir: &Path) {
    ok(
        dir,
        &[
            "init",
            "--school",
            "St. Mary's School",
            "--country",
            "IN",
            "--time-zone",
            "Asia/Kolkata",
        ],
    );
    ok(dir, &["class", "add", "--name", "Grade 5 B"]);
    ok(dir, &["class", "add", "--name", "Grade 6 A"]);
    let students: [&[&str]; 3] = [
        &[
            "--admission-no",
            "A-2",
            "--given",
            "Zara",
            "--family",
            "Sharma",
            "--class",
            "Grade 5 B",
            "--dob",
            "2016-05-14",
            "--guardian-name",
            "Rakesh Sharma",
            "--guardian-phone",
            "98765 43210",
        ],
        &[
            "--admission-no",
            "A-1",
            "--given",
            "Aarav",
            "--family",
            "Patel",
            "--class",
            "Grade 5 B",
        ],
        &[
            "--admission-no",
            "B-1",
            "--given",
            "Diya",
            "--family",
            "Iyer",
            "--class",
            "Grade 6 A",
        ],
    ];
    for s in students {
        let mut args = vec!["student", "add"];
        args.extend_from_slice(s);
        ok(dir, &args);
    }
}

#[test]
fn export_roll_writes_one_class_or_every_class() {
    let data = tempfile::tempdir().unwrap();
    school(data.path());
    let out = data.path().join("roll.xlsx");
    let out_s = out.to_str().unwrap();

    let said = ok(
        data.path(),
        &["export", "roll", "--class", "grade 5 b", "--out", out_s],
    );
    assert_eq!(
        said.trim(),
        format!("Wrote class roll of Grade 5 B (2 students) to {out_s}")
    );
    let r = sheet(&out, "Grade 5 B");
    assert_eq!(cell(&r, 0, 0), "St. Mary's School");
    assert_eq!(cell(&r, 3, 2), "Student Name");
    assert_eq!(cell(&r, 4, 2), "Aarav Patel");
    assert_eq!(cell(&r, 5, 2), "Zara Sharma");
    assert_eq!(cell(&r, 5, 6), "+919876543210");

    let said: serde_json::Value = serde_json::from_str(&ok(
        data.path(),
        &["export", "roll", "--out", out_s, "--json"],
    ))
    .unwrap();
    assert_eq!(
        said,
        serde_json::json!({ "path": out_s, "sheets": 2, "rows": 3 })
    );
    assert_eq!(cell(&sheet(&out, "Grade 6 A"), 4, 2), "Diya Iyer");

    let said = ok(data.path(), &["export", "roll", "--out", out_s]);
    assert_eq!(
        said.trim(),
        format!("Wrote class rolls of 2 classes (3 students) to {out_s}")
    );
}

#[test]
fn export_students_and_template_write_the_import_columns() {
    let data = tempfile::tempdir().unwrap();
    school(data.path());
    let register = data.path().join("students.xlsx");
    let said = ok(
        data.path(),
        &["export", "students", "--out", register.to_str().unwrap()],
    );
    assert_eq!(
        said.trim(),
        format!(
            "Wrote student register (3 students) to {}",
            register.display()
        )
    );
    let r = sheet(&register, "Students");
    assert_eq!(cell(&r, 3, 0), "Admission No");
    assert_eq!(cell(&r, 3, 3), "Class");
    let rows: Vec<String> = (4..7).map(|row| cell(&r, row, 0)).collect();
    assert_eq!(rows, ["A-1", "A-2", "B-1"], "class then name order");

    let template = data.path().join("template.xlsx");
    let said: serde_json::Value = serde_json::from_str(&ok(
        data.path(),
        &[
            "export",
            "template",
            "--out",
            template.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(said["sheets"], 2);
    assert_eq!(said["rows"], 1);
    let t = sheet(&template, "Students");
    assert_eq!(cell(&t, 0, 0), "Admission No");
    assert_eq!(cell(&sheet(&template, "Instructions"), 3, 0), "Column");
}

#[test]
fn export_refuses_a_wrong_file_name_or_class_and_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    school(data.path());
    let csv = data.path().join("roll.csv");
    let out = rollbook(
        data.path(),
        &["export", "roll", "--out", csv.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["code"], "validation");
    assert_eq!(e["field"], "--out");
    assert!(e["message"].as_str().unwrap().contains(".xlsx"));
    assert!(!csv.exists());

    let xlsx = data.path().join("roll.xlsx");
    let out = rollbook(
        data.path(),
        &[
            "export",
            "roll",
            "--class",
            "Grade 9 Z",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no class called \"Grade 9 Z\""));
    assert!(!xlsx.exists());
}

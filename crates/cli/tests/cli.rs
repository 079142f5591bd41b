//! The `rollbook` binary against a fresh data folder, as school IT would use it.

#![allow(clippy::unwrap_used)] // a test helper that fails loudly is what a test wants

mod common;

use common::{json, ok, rollbook};
use std::path::Path;
use std::process::Command;

fn school(dir: &Path) {
    common::st_marys(dir);
}

#[test]
fn what_is_added_is_listed_as_json() {
    let dir = tempfile::tempdir().unwrap();
    school(dir.path());
    ok(
        dir.path(),
        &[
            "student",
            "add",
            "--admission-no",
            "A-101",
            "--given",
            "Aarav",
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
    );
    ok(
        dir.path(),
        &[
            "student",
            "add",
            "--admission-no",
            "A-102",
            "--given",
            "Diya",
            "--family",
            "Patel",
        ],
    );

    let list = json(
        dir.path(),
        &["student", "list", "--class", "Grade 5 B", "--json"],
    );
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["admission_no"], "A-101");
    assert_eq!(list[0]["given_name"], "Aarav");
    assert_eq!(list[0]["class_name"], "Grade 5 B");
    assert_eq!(list[0]["dob"], "2016-05-14");
    assert_eq!(list[0]["guardian_phone"], "+919876543210");
    assert_eq!(
        json(dir.path(), &["student", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let hits = json(dir.path(), &["search", "aar", "--json"]);
    assert_eq!(hits[0]["admission_no"], "A-101");
    let hits = json(dir.path(), &["search", "98765", "--json"]);
    assert_eq!(hits[0]["matched"], "phone");

    let years = json(dir.path(), &["year", "list", "--json"]);
    assert_eq!(years[0]["year"]["name"], "2026-27");
    assert_eq!(years[0]["terms"][0]["name"], "Term 1");
    let classes = json(dir.path(), &["class", "list", "--json"]);
    assert_eq!(classes[0]["student_count"], 1);
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    school(dir.path());
    ok(
        dir.path(),
        &[
            "student",
            "add",
            "--admission-no",
            "A-1",
            "--given",
            "Aarav",
        ],
    );
    let out = rollbook(
        dir.path(),
        &[
            "student",
            "add",
            "--admission-no",
            "a-1",
            "--given",
            "Other",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already belongs to Aarav"), "{err}");

    let out = rollbook(
        dir.path(),
        &[
            "student",
            "add",
            "--admission-no",
            "A-2",
            "--given",
            "X",
            "--dob",
            "2016-02-30",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["code"], "validation");
    assert_eq!(e["field"], "dob");

    let out = rollbook(
        dir.path(),
        &[
            "student",
            "add",
            "--admission-no",
            "A-3",
            "--given",
            "X",
            "--class",
            "Grade 9 Z",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no class called \"Grade 9 Z\""));
    assert_eq!(
        json(dir.path(), &["student", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn init_defaults_the_date_order_from_the_country_and_names_bad_flags() {
    let dir = tempfile::tempdir().unwrap();
    let p = json(
        dir.path(),
        &[
            "init",
            "--school",
            "Lincoln Elementary",
            "--country",
            "US",
            "--currency",
            "USD",
            "--json",
        ],
    );
    assert_eq!(p["date_order"], "MDY");
    let other = tempfile::tempdir().unwrap();
    let out = rollbook(
        other.path(),
        &[
            "init",
            "--school",
            "X",
            "--country",
            "Narnia",
            "--currency",
            "INR",
            "--json",
        ],
    );
    let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["field"], "--country");
}

#[test]
fn doctor_checks_the_database() {
    let dir = tempfile::tempdir().unwrap();
    school(dir.path());
    let report = json(dir.path(), &["doctor", "--json"]);
    assert_eq!(report["ok"], true);
    assert_eq!(report["integrity"][0], "ok");
    assert_eq!(report["schema_version"], report["schema_latest"]);

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("rollbook.db"),
        b"this is a spreadsheet, not a database, but long enough to look like one....",
    )
    .unwrap();
    let out = rollbook(bad.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("or it is damaged"), "{stderr}");
    assert!(stderr.contains("recovery key"), "{stderr}");
}

#[test]
fn the_data_folder_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rollbook"))
        .args(["init", "--school", "Env School", "--country", "KE"])
        .env("ROLLBOOK_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("rollbook.db").exists());
}

#[test]
fn a_backup_is_taken_listed_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    school(&data);
    ok(
        &data,
        &["student", "add", "--admission-no", "A-1", "--given", "Asha"],
    );
    let taken = json(&data, &["backup", "--to", usb.to_str().unwrap(), "--json"]);
    let file = taken["path"].as_str().unwrap().to_owned();
    assert!(file.ends_with(".rbk"), "{file}");
    let listed = json(
        &data,
        &["backup", "--to", usb.to_str().unwrap(), "--list", "--json"],
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);

    ok(
        &data,
        &["student", "add", "--admission-no", "A-2", "--given", "Bela"],
    );
    let restored = json(&data, &["restore", &file, "--json"]);
    assert!(
        restored["kept_aside"]
            .as_str()
            .unwrap()
            .contains("before-restore")
    );
    let students = json(&data, &["student", "list", "--json"]);
    assert_eq!(
        students.as_array().unwrap().len(),
        1,
        "the database as it was backed up"
    );

    let junk = dir.path().join("junk.rbk");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = rollbook(&data, &["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(
        json(&data, &["student", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing changed"
    );
}

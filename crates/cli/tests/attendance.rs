//! `rollbook attendance`: a roll taken from the terminal, shown, re-marked, and counted.

#![allow(clippy::unwrap_used)] // a test helper that fails loudly is what a test wants

mod common;

use common::{json, ok, rollbook};
use std::path::Path;

fn school(dir: &Path) {
    common::st_marys(dir);
    common::grade_5b_students(
        dir,
        &[
            ("A1", "Aarav"),
            ("A2", "Bela"),
            ("A3", "Chitra"),
            ("A4", "Dev"),
        ],
    );
}

fn codes(roll: &serde_json::Value) -> Vec<(String, String)> {
    roll["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["admission_no"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_roll_is_marked_shown_and_remarked_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school(dir);
    let saved = json(
        dir,
        &[
            "attendance",
            "mark",
            "--class",
            "Grade 5 B",
            "--date",
            "2026-11-18",
            "--absent",
            "A2",
            "--late",
            "A3:10",
            "--json",
        ],
    );
    assert_eq!(saved["marked"], 4);
    assert_eq!(saved["session"], "day");

    let args = [
        "attendance",
        "show",
        "--class",
        "Grade 5 B",
        "--date",
        "2026-11-18",
        "--json",
    ];
    let roll = json(dir, &args);
    assert_eq!(
        codes(&roll),
        [("A1", "P"), ("A2", "A"), ("A3", "L"), ("A4", "P")]
            .map(|(a, c)| (a.to_owned(), c.to_owned()))
    );
    assert_eq!(roll["entries"][2]["late_minutes"], 10);

    // Bela turns up: marking again (by a teacher on the staff list) changes her mark and
    // leaves everyone else's.
    ok(
        dir,
        &[
            "staff",
            "add",
            "--name",
            "Meera Pillai",
            "--role",
            "Teacher",
        ],
    );
    let again = json(
        dir,
        &[
            "attendance",
            "mark",
            "--class",
            "Grade 5 B",
            "--date",
            "2026-11-18",
            "--late",
            "A3:10",
            "--taken-by",
            "meera pillai",
            "--json",
        ],
    );
    assert_eq!(
        (
            again["marked"].as_u64(),
            again["changed"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(1), Some(3))
    );
    assert_eq!(codes(&json(dir, &args))[1].1, "P");

    let text = ok(
        dir,
        &[
            "attendance",
            "show",
            "--class",
            "Grade 5 B",
            "--date",
            "2026-11-18",
        ],
    );
    assert!(text.contains("L (10 min)"), "{text}");

    let summary = json(
        dir,
        &[
            "attendance",
            "student",
            "A2",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-20",
            "--json",
        ],
    );
    assert_eq!(summary["working_days"], 5);
    assert_eq!(summary["tally"]["marked"], 1);
    assert_eq!(summary["tally"]["percentage"], 100.0);
}

#[test]
fn mistakes_are_named_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school(dir);
    let fail = |args: &[&str], expect: &str| {
        let out = rollbook(dir, args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    };
    let base = ["attendance", "mark", "--class", "Grade 5 B", "--date"];
    fail(
        &[&base[..], &["2026-11-18", "--absent", "Z9"]].concat(),
        "Z9 is not the admission number",
    );
    fail(
        &[&base[..], &["2026-11-18", "--late", "A3"]].concat(),
        "e.g. A3:10",
    );
    fail(
        &[&base[..], &["2026-11-18", "--late", "A3:0"]].concat(),
        "A3: Minutes late must be between 1 and 720",
    );
    fail(
        &[
            &base[..],
            &["2026-11-18", "--absent", "A1", "--excused", "A1"],
        ]
        .concat(),
        "both in --absent and in --excused",
    );
    fail(
        &[&base[..], &["2026-11-21"]].concat(),
        "not a school day (Saturday)",
    );
    fail(
        &[&base[..], &["18/11/2026"]].concat(),
        "expected YYYY-MM-DD",
    );
    fail(
        &[
            "attendance",
            "mark",
            "--class",
            "Grade 9",
            "--date",
            "2026-11-18",
        ],
        "no class called",
    );
    let roll = json(
        dir,
        &[
            "attendance",
            "show",
            "--class",
            "Grade 5 B",
            "--date",
            "2026-11-18",
            "--json",
        ],
    );
    assert_eq!(roll["taken"], false, "no failed command saved anything");
}

#[test]
fn the_monthly_register_is_written_with_the_marks_taken() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    school(&data);
    for (date, absent) in [
        ("2026-11-16", "A2"),
        ("2026-11-17", "A2"),
        ("2026-11-18", "A1"),
    ] {
        ok(
            &data,
            &[
                "attendance",
                "mark",
                "--class",
                "Grade 5 B",
                "--date",
                date,
                "--absent",
                absent,
            ],
        );
    }
    let out = dir.path().join("register.xlsx");
    let out_s = out.to_str().unwrap();
    let made = json(
        &data,
        &[
            "export",
            "register",
            "--class",
            "Grade 5 B",
            "--month",
            "2026-11",
            "--out",
            out_s,
            "--json",
        ],
    );
    assert_eq!(made["sheets"], 1);
    let mut book: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(std::fs::read(&out).unwrap())).unwrap();
    let range = book.worksheet_range("Grade 5 B").unwrap();
    // Find Bela's row and the "%" column: two absences in three marked days.
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let header = rows.iter().find(|r| r.iter().any(|c| c == "%")).unwrap();
    let pct = header.iter().position(|c| c == "%").unwrap();
    let bela = rows.iter().find(|r| r.iter().any(|c| c == "Bela")).unwrap();
    assert_eq!(bela[pct], "33.3");

    let out = rollbook(
        &data,
        &["export", "register", "--month", "2026-13", "--out", out_s],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026-13"));
}

//! Running the `rollbook` binary against a data folder, for the CLI's tests.

#![allow(dead_code, clippy::unwrap_used)] // each test binary uses some of these; helpers fail loudly

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `rollbook --data-dir DIR ARGS...`, ignoring any `ROLLBOOK_DATA_DIR` of the caller.
pub fn rollbook(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollbook"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ROLLBOOK_DATA_DIR")
        .output()
        .expect("run rollbook")
}

/// Runs a command that must succeed and returns what it printed.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = rollbook(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must succeed and parses its `--json` output.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(dir, args)).expect("valid JSON")
}

/// Sets up St. Mary's School (India, INR, Asia/Kolkata) with the year 2026-27 (1 April to
/// 31 March) and its Term 1 (April to September), and a class Grade 5 B.
pub fn st_marys(dir: &Path) {
    ok(
        dir,
        &[
            "init",
            "--school",
            "St. Mary's School",
            "--country",
            "IN",
            "--currency",
            "INR",
            "--time-zone",
            "Asia/Kolkata",
        ],
    );
    ok(
        dir,
        &[
            "year",
            "add",
            "--name",
            "2026-27",
            "--start",
            "2026-04-01",
            "--end",
            "2027-03-31",
        ],
    );
    ok(
        dir,
        &[
            "term",
            "add",
            "--year",
            "2026-27",
            "--name",
            "Term 1",
            "--start",
            "2026-04-01",
            "--end",
            "2026-09-30",
        ],
    );
    ok(dir, &["class", "add", "--name", "Grade 5 B"]);
}

/// Adds students to Grade 5 B: (admission number, given name).
pub fn grade_5b_students(dir: &Path, students: &[(&str, &str)]) {
    for (adm, given) in students {
        ok(
            dir,
            &[
                "student",
                "add",
                "--admission-no",
                adm,
                "--given",
                given,
                "--class",
                "Grade 5 B",
            ],
        );
    }
}

/// Runs `rollbook --data-dir DIR ARGS...` with `stdin` piped in (PINs, a recovery key).
pub fn with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollbook"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ROLLBOOK_DATA_DIR")
        .env_remove("ROLLBOOK_USER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

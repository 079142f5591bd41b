//! `rollbook user`, `--user NAME --pin-stdin`, `unlock` and `export audit`: each command is a
//! fresh process, so the wrong-PIN count is seen to survive restarts. Runs against the real
//! OS keyring (CI starts a Secret Service on a private D-Bus).

#![allow(clippy::unwrap_used)] // a test helper that fails loudly is what a test wants

mod common;

use common::with_stdin;

use std::path::Path;
use std::process::Command;

fn ok_with(dir: &Path, args: &[&str], stdin: &str) -> String {
    let out = with_stdin(dir, args, stdin);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn err_with(dir: &Path, args: &[&str], stdin: &str) -> String {
    let out = with_stdin(dir, args, stdin);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// St. Mary's with an administrator (PIN 4829) and a clerk, Ravi (PIN 1357).
fn school_with_users(dir: &Path) {
    common::st_marys(dir);
    common::grade_5b_students(dir, &[("A1", "Aarav")]);
    ok_with(
        dir,
        &[
            "user",
            "add",
            "--name",
            "Mrs. Iyer",
            "--role",
            "administrator",
            "--pin-stdin",
        ],
        "4829\n",
    );
    ok_with(
        dir,
        &[
            "--user",
            "mrs. iyer",
            "--pin-stdin",
            "user",
            "add",
            "--name",
            "Ravi",
            "--role",
            "clerk",
        ],
        "4829\n1357\n",
    );
}

#[test]
fn once_users_exist_every_command_needs_one_and_their_pin() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school_with_users(dir);

    let e = common::rollbook(dir, &["class", "list"]);
    assert!(!e.status.success());
    assert!(String::from_utf8_lossy(&e.stderr).contains("Sign in"));

    let out = ok_with(dir, &["--user", "Ravi", "--pin-stdin", "unlock"], "1357\n");
    assert!(out.contains("PIN accepted: Ravi (clerk)"), "{out}");
    let list = ok_with(
        dir,
        &["--user", "Ravi", "--pin-stdin", "class", "list"],
        "1357\n",
    );
    assert!(list.contains("Grade 5 B"), "{list}");

    // A clerk may not add users; the core says so.
    let e = err_with(
        dir,
        &[
            "--user",
            "Ravi",
            "--pin-stdin",
            "user",
            "add",
            "--name",
            "Anita",
            "--role",
            "clerk",
        ],
        "1357\n2468\n",
    );
    assert!(e.contains("clerk may not manage users"), "{e}");
}

#[test]
fn the_import_history_names_who_imported() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school_with_users(dir);
    let file = dir.join("class-5b.csv");
    std::fs::write(
        &file,
        "Adm No,Name,Class\nA7,Meera Iyer,Grade 5 B\nA8,Kabir Khan,Grade 5 B\n",
    )
    .unwrap();
    let file = file.to_string_lossy().into_owned();
    let ravi = ["--user", "Ravi", "--pin-stdin"];
    ok_with(dir, &[&ravi[..], &["import", &file]].concat(), "1357\n");

    let out = ok_with(dir, &[&ravi[..], &["imports"]].concat(), "1357\n");
    let line = out
        .lines()
        .find(|l| l.contains("class-5b.csv"))
        .unwrap_or_default();
    assert!(line.contains("Ravi"), "{out}");
    assert!(line.contains("can be undone"), "{out}");
    let json = ok_with(
        dir,
        &[&["--json"][..], &ravi, &["imports"]].concat(),
        "1357\n",
    );
    let records: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(records[0]["user_name"], "Ravi");
    assert_eq!(records[0]["inserted"], 2);
}

#[test]
fn five_wrong_pins_lock_a_user_across_restarts_until_an_administrator_resets_it() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school_with_users(dir);

    let first = err_with(dir, &["--user", "Ravi", "--pin-stdin", "unlock"], "0000\n");
    assert!(first.contains("Wrong PIN. 4 tries left"), "{first}");
    let mut last = String::new();
    for attempt in 2..=5 {
        // Wait out the back-off (1, 2, 4, 8 s) by asking until it is no longer "wait".
        loop {
            last = err_with(dir, &["--user", "Ravi", "--pin-stdin", "unlock"], "0000\n");
            if !last.contains("before trying again") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        assert!(
            last.contains("Wrong PIN") || attempt == 5,
            "attempt {attempt}: {last}"
        );
    }
    assert!(last.contains("locked"), "{last}");
    let e = err_with(dir, &["--user", "Ravi", "--pin-stdin", "unlock"], "1357\n");
    assert!(
        e.contains("Ravi is locked"),
        "the right PIN is refused too: {e}"
    );

    ok_with(
        dir,
        &[
            "--user",
            "Mrs. Iyer",
            "--pin-stdin",
            "user",
            "reset-pin",
            "Ravi",
        ],
        "4829\n8642\n",
    );
    let out = ok_with(dir, &["--user", "Ravi", "--pin-stdin", "unlock"], "8642\n");
    assert!(out.contains("PIN accepted"), "{out}");
}

#[test]
fn a_clerk_is_refused_a_reversal_and_the_audit_report_names_who_did_what() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school_with_users(dir);
    let admin = ["--user", "Mrs. Iyer", "--pin-stdin"];
    let ravi = ["--user", "Ravi", "--pin-stdin"];
    let run = |who: &[&str], args: &[&str], pin: &str| {
        let all: Vec<&str> = who.iter().chain(args).copied().collect();
        ok_with(dir, &all, pin)
    };
    run(
        &admin,
        &["fees", "head", "add", "--name", "Tuition"],
        "4829\n",
    );
    run(
        &admin,
        &[
            "fees",
            "structure",
            "set",
            "--class",
            "Grade 5 B",
            "--term",
            "Term 1",
            "--head",
            "Tuition",
            "--amount",
            "1500",
            "--due",
            "2026-05-15",
        ],
        "4829\n",
    );
    run(
        &admin,
        &["fees", "apply", "--class", "Grade 5 B", "--term", "Term 1"],
        "4829\n",
    );
    let paid: serde_json::Value = serde_json::from_str(&run(
        &ravi,
        &[
            "fees",
            "pay",
            "--student",
            "A1",
            "--amount",
            "500",
            "--json",
        ],
        "1357\n",
    ))
    .unwrap();
    assert_eq!(
        paid["cashier"], "Ravi",
        "the receipt names who took the money"
    );
    let receipt = paid["receipt_no"].as_str().unwrap();

    let mut args: Vec<&str> = ravi.to_vec();
    args.extend([
        "fees",
        "reverse",
        "--receipt",
        receipt,
        "--reason",
        "mistake",
    ]);
    let e = err_with(dir, &args, "1357\n");
    assert!(e.contains("clerk may not reverse payments"), "{e}");
    let balance: serde_json::Value = serde_json::from_str(&run(
        &admin,
        &["fees", "balance", "--student", "A1", "--json"],
        "4829\n",
    ))
    .unwrap();
    assert_eq!(balance["balance"], 100_000, "the payment still stands");

    // The administrator's report of Ravi's day: his sign-ins and his payment, nobody else's.
    let today = chrono_today();
    let out = dir.join("audit.xlsx");
    let mut args: Vec<&str> = admin.to_vec();
    let out_text = out.display().to_string();
    args.extend([
        "export",
        "audit",
        "--from",
        &today,
        "--to",
        &today,
        "--for-user",
        "Ravi",
        "--out",
        &out_text,
    ]);
    ok_with(dir, &args, "4829\n");
    let bytes = std::fs::read(&out).unwrap();
    let text = sheet_text(&bytes);
    assert!(text.contains("ledger_entry"), "the payment is there");
    assert!(text.contains("sign_in"), "so is Ravi's sign-in");
    for line in text.lines().skip(4) {
        assert!(line.contains("\tRavi\t"), "only Ravi's rows: {line}");
    }
}

/// Today's date at the school (Asia/Kolkata), which is what the report's range means.
fn chrono_today() -> String {
    let out = Command::new("date")
        .args(["+%Y-%m-%d"])
        .env("TZ", "Asia/Kolkata")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The "Audit" sheet's rows, each as its cells joined by tabs.
fn sheet_text(xlsx: &[u8]) -> String {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let range = book.worksheet_range("Audit").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

//! `rollbook fees`: setting up a structure, charging a class, taking and reversing payments.

#![allow(clippy::unwrap_used)] // a test helper that fails loudly is what a test wants

mod common;

use common::{json, ok, rollbook};
use std::path::Path;

fn school(dir: &Path) {
    common::st_marys(dir);
    common::grade_5b_students(dir, &[("A1", "Aarav"), ("A2", "Bela")]);
    ok(dir, &["fees", "head", "add", "--name", "Tuition"]);
    ok(dir, &["fees", "head", "add", "--name", "Exam"]);
    for (head, amount, due) in [
        ("Tuition", "1500.00", "2026-05-15"),
        ("Exam", "250", "2026-06-30"),
    ] {
        ok(
            dir,
            &[
                "fees",
                "structure",
                "set",
                "--class",
                "Grade 5 B",
                "--term",
                "Term 1",
                "--head",
                head,
                "--amount",
                amount,
                "--due",
                due,
            ],
        );
    }
}

#[test]
fn a_class_is_charged_paid_and_a_payment_reversed() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school(dir);
    let applied = json(
        dir,
        &[
            "fees",
            "apply",
            "--class",
            "Grade 5 B",
            "--term",
            "Term 1",
            "--json",
        ],
    );
    assert_eq!(
        (applied["students"].as_u64(), applied["charges"].as_u64()),
        (Some(2), Some(4))
    );

    ok(
        dir,
        &[
            "staff",
            "add",
            "--name",
            "Joy Achieng",
            "--role",
            "Accounts",
        ],
    );
    let paid = json(
        dir,
        &[
            "fees",
            "pay",
            "--student",
            "A1",
            "--amount",
            "1000",
            "--method",
            "cash",
            "--cashier",
            "joy achieng",
            "--json",
        ],
    );
    let receipt = paid["receipt_no"].as_str().unwrap().to_owned();
    assert!(receipt.ends_with("-000001"), "{receipt}");
    assert_eq!(paid["cashier"], "Joy Achieng");
    assert_eq!(paid["balance_after"], 75_000);

    let second = json(
        dir,
        &[
            "fees",
            "pay",
            "--student",
            "A2",
            "--amount",
            "1750",
            "--method",
            "upi",
            "--reference",
            "UPI123",
            "--json",
        ],
    );
    assert!(second["receipt_no"].as_str().unwrap().ends_with("-000002"));
    let b = json(dir, &["fees", "balance", "--student", "A2", "--json"]);
    assert_eq!(b["total_due"], 0);

    let b = json(dir, &["fees", "balance", "--student", "A1", "--json"]);
    assert_eq!(b["balance"], 75_000);
    assert_eq!(b["dues"][0]["head_name"], "Tuition");
    assert_eq!(b["dues"][0]["outstanding"], 50_000);

    ok(
        dir,
        &[
            "fees",
            "reverse",
            "--receipt",
            &receipt,
            "--reason",
            "Counterfeit note",
        ],
    );
    let b = json(dir, &["fees", "balance", "--student", "A1", "--json"]);
    assert_eq!(b["balance"], 175_000);
    let text = ok(dir, &["fees", "statement", "--student", "A1"]);
    assert!(text.contains("payment (void)"), "{text}");
    assert!(text.contains("reversal"), "{text}");

    let second_no = second["receipt_no"].as_str().unwrap();
    let code = json(dir, &["fees", "balance", "--student", "A2", "--json"]);
    assert_eq!(code["total_due"], 0);
    let forged = rollbook(dir, &["fees", "verify", second_no, "--code", "0000-0000"]);
    assert!(!forged.status.success());
    assert!(String::from_utf8_lossy(&forged.stdout).contains("verification code does not match"));
    let void = rollbook(dir, &["fees", "verify", &receipt, "--code", "0000-0000"]);
    assert!(String::from_utf8_lossy(&void.stdout).contains("void"));

    let doctor = ok(dir, &["doctor"]);
    assert!(doctor.contains("ledger: every chain verified"), "{doctor}");
}

#[test]
fn fee_mistakes_are_named_on_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    school(dir);
    ok(
        dir,
        &["fees", "apply", "--class", "Grade 5 B", "--term", "Term 1"],
    );
    let fail = |args: &[&str], expect: &str| {
        let out = rollbook(dir, args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    };
    fail(
        &["fees", "pay", "--student", "A1", "--amount", "1750.01"],
        "more than that",
    );
    fail(
        &["fees", "pay", "--student", "A1", "--amount", "12.345"],
        "more decimals",
    );
    fail(
        &[
            "fees",
            "pay",
            "--student",
            "A1",
            "--amount",
            "10",
            "--method",
            "barter",
        ],
        "not a payment method",
    );
    fail(
        &[
            "fees",
            "pay",
            "--student",
            "A1",
            "--amount",
            "10",
            "--method",
            "cheque",
        ],
        "cheque number",
    );
    fail(
        &["fees", "pay", "--student", "Z9", "--amount", "10"],
        "No student has admission number Z9",
    );
    fail(
        &["fees", "reverse", "--receipt", "NOPE-1", "--reason", "x"],
        "There is no receipt NOPE-1",
    );
    fail(
        &["fees", "apply", "--class", "Grade 5 B", "--term", "Term 9"],
        "no term called",
    );
    let out = rollbook(
        dir,
        &[
            "--json",
            "fees",
            "pay",
            "--student",
            "A1",
            "--amount",
            "abc",
        ],
    );
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["field"], "--amount");
}

#[test]
fn the_day_book_and_defaulters_are_exported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    school(&data);
    ok(
        &data,
        &["fees", "apply", "--class", "Grade 5 B", "--term", "Term 1"],
    );
    ok(
        &data,
        &["fees", "pay", "--student", "A1", "--amount", "1750"],
    );
    ok(
        &data,
        &["fees", "pay", "--student", "A2", "--amount", "100"],
    );
    let closing = json(
        &data,
        &["fees", "close-cash", "--counted", "1850", "--json"],
    );
    assert_eq!(closing["difference"], 0);
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let d = json(
        &data,
        &[
            "export",
            "defaulters",
            "--out",
            &out("defaulters.xlsx"),
            "--json",
        ],
    );
    assert_eq!(d["rows"], 1, "only Bela owes past the due date");
    let b = json(
        &data,
        &["export", "daybook", "--out", &out("daybook.xlsx"), "--json"],
    );
    assert_eq!(b["rows"], 2);
    let c = ok(
        &data,
        &[
            "export",
            "collection",
            "--term",
            "Term 1",
            "--out",
            &out("collection.xlsx"),
        ],
    );
    assert!(c.contains("collection for Term 1"), "{c}");
}

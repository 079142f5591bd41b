//! A receipt saved as PDF, read back with poppler's pdftotext and pdfinfo: one A5 page that
//! says what the printed receipt says.

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use std::process::Command;

use rollbook_core::classes::{self, ClassInput};
use rollbook_core::fees::{self, HeadInput, PaymentInput, PaymentMethod, StructureInput};
use rollbook_core::students::{self, StudentInput};
use rollbook_core::years::{self, TermInput, YearInput};

fn poppler(tool: &str, pdf: &std::path::Path, extra: &[&str]) -> String {
    let mut cmd = Command::new(tool);
    cmd.args(extra).arg(pdf);
    if tool == "pdftotext" {
        cmd.arg("-"); // to stdout
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{tool} could not run: {e}. Install poppler-utils (scripts/setup-system.sh).")
    });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_receipt_pdf_is_one_a5_page_with_the_receipts_content() {
    let (dir, store) = common::school_store();
    years::add_year(
        &store,
        &YearInput {
            name: "2026-27".into(),
            start_date: "2026-04-01".into(),
            end_date: "2027-03-31".into(),
        },
    )
    .unwrap();
    let term = years::add_term(
        &store,
        "2026-27",
        &TermInput {
            name: "Term 1".into(),
            start_date: "2026-04-01".into(),
            end_date: "2026-09-30".into(),
        },
    )
    .unwrap()
    .id;
    let class = classes::create(
        &store,
        &ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let student = students::create(
        &store,
        &StudentInput {
            admission_no: "A-1".into(),
            given_name: "José".into(),
            family_name: "Nguyễn".into(),
            class_id: Some(class),
            ..Default::default()
        },
    )
    .unwrap()
    .student
    .id;
    let head = fees::add_head(
        &store,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    fees::set_structure(
        &store,
        &StructureInput {
            class_id: class,
            term_id: term,
            head_id: head,
            amount: "2500".into(),
            ..Default::default()
        },
    )
    .unwrap();
    fees::apply_structure(&store, class, term, false).unwrap();
    let r = fees::pay(
        &store,
        &PaymentInput {
            student_id: student,
            amount: "1500.50".into(),
            method: PaymentMethod::Cheque,
            reference: "004512".into(),
            bank: "State Bank".into(),
            allocations: vec![],
            dues: vec![],
            cashier: None,
        },
    )
    .unwrap();

    let path = dir.path().join("receipt.pdf");
    std::fs::write(
        &path,
        fees::receipt_pdf(&store, &r.receipt_no, false).unwrap(),
    )
    .unwrap();
    if let Ok(keep) = std::env::var("ROLLBOOK_KEEP_PDF") {
        std::fs::copy(&path, keep).unwrap();
    }
    let info = poppler("pdfinfo", &path, &[]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.split_whitespace().nth(1) == Some("1")),
        "one page: {info}"
    );
    assert!(info.contains("420 x 595 pts"), "A5 portrait: {info}");
    let text = poppler("pdftotext", &path, &["-layout"]);
    for expected in [
        "St. Mary's",
        "RECEIPT",
        r.receipt_no.as_str(),
        "José Nguyen",
        "A-1",
        "Grade 5 B",
        "Term 1 - Tuition",
        "1,500.50",
        "One thousand five hundred Indian rupees and 50/100 only",
        "Cheque (004512), State Bank",
        "999.50",
        r.verification_code.as_str(),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains("DUPLICATE"));

    let copy = dir.path().join("copy.pdf");
    std::fs::write(
        &copy,
        fees::receipt_pdf(&store, &r.receipt_no, true).unwrap(),
    )
    .unwrap();
    assert!(poppler("pdftotext", &copy, &[]).contains("DUPLICATE"));
    assert!(fees::receipt_pdf(&store, "NOPE-2026-000001", false).is_err());
}

//! Two office PCs and a real Rollbook cloud on 127.0.0.1 (port 0), real encrypted stores on
//! each side: the second PC bootstraps the school from the cloud, both work offline, both
//! sync, and they hold the same data; the cloud going down loses nothing.

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use common::Cloud;

use std::path::Path;

use rollbook_core::fees::{self, HeadInput, PaymentInput, PaymentMethod, StructureInput};
use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::students::{self, StudentFilter, StudentInput};
use rollbook_core::years::{TermInput, YearInput};
use rollbook_core::{ErrorCode, Id, Store, classes};

fn pc(dir: &Path) -> Store {
    Store::open(dir).unwrap()
}

fn set_up_school(store: &Store) -> (Id, Id) {
    school::setup(
        store,
        &SetupInput {
            school: SchoolInput {
                name: "St. Mary's School".into(),
                country: "IN".into(),
                time_zone: Some("Asia/Kolkata".into()),
                ..Default::default()
            },
            year: Some(YearInput {
                name: "2026-27".into(),
                start_date: "2026-04-01".into(),
                end_date: "2027-03-31".into(),
            }),
            terms: vec![TermInput {
                name: "Term 1".into(),
                start_date: "2026-04-01".into(),
                end_date: "2026-09-30".into(),
            }],
        },
    )
    .unwrap();
    let class = classes::create(
        store,
        &classes::ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let term = rollbook_core::years::list(store).unwrap()[0].terms[0].id;
    (class.id, term)
}

fn add_student(store: &Store, class: Id, adm: &str, given: &str) -> Id {
    students::create(
        store,
        &StudentInput {
            admission_no: adm.into(),
            given_name: given.into(),
            family_name: "Rao".into(),
            class_id: Some(class),
            ..Default::default()
        },
    )
    .unwrap()
    .student
    .id
}

fn pay(store: &Store, student: Id, amount: &str) -> String {
    fees::pay(
        store,
        &PaymentInput {
            student_id: student,
            amount: amount.into(),
            method: PaymentMethod::Cash,
            reference: String::new(),
            bank: String::new(),
            allocations: vec![],
            dues: vec![],
            cashier: None,
        },
    )
    .unwrap()
    .receipt_no
}

/// What a user sees of the school on a PC: every student, and each one's fee statement.
fn view(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for s in students::list(store, &StudentFilter::default()).unwrap() {
        out.push(format!(
            "{} {} {} {:?}",
            s.admission_no, s.given_name, s.family_name, s.class_name
        ));
        for line in fees::statement(store, s.id).unwrap() {
            out.push(format!(
                "  {:?} {:?} {} {} void={}",
                line.entry.kind, line.entry.receipt_no, line.entry.amount, line.balance, line.void
            ));
        }
    }
    out
}

#[test]
fn two_pcs_converge_through_the_cloud_and_an_outage_loses_nothing() {
    let mut cloud = Cloud::start();
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = pc(a_dir.path());
    let (class, term) = set_up_school(&a);
    let asha = add_student(&a, class, "A1", "Asha");
    add_student(&a, class, "A2", "Bela");
    let head = fees::add_head(
        &a,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap();
    fees::set_structure(
        &a,
        &StructureInput {
            class_id: class,
            term_id: term,
            head_id: head.id,
            amount: "1500".into(),
            due_date: "2026-05-15".into(),
            fine_kind: Default::default(),
            fine_amount: String::new(),
            fine_cap: String::new(),
        },
    )
    .unwrap();
    fees::apply_structure(&a, class, term, false).unwrap();
    pay(&a, asha, "500");

    // PC A joins the cloud and sends everything; PC B joins and gets the whole school.
    rollbook_sync::enrol(&a, &cloud.url(), &cloud.code(), "Front office").unwrap();
    let sent = rollbook_sync::sync_now(&a).unwrap();
    assert!(sent.pushed > 10, "{sent:?}");
    assert_eq!(rollbook_core::sync::status(&a).unwrap().pending, 0);

    let b = pc(b_dir.path());
    rollbook_sync::enrol(&b, &cloud.url(), &cloud.code(), "Accounts").unwrap();
    let got = rollbook_sync::sync_now(&b).unwrap();
    assert!(got.pulled > 10, "{got:?}");
    assert_eq!(school::get(&b).unwrap().unwrap().name, "St. Mary's School");
    assert_eq!(view(&a), view(&b));

    // Both work offline: A renames a student, B admits one and takes a payment.
    let input = StudentInput {
        admission_no: "A1".into(),
        given_name: "Aasha".into(),
        family_name: "Rao".into(),
        class_id: Some(class),
        ..Default::default()
    };
    students::update(&a, asha, &input).unwrap();
    let chen = add_student(&b, class, "B7", "Chen");
    let b_receipt = pay(&b, asha, "250");

    // The cloud goes down: syncing says so, keeps the changes, and tries again later.
    cloud.down();
    let e = rollbook_sync::sync_now(&a).unwrap_err();
    assert_eq!(e.code, ErrorCode::Offline, "{e:?}");
    let status = rollbook_core::sync::status(&a).unwrap();
    assert!(status.pending > 0);
    assert!(status.last_error.is_some());
    cloud.up();

    for _ in 0..2 {
        rollbook_sync::sync_now(&a).unwrap();
        rollbook_sync::sync_now(&b).unwrap();
    }
    assert_eq!(view(&a), view(&b), "the two PCs hold the same school");
    let on_a = view(&a).join("\n");
    assert!(on_a.contains("A1 Aasha Rao"), "{on_a}");
    assert!(on_a.contains("B7 Chen"), "{on_a}");
    assert_eq!(on_a.matches(&b_receipt).count(), 1, "B's payment once on A");
    assert!(students::get(&a, chen).is_ok());
    assert!(a.doctor().unwrap().ok && b.doctor().unwrap().ok);

    // Syncing again moves nothing, and nothing is waiting.
    let again = rollbook_sync::sync_now(&a).unwrap();
    assert_eq!((again.pushed, again.pulled, again.pending), (0, 0, 0));
}

//! Two office PCs and a real Rollbook cloud on 127.0.0.1 (port 0), real encrypted stores on
//! each side: the second PC bootstraps the school from the cloud, both work offline, both
//! sync, and they hold the same data; the cloud going down loses nothing.

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use common::{Cloud, add_student, edit_student, pay, set_up_school, view};
use rollbook_core::{ErrorCode, Store, students};

fn pc(dir: &std::path::Path) -> Store {
    Store::open(dir).unwrap()
}

#[test]
fn two_pcs_converge_through_the_cloud_and_an_outage_loses_nothing() {
    let mut cloud = Cloud::start();
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = pc(a_dir.path());
    // The school, its class, two students charged the term's tuition, one payment.
    let school = set_up_school(&a);
    let class = school.class;
    let asha = add_student(&a, class, "A1", "Asha");
    add_student(&a, class, "A2", "Bela");
    rollbook_core::fees::apply_structure(&a, class, school.term, false).unwrap();
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
    assert_eq!(
        rollbook_core::school::get(&b).unwrap().unwrap().name,
        "St. Mary's School"
    );
    assert_eq!(view(&a, &[]), view(&b, &[]));

    // Both work offline: A renames a student, B admits one and takes a payment.
    edit_student(&a, asha, |s| s.given_name = "Aasha".into());
    let chen = add_student(&b, class, "B7", "Chen");
    let b_receipt = pay(&b, asha, "250");

    // The cloud goes down: syncing says so, keeps the changes, and tries again later.
    cloud.down();
    let e = rollbook_sync::sync_now(&a).unwrap_err();
    assert_eq!(e.code, ErrorCode::Offline, "{e:?}");
    let status = rollbook_core::sync::status(&a).unwrap();
    assert!(status.pending > 0);
    assert!(status.last_error.is_some());
    assert_eq!(status.last_error_code, Some(ErrorCode::Offline));
    cloud.up();

    for _ in 0..2 {
        rollbook_sync::sync_now(&a).unwrap();
        rollbook_sync::sync_now(&b).unwrap();
    }
    assert_eq!(
        view(&a, &[]),
        view(&b, &[]),
        "the two PCs hold the same school"
    );
    let on_a = view(&a, &[]).join("\n");
    assert_eq!(on_a.matches(&b_receipt).count(), 1, "B's payment once on A");
    assert_eq!(students::get(&a, asha).unwrap().student.given_name, "Aasha");
    assert_eq!(students::get(&a, chen).unwrap().student.admission_no, "B7");
    assert!(a.doctor().unwrap().ok && b.doctor().unwrap().ok);

    // Syncing again moves nothing, and nothing is waiting.
    let again = rollbook_sync::sync_now(&a).unwrap();
    assert_eq!((again.pushed, again.pulled, again.pending), (0, 0, 0));
    let status = rollbook_core::sync::status(&a).unwrap();
    assert_eq!((status.last_error, status.last_error_code), (None, None));
}

//! Helpers for the core's own tests.

use tempfile::TempDir;

use crate::school::{self, SchoolInput, SetupInput};
use crate::store::Store;
use crate::years::{TermInput, YearInput};

pub(crate) fn new_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open store");
    (dir, store)
}

pub(crate) fn set_up_school(store: &Store) {
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
    .expect("setup");
}

/// A class with students (admission number, given name, family name); their ids in the
/// order given.
pub(crate) fn class_with_students(
    store: &Store,
    class: &str,
    students: &[(&str, &str, &str)],
) -> (crate::id::Id, Vec<crate::id::Id>) {
    let class_id = crate::classes::create(
        store,
        &crate::classes::ClassInput {
            name: class.into(),
            ..Default::default()
        },
    )
    .expect("class")
    .id;
    let ids = students
        .iter()
        .map(|(adm, given, family)| {
            crate::students::create(
                store,
                &crate::students::StudentInput {
                    admission_no: (*adm).into(),
                    given_name: (*given).into(),
                    family_name: (*family).into(),
                    class_id: Some(class_id),
                    ..Default::default()
                },
            )
            .expect("student")
            .student
            .id
        })
        .collect();
    (class_id, ids)
}

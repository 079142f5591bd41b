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

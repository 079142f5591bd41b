//! Helpers for the core's own tests.

use tempfile::TempDir;

use crate::school::{self, SchoolInput, SetupInput};
use crate::store::Store;
use crate::years::{TermInput, YearInput};

/// A store in a new folder, encrypted with [`test_key`]. The keyring is left alone: the
/// tests of the keyring itself (secrets, PINs, `Store::open`) use it; hundreds of stores
/// each filing a key there only load the test run's Secret Service.
pub(crate) fn new_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_with_key(dir.path(), test_key()).expect("open store");
    (dir, store)
}

/// The key of the tests' stores.
pub(crate) fn test_key() -> crate::store::DatabaseKey {
    crate::store::DatabaseKey::from_bytes([7; 32])
}

/// Opens again a store made by [`new_store`] (a restart of the app).
pub(crate) fn reopen(dir: &std::path::Path) -> Store {
    Store::open_with_key(dir, test_key()).expect("reopen store")
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

/// Adds a user with `role` (and, for a teacher, `class_ids`) straight into the table and
/// makes them the signed-in user, for tests of what each role may do. Tests of PINs and
/// signing in go through [`crate::users::add`] and [`crate::users::sign_in`] instead.
pub(crate) fn act_as(
    store: &Store,
    role: crate::users::Role,
    class_ids: &[crate::id::Id],
) -> crate::users::Actor {
    let actor = crate::users::Actor {
        user_id: crate::id::Id::new(),
        name: format!("Test {}", role.as_str()),
        role,
        class_ids: class_ids.to_vec(),
    };
    store
        .write(|w| {
            w.conn().execute(
                "INSERT INTO users (id, name, role, class_ids, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, '', '')
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role,
                     class_ids = excluded.class_ids",
                rusqlite::params![
                    actor.user_id,
                    actor.name,
                    role.as_str(),
                    serde_json::to_string(class_ids).expect("json")
                ],
            )?;
            Ok(())
        })
        .expect("add test user");
    let actor = store
        .read(|c| {
            Ok(
                c.query_row("SELECT id FROM users WHERE name = ?1", [&actor.name], |r| {
                    r.get(0)
                })?,
            )
        })
        .map(|user_id| crate::users::Actor { user_id, ..actor })
        .expect("test user");
    store.set_session(crate::users::Session::Active(actor.clone()));
    actor
}

//! The audit trail: who changed what with old and new values, events, and that it cannot be
//! edited.

use super::*;
use crate::error::ErrorCode;
use crate::students::{self, StudentInput};
use crate::testing::{act_as, class_with_students, new_store, set_up_school};
use crate::users::Role;

fn whole_range() -> AuditQuery {
    let d = chrono::Utc::now().date_naive();
    AuditQuery {
        from: (d - chrono::Duration::days(2)).to_string(),
        to: (d + chrono::Duration::days(2)).to_string(),
        ..Default::default()
    }
}

fn add_student(store: &Store, class_id: Id) {
    students::create(
        store,
        &StudentInput {
            admission_no: "A101".into(),
            given_name: "Asha".into(),
            family_name: "Rao".into(),
            class_id: Some(class_id),
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn a_change_is_recorded_with_who_and_the_old_and_new_values() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let (_class, ids) = class_with_students(&store, "5-B", &[("A101", "Asha", "Rao")]);
    let clerk = act_as(&store, Role::Clerk, &[]);
    let mut detail = students::get(&store, ids[0]).unwrap();
    let input = StudentInput {
        admission_no: detail.student.admission_no.clone(),
        given_name: "Aasha".into(),
        family_name: detail.student.family_name.clone(),
        class_id: detail.student.class_id,
        ..Default::default()
    };
    students::update(&store, ids[0], &input).unwrap();
    detail = students::get(&store, ids[0]).unwrap();
    assert_eq!(detail.student.given_name, "Aasha");

    act_as(&store, Role::Administrator, &[]);
    let rows = report(
        &store,
        &AuditQuery {
            student_id: Some(ids[0]),
            ..whole_range()
        },
    )
    .unwrap();
    let update = rows
        .iter()
        .find(|r| r.action == "update" && r.record_type == "student")
        .expect("the update is in the report");
    assert_eq!(update.user, clerk.name);
    assert_eq!(update.device_id, store.device_id());
    let given = update
        .changes
        .iter()
        .find(|c| c.field == "given_name")
        .expect("the changed field");
    assert_eq!(given.old, serde_json::json!("Asha"));
    assert_eq!(given.new, serde_json::json!("Aasha"));
    assert!(
        update.changes.iter().all(|c| c.field != "admission_no"),
        "unchanged fields are not listed: {:?}",
        update.changes
    );
    let insert = rows
        .iter()
        .find(|r| r.action == "insert" && r.record_type == "student")
        .expect("the student's creation");
    assert_eq!(insert.user, "", "made before the school had users");
}

#[test]
fn per_user_reports_hold_only_that_users_actions_and_events() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let (class_id, _) = class_with_students(&store, "5-B", &[]);
    let clerk = act_as(&store, Role::Clerk, &[]);
    add_student(&store, class_id);
    crate::users::lock(&store).unwrap();
    act_as(&store, Role::Administrator, &[]);
    let rows = report(
        &store,
        &AuditQuery {
            user_id: Some(clerk.user_id),
            ..whole_range()
        },
    )
    .unwrap();
    assert!(rows.iter().any(|r| r.record_type == "student"));
    assert!(rows.iter().any(|r| r.action == "lock"));
    assert!(rows.iter().all(|r| r.user == clerk.name), "{rows:?}");

    // A range that ends before today holds nothing of today's.
    let past = report(
        &store,
        &AuditQuery {
            from: "2020-01-01".into(),
            to: "2020-12-31".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(past.is_empty());
}

#[test]
fn only_an_administrator_reads_the_audit_trail() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    for role in [Role::Accountant, Role::Clerk, Role::Teacher] {
        act_as(&store, role, &[]);
        let e = report(&store, &whole_range()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{role:?}");
    }
}

#[test]
fn the_trail_cannot_be_edited_or_deleted() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let (class_id, _) = class_with_students(&store, "5-B", &[]);
    act_as(&store, Role::Clerk, &[]);
    add_student(&store, class_id);
    log(&store, Action::Export, "class roll").unwrap();
    store
        .read(|c| {
            for sql in [
                "UPDATE outbox SET payload = '{}' WHERE seq = 1",
                "UPDATE outbox SET user_name = 'someone else'",
                "DELETE FROM outbox",
                "UPDATE audit_events SET user_name = 'someone else'",
                "DELETE FROM audit_events",
            ] {
                let e = c.execute(sql, []).unwrap_err();
                assert!(e.to_string().contains("cannot be"), "{sql}: {e}");
            }
            // Not even sync changes an entry: acknowledgements are kept beside the outbox.
            let e = c
                .execute(
                    "UPDATE outbox SET acked_at = '2026-01-01T00:00:00Z' WHERE seq = 1",
                    [],
                )
                .unwrap_err();
            assert!(e.to_string().contains("cannot be"), "{e}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_audit_report_exports_to_excel_one_row_per_changed_field() {
    use calamine::{Reader, Xlsx};
    let (_dir, store) = new_store();
    set_up_school(&store);
    let (class_id, _) = class_with_students(&store, "5-B", &[]);
    let clerk = act_as(&store, Role::Clerk, &[]);
    add_student(&store, class_id);
    act_as(&store, Role::Administrator, &[]);
    let export = crate::export::audit_export(
        &store,
        &AuditQuery {
            user_id: Some(clerk.user_id),
            ..whole_range()
        },
    )
    .unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(export.bytes)).unwrap();
    let range = book.worksheet_range("Audit").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(rows[1][0].contains("Audit report") && rows[1][0].contains(&clerk.name));
    let given = rows
        .iter()
        .find(|r| r.get(6).map(String::as_str) == Some("given_name"))
        .expect("a row for the given name");
    assert_eq!(given[1], clerk.name);
    assert_eq!(given[3], "insert");
    assert_eq!(given[4], "student");
    assert_eq!(given[8], "Asha");
    // The export itself is in the trail.
    let after = report(&store, &whole_range()).unwrap();
    assert!(
        after
            .iter()
            .any(|r| r.action == "export" && r.detail.contains("Audit report"))
    );
}

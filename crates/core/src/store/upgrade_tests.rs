//! Upgrading a database made before step 0021 (the import's user; the CHECK constraints
//! rewritten in place): its data, triggers and foreign keys come through, and the rewritten
//! constraints still refuse what they refused.

use rusqlite::Connection;
use tempfile::TempDir;

use super::{APPLICATION_ID, DB_FILE, Store, configure, key, migrations};
use crate::testing::test_key;

/// A store as the build before step 0021 left it (schema 20), with two students (one with
/// no gender), a guardian linked to one, their outbox entries and an import with its items.
fn store_at_schema_20() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let conn = database_at(&dir, 20);
    let now = "2026-11-01T09:00:00Z";
    let ids = |n: u8| format!("0190a000-0000-7000-8000-0000000000{n:02}");
    let device = ids(10);
    conn.execute_batch(&format!(
        "INSERT INTO device (singleton, device_id, created_at) VALUES (1, '{device}', '{now}');
         INSERT INTO classes (id, name, grade, section, created_at, updated_at)
             VALUES ('{c}', 'Grade 5 B', '5', 'B', '{now}', '{now}');
         INSERT INTO students (id, admission_no, given_name, family_name, gender, class_id, status,
                               fold_given, fold_family, created_at, updated_at)
             VALUES ('{s1}', 'A-1', 'Ravi', 'Kumar', 'male', '{c}', 'active', 'ravi', 'kumar', '{now}', '{now}'),
                    ('{s2}', 'A-2', 'Meera', 'Iyer', NULL, '{c}', 'left', 'meera', 'iyer', '{now}', '{now}');
         INSERT INTO guardians (id, name, relation, phone, created_at, updated_at)
             VALUES ('{g}', 'Suresh Kumar', 'father', '+919876543210', '{now}', '{now}');
         INSERT INTO student_guardians (id, student_id, guardian_id, is_primary, created_at)
             VALUES ('{l}', '{s1}', '{g}', 1, '{now}');
         INSERT INTO outbox (seq, entry_id, record_type, record_id, op, payload, hlc, device_id, created_at)
             VALUES (1, '{e1}', 'student', '{s1}', 'insert', '{{}}', 1, '{device}', '{now}'),
                    (2, '{e2}', 'student', '{s2}', 'insert', '{{}}', 2, '{device}', '{now}'),
                    (3, '{e3}', 'student', '{s2}', 'update', '{{\"status\":\"left\"}}', 3, '{device}', '{now}');
         UPDATE device SET last_seq = 3, last_hlc = 3;
         INSERT INTO imports (id, file_name, sha256, sheet, mode, imported_at, duration_ms, inserted,
                              updated, skipped, classes_created, device_id, seq_from, seq_to)
             VALUES ('{i}', 'class-5b.xlsx', 'ab', 'Sheet1', 'upsert', '{now}', 12, 2, 0, 0, 1, '{device}', 1, 3);
         INSERT INTO import_items (import_id, record_type, record_id, action)
             VALUES ('{i}', 'student', '{s1}', 'insert'), ('{i}', 'student', '{s2}', 'insert');",
        c = ids(1),
        s1 = ids(2),
        s2 = ids(3),
        g = ids(4),
        l = ids(5),
        e1 = ids(6),
        e2 = ids(7),
        e3 = ids(8),
        i = ids(9),
    ))
    .unwrap();
    dir
}

/// A new Rollbook database in `dir`, with the schema as step `version` left it.
fn database_at(dir: &TempDir, version: usize) -> Connection {
    let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    key::apply(&conn, &test_key()).unwrap();
    configure(&conn).unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    migrations::migrate_to(&mut conn, version);
    conn
}

fn refusal(store: &Store, sql: &str) -> String {
    store
        .write(|w| Ok(w.conn().execute(sql, [])?))
        .expect_err(sql)
        .message
}

#[test]
fn a_database_from_before_step_21_upgrades_with_its_data_and_checks() {
    let dir = store_at_schema_20();
    let store = Store::open_with_key(dir.path(), test_key()).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());

    store
        .read(|c| {
            let fk: Vec<String> = c
                .prepare("PRAGMA foreign_key_check")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            assert!(fk.is_empty(), "foreign key problems: {fk:?}");
            let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            assert_eq!(check, "ok");
            let counts: (i64, i64, i64, i64) = c.query_row(
                "SELECT (SELECT count(*) FROM students), (SELECT count(*) FROM outbox),
                        (SELECT count(*) FROM student_guardians), (SELECT count(*) FROM import_items)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            assert_eq!(counts, (2, 3, 1, 2));
            let schema: String = c.query_row(
                "SELECT group_concat(sql, ' ') FROM sqlite_schema WHERE name IN ('outbox', 'students')",
                [],
                |r| r.get(0),
            )?;
            assert!(!schema.contains(" IN ("), "{schema}");
            assert!(schema.contains("op = 'insert' OR op = 'update' OR op = 'delete'"));
            Ok(())
        })
        .unwrap();

    // The imports made before: their user is not known.
    let history = crate::import::history(&store).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].file_name, "class-5b.xlsx");
    assert_eq!(history[0].user_name, None);

    // The rewritten checks refuse what they did; NULL gender is still allowed.
    assert!(
        refusal(
            &store,
            "UPDATE students SET gender = 'boy' WHERE admission_no = 'A-1'"
        )
        .contains("CHECK constraint failed"),
    );
    assert!(
        refusal(
            &store,
            "UPDATE students SET status = 'expelled' WHERE admission_no = 'A-1'"
        )
        .contains("CHECK constraint failed"),
    );
    assert!(
        refusal(
            &store,
            "INSERT INTO outbox (seq, entry_id, record_type, record_id, op, payload, hlc, device_id, created_at)
             VALUES (9, 'e9', 'student', 'x', 'upsert', '{}', 9, 'd', 'now')"
        )
        .contains("CHECK constraint failed"),
    );
    store
        .write(|w| {
            w.conn().execute(
                "UPDATE students SET gender = NULL, status = 'graduated' WHERE admission_no = 'A-1'",
                [],
            )?;
            Ok(())
        })
        .unwrap();

    // The outbox's append-only triggers came through.
    assert!(refusal(&store, "DELETE FROM outbox WHERE seq = 1").contains("cannot be deleted"));
    assert!(
        refusal(&store, "UPDATE outbox SET payload = '[]' WHERE seq = 1")
            .contains("cannot be edited")
    );
    // A foreign key still holds.
    assert!(
        refusal(&store, "DELETE FROM students WHERE admission_no = 'A-1'").contains("FOREIGN KEY")
    );

    // And the upgraded store keeps working after a restart.
    drop(store);
    let store = crate::testing::reopen(dir.path());
    crate::testing::set_up_school(&store);
    let (_, ids) =
        crate::testing::class_with_students(&store, "Grade 6 A", &[("B-1", "Asha", "Rao")]);
    assert_eq!(ids.len(), 1);

    // The import from before the upgrade, whose additions are listed in import_items only,
    // is undone as before.
    assert!(crate::import::history(&store).unwrap()[0].can_undo);
    let undone = crate::import::undo_last(&store).unwrap();
    assert_eq!(undone.removed, 2);
    assert!(
        crate::students::find_by_admission_no(&store, "A-1")
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_schema_whose_constraint_text_differs_is_left_as_it_was() {
    let dir = store_at_schema_20();
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        key::apply(&conn, &test_key()).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA schema_version", [], |r| r.get(0))
            .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = replace(sql, 'op IN (', 'op  IN (') WHERE name = 'outbox';
             PRAGMA schema_version = {};
             PRAGMA writable_schema = OFF;",
            v + 1
        ))
        .unwrap();
    }
    let err = Store::open_with_key(dir.path(), test_key()).unwrap_err();
    assert!(
        err.message.contains("could not be upgraded"),
        "{}",
        err.message
    );
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    key::apply(&conn, &test_key()).unwrap();
    assert_eq!(migrations::current(&conn), 20);
    let cols: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('imports') WHERE name = 'user_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cols, 0, "the step's first half rolled back too");
}

/// A database from before step 0026, restored once: its first identity made entries 1 to 3
/// (the cloud acknowledged 1 and 2 as it used to, by stamping them), the second 4 and 5.
#[test]
fn acknowledgements_stamped_before_step_26_become_each_identitys_mark() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = database_at(&dir, 25);
        let (a, b) = (
            "0190a000-0000-7000-8000-00000000000a",
            "0190a000-0000-7000-8000-00000000000b",
        );
        let now = "2026-11-01T09:00:00Z";
        conn.execute_batch(&format!(
            "INSERT INTO device (singleton, device_id, created_at, last_seq, last_hlc)
                 VALUES (1, '{b}', '{now}', 5, 5);
             INSERT INTO device_identities (device_id, seq_base, began_at)
                 VALUES ('{a}', 0, '{now}'), ('{b}', 3, '{now}');
             INSERT INTO outbox (seq, entry_id, record_type, record_id, op, payload, hlc,
                                 device_id, created_at, acked_at)
                 VALUES (1, 'e1', 'class', 'c1', 'insert', '{{}}', 1, '{a}', '{now}', '{now}'),
                        (2, 'e2', 'class', 'c2', 'insert', '{{}}', 2, '{a}', '{now}', '{now}'),
                        (3, 'e3', 'class', 'c3', 'insert', '{{}}', 3, '{a}', '{now}', NULL),
                        (4, 'e4', 'class', 'c4', 'insert', '{{}}', 4, '{b}', '{now}', NULL),
                        (5, 'e5', 'class', 'c5', 'insert', '{{}}', 5, '{b}', '{now}', NULL);"
        ))
        .unwrap();
    }
    let store = Store::open_with_key(dir.path(), test_key()).unwrap();
    let (a, b) = (
        "0190a000-0000-7000-8000-00000000000a",
        "0190a000-0000-7000-8000-00000000000b",
    );
    assert_eq!(crate::sync::status(&store).unwrap().pending, 3);
    assert_eq!(
        crate::sync::pending_identities(&store).unwrap(),
        vec![a.to_owned(), b.to_owned()]
    );
    let seqs = |device: &str| -> Vec<i64> {
        crate::sync::outgoing(&store, device, 10)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect()
    };
    // Each identity's entries in its own numbering.
    assert_eq!(seqs(a), vec![3]);
    assert_eq!(seqs(b), vec![1, 2]);

    // The cloud acknowledges the first identity's last entry: only the second's wait. An
    // acknowledgement past what was made, or behind the mark, moves nothing too far.
    let ack = |device: &str, through: i64| {
        crate::sync::acknowledge(
            &store,
            device,
            &rollbook_protocol::PushResponse {
                acked_through: through,
                rejected: vec![],
            },
        )
        .unwrap();
    };
    ack(a, 3);
    assert_eq!(seqs(a), Vec::<i64>::new());
    ack(b, 1);
    ack(b, 0);
    assert_eq!(seqs(b), vec![2]);
    ack(b, 99);
    assert_eq!(crate::sync::status(&store).unwrap().pending, 0);
    assert!(crate::sync::pending_identities(&store).unwrap().is_empty());

    // Entries stamped before keep their stamp; no entry can be changed any more.
    let err = refusal(&store, "UPDATE outbox SET acked_at = NULL WHERE seq = 1");
    assert!(err.contains("cannot be edited"), "{err}");
}

use std::path::Path;

use super::*;
use crate::classes::{self, ClassInput};
use crate::school::{self, SchoolInput, SetupInput};
use crate::testing::{new_store, set_up_school};

fn outbox_count(store: &Store) -> i64 {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?))
        .unwrap()
}

fn class_count(store: &Store) -> i64 {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM classes", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn opens_with_the_settings_a_ledger_needs() {
    let (_dir, store) = new_store();
    store
        .read(|c| {
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            assert_eq!(sync, 2, "synchronous=FULL");
            assert_eq!(fk, 1);
            Ok(())
        })
        .unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());
}

#[test]
fn a_write_and_its_outbox_entry_commit_together() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let before = outbox_count(&store);
    let class = classes::create(
        &store,
        &ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(outbox_count(&store), before + 1);
    let entry = store.pending_outbox(100).unwrap().pop().unwrap();
    assert_eq!(entry.record_type, "class");
    assert_eq!(entry.record_id, class.id);
    assert_eq!(entry.op, "insert");
    assert_eq!(entry.payload["name"], "Grade 5 B");
    assert_eq!(entry.device_id, store.device_id());
}

#[test]
fn when_the_outbox_append_fails_the_change_is_not_kept() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let classes_before = class_count(&store);
    // Make every outbox append fail, as a full disk or a bug would.
    store
        .lock()
        .unwrap()
        .execute_batch(
            "CREATE TEMP TRIGGER refuse_outbox BEFORE INSERT ON main.outbox
             BEGIN SELECT RAISE(ABORT, 'outbox refused'); END;",
        )
        .unwrap();
    let err = classes::create(
        &store,
        &ClassInput {
            name: "Grade 6 A".into(),
            ..Default::default()
        },
    );
    assert!(err.is_err());
    assert_eq!(
        class_count(&store),
        classes_before,
        "the class must not exist without its outbox entry"
    );
}

#[test]
fn when_the_change_fails_after_its_outbox_entry_neither_is_kept() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let outbox_before = outbox_count(&store);
    let result: Result<()> = store.write(|w| {
        w.conn().execute(
            "INSERT INTO classes (id, name, grade, section, created_at, updated_at) VALUES (?1, 'X', 'X', '', '', '')",
            [Id::new()],
        )?;
        w.record(RecordType::Class, Id::new(), Op::Insert, &serde_json::json!({"name": "X"}))?;
        Err(Error::internal("a later step failed"))
    });
    assert!(result.is_err());
    assert_eq!(outbox_count(&store), outbox_before);
    assert_eq!(class_count(&store), 0);
}

#[test]
fn sequence_numbers_and_clock_stamps_increase_and_survive_a_restart() {
    let (dir, store) = new_store();
    set_up_school(&store);
    classes::create(
        &store,
        &ClassInput {
            name: "Grade 1 A".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let device = store.device_id();
    drop(store);
    let store = crate::testing::reopen(dir.path());
    assert_eq!(store.device_id(), device, "the device id is made once");
    classes::create(
        &store,
        &ClassInput {
            name: "Grade 1 B".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let entries = store.pending_outbox(100).unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=entries.len() as i64).collect::<Vec<_>>(),
        "no gaps, no repeats"
    );
    assert!(entries.windows(2).all(|w| w[1].hlc > w[0].hlc));
}

#[test]
fn a_fresh_install_gets_a_new_device_id() {
    let (_a, one) = new_store();
    let (_b, two) = new_store();
    assert_ne!(one.device_id(), two.device_id());
}

#[test]
fn an_older_build_refuses_a_database_a_newer_one_migrated() {
    let (dir, store) = new_store();
    drop(store);
    // What a newer Rollbook leaves behind: a schema version beyond this build's.
    let conn = keyed(dir.path());
    conn.pragma_update(None, "user_version", migrations::latest() as i64 + 1)
        .unwrap();
    drop(conn);
    let err = Store::open_with_key(dir.path(), crate::testing::test_key()).unwrap_err();
    assert_eq!(err.code, ErrorCode::SchemaTooNew);
    assert!(
        err.message.contains("newer version of Rollbook"),
        "{}",
        err.message
    );
    // Left untouched.
    let conn = keyed(dir.path());
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, migrations::latest() as i64 + 1);
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DB_FILE), vec![0x42u8; 8192]).unwrap();
    // Garbage and a database encrypted with another key look the same: either way the
    // answer is the recovery key (or a backup).
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::RecoveryKeyNeeded, "{err:?}");
    assert_eq!(
        std::fs::read(dir.path().join(DB_FILE)).unwrap(),
        vec![0x42u8; 8192],
        "left untouched"
    );
}

#[test]
fn a_damaged_database_is_refused_not_opened() {
    let (dir, store) = new_store();
    set_up_school(&store);
    for i in 0..40 {
        classes::create(
            &store,
            &ClassInput {
                name: format!("Grade {i} A"),
                ..Default::default()
            },
        )
        .unwrap();
    }
    drop(store);
    checkpoint(dir.path());
    // Scribble over the middle of the file, where the tables' pages are.
    let path = dir.path().join(DB_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 4096 * 4);
    for b in &mut bytes[4096 * 2..4096 * 2 + 2000] {
        *b = 0xAB;
    }
    std::fs::write(&path, bytes).unwrap();
    let err = Store::open_with_key(dir.path(), crate::testing::test_key()).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt, "{err:?}");
}

/// A connection to the store's file, keyed with this computer's key for it.
fn keyed(dir: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    super::key::apply(&conn, &crate::testing::test_key()).unwrap();
    conn
}

fn checkpoint(dir: &Path) {
    let conn = keyed(dir);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

#[test]
fn another_programs_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
    assert!(err.message.contains("not a Rollbook one"));
    assert_eq!(
        std::fs::read(dir.path().join(DB_FILE)).unwrap(),
        before,
        "left untouched, not encrypted"
    );
}

#[test]
fn a_database_from_before_encryption_is_encrypted_in_place_with_nothing_lost() {
    let (dir, store) = new_store();
    set_up_school(&store);
    classes::create(
        &store,
        &ClassInput {
            name: "Grade 3 C".into(),
            ..Default::default()
        },
    )
    .unwrap();
    drop(store);
    // Make it what an earlier version left: the same data, unencrypted, no key kept.
    let conn = keyed(dir.path());
    let plain = dir.path().join("plain.db");
    conn.execute(
        "ATTACH DATABASE ?1 AS plain KEY ''",
        [plain.to_string_lossy()],
    )
    .unwrap();
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
        .unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch(&format!(
        "PRAGMA plain.user_version = {version};
         PRAGMA plain.application_id = {};
         DETACH DATABASE plain;",
        super::APPLICATION_ID
    ))
    .unwrap();
    drop(conn);
    std::fs::rename(&plain, dir.path().join(DB_FILE)).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("{DB_FILE}{suffix}")));
    }
    super::key::forget(dir.path()).unwrap();
    assert!(super::key::is_plain_sqlite(&dir.path().join(DB_FILE)));

    let store = Store::open(dir.path()).unwrap();
    assert!(
        store.has_new_key(),
        "a new key, to be shown as the recovery key"
    );
    assert!(!super::key::is_plain_sqlite(&dir.path().join(DB_FILE)));
    let names: Vec<String> = classes::list(&store)
        .unwrap()
        .into_iter()
        .map(|c| c.class.name)
        .collect();
    assert_eq!(names, ["Grade 3 C"]);
}

#[test]
fn sqlite_older_than_3_51_3_is_refused() {
    assert_eq!(
        check_sqlite_version(3_051_002).unwrap_err().code,
        ErrorCode::SqliteTooOld
    );
    assert!(check_sqlite_version(3_051_003).is_ok());
    assert!(
        check_sqlite_version(rusqlite::version_number()).is_ok(),
        "the bundled SQLite is new enough"
    );
}

#[test]
fn doctor_reports_a_sound_database() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let report = store.doctor().unwrap();
    assert!(report.ok);
    assert_eq!(report.integrity, vec!["ok".to_owned()]);
    assert_eq!(report.schema_version, report.schema_latest);
    assert!(report.pending_outbox >= 1);
}

#[test]
fn setup_twice_is_refused() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let err = school::setup(
        &store,
        &SetupInput {
            school: SchoolInput {
                name: "Other".into(),
                country: "KE".into(),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadySetUp);
}

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
    let store = Store::open(dir.path()).unwrap();
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
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.pragma_update(None, "user_version", migrations::latest() as i64 + 1)
        .unwrap();
    drop(conn);
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::SchemaTooNew);
    assert!(
        err.message.contains("newer version of Rollbook"),
        "{}",
        err.message
    );
    // Left untouched.
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, migrations::latest() as i64 + 1);
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DB_FILE), vec![0x42u8; 8192]).unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt, "{err:?}");
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
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt, "{err:?}");
}

fn checkpoint(dir: &Path) {
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
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
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
    assert!(err.message.contains("not a Rollbook one"));
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

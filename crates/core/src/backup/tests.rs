use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::students::{self, StudentFilter, StudentInput};
use crate::testing::{new_store, set_up_school};

fn add(store: &Store, adm: &str) {
    students::create(
        store,
        &StudentInput {
            admission_no: adm.into(),
            given_name: "Asha".into(),
            ..Default::default()
        },
    )
    .unwrap();
}

/// Files the store's key in the keyring for its folder, as the app's `Store::open` does, so
/// restores and reopens find it.
fn on_this_pc(dir: &std::path::Path, store: &Store) {
    crate::store::key::save(dir, store.key()).unwrap();
}

fn count(store: &Store) -> usize {
    students::list(store, &StudentFilter::default())
        .unwrap()
        .len()
}

#[test]
fn a_backup_restores_to_the_same_records_and_the_current_database_is_kept_aside() {
    let (dir, store) = new_store();
    on_this_pc(dir.path(), &store);
    set_up_school(&store);
    add(&store, "A-1");
    add(&store, "A-2");
    let folder = dir.path().join("elsewhere");
    let b = back_up(&store, &folder).unwrap();
    assert!(b.path.starts_with(&folder));
    assert_eq!(b.path.extension().and_then(|e| e.to_str()), Some("rbk"));
    verify(&b.path, store.key()).unwrap();
    let key = store.key().clone();
    assert_eq!(list(&folder).unwrap(), std::slice::from_ref(&b));

    // Later work, then a restore: the backup's two students come back; the later
    // database is kept aside, whole.
    add(&store, "A-3");
    drop(store);
    let kept = restore(dir.path(), &b.path, None).unwrap().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(count(&store), 2);
    assert!(store.doctor().unwrap().ok);
    let aside_dir = tempfile::tempdir().unwrap();
    fs::copy(&kept, aside_dir.path().join(DB_FILE)).unwrap();
    assert_eq!(
        count(&Store::open_with_key(aside_dir.path(), key).unwrap()),
        3,
        "nothing is lost"
    );
}

/// The PC a backup came from may have gone on after it (and synced, and printed receipts):
/// the restored copy becomes another device, numbering its changes and receipts afresh,
/// while the changes it holds from before keep their identity and numbers.
#[test]
fn a_restored_database_is_a_new_device_with_its_own_numbering() {
    let (dir, store) = new_store();
    on_this_pc(dir.path(), &store);
    set_up_school(&store);
    add(&store, "A-1");
    let before = store.device_id();
    let waiting = crate::sync::outgoing(&store, &before.to_string(), 1000).unwrap();
    let b = back_up(&store, &dir.path().join("elsewhere")).unwrap();
    drop(store);

    restore(dir.path(), &b.path, None).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let after = store.device_id();
    assert_ne!(after, before, "the restored copy is another device");
    assert_ne!(
        crate::fees::receipt_prefix(after),
        crate::fees::receipt_prefix(before),
        "its receipts come from a series of its own"
    );
    add(&store, "A-2");
    let mine = crate::sync::outgoing(&store, &after.to_string(), 1000).unwrap();
    assert_eq!(mine.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);
    assert_eq!(
        crate::sync::outgoing(&store, &before.to_string(), 1000).unwrap(),
        waiting,
        "the changes from before the backup go as they were"
    );
    assert_eq!(
        crate::sync::pending_identities(&store).unwrap(),
        [before.to_string(), after.to_string()]
    );
    assert!(store.doctor().unwrap().ok);
    assert!(
        fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".restore")),
        "nothing of the restore is left behind"
    );
}

#[test]
fn a_damaged_or_foreign_file_is_not_restored_and_nothing_changes() {
    let (dir, store) = new_store();
    on_this_pc(dir.path(), &store);
    set_up_school(&store);
    add(&store, "A-1");
    drop(store);
    let junk = dir.path().join("junk.rbk");
    fs::write(&junk, b"SQLite format 3\0 but not really").unwrap();
    let err = restore(dir.path(), &junk, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
    let other = dir.path().join("other.rbk");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert!(
        restore(dir.path(), &other, None)
            .unwrap_err()
            .message
            .contains("not a Rollbook backup")
    );
    assert_eq!(count(&Store::open(dir.path()).unwrap()), 1);
}

/// The restore drill: back up while a writer is busy, restore, and compare.
#[test]
fn a_backup_taken_while_a_writer_works_is_a_consistent_snapshot() {
    let (dir, store) = new_store();
    set_up_school(&store);
    let store = Arc::new(store);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                add(&store, &format!("W-{n}"));
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    let folder = dir.path().join("backups");
    let b = back_up(&store, &folder).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();

    let restored_dir = tempfile::tempdir().unwrap();
    // A new PC: it has no key until it is given the recovery key.
    let recovery = store.key().recovery_text();
    let refused = restore(restored_dir.path(), &b.path, None).unwrap_err();
    assert_eq!(refused.code, ErrorCode::RecoveryKeyNeeded);
    restore(restored_dir.path(), &b.path, Some(&recovery)).unwrap();
    let restored = Store::open(restored_dir.path()).unwrap();
    assert!(restored.doctor().unwrap().ok);
    let in_backup = count(&restored);
    assert!(
        in_backup > 0 && in_backup < written,
        "{in_backup} of {written}"
    );
    // Every student in the snapshot came with its outbox entry, and no entry without it.
    let entries: i64 = restored
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM outbox WHERE record_type = 'student' AND op = 'insert'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(entries as usize, in_backup);
}

#[test]
fn backups_are_kept_seven_daily_four_weekly_and_twelve_monthly() {
    let (dir, store) = new_store();
    set_up_school(&store);
    let folder = dir.path().join("backups");
    let start = DateTime::parse_from_rfc3339("2025-01-01T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut now = start;
    for day in 0..500 {
        now = start + chrono::Duration::days(day);
        back_up_at(&store, &folder, now).unwrap();
    }
    let kept = list(&folder).unwrap();
    let ages: Vec<i64> = kept
        .iter()
        .map(|b| {
            (now - DateTime::parse_from_rfc3339(&b.taken_at)
                .unwrap()
                .with_timezone(&Utc))
            .num_days()
        })
        .collect();
    assert_eq!(&ages[..7], [0, 1, 2, 3, 4, 5, 6], "the last seven days");
    assert!(kept.len() <= 7 + 4 + 12, "{ages:?}");
    assert!(
        ages.iter().all(|a| *a < 366),
        "nothing older than a year: {ages:?}"
    );
    assert!(
        ages.iter().any(|a| *a > 300),
        "a monthly backup from most of a year ago: {ages:?}"
    );
    assert!(
        back_up_if_due(&store, &dir.path().join("fresh"))
            .unwrap()
            .is_some()
    );
    assert!(
        back_up_if_due(&store, &dir.path().join("fresh"))
            .unwrap()
            .is_none(),
        "not due again the same day"
    );
}

#[test]
fn the_school_chooses_where_backups_go() {
    let (dir, store) = new_store();
    set_up_school(&store);
    assert_eq!(folder(&store).unwrap(), dir.path().join("backups"));
    let usb = tempfile::tempdir().unwrap();
    assert_eq!(set_folder(&store, Some(usb.path())).unwrap(), usb.path());
    assert_eq!(folder(&store).unwrap(), usb.path());
    let err = set_folder(&store, Some(&usb.path().join("missing"))).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("folder"));
    assert_eq!(
        set_folder(&store, None).unwrap(),
        dir.path().join("backups")
    );
}

#[test]
fn the_database_and_its_backups_hold_no_readable_personal_data() {
    let (dir, store) = new_store();
    set_up_school(&store);
    crate::testing::class_with_students(&store, "5-B", &[("ZX-9047", "Philomena", "Quarshie")]);
    let b = back_up(&store, &dir.path().join("backups")).unwrap();
    let _ = store.read(|c| {
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    });
    let mut files = vec![b.path.clone()];
    for entry in fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            files.push(p);
        }
    }
    assert!(files.iter().any(|p| p.ends_with(DB_FILE)));
    for path in &files {
        let bytes = fs::read(path).unwrap();
        for secret in [
            "Philomena",
            "Quarshie",
            "ZX-9047",
            "St. Mary",
            "SQLite format 3",
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret:?} readable in {}",
                path.display()
            );
        }
    }
    // ...yet the backup is whole for whoever has the key.
    verify(&b.path, store.key()).unwrap();
}

#[test]
fn a_backup_from_another_school_needs_its_recovery_key_and_a_wrong_one_changes_nothing() {
    // Another school: its own folder and its own key.
    let other_dir = tempfile::tempdir().unwrap();
    let other =
        Store::open_with_key(other_dir.path(), crate::store::DatabaseKey::generate()).unwrap();
    set_up_school(&other);
    add(&other, "B-1");
    add(&other, "B-2");
    let b = back_up(&other, &other_dir.path().join("backups")).unwrap();
    let other_recovery = other.key().recovery_text();

    let (dir, store) = new_store();
    on_this_pc(dir.path(), &store);
    set_up_school(&store);
    add(&store, "A-1");
    drop(store);
    let e = restore(dir.path(), &b.path, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::RecoveryKeyNeeded);
    let wrong = crate::store::DatabaseKey::generate().recovery_text();
    let e = restore(dir.path(), &b.path, Some(&wrong)).unwrap_err();
    assert_eq!(e.code, ErrorCode::RecoveryKeyNeeded);
    assert_eq!(
        count(&Store::open(dir.path()).unwrap()),
        1,
        "nothing changed"
    );

    restore(dir.path(), &b.path, Some(&other_recovery)).unwrap();
    assert_eq!(count(&Store::open(dir.path()).unwrap()), 2);
}

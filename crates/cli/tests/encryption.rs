//! The encrypted database from the command line: `init` shows the recovery key once, a
//! backup or a copied database opens on another "PC" (data folder) only with that key, and
//! neither file holds a readable name.

#![allow(clippy::unwrap_used)] // a test helper that fails loudly is what a test wants

mod common;

use common::with_stdin;

use std::process::Command;

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_recovery_key_shown_at_init_opens_the_data_on_another_pc() {
    let a = tempfile::tempdir().unwrap();
    let out = common::ok(
        a.path(),
        &["init", "--school", "St. Mary's School", "--country", "IN"],
    );
    let key = out
        .lines()
        .find_map(|l| l.split("Recovery key: ").nth(1))
        .expect("init shows the recovery key")
        .trim()
        .to_owned();
    assert_eq!(key.len(), 64, "{key}");
    common::ok(a.path(), &["class", "add", "--name", "Grade 5 B"]);
    common::grade_5b_students(a.path(), &[("QX-7781", "Philomena")]);
    let backups = a.path().join("backups");
    let backups_text = backups.display().to_string();
    common::ok(a.path(), &["backup", "--to", &backups_text]);
    let backup = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "rbk"))
        .unwrap();

    for file in [backup.clone(), a.path().join("rollbook.db")] {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!contains(&bytes, "Philomena"), "{}", file.display());
        assert!(!contains(&bytes, "QX-7781"), "{}", file.display());
    }

    // Another PC restores the backup: refused without the key, done with it.
    let b = tempfile::tempdir().unwrap();
    let backup_text = backup.display().to_string();
    let refused = common::rollbook(b.path(), &["restore", &backup_text]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("recovery key"));
    let done = with_stdin(
        b.path(),
        &["restore", &backup_text, "--recovery-key", "--pin-stdin"],
        &format!("{}\n", key.to_lowercase()),
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let list = common::ok(b.path(), &["student", "list"]);
    assert!(list.contains("Philomena"), "{list}");

    // A third PC gets a copy of the database file itself: `recover` opens it.
    let c = tempfile::tempdir().unwrap();
    std::fs::copy(a.path().join("rollbook.db"), c.path().join("rollbook.db")).unwrap();
    let locked = common::rollbook(c.path(), &["student", "list"]);
    assert!(!locked.status.success());
    assert!(String::from_utf8_lossy(&locked.stderr).contains("rollbook recover"));
    let wrong = with_stdin(c.path(), &["recover", "--pin-stdin"], "AAAA-BBBB\n");
    assert!(!wrong.status.success());
    let ok = with_stdin(c.path(), &["recover", "--pin-stdin"], &format!("{key}\n"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let list = common::ok(c.path(), &["student", "list"]);
    assert!(list.contains("Philomena"), "{list}");
}

#[test]
fn without_a_keyring_nothing_is_written_and_the_message_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rollbook"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["init", "--school", "St. Mary's School", "--country", "IN"])
        .env_remove("ROLLBOOK_DATA_DIR")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("keyring could not be used"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "no database, no key file, nothing: {left:?}"
    );
}

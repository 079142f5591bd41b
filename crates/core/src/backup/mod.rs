//! Backups: a consistent snapshot of the store (`VACUUM INTO` a temporary file on a
//! connection of its own, so writers carry on), checked with `integrity_check` and renamed
//! into place only when sound (a bad snapshot never replaces a good backup), kept 7 daily,
//! 4 weekly and 12 monthly. Restoring checks the backup first and keeps the current database
//! aside. A backup is encrypted with the database's own key (SQLCipher carries the key into
//! `VACUUM INTO`), so it reopens on this PC as it is and elsewhere with the recovery key.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{DB_FILE, DatabaseKey, Store, key};
use crate::users::Permission;

/// Backup files are `rollbook-YYYYMMDD-HHMMSS.rbk` (UTC time of the snapshot).
pub const BACKUP_EXTENSION: &str = "rbk";
const PREFIX: &str = "rollbook-";
const STAMP: &str = "%Y%m%d-%H%M%S";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupInfo {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub taken_at: String,
    pub size_bytes: u64,
}

/// The backup folder and the backups in it, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupStatus {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub folder: PathBuf,
    pub backups: Vec<BackupInfo>,
}

/// Where backups go and which are there.
pub fn status(store: &Store) -> Result<BackupStatus> {
    store.require(Permission::BackUp)?;
    let folder = folder(store)?;
    Ok(BackupStatus {
        backups: list(&folder)?,
        folder,
    })
}

/// The default backup folder: `backups` in the data folder. Schools choose another (an
/// external disk, a synced folder) so a lost PC does not take its backups with it.
pub fn default_folder(store: &Store) -> PathBuf {
    store
        .path()
        .parent()
        .map_or_else(|| PathBuf::from("backups"), |d| d.join("backups"))
}

/// Where this installation's backups go: the folder the school chose, or the default.
/// Unchecked: the start-up backup reads it before anyone signs in.
pub fn folder(store: &Store) -> Result<PathBuf> {
    let chosen: Option<String> = store.read(|c| {
        Ok(c.query_row(
            "SELECT value FROM device_settings WHERE key = 'backup_folder'",
            [],
            |r| r.get(0),
        )
        .optional()?)
    })?;
    Ok(chosen.map_or_else(|| default_folder(store), PathBuf::from))
}

/// Chooses the backup folder (an external disk, a synced folder), or the default with
/// `None`. The folder must exist and take a file.
pub fn set_folder(store: &Store, chosen: Option<&Path>) -> Result<PathBuf> {
    store.require(Permission::ManageSchool)?;
    if let Some(dir) = chosen {
        if !dir.is_absolute() || !dir.is_dir() {
            return Err(Error::validation(
                "folder",
                format!("{} is not a folder", dir.display()),
            ));
        }
        let probe = dir.join(format!(".rollbook-probe-{}", Id::new()));
        fs::write(&probe, b"probe").map_err(|e| {
            Error::validation(
                "folder",
                format!("Backups cannot be written to {}: {e}", dir.display()),
            )
        })?;
        let _ = fs::remove_file(&probe);
    }
    store.write(|w| {
        match chosen {
            Some(dir) => w.conn().execute(
                "INSERT INTO device_settings (key, value) VALUES ('backup_folder', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [dir.to_string_lossy()],
            )?,
            None => w.conn().execute(
                "DELETE FROM device_settings WHERE key = 'backup_folder'",
                [],
            )?,
        };
        Ok(())
    })?;
    folder(store)
}

fn io(what: &str, path: &Path) -> impl Fn(std::io::Error) -> Error {
    let context = format!("{what} {}", path.display());
    move |e| Error::io(&context, &e)
}

fn parse_stamp(path: &Path) -> Option<DateTime<Utc>> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_prefix(PREFIX)?
        .strip_suffix(&format!(".{BACKUP_EXTENSION}"))?;
    NaiveDateTime::parse_from_str(stem, STAMP)
        .ok()
        .map(|t| t.and_utc())
}

/// The backups in `folder`, newest first.
pub fn list(folder: &Path) -> Result<Vec<BackupInfo>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(&format!("Cannot read {}", folder.display()), &e)),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if let Some(at) = parse_stamp(&path) {
            out.push(BackupInfo {
                size_bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
                taken_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                path,
            });
        }
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at));
    Ok(out)
}

/// Checks that `path` is a sound Rollbook database that `key` opens and this build can
/// read: integrity, its application id, and a schema no newer than this build's.
pub fn verify(path: &Path, key: &DatabaseKey) -> Result<()> {
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|_| {
            Error::new(
                ErrorCode::DatabaseCorrupt,
                format!("{} cannot be opened", path.display()),
            )
        })?;
    if key::is_plain_sqlite(path) {
        return Err(Error::new(
            ErrorCode::DatabaseCorrupt,
            format!(
                "{} is not encrypted, so it is not a Rollbook backup.",
                path.display()
            ),
        ));
    }
    key::apply(&conn, key).map_err(|_| {
        Error::new(
            ErrorCode::RecoveryKeyNeeded,
            format!(
                "{} was made with another database key (another school or PC). Give the \
                 recovery key of the school it came from to restore it.",
                path.display()
            ),
        )
    })?;
    let bad = |why: String| {
        Error::new(
            ErrorCode::DatabaseCorrupt,
            format!("{} is not a sound Rollbook backup: {why}", path.display()),
        )
    };
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| bad(e.to_string()))?;
    if integrity != ["ok"] {
        return Err(bad(integrity.join("; ")));
    }
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if app_id != crate::store::APPLICATION_ID {
        return Err(bad("it is not a Rollbook database".into()));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if usize::try_from(version).unwrap_or(usize::MAX) > crate::store::latest_schema() {
        return Err(Error::new(
            ErrorCode::SchemaTooNew,
            format!(
                "{} was made by a newer Rollbook; install it to restore this backup",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// Takes a backup into `folder` now, then prunes the folder to 7 daily, 4 weekly and 12
/// monthly backups. Recorded in the audit trail.
pub fn back_up(store: &Store, folder: &Path) -> Result<BackupInfo> {
    store.require(Permission::BackUp)?;
    let info = back_up_at(store, folder, Utc::now())?;
    crate::audit::log(
        store,
        crate::audit::Action::Backup,
        &info.path.display().to_string(),
    )?;
    Ok(info)
}

pub(crate) fn back_up_at(store: &Store, folder: &Path, now: DateTime<Utc>) -> Result<BackupInfo> {
    fs::create_dir_all(folder).map_err(io("Cannot create the backup folder", folder))?;
    let name = format!("{PREFIX}{}.{BACKUP_EXTENSION}", now.format(STAMP));
    let target = folder.join(&name);
    let tmp = folder.join(format!(".{name}.{}.tmp", Id::new()));
    let result = (|| {
        // A connection of its own: the snapshot is consistent and writers are not held up.
        let conn = Connection::open_with_flags(store.path(), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        key::apply(&conn, store.key())?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])?;
        drop(conn);
        verify(&tmp, store.key())?;
        fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io("Cannot write", &tmp))?;
        fs::rename(&tmp, &target).map_err(io("Cannot write", &target))?;
        Ok::<_, Error>(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    prune(folder, now)?;
    tracing::info!(path = %target.display(), "backup taken");
    Ok(BackupInfo {
        size_bytes: fs::metadata(&target).map(|m| m.len()).unwrap_or(0),
        taken_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        path: target,
    })
}

/// Takes a backup when the newest in `folder` is older than a day (or there is none): what
/// the app does at start-up, before anyone signs in (so unchecked, and not in the audit
/// trail).
pub fn back_up_if_due(store: &Store, folder: &Path) -> Result<Option<BackupInfo>> {
    let newest = list(folder)?.into_iter().next();
    let due = newest
        .and_then(|b| DateTime::parse_from_rfc3339(&b.taken_at).ok())
        .is_none_or(|t| Utc::now() - t.with_timezone(&Utc) > chrono::Duration::hours(24));
    if due {
        back_up_at(store, folder, Utc::now()).map(Some)
    } else {
        Ok(None)
    }
}

/// Keeps the newest backup of each of the last 7 days, of each of the last 4 weeks and of
/// each of the last 12 months (a backup can count for all three); deletes the rest.
fn prune(folder: &Path, now: DateTime<Utc>) -> Result<()> {
    let all = list(folder)?; // newest first
    let mut keep = std::collections::HashSet::new();
    let mut days = std::collections::HashSet::new();
    let mut weeks = std::collections::HashSet::new();
    let mut months = std::collections::HashSet::new();
    for b in &all {
        let Some(t) = parse_stamp(&b.path) else {
            continue;
        };
        let age = now - t;
        let day = t.date_naive();
        if age < chrono::Duration::days(7) && days.insert(day) {
            keep.insert(b.path.clone());
        }
        let week = (day.iso_week().year(), day.iso_week().week());
        if age < chrono::Duration::weeks(4) && weeks.insert(week) {
            keep.insert(b.path.clone());
        }
        let month = (day.year(), day.month());
        if age < chrono::Duration::days(366) && months.insert(month) && months.len() <= 12 {
            keep.insert(b.path.clone());
        }
    }
    // The newest is always kept, whatever its date says.
    if let Some(b) = all.first() {
        keep.insert(b.path.clone());
    }
    for b in all.iter().filter(|b| !keep.contains(&b.path)) {
        fs::remove_file(&b.path).map_err(io("Cannot remove the old backup", &b.path))?;
    }
    Ok(())
}

/// Checks that the signed-in user may restore a backup (the school's settings are theirs to
/// change). [`restore`] runs with the store closed, so the shell asks this first, while the
/// store is still open.
pub fn require_restore(store: &Store) -> Result<()> {
    store.require(Permission::ManageSchool)?;
    Ok(())
}

/// Restores `backup` into `data_dir`, whose store must not be open: the backup is checked,
/// the current database is kept aside as `rollbook.db.before-restore-<time>`, and the backup
/// is copied into place. Returns where the old database was kept.
///
/// The backup must open with this computer's key for `data_dir`, or with `recovery_key` (a
/// backup from another PC or a lost keyring), which then becomes this computer's key.
pub fn restore(
    data_dir: &Path,
    backup: &Path,
    recovery_key: Option<&str>,
) -> Result<Option<PathBuf>> {
    let current_key = key::load(data_dir)?;
    let backup_key = match recovery_key {
        Some(text) => DatabaseKey::from_recovery_text(text)?,
        None => current_key.clone().ok_or_else(|| {
            Error::new(
                ErrorCode::RecoveryKeyNeeded,
                "This computer has no database key yet: give the recovery key of the school \
                 the backup came from.",
            )
        })?,
    };
    verify(backup, &backup_key)?;
    let db = data_dir.join(DB_FILE);
    fs::create_dir_all(data_dir).map_err(io("Cannot create", data_dir))?;
    let staging = data_dir.join(format!(".restore-{}", Id::new()));
    let tmp = match stage(&staging, backup, &backup_key) {
        Ok(tmp) => tmp,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let kept = if db.exists() {
        let aside = data_dir.join(format!(
            "{DB_FILE}.before-restore-{}",
            Utc::now().format(STAMP)
        ));
        // Fold the write-ahead log into the database before moving it, so the copy kept
        // aside is whole on its own.
        if let Some(k) = &current_key
            && let Ok(c) = Connection::open(&db)
            && key::apply(&c, k).is_ok()
        {
            let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        fs::rename(&db, &aside).map_err(io("Cannot keep the current database aside", &db))?;
        Some(aside)
    } else {
        None
    };
    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(data_dir.join(format!("{DB_FILE}{suffix}")));
    }
    fs::rename(&tmp, &db).map_err(io("Cannot put the backup in place at", &db))?;
    let _ = fs::remove_dir_all(&staging);
    if current_key.as_ref() != Some(&backup_key) {
        // The database kept aside keeps its own key, filed under its new name.
        if let (Some(old), Some(aside)) = (&current_key, &kept) {
            key::save(aside, old)?;
        }
        key::save(data_dir, &backup_key)?;
    }
    tracing::info!(backup = %backup.display(), "restored");
    Ok(kept)
}

/// Copies `backup` into the empty folder `staging` and readies it there: brought to this
/// version's schema and given a new device identity (the PC the backup was taken on may have
/// gone on after it, under its old identity, so the copy must not reuse its sequence or
/// receipt numbers). Answers the readied file, whole (no write-ahead log beside it) and
/// flushed to disk.
fn stage(staging: &Path, backup: &Path, key: &DatabaseKey) -> Result<PathBuf> {
    fs::create_dir_all(staging).map_err(io("Cannot create", staging))?;
    let tmp = staging.join(DB_FILE);
    fs::copy(backup, &tmp).map_err(io("Cannot copy", backup))?;
    {
        let mut store = Store::open_with_key(staging, key.clone())?;
        store.take_new_identity()?;
        store.checkpoint()?;
    }
    fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("Cannot write the restored database", &e))?;
    Ok(tmp)
}

#[cfg(test)]
mod tests;

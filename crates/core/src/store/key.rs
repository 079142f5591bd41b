//! The database key: 256 random bits that SQLCipher encrypts the database (and its backups)
//! with. It lives in the OS keyring, filed under the data folder; the administrator is shown
//! it once as a recovery key (base32 in groups of four) to reopen the data on a new PC or
//! after losing the keyring.

use std::fmt;
use std::path::Path;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use data_encoding::{BASE32_NOPAD, HEXLOWER};
use rusqlite::Connection;

use crate::error::{Error, ErrorCode, Result};
use crate::secrets;

#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey([u8; 32]);

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseKey(..)")
    }
}

impl Drop for DatabaseKey {
    fn drop(&mut self) {
        // Do not leave the key in freed memory.
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl DatabaseKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        DatabaseKey(bytes)
    }

    /// A key built from fixed bytes, for tests and benchmarks of the store itself.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DatabaseKey(bytes)
    }

    /// The recovery key as people write it down: 52 base32 letters and digits in groups of 4.
    pub fn recovery_text(&self) -> String {
        let text = BASE32_NOPAD.encode(&self.0);
        text.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a recovery key, forgiving case, spaces and dashes.
    pub fn from_recovery_text(text: &str) -> Result<Self> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bad = || {
            Error::validation(
                "recovery_key",
                "That is not a Rollbook recovery key: it has 52 letters and digits, in groups \
                 of four.",
            )
        };
        let bytes = BASE32_NOPAD.decode(cleaned.as_bytes()).map_err(|_| bad())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        Ok(DatabaseKey(bytes))
    }

    fn hex(&self) -> String {
        HEXLOWER.encode(&self.0)
    }

    fn from_hex(text: &str) -> Option<Self> {
        let bytes = HEXLOWER.decode(text.trim().as_bytes()).ok()?;
        Some(DatabaseKey(bytes.try_into().ok()?))
    }

    /// The SQL literal SQLCipher takes a raw key as (no key derivation: the key is random).
    fn literal(&self) -> String {
        format!("\"x'{}'\"", self.hex())
    }
}

/// Keys `conn` and checks the key opens it (a wrong key reads as "not a database").
pub(crate) fn apply(conn: &Connection, key: &DatabaseKey) -> Result<()> {
    // A wrong key or a damaged page is answered with a clear error of ours; SQLCipher's own
    // log lines on stderr would only alarm.
    conn.execute_batch(&format!(
        "PRAGMA cipher_log_level = NONE; PRAGMA key = {};",
        key.literal()
    ))?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(|_| wrong_key())
}

/// Attaches `path` as `alias`, encrypted with `key`.
pub(crate) fn attach(conn: &Connection, path: &Path, alias: &str, key: &DatabaseKey) -> Result<()> {
    conn.execute(
        &format!("ATTACH DATABASE ?1 AS {alias} KEY {}", key.literal()),
        [path.to_string_lossy()],
    )?;
    Ok(())
}

pub(crate) fn wrong_key() -> Error {
    Error::new(
        ErrorCode::RecoveryKeyNeeded,
        "This database is encrypted with a key this computer does not have, or it is \
         damaged. Enter the school's recovery key to open it, or restore a backup.",
    )
}

/// Whether the file at `path` is an unencrypted SQLite database.
pub(crate) fn is_plain_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0"
}

fn account(data_dir: &Path) -> String {
    let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    format!("database:{}", dir.display())
}

/// The key kept in the keyring for the database in `data_dir`.
pub(crate) fn load(data_dir: &Path) -> Result<Option<DatabaseKey>> {
    Ok(secrets::get(&account(data_dir))?.and_then(|t| DatabaseKey::from_hex(&t)))
}

/// Removes the key kept for `data_dir` (a test of what an earlier version left behind).
#[cfg(test)]
pub(crate) fn forget(data_dir: &Path) -> Result<()> {
    secrets::delete(&account(data_dir))
}

/// Keeps `key` in the keyring for the database in `data_dir`.
pub(crate) fn save(data_dir: &Path, key: &DatabaseKey) -> Result<()> {
    secrets::put(&account(data_dir), &key.hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_however_it_is_typed() {
        let key = DatabaseKey::generate();
        let text = key.recovery_text();
        assert_eq!(text.len(), 52 + 12, "{text}");
        assert_eq!(DatabaseKey::from_recovery_text(&text).unwrap(), key);
        let sloppy = text.to_lowercase().replace('-', " ");
        assert_eq!(DatabaseKey::from_recovery_text(&sloppy).unwrap(), key);
        assert!(DatabaseKey::from_recovery_text("ABCD-EFGH").is_err());
        let not_base32 = format!("1{}", &text[1..]);
        assert!(DatabaseKey::from_recovery_text(&not_base32).is_err());
        assert_ne!(DatabaseKey::generate(), key);
        assert!(!format!("{key:?}").contains(&key.hex()));
    }
}

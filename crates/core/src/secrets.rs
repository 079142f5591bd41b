//! Secrets in the operating system's keyring (Windows Credential Manager, macOS Keychain,
//! the Secret Service on Linux), never in the database or a file. Where no keyring answers,
//! callers get [`ErrorCode::KeyringUnavailable`] and nothing is written anywhere else.

use crate::error::{Error, ErrorCode, Result};

/// The keyring service every Rollbook secret is filed under.
const SERVICE: &str = "Rollbook";

fn entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, account).map_err(unavailable)
}

/// Stores `secret` under `account`, replacing any earlier value.
pub(crate) fn put(account: &str, secret: &str) -> Result<()> {
    entry(account)?.set_password(secret).map_err(unavailable)
}

/// The secret under `account`, or none when there is no such entry.
pub(crate) fn get(account: &str) -> Result<Option<String>> {
    match entry(account)?.get_password() {
        Ok(s) => Ok(Some(s)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Removes the secret under `account`; removing a missing one is not an error.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn delete(account: &str) -> Result<()> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}

fn unavailable(e: keyring::Error) -> Error {
    tracing::warn!(error = %e, "keyring unavailable");
    Error::new(
        ErrorCode::KeyringUnavailable,
        format!(
            "The system keyring could not be used ({e}). Rollbook keeps PINs and keys only \
             there; on Linux, start a Secret Service such as GNOME Keyring and unlock it."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs against the real keyring (CI starts a Secret Service on a private D-Bus).
    #[test]
    fn a_secret_goes_in_and_comes_out_of_the_real_keyring() {
        let account = format!("test:{}", crate::id::Id::new());
        assert_eq!(get(&account).unwrap(), None);
        put(&account, "first").unwrap();
        put(&account, "second").unwrap();
        assert_eq!(get(&account).unwrap().as_deref(), Some("second"));
        delete(&account).unwrap();
        assert_eq!(get(&account).unwrap(), None);
        delete(&account).unwrap();
    }
}

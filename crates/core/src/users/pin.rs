//! PINs: checked for shape, hashed with Argon2id (OWASP's parameters: 19 MiB, 2 passes, one
//! lane) into a PHC string, and kept only in the OS keyring under the user's id. The PIN
//! itself is never stored; neither is the hash anywhere but the keyring.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::secrets;

/// OWASP's Argon2id minimum: m = 19456 KiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| Error::internal(format!("Argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The keyring account a user's PIN hash is kept under. User ids are the same on every
/// device, so a database restored on this PC finds the PINs set here before.
pub(crate) fn account(user_id: Id) -> String {
    format!("pin:{user_id}")
}

/// A PIN of 4 to 8 digits, or a passphrase of 8 to 128 characters that is not all digits.
pub fn check_shape(pin: &str) -> Result<()> {
    let digits = pin.chars().all(|c| c.is_ascii_digit());
    let len = pin.chars().count();
    if digits && (4..=8).contains(&len) {
        return Ok(());
    }
    if digits {
        return Err(Error::validation(
            "pin",
            "A PIN has 4 to 8 digits (or use a passphrase of 8 characters or more).",
        ));
    }
    if len < 8 {
        return Err(Error::validation(
            "pin",
            "A passphrase needs at least 8 characters (or use a PIN of 4 to 8 digits).",
        ));
    }
    if len > 128 {
        return Err(Error::validation(
            "pin",
            "A passphrase may have at most 128 characters.",
        ));
    }
    if pin.trim() != pin {
        return Err(Error::validation(
            "pin",
            "A passphrase may not start or end with a space.",
        ));
    }
    Ok(())
}

/// Hashes `pin` into an Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub(crate) fn hash(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("could not hash the PIN: {e}")))
}

/// Whether `pin` matches the PHC string `phc`.
pub(crate) fn matches(pin: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc)
        .map_err(|e| Error::internal(format!("the stored PIN hash is unreadable: {e}")))?;
    Ok(hasher()?.verify_password(pin.as_bytes(), &parsed).is_ok())
}

/// Hashes and stores `pin` for `user_id` in the keyring.
pub(crate) fn store(user_id: Id, pin: &str) -> Result<()> {
    check_shape(pin)?;
    secrets::put(&account(user_id), &hash(pin)?)
}

/// The stored hash for `user_id`, if this device has one.
pub(crate) fn stored(user_id: Id) -> Result<Option<String>> {
    secrets::get(&account(user_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_passphrases_have_a_shape() {
        for good in ["1234", "12345678", "correct horse", "pass word 9"] {
            assert!(check_shape(good).is_ok(), "{good}");
        }
        for bad in ["123", "123456789", "", "abc", "passwd", " leading space"] {
            assert!(check_shape(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_hash_is_argon2id_with_owasp_parameters_and_checks_only_its_pin() {
        let phc = hash("4821").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(!phc.contains("4821"));
        assert!(matches("4821", &phc).unwrap());
        assert!(!matches("4822", &phc).unwrap());
        assert_ne!(hash("4821").unwrap(), phc, "each hash has its own salt");
    }
}

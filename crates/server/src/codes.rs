//! One-time enrolment codes: 10 characters from an alphabet without look-alikes (no I, L, O,
//! 0 or 1), shown grouped as `ABCD-EFGH-JK`, read back whatever the case, dashes or spaces.

use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const LENGTH: usize = 10;

/// How long a new code works.
pub fn validity() -> chrono::Duration {
    chrono::Duration::hours(24)
}

/// A new code in its canonical form (upper case, no dashes).
pub fn generate() -> Result<String, getrandom::Error> {
    let mut code = String::with_capacity(LENGTH);
    let mut bytes = [0u8; 32];
    while code.len() < LENGTH {
        getrandom::fill(&mut bytes)?;
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        for &b in &bytes {
            if usize::from(b) < limit && code.len() < LENGTH {
                code.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Ok(code)
}

/// The code as people are shown it: `ABCD-EFGH-JK`.
pub fn display(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a code as someone typed it.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What the server stores and looks codes up by.
pub fn hash(code: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(normalise(code).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_read_back_loosely() {
        let code = generate().unwrap();
        assert_eq!(code.len(), LENGTH);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)));
        let shown = display(&code);
        assert_eq!(shown.len(), 12);
        assert_eq!(&shown[4..5], "-");
        assert_eq!(normalise(&shown.to_lowercase()), code);
        assert_eq!(hash(&format!(" {} ", shown.to_lowercase())), hash(&code));
        assert_ne!(generate().unwrap(), code);
    }
}

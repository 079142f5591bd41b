//! Phone numbers, normalised to E.164 with libphonenumber's metadata and the school's
//! default country, so "098765 43210", "+91 98765-43210" and "9876543210" are one number.

use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;

use phonenumber::country;

use crate::error::{Error, Result};

/// Normalises `text` to E.164 (`+919876543210`), reading local numbers as `default_country`'s.
/// `field` names the input in the error when the text is not a phone number.
pub fn normalise(field: &str, text: &str, default_country: &str) -> Result<String> {
    let trimmed = text.trim();
    let bad =
        |why: &str| Error::validation(field, format!("\"{trimmed}\" is not a phone number{why}"));
    if trimmed.is_empty() {
        return Err(bad(""));
    }
    if trimmed
        .chars()
        .any(|c| c.is_alphabetic() && !matches!(c, 'x' | 'X'))
    {
        return Err(bad(""));
    }
    let key = format!("{default_country}\u{1f}{trimmed}");
    if let Some(known) = recall(&NORMALISED, &key) {
        return Ok(known);
    }
    let region = country::Id::from_str(default_country).ok();
    let number = phonenumber::parse(region, trimmed).map_err(|_| bad(""))?;
    if !phonenumber::is_valid(&number) {
        let hint = match region {
            Some(_) if !trimmed.starts_with('+') => {
                format!(" in {default_country} (for another country, start with + and its code)")
            }
            _ => String::new(),
        };
        return Err(bad(&hint));
    }
    let out = e164(&number);
    remember(&NORMALISED, key, &out);
    // The search index asks for this number's digits next; they are at hand now.
    remember(
        &DIGITS,
        out.clone(),
        &digits_of(&out, number.national().value()),
    );
    Ok(out)
}

fn digits_of(e164: &str, national: u64) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    format!("{digits} {national}")
}

/// Numbers already parsed on this thread, by what was typed (and the country), and their
/// search digits by E.164. Parsing and validating a number costs some 8 µs behind
/// phonenumber's locked regex cache; an import meets most numbers two or more times (a
/// mother and father with one mobile, siblings, the search index), so it parses each once.
/// Only valid numbers are kept; each map is emptied when it reaches [`MEMO_LIMIT`] entries
/// (some 5 MB), so memory stays bounded whatever the file holds.
type Memo = RefCell<HashMap<String, String>>;

/// Enough for the numbers of a 20,000-student import to be parsed once between checking
/// the rows and indexing them for search.
const MEMO_LIMIT: usize = 50_000;

thread_local! {
    static NORMALISED: Memo = RefCell::new(HashMap::new());
    static DIGITS: Memo = RefCell::new(HashMap::new());
}

fn recall(memo: &'static std::thread::LocalKey<Memo>, key: &str) -> Option<String> {
    memo.with(|m| m.borrow().get(key).cloned())
}

fn remember(memo: &'static std::thread::LocalKey<Memo>, key: String, value: &str) {
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(key, value.to_owned());
    });
}

/// The number in E.164, written directly: exactly what `number.format().mode(Mode::E164)`
/// writes, without its formatter first matching the number against every national format's
/// leading-digit patterns (India has more of them than phonenumber's regex cache holds, so
/// each number recompiled regexes: most of an import's validation time).
fn e164(number: &phonenumber::PhoneNumber) -> String {
    format!("+{}{}", number.country().code(), number.national())
}

/// The digits of an E.164 number and of its national form, for search: a clerk may type
/// either "98765" or "9198765".
pub(crate) fn search_digits(e164: &str) -> String {
    if let Some(known) = recall(&DIGITS, e164) {
        return known;
    }
    let out = match phonenumber::parse(None, e164) {
        Ok(n) => digits_of(e164, n.national().value()),
        Err(_) => e164.chars().filter(char::is_ascii_digit).collect(),
    };
    remember(&DIGITS, e164.to_owned(), &out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_met_again_gives_the_same_answer() {
        for _ in 0..3 {
            assert_eq!(
                normalise("phone", "98765 43210", "IN").unwrap(),
                "+919876543210"
            );
            assert_eq!(
                normalise("phone", "12345", "IN").unwrap_err().message,
                "\"12345\" is not a phone number in IN (for another country, start with + and its code)"
            );
            assert_eq!(search_digits("+919876543210"), "919876543210 9876543210");
        }
        // The digits kept when a number is normalised are those its E.164 form parses to.
        for (typed, country) in [
            ("98765 43210", "IN"),
            ("+44 20 7946 0018", "IN"),
            ("(202) 555-0143", "US"),
            ("06 12 34 56 78", "FR"),
        ] {
            let e164 = normalise("phone", typed, country).unwrap();
            let parsed = phonenumber::parse(None, &e164).unwrap();
            assert_eq!(
                search_digits(&e164),
                digits_of(&e164, parsed.national().value()),
                "{typed}"
            );
        }
        // The memo stays bounded.
        for i in 0..(MEMO_LIMIT + 10) {
            let _ = normalise("phone", &format!("98{:08}", i), "IN");
        }
        assert!(NORMALISED.with(|m| m.borrow().len()) <= MEMO_LIMIT);
    }

    #[test]
    fn local_and_international_forms_become_one_number() {
        for form in [
            "98765 43210",
            "+91 98765-43210",
            "09876543210",
            "(0)98765 43210",
            "+919876543210",
        ] {
            assert_eq!(
                normalise("phone", form, "IN").unwrap(),
                "+919876543210",
                "{form}"
            );
        }
        assert_eq!(
            normalise("phone", "0712 345678", "KE").unwrap(),
            "+254712345678"
        );
        assert_eq!(
            normalise("phone", "+254 712 345678", "IN").unwrap(),
            "+254712345678"
        );
    }

    #[test]
    fn what_is_not_a_phone_number_is_refused_by_field() {
        for bad in ["", "12345", "not a number", "98765", "+91 12"] {
            let err = normalise("guardians[0].phone", bad, "IN").unwrap_err();
            assert_eq!(err.field.as_deref(), Some("guardians[0].phone"), "{bad}");
            assert!(
                err.message.contains("is not a phone number"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn e164_is_what_the_formatter_writes() {
        for (text, country) in [
            ("98765 43210", "IN"),
            ("0712 345678", "KE"),
            ("+39 06 1234 5678", "IN"),
            ("020 7946 0958", "GB"),
            ("(201) 555-0123", "US"),
            ("+44 7911 123456", "KE"),
        ] {
            let n = phonenumber::parse(country::Id::from_str(country).ok(), text).unwrap();
            assert_eq!(
                e164(&n),
                n.format().mode(phonenumber::Mode::E164).to_string(),
                "{text}"
            );
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Numbers shaped like real ones (mobiles, landlines, Italy's leading zeros, numbers
        /// written with another country's code), local and international.
        #[test]
        fn e164_matches_the_formatter_for_any_valid_number(
            (country, text) in prop_oneof![
                ("[0-9]{6,13}", prop::sample::select(vec!["IN", "KE", "GB", "US", "IT", "NG", "ZA", "AE"]))
                    .prop_map(|(d, c)| (c, d)),
                "0?[6-9][0-9]{9}".prop_map(|d| ("IN", d)),
                "0?[1-5][0-9]{9}".prop_map(|d| ("IN", d)),
                "0?7[0-9]{8}".prop_map(|d| ("KE", d)),
                "0?7[0-9]{9}".prop_map(|d| ("GB", d)),
                "[2-9][0-9]{2}[2-9][0-9]{6}".prop_map(|d| ("US", d)),
                "0[0-9]{5,10}|3[0-9]{8,9}".prop_map(|d| ("IT", d)),
                "\\+(39 0|44 7|254 7|91 9|1 [2-9])[0-9]{8,9}".prop_map(|d| ("IN", d)),
            ],
        ) {
            if let Ok(n) = phonenumber::parse(country::Id::from_str(country).ok(), &text)
                && phonenumber::is_valid(&n)
            {
                prop_assert_eq!(
                    e164(&n),
                    n.format().mode(phonenumber::Mode::E164).to_string()
                );
            }
        }
    }

    #[test]
    fn search_digits_hold_both_forms() {
        assert_eq!(search_digits("+919876543210"), "919876543210 9876543210");
    }
}

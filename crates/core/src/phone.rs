//! Phone numbers, normalised to E.164 with libphonenumber's metadata and the school's
//! default country, so "098765 43210", "+91 98765-43210" and "9876543210" are one number.

use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use phonenumber::country;
use phonenumber::metadata::{DATABASE, Descriptor, Metadata};

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
    if !is_valid(&number) {
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
    Ok(out)
}

/// Whether `number` is valid: exactly `phonenumber::is_valid`'s answer (the number's region
/// by its country code, and for codes shared by several regions by their leading digits; then
/// the general pattern and one of the kinds of number), from the same metadata, with the same
/// patterns compiled with the same options. What differs is the cache: phonenumber looks every
/// pattern up by its text in an LRU cache behind a lock on every use, hashing patterns some
/// hundreds of characters long with SipHash (two lookups per pattern, five patterns per Indian
/// number: a third of an import's validation time, more than matching them). Here each
/// pattern is compiled once and found by where it lives in phonenumber's metadata, which is a
/// static that is never freed or moved.
fn is_valid(number: &phonenumber::PhoneNumber) -> bool {
    let code = number.country().code();
    let national = number.national().to_string();
    let region = |id: &str| {
        country::Id::from_str(id)
            .ok()
            .and_then(|id| DATABASE.by_id(id.as_ref()))
    };
    let Some(regions) = DATABASE.region(&code) else {
        return false;
    };
    let meta = match regions.as_slice() {
        ["001"] => DATABASE.by_code(&code).and_then(|m| m.into_iter().next()),
        [one] => region(one),
        several => several
            .iter()
            .find(|id| {
                DATABASE
                    .by_id(**id)
                    .is_some_and(|meta| match meta.leading_digits() {
                        Some(leading) => match_at_start(leading.as_str(), &national, || {
                            leading.find(&national).map(|m| m.start())
                        }),
                        None => known_kind(meta, &national),
                    })
            })
            .and_then(|id| region(id)),
    };
    meta.is_some_and(|meta| known_kind(meta, &national))
}

/// phonenumber's `number_type(meta, national) != Type::Unknown`: the general pattern matches
/// and so does the pattern of some kind of number (which one does not matter here, so the
/// likeliest are tried first).
fn known_kind(meta: &Metadata, national: &str) -> bool {
    let d = meta.descriptors();
    matches(d.general(), national)
        && kinds(d)
            .into_iter()
            .flatten()
            .any(|kind| matches(kind, national))
}

/// The patterns of each kind of number a region has (mobile first: the likeliest).
fn kinds(d: &phonenumber::metadata::Descriptors) -> [Option<&Descriptor>; 10] {
    [
        d.mobile(),
        d.fixed_line(),
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
}

/// `Descriptor::is_match`: one of the kind's lengths, and its pattern matching from the start.
fn matches(d: &Descriptor, national: &str) -> bool {
    let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
    if !d.possible_length().is_empty() && !d.possible_length().contains(&length) {
        return false;
    }
    let pattern = d.national_number();
    match_at_start(pattern.as_str(), national, || {
        pattern.find(national).map(|m| m.start())
    })
}

/// Whether the pattern `source` finds a match in `text` starting at 0, as phonenumber tests
/// it; `theirs` asks phonenumber's own compiled pattern (never needed: both compile the same
/// text with the same options and the same regex crate).
fn match_at_start(source: &str, text: &str, theirs: impl FnOnce() -> Option<usize>) -> bool {
    let found = match compiled(source) {
        Some(re) => re.find(text).map(|m| m.start()),
        None => theirs(),
    };
    found == Some(0)
}

/// Patterns compiled so far, by the address of their text in phonenumber's metadata (a
/// static, never moved or freed), so finding one is a comparison, not a hash of its text.
/// Bounded: a school's numbers use a handful of patterns; emptied if ever it reaches
/// [`PATTERN_LIMIT`].
type Compiled = Mutex<Vec<(usize, Arc<regex::Regex>)>>;

const PATTERN_LIMIT: usize = 256;

static COMPILED: Compiled = Mutex::new(Vec::new());

fn compiled(source: &str) -> Option<Arc<regex::Regex>> {
    let at = source.as_ptr().addr();
    let mut all = COMPILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, re)) = all.iter().find(|(a, _)| *a == at) {
        return Some(re.clone());
    }
    // The options phonenumber's metadata compiles every pattern with (regex_cache's defaults
    // and `ignore_whitespace`).
    let re = Arc::new(
        regex::RegexBuilder::new(source)
            .ignore_whitespace(true)
            .size_limit(10 * (1 << 20))
            .dfa_size_limit(2 * (1 << 20))
            .build()
            .ok()?,
    );
    if all.len() >= PATTERN_LIMIT {
        all.clear();
    }
    all.push((at, re.clone()));
    Some(re)
}

/// Numbers already parsed on this thread, by what was typed (and the country). Parsing a
/// number costs some microseconds; an import meets many numbers two or more times (a mother
/// and father with one mobile, siblings), so it parses each once. Only valid numbers are
/// kept; the map is emptied when it reaches [`MEMO_LIMIT`] entries (some 5 MB), so memory
/// stays bounded whatever the file holds.
type Memo = RefCell<HashMap<String, String>>;

/// Enough for the numbers of a 20,000-student import to be parsed once.
const MEMO_LIMIT: usize = 50_000;

thread_local! {
    static NORMALISED: Memo = RefCell::new(HashMap::new());
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

/// The digits of an E.164 number, for search. A clerk may type a number with or without its
/// country code ("98765", "9198765"); the index is searched for substrings (trigrams), and a
/// number's national digits are always the end of its E.164 digits (the country code, any
/// leading zeros, then the national number's value), so this one form finds it both ways.
/// (Index entries made before also held the national digits apart: the same students match.)
pub(crate) fn search_digits(e164: &str) -> String {
    e164.chars().filter(char::is_ascii_digit).collect()
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
                // So a search by the national digits finds what the index holds.
                prop_assert!(search_digits(&e164(&n)).ends_with(&n.national().value().to_string()));
            }
        }

        /// Validity is phonenumber's for any number: local numbers of countries with one
        /// code and of countries sharing theirs, numbers given with any country code
        /// (including shared and non-geographic ones), valid and not.
        #[test]
        fn validity_matches_phonenumber_for_any_number(
            (country, text) in prop_oneof![
                ("0?[0-9]{4,13}", prop::sample::select(vec![
                    "IN", "KE", "GB", "US", "CA", "JM", "IT", "NG", "ZA", "AE", "RU", "KZ",
                    "GG", "JE", "IM", "FR", "RE", "YT", "GP", "DE", "AU", "NZ", "BR", "CN",
                ])).prop_map(|(d, c)| (c, d)),
                "0?[6-9][0-9]{9}".prop_map(|d| ("IN", d)),
                "\\+(1|7|44|262|590|599|47|61|39|91|254|800|808|870|881|882|883|888|979)[0-9]{4,12}"
                    .prop_map(|d| ("IN", d)),
                "\\+[1-9][0-9]{5,14}".prop_map(|d| ("IN", d)),
            ],
        ) {
            if let Ok(n) = phonenumber::parse(country::Id::from_str(country).ok(), &text) {
                prop_assert_eq!(is_valid(&n), phonenumber::is_valid(&n), "{} in {}", text, country);
            }
        }
    }

    /// Every region's example numbers of every kind, read as that region's and as written
    /// from India with the region's code, and each with its last digit dropped.
    #[test]
    fn validity_is_phonenumbers_for_every_regions_examples() {
        let mut compared = 0;
        for meta in DATABASE.iter() {
            let d = meta.descriptors();
            let all = std::iter::once(Some(d.general())).chain(kinds(d));
            for example in all.flatten().filter_map(Descriptor::example) {
                let short = &example[..example.len() - 1];
                for (country, text) in [
                    (country::Id::from_str(meta.id()).ok(), example.to_owned()),
                    (
                        Some(country::IN),
                        format!("+{} {example}", meta.country_code()),
                    ),
                    (
                        Some(country::IN),
                        format!("+{} {short}", meta.country_code()),
                    ),
                ] {
                    if let Ok(n) = phonenumber::parse(country, &text) {
                        assert_eq!(
                            is_valid(&n),
                            phonenumber::is_valid(&n),
                            "{text} in {}",
                            meta.id()
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    /// Numbers of every kind phonenumber's own tests use, and of countries that share a
    /// code (+1, +7, +44, +262, +590), plus non-geographic ones (+800, +979).
    #[test]
    fn validity_is_phonenumbers() {
        for (country, text) in [
            ("US", "+1 6502530000"),
            ("IT", "+39 0236618300"),
            ("FR", "+330631966543"),
            ("GB", "+44 7912345678"),
            ("IN", "+800 12345678"),
            ("IN", "+979 123456789"),
            ("IN", "+64 21387835"),
            ("IN", "+1 2530000"),
            ("IN", "+44 791234567"),
            ("IN", "+49 1234"),
            ("IN", "+64 3316005"),
            ("IN", "+3923 2366"),
            ("IN", "+800 123456789"),
            ("IN", "+1 416 555 0143"),
            ("IN", "+1 876 555 0143"),
            ("IN", "+1 268 464 1234"),
            ("IN", "+7 701 123 4567"),
            ("IN", "+7 912 345 6789"),
            ("IN", "+44 1481 256789"),
            ("IN", "+44 7781 123456"),
            ("IN", "+262 692 12 34 56"),
            ("IN", "+590 690 00 12 34"),
            ("IN", "1800 123 4567"),
            ("IN", "080 2345 6789"),
            ("IN", "98765 43210"),
            ("IN", "58765 43210"),
            ("KE", "0712 345678"),
            ("CA", "(416) 555-0143"),
        ] {
            let Ok(n) = phonenumber::parse(country::Id::from_str(country).ok(), text) else {
                continue;
            };
            assert_eq!(
                is_valid(&n),
                phonenumber::is_valid(&n),
                "{text} in {country}"
            );
        }
    }

    #[test]
    fn search_digits_hold_the_national_digits_at_their_end() {
        assert_eq!(search_digits("+919876543210"), "919876543210");
        // Whatever the country, leading zeros included (Italy keeps its trunk 0).
        for (typed, country) in [
            ("98765 43210", "IN"),
            ("+44 20 7946 0018", "IN"),
            ("(202) 555-0143", "US"),
            ("06 12 34 56 78", "FR"),
            ("02 3661 8300", "IT"),
            ("0712 345678", "KE"),
        ] {
            let e164 = normalise("phone", typed, country).unwrap();
            let parsed = phonenumber::parse(None, &e164).unwrap();
            let national = parsed.national();
            let digits = search_digits(&e164);
            assert!(
                digits.ends_with(&national.value().to_string())
                    && digits.ends_with(&national.to_string()),
                "{typed}: {digits}"
            );
        }
    }
}

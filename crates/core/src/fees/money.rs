//! Amounts as people type and read them, and as the store keeps them: an integer count of the
//! currency's minor units (1500.00 rupees is 150000 paise). Never a float.

use crate::error::{Error, Result};

/// The largest amount accepted: a trillion major units is no school's fee.
const MAX_MAJOR: i64 = 1_000_000_000_000;

/// Reads "1500", "1,500.50" or "1500.5" as minor units for a currency with `minor_digits`
/// decimals. Refuses negatives, more decimals than the currency has, and anything else.
pub fn parse_amount(field: &str, text: &str, minor_digits: u8) -> Result<i64> {
    let t = text.trim();
    let bad = || {
        Error::validation(
            field,
            format!(
                "\"{t}\" is not an amount (e.g. 1500{})",
                if minor_digits > 0 {
                    format!(".{}", "0".repeat(minor_digits.into()))
                } else {
                    String::new()
                }
            ),
        )
    };
    if t.is_empty() {
        return Err(Error::validation(field, "Enter an amount"));
    }
    if t.starts_with('-') {
        return Err(Error::validation(field, "The amount cannot be negative"));
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let whole: String = whole.chars().filter(|c| *c != ',' && *c != ' ').collect();
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > usize::from(minor_digits) {
        return Err(Error::validation(
            field,
            format!("\"{t}\" has more decimals than the currency ({minor_digits})"),
        ));
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    if whole > MAX_MAJOR {
        return Err(Error::validation(field, format!("\"{t}\" is too large")));
    }
    let scale = 10i64.pow(u32::from(minor_digits));
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    for _ in frac.len()..usize::from(minor_digits) {
        frac_value *= 10;
    }
    Ok(whole * scale + frac_value)
}

/// Minor units as text with the currency's decimals: 150000 → "1500.00"; a minus sign for
/// negatives. No symbol or grouping (the UI adds those for display).
pub fn format_amount(minor: i64, minor_digits: u8) -> String {
    if minor_digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(u32::from(minor_digits));
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = usize::from(minor_digits)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_minor_units_without_floats() {
        assert_eq!(parse_amount("a", "1500", 2).unwrap(), 150_000);
        assert_eq!(parse_amount("a", " 1,500.5 ", 2).unwrap(), 150_050);
        assert_eq!(parse_amount("a", "0.07", 2).unwrap(), 7);
        assert_eq!(parse_amount("a", ".5", 2).unwrap(), 50);
        assert_eq!(parse_amount("a", "2500", 0).unwrap(), 2500);
        assert_eq!(parse_amount("a", "1.234", 3).unwrap(), 1234);
        // 0.1 + 0.2 in floats is not 0.3; here it is.
        assert_eq!(
            parse_amount("a", "0.1", 2).unwrap() + parse_amount("a", "0.2", 2).unwrap(),
            parse_amount("a", "0.3", 2).unwrap()
        );
        for bad in ["", "-5", "1.234", "abc", "1.2.3", "1e5", ".", "12,5a"] {
            let err = parse_amount("amount", bad, 2).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("amount"), "{bad}");
        }
        assert!(
            parse_amount("a", "5.5", 0)
                .unwrap_err()
                .message
                .contains("decimals")
        );
        assert!(parse_amount("a", "99999999999999999999", 2).is_err());
    }

    #[test]
    fn amounts_are_written_with_the_currency_decimals() {
        assert_eq!(format_amount(150_000, 2), "1500.00");
        assert_eq!(format_amount(7, 2), "0.07");
        assert_eq!(format_amount(-250, 2), "-2.50");
        assert_eq!(format_amount(2500, 0), "2500");
        assert_eq!(format_amount(1234, 3), "1.234");
    }
}

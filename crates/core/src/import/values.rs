//! Reading the values people type into class lists: dates in the school's order, Excel
//! serials, genders, yes/no, names, class names.

use chrono::{Datelike, NaiveDate};

use super::read::Cell;
use crate::school::DateOrder;

/// A date from a cell: a date cell, an Excel serial number, or text in the school's order
/// with `-`, `/`, `.` or spaces ("14/05/2016", "5.14.2016", "14 May 2016", "2016-05-14").
pub(crate) fn date(cell: &Cell, order: DateOrder, today: NaiveDate) -> Result<NaiveDate, String> {
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::BadDate(t) => Err(format!("{t} is not a real date")),
        Cell::Number(n) => serial(*n),
        Cell::Text(t) => text_date(t.trim(), order, today),
        other => Err(format!("\"{}\" is not a date", other.text())),
    }
}

/// An Excel serial date (1900 system: day 1 is 1 January 1900, and Excel counts a
/// 29 February 1900 that never was as day 60).
pub(crate) fn serial(n: f64) -> Result<NaiveDate, String> {
    if !n.is_finite() || !(1.0..2_958_466.0).contains(&n) {
        return Err(format!("{n} is not a date"));
    }
    let days = n.floor() as i64;
    if days == 60 {
        return Err("29/02/1900 (Excel's serial 60) is a day that did not exist".into());
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, if days < 60 { 31 } else { 30 })
        .ok_or("bad base date")?;
    base.checked_add_signed(chrono::Duration::days(days))
        .ok_or_else(|| format!("{n} is not a date"))
}

fn text_date(t: &str, order: DateOrder, today: NaiveDate) -> Result<NaiveDate, String> {
    if t.is_empty() {
        return Err("the date is empty".into());
    }
    // A serial typed or stored as text.
    if let Ok(n) = t.parse::<f64>()
        && n > 59.0
        && !t.contains(['.', ','])
    {
        return serial(n);
    }
    let expect = match order {
        DateOrder::Dmy => "day/month/year",
        DateOrder::Mdy => "month/day/year",
    };
    let bad = || format!("\"{t}\" is not a date ({expect})");
    let parts: Vec<&str> = t
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    // Year first: ISO 2016-05-14 (what LibreOffice and Google Sheets often write).
    if parts[0].len() == 4 {
        let (y, m, d) = (num(parts[0]), num(parts[1]), num(parts[2]));
        return match (y, m, d) {
            (Some(y), Some(m), Some(d)) => ymd(y, m, d).ok_or_else(bad),
            _ => Err(bad()),
        };
    }
    // A month written as a word fixes the order: "14 May 2016", "May 14, 2016".
    let (day, month, year) = match (month_from_name(parts[0]), month_from_name(parts[1])) {
        (_, Some(m)) => (num(parts[0]), Some(m), num(parts[2])),
        (Some(m), _) => (num(parts[1]), Some(m), num(parts[2])),
        _ => match order {
            DateOrder::Dmy => (num(parts[0]), num(parts[1]), num(parts[2])),
            DateOrder::Mdy => (num(parts[1]), num(parts[0]), num(parts[2])),
        },
    };
    let (Some(day), Some(month), Some(year)) = (day, month, year) else {
        return Err(bad());
    };
    let year = if parts[2].len() == 2 {
        two_digit_year(year, today)
    } else {
        year
    };
    ymd(year, month, day).ok_or_else(|| {
        format!(
            "\"{t}\" is not a date ({expect}): there is no day {day} in month {month} of {year}"
        )
    })
}

fn two_digit_year(yy: u32, today: NaiveDate) -> u32 {
    let now = u32::try_from(today.year()).unwrap_or(2000);
    let century = now - now % 100;
    if century + yy > now {
        century - 100 + yy
    } else {
        century + yy
    }
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

fn num(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) && s.len() <= 4 {
        s.parse().ok()
    } else {
        None
    }
}

fn month_from_name(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.to_ascii_lowercase();
    if s.len() < 3 || !s.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| s.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// Yes/no as people write it.
pub(crate) fn yes_no(t: &str) -> Option<bool> {
    match t.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" | "x" | "✓" | "✔" | "ok" | "agreed" => Some(true),
        "" | "n" | "no" | "false" | "0" | "-" => Some(false),
        _ => None,
    }
}

/// "Aarav Kumar Sharma" → ("Aarav Kumar", "Sharma"); "SHARMA, Aarav" → ("Aarav", "SHARMA").
pub(crate) fn split_full_name(full: &str) -> (String, String) {
    let full = crate::text::clean(full);
    if let Some((family, given)) = full.split_once(',') {
        let (given, family) = (given.trim(), family.trim());
        if !given.is_empty() && !family.is_empty() {
            return (given.to_owned(), family.to_owned());
        }
    }
    match full.rsplit_once(' ') {
        Some((given, family)) => (given.to_owned(), family.to_owned()),
        None => (full, String::new()),
    }
}

/// A grade as a comparable key: "V" and "5" and "05" are one grade, "UKG" and "ukg" too.
pub(crate) fn grade_key(grade: &str) -> String {
    let g = crate::text::fold(grade);
    let g = g
        .trim_start_matches("grade ")
        .trim_start_matches("class ")
        .trim_start_matches("std ")
        .trim();
    if let Ok(n) = g.parse::<u32>() {
        return n.to_string();
    }
    roman(g)
        .map(|n| n.to_string())
        .unwrap_or_else(|| g.replace(' ', ""))
}

/// The grade as Rollbook names new classes: Roman numerals become numbers.
pub(crate) fn grade_display(grade: &str) -> String {
    let key = grade_key(grade);
    if key.chars().all(|c| c.is_ascii_digit()) {
        key
    } else {
        crate::text::clean(grade)
    }
}

fn roman(s: &str) -> Option<u32> {
    const R: [&str; 12] = [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii",
    ];
    R.iter().position(|r| *r == s).map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(t: &str, order: DateOrder) -> Result<NaiveDate, String> {
        date(&Cell::Text(t.into()), order, today())
    }

    #[test]
    fn text_dates_follow_the_school_order_with_any_separator() {
        for t in [
            "14/05/2016",
            "14-05-2016",
            "14.05.2016",
            "14 5 2016",
            "14 May 2016",
            "14-May-16",
            "2016-05-14",
        ] {
            assert_eq!(text(t, DateOrder::Dmy), Ok(d(2016, 5, 14)), "{t}");
        }
        for t in ["05/14/2016", "5.14.2016", "May 14, 2016", "2016-05-14"] {
            assert_eq!(text(t, DateOrder::Mdy), Ok(d(2016, 5, 14)), "{t}");
        }
        assert_eq!(text("03/04/2016", DateOrder::Dmy), Ok(d(2016, 4, 3)));
        assert_eq!(text("03/04/2016", DateOrder::Mdy), Ok(d(2016, 3, 4)));
    }

    #[test]
    fn impossible_dates_are_refused_with_the_reason() {
        let e = text("31/02/2016", DateOrder::Dmy).unwrap_err();
        assert!(e.contains("no day 31 in month 2"), "{e}");
        assert!(text("14/13/2016", DateOrder::Dmy).is_err());
        assert!(
            text("next tuesday", DateOrder::Dmy)
                .unwrap_err()
                .contains("day/month/year")
        );
        assert!(text("", DateOrder::Dmy).is_err());
    }

    #[test]
    fn excel_serials_including_the_1900_leap_year_bug() {
        assert_eq!(serial(42504.0), Ok(d(2016, 5, 14)));
        assert_eq!(serial(1.0), Ok(d(1900, 1, 1)));
        assert_eq!(serial(59.0), Ok(d(1900, 2, 28)));
        assert!(serial(60.0).unwrap_err().contains("did not exist"));
        assert_eq!(serial(61.0), Ok(d(1900, 3, 1)));
        assert!(serial(-3.0).is_err());
        assert!(serial(f64::NAN).is_err());
        assert_eq!(
            date(&Cell::Text("42504".into()), DateOrder::Dmy, today()),
            Ok(d(2016, 5, 14))
        );
    }

    #[test]
    fn two_digit_years_are_in_the_last_hundred_years() {
        assert_eq!(text("14/05/16", DateOrder::Dmy), Ok(d(2016, 5, 14)));
        assert_eq!(text("14/05/98", DateOrder::Dmy), Ok(d(1998, 5, 14)));
    }

    #[test]
    fn names_and_grades() {
        assert_eq!(
            split_full_name("Aarav Kumar Sharma"),
            ("Aarav Kumar".into(), "Sharma".into())
        );
        assert_eq!(
            split_full_name("SHARMA, Aarav"),
            ("Aarav".into(), "SHARMA".into())
        );
        assert_eq!(split_full_name("Diya"), ("Diya".into(), String::new()));
        assert_eq!(grade_key("V"), "5");
        assert_eq!(grade_key("05"), "5");
        assert_eq!(grade_key("Grade 5"), "5");
        assert_eq!(grade_key("Upper KG"), "upperkg");
        assert_eq!(grade_display("v"), "5");
        assert_eq!(yes_no("Yes"), Some(true));
        assert_eq!(yes_no("maybe"), None);
    }
}

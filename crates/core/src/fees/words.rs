//! Amounts in words for receipts: "One thousand five hundred Indian rupees and 50/100 only".

use std::str::FromStr;

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [(u64, &str); 4] = [
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

fn below_thousand(n: u64, out: &mut Vec<String>) {
    let (h, rest) = (n / 100, n % 100);
    if h > 0 {
        out.push(format!("{} hundred", ONES[h as usize]));
    }
    if rest > 0 {
        if h > 0 {
            out.push("and".into());
        }
        if rest < 20 {
            out.push(ONES[rest as usize].into());
        } else if rest % 10 == 0 {
            out.push(TENS[(rest / 10) as usize].into());
        } else {
            out.push(format!(
                "{}-{}",
                TENS[(rest / 10) as usize],
                ONES[(rest % 10) as usize]
            ));
        }
    }
}

/// A whole number in English words: 1500 → "one thousand five hundred".
pub(crate) fn number_in_words(mut n: u64) -> String {
    if n == 0 {
        return "zero".into();
    }
    let mut out = Vec::new();
    for (scale, name) in SCALES {
        if n >= scale {
            below_thousand(n / scale, &mut out);
            out.push(name.into());
            n %= scale;
        }
    }
    if n > 0 {
        if !out.is_empty() && n < 100 {
            out.push("and".into());
        }
        below_thousand(n, &mut out);
    }
    out.join(" ")
}

/// An amount of minor units in words with the currency's name, as receipts print it.
pub(crate) fn amount_in_words(minor: i64, digits: u8, currency: &str) -> String {
    let scale = 10u64.pow(u32::from(digits));
    let abs = minor.unsigned_abs();
    let (major, cents) = (abs / scale, abs % scale);
    let name = iso_currency::Currency::from_str(currency)
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|_| currency.to_owned());
    let plural = if major == 1 || name.ends_with('s') {
        name
    } else {
        format!("{name}s")
    };
    let mut words = number_in_words(major);
    if let Some(first) = words.get(..1) {
        words = format!("{}{}", first.to_uppercase(), &words[1..]);
    }
    if digits > 0 && cents > 0 {
        format!(
            "{words} {plural} and {cents:0width$}/{scale} only",
            width = usize::from(digits)
        )
    } else {
        format!("{words} {plural} only")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(number_in_words(0), "zero");
        assert_eq!(number_in_words(7), "seven");
        assert_eq!(number_in_words(45), "forty-five");
        assert_eq!(number_in_words(1500), "one thousand five hundred");
        assert_eq!(number_in_words(1005), "one thousand and five");
        assert_eq!(
            number_in_words(250_310),
            "two hundred and fifty thousand three hundred and ten"
        );
        assert_eq!(number_in_words(2_000_001), "two million and one");
    }

    #[test]
    fn amounts_carry_the_currency_and_the_cents() {
        assert_eq!(
            amount_in_words(150_050, 2, "INR"),
            "One thousand five hundred Indian rupees and 50/100 only"
        );
        assert_eq!(
            amount_in_words(100, 2, "USD"),
            "One United States dollar only"
        );
        assert_eq!(
            amount_in_words(2500, 0, "KES"),
            "Two thousand five hundred Kenyan shillings only"
        );
    }
}

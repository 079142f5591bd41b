//! Text clean-up shared by validation and search.

/// Folds text for matching: transliterates to ASCII (so "José" matches "jose" and "Zoë"
/// matches "zoe"), lowercases, drops apostrophes and dots ("O'Brien" → "obrien"), turns
/// other punctuation into spaces ("Mary-Jane" → "mary jane") and collapses runs of spaces.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(ch.to_ascii_lowercase());
        } else if matches!(ch, '\'' | '`' | '.') {
            // dropped without a break
        } else {
            pending_space = true;
        }
    }
    out
}

/// Trims and collapses inner whitespace.
pub(crate) fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("  José  ÁLVAREZ "), "jose alvarez");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("Mary-Jane  Smith"), "mary jane smith");
        assert_eq!(fold("Zoë Ñúñez"), "zoe nunez");
        assert_eq!(fold(""), "");
    }
}

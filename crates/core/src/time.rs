//! Timestamps and calendar dates as the store keeps them: RFC 3339 UTC instants and ISO dates.

use chrono::{NaiveDate, SecondsFormat, Utc};

use crate::error::{Error, Result};

pub(crate) fn now_utc() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Parses an ISO date (`YYYY-MM-DD`) given for `field`, naming the field when it is wrong.
pub(crate) fn parse_iso_date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::validation(
            field,
            format!("\"{}\" is not a date (expected YYYY-MM-DD)", text.trim()),
        )
    })
}

/// Like [`parse_iso_date`] for an optional input: empty means none.
pub(crate) fn parse_optional_date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse_iso_date(field, t).map(Some),
    }
}

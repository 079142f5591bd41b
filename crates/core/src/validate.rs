//! Collects every problem with an input so a form can show them all at once.

use crate::error::{Error, ErrorCode, FieldError, Result};

#[derive(Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub(crate) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Keeps the value of `result`, or records its error (under `field` when it names none).
    pub(crate) fn take<T>(&mut self, field: &str, result: Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) if e.code == ErrorCode::Validation => {
                match e.details {
                    d if !d.is_empty() => self.0.extend(d),
                    _ => self.add(e.field.unwrap_or_else(|| field.to_owned()), e.message),
                }
                None
            }
            Err(e) => {
                self.add(field, e.message);
                None
            }
        }
    }

    /// Requires a non-empty cleaned text of at most `max` characters.
    pub(crate) fn required(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let v = crate::text::clean(value);
        if v.is_empty() {
            self.add(field, format!("{label} is required"));
        } else {
            self.max_len(field, label, &v, max);
        }
        v
    }

    pub(crate) fn max_len(&mut self, field: &str, label: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add(field, format!("{label} is longer than {max} characters"));
        } else if value.chars().any(char::is_control) {
            self.add(field, format!("{label} contains control characters"));
        }
    }

    pub(crate) fn finish(self) -> Result<()> {
        let mut details = self.0;
        match details.len() {
            0 => Ok(()),
            _ => {
                let first = details.remove(0);
                let message = if details.is_empty() {
                    first.message.clone()
                } else {
                    format!(
                        "{} (and {} more problem{})",
                        first.message,
                        details.len(),
                        if details.len() == 1 { "" } else { "s" }
                    )
                };
                details.insert(0, first.clone());
                Err(Error {
                    code: ErrorCode::Validation,
                    message,
                    field: Some(first.field),
                    details,
                })
            }
        }
    }
}

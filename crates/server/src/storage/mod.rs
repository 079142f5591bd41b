//! Where schools, devices, enrolment codes and each school's stream of entries live. Every
//! operation on a school's data takes the authenticated [`Device`], and is scoped by its
//! school.

mod any;
pub mod postgres;
pub mod sqlite;

use std::future::Future;

use chrono::{DateTime, Utc};
use rollbook_protocol::{Entry, PullResponse, PushResponse};

pub use any::AnyStore;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("no such school")]
    NoSuchSchool,
    #[error("no such device")]
    NoSuchDevice,
    #[error("{0}")]
    Backend(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    pub id: String,
    pub name: String,
}

/// A device whose token was accepted: everything it does is scoped by `school_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub device_id: String,
    pub school_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStatus {
    Valid(Device),
    Revoked,
    Unknown,
}

/// A new enrolment code, in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// A device asking to join the school of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The hash of the code as typed ([`crate::codes::hash`]).
    pub code_hash: String,
    pub device_id: String,
    pub device_name: String,
    /// The hash of the device's new token ([`crate::token::hash`]).
    pub token_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolOutcome {
    Enrolled(School),
    UnknownCode,
    ExpiredCode,
    UsedCode,
    /// The device id is enrolled in another school.
    DeviceInOtherSchool,
}

/// The storage behind the server. Implementations keep one school's data from another's and
/// apply each push in one transaction, so that a batch delivered twice, or twice at once, is
/// stored once.
pub trait Store: Send + Sync + 'static {
    fn create_school(&self, name: &str) -> impl Future<Output = Result<School>> + Send;

    /// A new one-time code for `school_id`, working for `valid_for` (made by `created_by`,
    /// a device of that school, or by the administrator when `None`).
    fn create_enrol_code(
        &self,
        school_id: &str,
        created_by: Option<&str>,
        valid_for: chrono::Duration,
    ) -> impl Future<Output = Result<IssuedCode>> + Send;

    /// Uses up the code and (re-)enrols the device with the new token, or says why not.
    fn enrol(&self, enrolment: Enrolment) -> impl Future<Output = Result<EnrolOutcome>> + Send;

    fn authenticate(&self, token_hash: &str) -> impl Future<Output = Result<TokenStatus>> + Send;

    /// Revokes the device's token; it works again only after a new enrolment.
    fn revoke_device(&self, device_id: &str) -> impl Future<Output = Result<()>> + Send;

    /// Applies a batch of the device's own entries (the caller has checked they are its own).
    fn push(
        &self,
        device: &Device,
        entries: Vec<Entry>,
    ) -> impl Future<Output = Result<PushResponse>> + Send;

    /// The school's entries from other devices after `after`, at most `limit` of them.
    fn pull(
        &self,
        device: &Device,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = Result<PullResponse>> + Send;
}

/// The most entry bytes (as stored JSON) one page of a pull carries, past its first entry:
/// pages stay within what a push may send.
pub const PULL_PAGE_BYTES: usize = rollbook_protocol::MAX_BODY_BYTES;

/// A page of a pull from the rows read: `rows` are the other devices' entries after `after`
/// (cursor, stored JSON), in cursor order, at most `limit + 1` of them; `last_cursor` is the
/// school's highest cursor, read in the same snapshot.
pub(crate) fn pull_page(
    rows: Vec<(i64, String)>,
    after: i64,
    limit: usize,
    last_cursor: i64,
    max_bytes: usize,
) -> Result<PullResponse> {
    let fetched = rows.len();
    let last_row = rows.last().map_or(after, |(c, _)| *c);
    let mut entries = Vec::new();
    let mut bytes = 0usize;
    for (cursor, json) in rows.into_iter().take(limit) {
        if !entries.is_empty() && bytes.saturating_add(json.len()) > max_bytes {
            break;
        }
        bytes = bytes.saturating_add(json.len());
        let entry = serde_json::from_str(&json).map_err(backend)?;
        entries.push(rollbook_protocol::Pulled { cursor, entry });
    }
    let more = fetched > entries.len();
    let next_cursor = match entries.last() {
        Some(p) if more => p.cursor,
        // Everything up to the end of the stream was scanned, the caller's own entries too.
        _ => after.max(last_cursor).max(last_row),
    };
    Ok(PullResponse {
        entries,
        next_cursor,
        more,
    })
}

pub(crate) fn backend<E: std::fmt::Display>(error: E) -> StoreError {
    StoreError::Backend(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cursor: i64, padding: usize) -> (i64, String) {
        let entry = Entry {
            entry_id: format!("e{cursor}"),
            device_id: "d1".into(),
            seq: cursor,
            record_type: "student".into(),
            record_id: "s1".into(),
            op: "insert".into(),
            payload: serde_json::json!({ "pad": "x".repeat(padding) }).into(),
            hlc: 1,
            created_at: "2026-11-22T10:00:00Z".into(),
            user_id: None,
            user_name: None,
        };
        (cursor, serde_json::to_string(&entry).unwrap_or_default())
    }

    #[test]
    fn a_page_ends_at_its_limit_or_its_byte_budget() {
        let rows = || vec![row(2, 10), row(5, 10), row(7, 10)];
        let page = pull_page(rows(), 1, 2, 9, usize::MAX).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.entries.len(), 2);
        assert!(page.more);
        assert_eq!(page.next_cursor, 5);

        let page = pull_page(rows(), 1, 5, 9, usize::MAX).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.entries.len(), 3);
        assert!(!page.more);
        assert_eq!(
            page.next_cursor, 9,
            "the caller's own entries up to 9 were scanned"
        );

        let one = rows()[0].1.len();
        let page = pull_page(rows(), 1, 5, 9, one + 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.entries.len(), 1);
        assert!(page.more);
        assert_eq!(page.next_cursor, 2);

        let page = pull_page(vec![row(2, 100)], 1, 5, 2, 10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.entries.len(), 1, "a page always carries one entry");

        let page = pull_page(Vec::new(), 4, 5, 3, 10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (page.entries.len(), page.next_cursor, page.more),
            (0, 4, false)
        );
    }
}

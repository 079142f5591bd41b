//! The sync protocol, version 1: what a device and Rollbook's cloud say to each other.
//!
//! - `POST /v1/enrol` ([`EnrolRequest`] → [`EnrolResponse`]): a device joins its school with a
//!   one-time code and gets a bearer token.
//! - `POST /v1/push` ([`PushRequest`] → [`PushResponse`]): a batch of one device's outbox
//!   entries in sequence order. Applying is idempotent: an entry whose sequence number the
//!   server already holds is skipped and answered the same; the answer acknowledges every
//!   entry up to `acked_through`. An entry that fails validation is kept as rejected, with a
//!   reason, and does not block the entries behind it. A batch that starts beyond the next
//!   expected number is acknowledged only up to what the server holds (the device resends).
//! - `GET /v1/pull?after=CURSOR&limit=N` (→ [`PullResponse`]): the school's entries from other
//!   devices after a cursor, in the order the server stored them; cursors are per school and
//!   only grow.
//! - `POST /v1/enrol-codes` (→ [`EnrolCode`]): an enrolled device asks for a code for another.
//! - `GET /v1/health`: `{"ok": true}`.
//!
//! Every request but enrol and health carries `Authorization: Bearer TOKEN`. Errors are
//! [`ApiError`] with an HTTP status and a stable `code`.

use serde::{Deserialize, Serialize};

/// The path prefix of this version.
pub const API_PREFIX: &str = "/v1";

/// Most entries in one push, and in one page of a pull.
pub const MAX_BATCH: usize = 1000;

/// Largest request body the server reads, in bytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// An entry's values as the JSON text they were written in. Devices and the cloud pass it on
/// as it is; only the device that applies the entry takes it apart. (Reading it into a tree
/// and writing it out again at every hop was most of what a push and a pull cost.)
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Payload(Box<serde_json::value::RawValue>);

impl Payload {
    /// The payload of `json`, which must be one JSON value.
    pub fn from_json(json: String) -> Result<Payload, serde_json::Error> {
        serde_json::value::RawValue::from_string(json).map(Payload)
    }

    /// `null`: a delete's payload.
    pub fn null() -> Payload {
        Payload(serde_json::value::RawValue::NULL.to_owned())
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    pub fn is_null(&self) -> bool {
        self.get().trim() == "null"
    }

    pub fn is_object(&self) -> bool {
        self.get().trim_start().starts_with('{')
    }

    /// The fields of an object payload; `None` for anything else.
    pub fn fields(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        serde_json::from_str(self.get()).ok()
    }

    /// The payload as a JSON tree.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.get()).unwrap_or(serde_json::Value::Null)
    }
}

impl From<serde_json::Value> for Payload {
    fn from(value: serde_json::Value) -> Payload {
        serde_json::value::to_raw_value(&value).map_or_else(|_| Payload::null(), Payload)
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        self.get() == other.get()
    }
}

/// One change made on one device: an outbox entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The entry's own UUID.
    pub entry_id: String,
    /// The device that made it.
    pub device_id: String,
    /// Its place in that device's sequence: 1, 2, 3...
    pub seq: i64,
    pub record_type: String,
    pub record_id: String,
    /// `insert`, `update` or `delete`.
    pub op: String,
    /// The record's values (an insert), the changed fields (an update), or null (a delete).
    pub payload: Payload,
    /// The hybrid logical clock stamp: orders changes across devices.
    pub hlc: i64,
    /// When it was made (RFC 3339, UTC), as the device's clock said.
    pub created_at: String,
    /// Who was signed in on the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: String,
    /// A name people recognise ("Front office PC").
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub school_id: String,
    pub school_name: String,
    /// The bearer token for this device; the server keeps only its hash.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolCode {
    pub code: String,
    /// When the code stops working (RFC 3339, UTC).
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Every entry of this device up to this sequence number is held by the server.
    pub acked_through: i64,
    /// Entries of this request (or earlier deliveries of it) the server refused, with why.
    pub rejected: Vec<Rejection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub entry_id: String,
    pub seq: i64,
    /// Stable, for branching: `unknown_record_type`, `bad_op`, `bad_payload`, `bad_entry`.
    pub code: String,
    /// For people.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub entries: Vec<Pulled>,
    /// The cursor to ask after next time (never smaller than the one asked after).
    pub next_cursor: i64,
    /// Whether more entries wait beyond `next_cursor`.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulled {
    /// The entry's position in its school's stream.
    pub cursor: i64,
    pub entry: Entry,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// `unauthorized`, `revoked`, `forbidden`, `not_found`, `bad_request`,
    /// `payload_too_large`, `rate_limited`, `conflict`, `internal`.
    pub code: String,
    pub message: String,
}

/// The record types a device may send (the client's `RecordType` names).
pub const RECORD_TYPES: &[&str] = &[
    "school",
    "academic_year",
    "term",
    "class",
    "student",
    "student_photo",
    "guardian",
    "student_guardian",
    "year_calendar",
    "holiday",
    "attendance_settings",
    "attendance_code",
    "attendance_mark",
    "id_card",
    "staff",
    "staff_attendance",
    "fee_head",
    "fee_structure",
    "student_fee_head",
    "concession",
    "fee_application",
    "ledger_entry",
    "cash_closing",
    "school_logo",
    "user",
    "audit_event",
];

/// Why `entry` cannot be stored, if it cannot: the checks every server applies.
pub fn validate(entry: &Entry) -> Option<Rejection> {
    let reject = |code: &str, reason: String| {
        Some(Rejection {
            entry_id: entry.entry_id.clone(),
            seq: entry.seq,
            code: code.to_owned(),
            reason,
        })
    };
    if !RECORD_TYPES.contains(&entry.record_type.as_str()) {
        return reject(
            "unknown_record_type",
            format!(
                "{:?} is not a kind of record Rollbook syncs",
                entry.record_type
            ),
        );
    }
    if !matches!(entry.op.as_str(), "insert" | "update" | "delete") {
        return reject(
            "bad_op",
            format!("{:?} is not insert, update or delete", entry.op),
        );
    }
    let payload_ok = match entry.op.as_str() {
        "delete" => entry.payload.is_null() || entry.payload.is_object(),
        _ => entry.payload.is_object(),
    };
    if !payload_ok {
        return reject(
            "bad_payload",
            format!("the values of a {} must be an object", entry.op),
        );
    }
    if entry.record_id.trim().is_empty() || entry.entry_id.trim().is_empty() || entry.hlc <= 0 {
        return reject(
            "bad_entry",
            "the entry lacks its record id, its own id or its clock stamp".to_owned(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            entry_id: "e1".into(),
            device_id: "d1".into(),
            seq: 1,
            record_type: "student".into(),
            record_id: "s1".into(),
            op: "insert".into(),
            payload: serde_json::json!({"given_name": "Asha"}).into(),
            hlc: 42,
            created_at: "2026-11-22T10:00:00Z".into(),
            user_id: None,
            user_name: None,
        }
    }

    #[test]
    fn well_formed_entries_pass_and_each_fault_is_named() {
        assert_eq!(validate(&entry()), None);
        let cases = [
            (
                Entry {
                    record_type: "invoice".into(),
                    ..entry()
                },
                "unknown_record_type",
            ),
            (
                Entry {
                    op: "upsert".into(),
                    ..entry()
                },
                "bad_op",
            ),
            (
                Entry {
                    payload: serde_json::json!([1]).into(),
                    ..entry()
                },
                "bad_payload",
            ),
            (Entry { hlc: 0, ..entry() }, "bad_entry"),
        ];
        for (e, code) in cases {
            assert_eq!(validate(&e).map(|r| r.code).as_deref(), Some(code));
        }
        let delete = Entry {
            op: "delete".into(),
            payload: Payload::null(),
            ..entry()
        };
        assert_eq!(validate(&delete), None);
    }

    #[test]
    fn record_types_are_named_once() {
        let mut sorted = RECORD_TYPES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), RECORD_TYPES.len());
    }
}

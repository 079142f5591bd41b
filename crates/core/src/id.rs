//! Record identity: every record gets a UUIDv7 made on the device that created it, so
//! records made offline on two PCs never clash, and ids sort roughly by creation time.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Error;

/// The namespace of [`Id::derived`] ids (a random UUID fixed for Rollbook).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2d2e_8a55_4b7e_9c0d_3f1e_a4b2_77c1);

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(transparent)]
pub struct Id(Uuid);

impl Id {
    pub fn new() -> Self {
        Id(Uuid::now_v7())
    }

    /// The id a record with a natural key always gets, on every device: a UUIDv5 of the
    /// record kind and its key parts. Two offline PCs marking the same student for the same
    /// day and session make the same mark id, so sync converges on one record.
    pub fn derived(kind: &str, parts: &[&str]) -> Self {
        let mut name = String::from(kind);
        for part in parts {
            name.push('\u{1f}');
            name.push_str(part);
        }
        Id(Uuid::new_v5(&NAMESPACE, name.as_bytes()))
    }

    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0.hyphenated())
    }
}

impl FromStr for Id {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Uuid::parse_str(s.trim())
            .map(Id)
            .map_err(|_| Error::validation("id", format!("\"{s}\" is not a record id")))
    }
}

impl ToSql for Id {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        // The hyphenated lowercase form, as `Display` writes it, without the formatter.
        let mut buf = Uuid::encode_buffer();
        let text: &str = self.0.hyphenated().encode_lower(&mut buf);
        Ok(ToSqlOutput::from(text.to_owned()))
    }
}

impl FromSql for Id {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Uuid::parse_str(s)
            .map(Id)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_increase() {
        let a = Id::new();
        let b = Id::new();
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(b > a, "a later id sorts after an earlier one");
        assert_eq!(a.to_string().parse::<Id>().unwrap(), a);
    }

    #[test]
    fn derived_ids_depend_on_every_part_and_only_on_them() {
        let a = Id::derived("mark", &["s1", "2026-06-01", "day"]);
        assert_eq!(a, Id::derived("mark", &["s1", "2026-06-01", "day"]));
        assert_eq!(a.as_uuid().get_version_num(), 5);
        assert_ne!(a, Id::derived("mark", &["s1", "2026-06-02", "day"]));
        // Parts are separated, so moving text between parts changes the id.
        assert_ne!(
            Id::derived("k", &["ab", "c"]),
            Id::derived("k", &["a", "bc"])
        );
    }

    #[test]
    fn a_bad_id_names_itself() {
        let err = "not-an-id".parse::<Id>().unwrap_err();
        assert_eq!(err.field.as_deref(), Some("id"));
        assert!(err.message.contains("not-an-id"));
    }
}

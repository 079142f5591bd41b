//! How sync reads and writes each kind of record. A remote entry is applied by loading the
//! record's current values (shaped like its insert payload: every field, by the names the
//! outbox uses), merging the entry's fields into them by the conflict rules, and storing the
//! result, all without writing to this device's outbox (the change is not this device's).

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::id::Id;

/// What happens when two devices change the same record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Profile-like records: each field is the value of the latest change to that field
    /// (hybrid logical clock, ties broken by device id).
    MergeFields,
    /// Append-only records (ledger entries, cash closings, audit events): a union; an entry
    /// is inserted once and never changed or removed by sync.
    Union,
}

pub(crate) trait Replica: Sync {
    fn rule(&self) -> Rule {
        Rule::MergeFields
    }

    /// The record's current values, shaped like its insert payload; `None` when absent.
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>>;

    /// Writes the record with `values` (every field, as an insert payload carries them),
    /// inserting or replacing, and updates what is derived from it (folded names, the search
    /// index). Writes no outbox entry.
    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()>;

    /// Removes the record (and what is derived from it). Writes no outbox entry.
    fn delete(&self, conn: &Connection, id: Id) -> Result<()>;
}

//! The installation's identity, made once.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::id::Id;
use crate::time::now_utc;

pub(super) fn ensure(conn: &mut Connection) -> Result<Id> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let existing: Option<Id> = tx
        .query_row(
            "SELECT device_id FROM device WHERE singleton = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let id = match existing {
        Some(id) => id,
        None => {
            let id = Id::new();
            tx.execute(
                "INSERT INTO device (singleton, device_id, created_at) VALUES (1, ?1, ?2)",
                (id, now_utc()),
            )?;
            tracing::info!(device = %id, "new device identity");
            id
        }
    };
    tx.commit()?;
    Ok(id)
}

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
            let now = now_utc();
            tx.execute(
                "INSERT INTO device (singleton, device_id, created_at) VALUES (1, ?1, ?2)",
                (id, &now),
            )?;
            tx.execute(
                "INSERT INTO device_identities (device_id, seq_base, began_at) VALUES (?1, 0, ?2)",
                (id, &now),
            )?;
            tracing::info!(device = %id, "new device identity");
            id
        }
    };
    tx.commit()?;
    Ok(id)
}

/// Gives this database a new identity (a restored backup): changes made from now on are
/// numbered afresh under a new device id, and receipts come from that id's own series. The
/// identities it had before stay listed, so their changes still waiting can be sent as theirs.
pub(super) fn take_new_identity(conn: &mut Connection) -> Result<Id> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (old, last_seq): (Id, i64) = tx.query_row(
        "SELECT device_id, last_seq FROM device WHERE singleton = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let id = Id::new();
    tx.execute(
        "INSERT INTO device_identities (device_id, seq_base, began_at) VALUES (?1, ?2, ?3)",
        (id, last_seq, now_utc()),
    )?;
    tx.execute("UPDATE device SET device_id = ?1 WHERE singleton = 1", [id])?;
    tx.commit()?;
    tracing::info!(device = %id, was = %old, "new device identity for a restored database");
    Ok(id)
}

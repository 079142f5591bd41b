//! The one way to change data. A [`Writer`] wraps a `BEGIN IMMEDIATE` transaction; each
//! change a table module makes is recorded with [`Writer::record`], which appends the outbox
//! entry (record, operation, values, HLC stamp, device id and per-device sequence number) in
//! the same transaction. Dropping a writer without committing rolls everything back.

use rusqlite::{Connection, Transaction};
use serde::Serialize;

use super::outbox::{Op, RecordType};
use crate::error::Result;
use crate::hlc::{Hlc, wall_millis};
use crate::id::Id;
use crate::time::now_utc;
use crate::users::Actor;

pub(crate) struct Writer<'c> {
    tx: Transaction<'c>,
    device_id: Id,
    last_seq: i64,
    last_hlc: Hlc,
    changes: usize,
    /// The signed-in user, stamped on every outbox entry for the audit trail.
    actor: Option<Actor>,
}

impl<'c> Writer<'c> {
    pub(super) fn begin(tx: Transaction<'c>, device_id: Id, actor: Option<Actor>) -> Result<Self> {
        let (last_seq, last_hlc) = tx.query_row(
            "SELECT last_seq, last_hlc FROM device WHERE singleton = 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, Hlc::from_raw(r.get(1)?))),
        )?;
        Ok(Writer {
            tx,
            device_id,
            last_seq,
            last_hlc,
            changes: 0,
            actor,
        })
    }

    /// The sequence number of the last outbox entry written (this transaction's included).
    pub(crate) fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// This device's id.
    pub(crate) fn device_id(&self) -> Id {
        self.device_id
    }

    /// The signed-in user making this change, if any.
    pub(crate) fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The connection, for the table modules' statements.
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Appends a change to the outbox. `values` is the record's new state for an insert,
    /// the changed fields for an update, and `null` for a delete.
    pub(crate) fn record(
        &mut self,
        record_type: RecordType,
        record_id: Id,
        op: Op,
        values: &impl Serialize,
    ) -> Result<Hlc> {
        let seq = self.last_seq + 1;
        let hlc = Hlc::tick(self.last_hlc, wall_millis());
        let payload = serde_json::to_string(values)?;
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (seq, entry_id, record_type, record_id, op, payload, hlc,
                                     device_id, created_at, user_id, user_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(rusqlite::params![
                seq,
                Id::new(),
                record_type.as_str(),
                record_id,
                op.as_str(),
                payload,
                hlc.raw(),
                self.device_id,
                now_utc(),
                self.actor.as_ref().map(|a| a.user_id),
                self.actor.as_ref().map(|a| a.name.as_str()),
            ])?;
        self.last_seq = seq;
        self.last_hlc = hlc;
        self.changes += 1;
        Ok(hlc)
    }

    pub(super) fn commit(self) -> Result<()> {
        if self.changes > 0 {
            self.tx.execute(
                "UPDATE device SET last_seq = ?1, last_hlc = ?2 WHERE singleton = 1",
                (self.last_seq, self.last_hlc.raw()),
            )?;
        }
        self.tx.commit()?;
        Ok(())
    }
}

//! Audit events (`audit_events`): append-only, so a union.

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{UNKNOWN_DEVICE, Values, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::{Replica, Rule};

/// `audit_event`: the payload is `{at, user_id, user_name, action, record_type, record_id,
/// detail}`. It does not say on which device the event happened: the row gets the
/// payload's `device_id` when a later version sends one, and [`UNKNOWN_DEVICE`] until then.
pub(super) struct AuditEvent;

impl Replica for AuditEvent {
    fn rule(&self) -> Rule {
        Rule::Union
    }

    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        type Raw = (
            String,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let row: Option<Raw> = conn
            .prepare_cached(
                "SELECT at, user_id, user_name, action, record_type, record_id, detail
                 FROM audit_events WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .optional()?;
        row.map(
            |(at, user_id, user_name, action, record_type, record_id, detail)| {
                object(&json!({
                    "at": at,
                    "user_id": user_id,
                    "user_name": user_name,
                    "action": action,
                    "record_type": record_type,
                    "record_id": record_id,
                    "detail": detail,
                }))
            },
        )
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "audit_event", id, values);
        let at: String = v.req("at")?;
        let user_id: Option<Id> = v.opt("user_id")?;
        let user_name: Option<String> = v.opt("user_name")?;
        let action: String = v.req("action")?;
        let record_type: Option<String> = v.opt("record_type")?;
        let record_id: Option<String> = v.opt("record_id")?;
        let detail: String = v.or("detail", String::new())?;
        let device: String = match v.opt::<Id>("device_id")? {
            Some(d) => d.to_string(),
            None => UNKNOWN_DEVICE.to_owned(),
        };
        conn.execute(
            "INSERT INTO audit_events (id, at, device_id, user_id, user_name, action,
                                       record_type, record_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO NOTHING",
            rusqlite::params![
                id,
                at,
                device,
                user_id,
                user_name,
                action,
                record_type,
                record_id,
                detail
            ],
        )?;
        Ok(())
    }

    /// The audit trail is never removed.
    fn delete(&self, _conn: &Connection, _id: Id) -> Result<()> {
        Ok(())
    }
}

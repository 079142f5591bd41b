//! The people who sign in (`users`). Their PINs are not synced (each device keeps its own
//! hashes in its keyring), nor their wrong-PIN counts (`pin_attempts`).

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{Values, clash, guarded_delete, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;
use crate::users::Role;

/// `user`: the payload is `{name, role, class_ids, active}` (no id: the record id is the
/// user's).
pub(super) struct User;

impl Replica for User {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let row: Option<(String, String, String, bool)> = conn
            .prepare_cached("SELECT name, role, class_ids, active FROM users WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        row.map(|(name, role, class_ids, active)| {
            let class_ids: Vec<Id> = serde_json::from_str(&class_ids).unwrap_or_default();
            object(&json!({
                "name": name,
                "role": role,
                "class_ids": class_ids,
                "active": active,
            }))
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "user", id, values);
        let name: String = v.req("name")?;
        let role: Role = v.req("role")?;
        let class_ids: Vec<Id> = v.or("class_ids", Vec::new())?;
        let active: bool = v.or("active", true)?;
        let other: Option<Id> = conn
            .query_row(
                "SELECT id FROM users WHERE name = ?1 COLLATE NOCASE AND id <> ?2",
                rusqlite::params![name, id],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(clash(
                "user",
                "name",
                format!("This computer already has another user called {name}"),
            ));
        }
        conn.execute(
            "INSERT INTO users (id, name, role, class_ids, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
                 class_ids = excluded.class_ids, active = excluded.active,
                 updated_at = excluded.updated_at",
            rusqlite::params![
                id,
                name,
                role.as_str(),
                serde_json::to_string(&class_ids)?,
                active,
                now_utc()
            ],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "user",
            id,
            || {
                conn.execute("DELETE FROM pin_attempts WHERE user_id = ?1", [id])?;
                Ok(())
            },
            "DELETE FROM users WHERE id = ?1",
        )?;
        Ok(())
    }
}

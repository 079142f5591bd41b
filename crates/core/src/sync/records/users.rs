//! The people who sign in (`users`). Their PINs are not synced (each device keeps its own
//! hashes in its keyring), nor their wrong-PIN counts (`pin_attempts`).

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::{Values, clash, guarded_delete, object};
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::users::UserInput;

/// `user`: the payload is `{name, role, class_ids, active}` (no id: the record id is the
/// user's).
pub(super) struct User;

impl Replica for User {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        crate::users::load(conn, id)?
            .map(|u| {
                object(&json!({
                    "name": u.name,
                    "role": u.role,
                    "class_ids": u.class_ids,
                    "active": u.active,
                }))
            })
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "user", id, values);
        let input = UserInput {
            name: v.req("name")?,
            role: v.req("role")?,
            class_ids: v.or("class_ids", Vec::new())?,
            active: v.or("active", true)?,
        };
        if crate::users::name_taken(conn, &input.name, id)? {
            return Err(clash(
                "user",
                "name",
                format!(
                    "This computer already has another user called {}",
                    input.name
                ),
            ));
        }
        crate::users::write_row(conn, id, &input)
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

//! ID cards (`id_cards`, keyed by token, with the sync id beside it).

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{Values, clash, name_of, object};
use crate::cards::HolderKind;
use crate::error::Result;
use crate::id::Id;
use crate::sync::replica::Replica;

/// `id_card`: the payload is `{token, holder_kind, holder_id, issued_at, revoked_at}`
/// (a revocation's update carries `revoked_at` alone).
///
/// A holder has at most one live card. When two devices issued one each for the same holder
/// while apart, the card issued later (ties: the greater id) stays live and the other is
/// revoked as from the moment the later one was issued, the same on every device.
pub(super) struct IdCard;

type Row = (String, String, Id, String, Option<String>);

fn row(conn: &Connection, id: Id) -> Result<Option<Row>> {
    Ok(conn
        .prepare_cached(
            "SELECT token, holder_kind, holder_id, issued_at, revoked_at FROM id_cards
             WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?)
}

impl Replica for IdCard {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        row(conn, id)?
            .map(|(token, holder_kind, holder_id, issued_at, revoked_at)| {
                object(&json!({
                    "token": token,
                    "holder_kind": holder_kind,
                    "holder_id": holder_id,
                    "issued_at": issued_at,
                    "revoked_at": revoked_at,
                }))
            })
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "id_card", id, values);
        let token: String = v.req("token")?;
        let kind: HolderKind = v.req("holder_kind")?;
        let kind = name_of(&kind)?;
        let holder_id: Id = v.req("holder_id")?;
        let issued_at: String = v.req("issued_at")?;
        let mut revoked_at: Option<String> = v.opt("revoked_at")?;
        let token_holder: Option<Id> = conn
            .prepare_cached("SELECT id FROM id_cards WHERE token = ?1 AND id <> ?2")?
            .query_row(rusqlite::params![token, id], |r| r.get(0))
            .optional()?;
        if token_holder.is_some() {
            return Err(clash(
                "id_card",
                "token",
                "Two cards carry the same token; the other is already here".to_owned(),
            ));
        }
        if revoked_at.is_none() {
            let live: Option<(Id, String)> = conn
                .prepare_cached(
                    "SELECT id, issued_at FROM id_cards
                     WHERE holder_kind = ?1 AND holder_id = ?2 AND revoked_at IS NULL AND id <> ?3",
                )?
                .query_row(rusqlite::params![kind, holder_id, id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if let Some((other, other_issued)) = live {
                if (issued_at.as_str(), id) > (other_issued.as_str(), other) {
                    conn.execute(
                        "UPDATE id_cards SET revoked_at = ?2 WHERE id = ?1",
                        rusqlite::params![other, issued_at],
                    )?;
                } else {
                    revoked_at = Some(other_issued);
                }
            }
        }
        conn.prepare_cached(
            "INSERT INTO id_cards (token, id, holder_kind, holder_id, issued_at, revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET token = excluded.token,
                 holder_kind = excluded.holder_kind, holder_id = excluded.holder_id,
                 issued_at = excluded.issued_at, revoked_at = excluded.revoked_at",
        )?
        .execute(rusqlite::params![
            token, id, kind, holder_id, issued_at, revoked_at
        ])?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM id_cards WHERE id = ?1", [id])?;
        Ok(())
    }
}

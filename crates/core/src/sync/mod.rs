//! Sync, the store's side: which entries go out, what the server acknowledged or refused,
//! and applying the school's other devices' entries by the conflict rules. The HTTP client
//! that carries them is `rollbook-sync`; the core knows only the protocol's types.
//!
//! Conflict rules (see ARCHITECTURE.md): profile-like records merge field by field, the
//! latest change to each field winning by hybrid logical clock (ties by device id);
//! attendance marks are such records, keyed by student, date and session, with every
//! replaced value kept in their history; ledger entries, cash closings and audit events are
//! a union, inserted once and never overwritten.

mod apply;
mod records;
mod replica;

use rusqlite::OptionalExtension;
use serde::Serialize;

pub use apply::{apply_pages, apply_pulled, catching_up, retry_parked};
use rollbook_protocol::{Entry, Payload, PushResponse};

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::secrets;
use crate::store::{Store, outbox};
use crate::time::now_utc;
use crate::users::Permission;

/// This device's enrolment, as sync needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub server_url: String,
    pub school_id: String,
    pub school_name: String,
    /// The bearer token, from the OS keyring: this identity's, or, while
    /// `former_device_id` is set, that former identity's.
    pub token: String,
    pub cursor: i64,
    /// Set when this database took a new identity (it was restored from a backup) that the
    /// cloud does not know yet: the identity it had before, whose token is `token`. That
    /// token sends the former identity's waiting changes and enrols the new one
    /// ([`save_identity_token`]).
    pub former_device_id: Option<String>,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// This device's entries the server acknowledged in this sync.
    pub pushed: i64,
    /// Entries the server refused in this sync.
    pub rejected: i64,
    /// Entries from other devices applied here.
    pub pulled: i64,
    /// Entries still waiting to go (a push that stopped early).
    pub pending: i64,
}

/// What the app's sync indicator and `rollbook sync status` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    pub enrolled: bool,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_name: Option<String>,
    /// Changes made here that the server does not hold yet.
    pub pending: i64,
    /// When the last sync finished (RFC 3339, UTC).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sync_at: Option<String>,
    /// Why the last attempt failed, when it did.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The code of that failure: `offline` when the cloud could not be reached (sync tries
    /// again by itself); anything else needs a person.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<ErrorCode>,
    /// Changes the server refused, not yet resolved.
    pub rejected: Vec<RejectedEntry>,
    /// Changes from other devices that could not be applied here.
    pub parked: Vec<ParkedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParkedEntry {
    pub entry_id: String,
    pub record_type: String,
    pub record_id: String,
    pub reason: String,
    pub parked_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RejectedEntry {
    pub entry_id: String,
    pub seq: i64,
    pub record_type: String,
    pub record_id: String,
    pub code: String,
    pub reason: String,
    pub rejected_at: String,
}

fn token_account(device_id: Id) -> String {
    format!("sync-token:{device_id}")
}

/// Refuses a server address that is not https, except on this computer (tests, a local
/// server).
pub fn check_server_url(url: &str) -> Result<()> {
    let bad = |why: &str| Error::validation("server", why.to_owned());
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(bad("The server address must start with https://"));
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" if !host.is_empty() => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(bad(
            "Rollbook talks to its cloud over https only (plain http is allowed only to this computer).",
        )),
        _ => Err(bad("The server address must start with https://")),
    }
}

/// Keeps this device's enrolment: the token in the keyring, the rest in the database.
pub fn save_enrolment(
    store: &Store,
    server_url: &str,
    response: &rollbook_protocol::EnrolResponse,
) -> Result<()> {
    store.require(Permission::ManageSchool)?;
    check_server_url(server_url)?;
    secrets::put(&token_account(store.device_id()), &response.token)?;
    store.write(|w| {
        w.conn().execute(
            "INSERT INTO sync_state (singleton, server_url, school_id, school_name, cursor,
                                     enrolled_at)
             VALUES (1, ?1, ?2, ?3, 0, ?4)
             ON CONFLICT (singleton) DO UPDATE SET server_url = excluded.server_url,
                 school_id = excluded.school_id, school_name = excluded.school_name,
                 last_error = NULL",
            rusqlite::params![
                server_url.trim_end_matches('/'),
                response.school_id,
                response.school_name,
                now_utc()
            ],
        )?;
        Ok(())
    })
}

/// This device's enrolment, or `None` when it has not enrolled.
pub fn enrolment(store: &Store) -> Result<Option<Enrolment>> {
    let row = store.read(|c| {
        Ok(c.query_row(
            "SELECT server_url, school_id, school_name, cursor FROM sync_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?)
    })?;
    let Some((server_url, school_id, school_name, cursor)) = row else {
        return Ok(None);
    };
    let missing = || {
        Error::new(
            ErrorCode::NotFound,
            "This computer's sync token is missing from its keyring; enrol it again with a new \
             code.",
        )
    };
    let (token, former_device_id) = match token_for(store, &store.device_id().to_string())? {
        Some(token) => (token, None),
        None => {
            // A restored database: its identity before the restore may still be enrolled.
            let mut former = None;
            for id in identities(store)?.into_iter().rev().skip(1) {
                if let Some(token) = token_for(store, &id)? {
                    former = Some((token, Some(id)));
                    break;
                }
            }
            former.ok_or_else(missing)?
        }
    };
    Ok(Some(Enrolment {
        server_url,
        school_id,
        school_name,
        token,
        cursor,
        former_device_id,
    }))
}

/// The sync token of one of this database's identities, if the keyring holds one.
pub fn token_for(store: &Store, device_id: &str) -> Result<Option<String>> {
    let Ok(id) = device_id.parse::<Id>() else {
        return Ok(None);
    };
    if !identities(store)?.contains(&device_id.to_owned()) {
        return Ok(None);
    }
    secrets::get(&token_account(id))
}

/// Every identity this database has had, oldest first (the last is the current one).
fn identities(store: &Store) -> Result<Vec<String>> {
    store.read(|c| {
        let mut stmt =
            c.prepare("SELECT device_id FROM device_identities ORDER BY seq_base, rowid")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    })
}

/// Keeps the token the cloud gave one of this database's identities (its new one after a
/// restore, or a former one), enrolled with a code another of its identities asked for. No
/// permission is needed: whoever is signed in when sync runs, the school already chose to
/// enrol this computer.
pub fn save_identity_token(
    store: &Store,
    device_id: &str,
    response: &rollbook_protocol::EnrolResponse,
) -> Result<()> {
    let school: Option<String> = store.read(|c| {
        Ok(
            c.query_row("SELECT school_id FROM sync_state", [], |r| r.get(0))
                .optional()?,
        )
    })?;
    if school.as_deref() != Some(response.school_id.as_str()) {
        return Err(Error::new(
            ErrorCode::SyncRefused,
            "The cloud enrolled this computer with another school; nothing was changed.",
        ));
    }
    let id = device_id
        .parse::<Id>()
        .ok()
        .filter(|_| identities(store).is_ok_and(|ids| ids.iter().any(|i| i == device_id)))
        .ok_or_else(|| {
            Error::internal(format!("{device_id} is not an identity of this database"))
        })?;
    secrets::put(&token_account(id), &response.token)
}

/// The identities with entries not yet acknowledged, in the order their entries were made:
/// this database's own, and before it, if it was restored from a backup, those it had before.
pub fn pending_identities(store: &Store) -> Result<Vec<String>> {
    store.read(|c| {
        let mut ids = Vec::new();
        for w in outbox::waiting(c)? {
            if outbox::waiting_count(c, &w)? > 0 {
                ids.push(w.device_id);
            }
        }
        Ok(ids)
    })
}

/// `device_id`'s entries not yet acknowledged by the server, oldest first, at most `limit`,
/// as the protocol carries them: numbered in that identity's own sequence.
pub fn outgoing(store: &Store, device_id: &str, limit: usize) -> Result<Vec<Entry>> {
    outgoing_after(store, device_id, None, limit)
}

/// Like [`outgoing`], but only entries after `after` (in the identity's own numbering): the
/// next batch while the one before is still on its way.
pub fn outgoing_after(
    store: &Store,
    device_id: &str,
    after: Option<i64>,
    limit: usize,
) -> Result<Vec<Entry>> {
    store.read(|c| {
        let Some(w) = outbox::waiting_of(c, device_id)? else {
            return Ok(Vec::new());
        };
        let from = after.map_or(w.after, |a| a.saturating_add(w.seq_base));
        outbox::read_waiting(c, &w, from, limit, |r| {
            let seq: i64 = r.get(0)?;
            let payload: String = r.get(5)?;
            Ok(Entry {
                seq: seq - w.seq_base,
                entry_id: r.get(1)?,
                record_type: r.get(2)?,
                record_id: r.get(3)?,
                op: r.get(4)?,
                payload: Payload::from_json(payload).unwrap_or_else(|_| Payload::null()),
                hlc: r.get(6)?,
                device_id: r.get(7)?,
                created_at: r.get(8)?,
                user_id: r.get(9)?,
                user_name: r.get(10)?,
            })
        })
    })
}

/// Records what the server answered a push of `device_id`'s entries: those up to
/// `acked_through` (in that identity's sequence) are held there, and its refusals are kept
/// for an administrator to see.
pub fn acknowledge(store: &Store, device_id: &str, answer: &PushResponse) -> Result<()> {
    store.write(|w| {
        let conn = w.conn();
        let now = now_utc();
        outbox::acknowledge(conn, device_id, answer.acked_through, &now)?;
        for r in &answer.rejected {
            conn.execute(
                "INSERT INTO sync_rejections (entry_id, seq, code, reason, rejected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (entry_id) DO NOTHING",
                rusqlite::params![r.entry_id, r.seq, r.code, r.reason, now],
            )?;
        }
        Ok(())
    })
}

/// Notes how a sync attempt ended, for the status.
pub fn finish(store: &Store, outcome: std::result::Result<(), &Error>) -> Result<()> {
    store.write(|w| {
        match outcome {
            Ok(()) => w.conn().execute(
                "UPDATE sync_state
                 SET last_sync_at = ?1, last_error = NULL, last_error_code = NULL",
                [now_utc()],
            )?,
            Err(why) => w.conn().execute(
                "UPDATE sync_state SET last_error = ?1, last_error_code = ?2",
                rusqlite::params![why.message, code_text(why.code)],
            )?,
        };
        Ok(())
    })
}

fn code_text(code: ErrorCode) -> Option<String> {
    match serde_json::to_value(code) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

pub fn status(store: &Store) -> Result<SyncStatus> {
    store.read(|c| {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = c
            .query_row(
                "SELECT server_url, school_name, last_sync_at, last_error, last_error_code
                 FROM sync_state",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let pending = outbox::pending_count(c)?;
        let mut stmt = c.prepare(
            "SELECT r.entry_id, r.seq, coalesce(o.record_type, ''), coalesce(o.record_id, ''),
                    r.code, r.reason, r.rejected_at
             FROM sync_rejections r LEFT JOIN outbox o ON o.entry_id = r.entry_id
             WHERE r.resolved_at IS NULL ORDER BY r.seq",
        )?;
        let rejected = stmt
            .query_map([], |r| {
                Ok(RejectedEntry {
                    entry_id: r.get(0)?,
                    seq: r.get(1)?,
                    record_type: r.get(2)?,
                    record_id: r.get(3)?,
                    code: r.get(4)?,
                    reason: r.get(5)?,
                    rejected_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = c.prepare(
            "SELECT entry_id, record_type, record_id, reason, parked_at FROM sync_parked
             ORDER BY cursor",
        )?;
        let parked = stmt
            .query_map([], |r| {
                Ok(ParkedEntry {
                    entry_id: r.get(0)?,
                    record_type: r.get(1)?,
                    record_id: r.get(2)?,
                    reason: r.get(3)?,
                    parked_at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SyncStatus {
            enrolled: row.is_some(),
            parked,
            server_url: row.as_ref().map(|r| r.0.clone()),
            school_name: row.as_ref().map(|r| r.1.clone()),
            pending,
            last_sync_at: row.as_ref().and_then(|r| r.2.clone()),
            last_error: row.as_ref().and_then(|r| r.3.clone()),
            last_error_code: row
                .and_then(|r| r.4)
                .and_then(|code| serde_json::from_value(serde_json::Value::String(code)).ok()),
            rejected,
        })
    })
}

/// An administrator marks a refused change as dealt with (fixed by a new change, or let go).
pub fn resolve_rejection(store: &Store, entry_id: &str) -> Result<()> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        let n = w.conn().execute(
            "UPDATE sync_rejections SET resolved_at = ?2
             WHERE entry_id = ?1 AND resolved_at IS NULL",
            rusqlite::params![entry_id, now_utc()],
        )?;
        if n == 0 {
            return Err(Error::not_found("The refused change"));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests;

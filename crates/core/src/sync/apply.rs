//! Applying a page of the school's entries from other devices, in one transaction with the
//! cursor: a crash leaves either the whole page applied and the cursor past it, or neither.
//! Each entry is applied under a savepoint: one that cannot be applied here (a natural key
//! that clashes with a record made here, a kind of record this version does not know) is
//! parked whole in `sync_parked`, with why, and the entries behind it are applied.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde_json::Value;

use super::records::replica;
use super::replica::Rule;
use crate::error::Result;
use crate::hlc::{Hlc, wall_millis};
use crate::id::Id;
use crate::store::Store;
use crate::time::now_utc;
use rollbook_protocol::{Entry, PullResponse, Pulled};

/// The page cache during a catch-up, in KiB. The marks' and the inbox's indexes are keyed
/// by random ids, so every index page is written all over a catch-up: a school year's
/// (400,000 entries) took 57 s with 128 MB, its pages read back and decrypted again and
/// again, and 21 s with this. SQLite takes the pages as they are used, so a short catch-up
/// takes little of it.
const CATCH_UP_CACHE_KIB: i64 = 512 * 1024;

/// Pages of log folded into the database at a time during a catch-up (some 32 MB of log),
/// so an index page changed by every commit is copied once for several.
const CATCH_UP_CHECKPOINT_PAGES: i64 = 8192;

/// Runs `catch_up` (pulling and applying many pages, in several transactions) with a page
/// cache large enough for the indexes it writes all over, and fewer checkpoints; then puts
/// the usual settings back, and the memory with them, whatever happened.
pub fn catching_up<T>(store: &Store, catch_up: impl FnOnce() -> Result<T>) -> Result<T> {
    store.bulk_cache(CATCH_UP_CACHE_KIB, CATCH_UP_CHECKPOINT_PAGES)?;
    let out = catch_up();
    let back = store.usual_cache();
    let out = out?;
    back?;
    Ok(out)
}

/// Entries applied under one savepoint. A savepoint copies each page it first changes, so
/// one per entry would copy the same pages over and over; a failure in a batch (rare) rolls
/// the batch back and applies it again entry by entry.
const BATCH: usize = 64;

/// Applies `page` and moves the cursor to its `next_cursor` (never backwards). Entries this
/// device made, or already applied, are skipped. Answers how many entries were applied.
pub fn apply_pulled(store: &Store, page: &PullResponse) -> Result<usize> {
    apply_pages(store, std::slice::from_ref(page))
}

/// Applies consecutive `pages` in one transaction, and moves the cursor past the last: what
/// a bootstrap does with the pages that arrived while it applied the one before (fewer,
/// larger commits write each index page fewer times).
///
/// Nearly always every entry applies, so the pages are first applied whole, with no
/// savepoint (a savepoint copies each page it first changes). If any entry fails, that
/// transaction is rolled back and the pages are applied again in batches under savepoints,
/// each failing batch entry by entry, so that only the bad entries are parked.
pub fn apply_pages(store: &Store, pages: &[PullResponse]) -> Result<usize> {
    let mut an_entry_failed = false;
    let whole = apply_in(store, pages, |conn, todo| {
        for pulled in todo {
            let e = &pulled.entry;
            if let Err(why) =
                apply_one(conn, e).and_then(|()| record_applied(conn, e, pulled.cursor))
            {
                an_entry_failed = true;
                return Err(why);
            }
        }
        Ok(todo.to_vec())
    });
    match whole {
        Err(_) if an_entry_failed => apply_in(store, pages, apply_or_park_batches),
        outcome => outcome,
    }
}

/// The pages' entries that are not this device's own and not yet applied here, applied by
/// `apply` (which answers those it applied) in one transaction with the cursor moved past
/// the pages and this device's clock past theirs. Answers how many were applied.
fn apply_in<'p>(
    store: &Store,
    pages: &'p [PullResponse],
    apply: impl FnOnce(&Connection, &[&'p Pulled]) -> Result<Vec<&'p Pulled>>,
) -> Result<usize> {
    let own = store.device_id().to_string();
    let size: usize = pages.iter().map(|p| p.entries.len()).sum();
    let next_cursor = pages.iter().map(|p| p.next_cursor).max().unwrap_or(0);
    store.write(|w| {
        let conn = w.conn();
        let former = former_identities(conn, &own)?;
        let mut todo: Vec<&Pulled> = Vec::with_capacity(size);
        let mut seen: HashSet<&str> = HashSet::with_capacity(size);
        for pulled in pages.iter().flat_map(|p| &p.entries) {
            let e = &pulled.entry;
            if e.device_id == own
                || !seen.insert(&e.entry_id)
                || (former.contains(&e.device_id) && in_outbox(conn, &e.entry_id)?)
                || already_applied(conn, &e.entry_id)?
            {
                continue;
            }
            todo.push(pulled);
        }
        let applied = apply(conn, &todo)?;
        let mut last_hlc: Hlc =
            conn.query_row("SELECT last_hlc FROM device WHERE singleton = 1", [], |r| {
                Ok(Hlc::from_raw(r.get(0)?))
            })?;
        for pulled in &applied {
            last_hlc = Hlc::receive(last_hlc, Hlc::from_raw(pulled.entry.hlc), wall_millis());
        }
        conn.execute(
            "UPDATE device SET last_hlc = max(last_hlc, ?1) WHERE singleton = 1",
            [last_hlc.raw()],
        )?;
        conn.execute(
            "UPDATE sync_state SET cursor = max(cursor, ?1)",
            [next_cursor],
        )?;
        Ok(applied.len())
    })
}

/// Applies `todo` in batches, each under a savepoint; a batch that fails is rolled back and
/// applied entry by entry, parking the entries that cannot be applied. Answers those applied.
fn apply_or_park_batches<'p>(conn: &Connection, todo: &[&'p Pulled]) -> Result<Vec<&'p Pulled>> {
    let mut applied = Vec::with_capacity(todo.len());
    for batch in todo.chunks(BATCH) {
        conn.prepare_cached("SAVEPOINT sync_batch")?.execute([])?;
        let mut whole = true;
        for pulled in batch {
            let e = &pulled.entry;
            if apply_one(conn, e)
                .and_then(|()| record_applied(conn, e, pulled.cursor))
                .is_err()
            {
                whole = false;
                break;
            }
        }
        if !whole {
            conn.prepare_cached("ROLLBACK TO sync_batch")?.execute([])?;
        }
        conn.prepare_cached("RELEASE sync_batch")?.execute([])?;
        for pulled in batch {
            if whole || apply_or_park(conn, pulled)? {
                applied.push(*pulled);
            }
        }
    }
    Ok(applied)
}

/// Applies one entry under its own savepoint, or parks it whole with why it could not be
/// applied. Answers whether it was applied.
fn apply_or_park(conn: &Connection, pulled: &Pulled) -> Result<bool> {
    let e = &pulled.entry;
    conn.prepare_cached("SAVEPOINT sync_entry")?.execute([])?;
    if let Err(why) = apply_one(conn, e).and_then(|()| record_applied(conn, e, pulled.cursor)) {
        conn.prepare_cached("ROLLBACK TO sync_entry")?.execute([])?;
        conn.prepare_cached("RELEASE sync_entry")?.execute([])?;
        tracing::warn!(record_type = %e.record_type, code = ?why.code, "sync entry parked");
        conn.prepare_cached(
            "INSERT INTO sync_parked (entry_id, cursor, record_type, record_id, entry,
                                      reason, parked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (entry_id) DO NOTHING",
        )?
        .execute(rusqlite::params![
            e.entry_id,
            pulled.cursor,
            e.record_type,
            e.record_id,
            serde_json::to_string(e)?,
            why.message,
            now_utc()
        ])?;
        return Ok(false);
    }
    conn.prepare_cached("RELEASE sync_entry")?.execute([])?;
    Ok(true)
}

/// Tries again the entries parked here, in the order they arrived: a record one needed may
/// have arrived since, or this version may now know its kind. Those that apply leave the
/// parked list for the change history; the others stay, with their reasons. Answers how many
/// were applied.
pub fn retry_parked(store: &Store) -> Result<usize> {
    let waiting: i64 =
        store.read(|c| Ok(c.query_row("SELECT count(*) FROM sync_parked", [], |r| r.get(0))?))?;
    if waiting == 0 {
        return Ok(0);
    }
    store.write(|w| {
        let conn = w.conn();
        let parked: Vec<(String, i64, String)> = conn
            .prepare("SELECT entry_id, cursor, entry FROM sync_parked ORDER BY cursor")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut last_hlc: Hlc =
            conn.query_row("SELECT last_hlc FROM device WHERE singleton = 1", [], |r| {
                Ok(Hlc::from_raw(r.get(0)?))
            })?;
        let mut applied = 0;
        for (entry_id, cursor, json) in parked {
            let Ok(e) = serde_json::from_str::<Entry>(&json) else {
                continue;
            };
            conn.prepare_cached("SAVEPOINT sync_entry")?.execute([])?;
            let outcome = if already_applied(conn, &e.entry_id)? {
                Ok(())
            } else {
                apply_one(conn, &e).and_then(|()| record_applied(conn, &e, cursor))
            };
            match outcome {
                Ok(()) => {
                    conn.prepare_cached("DELETE FROM sync_parked WHERE entry_id = ?1")?
                        .execute([&entry_id])?;
                    conn.prepare_cached("RELEASE sync_entry")?.execute([])?;
                    last_hlc = Hlc::receive(last_hlc, Hlc::from_raw(e.hlc), wall_millis());
                    applied += 1;
                }
                Err(why) => {
                    conn.prepare_cached("ROLLBACK TO sync_entry")?.execute([])?;
                    conn.prepare_cached("RELEASE sync_entry")?.execute([])?;
                    conn.prepare_cached("UPDATE sync_parked SET reason = ?2 WHERE entry_id = ?1")?
                        .execute(rusqlite::params![entry_id, why.message])?;
                }
            }
        }
        conn.execute(
            "UPDATE device SET last_hlc = max(last_hlc, ?1) WHERE singleton = 1",
            [last_hlc.raw()],
        )?;
        Ok(applied)
    })
}

/// Keeps an applied entry in the change history (the inbox).
fn record_applied(conn: &Connection, e: &Entry, cursor: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO inbox (entry_id, cursor, device_id, seq, record_type, record_id, op,
                            payload, hlc, created_at, user_id, user_name, applied_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(rusqlite::params![
        e.entry_id,
        cursor,
        e.device_id,
        e.seq,
        e.record_type,
        e.record_id,
        e.op,
        e.payload.get(),
        e.hlc,
        e.created_at,
        e.user_id,
        e.user_name,
        now_utc()
    ])?;
    Ok(())
}

/// The identities this database had before its current one (it was restored from a
/// backup): their entries come back from the cloud, and those it still holds are skipped.
fn former_identities(conn: &Connection, own: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT device_id FROM device_identities")?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut former = ids.collect::<rusqlite::Result<HashSet<_>>>()?;
    former.remove(own);
    Ok(former)
}

fn in_outbox(conn: &Connection, entry_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM outbox WHERE entry_id = ?1)")?
        .query_row([entry_id], |r| r.get(0))?)
}

fn already_applied(conn: &Connection, entry_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM inbox WHERE entry_id = ?1)")?
        .query_row([entry_id], |r| r.get(0))?)
}

fn apply_one(conn: &Connection, e: &Entry) -> Result<()> {
    let Some(replica) = replica(&e.record_type) else {
        return Err(crate::error::Error::new(
            crate::error::ErrorCode::Validation,
            format!(
                "{:?} records are not known to this version of Rollbook; update it.",
                e.record_type
            ),
        ));
    };
    let id = e.record_id.parse::<Id>()?;
    let mut incoming = e.payload.fields().unwrap_or_default();
    match replica.rule() {
        Rule::Union => {
            // Append-only records keep the device they were made on.
            incoming
                .entry("device_id")
                .or_insert_with(|| Value::String(e.device_id.clone()));
            if e.op == "insert" && replica.load(conn, id)?.is_none() {
                replica.store(conn, id, &incoming)?;
            }
        }
        Rule::MergeFields => {
            let clocks = field_clocks(conn, &e.record_type, &e.record_id)?;
            let stamp = (e.hlc, e.device_id.as_str());
            // A field's clock, or a delete's (under "") when the field has none since.
            let newer = |field: &str| {
                clocks
                    .get(field)
                    .or_else(|| clocks.get(""))
                    .is_none_or(|(h, d)| (*h, d.as_str()) < stamp)
            };
            match e.op.as_str() {
                "delete" => {
                    // A delete wins over every change it is newer than.
                    if clocks.values().all(|(h, d)| (*h, d.as_str()) < stamp) {
                        replica.delete(conn, id)?;
                    }
                }
                _ => {
                    let current = replica.load(conn, id)?;
                    let mut merged = current.clone().unwrap_or_default();
                    // Only a newer field writes: an edit older than a delete of the record
                    // does not bring it back.
                    let mut changed = false;
                    for (k, v) in &incoming {
                        if newer(k) && merged.get(k) != Some(v) {
                            merged.insert(k.clone(), v.clone());
                            changed = true;
                        }
                    }
                    if changed {
                        replica.store(conn, id, &merged)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// For each field of a record, the clock of the latest change to it known here (this
/// device's outbox and the entries applied from others).
fn field_clocks(
    conn: &Connection,
    record_type: &str,
    record_id: &str,
) -> Result<HashMap<String, (i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hlc, device_id, payload FROM outbox WHERE record_type = ?1 AND record_id = ?2
         UNION ALL
         SELECT hlc, device_id, payload FROM inbox WHERE record_type = ?1 AND record_id = ?2",
    )?;
    let mut out: HashMap<String, (i64, String)> = HashMap::new();
    let mut rows = stmt.query([record_type, record_id])?;
    while let Some(r) = rows.next()? {
        let hlc: i64 = r.get(0)?;
        let device: String = r.get(1)?;
        let payload: String = r.get(2)?;
        let fields: Vec<String> = match serde_json::from_str::<Value>(&payload) {
            Ok(Value::Object(m)) => m.keys().cloned().collect(),
            // A delete touches every field.
            _ => vec![String::new()],
        };
        for f in fields {
            let slot = out.entry(f).or_insert((i64::MIN, String::new()));
            if (hlc, device.as_str()) > (slot.0, slot.1.as_str()) {
                *slot = (hlc, device.clone());
            }
        }
    }
    // A delete's clock (under "") counts for every field.
    if let Some(del) = out.get("").cloned() {
        for v in out.values_mut() {
            if (del.0, del.1.as_str()) > (v.0, v.1.as_str()) {
                *v = del.clone();
            }
        }
    }
    Ok(out)
}

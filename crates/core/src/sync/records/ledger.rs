//! The ledger (`ledger_entries`) and cash closings (`cash_closings`): append-only, so a
//! union. An entry is inserted once, exactly as it was made on its device (its device id,
//! chain position, previous hash and hash unchanged, so every device's chain verifies here
//! too), and is never changed or removed by sync.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{UNKNOWN_DEVICE, Values, constraint, object};
use crate::error::Result;
use crate::fees::ledger::{COLUMNS, from_row};
use crate::fees::{Allocation, EntryKind, PaymentMethod};
use crate::id::Id;
use crate::sync::replica::{Replica, Rule};

/// `ledger_entry`: the payload is [`crate::fees::LedgerEntry`] (id, device_id, seq, kind,
/// student_id, term_id, head_id, source_id, amount, due_date, receipt_no, method, reference,
/// bank, reverses, reason, allocations, entry_date, created_at, created_by, prev_hash, hash).
pub(super) struct LedgerEntry;

impl Replica for LedgerEntry {
    fn rule(&self) -> Rule {
        Rule::Union
    }

    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM ledger_entries WHERE id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?
        .map(|e| object(&e))
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "ledger_entry", id, values);
        if let Some(given) = v.opt::<Id>("id")?
            && given != id
        {
            return Err(v.bad("id", "it is not the entry's record id"));
        }
        let device_id: Id = v.req("device_id")?;
        let seq: i64 = v.req("seq")?;
        let kind: EntryKind = v.req("kind")?;
        let student_id: Id = v.req("student_id")?;
        let term_id: Option<Id> = v.opt("term_id")?;
        let head_id: Option<Id> = v.opt("head_id")?;
        let source_id: Option<Id> = v.opt("source_id")?;
        let amount: i64 = v.req("amount")?;
        let due_date: Option<NaiveDate> = v.opt("due_date")?;
        let receipt_no: Option<String> = v.opt("receipt_no")?;
        let method: Option<PaymentMethod> = v.opt("method")?;
        let reference: String = v.or("reference", String::new())?;
        let bank: String = v.or("bank", String::new())?;
        let reverses: Option<Id> = v.opt("reverses")?;
        let reason: String = v.or("reason", String::new())?;
        let allocations: Vec<Allocation> = v.or("allocations", Vec::new())?;
        let entry_date: NaiveDate = v.req("entry_date")?;
        let created_at: String = v.req("created_at")?;
        let created_by: String = v.or("created_by", String::new())?;
        let prev_hash: String = v.req("prev_hash")?;
        let hash: String = v.req("hash")?;
        if seq < 1 {
            return Err(v.bad("seq", "not a position in a chain"));
        }
        if amount <= 0 {
            return Err(v.bad("amount", "not more than 0"));
        }
        conn.prepare_cached(&format!(
            "INSERT INTO ledger_entries ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21, ?22)"
        ))?
        .execute(rusqlite::params![
            id,
            device_id,
            seq,
            kind.as_str(),
            student_id,
            term_id,
            head_id,
            source_id,
            amount,
            due_date,
            receipt_no,
            method.map(PaymentMethod::as_str),
            reference,
            bank,
            reverses,
            reason,
            serde_json::to_string(&allocations)?,
            entry_date,
            created_at,
            created_by,
            prev_hash,
            hash,
        ])
        .map_err(|e| constraint(e, "ledger entry", id))?;
        if matches!(kind, EntryKind::Charge | EntryKind::Concession) {
            count_once(conn, id)?;
        }
        Ok(())
    }

    /// Ledger entries are never removed.
    fn delete(&self, _conn: &Connection, _id: Id) -> Result<()> {
        Ok(())
    }
}

/// Of the charges (or concessions) made for the same student, term, head and source as
/// `id` (on PCs apart), only the one with the smallest id counts: the others are listed in
/// `ledger_duplicates`. Whatever order they arrive in, every device lists the same ones.
fn count_once(conn: &Connection, id: Id) -> Result<()> {
    conn.prepare_cached(
        "WITH twins AS (
             SELECT t.id FROM ledger_entries e JOIN ledger_entries t
                 ON t.kind = e.kind AND t.student_id = e.student_id AND t.term_id IS e.term_id
                    AND t.head_id IS e.head_id AND t.source_id IS e.source_id
             WHERE e.id = ?1)
         INSERT INTO ledger_duplicates (entry_id)
         SELECT id FROM twins WHERE id > (SELECT min(id) FROM twins)
         ON CONFLICT (entry_id) DO NOTHING",
    )?
    .execute([id])?;
    conn.prepare_cached(
        "DELETE FROM ledger_duplicates WHERE entry_id = (
             SELECT min(t.id) FROM ledger_entries e JOIN ledger_entries t
                 ON t.kind = e.kind AND t.student_id = e.student_id AND t.term_id IS e.term_id
                    AND t.head_id IS e.head_id AND t.source_id IS e.source_id
             WHERE e.id = ?1)",
    )?
    .execute([id])?;
    Ok(())
}

/// `cash_closing`: the payload is [`crate::fees::CashClosing`] (id, date, closed_by,
/// expected, counted, difference, note, closed_at). It does not say on which device the
/// drawer was closed: the column gets the payload's `device_id` when a later version sends
/// one, and [`UNKNOWN_DEVICE`] until then.
pub(super) struct CashClosing;

impl Replica for CashClosing {
    fn rule(&self) -> Rule {
        Rule::Union
    }

    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        conn.prepare_cached(
            "SELECT id, date, closed_by, expected, counted, difference, note, closed_at
             FROM cash_closings WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(crate::fees::CashClosing {
                id: r.get(0)?,
                date: r.get(1)?,
                closed_by: r.get(2)?,
                expected: r.get(3)?,
                counted: r.get(4)?,
                difference: r.get(5)?,
                note: r.get(6)?,
                closed_at: r.get(7)?,
            })
        })
        .optional()?
        .map(|c| object(&c))
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "cash_closing", id, values);
        let date: NaiveDate = v.req("date")?;
        let closed_by: String = v.or("closed_by", String::new())?;
        let expected: i64 = v.req("expected")?;
        let counted: i64 = v.req("counted")?;
        let difference: i64 = v.or("difference", counted - expected)?;
        let note: String = v.or("note", String::new())?;
        let closed_at: String = v.req("closed_at")?;
        let device: String = match v.opt::<Id>("device_id")? {
            Some(d) => d.to_string(),
            None => UNKNOWN_DEVICE.to_owned(),
        };
        conn.execute(
            "INSERT INTO cash_closings (id, date, device_id, closed_by, expected, counted,
                                        difference, note, closed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO NOTHING",
            rusqlite::params![
                id, date, device, closed_by, expected, counted, difference, note, closed_at
            ],
        )?;
        Ok(())
    }

    /// Cash closings are never removed.
    fn delete(&self, _conn: &Connection, _id: Id) -> Result<()> {
        Ok(())
    }
}

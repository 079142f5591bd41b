//! The ledger: append-only entries, each chained to the one before it on its device by a
//! SHA-256 hash of its content and that entry's hash. The schema refuses UPDATE and DELETE;
//! [`verify_chains`] recomputes every chain and names the first entry that does not match,
//! which is how an entry edited behind Rollbook's back (with the triggers dropped) is found.

use chrono::NaiveDate;
use rusqlite::{Connection, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{EntryKind, PaymentMethod};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Writer};
use crate::time::now_utc;

/// The hash a device's first entry follows.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Part of a payment (or its reversal) set against one term's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Allocation {
    pub term_id: Id,
    pub head_id: Id,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerEntry {
    pub id: Id,
    pub device_id: Id,
    pub seq: i64,
    pub kind: EntryKind,
    pub student_id: Id,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub term_id: Option<Id>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub head_id: Option<Id>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source_id: Option<Id>,
    /// Minor units, always positive; the kind says which way it moves the balance.
    pub amount: i64,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub due_date: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub receipt_no: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub method: Option<PaymentMethod>,
    pub reference: String,
    pub bank: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reverses: Option<Id>,
    pub reason: String,
    pub allocations: Vec<Allocation>,
    pub entry_date: NaiveDate,
    pub created_at: String,
    pub created_by: String,
    pub prev_hash: String,
    pub hash: String,
}

impl LedgerEntry {
    /// How the entry moves the student's balance (what they owe): charges and fines add,
    /// concessions and payments take away, a reversal puts its payment back.
    pub fn signed(&self) -> i64 {
        match self.kind {
            EntryKind::Charge | EntryKind::Fine | EntryKind::Reversal => self.amount,
            EntryKind::Concession | EntryKind::Payment => -self.amount,
        }
    }
}

/// An entry to append; the ledger adds its id, device, position, times and hashes.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewEntry {
    pub kind: Option<EntryKind>,
    pub student_id: Option<Id>,
    pub term_id: Option<Id>,
    pub head_id: Option<Id>,
    pub source_id: Option<Id>,
    pub amount: i64,
    pub due_date: Option<NaiveDate>,
    pub receipt_no: Option<String>,
    pub method: Option<PaymentMethod>,
    pub reference: String,
    pub bank: String,
    pub reverses: Option<Id>,
    pub reason: String,
    pub allocations: Vec<Allocation>,
    pub entry_date: Option<NaiveDate>,
    /// Who made it (the cashier); part of the hashed content.
    pub created_by: String,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The hash of an entry: SHA-256 over every field but the hash itself, in a fixed order,
/// separated by unit separators, as lowercase hex.
pub(crate) fn content_hash(e: &LedgerEntry) -> Result<String> {
    let allocations = serde_json::to_string(&e.allocations)?;
    let fields: [String; 20] = [
        e.id.to_string(),
        e.device_id.to_string(),
        e.seq.to_string(),
        e.kind.as_str().to_owned(),
        e.student_id.to_string(),
        opt(&e.term_id),
        opt(&e.head_id),
        opt(&e.source_id),
        e.amount.to_string(),
        opt(&e.due_date),
        opt(&e.receipt_no),
        e.method.map(|m| m.as_str().to_owned()).unwrap_or_default(),
        e.reference.clone(),
        e.bank.clone(),
        opt(&e.reverses),
        e.reason.clone(),
        allocations,
        e.entry_date.to_string(),
        format!("{}\u{1f}{}", e.created_at, e.created_by),
        e.prev_hash.clone(),
    ];
    let mut h = Sha256::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            h.update([0x1f]);
        }
        h.update(f.as_bytes());
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Appends an entry at the end of this device's chain, and records it in the outbox.
pub(crate) fn append(w: &mut Writer<'_>, new: NewEntry) -> Result<LedgerEntry> {
    let device_id = w.device_id();
    let (last_seq, prev_hash): (i64, String) = w
        .conn()
        .prepare_cached(
            "SELECT seq, hash FROM ledger_entries WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([device_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok((0, GENESIS.to_owned())),
            other => Err(other),
        })?;
    let (Some(kind), Some(student_id), Some(entry_date)) =
        (new.kind, new.student_id, new.entry_date)
    else {
        return Err(Error::internal(
            "a ledger entry needs a kind, a student and a date",
        ));
    };
    if new.amount <= 0 {
        return Err(Error::internal("a ledger entry's amount must be positive"));
    }
    let mut e = LedgerEntry {
        id: Id::new(),
        device_id,
        seq: last_seq + 1,
        kind,
        student_id,
        term_id: new.term_id,
        head_id: new.head_id,
        source_id: new.source_id,
        amount: new.amount,
        due_date: new.due_date,
        receipt_no: new.receipt_no,
        method: new.method,
        reference: new.reference,
        bank: new.bank,
        reverses: new.reverses,
        reason: new.reason,
        allocations: new.allocations,
        entry_date,
        created_at: now_utc(),
        created_by: new.created_by,
        prev_hash,
        hash: String::new(),
    };
    e.hash = content_hash(&e)?;
    w.conn()
        .prepare_cached(
            "INSERT INTO ledger_entries (id, device_id, seq, kind, student_id, term_id, head_id,
                 source_id, amount, due_date, receipt_no, method, reference, bank, reverses, reason,
                 allocations, entry_date, created_at, created_by, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21, ?22)",
        )?
        .execute(rusqlite::params![
            e.id,
            e.device_id,
            e.seq,
            e.kind.as_str(),
            e.student_id,
            e.term_id,
            e.head_id,
            e.source_id,
            e.amount,
            e.due_date,
            e.receipt_no,
            e.method.map(PaymentMethod::as_str),
            e.reference,
            e.bank,
            e.reverses,
            e.reason,
            serde_json::to_string(&e.allocations)?,
            e.entry_date,
            e.created_at,
            e.created_by,
            e.prev_hash,
            e.hash,
        ])?;
    w.record(RecordType::LedgerEntry, e.id, Op::Insert, &e)?;
    Ok(e)
}

pub(crate) const COLUMNS: &str =
    "id, device_id, seq, kind, student_id, term_id, head_id, source_id,
    amount, due_date, receipt_no, method, reference, bank, reverses, reason, allocations,
    entry_date, created_at, created_by, prev_hash, hash";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    let kind: String = r.get(3)?;
    let method: Option<String> = r.get(11)?;
    let allocations: String = r.get(16)?;
    let bad = |what: String| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::new(Error::internal(what)),
        )
    };
    Ok(LedgerEntry {
        id: r.get(0)?,
        device_id: r.get(1)?,
        seq: r.get(2)?,
        kind: EntryKind::parse(&kind).ok_or_else(|| bad(format!("unknown entry kind {kind:?}")))?,
        student_id: r.get(4)?,
        term_id: r.get(5)?,
        head_id: r.get(6)?,
        source_id: r.get(7)?,
        amount: r.get(8)?,
        due_date: r.get(9)?,
        receipt_no: r.get(10)?,
        method: match method {
            Some(m) => {
                Some(PaymentMethod::parse(&m).ok_or_else(|| bad(format!("unknown method {m:?}")))?)
            }
            None => None,
        },
        reference: r.get(12)?,
        bank: r.get(13)?,
        reverses: r.get(14)?,
        reason: r.get(15)?,
        allocations: serde_json::from_str(&allocations)
            .map_err(|e| bad(format!("allocations: {e}")))?,
        entry_date: r.get(17)?,
        created_at: r.get(18)?,
        created_by: r.get(19)?,
        prev_hash: r.get(20)?,
        hash: r.get(21)?,
    })
}

/// A student's entries that count (a charge made twice apart counts once), in the order
/// they were made.
pub(crate) fn of_student(c: &Connection, student_id: Id) -> Result<Vec<LedgerEntry>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ledger WHERE student_id = ?1 ORDER BY created_at, seq"
    ))?
    .query_map([student_id], from_row)?
    .collect::<rusqlite::Result<_>>()?)
}

/// A break in a device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChainBreak {
    pub device_id: Id,
    pub seq: i64,
    pub entry_id: Id,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub receipt_no: Option<String>,
    pub problem: String,
}

/// Recomputes every device's chain; the first broken entry of each chain is reported.
pub fn verify_chains(c: &Connection) -> Result<Vec<ChainBreak>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {COLUMNS} FROM ledger_entries ORDER BY device_id, seq"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut current: Option<(Id, i64, String, bool)> = None; // device, last seq, last hash, broken
    while let Some(row) = rows.next()? {
        let e = match from_row(row) {
            Ok(e) => e,
            Err(err) => {
                let entry_id: Id = row.get(0)?;
                out.push(ChainBreak {
                    device_id: row.get(1)?,
                    seq: row.get(2)?,
                    entry_id,
                    receipt_no: row.get(10)?,
                    problem: format!("the entry cannot be read: {err}"),
                });
                continue;
            }
        };
        let (expected_seq, expected_prev, broken) = match &current {
            Some((d, seq, hash, broken)) if *d == e.device_id => (*seq + 1, hash.clone(), *broken),
            _ => (1, GENESIS.to_owned(), false),
        };
        let problem = if e.seq != expected_seq {
            Some(format!(
                "entry {} of the chain is missing (found {} next)",
                expected_seq, e.seq
            ))
        } else if e.prev_hash != expected_prev {
            Some("it does not follow the entry before it (an entry was removed or replaced)".into())
        } else if content_hash(&e)? != e.hash {
            Some("its content does not match its hash (it was edited)".into())
        } else {
            None
        };
        if let Some(problem) = problem
            && !broken
        {
            out.push(ChainBreak {
                device_id: e.device_id,
                seq: e.seq,
                entry_id: e.id,
                receipt_no: e.receipt_no.clone(),
                problem,
            });
        }
        let now_broken = broken || out.last().is_some_and(|b| b.device_id == e.device_id);
        current = Some((e.device_id, e.seq, e.hash, now_broken));
    }
    Ok(out)
}

//! A student's account, computed from their ledger entries every time: dues by term and
//! head (charged, conceded, fined, paid), the late fines accrued but not yet posted, the
//! balance, and the statement with its running balance.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::EntryKind;
use super::ledger::{LedgerEntry, of_student};
use super::setup::{FineKind, school_today};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::Store;
use crate::users::Permission;

/// What a student owes for one head in one term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Due {
    pub term_id: Id,
    pub term_name: String,
    pub head_id: Id,
    pub head_name: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub due_date: Option<NaiveDate>,
    pub charged: i64,
    pub concession: i64,
    /// Fines posted to the ledger.
    pub fine: i64,
    /// Late fine accrued to today and not yet posted (it is posted when a payment is taken).
    pub fine_accrued: i64,
    /// Paid, net of reversed payments.
    pub paid: i64,
    /// charged - concession + fine + fine_accrued - paid.
    pub outstanding: i64,
    /// Days past the due date while something is outstanding; 0 otherwise.
    pub days_overdue: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StudentFees {
    pub student_id: Id,
    pub admission_no: String,
    pub name: String,
    pub class_name: String,
    /// The sum of the ledger entries: what is owed now (negative: in credit).
    pub balance: i64,
    /// Late fines accrued to today, not yet in the ledger.
    pub fine_accrued: i64,
    /// `balance + fine_accrued`: what clears the account today.
    pub total_due: i64,
    /// Oldest first (due date, then term, then head).
    pub dues: Vec<Due>,
    pub currency: String,
    pub currency_symbol: String,
    pub minor_units: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatementLine {
    pub entry: LedgerEntry,
    pub term_name: String,
    pub head_name: String,
    /// The balance after this entry.
    pub balance: i64,
    /// A payment that has been reversed (its receipt is void).
    pub void: bool,
}

#[derive(Default)]
struct Bucket {
    due_date: Option<NaiveDate>,
    charged: i64,
    concession: i64,
    fine: i64,
    paid: i64,
    fine_rule: Option<(FineKind, i64, i64)>,
    /// The latest date a fine was posted for this due.
    fine_through: Option<NaiveDate>,
}

pub(crate) struct Account {
    pub fees: StudentFees,
    pub entries: Vec<LedgerEntry>,
}

/// What accounts are read against: the structure's fine rules and the names and start dates
/// of terms and heads. Loaded once for a report over many students.
pub(crate) struct Lookups {
    rules: HashMap<Id, (FineKind, i64, i64)>,
    /// Name and start date.
    terms: HashMap<Id, (String, NaiveDate)>,
    heads: HashMap<Id, String>,
}

impl Lookups {
    pub(crate) fn load(c: &Connection) -> Result<Lookups> {
        let rules = c
            .prepare_cached("SELECT id, fine_kind, fine_amount, fine_cap FROM fee_structures")?
            .query_map([], |r| {
                let kind: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    (
                        match kind.as_str() {
                            "fixed" => FineKind::Fixed,
                            "per_day" => FineKind::PerDay,
                            _ => FineKind::None,
                        },
                        r.get(2)?,
                        r.get(3)?,
                    ),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let terms = c
            .prepare_cached("SELECT id, name, start_date FROM terms")?
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let heads = c
            .prepare_cached("SELECT id, name FROM fee_heads")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Lookups {
            rules,
            terms,
            heads,
        })
    }

    fn term_name(&self, id: Option<Id>) -> String {
        id.and_then(|t| self.terms.get(&t))
            .map(|t| t.0.clone())
            .unwrap_or_default()
    }

    fn head_name(&self, id: Option<Id>) -> String {
        id.and_then(|h| self.heads.get(&h))
            .cloned()
            .unwrap_or_default()
    }
}

/// The fine a rule gives for `days` late: the fixed amount, or so much a day up to the cap.
fn fine_for(rule: (FineKind, i64, i64), days: i64) -> i64 {
    let (kind, amount, cap) = rule;
    match kind {
        FineKind::None => 0,
        FineKind::Fixed => amount,
        FineKind::PerDay => {
            let f = amount.saturating_mul(days);
            if cap > 0 { f.min(cap) } else { f }
        }
    }
}

pub(crate) fn account(c: &Connection, student_id: Id, today: NaiveDate) -> Result<Account> {
    account_with(c, &Lookups::load(c)?, student_id, today)
}

/// [`account`] against lookups already loaded (a report over many students).
pub(crate) fn account_with(
    c: &Connection,
    lookups: &Lookups,
    student_id: Id,
    today: NaiveDate,
) -> Result<Account> {
    let school = crate::school::require(c)?;
    let student =
        crate::students::load(c, student_id)?.ok_or_else(|| Error::not_found("The student"))?;
    let class_name = match student.class_id {
        Some(id) => crate::classes::load(c, id)?
            .map(|k| k.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let entries = of_student(c, student_id)?;
    let rules = &lookups.rules;
    let mut buckets: BTreeMap<(Id, Id), Bucket> = BTreeMap::new();
    let mut balance = 0i64;
    for e in &entries {
        balance += e.signed();
        match e.kind {
            EntryKind::Charge | EntryKind::Concession | EntryKind::Fine => {
                let (Some(t), Some(h)) = (e.term_id, e.head_id) else {
                    continue;
                };
                let b = buckets.entry((t, h)).or_default();
                match e.kind {
                    EntryKind::Charge => {
                        b.charged += e.amount;
                        b.due_date = b.due_date.or(e.due_date);
                        if b.fine_rule.is_none() {
                            b.fine_rule = e.source_id.and_then(|s| rules.get(&s).copied());
                        }
                    }
                    EntryKind::Concession => b.concession += e.amount,
                    _ => {
                        b.fine += e.amount;
                        b.fine_through = b.fine_through.max(Some(e.entry_date));
                    }
                }
            }
            EntryKind::Payment | EntryKind::Reversal => {
                let sign = if e.kind == EntryKind::Payment { 1 } else { -1 };
                for a in &e.allocations {
                    buckets.entry((a.term_id, a.head_id)).or_default().paid += sign * a.amount;
                }
            }
        }
    }
    // Two PCs taking payments offline each post the fine accrued to their day; once both
    // entries are here, a due's fines count only up to what its rule gives at the latest
    // posting (the second PC's payment went to the fine and counts as paid).
    for b in buckets.values_mut() {
        if let (Some(rule), Some(due), Some(through)) = (b.fine_rule, b.due_date, b.fine_through) {
            let owed = fine_for(rule, (through - due).num_days().max(0));
            let excess = (b.fine - owed).max(0);
            b.fine -= excess;
            balance -= excess;
        }
    }
    let (terms, heads) = (&lookups.terms, &lookups.heads);
    let mut dues: Vec<Due> = buckets
        .into_iter()
        .map(|((term_id, head_id), b)| {
            let before_fine = b.charged - b.concession + b.fine - b.paid;
            let overdue_days = b
                .due_date
                .map(|d| (today - d).num_days())
                .filter(|d| *d > 0 && before_fine > 0)
                .unwrap_or(0);
            let fine_accrued = match (b.fine_rule, overdue_days > 0) {
                (Some(rule), true) => (fine_for(rule, overdue_days) - b.fine).max(0),
                _ => 0,
            };
            let term = terms.get(&term_id);
            Due {
                term_id,
                term_name: term.map(|t| t.0.clone()).unwrap_or_default(),
                head_id,
                head_name: heads.get(&head_id).cloned().unwrap_or_default(),
                due_date: b.due_date,
                charged: b.charged,
                concession: b.concession,
                fine: b.fine,
                fine_accrued,
                paid: b.paid,
                outstanding: before_fine + fine_accrued,
                days_overdue: u32::try_from(overdue_days).unwrap_or(0),
            }
        })
        .collect();
    dues.sort_by_key(|d| {
        (
            d.due_date.unwrap_or(NaiveDate::MAX),
            terms.get(&d.term_id).map(|t| t.1),
            d.head_name.clone(),
        )
    });
    let fine_accrued: i64 = dues.iter().map(|d| d.fine_accrued).sum();
    Ok(Account {
        fees: StudentFees {
            student_id,
            admission_no: student.admission_no.clone(),
            name: student.full_name(),
            class_name,
            balance,
            fine_accrued,
            total_due: balance + fine_accrued,
            dues,
            currency: school.currency,
            currency_symbol: school.currency_symbol,
            minor_units: school.currency_minor_units,
        },
        entries,
    })
}

/// A student's dues and balance today.
pub fn balance(store: &Store, student_id: Id) -> Result<StudentFees> {
    store.require(Permission::TakePayments)?;
    store.read(|c| Ok(account(c, student_id, school_today(c)?)?.fees))
}

/// Every entry of a student's account with the running balance, oldest first.
pub fn statement(store: &Store, student_id: Id) -> Result<Vec<StatementLine>> {
    store.require(Permission::TakePayments)?;
    store.read(|c| {
        let lookups = Lookups::load(c)?;
        let acc = account_with(c, &lookups, student_id, school_today(c)?)?;
        let reversed: HashSet<Id> = acc.entries.iter().filter_map(|e| e.reverses).collect();
        let mut running = 0;
        Ok(acc
            .entries
            .into_iter()
            .map(|e| {
                running += e.signed();
                StatementLine {
                    term_name: lookups.term_name(e.term_id),
                    head_name: lookups.head_name(e.head_id),
                    balance: running,
                    void: reversed.contains(&e.id),
                    entry: e,
                }
            })
            .collect())
    })
}

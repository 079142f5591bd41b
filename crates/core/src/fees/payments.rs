//! Taking a payment and reversing one. A payment posts the late fines accrued to today, is
//! set against the oldest dues first (or the dues the clerk picks), takes the next receipt
//! number of this device's series, and is appended to the ledger: all in one transaction.
//! A reversal never touches the payment: it is a new entry that references it, with a reason.

use serde::{Deserialize, Serialize};

use super::balance::account;
use super::ledger::{Allocation, COLUMNS, LedgerEntry, NewEntry, append, from_row};
use super::receipts::{Receipt, next_number, print};
use super::setup::school_today;
use super::{EntryKind, PaymentMethod, format_amount, parse_amount};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::Store;
use crate::users::Permission;
use crate::validate::Problems;

/// One due (a term's head) the clerk picked to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DueRef {
    pub term_id: Id,
    pub head_id: Id,
}

/// A part of a payment the clerk sets against one term's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AllocationInput {
    pub term_id: Id,
    pub head_id: Id,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentInput {
    pub student_id: Id,
    /// As typed, in the school's currency ("1500.00").
    pub amount: String,
    pub method: PaymentMethod,
    /// The cheque number, transfer reference or mobile money transaction id.
    #[serde(default)]
    pub reference: String,
    /// The cheque's bank.
    #[serde(default)]
    pub bank: String,
    /// Exact parts per due, when the clerk splits the amount; empty: see `dues`.
    #[serde(default)]
    pub allocations: Vec<AllocationInput>,
    /// The dues the clerk picked: the amount goes to these only, oldest first. Empty (and no
    /// `allocations`): the oldest dues of all first.
    #[serde(default)]
    pub dues: Vec<DueRef>,
    /// The staff member taking the money, printed on the receipt as the cashier. When a user
    /// is signed in, they are the cashier and this is not used.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cashier: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReversalInput {
    pub receipt_no: String,
    pub reason: String,
    /// The staff member reversing it. When a user is signed in, they are named instead.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub by: Option<Id>,
}

/// Takes a payment and returns its receipt (the original print). The cashier is the
/// signed-in user, or (in a school without users) the staff member chosen in the input.
pub fn pay(store: &Store, input: &PaymentInput) -> Result<Receipt> {
    let actor = store.require(Permission::TakePayments)?;
    store.write(|w| {
        let school = crate::school::require(w.conn())?;
        let digits = school.currency_minor_units;
        let mut p = Problems::default();
        let amount = p.take("amount", parse_amount("amount", &input.amount, digits));
        if amount == Some(0) {
            p.add("amount", "The amount must be more than 0");
        }
        let reference = crate::text::clean(&input.reference);
        let bank = crate::text::clean(&input.bank);
        p.max_len("reference", "The reference", &reference, 60);
        p.max_len("bank", "The bank", &bank, 60);
        match input.method {
            PaymentMethod::Cheque => {
                if reference.is_empty() {
                    p.add("reference", "Give the cheque number");
                }
                if bank.is_empty() {
                    p.add("bank", "Give the cheque's bank");
                }
            }
            PaymentMethod::BankTransfer | PaymentMethod::MobileMoney if reference.is_empty() => {
                p.add("reference", "Give the transaction reference");
            }
            _ => {}
        }
        let picked: Vec<(Id, Id, Option<i64>)> = input
            .allocations
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let field = format!("allocations[{i}].amount");
                (
                    a.term_id,
                    a.head_id,
                    p.take(&field, parse_amount(&field, &a.amount, digits)),
                )
            })
            .collect();
        p.finish()?;
        let amount = amount.ok_or_else(|| Error::internal("validated amount missing"))?;
        let today = school_today(w.conn())?;
        let cashier = match &actor {
            Some(a) => a.name.clone(),
            None => super::setup::staff_name(w.conn(), input.cashier, "cashier")?,
        };
        let acc = account(w.conn(), input.student_id, today)?;

        // The late fines accrued to today become entries before anything is paid.
        for d in acc.fees.dues.iter().filter(|d| d.fine_accrued > 0) {
            append(
                w,
                NewEntry {
                    kind: Some(EntryKind::Fine),
                    student_id: Some(input.student_id),
                    term_id: Some(d.term_id),
                    head_id: Some(d.head_id),
                    amount: d.fine_accrued,
                    reason: format!(
                        "Late fine: {} days after {}",
                        d.days_overdue,
                        d.due_date.map(|x| x.to_string()).unwrap_or_default()
                    ),
                    entry_date: Some(today),
                    created_by: cashier.clone(),
                    ..Default::default()
                },
            )?;
        }
        // What clears the account: a head in credit (a concession given after it was paid)
        // counts against the others.
        let owed = acc.fees.total_due.max(0);
        if amount > owed {
            return Err(Error::validation(
                "amount",
                format!(
                    "{} owes {} {}; this payment of {} is more than that",
                    acc.fees.name,
                    school.currency_symbol,
                    format_amount(owed, digits),
                    format_amount(amount, digits)
                ),
            ));
        }
        let allocations = if picked.is_empty() {
            let chosen: Vec<&super::Due> = acc
                .fees
                .dues
                .iter()
                .filter(|d| {
                    input.dues.is_empty()
                        || input
                            .dues
                            .iter()
                            .any(|r| r.term_id == d.term_id && r.head_id == d.head_id)
                })
                .collect();
            if !input.dues.is_empty() {
                let owed_on_chosen: i64 = chosen.iter().map(|d| d.outstanding.max(0)).sum();
                if chosen.len() < input.dues.len() {
                    return Err(Error::validation(
                        "dues",
                        "The student owes nothing for one of the fees picked",
                    ));
                }
                if amount > owed_on_chosen {
                    return Err(Error::validation(
                        "amount",
                        format!(
                            "The fees picked come to {}; take at most that, or pick more",
                            format_amount(owed_on_chosen, digits)
                        ),
                    ));
                }
            }
            let mut left = amount;
            let mut out = Vec::new();
            for d in chosen {
                if left == 0 {
                    break;
                }
                let take = d.outstanding.max(0).min(left);
                if take > 0 {
                    out.push(Allocation {
                        term_id: d.term_id,
                        head_id: d.head_id,
                        amount: take,
                    });
                    left -= take;
                }
            }
            out
        } else {
            let mut out: Vec<Allocation> = Vec::new();
            for (i, (term_id, head_id, part)) in picked.into_iter().enumerate() {
                let part = part.unwrap_or(0);
                let due = acc
                    .fees
                    .dues
                    .iter()
                    .find(|d| d.term_id == term_id && d.head_id == head_id)
                    .ok_or_else(|| {
                        Error::validation(
                            &format!("allocations[{i}].head_id"),
                            "The student owes nothing for that head and term",
                        )
                    })?;
                let already: i64 = out
                    .iter()
                    .filter(|a| a.term_id == term_id && a.head_id == head_id)
                    .map(|a| a.amount)
                    .sum();
                if part <= 0 || part + already > due.outstanding {
                    return Err(Error::validation(
                        &format!("allocations[{i}].amount"),
                        format!(
                            "{} for {} is at most {}",
                            due.head_name,
                            due.term_name,
                            format_amount(due.outstanding - already, digits)
                        ),
                    ));
                }
                out.push(Allocation {
                    term_id,
                    head_id,
                    amount: part,
                });
            }
            let total: i64 = out.iter().map(|a| a.amount).sum();
            if total != amount {
                return Err(Error::validation(
                    "allocations",
                    format!(
                        "The parts add up to {}, not the {} taken",
                        format_amount(total, digits),
                        format_amount(amount, digits)
                    ),
                ));
            }
            out
        };
        let receipt_no = next_number(w, today)?;
        append(
            w,
            NewEntry {
                kind: Some(EntryKind::Payment),
                student_id: Some(input.student_id),
                amount,
                receipt_no: Some(receipt_no.clone()),
                method: Some(input.method),
                reference,
                bank,
                allocations,
                entry_date: Some(today),
                created_by: cashier,
                ..Default::default()
            },
        )?;
        print(w, &receipt_no)
    })
}

/// Reverses a payment: a new entry putting its amount back on the dues it paid. The payment
/// stays as it was and its receipt number is kept, void. The reversal names the signed-in
/// user, or (in a school without users) the staff member chosen in the input.
pub fn reverse(store: &Store, input: &ReversalInput) -> Result<LedgerEntry> {
    let actor = store.require(Permission::ReversePayments)?;
    let mut p = Problems::default();
    let reason = p.required("reason", "The reason for the reversal", &input.reason, 200);
    p.finish()?;
    store.write(|w| {
        let payment: LedgerEntry = w
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM ledger_entries WHERE receipt_no = ?1 AND kind = 'payment'"),
                [input.receipt_no.trim().to_uppercase()],
                from_row,
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Error::new(
                    ErrorCode::NotFound,
                    format!("There is no receipt {}", input.receipt_no.trim()),
                ),
                other => other.into(),
            })?;
        let reversed: bool = w.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE reverses = ?1)",
            [payment.id],
            |r| r.get(0),
        )?;
        if reversed {
            return Err(Error::conflict(
                "receipt_no",
                format!("Receipt {} was already reversed", input.receipt_no.trim()),
            ));
        }
        let today = school_today(w.conn())?;
        let by = match &actor {
            Some(a) => a.name.clone(),
            None => super::setup::staff_name(w.conn(), input.by, "by")?,
        };
        append(
            w,
            NewEntry {
                kind: Some(EntryKind::Reversal),
                student_id: Some(payment.student_id),
                amount: payment.amount,
                reverses: Some(payment.id),
                reason,
                allocations: payment.allocations.clone(),
                entry_date: Some(today),
                created_by: by,
                ..Default::default()
            },
        )
    })
}

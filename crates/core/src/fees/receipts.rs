//! Receipts. Numbers come from a series this device owns: a prefix made from the device's
//! id, the year, and a counter that moves in the payment's own transaction, so two offline
//! PCs never issue the same number and no number is skipped; a reinstalled device has a new
//! id and so a new series. A receipt as printed carries a short verification code (the start
//! of its ledger hash) and a QR code with its number, amount, date and hash.

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::ledger::{COLUMNS, LedgerEntry, from_row};
use super::{EntryKind, format_amount};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Store, Writer};
use crate::time::now_utc;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The receipt prefix of a device: five base-32 characters of its id's random part.
pub fn receipt_prefix(device_id: Id) -> String {
    let bytes = device_id.as_uuid().as_bytes();
    let mut bits = u64::from_be_bytes([
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15],
    ]);
    let mut out = String::new();
    for _ in 0..5 {
        out.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    out
}

/// Takes the next receipt number of this device's series for the year of `date`.
pub(crate) fn next_number(w: &mut Writer<'_>, date: NaiveDate) -> Result<String> {
    let device_id = w.device_id();
    let prefix = receipt_prefix(device_id);
    let year = date.year();
    let n: i64 = w
        .conn()
        .prepare_cached(
            "INSERT INTO receipt_series (device_id, year, prefix, last) VALUES (?1, ?2, ?3, 1)
             ON CONFLICT (device_id, year) DO UPDATE SET last = last + 1
             RETURNING last",
        )?
        .query_row(rusqlite::params![device_id, year, prefix], |r| r.get(0))?;
    Ok(format!("{prefix}-{year}-{n:06}"))
}

/// A line of a receipt: what the payment went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptLine {
    pub term_name: String,
    pub head_name: String,
    pub amount: i64,
}

/// A receipt as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Receipt {
    pub receipt_no: String,
    pub date: NaiveDate,
    pub school_name: String,
    pub school_address: String,
    pub student_id: Id,
    pub student_name: String,
    pub admission_no: String,
    pub class_name: String,
    pub lines: Vec<ReceiptLine>,
    pub amount: i64,
    /// The amount as text with the currency's decimals ("1500.00").
    pub amount_text: String,
    pub amount_words: String,
    pub method: String,
    pub reference: String,
    pub bank: String,
    /// What the student still owed once this payment was taken (today's figure on a reprint).
    pub balance_after: i64,
    pub currency: String,
    pub currency_symbol: String,
    pub minor_units: u8,
    pub cashier: String,
    /// "A1B2-C3D4": the start of the entry's hash, for checking a receipt against the ledger.
    pub verification_code: String,
    pub hash: String,
    /// What the QR code carries: `RBR1|number|amount in minor units|date|hash`.
    pub qr_text: String,
    pub qr_svg: String,
    /// Printed before: this copy is a duplicate.
    pub duplicate: bool,
    /// The payment was reversed; the number stays, marked void.
    pub void: bool,
}

pub(crate) fn verification_code(hash: &str) -> String {
    let h = hash.get(..8).unwrap_or(hash).to_uppercase();
    format!("{}-{}", h.get(..4).unwrap_or(""), h.get(4..).unwrap_or(""))
}

fn payment_by_number(c: &Connection, receipt_no: &str) -> Result<LedgerEntry> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ledger_entries WHERE receipt_no = ?1 AND kind = 'payment'"
    ))?
    .query_row([receipt_no.trim().to_uppercase()], from_row)
    .optional()?
    .ok_or_else(|| {
        Error::new(
            crate::ErrorCode::NotFound,
            format!("There is no receipt {}", receipt_no.trim()),
        )
    })
}

/// The receipt as it prints now (`duplicate` when it was printed before). Records the print.
pub fn receipt(store: &Store, receipt_no: &str) -> Result<Receipt> {
    store.write(|w| print(w, receipt_no))
}

pub(crate) fn print(w: &mut Writer<'_>, receipt_no: &str) -> Result<Receipt> {
    let mut r = view(w.conn(), receipt_no)?;
    let printed: bool = w.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM receipt_prints WHERE receipt_no = ?1)",
        [&r.receipt_no],
        |row| row.get(0),
    )?;
    r.duplicate = printed;
    w.conn().execute(
        "INSERT INTO receipt_prints (receipt_no, printed_at) VALUES (?1, ?2)",
        rusqlite::params![r.receipt_no, now_utc()],
    )?;
    Ok(r)
}

pub(crate) fn view(c: &Connection, receipt_no: &str) -> Result<Receipt> {
    let school = crate::school::require(c)?;
    let e = payment_by_number(c, receipt_no)?;
    let void: bool = c.query_row(
        "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE reverses = ?1)",
        [e.id],
        |r| r.get(0),
    )?;
    let account = super::balance::account(c, e.student_id, super::setup::school_today(c)?)?;
    // The balance just after this payment: every entry up to and including it.
    let balance_after: i64 = account
        .entries
        .iter()
        .take_while(|x| x.id != e.id)
        .map(LedgerEntry::signed)
        .sum::<i64>()
        + e.signed();
    let mut lines = Vec::with_capacity(e.allocations.len());
    for a in &e.allocations {
        let due = account
            .fees
            .dues
            .iter()
            .find(|d| d.term_id == a.term_id && d.head_id == a.head_id);
        lines.push(ReceiptLine {
            term_name: due.map(|d| d.term_name.clone()).unwrap_or_default(),
            head_name: due.map(|d| d.head_name.clone()).unwrap_or_default(),
            amount: a.amount,
        });
    }
    let date = e.entry_date;
    let qr_text = format!(
        "RBR1|{}|{}|{}|{}",
        e.receipt_no.clone().unwrap_or_default(),
        e.amount,
        date,
        e.hash
    );
    let method = e.method.map(|m| m.label().to_owned()).unwrap_or_default();
    debug_assert_eq!(e.kind, EntryKind::Payment);
    Ok(Receipt {
        receipt_no: e.receipt_no.clone().unwrap_or_default(),
        date,
        school_name: school.name,
        school_address: school.address,
        student_id: e.student_id,
        student_name: account.fees.name.clone(),
        admission_no: account.fees.admission_no.clone(),
        class_name: account.fees.class_name.clone(),
        lines,
        amount: e.amount,
        amount_text: format_amount(e.amount, school.currency_minor_units),
        amount_words: super::words::amount_in_words(
            e.amount,
            school.currency_minor_units,
            &school.currency,
        ),
        method,
        reference: e.reference.clone(),
        bank: e.bank.clone(),
        balance_after,
        currency: school.currency,
        currency_symbol: school.currency_symbol,
        minor_units: school.currency_minor_units,
        cashier: e.created_by.clone(),
        verification_code: verification_code(&e.hash),
        qr_svg: crate::cards::qr_svg(&qr_text)?,
        qr_text,
        hash: e.hash,
        duplicate: false,
        void,
    })
}

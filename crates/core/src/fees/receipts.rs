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
use crate::users::Permission;

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
    /// The school's logo as base64 PNG, when it has one.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_png: Option<String>,
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
    store.require(Permission::TakePayments)?;
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
        logo_png: crate::school::logo_base64(c)?,
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

/// What checking a receipt against the ledger found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptCheck {
    /// The receipt is in the ledger and everything given matches it.
    pub genuine: bool,
    pub receipt_no: String,
    /// What did not match, or why the receipt is not genuine; empty when genuine.
    pub problems: Vec<String>,
    /// The ledger's figures, when the receipt number exists.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub amount: Option<i64>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub date: Option<NaiveDate>,
    pub student_name: String,
    /// The payment was reversed.
    pub void: bool,
}

/// Checks a receipt against the ledger: either the text of its QR code
/// (`RBR1|number|amount|date|hash`) or its number with the verification code printed on it.
pub fn verify_receipt(
    store: &Store,
    qr_or_number: &str,
    code: Option<&str>,
) -> Result<ReceiptCheck> {
    store.require(Permission::TakePayments)?;
    let text = qr_or_number.trim();
    let (receipt_no, claimed_amount, claimed_date, claimed_hash) =
        if let Some(rest) = text.strip_prefix("RBR1|") {
            let parts: Vec<&str> = rest.split('|').collect();
            let [no, amount, date, hash] = parts.as_slice() else {
                return Err(Error::validation(
                    "code",
                    "This is not the QR code of a Rollbook receipt",
                ));
            };
            (
                no.to_string(),
                amount.parse::<i64>().ok(),
                date.parse::<NaiveDate>().ok(),
                Some(hash.to_lowercase()),
            )
        } else {
            (text.to_uppercase(), None, None, None)
        };
    if receipt_no.is_empty() {
        return Err(Error::validation(
            "code",
            "Give the receipt number (and its verification code) or scan its QR code",
        ));
    }
    store.read(|c| {
        let mut check = ReceiptCheck {
            genuine: false,
            receipt_no: receipt_no.clone(),
            problems: Vec::new(),
            amount: None,
            date: None,
            student_name: String::new(),
            void: false,
        };
        let e = match payment_by_number(c, &receipt_no) {
            Ok(e) => e,
            Err(err) if err.code == crate::ErrorCode::NotFound => {
                check.problems.push(format!(
                    "There is no receipt {receipt_no} in this school's ledger"
                ));
                return Ok(check);
            }
            Err(err) => return Err(err),
        };
        check.amount = Some(e.amount);
        check.date = Some(e.entry_date);
        check.student_name = crate::students::load(c, e.student_id)?
            .map(|s| s.full_name())
            .unwrap_or_default();
        check.void = c.query_row(
            "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE reverses = ?1)",
            [e.id],
            |r| r.get(0),
        )?;
        if super::ledger::content_hash(&e)? != e.hash {
            check
                .problems
                .push("The ledger entry itself has been altered (run doctor)".into());
        }
        if let Some(a) = claimed_amount
            && a != e.amount
        {
            check
                .problems
                .push("The amount on the receipt is not the amount paid".into());
        }
        if let Some(d) = claimed_date
            && d != e.entry_date
        {
            check
                .problems
                .push("The date on the receipt is not the date paid".into());
        }
        if let Some(h) = &claimed_hash
            && *h != e.hash
        {
            check
                .problems
                .push("The receipt's hash does not match the ledger".into());
        }
        if let Some(code) = code {
            let given = code.trim().to_uppercase().replace([' ', '-'], "");
            if given != verification_code(&e.hash).replace('-', "") {
                check
                    .problems
                    .push("The verification code does not match this receipt".into());
            }
        } else if claimed_hash.is_none() {
            check
                .problems
                .push("Give the verification code printed on the receipt to check it".into());
        }
        if check.void {
            check
                .problems
                .push("This payment was reversed: the receipt is void".into());
        }
        check.genuine = check.problems.is_empty();
        Ok(check)
    })
}

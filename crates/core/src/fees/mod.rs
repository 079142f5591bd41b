//! Fees: heads, structures per class and term, concessions and late fines; the append-only,
//! hash-chained ledger of charges, concessions, fines, payments and reversals; receipts
//! numbered from a series this device owns; balances and dues always computed from entries.
//!
//! - `money.rs`: amounts as text and as integer minor units.
//! - `setup.rs`: heads, the structure, optional heads, concessions; applying a structure
//!   (charges) and charging students who join a class later.
//! - `ledger.rs`: appending entries to this device's hash chain; verifying every chain.
//! - `receipts.rs`: the device's receipt series and the receipt as printed.
//! - `payments.rs`: taking a payment (fines posted, dues allocated) and reversing one.
//! - `balance.rs`: a student's dues by term and head, balance and statement.

mod balance;
pub(crate) mod ledger;
mod money;
mod payments;
mod pdf;
mod receipts;
mod reports;
mod setup;
mod words;

use serde::{Deserialize, Serialize};

pub use balance::{Due, StatementLine, StudentFees, balance, statement};
pub use ledger::{Allocation, ChainBreak, GENESIS, LedgerEntry, verify_chains};
pub use money::{format_amount, parse_amount};
pub use payments::{AllocationInput, DueRef, PaymentInput, ReversalInput, pay, reverse};
pub use pdf::receipt_pdf;
pub use receipts::{Receipt, ReceiptCheck, ReceiptLine, receipt, receipt_prefix, verify_receipt};
pub(crate) use reports::day_book_in;
pub use reports::{
    CashClosing, CashierCash, ClassCollection, Collection, DayBook, DayBookLine, DayBookReversal,
    Defaulter, MethodTotal, close_cash, collection, day_book, defaulters,
};
pub(crate) use setup::on_join_class;
pub use setup::{
    Applied, Concession, ConcessionInput, ConcessionKind, FeeHead, FineKind, HeadInput,
    StructureInput, StructureLine, add_concession, add_head, apply_structure, heads,
    set_optional_head, set_structure, structure,
};

/// What a ledger entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Charge,
    Concession,
    Fine,
    Payment,
    Reversal,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Charge => "charge",
            EntryKind::Concession => "concession",
            EntryKind::Fine => "fine",
            EntryKind::Payment => "payment",
            EntryKind::Reversal => "reversal",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<EntryKind> {
        Some(match s {
            "charge" => EntryKind::Charge,
            "concession" => EntryKind::Concession,
            "fine" => EntryKind::Fine,
            "payment" => EntryKind::Payment,
            "reversal" => EntryKind::Reversal,
            _ => return None,
        })
    }
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    /// With the cheque number as reference and the bank.
    Cheque,
    /// With the transfer's reference.
    BankTransfer,
    /// With the transaction id as reference.
    MobileMoney,
    Card,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::MobileMoney => "mobile_money",
            PaymentMethod::Card => "card",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Cheque => "Cheque",
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::MobileMoney => "Mobile money",
            PaymentMethod::Card => "Card",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        Some(
            match s
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "cash" => PaymentMethod::Cash,
                "cheque" | "check" => PaymentMethod::Cheque,
                "bank_transfer" | "bank" | "transfer" => PaymentMethod::BankTransfer,
                "mobile_money" | "mobile" | "mpesa" | "upi" => PaymentMethod::MobileMoney,
                "card" => PaymentMethod::Card,
                _ => return None,
            },
        )
    }
}

#[cfg(test)]
mod tests;

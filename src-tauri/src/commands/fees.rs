//! Fee commands: each calls one core function on the blocking pool.

use std::path::PathBuf;
use std::sync::Arc;

use rollbook_core::export;
use rollbook_core::fees::{
    self, Applied, CashClosing, Collection, Concession, ConcessionInput, DayBook, Defaulter,
    FeeHead, HeadInput, LedgerEntry, PaymentInput, Receipt, ReceiptCheck, ReversalInput,
    StatementLine, StructureInput, StructureLine, StudentFees,
};
use rollbook_core::{Id, Result};
use tauri::State;

use super::{save_export, with_store};
use crate::busy::Busy;
use crate::state::AppState;

#[tauri::command]
pub async fn fee_heads(state: State<'_, AppState>) -> Result<Vec<FeeHead>> {
    with_store(state, fees::heads).await
}

#[tauri::command]
pub async fn add_fee_head(state: State<'_, AppState>, input: HeadInput) -> Result<FeeHead> {
    with_store(state, move |s| fees::add_head(s, &input)).await
}

#[tauri::command]
pub async fn fee_structure(
    state: State<'_, AppState>,
    class_id: Option<Id>,
    term_id: Option<Id>,
) -> Result<Vec<StructureLine>> {
    with_store(state, move |s| fees::structure(s, class_id, term_id)).await
}

#[tauri::command]
pub async fn set_fee_structure(
    state: State<'_, AppState>,
    input: StructureInput,
) -> Result<StructureLine> {
    with_store(state, move |s| fees::set_structure(s, &input)).await
}

#[tauri::command]
pub async fn apply_fee_structure(
    state: State<'_, AppState>,
    class_id: Id,
    term_id: Id,
    pro_rata: bool,
) -> Result<Applied> {
    with_store(state, move |s| {
        fees::apply_structure(s, class_id, term_id, pro_rata)
    })
    .await
}

#[tauri::command]
pub async fn add_concession(
    state: State<'_, AppState>,
    input: ConcessionInput,
) -> Result<Concession> {
    with_store(state, move |s| fees::add_concession(s, &input)).await
}

#[tauri::command]
pub async fn set_optional_head(
    state: State<'_, AppState>,
    student_id: Id,
    head_id: Id,
    takes: bool,
) -> Result<()> {
    with_store(state, move |s| {
        fees::set_optional_head(s, student_id, head_id, takes)
    })
    .await
}

#[tauri::command]
pub async fn fee_balance(state: State<'_, AppState>, student_id: Id) -> Result<StudentFees> {
    with_store(state, move |s| fees::balance(s, student_id)).await
}

#[tauri::command]
pub async fn fee_statement(
    state: State<'_, AppState>,
    student_id: Id,
) -> Result<Vec<StatementLine>> {
    with_store(state, move |s| fees::statement(s, student_id)).await
}

#[tauri::command]
pub async fn take_payment(
    state: State<'_, AppState>,
    busy: State<'_, Arc<Busy>>,
    input: PaymentInput,
) -> Result<Receipt> {
    // An update waits while a payment is being taken.
    let _payment = busy.begin("a payment")?;
    with_store(state, move |s| {
        let r = fees::pay(s, &input)?;
        tracing::info!(receipt = %r.receipt_no, "payment");
        Ok(r)
    })
    .await
}

#[tauri::command]
pub async fn reverse_payment(
    state: State<'_, AppState>,
    busy: State<'_, Arc<Busy>>,
    input: ReversalInput,
) -> Result<LedgerEntry> {
    let _reversal = busy.begin("a reversal")?;
    with_store(state, move |s| fees::reverse(s, &input)).await
}

/// The receipt for printing again (marked duplicate).
#[tauri::command]
pub async fn print_receipt(state: State<'_, AppState>, receipt_no: String) -> Result<Receipt> {
    with_store(state, move |s| fees::receipt(s, &receipt_no)).await
}

#[tauri::command]
pub async fn day_book(state: State<'_, AppState>, date: Option<String>) -> Result<DayBook> {
    with_store(state, move |s| fees::day_book(s, date.as_deref())).await
}

#[tauri::command]
pub async fn close_cash(
    state: State<'_, AppState>,
    date: Option<String>,
    counted: String,
    note: String,
    cashier: Option<Id>,
) -> Result<CashClosing> {
    with_store(state, move |s| {
        fees::close_cash(s, date.as_deref(), &counted, &note, cashier)
    })
    .await
}

#[tauri::command]
pub async fn defaulters(
    state: State<'_, AppState>,
    class_id: Option<Id>,
) -> Result<Vec<Defaulter>> {
    with_store(state, move |s| fees::defaulters(s, class_id)).await
}

#[tauri::command]
pub async fn fee_collection(state: State<'_, AppState>, term_id: Id) -> Result<Collection> {
    with_store(state, move |s| fees::collection(s, term_id)).await
}

#[tauri::command]
pub async fn export_defaulters(
    state: State<'_, AppState>,
    class_id: Option<Id>,
    out: PathBuf,
) -> Result<()> {
    save_export(state, out, move |s| {
        export::defaulters_export(s, class_id).map(|e| e.bytes)
    })
    .await
}

#[tauri::command]
pub async fn export_day_book(
    state: State<'_, AppState>,
    date: Option<String>,
    out: PathBuf,
) -> Result<()> {
    save_export(state, out, move |s| {
        export::day_book_export(s, date.as_deref()).map(|e| e.bytes)
    })
    .await
}

#[tauri::command]
pub async fn export_collection(
    state: State<'_, AppState>,
    term_id: Id,
    out: PathBuf,
) -> Result<()> {
    save_export(state, out, move |s| {
        export::collection_export(s, term_id).map(|e| e.bytes)
    })
    .await
}

/// Checks a receipt (its QR text, or its number and verification code) against the ledger.
#[tauri::command]
pub async fn verify_receipt(
    state: State<'_, AppState>,
    receipt: String,
    code: Option<String>,
) -> Result<ReceiptCheck> {
    with_store(state, move |s| {
        fees::verify_receipt(s, &receipt, code.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn export_statement(
    state: State<'_, AppState>,
    student_id: Id,
    out: PathBuf,
) -> Result<()> {
    save_export(state, out, move |s| {
        export::statement_export(s, student_id).map(|e| e.bytes)
    })
    .await
}

/// The receipt as a PDF (A5) at `out`; `duplicate` marks a copy printed before.
#[tauri::command]
pub async fn save_receipt_pdf(
    state: State<'_, AppState>,
    receipt_no: String,
    duplicate: bool,
    out: PathBuf,
) -> Result<()> {
    with_store(state, move |s| {
        export::check_extension(&out, "pdf", "a PDF")?;
        export::write_pdf(&out, &fees::receipt_pdf(s, &receipt_no, duplicate)?)
    })
    .await
}

//! Fee reports as Excel: the defaulters list, the day book, and collection against expected.
//! Amounts are numbers with the currency's decimals; names and numbers stay text.

use rust_xlsxwriter::Workbook;

use super::Export;
use super::sheet::{Cell, Formats, Preamble, Table, date_text, school_today, xlsx_error};
use crate::error::Result;
use crate::fees::{self, format_amount};
use crate::id::Id;
use crate::store::Store;
use crate::users::Permission;

/// A one-sheet workbook under the school's name and `title`: `fill` writes the rows and
/// answers how many it wrote.
fn one_sheet(
    store: &Store,
    sheet: &str,
    title: impl FnOnce(&crate::school::SchoolProfile) -> String,
    headers: &[&str],
    fill: impl FnOnce(&mut Table<'_>, &crate::school::SchoolProfile) -> Result<usize>,
) -> Result<Export> {
    let (school, formats) = workbook_formats(store)?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xlsx_error)?;
    let title = title(&school);
    let mut table = Table::start(
        ws,
        &formats,
        Some(Preamble {
            heading: &school.name,
            title: &title,
        }),
        headers,
    )?;
    let rows = fill(&mut table, &school)?;
    table.finish()?;
    let export = Export {
        bytes: wb.save_to_buffer().map_err(xlsx_error)?,
        sheets: vec![sheet.to_owned()],
        rows,
    };
    super::logged(store, &title, export)
}

/// What the fee reports need: reading fee reports, and exporting.
const FEE_REPORT: [Permission; 2] = [Permission::ViewFeeReports, Permission::Export];

fn workbook_formats(store: &Store) -> Result<(crate::school::SchoolProfile, Formats)> {
    let school = store.read(crate::school::require)?;
    let formats =
        Formats::for_school(school.date_order).with_money_digits(school.currency_minor_units);
    Ok((school, formats))
}

/// Students owing money past its due date: the amount overdue (not the total fees), the
/// total owed today, and how late.
pub fn defaulters_export(store: &Store, class_id: Option<Id>) -> Result<Export> {
    super::require_all(store, &FEE_REPORT)?;
    let list = fees::defaulters(store, class_id)?;
    one_sheet(
        store,
        "Defaulters",
        |school| {
            format!(
                "Fee defaulters as of {} ({} students, {} {} overdue)",
                date_text(school.date_order, school_today(school)),
                list.len(),
                school.currency_symbol,
                format_amount(
                    list.iter().map(|d| d.overdue).sum(),
                    school.currency_minor_units
                )
            )
        },
        &[
            "Class",
            "Admission No",
            "Student Name",
            "Overdue",
            "Total Owed",
            "Days Overdue",
            "Oldest Due Date",
        ],
        |table, _| {
            for d in &list {
                table.row(&[
                    Cell::text(d.class_name.as_str()),
                    Cell::text(d.admission_no.as_str()),
                    Cell::text(d.name.as_str()),
                    Cell::Money(d.overdue),
                    Cell::Money(d.total_due),
                    Cell::Number(f64::from(d.days_overdue)),
                    Cell::opt_date(d.oldest_due),
                ])?;
            }
            Ok(list.len())
        },
    )
}

/// A row with a label in the first column and an amount in the eighth (the day book's
/// totals).
fn total_row(label: String, amount: i64) -> [Cell<'static>; 8] {
    [
        Cell::text(label),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(amount),
    ]
}

/// A day's receipts with the totals by method, the cash expected, and the cash closings.
pub fn day_book_export(store: &Store, date: Option<&str>) -> Result<Export> {
    super::require_all(store, &FEE_REPORT)?;
    let book = store.read(|c| fees::day_book_in(c, date))?;
    one_sheet(
        store,
        "Day book",
        |school| format!("Day book for {}", date_text(school.date_order, book.date)),
        &[
            "Receipt No",
            "Time (UTC)",
            "Admission No",
            "Student Name",
            "Class",
            "Method",
            "Reference",
            "Amount",
            "Void",
        ],
        |table, school| {
            for r in &book.receipts {
                table.row(&[
                    Cell::text(r.receipt_no.as_str()),
                    Cell::text(r.taken_at.get(11..16).unwrap_or("")),
                    Cell::text(r.admission_no.as_str()),
                    Cell::text(r.student_name.as_str()),
                    Cell::text(r.class_name.as_str()),
                    Cell::text(r.method.label()),
                    Cell::text(r.reference.as_str()),
                    Cell::Money(r.amount),
                    Cell::text(if r.void { "VOID" } else { "" }),
                ])?;
            }
            table.row(&[])?;
            for m in &book.by_method {
                let mut row = total_row(
                    format!("Total {}", m.method.label().to_lowercase()),
                    m.amount,
                );
                row[3] = Cell::text(format!("{} receipts", m.receipts));
                table.row(&row)?;
            }
            table.row(&total_row("Total".into(), book.total))?;
            for r in &book.reversals {
                table.row(&[
                    Cell::text(r.receipt_no.as_str()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::text(format!(
                        "Reversed today (paid {})",
                        date_text(school.date_order, r.paid_on)
                    )),
                    Cell::text(r.reason.as_str()),
                    Cell::text(r.method.label()),
                    Cell::Empty,
                    Cell::Money(-r.amount),
                ])?;
            }
            table.row(&total_row("Cash expected".into(), book.cash_expected))?;
            for c in &book.closings {
                table.row(&total_row(
                    format!(
                        "Cash counted at {} (difference {}){}",
                        c.closed_at.get(11..16).unwrap_or(""),
                        format_amount(c.difference, school.currency_minor_units),
                        if c.note.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", c.note)
                        }
                    ),
                    c.counted,
                ))?;
            }
            Ok(book.receipts.len())
        },
    )
}

/// Collection against expected for a term, by class.
pub fn collection_export(store: &Store, term_id: Id) -> Result<Export> {
    super::require_all(store, &FEE_REPORT)?;
    let c = fees::collection(store, term_id)?;
    one_sheet(
        store,
        "Collection",
        |school| {
            format!(
                "Collection against expected, {}, made {}",
                c.term_name,
                date_text(school.date_order, school_today(school))
            )
        },
        &[
            "Class",
            "Expected",
            "Collected",
            "Outstanding",
            "Collected %",
        ],
        |table, _| {
            for r in c.classes.iter().chain(std::iter::once(&c.total)) {
                table.row(&[
                    Cell::text(r.class_name.as_str()),
                    Cell::Money(r.expected),
                    Cell::Money(r.collected),
                    Cell::Money(r.expected - r.collected),
                    r.percent_bp
                        .map_or(Cell::Empty, |bp| Cell::Number(bp as f64 / 100.0)),
                ])?;
            }
            Ok(c.classes.len() + 1)
        },
    )
}

/// A student's statement: every entry with the running balance.
pub fn statement_export(store: &Store, student_id: Id) -> Result<Export> {
    super::require_all(store, &[Permission::TakePayments, Permission::Export])?;
    let account = fees::balance(store, student_id)?;
    let lines = fees::statement(store, student_id)?;
    one_sheet(
        store,
        "Statement",
        |school| {
            format!(
                "Fee statement of {} ({}{}), {}: balance {} {}",
                account.name,
                account.admission_no,
                if account.class_name.is_empty() {
                    String::new()
                } else {
                    format!(", {}", account.class_name)
                },
                date_text(school.date_order, school_today(school)),
                school.currency_symbol,
                format_amount(account.balance, school.currency_minor_units)
            )
        },
        &[
            "Date",
            "Entry",
            "Receipt No",
            "Term",
            "Fee",
            "Charged",
            "Paid or Allowed",
            "Balance",
            "Note",
        ],
        |table, _| {
            for l in &lines {
                let e = &l.entry;
                let signed = e.signed();
                let note = match (l.void, e.reason.as_str()) {
                    (true, "") => "VOID (reversed)".to_owned(),
                    (true, r) => format!("VOID (reversed): {r}"),
                    (false, r) => r.to_owned(),
                };
                table.row(&[
                    Cell::Date(e.entry_date),
                    Cell::text(entry_word(e.kind)),
                    Cell::opt_text(e.receipt_no.as_deref()),
                    Cell::text(l.term_name.as_str()),
                    Cell::text(l.head_name.as_str()),
                    if signed > 0 {
                        Cell::Money(signed)
                    } else {
                        Cell::Empty
                    },
                    if signed < 0 {
                        Cell::Money(-signed)
                    } else {
                        Cell::Empty
                    },
                    Cell::Money(l.balance),
                    Cell::text(note),
                ])?;
            }
            Ok(lines.len())
        },
    )
}

fn entry_word(kind: fees::EntryKind) -> &'static str {
    match kind {
        fees::EntryKind::Charge => "Charge",
        fees::EntryKind::Concession => "Concession",
        fees::EntryKind::Fine => "Late fine",
        fees::EntryKind::Payment => "Payment",
        fees::EntryKind::Reversal => "Reversal",
    }
}

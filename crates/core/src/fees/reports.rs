//! Fee reports: the day book (a day's receipts by method, the cash total, and closing the
//! cash: counted against expected), the defaulters (what is owed past its due date, not the
//! total fees), and collection against what was expected for a term, by class.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::balance::{Lookups, account_with};
use super::setup::school_today;
use super::{PaymentMethod, parse_amount};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store};
use crate::text::fold;
use crate::time::{now_utc, parse_optional_date};
use crate::users::{Permission, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayBookLine {
    pub receipt_no: String,
    /// When it was taken (RFC 3339, UTC).
    pub taken_at: String,
    pub student_id: Id,
    pub admission_no: String,
    pub student_name: String,
    pub class_name: String,
    pub method: PaymentMethod,
    pub reference: String,
    pub amount: i64,
    pub cashier: String,
    /// Reversed (on any day): not counted in the totals.
    pub void: bool,
}

/// A payment of an earlier day reversed on this day (money given back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayBookReversal {
    pub receipt_no: String,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub amount: i64,
    pub reason: String,
    /// Who reversed it.
    pub by: String,
}

/// One cashier's cash for the day: what their drawer should hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CashierCash {
    /// The cashier's name; empty for payments taken without one.
    pub cashier: String,
    pub receipts: u32,
    /// Cash receipts not void, less cash they gave back for earlier days' receipts.
    pub cash_expected: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub receipts: u32,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CashClosing {
    pub id: Id,
    pub date: NaiveDate,
    pub closed_by: String,
    pub expected: i64,
    pub counted: i64,
    /// counted - expected: negative when cash is short.
    pub difference: i64,
    pub note: String,
    pub closed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayBook {
    pub date: NaiveDate,
    /// In the order they were taken.
    pub receipts: Vec<DayBookLine>,
    pub reversals: Vec<DayBookReversal>,
    /// Receipts not void, by method.
    pub by_method: Vec<MethodTotal>,
    pub total: i64,
    /// The cash the drawer should hold: cash receipts not void, less cash given back for
    /// earlier days' receipts reversed today.
    pub cash_expected: i64,
    /// The same per cashier, for closing each drawer.
    pub by_cashier: Vec<CashierCash>,
    pub closings: Vec<CashClosing>,
    pub currency_symbol: String,
    pub minor_units: u8,
}

fn the_date(c: &Connection, date: Option<&str>) -> Result<NaiveDate> {
    match parse_optional_date("date", date)? {
        Some(d) => Ok(d),
        None => school_today(c),
    }
}

pub(crate) fn day_book_on(c: &Connection, date: NaiveDate) -> Result<DayBook> {
    let school = crate::school::require(c)?;
    let receipts: Vec<DayBookLine> = c
        .prepare(
            "SELECT l.receipt_no, l.created_at, l.student_id, s.admission_no,
                    trim(s.given_name || ' ' || s.family_name), coalesce(k.name, ''), l.method,
                    l.reference, l.amount, l.created_by,
                    EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses = l.id)
             FROM ledger_entries l JOIN students s ON s.id = l.student_id
                  LEFT JOIN classes k ON k.id = s.class_id
             WHERE l.kind = 'payment' AND l.entry_date = ?1 ORDER BY l.created_at, l.receipt_no",
        )?
        .query_map([date], |r| {
            let method: String = r.get(6)?;
            Ok(DayBookLine {
                receipt_no: r.get(0)?,
                taken_at: r.get(1)?,
                student_id: r.get(2)?,
                admission_no: r.get(3)?,
                student_name: r.get(4)?,
                class_name: r.get(5)?,
                method: PaymentMethod::parse(&method).unwrap_or(PaymentMethod::Cash),
                reference: r.get(7)?,
                amount: r.get(8)?,
                cashier: r.get(9)?,
                void: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let reversals: Vec<DayBookReversal> = c
        .prepare(
            "SELECT p.receipt_no, p.entry_date, p.method, r.amount, r.reason, r.created_by
             FROM ledger_entries r JOIN ledger_entries p ON p.id = r.reverses
             WHERE r.kind = 'reversal' AND r.entry_date = ?1 AND p.entry_date <> ?1
             ORDER BY r.created_at",
        )?
        .query_map([date], |r| {
            let method: String = r.get(2)?;
            Ok(DayBookReversal {
                receipt_no: r.get(0)?,
                paid_on: r.get(1)?,
                method: PaymentMethod::parse(&method).unwrap_or(PaymentMethod::Cash),
                amount: r.get(3)?,
                reason: r.get(4)?,
                by: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_method: Vec<MethodTotal> = Vec::new();
    for line in receipts.iter().filter(|l| !l.void) {
        match by_method.iter_mut().find(|m| m.method == line.method) {
            Some(m) => {
                m.receipts += 1;
                m.amount += line.amount;
            }
            None => by_method.push(MethodTotal {
                method: line.method,
                receipts: 1,
                amount: line.amount,
            }),
        }
    }
    by_method.sort_by_key(|m| m.method.as_str());
    let total = by_method.iter().map(|m| m.amount).sum();
    let cash_in: i64 = by_method
        .iter()
        .filter(|m| m.method == PaymentMethod::Cash)
        .map(|m| m.amount)
        .sum();
    let cash_out: i64 = reversals
        .iter()
        .filter(|r| r.method == PaymentMethod::Cash)
        .map(|r| r.amount)
        .sum();
    let closings = c
        .prepare(
            "SELECT id, date, closed_by, expected, counted, difference, note, closed_at
             FROM cash_closings WHERE date = ?1 ORDER BY closed_at",
        )?
        .query_map([date], |r| {
            Ok(CashClosing {
                id: r.get(0)?,
                date: r.get(1)?,
                closed_by: r.get(2)?,
                expected: r.get(3)?,
                counted: r.get(4)?,
                difference: r.get(5)?,
                note: r.get(6)?,
                closed_at: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_cashier: Vec<CashierCash> = Vec::new();
    fn drawer<'a>(all: &'a mut Vec<CashierCash>, name: &str) -> &'a mut CashierCash {
        let i = match all.iter().position(|c| c.cashier == name) {
            Some(i) => i,
            None => {
                all.push(CashierCash {
                    cashier: name.to_owned(),
                    receipts: 0,
                    cash_expected: 0,
                });
                all.len() - 1
            }
        };
        &mut all[i]
    }
    for line in receipts.iter().filter(|l| !l.void) {
        let d = drawer(&mut by_cashier, &line.cashier);
        d.receipts += 1;
        if line.method == PaymentMethod::Cash {
            d.cash_expected += line.amount;
        }
    }
    for r in reversals.iter().filter(|r| r.method == PaymentMethod::Cash) {
        drawer(&mut by_cashier, &r.by).cash_expected -= r.amount;
    }
    by_cashier.sort_by(|a, b| a.cashier.cmp(&b.cashier));
    Ok(DayBook {
        date,
        receipts,
        reversals,
        by_method,
        total,
        cash_expected: cash_in - cash_out,
        by_cashier,
        closings,
        currency_symbol: school.currency_symbol,
        minor_units: school.currency_minor_units,
    })
}

/// A day's receipts (default: today at the school).
pub fn day_book(store: &Store, date: Option<&str>) -> Result<DayBook> {
    store.require(Permission::TakePayments)?;
    store.read(|c| day_book_in(c, date))
}

/// [`day_book`] on an open connection, unchecked (the day book export checks for itself).
pub(crate) fn day_book_in(c: &Connection, date: Option<&str>) -> Result<DayBook> {
    day_book_on(c, the_date(c, date)?)
}

/// Records the cash counted at the end of a day against what the day book expects: for one
/// cashier's drawer when `cashier` is given, else for the whole day. A signed-in clerk closes
/// their own drawer only (whatever `cashier` is, it must be them); accountants and
/// administrators close anyone's, or the whole day's.
pub fn close_cash(
    store: &Store,
    date: Option<&str>,
    counted: &str,
    note: &str,
    cashier: Option<Id>,
) -> Result<CashClosing> {
    let actor = store.require(Permission::TakePayments)?;
    store.write(|w| {
        let date = the_date(w.conn(), date)?;
        let chosen = cashier
            .map(|id| cashier_name(w.conn(), id))
            .transpose()?;
        let drawer = match &actor {
            Some(a) if a.role == Role::Clerk => {
                if let Some(other) = &chosen
                    && fold(other) != fold(&a.name)
                {
                    return Err(Error::new(
                        ErrorCode::Forbidden,
                        format!(
                            "A clerk may close only their own cash drawer (signed in as {}). \
                             Ask an accountant or administrator to close {other}'s.",
                            a.name
                        ),
                    ));
                }
                Some(a.name.clone())
            }
            _ => chosen,
        };
        let closed_by = drawer.clone().unwrap_or_default();
        let school = crate::school::require(w.conn())?;
        let counted = parse_amount("counted", counted, school.currency_minor_units)?;
        let note = crate::text::clean(note);
        if note.chars().count() > 200 {
            return Err(Error::validation("note", "The note is longer than 200 characters"));
        }
        let book = day_book_on(w.conn(), date)?;
        let expected = if drawer.is_some() {
            book.by_cashier
                .iter()
                .find(|c| c.cashier == closed_by)
                .map_or(0, |c| c.cash_expected)
        } else {
            book.cash_expected
        };
        let closing = CashClosing {
            id: Id::new(),
            date,
            closed_by,
            expected,
            counted,
            difference: counted - expected,
            note,
            closed_at: now_utc(),
        };
        w.conn().execute(
            "INSERT INTO cash_closings (id, date, device_id, closed_by, expected, counted, difference, note, closed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                closing.id,
                closing.date,
                w.device_id(),
                closing.closed_by,
                closing.expected,
                closing.counted,
                closing.difference,
                closing.note,
                closing.closed_at
            ],
        )?;
        w.record(RecordType::CashClosing, closing.id, Op::Insert, &closing)?;
        Ok(closing)
    })
}

/// The name a cashier's receipts carry: a staff member's, or a user's (who take payments
/// under their own name when signed in).
fn cashier_name(c: &Connection, id: Id) -> Result<String> {
    if let Some(s) = crate::staff::load(c, id)?
        && s.active
    {
        return Ok(s.name);
    }
    c.query_row(
        "SELECT name FROM users WHERE id = ?1 AND active = 1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::validation("cashier", "That person is not on the staff list"))
}

/// A student who owes money past its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Defaulter {
    pub student_id: Id,
    pub admission_no: String,
    pub name: String,
    pub class_name: String,
    /// Owed on dues whose date has passed (fines accrued included): not the total fees.
    pub overdue: i64,
    /// Everything owed today, due or not yet due.
    pub total_due: i64,
    /// Days since the oldest unpaid due date.
    pub days_overdue: u32,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub oldest_due: Option<NaiveDate>,
}

/// Active students with a balance owed past its due date, by class then name; optionally
/// one class.
pub fn defaulters(store: &Store, class_id: Option<Id>) -> Result<Vec<Defaulter>> {
    store.require(Permission::ViewFeeReports)?;
    store.read(|c| {
        let today = school_today(c)?;
        let ids: Vec<Id> = c
            .prepare(
                "SELECT DISTINCT l.student_id FROM ledger_entries l JOIN students s ON s.id = l.student_id
                 WHERE s.status = 'active' AND (?1 IS NULL OR s.class_id = ?1)",
            )?
            .query_map([class_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let lookups = Lookups::load(c)?;
        let mut out = Vec::new();
        for id in ids {
            let fees = account_with(c, &lookups, id, today)?.fees;
            let late: Vec<_> = fees.dues.iter().filter(|d| d.days_overdue > 0).collect();
            let overdue: i64 = late.iter().map(|d| d.outstanding.max(0)).sum();
            if overdue <= 0 {
                continue;
            }
            out.push(Defaulter {
                student_id: id,
                admission_no: fees.admission_no,
                name: fees.name,
                class_name: fees.class_name,
                overdue,
                total_due: fees.total_due,
                days_overdue: late.iter().map(|d| d.days_overdue).max().unwrap_or(0),
                oldest_due: late.iter().filter_map(|d| d.due_date).min(),
            });
        }
        out.sort_by(|a, b| a.class_name.cmp(&b.class_name).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassCollection {
    #[cfg_attr(feature = "ts", ts(optional))]
    pub class_id: Option<Id>,
    pub class_name: String,
    /// Charged plus fines less concessions.
    pub expected: i64,
    /// Paid towards this term, net of reversals.
    pub collected: i64,
    /// Collected as a share of expected, in basis points (10000 = 100 %); none when nothing
    /// was expected.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub percent_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Collection {
    pub term_id: Id,
    pub term_name: String,
    pub classes: Vec<ClassCollection>,
    pub total: ClassCollection,
    pub currency_symbol: String,
    pub minor_units: u8,
}

fn percent_bp(expected: i64, collected: i64) -> Option<i64> {
    (expected > 0).then(|| (collected * 10_000 + expected / 2) / expected)
}

/// What was expected for a term and what has been collected, by the students' current class.
pub fn collection(store: &Store, term_id: Id) -> Result<Collection> {
    store.require(Permission::ViewFeeReports)?;
    store.read(|c| {
        let school = crate::school::require(c)?;
        let term_name: String = c
            .query_row("SELECT name FROM terms WHERE id = ?1", [term_id], |r| r.get(0))
            .map_err(|_| Error::not_found("The term"))?;
        let mut rows: Vec<ClassCollection> = c
            .prepare(
                "SELECT s.class_id, coalesce(k.name, '(no class)'),
                        sum(CASE l.kind WHEN 'concession' THEN -l.amount ELSE l.amount END)
                 FROM ledger l JOIN students s ON s.id = l.student_id
                      LEFT JOIN classes k ON k.id = s.class_id
                 WHERE l.term_id = ?1 AND l.kind IN ('charge', 'fine', 'concession')
                 GROUP BY s.class_id",
            )?
            .query_map([term_id], |r| {
                Ok(ClassCollection {
                    class_id: r.get(0)?,
                    class_name: r.get(1)?,
                    expected: r.get(2)?,
                    collected: 0,
                    percent_bp: None,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let paid: Vec<(Option<Id>, i64)> = c
            .prepare(
                "SELECT s.class_id,
                        sum(CASE l.kind WHEN 'payment' THEN 1 ELSE -1 END * json_extract(a.value, '$.amount'))
                 FROM ledger_entries l JOIN json_each(l.allocations) a JOIN students s ON s.id = l.student_id
                 WHERE l.kind IN ('payment', 'reversal') AND json_extract(a.value, '$.term_id') = ?1
                 GROUP BY s.class_id",
            )?
            .query_map([term_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (class_id, amount) in paid {
            match rows.iter_mut().find(|r| r.class_id == class_id) {
                Some(r) => r.collected += amount,
                None => rows.push(ClassCollection {
                    class_id,
                    class_name: "(no class)".into(),
                    expected: 0,
                    collected: amount,
                    percent_bp: None,
                }),
            }
        }
        let order: Vec<Id> = crate::classes::list_in(c)?
            .into_iter()
            .map(|k| k.class.id)
            .collect();
        rows.sort_by_key(|r| {
            r.class_id
                .and_then(|id| order.iter().position(|o| *o == id))
                .unwrap_or(usize::MAX)
        });
        for r in &mut rows {
            r.percent_bp = percent_bp(r.expected, r.collected);
        }
        let expected = rows.iter().map(|r| r.expected).sum();
        let collected = rows.iter().map(|r| r.collected).sum();
        Ok(Collection {
            term_id,
            term_name,
            total: ClassCollection {
                class_id: None,
                class_name: "All classes".into(),
                expected,
                collected,
                percent_bp: percent_bp(expected, collected),
            },
            classes: rows,
            currency_symbol: school.currency_symbol,
            minor_units: school.currency_minor_units,
        })
    })
}

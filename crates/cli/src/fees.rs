//! `rollbook fees ...`: heads, structure, charges, payments, balances, reversals.

use rollbook_core::fees::{
    self, ConcessionInput, ConcessionKind, FineKind, HeadInput, PaymentInput, PaymentMethod,
    ReversalInput, StructureInput, format_amount,
};
use rollbook_core::{Error, Id, Result, Store, students, years};

use crate::args::{FeeHeadCommand, FeeStructureCommand, FeesCommand};
use crate::output::{json, table};
use crate::run::find_class;

pub fn run(store: &Store, cmd: &FeesCommand, as_json: bool) -> Result<()> {
    match cmd {
        FeesCommand::Head(FeeHeadCommand::Add { name, optional }) => {
            let h = fees::add_head(
                store,
                &HeadInput {
                    name: name.clone(),
                    optional: *optional,
                },
            )?;
            done(as_json, &h, &format!("Added fee head {}", h.name))
        }
        FeesCommand::Head(FeeHeadCommand::List) => {
            let list = fees::heads(store)?;
            if as_json {
                return json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|h| {
                    vec![
                        h.name.clone(),
                        if h.optional { "optional" } else { "" }.into(),
                    ]
                })
                .collect();
            table(&["HEAD", ""], &rows);
            Ok(())
        }
        FeesCommand::Structure(FeeStructureCommand::Set {
            class,
            term,
            head,
            amount,
            due,
            fine_per_day,
            fine_fixed,
            fine_cap,
        }) => {
            let (fine_kind, fine_amount) = match (fine_per_day, fine_fixed) {
                (Some(a), _) => (FineKind::PerDay, a.clone()),
                (None, Some(a)) => (FineKind::Fixed, a.clone()),
                (None, None) => (FineKind::None, String::new()),
            };
            let line = fees::set_structure(
                store,
                &StructureInput {
                    class_id: find_class(store, class)?.id,
                    term_id: find_term(store, term)?,
                    head_id: find_head(store, head)?,
                    amount: amount.clone(),
                    due_date: due.clone().unwrap_or_default(),
                    fine_kind,
                    fine_amount,
                    fine_cap: fine_cap.clone().unwrap_or_default(),
                },
            )
            .map_err(flags)?;
            let digits = minor_digits(store)?;
            done(
                as_json,
                &line,
                &format!(
                    "{} {}, {}: {}",
                    line.class_name,
                    line.term_name,
                    line.head_name,
                    format_amount(line.amount, digits)
                ),
            )
        }
        FeesCommand::Structure(FeeStructureCommand::List { class }) => {
            let class_id = class
                .as_deref()
                .map(|c| find_class(store, c).map(|c| c.id))
                .transpose()?;
            let lines = fees::structure(store, class_id, None)?;
            if as_json {
                return json(&lines);
            }
            let digits = minor_digits(store)?;
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    vec![
                        l.class_name.clone(),
                        l.term_name.clone(),
                        l.head_name.clone(),
                        format_amount(l.amount, digits),
                        l.due_date.map(|d| d.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            table(&["CLASS", "TERM", "HEAD", "AMOUNT", "DUE"], &rows);
            Ok(())
        }
        FeesCommand::Apply {
            class,
            term,
            pro_rata,
        } => {
            let class = find_class(store, class)?;
            let a = fees::apply_structure(store, class.id, find_term(store, term)?, *pro_rata)?;
            done(
                as_json,
                &a,
                &format!(
                    "Charged {} students of {} ({} charges, {} concessions)",
                    a.students, class.name, a.charges, a.concessions
                ),
            )
        }
        FeesCommand::Concession {
            student,
            head,
            percent,
            fixed,
            reason,
        } => {
            let (kind, value) = match (percent, fixed) {
                (Some(p), _) => (ConcessionKind::Percent, p.clone()),
                (None, Some(f)) => (ConcessionKind::Fixed, f.clone()),
                (None, None) => {
                    return Err(Error::validation("--percent", "Give --percent or --fixed"));
                }
            };
            let c = fees::add_concession(
                store,
                &ConcessionInput {
                    student_id: find_student(store, student)?,
                    head_id: head.as_deref().map(|h| find_head(store, h)).transpose()?,
                    kind,
                    value,
                    reason: reason.clone(),
                },
            )
            .map_err(flags)?;
            done(as_json, &c, &format!("Added a concession ({})", c.reason))
        }
        FeesCommand::Pay {
            student,
            amount,
            method,
            reference,
            bank,
            cashier,
        } => {
            let method = PaymentMethod::parse(method).ok_or_else(|| {
                Error::validation(
                    "--method",
                    format!(
                        "\"{method}\" is not a payment method (cash, cheque, bank_transfer, mobile_money, card)"
                    ),
                )
            })?;
            let r = fees::pay(
                store,
                &PaymentInput {
                    student_id: find_student(store, student)?,
                    amount: amount.clone(),
                    method,
                    reference: reference.clone(),
                    bank: bank.clone(),
                    allocations: vec![],
                    dues: vec![],
                    cashier: find_staff(store, cashier.as_deref(), "--cashier")?,
                },
            )
            .map_err(flags)?;
            if as_json {
                return json(&serde_json::json!({
                    "receipt_no": r.receipt_no,
                    "cashier": r.cashier,
                    "amount": r.amount,
                    "amount_text": r.amount_text,
                    "balance_after": r.balance_after,
                    "verification_code": r.verification_code,
                    "date": r.date,
                }));
            }
            println!(
                "Receipt {}: {} {} from {} ({}); balance now {}; verification {}",
                r.receipt_no,
                r.currency_symbol,
                r.amount_text,
                r.student_name,
                r.admission_no,
                format_amount(r.balance_after, r.minor_units),
                r.verification_code
            );
            Ok(())
        }
        FeesCommand::Balance { student } => {
            let b = fees::balance(store, find_student(store, student)?)?;
            if as_json {
                return json(&b);
            }
            let d = b.minor_units;
            println!("{} ({}), {}", b.name, b.admission_no, b.class_name);
            let rows: Vec<Vec<String>> = b
                .dues
                .iter()
                .map(|x| {
                    vec![
                        x.term_name.clone(),
                        x.head_name.clone(),
                        format_amount(x.charged, d),
                        format_amount(x.concession, d),
                        format_amount(x.fine + x.fine_accrued, d),
                        format_amount(x.paid, d),
                        format_amount(x.outstanding, d),
                    ]
                })
                .collect();
            table(
                &[
                    "TERM",
                    "HEAD",
                    "CHARGED",
                    "CONCESSION",
                    "FINE",
                    "PAID",
                    "OWED",
                ],
                &rows,
            );
            println!(
                "balance: {} {}",
                b.currency_symbol,
                format_amount(b.total_due, d)
            );
            Ok(())
        }
        FeesCommand::Statement { student } => {
            let lines = fees::statement(store, find_student(store, student)?)?;
            if as_json {
                return json(&lines);
            }
            let d = minor_digits(store)?;
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    vec![
                        l.entry.entry_date.to_string(),
                        format!(
                            "{}{}",
                            l.entry.kind.as_str(),
                            if l.void { " (void)" } else { "" }
                        ),
                        l.entry.receipt_no.clone().unwrap_or_default(),
                        format!("{} {}", l.term_name, l.head_name).trim().to_owned(),
                        format_amount(l.entry.signed(), d),
                        format_amount(l.balance, d),
                    ]
                })
                .collect();
            table(
                &["DATE", "ENTRY", "RECEIPT", "FOR", "AMOUNT", "BALANCE"],
                &rows,
            );
            Ok(())
        }
        FeesCommand::ReceiptPdf {
            receipt,
            out,
            duplicate,
        } => {
            rollbook_core::export::check_extension(out, "pdf", "a PDF").map_err(|mut e| {
                e.field = Some("--out".into());
                e
            })?;
            rollbook_core::export::write_pdf(out, &fees::receipt_pdf(store, receipt, *duplicate)?)?;
            done(
                as_json,
                &serde_json::json!({ "path": out.display().to_string() }),
                &format!("Wrote receipt {} to {}", receipt.trim(), out.display()),
            )
        }
        FeesCommand::Verify { receipt, code } => {
            let check = fees::verify_receipt(store, receipt, code.as_deref())?;
            if as_json {
                json(&check)?;
            } else if check.genuine {
                let d = minor_digits(store)?;
                println!(
                    "Genuine: receipt {} for {} paid {} by {}",
                    check.receipt_no,
                    format_amount(check.amount.unwrap_or_default(), d),
                    check.date.map(|x| x.to_string()).unwrap_or_default(),
                    check.student_name
                );
            } else {
                println!("NOT genuine: receipt {}", check.receipt_no);
                for p in &check.problems {
                    println!("  {p}");
                }
            }
            if check.genuine {
                Ok(())
            } else {
                Err(Error::new(
                    rollbook_core::ErrorCode::Validation,
                    "The receipt does not match the ledger",
                ))
            }
        }
        FeesCommand::CloseCash {
            date,
            counted,
            note,
            cashier,
        } => {
            let c = fees::close_cash(
                store,
                date.as_deref(),
                counted,
                note,
                find_staff(store, cashier.as_deref(), "--cashier")?,
            )
            .map_err(flags)?;
            let d = minor_digits(store)?;
            done(
                as_json,
                &c,
                &format!(
                    "Cash for {}: expected {}, counted {}, difference {}",
                    c.date,
                    format_amount(c.expected, d),
                    format_amount(c.counted, d),
                    format_amount(c.difference, d)
                ),
            )
        }
        FeesCommand::Reverse {
            receipt,
            reason,
            by,
        } => {
            let e = fees::reverse(
                store,
                &ReversalInput {
                    receipt_no: receipt.clone(),
                    reason: reason.clone(),
                    by: find_staff(store, by.as_deref(), "--by")?,
                },
            )
            .map_err(flags)?;
            let d = minor_digits(store)?;
            done(
                as_json,
                &e,
                &format!(
                    "Reversed receipt {} ({}); it stays on record, void",
                    receipt.trim(),
                    format_amount(e.amount, d)
                ),
            )
        }
    }
}

fn done(as_json: bool, value: &impl serde::Serialize, message: &str) -> Result<()> {
    if as_json {
        json(value)
    } else {
        println!("{message}");
        Ok(())
    }
}

/// Field names as the command line spells them: `amount` → `--amount`.
fn flags(mut e: Error) -> Error {
    let flag = |f: &str| match f {
        "due_date" => "--due".to_owned(),
        "value" => "--percent/--fixed".to_owned(),
        "receipt_no" => "--receipt".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    };
    e.field = e.field.as_deref().map(flag);
    for d in &mut e.details {
        d.field = flag(&d.field);
    }
    e
}

fn minor_digits(store: &Store) -> Result<u8> {
    Ok(rollbook_core::school::get(store)?
        .map(|s| s.currency_minor_units)
        .unwrap_or(2))
}

pub(crate) fn find_student(store: &Store, adm: &str) -> Result<Id> {
    students::find_by_admission_no(store, adm)?
        .map(|d| d.student.id)
        .ok_or_else(|| {
            Error::validation(
                "--student",
                format!("No student has admission number {}", adm.trim()),
            )
        })
}

fn find_head(store: &Store, name: &str) -> Result<Id> {
    fees::heads(store)?
        .into_iter()
        .find(|h| h.name.eq_ignore_ascii_case(name.trim()))
        .map(|h| h.id)
        .ok_or_else(|| {
            Error::validation(
                "--head",
                format!(
                    "There is no fee head called \"{}\" (see `rollbook fees head list`)",
                    name.trim()
                ),
            )
        })
}

/// A term of the current year, by name.
pub(crate) fn find_term(store: &Store, name: &str) -> Result<Id> {
    let years = years::list(store)?;
    let current = years.iter().find(|y| y.year.is_current).or(years.first());
    current
        .and_then(|y| {
            y.terms
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
        })
        .map(|t| t.id)
        .ok_or_else(|| {
            Error::validation(
                "--term",
                format!(
                    "The current year has no term called \"{}\" (see `rollbook year list`)",
                    name.trim()
                ),
            )
        })
}

/// The active staff member called `name`, for the flag `flag`.
fn find_staff(store: &Store, name: Option<&str>, flag: &str) -> Result<Option<Id>> {
    let Some(name) = name else { return Ok(None) };
    rollbook_core::staff::list(store)?
        .into_iter()
        .find(|s| s.active && s.name.eq_ignore_ascii_case(name.trim()))
        .map(|s| Some(s.id))
        .ok_or_else(|| {
            Error::validation(
                flag,
                format!(
                    "There is no staff member called \"{}\" (see `rollbook staff list`)",
                    name.trim()
                ),
            )
        })
}

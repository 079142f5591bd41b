use std::collections::HashSet;

use super::*;
use crate::error::ErrorCode;
use crate::store::Store;
use crate::testing::{class_with_students, new_store, set_up_school};
use crate::years::{self, TermInput};

struct School {
    _dir: tempfile::TempDir,
    store: Store,
    class: Id,
    students: Vec<Id>,
    term1: Id,
    term2: Id,
    tuition: Id,
    exam: Id,
}

use crate::id::Id;

fn term_id(store: &Store, name: &str) -> Id {
    years::list(store).unwrap()[0]
        .terms
        .iter()
        .find(|t| t.name == name)
        .unwrap()
        .id
}

/// A school (INR, 2 decimals) with two terms, two heads, and a class of three.
fn school() -> School {
    let (dir, store) = new_store();
    set_up_school(&store);
    years::add_term(
        &store,
        "2026-27",
        &TermInput {
            name: "Term 2".into(),
            start_date: "2026-10-01".into(),
            end_date: "2027-03-31".into(),
        },
    )
    .unwrap();
    let (class, students) = class_with_students(
        &store,
        "Grade 5 B",
        &[
            ("A1", "Aarav", "Iyer"),
            ("A2", "Bela", "Nair"),
            ("A3", "Chitra", "Rao"),
        ],
    );
    let tuition = add_head(
        &store,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    let exam = add_head(
        &store,
        &HeadInput {
            name: "Exam".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    School {
        term1: term_id(&store, "Term 1"),
        term2: term_id(&store, "Term 2"),
        _dir: dir,
        store,
        class,
        students,
        tuition,
        exam,
    }
}

fn line(s: &School, term: Id, head: Id, amount: &str, due: &str) -> StructureInput {
    StructureInput {
        class_id: s.class,
        term_id: term,
        head_id: head,
        amount: amount.into(),
        due_date: due.into(),
        ..Default::default()
    }
}

fn cash(student: Id, amount: &str) -> PaymentInput {
    PaymentInput {
        student_id: student,
        amount: amount.into(),
        method: PaymentMethod::Cash,
        reference: String::new(),
        bank: String::new(),
        allocations: vec![],
        dues: vec![],
        cashier: None,
    }
}

/// The balance computed independently of the Rust code: straight from the ledger rows.
fn sql_balance(store: &Store, student: Id) -> i64 {
    store
        .read(|c| {
            Ok(c.query_row(
                "SELECT coalesce(sum(CASE WHEN kind IN ('charge', 'fine', 'reversal') THEN amount ELSE -amount END), 0)
                 FROM ledger_entries WHERE student_id = ?1",
                [student],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

/// Term 1 (due 2026-05-15) tuition 1500 and exam 200; applied to the class.
fn applied(s: &School) {
    set_structure(
        &s.store,
        &line(s, s.term1, s.tuition, "1500.00", "2026-05-15"),
    )
    .unwrap();
    set_structure(&s.store, &line(s, s.term1, s.exam, "200", "2026-06-30")).unwrap();
    apply_structure(&s.store, s.class, s.term1, false).unwrap();
}

#[test]
fn applying_a_structure_charges_each_student_once() {
    let s = school();
    set_structure(
        &s.store,
        &line(&s, s.term1, s.tuition, "1500.00", "2026-05-15"),
    )
    .unwrap();
    set_structure(&s.store, &line(&s, s.term1, s.exam, "200", "2026-06-30")).unwrap();
    let first = apply_structure(&s.store, s.class, s.term1, false).unwrap();
    assert_eq!((first.students, first.charges), (3, 6));
    let again = apply_structure(&s.store, s.class, s.term1, false).unwrap();
    assert_eq!(again.charges, 0, "applying twice charges nobody twice");

    let b = balance(&s.store, s.students[0]).unwrap();
    assert_eq!(b.balance, 170_000);
    assert_eq!(b.balance, sql_balance(&s.store, s.students[0]));
    let heads: Vec<&str> = b.dues.iter().map(|d| d.head_name.as_str()).collect();
    assert_eq!(heads, ["Tuition", "Exam"], "oldest due first");
    assert_eq!(b.currency, "INR");

    let err = apply_structure(&s.store, s.class, s.term2, false).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("term_id"));
    let err = set_structure(
        &s.store,
        &line(&s, s.term1, s.tuition, "15.005", "2026-12-01"),
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["amount"]);
    let err =
        set_structure(&s.store, &line(&s, s.term1, s.tuition, "10", "2026-12-01")).unwrap_err();
    assert!(err.message.contains("within the term"), "{err:?}");
}

#[test]
fn concessions_and_optional_heads_follow_the_student() {
    let s = school();
    let transport = add_head(
        &s.store,
        &HeadInput {
            name: "Transport".into(),
            optional: true,
        },
    )
    .unwrap()
    .id;
    set_structure(&s.store, &line(&s, s.term1, s.tuition, "1000", "")).unwrap();
    set_structure(&s.store, &line(&s, s.term1, transport, "300", "")).unwrap();
    set_optional_head(&s.store, s.students[1], transport, true).unwrap();
    add_concession(
        &s.store,
        &ConcessionInput {
            student_id: s.students[2],
            head_id: Some(s.tuition),
            kind: ConcessionKind::Percent,
            value: "12.5".into(),
            reason: "Sibling".into(),
        },
    )
    .unwrap();
    apply_structure(&s.store, s.class, s.term1, false).unwrap();
    let owed = |i: usize| balance(&s.store, s.students[i]).unwrap().balance;
    assert_eq!(
        owed(0),
        100_000,
        "no transport for those who do not take it"
    );
    assert_eq!(owed(1), 130_000);
    assert_eq!(owed(2), 87_500, "12.5 % off tuition");

    // A fixed concession added after the charges is set against them at once, never more
    // than the charge.
    add_concession(
        &s.store,
        &ConcessionInput {
            student_id: s.students[0],
            head_id: None,
            kind: ConcessionKind::Fixed,
            value: "5000".into(),
            reason: "Scholarship".into(),
        },
    )
    .unwrap();
    assert_eq!(owed(0), 0);
    assert_eq!(owed(0), sql_balance(&s.store, s.students[0]));

    let err = add_concession(
        &s.store,
        &ConcessionInput {
            student_id: s.students[0],
            head_id: None,
            kind: ConcessionKind::Percent,
            value: "120".into(),
            reason: " ".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.details.len(), 2);
}

#[test]
fn a_student_who_joins_mid_term_is_charged_pro_rata() {
    let s = school();
    set_structure(&s.store, &line(&s, s.term2, s.tuition, "1820.00", "")).unwrap();
    apply_structure(&s.store, s.class, s.term2, true).unwrap();
    let (_, newcomer) = class_with_students(&s.store, "Grade 6 A", &[("B1", "Dev", "Shah")]);
    let newcomer = newcomer[0];
    assert_eq!(balance(&s.store, newcomer).unwrap().balance, 0);
    // Moving into Grade 5 B charges the rest of Term 2.
    let mut input = crate::students::StudentInput {
        admission_no: "B1".into(),
        given_name: "Dev".into(),
        family_name: "Shah".into(),
        class_id: Some(s.class),
        ..Default::default()
    };
    crate::students::update(&s.store, newcomer, &input).unwrap();
    let today = s.store.read(setup::school_today).unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    let expected = if today > end {
        0
    } else if today <= start {
        182_000
    } else {
        let left = (end - today).num_days() + 1;
        let all = (end - start).num_days() + 1;
        (182_000 * left + all / 2) / all
    };
    assert_eq!(balance(&s.store, newcomer).unwrap().balance, expected);
    // Saving the student again charges nothing more.
    input.family_name = "Shah".into();
    crate::students::update(&s.store, newcomer, &input).unwrap();
    assert_eq!(balance(&s.store, newcomer).unwrap().balance, expected);
}

#[test]
fn payments_go_to_the_oldest_dues_and_get_numbered_receipts() {
    let s = school();
    applied(&s);
    let student = s.students[0];
    let r1 = pay(&s.store, &cash(student, "1000")).unwrap();
    let prefix = receipt_prefix(s.store.device_id());
    let year = r1.date.format("%Y").to_string();
    assert_eq!(r1.receipt_no, format!("{prefix}-{year}-000001"));
    assert_eq!(r1.lines.len(), 1);
    assert_eq!(r1.lines[0].head_name, "Tuition");
    assert_eq!(r1.balance_after, 70_000);
    assert_eq!(r1.amount_text, "1000.00");
    assert_eq!(r1.amount_words, "One thousand Indian rupees only");
    assert!(!r1.duplicate);
    assert_eq!(r1.verification_code.len(), 9);
    assert!(
        r1.qr_text
            .starts_with(&format!("RBR1|{}|100000|", r1.receipt_no))
    );
    assert!(r1.qr_svg.contains("<svg"));

    // 600 pays the rest of tuition (500) and 100 of the exam fee.
    let r2 = pay(&s.store, &cash(student, "600")).unwrap();
    assert_eq!(r2.receipt_no, format!("{prefix}-{year}-000002"));
    let heads: Vec<(&str, i64)> = r2
        .lines
        .iter()
        .map(|l| (l.head_name.as_str(), l.amount))
        .collect();
    assert_eq!(heads, [("Tuition", 50_000), ("Exam", 10_000)]);
    let b = balance(&s.store, student).unwrap();
    assert_eq!(b.balance, 10_000);
    assert_eq!(b.dues[0].outstanding, 0);
    assert_eq!(b.dues[1].outstanding, 10_000);

    let err = pay(&s.store, &cash(student, "100.01")).unwrap_err();
    assert!(err.message.contains("more than that"), "{err:?}");
    let mut cheque = cash(student, "50");
    cheque.method = PaymentMethod::Cheque;
    let err = pay(&s.store, &cheque).unwrap_err();
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["reference", "bank"]);

    // A reprint says so.
    let again = receipt(&s.store, &r1.receipt_no).unwrap();
    assert!(again.duplicate);
    assert_eq!(
        again.balance_after, 70_000,
        "the balance as it was after that payment"
    );
}

#[test]
fn the_clerk_can_pick_which_dues_a_payment_pays() {
    let s = school();
    applied(&s);
    let mut input = cash(s.students[0], "200");
    input.allocations = vec![AllocationInput {
        term_id: s.term1,
        head_id: s.exam,
        amount: "200".into(),
    }];
    let r = pay(&s.store, &input).unwrap();
    assert_eq!(r.lines[0].head_name, "Exam");
    let b = balance(&s.store, s.students[0]).unwrap();
    assert_eq!(
        b.dues
            .iter()
            .find(|d| d.head_id == s.exam)
            .unwrap()
            .outstanding,
        0
    );

    // Picking the dues: the amount goes to those only.
    let mut picked = cash(s.students[1], "300");
    picked.dues = vec![DueRef {
        term_id: s.term1,
        head_id: s.exam,
    }];
    let err = pay(&s.store, &picked).unwrap_err();
    assert!(
        err.message.contains("fees picked come to 200.00"),
        "{err:?}"
    );
    picked.amount = "150".into();
    let r = pay(&s.store, &picked).unwrap();
    assert_eq!((r.lines.len(), r.lines[0].head_name.as_str()), (1, "Exam"));

    input.allocations[0].amount = "50".into();
    let err = pay(&s.store, &input).unwrap_err();
    assert!(err.message.contains("at most 0.00"), "{err:?}");
    input.amount = "300".into();
    input.allocations = vec![AllocationInput {
        term_id: s.term1,
        head_id: s.tuition,
        amount: "200".into(),
    }];
    let err = pay(&s.store, &input).unwrap_err();
    assert!(
        err.message.contains("add up to 200.00, not the 300.00"),
        "{err:?}"
    );
}

#[test]
fn payments_are_never_changed_or_deleted_and_reversals_net_to_zero() {
    let s = school();
    applied(&s);
    let student = s.students[1];
    let r = pay(&s.store, &cash(student, "700")).unwrap();
    let refused = |sql: &str| {
        s.store
            .write(|w| {
                w.conn().execute(sql, [])?;
                Ok(())
            })
            .unwrap_err()
    };
    let err = refused("UPDATE ledger_entries SET amount = 1 WHERE kind = 'payment'");
    assert!(err.message.contains("never changed"), "{err:?}");
    let err = refused("DELETE FROM ledger_entries WHERE kind = 'payment'");
    assert!(err.message.contains("never deleted"), "{err:?}");

    let err = reverse(
        &s.store,
        &ReversalInput {
            receipt_no: r.receipt_no.clone(),
            reason: "".into(),
            by: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let rev = reverse(
        &s.store,
        &ReversalInput {
            receipt_no: r.receipt_no.to_lowercase(),
            reason: "Cheque bounced".into(),
            by: None,
        },
    )
    .unwrap();
    assert_eq!(rev.kind, EntryKind::Reversal);
    assert_eq!(rev.amount, 70_000);
    assert_eq!(
        balance(&s.store, student).unwrap().balance,
        170_000,
        "back to what was owed"
    );
    let err = reverse(
        &s.store,
        &ReversalInput {
            receipt_no: r.receipt_no.clone(),
            reason: "again".into(),
            by: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let void = receipt(&s.store, &r.receipt_no).unwrap();
    assert!(
        void.void,
        "the reversed payment's receipt keeps its number, marked void"
    );
    let lines = statement(&s.store, student).unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.void && l.entry.receipt_no.as_deref() == Some(&r.receipt_no))
    );
    assert_eq!(lines.last().unwrap().balance, 170_000);
    let err = reverse(
        &s.store,
        &ReversalInput {
            receipt_no: "NOPE".into(),
            reason: "x".into(),
            by: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn late_fines_accrue_per_day_up_to_the_cap_and_are_posted_with_the_payment() {
    let s = school();
    let mut l = line(&s, s.term1, s.tuition, "1000", "2026-05-15");
    l.fine_kind = FineKind::PerDay;
    l.fine_amount = "5".into();
    l.fine_cap = "50".into();
    set_structure(&s.store, &l).unwrap();
    apply_structure(&s.store, s.class, s.term1, false).unwrap();
    let student = s.students[0];
    let b = balance(&s.store, student).unwrap();
    // Months past the due date: the cap.
    assert_eq!(b.fine_accrued, 5_000);
    assert_eq!(
        b.balance, 100_000,
        "an accrued fine is not in the ledger yet"
    );
    assert_eq!(b.total_due, 105_000);
    assert!(b.dues[0].days_overdue > 100);
    pay(&s.store, &cash(student, "1050")).unwrap();
    let b = balance(&s.store, student).unwrap();
    assert_eq!((b.balance, b.fine_accrued, b.total_due), (0, 0, 0));
    assert_eq!(b.dues[0].fine, 5_000);
    assert_eq!(sql_balance(&s.store, student), 0);
}

#[test]
fn two_offline_devices_never_issue_the_same_receipt_number() {
    // Two PCs, each with its own store (a device id of its own), taking payments offline.
    let mut numbers = HashSet::new();
    let mut prefixes = HashSet::new();
    for _ in 0..2 {
        let s = school();
        applied(&s);
        prefixes.insert(receipt_prefix(s.store.device_id()));
        for student in &s.students {
            for _ in 0..3 {
                let r = pay(&s.store, &cash(*student, "10")).unwrap();
                assert!(
                    numbers.insert(r.receipt_no.clone()),
                    "duplicate {}",
                    r.receipt_no
                );
            }
        }
    }
    assert_eq!(prefixes.len(), 2);
    assert_eq!(numbers.len(), 18);
}

#[test]
fn payments_taken_at_once_on_one_device_get_consecutive_numbers() {
    let s = school();
    applied(&s);
    let store = std::sync::Arc::new(s.store);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let store = store.clone();
            let student = s.students[i % 3];
            std::thread::spawn(move || {
                (0..5)
                    .map(|_| pay(&store, &cash(student, "1")).unwrap().receipt_no)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut counters: Vec<u32> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    counters.sort_unstable();
    assert_eq!(
        counters,
        (1..=20).collect::<Vec<_>>(),
        "no number twice, none skipped"
    );
}

#[test]
fn doctor_finds_an_entry_edited_behind_rollbooks_back() {
    let s = school();
    applied(&s);
    let r = pay(&s.store, &cash(s.students[0], "500")).unwrap();
    pay(&s.store, &cash(s.students[1], "300")).unwrap();
    assert!(s.store.doctor().unwrap().ledger_breaks.is_empty());
    assert!(s.store.doctor().unwrap().ok);
    // Someone opens the file with a SQLite tool, drops the guard and lowers a payment.
    s.store
        .write(|w| {
            w.conn().execute_batch(
                "DROP TRIGGER ledger_entries_never_change;
                 UPDATE ledger_entries SET amount = 5000 WHERE kind = 'payment' AND amount = 50000;",
            )?;
            Ok(())
        })
        .unwrap();
    let report = s.store.doctor().unwrap();
    assert!(!report.ok);
    assert_eq!(report.ledger_breaks.len(), 1, "{:?}", report.ledger_breaks);
    let b = &report.ledger_breaks[0];
    assert_eq!(b.receipt_no.as_deref(), Some(r.receipt_no.as_str()));
    assert!(b.problem.contains("edited"), "{}", b.problem);
}

#[test]
fn every_ledger_write_is_in_the_outbox() {
    let s = school();
    applied(&s);
    pay(&s.store, &cash(s.students[0], "10")).unwrap();
    let count = |sql: &str| -> i64 {
        s.store
            .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    };
    assert_eq!(
        count("SELECT count(*) FROM ledger_entries"),
        count("SELECT count(*) FROM outbox WHERE record_type = 'ledger_entry'")
    );
}

mod property {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        ApplyTerm2,
        Pay { student: usize, percent_of_owed: u8 },
        Reverse { nth: usize },
        Concession { student: usize, percent: u8 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            Just(Op::ApplyTerm2),
            (0..3usize, 1..=100u8).prop_map(|(student, percent_of_owed)| Op::Pay {
                student,
                percent_of_owed
            }),
            (0..10usize).prop_map(|nth| Op::Reverse { nth }),
            (0..3usize, 1..=100u8)
                .prop_map(|(student, percent)| Op::Concession { student, percent }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Whatever happens, every balance is the sum of its entries (computed two ways) and
        /// of its dues, a payment never takes an account into credit, and each reversal
        /// cancels its payment exactly.
        #[test]
        fn balances_always_equal_the_sum_of_their_entries(ops in proptest::collection::vec(op(), 1..14)) {
            let s = school();
            applied(&s);
            set_structure(&s.store, &line(&s, s.term2, s.tuition, "999.99", "2027-01-15")).unwrap();
            let mut receipts: Vec<String> = Vec::new();
            for op in ops {
                match op {
                    Op::ApplyTerm2 => { apply_structure(&s.store, s.class, s.term2, false).unwrap(); }
                    Op::Pay { student, percent_of_owed } => {
                        let owed = balance(&s.store, s.students[student]).unwrap().total_due;
                        let amount = owed * i64::from(percent_of_owed) / 100;
                        if amount > 0 {
                            let before = balance(&s.store, s.students[student]).unwrap();
                            let r = pay(&s.store, &cash(s.students[student], &format_amount(amount, 2))).unwrap();
                            receipts.push(r.receipt_no);
                            let after = balance(&s.store, s.students[student]).unwrap();
                            prop_assert_eq!(after.total_due, before.total_due - amount);
                            prop_assert!(after.total_due >= 0);
                        }
                    }
                    Op::Reverse { nth } => {
                        if let Some(no) = receipts.get(nth) {
                            let result = reverse(&s.store, &ReversalInput { receipt_no: no.clone(), reason: "test".into(), by: None });
                            if let Err(e) = result { prop_assert_eq!(e.code, ErrorCode::Conflict); }
                        }
                    }
                    Op::Concession { student, percent } => {
                        add_concession(&s.store, &ConcessionInput {
                            student_id: s.students[student], head_id: None, kind: ConcessionKind::Percent,
                            value: percent.to_string(), reason: "test".into(),
                        }).unwrap();
                    }
                }
                for student in &s.students {
                    let b = balance(&s.store, *student).unwrap();
                    prop_assert_eq!(b.balance, sql_balance(&s.store, *student));
                    let dues: i64 = b.dues.iter().map(|d| d.outstanding - d.fine_accrued).sum();
                    prop_assert_eq!(dues, b.balance);
                    prop_assert!(b.dues.iter().all(|d| d.paid >= 0), "{:?}", b.dues);
                }
            }
            let reversals: Vec<(i64, i64)> = s.store.read(|c| Ok(c.prepare(
                "SELECT p.amount, r.amount FROM ledger_entries r JOIN ledger_entries p ON p.id = r.reverses"
            )?.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?)).unwrap();
            for (p, r) in reversals { prop_assert_eq!(p - r, 0); }
            prop_assert!(s.store.doctor().unwrap().ledger_breaks.is_empty());
        }
    }
}

#[test]
fn the_day_book_totals_receipts_by_method_and_closing_finds_the_difference() {
    let s = school();
    applied(&s);
    let r1 = pay(&s.store, &cash(s.students[0], "500")).unwrap();
    let r2 = pay(&s.store, &cash(s.students[1], "300")).unwrap();
    let mut cheque = cash(s.students[2], "1700");
    cheque.method = PaymentMethod::Cheque;
    cheque.reference = "004512".into();
    cheque.bank = "State Bank".into();
    pay(&s.store, &cheque).unwrap();
    reverse(
        &s.store,
        &ReversalInput {
            receipt_no: r2.receipt_no.clone(),
            reason: "Wrong student".into(),
            by: None,
        },
    )
    .unwrap();

    let book = day_book(&s.store, None).unwrap();
    assert_eq!(book.receipts.len(), 3);
    assert_eq!(book.receipts[0].receipt_no, r1.receipt_no);
    assert!(book.receipts[1].void);
    let methods: Vec<(PaymentMethod, u32, i64)> = book
        .by_method
        .iter()
        .map(|m| (m.method, m.receipts, m.amount))
        .collect();
    assert_eq!(
        methods,
        [
            (PaymentMethod::Cash, 1, 50_000),
            (PaymentMethod::Cheque, 1, 170_000)
        ]
    );
    assert_eq!(book.total, 220_000, "the void receipt is not counted");
    assert_eq!(book.cash_expected, 50_000);

    let closing = close_cash(&s.store, None, "480", "a torn note", None).unwrap();
    assert_eq!(
        (closing.expected, closing.counted, closing.difference),
        (50_000, 48_000, -2_000)
    );
    assert_eq!(day_book(&s.store, None).unwrap().closings.len(), 1);
    assert!(
        day_book(&s.store, Some("2026-01-01"))
            .unwrap()
            .receipts
            .is_empty()
    );

    let x = crate::export::day_book_export(&s.store, None).unwrap();
    assert_eq!(x.rows, 3);
}

#[test]
fn defaulters_show_what_is_overdue_not_the_total_fees() {
    let s = school();
    applied(&s);
    // A term not due for years: owed, but nobody is late on it.
    years::add_year(
        &s.store,
        &crate::years::YearInput {
            name: "2099".into(),
            start_date: "2099-01-01".into(),
            end_date: "2099-12-31".into(),
        },
    )
    .unwrap();
    let later = years::add_term(
        &s.store,
        "2099",
        &TermInput {
            name: "Term 9".into(),
            start_date: "2099-01-01".into(),
            end_date: "2099-06-30".into(),
        },
    )
    .unwrap()
    .id;
    set_structure(&s.store, &line(&s, later, s.tuition, "1000", "2099-02-01")).unwrap();
    apply_structure(&s.store, s.class, later, false).unwrap();
    // Aarav clears Term 1; Bela pays part of it; Chitra pays nothing.
    pay(&s.store, &cash(s.students[0], "1700")).unwrap();
    pay(&s.store, &cash(s.students[1], "1600")).unwrap();

    let list = defaulters(&s.store, None).unwrap();
    let rows: Vec<(&str, i64, i64)> = list
        .iter()
        .map(|d| (d.name.as_str(), d.overdue, d.total_due))
        .collect();
    assert_eq!(
        rows,
        [
            ("Bela Nair", 10_000, 110_000),
            ("Chitra Rao", 170_000, 270_000)
        ]
    );
    assert_eq!(
        list[1].oldest_due.map(|d| d.to_string()).as_deref(),
        Some("2026-05-15")
    );
    assert!(
        list[1].days_overdue > list[0].days_overdue,
        "Chitra is late since May, Bela since June"
    );

    let x = crate::export::defaulters_export(&s.store, None).unwrap();
    assert_eq!(x.rows, 2);
    use calamine::{DataType, Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(x.bytes)).unwrap();
    let r = wb.worksheet_range("Defaulters").unwrap();
    let bela = r
        .rows()
        .find(|row| row.iter().any(|c| c.get_string() == Some("Bela Nair")))
        .unwrap();
    assert_eq!(
        bela[3].as_f64(),
        Some(100.0),
        "the overdue amount is a number in rupees"
    );

    let c = collection(&s.store, s.term1).unwrap();
    assert_eq!(c.classes.len(), 1);
    assert_eq!((c.total.expected, c.total.collected), (510_000, 330_000));
    assert_eq!(c.total.percent_bp, Some(6_471));
}

#[test]
fn a_receipt_is_checked_against_the_ledger_by_its_qr_or_its_code() {
    let s = school();
    applied(&s);
    let r = pay(&s.store, &cash(s.students[0], "500")).unwrap();
    let good = verify_receipt(&s.store, &r.qr_text, None).unwrap();
    assert!(good.genuine, "{:?}", good.problems);
    assert_eq!(good.amount, Some(50_000));
    assert_eq!(good.student_name, "Aarav Iyer");
    let by_code = verify_receipt(
        &s.store,
        &r.receipt_no,
        Some(&r.verification_code.to_lowercase()),
    )
    .unwrap();
    assert!(by_code.genuine);

    // A receipt with the amount changed (a forged 5,000 for 500) fails.
    let forged = r.qr_text.replace("|50000|", "|500000|");
    let bad = verify_receipt(&s.store, &forged, None).unwrap();
    assert!(!bad.genuine);
    assert!(bad.problems[0].contains("amount"), "{:?}", bad.problems);
    let bad = verify_receipt(&s.store, &r.receipt_no, Some("0000-0000")).unwrap();
    assert!(bad.problems[0].contains("verification code"));
    let missing = verify_receipt(&s.store, "ZZZZZ-2026-000009", Some("0000-0000")).unwrap();
    assert!(!missing.genuine && missing.amount.is_none());

    reverse(
        &s.store,
        &ReversalInput {
            receipt_no: r.receipt_no.clone(),
            reason: "Bounced".into(),
            by: None,
        },
    )
    .unwrap();
    let void = verify_receipt(&s.store, &r.qr_text, None).unwrap();
    assert!(void.void && !void.genuine);
    assert!(verify_receipt(&s.store, "RBR1|only|three", None).is_err());
}

#[test]
fn the_school_logo_is_on_the_receipt_when_there_is_one() {
    let s = school();
    applied(&s);
    let r = pay(&s.store, &cash(s.students[0], "10")).unwrap();
    assert!(r.logo_png.is_none());
    let img = image::RgbImage::from_pixel(40, 20, image::Rgb([10, 80, 160]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    crate::school::set_logo(&s.store, &png.into_inner()).unwrap();
    let again = receipt(&s.store, &r.receipt_no).unwrap();
    assert!(again.logo_png.is_some_and(|b| !b.is_empty()));
}

#[test]
fn each_cashier_is_named_on_their_receipts_and_closes_their_own_drawer() {
    let s = school();
    applied(&s);
    let staff = |name: &str| {
        crate::staff::create(
            &s.store,
            &crate::staff::StaffInput {
                name: name.into(),
                role: "Accounts".into(),
                active: true,
            },
        )
        .unwrap()
        .id
    };
    let (joy, sam) = (staff("Joy Achieng"), staff("Sam Otieno"));
    let mut p = cash(s.students[0], "500");
    p.cashier = Some(joy);
    let r = pay(&s.store, &p).unwrap();
    assert_eq!(r.cashier, "Joy Achieng");
    let mut p = cash(s.students[1], "300");
    p.cashier = Some(sam);
    pay(&s.store, &p).unwrap();
    let mut p = cash(s.students[2], "200");
    p.cashier = Some(sam);
    p.method = PaymentMethod::Card;
    pay(&s.store, &p).unwrap();

    let book = day_book(&s.store, None).unwrap();
    let drawers: Vec<(&str, u32, i64)> = book
        .by_cashier
        .iter()
        .map(|c| (c.cashier.as_str(), c.receipts, c.cash_expected))
        .collect();
    assert_eq!(
        drawers,
        [("Joy Achieng", 1, 50_000), ("Sam Otieno", 2, 30_000)]
    );
    let closing = close_cash(&s.store, None, "300", "", Some(sam)).unwrap();
    assert_eq!(
        (
            closing.closed_by.as_str(),
            closing.expected,
            closing.difference
        ),
        ("Sam Otieno", 30_000, 0)
    );

    let mut stranger = cash(s.students[0], "1");
    stranger.cashier = Some(Id::new());
    assert_eq!(
        pay(&s.store, &stranger).unwrap_err().field.as_deref(),
        Some("cashier")
    );
    // The cashier is part of what the entry's hash covers.
    assert!(s.store.doctor().unwrap().ledger_breaks.is_empty());
}

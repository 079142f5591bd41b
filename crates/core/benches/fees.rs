//! The fee counter at the size of a large school: 2,000 students in 50 classes, two terms of
//! three heads applied to every class (12,000 charges), some concessions; then, each against
//! a baseline measured in the same run:
//!
//! - (a) taking a payment with its receipt (`fees::pay`: fines posted, dues allocated, the
//!   receipt number taken, the entry hashed into the chain, the outbox entry, the durable
//!   commit, and the receipt as printed), one per student, 2,000 in all; the baseline is a
//!   bare one-row `INSERT` and commit with the store's durability (WAL, `synchronous=FULL`);
//! - (b) the student's account as the counter shows it after the search (`fees::balance`);
//! - (c) the whole school's defaulters list (`fees::defaulters`) and the day book of the
//!   2,000 receipts (`fees::day_book`).
//!
//! `cargo bench -p rollbook-core --bench fees` prints the figures for docs/BENCHMARKS.md.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use rollbook_core::classes::{self, ClassInput};
use rollbook_core::fees::{
    self, ConcessionInput, ConcessionKind, FineKind, HeadInput, PaymentInput, PaymentMethod,
    StructureInput,
};
use rollbook_core::students::{self, StudentInput};
use rollbook_core::years::{self, TermInput, YearInput};
use rollbook_core::{Error, Id, Result, Store};
use rusqlite::Connection;

const STUDENTS: usize = 2_000;
const CLASSES: usize = 50;

fn sql(e: rusqlite::Error) -> Error {
    Error::internal(format!("bench SQL: {e}"))
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort_unstable();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        max: *times.last().unwrap_or(&Duration::ZERO),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn line(what: &str, s: &Stats) {
    println!("| {what} | {} | {} | {} |", ms(s.p50), ms(s.p99), ms(s.max));
}

/// The school: a year with two terms, three heads (one optional), a structure for every
/// class and term, applied; every tenth student has a sibling concession.
fn seed(store: &Store) -> Result<Vec<Id>> {
    common::set_up_school(store)?;
    years::add_year(
        store,
        &YearInput {
            name: "2026-27".into(),
            start_date: "2026-04-01".into(),
            end_date: "2027-03-31".into(),
        },
    )?;
    let terms: Vec<Id> = [
        ("Term 1", "2026-04-01", "2026-09-30"),
        ("Term 2", "2026-10-01", "2027-03-31"),
    ]
    .iter()
    .map(|(name, from, to)| {
        years::add_term(
            store,
            "2026-27",
            &TermInput {
                name: (*name).into(),
                start_date: (*from).into(),
                end_date: (*to).into(),
            },
        )
        .map(|t| t.id)
    })
    .collect::<Result<_>>()?;
    let heads: Vec<Id> = [("Tuition", false), ("Exam", false), ("Sports", false)]
        .iter()
        .map(|(name, optional)| {
            fees::add_head(
                store,
                &HeadInput {
                    name: (*name).into(),
                    optional: *optional,
                },
            )
            .map(|h| h.id)
        })
        .collect::<Result<_>>()?;
    let mut students = Vec::with_capacity(STUDENTS);
    for c in 0..CLASSES {
        let class = classes::create(
            store,
            &ClassInput {
                name: format!("Grade {} {}", c / 5 + 1, (b'A' + (c % 5) as u8) as char),
                ..Default::default()
            },
        )?
        .id;
        let inputs: Vec<StudentInput> = (0..STUDENTS / CLASSES)
            .map(|i| StudentInput {
                admission_no: format!("F{c:02}{i:03}"),
                given_name: format!("Student {i}"),
                family_name: format!("Class {c}"),
                class_id: Some(class),
                ..Default::default()
            })
            .collect();
        students.extend(students::create_many(store, &inputs)?);
        for (t, term) in terms.iter().enumerate() {
            for (h, head) in heads.iter().enumerate() {
                fees::set_structure(
                    store,
                    &StructureInput {
                        class_id: class,
                        term_id: *term,
                        head_id: *head,
                        amount: format!("{}", 1500 / (h + 1)),
                        due_date: if t == 0 {
                            "2026-05-15".into()
                        } else {
                            "2026-11-15".into()
                        },
                        fine_kind: if h == 0 {
                            FineKind::PerDay
                        } else {
                            FineKind::None
                        },
                        fine_amount: if h == 0 { "5".into() } else { String::new() },
                        fine_cap: if h == 0 { "100".into() } else { String::new() },
                    },
                )?;
            }
        }
        for (i, s) in students[students.len() - STUDENTS / CLASSES..]
            .iter()
            .enumerate()
        {
            if i % 10 == 0 {
                fees::add_concession(
                    store,
                    &ConcessionInput {
                        student_id: *s,
                        head_id: Some(heads[0]),
                        kind: ConcessionKind::Percent,
                        value: "25".into(),
                        reason: "Sibling".into(),
                    },
                )?;
            }
        }
        for term in &terms {
            fees::apply_structure(store, class, *term, false)?;
        }
    }
    Ok(students)
}

/// A bare one-row insert and commit, with the store's durability, `n` times.
fn bare_commits(dir: &Path, n: usize) -> Result<Vec<Duration>> {
    let conn = Connection::open(dir.join("baseline.db")).map_err(sql)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    conn.execute_batch(
        "CREATE TABLE entries (id TEXT PRIMARY KEY, student_id TEXT, amount INTEGER, receipt_no TEXT UNIQUE,
                               allocations TEXT, hash TEXT)",
    )
    .map_err(sql)?;
    let mut conn = conn;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        let tx = conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO entries VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                Id::new(),
                Id::new(),
                100_000,
                format!("BASE-2026-{i:06}"),
                r#"[{"term_id":"x","head_id":"y","amount":100000}]"#,
                "0".repeat(64)
            ],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        times.push(t.elapsed());
    }
    Ok(times)
}

fn main() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("temp dir", &e))?;
    let store = Store::open(&dir.path().join("store"))?;
    let t = Instant::now();
    let students = seed(&store)?;
    println!(
        "seeded {} students, {} classes, 2 terms x 3 heads applied in {:.1} s",
        students.len(),
        CLASSES,
        t.elapsed().as_secs_f64()
    );

    // (a) one payment per student, as a queue at the counter.
    let mut pays = Vec::with_capacity(students.len());
    for (i, s) in students.iter().enumerate() {
        let t = Instant::now();
        let r = fees::pay(
            &store,
            &PaymentInput {
                student_id: *s,
                amount: format!("{}", 500 + (i % 7) * 100),
                method: if i % 4 == 0 {
                    PaymentMethod::MobileMoney
                } else {
                    PaymentMethod::Cash
                },
                reference: if i % 4 == 0 {
                    format!("MM{i:08}")
                } else {
                    String::new()
                },
                bank: String::new(),
                allocations: vec![],
                dues: vec![],
                cashier: None,
            },
        )?;
        pays.push(t.elapsed());
        std::hint::black_box(r);
    }
    let base = bare_commits(dir.path(), students.len())?;

    // (b) the account as the counter shows it.
    let mut balances = Vec::with_capacity(200);
    for s in students.iter().step_by(10) {
        let t = Instant::now();
        std::hint::black_box(fees::balance(&store, *s)?);
        balances.push(t.elapsed());
    }

    // (c) whole-school reports.
    let mut defaulters = Vec::new();
    let mut daybook = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let list = fees::defaulters(&store, None)?;
        defaulters.push(t.elapsed());
        std::hint::black_box(list);
        let t = Instant::now();
        let book = fees::day_book(&store, None)?;
        daybook.push(t.elapsed());
        assert_eq!(book.receipts.len(), students.len());
    }
    let report = store.doctor()?;
    assert!(report.ledger_breaks.is_empty());

    let (p, b) = (stats(pays), stats(base));
    println!();
    println!(
        "| {} | p50 (ms) | p99 (ms) | max (ms) |",
        chrono::Utc::now().date_naive()
    );
    println!("|---|---:|---:|---:|");
    line("(a) `fees::pay`: a payment with its receipt, durable", &p);
    line(
        "(a) baseline: bare one-row INSERT + commit (WAL, synchronous=FULL)",
        &b,
    );
    line("(b) `fees::balance`: a student's account", &stats(balances));
    line(
        "(c) `fees::defaulters`: the whole school",
        &stats(defaulters),
    );
    line("(c) `fees::day_book`: 2,000 receipts", &stats(daybook));
    println!();
    println!(
        "ratio (a)/(baseline): {:.1}x at p50, {:.1}x at p99",
        p.p50.as_secs_f64() / b.p50.as_secs_f64(),
        p.p99.as_secs_f64() / b.p99.as_secs_f64()
    );
    println!(
        "target: a payment with its receipt under 20 ms at p99: {}",
        if p.p99 < Duration::from_millis(20) {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

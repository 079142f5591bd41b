//! Sync at the size of a large school, through a real server on loopback.
//!
//! A school of 2,000 students in 50 classes, a term's fees charged and paid once by every
//! student, and `ROLLBOOK_BENCH_DAYS` school days of attendance taken class by class (48 by
//! default: about 100,000 outbox entries; 200 is a school year). Then, in one run:
//!
//! - (a) the first PC pushes everything (`rollbook_sync::sync_now`);
//! - (b) a second PC enrols and bootstraps the whole school (`sync_now`: every page pulled
//!   and applied by the conflict rules, search index and ledger included);
//! - the floor: the same entries inserted straight into an SQLite table in one transaction
//!   (encrypted like the store, WAL, `synchronous=FULL`), measured in the same run.
//!
//! Beside the wall-clock figures, the CPU seconds each phase used (client and in-process
//! server): the figure to compare when other work shares the machine.
//!
//! `cargo bench -p rollbook-sync --bench sync` (under `scripts/with-keyring.sh` where no
//! keyring runs) prints the table for docs/BENCHMARKS.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rollbook_core::attendance::{self, MarkInput, RollInput};
use rollbook_core::fees::{self, HeadInput, PaymentInput, PaymentMethod, StructureInput};
use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::students::{self, StudentInput};
use rollbook_core::years::{TermInput, YearInput};
use rollbook_core::{Id, Result, Store, classes};
use rollbook_server::server::{self, ServeOptions};
use rollbook_server::storage::Store as _;
use rollbook_server::storage::sqlite::SqliteStore;

const STUDENTS: usize = 2_000;
const CLASSES: usize = 50;
const PER_CLASS: usize = STUDENTS / CLASSES;

/// CPU seconds this process has used so far (client and in-process server, all threads):
/// unlike the wall clock, not inflated when other work shares the machine.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses): utime is the 14th field
    // of the line, stime the 15th, in clock ticks (100 a second on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn set_up(store: &Store) -> Result<(Vec<Id>, Vec<Vec<Id>>, Id)> {
    school::setup(
        store,
        &SetupInput {
            school: SchoolInput {
                name: "Hillside Academy".into(),
                country: "KE".into(),
                time_zone: Some("Africa/Nairobi".into()),
                ..Default::default()
            },
            year: Some(YearInput {
                name: "2026".into(),
                start_date: "2026-01-05".into(),
                end_date: "2026-11-27".into(),
            }),
            terms: vec![TermInput {
                name: "Term 1".into(),
                start_date: "2026-01-05".into(),
                end_date: "2026-04-02".into(),
            }],
        },
    )?;
    let term = rollbook_core::years::list(store)?[0].terms[0].id;
    let mut class_ids = Vec::new();
    for i in 0..CLASSES {
        class_ids.push(
            classes::create(
                store,
                &classes::ClassInput {
                    name: format!("Grade {} {}", 1 + i / 5, ["A", "B", "C", "D", "E"][i % 5]),
                    ..Default::default()
                },
            )?
            .id,
        );
    }
    let inputs: Vec<StudentInput> = (0..STUDENTS)
        .map(|i| StudentInput {
            admission_no: format!("HA/{i:05}"),
            given_name: ["Wanjiru", "Kamau", "Amina", "Otieno", "Achieng"][i % 5].into(),
            family_name: ["Mwangi", "Odhiambo", "Kariuki", "Njoroge"][i % 4].into(),
            class_id: Some(class_ids[i / PER_CLASS]),
            ..Default::default()
        })
        .collect();
    let ids = students::create_many(store, &inputs)?;
    let per_class: Vec<Vec<Id>> = ids.chunks(PER_CLASS).map(<[Id]>::to_vec).collect();
    Ok((class_ids, per_class, term))
}

fn fees_for_all(store: &Store, class_ids: &[Id], students: &[Vec<Id>], term: Id) -> Result<()> {
    let head = fees::add_head(
        store,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )?;
    for class in class_ids {
        fees::set_structure(
            store,
            &StructureInput {
                class_id: *class,
                term_id: term,
                head_id: head.id,
                amount: "15000".into(),
                due_date: "2026-02-15".into(),
                fine_kind: Default::default(),
                fine_amount: String::new(),
                fine_cap: String::new(),
            },
        )?;
        fees::apply_structure(store, *class, term, false)?;
    }
    for student in students.iter().flatten() {
        fees::pay(
            store,
            &PaymentInput {
                student_id: *student,
                amount: "5000".into(),
                method: PaymentMethod::MobileMoney,
                reference: "MPESA".into(),
                bank: String::new(),
                allocations: vec![],
                dues: vec![],
                cashier: None,
            },
        )?;
    }
    Ok(())
}

fn attendance_days(
    store: &Store,
    class_ids: &[Id],
    students: &[Vec<Id>],
    days: usize,
) -> Result<()> {
    let mut date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let mut taken = 0;
    while taken < days {
        if chrono::Datelike::weekday(&date).number_from_monday() <= 5 {
            for (c, class) in class_ids.iter().enumerate() {
                let marks = students[c]
                    .iter()
                    .enumerate()
                    .map(|(i, s)| MarkInput {
                        student_id: *s,
                        code: if (i + taken) % 23 == 0 { "A" } else { "P" }.into(),
                        late_minutes: None,
                        reason: None,
                    })
                    .collect();
                attendance::save_roll(
                    store,
                    &RollInput {
                        class_id: *class,
                        date: date.to_string(),
                        session: String::new(),
                        marks,
                        taken_by: None,
                    },
                )?;
            }
            taken += 1;
        }
        date = date.succ_opt().unwrap_or(date);
    }
    Ok(())
}

/// The floor: the same entries into a plain table of an encrypted SQLite file, one
/// transaction, the store's durability.
fn floor(dir: &std::path::Path, entries: &[rollbook_protocol::Entry]) -> Duration {
    let conn = rusqlite::Connection::open(dir.join("floor.db")).expect("floor db");
    conn.execute_batch(
        "PRAGMA key = \"x'0101010101010101010101010101010101010101010101010101010101010101'\";
         PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE entries (entry_id TEXT PRIMARY KEY, device_id TEXT, seq INTEGER,
             record_type TEXT, record_id TEXT, op TEXT, payload TEXT, hlc INTEGER,
             created_at TEXT) STRICT;",
    )
    .expect("floor schema");
    let t = Instant::now();
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut stmt = conn
            .prepare("INSERT INTO entries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .expect("prepare");
        for e in entries {
            stmt.execute(rusqlite::params![
                e.entry_id,
                e.device_id,
                e.seq,
                e.record_type,
                e.record_id,
                e.op,
                e.payload.get(),
                e.hlc,
                e.created_at
            ])
            .expect("insert");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    t.elapsed()
}

fn main() -> Result<()> {
    let days: usize = std::env::var("ROLLBOOK_BENCH_DAYS")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(48);
    let work = tempfile::tempdir().map_err(|e| rollbook_core::Error::io("temp dir", &e))?;
    let (a_dir, b_dir, cloud_dir) = (
        work.path().join("a"),
        work.path().join("b"),
        work.path().join("cloud"),
    );

    let t = Instant::now();
    let a = Store::open(&a_dir)?;
    let (class_ids, students, term) = set_up(&a)?;
    fees_for_all(&a, &class_ids, &students, term)?;
    attendance_days(&a, &class_ids, &students, days)?;
    let pending = rollbook_core::sync::status(&a)?.pending;
    eprintln!(
        "seeded {pending} entries ({days} days of attendance) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| rollbook_core::Error::io("runtime", &e))?;
    let (running, school_id, store) = rt.block_on(async {
        std::fs::create_dir_all(&cloud_dir).expect("cloud dir");
        let store = Arc::new(SqliteStore::open(&cloud_dir).expect("server store"));
        let school = store
            .create_school("Hillside Academy")
            .await
            .expect("school");
        let running = server::start(
            store.clone(),
            ServeOptions::new("127.0.0.1:0".parse().expect("addr")),
        )
        .await
        .expect("serve");
        (running, school.id, store)
    });
    let code = |rt: &tokio::runtime::Runtime| {
        rt.block_on(store.create_enrol_code(&school_id, None, chrono::Duration::hours(1)))
            .expect("code")
            .code
    };
    let url = running.url();

    let everything = rollbook_core::sync::outgoing(&a, &a.device_id().to_string(), usize::MAX)?;
    let floor_time = floor(work.path(), &everything);

    rollbook_sync::enrol(&a, &url, &code(&rt), "Front office")?;
    let (t, c) = (Instant::now(), cpu());
    let pushed = rollbook_sync::sync_now(&a)?;
    let (push_time, push_cpu) = (t.elapsed(), cpu() - c);

    let b = Store::open(&b_dir)?;
    rollbook_sync::enrol(&b, &url, &code(&rt), "Bursar")?;
    let (t, c) = (Instant::now(), cpu());
    let pulled = rollbook_sync::sync_now(&b)?;
    let (pull_time, pull_cpu) = (t.elapsed(), cpu() - c);
    assert_eq!(
        pulled.pulled, pushed.pushed,
        "the second PC holds everything"
    );

    let n = pushed.pushed as f64;
    let total = push_time + pull_time;
    println!();
    println!(
        "| {} entries, {days} days of attendance | seconds | entries/s | CPU seconds |",
        pushed.pushed
    );
    println!("|---|---:|---:|---:|");
    let row = |what: &str, secs: f64, cpu: Option<f64>| {
        let cpu = cpu.map_or_else(|| "".to_owned(), |c| format!("{c:.2}"));
        println!("| {what} | {secs:.2} | {:.0} | {cpu} |", n / secs);
    };
    row(
        "(a) push, first PC",
        push_time.as_secs_f64(),
        Some(push_cpu),
    );
    row(
        "(b) bootstrap, second PC (pull and apply)",
        pull_time.as_secs_f64(),
        Some(pull_cpu),
    );
    row(
        "(a)+(b) end to end",
        total.as_secs_f64(),
        Some(push_cpu + pull_cpu),
    );
    row(
        "floor: the same rows into SQLite, one transaction",
        floor_time.as_secs_f64(),
        None,
    );
    println!();
    println!(
        "ratio end to end / floor: {:.1}x; target 20,000 entries/s end to end: {}",
        total.as_secs_f64() / floor_time.as_secs_f64(),
        if n / total.as_secs_f64() >= 20_000.0 {
            "met"
        } else {
            "not met"
        }
    );
    rt.block_on(running.stop())
        .map_err(|e| rollbook_core::Error::io("stop", &e))?;
    Ok(())
}

//! Student search on a school of 50,000: as-you-type queries against the real store, with a
//! naive `LIKE '%q%'` scan over the same table as the baseline measured in the same run.
//!
//! `cargo bench -p rollbook-core --bench search` prints a table for docs/BENCHMARKS.md.

mod common;

use std::time::{Duration, Instant};

use rollbook_core::guardians::{GuardianInput, Relation};
use rollbook_core::search;
use rollbook_core::students::{self, StudentInput};
use rollbook_core::{Result, Store};

const STUDENTS: usize = 50_000;
const ROUNDS: usize = 30;

const GIVEN: &[&str] = &[
    "Aarav",
    "Vivaan",
    "Aditya",
    "Ananya",
    "Diya",
    "Saanvi",
    "Ishaan",
    "Kavya",
    "Rohan",
    "Priya",
    "Ravi",
    "Meera",
    "José",
    "María",
    "Zoë",
    "Chloé",
    "Wanjiru",
    "Kamau",
    "Amina",
    "Chinedu",
    "Ngozi",
    "Kwame",
    "Abena",
    "Tendai",
    "Mohammed",
    "Fatima",
    "Ayesha",
    "Omar",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Thabo",
    "Lerato",
    "Siddharth",
    "Nikhil",
];
const FAMILY: &[&str] = &[
    "Sharma",
    "Patel",
    "Kumar",
    "Singh",
    "Reddy",
    "Iyer",
    "Nair",
    "Gupta",
    "Mwangi",
    "Otieno",
    "Okafor",
    "Mensah",
    "Álvarez",
    "García",
    "Müller",
    "O'Brien",
    "Nguyễn",
    "Dlamini",
    "Khan",
    "Hussain",
    "Banerjee",
    "Chatterjee",
    "Mukherjee",
    "Fernandes",
    "D'Souza",
    "Pillai",
    "Menon",
    "Rao",
    "Joshi",
    "Desai",
    "Kariuki",
    "Achieng",
];

fn seed(store: &Store) -> Result<()> {
    common::set_up_school(store)?;
    let mut batch = Vec::with_capacity(5_000);
    for i in 0..STUDENTS {
        let given = GIVEN[i % GIVEN.len()];
        let family = FAMILY[(i / GIVEN.len()) % FAMILY.len()];
        batch.push(StudentInput {
            admission_no: format!("{}/{:05}", 2015 + i % 12, i),
            given_name: given.into(),
            family_name: family.into(),
            guardians: vec![GuardianInput {
                name: format!("Parent {i}"),
                relation: Relation::Mother,
                phone: format!("98{:08}", i * 7 + 1_000_000),
                ..Default::default()
            }],
            ..Default::default()
        });
        if batch.len() == 5_000 {
            students::create_many(store, &batch)?;
            batch.clear();
        }
    }
    students::create_many(store, &batch)?;
    Ok(())
}

/// What a clerk types, keystroke by keystroke.
const QUERIES: &[&str] = &[
    "r",
    "ra",
    "rav",
    "ravi",
    "ravi s",
    "ravi sh",
    "ravi sharma",
    "m",
    "mu",
    "mue",
    "muell",
    "jose",
    "alva",
    "zoe",
    "obrien",
    "2019/",
    "2019/00123",
    "98100",
    "9810000700",
    "wanj",
    "kumar",
    "a",
    "an",
    "ana",
    "anan",
    "ananya p",
    "xyzzy",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn measure(mut f: impl FnMut(&str) -> usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(QUERIES.len() * ROUNDS);
    let mut hits = 0;
    for _ in 0..ROUNDS {
        for q in QUERIES {
            let t = Instant::now();
            hits += f(q);
            times.push(t.elapsed());
        }
    }
    times.sort();
    (times, hits)
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| rollbook_core::Error::io("temp dir", &e))?;
    let store = Store::open(dir.path())?;
    let t = Instant::now();
    seed(&store)?;
    eprintln!(
        "seeded {STUDENTS} students with guardians in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let (ours, _) = measure(|q| {
        search::search(&store, q, search::DEFAULT_LIMIT)
            .map(|h| h.len())
            .unwrap_or(0)
    });

    // The baseline: what a simple implementation does, a LIKE scan over the same rows.
    let conn = rusqlite::Connection::open(dir.path().join(rollbook_core::store::DB_FILE))
        .map_err(rollbook_core::Error::from)?;
    let mut stmt = conn
        .prepare(
            "SELECT s.id FROM students s
             LEFT JOIN student_guardians l ON l.student_id = s.id
             LEFT JOIN guardians g ON g.id = l.guardian_id
             WHERE s.given_name || ' ' || s.family_name LIKE '%' || ?1 || '%'
                OR s.admission_no LIKE ?1 || '%' OR g.phone LIKE '%' || ?1 || '%'
             ORDER BY s.family_name, s.given_name LIMIT 50",
        )
        .map_err(rollbook_core::Error::from)?;
    let (naive, _) = measure(|q| {
        stmt.query_map([q], |_| Ok(()))
            .map(|r| r.count())
            .unwrap_or(0)
    });

    println!(
        "Student search, {STUDENTS} students, {} queries x {ROUNDS} rounds (ms)",
        QUERIES.len()
    );
    println!();
    println!("| | p50 | p99 | max |");
    println!("|---|---:|---:|---:|");
    for (name, t) in [
        ("Rollbook search (ranked, accent-folded, phones)", &ours),
        ("baseline: LIKE '%q%' scan", &naive),
    ] {
        println!(
            "| {name} | {} | {} | {} |",
            ms(percentile(t, 0.5)),
            ms(percentile(t, 0.99)),
            ms(*t.last().unwrap_or(&Duration::ZERO))
        );
    }
    println!();
    println!(
        "p99 ratio, Rollbook / baseline: {:.2}  (target: p99 under 10 ms)",
        percentile(&ours, 0.99).as_secs_f64() / percentile(&naive, 0.99).as_secs_f64()
    );
    let mut worst: Vec<(Duration, &str)> = QUERIES
        .iter()
        .map(|q| {
            let t = Instant::now();
            let _ = search::search(&store, q, search::DEFAULT_LIMIT);
            (t.elapsed(), *q)
        })
        .collect();
    worst.sort();
    let slowest: Vec<String> = worst
        .iter()
        .rev()
        .take(3)
        .map(|(d, q)| format!("\"{q}\" {} ms", ms(*d)))
        .collect();
    println!("slowest single queries: {}", slowest.join(", "));
    Ok(())
}

//! Importing a class list of 10,000 and of 50,000 students from xlsx: `import::read_path` +
//! `import::run` (validated and committed) against a fresh store, next to two figures
//! measured in the same run on the same file:
//!
//! - the floor: calamine alone opening the file and visiting every cell of the sheet;
//! - a bare commit: the floor's reading, each row's cells inserted as they are into one
//!   plain SQLite table (no checks, no index, no encryption) in one transaction, committed
//!   as Rollbook commits (WAL, `synchronous=FULL`): the least an import that commits can do;
//! - the baseline: Python's `pandas.read_excel` + `DataFrame.to_sql` into a new SQLite file
//!   (`scripts/bench_pandas_import.py`; `scripts/bench-setup.sh` installs pandas and
//!   openpyxl, and without them the bench says so and reports the rest).
//!
//! Every run is a child process (this same executable with `--child`), so each starts cold
//! with a fresh store and reports its own peak resident memory (`VmHWM`). Median of 3.
//!
//! `cargo bench -p rollbook-core --bench import` prints a table for docs/BENCHMARKS.md.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use calamine::{DataRef, Xlsx};
use rollbook_core::import::{self, ImportMode, ImportOptions, ImportPhase};
use rollbook_core::{Error, Result, Store};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const SIZES: &[usize] = &[10_000, 50_000];
const RUNS: usize = 3;
const SHEET: &str = "Students";

const GIVEN: &[&str] = &[
    "Aarav", "Vivaan", "Aditya", "Ananya", "Diya", "Saanvi", "Ishaan", "Kavya", "Rohan", "Priya",
    "Ravi", "Meera", "Arjun", "Sai", "Reyansh", "Anika", "Myra", "Kiara", "Vihaan", "Krishna",
    "Aadhya", "Pari", "Atharv", "Riya", "Kabir", "Navya", "Shaurya", "Ira", "Dhruv", "Tanvi",
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
    "Verma",
    "Mehta",
    "Agarwal",
    "Kulkarni",
    "Naidu",
    "Bose",
    "Khan",
];
const FATHER: &[&str] = &[
    "Rajesh", "Suresh", "Ramesh", "Mahesh", "Anil", "Sunil", "Vijay", "Sanjay", "Manoj", "Ashok",
    "Deepak", "Rakesh", "Prakash", "Naveen", "Mohammed",
];
const MOTHER: &[&str] = &[
    "Sunita", "Anita", "Kavita", "Lakshmi", "Meena", "Geeta", "Pooja", "Rekha", "Shalini", "Neha",
    "Divya", "Fatima", "Asha",
];
const AREAS: &[&str] = &[
    "Gandhi Nagar",
    "Nehru Colony",
    "Indira Nagar",
    "MG Road",
    "Shivaji Park",
    "Jubilee Hills",
];
const CITIES: &[&str] = &[
    "Pune",
    "Bengaluru",
    "Hyderabad",
    "Chennai",
    "Lucknow",
    "Jaipur",
];

const HEADERS: [&str; 12] = [
    "Adm No",
    "Student Name",
    "Class",
    "Section",
    "DOB",
    "Gender",
    "Father's Name",
    "Mother's Name",
    "Mobile",
    "Email",
    "Admission Date",
    "Address",
];

fn io(context: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(context, &e)
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the bench file: {e}"))
}

/// A class list as a school office keeps it: one header row, 12 columns, dates as real Excel
/// dates, mobiles as numbers, one row in 20 a younger sibling sharing the parents and mobile.
fn write_file(path: &Path, rows: usize) -> Result<()> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(SHEET).map_err(xlsx_err)?;
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(xlsx_err)?;
    }
    let mut family_of = 0usize;
    for i in 0..rows {
        let r = i as u32 + 1;
        let sibling = i % 20 == 19;
        if !sibling {
            family_of = i;
        }
        let f = family_of;
        let family = FAMILY[(f / GIVEN.len()) % FAMILY.len()];
        let grade = 1 + i % 12;
        let year = 2019 - (grade as i32 - 1) + (i % 2) as i32 - 6;
        let dob = ExcelDateTime::from_ymd(
            u16::try_from(year).unwrap_or(2010),
            1 + (i % 12) as u8,
            1 + (i % 28) as u8,
        )
        .map_err(xlsx_err)?;
        let admitted = ExcelDateTime::from_ymd(2020 + (i % 6) as u16, 4, 1 + (i % 20) as u8)
            .map_err(xlsx_err)?;
        let text: [(u16, String); 8] = [
            (0, format!("{}/{:05}", 2014 + i % 12, i + 1)),
            (1, format!("{} {family}", GIVEN[i % GIVEN.len()])),
            (2, grade.to_string()),
            (3, ["A", "B", "C", "D"][(i / 12) % 4].to_owned()),
            (5, ["M", "F"][i % 2].to_owned()),
            (6, format!("{} {family}", FATHER[f % FATHER.len()])),
            (7, format!("{} {family}", MOTHER[f % MOTHER.len()])),
            (
                11,
                format!(
                    "{}, {} Street, {}, {}",
                    1 + f % 400,
                    1 + f % 37,
                    AREAS[f % AREAS.len()],
                    CITIES[f % CITIES.len()]
                ),
            ),
        ];
        for (c, t) in &text {
            ws.write_string(r, *c, t).map_err(xlsx_err)?;
        }
        ws.write_datetime_with_format(r, 4, dob, &date)
            .map_err(xlsx_err)?;
        // Valid Indian mobiles: 98 followed by eight digits.
        ws.write_number(r, 8, 9_800_000_000.0 + (f as f64) * 7.0)
            .map_err(xlsx_err)?;
        if f % 3 != 2 {
            ws.write_string(r, 9, format!("parent{f}@example.com"))
                .map_err(xlsx_err)?;
        }
        ws.write_datetime_with_format(r, 10, admitted, &date)
            .map_err(xlsx_err)?;
    }
    book.save(path).map_err(xlsx_err)
}

/// Peak resident memory of this process so far, in bytes (`VmHWM`).
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// CPU time (user + system) this process has used so far, in ms, from `/proc/self/stat`
/// (clock ticks of 10 ms): wall-clock figures on a shared machine include other processes'
/// turns, and this says how much of a run was this process's own work.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name, which is in parentheses and may hold spaces.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let utime: f64 = f.get(11)?.parse().ok()?;
            let stime: f64 = f.get(12)?.parse().ok()?;
            Some((utime + stime) * 10.0)
        })
        .unwrap_or(0.0)
}

/// The floor: calamine opening the file and visiting every cell, the least any xlsx import
/// built on it can do. The streaming cell reader (what Rollbook uses), values borrowed.
fn floor(path: &Path) -> Result<serde_json::Value> {
    let (t, cpu) = (Instant::now(), cpu_ms());
    let bad = |e: calamine::XlsxError| Error::internal(format!("calamine: {e}"));
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(bad)?;
    let mut reader = book.worksheet_cells_reader(SHEET).map_err(bad)?;
    let (mut cells, mut bytes) = (0usize, 0usize);
    while let Some(cell) = reader.next_cell().map_err(bad)? {
        cells += 1;
        bytes += match cell.get_value() {
            DataRef::String(s) => s.len(),
            DataRef::SharedString(s) => s.len(),
            DataRef::Empty => 0,
            _ => 8,
        };
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    Ok(serde_json::json!({
        "ms": ms,
        "cpu_ms": cpu_ms() - cpu,
        "cells": cells,
        "bytes": bytes,
        "peak": peak_rss(),
    }))
}

/// A bare commit: the floor's reading, with each row's cells inserted as they come into one
/// table of 12 untyped columns in a new, unencrypted SQLite file, in one transaction with a
/// statement prepared once, committed durably (WAL, `synchronous=FULL`, as Rollbook's store).
/// Nothing is checked, indexed or logged: no import that commits its rows can do less.
fn bare(path: &Path, db: &Path) -> Result<serde_json::Value> {
    use rusqlite::types::Value;
    let (t, cpu) = (Instant::now(), cpu_ms());
    let bad = |e: calamine::XlsxError| Error::internal(format!("calamine: {e}"));
    let mut conn = rusqlite::Connection::open(db)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE rows (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);",
    )?;
    let tx = conn.transaction()?;
    let mut inserted = 0usize;
    {
        let mut insert = tx.prepare(
            "INSERT INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(bad)?;
        let mut reader = book.worksheet_cells_reader(SHEET).map_err(bad)?;
        let mut row: Vec<Value> = vec![Value::Null; 12];
        let mut at = None;
        let mut flush = |row: &mut Vec<Value>| -> Result<()> {
            insert.execute(rusqlite::params_from_iter(row.iter()))?;
            row.iter_mut().for_each(|v| *v = Value::Null);
            inserted += 1;
            Ok(())
        };
        while let Some(cell) = reader.next_cell().map_err(bad)? {
            let (r, c) = cell.get_position();
            if at.is_some_and(|a| a != r) {
                flush(&mut row)?;
            }
            at = Some(r);
            if let Some(slot) = row.get_mut(c as usize) {
                *slot = match cell.get_value() {
                    DataRef::String(s) => Value::Text(s.clone()),
                    DataRef::SharedString(s) => Value::Text((*s).to_owned()),
                    DataRef::Float(f) => Value::Real(*f),
                    DataRef::Int(i) => Value::Integer(*i),
                    DataRef::DateTime(d) => Value::Real(d.as_f64()),
                    DataRef::Bool(b) => Value::Integer(i64::from(*b)),
                    _ => Value::Null,
                };
            }
        }
        if at.is_some() {
            flush(&mut row)?;
        }
    }
    tx.commit()?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    Ok(serde_json::json!({
        "ms": ms,
        "cpu_ms": cpu_ms() - cpu,
        "rows": inserted,
        "peak": peak_rss(),
    }))
}

/// Rollbook: read the file, plan (validate every row against the store) and write it all in
/// one transaction, on a store with nothing but the school in it.
fn rollbook(path: &Path, data_dir: &Path, rows: usize) -> Result<serde_json::Value> {
    let store = Store::open(data_dir)?;
    common::set_up_school(&store)?;
    let options = ImportOptions {
        mode: ImportMode::Upsert,
        create_classes: true,
        ..Default::default()
    };
    let cancel = AtomicBool::new(false);
    let (t, cpu) = (Instant::now(), cpu_ms());
    let book = import::read_path(path)?;
    let read = t.elapsed();
    // Phases from the progress reports: checking (planning) until the first "saving" report,
    // writing until the last, then the commit.
    let (mut saving_from, mut saving_to) = (None, None);
    let outcome = import::run(
        &store,
        &book,
        &options,
        &mut |p| {
            if p.phase == ImportPhase::Saving {
                let now = t.elapsed();
                saving_from.get_or_insert(now);
                saving_to = Some(now);
            }
        },
        &cancel,
    )?;
    let total = t.elapsed();
    let cpu = cpu_ms() - cpu;
    if !outcome.committed || outcome.inserted as usize != rows {
        return Err(Error::internal(format!(
            "the import did not commit {rows} students: {:?} {:?}",
            outcome.file_problems,
            outcome.problems.first()
        )));
    }
    let saving_from = saving_from.unwrap_or(total);
    let saving_to = saving_to.unwrap_or(total);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Ok(serde_json::json!({
        "ms": ms(total),
        "cpu_ms": cpu,
        "read_ms": ms(read),
        "plan_ms": ms(saving_from - read),
        "write_ms": ms(saving_to - saving_from),
        "commit_ms": ms(total - saving_to),
        "classes": outcome.classes_created.len(),
        "peak": peak_rss(),
    }))
}

/// `--child floor FILE`, `--child bare FILE DB` or `--child rollbook FILE DATA_DIR ROWS`: one
/// measured run, printed
/// as one JSON line. `--child write FILE ROWS` only writes the file (to profile a run by hand,
/// e.g. with `perf record`).
fn child(args: &[String]) -> Result<()> {
    let out = match args {
        [case, file] if case == "floor" => floor(Path::new(file))?,
        [case, file, db] if case == "bare" => bare(Path::new(file), Path::new(db))?,
        [case, file, rows] if case == "write" => {
            let rows = rows.parse().map_err(|_| Error::internal("bad row count"))?;
            write_file(Path::new(file), rows)?;
            serde_json::json!({ "rows": rows })
        }
        [case, file, dir, rows] if case == "rollbook" => rollbook(
            Path::new(file),
            Path::new(dir),
            rows.parse().map_err(|_| Error::internal("bad row count"))?,
        )?,
        _ => return Err(Error::internal(format!("bad child arguments {args:?}"))),
    };
    println!("{out}");
    Ok(())
}

fn run_child(args: &[&str]) -> Result<serde_json::Value> {
    let exe = std::env::current_exe().map_err(io("current_exe"))?;
    let out = Command::new(exe)
        .arg("--child")
        .args(args)
        .output()
        .map_err(io("running a child"))?;
    if !out.status.success() {
        return Err(Error::internal(format!(
            "child {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn field(runs: &[serde_json::Value], name: &str) -> Vec<f64> {
    runs.iter().filter_map(|r| r[name].as_f64()).collect()
}

fn max_mb(runs: &[serde_json::Value], name: &str, scale: f64) -> f64 {
    field(runs, name).into_iter().fold(0.0, f64::max) * scale
}

const MB: f64 = 1.0 / (1024.0 * 1024.0);

/// Whether python3 can import pandas and openpyxl; the `Err` says why not and how to fix it.
fn pandas_available() -> std::result::Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import pandas, openpyxl"])
        .output()
    {
        Err(e) => Err(format!("python3 could not be run ({e})")),
        Ok(out) if !out.status.success() => Err(format!(
            "python3 cannot import pandas and openpyxl ({}); install them with \
             scripts/bench-setup.sh (python3 -m pip install pandas openpyxl)",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
                .trim()
        )),
        Ok(_) => Ok(()),
    }
}

fn pandas(file: &Path, out: &Path) -> Result<std::result::Result<serde_json::Value, String>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bench_pandas_import.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg(file)
        .arg(out)
        .output()
        .map_err(io("python3"))?;
    if !run.status.success() {
        return Ok(Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&run.stderr)
        )));
    }
    Ok(Ok(serde_json::from_slice(&run.stdout)?))
}

struct Row {
    rows: usize,
    file_kib: u64,
    floor: Vec<serde_json::Value>,
    bare: Vec<serde_json::Value>,
    ours: Vec<serde_json::Value>,
    theirs: std::result::Result<Vec<serde_json::Value>, String>,
}

fn measure(dir: &Path, rows: usize, python: &std::result::Result<(), String>) -> Result<Row> {
    let file: PathBuf = dir.join(format!("students-{rows}.xlsx"));
    let t = Instant::now();
    write_file(&file, rows)?;
    let file_kib = std::fs::metadata(&file).map_err(io("bench file"))?.len() / 1024;
    eprintln!(
        "{rows} rows: wrote {} ({file_kib} KiB) in {:.1} s",
        file.display(),
        t.elapsed().as_secs_f64()
    );
    let path = file.to_string_lossy().into_owned();
    let mut floor = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        floor.push(run_child(&["floor", &path])?);
    }
    let mut bare = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let db = dir.join(format!("bare-{rows}-{run}.sqlite"));
        let r = run_child(&["bare", &path, &db.to_string_lossy()])?;
        if r["rows"].as_u64() != Some(rows as u64 + 1) {
            return Err(Error::internal(format!("the bare commit wrote {r}")));
        }
        for end in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{end}", db.to_string_lossy()));
        }
        bare.push(r);
    }
    let mut ours = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let data = dir.join(format!("store-{rows}-{run}"));
        let r = run_child(&[
            "rollbook",
            &path,
            &data.to_string_lossy(),
            &rows.to_string(),
        ])?;
        eprintln!("  rollbook run {run}: {r}");
        std::fs::remove_dir_all(&data).map_err(io("removing a store"))?;
        ours.push(r);
    }
    let theirs = match python {
        Err(why) => Err(why.clone()),
        Ok(()) => {
            let mut runs = Vec::with_capacity(RUNS);
            let mut failed = None;
            for run in 0..RUNS {
                let out = dir.join(format!("pandas-{rows}-{run}.sqlite"));
                match pandas(&file, &out)? {
                    Ok(r) => runs.push(r),
                    Err(why) => {
                        failed = Some(why);
                        break;
                    }
                }
                let _ = std::fs::remove_file(&out);
            }
            match failed {
                Some(why) => Err(why),
                None => Ok(runs),
            }
        }
    };
    Ok(Row {
        rows,
        file_kib,
        floor,
        bare,
        ours,
        theirs,
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        return child(&args[at + 1..]);
    }
    let dir = tempfile::tempdir().map_err(io("temp dir"))?;
    let python = pandas_available();
    let mut table = Vec::new();
    for &rows in SIZES {
        table.push(measure(dir.path(), rows, &python)?);
    }

    println!(
        "Import of a 12-column class list from xlsx, median of {RUNS} runs, each in a fresh process with a fresh store"
    );
    println!();
    println!(
        "| rows | floor: calamine reads every cell (ms) | bare commit (ms) | bare / floor | Rollbook read + validate + commit (ms) | ratio to floor | pandas read_excel + to_sql (ms) | ratio to pandas | Rollbook peak (MB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &table {
        let floor = median(field(&r.floor, "ms"));
        let bare = median(field(&r.bare, "ms"));
        let ours = median(field(&r.ours, "ms"));
        let (pandas_ms, pandas_ratio) = match &r.theirs {
            Ok(runs) => {
                let p = median(field(runs, "seconds")) * 1000.0;
                (format!("{p:.0}"), format!("{:.2}", ours / p))
            }
            Err(_) => ("n/a".into(), "n/a".into()),
        };
        println!(
            "| {} | {floor:.0} | {bare:.0} | {:.2} | {ours:.0} | {:.2} | {pandas_ms} | {pandas_ratio} | {:.0} |",
            r.rows,
            bare / floor,
            ours / floor,
            max_mb(&r.ours, "peak", MB)
        );
    }
    println!();
    println!(
        "Rollbook by phase (median ms), CPU time of the floor and of Rollbook (median ms), and \
         peak memory of each (MB, the highest of the runs):"
    );
    println!();
    println!(
        "| rows | file | read | plan | write | commit | floor CPU | Rollbook CPU | floor peak | Rollbook peak | pandas peak |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &table {
        println!(
            "| {} | {} KiB | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {} |",
            r.rows,
            r.file_kib,
            median(field(&r.ours, "read_ms")),
            median(field(&r.ours, "plan_ms")),
            median(field(&r.ours, "write_ms")),
            median(field(&r.ours, "commit_ms")),
            median(field(&r.floor, "cpu_ms")),
            median(field(&r.ours, "cpu_ms")),
            max_mb(&r.floor, "peak", MB),
            max_mb(&r.ours, "peak", MB),
            match &r.theirs {
                Ok(runs) => format!("{:.0}", max_mb(runs, "peak_mb", 1.0)),
                Err(_) => "n/a".into(),
            }
        );
    }
    println!();
    match &python {
        Ok(()) => {
            if let Some(v) = table.iter().find_map(|r| r.theirs.as_ref().ok()?.first()) {
                println!(
                    "baseline: pandas {} with openpyxl {}",
                    v["pandas"].as_str().unwrap_or("?"),
                    v["openpyxl"].as_str().unwrap_or("?")
                );
            }
            for r in &table {
                if let Err(why) = &r.theirs {
                    println!("baseline for {} rows not measured: {why}", r.rows);
                }
            }
        }
        Err(why) => println!("baseline not measured: {why}"),
    }
    let ten = table.iter().find(|r| r.rows == 10_000);
    for r in &table {
        let floor = median(field(&r.floor, "ms"));
        let ratio = median(field(&r.ours, "ms")) / floor;
        println!(
            "{} rows: Rollbook / floor {ratio:.2} (target 1.5: {}); a bare commit / floor {:.2}",
            r.rows,
            if ratio <= 1.5 { "met" } else { "NOT met" },
            median(field(&r.bare, "ms")) / floor
        );
    }
    if let Some(r) = ten {
        let ms = median(field(&r.ours, "ms"));
        println!(
            "10,000 rows in {ms:.0} ms (target under 1,000 ms: {})",
            if ms < 1000.0 { "met" } else { "NOT met" }
        );
    }
    Ok(())
}

//! The student register of a school of 10,000, exported to Excel: `export::student_register`
//! against the real store (median of 5), with Python's XlsxWriter writing the same cells
//! with the same formats as the baseline, measured in the same run.
//!
//! `cargo bench -p rollbook-core --bench export` prints a table for docs/BENCHMARKS.md.
//! The baseline needs `python3` with XlsxWriter: `scripts/bench-setup.sh` installs it.

mod common;

use common::{Baseline, median};

use std::io::Cursor;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use rollbook_core::classes::{self, ClassInput};
use rollbook_core::export;
use rollbook_core::guardians::{GuardianInput, Relation};
use rollbook_core::students::{self, Gender, StudentInput, StudentStatus};
use rollbook_core::{Error, Result, Store};

const STUDENTS: usize = 10_000;
const CLASSES: usize = 24;
const BATCH: usize = 2_500;
const ROUNDS: usize = 5;

const GIVEN: &[&str] = &[
    "Aarav", "Vivaan", "Ananya", "Diya", "Saanvi", "Ishaan", "Kavya", "Rohan", "José", "María",
    "Zoë", "Wanjiru", "Kamau", "Amina", "Chinedu", "Kwame", "Fatima", "Omar", "Liam", "Thabo",
];
const FAMILY: &[&str] = &[
    "Sharma", "Patel", "Kumar", "Singh", "Iyer", "Nair", "Mwangi", "Otieno", "Okafor", "Mensah",
    "Álvarez", "Müller", "O'Brien", "Nguyễn", "Dlamini", "Khan", "D'Souza", "Menon",
];

fn seed(store: &Store) -> Result<()> {
    common::set_up_school(store)?;
    let mut class_ids = Vec::with_capacity(CLASSES);
    for i in 0..CLASSES {
        let c = classes::create(
            store,
            &ClassInput {
                name: format!("Grade {} {}", 1 + i / 2, ["A", "B"][i % 2]),
                ..Default::default()
            },
        )?;
        class_ids.push(c.id);
    }
    let mut batch = Vec::with_capacity(BATCH);
    for i in 0..STUDENTS {
        let family = FAMILY[(i / GIVEN.len()) % FAMILY.len()];
        let mut guardians = vec![GuardianInput {
            name: format!("Parent {i} {family}"),
            relation: Relation::Father,
            phone: format!("98{:08}", i * 2 + 1_000_000),
            email: if i % 3 == 0 {
                format!("parent{i}@example.com")
            } else {
                String::new()
            },
            whatsapp_consent: i % 2 == 0,
            ..Default::default()
        }];
        if i % 2 == 0 {
            guardians.push(GuardianInput {
                name: format!("Mother {i} {family}"),
                relation: Relation::Mother,
                phone: format!("97{:08}", i * 2 + 1_000_001),
                ..Default::default()
            });
        }
        batch.push(StudentInput {
            admission_no: format!("{}/{:05}", 2015 + i % 12, i),
            given_name: GIVEN[i % GIVEN.len()].into(),
            family_name: family.into(),
            dob: format!("{}-{:02}-{:02}", 2008 + i % 12, 1 + i % 12, 1 + i % 28),
            admission_date: format!("{}-04-01", 2020 + i % 6),
            gender: Some([Gender::Male, Gender::Female][i % 2]),
            class_id: Some(class_ids[i % CLASSES]),
            status: if i % 50 == 0 {
                StudentStatus::Left
            } else {
                StudentStatus::Active
            },
            guardians,
        });
        if batch.len() == BATCH {
            students::create_many(store, &batch)?;
            batch.clear();
        }
    }
    students::create_many(store, &batch)?;
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

fn io(context: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(context, &e)
}

/// The register's cells as the baseline's JSON input, read back from Rollbook's own file so
/// both write exactly the same values.
fn cells_json(bytes: &[u8]) -> Result<serde_json::Value> {
    let bad = |e: calamine::XlsxError| Error::internal(format!("reading the register: {e}"));
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(bad)?;
    let range = wb.worksheet_range("Students").map_err(bad)?;
    let rows: Vec<Vec<serde_json::Value>> = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => serde_json::json!(s),
                    Data::Float(f) => serde_json::json!(f),
                    Data::Int(i) => serde_json::json!(i),
                    Data::DateTime(_) => {
                        serde_json::json!({ "date": cell.as_date().map(|d| d.to_string()) })
                    }
                    _ => serde_json::Value::Null,
                })
                .collect()
        })
        .collect();
    Ok(serde_json::json!({
        "sheet": "Students",
        "header_row": 3,
        "date_format": "dd/mm/yyyy",
        "rows": rows,
    }))
}

/// Runs the XlsxWriter baseline; the inner `Err` says why it could not, for the table.
fn xlsxwriter(dir: &Path, bytes: &[u8]) -> Result<std::result::Result<Baseline, String>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bench_xlsxwriter.py");
    let probe = Command::new("python3")
        .args(["-c", "import xlsxwriter"])
        .output();
    match probe {
        Err(e) => return Ok(Err(format!("python3 could not be run ({e})"))),
        Ok(out) if !out.status.success() => {
            return Ok(Err(format!(
                "python3 cannot import xlsxwriter ({}); install it with scripts/bench-setup.sh \
                 (python3 -m pip install XlsxWriter)",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
            )));
        }
        Ok(_) => {}
    }
    let input = dir.join("cells.json");
    let output = dir.join("xlsxwriter.xlsx");
    std::fs::write(&input, serde_json::to_vec(&cells_json(bytes)?)?).map_err(io("cells.json"))?;
    let out = Command::new("python3")
        .arg(&script)
        .arg(&input)
        .arg(&output)
        .arg(ROUNDS.to_string())
        .output()
        .map_err(io("python3"))?;
    if !out.status.success() {
        return Ok(Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let times = report["seconds"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_f64)
                .map(Duration::from_secs_f64)
                .collect()
        })
        .unwrap_or_default();
    Ok(Ok(Baseline {
        times,
        version: report["xlsxwriter"].as_str().unwrap_or("?").to_owned(),
        bytes: std::fs::metadata(&output)
            .map_err(io("xlsxwriter.xlsx"))?
            .len(),
    }))
}

fn main() -> Result<()> {
    let dir = tempfile::tempdir().map_err(io("temp dir"))?;
    let store = Store::open(&dir.path().join("data"))?;
    let t = Instant::now();
    seed(&store)?;
    eprintln!(
        "seeded {STUDENTS} students in {CLASSES} classes in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let mut ours = Vec::with_capacity(ROUNDS);
    let mut bytes = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        bytes = export::student_register(&store)?;
        ours.push(t.elapsed());
    }
    let (best, worst) = (ours.iter().min().copied(), ours.iter().max().copied());
    let ours_median = median(ours);

    println!("Student register export, {STUDENTS} students (16 columns), median of {ROUNDS} (ms)");
    println!();
    println!("| | median | min | max | file |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| Rollbook `export::student_register` (reads the store, writes the xlsx) | {} | {} | {} | {} KiB |",
        ms(ours_median),
        ms(best.unwrap_or_default()),
        ms(worst.unwrap_or_default()),
        bytes.len() / 1024
    );
    common::print_xlsxwriter(xlsxwriter(dir.path(), &bytes)?, ours_median, ms);
    Ok(())
}

//! What every benchmark starts from, and the pieces of their reports they share.

#![allow(dead_code)] // each bench uses some of these

use std::time::Duration;

use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::{Result, Store};

/// Sets up the benchmarks' school: country IN, so phones are Indian mobiles.
pub fn set_up_school(store: &Store) -> Result<()> {
    school::setup(
        store,
        &SetupInput {
            school: SchoolInput {
                name: "Bench School".into(),
                country: "IN".into(),
                time_zone: Some("Asia/Kolkata".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    Ok(())
}

/// A Python XlsxWriter baseline run: its times, version and the file size it wrote.
pub struct Baseline {
    pub times: Vec<Duration>,
    pub version: String,
    pub bytes: u64,
}

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Prints XlsxWriter's row of a `| | median | min | max | file |` table, then the ratio of
/// Rollbook's median to it; or why the baseline was not measured.
pub fn print_xlsxwriter(
    baseline: std::result::Result<Baseline, String>,
    ours_median: Duration,
    ms: fn(Duration) -> String,
) {
    match baseline {
        Ok(b) if !b.times.is_empty() => {
            let (min, max) = (
                b.times.iter().min().copied().unwrap_or_default(),
                b.times.iter().max().copied().unwrap_or_default(),
            );
            let theirs = median(b.times);
            println!(
                "| baseline: Python XlsxWriter {} (same cells and formats, already in memory) | {} | {} | {} | {} KiB |",
                b.version,
                ms(theirs),
                ms(min),
                ms(max),
                b.bytes / 1024
            );
            println!();
            println!(
                "median ratio, Rollbook / XlsxWriter: {:.2}",
                ours_median.as_secs_f64() / theirs.as_secs_f64()
            );
        }
        Ok(_) => println!("\nbaseline: XlsxWriter reported no timings"),
        Err(why) => println!("\nbaseline not measured: {why}"),
    }
}

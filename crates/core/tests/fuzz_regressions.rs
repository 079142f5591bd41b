//! Hostile and damaged files through the importer: every file in `tests/fuzz_regressions/`
//! (the inputs `cargo fuzz` found crashing, minimised, and hand-made hostile ones), and a
//! few too big to commit, made here. Each must give a workbook that previews, or a refusal
//! that says what is wrong (`UnreadableFile`), within a few seconds and without a panic.
//! See `fuzz/README.md` for how the fuzz targets run and how their crashers land here.

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use rollbook_core::import::{self, ImportOptions};
use rollbook_core::{ErrorCode, Store};

/// The longest one file may take to read and preview (a debug build, tests running at once).
const LIMIT: Duration = Duration::from_secs(10);

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

/// What became of one file.
#[derive(Debug)]
enum Outcome {
    Previewed { rows: u32 },
    Refused(String),
}

/// Reads and previews `bytes`; `Err` says what was wrong with how the importer took it.
fn check(store: &Store, name: &str, bytes: &[u8]) -> Result<Outcome, String> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        import::read_bytes(bytes, name).map(|book| {
            let preview = import::preview(
                store,
                &book,
                &ImportOptions::default(),
                &mut |_| {},
                &AtomicBool::new(false),
            );
            (book, preview)
        })
    }));
    let took = started.elapsed();
    let outcome = match result {
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(format!("{name}: panicked: {why}"));
        }
        Ok(Err(e)) => {
            if e.code != ErrorCode::UnreadableFile {
                return Err(format!("{name}: refused with {:?}: {}", e.code, e.message));
            }
            if e.message.chars().count() <= 20 {
                return Err(format!(
                    "{name}: a refusal too short to help: {:?}",
                    e.message
                ));
            }
            Outcome::Refused(e.message)
        }
        Ok(Ok((_, Err(e)))) => {
            return Err(format!(
                "{name}: read, but the preview failed with {:?}: {}",
                e.code, e.message
            ));
        }
        Ok(Ok((_, Ok(preview)))) => Outcome::Previewed {
            rows: preview.counts.rows,
        },
    };
    if took > LIMIT {
        return Err(format!(
            "{name}: took {took:?} (limit {LIMIT:?}): {outcome:?}"
        ));
    }
    Ok(outcome)
}

fn assert_all(store: &Store, files: &[(String, Vec<u8>)]) -> Vec<Outcome> {
    let mut failures = Vec::new();
    let mut outcomes = Vec::new();
    for (name, bytes) in files {
        match check(store, name, bytes) {
            Ok(o) => {
                println!("{name}: {o:?}");
                outcomes.push(o);
            }
            Err(f) => failures.push(f),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    outcomes
}

#[test]
fn every_committed_regression_previews_or_is_refused_clearly() {
    let (_dir, store) = common::school_store();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(regressions_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the regression files are missing");
    for (name, bytes) in &files {
        assert!(
            bytes.len() < 100 * 1024,
            "{name} is {} bytes: make files this big in the test instead",
            bytes.len()
        );
    }
    assert_all(&store, &files);
}

/// The hand-made hostile files are read as what they are, not merely survived.
#[test]
fn hostile_files_give_the_expected_answers() {
    let (_dir, store) = common::school_store();
    let read = |name: &str| {
        let bytes = std::fs::read(regressions_dir().join(name)).unwrap();
        check(&store, name, &bytes).unwrap()
    };
    // The stray cell at XFD1048576 is ignored, and said so; the class list above it reads.
    let book = import::read_bytes(
        &std::fs::read(regressions_dir().join("xlsx-cell-at-XFD1048576.xlsx")).unwrap(),
        "x.xlsx",
    )
    .unwrap();
    assert_eq!(book.file().sheets[0].columns, 3);
    assert!(matches!(
        read("xlsx-cell-at-XFD1048576.xlsx"),
        Outcome::Previewed { rows: 2 }
    ));
    // 32 MB of whitespace packed into 34 KB: no spreadsheet packs like that, so the file is
    // refused from its zip directory rather than streamed through.
    match read("xlsx-huge-dimension-bomb.xlsx") {
        Outcome::Refused(m) => assert!(m.contains("times tighter than it unpacks"), "{m}"),
        other => panic!("{other:?}"),
    }
    // LibreOffice writes the empty rows below the data as one row repeated to the sheet's
    // end; that reads (the row after them is past MAX_ROWS, ignored and said so). A million
    // rows of a thousand real cells each is refused.
    assert!(matches!(
        read("ods-empty-rows-repeated-1048570.ods"),
        Outcome::Previewed { rows: 1 }
    ));
    for damaged in [
        "ods-number-rows-repeated-1000000.ods",
        "zip-truncated-half.xlsx",
        "zip-local-header-only.xlsx",
        "ods-truncated.ods",
        "cfb-magic-only.xls",
        "cfb-header-garbage.xls",
        "xls-cfb-sector-chain-past-eof.xls",
    ] {
        assert!(matches!(read(damaged), Outcome::Refused(_)), "{damaged}");
    }
    match read("xls-cfb-sector-chain-past-eof.xls") {
        Outcome::Refused(m) => assert!(m.starts_with("The file is damaged"), "{m}"),
        other => panic!("{other:?}"),
    }
    // An xlsb (calamine's date.xlsb) whose last row is moved to XFD1048576: streamed cell by
    // cell, the far cell is ignored and said so, instead of a grid of 17 billion cells.
    let book = import::read_bytes(
        &std::fs::read(regressions_dir().join("xlsb-cell-at-XFD1048576.xlsb")).unwrap(),
        "x.xlsb",
    )
    .unwrap();
    assert_eq!(book.file().format, "xlsb");
    assert!(book.file().sheets[0].rows < 10, "{:?}", book.file().sheets);
    // Small files made to take gigabytes: each refused before the reader allocates, saying why.
    for (bomb, says) in [
        (
            "xlsx-part-packed-1000-times.xlsx",
            "packed 1028 times tighter",
        ),
        (
            "xlsx-styles-larger-than-declared.xlsx",
            "holds more than the 2000 bytes it declares",
        ),
        (
            "ods-stray-cell-at-AX1000003.ods",
            "spans 1000003 rows by 50 columns",
        ),
        (
            "xls-stray-cell-at-IV65536.xls",
            "spans 65536 rows by 256 columns",
        ),
        (
            "xls-dimensions-four-billion-rows.xls",
            "is marked as spanning 281470681677825 cells",
        ),
    ] {
        match read(bomb) {
            Outcome::Refused(m) => assert!(m.contains(says), "{bomb}: {m}"),
            other => panic!("{bomb}: {other:?}"),
        }
    }
    match read("empty-file") {
        Outcome::Refused(m) => assert!(m.contains("is empty"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// Inputs too big to commit: a 5 MB cell, a file one byte over the limit, 10,000 columns
/// of numbers, a UTF-16 file of one long line, a deep pile of quotes.
#[test]
fn big_generated_inputs_are_bounded() {
    let (_dir, store) = common::school_store();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    let mut one_cell = b"Adm No,Student Name,Class\nA-1,".to_vec();
    one_cell.extend(std::iter::repeat_n(b'x', 5 * 1024 * 1024));
    one_cell.extend(b",5 B\n");
    files.push(("csv-5mb-cell.csv".into(), one_cell));

    let mut quoted = b"Adm No,Student Name\nA-1,\"".to_vec();
    quoted.extend(std::iter::repeat_n(b'"', 2 * 1024 * 1024));
    files.push(("csv-2mb-of-quotes.csv".into(), quoted));

    let wide: String = (0..10_000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(";");
    files.push((
        "csv-10000-numbers.csv".into(),
        format!("Adm No;Student Name;{wide}\n1;Aarav;{wide}\n").into_bytes(),
    ));

    let mut utf16 = vec![0xFF, 0xFE];
    let line = format!("Adm No\tStudent Name\n1\t{}\n", "é".repeat(1_000_000));
    utf16.extend(line.encode_utf16().flat_map(u16::to_le_bytes));
    files.push(("utf16-one-long-line.txt".into(), utf16));

    let mut binary = vec![0u8; 3 * 1024 * 1024];
    binary[..4].copy_from_slice(b"PK\x03\x04");
    files.push(("zip-3mb-of-zeros.xlsx".into(), binary));

    let over = usize::try_from(import::MAX_FILE_BYTES).unwrap() + 1;
    files.push(("over-the-limit.csv".into(), vec![b'a'; over]));

    let outcomes = assert_all(&store, &files);
    assert!(matches!(&outcomes[0], Outcome::Previewed { rows: 1 }));
    assert!(matches!(&outcomes[5], Outcome::Refused(m) if m.contains("MB")));
}

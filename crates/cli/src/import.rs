//! `rollbook import`: the same import as the desktop wizard, for scripts. Exit code 0 only
//! when the import committed (for `--dry-run`: when it would commit).

use std::io::IsTerminal;
use std::sync::atomic::AtomicBool;

use rollbook_core::import::{
    self, ImportMode, ImportOptions, ImportOutcome, ImportPreview, RowAction,
};
use rollbook_core::{Error, ErrorCode, Result, Store};

use crate::args::ImportArgs;
use crate::output::{json, table};

pub fn run(store: &Store, args: &ImportArgs, as_json: bool) -> Result<()> {
    let mode = match args.mode.to_ascii_lowercase().as_str() {
        "insert" => ImportMode::Insert,
        "update" => ImportMode::Update,
        "upsert" => ImportMode::Upsert,
        other => {
            return Err(Error::validation(
                "--mode",
                format!("\"{other}\" is not a mode (insert, update or upsert)"),
            ));
        }
    };
    let options = ImportOptions {
        sheet: args.sheet.clone(),
        mode,
        create_classes: args.create_classes,
        skip_bad_rows: args.skip_bad_rows,
        mapping: None,
        header_row: args.header_row,
    };
    let book = import::read_path(&args.file)?;
    let cancel = AtomicBool::new(false);
    let show_progress = !as_json && std::io::stderr().is_terminal();
    let mut progress = |p: import::ImportProgress| {
        if show_progress && p.total > 0 {
            eprint!("\r{:?}: {}/{} rows   ", p.phase, p.done, p.total);
        }
    };
    if args.dry_run {
        let preview = import::preview(store, &book, &options, &mut progress, &cancel)?;
        if show_progress {
            eprintln!();
        }
        if as_json {
            json(&preview)?;
        } else {
            print_preview(&preview);
        }
        return if preview.can_import {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::Validation,
                "The import would not write anything (see above).",
            ))
        };
    }
    let outcome = import::run(store, &book, &options, &mut progress, &cancel)?;
    if show_progress {
        eprintln!();
    }
    if as_json {
        json(&outcome)?;
    } else {
        print_outcome(&outcome);
    }
    if outcome.committed {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::Validation, "Nothing was imported."))
    }
}

fn print_preview(p: &ImportPreview) {
    println!(
        "{} ({}), sheet \"{}\", headers on row {}",
        p.file.file_name, p.file.format, p.sheet, p.header_row
    );
    for c in &p.columns {
        let field = c.field.map(|f| f.header()).unwrap_or("(not imported)");
        println!("  {} {:<28} -> {field}", c.letter, c.header);
    }
    for f in &p.file_problems {
        println!("problem: {f}");
    }
    for n in &p.notes {
        println!("note: {n}");
    }
    if !p.missing_classes.is_empty() {
        println!(
            "classes that do not exist (--create-classes makes them): {}",
            p.missing_classes.join(", ")
        );
    }
    println!(
        "would insert {}, update {}, leave {} unchanged; {} row(s) with problems",
        p.counts.insert, p.counts.update, p.counts.unchanged, p.counts.error
    );
    for r in p.rows.iter().filter(|r| r.action == RowAction::Update) {
        println!(
            "  row {}: update {} ({})",
            r.row,
            r.admission_no,
            r.changes.join(", ")
        );
    }
    print_problems(p.rows.iter().flat_map(|r| r.problems.iter()));
}

fn print_outcome(o: &ImportOutcome) {
    if o.committed {
        println!(
            "Imported: {} inserted, {} updated, {} unchanged, {} skipped{} in {} ms",
            o.inserted,
            o.updated,
            o.unchanged,
            o.skipped,
            if o.classes_created.is_empty() {
                String::new()
            } else {
                format!(", classes created: {}", o.classes_created.join(", "))
            },
            o.duration_ms
        );
    } else {
        println!("Nothing was imported.");
    }
    for f in &o.file_problems {
        println!("problem: {f}");
    }
    print_problems(o.problems.iter());
}

fn print_problems<'a>(problems: impl Iterator<Item = &'a import::CellProblem>) {
    for p in problems {
        let at = match (&p.column, &p.header) {
            (Some(c), Some(h)) => format!("row {}, column {c} ({h})", p.row),
            (Some(c), None) => format!("row {}, column {c}", p.row),
            _ => format!("row {}", p.row),
        };
        println!("  {at}: {}", p.message);
    }
}

/// `rollbook imports`: every import, newest first, with who made it.
pub fn history(store: &Store, as_json: bool) -> Result<()> {
    let records = import::history(store)?;
    if as_json {
        return json(&records);
    }
    if records.is_empty() {
        println!("No imports yet.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                r.imported_at.clone(),
                r.user_name.clone().unwrap_or_else(|| "-".into()),
                r.file_name.clone(),
                r.inserted.to_string(),
                r.updated.to_string(),
                r.skipped.to_string(),
                match (&r.undone_at, r.can_undo) {
                    (Some(at), _) => format!("undone {at}"),
                    (None, true) => "can be undone".into(),
                    (None, false) => String::new(),
                },
            ]
        })
        .collect();
    table(
        &["WHEN", "BY", "FILE", "ADDED", "UPDATED", "SKIPPED", "UNDO"],
        &rows,
    );
    Ok(())
}

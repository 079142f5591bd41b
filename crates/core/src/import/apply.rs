//! Previewing and running an import. The run plans again inside its write transaction (so
//! it works on the store as it is then), writes every row or none, and records itself in
//! the history with what it did, for undo. A killed process leaves no half import: SQLite
//! rolls the open transaction back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::history::{self, NewImport};
use super::plan::{self, Plan, Ready};
use super::read::Workbook;
use super::rows::ClassRef;
use super::types::{
    ImportOptions, ImportOutcome, ImportPhase, ImportPreview, ImportProgress, RowAction,
};
use crate::audit::Action;
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Store, Writer};
use crate::users::Permission;

fn cancelled() -> Error {
    Error::new(
        ErrorCode::Cancelled,
        "The import was cancelled; nothing was written.",
    )
}

fn reporter<'a>(
    phase: ImportPhase,
    on_progress: &'a mut dyn FnMut(ImportProgress),
    cancel: &'a AtomicBool,
) -> impl FnMut(u32, u32) -> Result<()> + 'a {
    move |done, total| {
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        on_progress(ImportProgress { phase, done, total });
        Ok(())
    }
}

/// The dry run: everything the import would do and every problem, writing nothing.
pub fn preview(
    store: &Store,
    book: &Workbook,
    options: &ImportOptions,
    on_progress: &mut dyn FnMut(ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportPreview> {
    store.require(Permission::ImportStudents)?;
    let mut progress = reporter(ImportPhase::Checking, on_progress, cancel);
    store.read(|c| plan::plan(c, book, options, &mut progress).map(|p| p.preview))
}

/// Imports: all rows or none (or the good rows only, with `skip_bad_rows`), in one
/// transaction. Returns `committed: false` with the reasons when nothing was written.
pub fn run(
    store: &Store,
    book: &Workbook,
    options: &ImportOptions,
    on_progress: &mut dyn FnMut(ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportOutcome> {
    store.require(Permission::ImportStudents)?;
    let started = Instant::now();
    let device = store.device_id();
    let result = store.write(|w| {
        let plan = {
            let mut progress = reporter(ImportPhase::Checking, on_progress, cancel);
            plan::plan(w.conn(), book, options, &mut progress)?
        };
        if !plan.preview.can_import {
            return Ok(not_committed(&plan, started));
        }
        let mut progress = reporter(ImportPhase::Saving, on_progress, cancel);
        let cache = cache_kib(plan.ready.len());
        crate::store::set_cache(w.conn(), cache, crate::store::CHECKPOINT_PAGES)?;
        write(w, device, book, options, plan, started, &mut progress)
    });
    // Back to the usual page cache, whatever happened.
    let _ = store.usual_cache();
    match result {
        Err(e) if e.code == ErrorCode::Cancelled => Ok(ImportOutcome {
            committed: false,
            import_id: None,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            skipped: 0,
            classes_created: Vec::new(),
            duration_ms: elapsed_ms(started),
            problems: Vec::new(),
            file_problems: vec![e.message],
        }),
        other => other,
    }
}

/// The most page cache an import takes, in KiB.
const IMPORT_CACHE_MAX_KIB: i64 = 128 * 1024;

/// Page cache an imported row's pages take (student, guardians, links, their outbox
/// entries, the search index and the history: some 5 KiB), in KiB, with room to spare.
const KIB_PER_ROW: i64 = 6;

/// The page cache for an import of `rows` rows, in KiB: room for every page it writes when
/// that fits in [`IMPORT_CACHE_MAX_KIB`], so none is spilled before the commit (a spilled
/// page is encrypted, written and read back); the usual cache for a larger import, which
/// would spill anyway (measured: a larger cache gains it nothing and costs its memory).
fn cache_kib(rows: usize) -> i64 {
    let want = i64::try_from(rows)
        .unwrap_or(i64::MAX)
        .saturating_mul(KIB_PER_ROW);
    if want > crate::store::CACHE_KIB && want <= IMPORT_CACHE_MAX_KIB {
        want
    } else {
        crate::store::CACHE_KIB
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn not_committed(plan: &Plan, started: Instant) -> ImportOutcome {
    let p = &plan.preview;
    let mut file_problems = p.file_problems.clone();
    if !p.missing_classes.is_empty() {
        file_problems.push(format!(
            "These classes do not exist: {}. Choose to create them, or add them first.",
            p.missing_classes.join(", ")
        ));
    }
    if p.counts.error > 0 {
        file_problems.push(format!(
            "{} row(s) have problems, so nothing was imported. Fix them, or choose to skip rows with problems.",
            p.counts.error
        ));
    } else if p.counts.insert + p.counts.update == 0 && p.file_problems.is_empty() {
        file_problems.push("Nothing to import: every row is already in Rollbook as it is.".into());
    }
    ImportOutcome {
        committed: false,
        import_id: None,
        inserted: 0,
        updated: 0,
        unchanged: p.counts.unchanged,
        skipped: 0,
        classes_created: Vec::new(),
        duration_ms: elapsed_ms(started),
        problems: p.rows.iter().flat_map(|r| r.problems.clone()).collect(),
        file_problems,
    }
}

fn write(
    w: &mut Writer<'_>,
    device: Id,
    book: &Workbook,
    options: &ImportOptions,
    plan: Plan,
    started: Instant,
    progress: &mut dyn FnMut(u32, u32) -> Result<()>,
) -> Result<ImportOutcome> {
    let import_id = Id::new();
    let seq_from = w.last_seq() + 1;
    let p = &plan.preview;
    let mut record = NewImport {
        id: import_id,
        file_name: &book.file.file_name,
        sha256: &book.file.sha256,
        sheet: &p.sheet,
        mode: options.mode,
        duration_ms: 0,
        inserted: 0,
        updated: 0,
        skipped: p.counts.error,
        classes_created: 0,
        seq_from,
        seq_to: seq_from - 1,
    };
    history::record(w, device, &record)?;
    let mut class_ids: HashMap<String, Id> = HashMap::new();
    let mut classes_created = Vec::new();
    for (key, input) in &plan.new_classes {
        let class = crate::classes::insert(w, input)?;
        class_ids.insert(key.clone(), class.id);
        classes_created.push(class.name);
    }
    let total = u32::try_from(plan.ready.len()).unwrap_or(u32::MAX);
    let (mut inserted, mut updated) = (0u32, 0u32);
    for (i, ready) in plan.ready.into_iter().enumerate() {
        if i % 500 == 0 {
            progress(u32::try_from(i).unwrap_or(u32::MAX), total)?;
        }
        let resolve = |class: &Option<ClassRef>, class_id: &mut Option<Id>| {
            if let Some(ClassRef::Missing { key, .. }) = class {
                *class_id = class_ids.get(key).copied();
            }
        };
        let at_row = |row: u32| {
            move |e: Error| Error {
                message: format!("Row {row}: {}", e.message),
                ..e
            }
        };
        // What was added is found again from the outbox (see history::ITEMS).
        match ready {
            Ready::Insert {
                row,
                mut checked,
                class,
            } => {
                resolve(&class, &mut checked.0.class_id);
                crate::students::insert_checked(w, checked).map_err(at_row(row))?;
                inserted += 1;
            }
            Ready::Update {
                row,
                old,
                mut checked,
                class,
            } => {
                resolve(&class, &mut checked.0.class_id);
                crate::students::update_checked(w, &old, checked).map_err(at_row(row))?;
                let before = serde_json::to_string(&*old)?;
                history::item(w, import_id, "student", old.id, "update", Some(&before))?;
                updated += 1;
            }
        }
    }
    progress(total, total)?;
    history::remember_mapping(w, &plan.signature, &p.columns)?;
    let duration_ms = elapsed_ms(started);
    record.duration_ms = duration_ms;
    record.inserted = inserted;
    record.updated = updated;
    record.classes_created = u32::try_from(classes_created.len()).unwrap_or(u32::MAX);
    record.seq_to = w.last_seq();
    history::record(w, device, &record)?;
    let actor = w.actor().cloned();
    crate::audit::event(
        w,
        actor.as_ref(),
        Action::Import,
        &format!(
            "{} ({}): {inserted} added, {updated} updated, {} skipped",
            book.file.file_name, p.sheet, record.skipped
        ),
    )?;
    let skipped = record.skipped;
    Ok(ImportOutcome {
        committed: true,
        import_id: Some(import_id),
        inserted,
        updated,
        unchanged: p.counts.unchanged,
        skipped,
        classes_created,
        duration_ms,
        problems: p
            .rows
            .iter()
            .filter(|r| r.action == RowAction::Error)
            .flat_map(|r| r.problems.clone())
            .collect(),
        file_problems: Vec::new(),
    })
}

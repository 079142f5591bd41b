//! The import history, remembered column choices, and undoing the last import.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::fields::Field;
use super::types::{ColumnMapping, ImportMode, ImportRecord, UndoSummary};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Store, Writer};
use crate::time::now_utc;
use crate::users::Permission;

pub(crate) fn remembered_mapping(
    c: &Connection,
    signature: &str,
) -> Result<Option<HashMap<u32, Option<Field>>>> {
    let json: Option<String> = c
        .query_row(
            "SELECT mapping FROM import_mappings WHERE signature = ?1",
            [signature],
            |r| r.get(0),
        )
        .optional()?;
    Ok(json
        .and_then(|j| serde_json::from_str::<Vec<(u32, Option<Field>)>>(&j).ok())
        .map(|v| v.into_iter().collect()))
}

/// Remembers the columns as used, when they differ from what the headers alone say.
pub(crate) fn remember_mapping(
    w: &Writer<'_>,
    signature: &str,
    columns: &[ColumnMapping],
) -> Result<()> {
    if columns.iter().all(|c| c.field == c.detected) {
        return Ok(());
    }
    let mapping: Vec<(u32, Option<Field>)> = columns.iter().map(|c| (c.column, c.field)).collect();
    w.conn().execute(
        "INSERT INTO import_mappings (signature, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (signature) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        (signature, serde_json::to_string(&mapping)?, now_utc()),
    )?;
    Ok(())
}

pub(crate) struct NewImport<'a> {
    pub(crate) id: Id,
    pub(crate) file_name: &'a str,
    pub(crate) sha256: &'a str,
    pub(crate) sheet: &'a str,
    pub(crate) mode: ImportMode,
    pub(crate) duration_ms: u64,
    pub(crate) inserted: u32,
    pub(crate) updated: u32,
    pub(crate) skipped: u32,
    pub(crate) classes_created: u32,
    pub(crate) seq_from: i64,
    pub(crate) seq_to: i64,
}

fn mode_str(m: ImportMode) -> &'static str {
    match m {
        ImportMode::Insert => "insert",
        ImportMode::Update => "update",
        ImportMode::Upsert => "upsert",
    }
}

/// Records an import, with the signed-in user who made it: first when it starts (so its items
/// can refer to it), again when it ends.
pub(crate) fn record(w: &Writer<'_>, device: Id, i: &NewImport<'_>) -> Result<()> {
    w.conn().execute(
        "INSERT INTO imports (id, file_name, sha256, sheet, mode, imported_at, duration_ms, inserted, updated,
                              skipped, classes_created, device_id, seq_from, seq_to, user_id, user_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (id) DO UPDATE SET duration_ms = excluded.duration_ms, inserted = excluded.inserted,
             updated = excluded.updated, skipped = excluded.skipped, classes_created = excluded.classes_created,
             seq_to = excluded.seq_to",
        rusqlite::params![
            i.id, i.file_name, i.sha256, i.sheet, mode_str(i.mode), now_utc(),
            i64::try_from(i.duration_ms).unwrap_or(i64::MAX), i.inserted, i.updated, i.skipped, i.classes_created,
            device, i.seq_from, i.seq_to, w.actor().map(|a| a.user_id), w.actor().map(|a| a.name.as_str())
        ],
    )?;
    Ok(())
}

/// What an import wrote, as rows of (record_type, record_id, action, before) for the import
/// `?1`. The records it added are the `insert` entries in its own stretch of the outbox
/// (`seq_from..=seq_to`, written in its one transaction; the outbox is append-only), so they
/// are not written a second time; the records it changed are in `import_items`, with their
/// values from before. Imports made before step 0021 also list their additions there, which
/// the `UNION` folds into the same rows.
const ITEMS: &str = "
    SELECT record_type, record_id, action, before FROM import_items WHERE import_id = ?1
    UNION
    SELECT o.record_type, o.record_id, 'insert', NULL
    FROM imports i JOIN outbox o ON o.seq BETWEEN i.seq_from AND i.seq_to
    WHERE i.id = ?1 AND o.op = 'insert'
      AND o.record_type IN ('class', 'student', 'guardian', 'student_guardian')";

/// Keeps a record an import changed, with its values from before, for undo. (What it added
/// is found from the outbox: see [`ITEMS`].)
pub(crate) fn item(
    w: &Writer<'_>,
    import: Id,
    kind: &str,
    id: Id,
    action: &str,
    before: Option<&str>,
) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT OR IGNORE INTO import_items (import_id, record_type, record_id, action, before) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![import, kind, id, action, before])?;
    Ok(())
}

/// Every import, newest first.
pub fn list(store: &Store) -> Result<Vec<ImportRecord>> {
    store.require(Permission::ImportStudents)?;
    store.read(|c| {
        let undoable = undoable(c)?;
        let mut stmt = c.prepare(
            "SELECT id, file_name, sha256, sheet, mode, imported_at, duration_ms, inserted, updated, skipped,
                    classes_created, device_id, undone_at, user_id, user_name FROM imports ORDER BY imported_at DESC, seq_to DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            let mode: String = r.get(4)?;
            let id: Id = r.get(0)?;
            Ok(ImportRecord {
                id,
                file_name: r.get(1)?,
                sha256: r.get(2)?,
                sheet: r.get(3)?,
                mode: match mode.as_str() {
                    "insert" => ImportMode::Insert,
                    "update" => ImportMode::Update,
                    _ => ImportMode::Upsert,
                },
                imported_at: r.get(5)?,
                duration_ms: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                inserted: r.get(7)?,
                updated: r.get(8)?,
                skipped: r.get(9)?,
                classes_created: r.get(10)?,
                device_id: r.get(11)?,
                undone_at: r.get(12)?,
                user_id: r.get(13)?,
                user_name: r.get(14)?,
                can_undo: undoable == Some(id),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

/// The last import, if it can be undone: not undone yet, and nothing written since touches
/// a record it wrote (an edit, a new guardian link, a photo).
fn undoable(c: &Connection) -> Result<Option<Id>> {
    let last: Option<(Id, i64, Option<String>)> = c
        .query_row(
            "SELECT id, seq_to, undone_at FROM imports ORDER BY seq_to DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, seq_to, None)) = last else {
        return Ok(None);
    };
    let touched: bool = c.query_row(
        &format!(
            "WITH items AS MATERIALIZED ({ITEMS})
             SELECT EXISTS (
                 SELECT 1 FROM outbox o WHERE o.seq > ?2 AND (
                     o.record_id IN (SELECT record_id FROM items)
                     OR json_extract(o.payload, '$.student_id') IN (SELECT record_id FROM items)
                     OR json_extract(o.payload, '$.guardian_id') IN (SELECT record_id FROM items)
                     OR json_extract(o.payload, '$.class_id') IN (SELECT record_id FROM items)))"
        ),
        (id, seq_to),
        |r| r.get(0),
    )?;
    Ok(if touched { None } else { Some(id) })
}

/// Undoes the last import: removes what it added and puts back what it changed, in one
/// transaction (recorded in the outbox like any other change).
pub fn undo_last(store: &Store) -> Result<UndoSummary> {
    store.require(Permission::ImportStudents)?;
    store.write(|w| {
        let Some(import_id) = undoable(w.conn())? else {
            return Err(Error::new(
                ErrorCode::Conflict,
                "The last import cannot be undone: it was undone already, or records it wrote have changed since.",
            ));
        };
        let items: Vec<(String, Id, String, Option<String>)> = w
            .conn()
            .prepare(ITEMS)?
            .query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // The ledger is never rewritten: once fees are charged to a student the import added
        // or moved (a class whose fees were applied), the import stays.
        let charged: bool = w.conn().query_row(
            &format!(
                "WITH items AS ({ITEMS})
                 SELECT EXISTS (SELECT 1 FROM items i JOIN ledger_entries l ON l.student_id = i.record_id
                                WHERE i.record_type = 'student')"
            ),
            [import_id],
            |r| r.get(0),
        )?;
        if charged {
            return Err(Error::new(
                ErrorCode::Conflict,
                "The last import cannot be undone: fees have been charged to students it added or \
                 moved, and the fee ledger is never rewritten. Correct those students one by one.",
            ));
        }
        let (mut removed, mut restored) = (0u32, 0u32);
        // Links first, then students, then guardians and classes nothing uses any more.
        for kind in ["student_guardian", "student", "guardian", "class"] {
            for (_, id, action, before) in items.iter().filter(|(k, ..)| k == kind) {
                match (kind, action.as_str()) {
                    ("student_guardian", _) => crate::guardians::unlink(w, *id)?,
                    ("student", "insert") => {
                        crate::students::delete(w, *id)?;
                        removed += 1;
                    }
                    ("student", _) => {
                        let old: crate::students::Student = serde_json::from_str(before.as_deref().unwrap_or("null"))
                            .map_err(|e| Error::internal(format!("import item unreadable: {e}")))?;
                        crate::students::restore(w, &old)?;
                        restored += 1;
                    }
                    ("guardian", _) => crate::guardians::delete_if_unused(w, *id)?,
                    ("class", _) => crate::classes::delete_if_unused(w, *id)?,
                    _ => {}
                }
            }
        }
        w.conn().execute("UPDATE imports SET undone_at = ?2 WHERE id = ?1", (import_id, now_utc()))?;
        Ok(UndoSummary { import_id, removed, restored })
    })
}

//! Step 0021's second half: three CHECK constraints written as `x IN ('a', 'b', 'c')`
//! (`outbox.op`, `students.gender`, `students.status`) rewritten as `x = 'a' OR x = 'b' OR
//! x = 'c'`, which means the same, NULL included. SQLite evaluates an IN list of three or
//! more constants by building a temporary b-tree of them, once per row checked: for every
//! student an import writes, seven such trees (the student's two checks and five outbox
//! entries'), some 5% of an import's time.
//!
//! A CHECK constraint lives only in the table's `CREATE TABLE` text, not in the stored rows,
//! so it is changed in place by SQLite's documented procedure for changes that leave the
//! stored content as it is (<https://www.sqlite.org/lang_altertable.html#otheralter>):
//! the text in `sqlite_schema` is edited under `writable_schema`, and the schema version is
//! moved on so every connection reads it again. Rebuilding the two tables instead would
//! copy the whole outbox (hundreds of thousands of entries at a school with attendance),
//! re-encrypting every page, and would have to drop and remake the outbox's append-only
//! triggers and, for `students`, run with foreign keys off (which cannot be switched inside
//! the migration's transaction) while a dozen tables refer to it. Each edit must match the
//! text exactly once, and the changed schema must read back, or the step fails and its
//! transaction rolls back, leaving the database as it was.

use rusqlite::Transaction;
use rusqlite_migration::{HookError, HookResult};

/// (table, the constraint as written, the same constraint as comparisons).
const REWRITES: &[(&str, &str, &str)] = &[
    (
        "outbox",
        "CHECK (op IN ('insert', 'update', 'delete'))",
        "CHECK (op = 'insert' OR op = 'update' OR op = 'delete')",
    ),
    (
        "students",
        "CHECK (gender IN ('male', 'female', 'other'))",
        "CHECK (gender = 'male' OR gender = 'female' OR gender = 'other')",
    ),
    (
        "students",
        "CHECK (status IN ('active', 'left', 'graduated'))",
        "CHECK (status = 'active' OR status = 'left' OR status = 'graduated')",
    ),
];

fn table_sql(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<String> {
    tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )
}

/// The migration hook: rewrites [`REWRITES`] in the schema, inside the step's transaction.
pub(super) fn as_comparisons(tx: &Transaction<'_>) -> HookResult {
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    for (table, from, _) in REWRITES {
        let found = table_sql(tx, table)?.matches(from).count();
        if found != 1 {
            return Err(HookError::Hook(format!(
                "the {table} table's constraint {from} was found {found} times, not once"
            )));
        }
    }
    tx.pragma_update(None, "writable_schema", true)?;
    let edited = REWRITES.iter().try_for_each(|(table, from, to)| {
        tx.execute(
            "UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3) WHERE type = 'table' AND name = ?1",
            (table, from, to),
        )
        .map(|_| ())
    });
    let bumped = edited.and_then(|()| tx.pragma_update(None, "schema_version", version + 1));
    // Off again whatever happened; a failed edit rolls back with the transaction.
    tx.pragma_update(None, "writable_schema", false)?;
    bumped?;
    for (table, _, to) in REWRITES {
        if !table_sql(tx, table)?.contains(to) {
            return Err(HookError::Hook(format!(
                "the {table} table's constraint was not rewritten"
            )));
        }
        // The edited text parses: a statement on the table prepares against it.
        tx.prepare(&format!("SELECT * FROM {table} LIMIT 0"))?;
    }
    Ok(())
}

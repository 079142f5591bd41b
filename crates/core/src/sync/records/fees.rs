//! Fee setup: heads (`fee_heads`), the structure (`fee_structures`), optional heads taken
//! (`student_fee_heads`), concessions (`concessions`) and which structures were applied
//! (`fee_applications`). None of these posts ledger entries here: the charges and
//! concessions the other device posted arrive as its own ledger entries.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value, json};

use super::{Values, clash, guarded_delete, name_of, object};
use crate::error::{Error, Result};
use crate::fees::{ConcessionKind, FineKind, StructureLine};
use crate::id::Id;
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `fee_head`: the payload is [`crate::fees::FeeHead`] (id, name, optional).
pub(super) struct FeeHead;

impl Replica for FeeHead {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        conn.prepare_cached("SELECT id, name, optional FROM fee_heads WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(crate::fees::FeeHead {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    optional: r.get(2)?,
                })
            })
            .optional()?
            .map(|h| object(&h))
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "fee_head", id, values);
        let name: String = v.req("name")?;
        let optional: bool = v.or("optional", false)?;
        let other: Option<Id> = conn
            .query_row(
                "SELECT id FROM fee_heads WHERE name = ?1 AND id <> ?2",
                rusqlite::params![name, id],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(clash(
                "fee_head",
                "name",
                format!("This computer already has another fee head called {name}"),
            ));
        }
        conn.execute(
            "INSERT INTO fee_heads (id, name, optional, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, optional = excluded.optional,
                 updated_at = excluded.updated_at",
            rusqlite::params![id, name, optional, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        guarded_delete(
            conn,
            "fee_head",
            id,
            || Ok(()),
            "DELETE FROM fee_heads WHERE id = ?1",
        )?;
        Ok(())
    }
}

/// `fee_structure`: the payload is [`StructureLine`] (id, class_id, class_name, term_id,
/// term_name, head_id, head_name, optional, amount, due_date, fine_kind, fine_amount,
/// fine_cap), for inserts and updates alike. The names and `optional` are read from the
/// class, term and head here; only the line's own fields are stored.
///
/// A class, term and head have one line. When two devices each added the line for the same
/// three while apart, the line with the smaller id (the one made first) is kept on every
/// device and the other is dropped (its charges, already posted, stay in the ledger).
pub(super) struct FeeStructure;

impl Replica for FeeStructure {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let line = conn
            .prepare_cached(
                "SELECT s.id, s.class_id, coalesce(c.name, ''), s.term_id, coalesce(t.name, ''),
                        s.head_id, coalesce(h.name, ''), coalesce(h.optional, 0), s.amount,
                        s.due_date, s.fine_kind, s.fine_amount, s.fine_cap
                 FROM fee_structures s LEFT JOIN classes c ON c.id = s.class_id
                      LEFT JOIN terms t ON t.id = s.term_id LEFT JOIN fee_heads h ON h.id = s.head_id
                 WHERE s.id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    StructureLine {
                        id: r.get(0)?,
                        class_id: r.get(1)?,
                        class_name: r.get(2)?,
                        term_id: r.get(3)?,
                        term_name: r.get(4)?,
                        head_id: r.get(5)?,
                        head_name: r.get(6)?,
                        optional: r.get(7)?,
                        amount: r.get(8)?,
                        due_date: r.get(9)?,
                        fine_kind: FineKind::None,
                        fine_amount: r.get(11)?,
                        fine_cap: r.get(12)?,
                    },
                    r.get::<_, String>(10)?,
                ))
            })
            .optional()?;
        line.map(|(mut line, fine_kind)| {
            line.fine_kind = serde_json::from_value(Value::String(fine_kind.clone()))
                .map_err(|_| Error::internal(format!("stored fine kind {fine_kind:?}")))?;
            object(&line)
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "fee_structure", id, values);
        let class_id: Id = v.req("class_id")?;
        let term_id: Id = v.req("term_id")?;
        let head_id: Id = v.req("head_id")?;
        let amount: i64 = v.req("amount")?;
        let due_date: Option<NaiveDate> = v.opt("due_date")?;
        let fine_kind: FineKind = v.or("fine_kind", FineKind::None)?;
        let fine_amount: i64 = v.or("fine_amount", 0)?;
        let fine_cap: i64 = v.or("fine_cap", 0)?;
        for (key, n) in [
            ("amount", amount),
            ("fine_amount", fine_amount),
            ("fine_cap", fine_cap),
        ] {
            if n < 0 {
                return Err(v.bad(key, "a negative amount"));
            }
        }
        let twin: Option<Id> = conn
            .prepare_cached(
                "SELECT id FROM fee_structures
                 WHERE class_id = ?1 AND term_id = ?2 AND head_id = ?3 AND id <> ?4",
            )?
            .query_row(rusqlite::params![class_id, term_id, head_id, id], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(twin) = twin {
            if twin < id {
                tracing::warn!(%id, kept = %twin, "a second fee structure line for the same class, term and head was dropped");
                return Ok(());
            }
            conn.execute("DELETE FROM fee_structures WHERE id = ?1", [twin])?;
        }
        conn.prepare_cached(
            "INSERT INTO fee_structures (id, class_id, term_id, head_id, amount, due_date,
                                         fine_kind, fine_amount, fine_cap, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
             ON CONFLICT (id) DO UPDATE SET class_id = excluded.class_id,
                 term_id = excluded.term_id, head_id = excluded.head_id, amount = excluded.amount,
                 due_date = excluded.due_date, fine_kind = excluded.fine_kind,
                 fine_amount = excluded.fine_amount, fine_cap = excluded.fine_cap,
                 updated_at = excluded.updated_at",
        )?
        .execute(rusqlite::params![
            id,
            class_id,
            term_id,
            head_id,
            amount,
            due_date,
            name_of(&fine_kind)?,
            fine_amount,
            fine_cap,
            now_utc()
        ])?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM fee_structures WHERE id = ?1", [id])?;
        Ok(())
    }
}

/// `student_fee_head`, under `Id::derived("student_fee_head", [student_id, head_id])`: the
/// payload is `{student_id, head_id}`. The table has no id column: the record is found by
/// deriving the id of each row.
pub(super) struct StudentFeeHead;

fn taken_id(student_id: Id, head_id: Id) -> Id {
    Id::derived(
        "student_fee_head",
        &[&student_id.to_string(), &head_id.to_string()],
    )
}

fn find_taken(conn: &Connection, id: Id) -> Result<Option<(Id, Id)>> {
    let mut stmt = conn.prepare_cached("SELECT student_id, head_id FROM student_fee_heads")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, Id>(1)?)))?;
    for row in rows {
        let (student, head) = row?;
        if taken_id(student, head) == id {
            return Ok(Some((student, head)));
        }
    }
    Ok(None)
}

impl Replica for StudentFeeHead {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        find_taken(conn, id)?
            .map(|(student_id, head_id)| {
                object(&json!({ "student_id": student_id, "head_id": head_id }))
            })
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "student_fee_head", id, values);
        let student_id: Id = v.req("student_id")?;
        let head_id: Id = v.req("head_id")?;
        if taken_id(student_id, head_id) != id {
            return Err(v.bad(
                "head_id",
                "the student and head do not make the record's id",
            ));
        }
        conn.execute(
            "INSERT OR IGNORE INTO student_fee_heads (student_id, head_id, created_at)
             VALUES (?1, ?2, ?3)",
            rusqlite::params![student_id, head_id, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        if let Some((student, head)) = find_taken(conn, id)? {
            conn.execute(
                "DELETE FROM student_fee_heads WHERE student_id = ?1 AND head_id = ?2",
                rusqlite::params![student, head],
            )?;
        }
        Ok(())
    }
}

/// `concession`: the payload is [`crate::fees::Concession`] (id, student_id, head_id, kind,
/// value, reason).
pub(super) struct Concession;

impl Replica for Concession {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        let row: Option<(crate::fees::Concession, String)> = conn
            .prepare_cached(
                "SELECT id, student_id, head_id, kind, value, reason FROM concessions
                 WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    crate::fees::Concession {
                        id: r.get(0)?,
                        student_id: r.get(1)?,
                        head_id: r.get(2)?,
                        kind: ConcessionKind::Fixed,
                        value: r.get(4)?,
                        reason: r.get(5)?,
                    },
                    r.get(3)?,
                ))
            })
            .optional()?;
        row.map(|(mut c, kind)| {
            c.kind = serde_json::from_value(Value::String(kind.clone()))
                .map_err(|_| Error::internal(format!("stored concession kind {kind:?}")))?;
            object(&c)
        })
        .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "concession", id, values);
        let student_id: Id = v.req("student_id")?;
        let head_id: Option<Id> = v.opt("head_id")?;
        let kind: ConcessionKind = v.req("kind")?;
        let value: i64 = v.req("value")?;
        let reason: String = v.or("reason", String::new())?;
        if value <= 0 {
            return Err(v.bad("value", "not more than 0"));
        }
        conn.execute(
            "INSERT INTO concessions (id, student_id, head_id, kind, value, reason, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET student_id = excluded.student_id,
                 head_id = excluded.head_id, kind = excluded.kind, value = excluded.value,
                 reason = excluded.reason",
            rusqlite::params![
                id,
                student_id,
                head_id,
                name_of(&kind)?,
                value,
                reason,
                now_utc()
            ],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        conn.execute("DELETE FROM concessions WHERE id = ?1", [id])?;
        Ok(())
    }
}

/// `fee_application`, under `Id::derived("fee_application", [class_id, term_id])`: the
/// payload is `{class_id, term_id, pro_rata}`. Students who join the class later here are
/// charged by it.
pub(super) struct FeeApplication;

fn application_id(class_id: Id, term_id: Id) -> Id {
    Id::derived(
        "fee_application",
        &[&class_id.to_string(), &term_id.to_string()],
    )
}

fn find_application(conn: &Connection, id: Id) -> Result<Option<(Id, Id, bool)>> {
    let mut stmt =
        conn.prepare_cached("SELECT class_id, term_id, pro_rata FROM fee_applications")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, Id>(0)?, r.get::<_, Id>(1)?, r.get::<_, bool>(2)?))
    })?;
    for row in rows {
        let (class, term, pro_rata) = row?;
        if application_id(class, term) == id {
            return Ok(Some((class, term, pro_rata)));
        }
    }
    Ok(None)
}

impl Replica for FeeApplication {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        find_application(conn, id)?
            .map(|(class_id, term_id, pro_rata)| {
                object(&json!({ "class_id": class_id, "term_id": term_id, "pro_rata": pro_rata }))
            })
            .transpose()
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "fee_application", id, values);
        let class_id: Id = v.req("class_id")?;
        let term_id: Id = v.req("term_id")?;
        if application_id(class_id, term_id) != id {
            return Err(v.bad("term_id", "the class and term do not make the record's id"));
        }
        let pro_rata: bool = v.or("pro_rata", false)?;
        conn.execute(
            "INSERT INTO fee_applications (class_id, term_id, pro_rata, applied_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (class_id, term_id) DO UPDATE SET pro_rata = excluded.pro_rata",
            rusqlite::params![class_id, term_id, pro_rata, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        if let Some((class, term, _)) = find_application(conn, id)? {
            conn.execute(
                "DELETE FROM fee_applications WHERE class_id = ?1 AND term_id = ?2",
                rusqlite::params![class, term],
            )?;
        }
        Ok(())
    }
}

//! Fee setup: heads, the structure per class and term, optional heads per student and
//! concessions; applying a structure charges every active student of the class (once: the
//! ledger's unique keys say so), and a student who joins a class later is charged then.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::ledger::{NewEntry, append};
use super::{EntryKind, parse_amount};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::{now_utc, parse_optional_date};
use crate::users::Permission;
use crate::validate::Problems;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeeHead {
    pub id: Id,
    pub name: String,
    /// Charged only to students who take it (a transport route).
    pub optional: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeadInput {
    pub name: String,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FineKind {
    #[default]
    None,
    /// A fixed amount once the due date has passed.
    Fixed,
    /// An amount per day after the due date, up to the cap.
    PerDay,
}

impl FineKind {
    fn as_str(self) -> &'static str {
        match self {
            FineKind::None => "none",
            FineKind::Fixed => "fixed",
            FineKind::PerDay => "per_day",
        }
    }

    fn parse(s: &str) -> FineKind {
        match s {
            "fixed" => FineKind::Fixed,
            "per_day" => FineKind::PerDay,
            _ => FineKind::None,
        }
    }
}

/// A line of the fee structure as typed: amounts as text in the school's currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StructureInput {
    pub class_id: Id,
    pub term_id: Id,
    pub head_id: Id,
    pub amount: String,
    /// `YYYY-MM-DD`, or blank for none.
    #[serde(default)]
    pub due_date: String,
    #[serde(default)]
    pub fine_kind: FineKind,
    #[serde(default)]
    pub fine_amount: String,
    /// Blank or 0: no cap.
    #[serde(default)]
    pub fine_cap: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StructureLine {
    pub id: Id,
    pub class_id: Id,
    pub class_name: String,
    pub term_id: Id,
    pub term_name: String,
    pub head_id: Id,
    pub head_name: String,
    pub optional: bool,
    /// Minor units.
    pub amount: i64,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub due_date: Option<NaiveDate>,
    pub fine_kind: FineKind,
    pub fine_amount: i64,
    pub fine_cap: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConcessionKind {
    Percent,
    Fixed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConcessionInput {
    pub student_id: Id,
    /// One head, or every head when none.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub head_id: Option<Id>,
    pub kind: ConcessionKind,
    /// A percentage ("10", "12.5") or an amount ("500.00").
    pub value: String,
    /// Sibling, staff child, scholarship...
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Concession {
    pub id: Id,
    pub student_id: Id,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub head_id: Option<Id>,
    pub kind: ConcessionKind,
    /// Basis points (1000 = 10 %) for a percentage; minor units for a fixed amount.
    pub value: i64,
    pub reason: String,
}

/// What applying a structure did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Applied {
    pub students: u32,
    pub charges: u32,
    pub concessions: u32,
}

fn minor_digits(c: &Connection) -> Result<u8> {
    Ok(crate::school::require(c)?.currency_minor_units)
}

pub(crate) fn school_today(c: &Connection) -> Result<NaiveDate> {
    Ok(crate::school::today_at_school(&crate::school::require(c)?))
}

pub fn add_head(store: &Store, input: &HeadInput) -> Result<FeeHead> {
    store.require(Permission::ManageFees)?;
    let mut p = Problems::default();
    let name = p.required("name", "The fee head's name", &input.name, 60);
    p.finish()?;
    store.write(|w| {
        let exists: bool = w.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM fee_heads WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(Error::conflict(
                "name",
                format!("There is already a fee head called {name}"),
            ));
        }
        let head = FeeHead {
            id: Id::new(),
            name,
            optional: input.optional,
        };
        w.conn().execute(
            "INSERT INTO fee_heads (id, name, optional, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            rusqlite::params![head.id, head.name, head.optional, now_utc()],
        )?;
        w.record(RecordType::FeeHead, head.id, Op::Insert, &head)?;
        Ok(head)
    })
}

pub fn heads(store: &Store) -> Result<Vec<FeeHead>> {
    store.require(Permission::TakePayments)?;
    store.read(|c| {
        Ok(
            c.prepare("SELECT id, name, optional FROM fee_heads ORDER BY name")?
                .query_map([], |r| {
                    Ok(FeeHead {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        optional: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?,
        )
    })
}

/// Sets (adds or replaces) one line of the structure. Charges already made stay as they
/// were; a changed amount is for students charged from now on.
pub fn set_structure(store: &Store, input: &StructureInput) -> Result<StructureLine> {
    store.require(Permission::ManageFees)?;
    store.write(|w| {
        let digits = minor_digits(w.conn())?;
        let mut p = Problems::default();
        let amount = p.take("amount", parse_amount("amount", &input.amount, digits));
        let due_date = p
            .take(
                "due_date",
                parse_optional_date("due_date", Some(&input.due_date)),
            )
            .flatten();
        let money = |p: &mut Problems, field: &str, text: &str| -> i64 {
            if text.trim().is_empty() {
                0
            } else {
                p.take(field, parse_amount(field, text, digits)).unwrap_or(0)
            }
        };
        let fine_amount = money(&mut p, "fine_amount", &input.fine_amount);
        let fine_cap = money(&mut p, "fine_cap", &input.fine_cap);
        if input.fine_kind != FineKind::None {
            if fine_amount == 0 {
                p.add("fine_amount", "Give the fine's amount");
            }
            if due_date.is_none() {
                p.add("due_date", "A late fine needs a due date");
            }
        }
        p.finish()?;
        let amount = amount.ok_or_else(|| Error::internal("validated amount missing"))?;
        let term = term_of(w.conn(), input.term_id)?;
        if let Some(d) = due_date
            && (d < term.1 || d > term.2)
        {
            return Err(Error::validation(
                "due_date",
                format!("The due date must be within the term ({} to {})", term.1, term.2),
            ));
        }
        if crate::classes::load(w.conn(), input.class_id)?.is_none() {
            return Err(Error::not_found("The class"));
        }
        head_of(w.conn(), input.head_id)?;
        let existing: Option<Id> = w
            .conn()
            .query_row(
                "SELECT id FROM fee_structures WHERE class_id = ?1 AND term_id = ?2 AND head_id = ?3",
                rusqlite::params![input.class_id, input.term_id, input.head_id],
                |r| r.get(0),
            )
            .optional()?;
        let id = existing.unwrap_or_default();
        let now = now_utc();
        w.conn().execute(
            "INSERT INTO fee_structures (id, class_id, term_id, head_id, amount, due_date, fine_kind,
                                         fine_amount, fine_cap, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
             ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, due_date = excluded.due_date,
                 fine_kind = excluded.fine_kind, fine_amount = excluded.fine_amount,
                 fine_cap = excluded.fine_cap, updated_at = excluded.updated_at",
            rusqlite::params![
                id,
                input.class_id,
                input.term_id,
                input.head_id,
                amount,
                due_date,
                input.fine_kind.as_str(),
                fine_amount,
                fine_cap,
                now
            ],
        )?;
        let line = load_lines(w.conn(), Some(id), None, None)?
            .pop()
            .ok_or_else(|| Error::internal("structure line not written"))?;
        w.record(
            RecordType::FeeStructure,
            id,
            if existing.is_some() { Op::Update } else { Op::Insert },
            &line,
        )?;
        Ok(line)
    })
}

/// The structure, optionally for one class and/or term.
pub fn structure(
    store: &Store,
    class_id: Option<Id>,
    term_id: Option<Id>,
) -> Result<Vec<StructureLine>> {
    store.require(Permission::TakePayments)?;
    store.read(|c| load_lines(c, None, class_id, term_id))
}

pub(crate) fn load_lines(
    c: &Connection,
    id: Option<Id>,
    class_id: Option<Id>,
    term_id: Option<Id>,
) -> Result<Vec<StructureLine>> {
    Ok(c.prepare_cached(
        "SELECT s.id, s.class_id, c.name, s.term_id, t.name, s.head_id, h.name, h.optional, s.amount,
                s.due_date, s.fine_kind, s.fine_amount, s.fine_cap
         FROM fee_structures s JOIN classes c ON c.id = s.class_id JOIN terms t ON t.id = s.term_id
              JOIN fee_heads h ON h.id = s.head_id
         WHERE (?1 IS NULL OR s.id = ?1) AND (?2 IS NULL OR s.class_id = ?2) AND (?3 IS NULL OR s.term_id = ?3)
         ORDER BY c.name, t.start_date, h.name",
    )?
    .query_map(rusqlite::params![id, class_id, term_id], |r| {
        Ok(StructureLine {
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
            fine_kind: FineKind::parse(&r.get::<_, String>(10)?),
            fine_amount: r.get(11)?,
            fine_cap: r.get(12)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

/// (name, start, end) of a term.
fn term_of(c: &Connection, id: Id) -> Result<(String, NaiveDate, NaiveDate)> {
    c.query_row(
        "SELECT name, start_date, end_date FROM terms WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("The term"))
}

fn head_of(c: &Connection, id: Id) -> Result<FeeHead> {
    c.query_row(
        "SELECT id, name, optional FROM fee_heads WHERE id = ?1",
        [id],
        |r| {
            Ok(FeeHead {
                id: r.get(0)?,
                name: r.get(1)?,
                optional: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("The fee head"))
}

/// Charges every active student of the class for the term's structure (students already
/// charged are not charged again), and remembers that the class has it, so students who
/// join later are charged too (pro rata for the rest of the term when asked).
pub fn apply_structure(
    store: &Store,
    class_id: Id,
    term_id: Id,
    pro_rata: bool,
) -> Result<Applied> {
    store.require(Permission::ManageFees)?;
    store.write(|w| {
        let lines = load_lines(w.conn(), None, Some(class_id), Some(term_id))?;
        if lines.is_empty() {
            return Err(Error::validation(
                "term_id",
                "There is no fee structure for this class and term yet",
            ));
        }
        w.conn().execute(
            "INSERT INTO fee_applications (class_id, term_id, pro_rata, applied_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (class_id, term_id) DO UPDATE SET pro_rata = excluded.pro_rata",
            rusqlite::params![class_id, term_id, pro_rata, now_utc()],
        )?;
        w.record(
            RecordType::FeeApplication,
            Id::derived("fee_application", &[&class_id.to_string(), &term_id.to_string()]),
            Op::Update,
            &serde_json::json!({ "class_id": class_id, "term_id": term_id, "pro_rata": pro_rata }),
        )?;
        let today = school_today(w.conn())?;
        let students: Vec<Id> = crate::attendance::class_students(w.conn(), class_id)?
            .into_iter()
            .map(|s| s.0)
            .collect();
        let mut applied = Applied::default();
        for student in students {
            let (charges, concessions) = charge_student(w, student, &lines, None, today)?;
            applied.students += 1;
            applied.charges += charges;
            applied.concessions += concessions;
        }
        Ok(applied)
    })
}

/// Charges one student for the structure lines (those of optional heads only when they
/// take the head), scaled by `factor` (numerator, denominator) for pro rata; then their
/// concessions on those charges. Lines already charged are left alone.
fn charge_student(
    w: &mut Writer<'_>,
    student_id: Id,
    lines: &[StructureLine],
    factor: Option<(i64, i64)>,
    today: NaiveDate,
) -> Result<(u32, u32)> {
    let mut charges = 0;
    let mut concessions = 0;
    for line in lines {
        if line.optional && !takes_head(w.conn(), student_id, line.head_id)? {
            continue;
        }
        let charged: bool = w
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE kind = 'charge' AND student_id = ?1
                                AND term_id = ?2 AND head_id = ?3 AND source_id = ?4)",
            )?
            .query_row(
                rusqlite::params![student_id, line.term_id, line.head_id, line.id],
                |r| r.get(0),
            )?;
        if charged {
            continue;
        }
        let amount = match factor {
            Some((num, den)) if den > 0 => (line.amount * num + den / 2) / den,
            _ => line.amount,
        };
        if amount <= 0 {
            continue;
        }
        append(
            w,
            NewEntry {
                kind: Some(EntryKind::Charge),
                student_id: Some(student_id),
                term_id: Some(line.term_id),
                head_id: Some(line.head_id),
                source_id: Some(line.id),
                amount,
                due_date: line.due_date,
                entry_date: Some(today),
                ..Default::default()
            },
        )?;
        charges += 1;
        concessions += concede(w, student_id, line.term_id, line.head_id, amount, today)?;
    }
    Ok((charges, concessions))
}

fn takes_head(c: &Connection, student_id: Id, head_id: Id) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM student_fee_heads WHERE student_id = ?1 AND head_id = ?2)",
    )?
    .query_row(rusqlite::params![student_id, head_id], |r| r.get(0))?)
}

/// Posts the student's concessions against a charge of `charged` for a term's head: each
/// concession once, never more in total than the charge.
fn concede(
    w: &mut Writer<'_>,
    student_id: Id,
    term_id: Id,
    head_id: Id,
    charged: i64,
    today: NaiveDate,
) -> Result<u32> {
    let list: Vec<(Id, String, i64, String)> = w
        .conn()
        .prepare_cached(
            "SELECT id, kind, value, reason FROM concessions
             WHERE student_id = ?1 AND (head_id IS NULL OR head_id = ?2) ORDER BY created_at",
        )?
        .query_map(rusqlite::params![student_id, head_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut posted = 0;
    for (id, kind, value, reason) in list {
        let already: i64 = w
            .conn()
            .prepare_cached(
                "SELECT coalesce(sum(amount), 0) FROM ledger WHERE kind = 'concession'
                 AND student_id = ?1 AND term_id = ?2 AND head_id = ?3",
            )?
            .query_row(rusqlite::params![student_id, term_id, head_id], |r| {
                r.get(0)
            })?;
        let exists: bool = w
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE kind = 'concession' AND student_id = ?1
                                AND term_id = ?2 AND head_id = ?3 AND source_id = ?4)",
            )?
            .query_row(rusqlite::params![student_id, term_id, head_id, id], |r| r.get(0))?;
        if exists {
            continue;
        }
        let wanted = if kind == "percent" {
            (charged * value + 5_000) / 10_000
        } else {
            value
        };
        let amount = wanted.min(charged - already);
        if amount <= 0 {
            continue;
        }
        append(
            w,
            NewEntry {
                kind: Some(EntryKind::Concession),
                student_id: Some(student_id),
                term_id: Some(term_id),
                head_id: Some(head_id),
                source_id: Some(id),
                amount,
                reason,
                entry_date: Some(today),
                ..Default::default()
            },
        )?;
        posted += 1;
    }
    Ok(posted)
}

/// Charges a student who has just joined `class_id` (or rejoined it, or taken an optional
/// head) for every term the class's structure was applied to that has not ended: pro rata
/// for the days left when the class was applied that way.
pub(crate) fn on_join_class(w: &mut Writer<'_>, student_id: Id, class_id: Id) -> Result<()> {
    let apps: Vec<(Id, bool, NaiveDate, NaiveDate)> = w
        .conn()
        .prepare_cached(
            "SELECT a.term_id, a.pro_rata, t.start_date, t.end_date FROM fee_applications a
             JOIN terms t ON t.id = a.term_id WHERE a.class_id = ?1",
        )?
        .query_map([class_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if apps.is_empty() {
        return Ok(());
    }
    let today = school_today(w.conn())?;
    for (term_id, pro_rata, start, end) in apps {
        if end < today {
            continue;
        }
        let factor = (pro_rata && today > start).then(|| {
            let left = (end - today).num_days() + 1;
            let all = (end - start).num_days() + 1;
            (left, all)
        });
        let lines = load_lines(w.conn(), None, Some(class_id), Some(term_id))?;
        charge_student(w, student_id, &lines, factor, today)?;
    }
    Ok(())
}

/// Says whether a student takes an optional head (a transport route). Taking it charges
/// them for the terms their class's structure was applied to that have not ended.
pub fn set_optional_head(store: &Store, student_id: Id, head_id: Id, takes: bool) -> Result<()> {
    store.require(Permission::ManageFees)?;
    store.write(|w| {
        let head = head_of(w.conn(), head_id)?;
        if !head.optional {
            return Err(Error::validation(
                "head_id",
                format!("{} is charged to every student; it is not optional", head.name),
            ));
        }
        let student = crate::students::load(w.conn(), student_id)?
            .ok_or_else(|| Error::not_found("The student"))?;
        let record_id = Id::derived("student_fee_head", &[&student_id.to_string(), &head_id.to_string()]);
        if takes {
            let added = w.conn().execute(
                "INSERT OR IGNORE INTO student_fee_heads (student_id, head_id, created_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![student_id, head_id, now_utc()],
            )?;
            if added > 0 {
                w.record(
                    RecordType::StudentFeeHead,
                    record_id,
                    Op::Insert,
                    &serde_json::json!({ "student_id": student_id, "head_id": head_id }),
                )?;
                if let Some(class_id) = student.class_id {
                    on_join_class(w, student_id, class_id)?;
                }
            }
        } else if w.conn().execute(
            "DELETE FROM student_fee_heads WHERE student_id = ?1 AND head_id = ?2",
            rusqlite::params![student_id, head_id],
        )? > 0
        {
            w.record(RecordType::StudentFeeHead, record_id, Op::Delete, &serde_json::Value::Null)?;
        }
        Ok(())
    })
}

/// Adds a concession for a student; it is set against their charges at once (those already
/// made) and against charges made later.
pub fn add_concession(store: &Store, input: &ConcessionInput) -> Result<Concession> {
    store.require(Permission::ManageFees)?;
    store.write(|w| {
        let digits = minor_digits(w.conn())?;
        let mut p = Problems::default();
        let reason = p.required("reason", "The reason", &input.reason, 100);
        let value = match input.kind {
            ConcessionKind::Percent => {
                let bp = p.take("value", parse_amount("value", &input.value, 2));
                if let Some(bp) = bp
                    && !(1..=10_000).contains(&bp)
                {
                    p.add("value", "A percentage must be more than 0 and at most 100");
                }
                bp
            }
            ConcessionKind::Fixed => {
                let v = p.take("value", parse_amount("value", &input.value, digits));
                if v == Some(0) {
                    p.add("value", "The amount must be more than 0");
                }
                v
            }
        };
        p.finish()?;
        let value = value.ok_or_else(|| Error::internal("validated value missing"))?;
        if crate::students::load(w.conn(), input.student_id)?.is_none() {
            return Err(Error::not_found("The student"));
        }
        if let Some(h) = input.head_id {
            head_of(w.conn(), h)?;
        }
        let concession = Concession {
            id: Id::new(),
            student_id: input.student_id,
            head_id: input.head_id,
            kind: input.kind,
            value,
            reason,
        };
        w.conn().execute(
            "INSERT INTO concessions (id, student_id, head_id, kind, value, reason, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                concession.id,
                concession.student_id,
                concession.head_id,
                match concession.kind {
                    ConcessionKind::Percent => "percent",
                    ConcessionKind::Fixed => "fixed",
                },
                concession.value,
                concession.reason,
                now_utc()
            ],
        )?;
        w.record(
            RecordType::Concession,
            concession.id,
            Op::Insert,
            &concession,
        )?;
        // Set it against the charges already made.
        let charged: Vec<(Id, Id, i64)> = w
            .conn()
            .prepare(
                "SELECT term_id, head_id, sum(amount) FROM ledger
                 WHERE kind = 'charge' AND student_id = ?1 AND (?2 IS NULL OR head_id = ?2)
                 GROUP BY term_id, head_id",
            )?
            .query_map(rusqlite::params![input.student_id, input.head_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let today = school_today(w.conn())?;
        for (term_id, head_id, amount) in charged {
            concede(w, input.student_id, term_id, head_id, amount, today)?;
        }
        Ok(concession)
    })
}

/// The name of the active staff member `id` (the cashier), for the ledger; `field` names the
/// input when the id is not on the staff list.
pub(crate) fn staff_name(c: &Connection, id: Option<Id>, field: &str) -> Result<String> {
    match id {
        None => Ok(String::new()),
        Some(id) => match crate::staff::load(c, id)? {
            Some(s) if s.active => Ok(s.name),
            _ => Err(Error::validation(
                field,
                "That person is not on the staff list",
            )),
        },
    }
}

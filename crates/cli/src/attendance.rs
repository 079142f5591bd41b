//! `rollbook attendance ...`: take a roll, show it, a student's percentage.

use std::collections::HashMap;

use rollbook_core::attendance::{self, MarkInput, RollInput};
use rollbook_core::students;
use rollbook_core::{Error, ErrorCode, Id, Result, Store};

use crate::args::AttendanceCommand;
use crate::output::{json, table};
use crate::run::find_class;

pub fn run(store: &Store, cmd: &AttendanceCommand, as_json: bool) -> Result<()> {
    match cmd {
        AttendanceCommand::Mark {
            class,
            date,
            session,
            absent,
            late,
            excused,
            taken_by,
        } => {
            let taken_by = match taken_by {
                Some(name) => Some(
                    rollbook_core::staff::list(store)?
                        .into_iter()
                        .find(|s| s.active && s.name.eq_ignore_ascii_case(name.trim()))
                        .map(|s| s.id)
                        .ok_or_else(|| {
                            Error::validation(
                                "--taken-by",
                                format!("There is no staff member called \"{}\"", name.trim()),
                            )
                        })?,
                ),
                None => None,
            };
            mark(
                store, class, date, session, absent, late, excused, taken_by, as_json,
            )
        }
        AttendanceCommand::Show {
            class,
            date,
            session,
        } => {
            let class = find_class(store, class)?;
            let roll = attendance::get_roll(store, class.id, date, session)?;
            if as_json {
                return json(&roll);
            }
            println!("{}, {} ({})", roll.class.name, roll.date, roll.session);
            let rows = roll
                .entries
                .iter()
                .map(|e| {
                    vec![
                        e.roll_no.to_string(),
                        e.admission_no.clone(),
                        e.name.clone(),
                        match (&e.code, e.late_minutes) {
                            (Some(c), Some(m)) => format!("{c} ({m} min)"),
                            (Some(c), None) => c.clone(),
                            (None, _) => "-".to_owned(),
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["NO", "ADM NO", "NAME", "MARK"], &rows);
            Ok(())
        }
        AttendanceCommand::Student {
            admission_no,
            from,
            to,
        } => {
            let id = student_id(store, admission_no, "admission_no")?;
            let s = attendance::student_summary(store, id, from.as_deref(), to.as_deref())?;
            if as_json {
                return json(&s);
            }
            let t = &s.tally;
            println!(
                "{} to {}: {} school days, {} sessions marked",
                s.from, s.to, s.working_days, t.marked
            );
            println!(
                "present {}, late {}, half-day {}, absent {}, excused {}",
                t.present, t.late, t.half_day, t.absent, t.excused
            );
            match t.percentage {
                Some(p) => println!("attendance: {p:.1}%"),
                None => println!("attendance: nothing marked yet"),
            }
            Ok(())
        }
    }
}

fn student_id(store: &Store, admission_no: &str, flag: &str) -> Result<Id> {
    students::find_by_admission_no(store, admission_no)?
        .map(|d| d.student.id)
        .ok_or_else(|| {
            Error::validation(
                flag,
                format!("No student has admission number {}", admission_no.trim()),
            )
        })
}

#[allow(clippy::too_many_arguments)]
fn mark(
    store: &Store,
    class: &str,
    date: &str,
    session: &str,
    absent: &[String],
    late: &[String],
    excused: &[String],
    taken_by: Option<Id>,
    as_json: bool,
) -> Result<()> {
    let class = find_class(store, class)?;
    let roll = attendance::get_roll(store, class.id, date, session)?;
    let by_adm: HashMap<String, Id> = roll
        .entries
        .iter()
        .map(|e| (e.admission_no.to_lowercase(), e.student_id))
        .collect();
    let find = |adm: &str, flag: &str| -> Result<Id> {
        by_adm
            .get(&adm.trim().to_lowercase())
            .copied()
            .ok_or_else(|| {
                Error::validation(
                    flag,
                    format!(
                        "{} is not the admission number of an active student in {}",
                        adm.trim(),
                        class.name
                    ),
                )
            })
    };
    // Everyone present, then the exceptions on top.
    let mut codes: HashMap<Id, (String, Option<u32>)> = roll
        .entries
        .iter()
        .map(|e| (e.student_id, ("P".to_owned(), None)))
        .collect();
    let mut seen: HashMap<Id, &str> = HashMap::new();
    let mut set = |id: Id, code: &str, minutes: Option<u32>, flag: &'static str| -> Result<()> {
        if let Some(other) = seen.insert(id, flag) {
            return Err(Error::validation(
                flag,
                format!("A student is given both in {other} and in {flag}"),
            ));
        }
        codes.insert(id, (code.to_owned(), minutes));
        Ok(())
    };
    for adm in absent.iter().filter(|a| !a.trim().is_empty()) {
        set(find(adm, "--absent")?, "A", None, "--absent")?;
    }
    for adm in excused.iter().filter(|a| !a.trim().is_empty()) {
        set(find(adm, "--excused")?, "E", None, "--excused")?;
    }
    for item in late.iter().filter(|a| !a.trim().is_empty()) {
        let (adm, minutes) = item.rsplit_once(':').ok_or_else(|| {
            Error::validation(
                "--late",
                format!("\"{item}\" should be an admission number and minutes, e.g. A3:10"),
            )
        })?;
        let minutes: u32 = minutes.trim().parse().map_err(|_| {
            Error::validation(
                "--late",
                format!(
                    "\"{}\" in \"{item}\" is not a number of minutes",
                    minutes.trim()
                ),
            )
        })?;
        set(find(adm, "--late")?, "L", Some(minutes), "--late")?;
    }
    let marks = roll
        .entries
        .iter()
        .map(|e| {
            let (code, late_minutes) = codes.remove(&e.student_id).unwrap_or(("P".into(), None));
            MarkInput {
                student_id: e.student_id,
                code,
                late_minutes,
                reason: None,
            }
        })
        .collect::<Vec<_>>();
    if marks.is_empty() {
        return Err(Error::new(
            ErrorCode::Validation,
            format!("{} has no active students to mark", class.name),
        ));
    }
    let saved = attendance::save_roll(
        store,
        &RollInput {
            class_id: class.id,
            date: date.to_owned(),
            session: roll.session.clone(),
            marks,
            taken_by,
        },
    )
    .map_err(|e| name_student(e, &roll.entries))?;
    if as_json {
        return json(&serde_json::json!({
            "class": class.name,
            "date": roll.date,
            "session": roll.session,
            "marked": saved.marked,
            "changed": saved.changed,
            "unchanged": saved.unchanged,
        }));
    }
    println!(
        "Saved the roll of {} for {} ({}): {} marked, {} changed, {} unchanged",
        class.name, roll.date, roll.session, saved.marked, saved.changed, saved.unchanged
    );
    Ok(())
}

/// The core names a mark by its place in the roll (`marks[3].late_minutes`); on the command
/// line the student's admission number says more.
fn name_student(mut e: Error, entries: &[attendance::RollEntry]) -> Error {
    if let Some(field) = &e.field
        && let Some(i) = field
            .strip_prefix("marks[")
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
        && let Some(entry) = entries.get(i)
    {
        e.message = format!("{}: {}", entry.admission_no, e.message);
    }
    e
}

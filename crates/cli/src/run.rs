//! Each command: parse, call the core, print.

use std::path::Path;

use rollbook_core::classes::{self, Class, ClassInput};
use rollbook_core::export::{self, Export};
use rollbook_core::guardians::GuardianInput;
use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::students::{self, StudentFilter, StudentInput};
use rollbook_core::years::{self, TermInput, YearInput};
use rollbook_core::{Error, ErrorCode, Result, Store, paths, search};

use crate::args::{
    ClassCommand, Cli, Command, ExportCommand, InitArgs, StaffCommand, StudentAddArgs,
    StudentCommand, TermCommand, YearCommand,
};
use crate::output::{json, table};

pub fn run(cli: &Cli) -> Result<()> {
    let dir = paths::data_dir(cli.data_dir.clone())?;
    let mut pins = crate::users::Pins::new(cli);
    // Restoring replaces the database file: it runs with the store closed, once the user
    // has shown they may.
    if let Command::Restore { file, recovery_key } = &cli.command {
        if dir.join(rollbook_core::store::DB_FILE).exists() {
            let store = Store::open(&dir)?;
            crate::users::sign_in(&store, cli, &mut pins)?;
            store.require(rollbook_core::users::Permission::ManageSchool)?;
        }
        let key = if *recovery_key {
            Some(pins.next("The school's recovery key: ")?)
        } else {
            None
        };
        let kept = rollbook_core::backup::restore(&dir, file, key.as_deref())?;
        let message = match &kept {
            Some(p) => format!(
                "Restored {}; the database it replaced is kept as {}",
                file.display(),
                p.display()
            ),
            None => format!("Restored {}", file.display()),
        };
        let store = Store::open(&dir)?;
        return done(
            cli.json,
            &serde_json::json!({ "restored": file.display().to_string(), "kept_aside": kept, "schema_version": store.schema_version()? }),
            &message,
        );
    }
    if let Command::Recover = &cli.command {
        let key = pins.next("The school's recovery key: ")?;
        let store = Store::open_with_recovery_key(&dir, &key)?;
        return done(
            cli.json,
            &serde_json::json!({ "opened": store.path().display().to_string() }),
            "The recovery key opened the database; this computer keeps it in its keyring now.",
        );
    }
    let store = Store::open(&dir).map_err(|e| {
        if e.code == ErrorCode::RecoveryKeyNeeded {
            Error::new(e.code, format!("{} Run: rollbook recover", e.message))
        } else {
            e
        }
    })?;
    crate::users::sign_in(&store, cli, &mut pins)?;
    match &cli.command {
        Command::Init(a) => init(&store, a, cli.json),
        Command::Year(YearCommand::Add { name, start, end }) => {
            let y = years::add_year(
                &store,
                &YearInput {
                    name: name.clone(),
                    start_date: start.clone(),
                    end_date: end.clone(),
                },
            )?;
            done(
                cli.json,
                &y,
                &format!(
                    "Added academic year {} ({} to {})",
                    y.name, y.start_date, y.end_date
                ),
            )
        }
        Command::Year(YearCommand::List) => {
            let list = years::list(&store)?;
            if cli.json {
                return json(&list);
            }
            for y in &list {
                let mark = if y.year.is_current { " (current)" } else { "" };
                println!(
                    "{}{mark}: {} to {}",
                    y.year.name, y.year.start_date, y.year.end_date
                );
                for t in &y.terms {
                    println!("  {}: {} to {}", t.name, t.start_date, t.end_date);
                }
            }
            Ok(())
        }
        Command::Term(TermCommand::Add {
            year,
            name,
            start,
            end,
        }) => {
            let t = years::add_term(
                &store,
                year,
                &TermInput {
                    name: name.clone(),
                    start_date: start.clone(),
                    end_date: end.clone(),
                },
            )?;
            done(
                cli.json,
                &t,
                &format!(
                    "Added {} to {year} ({} to {})",
                    t.name, t.start_date, t.end_date
                ),
            )
        }
        Command::Class(ClassCommand::Add { name, teacher }) => {
            let c = classes::create(
                &store,
                &ClassInput {
                    name: name.clone(),
                    class_teacher: teacher.clone(),
                    ..Default::default()
                },
            )?;
            done(cli.json, &c, &format!("Added class {}", c.name))
        }
        Command::Class(ClassCommand::List) => {
            let list = classes::list(&store)?;
            if cli.json {
                return json(&list);
            }
            let rows = list
                .iter()
                .map(|c| {
                    vec![
                        c.class.name.clone(),
                        c.class.class_teacher.clone(),
                        c.student_count.to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["CLASS", "TEACHER", "STUDENTS"], &rows);
            Ok(())
        }
        Command::Student(StudentCommand::Add(a)) => add_student(&store, a, cli.json),
        Command::Student(StudentCommand::List { class, status }) => {
            let class_id = match class {
                Some(name) => Some(find_class(&store, name)?.id),
                None => None,
            };
            let status = status.as_deref().map(str::parse).transpose()?;
            let list = students::list(&store, &StudentFilter { class_id, status })?;
            if cli.json {
                return json(&list);
            }
            let rows = list
                .iter()
                .map(|s| {
                    vec![
                        s.admission_no.clone(),
                        format!("{} {}", s.given_name, s.family_name)
                            .trim()
                            .to_owned(),
                        s.class_name.clone().unwrap_or_default(),
                        s.guardian_phone.clone().unwrap_or_default(),
                        s.status.as_str().to_owned(),
                    ]
                })
                .collect::<Vec<_>>();
            table(
                &["ADM NO", "NAME", "CLASS", "GUARDIAN PHONE", "STATUS"],
                &rows,
            );
            Ok(())
        }
        Command::Student(StudentCommand::Show { admission_no }) => {
            let d = students::find_by_admission_no(&store, admission_no)?.ok_or_else(|| {
                Error::new(
                    ErrorCode::NotFound,
                    format!("No student has admission number {admission_no}"),
                )
            })?;
            if cli.json {
                return json(&d);
            }
            println!(
                "{} {} ({})",
                d.student.given_name, d.student.family_name, d.student.admission_no
            );
            println!("class: {}", d.class_name.as_deref().unwrap_or("-"));
            println!("status: {}", d.student.status.as_str());
            if let Some(dob) = d.student.dob {
                println!("date of birth: {dob}");
            }
            for g in &d.guardians {
                let g2 = &g.guardian;
                println!(
                    "guardian: {} ({}) {}",
                    g2.name,
                    g2.relation.as_str(),
                    g2.phone.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
        Command::Search { text, limit } => {
            let hits = search::search(&store, text, *limit)?;
            if cli.json {
                return json(&hits);
            }
            let rows = hits
                .iter()
                .map(|h| {
                    let s = &h.student;
                    vec![
                        s.admission_no.clone(),
                        format!("{} {}", s.given_name, s.family_name)
                            .trim()
                            .to_owned(),
                        s.class_name.clone().unwrap_or_default(),
                        s.guardian_phone.clone().unwrap_or_default(),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["ADM NO", "NAME", "CLASS", "GUARDIAN PHONE"], &rows);
            Ok(())
        }
        Command::Doctor => {
            let report = store.doctor()?;
            if cli.json {
                json(&report)?;
            } else {
                println!("database: {}", store.path().display());
                println!(
                    "schema version: {} (this build writes {})",
                    report.schema_version, report.schema_latest
                );
                println!("sqlite: {}", report.sqlite_version);
                println!("device: {}", report.device_id);
                println!("integrity: {}", report.integrity.join("; "));
                for p in &report.foreign_key_problems {
                    println!("broken reference: {p}");
                }
                println!("changes waiting to sync: {}", report.pending_outbox);
                if report.ledger_breaks.is_empty() {
                    println!("ledger: every chain verified");
                }
                for b in &report.ledger_breaks {
                    println!(
                        "ledger: device {} entry {} ({}{}): {}",
                        b.device_id,
                        b.seq,
                        b.entry_id,
                        b.receipt_no
                            .as_deref()
                            .map(|r| format!(", receipt {r}"))
                            .unwrap_or_default(),
                        b.problem
                    );
                }
            }
            if report.ok {
                Ok(())
            } else {
                Err(Error::new(
                    ErrorCode::DatabaseCorrupt,
                    "The database has problems (see above). Restore it from a backup.",
                ))
            }
        }
        Command::Export(cmd) => export(&store, cmd, cli.json),
        Command::Import(args) => crate::import::run(&store, args, cli.json),
        Command::Imports => crate::import::history(&store, cli.json),
        Command::Attendance(cmd) => crate::attendance::run(&store, cmd, cli.json),
        Command::Staff(StaffCommand::Add { name, role }) => {
            let s = rollbook_core::staff::create(
                &store,
                &rollbook_core::staff::StaffInput {
                    name: name.clone(),
                    role: role.clone(),
                    active: true,
                },
            )?;
            done(cli.json, &s, &format!("Added {} to the staff", s.name))
        }
        Command::Restore { .. } => Err(Error::internal("restore runs before the store opens")),
        Command::Backup { to, list } => {
            let folder = match to {
                Some(t) => t.clone(),
                None => rollbook_core::backup::folder(&store)?,
            };
            if *list {
                let all = rollbook_core::backup::list(&folder)?;
                if cli.json {
                    return json(&all);
                }
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|b| {
                        vec![
                            b.taken_at.clone(),
                            format!("{} KB", b.size_bytes / 1024),
                            b.path.display().to_string(),
                        ]
                    })
                    .collect();
                table(&["TAKEN (UTC)", "SIZE", "FILE"], &rows);
                return Ok(());
            }
            let b = rollbook_core::backup::back_up(&store, &folder)?;
            done(
                cli.json,
                &b,
                &format!(
                    "Backed up to {} ({} KB)",
                    b.path.display(),
                    b.size_bytes / 1024
                ),
            )
        }
        Command::Staff(StaffCommand::List) => {
            let list = rollbook_core::staff::list(&store)?;
            if cli.json {
                return json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.role.clone(),
                        if s.active { "" } else { "inactive" }.into(),
                    ]
                })
                .collect();
            table(&["NAME", "ROLE", ""], &rows);
            Ok(())
        }
        Command::Fees(cmd) => crate::fees::run(&store, cmd, cli.json),
        Command::User(cmd) => crate::users::run(&store, cmd, cli, &mut pins),
        Command::Unlock => crate::users::unlock(&store, cli),
        Command::Recover => Err(Error::internal("recover runs before the store opens")),
        Command::Sync(cmd) => crate::sync::run(&store, cmd, cli.json),
        Command::RecoveryKey => {
            let key = store.recovery_key()?;
            done(
                cli.json,
                &serde_json::json!({ "recovery_key": key }),
                &format!(
                    "Recovery key: {key}\nWrite it down and keep it somewhere safe, away from this PC."
                ),
            )
        }
    }
}

pub(crate) fn done(as_json: bool, value: &impl serde::Serialize, message: &str) -> Result<()> {
    if as_json {
        json(value)
    } else {
        println!("{message}");
        Ok(())
    }
}

fn init(store: &Store, a: &InitArgs, as_json: bool) -> Result<()> {
    let date_order = a.date_order.as_deref().map(str::parse).transpose()?;
    let profile = school::setup(
        store,
        &SetupInput {
            school: SchoolInput {
                name: a.school.clone(),
                address: a.address.clone(),
                country: a.country.clone(),
                currency: a.currency.clone(),
                date_order,
                time_zone: a.time_zone.clone(),
                phone_country: a.phone_country.clone(),
            },
            year: None,
            terms: vec![],
        },
    )
    .map_err(strip_setup_prefix)?;
    let mut message = format!(
        "Set up {} ({}, {}, dates {}, time zone {})",
        profile.name,
        profile.country,
        profile.currency,
        profile.date_order.as_str(),
        profile.time_zone
    );
    if store.has_new_key() {
        // Shown this once: the database is encrypted and this key reopens it anywhere.
        message.push_str(&format!(
            "\nThe database is encrypted. Recovery key: {}\nWrite it down and keep it \
             somewhere safe, away from this PC: it opens the data on a new PC or after a \
             keyring loss. (An administrator can show it again: rollbook recovery-key)",
            store.recovery_key()?
        ));
    }
    done(as_json, &profile, &message)
}

/// Setup names fields `school.country`; on the command line they are `--country`.
fn strip_setup_prefix(mut e: Error) -> Error {
    let flag = |f: &str| match f.trim_start_matches("school.") {
        "name" => "--school".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    };
    e.field = e.field.as_deref().map(flag);
    for d in &mut e.details {
        d.field = flag(&d.field);
    }
    e
}

pub(crate) fn find_class(store: &Store, name: &str) -> Result<Class> {
    classes::find_by_name(store, name)?.ok_or_else(|| {
        Error::validation(
            "class",
            format!("There is no class called \"{name}\" (see `rollbook class list`)"),
        )
    })
}

fn add_student(store: &Store, a: &StudentAddArgs, as_json: bool) -> Result<()> {
    let class_id = a
        .class
        .as_deref()
        .map(|c| find_class(store, c).map(|c| c.id))
        .transpose()?;
    let guardians = match (&a.guardian_name, &a.guardian_phone) {
        (Some(name), Some(phone)) => vec![GuardianInput {
            name: name.clone(),
            phone: phone.clone(),
            relation: a.guardian_relation.parse()?,
            ..Default::default()
        }],
        _ => vec![],
    };
    let d = students::create(
        store,
        &StudentInput {
            admission_no: a.admission_no.clone(),
            given_name: a.given.clone(),
            family_name: a.family.clone(),
            dob: a.dob.clone().unwrap_or_default(),
            gender: a.gender.as_deref().map(str::parse).transpose()?,
            class_id,
            admission_date: a.admission_date.clone().unwrap_or_default(),
            guardians,
            ..Default::default()
        },
    )?;
    done(
        as_json,
        &d,
        &format!(
            "Added {} ({}){}",
            d.student.full_name(),
            d.student.admission_no,
            d.class_name
                .as_deref()
                .map(|c| format!(" to {c}"))
                .unwrap_or_default()
        ),
    )
}

/// Builds the workbook, saves it, and says what was written.
fn export(store: &Store, cmd: &ExportCommand, as_json: bool) -> Result<()> {
    let (out, made, what) = match cmd {
        ExportCommand::Roll { class, out } => {
            check_out(out)?;
            let class = class.as_deref().map(|c| find_class(store, c)).transpose()?;
            let made = export::class_roll_export(store, class.as_ref().map(|c| c.id))?;
            let what = match &class {
                Some(c) => format!("class roll of {} ({})", c.name, count(made.rows, "student")),
                None => format!(
                    "class rolls of {} ({})",
                    count(made.sheets.len(), "class"),
                    count(made.rows, "student")
                ),
            };
            (out, made, what)
        }
        ExportCommand::Students { out } => {
            check_out(out)?;
            let made = export::student_register_export(store)?;
            let what = format!("student register ({})", count(made.rows, "student"));
            (out, made, what)
        }
        ExportCommand::Register { class, month, out } => {
            check_out(out)?;
            let class = class.as_deref().map(|c| find_class(store, c)).transpose()?;
            let made = export::monthly_register(store, class.as_ref().map(|c| c.id), month)
                .map_err(|mut e| {
                    if e.field.as_deref() == Some("month") {
                        e.field = Some("--month".into());
                    }
                    e
                })?;
            let what = match &class {
                Some(c) => format!("attendance register of {} for {month}", c.name),
                None => format!(
                    "attendance registers of {} for {month}",
                    count(made.sheets.len(), "class")
                ),
            };
            (out, made, what)
        }
        ExportCommand::Defaulters { class, out } => {
            check_out(out)?;
            let class = class.as_deref().map(|c| find_class(store, c)).transpose()?;
            let made = export::defaulters_export(store, class.as_ref().map(|c| c.id))?;
            let what = format!("defaulters list ({})", count(made.rows, "student"));
            (out, made, what)
        }
        ExportCommand::Daybook { date, out } => {
            check_out(out)?;
            let made = export::day_book_export(store, date.as_deref())?;
            let what = format!("day book ({})", count(made.rows, "receipt"));
            (out, made, what)
        }
        ExportCommand::Statement { student, out } => {
            check_out(out)?;
            let made = export::statement_export(store, crate::fees::find_student(store, student)?)?;
            let what = format!("fee statement ({})", count(made.rows, "entry"));
            (out, made, what)
        }
        ExportCommand::Collection { term, out } => {
            check_out(out)?;
            let made = export::collection_export(store, crate::fees::find_term(store, term)?)?;
            (out, made, format!("collection for {term}"))
        }
        ExportCommand::Audit {
            from,
            to,
            for_user,
            student,
            out,
        } => {
            check_out(out)?;
            let user_id = match for_user {
                Some(name) => Some(rollbook_core::users::find_by_name(store, name)?.id),
                None => None,
            };
            let student_id = match student {
                Some(adm) => Some(crate::fees::find_student(store, adm)?),
                None => None,
            };
            let q = rollbook_core::audit::AuditQuery {
                from: from.clone(),
                to: to.clone(),
                user_id,
                student_id,
            };
            (
                out,
                export::audit_export(store, &q)?,
                format!("audit report {from} to {to}"),
            )
        }
        ExportCommand::Template { out } => {
            check_out(out)?;
            (
                out,
                export::import_template_export()?,
                "import template".to_owned(),
            )
        }
    };
    write(out, &made, &what, as_json)
}

/// The core names the file `path`; on the command line it is `--out`.
fn check_out(out: &Path) -> Result<()> {
    export::check_path(out).map_err(|mut e| {
        e.field = Some("--out".to_owned());
        e
    })
}

fn write(out: &Path, made: &Export, what: &str, as_json: bool) -> Result<()> {
    export::write_file(out, &made.bytes)?;
    if as_json {
        return json(&serde_json::json!({
            "path": out.display().to_string(),
            "sheets": made.sheets.len(),
            "rows": made.rows,
        }));
    }
    println!("Wrote {what} to {}", out.display());
    Ok(())
}

/// "1 student", "32 students", "3 classes".
fn count(n: usize, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "class") => format!("{n} classes"),
        (_, "entry") => format!("{n} entries"),
        _ => format!("{n} {noun}s"),
    }
}

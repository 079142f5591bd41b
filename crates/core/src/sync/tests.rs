//! Sync's store side: two real stores ("devices") and a simulated server that moves entries
//! between them (a push takes a device's outbox and acknowledges it; a pull hands a device
//! the school's entries after its cursor, as `apply_pulled` receives them).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use chrono::{Duration, NaiveDate};
use rollbook_protocol::{Entry, PullResponse, Pulled, PushResponse};
use serde_json::{Map, Value, json};
use tempfile::TempDir;

use super::records::replica;
use super::{acknowledge, apply_pulled, outgoing};
use crate::attendance::{
    self, CodeInput, CodeKind, MarkInput, RollInput, SessionMode, SettingsInput,
};
use crate::audit::{self, Action, AuditQuery};
use crate::calendar::{self, HolidayInput};
use crate::cards::{self, HolderKind};
use crate::classes::{self, ClassInput};
use crate::error::ErrorCode;
use crate::fees::{
    self, ConcessionInput, ConcessionKind, HeadInput, PaymentInput, PaymentMethod, ReversalInput,
    StructureInput,
};
use crate::guardians::{GuardianInput, Relation};
use crate::hlc::wall_millis;
use crate::id::Id;
use crate::school;
use crate::search;
use crate::staff::{self, StaffInput};
use crate::store::{RecordType, Store};
use crate::students::{self, Gender, StudentFilter, StudentInput};
use crate::testing::{class_with_students, new_store, set_up_school};
use crate::users::{self, Actor, Role, Session, UserInput};
use crate::years::{self, TermInput, YearInput};

// 16 November 2026 is a Monday of the test school's year (2026-04-01 to 2027-03-31).
const MON: &str = "2026-11-16";

/// One installation, enrolled (a `sync_state` row, which `apply_pulled` moves the cursor of).
struct Device {
    _dir: TempDir,
    store: Store,
}

impl std::ops::Deref for Device {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

fn device() -> Device {
    let (dir, store) = new_store();
    store
        .write(|w| {
            w.conn().execute(
                "INSERT INTO sync_state (singleton, server_url, school_id, school_name, cursor,
                                         enrolled_at)
                 VALUES (1, 'http://localhost:8080', 'school-1', 'Test school', 0,
                         '2026-11-01T00:00:00.000Z')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    Device { _dir: dir, store }
}

/// The school's stream, as the server keeps it.
#[derive(Default)]
struct Server {
    log: Vec<Entry>,
}

impl Server {
    /// A device pushes what the server has not acknowledged yet.
    fn push(&mut self, from: &Store) {
        let device = from.device_id().to_string();
        let entries = outgoing(from, &device, 100_000).unwrap();
        let Some(last) = entries.last().map(|e| e.seq) else {
            return;
        };
        for e in entries {
            if !self.log.iter().any(|x| x.entry_id == e.entry_id) {
                self.log.push(e);
            }
        }
        acknowledge(
            from,
            &device,
            &PushResponse {
                acked_through: last,
                rejected: vec![],
            },
        )
        .unwrap();
    }

    /// The entries after `after` (a device's own are in it too: applying skips them).
    fn page(&self, after: i64) -> PullResponse {
        let skip = usize::try_from(after).unwrap();
        PullResponse {
            entries: self
                .log
                .iter()
                .enumerate()
                .skip(skip)
                .map(|(i, e)| Pulled {
                    cursor: i64::try_from(i).unwrap() + 1,
                    entry: e.clone(),
                })
                .collect(),
            next_cursor: i64::try_from(self.log.len()).unwrap(),
            more: false,
        }
    }

    /// A device pulls from its cursor; how many entries it applied.
    fn pull(&self, to: &Store) -> usize {
        apply_pulled(to, &self.page(cursor(to))).unwrap()
    }

    /// Each device's changes reach the other.
    fn exchange(&mut self, a: &Store, b: &Store) {
        self.push(a);
        self.push(b);
        self.pull(a);
        self.pull(b);
    }
}

fn cursor(store: &Store) -> i64 {
    store
        .read(|c| Ok(c.query_row("SELECT cursor FROM sync_state", [], |r| r.get(0))?))
        .unwrap()
}

/// Moves a device's clock to `raw` (an HLC stamp): its next change is stamped just after.
fn set_clock(store: &Store, raw: i64) {
    store
        .write(|w| {
            w.conn().execute("UPDATE device SET last_hlc = ?1", [raw])?;
            Ok(())
        })
        .unwrap();
}

/// An HLC stamp `minutes` from now.
fn future(minutes: i64) -> i64 {
    (wall_millis() + minutes * 60_000) << 16
}

fn same<T: PartialEq + Debug>(what: &str, a: T, b: T) {
    assert_eq!(a, b, "{what} differs between the two devices");
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn guardian(name: &str, phone: &str, relation: Relation) -> GuardianInput {
    GuardianInput {
        name: name.into(),
        relation,
        phone: phone.into(),
        ..Default::default()
    }
}

fn mark(student_id: Id, code: &str) -> MarkInput {
    MarkInput {
        student_id,
        code: code.into(),
        late_minutes: None,
        reason: None,
    }
}

fn roll(class_id: Id, date: &str, marks: Vec<MarkInput>) -> RollInput {
    RollInput {
        class_id,
        date: date.into(),
        session: String::new(),
        marks,
        taken_by: None,
    }
}

fn cash(student_id: Id, amount: &str) -> PaymentInput {
    PaymentInput {
        student_id,
        amount: amount.into(),
        method: PaymentMethod::Cash,
        reference: String::new(),
        bank: String::new(),
        allocations: vec![],
        dues: vec![],
        cashier: None,
    }
}

/// A Tuition head and `class`'s line for it in Term 1 (`line` sets the rest of the line).
fn tuition(d: &Store, class: Id, line: StructureInput) -> (Id, Id) {
    let term1 = years::list(d).unwrap()[0].terms[0].id;
    let head = fees::add_head(
        d,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    fees::set_structure(
        d,
        &StructureInput {
            class_id: class,
            term_id: term1,
            head_id: head,
            ..line
        },
    )
    .unwrap();
    (term1, head)
}

fn edit_student(store: &Store, id: Id, change: impl FnOnce(&mut StudentInput)) {
    let mut input = StudentInput::from(&students::get(store, id).unwrap());
    change(&mut input);
    students::update(store, id, &input).unwrap();
}

fn actor(u: &users::User) -> Actor {
    Actor {
        user_id: u.id,
        name: u.name.clone(),
        role: u.role,
        class_ids: u.class_ids.clone(),
    }
}

/// Makes today a school day (the staff check-in scans now): every weekday of the year that
/// holds today, or of a year added around today when the test runs outside 2026-27.
fn open_today(store: &Store) {
    let today = school::today_at_school(&school::get(store).unwrap().unwrap());
    let year = match years::list(store)
        .unwrap()
        .iter()
        .find(|y| y.year.start_date <= today && today <= y.year.end_date)
    {
        Some(y) => y.year.id,
        None => {
            years::add_year(
                store,
                &YearInput {
                    name: format!("Around {today}"),
                    start_date: (today - Duration::days(60)).to_string(),
                    end_date: (today + Duration::days(60)).to_string(),
                },
            )
            .unwrap()
            .id
        }
    };
    calendar::set_working_days(store, year, &[1, 2, 3, 4, 5, 6, 7]).unwrap();
}

fn all_record_types() -> Vec<RecordType> {
    use RecordType as T;
    let all = vec![
        T::School,
        T::AcademicYear,
        T::Term,
        T::Class,
        T::Student,
        T::StudentPhoto,
        T::Guardian,
        T::StudentGuardian,
        T::YearCalendar,
        T::Holiday,
        T::AttendanceSettings,
        T::AttendanceCode,
        T::AttendanceMark,
        T::IdCard,
        T::Staff,
        T::StaffAttendance,
        T::FeeHead,
        T::FeeStructure,
        T::StudentFeeHead,
        T::Concession,
        T::FeeApplication,
        T::LedgerEntry,
        T::CashClosing,
        T::SchoolLogo,
        T::User,
        T::AuditEvent,
    ];
    // A new record type stops this compiling until it is listed above (and given a replica).
    for t in &all {
        match t {
            T::School
            | T::AcademicYear
            | T::Term
            | T::Class
            | T::Student
            | T::StudentPhoto
            | T::Guardian
            | T::StudentGuardian
            | T::YearCalendar
            | T::Holiday
            | T::AttendanceSettings
            | T::AttendanceCode
            | T::AttendanceMark
            | T::IdCard
            | T::Staff
            | T::StaffAttendance
            | T::FeeHead
            | T::FeeStructure
            | T::StudentFeeHead
            | T::Concession
            | T::FeeApplication
            | T::LedgerEntry
            | T::CashClosing
            | T::SchoolLogo
            | T::User
            | T::AuditEvent => {}
        }
    }
    all
}

#[test]
fn every_record_type_has_a_replica_and_odd_values_never_panic() {
    let d = device();
    set_up_school(&d);
    for t in all_record_types() {
        let r = replica(t.as_str()).unwrap_or_else(|| panic!("no replica for {}", t.as_str()));
        // Empty values, a value of the wrong shape everywhere, and a delete of nothing: an
        // answer, never a panic (an error rolls the write back).
        for values in [
            json!({}),
            json!({"name": [1, 2], "student_id": 5, "date": "soon"}),
        ] {
            let values = object(values);
            let _ = d.write(|w| r.store(w.conn(), Id::new(), &values));
        }
        d.write(|w| r.delete(w.conn(), Id::new())).unwrap();
        assert!(d.read(|c| r.load(c, Id::new())).unwrap().is_none());
    }
    assert!(replica("spaceship").is_none());
}

/// What device A makes of a whole school, touching every record type.
struct Made {
    class: Id,
    students: Vec<Id>,
    staff: Id,
    receipts: Vec<String>,
    admin: Actor,
}

fn make_school(a: &Store) -> Made {
    set_up_school(a);
    years::add_term(
        a,
        "2026-27",
        &TermInput {
            name: "Term 2".into(),
            start_date: "2026-10-01".into(),
            end_date: "2027-03-31".into(),
        },
    )
    .unwrap();
    let year = years::list(a)
        .unwrap()
        .into_iter()
        .find(|y| y.year.name == "2026-27")
        .unwrap();
    let term1 = year.terms.iter().find(|t| t.name == "Term 1").unwrap().id;
    calendar::add_holiday(
        a,
        year.year.id,
        &HolidayInput {
            name: "Gandhi Jayanti".into(),
            start_date: "2026-10-02".into(),
            end_date: String::new(),
        },
    )
    .unwrap();
    open_today(a);

    let (class, mut ids) = class_with_students(
        a,
        "Grade 5 B",
        &[("A1", "Aarav", "Iyer"), ("A2", "Bela", "Nair")],
    );
    classes::create(
        a,
        &ClassInput {
            name: "Grade 6 A".into(),
            class_teacher: "Mrs. Das".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let chitra = students::create(
        a,
        &StudentInput {
            admission_no: "A3".into(),
            given_name: "Chitra".into(),
            family_name: "Rao".into(),
            dob: "2015-06-01".into(),
            gender: Some(Gender::Female),
            class_id: Some(class),
            admission_date: "2021-06-01".into(),
            guardians: vec![
                guardian("Suresh Rao", "98765 43210", Relation::Father),
                GuardianInput {
                    email: "lata@example.com".into(),
                    whatsapp_consent: true,
                    ..guardian("Lata Rao", "9845012345", Relation::Mother)
                },
            ],
            ..Default::default()
        },
    )
    .unwrap();
    // A sibling: the father, known by his phone, is linked rather than added again.
    let dev = students::create(
        a,
        &StudentInput {
            admission_no: "A4".into(),
            given_name: "Dev".into(),
            family_name: "Rao".into(),
            class_id: Some(class),
            guardians: vec![guardian("Suresh Rao", "9876543210", Relation::Father)],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        dev.guardians[0].guardian.id,
        chitra.guardians[0].guardian.id
    );
    ids.push(chitra.student.id);
    ids.push(dev.student.id);
    students::set_photo(a, chitra.student.id, &png(60, 80, [200, 120, 40])).unwrap();
    school::set_logo(a, &png(30, 30, [10, 20, 200])).unwrap();

    attendance::update_settings(
        a,
        &SettingsInput {
            session_mode: SessionMode::Daily,
            periods: 1,
            late_after: "09:00".into(),
            chronic_threshold: 80,
        },
    )
    .unwrap();
    attendance::save_code(
        a,
        &CodeInput {
            letter: "S".into(),
            name: "Sick".into(),
            kind: CodeKind::Excused,
            active: true,
        },
    )
    .unwrap();
    attendance::save_code(
        a,
        &CodeInput {
            letter: "P".into(),
            name: "Here".into(),
            kind: CodeKind::Present,
            active: true,
        },
    )
    .unwrap();
    let mut late = mark(ids[2], "L");
    late.late_minutes = Some(10);
    attendance::save_roll(
        a,
        &roll(
            class,
            MON,
            vec![
                mark(ids[0], "P"),
                mark(ids[1], "S"),
                late,
                mark(ids[3], "A"),
            ],
        ),
    )
    .unwrap();
    // Dev turned up after all: his mark changes, the absence goes to its history.
    attendance::save_roll(a, &roll(class, MON, vec![mark(ids[3], "P")])).unwrap();

    let staff = staff::create(
        a,
        &StaffInput {
            name: "Meena Pillai".into(),
            role: "Teacher".into(),
            active: true,
        },
    )
    .unwrap()
    .id;
    let card = cards::card(a, HolderKind::Staff, staff).unwrap();
    cards::check_in(a, &card.token).unwrap();
    cards::class_cards(a, class).unwrap();
    // Aarav lost his card: the old one is revoked, a new one issued.
    cards::reissue(a, HolderKind::Student, ids[0]).unwrap();

    let tuition = fees::add_head(
        a,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    let transport = fees::add_head(
        a,
        &HeadInput {
            name: "Transport".into(),
            optional: true,
        },
    )
    .unwrap()
    .id;
    for (head, amount) in [(tuition, "1500.00"), (transport, "600")] {
        fees::set_structure(
            a,
            &StructureInput {
                class_id: class,
                term_id: term1,
                head_id: head,
                amount: amount.into(),
                due_date: "2026-05-15".into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    fees::add_concession(
        a,
        &ConcessionInput {
            student_id: ids[1],
            head_id: Some(tuition),
            kind: ConcessionKind::Percent,
            value: "10".into(),
            reason: "Sibling".into(),
        },
    )
    .unwrap();
    // Aarav takes the bus: applying the structure charges him for it too.
    fees::set_optional_head(a, ids[0], transport, true).unwrap();
    fees::apply_structure(a, class, term1, false).unwrap();
    let r1 = fees::pay(a, &cash(ids[0], "1000.00")).unwrap().receipt_no;
    let r2 = fees::pay(
        a,
        &PaymentInput {
            method: PaymentMethod::Cheque,
            reference: "000123".into(),
            bank: "State Bank".into(),
            ..cash(ids[1], "500")
        },
    )
    .unwrap()
    .receipt_no;
    fees::reverse(
        a,
        &ReversalInput {
            receipt_no: r2.clone(),
            reason: "Cheque bounced".into(),
            by: None,
        },
    )
    .unwrap();
    fees::close_cash(a, None, "1000.00", "All counted", None).unwrap();

    // Users last: once there are users, everything needs someone signed in.
    let admin = users::add(
        a,
        &UserInput {
            name: "Asha Menon".into(),
            role: Role::Administrator,
            class_ids: vec![],
            active: true,
        },
        "2580",
    )
    .unwrap();
    let admin = actor(&admin);
    a.set_session(Session::Active(admin.clone()));
    users::add(
        a,
        &UserInput {
            name: "Ravi Kumar".into(),
            role: Role::Teacher,
            class_ids: vec![class],
            active: true,
        },
        "1470",
    )
    .unwrap();
    audit::log(a, Action::Export, "student register").unwrap();
    Made {
        class,
        students: ids,
        staff,
        receipts: vec![r1, r2],
        admin,
    }
}

/// Every record in a device's outbox, once: (record type, record id).
fn records_of(store: &Store) -> BTreeSet<(String, Id)> {
    store
        .read(|c| {
            Ok(
                c.prepare("SELECT DISTINCT record_type, record_id FROM outbox")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?,
            )
        })
        .unwrap()
}

fn load(store: &Store, record_type: &str, id: Id) -> Option<Map<String, Value>> {
    let r = replica(record_type).unwrap();
    store.read(|c| r.load(c, id)).unwrap()
}

#[test]
fn a_whole_school_made_on_one_device_arrives_whole_on_another() {
    let a = device();
    let b = device();
    let made = make_school(&a);
    let mut server = Server::default();
    server.push(&a);
    // B was never set up: the school comes from A.
    assert!(school::get(&b).unwrap().is_none());
    let applied = server.pull(&b);
    assert_eq!(applied, server.log.len());
    assert_eq!(cursor(&b), i64::try_from(server.log.len()).unwrap());
    // Applying wrote nothing to B's own outbox: those changes are A's.
    assert!(b.pending_outbox(10).unwrap().is_empty());
    // Applying the same page again changes nothing.
    assert_eq!(apply_pulled(&b, &server.page(0)).unwrap(), 0);

    // Every record type travelled, and every record reads the same on both devices, with
    // the keys its insert payload has.
    let records = records_of(&a);
    let types: BTreeSet<&str> = records.iter().map(|(t, _)| t.as_str()).collect();
    let all: BTreeSet<&str> = all_record_types().iter().map(|t| t.as_str()).collect();
    assert_eq!(types, all);
    for (t, id) in &records {
        same(&format!("{t} {id}"), load(&a, t, *id), load(&b, t, *id));
    }
    // (These record types are only ever recorded as updates carrying every field.)
    let whole_updates = [
        "school_logo",
        "year_calendar",
        "attendance_settings",
        "attendance_code",
        "fee_application",
    ];
    for e in server
        .log
        .iter()
        .filter(|e| e.op == "insert" || whole_updates.contains(&e.record_type.as_str()))
    {
        let loaded = load(&b, &e.record_type, e.record_id.parse().unwrap())
            .unwrap_or_else(|| panic!("{} {} is missing", e.record_type, e.record_id));
        let mut have: BTreeSet<&String> = loaded.keys().collect();
        let fields = e.payload.fields().unwrap();
        let sent: BTreeSet<&String> = fields.keys().collect();
        if e.record_type == "attendance_mark" && !sent.iter().any(|k| *k == "late_minutes") {
            have.retain(|k| *k != "late_minutes");
        }
        assert_eq!(have, sent, "the keys of {} {}", e.record_type, e.record_id);
    }

    // What people see.
    b.set_session(Session::Active(made.admin.clone()));
    same("school", school::get(&a).unwrap(), school::get(&b).unwrap());
    same("logo", school::logo(&a).unwrap(), school::logo(&b).unwrap());
    assert!(school::logo(&b).unwrap().is_some());
    same("years", years::list(&a).unwrap(), years::list(&b).unwrap());
    same(
        "calendar",
        calendar::get(&a, None).unwrap(),
        calendar::get(&b, None).unwrap(),
    );
    same(
        "classes",
        classes::list(&a).unwrap(),
        classes::list(&b).unwrap(),
    );
    let list = students::list(&b, &StudentFilter::default()).unwrap();
    assert_eq!(list.len(), 4);
    same(
        "students",
        students::list(&a, &StudentFilter::default()).unwrap(),
        list,
    );
    for id in &made.students {
        same(
            "student",
            students::get(&a, *id).unwrap(),
            students::get(&b, *id).unwrap(),
        );
    }
    let chitra = students::get(&b, made.students[2]).unwrap();
    assert!(chitra.has_photo);
    assert_eq!(chitra.guardians.len(), 2);
    assert_eq!(chitra.guardians[0].siblings[0].name, "Dev Rao");
    same(
        "photo",
        students::photo(&a, made.students[2]).unwrap(),
        students::photo(&b, made.students[2]).unwrap(),
    );
    for q in ["chitra", "rao", "A3", "98765", "9845012345", "iyer"] {
        same(
            &format!("search {q}"),
            search::search(&a, q, 10).unwrap(),
            search::search(&b, q, 10).unwrap(),
        );
    }
    let found = search::search(&b, "Chitra", 10).unwrap();
    assert!(found.iter().any(|h| h.student.id == made.students[2]));
    // By the guardian's phone (indexed when the link arrived after the student).
    let found = search::search(&b, "98765 43210", 10).unwrap();
    assert!(found.iter().any(|h| h.student.id == made.students[3]));

    same(
        "attendance settings",
        attendance::settings(&a).unwrap(),
        attendance::settings(&b).unwrap(),
    );
    same(
        "roll",
        attendance::get_roll(&a, made.class, MON, "").unwrap(),
        attendance::get_roll(&b, made.class, MON, "").unwrap(),
    );
    let history = attendance::history(&b, made.students[3], MON, "").unwrap();
    assert_eq!(
        history.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(),
        ["P", "A"]
    );
    same(
        "mark history",
        attendance::history(&a, made.students[3], MON, "").unwrap(),
        history,
    );
    same("staff", staff::list(&a).unwrap(), staff::list(&b).unwrap());
    let arrivals = staff::arrivals(&b, None).unwrap();
    assert!(arrivals[0].checked_in_at.is_some());
    same("arrivals", staff::arrivals(&a, None).unwrap(), arrivals);
    same(
        "staff card",
        cards::card(&a, HolderKind::Staff, made.staff).unwrap(),
        cards::card(&b, HolderKind::Staff, made.staff).unwrap(),
    );
    same(
        "class cards",
        cards::class_cards(&a, made.class).unwrap(),
        cards::class_cards(&b, made.class).unwrap(),
    );

    same(
        "fee heads",
        fees::heads(&a).unwrap(),
        fees::heads(&b).unwrap(),
    );
    same(
        "fee structure",
        fees::structure(&a, None, None).unwrap(),
        fees::structure(&b, None, None).unwrap(),
    );
    for id in &made.students {
        same(
            "balance",
            fees::balance(&a, *id).unwrap(),
            fees::balance(&b, *id).unwrap(),
        );
        same(
            "statement",
            fees::statement(&a, *id).unwrap(),
            fees::statement(&b, *id).unwrap(),
        );
    }
    // Aarav: tuition 1500 and transport 600, less 1000 paid.
    assert_eq!(
        fees::balance(&b, made.students[0]).unwrap().balance,
        110_000
    );
    // Bela: tuition 1500 less 10 %; her cheque bounced.
    assert_eq!(
        fees::balance(&b, made.students[1]).unwrap().balance,
        135_000
    );
    same(
        "day book",
        fees::day_book(&a, None).unwrap(),
        fees::day_book(&b, None).unwrap(),
    );
    assert_eq!(fees::day_book(&b, None).unwrap().closings.len(), 1);
    // The receipts A printed check out the same against B's ledger: the first genuine,
    // the reversed one void.
    let checks: Vec<_> = made
        .receipts
        .iter()
        .map(|no| {
            let code = fees::receipt(&a, no).unwrap().verification_code;
            let on_b = fees::verify_receipt(&b, no, Some(&code)).unwrap();
            same(
                "receipt check",
                fees::verify_receipt(&a, no, Some(&code)).unwrap(),
                on_b.clone(),
            );
            on_b
        })
        .collect();
    assert!(checks[0].genuine, "{:?}", checks[0].problems);
    assert!(checks[1].void && !checks[1].genuine);
    assert!(fees::receipt(&b, &made.receipts[1]).unwrap().void);

    same("users", users::list(&a).unwrap(), users::list(&b).unwrap());
    assert_eq!(users::list(&b).unwrap().len(), 2);
    let today = school::today_at_school(&school::get(&b).unwrap().unwrap()).to_string();
    let q = AuditQuery {
        from: today.clone(),
        to: today,
        ..Default::default()
    };
    let events = |s: &Store| -> Vec<(String, String, String, String)> {
        audit::report(s, &q)
            .unwrap()
            .into_iter()
            .filter(|r| r.action == "export")
            .map(|r| (r.at, r.user, r.action, r.detail))
            .collect()
    };
    assert_eq!(events(&b).len(), 1);
    same("audit events", events(&a), events(&b));

    // The ledger's chains verify on B, and so does everything else.
    let report = b.doctor().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(a.doctor().unwrap().ok);
}

/// A school made on A (a class of two), synced to B.
fn synced_pair() -> (Device, Device, Server, Id, Vec<Id>) {
    let a = device();
    let b = device();
    set_up_school(&a);
    let (class, ids) = class_with_students(
        &a,
        "Grade 5 B",
        &[("A1", "Aarav", "Iyer"), ("A2", "Bela", "Nair")],
    );
    let mut server = Server::default();
    server.exchange(&a, &b);
    assert_eq!(
        students::list(&b, &StudentFilter::default()).unwrap().len(),
        2
    );
    (a, b, server, class, ids)
}

#[test]
fn edits_of_different_fields_merge_and_the_later_edit_of_a_field_wins_on_both() {
    let (a, b, mut server, _class, ids) = synced_pair();
    let s = ids[0];

    // Offline, A renames the student and B corrects the date of birth.
    edit_student(&a, s, |i| i.given_name = "Aaron".into());
    edit_student(&b, s, |i| i.dob = "2015-03-04".into());
    server.exchange(&a, &b);
    for d in [&a, &b] {
        let st = students::get(d, s).unwrap().student;
        assert_eq!(st.given_name, "Aaron");
        assert_eq!(st.dob, Some(date("2015-03-04")));
    }
    same(
        "student",
        students::get(&a, s).unwrap(),
        students::get(&b, s).unwrap(),
    );
    let found = search::search(&b, "Aaron", 10).unwrap();
    assert!(found.iter().any(|h| h.student.id == s));

    // Both change the family name; B's change is the later one.
    edit_student(&a, s, |i| i.family_name = "Iyer-Shah".into());
    set_clock(&b, future(60));
    edit_student(&b, s, |i| i.family_name = "Iyengar".into());
    server.exchange(&a, &b);
    for d in [&a, &b] {
        assert_eq!(students::get(d, s).unwrap().student.family_name, "Iyengar");
    }

    // The same instant on both clocks: the device id decides, the same way on both.
    let x = future(120);
    set_clock(&a, x);
    set_clock(&b, x);
    edit_student(&a, s, |i| i.family_name = "Tie A".into());
    edit_student(&b, s, |i| i.family_name = "Tie B".into());
    let stamp = |d: &Store| d.pending_outbox(10).unwrap().last().unwrap().hlc;
    assert_eq!(stamp(&a), stamp(&b));
    server.exchange(&a, &b);
    let winner = if a.device_id().to_string() > b.device_id().to_string() {
        "Tie A"
    } else {
        "Tie B"
    };
    for d in [&a, &b] {
        assert_eq!(students::get(d, s).unwrap().student.family_name, winner);
    }
    same(
        "students",
        students::list(&a, &StudentFilter::default()).unwrap(),
        students::list(&b, &StudentFilter::default()).unwrap(),
    );
}

#[test]
fn one_student_marked_on_both_devices_has_one_mark_the_later_with_the_other_in_its_history() {
    let (a, b, mut server, class, ids) = synced_pair();
    let s = ids[0];
    attendance::save_roll(&a, &roll(class, MON, vec![mark(s, "A")])).unwrap();
    set_clock(&b, future(60));
    let mut late = mark(s, "L");
    late.late_minutes = Some(12);
    attendance::save_roll(&b, &roll(class, MON, vec![late, mark(ids[1], "P")])).unwrap();
    server.exchange(&a, &b);

    for d in [&a, &b] {
        let n: i64 = d
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM attendance_marks WHERE student_id = ?1 AND date = ?2",
                    rusqlite::params![s, MON],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(n, 1);
    }
    same(
        "roll",
        attendance::get_roll(&a, class, MON, "").unwrap(),
        attendance::get_roll(&b, class, MON, "").unwrap(),
    );
    let hb = attendance::history(&b, s, MON, "").unwrap();
    assert_eq!((hb[0].code.as_str(), hb[0].late_minutes), ("L", Some(12)));
    assert_eq!(hb[0].device_id, b.device_id());
    // On A, B's later mark replaced A's absence, which is kept in the history with the
    // device it was made on.
    let ha = attendance::history(&a, s, MON, "").unwrap();
    assert_eq!(ha.len(), 2);
    assert_eq!(ha[0], hb[0]);
    assert_eq!(ha[1].code, "A");
    assert_eq!(ha[1].device_id, a.device_id());
    assert_eq!(ha[1].replaced_at.as_deref(), Some(ha[0].marked_at.as_str()));
    // B, which got A's earlier absence after its own later mark, shows the same history.
    same("mark history", ha, hb);
}

/// Three settings of one mark reach a third PC in an order unlike the one they were made
/// in: its history is the one the others show.
#[test]
fn a_marks_history_is_the_same_whatever_order_its_changes_arrive_in() {
    let (a, b, mut server, class, ids) = synced_pair();
    let s = ids[0];
    attendance::save_roll(&a, &roll(class, MON, vec![mark(s, "A")])).unwrap();
    server.exchange(&a, &b);
    set_clock(&b, future(60));
    attendance::save_roll(&b, &roll(class, MON, vec![mark(s, "P")])).unwrap();
    set_clock(&a, future(120));
    let mut late = mark(s, "L");
    late.late_minutes = Some(5);
    attendance::save_roll(&a, &roll(class, MON, vec![late])).unwrap();
    // A's two marks reach the cloud before B's presence between them.
    server.push(&a);
    let c = device();
    server.pull(&c);
    server.push(&b);
    server.exchange(&a, &b);
    server.pull(&c);
    let h = attendance::history(&a, s, MON, "").unwrap();
    assert_eq!(
        h.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(),
        ["L", "P", "A"]
    );
    same(
        "history on B",
        &h,
        &attendance::history(&b, s, MON, "").unwrap(),
    );
    same(
        "history on C",
        &h,
        &attendance::history(&c, s, MON, "").unwrap(),
    );
}

fn payments(store: &Store) -> Vec<(String, Id, i64)> {
    store
        .read(|c| {
            Ok(c.prepare(
                "SELECT receipt_no, device_id, amount FROM ledger_entries WHERE kind = 'payment'
                 ORDER BY receipt_no",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
}

fn ledger_count(store: &Store) -> i64 {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM ledger_entries", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn payments_taken_on_both_devices_are_all_on_both_once_with_their_own_receipt_numbers() {
    let a = device();
    let b = device();
    set_up_school(&a);
    let (class, ids) = class_with_students(
        &a,
        "Grade 5 B",
        &[("A1", "Aarav", "Iyer"), ("A2", "Bela", "Nair")],
    );
    let (term1, _) = tuition(
        &a,
        class,
        StructureInput {
            amount: "1500".into(),
            ..Default::default()
        },
    );
    fees::apply_structure(&a, class, term1, false).unwrap();
    let mut server = Server::default();
    server.exchange(&a, &b);

    // Offline, both take money, for the same student and for another.
    let ra1 = fees::pay(&a, &cash(ids[0], "300")).unwrap().receipt_no;
    let ra2 = fees::pay(&a, &cash(ids[0], "200")).unwrap().receipt_no;
    let rb1 = fees::pay(&b, &cash(ids[0], "100")).unwrap().receipt_no;
    let rb2 = fees::pay(&b, &cash(ids[1], "400")).unwrap().receipt_no;
    // Each device numbers from its own series: the first receipts of both do not clash.
    assert!(ra1.starts_with(&fees::receipt_prefix(a.device_id())));
    assert!(rb1.starts_with(&fees::receipt_prefix(b.device_id())));
    assert_ne!(ra1, rb1);
    assert_eq!(ra1[ra1.len() - 6..], rb1[rb1.len() - 6..]);
    server.exchange(&a, &b);

    let on_a = payments(&a);
    assert_eq!(on_a.len(), 4);
    let numbers: BTreeSet<&String> = on_a.iter().map(|p| &p.0).collect();
    assert_eq!(numbers, [&ra1, &ra2, &rb1, &rb2].into_iter().collect());
    same("payments", on_a, payments(&b));
    let devices: BTreeMap<Id, usize> =
        payments(&b).into_iter().fold(BTreeMap::new(), |mut m, p| {
            *m.entry(p.1).or_default() += 1;
            m
        });
    assert_eq!(devices[&a.device_id()], 2);
    assert_eq!(devices[&b.device_id()], 2);
    for id in &ids {
        same(
            "balance",
            fees::balance(&a, *id).unwrap(),
            fees::balance(&b, *id).unwrap(),
        );
        same(
            "statement",
            fees::statement(&a, *id).unwrap(),
            fees::statement(&b, *id).unwrap(),
        );
    }
    assert_eq!(fees::balance(&a, ids[0]).unwrap().balance, 90_000);
    // Both devices' chains verify on both.
    for d in [&a, &b] {
        let report = d.doctor().unwrap();
        assert!(report.ok, "{report:?}");
    }

    // Pulling the whole stream again changes nothing.
    let before = (ledger_count(&a), ledger_count(&b));
    assert_eq!(apply_pulled(&a, &server.page(0)).unwrap(), 0);
    assert_eq!(apply_pulled(&b, &server.page(0)).unwrap(), 0);
    assert_eq!((ledger_count(&a), ledger_count(&b)), before);
    // Even with the entries delivered as new ones (another entry id), the union inserts
    // nothing twice.
    let mut replayed = server.page(0);
    for p in &mut replayed.entries {
        p.entry.entry_id = Id::new().to_string();
        p.entry.seq += 1_000;
    }
    apply_pulled(&a, &replayed).unwrap();
    apply_pulled(&b, &replayed).unwrap();
    assert_eq!((ledger_count(&a), ledger_count(&b)), before);
    assert!(b.doctor().unwrap().ok);
}

#[test]
fn a_delete_newer_than_an_edit_removes_the_record_and_an_edit_newer_than_a_delete_keeps_it() {
    let (a, b, mut server, class, ids) = synced_pair();
    let s = ids[0];

    // The photo: B replaces it, then A removes it later: gone on both.
    students::set_photo(&a, s, &png(40, 40, [250, 0, 0])).unwrap();
    server.exchange(&a, &b);
    same(
        "photo",
        students::photo(&a, s).unwrap(),
        students::photo(&b, s).unwrap(),
    );
    students::set_photo(&b, s, &png(40, 40, [0, 0, 250])).unwrap();
    set_clock(&a, future(60));
    students::remove_photo(&a, s).unwrap();
    server.exchange(&a, &b);
    for d in [&a, &b] {
        assert_eq!(students::photo(d, s).unwrap(), None);
        assert!(!students::get(d, s).unwrap().has_photo);
    }

    // A removes a photo, then B sets a new one later: B's photo on both (apply.rs: a delete
    // wins only over the changes it is newer than; a newer edit brings the record back).
    students::set_photo(&a, s, &png(40, 40, [0, 250, 0])).unwrap();
    server.exchange(&a, &b);
    students::remove_photo(&a, s).unwrap();
    set_clock(&b, future(120));
    students::set_photo(&b, s, &png(40, 40, [9, 9, 9])).unwrap();
    let kept = students::photo(&b, s).unwrap();
    assert!(kept.is_some());
    server.exchange(&a, &b);
    assert_eq!(students::photo(&a, s).unwrap(), kept);
    assert_eq!(students::photo(&b, s).unwrap(), kept);

    // A student deleted on A (an import undone) whom B renamed later comes back on A whole:
    // the fields B did not change are the student's last known ones.
    let t = ids[1];
    set_clock(&a, future(180));
    a.write(|w| students::delete(w, t)).unwrap();
    set_clock(&b, future(240));
    edit_student(&b, t, |i| i.given_name = "Belinda".into());
    server.exchange(&a, &b);
    for d in [&a, &b] {
        let st = students::get(d, t).unwrap().student;
        assert_eq!(
            (
                st.given_name.as_str(),
                st.family_name.as_str(),
                st.admission_no.as_str()
            ),
            ("Belinda", "Nair", "A2")
        );
        assert_eq!(st.class_id, Some(class));
    }
    let found = search::search(&a, "Belinda", 10).unwrap();
    assert!(found.iter().any(|h| h.student.id == t));

    // B corrects a date of birth, A deletes the student later: gone on both.
    edit_student(&b, s, |i| i.dob = "2015-01-02".into());
    set_clock(&a, future(300));
    a.write(|w| students::delete(w, s)).unwrap();
    server.exchange(&a, &b);
    for d in [&a, &b] {
        assert_eq!(students::get(d, s).unwrap_err().code, ErrorCode::NotFound);
        assert!(search::search(d, "Aarav", 10).unwrap().is_empty());
    }
    same(
        "students",
        students::list(&a, &StudentFilter::default()).unwrap(),
        students::list(&b, &StudentFilter::default()).unwrap(),
    );
    assert!(b.doctor().unwrap().ok);
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("an object"),
    }
}

#[test]
fn missing_fields_take_defaults_and_malformed_ones_are_refused_clearly() {
    let d = device();
    set_up_school(&d);
    let r = replica("student").unwrap();
    let id = Id::new();
    d.write(|w| {
        r.store(
            w.conn(),
            id,
            &object(json!({"admission_no": "Z1", "given_name": "Zara", "shoe_size": 3})),
        )
    })
    .unwrap();
    let st = students::get(&d, id).unwrap().student;
    assert_eq!(
        (st.family_name.as_str(), st.class_id, st.dob, st.gender),
        ("", None, None, None)
    );
    assert!(!search::search(&d, "Zara", 10).unwrap().is_empty());
    let keys: Vec<String> = load(&d, "student", id).unwrap().keys().cloned().collect();
    assert_eq!(
        keys.into_iter().collect::<BTreeSet<_>>(),
        [
            "id",
            "admission_no",
            "given_name",
            "family_name",
            "dob",
            "gender",
            "class_id",
            "status",
            "admission_date"
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );

    let refused = |values: Value| {
        d.write(|w| r.store(w.conn(), Id::new(), &object(values)))
            .unwrap_err()
    };
    let e = refused(json!({"admission_no": "Z2", "given_name": 7}));
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::Validation, Some("student.given_name"))
    );
    let e = refused(json!({"admission_no": "Z3", "given_name": "Q", "dob": "31/12/2015"}));
    assert_eq!(e.field.as_deref(), Some("student.dob"));
    assert!(e.message.contains("31/12/2015"), "{}", e.message);
    let e = refused(json!({"given_name": "Nobody"}));
    assert_eq!(e.field.as_deref(), Some("student.admission_no"));
    let e = refused(json!({"admission_no": "z1", "given_name": "Zed"}));
    assert_eq!(e.code, ErrorCode::Conflict);

    // Through sync: a page holding a malformed entry is refused whole, the cursor unmoved.
    let entry = |record_type: &str, payload: Value| Entry {
        entry_id: Id::new().to_string(),
        device_id: Id::new().to_string(),
        seq: 1,
        record_type: record_type.into(),
        record_id: Id::new().to_string(),
        op: "insert".into(),
        payload: payload.into(),
        hlc: future(0),
        created_at: "2026-11-20T10:00:00.000Z".into(),
        user_id: None,
        user_name: None,
    };
    let page = |entries: Vec<Entry>| PullResponse {
        next_cursor: i64::try_from(entries.len()).unwrap(),
        entries: entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| Pulled {
                cursor: i64::try_from(i).unwrap() + 1,
                entry,
            })
            .collect(),
        more: false,
    };
    let good = entry("class", json!({"name": "Grade 9 C"}));
    let year = years::list(&d).unwrap()[0].year.id;
    let bad = entry(
        "holiday",
        json!({"year_id": year, "name": "Diwali", "start_date": 20261108}),
    );
    // The bad entry is parked with its reason; the good one beside it is applied.
    assert_eq!(apply_pulled(&d, &page(vec![bad, good])).unwrap(), 1);
    assert_eq!(cursor(&d), 2);
    assert!(classes::find_by_name(&d, "Grade 9 C").unwrap().is_some());
    let parked = crate::sync::status(&d).unwrap().parked;
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].record_type, "holiday");
    assert!(parked[0].reason.contains("date"), "{}", parked[0].reason);
    // An entry of a kind this version does not know is parked too, not lost.
    let unknown = entry("spaceship", json!({"name": "Enterprise"}));
    let good = entry("class", json!({"name": "Grade 9 D"}));
    let mut next = page(vec![unknown, good]);
    for (i, p) in next.entries.iter_mut().enumerate() {
        p.cursor = 3 + i64::try_from(i).unwrap();
    }
    next.next_cursor = 4;
    assert_eq!(apply_pulled(&d, &next).unwrap(), 1);
    assert_eq!(
        classes::find_by_name(&d, "Grade 9 D")
            .unwrap()
            .unwrap()
            .grade,
        ""
    );
    assert_eq!(cursor(&d), 4);
    let parked = crate::sync::status(&d).unwrap().parked;
    assert!(
        parked
            .iter()
            .any(|p| p.record_type == "spaceship" && p.reason.contains("update"))
    );
}

#[test]
fn cards_issued_on_both_devices_for_one_holder_leave_the_later_live_on_both() {
    let (a, b, mut server, _class, _ids) = synced_pair();
    let staff = staff::create(
        &a,
        &StaffInput {
            name: "Joseph D'Souza".into(),
            role: "Driver".into(),
            active: true,
        },
    )
    .unwrap()
    .id;
    server.exchange(&a, &b);
    let on_a = cards::card(&a, HolderKind::Staff, staff).unwrap();
    set_clock(&b, future(60));
    std::thread::sleep(std::time::Duration::from_millis(5));
    let on_b = cards::card(&b, HolderKind::Staff, staff).unwrap();
    assert_ne!(on_a.token, on_b.token);
    server.exchange(&a, &b);
    // One live card, B's (issued later), the same on both; A's is withdrawn on both.
    for d in [&a, &b] {
        assert_eq!(
            cards::card(d, HolderKind::Staff, staff).unwrap().token,
            on_b.token
        );
        let err = cards::check_in(d, &on_a.token).unwrap_err();
        assert_eq!(err.code, ErrorCode::Revoked);
    }
    same(
        "cards",
        records_of_kind(&a, "id_card"),
        records_of_kind(&b, "id_card"),
    );
}

/// Every record of a kind as its replica loads it, by id.
fn records_of_kind(store: &Store, kind: &str) -> BTreeMap<Id, Option<Map<String, Value>>> {
    let mut ids: BTreeSet<Id> = BTreeSet::new();
    for (t, id) in records_of(store) {
        if t == kind {
            ids.insert(id);
        }
    }
    let inbox: Vec<Id> = store
        .read(|c| {
            Ok(
                c.prepare("SELECT DISTINCT record_id FROM inbox WHERE record_type = ?1")?
                    .query_map([kind], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
            )
        })
        .unwrap();
    ids.extend(inbox);
    ids.into_iter()
        .map(|id| (id, load(store, kind, id)))
        .collect()
}

#[test]
fn one_structure_line_set_on_both_devices_ends_as_the_first_made_on_both() {
    let (a, b, mut server, class, _ids) = synced_pair();
    let term1 = years::list(&a).unwrap()[0].terms[0].id;
    let head = fees::add_head(
        &a,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    server.exchange(&a, &b);
    let line = |amount: &str| StructureInput {
        class_id: class,
        term_id: term1,
        head_id: head,
        amount: amount.into(),
        ..Default::default()
    };
    let first = fees::set_structure(&a, &line("1000")).unwrap();
    let second = fees::set_structure(&b, &line("1200")).unwrap();
    assert!(first.id < second.id);
    server.exchange(&a, &b);
    for d in [&a, &b] {
        let lines = fees::structure(d, None, None).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].id, lines[0].amount), (first.id, 100_000));
    }
    // An edit on B now edits the line kept, on both.
    fees::set_structure(&b, &line("1100")).unwrap();
    server.exchange(&a, &b);
    same(
        "structure",
        fees::structure(&a, None, None).unwrap(),
        fees::structure(&b, None, None).unwrap(),
    );
    assert_eq!(fees::structure(&a, None, None).unwrap()[0].amount, 110_000);
}

#[test]
fn records_that_clash_with_this_devices_own_are_refused_with_a_clear_conflict() {
    let (a, b, mut server, _class, _ids) = synced_pair();
    // Two classes of one name, made apart: B cannot take in A's.
    for d in [&a, &b] {
        classes::create(
            d,
            &ClassInput {
                name: "Grade 7".into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    server.push(&a);
    apply_pulled(&b, &server.page(cursor(&b))).unwrap();
    let parked = crate::sync::status(&b).unwrap().parked;
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].record_type, "class");
    assert!(parked[0].reason.contains("Grade 7"), "{}", parked[0].reason);
    // Retrying changes nothing while the clash lasts; once B renames its own class, A's
    // applies and leaves the parked list.
    assert_eq!(crate::sync::retry_parked(&b).unwrap(), 0);
    assert_eq!(crate::sync::status(&b).unwrap().parked.len(), 1);
    let mine = classes::find_by_name(&b, "Grade 7").unwrap().unwrap();
    classes::update(
        &b,
        mine.id,
        &ClassInput {
            name: "Grade 7 West".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(crate::sync::retry_parked(&b).unwrap(), 1);
    assert!(crate::sync::status(&b).unwrap().parked.is_empty());
    let names: Vec<String> = classes::list(&b)
        .unwrap()
        .into_iter()
        .map(|c| c.class.name)
        .collect();
    assert!(
        names.contains(&"Grade 7".to_owned()) && names.contains(&"Grade 7 West".to_owned()),
        "{names:?}"
    );
}

/// Both PCs apply the same structure to the same class while apart: each charges the same
/// students for the same line. Both charges stay in every ledger (each PC's chain holds its
/// own), every PC counts the same one, and nobody owes the fee twice.
#[test]
fn a_structure_applied_on_two_pcs_apart_charges_each_student_once() {
    let (a, b, mut server, class, ids) = synced_pair();
    let (term1, _) = tuition(
        &a,
        class,
        StructureInput {
            amount: "1000".into(),
            ..Default::default()
        },
    );
    server.exchange(&a, &b);
    fees::apply_structure(&a, class, term1, false).unwrap();
    fees::apply_structure(&b, class, term1, false).unwrap();
    server.exchange(&a, &b);
    server.exchange(&a, &b);
    for d in [&a, &b] {
        assert!(crate::sync::status(d).unwrap().parked.is_empty());
        for &s in &ids {
            let charges = fees::statement(d, s)
                .unwrap()
                .into_iter()
                .filter(|l| l.entry.kind == crate::fees::EntryKind::Charge)
                .count();
            assert_eq!(charges, 1, "charged {charges} times");
            assert_eq!(fees::balance(d, s).unwrap().balance, 100_000);
        }
        assert!(d.doctor().unwrap().ok, "the ledger chains verify");
    }
    same(
        "statements",
        ids.iter()
            .map(|&s| fees::statement(&a, s).unwrap())
            .collect::<Vec<_>>(),
        ids.iter()
            .map(|&s| fees::statement(&b, s).unwrap())
            .collect::<Vec<_>>(),
    );
    // A third PC, which gets the two charges in the server's order, counts the same one.
    let c = device();
    server.exchange(&c, &c);
    for &s in &ids {
        assert_eq!(
            fees::statement(&c, s).unwrap(),
            fees::statement(&a, s).unwrap()
        );
    }
}

#[test]
fn a_late_fine_posted_on_two_pcs_offline_is_owed_once() {
    let (a, b, mut server, class, ids) = synced_pair();
    // Long overdue: the fine has reached its cap of 500.00 on any day of this test.
    let (term1, _) = tuition(
        &a,
        class,
        StructureInput {
            amount: "1000".into(),
            due_date: "2026-05-15".into(),
            fine_kind: crate::fees::FineKind::PerDay,
            fine_amount: "10".into(),
            fine_cap: "500".into(),
            ..Default::default()
        },
    );
    fees::apply_structure(&a, class, term1, false).unwrap();
    server.exchange(&a, &b);
    let before = fees::balance(&a, ids[0]).unwrap();
    assert_eq!(before.fine_accrued, 50_000);
    assert_eq!(before.total_due, 150_000);

    // Both counters take a payment from the same family, offline: each posts the fine.
    fees::pay(&a, &cash(ids[0], "600")).unwrap();
    fees::pay(&b, &cash(ids[0], "300")).unwrap();
    server.exchange(&a, &b);
    server.exchange(&a, &b);
    for d in [&a, &b] {
        let f = fees::balance(d, ids[0]).unwrap();
        let due = &f.dues[0];
        assert_eq!(due.fine, 50_000, "the fine is owed once, not twice");
        assert_eq!(due.paid, 90_000);
        assert_eq!(f.balance, 1_000 * 100 + 50_000 - 90_000);
        assert_eq!(f.total_due, f.balance);
    }
}

/// A catch-up takes a large page cache for its many pages, and gives the memory back when
/// it ends, whether it ended well or not.
#[test]
fn a_catch_up_gives_its_memory_back_however_it_ends() {
    let (_dir, store) = new_store();
    let cache_kib = |s: &Store| {
        s.read(|c| Ok(c.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))?))
            .unwrap()
            .abs()
    };
    let usual = crate::store::CACHE_KIB;
    assert_eq!(cache_kib(&store), usual);

    let during = super::catching_up(&store, || Ok(cache_kib(&store))).unwrap();
    assert!(during >= 16 * usual, "a catch-up's cache: {during} KiB");
    assert_eq!(cache_kib(&store), usual, "back once it is done");

    let failed: crate::error::Result<()> = super::catching_up(&store, || {
        Err(crate::error::Error::new(
            ErrorCode::Offline,
            "The cloud stopped answering.",
        ))
    });
    assert_eq!(failed.unwrap_err().code, ErrorCode::Offline, "its error");
    assert_eq!(cache_kib(&store), usual, "back after a failed catch-up too");
}

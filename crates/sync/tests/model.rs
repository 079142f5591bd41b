//! A property test of sync as a whole: two or three office PCs and a real Rollbook cloud,
//! each PC behind a proxy of its own. Proptest makes a random run of work (admit a pupil,
//! correct a field, mark the roll, take a payment), syncs, and faults armed for a PC's next
//! request (dropped before the server sees it, the answer lost after the server committed,
//! a 500). At the end everyone syncs until nothing moves, and then every PC and the server
//! (read by a new PC that joins and pulls everything) hold the same school, every payment
//! exactly once, and each field and mark the value of the last change made to it.
//!
//! The last change wins exactly because every PC here reads one wall clock and the test
//! waits a couple of milliseconds before each change, so the hybrid clock orders the changes
//! as they were made. Each change's value is new (it carries the operation's number), so a
//! correction is never a no-op on a PC whose copy is stale.
//!
//! `PROPTEST_CASES` sets the number of runs of each of the two tests (10 and 8 by default).

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Cloud, Fault, Pc, add_student, assert_converged, pay, recent_days, set_up_school};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rollbook_core::attendance::{self, MarkInput, RollInput};
use rollbook_core::students::{self, StudentFilter, StudentRow};
use rollbook_core::{ErrorCode, Id, fees};

const DAYS: usize = 3;

#[derive(Debug, Clone, Copy)]
enum Field {
    GivenName,
    FamilyName,
    Dob,
}

#[derive(Debug, Clone, Copy)]
enum Code {
    Present,
    Absent,
    Late,
}

#[derive(Debug, Clone, Copy)]
enum Trouble {
    /// The next push is dropped before the server sees it.
    PushDropped,
    /// The next push is committed by the server, its answer lost.
    PushAnswerLost,
    /// The next pull is dropped before the server sees it.
    PullDropped,
    /// The next pull's answer is lost.
    PullAnswerLost,
    /// The next request of any kind is answered 500 in front of the server.
    Error500,
}

/// One thing that happens. `pc` is taken modulo the number of PCs, `pick` modulo the
/// number of students the PC knows.
#[derive(Debug, Clone)]
enum Op {
    Admit {
        pc: usize,
    },
    Edit {
        pc: usize,
        pick: usize,
        field: Field,
    },
    Mark {
        pc: usize,
        pick: usize,
        day: usize,
        code: Code,
    },
    Pay {
        pc: usize,
        pick: usize,
        amount: u32,
    },
    Sync {
        pc: usize,
    },
    Fault {
        pc: usize,
        trouble: Trouble,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let pc = 0..3usize;
    let pick = 0..64usize;
    prop_oneof![
        2 => pc.clone().prop_map(|pc| Op::Admit { pc }),
        3 => (pc.clone(), pick.clone(), prop_oneof![
            Just(Field::GivenName), Just(Field::FamilyName), Just(Field::Dob)
        ])
            .prop_map(|(pc, pick, field)| Op::Edit { pc, pick, field }),
        3 => (pc.clone(), pick.clone(), 0..DAYS, prop_oneof![
            Just(Code::Present), Just(Code::Absent), Just(Code::Late)
        ])
            .prop_map(|(pc, pick, day, code)| Op::Mark { pc, pick, day, code }),
        2 => (pc.clone(), pick, 1..800u32)
            .prop_map(|(pc, pick, amount)| Op::Pay { pc, pick, amount }),
        4 => pc.clone().prop_map(|pc| Op::Sync { pc }),
        2 => (pc, prop_oneof![
            Just(Trouble::PushDropped),
            Just(Trouble::PushAnswerLost),
            Just(Trouble::PullDropped),
            Just(Trouble::PullAnswerLost),
            Just(Trouble::Error500),
        ])
            .prop_map(|(pc, trouble)| Op::Fault { pc, trouble }),
    ]
}

/// What the school should look like: the value of the last change to each field and mark.
#[derive(Debug, Default)]
struct Expected {
    /// By admission number: given name, family name, date of birth.
    students: BTreeMap<String, (String, String, Option<String>)>,
    /// By admission number and day: the code and minutes late.
    marks: BTreeMap<(String, usize), (String, Option<u32>)>,
    receipts: Vec<String>,
}

/// A PC's students, by admission number.
fn students_on(pc: &Pc) -> Vec<StudentRow> {
    let mut rows = students::list(pc, &StudentFilter::default()).unwrap();
    rows.sort_by(|a, b| a.admission_no.cmp(&b.admission_no));
    rows
}

/// Waits until the wall clock has moved past every stamp made so far (see the top).
fn next_millisecond() {
    std::thread::sleep(Duration::from_millis(2));
}

fn run_case(cloud: &Cloud, n: usize, ops: &[Op]) {
    let school_id = cloud.new_school("Model school");
    let days = recent_days(DAYS);
    let mut pcs: Vec<Pc> = (0..n).map(|i| Pc::new(&format!("PC {i}"), cloud)).collect();
    let mut expected = Expected::default();

    // PC 0 sets the school up with two pupils; the others join and pull it.
    let school = set_up_school(&pcs[0]);
    for (adm, given) in [("P0-0", "Asha"), ("P0-00", "Bela")] {
        add_student(&pcs[0], school.class, adm, given);
        expected
            .students
            .insert(adm.into(), (given.into(), "Rao".into(), None));
    }
    fees::apply_structure(&pcs[0], school.class, school.term, false).unwrap();
    for pc in &mut pcs {
        pc.enrol(cloud, &school_id);
        pc.sync_ok(cloud);
    }

    let mut admitted = vec![0usize; n];
    for (k, op) in ops.iter().enumerate() {
        match *op {
            Op::Admit { pc } => {
                let pc = pc % n;
                admitted[pc] += 1;
                // Admission numbers are unique per PC: two PCs giving one number offline is
                // a known clash (the second is parked for a person), not what this tests.
                let adm = format!("P{pc}-{}", admitted[pc]);
                let given = format!("Pupil {k}");
                next_millisecond();
                add_student(&pcs[pc], school.class, &adm, &given);
                expected.students.insert(adm, (given, "Rao".into(), None));
            }
            Op::Edit { pc, pick, field } => {
                let pc = &pcs[pc % n];
                let rows = students_on(pc);
                let row = &rows[pick % rows.len()];
                let mut input = common::input_of(pc, row.id);
                let want = expected.students.get_mut(&row.admission_no).unwrap();
                match field {
                    Field::GivenName => {
                        input.given_name = format!("Given {k}");
                        want.0 = input.given_name.clone();
                    }
                    Field::FamilyName => {
                        input.family_name = format!("Family {k}");
                        want.1 = input.family_name.clone();
                    }
                    Field::Dob => {
                        let dob = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()
                            + chrono::Duration::days(k as i64);
                        input.dob = dob.to_string();
                        want.2 = Some(input.dob.clone());
                    }
                }
                next_millisecond();
                students::update(pc, row.id, &input).unwrap();
            }
            Op::Mark {
                pc,
                pick,
                day,
                code,
            } => {
                let pc = &pcs[pc % n];
                let rows = students_on(pc);
                let row = &rows[pick % rows.len()];
                let (letter, late) = match code {
                    Code::Present => ("P", None),
                    Code::Absent => ("A", None),
                    Code::Late => ("L", Some(u32::try_from(k % 700).unwrap() + 1)),
                };
                next_millisecond();
                let saved = attendance::save_roll(
                    pc,
                    &RollInput {
                        class_id: school.class,
                        date: days[day].clone(),
                        session: String::new(),
                        marks: vec![MarkInput {
                            student_id: row.id,
                            code: letter.into(),
                            late_minutes: late,
                            reason: None,
                        }],
                        taken_by: None,
                    },
                )
                .unwrap();
                // A mark given again as the PC already has it changes nothing (and stamps
                // nothing): the last change stays what it was.
                if saved.unchanged == 0 {
                    expected
                        .marks
                        .insert((row.admission_no.clone(), day), (letter.into(), late));
                }
            }
            Op::Pay { pc, pick, amount } => {
                let pc = &pcs[pc % n];
                let rows = students_on(pc);
                let row = &rows[pick % rows.len()];
                // No more than the PC thinks is owed (the core refuses more); a PC that has
                // not heard of another's payment may still take the student into credit.
                let owed = fees::balance(pc, row.id).unwrap().balance;
                let paise = (i64::from(amount) * 100).min(owed);
                if paise > 0 {
                    let text = format!("{}.{:02}", paise / 100, paise % 100);
                    expected.receipts.push(pay(pc, row.id, &text));
                }
            }
            Op::Sync { pc } => {
                let pc = &pcs[pc % n];
                let armed = pc.proxy.armed();
                let result = pc.sync(cloud);
                let hit = armed - pc.proxy.armed();
                match result {
                    Ok(report) => {
                        assert_eq!(hit, 0, "{}: synced through a fault: {report:?}", pc.name);
                        assert_eq!(report.pending, 0, "{}: {report:?}", pc.name);
                        assert_eq!(pc.pending(), 0, "{}", pc.name);
                    }
                    Err(e) => {
                        assert_eq!(hit, 1, "{}: failed without a fault: {e:?}", pc.name);
                        assert_eq!(e.code, ErrorCode::Offline, "{}: {e:?}", pc.name);
                    }
                }
            }
            Op::Fault { pc, trouble } => {
                let proxy = &pcs[pc % n].proxy;
                if proxy.armed() < 2 {
                    let (path, fault) = match trouble {
                        Trouble::PushDropped => ("/v1/push", Fault::DropRequest),
                        Trouble::PushAnswerLost => ("/v1/push", Fault::DropAnswer),
                        Trouble::PullDropped => ("/v1/pull", Fault::DropRequest),
                        Trouble::PullAnswerLost => ("/v1/pull", Fault::DropAnswer),
                        Trouble::Error500 => ("/v1/", Fault::Answer500),
                    };
                    proxy.arm(path, fault);
                }
            }
        }
    }

    // The network heals; everyone syncs until a whole round moves nothing.
    for pc in &pcs {
        pc.proxy.disarm();
    }
    let mut quiet = false;
    for _ in 0..4 {
        let mut moved = 0;
        for pc in &pcs {
            let r = pc.sync_ok(cloud);
            moved += r.pushed + r.pulled;
        }
        if moved == 0 {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "still moving after four rounds of syncs");

    // The server's copy, as a new PC that joins the school gets it.
    let mut newcomer = Pc::new("Newcomer", cloud);
    newcomer.enrol(cloud, &school_id);
    newcomer.sync_ok(cloud);
    let mut everyone: Vec<&Pc> = pcs.iter().collect();
    everyone.push(&newcomer);
    assert_converged(&everyone, &days, &expected.receipts);
    cloud.check_stream(&school_id);

    // And it is the school the changes made.
    for pc in &everyone {
        let got: BTreeMap<String, (String, String, Option<String>)> = students_on(pc)
            .into_iter()
            .map(|s| {
                (
                    s.admission_no,
                    (s.given_name, s.family_name, s.dob.map(|d| d.to_string())),
                )
            })
            .collect();
        assert_eq!(got, expected.students, "{}: students", pc.name);
        let ids: BTreeMap<Id, String> = students_on(pc)
            .into_iter()
            .map(|s| (s.id, s.admission_no))
            .collect();
        let mut marks = BTreeMap::new();
        for (day, date) in days.iter().enumerate() {
            let roll = attendance::get_roll(pc, school.class, date, "").unwrap();
            for e in roll.entries {
                if let Some(code) = e.code {
                    marks.insert((ids[&e.student_id].clone(), day), (code, e.late_minutes));
                }
            }
        }
        assert_eq!(marks, expected.marks, "{}: marks", pc.name);
    }
}

/// Runs `cases` random runs (`PROPTEST_CASES` overrides) with `pcs` PCs, on a server of
/// their own (a new school for each run).
fn check_runs(pcs: usize, cases: u32) {
    let cloud = Cloud::start();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new(Config {
        cases,
        // Each run is a real server and two or three real stores: shrink briefly.
        max_shrink_iters: 32,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&proptest::collection::vec(op(), 20..=32), |ops| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(&cloud, pcs, &ops)))
            .map_err(|e| {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                TestCaseError::fail(why)
            })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

// Two tests, so that the harness runs them side by side.

#[test]
fn two_pcs_and_the_server_agree_after_any_run_of_work_syncs_and_faults() {
    check_runs(2, 10);
}

#[test]
fn three_pcs_and_the_server_agree_after_any_run_of_work_syncs_and_faults() {
    check_runs(3, 8);
}

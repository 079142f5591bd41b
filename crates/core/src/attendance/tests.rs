use super::*;
use crate::calendar::{self, HolidayInput};
use crate::error::ErrorCode;
use crate::store::Store;
use crate::testing::{class_with_students, new_store, set_up_school};

// The school year in the test school runs 2026-04-01 to 2027-03-31; 16-20 November 2026 is
// a Monday-to-Friday week in the past.
const MON: &str = "2026-11-16";
const TUE: &str = "2026-11-17";
const WED: &str = "2026-11-18";
const THU: &str = "2026-11-19";
const FRI: &str = "2026-11-20";
const SAT: &str = "2026-11-21";

fn school() -> (tempfile::TempDir, Store, Id, Vec<Id>) {
    let (dir, store) = new_store();
    set_up_school(&store);
    // Listed out of name order: the roll numbers follow family then given name.
    let (class, ids) = class_with_students(
        &store,
        "Grade 5 B",
        &[
            ("A3", "Chitra", "Rao"),
            ("A1", "Aarav", "Iyer"),
            ("A2", "Bela", "Nair"),
        ],
    );
    (dir, store, class, ids)
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

fn count_marks(store: &Store) -> i64 {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM attendance_marks", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn a_roll_is_saved_and_a_remark_updates_the_one_mark_keeping_its_history() {
    let (_dir, store, class, ids) = school();
    let first = save_roll(
        &store,
        &roll(
            class,
            MON,
            vec![mark(ids[0], "P"), mark(ids[1], "a"), mark(ids[2], "P")],
        ),
    )
    .unwrap();
    assert_eq!(
        first,
        RollSaved {
            marked: 3,
            changed: 0,
            unchanged: 0
        }
    );

    // The absentee turns up late: marking them again changes their mark, never adds one.
    let mut late = mark(ids[1], "L");
    late.late_minutes = Some(15);
    let second = save_roll(&store, &roll(class, MON, vec![late, mark(ids[0], "P")])).unwrap();
    assert_eq!(
        second,
        RollSaved {
            marked: 0,
            changed: 1,
            unchanged: 1
        }
    );
    assert_eq!(count_marks(&store), 3);

    let history = history(&store, ids[1], MON, "day").unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].code, "L");
    assert_eq!(history[0].late_minutes, Some(15));
    assert!(history[0].replaced_at.is_none());
    assert_eq!(history[1].code, "A");
    assert!(history[1].replaced_at.is_some());
    assert_eq!(history[1].device_id, store.device_id());

    // Every change went through the outbox: three inserts, then one update.
    let entries = store.pending_outbox(100).unwrap();
    let marks: Vec<_> = entries
        .iter()
        .filter(|e| e.record_type == "attendance_mark")
        .collect();
    assert_eq!(marks.len(), 4);
    assert_eq!(marks[3].op, "update");
}

#[test]
fn the_schema_refuses_a_second_mark_for_the_same_student_date_and_session() {
    let (_dir, store, class, ids) = school();
    save_roll(&store, &roll(class, MON, vec![mark(ids[0], "P")])).unwrap();
    let err = store
        .write(|w| {
            w.conn().execute(
                "INSERT INTO attendance_marks (id, student_id, date, session, code, source, marked_at, device_id)
                 VALUES ('x', ?1, ?2, 'day', 'A', 'roll', 'now', 'd')",
                rusqlite::params![ids[0], MON],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert!(err.message.contains("UNIQUE"), "{err:?}");
    assert_eq!(count_marks(&store), 1);
}

#[test]
fn two_devices_marking_the_same_student_make_the_same_mark_id() {
    // The id comes from the student, date and session, so sync sees one record.
    let student = Id::new();
    let date = MON.parse().unwrap();
    assert_eq!(
        marks::mark_id(student, date, "day"),
        marks::mark_id(student, date, "day")
    );
    assert_ne!(
        marks::mark_id(student, date, "am"),
        marks::mark_id(student, date, "pm")
    );
}

#[test]
fn bad_rolls_are_refused_whole_with_each_problem_named() {
    let (_dir, store, class, ids) = school();
    let (_other_class, others) = class_with_students(&store, "Grade 6 A", &[("B1", "Dev", "Shah")]);
    let mut late = mark(ids[1], "L");
    late.late_minutes = None;
    let err = save_roll(
        &store,
        &roll(
            class,
            MON,
            vec![
                mark(ids[0], "Z"),
                late,
                mark(others[0], "P"),
                mark(ids[2], "P"),
                mark(ids[2], "A"),
            ],
        ),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "marks[0].code",
            "marks[1].late_minutes",
            "marks[2].student_id",
            "marks[4].student_id"
        ]
    );
    assert!(
        err.details[0]
            .message
            .contains("\"Z\" is not an attendance code")
    );
    assert_eq!(count_marks(&store), 0, "nothing of a refused roll is saved");
}

#[test]
fn attendance_is_taken_on_school_days_only() {
    let (_dir, store, class, ids) = school();
    let year = calendar::get(&store, None).unwrap().year.id;
    calendar::add_holiday(
        &store,
        year,
        &HolidayInput {
            name: "Founders' Day".into(),
            start_date: WED.into(),
            end_date: String::new(),
        },
    )
    .unwrap();
    let try_on = |date: &str| save_roll(&store, &roll(class, date, vec![mark(ids[0], "P")]));
    let err = try_on(SAT).unwrap_err();
    assert!(
        err.message.contains("not a school day (Saturday)"),
        "{err:?}"
    );
    let err = try_on(WED).unwrap_err();
    assert!(err.message.contains("Founders' Day"), "{err:?}");
    let err = try_on("2099-01-05").unwrap_err();
    assert!(err.message.contains("future"), "{err:?}");
    let err = try_on("2025-01-06").unwrap_err();
    assert!(err.message.contains("no academic year"), "{err:?}");

    // A school that opens on Saturdays says so, and then can take the roll.
    calendar::set_working_days(&store, year, &[1, 2, 3, 4, 5, 6]).unwrap();
    try_on(SAT).unwrap();
}

#[test]
fn the_roll_shows_roll_numbers_marks_and_who_has_been_away() {
    let (_dir, store, class, ids) = school();
    // Aarav (ids[1]) is away Mon, Tue, Wed; Bela (ids[2]) only on Wed.
    for (date, aarav, bela) in [(MON, "A", "P"), (TUE, "E", "P"), (WED, "A", "A")] {
        save_roll(
            &store,
            &roll(
                class,
                date,
                vec![mark(ids[0], "P"), mark(ids[1], aarav), mark(ids[2], bela)],
            ),
        )
        .unwrap();
    }
    let r = get_roll(&store, class, THU, "").unwrap();
    assert_eq!(r.session, "day");
    assert_eq!(r.day, DayKind::Working);
    assert!(!r.taken);
    assert_eq!(r.previous_day, Some(WED.parse().unwrap()));
    let names: Vec<(u32, &str)> = r
        .entries
        .iter()
        .map(|e| (e.roll_no, e.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [(1, "Aarav Iyer"), (2, "Bela Nair"), (3, "Chitra Rao")]
    );
    assert!(r.entries.iter().all(|e| e.code.is_none()), "not marked yet");
    let aarav = &r.entries[0];
    assert!(aarav.away_previous_day);
    assert_eq!(aarav.away_streak, 3);
    let bela = &r.entries[1];
    assert!(bela.away_previous_day);
    assert_eq!(bela.away_streak, 1);
    assert!(!r.entries[2].away_previous_day);
    assert_eq!(r.entries[2].away_streak, 0);

    let r = get_roll(&store, class, WED, "").unwrap();
    assert!(r.taken);
    assert_eq!(r.entries[0].code.as_deref(), Some("A"));
    assert_eq!(r.entries[0].away_streak, 2, "Mon and Tue, before Wednesday");
}

use crate::calendar::DayKind;
use crate::id::Id;

#[test]
fn registers_not_taken_lists_the_classes_without_marks_for_the_session() {
    let (_dir, store, class, ids) = school();
    let (other, _) = class_with_students(&store, "Grade 6 A", &[("B1", "Dev", "Shah")]);
    // A class with nobody in it has no register to take.
    crate::testing::class_with_students(&store, "Grade 7 A", &[]);
    let names = |date: &str| -> Vec<String> {
        registers_not_taken(&store, date, "")
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    assert_eq!(names(MON), ["Grade 5 B", "Grade 6 A"]);
    save_roll(&store, &roll(class, MON, vec![mark(ids[0], "P")])).unwrap();
    assert_eq!(names(MON), ["Grade 6 A"]);
    assert!(
        names(SAT).is_empty(),
        "no register on a day the school is shut"
    );
    let _ = other;
}

#[test]
fn percentages_count_working_days_late_as_present_and_half_days_as_half() {
    let (_dir, store, class, ids) = school();
    let aarav = ids[1];
    for (date, code) in [(MON, "P"), (TUE, "L"), (WED, "H"), (THU, "A"), (FRI, "P")] {
        let mut m = mark(aarav, code);
        if code == "L" {
            m.late_minutes = Some(5);
        }
        save_roll(&store, &roll(class, date, vec![m, mark(ids[0], "P")])).unwrap();
    }
    let s = student_summary(&store, aarav, Some(MON), Some(FRI)).unwrap();
    assert_eq!(s.working_days, 5);
    assert_eq!(s.tally.marked, 5);
    assert_eq!(
        (
            s.tally.present,
            s.tally.late,
            s.tally.half_day,
            s.tally.absent
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(s.tally.percentage, Some(70.0), "3.5 of 5");
    assert_eq!(s.marks[0].date.to_string(), FRI);

    // Friday becomes a holiday after the fact: its mark stays but is no longer counted.
    let year = calendar::get(&store, None).unwrap().year.id;
    calendar::add_holiday(
        &store,
        year,
        &HolidayInput {
            name: "Rain closure".into(),
            start_date: FRI.into(),
            end_date: FRI.into(),
        },
    )
    .unwrap();
    let s = student_summary(&store, aarav, Some(MON), Some(FRI)).unwrap();
    assert_eq!(s.working_days, 4);
    assert_eq!(s.tally.percentage, Some(62.5), "2.5 of 4");
    assert!(!s.marks[0].counted);

    let c = class_summary(&store, class, Some(MON), Some(SAT)).unwrap();
    assert_eq!(c.days.len(), 6);
    assert_eq!(c.days[0].tally.marked, 2);
    assert_eq!(c.days[0].tally.percentage, Some(100.0));
    assert_eq!(
        c.days[3].tally.percentage,
        Some(50.0),
        "Thursday: one of two"
    );
    assert!(matches!(c.days[4].day, DayKind::Holiday { .. }));
    assert_eq!(c.days[4].tally.marked, 0);
    assert_eq!(c.days[5].day, DayKind::Weekend);
    let aarav_row = c.students.iter().find(|s| s.student_id == aarav).unwrap();
    assert_eq!(aarav_row.roll_no, 1);
    assert_eq!(aarav_row.tally.percentage, Some(62.5));
    assert_eq!(c.students[1].tally.marked, 0, "Bela was never marked");
    assert_eq!(c.students[1].tally.percentage, None);

    let chronic = chronic_absentees(&store, Some(MON), Some(FRI), Some(75), None).unwrap();
    assert_eq!(chronic.len(), 1);
    assert_eq!(chronic[0].name, "Aarav Iyer");
    assert_eq!(chronic[0].class_name, "Grade 5 B");
    assert!(
        chronic_absentees(&store, Some(MON), Some(FRI), Some(60), None)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn schools_rename_codes_and_add_their_own() {
    let (_dir, store, class, ids) = school();
    let renamed = save_code(
        &store,
        &CodeInput {
            letter: "e".into(),
            name: "On leave".into(),
            kind: CodeKind::Excused,
            active: true,
        },
    )
    .unwrap();
    assert_eq!(renamed.letter, "E");
    assert!(renamed.builtin);
    // A built-in code keeps its meaning.
    let err = save_code(
        &store,
        &CodeInput {
            letter: "A".into(),
            name: "Absent".into(),
            kind: CodeKind::Present,
            active: true,
        },
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("kind"));

    save_code(
        &store,
        &CodeInput {
            letter: "S".into(),
            name: "Sick".into(),
            kind: CodeKind::Excused,
            active: true,
        },
    )
    .unwrap();
    let all = codes(&store).unwrap();
    assert!(all.iter().any(|c| c.letter == "E" && c.name == "On leave"));
    save_roll(&store, &roll(class, MON, vec![mark(ids[0], "S")])).unwrap();
    let s = student_summary(&store, ids[0], Some(MON), Some(MON)).unwrap();
    assert_eq!(s.tally.excused, 1);
    assert_eq!(s.tally.percentage, Some(0.0));

    // Turned off, it can no longer be used, and the roll says which codes can.
    save_code(
        &store,
        &CodeInput {
            letter: "S".into(),
            name: "Sick".into(),
            kind: CodeKind::Excused,
            active: false,
        },
    )
    .unwrap();
    let err = save_roll(&store, &roll(class, TUE, vec![mark(ids[0], "S")])).unwrap_err();
    assert!(err.message.contains("A, E, H, L, P"), "{err:?}");
}

#[test]
fn schools_with_morning_and_afternoon_rolls_mark_each_session_once() {
    let (_dir, store, class, ids) = school();
    let s = update_settings(
        &store,
        &SettingsInput {
            session_mode: SessionMode::Halves,
            periods: 1,
            late_after: "8:45".into(),
            chronic_threshold: 80,
        },
    )
    .unwrap();
    assert_eq!(s.late_after, "08:45");
    let keys: Vec<&str> = s.sessions.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["am", "pm"]);
    let mut am = roll(class, MON, vec![mark(ids[0], "P")]);
    am.session = "AM".into();
    save_roll(&store, &am).unwrap();
    let mut pm = roll(class, MON, vec![mark(ids[0], "A")]);
    pm.session = "pm".into();
    save_roll(&store, &pm).unwrap();
    assert_eq!(count_marks(&store), 2);
    let s = student_summary(&store, ids[0], Some(MON), Some(MON)).unwrap();
    assert_eq!(s.tally.percentage, Some(50.0));
    let mut bad = roll(class, MON, vec![mark(ids[0], "P")]);
    bad.session = "day".into();
    let err = save_roll(&store, &bad).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("session"));

    let err = update_settings(
        &store,
        &SettingsInput {
            session_mode: SessionMode::Periods,
            periods: 0,
            late_after: "25:00".into(),
            chronic_threshold: 0,
        },
    )
    .unwrap_err();
    assert_eq!(err.details.len(), 3);
}

#[test]
fn the_history_says_who_took_each_roll() {
    let (_dir, store, class, ids) = school();
    let meera = crate::staff::create(
        &store,
        &crate::staff::StaffInput {
            name: "Meera Pillai".into(),
            role: "Teacher".into(),
            active: true,
        },
    )
    .unwrap();
    let ravi = crate::staff::create(
        &store,
        &crate::staff::StaffInput {
            name: "Ravi Menon".into(),
            role: "Teacher".into(),
            active: true,
        },
    )
    .unwrap();
    let mut first = roll(class, MON, vec![mark(ids[0], "A")]);
    first.taken_by = Some(meera.id);
    save_roll(&store, &first).unwrap();
    let mut second = roll(class, MON, vec![mark(ids[0], "P")]);
    second.taken_by = Some(ravi.id);
    save_roll(&store, &second).unwrap();
    let h = history(&store, ids[0], MON, "").unwrap();
    let who: Vec<(&str, &str)> = h
        .iter()
        .map(|c| (c.code.as_str(), c.marked_by.as_str()))
        .collect();
    assert_eq!(who, [("P", "Ravi Menon"), ("A", "Meera Pillai")]);

    let mut stranger = roll(class, TUE, vec![mark(ids[0], "P")]);
    stranger.taken_by = Some(Id::new());
    assert_eq!(
        save_roll(&store, &stranger).unwrap_err().field.as_deref(),
        Some("taken_by")
    );
}

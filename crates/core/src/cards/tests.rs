use chrono::{DateTime, Utc};

use super::checkin::check_in_at;
use super::*;
use crate::error::ErrorCode;
use crate::staff::{self, StaffInput};
use crate::testing::{class_with_students, new_store, set_up_school};

/// An instant given as the school's local time (Asia/Kolkata, UTC+05:30).
fn at_school(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{local}:00+05:30"))
        .unwrap()
        .with_timezone(&Utc)
}

fn setup() -> (tempfile::TempDir, Store, Id, Vec<Id>) {
    let (dir, store) = new_store();
    set_up_school(&store);
    let (class, ids) = class_with_students(
        &store,
        "Grade 5 B",
        &[("A1", "Aarav", "Iyer"), ("A2", "Bela", "Nair")],
    );
    (dir, store, class, ids)
}

#[test]
fn class_cards_carry_an_opaque_token_issued_once() {
    let (_dir, store, class, ids) = setup();
    let cards = class_cards(&store, class).unwrap();
    assert_eq!(cards.len(), 2);
    let card = &cards[0];
    assert_eq!(card.holder_id, ids[0]);
    assert_eq!(card.name, "Aarav Iyer");
    assert_eq!(card.subtitle, "Grade 5 B");
    assert_eq!(card.number, "A1");
    assert_eq!(card.token.len(), 22);
    assert!(card.token.starts_with("RB"));
    // Opaque: random, not made from the student's details (the same student in another
    // school's store gets another token).
    let (_other_dir, other, other_class, _) = setup();
    let other_card = &class_cards(&other, other_class).unwrap()[0];
    assert_eq!(other_card.number, card.number);
    assert_ne!(other_card.token, card.token);
    assert!(card.qr_svg.contains("<svg"));
    assert_ne!(cards[0].token, cards[1].token);
    // Printing again gives the same cards.
    let again = class_cards(&store, class).unwrap();
    assert_eq!(again[0].token, card.token);
}

#[test]
fn a_scan_marks_present_before_the_cut_off_and_late_after_it_and_repeats_change_nothing() {
    let (_dir, store, class, ids) = setup();
    let cards = class_cards(&store, class).unwrap();
    let early = check_in_at(&store, &cards[0].token, at_school("2026-11-18T08:10")).unwrap();
    assert_eq!(early.outcome, CheckInOutcome::Present);
    assert_eq!(early.time, "08:10");
    assert_eq!(early.name, "Aarav Iyer");

    // A scanner on another keyboard layout may type lower case, with a stray space.
    let scanned = format!(" {} ", cards[1].token.to_lowercase());
    let late = check_in_at(&store, &scanned, at_school("2026-11-18T08:52")).unwrap();
    assert_eq!(late.outcome, CheckInOutcome::Late);
    assert_eq!(late.late_minutes, Some(22));

    let again = check_in_at(&store, &cards[0].token, at_school("2026-11-18T09:30")).unwrap();
    assert_eq!(again.outcome, CheckInOutcome::Already);
    let roll = crate::attendance::get_roll(&store, class, "2026-11-18", "").unwrap();
    let codes: Vec<Option<&str>> = roll.entries.iter().map(|e| e.code.as_deref()).collect();
    assert_eq!(codes, [Some("P"), Some("L")]);
    assert_eq!(roll.entries[1].late_minutes, Some(22));
    let _ = ids;
}

#[test]
fn a_student_marked_absent_who_then_arrives_is_marked_late_with_the_absence_in_history() {
    let (_dir, store, class, ids) = setup();
    let cards = class_cards(&store, class).unwrap();
    crate::attendance::save_roll(
        &store,
        &crate::attendance::RollInput {
            class_id: class,
            date: "2026-11-18".into(),
            session: String::new(),
            marks: vec![crate::attendance::MarkInput {
                student_id: ids[0],
                code: "A".into(),
                late_minutes: None,
                reason: None,
            }],
            taken_by: None,
        },
    )
    .unwrap();
    let c = check_in_at(&store, &cards[0].token, at_school("2026-11-18T09:05")).unwrap();
    assert_eq!(c.outcome, CheckInOutcome::Late);
    let h = crate::attendance::history(&store, ids[0], "2026-11-18", "day").unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!((h[0].code.as_str(), h[0].source.as_str()), ("L", "scan"));
    assert_eq!((h[1].code.as_str(), h[1].source.as_str()), ("A", "roll"));
}

#[test]
fn unknown_and_withdrawn_cards_are_refused_clearly() {
    let (_dir, store, class, ids) = setup();
    let old = class_cards(&store, class).unwrap()[0].token.clone();
    let err = check_in_at(
        &store,
        "RB0000000000000000000",
        at_school("2026-11-18T08:00"),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("not known"));
    let err = check_in_at(&store, "   ", at_school("2026-11-18T08:00")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);

    let new = reissue(&store, HolderKind::Student, ids[0]).unwrap();
    assert_ne!(new.token, old);
    let err = check_in_at(&store, &old, at_school("2026-11-18T08:00")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Revoked);
    assert!(err.message.contains("withdrawn"));
    check_in_at(&store, &new.token, at_school("2026-11-18T08:00")).unwrap();

    // No check-in on a day the school is shut.
    let err = check_in_at(&store, &new.token, at_school("2026-11-21T08:00")).unwrap_err();
    assert!(err.message.contains("not a school day"), "{err:?}");
}

#[test]
fn staff_check_in_with_their_own_cards_once_a_day() {
    let (_dir, store, _class, _ids) = setup();
    let teacher = staff::create(
        &store,
        &StaffInput {
            name: "Meera Pillai".into(),
            role: "Teacher".into(),
            active: true,
        },
    )
    .unwrap();
    let cards = staff_cards(&store).unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].subtitle, "Teacher");
    let first = check_in_at(&store, &cards[0].token, at_school("2026-11-18T08:40")).unwrap();
    assert_eq!(first.outcome, CheckInOutcome::Late);
    assert_eq!(first.late_minutes, Some(10));
    let second = check_in_at(&store, &cards[0].token, at_school("2026-11-18T12:00")).unwrap();
    assert_eq!(second.outcome, CheckInOutcome::Already);
    let arrivals = staff::arrivals(&store, Some("2026-11-18")).unwrap();
    assert_eq!(arrivals.len(), 1);
    assert_eq!(arrivals[0].code.as_deref(), Some("L"));
    assert!(
        staff::arrivals(&store, Some("2026-11-17")).unwrap()[0]
            .code
            .is_none()
    );

    staff::update(
        &store,
        teacher.id,
        &StaffInput {
            name: "Meera Pillai".into(),
            role: "Teacher".into(),
            active: false,
        },
    )
    .unwrap();
    let err = check_in_at(&store, &cards[0].token, at_school("2026-11-19T08:00")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Revoked);
}

//! A PC whose wall clock is days ahead, through a real Rollbook cloud on 127.0.0.1.
//!
//! The core reads the wall clock itself (not something a test can set), so the staff room's
//! fast clock is made the way the rest of the school sees it: its changes are real outbox
//! entries of a real store, pushed to the server with their clock stamps (and creation
//! times) three days ahead, as that PC would have stamped them. The other PCs pull them
//! through the server like any other entries.

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use common::{
    Cloud, Pc, add_student, assert_converged, edit_student, mark, pay, recent_days, set_up_school,
};
use rollbook_core::hlc::Hlc;
use rollbook_core::{Store, attendance, fees, students};
use rollbook_protocol::{MAX_BATCH, PushRequest, PushResponse};

const THREE_DAYS_MS: i64 = 3 * 24 * 60 * 60 * 1000;

/// Pushes `pc`'s pending entries as a PC whose clock is `skew_ms` ahead would have stamped
/// them, and records the server's answer on `pc`. Answers the newest stamp pushed.
fn push_from_the_future(pc: &Pc, skew_ms: i64) -> Hlc {
    let enrolment = rollbook_core::sync::enrolment(pc).unwrap().unwrap();
    let client = rollbook_sync::Client::new(&enrolment.server_url, Some(&enrolment.token)).unwrap();
    let device = pc.device_id().to_string();
    let mut entries = rollbook_core::sync::outgoing(pc, &device, MAX_BATCH).unwrap();
    assert!(!entries.is_empty());
    for e in &mut entries {
        e.hlc += skew_ms << 16;
        let made = chrono::DateTime::parse_from_rfc3339(&e.created_at).unwrap();
        e.created_at = (made + chrono::Duration::milliseconds(skew_ms))
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    }
    let answer: PushResponse = client
        .post(
            "/push",
            &PushRequest {
                entries: entries.clone(),
            },
        )
        .unwrap();
    assert_eq!(answer.acked_through, entries.last().unwrap().seq);
    assert!(answer.rejected.is_empty(), "{answer:?}");
    rollbook_core::sync::acknowledge(pc, &device, &answer).unwrap();
    Hlc::from_raw(entries.iter().map(|e| e.hlc).max().unwrap())
}

/// The stamp of `pc`'s newest change not yet sent.
fn newest_stamp(store: &Store) -> Hlc {
    store
        .pending_outbox(10_000)
        .unwrap()
        .iter()
        .map(|e| e.hlc)
        .max()
        .unwrap()
}

fn given_name(store: &Store, id: rollbook_core::Id) -> String {
    students::get(store, id).unwrap().student.given_name
}

fn mark_code(store: &Store, class: rollbook_core::Id, date: &str, id: rollbook_core::Id) -> String {
    attendance::get_roll(store, class, date, "")
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.student_id == id)
        .and_then(|e| e.code)
        .unwrap_or_default()
}

#[test]
fn a_pc_that_has_heard_from_a_clock_days_ahead_still_has_its_next_change_win() {
    let cloud = Cloud::start();
    let school_id = cloud.school_id.clone();
    let days = recent_days(2);
    let mut office = Pc::new("Front office", &cloud);
    let school = set_up_school(&office);
    let asha = add_student(&office, school.class, "S1", "Asha");
    let bela = add_student(&office, school.class, "S2", "Bela");
    fees::apply_structure(&office, school.class, school.term, false).unwrap();
    let mut receipts = vec![pay(&office, asha, "100")];
    office.enrol(&cloud, &school_id);
    office.sync_ok(&cloud);
    let mut accounts = Pc::new("Accounts", &cloud);
    accounts.enrol(&cloud, &school_id);
    accounts.sync_ok(&cloud);
    let mut staff_room = Pc::new("Staff room", &cloud);
    staff_room.enrol(&cloud, &school_id);
    staff_room.sync_ok(&cloud);

    // The staff room's clock is three days ahead: it renames Asha, marks her absent and
    // takes a payment, all stamped three days from now.
    edit_student(&staff_room, asha, |i| i.given_name = "Aasha".into());
    mark(&staff_room, school.class, &days[0], asha, "A");
    receipts.push(pay(&staff_room, bela, "200"));
    let fast = push_from_the_future(&staff_room, THREE_DAYS_MS);
    assert!(fast.millis() > chrono::Utc::now().timestamp_millis() + THREE_DAYS_MS - 60_000);

    // The front office has not heard of it and, later in real time, renames Asha and marks
    // her late: its stamps are older than the staff room's, so those changes lose (what a
    // fast clock costs until the others hear from it). Its edit of another field merges.
    edit_student(&office, asha, |i| {
        i.given_name = "Asha K.".into();
        i.family_name = "Kumar".into();
    });
    mark(&office, school.class, &days[0], asha, "L");
    let office_before = newest_stamp(&office);
    assert!(office_before < fast);
    receipts.push(pay(&office, asha, "50"));
    office.sync_ok(&cloud);
    assert_eq!(given_name(&office, asha), "Aasha");
    assert_eq!(
        students::get(&office, asha).unwrap().student.family_name,
        "Kumar"
    );
    assert_eq!(mark_code(&office, school.class, &days[0], asha), "A");

    // Accounts pulls the staff room's changes: its clock moves past their stamps.
    accounts.sync_ok(&cloud);
    assert_eq!(given_name(&accounts, asha), "Aasha");
    assert_eq!(mark_code(&accounts, school.class, &days[0], asha), "A");
    receipts.push(pay(&accounts, bela, "75"));
    let first_after = newest_stamp(&accounts);
    assert!(
        first_after > fast,
        "a payment made after hearing from the fast clock is stamped after it"
    );

    // Its next changes are stamped after the fast ones, though its own wall clock is three
    // days behind them, and so they win everywhere.
    edit_student(&accounts, asha, |i| i.given_name = "Asha R.".into());
    mark(&accounts, school.class, &days[0], asha, "P");
    let after = newest_stamp(&accounts);
    assert!(after > first_after && after > fast, "{after:?} {fast:?}");
    assert!(
        after.millis() < chrono::Utc::now().timestamp_millis() + THREE_DAYS_MS + 60_000,
        "the clock moved past the fast stamps, not further"
    );

    for _ in 0..2 {
        for pc in [&office, &accounts, &staff_room] {
            pc.sync_ok(&cloud);
        }
    }
    for pc in [&office, &accounts, &staff_room] {
        assert_eq!(given_name(pc, asha), "Asha R.", "{}", pc.name);
        assert_eq!(
            students::get(pc, asha).unwrap().student.family_name,
            "Kumar",
            "{}",
            pc.name
        );
        assert_eq!(
            mark_code(pc, school.class, &days[0], asha),
            "P",
            "{}",
            pc.name
        );
        // The marks it replaced are in the history, the fast one among them.
        let history = attendance::history(pc, asha, &days[0], "").unwrap();
        let codes: Vec<&str> = history.iter().map(|h| h.code.as_str()).collect();
        assert_eq!(codes[0], "P", "{}: {codes:?}", pc.name);
    }
    assert_converged(&[&office, &accounts, &staff_room], &days, &receipts);

    // Nothing was reordered: on the server each PC's entries, in sequence order, carry
    // strictly growing stamps (the jump included), and each is there once.
    cloud.check_stream(&school_id);
    let stream = cloud.stream(&school_id);
    for pc in [&office, &accounts, &staff_room] {
        let device = pc.device_id().to_string();
        let stamps: Vec<i64> = stream
            .iter()
            .filter(|p| p.entry.device_id == device)
            .map(|p| p.entry.hlc)
            .collect();
        assert!(
            stamps.windows(2).all(|w| w[0] < w[1]),
            "{}: stamps out of order",
            pc.name
        );
    }

    // The front office, having now heard from the fast clock too, wins with its next change.
    edit_student(&office, bela, |i| i.given_name = "Bella".into());
    assert!(newest_stamp(&office) > after);
    office.sync_ok(&cloud);
    accounts.sync_ok(&cloud);
    staff_room.sync_ok(&cloud);
    for pc in [&office, &accounts, &staff_room] {
        assert_eq!(given_name(pc, bela), "Bella", "{}", pc.name);
    }
}

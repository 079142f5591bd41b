//! Users, PINs in the real keyring, sign-in, back-off and lockout.

use chrono::{Duration, Utc};

use super::session::sign_in_at;
use super::*;
use crate::error::ErrorCode;
use crate::testing::{new_store, set_up_school};

fn admin_input(name: &str) -> UserInput {
    UserInput {
        name: name.into(),
        role: Role::Administrator,
        class_ids: vec![],
        active: true,
    }
}

fn clerk_input(name: &str) -> UserInput {
    UserInput {
        role: Role::Clerk,
        ..admin_input(name)
    }
}

#[test]
fn the_keyring_holds_only_an_argon2id_hash_of_the_pin() {
    let (dir, store) = new_store();
    set_up_school(&store);
    let admin = add(&store, &admin_input("Mrs. Iyer"), "482915").unwrap();

    let stored = crate::secrets::get(&pin::account(admin.id))
        .unwrap()
        .expect("a keyring entry");
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(!stored.contains("482915"));

    // Nothing about the PIN is in the database or anywhere in the data folder.
    drop(store);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("482915"));
        assert!(!text.contains("$argon2id$"));
    }
}

#[test]
fn the_first_user_is_an_administrator_and_then_only_administrators_add_users() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let err = add(&store, &clerk_input("Ravi"), "1111").unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);

    let admin = add(&store, &admin_input("Mrs. Iyer"), "4829").unwrap();
    // Users exist now: adding another needs someone signed in.
    let err = add(&store, &clerk_input("Ravi"), "1111").unwrap_err();
    assert_eq!(err.code, ErrorCode::SignInRequired);

    sign_in(&store, admin.id, "4829").unwrap();
    let ravi = add(&store, &clerk_input("Ravi"), "1111").unwrap();
    assert_eq!(ravi.role, Role::Clerk);
    let dup = add(&store, &clerk_input("ravi"), "2222").unwrap_err();
    assert_eq!(dup.code, ErrorCode::Conflict);

    sign_out(&store).unwrap();
    sign_in(&store, ravi.id, "1111").unwrap();
    let err = add(&store, &clerk_input("Anita"), "3333").unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(
        err.message.contains("clerk may not manage users"),
        "{}",
        err.message
    );
}

#[test]
fn wrong_pins_back_off_then_lock_the_user_across_a_restart() {
    let (dir, store) = new_store();
    set_up_school(&store);
    let admin = add(&store, &admin_input("Mrs. Iyer"), "4829").unwrap();
    let t0 = Utc::now();

    let e = sign_in_at(&store, admin.id, "0000", t0).unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    assert!(e.message.contains("4 tries left"), "{}", e.message);
    // Straight away again, even with the right PIN: wait first.
    let e = sign_in_at(&store, admin.id, "4829", t0).unwrap_err();
    assert_eq!(e.code, ErrorCode::TryLater);

    // Each failure doubles the wait: 1, 2, 4 s.
    let mut t = t0;
    for (wait, failures) in [(1, 2), (2, 3), (4, 4)] {
        t += Duration::seconds(wait);
        let e = sign_in_at(&store, admin.id, "0000", t).unwrap_err();
        assert_eq!(e.code, ErrorCode::WrongPin, "failure {failures}");
        let early = sign_in_at(&store, admin.id, "0000", t + Duration::milliseconds(500));
        assert_eq!(early.unwrap_err().code, ErrorCode::TryLater);
    }

    // Restart the app: the count is kept.
    drop(store);
    let store = crate::testing::reopen(dir.path());
    t += Duration::seconds(8);
    let e = sign_in_at(&store, admin.id, "0000", t).unwrap_err();
    assert_eq!(e.code, ErrorCode::UserLocked, "the fifth wrong PIN locks");

    drop(store);
    let store = crate::testing::reopen(dir.path());
    let e = sign_in_at(&store, admin.id, "4829", t + Duration::hours(1)).unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::UserLocked,
        "even the right PIN, after a restart"
    );
    assert!(
        e.message.contains("administrator must reset"),
        "{}",
        e.message
    );
}

#[test]
fn an_administrator_resets_a_locked_users_pin() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let admin = add(&store, &admin_input("Mrs. Iyer"), "4829").unwrap();
    sign_in(&store, admin.id, "4829").unwrap();
    let ravi = add(&store, &clerk_input("Ravi"), "1111").unwrap();
    sign_out(&store).unwrap();

    let mut t = Utc::now();
    for _ in 0..MAX_FAILURES {
        t += Duration::seconds(60);
        let _ = sign_in_at(&store, ravi.id, "9999", t);
    }
    assert_eq!(
        sign_in(&store, ravi.id, "1111").unwrap_err().code,
        ErrorCode::UserLocked
    );

    // Ravi cannot reset his own PIN; the administrator can.
    sign_in(&store, admin.id, "4829").unwrap();
    assert!(
        list(&store)
            .unwrap()
            .iter()
            .any(|u| u.id == ravi.id && u.locked)
    );
    reset_pin(&store, ravi.id, "2468").unwrap();
    sign_out(&store).unwrap();
    assert_eq!(
        sign_in(&store, ravi.id, "1111").unwrap_err().code,
        ErrorCode::WrongPin
    );
    let actor = sign_in_at(&store, ravi.id, "2468", Utc::now() + Duration::seconds(5)).unwrap();
    assert_eq!(actor.name, "Ravi");
}

#[test]
fn locking_keeps_the_user_named_and_only_their_pin_unlocks() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    assert_eq!(state(&store).unwrap().status, SessionStatus::Open);
    let admin = add(&store, &admin_input("Mrs. Iyer"), "4829").unwrap();
    assert_eq!(state(&store).unwrap().status, SessionStatus::SignedOut);

    sign_in(&store, admin.id, "4829").unwrap();
    assert_eq!(state(&store).unwrap().status, SessionStatus::Active);
    lock(&store).unwrap();
    let s = state(&store).unwrap();
    assert_eq!(s.status, SessionStatus::Locked);
    assert_eq!(s.user.unwrap().name, "Mrs. Iyer");
    let e = crate::classes::list(&store).unwrap_err();
    assert_eq!(e.code, ErrorCode::SignInRequired);
    assert!(e.message.contains("Mrs. Iyer"), "{}", e.message);

    sign_in(&store, admin.id, "4829").unwrap();
    assert!(crate::classes::list(&store).is_ok());
}

#[test]
fn changing_ones_own_pin_needs_the_current_one() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let admin = add(&store, &admin_input("Mrs. Iyer"), "4829").unwrap();
    sign_in(&store, admin.id, "4829").unwrap();
    let e = change_own_pin(&store, "1111", "5555").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("current"));
    change_own_pin(&store, "4829", "correct horse battery").unwrap();
    sign_out(&store).unwrap();
    sign_in(&store, admin.id, "correct horse battery").unwrap();
}

#[test]
fn the_last_administrator_stays_one() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let admin = add(&store, &admin_input("Mrs. Iyer"), "4829").unwrap();
    sign_in(&store, admin.id, "4829").unwrap();
    let e = update(&store, admin.id, &clerk_input("Mrs. Iyer")).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("role"));
    let other = add(&store, &admin_input("Mr. Shah"), "1357").unwrap();
    update(&store, admin.id, &clerk_input("Mrs. Iyer")).unwrap();
    assert_eq!(
        list(&store)
            .unwrap()
            .iter()
            .find(|u| u.id == other.id)
            .unwrap()
            .role,
        Role::Administrator
    );
}

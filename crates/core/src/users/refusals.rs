//! What each role is refused, checked in the core: the refusal a user sees, that nothing is
//! written when they are refused, and whose name goes on what they do.

use std::sync::atomic::AtomicBool;

use super::{Permission, Role, Session};
use crate::attendance::{self, MarkInput, RollInput};
use crate::error::{Error, ErrorCode, Result};
use crate::fees::{
    self, ConcessionInput, ConcessionKind, HeadInput, PaymentInput, PaymentMethod, ReversalInput,
    StructureInput,
};
use crate::id::Id;
use crate::import::{self, ImportOptions};
use crate::staff::{self, StaffInput};
use crate::store::Store;
use crate::students::{self, StudentFilter, StudentInput};
use crate::testing::{act_as, class_with_students, new_store, set_up_school};

/// A past Monday of the test school's year (2026-04-01 to 2027-03-31).
const MON: &str = "2026-11-16";

/// A school set up before it had users: two classes, a staff member, and term 1's tuition
/// of 1500.00 charged to Grade 5 B.
struct School {
    dir: tempfile::TempDir,
    store: Store,
    /// Grade 5 B, with three students.
    class: Id,
    /// Grade 6 A, with one student.
    other_class: Id,
    students: Vec<Id>,
    other_student: Id,
    /// Ravi Kumar, on the staff list.
    staff: Id,
    term: Id,
    tuition: Id,
}

fn school() -> School {
    let (dir, store) = new_store();
    set_up_school(&store);
    let (class, students) = class_with_students(
        &store,
        "Grade 5 B",
        &[
            ("A1", "Aarav", "Iyer"),
            ("A2", "Bela", "Nair"),
            ("A3", "Chitra", "Rao"),
        ],
    );
    let (other_class, others) = class_with_students(&store, "Grade 6 A", &[("B1", "Dev", "Shah")]);
    let staff = staff::create(
        &store,
        &StaffInput {
            name: "Ravi Kumar".into(),
            role: "Office".into(),
            active: true,
        },
    )
    .unwrap()
    .id;
    let term = crate::years::list(&store).unwrap()[0].terms[0].id;
    let tuition = fees::add_head(
        &store,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    fees::set_structure(
        &store,
        &StructureInput {
            class_id: class,
            term_id: term,
            head_id: tuition,
            amount: "1500.00".into(),
            due_date: "2026-05-15".into(),
            ..Default::default()
        },
    )
    .unwrap();
    fees::apply_structure(&store, class, term, false).unwrap();
    School {
        dir,
        store,
        class,
        other_class,
        students,
        other_student: others[0],
        staff,
        term,
        tuition,
    }
}

fn cash(student: Id, amount: &str, cashier: Option<Id>) -> PaymentInput {
    PaymentInput {
        student_id: student,
        amount: amount.into(),
        method: PaymentMethod::Cash,
        reference: String::new(),
        bank: String::new(),
        allocations: vec![],
        dues: vec![],
        cashier,
    }
}

fn reversal(receipt_no: &str, by: Option<Id>) -> ReversalInput {
    ReversalInput {
        receipt_no: receipt_no.into(),
        reason: "Taken from the wrong student".into(),
        by,
    }
}

fn roll(class_id: Id, students: &[Id], taken_by: Option<Id>) -> RollInput {
    RollInput {
        class_id,
        date: MON.into(),
        session: String::new(),
        marks: students
            .iter()
            .map(|id| MarkInput {
                student_id: *id,
                code: "P".into(),
                late_minutes: None,
                reason: None,
            })
            .collect(),
        taken_by,
    }
}

fn student_input(admission_no: &str, given: &str, class_id: Id) -> StudentInput {
    StudentInput {
        admission_no: admission_no.into(),
        given_name: given.into(),
        family_name: "Menon".into(),
        class_id: Some(class_id),
        ..Default::default()
    }
}

fn class_list() -> import::Workbook {
    let csv = "Adm No,Student Name,Class\nC1,Kiran Das,Grade 5 B\nC2,Lata Pillai,Grade 5 B\n";
    import::read_bytes(csv.as_bytes(), "grade-5b.csv").unwrap()
}

fn preview_import(store: &Store) -> Result<import::ImportPreview> {
    import::preview(
        store,
        &class_list(),
        &ImportOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
}

fn run_import(store: &Store) -> Result<import::ImportOutcome> {
    import::run(
        store,
        &class_list(),
        &ImportOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
}

/// The refusal `result` must be, with its message.
fn refused<T: std::fmt::Debug>(result: Result<T>) -> Error {
    let err = result.expect_err("the operation should have been refused");
    assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
    err
}

fn ledger_count(store: &Store, kind: &str) -> i64 {
    store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM ledger_entries WHERE kind = ?1",
                [kind],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

fn student_count(store: &Store) -> usize {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM students", [], |r| r.get(0))?))
        .map(|n: i64| n as usize)
        .unwrap()
}

fn mark_count(store: &Store) -> i64 {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM attendance_marks", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn a_clerk_may_not_reverse_a_payment_and_an_accountant_may() {
    let s = school();
    let student = s.students[0];
    act_as(&s.store, Role::Clerk, &[]);
    let receipt = fees::pay(&s.store, &cash(student, "500.00", None)).unwrap();
    let owed = fees::balance(&s.store, student).unwrap().balance;
    assert_eq!(owed, 100_000);

    let err = refused(fees::reverse(
        &s.store,
        &reversal(&receipt.receipt_no, Some(s.staff)),
    ));
    assert!(
        err.message.contains("A clerk may not reverse payments"),
        "{}",
        err.message
    );
    assert!(err.message.contains("Test clerk"), "{}", err.message);
    assert!(
        err.message.contains("administrator or accountant"),
        "{}",
        err.message
    );
    // Nothing was written: the payment stands and the balance is as it was.
    assert_eq!(ledger_count(&s.store, "reversal"), 0);
    assert_eq!(fees::balance(&s.store, student).unwrap().balance, owed);
    assert!(!fees::receipt(&s.store, &receipt.receipt_no).unwrap().void);

    let accountant = act_as(&s.store, Role::Accountant, &[]);
    // The staff member chosen in the input is not who reversed it: the accountant is.
    let entry = fees::reverse(&s.store, &reversal(&receipt.receipt_no, Some(s.staff))).unwrap();
    assert_eq!(entry.created_by, accountant.name);
    assert_eq!(
        fees::balance(&s.store, student).unwrap().balance,
        owed + 50_000
    );
    assert!(fees::receipt(&s.store, &receipt.receipt_no).unwrap().void);
}

#[test]
fn a_clerk_may_not_change_the_fee_setup() {
    let s = school();
    act_as(&s.store, Role::Clerk, &[]);
    let heads_before = fees::heads(&s.store).unwrap();
    let charges_before = ledger_count(&s.store, "charge");

    let err = refused(fees::add_head(
        &s.store,
        &HeadInput {
            name: "Transport".into(),
            optional: true,
        },
    ));
    assert!(
        err.message.contains("A clerk may not change the fee setup"),
        "{}",
        err.message
    );
    refused(fees::set_structure(
        &s.store,
        &StructureInput {
            class_id: s.other_class,
            term_id: s.term,
            head_id: s.tuition,
            amount: "1800.00".into(),
            due_date: "2026-05-15".into(),
            ..Default::default()
        },
    ));
    refused(fees::apply_structure(
        &s.store,
        s.other_class,
        s.term,
        false,
    ));
    refused(fees::add_concession(
        &s.store,
        &ConcessionInput {
            student_id: s.students[0],
            head_id: None,
            kind: ConcessionKind::Percent,
            value: "10".into(),
            reason: "Sibling".into(),
        },
    ));
    refused(fees::set_optional_head(
        &s.store,
        s.students[0],
        s.tuition,
        false,
    ));

    assert_eq!(fees::heads(&s.store).unwrap(), heads_before);
    assert!(
        fees::structure(&s.store, Some(s.other_class), None)
            .unwrap()
            .is_empty()
    );
    assert_eq!(ledger_count(&s.store, "charge"), charges_before);
    assert_eq!(ledger_count(&s.store, "concession"), 0);
}

#[test]
fn an_accountant_may_not_edit_students_or_import_class_lists() {
    let s = school();
    act_as(&s.store, Role::Accountant, &[]);
    let before = students::get(&s.store, s.students[0]).unwrap();

    let err = refused(students::create(
        &s.store,
        &student_input("A9", "Meera", s.class),
    ));
    assert!(
        err.message
            .contains("An accountant may not change student records"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("administrator or clerk"),
        "{}",
        err.message
    );
    refused(students::update(
        &s.store,
        s.students[0],
        &student_input("A1", "Arjun", s.class),
    ));
    let err = refused(preview_import(&s.store));
    assert!(
        err.message.contains("import class lists"),
        "{}",
        err.message
    );
    refused(run_import(&s.store));

    assert_eq!(student_count(&s.store), 4);
    assert_eq!(students::get(&s.store, s.students[0]).unwrap(), before);
    act_as(&s.store, Role::Administrator, &[]);
    assert!(import::history(&s.store).unwrap().is_empty());
}

#[test]
fn a_teacher_may_not_edit_students_or_take_payments_but_may_read_them() {
    let s = school();
    act_as(&s.store, Role::Teacher, &[s.class]);
    let student = s.students[0];

    let err = refused(students::update(
        &s.store,
        student,
        &student_input("A1", "Arjun", s.class),
    ));
    assert!(
        err.message
            .contains("A teacher may not change student records"),
        "{}",
        err.message
    );
    let err = refused(fees::pay(&s.store, &cash(student, "500.00", None)));
    assert!(
        err.message.contains("A teacher may not take payments"),
        "{}",
        err.message
    );
    refused(fees::balance(&s.store, student));

    // Reading students is theirs.
    let list = students::list(&s.store, &StudentFilter::default()).unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(
        students::get(&s.store, student).unwrap().student.given_name,
        "Aarav"
    );
    act_as(&s.store, Role::Administrator, &[]);
    assert_eq!(ledger_count(&s.store, "payment"), 0);
    assert_eq!(fees::balance(&s.store, student).unwrap().balance, 150_000);
}

#[test]
fn a_teacher_takes_the_roll_of_their_own_class_only() {
    let s = school();
    let teacher = act_as(&s.store, Role::Teacher, &[s.class]);

    let err = refused(attendance::save_roll(
        &s.store,
        &roll(s.other_class, &[s.other_student], None),
    ));
    assert!(
        err.message.contains("teacher of other classes"),
        "{}",
        err.message
    );
    assert!(err.message.contains("Test teacher"), "{}", err.message);
    refused(attendance::get_roll(&s.store, s.other_class, MON, ""));
    refused(attendance::class_summary(
        &s.store,
        s.other_class,
        None,
        None,
    ));
    assert_eq!(mark_count(&s.store), 0);

    // Their own class: the marks name the teacher, not the staff member chosen.
    let saved =
        attendance::save_roll(&s.store, &roll(s.class, &s.students, Some(s.staff))).unwrap();
    assert_eq!(saved.marked, 3);
    let history = attendance::history(&s.store, s.students[0], MON, "").unwrap();
    assert_eq!(history[0].marked_by, teacher.name);
    let taken = attendance::get_roll(&s.store, s.class, MON, "").unwrap();
    assert_eq!(taken.entries.len(), 3);
}

#[test]
fn without_users_the_roll_and_the_receipt_name_the_staff_member_chosen() {
    let s = school();
    attendance::save_roll(&s.store, &roll(s.class, &s.students, Some(s.staff))).unwrap();
    let history = attendance::history(&s.store, s.students[0], MON, "").unwrap();
    assert_eq!(history[0].marked_by, "Ravi Kumar");
    let receipt = fees::pay(&s.store, &cash(s.students[0], "100.00", Some(s.staff))).unwrap();
    assert_eq!(receipt.cashier, "Ravi Kumar");
}

#[test]
fn a_receipt_names_the_signed_in_cashier_not_the_staff_member_chosen() {
    let s = school();
    let clerk = act_as(&s.store, Role::Clerk, &[]);
    let receipt = fees::pay(&s.store, &cash(s.students[0], "500.00", Some(s.staff))).unwrap();
    assert_eq!(receipt.cashier, clerk.name);
    // A reprint, and the day book, say the same.
    let again = fees::receipt(&s.store, &receipt.receipt_no).unwrap();
    assert_eq!(again.cashier, clerk.name);
    let book = fees::day_book(&s.store, None).unwrap();
    assert_eq!(book.receipts[0].cashier, clerk.name);
    assert_eq!(book.by_cashier.len(), 1);
    assert_eq!(book.by_cashier[0].cashier, clerk.name);
}

#[test]
fn with_users_and_nobody_signed_in_everything_asks_to_sign_in() {
    let s = school();
    let admin = act_as(&s.store, Role::Administrator, &[]);
    s.store.set_session(Session::SignedOut);

    let needs_sign_in = |err: Error| {
        assert_eq!(err.code, ErrorCode::SignInRequired, "{err:?}");
        err
    };
    let err = needs_sign_in(students::list(&s.store, &StudentFilter::default()).unwrap_err());
    assert!(err.message.contains("Sign in"), "{}", err.message);
    needs_sign_in(students::get(&s.store, s.students[0]).unwrap_err());
    needs_sign_in(crate::search::search(&s.store, "Aarav", 10).unwrap_err());
    needs_sign_in(students::create(&s.store, &student_input("A9", "Meera", s.class)).unwrap_err());
    needs_sign_in(fees::pay(&s.store, &cash(s.students[0], "500.00", None)).unwrap_err());
    needs_sign_in(attendance::save_roll(&s.store, &roll(s.class, &s.students, None)).unwrap_err());
    needs_sign_in(crate::export::student_register_export(&s.store).unwrap_err());

    // Locked: the same, naming who should unlock.
    s.store.set_session(Session::Locked(admin.clone()));
    let err = needs_sign_in(fees::balance(&s.store, s.students[0]).unwrap_err());
    assert!(err.message.contains(&admin.name), "{}", err.message);

    // What the app reads before anyone signs in still answers.
    assert!(crate::school::get(&s.store).unwrap().is_some());
    assert!(
        crate::status::status(&s.store, "test")
            .unwrap()
            .school
            .is_some()
    );

    // Nothing was written.
    s.store.set_session(Session::Active(admin));
    assert_eq!(student_count(&s.store), 4);
    assert_eq!(ledger_count(&s.store, "payment"), 0);
    assert_eq!(mark_count(&s.store), 0);
}

#[test]
fn a_clerk_may_close_only_their_own_cash_drawer() {
    let s = school();
    let accountant = act_as(&s.store, Role::Accountant, &[]);
    fees::pay(&s.store, &cash(s.students[1], "300.00", None)).unwrap();
    let clerk = act_as(&s.store, Role::Clerk, &[]);
    fees::pay(&s.store, &cash(s.students[0], "500.00", None)).unwrap();

    // Another cashier's drawer: a staff member's, or another user's.
    let err = refused(fees::close_cash(
        &s.store,
        None,
        "300.00",
        "",
        Some(s.staff),
    ));
    assert!(
        err.message.contains("only their own cash drawer"),
        "{}",
        err.message
    );
    assert!(err.message.contains("Ravi Kumar"), "{}", err.message);
    let err = refused(fees::close_cash(
        &s.store,
        None,
        "300.00",
        "",
        Some(accountant.user_id),
    ));
    assert!(err.message.contains(&accountant.name), "{}", err.message);
    assert!(fees::day_book(&s.store, None).unwrap().closings.is_empty());

    // Their own: with no cashier given, or naming themselves.
    let closed = fees::close_cash(&s.store, None, "500.00", "", None).unwrap();
    assert_eq!(closed.closed_by, clerk.name);
    assert_eq!(closed.expected, 50_000);
    assert_eq!(closed.difference, 0);
    let again = fees::close_cash(&s.store, None, "490.00", "", Some(clerk.user_id)).unwrap();
    assert_eq!(again.closed_by, clerk.name);
    assert_eq!(again.difference, -1_000);

    // An accountant closes anyone's drawer, or the whole day.
    act_as(&s.store, Role::Accountant, &[]);
    let theirs = fees::close_cash(&s.store, None, "500.00", "", Some(clerk.user_id)).unwrap();
    assert_eq!(theirs.closed_by, clerk.name);
    assert_eq!(theirs.expected, 50_000);
    let day = fees::close_cash(&s.store, None, "800.00", "", None).unwrap();
    assert_eq!(day.closed_by, "");
    assert_eq!(day.expected, 80_000);
}

#[test]
fn imports_exports_and_backups_are_in_the_audit_trail() {
    let s = school();
    let admin = act_as(&s.store, Role::Administrator, &[]);
    let out = run_import(&s.store).unwrap();
    assert!(out.committed, "{out:?}");
    crate::export::student_register_export(&s.store).unwrap();
    crate::export::defaulters_export(&s.store, None).unwrap();
    crate::backup::back_up(&s.store, &s.dir.path().join("backups")).unwrap();

    let trail = crate::audit::report(
        &s.store,
        &crate::audit::AuditQuery {
            from: "2000-01-01".into(),
            to: "2100-12-31".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let events: Vec<_> = trail
        .iter()
        .filter(|r| ["import", "export", "backup"].contains(&r.action.as_str()))
        .collect();
    assert_eq!(events.len(), 4, "{events:#?}");
    assert!(events.iter().all(|e| e.user == admin.name), "{events:#?}");
    let import = events.iter().find(|e| e.action == "import").unwrap();
    assert!(import.detail.contains("grade-5b.csv"), "{}", import.detail);
    assert!(import.detail.contains("2 added"), "{}", import.detail);
    let exports: Vec<&str> = events
        .iter()
        .filter(|e| e.action == "export")
        .map(|e| e.detail.as_str())
        .collect();
    assert!(exports[0].starts_with("Student register"), "{exports:?}");
    assert!(exports[1].starts_with("Fee defaulters"), "{exports:?}");
    let backup = events.iter().find(|e| e.action == "backup").unwrap();
    assert!(backup.detail.contains(".rbk"), "{}", backup.detail);
}

#[test]
fn a_refused_export_writes_nothing_to_the_audit_trail() {
    let s = school();
    act_as(&s.store, Role::Clerk, &[]);
    // A clerk exports rolls, but fee reports are not theirs.
    crate::export::class_roll_export(&s.store, Some(s.class)).unwrap();
    let err = refused(crate::export::defaulters_export(&s.store, None));
    assert!(err.message.contains("read fee reports"), "{}", err.message);
    let err = refused(crate::export::day_book_export(&s.store, None));
    assert!(err.message.contains("read fee reports"), "{}", err.message);
    let events: i64 = s
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_events WHERE action = 'export'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(events, 1);
}

/// One operation that needs `Permission` and nothing else a role might lack, run on a fresh
/// school after the user signs in. Allowed operations must succeed.
type Operation = fn(&Fixture) -> Result<()>;

struct Fixture {
    school: School,
    /// A payment taken before the school had users, for the reversal.
    receipt_no: String,
}

fn fixture() -> Fixture {
    let school = school();
    let receipt_no = fees::pay(&school.store, &cash(school.students[0], "500.00", None))
        .unwrap()
        .receipt_no;
    Fixture { school, receipt_no }
}

fn operations() -> Vec<(Permission, Operation)> {
    vec![
        (Permission::ViewStudents, |f| {
            students::list(&f.school.store, &StudentFilter::default()).map(drop)
        }),
        (Permission::EditStudents, |f| {
            let s = &f.school;
            students::create(&s.store, &student_input("A9", "Meera", s.class)).map(drop)
        }),
        (Permission::ImportStudents, |f| {
            preview_import(&f.school.store).map(drop)
        }),
        (Permission::ViewAttendance, |f| {
            attendance::registers_not_taken(&f.school.store, MON, "").map(drop)
        }),
        (Permission::TakeAttendance, |f| {
            let s = &f.school;
            attendance::save_roll(&s.store, &roll(s.class, &s.students, None)).map(drop)
        }),
        (Permission::TakePayments, |f| {
            let s = &f.school;
            fees::pay(&s.store, &cash(s.students[1], "100.00", None)).map(drop)
        }),
        (Permission::ReversePayments, |f| {
            fees::reverse(&f.school.store, &reversal(&f.receipt_no, None)).map(drop)
        }),
        (Permission::ManageFees, |f| {
            fees::add_head(
                &f.school.store,
                &HeadInput {
                    name: "Transport".into(),
                    optional: true,
                },
            )
            .map(drop)
        }),
        (Permission::ViewFeeReports, |f| {
            fees::defaulters(&f.school.store, None).map(drop)
        }),
        (Permission::Export, |f| {
            crate::export::student_register_export(&f.school.store).map(drop)
        }),
        (Permission::BackUp, |f| {
            let s = &f.school;
            crate::backup::back_up(&s.store, &s.dir.path().join("backups")).map(drop)
        }),
        (Permission::ManageSchool, |f| {
            crate::classes::create(
                &f.school.store,
                &crate::classes::ClassInput {
                    name: "Grade 9 Z".into(),
                    ..Default::default()
                },
            )
            .map(drop)
        }),
        (Permission::ManageUsers, |f| {
            super::list(&f.school.store).map(drop)
        }),
        (Permission::ViewAudit, |f| {
            crate::audit::report(
                &f.school.store,
                &crate::audit::AuditQuery {
                    from: "2026-01-01".into(),
                    to: "2026-12-31".into(),
                    ..Default::default()
                },
            )
            .map(drop)
        }),
    ]
}

#[test]
fn every_role_is_allowed_exactly_what_its_permissions_say() {
    let ops = operations();
    // Every permission has its operation.
    for p in ops.iter().map(|(p, _)| *p) {
        assert_eq!(ops.iter().filter(|(q, _)| *q == p).count(), 1, "{p:?}");
    }
    assert_eq!(ops.len(), 14);
    for role in Role::ALL {
        for (permission, op) in &ops {
            let f = fixture();
            // A teacher's own class is the one the roll is taken for.
            let classes = match role {
                Role::Teacher => vec![f.school.class],
                _ => vec![],
            };
            act_as(&f.school.store, role, &classes);
            let result = op(&f);
            if role.allows(*permission) {
                assert!(
                    result.is_ok(),
                    "{role:?} should be allowed {permission:?}: {result:?}"
                );
            } else {
                let err = result.expect_err("refused");
                assert_eq!(
                    err.code,
                    ErrorCode::Forbidden,
                    "{role:?} should be refused {permission:?}: {err:?}"
                );
            }
        }
    }
}

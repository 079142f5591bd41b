use super::*;
use crate::ErrorCode;
use crate::classes::{self, ClassInput};
use crate::guardians::Relation;
use crate::testing::{new_store, set_up_school};

fn class(store: &Store, name: &str) -> Id {
    classes::create(
        store,
        &ClassInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn guardian(name: &str, phone: &str) -> GuardianInput {
    GuardianInput {
        name: name.into(),
        relation: Relation::Father,
        phone: phone.into(),
        ..Default::default()
    }
}

fn student(adm: &str, given: &str, family: &str, class_id: Option<Id>) -> StudentInput {
    StudentInput {
        admission_no: adm.into(),
        given_name: given.into(),
        family_name: family.into(),
        class_id,
        ..Default::default()
    }
}

#[test]
fn a_student_with_a_guardian_is_stored_and_listed_with_the_class() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let c = class(&store, "Grade 5 B");
    let mut input = student("A-101", " Aarav ", "Sharma", Some(c));
    input.dob = "2016-05-14".into();
    input.gender = Some(Gender::Male);
    input.guardians = vec![guardian("Rakesh Sharma", "98765 43210")];
    let d = create(&store, &input).unwrap();
    assert_eq!(d.student.given_name, "Aarav");
    assert_eq!(d.class_name.as_deref(), Some("Grade 5 B"));
    assert_eq!(d.guardians.len(), 1);
    assert_eq!(
        d.guardians[0].guardian.phone.as_deref(),
        Some("+919876543210")
    );
    assert!(d.guardians[0].is_primary);

    let rows = list(
        &store,
        &StudentFilter {
            class_id: Some(c),
            status: None,
        },
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].guardian_phone.as_deref(), Some("+919876543210"));
    assert_eq!(classes::list(&store).unwrap()[0].student_count, 1);
}

#[test]
fn a_duplicate_admission_number_is_refused_naming_the_holder() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    create(&store, &student("A-101", "Aarav", "Sharma", None)).unwrap();
    let err = create(&store, &student("a-101", "Diya", "Patel", None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.field.as_deref(), Some("admission_no"));
    assert!(err.message.contains("Aarav Sharma"), "{}", err.message);
    assert_eq!(list(&store, &StudentFilter::default()).unwrap().len(), 1);
}

#[test]
fn validation_names_every_bad_field_including_guardians() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let mut input = student("", "", "X", None);
    input.dob = "2016-13-01".into();
    input.guardians = vec![
        guardian("Father", "12345"),
        GuardianInput {
            email: "no-at-sign".into(),
            ..guardian("Mother", "")
        },
    ];
    let err = create(&store, &input).unwrap_err();
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "admission_no",
            "given_name",
            "dob",
            "guardians[0].phone",
            "guardians[1].email"
        ]
    );
    assert!(
        store
            .pending_outbox(100)
            .unwrap()
            .iter()
            .all(|e| e.record_type != "student")
    );
}

#[test]
fn a_birth_date_in_the_future_or_after_admission_is_refused() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let mut input = student("A1", "Kid", "", None);
    input.dob = "2999-01-01".into();
    assert!(
        create(&store, &input)
            .unwrap_err()
            .message
            .contains("future")
    );
    input.dob = "2020-01-01".into();
    input.admission_date = "2019-06-01".into();
    assert_eq!(
        create(&store, &input).unwrap_err().field.as_deref(),
        Some("dob")
    );
}

#[test]
fn siblings_share_a_guardian_found_by_phone() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let mut a = student("A1", "Aarav", "Sharma", None);
    a.guardians = vec![guardian("Rakesh Sharma", "+91 98765 43210")];
    let a = create(&store, &a).unwrap();
    let mut b = student("A2", "Anaya", "Sharma", None);
    b.guardians = vec![guardian("Rakesh S.", "09876543210")];
    let b = create(&store, &b).unwrap();
    assert_eq!(
        a.guardians[0].guardian.id, b.guardians[0].guardian.id,
        "one guardian row for both"
    );
    assert_eq!(b.guardians[0].siblings.len(), 1);
    assert_eq!(b.guardians[0].siblings[0].name, "Aarav Sharma");
}

#[test]
fn two_parents_sharing_a_phone_stay_two_guardians() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let mut a = student("A1", "Aarav", "Sharma", None);
    a.guardians = vec![GuardianInput {
        relation: Relation::Mother,
        ..guardian("Sunita Sharma", "98765 43210")
    }];
    let a = create(&store, &a).unwrap();
    let mut b = student("A2", "Anaya", "Sharma", None);
    b.guardians = vec![guardian("Rakesh Sharma", "98765 43210")];
    let b = create(&store, &b).unwrap();
    assert_ne!(a.guardians[0].guardian.id, b.guardians[0].guardian.id);
    assert_eq!(b.guardians[0].guardian.name, "Rakesh Sharma");
    // A third child with the father's name on the form finds the father, not the mother.
    let mut c = student("A3", "Ishaan", "Sharma", None);
    c.guardians = vec![guardian("Rakesh Sharma", "+91 98765 43210")];
    let c = create(&store, &c).unwrap();
    assert_eq!(c.guardians[0].guardian.id, b.guardians[0].guardian.id);
}

#[test]
fn editing_a_student_records_the_changed_fields_and_relinks_guardians() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let c5 = class(&store, "Grade 5 B");
    let c6 = class(&store, "Grade 6 A");
    let mut input = student("A1", "Aarav", "Sharma", Some(c5));
    input.guardians = vec![guardian("Rakesh Sharma", "9876543210")];
    let d = create(&store, &input).unwrap();

    input.class_id = Some(c6);
    input.guardians = vec![
        GuardianInput {
            relation: Relation::Mother,
            ..guardian("Sunita Sharma", "9845012345")
        },
        GuardianInput {
            id: Some(d.guardians[0].guardian.id),
            ..guardian("Rakesh Kumar Sharma", "9876543210")
        },
    ];
    let d2 = update(&store, d.student.id, &input).unwrap();
    assert_eq!(d2.class_name.as_deref(), Some("Grade 6 A"));
    assert_eq!(
        d2.guardians[0].guardian.name, "Sunita Sharma",
        "the first guardian is primary"
    );
    assert_eq!(d2.guardians[1].guardian.name, "Rakesh Kumar Sharma");

    let entries = store.pending_outbox(1000).unwrap();
    let student_update = entries
        .iter()
        .rev()
        .find(|e| e.record_type == "student" && e.op == "update")
        .unwrap();
    assert_eq!(
        student_update.payload,
        serde_json::json!({ "class_id": c6.to_string() })
    );
    let guardian_update = entries
        .iter()
        .rev()
        .find(|e| e.record_type == "guardian" && e.op == "update")
        .unwrap();
    assert_eq!(
        guardian_update.payload,
        serde_json::json!({ "name": "Rakesh Kumar Sharma" })
    );

    // Dropping a guardian unlinks them but keeps the guardian.
    input.guardians.truncate(1);
    let d3 = update(&store, d.student.id, &input).unwrap();
    assert_eq!(d3.guardians.len(), 1);
    assert!(entries.len() < store.pending_outbox(1000).unwrap().len());
}

#[test]
fn saving_an_unchanged_student_writes_nothing() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let mut input = student("A1", "Aarav", "Sharma", None);
    input.guardians = vec![guardian("Rakesh Sharma", "9876543210")];
    input.dob = "2015-04-03".into();
    input.admission_date = "2021-06-01".into();
    input.guardians[0].email = "rakesh@example.com".into();
    let d = create(&store, &input).unwrap();
    input.guardians[0].id = Some(d.guardians[0].guardian.id);
    let before = store.pending_outbox(1000).unwrap().len();
    update(&store, d.student.id, &input).unwrap();
    assert_eq!(store.pending_outbox(1000).unwrap().len(), before);

    // The form filled in from the stored student is the form that made it.
    let filled = StudentInput::from(&get(&store, d.student.id).unwrap());
    assert_eq!(
        filled.guardians[0].phone, "+919876543210",
        "stored as E.164"
    );
    input.guardians[0].phone = filled.guardians[0].phone.clone();
    assert_eq!(filled, input);
    update(&store, d.student.id, &filled).unwrap();
    assert_eq!(store.pending_outbox(1000).unwrap().len(), before);
}

#[test]
fn students_need_a_set_up_school() {
    let (_dir, store) = new_store();
    let err = create(&store, &student("A1", "Aarav", "", None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSetUp);
}

#[test]
fn a_photo_is_stored_resized_and_can_be_removed() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let d = create(&store, &student("A1", "Aarav", "", None)).unwrap();
    let img = image::RgbImage::from_pixel(900, 1200, image::Rgb([200, 120, 40]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    set_photo(&store, d.student.id, png.get_ref()).unwrap();
    assert!(get(&store, d.student.id).unwrap().has_photo);
    let jpeg = photo(&store, d.student.id).unwrap().unwrap();
    let back = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((back.width(), back.height()), (360, 480));
    remove_photo(&store, d.student.id).unwrap();
    assert!(!get(&store, d.student.id).unwrap().has_photo);
    let kinds: Vec<(String, String)> = store
        .pending_outbox(1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.record_type == "student_photo")
        .map(|e| (e.op, e.record_id.to_string()))
        .collect();
    assert_eq!(
        kinds.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(),
        ["insert", "delete"]
    );
}

#[test]
fn many_students_are_added_all_or_nothing() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let ids = create_many(
        &store,
        &[
            student("A1", "Aarav", "", None),
            student("A2", "Diya", "", None),
        ],
    )
    .unwrap();
    assert_eq!(ids.len(), 2);
    let mut bad = student("A4", "Kid", "", None);
    bad.dob = "2016-02-30".into();
    let err = create_many(&store, &[student("A3", "Ravi", "", None), bad]).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("[1].dob"));
    let err = create_many(
        &store,
        &[
            student("A5", "Ravi", "", None),
            student("A5", "Ravi again", "", None),
        ],
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("[1].admission_no"));
    assert_eq!(
        list(&store, &StudentFilter::default()).unwrap().len(),
        2,
        "nothing from the refused batches"
    );
}

#[test]
fn the_first_rows_of_the_list_are_its_first_rows_in_order() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    for (adm, given, family) in [
        ("A3", "Zara", "Khan"),
        ("A1", "Aarav", "Iyer"),
        ("A2", "Diya", "Patel"),
    ] {
        create(&store, &student(adm, given, family, None)).unwrap();
    }
    let names = |limit| -> Vec<String> {
        list_up_to(&store, &StudentFilter::default(), limit)
            .unwrap()
            .into_iter()
            .map(|r| r.family_name)
            .collect()
    };
    assert_eq!(names(None), ["Iyer", "Khan", "Patel"]);
    assert_eq!(names(Some(2)), ["Iyer", "Khan"]);
    assert_eq!(names(Some(10)), ["Iyer", "Khan", "Patel"]);
    assert_eq!(names(Some(0)), Vec::<String>::new());
}

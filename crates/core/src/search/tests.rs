use super::*;
use crate::guardians::{GuardianInput, Relation};
use crate::students::{self, StudentInput, StudentStatus};
use crate::testing::{new_store, set_up_school};

fn add(store: &Store, adm: &str, given: &str, family: &str, phone: &str) -> Id {
    let guardians = if phone.is_empty() {
        vec![]
    } else {
        vec![GuardianInput {
            name: format!("Parent of {given}"),
            relation: Relation::Mother,
            phone: phone.into(),
            ..Default::default()
        }]
    };
    students::create(
        store,
        &StudentInput {
            admission_no: adm.into(),
            given_name: given.into(),
            family_name: family.into(),
            guardians,
            ..Default::default()
        },
    )
    .unwrap()
    .student
    .id
}

fn names(store: &Store, q: &str) -> Vec<String> {
    search(store, q, 20)
        .unwrap()
        .into_iter()
        .map(|h| {
            format!("{} {}", h.student.given_name, h.student.family_name)
                .trim()
                .to_owned()
        })
        .collect()
}

fn school() -> (tempfile::TempDir, Store) {
    let (dir, store) = new_store();
    set_up_school(&store);
    add(&store, "A-17", "José", "Álvarez", "98765 43210");
    add(&store, "A-170", "Josephine", "Mwangi", "");
    add(&store, "B-2", "Ravi", "Kumar", "99001 12233");
    add(&store, "B-3", "Anjali", "Kumari", "");
    add(&store, "C-9", "Zoë", "O'Brien", "");
    add(&store, "C-10", "Mary-Jane", "Smith", "");
    (dir, store)
}

#[test]
fn names_match_partially_ignoring_accents_and_case() {
    let (_d, store) = school();
    assert_eq!(names(&store, "jose"), ["José Álvarez", "Josephine Mwangi"]);
    assert_eq!(names(&store, "ALVAR"), ["José Álvarez"]);
    assert_eq!(names(&store, "zoe"), ["Zoë O'Brien"]);
    assert_eq!(names(&store, "obrien"), ["Zoë O'Brien"]);
    assert_eq!(names(&store, "mary jane"), ["Mary-Jane Smith"]);
    assert_eq!(
        names(&store, "umar"),
        ["Ravi Kumar", "Anjali Kumari"],
        "substring inside a word"
    );
}

#[test]
fn short_queries_match_word_starts() {
    let (_d, store) = school();
    assert_eq!(names(&store, "k"), ["Ravi Kumar", "Anjali Kumari"]);
    assert_eq!(names(&store, "ra"), ["Ravi Kumar"]);
    assert_eq!(names(&store, "ravi k"), ["Ravi Kumar"]);
}

#[test]
fn an_exact_admission_number_ranks_first() {
    let (_d, store) = school();
    let hits = search(&store, "a-17", 20).unwrap();
    assert_eq!(hits[0].student.admission_no, "A-17");
    assert_eq!(hits[0].matched, MatchKind::AdmissionNo);
    assert_eq!(hits[1].student.admission_no, "A-170");
    assert_eq!(hits[1].matched, MatchKind::AdmissionNoPrefix);
    assert_eq!(
        search(&store, "A17", 20).unwrap()[0].student.admission_no,
        "A-17"
    );
}

#[test]
fn an_admission_number_with_letters_and_a_long_number_is_found() {
    let (_d, store) = school();
    add(&store, "GV-0042", "Wanjiru", "Kamau", "");
    add(&store, "GV-0420", "Achieng", "Otieno", "");
    for q in ["GV-0042", "gv 0042", "GV0042", "gv-004"] {
        let hits = search(&store, q, 20).unwrap();
        assert_eq!(hits[0].student.given_name, "Wanjiru", "{q}");
    }
    assert_eq!(
        search(&store, "GV-0042", 20).unwrap()[0].matched,
        MatchKind::AdmissionNo
    );
    // Short words still narrow names: "ot 0042" is no name and no admission number.
    assert!(search(&store, "ot 0042", 20).unwrap().is_empty());
}

#[test]
fn a_guardian_phone_finds_the_student_in_any_form() {
    let (_d, store) = school();
    for q in ["98765", "9876543210", "+91 98765 43210", "43210"] {
        let hits = search(&store, q, 20).unwrap();
        assert_eq!(hits.len(), 1, "{q}");
        assert_eq!(hits[0].student.given_name, "José", "{q}");
        assert_eq!(hits[0].matched, MatchKind::Phone, "{q}");
    }
}

#[test]
fn the_index_follows_edits() {
    let (_d, store) = school();
    let id = add(&store, "D-1", "Wanjiru", "Otieno", "");
    let d = students::get(&store, id).unwrap();
    students::update(
        &store,
        id,
        &StudentInput {
            admission_no: "D-1".into(),
            given_name: "Wanjiku".into(),
            family_name: "Otieno".into(),
            status: StudentStatus::Left,
            guardians: vec![GuardianInput {
                name: "Grace".into(),
                relation: Relation::Mother,
                phone: "98450 11111".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(names(&store, "wanjiru").is_empty());
    assert_eq!(names(&store, "wanjiku"), ["Wanjiku Otieno"]);
    assert_eq!(names(&store, "9845011111"), ["Wanjiku Otieno"]);
    assert_eq!(d.student.status, StudentStatus::Active);
}

#[test]
fn nothing_typed_finds_nothing_and_odd_input_does_not_break_it() {
    let (_d, store) = school();
    assert!(names(&store, "   ").is_empty());
    for q in [
        "\"",
        "\" OR 1=1 --",
        "a*",
        "NEAR(",
        "%",
        "_",
        "()",
        "\u{0}",
        "👍",
        "^j",
    ] {
        search(&store, q, 20).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
}

/// Every entry of the index, in rowid order.
fn index_rows(store: &Store) -> Vec<(i64, String, String)> {
    store
        .read(|c| {
            let mut stmt =
                c.prepare("SELECT rowid, name, numbers FROM student_search ORDER BY rowid")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
}

/// The index as rebuilding every student's entry from the records makes it.
fn rebuilt(store: &Store) -> Vec<(i64, String, String)> {
    store
        .write(|w| {
            let ids: Vec<Id> = w
                .conn()
                .prepare("SELECT id FROM students")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                reindex(w.conn(), id)?;
            }
            Ok(())
        })
        .unwrap();
    index_rows(store)
}

#[test]
fn siblings_sharing_and_editing_a_guardian_keep_the_index_as_a_rebuild_makes_it() {
    let (_d, store) = school();
    let parent = |id: Option<Id>, phone: &str| GuardianInput {
        id,
        name: "Lakshmi Rao".into(),
        relation: Relation::Mother,
        phone: phone.into(),
        ..Default::default()
    };
    let child = |adm: &str, given: &str, guardian: GuardianInput| StudentInput {
        admission_no: adm.into(),
        given_name: given.into(),
        family_name: "Rao".into(),
        guardians: vec![guardian],
        ..Default::default()
    };
    let a = students::create(&store, &child("S-1", "Asha", parent(None, "98111 22222"))).unwrap();
    // The sibling links the same guardian, found by phone: the first child's entry is as it was.
    let b = students::create(&store, &child("S-2", "Bala", parent(None, "98111 22222"))).unwrap();
    let shared = a.guardians[0].guardian.id;
    assert_eq!(b.guardians[0].guardian.id, shared);
    assert_eq!(names(&store, "9811122222"), ["Asha Rao", "Bala Rao"]);
    assert_eq!(index_rows(&store), rebuilt(&store));
    // Editing the shared guardian's number on one child's form moves both children.
    students::update(
        &store,
        b.student.id,
        &child("S-2", "Bala", parent(Some(shared), "98333 44444")),
    )
    .unwrap();
    assert!(names(&store, "9811122222").is_empty());
    assert_eq!(names(&store, "9833344444"), ["Asha Rao", "Bala Rao"]);
    assert_eq!(index_rows(&store), rebuilt(&store));
    // Unlinking the guardian from one child leaves the other's entry with the number.
    students::update(
        &store,
        b.student.id,
        &StudentInput {
            guardians: vec![],
            ..child("S-2", "Bala", parent(None, ""))
        },
    )
    .unwrap();
    assert_eq!(names(&store, "9833344444"), ["Asha Rao"]);
    assert_eq!(index_rows(&store), rebuilt(&store));
}

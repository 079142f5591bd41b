//! How exports spell the store's codes for people: "Male" rather than `male`. The import
//! reads every one of these back (see `import::fields::Field::help`).

use crate::guardians::Relation;
use crate::students::{Gender, StudentStatus};

pub(crate) fn gender_word(g: Gender) -> &'static str {
    match g {
        Gender::Male => "Male",
        Gender::Female => "Female",
        Gender::Other => "Other",
    }
}

pub(crate) fn status_word(s: StudentStatus) -> &'static str {
    match s {
        StudentStatus::Active => "Active",
        StudentStatus::Left => "Left",
        StudentStatus::Graduated => "Graduated",
    }
}

pub(crate) fn relation_word(r: Relation) -> &'static str {
    match r {
        Relation::Father => "Father",
        Relation::Mother => "Mother",
        Relation::Guardian => "Guardian",
        Relation::Grandparent => "Grandparent",
        Relation::Sibling => "Sibling",
        Relation::Other => "Other",
    }
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words must parse back as the same value, or an exported register would not
    /// re-import as it is.
    #[test]
    fn every_word_reads_back_as_its_value() {
        for g in [Gender::Male, Gender::Female, Gender::Other] {
            assert_eq!(gender_word(g).parse::<Gender>().unwrap(), g);
        }
        for s in [
            StudentStatus::Active,
            StudentStatus::Left,
            StudentStatus::Graduated,
        ] {
            assert_eq!(status_word(s).parse::<StudentStatus>().unwrap(), s);
        }
        for r in [
            Relation::Father,
            Relation::Mother,
            Relation::Guardian,
            Relation::Grandparent,
            Relation::Sibling,
            Relation::Other,
        ] {
            assert_eq!(relation_word(r).parse::<Relation>().unwrap(), r);
        }
    }
}

//! The columns a class list can have: what each means, the header Rollbook writes for it
//! (exports and the template use these, so an export re-imports as it is), and the
//! headers schools actually use for it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    AdmissionNo,
    /// A roll number: used as the admission number when there is no better column.
    RollNo,
    /// "Student Name": split into given and family names.
    FullName,
    GivenName,
    FamilyName,
    /// "Class" or "Class & Section": "5-B", "V B", "Grade 5 B".
    Class,
    Grade,
    Section,
    Dob,
    Gender,
    AdmissionDate,
    Status,
    GuardianName,
    GuardianRelation,
    GuardianPhone,
    GuardianAltPhone,
    GuardianEmail,
    WhatsappConsent,
    FatherName,
    FatherPhone,
    MotherName,
    MotherPhone,
    Guardian2Name,
    Guardian2Relation,
    Guardian2Phone,
}

impl Field {
    pub const ALL: [Field; 25] = [
        Field::AdmissionNo,
        Field::RollNo,
        Field::FullName,
        Field::GivenName,
        Field::FamilyName,
        Field::Class,
        Field::Grade,
        Field::Section,
        Field::Dob,
        Field::Gender,
        Field::AdmissionDate,
        Field::Status,
        Field::GuardianName,
        Field::GuardianRelation,
        Field::GuardianPhone,
        Field::GuardianAltPhone,
        Field::GuardianEmail,
        Field::WhatsappConsent,
        Field::FatherName,
        Field::FatherPhone,
        Field::MotherName,
        Field::MotherPhone,
        Field::Guardian2Name,
        Field::Guardian2Relation,
        Field::Guardian2Phone,
    ];

    /// The columns of the student register export and of the import template, in order.
    pub const REGISTER: [Field; 17] = [
        Field::AdmissionNo,
        Field::GivenName,
        Field::FamilyName,
        Field::Class,
        Field::Dob,
        Field::Gender,
        Field::AdmissionDate,
        Field::Status,
        Field::GuardianName,
        Field::GuardianRelation,
        Field::GuardianPhone,
        Field::GuardianAltPhone,
        Field::GuardianEmail,
        Field::WhatsappConsent,
        Field::Guardian2Name,
        Field::Guardian2Relation,
        Field::Guardian2Phone,
    ];

    /// The header Rollbook writes for this column.
    pub fn header(self) -> &'static str {
        match self {
            Field::AdmissionNo => "Admission No",
            Field::RollNo => "Roll No",
            Field::FullName => "Student Name",
            Field::GivenName => "Given Name",
            Field::FamilyName => "Family Name",
            Field::Class => "Class",
            Field::Grade => "Grade",
            Field::Section => "Section",
            Field::Dob => "Date of Birth",
            Field::Gender => "Gender",
            Field::AdmissionDate => "Admission Date",
            Field::Status => "Status",
            Field::GuardianName => "Guardian Name",
            Field::GuardianRelation => "Guardian Relation",
            Field::GuardianPhone => "Guardian Mobile",
            Field::GuardianAltPhone => "Guardian Alternate Mobile",
            Field::GuardianEmail => "Guardian Email",
            Field::WhatsappConsent => "WhatsApp Consent",
            Field::FatherName => "Father's Name",
            Field::FatherPhone => "Father's Mobile",
            Field::MotherName => "Mother's Name",
            Field::MotherPhone => "Mother's Mobile",
            Field::Guardian2Name => "Guardian 2 Name",
            Field::Guardian2Relation => "Guardian 2 Relation",
            Field::Guardian2Phone => "Guardian 2 Mobile",
        }
    }

    /// What a person should write in the column (the template's instructions sheet).
    pub fn help(self) -> &'static str {
        match self {
            Field::AdmissionNo => "Required. Unique for each student, e.g. 2026/0142.",
            Field::RollNo => {
                "Used as the admission number when there is no admission number column."
            }
            Field::FullName => "The full name; the last word is taken as the family name.",
            Field::GivenName => "Required (or a Student Name column).",
            Field::FamilyName => "Optional.",
            Field::Class => {
                "The class as Rollbook names it, e.g. Grade 5 B (5-B and V B are understood too)."
            }
            Field::Grade => "With a Section column, instead of Class.",
            Field::Section => "With a Grade column, instead of Class.",
            Field::Dob => "A date: an Excel date, or day/month/year in the school's date order.",
            Field::Gender => "M or F (Male, Female, Boy, Girl and Other are understood).",
            Field::AdmissionDate => "A date, like Date of Birth.",
            Field::Status => "Active (the default), Left or Graduated.",
            Field::GuardianName => "The main contact's name.",
            Field::GuardianRelation => "Father, Mother, Guardian, Grandparent, Sibling or Other.",
            Field::GuardianPhone => "A mobile number, local or with + and the country code.",
            Field::GuardianAltPhone => "A second number for the same guardian.",
            Field::GuardianEmail => "Optional.",
            Field::WhatsappConsent => "Yes if the guardian agreed to WhatsApp messages.",
            Field::FatherName | Field::MotherName => "Added as a guardian.",
            Field::FatherPhone | Field::MotherPhone => "That parent's mobile number.",
            Field::Guardian2Name => "A second guardian.",
            Field::Guardian2Relation => "The second guardian's relation.",
            Field::Guardian2Phone => "The second guardian's mobile number.",
        }
    }

    /// Headers (normalised with [`normalise_header`]) that mean this column.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::AdmissionNo => &[
                "admissionno",
                "admno",
                "admnno",
                "admissionnumber",
                "admissionnum",
                "admnumber",
                "regno",
                "registrationno",
                "registrationnumber",
                "regnumber",
                "studentid",
                "enrollmentno",
                "enrolmentno",
                "enrollmentnumber",
                "enrolmentnumber",
                "srno",
                "scholarno",
                "grno",
            ],
            Field::RollNo => &["rollno", "rollnumber", "roll", "rollnum"],
            Field::FullName => &[
                "studentname",
                "name",
                "nameofstudent",
                "fullname",
                "pupilname",
                "learnername",
                "studentsname",
                "nameofthestudent",
                "childname",
                "childsname",
            ],
            Field::GivenName => &[
                "givenname",
                "firstname",
                "forename",
                "fname",
                "studentfirstname",
            ],
            Field::FamilyName => &[
                "familyname",
                "lastname",
                "surname",
                "lname",
                "studentlastname",
                "studentsurname",
            ],
            Field::Class => &[
                "class",
                "classsection",
                "classandsection",
                "classsec",
                "gradesection",
                "gradeandsection",
                "standarddivision",
                "stddiv",
                "classdiv",
                "classdivision",
                "classname",
            ],
            Field::Grade => &["grade", "std", "standard", "level", "form"],
            Field::Section => &["section", "div", "division", "sec", "stream"],
            Field::Dob => &["dateofbirth", "dob", "birthdate", "birthday", "dtofbirth"],
            Field::Gender => &["gender", "sex", "mf", "boygirl"],
            Field::AdmissionDate => &[
                "admissiondate",
                "dateofadmission",
                "doa",
                "joiningdate",
                "dateofjoining",
            ],
            Field::Status => &["status", "studentstatus"],
            Field::GuardianName => &[
                "guardianname",
                "guardian",
                "parentname",
                "parent",
                "parentsname",
                "guardiansname",
                "parentguardianname",
                "parentguardian",
                "nameofparent",
                "nameofguardian",
            ],
            Field::GuardianRelation => &[
                "guardianrelation",
                "relation",
                "relationship",
                "relationwithstudent",
            ],
            Field::GuardianPhone => &[
                "guardianmobile",
                "mobile",
                "mobileno",
                "mobilenumber",
                "phone",
                "phoneno",
                "phonenumber",
                "contactno",
                "contact",
                "contactnumber",
                "whatsappno",
                "whatsappnumber",
                "parentmobile",
                "parentphone",
                "guardianphone",
                "parentcontact",
                "parentmobileno",
                "guardianmobileno",
                "cellno",
                "cellphone",
                "telephone",
                "tel",
                "mobilenos",
            ],
            Field::GuardianAltPhone => &[
                "guardianalternatemobile",
                "alternatemobile",
                "altmobile",
                "alternatephone",
                "altphone",
                "mobile2",
                "phone2",
                "othermobile",
            ],
            Field::GuardianEmail => &[
                "guardianemail",
                "email",
                "emailid",
                "emailaddress",
                "parentemail",
                "mail",
            ],
            Field::WhatsappConsent => &["whatsappconsent", "whatsappoptin", "whatsappok"],
            Field::FatherName => &["fathersname", "fathername", "nameoffather", "father"],
            Field::FatherPhone => &[
                "fathersmobile",
                "fathermobile",
                "fathersmobileno",
                "fatherphone",
                "fathersphone",
                "fathermobileno",
                "fatherscontact",
                "fathercontact",
                "fathercontactno",
            ],
            Field::MotherName => &["mothersname", "mothername", "nameofmother", "mother"],
            Field::MotherPhone => &[
                "mothersmobile",
                "mothermobile",
                "mothersmobileno",
                "motherphone",
                "mothersphone",
                "mothermobileno",
                "motherscontact",
                "mothercontact",
                "mothercontactno",
            ],
            Field::Guardian2Name => &["guardian2name", "secondguardian", "guardian2"],
            Field::Guardian2Relation => &["guardian2relation"],
            Field::Guardian2Phone => &["guardian2mobile", "guardian2phone"],
        }
    }

    /// The column a header means, if any: "Adm. No." → AdmissionNo, "Father's Mobile No" →
    /// FatherPhone, "Date of Birth (dd/mm/yyyy)" → Dob.
    pub fn from_header(header: &str) -> Option<Field> {
        let key = normalise_header(header);
        if key.is_empty() {
            return None;
        }
        Field::ALL
            .into_iter()
            .find(|f| f.synonyms().contains(&key.as_str()))
    }
}

/// Lowercase letters and digits only, with any bracketed note dropped: headers match
/// whatever their case, spacing and punctuation.
pub fn normalise_header(header: &str) -> String {
    let mut depth = 0u32;
    let mut out = String::new();
    for ch in deunicode::deunicode(header).chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_by_meaning_whatever_their_spelling() {
        let cases = [
            ("Adm No", Field::AdmissionNo),
            ("Admission Number", Field::AdmissionNo),
            ("Adm. No.", Field::AdmissionNo),
            ("  ADMISSION   NO ", Field::AdmissionNo),
            ("Reg No", Field::AdmissionNo),
            ("Roll No", Field::RollNo),
            ("Student Name", Field::FullName),
            ("Name", Field::FullName),
            ("First Name", Field::GivenName),
            ("Surname", Field::FamilyName),
            ("Last Name", Field::FamilyName),
            ("Class", Field::Class),
            ("Class & Section", Field::Class),
            ("Std", Field::Grade),
            ("Div", Field::Section),
            ("DOB", Field::Dob),
            ("Date of Birth (dd/mm/yyyy)", Field::Dob),
            ("Sex", Field::Gender),
            ("Father's Name", Field::FatherName),
            ("Mother's Name", Field::MotherName),
            ("Guardian", Field::GuardianName),
            ("Parent Name", Field::GuardianName),
            ("Mobile", Field::GuardianPhone),
            ("Mobile No.", Field::GuardianPhone),
            ("Contact No", Field::GuardianPhone),
            ("WhatsApp No", Field::GuardianPhone),
            ("Father Mobile", Field::FatherPhone),
            ("Father's Mobile No", Field::FatherPhone),
        ];
        for (header, field) in cases {
            assert_eq!(Field::from_header(header), Some(field), "{header}");
        }
        assert_eq!(Field::from_header("Blood Group"), None);
        assert_eq!(Field::from_header(""), None);
    }

    #[test]
    fn every_written_header_reads_back_as_its_column() {
        for f in Field::ALL {
            assert_eq!(Field::from_header(f.header()), Some(f), "{}", f.header());
        }
    }

    #[test]
    fn no_synonym_means_two_columns() {
        let mut seen = std::collections::HashMap::new();
        for f in Field::ALL {
            for s in f.synonyms() {
                if let Some(other) = seen.insert(*s, f) {
                    panic!("{s} means both {other:?} and {f:?}");
                }
            }
        }
    }
}

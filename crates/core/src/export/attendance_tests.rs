//! The monthly register read back with calamine: the codes where they belong, the closed
//! days grey and blank and not counted, the totals of a hand-worked example, sessions joined.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, StyleRange, Xlsx, open_workbook_from_rs};

use super::monthly_register;
use crate::attendance::{self, MarkInput, RollInput, SessionMode, SettingsInput};
use crate::calendar::{self, HolidayInput};
use crate::classes::{self, ClassInput};
use crate::error::ErrorCode;
use crate::id::Id;
use crate::store::Store;
use crate::students::{self, StudentInput, StudentStatus};
use crate::testing::{new_store, set_up_school};
use crate::years::{self, YearInput};

/// November 2025: the 1st is a Saturday, so day D is in column 2 + D.
const MONTH: &str = "2025-11";
const HEADER: u32 = 3;
const FIRST: u32 = 4;

fn day_col(day: u32) -> u32 {
    2 + day
}

/// Columns after the 30 days: P A L E H, Attended, %.
fn total_col(header: &str) -> u32 {
    33 + ["P", "A", "L", "E", "H", "Attended", "%"]
        .iter()
        .position(|h| *h == header)
        .unwrap() as u32
}

fn book(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a readable xlsx")
}

fn values(bytes: &[u8], sheet: &str) -> Range<Data> {
    book(bytes).worksheet_range(sheet).expect("sheet")
}

fn styles(bytes: &[u8], sheet: &str) -> StyleRange {
    book(bytes).worksheet_style(sheet).expect("styles")
}

fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

fn num(n: f64) -> Data {
    Data::Float(n)
}

fn is_grey(s: &StyleRange, row: u32, col: u32) -> bool {
    s.get((row, col))
        .and_then(|style| style.fill.as_ref())
        .filter(|f| f.is_visible())
        .and_then(|f| f.get_color())
        .is_some_and(|c| c.to_argb() & 0x00FF_FFFF == 0x00D9_D9D9)
}

/// The school of the tests: set up (year 2026-27), with the past year 2025-26 added so
/// marks can be saved, and Guru Nanak Jayanti on Wednesday 5 November 2025.
fn school() -> (tempfile::TempDir, Store, Id) {
    let (dir, store) = new_store();
    set_up_school(&store);
    let year = years::add_year(
        &store,
        &YearInput {
            name: "2025-26".into(),
            start_date: "2025-06-01".into(),
            end_date: "2026-03-31".into(),
        },
    )
    .unwrap();
    calendar::add_holiday(
        &store,
        year.id,
        &HolidayInput {
            name: "Guru Nanak Jayanti".into(),
            start_date: "2025-11-05".into(),
            end_date: String::new(),
        },
    )
    .unwrap();
    (dir, store, year.id)
}

fn class(store: &Store, name: &str, teacher: &str) -> Id {
    classes::create(
        store,
        &ClassInput {
            name: name.into(),
            class_teacher: teacher.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn student(store: &Store, adm: &str, given: &str, family: &str, class_id: Id) -> Id {
    students::create(
        store,
        &StudentInput {
            admission_no: adm.into(),
            given_name: given.into(),
            family_name: family.into(),
            class_id: Some(class_id),
            ..Default::default()
        },
    )
    .unwrap()
    .student
    .id
}

fn mark(student_id: Id, code: &str) -> MarkInput {
    MarkInput {
        student_id,
        code: code.into(),
        late_minutes: (code == "L").then_some(10),
        reason: (code == "E").then(|| "Family wedding".to_owned()),
    }
}

fn roll(store: &Store, class_id: Id, date: &str, session: &str, marks: Vec<MarkInput>) {
    attendance::save_roll(
        store,
        &RollInput {
            class_id,
            date: date.into(),
            session: session.into(),
            marks,
            taken_by: None,
        },
    )
    .unwrap();
}

/// Grade 5 B: Aarav Iyer, Diya Menon, Kabir Shah (roll numbers 1 to 3, by family name),
/// with a week of marks:
///
/// | | Mon 3 | Tue 4 | Wed 5 (holiday) | Thu 6 | Fri 7 (made a closure after marking) |
/// |---|---|---|---|---|---|
/// | Iyer | P | P | | H | A |
/// | Menon | P | A | | P | A |
/// | Shah | P | L | | E | A |
fn week(store: &Store, year: Id) -> Id {
    let c = class(store, "Grade 5 B", "Mrs Rao");
    let shah = student(store, "00103", "Kabir", "Shah", c);
    let iyer = student(store, "00101", "Aarav", "Iyer", c);
    let menon = student(store, "00102", "Diya", "Menon", c);
    let day = |date: &str, codes: [&str; 3]| {
        let marks = [iyer, menon, shah]
            .into_iter()
            .zip(codes)
            .map(|(s, code)| mark(s, code))
            .collect();
        roll(store, c, date, "", marks);
    };
    day("2025-11-03", ["P", "P", "P"]);
    day("2025-11-04", ["P", "A", "L"]);
    day("2025-11-06", ["H", "P", "E"]);
    day("2025-11-07", ["A", "A", "A"]);
    calendar::add_holiday(
        store,
        year,
        &HolidayInput {
            name: "Rain closure".into(),
            start_date: "2025-11-07".into(),
            end_date: String::new(),
        },
    )
    .unwrap();
    c
}

#[test]
fn the_register_has_the_school_the_title_the_days_and_the_students_in_roll_order() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    let export = monthly_register(&store, Some(c), MONTH).unwrap();
    assert_eq!(export.sheets, ["Grade 5 B"]);
    assert_eq!(export.rows, 3);
    let r = values(&export.bytes, "Grade 5 B");
    assert_eq!(at(&r, 0, 0), text("St. Mary's School"));
    let title = at(&r, 1, 0).to_string();
    assert!(
        title.starts_with(
            "Attendance register: Grade 5 B, November 2025 (class teacher Mrs Rao), made "
        ),
        "{title}"
    );
    // The header: day numbers, with the weekday initial above each.
    assert_eq!(at(&r, HEADER, 0), text("No."));
    assert_eq!(at(&r, HEADER, 1), text("Adm. No."));
    assert_eq!(at(&r, HEADER, 2), text("Name"));
    for d in 1..=30 {
        assert_eq!(at(&r, HEADER, day_col(d)), text(&d.to_string()));
    }
    assert_eq!(
        at(&r, HEADER, day_col(31)),
        text("P"),
        "November has 30 days"
    );
    let initials: Vec<String> = (1..=9)
        .map(|d| at(&r, HEADER - 1, day_col(d)).to_string())
        .collect();
    assert_eq!(initials, ["S", "S", "M", "T", "W", "T", "F", "S", "S"]);
    for h in ["P", "A", "L", "E", "H", "Attended", "%"] {
        assert_eq!(at(&r, HEADER, total_col(h)), text(h));
    }
    let names: Vec<(Data, Data, Data)> = (FIRST..FIRST + 3)
        .map(|row| (at(&r, row, 0), at(&r, row, 1), at(&r, row, 2)))
        .collect();
    assert_eq!(
        names,
        [
            (num(1.0), text("00101"), text("Aarav Iyer")),
            (num(2.0), text("00102"), text("Diya Menon")),
            (num(3.0), text("00103"), text("Kabir Shah")),
        ]
    );
}

#[test]
fn each_cell_holds_the_code_marked_that_day() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    let bytes = monthly_register(&store, Some(c), MONTH).unwrap().bytes;
    let r = values(&bytes, "Grade 5 B");
    let days = |row: u32| -> Vec<String> {
        [3, 4, 6, 10]
            .iter()
            .map(|d| at(&r, row, day_col(*d)).to_string())
            .collect()
    };
    assert_eq!(days(FIRST), ["P", "P", "H", ""]);
    assert_eq!(days(FIRST + 1), ["P", "A", "P", ""]);
    assert_eq!(days(FIRST + 2), ["P", "L", "E", ""]);
}

#[test]
fn weekends_and_holidays_are_grey_blank_and_not_counted() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    let bytes = monthly_register(&store, Some(c), MONTH).unwrap().bytes;
    let r = values(&bytes, "Grade 5 B");
    let s = styles(&bytes, "Grade 5 B");
    // Saturday 1st, Sunday 2nd, the holiday on the 5th, and the 7th, marked "A" for everyone
    // before it was made a closure: grey from the weekday initial to the day totals, no code.
    for d in [1, 2, 5, 7, 8, 9] {
        let col = day_col(d);
        for row in HEADER - 1..=FIRST + 4 {
            assert!(is_grey(&s, row, col), "day {d}, row {row} is not grey");
        }
        for row in FIRST..=FIRST + 4 {
            assert_eq!(at(&r, row, col), Data::Empty, "day {d}, row {row}");
        }
    }
    // Working days are not grey.
    for d in [3, 4, 6, 10] {
        assert!(!is_grey(&s, FIRST, day_col(d)), "day {d}");
        assert!(!is_grey(&s, HEADER, day_col(d)), "day {d}");
    }
    // The closure's "A"s are not among the absences.
    assert_eq!(at(&r, FIRST, total_col("A")), num(0.0));
    assert_eq!(at(&r, FIRST + 1, total_col("A")), num(1.0));
    // The legend says why the days are grey.
    let legend: Vec<String> = (FIRST + 6..FIRST + 8)
        .map(|row| at(&r, row, 0).to_string())
        .collect();
    assert!(legend[0].starts_with("Codes: P Present, A Absent, L Late, E Excused, H Half-day."));
    assert_eq!(
        legend[1],
        "Grey: no school (weekends; Guru Nanak Jayanti (5); Rain closure (7))."
    );
}

#[test]
fn the_totals_are_values_worked_out_by_hand() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    let bytes = monthly_register(&store, Some(c), MONTH).unwrap().bytes;
    let r = values(&bytes, "Grade 5 B");
    let totals = |row: u32| -> Vec<Data> {
        ["P", "A", "L", "E", "H", "Attended", "%"]
            .iter()
            .map(|h| at(&r, row, total_col(h)))
            .collect()
    };
    // Iyer P P H: 2.5 of 3. Menon P A P: 2 of 3. Shah P L E: late attends, leave does not.
    let n = |v: [f64; 7]| v.map(num).to_vec();
    assert_eq!(totals(FIRST), n([2.0, 0.0, 0.0, 0.0, 1.0, 2.5, 83.3]));
    assert_eq!(totals(FIRST + 1), n([2.0, 1.0, 0.0, 0.0, 0.0, 2.0, 66.7]));
    assert_eq!(totals(FIRST + 2), n([1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 66.7]));

    // Under the students: each day's sessions attended and percentage; the class's in the
    // Attended and % columns (6.5 of 9 sessions).
    let present = FIRST + 3;
    assert_eq!(at(&r, present, 2), text("Present"));
    assert_eq!(at(&r, present + 1, 2), text("%"));
    let day = |row: u32| -> Vec<Data> {
        [3, 4, 6, 10]
            .iter()
            .map(|d| at(&r, row, day_col(*d)))
            .collect()
    };
    assert_eq!(day(present), [num(3.0), num(2.0), num(1.5), Data::Empty]);
    assert_eq!(
        day(present + 1),
        [num(100.0), num(66.7), num(50.0), Data::Empty]
    );
    assert_eq!(at(&r, present, total_col("Attended")), num(6.5));
    assert_eq!(at(&r, present + 1, total_col("%")), num(72.2));
}

#[test]
fn the_percentages_agree_with_the_class_summary() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    let bytes = monthly_register(&store, Some(c), MONTH).unwrap().bytes;
    let r = values(&bytes, "Grade 5 B");
    let summary =
        attendance::class_summary(&store, c, Some("2025-11-01"), Some("2025-11-30")).unwrap();
    for (row, s) in (FIRST..).zip(&summary.students) {
        assert_eq!(at(&r, row, 2), text(&s.name));
        assert_eq!(
            at(&r, row, total_col("%")),
            s.tally.percentage.map_or(Data::Empty, num)
        );
    }
    assert_eq!(
        at(&r, FIRST + 4, total_col("%")),
        summary.tally.percentage.map_or(Data::Empty, num)
    );
}

#[test]
fn nothing_is_a_formula_and_a_student_with_no_marks_has_a_blank_percentage() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    student(&store, "00104", "=HYPERLINK(\"x\")", "Zed", c);
    let bytes = monthly_register(&store, Some(c), MONTH).unwrap().bytes;
    let r = values(&bytes, "Grade 5 B");
    assert_eq!(at(&r, FIRST + 3, 2), text("=HYPERLINK(\"x\") Zed"));
    assert_eq!(at(&r, FIRST + 3, total_col("P")), num(0.0));
    assert_eq!(at(&r, FIRST + 3, total_col("Attended")), num(0.0));
    assert_eq!(at(&r, FIRST + 3, total_col("%")), Data::Empty);
    let mut xml = String::new();
    zip::ZipArchive::new(Cursor::new(&bytes))
        .unwrap()
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(!xml.contains("<f>"), "a formula was written");
}

#[test]
fn two_sessions_a_day_are_joined_in_order() {
    let (_d, store, _year) = school();
    attendance::update_settings(
        &store,
        &SettingsInput {
            session_mode: SessionMode::Halves,
            periods: 1,
            late_after: "08:30".into(),
            chronic_threshold: 75,
        },
    )
    .unwrap();
    let c = class(&store, "Grade 2 A", "");
    let asha = student(&store, "201", "Asha", "Bose", c);
    let ben = student(&store, "202", "Ben", "Cole", c);
    roll(
        &store,
        c,
        "2025-11-03",
        "am",
        vec![mark(asha, "P"), mark(ben, "P")],
    );
    roll(
        &store,
        c,
        "2025-11-03",
        "pm",
        vec![mark(asha, "A"), mark(ben, "P")],
    );
    roll(&store, c, "2025-11-04", "am", vec![mark(asha, "P")]);
    roll(&store, c, "2025-11-10", "pm", vec![mark(ben, "H")]);
    let bytes = monthly_register(&store, Some(c), MONTH).unwrap().bytes;
    let r = values(&bytes, "Grade 2 A");
    assert_eq!(at(&r, FIRST, day_col(3)), text("P/A"));
    assert_eq!(at(&r, FIRST, day_col(4)), text("P/-"));
    assert_eq!(at(&r, FIRST + 1, day_col(3)), text("P/P"));
    assert_eq!(at(&r, FIRST + 1, day_col(4)), Data::Empty);
    assert_eq!(at(&r, FIRST + 1, day_col(10)), text("-/H"));
    // Sessions are counted: Asha attended 2 of 3, Ben 2.5 of 3.
    assert_eq!(at(&r, FIRST, total_col("P")), num(2.0));
    assert_eq!(at(&r, FIRST, total_col("A")), num(1.0));
    assert_eq!(at(&r, FIRST, total_col("Attended")), num(2.0));
    assert_eq!(at(&r, FIRST, total_col("%")), num(66.7));
    assert_eq!(at(&r, FIRST + 1, total_col("Attended")), num(2.5));
    assert_eq!(at(&r, FIRST + 1, total_col("%")), num(83.3));
    // The 3rd: 3 of 4 sessions attended.
    assert_eq!(at(&r, FIRST + 2, day_col(3)), num(3.0));
    assert_eq!(at(&r, FIRST + 3, day_col(3)), num(75.0));
    assert!(
        (FIRST + 5..FIRST + 9)
            .map(|row| at(&r, row, 0).to_string())
            .any(|l| l.contains("Morning/Afternoon")),
        "the legend explains the sessions"
    );
}

#[test]
fn every_class_with_active_students_gets_a_sheet_in_class_list_order() {
    let (_d, store, year) = school();
    let five = week(&store, year);
    let ten = class(&store, "Grade 10 A", "");
    let empty = class(&store, "Grade 1 A", "");
    let left_only = class(&store, "Grade 3 A", "");
    let kiran = student(&store, "1001", "Kiran", "Rao", ten);
    students::create(
        &store,
        &StudentInput {
            admission_no: "3001".into(),
            given_name: "Old".into(),
            family_name: "Boy".into(),
            class_id: Some(left_only),
            status: StudentStatus::Left,
            ..Default::default()
        },
    )
    .unwrap();
    roll(&store, ten, "2025-11-03", "", vec![mark(kiran, "A")]);
    let export = monthly_register(&store, None, MONTH).unwrap();
    assert_eq!(export.sheets, ["Grade 5 B", "Grade 10 A"]);
    assert_eq!(export.rows, 4);
    let r = values(&export.bytes, "Grade 10 A");
    assert_eq!(at(&r, FIRST, 2), text("Kiran Rao"));
    assert_eq!(at(&r, FIRST, day_col(3)), text("A"));
    assert_eq!(at(&r, FIRST, total_col("%")), num(0.0));
    // Grade 5 B's sheet is the same as when exported alone.
    let alone = monthly_register(&store, Some(five), MONTH).unwrap();
    assert_eq!(
        values(&export.bytes, "Grade 5 B"),
        values(&alone.bytes, "Grade 5 B")
    );
    // A class asked for by name gets its sheet even when it has no students.
    let e = monthly_register(&store, Some(empty), MONTH).unwrap();
    assert_eq!(
        (e.sheets.as_slice(), e.rows),
        (&["Grade 1 A".to_owned()][..], 0)
    );
}

#[test]
fn a_month_that_is_not_one_or_in_no_year_is_refused_naming_month() {
    let (_d, store, year) = school();
    let c = week(&store, year);
    for bad in [
        "2026-13",
        "2025-00",
        "2025-1",
        "2025/11",
        "November",
        "",
        "2025-11-01",
    ] {
        let e = monthly_register(&store, Some(c), bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation, "{bad}");
        assert_eq!(e.field.as_deref(), Some("month"), "{bad}");
        assert!(e.message.contains("YYYY-MM"), "{bad}: {}", e.message);
    }
    // May 2025 is before 2025-26 begins.
    let e = monthly_register(&store, Some(c), "2025-05").unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.field.as_deref(), Some("month"));
    assert!(e.message.contains("May 2025"), "{}", e.message);
    assert_eq!(
        monthly_register(&store, Some(Id::new()), MONTH)
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

#[test]
fn no_class_with_students_is_refused() {
    let (_d, store, _year) = school();
    class(&store, "Grade 1 A", "");
    let e = monthly_register(&store, None, MONTH).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.field.as_deref(), Some("class"));
}

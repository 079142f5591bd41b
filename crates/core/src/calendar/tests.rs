use super::*;
use crate::testing::{new_store, set_up_school};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn a_year_works_monday_to_friday_until_the_school_says_otherwise() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let cal = get(&store, None).unwrap();
    assert_eq!(cal.working_days, [1, 2, 3, 4, 5]);
    assert_eq!(cal.day_kind(date("2026-11-20")), DayKind::Working);
    assert_eq!(cal.day_kind(date("2026-11-21")), DayKind::Weekend);
    assert_eq!(cal.day_kind(date("2027-04-01")), DayKind::OutsideYear);

    let cal = set_working_days(&store, cal.year.id, &[6, 1, 2, 3, 4, 5]).unwrap();
    assert_eq!(cal.working_days, [1, 2, 3, 4, 5, 6]);
    assert_eq!(cal.day_kind(date("2026-11-21")), DayKind::Working);
    assert_eq!(get(&store, None).unwrap().working_days, [1, 2, 3, 4, 5, 6]);

    let err = set_working_days(&store, cal.year.id, &[]).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("working_days"));
    let err = set_working_days(&store, cal.year.id, &[0, 8]).unwrap_err();
    assert!(err.message.contains("not a day of the week"));
}

#[test]
fn holidays_are_named_ranges_inside_the_year() {
    let (_dir, store) = new_store();
    set_up_school(&store);
    let year = get(&store, None).unwrap().year.id;
    let diwali = add_holiday(
        &store,
        year,
        &HolidayInput {
            name: "Diwali break".into(),
            start_date: "2026-11-09".into(),
            end_date: "2026-11-13".into(),
        },
    )
    .unwrap();
    let cal = get(&store, None).unwrap();
    assert_eq!(
        cal.day_kind(date("2026-11-11")),
        DayKind::Holiday {
            name: "Diwali break".into()
        }
    );
    // Three weeks of November: 15 weekdays, 5 of them the break.
    let days = cal.working_days_between(date("2026-11-02"), date("2026-11-22"));
    assert_eq!(days.len(), 10);
    assert_eq!(
        cal.previous_working_day(date("2026-11-16")),
        Some(date("2026-11-06")),
        "the school day before the Monday after the break is the Friday before it"
    );

    let err = add_holiday(
        &store,
        year,
        &HolidayInput {
            name: " ".into(),
            start_date: "2027-05-01".into(),
            end_date: "2027-04-30".into(),
        },
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["name", "end_date"]);
    let err = add_holiday(
        &store,
        year,
        &HolidayInput {
            name: "Summer".into(),
            start_date: "2027-05-01".into(),
            end_date: String::new(),
        },
    )
    .unwrap_err();
    assert!(err.message.contains("within 2026-27"), "{err:?}");

    remove_holiday(&store, diwali.id).unwrap();
    assert!(get(&store, None).unwrap().holidays.is_empty());
    assert_eq!(
        remove_holiday(&store, diwali.id).unwrap_err().code,
        crate::ErrorCode::NotFound
    );
}

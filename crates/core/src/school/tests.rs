use super::*;
use crate::testing::new_store;
use crate::years;

fn input(country: &str) -> SetupInput {
    SetupInput {
        school: SchoolInput {
            name: "Green Valley School".into(),
            country: country.into(),
            ..Default::default()
        },
        year: Some(YearInput {
            name: "2026".into(),
            start_date: "2026-01-05".into(),
            end_date: "2026-11-27".into(),
        }),
        terms: vec![
            TermInput {
                name: "Term 1".into(),
                start_date: "2026-01-05".into(),
                end_date: "2026-04-03".into(),
            },
            TermInput {
                name: "Term 2".into(),
                start_date: "2026-04-27".into(),
                end_date: "2026-08-07".into(),
            },
        ],
    }
}

#[test]
fn setup_fills_the_country_defaults() {
    let (_dir, store) = new_store();
    assert!(get(&store).unwrap().is_none());
    let p = setup(&store, &input("ke")).unwrap();
    assert_eq!(p.country, "KE");
    assert_eq!(p.currency, "KES");
    assert_eq!(p.currency_minor_units, 2);
    assert_eq!(p.date_order, DateOrder::Dmy);
    assert_eq!(p.phone_country, "KE");
    assert_eq!(get(&store).unwrap(), Some(p));
    let years = years::list(&store).unwrap();
    assert_eq!(years.len(), 1);
    assert!(years[0].year.is_current);
    assert_eq!(
        years[0]
            .terms
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Term 1", "Term 2"]
    );
}

#[test]
fn us_schools_write_month_first_and_japanese_yen_has_no_minor_unit() {
    assert_eq!(
        defaults_for_country("US").unwrap().date_order,
        DateOrder::Mdy
    );
    assert_eq!(
        defaults_for_country("IN").unwrap().currency.as_deref(),
        Some("INR")
    );
    let (_dir, store) = new_store();
    let mut i = input("JP");
    i.school.time_zone = Some("Asia/Tokyo".into());
    let p = setup(&store, &i).unwrap();
    assert_eq!((p.currency.as_str(), p.currency_minor_units), ("JPY", 0));
}

#[test]
fn every_bad_field_is_named_at_once() {
    let (_dir, store) = new_store();
    let mut i = input("XX");
    i.school.name = "  ".into();
    i.school.currency = Some("ABC".into());
    i.school.time_zone = Some("Mars/Olympus".into());
    let err = setup(&store, &i).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "school.name",
            "school.country",
            "school.currency",
            "school.time_zone"
        ]
    );
    assert!(get(&store).unwrap().is_none(), "nothing was written");
}

#[test]
fn a_term_outside_its_year_or_overlapping_another_is_refused_and_nothing_is_written() {
    let (_dir, store) = new_store();
    let mut i = input("KE");
    i.terms[1].start_date = "2026-03-01".into();
    let err = setup(&store, &i).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("terms[1].start_date"));
    assert!(err.message.contains("overlap"), "{}", err.message);
    let mut i = input("KE");
    i.terms[1].end_date = "2027-01-01".into();
    let err = setup(&store, &i).unwrap_err();
    assert!(err.message.contains("within 2026"), "{}", err.message);
    assert!(get(&store).unwrap().is_none());
    assert!(
        store.pending_outbox(10).unwrap().is_empty(),
        "no outbox entry for a failed setup"
    );
}

#[test]
fn an_impossible_date_names_its_field() {
    let (_dir, store) = new_store();
    let mut i = input("KE");
    i.year.as_mut().unwrap().end_date = "2026-02-30".into();
    let err = setup(&store, &i).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("year.end_date"));
    assert!(err.message.contains("2026-02-30"));
}

#[test]
fn editing_the_profile_records_only_what_changed() {
    let (_dir, store) = new_store();
    let p = setup(&store, &input("KE")).unwrap();
    let before = store.pending_outbox(100).unwrap().len();
    let mut edit = SchoolInput {
        name: "Green Valley Academy".into(),
        country: "KE".into(),
        ..Default::default()
    };
    edit.time_zone = Some(p.time_zone.clone());
    let p2 = update(&store, &edit).unwrap();
    assert_eq!(p2.id, p.id);
    assert_eq!(p2.name, "Green Valley Academy");
    let entries = store.pending_outbox(100).unwrap();
    assert_eq!(entries.len(), before + 1);
    let last = entries.last().unwrap();
    assert_eq!(last.op, "update");
    assert_eq!(
        last.payload,
        serde_json::json!({ "name": "Green Valley Academy" })
    );
}

#[test]
fn the_logo_is_stored_shrunk_as_png_keeping_transparency() {
    use std::io::Cursor;
    let (_dir, store) = crate::testing::new_store();
    crate::testing::set_up_school(&store);
    assert!(logo(&store).unwrap().is_none());
    let big = image::RgbaImage::from_fn(1200, 600, |x, _| {
        image::Rgba([(x % 256) as u8, 40, 90, 128])
    });
    let mut bytes = Cursor::new(Vec::new());
    big.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    set_logo(&store, &bytes.into_inner()).unwrap();
    let stored = logo(&store).unwrap().unwrap();
    let back = image::load_from_memory_with_format(&stored, image::ImageFormat::Png).unwrap();
    assert_eq!((back.width(), back.height()), (400, 200));
    assert!(back.color().has_alpha(), "transparency is kept");
    let err = set_logo(&store, b"not an image").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("logo"));
    remove_logo(&store).unwrap();
    assert!(logo(&store).unwrap().is_none());
}

//! The school profile: who this installation serves, in which currency, date order,
//! time zone and phone country. Set once at first run, editable by the office later.

mod logo;

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::now_utc;
use crate::users::Permission;
use crate::validate::Problems;
use crate::years::{self, AcademicYear, TermInput, YearInput};

pub(crate) use logo::load_base64 as logo_base64;
pub use logo::{LOGO_MAX_SIDE, logo, remove_logo, set_logo};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DateOrder {
    #[serde(rename = "DMY")]
    Dmy,
    #[serde(rename = "MDY")]
    Mdy,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "DMY",
            DateOrder::Mdy => "MDY",
        }
    }

    /// The order a country writes dates in: month first in the few places that do.
    pub fn for_country(country: &str) -> DateOrder {
        const MONTH_FIRST: &[&str] = &[
            "US", "PH", "FM", "MH", "PW", "GU", "AS", "PR", "VI", "UM", "MP", "BZ",
        ];
        if MONTH_FIRST.contains(&country.to_ascii_uppercase().as_str()) {
            DateOrder::Mdy
        } else {
            DateOrder::Dmy
        }
    }
}

impl FromStr for DateOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "DMY" => Ok(DateOrder::Dmy),
            "MDY" => Ok(DateOrder::Mdy),
            other => Err(Error::validation(
                "date_order",
                format!("\"{other}\" is not a date order (use DMY or MDY)"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SchoolProfile {
    pub id: Id,
    pub name: String,
    pub address: String,
    pub country: String,
    pub currency: String,
    pub currency_symbol: String,
    pub currency_minor_units: u8,
    pub date_order: DateOrder,
    pub time_zone: String,
    pub phone_country: String,
}

/// What the first-run screen (or `rollbook init`) asks for. Blank optional fields take the
/// country's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SchoolInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    pub country: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub currency: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub date_order: Option<DateOrder>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub phone_country: Option<String>,
}

/// First-run setup: the school and, optionally, its current academic year with terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SetupInput {
    pub school: SchoolInput,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub year: Option<YearInput>,
    #[serde(default)]
    pub terms: Vec<TermInput>,
}

/// Defaults the first-run screen fills in once a country is picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountryDefaults {
    pub country: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub currency: Option<String>,
    pub date_order: DateOrder,
    pub phone_country: String,
}

pub fn defaults_for_country(country: &str) -> Result<CountryDefaults> {
    let country = normalise_country("country", country)?;
    Ok(CountryDefaults {
        currency: currency_of(&country),
        date_order: DateOrder::for_country(&country),
        phone_country: country.clone(),
        country,
    })
}

fn currency_of(country: &str) -> Option<String> {
    let c = iso_currency::Country::from_str(country).ok()?;
    iso_currency::Currency::from_country(c)
        .first()
        .map(|cur| cur.code().to_owned())
}

/// A country code as ISO 3166-1 alpha-2, checked against the phone-number metadata (which
/// knows every country a school might be in).
pub(crate) fn normalise_country(field: &str, text: &str) -> Result<String> {
    let cc = text.trim().to_ascii_uppercase();
    match phonenumber::country::Id::from_str(&cc) {
        Ok(_) if cc.len() == 2 => Ok(cc),
        _ => Err(Error::validation(
            field,
            format!(
                "\"{}\" is not a two-letter country code (e.g. IN, KE, US)",
                text.trim()
            ),
        )),
    }
}

struct Currency {
    code: String,
    symbol: String,
    minor_units: u8,
}

fn parse_currency(text: &str) -> Result<Currency> {
    let code = text.trim().to_ascii_uppercase();
    let cur = iso_currency::Currency::from_code(&code).ok_or_else(|| {
        Error::validation(
            "currency",
            format!(
                "\"{}\" is not an ISO 4217 currency code (e.g. INR, KES, USD)",
                text.trim()
            ),
        )
    })?;
    let minor_units = cur
        .exponent()
        .and_then(|e| u8::try_from(e).ok())
        .ok_or_else(|| {
            Error::validation(
                "currency",
                format!("{code} is not a currency money can be counted in"),
            )
        })?;
    Ok(Currency {
        code,
        symbol: cur.symbol().to_string(),
        minor_units,
    })
}

fn parse_time_zone(text: &str) -> Result<String> {
    let tz = text.trim();
    tz.parse::<chrono_tz::Tz>()
        .map(|z| z.name().to_owned())
        .map_err(|_| {
            Error::validation(
                "time_zone",
                format!("\"{tz}\" is not a time zone (e.g. Asia/Kolkata)"),
            )
        })
}

fn system_time_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "UTC".to_owned())
}

fn validate(input: &SchoolInput, id: Id) -> Result<SchoolProfile> {
    let mut p = Problems::default();
    let name = p.required("name", "The school's name", &input.name, 120);
    let address = crate::text::clean(&input.address);
    p.max_len("address", "The address", &address, 300);
    let country = p.take("country", normalise_country("country", &input.country));
    let currency_text = input
        .currency
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| country.as_deref().and_then(currency_of));
    let currency = match currency_text {
        Some(c) => p.take("currency", parse_currency(&c)),
        None => {
            p.add("currency", "The currency is required");
            None
        }
    };
    let time_zone = match input
        .time_zone
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(tz) => p.take("time_zone", parse_time_zone(tz)),
        None => Some(system_time_zone()),
    };
    let phone_country = match input
        .phone_country
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(pc) => p.take("phone_country", normalise_country("phone_country", pc)),
        None => country.clone(),
    };
    p.finish()?;
    let (Some(country), Some(currency), Some(time_zone), Some(phone_country)) =
        (country, currency, time_zone, phone_country)
    else {
        return Err(Error::internal("validated school profile is incomplete"));
    };
    Ok(SchoolProfile {
        id,
        name,
        address,
        date_order: input
            .date_order
            .unwrap_or_else(|| DateOrder::for_country(&country)),
        country,
        currency: currency.code,
        currency_symbol: currency.symbol,
        currency_minor_units: currency.minor_units,
        time_zone,
        phone_country,
    })
}

/// The school profile, or `None` before first-run setup.
pub fn get(store: &Store) -> Result<Option<SchoolProfile>> {
    store.read(load)
}

/// The profile, or a `not_set_up` error telling the user to run setup first.
pub(crate) fn require(conn: &Connection) -> Result<SchoolProfile> {
    load(conn)?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotSetUp,
            "The school has not been set up yet. Run the first-run setup (or `rollbook init`).",
        )
    })
}

pub(crate) fn load(conn: &Connection) -> Result<Option<SchoolProfile>> {
    Ok(conn
        .query_row(
            "SELECT id, name, address, country, currency, currency_symbol, currency_minor_units,
                    date_order, time_zone, phone_country FROM school",
            [],
            from_row,
        )
        .optional()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<SchoolProfile> {
    let order: String = r.get(7)?;
    Ok(SchoolProfile {
        id: r.get(0)?,
        name: r.get(1)?,
        address: r.get(2)?,
        country: r.get(3)?,
        currency: r.get(4)?,
        currency_symbol: r.get(5)?,
        currency_minor_units: r.get(6)?,
        date_order: if order == "MDY" {
            DateOrder::Mdy
        } else {
            DateOrder::Dmy
        },
        time_zone: r.get(8)?,
        phone_country: r.get(9)?,
    })
}

/// First-run setup: the school profile and, if given, the current year with its terms, in
/// one transaction.
/// Field names in errors are prefixed: `school.name`, `year.start_date`, `terms[1].end_date`.
pub fn setup(store: &Store, input: &SetupInput) -> Result<SchoolProfile> {
    store.require(Permission::ManageSchool)?;
    let profile =
        validate(&input.school, Id::new()).map_err(|e| crate::error::prefix_field(e, "school"))?;
    store.write(|w| {
        if load(w.conn())?.is_some() {
            return Err(Error::new(
                ErrorCode::AlreadySetUp,
                "The school is already set up; edit it under Settings.",
            ));
        }
        insert(w, &profile)?;
        if let Some(year) = &input.year {
            let y: AcademicYear = years::insert_year(w, year, true)
                .map_err(|e| crate::error::prefix_field(e, "year"))?;
            for (i, term) in input.terms.iter().enumerate() {
                years::insert_term(w, &y, term)
                    .map_err(|e| crate::error::prefix_field(e, &format!("terms[{i}]")))?;
            }
        } else if !input.terms.is_empty() {
            return Err(Error::validation(
                "year.name",
                "Terms need an academic year",
            ));
        }
        Ok(profile.clone())
    })
}

/// Edits the profile; the id stays.
pub fn update(store: &Store, input: &SchoolInput) -> Result<SchoolProfile> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        let old = require(w.conn())?;
        let new = validate(input, old.id)?;
        let changed = crate::diff::changed_fields(&old, &new)?;
        if changed.is_empty() {
            return Ok(old);
        }
        w.conn().execute(
            "UPDATE school SET name = ?1, address = ?2, country = ?3, currency = ?4, currency_symbol = ?5,
                currency_minor_units = ?6, date_order = ?7, time_zone = ?8, phone_country = ?9, updated_at = ?10",
            rusqlite::params![
                new.name, new.address, new.country, new.currency, new.currency_symbol,
                new.currency_minor_units, new.date_order.as_str(), new.time_zone, new.phone_country, now_utc()
            ],
        )?;
        w.record(RecordType::School, new.id, Op::Update, &changed)?;
        Ok(new)
    })
}

fn insert(w: &mut Writer<'_>, p: &SchoolProfile) -> Result<()> {
    let now = now_utc();
    w.conn().execute(
        "INSERT INTO school (id, name, address, country, currency, currency_symbol, currency_minor_units,
                             date_order, time_zone, phone_country, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        rusqlite::params![
            p.id, p.name, p.address, p.country, p.currency, p.currency_symbol,
            p.currency_minor_units, p.date_order.as_str(), p.time_zone, p.phone_country, now
        ],
    )?;
    w.record(RecordType::School, p.id, Op::Insert, p)?;
    Ok(())
}

#[cfg(test)]
mod tests;

/// The school's local date and time at the instant `at` (in its time zone; UTC if the zone
/// is unknown).
pub fn local_time(
    school: &SchoolProfile,
    at: chrono::DateTime<chrono::Utc>,
) -> chrono::NaiveDateTime {
    match school.time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).naive_local(),
        Err(_) => at.naive_utc(),
    }
}

/// Today's date where the school is.
pub fn today_at_school(school: &SchoolProfile) -> chrono::NaiveDate {
    local_time(school, chrono::Utc::now()).date()
}

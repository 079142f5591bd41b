//! The school profile (`school`, one row) and its logo (`school_logo`, one row).

use base64::Engine;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Values, clash, object};
use crate::error::Result;
use crate::id::Id;
use crate::school::{DateOrder, SchoolProfile};
use crate::sync::replica::Replica;
use crate::time::now_utc;

/// `school`: the payload is [`SchoolProfile`] (id, name, address, country, currency,
/// currency_symbol, currency_minor_units, date_order, time_zone, phone_country).
pub(super) struct School;

impl Replica for School {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        match crate::school::load(conn)? {
            Some(p) if p.id == id => Ok(Some(object(&p)?)),
            _ => Ok(None),
        }
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "school", id, values);
        let p = SchoolProfile {
            id,
            name: v.req("name")?,
            address: v.or("address", String::new())?,
            country: v.req("country")?,
            currency: v.req("currency")?,
            currency_symbol: v.req("currency_symbol")?,
            currency_minor_units: v.req("currency_minor_units")?,
            date_order: v.req::<DateOrder>("date_order")?,
            time_zone: v.req("time_zone")?,
            phone_country: v.req("phone_country")?,
        };
        if p.currency_minor_units > 4 {
            return Err(v.bad("currency_minor_units", "more than 4 decimals"));
        }
        if let Some(other) = crate::school::load(conn)?
            && other.id != id
        {
            return Err(clash(
                "school",
                "id",
                format!(
                    "This computer already holds another school ({}); it cannot take in {}'s \
                     records. Sync a new, empty installation instead.",
                    other.name, p.name
                ),
            ));
        }
        conn.execute(
            "INSERT INTO school (id, name, address, country, currency, currency_symbol,
                                 currency_minor_units, date_order, time_zone, phone_country,
                                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address,
                 country = excluded.country, currency = excluded.currency,
                 currency_symbol = excluded.currency_symbol,
                 currency_minor_units = excluded.currency_minor_units,
                 date_order = excluded.date_order, time_zone = excluded.time_zone,
                 phone_country = excluded.phone_country, updated_at = excluded.updated_at",
            rusqlite::params![
                p.id,
                p.name,
                p.address,
                p.country,
                p.currency,
                p.currency_symbol,
                p.currency_minor_units,
                p.date_order.as_str(),
                p.time_zone,
                p.phone_country,
                now_utc()
            ],
        )?;
        Ok(())
    }

    /// A school is never removed (nothing records such a change); a delete is ignored.
    fn delete(&self, _conn: &Connection, id: Id) -> Result<()> {
        tracing::warn!(%id, "a remote delete of the school was ignored");
        Ok(())
    }
}

/// `school_logo`, under the id `Id::derived("school_logo", [])`: the payload is
/// `{png_base64}` (recorded as an update, also the first time).
pub(super) struct SchoolLogo;

fn logo_id() -> Id {
    Id::derived("school_logo", &[])
}

impl Replica for SchoolLogo {
    fn load(&self, conn: &Connection, id: Id) -> Result<Option<Map<String, Value>>> {
        if id != logo_id() {
            return Ok(None);
        }
        let png: Option<Vec<u8>> = conn
            .query_row("SELECT png FROM school_logo WHERE singleton = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(png.map(|png| {
            let mut m = Map::new();
            m.insert(
                "png_base64".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(png)),
            );
            m
        }))
    }

    fn store(&self, conn: &Connection, id: Id, values: &Map<String, Value>) -> Result<()> {
        let v = Values::new(conn, "school_logo", id, values);
        if id != logo_id() {
            return Err(v.bad("id", "it is not the school logo's id"));
        }
        let text: String = v.req("png_base64")?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(|e| v.bad("png_base64", &format!("not base64 ({e})")))?;
        conn.execute(
            "INSERT INTO school_logo (singleton, png, updated_at) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET png = excluded.png,
                 updated_at = excluded.updated_at",
            rusqlite::params![png, now_utc()],
        )?;
        Ok(())
    }

    fn delete(&self, conn: &Connection, id: Id) -> Result<()> {
        if id == logo_id() {
            conn.execute("DELETE FROM school_logo", [])?;
        }
        Ok(())
    }
}

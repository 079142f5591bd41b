//! The school's logo, printed on receipts and ID cards: decoded with limits, shrunk to fit
//! a square of [`LOGO_MAX_SIDE`] pixels, and stored as PNG so a transparent background stays
//! transparent.

use std::io::Cursor;

use base64::Engine;
use image::ImageFormat;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store};
use crate::students::photo::{decode_limited, shrink_to};
use crate::time::now_utc;
use crate::users::Permission;

pub const LOGO_MAX_SIDE: u32 = 400;

fn record_id() -> Id {
    Id::derived("school_logo", &[])
}

/// Stores the school's logo (JPEG, PNG or WebP), replacing any earlier one.
pub fn set_logo(store: &Store, bytes: &[u8]) -> Result<()> {
    store.require(Permission::ManageSchool)?;
    let img = shrink_to(decode_limited(bytes, "logo", "logo")?, LOGO_MAX_SIDE);
    let mut out = Cursor::new(Vec::new());
    img.to_rgba8()
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| Error::internal(format!("could not encode the logo: {e}")))?;
    let png = out.into_inner();
    store.write(|w| {
        super::require(w.conn())?;
        w.conn().execute(
            "INSERT INTO school_logo (singleton, png, updated_at) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET png = excluded.png, updated_at = excluded.updated_at",
            rusqlite::params![png, now_utc()],
        )?;
        w.record(
            RecordType::SchoolLogo,
            record_id(),
            Op::Update,
            &serde_json::json!({
                "png_base64": base64::engine::general_purpose::STANDARD.encode(&png)
            }),
        )?;
        Ok(())
    })
}

pub fn remove_logo(store: &Store) -> Result<()> {
    store.require(Permission::ManageSchool)?;
    store.write(|w| {
        if w.conn().execute("DELETE FROM school_logo", [])? > 0 {
            w.record(
                RecordType::SchoolLogo,
                record_id(),
                Op::Delete,
                &serde_json::Value::Null,
            )?;
        }
        Ok(())
    })
}

/// The logo as PNG bytes, when there is one.
pub fn logo(store: &Store) -> Result<Option<Vec<u8>>> {
    store.require(Permission::ViewStudents)?;
    store.read(load)
}

pub(crate) fn load(c: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(
        c.query_row("SELECT png FROM school_logo WHERE singleton = 1", [], |r| {
            r.get(0)
        })
        .optional()?,
    )
}

/// The logo as base64 PNG, for receipts and cards.
pub(crate) fn load_base64(c: &Connection) -> Result<Option<String>> {
    Ok(load(c)?.map(|b| base64::engine::general_purpose::STANDARD.encode(b)))
}

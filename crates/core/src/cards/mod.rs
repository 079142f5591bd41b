//! ID cards for students and staff. A card's QR code carries only its token, an opaque random
//! string ("RB" and 20 base-32 characters, 100 random bits): scanning it at the gate marks the
//! holder present (see `checkin.rs`); nothing personal can be read from it. A holder has at
//! most one live card; a lost card is revoked and a new one issued.

mod checkin;

use base64::Engine;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store, Writer};
use crate::time::now_utc;
use crate::users::Permission;

pub use checkin::{CheckIn, CheckInOutcome, check_in};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum HolderKind {
    Student,
    Staff,
}

impl HolderKind {
    fn as_str(self) -> &'static str {
        match self {
            HolderKind::Student => "student",
            HolderKind::Staff => "staff",
        }
    }

    fn parse(s: &str) -> Option<HolderKind> {
        match s {
            "student" => Some(HolderKind::Student),
            "staff" => Some(HolderKind::Staff),
            _ => None,
        }
    }
}

/// A card as printed: what the front shows and the QR code (SVG) of its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardView {
    pub token: String,
    pub holder_kind: HolderKind,
    pub holder_id: Id,
    pub name: String,
    /// The class for a student, the role for staff.
    pub subtitle: String,
    /// The admission number for a student; empty for staff.
    pub number: String,
    /// The photo as base64 JPEG, when there is one.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo_jpeg: Option<String>,
    /// An SVG document of the QR code.
    pub qr_svg: String,
}

#[derive(Serialize)]
struct CardRecord<'a> {
    token: &'a str,
    holder_kind: HolderKind,
    holder_id: Id,
    issued_at: &'a str,
    revoked_at: Option<&'a str>,
}

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh token: "RB" and 20 characters of Crockford base 32 from 100 random bits.
fn new_token() -> String {
    let mut bits = uuid::Uuid::new_v4().as_u128();
    let mut out = String::from("RB");
    for _ in 0..20 {
        out.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    out
}

/// What a scanner typed, as a token: spaces gone, upper case. Scanners on a foreign keyboard
/// layout can send lower case; none of the alphabet's letters is ambiguous after that.
pub(crate) fn normalise_token(scanned: &str) -> String {
    scanned
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn live_token(c: &Connection, kind: HolderKind, holder_id: Id) -> Result<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT token FROM id_cards WHERE holder_kind = ?1 AND holder_id = ?2 AND revoked_at IS NULL",
    )?
    .query_row(rusqlite::params![kind.as_str(), holder_id], |r| r.get(0))
    .optional()?)
}

fn issue(w: &mut Writer<'_>, kind: HolderKind, holder_id: Id) -> Result<String> {
    let token = new_token();
    let id = Id::new();
    let now = now_utc();
    w.conn()
        .prepare_cached(
            "INSERT INTO id_cards (token, id, holder_kind, holder_id, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![token, id, kind.as_str(), holder_id, now])?;
    w.record(
        RecordType::IdCard,
        id,
        Op::Insert,
        &CardRecord {
            token: &token,
            holder_kind: kind,
            holder_id,
            issued_at: &now,
            revoked_at: None,
        },
    )?;
    Ok(token)
}

/// The holder's live card, issued now if they have none.
fn ensure(w: &mut Writer<'_>, kind: HolderKind, holder_id: Id) -> Result<String> {
    match live_token(w.conn(), kind, holder_id)? {
        Some(t) => Ok(t),
        None => issue(w, kind, holder_id),
    }
}

fn revoke_live(w: &mut Writer<'_>, kind: HolderKind, holder_id: Id) -> Result<()> {
    let row: Option<Id> = w
        .conn()
        .query_row(
            "SELECT id FROM id_cards WHERE holder_kind = ?1 AND holder_id = ?2 AND revoked_at IS NULL",
            rusqlite::params![kind.as_str(), holder_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = row {
        let now = now_utc();
        w.conn().execute(
            "UPDATE id_cards SET revoked_at = ?2 WHERE id = ?1",
            rusqlite::params![id, now],
        )?;
        w.record(
            RecordType::IdCard,
            id,
            Op::Update,
            &serde_json::json!({ "revoked_at": now }),
        )?;
    }
    Ok(())
}

fn check_holder(c: &Connection, kind: HolderKind, holder_id: Id) -> Result<()> {
    let exists = match kind {
        HolderKind::Student => crate::students::load(c, holder_id)?.is_some(),
        HolderKind::Staff => crate::staff::load(c, holder_id)?.is_some(),
    };
    if exists {
        Ok(())
    } else {
        Err(Error::not_found(match kind {
            HolderKind::Student => "The student",
            HolderKind::Staff => "The staff member",
        }))
    }
}

/// Replaces a holder's card (lost or damaged): the old card stops working at once.
pub fn reissue(store: &Store, kind: HolderKind, holder_id: Id) -> Result<CardView> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        check_holder(w.conn(), kind, holder_id)?;
        revoke_live(w, kind, holder_id)?;
        let token = issue(w, kind, holder_id)?;
        view(w.conn(), kind, holder_id, token)
    })
}

/// Withdraws a holder's card without a replacement.
pub fn revoke(store: &Store, kind: HolderKind, holder_id: Id) -> Result<()> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        check_holder(w.conn(), kind, holder_id)?;
        revoke_live(w, kind, holder_id)
    })
}

/// The cards of a class's active students, in roll order, issuing any that are missing.
pub fn class_cards(store: &Store, class_id: Id) -> Result<Vec<CardView>> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        if crate::classes::load(w.conn(), class_id)?.is_none() {
            return Err(Error::not_found("The class"));
        }
        let students = crate::attendance::class_students(w.conn(), class_id)?;
        let mut out = Vec::with_capacity(students.len());
        for (id, _, _) in students {
            let token = ensure(w, HolderKind::Student, id)?;
            out.push(view(w.conn(), HolderKind::Student, id, token)?);
        }
        Ok(out)
    })
}

/// The cards of every active staff member, issuing any that are missing.
pub fn staff_cards(store: &Store) -> Result<Vec<CardView>> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        let ids: Vec<Id> = w
            .conn()
            .prepare("SELECT id FROM staff WHERE active = 1 ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let token = ensure(w, HolderKind::Staff, id)?;
            out.push(view(w.conn(), HolderKind::Staff, id, token)?);
        }
        Ok(out)
    })
}

/// The holder's card, issuing one if they have none.
pub fn card(store: &Store, kind: HolderKind, holder_id: Id) -> Result<CardView> {
    store.require(Permission::EditStudents)?;
    store.write(|w| {
        check_holder(w.conn(), kind, holder_id)?;
        let token = ensure(w, kind, holder_id)?;
        view(w.conn(), kind, holder_id, token)
    })
}

fn view(c: &Connection, kind: HolderKind, holder_id: Id, token: String) -> Result<CardView> {
    let (name, subtitle, number, photo_jpeg) = match kind {
        HolderKind::Student => {
            let s = crate::students::load(c, holder_id)?
                .ok_or_else(|| Error::not_found("The student"))?;
            let class = match s.class_id {
                Some(id) => crate::classes::load(c, id)?.map(|k| k.name),
                None => None,
            };
            let photo: Option<Vec<u8>> = c
                .prepare_cached("SELECT jpeg FROM student_photos WHERE student_id = ?1")?
                .query_row([holder_id], |r| r.get(0))
                .optional()?;
            (
                s.full_name(),
                class.unwrap_or_default(),
                s.admission_no,
                photo.map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
            )
        }
        HolderKind::Staff => {
            let s = crate::staff::load(c, holder_id)?
                .ok_or_else(|| Error::not_found("The staff member"))?;
            (s.name, s.role, String::new(), None)
        }
    };
    Ok(CardView {
        qr_svg: qr_svg(&token)?,
        token,
        holder_kind: kind,
        holder_id,
        name,
        subtitle,
        number,
        photo_jpeg,
    })
}

/// The QR code of a token as an SVG document.
pub fn qr_svg(token: &str) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(token.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::internal(format!("QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(120, 120)
        .quiet_zone(true)
        .build())
}

/// Who holds the card with this token, and whether it is live.
pub(crate) struct Holder {
    pub kind: HolderKind,
    pub holder_id: Id,
    pub revoked_at: Option<String>,
}

pub(crate) fn holder(c: &Connection, token: &str) -> Result<Option<Holder>> {
    let row: Option<(String, Id, Option<String>)> = c
        .prepare_cached("SELECT holder_kind, holder_id, revoked_at FROM id_cards WHERE token = ?1")?
        .query_row([token], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(kind, holder_id, revoked_at)| {
        Ok(Holder {
            kind: HolderKind::parse(&kind)
                .ok_or_else(|| Error::internal(format!("unknown card holder kind {kind:?}")))?,
            holder_id,
            revoked_at,
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests;

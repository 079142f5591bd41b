//! The [`Store`] operations on SQLite.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rollbook_protocol::{Entry, PullResponse, PushResponse, Rejection};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::SqliteStore;
use crate::codes;
use crate::push::{Held, plan};
use crate::storage::{
    Device, EnrolOutcome, Enrolment, IssuedCode, PULL_PAGE_BYTES, Result, School, Store,
    StoreError, TokenStatus, backend, pull_page,
};

/// Tries at a code that no other code has had.
const CODE_TRIES: usize = 5;

impl Store for SqliteStore {
    async fn create_school(&self, name: &str) -> Result<School> {
        let school = School {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
        };
        let row = school.clone();
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO schools (id, name, created_at) VALUES (?1, ?2, ?3)",
                params![row.id, row.name, Utc::now()],
            )?;
            Ok(())
        })
        .await?;
        Ok(school)
    }

    async fn create_enrol_code(
        &self,
        school_id: &str,
        created_by: Option<&str>,
        valid_for: chrono::Duration,
    ) -> Result<IssuedCode> {
        let school_id = school_id.to_owned();
        let created_by = created_by.map(str::to_owned);
        self.write(move |conn| {
            let now = Utc::now();
            let expires_at = now + valid_for;
            for _ in 0..CODE_TRIES {
                let code = codes::generate().map_err(backend)?;
                let added = conn.execute(
                    "INSERT INTO enrol_codes (code_hash, school_id, created_by, created_at, expires_at)
                     SELECT ?1, id, ?3, ?4, ?5 FROM schools WHERE id = ?2
                     ON CONFLICT (code_hash) DO NOTHING",
                    params![codes::hash(&code), school_id, created_by, now, expires_at],
                )?;
                if added == 1 {
                    return Ok(IssuedCode { code, expires_at });
                }
                let school: Option<String> = conn
                    .query_row("SELECT id FROM schools WHERE id = ?1", [&school_id], |r| {
                        r.get(0)
                    })
                    .optional()?;
                if school.is_none() {
                    return Err(StoreError::NoSuchSchool);
                }
            }
            Err(StoreError::Backend("no unused enrolment code found".into()))
        })
        .await
    }

    async fn enrol(&self, enrolment: Enrolment) -> Result<EnrolOutcome> {
        self.write(move |conn| {
            let now = Utc::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let code: Option<(String, DateTime<Utc>, bool)> = tx
                .query_row(
                    "SELECT school_id, expires_at, used_at IS NOT NULL
                     FROM enrol_codes WHERE code_hash = ?1",
                    [&enrolment.code_hash],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let school_id = match code {
                None => return Ok(EnrolOutcome::UnknownCode),
                Some((_, _, true)) => return Ok(EnrolOutcome::UsedCode),
                Some((_, expires_at, _)) if expires_at <= now => {
                    return Ok(EnrolOutcome::ExpiredCode);
                }
                Some((school_id, _, _)) => school_id,
            };
            // A device already of this school is enrolled again (a re-install): its new
            // token replaces the old one, revoked or not. Of another school: refused.
            let enrolled: Option<String> = tx
                .query_row(
                    "INSERT INTO devices (id, school_id, name, token_hash, enrolled_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (id) DO UPDATE SET
                        name = excluded.name, token_hash = excluded.token_hash, revoked_at = NULL
                     WHERE devices.school_id = excluded.school_id
                     RETURNING id",
                    params![
                        enrolment.device_id,
                        school_id,
                        enrolment.device_name,
                        enrolment.token_hash,
                        now
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            if enrolled.is_none() {
                return Ok(EnrolOutcome::DeviceInOtherSchool);
            }
            tx.execute(
                "UPDATE enrol_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1",
                params![enrolment.code_hash, now, enrolment.device_id],
            )?;
            let school = tx.query_row(
                "SELECT id, name FROM schools WHERE id = ?1",
                [&school_id],
                |r| {
                    Ok(School {
                        id: r.get(0)?,
                        name: r.get(1)?,
                    })
                },
            )?;
            tx.commit()?;
            Ok(EnrolOutcome::Enrolled(school))
        })
        .await
    }

    async fn authenticate(&self, token_hash: &str) -> Result<TokenStatus> {
        let token_hash = token_hash.to_owned();
        self.read(move |conn| {
            let row: Option<(String, String, bool)> = conn
                .prepare_cached(
                    "SELECT id, school_id, revoked_at IS NOT NULL FROM devices WHERE token_hash = ?1",
                )?
                .query_row([&token_hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            Ok(match row {
                None => TokenStatus::Unknown,
                Some((_, _, true)) => TokenStatus::Revoked,
                Some((device_id, school_id, false)) => TokenStatus::Valid(Device {
                    device_id,
                    school_id,
                }),
            })
        })
        .await
    }

    async fn revoke_device(&self, device_id: &str) -> Result<()> {
        let device_id = device_id.to_owned();
        self.write(move |conn| {
            let changed = conn.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
                params![device_id, Utc::now()],
            )?;
            if changed == 0 {
                return Err(StoreError::NoSuchDevice);
            }
            Ok(())
        })
        .await
    }

    async fn push(&self, device: &Device, entries: Vec<Entry>) -> Result<PushResponse> {
        let device = device.clone();
        self.write(move |conn| {
            let now = Utc::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let last: i64 = tx
                .query_row(
                    "SELECT last_seq FROM devices WHERE id = ?1 AND school_id = ?2",
                    [&device.device_id, &device.school_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(StoreError::NoSuchDevice)?;
            let mut held = HashMap::new();
            {
                let mut accepted = tx.prepare_cached(
                    "SELECT entry_id FROM entries WHERE device_id = ?1 AND seq = ?2",
                )?;
                let mut rejected = tx.prepare_cached(
                    "SELECT entry_id, code, reason FROM rejected_entries
                     WHERE device_id = ?1 AND seq = ?2",
                )?;
                for e in entries.iter().filter(|e| (1..=last).contains(&e.seq)) {
                    if held.contains_key(&e.seq) {
                        continue;
                    }
                    let found = match accepted
                        .query_row(params![device.device_id, e.seq], |r| r.get(0))
                        .optional()?
                    {
                        Some(entry_id) => Some(Held {
                            entry_id,
                            rejection: None,
                        }),
                        None => rejected
                            .query_row(params![device.device_id, e.seq], |r| {
                                let entry_id: String = r.get(0)?;
                                Ok(Held {
                                    rejection: Some(Rejection {
                                        entry_id: entry_id.clone(),
                                        seq: e.seq,
                                        code: r.get(1)?,
                                        reason: r.get(2)?,
                                    }),
                                    entry_id,
                                })
                            })
                            .optional()?,
                    };
                    if let Some(h) = found {
                        held.insert(e.seq, h);
                    }
                }
            }
            let plan = plan(entries, last, &held);
            if !plan.accepted.is_empty() {
                let count = plan.accepted.len() as i64;
                let first: i64 = tx.query_row(
                    "UPDATE schools SET last_cursor = last_cursor + ?2 WHERE id = ?1
                     RETURNING last_cursor - ?2",
                    params![device.school_id, count],
                    |r| r.get(0),
                )?;
                let mut insert = tx.prepare_cached(
                    "INSERT INTO entries
                        (school_id, cursor, device_id, seq, entry_id, entry, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for (cursor, e) in (first + 1..).zip(&plan.accepted) {
                    let json = serde_json::to_string(e).map_err(backend)?;
                    insert.execute(params![
                        device.school_id,
                        cursor,
                        device.device_id,
                        e.seq,
                        e.entry_id,
                        json,
                        now
                    ])?;
                }
            }
            if !plan.rejected.is_empty() {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO rejected_entries
                        (device_id, seq, entry_id, code, reason, entry, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for (e, r) in &plan.rejected {
                    let json = serde_json::to_string(e).map_err(backend)?;
                    insert.execute(params![
                        device.device_id,
                        e.seq,
                        e.entry_id,
                        r.code,
                        r.reason,
                        json,
                        now
                    ])?;
                }
            }
            if plan.response.acked_through != last {
                tx.execute(
                    "UPDATE devices SET last_seq = ?2 WHERE id = ?1",
                    params![device.device_id, plan.response.acked_through],
                )?;
            }
            tx.commit()?;
            Ok(plan.response)
        })
        .await
    }

    async fn pull(&self, device: &Device, after: i64, limit: usize) -> Result<PullResponse> {
        let device = device.clone();
        self.read(move |conn| {
            // One read transaction: the stream's end and the rows come from one snapshot.
            let tx = conn.transaction()?;
            let last_cursor: i64 = tx
                .query_row(
                    "SELECT last_cursor FROM schools WHERE id = ?1",
                    [&device.school_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(StoreError::NoSuchSchool)?;
            let rows = tx
                .prepare_cached(
                    "SELECT cursor, entry FROM entries
                     WHERE school_id = ?1 AND cursor > ?2 AND device_id <> ?3
                     ORDER BY cursor LIMIT ?4",
                )?
                .query_map(
                    params![device.school_id, after, device.device_id, limit as i64 + 1],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            drop(tx);
            pull_page(rows, after, limit, last_cursor, PULL_PAGE_BYTES)
        })
        .await
    }
}

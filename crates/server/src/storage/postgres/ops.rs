//! The [`Store`] operations on PostgreSQL.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rollbook_protocol::{Entry, PullResponse, PushResponse, Rejection};
use tokio_postgres::IsolationLevel;

use super::PgStore;
use crate::codes;
use crate::push::{Held, plan};
use crate::storage::{
    Device, EnrolOutcome, Enrolment, IssuedCode, PULL_PAGE_BYTES, Result, School, Store,
    StoreError, TokenStatus, backend, pull_page,
};

/// Tries at a code that no other code has had.
const CODE_TRIES: usize = 5;

impl Store for PgStore {
    async fn create_school(&self, name: &str) -> Result<School> {
        let school = School {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
        };
        self.conn()
            .await?
            .execute(
                "INSERT INTO schools (id, name) VALUES ($1, $2)",
                &[&school.id, &school.name],
            )
            .await?;
        Ok(school)
    }

    async fn create_enrol_code(
        &self,
        school_id: &str,
        created_by: Option<&str>,
        valid_for: chrono::Duration,
    ) -> Result<IssuedCode> {
        let conn = self.conn().await?;
        let expires_at = Utc::now() + valid_for;
        for _ in 0..CODE_TRIES {
            let code = codes::generate().map_err(backend)?;
            let added = conn
                .execute(
                    "INSERT INTO enrol_codes (code_hash, school_id, created_by, expires_at)
                     SELECT $1, id, $3, $4 FROM schools WHERE id = $2
                     ON CONFLICT (code_hash) DO NOTHING",
                    &[&codes::hash(&code), &school_id, &created_by, &expires_at],
                )
                .await?;
            if added == 1 {
                return Ok(IssuedCode { code, expires_at });
            }
            if conn
                .query_opt("SELECT 1 FROM schools WHERE id = $1", &[&school_id])
                .await?
                .is_none()
            {
                return Err(StoreError::NoSuchSchool);
            }
        }
        Err(StoreError::Backend("no unused enrolment code found".into()))
    }

    async fn enrol(&self, enrolment: Enrolment) -> Result<EnrolOutcome> {
        let mut conn = self.conn().await?;
        let tx = conn.transaction().await?;
        let code = tx
            .query_opt(
                "SELECT school_id, expires_at, used_at IS NOT NULL
                 FROM enrol_codes WHERE code_hash = $1 FOR UPDATE",
                &[&enrolment.code_hash],
            )
            .await?;
        let Some(code) = code else {
            return Ok(EnrolOutcome::UnknownCode);
        };
        let (school_id, expires_at, used): (String, DateTime<Utc>, bool) =
            (code.get(0), code.get(1), code.get(2));
        if used {
            return Ok(EnrolOutcome::UsedCode);
        }
        if expires_at <= Utc::now() {
            return Ok(EnrolOutcome::ExpiredCode);
        }
        // A device already of this school is enrolled again (a re-install): its new token
        // replaces the old one, revoked or not. Of another school: refused.
        let enrolled = tx
            .query_opt(
                "INSERT INTO devices (id, school_id, name, token_hash) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, token_hash = excluded.token_hash, revoked_at = NULL
                 WHERE devices.school_id = excluded.school_id
                 RETURNING id",
                &[
                    &enrolment.device_id,
                    &school_id,
                    &enrolment.device_name,
                    &enrolment.token_hash,
                ],
            )
            .await?;
        if enrolled.is_none() {
            return Ok(EnrolOutcome::DeviceInOtherSchool);
        }
        tx.execute(
            "UPDATE enrol_codes SET used_at = now(), used_by = $2 WHERE code_hash = $1",
            &[&enrolment.code_hash, &enrolment.device_id],
        )
        .await?;
        let school = tx
            .query_one("SELECT id, name FROM schools WHERE id = $1", &[&school_id])
            .await?;
        let school = School {
            id: school.get(0),
            name: school.get(1),
        };
        tx.commit().await?;
        Ok(EnrolOutcome::Enrolled(school))
    }

    async fn authenticate(&self, token_hash: &str) -> Result<TokenStatus> {
        let row = self
            .conn()
            .await?
            .query_opt(
                "SELECT id, school_id, revoked_at IS NOT NULL FROM devices WHERE token_hash = $1",
                &[&token_hash],
            )
            .await?;
        Ok(match row {
            None => TokenStatus::Unknown,
            Some(row) if row.get::<_, bool>(2) => TokenStatus::Revoked,
            Some(row) => TokenStatus::Valid(Device {
                device_id: row.get(0),
                school_id: row.get(1),
            }),
        })
    }

    async fn revoke_device(&self, device_id: &str) -> Result<()> {
        let changed = self
            .conn()
            .await?
            .execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
                &[&device_id],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NoSuchDevice);
        }
        Ok(())
    }

    async fn push(&self, device: &Device, entries: Vec<Entry>) -> Result<PushResponse> {
        let mut conn = self.conn().await?;
        let tx = conn.transaction().await?;
        // The device's row lock makes pushes of one device take turns.
        let last: i64 = tx
            .query_opt(
                "SELECT last_seq FROM devices WHERE id = $1 AND school_id = $2 FOR UPDATE",
                &[&device.device_id, &device.school_id],
            )
            .await?
            .ok_or(StoreError::NoSuchDevice)?
            .get(0);
        let mut seqs: Vec<i64> = entries
            .iter()
            .map(|e| e.seq)
            .filter(|s| (1..=last).contains(s))
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        let mut held = HashMap::new();
        if !seqs.is_empty() {
            let rows = tx
                .query(
                    "SELECT seq, entry_id, NULL::text, NULL::text FROM entries
                     WHERE device_id = $1 AND seq = ANY($2)
                     UNION ALL
                     SELECT seq, entry_id, code, reason FROM rejected_entries
                     WHERE device_id = $1 AND seq = ANY($2)",
                    &[&device.device_id, &seqs],
                )
                .await?;
            for row in rows {
                let (seq, entry_id): (i64, String) = (row.get(0), row.get(1));
                let code: Option<String> = row.get(2);
                let rejection = code.map(|code| Rejection {
                    entry_id: entry_id.clone(),
                    seq,
                    code,
                    reason: row.get::<_, Option<String>>(3).unwrap_or_default(),
                });
                held.insert(
                    seq,
                    Held {
                        entry_id,
                        rejection,
                    },
                );
            }
        }
        let plan = plan(entries, last, &held);
        if !plan.accepted.is_empty() {
            let count = plan.accepted.len() as i64;
            // The school's row lock makes cursors commit in order.
            let first: i64 = tx
                .query_one(
                    "UPDATE schools SET last_cursor = last_cursor + $2 WHERE id = $1
                     RETURNING last_cursor - $2",
                    &[&device.school_id, &count],
                )
                .await?
                .get(0);
            let cursors: Vec<i64> = (first + 1..).take(plan.accepted.len()).collect();
            let seqs: Vec<i64> = plan.accepted.iter().map(|e| e.seq).collect();
            let ids: Vec<&str> = plan.accepted.iter().map(|e| e.entry_id.as_str()).collect();
            let json = plan
                .accepted
                .iter()
                .map(serde_json::to_string)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(backend)?;
            tx.execute(
                "INSERT INTO entries (school_id, cursor, device_id, seq, entry_id, entry)
                 SELECT $1, c, $2, s, i, j
                 FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[]) AS t (c, s, i, j)",
                &[
                    &device.school_id,
                    &device.device_id,
                    &cursors,
                    &seqs,
                    &ids,
                    &json,
                ],
            )
            .await?;
        }
        if !plan.rejected.is_empty() {
            let seqs: Vec<i64> = plan.rejected.iter().map(|(e, _)| e.seq).collect();
            let ids: Vec<&str> = plan
                .rejected
                .iter()
                .map(|(e, _)| e.entry_id.as_str())
                .collect();
            let codes: Vec<&str> = plan.rejected.iter().map(|(_, r)| r.code.as_str()).collect();
            let reasons: Vec<&str> = plan
                .rejected
                .iter()
                .map(|(_, r)| r.reason.as_str())
                .collect();
            let json = plan
                .rejected
                .iter()
                .map(|(e, _)| serde_json::to_string(e))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(backend)?;
            tx.execute(
                "INSERT INTO rejected_entries (device_id, seq, entry_id, code, reason, entry)
                 SELECT $1, s, i, c, r, j
                 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
                    AS t (s, i, c, r, j)",
                &[&device.device_id, &seqs, &ids, &codes, &reasons, &json],
            )
            .await?;
        }
        if plan.response.acked_through != last {
            tx.execute(
                "UPDATE devices SET last_seq = $2 WHERE id = $1",
                &[&device.device_id, &plan.response.acked_through],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(plan.response)
    }

    async fn pull(&self, device: &Device, after: i64, limit: usize) -> Result<PullResponse> {
        let mut conn = self.conn().await?;
        // One snapshot: the stream's end and the rows agree.
        let tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let last_cursor: i64 = tx
            .query_opt(
                "SELECT last_cursor FROM schools WHERE id = $1",
                &[&device.school_id],
            )
            .await?
            .ok_or(StoreError::NoSuchSchool)?
            .get(0);
        let rows = tx
            .query(
                "SELECT cursor, entry FROM entries
                 WHERE school_id = $1 AND cursor > $2 AND device_id <> $3
                 ORDER BY cursor LIMIT $4",
                &[
                    &device.school_id,
                    &after,
                    &device.device_id,
                    &(limit as i64 + 1),
                ],
            )
            .await?
            .into_iter()
            .map(|row| (row.get::<_, i64>(0), row.get::<_, String>(1)))
            .collect();
        tx.commit().await?;
        pull_page(rows, after, limit, last_cursor, PULL_PAGE_BYTES)
    }
}

//! The storage chosen at start-up: SQLite in a data directory, or PostgreSQL.

use rollbook_protocol::{Entry, PullResponse, PushResponse};

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Device, EnrolOutcome, Enrolment, IssuedCode, Result, School, Store, TokenStatus};

#[derive(Debug)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(Box<PgStore>),
}

macro_rules! delegate {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call.await,
            AnyStore::Postgres($s) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn create_school(&self, name: &str) -> Result<School> {
        delegate!(self, s => s.create_school(name))
    }

    async fn create_enrol_code(
        &self,
        school_id: &str,
        created_by: Option<&str>,
        valid_for: chrono::Duration,
    ) -> Result<IssuedCode> {
        delegate!(self, s => s.create_enrol_code(school_id, created_by, valid_for))
    }

    async fn enrol(&self, enrolment: Enrolment) -> Result<EnrolOutcome> {
        delegate!(self, s => s.enrol(enrolment))
    }

    async fn authenticate(&self, token_hash: &str) -> Result<TokenStatus> {
        delegate!(self, s => s.authenticate(token_hash))
    }

    async fn revoke_device(&self, device_id: &str) -> Result<()> {
        delegate!(self, s => s.revoke_device(device_id))
    }

    async fn push(&self, device: &Device, entries: Vec<Entry>) -> Result<PushResponse> {
        delegate!(self, s => s.push(device, entries))
    }

    async fn pull(&self, device: &Device, after: i64, limit: usize) -> Result<PullResponse> {
        delegate!(self, s => s.pull(device, after, limit))
    }
}

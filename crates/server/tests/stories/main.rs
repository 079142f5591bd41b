//! The server's stories, told over real HTTP to a real server on 127.0.0.1, against every
//! storage available: SQLite always, PostgreSQL when `ROLLBOOK_TEST_DATABASE_URL` is set
//! (`crates/server/scripts/start-postgres.sh` starts one).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod common;
mod enrolment;
mod idempotency;
mod limits;
mod sync;
mod tenancy;
mod updates;

//! Rollbook's cloud sync server: devices of a school enrol with one-time codes, push their
//! outbox entries and pull the school's stream of other devices' entries. The protocol is
//! `rollbook-protocol`'s; this crate serves it over HTTP(S) from SQLite or PostgreSQL.
//!
//! - [`app`]: the router and its shared state; [`routes`]: the handlers; [`extract`]: the
//!   authenticated device, bodies; [`error`]: the `ApiError` answers.
//! - [`storage`]: the [`storage::Store`] trait, and its SQLite and PostgreSQL implementations;
//!   [`push`]: how a batch is applied, shared by both.
//! - [`limits`]: rate limiting; [`token`] and [`codes`]: bearer tokens and enrolment codes.
//! - [`server`] and [`tls`]: listening; [`cli`]: the command line.

pub mod app;
pub mod cli;
pub mod codes;
pub mod error;
pub mod extract;
pub mod limits;
pub mod push;
pub mod routes;
pub mod server;
pub mod storage;
pub mod tls;
pub mod token;
pub mod updates;

//! The start-up timeline in the log: each step with the milliseconds since the shell began,
//! so support can see what a slow start waited for (the start-up benchmark reads the last
//! step, `first screen interactive`).

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// The shell begins: the timeline's zero.
pub fn begin() {
    STARTED.get_or_init(Instant::now);
}

/// Milliseconds since the shell began.
pub fn ms() -> u128 {
    STARTED.get().map_or(0, |t| t.elapsed().as_millis())
}

/// Logs a step of the start-up.
pub fn step(what: &str) {
    tracing::info!(ms = ms(), "start-up: {what}");
}

//! What the desktop app's updater tells the UI: the release on offer and how its download
//! and installation are going. The updater itself (the school's cloud as its feed, the
//! signature check, the installer) lives in the desktop shell; these are only the shapes
//! that cross IPC, so the UI's types are generated from them like every other.

use serde::Serialize;

/// A newer release the school's cloud offers this PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateInfo {
    /// The version on offer, like `0.2.0`; always newer than `current_version`.
    pub version: String,
    /// The version running now.
    pub current_version: String,
    /// What is new, as the release wrote it (plain text).
    pub notes: String,
    /// When the release was published (RFC 3339), when the feed says.
    pub date: Option<String>,
}

/// How installing an update is going, step by step (sent over a channel for the progress
/// bar; the download steps are the updater plugin's own events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum UpdateProgress {
    /// The backup taken before installing is being written.
    BackingUp,
    /// The download has begun; its size when the server says.
    Started {
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
        content_length: Option<u64>,
    },
    /// A piece of the download arrived.
    Progress {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        chunk_length: u64,
    },
    /// The download is complete; its signature is being checked.
    Finished,
    /// The signature matched; the installer is running. The app restarts after it.
    Installing,
}

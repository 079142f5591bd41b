//! The one error type of the core. It crosses every boundary (CLI, desktop IPC) as
//! `{code, message, field?}`: `code` is stable and meant for branching, `message` is for people.

use serde::{Deserialize, Serialize};

/// Stable error codes. The UI and scripts branch on these; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An input failed validation; `field` names it.
    Validation,
    /// The record asked for does not exist.
    NotFound,
    /// The write clashes with an existing record (a duplicate admission number, say).
    Conflict,
    /// The school has not been set up yet.
    NotSetUp,
    /// The school is already set up.
    AlreadySetUp,
    /// The database was written by a newer Rollbook.
    SchemaTooNew,
    /// The database file is damaged or is not a Rollbook database.
    DatabaseCorrupt,
    /// The SQLite library is too old to be trusted with this data.
    SqliteTooOld,
    /// Another program holds the database.
    Busy,
    /// A file or folder could not be read or written.
    Io,
    /// A file offered for import is not a spreadsheet Rollbook can read (corrupt, encrypted,
    /// empty, too big).
    UnreadableFile,
    /// A card (or other credential) was withdrawn and may no longer be used.
    Revoked,
    /// The user stopped the operation; nothing was written.
    Cancelled,
    /// Users exist and nobody is signed in (or the app is locked): sign in first.
    SignInRequired,
    /// The signed-in user's role does not allow the operation.
    Forbidden,
    /// The PIN given does not match.
    WrongPin,
    /// Too many wrong PINs lately: wait the time the message gives before trying again.
    TryLater,
    /// The user is locked after too many wrong PINs; an administrator must reset the PIN.
    UserLocked,
    /// The operating system's keyring is not available, so no secret can be kept.
    KeyringUnavailable,
    /// The database (or a backup) is encrypted with a key this computer does not hold: the
    /// school's recovery key is needed.
    RecoveryKeyNeeded,
    /// Rollbook's cloud could not be reached (no network, server down); sync tries again.
    Offline,
    /// Rollbook's cloud refused the request (a revoked device, a used code); `message` says why.
    SyncRefused,
    /// A payment or an import is under way (or an update is being installed): what was
    /// asked waits until it is done.
    WorkInProgress,
    /// An update was refused: its signature does not match Rollbook's key, it is not newer
    /// than this version, or its feed is not https. Nothing was installed.
    UpdateRefused,
    /// A bug: something that should not happen did.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AppError"))]
#[error("{message}")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// The input field the error is about, for validation errors (e.g. `"dob"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub field: Option<String>,
    /// Every field problem, for forms that show them all at once (validation errors only).
    pub details: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            details: Vec::new(),
        }
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.to_owned()),
            details: Vec::new(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} was not found"))
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Conflict,
            message: message.into(),
            field: Some(field.to_owned()),
            details: Vec::new(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    pub fn io(context: &str, err: &std::io::Error) -> Self {
        Self::new(ErrorCode::Io, format!("{context}: {err}"))
    }
}

/// Puts a field path in front of an error's field names: `name` → `school.name`, or with a
/// bracketed prefix, `dob` → `[12].dob`.
pub(crate) fn prefix_field(mut e: Error, prefix: &str) -> Error {
    let join = |f: &str| format!("{prefix}.{f}");
    e.field = e.field.as_deref().map(join);
    for d in &mut e.details {
        d.field = join(&d.field);
    }
    e
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match &err {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                C::DatabaseBusy | C::DatabaseLocked => Error::new(
                    ErrorCode::Busy,
                    "The database is in use by another program. Close it and try again.",
                ),
                C::NotADatabase | C::DatabaseCorrupt => Error::new(
                    ErrorCode::DatabaseCorrupt,
                    "The database file is damaged or is not a Rollbook database. \
                     Restore it from a backup.",
                ),
                C::DiskFull => Error::new(
                    ErrorCode::Io,
                    "The disk is full. Nothing was saved; free some space and try again.",
                ),
                C::ReadOnly | C::CannotOpen | C::PermissionDenied | C::SystemIoFailure => {
                    Error::new(
                        ErrorCode::Io,
                        format!("The database could not be written: {err}"),
                    )
                }
                _ => Error::internal(format!("database error: {err}")),
            },
            rusqlite::Error::QueryReturnedNoRows => Error::not_found("The record"),
            _ => Error::internal(format!("database error: {err}")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::internal(format!("could not encode a record: {err}"))
    }
}

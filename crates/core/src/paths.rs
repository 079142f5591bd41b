//! Where Rollbook keeps its data: the OS's per-user app-data folder unless told otherwise.

use std::path::PathBuf;

use crate::error::{Error, ErrorCode, Result};

/// The environment variable that overrides the data folder (for support and tests).
pub const DATA_DIR_ENV: &str = "ROLLBOOK_DATA_DIR";

/// The data folder: `explicit` (the CLI's `--data-dir`), else `$ROLLBOOK_DATA_DIR`, else the
/// OS's per-user app-data folder (`%APPDATA%\Rollbook\data` on Windows,
/// `~/Library/Application Support/app.rollbook.Rollbook` on macOS, `~/.local/share/rollbook`
/// on Linux).
pub fn data_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("app", "rollbook", "Rollbook")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Io,
                "Could not find this user's app-data folder; pass --data-dir.",
            )
        })
}

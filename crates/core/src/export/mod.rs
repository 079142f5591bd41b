//! Excel exports the office prints and shares: class rolls, the student register (which
//! re-imports as it is) and the blank import template. Each builds the whole workbook in
//! memory and returns its bytes; [`write_file`] saves them without ever leaving a
//! half-written file where the user looks for it.

mod attendance;
mod audit;
mod fees;
mod register;
mod roll;
mod sheet;
mod template;
mod words;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::Store;
use crate::users::Permission;

pub use attendance::monthly_register;
pub use audit::audit_export;
pub use fees::{collection_export, day_book_export, defaulters_export, statement_export};
pub use register::{student_register, student_register_export};
pub use roll::{class_roll, class_roll_export};
pub(crate) use sheet::date_text;
pub use template::{import_template, import_template_export};

/// A workbook made by an export, with what the CLI and the UI report about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The `.xlsx` file's bytes.
    pub bytes: Vec<u8>,
    /// The sheets' names, in order.
    pub sheets: Vec<String>,
    /// Student rows written (the template's example row counts as one).
    pub rows: usize,
}

/// Checks that the signed-in user has every permission in `needs` (an export needs
/// [`Permission::Export`] and the permission to read what it exports).
fn require_all(store: &Store, needs: &[Permission]) -> Result<()> {
    for p in needs {
        store.require(*p)?;
    }
    Ok(())
}

/// Records in the audit trail that `what` was exported, and hands the workbook on.
fn logged(store: &Store, what: &str, export: Export) -> Result<Export> {
    crate::audit::log(store, crate::audit::Action::Export, what)?;
    Ok(export)
}

/// Saves `bytes` at `path`, which must end in `.xlsx`. The bytes go to a temporary file in
/// the same folder, are flushed to disk, and then the file is renamed over `path`: a crash
/// or a full disk leaves the old file (or none), never a truncated spreadsheet.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    check_path(path)?;
    write_atomically(path, bytes)
}

/// Saves a PDF at `path`, which must end in `.pdf`, the same way as [`write_file`].
pub fn write_pdf(path: &Path, bytes: &[u8]) -> Result<()> {
    check_extension(path, "pdf", "a PDF")?;
    write_atomically(path, bytes)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(Error::validation(
            "path",
            format!("\"{}\" has no file name", path.display()),
        ));
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A unique hidden name beside the target, so the rename stays on one file system.
    let tmp = dir.join(format!(".{file_name}.{}.tmp", Id::new()));
    let result = write_and_sync(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_error(path, &e));
    }
    sync_dir(&dir);
    Ok(())
}

/// Refuses a file name that does not end in `.xlsx` (any case), before any work is done:
/// a roll saved as `roll.csv` would be an xlsx no program opens as CSV.
pub fn check_path(path: &Path) -> Result<()> {
    check_extension(path, "xlsx", "an Excel")
}

/// Refuses a file name that does not end in `.ext` (any case).
pub fn check_extension(path: &Path, ext: &str, kind: &str) -> Result<()> {
    let matches = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext));
    if !matches {
        return Err(Error::validation(
            "path",
            format!(
                "\"{}\" is not {kind} file name: the name must end in .{ext}",
                path.display()
            ),
        ));
    }
    Ok(())
}

fn write_and_sync(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes the rename itself durable on Unix; elsewhere (and if it fails) the file is
/// already complete, so this is best effort.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = (dir, File::open);
}

fn io_error(path: &Path, e: &io::Error) -> Error {
    let hint = if e.kind() == io::ErrorKind::PermissionDenied {
        " (if the file is open in Excel, close it and try again)"
    } else {
        ""
    };
    Error::io(&format!("Could not save {}{hint}", path.display()), e)
}

#[cfg(test)]
mod tests;

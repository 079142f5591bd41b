//! What an import takes and gives back; these cross IPC and the CLI's `--json`.

use serde::{Deserialize, Serialize};

use super::fields::Field;
use crate::id::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Add new students; a row whose admission number exists is an error.
    Insert,
    /// Change existing students; a row whose admission number is unknown is an error.
    Update,
    /// Add new students and change existing ones.
    #[default]
    Upsert,
}

/// The user's choice for one column, overriding what was detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnChoice {
    /// 0-based column index in the sheet.
    pub column: u32,
    /// `None` ignores the column.
    pub field: Option<Field>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOptions {
    /// The sheet to read; the first with a recognisable header row when `None`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub sheet: Option<String>,
    #[serde(default)]
    pub mode: ImportMode,
    /// Create the classes the file names that do not exist yet (otherwise stop).
    #[serde(default)]
    pub create_classes: bool,
    /// Import the good rows and skip the bad ones (otherwise any bad row stops the import).
    #[serde(default)]
    pub skip_bad_rows: bool,
    /// Column choices that override the detected mapping.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub mapping: Option<Vec<ColumnChoice>>,
    /// The 1-based row holding the headers, overriding detection.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub header_row: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SheetInfo {
    pub name: String,
    /// Rows and columns that hold anything.
    pub rows: u32,
    pub columns: u32,
}

/// A file opened for import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenedFile {
    pub file_name: String,
    /// `xlsx`, `xlsm`, `xls`, `ods` or `csv`.
    pub format: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size_bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    pub sheets: Vec<SheetInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnMapping {
    /// 0-based column index.
    pub column: u32,
    /// The column's letter as Excel shows it ("A", "AB").
    pub letter: String,
    /// The header text in the file.
    pub header: String,
    /// The column in use: the user's choice, else a remembered one, else the detected one.
    pub field: Option<Field>,
    /// What Rollbook recognised from the header alone.
    pub detected: Option<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Insert,
    Update,
    /// The student exists and the row changes nothing.
    Unchanged,
    /// The row has problems; it is skipped (with "skip bad rows") or stops the import.
    Error,
}

/// A problem with the file, a row or a cell. `row` and `column` are as Excel shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CellProblem {
    pub row: u32,
    /// The column letter, when the problem is in one cell.
    pub column: Option<String>,
    /// The column's header, when the problem is in one cell.
    pub header: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowPlan {
    /// The row number in the sheet, as Excel shows it.
    pub row: u32,
    pub action: RowAction,
    pub admission_no: String,
    pub name: String,
    pub class_name: Option<String>,
    /// For updates: the fields that change (`given_name`, `class_id`, `guardians`, ...).
    pub changes: Vec<String>,
    pub problems: Vec<CellProblem>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportCounts {
    pub rows: u32,
    pub insert: u32,
    pub update: u32,
    pub unchanged: u32,
    pub error: u32,
}

/// The dry run: everything the import would do, and every problem, without writing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportPreview {
    pub file: OpenedFile,
    pub sheet: String,
    /// 1-based row of the headers.
    pub header_row: u32,
    pub columns: Vec<ColumnMapping>,
    /// Headers Rollbook does not use (reported, not fatal).
    pub unknown_columns: Vec<String>,
    /// Classes the file names that do not exist.
    pub missing_classes: Vec<String>,
    /// Problems with the file as a whole (no admission number column, ...).
    pub file_problems: Vec<String>,
    /// Things worth knowing that stop nothing (a totals row left out, stray cells ignored).
    pub notes: Vec<String>,
    pub rows: Vec<RowPlan>,
    pub counts: ImportCounts,
    /// True when the import, run with these options, would write something.
    pub can_import: bool,
}

/// What a real run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOutcome {
    /// False when nothing was written (problems, missing classes, or cancelled).
    pub committed: bool,
    /// The import's id in the history, when committed.
    pub import_id: Option<Id>,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Bad rows left out (only with "skip bad rows").
    pub skipped: u32,
    pub classes_created: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ms: u64,
    /// Why nothing was written, or the skipped rows' problems.
    pub problems: Vec<CellProblem>,
    pub file_problems: Vec<String>,
}

/// One import in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRecord {
    pub id: Id,
    pub file_name: String,
    pub sha256: String,
    pub sheet: String,
    pub mode: ImportMode,
    pub imported_at: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ms: u64,
    pub inserted: u32,
    pub updated: u32,
    pub skipped: u32,
    pub classes_created: u32,
    pub device_id: Id,
    /// Who imported it: the user signed in then (none for imports made before users were
    /// set up, or before Rollbook recorded them).
    pub user_id: Option<Id>,
    pub user_name: Option<String>,
    /// When it was undone, if it was.
    pub undone_at: Option<String>,
    /// True for the last import while nothing made since depends on it.
    pub can_undo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UndoSummary {
    pub import_id: Id,
    /// Students the import added, now removed.
    pub removed: u32,
    /// Students the import changed, now as they were.
    pub restored: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Reading,
    Checking,
    Saving,
}

/// Progress of a long import, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: u32,
    pub total: u32,
}

//! Bulk import of class lists from the sheets schools have: xlsx, xlsm, xls, ods and csv,
//! with title rows above the headers, headers in any spelling, dates and phones in the
//! forms people type them. A dry run shows everything an import would do; the real run is
//! one transaction, all or nothing (or good rows only, when asked), and can be undone.
//!
//! The pipeline: `read` (bytes to cells) → `header` (which row, which columns) → `rows`
//! (cells to student forms, with problems by row and column) → `plan` (against the store:
//! insert, update, unchanged, error) → `apply` (write, record, undo via `history`).

mod apply;
mod archive;
mod cfb;
mod csv;
pub mod fields;
mod header;
mod history;
mod ods;
mod plan;
mod read;
mod report;
mod rows;
mod types;
mod values;
mod xls;

pub use apply::{preview, run};
pub use archive::{MAX_PART_BYTES, MAX_RATIO, MAX_TOTAL_BYTES};
pub use header::column_letter;
pub use history::{list as history, undo_last};
pub use read::{
    MAX_COLUMNS, MAX_FILE_BYTES, MAX_GRID_CELLS, MAX_ROWS, Workbook, read_bytes, read_path,
};
pub use report::error_report;
pub use types::*;

#[cfg(test)]
mod bomb_tests;
#[cfg(test)]
mod tests;

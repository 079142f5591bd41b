//! A check of an OpenDocument spreadsheet's extent before calamine reads it.
//!
//! calamine reads an ods sheet into a dense grid from its first filled cell to its last,
//! expanding rows and cells that the file writes once with `number-rows-repeated` or
//! `number-columns-repeated`; it stops only at 100 million cells, which with the formula
//! grid it keeps beside the values is some 5 GB. A file of a few hundred bytes (a cell at A1,
//! a cell at AX1000000, the empty rows between written as one repeated row) would take
//! gigabytes before the importer's own row and column caps could apply.
//!
//! This walks `content.xml` the way calamine does (the same element names, the same repeat
//! attributes, the same caps on them), without keeping any cell, and refuses a sheet whose
//! grid would hold more than [`MAX_GRID_CELLS`]. A class list of 200,000 rows and 20 columns
//! fits.

use std::io::{BufReader, Cursor};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::read::MAX_GRID_CELLS;

/// calamine's own caps on an ods sheet's rows and columns.
const SHEET_ROWS: u64 = 1_048_576;
const SHEET_COLUMNS: u64 = 16_384;

fn number(e: &BytesStart<'_>, name: &str) -> Option<u64> {
    let attr = e.try_get_attribute(name).ok()??;
    attr.value.trim().parse().ok()
}

fn has(e: &BytesStart<'_>, name: &str) -> bool {
    matches!(e.try_get_attribute(name), Ok(Some(_)))
}

/// The span of a sheet's filled cells: (first row, last row, first column, last column).
#[derive(Default)]
struct Span(Option<(u64, u64, u64, u64)>);

impl Span {
    fn add(&mut self, rows: (u64, u64), cols: (u64, u64)) {
        let s = self.0.get_or_insert((rows.0, rows.1, cols.0, cols.1));
        *s = (
            s.0.min(rows.0),
            s.1.max(rows.1),
            s.2.min(cols.0),
            s.3.max(cols.1),
        );
    }

    fn cells(&self) -> (u64, u64) {
        self.0
            .map_or((0, 0), |(r0, r1, c0, c1)| (r1 - r0 + 1, c1 - c0 + 1))
    }
}

/// Why this ods file's sheets must not be read, if they must not. A file that cannot be
/// walked is left to calamine, which says what is wrong with it.
pub(crate) fn problem(bytes: &[u8]) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let content = archive.by_name("content.xml").ok()?;
    let mut reader = Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let (mut sheet, mut span) = (String::new(), Span::default());
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    loop {
        let (event, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match e.name().as_ref() {
                    "table:table-row" => row = row.saturating_add(row_repeat),
                    "table:table" => {
                        if let Some(why) = too_big(&sheet, &span) {
                            return Some(why);
                        }
                    }
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        match event.name().as_ref() {
            "table:table" => {
                sheet = event
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                (span, row) = (Span::default(), 0);
            }
            "table:table-row" => {
                let wanted = number(&event, "table:number-rows-repeated").unwrap_or(1);
                row_repeat = wanted.min(SHEET_ROWS.saturating_sub(row));
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let wanted = number(&event, "table:number-columns-repeated").unwrap_or(1);
                let repeat = wanted.min(SHEET_COLUMNS.saturating_sub(col));
                // A cell with a value, a formula or content of its own (text) is filled.
                let filled =
                    !empty || has(&event, "office:value-type") || has(&event, "table:formula");
                if filled && repeat > 0 && row_repeat > 0 {
                    span.add((row, row + row_repeat - 1), (col, col + repeat - 1));
                }
                col = col.saturating_add(repeat);
            }
            _ => {}
        }
        buf.clear();
    }
}

fn too_big(sheet: &str, span: &Span) -> Option<String> {
    let (rows, cols) = span.cells();
    (rows.saturating_mul(cols) > MAX_GRID_CELLS).then(|| {
        format!(
            "Sheet \"{sheet}\" of this OpenDocument file spans {rows} rows by {cols} columns from \
             its first filled cell to its last, more than the {MAX_GRID_CELLS} cells Rollbook \
             reads from an .ods sheet: there is a stray cell far down or to the right. Delete \
             it, or save the file as .xlsx, and import it again."
        )
    })
}

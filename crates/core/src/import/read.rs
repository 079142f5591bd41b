//! Reading a spreadsheet into rows of cells, whatever made it: Excel, LibreOffice or Google
//! Sheets, as xlsx, xlsm, xls, ods or csv. The format is told by the file's bytes, not its
//! name. Reading is bounded: the file's size, and the rows and columns taken from each
//! sheet's real extent, are capped, so a stray cell at XFD1048576 cannot allocate the world.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Reader, Sheets, Xlsx};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::types::{OpenedFile, SheetInfo};
use crate::error::{Error, ErrorCode, Result};

/// The largest file read (a 50,000-student list is a few MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Rows read per sheet; cells below are ignored, and said so.
pub const MAX_ROWS: u32 = 200_000;
/// Columns read per sheet; cells to the right are ignored, and said so.
pub const MAX_COLUMNS: u32 = 256;
/// The most an xlsx's shared strings may hold once decompressed. The spreadsheet reader
/// loads them whole, so a small file that inflates to gigabytes (a zip bomb) is refused
/// before it is read (see `archive.rs`). A 200,000-row class list needs a few tens of MB.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 * 1024 * 1024;

/// The most cells a sheet may span, from its first filled cell to its last, in the formats
/// the spreadsheet reader builds as a dense grid (.xls and .ods; xlsx is streamed cell by
/// cell). 200,000 rows of 20 columns fit; a stray cell at IV65536 does not. See `xls.rs`
/// and `ods.rs`.
pub const MAX_GRID_CELLS: u64 = 4_000_000;

/// One cell's value, as the importer needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// A date cell that names no real date (Excel's serial 60, 29 February 1900).
    BadDate(String),
    Bool(bool),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl Cell {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person reads it: whole numbers without ".0", dates as ISO.
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::BadDate(t) | Cell::Error(t) => t.clone(),
            Cell::Bool(b) => {
                if *b {
                    "TRUE".into()
                } else {
                    "FALSE".into()
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub(crate) name: String,
    /// Row-major; rows may be shorter than others (trailing empty cells are not stored).
    pub(crate) rows: Vec<Vec<Cell>>,
    /// Non-empty cells beyond [`MAX_ROWS`] or [`MAX_COLUMNS`].
    pub(crate) ignored_cells: u32,
}

impl Sheet {
    /// An empty sheet, filled by [`place`].
    pub(crate) fn named(name: String) -> Sheet {
        Sheet {
            name,
            rows: Vec::new(),
            ignored_cells: 0,
        }
    }

    pub(crate) fn info(&self) -> SheetInfo {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        SheetInfo {
            name: self.name.clone(),
            rows: count(self.rows.len()),
            columns: count(columns),
        }
    }

    pub(crate) fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A file read for import.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub(crate) file: OpenedFile,
    pub(crate) sheets: Vec<Sheet>,
}

impl Workbook {
    pub fn file(&self) -> &OpenedFile {
        &self.file
    }
}

fn refuse(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::UnreadableFile,
        message: message.into(),
        field: Some("file".into()),
        details: vec![],
    }
}

/// Reads the file at `path`.
pub fn read_path(path: &Path) -> Result<Workbook> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::io(&format!("Cannot open {}", path.display()), &e))?;
    if meta.is_dir() {
        return Err(refuse(format!("{name} is a folder, not a spreadsheet")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::io(&format!("Cannot read {}", path.display()), &e))?;
    read_bytes(&bytes, &name)
}

fn too_big(len: u64) -> Error {
    refuse(format!(
        "The file is {} MB; Rollbook reads files up to {} MB. Split it into smaller files.",
        len / 1024 / 1024,
        MAX_FILE_BYTES / 1024 / 1024
    ))
}

/// Reads a file's bytes; `file_name` is for messages and the import history.
pub fn read_bytes(bytes: &[u8], file_name: &str) -> Result<Workbook> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(refuse(format!(
            "{file_name} is empty: there is nothing in it to import"
        )));
    }
    let (format, sheets) = if bytes.starts_with(b"PK\x03\x04") {
        guarded(|| read_zip(bytes))?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        guarded(|| read_cfb(bytes))?
    } else if let Some(why) = not_text(bytes) {
        return Err(refuse(format!(
            "{file_name} is not a spreadsheet ({why}). Save it from Excel as .xlsx or .csv."
        )));
    } else {
        ("csv", vec![super::csv::read(bytes, file_name)?])
    };
    if sheets
        .iter()
        .all(|s| s.rows.iter().all(|r| r.iter().all(Cell::is_empty)))
    {
        return Err(refuse(format!("{file_name} has no data in any sheet")));
    }
    let file = OpenedFile {
        file_name: file_name.to_owned(),
        format: format.to_owned(),
        size_bytes: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        sheets: sheets.iter().map(Sheet::info).collect(),
    };
    Ok(Workbook { file, sheets })
}

/// Runs a spreadsheet reader, turning a panic inside it into the refusal of a damaged file.
/// calamine indexes into the file's own offsets and sizes, and some damaged files make it
/// panic rather than return an error (e.g. an old Excel file whose sectors stop before one
/// it names: "slice index starts at 9728 but ends at 9442" in its `cfb.rs`). A panic here
/// touches nothing outside the reader: the bytes are borrowed and the book is dropped.
fn guarded<T>(read: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the spreadsheet reader stopped".to_owned());
        tracing::warn!("the spreadsheet reader panicked on a damaged file");
        Err(refuse(format!(
            "The file is damaged: it could not be read ({why}). Open it in Excel or \
             LibreOffice and save it again as .xlsx."
        )))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why these bytes are not a text file, if they are not.
fn not_text(bytes: &[u8]) -> Option<&'static str> {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"%PDF", "it is a PDF"),
        (b"\x89PNG", "it is a PNG image"),
        (b"\xFF\xD8\xFF", "it is a JPEG image"),
        (b"GIF8", "it is a GIF image"),
        (b"{\\rtf", "it is a Word RTF document"),
        (b"\x1F\x8B", "it is a gzip archive"),
        (b"Rar!", "it is a RAR archive"),
        (b"7z\xBC\xAF", "it is a 7-Zip archive"),
    ];
    if let Some((_, why)) = KNOWN.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(why);
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b))
        .count();
    if !utf16 && controls * 20 > sample.len() && !super::csv::looks_like_utf16(sample) {
        return Some("it holds binary data");
    }
    None
}

fn read_zip(bytes: &[u8]) -> Result<(&'static str, Vec<Sheet>)> {
    if let Some(why) = super::archive::problem(bytes) {
        return Err(refuse(why));
    }
    // An OpenDocument file names its type in an uncompressed "mimetype" entry at the start.
    let is_ods = bytes
        .windows(46)
        .take(200)
        .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet");
    if is_ods {
        if let Some(why) = super::ods::problem(bytes) {
            return Err(refuse(why));
        }
        let sheets = calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(Cursor::new(bytes))
            .map_err(|e| match e {
                calamine::OdsError::Password => password_protected(),
                e if e.to_string().contains("Cell limit exceeded") => refuse(
                    "A sheet of this OpenDocument file reaches far beyond its data (a stray cell \
                     far down or to the right). Delete the stray cell, or save the file as .xlsx, \
                     and import it again.",
                ),
                e => refuse(format!("The OpenDocument file could not be read: {e}")),
            })?;
        return Ok(("ods", read_ranges(Sheets::Ods(sheets))?));
    }
    match calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)) {
        Ok(book) => {
            let macro_enabled = bytes
                .windows(40)
                .any(|w| w == b"application/vnd.ms-excel.sheet.macroEnab");
            Ok((
                if macro_enabled { "xlsm" } else { "xlsx" },
                read_xlsx(book)?,
            ))
        }
        Err(xlsx_err) => {
            match calamine::open_workbook_from_rs::<calamine::Xlsb<_>, _>(Cursor::new(bytes)) {
                Ok(book) => Ok(("xlsb", read_xlsb(book)?)),
                Err(_) => Err(refuse(format!(
                    "The file looks like an Excel workbook but could not be read ({xlsx_err}). \
                 Open it in Excel or LibreOffice and save it again as .xlsx."
                ))),
            }
        }
    }
}

fn read_cfb(bytes: &[u8]) -> Result<(&'static str, Vec<Sheet>)> {
    // A password-protected xlsx is an OLE container with an "EncryptedPackage" stream.
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
        return Err(password_protected());
    }
    if let Some(why) = super::cfb::chain_problem(bytes) {
        return Err(refuse(format!(
            "The file is damaged: {why}. Open it in Excel or LibreOffice and save it again as .xlsx."
        )));
    }
    if let Some(why) = super::xls::problem(bytes) {
        return Err(refuse(why));
    }
    match calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(Cursor::new(bytes)) {
        Ok(book) => Ok(("xls", read_ranges(Sheets::Xls(book))?)),
        Err(calamine::XlsError::Password) => Err(password_protected()),
        Err(e) => Err(refuse(format!(
            "The file looks like an old Excel (.xls) workbook but could not be read ({e}). \
             Open it in Excel or LibreOffice and save it as .xlsx."
        ))),
    }
}

fn password_protected() -> Error {
    refuse(
        "The file is protected with a password. Open it, remove the password, save it, and import it again.",
    )
}

/// The worksheets of a workbook: chart sheets and dialog sheets hold no rows.
fn worksheet_names(metadata: &[calamine::Sheet]) -> Vec<String> {
    metadata
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn read_xlsx(mut book: Xlsx<Cursor<&[u8]>>) -> Result<Vec<Sheet>> {
    let names = worksheet_names(book.sheets_metadata());
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let mut sheet = Sheet::named(name.clone());
        let unreadable = |e: calamine::XlsxError| unreadable(&name, e);
        let mut reader = book.worksheet_cells_reader(&name).map_err(unreadable)?;
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (row, col) = cell.get_position();
            place(&mut sheet, row, col, from_data_ref(cell.get_value()));
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn unreadable(sheet: &str, e: impl std::fmt::Display) -> Error {
    refuse(format!("Sheet \"{sheet}\" could not be read: {e}"))
}

/// An xlsb workbook, streamed cell by cell like an xlsx: calamine's whole-sheet read builds a
/// dense grid from the first cell to the last, and a stray cell at XFD1048576 would ask for
/// 17 billion cells (an allocation that fails by aborting the process).
fn read_xlsb(mut book: calamine::Xlsb<Cursor<&[u8]>>) -> Result<Vec<Sheet>> {
    let names = worksheet_names(book.sheets_metadata());
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let mut sheet = Sheet::named(name.clone());
        let unreadable = |e: calamine::XlsbError| unreadable(&name, e);
        let mut reader = book.worksheet_cells_reader(&name).map_err(unreadable)?;
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (row, col) = cell.get_position();
            place(&mut sheet, row, col, from_data_ref(cell.get_value()));
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn read_ranges<RS: std::io::Read + std::io::Seek>(mut book: Sheets<RS>) -> Result<Vec<Sheet>> {
    let names = worksheet_names(book.sheets_metadata());
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| unreadable(&name, e))?;
        let mut sheet = Sheet::named(name.clone());
        let (row0, col0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                continue;
            };
            place(
                &mut sheet,
                row0.saturating_add(r),
                col0.saturating_add(c),
                from_data(value),
            );
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn place(sheet: &mut Sheet, row: u32, col: u32, value: Cell) {
    if value.is_empty() {
        return;
    }
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        sheet.ignored_cells = sheet.ignored_cells.saturating_add(1);
        return;
    }
    let (row, col) = (row as usize, col as usize);
    if sheet.rows.len() <= row {
        sheet.rows.resize_with(row + 1, Vec::new);
    }
    // A new row is most likely as wide as the one above it: room for that at once, rather
    // than growing it cell by cell.
    let width = match row.checked_sub(1) {
        Some(above) if sheet.rows[row].is_empty() => sheet.rows[above].len(),
        _ => 0,
    };
    let cells = &mut sheet.rows[row];
    if cells.len() <= col {
        cells.reserve(width.max(col + 1) - cells.len());
        cells.resize(col + 1, Cell::Empty);
    }
    cells[col] = value;
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("#{e:?}")),
    }
}

fn from_data_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(format!("#{e:?}")),
    }
}

fn date_cell(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_duration() {
        return Cell::Number(dt.as_f64());
    }
    let serial = dt.as_f64();
    match dt.as_datetime() {
        // Excel's 1900 calendar has a 29 February 1900 (serial 60) that never was.
        Some(d) if serial.floor() == 60.0 && d.date().to_string().starts_with("1900") => {
            Cell::BadDate("29/02/1900 (Excel's serial 60, a day that did not exist)".into())
        }
        Some(d) => Cell::Date(d.date()),
        None => Cell::BadDate(format!("date serial {serial}")),
    }
}

fn iso_date(s: &str) -> Cell {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
        .map(Cell::Date)
        .unwrap_or_else(|_| Cell::Text(s.to_owned()))
}

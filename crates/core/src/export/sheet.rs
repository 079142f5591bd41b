//! The writer helpers every export shares: a school-formatted sheet (the school's name, a
//! title, a bold frozen header row with an autofilter, columns fitted to their content),
//! real Excel dates in the school's date order, and the one function every text cell goes
//! through, which keeps names like `=HYPERLINK(...)` text and refuses what Excel cannot hold.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Worksheet, XlsxError, column_number_to_name};

use crate::error::{Error, Result};
use crate::school::{DateOrder, SchoolProfile};

/// Excel's limit on one cell's text, counted in UTF-16 units as Excel counts it.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on a sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;
/// Columns fit their content up to this width (in characters), so one long email does not
/// push the rest of the roll off the printed page.
const MAX_COLUMN_WIDTH: usize = 45;
const MIN_COLUMN_WIDTH: usize = 5;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Text(Cow<'a, str>),
    Date(NaiveDate),
    Number(f64),
    /// An amount in the currency's minor units, shown with its decimals and grouping.
    Money(i64),
    Empty,
}

impl<'a> Cell<'a> {
    pub(crate) fn text(t: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(t.into())
    }

    /// Text, or an empty cell for `None`.
    pub(crate) fn opt_text(t: Option<&'a str>) -> Self {
        t.map_or(Cell::Empty, Cell::text)
    }

    pub(crate) fn opt_date(d: Option<NaiveDate>) -> Self {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

/// A text format and its quote-prefixed twin (see [`write_text`]).
struct TextStyle {
    plain: Format,
    quoted: Format,
}

impl TextStyle {
    fn new(base: Format) -> Self {
        TextStyle {
            quoted: base.clone().set_quote_prefix(),
            plain: base,
        }
    }
}

/// The formats of one workbook, made once.
pub(crate) struct Formats {
    /// Data cells: the `@` (Text) number format, so a number the user types over a phone or
    /// an admission number in Excel keeps its leading zeros too.
    text: TextStyle,
    bold: TextStyle,
    date: Format,
    date_pattern: &'static str,
    money: Format,
    money_digits: u8,
}

impl Formats {
    pub(crate) fn new(date_pattern: &'static str) -> Self {
        Formats {
            text: TextStyle::new(Format::new().set_num_format("@")),
            bold: TextStyle::new(Format::new().set_bold()),
            date: Format::new().set_num_format(date_pattern),
            date_pattern,
            money: Format::new().set_num_format("#,##0.00"),
            money_digits: 2,
        }
    }

    /// Money cells with the currency's decimals (0 to 4).
    pub(crate) fn with_money_digits(mut self, digits: u8) -> Self {
        let pattern = match digits {
            0 => "#,##0".to_owned(),
            d => format!("#,##0.{}", "0".repeat(usize::from(d))),
        };
        self.money = Format::new().set_num_format(&pattern);
        self.money_digits = digits;
        self
    }

    /// Dates as the school writes them.
    pub(crate) fn for_school(order: DateOrder) -> Self {
        Formats::new(date_pattern(order))
    }
}

/// The Excel number format of a date in the school's order.
pub(crate) fn date_pattern(order: DateOrder) -> &'static str {
    match order {
        DateOrder::Dmy => "dd/mm/yyyy",
        DateOrder::Mdy => "mm/dd/yyyy",
    }
}

/// A date as the school writes it, for titles.
pub(crate) fn date_text(order: DateOrder, d: NaiveDate) -> String {
    match order {
        DateOrder::Dmy => d.format("%d/%m/%Y").to_string(),
        DateOrder::Mdy => d.format("%m/%d/%Y").to_string(),
    }
}

/// Today in the school's time zone, so an export made after midnight is dated that day
/// wherever the clock's UTC date is.
pub(crate) fn school_today(school: &SchoolProfile) -> NaiveDate {
    crate::school::today_at_school(school)
}

/// The two lines above a school-formatted sheet's headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Preamble<'a> {
    /// Bold: the school's name.
    pub heading: &'a str,
    /// E.g. "Class roll: Grade 5 B, made 22/11/2026".
    pub title: &'a str,
}

/// Where a cell is, to name it in an error.
struct At<'a> {
    sheet: &'a str,
    row: u32,
    col: u16,
    header: &'a str,
}

/// Writes `text` into one cell. Text beginning with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets the quote-prefix format, so Excel keeps it text even when someone edits the
/// cell or re-saves it as CSV: a guardian named `=HYPERLINK(...)` stays a name. Nothing
/// here ever writes a formula. Returns the width the text needs.
fn write_text(ws: &mut Worksheet, at: &At<'_>, text: &str, style: &TextStyle) -> Result<usize> {
    let units = text.encode_utf16().count();
    if units > MAX_CELL_CHARS {
        return Err(Error::validation(
            at.header,
            format!(
                "Sheet \"{}\", row {}, column {} ({}): the text is {units} characters long, \
                 more than the {MAX_CELL_CHARS} an Excel cell can hold",
                at.sheet,
                at.row + 1,
                column_number_to_name(at.col),
                at.header,
            ),
        ));
    }
    let format = if needs_quote(text) {
        &style.quoted
    } else {
        &style.plain
    };
    ws.write_string_with_format(at.row, at.col, text, format)
        .map_err(xlsx_error)?;
    Ok(text.chars().count())
}

/// Spreadsheet programs read text starting with these as a formula when it is typed or
/// imported from CSV (OWASP's CSV-injection list).
pub(crate) fn needs_quote(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A date as Excel's serial date, when Excel can hold it (1900 to 9999).
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

pub(crate) fn xlsx_error(e: XlsxError) -> Error {
    Error::internal(format!("could not write the spreadsheet: {e}"))
}

/// One sheet's table: optional preamble, a header row, then data rows. Call [`Table::finish`]
/// to freeze the header, add the autofilter and size the columns.
pub(crate) struct Table<'a> {
    ws: &'a mut Worksheet,
    sheet: String,
    formats: &'a Formats,
    headers: Vec<String>,
    widths: Vec<usize>,
    header_row: u32,
    next_row: u32,
}

impl<'a> Table<'a> {
    pub(crate) fn start(
        ws: &'a mut Worksheet,
        formats: &'a Formats,
        preamble: Option<Preamble<'_>>,
        headers: &[&str],
    ) -> Result<Self> {
        let sheet = ws.name();
        let mut row = 0;
        if let Some(p) = preamble {
            // The preamble spans the sheet, so it takes no part in the column widths.
            for (text, style) in [(p.heading, &formats.bold), (p.title, &formats.text)] {
                let at = At {
                    sheet: &sheet,
                    row,
                    col: 0,
                    header: "title",
                };
                write_text(ws, &at, text, style)?;
                row += 1;
            }
            row += 1; // a blank row between the title and the table
        }
        let mut widths = Vec::with_capacity(headers.len());
        for (col, h) in (0u16..).zip(headers) {
            let at = At {
                sheet: &sheet,
                row,
                col,
                header: h,
            };
            widths.push(write_text(ws, &at, h, &formats.bold)?);
        }
        Ok(Table {
            ws,
            sheet,
            formats,
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            widths,
            header_row: row,
            next_row: row + 1,
        })
    }

    /// Writes one data row; cells beyond the headers are an internal error.
    pub(crate) fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        if cells.len() > self.headers.len() {
            return Err(Error::internal(format!(
                "a row of {} cells under {} headers",
                cells.len(),
                self.headers.len()
            )));
        }
        let row = self.next_row;
        for ((col, cell), header) in (0u16..).zip(cells).zip(&self.headers) {
            let at = At {
                sheet: &self.sheet,
                row,
                col,
                header,
            };
            let width = match cell {
                Cell::Text(t) => write_text(self.ws, &at, t, &self.formats.text)?,
                Cell::Date(d) => match excel_date(*d) {
                    Some(x) => {
                        self.ws
                            .write_datetime_with_format(row, col, x, &self.formats.date)
                            .map_err(xlsx_error)?;
                        self.formats.date_pattern.len()
                    }
                    // Excel has no date before 1900: keep the date readable as ISO text.
                    None => write_text(self.ws, &at, &d.to_string(), &self.formats.text)?,
                },
                Cell::Number(n) => {
                    self.ws.write_number(row, col, *n).map_err(xlsx_error)?;
                    n.to_string().len()
                }
                Cell::Money(minor) => {
                    let text = crate::fees::format_amount(*minor, self.formats.money_digits);
                    // The value Excel holds is the decimal the text spells, read once.
                    let value: f64 = text.parse().unwrap_or_default();
                    self.ws
                        .write_number_with_format(row, col, value, &self.formats.money)
                        .map_err(xlsx_error)?;
                    text.len() + text.len() / 3
                }
                Cell::Empty => 0,
            };
            if let Some(w) = self.widths.get_mut(usize::from(col)) {
                *w = (*w).max(width);
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// Sets a column's format for cells the user fills in later (the template's blank rows).
    pub(crate) fn column_is_text(&mut self, col: u16) -> Result<()> {
        self.ws
            .set_column_format(col, &self.formats.text.plain)
            .map_err(xlsx_error)?;
        Ok(())
    }

    /// Sets a column's format to the date format, for cells the user fills in later.
    pub(crate) fn column_is_date(&mut self, col: u16) -> Result<()> {
        self.ws
            .set_column_format(col, &self.formats.date)
            .map_err(xlsx_error)?;
        Ok(())
    }

    /// Freezes the header row, filters the data, fits the columns, and sets the page up to
    /// print one page wide with the header repeated. Returns the data rows written.
    pub(crate) fn finish(self) -> Result<usize> {
        let last_col = u16::try_from(self.headers.len().saturating_sub(1))
            .map_err(|_| Error::internal("too many columns"))?;
        let last_row = self.next_row - 1;
        self.ws
            .set_freeze_panes(self.header_row + 1, 0)
            .map_err(xlsx_error)?;
        self.ws
            .autofilter(self.header_row, 0, last_row, last_col)
            .map_err(xlsx_error)?;
        for (col, w) in (0u16..).zip(&self.widths) {
            let width = (*w + 2).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
            self.ws
                .set_column_width(col, u32::try_from(width).unwrap_or(10))
                .map_err(xlsx_error)?;
        }
        self.ws
            .set_repeat_rows(self.header_row, self.header_row)
            .map_err(xlsx_error)?;
        self.ws.set_print_fit_to_pages(1, 0);
        Ok(usize::try_from(last_row - self.header_row).unwrap_or(0))
    }
}

/// Hands out sheet names Excel accepts: at most 31 characters, none of `[]:*?/\`, not
/// starting or ending with an apostrophe, not "History" (Excel reserves it), and unique
/// whatever their case ("Grade 5 B (2)" when two classes clean to the same name).
#[derive(Debug, Default)]
pub(crate) struct SheetNames {
    used: Vec<String>,
}

impl SheetNames {
    pub(crate) fn unique(&mut self, wanted: &str) -> String {
        let base = clean_sheet_name(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME - suffix.len();
            name = format!("{}{suffix}", truncate_utf16(&base, room).trim_end());
            n += 1;
        }
        self.used.push(name.to_lowercase());
        name
    }
}

fn clean_sheet_name(wanted: &str) -> String {
    let replaced: String = wanted
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let cleaned = crate::text::clean(&replaced);
    let trimmed = cleaned.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    let mut name = truncate_utf16(trimmed, MAX_SHEET_NAME)
        .trim_end_matches(|c: char| c == '\'' || c.is_whitespace())
        .to_owned();
    if name.is_empty() {
        name = "Sheet".to_owned();
    }
    if name.eq_ignore_ascii_case("history") {
        name.push_str(" 1");
    }
    name
}

/// The longest prefix of `s` that is at most `max` UTF-16 units, cut between characters.
fn truncate_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

//! The error report: the sheet's rows as they were, with a "Problems" column added and the
//! rows that have problems shaded, so the office can fix the sheet and import it again.

use std::collections::HashMap;

use rust_xlsxwriter::{Color, ExcelDateTime, Format, Workbook as XlsxBook};

use super::plan;
use super::read::{Cell, Workbook};
use super::types::ImportOptions;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::users::Permission;

/// The report for `book` imported with `options`, as .xlsx bytes.
pub fn error_report(store: &Store, book: &Workbook, options: &ImportOptions) -> Result<Vec<u8>> {
    store.require(Permission::ImportStudents)?;
    let plan = store.read(|c| plan::plan(c, book, options, &mut |_, _| Ok(())))?;
    let p = &plan.preview;
    let sheet = book
        .sheets
        .iter()
        .find(|s| s.name == p.sheet)
        .ok_or_else(|| Error::internal("the planned sheet is missing"))?;
    let mut problems: HashMap<u32, Vec<String>> = HashMap::new();
    for row in &p.rows {
        for pr in &row.problems {
            let at = match (&pr.column, &pr.header) {
                (Some(c), Some(h)) => format!("{h} ({c}): "),
                (Some(c), None) => format!("Column {c}: "),
                _ => String::new(),
            };
            problems
                .entry(row.row)
                .or_default()
                .push(format!("{at}{}", pr.message));
        }
    }
    let header_row = p.header_row.saturating_sub(1) as usize;
    let width = super::header::data_width(sheet, header_row);
    let problem_col = u16::try_from(width).map_err(|_| Error::internal("too many columns"))?;

    let mut xlsx = XlsxBook::new();
    let ws = xlsx.add_worksheet();
    let err =
        |e: rust_xlsxwriter::XlsxError| Error::internal(format!("could not write the report: {e}"));
    ws.set_name(safe_sheet_name(&sheet.name)).map_err(err)?;
    let bold = Format::new().set_bold();
    let shaded = Format::new().set_background_color(Color::RGB(0xFDE2E1));
    let text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    let shaded_quoted = Format::new()
        .set_quote_prefix()
        .set_background_color(Color::RGB(0xFDE2E1));
    let date = Format::new().set_num_format(date_pattern(store)?);
    for (out_row, (i, cells)) in sheet.rows.iter().enumerate().skip(header_row).enumerate() {
        let r = u32::try_from(out_row).map_err(|_| Error::internal("too many rows"))?;
        let sheet_row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let row_problems = problems.get(&sheet_row);
        let is_header = i == header_row;
        let (plain, risky) = match (is_header, row_problems.is_some()) {
            (true, _) => (&bold, &bold),
            (false, true) => (&shaded, &shaded_quoted),
            (false, false) => (&text, &quoted),
        };
        for (c, cell) in cells.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| Error::internal("too many columns"))?;
            match cell {
                Cell::Empty => {
                    if row_problems.is_some() {
                        ws.write_blank(r, c, plain).map_err(err)?;
                    }
                }
                Cell::Number(n) => {
                    ws.write_number_with_format(r, c, *n, plain).map_err(err)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean_with_format(r, c, *b, plain).map_err(err)?;
                }
                Cell::Date(d) => {
                    let dt = ExcelDateTime::parse_from_str(&d.to_string()).map_err(err)?;
                    ws.write_datetime_with_format(r, c, &dt, &date)
                        .map_err(err)?;
                }
                other => {
                    let t = other.text();
                    let format = if needs_quote(&t) { risky } else { plain };
                    ws.write_string_with_format(r, c, truncate(&t), format)
                        .map_err(err)?;
                }
            }
        }
        if is_header {
            ws.write_string_with_format(r, problem_col, "Problems", &bold)
                .map_err(err)?;
        } else if let Some(list) = row_problems {
            ws.write_string_with_format(r, problem_col, truncate(&list.join("; ")), &shaded_quoted)
                .map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.set_column_width(problem_col, 60).map_err(err)?;
    xlsx.save_to_buffer().map_err(err)
}

fn date_pattern(store: &Store) -> Result<&'static str> {
    Ok(match crate::school::get(store)?.map(|s| s.date_order) {
        Some(crate::school::DateOrder::Mdy) => "mm/dd/yyyy",
        _ => "dd/mm/yyyy",
    })
}

/// Text Excel would take for a formula or a command if typed: written with a quote prefix.
fn needs_quote(t: &str) -> bool {
    t.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Excel's cell limit is 32,767 characters; a report keeps what fits.
fn truncate(t: &str) -> &str {
    match t.char_indices().nth(32_000) {
        Some((i, _)) => &t[..i],
        None => t,
    }
}

fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Students".into()
    } else {
        cleaned
    }
}

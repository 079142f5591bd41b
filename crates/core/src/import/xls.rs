//! A check of an old Excel (.xls) workbook's sheets before calamine reads them.
//!
//! calamine reads an xls sheet into a dense grid from its first cell to its last: a stray
//! cell at IV65536 makes a grid of 16.7 million cells (537 MB) from a 6 KB file. Before that
//! it reserves room for as many cells as the sheet's DIMENSIONS record declares, whatever it
//! declares: a damaged record claiming four billion rows makes the allocation fail, and a
//! failed allocation aborts the process instead of returning an error.
//!
//! This finds the workbook stream in the compound file, walks each sheet's records the way
//! calamine does (the same cell records, nested substreams skipped), and refuses a sheet
//! whose declared or real extent exceeds [`MAX_GRID_CELLS`].

use super::cfb::Container;
use super::read::MAX_GRID_CELLS;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The records of a BIFF stream from `at`: (type, data).
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = at;
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// The cells a sheet's DIMENSIONS record makes calamine reserve room for, computed as it
/// does (its u32 arithmetic wraps in a release build, so a last row before the first is
/// some four billion rows).
fn declared_cells(data: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
    Some(rows.saturating_mul(cols))
}

/// The row and the first and last columns of a cell record calamine keeps, if it is one.
fn cell(typ: u16, data: &[u8]) -> Option<(u16, u16, u16)> {
    let row = u16_at(data, 0)?;
    let col = u16_at(data, 2)?;
    match typ {
        // Number, Label, RString, BoolErr, Rk, LabelSst, Formula.
        0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => Some((row, col, col)),
        // MulRk: the last column is the record's last two bytes.
        0x00BD => Some((row, col, u16_at(data, data.len().checked_sub(2)?)?)),
        _ => None,
    }
}

/// Why sheet `name`, whose records start at `at`, must not be read, if it must not.
fn sheet_problem(stream: &[u8], at: usize, name: &str) -> Option<String> {
    let (mut span, mut seen_bof, mut depth) = (None::<(u16, u16, u16, u16)>, false, 0usize);
    let refuse = |rows: u64, cols: Option<u64>| {
        let size = match cols {
            Some(cols) => format!(
                "spans {rows} rows by {cols} columns from its first filled cell to its last"
            ),
            None => format!("is marked as spanning {rows} cells"),
        };
        Some(format!(
            "Sheet \"{name}\" of this Excel 97-2003 (.xls) file {size}, more than the \
             {MAX_GRID_CELLS} cells Rollbook reads from an .xls sheet: there is a stray cell \
             far down or to the right, or the file is damaged. Delete the stray cell, or save \
             the file as .xlsx, and import it again."
        ))
    };
    for (typ, data) in records(stream, at) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => {
                if let Some(cells) = declared_cells(data).filter(|c| *c > MAX_GRID_CELLS) {
                    return refuse(cells, None);
                }
            }
            _ => {
                if let Some((r, c0, c1)) = cell(typ, data) {
                    let s = span.get_or_insert((r, r, c0, c1));
                    *s = (s.0.min(r), s.1.max(r), s.2.min(c0), s.3.max(c1));
                }
            }
        }
    }
    let (r0, r1, c0, c1) = span?;
    let rows = u64::from(r1 - r0) + 1;
    let cols = u64::from(c1.saturating_sub(c0)) + 1;
    (rows * cols > MAX_GRID_CELLS).then(|| refuse(rows, Some(cols)))?
}

/// Why this xls workbook's sheets must not be read, if they must not. A file whose stream
/// or records cannot be found is left to calamine, which says what is wrong with it.
pub(crate) fn problem(bytes: &[u8]) -> Option<String> {
    let container = Container::open(bytes)?;
    let stream = container
        .stream("Workbook")
        .or_else(|| container.stream("Book"))?;
    // The globals list each sheet (BOUNDSHEET: where its records start, and its name).
    for (typ, data) in records(&stream, 0) {
        match typ {
            0x0085 => {
                let at = usize::try_from(u32_at(data, 0)?).ok()?;
                let len = usize::from(*data.get(6)?);
                let wide = data.get(7).is_some_and(|f| f & 1 == 1);
                let name = match data.get(8..) {
                    Some(chars) if wide => String::from_utf16_lossy(
                        &chars
                            .chunks_exact(2)
                            .take(len)
                            .map(|c| u16::from_le_bytes([c[0], c[1]]))
                            .collect::<Vec<_>>(),
                    ),
                    Some(chars) => chars.iter().take(len).map(|b| char::from(*b)).collect(),
                    None => String::new(),
                };
                if let Some(why) = sheet_problem(&stream, at, &name) {
                    return Some(why);
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    None
}

//! CSV as offices save it: UTF-8 with or without a BOM, UTF-16 (Excel's "Unicode text"), or
//! Windows-1252 (Excel on Windows); separated by commas, semicolons (where the decimal mark
//! is a comma) or tabs.

use super::read::{Cell, MAX_COLUMNS, MAX_ROWS, Sheet};
use crate::error::{Error, ErrorCode, Result};

pub(crate) fn read(bytes: &[u8], file_name: &str) -> Result<Sheet> {
    let text = decode(bytes);
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let name = file_name
        .rsplit_once('.')
        .map(|(stem, _)| stem)
        .unwrap_or(file_name)
        .to_owned();
    let mut sheet = Sheet::named(name);
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error {
            code: ErrorCode::UnreadableFile,
            message: format!("Line {} of the CSV file could not be read: {e}", i + 1),
            field: Some("file".into()),
            details: vec![],
        })?;
        if i >= MAX_ROWS as usize {
            sheet.ignored_cells = sheet.ignored_cells.saturating_add(count(
                record.iter().filter(|c| !c.trim().is_empty()).count(),
            ));
            continue;
        }
        let mut row: Vec<Cell> = Vec::with_capacity(record.len().min(MAX_COLUMNS as usize));
        for (c, value) in record.iter().enumerate() {
            if c >= MAX_COLUMNS as usize {
                if !value.trim().is_empty() {
                    sheet.ignored_cells = sheet.ignored_cells.saturating_add(1);
                }
                continue;
            }
            row.push(if value.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(value.to_owned())
            });
        }
        while row.last().is_some_and(Cell::is_empty) {
            row.pop();
        }
        sheet.rows.push(row);
    }
    while sheet.rows.last().is_some_and(Vec::is_empty) {
        sheet.rows.pop();
    }
    Ok(sheet)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// UTF-16 text without a BOM shows as every other byte being zero.
pub(crate) fn looks_like_utf16(sample: &[u8]) -> bool {
    let pairs = sample.len() / 2;
    pairs >= 4
        && sample
            .chunks_exact(2)
            .filter(|p| p[1] == 0 && p[0] != 0)
            .count()
            * 10
            >= pairs * 8
}

fn decode(bytes: &[u8]) -> String {
    use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    if looks_like_utf16(&bytes[..bytes.len().min(4096)]) {
        return UTF_16LE.decode_without_bom_handling(bytes).0.into_owned();
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 {
        return UTF_16BE.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        // Not UTF-8: Excel on Windows saves "CSV" in the ANSI code page, 1252 in the West.
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The separator used most consistently across the first lines, outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let lines_with = counts.iter().filter(|&&c| c > 0).count();
        let score = lines_with * 1000 + counts.iter().sum::<usize>();
        if lines_with > 0 && score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    line.bytes()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            !quoted && b == delimiter
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sheet: &Sheet) -> Vec<Vec<String>> {
        sheet
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect()
    }

    #[test]
    fn utf8_with_a_bom_and_commas() {
        let s = read(
            "\u{feff}Adm No,Name\n1,José Álvarez\n".as_bytes(),
            "list.csv",
        )
        .unwrap();
        assert_eq!(
            texts(&s),
            [vec!["Adm No", "Name"], vec!["1", "José Álvarez"]]
        );
        assert_eq!(s.name, "list");
    }

    #[test]
    fn windows_1252_with_semicolons() {
        let bytes = b"Adm No;Name\r\n1;Zo\xEB M\xFCller\r\n";
        let s = read(bytes, "x.csv").unwrap();
        assert_eq!(texts(&s)[1], ["1", "Zoë Müller"]);
    }

    #[test]
    fn utf16_tab_separated_as_excel_saves_unicode_text() {
        let text = "Adm No\tName\r\n7\tÅsa Öberg\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let s = read(&bytes, "x.txt").unwrap();
        assert_eq!(texts(&s)[1], ["7", "Åsa Öberg"]);
        let without_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(
            texts(&read(&without_bom, "x.txt").unwrap())[1],
            ["7", "Åsa Öberg"]
        );
    }

    #[test]
    fn quoted_commas_do_not_split_cells() {
        let s = read(b"Name,Address\n\"Kumar, Ravi\",\"12, MG Road\"\n", "x.csv").unwrap();
        assert_eq!(texts(&s)[1], ["Kumar, Ravi", "12, MG Road"]);
    }
}

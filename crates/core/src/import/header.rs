//! Finding the header row under title rows ("St. Mary's School - Class List 2026"), merged
//! titles and blank rows, and deciding what each column means.

use std::collections::HashMap;

use super::fields::{Field, normalise_header};
use super::read::{Cell, Sheet};
use super::types::{ColumnChoice, ColumnMapping};

/// Rows searched for the header row.
const HEADER_SEARCH_ROWS: usize = 30;

/// Excel's column letters: 0 → "A", 26 → "AA".
pub fn column_letter(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The 0-based index of the row that looks most like a header row: the most cells that name
/// a known column, at least two of them, one identifying the student.
pub(crate) fn find_header_row(sheet: &Sheet) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let fields: Vec<Field> = row
            .iter()
            .filter_map(|c| header_text(c).and_then(|t| Field::from_header(&t)))
            .collect();
        let identifies = fields.iter().any(|f| {
            matches!(
                f,
                Field::AdmissionNo | Field::RollNo | Field::FullName | Field::GivenName
            )
        });
        let distinct = {
            let mut f = fields.clone();
            f.sort();
            f.dedup();
            f.len()
        };
        if identifies && distinct >= 2 && best.is_none_or(|(_, score)| distinct > score) {
            best = Some((i, distinct));
        }
    }
    best.map(|(i, _)| i)
}

fn header_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) if !t.trim().is_empty() => Some(t.trim().to_owned()),
        _ => None,
    }
}

/// How many columns the rows from `header_row` down use.
pub(crate) fn data_width(sheet: &Sheet, header_row: usize) -> usize {
    sheet
        .rows
        .iter()
        .skip(header_row)
        .map(Vec::len)
        .max()
        .unwrap_or(0)
}

/// A header set's identity, to remember the user's mapping for the next file like it.
pub(crate) fn signature(sheet: &Sheet, header_row: usize) -> String {
    sheet
        .rows
        .get(header_row)
        .map(|r| {
            r.iter()
                .map(|c| normalise_header(&c.text()))
                .collect::<Vec<_>>()
                .join("|")
        })
        .unwrap_or_default()
}

/// The columns of the header row with their meaning: the user's `choices` first, then a
/// `remembered` mapping for this header set, then what the header says. A second column of
/// the same meaning is ignored, except a second phone column, which becomes the alternate.
pub(crate) fn map_columns(
    sheet: &Sheet,
    header_row: usize,
    choices: Option<&[ColumnChoice]>,
    remembered: Option<&HashMap<u32, Option<Field>>>,
) -> Vec<ColumnMapping> {
    let Some(row) = sheet.rows.get(header_row) else {
        return Vec::new();
    };
    let width = data_width(sheet, header_row);
    let mut taken: Vec<Field> = Vec::new();
    let mut out = Vec::new();
    for col in 0..width {
        let col32 = u32::try_from(col).unwrap_or(u32::MAX);
        let header = row.get(col).map(Cell::text).unwrap_or_default();
        let detected = Field::from_header(&header);
        let chosen = choices
            .and_then(|cs| cs.iter().find(|c| c.column == col32))
            .map(|c| c.field);
        let field = match (chosen, remembered.and_then(|m| m.get(&col32))) {
            (Some(f), _) => f,
            (None, Some(f)) => *f,
            (None, None) => detected.map(|f| match f {
                Field::GuardianPhone if taken.contains(&Field::GuardianPhone) => {
                    Field::GuardianAltPhone
                }
                f => f,
            }),
        };
        let field = field.filter(|f| !taken.contains(f));
        if let Some(f) = field {
            taken.push(f);
        }
        if header.is_empty() && field.is_none() && detected.is_none() {
            continue;
        }
        out.push(ColumnMapping {
            column: col32,
            letter: column_letter(col32),
            header,
            field,
            detected,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "S".into(),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            if c.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text((*c).into())
                            }
                        })
                        .collect()
                })
                .collect(),
            ignored_cells: 0,
        }
    }

    #[test]
    fn letters_are_excel_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn the_header_row_is_found_under_titles_and_blank_rows() {
        let s = sheet(&[
            &["St. Mary's School - Class List 2026"],
            &[],
            &["", "Prepared by the office", ""],
            &[
                "",
                "Sr",
                "Adm. No.",
                "Student Name",
                "Father's Name",
                "Mobile No.",
            ],
            &["", "1", "A-1", "Aarav Sharma", "Rakesh", "98765 43210"],
        ]);
        assert_eq!(find_header_row(&s), Some(3));
        let cols = map_columns(&s, 3, None, None);
        let fields: Vec<(String, Option<Field>)> =
            cols.iter().map(|c| (c.letter.clone(), c.field)).collect();
        assert_eq!(
            fields,
            [
                ("B".into(), None),
                ("C".into(), Some(Field::AdmissionNo)),
                ("D".into(), Some(Field::FullName)),
                ("E".into(), Some(Field::FatherName)),
                ("F".into(), Some(Field::GuardianPhone)),
            ]
        );
    }

    #[test]
    fn no_header_row_is_found_in_a_sheet_without_one() {
        assert_eq!(
            find_header_row(&sheet(&[&["1", "2"], &["Total", "3"]])),
            None
        );
    }

    #[test]
    fn a_second_phone_column_is_the_alternate_and_choices_win() {
        let s = sheet(&[&["Adm No", "Name", "Mobile", "Phone", "Name"]]);
        let cols = map_columns(&s, 0, None, None);
        assert_eq!(cols[2].field, Some(Field::GuardianPhone));
        assert_eq!(cols[3].field, Some(Field::GuardianAltPhone));
        assert_eq!(
            cols[4].field, None,
            "a second name column is not used twice"
        );
        let choices = [
            ColumnChoice {
                column: 2,
                field: None,
            },
            ColumnChoice {
                column: 4,
                field: Some(Field::MotherName),
            },
        ];
        let cols = map_columns(&s, 0, Some(&choices), None);
        assert_eq!(cols[2].field, None);
        assert_eq!(cols[4].field, Some(Field::MotherName));
    }
}

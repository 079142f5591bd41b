//! Small files made to take gigabytes once opened: zips whose parts unpack to far more than
//! a class list holds (declared honestly, declared falsely, packed impossibly tightly), and
//! an ods sheet whose repeated rows span a grid of tens of millions of cells. Each is made
//! here (nothing big is committed) and must be refused with a message that says why, before
//! the spreadsheet reader allocates anything like it.

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::Workbook as XlsxBook;

use super::*;
use crate::error::ErrorCode;

const MB: usize = 1024 * 1024;

fn class_list() -> Vec<u8> {
    let mut book = XlsxBook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["Adm No", "Student Name", "Class"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["A-1", "Asha Rao", "5 B"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// `zip` rewritten with each part passed through `change` (name, bytes → bytes), and
/// `extra` parts added; `stored` parts are not compressed.
fn rezip(
    zip: &[u8],
    change: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    extra: &[(&str, Vec<u8>, bool)],
) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..source.len() {
        let mut part = source.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        let method = if name == "mimetype" { stored } else { deflated };
        out.start_file(name.as_str(), method).unwrap();
        out.write_all(&change(&name, bytes)).unwrap();
    }
    for (name, bytes, is_stored) in extra {
        out.start_file(*name, if *is_stored { stored } else { deflated })
            .unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Writes `size` as the unpacked size `name` declares, in its local header and in the
/// central directory, leaving its data as it is.
fn declare(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        let (size_at, len_at, name_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => (22, 26, 30),
            b"PK\x01\x02" => (24, 28, 46),
            _ => continue,
        };
        let len = u16::from_le_bytes([zip[at + len_at], zip[at + len_at + 1]]) as usize;
        if zip.get(at + name_at..at + name_at + len) == Some(name.as_bytes()) {
            zip[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "{name}: a local header and a central entry");
}

/// Bytes that do not compress.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn refusal(bytes: &[u8]) -> String {
    let err = read_bytes(bytes, "list.xlsx").unwrap_err();
    assert_eq!(err.code, ErrorCode::UnreadableFile, "{}", err.message);
    assert_eq!(err.field.as_deref(), Some("file"));
    err.message
}

#[test]
fn a_part_declaring_more_than_the_cap_is_refused_before_anything_is_unpacked() {
    let mut bomb = rezip(
        &class_list(),
        |_, b| b,
        &[("xl/media/image1.png", noise(2 * MB), true)],
    );
    declare(&mut bomb, "xl/media/image1.png", 600 * MB as u32);
    let m = refusal(&bomb);
    assert!(
        m.contains("xl/media/image1.png inflates to more than 512 MB"),
        "{m}"
    );
}

#[test]
fn parts_declaring_more_than_the_cap_together_are_refused() {
    let parts: Vec<(&str, Vec<u8>, bool)> = ["xl/media/a.png", "xl/media/b.png", "xl/media/c.png"]
        .into_iter()
        .map(|name| (name, noise(2 * MB), true))
        .collect();
    let mut bomb = rezip(&class_list(), |_, b| b, &parts);
    for (name, ..) in &parts {
        // 400 MB each: under the part cap, packed 200 times (under the ratio cap).
        declare(&mut bomb, name, 400 * MB as u32);
    }
    let m = refusal(&bomb);
    assert!(m.contains("The file inflates to more than 1024 MB"), "{m}");
}

#[test]
fn a_part_packed_tighter_than_any_spreadsheet_is_refused() {
    let bomb = rezip(
        &class_list(),
        |_, b| b,
        &[("docProps/custom.xml", vec![b' '; 8 * MB], false)],
    );
    assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
    let m = refusal(&bomb);
    assert!(
        m.contains("docProps/custom.xml is packed") && m.contains("times tighter"),
        "{m}"
    );
}

#[test]
fn shared_strings_holding_more_than_they_declare_are_refused() {
    // Declared as 2,000 bytes (so no cap applies), holding 16 MB.
    let mut bomb = rezip(
        &class_list(),
        |name, b| {
            if name == "xl/sharedStrings.xml" {
                let mut b = b;
                let at = b.len() - "</sst>".len();
                b.splice(at..at, std::iter::repeat_n(b' ', 16 * MB));
                b
            } else {
                b
            }
        },
        &[],
    );
    declare(&mut bomb, "xl/sharedStrings.xml", 2_000);
    let m = refusal(&bomb);
    assert!(
        m.contains("xl/sharedStrings.xml holds more than the 2000 bytes it declares"),
        "{m}"
    );
}

#[test]
fn a_worksheet_holding_more_than_it_declares_is_refused_as_it_streams() {
    // The worksheet is streamed by calamine, whose zip reader must stop at the declared
    // size rather than unpack whatever follows (this holds the dependency to that).
    let original = {
        let mut a = zip::ZipArchive::new(Cursor::new(class_list())).unwrap();
        a.by_name("xl/worksheets/sheet1.xml").unwrap().size() as u32
    };
    let mut bomb = rezip(
        &class_list(),
        |name, b| {
            if name == "xl/worksheets/sheet1.xml" {
                let mut b = b;
                let at = b.len() - "</worksheet>".len();
                b.splice(at..at, std::iter::repeat_n(b' ', 16 * MB));
                b
            } else {
                b
            }
        },
        &[],
    );
    declare(&mut bomb, "xl/worksheets/sheet1.xml", original);
    let m = refusal(&bomb);
    assert!(m.contains("could not be read"), "{m}");
}

/// An ods file of one sheet, "Class List", with `rows` as its table's XML.
fn ods(rows: &str) -> Vec<u8> {
    let template =
        include_bytes!("../../tests/fuzz_regressions/ods-empty-rows-repeated-1048570.ods");
    rezip(
        template,
        |name, b| {
            if name != "content.xml" {
                return b;
            }
            let text = String::from_utf8(b).unwrap();
            let start = text.find("<table:table-row>").unwrap();
            let end = text.find("</table:table>").unwrap();
            format!("{}{rows}{}", &text[..start], &text[end..]).into_bytes()
        },
        &[],
    )
}

fn text_cell(t: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
    )
}

#[test]
fn an_ods_sheet_spanning_millions_of_cells_is_refused_before_it_is_expanded() {
    // A1, then a million empty rows of 50 cells written once, then a cell in column AX:
    // calamine would build a grid of 50 million cells (some 3 GB with its formulas).
    let rows = format!(
        "<table:table-row>{}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"50\"/></table:table-row>\
         <table:table-row><table:table-cell table:number-columns-repeated=\"49\"/>{}</table:table-row>",
        text_cell("Adm No"),
        text_cell("stray")
    );
    let bomb = ods(&rows);
    assert!(bomb.len() < 4096, "{}", bomb.len());
    let m = refusal(&bomb);
    assert!(
        m.contains("Sheet \"Class List\"") && m.contains("spans 1000002 rows by 50 columns"),
        "{m}"
    );

    // A filled row repeated is as wide as it is long.
    let repeated = "<table:table-row table:number-rows-repeated=\"100000\"><table:table-cell table:number-columns-repeated=\"100\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
    assert!(refusal(&ods(repeated)).contains("spans 100000 rows by 100 columns"));

    // The same class list without the stray cell reads.
    let fine = format!(
        "<table:table-row>{}{}</table:table-row>\
         <table:table-row>{}{}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
        text_cell("Adm No"),
        text_cell("Student Name"),
        text_cell("A-1"),
        text_cell("Asha Rao")
    );
    let book = read_bytes(&ods(&fine), "list.ods").unwrap();
    assert_eq!(book.file().sheets[0].rows, 2);
}

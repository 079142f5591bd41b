//! A check of a zipped workbook (xlsx, xlsm, ods) before calamine opens it.
//!
//! A zip holds each part compressed, and deflate can shrink a run of one byte a thousand
//! times: a file well under the 64 MB cap can unpack to gigabytes. calamine loads some parts
//! whole (an xlsx's shared strings, its styles and workbook; an ods's content into a dense
//! grid), so such a file would exhaust memory before a single row is read.
//!
//! The zip's central directory declares each part's packed and unpacked size; it is read
//! first, and the file refused when any part, or all of them together, would unpack beyond a
//! cap, or when a large part is packed more tightly than any spreadsheet is. A declared size
//! can lie, so the parts read whole are unpacked here into nothing, never more than they
//! declare plus one byte; the worksheets, which calamine streams, are read by a zip reader
//! that stops with an error past the size they declare (a test holds it to that).

use std::io::{Cursor, Read};

use super::read::MAX_SHARED_STRINGS_BYTES;

/// The most any one part may unpack to: a 200,000-row sheet of 256 columns of short values.
pub const MAX_PART_BYTES: u64 = 512 * 1024 * 1024;
/// The most all parts together may unpack to.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// The tightest packing accepted for a part over [`RATIO_FROM_BYTES`]. Spreadsheet XML packs
/// 5 to 20 times (the tightest in calamine's test files: 19); deflate's limit is about 1,030.
pub const MAX_RATIO: u64 = 250;
/// Parts smaller than this may be packed as tightly as they like.
const RATIO_FROM_BYTES: u64 = 1024 * 1024;

const MB: u64 = 1024 * 1024;

fn too_big(part: &str, cap: u64) -> String {
    format!(
        "The file's part {part} inflates to more than {} MB when opened, far more than a class \
         list holds: the file is damaged or made to exhaust memory. Open it in Excel or \
         LibreOffice and save it again as .xlsx.",
        cap / MB
    )
}

/// Whether calamine reads this part whole (everything but the worksheets, which it streams,
/// and pictures and other binaries, which it does not read).
fn read_whole(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.starts_with("xl/worksheets/sheet")
        && [".xml", ".rels"].iter().any(|ext| lower.ends_with(ext))
}

/// Why this zipped workbook must not be opened, if it must not. An archive the zip reader
/// cannot open is left to calamine, which says what is wrong with it.
pub(crate) fn problem(bytes: &[u8]) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    let mut whole = Vec::new();
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else {
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let (size, packed) = (part.size(), part.compressed_size());
        let cap = if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            MAX_SHARED_STRINGS_BYTES
        } else {
            MAX_PART_BYTES
        };
        if size > cap {
            return Some(too_big(&name, cap));
        }
        if size > RATIO_FROM_BYTES && size / packed.max(1) > MAX_RATIO {
            return Some(format!(
                "The file's part {name} is packed {} times tighter than it unpacks, which no \
                 spreadsheet is: the file is damaged or made to exhaust memory. Open it in Excel \
                 or LibreOffice and save it again as .xlsx.",
                size / packed.max(1)
            ));
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Some(format!(
                "The file inflates to more than {} MB when opened, far more than a class list \
                 holds: it is damaged or made to exhaust memory. Open it in Excel or \
                 LibreOffice and save it again as .xlsx.",
                MAX_TOTAL_BYTES / MB
            ));
        }
        if read_whole(&name) {
            whole.push((i, name, size));
        }
    }
    for (i, name, size) in whole {
        let Ok(part) = archive.by_index(i) else {
            continue;
        };
        // Unpacked into nothing, one byte past what it declares at most. A reader that
        // refuses to go past the declared size itself ends the copy with an error: a lie too.
        let mut limited = part.take(size.saturating_add(1));
        let held = match std::io::copy(&mut limited, &mut std::io::sink()) {
            Ok(n) => n,
            Err(e) if e.to_string().contains("declared") => size.saturating_add(1),
            // Damaged otherwise (a bad checksum, broken deflate data): calamine says so.
            Err(_) => continue,
        };
        if held > size {
            return Some(format!(
                "The file is damaged: its part {name} holds more than the {size} bytes it \
                 declares. Open it in Excel or LibreOffice and save it again as .xlsx."
            ));
        }
    }
    None
}

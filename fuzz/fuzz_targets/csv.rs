//! Text through the CSV path: bytes that would be sniffed as a zip, an OLE file or another
//! known format get a prefix that makes them text, so every input reaches the CSV decoder
//! (BOMs, UTF-16, Windows-1252), the delimiter sniffing, the csv reader and then the preview.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The prefixes `read_bytes` takes as something other than text.
const NOT_CSV: &[&[u8]] = &[
    b"PK\x03\x04",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    b"%PDF",
    b"\x89PNG",
    b"\xFF\xD8\xFF",
    b"GIF8",
    b"{\\rtf",
    b"\x1F\x8B",
    b"Rar!",
    b"7z\xBC\xAF",
];

fuzz_target!(
    init: {
        rollbook_fuzz::init(true);
    },
    |data: &[u8]| {
        let owned;
        let data = if NOT_CSV.iter().any(|m| data.starts_with(m)) {
            owned = [b"\"".as_slice(), data].concat();
            &owned[..]
        } else {
            data
        };
        if let Some(book) = rollbook_fuzz::read_and_preview(data, true) {
            assert_eq!(book.file().format, "csv", "text must be read as CSV");
        }
    }
);

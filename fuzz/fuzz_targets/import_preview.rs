//! When the bytes read as a workbook, `import::preview` plans it against a store with a
//! school (India), a class and students: a preview or a refusal, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        rollbook_fuzz::init(true);
    },
    |data: &[u8]| {
        rollbook_fuzz::read_and_preview(data, true);
    }
);

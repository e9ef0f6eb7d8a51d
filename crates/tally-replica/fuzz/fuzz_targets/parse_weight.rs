//! A scale's printed reading and unit, as arbitrary text: converting to milligrams returns a
//! value or an error, never panics, and agrees with itself on a re-print in mg.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_replica::weight::Milligrams;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (printed, unit) = text.split_once('|').unwrap_or((&text, "g"));
    if let Ok(mg) = Milligrams::parse(printed, unit) {
        // The value in milligrams, printed back, reads as itself.
        assert_eq!(Milligrams::parse(&mg.0.to_string(), "mg"), Ok(mg));
    }
});

//! Fuzz target: arbitrary bytes as an EPC bank, and as text for the hex and URI parsers.
//! Nothing may panic, and whatever decodes must encode back to the same bits (the rest of the
//! bank being zero padding) and decode again to the same EPC.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_ids::epc::{decode_epc, encode_tag_uri, parse_hex};

fuzz_target!(|data: &[u8]| {
    if let Ok(epc) = decode_epc(data) {
        let again = match encode_tag_uri(&epc.tag_uri) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{} decoded but does not encode: {e}", epc.tag_uri),
        };
        assert!(again.len() <= data.len(), "{}", epc.tag_uri);
        assert_eq!(&again[..], &data[..again.len()], "{}", epc.tag_uri);
        assert!(data[again.len()..].iter().all(|b| *b == 0));
        assert_eq!(decode_epc(&again).as_ref(), Ok(&epc));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = parse_hex(text) {
            let _ = decode_epc(&bytes);
        }
        let _ = encode_tag_uri(text);
    }
});

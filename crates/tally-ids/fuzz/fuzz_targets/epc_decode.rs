//! Fuzz target: arbitrary bytes as an EPC bank, and as text for the hex and URI parsers.
//! Nothing may panic, and whatever decodes must encode back to the same bits (anything past them
//! being zero padding) and decode again to the same EPC.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_ids::epc::{decode_epc, encode_tag_uri, parse_hex};

fuzz_target!(|data: &[u8]| {
    if let Ok(epc) = decode_epc(data) {
        let again = match encode_tag_uri(&epc.tag_uri) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{} decoded but does not encode: {e}", epc.tag_uri),
        };
        // Same bits; beyond the shorter of the two only zero padding (the encoder pads to
        // whole 16-bit words, the input may stop at any byte).
        let n = again.len().min(data.len());
        assert_eq!(&again[..n], &data[..n], "{}", epc.tag_uri);
        assert!(data[n..].iter().chain(&again[n..]).all(|b| *b == 0));
        assert_eq!(decode_epc(&again).as_ref(), Ok(&epc));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = parse_hex(text) {
            let _ = decode_epc(&bytes);
        }
        let _ = encode_tag_uri(text);
    }
});

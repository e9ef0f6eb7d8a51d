//! Fuzz target: the mt-sics decoder must not panic and must keep its buffer
//! bounded on any bytes in any chunking. The first input byte picks the read size.
#![no_main]

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use tally_drivers::protocol::{
    and_standard, chafon, hid_pos, keyboard_wedge, m100, mt_sics, nci, ohaus, serial_barcode,
    thingmagic, Decoder, ProtocolParams,
};

/// Most bytes the decoder may hold.
const BOUND: usize = mt_sics::LINE_BYTES_MAX;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let read = usize::from(first).max(1);
    #[allow(unused_variables)]
    let params = ProtocolParams::default();
    let mut decoder = mt_sics::MtSicsDecoder::new();
    let mut out = Vec::new();
    for chunk in bytes.chunks(read) {
        decoder.feed(chunk, &mut out);
        assert!(decoder.buffered() <= BOUND);
    }
    decoder.idle(&mut out);
    assert!(decoder.buffered() <= BOUND);
    decoder.reset();
    assert_eq!(decoder.buffered(), 0);
});

//! The scaffold every decoder fuzz target shares: [`decoder_target!`] expands to a
//! `fuzz_target!` that feeds the input to a fresh decoder in chunks (the first input byte picks
//! the read size), and checks that the decoder never panics, never holds more than its bound
//! after a chunk or after `idle`, and holds nothing after `reset`.

pub use libfuzzer_sys;
pub use tally_drivers;

/// `decoder_target!(BOUND, |params| DECODER)`: a fuzz target for the decoder that `DECODER`
/// builds from the default `ProtocolParams` bound to `params`; `BOUND` is the most bytes it
/// may hold.
#[macro_export]
macro_rules! decoder_target {
    ($bound:expr, |$params:ident| $decoder:expr) => {
        #[allow(unused_imports)]
        use $crate::tally_drivers::protocol::{
            and_standard, chafon, hid_pos, keyboard_wedge, m100, mt_sics, nci, ohaus,
            serial_barcode, thingmagic, Decoder, ProtocolParams,
        };

        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            let Some((&first, bytes)) = data.split_first() else {
                return;
            };
            let read = usize::from(first).max(1);
            #[allow(unused_variables)]
            let $params = ProtocolParams::default();
            let bound: usize = $bound;
            let mut decoder = $decoder;
            let mut out = Vec::new();
            for chunk in bytes.chunks(read) {
                decoder.feed(chunk, &mut out);
                assert!(decoder.buffered() <= bound);
            }
            decoder.idle(&mut out);
            assert!(decoder.buffered() <= bound);
            decoder.reset();
            assert_eq!(decoder.buffered(), 0);
        });
    };
}

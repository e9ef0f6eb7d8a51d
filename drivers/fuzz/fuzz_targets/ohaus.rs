//! Fuzz target: the ohaus decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(ohaus::LINE_BYTES_MAX, |_params| ohaus::OhausDecoder::new());

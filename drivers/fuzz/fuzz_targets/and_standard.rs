//! Fuzz target: the and-standard decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(and_standard::LINE_BYTES_MAX, |_params| {
    and_standard::AndDecoder::new()
});

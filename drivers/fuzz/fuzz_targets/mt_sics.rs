//! Fuzz target: the mt-sics decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(mt_sics::LINE_BYTES_MAX, |_params| {
    mt_sics::MtSicsDecoder::new()
});

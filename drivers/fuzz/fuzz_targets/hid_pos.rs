//! Fuzz target: the hid-pos decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(64 + 8192, |params| hid_pos::HidPosDecoder::from_params(
    &params
)
.expect("default params"));

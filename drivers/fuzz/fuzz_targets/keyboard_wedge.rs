//! Fuzz target: the keyboard-wedge decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(8 + 8192, |params| keyboard_wedge::WedgeDecoder::new(
    &params
));

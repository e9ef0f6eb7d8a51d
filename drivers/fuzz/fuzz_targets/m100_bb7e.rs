//! Fuzz target: the m100-bb7e decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(2 * (3072 + 7), |_params| m100::M100Decoder::new());

//! Fuzz target: the thingmagic-mercury decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(2 * 255, |_params| thingmagic::MercuryDecoder::new());

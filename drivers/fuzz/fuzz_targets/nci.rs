//! Fuzz target: the nci decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(nci::REPLY_BYTES_MAX, |_params| nci::NciDecoder::new());

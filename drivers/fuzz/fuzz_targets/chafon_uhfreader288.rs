//! Fuzz target: the chafon-uhfreader288 decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(512, |_params| chafon::ChafonDecoder::new(
    chafon::ChafonFamily::UhfReader288
));

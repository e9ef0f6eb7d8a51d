//! Fuzz target: the serial-barcode decoder (the shared scaffold in `src/lib.rs`: no panic, bounded
//! buffer on any bytes in any chunking).
#![no_main]

tally_drivers_fuzz::decoder_target!(8192 + 1, |params| {
    serial_barcode::SerialBarcodeDecoder::new(&params).expect("default params")
});

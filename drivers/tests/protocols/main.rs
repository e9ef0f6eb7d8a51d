//! The pure side of the drivers in one test binary (one link instead of seven): protocol
//! decoders against the shared vectors, torn streams and noise, property tests, the firmware
//! profiles and the udev rules generated from them.

mod protocol_support;

mod hid;
mod profiles;
mod proptest;
mod rfid;
mod scales;
mod streams;
mod udev;

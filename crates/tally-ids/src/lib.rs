//! Turns whatever a scanner or RFID reader hands us into a typed, validated identifier.
//!
//! This crate owns AIM symbology identifiers (ISO/IEC 15424), GS1 element strings and GS1
//! Digital Link URIs, the EPC Tag Data Standard, and the state tracking UIDs (Metrc tags,
//! BioTrack ids). It does no I/O and depends on no device, database or network crate, so the
//! drivers, the handheld app and the ledger all decode scans exactly the same way.
//!
//! Start at [`decode`]: one scan in, one [`Decoded`] out.

#![deny(missing_docs)]

pub mod aim;
pub mod date;
mod decode;
pub mod epc;
pub mod error;
pub mod gs1;
pub mod uid;

pub use date::Date;
pub use decode::{
    decode, gs1_check_digit, Candidate, DecodeOptions, Decoded, EpcSummary, Kind, Source,
    MAX_SCAN_LEN,
};
pub use error::{Language, ScanError};

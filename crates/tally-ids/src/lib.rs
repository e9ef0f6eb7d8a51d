//! Turns whatever a scanner or RFID reader hands us into a typed, validated identifier.
//!
//! This crate owns AIM symbology identifiers (ISO/IEC 15424), GS1 element strings and GS1
//! Digital Link URIs, the EPC Tag Data Standard, and the state tracking UIDs (Metrc tags,
//! BioTrack ids). It does no I/O and depends on no device, database or network crate, so the
//! drivers, the handheld app and the ledger all decode scans exactly the same way.

pub mod epc;

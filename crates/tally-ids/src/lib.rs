//! Turns whatever a scanner or RFID reader hands us into a typed, validated identifier.
//!
//! This crate owns AIM symbology identifiers (ISO/IEC 15424), GS1 element strings and GS1
//! Digital Link URIs, the EPC Tag Data Standard, and the state tracking UIDs (Metrc tags,
//! BioTrack ids). It does no I/O and depends on no device, database or network crate, so the
//! drivers, the handheld app and the ledger all decode scans exactly the same way.
//!
//! Start at [`decode`]: one scan in, one [`Decoded`] out. Devices hand over a [`ScanInput`]
//! (a barcode's bytes with its symbology identifier, or an RFID tag's EPC bank bytes), read
//! by [`ScanInput::decode`] under the same rules.
//!
//! ```
//! use tally_ids::{decode, Date, DecodeOptions, Kind};
//!
//! // "Today" is a parameter: it anchors the GS1 century window of two-digit years.
//! let options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
//! let scan = decode(b"]C1010703206980498815210526100329", &options);
//! assert_eq!(scan.kind, Kind::Gs1);
//! assert_eq!(scan.symbology.unwrap().name(), "GS1-128");
//! assert_eq!(scan.hri.as_deref(), Some("(01)07032069804988(15)210526(10)0329"));
//! assert_eq!(scan.elements[1].date.unwrap().to_string(), "2021-05-26");
//! assert!(scan.errors.is_empty());
//!
//! let misprint = decode(b"]C10107032069804987", &options);
//! assert_eq!(misprint.errors[0].to_string(), "GTIN check digit should be 8, got 7");
//! ```
//!
//! A scan without a symbology identifier can fit several readings: `0107032069804987` is a
//! GTIN element string with a wrong check digit, and also a BioTrack id (any 16 digits are
//! one). Every reading is listed in [`Decoded::candidates`], [`Decoded::choice`] says which
//! one won and why (ranking: Metrc tag, GS1 element string or Digital Link, EAN/UPC GTIN,
//! BioTrack id, lone GS1 element without check digit; a valid reading beats an invalid one),
//! and when the winner is not clearly right, [`Decoded::warnings`] says so without making the
//! scan invalid. Here the BioTrack reading is kept (a BioTrack facility scans such ids all
//! day) with a warning that carries the GS1 error. A facility that knows its state system
//! says so in [`DecodeOptions::state_systems`], and the ambiguity is gone:
//!
//! ```
//! use tally_ids::{decode, Date, DecodeOptions, Kind, StateSystems, UidSystem};
//!
//! let mut options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
//! let anywhere = decode(b"0107032069804987", &options);
//! assert_eq!(anywhere.kind, Kind::BiotrackId);
//! assert!(anywhere.warnings[0].to_string().ends_with("GTIN check digit should be 8, got 7"));
//!
//! options.state_systems = StateSystems::only(&[UidSystem::Metrc]);
//! let metrc_facility = decode(b"0107032069804987", &options);
//! assert_eq!(metrc_facility.kind, Kind::Gs1);
//! assert_eq!(metrc_facility.errors[0].to_string(), "GTIN check digit should be 8, got 7");
//! ```
//!
//! A valid scan holding a GS1 primary key also carries its canonical GS1 Digital Link URI
//! ([`Decoded::digital_link`]). RFID input may start with the tag's PC word, which is
//! removed when that is unambiguous (see [`ScanWarning::PcWordRemoved`]), and may end in
//! words of zeros after a complete EPC, which are noted ([`ScanWarning::ZeroPadding`]). A
//! barcode that has the shape of a state tag but is cut short or misread is a damaged tag
//! ([`ScanError::DamagedTag`]), never clean plain text.
//!
//! [`Decoded::write_json`] writes a scan as one line of JSON into a reusable buffer, byte for
//! byte what `serde_json` makes of it, for tools that print millions of scans.
//!
//! Map of the crate: [`aim`] (symbology identifiers), [`gs1`] (the AI table generated from
//! GS1's syntax dictionary, element strings, Digital Link), [`epc`] (EPC Tag Data Standard),
//! [`uid`] (the registry of state tracking systems), [`error`] (every problem, in English and
//! Spanish), [`date`] (dates with no clock access).

#![deny(missing_docs)]
// No unwrap on data from outside: the library returns errors; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod aim;
pub mod date;
mod decode;
pub mod epc;
pub mod error;
pub mod gs1;
mod input;
mod json;
mod spare;
pub mod uid;
mod vocab;

pub use date::Date;
pub use decode::{
    decode, decode_into, gs1_check_digit, Candidate, DecodeOptions, Decoded, EpcSummary, Kind,
    Source, MAX_SCAN_LEN,
};
pub use error::{Language, Message, ScanError, ScanWarning};
pub use input::ScanInput;
pub use uid::{StateSystems, UidSystem};

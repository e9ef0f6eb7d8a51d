//! The decoded, typed identifier a workflow step takes: what a scan or a tag read *is* once
//! `tally-ids` has read it under the facility's state systems.
//!
//! Workflow steps never recognise scanned text themselves. A step that takes what was just
//! scanned takes an [`Identifier`] (and refuses what is not the kind it wants); a step on a
//! package already identified takes its [`StateTag`]. A [`StateTag`] is made only by decoding,
//! so it is always a well-formed Metrc tag or BioTrack id; the steps still check that its state
//! system is the facility's (kind 276 `facility_state_system_defined`), so a BioTrack id read by
//! a tool that decoded with every system is no tag at a Metrc site.
//!
//! Location, staging lane and tote ids are plain text ids: the steps take them as `&str`,
//! trimmed, and a scan is one only when it reads as plain text ([`Identifier::plain_id`]); a
//! state tag or a GS1 label scanned where a location is asked for is not a location.
//!
//! The type lives here, beside the steps that take it, rather than in `tally-ids`: `tally-ids`
//! reads scans for every crate (drivers, the ledger, `tally decode`) and knows no workflow; what
//! a scan means to a step (a package tag of this facility's system, a label's lot and expiry, a
//! location typed as text) is the workflows' vocabulary.

use tally_ids::{Date, DecodeOptions, Decoded, Kind, ScanInput, StateSystems, UidSystem};

use super::ID_LEN_MAX;
use crate::refusal::Refusal;

/// A state package tag (a Metrc tag or a BioTrack id), normalised, from a barcode or an RFID
/// tag. Made only by decoding ([`Identifier::read`], [`Identifier::typed`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StateTag {
    system: UidSystem,
    uid: String,
}

impl StateTag {
    /// The state system the tag belongs to.
    pub fn system(&self) -> UidSystem {
        self.system
    }

    /// The tag, normalised (upper case, no spaces).
    pub fn uid(&self) -> &str {
        &self.uid
    }
}

impl std::fmt::Display for StateTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.uid)
    }
}

/// What a scan or tag read identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// A state package tag, from a barcode or an RFID tag.
    StateTag(StateTag),
    /// GS1 data from a barcode (an element string, a Digital Link, an EAN/UPC GTIN).
    Gs1(Gs1Data),
    /// An EPC that is not a state tag (GS1 data in it, when it has some).
    Epc {
        /// The EPC's pure-identity URI.
        pure_uri: String,
        /// The GS1 data the EPC carries (an SGTIN's GTIN and serial), when it has some.
        gs1: Option<Gs1Data>,
    },
    /// Plain text: a location id, a tote id.
    Text(String),
}

/// The GS1 data a label carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gs1Data {
    /// GTIN, AI (01), 14 digits.
    pub gtin: Option<String>,
    /// Batch/lot, AI (10).
    pub lot: Option<String>,
    /// Expiry date, AI (17), `YYYY-MM-DD`.
    pub expiry: Option<String>,
    /// Serial number, AI (21).
    pub serial: Option<String>,
    /// The human-readable form `(01)…(10)…`.
    pub hri: String,
}

impl Gs1Data {
    fn from_decoded(decoded: &Decoded) -> Gs1Data {
        let value = |ai: &str| {
            decoded
                .elements
                .iter()
                .find(|e| e.ai == ai)
                .map(|e| e.value.clone())
        };
        Gs1Data {
            gtin: value("01"),
            lot: value("10"),
            expiry: decoded
                .elements
                .iter()
                .find(|e| e.ai == "17")
                .and_then(|e| e.date)
                .map(|d| d.to_string()),
            serial: value("21"),
            hri: decoded.hri.clone().unwrap_or_default(),
        }
    }
}

/// Why a scan identifies nothing: the problems `tally-ids` found, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The input as received.
    pub input: String,
    /// What is wrong, one sentence each.
    pub problems: Vec<String>,
}

impl Unreadable {
    /// The refusal a step gives when it is handed this scan: it is no package tag.
    pub fn refusal(&self) -> Refusal {
        Refusal::NotATag {
            scan: self.input.trim().chars().take(ID_LEN_MAX).collect(),
        }
    }
}

impl Identifier {
    /// The identifier a decoded scan holds, or what is wrong with it.
    pub fn from_decoded(decoded: &Decoded) -> Result<Identifier, Unreadable> {
        if !decoded.is_valid() {
            return Err(Unreadable {
                input: decoded.input.clone(),
                problems: decoded.errors.iter().map(ToString::to_string).collect(),
            });
        }
        let state = |system| {
            decoded
                .uid
                .clone()
                .map(|uid| Identifier::StateTag(StateTag { system, uid }))
        };
        let identifier = match decoded.kind {
            Kind::MetrcTag => state(UidSystem::Metrc),
            Kind::BiotrackId => state(UidSystem::BioTrack),
            Kind::Gs1 | Kind::Gs1DigitalLink | Kind::Gtin => {
                Some(Identifier::Gs1(Gs1Data::from_decoded(decoded)))
            }
            Kind::Epc => decoded.epc.as_ref().map(|epc| Identifier::Epc {
                pure_uri: epc.pure_uri.clone(),
                gs1: (!decoded.elements.is_empty()).then(|| Gs1Data::from_decoded(decoded)),
            }),
            _ => None,
        };
        Ok(identifier.unwrap_or_else(|| Identifier::Text(plain_text(decoded))))
    }

    /// Reads a scan or tag read as the identifier it is, recognising the state tags of
    /// `state_systems` only (the facility's: [`super::state_systems`]); `today` anchors GS1's
    /// two-digit years.
    pub fn read(
        input: &ScanInput,
        state_systems: StateSystems,
        today: Date,
    ) -> Result<Identifier, Unreadable> {
        let mut options = DecodeOptions::new(today);
        options.state_systems = state_systems;
        Identifier::from_decoded(&input.decode(&options))
    }

    /// Reads text typed on a keyboard or sent by a keyboard-wedge scanner (spaces around it
    /// are not part of it) as a barcode scan would be read.
    pub fn typed(
        text: &str,
        state_systems: StateSystems,
        today: Date,
    ) -> Result<Identifier, Unreadable> {
        Identifier::read(
            &ScanInput::barcode(text.trim().as_bytes()),
            state_systems,
            today,
        )
    }

    /// The state tag, when the identifier is one.
    pub fn state_tag(&self) -> Option<&StateTag> {
        match self {
            Identifier::StateTag(tag) => Some(tag),
            _ => None,
        }
    }

    /// The id a plain-text scan is (a location, a lane, a tote), when it is one.
    pub fn plain_id(&self) -> Option<&str> {
        match self {
            Identifier::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The identifier in a few words, as read: a tag, a GS1 label's HRI, an EPC's URI, text.
    pub fn describe(&self) -> String {
        match self {
            Identifier::StateTag(tag) => tag.uid.clone(),
            Identifier::Gs1(gs1) => gs1.hri.clone(),
            Identifier::Epc { pure_uri, .. } => pure_uri.clone(),
            Identifier::Text(text) => text.clone(),
        }
    }

    /// The refusal for a step that wanted a package tag and was handed this (see
    /// [`super::package_tag`]).
    pub fn not_a_tag(&self) -> Refusal {
        Refusal::NotATag {
            scan: self.describe().trim().chars().take(ID_LEN_MAX).collect(),
        }
    }
}

/// The text of a plain scan, without its symbology identifier and line ending.
fn plain_text(decoded: &Decoded) -> String {
    let input = decoded.input.as_str();
    let data = decoded
        .symbology
        .as_ref()
        .and_then(|s| input.strip_prefix(s.id()))
        .unwrap_or(input);
    data.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 24).expect("a date")
    }

    fn read(input: ScanInput) -> Result<Identifier, Unreadable> {
        Identifier::read(&input, StateSystems::only(&[UidSystem::Metrc]), today())
    }

    #[test]
    fn gs1_data_matrix_digital_link_and_ean_give_gtin_lot_and_expiry() {
        let matrix = read(ScanInput::barcode(
            &b"]d2010950110153000317270301\x1d10LOT-7\x1d21S1"[..],
        ));
        assert_eq!(
            matrix,
            Ok(Identifier::Gs1(Gs1Data {
                gtin: Some("09501101530003".into()),
                lot: Some("LOT-7".into()),
                expiry: Some("2027-03-01".into()),
                serial: Some("S1".into()),
                hri: "(01)09501101530003(17)270301(10)LOT-7(21)S1".into(),
            }))
        );
        let link = read(ScanInput::barcode(
            &b"]Q1https://example.com/01/09501101530003/10/LOT-7?17=270301"[..],
        ));
        match link {
            Ok(Identifier::Gs1(gs1)) => assert_eq!(
                (
                    gs1.gtin.as_deref(),
                    gs1.lot.as_deref(),
                    gs1.expiry.as_deref()
                ),
                (Some("09501101530003"), Some("LOT-7"), Some("2027-03-01"))
            ),
            other => panic!("{other:?}"),
        }
        match read(ScanInput::barcode(&b"]E05901234123457"[..])) {
            Ok(Identifier::Gs1(gs1)) => assert_eq!(gs1.gtin.as_deref(), Some("05901234123457")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tags_epcs_and_text() {
        let tag = "1A4FF0100000022000000001";
        let bytes: Vec<u8> = (0..tag.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&tag[i..i + 2], 16).expect("hex"))
            .collect();
        let expected = Identifier::StateTag(StateTag {
            system: UidSystem::Metrc,
            uid: tag.into(),
        });
        assert_eq!(read(ScanInput::epc(bytes)), Ok(expected.clone()));
        assert_eq!(
            read(ScanInput::barcode(format!("]C0{}", tag.to_lowercase()))),
            Ok(expected)
        );
        // An SGTIN-96 EPC carries its GTIN and serial.
        let sgtin: Vec<u8> = vec![
            0x30, 0x74, 0x25, 0x7B, 0xF7, 0x19, 0x4E, 0x40, 0x00, 0x00, 0x1A, 0x85,
        ];
        match read(ScanInput::epc(sgtin)) {
            Ok(Identifier::Epc { pure_uri, gs1 }) => {
                assert!(pure_uri.starts_with("urn:epc:id:sgtin:"), "{pure_uri}");
                let gs1 = gs1.expect("an SGTIN holds GS1 data");
                assert!(gs1.gtin.is_some() && gs1.serial.is_some(), "{gs1:?}");
            }
            other => panic!("{other:?}"),
        }
        // Plain text loses its symbology identifier and line ending.
        assert_eq!(
            read(ScanInput::barcode(&b"]C0SHELF-2\r\n"[..])),
            Ok(Identifier::Text("SHELF-2".into()))
        );
        // A damaged tag is unreadable, with what is wrong.
        let damaged = read(ScanInput::barcode(&b"1A4FF01000000220000001"[..]));
        assert!(
            matches!(&damaged, Err(u) if !u.problems.is_empty()),
            "{damaged:?}"
        );
    }

    #[test]
    fn typed_text_is_trimmed_and_normalised() {
        let typed = |text: &str| Identifier::typed(text, StateSystems::all(), today());
        match typed(" 1a4ff0100000022000000123 ") {
            Ok(Identifier::StateTag(tag)) => {
                assert_eq!(tag.uid(), "1A4FF0100000022000000123");
                assert_eq!(tag.system(), UidSystem::Metrc);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(typed(" SHELF-1 "), Ok(Identifier::Text("SHELF-1".into())));
        // Sixteen digits are a BioTrack id anywhere, never at a Metrc-only reading.
        assert!(matches!(
            typed("0107032069804987"),
            Ok(Identifier::StateTag(tag)) if tag.system() == UidSystem::BioTrack
        ));
        // What is no tag is refused as one, named at most ID_LEN_MAX characters long.
        let long = Identifier::Text("X".repeat(1000));
        match long.not_a_tag() {
            Refusal::NotATag { scan } => assert_eq!(scan.len(), ID_LEN_MAX),
            other => panic!("{other:?}"),
        }
    }
}

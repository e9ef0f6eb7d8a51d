//! The decoded, typed identifier a workflow step takes: what a scan or a tag read *is* once
//! `tally-ids` has read it under the facility's state systems.

use tally_ids::{Decoded, Kind, UidSystem};

/// What a scan or tag read identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// A state package tag (a Metrc tag or a BioTrack id), from a barcode or an RFID tag.
    StateTag {
        /// The state system the tag belongs to.
        system: UidSystem,
        /// The tag, normalised.
        uid: String,
    },
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
                .map(|uid| Identifier::StateTag { system, uid })
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

    /// The state tag, when the identifier is one.
    pub fn state_tag(&self) -> Option<&str> {
        match self {
            Identifier::StateTag { uid, .. } => Some(uid),
            _ => None,
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

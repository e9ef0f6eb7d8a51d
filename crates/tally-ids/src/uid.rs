//! State tracking identifiers (seed-to-sale UIDs): every recogniser in one registry, so adding
//! a state system is one entry in [`RECOGNISERS`] and one [`UidSystem`] variant.
//!
//! What is known about the formats (see `docs/` and the protocol notes):
//! * **Metrc** plant and package tags: 24 characters, e.g. `1A4FF0100000022000000123`. Every
//!   tag seen is 24 upper-case hexadecimal digits starting `1A`; the RFID inlay's EPC bank is
//!   believed to hold those 96 bits verbatim (header `0x1A`, which the EPC Tag Data Standard
//!   reserves, so no GS1 EPC is mistaken for a Metrc tag). Not yet confirmed on real tags.
//! * **BioTrack** ids: 16 digits, with no published structure or check digit, so a 16-digit
//!   number is only a weak hint (see the decoder's candidate rules).

use serde::Serialize;

/// A state tracking system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UidSystem {
    /// Metrc package or plant tag.
    Metrc,
    /// BioTrack (BioTrackTHC) id.
    BioTrack,
}

/// One state system's recogniser.
#[derive(Debug, Clone, Copy)]
pub struct Recogniser {
    /// The system.
    pub system: UidSystem,
    /// Whether a match is distinctive enough to beat a valid GS1 reading of the same data.
    /// False for formats that any number of the right length matches.
    pub distinctive: bool,
    /// Recognises a barcode's data; returns the normalised UID.
    pub from_barcode: fn(&[u8]) -> Option<String>,
    /// Recognises an RFID tag's EPC (the bytes after the PC word); returns the UID.
    pub from_epc: fn(&[u8]) -> Option<String>,
}

/// Every known state system, most distinctive first.
pub static RECOGNISERS: &[Recogniser] = &[
    Recogniser {
        system: UidSystem::Metrc,
        distinctive: true,
        from_barcode: metrc_barcode,
        from_epc: metrc_epc,
    },
    Recogniser {
        system: UidSystem::BioTrack,
        distinctive: false,
        from_barcode: biotrack_barcode,
        from_epc: no_epc,
    },
];

/// Length of a Metrc tag UID.
pub const METRC_TAG_LEN: usize = 24;
/// Length of a BioTrack id.
pub const BIOTRACK_ID_LEN: usize = 16;

fn metrc_barcode(data: &[u8]) -> Option<String> {
    let ok = data.len() == METRC_TAG_LEN
        && data[..2].eq_ignore_ascii_case(b"1A")
        && data.iter().all(u8::is_ascii_hexdigit);
    ok.then(|| String::from_utf8_lossy(data).to_ascii_uppercase())
}

fn metrc_epc(epc: &[u8]) -> Option<String> {
    // 96 bits, header 0x1A; trailing zero words from a reader that pads are ignored.
    let (tag, padding) = epc.split_at_checked(METRC_TAG_LEN / 2)?;
    if tag[0] != 0x1A || padding.iter().any(|&b| b != 0) {
        return None;
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut uid = String::with_capacity(METRC_TAG_LEN);
    for &b in tag {
        uid.push(char::from(HEX[usize::from(b >> 4)]));
        uid.push(char::from(HEX[usize::from(b & 15)]));
    }
    Some(uid)
}

fn biotrack_barcode(data: &[u8]) -> Option<String> {
    (data.len() == BIOTRACK_ID_LEN && data.iter().all(u8::is_ascii_digit))
        .then(|| crate::error::owned_text(data))
}

fn no_epc(_: &[u8]) -> Option<String> {
    None
}

/// Every state system whose barcode format `data` matches, in registry order.
pub fn recognise_barcode(data: &[u8]) -> impl Iterator<Item = (&'static Recogniser, String)> + '_ {
    RECOGNISERS
        .iter()
        .filter_map(move |r| (r.from_barcode)(data).map(|uid| (r, uid)))
}

/// The state tag an EPC is, if any.
pub fn recognise_epc(epc: &[u8]) -> Option<(&'static Recogniser, String)> {
    RECOGNISERS
        .iter()
        .find_map(|r| (r.from_epc)(epc).map(|uid| (r, uid)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrc_tags() {
        let found: Vec<_> = recognise_barcode(b"1a4ff0100000022000000123").collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.system, UidSystem::Metrc);
        assert_eq!(found[0].1, "1A4FF0100000022000000123");
        assert_eq!(recognise_barcode(b"1A4FF01000000220000001").count(), 0);
        assert_eq!(recognise_barcode(b"3074257BF7194E4000001A85").count(), 0);
        let epc = [0x1A, 0x4F, 0xF0, 0x10, 0, 0, 0x02, 0x20, 0, 0, 0x01, 0x23];
        assert_eq!(
            recognise_epc(&epc).map(|(_, uid)| uid).as_deref(),
            Some("1A4FF0100000022000000123")
        );
        assert!(recognise_epc(&epc[..11]).is_none());
    }

    #[test]
    fn biotrack_ids() {
        let found: Vec<_> = recognise_barcode(b"6647684463740213").collect();
        assert_eq!(found[0].0.system, UidSystem::BioTrack);
        assert!(!found[0].0.distinctive);
        assert_eq!(recognise_barcode(b"664768446374021").count(), 0);
    }
}

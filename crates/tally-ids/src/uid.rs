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
//!
//! A facility uses one state's system, so the decoder takes the set of systems in use
//! ([`StateSystems`], default: all): a Metrc facility never reads a 16-digit number as a
//! BioTrack id, and sees what is wrong with it as a GS1 barcode instead.

use serde::Serialize;

pub use crate::vocab::TagDamage;

/// A state tracking system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UidSystem {
    /// Metrc package or plant tag.
    Metrc,
    /// BioTrack (BioTrackTHC) id.
    BioTrack,
}

impl UidSystem {
    /// Every system, in registry order.
    pub const ALL: [UidSystem; 2] = [UidSystem::Metrc, UidSystem::BioTrack];

    /// The system's name as written in options and JSON, e.g. `"metrc"`.
    pub fn name(self) -> &'static str {
        match self {
            UidSystem::Metrc => "metrc",
            UidSystem::BioTrack => "biotrack",
        }
    }

    fn bit(self) -> u8 {
        match self {
            UidSystem::Metrc => 1,
            UidSystem::BioTrack => 2,
        }
    }
}

/// The state tracking systems a facility uses: only their tags are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StateSystems {
    bits: u8,
}

impl Default for StateSystems {
    fn default() -> Self {
        StateSystems::all()
    }
}

impl StateSystems {
    /// Every known system (the default: a device that does not know its state reads all).
    pub fn all() -> StateSystems {
        StateSystems::only(&UidSystem::ALL)
    }

    /// No state system: only GS1, EPC and plain text readings.
    pub const fn none() -> StateSystems {
        StateSystems { bits: 0 }
    }

    /// Exactly `systems`.
    pub fn only(systems: &[UidSystem]) -> StateSystems {
        let mut set = StateSystems::none();
        for &system in systems {
            set.insert(system);
        }
        set
    }

    /// Adds `system`.
    pub fn insert(&mut self, system: UidSystem) {
        self.bits |= system.bit();
    }

    /// Whether `system` is in use.
    pub fn contains(self, system: UidSystem) -> bool {
        self.bits & system.bit() != 0
    }
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
    /// Recognises a barcode that has the shape of the system's tag but was cut short or
    /// misread; returns what is wrong. Only asked when `from_barcode` found no tag.
    pub damaged: fn(&[u8]) -> Option<TagDamage>,
}

/// Every known state system, most distinctive first.
pub static RECOGNISERS: &[Recogniser] = &[
    Recogniser {
        system: UidSystem::Metrc,
        distinctive: true,
        from_barcode: metrc_barcode,
        from_epc: metrc_epc,
        damaged: metrc_damaged,
    },
    Recogniser {
        system: UidSystem::BioTrack,
        distinctive: false,
        from_barcode: biotrack_barcode,
        from_epc: no_epc,
        damaged: biotrack_damaged,
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

/// How far a damaged Metrc tag's length may stray from 24 and still be taken for one.
const METRC_DAMAGE_SLACK: usize = 6;

/// A Metrc tag's prefix (`1A`) on printable data of about its length that is not a tag.
fn metrc_damaged(data: &[u8]) -> Option<TagDamage> {
    let shaped = data.len().abs_diff(METRC_TAG_LEN) <= METRC_DAMAGE_SLACK
        && data[..2].eq_ignore_ascii_case(b"1A")
        && data.iter().all(u8::is_ascii_graphic);
    if !shaped {
        return None;
    }
    if data.len() != METRC_TAG_LEN {
        return Some(TagDamage::Length {
            len: data.len(),
            expected: METRC_TAG_LEN,
        });
    }
    first_outside(data, u8::is_ascii_hexdigit, "0-9 and A-F")
}

/// The first character of `data` that `allowed` rejects, as damage.
fn first_outside(
    data: &[u8],
    allowed: fn(&u8) -> bool,
    description: &'static str,
) -> Option<TagDamage> {
    let position = data.iter().position(|b| !allowed(b))?;
    Some(TagDamage::Character {
        character: char::from(data[position]),
        position: position + 1,
        allowed: description,
    })
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

/// A BioTrack id has no prefix, so only a near miss counts: 15 or 17 digits (a digit lost or
/// doubled), or 16 characters of which one or two are letters (a digit misread).
fn biotrack_damaged(data: &[u8]) -> Option<TagDamage> {
    let digits = data.iter().filter(|b| b.is_ascii_digit()).count();
    match data.len() {
        15 | 17 if digits == data.len() => Some(TagDamage::Length {
            len: data.len(),
            expected: BIOTRACK_ID_LEN,
        }),
        BIOTRACK_ID_LEN
            if digits + 2 >= data.len() && data.iter().all(u8::is_ascii_alphanumeric) =>
        {
            first_outside(data, u8::is_ascii_digit, "digits")
        }
        _ => None,
    }
}

fn no_epc(_: &[u8]) -> Option<String> {
    None
}

/// Every state system in `systems` whose barcode format `data` matches, in registry order.
pub fn recognise_barcode(
    data: &[u8],
    systems: StateSystems,
) -> impl Iterator<Item = (&'static Recogniser, String)> + '_ {
    RECOGNISERS
        .iter()
        .filter(move |r| systems.contains(r.system))
        .filter_map(move |r| (r.from_barcode)(data).map(|uid| (r, uid)))
}

/// The first system in `systems` whose tag `data` looks like, cut short or misread, and what
/// is wrong with it; `None` when `data` is a tag of one of them or looks like none.
pub fn recognise_damaged(data: &[u8], systems: StateSystems) -> Option<(UidSystem, TagDamage)> {
    if recognise_barcode(data, systems).next().is_some() {
        return None;
    }
    RECOGNISERS
        .iter()
        .filter(|r| systems.contains(r.system))
        .find_map(|r| (r.damaged)(data).map(|damage| (r.system, damage)))
}

/// The state tag of a system in `systems` that an EPC is, if any.
pub fn recognise_epc(epc: &[u8], systems: StateSystems) -> Option<(&'static Recogniser, String)> {
    RECOGNISERS
        .iter()
        .filter(|r| systems.contains(r.system))
        .find_map(|r| (r.from_epc)(epc).map(|uid| (r, uid)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<(&'static Recogniser, String)> {
        recognise_barcode(data, StateSystems::all()).collect()
    }

    #[test]
    fn every_system_is_in_the_registry() {
        for system in UidSystem::ALL {
            assert!(RECOGNISERS.iter().any(|r| r.system == system), "{system:?}");
            assert!(StateSystems::all().contains(system));
            assert!(!StateSystems::none().contains(system));
        }
    }

    #[test]
    fn only_the_systems_in_use_are_recognised() {
        let metrc = StateSystems::only(&[UidSystem::Metrc]);
        assert_eq!(recognise_barcode(b"6647684463740213", metrc).count(), 0);
        assert_eq!(
            recognise_barcode(b"1A4FF0100000022000000123", metrc).count(),
            1
        );
        let biotrack = StateSystems::only(&[UidSystem::BioTrack]);
        assert_eq!(
            recognise_barcode(b"1A4FF0100000022000000123", biotrack).count(),
            0
        );
        let epc = [0x1A, 0x4F, 0xF0, 0x10, 0, 0, 0x02, 0x20, 0, 0, 0x01, 0x23];
        assert!(recognise_epc(&epc, biotrack).is_none());
        assert!(recognise_epc(&epc, metrc).is_some());
    }

    #[test]
    fn metrc_tags() {
        let found = all(b"1a4ff0100000022000000123");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.system, UidSystem::Metrc);
        assert_eq!(found[0].1, "1A4FF0100000022000000123");
        assert!(all(b"1A4FF01000000220000001").is_empty());
        assert!(all(b"3074257BF7194E4000001A85").is_empty());
        let epc = [0x1A, 0x4F, 0xF0, 0x10, 0, 0, 0x02, 0x20, 0, 0, 0x01, 0x23];
        assert_eq!(
            recognise_epc(&epc, StateSystems::all())
                .map(|(_, uid)| uid)
                .as_deref(),
            Some("1A4FF0100000022000000123")
        );
        assert!(recognise_epc(&epc[..11], StateSystems::all()).is_none());
    }

    #[test]
    fn biotrack_ids() {
        let found = all(b"6647684463740213");
        assert_eq!(found[0].0.system, UidSystem::BioTrack);
        assert!(!found[0].0.distinctive);
        assert!(all(b"664768446374021").is_empty());
    }
}

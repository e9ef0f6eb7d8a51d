//! Per-field limits of payloads, so that the largest record of every kind fits in 65,535 bytes
//! (one entry of the ledger's transparency log, whose entry bundles frame entries with a
//! 16-bit length).
//!
//! The wire primitives keep their generic limits (4,096 bytes of text, 4,096 items); on top of
//! them every text, byte-string and list field of a payload has its own limit, by the name of
//! its struct and field (the table below, and `docs/EVENT-FORMAT.md` §3.1). Encoding checks
//! them before anything is written and decoding checks them after a payload is read; either
//! way a field over its limit is an error that names the field. Layouts do not change.

use crate::types::{Bytes, Date, DeviceId, MassUnit, Quantity, Sha256Hash, WeighMode};

/// Identifiers, codes, badges, licence numbers, reader and scale ids: at most 64 bytes.
pub const ID_BYTES: usize = 64;
/// Package UIDs (Metrc tags are 24 characters, BioTrack ids 16): at most 32 bytes.
pub const UID_BYTES: usize = 32;
/// Display names (of a facility, location, item, user, driver): at most 128 bytes.
pub const NAME_BYTES: usize = 128;
/// Free text (notes, descriptions, destruction methods, revocation reasons): at most 1,024.
pub const NOTE_BYTES: usize = 1_024;
/// Decimal readings as a scale printed them (value, tare, division, capacity): at most 32.
pub const READING_BYTES: usize = 32;
/// A PIN verifier string (PHC format): at most 256 bytes.
pub const PIN_HASH_BYTES: usize = 256;
/// One label-check finding: at most 256 bytes.
pub const FINDING_BYTES: usize = 256;
/// An RFID EPC as read (up to 256 bits): at most 32 bytes.
pub const EPC_BYTES: usize = 32;
/// The UID an RFID tag decodes to (a Metrc tag: 24 characters): at most 24 bytes, so that
/// 1,024 tags fit in one record.
pub const TAG_UID_BYTES: usize = 24;
/// A raw scan (barcode data): at most 4,096 bytes.
pub const RAW_SCAN_BYTES: usize = 4_096;

/// Tags of one RFID sweep event; a longer sweep is recorded as several events.
pub const SWEEP_TAGS_MAX: usize = 1_024;
/// Lines of one manifest event (issued, or continued with `manifest_lines_added`).
pub const MANIFEST_LINES_PER_EVENT: usize = 400;
/// Lines of one pick list event (issued, or continued).
pub const PICK_LINES_PER_EVENT: usize = 200;
/// Locations, and items, of one count task event (issued, or continued).
pub const COUNT_TASK_ENTRIES_PER_EVENT: usize = 250;
/// UIDs in each list of a manifest close.
pub const CLOSE_UIDS_MAX: usize = 900;
/// UIDs of a recount request or an investigation.
pub const UIDS_MAX: usize = 1_500;

/// The text (or byte-string item) limit of a field.
pub fn text_limit(strukt: &str, field: &str) -> usize {
    match (strukt, field) {
        (_, "note" | "description" | "method") => NOTE_BYTES,
        ("DeviceRevoked", "reason") => NOTE_BYTES,
        ("RfidTagRead", "decoded_uid") => TAG_UID_BYTES,
        (_, "name" | "driver") => NAME_BYTES,
        (_, "findings") => FINDING_BYTES,
        (_, "pin_hash") => PIN_HASH_BYTES,
        (_, "value" | "tare" | "division" | "capacity" | "reference_value" | "reading_value") => {
            READING_BYTES
        }
        (
            _,
            "uid" | "source_uid" | "new_uid" | "decoded_uid" | "missing_uids" | "unexpected_uids"
            | "uids" | "extra_uids",
        ) => UID_BYTES,
        (_, "raw") => RAW_SCAN_BYTES,
        (_, "epc") => EPC_BYTES,
        _ => ID_BYTES,
    }
}

/// The item count limit of a list field.
pub fn list_limit(strukt: &str, field: &str) -> usize {
    match (strukt, field) {
        ("RfidSweepRecorded" | "CountSweepRecorded", "tags") => SWEEP_TAGS_MAX,
        ("ManifestClosed", _) => CLOSE_UIDS_MAX,
        ("LabelChecked", "findings") => 32,
        ("LoadingReconciled", "missing_uids") => 600,
        ("LoadingReconciled", "extra_uids") => 200,
        ("LoadingReconciled", "mismatches") => 400,
        ("RecountRequested" | "InvestigationOpened", "uids") => UIDS_MAX,
        (_, "lines") if strukt.contains("Manifest") => MANIFEST_LINES_PER_EVENT,
        (_, "lines" | "pick_lines") => PICK_LINES_PER_EVENT,
        (_, "locations" | "items") => COUNT_TASK_ENTRIES_PER_EVENT,
        _ => 0,
    }
}

/// A field over its limit: which one, how long, and the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLimit {
    /// `Struct.field`.
    pub field: String,
    /// Length in bytes, or count of items.
    pub len: usize,
    /// The limit.
    pub max: usize,
}

/// A value whose fields have limits.
pub trait FieldLimit {
    /// Checks this value as field `field` of struct `strukt`.
    fn check_field(&self, strukt: &str, field: &str) -> Result<(), OverLimit>;
}

fn over(strukt: &str, field: &str, len: usize, max: usize) -> Result<(), OverLimit> {
    if len > max {
        Err(OverLimit {
            field: format!("{strukt}.{field}"),
            len,
            max,
        })
    } else {
        Ok(())
    }
}

impl FieldLimit for String {
    fn check_field(&self, strukt: &str, field: &str) -> Result<(), OverLimit> {
        over(strukt, field, self.len(), text_limit(strukt, field))
    }
}

impl FieldLimit for Bytes {
    fn check_field(&self, strukt: &str, field: &str) -> Result<(), OverLimit> {
        over(strukt, field, self.0.len(), text_limit(strukt, field))
    }
}

impl<T: FieldLimit> FieldLimit for Option<T> {
    fn check_field(&self, strukt: &str, field: &str) -> Result<(), OverLimit> {
        match self {
            Some(value) => value.check_field(strukt, field),
            None => Ok(()),
        }
    }
}

impl<T: FieldLimit> FieldLimit for Vec<T> {
    fn check_field(&self, strukt: &str, field: &str) -> Result<(), OverLimit> {
        over(strukt, field, self.len(), list_limit(strukt, field))?;
        self.iter()
            .try_for_each(|item| item.check_field(strukt, field))
    }
}

macro_rules! unlimited {
    ($($ty:ty),*) => {$(
        impl FieldLimit for $ty {
            fn check_field(&self, _: &str, _: &str) -> Result<(), OverLimit> {
                Ok(())
            }
        }
    )*};
}
unlimited!(u8, u16, u32, u64, i64, bool, Quantity, Date, DeviceId, Sha256Hash, MassUnit, WeighMode);

/// The largest value a field may hold: every text and byte string at its limit, every list
/// full of largest items, every option present. Used to prove that the largest record of
/// every kind fits (`Payload::largest`), and to document the limits.
pub trait Largest: Sized {
    /// The largest value of this type as field `field` of struct `strukt`.
    fn largest(strukt: &str, field: &str) -> Self;
}

impl Largest for String {
    fn largest(strukt: &str, field: &str) -> Self {
        "x".repeat(text_limit(strukt, field))
    }
}

impl Largest for Bytes {
    fn largest(strukt: &str, field: &str) -> Self {
        Bytes(vec![0xff; text_limit(strukt, field)])
    }
}

impl<T: Largest> Largest for Option<T> {
    fn largest(strukt: &str, field: &str) -> Self {
        Some(T::largest(strukt, field))
    }
}

impl<T: Largest> Largest for Vec<T> {
    fn largest(strukt: &str, field: &str) -> Self {
        (0..list_limit(strukt, field))
            .map(|_| T::largest(strukt, field))
            .collect()
    }
}

macro_rules! largest_int {
    ($($ty:ty),*) => {$(
        impl Largest for $ty {
            fn largest(_: &str, _: &str) -> Self {
                <$ty>::MAX
            }
        }
    )*};
}
largest_int!(u8, u16, u32, u64, i64);

impl Largest for bool {
    fn largest(_: &str, _: &str) -> Self {
        true
    }
}

impl Largest for Quantity {
    fn largest(_: &str, _: &str) -> Self {
        Quantity::Milligrams(u64::MAX)
    }
}

impl Largest for Date {
    fn largest(_: &str, _: &str) -> Self {
        Date::new(9999, 12, 31).unwrap_or_else(|| unreachable!("9999-12-31 is a date"))
    }
}

// The shared vocabulary's enums are one byte on the wire: any recordable value is as large as
// the others.
impl Largest for MassUnit {
    fn largest(_: &str, _: &str) -> Self {
        MassUnit::Ct
    }
}

impl Largest for WeighMode {
    fn largest(_: &str, _: &str) -> Self {
        WeighMode::Net
    }
}

impl Largest for DeviceId {
    fn largest(_: &str, _: &str) -> Self {
        DeviceId([0xff; 32])
    }
}

impl Largest for Sha256Hash {
    fn largest(_: &str, _: &str) -> Self {
        Sha256Hash([0xff; 32])
    }
}

//! The typed payloads of events and their append-only `u16` kind registry.
//!
//! Each payload kind has a number that is never reused or renumbered, and a struct whose
//! fields are encoded in the order written here (see `docs/EVENT-FORMAT.md`). A shipped kind
//! never changes: to record more, add a new kind (a new struct, one line in the `payloads!`
//! list, a golden fixture). Readers that meet a kind they do not know keep its bytes as
//! [`Payload::Unknown`]: the envelope and signature still verify, so old devices' logs stay
//! readable forever and old verifiers accept logs with newer kinds. Enum codes are
//! append-only too: a known kind holding an enum code this version does not know decodes as
//! [`Payload::Unknown`] as a whole (its bytes kept exactly; see [`Payload::has_newer_code`]).
//!
//! Conventions: quantities are [`Quantity`] (integer units or milligrams), never floats;
//! scale readings keep the decimal exactly as the scale printed it; badge ids, UIDs and other
//! identifiers are text; every text, byte-string and list field has a limit of its own
//! ([`crate::limits`]), so that the largest record of every kind fits in 65,535 bytes.

use serde::Serialize;

use crate::error::{DecodeError, EncodeError};
use crate::types::{Bytes, Date, DeviceId, MassUnit, Quantity, Sha256Hash};
use crate::wire::{wire_enum, wire_struct, Reader, Wire};

// ---------------------------------------------------------------------------------------
// Enums used by payloads. One byte each; codes are append-only.
// ---------------------------------------------------------------------------------------

wire_enum! {
    /// Which input path produced a scan.
    pub enum ScanSource {
        /// A barcode scanner read through its HID interface.
        BarcodeHid = 1,
        /// A barcode scanner typing into the terminal (keyboard wedge fallback).
        BarcodeTerminal = 2,
        /// A barcode scanner on a serial line.
        BarcodeSerial = 3,
        /// An RFID reader.
        Rfid = 4,
        /// Typed by hand on the device.
        Manual = 5,
    }
}

pub use crate::types::WeighMode;

wire_enum! {
    /// The state traceability system a facility reports to: which state tags its scans are.
    pub enum StateSystem {
        /// Metrc (24-character tags starting `1A`).
        Metrc = 1,
        /// BioTrack (16-digit ids).
        BioTrack = 2,
    }
}

wire_enum! {
    /// Why a user signed in.
    pub enum SignInPurpose {
        /// To work a shift on the device.
        Session = 1,
        /// To witness another user's action (a destruction).
        Witness = 2,
        /// To approve an action as a supervisor.
        Approval = 3,
    }
}

wire_enum! {
    /// Pass or fail.
    pub enum CheckResult {
        /// Everything matched.
        Pass = 1,
        /// Something did not match.
        Fail = 2,
    }
}

wire_enum! {
    /// Kind of storage location.
    pub enum LocationKind {
        /// A vault.
        Vault = 1,
        /// A shelf.
        Shelf = 2,
        /// A bin on a shelf.
        Bin = 3,
        /// The quarantine cage.
        QuarantineCage = 4,
        /// A staging lane for outbound routes.
        StagingLane = 5,
        /// A vehicle.
        Vehicle = 6,
        /// A receiving dock.
        Dock = 7,
        /// A tote.
        Tote = 8,
    }
}

wire_enum! {
    /// Product category of an item.
    pub enum ItemCategory {
        /// Flower.
        Flower = 1,
        /// Vape cartridges.
        Vape = 2,
        /// Concentrates.
        Concentrate = 3,
        /// Edibles.
        Edible = 4,
        /// Tinctures.
        Tincture = 5,
        /// Pre-rolls.
        PreRoll = 6,
        /// Topicals.
        Topical = 7,
        /// Anything else.
        Other = 255,
    }
}

wire_enum! {
    /// How an item is counted.
    pub enum UnitOfMeasure {
        /// Counted in units (each).
        Each = 1,
        /// Weighed (milligrams).
        Weight = 2,
    }
}

wire_enum! {
    /// State of a batch's certificate of analysis.
    pub enum CoaStatus {
        /// No COA on file.
        Missing = 1,
        /// Lab result pending.
        Pending = 2,
        /// Lab result passed.
        Passed = 3,
        /// Lab result failed.
        Failed = 4,
    }
}

wire_enum! {
    /// Status of a package.
    pub enum PackageStatus {
        /// Sellable.
        Active = 1,
        /// On hold.
        OnHold = 2,
        /// Quarantined.
        Quarantined = 3,
        /// In transit.
        InTransit = 4,
        /// Destroyed.
        Destroyed = 5,
        /// Finished (empty, sold out).
        Finished = 6,
    }
}

wire_enum! {
    /// A user's role on the floor.
    pub enum Role {
        /// Receives, moves, picks, counts.
        Operator = 1,
        /// Also approves adjustments, reviews counts, releases quarantine.
        Supervisor = 2,
        /// Also defines master data and enrolls devices.
        Admin = 3,
        /// Reads everything, changes nothing.
        Auditor = 4,
    }
}

// ---------------------------------------------------------------------------------------
// Payload structs.
// ---------------------------------------------------------------------------------------

wire_struct! {
    /// Genesis (seq 1) of every device chain: the device was enrolled with this key.
    pub struct DeviceEnrolled {
        /// Facility (licence) the device is enrolled at.
        pub facility: String,
        /// Hardware serial number of the handheld.
        pub hardware_serial: String,
        /// SHA-256 of the one-time enrollment token a supervisor issued.
        pub enrollment_token_sha256: Sha256Hash,
        /// The device's previous public key when it re-enrolls (after a reinstall or a restore).
        pub previous_device: Option<DeviceId>,
    }
}

wire_struct! {
    /// A device key was revoked (admin event).
    pub struct DeviceRevoked {
        /// The revoked device.
        pub device: DeviceId,
        /// Why, for the record.
        pub reason: String,
    }
}

wire_struct! {
    /// A user signed in on the device.
    pub struct UserSignedIn {
        /// Badge id.
        pub badge: String,
        /// Why they signed in.
        pub purpose: SignInPurpose,
    }
}

wire_struct! {
    /// A user signed out (or was signed out).
    pub struct UserSignedOut {
        /// Badge id.
        pub badge: String,
    }
}

wire_struct! {
    /// A badge was locked out after too many wrong PINs on this device (the actor is the badge
    /// that was tried). Sign-in with it is refused until `locked_until_unix_ms` or until a
    /// supervisor unlocks it ([`UserUnlocked`]).
    pub struct UserLockedOut {
        /// Badge id that was tried (known or not: the lockout looks the same either way).
        pub badge: String,
        /// Wrong PINs in a row that led to the lockout.
        pub failed_attempts: u32,
        /// End of the lockout, facility (device wall) time, ms since 1970-01-01T00:00:00Z.
        pub locked_until_unix_ms: i64,
    }
}

wire_struct! {
    /// A supervisor lifted a badge's lockout (the actor is the supervisor).
    pub struct UserUnlocked {
        /// Badge id unlocked.
        pub badge: String,
    }
}

wire_struct! {
    /// A supervisor re-anchored this device to its ledger after the ledger was restored from
    /// a backup (the actor is the supervisor). The device held a checkpoint the restored log
    /// does not extend; from this event on it accepts the restored log's checkpoint as its new
    /// anchor and pushes again what the ledger lost. Never recorded automatically
    /// (docs/LEDGER.md, "A ledger restored from a backup").
    pub struct LedgerReanchored {
        /// The log's origin.
        pub origin: String,
        /// Size of the newest checkpoint the device held.
        pub held_size: u64,
        /// Its root hash.
        pub held_root: Sha256Hash,
        /// Size of the restored log's checkpoint accepted as the new anchor.
        pub new_size: u64,
        /// Its root hash.
        pub new_root: Sha256Hash,
        /// Why, in the supervisor's words.
        pub reason: String,
    }
}

wire_struct! {
    /// A supervisor re-bootstrapped this device's view of the facility after its ledger's
    /// stream of facility deltas stopped matching what the device had folded (a ledger restored
    /// from a backup renumbered it; the actor is the supervisor). From this event on the device
    /// forgets what it folded from other devices and pulls the whole stream again from
    /// position 0, every page proved in the log; its own events and outbox stay. Never
    /// recorded automatically (docs/SYNC.md, "Re-bootstrapping").
    pub struct DeviceRebootstrapped {
        /// The log's origin.
        pub origin: String,
        /// The ledger cursor the device had folded up to.
        pub cursor: u64,
        /// The stream length the ledger served when it was refused.
        pub served_size: u64,
        /// Why, in the supervisor's words.
        pub reason: String,
    }
}

wire_struct! {
    /// A barcode or RFID scan, exactly as read.
    pub struct ScanRecorded {
        /// The bytes the scanner sent, unchanged.
        pub raw: Bytes,
        /// Which input path.
        pub source: ScanSource,
        /// The reader's identity (e.g. its profile id or serial).
        pub reader: String,
        /// AIM symbology identifier when the scanner sent one (`]C1`, `]d2`...).
        pub symbology: Option<String>,
        /// The package UID the scan decoded to, if any.
        pub decoded_uid: Option<String>,
    }
}

wire_struct! {
    /// One tag seen during an RFID sweep.
    pub struct RfidTagRead {
        /// The EPC bank as read.
        pub epc: Bytes,
        /// The package UID it decodes to, if any.
        pub decoded_uid: Option<String>,
    }
}

wire_struct! {
    /// An RFID sweep: the tags seen, at most 1,024 per event (a longer sweep is recorded as
    /// several events in one action).
    pub struct RfidSweepRecorded {
        /// The reader's identity.
        pub reader: String,
        /// Where the sweep was made, if known.
        pub location: Option<String>,
        /// Tags seen, each once.
        pub tags: Vec<RfidTagRead>,
    }
}

wire_struct! {
    /// A scale reading, recorded exactly as the scale gave it.
    pub struct WeightRecorded {
        /// Scale identity (serial from MT-SICS `I4` or the register's asset tag).
        pub scale_id: String,
        /// The value as printed, e.g. `"12.34"`.
        pub value: String,
        /// Its unit.
        pub unit: MassUnit,
        /// Net or gross.
        pub mode: WeighMode,
        /// Tare as printed, in `unit`, if the scale reported one.
        pub tare: Option<String>,
        /// Whether the scale reported the reading stable.
        pub stable: bool,
        /// The scale's division d as printed, in `unit`.
        pub division: String,
        /// The package weighed, if any.
        pub uid: Option<String>,
    }
}

wire_struct! {
    /// A known check weight was weighed to check a scale's calibration.
    pub struct ScaleCalibrationChecked {
        /// Scale identity.
        pub scale_id: String,
        /// The reference weight's nominal value as written on it.
        pub reference_value: String,
        /// Unit of the reference.
        pub reference_unit: MassUnit,
        /// The reading as printed.
        pub reading_value: String,
        /// Unit of the reading.
        pub reading_unit: MassUnit,
        /// Within tolerance or not.
        pub result: CheckResult,
    }
}

wire_struct! {
    /// An inbound manifest line was received (accepted).
    pub struct ManifestLineReceived {
        /// Inbound manifest id.
        pub manifest_id: String,
        /// Package UID.
        pub uid: String,
        /// Quantity received.
        pub quantity: Quantity,
        /// Net weight measured, in milligrams, if weighed.
        pub measured_mg: Option<u64>,
    }
}

wire_struct! {
    /// An inbound manifest line was rejected.
    pub struct ManifestLineRejected {
        /// Inbound manifest id.
        pub manifest_id: String,
        /// Package UID.
        pub uid: String,
        /// Reason code.
        pub reason_code: String,
        /// Free text for the record.
        pub note: String,
    }
}

wire_struct! {
    /// Receiving of an inbound manifest was closed.
    pub struct ManifestClosed {
        /// Inbound manifest id.
        pub manifest_id: String,
        /// UIDs on the manifest that never arrived.
        pub missing_uids: Vec<String>,
        /// UIDs scanned that are not on the manifest.
        pub unexpected_uids: Vec<String>,
    }
}

wire_struct! {
    /// A package was put in quarantine.
    pub struct PackageQuarantined {
        /// Package UID.
        pub uid: String,
        /// Reason code.
        pub reason_code: String,
        /// Free text.
        pub note: String,
        /// Quarantine location it went to, if moved.
        pub location: Option<String>,
    }
}

wire_struct! {
    /// A package was released from quarantine or hold.
    pub struct PackageReleased {
        /// Package UID.
        pub uid: String,
        /// Reason code.
        pub reason_code: String,
        /// Free text.
        pub note: String,
    }
}

wire_struct! {
    /// A package was moved.
    pub struct PackageMoved {
        /// Package UID.
        pub uid: String,
        /// Location it left.
        pub from_location: String,
        /// Location it went to.
        pub to_location: String,
    }
}

wire_struct! {
    /// Part of a package was split off into a new tagged package.
    pub struct PackageSplit {
        /// The package split.
        pub source_uid: String,
        /// The new package's tag.
        pub new_uid: String,
        /// How much went into the new package.
        pub quantity: Quantity,
    }
}

wire_struct! {
    /// A pick list line was picked into a tote.
    pub struct PickRecorded {
        /// Pick list id.
        pub pick_list_id: String,
        /// Line number on the pick list.
        pub line: u32,
        /// Package picked.
        pub uid: String,
        /// Quantity taken.
        pub quantity: Quantity,
        /// Tote it went into.
        pub tote_id: String,
    }
}

wire_struct! {
    /// A pick list line was short-picked.
    pub struct PickShorted {
        /// Pick list id.
        pub pick_list_id: String,
        /// Line number.
        pub line: u32,
        /// Quantity missing.
        pub short: Quantity,
        /// Reason code.
        pub reason_code: String,
    }
}

wire_struct! {
    /// A tote was staged for a route.
    pub struct ToteStaged {
        /// Tote id.
        pub tote_id: String,
        /// Route id.
        pub route_id: String,
        /// Staging lane location.
        pub location: String,
    }
}

wire_struct! {
    /// A line where what was staged differs from the outbound manifest.
    pub struct LoadingMismatch {
        /// Package UID.
        pub uid: String,
        /// Quantity on the manifest.
        pub expected: Quantity,
        /// Quantity staged.
        pub staged: Quantity,
    }
}

wire_struct! {
    /// Staged packages were reconciled against an outbound manifest before loading.
    pub struct LoadingReconciled {
        /// Outbound manifest id.
        pub manifest_id: String,
        /// Pass only when exact: every UID, no extra, units and weights equal.
        pub result: CheckResult,
        /// UIDs on the manifest not staged.
        pub missing_uids: Vec<String>,
        /// UIDs staged not on the manifest.
        pub extra_uids: Vec<String>,
        /// Lines whose quantity differs.
        pub mismatches: Vec<LoadingMismatch>,
    }
}

wire_struct! {
    /// A blind count was started.
    pub struct CountStarted {
        /// Count task id.
        pub count_task_id: String,
        /// Round: 1 for the first count, 2 and up for recounts.
        pub round: u8,
    }
}

wire_struct! {
    /// One package found during a blind count.
    pub struct CountLineRecorded {
        /// Count task id.
        pub count_task_id: String,
        /// Round.
        pub round: u8,
        /// Where it was found.
        pub location: String,
        /// Package UID.
        pub uid: String,
        /// Quantity counted or weighed.
        pub quantity: Quantity,
    }
}

wire_struct! {
    /// A count round was submitted.
    pub struct CountSubmitted {
        /// Count task id.
        pub count_task_id: String,
        /// Round.
        pub round: u8,
        /// Lines recorded in this round.
        pub lines: u32,
    }
}

wire_struct! {
    /// Lines to count again (which ones, never by how much).
    pub struct RecountRequested {
        /// Count task id.
        pub count_task_id: String,
        /// Next round number.
        pub round: u8,
        /// Packages to recount.
        pub uids: Vec<String>,
        /// Whether the facility requires another counter.
        pub by_another_counter: bool,
    }
}

wire_struct! {
    /// A supervisor closed the review of a count.
    pub struct CountClosed {
        /// Count task id.
        pub count_task_id: String,
    }
}

wire_struct! {
    /// An inventory adjustment was approved.
    pub struct AdjustmentApproved {
        /// Package UID.
        pub uid: String,
        /// Quantity on record before.
        pub from: Quantity,
        /// Quantity on record after.
        pub to: Quantity,
        /// Reason code (scale variance, entry error, damage, theft, waste, drying...).
        pub reason_code: String,
        /// Badge of the approving supervisor (never the counter).
        pub approver: String,
        /// The count that led to it, if any.
        pub count_task_id: Option<String>,
    }
}

wire_struct! {
    /// A package was destroyed under protocol.
    pub struct DestructionRecorded {
        /// Package UID.
        pub uid: String,
        /// Exact quantity destroyed.
        pub quantity: Quantity,
        /// Seq of the stable weight reading on this device, if weighed.
        pub weight_event_seq: Option<u64>,
        /// Reason code.
        pub reason_code: String,
        /// Method (e.g. "mixed with 50% waste, landfill").
        pub method: String,
        /// Badge of the witness (never the actor).
        pub witness: String,
    }
}

wire_struct! {
    /// A package's label was checked against its batch and COA.
    pub struct LabelChecked {
        /// Package UID.
        pub uid: String,
        /// Batch id on the label.
        pub batch_id: String,
        /// Whether a COA was on file.
        pub coa_present: bool,
        /// Overall result.
        pub result: CheckResult,
        /// What did not match (e.g. "THC potency 23.4% on label, 21.0% on COA").
        pub findings: Vec<String>,
    }
}

wire_struct! {
    /// An investigation was opened.
    pub struct InvestigationOpened {
        /// Investigation id.
        pub investigation_id: String,
        /// Packages concerned.
        pub uids: Vec<String>,
        /// Reason code.
        pub reason_code: String,
        /// Free text.
        pub note: String,
        /// The count that led to it, if any.
        pub count_task_id: Option<String>,
    }
}

wire_struct! {
    /// An investigation was closed.
    pub struct InvestigationClosed {
        /// Investigation id.
        pub investigation_id: String,
        /// Outcome reason code.
        pub outcome_code: String,
        /// Free text.
        pub note: String,
    }
}

wire_struct! {
    /// A reference to one event of one device, pinned by its record hash.
    pub struct EventRef {
        /// Device that recorded it.
        pub device: DeviceId,
        /// Its seq.
        pub seq: u64,
        /// SHA-256 of its whole signed record.
        pub record_sha256: Sha256Hash,
    }
}

wire_struct! {
    /// An earlier event is void (events are never edited; a correction is a void plus a new event).
    pub struct EventVoided {
        /// The event voided.
        pub target: EventRef,
        /// Reason code.
        pub reason_code: String,
        /// Free text.
        pub note: String,
    }
}

wire_struct! {
    /// Facility settings (admin event; the latest one wins).
    pub struct FacilitySettingsDefined {
        /// Facility id.
        pub facility_id: String,
        /// Display name.
        pub name: String,
        /// State licence number.
        pub license_number: String,
        /// IANA time zone, e.g. `America/Denver`.
        pub time_zone: String,
        /// Receiving weight tolerance per package, in milligrams.
        pub receiving_tolerance_mg: u64,
        /// Count tolerance for weighed items, in milligrams.
        pub count_tolerance_mg: u64,
        /// Count tolerance for counted items, in units.
        pub count_tolerance_units: u64,
        /// Whether a recount must be done by another counter.
        pub recount_by_another: bool,
    }
}

wire_struct! {
    /// A manifest line accepted at a quantity or weight different from the manifest, and why.
    /// Recorded in the same action as the line's `manifest_line_received` (which carries the
    /// quantity received); this record keeps the manifest's quantity beside it and the reason
    /// code, as the discrepancy is keyed into the state system.
    pub struct ReceiptDifferenceNoted {
        /// Inbound manifest id.
        pub manifest_id: String,
        /// Package UID.
        pub uid: String,
        /// Quantity on the manifest.
        pub manifest_quantity: Quantity,
        /// Quantity received.
        pub received_quantity: Quantity,
        /// Reason code.
        pub reason_code: String,
        /// Free text.
        pub note: String,
    }
}

wire_struct! {
    /// A supervisor settled a package the replica flagged in conflict (this device changed it
    /// and the ledger's order put another device's change to it in between): having checked
    /// the package itself, they state where it is, what it holds and its status, with a reason
    /// code. The package becomes exactly that (an absolute statement, so every replica folds
    /// it to the same package whichever order it saw the conflicting events in) and its
    /// conflicts up to `through_ledger_index` are settled.
    pub struct ConflictSettled {
        /// Package UID.
        pub uid: String,
        /// The quantity the supervisor found.
        pub quantity: Quantity,
        /// Where the package is.
        pub location_id: String,
        /// Its status.
        pub status: PackageStatus,
        /// Reason code (an adjustment reason).
        pub reason_code: String,
        /// The ledger index of the last conflicting event the supervisor saw.
        pub through_ledger_index: u64,
    }
}

wire_struct! {
    /// An RFID sweep during a blind count, filed under the count task and round it belongs to
    /// (a `RfidSweepRecorded` named only the location, so a counter with two tasks open at one
    /// location could not tell which one it was for): the tags seen at `location`, at most
    /// 1,024 per event (a longer sweep is recorded as several events in one action). The
    /// counter then enters each package's quantity with a `CountLineRecorded`.
    pub struct CountSweepRecorded {
        /// The count task the sweep belongs to.
        pub count_task_id: String,
        /// The round being counted.
        pub round: u8,
        /// The reader's identity.
        pub reader: String,
        /// The counted location the sweep was made at.
        pub location: String,
        /// Tags seen, each once.
        pub tags: Vec<RfidTagRead>,
    }
}

wire_struct! {
    /// The state traceability system of a facility (admin event; the latest one wins). Its
    /// devices read scans as that system's tags only: a Metrc site never reads a 16-digit
    /// number as a BioTrack id.
    pub struct FacilityStateSystemDefined {
        /// Facility id.
        pub facility_id: String,
        /// The state system.
        pub state_system: StateSystem,
    }
}

wire_struct! {
    /// A storage location (admin event).
    pub struct LocationDefined {
        /// Location id (as printed on its barcode).
        pub location_id: String,
        /// Display name.
        pub name: String,
        /// Kind of location. Shown as `location_kind` in JSON and text views: `kind` there
        /// names the payload kind.
        #[serde(rename = "location_kind")]
        pub kind: LocationKind,
        /// Whether sellable stock may be stored there.
        pub sellable: bool,
        /// Enclosing location, if any.
        pub parent: Option<String>,
    }
}

wire_struct! {
    /// An item / SKU (admin event).
    pub struct ItemDefined {
        /// Item id.
        pub item_id: String,
        /// SKU.
        pub sku: String,
        /// Display name.
        pub name: String,
        /// Category.
        pub category: ItemCategory,
        /// Counted or weighed.
        pub unit_of_measure: UnitOfMeasure,
        /// GTIN printed on its packaging, if any.
        pub gtin: Option<String>,
        /// Whether manifest weights of this item are net.
        pub manifest_weight_is_net: bool,
        /// Standard tare of its container in milligrams, if known.
        pub tare_mg: Option<u64>,
    }
}

wire_struct! {
    /// A batch / lot and its COA (admin event).
    pub struct BatchDefined {
        /// Batch id.
        pub batch_id: String,
        /// Item id.
        pub item_id: String,
        /// Lot as printed on labels.
        pub lot: String,
        /// COA status.
        pub coa_status: CoaStatus,
        /// Expiry date, if any.
        pub expiry: Option<Date>,
        /// THC potency in basis points (1/100 of a percent), if tested.
        pub thc_bp: Option<u32>,
        /// CBD potency in basis points, if tested.
        pub cbd_bp: Option<u32>,
    }
}

wire_struct! {
    /// A package known to the facility (admin event).
    pub struct PackageRegistered {
        /// Package UID (tag).
        pub uid: String,
        /// Item id.
        pub item_id: String,
        /// Batch id.
        pub batch_id: String,
        /// Quantity on record.
        pub quantity: Quantity,
        /// Location id.
        pub location_id: String,
        /// Status.
        pub status: PackageStatus,
    }
}

wire_struct! {
    /// One line of a manifest.
    pub struct ManifestLine {
        /// Package UID.
        pub uid: String,
        /// Item id.
        pub item_id: String,
        /// Quantity.
        pub quantity: Quantity,
        /// Weight on the manifest in milligrams, if given.
        pub weight_mg: Option<u64>,
    }
}

wire_struct! {
    /// An inbound manifest (admin event).
    pub struct InboundManifestIssued {
        /// Manifest id.
        pub manifest_id: String,
        /// Origin licence number.
        pub origin_license: String,
        /// Destination licence number.
        pub destination_license: String,
        /// Driver name.
        pub driver: String,
        /// Vehicle (plate).
        pub vehicle: String,
        /// Lines.
        pub lines: Vec<ManifestLine>,
    }
}

wire_struct! {
    /// An outbound manifest (admin event).
    pub struct OutboundManifestIssued {
        /// Manifest id.
        pub manifest_id: String,
        /// Origin licence number.
        pub origin_license: String,
        /// Destination licence number.
        pub destination_license: String,
        /// Route id.
        pub route_id: String,
        /// Driver name.
        pub driver: String,
        /// Vehicle (plate).
        pub vehicle: String,
        /// Lines.
        pub lines: Vec<ManifestLine>,
    }
}

wire_struct! {
    /// One line of a pick list.
    pub struct PickListLine {
        /// Line number.
        pub line: u32,
        /// Item id.
        pub item_id: String,
        /// Quantity ordered.
        pub quantity: Quantity,
        /// A batch the order requires, if any (otherwise FEFO decides).
        pub batch_id: Option<String>,
    }
}

wire_struct! {
    /// A pick list (admin event).
    pub struct PickListIssued {
        /// Pick list id.
        pub pick_list_id: String,
        /// Dispensary order id.
        pub order_id: String,
        /// Route id.
        pub route_id: String,
        /// Lines.
        pub lines: Vec<PickListLine>,
    }
}

wire_struct! {
    /// A count task (admin event).
    pub struct CountTaskIssued {
        /// Count task id.
        pub count_task_id: String,
        /// Locations to count.
        pub locations: Vec<String>,
        /// Items to count (empty: everything there).
        pub items: Vec<String>,
        /// Badge the task is assigned to, if any.
        pub assigned_to: Option<String>,
    }
}

wire_struct! {
    /// A user (admin event).
    pub struct UserDefined {
        /// Badge id.
        pub badge: String,
        /// Name.
        pub name: String,
        /// Role.
        pub role: Role,
        /// PIN hash as old devices recorded it. Superseded by [`UserDefinedV2`] (no PIN
        /// material in the log): never used as a verifier, and shown as `"redacted"` in
        /// every JSON or text view.
        #[serde(serialize_with = "crate::pin::serialize_redacted")]
        pub pin_hash: String,
        /// Whether the user may sign in.
        pub active: bool,
    }
}

wire_struct! {
    /// A reason code (admin event).
    pub struct ReasonCodeDefined {
        /// Code.
        pub code: String,
        /// Description shown to users.
        pub description: String,
    }
}

wire_struct! {
    /// A scale in the register (admin event).
    pub struct ScaleRegistered {
        /// Scale id (asset tag).
        pub scale_id: String,
        /// Serial number.
        pub serial: String,
        /// Model.
        pub model: String,
        /// Division d as printed.
        pub division: String,
        /// Capacity as printed.
        pub capacity: String,
        /// Unit of division and capacity.
        pub unit: MassUnit,
        /// Calibration due date.
        pub calibration_due: Date,
    }
}

wire_struct! {
    /// A case was scanned while receiving an inbound manifest (before any decision on it).
    /// The first one of a manifest starts its receiving. Added for the replica's receiving
    /// workflow: `ScanRecorded` carries no manifest, so expected / unexpected / duplicate
    /// could not survive a restart of the device.
    pub struct PackageArrived {
        /// Inbound manifest id.
        pub manifest_id: String,
        /// Package UID scanned.
        pub uid: String,
        /// Whether the UID is on the manifest.
        pub on_manifest: bool,
    }
}

wire_struct! {
    /// A user (admin event), without any PIN material: PIN verifiers are master data outside
    /// the log (see [`crate::pin`]). Replaces [`UserDefined`] (kind 265).
    pub struct UserDefinedV2 {
        /// Badge id.
        pub badge: String,
        /// Name.
        pub name: String,
        /// Role.
        pub role: Role,
        /// Whether the user may sign in.
        pub active: bool,
    }
}

wire_struct! {
    /// More lines of an inbound or outbound manifest than its `*_manifest_issued` event holds
    /// (at most 400 lines per event): the manifest is issued with its first lines, and each
    /// continuation adds the next ones, in order. The fold adds them to the manifest.
    pub struct ManifestLinesAdded {
        /// The manifest, issued earlier.
        pub manifest_id: String,
        /// Whether it is an outbound manifest (else inbound).
        pub outbound: bool,
        /// The next lines.
        pub lines: Vec<ManifestLine>,
    }
}

wire_enum! {
    /// Which kind of task a `task_lines_added` event continues.
    pub enum ContinuedTask {
        /// A pick list (`pick_list_issued`).
        PickList = 1,
        /// A count task (`count_task_issued`).
        CountTask = 2,
    }
}

wire_struct! {
    /// More of a pick list (lines, at most 200 per event) or of a count task (locations and
    /// items, at most 250 each per event) than its issuing event holds. Only the lists of the
    /// task's kind may hold anything.
    pub struct TaskLinesAdded {
        /// Pick list or count task.
        pub task: ContinuedTask,
        /// Its id, issued earlier.
        pub task_id: String,
        /// Next pick list lines (pick lists only).
        pub pick_lines: Vec<PickListLine>,
        /// Next locations to count (count tasks only).
        pub locations: Vec<String>,
        /// Next items to count (count tasks only).
        pub items: Vec<String>,
    }
}

/// A payload kind this version of tally does not know (added by a newer version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownPayload {
    /// The kind number.
    pub code: u16,
    /// The payload bytes, kept as they are.
    pub bytes: Bytes,
}

macro_rules! payloads {
    ( $( $code:literal => $variant:ident ( $ty:ident ) ),* $(,)? ) => {
        /// What an event records. Serialized to JSON with a `"kind"` field in snake case.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Payload {
            $(
                #[doc = concat!("Kind ", stringify!($code), ": see [`", stringify!($ty), "`].")]
                $variant($ty),
            )*
            /// A kind this version does not know; shown as unknown, never rejected.
            Unknown(UnknownPayload),
        }

        impl Payload {
            /// The largest payload of kind `kind` (every field at its limit), `None` for a
            /// kind this version does not know.
            pub fn largest(kind: u16) -> Option<Payload> {
                match kind {
                    $( $code => Some(Payload::$variant(
                        <$ty as $crate::limits::Largest>::largest("", ""),
                    )), )*
                    _ => None,
                }
            }
        }

        /// The registry: every known kind number and its name. Append-only.
        pub const KINDS: &[(u16, &str)] = &[ $( ($code, stringify!($variant)) ),* ];

        impl Payload {
            /// The kind number.
            pub fn kind(&self) -> u16 {
                match self {
                    $( Payload::$variant(_) => $code, )*
                    Payload::Unknown(unknown) => unknown.code,
                }
            }

            /// Encodes the payload body (without kind or length).
            pub fn encode_body(&self) -> Result<Vec<u8>, EncodeError> {
                let mut out = Vec::new();
                match self {
                    $( Payload::$variant(value) => {
                        value.check_limits().map_err(|over| EncodeError::FieldOverLimit {
                            field: over.field,
                            len: over.len,
                            max: over.max,
                        })?;
                        value.encode(&mut out)?
                    } )*
                    Payload::Unknown(unknown) => {
                        // A known kind travels as unknown only when its bytes hold an enum code
                        // this version does not know (see [`Payload::decode`]); anything this
                        // version can read must be encoded from its typed value.
                        if is_known_kind(unknown.code)
                            && !matches!(
                                Payload::decode(unknown.code, &unknown.bytes.0),
                                Ok(Payload::Unknown(_))
                            )
                        {
                            return Err(EncodeError::KnownKindAsUnknown { kind: unknown.code });
                        }
                        out.extend_from_slice(&unknown.bytes.0);
                    }
                }
                Ok(out)
            }

            /// Decodes a payload body of kind `kind`. Unknown kinds become
            /// [`Payload::Unknown`], and so does a known kind whose bytes hold an enum code this
            /// version does not know (a newer version appended it): the whole payload is kept
            /// as its bytes, so re-encoding gives them back exactly. A known kind must otherwise
            /// be well formed and use every byte.
            pub fn decode(kind: u16, body: &[u8]) -> Result<Payload, DecodeError> {
                let unknown = || Payload::Unknown(UnknownPayload {
                    code: kind,
                    bytes: Bytes(body.to_vec()),
                });
                let mut reader = Reader::new(body);
                let decoded = match kind {
                    $( $code => $ty::decode(&mut reader).and_then(|value| {
                        value.check_limits().map_err(|over| DecodeError::FieldOverLimit {
                            field: over.field,
                            len: over.len,
                            max: over.max,
                        })?;
                        Ok(Payload::$variant(value))
                    }), )*
                    _ => return Ok(unknown()),
                };
                match decoded {
                    Ok(payload) => {
                        reader.finish()?;
                        Ok(payload)
                    }
                    Err(DecodeError::UnknownCode { .. }) => Ok(unknown()),
                    Err(e) => Err(e),
                }
            }

            /// Whether this is a kind this version knows, recorded with an enum code it does
            /// not know: readable as bytes only, never folded into a view.
            pub fn has_newer_code(&self) -> bool {
                matches!(self, Payload::Unknown(unknown) if is_known_kind(unknown.code))
            }
        }
    };
}

payloads! {
    // Device and users.
    1 => DeviceEnrolled(DeviceEnrolled),
    2 => UserSignedIn(UserSignedIn),
    3 => UserSignedOut(UserSignedOut),
    // Added by the PIN branch (additive).
    4 => UserLockedOut(UserLockedOut),
    5 => UserUnlocked(UserUnlocked),
    // Added by the sync daemon (additive).
    6 => LedgerReanchored(LedgerReanchored),
    // Scans and weights.
    16 => ScanRecorded(ScanRecorded),
    17 => RfidSweepRecorded(RfidSweepRecorded),
    18 => WeightRecorded(WeightRecorded),
    19 => ScaleCalibrationChecked(ScaleCalibrationChecked),
    // Receiving.
    32 => ManifestLineReceived(ManifestLineReceived),
    33 => ManifestLineRejected(ManifestLineRejected),
    34 => ManifestClosed(ManifestClosed),
    35 => LabelChecked(LabelChecked),
    // Package state.
    48 => PackageQuarantined(PackageQuarantined),
    49 => PackageReleased(PackageReleased),
    50 => PackageMoved(PackageMoved),
    51 => PackageSplit(PackageSplit),
    // Picking and loading.
    64 => PickRecorded(PickRecorded),
    65 => PickShorted(PickShorted),
    66 => ToteStaged(ToteStaged),
    67 => LoadingReconciled(LoadingReconciled),
    // Counts and adjustments.
    80 => CountStarted(CountStarted),
    81 => CountLineRecorded(CountLineRecorded),
    82 => CountSubmitted(CountSubmitted),
    83 => RecountRequested(RecountRequested),
    84 => CountClosed(CountClosed),
    85 => AdjustmentApproved(AdjustmentApproved),
    // Destruction, investigations, corrections.
    96 => DestructionRecorded(DestructionRecorded),
    97 => InvestigationOpened(InvestigationOpened),
    98 => InvestigationClosed(InvestigationClosed),
    99 => EventVoided(EventVoided),
    // Master data (admin events).
    256 => FacilitySettingsDefined(FacilitySettingsDefined),
    257 => LocationDefined(LocationDefined),
    258 => ItemDefined(ItemDefined),
    259 => BatchDefined(BatchDefined),
    260 => PackageRegistered(PackageRegistered),
    261 => InboundManifestIssued(InboundManifestIssued),
    262 => OutboundManifestIssued(OutboundManifestIssued),
    263 => PickListIssued(PickListIssued),
    264 => CountTaskIssued(CountTaskIssued),
    265 => UserDefined(UserDefined),
    266 => ReasonCodeDefined(ReasonCodeDefined),
    267 => ScaleRegistered(ScaleRegistered),
    268 => DeviceRevoked(DeviceRevoked),
    // Added by the replica branch (additive).
    269 => PackageArrived(PackageArrived),
    // Added by the PIN branch (additive): a user without PIN material.
    270 => UserDefinedV2(UserDefinedV2),
    // Added by the logs branch: continuations of master-data lists too long for one record.
    273 => ManifestLinesAdded(ManifestLinesAdded),
    274 => TaskLinesAdded(TaskLinesAdded),
    // Added by the seam branch: the facility's state system.
    276 => FacilityStateSystemDefined(FacilityStateSystemDefined),
    // Added by the app-receive branch: a line accepted at another quantity, with its reason.
    277 => ReceiptDifferenceNoted(ReceiptDifferenceNoted),
    // Added by the app-count branch: a supervisor's settlement of a package in conflict.
    278 => ConflictSettled(ConflictSettled),
    // Added by the sweep branch: a count sweep names its task and round.
    279 => CountSweepRecorded(CountSweepRecorded),
    // Added by the rebootstrap branch: a supervisor's re-bootstrap of the device's view.
    280 => DeviceRebootstrapped(DeviceRebootstrapped),
}

/// Payload kind of the genesis event.
pub const KIND_DEVICE_ENROLLED: u16 = 1;

/// Whether this version knows kind `kind`.
pub fn is_known_kind(kind: u16) -> bool {
    KINDS.iter().any(|(code, _)| *code == kind)
}

/// The snake-case name of kind `kind`, or `None` when unknown to this version.
pub fn kind_name(kind: u16) -> Option<String> {
    KINDS
        .iter()
        .find(|(code, _)| *code == kind)
        .map(|(_, name)| snake_case(name))
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (index, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if index > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

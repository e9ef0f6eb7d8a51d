//! The facts the replica folds: the meaning of each event payload the floor and the admin side
//! record, in the replica's own domain types (units in the type, weights in integer milligrams).
//!
//! A [`Fact`] is what [`crate::apply::apply`] consumes. Converting between facts and
//! `tally_events` payloads lives in [`crate::codec`], so that this module, the workflows and the
//! fold never depend on the byte encoding.

/// Unit of a package quantity: units (each) or milligrams of product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Counted in whole units.
    Each,
    /// Weighed, in milligrams.
    Mg,
}

impl Unit {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Each => "each",
            Unit::Mg => "mg",
        }
    }
    /// Parses the column value.
    pub fn parse(text: &str) -> Option<Unit> {
        match text {
            "each" => Some(Unit::Each),
            "mg" => Some(Unit::Mg),
            _ => None,
        }
    }
}

/// A quantity with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    /// Whole units or milligrams, as `unit` says.
    pub amount: i64,
    /// The unit of `amount`.
    pub unit: Unit,
}

/// Kind of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocationKind {
    /// A vault.
    Vault,
    /// A shelf or bin.
    ShelfBin,
    /// The quarantine cage.
    QuarantineCage,
    /// A staging lane at the dock.
    StagingLane,
    /// A vehicle.
    Vehicle,
}

impl LocationKind {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            LocationKind::Vault => "vault",
            LocationKind::ShelfBin => "shelf_bin",
            LocationKind::QuarantineCage => "quarantine_cage",
            LocationKind::StagingLane => "staging_lane",
            LocationKind::Vehicle => "vehicle",
        }
    }
    /// Parses the column value.
    pub fn parse(text: &str) -> Option<LocationKind> {
        Some(match text {
            "vault" => LocationKind::Vault,
            "shelf_bin" => LocationKind::ShelfBin,
            "quarantine_cage" => LocationKind::QuarantineCage,
            "staging_lane" => LocationKind::StagingLane,
            "vehicle" => LocationKind::Vehicle,
            _ => return None,
        })
    }
}

/// Status of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageStatus {
    /// Sellable.
    Active,
    /// On hold (investigation, count variance).
    OnHold,
    /// Quarantined (lab, label, weight, damage).
    Quarantined,
    /// On a vehicle.
    InTransit,
    /// Destroyed; permanent.
    Destroyed,
}

impl PackageStatus {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageStatus::Active => "active",
            PackageStatus::OnHold => "on_hold",
            PackageStatus::Quarantined => "quarantined",
            PackageStatus::InTransit => "in_transit",
            PackageStatus::Destroyed => "destroyed",
        }
    }
    /// Parses the column value.
    pub fn parse(text: &str) -> Option<PackageStatus> {
        Some(match text {
            "active" => PackageStatus::Active,
            "on_hold" => PackageStatus::OnHold,
            "quarantined" => PackageStatus::Quarantined,
            "in_transit" => PackageStatus::InTransit,
            "destroyed" => PackageStatus::Destroyed,
            _ => return None,
        })
    }
}

/// Lab result state of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoaStatus {
    /// Passed: sellable.
    Passed,
    /// Failed: never sellable.
    Failed,
    /// Sampled, result pending.
    Pending,
    /// No certificate on file.
    Missing,
}

impl CoaStatus {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            CoaStatus::Passed => "passed",
            CoaStatus::Failed => "failed",
            CoaStatus::Pending => "pending",
            CoaStatus::Missing => "missing",
        }
    }
    /// Parses the column value.
    pub fn parse(text: &str) -> Option<CoaStatus> {
        Some(match text {
            "passed" => CoaStatus::Passed,
            "failed" => CoaStatus::Failed,
            "pending" => CoaStatus::Pending,
            "missing" => CoaStatus::Missing,
            _ => return None,
        })
    }
}

/// Role of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Floor operator.
    Operator,
    /// Supervisor: approves adjustments, schedules counts.
    Supervisor,
    /// Administrator.
    Admin,
}

impl Role {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    /// Parses the column value.
    pub fn parse(text: &str) -> Option<Role> {
        Some(match text {
            "operator" => Role::Operator,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
}

/// A reading exactly as the scale gave it, plus its value converted once to milligrams.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScaleReading {
    /// Scale id in the register.
    pub scale_id: String,
    /// The decimal as the scale printed it, e.g. `"3.52"`.
    pub printed: String,
    /// The unit as printed (`g`, `kg`, `mg`, `oz`, `lb`, `ct`).
    pub unit: String,
    /// Whether the scale reported the reading stable.
    pub stable: bool,
    /// Whether the reading is net (tare subtracted by the scale).
    pub net: bool,
    /// The reading in milligrams (see [`crate::weight::to_milligrams`]).
    pub weight_mg: i64,
}

/// One expected line of an inbound manifest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InboundLine {
    /// Package tag.
    pub uid: String,
    /// Item id.
    pub item_id: String,
    /// Batch id.
    pub batch_id: String,
    /// Quantity shipped.
    pub quantity: Quantity,
    /// Manifest weight in milligrams.
    pub weight_mg: i64,
    /// Pallet the case travels on, if any.
    pub pallet: Option<String>,
}

/// One line of an outbound manifest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutboundLine {
    /// Package tag.
    pub uid: String,
    /// Item id.
    pub item_id: String,
    /// Quantity shipped.
    pub quantity: Quantity,
    /// Weight on the manifest, milligrams.
    pub weight_mg: i64,
}

/// One line of a pick list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PickLine {
    /// Line number, unique in the list.
    pub line_no: u32,
    /// Item to pick.
    pub item_id: String,
    /// Quantity to pick.
    pub quantity: Quantity,
    /// Whether first-expired-first-out is enforced for this line.
    pub fefo: bool,
    /// Earliest acceptable expiry date (`YYYY-MM-DD`), if the customer set one.
    pub min_expiry: Option<String>,
}

/// Everything the replica can learn from one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    // ---- master data, entered by signed admin events ----
    /// A facility exists.
    FacilityDefined {
        /// Facility id.
        id: String,
        /// Display name.
        name: String,
        /// State licence number.
        license: String,
        /// IANA time zone.
        time_zone: String,
    },
    /// Tolerances and rules of a facility.
    FacilitySettings {
        /// Facility id.
        facility_id: String,
        /// Absolute weight tolerance, mg.
        weight_tolerance_mg: i64,
        /// Relative weight tolerance, basis points of the expected weight.
        weight_tolerance_bp: i64,
        /// Count tolerance for unit-counted packages.
        count_tolerance_each: i64,
        /// Count tolerance for weighed packages, mg.
        count_tolerance_mg: i64,
        /// A recount must be done by a different counter.
        recount_by_another: bool,
        /// Recount rounds before a variance goes to review anyway.
        max_recounts: i64,
    },
    /// A location exists.
    LocationDefined {
        /// Location id (what its label scans as).
        id: String,
        /// Facility id.
        facility_id: String,
        /// Display name.
        name: String,
        /// Kind.
        kind: LocationKind,
        /// Whether sellable stock may be stored there.
        sellable: bool,
        /// Position on the picking walk.
        walk_order: i64,
    },
    /// An item (SKU) exists.
    ItemDefined {
        /// Item id.
        id: String,
        /// SKU.
        sku: String,
        /// Display name.
        name: String,
        /// Category (`flower`, `vape`, `concentrate`, `edible`, ...).
        category: String,
        /// Unit of measure.
        unit: Unit,
        /// Weight of one unit, mg (0 for weighed items).
        unit_weight_mg: i64,
        /// Whether manifest weights of this item are net.
        weight_is_net: bool,
        /// Tare of the container, mg.
        tare_mg: i64,
    },
    /// A batch and its lab result.
    BatchDefined {
        /// Batch id.
        id: String,
        /// Item id.
        item_id: String,
        /// Lot code printed on labels.
        lot: String,
        /// COA state.
        coa_status: CoaStatus,
        /// THC potency in basis points (23.45 % = 2345), when known.
        thc_bp: Option<i64>,
        /// Expiry date, `YYYY-MM-DD`.
        expires_on: String,
    },
    /// A package already in the facility (bootstrap, registered from the state system).
    PackageRegistered {
        /// Tag.
        uid: String,
        /// Item id.
        item_id: String,
        /// Batch id.
        batch_id: String,
        /// Quantity on record.
        quantity: Quantity,
        /// Gross weight on record, mg.
        weight_mg: i64,
        /// Location id.
        location_id: String,
        /// Status.
        status: PackageStatus,
    },
    /// An inbound manifest is expected.
    InboundManifestDefined {
        /// Manifest id.
        id: String,
        /// Facility id.
        facility_id: String,
        /// Origin licence.
        origin_license: String,
        /// Driver.
        driver: String,
        /// Vehicle.
        vehicle: String,
        /// Where received packages land.
        receive_location_id: String,
        /// Expected lines.
        lines: Vec<InboundLine>,
    },
    /// An outbound manifest.
    OutboundManifestDefined {
        /// Manifest id.
        id: String,
        /// Facility id.
        facility_id: String,
        /// Destination licence.
        destination_license: String,
        /// Route.
        route: String,
        /// The vehicle location, if assigned.
        vehicle_location_id: Option<String>,
        /// Lines.
        lines: Vec<OutboundLine>,
    },
    /// A pick list.
    PickListDefined {
        /// Pick list id.
        id: String,
        /// Order reference.
        order_ref: String,
        /// Route.
        route: String,
        /// Lines.
        lines: Vec<PickLine>,
    },
    /// A count task.
    CountTaskDefined {
        /// Task id.
        id: String,
        /// Facility id.
        facility_id: String,
        /// Locations to count.
        location_ids: Vec<String>,
        /// Items to count (empty: everything found).
        item_ids: Vec<String>,
    },
    /// A user.
    UserDefined {
        /// Badge id.
        badge: String,
        /// Name.
        name: String,
        /// Role.
        role: Role,
        /// PIN hash (never the PIN).
        pin_hash: String,
        /// Whether the user may sign in.
        active: bool,
    },
    /// A reason code.
    ReasonCodeDefined {
        /// Code.
        code: String,
        /// What it applies to (`adjustment`, `quarantine`, `reject`, `short`, `destruction`).
        kind: String,
        /// Label shown to people.
        label: String,
    },
    /// A scale in the register.
    ScaleDefined {
        /// Scale id (asset tag).
        id: String,
        /// Serial.
        serial: String,
        /// Division d, mg.
        division_mg: i64,
        /// Capacity, mg.
        capacity_mg: i64,
        /// Calibration due date.
        calibration_due: String,
    },

    // ---- floor actions ----
    /// The device was enrolled (genesis).
    DeviceEnrolled {
        /// Facility.
        facility_id: String,
        /// Hardware serial.
        serial: String,
    },
    /// A user signed in on this device.
    SignedIn {
        /// Badge id.
        badge: String,
    },
    /// Receiving of an inbound manifest started.
    ManifestOpened {
        /// Manifest id.
        manifest_id: String,
    },
    /// A package was scanned during receiving.
    PackageReceived {
        /// Manifest id.
        manifest_id: String,
        /// Tag.
        uid: String,
        /// Whether it was on the manifest.
        expected: bool,
    },
    /// A package was weighed against its manifest weight.
    WeightRecorded {
        /// Manifest id.
        manifest_id: String,
        /// Tag.
        uid: String,
        /// The reading.
        reading: ScaleReading,
        /// Whether it was within tolerance.
        within_tolerance: bool,
    },
    /// A label was checked against its batch and COA.
    LabelChecked {
        /// Manifest id.
        manifest_id: String,
        /// Tag.
        uid: String,
        /// Problems found, empty when the label matches.
        problems: Vec<String>,
    },
    /// A package was quarantined.
    PackageQuarantined {
        /// Tag.
        uid: String,
        /// Reason code.
        reason: String,
        /// Where it goes (the cage).
        location_id: String,
    },
    /// A package was released from quarantine or hold.
    PackageReleased {
        /// Tag.
        uid: String,
        /// Reason code.
        reason: String,
    },
    /// A receiving line was accepted or rejected.
    LineDecided {
        /// Manifest id.
        manifest_id: String,
        /// Tag.
        uid: String,
        /// Accepted (true) or rejected.
        accepted: bool,
        /// Reason code (rejections).
        reason: Option<String>,
    },
    /// Receiving finished.
    ManifestClosed {
        /// Manifest id.
        manifest_id: String,
        /// Expected UIDs never scanned.
        missing: Vec<String>,
        /// Scanned UIDs not on the manifest.
        unexpected: Vec<String>,
    },
    /// A package moved.
    PackageMoved {
        /// Tag.
        uid: String,
        /// From.
        from_location_id: Option<String>,
        /// To.
        to_location_id: String,
    },
    /// A pick.
    PickRecorded {
        /// Pick list.
        pick_list_id: String,
        /// Line.
        line_no: u32,
        /// Tag.
        uid: String,
        /// Quantity taken.
        quantity: Quantity,
        /// Tote it went into.
        tote_id: String,
    },
    /// A short on a pick line.
    PickShorted {
        /// Pick list.
        pick_list_id: String,
        /// Line.
        line_no: u32,
        /// Quantity not picked.
        quantity: Quantity,
        /// Reason code.
        reason: String,
    },
    /// A tote staged for a route.
    ToteStaged {
        /// Tote.
        tote_id: String,
        /// Route.
        route: String,
        /// Staging lane.
        location_id: String,
    },
    /// Loading reconciliation result.
    LoadReconciled {
        /// Outbound manifest.
        manifest_id: String,
        /// True when every UID, unit and weight matched exactly.
        exact: bool,
        /// Lines on the manifest not staged.
        missing: Vec<String>,
        /// Staged UIDs not on the manifest.
        extra: Vec<String>,
        /// UIDs whose unit count or weight does not match.
        mismatched: Vec<String>,
    },
    /// A count began (freezes the expected stock, hidden from the counter).
    CountStarted {
        /// Task.
        task_id: String,
        /// Round (1 = first count, 2.. = recounts).
        round: i64,
    },
    /// Packages found during a count (barcode: one; RFID sweep: many; no quantities yet).
    CountScanned {
        /// Task.
        task_id: String,
        /// Round.
        round: i64,
        /// Where.
        location_id: String,
        /// Tags found.
        uids: Vec<String>,
    },
    /// A quantity entered or weighed for a found package.
    CountQuantity {
        /// Task.
        task_id: String,
        /// Round.
        round: i64,
        /// Tag.
        uid: String,
        /// Quantity found.
        quantity: Quantity,
    },
    /// The counter submitted; the recount list (no quantities) was computed on the device.
    CountSubmitted {
        /// Task.
        task_id: String,
        /// Round.
        round: i64,
        /// UIDs that must be recounted; empty: ready for review.
        recount: Vec<String>,
    },
    /// A supervisor approved an adjustment from a count.
    AdjustmentApproved {
        /// Task.
        task_id: String,
        /// Tag.
        uid: String,
        /// New quantity on record.
        quantity: Quantity,
        /// Reason code.
        reason: String,
    },
    /// A supervisor closed the count (expected data visible again).
    CountClosed {
        /// Task.
        task_id: String,
    },
    /// A destruction under witness.
    DestructionRecorded {
        /// Tag.
        uid: String,
        /// The stable reading.
        reading: ScaleReading,
        /// Reason code.
        reason: String,
        /// The witness's badge (not the actor).
        witness: String,
    },
}

impl Fact {
    /// The package tags this fact touches (for lookup history and conflicts).
    pub fn uids(&self) -> Vec<&str> {
        match self {
            Fact::PackageRegistered { uid, .. }
            | Fact::PackageReceived { uid, .. }
            | Fact::WeightRecorded { uid, .. }
            | Fact::LabelChecked { uid, .. }
            | Fact::PackageQuarantined { uid, .. }
            | Fact::PackageReleased { uid, .. }
            | Fact::LineDecided { uid, .. }
            | Fact::PackageMoved { uid, .. }
            | Fact::PickRecorded { uid, .. }
            | Fact::CountQuantity { uid, .. }
            | Fact::AdjustmentApproved { uid, .. }
            | Fact::DestructionRecorded { uid, .. } => vec![uid.as_str()],
            Fact::CountScanned { uids, .. } => uids.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this fact changes the state of the packages it names (as opposed to only
    /// recording an observation about them). Only such facts can conflict.
    pub fn changes_packages(&self) -> bool {
        matches!(
            self,
            Fact::PackageQuarantined { .. }
                | Fact::PackageReleased { .. }
                | Fact::LineDecided { .. }
                | Fact::PackageMoved { .. }
                | Fact::PickRecorded { .. }
                | Fact::AdjustmentApproved { .. }
                | Fact::DestructionRecorded { .. }
        )
    }
}

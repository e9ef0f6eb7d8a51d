//! Every refusal of the core's catalogue ([`tally_replica::Refusal`]), each variant with values
//! of realistic length (24-character state tags, long location, task and lot names), and every
//! value of the enums a refusal's words depend on (statuses, actions, reason kinds, ...): for
//! tests that show refusals to a person and must prove the whole text fits where it is shown.
//! The exhaustive match in [`every_refusal`] stops compiling when a variant is added without
//! being listed here. Also every problem a label check names ([`every_label_problem`]), shown
//! inside 1 Receive's "label check failed" line.

use tally_events::payload::PackageStatus;
use tally_events::Quantity;
use tally_replica::refusal::{Action, Check, Decision, Many, ReasonKind};
use tally_replica::weight::{MassUnit, WeightError};
use tally_replica::workflow::receiving::LabelProblem;
use tally_replica::Refusal;

/// A badge.
pub const BADGE: &str = "B1000042";
/// Another badge.
pub const BADGE2: &str = "B1000077";
/// Something scanned that is no tag: a GS1 label with a long lot.
pub const SCAN: &str = "(01)09501101530003(10)LOT-2026-11-BD-0042";
/// A state tag (Metrc, 24 characters).
pub const UID: &str = "1A4FF0300000029000012345";
/// Another state tag.
pub const UID2: &str = "1A4FF0300000029000067890";
/// A location.
pub const LOCATION: &str = "VAULT-B-RACK-12-SHELF-04";
/// A manifest.
pub const MANIFEST: &str = "0004218876-INBOUND";
/// A scale.
pub const SCALE: &str = "SCALE-DOCK-02";
/// A reason code.
pub const CODE: &str = "DAMAGED-IN-TRANSIT";
/// A pick list.
pub const PICK_LIST: &str = "PL-2026-12-07-0042";
/// The item scanned in place of the line's.
pub const ITEM_FOUND: &str = "Blue Dream 3.5 g Jar";
/// The line's item.
pub const ITEM_WANTED: &str = "Gelato #41 3.5 g Jar";
/// A batch.
pub const BATCH: &str = "BD-2026-11-0042";
/// A lot.
pub const LOT: &str = "LOT-2026-11-BD-0042";
/// A count task.
pub const TASK: &str = "CNT-2026-12-07-0042";
/// A tote.
pub const TOTE: &str = "TOTE-0042";

fn s(text: &str) -> String {
    text.to_owned()
}

/// Every refusal, once per variant and once per value of the enums its words depend on.
pub fn every_refusal() -> Vec<Refusal> {
    let mut all = vec![
        Refusal::SignInRefused { badge: s(BADGE) },
        Refusal::BadgeLockedOut { badge: s(BADGE) },
        Refusal::NotLockedOut { badge: s(BADGE) },
        Refusal::UnlockOwnBadge { badge: s(BADGE) },
        Refusal::NotSupervisor { badge: s(BADGE) },
        Refusal::NotATag { scan: s(SCAN) },
        Refusal::UnknownPackage { uid: s(UID) },
        Refusal::UnknownLocation {
            location: s(LOCATION),
        },
        Refusal::NoQuarantineCage,
        Refusal::NotAStagingLane {
            location: s(LOCATION),
        },
        Refusal::UnknownManifest {
            manifest: s(MANIFEST),
        },
        Refusal::ManifestAlreadyClosed {
            manifest: s(MANIFEST),
        },
        Refusal::NotScanned {
            uid: s(UID),
            manifest: s(MANIFEST),
        },
        Refusal::NotOnManifest {
            uid: s(UID),
            manifest: s(MANIFEST),
        },
        Refusal::AlreadyDecided {
            uid: s(UID),
            decision: Decision::Adjusted,
        },
        Refusal::ArrivalHasRecords { uid: s(UID) },
        Refusal::FailedCheck {
            uid: s(UID),
            check: Check::Label,
        },
        Refusal::Undecided {
            manifest: s(MANIFEST),
            count: 2,
        },
        Refusal::NothingScanned,
        Refusal::NoManifestWeight { uid: s(UID) },
        Refusal::UnstableReading,
        Refusal::NotAWeight(WeightError::NotAMassUnit(s("PC"))),
        Refusal::UnitNotRecorded {
            unit: MassUnit::Ozt,
        },
        Refusal::NoWeight,
        Refusal::UnknownScale { scale: s(SCALE) },
        Refusal::CalibrationOverdue {
            scale: s(SCALE),
            due: s("2026-01-01"),
        },
        Refusal::CalibrationCheckFailed { scale: s(SCALE) },
        Refusal::DestructionWeightMismatch {
            uid: s(UID),
            measured: s("3.100 g"),
            expected: s("1.500 g"),
            tolerance: s("0.100 g"),
        },
        Refusal::GrossWithoutTare { uid: s(UID) },
        Refusal::UnknownReason {
            code: s(CODE),
            kind: ReasonKind::Short,
        },
        Refusal::QuarantinedIntoSellable {
            uid: s(UID),
            status: PackageStatus::Quarantined,
            location: s(LOCATION),
        },
        Refusal::WrongStatus {
            uid: s(UID),
            status: PackageStatus::OnHold,
            action: Action::Picked,
        },
        Refusal::AlreadyInTote { uid: s(UID) },
        Refusal::AlreadyThere {
            uid: s(UID),
            location: s(LOCATION),
        },
        Refusal::InConflict { uid: s(UID) },
        Refusal::NotInConflict { uid: s(UID) },
        Refusal::UnknownPickList {
            pick_list: s(PICK_LIST),
        },
        Refusal::LineComplete {
            pick_list: s(PICK_LIST),
            line_no: 1,
        },
        Refusal::WrongItem {
            uid: s(UID),
            found: s(ITEM_FOUND),
            wanted: s(ITEM_WANTED),
        },
        Refusal::NotFefo {
            uid: s(UID),
            take_uid: s(UID2),
            take_lot: s(LOT),
            take_expiry: s("2027-01-01"),
            take_location: s(LOCATION),
        },
        Refusal::NoPassedCoa {
            uid: s(UID),
            coa: s("pending"),
        },
        Refusal::Expired {
            uid: s(UID),
            expiry: s("2027-01-01"),
        },
        Refusal::BatchUnavailable { batch: s(BATCH) },
        Refusal::ScanTote,
        Refusal::ToteEmpty { tote: s(TOTE) },
        Refusal::ToteMixedRoutes { tote: s(TOTE) },
        Refusal::WrongUnit { weighed: true },
        Refusal::MoreThanLine {
            line_no: 1,
            remaining: Quantity::Milligrams(1_500),
        },
        Refusal::MoreThanPackage {
            uid: s(UID),
            available: Quantity::Units(3),
        },
        Refusal::ManifestNotExact {
            manifest: s(MANIFEST),
            missing: 1,
            extra: 0,
            mismatched: 2,
        },
        Refusal::UnknownCount { task: s(TASK) },
        Refusal::CountNotStarted { task: s(TASK) },
        Refusal::CountUnavailable { task: s(TASK) },
        Refusal::TooManyRounds { task: s(TASK) },
        Refusal::NotInReview { task: s(TASK) },
        Refusal::VariancesOpen {
            task: s(TASK),
            open: 2,
        },
        Refusal::NotInCount {
            location: s(LOCATION),
            task: s(TASK),
        },
        Refusal::NotFoundInCount { uid: s(UID) },
        Refusal::QuantitiesMissing { count: 2 },
        Refusal::WeighIt { uid: s(UID) },
        Refusal::CountIt { uid: s(UID) },
        Refusal::NoVariance { uid: s(UID) },
        Refusal::RecountBySameCounter { badge: s(BADGE) },
        Refusal::NotTheCounter {
            task: s(TASK),
            counter: s(BADGE2),
        },
        Refusal::ApproverIsCounter { badge: s(BADGE) },
        Refusal::WitnessIsActor { badge: s(BADGE) },
        Refusal::MethodRequired,
        Refusal::ReasonRequired {
            kind: ReasonKind::Release,
        },
        Refusal::ReleaseWithoutPassedCoa {
            uid: s(UID),
            batch: s(LOT),
            coa: s("failed"),
        },
        Refusal::WrongStatus {
            uid: s(UID),
            status: PackageStatus::Destroyed,
            action: Action::Released,
        },
        Refusal::UnknownReason {
            code: s(CODE),
            kind: ReasonKind::Release,
        },
        Refusal::CountInProgress { task: s(TASK) },
        Refusal::UnderCount {
            location: s(LOCATION),
            action: Action::Moved,
        },
        Refusal::UnderCount {
            location: s(LOCATION),
            action: Action::Picked,
        },
        Refusal::TooMany {
            max: 9,
            what: Many::TagsInSweep,
        },
        Refusal::DeviceForked { seq: 17 },
    ];
    for status in STATUSES {
        for action in ACTIONS {
            all.push(Refusal::WrongStatus {
                uid: s(UID),
                status,
                action,
            });
        }
        all.push(Refusal::QuarantinedIntoSellable {
            uid: s(UID),
            status,
            location: s(LOCATION),
        });
    }
    for action in ACTIONS {
        all.push(Refusal::UnderCount {
            location: s(LOCATION),
            action,
        });
    }
    for kind in REASON_KINDS {
        all.push(Refusal::UnknownReason {
            code: s(CODE),
            kind,
        });
        all.push(Refusal::ReasonRequired { kind });
    }
    for decision in [Decision::Accepted, Decision::Rejected, Decision::Adjusted] {
        all.push(Refusal::AlreadyDecided {
            uid: s(UID),
            decision,
        });
    }
    all.push(Refusal::FailedCheck {
        uid: s(UID),
        check: Check::Weight,
    });
    all.push(Refusal::TooMany {
        max: 10_000,
        what: Many::PackagesInQuarantine,
    });
    all.push(Refusal::WrongUnit { weighed: false });
    for unit in MassUnit::ALL {
        all.push(Refusal::UnitNotRecorded { unit });
    }
    all.push(Refusal::NotAWeight(WeightError::NotANumber(s("12.3.4"))));
    all.push(Refusal::NotAWeight(WeightError::TooLong(s(
        "123456789012345678901",
    ))));
    all.push(Refusal::MoreThanLine {
        line_no: 12,
        remaining: Quantity::Units(24),
    });
    for r in &all {
        // Exhaustiveness guard: adding a variant breaks this match until it is listed above.
        match r {
            Refusal::SignInRefused { .. }
            | Refusal::BadgeLockedOut { .. }
            | Refusal::NotLockedOut { .. }
            | Refusal::UnlockOwnBadge { .. }
            | Refusal::NotSupervisor { .. }
            | Refusal::NotATag { .. }
            | Refusal::UnknownPackage { .. }
            | Refusal::UnknownLocation { .. }
            | Refusal::NoQuarantineCage
            | Refusal::NotAStagingLane { .. }
            | Refusal::UnknownManifest { .. }
            | Refusal::ManifestAlreadyClosed { .. }
            | Refusal::NotScanned { .. }
            | Refusal::NotOnManifest { .. }
            | Refusal::AlreadyDecided { .. }
            | Refusal::ArrivalHasRecords { .. }
            | Refusal::FailedCheck { .. }
            | Refusal::Undecided { .. }
            | Refusal::NothingScanned
            | Refusal::NoManifestWeight { .. }
            | Refusal::UnstableReading
            | Refusal::NotAWeight(_)
            | Refusal::UnitNotRecorded { .. }
            | Refusal::NoWeight
            | Refusal::UnknownScale { .. }
            | Refusal::CalibrationOverdue { .. }
            | Refusal::CalibrationCheckFailed { .. }
            | Refusal::DestructionWeightMismatch { .. }
            | Refusal::GrossWithoutTare { .. }
            | Refusal::UnknownReason { .. }
            | Refusal::QuarantinedIntoSellable { .. }
            | Refusal::WrongStatus { .. }
            | Refusal::AlreadyInTote { .. }
            | Refusal::AlreadyThere { .. }
            | Refusal::InConflict { .. }
            | Refusal::NotInConflict { .. }
            | Refusal::UnknownPickList { .. }
            | Refusal::LineComplete { .. }
            | Refusal::WrongItem { .. }
            | Refusal::NotFefo { .. }
            | Refusal::NoPassedCoa { .. }
            | Refusal::Expired { .. }
            | Refusal::BatchUnavailable { .. }
            | Refusal::ScanTote
            | Refusal::ToteEmpty { .. }
            | Refusal::ToteMixedRoutes { .. }
            | Refusal::WrongUnit { .. }
            | Refusal::MoreThanLine { .. }
            | Refusal::MoreThanPackage { .. }
            | Refusal::ManifestNotExact { .. }
            | Refusal::UnknownCount { .. }
            | Refusal::CountNotStarted { .. }
            | Refusal::CountUnavailable { .. }
            | Refusal::TooManyRounds { .. }
            | Refusal::NotInReview { .. }
            | Refusal::VariancesOpen { .. }
            | Refusal::NotInCount { .. }
            | Refusal::NotFoundInCount { .. }
            | Refusal::QuantitiesMissing { .. }
            | Refusal::WeighIt { .. }
            | Refusal::CountIt { .. }
            | Refusal::NoVariance { .. }
            | Refusal::RecountBySameCounter { .. }
            | Refusal::NotTheCounter { .. }
            | Refusal::ApproverIsCounter { .. }
            | Refusal::WitnessIsActor { .. }
            | Refusal::MethodRequired
            | Refusal::ReasonRequired { .. }
            | Refusal::ReleaseWithoutPassedCoa { .. }
            | Refusal::UnderCount { .. }
            | Refusal::CountInProgress { .. }
            | Refusal::TooMany { .. }
            | Refusal::DeviceForked { .. } => {}
        }
    }
    all
}

/// Every problem a label check can name, with values of realistic length; the exhaustive match
/// stops compiling when a problem is added without being listed here.
pub fn every_label_problem() -> Vec<LabelProblem> {
    let all = vec![
        LabelProblem::GtinMismatch {
            printed: s("09501101530010"),
            item: s("09501101530003"),
        },
        LabelProblem::NoGtinOnFile,
        LabelProblem::NoBatchOnFile,
        LabelProblem::NoLotOnLabel,
        LabelProblem::LotMismatch {
            printed: s(LOT),
            lot: s("LOT-2026-11-GE-0041"),
        },
        LabelProblem::NoExpiryOnFile,
        LabelProblem::NoExpiryOnLabel,
        LabelProblem::ExpiryMismatch {
            printed: s("2027-01-15"),
            expiry: s("2027-03-01"),
        },
        LabelProblem::ThcMismatch {
            printed_bp: 2_500,
            tested_bp: 2_210,
        },
        LabelProblem::NoThcOnLabel,
        LabelProblem::NoTestedPotency,
        LabelProblem::CoaFailed,
        LabelProblem::CoaPending,
        LabelProblem::NoCoa,
    ];
    for problem in &all {
        match problem {
            LabelProblem::GtinMismatch { .. }
            | LabelProblem::NoGtinOnFile
            | LabelProblem::NoBatchOnFile
            | LabelProblem::NoLotOnLabel
            | LabelProblem::LotMismatch { .. }
            | LabelProblem::NoExpiryOnFile
            | LabelProblem::NoExpiryOnLabel
            | LabelProblem::ExpiryMismatch { .. }
            | LabelProblem::ThcMismatch { .. }
            | LabelProblem::NoThcOnLabel
            | LabelProblem::NoTestedPotency
            | LabelProblem::CoaFailed
            | LabelProblem::CoaPending
            | LabelProblem::NoCoa => {}
        }
    }
    all
}

const STATUSES: [PackageStatus; 6] = [
    PackageStatus::Active,
    PackageStatus::OnHold,
    PackageStatus::Quarantined,
    PackageStatus::InTransit,
    PackageStatus::Destroyed,
    PackageStatus::Finished,
];

const ACTIONS: [Action; 4] = [
    Action::Moved,
    Action::Picked,
    Action::Destroyed,
    Action::Released,
];

const REASON_KINDS: [ReasonKind; 6] = [
    ReasonKind::Quarantine,
    ReasonKind::Rejection,
    ReasonKind::Short,
    ReasonKind::Adjustment,
    ReasonKind::Destruction,
    ReasonKind::Release,
];

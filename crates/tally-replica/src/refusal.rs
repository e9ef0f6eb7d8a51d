//! Refusals: the normal "no" of a workflow, written for the person holding the device.
//!
//! A refusal means nothing was recorded. Variants carry structured fields so the terminal app
//! can render them in its own catalogue; the English text here is the default. Refusals of the
//! blind-count workflow never carry quantities.

use crate::weight::WeightError;

/// Why a workflow step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Nobody is signed in.
    #[error("sign in first")]
    NotSignedIn,
    /// Badge unknown or inactive.
    #[error("badge {badge} is not known on this device or is inactive")]
    UnknownUser {
        /// Badge.
        badge: String,
    },
    /// Wrong PIN.
    #[error("wrong PIN for badge {badge}")]
    WrongPin {
        /// Badge.
        badge: String,
    },
    /// The user lacks the role.
    #[error("{badge} is not a supervisor; a supervisor must do this")]
    NotSupervisor {
        /// Badge.
        badge: String,
    },
    /// The scan is not a package tag.
    #[error("{scan:?} is not a package tag; scan the 24-character tag label")]
    NotATag {
        /// What was scanned.
        scan: String,
    },
    /// The tag is not in the replica.
    #[error("package {uid} is not known on this device")]
    UnknownPackage {
        /// Tag.
        uid: String,
    },
    /// Unknown location.
    #[error("location {location} is not known on this device")]
    UnknownLocation {
        /// Location scanned.
        location: String,
    },
    /// Unknown manifest.
    #[error("manifest {manifest} is not known on this device")]
    UnknownManifest {
        /// Manifest id.
        manifest: String,
    },
    /// The manifest is not open for receiving.
    #[error("manifest {manifest} is not open; open it before scanning")]
    ManifestNotOpen {
        /// Manifest id.
        manifest: String,
    },
    /// The manifest is already closed.
    #[error("manifest {manifest} is already closed")]
    ManifestAlreadyClosed {
        /// Manifest id.
        manifest: String,
    },
    /// A package must be scanned into receiving before it is weighed, checked or decided.
    #[error("scan package {uid} on manifest {manifest} first")]
    NotScanned {
        /// Tag.
        uid: String,
        /// Manifest id.
        manifest: String,
    },
    /// A manifest line was already accepted or rejected.
    #[error("package {uid} was already {decision}")]
    AlreadyDecided {
        /// Tag.
        uid: String,
        /// `accepted` or `rejected`.
        decision: String,
    },
    /// A package that failed a check cannot be accepted until it is quarantined.
    #[error("package {uid} failed its checks ({problem}); quarantine or reject it")]
    FailedChecks {
        /// Tag.
        uid: String,
        /// What failed.
        problem: String,
    },
    /// The scale reading is not stable.
    #[error("the scale is not stable yet; wait for the stable sign and weigh again")]
    UnstableReading,
    /// The reading is not a weight.
    #[error("{0}")]
    NotAWeight(#[from] WeightError),
    /// The reading is not a positive weight.
    #[error("the scale shows no weight; put the package on the scale")]
    NoWeight,
    /// The scale is not in the register.
    #[error("scale {scale} is not in the scale register; use a registered scale")]
    UnknownScale {
        /// Scale id.
        scale: String,
    },
    /// The reason code is unknown for this kind of action.
    #[error("{code:?} is not a {kind} reason; choose one from the list")]
    UnknownReason {
        /// Code given.
        code: String,
        /// Kind expected.
        kind: String,
    },
    /// Quarantined or held stock cannot go to a sellable location.
    #[error("package {uid} is {status}; it cannot go to sellable location {location}. Take it to the quarantine cage")]
    QuarantinedIntoSellable {
        /// Tag.
        uid: String,
        /// Status.
        status: String,
        /// Target.
        location: String,
    },
    /// The package cannot be handled in its status.
    #[error("package {uid} is {status} and cannot be {action}")]
    WrongStatus {
        /// Tag.
        uid: String,
        /// Current status.
        status: String,
        /// What was attempted.
        action: String,
    },
    /// The package is already there.
    #[error("package {uid} is already in {location}")]
    AlreadyThere {
        /// Tag.
        uid: String,
        /// Location.
        location: String,
    },
    /// Two devices touched this package: a supervisor must resolve it first.
    #[error("package {uid} has a conflict between devices; a supervisor must resolve it")]
    InConflict {
        /// Tag.
        uid: String,
    },
    /// Unknown pick list.
    #[error("pick list {pick_list} is not known on this device")]
    UnknownPickList {
        /// Pick list id.
        pick_list: String,
    },
    /// Pick line is complete.
    #[error("line {line_no} of pick list {pick_list} is already complete")]
    LineComplete {
        /// Pick list.
        pick_list: String,
        /// Line.
        line_no: u32,
    },
    /// Wrong item for the line.
    #[error("wrong item: package {uid} is {found}, this line needs {wanted}")]
    WrongItem {
        /// Tag.
        uid: String,
        /// SKU scanned.
        found: String,
        /// SKU wanted.
        wanted: String,
    },
    /// Not the first-expiring lot.
    #[error("not this lot: take package {take_uid} (lot {take_lot}, expires {take_expiry}) from {take_location} first")]
    NotFefo {
        /// Tag scanned.
        uid: String,
        /// Tag to take.
        take_uid: String,
        /// Its lot.
        take_lot: String,
        /// Its expiry.
        take_expiry: String,
        /// Where it is.
        take_location: String,
    },
    /// The lot expires before the customer's minimum.
    #[error("package {uid} expires {expiry}, before {min_expiry} required for this order")]
    ExpiresTooSoon {
        /// Tag.
        uid: String,
        /// Its expiry.
        expiry: String,
        /// Minimum.
        min_expiry: String,
    },
    /// The batch may not be sold.
    #[error("package {uid} has no passed lab result (COA {coa}); it cannot be picked")]
    NoPassedCoa {
        /// Tag.
        uid: String,
        /// COA status.
        coa: String,
    },
    /// Quantity not possible.
    #[error("{what}")]
    BadQuantity {
        /// Explanation.
        what: String,
    },
    /// The outbound manifest does not match what was staged.
    #[error("manifest {manifest} is not exact: {missing} missing, {extra} extra, {mismatched} mismatched; it cannot be marked ready")]
    ManifestNotExact {
        /// Manifest.
        manifest: String,
        /// Missing count.
        missing: usize,
        /// Extra count.
        extra: usize,
        /// Mismatch count.
        mismatched: usize,
    },
    /// Unknown count task.
    #[error("count task {task} is not known on this device")]
    UnknownCount {
        /// Task.
        task: String,
    },
    /// The count is not in the right state.
    #[error("count task {task} is {state}; {hint}")]
    CountState {
        /// Task.
        task: String,
        /// State.
        state: String,
        /// What to do.
        hint: String,
    },
    /// The location is not part of the count.
    #[error("location {location} is not part of count task {task}")]
    NotInCount {
        /// Location.
        location: String,
        /// Task.
        task: String,
    },
    /// The recount must be done by another counter.
    #[error("this recount must be done by a different counter than {badge}")]
    RecountBySameCounter {
        /// Badge.
        badge: String,
    },
    /// Only the counter who started may continue.
    #[error("count task {task} is being counted by {counter}")]
    NotTheCounter {
        /// Task.
        task: String,
        /// Counter.
        counter: String,
    },
    /// The approver counted this task.
    #[error("{badge} counted this task and cannot approve its adjustments")]
    ApproverIsCounter {
        /// Badge.
        badge: String,
    },
    /// A witness must be a different person than the actor.
    #[error("the witness must be a different person from {badge}")]
    WitnessIsActor {
        /// Badge.
        badge: String,
    },
    /// Too many items in one action.
    #[error("too many at once: at most {max} {what}")]
    TooMany {
        /// Max.
        max: usize,
        /// What.
        what: String,
    },
    /// The package is not on the manifest being received.
    #[error("package {uid} is not on manifest {manifest}; quarantine or reject it")]
    NotOnManifest {
        /// Tag.
        uid: String,
        /// Manifest.
        manifest: String,
    },
    /// Lines are still undecided.
    #[error(
        "manifest {manifest} still has {count} scanned packages neither accepted nor rejected"
    )]
    Undecided {
        /// Manifest.
        manifest: String,
        /// How many.
        count: usize,
    },
    /// The scale's calibration is overdue.
    #[error("scale {scale} was due for calibration on {due}; use another scale")]
    CalibrationOverdue {
        /// Scale.
        scale: String,
        /// Due date.
        due: String,
    },
}

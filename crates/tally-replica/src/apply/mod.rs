//! The fold: `apply(view, event)` turns one event's payload into changes of the replica's view
//! tables. The device replica, the crash-test replay and snapshot/delta loading all call this one
//! function, so they cannot disagree.
//!
//! `apply` reads only the view and the event; it never looks at clocks, randomness or the event
//! log table, so folding the same events in the same order over the same start always yields
//! the same view. It runs inside the caller's transaction and never commits. Payload kinds the
//! replica does not know change nothing (they stay in the log, readable forever).
//!
//! Conflict rule (local events win until the ledger rules): every local event that changes
//! packages records `(uid, seq)` in `local_changes` for each package it names, including the
//! packages it creates (a split's `new_uid`, a received case). A remote event (a delta) that
//! would change a package with a `local_changes` row does not touch it; the pair is recorded in
//! `conflicts` and the package is flagged for a supervisor. The rows of an own event are removed
//! only when that very event comes back from the ledger in a delta (a receipt, folded in ledger
//! order) or is inside a loaded snapshot; an acknowledgement alone changes no view table. So
//! whether a delta conflicts depends only on logged inputs (the device's log, the deltas and
//! where each delta arrived among the device's own events), and a replay decides the same
//! conflicts. A conflict stays until an admin event settles the package (a `PackageRegistered`
//! from the ledger with no pending local change) or a supervisor does (a `ConflictSettled`,
//! kind 278: the package becomes what the supervisor found, and its conflicts through the
//! ledger index they saw are cleared; one that arrived later stays flagged).

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::Payload;

mod conflicts;
mod count;
mod destruction;
mod devices;
mod loading;
mod master;
mod moves;
mod picking;
mod receiving;
mod release;
mod scale;
mod session;
mod void;

use crate::error::ReplicaError;
use crate::model;

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This device's own log, at this seq.
    Local {
        /// The event's seq.
        seq: i64,
    },
    /// Another device's event received from the ledger, at this ledger index.
    Remote {
        /// Position in the ledger.
        ledger_index: i64,
    },
}

impl Origin {
    /// `local` or `remote`, as stored.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Local { .. } => "local",
            Origin::Remote { .. } => "remote",
        }
    }
    /// Seq (local) or ledger index (remote).
    pub fn reference(self) -> i64 {
        match self {
            Origin::Local { seq } => seq,
            Origin::Remote { ledger_index } => ledger_index,
        }
    }
}

/// What `apply` needs from the envelope.
#[derive(Debug, Clone, Copy)]
pub struct EventMeta<'a> {
    /// Origin.
    pub origin: Origin,
    /// Payload kind number from the registry.
    pub kind: u16,
    /// Badge of the actor.
    pub actor: &'a str,
    /// The author device's public key.
    pub device: &'a [u8; 32],
    /// The facility in the envelope.
    pub facility: &'a str,
}

/// The package tags a payload names (for lookup history and conflicts).
pub fn payload_uids(payload: &Payload) -> Vec<&str> {
    match payload {
        Payload::ScanRecorded(p) => p.decoded_uid.as_deref().into_iter().collect(),
        Payload::RfidSweepRecorded(p) => p
            .tags
            .iter()
            .filter_map(|t| t.decoded_uid.as_deref())
            .collect(),
        Payload::CountSweepRecorded(p) => p
            .tags
            .iter()
            .filter_map(|t| t.decoded_uid.as_deref())
            .collect(),
        Payload::WeightRecorded(p) => p.uid.as_deref().into_iter().collect(),
        Payload::ManifestLineReceived(p) => vec![&p.uid],
        Payload::ManifestLineRejected(p) => vec![&p.uid],
        Payload::LabelChecked(p) => vec![&p.uid],
        Payload::PackageQuarantined(p) => vec![&p.uid],
        Payload::PackageReleased(p) => vec![&p.uid],
        Payload::PackageMoved(p) => vec![&p.uid],
        Payload::PackageSplit(p) => vec![&p.source_uid, &p.new_uid],
        Payload::PickRecorded(p) => vec![&p.uid],
        Payload::CountLineRecorded(p) => vec![&p.uid],
        Payload::AdjustmentApproved(p) => vec![&p.uid],
        Payload::DestructionRecorded(p) => vec![&p.uid],
        Payload::InvestigationOpened(p) => p.uids.iter().map(String::as_str).collect(),
        Payload::PackageRegistered(p) => vec![&p.uid],
        Payload::PackageArrived(p) => vec![&p.uid],
        Payload::ConflictSettled(p) => vec![&p.uid],
        _ => Vec::new(),
    }
}

/// Whether a payload changes the packages it names (only those can conflict).
pub fn changes_packages(payload: &Payload) -> bool {
    matches!(
        payload,
        Payload::ManifestLineReceived(_)
            | Payload::ManifestLineRejected(_)
            | Payload::PackageQuarantined(_)
            | Payload::PackageReleased(_)
            | Payload::PackageMoved(_)
            | Payload::PackageSplit(_)
            | Payload::PickRecorded(_)
            | Payload::AdjustmentApproved(_)
            | Payload::DestructionRecorded(_)
            | Payload::PackageRegistered(_)
            | Payload::PackageArrived(_)
            | Payload::InvestigationOpened(_)
            | Payload::ConflictSettled(_)
    )
}

pub(super) fn inconsistent(what: impl Into<String>) -> ReplicaError {
    ReplicaError::Apply(what.into())
}

pub(super) fn qty(quantity: tally_events::Quantity) -> Result<(i64, &'static str), ReplicaError> {
    let (amount, unit) = model::split(quantity);
    let amount = i64::try_from(amount).map_err(|_| inconsistent("a quantity is too large"))?;
    Ok((amount, unit))
}

pub(super) fn opt_i64(value: Option<u64>) -> Result<Option<i64>, ReplicaError> {
    value
        .map(|v| i64::try_from(v).map_err(|_| inconsistent("a number is too large")))
        .transpose()
}

/// Folds one event into the view. Call inside a transaction.
pub fn apply(
    view: &Connection,
    meta: &EventMeta<'_>,
    payload: &Payload,
) -> Result<(), ReplicaError> {
    refuse_revoked_device(view, meta)?;
    if payload.has_newer_code() {
        return Err(inconsistent(format!(
            "kind {} holds a code this version of tally does not know",
            meta.kind
        )));
    }
    let uids = payload_uids(payload);
    if !uids.is_empty() {
        let mut history = view.prepare_cached(
            "INSERT OR IGNORE INTO package_history (uid, origin, ref, kind) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for uid in &uids {
            history.execute(params![
                uid,
                meta.origin.label(),
                meta.origin.reference(),
                meta.kind
            ])?;
        }
    }
    if changes_packages(payload) {
        match meta.origin {
            Origin::Local { seq } => {
                let mut mark = view.prepare_cached(
                    "INSERT OR IGNORE INTO local_changes (uid, seq) VALUES (?1, ?2)",
                )?;
                for uid in &uids {
                    mark.execute(params![uid, seq])?;
                }
            }
            Origin::Remote { ledger_index } => {
                let mut pending = false;
                for uid in &uids {
                    let local: Option<i64> = view
                        .prepare_cached("SELECT max(seq) FROM local_changes WHERE uid = ?1")?
                        .query_row([uid], |r| r.get(0))?;
                    if let Some(local_seq) = local {
                        pending = true;
                        view.prepare_cached(
                            "INSERT OR IGNORE INTO conflicts (uid, local_seq, ledger_index, remote_kind)
                             VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![uid, local_seq, ledger_index, meta.kind])?;
                        view.prepare_cached("UPDATE packages SET conflict = 1 WHERE uid = ?1")?
                            .execute([uid])?;
                    }
                }
                if pending {
                    return Ok(());
                }
                if let Payload::PackageRegistered(p) = payload {
                    // The ledger settles the package: its record clears an old conflict flag.
                    view.prepare_cached("UPDATE packages SET conflict = 0 WHERE uid = ?1")?
                        .execute([&p.uid])?;
                }
            }
        }
    }
    fold(view, meta, payload)
}

/// Events of a revoked device are not folded, from the moment its revocation was folded
/// (remote deltas and, on the revoked device itself, its own new events). Events of that
/// device folded before the revocation arrived stay: a revocation is not retroactive (it
/// names no seq), and the ledger's order decides what came first; the device's log keeps
/// them for review.
fn refuse_revoked_device(view: &Connection, meta: &EventMeta<'_>) -> Result<(), ReplicaError> {
    let revoked: Option<bool> = view
        .prepare_cached("SELECT revoked FROM devices WHERE device = ?1")?
        .query_row([&meta.device[..]], |r| r.get(0))
        .optional()?;
    if revoked == Some(true) {
        return Err(inconsistent(format!(
            "device {} was revoked: its events are not applied",
            hex::encode(meta.device)
        )));
    }
    Ok(())
}

/// The dispatch: each payload kind's change of the view lives in the file of its workflow.
fn fold(view: &Connection, meta: &EventMeta<'_>, payload: &Payload) -> Result<(), ReplicaError> {
    match payload {
        Payload::DeviceEnrolled(p) => devices::device_enrolled(view, meta, p),
        Payload::DeviceRevoked(p) => devices::device_revoked(view, p),
        // A re-anchoring or a re-bootstrap changes the sync daemon's state, not the view.
        Payload::UserSignedIn(_)
        | Payload::UserSignedOut(_)
        | Payload::ScanRecorded(_)
        | Payload::LedgerReanchored(_)
        | Payload::DeviceRebootstrapped(_) => Ok(()),
        Payload::RfidSweepRecorded(p) => count::rfid_sweep_recorded(view, meta, p),
        Payload::CountSweepRecorded(p) => count::count_sweep_recorded(view, meta, p),
        Payload::WeightRecorded(p) => scale::weight_recorded(view, meta, p),
        Payload::ScaleCalibrationChecked(p) => scale::scale_calibration_checked(view, p),
        Payload::PackageArrived(p) => receiving::package_arrived(view, p),
        Payload::ManifestLineReceived(p) => receiving::manifest_line_received(view, p),
        Payload::ManifestLineRejected(p) => receiving::manifest_line_rejected(view, p),
        Payload::ManifestClosed(p) => receiving::manifest_closed(view, p),
        Payload::LabelChecked(p) => receiving::label_checked(view, p),
        Payload::PackageQuarantined(p) => release::package_quarantined(view, p),
        Payload::PackageReleased(p) => release::package_released(view, p),
        Payload::PackageMoved(p) => moves::package_moved(view, p),
        Payload::PackageSplit(p) => moves::package_split(view, p),
        Payload::PickRecorded(p) => picking::pick_recorded(view, p),
        Payload::PickShorted(p) => picking::pick_shorted(view, p),
        Payload::ToteStaged(p) => picking::tote_staged(view, p),
        Payload::LoadingReconciled(p) => loading::loading_reconciled(view, p),
        Payload::CountStarted(p) => count::count_started(view, meta, p),
        Payload::CountLineRecorded(p) => count::count_line_recorded(view, meta, p),
        Payload::CountSubmitted(p) => count::count_submitted(view, p),
        Payload::RecountRequested(p) => count::recount_requested(view, p),
        Payload::CountClosed(p) => count::count_closed(view, p),
        Payload::AdjustmentApproved(p) => count::adjustment_approved(view, meta, p),
        Payload::DestructionRecorded(p) => destruction::destruction_recorded(view, meta, p),
        Payload::InvestigationOpened(p) => release::investigation_opened(view, p),
        Payload::InvestigationClosed(p) => release::investigation_closed(view, p),
        Payload::EventVoided(p) => void::event_voided(view, p),
        Payload::ReceiptDifferenceNoted(p) => receiving::receipt_difference_noted(view, p),
        Payload::ConflictSettled(p) => conflicts::conflict_settled(view, p),
        Payload::FacilityStateSystemDefined(p) => master::facility_state_system_defined(view, p),
        Payload::FacilitySettingsDefined(p) => master::facility_settings_defined(view, p),
        Payload::LocationDefined(p) => master::location_defined(view, meta, p),
        Payload::ItemDefined(p) => master::item_defined(view, p),
        Payload::BatchDefined(p) => master::batch_defined(view, p),
        Payload::PackageRegistered(p) => master::package_registered(view, p),
        Payload::InboundManifestIssued(p) => master::inbound_manifest_issued(view, p),
        Payload::OutboundManifestIssued(p) => master::outbound_manifest_issued(view, p),
        Payload::PickListIssued(p) => master::pick_list_issued(view, p),
        Payload::CountTaskIssued(p) => master::count_task_issued(view, p),
        Payload::ManifestLinesAdded(p) => master::manifest_lines_added(view, p),
        Payload::TaskLinesAdded(p) => master::task_lines_added(view, p),
        Payload::UserDefined(p) => session::user_defined(view, p),
        Payload::UserDefinedV2(p) => session::user_defined_v2(view, p),
        Payload::UserLockedOut(p) => session::user_locked_out(view, p),
        Payload::UserUnlocked(p) => session::user_unlocked(view, p),
        Payload::ReasonCodeDefined(p) => master::reason_code_defined(view, p),
        Payload::ScaleRegistered(p) => scale::scale_registered(view, p),
        Payload::Unknown(_) => Ok(()),
    }
}

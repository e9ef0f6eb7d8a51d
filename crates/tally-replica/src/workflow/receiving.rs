//! Receiving an inbound manifest: open it, scan each case (expected / unexpected / duplicate),
//! weigh against the manifest weight within the facility's tolerance, check the label against the
//! batch and its COA, quarantine a package or a whole pallet, accept or reject lines, and close
//! with a summary of what was missing and what was unexpected.

use rusqlite::{Connection, OptionalExtension};
use tally_events::payload::{
    CheckResult, EventRef, EventVoided, LabelChecked, ManifestClosed, ManifestLineReceived,
    ManifestLineRejected, PackageArrived, PackageQuarantined, ReceiptDifferenceNoted,
};
use tally_events::{Payload, Quantity, SignedEvent};

use super::scale::{self, Reading};
use super::{
    facility_tag, package_tag, Gs1Data, Identifier, Plan, StateTag, StepResult, ID_LEN_MAX,
};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::{Action, Check, Decision, Many, ReasonKind, Refusal};
use crate::weight;

mod label_problem;

pub use label_problem::LabelProblem;

/// What a receiving scan turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanOutcome {
    /// On the manifest, first scan.
    Expected {
        /// Tag.
        uid: String,
        /// Item SKU.
        sku: String,
    },
    /// Not on the manifest: set it aside for quarantine or rejection.
    Unexpected {
        /// Tag.
        uid: String,
    },
    /// Already scanned on this manifest; nothing recorded.
    Duplicate {
        /// Tag.
        uid: String,
    },
}

/// Result of weighing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeighOutcome {
    /// Manifest weight, mg, on the same basis (net/gross) as the reading after tare.
    pub expected_mg: i64,
    /// Weight compared, mg.
    pub actual_mg: i64,
    /// Allowed difference, mg.
    pub tolerance_mg: i64,
    /// Whether within tolerance.
    pub within: bool,
}

/// Label data read from the package (typed or from its GS1 barcode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Lot / batch printed.
    pub lot: String,
    /// THC potency printed, basis points.
    pub thc_bp: Option<i64>,
    /// Expiry printed, `YYYY-MM-DD`.
    pub expires_on: String,
}

/// Summary when closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseSummary {
    /// Expected UIDs never scanned.
    pub missing: Vec<String>,
    /// Scanned UIDs that were not on the manifest.
    pub unexpected: Vec<String>,
    /// Lines accepted.
    pub accepted: usize,
    /// Lines rejected.
    pub rejected: usize,
    /// Packages quarantined.
    pub quarantined: usize,
}

fn manifest_status(view: &Connection, manifest: &str) -> Result<String, ReplicaError> {
    view.prepare_cached("SELECT status FROM inbound_manifests WHERE id = ?1")?
        .query_row([manifest], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Refusal::UnknownManifest {
                manifest: manifest.chars().take(ID_LEN_MAX).collect(),
            }
            .into()
        })
}

fn require_open(view: &Connection, manifest: &str) -> Result<(), ReplicaError> {
    match manifest_status(view, manifest)?.as_str() {
        "closed" => Err(Refusal::ManifestAlreadyClosed {
            manifest: manifest.to_owned(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// A receipt row.
struct Receipt {
    expected: bool,
    weight_ok: Option<bool>,
    label_ok: Option<bool>,
    quarantined: bool,
    decision: Option<String>,
}

fn receipt(view: &Connection, manifest: &str, uid: &str) -> Result<Option<Receipt>, ReplicaError> {
    Ok(view
        .prepare_cached(
            "SELECT expected, weight_ok, label_ok, quarantined, decision FROM inbound_receipts
             WHERE manifest_id = ?1 AND uid = ?2",
        )?
        .query_row([manifest, uid], |r| {
            Ok(Receipt {
                expected: r.get(0)?,
                weight_ok: r.get(1)?,
                label_ok: r.get(2)?,
                quarantined: r.get(3)?,
                decision: r.get(4)?,
            })
        })
        .optional()?)
}

fn scanned(view: &Connection, manifest: &str, uid: &str) -> Result<Receipt, ReplicaError> {
    receipt(view, manifest, uid)?.ok_or_else(|| {
        Refusal::NotScanned {
            uid: uid.to_owned(),
            manifest: manifest.to_owned(),
        }
        .into()
    })
}

/// Manifest line data joined with item and (when registered) the package's batch.
struct Line {
    quantity: Quantity,
    weight_mg: Option<i64>,
    sku: String,
    lot: Option<String>,
    coa: Option<String>,
    thc_bp: Option<i64>,
    expires_on: Option<String>,
    gtin: Option<String>,
}

fn line(view: &Connection, manifest: &str, uid: &str) -> Result<Option<Line>, ReplicaError> {
    let row = view
        .prepare_cached(
            "SELECT l.quantity, l.unit, l.weight_mg, i.sku,
                    b.lot, b.coa_status, b.thc_bp, b.expires_on, i.gtin
             FROM inbound_lines l JOIN items i ON i.id = l.item_id
             LEFT JOIN packages p ON p.uid = l.uid LEFT JOIN batches b ON b.id = p.batch_id
             WHERE l.manifest_id = ?1 AND l.uid = ?2",
        )?
        .query_row([manifest, uid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                Line {
                    quantity: Quantity::Units(0),
                    weight_mg: r.get(2)?,
                    sku: r.get(3)?,
                    lot: r.get(4)?,
                    coa: r.get(5)?,
                    thc_bp: r.get(6)?,
                    expires_on: r.get(7)?,
                    gtin: r.get(8)?,
                },
            ))
        })
        .optional()?;
    let Some((amount, unit, mut line)) = row else {
        return Ok(None);
    };
    line.quantity = model::join(amount, &unit).ok_or_else(|| {
        ReplicaError::Storage(format!("manifest {manifest} has a bad quantity for {uid}"))
    })?;
    Ok(Some(line))
}

/// What the receiver sees on opening a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestView {
    /// Manifest id.
    pub id: String,
    /// Origin licence.
    pub origin_license: String,
    /// Driver.
    pub driver: String,
    /// Vehicle.
    pub vehicle: String,
    /// Lines on the manifest.
    pub lines: usize,
    /// Lines scanned so far.
    pub scanned: usize,
}

/// Opens a manifest for receiving (records nothing: the first scan starts the receiving).
pub fn open(view: &Connection, manifest: &str) -> StepResult<ManifestView> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let (origin_license, driver, vehicle): (String, String, String) = view
        .prepare_cached(
            "SELECT origin_license, driver, vehicle FROM inbound_manifests WHERE id = ?1",
        )?
        .query_row([manifest], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let lines: i64 = view
        .prepare_cached("SELECT count(*) FROM inbound_lines WHERE manifest_id = ?1")?
        .query_row([manifest], |r| r.get(0))?;
    let scanned: i64 = view
        .prepare_cached(
            "SELECT count(*) FROM inbound_receipts WHERE manifest_id = ?1 AND expected = 1",
        )?
        .query_row([manifest], |r| r.get(0))?;
    Ok(Plan::nothing(ManifestView {
        id: manifest.to_owned(),
        origin_license,
        driver,
        vehicle,
        lines: lines as usize,
        scanned: scanned as usize,
    }))
}

/// Scans a case during receiving: its state tag (a GS1 label, an EPC or text is refused).
pub fn scan(view: &Connection, manifest: &str, scanned: &Identifier) -> StepResult<ScanOutcome> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let uid = package_tag(view, scanned)?;
    if receipt(view, manifest, &uid)?.is_some() {
        return Ok(Plan::nothing(ScanOutcome::Duplicate { uid }));
    }
    let (outcome, expected) = match line(view, manifest, &uid)? {
        Some(line) => (
            ScanOutcome::Expected {
                uid: uid.clone(),
                sku: line.sku,
            },
            true,
        ),
        None => (ScanOutcome::Unexpected { uid: uid.clone() }, false),
    };
    Ok(Plan::new(
        outcome,
        vec![Payload::PackageArrived(PackageArrived {
            manifest_id: manifest.to_owned(),
            uid,
            on_manifest: expected,
        })],
    ))
}

/// Weighs a scanned package against its manifest weight. An out-of-tolerance weight is
/// recorded (it is evidence) and blocks acceptance until the package is quarantined.
pub fn weigh(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    reading: &Reading,
    today: &str,
) -> StepResult<WeighOutcome> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let uid = facility_tag(view, package)?;
    let receipt = scanned(view, manifest, &uid)?;
    if !receipt.expected {
        return Err(Refusal::NotOnManifest {
            uid,
            manifest: manifest.to_owned(),
        }
        .into());
    }
    let line = line(view, manifest, &uid)?.ok_or_else(|| {
        ReplicaError::Storage(format!("manifest {manifest} lost its line for {uid}"))
    })?;
    let weighed = scale::validate(view, reading, today, Some(&uid))?;
    if line.weight_mg.is_none() {
        return Err(Refusal::NoManifestWeight { uid }.into());
    }
    // The verdict the fold will record from this reading, computed by the same function.
    let outcome = weight_verdict(
        view,
        &enrolled_facility(view)?,
        manifest,
        &uid,
        weighed.weight_mg,
        reading.net,
    )?
    .ok_or_else(|| {
        ReplicaError::Storage(format!("manifest {manifest} lost its weight for {uid}"))
    })?;
    Ok(Plan::new(
        outcome,
        vec![Payload::WeightRecorded(weighed.event)],
    ))
}

/// The facility this device is enrolled at: the facility in the envelope of every event it
/// signs (empty before enrollment).
fn enrolled_facility(view: &Connection) -> Result<String, ReplicaError> {
    Ok(view
        .prepare_cached("SELECT value FROM meta WHERE key = 'facility'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// The receiving weight verdict of a stable reading of `uid` on `manifest`: the reading brought
/// to the basis of the manifest weight (net or gross, with the item's container tare) and
/// compared with it within the receiving tolerance of `facility` (none when the facility has
/// no settings). This is the one place it is computed: the weighing step shows it, and the
/// fold records it in `inbound_receipts.weight_ok` from the signed reading and the facility in
/// its envelope, so the receiver is told what the view holds and a replay reaches the same
/// verdict. `None` when `uid` has no manifest weight on `manifest`.
pub(crate) fn weight_verdict(
    view: &Connection,
    facility: &str,
    manifest: &str,
    uid: &str,
    reading_mg: i64,
    reading_net: bool,
) -> Result<Option<WeighOutcome>, ReplicaError> {
    let line: Option<(Option<i64>, bool, Option<i64>)> = view
        .prepare_cached(
            "SELECT l.weight_mg, i.weight_is_net, i.tare_mg FROM inbound_lines l JOIN items i ON i.id = l.item_id
             WHERE l.manifest_id = ?1 AND l.uid = ?2",
        )?
        .query_row([manifest, uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((Some(expected_mg), manifest_net, tare_mg)) = line else {
        return Ok(None);
    };
    let tolerance_mg: i64 = view
        .prepare_cached("SELECT receiving_tolerance_mg FROM facilities WHERE id = ?1")?
        .query_row([facility], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let actual_mg =
        weight::to_manifest_basis(reading_mg, reading_net, manifest_net, tare_mg.unwrap_or(0));
    Ok(Some(WeighOutcome {
        expected_mg,
        actual_mg,
        tolerance_mg,
        within: weight::within_tolerance(expected_mg, actual_mg, tolerance_mg),
    }))
}

/// Checks the label against the batch record and its COA; returns the problems found (the
/// event records their English).
pub fn check_label(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    label: &Label,
) -> StepResult<Vec<LabelProblem>> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let uid = facility_tag(view, package)?;
    let receipt = scanned(view, manifest, &uid)?;
    if !receipt.expected {
        return Err(Refusal::NotOnManifest {
            uid,
            manifest: manifest.to_owned(),
        }
        .into());
    }
    let line = line(view, manifest, &uid)?.ok_or_else(|| {
        ReplicaError::Storage(format!("manifest {manifest} lost its line for {uid}"))
    })?;
    let problems = label_problems(&line, label);
    Ok(label_checked(uid, label.lot.trim(), &line, problems))
}

/// The record of a label check: its findings are the problems' English, as recorded before
/// the problems were typed.
fn label_checked(
    uid: String,
    lot: &str,
    line: &Line,
    problems: Vec<LabelProblem>,
) -> Plan<Vec<LabelProblem>> {
    let findings = problems.iter().map(ToString::to_string).collect();
    let failed = !problems.is_empty();
    Plan::new(
        problems,
        vec![Payload::LabelChecked(LabelChecked {
            uid,
            batch_id: lot.to_owned(),
            coa_present: matches!(line.coa.as_deref(), Some("passed" | "failed" | "pending")),
            result: if failed {
                CheckResult::Fail
            } else {
                CheckResult::Pass
            },
            findings,
        })],
    )
}

/// Checks the GS1 data on a scanned case (its GS1 DataMatrix or GS1-128, as `tally-ids` read
/// it: [`Identifier::Gs1`]) against its item's GTIN and its batch's lot and expiry (and the
/// batch's COA); records the check and returns the problems found.
pub fn check_gs1_label(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    label: &Gs1Data,
) -> StepResult<Vec<LabelProblem>> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let uid = facility_tag(view, package)?;
    let receipt = scanned(view, manifest, &uid)?;
    if !receipt.expected {
        return Err(Refusal::NotOnManifest {
            uid,
            manifest: manifest.to_owned(),
        }
        .into());
    }
    let line = line(view, manifest, &uid)?.ok_or_else(|| {
        ReplicaError::Storage(format!("manifest {manifest} lost its line for {uid}"))
    })?;
    let problems = gs1_label_problems(&line, label);
    Ok(label_checked(
        uid,
        label.lot.as_deref().unwrap_or_default(),
        &line,
        problems,
    ))
}

/// A GTIN as 14 digits (GTIN-8, -12 and -13 padded with zeros in front).
fn gtin14(gtin: &str) -> String {
    format!("{:0>14}", gtin.trim())
}

fn gs1_label_problems(line: &Line, label: &Gs1Data) -> Vec<LabelProblem> {
    let mut problems = Vec::new();
    match (label.gtin.as_deref(), line.gtin.as_deref()) {
        (Some(printed), Some(item)) if gtin14(printed) != gtin14(item) => {
            problems.push(LabelProblem::GtinMismatch {
                printed: printed.to_owned(),
                item: item.to_owned(),
            })
        }
        (Some(_), None) => problems.push(LabelProblem::NoGtinOnFile),
        _ => {}
    }
    match (label.lot.as_deref(), line.lot.as_deref()) {
        (_, None) => problems.push(LabelProblem::NoBatchOnFile),
        (None, Some(_)) => problems.push(LabelProblem::NoLotOnLabel),
        (Some(printed), Some(lot)) if printed.trim() != lot => {
            problems.push(LabelProblem::LotMismatch {
                printed: printed.trim().to_owned(),
                lot: lot.to_owned(),
            })
        }
        _ => {}
    }
    match (label.expiry.as_deref(), line.expires_on.as_deref()) {
        (_, None) => problems.push(LabelProblem::NoExpiryOnFile),
        (None, Some(_)) => problems.push(LabelProblem::NoExpiryOnLabel),
        (Some(printed), Some(expiry)) if printed != expiry => {
            problems.push(LabelProblem::ExpiryMismatch {
                printed: printed.to_owned(),
                expiry: expiry.to_owned(),
            })
        }
        _ => {}
    }
    coa_problems(line, &mut problems);
    problems
}

fn coa_problems(line: &Line, problems: &mut Vec<LabelProblem>) {
    match line.coa.as_deref() {
        Some("passed") => {}
        Some("failed") => problems.push(LabelProblem::CoaFailed),
        Some("pending") => problems.push(LabelProblem::CoaPending),
        _ => problems.push(LabelProblem::NoCoa),
    }
}

fn label_problems(line: &Line, label: &Label) -> Vec<LabelProblem> {
    let mut problems = Vec::new();
    let Some(lot) = line.lot.as_deref() else {
        problems.push(LabelProblem::NoBatchOnFile);
        return problems;
    };
    if label.lot.trim() != lot {
        problems.push(LabelProblem::LotMismatch {
            printed: label.lot.trim().to_owned(),
            lot: lot.to_owned(),
        });
    }
    match (label.thc_bp, line.thc_bp) {
        (Some(printed_bp), Some(tested_bp)) if printed_bp != tested_bp => {
            problems.push(LabelProblem::ThcMismatch {
                printed_bp,
                tested_bp,
            })
        }
        (None, Some(_)) => problems.push(LabelProblem::NoThcOnLabel),
        (Some(_), None) => problems.push(LabelProblem::NoTestedPotency),
        _ => {}
    }
    match line.expires_on.as_deref() {
        Some(expiry) if label.expires_on.trim() != expiry => {
            problems.push(LabelProblem::ExpiryMismatch {
                printed: label.expires_on.trim().to_owned(),
                expiry: expiry.to_owned(),
            })
        }
        None => problems.push(LabelProblem::NoExpiryOnFile),
        _ => {}
    }
    coa_problems(line, &mut problems);
    problems
}

/// Quarantines scanned packages with a reason: one package, or every case of a pallet
/// (the UIDs scanned off it), in one action. Each goes to the quarantine cage.
pub fn quarantine(
    view: &Connection,
    manifest: &str,
    scans: &[Identifier],
    reason_code: &str,
    note: &str,
) -> StepResult<Vec<String>> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    if scans.is_empty() {
        return Err(Refusal::NothingScanned.into());
    }
    if scans.len() > MANIFEST_LINES_MAX {
        return Err(Refusal::TooMany {
            max: MANIFEST_LINES_MAX,
            what: Many::PackagesInQuarantine,
        }
        .into());
    }
    let reason = super::reason(view, reason_code, ReasonKind::Quarantine)?;
    let cage = super::quarantine_cage(view)?;
    // Quarantine moves the package to the cage: not into or out of a location being counted.
    super::count::refuse_while_counted(view, Some(&cage.id), Action::Moved)?;
    let mut uids: Vec<String> = Vec::with_capacity(scans.len());
    for scan in scans {
        let uid = package_tag(view, scan)?;
        scanned(view, manifest, &uid)?;
        let from = super::package(view, &uid)?.and_then(|p| p.location_id);
        super::count::refuse_while_counted(view, from.as_deref(), Action::Moved)?;
        if !uids.contains(&uid) {
            uids.push(uid);
        }
    }
    let facts = uids
        .iter()
        .map(|uid| {
            Payload::PackageQuarantined(PackageQuarantined {
                uid: uid.clone(),
                reason_code: reason.clone(),
                note: note.chars().take(NOTE_LEN_MAX).collect(),
                location: Some(cage.id.clone()),
            })
        })
        .collect();
    Ok(Plan::new(uids, facts))
}

/// Most packages in one receiving action.
pub const MANIFEST_LINES_MAX: usize = 4_096;
/// Longest free-text note kept.
pub const NOTE_LEN_MAX: usize = 500;

/// Accepts a scanned line. Refused while a failed check is not answered by quarantine.
pub fn accept(view: &Connection, manifest: &str, package: &StateTag) -> StepResult<()> {
    decide(view, manifest, package, None)
}

/// Rejects a scanned line with a reason.
pub fn reject(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    reason_code: &str,
) -> StepResult<()> {
    let reason = super::reason(view, reason_code, ReasonKind::Rejection)?;
    decide(view, manifest, package, Some(reason))
}

fn decide(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    reject_reason: Option<String>,
) -> StepResult<()> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let uid = facility_tag(view, package)?;
    let receipt = scanned(view, manifest, &uid)?;
    if let Some(decision) = receipt.decision {
        let decision = if decision == "accepted" {
            Decision::Accepted
        } else {
            Decision::Rejected
        };
        return Err(Refusal::AlreadyDecided { uid, decision }.into());
    }
    let accepted = reject_reason.is_none();
    if accepted {
        if !receipt.expected {
            return Err(Refusal::NotOnManifest {
                uid,
                manifest: manifest.to_owned(),
            }
            .into());
        }
        if !receipt.quarantined {
            if receipt.label_ok == Some(false) {
                return Err(Refusal::FailedCheck {
                    uid,
                    check: Check::Label,
                }
                .into());
            }
            if receipt.weight_ok == Some(false) {
                return Err(Refusal::FailedCheck {
                    uid,
                    check: Check::Weight,
                }
                .into());
            }
        }
    }
    let fact = match reject_reason {
        Some(reason_code) => Payload::ManifestLineRejected(ManifestLineRejected {
            manifest_id: manifest.to_owned(),
            uid,
            reason_code,
            note: String::new(),
        }),
        None => {
            let line = line(view, manifest, &uid)?.ok_or_else(|| {
                ReplicaError::Storage(format!("manifest {manifest} lost its line for {uid}"))
            })?;
            let measured_mg: Option<i64> = view
                .prepare_cached(
                    "SELECT weighed_mg FROM inbound_receipts WHERE manifest_id = ?1 AND uid = ?2",
                )?
                .query_row([manifest, uid.as_str()], |r| r.get(0))?;
            Payload::ManifestLineReceived(ManifestLineReceived {
                manifest_id: manifest.to_owned(),
                uid,
                quantity: line.quantity,
                measured_mg: measured_mg.and_then(|mg| u64::try_from(mg).ok()),
            })
        }
    };
    Ok(Plan::new((), vec![fact]))
}

/// Accepts a scanned line at a quantity (or weight) different from the manifest's, with a
/// reason code: the line's `manifest_line_received` carries the quantity received, and a
/// `receipt_difference_noted` (kind 277) keeps the manifest's quantity and the reason beside
/// it for the discrepancy list. The same checks as [`accept`] apply; the quantity must be in
/// the line's unit (units, or a weight). A quantity equal to the manifest's is a plain accept.
pub fn accept_different(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    received: Quantity,
    reason_code: &str,
    note: &str,
) -> StepResult<()> {
    let reason = super::reason(view, reason_code, ReasonKind::Adjustment)?;
    let mut plan = decide(view, manifest, package, None)?;
    let Some(Payload::ManifestLineReceived(line)) = plan.facts.first_mut() else {
        return Err(ReplicaError::Storage(
            "accepting a line planned no manifest_line_received".into(),
        ));
    };
    let manifest_quantity = line.quantity;
    let same_unit = matches!(
        (manifest_quantity, received),
        (Quantity::Units(_), Quantity::Units(_))
            | (Quantity::Milligrams(_), Quantity::Milligrams(_))
    );
    let zero = matches!(received, Quantity::Units(0) | Quantity::Milligrams(0));
    if !same_unit || zero {
        return Err(Refusal::WrongUnit {
            weighed: matches!(manifest_quantity, Quantity::Milligrams(_)),
        }
        .into());
    }
    if received == manifest_quantity {
        return Ok(plan);
    }
    line.quantity = received;
    let noted = ReceiptDifferenceNoted {
        manifest_id: line.manifest_id.clone(),
        uid: line.uid.clone(),
        manifest_quantity,
        received_quantity: received,
        reason_code: reason,
        note: note.chars().take(NOTE_LEN_MAX).collect(),
    };
    plan.facts.push(Payload::ReceiptDifferenceNoted(noted));
    Ok(plan)
}

/// Voids the arrival of a mis-scanned case (an `event_voided` of its `package_arrived`, with
/// a reason code): the case leaves the manifest's receipts, and the void stays on record.
/// Only a bare arrival can be voided: once the case was weighed, its label checked, it was
/// quarantined or its line decided, those records stand and the line is rejected instead.
pub fn void_arrival(
    view: &Connection,
    manifest: &str,
    package: &StateTag,
    reason_code: &str,
    note: &str,
) -> StepResult<String> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let uid = facility_tag(view, package)?;
    let receipt = scanned(view, manifest, &uid)?;
    let weighed: Option<i64> = view
        .prepare_cached(
            "SELECT weighed_mg FROM inbound_receipts WHERE manifest_id = ?1 AND uid = ?2",
        )?
        .query_row([manifest, uid.as_str()], |r| r.get(0))?;
    if receipt.decision.is_some()
        || receipt.quarantined
        || receipt.label_ok.is_some()
        || receipt.weight_ok.is_some()
        || weighed.is_some()
    {
        return Err(Refusal::ArrivalHasRecords { uid }.into());
    }
    let reason = super::reason(view, reason_code, ReasonKind::Adjustment)?;
    let target = arrival_event(view, manifest, &uid)?.ok_or_else(|| {
        ReplicaError::Storage(format!(
            "the arrival of {uid} on {manifest} is not in the log"
        ))
    })?;
    Ok(Plan::new(
        uid,
        vec![Payload::EventVoided(EventVoided {
            target,
            reason_code: reason,
            note: note.chars().take(NOTE_LEN_MAX).collect(),
        })],
    ))
}

/// The latest `package_arrived` of `uid` on `manifest`, this device's or another's.
fn arrival_event(
    view: &Connection,
    manifest: &str,
    uid: &str,
) -> Result<Option<EventRef>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT bytes FROM (
             SELECT bytes, 1 AS mine, seq AS n FROM event_log WHERE kind = 269
             UNION ALL
             SELECT bytes, 0 AS mine, ledger_index AS n FROM remote_events WHERE kind = 269)
         ORDER BY mine DESC, n DESC",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let event = SignedEvent::from_bytes(row.get::<_, Vec<u8>>(0)?)
            .map_err(|e| ReplicaError::Events(e.into()))?;
        if let Ok(Payload::PackageArrived(arrived)) = event.payload() {
            if arrived.manifest_id == manifest && arrived.uid == uid {
                return Ok(Some(EventRef {
                    device: event.device(),
                    seq: event.seq(),
                    record_sha256: event.record_hash(),
                }));
            }
        }
    }
    Ok(None)
}

/// Closes the manifest with a summary of missing and unexpected UIDs.
pub fn close(view: &Connection, manifest: &str) -> StepResult<CloseSummary> {
    let manifest = manifest.trim();
    require_open(view, manifest)?;
    let undecided: i64 = view
        .prepare_cached(
            "SELECT count(*) FROM inbound_receipts WHERE manifest_id = ?1 AND decision IS NULL",
        )?
        .query_row([manifest], |r| r.get(0))?;
    if undecided > 0 {
        return Err(Refusal::Undecided {
            manifest: manifest.to_owned(),
            count: undecided as usize,
        }
        .into());
    }
    let list = |sql: &str| -> Result<Vec<String>, ReplicaError> {
        let mut stmt = view.prepare_cached(sql)?;
        let rows = stmt.query_map([manifest], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let missing = list(
        "SELECT uid FROM inbound_lines l WHERE manifest_id = ?1 AND NOT EXISTS
         (SELECT 1 FROM inbound_receipts r WHERE r.manifest_id = l.manifest_id AND r.uid = l.uid)
         ORDER BY uid",
    )?;
    let unexpected = list(
        "SELECT uid FROM inbound_receipts WHERE manifest_id = ?1 AND expected = 0 ORDER BY uid",
    )?;
    let count = |sql: &str| -> Result<usize, ReplicaError> {
        let n: i64 = view
            .prepare_cached(sql)?
            .query_row([manifest], |r| r.get(0))?;
        Ok(n as usize)
    };
    let summary = CloseSummary {
        accepted: count(
            "SELECT count(*) FROM inbound_receipts WHERE manifest_id = ?1 AND decision = 'accepted'",
        )?,
        rejected: count(
            "SELECT count(*) FROM inbound_receipts WHERE manifest_id = ?1 AND decision = 'rejected'",
        )?,
        quarantined: count(
            "SELECT count(*) FROM inbound_receipts WHERE manifest_id = ?1 AND quarantined = 1",
        )?,
        missing: missing.clone(),
        unexpected: unexpected.clone(),
    };
    // More UIDs than one record holds: several `manifest_closed` events in this one action.
    let max = tally_events::limits::CLOSE_UIDS_MAX;
    let (missing, unexpected) = (
        super::chunks_of(&missing, max),
        super::chunks_of(&unexpected, max),
    );
    let facts = (0..missing.len().max(unexpected.len()))
        .map(|i| {
            Payload::ManifestClosed(ManifestClosed {
                manifest_id: manifest.to_owned(),
                missing_uids: super::chunk_at(&missing, i),
                unexpected_uids: super::chunk_at(&unexpected, i),
            })
        })
        .collect();
    Ok(Plan::new(summary, facts))
}

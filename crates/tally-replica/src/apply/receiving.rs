//! Receiving: cases arriving, lines accepted or rejected, label checks, differences and closing
//! (mirrors [`crate::workflow::receiving`]).

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::{
    CheckResult, LabelChecked, ManifestClosed, ManifestLineReceived, ManifestLineRejected,
    PackageArrived, ReceiptDifferenceNoted,
};

use super::{opt_i64, qty};
use crate::error::ReplicaError;
pub(super) fn package_arrived(view: &Connection, p: &PackageArrived) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR IGNORE INTO inbound_receipts (manifest_id, uid, expected) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![p.manifest_id, p.uid, p.on_manifest])?;
    view.prepare_cached(
        "UPDATE inbound_manifests SET status = 'receiving' WHERE id = ?1 AND status = 'expected'",
    )?
    .execute([&p.manifest_id])?;
    if p.on_manifest {
        let dock = first_dock(view)?;
        // The package lands on the dock, on hold until its line is accepted.
        view.prepare_cached(
            "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, location_id, status, status_reason)
             SELECT l.uid, l.item_id, NULL, l.quantity, l.unit, ?3, 'on_hold', 'receiving'
             FROM inbound_lines l WHERE l.manifest_id = ?1 AND l.uid = ?2
             ON CONFLICT(uid) DO UPDATE SET location_id = coalesce(?3, packages.location_id),
             status = 'on_hold', status_reason = 'receiving', tote_id = NULL",
        )?
        .execute(params![p.manifest_id, p.uid, dock])?;
    }
    Ok(())
}

pub(super) fn manifest_line_received(
    view: &Connection,
    p: &ManifestLineReceived,
) -> Result<(), ReplicaError> {
    let (amount, unit) = qty(p.quantity)?;
    view.prepare_cached(
        "UPDATE inbound_receipts SET decision = 'accepted' WHERE manifest_id = ?1 AND uid = ?2",
    )?
    .execute(params![p.manifest_id, p.uid])?;
    view.prepare_cached(
        "UPDATE packages SET quantity = ?2, unit = ?3, measured_mg = coalesce(?4, measured_mg),
         status = CASE WHEN status = 'on_hold' AND status_reason = 'receiving' THEN 'active' ELSE status END,
         status_reason = CASE WHEN status = 'on_hold' AND status_reason = 'receiving' THEN NULL ELSE status_reason END
         WHERE uid = ?1",
    )?
    .execute(params![p.uid, amount, unit, opt_i64(p.measured_mg)?])?;
    Ok(())
}

pub(super) fn manifest_line_rejected(
    view: &Connection,
    p: &ManifestLineRejected,
) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "UPDATE inbound_receipts SET decision = 'rejected', reason = ?3 WHERE manifest_id = ?1 AND uid = ?2",
    )?
    .execute(params![p.manifest_id, p.uid, p.reason_code])?;
    // Rejected stock goes back on the truck.
    view.prepare_cached(
        "UPDATE packages SET status = 'in_transit', status_reason = ?2, location_id = NULL, tote_id = NULL
         WHERE uid = ?1",
    )?
    .execute(params![p.uid, p.reason_code])?;
    Ok(())
}

pub(super) fn manifest_closed(view: &Connection, p: &ManifestClosed) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE inbound_manifests SET status = 'closed' WHERE id = ?1")?
        .execute([&p.manifest_id])?;
    Ok(())
}

pub(super) fn label_checked(view: &Connection, p: &LabelChecked) -> Result<(), ReplicaError> {
    for manifest in receiving_manifests_of(view, &p.uid)? {
        view.prepare_cached(
            "UPDATE inbound_receipts SET label_ok = ?3 WHERE manifest_id = ?1 AND uid = ?2",
        )?
        .execute(params![manifest, p.uid, p.result == CheckResult::Pass])?;
    }
    Ok(())
}

pub(super) fn receipt_difference_noted(
    view: &Connection,
    p: &ReceiptDifferenceNoted,
) -> Result<(), ReplicaError> {
    let (manifest_amount, manifest_unit) = qty(p.manifest_quantity)?;
    let (received_amount, received_unit) = qty(p.received_quantity)?;
    view.prepare_cached(
        "INSERT OR REPLACE INTO inbound_differences (manifest_id, uid, manifest_amount,
         manifest_unit, received_amount, received_unit, reason_code, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.manifest_id,
        p.uid,
        manifest_amount,
        manifest_unit,
        received_amount,
        received_unit,
        p.reason_code,
        p.note
    ])?;
    Ok(())
}

pub(super) fn receiving_manifests_of(
    view: &Connection,
    uid: &str,
) -> Result<Vec<String>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT r.manifest_id FROM inbound_receipts r JOIN inbound_manifests m ON m.id = r.manifest_id
         WHERE r.uid = ?1 AND m.status = 'receiving'",
    )?;
    let rows = stmt.query_map([uid], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn first_dock(view: &Connection) -> Result<Option<String>, ReplicaError> {
    Ok(view
        .prepare_cached("SELECT id FROM locations WHERE kind = 'dock' ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

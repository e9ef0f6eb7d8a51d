//! Quarantine, holds and release: quarantined packages, investigation holds and releases back to
//! active stock (mirrors [`crate::workflow::release`]).

use rusqlite::{params, Connection};
use tally_events::payload::{
    InvestigationClosed, InvestigationOpened, PackageQuarantined, PackageReleased,
};

use crate::error::ReplicaError;
pub(super) fn package_quarantined(
    view: &Connection,
    p: &PackageQuarantined,
) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "UPDATE packages SET status = 'quarantined', status_reason = ?2,
         location_id = coalesce(?3, location_id), tote_id = NULL WHERE uid = ?1",
    )?
    .execute(params![p.uid, p.reason_code, p.location])?;
    for manifest in super::receiving::receiving_manifests_of(view, &p.uid)? {
        view.prepare_cached(
            "UPDATE inbound_receipts SET quarantined = 1, reason = ?3 WHERE manifest_id = ?1 AND uid = ?2",
        )?
        .execute(params![manifest, p.uid, p.reason_code])?;
    }
    Ok(())
}

pub(super) fn package_released(view: &Connection, p: &PackageReleased) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "UPDATE packages SET status = 'active', status_reason = ?2 WHERE uid = ?1",
    )?
    .execute(params![p.uid, p.reason_code])?;
    Ok(())
}

pub(super) fn investigation_opened(
    view: &Connection,
    p: &InvestigationOpened,
) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR REPLACE INTO investigations (id, reason, status) VALUES (?1, ?2, 'open')",
    )?
    .execute(params![p.investigation_id, p.reason_code])?;
    let hold = format!("investigation {}", p.investigation_id);
    for uid in &p.uids {
        view.prepare_cached(
            "INSERT OR IGNORE INTO investigation_packages (investigation_id, uid) VALUES (?1, ?2)",
        )?
        .execute(params![p.investigation_id, uid])?;
        view.prepare_cached(
            "UPDATE packages SET status = 'on_hold', status_reason = ?2 WHERE uid = ?1 AND status = 'active'",
        )?
        .execute(params![uid, hold])?;
    }
    Ok(())
}

pub(super) fn investigation_closed(
    view: &Connection,
    p: &InvestigationClosed,
) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE investigations SET status = 'closed' WHERE id = ?1")?
        .execute([&p.investigation_id])?;
    let hold = format!("investigation {}", p.investigation_id);
    view.prepare_cached(
        "UPDATE packages SET status = 'active', status_reason = NULL WHERE status = 'on_hold' AND status_reason = ?2
         AND uid IN (SELECT uid FROM investigation_packages WHERE investigation_id = ?1)",
    )?
    .execute(params![p.investigation_id, hold])?;
    Ok(())
}

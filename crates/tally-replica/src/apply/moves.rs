//! Moves and splits (mirrors [`crate::workflow::moves`]).

use rusqlite::{params, Connection};
use tally_events::payload::{PackageMoved, PackageSplit};

use super::qty;
use crate::error::ReplicaError;
pub(super) fn package_moved(view: &Connection, p: &PackageMoved) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE packages SET location_id = ?2, tote_id = NULL WHERE uid = ?1")?
        .execute(params![p.uid, p.to_location])?;
    Ok(())
}

pub(super) fn package_split(view: &Connection, p: &PackageSplit) -> Result<(), ReplicaError> {
    let (amount, unit) = qty(p.quantity)?;
    let changed = view
        .prepare_cached(
            "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, location_id, status, status_reason)
             SELECT ?2, item_id, batch_id, ?3, ?4, location_id, status, status_reason FROM packages WHERE uid = ?1
             ON CONFLICT(uid) DO NOTHING",
        )?
        .execute(params![p.source_uid, p.new_uid, amount, unit])?;
    if changed == 1 {
        view.prepare_cached("UPDATE packages SET quantity = max(quantity - ?2, 0) WHERE uid = ?1")?
            .execute(params![p.source_uid, amount])?;
    }
    Ok(())
}

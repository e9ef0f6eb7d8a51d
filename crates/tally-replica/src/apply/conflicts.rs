//! A supervisor's settlement of a package in conflict (mirrors [`crate::workflow::conflicts`]).

use rusqlite::{params, Connection};
use tally_events::payload::ConflictSettled;

use super::qty;
use crate::error::ReplicaError;
use crate::model;
pub(super) fn conflict_settled(view: &Connection, p: &ConflictSettled) -> Result<(), ReplicaError> {
    let (amount, unit) = qty(p.quantity)?;
    let through = i64::try_from(p.through_ledger_index).unwrap_or(i64::MAX);
    view.prepare_cached("DELETE FROM conflicts WHERE uid = ?1 AND ledger_index <= ?2")?
        .execute(params![p.uid, through])?;
    // A conflict that arrived after the one the supervisor saw stays flagged.
    view.prepare_cached(
        "UPDATE packages SET quantity = ?2, unit = ?3, location_id = ?4, status = ?5,
             conflict = EXISTS (SELECT 1 FROM conflicts WHERE uid = ?1)
         WHERE uid = ?1",
    )?
    .execute(params![
        p.uid,
        amount,
        unit,
        p.location_id,
        model::status(p.status)
    ])?;
    Ok(())
}

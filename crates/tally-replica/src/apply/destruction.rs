//! Destruction: the package is destroyed, with who witnessed it (mirrors
//! [`crate::workflow::destruction`]).

use rusqlite::{params, Connection};
use tally_events::payload::DestructionRecorded;

use super::{qty, EventMeta};
use crate::error::ReplicaError;
pub(super) fn destruction_recorded(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &DestructionRecorded,
) -> Result<(), ReplicaError> {
    let origin = meta.origin.label();
    let reference = meta.origin.reference();
    let (amount, unit) = qty(p.quantity)?;
    view.prepare_cached(
        "INSERT OR REPLACE INTO destructions (uid, quantity, unit, reason, method, actor, witness, origin, ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![p.uid, amount, unit, p.reason_code, p.method, meta.actor, p.witness, origin, reference])?;
    view.prepare_cached(
        "UPDATE packages SET status = 'destroyed', status_reason = ?2, quantity = 0,
         location_id = NULL, tote_id = NULL WHERE uid = ?1",
    )?
    .execute(params![p.uid, p.reason_code])?;
    Ok(())
}

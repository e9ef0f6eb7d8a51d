//! Loading reconciliation's verdict on an outbound manifest (mirrors [`crate::workflow::loading`]).

use rusqlite::{params, Connection};
use tally_events::payload::{CheckResult, LoadingReconciled};

use crate::error::ReplicaError;
pub(super) fn loading_reconciled(
    view: &Connection,
    p: &LoadingReconciled,
) -> Result<(), ReplicaError> {
    let status = if p.result == CheckResult::Pass {
        "ready"
    } else {
        "draft"
    };
    view.prepare_cached("UPDATE outbound_manifests SET status = ?2 WHERE id = ?1")?
        .execute(params![p.manifest_id, status])?;
    Ok(())
}

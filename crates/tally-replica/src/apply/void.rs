//! Voided events: the void is recorded; a voided arrival leaves its manifest's receipts.

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::EventVoided;
use tally_events::Payload;

use crate::error::ReplicaError;
pub(super) fn event_voided(view: &Connection, p: &EventVoided) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR REPLACE INTO voided (device, seq, hash, reason) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        &p.target.device.0[..],
        i64::try_from(p.target.seq).unwrap_or(i64::MAX),
        &p.target.record_sha256.0[..],
        p.reason_code
    ])?;
    void_arrival(view, &p.target)?;
    Ok(())
}

/// A voided `package_arrived` (a mis-scan at receiving) takes the case off the manifest's
/// receipts while nothing was decided or quarantined for it; the void itself stays on record.
/// Checks and weights recorded against it stay in the log as evidence.
pub(super) fn void_arrival(
    view: &Connection,
    target: &tally_events::payload::EventRef,
) -> Result<(), ReplicaError> {
    let seq = i64::try_from(target.seq).unwrap_or(i64::MAX);
    let bytes: Option<Vec<u8>> = view
        .prepare_cached(
            "SELECT bytes FROM event_log WHERE seq = ?2 AND hash = ?3 AND kind = 269
             UNION ALL
             SELECT bytes FROM remote_events WHERE device = ?1 AND seq = ?2 AND hash = ?3 AND kind = 269
             LIMIT 1",
        )?
        .query_row(
            params![&target.device.0[..], seq, &target.record_sha256.0[..]],
            |r| r.get(0),
        )
        .optional()?;
    let Some(bytes) = bytes else {
        return Ok(());
    };
    let event =
        tally_events::SignedEvent::from_bytes(bytes).map_err(|e| ReplicaError::Events(e.into()))?;
    let Ok(Payload::PackageArrived(arrived)) = event.payload() else {
        return Ok(());
    };
    view.prepare_cached(
        "DELETE FROM inbound_receipts WHERE manifest_id = ?1 AND uid = ?2
         AND decision IS NULL AND quarantined = 0",
    )?
    .execute(params![arrived.manifest_id, arrived.uid])?;
    Ok(())
}

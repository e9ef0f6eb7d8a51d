//! The Supervisor dock view (`GET /v1/projections/devices`): each enrolled device of a
//! facility with what the ledger holds from it, its last push and the backlog it reported,
//! its forks and its last refused push; and the count variances waiting for a supervisor.
//!
//! Where each number comes from:
//! - `events`, `revoked`: the `devices` table (head seq, revocation);
//! - `forks`: the `forks` table (evidence kept);
//! - `last_push_unix_ms`, `last_sync_unix_ms`, `backlog`, `last_error`: the
//!   `device_push_status` table, written after each push ([`crate::dock_store`]);
//! - `variances_waiting`: the projections (count lines of the submitted round of counts
//!   waiting for review, with a variance or no stock on record).

use std::collections::HashMap;

use tally_events::DeviceId;

use super::{int, DockDeviceView, DockErrorView, DockView, Projector};
use crate::dock_store::PushStatusRow;
use crate::error::LedgerError;
use crate::store::{DeviceRow, Store};

/// The dock view of `facility` (every facility with `None`).
pub fn view<S: Store>(
    store: &S,
    projector: &mut Projector<S>,
    facility: Option<&str>,
) -> Result<DockView, LedgerError> {
    let progress = projector.progress()?;
    let variances_waiting = variances_waiting(projector, facility)?;
    let devices = assemble(
        store.devices()?,
        store.push_statuses()?,
        store.fork_counts()?,
        facility,
    );
    Ok(DockView {
        projected: progress.projected,
        tree_size: progress.tree_size,
        variances_waiting,
        devices,
    })
}

/// Count lines of counts submitted and waiting for review (their status is `submitted`: not
/// sent to a recount, not closed), of the round submitted, whose count differs from the stock
/// on record or found a package without one.
fn variances_waiting<S: Store>(
    projector: &mut Projector<S>,
    facility: Option<&str>,
) -> Result<u64, LedgerError> {
    let rows = projector.db().rows(
        "SELECT count(*) FROM proj_count_lines l
         JOIN proj_count_tasks t ON t.count_task_id = l.count_task_id AND t.round = l.round
         WHERE t.status = 'submitted' AND (l.variance IS NULL OR l.variance <> 0)
             AND (CAST(?1 AS TEXT) IS NULL OR t.facility = ?1)",
        &[facility.into()],
    )?;
    Ok(rows
        .first()
        .and_then(|r| int(r, 0))
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0))
}

/// The devices of `facility` (all with `None`) in enrollment order, with their push status
/// and fork count (pure).
pub fn assemble(
    devices: Vec<DeviceRow>,
    statuses: Vec<PushStatusRow>,
    forks: Vec<(DeviceId, u64)>,
    facility: Option<&str>,
) -> Vec<DockDeviceView> {
    let mut statuses: HashMap<DeviceId, PushStatusRow> = statuses
        .into_iter()
        .map(|row| (row.device_id, row))
        .collect();
    let forks: HashMap<DeviceId, u64> = forks.into_iter().collect();
    devices
        .into_iter()
        .filter(|d| facility.is_none_or(|f| d.facility == f))
        .map(|d| {
            let status = statuses.remove(&d.device_id);
            DockDeviceView {
                device_id: d.device_id.to_string(),
                name: d.name,
                facility: d.facility,
                revoked: d.revoked_unix_ms.is_some(),
                events: d.head_seq,
                last_push_unix_ms: status.as_ref().map(|s| s.last_push_unix_ms),
                last_sync_unix_ms: status.as_ref().and_then(|s| s.last_accepted_unix_ms),
                backlog: status.as_ref().and_then(PushStatusRow::backlog),
                forks: forks.get(&d.device_id).copied().unwrap_or(0),
                last_error: status.and_then(|s| s.last_refused).map(
                    |(error, message, message_es, unix_ms)| DockErrorView {
                        error,
                        message,
                        message_es,
                        unix_ms,
                    },
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(byte: u8, facility: &str) -> DeviceRow {
        DeviceRow {
            device_id: DeviceId([byte; 32]),
            name: format!("dock-{byte}"),
            facility: facility.into(),
            token_sha256: [0; 32],
            head_seq: u64::from(byte) * 10,
            head_hash: None,
            revoked_unix_ms: (byte == 3).then_some(5),
            forked_unix_ms: None,
        }
    }

    #[test]
    fn each_device_gets_its_own_status_and_forks_and_other_facilities_stay_out() {
        let statuses = vec![
            PushStatusRow {
                device_id: DeviceId([2; 32]),
                last_push_unix_ms: 900,
                waiting: Some(700),
                receipts: 500,
                last_accepted_unix_ms: Some(800),
                last_refused: Some(("gap".into(), "a gap".into(), "un hueco".into(), 900)),
            },
            PushStatusRow {
                device_id: DeviceId([9; 32]),
                last_push_unix_ms: 1,
                waiting: Some(1),
                receipts: 0,
                last_accepted_unix_ms: Some(1),
                last_refused: None,
            },
        ];
        let forks = vec![(DeviceId([3; 32]), 1)];
        let rows = vec![
            device(1, "A"),
            device(2, "A"),
            device(3, "A"),
            device(9, "B"),
        ];
        let out = assemble(rows.clone(), statuses.clone(), forks.clone(), Some("A"));
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|d| d.facility == "A"));
        // Never pushed: no push status, no backlog.
        assert_eq!(
            (out[0].last_push_unix_ms, out[0].backlog, out[0].forks),
            (None, None, 0)
        );
        assert_eq!(out[0].events, 10);
        // Reported 700 waiting and got 500 receipts: 200 left at the device.
        assert_eq!(out[1].backlog, Some(200));
        assert_eq!(
            (out[1].last_push_unix_ms, out[1].last_sync_unix_ms),
            (Some(900), Some(800))
        );
        assert_eq!(out[1].last_error.as_ref().unwrap().error, "gap");
        assert_eq!(out[1].last_error.as_ref().unwrap().message_es, "un hueco");
        assert!(out[2].revoked);
        assert_eq!(out[2].forks, 1);
        assert_eq!(assemble(rows, statuses, forks, None).len(), 4);
    }

    #[test]
    fn a_client_that_never_said_what_was_waiting_has_no_backlog() {
        let row = PushStatusRow {
            device_id: DeviceId([1; 32]),
            last_push_unix_ms: 1,
            waiting: None,
            receipts: 3,
            last_accepted_unix_ms: Some(1),
            last_refused: None,
        };
        assert_eq!(row.backlog(), None);
        // A count that says less than the receipts (a re-send) never goes below zero.
        let row = PushStatusRow {
            waiting: Some(2),
            ..row
        };
        assert_eq!(row.backlog(), Some(0));
    }
}

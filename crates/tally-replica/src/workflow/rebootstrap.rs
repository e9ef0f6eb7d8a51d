//! Re-bootstrapping the device's view of the facility after its ledger's stream of facility
//! deltas stopped matching what the device folded (a ledger restored from a backup renumbered
//! it; tallyd stops pulling with "stream diverged", docs/SYNC.md): a supervisor's decision,
//! recorded as kind 280 `device_rebootstrapped` in the device's own log. In the same
//! transaction the view is emptied (`crate::sync::empty_view`): what came from other devices
//! is forgotten, the ledger cursor goes back to 0 and the next pull takes the whole stream
//! again, every page proved in the log; the device's own events, outbox and checkpoints stay.
//!
//! Whether the stream diverged is tallyd's verdict (`tally_sync::rebootstrap::inspect` asks the
//! ledger); this step checks who decides, the reason, and that the verdict is about the cursor
//! the device holds now.

use rusqlite::Connection;
use tally_events::payload::DeviceRebootstrapped;
use tally_events::Payload;

use super::{Plan, Session, StepResult};
use crate::error::ReplicaError;
use crate::outbox;

/// The divergence a supervisor looked at: the cursor the device had folded and the stream
/// length the ledger served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diverged {
    /// The device's ledger cursor when the divergence was seen.
    pub cursor: u64,
    /// The stream length the ledger served.
    pub served_size: u64,
}

/// Plans the re-bootstrap by `who` (a supervisor) after `diverged`, for `reason`.
pub fn rebootstrap(
    view: &Connection,
    who: &Session,
    diverged: &Diverged,
    reason: &str,
) -> StepResult<DeviceRebootstrapped> {
    who.require_supervisor()?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ReplicaError::Storage(
            "a re-bootstrap needs a reason (the incident: when the ledger was restored)".into(),
        ));
    }
    let link = outbox::link(view)?.ok_or_else(|| {
        ReplicaError::NotFound(
            "this device is not enrolled with a ledger: there is no stream to re-bootstrap from"
                .into(),
        )
    })?;
    let cursor = crate::sync::ledger_cursor(view)?;
    if cursor != diverged.cursor {
        return Err(ReplicaError::Storage(format!(
            "the device's cursor moved from {} to {cursor} since the ledger was compared: compare again",
            diverged.cursor
        )));
    }
    let event = DeviceRebootstrapped {
        origin: link.origin,
        cursor,
        served_size: diverged.served_size,
        reason: reason.to_owned(),
    };
    Ok(Plan::new(
        event.clone(),
        vec![Payload::DeviceRebootstrapped(event)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::LedgerLink;
    use crate::refusal::Refusal;
    use crate::sync::Delta;
    use crate::workflow::reanchor::tests::replica;
    use crate::Replica;

    fn enroll(replica: &Replica) {
        let mut conn = crate::db::open(replica.path()).unwrap();
        outbox::set_link(
            &mut conn,
            &LedgerLink {
                url: "http://ledger".into(),
                origin: "ledger.test/log".into(),
                verifier_key: "ledger.test/log+00000000+AQ".into(),
                device: replica.device(),
                facility: crate::seed::FACILITY.into(),
                name: "dock".into(),
                enrolled_unix_ms: 1,
            },
        )
        .unwrap();
    }

    /// The device's own records through `through`, as the ledger would serve them from 1.
    fn own_stream(replica: &Replica, through: u64) -> Vec<Delta> {
        let mut stmt = replica
            .view()
            .prepare("SELECT seq, bytes FROM event_log WHERE seq <= ?1 ORDER BY seq")
            .unwrap();
        stmt.query_map([through as i64], |r| {
            Ok(Delta {
                ledger_index: r.get::<_, i64>(0)? as u64,
                bytes: r.get(1)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    fn count(replica: &Replica, sql: &str) -> i64 {
        replica.view().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn head(replica: &Replica) -> u64 {
        count(replica, "SELECT max(seq) FROM event_log") as u64
    }

    #[test]
    fn a_supervisor_empties_the_view_and_the_whole_stream_rebuilds_it_with_own_events_folded_again()
    {
        let dir = tempfile::tempdir().unwrap();
        let mut replica = replica(dir.path());
        let (operator, _) = replica.sign_in("B1001", "1111").unwrap();
        let (supervisor, _) = replica.sign_in("B2001", "4444").unwrap();
        let diverged = Diverged {
            cursor: 0,
            served_size: 0,
        };
        // Not enrolled: no stream to re-bootstrap from.
        assert!(matches!(
            replica.rebootstrap(&supervisor, &diverged, "restored"),
            Err(ReplicaError::NotFound(_))
        ));
        enroll(&replica);
        // The ledger took every own event so far: the view as it stands after the receipts.
        let pushed = head(&replica);
        let mut conn = crate::db::open(replica.path()).unwrap();
        crate::sync::apply_device_deltas(&mut conn, &own_stream(&replica, pushed)).unwrap();
        let before = crate::stats::view_digest(replica.view()).unwrap();
        let packages = count(&replica, "SELECT count(*) FROM packages");
        assert!(packages > 0);
        let events = count(&replica, "SELECT count(*) FROM event_log");
        let diverged = Diverged {
            cursor: pushed,
            served_size: 3,
        };
        // A person who is not a supervisor, no reason, a verdict about another cursor: refused,
        // nothing recorded, nothing emptied.
        assert!(matches!(
            replica.rebootstrap(&operator, &diverged, "restored"),
            Err(ReplicaError::Refused(Refusal::NotSupervisor { .. }))
        ));
        assert!(replica.rebootstrap(&supervisor, &diverged, " ").is_err());
        let stale = Diverged {
            cursor: pushed - 1,
            ..diverged
        };
        assert!(replica
            .rebootstrap(&supervisor, &stale, "restored")
            .is_err());
        assert_eq!(count(&replica, "SELECT count(*) FROM event_log"), events);
        assert_eq!(count(&replica, "SELECT count(*) FROM packages"), packages);
        // The supervisor's re-bootstrap: recorded, the view emptied, the cursor at 0, own log
        // and outbox kept.
        let (event, recorded) = replica
            .rebootstrap(&supervisor, &diverged, "ledger restored 03:10")
            .unwrap();
        assert_eq!(recorded.len(), 1);
        assert_eq!((event.cursor, event.served_size), (pushed, 3));
        assert_eq!(event.origin, "ledger.test/log");
        assert_eq!(count(&replica, "SELECT count(*) FROM packages"), 0);
        assert_eq!(count(&replica, "SELECT count(*) FROM remote_events"), 0);
        assert_eq!(crate::sync::ledger_cursor(replica.view()).unwrap(), 0);
        assert_eq!(crate::sync::refold_through(replica.view()).unwrap(), pushed);
        assert_eq!(
            count(&replica, "SELECT count(*) FROM event_log"),
            events + 1
        );
        // The renumbered stream served again from 1: the own events folded again at their
        // place, the view exactly as it was.
        crate::sync::apply_device_deltas(&mut conn, &own_stream(&replica, pushed)).unwrap();
        assert_eq!(crate::stats::view_digest(replica.view()).unwrap(), before);
        assert_eq!(crate::sync::finish_refold(&mut conn).unwrap(), 0);
        assert_eq!(crate::sync::refold_through(replica.view()).unwrap(), 0);
        assert_eq!(crate::stats::view_digest(replica.view()).unwrap(), before);
        // The replay of the device's logged inputs builds the same view.
        assert_eq!(
            crate::sync::replay_view_digest(replica.view(), None).unwrap(),
            before
        );
    }

    #[test]
    fn own_events_the_ledger_does_not_send_back_are_folded_when_the_stream_ends() {
        let dir = tempfile::tempdir().unwrap();
        let mut replica = replica(dir.path());
        let (supervisor, _) = replica.sign_in("B2001", "4444").unwrap();
        enroll(&replica);
        let packages = count(&replica, "SELECT count(*) FROM packages");
        let diverged = Diverged {
            cursor: 0,
            served_size: 0,
        };
        replica
            .rebootstrap(&supervisor, &diverged, "ledger restored 03:10")
            .unwrap();
        assert_eq!(count(&replica, "SELECT count(*) FROM packages"), 0);
        // The ledger holds nothing of this device: the pull ends at once and every own event
        // is folded again on top.
        let mut conn = crate::db::open(replica.path()).unwrap();
        assert!(crate::sync::finish_refold(&mut conn).unwrap() > 0);
        assert_eq!(count(&replica, "SELECT count(*) FROM packages"), packages);
        assert_eq!(crate::sync::finish_refold(&mut conn).unwrap(), 0);
        assert_eq!(
            crate::sync::replay_view_digest(replica.view(), None).unwrap(),
            crate::stats::view_digest(replica.view()).unwrap()
        );
    }
}

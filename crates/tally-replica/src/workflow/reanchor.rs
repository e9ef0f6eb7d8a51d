//! Re-anchoring the device to its ledger after the ledger was restored from a backup
//! (docs/LEDGER.md, "A ledger restored from a backup"): a supervisor's decision, recorded as
//! kind 6 `ledger_reanchored` in the device's own log. The event names the newest checkpoint
//! the device holds (read here, in the write transaction, so it is exactly the one held when
//! it is recorded) and the restored checkpoint it accepts instead; `tallyd` honours it only
//! when the ledger's log is that one or extends it, and then pushes again what the ledger
//! lost.
//!
//! The restored checkpoint comes from the ledger (the caller fetched it and verified its
//! signature with the pinned key); this step checks who decides and that the decision fits
//! this device: enrolled, the same log, a checkpoint held that the restored one is not.

use rusqlite::Connection;
use tally_events::payload::LedgerReanchored;
use tally_events::{Payload, Sha256Hash};

use super::{Plan, Session, StepResult};
use crate::error::ReplicaError;
use crate::outbox::{self, StoredCheckpoint};

/// The restored ledger's checkpoint a supervisor accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The log's origin (must be the pinned log's).
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Sha256Hash,
}

/// What a supervisor looks at before re-anchoring: the pinned log and the newest checkpoint
/// the device holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The pinned log's origin.
    pub origin: String,
    /// The pinned ledger's URL.
    pub url: String,
    /// The newest checkpoint held (of the current anchor).
    pub checkpoint: StoredCheckpoint,
}

/// The pinned log and the newest checkpoint held; `None` when the device is not enrolled or
/// holds no checkpoint yet (then there is nothing to re-anchor).
pub fn held(view: &Connection) -> Result<Option<Held>, ReplicaError> {
    let Some(link) = outbox::link(view)? else {
        return Ok(None);
    };
    Ok(outbox::latest_checkpoint(view)?.map(|checkpoint| Held {
        origin: link.origin,
        url: link.url,
        checkpoint,
    }))
}

/// Plans the re-anchoring by `who` (a supervisor) to `restored`, for `reason`.
pub fn reanchor(
    view: &Connection,
    who: &Session,
    restored: &Restored,
    reason: &str,
) -> StepResult<LedgerReanchored> {
    who.require_supervisor()?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ReplicaError::Storage(
            "a re-anchoring needs a reason (the incident: when the ledger was restored)".into(),
        ));
    }
    let held = held(view)?.ok_or_else(|| {
        ReplicaError::NotFound(
            "this device is not enrolled with a ledger, or holds no checkpoint of it: there is nothing to re-anchor".into(),
        )
    })?;
    if restored.origin != held.origin {
        return Err(ReplicaError::Storage(format!(
            "the restored checkpoint is of the log {}, this device is pinned to {}: a re-anchoring never moves a device to another log",
            restored.origin, held.origin
        )));
    }
    if restored.size == held.checkpoint.size && restored.root == held.checkpoint.root {
        return Err(ReplicaError::Storage(
            "the ledger serves the checkpoint this device holds: there is nothing to re-anchor"
                .into(),
        ));
    }
    let event = LedgerReanchored {
        origin: held.origin,
        held_size: held.checkpoint.size,
        held_root: held.checkpoint.root,
        new_size: restored.size,
        new_root: restored.root,
        reason: reason.to_owned(),
    };
    Ok(Plan::new(
        event.clone(),
        vec![Payload::LedgerReanchored(event)],
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::outbox::LedgerLink;
    use crate::refusal::Refusal;
    use crate::Replica;

    /// An enrolled demo replica in `dir` (keys in their own directory).
    pub(crate) fn replica(dir: &std::path::Path) -> Replica {
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let mut replica = Replica::init_in_key_dir(
            &dir.join("data/r.db"),
            &dir.join("keys"),
            Box::new(crate::clock::SystemClock::new()),
            tally_events::payload::DeviceEnrolled {
                facility: crate::seed::FACILITY.into(),
                hardware_serial: "T".into(),
                enrollment_token_sha256: Sha256Hash::of(b"t"),
                previous_device: None,
            },
            &crate::keys::KeyOptions::default(),
        )
        .unwrap();
        crate::seed::demo_with_pin_params(&mut replica, 3, 1, &tally_events::pin::PinParams::TEST)
            .unwrap();
        replica
    }

    fn pin(replica: &Replica, size: u64) {
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
        outbox::accept_checkpoint(
            &mut conn,
            &StoredCheckpoint {
                anchor: 0,
                size,
                root: Sha256Hash([size as u8; 32]),
                note: "n".into(),
            },
            1,
        )
        .unwrap();
    }

    fn restored(size: u64) -> Restored {
        Restored {
            origin: "ledger.test/log".into(),
            size,
            root: Sha256Hash([size as u8; 32]),
        }
    }

    fn events(replica: &Replica) -> i64 {
        replica
            .view()
            .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn only_a_supervisor_re_anchors_an_enrolled_device_to_its_own_log() {
        let dir = tempfile::tempdir().unwrap();
        let mut replica = replica(dir.path());
        let (operator, _) = replica.sign_in("B1001", "1111").unwrap();
        let (supervisor, _) = replica.sign_in("B2001", "4444").unwrap();
        // Not enrolled: nothing to re-anchor.
        assert!(matches!(
            replica.reanchor(&supervisor, &restored(5), "restored"),
            Err(ReplicaError::NotFound(_))
        ));
        pin(&replica, 20);
        assert_eq!(held(replica.view()).unwrap().unwrap().checkpoint.size, 20);
        let before = events(&replica);
        // A person who is not a supervisor is refused.
        assert!(matches!(
            replica.reanchor(&operator, &restored(5), "restored"),
            Err(ReplicaError::Refused(Refusal::NotSupervisor { .. }))
        ));
        // Another log, the checkpoint already held, no reason: refused.
        let mut other = restored(5);
        other.origin = "evil.test/log".into();
        assert!(replica.reanchor(&supervisor, &other, "restored").is_err());
        assert!(replica
            .reanchor(&supervisor, &restored(20), "restored")
            .is_err());
        assert!(replica.reanchor(&supervisor, &restored(5), "  ").is_err());
        assert_eq!(events(&replica), before, "a refusal records nothing");
        // The supervisor's decision names what the device holds and what it accepts.
        let (event, recorded) = replica
            .reanchor(&supervisor, &restored(5), "ledger restored 03:10")
            .unwrap();
        assert_eq!(recorded.len(), 1);
        assert_eq!((event.held_size, event.new_size), (20, 5));
        assert_eq!(event.held_root, Sha256Hash([20; 32]));
        let (_, latest) = outbox::latest_reanchor(replica.view()).unwrap().unwrap();
        assert_eq!(latest, event);
    }
}

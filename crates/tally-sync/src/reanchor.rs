//! What a supervisor looks at before re-anchoring a device to a ledger restored from a backup
//! (docs/LEDGER.md, "A ledger restored from a backup"): the newest checkpoint the device holds,
//! the checkpoint the ledger serves now (its signature checked with the pinned key), and
//! whether the device refuses it — went backwards, or rewrote its history — exactly as a sync
//! pass decides. Only a refused ledger is re-anchored; the decision itself is recorded by
//! `tally_replica::Replica::reanchor` (kind 6), which a pass then honours.
//!
//! Reads only: the replica through a read-only connection, the ledger's public checkpoint and
//! consistency proof. No key is needed, so `tally sync reanchor` and the app's screen can look
//! while tallyd runs.

use std::path::Path;

use tally_ledger_client::trust::{check_extends, decode_hashes};
use tally_ledger_client::{ClientOptions, LedgerClient, PinnedLog, VerifiedCheckpoint};
use tally_replica::workflow::reanchor::{self, Held, Restored};
use tally_replica::ReplicaError;

use crate::engine::SyncError;

/// Whether the device refuses the ledger's log as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The ledger's log extends what the device holds: nothing to re-anchor.
    Trusted,
    /// The ledger's log does not extend what the device holds (why, in tallyd's words): a
    /// supervisor may re-anchor the device to it.
    Refused(String),
}

/// The held and the served checkpoints side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// What the device holds.
    pub held: Held,
    /// What the ledger serves now, verified with the pinned key.
    pub served: VerifiedCheckpoint,
    /// Whether the device refuses it.
    pub verdict: Verdict,
}

impl Inspection {
    /// The served checkpoint as a re-anchoring names it.
    pub fn restored(&self) -> Restored {
        Restored {
            origin: self.held.origin.clone(),
            size: self.served.size,
            root: self.served.root,
        }
    }
}

/// Reads the held checkpoint from the replica at `db` and asks the pinned ledger for its own.
pub fn inspect(db: &Path, options: &ClientOptions) -> Result<Inspection, SyncError> {
    let view = tally_replica::db::open_read_only(db)?;
    let held = reanchor::held(&view)?.ok_or_else(|| {
        SyncError::Replica(ReplicaError::NotFound(
            "this device is not enrolled with a ledger, or holds no checkpoint of it: there is nothing to re-anchor".into(),
        ))
    })?;
    let link = tally_replica::outbox::link(&view)?.ok_or(SyncError::NotEnrolled)?;
    let pinned = PinnedLog::new(&link.origin, &link.verifier_key)?;
    let client = LedgerClient::new(&link.url, options)?;
    let served = pinned.verify_checkpoint(&client.checkpoint()?)?;
    let verdict = verdict(&client, &held, &served)?;
    Ok(Inspection {
        held,
        served,
        verdict,
    })
}

fn verdict(
    client: &LedgerClient,
    held: &Held,
    served: &VerifiedCheckpoint,
) -> Result<Verdict, SyncError> {
    let held = VerifiedCheckpoint {
        size: held.checkpoint.size,
        root: held.checkpoint.root,
        note: held.checkpoint.note.clone(),
    };
    let proof = if served.size > held.size && held.size > 0 {
        decode_hashes(&client.consistency(held.size, served.size)?)?
    } else {
        Vec::new()
    };
    match check_extends(&held, served, &proof) {
        Ok(()) => Ok(Verdict::Trusted),
        Err(error) if error.is_history_violation() => Ok(Verdict::Refused(error.to_string())),
        Err(error) => Err(error.into()),
    }
}

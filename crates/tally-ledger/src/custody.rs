//! The chain of custody of one UID, from the log: every entry the projection indexed under the
//! UID (its events, voids of them, the weights its destructions name), the genesis of every
//! device that recorded one, and the facility settings in force (for the time zone), each with
//! its inclusion proof in the latest signed checkpoint.
//!
//! [`Custody::bundle`] writes the offline bundle of `tally-ledger custody` (format and
//! verification: `tally_events::custody`, docs/LEDGER.md "Custody bundles"); [`Custody::view`]
//! is the JSON of `GET /v1/projections/custody/{uid}`.

use std::collections::{BTreeMap, BTreeSet};

use tally_events::custody::{
    entries_digest, is_statement_uid, Bundle, BundleEntry, Role, Statement,
};
use tally_events::{Payload, Sha256Hash, SignedEvent};

use crate::error::{LedgerError, Refusal};
use crate::ledger::Ledger;
use crate::projection::{fold, Projector, DEFAULT_BATCH};
use crate::store::{CheckpointRow, Store, StoreError};
use crate::tlog::{b64, LogSigner};
pub use tally_ledger_client::projections::{CustodyEntryView, CustodyView};

/// One UID's custody as the log holds it under one checkpoint.
#[derive(Debug, Clone)]
pub struct Custody {
    /// The UID.
    pub uid: String,
    /// The checkpoint every proof is against.
    pub checkpoint: CheckpointRow,
    /// The log's origin.
    pub origin: String,
    /// The entries, in log order, with their proofs.
    pub entries: Vec<BundleEntry>,
}

fn role_of(stored: &str) -> Option<Role> {
    match stored {
        fold::ROLE_EVENT => Some(Role::Event),
        fold::ROLE_VOID => Some(Role::Void),
        fold::ROLE_WEIGHT => Some(Role::Weight),
        _ => None,
    }
}

fn record_at<S: Store>(store: &S, index: u64) -> Result<Vec<u8>, LedgerError> {
    store
        .entries(index, index + 1)?
        .into_iter()
        .next()
        .map(|e| e.record)
        .ok_or_else(|| StoreError::Corrupt(format!("log entry {index} is missing")).into())
}

impl Custody {
    /// Collects `uid`'s custody under the latest checkpoint; the projector first catches up
    /// with that checkpoint. A UID the log never named is `NotFound`.
    pub fn collect<S: Store, P: Store>(
        ledger: &mut Ledger<S>,
        projector: &mut Projector<P>,
        uid: &str,
    ) -> Result<Custody, LedgerError> {
        if !is_statement_uid(uid) {
            return Err(Refusal::BadRequest {
                reason: "a UID is 1 to 32 bytes of printable text without spaces".into(),
            }
            .into());
        }
        let checkpoint = ledger.checkpoint()?;
        let size = checkpoint.size;
        let reached = projector.catch_up(DEFAULT_BATCH, Some(size))?;
        if reached < size {
            return Err(LedgerError::Unavailable(format!(
                "the projections reach entry {reached} of {size}; try again"
            )));
        }
        let mut roles: BTreeMap<u64, Role> = BTreeMap::new();
        for (index, stored) in projector.uid_entries(uid, size)? {
            if let Some(role) = role_of(&stored) {
                let slot = roles.entry(index).or_insert(role);
                *slot = (*slot).min(role);
            }
        }
        if !roles.values().any(|r| *r == Role::Event) {
            return Err(LedgerError::NotFound(format!(
                "no event of the log of {size} entries names the UID {uid}"
            )));
        }
        let mut records: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut devices = BTreeSet::new();
        let mut facilities = BTreeSet::new();
        for (index, role) in &roles {
            let record = record_at(ledger.store(), *index)?;
            if *role == Role::Event {
                let event = SignedEvent::from_bytes(record.clone()).map_err(|e| {
                    StoreError::Corrupt(format!("log entry {index} does not parse: {e}"))
                })?;
                devices.insert(event.device());
                facilities.insert(event.facility().to_owned());
            }
            records.insert(*index, record);
        }
        for device in devices {
            let genesis = ledger
                .store()
                .device_records(&device, 0, 1)?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::Corrupt(format!("device {device} has no genesis")))?;
            roles.entry(genesis.index).or_insert(Role::Genesis);
            records.entry(genesis.index).or_insert(genesis.record);
        }
        for facility in facilities {
            if let Some(index) = projector.settings_index(&facility, size)? {
                roles.entry(index).or_insert(Role::Settings);
                if let std::collections::btree_map::Entry::Vacant(slot) = records.entry(index) {
                    slot.insert(record_at(ledger.store(), index)?);
                }
            }
        }
        let mut entries = Vec::with_capacity(roles.len());
        for (index, role) in roles {
            let proof = ledger
                .inclusion_proof_hashes(index, size)?
                .into_iter()
                .map(Sha256Hash)
                .collect();
            let record = records
                .remove(&index)
                .ok_or_else(|| StoreError::Corrupt(format!("log entry {index} was not read")))?;
            entries.push(BundleEntry {
                role,
                index,
                record,
                proof,
            });
        }
        Ok(Custody {
            uid: uid.to_owned(),
            checkpoint,
            origin: ledger.origin().to_owned(),
            entries,
        })
    }

    /// The statement the ledger signs for this custody.
    pub fn statement(&self) -> Statement {
        Statement {
            origin: self.origin.clone(),
            uid: self.uid.clone(),
            tree_size: self.checkpoint.size,
            root: Sha256Hash(self.checkpoint.root),
            entries: self.entries.len() as u32,
            digest: entries_digest(&self.entries),
        }
    }

    /// The offline bundle, its statement signed with the log's key.
    pub fn bundle<S: Store>(&self, ledger: &Ledger<S>) -> Result<Vec<u8>, LedgerError> {
        let signer = LogSigner::from_private_key(&ledger.store().meta()?.signer_key)?;
        let statement = signer.sign_note(&self.statement().text())?;
        Bundle {
            checkpoint: self.checkpoint.note.clone(),
            statement,
            entries: self.entries.clone(),
        }
        .encode()
        .map_err(|e| {
            StoreError::Corrupt(format!("the custody bundle cannot be written: {e}")).into()
        })
    }

    /// The JSON view served to supervisors and auditors.
    pub fn view(&self) -> Result<CustodyView, LedgerError> {
        let mut entries = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let event = SignedEvent::from_bytes(entry.record.clone()).map_err(|e| {
                StoreError::Corrupt(format!("log entry {} does not parse: {e}", entry.index))
            })?;
            let payload = event.payload().ok();
            let (scale_id, witness) = match &payload {
                Some(Payload::WeightRecorded(w)) => (Some(w.scale_id.clone()), None),
                Some(Payload::DestructionRecorded(d)) => (None, Some(d.witness.clone())),
                _ => (None, None),
            };
            entries.push(CustodyEntryView {
                index: entry.index,
                role: entry.role.name().to_owned(),
                device_id: event.device().to_string(),
                seq: event.seq(),
                facility: event.facility().to_owned(),
                actor: event.actor().to_owned(),
                wall_unix_ms: event.timestamp().wall_unix_ms,
                kind: tally_events::payload::kind_name(event.payload_kind())
                    .unwrap_or_else(|| format!("unknown_{}", event.payload_kind())),
                scale_id,
                witness,
                payload: payload
                    .and_then(|p| serde_json::to_value(p).ok())
                    .unwrap_or(serde_json::Value::Null),
                record_sha256: event.record_hash().to_string(),
                record: b64(&entry.record),
                inclusion_proof: entry.proof.iter().map(|h| b64(h.as_bytes())).collect(),
            });
        }
        Ok(CustodyView {
            uid: self.uid.clone(),
            tree_size: self.checkpoint.size,
            checkpoint: self.checkpoint.note.clone(),
            entries,
        })
    }
}

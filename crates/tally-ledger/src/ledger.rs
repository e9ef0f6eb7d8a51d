//! The ledger: enrollment, ingest, checkpoints, receipts, proofs and tiles, over any
//! [`Store`]. Ingest verifies every record (enrolled, not revoked, its facility, the signature
//! with `verify_strict`, chain continuity against what the ledger holds) and appends the
//! accepted ones to the log inside one transaction; the checkpoint is signed after commit.

use sha2::{Digest, Sha256};
use tally_events::{
    verify_chain, verify_chain_links, ChainOptions, ChainStart, DeviceId, FailureKind, Sha256Hash,
    SignedEvent, VerifierKey, VerifyMode,
};

use crate::error::{LedgerError, Refusal};
use crate::precheck::Prechecked;
use crate::store::{CheckpointRow, DeviceRow, EntryRow, Store, StoreError, StoreTx, TokenRow};
use crate::tlog::{
    self, b64, hashes_for_new_entry, Hash, LogSigner, TileKind, TileRef, MAX_ENTRY_BYTES,
};

/// Reads stored hashes through a [`Store`] for the Merkle code.
pub struct StoreHashes<'a, S: ?Sized>(pub &'a S);

impl<S: Store> tlog::HashReader for StoreHashes<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0
            .read_hashes(indexes)
            .map_err(|e| tlog_tiles::Error::InvalidInput(e.to_string()))
    }
}

struct TxHashes<'a, T>(&'a T);

impl<T: StoreTx> tlog::HashReader for TxHashes<'_, T> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0
            .read_hashes(indexes)
            .map_err(|e| tlog_tiles::Error::InvalidInput(e.to_string()))
    }
}

pub use tally_ledger_client::wire::{Enrollment, Receipt};

/// What became of an upload: receipts for the records accepted (or already held), in upload
/// order, and the first refusal, if any (records after it were not considered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Receipts of the records accepted or already held.
    pub receipts: Vec<Receipt>,
    /// The first refused record's position in the upload and why.
    pub refused: Option<(usize, Refusal)>,
}

/// A device as listed by `tally-ledger devices`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceSummary {
    /// Device key, hex.
    pub device_id: String,
    /// Name.
    pub name: String,
    /// Facility.
    pub facility: String,
    /// Records accepted (the chain is contiguous from seq 1, so this is the head seq).
    pub events: u64,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Whether a fork was found.
    pub forked: bool,
}

/// The current time in Unix milliseconds.
pub fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// SHA-256 of an enrollment token as typed (surrounding white space ignored).
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// The central ledger over a store.
pub struct Ledger<S: Store> {
    store: S,
    signer: LogSigner,
}

impl<S: Store> std::fmt::Debug for Ledger<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("origin", &self.signer.origin())
            .finish_non_exhaustive()
    }
}

fn chain_refusal(kind: &FailureKind, seq: u64, expected_next: u64) -> Refusal {
    match kind {
        FailureKind::Missing { next_present } => Refusal::Gap {
            expected: expected_next,
            got: next_present.unwrap_or(seq),
        },
        FailureKind::WrongAuthor { .. } => Refusal::WrongAuthor { seq },
        FailureKind::Fork { .. } => Refusal::Fork { seq },
        other => Refusal::Chain {
            seq,
            kind: other.name().to_owned(),
        },
    }
}

impl<S: Store> Ledger<S> {
    /// A ledger over `store`; loads the log's signing key fixed at creation.
    pub fn new(store: S) -> Result<Self, LedgerError> {
        let meta = store.meta()?;
        let signer = LogSigner::from_private_key(&meta.signer_key)?;
        if signer.verifier_key() != meta.verifier_key || signer.origin() != meta.origin {
            return Err(StoreError::Corrupt(
                "the stored signing key does not match the stored verifier key".into(),
            )
            .into());
        }
        Ok(Self { store, signer })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        self.signer.origin()
    }

    /// The log's verifier key (`<name>+<keyhash>+<key>`).
    pub fn verifier_key(&self) -> &str {
        self.signer.verifier_key()
    }

    /// Creates a one-time enrollment token for a device named `name` in `facility` (creating
    /// the facility if it is new). Only its SHA-256 is stored.
    pub fn create_token(&mut self, facility: &str, name: &str) -> Result<String, LedgerError> {
        if facility.is_empty() || facility.len() > tally_events::event::MAX_NAME_BYTES {
            return Err(Refusal::BadRequest {
                reason: format!(
                    "a facility id is 1 to {} bytes",
                    tally_events::event::MAX_NAME_BYTES
                ),
            }
            .into());
        }
        let mut raw = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
        let token = hex::encode(raw);
        let now = now_unix_ms();
        let mut tx = self.store.begin()?;
        tx.ensure_facility(facility, now)?;
        tx.put_token(
            &TokenRow {
                token_sha256: token_hash(&token),
                facility: facility.to_owned(),
                name: name.to_owned(),
                device_id: None,
            },
            now,
        )?;
        tx.commit()?;
        Ok(token)
    }

    /// Registers `device` with a one-time token. The same token with the same key again
    /// succeeds (an answer lost on the way must not lock a device out); with another key, or
    /// a key already enrolled with another token, it is refused; weak keys are refused.
    pub fn enroll(&mut self, token: &str, device: &DeviceId) -> Result<Enrollment, LedgerError> {
        VerifierKey::new(device).map_err(|_| Refusal::WeakKey)?;
        let hash = token_hash(token);
        let origin = self.origin().to_owned();
        let verifier_key = self.verifier_key().to_owned();
        let mut tx = self.store.begin()?;
        let row = tx.token(&hash)?.ok_or(Refusal::UnknownToken)?;
        match row.device_id {
            Some(used_by) if used_by == *device => {
                // The answer was lost on the way: the same answer again, unless the device
                // has been revoked or forked since.
                if let Some(enrolled) = tx.device(device)? {
                    Self::usable(&enrolled)?;
                }
            }
            Some(_) => return Err(Refusal::TokenUsed.into()),
            None => {
                if tx.device(device)?.is_some() {
                    return Err(Refusal::KeyEnrolledElsewhere.into());
                }
                tx.enroll(
                    &DeviceRow {
                        device_id: *device,
                        name: row.name.clone(),
                        facility: row.facility.clone(),
                        token_sha256: hash,
                        head_seq: 0,
                        head_hash: None,
                        revoked_unix_ms: None,
                        forked_unix_ms: None,
                    },
                    now_unix_ms(),
                )?;
                tx.commit()?;
            }
        }
        tracing::info!(device = %device, facility = %row.facility, "device enrolled");
        Ok(Enrollment {
            device_id: device.to_string(),
            name: row.name,
            facility: row.facility,
            origin,
            verifier_key,
        })
    }

    /// Revokes a device; false if it is not enrolled.
    pub fn revoke(&mut self, device: &DeviceId) -> Result<bool, LedgerError> {
        let mut tx = self.store.begin()?;
        let known = tx.revoke(device, now_unix_ms())?;
        tx.commit()?;
        if known {
            tracing::warn!(device = %device, "device revoked");
        }
        Ok(known)
    }

    /// Every enrolled device with its counts.
    pub fn devices(&self) -> Result<Vec<DeviceSummary>, LedgerError> {
        Ok(self
            .store
            .devices()?
            .into_iter()
            .map(|d| DeviceSummary {
                device_id: d.device_id.to_string(),
                name: d.name,
                facility: d.facility,
                events: d.head_seq,
                revoked: d.revoked_unix_ms.is_some(),
                forked: d.forked_unix_ms.is_some(),
            })
            .collect())
    }

    /// Checks that `device` may push: enrolled, not revoked, not forked.
    pub fn check_device(&self, device: &DeviceId) -> Result<DeviceRow, LedgerError> {
        let row = self.store.device(device)?.ok_or(Refusal::UnknownDevice)?;
        Self::usable(&row)?;
        Ok(row)
    }

    fn usable(row: &DeviceRow) -> Result<(), Refusal> {
        if row.revoked_unix_ms.is_some() {
            return Err(Refusal::Revoked);
        }
        if row.forked_unix_ms.is_some() {
            return Err(Refusal::Forked);
        }
        Ok(())
    }

    /// Ingests an upload of `device`'s records, exactly as signed, in seq order. Records the
    /// ledger already holds byte for byte get their receipt again; the first record that
    /// cannot be accepted stops the upload (records before it are kept). A fork's evidence is
    /// committed even though the record is refused.
    pub fn ingest(
        &mut self,
        device: &DeviceId,
        records: &[Vec<u8>],
    ) -> Result<IngestOutcome, LedgerError> {
        self.ingest_checked(device, records, None)
    }

    /// [`Ledger::ingest`] of an upload whose signatures were checked beforehand, outside the
    /// ingest lock ([`crate::precheck::precheck`]): the records that passed are checked for
    /// their chain's links only; any other record takes the full check. Same outcome as
    /// [`Ledger::ingest`].
    pub fn ingest_prechecked(
        &mut self,
        device: &DeviceId,
        records: &[Vec<u8>],
        prechecked: &Prechecked,
    ) -> Result<IngestOutcome, LedgerError> {
        self.ingest_checked(device, records, Some(prechecked))
    }

    fn ingest_checked(
        &mut self,
        device: &DeviceId,
        records: &[Vec<u8>],
        prechecked: Option<&Prechecked>,
    ) -> Result<IngestOutcome, LedgerError> {
        let now = now_unix_ms();
        // Who may record master data, read before the ingest lock (ops tables, devices).
        let admin_rule = match self.store.device(device)? {
            Some(row) => Some(crate::master_data::AdminRule::for_device(
                &self.store,
                device,
                &row.facility,
            )?),
            None => None,
        };
        let mut tx = self.store.begin()?;
        let row = tx.device(device)?.ok_or(Refusal::UnknownDevice)?;
        Self::usable(&row)?;
        // (index, seq, record hash, duplicate)
        let mut accepted: Vec<(u64, u64, [u8; 32], bool)> = Vec::new();
        let mut refused: Option<(usize, Refusal)> = None;
        let mut fresh: Vec<(usize, SignedEvent)> = Vec::new();
        for (position, bytes) in records.iter().enumerate() {
            let event = match SignedEvent::from_bytes(bytes.clone()) {
                Ok(event) => event,
                Err(error) => {
                    refused = Some((
                        position,
                        Refusal::Malformed {
                            position,
                            reason: error.to_string(),
                        },
                    ));
                    break;
                }
            };
            if event.device() != *device {
                refused = Some((position, Refusal::WrongAuthor { seq: event.seq() }));
                break;
            }
            let seq = event.seq();
            if seq > row.head_seq {
                fresh.push((position, event));
                continue;
            }
            if !fresh.is_empty() {
                // A held seq after new ones: the upload is out of order.
                refused = Some((
                    position,
                    Refusal::Chain {
                        seq,
                        kind: "reordered".into(),
                    },
                ));
                break;
            }
            let (index, held) = tx.entry_of(device, seq)?.ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "device {device} seq {seq} is below its head but missing"
                ))
            })?;
            if held == *bytes {
                accepted.push((index, seq, event.record_hash().0, true));
                continue;
            }
            // Different bytes for a held seq: a fork only if this one is validly signed too.
            match event.verify() {
                Ok(()) => {
                    tx.record_fork(device, seq, &held, bytes, now)?;
                    tracing::error!(device = %device, seq, "FORK: two validly signed records with the same device and seq; evidence kept, device refused");
                    refused = Some((position, Refusal::Fork { seq }));
                }
                Err(error) => {
                    let kind = match error {
                        tally_events::VerifyError::AlteredPayload => "altered_payload",
                        tally_events::VerifyError::BadKey => "bad_key",
                        _ => "bad_signature",
                    };
                    refused = Some((
                        position,
                        Refusal::Chain {
                            seq,
                            kind: kind.into(),
                        },
                    ));
                }
            }
            break;
        }
        let mut fork_found = matches!(refused, Some((_, Refusal::Fork { .. })));
        if !fresh.is_empty() && !fork_found {
            let (valid, failure) = Self::verify_segment(&tx, &row, &fresh, prechecked)?;
            let mut head_seq = row.head_seq;
            for (position, event) in fresh.iter().take(valid) {
                let seq = event.seq();
                if event.facility() != row.facility {
                    refused = Some((
                        *position,
                        Refusal::WrongFacility {
                            seq,
                            expected: row.facility.clone(),
                            found: event.facility().to_owned(),
                        },
                    ));
                    break;
                }
                if admin_rule
                    .as_ref()
                    .is_some_and(|rule| !rule.allows(event.payload_kind(), event.actor()))
                {
                    refused = Some((
                        *position,
                        Refusal::NotAdmin {
                            seq,
                            actor: event.actor().to_owned(),
                        },
                    ));
                    break;
                }
                if event.as_bytes().len() > MAX_ENTRY_BYTES {
                    refused = Some((
                        *position,
                        Refusal::TooLarge {
                            seq,
                            len: event.as_bytes().len(),
                            max: MAX_ENTRY_BYTES,
                        },
                    ));
                    break;
                }
                let index = tx.tree_size()?;
                let hashes = hashes_for_new_entry(index, event.as_bytes(), &TxHashes(&tx))?;
                let record_hash = event.record_hash().0;
                tx.append(
                    &EntryRow {
                        index,
                        device_id: *device,
                        seq,
                        record: event.as_bytes().to_vec(),
                    },
                    &record_hash,
                    &hashes,
                    now,
                )?;
                head_seq = seq;
                accepted.push((index, seq, record_hash, false));
            }
            if refused.is_none() {
                if let Some((position, failure)) = failure {
                    if let FailureKind::Fork { first, second } = &failure.kind {
                        tx.record_fork(
                            device,
                            failure.seq,
                            first.as_bytes(),
                            second.as_bytes(),
                            now,
                        )?;
                        fork_found = true;
                        tracing::error!(device = %device, seq = failure.seq, "FORK within one upload; evidence kept, device refused");
                    }
                    refused = Some((
                        fresh.get(position).map(|(p, _)| *p).unwrap_or(position),
                        chain_refusal(&failure.kind, failure.seq, head_seq + 1),
                    ));
                }
            }
        }
        tx.commit()?;
        if fork_found {
            tracing::warn!(device = %device, "device refused from now on after a fork");
        }
        let fresh_count = accepted.iter().filter(|a| !a.3).count();
        if fresh_count > 0 {
            tracing::info!(device = %device, accepted = fresh_count, "records appended to the log");
        }
        let checkpoint = self.publish_checkpoint()?;
        // Every receipt's proof against the checkpoint just published, from one read of the
        // stored hashes they need.
        let indexes: Vec<u64> = accepted.iter().map(|a| a.0).collect();
        let proofs = tlog::prove_inclusions(checkpoint.size, &indexes, &StoreHashes(&self.store))?;
        let receipts = accepted
            .into_iter()
            .zip(proofs)
            .map(|((index, seq, hash, duplicate), proof)| Receipt {
                index,
                seq,
                record_sha256: hex::encode(hash),
                duplicate,
                checkpoint: checkpoint.note.clone(),
                tree_size: checkpoint.size,
                inclusion_proof: proof.iter().map(|h| b64(&h.0)).collect(),
            })
            .collect();
        Ok(IngestOutcome { receipts, refused })
    }

    /// Verifies the new records of an upload against the device's head with `verify_chain`
    /// (strict signatures): the number of records that are valid, and the first failure
    /// (its index in `fresh`).
    #[allow(clippy::type_complexity)]
    fn verify_segment<T: StoreTx>(
        tx: &T,
        row: &DeviceRow,
        fresh: &[(usize, SignedEvent)],
        prechecked: Option<&Prechecked>,
    ) -> Result<(usize, Option<(usize, tally_events::ChainFailure)>), LedgerError> {
        let first_seq = fresh[0].1.seq();
        if first_seq != row.head_seq + 1 {
            return Ok((
                0,
                Some((
                    0,
                    tally_events::ChainFailure {
                        seq: first_seq,
                        position: 0,
                        kind: FailureKind::Missing {
                            next_present: Some(first_seq),
                        },
                    },
                )),
            ));
        }
        // The segment is verified together with the held head record, so that the monotonic
        // clock is checked across the boundary too.
        let mut records: Vec<&[u8]> = Vec::with_capacity(fresh.len() + 1);
        let head_record;
        let mut start = None;
        if row.head_seq >= 1 {
            let (_, held) = tx.entry_of(&row.device_id, row.head_seq)?.ok_or_else(|| {
                StoreError::Corrupt(format!("device {} head record missing", row.device_id))
            })?;
            head_record = SignedEvent::from_bytes(held)
                .map_err(|e| StoreError::Corrupt(format!("a stored record does not parse: {e}")))?;
            if row.head_seq >= 2 {
                start = Some(ChainStart {
                    head_seq: row.head_seq - 1,
                    head_hash: head_record.prev().unwrap_or(Sha256Hash::ZERO),
                });
            }
            records.push(head_record.as_bytes());
        }
        let offset = records.len();
        records.extend(fresh.iter().map(|(_, e)| e.as_bytes()));
        let options = ChainOptions {
            expected_device: Some(row.device_id),
            start,
            mode: VerifyMode::Strict,
            ..ChainOptions::default()
        };
        // Signatures checked before the lock: the links alone give verify_chain's verdict.
        let signatures_verified = prechecked.is_some_and(|checked| {
            fresh
                .iter()
                .all(|(position, event)| checked.verified(*position, &event.record_hash().0))
        });
        let verdict = if signatures_verified {
            verify_chain_links(&records, &options)
        } else {
            verify_chain(&records, &options)
        };
        match verdict {
            Ok(_) => Ok((fresh.len(), None)),
            Err(failure) => {
                let position = failure.position.saturating_sub(offset);
                Ok((position, Some((position, failure))))
            }
        }
    }

    /// Signs and stores the checkpoint of the committed tree if it is not signed yet; returns
    /// the latest checkpoint. Called after every commit and at start (a crash between a commit
    /// and its checkpoint is repaired here).
    pub fn publish_checkpoint(&mut self) -> Result<CheckpointRow, LedgerError> {
        let size = self.store.tree_size()?;
        if let Some(latest) = self.store.latest_checkpoint()? {
            if latest.size >= size {
                return Ok(latest);
            }
        }
        let root = tlog::tree_hash(size, &StoreHashes(&self.store))?;
        let note = self.signer.sign_checkpoint(size, &root)?;
        let row = CheckpointRow {
            size,
            root: root.0,
            note,
        };
        self.store.put_checkpoint(&row)?;
        Ok(self.store.checkpoint(size)?.unwrap_or(row))
    }

    /// The latest signed checkpoint (signing one first if the tree grew).
    pub fn checkpoint(&mut self) -> Result<CheckpointRow, LedgerError> {
        self.publish_checkpoint()
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries, base64 hashes.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<String>, LedgerError> {
        self.check_published(size)?;
        let proof = tlog::prove_inclusion(size, index, &StoreHashes(&self.store))?;
        Ok(proof.iter().map(|h| b64(&h.0)).collect())
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries, raw hashes.
    pub fn inclusion_proof_hashes(
        &self,
        index: u64,
        size: u64,
    ) -> Result<Vec<[u8; 32]>, LedgerError> {
        self.check_published(size)?;
        let proof = tlog::prove_inclusion(size, index, &StoreHashes(&self.store))?;
        Ok(proof.into_iter().map(|h| h.0).collect())
    }

    /// The consistency proof from the tree of `old` entries to the tree of `new`, base64.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<String>, LedgerError> {
        self.check_published(new)?;
        let proof = tlog::prove_consistency(new, old, &StoreHashes(&self.store))?;
        Ok(proof.iter().map(|h| b64(&h.0)).collect())
    }

    fn check_published(&self, size: u64) -> Result<(), LedgerError> {
        let published = self.store.latest_checkpoint()?.map(|c| c.size).unwrap_or(0);
        if size > published {
            return Err(LedgerError::NotFound(format!(
                "the log has no checkpoint of {size} entries yet (latest: {published})"
            )));
        }
        Ok(())
    }

    /// A tile's bytes as the tlog-tiles read API serves them, from storage; only tiles of the
    /// latest published checkpoint's tree.
    pub fn tile(&self, tile: &TileRef) -> Result<Vec<u8>, LedgerError> {
        let published = self.store.latest_checkpoint()?.map(|c| c.size).unwrap_or(0);
        if !tile.available_in(published) {
            return Err(LedgerError::NotFound(format!(
                "{} is beyond the published tree of {published} entries",
                tile.path()
            )));
        }
        match tile.kind {
            TileKind::Hashes { .. } => Ok(tile.read_hashes(&StoreHashes(&self.store))?),
            TileKind::Entries => {
                let (start, end) = tile.entry_range();
                let entries = self.store.entries(start, end)?;
                if entries.len() as u64 != end - start {
                    return Err(StoreError::Corrupt(format!(
                        "entries {start} to {end} are not all stored"
                    ))
                    .into());
                }
                Ok(tlog::entry_bundle(
                    entries.iter().map(|e| e.record.as_slice()),
                )?)
            }
        }
    }

    /// The store, mutably (for the verification and export walks).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }
}

//! `tally-ledger verify`: re-verifies everything from storage alone: every stored tree hash
//! recomputed from the entries, every checkpoint's root and signature, every device's chain
//! (signatures with `verify_strict`, links, clocks; streamed a page at a time) and that each
//! entry is the record its columns say. Stops at the first failure.

use std::collections::BTreeMap;

use tally_events::{ChainOptions, ChainVerifier, DeviceId, Next, SignedEvent, VerifyMode};
use thiserror::Error;

use crate::ledger::{Ledger, StoreHashes};
use crate::store::{Store, StoreError};
use crate::tlog::{self, stored_hash_index, LogError};

/// Entries read per storage round trip.
const PAGE: u64 = 1_000;

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditSummary {
    /// Log entries verified.
    pub entries: u64,
    /// Devices whose chains verified.
    pub devices: u64,
    /// Checkpoints whose signature and root verified.
    pub checkpoints: u64,
    /// Forks on record (evidence, not a failure of the log).
    pub forks: u64,
}

/// The first thing found wrong.
#[derive(Debug, Error)]
pub enum AuditFailure {
    /// An entry's stored tree hashes differ from those recomputed from its bytes.
    #[error("log entry {index}: the stored tree hashes do not match the entry's bytes")]
    TreeHash {
        /// The entry.
        index: u64,
    },
    /// An entry's columns contradict its record.
    #[error("log entry {index}: {reason}")]
    Entry {
        /// The entry.
        index: u64,
        /// What is wrong.
        reason: String,
    },
    /// A checkpoint whose root or signature is wrong.
    #[error("checkpoint of {size} entries: {reason}")]
    Checkpoint {
        /// Its tree size.
        size: u64,
        /// What is wrong.
        reason: String,
    },
    /// A device chain that does not verify.
    #[error("device {device}: {failure}")]
    Chain {
        /// The device.
        device: DeviceId,
        /// The chain failure, as `tally log verify` words it.
        failure: String,
    },
    /// Storage failed or is inconsistent.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The Merkle code failed.
    #[error(transparent)]
    Log(#[from] LogError),
}

/// Entries of one range verified: the first failure (by index) or the entries per device.
type RangeResult = Result<BTreeMap<[u8; 32], u64>, AuditFailure>;

/// Verifies entries `[start, end)`: each parses, matches its columns, and its stored tree
/// hashes are the ones recomputed from its bytes and the stored hashes before it (so, by
/// induction over all ranges, the whole stored tree). Ranges are independent: they run on
/// their own connections, one per core.
fn verify_entries<S: Store>(store: &S, mut start: u64, end: u64) -> RangeResult {
    let reader = StoreHashes(store);
    let mut per_device: BTreeMap<[u8; 32], u64> = BTreeMap::new();
    while start < end {
        let stop = (start + PAGE).min(end);
        let entries = store.entries(start, stop)?;
        if entries.len() as u64 != stop - start {
            return Err(AuditFailure::Entry {
                index: start,
                reason: "entries are missing from the log".into(),
            });
        }
        for entry in &entries {
            let event =
                SignedEvent::from_bytes(entry.record.clone()).map_err(|e| AuditFailure::Entry {
                    index: entry.index,
                    reason: format!("not a well-formed event: {e}"),
                })?;
            if event.device() != entry.device_id || event.seq() != entry.seq {
                return Err(AuditFailure::Entry {
                    index: entry.index,
                    reason: "its device or seq columns differ from the record".into(),
                });
            }
            let recomputed = tlog::hashes_for_new_entry(entry.index, &entry.record, &reader)?;
            let first = stored_hash_index(0, entry.index);
            let indexes: Vec<u64> = (first..first + recomputed.len() as u64).collect();
            let stored = store.read_hashes(&indexes)?;
            if stored != recomputed {
                return Err(AuditFailure::TreeHash { index: entry.index });
            }
            *per_device.entry(entry.device_id.0).or_default() += 1;
        }
        start = stop;
    }
    Ok(per_device)
}

/// Threads to verify with: one per core, at most 16.
fn workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16)
}

/// Verifies the whole ledger from storage, on every core. The failure reported is the first
/// in log order (entries), then checkpoints in size order, then devices in enrollment order.
pub fn audit<S: Store>(ledger: &Ledger<S>) -> Result<AuditSummary, AuditFailure> {
    let store = ledger.store();
    let size = store.tree_size()?;
    let reader = StoreHashes(store);
    let chunk = size.div_ceil(workers() as u64).max(1);
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < size {
        ranges.push((start, (start + chunk).min(size)));
        start += chunk;
    }
    let mut stores = Vec::with_capacity(ranges.len());
    for _ in &ranges {
        stores.push(store.reopen()?);
    }
    let results: Vec<RangeResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .zip(stores)
            .map(|(&(start, end), own)| scope.spawn(move || verify_entries(&own, start, end)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(AuditFailure::Store(StoreError::Corrupt(
                        "a verification thread failed".into(),
                    )))
                })
            })
            .collect()
    });
    // Entries per device (one counter per device, not per entry).
    let mut per_device: BTreeMap<[u8; 32], u64> = BTreeMap::new();
    for result in results {
        for (device, count) in result? {
            *per_device.entry(device).or_default() += count;
        }
    }
    let mut checkpoints = 0;
    let mut size_checked = size == 0;
    let mut after = None;
    loop {
        let page = store.checkpoints_after(after, PAGE)?;
        if page.is_empty() {
            break;
        }
        for checkpoint in page {
            after = Some(checkpoint.size);
            if checkpoint.size > size {
                return Err(AuditFailure::Checkpoint {
                    size: checkpoint.size,
                    reason: format!("it is larger than the log ({size} entries)"),
                });
            }
            let verified =
                tlog::verify_checkpoint(checkpoint.note.as_bytes(), ledger.verifier_key())
                    .map_err(|e| AuditFailure::Checkpoint {
                        size: checkpoint.size,
                        reason: e.to_string(),
                    })?;
            let root = tlog::tree_hash(checkpoint.size, &reader)?;
            if verified.size != checkpoint.size
                || verified.root != root.0
                || checkpoint.root != root.0
            {
                return Err(AuditFailure::Checkpoint {
                    size: checkpoint.size,
                    reason: "its root hash is not the root of the stored entries".into(),
                });
            }
            size_checked |= checkpoint.size == size;
            checkpoints += 1;
        }
    }
    if !size_checked {
        tracing::warn!(
            size,
            "the latest entries are not covered by a checkpoint yet"
        );
    }
    let devices = store.devices()?;
    let mut to_verify = Vec::new();
    for device in &devices {
        let in_log = per_device.remove(&device.device_id.0).unwrap_or_default();
        if in_log != device.head_seq {
            return Err(AuditFailure::Chain {
                device: device.device_id,
                failure: format!(
                    "{} records in the log, the device's head is seq {}",
                    in_log, device.head_seq
                ),
            });
        }
        if in_log > 0 {
            to_verify.push(device.clone());
        }
    }
    // Device chains, spread over the cores (round robin); the first failure in enrollment
    // order is reported.
    let threads = workers().min(to_verify.len()).max(1);
    let mut stores = Vec::with_capacity(threads);
    for _ in 0..threads {
        stores.push(store.reopen()?);
    }
    let to_verify = &to_verify;
    let mut failures: Vec<(usize, AuditFailure)> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .into_iter()
            .enumerate()
            .map(|(worker, own)| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for (position, device) in to_verify.iter().enumerate() {
                        if position % threads != worker {
                            continue;
                        }
                        if let Err(failure) = verify_device_chain(&own, device) {
                            failures.push((position, failure));
                            break;
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(
                        0,
                        AuditFailure::Store(StoreError::Corrupt(
                            "a verification thread failed".into(),
                        )),
                    )]
                })
            })
            .collect()
    });
    failures.sort_by_key(|(position, _)| *position);
    if let Some((_, failure)) = failures.into_iter().next() {
        return Err(failure);
    }
    if let Some((device, _)) = per_device.into_iter().next() {
        return Err(AuditFailure::Chain {
            device: DeviceId(device),
            failure: "log entries of a device that is not enrolled".into(),
        });
    }
    Ok(AuditSummary {
        entries: size,
        devices: devices.len() as u64,
        checkpoints,
        forks: store.forks()?.len() as u64,
    })
}

/// Verifies one device's chain streaming from storage, a page at a time, with tally-events'
/// [`ChainVerifier`] (the verdict of `verify_chain` in strict mode, memory bounded by a page),
/// and each record's facility.
fn verify_device_chain<S: Store>(
    store: &S,
    device: &crate::store::DeviceRow,
) -> Result<(), AuditFailure> {
    let options = ChainOptions {
        expected_device: Some(device.device_id),
        mode: VerifyMode::Strict,
        ..ChainOptions::default()
    };
    let id = device.device_id;
    // Storage holds one record per seq, in seq order: position p is seq p + 1.
    let earlier = move |position: usize| {
        store
            .device_records(&id, position as u64, 1)
            .ok()
            .and_then(|rows| rows.into_iter().next())
            .map(|row| row.record)
    };
    let mut verifier = ChainVerifier::new(options, earlier);
    let mut after = 0;
    'pages: loop {
        let page = store.device_records(&device.device_id, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for row in page {
            let event =
                SignedEvent::from_bytes(row.record.clone()).map_err(|e| AuditFailure::Entry {
                    index: row.index,
                    reason: e.to_string(),
                })?;
            if event.facility() != device.facility {
                return Err(AuditFailure::Entry {
                    index: row.index,
                    reason: format!(
                        "facility {} but the device is enrolled for {}",
                        event.facility(),
                        device.facility
                    ),
                });
            }
            if verifier.push(row.record) == Next::Done {
                break 'pages;
            }
        }
    }
    let report = verifier.finish().map_err(|failure| AuditFailure::Chain {
        device: device.device_id,
        failure: failure.to_string(),
    })?;
    if Some(report.head_hash.0) != device.head_hash || report.events != device.head_seq {
        return Err(AuditFailure::Chain {
            device: device.device_id,
            failure: "the stored head is not the last record of its chain".into(),
        });
    }
    Ok(())
}

//! The replica service: each facility's stream of log entries, numbered 1, 2, 3 ... without
//! gaps, as ordered deltas and as snapshots for devices to bootstrap from.
//!
//! **The facility stream.** The n-th entry of the log (in log order) whose author is enrolled
//! in a facility is that facility's delta n. Entries are append-only and a device's facility
//! never changes, so the numbering is a pure function of the log. It is kept in the ledger's
//! database ([`crate::stream_store`]: `replica_stream`, `replica_stream_mark`) and extended
//! incrementally, each step in one transaction that checks no other process extended it first:
//! every `serve` process on one database (and a restart) reads the same numbering and numbers
//! only what is new. Only entries covered by the latest signed checkpoint are numbered, so
//! every delta a device receives can be proved included in a checkpoint it can fetch. The
//! mark keeps the SHA-256 of the last entry numbered: a log that no longer holds it there (a
//! database restored from a backup and grown again) is numbered afresh.
//!
//! **Snapshots.** The service folds each facility's stream into a ledger-side view (a
//! tally-replica database that belongs to no device, `tally_replica::sync::apply_ledger_deltas`,
//! the same fold and holding rules a device applies) kept in a cache directory, and writes a
//! snapshot from it (`tally_replica::sync::write_snapshot`) at the view's cursor. The cache is
//! derived data: removed, it is rebuilt from the log; a view whose cursor is beyond its
//! facility's stream, or whose last folded delta is not the stream's entry at that position
//! (a ledger restored from an older backup, even one grown again since), or made for another
//! log, is rebuilt too; so is the numbering.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};
use tally_events::DeviceId;

use crate::error::LedgerError;
use crate::ledger::StoreHashes;
use crate::store::{EntryRow, Store, StoreError};
use crate::stream_store::{StreamMark, StreamRow};
use crate::tlog::{self, b64};

/// Most deltas in one answer.
pub const DELTAS_PER_PAGE_MAX: u64 = 1_000;
/// Entries read from storage per step while numbering.
const SCAN_STEP: u64 = 4_096;

pub use tally_ledger_client::wire::{DeltaBody, DeltasResponse};

/// A snapshot ready to send.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The facility.
    pub facility: String,
    /// The position of the last delta it contains.
    pub cursor: u64,
    /// The snapshot database file's bytes.
    pub bytes: Vec<u8>,
}

/// The ledger-side views of the facility streams (numbered in the database).
#[derive(Debug)]
pub struct ReplicaService {
    /// Which facility each device is enrolled in (never changes).
    facility_of: HashMap<DeviceId, String>,
    /// Where the ledger-side views are kept.
    views_dir: PathBuf,
    /// The log's origin (a view made for another log is rebuilt).
    origin: String,
}

fn view_error(e: tally_replica::ReplicaError) -> LedgerError {
    LedgerError::Unavailable(format!("the facility view failed: {e}"))
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> LedgerError {
    LedgerError::Unavailable(format!("{what} {}: {e}", path.display()))
}

fn sha256(record: &[u8]) -> [u8; 32] {
    Sha256::digest(record).into()
}

impl ReplicaService {
    /// A service for the log named `origin`, keeping views under `views_dir` (created if
    /// missing).
    pub fn new(views_dir: &Path, origin: &str) -> Result<Self, LedgerError> {
        std::fs::create_dir_all(views_dir)
            .map_err(|e| io_error("cannot create the view directory", views_dir, e))?;
        Ok(Self {
            facility_of: HashMap::new(),
            views_dir: views_dir.to_owned(),
            origin: origin.to_owned(),
        })
    }

    /// The default view directory of a SQLite ledger at `db`: `<db>.views` beside it.
    pub fn default_views_dir(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push(".views");
        PathBuf::from(name)
    }

    fn facility<S: Store>(&mut self, store: &S, entry: &EntryRow) -> Result<String, LedgerError> {
        if let Some(facility) = self.facility_of.get(&entry.device_id) {
            return Ok(facility.clone());
        }
        let row = store.device(&entry.device_id)?.ok_or_else(|| {
            StoreError::Corrupt(format!(
                "entry {} is by device {}, which is not enrolled",
                entry.index, entry.device_id
            ))
        })?;
        self.facility_of
            .insert(entry.device_id, row.facility.clone());
        Ok(row.facility)
    }

    /// Numbers the entries covered by the latest checkpoint that are not numbered yet.
    fn catch_up<S: Store>(&mut self, store: &S) -> Result<(), LedgerError> {
        // The mark first: checkpoints only grow, so the one read after it covers it.
        let mut mark = store.stream_mark()?;
        let published = store.latest_checkpoint()?.map_or(0, |c| c.size);
        let same_log = published >= mark.scanned
            && match (mark.scanned, mark.last_sha256) {
                (0, _) => true,
                (n, Some(hash)) => store
                    .entries(n - 1, n)?
                    .first()
                    .is_some_and(|e| sha256(&e.record) == hash),
                (_, None) => false,
            };
        if !same_log {
            tracing::warn!(
                scanned = mark.scanned,
                published,
                "the log is not the one numbered before (restored?): numbering it afresh"
            );
            store.stream_reset()?;
            self.facility_of.clear();
            mark = store.stream_mark()?;
        }
        while mark.scanned < published {
            let end = published.min(mark.scanned + SCAN_STEP);
            let entries = store.entries(mark.scanned, end)?;
            if entries.len() as u64 != end - mark.scanned {
                return Err(StoreError::Corrupt(format!(
                    "entries {} to {end} are not all stored",
                    mark.scanned
                ))
                .into());
            }
            let mut rows = Vec::with_capacity(entries.len());
            for entry in &entries {
                rows.push(StreamRow {
                    facility: self.facility(store, entry)?,
                    log_index: entry.index,
                });
            }
            let to = StreamMark {
                scanned: end,
                last_sha256: entries.last().map(|e| sha256(&e.record)),
            };
            if !store.stream_extend(&mark, &to, &rows)? {
                // Another process numbered these first: carry on from where it stopped.
                mark = store.stream_mark()?;
                continue;
            }
            mark = to;
        }
        Ok(())
    }

    /// The length of `facility`'s stream (after numbering what is new).
    pub fn stream_size<S: Store>(&mut self, store: &S, facility: &str) -> Result<u64, LedgerError> {
        self.catch_up(store)?;
        Ok(store.stream_size(facility)?)
    }

    /// Up to `limit` (at most [`DELTAS_PER_PAGE_MAX`]) deltas of `facility` after position
    /// `after`, in order, each with its inclusion proof in the latest signed checkpoint (sent
    /// with them). Only entries that checkpoint covers are numbered, so every delta has one.
    pub fn deltas<S: Store>(
        &mut self,
        store: &S,
        facility: &str,
        after: u64,
        limit: u64,
    ) -> Result<DeltasResponse, LedgerError> {
        let raw = self.raw_deltas(store, facility, after, limit)?;
        let size = store.stream_size(facility)?;
        let checkpoint = store.latest_checkpoint()?;
        let mut deltas = Vec::with_capacity(raw.len());
        // Every delta's proof from one read of the stored hashes the page needs.
        let tree = checkpoint.as_ref().map_or(0, |c| c.size);
        let indexes: Vec<u64> = raw.iter().map(|(_, index, _)| *index).collect();
        let proofs = tlog::prove_inclusions(tree, &indexes, &StoreHashes(store))?;
        for ((position, index, record), proof) in raw.into_iter().zip(proofs) {
            deltas.push(DeltaBody {
                ledger_index: position,
                log_index: index,
                record: b64(&record),
                inclusion_proof: proof.iter().map(|h| b64(&h.0)).collect(),
            });
        }
        Ok(DeltasResponse {
            facility: facility.to_owned(),
            size,
            deltas,
            checkpoint: checkpoint.map(|c| c.note).unwrap_or_default(),
        })
    }

    /// (position, log index, record) of up to `limit` deltas after `after`.
    fn raw_deltas<S: Store>(
        &mut self,
        store: &S,
        facility: &str,
        after: u64,
        limit: u64,
    ) -> Result<Vec<(u64, u64, Vec<u8>)>, LedgerError> {
        self.catch_up(store)?;
        let limit = limit.clamp(1, DELTAS_PER_PAGE_MAX);
        let page = store.stream_page(facility, after, limit)?;
        for (i, (position, _)) in page.iter().enumerate() {
            if *position != after + 1 + i as u64 {
                return Err(StoreError::Corrupt(format!(
                    "facility {facility}'s stream has no position {}",
                    after + 1 + i as u64
                ))
                .into());
            }
        }
        Ok(page
            .into_iter()
            .map(|(position, entry)| (position, entry.index, entry.record))
            .collect())
    }

    fn view_path(&self, facility: &str) -> PathBuf {
        let digest = Sha256::digest(format!("{}\n{facility}", self.origin).as_bytes());
        self.views_dir
            .join(format!("view-{}.sqlite", hex::encode(&digest[..12])))
    }

    /// Removes a view and its sidecar files.
    fn remove_view(path: &Path) -> Result<(), LedgerError> {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            match std::fs::remove_file(PathBuf::from(&name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error("cannot remove the stale view", path, e)),
            }
        }
        Ok(())
    }

    /// Whether `view` was folded from this log: its cursor is within the stream and the last
    /// delta it stored is the stream's entry at that position, byte for byte.
    fn view_matches<S: Store>(
        &self,
        store: &S,
        facility: &str,
        view: &rusqlite::Connection,
        size: u64,
    ) -> Result<bool, LedgerError> {
        let cursor = tally_replica::sync::ledger_cursor(view).map_err(view_error)?;
        if cursor > size {
            return Ok(false);
        }
        let last: Option<(i64, Vec<u8>)> = view
            .query_row(
                "SELECT ledger_index, bytes FROM remote_events
                 WHERE ledger_index <= ?1 ORDER BY ledger_index DESC LIMIT 1",
                [i64::try_from(cursor).unwrap_or(i64::MAX)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| view_error(e.into()))?;
        let Some((position, bytes)) = last else {
            return Ok(true);
        };
        let Some(after) = u64::try_from(position).ok().and_then(|p| p.checked_sub(1)) else {
            return Ok(false);
        };
        Ok(store
            .stream_page(facility, after, 1)?
            .first()
            .is_some_and(|(at, e)| *at == after + 1 && e.record == bytes))
    }

    /// Brings `facility`'s ledger-side view up to its stream and writes a snapshot of it.
    pub fn snapshot<S: Store>(
        &mut self,
        store: &S,
        facility: &str,
    ) -> Result<Snapshot, LedgerError> {
        self.catch_up(store)?;
        let size = store.stream_size(facility)?;
        let path = self.view_path(facility);
        let mut view = tally_replica::db::open(&path).map_err(view_error)?;
        if !self.view_matches(store, facility, &view, size)? {
            drop(view);
            tracing::warn!(%facility, size, "the facility view does not match the log (a restored ledger?): rebuilding it");
            Self::remove_view(&path)?;
            view = tally_replica::db::open(&path).map_err(view_error)?;
        }
        loop {
            let cursor = tally_replica::sync::ledger_cursor(&view).map_err(view_error)?;
            if cursor >= size {
                break;
            }
            let deltas: Vec<tally_replica::Delta> = self
                .raw_deltas(store, facility, cursor, DELTAS_PER_PAGE_MAX)?
                .into_iter()
                .map(|(position, _, bytes)| tally_replica::Delta {
                    ledger_index: position,
                    bytes,
                })
                .collect();
            tally_replica::sync::apply_ledger_deltas(&mut view, &deltas).map_err(view_error)?;
        }
        let cursor = tally_replica::sync::ledger_cursor(&view).map_err(view_error)?;
        let mut raw = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
        let out = self
            .views_dir
            .join(format!("snapshot-{}.sqlite", hex::encode(raw)));
        let written = tally_replica::sync::write_snapshot(&view, &out, cursor).map_err(view_error);
        let bytes = written.and_then(|()| {
            std::fs::read(&out).map_err(|e| io_error("cannot read the snapshot", &out, e))
        });
        Self::remove_view(&out)?;
        Ok(Snapshot {
            facility: facility.to_owned(),
            cursor,
            bytes: bytes?,
        })
    }
}

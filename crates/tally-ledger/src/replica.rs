//! The replica service: each facility's stream of log entries, numbered 1, 2, 3 ... without
//! gaps, as ordered deltas and as snapshots for devices to bootstrap from.
//!
//! **The facility stream.** The n-th entry of the log (in log order) whose author is enrolled
//! in a facility is that facility's delta n. Entries are append-only and a device's facility
//! never changes, so the numbering is a pure function of the log: every `serve` process on one
//! database (and a restart) numbers alike, and nothing of it is stored in the ledger's tables.
//! Only entries covered by the latest signed checkpoint are numbered, so every delta a device
//! receives can be proved included in a checkpoint it can fetch.
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
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tally_events::DeviceId;

use crate::error::LedgerError;
use crate::store::{Store, StoreError};
use crate::tlog::b64;

/// Most deltas in one answer.
pub const DELTAS_PER_PAGE_MAX: u64 = 1_000;
/// Entries read from storage per step while numbering.
const SCAN_STEP: u64 = 4_096;

/// One delta as the API sends it (`GET /v1/replica/deltas`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeltaBody {
    /// Position in the facility's stream (1-based, no gaps): tally-replica's ledger index.
    pub ledger_index: u64,
    /// The entry's index in the transparency log.
    pub log_index: u64,
    /// Standard base64 of the record exactly as signed.
    pub record: String,
}

/// `GET /v1/replica/deltas` response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeltasResponse {
    /// The device's facility.
    pub facility: String,
    /// Length of the facility's stream now.
    pub size: u64,
    /// The deltas after the requested position, in order.
    pub deltas: Vec<DeltaBody>,
}

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

/// The numbering of every facility's stream and the ledger-side views.
#[derive(Debug)]
pub struct ReplicaService {
    /// Log entries numbered so far (the log prefix scanned).
    scanned: u64,
    /// SHA-256 of the last entry numbered: a log that no longer holds it there (restored from
    /// a backup and grown again) is numbered afresh.
    last_scanned: Option<[u8; 32]>,
    /// Each facility's log indexes, in order: position n is `streams[f][n - 1]`.
    streams: HashMap<String, Vec<u64>>,
    /// Which facility each device is enrolled in.
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

impl ReplicaService {
    /// A service for the log named `origin`, keeping views under `views_dir` (created if
    /// missing).
    pub fn new(views_dir: &Path, origin: &str) -> Result<Self, LedgerError> {
        std::fs::create_dir_all(views_dir)
            .map_err(|e| io_error("cannot create the view directory", views_dir, e))?;
        Ok(Self {
            scanned: 0,
            last_scanned: None,
            streams: HashMap::new(),
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

    /// Numbers the entries covered by the latest checkpoint that are not numbered yet.
    fn catch_up<S: Store>(&mut self, store: &S) -> Result<(), LedgerError> {
        let published = store.latest_checkpoint()?.map_or(0, |c| c.size);
        let same_log = published >= self.scanned
            && match (self.scanned, self.last_scanned) {
                (0, _) => true,
                (n, Some(hash)) => store
                    .entries(n - 1, n)?
                    .first()
                    .is_some_and(|e| <[u8; 32]>::from(Sha256::digest(&e.record)) == hash),
                (_, None) => false,
            };
        if !same_log {
            // The database is not the one numbered before (restored from a backup).
            tracing::warn!(
                scanned = self.scanned,
                published,
                "the log is not the one numbered before (restored?): numbering it afresh"
            );
            self.scanned = 0;
            self.last_scanned = None;
            self.streams.clear();
            self.facility_of.clear();
        }
        while self.scanned < published {
            let end = published.min(self.scanned + SCAN_STEP);
            let entries = store.entries(self.scanned, end)?;
            if entries.len() as u64 != end - self.scanned {
                return Err(StoreError::Corrupt(format!(
                    "entries {} to {end} are not all stored",
                    self.scanned
                ))
                .into());
            }
            if let Some(last) = entries.last() {
                self.last_scanned = Some(Sha256::digest(&last.record).into());
            }
            for entry in entries {
                let facility = match self.facility_of.get(&entry.device_id) {
                    Some(f) => f.clone(),
                    None => {
                        let row = store.device(&entry.device_id)?.ok_or_else(|| {
                            StoreError::Corrupt(format!(
                                "entry {} is by device {}, which is not enrolled",
                                entry.index, entry.device_id
                            ))
                        })?;
                        self.facility_of
                            .insert(entry.device_id, row.facility.clone());
                        row.facility
                    }
                };
                self.streams.entry(facility).or_default().push(entry.index);
            }
            self.scanned = end;
        }
        Ok(())
    }

    /// The length of `facility`'s stream (after numbering what is new).
    pub fn stream_size<S: Store>(&mut self, store: &S, facility: &str) -> Result<u64, LedgerError> {
        self.catch_up(store)?;
        Ok(self.streams.get(facility).map_or(0, |s| s.len() as u64))
    }

    /// Up to `limit` (at most [`DELTAS_PER_PAGE_MAX`]) deltas of `facility` after position
    /// `after`, in order.
    pub fn deltas<S: Store>(
        &mut self,
        store: &S,
        facility: &str,
        after: u64,
        limit: u64,
    ) -> Result<DeltasResponse, LedgerError> {
        let raw = self.raw_deltas(store, facility, after, limit)?;
        let size = self.streams.get(facility).map_or(0, |s| s.len() as u64);
        Ok(DeltasResponse {
            facility: facility.to_owned(),
            size,
            deltas: raw
                .into_iter()
                .map(|(position, index, record)| DeltaBody {
                    ledger_index: position,
                    log_index: index,
                    record: b64(&record),
                })
                .collect(),
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
        let limit = limit.clamp(1, DELTAS_PER_PAGE_MAX) as usize;
        let Some(stream) = self.streams.get(facility) else {
            return Ok(Vec::new());
        };
        let start = usize::try_from(after)
            .unwrap_or(usize::MAX)
            .min(stream.len());
        let wanted = &stream[start..stream.len().min(start.saturating_add(limit))];
        let mut out = Vec::with_capacity(wanted.len());
        // Runs of consecutive log indexes are read in one query.
        let mut i = 0;
        while i < wanted.len() {
            let mut j = i + 1;
            while j < wanted.len() && wanted[j] == wanted[j - 1] + 1 {
                j += 1;
            }
            let entries = store.entries(wanted[i], wanted[j - 1] + 1)?;
            if entries.len() != j - i {
                return Err(StoreError::Corrupt(format!(
                    "entries {} to {} are not all stored",
                    wanted[i],
                    wanted[j - 1] + 1
                ))
                .into());
            }
            for (k, entry) in entries.into_iter().enumerate() {
                out.push(((start + i + k + 1) as u64, entry.index, entry.record));
            }
            i = j;
        }
        Ok(out)
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
        let index = usize::try_from(position)
            .ok()
            .and_then(|p| p.checked_sub(1))
            .and_then(|p| self.streams.get(facility)?.get(p).copied());
        let Some(index) = index else {
            return Ok(false);
        };
        Ok(store
            .entries(index, index + 1)?
            .first()
            .is_some_and(|e| e.record == bytes))
    }

    /// Brings `facility`'s ledger-side view up to its stream and writes a snapshot of it.
    pub fn snapshot<S: Store>(
        &mut self,
        store: &S,
        facility: &str,
    ) -> Result<Snapshot, LedgerError> {
        self.catch_up(store)?;
        let size = self.streams.get(facility).map_or(0, |s| s.len() as u64);
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

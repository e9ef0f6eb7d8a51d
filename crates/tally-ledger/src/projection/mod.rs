//! Projections for supervisors and auditors, updated **behind** ingest: current package state,
//! count results and variances, the quarantine list, manifests received, and the index of every
//! log entry that touched a UID (the chain of custody).
//!
//! The [`Projector`] follows the log by index after ingest commits, never inside the ingest
//! transaction: it reads committed entries from `position`, folds a batch of them
//! ([`fold::apply`]) and moves the stored position **in the same transaction** as the rows it
//! changed, so a projector killed at any moment (SIGKILL included) resumes exactly where its
//! last commit left it and folds nothing twice. Several projectors on one database (several
//! `serve` processes) exclude each other through that transaction. The tables are derived
//! data: `tally-ledger project --rebuild` drops and rebuilds them from the log.
//!
//! - [`db`]: the projections' connection and one SQL dialect for SQLite and PostgreSQL.
//! - [`fold`]: what each payload kind changes.
//! - [`dock`]: the Supervisor dock view (devices, their pushes, variances waiting).
//! - [`http`]: the routes, their access guard, and the projector `serve` runs.
//! - this module: the projector and the reads served over HTTP (`/v1/projections/…`).

pub mod db;
pub mod dock;
pub mod fold;
pub mod http;

use tally_events::{DeviceId, Sha256Hash, SignedEvent};

use crate::error::LedgerError;
use crate::ledger::now_unix_ms;
use crate::store::{Store, StoreError};

pub use db::{ProjectionDb, Value};
pub use tally_ledger_client::projections::{
    CountLineView, CountTaskView, DockDeviceView, DockErrorView, DockView, ManifestLineView,
    ManifestView, PackageView, Progress, QuarantineView, ReceiptDifferenceView,
};

/// Entries folded per transaction by default: short transactions, so that a SQLite ingest
/// waiting for the write lock waits little.
pub const DEFAULT_BATCH: u64 = 256;

/// Follows the log and keeps the projections current.
pub struct Projector<S: Store> {
    store: S,
    db: ProjectionDb,
}

impl<S: Store> std::fmt::Debug for Projector<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projector").finish_non_exhaustive()
    }
}

fn int(row: &[Value], i: usize) -> Option<i64> {
    row.get(i).and_then(Value::int)
}

fn uint(row: &[Value], i: usize) -> u64 {
    int(row, i).and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

fn text(row: &[Value], i: usize) -> Option<String> {
    row.get(i).and_then(Value::text).map(str::to_owned)
}

fn text_or_empty(row: &[Value], i: usize) -> String {
    text(row, i).unwrap_or_default()
}

impl<S: Store> Projector<S> {
    /// A projector over `store`, with its own connection to the same database (the projection
    /// tables are created if they are not there).
    pub fn open(store: S) -> Result<Self, LedgerError> {
        let db = ProjectionDb::open(&store.location())?;
        Ok(Self { store, db })
    }

    /// The store it reads the log from.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The projections' connection (for the reads below).
    pub fn db(&mut self) -> &mut ProjectionDb {
        &mut self.db
    }

    /// How far the projections are.
    pub fn progress(&mut self) -> Result<Progress, LedgerError> {
        let projected = self.position()?;
        Ok(Progress {
            projected,
            tree_size: self.store.tree_size()?,
        })
    }

    fn position(&mut self) -> Result<u64, StoreError> {
        let rows = self
            .db
            .rows("SELECT next_index FROM proj_position WHERE id = 1", &[])?;
        rows.first()
            .and_then(|row| int(row, 0))
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| StoreError::Corrupt("the projection position row is missing".into()))
    }

    /// Folds at most `max` entries after the stored position, in one transaction that also
    /// moves the position; the number folded (0: caught up with the committed log).
    pub fn step(&mut self, max: u64) -> Result<u64, LedgerError> {
        self.db.begin()?;
        match self.step_in_transaction(max) {
            Ok(folded) => {
                self.db.commit()?;
                Ok(folded)
            }
            Err(error) => {
                self.db.rollback();
                Err(error)
            }
        }
    }

    fn step_in_transaction(&mut self, max: u64) -> Result<u64, LedgerError> {
        self.db.lock_position()?;
        let start = self.position()?;
        let end = self
            .store
            .tree_size()?
            .min(start.saturating_add(max.max(1)));
        if end <= start {
            return Ok(0);
        }
        let entries = self.store.entries(start, end)?;
        if entries.len() as u64 != end - start {
            return Err(StoreError::Corrupt(format!(
                "entries {start} to {end} are not all stored"
            ))
            .into());
        }
        let store = &self.store;
        let index_of =
            |device: &DeviceId, seq: u64| -> Result<Option<(u64, Sha256Hash)>, StoreError> {
                if seq == 0 {
                    return Ok(None);
                }
                Ok(store
                    .device_records(device, seq - 1, 1)?
                    .into_iter()
                    .find(|e| e.seq == seq)
                    .map(|e| (e.index, Sha256Hash::of(&e.record))))
            };
        for entry in &entries {
            let event = SignedEvent::from_bytes(entry.record.clone()).map_err(|e| {
                StoreError::Corrupt(format!("log entry {} does not parse: {e}", entry.index))
            })?;
            fold::apply(&mut self.db, entry.index, &event, &index_of)?;
        }
        self.db.exec(
            "UPDATE proj_position SET next_index = ?1, updated_unix_ms = ?2 WHERE id = 1",
            &[end.into(), now_unix_ms().into()],
        )?;
        Ok(end - start)
    }

    /// Folds until the projections cover the tree committed when it started (or `size`
    /// entries, whichever is larger); the position reached.
    pub fn catch_up(&mut self, batch: u64, size: Option<u64>) -> Result<u64, LedgerError> {
        let target = self.store.tree_size()?.max(size.unwrap_or(0));
        loop {
            let position = self.position()?;
            if position >= target {
                return Ok(position);
            }
            if self.step(batch)? == 0 {
                return Ok(self.position()?);
            }
        }
    }

    /// Drops every projection table and starts again from entry 0 (they are derived data).
    pub fn rebuild(&mut self) -> Result<(), LedgerError> {
        self.db.begin()?;
        let result = (|| -> Result<(), StoreError> {
            self.db.lock_position()?;
            for table in db::DERIVED_TABLES {
                self.db.exec(&format!("DELETE FROM {table}"), &[])?;
            }
            self.db.exec(
                "UPDATE proj_position SET next_index = 0, updated_unix_ms = ?1 WHERE id = 1",
                &[now_unix_ms().into()],
            )?;
            Ok(())
        })();
        match result {
            Ok(()) => Ok(self.db.commit()?),
            Err(error) => {
                self.db.rollback();
                Err(error.into())
            }
        }
    }

    /// Current package state, optionally of one facility, in UID order.
    pub fn packages(&mut self, facility: Option<&str>) -> Result<Vec<PackageView>, LedgerError> {
        let rows = self.db.rows(
            "SELECT uid, facility, item_id, batch_id, unit, quantity, location, status, last_idx,
                 last_kind, last_unix_ms
             FROM proj_packages WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) ORDER BY uid",
            &[facility.into()],
        )?;
        Ok(rows.iter().map(|r| package_from_row(r)).collect())
    }

    /// One package's current state.
    pub fn package(&mut self, uid: &str) -> Result<Option<PackageView>, LedgerError> {
        let rows = self.db.rows(
            "SELECT uid, facility, item_id, batch_id, unit, quantity, location, status, last_idx,
                 last_kind, last_unix_ms
             FROM proj_packages WHERE uid = ?1",
            &[uid.into()],
        )?;
        Ok(rows.first().map(|r| package_from_row(r)))
    }

    /// Packages in quarantine now, oldest first.
    pub fn quarantine(
        &mut self,
        facility: Option<&str>,
    ) -> Result<Vec<QuarantineView>, LedgerError> {
        let rows = self.db.rows(
            "SELECT uid, facility, reason_code, note, location, actor, idx, since_unix_ms
             FROM proj_quarantine WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) ORDER BY idx",
            &[facility.into()],
        )?;
        Ok(rows
            .iter()
            .map(|r| QuarantineView {
                uid: text_or_empty(r, 0),
                facility: text_or_empty(r, 1),
                reason_code: text_or_empty(r, 2),
                note: text_or_empty(r, 3),
                location: text(r, 4),
                actor: text_or_empty(r, 5),
                index: uint(r, 6),
                since_unix_ms: int(r, 7).unwrap_or(0),
            })
            .collect())
    }

    /// Count tasks with their lines (results and variances), in task order.
    pub fn counts(&mut self, facility: Option<&str>) -> Result<Vec<CountTaskView>, LedgerError> {
        let tasks = self.db.rows(
            "SELECT count_task_id, facility, status, round, last_idx FROM proj_count_tasks
             WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) ORDER BY count_task_id",
            &[facility.into()],
        )?;
        let mut out = Vec::with_capacity(tasks.len());
        for task in tasks {
            let id = text_or_empty(&task, 0);
            let lines = self.db.rows(
                "SELECT round, uid, location, unit, counted, expected_unit, expected, variance,
                     actor, device_id, idx
                 FROM proj_count_lines WHERE count_task_id = ?1 ORDER BY round, uid",
                &[id.as_str().into()],
            )?;
            out.push(CountTaskView {
                count_task_id: id,
                facility: text_or_empty(&task, 1),
                status: text_or_empty(&task, 2),
                round: uint(&task, 3),
                lines: lines
                    .iter()
                    .map(|r| CountLineView {
                        round: uint(r, 0),
                        uid: text_or_empty(r, 1),
                        location: text_or_empty(r, 2),
                        unit: text_or_empty(r, 3),
                        counted: int(r, 4).unwrap_or(0),
                        expected_unit: text(r, 5),
                        expected: int(r, 6),
                        variance: int(r, 7),
                        actor: text_or_empty(r, 8),
                        device_id: text_or_empty(r, 9),
                        index: uint(r, 10),
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    /// Manifests with their lines, in manifest order.
    pub fn manifests(&mut self, facility: Option<&str>) -> Result<Vec<ManifestView>, LedgerError> {
        let manifests = self.db.rows(
            "SELECT manifest_id, facility, direction, origin_license, destination_license, status
             FROM proj_manifests WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) ORDER BY manifest_id",
            &[facility.into()],
        )?;
        let mut out = Vec::with_capacity(manifests.len());
        for manifest in manifests {
            let id = text_or_empty(&manifest, 0);
            let lines = self.db.rows(
                "SELECT l.uid, l.item_id, l.unit, l.expected, l.status, l.received_unit,
                     l.received, l.reason_code, l.idx, d.manifest_unit, d.manifest_quantity,
                     d.received_unit, d.received_quantity, d.reason_code, d.note, d.idx
                 FROM proj_manifest_lines l
                 LEFT JOIN proj_receipt_differences d
                     ON d.manifest_id = l.manifest_id AND d.uid = l.uid
                 WHERE l.manifest_id = ?1 ORDER BY l.uid",
                &[id.as_str().into()],
            )?;
            out.push(ManifestView {
                manifest_id: id,
                facility: text_or_empty(&manifest, 1),
                direction: text_or_empty(&manifest, 2),
                origin_license: text(&manifest, 3),
                destination_license: text(&manifest, 4),
                status: text_or_empty(&manifest, 5),
                lines: lines
                    .iter()
                    .map(|r| ManifestLineView {
                        uid: text_or_empty(r, 0),
                        item_id: text(r, 1),
                        unit: text(r, 2),
                        expected: int(r, 3),
                        status: text_or_empty(r, 4),
                        received_unit: text(r, 5),
                        received: int(r, 6),
                        reason_code: text(r, 7),
                        index: uint(r, 8),
                        difference: int(r, 15).map(|_| ReceiptDifferenceView {
                            manifest_unit: text_or_empty(r, 9),
                            manifest_quantity: int(r, 10).unwrap_or(0),
                            received_unit: text_or_empty(r, 11),
                            received_quantity: int(r, 12).unwrap_or(0),
                            reason_code: text_or_empty(r, 13),
                            note: text_or_empty(r, 14),
                            index: uint(r, 15),
                        }),
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The log entries indexed under `uid` below `size`: (index, role), in log order.
    pub fn uid_entries(&mut self, uid: &str, size: u64) -> Result<Vec<(u64, String)>, LedgerError> {
        let rows = self.db.rows(
            "SELECT idx, role FROM proj_uid_entries WHERE uid = ?1 AND idx < ?2 ORDER BY idx, role",
            &[uid.into(), size.into()],
        )?;
        Ok(rows
            .iter()
            .map(|r| (uint(r, 0), text_or_empty(r, 1)))
            .collect())
    }

    /// The index of the latest registration of scale `scale_id` in `facility` below `before`.
    pub fn scale_index(
        &mut self,
        facility: &str,
        scale_id: &str,
        before: u64,
    ) -> Result<Option<u64>, LedgerError> {
        let rows = self.db.rows(
            "SELECT MAX(idx) FROM proj_scales WHERE facility = ?1 AND scale_id = ?2 AND idx < ?3",
            &[facility.into(), scale_id.into(), before.into()],
        )?;
        Ok(rows
            .first()
            .and_then(|r| int(r, 0))
            .and_then(|v| u64::try_from(v).ok()))
    }

    /// The index of the latest facility settings of `facility` below `size`.
    pub fn settings_index(
        &mut self,
        facility: &str,
        size: u64,
    ) -> Result<Option<u64>, LedgerError> {
        let rows = self.db.rows(
            "SELECT MAX(idx) FROM proj_settings WHERE facility = ?1 AND idx < ?2",
            &[facility.into(), size.into()],
        )?;
        Ok(rows
            .first()
            .and_then(|r| int(r, 0))
            .and_then(|v| u64::try_from(v).ok()))
    }
}

fn package_from_row(r: &[Value]) -> PackageView {
    PackageView {
        uid: text_or_empty(r, 0),
        facility: text_or_empty(r, 1),
        item_id: text(r, 2),
        batch_id: text(r, 3),
        unit: text(r, 4),
        quantity: int(r, 5),
        location: text(r, 6),
        status: text_or_empty(r, 7),
        last_index: uint(r, 8),
        last_kind: text_or_empty(r, 9),
        last_unix_ms: int(r, 10).unwrap_or(0),
    }
}

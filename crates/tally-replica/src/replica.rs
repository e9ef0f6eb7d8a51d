//! [`Replica`]: one device's database and key, and the only way to record.
//!
//! Recording an action signs its events and, in ONE SQLite transaction (WAL,
//! `synchronous=FULL`), appends them to the device's log and folds them into the view; only
//! after the commit returns may the device say "OK". A crash at any instant leaves both or
//! neither. A burst (an RFID sweep) is one action: one transaction, one fsync.
//!
//! The device key lives in its own file in a key directory ([`crate::keys`]), never in the
//! database nor beside it. Opening takes the key's signing lock (one signing process per key),
//! checks that the key file vouches for the database's chain (its recorded head, see
//! `tally_events::keyfile`), and renews the seq reservation, durably, before any seq of the new
//! block is signed. After each commit the new head is written into the key file's head slot
//! (no fsync); a clean shutdown writes it durably. A database the key file cannot vouch for
//! refuses to record: "restored from a backup: re-enroll" ([`Replica::re_enroll`]).

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use tally_events::payload::{DeviceEnrolled, SignInPurpose};
use tally_events::{
    ChainHead, ChainWriter, Clock, DeviceId, DeviceKey, ExportWriter, KeyFile, Payload, PinPepper,
    Sha256Hash, SignedEvent,
};

use crate::db;
use crate::error::ReplicaError;
use crate::keys::{self, sync_dir, write_durably, KeyOptions, SigningLock};
use crate::pins::IssuedVerifier;
use crate::refusal::Refusal;
use crate::sync::{self as ledger_sync};
pub use crate::sync::{write_snapshot, Delta, ForkEvidence, HeldDelta, DELTAS_PER_TRANSACTION_MAX};
use crate::workflow::count::CountingView;
use crate::workflow::session::Witness;
use crate::workflow::{Plan, Session, StepResult};

/// Seqs reserved per key file write.
pub const SEQ_BLOCK: u64 = 1_000;
/// Most events one action may record.
pub const EVENTS_PER_ACTION_MAX: usize = 1_024;

/// An event the device has durably recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Its seq.
    pub seq: u64,
    /// SHA-256 of its signed record.
    pub hash: Sha256Hash,
}

/// A device's replica.
pub struct Replica {
    conn: Connection,
    path: PathBuf,
    device: DeviceId,
    signer: Signer,
}

/// The signing side: key file, chain head and clock.
struct Signer {
    key_path: PathBuf,
    key_file: KeyFile,
    /// The key file, open for in-place head slot writes (replaced at each durable write).
    key_handle: fs::File,
    /// Held for as long as this process may sign with the key.
    _lock: SigningLock,
    writer: ChainWriter,
    head: Option<Recorded>,
    clock: Box<dyn Clock>,
}

impl std::fmt::Debug for Replica {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replica")
            .field("path", &self.path)
            .field("device", &self.device)
            .field("head", &self.signer.head)
            .finish_non_exhaustive()
    }
}

fn events_err(e: impl Into<tally_events::Error>) -> ReplicaError {
    ReplicaError::Events(e.into())
}

/// The head of the device log in a database: (seq, hash).
fn db_head(conn: &Connection) -> Result<Option<Recorded>, ReplicaError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((seq, hash)) => {
            let hash: [u8; 32] = hash
                .try_into()
                .map_err(|_| ReplicaError::Storage("a stored event hash is damaged".into()))?;
            Ok(Some(Recorded {
                seq: u64::try_from(seq)
                    .map_err(|_| ReplicaError::Storage("negative seq".into()))?,
                hash: Sha256Hash(hash),
            }))
        }
    }
}

/// The hash of this device's event `seq` in a database.
fn db_hash_at(conn: &Connection, seq: u64) -> Result<Option<Sha256Hash>, ReplicaError> {
    let Ok(seq) = i64::try_from(seq) else {
        return Ok(None);
    };
    let hash: Option<Vec<u8>> = conn
        .query_row("SELECT hash FROM event_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(hash
        .and_then(|h| <[u8; 32]>::try_from(h).ok())
        .map(Sha256Hash))
}

fn chain_head(head: Option<Recorded>) -> ChainHead {
    head.map_or(ChainHead::EMPTY, |h| ChainHead {
        seq: h.seq,
        hash: h.hash,
    })
}

fn key_err(e: tally_events::KeyFileError) -> ReplicaError {
    ReplicaError::Key(e)
}

/// Removes what a failed enrollment created: the key file and its lock, and the database files.
fn remove_enrollment(key_path: &Path, db_path: Option<&Path>) {
    let _ = fs::remove_file(key_path);
    let _ = fs::remove_file(keys::lock_path(key_path));
    if let Some(db) = db_path {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }
}

/// The device id a replica database records (`meta.device`), read without writing.
pub fn recorded_device(db_path: &Path) -> Result<DeviceId, ReplicaError> {
    let conn = db::open_read_only(db_path)?;
    let device = meta_get(&conn, "device")?
        .ok_or_else(|| ReplicaError::Storage(format!("{} records no device", db_path.display())))?;
    DeviceId::from_hex(&device).ok_or_else(|| {
        ReplicaError::Storage(format!("{} records a damaged device id", db_path.display()))
    })
}

/// One event of an earlier chain of this device, kept after a re-enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupersededEvent {
    /// The earlier key (device id).
    pub device: DeviceId,
    /// Its seq in that chain.
    pub seq: u64,
    /// SHA-256 of the signed record.
    pub hash: Sha256Hash,
    /// Payload kind.
    pub kind: u16,
    /// Who recorded it.
    pub actor: String,
    /// Whether the ledger had acknowledged it; `false` means flagged for a supervisor.
    pub acknowledged: bool,
    /// The key the device re-enrolled as.
    pub re_enrolled_as: DeviceId,
    /// The signed record.
    pub bytes: Vec<u8>,
}

/// The events of earlier chains of this device; `flagged_only` keeps the unacknowledged ones
/// (the ones a supervisor must review: they may never have reached the ledger).
pub fn superseded_events(
    conn: &Connection,
    flagged_only: bool,
) -> Result<Vec<SupersededEvent>, ReplicaError> {
    let mut stmt = conn.prepare(
        "SELECT device, seq, hash, kind, actor, acknowledged, re_enrolled_as, bytes
         FROM superseded_events WHERE acknowledged = 0 OR ?1 = 0 ORDER BY acknowledged, device, seq",
    )?;
    let rows = stmt.query_map([i64::from(flagged_only)], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Vec<u8>>(6)?,
            r.get::<_, Vec<u8>>(7)?,
        ))
    })?;
    let damaged = || ReplicaError::Storage("a superseded event row is damaged".into());
    let mut out = Vec::new();
    for row in rows {
        let (device, seq, hash, kind, actor, acknowledged, new, bytes) = row?;
        out.push(SupersededEvent {
            device: DeviceId(device.try_into().map_err(|_| damaged())?),
            seq: u64::try_from(seq).map_err(|_| damaged())?,
            hash: Sha256Hash(hash.try_into().map_err(|_| damaged())?),
            kind: u16::try_from(kind).map_err(|_| damaged())?,
            actor,
            acknowledged: acknowledged != 0,
            re_enrolled_as: DeviceId(new.try_into().map_err(|_| damaged())?),
            bytes,
        });
    }
    Ok(out)
}

fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>, ReplicaError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<(), ReplicaError> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![key, value],
    )?;
    Ok(())
}

/// Stores one signed event of this device and folds it, inside `tx`.
fn store_local(
    tx: &Connection,
    event: &SignedEvent,
    payload: &Payload,
) -> Result<(), ReplicaError> {
    let seq =
        i64::try_from(event.seq()).map_err(|_| ReplicaError::Storage("seq out of range".into()))?;
    tx.prepare_cached(
        "INSERT INTO event_log (seq, hash, kind, actor, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        seq,
        &event.record_hash().0[..],
        event.payload_kind(),
        event.actor(),
        event.as_bytes()
    ])?;
    ledger_sync::fold_local(tx, event, payload)
}

impl Replica {
    /// Enrolls a new device: creates the database, a new key file at `key_path` (mode 0600,
    /// not in the database's directory) and the genesis event. Refuses if either file already
    /// exists; a failure leaves neither behind.
    pub fn init(
        db_path: &Path,
        key_path: &Path,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
    ) -> Result<Replica, ReplicaError> {
        Self::init_with(db_path, key_path, clock, enrolled, &KeyOptions::default())
    }

    /// [`Replica::init`] with the key file named by device id in `key_dir` (created, mode
    /// 0700, if needed): `<key_dir>/<device-id-hex>.key`.
    pub fn init_in_key_dir(
        db_path: &Path,
        key_dir: &Path,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
        options: &KeyOptions,
    ) -> Result<Replica, ReplicaError> {
        keys::ensure_key_dir(key_dir)?;
        let key = keys::generate();
        let key_path = keys::key_path(key_dir, &key.device_id());
        Self::enroll(db_path, &key_path, key, clock, enrolled, options)
    }

    /// [`Replica::init`] with options.
    pub fn init_with(
        db_path: &Path,
        key_path: &Path,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
        options: &KeyOptions,
    ) -> Result<Replica, ReplicaError> {
        Self::enroll(
            db_path,
            key_path,
            keys::generate(),
            clock,
            enrolled,
            options,
        )
    }

    fn enroll(
        db_path: &Path,
        key_path: &Path,
        key: DeviceKey,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
        options: &KeyOptions,
    ) -> Result<Replica, ReplicaError> {
        if db_path.exists() {
            return Err(ReplicaError::Storage(format!(
                "{} already exists",
                db_path.display()
            )));
        }
        if key_path.exists() {
            return Err(ReplicaError::KeyFile(format!(
                "{} already exists; a device key is never overwritten",
                key_path.display()
            )));
        }
        keys::check_key_location(key_path, db_path, options)?;
        if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            keys::ensure_key_dir(dir)?;
        }
        let lock = SigningLock::acquire(key_path)?;
        let enrolled_db = Self::enroll_files(db_path, key_path, key, clock, enrolled, lock);
        if enrolled_db.is_err() {
            // Leave nothing behind: no orphan key, no half-created database.
            remove_enrollment(key_path, Some(db_path));
        }
        enrolled_db
    }

    fn enroll_files(
        db_path: &Path,
        key_path: &Path,
        key: DeviceKey,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
        lock: SigningLock,
    ) -> Result<Replica, ReplicaError> {
        // The database file first (its identity goes into the key file), then the key,
        // durably, then the genesis signed with it.
        let mut conn = db::open(db_path)?;
        sync_dir(db_path)?;
        let mut key_file = KeyFile::new(&key);
        key_file.set_database(keys::database_identity(db_path)?);
        key_file
            .reserve(ChainHead::EMPTY, SEQ_BLOCK)
            .map_err(key_err)?;
        let key_handle = write_durably(key_path, &key_file.encode())?;
        let (writer, genesis) =
            ChainWriter::genesis(key.clone(), clock.as_ref(), "", enrolled).map_err(events_err)?;
        let payload = genesis.payload().map_err(events_err)?;
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            store_local(&tx, &genesis, &payload)?;
            meta_set(&tx, "device", &key.device_id().to_string())?;
            meta_set(&tx, "facility", genesis.facility())?;
            tx.commit()?;
        }
        sync_dir(db_path)?;
        let mut signer = Signer {
            key_path: key_path.to_owned(),
            key_file,
            key_handle,
            _lock: lock,
            writer,
            head: None,
            clock,
        };
        signer.committed(Recorded {
            seq: 1,
            hash: genesis.record_hash(),
        });
        Ok(Replica {
            conn,
            path: db_path.to_owned(),
            device: key.device_id(),
            signer,
        })
    }

    /// Opens an enrolled device's replica with the key file at `key_path`. Refuses when another
    /// process signs with the key, when the key file sits beside the database, and when the key
    /// file does not vouch for the database (restored from a backup: re-enroll).
    pub fn open(
        db_path: &Path,
        key_path: &Path,
        clock: Box<dyn Clock>,
    ) -> Result<Replica, ReplicaError> {
        Self::open_with(db_path, key_path, clock, &KeyOptions::default())
    }

    /// [`Replica::open`] finding the key by the device id the database records, in `key_dir`.
    pub fn open_in_key_dir(
        db_path: &Path,
        key_dir: &Path,
        clock: Box<dyn Clock>,
        options: &KeyOptions,
    ) -> Result<Replica, ReplicaError> {
        let device = recorded_device(db_path)?;
        let key_path = keys::key_path(key_dir, &device);
        if !key_path.exists() {
            return Err(ReplicaError::NotFound(format!(
                "the key of device {device} is not in {}; use the key directory this replica was enrolled with (--key-dir, {}), or re-enroll the device",
                key_dir.display(),
                keys::KEY_DIR_ENV
            )));
        }
        Self::open_with(db_path, &key_path, clock, options)
    }

    /// [`Replica::open`] with options.
    pub fn open_with(
        db_path: &Path,
        key_path: &Path,
        clock: Box<dyn Clock>,
        options: &KeyOptions,
    ) -> Result<Replica, ReplicaError> {
        if !db_path.exists() {
            return Err(ReplicaError::NotFound(format!(
                "no replica database at {}",
                db_path.display()
            )));
        }
        keys::check_key_location(key_path, db_path, options)?;
        let lock = SigningLock::acquire(key_path)?;
        let conn = db::open(db_path)?;
        let mut key_file = keys::read_key_file(key_path)?;
        let key = key_file.key();
        let device = key.device_id();
        let stored_device = meta_get(&conn, "device")?;
        if stored_device.as_deref() != Some(device.to_string().as_str()) {
            return Err(ReplicaError::RestoreDetected(
                "the device key does not belong to this database".into(),
            ));
        }
        let facility = meta_get(&conn, "facility")?
            .ok_or_else(|| ReplicaError::Storage("the database has no facility".into()))?;
        let head = db_head(&conn)?.ok_or_else(|| {
            ReplicaError::Storage("the device log is empty (no enrollment)".into())
        })?;
        let identity = keys::database_identity(db_path)?;
        key_file
            .check_database_file(&identity)
            .map_err(ReplicaError::Restored)?;
        key_file.set_database(identity);
        let recorded_seq = key_file.head().map_or(0, |h| h.seq);
        key_file
            .check_database(chain_head(Some(head)), db_hash_at(&conn, recorded_seq)?)
            .map_err(ReplicaError::Restored)?;
        // Renew the reservation at every start (this also records the head durably and
        // upgrades a version 1 file).
        key_file
            .reserve(chain_head(Some(head)), SEQ_BLOCK)
            .map_err(key_err)?;
        let key_handle = write_durably(key_path, &key_file.encode())?;
        let writer =
            ChainWriter::resume(key, &facility, head.seq, head.hash).map_err(events_err)?;
        Ok(Replica {
            conn,
            path: db_path.to_owned(),
            device,
            signer: Signer {
                key_path: key_path.to_owned(),
                key_file,
                key_handle,
                _lock: lock,
                writer,
                head: Some(head),
                clock,
            },
        })
    }

    /// Re-enrolls the device of the replica at `db_path` with a new key in `key_dir`: the
    /// database restored from a backup (or whose key was lost) records again, on a new chain.
    ///
    /// In ONE transaction, the old chain moves from `event_log` to `superseded_events` (all of
    /// it, the events the ledger has not acknowledged flagged for a supervisor: see
    /// [`superseded_events`]), and the new chain's genesis is recorded, naming the old key in
    /// `previous_device`. The view is kept: it is what the floor holds. Nothing is dropped, and
    /// the old key file is left where it is (it no longer opens this database). PIN verifiers,
    /// sealed under the old key's pepper, are cleared: the ledger sends them again
    /// ([`Replica::store_pin_verifiers`]).
    pub fn re_enroll(
        db_path: &Path,
        key_dir: &Path,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
        options: &KeyOptions,
    ) -> Result<Replica, ReplicaError> {
        let old_device = recorded_device(db_path)?;
        keys::ensure_key_dir(key_dir)?;
        // No other tally may be recording with the old key meanwhile.
        let old_key_path = keys::key_path(key_dir, &old_device);
        let old_lock = SigningLock::acquire(&old_key_path)?;
        let key = keys::generate();
        let key_path = keys::key_path(key_dir, &key.device_id());
        keys::check_key_location(&key_path, db_path, options)?;
        let lock = SigningLock::acquire(&key_path)?;
        let result =
            Self::re_enroll_files(db_path, &key_path, key, old_device, clock, enrolled, lock);
        if result.is_err() {
            remove_enrollment(&key_path, None);
        }
        drop(old_lock);
        if !old_key_path.exists() {
            let _ = fs::remove_file(keys::lock_path(&old_key_path));
        }
        result
    }

    fn re_enroll_files(
        db_path: &Path,
        key_path: &Path,
        key: DeviceKey,
        old_device: DeviceId,
        clock: Box<dyn Clock>,
        mut enrolled: DeviceEnrolled,
        lock: SigningLock,
    ) -> Result<Replica, ReplicaError> {
        enrolled.previous_device = Some(old_device);
        let mut key_file = KeyFile::new(&key);
        key_file.set_database(keys::database_identity(db_path)?);
        key_file
            .reserve(ChainHead::EMPTY, SEQ_BLOCK)
            .map_err(key_err)?;
        let key_handle = write_durably(key_path, &key_file.encode())?;
        let mut conn = db::open(db_path)?;
        let (writer, genesis) =
            ChainWriter::genesis(key.clone(), clock.as_ref(), "", enrolled).map_err(events_err)?;
        let payload = genesis.payload().map_err(events_err)?;
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if meta_get(&tx, "device")?.as_deref() != Some(old_device.to_string().as_str()) {
                return Err(ReplicaError::Storage(
                    "the replica changed while re-enrolling; try again".into(),
                ));
            }
            tx.execute(
                "INSERT INTO superseded_events
                     (device, seq, hash, kind, actor, bytes, acknowledged, re_enrolled_as)
                 SELECT ?1, seq, hash, kind, actor, bytes, acknowledged, ?2 FROM event_log",
                params![&old_device.0[..], &key.device_id().0[..]],
            )?;
            tx.execute("DELETE FROM event_log", [])?;
            // Local history rows and pending-conflict markers point at seqs of the old chain,
            // which the new chain will reuse: the superseded events keep that history.
            tx.execute("DELETE FROM package_history WHERE origin = 'local'", [])?;
            tx.execute(
                "UPDATE packages SET local_seq = NULL WHERE local_seq IS NOT NULL",
                [],
            )?;
            tx.execute("DELETE FROM local_changes", [])?;
            // A fork of the old chain stopped signing: the new key starts clean (the evidence
            // stays in `fork_evidence`).
            tx.execute("DELETE FROM meta WHERE key = 'signing_stopped'", [])?;
            // PIN verifiers are sealed under a pepper derived from the old key: they can no
            // longer check a PIN. The ledger sends them again for the new key (until then
            // nobody signs in on this device, as after a fresh enrollment).
            tx.execute("DELETE FROM pin_verifiers", [])?;
            store_local(&tx, &genesis, &payload)?;
            meta_set(&tx, "device", &key.device_id().to_string())?;
            tx.commit()?;
        }
        let mut signer = Signer {
            key_path: key_path.to_owned(),
            key_file,
            key_handle,
            _lock: lock,
            writer,
            head: None,
            clock,
        };
        signer.committed(Recorded {
            seq: 1,
            hash: genesis.record_hash(),
        });
        Ok(Replica {
            conn,
            path: db_path.to_owned(),
            device: key.device_id(),
            signer,
        })
    }

    /// Closes the replica, writing the head into the key file durably (what dropping it does,
    /// with the error reported).
    pub fn close(mut self) -> Result<(), ReplicaError> {
        self.signer.settle()
    }

    /// The key file.
    pub fn key_path(&self) -> &Path {
        &self.signer.key_path
    }

    /// The device id.
    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access to the view (for lookups and tools; never for the counting path).
    pub fn view(&self) -> &Connection {
        &self.conn
    }

    /// Asks a running `tallyd` to run a sync pass now (docs/SYNC.md, "Sync now"): no event,
    /// one more count in `ledger_sync_requests`, which the daemon watches while it waits.
    /// Returns the new count.
    pub fn request_sync(&mut self) -> Result<u64, ReplicaError> {
        let now = self.now_ms();
        crate::outbox::request_sync(&self.conn, now)
    }

    /// The last recorded event.
    pub fn head(&self) -> Option<Recorded> {
        self.signer.head
    }

    /// Opens the restricted connection the blind-count steps run on.
    pub fn counting_view(&self) -> Result<CountingView, ReplicaError> {
        CountingView::open(&self.path)
    }

    /// Records payloads as one action by `actor`: all or nothing, durable on return.
    pub fn record(
        &mut self,
        actor: &str,
        payloads: Vec<Payload>,
    ) -> Result<Vec<Recorded>, ReplicaError> {
        self.act(actor, |_| Ok(Plan::new((), payloads)))
            .map(|(_, recorded)| recorded)
    }

    /// Runs a workflow step inside the write transaction and records its plan there: the
    /// decision and the record cannot be separated by another write, and a refusal records
    /// nothing.
    pub fn act<T>(
        &mut self,
        actor: &str,
        step: impl FnOnce(&Connection) -> StepResult<T>,
    ) -> Result<(T, Vec<Recorded>), ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let plan = step(&tx)?;
        self.signer.finish(tx, actor, plan)
    }

    /// Like [`Replica::act`] for blind-count steps: the step sees only the counting view.
    pub fn act_counting<T>(
        &mut self,
        counting: &CountingView,
        actor: &str,
        step: impl FnOnce(&CountingView) -> StepResult<T>,
    ) -> Result<(T, Vec<Recorded>), ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let plan = step(counting)?;
        self.signer.finish(tx, actor, plan)
    }

    /// Submits a count round: the counter's checks on the counting view, the evaluation on the
    /// writer side, one transaction. The outcome names which UIDs to recount, never how much.
    pub fn submit_count(
        &mut self,
        counting: &CountingView,
        who: &Session,
        task: &str,
    ) -> Result<(crate::workflow::count::Submitted, Vec<Recorded>), ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let round = crate::workflow::count::submit_check(counting, who, task)?;
        let plan = crate::workflow::count::submit(&tx, task, round)?;
        self.signer.finish(tx, &who.badge, plan)
    }

    /// The ledger accepted this device's events up to `through_seq`: they are marked
    /// acknowledged (nothing to upload again). This changes no view table: the local-wins rule
    /// ends for an event only when the event itself comes back in the deltas (a receipt, in
    /// ledger order) or inside a snapshot, so conflicts never depend on when an ack arrived.
    pub fn acknowledge(&mut self, through_seq: u64) -> Result<(), ReplicaError> {
        let through = i64::try_from(through_seq).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE event_log SET acknowledged = 1 WHERE seq <= ?1 AND acknowledged = 0",
            [through],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The ledger cursor: the last ledger index folded into this replica.
    pub fn ledger_cursor(&self) -> Result<u64, ReplicaError> {
        ledger_sync::ledger_cursor(&self.conn)
    }

    /// Applies deltas in ledger order, in short transactions. Idempotent: indexes at or below
    /// the cursor are skipped; a gap, a damaged record or a bad signature is refused. A validly
    /// signed delta that cannot be folded is held (see [`Replica::held_deltas`]) and the cursor
    /// moves on. This device's own events coming back are receipts; one that differs from the
    /// log is a fork: it is kept ([`Replica::fork_evidence`]) and the device stops signing until
    /// it is re-enrolled. Returns how many deltas moved the cursor.
    pub fn apply_deltas(&mut self, deltas: &[Delta]) -> Result<usize, ReplicaError> {
        let head = self.signer.head.map_or(0, |h| h.seq);
        ledger_sync::apply_deltas(
            &mut self.conn,
            Some(&self.device),
            ledger_sync::LocalHead::Known(head),
            deltas,
        )
    }

    /// Deltas that could not be folded, for a supervisor.
    pub fn held_deltas(&self) -> Result<Vec<HeldDelta>, ReplicaError> {
        ledger_sync::held_deltas(&self.conn)
    }

    /// Validly signed events of this device the ledger holds and its log does not.
    pub fn fork_evidence(&self) -> Result<Vec<ForkEvidence>, ReplicaError> {
        ledger_sync::fork_evidence(&self.conn)
    }

    /// `Some(seq)` while the device must not sign because a fork of its chain was found at
    /// `seq` (cleared by re-enrollment: `meta` row `signing_stopped`).
    pub fn signing_stopped(&self) -> Result<Option<u64>, ReplicaError> {
        ledger_sync::signing_stopped(&self.conn)
    }

    /// Loads a snapshot (a view at a ledger cursor with each device's seq mark, as written by
    /// [`write_snapshot`]) into the live database, in place, in one transaction: this device's
    /// log and device tables stay, its events up to its mark in the snapshot are marked
    /// acknowledged and only later ones are folded again on top. Loading the same snapshot
    /// twice gives the same view; a crash or a reader sees the old view or the new one.
    pub fn load_snapshot(&mut self, snapshot: &Path) -> Result<(), ReplicaError> {
        let head = self.signer.head.map_or(0, |h| h.seq);
        ledger_sync::load_snapshot(&mut self.conn, &self.device, head, snapshot)
    }

    fn may_sign(conn: &Connection) -> Result<(), ReplicaError> {
        match ledger_sync::signing_stopped(conn)? {
            Some(seq) => Err(ReplicaError::Refused(Refusal::DeviceForked { seq })),
            None => Ok(()),
        }
    }

    /// Writes this device's log in the event-log export format (version 2, its trailer
    /// signed by the device key under the trailer's domain label, never as an event).
    pub fn export_log<W: std::io::Write>(&self, out: W) -> Result<u64, ReplicaError> {
        let signer = tally_events::domain::DomainSigner::new(self.signer.key_file.key());
        export_log(&self.conn, &signer, out)
    }

    /// The device's PIN pepper: derived from the device key, never stored in the database.
    fn pin_pepper(&self) -> PinPepper {
        self.signer.key_file.key().pin_pepper()
    }

    /// Facility time now (the replica's clock), ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.signer.clock.now().wall_unix_ms
    }

    /// Stores PIN verifiers as the ledger sends them (badge and Argon2id PHC string), sealed
    /// under this device's pepper, all or none. Master data outside the log and the view:
    /// nothing is recorded, no digest or snapshot includes them.
    pub fn store_pin_verifiers(
        &mut self,
        verifiers: &[IssuedVerifier],
    ) -> Result<usize, ReplicaError> {
        let pepper = self.pin_pepper();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored = crate::pins::store(&tx, &pepper, verifiers)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Signs a user in with badge and PIN: records `UserSignedIn`, or refuses with one refusal
    /// for an unknown badge and a wrong PIN, counting the wrong PIN and recording a lockout at
    /// the fifth (see [`crate::workflow::session`]).
    pub fn sign_in(
        &mut self,
        badge: &str,
        pin: &str,
    ) -> Result<(Session, Vec<Recorded>), ReplicaError> {
        self.check_pin(badge, pin, Some(SignInPurpose::Session))
    }

    /// Checks a witness's badge and PIN on this device, like [`Replica::sign_in`] (wrong PINs
    /// count toward a lockout) but recording no sign-in: the witnessed action records it.
    pub fn witness(&mut self, badge: &str, pin: &str) -> Result<Witness, ReplicaError> {
        self.check_pin(badge, pin, None)
            .map(|(session, _)| Witness::new(session))
    }

    /// A supervisor lifts the lockout of `badge`: records `UserUnlocked`.
    pub fn unlock(&mut self, who: &Session, badge: &str) -> Result<Vec<Recorded>, ReplicaError> {
        let now_ms = self.now_ms();
        self.act(&who.badge, |view| {
            crate::workflow::session::unlock(view, who, badge, now_ms)
        })
        .map(|((), recorded)| recorded)
    }

    /// Re-anchors this device to its ledger restored from a backup: `who` (a supervisor)
    /// accepts `restored` instead of the newest checkpoint held, for `reason`; recorded as
    /// kind 6 `ledger_reanchored` (`workflow::reanchor`).
    pub fn reanchor(
        &mut self,
        who: &Session,
        restored: &crate::workflow::reanchor::Restored,
        reason: &str,
    ) -> Result<(tally_events::payload::LedgerReanchored, Vec<Recorded>), ReplicaError> {
        self.act(&who.badge, |view| {
            crate::workflow::reanchor::reanchor(view, who, restored, reason)
        })
    }

    /// Re-bootstraps this device's view after its ledger's stream diverged: `who` (a
    /// supervisor) records kind 280 `device_rebootstrapped` and, in the same transaction, the
    /// view of the facility is emptied and the ledger cursor set back to 0; the next pull takes
    /// the whole stream again and folds this device's own events again as they come back
    /// (`workflow::rebootstrap`).
    pub fn rebootstrap(
        &mut self,
        who: &Session,
        diverged: &crate::workflow::rebootstrap::Diverged,
        reason: &str,
    ) -> Result<(tally_events::payload::DeviceRebootstrapped, Vec<Recorded>), ReplicaError> {
        let head = self.signer.head.map_or(0, |h| h.seq);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let plan = crate::workflow::rebootstrap::rebootstrap(&tx, who, diverged, reason)?;
        ledger_sync::empty_view(&tx, head)?;
        self.signer.finish(tx, &who.badge, plan)
    }

    fn check_pin(
        &mut self,
        badge: &str,
        pin: &str,
        purpose: Option<SignInPurpose>,
    ) -> Result<(Session, Vec<Recorded>), ReplicaError> {
        let pepper = self.pin_pepper();
        let now_ms = self.now_ms();
        let actor = crate::workflow::session::badge_text(badge);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let plan = crate::workflow::session::check(&tx, &pepper, &actor, pin, now_ms, purpose)?;
        // The count of wrong PINs and a lockout are kept even though the answer is "no".
        let (checked, recorded) = if plan.facts.is_empty() {
            tx.commit()?;
            (plan.outcome, Vec::new())
        } else {
            self.signer.finish(tx, &actor, plan)?
        };
        Ok((checked?, recorded))
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        // A clean shutdown records the head durably; a failure here leaves the head slot,
        // which the next start checks the same way.
        let _ = self.signer.settle();
    }
}

impl Signer {
    /// Records a committed head: in memory, and in the key file's head slot in place, without
    /// an fsync (see `tally_events::keyfile` for the power-loss window this leaves).
    fn committed(&mut self, head: Recorded) {
        self.head = Some(head);
        if self.key_file.record_head(chain_head(Some(head))).is_ok() {
            // The event is durable in the database; a failed slot write only widens the
            // window until the next durable write of the key file.
            let _ = keys::write_head_slot(&self.key_handle, &self.key_file);
        }
    }

    /// Writes the key file durably with the current head (clean shutdown).
    fn settle(&mut self) -> Result<(), ReplicaError> {
        if self.key_file.head() == Some(self.key_file.durable_head()) {
            return Ok(());
        }
        let mut next = self.key_file.clone();
        next.settle_head();
        self.key_handle = write_durably(&self.key_path, &next.encode())?;
        self.key_file = next;
        Ok(())
    }

    fn rewind_writer(&mut self) -> Result<(), ReplicaError> {
        if let Some(head) = self.head {
            self.writer = ChainWriter::resume(
                self.key_file.key(),
                self.writer.facility(),
                head.seq,
                head.hash,
            )
            .map_err(events_err)?;
        }
        Ok(())
    }

    fn sign_and_store(
        &mut self,
        tx: &Transaction<'_>,
        actor: &str,
        payloads: Vec<Payload>,
    ) -> Result<Vec<Recorded>, ReplicaError> {
        if payloads.len() > EVENTS_PER_ACTION_MAX {
            return Err(ReplicaError::Limit(format!(
                "{} events in one action (at most {EVENTS_PER_ACTION_MAX})",
                payloads.len()
            )));
        }
        // Reserve seqs for the whole action before signing any of it, from the committed head
        // (a crash before the commit must leave a head the key file accepts).
        let first = self.writer.next_seq();
        let last = first
            .saturating_add(payloads.len() as u64)
            .saturating_sub(1);
        if self.key_file.needs_reservation(last) {
            let committed = self.head.map_or(0, |h| h.seq);
            let mut next = self.key_file.clone();
            next.reserve(chain_head(self.head), SEQ_BLOCK.max(last - committed))
                .map_err(key_err)?;
            self.key_handle = write_durably(&self.key_path, &next.encode())?;
            self.key_file = next;
        }
        // Facts that point at an earlier fact of this action learn its seq (the workflows'
        // rule: a destruction and its reading).
        let mut payloads = payloads;
        crate::workflow::link_facts(&mut payloads, first);
        let mut recorded = Vec::with_capacity(payloads.len());
        for payload in payloads {
            let seq = self.writer.next_seq();
            let event = self
                .writer
                .append(self.clock.as_ref(), actor, payload)
                .map_err(events_err)?;
            // Fold what the signed bytes say, not the value handed in: a replay reads the same.
            let signed_payload = event.payload().map_err(events_err)?;
            store_local(tx, &event, &signed_payload)?;
            recorded.push(Recorded {
                seq,
                hash: event.record_hash(),
            });
        }
        Ok(recorded)
    }

    /// Signs and stores a plan's facts in `tx` and commits; on any failure nothing is kept.
    fn finish<T>(
        &mut self,
        tx: Transaction<'_>,
        actor: &str,
        plan: Plan<T>,
    ) -> Result<(T, Vec<Recorded>), ReplicaError> {
        if plan.facts.is_empty() {
            return Ok((plan.outcome, Vec::new()));
        }
        Replica::may_sign(&tx)?;
        let stored = self
            .sign_and_store(&tx, actor, plan.facts)
            .and_then(|r| tx.commit().map(|()| r).map_err(ReplicaError::from));
        match stored {
            Ok(stored) => {
                if let Some(last) = stored.last() {
                    self.committed(*last);
                }
                Ok((plan.outcome, stored))
            }
            Err(e) => {
                // The transaction rolled back; forget the signed-but-unstored events.
                self.rewind_writer()?;
                Err(e)
            }
        }
    }
}

/// Hands every record of the device's own log to `each`, in seq order, one at a time.
pub fn each_record<E: From<ReplicaError>>(
    conn: &Connection,
    mut each: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<u64, E> {
    let mut stmt = conn
        .prepare("SELECT bytes FROM event_log ORDER BY seq")
        .map_err(ReplicaError::from)?;
    let mut rows = stmt.query([]).map_err(ReplicaError::from)?;
    let mut count = 0;
    while let Some(row) = rows.next().map_err(ReplicaError::from)? {
        each(row.get(0).map_err(ReplicaError::from)?)?;
        count += 1;
    }
    Ok(count)
}

/// Writes the device log of a replica database in the event-log export format.
pub fn export_log<W: std::io::Write>(
    conn: &Connection,
    signer: &tally_events::domain::DomainSigner,
    out: W,
) -> Result<u64, ReplicaError> {
    let device = meta_get(conn, "device")?;
    if device.as_deref() != Some(signer.device_id().to_string().as_str()) {
        return Err(ReplicaError::KeyFile(
            "the device key does not belong to this database".into(),
        ));
    }
    let mut writer = ExportWriter::v2(out).map_err(events_err)?;
    // One read transaction: the records and the trailer describe one state of the log even
    // while the app keeps recording.
    conn.execute_batch("BEGIN")?;
    let written = (|| {
        let mut stmt = conn.prepare("SELECT bytes FROM event_log ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let bytes: Vec<u8> = row.get(0)?;
            writer.write_record(&bytes).map_err(events_err)?;
        }
        Ok::<(), ReplicaError>(())
    })();
    conn.execute_batch("COMMIT")?;
    written?;
    let count = writer.records();
    // The trailer is a domain signature (never an event, never a seq), and the
    // key file's reservation is not touched.
    writer.finish_signed_with(signer).map_err(events_err)?;
    Ok(count)
}

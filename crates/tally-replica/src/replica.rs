//! [`Replica`]: one device's database and key, and the only way to record.
//!
//! Recording an action signs its events and, in ONE SQLite transaction (WAL,
//! `synchronous=FULL`), appends them to the device's log and folds them into the view; only
//! after the commit returns may the device say "OK". A crash at any instant leaves both or
//! neither. A burst (an RFID sweep) is one action: one transaction, one fsync.
//!
//! The device key lives in its own file (never in the database). Its seq reservation is
//! renewed at every start and whenever a block is used up, durably, before any seq of the new
//! block is signed; a database restored to a head below the reservation floor refuses to
//! record (restore detected: re-enroll).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use tally_events::payload::{DeviceEnrolled, SignInPurpose};
use tally_events::{
    ChainWriter, Clock, DeviceId, DeviceKey, ExportWriter, KeyFile, Payload, PinPepper, Sha256Hash,
    SignedEvent,
};

use crate::apply::{apply, EventMeta, Origin};
use crate::db;
use crate::error::ReplicaError;
use crate::pins::IssuedVerifier;
use crate::workflow::count::CountingView;
use crate::workflow::session::Witness;
use crate::workflow::{Plan, Session, StepResult};

/// Seqs reserved per key file write.
pub const SEQ_BLOCK: u64 = 1_000;
/// Most events one action may record.
pub const EVENTS_PER_ACTION_MAX: usize = 1_024;
/// Most deltas applied in one transaction (a scan never waits long behind a sync).
pub const DELTAS_PER_TRANSACTION_MAX: usize = 256;

/// An event the device has durably recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Its seq.
    pub seq: u64,
    /// SHA-256 of its signed record.
    pub hash: Sha256Hash,
}

/// One event received from the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Position in the ledger (1, 2, 3 ... without gaps).
    pub ledger_index: u64,
    /// The signed record, as the author signed it.
    pub bytes: Vec<u8>,
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

fn events_err(e: impl std::fmt::Display) -> ReplicaError {
    ReplicaError::Events(e.to_string())
}

fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), ReplicaError> {
    let what = || format!("cannot write the device key {}", path.display());
    let tmp = path.with_extension("key-new");
    {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options
            .open(&tmp)
            .map_err(|e| ReplicaError::io(what(), e))?;
        file.write_all(bytes)
            .map_err(|e| ReplicaError::io(what(), e))?;
        file.sync_all().map_err(|e| ReplicaError::io(what(), e))?;
    }
    fs::rename(&tmp, path).map_err(|e| ReplicaError::io(what(), e))?;
    sync_dir(path)
}

fn sync_dir(path: &Path) -> Result<(), ReplicaError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let handle = fs::File::open(&dir)
        .map_err(|e| ReplicaError::io(format!("cannot open {}", dir.display()), e))?;
    handle
        .sync_all()
        .map_err(|e| ReplicaError::io(format!("cannot sync {}", dir.display()), e))
}

fn read_key_file(path: &Path) -> Result<KeyFile, ReplicaError> {
    let meta = fs::metadata(path).map_err(|e| {
        ReplicaError::io(format!("cannot read the device key {}", path.display()), e)
    })?;
    if meta.len() > 4_096 {
        return Err(ReplicaError::KeyFile("the key file is too large".into()));
    }
    let bytes = fs::read(path).map_err(|e| {
        ReplicaError::io(format!("cannot read the device key {}", path.display()), e)
    })?;
    KeyFile::decode(&bytes).map_err(|e| ReplicaError::KeyFile(e.to_string()))
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
    let device = event.device();
    let meta = EventMeta {
        origin: Origin::Local { seq },
        kind: event.payload_kind(),
        actor: event.actor(),
        device: device.as_bytes(),
        facility: event.facility(),
    };
    apply(tx, &meta, payload)
}

impl Replica {
    /// Enrolls a new device: creates the database, a new key file (mode 0600) and the genesis
    /// event. Refuses if either file already exists.
    pub fn init(
        db_path: &Path,
        key_path: &Path,
        clock: Box<dyn Clock>,
        enrolled: DeviceEnrolled,
    ) -> Result<Replica, ReplicaError> {
        if key_path.exists() {
            return Err(ReplicaError::KeyFile(format!(
                "{} already exists; a device key is never overwritten",
                key_path.display()
            )));
        }
        if db_path.exists() {
            return Err(ReplicaError::Storage(format!(
                "{} already exists",
                db_path.display()
            )));
        }
        let key = DeviceKey::generate(&mut rand_core::OsRng);
        let mut key_file = KeyFile::new(&key);
        key_file
            .reserve(0, SEQ_BLOCK)
            .map_err(|e| ReplicaError::KeyFile(e.to_string()))?;
        write_durably(key_path, &key_file.encode())?;
        let mut conn = db::open(db_path)?;
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
        Ok(Replica {
            conn,
            path: db_path.to_owned(),
            device: key.device_id(),
            signer: Signer {
                key_path: key_path.to_owned(),
                key_file,
                writer,
                head: Some(Recorded {
                    seq: 1,
                    hash: genesis.record_hash(),
                }),
                clock,
            },
        })
    }

    /// Opens an enrolled device's replica. Refuses when the key and the database disagree.
    pub fn open(
        db_path: &Path,
        key_path: &Path,
        clock: Box<dyn Clock>,
    ) -> Result<Replica, ReplicaError> {
        if !db_path.exists() {
            return Err(ReplicaError::NotFound(format!(
                "no replica database at {}",
                db_path.display()
            )));
        }
        let conn = db::open(db_path)?;
        let mut key_file = read_key_file(key_path)?;
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
        key_file
            .check_head(head.seq)
            .map_err(|e| ReplicaError::RestoreDetected(e.to_string()))?;
        // Renew the reservation at every start: a later restore to a head inside the old
        // block is then detected too.
        key_file
            .reserve(head.seq, SEQ_BLOCK)
            .map_err(|e| ReplicaError::KeyFile(e.to_string()))?;
        write_durably(key_path, &key_file.encode())?;
        let writer =
            ChainWriter::resume(key, &facility, head.seq, head.hash).map_err(events_err)?;
        Ok(Replica {
            conn,
            path: db_path.to_owned(),
            device,
            signer: Signer {
                key_path: key_path.to_owned(),
                key_file,
                writer,
                head: Some(head),
                clock,
            },
        })
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

    /// The ledger accepted this device's events up to `through_seq`: they no longer override
    /// deltas (see the conflict rule in [`crate::apply`]).
    pub fn acknowledge(&mut self, through_seq: u64) -> Result<(), ReplicaError> {
        let through = i64::try_from(through_seq).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE event_log SET acknowledged = 1 WHERE seq <= ?1 AND acknowledged = 0",
            [through],
        )?;
        tx.execute(
            "UPDATE packages SET local_seq = NULL WHERE local_seq <= ?1",
            [through],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The ledger cursor: the last ledger index folded into this replica.
    pub fn ledger_cursor(&self) -> Result<u64, ReplicaError> {
        Ok(meta_get(&self.conn, "ledger_cursor")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Applies deltas in ledger order, in short transactions. Idempotent: indexes at or below
    /// the cursor are skipped; a gap is refused. This device's own events coming back are
    /// acknowledged (and must be byte-identical to the log: anything else is a fork).
    pub fn apply_deltas(&mut self, deltas: &[Delta]) -> Result<usize, ReplicaError> {
        let mut applied = 0;
        for chunk in deltas.chunks(DELTAS_PER_TRANSACTION_MAX) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut cursor: u64 = meta_get(&tx, "ledger_cursor")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            for delta in chunk {
                if delta.ledger_index <= cursor {
                    continue;
                }
                if delta.ledger_index != cursor + 1 {
                    return Err(ReplicaError::Storage(format!(
                        "ledger delta {} arrived after {cursor}: deltas are missing; sync again",
                        delta.ledger_index
                    )));
                }
                let event = SignedEvent::from_bytes(delta.bytes.clone()).map_err(events_err)?;
                event.verify().map_err(events_err)?;
                let index = i64::try_from(delta.ledger_index)
                    .map_err(|_| ReplicaError::Storage("ledger index out of range".into()))?;
                if event.device() == self.device {
                    let seq = i64::try_from(event.seq())
                        .map_err(|_| ReplicaError::Storage("seq out of range".into()))?;
                    let ours: Option<Vec<u8>> = tx
                        .query_row("SELECT hash FROM event_log WHERE seq = ?1", [seq], |r| {
                            r.get(0)
                        })
                        .optional()?;
                    match ours {
                        Some(hash) if hash == event.record_hash().0 => {
                            tx.execute(
                                "UPDATE event_log SET acknowledged = 1 WHERE seq = ?1",
                                [seq],
                            )?;
                            tx.execute(
                                "UPDATE packages SET local_seq = NULL WHERE local_seq = ?1",
                                [seq],
                            )?;
                        }
                        _ => {
                            return Err(ReplicaError::RestoreDetected(format!(
                                "the ledger holds a different event {seq} of this device (a fork)"
                            )))
                        }
                    }
                } else {
                    let payload = event.payload().map_err(events_err)?;
                    let device = event.device();
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO remote_events (ledger_index, device, seq, hash, kind, actor, bytes)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        index,
                        &device.0[..],
                        i64::try_from(event.seq()).unwrap_or(i64::MAX),
                        &event.record_hash().0[..],
                        event.payload_kind(),
                        event.actor(),
                        event.as_bytes()
                    ])?;
                    let meta = EventMeta {
                        origin: Origin::Remote {
                            ledger_index: index,
                        },
                        kind: event.payload_kind(),
                        actor: event.actor(),
                        device: device.as_bytes(),
                        facility: event.facility(),
                    };
                    apply(&tx, &meta, &payload)?;
                }
                cursor = delta.ledger_index;
                applied += 1;
            }
            meta_set(&tx, "ledger_cursor", &cursor.to_string())?;
            tx.commit()?;
        }
        Ok(applied)
    }

    /// Replaces the view with a snapshot (a replica database at a ledger cursor, as written by
    /// [`write_snapshot`]), keeping this device's log and folding its unacknowledged events on
    /// top. The new file is built beside the old one and renamed over it: a crash leaves the
    /// old replica or the new one. Loading the same snapshot twice gives the same replica.
    pub fn load_snapshot(&mut self, snapshot: &Path) -> Result<(), ReplicaError> {
        let staging = self.path.with_extension("loading");
        let _ = fs::remove_file(&staging);
        fs::copy(snapshot, &staging).map_err(|e| {
            ReplicaError::io(
                format!("cannot copy the snapshot {}", snapshot.display()),
                e,
            )
        })?;
        {
            let mut next = db::open(&staging)?;
            let tx = next.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if meta_get(&tx, "snapshot_cursor")?.is_none() {
                return Err(ReplicaError::Storage(format!(
                    "{} is not a tally snapshot",
                    snapshot.display()
                )));
            }
            tx.execute("DELETE FROM event_log", [])?;
            tx.execute("DELETE FROM meta WHERE key IN ('device', 'facility')", [])?;
            tx.execute(
                "ATTACH DATABASE ?1 AS old",
                [self.path.to_string_lossy().as_ref()],
            )?;
            tx.execute("INSERT INTO event_log SELECT * FROM old.event_log", [])?;
            // PIN verifiers and wrong-PIN counts are this device's own, never the snapshot's.
            tx.execute_batch(
                "DELETE FROM pin_verifiers; DELETE FROM pin_attempts;
                 INSERT INTO pin_verifiers SELECT * FROM old.pin_verifiers;
                 INSERT INTO pin_attempts SELECT * FROM old.pin_attempts;",
            )?;
            tx.execute(
                "INSERT INTO meta SELECT * FROM old.meta WHERE key IN ('device', 'facility')",
                [],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) SELECT 'ledger_cursor', value FROM meta WHERE key = 'snapshot_cursor'",
                [],
            )?;
            // Local events the ledger has not acknowledged win until it rules: fold them again.
            let pending: Vec<Vec<u8>> = {
                let mut stmt =
                    tx.prepare("SELECT bytes FROM event_log WHERE acknowledged = 0 ORDER BY seq")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            for bytes in pending {
                let event = SignedEvent::from_bytes(bytes).map_err(events_err)?;
                let payload = event.payload().map_err(events_err)?;
                let device = event.device();
                let meta = EventMeta {
                    origin: Origin::Local {
                        seq: i64::try_from(event.seq()).unwrap_or(i64::MAX),
                    },
                    kind: event.payload_kind(),
                    actor: event.actor(),
                    device: device.as_bytes(),
                    facility: event.facility(),
                };
                // Master data the device itself recorded is already in the snapshot when the
                // ledger accepted it; folding it again is harmless (upserts).
                apply(&tx, &meta, &payload)?;
            }
            tx.commit()?;
            next.execute("DETACH DATABASE old", [])?;
            next.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            next.close().map_err(|(_, e)| ReplicaError::from(e))?;
        }
        // Checkpoint the current database completely; a reader still open on it (a counting
        // screen) would keep WAL content that must never be applied to the new file.
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            let _ = fs::remove_file(&staging);
            return Err(ReplicaError::Storage(
                "the replica is in use by another screen; close it and dock again".into(),
            ));
        }
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| ReplicaError::from(e))?;
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            self.conn = db::open(&self.path)?;
            let _ = fs::remove_file(&staging);
            return Err(ReplicaError::Storage(
                "the replica is in use by another screen; close it and dock again".into(),
            ));
        }
        fs::rename(&staging, &self.path).map_err(|e| {
            ReplicaError::io(
                format!("cannot swap in the snapshot at {}", self.path.display()),
                e,
            )
        })?;
        sync_dir(&self.path)?;
        self.conn = db::open(&self.path)?;
        Ok(())
    }

    /// Writes this device's log in the event-log export format (version 2, its trailer
    /// signed by the device key under the trailer's own magic).
    pub fn export_log<W: std::io::Write>(&self, out: W) -> Result<u64, ReplicaError> {
        export_log(&self.conn, &self.signer.key_file.key(), out)
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

impl Signer {
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
            next.reserve(committed, SEQ_BLOCK.max(last - committed))
                .map_err(|e| ReplicaError::KeyFile(e.to_string()))?;
            write_durably(&self.key_path, &next.encode())?;
            self.key_file = next;
        }
        let mut recorded = Vec::with_capacity(payloads.len());
        let mut previous: Option<(u64, Option<String>)> = None;
        for mut payload in payloads {
            // A destruction links the stable reading recorded just before it in the same action.
            if let (Payload::DestructionRecorded(d), Some((seq, Some(uid)))) =
                (&mut payload, &previous)
            {
                if d.weight_event_seq.is_none() && *uid == d.uid {
                    d.weight_event_seq = Some(*seq);
                }
            }
            let seq = self.writer.next_seq();
            let event = self
                .writer
                .append(self.clock.as_ref(), actor, payload)
                .map_err(events_err)?;
            // Fold what the signed bytes say, not the value handed in: a replay reads the same.
            let signed_payload = event.payload().map_err(events_err)?;
            store_local(tx, &event, &signed_payload)?;
            previous = Some((
                seq,
                match &signed_payload {
                    Payload::WeightRecorded(w) => w.uid.clone(),
                    _ => None,
                },
            ));
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
        let stored = self
            .sign_and_store(&tx, actor, plan.facts)
            .and_then(|r| tx.commit().map(|()| r).map_err(ReplicaError::from));
        match stored {
            Ok(stored) => {
                if let Some(last) = stored.last() {
                    self.head = Some(*last);
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
    key: &DeviceKey,
    out: W,
) -> Result<u64, ReplicaError> {
    let device = meta_get(conn, "device")?;
    if device.as_deref() != Some(key.device_id().to_string().as_str()) {
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
    // The trailer is signed under its own magic ("TLXT"): never an event, never a seq, and the
    // key file's reservation is not touched.
    writer.finish_signed(key).map_err(events_err)?;
    Ok(count)
}

/// Reads the device key from its key file for a tool that signs no events (the export
/// trailer): the key file is only read, its seq reservation never moved.
pub fn read_device_key(path: &Path) -> Result<DeviceKey, ReplicaError> {
    Ok(read_key_file(path)?.key())
}

/// Writes a snapshot of a replica's view at a ledger cursor: a compact copy without the device
/// log (what the ledger hands a docking device).
pub fn write_snapshot(conn: &Connection, out: &Path, cursor: u64) -> Result<(), ReplicaError> {
    if out.exists() {
        return Err(ReplicaError::Storage(format!(
            "{} already exists",
            out.display()
        )));
    }
    conn.execute("VACUUM INTO ?1", [out.to_string_lossy().as_ref()])?;
    let snap = db::open(out)?;
    // The source device's own log and the history rows that point into it do not travel:
    // the receiving device has its own log. Nor do its PIN verifiers (sealed under its own
    // pepper) and its wrong-PIN counts: local tables, not view.
    snap.execute_batch(
        "DELETE FROM event_log; DELETE FROM package_history WHERE origin = 'local';
         DELETE FROM meta WHERE key IN ('device','facility','ledger_cursor');
         DELETE FROM pin_verifiers; DELETE FROM pin_attempts;
         UPDATE packages SET local_seq = NULL WHERE local_seq IS NOT NULL;",
    )?;
    meta_set(&snap, "snapshot_cursor", &cursor.to_string())?;
    snap.execute_batch("VACUUM")?;
    snap.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

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

use crate::db;
use crate::error::ReplicaError;
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
    ledger_sync::fold_local(tx, event, payload)
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
        ledger_sync::apply_deltas(&mut self.conn, Some(&self.device), head, deltas)
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

    /// Writes this device's log in the event-log export format.
    pub fn export_log<W: std::io::Write>(&self, out: W) -> Result<u64, ReplicaError> {
        export_log(&self.conn, out)
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
        Replica::may_sign(&tx)?;
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
pub fn export_log<W: std::io::Write>(conn: &Connection, out: W) -> Result<u64, ReplicaError> {
    let mut writer = ExportWriter::new(out).map_err(events_err)?;
    let mut stmt = conn.prepare("SELECT bytes FROM event_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let bytes: Vec<u8> = row.get(0)?;
        writer.write_record(&bytes).map_err(events_err)?;
    }
    let count = writer.records();
    writer.finish().map_err(events_err)?;
    Ok(count)
}

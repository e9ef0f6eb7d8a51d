//! Ledger input on a replica: deltas, snapshots, and the replay that defines the view.
//!
//! - **Deltas** are folded in ledger order, each inside a savepoint. A delta that cannot be
//!   folded (a pick of a package the view does not know, a payload with an enum code this
//!   version does not know, a second event at a seq already processed) is *held*: stored in
//!   `held_deltas` with its reason for a supervisor, and the cursor moves on (an unfoldable one
//!   still counts in its device's mark: the ledger ruled on it the same way). This device's own
//!   events coming back are *receipts*: they set the device's mark in `device_marks`, are
//!   acknowledged, and end the local-wins rule for the packages they changed. A validly signed
//!   event of this device that its log does not hold (a fork) is kept in `fork_evidence`, and the
//!   device stops signing until it is re-enrolled (`meta` row `signing_stopped`).
//! - **Snapshots** carry the view at a ledger cursor and each device's seq mark
//!   (`device_marks`). Loading one replaces the view tables' contents in place, in ONE
//!   transaction on the live database (never a file rename), keeps the device's own tables,
//!   marks the device's events up to its mark acknowledged and folds only the later ones again.
//! - **Replay** ([`replay_view_digest`]): the view always equals the last loaded snapshot (or an
//!   empty view), then, in ledger order, each delta after the snapshot cursor, each preceded by
//!   this device's own events after its snapshot mark up to the head it had when the delta was
//!   folded (`delta_positions.local_head`), then the remaining own events.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tally_events::{DeviceId, Payload, Sha256Hash, SignedEvent};

use crate::apply::{apply, changes_packages, payload_uids, EventMeta, Origin};
use crate::error::ReplicaError;
use crate::stats::VIEW_TABLES;

/// Most deltas applied in one transaction (a scan never waits long behind a sync).
pub const DELTAS_PER_TRANSACTION_MAX: usize = 256;

/// One event received from the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Position in the ledger (1, 2, 3 ... without gaps).
    pub ledger_index: u64,
    /// The signed record, as the author signed it.
    pub bytes: Vec<u8>,
}

/// A delta the replica could not fold, kept for a supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldDelta {
    /// Its position in the ledger.
    pub ledger_index: u64,
    /// The author device.
    pub device: DeviceId,
    /// The author's seq.
    pub seq: u64,
    /// The payload kind number.
    pub kind: u16,
    /// Why it was not folded.
    pub reason: String,
}

/// A validly signed event of this device, held by the ledger, that this device's log does not
/// hold: proof that the device's key signed two histories (or that the database was restored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkEvidence {
    /// Its position in the ledger.
    pub ledger_index: u64,
    /// The seq both histories claim.
    pub seq: u64,
    /// The hash of this device's own record at that seq, if its log has one.
    pub ours: Option<Sha256Hash>,
    /// The hash of the record the ledger holds.
    pub theirs: Sha256Hash,
}

/// What became of one delta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Folded into the view.
    Folded,
    /// One of this device's own events came back.
    Receipt,
    /// Not folded; kept in `held_deltas`.
    Held,
    /// A fork of this device's chain; kept in `fork_evidence`.
    Fork,
}

fn events_err(e: impl Into<tally_events::Error>) -> ReplicaError {
    ReplicaError::Events(e.into())
}

fn to_i64(value: u64, what: &str) -> Result<i64, ReplicaError> {
    i64::try_from(value).map_err(|_| ReplicaError::Storage(format!("{what} out of range")))
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

/// The device that owns a replica database (`None` for a ledger-side view).
pub fn own_device(conn: &Connection) -> Result<Option<DeviceId>, ReplicaError> {
    match meta_get(conn, "device")? {
        None => Ok(None),
        Some(text) => DeviceId::from_hex(&text).map(Some).ok_or_else(|| {
            ReplicaError::Storage("the database names its device in an unreadable form".into())
        }),
    }
}

/// The seq of `device` folded into this view from the ledger (0 when none).
pub fn device_mark(conn: &Connection, device: &DeviceId) -> Result<u64, ReplicaError> {
    let seq: Option<i64> = conn
        .prepare_cached("SELECT seq FROM device_marks WHERE device = ?1")?
        .query_row([&device.0[..]], |r| r.get(0))
        .optional()?;
    Ok(seq.map_or(0, |s| u64::try_from(s).unwrap_or(0)))
}

fn set_mark(conn: &Connection, device: &DeviceId, seq: i64) -> Result<(), ReplicaError> {
    conn.prepare_cached(
        "INSERT INTO device_marks (device, seq) VALUES (?1, ?2)
         ON CONFLICT(device) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?
    .execute(params![&device.0[..], seq])?;
    Ok(())
}

/// The ledger cursor: the last ledger index folded into this view.
pub fn ledger_cursor(conn: &Connection) -> Result<u64, ReplicaError> {
    Ok(meta_get(conn, "ledger_cursor")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// The seq at which a fork of this device was found, while the device must not sign.
pub fn signing_stopped(conn: &Connection) -> Result<Option<u64>, ReplicaError> {
    Ok(meta_get(conn, "signing_stopped")?.and_then(|v| v.parse().ok()))
}

/// Folds one of this device's own events (already in `event_log`) into the view.
pub(crate) fn fold_local(
    tx: &Connection,
    event: &SignedEvent,
    payload: &Payload,
) -> Result<(), ReplicaError> {
    let device = event.device();
    let meta = EventMeta {
        origin: Origin::Local {
            seq: to_i64(event.seq(), "seq")?,
        },
        kind: event.payload_kind(),
        actor: event.actor(),
        device: device.as_bytes(),
        facility: event.facility(),
    };
    apply(tx, &meta, payload)
}

/// Whether a fold failure is about the event (hold it) rather than the database (stop).
fn is_about_the_event(error: &ReplicaError) -> bool {
    match error {
        ReplicaError::Apply(_) | ReplicaError::Events(_) => true,
        ReplicaError::Sqlite(rusqlite::Error::SqliteFailure(failure, _)) => {
            failure.code == rusqlite::ErrorCode::ConstraintViolation
        }
        _ => false,
    }
}

/// How a held delta counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hold {
    /// An event this view has not processed: stored among the deltas (a replay holds it again)
    /// and counted in its device's mark (the ledger ruled on it: it holds it too).
    Unfoldable,
    /// A second event at a seq already processed: kept for the supervisor only.
    Duplicate,
}

fn hold(
    tx: &Connection,
    index: i64,
    local_head: i64,
    event: &SignedEvent,
    how: Hold,
    reason: &str,
) -> Result<Outcome, ReplicaError> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO held_deltas (ledger_index, device, seq, kind, reason, bytes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        index,
        &event.device().0[..],
        to_i64(event.seq(), "seq")?,
        event.payload_kind(),
        reason,
        event.as_bytes()
    ])?;
    if how == Hold::Unfoldable {
        store_remote(tx, index, local_head, event)?;
        set_mark(tx, &event.device(), to_i64(event.seq(), "seq")?)?;
    }
    Ok(Outcome::Held)
}

fn store_remote(
    tx: &Connection,
    index: i64,
    local_head: i64,
    event: &SignedEvent,
) -> Result<(), ReplicaError> {
    tx.prepare_cached(
        "INSERT INTO remote_events (ledger_index, device, seq, hash, kind, actor, bytes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        index,
        &event.device().0[..],
        to_i64(event.seq(), "seq")?,
        &event.record_hash().0[..],
        event.payload_kind(),
        event.actor(),
        event.as_bytes()
    ])?;
    tx.prepare_cached("INSERT INTO delta_positions (ledger_index, local_head) VALUES (?1, ?2)")?
        .execute(params![index, local_head])?;
    Ok(())
}

/// The stored hash of event `seq` of `device` when it belongs to an earlier chain of this
/// device (moved to `superseded_events` by a re-enrollment).
fn superseded_hash(
    tx: &Connection,
    device: &DeviceId,
    seq: i64,
) -> Result<Option<Vec<u8>>, ReplicaError> {
    Ok(tx
        .prepare_cached("SELECT hash FROM superseded_events WHERE device = ?1 AND seq = ?2")?
        .query_row(params![&device.0[..], seq], |r| r.get(0))
        .optional()?)
}

/// The device's own events that came back as receipts and whose effects on the device tables
/// are not written yet: the events of the run are acknowledged in `event_log` and their
/// `local_changes` rows removed by [`Receipts::settle`], in a few set-based statements for the
/// whole run instead of two table scans per receipt. Settled before anything that reads those
/// rows (the fold of another device's delta, one of the device's own events, the commit).
#[derive(Debug, Default)]
pub(crate) struct Receipts {
    /// The device's mark before the run's first receipt, and the seq of its last one.
    run: Option<(i64, i64)>,
}

impl Receipts {
    /// Adds a receipt for `seq`, which came back while the device's mark was `mark`.
    fn extend(&mut self, mark: i64, seq: i64) {
        let after = self.run.map_or(mark, |(after, _)| after);
        self.run = Some((after, seq));
    }

    /// Writes the run's effects: every event of the device through the run's last seq is
    /// acknowledged and has no `local_changes` row left, exactly as if each receipt had
    /// written its own (acknowledge and remove everything at or below its seq).
    ///
    /// Only the events after the mark where the run started are visited: at or below the
    /// device's mark everything is already acknowledged and has no `local_changes` row,
    /// because the mark only ever moves here (a receipt, settled in the transaction that
    /// moves it) or by a snapshot load (which acknowledges through its mark and folds only
    /// the later events again), and an own event is only ever recorded above the mark.
    /// `local_changes` has no index on `seq`: its rows of the run are found by the packages
    /// the run's events name (the fold wrote a row only for those); if one of those events
    /// cannot be read, every row at or below the seq is removed by a scan instead.
    pub(crate) fn settle(&mut self, tx: &Connection) -> Result<(), ReplicaError> {
        let Some((after, through)) = self.run.take() else {
            return Ok(());
        };
        tx.prepare_cached(
            "UPDATE event_log SET acknowledged = 1
             WHERE seq > ?1 AND seq <= ?2 AND acknowledged = 0",
        )?
        .execute([after, through])?;
        let mut uids = std::collections::BTreeSet::new();
        let mut unreadable = false;
        {
            let mut stmt =
                tx.prepare_cached("SELECT bytes FROM event_log WHERE seq > ?1 AND seq <= ?2")?;
            let mut rows = stmt.query([after, through])?;
            while let Some(row) = rows.next()? {
                let payload = SignedEvent::from_bytes(row.get(0)?)
                    .ok()
                    .and_then(|event| event.payload().ok());
                match payload {
                    Some(payload) if changes_packages(&payload) => {
                        uids.extend(payload_uids(&payload).into_iter().map(str::to_owned));
                    }
                    Some(_) => {}
                    None => unreadable = true,
                }
            }
        }
        if unreadable {
            tx.prepare_cached("DELETE FROM local_changes WHERE seq <= ?1")?
                .execute([through])?;
        } else if !uids.is_empty() {
            let uids = serde_json::to_string(&uids)
                .map_err(|e| ReplicaError::Storage(format!("package list: {e}")))?;
            tx.prepare_cached(
                "DELETE FROM local_changes
                 WHERE uid IN (SELECT value FROM json_each(?1)) AND seq <= ?2",
            )?
            .execute(params![uids, through])?;
        }
        Ok(())
    }
}

/// Folds one verified delta at `index` inside `tx`. `own` is this device (`None` on the ledger
/// side); `local_head` is the device's head seq now (where the delta sits among its events).
/// A receipt's effects on the device tables join `receipts`; the caller settles them before
/// it folds one of the device's own events or commits.
pub(crate) fn fold_delta(
    tx: &Connection,
    own: Option<&DeviceId>,
    local_head: u64,
    index: u64,
    event: &SignedEvent,
    receipts: &mut Receipts,
) -> Result<Outcome, ReplicaError> {
    let index = to_i64(index, "ledger index")?;
    let local_head = to_i64(local_head, "seq")?;
    let device = event.device();
    let seq = to_i64(event.seq(), "seq")?;
    let mark = device_mark(tx, &device)?;
    if own == Some(&device) {
        let ours: Option<Vec<u8>> = tx
            .prepare_cached("SELECT hash FROM event_log WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))
            .optional()?;
        if ours.as_deref() != Some(&event.record_hash().0[..]) {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO fork_evidence (ledger_index, seq, ours_hash, theirs_hash, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                index,
                seq,
                ours,
                &event.record_hash().0[..],
                event.as_bytes()
            ])?;
            if signing_stopped(tx)?.is_none() {
                meta_set(tx, "signing_stopped", &seq.to_string())?;
            }
            return Ok(Outcome::Fork);
        }
        if event.seq() <= mark {
            return hold(
                tx,
                index,
                local_head,
                event,
                Hold::Duplicate,
                &format!("this device's event {seq} came back a second time"),
            );
        }
        if event.seq() <= refold_through(tx)? {
            // After a re-bootstrap the view was emptied: this own event is folded again at its
            // place in the ledger's order, then taken as a receipt like any other.
            refold_own(tx, index, local_head, event, receipts)?;
        }
        // A receipt: the ledger has ruled on this event and every earlier one of this device.
        // The log's acknowledgement and the end of the local-wins rule are settled for the
        // whole run of receipts at once, before the next delta that reads them is folded.
        store_remote(tx, index, local_head, event)?;
        set_mark(tx, &device, seq)?;
        receipts.extend(to_i64(mark, "seq")?, seq);
        return Ok(Outcome::Receipt);
    }
    if let Some(stored) = superseded_hash(tx, &device, seq)? {
        // An event of this device's earlier chain (before a re-enrollment): already in the
        // view, never folded twice; acknowledged when it is the very event.
        if stored != event.record_hash().0[..] {
            return hold(
                tx,
                index,
                local_head,
                event,
                Hold::Duplicate,
                &format!(
                    "the ledger holds a different event {seq} of this device's earlier key (a fork of the superseded chain)"
                ),
            );
        }
        tx.prepare_cached(
            "UPDATE superseded_events SET acknowledged = 1 WHERE device = ?1 AND seq = ?2",
        )?
        .execute(params![&device.0[..], seq])?;
        return Ok(Outcome::Receipt);
    }
    if event.seq() <= mark {
        return hold(
            tx,
            index,
            local_head,
            event,
            Hold::Duplicate,
            &format!(
                "event {seq} of device {device} is already folded (the ledger sent it twice, or the device forked)"
            ),
        );
    }
    let payload = match event.payload() {
        Ok(payload) => payload,
        Err(e) => {
            return hold(
                tx,
                index,
                local_head,
                event,
                Hold::Unfoldable,
                &e.to_string(),
            )
        }
    };
    if payload.has_newer_code() {
        return hold(
            tx,
            index,
            local_head,
            event,
            Hold::Unfoldable,
            &format!(
                "kind {} holds a code this version of tally does not know (recorded by a newer version)",
                event.payload_kind()
            ),
        );
    }
    // The fold reads `local_changes`: the receipts before this delta end their rule first.
    receipts.settle(tx)?;
    tx.execute_batch("SAVEPOINT fold_delta")?;
    let folded = store_remote(tx, index, local_head, event).and_then(|()| {
        let meta = EventMeta {
            origin: Origin::Remote {
                ledger_index: index,
            },
            kind: event.payload_kind(),
            actor: event.actor(),
            device: device.as_bytes(),
            facility: event.facility(),
        };
        apply(tx, &meta, &payload)?;
        set_mark(tx, &device, seq)
    });
    match folded {
        Ok(()) => {
            tx.execute_batch("RELEASE fold_delta")?;
            Ok(Outcome::Folded)
        }
        Err(e) if is_about_the_event(&e) => {
            tx.execute_batch("ROLLBACK TO fold_delta; RELEASE fold_delta")?;
            hold(
                tx,
                index,
                local_head,
                event,
                Hold::Unfoldable,
                &e.to_string(),
            )
        }
        Err(e) => {
            let _ = tx.execute_batch("ROLLBACK TO fold_delta; RELEASE fold_delta");
            Err(e)
        }
    }
}

/// Meta key: after a re-bootstrap, this device's own events through this seq are folded again
/// when they come back from the ledger (the view that held their effects was emptied).
const REFOLD_THROUGH: &str = "refold_own_through";

/// The seq through which own events are still to be folded again after a re-bootstrap (0: none).
pub fn refold_through(conn: &Connection) -> Result<u64, ReplicaError> {
    Ok(meta_get(conn, REFOLD_THROUGH)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Folds again one of this device's own events coming back after a re-bootstrap. An event
/// whose fold no longer fits the view (the ledger's order differs from the device's) is kept
/// in `held_deltas` with its reason for a supervisor, and is a receipt all the same.
fn refold_own(
    tx: &Connection,
    index: i64,
    local_head: i64,
    event: &SignedEvent,
    receipts: &mut Receipts,
) -> Result<(), ReplicaError> {
    receipts.settle(tx)?;
    let payload = match event.payload() {
        Ok(payload) => payload,
        Err(e) => {
            hold(
                tx,
                index,
                local_head,
                event,
                Hold::Duplicate,
                &e.to_string(),
            )?;
            return Ok(());
        }
    };
    tx.execute_batch("SAVEPOINT refold_own")?;
    match fold_local(tx, event, &payload) {
        Ok(()) => {
            tx.execute_batch("RELEASE refold_own")?;
            Ok(())
        }
        Err(e) if is_about_the_event(&e) => {
            tx.execute_batch("ROLLBACK TO refold_own; RELEASE refold_own")?;
            hold(
                tx,
                index,
                local_head,
                event,
                Hold::Duplicate,
                &format!(
                    "this device's own event could not be folded again after a re-bootstrap: {e}"
                ),
            )?;
            Ok(())
        }
        Err(e) => {
            let _ = tx.execute_batch("ROLLBACK TO refold_own; RELEASE refold_own");
            Err(e)
        }
    }
}

/// The head a device had when it was last re-bootstrapped (the seq before its newest kind 280
/// `device_rebootstrapped`, recorded right after the view was emptied); 0 when never.
fn rebootstrapped_through(device: &Connection) -> Result<u64, ReplicaError> {
    let seq: Option<i64> = device.query_row(
        "SELECT max(seq) FROM event_log WHERE kind = ?1",
        [KIND_DEVICE_REBOOTSTRAPPED],
        |r| r.get(0),
    )?;
    Ok(seq.map_or(0, |s| u64::try_from(s - 1).unwrap_or(0)))
}

/// Kind 280 `device_rebootstrapped`.
const KIND_DEVICE_REBOOTSTRAPPED: i64 = 280;

/// Empties this device's view of the facility inside `tx` for a re-bootstrap (a supervisor's
/// decision after the ledger's stream stopped matching the cursor): every view table, the
/// deltas taken in (`remote_events`, `delta_positions`, `held_deltas`) and the snapshot and
/// ledger cursors go; the device's own log, outbox, receipts, checkpoints, PIN verifiers and
/// fork evidence stay. The next pull starts at position 0, and each own event through `head`
/// is folded again when it comes back ([`finish_refold`] folds those the ledger does not send).
pub(crate) fn empty_view(tx: &Connection, head: u64) -> Result<(), ReplicaError> {
    for table in VIEW_TABLES {
        tx.execute(&format!("DELETE FROM main.{table}"), [])?;
    }
    tx.execute_batch(
        "DELETE FROM remote_events; DELETE FROM delta_positions; DELETE FROM held_deltas;
         DELETE FROM meta WHERE key = 'snapshot_cursor';",
    )?;
    meta_set(tx, "ledger_cursor", "0")?;
    meta_set(tx, REFOLD_THROUGH, &head.to_string())?;
    Ok(())
}

/// Ends a re-bootstrap once the pull reached the end of the ledger's stream: this device's own
/// events through the re-bootstrap's head that the ledger did not send back (not pushed yet)
/// are folded now, on top, as an own event is when it is recorded. Does nothing when no
/// re-bootstrap is pending. Returns how many were folded.
pub fn finish_refold(conn: &mut Connection) -> Result<usize, ReplicaError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let through = refold_through(&tx)?;
    if through == 0 {
        return Ok(0);
    }
    let own = own_device(&tx)?
        .ok_or_else(|| ReplicaError::Storage("this database belongs to no device".into()))?;
    let mark = device_mark(&tx, &own)?;
    let mut folded = 0;
    for event in own_events_after(&tx, mark)? {
        if event.seq() > through {
            break;
        }
        let payload = event.payload().map_err(events_err)?;
        fold_local(&tx, &event, &payload)?;
        folded += 1;
    }
    tx.execute("DELETE FROM meta WHERE key = ?1", [REFOLD_THROUGH])?;
    tx.commit()?;
    Ok(folded)
}

/// Where the device's own events stand when a delta is folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LocalHead {
    /// Known to the caller (the replica that signs, or none on the ledger side).
    Known(u64),
    /// Read from the log inside each transaction: another process (the app) may be recording
    /// while this one folds deltas.
    FromLog,
}

/// The head seq of the device's own log as this transaction sees it.
fn logged_head(tx: &Connection) -> Result<u64, ReplicaError> {
    let head: Option<i64> = tx
        .prepare_cached("SELECT max(seq) FROM event_log")?
        .query_row([], |r| r.get(0))?;
    Ok(head.map_or(0, |h| u64::try_from(h).unwrap_or(0)))
}

/// Whether `event` is, byte for byte, one of this device's own records in its log (a receipt
/// coming back). Its signature is then not checked again: the record hash covers every byte,
/// signature included, so the delta is the very record this device signed, and the ledger
/// verified it strictly when it was pushed. Any other delta of this device (a fork) and every
/// delta of another device is verified before it is folded.
fn is_own_record(
    tx: &Connection,
    own: Option<&DeviceId>,
    event: &SignedEvent,
) -> Result<bool, ReplicaError> {
    if own != Some(&event.device()) {
        return Ok(false);
    }
    let ours: Option<Vec<u8>> = tx
        .prepare_cached("SELECT hash FROM event_log WHERE seq = ?1")?
        .query_row([to_i64(event.seq(), "seq")?], |r| r.get(0))
        .optional()?;
    Ok(ours.as_deref() == Some(&event.record_hash().0[..]))
}

/// Applies deltas in ledger order, in transactions of at most [`DELTAS_PER_TRANSACTION_MAX`].
/// Indexes at or below the cursor are skipped; a gap, a record that does not parse or a bad
/// signature is refused (the chunk is rolled back). Returns how many deltas moved the cursor.
pub(crate) fn apply_deltas(
    conn: &mut Connection,
    own: Option<&DeviceId>,
    local_head: LocalHead,
    deltas: &[Delta],
) -> Result<usize, ReplicaError> {
    let mut consumed = 0;
    for chunk in deltas.chunks(DELTAS_PER_TRANSACTION_MAX) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let local_head = match local_head {
            LocalHead::Known(head) => head,
            LocalHead::FromLog => logged_head(&tx)?,
        };
        let mut cursor = ledger_cursor(&tx)?;
        let mut receipts = Receipts::default();
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
            if !is_own_record(&tx, own, &event)? {
                event.verify().map_err(events_err)?;
            }
            fold_delta(
                &tx,
                own,
                local_head,
                delta.ledger_index,
                &event,
                &mut receipts,
            )?;
            cursor = delta.ledger_index;
            consumed += 1;
        }
        receipts.settle(&tx)?;
        meta_set(&tx, "ledger_cursor", &cursor.to_string())?;
        tx.commit()?;
    }
    Ok(consumed)
}

/// Folds ledger events into a view that belongs to no device (the ledger's side, or a tool
/// that builds snapshots): every event is remote; the same fold and holding rules apply.
pub fn apply_ledger_deltas(conn: &mut Connection, deltas: &[Delta]) -> Result<usize, ReplicaError> {
    if own_device(conn)?.is_some() {
        return Err(ReplicaError::Storage(
            "this is a device's replica; apply deltas through the device".into(),
        ));
    }
    apply_deltas(conn, None, LocalHead::Known(0), deltas)
}

/// Folds ledger deltas into a device's replica from a process that does not sign (the sync
/// daemon, beside the running app): the same rules as [`crate::Replica::apply_deltas`], with
/// the device's head read from its log inside each transaction, so events the app records
/// meanwhile sit where they were in the order the replay rebuilds.
pub fn apply_device_deltas(conn: &mut Connection, deltas: &[Delta]) -> Result<usize, ReplicaError> {
    let own = own_device(conn)?.ok_or_else(|| {
        ReplicaError::Storage("this database belongs to no device: it has no own events".into())
    })?;
    apply_deltas(conn, Some(&own), LocalHead::FromLog, deltas)
}

/// The record this replica took in at ledger position `index` (folded, a receipt, held or
/// fork evidence), if it still has it: a loaded snapshot replaces what came before it. The
/// sync daemon compares it with what the ledger serves at that position now, to notice a
/// ledger whose stream is no longer the one the replica followed.
pub fn delta_at(conn: &Connection, index: u64) -> Result<Option<Vec<u8>>, ReplicaError> {
    let index = to_i64(index, "ledger index")?;
    for sql in [
        "SELECT bytes FROM remote_events WHERE ledger_index = ?1",
        "SELECT bytes FROM held_deltas WHERE ledger_index = ?1",
        "SELECT bytes FROM fork_evidence WHERE ledger_index = ?1",
    ] {
        let bytes: Option<Vec<u8>> = conn
            .prepare_cached(sql)?
            .query_row([index], |r| r.get(0))
            .optional()?;
        if bytes.is_some() {
            return Ok(bytes);
        }
    }
    Ok(None)
}

/// The deltas this replica held, in ledger order.
pub fn held_deltas(conn: &Connection) -> Result<Vec<HeldDelta>, ReplicaError> {
    let mut stmt = conn.prepare(
        "SELECT ledger_index, device, seq, kind, reason FROM held_deltas ORDER BY ledger_index",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, u16>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut held = Vec::new();
    for row in rows {
        let (index, device, seq, kind, reason) = row?;
        let device: [u8; 32] = device
            .try_into()
            .map_err(|_| ReplicaError::Storage("a held delta names a damaged device".into()))?;
        held.push(HeldDelta {
            ledger_index: u64::try_from(index).unwrap_or(0),
            device: DeviceId(device),
            seq: u64::try_from(seq).unwrap_or(0),
            kind,
            reason,
        });
    }
    Ok(held)
}

/// The fork evidence this replica kept, in ledger order.
pub fn fork_evidence(conn: &Connection) -> Result<Vec<ForkEvidence>, ReplicaError> {
    let mut stmt = conn.prepare(
        "SELECT ledger_index, seq, ours_hash, theirs_hash FROM fork_evidence ORDER BY ledger_index",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<Vec<u8>>>(2)?,
            r.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    let hash = |bytes: Vec<u8>| -> Result<Sha256Hash, ReplicaError> {
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| ReplicaError::Storage("fork evidence holds a damaged hash".into()))?;
        Ok(Sha256Hash(bytes))
    };
    let mut evidence = Vec::new();
    for row in rows {
        let (index, seq, ours, theirs) = row?;
        evidence.push(ForkEvidence {
            ledger_index: u64::try_from(index).unwrap_or(0),
            seq: u64::try_from(seq).unwrap_or(0),
            ours: ours.map(hash).transpose()?,
            theirs: hash(theirs)?,
        });
    }
    Ok(evidence)
}

/// Writes a snapshot of a view at a ledger cursor: a compact copy of the view tables with each
/// device's seq mark (`device_marks`), without any device's own log or device tables. Written
/// from the ledger's side ([`apply_ledger_deltas`]) or from a device's replica (its own events
/// count as folded up to its head).
pub fn write_snapshot(conn: &Connection, out: &Path, cursor: u64) -> Result<(), ReplicaError> {
    if out.exists() {
        return Err(ReplicaError::Storage(format!(
            "{} already exists",
            out.display()
        )));
    }
    let own = own_device(conn)?;
    let own_head: Option<i64> =
        conn.query_row("SELECT max(seq) FROM event_log", [], |r| r.get(0))?;
    conn.execute("VACUUM INTO ?1", [out.to_string_lossy().as_ref()])?;
    let snap = crate::db::open(out)?;
    // A device's own log, its device tables (PIN verifiers are sealed under its own pepper)
    // and the history rows that point into its log do not travel: the receiver has its own.
    snap.execute_batch(
        "DELETE FROM event_log; DELETE FROM remote_events; DELETE FROM delta_positions;
         DELETE FROM held_deltas; DELETE FROM superseded_events;
         DELETE FROM fork_evidence; DELETE FROM local_changes;
         DELETE FROM pin_verifiers; DELETE FROM pin_attempts;
         DELETE FROM package_history WHERE origin = 'local';
         DELETE FROM meta;
         UPDATE packages SET local_seq = NULL WHERE local_seq IS NOT NULL;",
    )?;
    if let (Some(device), Some(head)) = (own, own_head) {
        set_mark(&snap, &device, head)?;
    }
    meta_set(&snap, "snapshot_cursor", &cursor.to_string())?;
    snap.execute_batch("VACUUM")?;
    snap.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Checks that `path` is a snapshot this build can load; returns its cursor.
fn snapshot_cursor(path: &Path) -> Result<u64, ReplicaError> {
    let not_a_snapshot =
        || ReplicaError::Storage(format!("{} is not a tally snapshot", path.display()));
    let snap = crate::db::open_read_only(path).map_err(|e| match e {
        ReplicaError::Sqlite(_) => not_a_snapshot(),
        other => other,
    })?;
    let cursor = meta_get(&snap, "snapshot_cursor")
        .map_err(|_| not_a_snapshot())?
        .ok_or_else(not_a_snapshot)?;
    cursor.parse().map_err(|_| not_a_snapshot())
}

/// Replaces every view table's rows in `main` with those of the attached database `snap`.
fn copy_view_tables(tx: &Connection) -> Result<(), ReplicaError> {
    for table in VIEW_TABLES {
        tx.execute(&format!("DELETE FROM main.{table}"), [])?;
        tx.execute(
            &format!("INSERT INTO main.{table} SELECT * FROM snap.{table}"),
            [],
        )?;
    }
    Ok(())
}

fn own_events_after(conn: &Connection, after: u64) -> Result<Vec<SignedEvent>, ReplicaError> {
    let mut stmt = conn.prepare("SELECT bytes FROM event_log WHERE seq > ?1 ORDER BY seq")?;
    let rows = stmt.query_map([to_i64(after, "seq")?], |r| r.get::<_, Vec<u8>>(0))?;
    let mut events = Vec::new();
    for bytes in rows {
        events.push(SignedEvent::from_bytes(bytes?).map_err(events_err)?);
    }
    Ok(events)
}

/// Loads a snapshot into a device's live database, in place and in ONE transaction: the view
/// tables get the snapshot's rows, the device's log and device tables stay, its events up to
/// its mark in the snapshot are marked acknowledged and only later ones are folded again; the
/// ledger cursor becomes the snapshot's. A reader sees the old view or the new one, never a mix,
/// and so does a crash.
pub(crate) fn load_snapshot(
    conn: &mut Connection,
    own: &DeviceId,
    head: u64,
    snapshot: &Path,
) -> Result<(), ReplicaError> {
    let cursor = snapshot_cursor(snapshot)?;
    let current = ledger_cursor(conn)?;
    if cursor < current {
        return Err(ReplicaError::StaleSnapshot {
            snapshot: cursor,
            cursor: current,
        });
    }
    conn.execute(
        "ATTACH DATABASE ?1 AS snap",
        [snapshot.to_string_lossy().as_ref()],
    )?;
    let loaded = (|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        copy_view_tables(&tx)?;
        let mark = device_mark(&tx, own)?;
        if mark > head {
            return Err(ReplicaError::RestoreDetected(format!(
                "the ledger holds events of this device up to {mark}, its log ends at {head}"
            )));
        }
        tx.execute_batch("DELETE FROM remote_events; DELETE FROM delta_positions;")?;
        tx.execute(
            "UPDATE event_log SET acknowledged = 1 WHERE seq <= ?1 AND acknowledged = 0",
            [to_i64(mark, "seq")?],
        )?;
        meta_set(&tx, "ledger_cursor", &cursor.to_string())?;
        meta_set(&tx, "snapshot_cursor", &cursor.to_string())?;
        // A snapshot ends a pending re-bootstrap: the own events after its mark are folded
        // again just below, never a second time when they come back.
        tx.execute("DELETE FROM meta WHERE key = ?1", [REFOLD_THROUGH])?;
        // Own events the snapshot does not contain win until the ledger rules: fold them again.
        for event in own_events_after(&tx, mark)? {
            let payload = event.payload().map_err(events_err)?;
            fold_local(&tx, &event, &payload)?;
        }
        tx.commit()?;
        Ok(())
    })();
    let detached = conn.execute("DETACH DATABASE snap", []);
    loaded?;
    detached?;
    Ok(())
}

/// The digest of the view a replay of a device's logged inputs builds (see the module doc):
/// start from `snapshot` (the last snapshot the device loaded; `None` if it never loaded one),
/// then fold, in ledger order, each stored delta after the snapshot cursor, preceded by the
/// device's own events after its snapshot mark up to that delta's `local_head`, then the
/// remaining own events. A device's view must always have this digest.
pub fn replay_view_digest(
    device: &Connection,
    snapshot: Option<&Path>,
) -> Result<[u8; 32], ReplicaError> {
    let own = own_device(device)?
        .ok_or_else(|| ReplicaError::Storage("the database has no device".into()))?;
    let mut fresh = Connection::open_in_memory()?;
    crate::db::migrate(&fresh)?;
    fresh.execute_batch("PRAGMA foreign_keys=ON")?;
    let cursor = match snapshot {
        Some(path) => {
            let cursor = snapshot_cursor(path)?;
            fresh.execute(
                "ATTACH DATABASE ?1 AS snap",
                [path.to_string_lossy().as_ref()],
            )?;
            copy_view_tables(&fresh)?;
            fresh.execute("DETACH DATABASE snap", [])?;
            cursor
        }
        None => 0,
    };
    let tx = fresh.transaction()?;
    // The device's log, for receipts (compared by hash), exactly as stored.
    {
        let mut stmt = device.prepare("SELECT seq, hash, kind, actor, bytes FROM event_log")?;
        let mut rows = stmt.query([])?;
        let mut insert = tx.prepare(
            "INSERT INTO event_log (seq, hash, kind, actor, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        while let Some(r) = rows.next()? {
            insert.execute(params![
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Vec<u8>>(4)?
            ])?;
        }
    }
    let mark = device_mark(&tx, &own)?;
    // After a re-bootstrap (and no snapshot since), the own events through the head it had
    // were folded again as they came back, at their ledger positions; those that did not come
    // back were folded when the stream ended.
    let through = match snapshot {
        None => rebootstrapped_through(device)?,
        Some(_) => 0,
    };
    if through > 0 {
        meta_set(&tx, REFOLD_THROUGH, &through.to_string())?;
    }
    let (refolded, own_events): (Vec<_>, Vec<_>) = own_events_after(&tx, mark)?
        .into_iter()
        .partition(|e| e.seq() <= through);
    let mut own_events = own_events.into_iter().peekable();
    let mut stmt = device.prepare(
        "SELECT r.ledger_index, coalesce(p.local_head, 0), r.bytes FROM remote_events r
         LEFT JOIN delta_positions p ON p.ledger_index = r.ledger_index
         WHERE r.ledger_index > ?1 ORDER BY r.ledger_index",
    )?;
    let mut rows = stmt.query([to_i64(cursor, "ledger index")?])?;
    let mut receipts = Receipts::default();
    while let Some(r) = rows.next()? {
        let index = u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
        let local_head = u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0);
        while let Some(event) = own_events.next_if(|e| e.seq() <= local_head) {
            receipts.settle(&tx)?;
            fold_local(&tx, &event, &event.payload().map_err(events_err)?)?;
        }
        let event = SignedEvent::from_bytes(r.get(2)?).map_err(events_err)?;
        fold_delta(&tx, Some(&own), local_head, index, &event, &mut receipts)?;
    }
    receipts.settle(&tx)?;
    let came_back = device_mark(&tx, &own)?;
    for event in refolded.into_iter().filter(|e| e.seq() > came_back) {
        fold_local(&tx, &event, &event.payload().map_err(events_err)?)?;
    }
    for event in own_events {
        fold_local(&tx, &event, &event.payload().map_err(events_err)?)?;
    }
    tx.commit()?;
    crate::stats::view_digest(&fresh)
}

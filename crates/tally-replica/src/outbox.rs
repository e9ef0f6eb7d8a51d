//! The sync daemon's state in the replica (migration 0008; docs/SYNC.md): the pinned ledger,
//! the outbox mark (the device's own events above it are waiting), receipts, every accepted
//! ledger checkpoint and the status `tallyd status` and the app's home show; and (migration
//! 0011) the app's "sync now" requests and the kind of the last failure.
//!
//! Written only by `tallyd`, each write in one short `BEGIN IMMEDIATE` transaction (the
//! connection's busy timeout waits out the app's own short transactions), so the app keeps
//! recording while the daemon syncs. Nothing here decides what to trust: `tallyd` checks
//! signatures and proofs before it calls [`accept_checkpoint`] or [`mark_pushed`].

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tally_events::{DeviceId, Sha256Hash};

use crate::error::ReplicaError;

/// The ledger a device is pinned to (`tallyd enroll`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLink {
    /// Base URL.
    pub url: String,
    /// The log's origin line.
    pub origin: String,
    /// The log's note verifier key.
    pub verifier_key: String,
    /// The device key enrolled.
    pub device: DeviceId,
    /// The facility the ledger bound it to.
    pub facility: String,
    /// Its name at the ledger.
    pub name: String,
    /// When it enrolled.
    pub enrolled_unix_ms: i64,
}

/// A checkpoint the device accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Re-anchoring count (0 from enrollment).
    pub anchor: i64,
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Sha256Hash,
    /// The signed note.
    pub note: String,
}

/// One verified receipt: where the ledger logged one of this device's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptRow {
    /// The event's seq.
    pub seq: u64,
    /// Its log index.
    pub log_index: u64,
    /// The size of the checkpoint its inclusion proof was checked against.
    pub tree_size: u64,
}

/// What kind of failure a sync pass ended with: what the app says, in the person's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncErrorKind {
    /// The ledger cannot be reached (offline, or the ledger is down).
    Unreachable,
    /// The ledger sent something the device does not trust (rolled back, rewrote its history,
    /// lost events, a bad proof): nothing was marked, a supervisor must look.
    Untrusted,
    /// The ledger refused one of the device's records.
    Refused,
    /// The device cannot sync at all (not enrolled, another key).
    Setup,
    /// Anything else.
    Other,
}

impl SyncErrorKind {
    /// The word stored in `ledger_sync_outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncErrorKind::Unreachable => "unreachable",
            SyncErrorKind::Untrusted => "untrusted",
            SyncErrorKind::Refused => "refused",
            SyncErrorKind::Setup => "setup",
            SyncErrorKind::Other => "other",
        }
    }

    /// The kind a stored word names (an unknown word, from a newer build, is `Other`).
    pub fn parse(word: &str) -> SyncErrorKind {
        match word {
            "unreachable" => SyncErrorKind::Unreachable,
            "untrusted" => SyncErrorKind::Untrusted,
            "refused" => SyncErrorKind::Refused,
            "setup" => SyncErrorKind::Setup,
            _ => SyncErrorKind::Other,
        }
    }
}

/// What `tallyd status` and the app's home show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncSummary {
    /// Whether the device is enrolled with a ledger.
    pub enrolled: bool,
    /// The device's own events not yet pushed with a verified receipt.
    pub events_waiting: u64,
    /// The highest seq pushed with a verified receipt.
    pub pushed_seq: u64,
    /// When the last sync pass ended with nothing left to push, Unix ms.
    pub last_success_unix_ms: Option<i64>,
    /// The last failure, if it came after the last success.
    pub last_error: Option<String>,
    /// When the last failure happened, Unix ms.
    pub last_error_unix_ms: Option<i64>,
    /// The size of the newest checkpoint accepted (0 before the first).
    pub checkpoint_size: u64,
    /// The kind of the last failure, if it came after the last success.
    pub last_error_kind: Option<SyncErrorKind>,
    /// When a sync pass last ended, successful or not, Unix ms.
    pub last_attempt_unix_ms: Option<i64>,
    /// The pinned ledger's URL (`None`: not enrolled).
    pub ledger_url: Option<String>,
    /// How many times the app asked for a sync now.
    pub sync_requests: u64,
}

impl SyncSummary {
    /// Whether the ledger answered at the last attempt (`None`: no attempt yet, or not
    /// enrolled).
    pub fn online(&self) -> Option<bool> {
        if !self.enrolled || self.last_attempt_unix_ms.is_none() {
            return None;
        }
        Some(self.last_error_kind != Some(SyncErrorKind::Unreachable))
    }
}

fn device_of(conn: &Connection) -> Result<Option<DeviceId>, ReplicaError> {
    let hex: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(hex.as_deref().and_then(DeviceId::from_hex))
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The seq of the device's newest event (0 before any). `event_log` holds the device's own
/// chain from its genesis at seq 1 without a gap (each event names its predecessor's hash; a
/// re-enrollment starts a new chain at 1), so the events above a mark are the head minus the
/// mark: one step down the table's b-tree instead of counting its rows (at a million events
/// that count read the whole log, a few hundred megabytes, on every home refresh).
fn own_head(conn: &Connection) -> Result<i64, ReplicaError> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM event_log", [], |r| {
            r.get(0)
        })?,
    )
}

/// The sync summary of a replica (any connection, read-only ones included).
pub fn summary(conn: &Connection) -> Result<SyncSummary, ReplicaError> {
    let enrolled: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM ledger_link)", [], |r| {
        r.get(0)
    })?;
    let pushed_seq = match device_of(conn)? {
        Some(device) => pushed_seq(conn, &device)?,
        None => 0,
    };
    let events_waiting = to_u64(own_head(conn)?).saturating_sub(pushed_seq);
    let status: Option<(Option<i64>, Option<String>, Option<i64>)> = conn
        .query_row(
            "SELECT last_success_unix_ms, last_error, last_error_unix_ms
             FROM ledger_sync_status WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (last_success_unix_ms, last_error, last_error_unix_ms) = status.unwrap_or_default();
    let last_attempt_unix_ms: Option<i64> = conn
        .query_row(
            "SELECT last_attempt_unix_ms FROM ledger_sync_status WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let kind: Option<String> = conn
        .query_row(
            "SELECT last_error_kind FROM ledger_sync_outcome WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    // A failure recorded without a kind (an older tallyd) is "other".
    let last_error_kind = match (&last_error, kind) {
        (None, _) => None,
        (Some(_), Some(word)) => Some(SyncErrorKind::parse(&word)),
        (Some(_), None) => Some(SyncErrorKind::Other),
    };
    let ledger_url: Option<String> = conn
        .query_row("SELECT url FROM ledger_link WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    let checkpoint_size = latest_checkpoint(conn)?.map(|c| c.size).unwrap_or(0);
    Ok(SyncSummary {
        enrolled,
        events_waiting,
        pushed_seq,
        last_success_unix_ms,
        last_error,
        last_error_unix_ms,
        checkpoint_size,
        last_error_kind,
        last_attempt_unix_ms,
        ledger_url,
        sync_requests: sync_requests(conn)?,
    })
}

/// How many times the app asked for a sync now (0 when never).
pub fn sync_requests(conn: &Connection) -> Result<u64, ReplicaError> {
    let n: Option<i64> = conn
        .query_row(
            "SELECT requests FROM ledger_sync_requests WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(n.map(to_u64).unwrap_or(0))
}

/// Asks a running `tallyd` to run a pass now ("sync now", the 0 Sync screen's key): counts
/// one more request. The daemon looks at the count while it waits and runs a pass when it
/// moved, whatever its backoff. Returns the new count. Written by the app only.
pub fn request_sync(conn: &Connection, now_unix_ms: i64) -> Result<u64, ReplicaError> {
    let n: i64 = conn.query_row(
        "INSERT INTO ledger_sync_requests (id, requests, requested_unix_ms) VALUES (1, 1, ?1)
         ON CONFLICT (id) DO UPDATE SET requests = requests + 1,
             requested_unix_ms = excluded.requested_unix_ms
         RETURNING requests",
        [now_unix_ms],
        |r| r.get(0),
    )?;
    Ok(to_u64(n))
}

/// A `ledger_link` row: url, origin, verifier key, device, facility, name, enrolled at.
type LinkRow = (String, String, String, Vec<u8>, String, String, i64);

/// The pinned ledger, if the device enrolled.
pub fn link(conn: &Connection) -> Result<Option<LedgerLink>, ReplicaError> {
    let row: Option<LinkRow> = conn
        .query_row(
            "SELECT url, origin, verifier_key, device, facility, name, enrolled_unix_ms
             FROM ledger_link WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    row.map(|(url, origin, verifier_key, device, facility, name, at)| {
        let device = <[u8; 32]>::try_from(device.as_slice())
            .map(DeviceId)
            .map_err(|_| ReplicaError::Storage("ledger_link holds a damaged device id".into()))?;
        Ok(LedgerLink {
            url,
            origin,
            verifier_key,
            device,
            facility,
            name,
            enrolled_unix_ms: at,
        })
    })
    .transpose()
}

/// Pins the ledger (enrollment). A device already pinned to another log (another origin or
/// key) is refused: moving a device to another ledger is a supervisor's decision, not a side
/// effect of a token.
pub fn set_link(conn: &mut Connection, new: &LedgerLink) -> Result<(), ReplicaError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(old) = link(&tx)? {
        if old.origin != new.origin || old.verifier_key != new.verifier_key {
            return Err(ReplicaError::Storage(format!(
                "this device is already pinned to the ledger log {} (key {}); the ledger at {} is the log {} (key {})",
                old.origin, old.verifier_key, new.url, new.origin, new.verifier_key
            )));
        }
    }
    tx.execute(
        "INSERT INTO ledger_link (id, url, origin, verifier_key, device, facility, name, enrolled_unix_ms)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, device = excluded.device,
             facility = excluded.facility, name = excluded.name",
        params![
            new.url,
            new.origin,
            new.verifier_key,
            new.device.0.as_slice(),
            new.facility,
            new.name,
            new.enrolled_unix_ms
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// The highest seq of `device` pushed with a verified receipt (0 when none).
pub fn pushed_seq(conn: &Connection, device: &DeviceId) -> Result<u64, ReplicaError> {
    let seq: Option<i64> = conn
        .query_row(
            "SELECT pushed_seq FROM ledger_outbox WHERE device = ?1",
            [device.0.as_slice()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(seq.map(to_u64).unwrap_or(0))
}

/// Up to `limit` of the device's own events after `after_seq`, in seq order: (seq, record
/// exactly as signed).
pub fn waiting(
    conn: &Connection,
    after_seq: u64,
    limit: usize,
) -> Result<Vec<(u64, Vec<u8>)>, ReplicaError> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, bytes FROM event_log WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt.query_map(params![after_seq as i64, limit as i64], |r| {
        Ok((to_u64(r.get::<_, i64>(0)?), r.get::<_, Vec<u8>>(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The newest accepted checkpoint of the current anchor.
pub fn latest_checkpoint(conn: &Connection) -> Result<Option<StoredCheckpoint>, ReplicaError> {
    let row: Option<(i64, i64, Vec<u8>, String)> = conn
        .query_row(
            "SELECT anchor, size, root, note FROM ledger_checkpoints
             ORDER BY anchor DESC, size DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(anchor, size, root, note)| {
        let root = <[u8; 32]>::try_from(root.as_slice())
            .map(Sha256Hash)
            .map_err(|_| ReplicaError::Storage("ledger_checkpoints holds a damaged root".into()))?;
        Ok(StoredCheckpoint {
            anchor,
            size: to_u64(size),
            root,
            note,
        })
    })
    .transpose()
}

/// Stores a checkpoint the caller verified (signature and consistency with the ones held).
pub fn accept_checkpoint(
    conn: &mut Connection,
    checkpoint: &StoredCheckpoint,
    now_unix_ms: i64,
) -> Result<(), ReplicaError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO ledger_checkpoints (anchor, size, root, note, accepted_unix_ms)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (anchor, size) DO NOTHING",
        params![
            checkpoint.anchor,
            checkpoint.size as i64,
            checkpoint.root.0.as_slice(),
            checkpoint.note,
            now_unix_ms
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// Records verified receipts and moves the device's outbox mark to the last of them, in one
/// transaction, marking those events acknowledged in the event log. The mark never moves back, and only over a contiguous run after it: receipts
/// must start at the mark + 1 and follow each other.
pub fn mark_pushed(
    conn: &mut Connection,
    device: &DeviceId,
    receipts: &[ReceiptRow],
) -> Result<u64, ReplicaError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut mark = pushed_seq(&tx, device)?;
    let before = mark;
    for receipt in receipts {
        if receipt.seq <= mark {
            continue;
        }
        if receipt.seq != mark + 1 {
            return Err(ReplicaError::Storage(format!(
                "a receipt for seq {} does not follow the outbox mark {mark}",
                receipt.seq
            )));
        }
        tx.execute(
            "INSERT OR REPLACE INTO ledger_receipts (device, seq, log_index, tree_size)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                device.0.as_slice(),
                receipt.seq as i64,
                receipt.log_index as i64,
                receipt.tree_size as i64
            ],
        )?;
        mark = receipt.seq;
    }
    // The replica's own acknowledgement flag (what re-enrollment and the stats read) follows
    // the mark for the device the event log belongs to. Only the events this call moved the
    // mark over are visited: those at or below the mark before it were acknowledged when the
    // mark moved over them (a rewound mark leaves them acknowledged), so the range gives the
    // same flags as "everything through the mark" without scanning the whole log each batch.
    let own: Option<String> = tx
        .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if own.as_deref() == Some(device.to_string().as_str()) && mark > before {
        tx.execute(
            "UPDATE event_log SET acknowledged = 1
             WHERE seq > ?1 AND seq <= ?2 AND acknowledged = 0",
            [before as i64, mark as i64],
        )?;
    }
    tx.execute(
        "INSERT INTO ledger_outbox (device, pushed_seq) VALUES (?1, ?2)
         ON CONFLICT (device) DO UPDATE SET pushed_seq = max(pushed_seq, excluded.pushed_seq)",
        params![device.0.as_slice(), mark as i64],
    )?;
    tx.commit()?;
    Ok(mark)
}

/// Moves the device's outbox mark back to `seq` (never forward): after a supervisor
/// re-anchored the device to a ledger restored from a backup, the events the ledger lost are
/// pushed again. Receipts already held stay as evidence.
pub fn rewind_mark(
    conn: &mut Connection,
    device: &DeviceId,
    seq: u64,
) -> Result<u64, ReplicaError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE ledger_outbox SET pushed_seq = min(pushed_seq, ?2) WHERE device = ?1",
        params![device.0.as_slice(), seq as i64],
    )?;
    let mark = pushed_seq(&tx, device)?;
    tx.commit()?;
    Ok(mark)
}

/// The newest re-anchoring event (kind 6, `ledger_reanchored`) in the device's own log: its
/// seq and payload, if there is one.
pub fn latest_reanchor(
    conn: &Connection,
) -> Result<Option<(u64, tally_events::payload::LedgerReanchored)>, ReplicaError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, bytes FROM event_log WHERE kind = 6 ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((seq, bytes)) = row else {
        return Ok(None);
    };
    let event = tally_events::SignedEvent::from_bytes(bytes)
        .map_err(|e| ReplicaError::Storage(format!("event {seq} does not parse: {e}")))?;
    match event.payload() {
        Ok(tally_events::Payload::LedgerReanchored(p)) => Ok(Some((to_u64(seq), p))),
        _ => Err(ReplicaError::Storage(format!(
            "event {seq} is kind 6 but not a re-anchoring"
        ))),
    }
}

/// Records the end of a sync pass: `Ok` when nothing was left to push, else the error text
/// (its kind is then [`SyncErrorKind::Other`]; [`record_outcome`] names it).
pub fn record_pass(
    conn: &mut Connection,
    outcome: Result<(), &str>,
    now_unix_ms: i64,
) -> Result<(), ReplicaError> {
    record_outcome(
        conn,
        outcome.map_err(|text| (text, SyncErrorKind::Other)),
        now_unix_ms,
    )
}

/// Records the end of a sync pass: `Ok` when nothing was left to push, else the error text
/// and its kind, in one transaction.
pub fn record_outcome(
    conn: &mut Connection,
    outcome: Result<(), (&str, SyncErrorKind)>,
    now_unix_ms: i64,
) -> Result<(), ReplicaError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO ledger_sync_outcome (id, last_error_kind) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET last_error_kind = excluded.last_error_kind",
        [outcome.err().map(|(_, kind)| kind.as_str())],
    )?;
    let outcome = outcome.map_err(|(text, _)| text);
    tx.execute(
        "INSERT OR IGNORE INTO ledger_sync_status (id) VALUES (1)",
        [],
    )?;
    match outcome {
        Ok(()) => tx.execute(
            "UPDATE ledger_sync_status SET last_attempt_unix_ms = ?1,
                 last_success_unix_ms = ?1, last_error = NULL, last_error_unix_ms = NULL
             WHERE id = 1",
            [now_unix_ms],
        )?,
        Err(error) => tx.execute(
            "UPDATE ledger_sync_status SET last_attempt_unix_ms = ?1,
                 last_error = ?2, last_error_unix_ms = ?1
             WHERE id = 1",
            params![now_unix_ms, error],
        )?,
    };
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("r.db")).unwrap();
        (dir, conn)
    }

    /// The events waiting are what counting the log above the mark gives, before any event,
    /// at every mark from none to the head, and after a re-enrollment's new chain.
    #[test]
    fn events_waiting_are_the_events_above_the_mark() {
        let (_dir, mut conn) = conn();
        let device = DeviceId([3; 32]);
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('device', ?1)",
            [device.to_string()],
        )
        .unwrap();
        let counted = |conn: &Connection| -> u64 {
            let pushed = pushed_seq(conn, &device).unwrap() as i64;
            let n: i64 = conn
                .query_row(
                    "SELECT count(*) FROM event_log WHERE seq > ?1",
                    [pushed],
                    |r| r.get(0),
                )
                .unwrap();
            n as u64
        };
        assert_eq!(summary(&conn).unwrap().events_waiting, 0);
        for seq in 1..=40u64 {
            conn.execute(
                "INSERT INTO event_log (seq, hash, kind, actor, bytes) VALUES (?1, zeroblob(32), 3, 'B-1', x'00')",
                [seq as i64],
            )
            .unwrap();
        }
        for mark in 0..=40u64 {
            if mark > 0 {
                let row = ReceiptRow {
                    seq: mark,
                    log_index: mark,
                    tree_size: 100,
                };
                mark_pushed(&mut conn, &device, &[row]).unwrap();
            }
            let waiting = summary(&conn).unwrap().events_waiting;
            assert_eq!(waiting, counted(&conn), "mark {mark}");
            assert_eq!(waiting, 40 - mark);
            let unacknowledged: i64 = conn
                .query_row(
                    "SELECT count(*) FROM event_log WHERE acknowledged = 0 OR seq > ?1",
                    [mark as i64],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                unacknowledged as u64,
                40 - mark,
                "exactly the events through the mark are acknowledged (mark {mark})"
            );
        }
        // A mark rewound after a re-anchoring and moved forward again over receipts in one
        // batch leaves every event through it acknowledged.
        assert_eq!(rewind_mark(&mut conn, &device, 10).unwrap(), 10);
        let rows: Vec<ReceiptRow> = (11..=40)
            .map(|seq| ReceiptRow {
                seq,
                log_index: seq,
                tree_size: 100,
            })
            .collect();
        assert_eq!(mark_pushed(&mut conn, &device, &rows).unwrap(), 40);
        let unacknowledged: i64 = conn
            .query_row(
                "SELECT count(*) FROM event_log WHERE acknowledged = 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(unacknowledged, 0);
        // A re-enrollment: a new key, its chain from seq 1 again, nothing of it pushed.
        conn.execute_batch("DELETE FROM event_log").unwrap();
        let new_device = DeviceId([4; 32]);
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'device'",
            [new_device.to_string()],
        )
        .unwrap();
        for seq in 1..=5i64 {
            conn.execute(
                "INSERT INTO event_log (seq, hash, kind, actor, bytes) VALUES (?1, zeroblob(32), 3, 'B-1', x'00')",
                [seq],
            )
            .unwrap();
        }
        assert_eq!(summary(&conn).unwrap().events_waiting, 5);
    }

    #[test]
    fn the_mark_moves_only_forward_over_a_contiguous_run() {
        let (_dir, mut conn) = conn();
        let device = DeviceId([3; 32]);
        let row = |seq| ReceiptRow {
            seq,
            log_index: seq + 10,
            tree_size: 100,
        };
        assert_eq!(
            mark_pushed(&mut conn, &device, &[row(1), row(2)]).unwrap(),
            2
        );
        // A re-sent receipt changes nothing; the mark never moves back.
        assert_eq!(mark_pushed(&mut conn, &device, &[row(1)]).unwrap(), 2);
        // A receipt that skips a seq is refused and moves nothing.
        assert!(mark_pushed(&mut conn, &device, &[row(3), row(5)]).is_err());
        assert_eq!(pushed_seq(&conn, &device).unwrap(), 2);
        assert_eq!(mark_pushed(&mut conn, &device, &[row(3)]).unwrap(), 3);
    }

    #[test]
    fn a_device_pinned_to_one_log_is_not_moved_to_another_by_enrolling() {
        let (_dir, mut conn) = conn();
        let mut pinned = LedgerLink {
            url: "http://a".into(),
            origin: "a.test/log".into(),
            verifier_key: "a.test/log+00000000+AQ".into(),
            device: DeviceId([1; 32]),
            facility: "F".into(),
            name: "dock".into(),
            enrolled_unix_ms: 1,
        };
        set_link(&mut conn, &pinned).unwrap();
        // The same log at another URL is fine.
        pinned.url = "http://b".into();
        set_link(&mut conn, &pinned).unwrap();
        assert_eq!(link(&conn).unwrap().unwrap().url, "http://b");
        pinned.verifier_key = "a.test/log+11111111+AQ".into();
        assert!(set_link(&mut conn, &pinned).is_err());
    }

    #[test]
    fn the_summary_counts_events_above_the_mark_and_keeps_the_last_error() {
        let (_dir, mut conn) = conn();
        let empty = summary(&conn).unwrap();
        assert_eq!(empty, SyncSummary::default());
        record_pass(&mut conn, Err("the ledger cannot be reached"), 5).unwrap();
        let s = summary(&conn).unwrap();
        assert_eq!(
            s.last_error.as_deref(),
            Some("the ledger cannot be reached")
        );
        assert_eq!(s.last_success_unix_ms, None);
        record_pass(&mut conn, Ok(()), 9).unwrap();
        let s = summary(&conn).unwrap();
        assert_eq!((s.last_error, s.last_success_unix_ms), (None, Some(9)));
        accept_checkpoint(
            &mut conn,
            &StoredCheckpoint {
                anchor: 0,
                size: 12,
                root: Sha256Hash([0; 32]),
                note: "n".into(),
            },
            1,
        )
        .unwrap();
        assert_eq!(summary(&conn).unwrap().checkpoint_size, 12);
    }

    #[test]
    fn the_summary_says_online_offline_from_the_kind_of_the_last_failure() {
        let (_dir, mut conn) = conn();
        set_link(
            &mut conn,
            &LedgerLink {
                url: "http://127.0.0.1:9".into(),
                origin: "a.test/log".into(),
                verifier_key: "a.test/log+00000000+AQ".into(),
                device: DeviceId([1; 32]),
                facility: "F".into(),
                name: "dock".into(),
                enrolled_unix_ms: 1,
            },
        )
        .unwrap();
        let s = summary(&conn).unwrap();
        assert_eq!(s.online(), None, "no attempt yet");
        assert_eq!(s.ledger_url.as_deref(), Some("http://127.0.0.1:9"));
        record_outcome(
            &mut conn,
            Err(("the ledger cannot be reached", SyncErrorKind::Unreachable)),
            5,
        )
        .unwrap();
        let s = summary(&conn).unwrap();
        assert_eq!(s.online(), Some(false));
        assert_eq!(s.last_error_kind, Some(SyncErrorKind::Unreachable));
        assert_eq!(s.last_attempt_unix_ms, Some(5));
        // The ledger answered but refused: online, with the refusal's kind.
        record_outcome(
            &mut conn,
            Err(("the ledger went backwards", SyncErrorKind::Untrusted)),
            6,
        )
        .unwrap();
        let s = summary(&conn).unwrap();
        assert_eq!(
            (s.online(), s.last_error_kind),
            (Some(true), Some(SyncErrorKind::Untrusted))
        );
        // A success clears the kind with the text; an older tallyd's failure (no kind) is
        // "other", never the kind of an earlier failure.
        record_outcome(&mut conn, Ok(()), 7).unwrap();
        let s = summary(&conn).unwrap();
        assert_eq!((s.last_error, s.last_error_kind), (None, None));
        record_pass(&mut conn, Err("something"), 8).unwrap();
        assert_eq!(
            summary(&conn).unwrap().last_error_kind,
            Some(SyncErrorKind::Other)
        );
        for kind in [
            SyncErrorKind::Unreachable,
            SyncErrorKind::Untrusted,
            SyncErrorKind::Refused,
            SyncErrorKind::Setup,
            SyncErrorKind::Other,
        ] {
            assert_eq!(SyncErrorKind::parse(kind.as_str()), kind);
        }
        assert_eq!(SyncErrorKind::parse("newer"), SyncErrorKind::Other);
    }

    #[test]
    fn sync_requests_are_counted_one_by_one() {
        let (_dir, conn) = conn();
        assert_eq!(sync_requests(&conn).unwrap(), 0);
        assert_eq!(request_sync(&conn, 10).unwrap(), 1);
        assert_eq!(request_sync(&conn, 11).unwrap(), 2);
        assert_eq!(sync_requests(&conn).unwrap(), 2);
        assert_eq!(summary(&conn).unwrap().sync_requests, 2);
    }
}

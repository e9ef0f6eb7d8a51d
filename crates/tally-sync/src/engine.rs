//! One device's sync with its ledger: enrollment (pinning the log), and sync passes that push
//! the outbox in batches and move the outbox mark only over receipts whose inclusion proof
//! verified against a checkpoint signed by the pinned key and consistent with every checkpoint
//! the device holds.
//!
//! After pushing, a pass pulls the facility's deltas from the ledger's replica service
//! (`GET /v1/replica/deltas`) above the replica's ledger cursor and folds them with
//! [`tally_replica::sync::apply_device_deltas`] (unfoldable ones are held, the device's own
//! events coming back are receipts), then refreshes the PIN verifiers (`GET /v1/pins`):
//! active users' verifiers are stored sealed under the device's pepper, deactivated badges'
//! are erased.
//!
//! The replica connection is the device's database, opened beside the running app: reads are
//! plain queries, every write is one short transaction in [`tally_replica::outbox`]. The key is
//! read without the event signer's lock, as a domain signer that can only sign requests
//! ([`tally_replica::keys::domain_signer`]).

use std::path::PathBuf;

use rusqlite::Connection;
use tally_events::domain::DomainSigner;
use tally_events::pin::PinPepper;
use tally_events::DeviceId;
use tally_ledger_client::trust::{check_delta_included, check_extends, decode_hashes};
use tally_ledger_client::wire::ErrorBody;
use tally_ledger_client::{
    ClientError, ClientOptions, LedgerClient, PinnedLog, TrustError, VerifiedCheckpoint,
};
use tally_replica::keys::{self, KeyOptions};
use tally_replica::outbox::{self, LedgerLink, ReceiptRow, StoredCheckpoint, SyncErrorKind};
use tally_replica::pins::IssuedVerifier;
use tally_replica::{Delta, ReplicaError};
use thiserror::Error;

/// Records per push (the ledger verifies and commits a batch in one transaction).
pub const DEFAULT_BATCH: usize = 500;
/// Deltas asked for per request (the ledger's page limit).
pub const DELTAS_PER_PULL: u64 = 1_000;

/// Why a sync step failed.
#[derive(Debug, Error)]
pub enum SyncError {
    /// The replica has no pinned ledger.
    #[error("this device is not enrolled with a ledger: run `tallyd enroll --db DB --ledger URL --token TOKEN` at the dock")]
    NotEnrolled,
    /// The replica's device key is not the one enrolled.
    #[error("this replica's device key {current} is not the key enrolled with the ledger ({enrolled}): enroll again with a new token")]
    KeyChanged {
        /// The key enrolled.
        enrolled: DeviceId,
        /// The replica's key now.
        current: DeviceId,
    },
    /// The ledger could not be reached or failed.
    #[error(transparent)]
    Ledger(#[from] ClientError),
    /// The ledger sent something the device does not trust (a forged or inconsistent
    /// checkpoint, a receipt that does not prove inclusion, a log that went backwards or
    /// rewrote history). Nothing was marked; the device keeps its events.
    #[error("{0}; nothing was marked synced, the device keeps its events")]
    Untrusted(#[from] TrustError),
    /// The ledger refused one of the device's records.
    #[error("the ledger refused seq {seq}: {} [{}]", .body.message, .body.error)]
    Refused {
        /// The seq refused.
        seq: u64,
        /// The refusal.
        body: Box<ErrorBody>,
    },
    /// The ledger holds fewer of this device's events than it acknowledged.
    #[error(
        "the ledger expects seq {expected} from this device but acknowledged up to {pushed}: it \
         lost events it had logged (restored from a backup?); a supervisor must re-anchor the \
         device (docs/LEDGER.md, \"A ledger restored from a backup\")"
    )]
    LedgerLostEvents {
        /// The seq the ledger expects next.
        expected: u64,
        /// The device's mark.
        pushed: u64,
    },
    /// The enrollment answer does not fit this device.
    #[error("{0}")]
    Enrollment(String),
    /// The ledger answered something inconsistent.
    #[error("the ledger's answer does not add up: {0}")]
    Protocol(String),
    /// The ledger sent a delta that is not a validly signed record, or not in order.
    #[error(
        "the ledger sent a delta this device does not trust: {0}; nothing of that page was folded"
    )]
    BadDelta(String),
    /// A delta's record is not the log's entry at the index it claims (its inclusion proof
    /// does not lead to the checkpoint sent with its page, which verified with the pinned key
    /// and is consistent with those held): never logged, or other bytes than the log holds.
    #[error(
        "{0}; nothing of that page was folded: the ledger serves records its log does not hold \
         and cannot be trusted as it is (report it; pulling stops, pushing goes on)"
    )]
    DeltaNotInLog(TrustError),
    /// The facility stream the ledger serves is not the one this replica followed: shorter
    /// than the replica's cursor, or another record at the last position it folded.
    #[error(
        "the ledger's stream of facility deltas no longer matches this device's (it folded {cursor}, \
         the ledger now serves {size}{detail}): the ledger was restored or rebuilt; pushing goes \
         on, pulling stops until a supervisor re-bootstraps the device \
         (`tally sync rebootstrap`)"
    )]
    StreamDiverged {
        /// The replica's ledger cursor.
        cursor: u64,
        /// The stream's length the ledger reported.
        size: u64,
        /// What differs.
        detail: &'static str,
    },
    /// The replica database or the key.
    #[error(transparent)]
    Replica(#[from] ReplicaError),
}

impl SyncError {
    /// Whether the ledger misbehaved as a log (rolled back, rewrote history, lost events):
    /// reported loudly, never worked around.
    pub fn is_history_violation(&self) -> bool {
        match self {
            SyncError::Untrusted(e) => e.is_history_violation(),
            SyncError::LedgerLostEvents { .. } | SyncError::StreamDiverged { .. } => true,
            _ => false,
        }
    }

    /// Whether this looks like the network (the ledger cannot be reached).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, SyncError::Ledger(ClientError::Unreachable { .. }))
    }

    /// The kind of failure, recorded beside its text for the app (which says it in the
    /// person's words and language).
    pub fn kind(&self) -> SyncErrorKind {
        match self {
            SyncError::Ledger(ClientError::Unreachable { .. }) => SyncErrorKind::Unreachable,
            SyncError::Ledger(ClientError::Refused { .. }) | SyncError::Refused { .. } => {
                SyncErrorKind::Refused
            }
            // A stream that no longer matches what was folded, or a delta whose signature
            // does not hold: the ledger cannot be trusted as it is.
            SyncError::Untrusted(_)
            | SyncError::LedgerLostEvents { .. }
            | SyncError::StreamDiverged { .. }
            | SyncError::DeltaNotInLog(_)
            | SyncError::BadDelta(_) => SyncErrorKind::Untrusted,
            SyncError::NotEnrolled | SyncError::KeyChanged { .. } | SyncError::Enrollment(_) => {
                SyncErrorKind::Setup
            }
            SyncError::Ledger(_) | SyncError::Protocol(_) | SyncError::Replica(_) => {
                SyncErrorKind::Other
            }
        }
    }
}

/// Where a device's database and key are.
#[derive(Debug, Clone)]
pub struct DeviceFiles {
    /// The replica database.
    pub db: PathBuf,
    /// The key directory.
    pub key_dir: PathBuf,
    /// Key-location options.
    pub key_options: KeyOptions,
}

impl DeviceFiles {
    /// Opens the replica (it must exist) for the sync daemon's short writes.
    pub fn open_replica(&self) -> Result<Connection, SyncError> {
        if !self.db.exists() {
            return Err(ReplicaError::NotFound(format!(
                "no replica database at {}",
                self.db.display()
            ))
            .into());
        }
        Ok(tally_replica::db::open(&self.db)?)
    }

    /// The device recorded in the replica.
    pub fn device(&self, conn: &Connection) -> Result<DeviceId, SyncError> {
        let hex: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| {
                r.get(0)
            })
            .map_err(ReplicaError::from)
            .map(Some)
            .or_else(|e| match e {
                ReplicaError::Sqlite(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
                other => Err(other),
            })?;
        hex.as_deref().and_then(DeviceId::from_hex).ok_or_else(|| {
            ReplicaError::Storage(format!(
                "{} records no device: create the replica with `tally replica init` first",
                self.db.display()
            ))
            .into()
        })
    }

    /// The device key as a request signer, read without the event signer's lock (the app
    /// keeps signing events meanwhile); refused when the key sits beside the database.
    pub fn signer(&self, device: &DeviceId) -> Result<DomainSigner, SyncError> {
        let path = keys::key_path(&self.key_dir, device);
        keys::check_key_location(&path, &self.db, &self.key_options)?;
        let signer = keys::domain_signer(&path)?;
        if signer.device_id() != *device {
            return Err(ReplicaError::Storage(format!(
                "the key file {} holds another device's key",
                path.display()
            ))
            .into());
        }
        Ok(signer)
    }

    /// The device's PIN pepper (derived from its key, read without the signing lock): what
    /// the verifiers the ledger sends are sealed under.
    pub fn pin_pepper(&self, device: &DeviceId) -> Result<PinPepper, SyncError> {
        let path = keys::key_path(&self.key_dir, device);
        keys::check_key_location(&path, &self.db, &self.key_options)?;
        Ok(keys::read_key_file(&path)?.key().pin_pepper())
    }
}

fn facility_of(conn: &Connection) -> Option<String> {
    conn.query_row("SELECT value FROM meta WHERE key = 'facility'", [], |r| {
        r.get::<_, String>(0)
    })
    .ok()
}

/// Enrolls the device with the ledger at `url` with a one-time token and pins the log: its
/// origin and verifier key (checked against `expected_key` when given) and its current
/// checkpoint, signed by that key.
pub fn enroll(
    files: &DeviceFiles,
    url: &str,
    token: &str,
    expected_key: Option<&str>,
    options: &ClientOptions,
) -> Result<LedgerLink, SyncError> {
    let mut conn = files.open_replica()?;
    let device = files.device(&conn)?;
    let signer = files.signer(&device)?;
    let client = LedgerClient::new(url, options)?;
    let info = client.info()?;
    let enrollment = client.enroll(&signer, &info.origin, token.trim())?;
    if enrollment.device_id != device.to_string() {
        return Err(SyncError::Enrollment(format!(
            "the ledger enrolled the key {}, not this device's {device}",
            enrollment.device_id
        )));
    }
    if enrollment.origin != info.origin || enrollment.verifier_key != info.verifier_key {
        return Err(SyncError::Enrollment(
            "the ledger named two different logs in one enrollment".into(),
        ));
    }
    if let Some(expected) = expected_key {
        if expected.trim() != enrollment.verifier_key {
            return Err(SyncError::Enrollment(format!(
                "the ledger's key is {}, not the expected {}: this is not the ledger you meant",
                enrollment.verifier_key,
                expected.trim()
            )));
        }
    }
    if let Some(facility) = facility_of(&conn) {
        if facility != enrollment.facility {
            return Err(SyncError::Enrollment(format!(
                "the token is for facility {}, this replica is facility {facility}: ask for a token for {facility}",
                enrollment.facility
            )));
        }
    }
    let pinned = PinnedLog::new(&enrollment.origin, &enrollment.verifier_key)?;
    let pepper = files.pin_pepper(&device)?;
    let link = LedgerLink {
        url: client.base_url().to_owned(),
        origin: enrollment.origin,
        verifier_key: enrollment.verifier_key,
        device,
        facility: enrollment.facility,
        name: enrollment.name,
        enrolled_unix_ms: now_unix_ms(),
    };
    outbox::set_link(&mut conn, &link)?;
    let mut syncer = Syncer {
        conn,
        files: files.clone(),
        device,
        signer,
        pepper,
        link: link.clone(),
        pinned,
        client,
        batch: DEFAULT_BATCH,
    };
    syncer.refresh_checkpoint()?;
    Ok(link)
}

/// What one pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    /// Events marked synced in this pass.
    pub pushed: u64,
    /// The outbox mark after it.
    pub pushed_seq: u64,
    /// The newest checkpoint held after it.
    pub checkpoint_size: u64,
    /// Deltas pulled from the ledger that moved the replica's ledger cursor.
    pub pulled: u64,
    /// The replica's ledger cursor after it.
    pub ledger_cursor: u64,
}

/// A device's sync engine.
pub struct Syncer {
    conn: Connection,
    files: DeviceFiles,
    device: DeviceId,
    signer: DomainSigner,
    pepper: PinPepper,
    link: LedgerLink,
    pinned: PinnedLog,
    client: LedgerClient,
    batch: usize,
}

/// The current time, Unix ms.
pub fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Syncer {
    /// Opens the device's replica and key and the pinned ledger.
    pub fn open(files: &DeviceFiles, options: &ClientOptions) -> Result<Self, SyncError> {
        let conn = files.open_replica()?;
        let link = outbox::link(&conn)?.ok_or(SyncError::NotEnrolled)?;
        let device = files.device(&conn)?;
        if device != link.device {
            return Err(SyncError::KeyChanged {
                enrolled: link.device,
                current: device,
            });
        }
        let signer = files.signer(&device)?;
        let pepper = files.pin_pepper(&device)?;
        let pinned = PinnedLog::new(&link.origin, &link.verifier_key)?;
        let client = LedgerClient::new(&link.url, options)?;
        Ok(Self {
            conn,
            files: files.clone(),
            device,
            signer,
            pepper,
            link,
            pinned,
            client,
            batch: DEFAULT_BATCH,
        })
    }

    /// Records per push.
    pub fn set_batch(&mut self, batch: usize) {
        self.batch = batch.max(1);
    }

    /// The replica connection (for reads).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The files of this device.
    pub fn files(&self) -> &DeviceFiles {
        &self.files
    }

    /// The pinned ledger.
    pub fn link(&self) -> &LedgerLink {
        &self.link
    }

    /// How many times the app asked for a sync now (`tally_replica::outbox::request_sync`).
    pub fn sync_requests(&self) -> Result<u64, SyncError> {
        Ok(outbox::sync_requests(&self.conn)?)
    }

    /// Whether the device has events above its outbox mark.
    pub fn has_waiting(&self) -> Result<bool, SyncError> {
        let mark = outbox::pushed_seq(&self.conn, &self.device)?;
        Ok(!outbox::waiting(&self.conn, mark, 1)?.is_empty())
    }

    /// Accepts `new` (verified with the pinned key) if it is consistent with the newest
    /// checkpoint held: not smaller when it is the ledger's current head (`is_head`), and a
    /// consistency proof between the two. Stores it.
    fn accept(&mut self, new: &VerifiedCheckpoint, is_head: bool) -> Result<(), SyncError> {
        let held = outbox::latest_checkpoint(&self.conn)?;
        let anchor = held.as_ref().map_or(0, |h| h.anchor);
        if let Some(held) = held.filter(|h| h.size > 0) {
            let held = VerifiedCheckpoint {
                size: held.size,
                root: held.root,
                note: held.note,
            };
            if new.size >= held.size {
                let proof = if new.size == held.size {
                    Vec::new()
                } else {
                    decode_hashes(&self.client.consistency(held.size, new.size)?)?
                };
                check_extends(&held, new, &proof)?;
            } else if is_head {
                return Err(TrustError::WentBackwards {
                    held: held.size,
                    served: new.size,
                }
                .into());
            } else {
                // A receipt cut at an older checkpoint: it must be a prefix of the held one.
                let proof = decode_hashes(&self.client.consistency(new.size, held.size)?)?;
                check_extends(new, &held, &proof)?;
            }
        }
        outbox::accept_checkpoint(
            &mut self.conn,
            &StoredCheckpoint {
                anchor,
                size: new.size,
                root: new.root,
                note: new.note.clone(),
            },
            now_unix_ms(),
        )?;
        Ok(())
    }

    /// Fetches the ledger's checkpoint, verifies it with the pinned key and its consistency
    /// with the checkpoints held, and stores it.
    pub fn refresh_checkpoint(&mut self) -> Result<VerifiedCheckpoint, SyncError> {
        let note = self.client.checkpoint()?;
        let checkpoint = self.pinned.verify_checkpoint(&note)?;
        match self.accept(&checkpoint, true) {
            Ok(()) => Ok(checkpoint),
            Err(error) if error.is_history_violation() => {
                if self.reanchor(&checkpoint)? {
                    Ok(checkpoint)
                } else {
                    Err(error)
                }
            }
            Err(error) => Err(error),
        }
    }

    /// A ledger the device refused (went backwards, rewrote history) is accepted again only
    /// when a supervisor re-anchored the device to it: the newest `ledger_reanchored` event
    /// (kind 6) in the device's own log names the checkpoint the device holds and the
    /// restored checkpoint it accepts instead, and the ledger's current checkpoint is that one
    /// or extends it. Then the restored checkpoint starts a new anchor and the outbox mark goes
    /// back to what the ledger holds of this device, so the events it lost are pushed again.
    fn reanchor(&mut self, served: &VerifiedCheckpoint) -> Result<bool, SyncError> {
        let Some((seq, event)) = outbox::latest_reanchor(&self.conn)? else {
            return Ok(false);
        };
        let Some(held) = outbox::latest_checkpoint(&self.conn)? else {
            return Ok(false);
        };
        if event.origin != self.link.origin
            || event.held_size != held.size
            || event.held_root != held.root
            || served.size < event.new_size
        {
            return Ok(false);
        }
        let restored = VerifiedCheckpoint {
            size: event.new_size,
            root: event.new_root,
            note: String::new(),
        };
        let proof = if served.size == restored.size {
            Vec::new()
        } else {
            decode_hashes(&self.client.consistency(restored.size, served.size)?)?
        };
        if check_extends(&restored, served, &proof).is_err() {
            return Ok(false);
        }
        outbox::accept_checkpoint(
            &mut self.conn,
            &StoredCheckpoint {
                anchor: held.anchor + 1,
                size: served.size,
                root: served.root,
                note: served.note.clone(),
            },
            now_unix_ms(),
        )?;
        let at_ledger = self.client.device(&self.signer, &self.link.origin)?;
        let mark = outbox::rewind_mark(&mut self.conn, &self.device, at_ledger.events)?;
        tracing::warn!(
            reanchor_seq = seq,
            held = held.size,
            restored = event.new_size,
            mark,
            "re-anchored to the restored ledger by a supervisor; pushing again what it lost"
        );
        Ok(true)
    }

    /// One pass: check the ledger's checkpoint, push the outbox in batches until it is empty
    /// (marking each batch synced once its receipts verified), then pull the facility's deltas
    /// and refresh the PIN verifiers.
    pub fn pass(&mut self) -> Result<PassReport, SyncError> {
        let (pushed, pushed_seq, checkpoint_size) = self.push()?;
        let pulled = self.pull()?;
        self.refresh_pins()?;
        Ok(PassReport {
            pushed,
            pushed_seq,
            checkpoint_size,
            pulled,
            ledger_cursor: tally_replica::sync::ledger_cursor(&self.conn)?,
        })
    }

    /// Pulls the facility's deltas above the replica's ledger cursor, page by page, and folds
    /// them. Before folding, the record the replica took in at its cursor must be the one the
    /// ledger serves there now (the stream is the one it followed). Returns how many deltas
    /// moved the cursor.
    pub fn pull(&mut self) -> Result<u64, SyncError> {
        let mut pulled = 0u64;
        loop {
            let cursor = tally_replica::sync::ledger_cursor(&self.conn)?;
            let last = match cursor {
                0 => None,
                _ => tally_replica::sync::delta_at(&self.conn, cursor)?,
            };
            let after = if last.is_some() { cursor - 1 } else { cursor };
            let answer =
                self.client
                    .deltas(&self.signer, &self.link.origin, after, DELTAS_PER_PULL)?;
            if answer.facility != self.link.facility {
                return Err(SyncError::Protocol(format!(
                    "deltas of facility {} for a device of {}",
                    answer.facility, self.link.facility
                )));
            }
            if answer.size < cursor {
                return Err(SyncError::StreamDiverged {
                    cursor,
                    size: answer.size,
                    detail: "",
                });
            }
            let mut deltas = Vec::with_capacity(answer.deltas.len());
            for (i, body) in answer.deltas.iter().enumerate() {
                if body.ledger_index != after + 1 + i as u64 || body.ledger_index > answer.size {
                    return Err(SyncError::BadDelta(format!(
                        "position {} where {} was due",
                        body.ledger_index,
                        after + 1 + i as u64
                    )));
                }
                let bytes = tally_ledger_client::unb64(&body.record).ok_or_else(|| {
                    SyncError::BadDelta(format!("delta {} is not base64", body.ledger_index))
                })?;
                deltas.push(Delta {
                    ledger_index: body.ledger_index,
                    bytes,
                });
            }
            self.check_included(&answer, &deltas)?;
            if let Some(last) = last {
                if deltas.first().map(|d| &d.bytes) != Some(&last) {
                    return Err(SyncError::StreamDiverged {
                        cursor,
                        size: answer.size,
                        detail: ", with another record at the last position it folded",
                    });
                }
            }
            let fresh = deltas.iter().filter(|d| d.ledger_index > cursor).count();
            if fresh == 0 {
                self.finish_rebootstrap()?;
                return Ok(pulled);
            }
            let moved =
                tally_replica::sync::apply_device_deltas(&mut self.conn, &deltas).map_err(|e| {
                    match e {
                        ReplicaError::Events(e) => SyncError::BadDelta(e.to_string()),
                        other => other.into(),
                    }
                })?;
            pulled += moved as u64;
            let reached = deltas.last().map_or(cursor, |d| d.ledger_index);
            tracing::info!(from = cursor + 1, to = reached, "deltas folded");
            if reached >= answer.size {
                self.finish_rebootstrap()?;
                return Ok(pulled);
            }
        }
    }

    /// At the end of the stream after a re-bootstrap: the device's own events the ledger did
    /// not send back are folded again (`tally_replica::sync::finish_refold`).
    fn finish_rebootstrap(&mut self) -> Result<(), SyncError> {
        let folded = tally_replica::sync::finish_refold(&mut self.conn)?;
        if folded > 0 {
            tracing::info!(folded, "re-bootstrap finished: own events folded again");
        }
        Ok(())
    }

    /// Whether the ledger's facility stream is still the one this replica followed, checked as
    /// a pull checks it before folding (its length against the cursor, the record at the
    /// cursor against the one folded there), without folding anything: `None` when it matches
    /// (or nothing was folded yet), else the [`SyncError::StreamDiverged`] a pull would stop
    /// with. What a supervisor looks at before re-bootstrapping the device.
    pub fn stream_divergence(&mut self) -> Result<Option<SyncError>, SyncError> {
        let cursor = tally_replica::sync::ledger_cursor(&self.conn)?;
        if cursor == 0 {
            return Ok(None);
        }
        let last = tally_replica::sync::delta_at(&self.conn, cursor)?;
        let after = if last.is_some() { cursor - 1 } else { cursor };
        let answer = self
            .client
            .deltas(&self.signer, &self.link.origin, after, 1)?;
        if answer.size < cursor {
            return Ok(Some(SyncError::StreamDiverged {
                cursor,
                size: answer.size,
                detail: "",
            }));
        }
        if let Some(last) = last {
            let first = answer
                .deltas
                .first()
                .and_then(|body| tally_ledger_client::unb64(&body.record));
            if first.as_ref() != Some(&last) {
                return Ok(Some(SyncError::StreamDiverged {
                    cursor,
                    size: answer.size,
                    detail: ", with another record at the last position it folded",
                }));
            }
        }
        Ok(None)
    }

    /// Checks that every record of a page of deltas is the log's entry at the index it claims:
    /// the page's checkpoint verifies with the pinned key and is consistent with the
    /// checkpoints held (stored like any other), and each record's inclusion proof leads from
    /// its leaf hash to that checkpoint's root. The ledger sends the proofs with the page (one
    /// request, proofs it computes from the tree hashes it stores, as for a push receipt); the
    /// alternative, fetching tiles, would mean hashing tiles up to the root for records spread
    /// over the whole log of every facility.
    fn check_included(
        &mut self,
        answer: &tally_ledger_client::wire::DeltasResponse,
        deltas: &[Delta],
    ) -> Result<(), SyncError> {
        if deltas.is_empty() {
            return Ok(());
        }
        let checkpoint = self.pinned.verify_checkpoint(&answer.checkpoint)?;
        self.accept(&checkpoint, false)?;
        for (body, delta) in answer.deltas.iter().zip(deltas) {
            check_delta_included(
                &checkpoint,
                delta.ledger_index,
                body.log_index,
                &delta.bytes,
                &body.inclusion_proof,
            )
            .map_err(|error| match error {
                TrustError::DeltaNotIncluded { .. } => SyncError::DeltaNotInLog(error),
                other => other.into(),
            })?;
        }
        Ok(())
    }

    /// Fetches the facility's PIN verifiers and stores them; badges deactivated at the ledger
    /// lose theirs (they can no longer sign in on this device). Returns (stored, dropped).
    pub fn refresh_pins(&mut self) -> Result<(usize, usize), SyncError> {
        let answer = self.client.pins(&self.signer, &self.link.origin)?;
        if answer.facility != self.link.facility {
            return Err(SyncError::Protocol(format!(
                "PIN verifiers of facility {} for a device of {}",
                answer.facility, self.link.facility
            )));
        }
        let verifiers: Vec<IssuedVerifier> = answer
            .verifiers
            .into_iter()
            .map(|v| IssuedVerifier {
                badge: v.badge,
                phc: v.phc,
            })
            .collect();
        let refreshed = tally_replica::pins::refresh_from_ledger(
            &mut self.conn,
            &self.pepper,
            &verifiers,
            &answer.deactivated,
        )?;
        if refreshed.dropped > 0 {
            tracing::info!(
                dropped = refreshed.dropped,
                "PIN verifiers of deactivated badges erased"
            );
        }
        Ok((refreshed.stored, refreshed.dropped))
    }

    /// Checks the ledger's checkpoint and pushes the outbox: (pushed, mark, checkpoint size).
    fn push(&mut self) -> Result<(u64, u64, u64), SyncError> {
        let mut head = self.refresh_checkpoint()?;
        let mut pushed = 0u64;
        loop {
            let mark = outbox::pushed_seq(&self.conn, &self.device)?;
            let batch = outbox::waiting(&self.conn, mark, self.batch)?;
            if batch.is_empty() {
                return Ok((pushed, mark, head.size));
            }
            let records: Vec<Vec<u8>> = batch.iter().map(|(_, bytes)| bytes.clone()).collect();
            // What is waiting here, this batch included: the ledger's dock view shows it.
            let waiting = outbox::summary(&self.conn)?.events_waiting;
            let answer = self.client.push_reporting(
                &self.signer,
                &self.link.origin,
                &records,
                Some(waiting),
            )?;
            if answer.receipts.len() > batch.len() {
                return Err(SyncError::Protocol(format!(
                    "{} receipts for {} records",
                    answer.receipts.len(),
                    batch.len()
                )));
            }
            let mut rows = Vec::with_capacity(answer.receipts.len());
            let mut checked: Option<VerifiedCheckpoint> = None;
            for (receipt, (seq, bytes)) in answer.receipts.iter().zip(&batch) {
                let checkpoint =
                    self.pinned
                        .check_receipt_with(receipt, *seq, bytes, checked.as_ref())?;
                if checked.as_ref() != Some(&checkpoint) {
                    self.accept(&checkpoint, false)?;
                    if checkpoint.size > head.size {
                        head = checkpoint.clone();
                    }
                    checked = Some(checkpoint);
                }
                rows.push(ReceiptRow {
                    seq: *seq,
                    log_index: receipt.index,
                    tree_size: receipt.tree_size,
                });
            }
            if !rows.is_empty() {
                let before = mark;
                let after = outbox::mark_pushed(&mut self.conn, &self.device, &rows)?;
                pushed += after - before;
                tracing::info!(from = before + 1, to = after, "events synced");
            }
            if let Some(refused) = answer.refused {
                let seq = refused
                    .seq
                    .or_else(|| refused.position.and_then(|p| batch.get(p)).map(|(s, _)| *s))
                    .unwrap_or(mark + 1);
                if let Some(expected) = refused.expected_seq.filter(|_| refused.error == "gap") {
                    if expected <= mark {
                        return Err(SyncError::LedgerLostEvents {
                            expected,
                            pushed: mark,
                        });
                    }
                }
                return Err(SyncError::Refused {
                    seq,
                    body: Box::new(refused),
                });
            }
            if answer.receipts.len() < batch.len() {
                return Err(SyncError::Protocol(format!(
                    "{} receipts for {} records and no refusal",
                    answer.receipts.len(),
                    batch.len()
                )));
            }
        }
    }

    /// Runs a pass and records its outcome in the replica's sync status.
    pub fn pass_and_record(&mut self) -> Result<PassReport, SyncError> {
        let result = self.pass();
        let recorded = match &result {
            Ok(_) => outbox::record_outcome(&mut self.conn, Ok(()), now_unix_ms()),
            Err(error) => outbox::record_outcome(
                &mut self.conn,
                Err((&error.to_string(), error.kind())),
                now_unix_ms(),
            ),
        };
        if let Err(error) = recorded {
            tracing::warn!(%error, "could not record the sync status");
        }
        result
    }
}

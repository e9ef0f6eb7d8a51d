//! A device's chain: writing it ([`ChainWriter`]) and verifying it ([`verify_chain`]).
//!
//! A chain is the events of one device, seq 1, 2, 3 ... with no gap, each `prev` the
//! SHA-256 of the previous whole signed record, seq 1 a device enrollment. Verification
//! reports the first failure (in the order the records were given) with the seq where the
//! chain breaks and what is wrong. A wall clock that steps backwards is an anomaly, reported
//! but not a failure: order comes from `seq`. The monotonic clock (time since boot) going
//! backwards within one boot is a failure.

use serde::Serialize;

use crate::error::{DecodeError, EncodeError, VerifyError};
use crate::event::{Clock, Layout, RecordView, SignedEvent, Timestamp, UnsignedEvent};
use crate::key::{verify_batch, DeviceKey, VerifierKey, VerifyMode, MAX_BATCH};
use crate::payload::{DeviceEnrolled, Payload};
use crate::types::{DeviceId, Sha256Hash};

/// Appends events to one device's chain: numbers them, links them and signs them.
///
/// It holds the head in memory only; whoever stores the events (the replica) must store
/// each returned event before handing out the next one, and must check the key file's seq
/// reservation ([`crate::KeyFile::may_sign`]) before signing.
#[derive(Debug)]
pub struct ChainWriter {
    key: DeviceKey,
    facility: String,
    next_seq: u64,
    head: Option<Sha256Hash>,
}

impl ChainWriter {
    /// Starts a new chain: signs the genesis event (seq 1) enrolling the device.
    pub fn genesis(
        key: DeviceKey,
        clock: &dyn Clock,
        actor: &str,
        enrolled: DeviceEnrolled,
    ) -> Result<(ChainWriter, SignedEvent), EncodeError> {
        let facility = enrolled.facility.clone();
        let event = UnsignedEvent {
            seq: 1,
            prev: None,
            timestamp: clock.now(),
            actor: actor.to_owned(),
            facility: facility.clone(),
            payload: Payload::DeviceEnrolled(enrolled),
        }
        .sign(&key)?;
        let writer = ChainWriter {
            key,
            facility,
            next_seq: 2,
            head: Some(event.record_hash()),
        };
        Ok((writer, event))
    }

    /// Continues a chain whose last stored event is `head` (seq and record hash).
    pub fn resume(
        key: DeviceKey,
        facility: &str,
        head_seq: u64,
        head_hash: Sha256Hash,
    ) -> Result<ChainWriter, EncodeError> {
        let next_seq = head_seq.checked_add(1).ok_or(EncodeError::SeqExhausted)?;
        if head_seq == 0 {
            return Err(EncodeError::GenesisRule);
        }
        Ok(ChainWriter {
            key,
            facility: facility.to_owned(),
            next_seq,
            head: Some(head_hash),
        })
    }

    /// The seq the next appended event gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Record hash of the last event.
    pub fn head_hash(&self) -> Option<Sha256Hash> {
        self.head
    }

    /// The device id (public key).
    pub fn device_id(&self) -> DeviceId {
        self.key.device_id()
    }

    /// Facility id written into every event.
    pub fn facility(&self) -> &str {
        &self.facility
    }

    /// Signs `payload` as the next event, at `clock.now()`, by `actor`.
    pub fn append(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        payload: Payload,
    ) -> Result<SignedEvent, EncodeError> {
        self.append_at(clock.now(), actor, payload)
    }

    /// Signs `payload` as the next event with an explicit timestamp.
    pub fn append_at(
        &mut self,
        timestamp: Timestamp,
        actor: &str,
        payload: Payload,
    ) -> Result<SignedEvent, EncodeError> {
        let event = UnsignedEvent {
            seq: self.next_seq,
            prev: self.head,
            timestamp,
            actor: actor.to_owned(),
            facility: self.facility.clone(),
            payload,
        }
        .sign(&self.key)?;
        self.next_seq = self
            .next_seq
            .checked_add(1)
            .ok_or(EncodeError::SeqExhausted)?;
        self.head = Some(event.record_hash());
        Ok(event)
    }
}

/// Options of [`verify_chain`].
#[derive(Debug, Clone)]
pub struct ChainOptions {
    /// The device the chain must belong to; `None`: the author of the first record.
    pub expected_device: Option<DeviceId>,
    /// Where the records start: `None` for a whole chain from the genesis (seq 1); or a
    /// segment continuing after an already verified head (the sync daemon's deltas, a ledger
    /// export from a cursor).
    pub start: Option<ChainStart>,
    /// How far the wall clock may step back before it is reported as an anomaly.
    pub wall_clock_tolerance_ms: u64,
    /// Strict (the default: exactly `verify_strict` on every event) or batch signature checks.
    pub mode: VerifyMode,
}

/// An already verified head that a segment of records continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainStart {
    /// Seq of the verified head; the segment's first record must be `head_seq + 1`.
    pub head_seq: u64,
    /// Record hash of the verified head: the first record's `prev`.
    pub head_hash: Sha256Hash,
}

/// The stated tolerance for a wall clock step back: 2 seconds (NTP slews and leap smears stay
/// well within it).
pub const DEFAULT_WALL_CLOCK_TOLERANCE_MS: u64 = 2_000;

impl Default for ChainOptions {
    fn default() -> Self {
        Self {
            expected_device: None,
            start: None,
            wall_clock_tolerance_ms: DEFAULT_WALL_CLOCK_TOLERANCE_MS,
            mode: VerifyMode::Strict,
        }
    }
}

/// Something a supervisor should see that does not break the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "anomaly", rename_all = "snake_case")]
pub enum Anomaly {
    /// The wall clock stepped back by more than the tolerance.
    WallClockSteppedBack {
        /// The event whose wall clock is earlier.
        seq: u64,
        /// By how much, in milliseconds.
        by_ms: u64,
    },
    /// The device rebooted between two events.
    Reboot {
        /// First event of the new boot.
        seq: u64,
    },
}

/// What a verified chain holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// The author.
    pub device: DeviceId,
    /// Number of events.
    pub events: u64,
    /// Record hash of the last event.
    pub head_hash: Sha256Hash,
    /// Anomalies found (never failures).
    pub anomalies: Vec<Anomaly>,
}

/// What is wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// The chain is empty.
    Empty,
    /// A record is not a well-formed event.
    Malformed(DecodeError),
    /// The author's key is not a valid public key (weak or malformed).
    BadKey,
    /// The signature does not verify.
    BadSignature,
    /// The payload does not match the hash in the signed header.
    AlteredPayload,
    /// An event of another device.
    WrongAuthor {
        /// The chain's device.
        expected: DeviceId,
        /// The record's device.
        found: DeviceId,
    },
    /// Events are missing: `seq` up to `next_present - 1` (or to the end) are not there.
    Missing {
        /// The first seq present after the gap, if any.
        next_present: Option<u64>,
    },
    /// An event comes before one it should follow.
    Reordered {
        /// The seq found where `seq` was expected.
        found: u64,
    },
    /// The same event appears twice.
    Duplicated,
    /// Two different validly signed events with the same device and seq. Both are kept.
    Fork {
        /// The first record with this seq.
        first: Box<SignedEvent>,
        /// The other record with this seq.
        second: Box<SignedEvent>,
    },
    /// `prev` is not the hash of the previous event.
    BrokenLink,
    /// A segment holds an event at or before the verified head it continues.
    BeforeStart {
        /// The first seq the segment may hold.
        first_seq: u64,
    },
    /// The monotonic clock went backwards within one boot.
    TimeWentBackwards {
        /// By how much, in microseconds.
        by_us: u64,
    },
}

impl FailureKind {
    /// A short stable name: `bad_signature`, `altered_payload`, `missing`, `reordered`,
    /// `duplicated`, `fork`, `broken_link`, `wrong_author`, `malformed`, `bad_key`,
    /// `before_start`, `time_went_backwards`, `empty`.
    pub fn name(&self) -> &'static str {
        match self {
            FailureKind::Empty => "empty",
            FailureKind::Malformed(_) => "malformed",
            FailureKind::BadKey => "bad_key",
            FailureKind::BadSignature => "bad_signature",
            FailureKind::AlteredPayload => "altered_payload",
            FailureKind::WrongAuthor { .. } => "wrong_author",
            FailureKind::Missing { .. } => "missing",
            FailureKind::Reordered { .. } => "reordered",
            FailureKind::Duplicated => "duplicated",
            FailureKind::Fork { .. } => "fork",
            FailureKind::BrokenLink => "broken_link",
            FailureKind::BeforeStart { .. } => "before_start",
            FailureKind::TimeWentBackwards { .. } => "time_went_backwards",
        }
    }
}

/// The first failure of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainFailure {
    /// The first bad seq: where the chain stops being trustworthy.
    pub seq: u64,
    /// Index of the offending record in the input (0-based).
    pub position: usize,
    /// What is wrong.
    pub kind: FailureKind,
}

impl std::error::Error for ChainFailure {}

/// Verifies one device's chain given as records in stream order (as exported).
///
/// Checks each record's structure, payload hash and signature (batch or strict), one author,
/// seq contiguous from 1 in order, each `prev`, the genesis, and the monotonic clock. Returns
/// the first failure in stream order; for one record, a bad signature or altered payload is
/// reported before what its (untrustworthy) header says about its place in the chain.
/// Records are read in place, never copied (except the two kept as evidence of a fork).
pub fn verify_chain<R: AsRef<[u8]>>(
    records: &[R],
    options: &ChainOptions,
) -> Result<ChainReport, ChainFailure> {
    // Pass 1: structure, order and links, without signatures.
    let mut layouts: Vec<Layout> = Vec::with_capacity(records.len());
    let structural = structural_pass(records, options, &mut layouts);
    let structural_failure = match structural {
        Err(failure) if matches!(failure.kind, FailureKind::BadKey | FailureKind::Empty) => {
            return Err(failure)
        }
        other => other,
    };
    // Pass 2: payload hashes and signatures of every record up to (and including) the one
    // that failed structurally; the first bad one in stream order wins.
    if let Some(first_layout) = layouts.first() {
        let first = RecordView::new(records[0].as_ref(), first_layout);
        let author = options.expected_device.unwrap_or(first.device());
        let key = VerifierKey::new(&author).map_err(|_| ChainFailure {
            seq: first.seq(),
            position: 0,
            kind: FailureKind::BadKey,
        })?;
        let views = layouts
            .iter()
            .enumerate()
            .map(|(position, layout)| RecordView::new(records[position].as_ref(), layout));
        if let Some((position, kind)) = first_bad_signature(&key, views, options.mode) {
            let signature_failure = ChainFailure {
                seq: RecordView::new(records[position].as_ref(), &layouts[position]).seq(),
                position,
                kind,
            };
            match &structural_failure {
                Err(failure) if failure.position < position => {}
                _ => return Err(signature_failure),
            }
        }
    }
    structural_failure
}

/// The structure, order and links of [`verify_chain`] (one author, seq contiguous, each
/// `prev`, the monotonic clock, duplicates and forks), without payload hashes and signatures:
/// for a caller that has already checked every record with [`SignedEvent::verify`] (the
/// ledger does, on every core, before it takes its ingest lock). On records whose payloads
/// and signatures are all valid, the verdict is exactly [`verify_chain`]'s.
pub fn verify_chain_links<R: AsRef<[u8]>>(
    records: &[R],
    options: &ChainOptions,
) -> Result<ChainReport, ChainFailure> {
    let mut layouts: Vec<Layout> = Vec::with_capacity(records.len());
    structural_pass(records, options, &mut layouts)
}

/// The first record (in order) whose payload was altered or whose signature fails, among
/// records by `key`'s device; stops at the first record of another device.
fn first_bad_signature<'a>(
    key: &VerifierKey,
    views: impl Iterator<Item = RecordView<'a>>,
    mode: VerifyMode,
) -> Option<(usize, FailureKind)> {
    let author = key.device_id();
    let mut chunk: Vec<RecordView<'a>> = Vec::with_capacity(MAX_BATCH);
    let mut base = 0usize;
    let mut views = views.peekable();
    loop {
        chunk.clear();
        // Fill a chunk with records by the author whose payload is intact.
        let mut stop: Option<(usize, Option<FailureKind>)> = None;
        while chunk.len() < MAX_BATCH {
            let Some(view) = views.next() else { break };
            let position = base + chunk.len();
            if view.device() != author {
                // Reported by the structural pass as a wrong author.
                stop = Some((position, None));
                break;
            }
            if !view.payload_intact() {
                stop = Some((position, Some(FailureKind::AlteredPayload)));
                break;
            }
            chunk.push(view);
        }
        let bad = match mode {
            VerifyMode::Strict => chunk.iter().position(|view| {
                key.verify_strict(view.header_bytes(), view.signature())
                    .is_err()
            }),
            VerifyMode::Batch => {
                let items: Vec<(&[u8], &[u8; 64])> = chunk
                    .iter()
                    .map(|view| (view.header_bytes(), view.signature()))
                    .collect();
                verify_batch(key, &items).err()
            }
        };
        if let Some(index) = bad {
            return Some((base + index, FailureKind::BadSignature));
        }
        if let Some((position, kind)) = stop {
            return kind.map(|kind| (position, kind));
        }
        // No more records: every signature verified.
        views.peek()?;
        base += chunk.len();
    }
}

fn structural_pass<R: AsRef<[u8]>>(
    records: &[R],
    options: &ChainOptions,
    layouts: &mut Vec<Layout>,
) -> Result<ChainReport, ChainFailure> {
    let fail = |seq: u64, position: usize, kind: FailureKind| {
        Err(ChainFailure {
            seq,
            position,
            kind,
        })
    };
    if records.is_empty() {
        return fail(1, 0, FailureKind::Empty);
    }
    let mut author: Option<DeviceId> = options.expected_device;
    let first_seq = options
        .start
        .map_or(1, |start| start.head_seq.saturating_add(1));
    let mut expected: u64 = first_seq;
    // accepted[seq - 1] = position of the record accepted with that seq.
    let mut accepted: Vec<usize> = Vec::with_capacity(records.len());
    let mut anomalies = Vec::new();
    let mut last_time: Option<Timestamp> = None;
    let mut last_hash = options
        .start
        .map_or(Sha256Hash::ZERO, |start| start.head_hash);
    for (position, record) in records.iter().enumerate() {
        let bytes = record.as_ref();
        let layout = match crate::event::parse(bytes) {
            Ok(layout) => layout,
            Err(error) => return fail(expected, position, FailureKind::Malformed(error)),
        };
        layouts.push(layout);
        let view = RecordView::new(bytes, &layouts[position]);
        let seq = view.seq();
        let device = view.device();
        match author {
            None => author = Some(device),
            Some(expected_device) if expected_device != device => {
                return fail(
                    seq,
                    position,
                    FailureKind::WrongAuthor {
                        expected: expected_device,
                        found: device,
                    },
                )
            }
            Some(_) => {}
        }
        if position == 0 && VerifierKey::new(&device).is_err() {
            return fail(seq, position, FailureKind::BadKey);
        }
        if seq < first_seq {
            // At or before the verified head this segment continues.
            return fail(seq, position, FailureKind::BeforeStart { first_seq });
        }
        if seq < expected {
            // A seq already accepted: a copy, or a fork.
            let earlier = records[accepted[(seq - first_seq) as usize]].as_ref();
            if earlier == bytes {
                return fail(seq, position, FailureKind::Duplicated);
            }
            let evidence = |bytes: &[u8]| SignedEvent::from_bytes(bytes.to_vec()).map(Box::new);
            let kind = match (evidence(earlier), evidence(bytes)) {
                (Ok(first), Ok(second)) => FailureKind::Fork { first, second },
                (Err(error), _) | (_, Err(error)) => FailureKind::Malformed(error),
            };
            return fail(seq, position, kind);
        }
        if seq > expected {
            // Is the expected one further on (reordered) or nowhere (missing)?
            let later = records[position + 1..].iter().any(|other| {
                let other = other.as_ref();
                crate::event::parse(other)
                    .map(|layout| {
                        let view = RecordView::new(other, &layout);
                        view.seq() == expected && view.device() == device
                    })
                    .unwrap_or(false)
            });
            let kind = if later {
                FailureKind::Reordered { found: seq }
            } else {
                FailureKind::Missing {
                    next_present: Some(seq),
                }
            };
            return fail(expected, position, kind);
        }
        // seq == expected.
        if seq > 1 && view.prev_raw() != last_hash {
            // For the first record of a segment, `last_hash` is the verified head's hash.
            return fail(seq, position, FailureKind::BrokenLink);
        }
        let now = view.timestamp();
        if let Some(before) = last_time {
            if before.boot_id == now.boot_id {
                if now.since_boot_us < before.since_boot_us {
                    return fail(
                        seq,
                        position,
                        FailureKind::TimeWentBackwards {
                            by_us: before.since_boot_us - now.since_boot_us,
                        },
                    );
                }
            } else {
                anomalies.push(Anomaly::Reboot { seq });
            }
            let back_ms = before.wall_unix_ms.saturating_sub(now.wall_unix_ms);
            if back_ms > 0 && back_ms as u64 > options.wall_clock_tolerance_ms {
                anomalies.push(Anomaly::WallClockSteppedBack {
                    seq,
                    by_ms: back_ms as u64,
                });
            }
        }
        last_time = Some(now);
        last_hash = view.record_hash();
        accepted.push(position);
        expected += 1;
    }
    Ok(ChainReport {
        device: author.unwrap_or(DeviceId([0; 32])),
        events: expected - first_seq,
        head_hash: last_hash,
        anomalies,
    })
}

/// Verifies many independent events, possibly of different devices (the ledger's intake).
/// Returns the index and error of the first that fails.
pub fn verify_events(events: &[SignedEvent]) -> Result<(), (usize, VerifyError)> {
    let mut start = 0;
    while start < events.len() {
        let device = events[start].device();
        let end = events[start..]
            .iter()
            .position(|event| event.device() != device)
            .map_or(events.len(), |offset| start + offset);
        let key = VerifierKey::new(&device).map_err(|error| (start, error))?;
        for (offset, event) in events[start..end].iter().enumerate() {
            if !event.payload_intact() {
                return Err((start + offset, VerifyError::AlteredPayload));
            }
        }
        let items: Vec<(&[u8], &[u8; 64])> = events[start..end]
            .iter()
            .map(|event| (event.header_bytes(), event.signature()))
            .collect();
        verify_batch(&key, &items).map_err(|offset| (start + offset, VerifyError::BadSignature))?;
        start = end;
    }
    Ok(())
}

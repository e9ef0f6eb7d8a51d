//! A device's chain: writing it ([`ChainWriter`]) and verifying it ([`verify_chain`]).
//!
//! A chain is the events of one device, seq 1, 2, 3 ... with no gap, each `prev` the
//! SHA-256 of the previous whole signed record, seq 1 a device enrollment. Verification
//! reports the first failure (in the order the records were given) with the seq where the
//! chain breaks and what is wrong. A wall clock that steps backwards is an anomaly, reported
//! but not a failure: order comes from `seq`. The monotonic clock (time since boot) going
//! backwards within one boot is a failure.

use std::fmt;

use serde::Serialize;

use crate::error::{DecodeError, EncodeError, VerifyError};
use crate::event::{Clock, SignedEvent, Timestamp, UnsignedEvent};
use crate::key::{verify_batch, DeviceKey, VerifierKey, VerifyMode};
use crate::payload::{DeviceEnrolled, Payload};
use crate::types::{DeviceId, Sha256Hash};

/// Appends events to one device's chain: numbers them, links them and signs them.
///
/// It holds the head in memory only; whoever stores the events (the replica) must store
/// each returned event before handing out the next one, and must check the key file's seq
/// reservation ([`crate::SeqReservation`]) before signing.
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
    /// How far the wall clock may step back before it is reported as an anomaly.
    pub wall_clock_tolerance_ms: u64,
    /// Strict (the default: exactly `verify_strict` on every event) or batch signature checks.
    pub mode: VerifyMode,
}

/// The stated tolerance for a wall clock step back: 2 seconds (NTP slews and leap smears stay
/// well within it).
pub const DEFAULT_WALL_CLOCK_TOLERANCE_MS: u64 = 2_000;

impl Default for ChainOptions {
    fn default() -> Self {
        Self {
            expected_device: None,
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

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Anomaly::WallClockSteppedBack { seq, by_ms } => write!(
                f,
                "event {seq}: the device's clock went back {by_ms} ms (order comes from the sequence number, the chain is intact)"
            ),
            Anomaly::Reboot { seq } => write!(f, "event {seq}: first event after a reboot"),
        }
    }
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
    /// The monotonic clock went backwards within one boot.
    TimeWentBackwards {
        /// By how much, in microseconds.
        by_us: u64,
    },
}

impl FailureKind {
    /// A short stable name: `bad_signature`, `altered_payload`, `missing`, `reordered`,
    /// `duplicated`, `fork`, `broken_link`, `wrong_author`, `malformed`, `bad_key`,
    /// `time_went_backwards`, `empty`.
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

impl fmt::Display for ChainFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq;
        let n = self.position + 1;
        match &self.kind {
            FailureKind::Empty => write!(f, "the log holds no events"),
            FailureKind::Malformed(error) => {
                write!(f, "record {n} (where event {seq} should be) is damaged: {error}")
            }
            FailureKind::BadKey => write!(f, "event {seq}: the device key is not a valid public key"),
            FailureKind::BadSignature => write!(f, "event {seq}: bad signature (the signed header was altered or not signed by this device)"),
            FailureKind::AlteredPayload => write!(f, "event {seq}: altered payload (its content does not match what the device signed)"),
            FailureKind::WrongAuthor { expected, found } => write!(
                f,
                "event {seq}: signed by device {found}, but this chain belongs to device {expected}"
            ),
            FailureKind::Missing { next_present: Some(next) } if *next > seq + 1 => {
                write!(f, "events {seq} to {} are missing", next - 1)
            }
            FailureKind::Missing { .. } => write!(f, "event {seq} is missing"),
            FailureKind::Reordered { found } => write!(
                f,
                "event {found} comes before event {seq}: the events are out of order"
            ),
            FailureKind::Duplicated => write!(f, "event {seq} appears twice"),
            FailureKind::Fork { first, second } => write!(
                f,
                "fork at event {seq}: the device signed two different events with this number (records {} and {}); both are kept as evidence",
                first.record_hash(),
                second.record_hash()
            ),
            FailureKind::BrokenLink => write!(
                f,
                "event {seq} does not follow event {}: its link to the previous event does not match",
                seq.saturating_sub(1)
            ),
            FailureKind::TimeWentBackwards { by_us } => write!(
                f,
                "event {seq}: the time since boot went back {by_us} µs within one boot"
            ),
        }
    }
}

impl std::error::Error for ChainFailure {}

/// Verifies one device's chain given as records in stream order (as exported).
///
/// Checks each record's structure, payload hash and signature (batch or strict), one author,
/// seq contiguous from 1 in order, each `prev`, the genesis, and the monotonic clock. Returns
/// the first failure in stream order; for one record, a bad signature or altered payload is
/// reported before what its (untrustworthy) header says about its place in the chain.
pub fn verify_chain<R: AsRef<[u8]>>(
    records: &[R],
    options: &ChainOptions,
) -> Result<ChainReport, ChainFailure> {
    // Pass 1: structure, order and links, without signatures.
    let mut parsed: Vec<SignedEvent> = Vec::with_capacity(records.len());
    let structural = structural_pass(records, options, &mut parsed);
    let (limit, structural_failure) = match structural {
        Ok(report) => (parsed.len(), Ok(report)),
        Err((failure, _)) if matches!(failure.kind, FailureKind::BadKey) => return Err(failure),
        Err((failure, checked)) => (checked, Err(failure)),
    };
    // Pass 2: payload hashes and signatures of every record up to (and including) the one
    // that failed structurally; the first bad one in stream order wins.
    if let Some(first) = parsed.first() {
        let key =
            VerifierKey::new(&options.expected_device.unwrap_or(first.device())).map_err(|_| {
                ChainFailure {
                    seq: first.seq(),
                    position: 0,
                    kind: FailureKind::BadKey,
                }
            })?;
        let upto = limit.min(parsed.len());
        if let Some((position, kind)) = first_bad_signature(&key, &parsed[..upto], options.mode) {
            let signature_failure = ChainFailure {
                seq: parsed[position].seq(),
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

fn first_bad_signature(
    key: &VerifierKey,
    events: &[SignedEvent],
    mode: VerifyMode,
) -> Option<(usize, FailureKind)> {
    let author = key.device_id();
    // Payload hashes and authorship first: cheap, and tell an altered payload apart.
    let mut first_payload = None;
    for (position, event) in events.iter().enumerate() {
        if event.device() != author {
            // Reported by the structural pass as a wrong author; its signature is not ours
            // to check.
            first_payload = Some(position);
            break;
        }
        if !event.payload_intact() {
            first_payload = Some(position);
            break;
        }
    }
    let upto = first_payload.map_or(events.len(), |position| position);
    let first_signature = match mode {
        VerifyMode::Strict => events[..upto].iter().position(|event| {
            key.verify_strict(event.header_bytes(), event.signature())
                .is_err()
        }),
        VerifyMode::Batch => {
            let items: Vec<(&[u8], &[u8; 64])> = events[..upto]
                .iter()
                .map(|event| (event.header_bytes(), event.signature()))
                .collect();
            verify_batch(key, &items).err()
        }
    };
    match (first_signature, first_payload) {
        (Some(position), _) => Some((position, FailureKind::BadSignature)),
        (None, Some(position)) if events[position].device() == author => {
            Some((position, FailureKind::AlteredPayload))
        }
        _ => None,
    }
}

type StructuralResult = Result<ChainReport, (ChainFailure, usize)>;

fn structural_pass<R: AsRef<[u8]>>(
    records: &[R],
    options: &ChainOptions,
    parsed: &mut Vec<SignedEvent>,
) -> StructuralResult {
    let fail = |seq: u64, position: usize, kind: FailureKind| {
        Err((
            ChainFailure {
                seq,
                position,
                kind,
            },
            position + 1,
        ))
    };
    if records.is_empty() {
        return fail(1, 0, FailureKind::Empty);
    }
    let mut author: Option<DeviceId> = options.expected_device;
    let mut expected: u64 = 1;
    // accepted[seq - 1] = index in `parsed` of the event accepted with that seq.
    let mut accepted: Vec<usize> = Vec::with_capacity(records.len());
    let mut anomalies = Vec::new();
    let mut last_time: Option<Timestamp> = None;
    for (position, record) in records.iter().enumerate() {
        let event = match SignedEvent::from_bytes(record.as_ref().to_vec()) {
            Ok(event) => event,
            Err(error) => return fail(expected, position, FailureKind::Malformed(error)),
        };
        let seq = event.seq();
        let device = event.device();
        parsed.push(event);
        let event = &parsed[position];
        match author {
            None => {
                author = Some(device);
            }
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
        if seq < expected {
            // A seq already accepted: a copy, or a fork.
            let earlier_index = accepted[(seq - 1) as usize];
            let earlier = &parsed[earlier_index];
            if earlier.as_bytes() == event.as_bytes() {
                return fail(seq, position, FailureKind::Duplicated);
            }
            let first = Box::new(earlier.clone());
            let second = Box::new(event.clone());
            return fail(seq, position, FailureKind::Fork { first, second });
        }
        if seq > expected {
            // Is the expected one further on (reordered) or nowhere (missing)?
            let later = records[position + 1..].iter().any(|other| {
                SignedEvent::from_bytes(other.as_ref().to_vec())
                    .map(|other| other.seq() == expected && other.device() == device)
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
        if seq > 1 {
            let previous = &parsed[accepted[(seq - 2) as usize]];
            if event.prev() != Some(previous.record_hash()) {
                return fail(seq, position, FailureKind::BrokenLink);
            }
        }
        let now = event.timestamp();
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
        accepted.push(position);
        expected += 1;
    }
    let last = &parsed[parsed.len() - 1];
    Ok(ChainReport {
        device: author.unwrap_or(last.device()),
        events: expected - 1,
        head_hash: last.record_hash(),
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

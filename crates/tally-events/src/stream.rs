//! [`ChainVerifier`]: verifies one device's chain record by record, as a stream is read, in
//! memory bounded by one batch of records (one record in strict mode) whatever the length of
//! the chain.
//!
//! It reaches exactly the verdict of [`crate::verify_chain`] on the same records (a property
//! test holds them to it). The two things that need more than the current record are asked
//! of the caller instead of kept in memory: the earlier record with the same seq, to tell a
//! duplicate from a fork ([`EarlierRecord`]); and whether a missing seq appears further on
//! (reordered) or nowhere (missing), which the verifier decides by reading on, parsing only,
//! after the failure.

use crate::chain::{Anomaly, ChainFailure, ChainOptions, ChainReport, FailureKind};
use crate::error::DecodeError;
use crate::event::{parse, Layout, RecordView, SignedEvent, Timestamp};
use crate::key::{verify_batch, VerifierKey, VerifyMode, MAX_BATCH};
use crate::types::{DeviceId, Sha256Hash};

/// Gives back a record already handed to the verifier, by its 0-based position in the
/// stream (a file is read again; a slice is indexed). Needed only when a seq appears twice.
pub trait EarlierRecord {
    /// The record at `position`, or `None` if it cannot be read again.
    fn record_at(&mut self, position: usize) -> Option<Vec<u8>>;
}

impl<R: AsRef<[u8]>> EarlierRecord for &[R] {
    fn record_at(&mut self, position: usize) -> Option<Vec<u8>> {
        self.get(position).map(|record| record.as_ref().to_vec())
    }
}

impl<F: FnMut(usize) -> Option<Vec<u8>>> EarlierRecord for F {
    fn record_at(&mut self, position: usize) -> Option<Vec<u8>> {
        self(position)
    }
}

/// What the caller should do after [`ChainVerifier::push`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Hand in the next record (or call [`ChainVerifier::finish`] at the end of the stream).
    More,
    /// The verdict is known: stop reading and call [`ChainVerifier::finish`].
    Done,
}

#[derive(Debug)]
enum State {
    Verifying,
    /// A gap was found; reading on (parsing only) to see whether the missing seq comes later.
    LookingFor {
        seq: u64,
        device: DeviceId,
        failure: ChainFailure,
    },
    Finished(Result<(), ChainFailure>),
}

/// Verifies a chain record by record. See the module documentation.
pub struct ChainVerifier<E: EarlierRecord> {
    options: ChainOptions,
    earlier: E,
    first_seq: u64,
    expected: u64,
    author: Option<DeviceId>,
    key: Option<VerifierKey>,
    last_hash: Sha256Hash,
    last_time: Option<Timestamp>,
    anomalies: Vec<Anomaly>,
    position: usize,
    /// Records that passed the structural checks and wait for their signature check:
    /// (position, seq, bytes, layout).
    pending: Vec<(usize, u64, Vec<u8>, Layout)>,
    state: State,
}

impl<E: EarlierRecord> std::fmt::Debug for ChainVerifier<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainVerifier")
            .field("position", &self.position)
            .field("expected", &self.expected)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<E: EarlierRecord> ChainVerifier<E> {
    /// A verifier for a chain (or a segment, with [`ChainOptions::start`]).
    pub fn new(options: ChainOptions, earlier: E) -> Self {
        let first_seq = options
            .start
            .map_or(1, |start| start.head_seq.saturating_add(1));
        let last_hash = options
            .start
            .map_or(Sha256Hash::ZERO, |start| start.head_hash);
        Self {
            author: options.expected_device,
            options,
            earlier,
            first_seq,
            expected: first_seq,
            key: None,
            last_hash,
            last_time: None,
            anomalies: Vec::new(),
            position: 0,
            pending: Vec::new(),
            state: State::Verifying,
        }
    }

    /// Records handed in so far.
    pub fn records_seen(&self) -> usize {
        self.position
    }

    /// Hands in the next record of the stream.
    pub fn push(&mut self, record: Vec<u8>) -> Next {
        let position = self.position;
        self.position += 1;
        match &self.state {
            State::Finished(_) => Next::Done,
            State::LookingFor { seq, device, .. } => {
                let (seq, device) = (*seq, *device);
                let found = parse(&record)
                    .map(|layout| {
                        let view = RecordView::new(&record, &layout);
                        view.seq() == seq && view.device() == device
                    })
                    .unwrap_or(false);
                if found {
                    let State::LookingFor { mut failure, .. } =
                        std::mem::replace(&mut self.state, State::Verifying)
                    else {
                        return Next::Done;
                    };
                    if let FailureKind::Missing {
                        next_present: Some(found),
                    } = failure.kind
                    {
                        failure.kind = FailureKind::Reordered { found };
                    }
                    self.state = State::Finished(Err(failure));
                    return Next::Done;
                }
                Next::More
            }
            State::Verifying => self.verify_one(position, record),
        }
    }

    /// The verdict, once the stream has ended (or [`Next::Done`] was returned).
    pub fn finish(mut self) -> Result<ChainReport, ChainFailure> {
        let state = std::mem::replace(&mut self.state, State::Verifying);
        match state {
            State::Finished(Err(failure)) | State::LookingFor { failure, .. } => Err(failure),
            State::Finished(Ok(())) | State::Verifying => {
                if self.position == 0 {
                    return Err(ChainFailure {
                        seq: 1,
                        position: 0,
                        kind: FailureKind::Empty,
                    });
                }
                if let Some(failure) = self.flush() {
                    return Err(failure);
                }
                Ok(ChainReport {
                    device: self.author.unwrap_or(DeviceId([0; 32])),
                    events: self.expected - self.first_seq,
                    head_hash: self.last_hash,
                    anomalies: std::mem::take(&mut self.anomalies),
                })
            }
        }
    }

    fn stop(&mut self, failure: ChainFailure) -> Next {
        self.state = State::Finished(Err(failure));
        Next::Done
    }

    /// A structural failure at the current record: an earlier (or same-position) bad
    /// signature wins, else this failure stands.
    fn structural(&mut self, failure: ChainFailure) -> Next {
        if let Some(signature) = self.flush() {
            return self.stop(signature);
        }
        self.stop(failure)
    }

    fn verify_one(&mut self, position: usize, record: Vec<u8>) -> Next {
        let expected = self.expected;
        let fail = |seq: u64, kind: FailureKind| ChainFailure {
            seq,
            position,
            kind,
        };
        let layout = match parse(&record) {
            Ok(layout) => layout,
            Err(error) => return self.structural(fail(expected, FailureKind::Malformed(error))),
        };
        let view = RecordView::new(&record, &layout);
        let seq = view.seq();
        let device = view.device();
        let intact = view.payload_intact();
        // The structural checks, in the order of `verify_chain`.
        let mut structural: Option<ChainFailure> = None;
        let mut by_author = true;
        match self.author {
            None => self.author = Some(device),
            Some(author) if author != device => {
                by_author = false;
                structural = Some(fail(
                    seq,
                    FailureKind::WrongAuthor {
                        expected: author,
                        found: device,
                    },
                ));
            }
            Some(_) => {}
        }
        if structural.is_none() && position == 0 && VerifierKey::new(&device).is_err() {
            return self.stop(fail(seq, FailureKind::BadKey));
        }
        if position == 0 {
            let author = self.options.expected_device.unwrap_or(device);
            match VerifierKey::new(&author) {
                Ok(key) => self.key = Some(key),
                Err(_) => return self.stop(fail(seq, FailureKind::BadKey)),
            }
        }
        let mut lookahead = false;
        if structural.is_none() {
            structural = if seq < self.first_seq {
                Some(fail(
                    seq,
                    FailureKind::BeforeStart {
                        first_seq: self.first_seq,
                    },
                ))
            } else if seq < expected {
                Some(fail(seq, self.same_seq(seq, &record)))
            } else if seq > expected {
                lookahead = true;
                Some(fail(
                    expected,
                    FailureKind::Missing {
                        next_present: Some(seq),
                    },
                ))
            } else if seq > 1 && view.prev_raw() != self.last_hash {
                Some(fail(seq, FailureKind::BrokenLink))
            } else {
                self.clock_checks(seq, view.timestamp())
                    .map(|kind| fail(seq, kind))
            };
        }
        // The signature class: an altered payload or bad signature at or before this record
        // is reported before what its header says about its place in the chain.
        if by_author {
            if !intact {
                if let Some(signature) = self.flush() {
                    return self.stop(signature);
                }
                return self.stop(fail(seq, FailureKind::AlteredPayload));
            }
            let record_hash = view.record_hash();
            self.pending.push((position, seq, record, layout));
            if structural.is_none() {
                self.last_hash = record_hash;
                self.expected += 1;
            }
        }
        match structural {
            Some(failure) if lookahead => {
                if let Some(signature) = self.flush() {
                    return self.stop(signature);
                }
                self.state = State::LookingFor {
                    seq: expected,
                    device,
                    failure,
                };
                Next::More
            }
            Some(failure) => self.structural(failure),
            None => {
                let full = match self.options.mode {
                    VerifyMode::Strict => true,
                    VerifyMode::Batch => self.pending.len() >= MAX_BATCH,
                };
                if full {
                    if let Some(signature) = self.flush() {
                        return self.stop(signature);
                    }
                }
                Next::More
            }
        }
    }

    /// Duplicate or fork: compares with the record accepted earlier with the same seq.
    fn same_seq(&mut self, seq: u64, record: &[u8]) -> FailureKind {
        // Every record before a failure was accepted in order, so seq s sits at position
        // s - first_seq.
        let earlier_position = (seq - self.first_seq) as usize;
        let earlier = self
            .pending
            .iter()
            .find(|(position, ..)| *position == earlier_position)
            .map(|(_, _, bytes, _)| bytes.clone())
            .or_else(|| self.earlier.record_at(earlier_position));
        let Some(earlier) = earlier else {
            return FailureKind::Malformed(DecodeError::Truncated {
                offset: 0,
                wanted: 1,
                available: 0,
            });
        };
        if earlier == record {
            return FailureKind::Duplicated;
        }
        let evidence = |bytes: &[u8]| SignedEvent::from_bytes(bytes.to_vec()).map(Box::new);
        match (evidence(&earlier), evidence(record)) {
            (Ok(first), Ok(second)) => FailureKind::Fork { first, second },
            (Err(error), _) | (_, Err(error)) => FailureKind::Malformed(error),
        }
    }

    fn clock_checks(&mut self, seq: u64, now: Timestamp) -> Option<FailureKind> {
        if let Some(before) = self.last_time {
            if before.boot_id == now.boot_id {
                if now.since_boot_us < before.since_boot_us {
                    return Some(FailureKind::TimeWentBackwards {
                        by_us: before.since_boot_us - now.since_boot_us,
                    });
                }
            } else {
                self.anomalies.push(Anomaly::Reboot { seq });
            }
            let back_ms = before.wall_unix_ms.saturating_sub(now.wall_unix_ms);
            if back_ms > 0 && back_ms as u64 > self.options.wall_clock_tolerance_ms {
                self.anomalies.push(Anomaly::WallClockSteppedBack {
                    seq,
                    by_ms: back_ms as u64,
                });
            }
        }
        self.last_time = Some(now);
        None
    }

    /// Checks the signatures of the pending records; the first bad one, if any.
    fn flush(&mut self) -> Option<ChainFailure> {
        let pending = std::mem::take(&mut self.pending);
        let key = self.key.as_ref()?;
        let views: Vec<RecordView<'_>> = pending
            .iter()
            .map(|(_, _, bytes, layout)| RecordView::new(bytes, layout))
            .collect();
        let bad = match self.options.mode {
            VerifyMode::Strict => views.iter().position(|view| {
                key.verify_strict(view.header_bytes(), view.signature())
                    .is_err()
            }),
            VerifyMode::Batch => {
                let items: Vec<(&[u8], &[u8; 64])> = views
                    .iter()
                    .map(|view| (view.header_bytes(), view.signature()))
                    .collect();
                verify_batch(key, &items).err()
            }
        };
        bad.map(|index| ChainFailure {
            seq: pending[index].1,
            position: pending[index].0,
            kind: FailureKind::BadSignature,
        })
    }
}

//! The trailer that ends an export stream of version 2: how many records it holds and which
//! record is its head, vouched for by the device (a domain signature under the trailer's label)
//! or by the ledger (its signed checkpoint and an inclusion proof of the head record).
//!
//! Without a trailer, an export cut at a record boundary looks whole. With it, a cut export
//! lacks its trailer (reported as truncated), and a trailer cannot be forged for a shorter
//! export without the device key or the ledger's log.
//!
//! ```text
//! device: "TLXT" ‖ version u8 = 1 ‖ variant u8 = 1 ‖ device key (32) ‖ records u64
//!         ‖ head_seq u64 ‖ head record hash (32) ‖ ed25519 signature (64) over all before it
//! ledger: "TLXT" ‖ version u8 = 1 ‖ variant u8 = 2 ‖ records u64 ‖ head record hash (32)
//!         ‖ log_index u64 ‖ checkpoint_len u16 ‖ checkpoint (signed note text)
//!         ‖ proof_len u8 ‖ proof_len × 32-byte hashes (RFC 6962 inclusion proof)
//! ```
//!
//! The device signs the trailer through [`crate::domain`]: the signed bytes are `TALLYSIG` ‖
//! label ‖ the trailer's bytes (`TLXT` ...), and an event's signature is over bytes that start
//! with `TLEV` (its header): neither can ever pass for the other.

use thiserror::Error;

use crate::domain::{verify_domain, DomainSigner};
use crate::error::DecodeError;
use crate::key::DeviceKey;
use crate::merkle::{self, InclusionError};
use crate::note::{Checkpoint, NoteError, NoteVerifier, SignedNote, MAX_NOTE_BYTES};
use crate::types::{DeviceId, Sha256Hash};
use crate::wire::{Reader, Wire};

/// The four bytes every trailer (and every message a trailer signature covers) starts with.
pub const TRAILER_MAGIC: [u8; 4] = *b"TLXT";
/// The trailer format version.
pub const TRAILER_VERSION: u8 = 1;
/// Largest trailer, in bytes.
pub const MAX_TRAILER_BYTES: usize =
    8 + 8 + 32 + 8 + 2 + MAX_NOTE_BYTES + 1 + 32 * MAX_PROOF_HASHES;
/// Most hashes in an inclusion proof (a tree of up to 2^63 entries).
pub const MAX_PROOF_HASHES: usize = 63;
const VARIANT_DEVICE: u8 = 1;
const VARIANT_LEDGER: u8 = 2;
/// Length of the signed part of a device trailer.
const DEVICE_SIGNED_BYTES: usize = 4 + 1 + 1 + 32 + 8 + 8 + 32;

/// Who vouches for an export's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trailer {
    /// The device that signed the events (a device export).
    Device(DeviceTrailer),
    /// The ledger (a ledger export).
    Ledger(LedgerTrailer),
}

/// A device export's trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceTrailer {
    /// The device whose key signed it.
    pub device: DeviceId,
    /// Records in the export.
    pub records: u64,
    /// Seq of the last record (0 when there is none).
    pub head_seq: u64,
    /// Record hash of the last record (zeros when there is none).
    pub head_hash: Sha256Hash,
    /// ed25519 signature over the trailer's first 86 bytes.
    pub signature: [u8; 64],
}

/// A ledger export's trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTrailer {
    /// Records in the export.
    pub records: u64,
    /// Record hash of the last record.
    pub head_hash: Sha256Hash,
    /// Index of the last record's entry in the ledger's log.
    pub log_index: u64,
    /// The ledger's checkpoint: a C2SP signed note.
    pub checkpoint: String,
    /// RFC 6962 inclusion proof of the last record's entry in the checkpoint's tree.
    pub proof: Vec<Sha256Hash>,
}

/// Why a trailer does not vouch for the export it ends.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrailerError {
    /// The trailer bytes do not parse.
    Malformed(DecodeError),
    /// The trailer was not signed by the device that signed the events.
    WrongDevice {
        /// The events' device.
        expected: DeviceId,
        /// The trailer's device.
        found: DeviceId,
    },
    /// The device's signature over the trailer does not verify.
    BadSignature,
    /// The trailer counts other records than the export holds.
    Mismatch {
        /// Records the trailer claims.
        claimed: u64,
        /// Head seq the trailer claims (0 for a ledger trailer).
        claimed_seq: u64,
        /// Records read.
        found: u64,
        /// Seq of the last record read.
        found_seq: u64,
    },
    /// The trailer's head hash is not the last record's hash.
    WrongHead {
        /// Head hash in the trailer.
        claimed: Sha256Hash,
        /// Hash of the last record.
        found: Sha256Hash,
    },
    /// The ledger's checkpoint is not valid or not signed by the given ledger key.
    Checkpoint(NoteError),
    /// The inclusion proof fails.
    Inclusion(InclusionError),
}

/// The domain label the device signs a trailer under (`crate::domain`): what is signed is
/// `TALLYSIG` ‖ label ‖ the trailer's first 86 bytes (which start with `TLXT`), never an
/// event header (`TLEV`).
pub const TRAILER_DOMAIN: &str = "tally.export-trailer.v1";

impl DeviceTrailer {
    fn signed_bytes(
        device: &DeviceId,
        records: u64,
        head_seq: u64,
        head_hash: &Sha256Hash,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(DEVICE_SIGNED_BYTES);
        out.extend_from_slice(&TRAILER_MAGIC);
        out.push(TRAILER_VERSION);
        out.push(VARIANT_DEVICE);
        out.extend_from_slice(device.as_bytes());
        out.extend_from_slice(&records.to_be_bytes());
        out.extend_from_slice(&head_seq.to_be_bytes());
        out.extend_from_slice(head_hash.as_bytes());
        out
    }

    /// Signs a trailer for an export of `records` records ending with (`head_seq`,
    /// `head_hash`), under [`TRAILER_DOMAIN`].
    pub fn sign(key: &DeviceKey, records: u64, head_seq: u64, head_hash: Sha256Hash) -> Self {
        Self::sign_with(
            &DomainSigner::new(key.clone()),
            records,
            head_seq,
            head_hash,
        )
    }

    /// [`DeviceTrailer::sign`] with a key that can only sign under domain labels (what a
    /// process beside the recording app holds).
    pub fn sign_with(
        signer: &DomainSigner,
        records: u64,
        head_seq: u64,
        head_hash: Sha256Hash,
    ) -> Self {
        let device = signer.device_id();
        let message = Self::signed_bytes(&device, records, head_seq, &head_hash);
        // The label is a valid constant: signing under it cannot fail.
        let signature = signer.sign(TRAILER_DOMAIN, &message).unwrap_or([0u8; 64]);
        Self {
            device,
            records,
            head_seq,
            head_hash,
            signature,
        }
    }

    /// The bytes the signature covers.
    pub fn message(&self) -> Vec<u8> {
        Self::signed_bytes(&self.device, self.records, self.head_seq, &self.head_hash)
    }

    /// Checks the signature (strictly, under [`TRAILER_DOMAIN`]) with the trailer's own device
    /// key.
    pub fn verify_signature(&self) -> Result<(), TrailerError> {
        verify_domain(
            &self.device,
            TRAILER_DOMAIN,
            &self.message(),
            &self.signature,
        )
        .map_err(|_| TrailerError::BadSignature)
    }
}

/// What the export held, to check a trailer against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportEnd<'a> {
    /// The device of the events (for a device export).
    pub device: Option<DeviceId>,
    /// Records read.
    pub records: u64,
    /// Seq of the last record (0 if none).
    pub head_seq: u64,
    /// The last record's bytes (empty if none).
    pub head_record: &'a [u8],
}

impl Trailer {
    /// Encodes the trailer.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Trailer::Device(trailer) => {
                let mut out = trailer.message();
                out.extend_from_slice(&trailer.signature);
                out
            }
            Trailer::Ledger(trailer) => {
                let mut out = Vec::new();
                out.extend_from_slice(&TRAILER_MAGIC);
                out.push(TRAILER_VERSION);
                out.push(VARIANT_LEDGER);
                out.extend_from_slice(&trailer.records.to_be_bytes());
                out.extend_from_slice(trailer.head_hash.as_bytes());
                out.extend_from_slice(&trailer.log_index.to_be_bytes());
                let note = trailer.checkpoint.as_bytes();
                let note_len = note.len().min(MAX_NOTE_BYTES);
                out.extend_from_slice(&(note_len as u16).to_be_bytes());
                out.extend_from_slice(&note[..note_len]);
                let proof_len = trailer.proof.len().min(MAX_PROOF_HASHES);
                out.push(proof_len as u8);
                for hash in &trailer.proof[..proof_len] {
                    out.extend_from_slice(hash.as_bytes());
                }
                out
            }
        }
    }

    /// Decodes a trailer; it must use every byte.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes);
        if reader.array::<4>()? != TRAILER_MAGIC {
            return Err(DecodeError::BadTrailer);
        }
        let version = u8::decode(&mut reader)?;
        if version != TRAILER_VERSION {
            return Err(DecodeError::BadTrailer);
        }
        let trailer = match u8::decode(&mut reader)? {
            VARIANT_DEVICE => Trailer::Device(DeviceTrailer {
                device: DeviceId(reader.array()?),
                records: u64::decode(&mut reader)?,
                head_seq: u64::decode(&mut reader)?,
                head_hash: Sha256Hash(reader.array()?),
                signature: reader.array()?,
            }),
            VARIANT_LEDGER => {
                let records = u64::decode(&mut reader)?;
                let head_hash = Sha256Hash(reader.array()?);
                let log_index = u64::decode(&mut reader)?;
                let offset = reader.offset();
                let note_len = reader.length::<u16>("checkpoint", MAX_NOTE_BYTES)?;
                let checkpoint = std::str::from_utf8(reader.take(note_len)?)
                    .map_err(|_| DecodeError::BadUtf8 { offset })?
                    .to_owned();
                let proof_len = reader.length::<u8>("inclusion proof", MAX_PROOF_HASHES)?;
                let mut proof = Vec::with_capacity(proof_len);
                for _ in 0..proof_len {
                    proof.push(Sha256Hash(reader.array()?));
                }
                Trailer::Ledger(LedgerTrailer {
                    records,
                    head_hash,
                    log_index,
                    checkpoint,
                    proof,
                })
            }
            _ => return Err(DecodeError::BadTrailer),
        };
        reader.finish()?;
        Ok(trailer)
    }

    /// Checks that the trailer vouches for exactly what the export held. A device trailer's
    /// signature must verify and its device be the events' device; a ledger trailer's
    /// inclusion proof must lead from the last record to its checkpoint's root, and its
    /// checkpoint must be signed by `ledger_key` when one is given.
    pub fn check(
        &self,
        end: &ExportEnd<'_>,
        ledger_key: Option<&NoteVerifier>,
    ) -> Result<(), TrailerError> {
        let head_hash = if end.head_record.is_empty() {
            Sha256Hash::ZERO
        } else {
            Sha256Hash::of(end.head_record)
        };
        match self {
            Trailer::Device(trailer) => {
                if let Some(device) = end.device {
                    if device != trailer.device {
                        return Err(TrailerError::WrongDevice {
                            expected: device,
                            found: trailer.device,
                        });
                    }
                }
                trailer.verify_signature()?;
                same_end(
                    end,
                    (trailer.records, Some(trailer.head_seq)),
                    trailer.head_hash,
                    head_hash,
                )
            }
            Trailer::Ledger(trailer) => {
                same_end(end, (trailer.records, None), trailer.head_hash, head_hash)?;
                let note =
                    SignedNote::parse(&trailer.checkpoint).map_err(TrailerError::Checkpoint)?;
                if let Some(key) = ledger_key {
                    note.verify(key).map_err(TrailerError::Checkpoint)?;
                }
                let checkpoint = Checkpoint::parse(&note.text).map_err(TrailerError::Checkpoint)?;
                merkle::verify_inclusion(
                    trailer.log_index,
                    checkpoint.size,
                    &merkle::leaf_hash(end.head_record),
                    &trailer.proof,
                    &checkpoint.root,
                )
                .map_err(TrailerError::Inclusion)
            }
        }
    }
}

/// Refuses a trailer whose record count (and head seq, where it names one) or head record hash
/// is not the export's.
fn same_end(
    end: &ExportEnd<'_>,
    (records, head_seq): (u64, Option<u64>),
    claimed_head: Sha256Hash,
    found_head: Sha256Hash,
) -> Result<(), TrailerError> {
    if records != end.records || head_seq.is_some_and(|seq| seq != end.head_seq) {
        return Err(TrailerError::Mismatch {
            claimed: records,
            claimed_seq: head_seq.unwrap_or(0),
            found: end.records,
            found_seq: end.head_seq,
        });
    }
    if claimed_head != found_head {
        return Err(TrailerError::WrongHead {
            claimed: claimed_head,
            found: found_head,
        });
    }
    Ok(())
}

//! What a device believes of the ledger, and only after checking it: the log it pinned at
//! enrollment (origin and note verifier key), checkpoints signed by that key, receipts whose
//! inclusion proof leads to such a checkpoint, and consistency between the checkpoints it
//! holds and each new one. A ledger whose tree is smaller than a checkpoint the device holds
//! went backwards (restored from a backup); one whose consistency proof fails rewrote history.
//! Pure: no I/O.

use sha2::{Digest, Sha256};
use tally_events::merkle::{leaf_hash, verify_inclusion, InclusionError};
use tally_events::note::{Checkpoint, NoteError, NoteVerifier, SignedNote};
use tally_events::Sha256Hash;
use thiserror::Error;

use crate::proof::{verify_consistency, ConsistencyError};
use crate::unb64;
use crate::wire::Receipt;

/// Why the device does not trust what the ledger sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustError {
    /// The checkpoint is not a valid note or checkpoint, or not signed by the pinned key.
    #[error("the ledger's checkpoint does not verify with the pinned key: {0}")]
    Checkpoint(#[from] NoteError),
    /// The checkpoint names another log.
    #[error("the ledger's checkpoint is for the log {found}, this device is pinned to {pinned}")]
    WrongOrigin {
        /// The pinned origin.
        pinned: String,
        /// The checkpoint's origin.
        found: String,
    },
    /// The pinned verifier key's name is not the pinned origin.
    #[error("the ledger key {key} does not name the log {origin}")]
    KeyNotForOrigin {
        /// The key text.
        key: String,
        /// The origin.
        origin: String,
    },
    /// The ledger's tree is smaller than a checkpoint the device holds.
    #[error(
        "the ledger went backwards: it serves {served} entries, this device holds a checkpoint \
         of {held} (a ledger restored from a backup?)"
    )]
    WentBackwards {
        /// Size of the newest checkpoint the device holds.
        held: u64,
        /// Size the ledger serves now.
        served: u64,
    },
    /// The consistency proof from a held checkpoint to the new one fails.
    #[error("the ledger rewrote its history: {0}")]
    Rewritten(ConsistencyError),
    /// A receipt for another record, seq or tree.
    #[error("the ledger's receipt for seq {seq} does not match the record sent: {what}")]
    ReceiptMismatch {
        /// The seq.
        seq: u64,
        /// What differs.
        what: &'static str,
    },
    /// A receipt's inclusion proof does not lead to its checkpoint.
    #[error("the ledger's receipt for seq {seq} does not prove the record is in the log: {error}")]
    NotIncluded {
        /// The seq.
        seq: u64,
        /// Why.
        error: InclusionError,
    },
    /// A delta whose inclusion proof does not lead from its record to the checkpoint sent with
    /// its page: the record is not the log's entry at the index it claims (a record never
    /// logged, or other bytes than the log holds).
    #[error(
        "the ledger's delta {position} is not in its log: it is not the log's entry {index}: {error}"
    )]
    DeltaNotIncluded {
        /// The delta's position in the facility stream.
        position: u64,
        /// The log index it claims.
        index: u64,
        /// Why.
        error: InclusionError,
    },
    /// A proof hash is not 32 bytes of base64.
    #[error("the ledger sent a proof hash that is not 32 bytes of base64")]
    BadHash,
}

impl TrustError {
    /// Whether this is the ledger misbehaving as a log (rolled back or rewritten), which the
    /// device refuses until a supervisor acts, as opposed to a damaged answer.
    pub fn is_history_violation(&self) -> bool {
        matches!(
            self,
            TrustError::WentBackwards { .. } | TrustError::Rewritten(_)
        )
    }
}

/// A checkpoint that verified with the pinned key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Sha256Hash,
    /// The signed note exactly as served.
    pub note: String,
}

/// The log a device pinned at enrollment.
#[derive(Debug, Clone)]
pub struct PinnedLog {
    origin: String,
    verifier: NoteVerifier,
}

/// Decodes base64 proof hashes.
pub fn decode_hashes(proof: &[String]) -> Result<Vec<Sha256Hash>, TrustError> {
    proof
        .iter()
        .map(|h| {
            unb64(h)
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .map(Sha256Hash)
                .ok_or(TrustError::BadHash)
        })
        .collect()
}

impl PinnedLog {
    /// The pinned log: its origin and its note verifier key (`<name>+<keyhash>+<key>`), whose
    /// name must be the origin.
    pub fn new(origin: &str, verifier_key: &str) -> Result<Self, TrustError> {
        let verifier = NoteVerifier::parse(verifier_key)?;
        if verifier.name() != origin {
            return Err(TrustError::KeyNotForOrigin {
                key: verifier_key.to_owned(),
                origin: origin.to_owned(),
            });
        }
        Ok(Self {
            origin: origin.to_owned(),
            verifier,
        })
    }

    /// The pinned origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Verifies a signed checkpoint note with the pinned key and reads it.
    pub fn verify_checkpoint(&self, note: &str) -> Result<VerifiedCheckpoint, TrustError> {
        let parsed = SignedNote::parse(note)?;
        parsed.verify(&self.verifier)?;
        let checkpoint = Checkpoint::parse(&parsed.text)?;
        if checkpoint.origin != self.origin {
            return Err(TrustError::WrongOrigin {
                pinned: self.origin.clone(),
                found: checkpoint.origin,
            });
        }
        Ok(VerifiedCheckpoint {
            size: checkpoint.size,
            root: checkpoint.root,
            note: note.to_owned(),
        })
    }

    /// Checks a receipt for `record` (the bytes sent, with seq `seq`): its hash and seq, its
    /// checkpoint (signed by the pinned key, of the size it claims) and the inclusion proof of
    /// the record's leaf in that checkpoint's tree. Returns the checkpoint.
    pub fn check_receipt(
        &self,
        receipt: &Receipt,
        seq: u64,
        record: &[u8],
    ) -> Result<VerifiedCheckpoint, TrustError> {
        self.check_receipt_with(receipt, seq, record, None)
    }

    /// [`PinnedLog::check_receipt`] when the receipts of one upload share their checkpoint:
    /// `verified` is a checkpoint this log verified before (an earlier receipt's). When the
    /// receipt carries that very note, byte for byte, its signature is not checked again (the
    /// same bytes under the same pinned key give the same verdict); any other note is verified
    /// in full. The record's hash, its seq, the tree size and the inclusion proof are always
    /// checked.
    pub fn check_receipt_with(
        &self,
        receipt: &Receipt,
        seq: u64,
        record: &[u8],
        verified: Option<&VerifiedCheckpoint>,
    ) -> Result<VerifiedCheckpoint, TrustError> {
        if receipt.seq != seq {
            return Err(TrustError::ReceiptMismatch {
                seq,
                what: "another seq",
            });
        }
        if !receipt
            .record_sha256
            .eq_ignore_ascii_case(&hex::encode(Sha256::digest(record)))
        {
            return Err(TrustError::ReceiptMismatch {
                seq,
                what: "another record hash",
            });
        }
        let checkpoint = match verified {
            Some(held) if held.note == receipt.checkpoint => held.clone(),
            _ => self.verify_checkpoint(&receipt.checkpoint)?,
        };
        if checkpoint.size != receipt.tree_size {
            return Err(TrustError::ReceiptMismatch {
                seq,
                what: "a tree size its checkpoint does not have",
            });
        }
        let proof = decode_hashes(&receipt.inclusion_proof)?;
        verify_inclusion(
            receipt.index,
            checkpoint.size,
            &leaf_hash(record),
            &proof,
            &checkpoint.root,
        )
        .map_err(|error| TrustError::NotIncluded { seq, error })?;
        Ok(checkpoint)
    }
}

/// Checks that `record`, the delta at facility stream position `position`, is the entry at
/// log index `index` of `checkpoint`'s tree, by its inclusion proof (base64 hashes).
pub fn check_delta_included(
    checkpoint: &VerifiedCheckpoint,
    position: u64,
    index: u64,
    record: &[u8],
    proof: &[String],
) -> Result<(), TrustError> {
    let proof = decode_hashes(proof)?;
    verify_inclusion(
        index,
        checkpoint.size,
        &leaf_hash(record),
        &proof,
        &checkpoint.root,
    )
    .map_err(|error| TrustError::DeltaNotIncluded {
        position,
        index,
        error,
    })
}

/// Checks that `new` extends `held` (the newest checkpoint the device holds): not smaller, and
/// the consistency proof from `held` to `new` holds (equal sizes need equal roots).
pub fn check_extends(
    held: &VerifiedCheckpoint,
    new: &VerifiedCheckpoint,
    proof: &[Sha256Hash],
) -> Result<(), TrustError> {
    if new.size < held.size {
        return Err(TrustError::WentBackwards {
            held: held.size,
            served: new.size,
        });
    }
    verify_consistency(held.size, new.size, &held.root, &new.root, proof)
        .map_err(TrustError::Rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_events::merkle::{inclusion_proof, root_of_leaf_hashes};
    use tally_events::note::NoteSigner;
    use tally_events::DeviceKey;

    const ORIGIN: &str = "ledger.test/log";

    fn signer(seed: u8) -> NoteSigner {
        NoteSigner::new(ORIGIN, DeviceKey::from_seed([seed; 32]))
    }

    fn note(signer: &NoteSigner, size: u64, root: Sha256Hash) -> String {
        signer.sign(
            &Checkpoint {
                origin: ORIGIN.into(),
                size,
                root,
            }
            .text(),
        )
    }

    #[test]
    fn a_delta_is_trusted_only_as_the_logs_entry_at_its_index() {
        let log = signer(1);
        let pinned = PinnedLog::new(ORIGIN, &log.verifier_key()).unwrap();
        let records: Vec<Vec<u8>> = (0..7u8).map(|i| vec![i; 10]).collect();
        let leaves: Vec<Sha256Hash> = records.iter().map(|r| leaf_hash(r)).collect();
        let checkpoint = pinned
            .verify_checkpoint(&note(&log, 7, root_of_leaf_hashes(&leaves)))
            .unwrap();
        let proof = |i: u64| -> Vec<String> {
            inclusion_proof(i as usize, &leaves)
                .unwrap()
                .iter()
                .map(|h| crate::b64(&h.0))
                .collect()
        };
        for i in 0..7u64 {
            check_delta_included(&checkpoint, i + 1, i, &records[i as usize], &proof(i)).unwrap();
        }
        let not_included = |r: Result<(), TrustError>| {
            assert!(
                matches!(r, Err(TrustError::DeltaNotIncluded { position: 4, .. })),
                "{r:?}"
            )
        };
        // A record that is not in the tree, with the proof of the entry it claims to be.
        not_included(check_delta_included(
            &checkpoint,
            4,
            3,
            b"never logged",
            &proof(3),
        ));
        // The log's record with one byte changed.
        let mut altered = records[3].clone();
        altered[0] ^= 1;
        not_included(check_delta_included(&checkpoint, 4, 3, &altered, &proof(3)));
        // The log's record at another index than its own, an index beyond the tree, a short
        // proof.
        not_included(check_delta_included(
            &checkpoint,
            4,
            4,
            &records[3],
            &proof(4),
        ));
        not_included(check_delta_included(
            &checkpoint,
            4,
            7,
            &records[3],
            &proof(3),
        ));
        not_included(check_delta_included(
            &checkpoint,
            4,
            3,
            &records[3],
            &proof(3)[1..],
        ));
        assert_eq!(
            check_delta_included(&checkpoint, 4, 3, &records[3], &["AAAA".into()]),
            Err(TrustError::BadHash)
        );
    }

    #[test]
    fn a_receipt_is_trusted_only_with_the_pinned_key_the_right_record_and_a_valid_proof() {
        let log = signer(1);
        let pinned = PinnedLog::new(ORIGIN, &log.verifier_key()).unwrap();
        let records: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 10]).collect();
        let leaves: Vec<Sha256Hash> = records.iter().map(|r| leaf_hash(r)).collect();
        let root = root_of_leaf_hashes(&leaves);
        let proof = inclusion_proof(3, &leaves).unwrap();
        let receipt = Receipt {
            index: 3,
            seq: 7,
            record_sha256: hex::encode(Sha256::digest(&records[3])),
            duplicate: false,
            checkpoint: note(&log, 5, root),
            tree_size: 5,
            inclusion_proof: proof.iter().map(|h| crate::b64(&h.0)).collect(),
        };
        let checkpoint = pinned.check_receipt(&receipt, 7, &records[3]).unwrap();
        assert_eq!((checkpoint.size, checkpoint.root), (5, root));
        // Another record, another seq.
        assert!(matches!(
            pinned.check_receipt(&receipt, 7, &records[2]),
            Err(TrustError::ReceiptMismatch { .. })
        ));
        assert!(matches!(
            pinned.check_receipt(&receipt, 8, &records[3]),
            Err(TrustError::ReceiptMismatch { .. })
        ));
        // A checkpoint signed by another key (a ledger impersonated).
        let mut forged = receipt.clone();
        forged.checkpoint = note(&signer(2), 5, root);
        assert!(matches!(
            pinned.check_receipt(&forged, 7, &records[3]),
            Err(TrustError::Checkpoint(_))
        ));
        // The right key over a tree without the record.
        let mut other = receipt.clone();
        other.checkpoint = note(&log, 5, leaf_hash(b"other"));
        assert!(matches!(
            pinned.check_receipt(&other, 7, &records[3]),
            Err(TrustError::NotIncluded { .. })
        ));
        // Another index.
        let mut moved = receipt.clone();
        moved.index = 2;
        assert!(matches!(
            pinned.check_receipt(&moved, 7, &records[3]),
            Err(TrustError::NotIncluded { .. })
        ));
        // A tree size its checkpoint does not have.
        let mut size = receipt;
        size.tree_size = 6;
        assert!(pinned.check_receipt(&size, 7, &records[3]).is_err());
    }

    /// A checkpoint verified for an earlier receipt of the upload spares only the signature
    /// check of the very same note: every other receipt is checked in full.
    #[test]
    fn a_receipt_checked_against_an_earlier_verified_checkpoint_is_refused_as_before() {
        let log = signer(1);
        let pinned = PinnedLog::new(ORIGIN, &log.verifier_key()).unwrap();
        let records: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 10]).collect();
        let leaves: Vec<Sha256Hash> = records.iter().map(|r| leaf_hash(r)).collect();
        let root = root_of_leaf_hashes(&leaves);
        let receipt_for = |index: usize| Receipt {
            index: index as u64,
            seq: index as u64 + 1,
            record_sha256: hex::encode(Sha256::digest(&records[index])),
            duplicate: false,
            checkpoint: note(&log, 5, root),
            tree_size: 5,
            inclusion_proof: inclusion_proof(index, &leaves)
                .unwrap()
                .iter()
                .map(|h| crate::b64(&h.0))
                .collect(),
        };
        let first = pinned
            .check_receipt(&receipt_for(0), 1, &records[0])
            .unwrap();
        let held = Some(&first);
        for (index, record) in records.iter().enumerate().skip(1) {
            let checked = pinned
                .check_receipt_with(&receipt_for(index), index as u64 + 1, record, held)
                .unwrap();
            assert_eq!(checked, first);
        }
        let receipt = receipt_for(3);
        assert!(matches!(
            pinned.check_receipt_with(&receipt, 4, &records[2], held),
            Err(TrustError::ReceiptMismatch { .. })
        ));
        let mut forged = receipt.clone();
        forged.checkpoint = note(&signer(2), 5, root);
        assert!(matches!(
            pinned.check_receipt_with(&forged, 4, &records[3], held),
            Err(TrustError::Checkpoint(_))
        ));
        // The held note's text with a changed line under its signature.
        let mut altered = receipt.clone();
        altered.checkpoint = first.note.replacen("\n5\n", "\n6\n", 1);
        assert_ne!(altered.checkpoint, first.note);
        assert!(pinned
            .check_receipt_with(&altered, 4, &records[3], held)
            .is_err());
        let mut other = receipt.clone();
        other.checkpoint = note(&log, 5, leaf_hash(b"other"));
        assert!(matches!(
            pinned.check_receipt_with(&other, 4, &records[3], held),
            Err(TrustError::NotIncluded { .. })
        ));
        let mut moved = receipt.clone();
        moved.index = 2;
        assert!(matches!(
            pinned.check_receipt_with(&moved, 4, &records[3], held),
            Err(TrustError::NotIncluded { .. })
        ));
        let mut size = receipt;
        size.tree_size = 6;
        assert!(pinned
            .check_receipt_with(&size, 4, &records[3], held)
            .is_err());
    }

    #[test]
    fn a_key_for_another_log_is_refused_at_pinning() {
        let other = NoteSigner::new("other.test/log", DeviceKey::from_seed([1; 32]));
        assert!(matches!(
            PinnedLog::new(ORIGIN, &other.verifier_key()),
            Err(TrustError::KeyNotForOrigin { .. })
        ));
    }

    #[test]
    fn a_smaller_tree_went_backwards_and_a_changed_one_rewrote_history() {
        let leaves: Vec<Sha256Hash> = (0..6u8).map(|i| leaf_hash(&[i])).collect();
        let cp = |n: usize| VerifiedCheckpoint {
            size: n as u64,
            root: root_of_leaf_hashes(&leaves[..n]),
            note: String::new(),
        };
        assert_eq!(
            check_extends(&cp(4), &cp(3), &[]),
            Err(TrustError::WentBackwards { held: 4, served: 3 })
        );
        assert!(check_extends(&cp(4), &cp(4), &[]).is_ok());
        let mut rewritten = cp(4);
        rewritten.root = leaf_hash(b"x");
        assert!(check_extends(&cp(4), &rewritten, &[])
            .unwrap_err()
            .is_history_violation());
    }
}

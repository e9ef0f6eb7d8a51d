//! RFC 6962 (RFC 9162 §2.1) Merkle tree hashing with SHA-256: leaf and node hashes, the root
//! of a list of entries, inclusion proofs and their verification.
//!
//! The ledger's transparency log is such a tree whose entries are records (one record per
//! entry, which is why a record is at most 65,535 bytes). A ledger export's trailer carries an
//! inclusion proof of its head record; [`verify_inclusion`] checks it against the root hash of
//! the ledger's checkpoint. Building trees ([`root`], [`inclusion_proof`]) is here for tests and
//! for the ledger; it holds the whole list in memory and is not meant for large trees.

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::types::Sha256Hash;

/// Hash of a leaf: SHA-256(0x00 ‖ entry).
pub fn leaf_hash(entry: &[u8]) -> Sha256Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(entry);
    Sha256Hash(hasher.finalize().into())
}

/// Hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Sha256Hash, right: &Sha256Hash) -> Sha256Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left.as_bytes());
    hasher.update(right.as_bytes());
    Sha256Hash(hasher.finalize().into())
}

/// The largest power of two strictly smaller than `n` (`n` ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The tree head of the leaves whose hashes are given (MTH of RFC 6962 §2.1); the empty tree's
/// root is SHA-256 of nothing.
pub fn root_of_leaf_hashes(leaves: &[Sha256Hash]) -> Sha256Hash {
    match leaves.len() {
        0 => Sha256Hash::of(&[]),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(
                &root_of_leaf_hashes(&leaves[..k]),
                &root_of_leaf_hashes(&leaves[k..]),
            )
        }
    }
}

/// The tree head of a list of entries.
pub fn root<E: AsRef<[u8]>>(entries: &[E]) -> Sha256Hash {
    let leaves: Vec<Sha256Hash> = entries.iter().map(|e| leaf_hash(e.as_ref())).collect();
    root_of_leaf_hashes(&leaves)
}

/// The inclusion proof (audit path, RFC 6962 §2.1.1) of leaf `index` in the tree of `leaves`,
/// from the leaf up. `None` when `index` is not in the tree.
pub fn inclusion_proof(index: usize, leaves: &[Sha256Hash]) -> Option<Vec<Sha256Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    let (mut lo, mut hi, mut m) = (0usize, leaves.len(), index);
    // Walk down, collecting the sibling subtree roots, then reverse (proofs go bottom-up).
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < k {
            path.push(root_of_leaf_hashes(&leaves[lo + k..hi]));
            hi = lo + k;
        } else {
            path.push(root_of_leaf_hashes(&leaves[lo..lo + k]));
            lo += k;
            m -= k;
        }
    }
    path.reverse();
    Some(path)
}

/// Why an inclusion proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InclusionError {
    /// The leaf index is not inside the tree.
    #[error("leaf {index} is not inside a tree of {size} entries")]
    IndexOutOfRange {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The proof has the wrong number of hashes for this index and size.
    #[error("the inclusion proof has the wrong length for leaf {index} of {size}")]
    WrongLength {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The proof leads to another root.
    #[error("the inclusion proof does not lead to the checkpoint's root hash")]
    RootMismatch,
}

/// Verifies that `leaf` is leaf `index` of the tree of `size` entries whose root is `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Sha256Hash,
    proof: &[Sha256Hash],
    root: &Sha256Hash,
) -> Result<(), InclusionError> {
    if index >= size {
        return Err(InclusionError::IndexOutOfRange { index, size });
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(InclusionError::WrongLength { index, size });
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(InclusionError::WrongLength { index, size });
    }
    if r != *root {
        return Err(InclusionError::RootMismatch);
    }
    Ok(())
}

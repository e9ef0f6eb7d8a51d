//! RFC 6962 (RFC 9162 §2.1) Merkle tree hashing with SHA-256: leaf and node hashes, the root
//! of a list of entries, inclusion proofs and their verification, and the verification of
//! consistency proofs between two tree heads (RFC 9162 §2.1.4.2). This is the one copy the
//! device (`tally-ledger-client`, `tallyd`) and the auditor (`tally audit`) use; the ledger's
//! own Merkle code is Cloudflare's `tlog_tiles`, and both are tested against the
//! transparency-dev/merkle known-answer vectors.
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
    IndexOutOfRange {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The proof has the wrong number of hashes for this index and size.
    WrongLength {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The proof leads to another root.
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

/// Why a consistency proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConsistencyError {
    /// The newer tree is smaller than the older one.
    Smaller {
        /// Older size.
        old: u64,
        /// Newer size.
        new: u64,
    },
    /// A proof from the empty tree proves nothing.
    FromEmpty,
    /// The proof's length or hashes do not lead to both roots.
    Mismatch {
        /// Older size.
        old: u64,
        /// Newer size.
        new: u64,
    },
}

/// Verifies that the tree of `old` entries with root `old_root` is a prefix of the tree of
/// `new` entries with root `new_root`.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Sha256Hash,
    new_root: &Sha256Hash,
    proof: &[Sha256Hash],
) -> Result<(), ConsistencyError> {
    let mismatch = ConsistencyError::Mismatch { old, new };
    if new < old {
        return Err(ConsistencyError::Smaller { old, new });
    }
    if old == 0 {
        return Err(ConsistencyError::FromEmpty);
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(mismatch)
        };
    }
    if proof.is_empty() {
        return Err(mismatch);
    }
    // 1. When `old` is a power of two the old root is the first node of the path.
    let mut path: Vec<Sha256Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    // 2., 3.
    let (mut f_n, mut s_n) = (old - 1, new - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    // 4.
    let (mut f_r, mut s_r) = (path[0], path[0]);
    // 5.
    for c in &path[1..] {
        if s_n == 0 {
            return Err(mismatch);
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    // 6.
    if f_r == *old_root && s_r == *new_root && s_n == 0 {
        Ok(())
    } else {
        Err(mismatch)
    }
}

#[cfg(test)]
mod consistency_tests {
    use super::*;

    /// A consistency proof built by RFC 9162 §2.1.4.1's recursive definition (SUBPROOF).
    fn subproof(m: usize, leaves: &[Sha256Hash], complete: bool) -> Vec<Sha256Hash> {
        let n = leaves.len();
        if m == n {
            return if complete {
                vec![]
            } else {
                vec![root_of_leaf_hashes(leaves)]
            };
        }
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        if m <= k {
            let mut p = subproof(m, &leaves[..k], complete);
            p.push(root_of_leaf_hashes(&leaves[k..]));
            p
        } else {
            let mut p = subproof(m - k, &leaves[k..], false);
            p.push(root_of_leaf_hashes(&leaves[..k]));
            p
        }
    }

    #[test]
    fn every_pair_of_sizes_up_to_twenty_verifies_and_every_change_is_caught() {
        let leaves: Vec<Sha256Hash> = (0u32..20).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for new in 1..=leaves.len() {
            let new_root = root_of_leaf_hashes(&leaves[..new]);
            for old in 1..=new {
                let old_root = root_of_leaf_hashes(&leaves[..old]);
                let proof = subproof(old, &leaves[..new], true);
                let (o, n) = (old as u64, new as u64);
                assert_eq!(
                    verify_consistency(o, n, &old_root, &new_root, &proof),
                    Ok(()),
                    "{old} -> {new}"
                );
                // A rewritten old tree (another leaf) is refused.
                let mut rewritten = leaves[..old].to_vec();
                rewritten[old - 1] = leaf_hash(b"rewritten");
                let other_root = root_of_leaf_hashes(&rewritten);
                assert!(verify_consistency(o, n, &other_root, &new_root, &proof).is_err());
                for i in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[i] = leaf_hash(b"x");
                    assert!(verify_consistency(o, n, &old_root, &new_root, &bad).is_err());
                }
                if old < new {
                    // Sizes swapped (a tree that went backwards) are refused.
                    assert!(verify_consistency(n, o, &new_root, &old_root, &proof).is_err());
                    assert!(verify_consistency(o, n, &old_root, &new_root, &proof[1..]).is_err());
                }
            }
        }
    }
}

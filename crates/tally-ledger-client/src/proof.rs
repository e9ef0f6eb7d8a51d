//! RFC 9162 §2.1.4.2: verification of a consistency proof between two tree heads. The
//! inclusion check is `tally_events::merkle::verify_inclusion`; both are independent of the
//! ledger's own Merkle code (Cloudflare's `tlog_tiles`), and both are tested against the
//! transparency-dev/merkle known-answer vectors.

use tally_events::merkle::node_hash;
use tally_events::Sha256Hash;
use thiserror::Error;

/// Why a consistency proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConsistencyError {
    /// The newer tree is smaller than the older one.
    #[error("the newer tree ({new}) is smaller than the older ({old})")]
    Smaller {
        /// Older size.
        old: u64,
        /// Newer size.
        new: u64,
    },
    /// A proof from the empty tree proves nothing.
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmpty,
    /// The proof's length or hashes do not lead to both roots.
    #[error("the consistency proof from {old} to {new} entries does not hold")]
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
mod tests {
    use super::*;
    use tally_events::merkle::{leaf_hash, root_of_leaf_hashes};

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

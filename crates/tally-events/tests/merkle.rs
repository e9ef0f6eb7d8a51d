//! RFC 6962 hashing and inclusion proofs (`tally_events::merkle`) against the known-answer
//! vectors of github.com/transparency-dev/merkle (copied into `vectors/merkle`, see its
//! SOURCE.md), and the proofs our tree code builds against the verifier for every leaf of
//! trees up to 70 entries.

use std::path::Path;

use base64ct::{Base64, Encoding};
use tally_events::merkle::{
    inclusion_proof, leaf_hash, root, root_of_leaf_hashes, verify_inclusion,
};
use tally_events::Sha256Hash;

fn vectors() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/merkle"))
}

fn hash32(bytes: &[u8]) -> Option<Sha256Hash> {
    <[u8; 32]>::try_from(bytes).ok().map(Sha256Hash)
}

#[test]
fn roots_of_the_reference_tree_match_for_every_size() {
    let text = std::fs::read_to_string(vectors().join("tree.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let leaves: Vec<Vec<u8>> = json["leaves_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|leaf| hex::decode(leaf.as_str().unwrap()).unwrap())
        .collect();
    let roots = json["roots_hex"].as_array().unwrap();
    assert_eq!(roots.len(), 9);
    for (size, expected) in roots.iter().enumerate() {
        assert_eq!(
            root(&leaves[..size]).to_string(),
            expected.as_str().unwrap(),
            "tree of {size}"
        );
    }
    // The empty leaf's hash (RFC 6962 test vector).
    assert_eq!(
        leaf_hash(b"").to_string(),
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    );
}

#[test]
fn every_inclusion_vector_is_accepted_or_rejected_as_the_reference_says() {
    let mut checked = 0;
    let mut stack = vec![vectors().join("inclusion")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let b64 = |value: &serde_json::Value| {
                Base64::decode_vec(value.as_str().unwrap_or("")).unwrap()
            };
            let want_error = json["wantErr"].as_bool().unwrap();
            let index = json["leafIdx"].as_u64().unwrap();
            let size = json["treeSize"].as_u64().unwrap();
            let leaf = hash32(&b64(&json["leafHash"]));
            let root = hash32(&b64(&json["root"]));
            let proof: Option<Vec<Sha256Hash>> = json["proof"]
                .as_array()
                .map(|items| items.iter().map(|item| hash32(&b64(item))).collect())
                .unwrap_or(Some(Vec::new()));
            // A hash that is not 32 bytes cannot even be expressed: rejected by construction.
            let accepted = match (leaf, root, proof) {
                (Some(leaf), Some(root), Some(proof)) => {
                    verify_inclusion(index, size, &leaf, &proof, &root).is_ok()
                }
                _ => false,
            };
            assert_eq!(accepted, !want_error, "{}", path.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 98);
}

#[test]
fn proofs_built_by_our_tree_verify_for_every_leaf_and_fail_when_moved() {
    for size in 1..=70usize {
        let leaves: Vec<Sha256Hash> = (0..size)
            .map(|n| leaf_hash(format!("record {n}").as_bytes()))
            .collect();
        let tree_root = root_of_leaf_hashes(&leaves);
        for index in 0..size {
            let proof = inclusion_proof(index, &leaves).unwrap();
            verify_inclusion(
                index as u64,
                size as u64,
                &leaves[index],
                &proof,
                &tree_root,
            )
            .unwrap();
            if size > 1 {
                let other = (index + 1) % size;
                assert!(verify_inclusion(
                    other as u64,
                    size as u64,
                    &leaves[index],
                    &proof,
                    &tree_root
                )
                .is_err());
            }
            let wrong_leaf = leaf_hash(b"not in the tree");
            assert!(
                verify_inclusion(index as u64, size as u64, &wrong_leaf, &proof, &tree_root)
                    .is_err()
            );
        }
        assert!(inclusion_proof(size, &leaves).is_none());
    }
}

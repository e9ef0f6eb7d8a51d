//! The consistency check against transparency-dev/merkle's `testdata/consistency` (the copy in
//! crates/tally-ledger/tests/vectors/merkle, its source and commit in SOURCE.md there): every
//! happy path verifies, every mangled one is refused.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tally_events::Sha256Hash;
use tally_ledger_client::proof::verify_consistency;
use tally_ledger_client::unb64;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Consistency {
    size1: u64,
    size2: u64,
    root1: Option<String>,
    root2: Option<String>,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out)
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path)
        }
    }
}

/// A hash from base64. A few vectors use placeholder roots that are not 32 bytes ("don't care")
/// where only their equality matters; those are mapped to the SHA-256 of their bytes, which
/// keeps equal ones equal and different ones different.
fn hash(text: &Option<String>) -> Option<Sha256Hash> {
    let bytes = unb64(text.as_deref()?)?;
    Some(match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(exact) => Sha256Hash(exact),
        Err(_) => Sha256Hash::of(&bytes),
    })
}

#[test]
fn consistency_proofs_match_the_transparency_dev_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tally-ledger/tests/vectors/merkle/consistency");
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    assert!(paths.len() > 50, "vectors missing: {}", paths.len());
    let (mut happy, mut refused) = (0, 0);
    for path in paths {
        let v: Consistency =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let proof: Option<Vec<Sha256Hash>> = v
            .proof
            .unwrap_or_default()
            .iter()
            .map(|h| hash(&Some(h.clone())))
            .collect();
        let result = match (hash(&v.root1), hash(&v.root2), proof) {
            (Some(r1), Some(r2), Some(p)) => {
                verify_consistency(v.size1, v.size2, &r1, &r2, &p).map_err(|e| e.to_string())
            }
            _ => Err("not 32-byte hashes".to_owned()),
        };
        assert_eq!(
            result.is_err(),
            v.want_err,
            "{}: {} gave {result:?}",
            path.display(),
            v.desc
        );
        if v.want_err {
            refused += 1
        } else {
            happy += 1
        }
    }
    assert!(
        happy >= 5 && refused >= 50,
        "{happy} happy, {refused} refused"
    );
}

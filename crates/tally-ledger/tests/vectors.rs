//! The Merkle and note code against published known-answer vectors:
//! - transparency-dev/merkle `testdata/inclusion` and `testdata/consistency` (copied into
//!   `tests/vectors/merkle/`, source and commit in `SOURCE.md` there): every happy path must
//!   verify and every mangled variant must be refused;
//! - the signed-note vectors of Go's `golang.org/x/mod/sumdb/note/note_test.go` (commit
//!   fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db): the PeterNeumann key, its note and signature.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tally_ledger::tlog;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Inclusion {
    leaf_idx: u64,
    tree_size: u64,
    root: Option<String>,
    leaf_hash: Option<String>,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

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

fn b64(text: &Option<String>) -> Vec<u8> {
    use base64::Engine as _;
    text.as_deref()
        .map(|t| {
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .expect("vector base64")
        })
        .unwrap_or_default()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("vector directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn vectors(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/merkle")
        .join(kind);
    files(&dir)
}

#[test]
fn inclusion_proofs_match_the_transparency_dev_vectors() {
    let paths = vectors("inclusion");
    assert!(paths.len() > 50, "vectors missing: {}", paths.len());
    let (mut happy, mut refused) = (0, 0);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let v: Inclusion = serde_json::from_str(&text).unwrap();
        let proof: Vec<Vec<u8>> = v
            .proof
            .as_ref()
            .map(|p| p.iter().map(|h| b64(&Some(h.clone()))).collect())
            .unwrap_or_default();
        let result = tlog::verify_inclusion(
            v.leaf_idx,
            v.tree_size,
            &b64(&v.leaf_hash),
            &proof,
            &b64(&v.root),
        );
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

#[test]
fn consistency_proofs_match_the_transparency_dev_vectors() {
    let paths = vectors("consistency");
    assert!(paths.len() > 50, "vectors missing: {}", paths.len());
    let (mut happy, mut refused) = (0, 0);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let v: Consistency = serde_json::from_str(&text).unwrap();
        let proof: Vec<Vec<u8>> = v
            .proof
            .as_ref()
            .map(|p| p.iter().map(|h| b64(&Some(h.clone()))).collect())
            .unwrap_or_default();
        let result =
            tlog::verify_consistency(v.size1, v.size2, &proof, &b64(&v.root1), &b64(&v.root2));
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

/// The proofs the ledger's Merkle code produces for the vectors' tree verify against the
/// vectors' roots: the eight leaves of transparency-dev's test tree (RFC 6962 test data).
#[test]
fn proofs_built_by_the_log_reproduce_the_vector_roots() {
    use tally_ledger::tlog::{hashes_for_new_entry, Hash, HashReader};
    struct Mem(std::cell::RefCell<Vec<Hash>>);
    impl HashReader for Mem {
        fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
            Ok(indexes
                .iter()
                .map(|&i| self.0.borrow()[i as usize])
                .collect())
        }
    }
    // transparency-dev/merkle testonly.LeafInputs(): the RFC 6962 test leaves.
    let leaves: Vec<Vec<u8>> = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|h| hex::decode(h).unwrap())
    .collect();
    let store = Mem(std::cell::RefCell::new(Vec::new()));
    for (n, leaf) in leaves.iter().enumerate() {
        let new = hashes_for_new_entry(n as u64, leaf, &store).unwrap();
        store.0.borrow_mut().extend(new);
    }
    // transparency-dev/merkle testonly.RootHashes() (testonly/constants.go, same commit): the
    // root of the first n leaves for n = 0..=8.
    let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    for (n, expected) in roots.iter().enumerate() {
        let root = tlog::tree_hash(n as u64, &store).unwrap();
        assert_eq!(hex::encode(root.0), *expected, "root of {n} leaves");
    }
    // Consistency proofs between every pair of these trees verify against those roots.
    for old in 1..=8u64 {
        for new in old..=8u64 {
            let proof: Vec<Vec<u8>> = tlog::prove_consistency(new, old, &store)
                .unwrap()
                .iter()
                .map(|h| h.0.to_vec())
                .collect();
            tlog::verify_consistency(
                old,
                new,
                &proof,
                &hex::decode(roots[old as usize]).unwrap(),
                &hex::decode(roots[new as usize]).unwrap(),
            )
            .unwrap_or_else(|e| panic!("{old} -> {new}: {e}"));
        }
    }
    // The root of the 8-leaf tree as the vectors give it (inclusion/1/happy-path.json).
    let root8 = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
    let root = tlog::tree_hash(8, &store).unwrap();
    assert_eq!(tlog::b64(&root.0), root8);
    let proof = tlog::prove_inclusion(8, 0, &store).unwrap();
    let got: Vec<String> = proof.iter().map(|h| tlog::b64(&h.0)).collect();
    assert_eq!(
        got,
        [
            "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="
        ]
    );
    // consistency/1/happy-path.json: from size 1 to size 8.
    let proof = tlog::prove_consistency(8, 1, &store).unwrap();
    let got: Vec<String> = proof.iter().map(|h| tlog::b64(&h.0)).collect();
    assert_eq!(
        got,
        [
            "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="
        ]
    );
}

// From golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign).
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                          then you don't know what your problem is.\n";
const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
then you don't know what your problem is.\n\
\n\
— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn signed_notes_match_go_sumdb_note_vectors() {
    use signed_note::{Note, Signer, StandardSigner, StandardVerifier, VerifierList};
    // The known signer reproduces the known signature byte for byte (ed25519 is deterministic).
    let signer = StandardSigner::new(PETER_SKEY).unwrap();
    let mut note = Note::new(PETER_TEXT.as_bytes(), &[]).unwrap();
    note.add_sigs(&[&signer as &dyn Signer]).unwrap();
    assert_eq!(String::from_utf8(note.to_bytes()).unwrap(), PETER_NOTE);
    // The verifier key the ledger derives from the private key is the published one.
    let log = tlog::LogSigner::from_private_key(PETER_SKEY).unwrap();
    assert_eq!(log.verifier_key(), PETER_VKEY);
    // The known note verifies with the known key; a changed text or signature does not.
    let list = VerifierList::new(vec![Box::new(StandardVerifier::new(PETER_VKEY).unwrap())]);
    Note::from_bytes(PETER_NOTE.as_bytes())
        .unwrap()
        .verify(&list)
        .unwrap();
    let changed_text = PETER_NOTE.replace("answer", "ANSWER");
    assert!(Note::from_bytes(changed_text.as_bytes())
        .unwrap()
        .verify(&list)
        .is_err());
    let changed_sig = PETER_NOTE.replace("x08go", "x08gp");
    assert!(Note::from_bytes(changed_sig.as_bytes())
        .map(|n| n.verify(&list).is_err())
        .unwrap_or(true));
    // Every truncation or one-byte change of the verifier key is refused (as in
    // TestNewVerifier).
    let bytes = PETER_VKEY.as_bytes();
    for i in 0..bytes.len() {
        let mut mangled = bytes.to_vec();
        mangled[i] = mangled[i].wrapping_add(1);
        if let Ok(text) = std::str::from_utf8(&mangled) {
            assert!(StandardVerifier::new(text).is_err(), "{text} accepted");
        }
        assert!(StandardVerifier::new(&PETER_VKEY[..i]).is_err());
    }
    // The spec-only checker agrees on the key id.
    let mut parts = PETER_VKEY.split('+');
    let name = parts.next().unwrap();
    let id = parts.next().unwrap();
    let key = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(parts.next().unwrap())
            .unwrap()
    };
    use sha2::Digest;
    let digest = sha2::Sha256::digest([name.as_bytes(), b"\n", &key].concat());
    assert_eq!(hex::encode(&digest[..4]), id);
}

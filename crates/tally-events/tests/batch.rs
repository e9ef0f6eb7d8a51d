//! Batch verification is only a faster path to `verify_strict`'s verdict: everything
//! `verify_strict` rejects that a batch equation could accept is screened out first (weak and
//! mixed-order keys, small-order or non-canonical `R`, non-canonical `S`), and a failed batch
//! names the first culprit by verifying one at a time.

mod common;

use common::*;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::Scalar;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha512};
use tally_events::key::strict_screen;
use tally_events::{
    verify_batch, verify_chain, verify_events, ChainOptions, DeviceId, FailureKind, SignedEvent,
    VerifierKey, VerifyError, VerifyMode,
};

/// The eight small-order points' canonical encodings (the torsion subgroup).
const SMALL_ORDER: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

/// The group order L, little endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn bytes32(hex_text: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut out).unwrap();
    out
}

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

fn strict(key: &VerifierKey, message: &[u8], signature: &[u8; 64]) -> bool {
    key.verify_strict(message, signature).is_ok()
}

fn batch(key: &VerifierKey, message: &[u8], signature: &[u8; 64]) -> bool {
    // In a batch with honest signatures around it, as in a real chain.
    static OTHERS: std::sync::OnceLock<Vec<(Vec<u8>, [u8; 64])>> = std::sync::OnceLock::new();
    let others = OTHERS.get_or_init(|| {
        let signing = SigningKey::from_bytes(&TEST_SEED);
        (0..7u8)
            .map(|n| {
                let message = vec![n; 40];
                let signature = ed25519_dalek::Signer::sign(&signing, &message).to_bytes();
                (message, signature)
            })
            .collect()
    });
    let mut items: Vec<(&[u8], &[u8; 64])> = others
        .iter()
        .map(|(message, signature)| (message.as_slice(), signature))
        .collect();
    items.insert(3, (message, signature));
    match verify_batch(key, &items) {
        Ok(()) => true,
        Err(index) => {
            assert_eq!(index, 3, "the batch blamed an honest signature");
            false
        }
    }
}

#[test]
fn every_small_order_key_is_refused() {
    for encoding in SMALL_ORDER {
        let device = DeviceId(bytes32(encoding));
        assert_eq!(
            VerifierKey::new(&device).unwrap_err(),
            VerifyError::BadKey,
            "{encoding}"
        );
    }
}

#[test]
fn a_mixed_order_key_is_refused() {
    let honest = test_key().device_id();
    let point = CompressedEdwardsY(*honest.as_bytes()).decompress().unwrap();
    let torsion = CompressedEdwardsY(bytes32(SMALL_ORDER[4]))
        .decompress()
        .unwrap();
    let mixed = DeviceId((point + torsion).compress().0);
    assert!(VerifierKey::new(&honest).is_ok());
    assert_eq!(VerifierKey::new(&mixed).unwrap_err(), VerifyError::BadKey);
}

#[test]
fn a_chain_signed_by_a_weak_key_is_a_bad_key() {
    let events = build_chain(3);
    let mut record = events[0].as_bytes().to_vec();
    record[5..37].copy_from_slice(&bytes32(SMALL_ORDER[0]));
    let failure = verify_chain(&[record], &ChainOptions::default()).unwrap_err();
    assert_eq!(failure.kind, FailureKind::BadKey);
    assert_eq!(failure.seq, 1);
}

#[test]
fn a_non_canonical_s_is_rejected_by_both() {
    let key = VerifierKey::new(&test_key().device_id()).unwrap();
    let message = b"package moved";
    let mut signature = test_key().sign(message);
    assert!(strict(&key, message, &signature) && batch(&key, message, &signature));
    let mut s = [0u8; 32];
    s.copy_from_slice(&signature[32..]);
    let s_plus_l = add_le(&s, &L);
    signature[32..].copy_from_slice(&s_plus_l);
    assert!(!strict_screen(&signature));
    assert!(!strict(&key, message, &signature));
    assert!(!batch(&key, message, &signature));
}

#[test]
fn a_small_order_r_is_rejected_by_both() {
    let key = VerifierKey::new(&test_key().device_id()).unwrap();
    let message = b"package moved";
    let honest = test_key().sign(message);
    for encoding in SMALL_ORDER {
        for s in [[0u8; 32], *<&[u8; 32]>::try_from(&honest[32..]).unwrap()] {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&bytes32(encoding));
            signature[32..].copy_from_slice(&s);
            assert!(!strict_screen(&signature), "{encoding}");
            assert!(!strict(&key, message, &signature));
            assert!(!batch(&key, message, &signature));
        }
    }
}

#[test]
fn a_non_canonical_r_encoding_is_screened_out() {
    // y + p for small y: the only non-canonical encodings that still decompress.
    let p_le = bytes32("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    let mut decompressing = 0;
    for y in 0u8..19 {
        let mut small = [0u8; 32];
        small[0] = y;
        let encoding = add_le(&p_le, &small);
        for sign in [0u8, 0x80] {
            let mut r = encoding;
            r[31] |= sign;
            if CompressedEdwardsY(r).decompress().is_some() {
                decompressing += 1;
                let mut signature = [0u8; 64];
                signature[..32].copy_from_slice(&r);
                signature[32] = 1;
                assert!(!strict_screen(&signature), "y = {y}");
            }
        }
    }
    assert!(decompressing > 0);
}

#[test]
fn tampered_messages_and_signatures_are_rejected_by_both() {
    let key = VerifierKey::new(&test_key().device_id()).unwrap();
    let message = b"destruction recorded: 3.52 g";
    let signature = test_key().sign(message);
    // Every bit of R and S, in steps of 7 bits to keep debug builds quick.
    for bit in (0..512).step_by(7) {
        let mut bad = signature;
        bad[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(strict(&key, message, &bad), batch(&key, message, &bad));
        assert!(!strict(&key, message, &bad), "bit {bit}");
    }
    assert!(!strict(&key, b"destruction recorded: 3.51 g", &signature));
    assert!(!batch(&key, b"destruction recorded: 3.51 g", &signature));
}

/// A signature with a mixed-order `R` (`rB + T`), which only the holder of the private key
/// can make: `verify_strict` rejects it, so the strict chain verification does. This is the
/// one case no cheap screen catches before a batch; see `docs/EVENT-FORMAT.md`.
#[test]
fn a_key_holder_crafted_mixed_order_r_is_rejected_in_strict_mode() {
    let signing = SigningKey::from_bytes(&TEST_SEED);
    let a = signing.to_scalar();
    let public = signing.verifying_key().to_bytes();
    let events = build_chain(3);
    let header = events[2].header_bytes().to_vec();
    let torsion = CompressedEdwardsY(bytes32(SMALL_ORDER[4]))
        .decompress()
        .unwrap();
    let r = Scalar::from_bytes_mod_order([0x5e; 32]);
    let big_r = (ED25519_BASEPOINT_POINT * r + torsion).compress();
    let mut hasher = Sha512::new();
    hasher.update(big_r.as_bytes());
    hasher.update(public);
    hasher.update(&header);
    let k = Scalar::from_bytes_mod_order_wide(&hasher.finalize().into());
    let s = r + k * a;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(big_r.as_bytes());
    signature[32..].copy_from_slice(s.as_bytes());
    let key = VerifierKey::new(&test_key().device_id()).unwrap();
    assert!(!strict(&key, &header, &signature));
    // It passes the cheap screen: R is canonical and not of small order.
    assert!(strict_screen(&signature));

    let mut record = events[2].as_bytes().to_vec();
    let len = record.len();
    record[len - 64..].copy_from_slice(&signature);
    let crafted = SignedEvent::from_bytes(record.clone()).unwrap();
    assert_eq!(crafted.verify(), Err(VerifyError::BadSignature));
    let records = vec![
        events[0].as_bytes().to_vec(),
        events[1].as_bytes().to_vec(),
        record,
    ];
    let options = ChainOptions {
        mode: VerifyMode::Strict,
        ..ChainOptions::default()
    };
    let failure = verify_chain(&records, &options).unwrap_err();
    assert_eq!((failure.seq, failure.kind), (3, FailureKind::BadSignature));
}

#[test]
fn verify_events_checks_many_devices_and_names_the_culprit() {
    let mine = build_chain(40);
    let theirs = build_chain_with(other_key(), 40);
    let mut all: Vec<SignedEvent> = mine.iter().chain(theirs.iter()).cloned().collect();
    verify_events(&all).unwrap();
    let mut record = all[55].as_bytes().to_vec();
    let len = record.len();
    record[len - 2] ^= 0x10;
    all[55] = SignedEvent::from_bytes(record).unwrap();
    assert_eq!(verify_events(&all), Err((55, VerifyError::BadSignature)));
}

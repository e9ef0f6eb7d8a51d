//! Device keys: signing with a device's ed25519 key, strict single verification, and batch
//! verification that reaches the same verdict faster.
//!
//! Acceptance is `verify_strict` (canonical `S`, no small-order `R` or key). Batch
//! verification is only a faster path: every signature is first screened for what
//! `verify_strict` checks that a batch equation would not (non-canonical `S`, a non-canonical
//! or small-order `R`; keys are checked once: canonical, not weak, no torsion component),
//! and when a batch fails each signature is verified on its own to name the culprit.
//!
//! One gap remains, and no cheap screen closes it: a signature whose `R` has a torsion
//! component (`R = rB + T`, `T` of order 2, 4 or 8). Only the holder of the private key can
//! make one. `verify_strict` rejects it; the (cofactorless, randomized) batch equation
//! accepts it with probability up to 1/2 per such signature, because the random
//! coefficients vanish on `T` modulo its order. Excluding it needs a torsion check of every
//! `R` (a full scalar multiplication, more than twice the batch cost per signature). So
//! [`VerifyMode::Strict`] is the default and the auditor's path, and [`VerifyMode::Batch`]
//! is the ledger's throughput path, documented in `docs/EVENT-FORMAT.md`.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRngCore;

use crate::error::VerifyError;
use crate::types::DeviceId;

/// A device's private signing key. Lives in its own key file, never in a database or export.
#[derive(Clone)]
pub struct DeviceKey {
    signing: SigningKey,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", self.device_id())
    }
}

impl DeviceKey {
    /// The key derived from a 32-byte seed (the content of the key file).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// A fresh random key.
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(seed)
    }

    /// The 32-byte seed, to be written to the key file.
    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    /// The public key: the device's id.
    pub fn device_id(&self) -> DeviceId {
        DeviceId(self.signing.verifying_key().to_bytes())
    }

    /// Signs `message` (an event header) and returns the 64 signature bytes.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// A device's public key, checked once: a canonical encoding of a curve point that is not of
/// small order and has no torsion component.
#[derive(Debug, Clone)]
pub struct VerifierKey {
    id: DeviceId,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Checks and prepares `device` for verification.
    pub fn new(device: &DeviceId) -> Result<Self, VerifyError> {
        let key = VerifyingKey::from_bytes(device.as_bytes()).map_err(|_| VerifyError::BadKey)?;
        let point = CompressedEdwardsY(*device.as_bytes())
            .decompress()
            .ok_or(VerifyError::BadKey)?;
        if key.is_weak() || point.compress().0 != *device.as_bytes() || !point.is_torsion_free() {
            return Err(VerifyError::BadKey);
        }
        Ok(Self { id: *device, key })
    }

    /// The device id.
    pub fn device_id(&self) -> DeviceId {
        self.id
    }

    /// `verify_strict` of `signature` over `message`.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> Result<(), VerifyError> {
        let signature = Signature::from_bytes(signature);
        self.key
            .verify_strict(message, &signature)
            .map_err(|_| VerifyError::BadSignature)
    }
}

/// How signatures are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyMode {
    /// ed25519 batch verification after a strict screen; a failed batch is re-checked one
    /// signature at a time. The fast path; see the module docs for its one documented gap.
    Batch,
    /// `verify_strict` on every signature, one by one. Exact; the default.
    #[default]
    Strict,
}

/// Canonical encodings of the eight points of small order, plus the two encodings with the
/// sign bit set on a point whose x is 0 (the identity and the point of order 2), which
/// decompress to the same points.
const SMALL_ORDER_ENCODINGS: [[u8; 32]; 10] = [
    // Identity (y = 1), and with the sign bit set.
    hex32(b"0100000000000000000000000000000000000000000000000000000000000000"),
    hex32(b"0100000000000000000000000000000000000000000000000000000000000080"),
    // Order 2 (y = -1), and with the sign bit set.
    hex32(b"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex32(b"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    // Order 4 (y = 0).
    hex32(b"0000000000000000000000000000000000000000000000000000000000000000"),
    hex32(b"0000000000000000000000000000000000000000000000000000000000000080"),
    // Order 8.
    hex32(b"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    hex32(b"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    hex32(b"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex32(b"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
];

const fn hex32(text: &[u8; 64]) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]);
        i += 1;
    }
    out
}

/// Whether the 255-bit y coordinate of an encoded point is below p = 2^255 - 19.
fn y_is_canonical(encoding: &[u8; 32]) -> bool {
    // y >= p only when y is p .. 2^255 - 1: bytes 1..31 all 0xff, top byte 0x7f (ignoring
    // the sign bit), lowest byte at least 0xed.
    !(encoding[31] & 0x7f == 0x7f
        && encoding[1..31].iter().all(|&byte| byte == 0xff)
        && encoding[0] >= 0xed)
}

/// Whether `signature` passes the checks `verify_strict` makes that a batch equation does
/// not: canonical `S`; `R` a canonical encoding, not of a point of small order. Cheap: no
/// point arithmetic (an `R` that is not a point at all makes the batch fail, and the
/// one-by-one pass then names it).
pub fn strict_screen(signature: &[u8; 64]) -> bool {
    let mut r_bytes = [0u8; 32];
    r_bytes.copy_from_slice(&signature[..32]);
    let mut s_bytes = [0u8; 32];
    s_bytes.copy_from_slice(&signature[32..]);
    // S < L: the top three bits clear, then a full comparison.
    if s_bytes[31] & 0xe0 != 0 {
        return false;
    }
    let s_canonical: bool = curve25519_dalek::Scalar::from_canonical_bytes(s_bytes)
        .is_some()
        .into();
    s_canonical && y_is_canonical(&r_bytes) && !SMALL_ORDER_ENCODINGS.contains(&r_bytes)
}

/// Most signatures in one batch equation.
pub const MAX_BATCH: usize = 256;

/// Verifies `items` (message, signature) all by the same `key`. Returns the index of the
/// first signature that `verify_strict` rejects, if any. Never accepts a signature the
/// screen or `verify_strict` would reject (see the module docs for the one documented case).
pub fn verify_batch(key: &VerifierKey, items: &[(&[u8], &[u8; 64])]) -> Result<(), usize> {
    for (offset, chunk) in items.chunks(MAX_BATCH).enumerate() {
        let base = offset * MAX_BATCH;
        if let Err(index) = verify_chunk(key, chunk) {
            return Err(base + index);
        }
    }
    Ok(())
}

fn verify_chunk(key: &VerifierKey, items: &[(&[u8], &[u8; 64])]) -> Result<(), usize> {
    // Screen first: anything the batch equation would not catch is rejected here.
    for (index, (_, signature)) in items.iter().enumerate() {
        if !strict_screen(signature) {
            return Err(index);
        }
    }
    let messages: Vec<&[u8]> = items.iter().map(|(message, _)| *message).collect();
    let signatures: Vec<Signature> = items
        .iter()
        .map(|(_, signature)| Signature::from_bytes(signature))
        .collect();
    let keys = vec![key.key; items.len()];
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return Ok(());
    }
    // The batch failed: find the first culprit one by one.
    for (index, (message, signature)) in items.iter().enumerate() {
        if key.verify_strict(message, signature).is_err() {
            return Err(index);
        }
    }
    // A failed batch whose signatures all verify alone cannot happen with a correct
    // implementation; treat the first one as the culprit rather than accept the batch.
    Err(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte screen agrees with point arithmetic on every encoding near the edges.
    #[test]
    fn the_byte_screen_matches_decompression() {
        let mut candidates: Vec<[u8; 32]> = SMALL_ORDER_ENCODINGS.to_vec();
        for low in 0u8..=255 {
            for top in [0x00, 0x7f, 0x80, 0xff] {
                let mut near_p = [0xffu8; 32];
                near_p[0] = low;
                near_p[31] = top;
                candidates.push(near_p);
                let mut small = [0u8; 32];
                small[0] = low;
                small[31] = top & 0x80;
                candidates.push(small);
            }
        }
        let s = [0u8; 32];
        for r in candidates {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&r);
            signature[32..].copy_from_slice(&s);
            let by_points = match CompressedEdwardsY(r).decompress() {
                Some(point) => !point.is_small_order() && point.compress().0 == r,
                // Not a point: the screen may pass it; the batch then fails on it.
                None => continue,
            };
            assert_eq!(strict_screen(&signature), by_points, "{}", hex::encode(r));
        }
    }
}

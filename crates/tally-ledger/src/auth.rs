//! How a device authenticates a request: a domain signature (`tally_events::domain`, the
//! project's rule for every signature that is not an event's) under the label
//! `tally.ledger-request.v1`, so that a request signature can never pass for an event
//! signature (event headers start with `TLEV`, domain-signed bytes with `TALLYSIG`) nor for an
//! export trailer's (another label). The message:
//!
//! ```text
//! <origin>\n <METHOD>\n <path and query>\n <timestamp unix ms>\n <hex SHA-256 of the body>\n
//! ```
//!
//! Headers: `Tally-Device` (hex key), `Tally-Timestamp`, `Tally-Body-SHA256` (hex), and
//! `Tally-Signature` (base64 of the 64-byte ed25519 signature, checked with `verify_strict`).
//! A body whose hash differs from `Tally-Body-SHA256` was damaged on the way: a retryable
//! error, checked before the signature. Every device request is idempotent (a re-sent push
//! gets the same receipts), so a replayed request changes nothing; the timestamp is kept for
//! the logs.

use sha2::{Digest, Sha256};
use tally_events::domain::{verify_domain, DomainError};
use tally_events::DeviceId;

use crate::error::Refusal;
use crate::tlog::unb64;

// The client's half (what a device signs) lives in `tally-ledger-client`, shared with `tallyd`.
pub use tally_ledger_client::request::{
    request_message, sign_request, HEADER_BODY_SHA256, HEADER_DEVICE, HEADER_SIGNATURE,
    HEADER_TIMESTAMP, REQUEST_LABEL,
};

/// The request headers as received (absent ones `None`).
#[derive(Debug, Clone, Default)]
pub struct RequestHeaders {
    /// `Tally-Device`.
    pub device: Option<String>,
    /// `Tally-Timestamp`.
    pub timestamp: Option<String>,
    /// `Tally-Body-SHA256`.
    pub body_sha256: Option<String>,
    /// `Tally-Signature`.
    pub signature: Option<String>,
}

/// Checks the body hash (a mismatch is [`Refusal::GarbledUpload`]) and then the device's
/// signature; returns the authenticated device key. Whether the device is enrolled is the
/// caller's check.
pub fn authenticate(
    headers: &RequestHeaders,
    origin: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<DeviceId, Refusal> {
    let unauthenticated = |reason: &str| Refusal::Unauthenticated {
        reason: reason.to_owned(),
    };
    let claimed = headers
        .body_sha256
        .as_deref()
        .ok_or_else(|| unauthenticated("the Tally-Body-SHA256 header is missing"))?;
    let actual = hex::encode(Sha256::digest(body));
    if !claimed.eq_ignore_ascii_case(&actual) {
        return Err(Refusal::GarbledUpload);
    }
    let device = headers
        .device
        .as_deref()
        .and_then(DeviceId::from_hex)
        .ok_or_else(|| unauthenticated("the Tally-Device header is missing or not a key"))?;
    let timestamp: i64 = headers
        .timestamp
        .as_deref()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| unauthenticated("the Tally-Timestamp header is missing"))?;
    let signature: [u8; 64] = headers
        .signature
        .as_deref()
        .and_then(unb64)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| unauthenticated("the Tally-Signature header is missing or malformed"))?;
    let message = request_message(origin, method, path, timestamp, &actual);
    match verify_domain(&device, REQUEST_LABEL, &message, &signature) {
        Ok(()) => Ok(device),
        Err(DomainError::BadKey) => Err(Refusal::WeakKey),
        Err(_) => Err(unauthenticated("the signature does not verify")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, String)]) -> RequestHeaders {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        RequestHeaders {
            device: get(HEADER_DEVICE),
            timestamp: get(HEADER_TIMESTAMP),
            body_sha256: get(HEADER_BODY_SHA256),
            signature: get(HEADER_SIGNATURE),
        }
    }

    use tally_events::domain::DomainSigner;
    use tally_events::DeviceKey;

    #[test]
    fn a_signed_request_authenticates_and_every_change_is_caught() {
        let key = DomainSigner::new(DeviceKey::from_seed([7; 32]));
        let signed = sign_request(&key, "o.example/log", "POST", "/v1/push", 5, b"body").unwrap();
        let h = headers(&signed);
        assert_eq!(
            authenticate(&h, "o.example/log", "POST", "/v1/push", b"body"),
            Ok(key.device_id())
        );
        // A damaged body is a retryable error, not an authentication failure.
        assert_eq!(
            authenticate(&h, "o.example/log", "POST", "/v1/push", b"bodx"),
            Err(Refusal::GarbledUpload)
        );
        for (origin, method, path) in [
            ("other.example/log", "POST", "/v1/push"),
            ("o.example/log", "GET", "/v1/push"),
            ("o.example/log", "POST", "/v1/enroll"),
        ] {
            assert!(matches!(
                authenticate(&h, origin, method, path, b"body"),
                Err(Refusal::Unauthenticated { .. })
            ));
        }
        let mut other = h.clone();
        other.timestamp = Some("6".into());
        assert!(authenticate(&other, "o.example/log", "POST", "/v1/push", b"body").is_err());
        let mut other = h.clone();
        other.device = Some(DeviceKey::from_seed([8; 32]).device_id().to_string());
        assert!(authenticate(&other, "o.example/log", "POST", "/v1/push", b"body").is_err());
        let mut other = h;
        other.signature = None;
        assert!(authenticate(&other, "o.example/log", "POST", "/v1/push", b"body").is_err());
    }

    #[test]
    fn a_request_signature_is_no_event_or_trailer_signature() {
        let key = DeviceKey::from_seed([7; 32]);
        let signer = DomainSigner::new(DeviceKey::from_seed([7; 32]));
        let message = request_message("o", "POST", "/v1/push", 0, "00");
        let signature = signer.sign(REQUEST_LABEL, &message).unwrap();
        // Not valid over the bare message (as an event signature would be made) ...
        let verifier = tally_events::VerifierKey::new(&key.device_id()).unwrap();
        assert!(verifier.verify_strict(&message, &signature).is_err());
        // ... nor under the export trailer's label.
        assert!(verify_domain(
            &key.device_id(),
            "tally.export-trailer.v1",
            &message,
            &signature
        )
        .is_err());
        // And a plain signature of the message does not authenticate a request.
        let plain = key.sign(&message);
        assert!(verify_domain(&key.device_id(), REQUEST_LABEL, &message, &plain).is_err());
    }
}

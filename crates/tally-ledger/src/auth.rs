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

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use tally_events::domain::{verify_domain, DomainError};
use tally_events::DeviceId;

use crate::error::Refusal;
use crate::tlog::unb64;

// The client's half (what a device or an operator signs) lives in `tally-ledger-client`,
// shared with `tallyd`.
pub use tally_ledger_client::request::{
    request_message, sign_as, sign_request, Scheme, HEADER_BODY_SHA256, HEADER_DEVICE,
    HEADER_OPERATOR, HEADER_SESSION, HEADER_SIGNATURE, HEADER_TIMESTAMP, OPERATOR_LABEL,
    REQUEST_LABEL,
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

/// The signature headers of a request as received, whoever signed it: `key` is the value of
/// the scheme's key header (`Tally-Device` or `Tally-Operator`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedParts<'a> {
    /// The key header.
    pub key: Option<&'a str>,
    /// `Tally-Timestamp`.
    pub timestamp: Option<&'a str>,
    /// `Tally-Body-SHA256`.
    pub body_sha256: Option<&'a str>,
    /// `Tally-Signature`.
    pub signature: Option<&'a str>,
}

impl<'a> SignedParts<'a> {
    /// The parts `scheme` signs with, read from HTTP headers (a value that is not text counts
    /// as absent).
    pub fn from_headers(scheme: Scheme, headers: &'a HeaderMap) -> Self {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Self {
            key: get(scheme.key_header()),
            timestamp: get(HEADER_TIMESTAMP),
            body_sha256: get(HEADER_BODY_SHA256),
            signature: get(HEADER_SIGNATURE),
        }
    }
}

/// An authenticated request: the key that signed it and the time it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    /// The signing key.
    pub key: DeviceId,
    /// `Tally-Timestamp`, Unix milliseconds (as the signer's clock had it).
    pub timestamp_ms: i64,
    /// The signature (a sign-in request is answered once: the ledger keeps its hash).
    pub signature: [u8; 64],
}

/// The one request-signature check, for devices and operators alike: the body hash first (a
/// mismatch is [`Refusal::GarbledUpload`], retryable), then the signature under the scheme's
/// label with `verify_strict`. Whether the key is enrolled (or a registered operator) is the
/// caller's check.
pub fn verify_signed(
    scheme: Scheme,
    parts: &SignedParts<'_>,
    origin: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Signed, Refusal> {
    let unauthenticated = |reason: String| Refusal::Unauthenticated { reason };
    let claimed = parts
        .body_sha256
        .ok_or_else(|| unauthenticated("the Tally-Body-SHA256 header is missing".into()))?;
    let actual = hex::encode(Sha256::digest(body));
    if !claimed.eq_ignore_ascii_case(&actual) {
        return Err(Refusal::GarbledUpload);
    }
    let key = parts.key.and_then(DeviceId::from_hex).ok_or_else(|| {
        unauthenticated(format!(
            "the {} header is missing or not a key",
            scheme.key_header_name()
        ))
    })?;
    let timestamp_ms: i64 = parts
        .timestamp
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| unauthenticated("the Tally-Timestamp header is missing".into()))?;
    let signature: [u8; 64] = parts
        .signature
        .and_then(unb64)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| {
            unauthenticated("the Tally-Signature header is missing or malformed".into())
        })?;
    let message = request_message(origin, method, path, timestamp_ms, &actual);
    match verify_domain(&key, scheme.label(), &message, &signature) {
        Ok(()) => Ok(Signed {
            key,
            timestamp_ms,
            signature,
        }),
        Err(DomainError::BadKey) => Err(Refusal::WeakKey),
        Err(_) => Err(unauthenticated("the signature does not verify".into())),
    }
}

/// Checks a device request ([`verify_signed`] as [`Scheme::Device`]); returns the
/// authenticated device key. Whether the device is enrolled is the caller's check.
pub fn authenticate(
    headers: &RequestHeaders,
    origin: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<DeviceId, Refusal> {
    let parts = SignedParts {
        key: headers.device.as_deref(),
        timestamp: headers.timestamp.as_deref(),
        body_sha256: headers.body_sha256.as_deref(),
        signature: headers.signature.as_deref(),
    };
    verify_signed(Scheme::Device, &parts, origin, method, path, body).map(|s| s.key)
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

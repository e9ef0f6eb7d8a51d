//! How a device signs a request: a domain signature (`tally_events::domain`) under the label
//! [`REQUEST_LABEL`] over
//!
//! ```text
//! <origin>\n <METHOD>\n <path and query>\n <timestamp unix ms>\n <hex SHA-256 of the body>\n
//! ```
//!
//! sent as the headers `Tally-Device`, `Tally-Timestamp`, `Tally-Body-SHA256` and
//! `Tally-Signature`. The server's check is `tally_ledger::auth::authenticate`.
//!
//! An operator (admin, supervisor) signs the same message under another label,
//! [`OPERATOR_LABEL`], and names its key in `Tally-Operator` instead of `Tally-Device`
//! ([`sign_operator_request`]; the server's check is
//! `tally_ledger::credentials::authenticate_operator`): a device's request signature never
//! passes for an operator's, nor the other way round.

use sha2::{Digest, Sha256};
use tally_events::domain::{DomainError, DomainSigner};

use crate::b64;

/// The domain label of request signatures.
pub const REQUEST_LABEL: &str = "tally.ledger-request.v1";
/// Header: the device key, hex.
pub const HEADER_DEVICE: &str = "tally-device";
/// Header: the request time, Unix milliseconds.
pub const HEADER_TIMESTAMP: &str = "tally-timestamp";
/// Header: hex SHA-256 of the body.
pub const HEADER_BODY_SHA256: &str = "tally-body-sha256";
/// Header: base64 ed25519 signature of the request message.
pub const HEADER_SIGNATURE: &str = "tally-signature";
/// The domain label of operator request signatures.
pub const OPERATOR_LABEL: &str = "tally.ledger-operator-request.v1";
/// Header: the operator key, hex (instead of [`HEADER_DEVICE`]).
pub const HEADER_OPERATOR: &str = "tally-operator";

/// The message a device signs (under [`REQUEST_LABEL`]) for a request.
pub fn request_message(
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body_sha256_hex: &str,
) -> Vec<u8> {
    format!("{origin}\n{method}\n{path}\n{timestamp_ms}\n{body_sha256_hex}\n").into_bytes()
}

/// The headers a device sends with a request (name, value).
pub fn sign_request(
    signer: &DomainSigner,
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, DomainError> {
    let body_hash = hex::encode(Sha256::digest(body));
    let message = request_message(origin, method, path, timestamp_ms, &body_hash);
    let signature = signer.sign(REQUEST_LABEL, &message)?;
    Ok(vec![
        (HEADER_DEVICE, signer.device_id().to_string()),
        (HEADER_TIMESTAMP, timestamp_ms.to_string()),
        (HEADER_BODY_SHA256, body_hash),
        (HEADER_SIGNATURE, b64(&signature)),
    ])
}

/// The headers an operator sends with a request (name, value): the message of
/// [`request_message`] signed under [`OPERATOR_LABEL`], the key in [`HEADER_OPERATOR`].
pub fn sign_operator_request(
    signer: &DomainSigner,
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, DomainError> {
    let body_hash = hex::encode(Sha256::digest(body));
    let message = request_message(origin, method, path, timestamp_ms, &body_hash);
    let signature = signer.sign(OPERATOR_LABEL, &message)?;
    Ok(vec![
        (HEADER_OPERATOR, signer.device_id().to_string()),
        (HEADER_TIMESTAMP, timestamp_ms.to_string()),
        (HEADER_BODY_SHA256, body_hash),
        (HEADER_SIGNATURE, b64(&signature)),
    ])
}

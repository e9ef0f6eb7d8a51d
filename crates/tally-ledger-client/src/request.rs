//! How a request to the ledger is signed: a domain signature (`tally_events::domain`) over
//!
//! ```text
//! <origin>\n <METHOD>\n <path and query>\n <timestamp unix ms>\n <hex SHA-256 of the body>\n
//! ```
//!
//! sent as the headers `Tally-Device` (or `Tally-Operator`), `Tally-Timestamp`,
//! `Tally-Body-SHA256` and `Tally-Signature`. Who signs decides the domain label and the
//! header that names the key ([`Scheme`]): a device under [`REQUEST_LABEL`], an operator
//! credential (admin or supervisor key) under [`OPERATOR_LABEL`], so that one's signature
//! never passes for the other's. The server's one check of both is
//! `tally_ledger::auth::verify_signed`.

use sha2::{Digest, Sha256};
use tally_events::domain::{DomainError, DomainSigner};

use crate::b64;

/// The domain label of device request signatures.
pub const REQUEST_LABEL: &str = "tally.ledger-request.v1";
/// The domain label of operator request signatures.
pub const OPERATOR_LABEL: &str = "tally.ledger-operator-request.v1";
/// Header: the device key, hex.
pub const HEADER_DEVICE: &str = "tally-device";
/// Header: the operator key, hex.
pub const HEADER_OPERATOR: &str = "tally-operator";
/// Header: the request time, Unix milliseconds.
pub const HEADER_TIMESTAMP: &str = "tally-timestamp";
/// Header: hex SHA-256 of the body.
pub const HEADER_BODY_SHA256: &str = "tally-body-sha256";
/// Header: base64 ed25519 signature of the request message.
pub const HEADER_SIGNATURE: &str = "tally-signature";
/// Header: a supervisor session token (`POST /v1/supervisor/session`), sent with the device's
/// own request signature.
pub const HEADER_SESSION: &str = "tally-session";

/// Who signs a request: the domain label and the header naming the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// An enrolled device's key (`Tally-Device`, [`REQUEST_LABEL`]).
    Device,
    /// An operator credential: an admin or supervisor key (`Tally-Operator`,
    /// [`OPERATOR_LABEL`]).
    Operator,
}

impl Scheme {
    /// The domain label its signatures are made under.
    pub fn label(self) -> &'static str {
        match self {
            Scheme::Device => REQUEST_LABEL,
            Scheme::Operator => OPERATOR_LABEL,
        }
    }

    /// The header that names the key (lower case, as HTTP/2 sends it).
    pub fn key_header(self) -> &'static str {
        match self {
            Scheme::Device => HEADER_DEVICE,
            Scheme::Operator => HEADER_OPERATOR,
        }
    }

    /// The header's name as documented, for messages.
    pub fn key_header_name(self) -> &'static str {
        match self {
            Scheme::Device => "Tally-Device",
            Scheme::Operator => "Tally-Operator",
        }
    }
}

/// The message a request signature covers.
pub fn request_message(
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body_sha256_hex: &str,
) -> Vec<u8> {
    format!("{origin}\n{method}\n{path}\n{timestamp_ms}\n{body_sha256_hex}\n").into_bytes()
}

/// The headers of a request signed by `signer` as `scheme` (name, value).
pub fn sign_as(
    scheme: Scheme,
    signer: &DomainSigner,
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, DomainError> {
    let body_hash = hex::encode(Sha256::digest(body));
    let message = request_message(origin, method, path, timestamp_ms, &body_hash);
    let signature = signer.sign(scheme.label(), &message)?;
    Ok(vec![
        (scheme.key_header(), signer.device_id().to_string()),
        (HEADER_TIMESTAMP, timestamp_ms.to_string()),
        (HEADER_BODY_SHA256, body_hash),
        (HEADER_SIGNATURE, b64(&signature)),
    ])
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
    sign_as(
        Scheme::Device,
        signer,
        origin,
        method,
        path,
        timestamp_ms,
        body,
    )
}

/// The headers an operator credential sends with a request (name, value).
pub fn sign_operator_request(
    signer: &DomainSigner,
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, DomainError> {
    sign_as(
        Scheme::Operator,
        signer,
        origin,
        method,
        path,
        timestamp_ms,
        body,
    )
}

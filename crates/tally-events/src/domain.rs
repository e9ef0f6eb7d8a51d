//! Signatures over messages that are not events, under a domain label, so that no such
//! signature can ever pass for an event's.
//!
//! An event signature covers an event header, which starts with [`crate::event::EVENT_MAGIC`]
//! (`TLEV`). A domain signature covers `TALLYSIG` ‖ `u8` label length ‖ label ‖ message: its
//! first four bytes are `TALL`, never `TLEV`, so the signed bytes of a domain signature are
//! never an event header, and the label separates one use (an export trailer, authentication
//! to the ledger) from another. Labels are 1 to 64 bytes of lowercase ASCII letters, digits,
//! `.`, `-` and `_`; labels naming the event domain (`event`, `events`, or starting with
//! `tlev`) are refused, so a reader never has to wonder which domain a label means.
//!
//! Processes other than the one recording (the sync daemon, `tally log export`) use this and
//! never [`DeviceKey::sign`] directly.

use thiserror::Error;

use crate::key::{DeviceKey, VerifierKey};
use crate::types::DeviceId;

/// The 8 bytes every domain-signed message starts with.
pub const DOMAIN_MAGIC: [u8; 8] = *b"TALLYSIG";
/// Longest domain label, in bytes.
pub const MAX_LABEL_BYTES: usize = 64;

/// Why a domain signature could not be made or checked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// The label is empty, too long or has characters outside `a-z 0-9 . - _`.
    BadLabel(String),
    /// The label names the event signing domain.
    EventDomain(String),
    /// The signature does not verify for this key, label and message.
    BadSignature,
    /// The public key is not a valid device key.
    BadKey,
}

/// A checked domain label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainLabel(String);

impl DomainLabel {
    /// Checks `label`.
    pub fn new(label: &str) -> Result<Self, DomainError> {
        let valid = !label.is_empty()
            && label.len() <= MAX_LABEL_BYTES
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !valid {
            return Err(DomainError::BadLabel(label.to_owned()));
        }
        if label == "event" || label == "events" || label.starts_with("tlev") {
            return Err(DomainError::EventDomain(label.to_owned()));
        }
        Ok(Self(label.to_owned()))
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bytes actually signed for `message` under this label.
    pub fn signed_bytes(&self, message: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(DOMAIN_MAGIC.len() + 1 + self.0.len() + message.len());
        out.extend_from_slice(&DOMAIN_MAGIC);
        out.push(self.0.len() as u8);
        out.extend_from_slice(self.0.as_bytes());
        out.extend_from_slice(message);
        out
    }
}

/// Signs `message` with `key` under the domain `label`.
pub fn sign_domain(key: &DeviceKey, label: &str, message: &[u8]) -> Result<[u8; 64], DomainError> {
    let label = DomainLabel::new(label)?;
    Ok(key.sign(&label.signed_bytes(message)))
}

/// A device key that can sign only under domain labels, never an event: what processes other
/// than the one recording (the sync daemon, an export) hold.
pub struct DomainSigner {
    key: DeviceKey,
}

impl std::fmt::Debug for DomainSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DomainSigner({})", self.key.device_id())
    }
}

impl DomainSigner {
    /// Wraps `key`.
    pub fn new(key: DeviceKey) -> Self {
        Self { key }
    }

    /// The device id (public key).
    pub fn device_id(&self) -> DeviceId {
        self.key.device_id()
    }

    /// Signs `message` under `label` (see [`sign_domain`]).
    pub fn sign(&self, label: &str, message: &[u8]) -> Result<[u8; 64], DomainError> {
        sign_domain(&self.key, label, message)
    }
}

/// Checks a signature made by [`sign_domain`].
pub fn verify_domain(
    device: &DeviceId,
    label: &str,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), DomainError> {
    let label = DomainLabel::new(label)?;
    let key = VerifierKey::new(device).map_err(|_| DomainError::BadKey)?;
    key.verify_strict(&label.signed_bytes(message), signature)
        .map_err(|_| DomainError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EVENT_MAGIC;

    fn key() -> DeviceKey {
        DeviceKey::from_seed([9; 32])
    }

    #[test]
    fn a_domain_signature_verifies_only_under_its_label_and_message() {
        let sig = sign_domain(&key(), "export-trailer", b"count=3").unwrap();
        let id = key().device_id();
        verify_domain(&id, "export-trailer", b"count=3", &sig).unwrap();
        assert_eq!(
            verify_domain(&id, "ledger-auth", b"count=3", &sig),
            Err(DomainError::BadSignature)
        );
        assert_eq!(
            verify_domain(&id, "export-trailer", b"count=4", &sig),
            Err(DomainError::BadSignature)
        );
    }

    #[test]
    fn labels_of_the_event_domain_and_malformed_labels_are_refused() {
        for label in ["event", "events", "tlev", "tlev-anything"] {
            assert!(matches!(
                sign_domain(&key(), label, b"x"),
                Err(DomainError::EventDomain(_))
            ));
        }
        for label in ["", "TLEV", "Export", "a b", &"x".repeat(65), "é"] {
            assert!(matches!(
                sign_domain(&key(), label, b"x"),
                Err(DomainError::BadLabel(_))
            ));
        }
    }

    #[test]
    fn signed_bytes_never_start_like_an_event_header() {
        let label = DomainLabel::new("x").unwrap();
        let bytes = label.signed_bytes(&EVENT_MAGIC);
        assert_ne!(bytes[..4], EVENT_MAGIC);
    }
}

//! Signing in: a badge and a PIN checked against the user table; witnesses sign in the same way
//! on the same device for the one action they witness.
//!
//! PIN hashes are `sha256:<salt hex>:<digest hex>` with digest = SHA-256(salt ‖ badge ‖ 0x00 ‖
//! PIN). A PIN is short, so the hash only keeps it out of plain sight in the replica; the
//! replica file itself is protected by the device.

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest as _, Sha256};

use tally_events::payload::{Role, SignInPurpose, UserSignedIn};
use tally_events::Payload;

use super::{Plan, StepResult, ID_LEN_MAX};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::Refusal;

/// The person signed in on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Badge id (the actor of every event).
    pub badge: String,
    /// Role.
    pub role: Role,
}

impl Session {
    /// Refuses unless a supervisor or admin.
    pub fn require_supervisor(&self) -> Result<(), Refusal> {
        match self.role {
            Role::Supervisor | Role::Admin => Ok(()),
            Role::Operator | Role::Auditor => Err(Refusal::NotSupervisor {
                badge: self.badge.clone(),
            }),
        }
    }
}

/// Hashes a PIN for the user table.
pub fn hash_pin(badge: &str, pin: &str, salt: &[u8; 16]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(badge.as_bytes());
    hasher.update([0u8]);
    hasher.update(pin.as_bytes());
    format!(
        "sha256:{}:{}",
        hex::encode(salt),
        hex::encode(hasher.finalize())
    )
}

fn pin_matches(stored: &str, badge: &str, pin: &str) -> bool {
    let mut parts = stored.split(':');
    let (Some("sha256"), Some(salt_hex), Some(digest_hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let mut salt = [0u8; 16];
    if hex::decode_to_slice(salt_hex, &mut salt).is_err() {
        return false;
    }
    let expected = hash_pin(badge, pin, &salt);
    // Both strings have the same shape; compare every byte regardless of where they differ.
    let fresh = expected.rsplit(':').next().unwrap_or_default();
    fresh.len() == digest_hex.len()
        && fresh
            .bytes()
            .zip(digest_hex.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Checks a badge and PIN without recording anything (used for witnesses).
pub fn authenticate(view: &Connection, badge: &str, pin: &str) -> Result<Session, ReplicaError> {
    let badge = badge.trim();
    if badge.is_empty() || badge.len() > ID_LEN_MAX || pin.len() > ID_LEN_MAX {
        return Err(Refusal::UnknownUser {
            badge: badge.chars().take(ID_LEN_MAX).collect(),
        }
        .into());
    }
    let row: Option<(String, String, bool)> = view
        .prepare_cached("SELECT role, pin_hash, active FROM users WHERE badge = ?1")?
        .query_row([badge], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((role, pin_hash, true)) = row else {
        return Err(Refusal::UnknownUser {
            badge: badge.to_owned(),
        }
        .into());
    };
    if !pin_matches(&pin_hash, badge, pin) {
        return Err(Refusal::WrongPin {
            badge: badge.to_owned(),
        }
        .into());
    }
    let role = model::parse_role(&role)
        .ok_or_else(|| ReplicaError::Storage(format!("user {badge} has an unknown role {role}")))?;
    Ok(Session {
        badge: badge.to_owned(),
        role,
    })
}

/// Signs a user in: records who is now working this device.
pub fn sign_in(view: &Connection, badge: &str, pin: &str) -> StepResult<Session> {
    let session = authenticate(view, badge, pin)?;
    let fact = Payload::UserSignedIn(UserSignedIn {
        badge: session.badge.clone(),
        purpose: SignInPurpose::Session,
    });
    Ok(Plan::new(session, vec![fact]))
}

//! Supervisor sessions: how a supervisor (or an admin or auditor) signed in on an enrolled
//! device of a facility reads that facility's projections, by their own credentials.
//!
//! **Sign-in** (`POST /v1/supervisor/session`): the device signs the request with its key
//! (`crate::auth`, the device scheme) and the body carries the badge and the PIN as typed
//! ([`SessionRequest`]). The ledger checks, in this order:
//! 1. the request's time is within [`REQUEST_SKEW_MS`] of the ledger's clock;
//! 2. the device is enrolled, not revoked, not forked; the user is looked up in the
//!    **device's** facility (a supervisor of another facility is unknown here);
//! 3. the badge is not locked out ([`SIGN_IN_FAILURES_MAX`] wrong PINs in
//!    [`LOCKOUT_MS`]: `tally_events::pin::LOCKOUT`, the rule a device's sign-in uses too);
//! 4. the PIN against the ledger's Argon2id verifier (`ledger_users`); an unknown badge, a
//!    deactivated user and a wrong PIN get one refusal, after the same Argon2 work;
//! 5. the role: `supervisor`, `admin` or `auditor` ([`PROJECTION_ROLES`]); an operator (a
//!    counter) is refused even with the right PIN;
//! 6. the request was never answered before (the SHA-256 of its signature is stored with the
//!    session, unique): a captured sign-in sent again opens nothing.
//!
//! The answer is a random 32-byte token (hex) that lasts [`SESSION_TTL_MS`]; the ledger keeps
//! only its SHA-256, with the device, facility, badge and role (`supervisor_sessions`).
//!
//! **Use**: every projection request of a session carries the token in `Tally-Session` **and**
//! the same device's request signature, with a fresh time. The ledger checks each time that
//! the token is one it issued to that device and has not ended, that the device is still
//! enrolled and not revoked, and that the user is still active with a role of
//! [`PROJECTION_ROLES`] at the ledger: revoking the device or deactivating the user ends the
//! session at once. A session reads its own facility's rows only.

use sha2::{Digest, Sha256};
use tally_events::pin::{hash_guess, PinParams, PinVerifier, LOCKOUT, SALT_LEN};

use crate::auth::Signed;
use crate::error::{LedgerError, Refusal};
use crate::ledger::Ledger;
use crate::ops_store::{SessionRow, UserRow};
use crate::store::Store;

pub use tally_ledger_client::projections::{SessionGrant, SessionRequest};

/// How long a session lasts.
pub const SESSION_TTL_MS: i64 = 15 * 60 * 1000;
/// How far a session request's time may be from the ledger's clock.
pub const REQUEST_SKEW_MS: i64 = 5 * 60 * 1000;
/// Wrong PINs that lock a badge out at the ledger: the devices' rule ([`LOCKOUT`]).
pub const SIGN_IN_FAILURES_MAX: i64 = LOCKOUT.wrong_pins as i64;
/// How long the wrong PINs are counted, and the lockout they cause ([`LOCKOUT`]).
pub const LOCKOUT_MS: i64 = LOCKOUT.window_ms;
/// The roles that may read the projections.
pub const PROJECTION_ROLES: &[&str] = &["supervisor", "admin", "auditor"];

/// Who a session is: what a projection route learns from a valid session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionHolder {
    /// The facility the session may read.
    pub facility: String,
    /// The user's badge.
    pub badge: String,
    /// The user's role now.
    pub role: String,
    /// The device, hex.
    pub device_id: String,
}

fn fresh(signed: &Signed, now_unix_ms: i64) -> Result<(), Refusal> {
    if (now_unix_ms - signed.timestamp_ms).abs() > REQUEST_SKEW_MS {
        return Err(Refusal::StaleRequest {
            minutes: REQUEST_SKEW_MS / 60_000,
        });
    }
    Ok(())
}

fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `pin` opens `user`'s verifier. Every call does one Argon2id guess, also for a user
/// that does not exist, is deactivated or has no verifier (with the production parameters and
/// a fixed salt), so the answer's time does not tell them apart.
fn pin_opens(user: Option<&UserRow>, pin: &str) -> bool {
    let verifier = user
        .filter(|u| u.active)
        .and_then(|u| u.pin_verifier.as_deref())
        .and_then(|phc| PinVerifier::parse(phc).ok());
    match verifier {
        Some(v) => hash_guess(&v.params, &v.salt, pin).is_ok_and(|out| same_bytes(&out, &v.output)),
        None => {
            let _ = hash_guess(&PinParams::PRODUCTION, &[0u8; SALT_LEN], pin);
            false
        }
    }
}

/// Opens a session for the supervisor of `request` on the device that signed it (`signed`,
/// already checked by `crate::auth::verify_signed`).
pub fn open_session<S: Store>(
    ledger: &Ledger<S>,
    signed: &Signed,
    request: &SessionRequest,
    now_unix_ms: i64,
) -> Result<SessionGrant, LedgerError> {
    fresh(signed, now_unix_ms)?;
    let device = ledger.check_device(&signed.key)?;
    let store = ledger.store();
    let badge = request.badge.trim();
    if let Some((failures, since)) = store.sign_in_failures(&device.facility, badge)? {
        let left = since + LOCKOUT_MS - now_unix_ms;
        if LOCKOUT.locks(u64::try_from(failures).unwrap_or(0)) && left > 0 {
            return Err(Refusal::SignInLocked {
                minutes: (left + 59_999) / 60_000,
            }
            .into());
        }
    }
    let user = store.user(&device.facility, badge)?;
    if !pin_opens(user.as_ref(), &request.pin) {
        if user.is_some() {
            store.record_sign_in_failure(&device.facility, badge, now_unix_ms, LOCKOUT_MS)?;
        }
        return Err(Refusal::SignInRefused.into());
    }
    let user = user.ok_or(Refusal::SignInRefused)?;
    store.clear_sign_in_failures(&device.facility, badge)?;
    if !PROJECTION_ROLES.contains(&user.role.as_str()) {
        return Err(Refusal::NotSupervisor { badge: user.badge }.into());
    }
    let mut token = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut token);
    let token = hex::encode(token);
    let row = SessionRow {
        token_sha256: Sha256::digest(token.as_bytes()).into(),
        request_sha256: Sha256::digest(signed.signature).into(),
        device_id: signed.key.0,
        facility: device.facility.clone(),
        badge: user.badge.clone(),
        role: user.role.clone(),
        created_unix_ms: now_unix_ms,
        expires_unix_ms: now_unix_ms + SESSION_TTL_MS,
    };
    if !store.insert_session(&row)? {
        return Err(Refusal::Replayed.into());
    }
    Ok(SessionGrant {
        token,
        device_id: signed.key.to_string(),
        facility: device.facility,
        badge: user.badge,
        name: user.name,
        role: user.role,
        expires_unix_ms: row.expires_unix_ms,
    })
}

/// Checks a session's use: `token` from `Tally-Session`, `signed` the request's device
/// signature (already verified).
pub fn check_session<S: Store>(
    ledger: &Ledger<S>,
    signed: &Signed,
    token: &str,
    now_unix_ms: i64,
) -> Result<SessionHolder, LedgerError> {
    fresh(signed, now_unix_ms)?;
    let store = ledger.store();
    let hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
    let row = store.session(&hash)?.ok_or(Refusal::SessionInvalid)?;
    if row.device_id != signed.key.0 {
        return Err(Refusal::SessionInvalid.into());
    }
    if now_unix_ms >= row.expires_unix_ms {
        return Err(Refusal::SessionExpired.into());
    }
    let device = ledger.check_device(&signed.key)?;
    if device.facility != row.facility {
        return Err(Refusal::SessionInvalid.into());
    }
    let user = store
        .user(&row.facility, &row.badge)?
        .filter(|u| u.active && PROJECTION_ROLES.contains(&u.role.as_str()))
        .ok_or(Refusal::SessionInvalid)?;
    Ok(SessionHolder {
        facility: row.facility,
        badge: row.badge,
        role: user.role,
        device_id: signed.key.to_string(),
    })
}

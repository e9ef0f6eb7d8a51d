//! Signing in: a badge and a PIN checked against the device's PIN verifiers (outside the view
//! and the log, see [`crate::pins`]); witnesses are checked the same way for the one action
//! they witness; lockouts after too many wrong PINs and their lifting by a supervisor.
//!
//! The rules:
//! - One refusal ([`Refusal::SignInRefused`]) for an unknown or inactive badge, a badge
//!   without a verifier and a wrong PIN, and one Argon2id run in every case, so neither the
//!   answer nor its time tells which badges exist.
//! - [`crate::pins::WRONG_PINS_BEFORE_LOCKOUT`] wrong PINs in a row on a badge (known or not)
//!   lock it for [`crate::pins::LOCKOUT_MS`] of facility time: a signed `UserLockedOut`
//!   event. A locked badge is refused even with the right PIN ([`Refusal::BadgeLockedOut`],
//!   "ask a supervisor to unlock it") and its attempts are not counted.
//! - A supervisor lifts a lockout with [`unlock`] (a signed `UserUnlocked`), never their own
//!   badge and never while locked themselves.
//!
//! [`check`] is the one step that writes outside the view: it counts wrong PINs in the local
//! `pin_attempts` table, and its plan carries a lockout even when it refuses; so it runs through
//! [`crate::Replica::sign_in`] and [`crate::Replica::witness`], which commit both.

use rusqlite::{Connection, OptionalExtension};

use tally_events::payload::{Role, SignInPurpose, UserLockedOut, UserSignedIn, UserUnlocked};
use tally_events::{Payload, PinPepper};

use super::{Plan, StepResult, ID_LEN_MAX};
use crate::error::ReplicaError;
use crate::model;
use crate::pins;
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

/// A witness whose badge and PIN were just checked on this device. Only
/// [`crate::Replica::witness`] makes one, so a step that takes a `Witness` knows the PIN was
/// checked (and counted toward a lockout when wrong).
#[derive(Debug, PartialEq, Eq)]
pub struct Witness {
    session: Session,
}

impl Witness {
    pub(crate) fn new(session: Session) -> Witness {
        Witness { session }
    }
    /// Badge id.
    pub fn badge(&self) -> &str {
        &self.session.badge
    }
    /// Role.
    pub fn role(&self) -> Role {
        self.session.role
    }
}

/// A badge as typed, trimmed and cut to at most [`ID_LEN_MAX`] bytes on a character boundary
/// (it becomes the actor of a lockout event).
pub fn badge_text(badge: &str) -> String {
    let badge = badge.trim();
    let mut end = badge.len().min(ID_LEN_MAX);
    while !badge.is_char_boundary(end) {
        end -= 1;
    }
    badge[..end].to_owned()
}

/// The outcome of a PIN check: the session, or the refusal to show (its plan may still carry
/// a lockout to record).
pub type Checked = Result<Session, Refusal>;

/// Checks `badge` and `pin` at facility time `now_ms`. On success the plan records
/// `UserSignedIn` with `purpose` (none when the caller records it itself, as a destruction
/// does for its witness); a wrong PIN is counted, and the fifth in a row records
/// `UserLockedOut`.
pub fn check(
    view: &Connection,
    pepper: &PinPepper,
    badge: &str,
    pin: &str,
    now_ms: i64,
    purpose: Option<SignInPurpose>,
) -> StepResult<Checked> {
    let badge = badge_text(badge);
    // The Argon2id runs first and always, known badge or not, locked or not.
    let opens = !badge.is_empty() && pins::pin_opens(view, pepper, &badge, pin)?;
    if badge.is_empty() {
        return Ok(Plan::nothing(Err(Refusal::SignInRefused { badge })));
    }
    if pins::locked_until(view, &badge, now_ms)?.is_some() {
        return Ok(Plan::nothing(Err(Refusal::BadgeLockedOut { badge })));
    }
    let user: Option<(String, bool)> = view
        .prepare_cached("SELECT role, active FROM users WHERE badge = ?1")?
        .query_row([&badge], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let (true, Some((role, true))) = (opens, user) {
        pins::forget_failures(view, &badge)?;
        let role = model::parse_role(&role).ok_or_else(|| {
            ReplicaError::Storage(format!("user {badge} has an unknown role {role}"))
        })?;
        let facts = purpose
            .map(|purpose| {
                Payload::UserSignedIn(UserSignedIn {
                    badge: badge.clone(),
                    purpose,
                })
            })
            .into_iter()
            .collect();
        return Ok(Plan::new(Ok(Session { badge, role }), facts));
    }
    let failures = pins::record_failure(view, &badge)?;
    if !tally_events::pin::LOCKOUT.locks(u64::from(failures)) {
        return Ok(Plan::nothing(Err(Refusal::SignInRefused { badge })));
    }
    let lockout = Payload::UserLockedOut(UserLockedOut {
        badge: badge.clone(),
        failed_attempts: failures,
        locked_until_unix_ms: now_ms.saturating_add(pins::LOCKOUT_MS),
    });
    Ok(Plan::new(
        Err(Refusal::BadgeLockedOut { badge }),
        vec![lockout],
    ))
}

/// A supervisor lifts `badge`'s lockout (run through [`crate::Replica::unlock`], which passes
/// the facility time). Refused for operators, for the supervisor's own badge, for a supervisor
/// who is locked out themselves, and for a badge with no lockout recorded.
pub fn unlock(view: &Connection, who: &Session, badge: &str, now_ms: i64) -> StepResult<()> {
    who.require_supervisor()?;
    if pins::locked_until(view, &who.badge, now_ms)?.is_some() {
        return Err(Refusal::BadgeLockedOut {
            badge: who.badge.clone(),
        }
        .into());
    }
    let badge = badge_text(badge);
    if badge == who.badge {
        return Err(Refusal::UnlockOwnBadge { badge }.into());
    }
    let recorded: Option<i64> = view
        .prepare_cached("SELECT locked_until_ms FROM user_lockouts WHERE badge = ?1")?
        .query_row([&badge], |r| r.get(0))
        .optional()?;
    if recorded.is_none() {
        return Err(Refusal::NotLockedOut { badge }.into());
    }
    Ok(Plan::new(
        (),
        vec![Payload::UserUnlocked(UserUnlocked { badge })],
    ))
}

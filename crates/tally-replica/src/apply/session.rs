//! Users: definitions (old and new kinds), lockouts after wrong PINs and supervisor unlocks
//! (mirrors [`crate::workflow::session`]).

use rusqlite::{params, Connection};
use tally_events::payload::{UserDefined, UserDefinedV2, UserLockedOut, UserUnlocked};

use crate::error::ReplicaError;
use crate::model;
pub(super) fn user_defined(view: &Connection, p: &UserDefined) -> Result<(), ReplicaError> {
    // An old user event: it defines the user; its `pin_hash` is never a verifier.
    view.prepare_cached(
        "INSERT OR REPLACE INTO users (badge, name, role, active) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![p.badge, p.name, model::role(p.role), p.active])?;
    Ok(())
}

pub(super) fn user_defined_v2(view: &Connection, p: &UserDefinedV2) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR REPLACE INTO users (badge, name, role, active) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![p.badge, p.name, model::role(p.role), p.active])?;
    Ok(())
}

pub(super) fn user_locked_out(view: &Connection, p: &UserLockedOut) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR REPLACE INTO user_lockouts (badge, locked_until_ms, failed_attempts)
         VALUES (?1, ?2, ?3)",
    )?
    .execute(params![p.badge, p.locked_until_unix_ms, p.failed_attempts])?;
    // The local count of wrong PINs starts again after a lockout.
    crate::pins::forget_failures(view, &p.badge)?;
    Ok(())
}

pub(super) fn user_unlocked(view: &Connection, p: &UserUnlocked) -> Result<(), ReplicaError> {
    view.prepare_cached("DELETE FROM user_lockouts WHERE badge = ?1")?
        .execute([&p.badge])?;
    crate::pins::forget_failures(view, &p.badge)?;
    Ok(())
}

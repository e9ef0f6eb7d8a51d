//! Settling a conflict: a package the replica flagged because this device changed it and the
//! ledger's order put another device's change to it in between (see [`crate::apply`]). A
//! supervisor checks the package itself and states where it is, what it holds and its status,
//! with an adjustment reason code; one `ConflictSettled` event (kind 278) makes the package
//! exactly that and clears its conflicts up to the last one on record. Refused for anyone but a
//! supervisor, for a package with no conflict, a quantity in another unit than the package's,
//! an unknown location or reason, and while the package's location or the stated one is being
//! counted (what is counted must not change).

use rusqlite::Connection;
use tally_events::payload::{ConflictSettled, PackageStatus};
use tally_events::{Payload, Quantity};

use super::count::refuse_while_counted;
use super::{known_package, location, Plan, Session, StateTag, StepResult};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::{Action, ReasonKind, Refusal};

/// What the supervisor found when they checked the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement<'a> {
    /// The package's tag, decoded.
    pub tag: &'a StateTag,
    /// The quantity found.
    pub quantity: Quantity,
    /// Where it is.
    pub location: &'a str,
    /// Its status.
    pub status: PackageStatus,
    /// Adjustment reason code.
    pub reason: &'a str,
}

/// The last ledger index among the conflicts on record for `uid`, if it has any.
fn last_conflict(view: &Connection, uid: &str) -> Result<Option<i64>, ReplicaError> {
    Ok(view
        .prepare_cached("SELECT max(ledger_index) FROM conflicts WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))?)
}

/// Settles the conflicts of a package as the supervisor found it.
pub fn settle(view: &Connection, who: &Session, s: &Settlement<'_>) -> StepResult<ConflictSettled> {
    who.require_supervisor()?;
    let uid = super::facility_tag(view, s.tag)?;
    let package = known_package(view, &uid)?;
    let Some(through) = last_conflict(view, &uid)? else {
        return Err(Refusal::NotInConflict { uid }.into());
    };
    if !model::same_unit(s.quantity, package.quantity) {
        return Err(Refusal::WrongUnit {
            weighed: matches!(package.quantity, Quantity::Milligrams(_)),
        }
        .into());
    }
    let place = location(view, s.location)?;
    refuse_while_counted(view, package.location_id.as_deref(), Action::Moved)?;
    refuse_while_counted(view, Some(&place.id), Action::Moved)?;
    let reason_code = super::reason(view, s.reason, ReasonKind::Adjustment)?;
    let settled = ConflictSettled {
        uid,
        quantity: s.quantity,
        location_id: place.id,
        status: s.status,
        reason_code,
        through_ledger_index: u64::try_from(through).unwrap_or(0),
    };
    Ok(Plan::new(
        settled.clone(),
        vec![Payload::ConflictSettled(settled)],
    ))
}

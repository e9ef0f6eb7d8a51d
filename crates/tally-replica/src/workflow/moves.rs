//! Moves and putaway: scan a package, scan a location, record the move. Quarantined or held
//! stock never goes into a sellable location; destroyed or shipped stock does not move; nothing
//! moves into or out of a location being counted (from count start until the last round is
//! submitted), and whoever is counting a round moves nothing until they submit it.

use rusqlite::Connection;

use tally_events::payload::{PackageMoved, PackageStatus};
use tally_events::Payload;

use super::count::{refuse_while_counted, refuse_while_counting};
use super::{
    known_package, location, not_in_conflict, package_tag, Identifier, Plan, Session, StepResult,
};
use crate::refusal::{Action, Refusal};

/// A recorded move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// Tag.
    pub uid: String,
    /// Where it was.
    pub from: Option<String>,
    /// Where it is now.
    pub to: String,
}

/// Moves the package scanned to a location (a plain text id).
pub fn move_package(
    view: &Connection,
    who: &Session,
    scanned: &Identifier,
    to: &str,
) -> StepResult<Moved> {
    refuse_while_counting(view, who)?;
    let uid = package_tag(view, scanned)?;
    let package = known_package(view, &uid)?;
    not_in_conflict(&package)?;
    let target = location(view, to)?;
    // What is being counted must not change: nothing moves into or out of a counted location.
    refuse_while_counted(view, package.location_id.as_deref(), Action::Moved)?;
    refuse_while_counted(view, Some(&target.id), Action::Moved)?;
    match package.status {
        PackageStatus::Destroyed | PackageStatus::InTransit | PackageStatus::Finished => {
            return Err(Refusal::WrongStatus {
                uid,
                status: package.status,
                action: Action::Moved,
            }
            .into());
        }
        PackageStatus::Quarantined | PackageStatus::OnHold if target.sellable => {
            return Err(Refusal::QuarantinedIntoSellable {
                uid,
                status: package.status,
                location: target.id,
            }
            .into());
        }
        _ => {}
    }
    if package.location_id.as_deref() == Some(target.id.as_str()) && package.tote_id.is_none() {
        return Err(Refusal::AlreadyThere {
            uid,
            location: target.id,
        }
        .into());
    }
    let fact = Payload::PackageMoved(PackageMoved {
        uid: uid.clone(),
        from_location: package.location_id.clone().unwrap_or_default(),
        to_location: target.id.clone(),
    });
    Ok(Plan::new(
        Moved {
            uid,
            from: package.location_id,
            to: target.id,
        },
        vec![fact],
    ))
}

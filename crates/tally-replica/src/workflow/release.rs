//! Release from quarantine or hold: a supervisor (or admin) scans a quarantined or held package,
//! gives a defined reason code, and the package becomes active again. Released stock becomes
//! sellable, so its batch must have a passed COA. The release does not move the package: stock
//! in the quarantine cage stays there until someone moves it out with the moves workflow (which
//! allows it into sellable locations once the package is active).

use rusqlite::Connection;

use tally_events::payload::{PackageReleased, PackageStatus};
use tally_events::Payload;

use super::receiving::NOTE_LEN_MAX;
use super::{known_package, not_in_conflict, package_tag, Identifier, Plan, Session, StepResult};
use crate::refusal::{Action, ReasonKind, Refusal};

/// A recorded release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    /// Tag.
    pub uid: String,
    /// The status it was released from.
    pub from: PackageStatus,
    /// Reason code recorded.
    pub reason: String,
    /// Where the package is (unchanged by the release).
    pub location: Option<String>,
}

/// Releases a quarantined or held package back to active stock.
pub fn release(
    view: &Connection,
    who: &Session,
    scanned: &Identifier,
    reason: &str,
    note: &str,
) -> StepResult<Released> {
    who.require_supervisor()?;
    let uid = package_tag(view, scanned)?;
    let package = known_package(view, &uid)?;
    not_in_conflict(&package)?;
    if !matches!(
        package.status,
        PackageStatus::Quarantined | PackageStatus::OnHold
    ) {
        return Err(Refusal::WrongStatus {
            uid,
            status: package.status,
            action: Action::Released,
        }
        .into());
    }
    if reason.trim().is_empty() {
        return Err(Refusal::ReasonRequired {
            kind: ReasonKind::Release,
        }
        .into());
    }
    let reason = super::reason(view, reason, ReasonKind::Release)?;
    if package.coa != "passed" {
        return Err(Refusal::ReleaseWithoutPassedCoa {
            uid,
            batch: package.batch_id.unwrap_or_default(),
            coa: package.coa,
        }
        .into());
    }
    let fact = Payload::PackageReleased(PackageReleased {
        uid: uid.clone(),
        reason_code: reason.clone(),
        note: note.trim().chars().take(NOTE_LEN_MAX).collect(),
    });
    Ok(Plan::new(
        Released {
            uid,
            from: package.status,
            reason,
            location: package.location_id,
        },
        vec![fact],
    ))
}

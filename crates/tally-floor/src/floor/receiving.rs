//! The receiving screen: a case's state tag is scanned (its arrival recorded, and it becomes
//! the current package), then its GS1 label is checked and its stable weight recorded against
//! it.

use tally_replica::workflow::receiving;
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::Session;
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Ignored, Outcome, Step};
use crate::identifier::Identifier;

/// A scan on the receiving screen of `manifest`; `package` is the current case.
pub(super) fn scanned(
    replica: &mut Replica,
    who: &Session,
    manifest: &str,
    package: &mut Option<String>,
    identifier: Identifier,
) -> Result<Step, ReplicaError> {
    let actor = who.badge.clone();
    match identifier {
        Identifier::StateTag { uid, .. } => {
            let (outcome, recorded) =
                replica.act(&actor, |v| receiving::scan(v, who, manifest, &uid))?;
            *package = Some(uid);
            Ok(Step {
                outcome: Outcome::Arrived(outcome),
                recorded,
            })
        }
        Identifier::Gs1(gs1) => {
            let Some(uid) = package.as_deref() else {
                return Ok(Step::nothing(Outcome::Ignored(
                    Ignored::ScanThePackageFirst,
                )));
            };
            let label = receiving::Gs1Label {
                gtin: gs1.gtin,
                lot: gs1.lot,
                expires_on: gs1.expiry,
            };
            let (problems, recorded) = replica.act(&actor, |v| {
                receiving::check_gs1_label(v, who, manifest, uid, &label)
            })?;
            Ok(Step {
                outcome: Outcome::LabelChecked(problems),
                recorded,
            })
        }
        other => Ok(not_for_this_screen(&other)),
    }
}

/// A stable weight on the receiving screen: it belongs to the current case.
pub(super) fn weighed(
    replica: &mut Replica,
    who: &Session,
    manifest: &str,
    package: Option<&str>,
    reading: &Reading,
    today: &str,
) -> Result<Step, ReplicaError> {
    let Some(uid) = package else {
        return Ok(Step::nothing(Outcome::Ignored(
            Ignored::ScanThePackageFirst,
        )));
    };
    let (outcome, recorded) = replica.act(&who.badge, |v| {
        receiving::weigh(v, who, manifest, uid, reading, today)
    })?;
    Ok(Step {
        outcome: Outcome::Weighed(outcome),
        recorded,
    })
}

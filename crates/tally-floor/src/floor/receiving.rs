//! The receiving screen: a case's state tag is scanned (its arrival recorded, and it becomes
//! the current package), then its GS1 label is checked and its stable weight recorded against
//! it.

use tally_replica::workflow::receiving;
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::{Identifier, Session, StateTag};
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Ignored, Outcome, Step};

/// A scan on the receiving screen of `manifest`; `package` is the current case.
pub(super) fn scanned(
    replica: &mut Replica,
    who: &Session,
    manifest: &str,
    package: &mut Option<StateTag>,
    identifier: Identifier,
) -> Result<Step, ReplicaError> {
    let actor = who.badge.clone();
    match identifier {
        identifier @ Identifier::StateTag(_) => {
            let (outcome, recorded) =
                replica.act(&actor, |v| receiving::scan(v, manifest, &identifier))?;
            *package = identifier.state_tag().cloned();
            Ok(Step {
                outcome: Outcome::Arrived(outcome),
                recorded,
            })
        }
        Identifier::Gs1(gs1) => {
            let Some(tag) = package.as_ref() else {
                return Ok(Step::nothing(Outcome::Ignored(
                    Ignored::ScanThePackageFirst,
                )));
            };
            let (problems, recorded) = replica.act(&actor, |v| {
                receiving::check_gs1_label(v, manifest, tag, &gs1)
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
    package: Option<&StateTag>,
    reading: &Reading,
    today: &str,
) -> Result<Step, ReplicaError> {
    let Some(tag) = package else {
        return Ok(Step::nothing(Outcome::Ignored(
            Ignored::ScanThePackageFirst,
        )));
    };
    let (outcome, recorded) = replica.act(&who.badge, |v| {
        receiving::weigh(v, manifest, tag, reading, today)
    })?;
    Ok(Step {
        outcome: Outcome::Weighed(outcome),
        recorded,
    })
}

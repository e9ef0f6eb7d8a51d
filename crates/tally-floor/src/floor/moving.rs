//! The move screen: scan a package, then the location it goes to.

use tally_replica::workflow::moves;
use tally_replica::workflow::{Identifier, Session, StateTag};
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Ignored, Outcome, Step};

/// A scan on the move screen; `package` is the package waiting for its location.
pub(super) fn scanned(
    replica: &mut Replica,
    who: &Session,
    package: &mut Option<StateTag>,
    identifier: Identifier,
) -> Result<Step, ReplicaError> {
    match identifier {
        Identifier::StateTag(tag) => {
            let uid = tag.uid().to_owned();
            *package = Some(tag);
            Ok(Step::nothing(Outcome::PackageChosen { uid }))
        }
        // A location id is plain text: a tag or a label scanned here is no location.
        Identifier::Text(location) => {
            let Some(tag) = package.clone() else {
                return Ok(Step::nothing(Outcome::Ignored(
                    Ignored::ScanThePackageFirst,
                )));
            };
            let scanned = Identifier::StateTag(tag);
            let (moved, recorded) = replica.act(&who.badge, |v| {
                moves::move_package(v, who, &scanned, &location)
            })?;
            *package = None;
            Ok(Step {
                outcome: Outcome::Moved(moved),
                recorded,
            })
        }
        other => Ok(not_for_this_screen(&other)),
    }
}

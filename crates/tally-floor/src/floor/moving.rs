//! The move screen: scan a package, then the location it goes to.

use tally_replica::workflow::moves;
use tally_replica::workflow::Session;
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Ignored, Outcome, Step};
use crate::identifier::Identifier;

/// A scan on the move screen; `package` is the package waiting for its location.
pub(super) fn scanned(
    replica: &mut Replica,
    who: &Session,
    package: &mut Option<String>,
    identifier: Identifier,
) -> Result<Step, ReplicaError> {
    match identifier {
        Identifier::StateTag { uid, .. } => {
            *package = Some(uid.clone());
            Ok(Step::nothing(Outcome::PackageChosen { uid }))
        }
        Identifier::Text(location) => {
            let Some(uid) = package.clone() else {
                return Ok(Step::nothing(Outcome::Ignored(
                    Ignored::ScanThePackageFirst,
                )));
            };
            let (moved, recorded) =
                replica.act(&who.badge, |v| moves::move_package(v, who, &uid, &location))?;
            *package = None;
            Ok(Step {
                outcome: Outcome::Moved(moved),
                recorded,
            })
        }
        other => Ok(not_for_this_screen(&other)),
    }
}

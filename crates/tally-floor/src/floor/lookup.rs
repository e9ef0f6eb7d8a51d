//! The lookup screen: scan anything to see what it is. Records nothing.

use tally_replica::workflow::lookup;
use tally_replica::workflow::Identifier;
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Outcome, Step};

/// A scan on the lookup screen: the package or location it names.
pub(super) fn scanned(replica: &mut Replica, identifier: Identifier) -> Result<Step, ReplicaError> {
    match identifier {
        identifier @ (Identifier::StateTag(_) | Identifier::Text(_)) => {
            let found = lookup::lookup(replica.view(), &identifier)?;
            Ok(Step::nothing(Outcome::Found(Box::new(found))))
        }
        other => Ok(not_for_this_screen(&other)),
    }
}

//! The lookup screen: scan anything to see what it is. Records nothing.

use tally_replica::workflow::lookup;
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Outcome, Step};
use crate::identifier::Identifier;

/// A scan on the lookup screen: the package or location it names.
pub(super) fn scanned(replica: &mut Replica, identifier: Identifier) -> Result<Step, ReplicaError> {
    match identifier {
        Identifier::StateTag { uid: text, .. } | Identifier::Text(text) => {
            let found = lookup::lookup(replica.view(), &text)?;
            Ok(Step::nothing(Outcome::Found(Box::new(found))))
        }
        other => Ok(not_for_this_screen(&other)),
    }
}

//! The quarantine / release screen: a package scanned is quarantined with a reason (to the
//! cage), or released with a reason by a supervisor (the core refuses anyone else).

use tally_replica::workflow::release;
use tally_replica::workflow::{typed, Session};
use tally_replica::{Replica, ReplicaError};

use super::{Floor, Outcome, Step};

impl Floor {
    /// Quarantines the package `uid` in stock with a reason code.
    pub fn quarantine_stock(
        &self,
        replica: &mut Replica,
        who: &Session,
        uid: &str,
        reason: &str,
    ) -> Result<Step, ReplicaError> {
        let scanned = typed(replica.view(), uid, self.today)?;
        let (quarantined, recorded) =
            replica.act(&who.badge, |v| release::quarantine(v, &scanned, reason, ""))?;
        Ok(Step {
            outcome: Outcome::Quarantined(vec![quarantined.uid]),
            recorded,
        })
    }

    /// Releases the package `uid` from quarantine or hold with a reason code (supervisors).
    pub fn release(
        &self,
        replica: &mut Replica,
        who: &Session,
        uid: &str,
        reason: &str,
    ) -> Result<Step, ReplicaError> {
        let scanned = typed(replica.view(), uid, self.today)?;
        let (released, recorded) = replica.act(&who.badge, |v| {
            release::release(v, who, &scanned, reason, "")
        })?;
        Ok(Step {
            outcome: Outcome::Released(released),
            recorded,
        })
    }
}

//! What the quarantine / release screen asks of the worker: quarantine or release one package
//! with a reason code, through the floor layer.

use tally_floor::{Floor, Outcome};
use tally_replica::workflow::Session;
use tally_replica::Replica;

use crate::event::Failure;

/// Quarantine or release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// To the cage.
    Quarantine,
    /// Back to active stock (supervisors).
    Release,
    /// Everything a pallet or tote label holds, to the cage, as one action.
    QuarantinePallet,
}

/// One step of the quarantine / release screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// Who is signed in.
    pub who: Session,
    /// The package (the pallet or tote label, for [`Action::QuarantinePallet`]).
    pub uid: String,
    /// Quarantine or release.
    pub action: Action,
    /// Reason code.
    pub reason: String,
}

/// Runs the step on the worker's replica.
pub fn perform(replica: &mut Replica, write: Write) -> Result<Outcome, Failure> {
    let floor = Floor::new(crate::worker::today(replica));
    let step = match write.action {
        Action::Quarantine => {
            floor.quarantine_stock(replica, &write.who, &write.uid, &write.reason)
        }
        Action::Release => floor.release(replica, &write.who, &write.uid, &write.reason),
        Action::QuarantinePallet => {
            floor.quarantine_pallet(replica, &write.who, &write.uid, &write.reason)
        }
    };
    step.map(|s| s.outcome).map_err(Failure::from)
}

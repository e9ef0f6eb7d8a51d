//! The counting screen, for a task at one location (the count already started): an RFID tag
//! read is found in a sweep; a barcode scan finds a package, and a weighed one waits for its
//! stable weight, which records its count line.

use tally_ids::ScanInput;
use tally_replica::workflow::count::{self, Entry, Scanned, TagRead};
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::{Identifier, Session, StateTag};
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, DeviceInput, Ignored, Outcome, Step};

/// The count task and the location being counted.
pub(super) struct Place<'a> {
    /// Count task id.
    pub task: &'a str,
    /// The location being counted.
    pub location: &'a str,
}

/// A scan or tag read on the counting screen; `package` is the package waiting for its weight or
/// its units. `read` is the device event and the scan it carried (a tag read is swept).
pub(super) fn scanned(
    replica: &mut Replica,
    who: &Session,
    place: Place<'_>,
    package: &mut Option<StateTag>,
    read: (&DeviceInput, &ScanInput),
    identifier: Identifier,
) -> Result<Step, ReplicaError> {
    if !matches!(identifier, Identifier::StateTag(_)) {
        return Ok(not_for_this_screen(&identifier));
    }
    let (input, scan) = read;
    let Place { task, location } = place;
    let actor = who.badge.clone();
    let cv = replica.counting_view()?;
    if let ScanInput::Epc(epc) = scan {
        let reads = [TagRead {
            epc: epc.clone(),
            identifier: Some(identifier),
        }];
        let (tally, recorded) = replica.act_counting(&cv, &actor, |cv| {
            count::sweep(cv, who, task, location, &input.device, &reads)
        })?;
        return Ok(Step {
            outcome: Outcome::Swept(tally),
            recorded,
        });
    }
    let (scanned, recorded) = replica.act_counting(&cv, &actor, |cv| {
        count::scan(cv, who, task, location, &identifier)
    })?;
    *package = match (&scanned, identifier) {
        // The package found waits for its weight, or for the units typed.
        (Scanned::Found { .. }, Identifier::StateTag(tag)) => Some(tag),
        _ => None,
    };
    Ok(Step {
        outcome: Outcome::CountScanned(scanned),
        recorded,
    })
}

/// A stable weight on the counting screen: the count line of the weighed package scanned.
pub(super) fn weighed(
    replica: &mut Replica,
    who: &Session,
    place: Place<'_>,
    package: &mut Option<StateTag>,
    reading: &Reading,
    today: &str,
) -> Result<Step, ReplicaError> {
    let Some(tag) = package.clone() else {
        return Ok(Step::nothing(Outcome::Ignored(
            Ignored::ScanThePackageFirst,
        )));
    };
    let Place { task, location } = place;
    let cv = replica.counting_view()?;
    let entry = Entry::Weighed(reading.clone());
    let (entered, recorded) = replica.act_counting(&cv, &who.badge, |cv| {
        count::enter(cv, who, task, location, &tag, &entry, today)
    })?;
    *package = None;
    Ok(Step {
        outcome: Outcome::CountEntered(entered),
        recorded,
    })
}

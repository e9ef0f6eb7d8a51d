//! What the move screen asks of the worker: a scan (a package, then the location it goes to)
//! run through the floor layer's move screen and recorded in the replica.

use tally_drivers::event::DeviceEvent;
use tally_floor::{DeviceInput, Floor, Outcome, Screen as FloorScreen};
use tally_replica::workflow::Session;
use tally_replica::Replica;

use crate::event::Failure;
use crate::screens::receive::work::KEYBOARD;

/// A scan on the move screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// Who is signed in.
    pub who: Session,
    /// The package scanned before, waiting for its location.
    pub package: Option<String>,
    /// What was scanned.
    pub text: String,
}

/// What the scan did, and the package waiting for its location after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// What happened.
    pub outcome: Outcome,
    /// The package waiting for its location.
    pub package: Option<String>,
}

/// Runs a move scan on the worker's replica.
pub fn perform(replica: &mut Replica, write: Write) -> Result<Done, Failure> {
    let floor = Floor::new(crate::worker::today(replica));
    let package = write
        .package
        .map(|uid| floor.tag_of(replica, &uid))
        .transpose()
        .map_err(Failure::from)?;
    let mut screen = FloorScreen::Moving { package };
    let input = DeviceInput {
        device: KEYBOARD.into(),
        event: DeviceEvent::scan(write.text.into_bytes()),
    };
    let step = floor
        .handle(replica, &write.who, &mut screen, &input)
        .map_err(Failure::from)?;
    let FloorScreen::Moving { package } = screen else {
        unreachable!("the floor keeps the screen it was given")
    };
    Ok(Done {
        outcome: step.outcome,
        package: package.map(|tag| tag.uid().to_owned()),
    })
}

//! What the receiving screen asks of the worker (steps, through the floor layer, recorded in
//! the replica) and of the reader (the manifests waiting, a manifest's sheet, the reason
//! codes), and how those threads answer. No receiving rule lives here: the floor layer and
//! the core decide.

use rusqlite::Connection;
use tally_drivers::event::DeviceEvent;
use tally_floor::receiving::{self, Decision, ManifestRow, Sheet};
use tally_floor::{DeviceInput, Floor, Outcome, ScaleSetup, Screen as FloorScreen};
use tally_ids::Date;
use tally_replica::workflow::Session;
use tally_replica::{Replica, ReplicaError};

use crate::event::Failure;

/// The device name a scan typed or wedged into the terminal is recorded under.
pub const KEYBOARD: &str = "keyboard";

/// A receiving step for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// Who is signed in.
    pub who: Session,
    /// The manifest being received.
    pub manifest: String,
    /// The step.
    pub step: WriteStep,
}

/// The receiving steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteStep {
    /// A scan on the manifest: a case's tag (its arrival), or a GS1 label of the current case.
    Scan {
        /// The case scanned last (a label belongs to it).
        current: Option<String>,
        /// What was scanned.
        text: String,
    },
    /// Decide one case.
    Decide {
        /// The case.
        uid: String,
        /// Accept, accept at another quantity, reject, void.
        decision: Decision,
    },
    /// Quarantine cases with a reason.
    Quarantine {
        /// The cases.
        uids: Vec<String>,
        /// Reason code.
        reason: String,
    },
    /// Weigh a case: a stable weight from a configured scale, recorded through the floor
    /// layer (the core checks the scale and gives the verdict against the manifest).
    Weigh {
        /// The case on the scale.
        uid: String,
        /// The stable reading, as the driver decoded it, with the scale's device name.
        input: DeviceInput,
        /// The handheld's scales (where each device's readings are recorded).
        scales: Vec<ScaleSetup>,
    },
    /// Close the manifest.
    Close,
}

/// What a receiving step did: the floor's outcome, the current case after it, and the sheet
/// read again after the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// What happened.
    pub outcome: Outcome,
    /// The case scanned last.
    pub current: Option<String>,
    /// The manifest's sheet now (`None` once closed).
    pub sheet: Option<Sheet>,
}

/// A read for the receiving screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// The manifests waiting.
    Manifests,
    /// A manifest's sheet.
    Sheet {
        /// Manifest id.
        manifest: String,
    },
    /// The facility's reason codes.
    Reasons,
}

/// An answer to a [`Read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The manifests waiting.
    Manifests(Vec<ManifestRow>),
    /// A manifest's sheet.
    Sheet(Sheet),
    /// Reason codes and their descriptions.
    Reasons(Vec<(String, String)>),
}

/// The facility's date from the replica's clock, in the facility's time zone.
fn today(replica: &Replica) -> Date {
    crate::worker::today(replica)
}

/// Runs a receiving step on the worker's replica.
pub fn perform(replica: &mut Replica, write: Write) -> Result<Done, Failure> {
    step(replica, write).map_err(Failure::from)
}

fn step(replica: &mut Replica, write: Write) -> Result<Done, ReplicaError> {
    let floor = Floor::new(today(replica));
    let Write {
        who,
        manifest,
        step,
    } = write;
    let (outcome, current) = match step {
        WriteStep::Scan { current, text } => {
            let current = current.map(|uid| floor.tag_of(replica, &uid)).transpose()?;
            let mut screen = FloorScreen::Receiving {
                manifest: manifest.clone(),
                package: current,
            };
            let input = DeviceInput {
                device: KEYBOARD.into(),
                event: DeviceEvent::scan(text.into_bytes()),
            };
            let step = floor.handle(replica, &who, &mut screen, &input)?;
            let FloorScreen::Receiving { package, .. } = screen else {
                unreachable!("the floor keeps the screen it was given")
            };
            (step.outcome, package.map(|tag| tag.uid().to_owned()))
        }
        WriteStep::Decide { uid, decision } => {
            let step = floor.decide_case(replica, &who, &manifest, &uid, &decision)?;
            let current = (!matches!(step.outcome, Outcome::Voided { .. })).then_some(uid);
            (step.outcome, current)
        }
        WriteStep::Quarantine { uids, reason } => {
            let step = floor.quarantine_cases(replica, &who, &manifest, &uids, &reason)?;
            (step.outcome, uids.last().cloned())
        }
        WriteStep::Weigh { uid, input, scales } => {
            let floor = scales.into_iter().fold(floor, Floor::with_scale);
            let package = floor.tag_of(replica, &uid)?;
            let mut screen = FloorScreen::Receiving {
                manifest: manifest.clone(),
                package: Some(package),
            };
            let step = floor.handle(replica, &who, &mut screen, &input)?;
            (step.outcome, Some(uid))
        }
        WriteStep::Close => {
            let step = floor.close_manifest(replica, &who, &manifest)?;
            (step.outcome, None)
        }
    };
    let sheet = match outcome {
        Outcome::Closed(_) => None,
        _ => Some(receiving::sheet(replica.view(), &manifest)?),
    };
    Ok(Done {
        outcome,
        current,
        sheet,
    })
}

/// Answers a receiving read on the read-only connection.
pub fn answer(view: &Connection, read: &Read) -> Result<Answer, Failure> {
    let answer = match read {
        Read::Manifests => receiving::manifests(view).map(Answer::Manifests),
        Read::Sheet { manifest } => receiving::sheet(view, manifest).map(Answer::Sheet),
        Read::Reasons => reasons(view).map(Answer::Reasons),
    };
    answer.map_err(Failure::from)
}

fn reasons(view: &Connection) -> Result<Vec<(String, String)>, ReplicaError> {
    let mut stmt =
        view.prepare_cached("SELECT code, description FROM reason_codes ORDER BY code")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

//! Blind counts on the floor, beside the scans and weights [`Floor::handle`] takes on the
//! counting screen: the count tasks a counter may work on, starting a round, a quantity typed
//! for a package counted in units, the counter's own lines, and submitting the round (which
//! says only which packages to recount).
//!
//! An RFID sweep arrives as many tag reads; [`Floor::sweep`] records the reads gathered while
//! the previous write was committing in one transaction, so a reader's thousands of reads a
//! second cost a few commits, not one each.
//!
//! Everything here runs on the counting view ([`CountingView`]), which cannot read an expected
//! quantity: no type returned by this module carries one, so no screen built on it can show
//! one.

use tally_drivers::event::DeviceEvent;
use tally_ids::ScanInput;
use tally_replica::workflow::count::{self, CountedLine, CountingView, Entry, TagRead, TaskView};
use tally_replica::workflow::{self, Session};
use tally_replica::{Replica, ReplicaError};

use crate::floor::{DeviceInput, Floor, Ignored, Outcome, Screen, Step};

/// The most tag reads one [`Floor::sweep`] takes (the core's limit on one sweep).
pub const SWEEP_READS_MAX: usize = workflow::BURST_TAGS_MAX;

/// The count tasks a counter can work on (scheduled, counting, or waiting for a recount), with
/// their locations in walking order: where to count, never how much.
pub fn count_tasks(cv: &CountingView) -> Result<Vec<TaskView>, ReplicaError> {
    count::tasks(cv)
}

/// The counter's own lines of the round being counted (what they found and entered).
pub fn my_lines(
    cv: &CountingView,
    who: &Session,
    task: &str,
) -> Result<Vec<CountedLine>, ReplicaError> {
    count::my_lines(cv, who, task)
}

impl Floor {
    /// Starts the first count of `task` or its recount round (or goes on with the round this
    /// counter is counting); the outcome names the round.
    pub fn start_count(
        &self,
        replica: &mut Replica,
        who: &Session,
        task: &str,
    ) -> Result<Step, ReplicaError> {
        let cv = replica.counting_view()?;
        let (round, recorded) =
            replica.act_counting(&cv, &who.badge, |cv| count::start(cv, who, task))?;
        Ok(Step {
            outcome: Outcome::CountStarted { round },
            recorded,
        })
    }

    /// A quantity typed for the package scanned last on the counting screen (a package counted
    /// in units; a weighed one is refused and must go on the scale).
    pub fn enter_units(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        units: u64,
    ) -> Result<Step, ReplicaError> {
        let Screen::Counting {
            task,
            location,
            package,
        } = screen
        else {
            return Ok(Step::nothing(Outcome::Ignored(Ignored::NotCounting)));
        };
        let Some(uid) = package.clone() else {
            return Ok(Step::nothing(Outcome::Ignored(
                Ignored::ScanThePackageFirst,
            )));
        };
        let today = self.today_text();
        let cv = replica.counting_view()?;
        let (entered, recorded) = replica.act_counting(&cv, &who.badge, |cv| {
            count::enter(cv, who, task, location, &uid, &Entry::Units(units), &today)
        })?;
        *package = None;
        Ok(Step {
            outcome: Outcome::CountEntered(entered),
            recorded,
        })
    }

    /// Submits the round being counted: the outcome names the packages to recount (none: the
    /// count goes to a supervisor), never an expected quantity or a difference.
    pub fn submit_count(
        &self,
        replica: &mut Replica,
        who: &Session,
        task: &str,
    ) -> Result<Step, ReplicaError> {
        let cv = replica.counting_view()?;
        let (submitted, recorded) = replica.submit_count(&cv, who, task)?;
        Ok(Step {
            outcome: Outcome::CountSubmitted(submitted),
            recorded,
        })
    }

    /// Tag reads of an RFID sweep at `location` of `task` (the counting screen's place),
    /// recorded in one transaction: every package tag of the facility's state system is found
    /// once, a tag read again or already found in this round is a duplicate, and a read that
    /// is no package tag is unreadable (the outcome's tally says how many of each). Inputs
    /// that are not tag reads are left out. At most [`SWEEP_READS_MAX`] reads.
    pub fn sweep(
        &self,
        replica: &mut Replica,
        who: &Session,
        place: (&str, &str),
        reads: &[DeviceInput],
    ) -> Result<Step, ReplicaError> {
        let (task, location) = place;
        let systems = workflow::state_systems(replica.view())?;
        let mut reader: Option<&str> = None;
        let mut tags = Vec::with_capacity(reads.len());
        for input in reads {
            if !matches!(input.event, DeviceEvent::TagRead { .. }) {
                continue;
            }
            let Some(scan) = input.event.input() else {
                continue;
            };
            let identifier = self.identify(systems, &scan).ok();
            if let ScanInput::Epc(epc) = scan {
                reader.get_or_insert(input.device.as_str());
                tags.push(TagRead { epc, identifier });
            }
        }
        let reader = reader.unwrap_or_default().to_owned();
        let cv = replica.counting_view()?;
        let (tally, recorded) = replica.act_counting(&cv, &who.badge, |cv| {
            count::sweep(cv, who, task, location, &reader, &tags)
        })?;
        Ok(Step {
            outcome: Outcome::Swept(tally),
            recorded,
        })
    }
}

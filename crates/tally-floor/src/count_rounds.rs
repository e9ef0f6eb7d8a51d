//! Blind counts on the floor, beside the scans and weights [`Floor::handle`] takes on the
//! counting screen: the count tasks a counter may work on, starting a round, a quantity typed
//! for a package counted in units, the counter's own lines, and submitting the round (which
//! says only which packages to recount).
//!
//! Everything here runs on the counting view ([`CountingView`]), which cannot read an expected
//! quantity: no type returned by this module carries one, so no screen built on it can show
//! one.

use tally_replica::workflow::count::{self, CountedLine, CountingView, Entry, TaskView};
use tally_replica::workflow::Session;
use tally_replica::{Replica, ReplicaError};

use crate::floor::{Floor, Ignored, Outcome, Screen, Step};

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
}

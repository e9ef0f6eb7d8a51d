//! Destruction on the floor: the package's tag is scanned and its stable weight taken on the
//! destruction screen ([`Floor::handle`] keeps both on the [`Screen::Destroying`] and records
//! nothing yet); the reason and method are chosen; a witness signs in on the same device with
//! badge and PIN; then, after the screen's confirmation, [`Floor::destroy`] checks the witness
//! (a wrong PIN counts toward the witness's lockout) and records the sign-in, the reading and
//! the destruction as one action. Every rule (not the same person, weight within tolerance,
//! calibrated scale, nothing under count) is `tally_replica::workflow::destruction`'s.

use tally_replica::workflow::destruction::{self, Destruction};
use tally_replica::workflow::{Identifier, Session};
use tally_replica::{Replica, ReplicaError};

use crate::floor::{Floor, Ignored, Outcome, Screen, Step};

/// What the person destroying chose, besides what was scanned and weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DestroyOrder<'a> {
    /// Reason code.
    pub reason: &'a str,
    /// Method (e.g. "mixed 50/50 with cat litter, landfill").
    pub method: &'a str,
    /// The witness's badge, as scanned or typed on this device.
    pub witness_badge: &'a str,
    /// The witness's PIN, typed on this device.
    pub witness_pin: &'a str,
}

impl Floor {
    /// Destroys the package on the destruction screen with its weight, as `order` says, once
    /// the witness's badge and PIN check out. The screen is emptied when it is recorded; a
    /// refusal leaves it as it was.
    pub fn destroy(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        order: &DestroyOrder<'_>,
    ) -> Result<Step, ReplicaError> {
        let Screen::Destroying { package, reading } = screen else {
            return Ok(Step::nothing(Outcome::Ignored(Ignored::NotDestroying)));
        };
        let Some(uid) = package.clone() else {
            return Ok(Step::nothing(Outcome::Ignored(
                Ignored::ScanThePackageFirst,
            )));
        };
        let Some(weight) = reading.clone() else {
            return Ok(Step::nothing(Outcome::Ignored(
                Ignored::WeighThePackageFirst,
            )));
        };
        let witness = replica.witness(order.witness_badge, order.witness_pin)?;
        let today = self.today_text();
        let scanned = Identifier::StateTag(uid);
        let input = Destruction {
            scan: &scanned,
            reading: &weight,
            reason: order.reason,
            method: order.method,
            witness: &witness,
        };
        let (destroyed, recorded) = replica.act(&who.badge, |view| {
            destruction::destroy(view, who, &input, &today)
        })?;
        *package = None;
        *reading = None;
        Ok(Step {
            outcome: Outcome::Destroyed(destroyed),
            recorded,
        })
    }
}

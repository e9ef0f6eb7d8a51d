//! Destruction under protocol: the package's tag, an exact weight from a stable reading of a
//! registered, calibrated scale, a reason, the method, and a witness who signs in on the same
//! device with badge and PIN ([`crate::Replica::witness`], which counts wrong PINs toward a
//! lockout) and is not the person destroying. One action records the witness sign-in, the
//! reading and the destruction (which points at the reading's seq). Nothing in a location
//! being counted is destroyed, nor anything by someone counting a round, until submission.

use rusqlite::Connection;
use tally_events::payload::{DestructionRecorded, PackageStatus, SignInPurpose, UserSignedIn};
use tally_events::{Payload, Quantity};

use super::receiving::NOTE_LEN_MAX;
use super::scale::{self, Reading};
use super::session::Witness;
use super::{known_package, not_in_conflict, tag, Plan, Session, StepResult};
use crate::refusal::{Action, ReasonKind, Refusal};

/// What is being destroyed and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction<'a> {
    /// Scan of the package.
    pub scan: &'a str,
    /// The stable reading.
    pub reading: &'a Reading,
    /// Reason code.
    pub reason: &'a str,
    /// Method (e.g. "mixed 50/50 with cat litter, landfill").
    pub method: &'a str,
    /// The witness, whose badge and PIN were checked on this device.
    pub witness: &'a Witness,
}

/// What was destroyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destroyed {
    /// Tag.
    pub uid: String,
    /// Quantity destroyed.
    pub quantity: Quantity,
    /// Exact weight, mg.
    pub weight_mg: i64,
    /// Witness.
    pub witness: String,
}

/// Destroys a package.
pub fn destroy(
    view: &Connection,
    who: &Session,
    d: &Destruction<'_>,
    today: &str,
) -> StepResult<Destroyed> {
    super::count::refuse_while_counting(view, who)?;
    let uid = tag(d.scan)?;
    let package = known_package(view, &uid)?;
    not_in_conflict(&package)?;
    // What is being counted must not change (and the outcome names the quantity destroyed).
    super::count::refuse_while_counted(view, package.location_id.as_deref(), Action::Destroyed)?;
    if matches!(
        package.status,
        PackageStatus::Destroyed | PackageStatus::InTransit | PackageStatus::Finished
    ) {
        return Err(Refusal::WrongStatus {
            uid,
            status: package.status,
            action: Action::Destroyed,
        }
        .into());
    }
    let reason = super::reason(view, d.reason, ReasonKind::Destruction)?;
    if d.method.trim().is_empty() {
        return Err(Refusal::MethodRequired.into());
    }
    let witness = d.witness;
    if witness.badge() == who.badge {
        return Err(Refusal::WitnessIsActor {
            badge: who.badge.clone(),
        }
        .into());
    }
    let weighed = scale::validate(view, d.reading, today, Some(&uid))?;
    let quantity = match package.quantity {
        // Weighed product: the exact weight is what is destroyed.
        Quantity::Milligrams(_) => {
            Quantity::Milligrams(u64::try_from(weighed.weight_mg).map_err(|_| Refusal::NoWeight)?)
        }
        units => units,
    };
    let facts = vec![
        Payload::UserSignedIn(UserSignedIn {
            badge: witness.badge().to_owned(),
            purpose: SignInPurpose::Witness,
        }),
        Payload::WeightRecorded(weighed.event),
        Payload::DestructionRecorded(DestructionRecorded {
            uid: uid.clone(),
            quantity,
            // Filled by the recorder with the seq of the reading just before it.
            weight_event_seq: None,
            reason_code: reason,
            method: d.method.trim().chars().take(NOTE_LEN_MAX).collect(),
            witness: witness.badge().to_owned(),
        }),
    ];
    Ok(Plan::new(
        Destroyed {
            uid,
            quantity,
            weight_mg: weighed.weight_mg,
            witness: witness.badge().to_owned(),
        },
        facts,
    ))
}

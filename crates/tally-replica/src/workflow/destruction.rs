//! Destruction under protocol: the package's tag, an exact weight from a stable reading of a
//! registered, calibrated scale, a reason, the method, and a witness who signs in on the same
//! device with badge and PIN ([`crate::Replica::witness`], which counts wrong PINs toward a
//! lockout) and is not the person destroying. One action records the witness sign-in, the
//! reading and the destruction, which points at the reading's seq: the rule is
//! [`link_reading`] here, applied by the recorder once it has reserved the action's seqs.
//! Nothing in a location being counted is destroyed, nor anything by someone counting a round,
//! until submission.
//!
//! The reading is recorded exactly as the scale gave it (gross or net, tare). For a package
//! held by weight it is then compared with the package: the net weight (a net reading, or a
//! gross one less the scale's tare, else the item's container tare; a gross reading with no
//! tare known is refused) must be within the facility's count tolerance (at least one scale
//! division) of the quantity on record, or the destruction is refused: the person weighs again
//! or has a supervisor adjust the package with a reason first (an adjustment is its own
//! recorded, approved event), so an unexplained difference is never destroyed away. What is
//! destroyed is the net weight measured. Packages counted in units record the reading and are
//! not compared (a weight says nothing exact about a count).

use rusqlite::{Connection, OptionalExtension};
use tally_events::payload::{DestructionRecorded, PackageStatus, SignInPurpose, UserSignedIn};
use tally_events::{Payload, Quantity};

use super::receiving::NOTE_LEN_MAX;
use super::scale::{self, Reading};
use super::session::Witness;
use super::{known_package, not_in_conflict, package_tag, Identifier, Plan, Session, StepResult};
use crate::error::ReplicaError;
use crate::refusal::{Action, ReasonKind, Refusal};
use crate::weight;

/// What is being destroyed and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction<'a> {
    /// Scan of the package.
    pub scan: &'a Identifier,
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

/// The net weight of a reading, in milligrams.
fn net_weight(
    view: &Connection,
    item_id: &str,
    uid: &str,
    reading: &Reading,
    reading_mg: i64,
) -> Result<i64, ReplicaError> {
    if reading.net {
        return Ok(reading_mg);
    }
    let scale_tare = match reading.tare.as_deref() {
        Some(tare) => Some(weight::to_milligrams(tare, reading.unit).map_err(Refusal::from)?),
        None => None,
    };
    let item_tare: Option<i64> = view
        .prepare_cached("SELECT tare_mg FROM items WHERE id = ?1")?
        .query_row([item_id], |r| r.get(0))
        .optional()?
        .flatten();
    match scale_tare.or(item_tare) {
        Some(tare_mg) => Ok(reading_mg.saturating_sub(tare_mg)),
        None => Err(Refusal::GrossWithoutTare {
            uid: uid.to_owned(),
        }
        .into()),
    }
}

/// How far a destruction weight may be from the package: the facility's count tolerance, and
/// never less than one division of the scale.
fn destruction_tolerance_mg(view: &Connection, scale_id: &str) -> Result<i64, ReplicaError> {
    let count_tolerance: i64 = view
        .prepare_cached("SELECT count_tolerance_mg FROM facilities ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let division: i64 = view
        .prepare_cached("SELECT division_mg FROM scales WHERE id = ?1")?
        .query_row([scale_id.trim()], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok(count_tolerance.max(division))
}

/// The destruction's link to its weighing: a destruction recorded right after a reading of
/// the same package in one action points at that reading (`weight_event_seq`), unless it
/// names one already. `first_seq` is the seq of the action's first fact; the facts are
/// recorded in order, so fact `i` is recorded under `first_seq + i`.
pub(crate) fn link_reading(facts: &mut [Payload], first_seq: u64) {
    for i in 1..facts.len() {
        let weighed = match &facts[i - 1] {
            Payload::WeightRecorded(w) => w.uid.clone(),
            _ => None,
        };
        if let (Payload::DestructionRecorded(d), Some(uid)) = (&mut facts[i], weighed) {
            if d.weight_event_seq.is_none() && d.uid == uid {
                d.weight_event_seq = Some(first_seq.saturating_add(i as u64 - 1));
            }
        }
    }
}

/// Milligrams as grams with three decimals, e.g. `1.500 g`.
fn grams(mg: i64) -> String {
    let sign = if mg < 0 { "-" } else { "" };
    let mg = mg.unsigned_abs();
    format!("{sign}{}.{:03} g", mg / 1000, mg % 1000)
}

/// Destroys a package.
pub fn destroy(
    view: &Connection,
    who: &Session,
    d: &Destruction<'_>,
    today: &str,
) -> StepResult<Destroyed> {
    super::count::refuse_while_counting(view, who)?;
    let uid = package_tag(view, d.scan)?;
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
        // Weighed product: the net weight measured is what is destroyed, and it must be what
        // the package holds.
        Quantity::Milligrams(expected_mg) => {
            let net_mg = net_weight(view, &package.item_id, &uid, d.reading, weighed.weight_mg)?;
            let tolerance_mg = destruction_tolerance_mg(view, &d.reading.scale_id)?;
            let expected = i64::try_from(expected_mg).unwrap_or(i64::MAX);
            if !weight::within_tolerance(expected, net_mg, tolerance_mg) {
                return Err(Refusal::DestructionWeightMismatch {
                    uid,
                    measured: grams(net_mg),
                    expected: grams(expected),
                    tolerance: grams(tolerance_mg),
                }
                .into());
            }
            Quantity::Milligrams(u64::try_from(net_mg).map_err(|_| Refusal::NoWeight)?)
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

#[cfg(test)]
mod tests {
    use tally_events::payload::{UserSignedIn, WeighMode, WeightRecorded};
    use tally_events::MassUnit;

    use super::*;

    fn reading_of(uid: &str) -> Payload {
        Payload::WeightRecorded(WeightRecorded {
            scale_id: "SCALE-01".into(),
            value: "1.500".into(),
            unit: MassUnit::G,
            mode: WeighMode::Net,
            tare: None,
            stable: true,
            division: "0.001".into(),
            uid: Some(uid.into()),
        })
    }

    fn destruction_of(uid: &str, weight_event_seq: Option<u64>) -> Payload {
        Payload::DestructionRecorded(DestructionRecorded {
            uid: uid.into(),
            quantity: Quantity::Milligrams(1_500),
            weight_event_seq,
            reason_code: "EXPIRED".into(),
            method: "mixed with cat litter".into(),
            witness: "B2".into(),
        })
    }

    fn linked(facts: &[Payload]) -> Vec<Option<u64>> {
        facts
            .iter()
            .filter_map(|fact| match fact {
                Payload::DestructionRecorded(d) => Some(d.weight_event_seq),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_destruction_points_at_the_reading_of_its_package_just_before_it() {
        let witness = Payload::UserSignedIn(UserSignedIn {
            badge: "B2".into(),
            purpose: SignInPurpose::Witness,
        });
        // The workflow's own plan: witness, reading, destruction, recorded from seq 40.
        let mut facts = vec![
            witness.clone(),
            reading_of("P1"),
            destruction_of("P1", None),
        ];
        link_reading(&mut facts, 40);
        assert_eq!(linked(&facts), [Some(41)]);
        // A reading of another package, a reading not right before it, or none: no link.
        let mut facts = vec![reading_of("P2"), destruction_of("P1", None)];
        link_reading(&mut facts, 7);
        assert_eq!(linked(&facts), [None]);
        let mut facts = vec![reading_of("P1"), witness, destruction_of("P1", None)];
        link_reading(&mut facts, 7);
        assert_eq!(linked(&facts), [None]);
        let mut facts = vec![destruction_of("P1", None)];
        link_reading(&mut facts, 7);
        assert_eq!(linked(&facts), [None]);
        // A destruction that names its reading keeps it.
        let mut facts = vec![reading_of("P1"), destruction_of("P1", Some(3))];
        link_reading(&mut facts, 7);
        assert_eq!(linked(&facts), [Some(3)]);
    }
}

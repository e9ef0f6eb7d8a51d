//! Turning a reading from a registered scale into a `WeightRecorded` event: the scale must be
//! in the register, in calibration, and must not have failed its last calibration check (a
//! failed check blocks every weighing on it: receiving, counting, destruction, until a check
//! passes); the reading stable and a positive mass. The reading is recorded exactly as the
//! scale gave it: value, unit, gross or net, tare.

use rusqlite::{Connection, OptionalExtension};
use tally_events::payload::{WeighMode, WeightRecorded};
use tally_events::MassUnit;

use super::ID_LEN_MAX;
use crate::apply::mass_unit;
use crate::error::ReplicaError;
use crate::refusal::Refusal;
use crate::weight;

/// A reading as the scale driver delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Scale id in the register (asset tag).
    pub scale_id: String,
    /// The decimal as printed.
    pub value: String,
    /// Unit as printed.
    pub unit: MassUnit,
    /// Net (tared) reading.
    pub net: bool,
    /// Tare as printed, if the scale reported one.
    pub tare: Option<String>,
    /// Stable flag.
    pub stable: bool,
    /// The scale's division d as printed, in `unit`.
    pub division: String,
}

/// A validated reading: the event to record and its weight in milligrams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weighed {
    /// The event payload.
    pub event: WeightRecorded,
    /// The reading in milligrams.
    pub weight_mg: i64,
}

/// Validates a reading against the scale register; `today` is `YYYY-MM-DD`.
pub fn validate(
    view: &Connection,
    reading: &Reading,
    today: &str,
    uid: Option<&str>,
) -> Result<Weighed, ReplicaError> {
    let scale_id = reading.scale_id.trim();
    let row: Option<(String, Option<bool>)> = view
        .prepare_cached("SELECT calibration_due, last_check_ok FROM scales WHERE id = ?1")?
        .query_row([scale_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((due, last_check_ok)) = row else {
        return Err(Refusal::UnknownScale {
            scale: scale_id.chars().take(ID_LEN_MAX).collect(),
        }
        .into());
    };
    if due.as_str() < today {
        return Err(Refusal::CalibrationOverdue {
            scale: scale_id.to_owned(),
            due,
        }
        .into());
    }
    if last_check_ok == Some(false) {
        return Err(Refusal::CalibrationCheckFailed {
            scale: scale_id.to_owned(),
        }
        .into());
    }
    if !reading.stable {
        return Err(Refusal::UnstableReading.into());
    }
    let weight_mg =
        weight::to_milligrams(&reading.value, mass_unit(reading.unit)).map_err(Refusal::from)?;
    if weight_mg <= 0 {
        return Err(Refusal::NoWeight.into());
    }
    Ok(Weighed {
        event: WeightRecorded {
            scale_id: scale_id.to_owned(),
            value: reading.value.trim().to_owned(),
            unit: reading.unit,
            mode: if reading.net {
                WeighMode::Net
            } else {
                WeighMode::Gross
            },
            tare: reading.tare.clone(),
            stable: reading.stable,
            division: reading.division.clone(),
            uid: uid.map(str::to_owned),
        },
        weight_mg,
    })
}

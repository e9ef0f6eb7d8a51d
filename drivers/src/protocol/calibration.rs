//! Scale calibration check: weigh a certified check weight, compare in whole milligrams, and
//! flag drift beyond a number of scale divisions.
//!
//! The reading must be a stable weight in a mass unit ([`WeightReading::stable_weight`]). It is
//! converted once to whole milligrams with the rule of [`Milligrams::from_decimal`] (exact
//! conversion, 1 lb = 453,592.37 mg, rounded half away from zero). Drift is flagged when
//! `|reading − certified| > max_divisions × d`, all in integer milligrams; floats are never
//! compared. The division `d` must be at least 1 mg (a balance reading to 0.1 mg cannot be
//! checked in whole milligrams without losing its last digit; use a division of 1 mg or more).

use thiserror::Error;

use crate::event::{Milligrams, WeightError, WeightReading};

/// The outcome of one calibration check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalibrationCheck {
    /// the certified mass of the check weight
    pub certified: Milligrams,
    /// what the scale read, in whole milligrams
    pub reading: Milligrams,
    /// reading − certified
    pub deviation_mg: i64,
    /// |deviation| in hundredths of a division, rounded half up (250 = 2.5 d)
    pub deviation_hundredths_of_d: u64,
    /// the allowed drift, in divisions
    pub max_divisions: u32,
    /// true when |deviation| > max_divisions × d
    pub drifted: bool,
}

/// Why a check could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalibrationError {
    /// The scale was not stable, out of range, or not in a mass unit.
    #[error(
        "the scale reading is not a stable weight: wait for the scale to settle and weigh again"
    )]
    NotStable,
    /// The reading could not be converted.
    #[error(transparent)]
    Weight(#[from] WeightError),
    /// The division is below 1 mg or the certified mass is not positive.
    #[error("the scale division must be at least 1 mg and the check weight above 0 mg")]
    BadSetup,
}

/// Checks `reading` against a certified check weight.
pub fn check_calibration(
    certified: Milligrams,
    reading: &WeightReading,
    division: Milligrams,
    max_divisions: u32,
) -> Result<CalibrationCheck, CalibrationError> {
    if division.0 < 1 || certified.0 < 1 {
        return Err(CalibrationError::BadSetup);
    }
    let weight = reading.stable_weight().ok_or(CalibrationError::NotStable)?;
    let reading_mg = weight.to_milligrams()?;
    let deviation = i128::from(reading_mg.0) - i128::from(certified.0);
    let magnitude = deviation.unsigned_abs();
    let d = u128::try_from(division.0).map_err(|_| CalibrationError::BadSetup)?;
    let allowed = u128::from(max_divisions) * d;
    let hundredths = (magnitude * 100 + d / 2) / d;
    Ok(CalibrationCheck {
        certified,
        reading: reading_mg,
        deviation_mg: i64::try_from(deviation).unwrap_or(i64::MAX),
        deviation_hundredths_of_d: u64::try_from(hundredths).unwrap_or(u64::MAX),
        max_divisions,
        drifted: magnitude > allowed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::WeightUnit;

    #[test]
    fn flags_drift_beyond_the_allowed_divisions() {
        // 100 g check weight, d = 10 mg (0.01 g), allow 2 d.
        let ok = WeightReading::new("100.02", WeightUnit::Gram, true);
        let check = check_calibration(Milligrams(100_000), &ok, Milligrams(10), 2).unwrap();
        assert_eq!(check.deviation_mg, 20);
        assert_eq!(check.deviation_hundredths_of_d, 200);
        assert!(!check.drifted);
        let drifted = WeightReading::new("99.97", WeightUnit::Gram, true);
        let check = check_calibration(Milligrams(100_000), &drifted, Milligrams(10), 2).unwrap();
        assert_eq!(check.deviation_mg, -30);
        assert!(check.drifted);
    }

    #[test]
    fn pounds_are_converted_exactly_before_comparing() {
        // 1 lb check weight = 453,592.37 mg → certified 453,592 mg; scale shows 1.000 lb.
        let reading = WeightReading::new("1.000", WeightUnit::Pound, true);
        let check = check_calibration(Milligrams(453_592), &reading, Milligrams(454), 1).unwrap();
        assert_eq!(check.reading, Milligrams(453_592));
        assert!(!check.drifted);
    }

    #[test]
    fn unstable_or_non_mass_readings_are_refused() {
        let moving = WeightReading::new("100.00", WeightUnit::Gram, false);
        assert_eq!(
            check_calibration(Milligrams(100_000), &moving, Milligrams(10), 1),
            Err(CalibrationError::NotStable)
        );
        let pieces = WeightReading::new("100", WeightUnit::Pieces, true);
        assert_eq!(
            check_calibration(Milligrams(100_000), &pieces, Milligrams(10), 1),
            Err(CalibrationError::NotStable)
        );
        let grams = WeightReading::new("100.00", WeightUnit::Gram, true);
        assert_eq!(
            check_calibration(Milligrams(100_000), &grams, Milligrams(0), 1),
            Err(CalibrationError::BadSetup)
        );
    }
}

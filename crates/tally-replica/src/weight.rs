//! Weights: a scale's printed decimal becomes integer milligrams exactly once (with
//! `tally_vocab`'s converter), and weights are compared against tolerances in integers (never
//! floats).
//!
//! Rounding rule: the exact rational value is rounded to the nearest milligram, halves away
//! from zero. 1 lb = 453,592.37 mg and 1 oz = 28,349.523125 mg exactly; 1 ct = 200 mg.

pub use tally_vocab::{MassUnit, Milligrams, WeightError, PRINTED_LEN_MAX};

/// Converts a printed decimal in `unit` to milligrams (exact, rounded half away from zero):
/// [`Milligrams::from_decimal`], the one converter of the workspace.
pub fn to_milligrams(printed: &str, unit: MassUnit) -> Result<i64, WeightError> {
    Milligrams::from_decimal(printed, unit).map(|mg| mg.0)
}

/// Whether `actual_mg` is within `tolerance_mg` of `expected_mg`.
pub fn within_tolerance(expected_mg: i64, actual_mg: i64, tolerance_mg: i64) -> bool {
    (i128::from(actual_mg) - i128::from(expected_mg)).abs() <= i128::from(tolerance_mg)
}

/// Brings a reading to the basis of a manifest weight: a net manifest compares net weights, a
/// gross one gross weights; `tare_mg` is the item's container tare.
pub fn to_manifest_basis(
    reading_mg: i64,
    reading_is_net: bool,
    manifest_is_net: bool,
    tare_mg: i64,
) -> i64 {
    match (manifest_is_net, reading_is_net) {
        (true, false) => reading_mg.saturating_sub(tare_mg),
        (false, true) => reading_mg.saturating_add(tare_mg),
        _ => reading_mg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_with_the_shared_rule() {
        assert_eq!(to_milligrams("3.52", MassUnit::G), Ok(3_520));
        assert_eq!(to_milligrams("0.0005", MassUnit::G), Ok(1)); // half rounds away from zero
        assert_eq!(to_milligrams("2", MassUnit::Lb), Ok(907_185)); // 907,184.74
        assert_eq!(to_milligrams("-0.25", MassUnit::G), Ok(-250));
        assert!(matches!(
            to_milligrams("1e3", MassUnit::G),
            Err(WeightError::NotANumber(_))
        ));
        assert!(matches!(
            to_milligrams("123456789012345678901", MassUnit::G),
            Err(WeightError::TooLong(_))
        ));
    }

    #[test]
    fn tolerance_and_basis() {
        assert!(within_tolerance(3_500, 3_600, 100));
        assert!(!within_tolerance(3_500, 3_601, 100));
        assert!(within_tolerance(3_500, 3_400, 100));
        assert_eq!(to_manifest_basis(5_000, false, true, 1_500), 3_500);
        assert_eq!(to_manifest_basis(3_500, true, false, 1_500), 5_000);
        assert_eq!(to_manifest_basis(3_500, true, true, 1_500), 3_500);
    }
}

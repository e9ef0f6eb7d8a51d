//! Weights: converting a scale's printed decimal to integer milligrams exactly once, and
//! comparing weights against tolerances in integers (never floats).
//!
//! Rounding rule: the exact rational value is rounded to the nearest milligram, halves away
//! from zero. 1 lb = 453,592.37 mg and 1 oz = 28,349.523125 mg exactly; 1 ct = 200 mg.

/// Why a printed reading is not a weight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightError {
    /// The number could not be read.
    #[error("the scale reading {0:?} is not a number")]
    NotANumber(String),
    /// The unit is not a mass unit (`PC`, `%`, ...).
    #[error("{0:?} is not a unit of weight")]
    NotAMassUnit(String),
    /// Too many digits to be a real reading.
    #[error("the scale reading {0:?} is too long")]
    TooLong(String),
}

/// Longest printed reading accepted (digits, sign and point).
pub const PRINTED_LEN_MAX: usize = 20;

/// Converts a printed decimal and its unit to milligrams (rounded half away from zero).
pub fn to_milligrams(printed: &str, unit: &str) -> Result<i64, WeightError> {
    let text = printed.trim();
    if text.len() > PRINTED_LEN_MAX {
        return Err(WeightError::TooLong(printed.to_owned()));
    }
    let (num, den): (i128, i128) = match unit.trim().to_ascii_lowercase().as_str() {
        "mg" => (1, 1),
        "g" => (1_000, 1),
        "kg" => (1_000_000, 1),
        "ct" => (200, 1),
        "oz" => (28_349_523_125, 1_000_000),
        "lb" => (45_359_237, 100),
        _ => return Err(WeightError::NotAMassUnit(unit.to_owned())),
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(WeightError::NotANumber(printed.to_owned()));
    }
    let mut mantissa: i128 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    let scale = 10i128.pow(frac_part.len() as u32);
    let n = mantissa * num;
    let d = scale * den;
    let rounded = (2 * n + d) / (2 * d);
    let value = i64::try_from(rounded).map_err(|_| WeightError::TooLong(printed.to_owned()))?;
    Ok(if negative { -value } else { value })
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
    fn converts_exactly_with_stated_rounding() {
        assert_eq!(to_milligrams("3.52", "g"), Ok(3_520));
        assert_eq!(to_milligrams("0.0005", "g"), Ok(1)); // half rounds away from zero
        assert_eq!(to_milligrams("0.0004", "g"), Ok(0));
        assert_eq!(to_milligrams("1", "lb"), Ok(453_592));
        assert_eq!(to_milligrams("1.00", "LB"), Ok(453_592));
        assert_eq!(to_milligrams("2", "lb"), Ok(907_185)); // 907,184.74
        assert_eq!(to_milligrams("1", "oz"), Ok(28_350)); // 28,349.523125
        assert_eq!(to_milligrams("5", "ct"), Ok(1_000));
        assert_eq!(to_milligrams("1.5", "kg"), Ok(1_500_000));
        assert_eq!(to_milligrams("-0.25", "g"), Ok(-250));
        assert_eq!(to_milligrams(" 12.0 ", "g"), Ok(12_000));
    }

    #[test]
    fn refuses_non_weights() {
        assert!(matches!(
            to_milligrams("12", "PC"),
            Err(WeightError::NotAMassUnit(_))
        ));
        assert!(matches!(
            to_milligrams("12", "%"),
            Err(WeightError::NotAMassUnit(_))
        ));
        assert!(matches!(
            to_milligrams("1.2.3", "g"),
            Err(WeightError::NotANumber(_))
        ));
        assert!(matches!(
            to_milligrams("", "g"),
            Err(WeightError::NotANumber(_))
        ));
        assert!(matches!(
            to_milligrams(".", "g"),
            Err(WeightError::NotANumber(_))
        ));
        assert!(matches!(
            to_milligrams("1e3", "g"),
            Err(WeightError::NotANumber(_))
        ));
        assert!(matches!(
            to_milligrams("123456789012345678901", "g"),
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

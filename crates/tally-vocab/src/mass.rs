//! Masses: the units scales print, whole [`Milligrams`] parsed once from the printed decimal,
//! and whether a weight is gross or net. Never a float.
//!
//! Rounding rule: the exact rational value of the printed decimal is rounded to the nearest
//! milligram, halves away from zero. 1 lb = 453,592.37 mg and 1 oz = 28,349.523125 mg exactly
//! (international yard and pound, 1959); 1 ct = 200 mg; 1 ozt = 31,103.4768 mg; 1 dwt = 1/20
//! ozt; 1 grain = 64.79891 mg.

use std::fmt;

use serde::Serialize;

use crate::language::{Language, Message};

/// A unit of mass a scale prints. Counting (`PC`), percent and totals are not masses.
/// JSON: the lower-case symbol name (`"g"`, `"lb"`, `"ozt"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MassUnit {
    /// Milligrams.
    Mg,
    /// Grams.
    G,
    /// Kilograms.
    Kg,
    /// Avoirdupois ounces (28.349523125 g).
    Oz,
    /// Avoirdupois pounds (453.59237 g).
    Lb,
    /// Metric carats (200 mg).
    Ct,
    /// Troy ounces (31.1034768 g).
    Ozt,
    /// Pennyweights (1.55517384 g).
    Dwt,
    /// Grains (64.79891 mg).
    Gr,
}

impl MassUnit {
    /// Every unit.
    pub const ALL: [MassUnit; 9] = [
        MassUnit::Mg,
        MassUnit::G,
        MassUnit::Kg,
        MassUnit::Oz,
        MassUnit::Lb,
        MassUnit::Ct,
        MassUnit::Ozt,
        MassUnit::Dwt,
        MassUnit::Gr,
    ];

    /// Parses a unit as scales print it (`g`, `KG`, ` lb`, `lbs`, `c t`, `ozt`, `GN`):
    /// spaces and letter case are ignored. `None` for anything that is not a mass.
    pub fn parse(printed: &str) -> Option<MassUnit> {
        let compact: String = printed
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match compact.as_str() {
            "mg" => MassUnit::Mg,
            "g" => MassUnit::G,
            "kg" => MassUnit::Kg,
            "oz" => MassUnit::Oz,
            "lb" | "lbs" => MassUnit::Lb,
            "ct" => MassUnit::Ct,
            "ozt" | "ozt." => MassUnit::Ozt,
            "dwt" => MassUnit::Dwt,
            "gn" | "gr" => MassUnit::Gr,
            _ => return None,
        })
    }

    /// The unit's usual symbol (`"g"`, `"kg"`, `"GN"`).
    pub fn symbol(self) -> &'static str {
        match self {
            MassUnit::Mg => "mg",
            MassUnit::G => "g",
            MassUnit::Kg => "kg",
            MassUnit::Oz => "oz",
            MassUnit::Lb => "lb",
            MassUnit::Ct => "ct",
            MassUnit::Ozt => "ozt",
            MassUnit::Dwt => "dwt",
            MassUnit::Gr => "GN",
        }
    }

    /// Exact size of one unit in milligrams, as a fraction `(numerator, denominator)`.
    pub fn milligrams_per_unit(self) -> (i128, i128) {
        match self {
            MassUnit::Mg => (1, 1),
            MassUnit::G => (1_000, 1),
            MassUnit::Kg => (1_000_000, 1),
            MassUnit::Lb => (45_359_237, 100),
            MassUnit::Oz => (45_359_237, 1_600),
            MassUnit::Ct => (200, 1),
            MassUnit::Ozt => (311_034_768, 10_000),
            MassUnit::Dwt => (311_034_768, 200_000),
            MassUnit::Gr => (6_479_891, 100_000),
        }
    }
}

impl fmt::Display for MassUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Why a printed reading is not a weight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightError {
    /// The number could not be read.
    NotANumber(String),
    /// The unit is not a mass unit (`PC`, `%`, ...).
    NotAMassUnit(String),
    /// Too many digits to be a real reading, or more milligrams than fit in 64 bits.
    TooLong(String),
}

crate::display_in_english!(WeightError);

impl Message for WeightError {
    fn message(&self, language: Language) -> String {
        match self {
            WeightError::NotANumber(value) => crate::bilingual!(language,
                en: "the scale reading {value:?} is not a number",
                es: "la lectura de la báscula {value:?} no es un número",
            ),
            WeightError::NotAMassUnit(unit) => crate::bilingual!(language,
                en: "{unit:?} is not a unit of weight",
                es: "{unit:?} no es una unidad de peso",
            ),
            WeightError::TooLong(value) => crate::bilingual!(language,
                en: "the scale reading {value:?} is too long",
                es: "la lectura de la báscula {value:?} es demasiado larga",
            ),
        }
    }
}

/// Longest printed reading accepted (digits, sign and point, after trimming spaces).
pub const PRINTED_LEN_MAX: usize = 20;

/// A mass in whole milligrams, the unit every weight comparison in tally uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Milligrams(pub i64);

impl Milligrams {
    /// Converts a printed decimal (`[+|-]digits[.digits]`, surrounding spaces allowed) in
    /// `unit` to whole milligrams: exact rational arithmetic on the printed digits, rounded once
    /// at the end to the nearest milligram, **halves away from zero** (`0.0005 g` → 1 mg,
    /// `-0.0005 g` → −1 mg, `1 oz` = 28,349.523125 mg → 28,350 mg).
    pub fn from_decimal(printed: &str, unit: MassUnit) -> Result<Milligrams, WeightError> {
        let text = printed.trim();
        if text.len() > PRINTED_LEN_MAX {
            return Err(WeightError::TooLong(printed.to_owned()));
        }
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
        if (int_part.is_empty() && frac_part.is_empty())
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(WeightError::NotANumber(printed.to_owned()));
        }
        // At most 20 digits: the mantissa is below 10^20 and times the largest unit numerator
        // (3.2 × 10^8) stays far below i128::MAX.
        let mantissa = int_part
            .bytes()
            .chain(frac_part.bytes())
            .fold(0i128, |m, b| m * 10 + i128::from(b - b'0'));
        let (num, den) = unit.milligrams_per_unit();
        let n = mantissa * num;
        let d = 10i128.pow(frac_part.len() as u32) * den;
        let rounded = (2 * n + d) / (2 * d);
        let value = i64::try_from(rounded).map_err(|_| WeightError::TooLong(printed.to_owned()))?;
        Ok(Milligrams(if negative { -value } else { value }))
    }

    /// [`Milligrams::from_decimal`] with the unit as printed (see [`MassUnit::parse`]).
    pub fn parse(printed: &str, unit: &str) -> Result<Milligrams, WeightError> {
        let unit =
            MassUnit::parse(unit).ok_or_else(|| WeightError::NotAMassUnit(unit.to_owned()))?;
        Milligrams::from_decimal(printed, unit)
    }

    /// The absolute difference between two masses.
    pub fn abs_diff(self, other: Milligrams) -> u64 {
        self.0.abs_diff(other.0)
    }

    /// Whether `self` is within `tolerance` of `expected` (both ways, inclusive).
    pub fn within(self, expected: Milligrams, tolerance: Milligrams) -> bool {
        (i128::from(self.0) - i128::from(expected.0)).abs() <= i128::from(tolerance.0)
    }
}

impl fmt::Display for Milligrams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} mg", self.0)
    }
}

/// Whether a weight is gross or net (tare subtracted). JSON: `"gross"`, `"net"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeighMode {
    /// Gross weight.
    Gross,
    /// Net weight (tare subtracted).
    Net,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mg(printed: &str, unit: &str) -> Result<i64, WeightError> {
        Milligrams::parse(printed, unit).map(|m| m.0)
    }

    #[test]
    fn converts_exactly_with_stated_rounding() {
        assert_eq!(mg("3.52", "g"), Ok(3_520));
        assert_eq!(mg("0.0005", "g"), Ok(1)); // half rounds away from zero
        assert_eq!(mg("0.0004", "g"), Ok(0));
        assert_eq!(mg("-0.0005", "g"), Ok(-1));
        assert_eq!(mg("1", "lb"), Ok(453_592));
        assert_eq!(mg("1.00", "LB"), Ok(453_592));
        assert_eq!(mg("2", "lb"), Ok(907_185)); // 907,184.74
        assert_eq!(mg("1", "oz"), Ok(28_350)); // 28,349.523125
        assert_eq!(mg("1.00", "oz"), Ok(28_350));
        assert_eq!(mg("5", "ct"), Ok(1_000));
        assert_eq!(mg("1.278", "ct"), Ok(256));
        assert_eq!(mg("1.5", "kg"), Ok(1_500_000));
        assert_eq!(mg("-0.25", "g"), Ok(-250));
        assert_eq!(mg(" 12.0 ", "g"), Ok(12_000));
        assert_eq!(mg("+001234.5", "g"), Ok(1_234_500));
        assert_eq!(mg("1", "ozt"), Ok(31_103));
        assert_eq!(mg("1", "dwt"), Ok(1_555));
        assert_eq!(mg("1", "GN"), Ok(65));
        assert_eq!(mg("5.", "g"), Ok(5_000));
        assert_eq!(mg(".5", "g"), Ok(500));
    }

    #[test]
    fn refuses_non_weights() {
        assert_eq!(mg("12", "PC"), Err(WeightError::NotAMassUnit("PC".into())));
        assert_eq!(mg("12", "%"), Err(WeightError::NotAMassUnit("%".into())));
        for bad in [
            "1.2.3", "", ".", "1e3", "--1", "+-1", "- 1", "1 000", "0x10", "½",
        ] {
            assert_eq!(
                mg(bad, "g"),
                Err(WeightError::NotANumber(bad.into())),
                "{bad:?}"
            );
        }
        assert_eq!(
            mg("123456789012345678901", "g"),
            Err(WeightError::TooLong("123456789012345678901".into()))
        );
        // Fits the text limit, not 64-bit milligrams.
        assert_eq!(
            mg("99999999999999999999", "kg"),
            Err(WeightError::TooLong("99999999999999999999".into()))
        );
    }

    #[test]
    fn units_parse_as_printed() {
        for unit in MassUnit::ALL {
            assert_eq!(MassUnit::parse(unit.symbol()), Some(unit));
            assert_eq!(
                MassUnit::parse(&format!(" {} ", unit.symbol().to_uppercase())),
                Some(unit)
            );
        }
        assert_eq!(MassUnit::parse("c t"), Some(MassUnit::Ct));
        assert_eq!(MassUnit::parse("lbs"), Some(MassUnit::Lb));
        assert_eq!(MassUnit::parse("PC"), None);
        assert_eq!(serde_json::to_string(&MassUnit::Ozt).unwrap(), "\"ozt\"");
        assert_eq!(serde_json::to_string(&WeighMode::Net).unwrap(), "\"net\"");
    }

    #[test]
    fn tolerance() {
        let within = |e, a, t| Milligrams(a).within(Milligrams(e), Milligrams(t));
        assert!(within(3_500, 3_600, 100));
        assert!(!within(3_500, 3_601, 100));
        assert!(within(3_500, 3_400, 100));
        assert!(!within(i64::MIN, i64::MAX, i64::MAX));
    }

    #[test]
    fn errors_speak_both_languages() {
        for error in [
            WeightError::NotANumber("x".into()),
            WeightError::NotAMassUnit("PC".into()),
            WeightError::TooLong("1".into()),
        ] {
            assert_eq!(error.message(Language::English), error.to_string());
            assert_ne!(error.message(Language::Spanish), error.to_string());
        }
    }

    /// Exact value of `units / 10^decimals` of `unit`, rounded half away from zero, computed
    /// by a different route: whole and remainder parts in u128.
    fn reference(units: u64, decimals: u32, unit: MassUnit) -> i128 {
        let (num, den) = unit.milligrams_per_unit();
        let n = u128::from(units) * num as u128;
        let d = 10u128.pow(decimals) * den as u128;
        let (q, r) = (n / d, n % d);
        (q + u128::from(r * 2 >= d)) as i128
    }

    fn unit() -> impl Strategy<Value = MassUnit> {
        proptest::sample::select(MassUnit::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn rounding_matches_exact_rational(units in 0u64..10_000_000_000, decimals in 0u32..8, unit in unit(), negative: bool) {
            let digits = format!("{units:0width$}", width = decimals as usize + 1);
            let (int, frac) = digits.split_at(digits.len() - decimals as usize);
            let printed = if decimals == 0 { int.to_string() } else { format!("{int}.{frac}") };
            let printed = if negative { format!("-{printed}") } else { printed };
            let expected = reference(units, decimals, unit);
            let got = Milligrams::from_decimal(&printed, unit).unwrap().0;
            prop_assert_eq!(i128::from(got), if negative { -expected } else { expected });
        }

        #[test]
        fn padding_and_sign_do_not_change_the_value(mg in -1_000_000_000i64..1_000_000_000, zeros in 0usize..4) {
            let printed = format!("{}{}{}", if mg < 0 { "-" } else { "+" }, "0".repeat(zeros), mg.unsigned_abs());
            prop_assert_eq!(Milligrams::from_decimal(&printed, MassUnit::Mg), Ok(Milligrams(mg)));
            prop_assert_eq!(Milligrams::from_decimal(&mg.to_string(), MassUnit::Mg), Ok(Milligrams(mg)));
        }

        #[test]
        fn never_panics(printed in "\\PC{0,24}", unit in "\\PC{0,4}") {
            let _ = Milligrams::parse(&printed, &unit);
        }
    }
}

//! What a simulated floor puts on the scale: realistic loads for a demo or a test, from the
//! weight on record, with the noise of real goods.
//!
//! - [`case_weight`]: a case arriving at the dock, from its manifest weight: most inside the
//!   facility's receiving tolerance, about one in five outside it (moisture loss, a short
//!   case); a case the manifest does not list weighs something plausible of its own.
//! - [`count_weight`]: a package counted by weight, from the weight on record: most inside the
//!   facility's count tolerance, about one in five outside it (mostly light: product missing),
//!   and never exactly the weight on record (goods on a shelf drift: at least two divisions
//!   off), so what the scale shows during a blind count is a reading, never the record.

use crate::sim::Rng;

/// A number in `low..=high` (`low` when the range is empty).
fn between(rng: &mut Rng, low: i64, high: i64) -> i64 {
    let span = u64::try_from(high.saturating_sub(low)).unwrap_or(0);
    low.saturating_add(i64::try_from(rng.below(span.saturating_add(1))).unwrap_or(0))
}

/// The weight on record moved by the noise of real goods: within 60 % of `tolerance_mg` four
/// times in five, else 2–12 × `tolerance_mg` off (light three times in four).
fn drifted(recorded_mg: i64, tolerance_mg: i64, rng: &mut Rng) -> i64 {
    let tolerance = tolerance_mg.max(1);
    let within = tolerance * 6 / 10;
    let delta = if between(rng, 1, 5) == 5 {
        let off = between(rng, tolerance * 2, tolerance * 12);
        if between(rng, 1, 4) == 4 {
            off
        } else {
            -off
        }
    } else {
        between(rng, -within, within)
    };
    recorded_mg.saturating_add(delta).max(0)
}

/// What the scale shows for a case at receiving, in milligrams: its manifest weight with
/// noise (`tolerance_mg` at least `division_mg`), or a plausible case of its own when the
/// manifest does not list it.
pub fn case_weight(
    manifest_mg: Option<i64>,
    tolerance_mg: i64,
    division_mg: i64,
    rng: &mut Rng,
) -> i64 {
    match manifest_mg {
        Some(expected) => drifted(expected, tolerance_mg.max(division_mg), rng),
        // Not on the manifest: a plausible case of its own.
        None => between(rng, 250_000, 2_500_000),
    }
}

/// What the scale shows for a package counted by weight, in milligrams: the weight on record
/// with noise (`tolerance_mg`: the facility's count tolerance), never closer to it than two
/// divisions (`division_mg`).
pub fn count_weight(recorded_mg: i64, tolerance_mg: i64, division_mg: i64, rng: &mut Rng) -> i64 {
    let nearest = division_mg.max(1) * 2;
    let weight = drifted(recorded_mg, tolerance_mg.max(nearest), rng);
    if (weight - recorded_mg).abs() >= nearest {
        weight
    } else if recorded_mg >= nearest {
        // Dried a little on the shelf.
        recorded_mg - nearest
    } else {
        recorded_mg + nearest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_cases_weigh_within_tolerance_and_some_do_not() {
        let mut rng = Rng::new(42);
        let tolerance = 500;
        let weights: Vec<i64> = (0..1_000)
            .map(|_| case_weight(Some(400_000), tolerance, 10, &mut rng))
            .collect();
        let outside = weights
            .iter()
            .filter(|w| (**w - 400_000).abs() > tolerance)
            .count();
        assert!((120..=280).contains(&outside), "{outside} of 1000 outside");
        // The noise is real: the in-tolerance weights are not all the manifest weight.
        let exact = weights.iter().filter(|w| **w == 400_000).count();
        assert!(exact < 50, "{exact} exact");
        // An unlisted case weighs something plausible.
        let unlisted = case_weight(None, tolerance, 10, &mut rng);
        assert!((250_000..=2_500_000).contains(&unlisted));
    }

    /// A counted package reads near its record, mostly within the count tolerance, some
    /// beyond it, and never the record itself or within two divisions of it.
    #[test]
    fn a_counted_package_reads_near_its_record_and_never_on_it() {
        for (recorded, tolerance, division) in [
            (5_437_210, 200, 10),
            (3_500, 200, 10),
            (10, 0, 10),
            (1_000_000, 0, 1),
        ] {
            let mut rng = Rng::new(7);
            let weights: Vec<i64> = (0..1_000)
                .map(|_| count_weight(recorded, tolerance, division, &mut rng))
                .collect();
            assert!(
                weights
                    .iter()
                    .all(|w| *w >= 0 && (w - recorded).abs() >= 2 * division),
                "{recorded}: {:?}",
                weights.iter().min_by_key(|w| (*w - recorded).abs())
            );
            if recorded < 2 * division {
                // Too light to drift down: it reads two divisions heavier.
                continue;
            }
            let band = tolerance.max(2 * division);
            let outside = weights
                .iter()
                .filter(|w| (**w - recorded).abs() > band)
                .count();
            assert!(
                (120..=400).contains(&outside),
                "{recorded}: {outside} outside"
            );
            assert!(
                weights.iter().all(|w| (w - recorded).abs() <= band * 12),
                "{recorded}: nothing unrelated"
            );
        }
    }
}

//! Capped exponential backoff with jitter, for retrying the ledger for ever. Pure: the caller
//! supplies the randomness.
//!
//! The n-th consecutive failure waits a random time in `[d/2, d]` where
//! `d = min(cap, base * 2^(n-1))` ("equal jitter"): never a burst of devices retrying in step
//! after a ledger comes back, never longer than the cap, never zero.

use std::time::Duration;

/// Backoff state.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
}

impl Backoff {
    /// Starts at `base`, doubling up to `cap`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap: cap.max(base),
            failures: 0,
        }
    }

    /// Consecutive failures so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Forget the failures (after a success, or when the network comes back).
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// The ceiling of the next delay.
    fn ceiling(&self) -> Duration {
        let shift = self.failures.saturating_sub(1).min(32);
        self.base
            .checked_mul(1u32 << shift.min(31))
            .map_or(self.cap, |d| d.min(self.cap))
    }

    /// Records one more failure and returns how long to wait; `unit` is a random number in
    /// `[0, 1)`.
    pub fn next_delay(&mut self, unit: f64) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let ceiling = self.ceiling();
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.5
        };
        ceiling / 2 + ceiling.mul_f64(unit / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter_and_never_stop() {
        let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(60));
        let mut previous_ceiling = Duration::ZERO;
        for n in 1..=200u32 {
            let low = backoff.clone().next_delay(0.0);
            let high = backoff.clone().next_delay(0.999_999);
            let delay = backoff.next_delay(0.3);
            assert!(low <= delay && delay <= high, "failure {n}");
            assert!(high <= Duration::from_secs(60), "failure {n}: {high:?}");
            assert!(low >= Duration::from_millis(250), "failure {n}: {low:?}");
            let ceiling = backoff.ceiling();
            assert!(ceiling >= previous_ceiling);
            previous_ceiling = ceiling;
        }
        assert_eq!(backoff.failures(), 200);
        assert_eq!(previous_ceiling, Duration::from_secs(60));
        // Jitter spreads devices over half of each step.
        let fresh = || Backoff::new(Duration::from_millis(500), Duration::from_secs(60));
        assert_eq!(fresh().next_delay(0.0), Duration::from_millis(250));
        assert_eq!(fresh().next_delay(1.0), Duration::from_millis(500));
        backoff.reset();
        assert_eq!(backoff.next_delay(1.0), Duration::from_millis(500));
        assert_eq!(
            backoff.clone().next_delay(f64::NAN),
            Duration::from_millis(750)
        );
    }
}

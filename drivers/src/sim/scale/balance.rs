//! The simulated balance itself, without any protocol: the load on the platter, the zero
//! point, the tare, the weighing range and the zero and tare ranges.
//!
//! Every quantity is an integer number of divisions (`d`). The load is measured from the
//! power-up zero; the gross weight is the load minus the zero point set by the last zeroing;
//! the net weight is the gross minus the tare. A balance zeroes only inside its zero range
//! (±2 % of capacity, OIML R76's limit for semi-automatic zero setting) and refuses beyond it;
//! it tares any gross load between zero and its capacity; it reads "overload" above capacity
//! and "underload" when the platter is lighter than the power-up zero by more than the zero
//! range (the pan lifted off). Zeroing clears the tare, as on a balance in gross mode.

/// What the balance shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// A net weight in divisions (equal to the gross when no tare is set).
    Net(i64),
    /// Over capacity.
    Overload,
    /// Under the lower limit.
    Underload,
}

/// Why a zero or tare request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// Above the upper limit of the range (MT-SICS `+`).
    Above,
    /// Below the lower limit of the range (MT-SICS `-`).
    Below,
}

/// The state of a simulated balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    load: i64,
    zero: i64,
    tare: i64,
    capacity: i64,
    zero_range: i64,
}

impl Balance {
    /// A balance of `capacity` divisions carrying `load` divisions, zeroed at power-up.
    pub fn new(capacity: i64, load: i64) -> Self {
        Self {
            load,
            zero: 0,
            tare: 0,
            capacity: capacity.max(1),
            zero_range: (capacity / 50).max(1),
        }
    }

    /// The load on the platter, from the power-up zero.
    pub fn load(&self) -> i64 {
        self.load
    }

    /// Puts `load` divisions on the platter (from the power-up zero).
    pub fn set_load(&mut self, load: i64) {
        self.load = load;
    }

    /// Adds `divisions` to the load (a negative number takes some off).
    pub fn add_load(&mut self, divisions: i64) {
        self.load = self.load.saturating_add(divisions);
    }

    /// Capacity in divisions.
    pub fn capacity(&self) -> i64 {
        self.capacity
    }

    /// The gross weight: the load minus the zero point.
    pub fn gross(&self) -> i64 {
        self.load.saturating_sub(self.zero)
    }

    /// The tare in divisions (0 when none is set).
    pub fn tare(&self) -> i64 {
        self.tare
    }

    /// What the display shows now.
    pub fn display(&self) -> Display {
        let gross = self.gross();
        if gross > self.capacity {
            Display::Overload
        } else if self.load < -self.zero_range {
            Display::Underload
        } else {
            Display::Net(gross.saturating_sub(self.tare))
        }
    }

    /// Sets the zero point to the current load when it lies within the zero range around the
    /// power-up zero; clears the tare.
    pub fn zero(&mut self) -> Result<(), OutOfRange> {
        if self.load > self.zero_range {
            return Err(OutOfRange::Above);
        }
        if self.load < -self.zero_range {
            return Err(OutOfRange::Below);
        }
        self.zero = self.load;
        self.tare = 0;
        Ok(())
    }

    /// Tares the current gross load; returns the new tare.
    pub fn tare_now(&mut self) -> Result<i64, OutOfRange> {
        let gross = self.gross();
        self.set_tare(gross)?;
        Ok(gross)
    }

    /// Sets the tare to `divisions` (a preset tare) when it lies between 0 and capacity.
    pub fn set_tare(&mut self, divisions: i64) -> Result<(), OutOfRange> {
        if divisions > self.capacity {
            return Err(OutOfRange::Above);
        }
        if divisions < 0 {
            return Err(OutOfRange::Below);
        }
        self.tare = divisions;
        Ok(())
    }

    /// Clears the tare.
    pub fn clear_tare(&mut self) {
        self.tare = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroing_inside_the_range_moves_the_zero_point_and_clears_the_tare() {
        let mut b = Balance::new(100_000, 1_500);
        b.set_tare(200).unwrap();
        b.zero().unwrap();
        assert_eq!(b.display(), Display::Net(0));
        assert_eq!(b.tare(), 0);
        b.add_load(10_000);
        assert_eq!(b.display(), Display::Net(10_000));
    }

    #[test]
    fn zeroing_beyond_the_range_is_refused_and_changes_nothing() {
        let mut b = Balance::new(100_000, 10_000);
        assert_eq!(b.zero(), Err(OutOfRange::Above));
        assert_eq!(b.display(), Display::Net(10_000));
        b.set_load(-2_001);
        assert_eq!(b.zero(), Err(OutOfRange::Below));
        assert_eq!(b.display(), Display::Underload);
    }

    #[test]
    fn taring_subtracts_the_gross_load_until_it_changes() {
        let mut b = Balance::new(100_000, 3_000);
        assert_eq!(b.tare_now(), Ok(3_000));
        assert_eq!(b.display(), Display::Net(0));
        b.add_load(10_000);
        assert_eq!(b.display(), Display::Net(10_000));
        b.set_load(0);
        assert_eq!(b.display(), Display::Net(-3_000));
        b.set_load(-100);
        assert_eq!(
            b.tare_now(),
            Err(OutOfRange::Below),
            "a negative gross is not a tare"
        );
        assert_eq!(b.display(), Display::Net(-3_100), "the tare stays");
        b.clear_tare();
        assert_eq!(b.display(), Display::Net(-100));
    }

    #[test]
    fn over_capacity_reads_overload_and_cannot_be_tared() {
        let mut b = Balance::new(100_000, 100_001);
        assert_eq!(b.display(), Display::Overload);
        assert_eq!(b.tare_now(), Err(OutOfRange::Above));
        assert_eq!(b.set_tare(100_001), Err(OutOfRange::Above));
    }
}

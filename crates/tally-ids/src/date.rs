//! Calendar dates and times of day as GS1 data carries them, with no time-zone or clock
//! access: "today" is always a parameter, so tests pin it.

use std::fmt;

use serde::{Serialize, Serializer};

/// Civil dates and the calendar rules are the workspace's shared ones.
pub use tally_vocab::date::{days_in_month, is_leap_year, Date};

/// The full year of a two-digit GS1 year `yy`, by the GS1 General Specifications §7.12 sliding
/// window: the year lies between 49 years before and 50 years after the current year.
pub fn gs1_century(yy: u8, today: Date) -> u16 {
    let current = i32::from(today.year());
    let century = current - current.rem_euclid(100);
    let difference = i32::from(yy) - current.rem_euclid(100);
    let year = if difference >= 51 {
        century - 100 + i32::from(yy)
    } else if difference <= -50 {
        century + 100 + i32::from(yy)
    } else {
        century + i32::from(yy)
    };
    year.clamp(0, 9999) as u16
}

/// A time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    /// Hour 0-23.
    pub hour: u8,
    /// Minute 0-59, when given.
    pub minute: Option<u8>,
    /// Second 0-59, when given.
    pub second: Option<u8>,
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute.unwrap_or(0))?;
        if let Some(second) = self.second {
            write!(f, ":{second:02}")?;
        }
        Ok(())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn century_window() {
        let today = Date::new(2026, 11, 24).unwrap();
        assert_eq!(gs1_century(25, today), 2025);
        assert_eq!(gs1_century(76, today), 2076);
        assert_eq!(gs1_century(77, today), 1977);
        assert_eq!(gs1_century(0, today), 2000);
        let late = Date::new(2080, 1, 1).unwrap();
        assert_eq!(gs1_century(30, late), 2130);
        assert_eq!(gs1_century(31, late), 2031);
    }
}

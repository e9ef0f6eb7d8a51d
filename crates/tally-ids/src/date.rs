//! Calendar dates and times of day as GS1 data carries them, with no time-zone or clock
//! access: "today" is always a parameter, so tests pin it.

use std::fmt;

use serde::{Serialize, Serializer};

/// A date in the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2025.
    pub year: u16,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
}

impl Date {
    /// A checked date; `None` when the month or day does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (negative = before), e.g. from a system clock.
    /// Dates before year 0 or after 9999 are clamped.
    pub fn from_unix_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days algorithm.
        let z = days.clamp(-719_468, 2_932_896) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Whether `year` is a leap year.
pub fn is_leap_year(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` (1-12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The full year of a two-digit GS1 year `yy`, by the GS1 General Specifications §7.12 sliding
/// window: the year lies between 49 years before and 50 years after the current year.
pub fn gs1_century(yy: u8, today: Date) -> u16 {
    let current = i32::from(today.year);
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
    fn unix_days() {
        assert_eq!(Date::from_unix_days(0), Date::new(1970, 1, 1).unwrap());
        assert_eq!(Date::from_unix_days(19_358), Date::new(2023, 1, 1).unwrap());
        assert_eq!(
            Date::from_unix_days(11_016),
            Date::new(2000, 2, 29).unwrap()
        );
        assert_eq!(Date::from_unix_days(-1), Date::new(1969, 12, 31).unwrap());
    }

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

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
    }
}

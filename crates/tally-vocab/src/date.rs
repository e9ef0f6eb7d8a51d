//! Civil dates (proleptic Gregorian, no time zone, no clock): built checked, written and read as
//! ISO `YYYY-MM-DD`, and ordered as dates, never as strings. "Today" is always a parameter.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::language::{Language, Message};

/// A date in the proleptic Gregorian calendar, year 0 to 65535 (the event format's `u16`; ISO
/// text and [`Date::from_unix_days`] cover years 0 to 9999). Only real dates can be built, so
/// the fields are private. Orders chronologically. `Display` and JSON: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order is the chronological order the derived `Ord` relies on.
    year: u16,
    month: u8,
    day: u8,
}

/// Why a text is not an ISO date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD` (four, two and two digits).
    NotIso {
        /// The text as given.
        text: String,
    },
    /// The form is right but there is no such day (2025-02-29, 2025-13-01).
    NoSuchDay {
        /// The text as given.
        text: String,
    },
}

crate::display_in_english!(DateError);

impl Message for DateError {
    fn message(&self, language: Language) -> String {
        match self {
            DateError::NotIso { text } => crate::bilingual!(language,
                en: "{text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-07",
                es: "{text:?} no es una fecha; escríbala como AAAA-MM-DD, p. ej. 2026-12-07",
            ),
            DateError::NoSuchDay { text } => crate::bilingual!(language,
                en: "{text} is not a day of the calendar",
                es: "{text} no es un día del calendario",
            ),
        }
    }
}

/// Days from 0000-03-01 to 1970-01-01.
const UNIX_EPOCH_OFFSET: i64 = 719_468;
/// Days from 1970-01-01 back to 0000-01-01 (negative).
const FIRST_UNIX_DAY: i64 = -719_528;
/// Days from 1970-01-01 to 9999-12-31.
const LAST_UNIX_DAY: i64 = 2_932_896;

impl Date {
    /// A checked date; `None` when the month or day does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// Day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The date `days` days after 1970-01-01 (negative = before), e.g. from a system clock.
    /// Dates before year 0 or after 9999 are clamped.
    pub fn from_unix_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days algorithm.
        let z = days.clamp(FIRST_UNIX_DAY, LAST_UNIX_DAY) + UNIX_EPOCH_OFFSET;
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

    /// Days since 1970-01-01 (negative before), the inverse of [`Date::from_unix_days`].
    pub fn unix_days(&self) -> i64 {
        // Howard Hinnant's days_from_civil algorithm.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - UNIX_EPOCH_OFFSET
    }

    /// The date `days` days later (earlier when negative), clamped to years 0 to 9999.
    pub fn add_days(&self, days: i64) -> Date {
        Date::from_unix_days(self.unix_days().saturating_add(days))
    }

    /// Parses ISO `YYYY-MM-DD` exactly (no spaces, no time, no other separators).
    pub fn parse_iso(text: &str) -> Result<Date, DateError> {
        let not_iso = || DateError::NotIso {
            text: text.to_owned(),
        };
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return Err(not_iso());
        }
        let number = |range: std::ops::Range<usize>| {
            bytes[range]
                .iter()
                .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'))
        };
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        // Month and day are two digits, so they fit in a u8.
        Date::new(year, month as u8, day as u8).ok_or_else(|| DateError::NoSuchDay {
            text: text.to_owned(),
        })
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        Date::parse_iso(text)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn unix_days() {
        assert_eq!(Date::from_unix_days(0), date("1970-01-01"));
        assert_eq!(Date::from_unix_days(19_358), date("2023-01-01"));
        assert_eq!(Date::from_unix_days(11_016), date("2000-02-29"));
        assert_eq!(Date::from_unix_days(-1), date("1969-12-31"));
        assert_eq!(Date::from_unix_days(i64::MIN), date("0000-01-01"));
        assert_eq!(Date::from_unix_days(i64::MAX), date("9999-12-31"));
        assert_eq!(date("2000-02-29").unix_days(), 11_016);
        assert_eq!(date("2024-12-31").add_days(1), date("2025-01-01"));
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
        assert!(Date::new(2025, 0, 1).is_none());
        assert!(Date::new(2025, 1, 0).is_none());
        // Years past 9999 exist on the wire (u16); their text has five digits.
        assert_eq!(Date::new(10_000, 1, 1).unwrap().to_string(), "10000-01-01");
        assert!(Date::new(10_000, 1, 1).unwrap() > date("9999-12-31"));
    }

    #[test]
    fn parse_refuses_anything_but_iso() {
        for text in [
            "",
            "2025-1-01",
            "2025/01/01",
            " 2025-01-01",
            "2025-01-01 ",
            "2025-01-01T00:00",
            "+025-01-01",
            "2025-0a-01",
            "20250101",
            "2025-01-１",
        ] {
            assert!(
                matches!(Date::parse_iso(text), Err(DateError::NotIso { .. })),
                "{text:?}"
            );
        }
        for text in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-01-00",
        ] {
            assert!(
                matches!(Date::parse_iso(text), Err(DateError::NoSuchDay { .. })),
                "{text:?}"
            );
        }
        assert_eq!(
            "2024-02-29".parse::<Date>(),
            Ok(Date::new(2024, 2, 29).unwrap())
        );
    }

    #[test]
    fn orders_as_dates_and_serialises_as_iso() {
        assert!(date("2025-12-31") < date("2026-01-01"));
        assert!(date("2026-02-01") > date("2026-01-31"));
        assert_eq!(
            serde_json::to_string(&date("0099-03-04")).unwrap(),
            "\"0099-03-04\""
        );
    }

    #[test]
    fn errors_speak_both_languages() {
        let error = Date::parse_iso("7/12/2026").unwrap_err();
        assert_eq!(error.message(Language::English), error.to_string());
        assert!(error.message(Language::Spanish).contains("no es una fecha"));
    }

    proptest! {
        #[test]
        fn text_round_trip_and_order(a in FIRST_UNIX_DAY..=LAST_UNIX_DAY, b in FIRST_UNIX_DAY..=LAST_UNIX_DAY) {
            let (x, y) = (Date::from_unix_days(a), Date::from_unix_days(b));
            prop_assert_eq!(x.unix_days(), a);
            prop_assert_eq!(Date::parse_iso(&x.to_string()), Ok(x));
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            // Four-digit years make the text order agree, but callers compare dates.
            prop_assert_eq!(x.to_string().cmp(&y.to_string()), a.cmp(&b));
        }
    }
}

//! The content checks ("linters") the GS1 Barcode Syntax Dictionary attaches to AI
//! components, implemented from their published descriptions.
//!
//! Check digits and dates produce structured errors and values, so the element parser handles
//! `csum`, `csumalpha` and the date/time linters itself through the helpers here; every other
//! linter is one arm of `passes`. `gcppos1`/`gcppos2` check the shortest GS1 Company Prefix
//! (four digits) is there, not the prefix itself (that needs GS1's prefix registry).
//! `packagetype` checks GS1's PackageTypeCode list (in `codes.rs`, with its source); the
//! coupon linters `couponcode` and `couponposoffer` read the coupon's fields (`coupon.rs`) and
//! say which one is wrong.

use super::ai::Linter;
use super::codes::{ISO3166_ALPHA2, ISO3166_NUMERIC, ISO4217_NUMERIC, PACKAGE_TYPES};
use crate::date::{days_in_month, gs1_century, Date, Time};
pub use crate::vocab::{CouponField, CouponProblem, DateProblem, TimeProblem};

/// Linters whose rule tally does not check yet: none since issue 12 (the coupon linters are
/// in `coupon.rs`). Kept so callers that list them keep compiling.
pub const NOT_CHECKED: &[Linter] = &[];

/// Shortest GS1 Company Prefix (GS1 General Specifications §1.4.4).
const GCP_MIN_LEN: usize = 4;

/// The GS1 mod-10 check digit of `payload` (digits only): weights 3, 1, 3 ... from the right.
/// `None` when `payload` holds anything but digits or is empty.
pub fn mod10_check_digit(payload: &[u8]) -> Option<u8> {
    if payload.is_empty() {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in payload.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let weight = if i % 2 == 0 { 3 } else { 1 };
        sum += u32::from(b - b'0') * weight;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// The check digit of a 4- or 5-digit price or weight field inside a variable-measure GTIN
/// (GS1 General Specifications §7.9.3, weighting factors 2-, 3, 5+ and 5-).
/// `None` when the field is not 4 or 5 digits.
pub fn price_weight_check_digit(field: &[u8]) -> Option<u8> {
    if !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let d: Vec<usize> = field.iter().map(|b| usize::from(b - b'0')).collect();
    // Products by weighting factor, indexed by the digit.
    const TWO_MINUS: [usize; 10] = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
    const THREE: [usize; 10] = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
    const FIVE_PLUS: [usize; 10] = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
    const FIVE_MINUS: [usize; 10] = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];
    match d.len() {
        4 => {
            let sum = TWO_MINUS[d[0]] + TWO_MINUS[d[1]] + THREE[d[2]] + FIVE_MINUS[d[3]];
            Some(((sum * 3) % 10) as u8)
        }
        5 => {
            let sum = FIVE_PLUS[d[0]]
                + TWO_MINUS[d[1]]
                + FIVE_MINUS[d[2]]
                + FIVE_PLUS[d[3]]
                + TWO_MINUS[d[4]];
            // The check digit is the one whose 5- product completes the sum to a multiple of 10.
            let target = (10 - sum % 10) % 10;
            FIVE_MINUS
                .iter()
                .position(|&p| p == target)
                .map(|c| c as u8)
        }
        _ => None,
    }
}

/// Characters of CSET 82 in the order that gives their value for `csumalpha`.
const CSET82_ORDER: &[u8] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
/// Characters of CSET 32, the alphabet of the check character pair.
const CSET32: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The GS1 check character pair for `data` (without the pair), GS1 General Specifications
/// §7.9.5: character values weighted by the primes from the right, mod 1021, split in two.
/// `None` for characters outside CSET 82 or data longer than the prime table.
pub fn check_character_pair(data: &[u8]) -> Option<[u8; 2]> {
    const PRIMES: [u32; 97] = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181,
        191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281,
        283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397,
        401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503,
        509,
    ];
    if data.len() > PRIMES.len() {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in data.iter().rev().enumerate() {
        let value = CSET82_ORDER.iter().position(|&c| c == b)? as u32;
        sum += value * PRIMES[i];
    }
    let sum = (sum % 1021) as usize;
    Some([CSET32[sum >> 5], CSET32[sum & 31]])
}

fn two_digits(data: &[u8], at: usize) -> Option<u8> {
    let (a, b) = (*data.get(at)?, *data.get(at + 1)?);
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
}

/// A `YYMMDD` date: the year by the GS1 century window around `today`; with `day_zero`, day 00
/// means the last day of the month (linter `yymmd0`).
pub(crate) fn yymmdd(data: &[u8], day_zero: bool, today: Date) -> Result<Date, DateProblem> {
    let (Some(yy), Some(mm), Some(dd)) = (
        two_digits(data, 0),
        two_digits(data, 2),
        two_digits(data, 4),
    ) else {
        return Err(DateProblem::NotDigits);
    };
    if data.len() != 6 {
        return Err(DateProblem::NotDigits);
    }
    date_of(gs1_century(yy, today), mm, dd, day_zero)
}

/// A `YYYYMMDD` date.
pub(crate) fn yyyymmdd(data: &[u8]) -> Result<Date, DateProblem> {
    let (Some(cc), Some(yy), Some(mm), Some(dd)) = (
        two_digits(data, 0),
        two_digits(data, 2),
        two_digits(data, 4),
        two_digits(data, 6),
    ) else {
        return Err(DateProblem::NotDigits);
    };
    date_of(u16::from(cc) * 100 + u16::from(yy), mm, dd, false)
}

fn date_of(year: u16, month: u8, day: u8, day_zero: bool) -> Result<Date, DateProblem> {
    if !(1..=12).contains(&month) {
        return Err(DateProblem::NoSuchMonth { month });
    }
    let last = days_in_month(year, month);
    if day == 0 {
        if day_zero {
            return Ok(Date {
                year,
                month,
                day: last,
            });
        }
        return Err(DateProblem::DayZeroNotAllowed);
    }
    Date::new(year, month, day).ok_or(DateProblem::NoSuchDay { year, month, day })
}

/// An hour `HH`, 00-23.
pub(crate) fn hour(data: &[u8]) -> Result<u8, TimeProblem> {
    match two_digits(data, 0) {
        Some(hour) if hour < 24 && data.len() == 2 => Ok(hour),
        Some(hour) if data.len() == 2 => Err(TimeProblem::NoSuchHour { hour }),
        _ => Err(TimeProblem::NotDigits),
    }
}

/// A minute or second, 00-59.
pub(crate) fn minute(data: &[u8]) -> Result<u8, TimeProblem> {
    match two_digits(data, 0) {
        Some(minute) if minute < 60 && data.len() == 2 => Ok(minute),
        Some(minute) if data.len() == 2 => Err(TimeProblem::NoSuchMinute { minute }),
        _ => Err(TimeProblem::NotDigits),
    }
}

/// A time `HHMM`.
pub(crate) fn hhmi(data: &[u8]) -> Result<Time, TimeProblem> {
    if data.len() != 4 {
        return Err(TimeProblem::NotDigits);
    }
    Ok(Time {
        hour: hour(&data[..2])?,
        minute: Some(minute(&data[2..])?),
        second: None,
    })
}

fn as_number(data: &[u8]) -> Option<u64> {
    if data.is_empty() || data.len() > 18 || !data.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(data.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')))
}

/// Whether `data` passes a linter that yields no value. True for the linters the element
/// parser handles itself (check digits, dates, times, coupons).
pub(crate) fn passes(linter: Linter, data: &[u8]) -> bool {
    match linter {
        Linter::Csum
        | Linter::Csumalpha
        | Linter::Yymmd0
        | Linter::Yymmdd
        | Linter::Yyyymmdd
        | Linter::Hhmi
        | Linter::Hh
        | Linter::Mi
        | Linter::Ss
        | Linter::Couponcode
        | Linter::Couponposoffer => true,
        Linter::Gcppos1 | Linter::Gcppos2 => {
            let start = usize::from(linter == Linter::Gcppos2);
            data.get(start..start + GCP_MIN_LEN)
                .is_some_and(|p| p.iter().all(u8::is_ascii_digit))
        }
        Linter::Iso3166 | Linter::Iso3166999 => {
            let code = as_number(data).unwrap_or(u64::MAX);
            u16::try_from(code).is_ok_and(|c| ISO3166_NUMERIC.binary_search(&c).is_ok())
                || (linter == Linter::Iso3166999 && code == 999)
        }
        Linter::Iso3166alpha2 => {
            std::str::from_utf8(data).is_ok_and(|s| ISO3166_ALPHA2.binary_search(&s).is_ok())
        }
        Linter::Iso4217 => as_number(data)
            .and_then(|c| u16::try_from(c).ok())
            .is_some_and(|c| ISO4217_NUMERIC.binary_search(&c).is_ok()),
        Linter::Packagetype => {
            std::str::from_utf8(data).is_ok_and(|s| PACKAGE_TYPES.binary_search(&s).is_ok())
        }
        Linter::Iso5218 => matches!(data, b"0" | b"1" | b"2" | b"9"),
        Linter::Pcenc => {
            let mut i = 0;
            while i < data.len() {
                if data[i] == b'%' {
                    let ok = data
                        .get(i + 1..i + 3)
                        .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                    if !ok {
                        return false;
                    }
                    i += 3;
                } else {
                    i += 1;
                }
            }
            true
        }
        Linter::Zero => data == b"0",
        Linter::Nonzero => !data.iter().all(|&b| b == b'0'),
        Linter::Winding => matches!(data, b"0" | b"1" | b"9"),
        Linter::Pieceoftotal => {
            let half = data.len() / 2;
            if data.len() % 2 != 0 || half == 0 || !data.iter().all(u8::is_ascii_digit) {
                return false;
            }
            let (piece, total) = data.split_at(half);
            !piece.iter().all(|&b| b == b'0') && !total.iter().all(|&b| b == b'0') && piece <= total
        }
        Linter::Latitude | Linter::Longitude => {
            let max = if linter == Linter::Latitude {
                1_800_000_000
            } else {
                3_600_000_000
            };
            data.len() == 10 && as_number(data).is_some_and(|n| n <= max)
        }
        Linter::Yesno => matches!(data, b"0" | b"1"),
        Linter::Hyphen => data.iter().all(|&b| b == b'-'),
        Linter::Importeridx => matches!(
            data,
            [b'-' | b'_' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z']
        ),
        Linter::Mediatype => {
            data.len() == 2
                && as_number(data).is_some_and(|n| (1..=10).contains(&n) || (80..=99).contains(&n))
        }
        Linter::Posinseqslash => {
            let Some(slash) = data.iter().position(|&b| b == b'/') else {
                return false;
            };
            let (position, total) = (&data[..slash], &data[slash + 1..]);
            let digits =
                |d: &[u8]| !d.is_empty() && d[0] != b'0' && d.iter().all(u8::is_ascii_digit);
            digits(position)
                && digits(total)
                && matches!((as_number(position), as_number(total)), (Some(p), Some(t)) if p <= t)
        }
        Linter::Nozeroprefix => data.first() != Some(&b'0'),
        Linter::Hasnondigit => !data.iter().all(u8::is_ascii_digit),
        Linter::Iban => iban(data),
    }
}

fn iban(data: &[u8]) -> bool {
    if data.len() < 5 || data.len() > 34 {
        return false;
    }
    if !data[..2].iter().all(u8::is_ascii_uppercase) || !data[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let known_country =
        std::str::from_utf8(&data[..2]).is_ok_and(|c| ISO3166_ALPHA2.binary_search(&c).is_ok());
    if !known_country {
        return false;
    }
    let mut remainder = 0u32;
    for &b in data[4..].iter().chain(&data[..4]) {
        remainder = match b {
            b'0'..=b'9' => (remainder * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => (remainder * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return false,
        };
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_types_are_checked_against_gs1s_list() {
        for code in ["1A", "200", "BX", "CT", "PX", "ZZ", "X11"] {
            assert!(passes(Linter::Packagetype, code.as_bytes()), "{code}");
        }
        for code in ["", "0", "bx", "QQQ", "1A_", "BXX", "ZZZZ"] {
            assert!(!passes(Linter::Packagetype, code.as_bytes()), "{code}");
        }
        assert!(
            PACKAGE_TYPES.windows(2).all(|w| w[0] < w[1]),
            "sorted, once each"
        );
    }

    #[test]
    fn mod10() {
        assert_eq!(mod10_check_digit(b"0703206980498"), Some(8));
        assert_eq!(mod10_check_digit(b"abc"), None);
        assert_eq!(mod10_check_digit(b""), None);
    }

    #[test]
    fn check_pair_of_the_general_specifications_example() {
        // GS1 General Specifications §7.9.5 example: GMN 1987654Ad4X4bL5ttr2310c2K.
        assert_eq!(
            check_character_pair(b"1987654Ad4X4bL5ttr2310c"),
            Some(*b"2K")
        );
    }

    #[test]
    fn ibans() {
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(!iban(b"GB82WEST12345698765433"));
    }

    #[test]
    fn linters_reject_what_their_rule_forbids() {
        assert!(passes(Linter::Iso3166, b"840"));
        assert!(!passes(Linter::Iso3166, b"999"));
        assert!(passes(Linter::Iso3166999, b"999"));
        assert!(passes(Linter::Iso4217, b"978"));
        assert!(!passes(Linter::Iso4217, b"000"));
        assert!(passes(Linter::Iso3166alpha2, b"US"));
        assert!(!passes(Linter::Iso3166alpha2, b"XX"));
        assert!(passes(Linter::Pcenc, b"a%20b"));
        assert!(!passes(Linter::Pcenc, b"a%2"));
        assert!(passes(Linter::Pieceoftotal, b"0102"));
        assert!(!passes(Linter::Pieceoftotal, b"0301"));
        assert!(!passes(Linter::Pieceoftotal, b"0002"));
        assert!(passes(Linter::Posinseqslash, b"1/2"));
        assert!(!passes(Linter::Posinseqslash, b"3/2"));
        assert!(!passes(Linter::Posinseqslash, b"0/2"));
        assert!(passes(Linter::Gcppos1, b"0614141X"));
        assert!(!passes(Linter::Gcppos1, b"06A4"));
        assert!(passes(Linter::Gcppos2, b"X0614"));
        assert!(passes(Linter::Latitude, b"1800000000"));
        assert!(!passes(Linter::Latitude, b"1800000001"));
        assert!(passes(Linter::Mediatype, b"05"));
        assert!(!passes(Linter::Mediatype, b"50"));
        assert!(!passes(Linter::Nonzero, b"000"));
        assert!(passes(Linter::Winding, b"9"));
        assert!(!passes(Linter::Hasnondigit, b"123"));
        assert!(!passes(Linter::Nozeroprefix, b"0123"));
        assert!(passes(Linter::Importeridx, b"_"));
        assert!(!passes(Linter::Importeridx, b"!"));
    }

    #[test]
    fn dates() {
        let today = Date::new(2026, 11, 24).unwrap();
        assert_eq!(
            yymmdd(b"250200", true, today),
            Ok(Date::new(2025, 2, 28).unwrap())
        );
        assert_eq!(
            yymmdd(b"240200", true, today),
            Ok(Date::new(2024, 2, 29).unwrap())
        );
        assert!(yymmdd(b"250200", false, today).is_err());
        assert!(yymmdd(b"251301", true, today).is_err());
        assert!(yymmdd(b"250230", true, today).is_err());
        assert_eq!(yyyymmdd(b"19991231"), Ok(Date::new(1999, 12, 31).unwrap()));
        assert!(hhmi(b"2400").is_err());
        assert!(hhmi(b"9999").is_err());
        assert_eq!(hhmi(b"2359").unwrap().to_string(), "23:59");
    }
}

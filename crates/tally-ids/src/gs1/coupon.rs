//! The structure of North American coupon codes, the `couponcode` linter of AI (8110) and the
//! `couponposoffer` linter of AI (8112), written from the field layouts of GS1 US's "North
//! American Coupon Application Guideline Using GS1 DataBar Expanded Symbols" and "GS1 AI
//! (8112) Coupon Data Specification" as GS1's Barcode Syntax Engine applies them.
//!
//! Both are strings of digits read field by field: a length digit ("VLI") announces how many
//! digits the next field has, single digits are codes from a short list, and optional fields
//! of AI (8110) are announced by their number (1, 2, 3, 4, 5, 6, 9, each at most once, in that
//! order). Nothing may follow the last field.

use super::lint;
use crate::date::Date;
use crate::vocab::{CouponField as F, CouponProblem};

/// Reads a coupon's digits field by field.
struct Fields<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Result<Fields<'a>, CouponProblem> {
        if let Some(i) = data.iter().position(|b| !b.is_ascii_digit()) {
            return Err(CouponProblem::NotDigit { position: i + 1 });
        }
        Ok(Fields { data, at: 0 })
    }

    /// A one-digit field whose value `allowed` accepts.
    fn digit(&mut self, field: F, allowed: impl Fn(u8) -> bool) -> Result<u8, CouponProblem> {
        let &b = self
            .data
            .get(self.at)
            .ok_or(CouponProblem::Missing(field))?;
        let value = b - b'0';
        if !allowed(value) {
            return Err(CouponProblem::Invalid {
                field,
                found: char::from(b),
            });
        }
        self.at += 1;
        Ok(value)
    }

    /// A field of `len` digits.
    fn take(&mut self, field: F, len: usize) -> Result<&'a [u8], CouponProblem> {
        let part = self
            .data
            .get(self.at..self.at + len)
            .ok_or(CouponProblem::Truncated(field))?;
        self.at += len;
        Ok(part)
    }

    /// A length digit in `allowed`, then a field of that many digits plus `extra`.
    fn sized(
        &mut self,
        length: F,
        field: F,
        allowed: impl Fn(u8) -> bool,
        extra: usize,
    ) -> Result<&'a [u8], CouponProblem> {
        let len = self.digit(length, allowed)?;
        self.take(field, usize::from(len) + extra)
    }

    /// Whether optional field `number` comes next (consumed if so).
    fn optional(&mut self, number: u8) -> bool {
        let next = self.data.get(self.at) == Some(&(b'0' + number));
        self.at += usize::from(next);
        next
    }

    fn finish(&self) -> Result<(), CouponProblem> {
        if self.at < self.data.len() {
            return Err(CouponProblem::ExcessData {
                position: self.at + 1,
            });
        }
        Ok(())
    }
}

/// A purchase requirement code: 0-4 or 9.
fn requirement_code(d: u8) -> bool {
    d <= 4 || d == 9
}

/// A YYMMDD date field (day 00 not allowed).
fn date<'a>(fields: &mut Fields<'a>, field: F, today: Date) -> Result<&'a [u8], CouponProblem> {
    let digits = fields.take(field, 6)?;
    lint::yymmdd(digits, false, today)
        .map_err(|problem| CouponProblem::BadDate { field, problem })?;
    Ok(digits)
}

/// Checks a North American coupon code, AI (8110).
pub(crate) fn coupon_code(data: &[u8], today: Date) -> Result<(), CouponProblem> {
    let mut f = Fields::new(data)?;
    f.sized(F::CompanyPrefixLength, F::CompanyPrefix, |d| d <= 6, 6)?;
    f.take(F::OfferCode, 6)?;
    f.sized(
        F::SaveValueLength,
        F::SaveValue,
        |d| (1..=5).contains(&d),
        0,
    )?;
    f.sized(
        F::PurchaseRequirementLength(1),
        F::PurchaseRequirement(1),
        |d| (1..=5).contains(&d),
        0,
    )?;
    f.digit(F::PurchaseRequirementCode(1), requirement_code)?;
    f.take(F::FamilyCode(1), 3)?;
    // Optional field 1: additional rules and a second purchase; 2: a third purchase.
    for (number, purchase) in [(1u8, 2u8), (2, 3)] {
        if !f.optional(number) {
            continue;
        }
        if number == 1 {
            f.digit(F::AdditionalRulesCode, |d| d <= 3)?;
        }
        f.sized(
            F::PurchaseRequirementLength(purchase),
            F::PurchaseRequirement(purchase),
            |d| (1..=5).contains(&d),
            0,
        )?;
        f.digit(F::PurchaseRequirementCode(purchase), requirement_code)?;
        f.take(F::FamilyCode(purchase), 3)?;
        // Length 9: no company prefix (the first purchase's applies).
        let len = f.digit(F::PurchaseCompanyPrefixLength(purchase), |d| {
            d <= 6 || d == 9
        })?;
        if len != 9 {
            f.take(F::PurchaseCompanyPrefix(purchase), usize::from(len) + 6)?;
        }
    }
    // Optional fields 3 and 4: expiration and start dates; a coupon may not expire before it
    // starts (compared as YYMMDD digits, as GS1's engine does).
    let expires = if f.optional(3) {
        Some(date(&mut f, F::ExpirationDate, today)?)
    } else {
        None
    };
    if f.optional(4) {
        let starts = date(&mut f, F::StartDate, today)?;
        if expires.is_some_and(|e| starts > e) {
            return Err(CouponProblem::ExpiresBeforeStart);
        }
    }
    if f.optional(5) {
        f.sized(F::SerialNumberLength, F::SerialNumber, |_| true, 6)?;
    }
    if f.optional(6) {
        f.sized(
            F::RetailerIdLength,
            F::RetailerId,
            |d| (1..=7).contains(&d),
            6,
        )?;
    }
    if f.optional(9) {
        f.digit(F::SaveValueCode, |d| matches!(d, 0..=2 | 5 | 6))?;
        f.digit(F::SaveValueAppliesTo, |d| d <= 2)?;
        f.digit(F::StoreCouponFlag, |_| true)?;
        f.digit(F::DontMultiplyFlag, |d| d <= 1)?;
    }
    f.finish()
}

/// Checks a positive offer file coupon code, AI (8112).
pub(crate) fn positive_offer(data: &[u8]) -> Result<(), CouponProblem> {
    let mut f = Fields::new(data)?;
    f.digit(F::FormatCode, |d| d <= 1)?;
    f.sized(F::FunderIdLength, F::FunderId, |d| d <= 6, 6)?;
    f.take(F::OfferCode, 6)?;
    f.sized(F::SerialNumberLength, F::SerialNumber, |_| true, 6)?;
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::DateProblem;

    fn today() -> Date {
        Date::new(2026, 11, 24).unwrap()
    }

    /// Prefix length 0 + 061414, offer 123456, save value "1", requirement "1", code 0,
    /// family 123.
    const BASE: &str = "006141412345611110123";

    fn code(fields: &[&str]) -> Result<(), CouponProblem> {
        coupon_code(fields.concat().as_bytes(), today())
    }

    #[test]
    fn a_coupon_code_is_read_field_by_field() {
        assert_eq!(code(&[BASE]), Ok(()));
        // Every optional field, in order: 1 (rules 0, second purchase with no prefix of its
        // own), 2 (third purchase with prefix 061414), 3 expiry, 4 start, 5 serial, 6 retailer
        // GLN, 9 miscellaneous.
        let all = [
            BASE,
            "1011012 39",
            "21100000061414",
            "3261231",
            "4260101",
            "50123456",
            "610614141",
            "90100",
        ];
        let all: Vec<String> = all.iter().map(|f| f.replace(' ', "")).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        assert_eq!(code(&all), Ok(()));
        assert_eq!(
            code(&[&BASE[..BASE.len() - 1]]),
            Err(CouponProblem::Truncated(F::FamilyCode(1)))
        );
        assert_eq!(
            code(&["7", &BASE[1..]]),
            Err(CouponProblem::Invalid {
                field: F::CompanyPrefixLength,
                found: '7'
            })
        );
        assert_eq!(
            code(&[&BASE[..13]]),
            Err(CouponProblem::Missing(F::SaveValueLength))
        );
        assert_eq!(
            code(&[BASE, "7"]),
            Err(CouponProblem::ExcessData { position: 22 })
        );
        assert_eq!(
            code(&[&BASE[..20], "A"]),
            Err(CouponProblem::NotDigit { position: 21 })
        );
        // Optional fields out of order: the earlier one is left over.
        assert_eq!(
            code(&[BASE, "4260101", "3261231"]),
            Err(CouponProblem::ExcessData { position: 29 })
        );
        assert_eq!(
            code(&[BASE, "1", "4"]),
            Err(CouponProblem::Invalid {
                field: F::AdditionalRulesCode,
                found: '4'
            })
        );
    }

    #[test]
    fn coupon_dates_are_real_and_in_order() {
        assert_eq!(
            code(&[BASE, "3261331"]),
            Err(CouponProblem::BadDate {
                field: F::ExpirationDate,
                problem: DateProblem::NoSuchMonth { month: 13 }
            })
        );
        assert_eq!(
            code(&[BASE, "3260101", "4261231"]),
            Err(CouponProblem::ExpiresBeforeStart)
        );
        assert_eq!(code(&[BASE, "3261231", "4260101"]), Ok(()));
    }

    #[test]
    fn a_positive_offer_coupon_is_read_field_by_field() {
        assert_eq!(positive_offer(b"000614141234560123456"), Ok(()));
        assert_eq!(
            positive_offer(b"200614141234560123456"),
            Err(CouponProblem::Invalid {
                field: F::FormatCode,
                found: '2'
            })
        );
        assert_eq!(
            positive_offer(b"00061414123456012345"),
            Err(CouponProblem::Truncated(F::SerialNumber))
        );
        assert_eq!(
            positive_offer(b"0006141412345601234567"),
            Err(CouponProblem::ExcessData { position: 22 })
        );
    }
}

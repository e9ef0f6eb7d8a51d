//! The words an error message names, defined at the bottom of the crate so that
//! [`crate::error`] depends on nothing above it: what a scan turned out to be ([`Kind`]), the
//! GS1 content checks ([`Linter`]), why a date or a time of day is invalid
//! ([`DateProblem`], [`TimeProblem`]), what is wrong with a damaged state tag ([`TagDamage`])
//! or a coupon code ([`CouponProblem`], [`CouponField`]). Each is re-exported where it is used
//! (`tally_ids::Kind`, `gs1::ai::Linter`, `gs1::lint::{DateProblem, TimeProblem,
//! CouponProblem, CouponField}`, `uid::TagDamage`).

use std::fmt;

use serde::Serialize;

/// What a scan turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// GS1 element strings.
    Gs1,
    /// A GS1 Digital Link URI.
    Gs1DigitalLink,
    /// An RFID EPC (EPC Tag Data Standard).
    Epc,
    /// A Metrc plant or package tag.
    MetrcTag,
    /// A BioTrack id.
    BiotrackId,
    /// A GTIN from an EAN/UPC or ITF barcode.
    Gtin,
    /// Anything else.
    Text,
}

impl Kind {
    /// The kind in a technician's words, in English.
    pub fn describe(self) -> &'static str {
        self.name(tally_vocab::Language::English)
    }

    /// The kind in a technician's words, in `language` (English and Spanish side by side).
    pub fn name(self, language: tally_vocab::Language) -> &'static str {
        let (en, es) = match self {
            Kind::Gs1 => ("GS1 element string", "código GS1 (cadena de elementos)"),
            Kind::Gs1DigitalLink => ("GS1 Digital Link", "GS1 Digital Link"),
            Kind::Epc => ("RFID EPC", "EPC de RFID"),
            Kind::MetrcTag => ("Metrc tag", "etiqueta Metrc"),
            Kind::BiotrackId => ("BioTrack id", "id de BioTrack"),
            Kind::Gtin => ("GTIN (EAN/UPC)", "GTIN (EAN/UPC)"),
            Kind::Text => ("plain text", "texto"),
        };
        match language {
            tally_vocab::Language::English => en,
            tally_vocab::Language::Spanish => es,
        }
    }
}

macro_rules! linters {
    ($($variant:ident = $name:literal: $doc:literal,)*) => {
        /// A content check named by the syntax dictionary (GS1 "Barcode Syntax Tests").
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Linter {
            $(#[doc = $doc] $variant,)*
        }

        impl Linter {
            /// Every linter tally knows.
            pub const ALL: &'static [Linter] = &[$(Linter::$variant,)*];

            /// The dictionary's name of the linter.
            pub fn name(self) -> &'static str {
                match self {
                    $(Linter::$variant => $name,)*
                }
            }

            /// The linter the dictionary names `name`.
            pub fn from_name(name: &str) -> Option<Linter> {
                match name {
                    $($name => Some(Linter::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

linters! {
    Csum = "csum": "GS1 mod-10 check digit (GTIN, SSCC, GLN ...).",
    Csumalpha = "csumalpha": "GS1 alphanumeric check character pair (GMN, MUDI).",
    Gcppos1 = "gcppos1": "A GS1 Company Prefix starts at the first character.",
    Gcppos2 = "gcppos2": "A GS1 Company Prefix starts at the second character.",
    Yymmd0 = "yymmd0": "Date YYMMDD; day 00 means the last day of the month.",
    Yymmdd = "yymmdd": "Date YYMMDD; day 00 is not allowed.",
    Yyyymmdd = "yyyymmdd": "Date YYYYMMDD.",
    Hhmi = "hhmi": "Time of day HHMM.",
    Hh = "hh": "Hour 00-23.",
    Mi = "mi": "Minute 00-59.",
    Ss = "ss": "Second 00-59.",
    Iso3166 = "iso3166": "ISO 3166-1 numeric country code.",
    Iso3166999 = "iso3166999": "ISO 3166-1 numeric country code, or 999 (unknown).",
    Iso3166alpha2 = "iso3166alpha2": "ISO 3166-1 alpha-2 country code.",
    Iso4217 = "iso4217": "ISO 4217 numeric currency code.",
    Iso5218 = "iso5218": "ISO/IEC 5218 sex code (0, 1, 2 or 9).",
    Pcenc = "pcenc": "Percent-encoded text: every % is followed by two hex digits.",
    Zero = "zero": "The digit 0.",
    Nonzero = "nonzero": "A number that is not zero.",
    Winding = "winding": "Winding direction 0, 1 or 9.",
    Pieceoftotal = "pieceoftotal": "Piece number / total pieces: neither zero, piece <= total.",
    Latitude = "latitude": "Latitude, 10 digits, at most 1800000000.",
    Longitude = "longitude": "Longitude, 10 digits, at most 3600000000.",
    Yesno = "yesno": "0 (no) or 1 (yes).",
    Hyphen = "hyphen": "A hyphen '-'.",
    Importeridx = "importeridx": "Importer index: one of - 0-9 A-Z _ a-z.",
    Mediatype = "mediatype": "AIDC media type code: 01-10 or 80-99.",
    Packagetype = "packagetype": "UN/ECE Recommendation 21 package type code.",
    Posinseqslash = "posinseqslash": "Position in sequence 'n/m': 0 < n <= m, no leading zeros.",
    Nozeroprefix = "nozeroprefix": "Digits without a leading zero.",
    Hasnondigit = "hasnondigit": "Contains at least one character that is not a digit.",
    Iban = "iban": "International Bank Account Number (ISO 13616), mod-97 checked.",
    Couponcode = "couponcode": "North American coupon code (AI 8110).",
    Couponposoffer = "couponposoffer": "Positive offer file coupon code (AI 8112).",
}

impl fmt::Display for Linter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a date is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not the right number of digits.
    NotDigits,
    /// The month is not 01-12.
    NoSuchMonth {
        /// The month as written.
        month: u8,
    },
    /// The month has no such day.
    NoSuchDay {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
        /// Day as written.
        day: u8,
    },
    /// Day 00 where the AI does not allow it.
    DayZeroNotAllowed,
}

/// Why a time of day is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeProblem {
    /// Not the right number of digits.
    NotDigits,
    /// The hour is not 00-23.
    NoSuchHour {
        /// The hour as written.
        hour: u8,
    },
    /// The minute or second is not 00-59.
    NoSuchMinute {
        /// The minute or second as written.
        minute: u8,
    },
}

/// What is wrong with a scan that has the shape of a state tag but is not one: cut short,
/// too long, or a character misread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagDamage {
    /// The scan has the wrong number of characters.
    Length {
        /// Characters read.
        len: usize,
        /// Characters a tag of the system has.
        expected: usize,
    },
    /// A character the system's tags never hold.
    Character {
        /// The character.
        character: char,
        /// Its position, counted from 1.
        position: usize,
        /// The characters the tags are made of, e.g. `0-9 and A-F`.
        allowed: &'static str,
    },
}

/// A field of a North American coupon code (AI 8110) or positive offer file coupon (AI 8112).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponField {
    /// The length digit before the company prefix (8110).
    CompanyPrefixLength,
    /// The GS1 Company Prefix (8110).
    CompanyPrefix,
    /// The six-digit offer code.
    OfferCode,
    /// The length digit before the save value (8110).
    SaveValueLength,
    /// The save value (8110).
    SaveValue,
    /// The length digit before the n-th purchase requirement (8110).
    PurchaseRequirementLength(u8),
    /// The n-th purchase requirement (8110).
    PurchaseRequirement(u8),
    /// The n-th purchase requirement code (8110).
    PurchaseRequirementCode(u8),
    /// The n-th purchase family code (8110).
    FamilyCode(u8),
    /// The additional purchase rules code (8110).
    AdditionalRulesCode,
    /// The length digit before the n-th purchase's company prefix (8110).
    PurchaseCompanyPrefixLength(u8),
    /// The n-th purchase's company prefix (8110).
    PurchaseCompanyPrefix(u8),
    /// The expiration date (8110).
    ExpirationDate,
    /// The start date (8110).
    StartDate,
    /// The length digit before the serial number.
    SerialNumberLength,
    /// The serial number.
    SerialNumber,
    /// The length digit before the retailer's company prefix or GLN (8110).
    RetailerIdLength,
    /// The retailer's company prefix or GLN (8110).
    RetailerId,
    /// The save value code (8110).
    SaveValueCode,
    /// The "save value applies to item" digit (8110).
    SaveValueAppliesTo,
    /// The store coupon flag (8110).
    StoreCouponFlag,
    /// The "don't multiply" flag (8110).
    DontMultiplyFlag,
    /// The format code (8112).
    FormatCode,
    /// The length digit before the funder id (8112).
    FunderIdLength,
    /// The funder id (8112).
    FunderId,
}

/// What is wrong with a coupon code's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponProblem {
    /// A character that is not a digit, at this position (counted from 1).
    NotDigit {
        /// Position of the character.
        position: usize,
    },
    /// The data ends where this field should start.
    Missing(CouponField),
    /// The field's digit is not one of its allowed values.
    Invalid {
        /// The field.
        field: CouponField,
        /// The digit found.
        found: char,
    },
    /// The data ends inside this field.
    Truncated(CouponField),
    /// The date field is not a valid date.
    BadDate {
        /// The date field.
        field: CouponField,
        /// What is wrong with it.
        problem: DateProblem,
    },
    /// The expiration date comes before the start date.
    ExpiresBeforeStart,
    /// Data is left after the last field, from this position (counted from 1).
    ExcessData {
        /// Position of the first excess character.
        position: usize,
    },
}

//! [`Decoded`] as one line of JSON, written straight into a caller's reusable buffer: the
//! same bytes `serde_json::to_writer` produces from the `Serialize` implementation (same keys
//! in the same order, same escapes), without its per-value machinery, for tools that print
//! millions of scans (`tally decode --json`). The tests hold the two to byte equality.

use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use crate::aim::Symbology;
use crate::date::{Date, Time};
use crate::decode::{Candidate, Decoded, EpcSummary};
use crate::error::ScanError;
use crate::gs1::ai::{self, AI_TABLE};
use crate::gs1::{Decimal, Element};
use crate::vocab::{DateProblem, Kind};

impl Decoded {
    /// Appends this scan as compact JSON (no line end) to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        // Keys and the punctuation around them go out in as few pieces as possible, and the
        // fields most scans leave empty as one piece: most of a line is constant text.
        field(out, "{\"input\":");
        string(out, &self.input);
        field(out, ",\"kind\":");
        kind(out, self.kind);
        field(out, ",\"symbology\":");
        optional(out, self.symbology.as_ref(), symbology);
        field(out, ",\"hri\":");
        optional(out, self.hri.as_deref(), string);
        field(out, ",\"elements\":");
        list(out, &self.elements, element);
        if self.epc.is_none()
            && self.uid.is_none()
            && self.errors.is_empty()
            && self.warnings.is_empty()
        {
            field(
                out,
                ",\"epc\":null,\"uid\":null,\"errors\":[],\"warnings\":[],\"digital_link\":",
            );
        } else {
            field(out, ",\"epc\":");
            optional(out, self.epc.as_ref(), epc);
            field(out, ",\"uid\":");
            optional(out, self.uid.as_deref(), string);
            field(out, ",\"errors\":");
            list(out, &self.errors, scan_error);
            field(out, ",\"warnings\":");
            list(out, &self.warnings, display);
            field(out, ",\"digital_link\":");
        }
        optional(out, self.digital_link.as_deref(), string);
        if self.candidates.is_empty() && self.choice.is_none() {
            field(out, ",\"candidates\":[],\"choice\":null}");
        } else {
            field(out, ",\"candidates\":");
            list(out, &self.candidates, candidate);
            field(out, ",\"choice\":");
            optional(out, self.choice.as_deref(), string);
            out.push(b'}');
        }
    }
}

/// Constant JSON text: keys with their quotes, colons and commas, and the brackets around them.
#[inline]
fn field(out: &mut Vec<u8>, key: &str) {
    out.extend_from_slice(key.as_bytes());
}

#[inline]
fn optional<T: ?Sized>(out: &mut Vec<u8>, value: Option<&T>, write: impl Fn(&mut Vec<u8>, &T)) {
    match value {
        Some(value) => write(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

#[inline]
fn list<T>(out: &mut Vec<u8>, items: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

fn kind(out: &mut Vec<u8>, kind: Kind) {
    let name = match kind {
        Kind::Gs1 => "\"gs1\"",
        Kind::Gs1DigitalLink => "\"gs1_digital_link\"",
        Kind::Epc => "\"epc\"",
        Kind::MetrcTag => "\"metrc_tag\"",
        Kind::BiotrackId => "\"biotrack_id\"",
        Kind::Gtin => "\"gtin\"",
        Kind::Text => "\"text\"",
    };
    out.extend_from_slice(name.as_bytes());
}

fn symbology(out: &mut Vec<u8>, symbology: &Symbology) {
    match symbology_json(symbology) {
        Some(json) => out.extend_from_slice(json),
        None => symbology_into(out, symbology),
    }
}

/// Code characters (`A` to `z`) and modifiers (`0` to `z`) of three-character identifiers.
const CODES: usize = (b'z' - b'A' + 1) as usize;
const MODIFIERS: usize = (b'z' - b'0' + 1) as usize;

/// [`symbology_into`] of a three-character identifier, written once per identifier (the
/// symbology's id and name in pieces were a thirtieth of a `tally decode --json` line's
/// cost); `None` for `]Y` and its characters.
#[inline]
fn symbology_json(symbology: &Symbology) -> Option<&'static [u8]> {
    static JSON: [OnceLock<Box<[u8]>>; CODES * MODIFIERS] =
        [const { OnceLock::new() }; CODES * MODIFIERS];
    let (code, modifier) = symbology.short()?;
    let code = usize::from(code.checked_sub(b'A')?);
    let modifier = usize::from(modifier.checked_sub(b'0')?);
    if code >= CODES || modifier >= MODIFIERS {
        return None;
    }
    // The identifier is `]`, the code character and the modifier: the two name it whole.
    let json = JSON.get(code * MODIFIERS + modifier)?.get_or_init(|| {
        let mut json = Vec::new();
        symbology_into(&mut json, symbology);
        json.into_boxed_slice()
    });
    Some(json)
}

/// `{"id":"<id>","name":"<name>"}`.
fn symbology_into(out: &mut Vec<u8>, symbology: &Symbology) {
    field(out, "{\"id\":\"");
    escape(out, symbology.id());
    field(out, "\",\"name\":\"");
    escape(out, symbology.name());
    field(out, "\"}");
}

fn element(out: &mut Vec<u8>, e: &Element) {
    match element_head(e) {
        Some(head) => out.extend_from_slice(head),
        None => element_head_into(out, e.ai, e.title),
    }
    escape(out, &e.value);
    out.push(b'"');
    if let Some(date) = &e.date {
        field(out, ",\"date\":");
        date_string(out, date);
    }
    if let Some(end) = &e.end_date {
        field(out, ",\"end_date\":");
        date_string(out, end);
    }
    if let Some(time) = &e.time {
        field(out, ",\"time\":");
        time_string(out, time);
    }
    if let Some(decimal) = &e.decimal {
        field(out, ",\"decimal\":");
        decimal_string(out, decimal);
    }
    if let Some(currency) = &e.currency {
        field(out, ",\"currency\":");
        string(out, currency);
    }
    out.push(b'}');
}

/// What every element of `ai` starts with: `{"ai":"<ai>","title":"<title>","value":"`.
fn element_head_into(out: &mut Vec<u8>, ai: &str, title: &str) {
    field(out, "{\"ai\":\"");
    escape(out, ai);
    field(out, "\",\"title\":\"");
    escape(out, title);
    field(out, "\",\"value\":\"");
}

/// [`element_head_into`] of an element with an AI of the table and its title, written once
/// per AI (a line of `tally decode --json` holds a few elements, and their heads in pieces
/// were a tenth of its cost); `None` for an element made by hand with another title.
#[inline]
fn element_head(e: &Element) -> Option<&'static [u8]> {
    static HEADS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let index = ai::table_index(e.ai)?;
    // The same text, or a different one: compared by address first, as nearly always the
    // element's title is the table's own.
    let def = AI_TABLE.get(index)?;
    if !std::ptr::eq(def.title, e.title) && def.title != e.title {
        return None;
    }
    let heads = HEADS.get_or_init(|| {
        AI_TABLE
            .iter()
            .map(|def| {
                let mut head = Vec::with_capacity(32 + def.ai.len() + def.title.len());
                element_head_into(&mut head, def.ai, def.title);
                head
            })
            .collect()
    });
    heads.get(index).map(Vec::as_slice)
}

fn epc(out: &mut Vec<u8>, epc: &EpcSummary) {
    out.push(b'{');
    field(out, "\"scheme\":");
    string(out, &epc.scheme);
    field(out, ",\"tag_uri\":");
    string(out, &epc.tag_uri);
    field(out, ",\"pure_uri\":");
    string(out, &epc.pure_uri);
    field(out, ",\"filter\":");
    match epc.filter {
        Some(filter) => {
            let _ = write!(Bytes(out), "{filter}");
        }
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

fn candidate(out: &mut Vec<u8>, c: &Candidate) {
    out.push(b'{');
    field(out, "\"kind\":");
    kind(out, c.kind);
    field(out, ",\"hri\":");
    optional(out, c.hri.as_deref(), string);
    field(out, ",\"uid\":");
    optional(out, c.uid.as_deref(), string);
    field(out, ",\"errors\":");
    list(out, &c.errors, display);
    field(out, ",\"chosen\":");
    out.extend_from_slice(if c.chosen { b"true" } else { b"false" });
    out.push(b'}');
}

/// An error as a JSON string, its `Display` text (the English of the catalogue in
/// `error.rs`). The errors common in scans of goods (a wrong check digit, a date that does not
/// exist) are written piece by piece without the formatting machinery, which was a twentieth
/// of a `tally decode --json` line's cost; every other error goes through `Display`. The
/// pieces repeat the catalogue's English: a test holds them to serde's text for every variant,
/// so a changed catalogue text fails it.
fn scan_error(out: &mut Vec<u8>, error: &ScanError) {
    match error {
        ScanError::CheckDigit {
            key,
            expected,
            actual,
            ..
        } => {
            out.push(b'"');
            escape(out, key);
            field(out, " check digit should be ");
            escape_char(out, *expected);
            field(out, ", got ");
            escape_char(out, *actual);
            out.push(b'"');
        }
        ScanError::InvalidDate {
            ai,
            title,
            value,
            problem,
        } => {
            let start = out.len();
            field(out, "\"AI (");
            escape(out, ai);
            field(out, ") ");
            escape(out, title);
            field(out, ": \\\"");
            escape(out, value);
            field(out, "\\\" is not a valid date (");
            match *problem {
                DateProblem::NotDigits => {
                    field(out, "the date must be all digits, YYMMDD or YYYYMMDD");
                }
                DateProblem::NoSuchMonth { month } if month < 100 => {
                    field(out, "month ");
                    digits(out, u32::from(month), 2);
                    field(out, " does not exist");
                }
                DateProblem::NoSuchDay { year, month, day }
                    if year < 10_000 && month < 100 && day < 100 =>
                {
                    digits(out, u32::from(year), 4);
                    out.push(b'-');
                    digits(out, u32::from(month), 2);
                    field(out, " has no day ");
                    digits(out, u32::from(day), 2);
                }
                DateProblem::DayZeroNotAllowed => {
                    field(out, "day 00 is not allowed for this date");
                }
                // Numbers wider than their fields: the catalogue's own text.
                _ => {
                    out.truncate(start);
                    return display(out, error);
                }
            }
            field(out, ")\"");
        }
        _ => display(out, error),
    }
}

/// One character, escaped as a JSON string's content.
#[inline]
fn escape_char(out: &mut Vec<u8>, c: char) {
    escape(out, c.encode_utf8(&mut [0u8; 4]));
}

/// A date as `"YYYY-MM-DD"`, its `Display` text, without the formatting machinery.
fn date_string(out: &mut Vec<u8>, date: &Date) {
    if date.year() > 9999 || date.month() > 99 || date.day() > 99 {
        return display(out, date);
    }
    out.push(b'"');
    digits(out, u32::from(date.year()), 4);
    out.push(b'-');
    digits(out, u32::from(date.month()), 2);
    out.push(b'-');
    digits(out, u32::from(date.day()), 2);
    out.push(b'"');
}

/// A time of day as `"HH:MM"` or `"HH:MM:SS"`, its `Display` text.
fn time_string(out: &mut Vec<u8>, time: &Time) {
    let minute = time.minute.unwrap_or(0);
    if time.hour > 99 || minute > 99 || time.second.is_some_and(|s| s > 99) {
        return display(out, time);
    }
    out.push(b'"');
    digits(out, u32::from(time.hour), 2);
    out.push(b':');
    digits(out, u32::from(minute), 2);
    if let Some(second) = time.second {
        out.push(b':');
        digits(out, u32::from(second), 2);
    }
    out.push(b'"');
}

/// A decimal as a JSON string, its `Display` text (`12.345`, `7`), without the formatting
/// machinery: a measure or an amount is in most GS1 scans of goods.
fn decimal_string(out: &mut Vec<u8>, decimal: &Decimal) {
    // 10^19 is the largest power of ten in a u64; a longer fraction goes the slow way.
    if decimal.scale > 19 {
        return display(out, decimal);
    }
    let divisor = 10u64.pow(u32::from(decimal.scale));
    out.push(b'"');
    unsigned(out, decimal.mantissa / divisor);
    if decimal.scale > 0 {
        out.push(b'.');
        let mut fraction = decimal.mantissa % divisor;
        let start = out.len();
        out.resize(start + usize::from(decimal.scale), b'0');
        for place in out[start..].iter_mut().rev() {
            *place = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
    }
    out.push(b'"');
}

/// `value` in decimal digits, without leading zeros.
fn unsigned(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// `value` (less than 10^`width`) in exactly `width` decimal digits.
fn digits(out: &mut Vec<u8>, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        out.push(b'0' + (value / divisor % 10) as u8);
        divisor /= 10;
    }
}

/// A value's `Display` text as a JSON string.
fn display<T: fmt::Display>(out: &mut Vec<u8>, value: &T) {
    out.push(b'"');
    // Writing into a Vec cannot fail.
    let _ = write!(Escaped(out), "{value}");
    out.push(b'"');
}

/// A JSON string, quoted and escaped.
#[inline]
fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escape(out, text);
    out.push(b'"');
}

/// What each byte becomes in a JSON string, as serde_json writes it: 0 for itself, `u` for
/// `\u00XX`, otherwise the letter after the backslash (`\" \\ \b \f \n \r \t`).
static ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// The escapes of JSON (RFC 8259) as serde_json writes them: `\"`, `\\`, the short forms
/// `\b \f \n \r \t`, and `\u00XX` for the other control characters; everything else as is.
#[inline]
fn escape(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    // Nearly all text needs no escape: checked eight bytes at a time, then copied in one piece.
    if clean(bytes) {
        out.extend_from_slice(bytes);
    } else {
        escape_each(out, bytes);
    }
}

/// Whether no byte of `bytes` needs an escape.
#[inline]
fn clean(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if needs_escape(u64::from_le_bytes(word)) {
            return false;
        }
    }
    // The last few bytes one by one (no copy: a copy of a variable length is a call).
    words
        .remainder()
        .iter()
        .fold(0, |any, &b| any | ESCAPES[usize::from(b)])
        == 0
}

/// [`escape`] byte by byte, for text that needs it.
fn escape_each(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = ESCAPES[usize::from(b)];
        if short == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        out.push(b'\\');
        out.push(short);
        if short == b'u' {
            out.extend_from_slice(b"00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Whether any of the eight bytes in `word` is below 0x20, `"` or `\\` (bit tricks from
/// "Bit Twiddling Hacks": a zero byte, and a byte less than n, anywhere in a word).
#[inline]
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    control
        | zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\')))
        != 0
}

/// Formats into the buffer, escaped as a JSON string's content.
struct Escaped<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape(self.0, s);
        Ok(())
    }
}

/// Formats into the buffer as is.
struct Bytes<'a>(&'a mut Vec<u8>);

impl fmt::Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_is_written_as_its_display_text() {
        let mantissas = [
            0,
            1,
            7,
            9,
            10,
            12_345,
            100_000,
            999_999_999_999_999,
            u64::MAX,
        ];
        for mantissa in mantissas {
            for scale in [0, 1, 2, 5, 9, 15, 18, 19] {
                let decimal = Decimal { mantissa, scale };
                let mut out = Vec::new();
                decimal_string(&mut out, &decimal);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    format!("\"{decimal}\""),
                    "{mantissa} scale {scale}"
                );
            }
        }
    }

    #[test]
    fn element_heads_are_written_once_per_ai_and_never_for_another_title() {
        let element = |ai: &'static str, title: &'static str| Element {
            ai,
            title,
            value: "V\"1".to_string(),
            date: None,
            end_date: None,
            time: None,
            decimal: None,
            currency: None,
        };
        for def in AI_TABLE.iter() {
            let e = element(def.ai, def.title);
            let mut out = Vec::new();
            super::element(&mut out, &e);
            assert_eq!(out, serde_json::to_vec(&e).unwrap(), "{}", def.ai);
        }
        // Made by hand: a title of its own, an AI the table does not hold.
        for e in [
            element("01", "MY \"GTIN\""),
            element("0", "GTIN"),
            element("011", "X"),
        ] {
            let mut out = Vec::new();
            super::element(&mut out, &e);
            assert_eq!(out, serde_json::to_vec(&e).unwrap(), "{}", e.ai);
        }
    }

    /// One of every `ScanError` variant (the match below has no wildcard: a new variant
    /// cannot be added without a place here), with text that needs escapes.
    fn every_scan_error() -> Vec<ScanError> {
        use crate::gs1::ai::Linter;
        use crate::vocab::{CouponProblem, TagDamage, TimeProblem};
        let text = || "A\"1\\\u{1d}é".to_string();
        let all = vec![
            ScanError::Empty,
            ScanError::TooLong {
                len: 9000,
                max: 4096,
            },
            ScanError::SymbologyTruncated,
            ScanError::UnknownSymbology { code: 'W' },
            ScanError::BadSymbologyModifier {
                code: 'C',
                modifier: '\u{1}',
            },
            ScanError::NoSymbology,
            ScanError::UnknownAi { remainder: text() },
            ScanError::MissingValue {
                ai: "10",
                title: "BATCH/LOT",
            },
            ScanError::TooShort {
                ai: "01",
                title: "GTIN",
                value: text(),
                min: 14,
                fixed: true,
                numeric: true,
            },
            ScanError::TooLongValue {
                ai: "10",
                title: "BATCH/LOT",
                value: text(),
                max: 20,
            },
            ScanError::BadCharacter {
                ai: "10",
                title: "BATCH/LOT",
                value: text(),
                character: '"',
                allowed: "CSET 82",
            },
            ScanError::CheckDigit {
                ai: "01",
                key: "GTIN",
                expected: '2',
                actual: '3',
            },
            ScanError::CheckPair {
                ai: "7240",
                key: "GMN",
                expected: "AB".into(),
                actual: "CD".into(),
            },
            ScanError::InvalidDate {
                ai: "17",
                title: "USE BY OR EXPIRY",
                value: "261332".into(),
                problem: DateProblem::NoSuchMonth { month: 13 },
            },
            ScanError::InvalidTime {
                ai: "8008",
                title: "PROD TIME",
                value: text(),
                problem: TimeProblem::NoSuchHour { hour: 25 },
            },
            ScanError::Lint {
                ai: "01",
                title: "GTIN",
                linter: Linter::Csum,
                value: text(),
            },
            ScanError::Coupon {
                ai: "8110",
                title: "COUPON",
                problem: CouponProblem::NotDigit { position: 3 },
            },
            ScanError::ConflictingDuplicate {
                ai: "10",
                first: text(),
                second: "B".into(),
            },
            ScanError::UriInElementString {
                symbology: "GS1-128",
            },
            ScanError::HriInElementString {
                symbology: "GS1-128",
            },
            ScanError::BadHri { text: text() },
            ScanError::NotDigitalLink,
            ScanError::DigitalLinkQualifier {
                key: "01",
                qualifier: "21".into(),
                allowed: "22,10,21".into(),
            },
            ScanError::DigitalLinkQualifierInQuery {
                key: "01",
                ai: "10",
            },
            ScanError::DigitalLinkAttribute { ai: "01".into() },
            ScanError::DigitalLinkWithoutKey { on_resolver: true },
            ScanError::UnknownAiInQuery { name: text() },
            ScanError::BadPercentEncoding { text: text() },
            ScanError::NoDigitalLinkKey,
            ScanError::BadGtinData {
                symbology: "EAN-13",
                expected: "13 digits",
                data: text(),
            },
            ScanError::DamagedTag {
                kind: Kind::MetrcTag,
                damage: TagDamage::Length {
                    len: 23,
                    expected: 24,
                },
            },
            ScanError::BadHex {
                text: text(),
                reason: "odd length".into(),
            },
            ScanError::Epc { message: text() },
        ];
        let mut seen = [false; 33];
        for error in &all {
            let index = match error {
                ScanError::Empty => 0,
                ScanError::TooLong { .. } => 1,
                ScanError::SymbologyTruncated => 2,
                ScanError::UnknownSymbology { .. } => 3,
                ScanError::BadSymbologyModifier { .. } => 4,
                ScanError::NoSymbology => 5,
                ScanError::UnknownAi { .. } => 6,
                ScanError::MissingValue { .. } => 7,
                ScanError::TooShort { .. } => 8,
                ScanError::TooLongValue { .. } => 9,
                ScanError::BadCharacter { .. } => 10,
                ScanError::CheckDigit { .. } => 11,
                ScanError::CheckPair { .. } => 12,
                ScanError::InvalidDate { .. } => 13,
                ScanError::InvalidTime { .. } => 14,
                ScanError::Lint { .. } => 15,
                ScanError::Coupon { .. } => 16,
                ScanError::ConflictingDuplicate { .. } => 17,
                ScanError::UriInElementString { .. } => 18,
                ScanError::HriInElementString { .. } => 19,
                ScanError::BadHri { .. } => 20,
                ScanError::NotDigitalLink => 21,
                ScanError::DigitalLinkQualifier { .. } => 22,
                ScanError::DigitalLinkQualifierInQuery { .. } => 23,
                ScanError::DigitalLinkAttribute { .. } => 24,
                ScanError::DigitalLinkWithoutKey { .. } => 25,
                ScanError::UnknownAiInQuery { .. } => 26,
                ScanError::BadPercentEncoding { .. } => 27,
                ScanError::NoDigitalLinkKey => 28,
                ScanError::BadGtinData { .. } => 29,
                ScanError::DamagedTag { .. } => 30,
                ScanError::BadHex { .. } => 31,
                ScanError::Epc { .. } => 32,
            };
            seen[index] = true;
        }
        assert!(seen.iter().all(|&s| s), "a variant is missing: {seen:?}");
        all
    }

    #[test]
    fn every_scan_error_is_written_as_serde_writes_it() {
        let mut errors = every_scan_error();
        // The variants written piece by piece, with every shape of their fields: text that
        // needs escapes, characters outside ASCII, every date problem, numbers at and past
        // the width of their fields.
        for (expected, actual) in [('2', '3'), ('"', '\\'), ('\u{1d}', 'é'), ('\u{10348}', '0')] {
            for key in ["GTIN", "S\"SCC"] {
                errors.push(ScanError::CheckDigit {
                    ai: "01",
                    key,
                    expected,
                    actual,
                });
            }
        }
        let problems = [
            DateProblem::NotDigits,
            DateProblem::DayZeroNotAllowed,
            DateProblem::NoSuchMonth { month: 0 },
            DateProblem::NoSuchMonth { month: 13 },
            DateProblem::NoSuchMonth { month: 99 },
            DateProblem::NoSuchMonth { month: 100 },
            DateProblem::NoSuchMonth { month: 255 },
            DateProblem::NoSuchDay {
                year: 2026,
                month: 2,
                day: 30,
            },
            DateProblem::NoSuchDay {
                year: 0,
                month: 4,
                day: 31,
            },
            DateProblem::NoSuchDay {
                year: 9999,
                month: 99,
                day: 99,
            },
            DateProblem::NoSuchDay {
                year: 10_000,
                month: 2,
                day: 30,
            },
            DateProblem::NoSuchDay {
                year: 2026,
                month: 200,
                day: 30,
            },
            DateProblem::NoSuchDay {
                year: 2026,
                month: 2,
                day: 130,
            },
            DateProblem::NoSuchDay {
                year: u16::MAX,
                month: u8::MAX,
                day: u8::MAX,
            },
        ];
        for problem in problems {
            for (title, value) in [("USE BY OR EXPIRY", "261332"), ("T\"\\", "2\u{1d}\"é")] {
                errors.push(ScanError::InvalidDate {
                    ai: "17",
                    title,
                    value: value.into(),
                    problem,
                });
            }
        }
        for error in &errors {
            let mut out = b"[".to_vec();
            scan_error(&mut out, error);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("[{}", serde_json::to_string(error).unwrap()),
                "{error:?}"
            );
        }
    }

    #[test]
    fn symbologies_are_written_once_per_identifier_as_serde_writes_them() {
        let mut ids: Vec<Vec<u8>> = Vec::new();
        for code in 0x20..0x7f_u8 {
            for modifier in 0x20..0x80_u8 {
                ids.push(vec![b']', code, modifier]);
            }
        }
        ids.extend([b"]Y3abc".to_vec(), b"]Y1\"".to_vec(), b"]C1".to_vec()]);
        for id in ids {
            let Ok((symbology, _)) = crate::aim::split(&id) else {
                continue;
            };
            // Twice: the first writes the table's entry, the second reads it.
            for _ in 0..2 {
                let mut out = Vec::new();
                super::symbology(&mut out, &symbology);
                assert_eq!(out, serde_json::to_vec(&symbology).unwrap(), "{id:?}");
            }
        }
    }

    #[test]
    fn a_byte_that_needs_an_escape_is_seen_at_every_position_and_length() {
        for len in 0..20 {
            let plain = "a".repeat(len);
            assert!(clean(plain.as_bytes()), "{len}");
            for at in 0..len {
                for bad in [b'"', b'\\', 0x00, 0x1d, 0x1f] {
                    let mut text = plain.clone().into_bytes();
                    text[at] = bad;
                    assert!(!clean(&text), "{len} {at} {bad:#x}");
                }
                // UTF-8 and the highest ASCII need none.
                let mut text = plain.clone().into_bytes();
                text[at] = 0x7f;
                assert!(clean(&text));
                text[at] = 0xc3;
                assert!(clean(&text));
            }
        }
        let mut out = Vec::new();
        escape(&mut out, "say \"hi\"\u{1d}\\");
        assert_eq!(out, br#"say \"hi\"\u001d\\"#);
    }
}

//! GS1 element strings: `01095060001343521726123110ABC123<GS>21XYZ` as a scanner sends it,
//! and the human-readable interpretation `(01)09506000134352(17)261231(10)ABC123(21)XYZ`.
//!
//! Parsing follows the GS1 General Specifications §7.8: an AI's first two digits fix its
//! length; predefined-length AIs take exactly their length; any other AI's data runs to the
//! next separator or the end of the data, and longer than the AI allows is an error (a
//! missing separator), not a guess. Redundant separators (doubled, trailing, after a
//! predefined-length AI) are tolerated. Every value is then checked against
//! the AI's components and linters from the syntax dictionary, and dates, times and implied
//! decimals are read out.

use std::fmt;

use serde::{Serialize, Serializer};

use super::ai::{self, AiDef, Charset, Component, Linter};
use super::coupon;
use super::lint;
use crate::date::{Date, Time};
use crate::error::{owned_text, quote, ScanError};
use crate::spare::Spare;

/// The GS byte (ASCII 29), how a scanner transmits FNC1 used as a separator.
pub const GS: u8 = 0x1d;

/// Most elements read from one scan (the longest GS1 symbols hold far fewer).
pub const MAX_ELEMENTS: usize = 64;

/// The set of one-byte separators: GS always, plus the printable characters a scanner may be
/// configured to send instead of FNC1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    bits: [u64; 2],
}

impl Default for Separators {
    fn default() -> Self {
        Separators::gs_only()
    }
}

impl Separators {
    /// GS only.
    pub const fn gs_only() -> Separators {
        Separators { bits: [1 << GS, 0] }
    }

    /// GS plus each ASCII character of `extra`; `None` if `extra` holds a non-ASCII character
    /// (one a scanner cannot send as a single byte).
    pub fn with_extra(extra: &str) -> Option<Separators> {
        let mut set = Separators::gs_only();
        for c in extra.chars() {
            if !c.is_ascii() {
                return None;
            }
            set.insert(c as u8);
        }
        Some(set)
    }

    /// Adds `byte` (ASCII) to the set.
    pub fn insert(&mut self, byte: u8) {
        if byte < 128 {
            self.bits[usize::from(byte >> 6)] |= 1 << (byte & 63);
        }
    }

    /// Whether `byte` separates elements.
    #[inline]
    pub fn contains(&self, byte: u8) -> bool {
        byte < 128 && self.bits[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
    }
}

/// A decimal number carried as digits with an implied decimal point, e.g. AI 3103 `001250`
/// = 1.250. Kept exact: no floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    /// All digits as an integer (at most 15 digits in any GS1 AI).
    pub mantissa: u64,
    /// Digits after the decimal point.
    pub scale: u8,
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let divisor = 10u64.pow(u32::from(self.scale));
        write!(
            f,
            "{}.{:0width$}",
            self.mantissa / divisor,
            self.mantissa % divisor,
            width = usize::from(self.scale)
        )
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One AI and its value, with what the value means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// The AI, e.g. `"17"`.
    pub ai: &'static str,
    /// Its GS1 title, e.g. `"USE BY or EXPIRY"`.
    pub title: &'static str,
    /// The value as scanned (after the AI, without separators).
    pub value: String,
    /// The date in the value (date AIs), as `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// The second date of a range (AI 7007 harvest date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// The time of day in the value (date-time AIs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// The value with its implied decimal point placed (31nn-36nn measures, 39nn amounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimal: Option<Decimal>,
    /// ISO 4217 currency of an amount (AIs 391n, 393n).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl Element {
    /// The AI's definition.
    #[inline]
    pub fn def(&self) -> Option<&'static AiDef> {
        ai::lookup(self.ai)
    }
}

/// Elements read from a scan, and every problem found. Parsing goes on past problems that
/// leave the structure intact (a wrong check digit, an impossible date), so a receiver sees
/// all of them at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementString {
    /// Elements in scan order.
    pub elements: Vec<Element>,
    /// Problems, in scan order.
    pub errors: Vec<ScanError>,
}

impl ElementString {
    /// The human-readable interpretation, e.g. `(01)09506000134352(10)A1`.
    pub fn hri(&self) -> String {
        hri(&self.elements)
    }
}

/// The human-readable interpretation of `elements`.
pub fn hri(elements: &[Element]) -> String {
    let mut out = String::new();
    hri_into(elements, &mut out);
    out
}

/// [`hri`] appended to `out`.
pub(crate) fn hri_into(elements: &[Element], out: &mut String) {
    let len = elements
        .iter()
        .map(|e| e.ai.len() + e.value.len() + 2)
        .sum();
    out.reserve(len);
    for e in elements {
        out.push('(');
        out.push_str(e.ai);
        out.push(')');
        out.push_str(&e.value);
    }
}

/// What the element parser needs to know about its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gs1Options {
    /// Separator bytes.
    pub separators: Separators,
    /// Today, for the GS1 century window of two-digit years.
    pub today: Date,
}

/// The element string with each element's separator: GS after every element that needs one,
/// except the last. `separator_after_fixed` adds one after predefined-length AIs too
/// (redundant, and tolerated by readers).
pub fn encode(elements: &[(&str, &str)], separator_after_fixed: bool) -> String {
    let mut out = String::new();
    for (i, (code, value)) in elements.iter().enumerate() {
        out.push_str(code);
        out.push_str(value);
        let last = i + 1 == elements.len();
        let needs = ai::lookup(code).is_none_or(|d| d.fnc1_required) || separator_after_fixed;
        if !last && needs {
            out.push(char::from(GS));
        }
    }
    out
}

/// Parses a GS1 element string (the data after the symbology identifier).
pub fn parse_element_string(data: &[u8], options: &Gs1Options) -> ElementString {
    parse_element_string_with(
        data,
        std::str::from_utf8(data).ok(),
        options,
        &mut Spare::default(),
    )
}

/// [`parse_element_string`] in buffers kept from earlier scans; `text` is `data` as text,
/// `None` when it is not UTF-8 (the caller checked it once for the whole scan).
pub(crate) fn parse_element_string_with(
    data: &[u8],
    text: Option<&str>,
    options: &Gs1Options,
    spare: &mut Spare,
) -> ElementString {
    let mut elements = spare.elements();
    elements.reserve(4);
    let mut result = ElementString {
        elements,
        errors: Vec::new(),
    };
    // The values' text is cut from the whole scan's, checked once (nearly every scan is
    // UTF-8; a value cut inside a character is read byte by byte like any other).
    let mut pos = 0;
    while pos < data.len() {
        if options.separators.contains(data[pos]) {
            pos += 1;
            continue;
        }
        if result.elements.len() == MAX_ELEMENTS {
            result.errors.push(ScanError::UnknownAi {
                remainder: quote(&data[pos..]),
            });
            break;
        }
        let Some(def) = ai::lookup_prefix(&data[pos..]) else {
            result.errors.push(ScanError::UnknownAi {
                remainder: quote(&data[pos..]),
            });
            break;
        };
        pos += def.ai.len();
        let start = pos;
        let end = if def.fnc1_required {
            // The data runs to the next separator or the end of the message. Longer than the
            // AI allows means a separator is missing: reading on would guess where the next
            // element starts, so stop here (GS1 General Specifications §7.8.4).
            let end = data[start..]
                .iter()
                .position(|&b| options.separators.contains(b))
                .map_or(data.len(), |p| start + p);
            if end - start > def.max_len() {
                result.errors.push(ScanError::TooLongValue {
                    ai: def.ai,
                    title: def.title,
                    value: quote(&data[start..end]),
                    max: def.max_len(),
                });
                break;
            }
            end
        } else {
            (start + def.max_len()).min(data.len())
        };
        pos = end;
        let value_text = text.and_then(|text| text.get(start..end));
        push_element(
            &mut result,
            def,
            &data[start..end],
            value_text,
            options.today,
            spare,
        );
    }
    if result.elements.is_empty() && result.errors.is_empty() {
        result.errors.push(ScanError::Empty);
    }
    result
}

/// Parses human-readable text `(01)09506000134352(10)A1`, as printed under a barcode or typed
/// by a person (spaces around values are ignored). An `(` inside a value starts a new element
/// only when followed by a known AI and `)`.
pub fn parse_hri(text: &str, today: Date) -> ElementString {
    parse_hri_with(text, today, &mut Spare::default())
}

/// [`parse_hri`] in buffers kept from earlier scans.
pub(crate) fn parse_hri_with(text: &str, today: Date, spare: &mut Spare) -> ElementString {
    let mut result = ElementString {
        elements: spare.elements(),
        errors: Vec::new(),
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        if result.elements.len() == MAX_ELEMENTS {
            result.errors.push(ScanError::BadHri {
                text: quote(&bytes[pos..]),
            });
            break;
        }
        let Some((def, value_start)) = hri_ai_at(bytes, pos) else {
            result.errors.push(ScanError::BadHri {
                text: quote(&bytes[pos..]),
            });
            break;
        };
        let mut end = value_start;
        while end < bytes.len() && hri_ai_at(bytes, end).is_none() {
            end += 1;
        }
        // Printed HRI often has spaces around values ("(01) 0950... (10) A1"); no GS1
        // character set contains a space, so dropping them loses nothing.
        // `value_start` follows a `)` and `end` is a `(` or the end: both char boundaries.
        match text.get(value_start..end).map(str::trim_ascii) {
            Some(value) => push_element(
                &mut result,
                def,
                value.as_bytes(),
                Some(value),
                today,
                spare,
            ),
            None => push_element(
                &mut result,
                def,
                bytes[value_start..end].trim_ascii(),
                None,
                today,
                spare,
            ),
        }
        pos = end;
    }
    result
}

/// Whether `bytes` starts like human-readable GS1 text: `(`, a known AI, `)`.
pub fn starts_with_hri_ai(bytes: &[u8]) -> bool {
    hri_ai_at(bytes, 0).is_some()
}

/// The AI written as `(AI)` at `pos`, and where its value starts.
fn hri_ai_at(bytes: &[u8], pos: usize) -> Option<(&'static AiDef, usize)> {
    if bytes.get(pos) != Some(&b'(') {
        return None;
    }
    let def = ai::lookup_prefix(bytes.get(pos + 1..)?)?;
    let close = pos + 1 + def.ai.len();
    (bytes.get(close) == Some(&b')')).then_some((def, close + 1))
}

/// Checks `value` against `def` and appends the element (and any problems) to `result`.
///
/// `text` is `value` as text when the caller has it already (it then skips a UTF-8 check per
/// element); `None` reads `value` as lossy UTF-8. The value's text goes into a string kept
/// in `spare`.
pub(crate) fn push_element(
    result: &mut ElementString,
    def: &'static AiDef,
    value: &[u8],
    text: Option<&str>,
    today: Date,
    spare: &mut Spare,
) {
    if value.is_empty() {
        result.errors.push(ScanError::MissingValue {
            ai: def.ai,
            title: def.title,
        });
        return;
    }
    let value_text = match text {
        Some(text) => spare.text(text),
        None => spare.lossy(value),
    };
    // The same AI twice must carry the same value (GS1 General Specifications §4.14.1).
    if let Some(previous) = result.elements.iter().find(|e| ai::same_ai(e.ai, def.ai)) {
        if previous.value != value_text {
            result.errors.push(ScanError::ConflictingDuplicate {
                ai: def.ai,
                first: previous.value.clone(),
                second: value_text.clone(),
            });
        }
    }
    let mut element = Element {
        ai: def.ai,
        title: def.title,
        value: value_text,
        date: None,
        end_date: None,
        time: None,
        decimal: None,
        currency: None,
    };
    check_components(def, value, today, &mut element, &mut result.errors);
    result.elements.push(element);
}

fn too_short(def: &AiDef, value: &[u8], component: &Component) -> ScanError {
    // For a one-part AI, say what the whole value needs; otherwise what the missing part needs.
    let (min, fixed) = if def.components.len() == 1 {
        (usize::from(component.min_len), component.is_fixed())
    } else {
        (def.min_len().max(1), def.is_fixed_len())
    };
    ScanError::TooShort {
        ai: def.ai,
        title: def.title,
        value: quote(value),
        min,
        fixed,
        numeric: def.components.iter().all(|c| c.charset == Charset::Numeric),
    }
}

fn check_components(
    def: &'static AiDef,
    value: &[u8],
    today: Date,
    element: &mut Element,
    errors: &mut Vec<ScanError>,
) {
    let mut rest = value;
    let mut date_count = 0;
    let mut amount_part: Option<&[u8]> = None;
    for (index, component) in def.components.iter().enumerate() {
        if rest.is_empty() && component.optional {
            break;
        }
        let take = if component.is_fixed() {
            usize::from(component.max_len)
        } else {
            rest.len()
        };
        if rest.len() < take || rest.len() < usize::from(component.min_len) {
            errors.push(too_short(def, value, component));
            return;
        }
        let (part, tail) = rest.split_at(take.min(usize::from(component.max_len)));
        rest = tail;
        if let Some(&bad) = part.iter().find(|&&b| !component.charset.allows(b)) {
            errors.push(ScanError::BadCharacter {
                ai: def.ai,
                title: def.title,
                value: quote(value),
                character: char::from(bad),
                allowed: component.charset.describe(),
            });
            return;
        }
        let is_last = index + 1 == def.components.len();
        if is_last {
            amount_part = Some(part);
        }
        for &linter in component.linters {
            match linter {
                Linter::Csum => {
                    let (payload, check) = part.split_at(part.len() - 1);
                    if let Some(expected) = lint::mod10_check_digit(payload) {
                        if check[0] != b'0' + expected {
                            errors.push(ScanError::CheckDigit {
                                ai: def.ai,
                                key: key_name(def.ai),
                                expected: char::from(b'0' + expected),
                                actual: char::from(check[0]),
                            });
                        }
                    }
                }
                Linter::Csumalpha => {
                    if part.len() < 2 {
                        errors.push(too_short(def, value, component));
                        continue;
                    }
                    let (payload, check) = part.split_at(part.len() - 2);
                    if let Some(expected) = lint::check_character_pair(payload) {
                        if check != expected {
                            errors.push(ScanError::CheckPair {
                                ai: def.ai,
                                key: key_name(def.ai),
                                expected: String::from_utf8_lossy(&expected).into_owned(),
                                actual: String::from_utf8_lossy(check).into_owned(),
                            });
                        }
                    }
                }
                Linter::Yymmd0 | Linter::Yymmdd | Linter::Yyyymmdd => {
                    let parsed = if linter == Linter::Yyyymmdd {
                        lint::yyyymmdd(part)
                    } else {
                        lint::yymmdd(part, linter == Linter::Yymmd0, today)
                    };
                    match parsed {
                        Ok(date) if date_count == 0 => element.date = Some(date),
                        Ok(date) => element.end_date = Some(date),
                        Err(problem) => errors.push(ScanError::InvalidDate {
                            ai: def.ai,
                            title: def.title,
                            value: quote(part),
                            problem,
                        }),
                    }
                    date_count += 1;
                }
                Linter::Hhmi | Linter::Hh | Linter::Mi | Linter::Ss => {
                    let time = element.time.get_or_insert(Time {
                        hour: 0,
                        minute: None,
                        second: None,
                    });
                    let parsed = match linter {
                        Linter::Hhmi => lint::hhmi(part).map(|t| *time = t),
                        Linter::Hh => lint::hour(part).map(|h| time.hour = h),
                        Linter::Mi => lint::minute(part).map(|m| time.minute = Some(m)),
                        _ => lint::minute(part).map(|s| time.second = Some(s)),
                    };
                    if let Err(problem) = parsed {
                        errors.push(ScanError::InvalidTime {
                            ai: def.ai,
                            title: def.title,
                            value: quote(part),
                            problem,
                        });
                    }
                }
                Linter::Iso4217 => {
                    if !lint::passes(linter, part) {
                        errors.push(ScanError::Lint {
                            ai: def.ai,
                            title: def.title,
                            linter,
                            value: owned_text(part),
                        });
                    } else {
                        element.currency = Some(owned_text(part));
                    }
                }
                Linter::Couponcode | Linter::Couponposoffer => {
                    let checked = if linter == Linter::Couponcode {
                        coupon::coupon_code(part, today)
                    } else {
                        coupon::positive_offer(part)
                    };
                    if let Err(problem) = checked {
                        errors.push(ScanError::Coupon {
                            ai: def.ai,
                            title: def.title,
                            problem,
                        });
                    }
                }
                other => {
                    if !lint::passes(other, part) {
                        errors.push(ScanError::Lint {
                            ai: def.ai,
                            title: def.title,
                            linter: other,
                            value: owned_text(part),
                        });
                    }
                }
            }
        }
    }
    if !rest.is_empty() {
        errors.push(ScanError::TooLongValue {
            ai: def.ai,
            title: def.title,
            value: quote(value),
            max: def.max_len(),
        });
        return;
    }
    if let (Some(scale), Some(amount)) = (def.decimals(), amount_part) {
        let mantissa = amount.iter().try_fold(0u64, |n, &b| {
            b.is_ascii_digit()
                .then(|| n.saturating_mul(10).saturating_add(u64::from(b - b'0')))
        });
        if let Some(mantissa) = mantissa {
            element.decimal = Some(Decimal { mantissa, scale });
        }
    }
}

/// The name of the GS1 key an AI carries, for check-digit messages.
pub fn key_name(ai: &str) -> &'static str {
    match ai {
        "00" => "SSCC",
        "01" | "02" | "03" => "GTIN",
        "253" => "GDTI",
        "255" => "GCN",
        "402" => "GSIN",
        "410" | "411" | "412" | "413" | "414" | "415" | "416" | "417" => "GLN",
        "8003" => "GRAI",
        "8006" | "8026" => "ITIP",
        "8013" => "GMN",
        "8014" => "MUDI",
        "8017" | "8018" => "GSRN",
        _ => "GS1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 24).expect("a real date")
    }

    #[test]
    fn printed_hri_with_spaces() {
        let parsed = parse_hri("(01) 09506000134352 (17) 261231 (10) A1", today());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.hri(), "(01)09506000134352(17)261231(10)A1");
        assert_eq!(
            parsed.elements[1].date.map(|d| d.to_string()).as_deref(),
            Some("2026-12-31")
        );
    }

    #[test]
    fn values_and_decimals() {
        let options = Gs1Options {
            separators: Separators::gs_only(),
            today: today(),
        };
        let parsed = parse_element_string(
            b"310300125039221299\x1d39328404999\x1d70032612312359\x1d",
            &options,
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let e = &parsed.elements;
        assert_eq!(
            e[0].decimal.map(|d| d.to_string()).as_deref(),
            Some("1.250")
        );
        assert_eq!(
            e[1].decimal.map(|d| d.to_string()).as_deref(),
            Some("12.99")
        );
        assert_eq!(
            e[2].decimal.map(|d| d.to_string()).as_deref(),
            Some("49.99")
        );
        assert_eq!(e[2].currency.as_deref(), Some("840"));
        assert_eq!(
            e[3].date.map(|d| d.to_string()).as_deref(),
            Some("2026-12-31")
        );
        assert_eq!(e[3].time.map(|t| t.to_string()).as_deref(), Some("23:59"));
        assert_eq!(
            Decimal {
                mantissa: 5,
                scale: 3
            }
            .to_string(),
            "0.005"
        );
    }

    #[test]
    fn a_missing_separator_after_a_long_value_is_an_error() {
        let options = Gs1Options {
            separators: Separators::gs_only(),
            today: today(),
        };
        let parsed = parse_element_string(b"10ABCDEFGHIJKLMNOPQRSTU17261231", &options);
        assert!(matches!(
            parsed.errors[..],
            [ScanError::TooLongValue {
                ai: "10",
                max: 20,
                ..
            }]
        ));
        let duplicate = parse_element_string(b"10A\x1d10B", &options);
        assert!(matches!(
            duplicate.errors[..],
            [ScanError::ConflictingDuplicate { ai: "10", .. }]
        ));
    }
}

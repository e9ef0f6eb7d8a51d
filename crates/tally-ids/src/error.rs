//! Every way a scan can be wrong, as one enum with structured fields. `Display` says what is
//! wrong in the words of the receiver holding the scanner, never in parser jargon.

use serde::{Serialize, Serializer};
use thiserror::Error;

use crate::gs1::ai::Linter;

/// A problem found in a scan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScanError {
    /// Nothing was scanned.
    #[error("the scan is empty")]
    Empty,
    /// The scan is longer than any barcode or tag tally reads.
    #[error("the scan is {len} bytes long; tally reads at most {max} bytes per scan")]
    TooLong {
        /// Length of the scan in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },

    /// `]` with nothing usable after it.
    #[error("the scan starts with \"]\" but the symbology identifier after it is cut short")]
    SymbologyTruncated,
    /// An AIM code character ISO/IEC 15424 does not define.
    #[error(
        "unknown symbology identifier \"]{code}\": no barcode type uses the code character '{code}' \
         (check the scanner's AIM identifier setting)"
    )]
    UnknownSymbology {
        /// The code character after `]`.
        code: char,
    },
    /// A symbology identifier whose modifier is not a letter or digit.
    #[error("symbology identifier \"]{code}\" is followed by {modifier:?}, which is not a valid modifier")]
    BadSymbologyModifier {
        /// The code character.
        code: char,
        /// What came where the modifier belongs.
        modifier: char,
    },
    /// A scan with no symbology identifier where one is required.
    #[error("the scan has no symbology identifier (it should start with \"]\")")]
    NoSymbology,

    /// Data where a GS1 Application Identifier should start, that is not one.
    #[error("\"{remainder}\" does not start with a GS1 Application Identifier")]
    UnknownAi {
        /// The data from that point on (shortened).
        remainder: String,
    },
    /// An AI with no data after it.
    #[error("AI ({ai}) {title}: the value is missing")]
    MissingValue {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
    },
    /// A value shorter than its AI requires.
    #[error("AI ({ai}) {title}: \"{value}\" is too short, {expected}")]
    TooShort {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The value as read.
        value: String,
        /// What was expected, e.g. "it needs 6 digits".
        expected: String,
    },
    /// A value longer than its AI allows.
    #[error("AI ({ai}) {title}: \"{value}\" is too long, at most {max} characters")]
    TooLongValue {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The value as read.
        value: String,
        /// The most characters the AI takes.
        max: usize,
    },
    /// A character the AI's character set does not contain.
    #[error("AI ({ai}) {title}: {character:?} is not allowed in \"{value}\" ({allowed})")]
    BadCharacter {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The value as read.
        value: String,
        /// The offending character.
        character: char,
        /// What the AI allows.
        allowed: &'static str,
    },
    /// A wrong check digit on a GS1 key.
    #[error("{key} check digit should be {expected}, got {actual}")]
    CheckDigit {
        /// The AI carrying the key.
        ai: &'static str,
        /// The key's name, e.g. "GTIN".
        key: &'static str,
        /// The check digit the data calls for.
        expected: char,
        /// The check digit found.
        actual: char,
    },
    /// A wrong check character pair (GMN, MUDI).
    #[error("{key} check characters should be {expected}, got {actual}")]
    CheckPair {
        /// The AI carrying the key.
        ai: &'static str,
        /// The key's name.
        key: &'static str,
        /// The check characters the data calls for.
        expected: String,
        /// The check characters found.
        actual: String,
    },
    /// A date that does not exist.
    #[error("AI ({ai}) {title}: \"{value}\" is not a valid date ({reason})")]
    InvalidDate {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The date digits.
        value: String,
        /// Why, e.g. "month 13 does not exist".
        reason: String,
    },
    /// A time of day that does not exist.
    #[error("AI ({ai}) {title}: \"{value}\" is not a valid time ({reason})")]
    InvalidTime {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The time digits.
        value: String,
        /// Why.
        reason: String,
    },
    /// Any other content rule of the GS1 syntax dictionary.
    #[error("AI ({ai}) {title}: {problem}")]
    Lint {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The dictionary's linter.
        linter: Linter,
        /// What is wrong.
        problem: String,
    },
    /// The same AI twice with different values.
    #[error("AI ({ai}) appears twice with different values: \"{first}\" and \"{second}\"")]
    ConflictingDuplicate {
        /// The AI.
        ai: &'static str,
        /// The first value.
        first: String,
        /// The second value.
        second: String,
    },
    /// A web address where GS1 element strings were announced.
    #[error(
        "a {symbology} barcode carries GS1 element strings, not a web address; a GS1 Digital Link \
         is printed as a plain QR Code or Data Matrix"
    )]
    UriInElementString {
        /// Name of the symbology.
        symbology: &'static str,
    },
    /// HRI text `(01)...` that is not well formed.
    #[error(
        "\"{text}\" is not a well-formed GS1 human-readable text like (01)09506000134352(10)A1"
    )]
    BadHri {
        /// The text (shortened).
        text: String,
    },

    /// A web address that is not a GS1 Digital Link.
    #[error("this web address is not a GS1 Digital Link: {reason}")]
    NotDigitalLink {
        /// Why.
        reason: String,
    },
    /// Digital Link qualifiers out of order or not allowed for the key.
    #[error(
        "GS1 Digital Link: AI ({qualifier}) is not allowed in the path after ({key}) in this \
         order; allowed: {allowed}"
    )]
    DigitalLinkQualifier {
        /// The primary key AI.
        key: &'static str,
        /// The offending qualifier.
        qualifier: String,
        /// The allowed qualifier sequences.
        allowed: String,
    },
    /// A Digital Link query attribute that is not allowed.
    #[error("GS1 Digital Link: AI ({ai}) may not be given as a query attribute")]
    DigitalLinkAttribute {
        /// The AI.
        ai: String,
    },
    /// Bad percent-encoding in a Digital Link.
    #[error("GS1 Digital Link: \"{text}\" is not valid percent-encoding")]
    BadPercentEncoding {
        /// The offending text (shortened).
        text: String,
    },
    /// Element strings that cannot be rendered as a Digital Link.
    #[error("no GS1 Digital Link primary key (GTIN, SSCC, GLN ...) among the elements")]
    NoDigitalLinkKey,

    /// An EAN/UPC/ITF barcode whose digits do not make a GTIN.
    #[error("{symbology} data should be {expected}, got \"{data}\"")]
    BadGtinData {
        /// Name of the symbology.
        symbology: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The data (shortened).
        data: String,
    },

    /// RFID data that is not hexadecimal.
    #[error("RFID: \"{text}\" is not EPC memory in hexadecimal: {reason}")]
    BadHex {
        /// The text (shortened).
        text: String,
        /// Why.
        reason: String,
    },
    /// An EPC that the Tag Data Standard rejects.
    #[error("RFID tag: {message}")]
    Epc {
        /// The EPC decoder's message.
        message: String,
    },
}

impl Serialize for ScanError {
    /// Errors travel as their human-readable message.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// At most this many characters of outside data are quoted in a message.
pub(crate) const QUOTE_MAX: usize = 40;

/// `text` shortened to [`QUOTE_MAX`] characters for quoting in a message, control characters
/// shown as `<GS>` or `\xNN`.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (count, chunk) in String::from_utf8_lossy(bytes).chars().enumerate() {
        if count == QUOTE_MAX {
            out.push('…');
            break;
        }
        match chunk {
            '\u{1d}' => out.push_str("<GS>"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// `bytes` as an owned string: a plain copy for valid UTF-8 (always the case for GS1 data),
/// replacement characters otherwise.
#[inline]
pub(crate) fn owned_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

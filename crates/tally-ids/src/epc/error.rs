//! Why an EPC bank, a hex string or an EPC URI was refused.
//!
//! Every variant carries the facts a receiver needs (which scheme, which field, which value) and
//! renders as one plain sentence. Scheme names are the TDS tag-URI names (`sgtin-96`).

use thiserror::Error;

/// An EPC that cannot be decoded or encoded, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EpcError {
    /// Nothing was read from the tag.
    #[error("the EPC is empty: the reader returned no bytes")]
    Empty,

    /// More bytes than any Gen2 EPC field can hold.
    #[error("the EPC has {bytes} bytes, but a tag's EPC field holds at most {max} bytes")]
    TooLong {
        /// Bytes received.
        bytes: usize,
        /// The limit.
        max: usize,
    },

    /// A character in a hex string that is not a hex digit.
    #[error("'{found}' at position {position} is not a hex digit (0-9, A-F)")]
    BadHexDigit {
        /// Character position (0-based) in the input.
        position: usize,
        /// The offending character.
        found: char,
    },

    /// Hex with an odd number of digits.
    #[error("the hex has {digits} digits; an EPC needs an even number (two per byte)")]
    OddHexDigits {
        /// Number of hex digits seen.
        digits: usize,
    },

    /// The bank is shorter than its header says the EPC is.
    #[error("EPC header 0x{header:02X} is {scheme}, which needs {needed} bits, but the tag gave only {available} bits")]
    Truncated {
        /// The header byte.
        header: u8,
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Bits the scheme needs (so far, for variable-length schemes).
        needed: usize,
        /// Bits received.
        available: usize,
    },

    /// Bits after the end of the EPC are not zero, so this is not a clean encoding.
    #[error("{scheme} ends after {length} bits, but the tag has non-zero data after that")]
    TrailingData {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Where the EPC ends, in bits.
        length: usize,
    },

    /// The partition value is not one of 0..=6.
    #[error(
        "EPC header 0x{header:02X} partition {partition} is not valid ({scheme} allows 0 to 6)"
    )]
    InvalidPartition {
        /// The header byte.
        header: u8,
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// The partition value found.
        partition: u8,
    },

    /// A numeric field holds a value with more digits than its space allows.
    #[error("{scheme}: the {field} {value} has more than the {digits} digits allowed here")]
    TooManyDigits {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value found (decimal).
        value: u64,
        /// Digits allowed.
        digits: u32,
    },

    /// Reserved bits that must be zero are not.
    #[error("{scheme}: the reserved bits after the {after} must be zero, but they are not")]
    ReservedBitsSet {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// The field the reserved bits follow.
        after: &'static str,
    },

    /// A character code that the field's character set does not allow.
    #[error(
        "{scheme}: the {field} contains character code 0x{code:02X}, which is not allowed there"
    )]
    BadCharacterCode {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The code found in the binary.
        code: u8,
    },

    /// A string field is followed by non-zero padding.
    #[error("{scheme}: the {field} has data after its end marker")]
    DataAfterEnd {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
    },

    /// A variable-length string field has no end marker within its maximum length.
    #[error("{scheme}: the {field} has no end marker within {max} characters")]
    MissingEnd {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// Maximum number of characters.
        max: usize,
    },

    /// A field that must have a value is empty.
    #[error("{scheme}: the {field} is empty")]
    EmptyField {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
    },

    /// A numeric-string field (SGCN, GDTI-113 serials) does not start with the marker digit 1.
    #[error("{scheme}: the {field} value {value} is not a valid numeric string (it must start with the digit 1)")]
    BadNumericString {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value found.
        value: u64,
    },

    /// The text is not an EPC URI at all.
    #[error("'{uri}' is not an EPC tag URI (expected urn:epc:tag:<scheme>:... or urn:epc:raw:<bits>.x<hex>)")]
    NotEpcUri {
        /// The text, cut to a reasonable length.
        uri: String,
    },

    /// The URI names a scheme this decoder does not know.
    #[error("'{scheme}' is not an EPC scheme this decoder knows")]
    UnknownScheme {
        /// The scheme as written.
        scheme: String,
    },

    /// A pure-identity URI of one kind asked to be encoded with a scheme of another.
    #[error("{scheme} cannot carry a '{identity}' identity")]
    SchemeMismatch {
        /// Tag-URI scheme name asked for.
        scheme: &'static str,
        /// The identity kind in the URI, e.g. `sscc`.
        identity: String,
    },

    /// The URI has the wrong number of dot-separated parts.
    #[error("{scheme} URI needs {expected} parts separated by dots, but has {found}")]
    WrongPartCount {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Parts needed.
        expected: usize,
        /// Parts found.
        found: usize,
    },

    /// A filter value that is not a number in range.
    #[error("{scheme}: filter '{value}' is not valid (it must be a number from 0 to {max})")]
    BadFilter {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// The filter as written.
        value: String,
        /// Largest allowed filter value.
        max: u8,
    },

    /// A numeric URI field has something other than digits.
    #[error("{scheme}: the {field} '{value}' must contain digits only")]
    NotDigits {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
    },

    /// An integer field written with leading zeros, which the binary cannot keep.
    #[error("{scheme}: the {field} '{value}' has a leading zero, which this scheme cannot store")]
    LeadingZero {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
    },

    /// A value too large for its field.
    #[error("{scheme}: the {field} '{value}' is too large (at most {max})")]
    ValueTooLarge {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
        /// The largest value allowed, in decimal.
        max: String,
    },

    /// A GS1 company prefix whose length has no partition.
    #[error("{scheme}: the company prefix '{value}' has {digits} digits; it must have 6 to 12")]
    CompanyPrefixLength {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// The prefix as written.
        value: String,
        /// Its length.
        digits: usize,
    },

    /// A fixed-length numeric field with the wrong number of digits.
    #[error("{scheme}: the {field} '{value}' must have exactly {expected} digits with this company prefix, not {found}")]
    WrongDigitCount {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
        /// Digits required.
        expected: usize,
        /// Digits found.
        found: usize,
    },

    /// A code field whose length is not one the standard allows.
    #[error("{scheme}: the {field} '{value}' must be {expected} characters long")]
    WrongLength {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
        /// The allowed lengths in words, e.g. "5 or 6".
        expected: &'static str,
    },

    /// A string field longer than its space.
    #[error("{scheme}: the {field} '{value}' has {found} characters; at most {max} fit")]
    TooManyCharacters {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value (unescaped).
        value: String,
        /// Characters allowed.
        max: usize,
        /// Characters found.
        found: usize,
    },

    /// A character that the field's character set does not allow, or that must be %-escaped.
    #[error("{scheme}: the {field} '{value}' contains '{found}', which is not allowed there")]
    BadCharacter {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
        /// The offending character.
        found: char,
    },

    /// A broken %-escape in a URI field.
    #[error(
        "{scheme}: the {field} '{value}' has a broken %-escape (use %2F for '/', %25 for '%')"
    )]
    BadEscape {
        /// Tag-URI scheme name.
        scheme: &'static str,
        /// Field name in words.
        field: &'static str,
        /// The value as written.
        value: String,
    },

    /// A raw URI whose length and hex do not agree.
    #[error("raw EPC URI '{uri}' is not valid: {reason}")]
    BadRawUri {
        /// The URI, cut to a reasonable length.
        uri: String,
        /// What is wrong.
        reason: &'static str,
    },
}

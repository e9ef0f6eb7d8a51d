//! Error types of the crate: what went wrong while encoding, decoding or verifying one event.
//!
//! Chain-level failures (gaps, forks...) live in [`crate::chain`]. Every message is written
//! for the person reading a verification report, not for the programmer.

use thiserror::Error;

/// Why bytes could not be read as an event, a payload or an export file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes end before the value does.
    #[error("the data is cut short at byte {offset}: {wanted} more bytes were expected, {available} are there")]
    Truncated {
        /// Where the missing value starts.
        offset: usize,
        /// Bytes the value needs.
        wanted: usize,
        /// Bytes left.
        available: usize,
    },
    /// Bytes are left over after a complete value.
    #[error("{count} unexpected extra bytes at byte {offset}")]
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// A length or count is over its limit.
    #[error("a {what} at byte {offset} is {len} long, more than the limit of {max}")]
    TooLong {
        /// Where the length prefix is.
        offset: usize,
        /// Which kind of field.
        what: &'static str,
        /// Length found.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Text that is not UTF-8.
    #[error("the text at byte {offset} is not valid UTF-8")]
    BadUtf8 {
        /// Where the text's length prefix is.
        offset: usize,
    },
    /// A yes/no byte that is neither 0 nor 1.
    #[error("a yes/no value at byte {offset} is {value}, not 0 or 1")]
    BadBool {
        /// Where the byte is.
        offset: usize,
        /// The byte.
        value: u8,
    },
    /// An optional field's tag that is neither 0 nor 1.
    #[error("an optional field at byte {offset} has tag {value}, not 0 or 1")]
    BadOptionTag {
        /// Where the byte is.
        offset: usize,
        /// The byte.
        value: u8,
    },
    /// An enum code this version does not know.
    #[error(
        "a {what} at byte {offset} has code {value}, which this version of tally does not know"
    )]
    UnknownCode {
        /// Where the byte is.
        offset: usize,
        /// Which enum.
        what: &'static str,
        /// The code.
        value: u8,
    },
    /// A calendar date that does not exist.
    #[error("the date {year:04}-{month:02}-{day:02} does not exist")]
    BadDate {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
    },
    /// The record does not start with the event magic bytes.
    #[error("this is not a tally event (it does not start with \"TLEV\")")]
    BadMagic,
    /// The record's format version is not one this version of tally reads.
    #[error("the event is in format version {version}, which this version of tally cannot read")]
    UnsupportedVersion {
        /// The version byte.
        version: u8,
    },
    /// `prev` must be all zeros exactly for the genesis event (seq 1).
    #[error("event {seq} has a previous-event hash that is not allowed for its position")]
    BadPrev {
        /// The event's seq.
        seq: u64,
    },
    /// The genesis (seq 1) must be a device enrollment, and only the genesis may be one.
    #[error("event {seq} breaks the genesis rule: a device's first event, and only that one, is its enrollment")]
    GenesisKind {
        /// The event's seq.
        seq: u64,
    },
    /// seq 0 does not exist.
    #[error("the event has sequence number 0; numbering starts at 1")]
    ZeroSeq,
    /// The export file does not start with the export magic bytes.
    #[error("this is not a tally log export (it does not start with \"TALLYLOG\")")]
    BadExportMagic,
    /// An export trailer that is not a tally trailer (bad magic, version or variant).
    #[error("the export's trailer is not a tally export trailer (it does not start with \"TLXT\", or has an unknown version or variant)")]
    BadTrailer,
    /// A payload field is over its own limit (`crate::limits`).
    #[error("the field {field} is {len} long, more than its limit of {max}")]
    FieldOverLimit {
        /// `Struct.field`.
        field: String,
        /// Its length in bytes, or count of items.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The export file header has a version or flags this version cannot read.
    #[error("the log export is in format version {version} (flags {flags}), which this version of tally cannot read")]
    UnsupportedExport {
        /// Version field.
        version: u16,
        /// Flags field.
        flags: u16,
    },
}

/// Why an event could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// A field is over its limit.
    #[error("a {what} is {len} long, more than the limit of {max}")]
    TooLong {
        /// Which kind of field.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A payload field is over its own limit (`crate::limits`); the record would not fit in
    /// 65,535 bytes, or the field is longer than what it holds can be.
    #[error("the field {field} is {len} long, more than its limit of {max}")]
    FieldOverLimit {
        /// `Struct.field`.
        field: String,
        /// Its length in bytes, or count of items.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Unknown payloads are only for kinds this version does not define.
    #[error(
        "payload kind {kind} is a known kind; build it with its own type, not as unknown bytes"
    )]
    KnownKindAsUnknown {
        /// The kind code.
        kind: u16,
    },
    /// The chain writer's seq would overflow.
    #[error("this device's event numbering is exhausted")]
    SeqExhausted,
    /// Events after the genesis must not be device-enrolled events, and the genesis must be one.
    #[error("the first event of a device must be its enrollment, and only the first")]
    GenesisRule,
}

/// Why one event did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The bytes are not a well-formed event.
    #[error("malformed event: {0}")]
    Malformed(#[from] DecodeError),
    /// The device id is not a usable ed25519 public key (not a curve point, or a weak key).
    #[error("the device key is not a valid public key (weak or malformed)")]
    BadKey,
    /// The payload bytes are not the ones the signed header commits to.
    #[error("the payload was altered: it does not match the hash the device signed")]
    AlteredPayload,
    /// The signature does not verify over the header.
    #[error("the signature is not valid for this event")]
    BadSignature,
}

//! Error types of the crate: what went wrong while encoding, decoding or verifying one event.
//!
//! Chain-level failures (gaps, forks...) live in [`crate::chain`]. Every message is written
//! for the person reading a verification report, not for the programmer; the texts, English
//! (also `Display`) and Spanish side by side, are in [`crate::messages`].

use thiserror::Error;

/// Why bytes could not be read as an event, a payload or an export file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes end before the value does.
    Truncated {
        /// Where the missing value starts.
        offset: usize,
        /// Bytes the value needs.
        wanted: usize,
        /// Bytes left.
        available: usize,
    },
    /// Bytes are left over after a complete value.
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// A length or count is over its limit.
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
    BadUtf8 {
        /// Where the text's length prefix is.
        offset: usize,
    },
    /// A yes/no byte that is neither 0 nor 1.
    BadBool {
        /// Where the byte is.
        offset: usize,
        /// The byte.
        value: u8,
    },
    /// An optional field's tag that is neither 0 nor 1.
    BadOptionTag {
        /// Where the byte is.
        offset: usize,
        /// The byte.
        value: u8,
    },
    /// An enum code this version does not know.
    UnknownCode {
        /// Where the byte is.
        offset: usize,
        /// Which enum.
        what: &'static str,
        /// The code.
        value: u8,
    },
    /// A calendar date that does not exist.
    BadDate {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
    },
    /// The record does not start with the event magic bytes.
    BadMagic,
    /// The record's format version is not one this version of tally reads.
    UnsupportedVersion {
        /// The version byte.
        version: u8,
    },
    /// `prev` must be all zeros exactly for the genesis event (seq 1).
    BadPrev {
        /// The event's seq.
        seq: u64,
    },
    /// The genesis (seq 1) must be a device enrollment, and only the genesis may be one.
    GenesisKind {
        /// The event's seq.
        seq: u64,
    },
    /// seq 0 does not exist.
    ZeroSeq,
    /// The export file does not start with the export magic bytes.
    BadExportMagic,
    /// An export trailer that is not a tally trailer (bad magic, version or variant).
    BadTrailer,
    /// A payload field is over its own limit (`crate::limits`).
    FieldOverLimit {
        /// `Struct.field`.
        field: String,
        /// Its length in bytes, or count of items.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The export file header has a version or flags this version cannot read.
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
    FieldOverLimit {
        /// `Struct.field`.
        field: String,
        /// Its length in bytes, or count of items.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Unknown payloads are only for kinds this version does not define.
    KnownKindAsUnknown {
        /// The kind code.
        kind: u16,
    },
    /// A value the event format has no code for (a scale's troy-ounce unit).
    NotRecordable {
        /// Which kind of field.
        what: &'static str,
        /// The value, as text.
        value: &'static str,
    },
    /// The chain writer's seq would overflow.
    SeqExhausted,
    /// Events after the genesis must not be device-enrolled events, and the genesis must be one.
    GenesisRule,
}

/// Why one event did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The bytes are not a well-formed event.
    Malformed(#[from] DecodeError),
    /// The device id is not a usable ed25519 public key (not a curve point, or a weak key).
    BadKey,
    /// The payload bytes are not the ones the signed header commits to.
    AlteredPayload,
    /// The signature does not verify over the header.
    BadSignature,
}

/// Any failure of this crate's event-log operations, keeping its structure, for callers that
/// pass the log's errors on (the replica's `ReplicaError::Events`): encoding or signing, decoding,
/// verifying, and reading or writing an export.
#[derive(Debug, Error)]
pub enum Error {
    /// An event could not be encoded or signed.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// Bytes could not be read as an event or a payload.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// An event did not verify.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// An export stream could not be read or written.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
}

//! The signed, hash-chained event log of a device: envelope, payloads, canonical encoding,
//! signing, and verification of single events and whole chains.
//!
//! No I/O: callers hand in bytes and clocks; the replica stores what this crate encodes, the
//! sync daemon ships it and the ledger verifies it, byte for byte. This crate must not depend
//! on SQLite, drivers, networking or UI crates (only on `tally-ids` and the shared vocabulary
//! of `tally-vocab`).
//!
//! - [`event`]: the record layout (`header ‖ payload ‖ signature`), [`SignedEvent`],
//!   [`UnsignedEvent`], [`Timestamp`] and [`Clock`].
//! - [`payload`]: the typed [`Payload`] enum and its append-only `u16` kind registry.
//! - [`key`]: [`DeviceKey`] (signing), [`VerifierKey`] (strict and batch verification).
//! - [`chain`]: [`ChainWriter`] and [`verify_chain`] with its failure kinds.
//! - [`stream`]: [`ChainVerifier`], the same verification record by record in bounded memory.
//! - [`export`]: the length-prefixed export stream; [`trailer`]: how a version 2 export ends.
//! - [`merkle`]: RFC 6962 hashing, inclusion and consistency proofs; [`note`]: C2SP signed notes and
//!   checkpoints (the ledger's).
//! - [`custody`]: a UID's chain-of-custody bundle and its offline verification.
//! - [`keyfile`]: the key file, its seq reservation and the head it vouches for.
//! - [`domain`]: signatures over non-event messages under a domain label.
//! - [`pin`]: PIN verifiers (Argon2id, outside the log) and the device's PIN pepper.
//! - [`messages`]: every message a person reads, in English and Spanish.
//!
//! The byte layouts are specified in `docs/EVENT-FORMAT.md`.

#![deny(missing_docs)]
// No unwrap on data from outside: the library returns errors; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod chain;
pub mod custody;
pub mod domain;
pub mod error;
pub mod event;
pub mod export;
pub mod key;
pub mod keyfile;
pub mod limits;
pub mod merkle;
pub mod messages;
pub mod note;
pub mod payload;
pub mod pin;
pub mod stream;
pub mod trailer;
pub mod types;
pub mod wire;

pub use chain::{
    verify_chain, verify_events, Anomaly, ChainFailure, ChainOptions, ChainReport, ChainStart,
    ChainWriter, FailureKind,
};
pub use domain::{sign_domain, verify_domain, DomainError, DomainLabel, DomainSigner};
pub use error::{DecodeError, EncodeError, Error, VerifyError};
pub use event::{Clock, ManualClock, SignedEvent, Timestamp, UnsignedEvent};
pub use export::{
    export_signed_to_vec, export_to_vec, read_export, ExportError, ExportReader, ExportWriter,
};
pub use key::{verify_batch, DeviceKey, VerifierKey, VerifyMode};
pub use keyfile::{ChainHead, DatabaseIdentity, KeyFile, KeyFileError};
pub use messages::Message;
pub use payload::{Payload, UnknownPayload};
pub use pin::{PinParams, PinPepper, PinVerifier};
pub use stream::{ChainVerifier, EarlierRecord, Next};
pub use tally_vocab::Language;
pub use trailer::{DeviceTrailer, ExportEnd, LedgerTrailer, Trailer, TrailerError};
pub use types::{
    is_recorded_mass_unit, Bytes, Date, DeviceId, MassUnit, Quantity, Sha256Hash, WeighMode,
};

//! `tally-ledger-client`: everything a device needs to talk to the central ledger, and nothing
//! of the server (no axum, no PostgreSQL, no SQLite), so the handheld's `tallyd` stays small.
//!
//! - [`wire`]: the JSON bodies of the versioned API (`/v1/...`), shared with the server:
//!   `tally-ledger` re-exports them, so both sides use one definition.
//! - [`request`]: how a device signs a request (the `Tally-*` headers).
//! - [`proof`]: RFC 9162 consistency-proof verification: tally-events' Merkle code, re-exported.
//! - [`trust`]: checks against the pinned log: checkpoints signed by the pinned key, receipts
//!   whose inclusion proof leads to such a checkpoint, consistency between checkpoints.
//! - [`projections`]: the supervisor side's JSON: the projections and the supervisor sign-in.
//! - [`supervisor`]: the client's calls to them, as an operator credential or as a
//!   supervisor signed in on this device.
//! - [`client`]: the blocking HTTP client (reqwest with rustls) used by `tallyd` and by
//!   `tally-ledger loadgen`.
//!
//! docs/LEDGER.md describes the API; docs/SYNC.md the daemon.

#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod client;
pub mod projections;
pub mod proof;
pub mod request;
pub mod supervisor;
pub mod trust;
pub mod wire;

pub use client::{ClientError, ClientOptions, LedgerClient};
pub use trust::{PinnedLog, TrustError, VerifiedCheckpoint};

/// Standard base64 of `bytes`.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard base64.
pub fn unb64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

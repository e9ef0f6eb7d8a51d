//! `tallyd`, the sync daemon of a handheld: carries the device's signed events to the central
//! ledger, exactly once, and believes nothing the ledger says without checking it against the
//! log it pinned at enrollment.
//!
//! - [`engine`]: enrollment and sync passes (push the outbox, verify receipts and
//!   checkpoints, move the outbox mark).
//! - [`daemon`]: `tallyd run`: passes for ever, backoff after failures, woken by new local
//!   events and by network changes.
//! - [`backoff`]: capped exponential backoff with jitter (pure).
//! - [`netwatch`]: link, address and route changes from a netlink socket.
//! - [`reanchor`]: the held and the served checkpoints side by side, for a supervisor deciding
//!   to re-anchor the device to a ledger restored from a backup.
//!
//! The wire types, request signing, proof checks and HTTP client are `tally-ledger-client`;
//! the sync state lives in the replica (`tally_replica::outbox`, migration 0009). docs/SYNC.md
//! describes the whole.

#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod backoff;
pub mod daemon;
pub mod engine;
pub mod netwatch;
pub mod reanchor;

pub use engine::{enroll, DeviceFiles, PassReport, SyncError, Syncer};

//! The offline SQLite replica of a handheld and the floor workflows that write to it.
//!
//! A replica is one SQLite file holding the device's own signed event log and a view of the
//! facility built by folding events ([`apply::apply`]). Recording an action appends the signed
//! events and updates the view in one transaction (WAL, `synchronous=FULL`) before the caller may
//! say "OK" ([`Replica`]). Workflows ([`workflow`]) decide, from the view, which events an action
//! produces, or refuse it with a message for the person holding the device; they never record
//! half an action.
//!
//! Map: [`db`] (connection settings, migrations), [`apply`] (the fold), [`replica`] (recording,
//! key file reservation, re-enrollment, export), [`sync`] (deltas, snapshots, the replay),
//! [`keys`] (the key directory, key file I/O, the signing lock), [`workflow`] (receiving, moves, picking,
//! loading, blind counts, destruction, lookup, sign-in), [`refusal`] (what the person holding
//! the device is told, in English or Spanish), [`weight`] (integer milligrams), [`seed`] (the
//! demo facility), [`stats`] (counts and view digests), [`pins`] (PIN verifiers and wrong-PIN
//! counts, outside the view), [`outbox`] (the sync daemon's state: pinned ledger, outbox mark,
//! checkpoints, status). The design rules are in `README.md`.
//!
//! This crate does file and SQLite I/O only; it never talks to devices, the network or a UI.
//! Clocks are parameters: events take a `tally_events::Clock`, workflows take today's date.
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod apply;
pub mod clock;
pub mod db;
pub mod error;
pub mod keys;
pub mod model;
pub mod outbox;
pub mod pins;
pub mod refusal;
pub mod replica;
pub mod seed;
pub mod stats;
pub mod sync;
pub mod weight;
pub mod workflow;

pub use error::ReplicaError;
pub use refusal::Refusal;
pub use replica::{Delta, Recorded, Replica};

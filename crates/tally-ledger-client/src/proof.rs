//! RFC 9162 §2.1.4.2 consistency proofs, from tally-events' Merkle code
//! (`tally_events::merkle`, the one copy the device and the auditor share; inclusion is
//! `tally_events::merkle::verify_inclusion`). Tested here against the transparency-dev/merkle
//! known-answer vectors (`tests/vectors.rs`).

pub use tally_events::merkle::{verify_consistency, ConsistencyError};

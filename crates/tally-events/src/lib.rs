//! The signed, hash-chained event log of a device: envelope, payloads, canonical encoding,
//! signing, and verification of single events and whole chains.
//!
//! No I/O: callers hand in bytes and clocks; the replica stores what this crate encodes, the
//! sync daemon ships it and the ledger verifies it, byte for byte.

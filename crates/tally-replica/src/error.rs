//! Errors of the replica: storage and integrity failures ([`ReplicaError`]), as opposed to
//! workflow refusals ([`crate::Refusal`]), which are normal answers to the person on the floor.

use crate::refusal::Refusal;

/// Something went wrong below the workflows: the database, the key file, or the chain.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// SQLite reported an error.
    #[error("the device database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database is not in a state this build can use.
    #[error("the device database cannot be used: {0}")]
    Storage(String),
    /// A file was missing.
    #[error("{0}")]
    NotFound(String),
    /// Reading or writing a file failed. The message says the cause once (it is part of the
    /// text, and deliberately not also exposed as `source()`, which printers of error chains
    /// would print a second time).
    #[error("{what}: {cause}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// The key file does not vouch for the database's chain: the database (or the key file)
    /// was restored from a backup; the device must be re-enrolled.
    #[error("this device must not record: {0}")]
    Restored(tally_events::KeyFileError),
    /// The device key file and the database disagree: a restore or a copied database.
    #[error("this device must not record: {0}. Dock it and ask a supervisor to re-enroll it")]
    RestoreDetected(String),
    /// Another process holds the signing lock of this device's key.
    #[error(
        "another tally is running on this device (it holds the device key {0}); close it first"
    )]
    KeyInUse(String),
    /// The key file is damaged, misplaced, readable by others or not a tally key file.
    #[error("the device key file is unusable: {0}")]
    KeyFile(String),
    /// An event could not be encoded, signed or verified.
    #[error("event log: {0}")]
    Events(String),
    /// Folding an event into the view failed; nothing was recorded.
    #[error("the event cannot be applied to the replica: {0}")]
    Apply(String),
    /// A workflow refused the action; nothing was recorded.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// A PIN verifier sent to the device cannot be used; none of the batch was stored.
    #[error("the PIN verifier for badge {badge} cannot be stored: {problem}")]
    PinVerifier {
        /// The badge it was for.
        badge: String,
        /// What is wrong with it.
        problem: tally_events::pin::PinError,
    },
    /// A snapshot older than what the replica already holds: loading it would rewind the
    /// ledger cursor and drop deltas the device folded (a cursor never moves back).
    #[error("the snapshot is at ledger entry {snapshot}, older than this replica (entry {cursor}); nothing was changed. Sync again to get a newer snapshot")]
    StaleSnapshot {
        /// The snapshot's ledger cursor.
        snapshot: u64,
        /// The replica's ledger cursor.
        cursor: u64,
    },
    /// A limit on input was exceeded.
    #[error("too much at once: {0}")]
    Limit(String),
    /// The blind counter's connection refused a statement (a defect of the counting path).
    #[error("{0}")]
    CounterWall(#[from] crate::workflow::counter_wall::WallBreach),
}

impl ReplicaError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        ReplicaError::Io {
            what: what.into(),
            cause: source,
        }
    }
}

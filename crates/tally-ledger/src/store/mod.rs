//! Storage of the ledger behind one trait, so that the SQLite backend (one file, the default)
//! and a PostgreSQL backend share the ingest and serving logic.
//!
//! The schema (see `sqlite.rs` and docs/LEDGER.md) is plain SQL meant to port to PostgreSQL
//! unchanged in shape: a one-row `log_meta` whose `tree_size` is the counter that hands out log
//! indexes inside the ingest transaction (never a database sequence, whose rolled-back values
//! would leave holes), `entries` unique on (device, seq), `hashes` holding every stored hash of
//! the Merkle tree (tiles are served from it), `checkpoints` signed after commit, `forks` kept
//! as evidence, `devices`, `facilities` and one-time `enroll_tokens`.

pub mod postgres;
pub mod sqlite;

use tally_events::DeviceId;
use thiserror::Error;

use crate::tlog::Hash;

pub use self::postgres::{is_postgres_url, PgStore};
pub use sqlite::SqliteStore;

/// What went wrong in storage.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or failed.
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The stored data contradicts itself (a damaged or tampered database).
    #[error("the ledger database is inconsistent: {0}")]
    Corrupt(String),
    /// The database is not a ledger database, or of a schema this build does not know.
    #[error("{0}")]
    NotALedger(String),
}

/// A stored 32-byte value (hash, key), checked.
pub(crate) fn blob32(bytes: Vec<u8>, what: &str) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("a stored {what} is not 32 bytes")))
}

/// A stored count or index (a signed 64-bit integer in both databases) as `u64`.
pub(crate) fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("a negative {what}")))
}

/// A count or index as the databases store it.
pub(crate) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt("a number beyond 2^63".into()))
}

/// The log's identity, fixed when the database is created.
#[derive(Debug, Clone)]
pub struct LogMeta {
    /// Checkpoint origin line and note key name.
    pub origin: String,
    /// Encoded signed-note private key.
    pub signer_key: String,
    /// Encoded signed-note verifier key.
    pub verifier_key: String,
}

/// An enrolled device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// The device key.
    pub device_id: DeviceId,
    /// The name given with the enrollment token.
    pub name: String,
    /// The facility the device is bound to.
    pub facility: String,
    /// SHA-256 of the token it enrolled with.
    pub token_sha256: [u8; 32],
    /// Last accepted seq (0: none yet).
    pub head_seq: u64,
    /// Record hash of the last accepted record.
    pub head_hash: Option<[u8; 32]>,
    /// When it was revoked, if it was.
    pub revoked_unix_ms: Option<i64>,
    /// When a fork was detected, if one was.
    pub forked_unix_ms: Option<i64>,
}

/// An enrollment token as stored (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// SHA-256 of the token.
    pub token_sha256: [u8; 32],
    /// The facility it binds to.
    pub facility: String,
    /// The device's name.
    pub name: String,
    /// The device that used it, once used.
    pub device_id: Option<DeviceId>,
}

/// One log entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    /// Log index (0-based).
    pub index: u64,
    /// Author.
    pub device_id: DeviceId,
    /// The author's seq.
    pub seq: u64,
    /// The record exactly as signed.
    pub record: Vec<u8>,
}

/// Evidence of a fork: two validly signed records with the same device and seq.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkRow {
    /// The device.
    pub device_id: DeviceId,
    /// The seq.
    pub seq: u64,
    /// The record the ledger held first.
    pub held: Vec<u8>,
    /// The other record.
    pub other: Vec<u8>,
}

/// A stored signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: [u8; 32],
    /// The signed note.
    pub note: String,
}

/// Where a store's database is: the projector (`crate::projection`) opens its own connection
/// to the same database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// A SQLite file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

/// Reads that need no transaction (served by `serve` and the CLI).
pub trait Store:
    Send + crate::ops_store::OpsStore + crate::stream_store::StreamStore + crate::dock_store::DockStore
{
    /// The write transaction type.
    type Tx<'a>: StoreTx
    where
        Self: 'a;

    /// Another connection to the same database (for work on other threads).
    fn reopen(&self) -> Result<Self, StoreError>
    where
        Self: Sized;
    /// Where the database is.
    fn location(&self) -> StoreLocation;
    /// The log's identity.
    fn meta(&self) -> Result<LogMeta, StoreError>;
    /// Begins a write transaction that excludes every other writer (the ingest lock).
    fn begin(&mut self) -> Result<Self::Tx<'_>, StoreError>;
    /// Committed tree size.
    fn tree_size(&self) -> Result<u64, StoreError>;
    /// Stored hashes by index; an error if one is missing.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError>;
    /// Entries `[start, end)` in index order.
    fn entries(&self, start: u64, end: u64) -> Result<Vec<EntryRow>, StoreError>;
    /// A device's records in seq order (for export and verification), `after_seq` exclusive.
    fn device_records(
        &self,
        device: &DeviceId,
        after_seq: u64,
        limit: u64,
    ) -> Result<Vec<EntryRow>, StoreError>;
    /// The latest signed checkpoint.
    fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>, StoreError>;
    /// The checkpoint of exactly `size` entries, if one was signed.
    fn checkpoint(&self, size: u64) -> Result<Option<CheckpointRow>, StoreError>;
    /// Checkpoints in size order, those larger than `after` (all with `None`), at most `limit`.
    fn checkpoints_after(
        &self,
        after: Option<u64>,
        limit: u64,
    ) -> Result<Vec<CheckpointRow>, StoreError>;
    /// Stores a signed checkpoint (idempotent per size).
    fn put_checkpoint(&mut self, checkpoint: &CheckpointRow) -> Result<(), StoreError>;
    /// Every device, in enrollment order.
    fn devices(&self) -> Result<Vec<DeviceRow>, StoreError>;
    /// One device.
    fn device(&self, device: &DeviceId) -> Result<Option<DeviceRow>, StoreError>;
    /// Fork evidence, in the order it was found.
    fn forks(&self) -> Result<Vec<ForkRow>, StoreError>;
}

/// The operations of one write transaction. Nothing is visible to others before
/// [`StoreTx::commit`]; dropping the transaction rolls it back.
pub trait StoreTx {
    /// The counter: the tree size as of this transaction (the next entry's index).
    fn tree_size(&self) -> Result<u64, StoreError>;
    /// Stored hashes by index, including those added in this transaction.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError>;
    /// A device.
    fn device(&self, device: &DeviceId) -> Result<Option<DeviceRow>, StoreError>;
    /// The entry a device's seq holds, if any: (index, record).
    fn entry_of(&self, device: &DeviceId, seq: u64) -> Result<Option<(u64, Vec<u8>)>, StoreError>;
    /// Appends an entry at index `tree_size`, its stored hashes, moves the device's head and
    /// the counter, all in this transaction. The same for every backend: the index is checked
    /// against the counter and the stored hashes' positions computed here, the backend only
    /// writes ([`StoreTx::write_entry`]).
    fn append(
        &mut self,
        entry: &EntryRow,
        record_sha256: &[u8; 32],
        new_hashes: &[Hash],
        now_unix_ms: i64,
    ) -> Result<(), StoreError> {
        let size = self.tree_size()?;
        if entry.index != size {
            return Err(StoreError::Corrupt(format!(
                "entry {} appended to a tree of {size}",
                entry.index
            )));
        }
        let first_hash_index = crate::tlog::stored_hash_index(0, entry.index);
        self.write_entry(
            entry,
            record_sha256,
            first_hash_index,
            new_hashes,
            now_unix_ms,
        )
    }
    /// Writes what [`StoreTx::append`] decided: the entry, its stored hashes from
    /// `first_hash_index` on, the device's head (its seq and record hash) and the counter
    /// (`entry.index + 1`).
    fn write_entry(
        &mut self,
        entry: &EntryRow,
        record_sha256: &[u8; 32],
        first_hash_index: u64,
        new_hashes: &[Hash],
        now_unix_ms: i64,
    ) -> Result<(), StoreError>;
    /// Keeps two validly signed records with the same device and seq, and refuses the device
    /// from then on.
    fn record_fork(
        &mut self,
        device: &DeviceId,
        seq: u64,
        held: &[u8],
        other: &[u8],
        now_unix_ms: i64,
    ) -> Result<(), StoreError>;
    /// Creates a facility if it is new.
    fn ensure_facility(&mut self, facility: &str, now_unix_ms: i64) -> Result<(), StoreError>;
    /// Stores a new token's hash.
    fn put_token(&mut self, token: &TokenRow, now_unix_ms: i64) -> Result<(), StoreError>;
    /// A token by its hash.
    fn token(&self, token_sha256: &[u8; 32]) -> Result<Option<TokenRow>, StoreError>;
    /// Registers a device with a token (marks the token used).
    fn enroll(&mut self, device: &DeviceRow, now_unix_ms: i64) -> Result<(), StoreError>;
    /// Revokes a device; false if it is unknown.
    fn revoke(&mut self, device: &DeviceId, now_unix_ms: i64) -> Result<bool, StoreError>;
    /// Commits.
    fn commit(self) -> Result<(), StoreError>;
}

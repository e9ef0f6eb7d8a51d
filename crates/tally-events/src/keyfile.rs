//! The device key file and its `seq` high-water mark, so a device never reuses a seq.
//!
//! The key file holds the device's secret seed and a reserved range of sequence numbers.
//! Before signing an event whose seq is beyond the reserved range, the device reserves a
//! new block (default 1,000) and writes the key file durably; so there is one extra fsync per
//! block, not per event. The file also records the *floor*: the database's head seq when the
//! block was reserved, which the database durably held at that moment.
//!
//! On start, [`KeyFile::check_head`] compares the database's head with the file: a head below
//! the floor means the database was restored from a backup (its chain head is stale), and the
//! device must refuse to record and re-enroll with a new key (a new chain whose genesis names
//! the old key). A head beyond the reserved range means the key file itself was rolled back.
//! A restore to a head inside the last reserved block cannot be seen locally; the ledger sees
//! it as a fork. Reserving a new block at every start keeps that window small.
//!
//! This module only encodes, decodes and decides; the caller reads, writes and fsyncs the
//! file (mode 0600), never into the database, its backups or an export.

use thiserror::Error;

use crate::key::DeviceKey;
use crate::types::Sha256Hash;

/// The 8 bytes a key file starts with.
pub const KEY_FILE_MAGIC: [u8; 8] = *b"TALLYKEY";
/// Key file format version.
pub const KEY_FILE_VERSION: u16 = 1;
/// Length of a key file: magic, version, seed, floor, reserved-through, SHA-256 check.
pub const KEY_FILE_BYTES: usize = 8 + 2 + 32 + 8 + 8 + 32;
/// Default number of seqs reserved at once.
pub const DEFAULT_RESERVATION_BLOCK: u64 = 1_000;

/// What is wrong with a key file or the database head it is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyFileError {
    /// Not a key file, or damaged (the checksum does not match).
    #[error("the device key file is damaged or is not a tally key file")]
    Damaged,
    /// A key file version this version of tally cannot read.
    #[error(
        "the device key file is in format version {0}, which this version of tally cannot read"
    )]
    UnsupportedVersion(u16),
    /// The database's chain head is below the floor: the database was restored.
    #[error("restore detected: the database ends at event {db_head}, but this device already reserved events from {floor}; it must not sign again with this key. Re-enroll the device.")]
    RestoreDetected {
        /// The database's head seq.
        db_head: u64,
        /// The key file's floor.
        floor: u64,
    },
    /// The database's head is beyond the reserved range: the key file was rolled back.
    #[error("the device key file is older than the database (it reserved events up to {reserved_through}, the database holds {db_head}); re-enroll the device.")]
    KeyFileRolledBack {
        /// The database's head seq.
        db_head: u64,
        /// End of the reserved range.
        reserved_through: u64,
    },
    /// The seq about to be signed is beyond the reserved range: reserve (and write) first.
    #[error("event {seq} is beyond the events reserved in the device key file (up to {reserved_through}); reserve a new block first")]
    NotReserved {
        /// The seq that would be signed.
        seq: u64,
        /// End of the reserved range.
        reserved_through: u64,
    },
    /// The reservation would overflow.
    #[error("this device's event numbering is exhausted; re-enroll the device")]
    Exhausted,
}

/// The content of a device key file.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFile {
    seed: [u8; 32],
    floor: u64,
    reserved_through: u64,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile")
            .field("device", &self.key().device_id())
            .field("floor", &self.floor)
            .field("reserved_through", &self.reserved_through)
            .finish()
    }
}

impl KeyFile {
    /// A key file for a freshly enrolled `key`, nothing reserved yet.
    pub fn new(key: &DeviceKey) -> Self {
        Self {
            seed: key.seed(),
            floor: 0,
            reserved_through: 0,
        }
    }

    /// The device key.
    pub fn key(&self) -> DeviceKey {
        DeviceKey::from_seed(self.seed)
    }

    /// The database head when the current block was reserved.
    pub fn floor(&self) -> u64 {
        self.floor
    }

    /// Last seq that may be signed without reserving again.
    pub fn reserved_through(&self) -> u64 {
        self.reserved_through
    }

    /// Checks the database's head seq (0 for an empty chain) against the file.
    pub fn check_head(&self, db_head: u64) -> Result<(), KeyFileError> {
        if db_head < self.floor {
            return Err(KeyFileError::RestoreDetected {
                db_head,
                floor: self.floor,
            });
        }
        if db_head > self.reserved_through {
            return Err(KeyFileError::KeyFileRolledBack {
                db_head,
                reserved_through: self.reserved_through,
            });
        }
        Ok(())
    }

    /// Whether signing `seq` needs a new reservation (written durably) first.
    pub fn needs_reservation(&self, seq: u64) -> bool {
        seq > self.reserved_through
    }

    /// Fails unless `seq` is inside the reserved range (call before signing it).
    pub fn may_sign(&self, seq: u64) -> Result<(), KeyFileError> {
        if seq <= self.floor || seq > self.reserved_through {
            return Err(KeyFileError::NotReserved {
                seq,
                reserved_through: self.reserved_through,
            });
        }
        Ok(())
    }

    /// Reserves `block` seqs after the database's durable head `db_head`. The caller must
    /// write the file durably before signing any seq in the new block.
    pub fn reserve(&mut self, db_head: u64, block: u64) -> Result<(), KeyFileError> {
        self.check_head(db_head)?;
        self.reserved_through = db_head
            .checked_add(block.max(1))
            .ok_or(KeyFileError::Exhausted)?;
        self.floor = db_head;
        Ok(())
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(KEY_FILE_BYTES);
        out.extend_from_slice(&KEY_FILE_MAGIC);
        out.extend_from_slice(&KEY_FILE_VERSION.to_be_bytes());
        out.extend_from_slice(&self.seed);
        out.extend_from_slice(&self.floor.to_be_bytes());
        out.extend_from_slice(&self.reserved_through.to_be_bytes());
        let check = Sha256Hash::of(&out);
        out.extend_from_slice(check.as_bytes());
        out
    }

    /// Reads a key file.
    pub fn decode(bytes: &[u8]) -> Result<Self, KeyFileError> {
        if bytes.len() != KEY_FILE_BYTES || bytes[..8] != KEY_FILE_MAGIC {
            return Err(KeyFileError::Damaged);
        }
        let version = u16::from_be_bytes([bytes[8], bytes[9]]);
        if version != KEY_FILE_VERSION {
            return Err(KeyFileError::UnsupportedVersion(version));
        }
        let body = &bytes[..KEY_FILE_BYTES - 32];
        if Sha256Hash::of(body).as_bytes()[..] != bytes[KEY_FILE_BYTES - 32..] {
            return Err(KeyFileError::Damaged);
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes[10..42]);
        let mut floor = [0u8; 8];
        floor.copy_from_slice(&bytes[42..50]);
        let mut through = [0u8; 8];
        through.copy_from_slice(&bytes[50..58]);
        Ok(Self {
            seed,
            floor: u64::from_be_bytes(floor),
            reserved_through: u64::from_be_bytes(through),
        })
    }
}

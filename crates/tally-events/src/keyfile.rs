//! The device key file: the device's secret seed, its `seq` reservation, and the chain head it
//! last saw committed, so a device never reuses a seq and never signs on a restored database.
//!
//! # What the file holds
//! - The **seed** of the device key.
//! - A **reservation**: the seqs the device may sign without writing the file again
//!   (`floor < seq <= reserved_through`). Before signing an event whose seq is beyond the
//!   reservation, the device reserves a new block (default 1,000) from its committed head and
//!   writes the file durably (write a new file, fsync, rename, fsync the directory): one
//!   fsync per block, not per event. The device also reserves at every start.
//! - The **recorded head** (seq and hash of the last event the device saw committed). It is
//!   written durably with every reservation and at a clean shutdown, and after every commit it
//!   is rewritten *in place without an fsync* into a separate head slot at the end of the file
//!   ([`HEAD_SLOT_OFFSET`], its own checksum bound to the rest of the file), so keeping it
//!   current costs no extra fsync per commit.
//!
//! # What the key file vouches for
//! On start, [`KeyFile::check_database`] compares the database's chain with the file. The key
//! file vouches for exactly one chain: the one that passes through its recorded head. A
//! database is accepted when
//! - its head **is** the recorded head (same seq, same hash), or
//! - its head is a **descendant** of the recorded head inside the reservation: the database
//!   holds the recorded head's hash at the recorded seq, and its head is at most
//!   `reserved_through`. This is the crash window: the commit reached the disk and the device
//!   was killed (or lost power) before the head slot was written or reached the disk.
//!
//! Everything else is refused with "restored from a backup: re-enroll":
//! - a head **below** the recorded head (an ancestor: the database is an older copy, even if
//!   it is inside the current block, which the v1 file accepted);
//! - a head at or beyond the recorded seq whose event at that seq has **another hash** (a
//!   different chain: a copy that was recorded on elsewhere);
//! - a head beyond `reserved_through` (the key file itself is older than the database).
//!
//! # The power-loss window
//! The in-place head write is not fsynced. After a power loss the slot may hold an older head
//! (or be torn, and then the head written durably with the last reservation counts). A
//! database restored, right after such a power loss, to a head between that older head and the
//! lost one passes the check: those events were signed once and the restored copy can sign
//! their seqs again. The window is at most one block and only opens on a power loss; the
//! ledger sees anything that falls into it as a **fork** (two events with one seq), which is
//! evidence kept forever, and the device is re-enrolled.
//!
//! # The database file
//! The file also records which database file it was written for ([`DatabaseIdentity`]: inode
//! number and birth time). SQLite never replaces its database file, so on the device it never
//! changes; a restore that creates the file anew (remove and copy, `rsync`, `tar`, a new disk)
//! does, and is refused even when the key file was restored with it from the same backup.
//!
//! # What it cannot vouch for
//! A key file and a database restored *together*, consistently (both copied from the same
//! moment), where the database is written back *into the existing file* (same inode, same
//! birth time), look exactly like the device at that moment: no local check can tell them
//! apart. This is why the key never lives beside the database (a backup of the database's
//! directory does not carry it, and a key file in the database's directory is refused) and why
//! the ledger is the last wall.
//!
//! # Versions
//! Version 1 files (90 bytes, no recorded head) still read: the check falls back to the v1
//! rule (a head below the floor is a restore) and the next reservation, at the first start,
//! writes version 2.
//!
//! This module only encodes, decodes and decides; the caller reads, writes and fsyncs the
//! file (mode 0600), never into the database, its backups or an export.

use thiserror::Error;

use crate::key::DeviceKey;
use crate::types::Sha256Hash;

/// The 8 bytes a key file starts with.
pub const KEY_FILE_MAGIC: [u8; 8] = *b"TALLYKEY";
/// Key file format version this crate writes.
pub const KEY_FILE_VERSION: u16 = 2;
/// Length of a version 1 key file: magic, version, seed, floor, reserved-through, SHA-256.
pub const KEY_FILE_V1_BYTES: usize = 8 + 2 + 32 + 8 + 8 + 32;
/// Length of the durable part of a version 2 key file: magic, version, seed, floor,
/// reserved-through, head seq, head hash, database file identity, SHA-256 of the preceding
/// bytes.
pub const HEAD_SLOT_OFFSET: usize = 8 + 2 + 32 + 8 + 8 + 8 + 32 + 16 + 32;
/// Length of the head slot: head seq, head hash, SHA-256 check.
pub const HEAD_SLOT_BYTES: usize = 8 + 32 + 32;
/// Length of a version 2 key file.
pub const KEY_FILE_BYTES: usize = HEAD_SLOT_OFFSET + HEAD_SLOT_BYTES;
/// Default number of seqs reserved at once.
pub const DEFAULT_RESERVATION_BLOCK: u64 = 1_000;

/// A point of a device chain: a seq and the hash of its record (seq 0 and the zero hash for
/// an empty chain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// The seq (0: nothing recorded).
    pub seq: u64,
    /// SHA-256 of the signed record at `seq`.
    pub hash: Sha256Hash,
}

impl ChainHead {
    /// The head of an empty chain.
    pub const EMPTY: ChainHead = ChainHead {
        seq: 0,
        hash: Sha256Hash::ZERO,
    };
}

/// Which database file a key file was written for: the file's inode number and its birth
/// time in nanoseconds (0 where the file system does not report one). A restore that creates
/// the file anew (remove and copy, `rsync`, `tar`, a new disk) changes it; SQLite never
/// replaces its database file, so on one device it never changes by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DatabaseIdentity {
    /// Inode number (0: unknown).
    pub inode: u64,
    /// Birth time, nanoseconds since the Unix epoch (0: unknown).
    pub birth_ns: u64,
}

impl DatabaseIdentity {
    /// Whether `current` can be the file this identity was recorded for. Unknown parts match.
    pub fn matches(&self, current: &DatabaseIdentity) -> bool {
        let differs = |a: u64, b: u64| a != 0 && b != 0 && a != b;
        !differs(self.inode, current.inode) && !differs(self.birth_ns, current.birth_ns)
    }
}

/// What is wrong with a key file or the database head it is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyFileError {
    /// Not a key file, or damaged (the checksum does not match).
    Damaged,
    /// A key file version this version of tally cannot read.
    UnsupportedVersion(u16),
    /// The database's chain head is below what the key file recorded: the database was
    /// restored.
    RestoreDetected {
        /// The database's head seq.
        db_head: u64,
        /// The head seq the key file recorded (its floor, for a version 1 file).
        recorded: u64,
    },
    /// The database holds another event at the seq the key file recorded: another chain.
    NotVouched {
        /// The recorded seq.
        seq: u64,
    },
    /// The database file is not the one the key file was written for: it was replaced by a
    /// copy (a restore of the database, or of the database and the key file together).
    DatabaseReplaced,
    /// The database's head is beyond the reserved range: the key file was rolled back.
    KeyFileRolledBack {
        /// The database's head seq.
        db_head: u64,
        /// End of the reserved range.
        reserved_through: u64,
    },
    /// The seq about to be signed is beyond the reserved range: reserve (and write) first.
    NotReserved {
        /// The seq that would be signed.
        seq: u64,
        /// End of the reserved range.
        reserved_through: u64,
    },
    /// The reservation would overflow.
    Exhausted,
}

/// The content of a device key file.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFile {
    seed: [u8; 32],
    floor: u64,
    reserved_through: u64,
    /// `None` only for a version 1 file that has not been reserved again yet.
    head: Option<ChainHead>,
    /// The head in the durable part (as of the last full write).
    durable_head: ChainHead,
    /// The database file the key vouches for.
    database: DatabaseIdentity,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile")
            .field("device", &self.key().device_id())
            .field("floor", &self.floor)
            .field("reserved_through", &self.reserved_through)
            .field("head", &self.head)
            .finish()
    }
}

impl KeyFile {
    /// A key file for a freshly enrolled `key`: nothing reserved, nothing recorded.
    pub fn new(key: &DeviceKey) -> Self {
        Self {
            seed: key.seed(),
            floor: 0,
            reserved_through: 0,
            head: Some(ChainHead::EMPTY),
            durable_head: ChainHead::EMPTY,
            database: DatabaseIdentity::default(),
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

    /// The chain head the file recorded (`None` for a version 1 file not yet upgraded).
    pub fn head(&self) -> Option<ChainHead> {
        self.head
    }

    /// The format version [`KeyFile::encode`] writes for this content (1 only while a version 1
    /// file has not been reserved again).
    pub fn version(&self) -> u16 {
        if self.head.is_some() {
            KEY_FILE_VERSION
        } else {
            1
        }
    }

    /// Checks the database's head seq (0 for an empty chain) against the reservation only:
    /// below the floor is a restore, beyond the reservation a rolled-back key file.
    pub fn check_head(&self, db_head: u64) -> Result<(), KeyFileError> {
        if db_head > self.reserved_through {
            return Err(KeyFileError::KeyFileRolledBack {
                db_head,
                reserved_through: self.reserved_through,
            });
        }
        if db_head < self.floor {
            return Err(KeyFileError::RestoreDetected {
                db_head,
                recorded: self.floor,
            });
        }
        Ok(())
    }

    /// Decides whether the database's chain is one this key file vouches for (see the module
    /// docs). `db_head` is the database's head; `db_hash_at_recorded` is the hash the database
    /// holds at the recorded head's seq (`None` when it holds no event there).
    pub fn check_database(
        &self,
        db_head: ChainHead,
        db_hash_at_recorded: Option<Sha256Hash>,
    ) -> Result<(), KeyFileError> {
        self.check_head(db_head.seq)?;
        let Some(recorded) = self.head else {
            // Version 1: only the floor is known.
            return Ok(());
        };
        if db_head.seq < recorded.seq {
            return Err(KeyFileError::RestoreDetected {
                db_head: db_head.seq,
                recorded: recorded.seq,
            });
        }
        if recorded.seq == 0 {
            // Every chain descends from the empty one.
            return Ok(());
        }
        let at_recorded = if db_head.seq == recorded.seq {
            Some(db_head.hash)
        } else {
            db_hash_at_recorded
        };
        if at_recorded != Some(recorded.hash) {
            return Err(KeyFileError::NotVouched { seq: recorded.seq });
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

    /// Reserves `block` seqs after the database's durable head `db_head`, and records that
    /// head. The caller must write the file durably before signing any seq in the new block.
    pub fn reserve(&mut self, db_head: ChainHead, block: u64) -> Result<(), KeyFileError> {
        self.check_head(db_head.seq)?;
        if let Some(recorded) = self.head {
            if db_head.seq < recorded.seq {
                return Err(KeyFileError::RestoreDetected {
                    db_head: db_head.seq,
                    recorded: recorded.seq,
                });
            }
        }
        self.reserved_through = db_head
            .seq
            .checked_add(block.max(1))
            .ok_or(KeyFileError::Exhausted)?;
        self.floor = db_head.seq;
        self.head = Some(db_head);
        self.durable_head = db_head;
        Ok(())
    }

    /// Records a newly committed head (written to the head slot, see
    /// [`KeyFile::encode_head_slot`]). It must not go backwards nor leave the reservation.
    pub fn record_head(&mut self, head: ChainHead) -> Result<(), KeyFileError> {
        if head.seq > self.reserved_through {
            return Err(KeyFileError::NotReserved {
                seq: head.seq,
                reserved_through: self.reserved_through,
            });
        }
        let recorded = self.head.map_or(self.floor, |h| h.seq);
        if head.seq < recorded {
            return Err(KeyFileError::RestoreDetected {
                db_head: head.seq,
                recorded,
            });
        }
        self.head = Some(head);
        Ok(())
    }

    /// The database file this key file was written for.
    pub fn database(&self) -> DatabaseIdentity {
        self.database
    }

    /// Records the database file this key vouches for (written with the next full write).
    pub fn set_database(&mut self, database: DatabaseIdentity) {
        self.database = database;
    }

    /// Fails unless `current` can be the database file this key file was written for.
    pub fn check_database_file(&self, current: &DatabaseIdentity) -> Result<(), KeyFileError> {
        if self.database.matches(current) {
            Ok(())
        } else {
            Err(KeyFileError::DatabaseReplaced)
        }
    }

    /// The head in the durable part of the file (as of its last full write).
    pub fn durable_head(&self) -> ChainHead {
        self.durable_head
    }

    /// Makes the current head part of the durable part: the next [`KeyFile::encode`], written
    /// durably (at a clean shutdown), records it even if the head slot is later torn.
    pub fn settle_head(&mut self) {
        if let Some(head) = self.head {
            self.durable_head = head;
        }
    }

    fn durable_part(&self) -> Vec<u8> {
        let head = self.durable_head;
        let mut out = Vec::with_capacity(KEY_FILE_BYTES);
        out.extend_from_slice(&KEY_FILE_MAGIC);
        out.extend_from_slice(&KEY_FILE_VERSION.to_be_bytes());
        out.extend_from_slice(&self.seed);
        out.extend_from_slice(&self.floor.to_be_bytes());
        out.extend_from_slice(&self.reserved_through.to_be_bytes());
        out.extend_from_slice(&head.seq.to_be_bytes());
        out.extend_from_slice(head.hash.as_bytes());
        out.extend_from_slice(&self.database.inode.to_be_bytes());
        out.extend_from_slice(&self.database.birth_ns.to_be_bytes());
        let check = Sha256Hash::of(&out);
        out.extend_from_slice(check.as_bytes());
        out
    }

    /// The head slot for the current head: the bytes to write at [`HEAD_SLOT_OFFSET`] of a
    /// file whose durable part is this content's (the slot's check binds it to that part).
    pub fn encode_head_slot(&self) -> [u8; HEAD_SLOT_BYTES] {
        let durable = self.durable_part();
        slot_bytes(&durable[HEAD_SLOT_OFFSET - 32..], self.head_or_floor())
    }

    fn head_or_floor(&self) -> ChainHead {
        self.head.unwrap_or(ChainHead {
            seq: self.floor,
            hash: Sha256Hash::ZERO,
        })
    }

    /// The file's bytes (always version 2).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.durable_part();
        let slot = slot_bytes(&out[HEAD_SLOT_OFFSET - 32..], self.head_or_floor());
        out.extend_from_slice(&slot);
        out
    }

    /// Reads a key file (version 1 or 2).
    pub fn decode(bytes: &[u8]) -> Result<Self, KeyFileError> {
        if bytes.len() < 10 || bytes[..8] != KEY_FILE_MAGIC {
            return Err(KeyFileError::Damaged);
        }
        let version = u16::from_be_bytes([bytes[8], bytes[9]]);
        match version {
            1 => Self::decode_v1(bytes),
            2 => Self::decode_v2(bytes),
            other => Err(KeyFileError::UnsupportedVersion(other)),
        }
    }

    fn decode_v1(bytes: &[u8]) -> Result<Self, KeyFileError> {
        if bytes.len() != KEY_FILE_V1_BYTES {
            return Err(KeyFileError::Damaged);
        }
        let body = &bytes[..KEY_FILE_V1_BYTES - 32];
        if Sha256Hash::of(body).as_bytes()[..] != bytes[KEY_FILE_V1_BYTES - 32..] {
            return Err(KeyFileError::Damaged);
        }
        Ok(Self {
            seed: array(&bytes[10..42]),
            floor: u64::from_be_bytes(array(&bytes[42..50])),
            reserved_through: u64::from_be_bytes(array(&bytes[50..58])),
            head: None,
            durable_head: ChainHead {
                seq: u64::from_be_bytes(array(&bytes[42..50])),
                hash: Sha256Hash::ZERO,
            },
            database: DatabaseIdentity::default(),
        })
    }

    fn decode_v2(bytes: &[u8]) -> Result<Self, KeyFileError> {
        if bytes.len() != KEY_FILE_BYTES {
            return Err(KeyFileError::Damaged);
        }
        let check_at = HEAD_SLOT_OFFSET - 32;
        if Sha256Hash::of(&bytes[..check_at]).as_bytes()[..] != bytes[check_at..HEAD_SLOT_OFFSET] {
            return Err(KeyFileError::Damaged);
        }
        let floor = u64::from_be_bytes(array(&bytes[42..50]));
        let reserved_through = u64::from_be_bytes(array(&bytes[50..58]));
        let durable_head = ChainHead {
            seq: u64::from_be_bytes(array(&bytes[58..66])),
            hash: Sha256Hash(array(&bytes[66..98])),
        };
        if durable_head.seq < floor || durable_head.seq > reserved_through.max(floor) {
            return Err(KeyFileError::Damaged);
        }
        // The head slot is written without an fsync: a torn or stale slot falls back to the
        // head written durably with the reservation.
        let slot = &bytes[HEAD_SLOT_OFFSET..];
        let slot_head = ChainHead {
            seq: u64::from_be_bytes(array(&slot[..8])),
            hash: Sha256Hash(array(&slot[8..40])),
        };
        let slot_ok = slot_bytes(&bytes[check_at..HEAD_SLOT_OFFSET], slot_head)[..] == slot[..]
            && slot_head.seq >= durable_head.seq
            && slot_head.seq <= reserved_through.max(floor);
        Ok(Self {
            seed: array(&bytes[10..42]),
            floor,
            reserved_through,
            head: Some(if slot_ok { slot_head } else { durable_head }),
            durable_head,
            database: DatabaseIdentity {
                inode: u64::from_be_bytes(array(&bytes[98..106])),
                birth_ns: u64::from_be_bytes(array(&bytes[106..114])),
            },
        })
    }
}

fn slot_bytes(durable_check: &[u8], head: ChainHead) -> [u8; HEAD_SLOT_BYTES] {
    let mut out = [0u8; HEAD_SLOT_BYTES];
    out[..8].copy_from_slice(&head.seq.to_be_bytes());
    out[8..40].copy_from_slice(head.hash.as_bytes());
    let mut checked = Vec::with_capacity(32 + 40);
    checked.extend_from_slice(durable_check);
    checked.extend_from_slice(&out[..40]);
    out[40..].copy_from_slice(Sha256Hash::of(&checked).as_bytes());
    out
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes);
    out
}

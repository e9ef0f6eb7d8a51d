//! The SQLite backend: one database file, WAL mode, `synchronous=FULL` so that an acknowledged
//! record survives a crash or power loss, and `BEGIN IMMEDIATE` for ingest so that one writer
//! at a time takes the next log indexes (several processes may share the file).
//!
//! Log entries, stored hashes, checkpoints and fork evidence are append-only: triggers refuse
//! any UPDATE or DELETE of them.

use std::path::Path;
use std::time::Duration;

use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use tally_events::DeviceId;

use super::{
    blob32, to_i64, to_u64, CheckpointRow, DeviceRow, EntryRow, ForkRow, LogMeta, Store,
    StoreError, StoreTx, TokenRow,
};
use crate::tlog::Hash;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = r#"
CREATE TABLE log_meta (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version   INTEGER NOT NULL,
    origin           TEXT NOT NULL,
    signer_key       TEXT NOT NULL,
    verifier_key     TEXT NOT NULL,
    created_unix_ms  INTEGER NOT NULL,
    tree_size        INTEGER NOT NULL CHECK (tree_size >= 0)
);
CREATE TABLE facilities (
    facility         TEXT PRIMARY KEY,
    created_unix_ms  INTEGER NOT NULL
);
CREATE TABLE enroll_tokens (
    token_sha256     BLOB PRIMARY KEY CHECK (length(token_sha256) = 32),
    facility         TEXT NOT NULL REFERENCES facilities (facility),
    name             TEXT NOT NULL,
    created_unix_ms  INTEGER NOT NULL,
    device_id        BLOB UNIQUE
);
CREATE TABLE devices (
    device_id        BLOB PRIMARY KEY CHECK (length(device_id) = 32),
    name             TEXT NOT NULL,
    facility         TEXT NOT NULL REFERENCES facilities (facility),
    token_sha256     BLOB NOT NULL UNIQUE REFERENCES enroll_tokens (token_sha256),
    enrolled_unix_ms INTEGER NOT NULL,
    head_seq         INTEGER NOT NULL DEFAULT 0,
    head_hash        BLOB,
    revoked_unix_ms  INTEGER,
    forked_unix_ms   INTEGER
);
CREATE TABLE entries (
    idx              INTEGER PRIMARY KEY CHECK (idx >= 0),
    device_id        BLOB NOT NULL REFERENCES devices (device_id),
    seq              INTEGER NOT NULL CHECK (seq >= 1),
    record           BLOB NOT NULL,
    record_sha256    BLOB NOT NULL,
    accepted_unix_ms INTEGER NOT NULL,
    UNIQUE (device_id, seq)
);
CREATE TABLE hashes (
    idx              INTEGER PRIMARY KEY CHECK (idx >= 0),
    hash             BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE TABLE checkpoints (
    size             INTEGER PRIMARY KEY,
    root             BLOB NOT NULL,
    note             TEXT NOT NULL,
    signed_unix_ms   INTEGER NOT NULL
);
CREATE TABLE forks (
    id               INTEGER PRIMARY KEY,
    device_id        BLOB NOT NULL,
    seq              INTEGER NOT NULL,
    held_record      BLOB NOT NULL,
    other_record     BLOB NOT NULL,
    detected_unix_ms INTEGER NOT NULL
);
CREATE TRIGGER entries_append_only_u BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;
CREATE TRIGGER entries_append_only_d BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;
CREATE TRIGGER hashes_append_only_u BEFORE UPDATE ON hashes
    BEGIN SELECT RAISE(ABORT, 'tree hashes are append-only'); END;
CREATE TRIGGER hashes_append_only_d BEFORE DELETE ON hashes
    BEGIN SELECT RAISE(ABORT, 'tree hashes are append-only'); END;
CREATE TRIGGER checkpoints_append_only_u BEFORE UPDATE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_append_only_d BEFORE DELETE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER forks_append_only_u BEFORE UPDATE ON forks
    BEGIN SELECT RAISE(ABORT, 'fork evidence is kept'); END;
CREATE TRIGGER forks_append_only_d BEFORE DELETE ON forks
    BEGIN SELECT RAISE(ABORT, 'fork evidence is kept'); END;
"#;

/// A ledger in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: std::path::PathBuf,
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl SqliteStore {
    /// Whether a ledger database exists at `path`.
    pub fn exists(path: &Path) -> bool {
        path.is_file()
    }

    /// Creates a new ledger database with its log identity fixed for good. Refuses an existing
    /// file.
    pub fn create(path: &Path, meta: &LogMeta, now_unix_ms: i64) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::NotALedger(format!(
                "{} already exists: a ledger's log identity is fixed when it is created",
                path.display()
            )));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        configure(&conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        tx.execute(
            "INSERT INTO log_meta (id, schema_version, origin, signer_key, verifier_key,
                 created_unix_ms, tree_size) VALUES (1, ?1, ?2, ?3, ?4, ?5, 0)",
            params![
                SCHEMA_VERSION,
                meta.origin,
                meta.signer_key,
                meta.verifier_key,
                now_unix_ms
            ],
        )?;
        tx.commit()?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// Opens an existing ledger database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::NotALedger(format!(
                "there is no ledger database at {0} (create one with `tally-ledger init`) / \
                 no hay una base del libro central en {0} (créela con `tally-ledger init`)",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        configure(&conn)?;
        let version: Option<i64> = conn
            .query_row(
                "SELECT schema_version FROM log_meta WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|_| {
                StoreError::NotALedger(format!("{} is not a ledger database", path.display()))
            })?;
        match version {
            Some(SCHEMA_VERSION) => Ok(Self {
                conn,
                path: path.to_owned(),
            }),
            Some(other) => Err(StoreError::NotALedger(format!(
                "{} has ledger schema {other}; this build knows {SCHEMA_VERSION}",
                path.display()
            ))),
            None => Err(StoreError::NotALedger(format!(
                "{} is not a ledger database",
                path.display()
            ))),
        }
    }
}

fn read_hashes(conn: &Connection, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT hash FROM hashes WHERE idx = ?1")?;
    let mut out = Vec::with_capacity(indexes.len());
    for &index in indexes {
        let hash: Option<Vec<u8>> = stmt.query_row([to_i64(index)?], |r| r.get(0)).optional()?;
        let hash = hash.ok_or_else(|| {
            StoreError::Corrupt(format!("the stored tree hash {index} is missing"))
        })?;
        out.push(Hash(blob32(hash, "tree hash")?));
    }
    Ok(out)
}

fn tree_size(conn: &Connection) -> Result<u64, StoreError> {
    let size: i64 = conn.query_row("SELECT tree_size FROM log_meta WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    to_u64(size, "tree size")
}

const DEVICE_COLUMNS: &str = "device_id, name, facility, token_sha256, head_seq, head_hash, \
                              revoked_unix_ms, forked_unix_ms";

fn device_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Vec<u8>, DeviceRowRaw)> {
    Ok((
        row.get(0)?,
        DeviceRowRaw {
            name: row.get(1)?,
            facility: row.get(2)?,
            token: row.get(3)?,
            head_seq: row.get(4)?,
            head_hash: row.get(5)?,
            revoked: row.get(6)?,
            forked: row.get(7)?,
        },
    ))
}

struct DeviceRowRaw {
    name: String,
    facility: String,
    token: Vec<u8>,
    head_seq: i64,
    head_hash: Option<Vec<u8>>,
    revoked: Option<i64>,
    forked: Option<i64>,
}

fn finish_device((id, raw): (Vec<u8>, DeviceRowRaw)) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        device_id: DeviceId(blob32(id, "device id")?),
        name: raw.name,
        facility: raw.facility,
        token_sha256: blob32(raw.token, "token hash")?,
        head_seq: to_u64(raw.head_seq, "seq")?,
        head_hash: raw
            .head_hash
            .map(|h| blob32(h, "record hash"))
            .transpose()?,
        revoked_unix_ms: raw.revoked,
        forked_unix_ms: raw.forked,
    })
}

fn device(conn: &Connection, device: &DeviceId) -> Result<Option<DeviceRow>, StoreError> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE device_id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([&device.0[..]], device_from_row)
        .optional()?
        .map(finish_device)
        .transpose()
}

fn entry_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Vec<u8>, i64, Vec<u8>)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn finish_entry(
    (idx, device, seq, record): (i64, Vec<u8>, i64, Vec<u8>),
) -> Result<EntryRow, StoreError> {
    Ok(EntryRow {
        index: to_u64(idx, "index")?,
        device_id: DeviceId(blob32(device, "device id")?),
        seq: to_u64(seq, "seq")?,
        record,
    })
}

fn checkpoint_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Vec<u8>, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

fn finish_checkpoint(
    (size, root, note): (i64, Vec<u8>, String),
) -> Result<CheckpointRow, StoreError> {
    Ok(CheckpointRow {
        size: to_u64(size, "tree size")?,
        root: blob32(root, "root hash")?,
        note,
    })
}

impl Store for SqliteStore {
    type Tx<'a> = SqliteTx<'a>;

    fn reopen(&self) -> Result<Self, StoreError> {
        SqliteStore::open(&self.path)
    }

    fn meta(&self) -> Result<LogMeta, StoreError> {
        Ok(self.conn.query_row(
            "SELECT origin, signer_key, verifier_key FROM log_meta WHERE id = 1",
            [],
            |r| {
                Ok(LogMeta {
                    origin: r.get(0)?,
                    signer_key: r.get(1)?,
                    verifier_key: r.get(2)?,
                })
            },
        )?)
    }

    fn begin(&mut self) -> Result<SqliteTx<'_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(SqliteTx { tx })
    }

    fn tree_size(&self) -> Result<u64, StoreError> {
        tree_size(&self.conn)
    }

    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        read_hashes(&self.conn, indexes)
    }

    fn entries(&self, start: u64, end: u64) -> Result<Vec<EntryRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, device_id, seq, record FROM entries WHERE idx >= ?1 AND idx < ?2
             ORDER BY idx",
        )?;
        let rows = stmt
            .query_map([to_i64(start)?, to_i64(end)?], entry_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_entry).collect()
    }

    fn device_records(
        &self,
        device: &DeviceId,
        after_seq: u64,
        limit: u64,
    ) -> Result<Vec<EntryRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, device_id, seq, record FROM entries WHERE device_id = ?1 AND seq > ?2
             ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(
                params![&device.0[..], to_i64(after_seq)?, to_i64(limit)?],
                entry_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_entry).collect()
    }

    fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>, StoreError> {
        self.conn
            .query_row(
                "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
                [],
                checkpoint_from_row,
            )
            .optional()?
            .map(finish_checkpoint)
            .transpose()
    }

    fn checkpoint(&self, size: u64) -> Result<Option<CheckpointRow>, StoreError> {
        self.conn
            .query_row(
                "SELECT size, root, note FROM checkpoints WHERE size = ?1",
                [to_i64(size)?],
                checkpoint_from_row,
            )
            .optional()?
            .map(finish_checkpoint)
            .transpose()
    }

    fn checkpoints_after(
        &self,
        after: Option<u64>,
        limit: u64,
    ) -> Result<Vec<CheckpointRow>, StoreError> {
        let after = match after {
            Some(size) => to_i64(size)?,
            None => -1,
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT size, root, note FROM checkpoints WHERE size > ?1 ORDER BY size LIMIT ?2",
        )?;
        let rows = stmt
            .query_map([after, to_i64(limit)?], checkpoint_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_checkpoint).collect()
    }

    fn put_checkpoint(&mut self, checkpoint: &CheckpointRow) -> Result<(), StoreError> {
        let now = crate::ledger::now_unix_ms();
        self.conn.execute(
            "INSERT OR IGNORE INTO checkpoints (size, root, note, signed_unix_ms)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                to_i64(checkpoint.size)?,
                &checkpoint.root[..],
                checkpoint.note,
                now
            ],
        )?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<DeviceRow>, StoreError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_unix_ms, rowid");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], device_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_device).collect()
    }

    fn device(&self, id: &DeviceId) -> Result<Option<DeviceRow>, StoreError> {
        device(&self.conn, id)
    }

    fn forks(&self) -> Result<Vec<ForkRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT device_id, seq, held_record, other_record FROM forks ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(device, seq, held, other)| {
                Ok(ForkRow {
                    device_id: DeviceId(blob32(device, "device id")?),
                    seq: to_u64(seq, "seq")?,
                    held,
                    other,
                })
            })
            .collect()
    }
}

/// One SQLite write transaction (`BEGIN IMMEDIATE`).
#[derive(Debug)]
pub struct SqliteTx<'a> {
    tx: Transaction<'a>,
}

impl StoreTx for SqliteTx<'_> {
    fn tree_size(&self) -> Result<u64, StoreError> {
        tree_size(&self.tx)
    }

    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        read_hashes(&self.tx, indexes)
    }

    fn device(&self, id: &DeviceId) -> Result<Option<DeviceRow>, StoreError> {
        device(&self.tx, id)
    }

    fn entry_of(&self, device: &DeviceId, seq: u64) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let row: Option<(i64, Vec<u8>)> = self
            .tx
            .prepare_cached("SELECT idx, record FROM entries WHERE device_id = ?1 AND seq = ?2")?
            .query_row(params![&device.0[..], to_i64(seq)?], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        row.map(|(idx, record)| Ok((to_u64(idx, "index")?, record)))
            .transpose()
    }

    fn write_entry(
        &mut self,
        entry: &EntryRow,
        record_sha256: &[u8; 32],
        first_hash_index: u64,
        new_hashes: &[Hash],
        now_unix_ms: i64,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO entries (idx, device_id, seq, record, record_sha256, accepted_unix_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                to_i64(entry.index)?,
                &entry.device_id.0[..],
                to_i64(entry.seq)?,
                entry.record,
                &record_sha256[..],
                now_unix_ms
            ])?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO hashes (idx, hash) VALUES (?1, ?2)")?;
        for (offset, hash) in new_hashes.iter().enumerate() {
            insert.execute(params![
                to_i64(first_hash_index + offset as u64)?,
                &hash.0[..]
            ])?;
        }
        drop(insert);
        self.tx
            .prepare_cached(
                "UPDATE devices SET head_seq = ?2, head_hash = ?3 WHERE device_id = ?1",
            )?
            .execute(params![
                &entry.device_id.0[..],
                to_i64(entry.seq)?,
                &record_sha256[..]
            ])?;
        self.tx
            .prepare_cached("UPDATE log_meta SET tree_size = ?1 WHERE id = 1")?
            .execute([to_i64(entry.index + 1)?])?;
        Ok(())
    }

    fn record_fork(
        &mut self,
        device: &DeviceId,
        seq: u64,
        held: &[u8],
        other: &[u8],
        now_unix_ms: i64,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO forks (device_id, seq, held_record, other_record, detected_unix_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![&device.0[..], to_i64(seq)?, held, other, now_unix_ms],
        )?;
        self.tx.execute(
            "UPDATE devices SET forked_unix_ms = coalesce(forked_unix_ms, ?2) WHERE device_id = ?1",
            params![&device.0[..], now_unix_ms],
        )?;
        Ok(())
    }

    fn ensure_facility(&mut self, facility: &str, now_unix_ms: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR IGNORE INTO facilities (facility, created_unix_ms) VALUES (?1, ?2)",
            params![facility, now_unix_ms],
        )?;
        Ok(())
    }

    fn put_token(&mut self, token: &TokenRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO enroll_tokens (token_sha256, facility, name, created_unix_ms)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                &token.token_sha256[..],
                token.facility,
                token.name,
                now_unix_ms
            ],
        )?;
        Ok(())
    }

    fn token(&self, token_sha256: &[u8; 32]) -> Result<Option<TokenRow>, StoreError> {
        type TokenColumns = (Vec<u8>, String, String, Option<Vec<u8>>);
        let row: Option<TokenColumns> = self
            .tx
            .query_row(
                "SELECT token_sha256, facility, name, device_id FROM enroll_tokens
                 WHERE token_sha256 = ?1",
                [&token_sha256[..]],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(hash, facility, name, device)| {
            Ok(TokenRow {
                token_sha256: blob32(hash, "token hash")?,
                facility,
                name,
                device_id: device
                    .map(|d| blob32(d, "device id").map(DeviceId))
                    .transpose()?,
            })
        })
        .transpose()
    }

    fn enroll(&mut self, device: &DeviceRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO devices (device_id, name, facility, token_sha256, enrolled_unix_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                &device.device_id.0[..],
                device.name,
                device.facility,
                &device.token_sha256[..],
                now_unix_ms
            ],
        )?;
        self.tx.execute(
            "UPDATE enroll_tokens SET device_id = ?2 WHERE token_sha256 = ?1",
            params![&device.token_sha256[..], &device.device_id.0[..]],
        )?;
        Ok(())
    }

    fn revoke(&mut self, device: &DeviceId, now_unix_ms: i64) -> Result<bool, StoreError> {
        let changed = self.tx.execute(
            "UPDATE devices SET revoked_unix_ms = coalesce(revoked_unix_ms, ?2) WHERE device_id = ?1",
            params![&device.0[..], now_unix_ms],
        )?;
        Ok(changed == 1)
    }

    fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}

impl SqliteStore {
    /// The connection, for the operations tables kept beside the log (`crate::ops_store`).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

//! The PostgreSQL backend (`--db postgres://...`): the same tables as SQLite with PostgreSQL
//! types, for a deployment that outgrows one machine. Several `tally-ledger serve` processes
//! may share one database: every write transaction starts by locking the one `log_meta` row
//! (`SELECT ... FOR UPDATE`), so log indexes are handed out one writer at a time from the
//! `tree_size` counter, never from a sequence. Append-only tables are guarded by triggers.

use std::cell::RefCell;

use postgres::{Client, NoTls, Transaction};
use tally_events::DeviceId;

use super::{
    blob32, to_i64, to_u64, CheckpointRow, DeviceRow, EntryRow, ForkRow, LogMeta, Store,
    StoreError, StoreTx, TokenRow,
};
use crate::tlog::Hash;

/// The schema version this build writes and reads (the same number as SQLite's).
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = r#"
CREATE TABLE log_meta (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version   BIGINT NOT NULL,
    origin           TEXT NOT NULL,
    signer_key       TEXT NOT NULL,
    verifier_key     TEXT NOT NULL,
    created_unix_ms  BIGINT NOT NULL,
    tree_size        BIGINT NOT NULL CHECK (tree_size >= 0)
);
CREATE TABLE facilities (
    facility         TEXT PRIMARY KEY,
    created_unix_ms  BIGINT NOT NULL
);
CREATE TABLE enroll_tokens (
    token_sha256     BYTEA PRIMARY KEY CHECK (length(token_sha256) = 32),
    facility         TEXT NOT NULL REFERENCES facilities (facility),
    name             TEXT NOT NULL,
    created_unix_ms  BIGINT NOT NULL,
    device_id        BYTEA UNIQUE
);
CREATE TABLE devices (
    device_id        BYTEA PRIMARY KEY CHECK (length(device_id) = 32),
    name             TEXT NOT NULL,
    facility         TEXT NOT NULL REFERENCES facilities (facility),
    token_sha256     BYTEA NOT NULL UNIQUE REFERENCES enroll_tokens (token_sha256),
    enrolled_unix_ms BIGINT NOT NULL,
    enrolled_order   BIGSERIAL,
    head_seq         BIGINT NOT NULL DEFAULT 0,
    head_hash        BYTEA,
    revoked_unix_ms  BIGINT,
    forked_unix_ms   BIGINT
);
CREATE TABLE entries (
    idx              BIGINT PRIMARY KEY CHECK (idx >= 0),
    device_id        BYTEA NOT NULL REFERENCES devices (device_id),
    seq              BIGINT NOT NULL CHECK (seq >= 1),
    record           BYTEA NOT NULL,
    record_sha256    BYTEA NOT NULL,
    accepted_unix_ms BIGINT NOT NULL,
    UNIQUE (device_id, seq)
);
CREATE TABLE hashes (
    idx              BIGINT PRIMARY KEY CHECK (idx >= 0),
    hash             BYTEA NOT NULL CHECK (length(hash) = 32)
);
CREATE TABLE checkpoints (
    size             BIGINT PRIMARY KEY,
    root             BYTEA NOT NULL,
    note             TEXT NOT NULL,
    signed_unix_ms   BIGINT NOT NULL
);
CREATE TABLE forks (
    id               BIGSERIAL PRIMARY KEY,
    device_id        BYTEA NOT NULL,
    seq              BIGINT NOT NULL,
    held_record      BYTEA NOT NULL,
    other_record     BYTEA NOT NULL,
    detected_unix_ms BIGINT NOT NULL
);
CREATE FUNCTION tally_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER hashes_append_only BEFORE UPDATE OR DELETE ON hashes
    FOR EACH ROW EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER hashes_no_truncate BEFORE TRUNCATE ON hashes
    FOR EACH STATEMENT EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER forks_append_only BEFORE UPDATE OR DELETE ON forks
    FOR EACH ROW EXECUTE FUNCTION tally_append_only();
CREATE TRIGGER forks_no_truncate BEFORE TRUNCATE ON forks
    FOR EACH STATEMENT EXECUTE FUNCTION tally_append_only();
"#;

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// A ledger in a PostgreSQL database.
pub struct PgStore {
    client: RefCell<Client>,
    url: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

fn has_ledger(client: &mut Client) -> Result<bool, StoreError> {
    let row = client.query_one("SELECT to_regclass('log_meta') IS NOT NULL", &[])?;
    Ok(row.get(0))
}

impl PgStore {
    /// Whether the database at `url` already holds a ledger.
    pub fn exists(url: &str) -> Result<bool, StoreError> {
        let mut client = Client::connect(url, NoTls)?;
        has_ledger(&mut client)
    }

    /// Creates the ledger's tables in the (empty) database at `url`, with its log identity.
    pub fn create(url: &str, meta: &LogMeta, now_unix_ms: i64) -> Result<Self, StoreError> {
        let mut client = Client::connect(url, NoTls)?;
        if has_ledger(&mut client)? {
            return Err(StoreError::NotALedger(
                "this database already holds a ledger: its log identity is fixed".into(),
            ));
        }
        let mut tx = client.transaction()?;
        tx.batch_execute(SCHEMA)?;
        tx.execute(
            "INSERT INTO log_meta (id, schema_version, origin, signer_key, verifier_key,
                 created_unix_ms, tree_size) VALUES (1, $1, $2, $3, $4, $5, 0)",
            &[
                &SCHEMA_VERSION,
                &meta.origin,
                &meta.signer_key,
                &meta.verifier_key,
                &now_unix_ms,
            ],
        )?;
        tx.commit()?;
        Ok(Self {
            client: RefCell::new(client),
            url: url.to_owned(),
        })
    }

    /// Opens the ledger in the database at `url`.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let mut client = Client::connect(url, NoTls)?;
        if !has_ledger(&mut client)? {
            return Err(StoreError::NotALedger(
                "this PostgreSQL database holds no ledger (create one with `tally-ledger init`)"
                    .into(),
            ));
        }
        let version: i64 = client
            .query_one("SELECT schema_version FROM log_meta WHERE id = 1", &[])?
            .get(0);
        if version != SCHEMA_VERSION {
            return Err(StoreError::NotALedger(format!(
                "this database has ledger schema {version}; this build knows {SCHEMA_VERSION}"
            )));
        }
        Ok(Self {
            client: RefCell::new(client),
            url: url.to_owned(),
        })
    }
}

/// Anything that runs queries: a client or a transaction.
trait Queries {
    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, postgres::Error>;
}

impl Queries for Client {
    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        Client::query(self, sql, params)
    }
}

impl Queries for Transaction<'_> {
    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        Transaction::query(self, sql, params)
    }
}

fn read_hashes(q: &mut impl Queries, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
    let wanted: Vec<i64> = indexes
        .iter()
        .map(|&i| to_i64(i))
        .collect::<Result<_, _>>()?;
    let rows = q.query(
        "SELECT idx, hash FROM hashes WHERE idx = ANY($1)",
        &[&wanted],
    )?;
    let mut found = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        let idx: i64 = row.get(0);
        found.insert(idx, blob32(row.get(1), "tree hash")?);
    }
    wanted
        .iter()
        .map(|idx| {
            found.get(idx).map(|h| Hash(*h)).ok_or_else(|| {
                StoreError::Corrupt(format!("the stored tree hash {idx} is missing"))
            })
        })
        .collect()
}

fn tree_size(q: &mut impl Queries) -> Result<u64, StoreError> {
    let rows = q.query("SELECT tree_size FROM log_meta WHERE id = 1", &[])?;
    let row = rows
        .first()
        .ok_or_else(|| StoreError::Corrupt("log_meta is empty".into()))?;
    to_u64(row.get(0), "tree size")
}

const DEVICE_COLUMNS: &str = "device_id, name, facility, token_sha256, head_seq, head_hash, \
                              revoked_unix_ms, forked_unix_ms";

fn device_from_row(row: &postgres::Row) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        device_id: DeviceId(blob32(row.get(0), "device id")?),
        name: row.get(1),
        facility: row.get(2),
        token_sha256: blob32(row.get(3), "token hash")?,
        head_seq: to_u64(row.get(4), "seq")?,
        head_hash: row
            .get::<_, Option<Vec<u8>>>(5)
            .map(|h| blob32(h, "record hash"))
            .transpose()?,
        revoked_unix_ms: row.get(6),
        forked_unix_ms: row.get(7),
    })
}

fn device(q: &mut impl Queries, id: &DeviceId) -> Result<Option<DeviceRow>, StoreError> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE device_id = $1");
    let rows = q.query(&sql, &[&&id.0[..]])?;
    rows.first().map(device_from_row).transpose()
}

fn entry_from_row(row: &postgres::Row) -> Result<EntryRow, StoreError> {
    Ok(EntryRow {
        index: to_u64(row.get(0), "index")?,
        device_id: DeviceId(blob32(row.get(1), "device id")?),
        seq: to_u64(row.get(2), "seq")?,
        record: row.get(3),
    })
}

fn checkpoint_from_row(row: &postgres::Row) -> Result<CheckpointRow, StoreError> {
    Ok(CheckpointRow {
        size: to_u64(row.get(0), "tree size")?,
        root: blob32(row.get(1), "root hash")?,
        note: row.get(2),
    })
}

impl Store for PgStore {
    type Tx<'a> = PgTx<'a>;

    fn reopen(&self) -> Result<Self, StoreError> {
        PgStore::open(&self.url)
    }

    fn location(&self) -> super::StoreLocation {
        super::StoreLocation::Postgres(self.url.clone())
    }

    fn meta(&self) -> Result<LogMeta, StoreError> {
        let row = self.client.borrow_mut().query_one(
            "SELECT origin, signer_key, verifier_key FROM log_meta WHERE id = 1",
            &[],
        )?;
        Ok(LogMeta {
            origin: row.get(0),
            signer_key: row.get(1),
            verifier_key: row.get(2),
        })
    }

    fn begin(&mut self) -> Result<PgTx<'_>, StoreError> {
        let mut tx = self.client.get_mut().transaction()?;
        // The ingest lock: one writer at a time, across every process on this database.
        tx.execute("SELECT 1 FROM log_meta WHERE id = 1 FOR UPDATE", &[])?;
        Ok(PgTx {
            tx: RefCell::new(tx),
            pending: RefCell::new(PendingAppends::default()),
        })
    }

    fn tree_size(&self) -> Result<u64, StoreError> {
        tree_size(&mut *self.client.borrow_mut())
    }

    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        read_hashes(&mut *self.client.borrow_mut(), indexes)
    }

    fn entries(&self, start: u64, end: u64) -> Result<Vec<EntryRow>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT idx, device_id, seq, record FROM entries WHERE idx >= $1 AND idx < $2
             ORDER BY idx",
            &[&to_i64(start)?, &to_i64(end)?],
        )?;
        rows.iter().map(entry_from_row).collect()
    }

    fn device_records(
        &self,
        device: &DeviceId,
        after_seq: u64,
        limit: u64,
    ) -> Result<Vec<EntryRow>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT idx, device_id, seq, record FROM entries WHERE device_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
            &[&&device.0[..], &to_i64(after_seq)?, &to_i64(limit)?],
        )?;
        rows.iter().map(entry_from_row).collect()
    }

    fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
            &[],
        )?;
        rows.first().map(checkpoint_from_row).transpose()
    }

    fn checkpoint(&self, size: u64) -> Result<Option<CheckpointRow>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT size, root, note FROM checkpoints WHERE size = $1",
            &[&to_i64(size)?],
        )?;
        rows.first().map(checkpoint_from_row).transpose()
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
        let rows = self.client.borrow_mut().query(
            "SELECT size, root, note FROM checkpoints WHERE size > $1 ORDER BY size LIMIT $2",
            &[&after, &to_i64(limit)?],
        )?;
        rows.iter().map(checkpoint_from_row).collect()
    }

    fn put_checkpoint(&mut self, checkpoint: &CheckpointRow) -> Result<(), StoreError> {
        let now = crate::ledger::now_unix_ms();
        self.client.get_mut().execute(
            "INSERT INTO checkpoints (size, root, note, signed_unix_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (size) DO NOTHING",
            &[
                &to_i64(checkpoint.size)?,
                &&checkpoint.root[..],
                &checkpoint.note,
                &now,
            ],
        )?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<DeviceRow>, StoreError> {
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_unix_ms, enrolled_order"
        );
        let rows = self.client.borrow_mut().query(&sql, &[])?;
        rows.iter().map(device_from_row).collect()
    }

    fn device(&self, id: &DeviceId) -> Result<Option<DeviceRow>, StoreError> {
        device(&mut *self.client.borrow_mut(), id)
    }

    fn forks(&self) -> Result<Vec<ForkRow>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT device_id, seq, held_record, other_record FROM forks ORDER BY id",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                Ok(ForkRow {
                    device_id: DeviceId(blob32(row.get(0), "device id")?),
                    seq: to_u64(row.get(1), "seq")?,
                    held: row.get(2),
                    other: row.get(3),
                })
            })
            .collect()
    }
}

/// One PostgreSQL write transaction, holding the `log_meta` row lock.
///
/// Appends are batched: [`StoreTx::write_entry`] keeps the entry, its stored hashes and the
/// device's new head in memory, and they are written with one multi-row statement per table
/// (arrays through `unnest`) before anything else reads or writes, and at the latest at
/// commit. Inside the transaction the tree size and the stored hashes are answered from what
/// is pending first, so the ingest sees exactly what it would see with each row written at
/// once. The `log_meta` row lock is held from the start, so the tree size counter hands out
/// indexes without holes, and `entries`' unique (device, seq) is checked by PostgreSQL when
/// the rows are written: a violation fails the whole transaction, as it did row by row.
pub struct PgTx<'a> {
    tx: RefCell<Transaction<'a>>,
    pending: RefCell<PendingAppends>,
}

/// Appends not written yet (see [`PgTx`]).
#[derive(Default)]
struct PendingAppends {
    /// The tree size as this transaction sees it, once read.
    size: Option<u64>,
    index: Vec<i64>,
    device: Vec<Vec<u8>>,
    seq: Vec<i64>,
    record: Vec<Vec<u8>>,
    record_sha256: Vec<Vec<u8>>,
    accepted_unix_ms: Vec<i64>,
    /// Stored hashes by index.
    hashes: std::collections::BTreeMap<u64, Hash>,
    /// Each appending device's newest (seq, record hash).
    heads: std::collections::BTreeMap<[u8; 32], (i64, [u8; 32])>,
}

impl PgTx<'_> {
    /// Writes the pending appends (no-op when there are none).
    fn flush(&self) -> Result<(), StoreError> {
        let mut pending = self.pending.borrow_mut();
        if pending.index.is_empty() {
            return Ok(());
        }
        let mut tx = self.tx.borrow_mut();
        let p = &mut *pending;
        tx.execute(
            "INSERT INTO entries (idx, device_id, seq, record, record_sha256, accepted_unix_ms)
             SELECT * FROM unnest($1::BIGINT[], $2::BYTEA[], $3::BIGINT[], $4::BYTEA[],
                                  $5::BYTEA[], $6::BIGINT[])",
            &[
                &p.index,
                &p.device,
                &p.seq,
                &p.record,
                &p.record_sha256,
                &p.accepted_unix_ms,
            ],
        )?;
        let indexes: Vec<i64> = p
            .hashes
            .keys()
            .map(|&i| to_i64(i))
            .collect::<Result<_, _>>()?;
        let hashes: Vec<Vec<u8>> = p.hashes.values().map(|h| h.0.to_vec()).collect();
        tx.execute(
            "INSERT INTO hashes (idx, hash) SELECT * FROM unnest($1::BIGINT[], $2::BYTEA[])",
            &[&indexes, &hashes],
        )?;
        for (device, (seq, hash)) in &p.heads {
            tx.execute(
                "UPDATE devices SET head_seq = $2, head_hash = $3 WHERE device_id = $1",
                &[&&device[..], seq, &&hash[..]],
            )?;
        }
        let size = p
            .size
            .ok_or_else(|| StoreError::Corrupt("entries pending without a tree size".into()))?;
        tx.execute(
            "UPDATE log_meta SET tree_size = $1 WHERE id = 1",
            &[&to_i64(size)?],
        )?;
        let size = p.size;
        *p = PendingAppends {
            size,
            ..PendingAppends::default()
        };
        Ok(())
    }
}

impl StoreTx for PgTx<'_> {
    fn tree_size(&self) -> Result<u64, StoreError> {
        if let Some(size) = self.pending.borrow().size {
            return Ok(size);
        }
        let size = tree_size(&mut *self.tx.borrow_mut())?;
        self.pending.borrow_mut().size = Some(size);
        Ok(size)
    }

    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let pending = self.pending.borrow();
        let stored: Vec<u64> = indexes
            .iter()
            .copied()
            .filter(|i| !pending.hashes.contains_key(i))
            .collect();
        let mut stored = if stored.is_empty() {
            Vec::new()
        } else {
            read_hashes(&mut *self.tx.borrow_mut(), &stored)?
        }
        .into_iter();
        indexes
            .iter()
            .map(|i| match pending.hashes.get(i) {
                Some(hash) => Ok(*hash),
                None => stored.next().ok_or_else(|| {
                    StoreError::Corrupt(format!("the stored tree hash {i} is missing"))
                }),
            })
            .collect()
    }

    fn device(&self, id: &DeviceId) -> Result<Option<DeviceRow>, StoreError> {
        self.flush()?;
        device(&mut *self.tx.borrow_mut(), id)
    }

    fn entry_of(&self, device: &DeviceId, seq: u64) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        self.flush()?;
        let rows = self.tx.borrow_mut().query(
            "SELECT idx, record FROM entries WHERE device_id = $1 AND seq = $2",
            &[&&device.0[..], &to_i64(seq)?],
        )?;
        rows.first()
            .map(|row| Ok((to_u64(row.get(0), "index")?, row.get(1))))
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
        let index = to_i64(entry.index)?;
        let seq = to_i64(entry.seq)?;
        let next = to_i64(entry.index + 1)?;
        let p = self.pending.get_mut();
        p.index.push(index);
        p.device.push(entry.device_id.0.to_vec());
        p.seq.push(seq);
        p.record.push(entry.record.clone());
        p.record_sha256.push(record_sha256.to_vec());
        p.accepted_unix_ms.push(now_unix_ms);
        for (offset, hash) in new_hashes.iter().enumerate() {
            p.hashes.insert(first_hash_index + offset as u64, *hash);
        }
        p.heads.insert(entry.device_id.0, (seq, *record_sha256));
        p.size = Some(to_u64(next, "tree size")?);
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
        self.flush()?;
        let tx = self.tx.get_mut();
        tx.execute(
            "INSERT INTO forks (device_id, seq, held_record, other_record, detected_unix_ms)
             VALUES ($1, $2, $3, $4, $5)",
            &[&&device.0[..], &to_i64(seq)?, &held, &other, &now_unix_ms],
        )?;
        tx.execute(
            "UPDATE devices SET forked_unix_ms = coalesce(forked_unix_ms, $2) WHERE device_id = $1",
            &[&&device.0[..], &now_unix_ms],
        )?;
        Ok(())
    }

    fn ensure_facility(&mut self, facility: &str, now_unix_ms: i64) -> Result<(), StoreError> {
        self.flush()?;
        self.tx.get_mut().execute(
            "INSERT INTO facilities (facility, created_unix_ms) VALUES ($1, $2)
             ON CONFLICT (facility) DO NOTHING",
            &[&facility, &now_unix_ms],
        )?;
        Ok(())
    }

    fn put_token(&mut self, token: &TokenRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.flush()?;
        self.tx.get_mut().execute(
            "INSERT INTO enroll_tokens (token_sha256, facility, name, created_unix_ms)
             VALUES ($1, $2, $3, $4)",
            &[
                &&token.token_sha256[..],
                &token.facility,
                &token.name,
                &now_unix_ms,
            ],
        )?;
        Ok(())
    }

    fn token(&self, token_sha256: &[u8; 32]) -> Result<Option<TokenRow>, StoreError> {
        self.flush()?;
        let rows = self.tx.borrow_mut().query(
            "SELECT token_sha256, facility, name, device_id FROM enroll_tokens
             WHERE token_sha256 = $1",
            &[&&token_sha256[..]],
        )?;
        rows.first()
            .map(|row| {
                Ok(TokenRow {
                    token_sha256: blob32(row.get(0), "token hash")?,
                    facility: row.get(1),
                    name: row.get(2),
                    device_id: row
                        .get::<_, Option<Vec<u8>>>(3)
                        .map(|d| blob32(d, "device id").map(DeviceId))
                        .transpose()?,
                })
            })
            .transpose()
    }

    fn enroll(&mut self, device: &DeviceRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.flush()?;
        let tx = self.tx.get_mut();
        tx.execute(
            "INSERT INTO devices (device_id, name, facility, token_sha256, enrolled_unix_ms)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &&device.device_id.0[..],
                &device.name,
                &device.facility,
                &&device.token_sha256[..],
                &now_unix_ms,
            ],
        )?;
        tx.execute(
            "UPDATE enroll_tokens SET device_id = $2 WHERE token_sha256 = $1",
            &[&&device.token_sha256[..], &&device.device_id.0[..]],
        )?;
        Ok(())
    }

    fn revoke(&mut self, device: &DeviceId, now_unix_ms: i64) -> Result<bool, StoreError> {
        self.flush()?;
        let changed = self.tx.get_mut().execute(
            "UPDATE devices SET revoked_unix_ms = coalesce(revoked_unix_ms, $2) WHERE device_id = $1",
            &[&&device.0[..], &now_unix_ms],
        )?;
        Ok(changed == 1)
    }

    fn commit(self) -> Result<(), StoreError> {
        self.flush()?;
        let mut tx = self.tx.into_inner();
        // Delivered at commit (never for a rollback): wakes the projectors of every process
        // listening on this database (`crate::commit_signal`).
        tx.batch_execute(crate::commit_signal::NOTIFY_SQL)?;
        tx.commit()?;
        Ok(())
    }
}

impl PgStore {
    /// The client, for the operations tables kept beside the log (`crate::ops_store`).
    pub(crate) fn client(&self) -> std::cell::RefMut<'_, Client> {
        self.client.borrow_mut()
    }
}

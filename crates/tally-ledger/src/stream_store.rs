//! The replica service's numbering of each facility's stream, kept in the ledger's database so
//! that neither the first request nor a restart numbers the whole log again
//! ([`crate::replica`] decides what to number; this module only stores it).
//!
//! Two tables beside the log, created on first use (`CREATE TABLE IF NOT EXISTS`, both
//! backends): `replica_stream_mark` (one row: how many log entries are numbered, and the
//! SHA-256 of the last one, so a log restored from a backup and grown again is noticed) and
//! `replica_stream` (facility, position 1, 2, 3 ... without gaps, log index). They are derived
//! data, not evidence: `tally-ledger verify` does not read them, and they can be emptied at any
//! time (they are numbered again from the log). Several `serve` processes share them: each
//! extension happens in one transaction that holds the mark row's lock and checks the mark has
//! not moved since it was read.

use rusqlite::OptionalExtension;

use crate::store::{blob32, to_i64, to_u64, EntryRow, PgStore, SqliteStore, StoreError};

/// Where the numbering stands: log entries numbered, and the last one's SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamMark {
    /// Entries `[0, scanned)` of the log are numbered.
    pub scanned: u64,
    /// SHA-256 of entry `scanned - 1`'s record.
    pub last_sha256: Option<[u8; 32]>,
}

/// One numbered entry to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRow {
    /// Its author's facility.
    pub facility: String,
    /// Its log index.
    pub log_index: u64,
}

/// The numbering tables of a ledger database.
pub trait StreamStore {
    /// Creates the tables if they are missing.
    fn ensure_stream_schema(&self) -> Result<(), StoreError>;
    /// Where the numbering stands.
    fn stream_mark(&self) -> Result<StreamMark, StoreError>;
    /// Numbers `rows` (entries `[from.scanned, to.scanned)` of the log, in log order: each
    /// gets its facility's next position) and moves the mark to `to`, in one transaction under
    /// the mark's lock, if the mark is still `from`; `false` (nothing written) when another
    /// process moved it first.
    fn stream_extend(
        &self,
        from: &StreamMark,
        to: &StreamMark,
        rows: &[StreamRow],
    ) -> Result<bool, StoreError>;
    /// Forgets the whole numbering (the log is not the one numbered).
    fn stream_reset(&self) -> Result<(), StoreError>;
    /// The length of `facility`'s stream.
    fn stream_size(&self, facility: &str) -> Result<u64, StoreError>;
    /// Up to `limit` entries of `facility`'s stream after position `after`, with their
    /// positions, in order.
    fn stream_page(
        &self,
        facility: &str,
        after: u64,
        limit: u64,
    ) -> Result<Vec<(u64, EntryRow)>, StoreError>;
}

fn mark_from(scanned: i64, last: Option<Vec<u8>>) -> Result<StreamMark, StoreError> {
    Ok(StreamMark {
        scanned: to_u64(scanned, "numbered entry count")?,
        last_sha256: last.map(|h| blob32(h, "numbered entry hash")).transpose()?,
    })
}

fn device_of(bytes: Vec<u8>) -> Result<tally_events::DeviceId, StoreError> {
    Ok(tally_events::DeviceId(blob32(bytes, "device id")?))
}

const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS replica_stream_mark (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    scanned          INTEGER NOT NULL CHECK (scanned >= 0),
    last_sha256      BLOB CHECK (last_sha256 IS NULL OR length(last_sha256) = 32)
);
CREATE TABLE IF NOT EXISTS replica_stream (
    facility         TEXT NOT NULL,
    position         INTEGER NOT NULL CHECK (position >= 1),
    log_index        INTEGER NOT NULL UNIQUE CHECK (log_index >= 0),
    PRIMARY KEY (facility, position)
);
INSERT OR IGNORE INTO replica_stream_mark (id, scanned, last_sha256) VALUES (1, 0, NULL);
";

/// Runs `work` in a `BEGIN IMMEDIATE` transaction on `conn` (the database's write lock).
fn sqlite_immediate<T>(
    conn: &rusqlite::Connection,
    work: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => {
            conn.execute_batch("COMMIT")?;
            Ok(value)
        }
        Err(error) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

impl StreamStore for SqliteStore {
    fn ensure_stream_schema(&self) -> Result<(), StoreError> {
        // A read first: the tables exist almost always, and DDL would take the write lock.
        let present: i64 = self.connection().query_row(
            "SELECT count(*) FROM sqlite_master
             WHERE type = 'table' AND name IN ('replica_stream_mark', 'replica_stream')",
            [],
            |r| r.get(0),
        )?;
        if present < 2 {
            sqlite_immediate(self.connection(), |conn| {
                conn.execute_batch(SQLITE_SCHEMA)?;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn stream_mark(&self) -> Result<StreamMark, StoreError> {
        self.ensure_stream_schema()?;
        let (scanned, last) = self.connection().query_row(
            "SELECT scanned, last_sha256 FROM replica_stream_mark WHERE id = 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
        )?;
        mark_from(scanned, last)
    }

    fn stream_extend(
        &self,
        from: &StreamMark,
        to: &StreamMark,
        rows: &[StreamRow],
    ) -> Result<bool, StoreError> {
        self.ensure_stream_schema()?;
        sqlite_immediate(self.connection(), |conn| {
            let (scanned, last) = conn.query_row(
                "SELECT scanned, last_sha256 FROM replica_stream_mark WHERE id = 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
            )?;
            if mark_from(scanned, last)? != *from {
                return Ok(false);
            }
            let mut insert = conn.prepare_cached(
                "INSERT INTO replica_stream (facility, position, log_index)
                 SELECT ?1, coalesce(max(position), 0) + 1, ?2 FROM replica_stream
                 WHERE facility = ?1",
            )?;
            for row in rows {
                insert.execute(rusqlite::params![row.facility, to_i64(row.log_index)?])?;
            }
            conn.execute(
                "UPDATE replica_stream_mark SET scanned = ?1, last_sha256 = ?2 WHERE id = 1",
                rusqlite::params![to_i64(to.scanned)?, to.last_sha256.map(|h| h.to_vec())],
            )?;
            Ok(true)
        })
    }

    fn stream_reset(&self) -> Result<(), StoreError> {
        self.ensure_stream_schema()?;
        sqlite_immediate(self.connection(), |conn| {
            conn.execute_batch(
                "DELETE FROM replica_stream;
                 UPDATE replica_stream_mark SET scanned = 0, last_sha256 = NULL WHERE id = 1;",
            )?;
            Ok(())
        })
    }

    fn stream_size(&self, facility: &str) -> Result<u64, StoreError> {
        self.ensure_stream_schema()?;
        let size: Option<i64> = self
            .connection()
            .prepare_cached("SELECT max(position) FROM replica_stream WHERE facility = ?1")?
            .query_row([facility], |r| r.get(0))
            .optional()?
            .flatten();
        to_u64(size.unwrap_or(0), "stream size")
    }

    fn stream_page(
        &self,
        facility: &str,
        after: u64,
        limit: u64,
    ) -> Result<Vec<(u64, EntryRow)>, StoreError> {
        self.ensure_stream_schema()?;
        let mut stmt = self.connection().prepare_cached(
            "SELECT s.position, e.idx, e.device_id, e.seq, e.record
             FROM replica_stream s JOIN entries e ON e.idx = s.log_index
             WHERE s.facility = ?1 AND s.position > ?2 ORDER BY s.position LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![facility, to_i64(after)?, to_i64(limit)?],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (position, index, device, seq, record) = row?;
            out.push((
                to_u64(position, "stream position")?,
                EntryRow {
                    index: to_u64(index, "log index")?,
                    device_id: device_of(device)?,
                    seq: to_u64(seq, "seq")?,
                    record,
                },
            ));
        }
        Ok(out)
    }
}

const POSTGRES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS replica_stream_mark (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    scanned          BIGINT NOT NULL CHECK (scanned >= 0),
    last_sha256      BYTEA CHECK (last_sha256 IS NULL OR length(last_sha256) = 32)
);
CREATE TABLE IF NOT EXISTS replica_stream (
    facility         TEXT NOT NULL,
    position         BIGINT NOT NULL CHECK (position >= 1),
    log_index        BIGINT NOT NULL UNIQUE CHECK (log_index >= 0),
    PRIMARY KEY (facility, position)
);
INSERT INTO replica_stream_mark (id, scanned, last_sha256) VALUES (1, 0, NULL)
    ON CONFLICT (id) DO NOTHING;
";

/// The advisory lock that serialises creating the tables (two processes creating them at
/// once race in PostgreSQL's catalogue).
const PG_SCHEMA_LOCK: i64 = 7_240_314;

fn pg_mark(
    client: &mut impl postgres::GenericClient,
    lock: bool,
) -> Result<StreamMark, StoreError> {
    let sql = if lock {
        "SELECT scanned, last_sha256 FROM replica_stream_mark WHERE id = 1 FOR UPDATE"
    } else {
        "SELECT scanned, last_sha256 FROM replica_stream_mark WHERE id = 1"
    };
    let row = client.query_one(sql, &[])?;
    mark_from(row.get(0), row.get(1))
}

impl StreamStore for PgStore {
    fn ensure_stream_schema(&self) -> Result<(), StoreError> {
        let mut client = self.client();
        let present: bool = client
            .query_one(
                "SELECT to_regclass('replica_stream_mark') IS NOT NULL
                    AND to_regclass('replica_stream') IS NOT NULL",
                &[],
            )?
            .get(0);
        if present {
            return Ok(());
        }
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PG_SCHEMA_LOCK])?;
        tx.batch_execute(POSTGRES_SCHEMA)?;
        tx.commit()?;
        Ok(())
    }

    fn stream_mark(&self) -> Result<StreamMark, StoreError> {
        self.ensure_stream_schema()?;
        pg_mark(&mut *self.client(), false)
    }

    fn stream_extend(
        &self,
        from: &StreamMark,
        to: &StreamMark,
        rows: &[StreamRow],
    ) -> Result<bool, StoreError> {
        self.ensure_stream_schema()?;
        let mut client = self.client();
        let mut tx = client.transaction()?;
        if pg_mark(&mut tx, true)? != *from {
            return Ok(false);
        }
        let insert = tx.prepare(
            "INSERT INTO replica_stream (facility, position, log_index)
             SELECT $1, coalesce(max(position), 0) + 1, $2 FROM replica_stream
             WHERE facility = $1",
        )?;
        for row in rows {
            tx.execute(&insert, &[&row.facility, &to_i64(row.log_index)?])?;
        }
        tx.execute(
            "UPDATE replica_stream_mark SET scanned = $1, last_sha256 = $2 WHERE id = 1",
            &[&to_i64(to.scanned)?, &to.last_sha256.map(|h| h.to_vec())],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn stream_reset(&self) -> Result<(), StoreError> {
        self.ensure_stream_schema()?;
        let mut client = self.client();
        let mut tx = client.transaction()?;
        pg_mark(&mut tx, true)?;
        tx.batch_execute(
            "DELETE FROM replica_stream;
             UPDATE replica_stream_mark SET scanned = 0, last_sha256 = NULL WHERE id = 1;",
        )?;
        tx.commit()?;
        Ok(())
    }

    fn stream_size(&self, facility: &str) -> Result<u64, StoreError> {
        self.ensure_stream_schema()?;
        let size: Option<i64> = self
            .client()
            .query_one(
                "SELECT max(position) FROM replica_stream WHERE facility = $1",
                &[&facility],
            )?
            .get(0);
        to_u64(size.unwrap_or(0), "stream size")
    }

    fn stream_page(
        &self,
        facility: &str,
        after: u64,
        limit: u64,
    ) -> Result<Vec<(u64, EntryRow)>, StoreError> {
        self.ensure_stream_schema()?;
        let rows = self.client().query(
            "SELECT s.position, e.idx, e.device_id, e.seq, e.record
             FROM replica_stream s JOIN entries e ON e.idx = s.log_index
             WHERE s.facility = $1 AND s.position > $2 ORDER BY s.position LIMIT $3",
            &[&facility, &to_i64(after)?, &to_i64(limit)?],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push((
                to_u64(row.get(0), "stream position")?,
                EntryRow {
                    index: to_u64(row.get(1), "log index")?,
                    device_id: device_of(row.get(2))?,
                    seq: to_u64(row.get(3), "seq")?,
                    record: row.get(4),
                },
            ));
        }
        Ok(out)
    }
}

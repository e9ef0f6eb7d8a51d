//! What the Supervisor dock view needs beside the log: when each device last pushed, the
//! backlog it reported, and its last refused push (`GET /v1/projections/devices`).
//!
//! One table, created on first use (`CREATE TABLE IF NOT EXISTS`, both backends):
//! `device_push_status` (one row per device that ever pushed: the last push's time, the
//! waiting count it reported and the receipts it got, the last push accepted whole, and the
//! last refusal with its code and messages). It is status, not evidence: `tally-ledger verify`
//! does not read it and ingest never depends on it; each push writes it after its own
//! transaction committed.

use rusqlite::OptionalExtension as _;
use tally_events::DeviceId;

use crate::store::{blob32, to_i64, to_u64, PgStore, SqliteStore, StoreError};

/// How a push ended, as the dock view keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReport {
    /// When the ledger answered, Unix ms.
    pub unix_ms: i64,
    /// The device's own count of events waiting when it sent the push (`None`: it did not say).
    pub waiting: Option<u64>,
    /// Receipts the push got (accepted or already held).
    pub receipts: u64,
    /// The refusal, if the push (or a record in it) was refused: (code, English, Spanish).
    pub refused: Option<(String, String, String)>,
}

/// A device's row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushStatusRow {
    /// The device.
    pub device_id: DeviceId,
    /// When the ledger last answered one of its pushes.
    pub last_push_unix_ms: i64,
    /// What that push reported waiting.
    pub waiting: Option<u64>,
    /// Receipts that push got.
    pub receipts: u64,
    /// When a push was last accepted whole.
    pub last_accepted_unix_ms: Option<i64>,
    /// The last refusal: (code, English, Spanish, Unix ms).
    pub last_refused: Option<(String, String, String, i64)>,
}

impl PushStatusRow {
    /// Events still waiting at the device after its last push, by its own count.
    pub fn backlog(&self) -> Option<u64> {
        self.waiting.map(|w| w.saturating_sub(self.receipts))
    }
}

/// The dock view's table in a ledger database.
pub trait DockStore {
    /// Creates the table if it is missing.
    fn ensure_dock_schema(&self) -> Result<(), StoreError>;
    /// Keeps how a push of `device` ended.
    fn record_push(&self, device: &DeviceId, report: &PushReport) -> Result<(), StoreError>;
    /// Every device's row (devices that never pushed have none).
    fn push_statuses(&self) -> Result<Vec<PushStatusRow>, StoreError>;
    /// Forks kept as evidence, per device.
    fn fork_counts(&self) -> Result<Vec<(DeviceId, u64)>, StoreError>;
}

const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS device_push_status (
    device_id             BLOB PRIMARY KEY CHECK (length(device_id) = 32),
    last_push_unix_ms     INTEGER NOT NULL,
    waiting               INTEGER CHECK (waiting IS NULL OR waiting >= 0),
    receipts              INTEGER NOT NULL CHECK (receipts >= 0),
    last_accepted_unix_ms INTEGER,
    refused_code          TEXT,
    refused_message       TEXT,
    refused_message_es    TEXT,
    refused_unix_ms       INTEGER
);
";

const POSTGRES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS device_push_status (
    device_id             BYTEA PRIMARY KEY CHECK (length(device_id) = 32),
    last_push_unix_ms     BIGINT NOT NULL,
    waiting               BIGINT CHECK (waiting IS NULL OR waiting >= 0),
    receipts              BIGINT NOT NULL CHECK (receipts >= 0),
    last_accepted_unix_ms BIGINT,
    refused_code          TEXT,
    refused_message       TEXT,
    refused_message_es    TEXT,
    refused_unix_ms       BIGINT
);
";

/// The advisory lock that serialises creating the table on PostgreSQL.
const PG_SCHEMA_LOCK: i64 = 7_240_315;

/// One upsert for both dialects (`?N` for SQLite, `$N` for PostgreSQL): a refusal replaces
/// the kept refusal, an accepted push moves the last accepted time; each keeps the other.
fn upsert(placeholder: char) -> String {
    let sql = "INSERT INTO device_push_status (device_id, last_push_unix_ms, waiting, receipts,
             last_accepted_unix_ms, refused_code, refused_message, refused_message_es,
             refused_unix_ms)
         VALUES (#1, #2, #3, #4, #5, #6, #7, #8, #9)
         ON CONFLICT (device_id) DO UPDATE SET
             last_push_unix_ms = excluded.last_push_unix_ms,
             waiting = excluded.waiting,
             receipts = excluded.receipts,
             last_accepted_unix_ms = COALESCE(excluded.last_accepted_unix_ms,
                 device_push_status.last_accepted_unix_ms),
             refused_code = COALESCE(excluded.refused_code, device_push_status.refused_code),
             refused_message = COALESCE(excluded.refused_message,
                 device_push_status.refused_message),
             refused_message_es = COALESCE(excluded.refused_message_es,
                 device_push_status.refused_message_es),
             refused_unix_ms = COALESCE(excluded.refused_unix_ms,
                 device_push_status.refused_unix_ms)";
    sql.replace('#', &placeholder.to_string())
}

const SELECT: &str =
    "SELECT device_id, last_push_unix_ms, waiting, receipts, last_accepted_unix_ms,
     refused_code, refused_message, refused_message_es, refused_unix_ms
 FROM device_push_status";

#[allow(clippy::type_complexity)]
fn row_from(
    device: Vec<u8>,
    last_push: i64,
    waiting: Option<i64>,
    receipts: i64,
    accepted: Option<i64>,
    refused: (Option<String>, Option<String>, Option<String>, Option<i64>),
) -> Result<PushStatusRow, StoreError> {
    let last_refused = match refused {
        (Some(code), Some(en), Some(es), Some(at)) => Some((code, en, es, at)),
        _ => None,
    };
    Ok(PushStatusRow {
        device_id: DeviceId(blob32(device, "device id")?),
        last_push_unix_ms: last_push,
        waiting: waiting.map(|w| to_u64(w, "waiting count")).transpose()?,
        receipts: to_u64(receipts, "receipt count")?,
        last_accepted_unix_ms: accepted,
        last_refused,
    })
}

/// The values of [`upsert`] for a report.
struct Values {
    waiting: Option<i64>,
    receipts: i64,
    accepted: Option<i64>,
    code: Option<String>,
    en: Option<String>,
    es: Option<String>,
    refused_at: Option<i64>,
}

impl Values {
    fn of(report: &PushReport) -> Result<Values, StoreError> {
        let (code, en, es) = match &report.refused {
            Some((c, e, s)) => (Some(c.clone()), Some(e.clone()), Some(s.clone())),
            None => (None, None, None),
        };
        let refused = report.refused.is_some();
        Ok(Values {
            waiting: report.waiting.map(to_i64).transpose()?,
            receipts: to_i64(report.receipts)?,
            accepted: (!refused).then_some(report.unix_ms),
            code,
            en,
            es,
            refused_at: refused.then_some(report.unix_ms),
        })
    }
}

impl DockStore for SqliteStore {
    fn ensure_dock_schema(&self) -> Result<(), StoreError> {
        // A read first: the table exists almost always, and DDL would take the write lock.
        let present: Option<i64> = self
            .connection()
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'device_push_status'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if present.is_none() {
            self.connection().execute_batch(SQLITE_SCHEMA)?;
        }
        Ok(())
    }

    fn record_push(&self, device: &DeviceId, report: &PushReport) -> Result<(), StoreError> {
        self.ensure_dock_schema()?;
        let v = Values::of(report)?;
        self.connection()
            .prepare_cached(&upsert('?'))?
            .execute(rusqlite::params![
                device.0.to_vec(),
                report.unix_ms,
                v.waiting,
                v.receipts,
                v.accepted,
                v.code,
                v.en,
                v.es,
                v.refused_at,
            ])?;
        Ok(())
    }

    fn push_statuses(&self) -> Result<Vec<PushStatusRow>, StoreError> {
        self.ensure_dock_schema()?;
        let mut stmt = self.connection().prepare_cached(SELECT)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device, last, waiting, receipts, accepted, refused) = row?;
            out.push(row_from(
                device, last, waiting, receipts, accepted, refused,
            )?);
        }
        Ok(out)
    }

    fn fork_counts(&self) -> Result<Vec<(DeviceId, u64)>, StoreError> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT device_id, count(*) FROM forks GROUP BY device_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (device, n) = row?;
            out.push((
                DeviceId(blob32(device, "device id")?),
                to_u64(n, "fork count")?,
            ));
        }
        Ok(out)
    }
}

impl DockStore for PgStore {
    fn ensure_dock_schema(&self) -> Result<(), StoreError> {
        let mut client = self.client();
        let present: bool = client
            .query_one("SELECT to_regclass('device_push_status') IS NOT NULL", &[])?
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

    fn record_push(&self, device: &DeviceId, report: &PushReport) -> Result<(), StoreError> {
        self.ensure_dock_schema()?;
        let v = Values::of(report)?;
        self.client().execute(
            upsert('$').as_str(),
            &[
                &device.0.to_vec(),
                &report.unix_ms,
                &v.waiting,
                &v.receipts,
                &v.accepted,
                &v.code,
                &v.en,
                &v.es,
                &v.refused_at,
            ],
        )?;
        Ok(())
    }

    fn push_statuses(&self) -> Result<Vec<PushStatusRow>, StoreError> {
        self.ensure_dock_schema()?;
        let rows = self.client().query(SELECT, &[])?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(row_from(
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                (r.get(5), r.get(6), r.get(7), r.get(8)),
            )?);
        }
        Ok(out)
    }

    fn fork_counts(&self) -> Result<Vec<(DeviceId, u64)>, StoreError> {
        let rows = self.client().query(
            "SELECT device_id, count(*) FROM forks GROUP BY device_id",
            &[],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push((
                DeviceId(blob32(r.get(0), "device id")?),
                to_u64(r.get(1), "fork count")?,
            ));
        }
        Ok(out)
    }
}

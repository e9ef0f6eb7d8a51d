//! The projections' own connection to the ledger's database, SQLite or PostgreSQL, with one
//! SQL dialect for both: the projection tables use only `BIGINT` and `TEXT` columns,
//! `INSERT … ON CONFLICT` upserts and `?N` placeholders (rewritten to `$N` for PostgreSQL), so
//! the fold and the reads are written once and behave the same on both backends.
//!
//! The projection tables are not part of the log: they are derived from it, may be dropped and
//! rebuilt (`tally-ledger project --rebuild`), and are written only by the projector, in
//! transactions that move the stored position together with the rows they change.

use std::time::Duration;

use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls};
use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::store::{StoreError, StoreLocation};

/// A value bound to or read from a projection query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// NULL.
    Null,
}

impl Value {
    /// The integer, if it is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The text, if it is text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(v) => Some(v),
            _ => None,
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Int(v) if *ty == Type::INT8 => v.to_sql(ty, out),
            Value::Text(v) if matches!(*ty, Type::TEXT | Type::VARCHAR) => v.to_sql(ty, out),
            Value::Null => Ok(IsNull::Yes),
            other => Err(format!("{other:?} cannot be bound to a {ty} parameter").into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::TEXT | Type::VARCHAR)
    }

    to_sql_checked!();
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match self {
            Value::Int(v) => rusqlite::types::ToSqlOutput::from(*v),
            Value::Text(v) => rusqlite::types::ToSqlOutput::from(v.as_str()),
            Value::Null => rusqlite::types::ToSqlOutput::from(rusqlite::types::Null),
        })
    }
}

/// The tables of derived rows (all but the position): what a rebuild empties.
pub const DERIVED_TABLES: &[&str] = &[
    "proj_uid_entries",
    "proj_settings",
    "proj_scales",
    "proj_packages",
    "proj_quarantine",
    "proj_count_tasks",
    "proj_count_lines",
    "proj_manifests",
    "proj_manifest_lines",
    "proj_receipt_differences",
];

/// The projection tables, the same text for both backends.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS proj_position (
        id              BIGINT PRIMARY KEY CHECK (id = 1),
        next_index      BIGINT NOT NULL CHECK (next_index >= 0),
        updated_unix_ms BIGINT NOT NULL)",
    "INSERT INTO proj_position (id, next_index, updated_unix_ms) VALUES (1, 0, 0)
        ON CONFLICT (id) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS proj_uid_entries (
        uid  TEXT NOT NULL,
        idx  BIGINT NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (uid, idx, role))",
    "CREATE TABLE IF NOT EXISTS proj_scales (
        facility  TEXT NOT NULL,
        scale_id  TEXT NOT NULL,
        idx       BIGINT NOT NULL,
        PRIMARY KEY (facility, scale_id, idx))",
    "CREATE TABLE IF NOT EXISTS proj_settings (
        facility  TEXT NOT NULL,
        idx       BIGINT NOT NULL,
        name      TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        PRIMARY KEY (facility, idx))",
    "CREATE TABLE IF NOT EXISTS proj_packages (
        uid          TEXT PRIMARY KEY,
        facility     TEXT NOT NULL,
        item_id      TEXT,
        batch_id     TEXT,
        unit         TEXT,
        quantity     BIGINT,
        location     TEXT,
        status       TEXT NOT NULL,
        last_idx     BIGINT NOT NULL,
        last_kind    TEXT NOT NULL,
        last_unix_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS proj_quarantine (
        uid           TEXT PRIMARY KEY,
        facility      TEXT NOT NULL,
        reason_code   TEXT NOT NULL,
        note          TEXT NOT NULL,
        location      TEXT,
        actor         TEXT NOT NULL,
        idx           BIGINT NOT NULL,
        since_unix_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS proj_count_tasks (
        count_task_id TEXT PRIMARY KEY,
        facility      TEXT NOT NULL,
        status        TEXT NOT NULL,
        round         BIGINT NOT NULL,
        last_idx      BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS proj_count_lines (
        count_task_id TEXT NOT NULL,
        round         BIGINT NOT NULL,
        uid           TEXT NOT NULL,
        facility      TEXT NOT NULL,
        location      TEXT NOT NULL,
        unit          TEXT NOT NULL,
        counted       BIGINT NOT NULL,
        expected_unit TEXT,
        expected      BIGINT,
        variance      BIGINT,
        actor         TEXT NOT NULL,
        device_id     TEXT NOT NULL,
        idx           BIGINT NOT NULL,
        PRIMARY KEY (count_task_id, round, uid))",
    "CREATE TABLE IF NOT EXISTS proj_manifests (
        manifest_id         TEXT PRIMARY KEY,
        facility            TEXT NOT NULL,
        direction           TEXT NOT NULL,
        origin_license      TEXT,
        destination_license TEXT,
        status              TEXT NOT NULL,
        first_idx           BIGINT NOT NULL,
        closed_idx          BIGINT)",
    "CREATE TABLE IF NOT EXISTS proj_manifest_lines (
        manifest_id   TEXT NOT NULL,
        uid           TEXT NOT NULL,
        item_id       TEXT,
        unit          TEXT,
        expected      BIGINT,
        status        TEXT NOT NULL,
        received_unit TEXT,
        received      BIGINT,
        reason_code   TEXT,
        idx           BIGINT NOT NULL,
        PRIMARY KEY (manifest_id, uid))",
    "CREATE TABLE IF NOT EXISTS proj_receipt_differences (
        manifest_id       TEXT NOT NULL,
        uid               TEXT NOT NULL,
        manifest_unit     TEXT NOT NULL,
        manifest_quantity BIGINT NOT NULL,
        received_unit     TEXT NOT NULL,
        received_quantity BIGINT NOT NULL,
        reason_code       TEXT NOT NULL,
        note              TEXT NOT NULL,
        idx               BIGINT NOT NULL,
        PRIMARY KEY (manifest_id, uid))",
];

/// A connection to the ledger's database for the projections.
pub enum ProjectionDb {
    /// SQLite.
    Sqlite(Connection),
    /// PostgreSQL.
    Postgres(Box<Client>),
}

impl std::fmt::Debug for ProjectionDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectionDb::Sqlite(_) => f.write_str("ProjectionDb::Sqlite"),
            ProjectionDb::Postgres(_) => f.write_str("ProjectionDb::Postgres"),
        }
    }
}

fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl ProjectionDb {
    /// Opens a connection to the database at `location` and creates the projection tables if
    /// they are not there.
    pub fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        let mut db = match location {
            StoreLocation::Sqlite(path) => {
                let conn =
                    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
                conn.busy_timeout(Duration::from_secs(30))?;
                conn.pragma_update(None, "synchronous", "FULL")?;
                ProjectionDb::Sqlite(conn)
            }
            StoreLocation::Postgres(url) => {
                ProjectionDb::Postgres(Box::new(Client::connect(url, NoTls)?))
            }
        };
        db.begin()?;
        if let ProjectionDb::Postgres(client) = &mut db {
            // Two connections creating the tables at once (the projector `serve` starts and a
            // first request) would race in PostgreSQL's catalogue: one at a time.
            if let Err(error) = client.execute("SELECT pg_advisory_xact_lock(7240311)", &[]) {
                db.rollback();
                return Err(error.into());
            }
        }
        if let Err(error) = db.create_schema() {
            db.rollback();
            return Err(error);
        }
        db.commit()?;
        Ok(db)
    }

    /// Creates the tables. Projections folded before the scale registrations and the receipt
    /// differences were projected (`proj_scales` or `proj_receipt_differences` missing) are
    /// folded again from entry 0: custody bundles and manifests need them.
    fn create_schema(&mut self) -> Result<(), StoreError> {
        let sql = match self {
            ProjectionDb::Sqlite(_) => {
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'
                 AND name IN ('proj_scales', 'proj_receipt_differences')"
            }
            ProjectionDb::Postgres(_) => {
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()
                 AND tablename IN ('proj_scales', 'proj_receipt_differences')"
            }
        };
        let scales_were_there = self
            .rows(sql, &[])?
            .first()
            .and_then(|r| r.first())
            .and_then(Value::int)
            .is_some_and(|n| n == 2);
        for statement in SCHEMA {
            self.exec(statement, &[])?;
        }
        if !scales_were_there {
            for table in DERIVED_TABLES {
                self.exec(&format!("DELETE FROM {table}"), &[])?;
            }
            self.exec("UPDATE proj_position SET next_index = 0 WHERE id = 1", &[])?;
        }
        Ok(())
    }

    /// Begins the projector's write transaction, which excludes every other projector: SQLite
    /// `BEGIN IMMEDIATE`; PostgreSQL locks the position row.
    pub fn begin(&mut self) -> Result<(), StoreError> {
        match self {
            ProjectionDb::Sqlite(conn) => conn.execute_batch("BEGIN IMMEDIATE")?,
            ProjectionDb::Postgres(client) => client.batch_execute("BEGIN")?,
        }
        Ok(())
    }

    /// Takes the position row's lock (PostgreSQL; in SQLite the transaction already holds the
    /// database's write lock).
    pub fn lock_position(&mut self) -> Result<(), StoreError> {
        if let ProjectionDb::Postgres(client) = self {
            client.execute("SELECT id FROM proj_position WHERE id = 1 FOR UPDATE", &[])?;
        }
        Ok(())
    }

    /// Commits.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        match self {
            ProjectionDb::Sqlite(conn) => conn.execute_batch("COMMIT")?,
            ProjectionDb::Postgres(client) => client.batch_execute("COMMIT")?,
        }
        Ok(())
    }

    /// Rolls back (errors are ignored: the connection is then unusable anyway).
    pub fn rollback(&mut self) {
        let _ = match self {
            ProjectionDb::Sqlite(conn) => conn.execute_batch("ROLLBACK").map_err(StoreError::from),
            ProjectionDb::Postgres(client) => {
                client.batch_execute("ROLLBACK").map_err(StoreError::from)
            }
        };
    }

    /// Executes a statement; the number of rows changed.
    pub fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match self {
            ProjectionDb::Sqlite(conn) => {
                Ok(conn.execute(sql, rusqlite::params_from_iter(params.iter()))? as u64)
            }
            ProjectionDb::Postgres(client) => {
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                Ok(client.execute(postgres_placeholders(sql).as_str(), &refs)?)
            }
        }
    }

    /// Runs a query; its rows.
    pub fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, StoreError> {
        match self {
            ProjectionDb::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let columns = statement.column_count();
                let mut rows = statement.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        values.push(match row.get_ref(i)? {
                            ValueRef::Null => Value::Null,
                            ValueRef::Integer(v) => Value::Int(v),
                            ValueRef::Text(t) => {
                                Value::Text(String::from_utf8_lossy(t).into_owned())
                            }
                            other => {
                                return Err(StoreError::Corrupt(format!(
                                    "a projection column holds {:?}",
                                    other.data_type()
                                )))
                            }
                        });
                    }
                    out.push(values);
                }
                Ok(out)
            }
            ProjectionDb::Postgres(client) => {
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let rows = client.query(postgres_placeholders(sql).as_str(), &refs)?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut values = Vec::with_capacity(row.len());
                    for (i, column) in row.columns().iter().enumerate() {
                        let value = match *column.type_() {
                            Type::INT8 => row.get::<_, Option<i64>>(i).map(Value::Int),
                            Type::INT4 => {
                                row.get::<_, Option<i32>>(i).map(|v| Value::Int(v.into()))
                            }
                            Type::TEXT | Type::VARCHAR => {
                                row.get::<_, Option<String>>(i).map(Value::Text)
                            }
                            ref other => {
                                return Err(StoreError::Corrupt(format!(
                                    "a projection column has the type {other}"
                                )))
                            }
                        };
                        values.push(value.unwrap_or(Value::Null));
                    }
                    out.push(values);
                }
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::postgres_placeholders;

    #[test]
    fn placeholders_become_dollar_signs_and_nothing_else_changes() {
        assert_eq!(
            postgres_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?'"
        );
    }
}

//! The operations tables kept beside the log, in the same database: operator credentials
//! (`operators`: the admin and supervisor keys that authenticate `/v1/admin/...` calls) and the
//! users managed at the ledger (`ledger_users`: badge, name, role, active, and the Argon2id
//! PIN verifier, which never enters the log).
//!
//! They are created on first use (`CREATE TABLE IF NOT EXISTS`), so a ledger database made
//! before them needs no migration, and none of them is part of what `tally-ledger verify`
//! checks: they are mutable administration, not evidence. Both backends run the same
//! statements but for their types (`BLOB`/`INTEGER` in SQLite, `BYTEA`/`BIGINT` in
//! PostgreSQL).

use rusqlite::OptionalExtension;

use crate::store::{PgStore, SqliteStore, StoreError};

/// What an operator credential may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OperatorRole {
    /// Supervisor calls (re-anchoring a device, reviews).
    Supervisor,
    /// Everything: supervisor calls, enrollment tokens, users.
    Admin,
}

impl OperatorRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorRole::Supervisor => "supervisor",
            OperatorRole::Admin => "admin",
        }
    }

    /// From the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "supervisor" => Some(OperatorRole::Supervisor),
            "admin" => Some(OperatorRole::Admin),
            _ => None,
        }
    }
}

/// An operator credential as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    /// The ed25519 public key.
    pub key: [u8; 32],
    /// Who holds it (the OS user that created the database, or a name given).
    pub name: String,
    /// What it may do.
    pub role: OperatorRole,
    /// When it was revoked, if it was.
    pub revoked_unix_ms: Option<i64>,
}

/// A user managed at the ledger.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    /// The facility.
    pub facility: String,
    /// Badge id.
    pub badge: String,
    /// Name.
    pub name: String,
    /// Role (`operator`, `supervisor`, `admin`: tally_events' `Role` names).
    pub role: String,
    /// Whether the user may sign in.
    pub active: bool,
    /// The Argon2id PHC string (`tally_events::pin::make_verifier`); never logged.
    pub pin_verifier: Option<String>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("facility", &self.facility)
            .field("badge", &self.badge)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// The operations tables of a ledger database.
pub trait OpsStore {
    /// Creates the tables if they are missing.
    fn ensure_ops_schema(&self) -> Result<(), StoreError>;
    /// Registers an operator credential (or changes its name and role, and un-revokes it).
    fn put_operator(&self, row: &OperatorRow, now_unix_ms: i64) -> Result<(), StoreError>;
    /// One operator credential.
    fn operator(&self, key: &[u8; 32]) -> Result<Option<OperatorRow>, StoreError>;
    /// Every operator credential.
    fn operators(&self) -> Result<Vec<OperatorRow>, StoreError>;
    /// Adds or replaces a user.
    fn put_user(&self, row: &UserRow, now_unix_ms: i64) -> Result<(), StoreError>;
    /// One user.
    fn user(&self, facility: &str, badge: &str) -> Result<Option<UserRow>, StoreError>;
    /// A facility's users, by badge.
    fn users(&self, facility: &str) -> Result<Vec<UserRow>, StoreError>;
}

fn key32(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("an operator key is not 32 bytes".into()))
}

fn role(text: String) -> Result<OperatorRole, StoreError> {
    OperatorRole::parse(&text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown operator role {text:?}")))
}

const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS operators (
    key              BLOB PRIMARY KEY CHECK (length(key) = 32),
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'supervisor')),
    created_unix_ms  INTEGER NOT NULL,
    revoked_unix_ms  INTEGER
);
CREATE TABLE IF NOT EXISTS ledger_users (
    facility         TEXT NOT NULL,
    badge            TEXT NOT NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL,
    active           INTEGER NOT NULL CHECK (active IN (0, 1)),
    pin_verifier     TEXT,
    updated_unix_ms  INTEGER NOT NULL,
    PRIMARY KEY (facility, badge)
);
";

impl OpsStore for SqliteStore {
    fn ensure_ops_schema(&self) -> Result<(), StoreError> {
        // A read first: the tables exist almost always, and DDL would take the write lock.
        let present: i64 = self.connection().query_row(
            "SELECT count(*) FROM sqlite_master
             WHERE type = 'table' AND name IN ('operators', 'ledger_users')",
            [],
            |r| r.get(0),
        )?;
        if present != 2 {
            self.connection().execute_batch(SQLITE_SCHEMA)?;
        }
        Ok(())
    }

    fn put_operator(&self, row: &OperatorRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.connection().execute(
            "INSERT INTO operators (key, name, role, created_unix_ms, revoked_unix_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, role = excluded.role,
                 revoked_unix_ms = excluded.revoked_unix_ms",
            rusqlite::params![
                &row.key[..],
                row.name,
                row.role.as_str(),
                now_unix_ms,
                row.revoked_unix_ms
            ],
        )?;
        Ok(())
    }

    fn operator(&self, key: &[u8; 32]) -> Result<Option<OperatorRow>, StoreError> {
        self.ensure_ops_schema()?;
        let row = self
            .connection()
            .query_row(
                "SELECT key, name, role, revoked_unix_ms FROM operators WHERE key = ?1",
                [&key[..]],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(key, name, r, revoked)| {
            Ok(OperatorRow {
                key: key32(key)?,
                name,
                role: role(r)?,
                revoked_unix_ms: revoked,
            })
        })
        .transpose()
    }

    fn operators(&self) -> Result<Vec<OperatorRow>, StoreError> {
        self.ensure_ops_schema()?;
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT key, name, role, revoked_unix_ms FROM operators ORDER BY created_unix_ms, key",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, name, r, revoked) = row?;
            out.push(OperatorRow {
                key: key32(key)?,
                name,
                role: role(r)?,
                revoked_unix_ms: revoked,
            });
        }
        Ok(out)
    }

    fn put_user(&self, row: &UserRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.connection().execute(
            "INSERT OR REPLACE INTO ledger_users
                 (facility, badge, name, role, active, pin_verifier, updated_unix_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                row.facility,
                row.badge,
                row.name,
                row.role,
                row.active,
                row.pin_verifier,
                now_unix_ms
            ],
        )?;
        Ok(())
    }

    fn user(&self, facility: &str, badge: &str) -> Result<Option<UserRow>, StoreError> {
        self.ensure_ops_schema()?;
        Ok(self
            .connection()
            .query_row(
                "SELECT facility, badge, name, role, active, pin_verifier FROM ledger_users
                 WHERE facility = ?1 AND badge = ?2",
                [facility, badge],
                sqlite_user,
            )
            .optional()?)
    }

    fn users(&self, facility: &str) -> Result<Vec<UserRow>, StoreError> {
        self.ensure_ops_schema()?;
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT facility, badge, name, role, active, pin_verifier FROM ledger_users
             WHERE facility = ?1 ORDER BY badge",
        )?;
        let rows = stmt.query_map([facility], sqlite_user)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn sqlite_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        facility: r.get(0)?,
        badge: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        active: r.get(4)?,
        pin_verifier: r.get(5)?,
    })
}

const POSTGRES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS operators (
    key              BYTEA PRIMARY KEY CHECK (length(key) = 32),
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'supervisor')),
    created_unix_ms  BIGINT NOT NULL,
    revoked_unix_ms  BIGINT
);
CREATE TABLE IF NOT EXISTS ledger_users (
    facility         TEXT NOT NULL,
    badge            TEXT NOT NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL,
    active           BOOLEAN NOT NULL,
    pin_verifier     TEXT,
    updated_unix_ms  BIGINT NOT NULL,
    PRIMARY KEY (facility, badge)
);
";

fn pg_user(row: &postgres::Row) -> UserRow {
    UserRow {
        facility: row.get(0),
        badge: row.get(1),
        name: row.get(2),
        role: row.get(3),
        active: row.get(4),
        pin_verifier: row.get(5),
    }
}

fn pg_operator(row: &postgres::Row) -> Result<OperatorRow, StoreError> {
    Ok(OperatorRow {
        key: key32(row.get(0))?,
        name: row.get(1),
        role: role(row.get(2))?,
        revoked_unix_ms: row.get(3),
    })
}

impl OpsStore for PgStore {
    fn ensure_ops_schema(&self) -> Result<(), StoreError> {
        let mut client = self.client();
        // A read first: the tables exist almost always, and DDL would take catalog locks.
        let present: bool = client
            .query_one(
                "SELECT to_regclass('operators') IS NOT NULL
                    AND to_regclass('ledger_users') IS NOT NULL",
                &[],
            )?
            .get(0);
        if present {
            return Ok(());
        }
        // Two processes creating the tables at once: the loser's CREATE fails on the catalog's
        // unique index; the tables exist then, which is all this wants.
        if let Err(e) = client.batch_execute(POSTGRES_SCHEMA) {
            let exists: bool = client
                .query_one(
                    "SELECT count(*) = 2 FROM information_schema.tables
                     WHERE table_schema = current_schema()
                       AND table_name IN ('operators', 'ledger_users')",
                    &[],
                )?
                .get(0);
            if !exists {
                return Err(e.into());
            }
        }
        Ok(())
    }

    fn put_operator(&self, row: &OperatorRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.client().execute(
            "INSERT INTO operators (key, name, role, created_unix_ms, revoked_unix_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, role = excluded.role,
                 revoked_unix_ms = excluded.revoked_unix_ms",
            &[
                &&row.key[..],
                &row.name,
                &row.role.as_str(),
                &now_unix_ms,
                &row.revoked_unix_ms,
            ],
        )?;
        Ok(())
    }

    fn operator(&self, key: &[u8; 32]) -> Result<Option<OperatorRow>, StoreError> {
        self.ensure_ops_schema()?;
        let rows = self.client().query(
            "SELECT key, name, role, revoked_unix_ms FROM operators WHERE key = $1",
            &[&&key[..]],
        )?;
        rows.first().map(pg_operator).transpose()
    }

    fn operators(&self) -> Result<Vec<OperatorRow>, StoreError> {
        self.ensure_ops_schema()?;
        let rows = self.client().query(
            "SELECT key, name, role, revoked_unix_ms FROM operators ORDER BY created_unix_ms, key",
            &[],
        )?;
        rows.iter().map(pg_operator).collect()
    }

    fn put_user(&self, row: &UserRow, now_unix_ms: i64) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.client().execute(
            "INSERT INTO ledger_users
                 (facility, badge, name, role, active, pin_verifier, updated_unix_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (facility, badge) DO UPDATE SET name = excluded.name,
                 role = excluded.role, active = excluded.active,
                 pin_verifier = excluded.pin_verifier, updated_unix_ms = excluded.updated_unix_ms",
            &[
                &row.facility,
                &row.badge,
                &row.name,
                &row.role,
                &row.active,
                &row.pin_verifier,
                &now_unix_ms,
            ],
        )?;
        Ok(())
    }

    fn user(&self, facility: &str, badge: &str) -> Result<Option<UserRow>, StoreError> {
        self.ensure_ops_schema()?;
        let rows = self.client().query(
            "SELECT facility, badge, name, role, active, pin_verifier FROM ledger_users
             WHERE facility = $1 AND badge = $2",
            &[&facility, &badge],
        )?;
        Ok(rows.first().map(pg_user))
    }

    fn users(&self, facility: &str) -> Result<Vec<UserRow>, StoreError> {
        self.ensure_ops_schema()?;
        let rows = self.client().query(
            "SELECT facility, badge, name, role, active, pin_verifier FROM ledger_users
             WHERE facility = $1 ORDER BY badge",
            &[&facility],
        )?;
        Ok(rows.iter().map(pg_user).collect())
    }
}

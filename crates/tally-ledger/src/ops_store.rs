//! The operations tables kept beside the log, in the same database: operator credentials
//! (`operators`: the admin and supervisor keys that authenticate `/v1/admin/...` calls), the
//! users managed at the ledger (`ledger_users`: badge, name, role, active, and the Argon2id
//! PIN verifier, which never enters the log), and supervisor sign-ins on devices
//! (`supervisor_sessions`: only each token's SHA-256; `supervisor_sign_in_failures`: wrong
//! PINs per badge, for the lockout; `crate::supervisor`).
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

/// A supervisor session as stored (`crate::supervisor`): never the token, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the bearer token.
    pub token_sha256: [u8; 32],
    /// SHA-256 of the sign-in request's signature: a request answered once is not answered
    /// again.
    pub request_sha256: [u8; 32],
    /// The device the supervisor signed in on.
    pub device_id: [u8; 32],
    /// Its facility.
    pub facility: String,
    /// The supervisor's badge.
    pub badge: String,
    /// The role at sign-in.
    pub role: String,
    /// When it was opened.
    pub created_unix_ms: i64,
    /// When it ends.
    pub expires_unix_ms: i64,
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
    /// Stores a new session; `false` (and nothing stored) when a session was already opened
    /// by the same sign-in request (same `request_sha256`).
    fn insert_session(&self, row: &SessionRow) -> Result<bool, StoreError>;
    /// The session of a token hash.
    fn session(&self, token_sha256: &[u8; 32]) -> Result<Option<SessionRow>, StoreError>;
    /// Wrong PINs of a badge in the current window: (count, start of the window).
    fn sign_in_failures(
        &self,
        facility: &str,
        badge: &str,
    ) -> Result<Option<(i64, i64)>, StoreError>;
    /// Counts a wrong PIN; a window older than `window_ms` starts again at 1.
    fn record_sign_in_failure(
        &self,
        facility: &str,
        badge: &str,
        now_unix_ms: i64,
        window_ms: i64,
    ) -> Result<(), StoreError>;
    /// Forgets a badge's wrong PINs (after a right one).
    fn clear_sign_in_failures(&self, facility: &str, badge: &str) -> Result<(), StoreError>;
}

fn hash32(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("a stored hash is not 32 bytes".into()))
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
CREATE TABLE IF NOT EXISTS supervisor_sessions (
    token_sha256     BLOB PRIMARY KEY CHECK (length(token_sha256) = 32),
    request_sha256   BLOB NOT NULL UNIQUE CHECK (length(request_sha256) = 32),
    device_id        BLOB NOT NULL CHECK (length(device_id) = 32),
    facility         TEXT NOT NULL,
    badge            TEXT NOT NULL,
    role             TEXT NOT NULL,
    created_unix_ms  INTEGER NOT NULL,
    expires_unix_ms  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS supervisor_sign_in_failures (
    facility         TEXT NOT NULL,
    badge            TEXT NOT NULL,
    failures         INTEGER NOT NULL,
    since_unix_ms    INTEGER NOT NULL,
    PRIMARY KEY (facility, badge)
);
";

/// The tables [`OpsStore::ensure_ops_schema`] makes.
const OPS_TABLES: i64 = 4;

impl OpsStore for SqliteStore {
    fn ensure_ops_schema(&self) -> Result<(), StoreError> {
        // A read first: the tables exist almost always, and DDL would take the write lock.
        let present: i64 = self.connection().query_row(
            "SELECT count(*) FROM sqlite_master
             WHERE type = 'table' AND name IN ('operators', 'ledger_users',
                 'supervisor_sessions', 'supervisor_sign_in_failures')",
            [],
            |r| r.get(0),
        )?;
        if present != OPS_TABLES {
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

    fn insert_session(&self, row: &SessionRow) -> Result<bool, StoreError> {
        self.ensure_ops_schema()?;
        let inserted = self.connection().execute(
            "INSERT INTO supervisor_sessions (token_sha256, request_sha256, device_id, facility,
                 badge, role, created_unix_ms, expires_unix_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            rusqlite::params![
                &row.token_sha256[..],
                &row.request_sha256[..],
                &row.device_id[..],
                row.facility,
                row.badge,
                row.role,
                row.created_unix_ms,
                row.expires_unix_ms
            ],
        )?;
        Ok(inserted == 1)
    }

    fn session(&self, token_sha256: &[u8; 32]) -> Result<Option<SessionRow>, StoreError> {
        self.ensure_ops_schema()?;
        let row = self
            .connection()
            .query_row(
                "SELECT token_sha256, request_sha256, device_id, facility, badge, role,
                     created_unix_ms, expires_unix_ms
                 FROM supervisor_sessions WHERE token_sha256 = ?1",
                [&token_sha256[..]],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, i64>(7)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(token, request, device, facility, badge, role, created, expires)| {
                Ok(SessionRow {
                    token_sha256: hash32(token)?,
                    request_sha256: hash32(request)?,
                    device_id: hash32(device)?,
                    facility,
                    badge,
                    role,
                    created_unix_ms: created,
                    expires_unix_ms: expires,
                })
            },
        )
        .transpose()
    }

    fn sign_in_failures(
        &self,
        facility: &str,
        badge: &str,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        self.ensure_ops_schema()?;
        Ok(self
            .connection()
            .query_row(
                "SELECT failures, since_unix_ms FROM supervisor_sign_in_failures
                 WHERE facility = ?1 AND badge = ?2",
                [facility, badge],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn record_sign_in_failure(
        &self,
        facility: &str,
        badge: &str,
        now_unix_ms: i64,
        window_ms: i64,
    ) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.connection().execute(
            "INSERT INTO supervisor_sign_in_failures (facility, badge, failures, since_unix_ms)
             VALUES (?1, ?2, 1, ?3)
             ON CONFLICT (facility, badge) DO UPDATE SET
                 failures = CASE WHEN excluded.since_unix_ms - since_unix_ms > ?4 THEN 1
                                 ELSE failures + 1 END,
                 since_unix_ms = CASE WHEN excluded.since_unix_ms - since_unix_ms > ?4
                                 THEN excluded.since_unix_ms ELSE since_unix_ms END",
            rusqlite::params![facility, badge, now_unix_ms, window_ms],
        )?;
        Ok(())
    }

    fn clear_sign_in_failures(&self, facility: &str, badge: &str) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.connection().execute(
            "DELETE FROM supervisor_sign_in_failures WHERE facility = ?1 AND badge = ?2",
            [facility, badge],
        )?;
        Ok(())
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
CREATE TABLE IF NOT EXISTS supervisor_sessions (
    token_sha256     BYTEA PRIMARY KEY CHECK (length(token_sha256) = 32),
    request_sha256   BYTEA NOT NULL UNIQUE CHECK (length(request_sha256) = 32),
    device_id        BYTEA NOT NULL CHECK (length(device_id) = 32),
    facility         TEXT NOT NULL,
    badge            TEXT NOT NULL,
    role             TEXT NOT NULL,
    created_unix_ms  BIGINT NOT NULL,
    expires_unix_ms  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS supervisor_sign_in_failures (
    facility         TEXT NOT NULL,
    badge            TEXT NOT NULL,
    failures         BIGINT NOT NULL,
    since_unix_ms    BIGINT NOT NULL,
    PRIMARY KEY (facility, badge)
);
";

fn pg_session(row: &postgres::Row) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        token_sha256: hash32(row.get(0))?,
        request_sha256: hash32(row.get(1))?,
        device_id: hash32(row.get(2))?,
        facility: row.get(3),
        badge: row.get(4),
        role: row.get(5),
        created_unix_ms: row.get(6),
        expires_unix_ms: row.get(7),
    })
}

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
                    AND to_regclass('ledger_users') IS NOT NULL
                    AND to_regclass('supervisor_sessions') IS NOT NULL
                    AND to_regclass('supervisor_sign_in_failures') IS NOT NULL",
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
                    "SELECT count(*) = 4 FROM information_schema.tables
                     WHERE table_schema = current_schema()
                       AND table_name IN ('operators', 'ledger_users', 'supervisor_sessions',
                           'supervisor_sign_in_failures')",
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

    fn insert_session(&self, row: &SessionRow) -> Result<bool, StoreError> {
        self.ensure_ops_schema()?;
        let inserted = self.client().execute(
            "INSERT INTO supervisor_sessions (token_sha256, request_sha256, device_id, facility,
                 badge, role, created_unix_ms, expires_unix_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            &[
                &&row.token_sha256[..],
                &&row.request_sha256[..],
                &&row.device_id[..],
                &row.facility,
                &row.badge,
                &row.role,
                &row.created_unix_ms,
                &row.expires_unix_ms,
            ],
        )?;
        Ok(inserted == 1)
    }

    fn session(&self, token_sha256: &[u8; 32]) -> Result<Option<SessionRow>, StoreError> {
        self.ensure_ops_schema()?;
        let rows = self.client().query(
            "SELECT token_sha256, request_sha256, device_id, facility, badge, role,
                 created_unix_ms, expires_unix_ms
             FROM supervisor_sessions WHERE token_sha256 = $1",
            &[&&token_sha256[..]],
        )?;
        rows.first().map(pg_session).transpose()
    }

    fn sign_in_failures(
        &self,
        facility: &str,
        badge: &str,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        self.ensure_ops_schema()?;
        let rows = self.client().query(
            "SELECT failures, since_unix_ms FROM supervisor_sign_in_failures
             WHERE facility = $1 AND badge = $2",
            &[&facility, &badge],
        )?;
        Ok(rows.first().map(|r| (r.get(0), r.get(1))))
    }

    fn record_sign_in_failure(
        &self,
        facility: &str,
        badge: &str,
        now_unix_ms: i64,
        window_ms: i64,
    ) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.client().execute(
            "INSERT INTO supervisor_sign_in_failures AS f (facility, badge, failures, since_unix_ms)
             VALUES ($1, $2, 1, $3)
             ON CONFLICT (facility, badge) DO UPDATE SET
                 failures = CASE WHEN excluded.since_unix_ms - f.since_unix_ms > $4 THEN 1
                                 ELSE f.failures + 1 END,
                 since_unix_ms = CASE WHEN excluded.since_unix_ms - f.since_unix_ms > $4
                                 THEN excluded.since_unix_ms ELSE f.since_unix_ms END",
            &[&facility, &badge, &now_unix_ms, &window_ms],
        )?;
        Ok(())
    }

    fn clear_sign_in_failures(&self, facility: &str, badge: &str) -> Result<(), StoreError> {
        self.ensure_ops_schema()?;
        self.client().execute(
            "DELETE FROM supervisor_sign_in_failures WHERE facility = $1 AND badge = $2",
            &[&facility, &badge],
        )?;
        Ok(())
    }
}

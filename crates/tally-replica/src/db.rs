//! Opening a replica database: connection settings (WAL, `synchronous=FULL`, foreign keys) and
//! versioned, forward-only schema migrations tracked in `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::ReplicaError;

/// The migrations, in order. Entry `i` brings the schema from version `i` to `i + 1`.
/// A migration is never edited once released; changes are new entries at the end.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_pins.sql"),
    include_str!("migrations/0003_counter_projection.sql"),
    include_str!("migrations/0004_superseded_events.sql"),
    include_str!("migrations/0005_sync.sql"),
    include_str!("migrations/0007_facility_state_system.sql"),
    include_str!("migrations/0008_receiving_differences.sql"),
    include_str!("migrations/0009_ledger_sync.sql"),
    include_str!("migrations/0011_sync_control.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Applies the connection settings every replica connection uses.
///
/// WAL lets readers (lookup, the counting path) run beside the single writer; `synchronous=FULL`
/// makes a commit durable before it returns, which is what "OK" on the device promises.
pub fn configure(conn: &Connection) -> Result<(), ReplicaError> {
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(ReplicaError::Storage(format!(
            "the database refused write-ahead logging (journal mode {mode})"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL;
         PRAGMA foreign_keys=ON;
         PRAGMA busy_timeout=5000;",
    )?;
    tune_reads(conn)
}

/// Read settings for a replica of a million packages on a handheld: pages are read through a
/// memory map (no system call per page), and a 16 MiB page cache keeps the upper levels of the
/// indexes hot. A UID lookup then stays in the tens of microseconds at the 99th percentile.
pub fn tune_reads(conn: &Connection) -> Result<(), ReplicaError> {
    conn.execute_batch("PRAGMA mmap_size=268435456; PRAGMA cache_size=-16384;")?;
    Ok(())
}

/// Opens (creating if needed) a replica database and brings its schema up to date.
pub fn open(path: &Path) -> Result<Connection, ReplicaError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Opens an existing replica database read-only (for the counting path and tools).
///
/// Works from a directory this process cannot write: SQLite's normal read-only open needs to
/// create the `-shm` file beside a WAL database. When it cannot, and there is no `-wal` file
/// (so the main file holds every committed transaction, and no writer can be at work: a
/// writer would need to create the `-wal` file in that same directory), the file is opened as
/// immutable, which reads it without any file beside it.
pub fn open_read_only(path: &Path) -> Result<Connection, ReplicaError> {
    if !path.exists() {
        return Err(ReplicaError::NotFound(format!(
            "no replica database at {}",
            path.display()
        )));
    }
    match open_read_only_with(path, false) {
        Err(ReplicaError::Sqlite(error))
            if cannot_write_beside(&error) && !sidecar(path, "-wal").exists() =>
        {
            open_read_only_with(path, true)
        }
        other => other,
    }
}

/// `<path><suffix>`: SQLite's `-wal` and `-shm` files.
fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    std::path::PathBuf::from(name)
}

/// Whether SQLite failed because it could not create a file beside the database.
fn cannot_write_beside(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen
            )
    )
}

fn open_read_only_with(path: &Path, immutable: bool) -> Result<Connection, ReplicaError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        let uri = url_path(path)?;
        Connection::open_with_flags(
            format!("file:{uri}?immutable=1"),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.execute_batch("PRAGMA busy_timeout=5000;")?;
    tune_reads(&conn)?;
    let version = schema_version(&conn)?;
    if version != SCHEMA_VERSION {
        return Err(ReplicaError::Storage(format!(
            "the replica has schema version {version}, this tally reads version {SCHEMA_VERSION}"
        )));
    }
    Ok(conn)
}

/// The absolute path of `path`, percent-encoded for an SQLite `file:` URI.
fn url_path(path: &Path) -> Result<String, ReplicaError> {
    let absolute = std::path::absolute(path)
        .map_err(|e| ReplicaError::io(format!("cannot resolve {}", path.display()), e))?;
    let text = absolute.to_str().ok_or_else(|| {
        ReplicaError::Storage(format!("the path {} is not UTF-8", path.display()))
    })?;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    Ok(out)
}

/// The schema version recorded in the database.
pub fn schema_version(conn: &Connection) -> Result<u32, ReplicaError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version)
        .map_err(|_| ReplicaError::Storage(format!("invalid schema version {version}")))
}

/// Runs every migration the database has not seen yet, each in its own transaction.
pub fn migrate(conn: &Connection) -> Result<(), ReplicaError> {
    let current = schema_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(ReplicaError::Storage(format!(
            "the replica was written by a newer tally (schema {current}, this build knows {SCHEMA_VERSION})"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let next = index as u32 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {next};\nCOMMIT;"
        ))
        .inspect_err(|_| {
            // Leave no half-applied migration behind; the error is reported by the caller.
            let _ = conn.execute_batch("ROLLBACK");
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_gets_the_latest_schema_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let conn = open(&path).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous must be FULL");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        drop(conn);
        // Reopening migrates nothing and keeps the version.
        let conn = open(&path).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let conn = open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 999").unwrap();
        drop(conn);
        let err = open(&path).unwrap_err();
        assert!(err.to_string().contains("newer tally"), "{err}");
    }
}

//! `tally replica stats`: what a replica holds, in numbers, and digests of its view.

use rusqlite::Connection;

use crate::error::ReplicaError;

/// Counts of what a replica holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Schema version.
    pub schema_version: u32,
    /// Events in the device log.
    pub events: i64,
    /// Of which not yet acknowledged by the ledger.
    pub unacknowledged: i64,
    /// Events from other devices received as deltas.
    pub remote_events: i64,
    /// Locations.
    pub locations: i64,
    /// Items.
    pub items: i64,
    /// Batches.
    pub batches: i64,
    /// Packages by status, in status order.
    pub packages: Vec<(String, i64)>,
    /// Inbound manifests.
    pub inbound_manifests: i64,
    /// Outbound manifests.
    pub outbound_manifests: i64,
    /// Pick lists.
    pub pick_lists: i64,
    /// Count tasks.
    pub count_tasks: i64,
    /// Users.
    pub users: i64,
    /// Open conflicts between devices.
    pub conflicts: i64,
    /// Deltas that could not be folded, kept for a supervisor.
    pub held_deltas: i64,
    /// Events of this device the ledger holds and its log does not (forks).
    pub forks: i64,
}

fn count(conn: &Connection, sql: &str) -> Result<i64, ReplicaError> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Reads the statistics of a replica.
pub fn stats(conn: &Connection) -> Result<Stats, ReplicaError> {
    let mut packages = Vec::new();
    let mut stmt =
        conn.prepare("SELECT status, count(*) FROM packages GROUP BY status ORDER BY status")?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        packages.push(row?);
    }
    Ok(Stats {
        schema_version: crate::db::schema_version(conn)?,
        events: count(conn, "SELECT count(*) FROM event_log")?,
        unacknowledged: count(
            conn,
            "SELECT count(*) FROM event_log WHERE acknowledged = 0",
        )?,
        remote_events: count(conn, "SELECT count(*) FROM remote_events")?,
        locations: count(conn, "SELECT count(*) FROM locations")?,
        items: count(conn, "SELECT count(*) FROM items")?,
        batches: count(conn, "SELECT count(*) FROM batches")?,
        packages,
        inbound_manifests: count(conn, "SELECT count(*) FROM inbound_manifests")?,
        outbound_manifests: count(conn, "SELECT count(*) FROM outbound_manifests")?,
        pick_lists: count(conn, "SELECT count(*) FROM pick_lists")?,
        count_tasks: count(conn, "SELECT count(*) FROM count_tasks")?,
        users: count(conn, "SELECT count(*) FROM users")?,
        conflicts: count(conn, "SELECT count(*) FROM conflicts")?,
        held_deltas: count(conn, "SELECT count(*) FROM held_deltas")?,
        forks: count(conn, "SELECT count(*) FROM fork_evidence")?,
    })
}

/// Every view table, in a fixed order (what a replay must reproduce). The local tables
/// `pin_verifiers` and `pin_attempts` are not view and are never listed here.
pub const VIEW_TABLES: &[&str] = &[
    "facilities",
    "facility_state_systems",
    "devices",
    "locations",
    "items",
    "batches",
    "totes",
    "packages",
    "inbound_manifests",
    "inbound_lines",
    "inbound_receipts",
    "outbound_manifests",
    "outbound_lines",
    "pick_lists",
    "pick_lines",
    "picks",
    "count_tasks",
    "count_task_locations",
    "count_task_items",
    "count_expected",
    "count_lines",
    "counter_lines",
    "count_counters",
    "count_recounts",
    "adjustments",
    "users",
    "user_lockouts",
    "reason_codes",
    "scales",
    "readings",
    "destructions",
    "investigations",
    "investigation_packages",
    "voided",
    "package_history",
    "conflicts",
    "device_marks",
    "local_changes",
];

/// A digest of every view table's rows, independent of physical row order: two replicas with
/// the same view have the same digest.
pub fn view_digest(conn: &Connection) -> Result<[u8; 32], ReplicaError> {
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    for table in VIEW_TABLES {
        let columns: i64 = conn.query_row(
            &format!("SELECT count(*) FROM pragma_table_info('{table}')"),
            [],
            |r| r.get(0),
        )?;
        let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
        let sql = format!("SELECT * FROM {table} ORDER BY {}", order.join(", "));
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        hasher.update(table.as_bytes());
        while let Some(row) = rows.next()? {
            for i in 0..columns as usize {
                let value = row.get_ref(i)?;
                let text = match value {
                    rusqlite::types::ValueRef::Null => "N".to_owned(),
                    rusqlite::types::ValueRef::Integer(v) => format!("I{v}"),
                    rusqlite::types::ValueRef::Real(v) => format!("R{v}"),
                    rusqlite::types::ValueRef::Text(t) => {
                        format!("T{}:{}", t.len(), String::from_utf8_lossy(t))
                    }
                    rusqlite::types::ValueRef::Blob(b) => format!("B{}", hex::encode(b)),
                };
                hasher.update(text.as_bytes());
                hasher.update([0u8]);
            }
            hasher.update([1u8]);
        }
    }
    Ok(hasher.finalize().into())
}

/// The digest a replay of a device's logged inputs gives when it never loaded a snapshot (its
/// own log and the deltas it stored, see [`crate::sync::replay_view_digest`]): the crash
/// test's "the view equals a replay of the log".
pub fn replay_digest(conn: &Connection) -> Result<[u8; 32], ReplicaError> {
    crate::sync::replay_view_digest(conn, None)
}

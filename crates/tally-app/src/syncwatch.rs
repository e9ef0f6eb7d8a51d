//! The sync watcher: a thread with its own read-only connection that reads tallyd's tables in
//! the replica (`tally_replica::outbox::summary`: events waiting, last success, last error and
//! its kind, checkpoint, ledger URL) every [`POLL`] and sends an [`Event::Sync`] when anything
//! changed (and at least every [`REFRESH`], so "2 min ago" stays true). tallyd writes those
//! tables from its own process (or, in `tally demo`, its own thread); the app only reads them,
//! so home and 0 Sync show the daemon's progress live without asking it anything.

use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::event::{Event, SyncStatus};

/// How often the watcher reads the replica.
pub const POLL: Duration = Duration::from_millis(500);
/// The longest time between two reports, changed or not.
pub const REFRESH: Duration = Duration::from_secs(15);

/// The wall clock, Unix ms.
fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Reads the sync state once.
pub fn read(view: &Connection) -> Option<SyncStatus> {
    tally_replica::outbox::summary(view)
        .ok()
        .map(|summary| SyncStatus::read(summary, now_unix_ms()))
}

/// Starts the watcher on the replica at `db`; it ends at its next report after the app's event
/// channel closed (within [`REFRESH`]), or with the process.
pub fn spawn(db: &Path, events: Sender<Event>) -> std::io::Result<()> {
    let db = db.to_owned();
    std::thread::Builder::new()
        .name("tally-sync-watch".into())
        .spawn(move || watch(&db, &events))?;
    Ok(())
}

fn watch(db: &Path, events: &Sender<Event>) {
    let mut view: Option<Connection> = None;
    let mut last: Option<(tally_replica::outbox::SyncSummary, Instant)> = None;
    loop {
        // The worker may still be creating or migrating the replica: try again next time.
        if view.is_none() {
            view = tally_replica::db::open_read_only(db).ok();
        }
        if let Some(status) = view.as_ref().and_then(read) {
            let summary = status.detail.as_ref().map(|d| d.summary.clone());
            let changed = match (&last, &summary) {
                (Some((before, at)), Some(now)) => before != now || at.elapsed() >= REFRESH,
                _ => true,
            };
            if changed {
                if events.send(Event::Sync(status)).is_err() {
                    return;
                }
                last = summary.map(|s| (s, Instant::now()));
            }
        }
        std::thread::sleep(POLL);
    }
}

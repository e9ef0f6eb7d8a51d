//! The reader: a thread with a read-only connection to the replica that answers the screens'
//! reads (home's tasks and sync state, lookups) as [`Event::Read`]s, so a read never holds up
//! a frame and never takes the worker's write lock.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tally_events::Date;
use tally_replica::workflow::count::CountingView;
use tally_replica::workflow::lookup::{lookup, Found};
use tally_replica::ReplicaError;

use crate::event::{Event, Failure, HomeSummary, ReadReply, ReadRequest, SupervisorWork};

/// Where read requests go, each with its id.
pub type Reads = Sender<(u64, ReadRequest)>;

/// Home's tasks for `badge` and the sync state, from the view.
pub fn home_summary(view: &Connection, badge: &str) -> Result<HomeSummary, ReplicaError> {
    let (inbound_manifests, pick_lists, count_tasks) = view
        .prepare_cached(
            "SELECT (SELECT count(*) FROM inbound_manifests WHERE status <> 'closed'),
                    (SELECT count(*) FROM pick_lists WHERE status = 'open'),
                    (SELECT count(*) FROM count_tasks WHERE status <> 'closed'
                        AND (assigned_to IS NULL OR assigned_to = ?1))",
        )?
        .query_row([badge], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    // tallyd's state (replica migration 0008): the outbox and the last successful sync.
    let sync = tally_replica::outbox::summary(view)?;
    Ok(HomeSummary {
        inbound_manifests,
        pick_lists,
        count_tasks,
        events_waiting: i64::try_from(sync.events_waiting).unwrap_or(i64::MAX),
        last_sync_unix_ms: sync.last_success_unix_ms,
        ledger_cursor: tally_replica::sync::ledger_cursor(view)?,
        signing_stopped: tally_replica::sync::signing_stopped(view)?.is_some(),
    })
}

/// The counter's walled connection on the same replica file as `view`: count reads never run
/// on the plain read-only connection.
fn counting_view(view: &Connection) -> Result<CountingView, ReplicaError> {
    let path = view
        .path()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ReplicaError::Storage("the replica has no file to count on".into()))?;
    CountingView::open(std::path::Path::new(path))
}

/// What waits for a supervisor (refused for other roles). Every lockout on record is listed
/// (the reader has no facility clock; one that has run out can still be cleared).
fn supervisor_work(
    view: &Connection,
    who: &tally_replica::workflow::Session,
) -> Result<SupervisorWork, ReplicaError> {
    Ok(SupervisorWork {
        reviews: tally_floor::counts_in_review(view, who)?,
        locked: tally_floor::locked_badges(view, who, i64::MIN)?,
        conflicts: tally_floor::conflicts(view, who)?,
    })
}

/// Answers one read.
pub fn perform(view: &Connection, request: ReadRequest) -> ReadReply {
    match request {
        ReadRequest::Home { badge } => {
            ReadReply::Home(home_summary(view, &badge).map_err(Failure::from))
        }
        ReadRequest::Lookup { scan } => {
            ReadReply::Lookup(look_up(view, &scan, today(view)).map_err(Failure::from))
        }
        ReadRequest::Receiving(read) => {
            ReadReply::Receiving(crate::screens::receive::work::answer(view, &read))
        }
        ReadRequest::ConflictSides { who, uid } => ReadReply::ConflictSides(
            tally_floor::conflict_sides(view, &who, &uid).map_err(Failure::from),
        ),
        ReadRequest::Pallet { label } => {
            ReadReply::Pallet(tally_floor::pallet_contents(view, &label).map_err(Failure::from))
        }
        ReadRequest::Outbound => {
            ReadReply::Outbound(tally_floor::open_outbound(view).map_err(Failure::from))
        }
        ReadRequest::Loading { manifest } => {
            ReadReply::Loading(tally_floor::compare_loading(view, &manifest).map_err(Failure::from))
        }
        ReadRequest::PickLists => {
            ReadReply::PickLists(tally_floor::open_pick_lists(view).map_err(Failure::from))
        }
        ReadRequest::SupervisorWork { who } => {
            ReadReply::SupervisorWork(supervisor_work(view, &who).map_err(Failure::from))
        }
        ReadRequest::Review { who, task } => {
            ReadReply::Review(tally_floor::review(view, &who, &task).map_err(Failure::from))
        }
        ReadRequest::CountTasks => ReadReply::CountTasks(
            counting_view(view)
                .and_then(|cv| tally_floor::count_tasks(&cv))
                .map_err(Failure::from),
        ),
        ReadRequest::MyCountLines { who, task } => ReadReply::MyCountLines(
            counting_view(view)
                .and_then(|cv| tally_floor::my_lines(&cv, &who, &task))
                .map(|lines| {
                    let entered = lines.iter().filter(|l| l.quantity.is_some()).count();
                    (lines.len(), entered)
                })
                .map_err(Failure::from),
        ),
    }
}

/// Looks up what was typed or scanned, read under the facility's state systems.
fn look_up(view: &Connection, scan: &str, today: Date) -> Result<Found, ReplicaError> {
    let scanned = tally_replica::workflow::typed(view, scan, today)?;
    lookup(view, &scanned)
}

/// Today at the facility (its time zone) from the system clock: it anchors GS1's two-digit
/// years.
fn today(view: &Connection) -> Date {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    tally_floor::facility_today(view, ms).unwrap_or_else(|_| tally_floor::date_in_zone(ms, "UTC"))
}

fn serve(view: Connection, requests: Receiver<(u64, ReadRequest)>, events: Sender<Event>) {
    for (id, request) in requests {
        let reply = perform(&view, request);
        if events.send(Event::Read { id, reply }).is_err() {
            return;
        }
    }
}

/// Starts the reader on a read-only connection.
pub fn spawn(view: Connection, events: Sender<Event>) -> std::io::Result<(Reads, JoinHandle<()>)> {
    let (requests, inbox) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("tally-reader".into())
        .spawn(move || serve(view, inbox, events))?;
    Ok((requests, handle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Home reads tallyd's sync table: events above the outbox mark wait, and the last
    /// successful sync is shown once there is one.
    #[test]
    fn home_reads_the_sync_daemons_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = tally_replica::db::open(&dir.path().join("r.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('device', '0303030303030303030303030303030303030303030303030303030303030303');
             INSERT INTO event_log (seq, hash, kind, actor, bytes) VALUES
                 (1, zeroblob(32), 1, '', x'00'), (2, zeroblob(32), 3, 'B-1', x'00'),
                 (3, zeroblob(32), 3, 'B-1', x'00');",
        )
        .unwrap();
        let before = home_summary(&conn, "B-1").unwrap();
        assert_eq!((before.events_waiting, before.last_sync_unix_ms), (3, None));
        let device = tally_events::DeviceId([3; 32]);
        let row = |seq| tally_replica::outbox::ReceiptRow {
            seq,
            log_index: seq,
            tree_size: 10,
        };
        tally_replica::outbox::mark_pushed(&mut conn, &device, &[row(1), row(2)]).unwrap();
        tally_replica::outbox::record_pass(&mut conn, Ok(()), 1_700_000_000_000).unwrap();
        let after = home_summary(&conn, "B-1").unwrap();
        assert_eq!(
            (after.events_waiting, after.last_sync_unix_ms),
            (1, Some(1_700_000_000_000))
        );
    }
}

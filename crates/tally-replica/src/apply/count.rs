//! Blind counts: rounds, counted lines (each also written to the counter's projection),
//! submissions, recounts, closing and approved adjustments (mirrors [`crate::workflow::count`]).

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::{
    AdjustmentApproved, CountClosed, CountLineRecorded, CountStarted, CountSubmitted,
    CountSweepRecorded, RecountRequested, RfidSweepRecorded, RfidTagRead,
};

use super::{qty, EventMeta};
use crate::error::ReplicaError;
/// A sweep of kind 17, which names no task: filed under the actor's counting task at the
/// location (the first by id). Kept for logs written before kind 279; with two tasks counting
/// one location it cannot tell which one the sweep was for.
pub(super) fn rfid_sweep_recorded(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &RfidSweepRecorded,
) -> Result<(), ReplicaError> {
    // During a blind count, a sweep at a counted location lists the packages found.
    let Some(location) = p.location.as_deref() else {
        return Ok(());
    };
    let task: Option<(String, i64)> = view
        .prepare_cached(
            "SELECT t.id, t.round FROM count_tasks t JOIN count_task_locations l ON l.task_id = t.id
             WHERE t.status = 'counting' AND t.counter = ?1 AND l.location_id = ?2 ORDER BY t.id LIMIT 1",
        )?
        .query_row([meta.actor, location], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((task, round)) = task {
        file_found(view, meta, &task, round, location, &p.tags)?;
    }
    Ok(())
}

/// A count sweep (kind 279) is filed under the task and round it names, and only while that
/// round is being counted by the sweep's actor at a location of the task: a sweep naming a
/// task of another location, a closed or submitted task, another counter's task or an earlier
/// round files nothing (the event stays in the log for review).
pub(super) fn count_sweep_recorded(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &CountSweepRecorded,
) -> Result<(), ReplicaError> {
    let round = i64::from(p.round);
    let counting: bool = view
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM count_tasks t JOIN count_task_locations l ON l.task_id = t.id
             WHERE t.id = ?1 AND t.round = ?2 AND t.status = 'counting' AND t.counter = ?3
               AND l.location_id = ?4)",
        )?
        .query_row(
            params![p.count_task_id, round, meta.actor, p.location],
            |r| r.get(0),
        )?;
    if counting {
        file_found(view, meta, &p.count_task_id, round, &p.location, &p.tags)?;
    }
    Ok(())
}

/// Files the packages a sweep found (no quantity yet) in a round's lines and in the counter's
/// projection, and the actor among the task's counters.
fn file_found(
    view: &Connection,
    meta: &EventMeta<'_>,
    task: &str,
    round: i64,
    location: &str,
    tags: &[RfidTagRead],
) -> Result<(), ReplicaError> {
    let mut insert = view.prepare_cached(
        "INSERT OR IGNORE INTO count_lines (task_id, round, uid, location_id, counter)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut project = view.prepare_cached(
        "INSERT OR IGNORE INTO counter_lines (task_id, round, uid, location_id, counter)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for uid in tags.iter().filter_map(|t| t.decoded_uid.as_deref()) {
        insert.execute(params![task, round, uid, location, meta.actor])?;
        project.execute(params![task, round, uid, location, meta.actor])?;
    }
    view.prepare_cached("INSERT OR IGNORE INTO count_counters (task_id, badge) VALUES (?1, ?2)")?
        .execute(params![task, meta.actor])?;
    Ok(())
}

pub(super) fn count_started(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &CountStarted,
) -> Result<(), ReplicaError> {
    let round = i64::from(p.round);
    view.prepare_cached(
        "UPDATE count_tasks SET status = 'counting', round = ?2, counter = ?3,
         first_counter = coalesce(first_counter, ?3) WHERE id = ?1",
    )?
    .execute(params![p.count_task_id, round, meta.actor])?;
    // The counter's projection starts empty every round: earlier rounds stay hidden.
    view.prepare_cached("DELETE FROM counter_lines WHERE task_id = ?1")?
        .execute([&p.count_task_id])?;
    view.prepare_cached("INSERT OR IGNORE INTO count_counters (task_id, badge) VALUES (?1, ?2)")?
        .execute(params![p.count_task_id, meta.actor])?;
    if round == 1 {
        view.prepare_cached("DELETE FROM count_expected WHERE task_id = ?1")?
            .execute([&p.count_task_id])?;
        view.prepare_cached(
            "INSERT INTO count_expected (task_id, uid, location_id, quantity, unit)
             SELECT ?1, p.uid, p.location_id, p.quantity, p.unit FROM packages p
             WHERE p.location_id IN (SELECT location_id FROM count_task_locations WHERE task_id = ?1)
               AND p.status NOT IN ('destroyed', 'finished', 'in_transit')
               AND (NOT EXISTS (SELECT 1 FROM count_task_items WHERE task_id = ?1)
                    OR p.item_id IN (SELECT item_id FROM count_task_items WHERE task_id = ?1))",
        )?
        .execute([&p.count_task_id])?;
    }
    Ok(())
}

pub(super) fn count_line_recorded(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &CountLineRecorded,
) -> Result<(), ReplicaError> {
    let (amount, unit) = qty(p.quantity)?;
    view.prepare_cached(
        "INSERT INTO count_lines (task_id, round, uid, location_id, quantity, unit, counter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit,
         location_id = excluded.location_id",
    )?
    .execute(params![
        p.count_task_id,
        p.round,
        p.uid,
        p.location,
        amount,
        unit,
        meta.actor
    ])?;
    view.prepare_cached(
        "INSERT INTO counter_lines (task_id, round, uid, location_id, quantity, unit, counter)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM count_tasks
         WHERE id = ?1 AND round = ?2 AND status = 'counting'
         ON CONFLICT DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit,
         location_id = excluded.location_id",
    )?
    .execute(params![
        p.count_task_id,
        p.round,
        p.uid,
        p.location,
        amount,
        unit,
        meta.actor
    ])?;
    view.prepare_cached("INSERT OR IGNORE INTO count_counters (task_id, badge) VALUES (?1, ?2)")?
        .execute(params![p.count_task_id, meta.actor])?;
    Ok(())
}

pub(super) fn count_submitted(view: &Connection, p: &CountSubmitted) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE count_tasks SET status = 'review' WHERE id = ?1 AND round = ?2")?
        .execute(params![p.count_task_id, p.round])?;
    view.prepare_cached("DELETE FROM counter_lines WHERE task_id = ?1 AND round = ?2")?
        .execute(params![p.count_task_id, p.round])?;
    Ok(())
}

pub(super) fn recount_requested(
    view: &Connection,
    p: &RecountRequested,
) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE count_tasks SET status = 'recount' WHERE id = ?1")?
        .execute([&p.count_task_id])?;
    let mut insert = view.prepare_cached(
        "INSERT OR IGNORE INTO count_recounts (task_id, round, uid) VALUES (?1, ?2, ?3)",
    )?;
    for uid in &p.uids {
        insert.execute(params![p.count_task_id, p.round, uid])?;
    }
    Ok(())
}

pub(super) fn count_closed(view: &Connection, p: &CountClosed) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE count_tasks SET status = 'closed' WHERE id = ?1")?
        .execute([&p.count_task_id])?;
    Ok(())
}

pub(super) fn adjustment_approved(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &AdjustmentApproved,
) -> Result<(), ReplicaError> {
    let origin = meta.origin.label();
    let reference = meta.origin.reference();
    let (from, unit) = qty(p.from)?;
    let (to, _) = qty(p.to)?;
    view.prepare_cached(
        "INSERT OR REPLACE INTO adjustments (origin, ref, uid, task_id, from_qty, to_qty, unit, reason, approver)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![origin, reference, p.uid, p.count_task_id, from, to, unit, p.reason_code, p.approver])?;
    view.prepare_cached("UPDATE packages SET quantity = ?2 WHERE uid = ?1")?
        .execute(params![p.uid, to])?;
    Ok(())
}

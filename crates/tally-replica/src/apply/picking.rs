//! Picking: picks into totes, short picks and staged totes (mirrors [`crate::workflow::picking`]).

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::{PickRecorded, PickShorted, ToteStaged};

use super::{inconsistent, qty};
use crate::error::ReplicaError;
pub(super) fn pick_recorded(view: &Connection, p: &PickRecorded) -> Result<(), ReplicaError> {
    let (amount, unit) = qty(p.quantity)?;
    view.prepare_cached("INSERT OR IGNORE INTO totes (id) VALUES (?1)")?
        .execute([&p.tote_id])?;
    view.prepare_cached(
        "INSERT INTO picks (pick_list_id, line_no, uid, quantity, unit, tote_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO UPDATE SET quantity = picks.quantity + excluded.quantity, tote_id = excluded.tote_id",
    )?
    .execute(params![p.pick_list_id, p.line, p.uid, amount, unit, p.tote_id])?;
    view.prepare_cached(
        "UPDATE pick_lines SET picked = picked + ?3 WHERE pick_list_id = ?1 AND line_no = ?2",
    )?
    .execute(params![p.pick_list_id, p.line, amount])?;
    let current: Option<i64> = view
        .prepare_cached("SELECT quantity FROM packages WHERE uid = ?1")?
        .query_row([&p.uid], |r| r.get(0))
        .optional()?;
    match current {
        // The whole package goes into the tote.
        Some(have) if have <= amount => {
            view.prepare_cached("UPDATE packages SET tote_id = ?2 WHERE uid = ?1")?
                .execute(params![p.uid, p.tote_id])?;
        }
        // Part of it: the rest stays where it is.
        Some(_) => {
            view.prepare_cached("UPDATE packages SET quantity = quantity - ?2 WHERE uid = ?1")?
                .execute(params![p.uid, amount])?;
        }
        None => return Err(inconsistent(format!("pick of unknown package {}", p.uid))),
    }
    close_pick_list_if_done(view, &p.pick_list_id)?;
    Ok(())
}

pub(super) fn pick_shorted(view: &Connection, p: &PickShorted) -> Result<(), ReplicaError> {
    let (amount, _) = qty(p.short)?;
    view.prepare_cached(
        "UPDATE pick_lines SET short = short + ?3, short_reason = ?4 WHERE pick_list_id = ?1 AND line_no = ?2",
    )?
    .execute(params![p.pick_list_id, p.line, amount, p.reason_code])?;
    close_pick_list_if_done(view, &p.pick_list_id)?;
    Ok(())
}

pub(super) fn tote_staged(view: &Connection, p: &ToteStaged) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT INTO totes (id, route, location_id) VALUES (?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET route = excluded.route, location_id = excluded.location_id",
    )?
    .execute(params![p.tote_id, p.route_id, p.location])?;
    view.prepare_cached("UPDATE packages SET location_id = ?2 WHERE tote_id = ?1")?
        .execute(params![p.tote_id, p.location])?;
    Ok(())
}

pub(super) fn close_pick_list_if_done(
    view: &Connection,
    pick_list: &str,
) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "UPDATE pick_lists SET status = 'done' WHERE id = ?1 AND NOT EXISTS
         (SELECT 1 FROM pick_lines WHERE pick_list_id = ?1 AND picked + short < quantity)",
    )?
    .execute([pick_list])?;
    Ok(())
}

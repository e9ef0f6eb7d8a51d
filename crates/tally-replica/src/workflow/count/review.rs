//! The writer's side of a blind count: a submitted round is compared with the expected stock
//! frozen at count start ([`evaluate`], pure), beyond-tolerance lines go to a recount, and a
//! supervisor who did not count reviews every line, approves each adjustment with a reason
//! code and closes the count. Only this side reads expected quantities; the counter learns
//! which UIDs to recount, never by how much.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};

use tally_events::payload::{AdjustmentApproved, CountClosed, CountSubmitted, RecountRequested};
use tally_events::{Payload, Quantity};

use super::{task_state, wire_round};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::{Decision, ReasonKind, Refusal};
use crate::workflow::{
    facility_tag, settings, Plan, Session, Settings, StateTag, StepResult, MAX_RECOUNTS,
};

/// What the counter learns on submission: which UIDs to recount, never by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// UIDs to recount (empty: the count goes to a supervisor).
    pub recount: Vec<String>,
}

/// Computes the submission on the writer side (it reads expected stock). Call inside the write
/// transaction after [`super::submit_check`]; the outcome holds no quantities.
pub fn submit(view: &Connection, task: &str, round: i64) -> StepResult<Submitted> {
    let task = task.trim();
    let evaluation = evaluate_task(view, task, round)?;
    let s = settings(view)?;
    let recount: Vec<String> = if round <= MAX_RECOUNTS {
        evaluation
            .iter()
            .filter(|line| line.beyond_tolerance)
            .map(|line| line.uid.clone())
            .collect()
    } else {
        Vec::new()
    };
    let lines: i64 = view
        .prepare_cached("SELECT count(*) FROM count_lines WHERE task_id = ?1 AND round = ?2")?
        .query_row(params![task, round], |r| r.get(0))?;
    let mut facts = vec![Payload::CountSubmitted(CountSubmitted {
        count_task_id: task.to_owned(),
        round: wire_round(round)?,
        lines: u32::try_from(lines).unwrap_or(u32::MAX),
    })];
    if !recount.is_empty() {
        // More UIDs than one record holds: several requests in this one action.
        for uids in recount.chunks(tally_events::limits::UIDS_MAX) {
            facts.push(Payload::RecountRequested(RecountRequested {
                count_task_id: task.to_owned(),
                round: wire_round(round + 1)?,
                uids: uids.to_vec(),
                by_another_counter: s.recount_by_another,
            }));
        }
    }
    Ok(Plan::new(Submitted { recount }, facts))
}

/// Class of a reviewed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineClass {
    /// Expected and found.
    Found,
    /// Expected, not found (counts as zero).
    Missing,
    /// Found, not expected here.
    Unexpected,
}

/// One reviewed line (supervisor side only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variance {
    /// Tag.
    pub uid: String,
    /// Class.
    pub class: LineClass,
    /// Expected quantity, if expected.
    pub expected: Option<Quantity>,
    /// Final counted quantity (zero when missing).
    pub counted: Quantity,
    /// counted − expected, in the expected unit (a count in another unit compares as zero).
    pub variance: i64,
    /// Whether beyond the facility's tolerance.
    pub beyond_tolerance: bool,
}

/// Expected stock of one package at count start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedLine {
    /// Tag.
    pub uid: String,
    /// Quantity.
    pub quantity: Quantity,
}

/// The pure comparison of expected stock with the final counted quantities. Expected packages
/// not counted count as zero; packages counted but not expected are unexpected (always beyond
/// tolerance).
pub fn evaluate(
    expected: &[ExpectedLine],
    counted: &BTreeMap<String, Quantity>,
    settings: &Settings,
) -> Vec<Variance> {
    let tolerance = |q: Quantity| match q {
        Quantity::Units(_) => settings.count_tolerance_units,
        Quantity::Milligrams(_) => settings.count_tolerance_mg,
    };
    let mut out = Vec::new();
    let expected_uids: BTreeSet<&str> = expected.iter().map(|e| e.uid.as_str()).collect();
    for line in expected {
        let (class, found) = match counted.get(&line.uid) {
            Some(q) => (LineClass::Found, *q),
            None => (LineClass::Missing, model::with_amount(line.quantity, 0)),
        };
        let comparable = model::same_unit(found, line.quantity);
        let found_amount = if comparable { model::amount(found) } else { 0 };
        let variance = found_amount.saturating_sub(model::amount(line.quantity));
        out.push(Variance {
            uid: line.uid.clone(),
            class,
            expected: Some(line.quantity),
            counted: found,
            variance,
            beyond_tolerance: !comparable
                || variance.unsigned_abs() > tolerance(line.quantity).unsigned_abs(),
        });
    }
    for (uid, q) in counted {
        if !expected_uids.contains(uid.as_str()) {
            out.push(Variance {
                uid: uid.clone(),
                class: LineClass::Unexpected,
                expected: None,
                counted: *q,
                variance: model::amount(*q),
                beyond_tolerance: true,
            });
        }
    }
    out
}

/// Final counted quantity of every UID: the value from the last round whose scope included it
/// (round 1 covers everything; round r > 1 covers its recount list). Not found there = absent.
fn final_counts(
    view: &Connection,
    task: &str,
    round: i64,
) -> Result<BTreeMap<String, Quantity>, ReplicaError> {
    let mut lines: BTreeMap<(i64, String), Quantity> = BTreeMap::new();
    let mut stmt = view.prepare_cached(
        "SELECT round, uid, quantity, unit FROM count_lines WHERE task_id = ?1 AND round <= ?2",
    )?;
    let rows = stmt.query_map(params![task, round], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    for row in rows {
        let (r, uid, amount, unit) = row?;
        if let Some(q) = amount.zip(unit).and_then(|(a, u)| model::join(a, &u)) {
            lines.insert((r, uid), q);
        }
    }
    let mut scope: BTreeMap<String, i64> = BTreeMap::new();
    for ((r, uid), _) in lines.iter() {
        if *r == 1 {
            scope.insert(uid.clone(), 1);
        }
    }
    let mut stmt = view.prepare_cached(
        "SELECT round, uid FROM count_recounts WHERE task_id = ?1 AND round <= ?2 ORDER BY round",
    )?;
    for row in stmt.query_map(params![task, round], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (r, uid) = row?;
        scope.insert(uid, r);
    }
    let mut out = BTreeMap::new();
    for (uid, r) in scope {
        if let Some(q) = lines.get(&(r, uid.clone())) {
            out.insert(uid, *q);
        }
    }
    Ok(out)
}

fn expected_lines(view: &Connection, task: &str) -> Result<Vec<ExpectedLine>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT uid, quantity, unit FROM count_expected WHERE task_id = ?1 ORDER BY uid",
    )?;
    let rows = stmt.query_map([task], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, amount, unit) = row?;
        let quantity = model::join(amount, &unit).ok_or_else(|| {
            ReplicaError::Storage(format!("bad expected quantity {amount} {unit}"))
        })?;
        out.push(ExpectedLine { uid, quantity });
    }
    Ok(out)
}

fn evaluate_task(view: &Connection, task: &str, round: i64) -> Result<Vec<Variance>, ReplicaError> {
    let expected = expected_lines(view, task)?;
    let counted = final_counts(view, task, round)?;
    Ok(evaluate(&expected, &counted, &settings(view)?))
}

fn counters(view: &Connection, task: &str) -> Result<BTreeSet<String>, ReplicaError> {
    let state = task_state(view, task)?;
    let mut out: BTreeSet<String> = state
        .first_counter
        .into_iter()
        .chain(state.counter)
        .collect();
    let mut stmt =
        view.prepare_cached("SELECT DISTINCT counter FROM count_lines WHERE task_id = ?1")?;
    for c in stmt.query_map([task], |r| r.get::<_, String>(0))? {
        out.insert(c?);
    }
    Ok(out)
}

fn in_review(view: &Connection, task: &str) -> Result<i64, ReplicaError> {
    let state = task_state(view, task)?;
    if state.status != "review" {
        return Err(Refusal::NotInReview {
            task: task.to_owned(),
        }
        .into());
    }
    Ok(state.round)
}

/// The supervisor's review: every line with expected and counted quantities.
pub fn review(view: &Connection, who: &Session, task: &str) -> Result<Vec<Variance>, ReplicaError> {
    who.require_supervisor()?;
    let task = task.trim();
    let round = in_review(view, task)?;
    evaluate_task(view, task, round)
}

fn adjusted(view: &Connection, task: &str) -> Result<BTreeSet<String>, ReplicaError> {
    let mut stmt = view.prepare_cached("SELECT uid FROM adjustments WHERE task_id = ?1")?;
    let rows = stmt.query_map([task], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A supervisor approves the adjustment of one package to its counted quantity.
pub fn approve(
    view: &Connection,
    who: &Session,
    task: &str,
    package: &StateTag,
    reason_code: &str,
) -> StepResult<Variance> {
    who.require_supervisor()?;
    let task = task.trim();
    let round = in_review(view, task)?;
    if counters(view, task)?.contains(&who.badge) {
        return Err(Refusal::ApproverIsCounter {
            badge: who.badge.clone(),
        }
        .into());
    }
    let reason = crate::workflow::reason(view, reason_code, ReasonKind::Adjustment)?;
    let uid = facility_tag(view, package)?;
    let line = evaluate_task(view, task, round)?
        .into_iter()
        .find(|line| line.uid == uid && line.class != LineClass::Unexpected)
        .ok_or_else(|| Refusal::UnknownPackage { uid: uid.clone() })?;
    if line.variance == 0 {
        return Err(Refusal::NoVariance { uid }.into());
    }
    if adjusted(view, task)?.contains(&uid) {
        return Err(Refusal::AlreadyDecided {
            uid,
            decision: Decision::Adjusted,
        }
        .into());
    }
    let Some(expected) = line.expected else {
        return Err(Refusal::UnknownPackage { uid }.into());
    };
    let to = if model::same_unit(expected, line.counted) {
        line.counted
    } else {
        model::with_amount(expected, 0)
    };
    Ok(Plan::new(
        line.clone(),
        vec![Payload::AdjustmentApproved(AdjustmentApproved {
            uid,
            from: expected,
            to,
            reason_code: reason,
            approver: who.badge.clone(),
            count_task_id: Some(task.to_owned()),
        })],
    ))
}

/// A supervisor closes the count once every variance has an approved adjustment.
pub fn close(view: &Connection, who: &Session, task: &str) -> StepResult<()> {
    who.require_supervisor()?;
    let task = task.trim();
    let round = in_review(view, task)?;
    let done = adjusted(view, task)?;
    let open = evaluate_task(view, task, round)?
        .into_iter()
        .filter(|l| l.class != LineClass::Unexpected && l.variance != 0 && !done.contains(&l.uid))
        .count();
    if open > 0 {
        return Err(Refusal::VariancesOpen {
            task: task.to_owned(),
            open,
        }
        .into());
    }
    Ok(Plan::new(
        (),
        vec![Payload::CountClosed(CountClosed {
            count_task_id: task.to_owned(),
        })],
    ))
}

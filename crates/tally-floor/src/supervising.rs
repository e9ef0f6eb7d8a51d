//! The supervisor's floor work: counts waiting for review with each line's variance, an
//! adjustment approved with a reason code, a reviewed count closed, the badges locked out
//! after wrong PINs and their unlocking, and the conflicts the replica flagged between this
//! device and the ledger. Every rule (a supervisor only, never one who counted, never one's own
//! badge) is `tally_replica::workflow`'s; what only a supervisor may read is read through the
//! workflow's supervisor-checked steps.

use rusqlite::{Connection, OptionalExtension};
use tally_replica::workflow::conflicts::{self, Settlement};
use tally_replica::workflow::count::{self, Variance};
use tally_replica::workflow::{Session, StateTag};
use tally_replica::{Refusal, Replica, ReplicaError};

use crate::floor::{Floor, Outcome, Step};

/// A count waiting for a supervisor's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    /// Count task id.
    pub task: String,
    /// The last round counted.
    pub round: i64,
    /// Adjustments approved so far.
    pub adjusted: u32,
}

/// The counts waiting for review, by id. A supervisor's list: refused for other roles.
pub fn counts_in_review(view: &Connection, who: &Session) -> Result<Vec<ReviewRow>, ReplicaError> {
    who.require_supervisor()?;
    let mut stmt = view.prepare_cached(
        "SELECT t.id, t.round, (SELECT count(*) FROM adjustments a WHERE a.task_id = t.id)
         FROM count_tasks t WHERE t.status = 'review' ORDER BY t.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ReviewRow {
            task: r.get(0)?,
            round: r.get(1)?,
            adjusted: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every line of a count in review: expected, counted, variance (the supervisor's view only).
pub fn review(view: &Connection, who: &Session, task: &str) -> Result<Vec<Variance>, ReplicaError> {
    count::review(view, who, task)
}

/// A badge locked out after wrong PINs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedBadge {
    /// Badge id.
    pub badge: String,
    /// Wrong PINs in a row that locked it.
    pub failed_attempts: u32,
    /// Locked until (facility time, ms since the epoch).
    pub locked_until_ms: i64,
}

/// The badges locked out at facility time `now_ms`, by badge. A supervisor's list.
pub fn locked_badges(
    view: &Connection,
    who: &Session,
    now_ms: i64,
) -> Result<Vec<LockedBadge>, ReplicaError> {
    who.require_supervisor()?;
    let mut stmt = view.prepare_cached(
        "SELECT badge, failed_attempts, locked_until_ms FROM user_lockouts
         WHERE locked_until_ms > ?1 ORDER BY badge",
    )?;
    let rows = stmt.query_map([now_ms], |r| {
        Ok(LockedBadge {
            badge: r.get(0)?,
            failed_attempts: r.get(1)?,
            locked_until_ms: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A package the replica flagged in conflict: this device changed it and the ledger's order
/// put another device's change to it in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    /// Package tag.
    pub uid: String,
    /// This device's last change to it (seq in its log).
    pub local_seq: i64,
    /// The ledger's conflicting event.
    pub ledger_index: i64,
    /// The conflicting event's kind name.
    pub remote_kind: String,
}

/// Both sides of a package's conflict, for the supervisor who settles it: what the replica
/// holds for the package now, this device's changes and the ledger's events they crossed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictSides {
    /// Package tag.
    pub uid: String,
    /// Its quantity as recorded now.
    pub quantity: tally_events::Quantity,
    /// Its location as recorded now.
    pub location: Option<String>,
    /// Its status as recorded now.
    pub status: tally_events::payload::PackageStatus,
    /// This device's side: each change (seq in its log, kind name).
    pub local: Vec<(i64, String)>,
    /// The ledger's side: each crossing event (ledger index, kind name).
    pub remote: Vec<(i64, String)>,
}

fn kind_name(kind: i64) -> String {
    u16::try_from(kind)
        .ok()
        .and_then(tally_events::payload::kind_name)
        .unwrap_or_else(|| format!("kind {kind}"))
}

/// Both sides of the conflict of `uid`. A supervisor's read; refused for a package with no
/// conflict on record.
pub fn conflict_sides(
    view: &Connection,
    who: &Session,
    uid: &str,
) -> Result<ConflictSides, ReplicaError> {
    who.require_supervisor()?;
    let rows: Vec<ConflictRow> = conflicts(view, who)?
        .into_iter()
        .filter(|c| c.uid == uid)
        .collect();
    if rows.is_empty() {
        return Err(Refusal::NotInConflict {
            uid: uid.to_owned(),
        }
        .into());
    }
    let package = tally_replica::workflow::known_package(view, uid)?;
    let mut local = Vec::new();
    for seq in rows.iter().map(|c| c.local_seq) {
        if local.iter().any(|(s, _)| *s == seq) {
            continue;
        }
        let kind: Option<i64> = view
            .prepare_cached("SELECT kind FROM event_log WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))
            .optional()?;
        local.push((seq, kind.map_or_else(|| "?".to_owned(), kind_name)));
    }
    let remote = rows
        .iter()
        .map(|c| (c.ledger_index, c.remote_kind.clone()))
        .collect();
    Ok(ConflictSides {
        uid: uid.to_owned(),
        quantity: package.quantity,
        location: package.location_id,
        status: package.status,
        local,
        remote,
    })
}

/// The conflicts on record, by package. A supervisor's list.
pub fn conflicts(view: &Connection, who: &Session) -> Result<Vec<ConflictRow>, ReplicaError> {
    who.require_supervisor()?;
    let mut stmt = view.prepare_cached(
        "SELECT uid, local_seq, ledger_index, remote_kind FROM conflicts ORDER BY uid, ledger_index",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, local_seq, ledger_index, kind) = row?;
        let remote_kind = u16::try_from(kind)
            .ok()
            .and_then(tally_events::payload::kind_name)
            .unwrap_or_else(|| format!("kind {kind}"));
        out.push(ConflictRow {
            uid,
            local_seq,
            ledger_index,
            remote_kind,
        });
    }
    Ok(out)
}

impl Floor {
    /// Approves the adjustment of `uid` in count `task` to its counted quantity, with a reason
    /// code (irreversible: the screen confirms first).
    pub fn approve_adjustment(
        &self,
        replica: &mut Replica,
        who: &Session,
        task: &str,
        package: &StateTag,
        reason_code: &str,
    ) -> Result<Step, ReplicaError> {
        let (line, recorded) = replica.act(&who.badge, |view| {
            count::approve(view, who, task, package, reason_code)
        })?;
        Ok(Step {
            outcome: Outcome::Approved(line),
            recorded,
        })
    }

    /// Closes a reviewed count (every variance adjusted).
    pub fn close_count(
        &self,
        replica: &mut Replica,
        who: &Session,
        task: &str,
    ) -> Result<Step, ReplicaError> {
        let ((), recorded) = replica.act(&who.badge, |view| count::close(view, who, task))?;
        Ok(Step {
            outcome: Outcome::CountClosed {
                task: task.trim().to_owned(),
            },
            recorded,
        })
    }

    /// Settles the conflicts of a package as the supervisor found it (irreversible: the screen
    /// confirms first).
    pub fn settle_conflict(
        &self,
        replica: &mut Replica,
        who: &Session,
        settlement: &Settlement<'_>,
    ) -> Result<Step, ReplicaError> {
        let (settled, recorded) =
            replica.act(&who.badge, |view| conflicts::settle(view, who, settlement))?;
        Ok(Step {
            outcome: Outcome::ConflictSettled(settled),
            recorded,
        })
    }

    /// Lifts the lockout of `badge`.
    pub fn unlock_badge(
        &self,
        replica: &mut Replica,
        who: &Session,
        badge: &str,
    ) -> Result<Step, ReplicaError> {
        who.require_supervisor().map_err(ReplicaError::from)?;
        let recorded = replica.unlock(who, badge)?;
        Ok(Step {
            outcome: Outcome::Unlocked {
                badge: tally_replica::workflow::session::badge_text(badge),
            },
            recorded,
        })
    }
}

/// Whether `who` may use the supervisor's screen; the refusal says why not.
pub fn may_supervise(who: &Session) -> Result<(), Refusal> {
    who.require_supervisor()
}

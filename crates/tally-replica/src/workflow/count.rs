//! Blind cycle counts.
//!
//! The counter works on a [`CountingView`]: a read-only connection with no raw handle, on which
//! only the fixed statements of [`COUNTER_STATEMENTS`] run. They read only the counter's
//! projection, written by the fold: `counter_lines` (the lines of the round being counted now,
//! emptied when a round starts or is submitted), `count_counters`, the tasks and their
//! locations, the `packages_counter_items` index (what a package is, never how much or
//! where) and the facility's state system (`facility_state_systems`: a tag of another system is
//! no package here, on the counting path as on every other). Expected stock (`count_expected`,
//! frozen at count start), earlier rounds (`count_lines`) and package quantities and locations
//! are simply not in what the counter can reach; the walls of [`super::counter_wall`] (an
//! authorizer and a check of every statement's bytecode) refuse any statement that would open
//! them. The counting steps' types carry no
//! expected quantity.
//!
//! Counting lives here; the writer's side of a submission and the supervisor's review live in
//! [`review`] (re-exported here). On submission one pure function, [`evaluate`], computes found / missing / unexpected and the
//! variance of each line on the writer side; the counter only learns which UIDs to recount.
//! A recount is again blind, by another counter when the facility requires it. A supervisor who
//! did not count approves each adjustment with a reason code; uncounted expected packages count
//! as zero at review.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use rusqlite::{params, CachedStatement, Connection, OpenFlags, OptionalExtension, Statement};
use tally_ids::StateSystems;

use tally_events::payload::{CountLineRecorded, CountStarted, CountSweepRecorded, RfidTagRead};
use tally_events::{Bytes, Payload, Quantity};

use super::counter_wall::{Wall, WallBreach};
use super::scale::{self, Reading};
use super::{
    systems_named, tag_in, Identifier, Plan, Session, StateTag, StepResult, BURST_TAGS_MAX,
    ID_LEN_MAX,
};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::{Action, Many, Refusal};

mod review;

pub use review::{
    approve, close, evaluate, review, submit, ExpectedLine, LineClass, Submitted, Variance,
};

/// Most tags in one `CountScanned` fact (the event log's list limit).
pub const TAGS_PER_FACT_MAX: usize = tally_events::limits::SWEEP_TAGS_MAX;

/// The counter's statements: the only SQL the counting connection ever runs (besides the
/// scale register read of [`scale::validate`]). Each reads only the counter's projection and is
/// admitted by [`Wall::admit`] when a [`CountingView`] opens.
pub const COUNTER_STATEMENTS: &[&str] = &[
    SQL_TASK_STATE,
    SQL_IN_TASK,
    SQL_TASKS,
    SQL_TASK_LOCATIONS,
    SQL_RECOUNT_BY_ANOTHER,
    SQL_COUNTERS,
    SQL_FOUND,
    SQL_ITEM_UNIT,
    SQL_MY_LINES,
    SQL_OPEN_LINES,
    SQL_STATE_SYSTEM,
];

const SQL_TASK_STATE: &str =
    "SELECT status, round, counter, first_counter, assigned_to FROM count_tasks WHERE id = ?1";
const SQL_IN_TASK: &str =
    "SELECT location_id FROM count_task_locations WHERE task_id = ?1 AND location_id = ?2";
const SQL_TASKS: &str = "SELECT id, status, round FROM count_tasks
     WHERE status IN ('scheduled','counting','recount') ORDER BY id";
const SQL_TASK_LOCATIONS: &str = "SELECT l.id FROM count_task_locations t
     JOIN locations l ON l.id = t.location_id WHERE t.task_id = ?1 ORDER BY l.id";
const SQL_RECOUNT_BY_ANOTHER: &str = "SELECT recount_by_another FROM facilities
     ORDER BY id = (SELECT value FROM meta WHERE key = 'facility') DESC, id LIMIT 1";
const SQL_COUNTERS: &str = "SELECT badge FROM count_counters WHERE task_id = ?1";
const SQL_FOUND: &str =
    "SELECT uid, quantity IS NOT NULL FROM counter_lines WHERE task_id = ?1 AND round = ?2";
const SQL_ITEM_UNIT: &str = "SELECT i.unit FROM packages p INDEXED BY packages_counter_items
     JOIN items i ON i.id = p.item_id WHERE p.uid = ?1";
const SQL_MY_LINES: &str = "SELECT uid, location_id, quantity, unit FROM counter_lines
     WHERE task_id = ?1 AND round = ?2 AND counter = ?3 ORDER BY uid";
const SQL_OPEN_LINES: &str = "SELECT count(*) FROM counter_lines
     WHERE task_id = ?1 AND round = ?2 AND quantity IS NULL";
const SQL_STATE_SYSTEM: &str = "SELECT state_system FROM facility_state_systems
     WHERE facility_id = (SELECT value FROM meta WHERE key = 'facility')";

/// The counting path's handle on the replica: a read-only connection behind the counter's
/// walls ([`super::counter_wall`]), reachable only through the counting steps of this module.
/// It has no raw connection to hand out:
///
/// ```compile_fail
/// fn leak(cv: &tally_replica::workflow::count::CountingView) {
///     let _ = cv.connection();
/// }
/// ```
#[derive(Debug)]
pub struct CountingView {
    conn: Connection,
}

impl CountingView {
    /// Opens the counting connection on a replica file, raises the wall and admits every
    /// statement of [`COUNTER_STATEMENTS`] (refusing to open if one would read a hidden value).
    pub fn open(path: &Path) -> Result<CountingView, ReplicaError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch("PRAGMA busy_timeout=5000; PRAGMA query_only=1;")?;
        crate::db::tune_reads(&conn)?;
        let wall = Wall::raise(&conn)?;
        for sql in COUNTER_STATEMENTS {
            wall.admit(&conn, sql)?;
        }
        Ok(CountingView { conn })
    }

    /// One of the counter's fixed statements; any other text is refused.
    fn prepare(&self, sql: &'static str) -> Result<CachedStatement<'_>, ReplicaError> {
        if !COUNTER_STATEMENTS.contains(&sql) {
            return Err(WallBreach {
                statement: sql.to_owned(),
                reason: "it is not one of the counter's statements".into(),
            }
            .into());
        }
        Ok(self.conn.prepare_cached(sql)?)
    }
}

/// A count task as the counter sees it: where to count, never how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    /// Task id.
    pub id: String,
    /// Status.
    pub status: String,
    /// Current round.
    pub round: i64,
    /// Locations to count, in walking order.
    pub locations: Vec<String>,
    /// The facility's rule: a recount is counted by someone who counted no earlier round.
    pub recount_by_another: bool,
}

impl TaskView {
    /// The round a counter who opens the task counts: the first of a scheduled task, the one
    /// being counted, or the recount that follows a round sent back for recounting (what
    /// [`start`] starts).
    pub fn round_to_count(&self) -> i64 {
        match self.status.as_str() {
            "recount" => self.round + 1,
            _ => self.round.max(1),
        }
    }

    /// Whether that round is a recount (the second or a later one).
    pub fn is_recount(&self) -> bool {
        self.round_to_count() > 1
    }
}

/// A line the counter entered (their own data only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedLine {
    /// Tag.
    pub uid: String,
    /// Where it was found.
    pub location_id: String,
    /// Quantity entered, if yet.
    pub quantity: Option<Quantity>,
}

struct TaskState {
    status: String,
    round: i64,
    counter: Option<String>,
    first_counter: Option<String>,
    assigned_to: Option<String>,
}

fn read_task_state(stmt: &mut Statement<'_>, task: &str) -> Result<TaskState, ReplicaError> {
    stmt.query_row([task], |r| {
        Ok(TaskState {
            status: r.get(0)?,
            round: r.get(1)?,
            counter: r.get(2)?,
            first_counter: r.get(3)?,
            assigned_to: r.get(4)?,
        })
    })
    .optional()?
    .ok_or_else(|| {
        Refusal::UnknownCount {
            task: task.chars().take(ID_LEN_MAX).collect(),
        }
        .into()
    })
}

/// A task's state on the writer side.
fn task_state(view: &Connection, task: &str) -> Result<TaskState, ReplicaError> {
    read_task_state(&mut *view.prepare_cached(SQL_TASK_STATE)?, task)
}

fn counting_by(cv: &CountingView, task: &str, who: &Session) -> Result<i64, ReplicaError> {
    let state = read_task_state(&mut *cv.prepare(SQL_TASK_STATE)?, task)?;
    if state.status != "counting" {
        return Err(Refusal::CountNotStarted {
            task: task.to_owned(),
        }
        .into());
    }
    match state.counter {
        Some(counter) if counter == who.badge => Ok(state.round),
        Some(counter) => Err(Refusal::NotTheCounter {
            task: task.to_owned(),
            counter,
        }
        .into()),
        None => Err(ReplicaError::Storage(format!(
            "count {task} has no counter"
        ))),
    }
}

/// A package tag as a tag of the facility's state system (read on the counting connection,
/// like [`super::state_systems`] on the writer's), or a refusal.
fn counted_tag(cv: &CountingView, tag: &StateTag) -> Result<String, ReplicaError> {
    Ok(tag_in(tag, facility_systems(cv)?)?)
}

/// The facility's state systems, read on the counting connection.
fn facility_systems(cv: &CountingView) -> Result<StateSystems, ReplicaError> {
    let system: Option<String> = cv
        .prepare(SQL_STATE_SYSTEM)?
        .query_row([], |r| r.get(0))
        .optional()?;
    systems_named(system.as_deref())
}

fn in_task(cv: &CountingView, task: &str, location: &str) -> Result<String, ReplicaError> {
    let location = location.trim();
    let found: Option<String> = cv
        .prepare(SQL_IN_TASK)?
        .query_row([task, location], |r| r.get(0))
        .optional()?;
    found.ok_or_else(|| {
        Refusal::NotInCount {
            location: location.chars().take(ID_LEN_MAX).collect(),
            task: task.to_owned(),
        }
        .into()
    })
}

/// The tasks a counter can work on (scheduled or waiting for a recount).
pub fn tasks(cv: &CountingView) -> Result<Vec<TaskView>, ReplicaError> {
    let rows: Vec<(String, String, i64)> = cv
        .prepare(SQL_TASKS)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let recount_by_another = recount_by_another(cv)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, status, round) in rows {
        let locations = cv
            .prepare(SQL_TASK_LOCATIONS)?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        out.push(TaskView {
            id,
            status,
            round,
            locations,
            recount_by_another,
        });
    }
    Ok(out)
}

/// The facility's rule: a recount by someone who counted no earlier round.
fn recount_by_another(cv: &CountingView) -> Result<bool, ReplicaError> {
    Ok(cv
        .prepare(SQL_RECOUNT_BY_ANOTHER)?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Starts the first count, or a recount round.
pub fn start(cv: &CountingView, who: &Session, task: &str) -> StepResult<i64> {
    let task = task.trim();
    let state = read_task_state(&mut *cv.prepare(SQL_TASK_STATE)?, task)?;
    let round = match state.status.as_str() {
        "scheduled" => {
            if let Some(assigned) = state.assigned_to.as_deref() {
                if assigned != who.badge {
                    return Err(Refusal::NotTheCounter {
                        task: task.to_owned(),
                        counter: assigned.to_owned(),
                    }
                    .into());
                }
            }
            1
        }
        "recount" => state.round + 1,
        "counting" if state.counter.as_deref() == Some(who.badge.as_str()) => {
            return Ok(Plan::nothing(state.round));
        }
        _ => {
            return Err(Refusal::CountUnavailable {
                task: task.to_owned(),
            }
            .into())
        }
    };
    if round > 1 && recount_by_another(cv)? {
        let mut earlier: BTreeSet<String> = state.first_counter.into_iter().collect();
        for counter in cv
            .prepare(SQL_COUNTERS)?
            .query_map([task], |r| r.get::<_, String>(0))?
        {
            earlier.insert(counter?);
        }
        if let Some(previous) = state.counter {
            earlier.insert(previous);
        }
        if earlier.contains(&who.badge) {
            return Err(Refusal::RecountBySameCounter {
                badge: who.badge.clone(),
            }
            .into());
        }
    }
    let wire_round = u8::try_from(round).map_err(|_| Refusal::TooManyRounds {
        task: task.to_owned(),
    })?;
    Ok(Plan::new(
        round,
        vec![Payload::CountStarted(CountStarted {
            count_task_id: task.to_owned(),
            round: wire_round,
        })],
    ))
}

/// What a sweep added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanTally {
    /// New packages found.
    pub new: usize,
    /// Already found in this round, or read twice in the sweep (ignored).
    pub duplicates: usize,
    /// Reads that were not package tags (ignored).
    pub unreadable: usize,
}

/// UIDs already found in this round, and whether each has a quantity yet.
fn found(
    cv: &CountingView,
    task: &str,
    round: i64,
) -> Result<BTreeMap<String, bool>, ReplicaError> {
    let mut stmt = cv.prepare(SQL_FOUND)?;
    let rows = stmt.query_map(params![task, round], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn wire_round(round: i64) -> Result<u8, ReplicaError> {
    u8::try_from(round)
        .map_err(|_| ReplicaError::Storage(format!("count round {round} out of range")))
}

/// One tag read by an RFID reader, decoded ([`Identifier::read`] of the EPC bank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRead {
    /// The EPC bank as read (recorded as the evidence of the find).
    pub epc: Vec<u8>,
    /// What the EPC identifies; `None` when it is unreadable.
    pub identifier: Option<Identifier>,
}

/// An RFID sweep during a count: every package tag (of the facility's state system) read at
/// `location` is found once; tags read twice in the sweep or already found in this round of
/// `task` are ignored, and reads that are no package tag are counted as unreadable. The sweep
/// is recorded in one transaction as `CountSweepRecorded` events naming `task` and its round
/// (several events when it holds more than [`TAGS_PER_FACT_MAX`] tags), so the fold files the
/// finds where the duplicates were checked, even when another task of the same counter is
/// counting the same location.
pub fn sweep(
    cv: &CountingView,
    who: &Session,
    task: &str,
    location: &str,
    reader: &str,
    reads: &[TagRead],
) -> StepResult<ScanTally> {
    let task = task.trim();
    if reads.len() > BURST_TAGS_MAX {
        return Err(Refusal::TooMany {
            max: BURST_TAGS_MAX,
            what: Many::TagsInSweep,
        }
        .into());
    }
    let round = counting_by(cv, task, who)?;
    let location = in_task(cv, task, location)?;
    let mut seen: HashSet<String> = found(cv, task, round)?.into_keys().collect();
    let systems = facility_systems(cv)?;
    let mut tally = ScanTally::default();
    let mut fresh = Vec::new();
    for read in reads {
        let uid = read
            .identifier
            .as_ref()
            .and_then(Identifier::state_tag)
            .and_then(|tag| tag_in(tag, systems).ok());
        // An EPC longer than any tag's (256 bits) is not a package tag: unreadable, never cut.
        let uid = uid.filter(|_| read.epc.len() <= tally_events::limits::EPC_BYTES);
        match uid {
            Some(uid) => {
                if seen.insert(uid.clone()) {
                    fresh.push(RfidTagRead {
                        epc: Bytes(read.epc.clone()),
                        decoded_uid: Some(uid),
                    });
                    tally.new += 1;
                } else {
                    tally.duplicates += 1;
                }
            }
            _ => tally.unreadable += 1,
        }
    }
    let round = wire_round(round)?;
    let facts = fresh
        .chunks(TAGS_PER_FACT_MAX)
        .map(|chunk| {
            Payload::CountSweepRecorded(CountSweepRecorded {
                count_task_id: task.to_owned(),
                round,
                reader: reader.chars().take(ID_LEN_MAX).collect(),
                location: location.clone(),
                tags: chunk.to_vec(),
            })
        })
        .collect();
    Ok(Plan::new(tally, facts))
}

/// What a barcode scan during a count found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// A package to enter or weigh now.
    Found {
        /// Tag.
        uid: String,
        /// Whether it is weighed (`true`) or counted in units.
        weighed: bool,
    },
    /// Already counted in this round; ignored.
    Duplicate {
        /// Tag.
        uid: String,
    },
}

/// A barcode scan during a count (a package tag of the facility's state system). Records
/// nothing: the line is recorded with its quantity.
pub fn scan(
    cv: &CountingView,
    who: &Session,
    task: &str,
    location: &str,
    scanned: &Identifier,
) -> StepResult<Scanned> {
    let task = task.trim();
    let round = counting_by(cv, task, who)?;
    in_task(cv, task, location)?;
    let uid = match scanned.state_tag() {
        Some(tag) => counted_tag(cv, tag)?,
        None => return Err(scanned.not_a_tag().into()),
    };
    if found(cv, task, round)?.get(&uid) == Some(&true) {
        return Ok(Plan::nothing(Scanned::Duplicate { uid }));
    }
    let weighed = item_unit(cv, &uid)? == Some(model::MG);
    Ok(Plan::nothing(Scanned::Found { uid, weighed }))
}

/// The unit column of a package's item (the counter may read what a package is, not how much).
fn item_unit(cv: &CountingView, uid: &str) -> Result<Option<&'static str>, ReplicaError> {
    let unit: Option<String> = cv
        .prepare(SQL_ITEM_UNIT)?
        .query_row([uid], |r| r.get(0))
        .optional()?;
    Ok(match unit.as_deref() {
        Some("each") => Some(model::EACH),
        Some("mg") => Some(model::MG),
        _ => None,
    })
}

/// What the counter gives as the quantity of a found package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Typed units.
    Units(u64),
    /// A scale reading (weighed packages).
    Weighed(Reading),
}

/// Whether an entry was recorded or ignored as a duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entered {
    /// Recorded.
    Recorded,
    /// This package already has a quantity in this round; ignored.
    Duplicate,
}

/// Records the quantity of a package found at `location` in this round.
pub fn enter(
    cv: &CountingView,
    who: &Session,
    task: &str,
    location: &str,
    package: &StateTag,
    entry: &Entry,
    today: &str,
) -> StepResult<Entered> {
    let task = task.trim();
    let round = counting_by(cv, task, who)?;
    let location = in_task(cv, task, location)?;
    let uid = counted_tag(cv, package)?;
    if found(cv, task, round)?.get(&uid) == Some(&true) {
        return Ok(Plan::nothing(Entered::Duplicate));
    }
    let unit = item_unit(cv, &uid)?;
    let mut facts = Vec::new();
    let quantity = match (entry, unit) {
        (Entry::Units(n), Some(model::EACH) | None) => Quantity::Units(*n),
        (Entry::Units(_), Some(_)) => return Err(Refusal::WeighIt { uid }.into()),
        (Entry::Weighed(reading), Some(model::MG) | None) => {
            // The scale register holds no hidden value; the authorizer still guards this read.
            let weighed = scale::validate(&cv.conn, reading, today, Some(&uid))?;
            let mg = u64::try_from(weighed.weight_mg).unwrap_or(0);
            facts.push(Payload::WeightRecorded(weighed.event));
            Quantity::Milligrams(mg)
        }
        (Entry::Weighed(_), Some(_)) => return Err(Refusal::CountIt { uid }.into()),
    };
    facts.push(Payload::CountLineRecorded(CountLineRecorded {
        count_task_id: task.to_owned(),
        round: wire_round(round)?,
        location,
        uid,
        quantity,
    }));
    Ok(Plan::new(Entered::Recorded, facts))
}

/// The counter's own lines of the current round (the projection holds no other round).
pub fn my_lines(
    cv: &CountingView,
    who: &Session,
    task: &str,
) -> Result<Vec<CountedLine>, ReplicaError> {
    let round = counting_by(cv, task.trim(), who)?;
    let mut stmt = cv.prepare(SQL_MY_LINES)?;
    let rows = stmt.query_map(params![task.trim(), round, who.badge], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, location_id, amount, unit) = row?;
        let quantity = match (amount, unit.as_deref()) {
            (Some(amount), Some(unit)) => model::join(amount, unit),
            _ => None,
        };
        out.push(CountedLine {
            uid,
            location_id,
            quantity,
        });
    }
    Ok(out)
}

/// Checks on the counting view that the counter may submit; returns the round.
pub fn submit_check(cv: &CountingView, who: &Session, task: &str) -> Result<i64, ReplicaError> {
    let task = task.trim();
    let round = counting_by(cv, task, who)?;
    let open: i64 = cv
        .prepare(SQL_OPEN_LINES)?
        .query_row(params![task, round], |r| r.get(0))?;
    if open > 0 {
        return Err(Refusal::QuantitiesMissing {
            count: usize::try_from(open).unwrap_or(usize::MAX),
        }
        .into());
    }
    Ok(round)
}

/// The count task that is counting `location` now, if any: from count start until its last
/// round is submitted (status `counting` or `recount`), what is there must not change.
pub fn counting_at(view: &Connection, location: &str) -> Result<Option<String>, ReplicaError> {
    Ok(view
        .prepare_cached(
            "SELECT t.id FROM count_task_locations l JOIN count_tasks t ON t.id = l.task_id
             WHERE l.location_id = ?1 AND t.status IN ('counting','recount') ORDER BY t.id LIMIT 1",
        )?
        .query_row([location], |r| r.get(0))
        .optional()?)
}

/// Refuses `action` when `location` is being counted (see [`counting_at`]).
pub fn refuse_while_counted(
    view: &Connection,
    location: Option<&str>,
    action: Action,
) -> Result<(), ReplicaError> {
    match location {
        Some(location) if counting_at(view, location)?.is_some() => Err(Refusal::UnderCount {
            location: location.to_owned(),
            action,
        }
        .into()),
        _ => Ok(()),
    }
}

/// Refuses a move, pick or destruction by someone in the middle of counting: their answers
/// would depend on where packages are, and so tell the counter what is expected where.
pub fn refuse_while_counting(view: &Connection, who: &Session) -> Result<(), ReplicaError> {
    let task: Option<String> = view
        .prepare_cached(
            "SELECT id FROM count_tasks WHERE status = 'counting' AND counter = ?1 ORDER BY id LIMIT 1",
        )?
        .query_row([&who.badge], |r| r.get(0))
        .optional()?;
    match task {
        Some(task) => Err(Refusal::CountInProgress { task }.into()),
        None => Ok(()),
    }
}

/// Whether any count on this device is open (started and not closed by a supervisor). While
/// one is, lookup withholds every package's location and quantity.
pub fn any_count_open(view: &Connection) -> Result<bool, ReplicaError> {
    Ok(view
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM count_tasks WHERE status IN ('counting','recount','review'))",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Locations under a count that is not closed (quantities there are redacted everywhere).
pub fn locations_under_count(view: &Connection) -> Result<BTreeSet<String>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT DISTINCT l.location_id FROM count_task_locations l JOIN count_tasks t ON t.id = l.task_id
         WHERE t.status IN ('counting','recount','review')",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

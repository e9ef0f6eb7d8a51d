//! What the device withholds of its own log while a count is open.
//!
//! From count start until a supervisor closes the count (statuses `counting`, `recount`,
//! `review`), every view of the device's history (`tally log show --db`) withholds the
//! quantities and weights of events about the counted stock: the packages in the counted
//! locations, the packages expected or found there, and every count event of an open count
//! (round 1's numbers must not reach the recount). An export file shown on its own is an
//! auditor's view and shows everything.

use std::collections::BTreeSet;

use rusqlite::Connection;
use tally_events::Payload;

use crate::apply::payload_uids;
use crate::error::ReplicaError;

/// The counted stock of the open counts on a device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountedStock {
    /// Open count tasks.
    tasks: BTreeSet<String>,
    /// Packages in their locations, expected there or found there.
    uids: BTreeSet<String>,
}

impl CountedStock {
    /// Reads the open counts from a replica's view.
    pub fn load(view: &Connection) -> Result<CountedStock, ReplicaError> {
        let strings = |sql: &str| -> Result<BTreeSet<String>, ReplicaError> {
            let mut stmt = view.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let tasks =
            strings("SELECT id FROM count_tasks WHERE status IN ('counting','recount','review')")?;
        let uids = strings(
            "WITH open AS (SELECT id FROM count_tasks WHERE status IN ('counting','recount','review'))
             SELECT p.uid FROM packages p JOIN count_task_locations l ON l.location_id = p.location_id
               WHERE l.task_id IN (SELECT id FROM open)
             UNION SELECT uid FROM count_expected WHERE task_id IN (SELECT id FROM open)
             UNION SELECT uid FROM count_lines WHERE task_id IN (SELECT id FROM open)",
        )?;
        Ok(CountedStock { tasks, uids })
    }

    /// Whether no count is open.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Whether a package is counted stock.
    pub fn holds(&self, uid: &str) -> bool {
        self.uids.contains(uid)
    }

    /// Whether the quantities and weights of this event must be withheld.
    pub fn withholds(&self, payload: &Payload) -> bool {
        if self.is_empty() {
            return false;
        }
        let open = |task: &str| self.tasks.contains(task);
        let task_event = match payload {
            Payload::CountStarted(p) => open(&p.count_task_id),
            Payload::CountLineRecorded(p) => open(&p.count_task_id),
            Payload::CountSubmitted(p) => open(&p.count_task_id),
            Payload::RecountRequested(p) => open(&p.count_task_id),
            Payload::AdjustmentApproved(p) => p.count_task_id.as_deref().is_some_and(open),
            _ => false,
        };
        let lines: Vec<&str> = match payload {
            Payload::InboundManifestIssued(p) => p.lines.iter().map(|l| l.uid.as_str()).collect(),
            Payload::OutboundManifestIssued(p) => p.lines.iter().map(|l| l.uid.as_str()).collect(),
            Payload::LoadingReconciled(p) => p.mismatches.iter().map(|m| m.uid.as_str()).collect(),
            _ => Vec::new(),
        };
        task_event
            || payload_uids(payload)
                .into_iter()
                .chain(lines)
                .any(|uid| self.holds(uid))
    }
}

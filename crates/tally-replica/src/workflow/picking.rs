//! Picking: the picker is led through the open lines of a pick list in walking order (location
//! ids sort in walking order), scans each package and takes a quantity into a tote. Refused on
//! the spot: the wrong item, a lot that is not first-expired-first-out (naming the package to
//! take instead), a quarantined or held package, a batch without a passed COA, a package in a
//! location being counted (never offered as a candidate either), anything while the picker is
//! counting. Partial picks are allowed; the rest of a line is shorted with a reason. Totes are
//! staged for their route, never into or out of a lane being counted.

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::{PackageStatus, PickRecorded, PickShorted, ToteStaged};
use tally_events::{Date, Payload, Quantity};

use super::count::{refuse_while_counted, refuse_while_counting};
use super::{
    known_package, location, not_in_conflict, package_tag, Identifier, Plan, Session, StepResult,
    ID_LEN_MAX,
};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::{Action, ReasonKind, Refusal};

/// One open line with the package the picker should take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickStep {
    /// Line number.
    pub line_no: u32,
    /// Item SKU.
    pub sku: String,
    /// Quantity still to pick.
    pub remaining: Quantity,
    /// The package to take first (earliest expiry), if any is available.
    pub take: Option<Candidate>,
}

/// A package that can be picked for a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Tag.
    pub uid: String,
    /// Location.
    pub location_id: String,
    /// Lot.
    pub lot: String,
    /// Expiry (`YYYY-MM-DD`), if any.
    pub expires_on: Option<String>,
    /// Quantity available.
    pub quantity: Quantity,
}

struct Line {
    item_id: String,
    sku: String,
    quantity: i64,
    unit: String,
    batch_id: Option<String>,
    done: i64,
}

fn pick_list_route(view: &Connection, pick_list: &str) -> Result<(String, String), ReplicaError> {
    view.prepare_cached("SELECT route, status FROM pick_lists WHERE id = ?1")?
        .query_row([pick_list], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| {
            Refusal::UnknownPickList {
                pick_list: pick_list.chars().take(ID_LEN_MAX).collect(),
            }
            .into()
        })
}

fn line(view: &Connection, pick_list: &str, line_no: u32) -> Result<Line, ReplicaError> {
    view.prepare_cached(
        "SELECT l.item_id, i.sku, l.quantity, l.unit, l.batch_id, l.picked + l.short
         FROM pick_lines l JOIN items i ON i.id = l.item_id WHERE l.pick_list_id = ?1 AND l.line_no = ?2",
    )?
    .query_row(params![pick_list, line_no], |r| {
        Ok(Line {
            item_id: r.get(0)?,
            sku: r.get(1)?,
            quantity: r.get(2)?,
            unit: r.get(3)?,
            batch_id: r.get(4)?,
            done: r.get(5)?,
        })
    })
    .optional()?
    .ok_or_else(|| {
        Refusal::LineComplete {
            pick_list: pick_list.to_owned(),
            line_no,
        }
        .into()
    })
}

/// Packages that may be picked for an item (and batch), first-expired first. Only active
/// packages of a batch with a passed COA that has not expired by `today`, in a sellable
/// location that is not being counted, not in a tote.
fn candidates(
    view: &Connection,
    item_id: &str,
    batch_id: Option<&str>,
    today: &str,
    limit: usize,
) -> Result<Vec<Candidate>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT p.uid, p.location_id, b.lot, b.expires_on, p.quantity, p.unit
         FROM packages p JOIN batches b ON b.id = p.batch_id JOIN locations l ON l.id = p.location_id
         WHERE p.item_id = ?1 AND p.status = 'active' AND p.conflict = 0 AND p.tote_id IS NULL AND p.quantity > 0
           AND b.coa_status = 'passed' AND l.sellable = 1 AND (?2 IS NULL OR p.batch_id = ?2)
           AND (b.expires_on IS NULL OR b.expires_on >= ?4)
           AND NOT EXISTS (SELECT 1 FROM count_task_locations c JOIN count_tasks t ON t.id = c.task_id
                           WHERE c.location_id = p.location_id AND t.status IN ('counting','recount'))
         ORDER BY b.expires_on IS NULL, b.expires_on, p.location_id, p.uid LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![item_id, batch_id, limit as i64, today], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, location_id, lot, expires_on, amount, unit) = row?;
        let quantity = model::join(amount, &unit)
            .ok_or_else(|| ReplicaError::Storage(format!("package {uid} has a bad quantity")))?;
        out.push(Candidate {
            uid,
            location_id,
            lot,
            expires_on,
            quantity,
        });
    }
    Ok(out)
}

/// The open lines of a pick list, in walking order of the package to take.
pub fn walk(
    view: &Connection,
    pick_list: &str,
    today: &str,
) -> Result<Vec<PickStep>, ReplicaError> {
    let pick_list = pick_list.trim();
    pick_list_route(view, pick_list)?;
    let numbers: Vec<u32> = {
        let mut stmt = view.prepare_cached(
            "SELECT line_no FROM pick_lines WHERE pick_list_id = ?1 AND picked + short < quantity ORDER BY line_no",
        )?;
        let rows = stmt.query_map([pick_list], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut steps = Vec::with_capacity(numbers.len());
    for line_no in numbers {
        let l = line(view, pick_list, line_no)?;
        let remaining = model::join(l.quantity - l.done, &l.unit).ok_or_else(|| {
            ReplicaError::Storage(format!("pick line {line_no} has a bad quantity"))
        })?;
        let take = candidates(view, &l.item_id, l.batch_id.as_deref(), today, 1)?
            .into_iter()
            .next();
        steps.push(PickStep {
            line_no,
            sku: l.sku,
            remaining,
            take,
        });
    }
    // Walk the vault once: lines whose stock is nowhere come last.
    steps.sort_by(|a, b| {
        let key = |s: &PickStep| {
            (
                s.take.is_none(),
                s.take.as_ref().map(|c| c.location_id.clone()),
                s.line_no,
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(steps)
}

/// One pick as the picker made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick<'a> {
    /// Pick list id.
    pub pick_list: &'a str,
    /// Line number.
    pub line_no: u32,
    /// The package scanned.
    pub scan: &'a Identifier,
    /// Quantity taken.
    pub quantity: Quantity,
    /// The tote scanned.
    pub tote: &'a str,
}

/// Picks a quantity of a scanned package into a tote for a line; `today` is the facility's
/// date (`YYYY-MM-DD`): expired stock is never picked.
pub fn pick(
    view: &Connection,
    who: &Session,
    input: &Pick<'_>,
    today: &str,
) -> StepResult<Quantity> {
    refuse_while_counting(view, who)?;
    let Pick {
        pick_list,
        line_no,
        scan,
        quantity,
        tote,
    } = *input;
    let pick_list = pick_list.trim();
    let (_, status) = pick_list_route(view, pick_list)?;
    let l = line(view, pick_list, line_no)?;
    if status == "done" || l.done >= l.quantity {
        return Err(Refusal::LineComplete {
            pick_list: pick_list.to_owned(),
            line_no,
        }
        .into());
    }
    let tote = tote.trim();
    if tote.is_empty() || tote.len() > ID_LEN_MAX {
        return Err(Refusal::ScanTote.into());
    }
    let uid = package_tag(view, scan)?;
    let package = known_package(view, &uid)?;
    not_in_conflict(&package)?;
    // Before anything that reveals the package's quantity or the FEFO candidates.
    refuse_while_counted(view, package.location_id.as_deref(), Action::Picked)?;
    if package.status != PackageStatus::Active {
        return Err(Refusal::WrongStatus {
            uid,
            status: package.status,
            action: Action::Picked,
        }
        .into());
    }
    if package.tote_id.is_some() {
        return Err(Refusal::AlreadyInTote { uid }.into());
    }
    if package.item_id != l.item_id {
        return Err(Refusal::WrongItem {
            uid,
            found: package.sku,
            wanted: l.sku,
        }
        .into());
    }
    if package.coa != "passed" {
        return Err(Refusal::NoPassedCoa {
            uid,
            coa: package.coa,
        }
        .into());
    }
    if let Some(expiry) = package.expires_on.as_deref() {
        // Dates are compared as dates, never as text.
        if Date::parse_iso(expiry)? < Date::parse_iso(today)? {
            return Err(Refusal::Expired {
                uid,
                expiry: expiry.to_owned(),
            }
            .into());
        }
    }
    let first = candidates(view, &l.item_id, l.batch_id.as_deref(), today, 1)?
        .into_iter()
        .next();
    let wrong_batch = l.batch_id.is_some() && package.batch_id != l.batch_id;
    if let Some(first) = first {
        let earlier = match (&first.expires_on, &package.expires_on) {
            (Some(a), Some(b)) => a < b,
            (Some(_), None) => true,
            _ => false,
        };
        if wrong_batch || earlier {
            return Err(Refusal::NotFefo {
                uid,
                take_uid: first.uid,
                take_lot: first.lot,
                take_expiry: first.expires_on.unwrap_or_else(|| "no expiry".into()),
                take_location: first.location_id,
            }
            .into());
        }
    } else if wrong_batch {
        return Err(Refusal::BatchUnavailable {
            batch: l.batch_id.unwrap_or_default(),
        }
        .into());
    }
    let (amount, unit) = model::split(quantity);
    let amount = i64::try_from(amount).unwrap_or(i64::MAX);
    if unit != l.unit || amount == 0 {
        return Err(Refusal::WrongUnit {
            weighed: l.unit == model::MG,
        }
        .into());
    }
    if amount > l.quantity - l.done {
        return Err(Refusal::MoreThanLine {
            line_no,
            remaining: model::join(l.quantity - l.done, &l.unit)
                .ok_or_else(|| ReplicaError::Storage("bad remaining quantity".into()))?,
        }
        .into());
    }
    if amount > model::amount(package.quantity) {
        return Err(Refusal::MoreThanPackage {
            uid,
            available: package.quantity,
        }
        .into());
    }
    let remaining = model::join(l.quantity - l.done - amount, &l.unit)
        .ok_or_else(|| ReplicaError::Storage("bad remaining quantity".into()))?;
    Ok(Plan::new(
        remaining,
        vec![Payload::PickRecorded(PickRecorded {
            pick_list_id: pick_list.to_owned(),
            line: line_no,
            uid,
            quantity,
            tote_id: tote.to_owned(),
        })],
    ))
}

/// Shorts what is left of a line, with a reason.
pub fn short(
    view: &Connection,
    pick_list: &str,
    line_no: u32,
    reason_code: &str,
) -> StepResult<Quantity> {
    let pick_list = pick_list.trim();
    pick_list_route(view, pick_list)?;
    let l = line(view, pick_list, line_no)?;
    if l.done >= l.quantity {
        return Err(Refusal::LineComplete {
            pick_list: pick_list.to_owned(),
            line_no,
        }
        .into());
    }
    let reason = super::reason(view, reason_code, ReasonKind::Short)?;
    let short = model::join(l.quantity - l.done, &l.unit)
        .ok_or_else(|| ReplicaError::Storage("bad short quantity".into()))?;
    Ok(Plan::new(
        short,
        vec![Payload::PickShorted(PickShorted {
            pick_list_id: pick_list.to_owned(),
            line: line_no,
            short,
            reason_code: reason,
        })],
    ))
}

/// Stages a tote at a staging lane for its route.
pub fn stage(view: &Connection, tote: &str, lane: &str) -> StepResult<String> {
    let tote = tote.trim();
    let routes: Vec<String> = {
        let mut stmt = view.prepare_cached(
            "SELECT DISTINCT l.route FROM picks p JOIN pick_lists l ON l.id = p.pick_list_id WHERE p.tote_id = ?1",
        )?;
        let rows = stmt.query_map([tote], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let route = match routes.as_slice() {
        [route] => route.clone(),
        [] => {
            return Err(Refusal::ToteEmpty {
                tote: tote.chars().take(ID_LEN_MAX).collect(),
            }
            .into())
        }
        _ => {
            return Err(Refusal::ToteMixedRoutes {
                tote: tote.to_owned(),
            }
            .into())
        }
    };
    let lane = location(view, lane)?;
    if lane.kind != "staging_lane" {
        return Err(Refusal::NotAStagingLane { location: lane.id }.into());
    }
    // Staging moves the tote's packages: not out of or into a location being counted.
    let staged_at: Option<String> = view
        .prepare_cached("SELECT location_id FROM totes WHERE id = ?1")?
        .query_row([tote], |r| r.get(0))
        .optional()?
        .flatten();
    refuse_while_counted(view, staged_at.as_deref(), Action::Moved)?;
    refuse_while_counted(view, Some(&lane.id), Action::Moved)?;
    Ok(Plan::new(
        route.clone(),
        vec![Payload::ToteStaged(ToteStaged {
            tote_id: tote.to_owned(),
            route_id: route,
            location: lane.id,
        })],
    ))
}

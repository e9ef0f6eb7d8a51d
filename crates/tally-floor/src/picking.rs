//! Picking and staging on the floor: the open pick lists, a list's lines in walking order with
//! the first-expired package to take, a scanned package checked at once against the line (the
//! workflow's own decision, recording nothing, so a FEFO refusal names the lot to take and where
//! it is before anything is typed), the tote scanned, the quantity typed, shorts with a reason
//! and totes staged at a lane. Every rule is `tally_replica::workflow::picking`'s; this module
//! only carries what the picker has scanned so far.

use rusqlite::Connection;
use tally_events::Quantity;
use tally_replica::workflow::picking::{self, Pick, PickStep};
use tally_replica::workflow::{Identifier, Session, StateTag};
use tally_replica::{model, Replica, ReplicaError};

use crate::floor::{Floor, Ignored, Outcome, Screen, Step};

/// An open pick list as the list screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickListRow {
    /// Pick list id (what its barcode holds).
    pub id: String,
    /// The order it picks.
    pub order_id: String,
    /// The route its totes are staged for.
    pub route: String,
    /// Lines not yet picked or shorted in full.
    pub open_lines: u32,
}

/// The open pick lists of the facility, by id. Pick lists are not assigned to a person: every
/// picker sees every open list.
pub fn open_pick_lists(view: &Connection) -> Result<Vec<PickListRow>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT l.id, l.order_id, l.route,
                (SELECT count(*) FROM pick_lines p WHERE p.pick_list_id = l.id AND p.picked + p.short < p.quantity)
         FROM pick_lists l WHERE l.status = 'open' ORDER BY l.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PickListRow {
            id: r.get(0)?,
            order_id: r.get(1)?,
            route: r.get(2)?,
            open_lines: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The open lines of `pick_list` in walking order, each with the package to take first.
pub fn walk(
    view: &Connection,
    pick_list: &str,
    today: &str,
) -> Result<Vec<PickStep>, ReplicaError> {
    picking::walk(view, pick_list, today)
}

/// The smallest quantity in a line's unit: what a scan is checked with before the quantity is
/// typed (a package that may give one unit, or one milligram, of the line may be picked).
fn least_of(remaining: Quantity) -> Quantity {
    model::with_amount(remaining, 1)
}

/// A quantity typed by the picker, in the unit of `like`: whole units, or grams with up to
/// three decimals for weighed lines. `None` when it is not a positive number in that unit.
pub fn typed_quantity(text: &str, like: Quantity) -> Option<Quantity> {
    let text = text.trim();
    match like {
        Quantity::Units(_) => text
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Quantity::Units),
        Quantity::Milligrams(_) => {
            let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
            if whole.is_empty() && fraction.is_empty()
                || fraction.len() > 3
                || !whole.bytes().all(|b| b.is_ascii_digit())
                || !fraction.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let whole: u64 = if whole.is_empty() {
                0
            } else {
                whole.parse().ok()?
            };
            let fraction: u64 = format!("{fraction:0<3}").parse().ok()?;
            let mg = whole.checked_mul(1000)?.checked_add(fraction)?;
            (mg > 0).then_some(Quantity::Milligrams(mg))
        }
    }
}

impl Floor {
    /// A package scanned on the picking screen: checked against the current line by the
    /// workflow itself (status, item, COA, expiry, FEFO, counts), recording nothing. A refusal
    /// is an error; on success the package becomes the one to pick.
    pub(crate) fn pick_package_scanned(
        &self,
        replica: &Replica,
        who: &Session,
        screen: &mut Screen,
        tag: StateTag,
    ) -> Result<Step, ReplicaError> {
        let Screen::Picking {
            pick_list,
            line_no,
            package,
            tote,
        } = screen
        else {
            return Err(ReplicaError::Storage("not the picking screen".into()));
        };
        let today = self.today_text();
        let Some(line) = walk(replica.view(), pick_list, &today)?
            .into_iter()
            .find(|step| step.line_no == *line_no)
        else {
            return Err(tally_replica::Refusal::LineComplete {
                pick_list: pick_list.clone(),
                line_no: *line_no,
            }
            .into());
        };
        let scanned = Identifier::StateTag(tag.clone());
        let check = Pick {
            pick_list,
            line_no: *line_no,
            scan: &scanned,
            quantity: least_of(line.remaining),
            tote: tote.as_deref().unwrap_or("TOTE"),
        };
        // The decision only: the plan is dropped, nothing is recorded.
        picking::pick(replica.view(), who, &check, &today)?;
        let uid = tag.uid().to_owned();
        *package = Some(tag);
        Ok(Step {
            outcome: Outcome::PickPackageChosen { uid },
            recorded: Vec::new(),
        })
    }

    /// Picks `quantity` of the scanned package into the scanned tote for the current line;
    /// the screen keeps the tote and forgets the package. The outcome says what is left of the
    /// line.
    pub fn pick(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        quantity: Quantity,
    ) -> Result<Step, ReplicaError> {
        let Screen::Picking {
            pick_list,
            line_no,
            package,
            tote,
        } = screen
        else {
            return Err(ReplicaError::Storage("not the picking screen".into()));
        };
        let Some(tag) = package.clone() else {
            return Ok(Step::nothing(Outcome::Ignored(
                Ignored::ScanThePackageFirst,
            )));
        };
        let scanned = Identifier::StateTag(tag.clone());
        let uid = tag.uid().to_owned();
        let Some(tote_id) = tote.clone() else {
            return Err(tally_replica::Refusal::ScanTote.into());
        };
        let today = self.today_text();
        let input = Pick {
            pick_list,
            line_no: *line_no,
            scan: &scanned,
            quantity,
            tote: &tote_id,
        };
        let (remaining, recorded) =
            replica.act(&who.badge, |view| picking::pick(view, who, &input, &today))?;
        *package = None;
        Ok(Step {
            outcome: Outcome::Picked { uid, remaining },
            recorded,
        })
    }

    /// Shorts what is left of the current line with a reason code; the outcome names the
    /// quantity shorted.
    pub fn short(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        reason_code: &str,
    ) -> Result<Step, ReplicaError> {
        let Screen::Picking {
            pick_list,
            line_no,
            package,
            ..
        } = screen
        else {
            return Err(ReplicaError::Storage("not the picking screen".into()));
        };
        let (short, recorded) = replica.act(&who.badge, |view| {
            picking::short(view, pick_list, *line_no, reason_code)
        })?;
        *package = None;
        Ok(Step {
            outcome: Outcome::Shorted { short },
            recorded,
        })
    }

    /// Stages the tote on the staging screen at the lane just scanned. Returns the route.
    pub(crate) fn stage_scanned(
        &self,
        replica: &mut Replica,
        who: &Session,
        tote: &str,
        lane: &str,
    ) -> Result<Step, ReplicaError> {
        let (route, recorded) = replica.act(&who.badge, |view| picking::stage(view, tote, lane))?;
        Ok(Step {
            outcome: Outcome::Staged {
                tote: tote.trim().to_owned(),
                route,
            },
            recorded,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_quantities_follow_the_line_unit() {
        let units = Quantity::Units(4);
        let grams = Quantity::Milligrams(1);
        assert_eq!(typed_quantity(" 3 ", units), Some(Quantity::Units(3)));
        assert_eq!(typed_quantity("0", units), None);
        assert_eq!(typed_quantity("2.5", units), None);
        assert_eq!(typed_quantity("-1", units), None);
        assert_eq!(
            typed_quantity("2.5", grams),
            Some(Quantity::Milligrams(2_500))
        );
        assert_eq!(
            typed_quantity("453.59", grams),
            Some(Quantity::Milligrams(453_590))
        );
        assert_eq!(typed_quantity(".001", grams), Some(Quantity::Milligrams(1)));
        assert_eq!(typed_quantity("1.0001", grams), None);
        assert_eq!(typed_quantity("0.000", grams), None);
        assert_eq!(typed_quantity(".", grams), None);
        assert_eq!(typed_quantity("1e3", grams), None);
        assert_eq!(typed_quantity("99999999999999999999", grams), None);
    }
}

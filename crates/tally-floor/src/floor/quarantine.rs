//! The quarantine / release screen: a package scanned is quarantined with a reason (to the
//! cage), or released with a reason by a supervisor (the core refuses anyone else). A pallet
//! or tote label scanned quarantines everything it holds as one action: one
//! `package_quarantined` event per package, each checked by the same rule as a package
//! scanned alone, all recorded or none.

use rusqlite::Connection;
use tally_replica::workflow::release;
use tally_replica::workflow::{typed, Session};
use tally_replica::{Refusal, Replica, ReplicaError};

use super::{Floor, Outcome, Step};

/// Most packages one pallet or tote label quarantines in one action.
pub const PALLET_PACKAGES_MAX: usize = 1_024;

/// What a label scanned on the quarantine screen is, as the screen may show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PalletContents {
    /// No pallet or tote, or one that holds nothing quarantine can take.
    NotAPallet,
    /// A pallet or tote and the packages it holds that quarantine can take, by tag.
    Holds(Vec<String>),
    /// A pallet or tote, while a count is open on this device: what it holds is not shown (a
    /// list would tell a counter which packages are expected where; the same rule as lookup).
    Withheld,
}

/// What the pallet or tote `label` holds, for the screen: withheld while any count is open.
pub fn pallet_contents(view: &Connection, label: &str) -> Result<PalletContents, ReplicaError> {
    let label = label.trim();
    if tally_replica::workflow::count::any_count_open(view)? {
        let is_pallet: bool = view
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM locations WHERE id = ?1 AND kind = 'tote')
                     OR EXISTS (SELECT 1 FROM totes WHERE id = ?1)",
            )?
            .query_row([label], |r| r.get(0))?;
        return Ok(if is_pallet {
            PalletContents::Withheld
        } else {
            PalletContents::NotAPallet
        });
    }
    let held = pallet_packages(view, label)?;
    Ok(if held.is_empty() {
        PalletContents::NotAPallet
    } else {
        PalletContents::Holds(held)
    })
}

/// The packages a pallet or tote label holds that quarantine can take (active or on hold), by
/// tag: those picked into the tote `label`, and those at the location `label` when it is a
/// tote-kind location (a pallet). Empty when the label is neither or holds nothing to take.
/// Not for a screen while a count is open: see [`pallet_contents`].
pub fn pallet_packages(view: &Connection, label: &str) -> Result<Vec<String>, ReplicaError> {
    let label = label.trim();
    let mut stmt = view.prepare_cached(
        "SELECT uid FROM packages
         WHERE (tote_id = ?1
                OR location_id IN (SELECT id FROM locations WHERE id = ?1 AND kind = 'tote'))
           AND status IN ('active', 'on_hold')
         ORDER BY uid
         LIMIT ?2",
    )?;
    let limit = i64::try_from(PALLET_PACKAGES_MAX + 1).unwrap_or(i64::MAX);
    let rows = stmt.query_map(rusqlite::params![label, limit], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<String>, _>>()?)
}

impl Floor {
    /// Quarantines everything the pallet or tote `label` holds ([`pallet_packages`]) with one
    /// reason code, as one action: one event per package, each refused as it would be alone
    /// (under count, in conflict, …), and then none is recorded. A label that holds nothing
    /// to quarantine is refused (`ToteEmpty`).
    pub fn quarantine_pallet(
        &self,
        replica: &mut Replica,
        who: &Session,
        label: &str,
        reason: &str,
    ) -> Result<Step, ReplicaError> {
        let label = label.trim().to_owned();
        let (uids, recorded) = replica.act(&who.badge, |view| {
            let uids = pallet_packages(view, &label)?;
            if uids.is_empty() {
                return Err(Refusal::ToteEmpty {
                    tote: label.clone(),
                }
                .into());
            }
            if uids.len() > PALLET_PACKAGES_MAX {
                return Err(Refusal::TooMany {
                    max: PALLET_PACKAGES_MAX,
                    what: tally_replica::refusal::Many::PackagesInQuarantine,
                }
                .into());
            }
            let mut facts = Vec::with_capacity(uids.len());
            let mut done = Vec::with_capacity(uids.len());
            for uid in &uids {
                let tag = typed(view, uid, self.today)?;
                let plan = release::quarantine(view, &tag, reason, "")?;
                done.push(plan.outcome.uid);
                facts.extend(plan.facts);
            }
            Ok(tally_replica::workflow::Plan::new(done, facts))
        })?;
        Ok(Step {
            outcome: Outcome::Quarantined(uids),
            recorded,
        })
    }

    /// Quarantines the package `uid` in stock with a reason code.
    pub fn quarantine_stock(
        &self,
        replica: &mut Replica,
        who: &Session,
        uid: &str,
        reason: &str,
    ) -> Result<Step, ReplicaError> {
        let scanned = typed(replica.view(), uid, self.today)?;
        let (quarantined, recorded) =
            replica.act(&who.badge, |v| release::quarantine(v, &scanned, reason, ""))?;
        Ok(Step {
            outcome: Outcome::Quarantined(vec![quarantined.uid]),
            recorded,
        })
    }

    /// Releases the package `uid` from quarantine or hold with a reason code (supervisors).
    pub fn release(
        &self,
        replica: &mut Replica,
        who: &Session,
        uid: &str,
        reason: &str,
    ) -> Result<Step, ReplicaError> {
        let scanned = typed(replica.view(), uid, self.today)?;
        let (released, recorded) = replica.act(&who.badge, |v| {
            release::release(v, who, &scanned, reason, "")
        })?;
        Ok(Step {
            outcome: Outcome::Released(released),
            recorded,
        })
    }
}

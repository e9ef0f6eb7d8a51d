//! Loading reconciliation: every UID staged for a route against the outbound manifest. Missing
//! lines, extra packages, unit and weight mismatches are listed; a manifest that is not exact
//! cannot be marked ready.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use tally_events::payload::{CheckResult, LoadingMismatch, LoadingReconciled};
use tally_events::{Payload, Quantity};

use super::{Plan, StepResult, ID_LEN_MAX};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::Refusal;

/// The result of comparing what is staged with the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    /// Manifest lines not staged.
    pub missing: Vec<String>,
    /// Staged UIDs not on the manifest.
    pub extra: Vec<String>,
    /// Lines whose staged units or weight differ from the manifest.
    pub mismatches: Vec<LoadingMismatch>,
}

impl Reconciliation {
    /// Every UID present, no extra, units and weights equal.
    pub fn exact(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.mismatches.is_empty()
    }
}

/// Compares staged packages with the manifest (pure over the view).
pub fn compare(view: &Connection, manifest: &str) -> Result<Reconciliation, ReplicaError> {
    let manifest = manifest.trim();
    let route: Option<String> = view
        .prepare_cached("SELECT route FROM outbound_manifests WHERE id = ?1")?
        .query_row([manifest], |r| r.get(0))
        .optional()?;
    let Some(route) = route else {
        return Err(Refusal::UnknownManifest {
            manifest: manifest.chars().take(ID_LEN_MAX).collect(),
        }
        .into());
    };
    // Staged: picks in totes staged for this route, per UID.
    let mut staged: BTreeMap<String, (i64, String, Option<i64>)> = BTreeMap::new();
    {
        let mut stmt = view.prepare_cached(
            "SELECT p.uid, sum(p.quantity), p.unit, k.measured_mg FROM picks p JOIN totes t ON t.id = p.tote_id
             LEFT JOIN packages k ON k.uid = p.uid
             WHERE t.route = ?1 AND t.location_id IS NOT NULL GROUP BY p.uid, p.unit ORDER BY p.uid",
        )?;
        let rows = stmt.query_map([&route], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        for row in rows {
            let (uid, amount, unit, measured) = row?;
            staged.insert(uid, (amount, unit, measured));
        }
    }
    let mut lines: BTreeMap<String, (i64, String, Option<i64>)> = BTreeMap::new();
    {
        let mut stmt = view.prepare_cached(
            "SELECT uid, quantity, unit, weight_mg FROM outbound_lines WHERE manifest_id = ?1 ORDER BY uid",
        )?;
        let rows = stmt.query_map([manifest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        for row in rows {
            let (uid, amount, unit, weight) = row?;
            lines.insert(uid, (amount, unit, weight));
        }
    }
    let quantity = |amount: i64, unit: &str| {
        model::join(amount, unit)
            .ok_or_else(|| ReplicaError::Storage(format!("bad quantity {amount} {unit}")))
    };
    let mut out = Reconciliation {
        missing: Vec::new(),
        extra: Vec::new(),
        mismatches: Vec::new(),
    };
    for (uid, (amount, unit, weight)) in &lines {
        match staged.get(uid) {
            None => out.missing.push(uid.clone()),
            Some((staged_amount, staged_unit, measured)) => {
                if staged_amount != amount || staged_unit != unit {
                    out.mismatches.push(LoadingMismatch {
                        uid: uid.clone(),
                        expected: quantity(*amount, unit)?,
                        staged: quantity(*staged_amount, staged_unit)?,
                    });
                } else if let (Some(expected_mg), Some(measured_mg)) = (weight, measured) {
                    // Units agree; the weight on the manifest must equal the weight measured.
                    if expected_mg != measured_mg {
                        out.mismatches.push(LoadingMismatch {
                            uid: uid.clone(),
                            expected: Quantity::Milligrams(
                                u64::try_from(*expected_mg).unwrap_or(0),
                            ),
                            staged: Quantity::Milligrams(u64::try_from(*measured_mg).unwrap_or(0)),
                        });
                    }
                }
            }
        }
    }
    out.extra = staged
        .keys()
        .filter(|uid| !lines.contains_key(*uid))
        .cloned()
        .collect();
    Ok(out)
}

/// The reconciliation as `loading_reconciled` events: one, or several in one action when its
/// lists are longer than one record holds (each carries the same result).
fn events(manifest: &str, r: &Reconciliation) -> Vec<Payload> {
    let missing = super::chunks_of(&r.missing, 600);
    let extra = super::chunks_of(&r.extra, 200);
    let mismatches = super::chunks_of(&r.mismatches, 400);
    let result = if r.exact() {
        CheckResult::Pass
    } else {
        CheckResult::Fail
    };
    (0..missing.len().max(extra.len()).max(mismatches.len()))
        .map(|i| {
            Payload::LoadingReconciled(LoadingReconciled {
                manifest_id: manifest.to_owned(),
                result,
                missing_uids: super::chunk_at(&missing, i),
                extra_uids: super::chunk_at(&extra, i),
                mismatches: super::chunk_at(&mismatches, i),
            })
        })
        .collect()
}

/// Reconciles and records the result, exact or not (the record is evidence either way).
pub fn reconcile(view: &Connection, manifest: &str) -> StepResult<Reconciliation> {
    let result = compare(view, manifest)?;
    let facts = events(manifest.trim(), &result);
    Ok(Plan::new(result, facts))
}

/// Marks the manifest ready for loading; refused unless the reconciliation is exact.
pub fn mark_ready(view: &Connection, manifest: &str) -> StepResult<Reconciliation> {
    let manifest = manifest.trim();
    let result = compare(view, manifest)?;
    if !result.exact() {
        return Err(Refusal::ManifestNotExact {
            manifest: manifest.to_owned(),
            missing: result.missing.len(),
            extra: result.extra.len(),
            mismatched: result.mismatches.len(),
        }
        .into());
    }
    let facts = events(manifest, &result);
    Ok(Plan::new(result, facts))
}

//! The receiving screen: a case's state tag is scanned (its arrival recorded, and it becomes
//! the current package), then its GS1 label is checked and its stable weight recorded against
//! it. Beside the device events: the screen's reads ([`manifests`], [`sheet`],
//! [`discrepancies`]) on any connection (the app's read-only one), and the steps a person
//! keys (accept, accept at another quantity, reject, void a mis-scan, quarantine, close).

use rusqlite::Connection;
use tally_events::Quantity;
use tally_replica::workflow::receiving::{self, CloseSummary};
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::{typed, Identifier, Session, StateTag};
use tally_replica::{Replica, ReplicaError};

use super::{not_for_this_screen, Floor, Ignored, Outcome, Step};

/// A scan on the receiving screen of `manifest`; `package` is the current case.
pub(super) fn scanned(
    replica: &mut Replica,
    who: &Session,
    manifest: &str,
    package: &mut Option<StateTag>,
    identifier: Identifier,
) -> Result<Step, ReplicaError> {
    let actor = who.badge.clone();
    match identifier {
        identifier @ Identifier::StateTag(_) => {
            let (outcome, recorded) =
                replica.act(&actor, |v| receiving::scan(v, manifest, &identifier))?;
            *package = identifier.state_tag().cloned();
            Ok(Step {
                outcome: Outcome::Arrived(outcome),
                recorded,
            })
        }
        Identifier::Gs1(gs1) => {
            let Some(tag) = package.as_ref() else {
                return Ok(Step::nothing(Outcome::Ignored(
                    Ignored::ScanThePackageFirst,
                )));
            };
            let (problems, recorded) = replica.act(&actor, |v| {
                receiving::check_gs1_label(v, manifest, tag, &gs1)
            })?;
            Ok(Step {
                outcome: Outcome::LabelChecked(problems),
                recorded,
            })
        }
        other => Ok(not_for_this_screen(&other)),
    }
}

/// A stable weight on the receiving screen: it belongs to the current case.
pub(super) fn weighed(
    replica: &mut Replica,
    who: &Session,
    manifest: &str,
    package: Option<&StateTag>,
    reading: &Reading,
    today: &str,
) -> Result<Step, ReplicaError> {
    let Some(tag) = package else {
        return Ok(Step::nothing(Outcome::Ignored(
            Ignored::ScanThePackageFirst,
        )));
    };
    let (outcome, recorded) = replica.act(&who.badge, |v| {
        receiving::weigh(v, manifest, tag, reading, today)
    })?;
    Ok(Step {
        outcome: Outcome::Weighed(outcome),
        recorded,
    })
}

// ---------------------------------------------------------------------------------------
// The receiving screen's reads (on any connection, the app's read-only one included) and
// its steps that are not a device event (accept, reject, quarantine, void, close).
// ---------------------------------------------------------------------------------------

/// An inbound manifest waiting to be received (not closed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    /// Manifest id (its barcode).
    pub id: String,
    /// Origin licence.
    pub origin_license: String,
    /// Driver.
    pub driver: String,
    /// Lines on the manifest.
    pub lines: usize,
    /// Lines whose case arrived.
    pub arrived: usize,
}

/// The inbound manifests not closed, by id.
pub fn manifests(view: &Connection) -> Result<Vec<ManifestRow>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT m.id, m.origin_license, m.driver,
                (SELECT count(*) FROM inbound_lines l WHERE l.manifest_id = m.id),
                (SELECT count(*) FROM inbound_receipts r WHERE r.manifest_id = m.id AND r.expected = 1)
         FROM inbound_manifests m WHERE m.status <> 'closed' ORDER BY m.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ManifestRow {
            id: r.get(0)?,
            origin_license: r.get(1)?,
            driver: r.get(2)?,
            lines: r.get::<_, i64>(3)?.try_into().unwrap_or(0),
            arrived: r.get::<_, i64>(4)?.try_into().unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Where a case stands on the receiving screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Package tag.
    pub uid: String,
    /// Item SKU (`None` for a case not on the manifest).
    pub sku: Option<String>,
    /// On the manifest.
    pub expected: bool,
    /// The quantity on the manifest (`None` for a case not on it).
    pub manifest_quantity: Option<Quantity>,
    /// Its arrival was scanned.
    pub arrived: bool,
    /// Its weight was within tolerance (`None`: not weighed).
    pub weight_ok: Option<bool>,
    /// Its label passed (`None`: not checked).
    pub label_ok: Option<bool>,
    /// Quarantined.
    pub quarantined: bool,
    /// `accepted` or `rejected`, once decided.
    pub decision: Option<String>,
}

/// A manifest as the receiver works it: every line and every case scanned, and the progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Manifest id.
    pub manifest: String,
    /// Lines on the manifest.
    pub lines: usize,
    /// Lines whose case arrived.
    pub arrived: usize,
    /// Cases scanned that are not on the manifest.
    pub unexpected: usize,
    /// Lines decided (accepted or rejected), unexpected cases included.
    pub decided: usize,
    /// The cases: manifest lines in order of their tag, then unexpected cases.
    pub cases: Vec<Case>,
}

/// The receiving sheet of `manifest` (refused when it does not exist).
pub fn sheet(view: &Connection, manifest: &str) -> Result<Sheet, ReplicaError> {
    let manifest = manifest.trim();
    let known: i64 = view
        .prepare_cached("SELECT count(*) FROM inbound_manifests WHERE id = ?1")?
        .query_row([manifest], |r| r.get(0))?;
    if known == 0 {
        return Err(tally_replica::Refusal::UnknownManifest {
            manifest: manifest
                .chars()
                .take(tally_replica::workflow::ID_LEN_MAX)
                .collect(),
        }
        .into());
    }
    let mut stmt = view.prepare_cached(
        "SELECT l.uid, i.sku, 1, r.uid IS NOT NULL, r.weight_ok, r.label_ok,
                coalesce(r.quarantined, 0), r.decision, l.quantity, l.unit
         FROM inbound_lines l JOIN items i ON i.id = l.item_id
         LEFT JOIN inbound_receipts r ON r.manifest_id = l.manifest_id AND r.uid = l.uid
         WHERE l.manifest_id = ?1
         UNION ALL
         SELECT r.uid, NULL, 0, 1, r.weight_ok, r.label_ok, r.quarantined, r.decision, NULL, NULL
         FROM inbound_receipts r WHERE r.manifest_id = ?1 AND r.expected = 0
         ORDER BY 3 DESC, 1",
    )?;
    let cases: Vec<Case> = stmt
        .query_map([manifest], |r| {
            Ok(Case {
                uid: r.get(0)?,
                sku: r.get(1)?,
                expected: r.get(2)?,
                manifest_quantity: r
                    .get::<_, Option<i64>>(8)?
                    .zip(r.get::<_, Option<String>>(9)?)
                    .and_then(|(amount, unit)| tally_replica::model::join(amount, &unit)),
                arrived: r.get(3)?,
                weight_ok: r.get(4)?,
                label_ok: r.get(5)?,
                quarantined: r.get(6)?,
                decision: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Sheet {
        manifest: manifest.to_owned(),
        lines: cases.iter().filter(|c| c.expected).count(),
        arrived: cases.iter().filter(|c| c.expected && c.arrived).count(),
        unexpected: cases.iter().filter(|c| !c.expected).count(),
        decided: cases.iter().filter(|c| c.decision.is_some()).count(),
        cases,
    })
}

/// One row of the discrepancy list, laid out as it is keyed into the state system (Metrc's
/// receive screen: per package tag, the manifest's quantity and weight, what was received,
/// the reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    /// Package tag.
    pub uid: String,
    /// Quantity on the manifest (`None`: not on it).
    pub manifest_quantity: Option<Quantity>,
    /// Weight on the manifest, mg.
    pub manifest_weight_mg: Option<i64>,
    /// Quantity received (`None`: not received: missing or rejected).
    pub received_quantity: Option<Quantity>,
    /// Weight measured at receiving, mg.
    pub measured_mg: Option<i64>,
    /// The reason code (`MISSING`, `NOT-ON-MANIFEST` when none was given, else the code).
    pub reason: String,
}

/// The discrepancies of `manifest`: lines missing, rejected, accepted at another quantity, and
/// cases not on the manifest.
pub fn discrepancies(view: &Connection, manifest: &str) -> Result<Vec<Discrepancy>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT l.uid, l.quantity, l.unit, l.weight_mg,
                CASE WHEN r.decision = 'accepted' THEN coalesce(d.received_amount, l.quantity) END,
                CASE WHEN r.decision = 'accepted' THEN coalesce(d.received_unit, l.unit) END,
                r.weighed_mg,
                CASE WHEN r.uid IS NULL THEN 'MISSING'
                     WHEN r.decision = 'rejected' THEN coalesce(r.reason, 'REJECTED')
                     ELSE d.reason_code END
         FROM inbound_lines l
         LEFT JOIN inbound_receipts r ON r.manifest_id = l.manifest_id AND r.uid = l.uid
         LEFT JOIN inbound_differences d ON d.manifest_id = l.manifest_id AND d.uid = l.uid
         WHERE l.manifest_id = ?1
           AND (r.uid IS NULL OR r.decision = 'rejected' OR d.uid IS NOT NULL)
         UNION ALL
         SELECT r.uid, NULL, NULL, NULL, NULL, NULL, r.weighed_mg,
                coalesce(r.reason, 'NOT-ON-MANIFEST')
         FROM inbound_receipts r WHERE r.manifest_id = ?1 AND r.expected = 0
         ORDER BY 1",
    )?;
    let rows = stmt.query_map([manifest.trim()], |r| {
        let quantity = |amount: Option<i64>, unit: Option<String>| {
            amount
                .zip(unit)
                .and_then(|(a, u)| tally_replica::model::join(a, &u))
        };
        Ok(Discrepancy {
            uid: r.get(0)?,
            manifest_quantity: quantity(r.get(1)?, r.get(2)?),
            manifest_weight_mg: r.get(3)?,
            received_quantity: quantity(r.get(4)?, r.get(5)?),
            measured_mg: r.get(6)?,
            reason: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A manifest closed: its summary and its discrepancy list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    /// What the core summed up (missing, unexpected, accepted, rejected, quarantined).
    pub summary: CloseSummary,
    /// The list to key into the state system.
    pub discrepancies: Vec<Discrepancy>,
}

/// A receiving step that is not a device event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept the line as on the manifest.
    Accept,
    /// Accept at another quantity or weight, with a reason code.
    AcceptAt {
        /// Quantity received.
        received: Quantity,
        /// Reason code.
        reason: String,
    },
    /// Reject the line (irreversible: the app confirms first).
    Reject {
        /// Reason code.
        reason: String,
    },
    /// Void the case's arrival: it was a mis-scan.
    Void {
        /// Reason code.
        reason: String,
    },
}

impl Floor {
    /// A package tag typed or kept as text, as the typed tag the workflows take.
    pub fn tag_of(&self, replica: &Replica, uid: &str) -> Result<StateTag, ReplicaError> {
        let scanned = typed(replica.view(), uid, self.today)?;
        match scanned.state_tag() {
            Some(tag) => Ok(tag.clone()),
            None => Err(scanned.not_a_tag().into()),
        }
    }

    /// Decides one case of `manifest` (accept, accept at another quantity, reject, void).
    pub fn decide_case(
        &self,
        replica: &mut Replica,
        who: &Session,
        manifest: &str,
        uid: &str,
        decision: &Decision,
    ) -> Result<Step, ReplicaError> {
        let actor = who.badge.clone();
        let package = self.tag_of(replica, uid)?;
        let package = &package;
        let (outcome, recorded) = match decision {
            Decision::Accept => {
                let ((), recorded) =
                    replica.act(&actor, |v| receiving::accept(v, manifest, package))?;
                (
                    Outcome::Accepted {
                        uid: uid.to_owned(),
                    },
                    recorded,
                )
            }
            Decision::AcceptAt { received, reason } => {
                let ((), recorded) = replica.act(&actor, |v| {
                    receiving::accept_different(v, manifest, package, *received, reason, "")
                })?;
                (
                    Outcome::Accepted {
                        uid: uid.to_owned(),
                    },
                    recorded,
                )
            }
            Decision::Reject { reason } => {
                let ((), recorded) =
                    replica.act(&actor, |v| receiving::reject(v, manifest, package, reason))?;
                (
                    Outcome::Rejected {
                        uid: uid.to_owned(),
                    },
                    recorded,
                )
            }
            Decision::Void { reason } => {
                let (uid, recorded) = replica.act(&actor, |v| {
                    receiving::void_arrival(v, manifest, package, reason, "mis-scan")
                })?;
                (Outcome::Voided { uid }, recorded)
            }
        };
        Ok(Step { outcome, recorded })
    }

    /// Quarantines cases of `manifest` with a reason: one package, or a pallet's cases.
    pub fn quarantine_cases(
        &self,
        replica: &mut Replica,
        who: &Session,
        manifest: &str,
        uids: &[String],
        reason: &str,
    ) -> Result<Step, ReplicaError> {
        let scans = uids
            .iter()
            .map(|uid| typed(replica.view(), uid, self.today))
            .collect::<Result<Vec<_>, _>>()?;
        let (uids, recorded) = replica.act(&who.badge, |v| {
            receiving::quarantine(v, manifest, &scans, reason, "")
        })?;
        Ok(Step {
            outcome: Outcome::Quarantined(uids),
            recorded,
        })
    }

    /// Closes `manifest`: the core's summary and the discrepancy list.
    pub fn close_manifest(
        &self,
        replica: &mut Replica,
        who: &Session,
        manifest: &str,
    ) -> Result<Step, ReplicaError> {
        let (summary, recorded) = replica.act(&who.badge, |v| receiving::close(v, manifest))?;
        let discrepancies = discrepancies(replica.view(), manifest)?;
        Ok(Step {
            outcome: Outcome::Closed(Box::new(Closed {
                summary,
                discrepancies,
            })),
            recorded,
        })
    }
}

//! The fold: `apply(view, event)` turns one event's payload into changes of the replica's view
//! tables. The device replica, the crash-test replay and snapshot/delta loading all call this one
//! function, so they cannot disagree.
//!
//! `apply` reads only the view and the event; it never looks at clocks, randomness or the event
//! log table, so folding the same events in the same order over the same start always yields
//! the same view. It runs inside the caller's transaction and never commits. Payload kinds the
//! replica does not know change nothing (they stay in the log, readable forever).
//!
//! Conflict rule (local events win until the ledger rules): every local event that changes
//! packages records `(uid, seq)` in `local_changes` for each package it names, including the
//! packages it creates (a split's `new_uid`, a received case). A remote event (a delta) that
//! would change a package with a `local_changes` row does not touch it; the pair is recorded in
//! `conflicts` and the package is flagged for a supervisor. The rows of an own event are removed
//! only when that very event comes back from the ledger in a delta (a receipt, folded in ledger
//! order) or is inside a loaded snapshot; an acknowledgement alone changes no view table. So
//! whether a delta conflicts depends only on logged inputs (the device's log, the deltas and
//! where each delta arrived among the device's own events), and a replay decides the same
//! conflicts. A conflict stays until an admin event settles the package (a `PackageRegistered`
//! from the ledger with no pending local change) or a supervisor does (a `ConflictSettled`,
//! kind 278: the package becomes what the supervisor found, and its conflicts through the
//! ledger index they saw are cleared; one that arrived later stays flagged).

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::{CheckResult, ContinuedTask, StateSystem, WeighMode};
use tally_events::Payload;

use crate::error::ReplicaError;
use crate::model;
use crate::weight;

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This device's own log, at this seq.
    Local {
        /// The event's seq.
        seq: i64,
    },
    /// Another device's event received from the ledger, at this ledger index.
    Remote {
        /// Position in the ledger.
        ledger_index: i64,
    },
}

impl Origin {
    /// `local` or `remote`, as stored.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Local { .. } => "local",
            Origin::Remote { .. } => "remote",
        }
    }
    /// Seq (local) or ledger index (remote).
    pub fn reference(self) -> i64 {
        match self {
            Origin::Local { seq } => seq,
            Origin::Remote { ledger_index } => ledger_index,
        }
    }
}

/// What `apply` needs from the envelope.
#[derive(Debug, Clone, Copy)]
pub struct EventMeta<'a> {
    /// Origin.
    pub origin: Origin,
    /// Payload kind number from the registry.
    pub kind: u16,
    /// Badge of the actor.
    pub actor: &'a str,
    /// The author device's public key.
    pub device: &'a [u8; 32],
    /// The facility in the envelope.
    pub facility: &'a str,
}

/// The package tags a payload names (for lookup history and conflicts).
pub fn payload_uids(payload: &Payload) -> Vec<&str> {
    match payload {
        Payload::ScanRecorded(p) => p.decoded_uid.as_deref().into_iter().collect(),
        Payload::RfidSweepRecorded(p) => p
            .tags
            .iter()
            .filter_map(|t| t.decoded_uid.as_deref())
            .collect(),
        Payload::WeightRecorded(p) => p.uid.as_deref().into_iter().collect(),
        Payload::ManifestLineReceived(p) => vec![&p.uid],
        Payload::ManifestLineRejected(p) => vec![&p.uid],
        Payload::LabelChecked(p) => vec![&p.uid],
        Payload::PackageQuarantined(p) => vec![&p.uid],
        Payload::PackageReleased(p) => vec![&p.uid],
        Payload::PackageMoved(p) => vec![&p.uid],
        Payload::PackageSplit(p) => vec![&p.source_uid, &p.new_uid],
        Payload::PickRecorded(p) => vec![&p.uid],
        Payload::CountLineRecorded(p) => vec![&p.uid],
        Payload::AdjustmentApproved(p) => vec![&p.uid],
        Payload::DestructionRecorded(p) => vec![&p.uid],
        Payload::InvestigationOpened(p) => p.uids.iter().map(String::as_str).collect(),
        Payload::PackageRegistered(p) => vec![&p.uid],
        Payload::PackageArrived(p) => vec![&p.uid],
        Payload::ConflictSettled(p) => vec![&p.uid],
        _ => Vec::new(),
    }
}

/// Whether a payload changes the packages it names (only those can conflict).
pub fn changes_packages(payload: &Payload) -> bool {
    matches!(
        payload,
        Payload::ManifestLineReceived(_)
            | Payload::ManifestLineRejected(_)
            | Payload::PackageQuarantined(_)
            | Payload::PackageReleased(_)
            | Payload::PackageMoved(_)
            | Payload::PackageSplit(_)
            | Payload::PickRecorded(_)
            | Payload::AdjustmentApproved(_)
            | Payload::DestructionRecorded(_)
            | Payload::PackageRegistered(_)
            | Payload::PackageArrived(_)
            | Payload::InvestigationOpened(_)
            | Payload::ConflictSettled(_)
    )
}

fn inconsistent(what: impl Into<String>) -> ReplicaError {
    ReplicaError::Apply(what.into())
}

fn qty(quantity: tally_events::Quantity) -> Result<(i64, &'static str), ReplicaError> {
    let (amount, unit) = model::split(quantity);
    let amount = i64::try_from(amount).map_err(|_| inconsistent("a quantity is too large"))?;
    Ok((amount, unit))
}

fn opt_i64(value: Option<u64>) -> Result<Option<i64>, ReplicaError> {
    value
        .map(|v| i64::try_from(v).map_err(|_| inconsistent("a number is too large")))
        .transpose()
}

/// Folds one event into the view. Call inside a transaction.
pub fn apply(
    view: &Connection,
    meta: &EventMeta<'_>,
    payload: &Payload,
) -> Result<(), ReplicaError> {
    refuse_revoked_device(view, meta)?;
    if payload.has_newer_code() {
        return Err(inconsistent(format!(
            "kind {} holds a code this version of tally does not know",
            meta.kind
        )));
    }
    let uids = payload_uids(payload);
    if !uids.is_empty() {
        let mut history = view.prepare_cached(
            "INSERT OR IGNORE INTO package_history (uid, origin, ref, kind) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for uid in &uids {
            history.execute(params![
                uid,
                meta.origin.label(),
                meta.origin.reference(),
                meta.kind
            ])?;
        }
    }
    if changes_packages(payload) {
        match meta.origin {
            Origin::Local { seq } => {
                let mut mark = view.prepare_cached(
                    "INSERT OR IGNORE INTO local_changes (uid, seq) VALUES (?1, ?2)",
                )?;
                for uid in &uids {
                    mark.execute(params![uid, seq])?;
                }
            }
            Origin::Remote { ledger_index } => {
                let mut pending = false;
                for uid in &uids {
                    let local: Option<i64> = view
                        .prepare_cached("SELECT max(seq) FROM local_changes WHERE uid = ?1")?
                        .query_row([uid], |r| r.get(0))?;
                    if let Some(local_seq) = local {
                        pending = true;
                        view.prepare_cached(
                            "INSERT OR IGNORE INTO conflicts (uid, local_seq, ledger_index, remote_kind)
                             VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![uid, local_seq, ledger_index, meta.kind])?;
                        view.prepare_cached("UPDATE packages SET conflict = 1 WHERE uid = ?1")?
                            .execute([uid])?;
                    }
                }
                if pending {
                    return Ok(());
                }
                if let Payload::PackageRegistered(p) = payload {
                    // The ledger settles the package: its record clears an old conflict flag.
                    view.prepare_cached("UPDATE packages SET conflict = 0 WHERE uid = ?1")?
                        .execute([&p.uid])?;
                }
            }
        }
    }
    fold(view, meta, payload)
}

/// Events of a revoked device are not folded, from the moment its revocation was folded
/// (remote deltas and, on the revoked device itself, its own new events). Events of that
/// device folded before the revocation arrived stay: a revocation is not retroactive (it
/// names no seq), and the ledger's order decides what came first; the device's log keeps
/// them for review.
fn refuse_revoked_device(view: &Connection, meta: &EventMeta<'_>) -> Result<(), ReplicaError> {
    let revoked: Option<bool> = view
        .prepare_cached("SELECT revoked FROM devices WHERE device = ?1")?
        .query_row([&meta.device[..]], |r| r.get(0))
        .optional()?;
    if revoked == Some(true) {
        return Err(inconsistent(format!(
            "device {} was revoked: its events are not applied",
            hex::encode(meta.device)
        )));
    }
    Ok(())
}

fn insert_manifest_lines(
    view: &Connection,
    outbound: bool,
    manifest_id: &str,
    lines: &[tally_events::payload::ManifestLine],
) -> Result<(), ReplicaError> {
    let sql = if outbound {
        "INSERT OR REPLACE INTO outbound_lines (manifest_id, uid, item_id, quantity, unit, weight_mg)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    } else {
        "INSERT OR REPLACE INTO inbound_lines (manifest_id, uid, item_id, quantity, unit, weight_mg)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    };
    let mut insert = view.prepare_cached(sql)?;
    for line in lines {
        let (amount, unit) = qty(line.quantity)?;
        insert.execute(params![
            manifest_id,
            line.uid,
            line.item_id,
            amount,
            unit,
            opt_i64(line.weight_mg)?
        ])?;
    }
    Ok(())
}

fn insert_pick_lines(
    view: &Connection,
    pick_list_id: &str,
    lines: &[tally_events::payload::PickListLine],
) -> Result<(), ReplicaError> {
    let mut insert = view.prepare_cached(
        "INSERT OR REPLACE INTO pick_lines (pick_list_id, line_no, item_id, quantity, unit, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for line in lines {
        let (amount, unit) = qty(line.quantity)?;
        insert.execute(params![
            pick_list_id,
            line.line,
            line.item_id,
            amount,
            unit,
            line.batch_id
        ])?;
    }
    Ok(())
}

fn insert_count_scope(
    view: &Connection,
    task_id: &str,
    locations: &[String],
    items: &[String],
) -> Result<(), ReplicaError> {
    for location in locations {
        view.prepare_cached(
            "INSERT OR IGNORE INTO count_task_locations (task_id, location_id) VALUES (?1, ?2)",
        )?
        .execute(params![task_id, location])?;
    }
    for item in items {
        view.prepare_cached(
            "INSERT OR IGNORE INTO count_task_items (task_id, item_id) VALUES (?1, ?2)",
        )?
        .execute(params![task_id, item])?;
    }
    Ok(())
}

/// Whether a master-data list a continuation adds to was issued.
fn issued(view: &Connection, table: &str, id: &str) -> Result<bool, ReplicaError> {
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    Ok(view
        .prepare_cached(&sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn receiving_manifests_of(view: &Connection, uid: &str) -> Result<Vec<String>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT r.manifest_id FROM inbound_receipts r JOIN inbound_manifests m ON m.id = r.manifest_id
         WHERE r.uid = ?1 AND m.status = 'receiving'",
    )?;
    let rows = stmt.query_map([uid], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn first_dock(view: &Connection) -> Result<Option<String>, ReplicaError> {
    Ok(view
        .prepare_cached("SELECT id FROM locations WHERE kind = 'dock' ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

fn close_pick_list_if_done(view: &Connection, pick_list: &str) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "UPDATE pick_lists SET status = 'done' WHERE id = ?1 AND NOT EXISTS
         (SELECT 1 FROM pick_lines WHERE pick_list_id = ?1 AND picked + short < quantity)",
    )?
    .execute([pick_list])?;
    Ok(())
}

#[allow(clippy::too_many_lines)]
fn fold(view: &Connection, meta: &EventMeta<'_>, payload: &Payload) -> Result<(), ReplicaError> {
    let origin = meta.origin.label();
    let reference = meta.origin.reference();
    match payload {
        Payload::DeviceEnrolled(p) => {
            view.prepare_cached(
                "INSERT INTO devices (device, facility_id, serial, previous_device, revoked)
                 VALUES (?1, ?2, ?3, ?4, 0)
                 ON CONFLICT(device) DO UPDATE SET facility_id = excluded.facility_id,
                 serial = excluded.serial, previous_device = excluded.previous_device",
            )?
            .execute(params![
                &meta.device[..],
                p.facility,
                p.hardware_serial,
                p.previous_device.map(|d| d.0.to_vec())
            ])?;
        }
        Payload::DeviceRevoked(p) => {
            // Also for a device whose genesis this replica has not seen (yet): the
            // revocation must hold whenever its events arrive.
            view.prepare_cached(
                "INSERT INTO devices (device, facility_id, serial, revoked) VALUES (?1, '', '', 1)
                 ON CONFLICT(device) DO UPDATE SET revoked = 1",
            )?
            .execute([&p.device.0[..]])?;
        }
        // A re-anchoring changes the sync daemon's state, not the view.
        Payload::UserSignedIn(_)
        | Payload::UserSignedOut(_)
        | Payload::ScanRecorded(_)
        | Payload::LedgerReanchored(_) => {}
        Payload::RfidSweepRecorded(p) => {
            // During a blind count, a sweep at a counted location lists the packages found.
            let Some(location) = p.location.as_deref() else {
                return Ok(());
            };
            let task: Option<(String, i64)> = view
                .prepare_cached(
                    "SELECT t.id, t.round FROM count_tasks t JOIN count_task_locations l ON l.task_id = t.id
                     WHERE t.status = 'counting' AND t.counter = ?1 AND l.location_id = ?2 ORDER BY t.id LIMIT 1",
                )?
                .query_row([meta.actor, location], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((task, round)) = task {
                let mut insert = view.prepare_cached(
                    "INSERT OR IGNORE INTO count_lines (task_id, round, uid, location_id, counter)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                let mut project = view.prepare_cached(
                    "INSERT OR IGNORE INTO counter_lines (task_id, round, uid, location_id, counter)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for uid in p.tags.iter().filter_map(|t| t.decoded_uid.as_deref()) {
                    insert.execute(params![task, round, uid, location, meta.actor])?;
                    project.execute(params![task, round, uid, location, meta.actor])?;
                }
                view.prepare_cached(
                    "INSERT OR IGNORE INTO count_counters (task_id, badge) VALUES (?1, ?2)",
                )?
                .execute(params![task, meta.actor])?;
            }
        }
        Payload::WeightRecorded(p) => {
            let Some(uid) = p.uid.as_deref() else {
                return Ok(());
            };
            let Ok(reading_mg) = weight::to_milligrams(&p.value, p.unit) else {
                return Ok(());
            };
            view.prepare_cached(
                "INSERT OR REPLACE INTO readings (uid, origin, ref, scale_id, weight_mg, stable)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                uid, origin, reference, p.scale_id, reading_mg, p.stable
            ])?;
            if p.stable {
                for manifest in receiving_manifests_of(view, uid)? {
                    let verdict = crate::workflow::receiving::weight_verdict(
                        view,
                        meta.facility,
                        &manifest,
                        uid,
                        reading_mg,
                        p.mode == WeighMode::Net,
                    )?
                    .map(|outcome| outcome.within);
                    view.prepare_cached(
                        "UPDATE inbound_receipts SET weighed_mg = ?3, weight_ok = ?4 WHERE manifest_id = ?1 AND uid = ?2",
                    )?
                    .execute(params![manifest, uid, reading_mg, verdict])?;
                }
            }
        }
        Payload::ScaleCalibrationChecked(p) => {
            view.prepare_cached("UPDATE scales SET last_check_ok = ?2 WHERE id = ?1")?
                .execute(params![p.scale_id, p.result == CheckResult::Pass])?;
        }
        Payload::PackageArrived(p) => {
            view.prepare_cached(
                "INSERT OR IGNORE INTO inbound_receipts (manifest_id, uid, expected) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![p.manifest_id, p.uid, p.on_manifest])?;
            view.prepare_cached("UPDATE inbound_manifests SET status = 'receiving' WHERE id = ?1 AND status = 'expected'")?
                .execute([&p.manifest_id])?;
            if p.on_manifest {
                let dock = first_dock(view)?;
                // The package lands on the dock, on hold until its line is accepted.
                view.prepare_cached(
                    "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, location_id, status, status_reason)
                     SELECT l.uid, l.item_id, NULL, l.quantity, l.unit, ?3, 'on_hold', 'receiving'
                     FROM inbound_lines l WHERE l.manifest_id = ?1 AND l.uid = ?2
                     ON CONFLICT(uid) DO UPDATE SET location_id = coalesce(?3, packages.location_id),
                     status = 'on_hold', status_reason = 'receiving', tote_id = NULL",
                )?
                .execute(params![p.manifest_id, p.uid, dock])?;
            }
        }
        Payload::ManifestLineReceived(p) => {
            let (amount, unit) = qty(p.quantity)?;
            view.prepare_cached(
                "UPDATE inbound_receipts SET decision = 'accepted' WHERE manifest_id = ?1 AND uid = ?2",
            )?
            .execute(params![p.manifest_id, p.uid])?;
            view.prepare_cached(
                "UPDATE packages SET quantity = ?2, unit = ?3, measured_mg = coalesce(?4, measured_mg),
                 status = CASE WHEN status = 'on_hold' AND status_reason = 'receiving' THEN 'active' ELSE status END,
                 status_reason = CASE WHEN status = 'on_hold' AND status_reason = 'receiving' THEN NULL ELSE status_reason END
                 WHERE uid = ?1",
            )?
            .execute(params![p.uid, amount, unit, opt_i64(p.measured_mg)?])?;
        }
        Payload::ManifestLineRejected(p) => {
            view.prepare_cached(
                "UPDATE inbound_receipts SET decision = 'rejected', reason = ?3 WHERE manifest_id = ?1 AND uid = ?2",
            )?
            .execute(params![p.manifest_id, p.uid, p.reason_code])?;
            // Rejected stock goes back on the truck.
            view.prepare_cached(
                "UPDATE packages SET status = 'in_transit', status_reason = ?2, location_id = NULL, tote_id = NULL
                 WHERE uid = ?1",
            )?
            .execute(params![p.uid, p.reason_code])?;
        }
        Payload::ManifestClosed(p) => {
            view.prepare_cached("UPDATE inbound_manifests SET status = 'closed' WHERE id = ?1")?
                .execute([&p.manifest_id])?;
        }
        Payload::LabelChecked(p) => {
            for manifest in receiving_manifests_of(view, &p.uid)? {
                view.prepare_cached(
                    "UPDATE inbound_receipts SET label_ok = ?3 WHERE manifest_id = ?1 AND uid = ?2",
                )?
                .execute(params![
                    manifest,
                    p.uid,
                    p.result == CheckResult::Pass
                ])?;
            }
        }
        Payload::PackageQuarantined(p) => {
            view.prepare_cached(
                "UPDATE packages SET status = 'quarantined', status_reason = ?2,
                 location_id = coalesce(?3, location_id), tote_id = NULL WHERE uid = ?1",
            )?
            .execute(params![p.uid, p.reason_code, p.location])?;
            for manifest in receiving_manifests_of(view, &p.uid)? {
                view.prepare_cached(
                    "UPDATE inbound_receipts SET quarantined = 1, reason = ?3 WHERE manifest_id = ?1 AND uid = ?2",
                )?
                .execute(params![manifest, p.uid, p.reason_code])?;
            }
        }
        Payload::PackageReleased(p) => {
            view.prepare_cached(
                "UPDATE packages SET status = 'active', status_reason = ?2 WHERE uid = ?1",
            )?
            .execute(params![p.uid, p.reason_code])?;
        }
        Payload::PackageMoved(p) => {
            view.prepare_cached(
                "UPDATE packages SET location_id = ?2, tote_id = NULL WHERE uid = ?1",
            )?
            .execute(params![p.uid, p.to_location])?;
        }
        Payload::PackageSplit(p) => {
            let (amount, unit) = qty(p.quantity)?;
            let changed = view
                .prepare_cached(
                    "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, location_id, status, status_reason)
                     SELECT ?2, item_id, batch_id, ?3, ?4, location_id, status, status_reason FROM packages WHERE uid = ?1
                     ON CONFLICT(uid) DO NOTHING",
                )?
                .execute(params![p.source_uid, p.new_uid, amount, unit])?;
            if changed == 1 {
                view.prepare_cached(
                    "UPDATE packages SET quantity = max(quantity - ?2, 0) WHERE uid = ?1",
                )?
                .execute(params![p.source_uid, amount])?;
            }
        }
        Payload::PickRecorded(p) => {
            let (amount, unit) = qty(p.quantity)?;
            view.prepare_cached("INSERT OR IGNORE INTO totes (id) VALUES (?1)")?
                .execute([&p.tote_id])?;
            view.prepare_cached(
                "INSERT INTO picks (pick_list_id, line_no, uid, quantity, unit, tote_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO UPDATE SET quantity = picks.quantity + excluded.quantity, tote_id = excluded.tote_id",
            )?
            .execute(params![p.pick_list_id, p.line, p.uid, amount, unit, p.tote_id])?;
            view.prepare_cached("UPDATE pick_lines SET picked = picked + ?3 WHERE pick_list_id = ?1 AND line_no = ?2")?
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
                    view.prepare_cached(
                        "UPDATE packages SET quantity = quantity - ?2 WHERE uid = ?1",
                    )?
                    .execute(params![p.uid, amount])?;
                }
                None => return Err(inconsistent(format!("pick of unknown package {}", p.uid))),
            }
            close_pick_list_if_done(view, &p.pick_list_id)?;
        }
        Payload::PickShorted(p) => {
            let (amount, _) = qty(p.short)?;
            view.prepare_cached(
                "UPDATE pick_lines SET short = short + ?3, short_reason = ?4 WHERE pick_list_id = ?1 AND line_no = ?2",
            )?
            .execute(params![p.pick_list_id, p.line, amount, p.reason_code])?;
            close_pick_list_if_done(view, &p.pick_list_id)?;
        }
        Payload::ToteStaged(p) => {
            view.prepare_cached(
                "INSERT INTO totes (id, route, location_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET route = excluded.route, location_id = excluded.location_id",
            )?
            .execute(params![p.tote_id, p.route_id, p.location])?;
            view.prepare_cached("UPDATE packages SET location_id = ?2 WHERE tote_id = ?1")?
                .execute(params![p.tote_id, p.location])?;
        }
        Payload::LoadingReconciled(p) => {
            let status = if p.result == CheckResult::Pass {
                "ready"
            } else {
                "draft"
            };
            view.prepare_cached("UPDATE outbound_manifests SET status = ?2 WHERE id = ?1")?
                .execute(params![p.manifest_id, status])?;
        }
        Payload::CountStarted(p) => {
            let round = i64::from(p.round);
            view.prepare_cached(
                "UPDATE count_tasks SET status = 'counting', round = ?2, counter = ?3,
                 first_counter = coalesce(first_counter, ?3) WHERE id = ?1",
            )?
            .execute(params![p.count_task_id, round, meta.actor])?;
            // The counter's projection starts empty every round: earlier rounds stay hidden.
            view.prepare_cached("DELETE FROM counter_lines WHERE task_id = ?1")?
                .execute([&p.count_task_id])?;
            view.prepare_cached(
                "INSERT OR IGNORE INTO count_counters (task_id, badge) VALUES (?1, ?2)",
            )?
            .execute(params![p.count_task_id, meta.actor])?;
            if round == 1 {
                view.prepare_cached("DELETE FROM count_expected WHERE task_id = ?1")?
                    .execute([&p.count_task_id])?;
                view.prepare_cached(
                    "INSERT INTO count_expected (task_id, uid, location_id, quantity, unit)
                     SELECT ?1, p.uid, p.location_id, p.quantity, p.unit FROM packages p
                     WHERE p.location_id IN (SELECT location_id FROM count_task_locations WHERE task_id = ?1)
                       AND p.status NOT IN ('destroyed', 'finished', 'in_transit')
                       AND (NOT EXISTS (SELECT 1 FROM count_task_items WHERE task_id = ?1)
                            OR p.item_id IN (SELECT item_id FROM count_task_items WHERE task_id = ?1))",
                )?
                .execute([&p.count_task_id])?;
            }
        }
        Payload::CountLineRecorded(p) => {
            let (amount, unit) = qty(p.quantity)?;
            view.prepare_cached(
                "INSERT INTO count_lines (task_id, round, uid, location_id, quantity, unit, counter)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit,
                 location_id = excluded.location_id",
            )?
            .execute(params![p.count_task_id, p.round, p.uid, p.location, amount, unit, meta.actor])?;
            view.prepare_cached(
                "INSERT INTO counter_lines (task_id, round, uid, location_id, quantity, unit, counter)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM count_tasks
                 WHERE id = ?1 AND round = ?2 AND status = 'counting'
                 ON CONFLICT DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit,
                 location_id = excluded.location_id",
            )?
            .execute(params![
                p.count_task_id,
                p.round,
                p.uid,
                p.location,
                amount,
                unit,
                meta.actor
            ])?;
            view.prepare_cached(
                "INSERT OR IGNORE INTO count_counters (task_id, badge) VALUES (?1, ?2)",
            )?
            .execute(params![p.count_task_id, meta.actor])?;
        }
        Payload::CountSubmitted(p) => {
            view.prepare_cached(
                "UPDATE count_tasks SET status = 'review' WHERE id = ?1 AND round = ?2",
            )?
            .execute(params![p.count_task_id, p.round])?;
            view.prepare_cached("DELETE FROM counter_lines WHERE task_id = ?1 AND round = ?2")?
                .execute(params![p.count_task_id, p.round])?;
        }
        Payload::RecountRequested(p) => {
            view.prepare_cached("UPDATE count_tasks SET status = 'recount' WHERE id = ?1")?
                .execute([&p.count_task_id])?;
            let mut insert = view.prepare_cached(
                "INSERT OR IGNORE INTO count_recounts (task_id, round, uid) VALUES (?1, ?2, ?3)",
            )?;
            for uid in &p.uids {
                insert.execute(params![p.count_task_id, p.round, uid])?;
            }
        }
        Payload::CountClosed(p) => {
            view.prepare_cached("UPDATE count_tasks SET status = 'closed' WHERE id = ?1")?
                .execute([&p.count_task_id])?;
        }
        Payload::AdjustmentApproved(p) => {
            let (from, unit) = qty(p.from)?;
            let (to, _) = qty(p.to)?;
            view.prepare_cached(
                "INSERT OR REPLACE INTO adjustments (origin, ref, uid, task_id, from_qty, to_qty, unit, reason, approver)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![origin, reference, p.uid, p.count_task_id, from, to, unit, p.reason_code, p.approver])?;
            view.prepare_cached("UPDATE packages SET quantity = ?2 WHERE uid = ?1")?
                .execute(params![p.uid, to])?;
        }
        Payload::DestructionRecorded(p) => {
            let (amount, unit) = qty(p.quantity)?;
            view.prepare_cached(
                "INSERT OR REPLACE INTO destructions (uid, quantity, unit, reason, method, actor, witness, origin, ref)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![p.uid, amount, unit, p.reason_code, p.method, meta.actor, p.witness, origin, reference])?;
            view.prepare_cached(
                "UPDATE packages SET status = 'destroyed', status_reason = ?2, quantity = 0,
                 location_id = NULL, tote_id = NULL WHERE uid = ?1",
            )?
            .execute(params![p.uid, p.reason_code])?;
        }
        Payload::InvestigationOpened(p) => {
            view.prepare_cached("INSERT OR REPLACE INTO investigations (id, reason, status) VALUES (?1, ?2, 'open')")?
                .execute(params![p.investigation_id, p.reason_code])?;
            let hold = format!("investigation {}", p.investigation_id);
            for uid in &p.uids {
                view.prepare_cached(
                    "INSERT OR IGNORE INTO investigation_packages (investigation_id, uid) VALUES (?1, ?2)",
                )?
                .execute(params![p.investigation_id, uid])?;
                view.prepare_cached(
                    "UPDATE packages SET status = 'on_hold', status_reason = ?2 WHERE uid = ?1 AND status = 'active'",
                )?
                .execute(params![uid, hold])?;
            }
        }
        Payload::InvestigationClosed(p) => {
            view.prepare_cached("UPDATE investigations SET status = 'closed' WHERE id = ?1")?
                .execute([&p.investigation_id])?;
            let hold = format!("investigation {}", p.investigation_id);
            view.prepare_cached(
                "UPDATE packages SET status = 'active', status_reason = NULL WHERE status = 'on_hold' AND status_reason = ?2
                 AND uid IN (SELECT uid FROM investigation_packages WHERE investigation_id = ?1)",
            )?
            .execute(params![p.investigation_id, hold])?;
        }
        Payload::EventVoided(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO voided (device, seq, hash, reason) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                &p.target.device.0[..],
                i64::try_from(p.target.seq).unwrap_or(i64::MAX),
                &p.target.record_sha256.0[..],
                p.reason_code
            ])?;
            void_arrival(view, &p.target)?;
        }
        Payload::ReceiptDifferenceNoted(p) => {
            let (manifest_amount, manifest_unit) = qty(p.manifest_quantity)?;
            let (received_amount, received_unit) = qty(p.received_quantity)?;
            view.prepare_cached(
                "INSERT OR REPLACE INTO inbound_differences (manifest_id, uid, manifest_amount,
                 manifest_unit, received_amount, received_unit, reason_code, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                p.manifest_id,
                p.uid,
                manifest_amount,
                manifest_unit,
                received_amount,
                received_unit,
                p.reason_code,
                p.note
            ])?;
        }
        Payload::ConflictSettled(p) => {
            let (amount, unit) = qty(p.quantity)?;
            let through = i64::try_from(p.through_ledger_index).unwrap_or(i64::MAX);
            view.prepare_cached("DELETE FROM conflicts WHERE uid = ?1 AND ledger_index <= ?2")?
                .execute(params![p.uid, through])?;
            // A conflict that arrived after the one the supervisor saw stays flagged.
            view.prepare_cached(
                "UPDATE packages SET quantity = ?2, unit = ?3, location_id = ?4, status = ?5,
                     conflict = EXISTS (SELECT 1 FROM conflicts WHERE uid = ?1)
                 WHERE uid = ?1",
            )?
            .execute(params![
                p.uid,
                amount,
                unit,
                p.location_id,
                model::status(p.status)
            ])?;
        }
        Payload::FacilityStateSystemDefined(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO facility_state_systems (facility_id, state_system) VALUES (?1, ?2)",
            )?
            .execute(params![
                p.facility_id,
                match p.state_system {
                    StateSystem::Metrc => "metrc",
                    StateSystem::BioTrack => "biotrack",
                }
            ])?;
        }
        Payload::FacilitySettingsDefined(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO facilities (id, name, license, time_zone, receiving_tolerance_mg,
                 count_tolerance_mg, count_tolerance_units, recount_by_another) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                p.facility_id,
                p.name,
                p.license_number,
                p.time_zone,
                opt_i64(Some(p.receiving_tolerance_mg))?,
                opt_i64(Some(p.count_tolerance_mg))?,
                opt_i64(Some(p.count_tolerance_units))?,
                p.recount_by_another
            ])?;
        }
        Payload::LocationDefined(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO locations (id, facility_id, name, kind, sellable, parent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                p.location_id,
                meta.facility,
                p.name,
                model::location_kind(p.kind),
                p.sellable,
                p.parent
            ])?;
        }
        Payload::ItemDefined(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO items (id, sku, name, category, unit, gtin, weight_is_net, tare_mg)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                p.item_id,
                p.sku,
                p.name,
                model::category(p.category),
                model::uom(p.unit_of_measure),
                p.gtin,
                p.manifest_weight_is_net,
                opt_i64(p.tare_mg)?
            ])?;
        }
        Payload::BatchDefined(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO batches (id, item_id, lot, coa_status, expires_on, thc_bp, cbd_bp)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                p.batch_id,
                p.item_id,
                p.lot,
                model::coa(p.coa_status),
                p.expiry.map(model::date),
                p.thc_bp,
                p.cbd_bp
            ])?;
        }
        Payload::PackageRegistered(p) => {
            let (amount, unit) = qty(p.quantity)?;
            view.prepare_cached(
                "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, location_id, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(uid) DO UPDATE SET item_id = excluded.item_id, batch_id = excluded.batch_id,
                 quantity = excluded.quantity, unit = excluded.unit, location_id = excluded.location_id,
                 status = excluded.status, status_reason = NULL, tote_id = NULL",
            )?
            .execute(params![p.uid, p.item_id, p.batch_id, amount, unit, p.location_id, model::status(p.status)])?;
        }
        Payload::InboundManifestIssued(p) => {
            view.prepare_cached(
                "INSERT INTO inbound_manifests (id, origin_license, destination_license, driver, vehicle, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'expected')
                 ON CONFLICT(id) DO UPDATE SET origin_license = excluded.origin_license,
                 destination_license = excluded.destination_license, driver = excluded.driver,
                 vehicle = excluded.vehicle",
            )?
            .execute(params![p.manifest_id, p.origin_license, p.destination_license, p.driver, p.vehicle])?;
            view.prepare_cached("DELETE FROM inbound_lines WHERE manifest_id = ?1")?
                .execute([&p.manifest_id])?;
            insert_manifest_lines(view, false, &p.manifest_id, &p.lines)?;
        }
        Payload::OutboundManifestIssued(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO outbound_manifests (id, origin_license, destination_license, route, driver, vehicle, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft')",
            )?
            .execute(params![p.manifest_id, p.origin_license, p.destination_license, p.route_id, p.driver, p.vehicle])?;
            view.prepare_cached("DELETE FROM outbound_lines WHERE manifest_id = ?1")?
                .execute([&p.manifest_id])?;
            insert_manifest_lines(view, true, &p.manifest_id, &p.lines)?;
        }
        Payload::PickListIssued(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO pick_lists (id, order_id, route, status) VALUES (?1, ?2, ?3, 'open')",
            )?
            .execute(params![p.pick_list_id, p.order_id, p.route_id])?;
            view.prepare_cached("DELETE FROM pick_lines WHERE pick_list_id = ?1")?
                .execute([&p.pick_list_id])?;
            insert_pick_lines(view, &p.pick_list_id, &p.lines)?;
        }
        Payload::CountTaskIssued(p) => {
            view.prepare_cached(
                "INSERT INTO count_tasks (id, status, assigned_to) VALUES (?1, 'scheduled', ?2)
                 ON CONFLICT(id) DO UPDATE SET assigned_to = excluded.assigned_to",
            )?
            .execute(params![p.count_task_id, p.assigned_to])?;
            view.prepare_cached("DELETE FROM count_task_locations WHERE task_id = ?1")?
                .execute([&p.count_task_id])?;
            view.prepare_cached("DELETE FROM count_task_items WHERE task_id = ?1")?
                .execute([&p.count_task_id])?;
            insert_count_scope(view, &p.count_task_id, &p.locations, &p.items)?;
        }
        Payload::ManifestLinesAdded(p) => {
            let table = if p.outbound {
                "outbound_manifests"
            } else {
                "inbound_manifests"
            };
            if !issued(view, table, &p.manifest_id)? {
                return Err(inconsistent(format!(
                    "lines added to manifest {} that was never issued",
                    p.manifest_id
                )));
            }
            insert_manifest_lines(view, p.outbound, &p.manifest_id, &p.lines)?;
        }
        Payload::TaskLinesAdded(p) => match p.task {
            ContinuedTask::PickList => {
                if !issued(view, "pick_lists", &p.task_id)? {
                    return Err(inconsistent(format!(
                        "lines added to pick list {} that was never issued",
                        p.task_id
                    )));
                }
                if !p.locations.is_empty() || !p.items.is_empty() {
                    return Err(inconsistent("a pick list continuation holds count scope"));
                }
                insert_pick_lines(view, &p.task_id, &p.pick_lines)?;
            }
            ContinuedTask::CountTask => {
                if !issued(view, "count_tasks", &p.task_id)? {
                    return Err(inconsistent(format!(
                        "locations added to count task {} that was never issued",
                        p.task_id
                    )));
                }
                if !p.pick_lines.is_empty() {
                    return Err(inconsistent("a count task continuation holds pick lines"));
                }
                insert_count_scope(view, &p.task_id, &p.locations, &p.items)?;
            }
        },
        Payload::UserDefined(p) => {
            // An old user event: it defines the user; its `pin_hash` is never a verifier.
            view.prepare_cached(
                "INSERT OR REPLACE INTO users (badge, name, role, active) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![p.badge, p.name, model::role(p.role), p.active])?;
        }
        Payload::UserDefinedV2(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO users (badge, name, role, active) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![p.badge, p.name, model::role(p.role), p.active])?;
        }
        Payload::UserLockedOut(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO user_lockouts (badge, locked_until_ms, failed_attempts)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![p.badge, p.locked_until_unix_ms, p.failed_attempts])?;
            // The local count of wrong PINs starts again after a lockout.
            crate::pins::forget_failures(view, &p.badge)?;
        }
        Payload::UserUnlocked(p) => {
            view.prepare_cached("DELETE FROM user_lockouts WHERE badge = ?1")?
                .execute([&p.badge])?;
            crate::pins::forget_failures(view, &p.badge)?;
        }
        Payload::ReasonCodeDefined(p) => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO reason_codes (code, description) VALUES (?1, ?2)",
            )?
            .execute(params![p.code, p.description])?;
        }
        Payload::ScaleRegistered(p) => {
            let unit = p.unit;
            view.prepare_cached(
                "INSERT OR REPLACE INTO scales (id, serial, model, division_mg, capacity_mg, calibration_due)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                p.scale_id,
                p.serial,
                p.model,
                weight::to_milligrams(&p.division, unit).unwrap_or(0),
                weight::to_milligrams(&p.capacity, unit).unwrap_or(0),
                model::date(p.calibration_due)
            ])?;
        }
        Payload::Unknown(_) => {}
    }
    Ok(())
}

/// A voided `package_arrived` (a mis-scan at receiving) takes the case off the manifest's
/// receipts while nothing was decided or quarantined for it; the void itself stays on record.
/// Checks and weights recorded against it stay in the log as evidence.
fn void_arrival(
    view: &Connection,
    target: &tally_events::payload::EventRef,
) -> Result<(), ReplicaError> {
    let seq = i64::try_from(target.seq).unwrap_or(i64::MAX);
    let bytes: Option<Vec<u8>> = view
        .prepare_cached(
            "SELECT bytes FROM event_log WHERE seq = ?2 AND hash = ?3 AND kind = 269
             UNION ALL
             SELECT bytes FROM remote_events WHERE device = ?1 AND seq = ?2 AND hash = ?3 AND kind = 269
             LIMIT 1",
        )?
        .query_row(
            params![&target.device.0[..], seq, &target.record_sha256.0[..]],
            |r| r.get(0),
        )
        .optional()?;
    let Some(bytes) = bytes else {
        return Ok(());
    };
    let event =
        tally_events::SignedEvent::from_bytes(bytes).map_err(|e| ReplicaError::Events(e.into()))?;
    let Ok(Payload::PackageArrived(arrived)) = event.payload() else {
        return Ok(());
    };
    view.prepare_cached(
        "DELETE FROM inbound_receipts WHERE manifest_id = ?1 AND uid = ?2
         AND decision IS NULL AND quarantined = 0",
    )?
    .execute(params![arrived.manifest_id, arrived.uid])?;
    Ok(())
}

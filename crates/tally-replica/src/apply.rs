//! The fold: `apply(view, event)` turns one event's [`Fact`] into changes of the replica's view
//! tables. The device replica, the crash-test replay and snapshot/delta loading all call this one
//! function, so they cannot disagree.
//!
//! `apply` reads only the view and the event; it never looks at clocks, randomness or the event
//! log table, so folding the same events in the same order over the same start always yields
//! the same view. It runs inside the caller's transaction and never commits.
//!
//! Conflict rule (local events win until the ledger rules): a package changed by a local event
//! the ledger has not acknowledged yet carries that event's seq in `packages.local_seq`. A
//! remote event (a delta) that would change such a package does not touch it; it is recorded in
//! `conflicts` and the package is flagged for a supervisor. Acknowledgement by the ledger clears
//! `local_seq` (see [`crate::Replica::acknowledge`]); conflicts stay until resolved by an admin.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::ReplicaError;
use crate::fact::{Fact, PackageStatus};

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
    fn label(self) -> &'static str {
        match self {
            Origin::Local { .. } => "local",
            Origin::Remote { .. } => "remote",
        }
    }
    fn reference(self) -> i64 {
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
    pub device: &'a [u8],
}

fn inconsistent(what: impl Into<String>) -> ReplicaError {
    ReplicaError::Apply(what.into())
}

/// Folds one event into the view. Call inside a transaction.
pub fn apply(view: &Connection, meta: &EventMeta<'_>, fact: &Fact) -> Result<(), ReplicaError> {
    // Lookup history first: every UID the event names.
    let uids = fact.uids();
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
    if fact.changes_packages() {
        match meta.origin {
            Origin::Local { seq } => {
                let mut mark =
                    view.prepare_cached("UPDATE packages SET local_seq = ?2 WHERE uid = ?1")?;
                for uid in &uids {
                    mark.execute(params![uid, seq])?;
                }
            }
            Origin::Remote { ledger_index } => {
                let mut pending = false;
                for uid in &uids {
                    let local: Option<Option<i64>> = view
                        .prepare_cached("SELECT local_seq FROM packages WHERE uid = ?1")?
                        .query_row([uid], |r| r.get(0))
                        .optional()?;
                    if let Some(Some(local_seq)) = local {
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
            }
        }
    }
    apply_fact(view, meta, fact)
}

fn set_status(
    view: &Connection,
    uid: &str,
    status: PackageStatus,
    reason: Option<&str>,
) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE packages SET status = ?2, status_reason = ?3 WHERE uid = ?1")?
        .execute(params![uid, status.as_str(), reason])?;
    Ok(())
}

fn apply_fact(view: &Connection, meta: &EventMeta<'_>, fact: &Fact) -> Result<(), ReplicaError> {
    match fact {
        Fact::FacilityDefined {
            id,
            name,
            license,
            time_zone,
        } => {
            view.prepare_cached(
                "INSERT INTO facilities (id, name, license, time_zone) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, license = excluded.license,
                 time_zone = excluded.time_zone",
            )?
            .execute(params![id, name, license, time_zone])?;
        }
        Fact::FacilitySettings {
            facility_id,
            weight_tolerance_mg,
            weight_tolerance_bp,
            count_tolerance_each,
            count_tolerance_mg,
            recount_by_another,
            max_recounts,
        } => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO facility_settings (facility_id, weight_tolerance_mg,
                 weight_tolerance_bp, count_tolerance_each, count_tolerance_mg, recount_by_another,
                 max_recounts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                facility_id,
                weight_tolerance_mg,
                weight_tolerance_bp,
                count_tolerance_each,
                count_tolerance_mg,
                recount_by_another,
                max_recounts
            ])?;
        }
        Fact::LocationDefined {
            id,
            facility_id,
            name,
            kind,
            sellable,
            walk_order,
        } => {
            view.prepare_cached(
                "INSERT INTO locations (id, facility_id, name, kind, sellable, walk_order)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET facility_id = excluded.facility_id, name = excluded.name,
                 kind = excluded.kind, sellable = excluded.sellable, walk_order = excluded.walk_order",
            )?
            .execute(params![id, facility_id, name, kind.as_str(), sellable, walk_order])?;
        }
        Fact::ItemDefined {
            id,
            sku,
            name,
            category,
            unit,
            unit_weight_mg,
            weight_is_net,
            tare_mg,
        } => {
            view.prepare_cached(
                "INSERT INTO items (id, sku, name, category, unit, unit_weight_mg, weight_is_net, tare_mg)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(id) DO UPDATE SET sku = excluded.sku, name = excluded.name,
                 category = excluded.category, unit = excluded.unit,
                 unit_weight_mg = excluded.unit_weight_mg, weight_is_net = excluded.weight_is_net,
                 tare_mg = excluded.tare_mg",
            )?
            .execute(params![id, sku, name, category, unit.as_str(), unit_weight_mg, weight_is_net, tare_mg])?;
        }
        Fact::BatchDefined {
            id,
            item_id,
            lot,
            coa_status,
            thc_bp,
            expires_on,
        } => {
            view.prepare_cached(
                "INSERT INTO batches (id, item_id, lot, coa_status, thc_bp, expires_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET item_id = excluded.item_id, lot = excluded.lot,
                 coa_status = excluded.coa_status, thc_bp = excluded.thc_bp,
                 expires_on = excluded.expires_on",
            )?
            .execute(params![
                id,
                item_id,
                lot,
                coa_status.as_str(),
                thc_bp,
                expires_on
            ])?;
        }
        Fact::PackageRegistered {
            uid,
            item_id,
            batch_id,
            quantity,
            weight_mg,
            location_id,
            status,
        } => {
            view.prepare_cached(
                "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, weight_mg, location_id, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(uid) DO UPDATE SET item_id = excluded.item_id, batch_id = excluded.batch_id,
                 quantity = excluded.quantity, unit = excluded.unit, weight_mg = excluded.weight_mg,
                 location_id = excluded.location_id, status = excluded.status",
            )?
            .execute(params![
                uid,
                item_id,
                batch_id,
                quantity.amount,
                quantity.unit.as_str(),
                weight_mg,
                location_id,
                status.as_str()
            ])?;
        }
        Fact::InboundManifestDefined {
            id,
            facility_id,
            origin_license,
            driver,
            vehicle,
            receive_location_id,
            lines,
        } => {
            view.prepare_cached(
                "INSERT INTO inbound_manifests (id, facility_id, origin_license, driver, vehicle,
                 receive_location_id, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'expected')
                 ON CONFLICT(id) DO UPDATE SET facility_id = excluded.facility_id,
                 origin_license = excluded.origin_license, driver = excluded.driver,
                 vehicle = excluded.vehicle, receive_location_id = excluded.receive_location_id",
            )?
            .execute(params![
                id,
                facility_id,
                origin_license,
                driver,
                vehicle,
                receive_location_id
            ])?;
            view.prepare_cached("DELETE FROM inbound_lines WHERE manifest_id = ?1")?
                .execute([id])?;
            let mut insert = view.prepare_cached(
                "INSERT INTO inbound_lines (manifest_id, uid, item_id, batch_id, quantity, unit, weight_mg, pallet)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for line in lines {
                insert.execute(params![
                    id,
                    line.uid,
                    line.item_id,
                    line.batch_id,
                    line.quantity.amount,
                    line.quantity.unit.as_str(),
                    line.weight_mg,
                    line.pallet
                ])?;
            }
        }
        Fact::OutboundManifestDefined {
            id,
            facility_id,
            destination_license,
            route,
            vehicle_location_id,
            lines,
        } => {
            view.prepare_cached(
                "INSERT INTO outbound_manifests (id, facility_id, destination_license, route,
                 vehicle_location_id, status) VALUES (?1, ?2, ?3, ?4, ?5, 'draft')
                 ON CONFLICT(id) DO UPDATE SET facility_id = excluded.facility_id,
                 destination_license = excluded.destination_license, route = excluded.route,
                 vehicle_location_id = excluded.vehicle_location_id, status = 'draft'",
            )?
            .execute(params![
                id,
                facility_id,
                destination_license,
                route,
                vehicle_location_id
            ])?;
            view.prepare_cached("DELETE FROM outbound_lines WHERE manifest_id = ?1")?
                .execute([id])?;
            let mut insert = view.prepare_cached(
                "INSERT INTO outbound_lines (manifest_id, uid, item_id, quantity, unit, weight_mg)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for line in lines {
                insert.execute(params![
                    id,
                    line.uid,
                    line.item_id,
                    line.quantity.amount,
                    line.quantity.unit.as_str(),
                    line.weight_mg
                ])?;
            }
        }
        Fact::PickListDefined {
            id,
            order_ref,
            route,
            lines,
        } => {
            view.prepare_cached(
                "INSERT INTO pick_lists (id, order_ref, route, status) VALUES (?1, ?2, ?3, 'open')
                 ON CONFLICT(id) DO UPDATE SET order_ref = excluded.order_ref, route = excluded.route",
            )?
            .execute(params![id, order_ref, route])?;
            view.prepare_cached("DELETE FROM pick_lines WHERE pick_list_id = ?1")?
                .execute([id])?;
            let mut insert = view.prepare_cached(
                "INSERT INTO pick_lines (pick_list_id, line_no, item_id, quantity, unit, fefo, min_expiry)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for line in lines {
                insert.execute(params![
                    id,
                    line.line_no,
                    line.item_id,
                    line.quantity.amount,
                    line.quantity.unit.as_str(),
                    line.fefo,
                    line.min_expiry
                ])?;
            }
        }
        Fact::CountTaskDefined {
            id,
            facility_id,
            location_ids,
            item_ids,
        } => {
            view.prepare_cached(
                "INSERT INTO count_tasks (id, facility_id, status) VALUES (?1, ?2, 'scheduled')
                 ON CONFLICT(id) DO UPDATE SET facility_id = excluded.facility_id",
            )?
            .execute(params![id, facility_id])?;
            view.prepare_cached("DELETE FROM count_task_locations WHERE task_id = ?1")?
                .execute([id])?;
            view.prepare_cached("DELETE FROM count_task_items WHERE task_id = ?1")?
                .execute([id])?;
            for location in location_ids {
                view.prepare_cached(
                    "INSERT OR IGNORE INTO count_task_locations (task_id, location_id) VALUES (?1, ?2)",
                )?
                .execute(params![id, location])?;
            }
            for item in item_ids {
                view.prepare_cached(
                    "INSERT OR IGNORE INTO count_task_items (task_id, item_id) VALUES (?1, ?2)",
                )?
                .execute(params![id, item])?;
            }
        }
        Fact::UserDefined {
            badge,
            name,
            role,
            pin_hash,
            active,
        } => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO users (badge, name, role, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![badge, name, role.as_str(), pin_hash, active])?;
        }
        Fact::ReasonCodeDefined { code, kind, label } => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO reason_codes (code, kind, label) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![code, kind, label])?;
        }
        Fact::ScaleDefined {
            id,
            serial,
            division_mg,
            capacity_mg,
            calibration_due,
        } => {
            view.prepare_cached(
                "INSERT INTO scales (id, serial, division_mg, capacity_mg, calibration_due)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET serial = excluded.serial, division_mg = excluded.division_mg,
                 capacity_mg = excluded.capacity_mg, calibration_due = excluded.calibration_due",
            )?
            .execute(params![id, serial, division_mg, capacity_mg, calibration_due])?;
        }
        Fact::DeviceEnrolled {
            facility_id,
            serial,
        } => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO devices (device, facility_id, serial, first_seq) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![meta.device, facility_id, serial, meta.origin.reference()])?;
        }
        Fact::SignedIn { .. } => {}
        Fact::ManifestOpened { manifest_id } => {
            view.prepare_cached("UPDATE inbound_manifests SET status = 'open' WHERE id = ?1")?
                .execute([manifest_id])?;
        }
        Fact::PackageReceived {
            manifest_id,
            uid,
            expected,
        } => {
            view.prepare_cached(
                "INSERT OR IGNORE INTO inbound_receipts (manifest_id, uid, expected) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![manifest_id, uid, expected])?;
            if *expected {
                // The package arrives at the receiving location, on hold until its line is accepted.
                view.prepare_cached(
                    "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, weight_mg, location_id,
                     status, status_reason, pallet)
                     SELECT l.uid, l.item_id, l.batch_id, l.quantity, l.unit, l.weight_mg,
                            m.receive_location_id, 'on_hold', 'receiving', l.pallet
                     FROM inbound_lines l JOIN inbound_manifests m ON m.id = l.manifest_id
                     WHERE l.manifest_id = ?1 AND l.uid = ?2
                     ON CONFLICT(uid) DO UPDATE SET location_id = excluded.location_id,
                     status = 'on_hold', status_reason = 'receiving', pallet = excluded.pallet",
                )?
                .execute(params![manifest_id, uid])?;
            }
        }
        Fact::WeightRecorded {
            manifest_id,
            uid,
            reading,
            ..
        } => {
            view.prepare_cached(
                "UPDATE inbound_receipts SET weighed_mg = ?3 WHERE manifest_id = ?1 AND uid = ?2",
            )?
            .execute(params![manifest_id, uid, reading.weight_mg])?;
        }
        Fact::LabelChecked {
            manifest_id,
            uid,
            problems,
        } => {
            view.prepare_cached(
                "UPDATE inbound_receipts SET label_ok = ?3 WHERE manifest_id = ?1 AND uid = ?2",
            )?
            .execute(params![manifest_id, uid, problems.is_empty()])?;
        }
        Fact::PackageQuarantined {
            uid,
            reason,
            location_id,
        } => {
            view.prepare_cached(
                "UPDATE packages SET status = 'quarantined', status_reason = ?2, location_id = ?3, tote_id = NULL
                 WHERE uid = ?1",
            )?
            .execute(params![uid, reason, location_id])?;
            view.prepare_cached(
                "UPDATE inbound_receipts SET quarantined = 1, reason = ?2 WHERE uid = ?1
                 AND manifest_id IN (SELECT id FROM inbound_manifests WHERE status = 'open')",
            )?
            .execute(params![uid, reason])?;
        }
        Fact::PackageReleased { uid, reason } => {
            set_status(view, uid, PackageStatus::Active, Some(reason))?;
        }
        Fact::LineDecided {
            manifest_id,
            uid,
            accepted,
            reason,
        } => {
            view.prepare_cached(
                "UPDATE inbound_receipts SET decision = ?3, reason = coalesce(?4, reason)
                 WHERE manifest_id = ?1 AND uid = ?2",
            )?
            .execute(params![
                manifest_id,
                uid,
                if *accepted { "accepted" } else { "rejected" },
                reason
            ])?;
            if *accepted {
                // Accepted stock becomes sellable unless it sits in quarantine.
                view.prepare_cached(
                    "UPDATE packages SET status = 'active', status_reason = NULL
                     WHERE uid = ?1 AND status = 'on_hold' AND status_reason = 'receiving'",
                )?
                .execute([uid])?;
            } else {
                // Rejected stock goes back on the truck.
                view.prepare_cached(
                    "UPDATE packages SET status = 'in_transit', status_reason = ?2, location_id = NULL
                     WHERE uid = ?1",
                )?
                .execute(params![uid, reason])?;
            }
        }
        Fact::ManifestClosed { manifest_id, .. } => {
            view.prepare_cached("UPDATE inbound_manifests SET status = 'closed' WHERE id = ?1")?
                .execute([manifest_id])?;
        }
        Fact::PackageMoved {
            uid,
            to_location_id,
            ..
        } => {
            view.prepare_cached(
                "UPDATE packages SET location_id = ?2, tote_id = NULL WHERE uid = ?1",
            )?
            .execute(params![uid, to_location_id])?;
        }
        Fact::PickRecorded {
            pick_list_id,
            line_no,
            uid,
            quantity,
            tote_id,
        } => {
            view.prepare_cached("INSERT OR IGNORE INTO totes (id) VALUES (?1)")?
                .execute([tote_id])?;
            view.prepare_cached(
                "INSERT INTO picks (pick_list_id, line_no, uid, quantity, tote_id, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO UPDATE SET quantity = picks.quantity + excluded.quantity, tote_id = excluded.tote_id",
            )?
            .execute(params![pick_list_id, line_no, uid, quantity.amount, tote_id, meta.origin.reference()])?;
            view.prepare_cached(
                "UPDATE pick_lines SET picked = picked + ?3 WHERE pick_list_id = ?1 AND line_no = ?2",
            )?
            .execute(params![pick_list_id, line_no, quantity.amount])?;
            // A whole package goes into the tote; a partial pick takes units out of it.
            let current: Option<i64> = view
                .prepare_cached("SELECT quantity FROM packages WHERE uid = ?1")?
                .query_row([uid], |r| r.get(0))
                .optional()?;
            match current {
                Some(have) if have <= quantity.amount => {
                    view.prepare_cached("UPDATE packages SET tote_id = ?2 WHERE uid = ?1")?
                        .execute(params![uid, tote_id])?;
                }
                Some(_) => {
                    view.prepare_cached(
                        "UPDATE packages SET quantity = quantity - ?2 WHERE uid = ?1",
                    )?
                    .execute(params![uid, quantity.amount])?;
                }
                None => return Err(inconsistent(format!("pick of unknown package {uid}"))),
            }
            view.prepare_cached(
                "UPDATE pick_lists SET status = 'done' WHERE id = ?1 AND NOT EXISTS
                 (SELECT 1 FROM pick_lines WHERE pick_list_id = ?1 AND picked + short < quantity)",
            )?
            .execute([pick_list_id])?;
        }
        Fact::PickShorted {
            pick_list_id,
            line_no,
            quantity,
            reason,
        } => {
            view.prepare_cached(
                "UPDATE pick_lines SET short = short + ?3, short_reason = ?4 WHERE pick_list_id = ?1 AND line_no = ?2",
            )?
            .execute(params![pick_list_id, line_no, quantity.amount, reason])?;
            view.prepare_cached(
                "UPDATE pick_lists SET status = 'done' WHERE id = ?1 AND NOT EXISTS
                 (SELECT 1 FROM pick_lines WHERE pick_list_id = ?1 AND picked + short < quantity)",
            )?
            .execute([pick_list_id])?;
        }
        Fact::ToteStaged {
            tote_id,
            route,
            location_id,
        } => {
            view.prepare_cached(
                "INSERT INTO totes (id, route, location_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET route = excluded.route, location_id = excluded.location_id",
            )?
            .execute(params![tote_id, route, location_id])?;
            view.prepare_cached("UPDATE packages SET location_id = ?2 WHERE tote_id = ?1")?
                .execute(params![tote_id, location_id])?;
        }
        Fact::LoadReconciled {
            manifest_id, exact, ..
        } => {
            if *exact {
                view.prepare_cached(
                    "UPDATE outbound_manifests SET status = 'ready' WHERE id = ?1",
                )?
                .execute([manifest_id])?;
            }
        }
        Fact::CountStarted { task_id, round } => {
            view.prepare_cached(
                "UPDATE count_tasks SET status = 'counting', round = ?2, counter = ?3,
                 first_counter = coalesce(first_counter, ?3) WHERE id = ?1",
            )?
            .execute(params![task_id, round, meta.actor])?;
            if *round == 1 {
                view.prepare_cached("DELETE FROM count_expected WHERE task_id = ?1")?
                    .execute([task_id])?;
                view.prepare_cached(
                    "INSERT INTO count_expected (task_id, uid, location_id, quantity, unit)
                     SELECT ?1, p.uid, p.location_id, p.quantity, p.unit FROM packages p
                     WHERE p.location_id IN (SELECT location_id FROM count_task_locations WHERE task_id = ?1)
                       AND p.status != 'destroyed'
                       AND (NOT EXISTS (SELECT 1 FROM count_task_items WHERE task_id = ?1)
                            OR p.item_id IN (SELECT item_id FROM count_task_items WHERE task_id = ?1))",
                )?
                .execute([task_id])?;
            }
        }
        Fact::CountScanned {
            task_id,
            round,
            location_id,
            uids,
        } => {
            let mut insert = view.prepare_cached(
                "INSERT OR IGNORE INTO count_lines (task_id, round, uid, location_id, counter)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for uid in uids {
                insert.execute(params![task_id, round, uid, location_id, meta.actor])?;
            }
        }
        Fact::CountQuantity {
            task_id,
            round,
            uid,
            quantity,
        } => {
            view.prepare_cached(
                "UPDATE count_lines SET quantity = ?4, unit = ?5 WHERE task_id = ?1 AND round = ?2 AND uid = ?3",
            )?
            .execute(params![task_id, round, uid, quantity.amount, quantity.unit.as_str()])?;
        }
        Fact::CountSubmitted {
            task_id,
            round,
            recount,
        } => {
            let status = if recount.is_empty() {
                "review"
            } else {
                "recount"
            };
            view.prepare_cached("UPDATE count_tasks SET status = ?2 WHERE id = ?1")?
                .execute(params![task_id, status])?;
            let mut insert = view.prepare_cached(
                "INSERT OR IGNORE INTO count_recounts (task_id, round, uid) VALUES (?1, ?2, ?3)",
            )?;
            for uid in recount {
                insert.execute(params![task_id, round + 1, uid])?;
            }
        }
        Fact::AdjustmentApproved {
            task_id,
            uid,
            quantity,
            reason,
        } => {
            let before: Option<i64> = view
                .prepare_cached("SELECT quantity FROM packages WHERE uid = ?1")?
                .query_row([uid], |r| r.get(0))
                .optional()?;
            let before = before
                .ok_or_else(|| inconsistent(format!("adjustment of unknown package {uid}")))?;
            view.prepare_cached(
                "INSERT OR REPLACE INTO adjustments (seq, origin, uid, task_id, delta, unit, reason, approver)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                meta.origin.reference(),
                meta.origin.label(),
                uid,
                task_id,
                quantity.amount - before,
                quantity.unit.as_str(),
                reason,
                meta.actor
            ])?;
            view.prepare_cached("UPDATE packages SET quantity = ?2 WHERE uid = ?1")?
                .execute(params![uid, quantity.amount])?;
        }
        Fact::CountClosed { task_id } => {
            view.prepare_cached("UPDATE count_tasks SET status = 'closed' WHERE id = ?1")?
                .execute([task_id])?;
        }
        Fact::DestructionRecorded {
            uid,
            reading,
            reason,
            witness,
        } => {
            view.prepare_cached(
                "INSERT OR REPLACE INTO destructions (uid, weight_mg, scale_id, reason, actor, witness, origin, ref)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                uid,
                reading.weight_mg,
                reading.scale_id,
                reason,
                meta.actor,
                witness,
                meta.origin.label(),
                meta.origin.reference()
            ])?;
            view.prepare_cached(
                "UPDATE packages SET status = 'destroyed', status_reason = ?2, quantity = 0,
                 location_id = NULL, tote_id = NULL WHERE uid = ?1",
            )?
            .execute(params![uid, reason])?;
        }
    }
    Ok(())
}

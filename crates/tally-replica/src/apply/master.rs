//! Master data from the ledger or the admin: the facility, locations, items, batches,
//! registered packages, manifests, pick lists, count tasks and their continuations, reason
//! codes.

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::{
    BatchDefined, ContinuedTask, CountTaskIssued, FacilitySettingsDefined,
    FacilityStateSystemDefined, InboundManifestIssued, ItemDefined, LocationDefined,
    ManifestLinesAdded, OutboundManifestIssued, PackageRegistered, PickListIssued,
    ReasonCodeDefined, StateSystem, TaskLinesAdded,
};

use super::{inconsistent, opt_i64, qty, EventMeta};
use crate::error::ReplicaError;
use crate::model;
pub(super) fn facility_state_system_defined(
    view: &Connection,
    p: &FacilityStateSystemDefined,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn facility_settings_defined(
    view: &Connection,
    p: &FacilitySettingsDefined,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn location_defined(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &LocationDefined,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn item_defined(view: &Connection, p: &ItemDefined) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn batch_defined(view: &Connection, p: &BatchDefined) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn package_registered(
    view: &Connection,
    p: &PackageRegistered,
) -> Result<(), ReplicaError> {
    let (amount, unit) = qty(p.quantity)?;
    view.prepare_cached(
        "INSERT INTO packages (uid, item_id, batch_id, quantity, unit, location_id, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(uid) DO UPDATE SET item_id = excluded.item_id, batch_id = excluded.batch_id,
         quantity = excluded.quantity, unit = excluded.unit, location_id = excluded.location_id,
         status = excluded.status, status_reason = NULL, tote_id = NULL",
    )?
    .execute(params![
        p.uid,
        p.item_id,
        p.batch_id,
        amount,
        unit,
        p.location_id,
        model::status(p.status)
    ])?;
    Ok(())
}

pub(super) fn inbound_manifest_issued(
    view: &Connection,
    p: &InboundManifestIssued,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn outbound_manifest_issued(
    view: &Connection,
    p: &OutboundManifestIssued,
) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR REPLACE INTO outbound_manifests (id, origin_license, destination_license, route, driver, vehicle, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft')",
    )?
    .execute(params![p.manifest_id, p.origin_license, p.destination_license, p.route_id, p.driver, p.vehicle])?;
    view.prepare_cached("DELETE FROM outbound_lines WHERE manifest_id = ?1")?
        .execute([&p.manifest_id])?;
    insert_manifest_lines(view, true, &p.manifest_id, &p.lines)?;
    Ok(())
}

pub(super) fn pick_list_issued(view: &Connection, p: &PickListIssued) -> Result<(), ReplicaError> {
    view.prepare_cached(
        "INSERT OR REPLACE INTO pick_lists (id, order_id, route, status) VALUES (?1, ?2, ?3, 'open')",
    )?
    .execute(params![p.pick_list_id, p.order_id, p.route_id])?;
    view.prepare_cached("DELETE FROM pick_lines WHERE pick_list_id = ?1")?
        .execute([&p.pick_list_id])?;
    insert_pick_lines(view, &p.pick_list_id, &p.lines)?;
    Ok(())
}

pub(super) fn count_task_issued(
    view: &Connection,
    p: &CountTaskIssued,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn manifest_lines_added(
    view: &Connection,
    p: &ManifestLinesAdded,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn task_lines_added(view: &Connection, p: &TaskLinesAdded) -> Result<(), ReplicaError> {
    match p.task {
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
    }
    Ok(())
}

pub(super) fn reason_code_defined(
    view: &Connection,
    p: &ReasonCodeDefined,
) -> Result<(), ReplicaError> {
    view.prepare_cached("INSERT OR REPLACE INTO reason_codes (code, description) VALUES (?1, ?2)")?
        .execute(params![p.code, p.description])?;
    Ok(())
}

pub(super) fn insert_manifest_lines(
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

pub(super) fn insert_pick_lines(
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

pub(super) fn insert_count_scope(
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
pub(super) fn issued(view: &Connection, table: &str, id: &str) -> Result<bool, ReplicaError> {
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    Ok(view
        .prepare_cached(&sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

//! Scales: registrations, calibration checks and weights (a stable weight of a case being
//! received sets its receipt's verdict; mirrors [`crate::workflow::scale`]).

use rusqlite::{params, Connection};
use tally_events::payload::{
    CheckResult, ScaleCalibrationChecked, ScaleRegistered, WeighMode, WeightRecorded,
};

use super::EventMeta;
use crate::error::ReplicaError;
use crate::model;
use crate::weight;
pub(super) fn weight_recorded(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &WeightRecorded,
) -> Result<(), ReplicaError> {
    let origin = meta.origin.label();
    let reference = meta.origin.reference();
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
        for manifest in super::receiving::receiving_manifests_of(view, uid)? {
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
    Ok(())
}

pub(super) fn scale_calibration_checked(
    view: &Connection,
    p: &ScaleCalibrationChecked,
) -> Result<(), ReplicaError> {
    view.prepare_cached("UPDATE scales SET last_check_ok = ?2 WHERE id = ?1")?
        .execute(params![p.scale_id, p.result == CheckResult::Pass])?;
    Ok(())
}

pub(super) fn scale_registered(view: &Connection, p: &ScaleRegistered) -> Result<(), ReplicaError> {
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
    Ok(())
}

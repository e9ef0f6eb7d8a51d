//! Devices: enrolments and revocations (the fold refuses a revoked device's events, see
//! [`super::apply`]).

use rusqlite::{params, Connection};
use tally_events::payload::{DeviceEnrolled, DeviceRevoked};

use super::EventMeta;
use crate::error::ReplicaError;
pub(super) fn device_enrolled(
    view: &Connection,
    meta: &EventMeta<'_>,
    p: &DeviceEnrolled,
) -> Result<(), ReplicaError> {
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
    Ok(())
}

pub(super) fn device_revoked(view: &Connection, p: &DeviceRevoked) -> Result<(), ReplicaError> {
    // Also for a device whose genesis this replica has not seen (yet): the
    // revocation must hold whenever its events arrive.
    view.prepare_cached(
        "INSERT INTO devices (device, facility_id, serial, revoked) VALUES (?1, '', '', 1)
         ON CONFLICT(device) DO UPDATE SET revoked = 1",
    )?
    .execute([&p.device.0[..]])?;
    Ok(())
}

//! How one log entry changes the projections: package state, quarantine, counts and their
//! variances, manifests, facility settings, and the index of every entry that touched a UID
//! (the chain of custody). Entries are folded in log order, the order the ledger accepted them.
//!
//! State is "as the log tells it": an event recorded offline and pushed later is folded when it
//! reaches the ledger, after events accepted earlier even if it happened before them. A void
//! (`event_voided`) is indexed under the UIDs of the event it voids, so custody shows it; the
//! state projections do not undo the voided event (docs/LEDGER.md), except a voided arrival at
//! receiving, which the replica takes off the manifest's receipts too. Receipt differences
//! (kind 277) and settled conflicts (kind 278) fold as the replica folds them.

use tally_events::custody::uids_of;
use tally_events::{DeviceId, Payload, Quantity, Sha256Hash, SignedEvent};

use super::db::{ProjectionDb, Value};
use crate::store::StoreError;

/// The roles of indexed custody entries, as stored in `proj_uid_entries.role`.
pub const ROLE_EVENT: &str = "event";
/// An `event_voided` whose target touched the UID.
pub const ROLE_VOID: &str = "void";
/// The weight a destruction of the UID refers to.
pub const ROLE_WEIGHT: &str = "weight";
/// The witness's sign-in a destruction of the UID relies on
/// (`tally_events::custody::witness_seq`).
pub const ROLE_WITNESS: &str = "witness";

/// Finds the log index of a device's record by seq, with the record's hash (the projector
/// reads it from the log).
pub type IndexOf<'a> = dyn Fn(&DeviceId, u64) -> Result<Option<(u64, Sha256Hash)>, StoreError> + 'a;

fn quantity(q: &Quantity) -> (&'static str, i64) {
    match q {
        Quantity::Units(n) => ("units", i64::try_from(*n).unwrap_or(i64::MAX)),
        Quantity::Milligrams(n) => ("mg", i64::try_from(*n).unwrap_or(i64::MAX)),
    }
}

/// Folds one accepted entry into the projections (inside the projector's transaction).
pub fn apply(
    db: &mut ProjectionDb,
    index: u64,
    event: &SignedEvent,
    index_of: &IndexOf<'_>,
) -> Result<(), StoreError> {
    let payload = match event.payload() {
        Ok(payload) if !matches!(payload, Payload::Unknown(_)) => payload,
        // A kind this build does not know (or with a newer enum code): kept in the log, not
        // folded; its UIDs cannot be read either.
        _ => return Ok(()),
    };
    let idx = Value::from(index);
    let mut uids: Vec<&str> = uids_of(&payload);
    uids.sort_unstable();
    uids.dedup();
    for uid in &uids {
        index_uid(db, uid, index, ROLE_EVENT)?;
    }
    let fold = Fold {
        idx: idx.clone(),
        facility: event.facility().to_owned(),
        actor: event.actor().to_owned(),
        device: event.device().to_string(),
        wall: event.timestamp().wall_unix_ms,
        kind: tally_events::payload::kind_name(payload.kind()).unwrap_or_default(),
    };
    match &payload {
        Payload::FacilitySettingsDefined(p) => {
            db.exec(
                "INSERT INTO proj_settings (facility, idx, name, time_zone) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (facility, idx) DO NOTHING",
                &[
                    p.facility_id.as_str().into(),
                    idx,
                    p.name.as_str().into(),
                    p.time_zone.as_str().into(),
                ],
            )?;
        }
        Payload::PackageRegistered(p) => {
            let (unit, qty) = quantity(&p.quantity);
            db.exec(
                "INSERT INTO proj_packages (uid, facility, item_id, batch_id, unit, quantity,
                     location, status, last_idx, last_kind, last_unix_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (uid) DO UPDATE SET facility = excluded.facility,
                     item_id = excluded.item_id, batch_id = excluded.batch_id,
                     unit = excluded.unit, quantity = excluded.quantity,
                     location = excluded.location, status = excluded.status,
                     last_idx = excluded.last_idx, last_kind = excluded.last_kind,
                     last_unix_ms = excluded.last_unix_ms",
                &[
                    p.uid.as_str().into(),
                    fold.facility.as_str().into(),
                    p.item_id.as_str().into(),
                    p.batch_id.as_str().into(),
                    unit.into(),
                    qty.into(),
                    p.location_id.as_str().into(),
                    enum_name(&p.status).into(),
                    fold.idx.clone(),
                    fold.kind.as_str().into(),
                    fold.wall.into(),
                ],
            )?;
        }
        Payload::ManifestLineReceived(p) => {
            let (unit, qty) = quantity(&p.quantity);
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(
                db,
                &p.uid,
                "unit = ?4, quantity = ?5, status = 'active'",
                &[unit.into(), qty.into()],
            )?;
            fold.ensure_manifest(db, &p.manifest_id, "inbound")?;
            fold.ensure_line(db, &p.manifest_id, &p.uid, "unexpected")?;
            db.exec(
                "UPDATE proj_manifest_lines SET status = 'received', received_unit = ?3,
                     received = ?4, idx = ?5 WHERE manifest_id = ?1 AND uid = ?2",
                &[
                    p.manifest_id.as_str().into(),
                    p.uid.as_str().into(),
                    unit.into(),
                    qty.into(),
                    fold.idx.clone(),
                ],
            )?;
            fold.manifest_status(db, &p.manifest_id, "receiving")?;
        }
        Payload::ManifestLineRejected(p) => {
            fold.ensure_manifest(db, &p.manifest_id, "inbound")?;
            fold.ensure_line(db, &p.manifest_id, &p.uid, "unexpected")?;
            db.exec(
                "UPDATE proj_manifest_lines SET status = 'rejected', reason_code = ?3, idx = ?4
                 WHERE manifest_id = ?1 AND uid = ?2",
                &[
                    p.manifest_id.as_str().into(),
                    p.uid.as_str().into(),
                    p.reason_code.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
            fold.manifest_status(db, &p.manifest_id, "receiving")?;
        }
        Payload::PackageArrived(p) => {
            fold.ensure_manifest(db, &p.manifest_id, "inbound")?;
            fold.ensure_line(db, &p.manifest_id, &p.uid, "unexpected")?;
            db.exec(
                "UPDATE proj_manifest_lines SET status = 'arrived', idx = ?3
                 WHERE manifest_id = ?1 AND uid = ?2 AND status IN ('expected', 'unexpected')",
                &[
                    p.manifest_id.as_str().into(),
                    p.uid.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
            fold.manifest_status(db, &p.manifest_id, "receiving")?;
        }
        Payload::ManifestClosed(p) => {
            fold.ensure_manifest(db, &p.manifest_id, "inbound")?;
            for uid in &p.missing_uids {
                fold.ensure_line(db, &p.manifest_id, uid, "expected")?;
                fold.line_status(db, &p.manifest_id, uid, "missing")?;
            }
            for uid in &p.unexpected_uids {
                fold.ensure_line(db, &p.manifest_id, uid, "unexpected")?;
                fold.line_status(db, &p.manifest_id, uid, "unexpected")?;
            }
            db.exec(
                "UPDATE proj_manifests SET status = 'closed', closed_idx = ?2
                 WHERE manifest_id = ?1",
                &[p.manifest_id.as_str().into(), fold.idx.clone()],
            )?;
        }
        Payload::InboundManifestIssued(p) => {
            fold.issue_manifest(
                db,
                &p.manifest_id,
                "inbound",
                &p.origin_license,
                &p.destination_license,
            )?;
            for line in &p.lines {
                fold.expect_line(db, &p.manifest_id, line)?;
            }
        }
        Payload::OutboundManifestIssued(p) => {
            fold.issue_manifest(
                db,
                &p.manifest_id,
                "outbound",
                &p.origin_license,
                &p.destination_license,
            )?;
            for line in &p.lines {
                fold.expect_line(db, &p.manifest_id, line)?;
            }
        }
        Payload::ManifestLinesAdded(p) => {
            let direction = if p.outbound { "outbound" } else { "inbound" };
            fold.ensure_manifest(db, &p.manifest_id, direction)?;
            for line in &p.lines {
                fold.expect_line(db, &p.manifest_id, line)?;
            }
        }
        Payload::PackageQuarantined(p) => {
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(
                db,
                &p.uid,
                "status = 'quarantined', location = COALESCE(?4, location)",
                &[p.location.as_deref().into()],
            )?;
            db.exec(
                "INSERT INTO proj_quarantine (uid, facility, reason_code, note, location, actor,
                     idx, since_unix_ms)
                 VALUES (?1, ?2, ?3, ?4, (SELECT location FROM proj_packages WHERE uid = ?1),
                     ?5, ?6, ?7)
                 ON CONFLICT (uid) DO UPDATE SET reason_code = excluded.reason_code,
                     note = excluded.note, location = excluded.location,
                     actor = excluded.actor, idx = excluded.idx,
                     since_unix_ms = excluded.since_unix_ms",
                &[
                    p.uid.as_str().into(),
                    fold.facility.as_str().into(),
                    p.reason_code.as_str().into(),
                    p.note.as_str().into(),
                    fold.actor.as_str().into(),
                    fold.idx.clone(),
                    fold.wall.into(),
                ],
            )?;
        }
        Payload::PackageReleased(p) => {
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(db, &p.uid, "status = 'active'", &[])?;
            db.exec(
                "DELETE FROM proj_quarantine WHERE uid = ?1",
                &[p.uid.as_str().into()],
            )?;
        }
        Payload::PackageMoved(p) => {
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(
                db,
                &p.uid,
                "location = ?4",
                &[p.to_location.as_str().into()],
            )?;
            db.exec(
                "UPDATE proj_quarantine SET location = ?2 WHERE uid = ?1",
                &[p.uid.as_str().into(), p.to_location.as_str().into()],
            )?;
        }
        Payload::PackageSplit(p) => {
            let (unit, qty) = quantity(&p.quantity);
            fold.ensure_package(db, &p.source_uid)?;
            fold.take_quantity(db, &p.source_uid, unit, qty)?;
            db.exec(
                "INSERT INTO proj_packages (uid, facility, item_id, batch_id, unit, quantity,
                     location, status, last_idx, last_kind, last_unix_ms)
                 SELECT ?2, facility, item_id, batch_id, ?3, ?4, location, 'active', ?5, ?6, ?7
                     FROM proj_packages WHERE uid = ?1
                 ON CONFLICT (uid) DO UPDATE SET unit = excluded.unit,
                     quantity = excluded.quantity, item_id = excluded.item_id,
                     batch_id = excluded.batch_id, location = excluded.location,
                     status = 'active', last_idx = excluded.last_idx,
                     last_kind = excluded.last_kind, last_unix_ms = excluded.last_unix_ms",
                &[
                    p.source_uid.as_str().into(),
                    p.new_uid.as_str().into(),
                    unit.into(),
                    qty.into(),
                    fold.idx.clone(),
                    fold.kind.as_str().into(),
                    fold.wall.into(),
                ],
            )?;
        }
        Payload::PickRecorded(p) => {
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(db, &p.uid, "location = ?4", &[p.tote_id.as_str().into()])?;
        }
        Payload::AdjustmentApproved(p) => {
            let (unit, qty) = quantity(&p.to);
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(
                db,
                &p.uid,
                "unit = ?4, quantity = ?5",
                &[unit.into(), qty.into()],
            )?;
        }
        Payload::DestructionRecorded(p) => {
            let (unit, qty) = quantity(&p.quantity);
            fold.ensure_package(db, &p.uid)?;
            fold.take_quantity(db, &p.uid, unit, qty)?;
            fold.set_package(
                db,
                &p.uid,
                "status = CASE WHEN quantity IS NULL OR quantity = 0 THEN 'destroyed' ELSE status END",
                &[],
            )?;
            if let Some(weight_seq) = p.weight_event_seq {
                if let Some((weight_index, _)) = index_of(&event.device(), weight_seq)? {
                    index_uid(db, &p.uid, weight_index, ROLE_WEIGHT)?;
                }
            }
            let witness_seq = tally_events::custody::witness_seq(p, event.seq());
            if let Some((witness_index, _)) = index_of(&event.device(), witness_seq)? {
                index_uid(db, &p.uid, witness_index, ROLE_WITNESS)?;
            }
        }
        Payload::ScaleRegistered(p) => {
            db.exec(
                "INSERT INTO proj_scales (facility, scale_id, idx) VALUES (?1, ?2, ?3)
                 ON CONFLICT (facility, scale_id, idx) DO NOTHING",
                &[
                    fold.facility.as_str().into(),
                    p.scale_id.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
        }
        Payload::CountTaskIssued(p) => {
            db.exec(
                "INSERT INTO proj_count_tasks (count_task_id, facility, status, round, last_idx)
                 VALUES (?1, ?2, 'issued', 0, ?3) ON CONFLICT (count_task_id) DO NOTHING",
                &[
                    p.count_task_id.as_str().into(),
                    fold.facility.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
        }
        Payload::CountStarted(p) => fold.count_task(db, &p.count_task_id, "counting", p.round)?,
        Payload::CountSubmitted(p) => {
            fold.count_task(db, &p.count_task_id, "submitted", p.round)?
        }
        Payload::RecountRequested(p) => {
            fold.count_task(db, &p.count_task_id, "recount_requested", p.round)?
        }
        Payload::CountClosed(p) => {
            db.exec(
                "INSERT INTO proj_count_tasks (count_task_id, facility, status, round, last_idx)
                 VALUES (?1, ?2, 'closed', 0, ?3)
                 ON CONFLICT (count_task_id) DO UPDATE SET status = 'closed',
                     last_idx = excluded.last_idx",
                &[
                    p.count_task_id.as_str().into(),
                    fold.facility.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
        }
        Payload::CountLineRecorded(p) => {
            fold.count_task(db, &p.count_task_id, "counting", p.round)?;
            let (unit, counted) = quantity(&p.quantity);
            let expected = db.rows(
                "SELECT unit, quantity FROM proj_packages WHERE uid = ?1",
                &[p.uid.as_str().into()],
            )?;
            let (expected_unit, expected_qty) = match expected.first() {
                Some(row) => (
                    row.first().and_then(|v| v.text().map(str::to_owned)),
                    row.get(1).and_then(Value::int),
                ),
                None => (None, None),
            };
            let variance = match (&expected_unit, expected_qty) {
                (Some(eu), Some(eq)) if eu == unit => Some(counted.saturating_sub(eq)),
                _ => None,
            };
            db.exec(
                "INSERT INTO proj_count_lines (count_task_id, round, uid, facility, location, unit,
                     counted, expected_unit, expected, variance, actor, device_id, idx)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (count_task_id, round, uid) DO UPDATE SET
                     location = excluded.location, unit = excluded.unit,
                     counted = excluded.counted, expected_unit = excluded.expected_unit,
                     expected = excluded.expected, variance = excluded.variance,
                     actor = excluded.actor, device_id = excluded.device_id, idx = excluded.idx",
                &[
                    p.count_task_id.as_str().into(),
                    i64::from(p.round).into(),
                    p.uid.as_str().into(),
                    fold.facility.as_str().into(),
                    p.location.as_str().into(),
                    unit.into(),
                    counted.into(),
                    expected_unit.into(),
                    expected_qty.into(),
                    variance.into(),
                    fold.actor.as_str().into(),
                    fold.device.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
        }
        Payload::EventVoided(p) => {
            if let Some((target_index, _)) = index_of(&p.target.device, p.target.seq)? {
                let touched = db.rows(
                    "SELECT uid FROM proj_uid_entries WHERE idx = ?1 AND role = 'event'",
                    &[target_index.into()],
                )?;
                for row in touched {
                    if let Some(uid) = row.first().and_then(Value::text) {
                        index_uid(db, uid, index, ROLE_VOID)?;
                    }
                }
            }
            void_arrival(db, &p.target, index_of)?;
        }
        Payload::ReceiptDifferenceNoted(p) => {
            let (manifest_unit, manifest_qty) = quantity(&p.manifest_quantity);
            let (received_unit, received_qty) = quantity(&p.received_quantity);
            db.exec(
                "INSERT INTO proj_receipt_differences (manifest_id, uid, manifest_unit,
                     manifest_quantity, received_unit, received_quantity, reason_code, note, idx)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (manifest_id, uid) DO UPDATE SET
                     manifest_unit = excluded.manifest_unit,
                     manifest_quantity = excluded.manifest_quantity,
                     received_unit = excluded.received_unit,
                     received_quantity = excluded.received_quantity,
                     reason_code = excluded.reason_code, note = excluded.note,
                     idx = excluded.idx",
                &[
                    p.manifest_id.as_str().into(),
                    p.uid.as_str().into(),
                    manifest_unit.into(),
                    manifest_qty.into(),
                    received_unit.into(),
                    received_qty.into(),
                    p.reason_code.as_str().into(),
                    p.note.as_str().into(),
                    fold.idx.clone(),
                ],
            )?;
        }
        Payload::ConflictSettled(p) => {
            // An absolute statement by a supervisor who checked the package: it becomes
            // exactly that, whatever the ledger's order made of the conflicting events.
            let (unit, qty) = quantity(&p.quantity);
            fold.ensure_package(db, &p.uid)?;
            fold.set_package(
                db,
                &p.uid,
                "unit = ?4, quantity = ?5, location = ?6, status = ?7",
                &[
                    unit.into(),
                    qty.into(),
                    p.location_id.as_str().into(),
                    enum_name(&p.status).into(),
                ],
            )?;
        }
        // A sweep lists the packages a counter found, without quantities (they arrive as
        // `count_line_recorded`, one per package, which is what the count lines hold): a sweep,
        // whether it names its task (279) or not (17), is indexed under its UIDs above and
        // changes no projection.
        Payload::RfidSweepRecorded(_) | Payload::CountSweepRecorded(_) => {}
        _ => {}
    }
    Ok(())
}

/// A voided `package_arrived` (a mis-scan at receiving) takes the case off the manifest's
/// receipts while nothing was decided or quarantined for it, as the replica does
/// (`tally_replica`'s `void_arrival`): its line, if the arrival is still the line's last event
/// and the package is not in quarantine, goes back to `expected` (a line the manifest names)
/// or is dropped (a case the manifest did not name). The void itself stays on record.
fn void_arrival(
    db: &mut ProjectionDb,
    target: &tally_events::payload::EventRef,
    index_of: &IndexOf<'_>,
) -> Result<(), StoreError> {
    let Some((target_index, hash)) = index_of(&target.device, target.seq)? else {
        return Ok(());
    };
    if hash != target.record_sha256 {
        return Ok(());
    }
    let lines = db.rows(
        "SELECT l.manifest_id, l.uid, l.expected FROM proj_manifest_lines l
         WHERE l.idx = ?1 AND l.status = 'arrived'
           AND NOT EXISTS (SELECT 1 FROM proj_quarantine q WHERE q.uid = l.uid)",
        &[target_index.into()],
    )?;
    for line in lines {
        let (Some(manifest), Some(uid)) = (
            line.first().and_then(Value::text).map(str::to_owned),
            line.get(1).and_then(Value::text).map(str::to_owned),
        ) else {
            continue;
        };
        let named = line.get(2).and_then(Value::int).is_some();
        if named {
            db.exec(
                "UPDATE proj_manifest_lines SET status = 'expected'
                 WHERE manifest_id = ?1 AND uid = ?2",
                &[manifest.as_str().into(), uid.as_str().into()],
            )?;
        } else {
            db.exec(
                "DELETE FROM proj_manifest_lines WHERE manifest_id = ?1 AND uid = ?2",
                &[manifest.as_str().into(), uid.as_str().into()],
            )?;
        }
    }
    Ok(())
}

/// The JSON name of a payload enum value (`active`, `quarantined`, …).
fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => "unknown".to_owned(),
    }
}

fn index_uid(db: &mut ProjectionDb, uid: &str, index: u64, role: &str) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO proj_uid_entries (uid, idx, role) VALUES (?1, ?2, ?3)
         ON CONFLICT (uid, idx, role) DO NOTHING",
        &[uid.into(), index.into(), role.into()],
    )?;
    Ok(())
}

/// What every fold statement needs to know about the entry.
struct Fold {
    idx: Value,
    facility: String,
    actor: String,
    device: String,
    wall: i64,
    kind: String,
}

impl Fold {
    /// A package the log names before it registered it (received, or registered later by a
    /// device that was offline) gets a row with what is known.
    fn ensure_package(&self, db: &mut ProjectionDb, uid: &str) -> Result<(), StoreError> {
        db.exec(
            "INSERT INTO proj_packages (uid, facility, status, last_idx, last_kind, last_unix_ms)
             VALUES (?1, ?2, 'unregistered', ?3, ?4, ?5) ON CONFLICT (uid) DO NOTHING",
            &[
                uid.into(),
                self.facility.as_str().into(),
                self.idx.clone(),
                self.kind.as_str().into(),
                self.wall.into(),
            ],
        )?;
        Ok(())
    }

    /// `UPDATE proj_packages SET <set>, last_* … WHERE uid = ?1`; `extra` binds ?4 onwards.
    fn set_package(
        &self,
        db: &mut ProjectionDb,
        uid: &str,
        set: &str,
        extra: &[Value],
    ) -> Result<(), StoreError> {
        let mut params = vec![uid.into(), self.idx.clone(), self.kind.as_str().into()];
        params.extend_from_slice(extra);
        let wall = params.len() + 1;
        params.push(self.wall.into());
        db.exec(
            &format!(
                "UPDATE proj_packages SET {set}, last_idx = ?2, last_kind = ?3,
                     last_unix_ms = ?{wall} WHERE uid = ?1"
            ),
            &params,
        )?;
        Ok(())
    }

    fn take_quantity(
        &self,
        db: &mut ProjectionDb,
        uid: &str,
        unit: &str,
        qty: i64,
    ) -> Result<(), StoreError> {
        db.exec(
            "UPDATE proj_packages SET quantity = CASE WHEN quantity > ?3 THEN quantity - ?3
                 ELSE 0 END WHERE uid = ?1 AND unit = ?2",
            &[uid.into(), unit.into(), qty.into()],
        )?;
        Ok(())
    }

    fn ensure_manifest(
        &self,
        db: &mut ProjectionDb,
        manifest: &str,
        direction: &str,
    ) -> Result<(), StoreError> {
        db.exec(
            "INSERT INTO proj_manifests (manifest_id, facility, direction, status, first_idx)
             VALUES (?1, ?2, ?3, 'unissued', ?4) ON CONFLICT (manifest_id) DO NOTHING",
            &[
                manifest.into(),
                self.facility.as_str().into(),
                direction.into(),
                self.idx.clone(),
            ],
        )?;
        Ok(())
    }

    fn issue_manifest(
        &self,
        db: &mut ProjectionDb,
        manifest: &str,
        direction: &str,
        origin: &str,
        destination: &str,
    ) -> Result<(), StoreError> {
        self.ensure_manifest(db, manifest, direction)?;
        db.exec(
            "UPDATE proj_manifests SET direction = ?2, origin_license = ?3,
                 destination_license = ?4,
                 status = CASE WHEN status = 'unissued' THEN 'issued' ELSE status END
             WHERE manifest_id = ?1",
            &[
                manifest.into(),
                direction.into(),
                origin.into(),
                destination.into(),
            ],
        )?;
        Ok(())
    }

    fn manifest_status(
        &self,
        db: &mut ProjectionDb,
        manifest: &str,
        status: &str,
    ) -> Result<(), StoreError> {
        db.exec(
            "UPDATE proj_manifests SET status = ?2 WHERE manifest_id = ?1 AND status <> 'closed'",
            &[manifest.into(), status.into()],
        )?;
        Ok(())
    }

    fn ensure_line(
        &self,
        db: &mut ProjectionDb,
        manifest: &str,
        uid: &str,
        status: &str,
    ) -> Result<(), StoreError> {
        db.exec(
            "INSERT INTO proj_manifest_lines (manifest_id, uid, status, idx)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (manifest_id, uid) DO NOTHING",
            &[manifest.into(), uid.into(), status.into(), self.idx.clone()],
        )?;
        Ok(())
    }

    fn line_status(
        &self,
        db: &mut ProjectionDb,
        manifest: &str,
        uid: &str,
        status: &str,
    ) -> Result<(), StoreError> {
        db.exec(
            "UPDATE proj_manifest_lines SET status = ?3, idx = ?4
             WHERE manifest_id = ?1 AND uid = ?2",
            &[manifest.into(), uid.into(), status.into(), self.idx.clone()],
        )?;
        Ok(())
    }

    /// A line the manifest expects; a line received before the manifest reached the ledger
    /// keeps its status and gains what was expected.
    fn expect_line(
        &self,
        db: &mut ProjectionDb,
        manifest: &str,
        line: &tally_events::payload::ManifestLine,
    ) -> Result<(), StoreError> {
        let (unit, qty) = quantity(&line.quantity);
        db.exec(
            "INSERT INTO proj_manifest_lines (manifest_id, uid, item_id, unit, expected, status, idx)
             VALUES (?1, ?2, ?3, ?4, ?5, 'expected', ?6)
             ON CONFLICT (manifest_id, uid) DO UPDATE SET item_id = excluded.item_id,
                 unit = excluded.unit, expected = excluded.expected,
                 status = CASE WHEN proj_manifest_lines.status = 'unexpected' THEN 'expected'
                     ELSE proj_manifest_lines.status END",
            &[
                manifest.into(),
                line.uid.as_str().into(),
                line.item_id.as_str().into(),
                unit.into(),
                qty.into(),
                self.idx.clone(),
            ],
        )?;
        Ok(())
    }

    fn count_task(
        &self,
        db: &mut ProjectionDb,
        task: &str,
        status: &str,
        round: u8,
    ) -> Result<(), StoreError> {
        db.exec(
            "INSERT INTO proj_count_tasks (count_task_id, facility, status, round, last_idx)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (count_task_id) DO UPDATE SET
                 status = CASE WHEN proj_count_tasks.status = 'closed' THEN 'closed'
                     ELSE excluded.status END,
                 round = excluded.round, last_idx = excluded.last_idx",
            &[
                task.into(),
                self.facility.as_str().into(),
                status.into(),
                i64::from(round).into(),
                self.idx.clone(),
            ],
        )?;
        Ok(())
    }
}

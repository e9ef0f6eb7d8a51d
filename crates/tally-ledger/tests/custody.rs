//! Projections and custody bundles against real databases (a SQLite file and a PostgreSQL
//! database: the same suite on both), and a custody bundle attacked as an auditor's adversary
//! would: every byte flipped, every truncation, entries reordered, an event of another UID
//! slipped in, a proof from another checkpoint, a checkpoint signed by another key, a statement
//! from another bundle. The bundles are verified with tally-events' own note and Merkle code,
//! independent of the ledger's (`tlog_tiles`, `signed_note`).

mod common;

use std::process::{Command, Stdio};

use common::*;
use tally_events::custody::{self, Bundle, CustodyError, Role};
use tally_events::note::NoteVerifier;
use tally_events::payload::{
    ConflictSettled, CountLineRecorded, CountStarted, CountSweepRecorded, CountTaskIssued,
    DestructionRecorded, DeviceEnrolled, EventRef, EventVoided, FacilitySettingsDefined,
    InboundManifestIssued, LocationDefined, LocationKind, ManifestClosed, ManifestLine,
    ManifestLineReceived, PackageArrived, PackageMoved, PackageQuarantined, PackageRegistered,
    PackageReleased, PackageStatus, ReceiptDifferenceNoted, RfidTagRead, ScaleRegistered,
    SignInPurpose, UserSignedIn, WeightRecorded,
};
use tally_events::{
    ChainWriter, DeviceKey, ManualClock, MassUnit, Payload, Quantity, Sha256Hash, SignedEvent,
    WeighMode,
};
use tally_ledger::custody::Custody;
use tally_ledger::projection::Projector;
use tally_ledger::{Ledger, Store};

const BIN: &str = env!("CARGO_BIN_EXE_tally-ledger");
const UID: &str = "1A4FF0100000022000000101";
const OTHER: &str = "1A4FF0100000022000000202";

/// Runs each listed test body against a fresh SQLite ledger file and a fresh PostgreSQL
/// database.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    let (_dir, path) = super::temp_db();
                    let ledger = tally_ledger::create_sqlite(&path, "ledger.test/log").unwrap();
                    super::$name(ledger);
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    let url = super::PgCluster::get().new_database();
                    let ledger = tally_ledger::create_postgres(&url, "ledger.test/log").unwrap();
                    super::$name(ledger);
                }
            )*
        }
    };
}

on_both_backends!(
    projections_follow_the_log_in_small_steps_as_in_one_pass,
    a_custody_bundle_verifies_offline_with_the_key_alone,
    a_bundle_cut_at_an_earlier_checkpoint_holds_only_what_that_checkpoint_covers,
    differences_voided_arrivals_and_settled_conflicts_fold_as_on_the_replica,
    count_sweeps_naming_their_task_fold_as_on_the_replica,
);

/// A device writing a chain: a key, a writer and a clock.
struct Device {
    writer: ChainWriter,
    clock: ManualClock,
    events: Vec<SignedEvent>,
}

impl Device {
    fn new<S: Store>(ledger: &mut Ledger<S>, seed: u8) -> Device {
        let key = DeviceKey::from_seed([seed; 32]);
        let token = ledger
            .create_token(FACILITY, &format!("dev-{seed}"))
            .unwrap();
        ledger.enroll(&token, &key.device_id()).unwrap();
        let clock = clock();
        let (writer, genesis) = ChainWriter::genesis(
            key,
            &clock,
            "",
            DeviceEnrolled {
                facility: FACILITY.into(),
                hardware_serial: format!("TC58-{seed}"),
                enrollment_token_sha256: Sha256Hash::of(token.as_bytes()),
                previous_device: None,
            },
        )
        .unwrap();
        Device {
            writer,
            clock,
            events: vec![genesis],
        }
    }

    fn record(&mut self, actor: &str, payload: Payload) -> SignedEvent {
        self.clock.advance_ms(60_000);
        let event = self.writer.append(&self.clock, actor, payload).unwrap();
        self.events.push(event.clone());
        event
    }

    /// Pushes every record not pushed yet.
    fn push<S: Store>(&self, ledger: &mut Ledger<S>) {
        let outcome = ledger
            .ingest(&self.events[0].device(), &bytes(&self.events))
            .unwrap();
        assert!(outcome.refused.is_none(), "{:?}", outcome.refused);
    }
}

fn registered(uid: &str, grams: u64) -> Payload {
    Payload::PackageRegistered(PackageRegistered {
        uid: uid.into(),
        item_id: "ITEM-OG-KUSH-3.5".into(),
        batch_id: "B-2026-11".into(),
        quantity: Quantity::Milligrams(grams * 1_000),
        location_id: "VAULT-1".into(),
        status: PackageStatus::Active,
    })
}

/// The facility's story: settings, a scale registered, two packages, a manifest received,
/// moves, a weight, a quarantine and its release, counts on two devices (one with a variance),
/// a destruction that names its weight and its witness (signed in just before), and a void of
/// the move.
struct Story {
    a: Device,
    b: Device,
    moved: SignedEvent,
}

fn story<S: Store>(ledger: &mut Ledger<S>) -> Story {
    let mut a = Device::new(ledger, 0xA1);
    let mut b = Device::new(ledger, 0xB2);
    a.record(
        "ADMIN-1",
        Payload::FacilitySettingsDefined(FacilitySettingsDefined {
            facility_id: FACILITY.into(),
            name: "Valley Distribution".into(),
            license_number: FACILITY.into(),
            time_zone: "America/Los_Angeles".into(),
            receiving_tolerance_mg: 500,
            count_tolerance_mg: 100,
            count_tolerance_units: 0,
            recount_by_another: true,
        }),
    );
    a.record(
        "ADMIN-1",
        Payload::InboundManifestIssued(InboundManifestIssued {
            manifest_id: "M-77".into(),
            origin_license: "C11-0000001-LIC".into(),
            destination_license: FACILITY.into(),
            driver: "D. Ruiz".into(),
            vehicle: "7ABC123".into(),
            lines: vec![
                ManifestLine {
                    uid: UID.into(),
                    item_id: "ITEM-OG-KUSH-3.5".into(),
                    quantity: Quantity::Milligrams(100_000),
                    weight_mg: None,
                },
                ManifestLine {
                    uid: OTHER.into(),
                    item_id: "ITEM-OG-KUSH-3.5".into(),
                    quantity: Quantity::Milligrams(50_000),
                    weight_mg: None,
                },
            ],
        }),
    );
    a.record(
        "ADMIN-1",
        Payload::ScaleRegistered(ScaleRegistered {
            scale_id: "SCALE-7".into(),
            serial: "MT-0042".into(),
            model: "ICS425".into(),
            division: "0.01".into(),
            capacity: "6000".into(),
            unit: MassUnit::G,
            calibration_due: tally_events::Date::new(2027, 6, 30).unwrap(),
        }),
    );
    a.record("ADMIN-1", registered(UID, 100));
    a.record("ADMIN-1", registered(OTHER, 50));
    a.record(
        "B-1042",
        Payload::ManifestLineReceived(ManifestLineReceived {
            manifest_id: "M-77".into(),
            uid: UID.into(),
            quantity: Quantity::Milligrams(100_000),
            measured_mg: Some(100_020),
        }),
    );
    a.record(
        "B-1042",
        Payload::ManifestClosed(ManifestClosed {
            manifest_id: "M-77".into(),
            missing_uids: vec![OTHER.into()],
            unexpected_uids: vec![],
        }),
    );
    let moved = a.record(
        "B-1042",
        Payload::PackageMoved(PackageMoved {
            uid: UID.into(),
            from_location: "VAULT-1".into(),
            to_location: "SHELF-3".into(),
        }),
    );
    a.push(ledger);
    b.record(
        "B-2001",
        Payload::PackageMoved(PackageMoved {
            uid: OTHER.into(),
            from_location: "VAULT-1".into(),
            to_location: "CAGE-1".into(),
        }),
    );
    b.record(
        "B-2001",
        Payload::PackageQuarantined(PackageQuarantined {
            uid: OTHER.into(),
            reason_code: "DAMAGED".into(),
            note: "seal torn".into(),
            location: Some("CAGE-1".into()),
        }),
    );
    b.record(
        "B-2001",
        Payload::PackageQuarantined(PackageQuarantined {
            uid: UID.into(),
            reason_code: "COA".into(),
            note: "lab result pending".into(),
            location: None,
        }),
    );
    b.record(
        "B-2001",
        Payload::CountLineRecorded(CountLineRecorded {
            count_task_id: "CT-9".into(),
            round: 1,
            location: "SHELF-3".into(),
            uid: UID.into(),
            quantity: Quantity::Milligrams(99_500),
        }),
    );
    b.push(ledger);
    a.record(
        "B-1042",
        Payload::PackageReleased(PackageReleased {
            uid: UID.into(),
            reason_code: "COA_OK".into(),
            note: "lab passed".into(),
        }),
    );
    // Another sign-in on the same device (the one an attacker would swap in).
    a.record(
        "B-1042",
        Payload::UserSignedIn(UserSignedIn {
            badge: "B-1042".into(),
            purpose: SignInPurpose::Session,
        }),
    );
    a.record(
        "B-1042",
        Payload::UserSignedIn(UserSignedIn {
            badge: "B-3003".into(),
            purpose: SignInPurpose::Witness,
        }),
    );
    let weight = a.record(
        "B-1042",
        Payload::WeightRecorded(WeightRecorded {
            scale_id: "SCALE-7".into(),
            value: "10.02".into(),
            unit: MassUnit::G,
            mode: WeighMode::Net,
            tare: None,
            stable: true,
            division: "0.01".into(),
            uid: None,
        }),
    );
    a.record(
        "B-1042",
        Payload::DestructionRecorded(DestructionRecorded {
            uid: UID.into(),
            quantity: Quantity::Milligrams(10_000),
            weight_event_seq: Some(weight.seq()),
            reason_code: "EXPIRED".into(),
            method: "grind_and_mix".into(),
            witness: "B-3003".into(),
        }),
    );
    a.record(
        "SUP-1",
        Payload::EventVoided(EventVoided {
            target: EventRef {
                device: moved.device(),
                seq: moved.seq(),
                record_sha256: moved.record_hash(),
            },
            reason_code: "WRONG_SHELF".into(),
            note: "scanned the wrong package".into(),
        }),
    );
    a.push(ledger);
    Story { a, b, moved }
}

/// Receiving with a difference noted (kind 277), two arrivals voided (one on the manifest, one
/// not), an arrival left standing, and a conflict settled by a supervisor (kind 278): the
/// ledger's projections fold the same records as a tally-replica device folds them when they
/// reach it as deltas from the ledger.
fn differences_voided_arrivals_and_settled_conflicts_fold_as_on_the_replica<S: Store>(
    mut ledger: Ledger<S>,
) {
    const STRAY: &str = "1A4FF0100000022000000303";
    const THIRD: &str = "1A4FF0100000022000000404";
    const LEFT: &str = "1A4FF0100000022000000505";
    let mut a = Device::new(&mut ledger, 0xC3);
    a.record(
        "ADMIN-1",
        Payload::LocationDefined(LocationDefined {
            location_id: "DOCK-1".into(),
            name: "Dock 1".into(),
            kind: LocationKind::Dock,
            sellable: false,
            parent: None,
        }),
    );
    let line = |uid: &str, grams: u64| ManifestLine {
        uid: uid.into(),
        item_id: "ITEM-OG-KUSH-3.5".into(),
        quantity: Quantity::Milligrams(grams * 1_000),
        weight_mg: None,
    };
    a.record(
        "ADMIN-1",
        Payload::InboundManifestIssued(InboundManifestIssued {
            manifest_id: "M-88".into(),
            origin_license: "C11-0000001-LIC".into(),
            destination_license: FACILITY.into(),
            driver: "D. Ruiz".into(),
            vehicle: "7ABC123".into(),
            lines: vec![line(UID, 100), line(OTHER, 50), line(LEFT, 10)],
        }),
    );
    a.record("ADMIN-1", registered(THIRD, 20));
    let arrived = |uid: &str, on_manifest: bool| {
        Payload::PackageArrived(PackageArrived {
            manifest_id: "M-88".into(),
            uid: uid.into(),
            on_manifest,
        })
    };
    a.record("B-1042", arrived(UID, true));
    let mis_scan = a.record("B-1042", arrived(OTHER, true));
    let stray = a.record("B-1042", arrived(STRAY, false));
    a.record("B-1042", arrived(LEFT, true));
    for target in [&mis_scan, &stray] {
        a.record(
            "SUP-1",
            Payload::EventVoided(EventVoided {
                target: EventRef {
                    device: target.device(),
                    seq: target.seq(),
                    record_sha256: target.record_hash(),
                },
                reason_code: "MIS_SCAN".into(),
                note: "scanned the wrong case".into(),
            }),
        );
    }
    a.record(
        "B-1042",
        Payload::ManifestLineReceived(ManifestLineReceived {
            manifest_id: "M-88".into(),
            uid: UID.into(),
            quantity: Quantity::Milligrams(99_000),
            measured_mg: Some(99_000),
        }),
    );
    a.record(
        "B-1042",
        Payload::ReceiptDifferenceNoted(ReceiptDifferenceNoted {
            manifest_id: "M-88".into(),
            uid: UID.into(),
            manifest_quantity: Quantity::Milligrams(100_000),
            received_quantity: Quantity::Milligrams(99_000),
            reason_code: "SCALE-VARIANCE".into(),
            note: "one gram short".into(),
        }),
    );
    a.record(
        "SUP-1",
        Payload::ConflictSettled(ConflictSettled {
            uid: THIRD.into(),
            quantity: Quantity::Milligrams(18_000),
            location_id: "SHELF-2".into(),
            status: PackageStatus::OnHold,
            reason_code: "COUNT-CORRECTION".into(),
            through_ledger_index: 3,
        }),
    );
    a.push(&mut ledger);
    let size = ledger.store().tree_size().unwrap();

    // The ledger's side, one entry per transaction.
    let mut p = projector(&ledger);
    p.catch_up(1, None).unwrap();
    let manifest = p
        .manifests(Some(FACILITY))
        .unwrap()
        .into_iter()
        .find(|m| m.manifest_id == "M-88")
        .unwrap();
    let arrived_at_ledger: Vec<String> = manifest
        .lines
        .iter()
        .filter(|l| l.status == "arrived")
        .map(|l| l.uid.clone())
        .collect();
    let differences_at_ledger: Vec<(String, i64, String, i64, String, String, String)> = manifest
        .lines
        .iter()
        .filter_map(|l| {
            l.difference.as_ref().map(|d| {
                (
                    l.uid.clone(),
                    d.manifest_quantity,
                    d.manifest_unit.clone(),
                    d.received_quantity,
                    d.received_unit.clone(),
                    d.reason_code.clone(),
                    d.note.clone(),
                )
            })
        })
        .collect();
    let settled = p.package(THIRD).unwrap().unwrap();
    // The voided arrivals: the named case is expected again, the stray one is gone.
    let other_line = manifest.lines.iter().find(|l| l.uid == OTHER).unwrap();
    assert_eq!(other_line.status, "expected");
    assert!(manifest.lines.iter().all(|l| l.uid != STRAY));

    // The replica's side: a device of the facility folds the same records as deltas.
    let fed = FedReplica::of(&ledger, size);
    let view = fed.replica.view();
    let mut arrived_at_replica: Vec<String> = view
        .prepare(
            "SELECT uid FROM inbound_receipts WHERE manifest_id = 'M-88' AND decision IS NULL
             ORDER BY uid",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    arrived_at_replica.sort();
    assert_eq!(arrived_at_ledger, arrived_at_replica);
    assert_eq!(arrived_at_ledger, vec![LEFT.to_owned()]);
    let unit = |u: String| if u == "each" { "units".to_owned() } else { u };
    let differences_at_replica: Vec<(String, i64, String, i64, String, String, String)> = view
        .prepare(
            "SELECT uid, manifest_amount, manifest_unit, received_amount, received_unit,
                 reason_code, note FROM inbound_differences WHERE manifest_id = 'M-88'
             ORDER BY uid",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                unit(r.get(2)?),
                r.get(3)?,
                unit(r.get(4)?),
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(differences_at_ledger, differences_at_replica);
    assert_eq!(differences_at_ledger.len(), 1);
    let (quantity, replica_unit, location, status): (i64, String, String, String) = view
        .query_row(
            "SELECT quantity, unit, location_id, status FROM packages WHERE uid = ?1",
            [THIRD],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (
            settled.quantity,
            settled.unit.clone(),
            settled.location.clone(),
            settled.status.clone()
        ),
        (
            Some(quantity),
            Some(unit(replica_unit)),
            Some(location),
            status
        )
    );
    assert_eq!(settled.status, "on_hold");
    assert_eq!(settled.location.as_deref(), Some("SHELF-2"));
    // Custody indexes the difference and the settlement under their UIDs.
    let roles: Vec<(u64, String)> = p.uid_entries(THIRD, size).unwrap();
    assert_eq!(roles.len(), 2, "{roles:?}");
}

/// A tally-replica device of the facility that folded the ledger's first `size` records as
/// deltas (another device's events), in ledger order.
struct FedReplica {
    _dir: tempfile::TempDir,
    _key_dir: tempfile::TempDir,
    replica: tally_replica::Replica,
}

impl FedReplica {
    fn of<S: Store>(ledger: &Ledger<S>, size: u64) -> FedReplica {
        let dir = tempfile::tempdir().unwrap();
        let key_dir = tempfile::tempdir().unwrap();
        let mut replica = tally_replica::Replica::init(
            &dir.path().join("replica.db"),
            &key_dir.path().join("device.key"),
            Box::new(clock()),
            DeviceEnrolled {
                facility: FACILITY.into(),
                hardware_serial: "TC58-REPLICA".into(),
                enrollment_token_sha256: Sha256Hash::of(b"token"),
                previous_device: None,
            },
        )
        .unwrap();
        let deltas: Vec<tally_replica::Delta> = ledger
            .store()
            .entries(0, size)
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(position, e)| tally_replica::Delta {
                ledger_index: position as u64 + 1,
                bytes: e.record,
            })
            .collect();
        replica.apply_deltas(&deltas).unwrap();
        assert!(replica.held_deltas().unwrap().is_empty());
        FedReplica {
            _dir: dir,
            _key_dir: key_dir,
            replica,
        }
    }
}

/// One counter with two count tasks open at one location sweeps for the second (kind 279,
/// naming its task and round) and enters the quantity; an old sweep (kind 17, no task) at the
/// same location; a forged sweep naming a task of another location. The ledger's count
/// projection and custody index fold them as a tally-replica device folds them as deltas: the
/// lines are the second task's, nothing is filed under the task the sweep did not name.
fn count_sweeps_naming_their_task_fold_as_on_the_replica<S: Store>(mut ledger: Ledger<S>) {
    const SWEPT: &str = "1A4FF0100000022000000606";
    const STRAY: &str = "1A4FF0100000022000000707";
    let mut a = Device::new(&mut ledger, 0xC5);
    for location in ["SHELF-8", "SHELF-9"] {
        a.record(
            "ADMIN-1",
            Payload::LocationDefined(LocationDefined {
                location_id: location.into(),
                name: location.into(),
                kind: LocationKind::Shelf,
                sellable: true,
                parent: None,
            }),
        );
    }
    a.record("ADMIN-1", registered(SWEPT, 5));
    for (task, location) in [
        ("CT-8", "SHELF-8"),
        ("CT-9", "SHELF-8"),
        ("CT-7", "SHELF-9"),
    ] {
        a.record(
            "ADMIN-1",
            Payload::CountTaskIssued(CountTaskIssued {
                count_task_id: task.into(),
                locations: vec![location.into()],
                items: vec![],
                assigned_to: None,
            }),
        );
        a.record(
            "B-1042",
            Payload::CountStarted(CountStarted {
                count_task_id: task.into(),
                round: 1,
            }),
        );
    }
    let tag = |uid: &str| RfidTagRead {
        epc: tally_events::Bytes(uid.as_bytes().to_vec()),
        decoded_uid: Some(uid.into()),
    };
    let sweep = |task: &str, location: &str, uid: &str| {
        Payload::CountSweepRecorded(CountSweepRecorded {
            count_task_id: task.into(),
            round: 1,
            reader: "SLED-1".into(),
            location: location.into(),
            tags: vec![tag(uid)],
        })
    };
    a.record("B-1042", sweep("CT-9", "SHELF-8", SWEPT));
    a.record(
        "B-1042",
        Payload::CountLineRecorded(CountLineRecorded {
            count_task_id: "CT-9".into(),
            round: 1,
            location: "SHELF-8".into(),
            uid: SWEPT.into(),
            quantity: Quantity::Milligrams(5_000),
        }),
    );
    // CT-7 counts SHELF-9, not SHELF-8.
    a.record("B-1042", sweep("CT-7", "SHELF-8", STRAY));
    a.push(&mut ledger);
    let size = ledger.store().tree_size().unwrap();

    let mut p = projector(&ledger);
    p.catch_up(1, None).unwrap();
    let at_ledger: Vec<(String, u64, String, i64)> = p
        .counts(Some(FACILITY))
        .unwrap()
        .into_iter()
        .flat_map(|task| {
            task.lines
                .into_iter()
                .map(move |l| (task.count_task_id.clone(), l.round, l.uid, l.counted))
        })
        .collect();
    assert_eq!(
        at_ledger,
        vec![("CT-9".to_owned(), 1, SWEPT.to_owned(), 5_000)]
    );
    // Custody indexes the sweep under its UID: registered, swept, counted.
    assert_eq!(p.uid_entries(SWEPT, size).unwrap().len(), 3);

    let fed = FedReplica::of(&ledger, size);
    let at_replica: Vec<(String, u64, String, i64)> = fed
        .replica
        .view()
        .prepare(
            "SELECT task_id, round, uid, quantity FROM count_lines WHERE quantity IS NOT NULL
             ORDER BY task_id, round, uid",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(at_ledger, at_replica);
    // Every line the replica filed (with or without a quantity) is the named task's.
    let filed: Vec<(String, String)> = fed
        .replica
        .view()
        .prepare("SELECT task_id, uid FROM count_lines ORDER BY task_id, uid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(filed, vec![("CT-9".to_owned(), SWEPT.to_owned())]);
}

fn projector<S: Store>(ledger: &Ledger<S>) -> Projector<S> {
    Projector::open(ledger.store().reopen().unwrap()).unwrap()
}

fn key(ledger: &Ledger<impl Store>) -> NoteVerifier {
    NoteVerifier::parse(ledger.verifier_key()).unwrap()
}

fn bundle_of<S: Store>(ledger: &mut Ledger<S>, uid: &str) -> Vec<u8> {
    let mut p = projector(ledger);
    Custody::collect(ledger, &mut p, uid)
        .unwrap()
        .bundle(ledger)
        .unwrap()
}

fn projections_follow_the_log_in_small_steps_as_in_one_pass<S: Store>(mut ledger: Ledger<S>) {
    let _story = story(&mut ledger);
    let size = ledger.store().tree_size().unwrap();
    // One entry per transaction...
    let mut p = projector(&ledger);
    let mut steps = 0;
    while p.step(1).unwrap() == 1 {
        steps += 1;
    }
    assert_eq!(steps, size);
    assert_eq!(p.progress().unwrap().projected, size);
    let packages = p.packages(Some(FACILITY)).unwrap();
    let quarantine = p.quarantine(None).unwrap();
    let counts = p.counts(None).unwrap();
    let manifests = p.manifests(None).unwrap();
    // ...is the same as the whole log in one pass.
    p.rebuild().unwrap();
    assert_eq!(p.progress().unwrap().projected, 0);
    assert_eq!(p.catch_up(10_000, None).unwrap(), size);
    assert_eq!(p.packages(Some(FACILITY)).unwrap(), packages);
    assert_eq!(p.quarantine(None).unwrap(), quarantine);
    assert_eq!(p.counts(None).unwrap(), counts);
    assert_eq!(p.manifests(None).unwrap(), manifests);

    // Package state.
    let uid = p.package(UID).unwrap().unwrap();
    assert_eq!(uid.location.as_deref(), Some("SHELF-3"));
    assert_eq!(uid.status, "active");
    assert_eq!(uid.unit.as_deref(), Some("mg"));
    assert_eq!(uid.quantity, Some(90_000), "100 g received, 10 g destroyed");
    assert_eq!(uid.last_kind, "destruction_recorded");
    let other = p.package(OTHER).unwrap().unwrap();
    assert_eq!(other.status, "quarantined");
    assert_eq!(other.location.as_deref(), Some("CAGE-1"));
    assert_eq!(packages.len(), 2);
    assert!(p.packages(Some("C11-9999999-LIC")).unwrap().is_empty());
    // Quarantine: the released package left the list.
    assert_eq!(quarantine.len(), 1);
    assert_eq!(quarantine[0].uid, OTHER);
    assert_eq!(quarantine[0].reason_code, "DAMAGED");
    assert_eq!(quarantine[0].actor, "B-2001");
    // Counts and variances: 99.5 g counted where the log held 100 g.
    assert_eq!(counts.len(), 1);
    let line = &counts[0].lines[0];
    assert_eq!((line.uid.as_str(), line.counted), (UID, 99_500));
    assert_eq!(line.expected, Some(100_000));
    assert_eq!(line.variance, Some(-500));
    assert_eq!(counts[0].status, "counting");
    // Manifests received.
    assert_eq!(manifests.len(), 1);
    let m = &manifests[0];
    assert_eq!(
        (m.status.as_str(), m.direction.as_str()),
        ("closed", "inbound")
    );
    let status: Vec<_> = m
        .lines
        .iter()
        .map(|l| (l.uid.as_str(), l.status.as_str()))
        .collect();
    assert_eq!(status, vec![(UID, "received"), (OTHER, "missing")]);
    assert_eq!(m.lines[0].received, Some(100_000));

    // The custody index: events, the weight a destruction names, the void of the move.
    let entries = p.uid_entries(UID, size).unwrap();
    let roles: Vec<&str> = entries.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "weight").count(), 1);
    assert_eq!(roles.iter().filter(|r| **r == "void").count(), 1);
    assert_eq!(roles.iter().filter(|r| **r == "event").count(), 8);
}

fn a_custody_bundle_verifies_offline_with_the_key_alone<S: Store>(mut ledger: Ledger<S>) {
    let story = story(&mut ledger);
    let bytes = bundle_of(&mut ledger, UID);
    let report = custody::verify(&bytes, &key(&ledger)).unwrap();
    assert_eq!(report.uid, UID);
    assert_eq!(report.checkpoint.size, ledger.store().tree_size().unwrap());
    assert_eq!(report.time_zone.as_deref(), Some("America/Los_Angeles"));
    // Every event of the UID, from both devices, in log order.
    let mut expected: Vec<Vec<u8>> = Vec::new();
    for entry in ledger.store().entries(0, report.checkpoint.size).unwrap() {
        let event = SignedEvent::from_bytes(entry.record.clone()).unwrap();
        if custody::touches(&event.payload().unwrap(), UID) {
            expected.push(entry.record);
        }
    }
    let events: Vec<Vec<u8>> = report
        .events()
        .map(|e| e.event.as_bytes().to_vec())
        .collect();
    assert_eq!(events, expected);
    assert_eq!(events.len(), 8);
    // Context: both geneses, the settings, the weight, the void, marked on the move.
    let roles = |role| report.entries.iter().filter(|e| e.role == role).count();
    assert_eq!(roles(Role::Genesis), 2);
    assert_eq!(roles(Role::Settings), 1);
    assert_eq!(roles(Role::Weight), 1);
    assert_eq!(roles(Role::Void), 1);
    // The witness's own sign-in and the scale's registration prove who witnessed and which
    // registered scale weighed.
    assert_eq!(roles(Role::Witness), 1);
    assert_eq!(roles(Role::Scale), 1);
    let destruction = report
        .events()
        .find(|e| matches!(e.payload, Payload::DestructionRecorded(_)))
        .unwrap();
    let witness = report.witness_sign_in(destruction).unwrap();
    assert!(matches!(&witness.payload, Payload::UserSignedIn(s) if s.badge == "B-3003"));
    let weight = report
        .entries
        .iter()
        .find(|e| e.role == Role::Weight)
        .unwrap();
    let scale = report.scale_registration(weight).unwrap();
    assert!(matches!(&scale.payload, Payload::ScaleRegistered(r) if r.serial == "MT-0042"));
    let voided: Vec<_> = report.events().filter(|e| e.voided).collect();
    assert_eq!(voided.len(), 1);
    assert_eq!(voided[0].event.as_bytes(), story.moved.as_bytes());
    assert!(report
        .events()
        .any(|e| e.event.device() == story.b.events[0].device()));
    assert_eq!(report.limits(tally_events::Language::English).len(), 5);
    assert_eq!(report.limits(tally_events::Language::Spanish).len(), 5);
    // A UID the log never named has no bundle.
    let mut p = projector(&ledger);
    assert!(matches!(
        Custody::collect(&mut ledger, &mut p, "1A4FF0100000022000009999"),
        Err(tally_ledger::LedgerError::NotFound(_))
    ));
    let _ = &story.a;
}

fn a_bundle_cut_at_an_earlier_checkpoint_holds_only_what_that_checkpoint_covers<S: Store>(
    mut ledger: Ledger<S>,
) {
    let mut story = story(&mut ledger);
    let before = bundle_of(&mut ledger, UID);
    story.b.record(
        "B-2001",
        Payload::PackageMoved(PackageMoved {
            uid: UID.into(),
            from_location: "SHELF-3".into(),
            to_location: "SHELF-4".into(),
        }),
    );
    story.b.push(&mut ledger);
    let after = bundle_of(&mut ledger, UID);
    let key = key(&ledger);
    let old = custody::verify(&before, &key).unwrap();
    let new = custody::verify(&after, &key).unwrap();
    assert_eq!(new.events().count(), old.events().count() + 1);
    assert!(new.checkpoint.size > old.checkpoint.size);
}

// ---- Attacks (SQLite; the bundle bytes do not depend on the backend) ----

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    ledger: Ledger<tally_ledger::SqliteStore>,
    story: Story,
}

fn fixture() -> Fixture {
    let (dir, path) = temp_db();
    let mut ledger = tally_ledger::create_sqlite(&path, "ledger.test/log").unwrap();
    let story = story(&mut ledger);
    Fixture {
        _dir: dir,
        path,
        ledger,
        story,
    }
}

fn reencode(bundle: &Bundle) -> Vec<u8> {
    bundle.encode().unwrap()
}

#[test]
fn every_flipped_bit_of_every_byte_is_refused() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    let key = key(&f.ledger);
    custody::verify(&bytes, &key).unwrap();
    for at in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = bytes.clone();
            bad[at] ^= bit;
            assert!(
                custody::verify(&bad, &key).is_err(),
                "flipping bit {bit:#x} of byte {at} of {} went unnoticed",
                bytes.len()
            );
        }
    }
}

#[test]
fn every_truncation_and_any_trailing_byte_is_refused() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    let key = key(&f.ledger);
    for len in 0..bytes.len() {
        let error = custody::verify(&bytes[..len], &key).unwrap_err();
        assert!(
            matches!(error, CustodyError::Truncated(_) | CustodyError::NotABundle),
            "cut at {len}: {error}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        custody::verify(&longer, &key).unwrap_err(),
        CustodyError::TrailingBytes(1)
    );
}

#[test]
fn reordered_entries_are_refused() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.entries.swap(2, 3);
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(
        matches!(error, CustodyError::OutOfOrder { position: 3, .. }),
        "{error}"
    );
    // Reversed as a whole.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.entries.reverse();
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(
        matches!(error, CustodyError::OutOfOrder { position: 1, .. }),
        "{error}"
    );
}

#[test]
fn an_event_of_another_uid_slipped_in_is_refused() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    let other = Bundle::parse(&bundle_of(&mut f.ledger, OTHER)).unwrap();
    let mut bundle = Bundle::parse(&bytes).unwrap();
    // An event of OTHER only (its quarantine), with its genuine proof in the same checkpoint.
    let foreign = other
        .entries
        .iter()
        .find(|e| {
            let event = SignedEvent::from_bytes(e.record.clone()).unwrap();
            e.role == Role::Event && !custody::touches(&event.payload().unwrap(), UID)
        })
        .unwrap()
        .clone();
    bundle.entries.push(foreign);
    bundle.entries.sort_by_key(|e| e.index);
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(
        matches!(error, CustodyError::ForeignEvent { .. }),
        "{error}"
    );
    // Labelled as context instead, it is not what its role says.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    let mut foreign = other
        .entries
        .iter()
        .find(|e| e.role == Role::Event)
        .unwrap()
        .clone();
    foreign.role = Role::Weight;
    if bundle.entries.iter().all(|e| e.index != foreign.index) {
        bundle.entries.push(foreign);
        bundle.entries.sort_by_key(|e| e.index);
        let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
        assert!(matches!(error, CustodyError::BadContext { .. }), "{error}");
    }
}

#[test]
fn a_dropped_or_relabelled_entry_is_not_what_the_ledger_listed() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    let key = key(&f.ledger);
    // Drop the quarantine event (an event whose removal breaks no other rule).
    let mut bundle = Bundle::parse(&bytes).unwrap();
    let at = bundle
        .entries
        .iter()
        .position(|e| {
            let event = SignedEvent::from_bytes(e.record.clone()).unwrap();
            matches!(event.payload().unwrap(), Payload::PackageQuarantined(ref q) if q.uid == UID)
        })
        .unwrap();
    bundle.entries.remove(at);
    assert_eq!(
        custody::verify(&reencode(&bundle), &key).unwrap_err(),
        CustodyError::NotTheListedEntries {
            reason: "another number of entries"
        }
    );
    // The weight entry relabelled as an event: its payload names no UID.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    let weight = bundle
        .entries
        .iter_mut()
        .find(|e| e.role == Role::Weight)
        .unwrap();
    weight.role = Role::Event;
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::ForeignEvent { .. }),
        "{error}"
    );
    // The genesis of a device dropped.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle
        .entries
        .retain(|e| e.role != Role::Genesis || e.index != 0);
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(matches!(error, CustodyError::MissingGenesis(_)), "{error}");
    // The weight a destruction names dropped: the registration of its scale is then a context
    // entry nothing needs; dropped with it, the missing weight is what is refused.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.entries.retain(|e| e.role != Role::Weight);
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::BadContext { role: "scale", .. }),
        "{error}"
    );
    bundle.entries.retain(|e| e.role != Role::Scale);
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::MissingWeight { .. }),
        "{error}"
    );
    // The witness's sign-in dropped.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.entries.retain(|e| e.role != Role::Witness);
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::MissingWitness { ref witness, .. } if witness == "B-3003"),
        "{error}"
    );
    // The witness's sign-in swapped for another genuine sign-in of the log (the destroyer's
    // own, with its own valid inclusion proof), in the witness's place and in its own.
    let size = f.ledger.store().tree_size().unwrap();
    let (other_index, other_record) = f
        .ledger
        .store()
        .entries(0, size)
        .unwrap()
        .into_iter()
        .map(|e| (e.index, e.record))
        .find(|(_, record)| {
            let event = SignedEvent::from_bytes(record.clone()).unwrap();
            matches!(event.payload().unwrap(), Payload::UserSignedIn(ref s) if s.badge == "B-1042")
        })
        .unwrap();
    let other_proof: Vec<Sha256Hash> = f
        .ledger
        .inclusion_proof_hashes(other_index, size)
        .unwrap()
        .into_iter()
        .map(Sha256Hash)
        .collect();
    let original = Bundle::parse(&bytes).unwrap();
    assert_eq!(
        original
            .entries
            .iter()
            .filter(|e| e.role == Role::Witness)
            .count(),
        1
    );
    let mut bundle = original.clone();
    let witness = bundle
        .entries
        .iter_mut()
        .find(|e| e.role == Role::Witness)
        .unwrap();
    witness.index = other_index;
    witness.record = other_record;
    witness.proof = other_proof;
    bundle.entries.sort_by_key(|e| e.index);
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(
            error,
            CustodyError::BadContext {
                role: "witness",
                ..
            }
        ),
        "{error}"
    );
    // The scale's registration dropped.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.entries.retain(|e| e.role != Role::Scale);
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::MissingScale { ref scale_id, .. } if scale_id == "SCALE-7"),
        "{error}"
    );
    // A sign-in relabelled as the scale registration, and the registration as the witness.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    for entry in &mut bundle.entries {
        entry.role = match entry.role {
            Role::Witness => Role::Scale,
            Role::Scale => Role::Witness,
            other => other,
        };
    }
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(matches!(error, CustodyError::BadContext { .. }), "{error}");
    let _ = &f.story.a;
}

#[test]
fn a_proof_from_another_checkpoint_is_refused() {
    let mut f = fixture();
    let before = Bundle::parse(&bundle_of(&mut f.ledger, UID)).unwrap();
    f.story.b.record(
        "B-2001",
        Payload::PackageMoved(PackageMoved {
            uid: OTHER.into(),
            from_location: "CAGE-1".into(),
            to_location: "CAGE-2".into(),
        }),
    );
    f.story.b.push(&mut f.ledger);
    let after_bytes = bundle_of(&mut f.ledger, UID);
    let key = key(&f.ledger);
    // The same entries, one proof taken from the bundle of the earlier checkpoint.
    let mut bundle = Bundle::parse(&after_bytes).unwrap();
    assert_eq!(bundle.entries.len(), before.entries.len());
    let at = bundle.entries.len() - 1;
    assert_eq!(bundle.entries[at].index, before.entries[at].index);
    assert_ne!(bundle.entries[at].proof, before.entries[at].proof);
    bundle.entries[at].proof = before.entries[at].proof.clone();
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(matches!(error, CustodyError::NotInLog { .. }), "{error}");
    // The earlier checkpoint with the later statement and proofs.
    let mut bundle = Bundle::parse(&after_bytes).unwrap();
    bundle.checkpoint = before.checkpoint.clone();
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::StatementForAnotherCheckpoint { .. }),
        "{error}"
    );
    // A statement made for another UID's bundle.
    let other = Bundle::parse(&bundle_of(&mut f.ledger, OTHER)).unwrap();
    let mut bundle = Bundle::parse(&after_bytes).unwrap();
    bundle.statement = other.statement.clone();
    let error = custody::verify(&reencode(&bundle), &key).unwrap_err();
    assert!(
        matches!(error, CustodyError::ForeignEvent { .. }),
        "{error}"
    );
}

#[test]
fn a_checkpoint_or_statement_signed_by_another_key_is_refused() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    // Another ledger with the same origin: its key is not the auditor's.
    let (_dir, path) = temp_db();
    let mut impostor = tally_ledger::create_sqlite(&path, "ledger.test/log").unwrap();
    let _story = story(&mut impostor);
    let forged = bundle_of(&mut impostor, UID);
    let error = custody::verify(&forged, &key(&f.ledger)).unwrap_err();
    assert!(
        matches!(
            error,
            CustodyError::CheckpointSignature(tally_events::note::NoteError::NotSignedByKey(_))
        ),
        "{error}"
    );
    // The genuine checkpoint with the impostor's statement.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.statement = Bundle::parse(&forged).unwrap().statement;
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(
        matches!(error, CustodyError::StatementSignature(_)),
        "{error}"
    );
    // The statement and the checkpoint swapped: neither passes for the other.
    let mut bundle = Bundle::parse(&bytes).unwrap();
    std::mem::swap(&mut bundle.checkpoint, &mut bundle.statement);
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(matches!(error, CustodyError::BadCheckpoint(_)), "{error}");
    let mut bundle = Bundle::parse(&bytes).unwrap();
    bundle.statement = bundle.checkpoint.clone();
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(matches!(error, CustodyError::BadStatement(_)), "{error}");
}

#[test]
fn a_record_altered_after_signing_is_refused_even_with_a_matching_proof_field() {
    let mut f = fixture();
    let bytes = bundle_of(&mut f.ledger, UID);
    let mut bundle = Bundle::parse(&bytes).unwrap();
    // Change a byte of the payload of the last event (the signature no longer holds).
    let last = bundle.entries.last_mut().unwrap();
    let n = last.record.len();
    last.record[n - 70] ^= 0x20;
    let error = custody::verify(&reencode(&bundle), &key(&f.ledger)).unwrap_err();
    assert!(
        matches!(
            error,
            CustodyError::BadSignature { .. } | CustodyError::BadRecord { .. }
        ),
        "{error}"
    );
}

#[test]
fn the_cli_writes_the_bundle_and_a_projector_killed_mid_way_resumes_exactly() {
    let mut f = fixture();
    // A longer log, so that a projector folding one entry per transaction can be caught in
    // the middle.
    for i in 0..300 {
        f.story.a.record(
            "B-1042",
            Payload::UserSignedOut(tally_events::payload::UserSignedOut {
                badge: format!("B-{i}"),
            }),
        );
    }
    f.story.a.push(&mut f.ledger);
    let size = f.ledger.store().tree_size().unwrap();
    // `project --batch 1` killed with SIGKILL, each time from scratch, with the delay adjusted
    // until kills land in the middle of the log.
    let mut delay_ms = 40u64;
    let mut mid_way = 0;
    for _ in 0..16 {
        projector(&f.ledger).rebuild().unwrap();
        let mut child = Command::new(BIN)
            .args(["project", "--batch", "1", "--db"])
            .arg(&f.path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .unwrap();
        child.wait().unwrap();
        let position = projector(&f.ledger).progress().unwrap().projected;
        assert!(position <= size);
        if position == 0 {
            delay_ms *= 2;
        } else if position == size {
            delay_ms = (delay_ms / 2).max(1);
        } else {
            mid_way += 1;
            if mid_way == 3 {
                break;
            }
        }
    }
    assert!(mid_way > 0, "no kill landed in the middle of the log");
    let out = Command::new(BIN)
        .args(["project", "--db"])
        .arg(&f.path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("projected {size} entries")
    );
    let mut p = projector(&f.ledger);
    let state = (
        p.packages(None).unwrap(),
        p.quarantine(None).unwrap(),
        p.counts(None).unwrap(),
        p.manifests(None).unwrap(),
        p.uid_entries(UID, size).unwrap(),
    );
    p.rebuild().unwrap();
    p.catch_up(10_000, None).unwrap();
    let rebuilt = (
        p.packages(None).unwrap(),
        p.quarantine(None).unwrap(),
        p.counts(None).unwrap(),
        p.manifests(None).unwrap(),
        p.uid_entries(UID, size).unwrap(),
    );
    assert_eq!(state, rebuilt);

    // The bundle command.
    let bundle = f._dir.path().join("custody.tcb");
    let out = Command::new(BIN)
        .args(["custody", "--uid", UID, "--db"])
        .arg(&f.path)
        .arg("--out")
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&bundle).unwrap();
    let report = custody::verify(&bytes, &key(&f.ledger)).unwrap();
    assert_eq!(report.events().count(), 8);
    // An unknown UID: exit 1, a message, no file.
    let none = f._dir.path().join("none.tcb");
    let out = Command::new(BIN)
        .args(["custody", "--uid", "NOPE", "--db"])
        .arg(&f.path)
        .arg("--out")
        .arg(&none)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE"));
    assert!(!none.exists());
}

// ---- Over HTTP: the projector `serve` runs behind ingest, and the access guard ----

struct Served {
    child: std::process::Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_on_all_interfaces(db: &std::ffi::OsStr) -> Served {
    use std::io::BufRead as _;
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--db"])
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Served { child, port }
}

/// The operator credential the served tests read the projections with: an admin key
/// registered in the ledger's `operators` table (as the creator's is).
struct Reader {
    signer: tally_events::DomainSigner,
    origin: String,
    client: tally_ledger_client::LedgerClient,
    base: String,
}

impl Reader {
    fn new<S: Store>(ledger: &Ledger<S>, base: &str) -> Reader {
        use tally_ledger::ops_store::{OperatorRole, OperatorRow};
        let key = DeviceKey::from_seed([0x0A; 32]);
        ledger
            .store()
            .put_operator(
                &OperatorRow {
                    key: key.device_id().0,
                    name: "auditor".into(),
                    role: OperatorRole::Supervisor,
                    revoked_unix_ms: None,
                },
                tally_ledger::now_unix_ms(),
            )
            .unwrap();
        Reader {
            signer: tally_events::DomainSigner::new(key),
            origin: ledger.origin().to_owned(),
            client: tally_ledger_client::LedgerClient::new(base, &Default::default()).unwrap(),
            base: base.to_owned(),
        }
    }

    fn credential(&self) -> tally_ledger_client::supervisor::Credential<'_> {
        tally_ledger_client::supervisor::Credential::Operator(&self.signer)
    }

    /// A signed GET of `path`, as raw JSON.
    fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let headers = tally_ledger::auth::sign_as(
            tally_ledger::auth::Scheme::Operator,
            &self.signer,
            &self.origin,
            "GET",
            path,
            tally_ledger::now_unix_ms(),
            b"",
        )
        .unwrap();
        let mut request = reqwest::blocking::Client::new().get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(serde_json::Value::Null))
    }
}

fn get_json(url: &str) -> (u16, serde_json::Value) {
    let response = reqwest::blocking::get(url).unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(serde_json::Value::Null))
}

/// Waits until the served projections cover `size` entries.
fn wait_projected(reader: &Reader, size: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let progress = reader
            .client
            .projection_status(reader.credential(), &reader.origin)
            .unwrap();
        if progress.projected == size {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "projections stuck at {progress:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn served_projections_follow_ingest_and_need_a_credential_from_any_host() {
    let mut f = fixture();
    let db = f.path.clone();
    served_case(&mut f.ledger, &mut f.story, db.as_os_str());
}

#[test]
fn served_projections_on_postgres() {
    let url = PgCluster::get().new_database();
    let mut ledger = tally_ledger::create_postgres(&url, "ledger.test/log").unwrap();
    let mut story = story(&mut ledger);
    served_case(&mut ledger, &mut story, std::ffi::OsStr::new(&url));
}

fn served_case<S: Store>(ledger: &mut Ledger<S>, story: &mut Story, db: &std::ffi::OsStr) {
    let served = serve_on_all_interfaces(db);
    let base = format!("http://127.0.0.1:{}", served.port);
    let reader = Reader::new(ledger, &base);
    let (client, origin, who) = (&reader.client, reader.origin.as_str(), reader.credential());
    let size = ledger.store().tree_size().unwrap();
    wait_projected(&reader, size);

    let packages = client
        .projection_packages(who, origin, Some(FACILITY))
        .unwrap();
    assert_eq!(packages.projected, size);
    assert_eq!(packages.items.len(), 2);
    let quarantine = client.projection_quarantine(who, origin, None).unwrap();
    assert_eq!(quarantine.items[0].uid, OTHER);
    let counts = client.projection_counts(who, origin, None).unwrap();
    assert_eq!(counts.items[0].lines[0].variance, Some(-500));
    let manifests = client.projection_manifests(who, origin, None).unwrap();
    assert_eq!(manifests.items[0].status, "closed");

    // Ingest goes on (another process on the same file); the projector follows behind it.
    story.b.record(
        "B-2001",
        Payload::PackageMoved(PackageMoved {
            uid: UID.into(),
            from_location: "SHELF-3".into(),
            to_location: "SHELF-9".into(),
        }),
    );
    story.b.push(ledger);
    wait_projected(&reader, size + 1);
    let package = client.projection_package(who, origin, UID).unwrap();
    assert_eq!(package.location.as_deref(), Some("SHELF-9"));
    assert_eq!(package.last_index, size);

    // The custody view and the bundle.
    let custody_view = client.custody(who, origin, UID).unwrap();
    assert_eq!(custody_view.tree_size, size + 1);
    let events = custody_view
        .entries
        .iter()
        .filter(|e| e.role == "event")
        .count();
    assert_eq!(events, 9);
    let destruction = custody_view
        .entries
        .iter()
        .find(|e| e.kind == "destruction_recorded")
        .unwrap();
    assert_eq!(destruction.witness.as_deref(), Some("B-3003"));
    assert_eq!(destruction.actor, "B-1042");
    let weight = custody_view
        .entries
        .iter()
        .find(|e| e.role == "weight")
        .unwrap();
    assert_eq!(weight.scale_id.as_deref(), Some("SCALE-7"));
    let bytes = client.custody_bundle(who, origin, UID).unwrap();
    let report = custody::verify(&bytes, &key(ledger)).unwrap();
    assert_eq!(report.events().count(), 9);
    let (status, missing) = reader.get_json("/v1/projections/custody/NOPE");
    assert_eq!(status, 404, "{missing}");

    // Without a credential, every projection is refused, from the ledger's own host too.
    let paths = [
        "/v1/projections/status".to_owned(),
        "/v1/projections/packages".to_owned(),
        format!("/v1/projections/packages/{UID}"),
        "/v1/projections/quarantine".to_owned(),
        "/v1/projections/counts".to_owned(),
        "/v1/projections/manifests".to_owned(),
        format!("/v1/projections/custody/{UID}"),
        format!("/v1/projections/custody/{UID}/bundle"),
    ];
    for path in &paths {
        let (status, body) = get_json(&format!("{base}{path}"));
        assert_eq!(status, 401, "{path}: {body}");
        assert_eq!(body["error"], "supervisor_only");
        assert!(body["message_es"].as_str().unwrap().contains("supervisor"));
    }
    // The device API is not behind the guard.
    let (status, _) = get_json(&format!("{base}/v1/info"));
    assert_eq!(status, 200);

    // From another host (this machine's non-loopback address), the credential is what counts.
    let outside = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|_| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    match outside {
        Some(ip) => {
            let outside_base = format!("http://{ip}:{}", served.port);
            let (status, _) = get_json(&format!("{outside_base}/v1/projections/status"));
            assert_eq!(status, 401);
            let remote = Reader {
                signer: tally_events::DomainSigner::new(DeviceKey::from_seed([0x0A; 32])),
                origin: reader.origin.clone(),
                client: tally_ledger_client::LedgerClient::new(&outside_base, &Default::default())
                    .unwrap(),
                base: outside_base.clone(),
            };
            let (status, body) = remote.get_json("/v1/projections/packages");
            assert_eq!(status, 200, "{body}");
        }
        None => eprintln!("no non-loopback address on this machine: only loopback was asked"),
    }
}

#[test]
fn many_connections_create_the_projection_tables_at_once_on_postgres() {
    let url = PgCluster::get().new_database();
    let _ledger = tally_ledger::create_postgres(&url, "ledger.test/log").unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                tally_ledger::projection::ProjectionDb::open(
                    &tally_ledger::store::StoreLocation::Postgres(url),
                )
                .map(|_| ())
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
}

//! Issue 11 §5 on a real replica file: master-data lists too long for one record are issued
//! in their split form and folded whole; a revoked device's events are not folded.

use tally_events::payload::{
    ContinuedTask, CountTaskIssued, DeviceEnrolled, DeviceRevoked, InboundManifestIssued,
    ManifestLine, ManifestLinesAdded, OutboundManifestIssued, PackageMoved, PickListIssued,
    PickListLine, TaskLinesAdded,
};
use tally_events::{Payload, Quantity, Sha256Hash};
use tally_replica::seed::{
    split_count_task, split_inbound_manifest, split_outbound_manifest, split_pick_list,
};
use tally_replica::stats::{replay_digest, view_digest};
use tally_replica::{Delta, Replica, ReplicaError};
use tally_testkit::*;

fn count(f: &Fixture, sql: &str) -> i64 {
    f.replica.view().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn lines(n: u64) -> Vec<ManifestLine> {
    (0..n)
        .map(|i| ManifestLine {
            uid: t(10_000 + i),
            item_id: "CART".into(),
            quantity: Quantity::Units(1 + i % 7),
            weight_mg: None,
        })
        .collect()
}

#[test]
fn long_lists_are_issued_split_and_folded_whole() {
    let mut f = fixture();
    let inbound = split_inbound_manifest(InboundManifestIssued {
        manifest_id: "IN-BIG".into(),
        origin_license: "403-X0011".into(),
        destination_license: "403R-00017".into(),
        driver: "Dana Ortiz".into(),
        vehicle: "CO-300KX10".into(),
        lines: lines(1_000),
    });
    assert_eq!(inbound.len(), 3, "400 + 400 + 200 lines");
    let outbound = split_outbound_manifest(OutboundManifestIssued {
        manifest_id: "OUT-BIG".into(),
        origin_license: "403R-00017".into(),
        destination_license: "402R-0112".into(),
        route_id: "ROUTE-1".into(),
        driver: "Robin Shah".into(),
        vehicle: "VAN-1".into(),
        lines: lines(401),
    });
    assert_eq!(outbound.len(), 2);
    let pick = split_pick_list(PickListIssued {
        pick_list_id: "PL-BIG".into(),
        order_id: "ORD-1".into(),
        route_id: "ROUTE-1".into(),
        lines: (1..=450u32)
            .map(|line| PickListLine {
                line,
                item_id: "CART".into(),
                quantity: Quantity::Units(2),
                batch_id: None,
            })
            .collect(),
    });
    assert_eq!(pick.len(), 3);
    let task = split_count_task(CountTaskIssued {
        count_task_id: "CT-WALL".into(),
        locations: (0..600).map(|n| format!("LOC-{n:04}")).collect(),
        items: (0..300).map(|n| format!("ITEM-{n:04}")).collect(),
        assigned_to: None,
    });
    assert_eq!(task.len(), 3);
    for payloads in [inbound, outbound, pick, task] {
        // Every event of the split form fits in one record.
        for payload in &payloads {
            assert!(payload.encode_body().unwrap().len() <= 65_194);
        }
        f.replica.record("ADMIN", payloads).unwrap();
    }
    assert_eq!(
        count(
            &f,
            "SELECT count(*) FROM inbound_lines WHERE manifest_id = 'IN-BIG'"
        ),
        1_000
    );
    assert_eq!(
        count(
            &f,
            "SELECT count(*) FROM outbound_lines WHERE manifest_id = 'OUT-BIG'"
        ),
        401
    );
    assert_eq!(
        count(
            &f,
            "SELECT count(*) FROM pick_lines WHERE pick_list_id = 'PL-BIG'"
        ),
        450
    );
    assert_eq!(
        count(
            &f,
            "SELECT count(*) FROM count_task_locations WHERE task_id = 'CT-WALL'"
        ),
        600
    );
    assert_eq!(
        count(
            &f,
            "SELECT count(*) FROM count_task_items WHERE task_id = 'CT-WALL'"
        ),
        300
    );
    // The view equals a replay of the log, continuations included.
    assert_eq!(
        view_digest(f.replica.view()).unwrap(),
        replay_digest(f.replica.view()).unwrap()
    );
}

#[test]
fn a_continuation_of_a_list_never_issued_is_refused_and_records_nothing() {
    let mut f = fixture();
    let before = f.events();
    let orphan = vec![Payload::ManifestLinesAdded(ManifestLinesAdded {
        manifest_id: "IN-NOPE".into(),
        outbound: false,
        lines: lines(3),
    })];
    assert!(matches!(
        f.replica.record("ADMIN", orphan),
        Err(ReplicaError::Apply(_))
    ));
    let mixed = vec![
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-9".into(),
            locations: vec!["SHELF-1".into()],
            items: vec![],
            assigned_to: None,
        }),
        Payload::TaskLinesAdded(TaskLinesAdded {
            task: ContinuedTask::CountTask,
            task_id: "CT-9".into(),
            pick_lines: vec![PickListLine {
                line: 1,
                item_id: "CART".into(),
                quantity: Quantity::Units(1),
                batch_id: None,
            }],
            locations: vec![],
            items: vec![],
        }),
    ];
    assert!(f.replica.record("ADMIN", mixed).is_err());
    assert_eq!(f.events(), before, "nothing recorded");
    assert_eq!(
        count(&f, "SELECT count(*) FROM count_tasks WHERE id = 'CT-9'"),
        0
    );
}

/// Another device's replica, its key in a directory of its own.
fn device_in(dir: &std::path::Path, name: &str, serial: &str) -> Replica {
    let db_dir = dir.join(format!("{name}-db"));
    let key_dir = dir.join(format!("{name}-keys"));
    std::fs::create_dir_all(&db_dir).unwrap();
    std::fs::create_dir_all(&key_dir).unwrap();
    Replica::init(
        &db_dir.join(format!("{name}.db")),
        &key_dir.join(format!("{name}.key")),
        clock(),
        DeviceEnrolled {
            facility: "FAC-1".into(),
            hardware_serial: serial.into(),
            enrollment_token_sha256: Sha256Hash::of(name.as_bytes()),
            previous_device: None,
        },
    )
    .unwrap()
}

fn deltas(replica: &Replica) -> Vec<Delta> {
    let mut stmt = replica
        .view()
        .prepare("SELECT bytes FROM event_log ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(Result::unwrap)
        .enumerate()
        .map(|(i, bytes)| Delta {
            ledger_index: i as u64 + 1,
            bytes,
        })
        .collect()
}

fn moved(uid: String, from: &str, to: &str) -> Payload {
    Payload::PackageMoved(PackageMoved {
        uid,
        from_location: from.into(),
        to_location: to.into(),
    })
}

/// Events a device signed before its revocation was folded stay; those folded after are
/// refused (whether the device's genesis was seen or not), and a revoked device cannot
/// record on itself either.
#[test]
fn a_revoked_devices_events_are_not_folded() {
    let mut f = fixture();
    f.stock(vec![
        active(&t(1), "CART", "CA-L1", Quantity::Units(5), "SHELF-1"),
        active(&t(2), "CART", "CA-L1", Quantity::Units(5), "SHELF-1"),
    ]);
    let mut other = device_in(f.dir.path(), "other", "HH-0002");
    other
        .record("B2", vec![moved(t(1), "SHELF-1", "SHELF-2")])
        .unwrap();
    other
        .record("B2", vec![moved(t(2), "SHELF-1", "SHELF-2")])
        .unwrap();
    // The ledger first sends this device's own events back (receipts: its stock is settled),
    // then the other device's.
    let own = deltas(&f.replica);
    let settled = own.len() as u64;
    f.replica.apply_deltas(&own).unwrap();
    let all: Vec<Delta> = deltas(&other)
        .into_iter()
        .map(|d| Delta {
            ledger_index: d.ledger_index + settled,
            bytes: d.bytes,
        })
        .collect();
    // Genesis and the first move arrive before the revocation.
    assert_eq!(f.replica.apply_deltas(&all[..2]).unwrap(), 2);
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("SHELF-2"));
    f.stock(vec![Payload::DeviceRevoked(DeviceRevoked {
        device: other.device(),
        reason: "handheld reported stolen".into(),
    })]);
    // The second move arrives after: not folded, held for a supervisor, and sync goes on.
    assert_eq!(f.replica.apply_deltas(&all[2..]).unwrap(), 1);
    let held = f.replica.held_deltas().unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].reason.contains("revoked"), "{}", held[0].reason);
    assert_eq!(held[0].ledger_index, settled + 3);
    assert_eq!(f.package(&t(2)).1.as_deref(), Some("SHELF-1"));
    assert_eq!(
        view_digest(f.replica.view()).unwrap(),
        replay_digest(f.replica.view()).unwrap()
    );
    assert_eq!(
        f.package(&t(1)).1.as_deref(),
        Some("SHELF-2"),
        "not retroactive"
    );

    // A device revoked before its genesis was ever seen here.
    let mut third = device_in(f.dir.path(), "third", "HH-0003");
    third
        .record("B3", vec![moved(t(2), "SHELF-1", "VAULT-A")])
        .unwrap();
    let mut fresh = fixture();
    fresh
        .replica
        .record(
            "ADMIN",
            vec![Payload::DeviceRevoked(DeviceRevoked {
                device: third.device(),
                reason: "never enrolled here".into(),
            })],
        )
        .unwrap();
    let third_deltas = deltas(&third);
    assert_eq!(
        fresh.replica.apply_deltas(&third_deltas).unwrap(),
        third_deltas.len()
    );
    assert_eq!(
        fresh.replica.held_deltas().unwrap().len(),
        third_deltas.len()
    );
    assert_eq!(
        fresh.replica.ledger_cursor().unwrap(),
        third_deltas.len() as u64,
        "sync goes on past them"
    );

    // The revoked device itself, once it has folded its revocation, records nothing more.
    let revoke_self = Payload::DeviceRevoked(DeviceRevoked {
        device: third.device(),
        reason: "test".into(),
    });
    third.record("ADMIN", vec![revoke_self]).unwrap();
    assert!(third
        .record("B3", vec![moved(t(2), "VAULT-A", "SHELF-1")])
        .is_err());
}

/// Closing a manifest with more missing cases than one record holds records several
/// `manifest_closed` events in one action, each within the record limit.
#[test]
fn closing_a_long_manifest_splits_its_missing_list() {
    use tally_replica::workflow::receiving;
    let mut f = fixture();
    f.replica
        .record(
            "ADMIN",
            split_inbound_manifest(InboundManifestIssued {
                manifest_id: "IN-BIG".into(),
                origin_license: "403-X0011".into(),
                destination_license: "403R-00017".into(),
                driver: "Dana Ortiz".into(),
                vehicle: "CO-300KX10".into(),
                lines: lines(1_000),
            }),
        )
        .unwrap();
    f.session("B1", "1111"); // signed in: the receiver acting below
    let (summary, recorded) = f
        .replica
        .act("B1", |v| receiving::close(v, "IN-BIG"))
        .unwrap();
    assert_eq!(summary.missing.len(), 1_000);
    assert_eq!(recorded.len(), 2, "900 + 100 missing UIDs");
    let mut stmt = f
        .replica
        .view()
        .prepare("SELECT bytes FROM event_log ORDER BY seq DESC LIMIT 2")
        .unwrap();
    let mut missing = 0;
    for bytes in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        let event = tally_events::SignedEvent::from_bytes(bytes.unwrap()).unwrap();
        assert!(event.as_bytes().len() <= 65_535);
        match event.payload().unwrap() {
            Payload::ManifestClosed(closed) => missing += closed.missing_uids.len(),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(missing, 1_000);
    let status: String = f
        .replica
        .view()
        .query_row(
            "SELECT status FROM inbound_manifests WHERE id = 'IN-BIG'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "closed");
}

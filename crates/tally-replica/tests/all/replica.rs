//! The replica's guarantees: the view equals a replay of the log, the log exports and
//! verifies, restores are detected, deltas and snapshots load idempotently, and local events
//! win until the ledger rules (conflicts are explicit).

use tally_events::payload::{DeviceEnrolled, PackageMoved};
use tally_events::{ChainOptions, Payload, Quantity, Sha256Hash, SignedEvent};
use tally_replica::stats::{replay_digest, view_digest};
use tally_replica::workflow::moves;
use tally_replica::{Delta, Replica, ReplicaError};
use tally_testkit::*;

fn with_stock() -> Fixture {
    let mut f = fixture();
    f.stock(vec![
        active(&t(1), "CART", "CA-L1", Quantity::Units(10), "SHELF-1"),
        active(&t(2), "CART", "CA-L1", Quantity::Units(4), "SHELF-1"),
    ]);
    f
}

fn other_device(dir: &std::path::Path) -> Replica {
    Replica::init(
        &dir.join("other.db"),
        &dir.join("keys").join("other.key"),
        clock(),
        DeviceEnrolled {
            facility: "FAC-1".into(),
            hardware_serial: "HH-0002".into(),
            enrollment_token_sha256: Sha256Hash::of(b"other"),
            previous_device: None,
        },
    )
    .unwrap()
}

fn log(replica: &Replica) -> Vec<Vec<u8>> {
    let mut stmt = replica
        .view()
        .prepare("SELECT bytes FROM event_log ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_view_equals_a_replay_of_the_log_and_the_export_verifies() {
    let mut f = with_stock();
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(1)), "SHELF-2")
        })
        .unwrap();
    assert_eq!(
        view_digest(f.replica.view()).unwrap(),
        replay_digest(f.replica.view()).unwrap()
    );
    let mut out = Vec::new();
    let n = f.replica.export_log(&mut out).unwrap();
    assert_eq!(n as i64, f.events());
    let records = tally_events::read_export(&out).unwrap();
    let report = tally_events::verify_chain(&records, &ChainOptions::default()).unwrap();
    assert_eq!(report.events, n);
    assert_eq!(report.device, f.replica.device());
    // The key never appears in the export.
    let key = std::fs::read(f.key()).unwrap();
    assert!(!out.windows(32).any(|w| w == &key[10..42]));
}

#[test]
fn a_restored_database_cannot_sign_again() {
    let f = with_stock();
    let (db, key, dir) = (f.db(), f.key(), f.dir);
    let backup = dir.path().join("backup.db");
    f.replica
        .view()
        .execute("VACUUM INTO ?1", [backup.to_string_lossy().as_ref()])
        .unwrap();
    drop(f.replica);
    // The device keeps working after the backup was taken.
    let mut replica = Replica::open(&db, &key, clock()).unwrap();
    replica
        .record(
            "B1",
            vec![active(
                &t(3),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
            )],
        )
        .unwrap();
    drop(replica);
    Replica::open(&db, &key, clock()).unwrap();
    // Now the old backup is put back.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    let err = Replica::open(&db, &key, clock()).unwrap_err();
    assert!(matches!(err, ReplicaError::Restored(_)), "{err}");
    assert!(err.to_string().contains("re-enroll"), "{err}");
    // A key file of another device is refused as well.
    let other = other_device(dir.path());
    drop(other);
    let err = Replica::open(&db, &dir.path().join("keys").join("other.key"), clock()).unwrap_err();
    assert!(matches!(err, ReplicaError::RestoreDetected(_)), "{err}");
}

#[test]
fn the_seq_reservation_is_renewed_in_blocks() {
    let f = fixture();
    let key = f.key();
    let before = tally_events::KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    let (db, dir) = (f.db(), f.dir);
    drop(f.replica);
    let mut replica = Replica::open(&db, &key, clock()).unwrap();
    let head = replica.head().unwrap().seq;
    let after = tally_events::KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    assert_eq!(after.floor(), head);
    assert!(after.reserved_through() > before.reserved_through());
    // Crossing the reservation writes a new block before signing past it.
    let through = after.reserved_through();
    let payloads: Vec<Payload> = (0..(through - head + 5))
        .map(|n| active(&t(100 + n), "CART", "CA-L1", Quantity::Units(1), "SHELF-1"))
        .collect();
    for chunk in payloads.chunks(500) {
        replica.record("ADMIN", chunk.to_vec()).unwrap();
    }
    let later = tally_events::KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    assert!(later.reserved_through() > through);
    assert!(later.reserved_through() >= replica.head().unwrap().seq);
    drop(dir);
}

fn deltas(from: u64, records: Vec<Vec<u8>>) -> Vec<Delta> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| Delta {
            ledger_index: from + i as u64,
            bytes,
        })
        .collect()
}

fn conflicts(replica: &Replica) -> Vec<(String, i64)> {
    let mut stmt = replica
        .view()
        .prepare("SELECT uid, ledger_index FROM conflicts ORDER BY ledger_index, uid")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn deltas_apply_once_in_order_and_local_changes_win_until_their_receipt() {
    let mut f = with_stock();
    let mut other = other_device(f.dir.path());
    let moved = |uid: String, to: &str| {
        Payload::PackageMoved(PackageMoved {
            uid,
            from_location: "SHELF-1".into(),
            to_location: to.into(),
        })
    };
    // The ledger first sends this device's setup back (receipts: the ledger has ruled).
    let own = log(&f.replica);
    let n = own.len() as u64;
    f.replica.apply_deltas(&deltas(1, own)).unwrap();
    // This device moves t(1) (not yet in the ledger); the other device moves t(1) and t(2).
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(1)), "SHELF-2")
        })
        .unwrap();
    other
        .record("B2", vec![moved(t(1), "VAULT-A"), moved(t(2), "VAULT-A")])
        .unwrap();
    let remote = deltas(n + 1, log(&other));
    assert_eq!(f.replica.apply_deltas(&remote).unwrap(), 3);
    assert_eq!(
        f.package(&t(1)).1.as_deref(),
        Some("SHELF-2"),
        "the local move wins"
    );
    assert_eq!(
        f.package(&t(2)).1.as_deref(),
        Some("VAULT-A"),
        "no pending local change: the delta applies"
    );
    assert_eq!(conflicts(&f.replica), vec![(t(1), n as i64 + 2)]);
    let digest = view_digest(f.replica.view()).unwrap();
    // Idempotent: the same deltas again change nothing.
    assert_eq!(f.replica.apply_deltas(&remote).unwrap(), 0);
    assert_eq!(view_digest(f.replica.view()).unwrap(), digest);
    assert_eq!(f.replica.ledger_cursor().unwrap(), n + 3);
    // A gap is refused.
    let gap = [Delta {
        ledger_index: n + 9,
        bytes: remote[0].bytes.clone(),
    }];
    assert!(f.replica.apply_deltas(&gap).is_err());
    // A tampered delta is refused.
    let mut bad = remote[2].bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(f
        .replica
        .apply_deltas(&[Delta {
            ledger_index: n + 4,
            bytes: bad
        }])
        .is_err());
    assert_eq!(f.replica.ledger_cursor().unwrap(), n + 3);
    // An acknowledgement alone changes no view: the move is still pending, so the other
    // device's next move of t(1) still conflicts.
    let head = f.replica.head().unwrap().seq;
    f.replica.acknowledge(head).unwrap();
    assert_eq!(view_digest(f.replica.view()).unwrap(), digest);
    other.record("B2", vec![moved(t(1), "LANE-1")]).unwrap();
    let next = Delta {
        ledger_index: n + 4,
        bytes: log(&other).pop().unwrap(),
    };
    f.replica.apply_deltas(&[next]).unwrap();
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("SHELF-2"));
    assert_eq!(conflicts(&f.replica).len(), 2);
    // The move comes back from the ledger: the ledger has ruled, later deltas apply.
    let receipt = Delta {
        ledger_index: n + 5,
        bytes: log(&f.replica).pop().unwrap(),
    };
    f.replica.apply_deltas(&[receipt]).unwrap();
    other.record("B2", vec![moved(t(1), "VAULT-A")]).unwrap();
    let after = Delta {
        ledger_index: n + 6,
        bytes: log(&other).pop().unwrap(),
    };
    f.replica.apply_deltas(&[after]).unwrap();
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("VAULT-A"));
    assert_eq!(conflicts(&f.replica).len(), 2, "no new conflict");
    assert_eq!(
        view_digest(f.replica.view()).unwrap(),
        replay_digest(f.replica.view()).unwrap()
    );
}

#[test]
fn own_events_coming_back_are_receipts_and_a_fork_is_kept_and_stops_signing() {
    let mut f = with_stock();
    let own = log(&f.replica);
    let receipts = deltas(1, own.clone());
    f.replica.apply_deltas(&receipts).unwrap();
    let unacked: i64 = f
        .replica
        .view()
        .query_row(
            "SELECT count(*) FROM event_log WHERE acknowledged = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unacked, 0);
    // A different event signed with our key at one of our seqs is a fork: kept as evidence,
    // the cursor moves on, and the device stops signing.
    let key = tally_events::KeyFile::decode(&std::fs::read(f.key()).unwrap())
        .unwrap()
        .key();
    let genesis = SignedEvent::from_bytes(own[0].clone()).unwrap();
    let forged = tally_events::UnsignedEvent {
        seq: 2,
        prev: Some(genesis.record_hash()),
        timestamp: genesis.timestamp(),
        actor: "B1".into(),
        facility: "FAC-1".into(),
        payload: active(&t(9), "CART", "CA-L1", Quantity::Units(1), "SHELF-1"),
    }
    .sign(&key)
    .unwrap();
    let digest = view_digest(f.replica.view()).unwrap();
    let at = receipts.len() as u64 + 1;
    // The same record with its signature damaged (or a receipt of ours with one) is no event
    // of this device: refused, not kept as a fork, the cursor stays.
    for bytes in [forged.as_bytes().to_vec(), own[1].clone()] {
        let mut damaged = bytes;
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(f
            .replica
            .apply_deltas(&[Delta {
                ledger_index: at,
                bytes: damaged,
            }])
            .is_err());
        assert_eq!(f.replica.ledger_cursor().unwrap(), at - 1);
        assert!(f.replica.fork_evidence().unwrap().is_empty());
        assert_eq!(f.replica.signing_stopped().unwrap(), None);
    }
    f.replica
        .apply_deltas(&[Delta {
            ledger_index: at,
            bytes: forged.as_bytes().to_vec(),
        }])
        .unwrap();
    assert_eq!(f.replica.ledger_cursor().unwrap(), at, "sync goes on");
    assert_eq!(view_digest(f.replica.view()).unwrap(), digest, "not folded");
    let evidence = f.replica.fork_evidence().unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].seq, 2);
    assert_eq!(evidence[0].ledger_index, at);
    assert_eq!(evidence[0].theirs, forged.record_hash());
    assert_eq!(
        evidence[0].ours,
        Some(
            SignedEvent::from_bytes(own[1].clone())
                .unwrap()
                .record_hash()
        )
    );
    assert_eq!(f.replica.signing_stopped().unwrap(), Some(2));
    let stats = tally_replica::stats::stats(f.replica.view()).unwrap();
    assert_eq!(stats.forks, 1);
    // Every way to sign is refused, with the re-enroll instruction, and nothing is recorded.
    let head = f.replica.head().unwrap();
    let err = f
        .replica
        .record(
            "ADMIN",
            vec![active(
                &t(10),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
            )],
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReplicaError::Refused(tally_replica::Refusal::DeviceForked { seq: 2 })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("re-enroll"), "{err}");
    let err = f.replica.sign_in("B1", "1111").unwrap_err();
    assert!(err.to_string().contains("fork"), "{err}");
    assert_eq!(f.replica.head().unwrap(), head);
    // The state survives a restart.
    let (db, key_path) = (f.db(), f.key());
    drop(f.replica);
    let mut replica = Replica::open(&db, &key_path, clock()).unwrap();
    assert_eq!(replica.signing_stopped().unwrap(), Some(2));
    assert!(
        replica.record("ADMIN", vec![]).is_ok(),
        "an empty action signs nothing"
    );
    assert!(replica
        .record(
            "ADMIN",
            vec![active(
                &t(10),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1"
            )]
        )
        .is_err());
    // A seq this device's log does not hold at all is fork evidence too.
    let beyond = tally_events::UnsignedEvent {
        seq: head.seq + 1,
        prev: Some(head.hash),
        timestamp: genesis.timestamp(),
        actor: "B1".into(),
        facility: "FAC-1".into(),
        payload: active(&t(11), "CART", "CA-L1", Quantity::Units(1), "SHELF-1"),
    }
    .sign(&key)
    .unwrap();
    replica
        .apply_deltas(&[Delta {
            ledger_index: at + 1,
            bytes: beyond.as_bytes().to_vec(),
        }])
        .unwrap();
    let evidence = replica.fork_evidence().unwrap();
    assert_eq!(evidence.len(), 2);
    assert_eq!(evidence[1].ours, None);
    assert_eq!(
        replica.signing_stopped().unwrap(),
        Some(2),
        "the first fork is named"
    );
    // Re-enrollment (a new key and chain) clears the stop; the evidence stays.
    drop(replica);
    let mut replica = Replica::re_enroll(
        &db,
        f.key_dir.path(),
        clock(),
        DeviceEnrolled {
            facility: "FAC-1".into(),
            hardware_serial: "HH-0001".into(),
            enrollment_token_sha256: Sha256Hash::of(b"again"),
            previous_device: None,
        },
        &tally_replica::keys::KeyOptions::default(),
    )
    .unwrap();
    assert_eq!(replica.signing_stopped().unwrap(), None);
    assert_eq!(replica.fork_evidence().unwrap().len(), 2);
    replica
        .record(
            "ADMIN",
            vec![active(
                &t(12),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
            )],
        )
        .unwrap();
}

#[test]
fn a_snapshot_loads_idempotently_and_local_unacknowledged_events_stay_on_top() {
    let source = with_stock();
    let snapshot = source.dir.path().join("snapshot.db");
    tally_replica::replica::write_snapshot(source.replica.view(), &snapshot, 42).unwrap();
    let mut f = fixture();
    // A local change not yet accepted by the ledger.
    f.stock(vec![active(
        &t(7),
        "CART",
        "CA-L1",
        Quantity::Units(2),
        "SHELF-1",
    )]);
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(7)), "SHELF-2")
        })
        .unwrap();
    let events = f.events();
    f.replica.load_snapshot(&snapshot).unwrap();
    assert_eq!(f.replica.ledger_cursor().unwrap(), 42);
    assert_eq!(f.package(&t(1)).2, 10, "from the snapshot");
    assert_eq!(
        f.package(&t(7)).1.as_deref(),
        Some("SHELF-2"),
        "the local move survives"
    );
    assert_eq!(f.events(), events, "the device log is kept whole");
    let digest = view_digest(f.replica.view()).unwrap();
    f.replica.load_snapshot(&snapshot).unwrap();
    assert_eq!(
        view_digest(f.replica.view()).unwrap(),
        digest,
        "loading twice changes nothing"
    );
    // The device keeps recording on the new file, and the chain still verifies.
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(1)), "SHELF-2")
        })
        .unwrap();
    let records = log(&f.replica);
    tally_events::verify_chain(&records, &ChainOptions::default()).unwrap();
    // A file that is not a snapshot is refused and the replica is untouched.
    let not_snapshot = f.dir.path().join("plain.db");
    std::fs::write(&not_snapshot, b"not sqlite").unwrap();
    assert!(f.replica.load_snapshot(&not_snapshot).is_err());
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("SHELF-2"));
}

#[test]
fn a_failed_action_across_a_reservation_block_leaves_a_usable_device() {
    let f = fixture();
    let (db, key, dir) = (f.db(), f.key(), f.dir);
    drop(f.replica);
    let mut replica = Replica::open(&db, &key, clock()).unwrap();
    let head = replica.head().unwrap().seq;
    let through = tally_events::KeyFile::decode(&std::fs::read(&key).unwrap())
        .unwrap()
        .reserved_through();
    // Fill up to just below the end of the block.
    let filler: Vec<Payload> = (0..(through - head - 2))
        .map(|n| active(&t(500 + n), "CART", "CA-L1", Quantity::Units(1), "SHELF-1"))
        .collect();
    for chunk in filler.chunks(500) {
        replica.record("ADMIN", chunk.to_vec()).unwrap();
    }
    // An action crossing the block whose last event cannot be applied: nothing is recorded.
    let mut action: Vec<Payload> = (0..5)
        .map(|n| {
            active(
                &t(9_000 + n),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
            )
        })
        .collect();
    action.push(Payload::PickRecorded(tally_events::payload::PickRecorded {
        pick_list_id: "PL-X".into(),
        line: 1,
        uid: t(404_404),
        quantity: Quantity::Units(1),
        tote_id: "TOTE-X".into(),
    }));
    let before = replica.head().unwrap();
    assert!(replica.record("ADMIN", action).is_err());
    assert_eq!(replica.head().unwrap(), before);
    // The device still records (the writer was rewound) and still opens after a restart.
    replica
        .record(
            "ADMIN",
            vec![active(
                &t(9_100),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
            )],
        )
        .unwrap();
    drop(replica);
    let replica = Replica::open(&db, &key, clock()).unwrap();
    assert_eq!(replica.head().unwrap().seq, before.seq + 1);
    let records = log(&replica);
    tally_events::verify_chain(&records, &ChainOptions::default()).unwrap();
    drop(dir);
}

fn pick_setup() -> Vec<Payload> {
    vec![Payload::PickListIssued(
        tally_events::payload::PickListIssued {
            pick_list_id: "PL-1".into(),
            order_id: "SO-1".into(),
            route_id: "R-1".into(),
            lines: vec![tally_events::payload::PickListLine {
                line: 1,
                item_id: "CART".into(),
                quantity: Quantity::Units(8),
                batch_id: None,
            }],
        },
    )]
}

#[test]
fn reloading_a_snapshot_that_holds_the_devices_own_pick_counts_it_once() {
    let mut f = fixture();
    // The stock and the pick list come from the ledger (another device's admin events).
    let mut other = other_device(f.dir.path());
    let mut setup = pick_setup();
    setup.push(active(
        &t(1),
        "CART",
        "CA-L1",
        Quantity::Units(10),
        "SHELF-1",
    ));
    other.record("ADMIN", setup).unwrap();
    f.replica.apply_deltas(&deltas(1, log(&other))).unwrap();
    f.replica
        .record(
            "B1",
            vec![Payload::PickRecorded(tally_events::payload::PickRecorded {
                pick_list_id: "PL-1".into(),
                line: 1,
                uid: t(1),
                quantity: Quantity::Units(3),
                tote_id: "TOTE-1".into(),
            })],
        )
        .unwrap();
    // A snapshot written from a view that already holds the pick (as the ledger's would).
    let snapshot = f.dir.path().join("snapshot.db");
    tally_replica::replica::write_snapshot(f.replica.view(), &snapshot, 7).unwrap();
    f.replica.load_snapshot(&snapshot).unwrap();
    let picked: i64 = f
        .replica
        .view()
        .query_row(
            "SELECT picked FROM pick_lines WHERE pick_list_id = 'PL-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(picked, 3, "a 3-unit pick must not become 6");
    assert_eq!(f.package(&t(1)).2, 7);
}

#[test]
fn a_delta_on_a_package_this_device_split_off_is_a_conflict() {
    let mut f = with_stock();
    let mut other = other_device(f.dir.path());
    f.replica
        .record(
            "B1",
            vec![Payload::PackageSplit(tally_events::payload::PackageSplit {
                source_uid: t(1),
                new_uid: t(60),
                quantity: Quantity::Units(4),
            })],
        )
        .unwrap();
    other
        .record(
            "ADMIN",
            vec![active(
                &t(60),
                "CART",
                "CA-L1",
                Quantity::Units(9),
                "VAULT-A",
            )],
        )
        .unwrap();
    f.replica.apply_deltas(&deltas(1, log(&other))).unwrap();
    assert_eq!(
        (f.package(&t(60)).1.as_deref(), f.package(&t(60)).2),
        (Some("SHELF-1"), 4),
        "the local split wins"
    );
    assert_eq!(conflicts(&f.replica), vec![(t(60), 2)]);
}

#[test]
fn an_ack_between_a_local_change_and_a_delta_does_not_hide_the_conflict() {
    let mut f = with_stock();
    let mut other = other_device(f.dir.path());
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(1)), "SHELF-2")
        })
        .unwrap();
    // The ledger says it has everything (an ack, not yet the events themselves).
    let head = f.replica.head().unwrap().seq;
    f.replica.acknowledge(head).unwrap();
    other
        .record(
            "B2",
            vec![Payload::PackageMoved(PackageMoved {
                uid: t(1),
                from_location: "SHELF-1".into(),
                to_location: "VAULT-A".into(),
            })],
        )
        .unwrap();
    f.replica.apply_deltas(&deltas(1, log(&other))).unwrap();
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("SHELF-2"));
    assert_eq!(conflicts(&f.replica), vec![(t(1), 2)]);
}

#[test]
fn a_validly_signed_pick_of_an_unknown_package_does_not_stop_sync() {
    let mut f = with_stock();
    let clock = clock();
    let (mut writer, genesis) = tally_events::ChainWriter::genesis(
        tally_events::DeviceKey::from_seed([9; 32]),
        clock.as_ref(),
        "",
        DeviceEnrolled {
            facility: "FAC-1".into(),
            hardware_serial: "HH-0009".into(),
            enrollment_token_sha256: Sha256Hash::of(b"nine"),
            previous_device: None,
        },
    )
    .unwrap();
    let bad = writer
        .append(
            clock.as_ref(),
            "B2",
            Payload::PickRecorded(tally_events::payload::PickRecorded {
                pick_list_id: "PL-X".into(),
                line: 1,
                uid: t(404_404),
                quantity: Quantity::Units(1),
                tote_id: "TOTE-X".into(),
            }),
        )
        .unwrap();
    let good = writer
        .append(
            clock.as_ref(),
            "B2",
            active(&t(70), "CART", "CA-L1", Quantity::Units(2), "VAULT-A"),
        )
        .unwrap();
    let records = vec![
        genesis.as_bytes().to_vec(),
        bad.as_bytes().to_vec(),
        good.as_bytes().to_vec(),
    ];
    let applied = f.replica.apply_deltas(&deltas(1, records));
    assert!(applied.is_ok(), "{applied:?}");
    assert_eq!(f.replica.ledger_cursor().unwrap(), 3);
    assert_eq!(
        f.package(&t(70)).1.as_deref(),
        Some("VAULT-A"),
        "the next delta folded"
    );
    let held: Vec<(i64, String)> = {
        let mut stmt = f
            .replica
            .view()
            .prepare("SELECT ledger_index, reason FROM held_deltas")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].0, 2);
    assert!(held[0].1.contains("unknown package"), "{}", held[0].1);
}

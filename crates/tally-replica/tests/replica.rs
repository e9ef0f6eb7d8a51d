//! The replica's guarantees: the view equals a replay of the log, the log exports and
//! verifies, restores are detected, deltas and snapshots load idempotently, and local events
//! win until the ledger rules (conflicts are explicit).

mod common;

use common::*;
use tally_events::payload::{DeviceEnrolled, PackageMoved, PackageStatus};
use tally_events::{ChainOptions, Payload, Quantity, Sha256Hash, SignedEvent};
use tally_replica::stats::{replay_digest, view_digest};
use tally_replica::workflow::moves;
use tally_replica::{Delta, Replica, ReplicaError};

fn with_stock() -> Fixture {
    let mut f = fixture();
    f.replica
        .record(
            "ADMIN",
            vec![
                package(
                    &t(1),
                    "CART",
                    "CA-L1",
                    Quantity::Units(10),
                    "SHELF-1",
                    PackageStatus::Active,
                ),
                package(
                    &t(2),
                    "CART",
                    "CA-L1",
                    Quantity::Units(4),
                    "SHELF-1",
                    PackageStatus::Active,
                ),
            ],
        )
        .unwrap();
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
        .act("B1", |v| moves::move_package(v, &who, &t(1), "SHELF-2"))
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
            vec![package(
                &t(3),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
                PackageStatus::Active,
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
        .map(|n| {
            package(
                &t(100 + n),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
                PackageStatus::Active,
            )
        })
        .collect();
    for chunk in payloads.chunks(500) {
        replica.record("ADMIN", chunk.to_vec()).unwrap();
    }
    let later = tally_events::KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    assert!(later.reserved_through() > through);
    assert!(later.reserved_through() >= replica.head().unwrap().seq);
    drop(dir);
}

#[test]
fn deltas_apply_once_in_order_and_local_changes_win_until_acknowledged() {
    let mut f = with_stock();
    let mut other = other_device(f.dir.path());
    let moved = |uid: String, to: &str| {
        Payload::PackageMoved(PackageMoved {
            uid,
            from_location: "SHELF-1".into(),
            to_location: to.into(),
        })
    };
    // This device moves t(1) (not yet acknowledged); the other device moves t(1) and t(2).
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| moves::move_package(v, &who, &t(1), "SHELF-2"))
        .unwrap();
    other
        .record("B2", vec![moved(t(1), "VAULT-A"), moved(t(2), "VAULT-A")])
        .unwrap();
    let deltas: Vec<Delta> = log(&other)
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| Delta {
            ledger_index: i as u64 + 1,
            bytes,
        })
        .collect();
    assert_eq!(f.replica.apply_deltas(&deltas).unwrap(), 3);
    assert_eq!(
        f.package(&t(1)).1.as_deref(),
        Some("SHELF-2"),
        "the local move wins"
    );
    assert_eq!(
        f.package(&t(2)).1.as_deref(),
        Some("VAULT-A"),
        "no local change: the delta applies"
    );
    let conflicts: Vec<(String, i64)> = {
        let mut stmt = f
            .replica
            .view()
            .prepare("SELECT uid, ledger_index FROM conflicts")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(conflicts, vec![(t(1), 2)]);
    let digest = view_digest(f.replica.view()).unwrap();
    // Idempotent: the same deltas again change nothing.
    assert_eq!(f.replica.apply_deltas(&deltas).unwrap(), 0);
    assert_eq!(view_digest(f.replica.view()).unwrap(), digest);
    assert_eq!(f.replica.ledger_cursor().unwrap(), 3);
    // A gap is refused.
    let gap = [Delta {
        ledger_index: 9,
        bytes: deltas[0].bytes.clone(),
    }];
    assert!(f.replica.apply_deltas(&gap).is_err());
    // A tampered delta is refused.
    let mut bad = deltas[2].bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(f
        .replica
        .apply_deltas(&[Delta {
            ledger_index: 4,
            bytes: bad
        }])
        .is_err());
    // The ledger acknowledges this device's events: later deltas apply normally.
    let head = f.replica.head().unwrap().seq;
    f.replica.acknowledge(head).unwrap();
    other.record("B2", vec![moved(t(1), "VAULT-A")]).unwrap();
    let next = Delta {
        ledger_index: 4,
        bytes: log(&other).pop().unwrap(),
    };
    f.replica.apply_deltas(&[next]).unwrap();
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("VAULT-A"));
}

#[test]
fn own_events_coming_back_are_acknowledged_and_a_fork_is_refused() {
    let mut f = with_stock();
    let own = log(&f.replica);
    let deltas: Vec<Delta> = own
        .iter()
        .enumerate()
        .map(|(i, b)| Delta {
            ledger_index: i as u64 + 1,
            bytes: b.clone(),
        })
        .collect();
    f.replica.apply_deltas(&deltas).unwrap();
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
    // A different event signed with our key at one of our seqs is a fork: refused, kept out.
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
        payload: package(
            &t(9),
            "CART",
            "CA-L1",
            Quantity::Units(1),
            "SHELF-1",
            PackageStatus::Active,
        ),
    }
    .sign(&key)
    .unwrap();
    let err = f
        .replica
        .apply_deltas(&[Delta {
            ledger_index: deltas.len() as u64 + 1,
            bytes: forged.as_bytes().to_vec(),
        }])
        .unwrap_err();
    assert!(
        matches!(err, ReplicaError::RestoreDetected(ref m) if m.contains("fork")),
        "{err}"
    );
    assert_eq!(f.replica.ledger_cursor().unwrap(), deltas.len() as u64);
}

#[test]
fn a_snapshot_loads_idempotently_and_local_unacknowledged_events_stay_on_top() {
    let source = with_stock();
    let snapshot = source.dir.path().join("snapshot.db");
    tally_replica::replica::write_snapshot(source.replica.view(), &snapshot, 42).unwrap();
    let mut f = fixture();
    // A local change not yet accepted by the ledger.
    f.replica
        .record(
            "ADMIN",
            vec![package(
                &t(7),
                "CART",
                "CA-L1",
                Quantity::Units(2),
                "SHELF-1",
                PackageStatus::Active,
            )],
        )
        .unwrap();
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| moves::move_package(v, &who, &t(7), "SHELF-2"))
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
        .act("B1", |v| moves::move_package(v, &who, &t(1), "SHELF-2"))
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
        .map(|n| {
            package(
                &t(500 + n),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
                PackageStatus::Active,
            )
        })
        .collect();
    for chunk in filler.chunks(500) {
        replica.record("ADMIN", chunk.to_vec()).unwrap();
    }
    // An action crossing the block whose last event cannot be applied: nothing is recorded.
    let mut action: Vec<Payload> = (0..5)
        .map(|n| {
            package(
                &t(9_000 + n),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
                PackageStatus::Active,
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
            vec![package(
                &t(9_100),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
                PackageStatus::Active,
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

//! The replica service over loopback HTTP with the real binary, on both backends: real
//! tally-replica devices record the demo facility, push it, and other devices bootstrap from
//! `GET /v1/replica/snapshot` and stay current with `GET /v1/replica/deltas`; the view they
//! build equals the one built from the deltas alone; another facility's devices see none of it;
//! every request needs an enrolled device's signature.

mod common;

use std::path::Path;
use std::process::Command;

use common::devices::{token, Device, Server, BIN};
use common::{temp_db, PgCluster};
use tally_events::pin::PinParams;

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    let (dir, db) = super::temp_db();
                    super::$name(db.to_str().unwrap(), dir.path());
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    let url = super::PgCluster::get().new_database();
                    let dir = tempfile::tempdir().unwrap();
                    super::$name(&url, dir.path());
                }
            )*
        }
    };
}

on_both_backends!(
    devices_bootstrap_from_a_snapshot_and_stay_current_with_deltas,
    the_replica_service_answers_only_enrolled_devices,
);

const DEMO: &str = tally_replica::seed::FACILITY;

fn devices_bootstrap_from_a_snapshot_and_stay_current_with_deltas(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    // The first device records the demo facility and pushes it.
    let mut first = Device::new(&server, DEMO);
    first.enroll(&token(db, DEMO, "dock-1"));
    tally_replica::seed::demo_with_pin_params(&mut first.replica, 40, 7, &PinParams::TEST).unwrap();
    first.push();
    let first_events: u64 = first
        .replica
        .view()
        .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
        .unwrap();
    assert!(first.packages().len() >= 40);
    // A device of another facility, with events of its own in the log between them.
    let other = Device::new(&server, "FAC-OTHER");
    other.enroll(&token(db, "FAC-OTHER", "dock-9"));
    other.push();

    // A second device bootstraps from a snapshot.
    let mut second = Device::new(&server, DEMO);
    second.enroll(&token(db, DEMO, "dock-2"));
    second.push();
    let cursor = second.bootstrap();
    assert_eq!(
        cursor,
        first_events + 1,
        "every demo event and its own genesis"
    );
    assert_eq!(second.packages(), first.packages());
    // The snapshot says its own genesis is folded: nothing more to pull.
    assert_eq!(second.pull(1_000), 0);

    // A third device builds its view from the deltas alone, in small pages: the same view.
    let mut third = Device::new(&server, DEMO);
    third.enroll(&token(db, DEMO, "dock-3"));
    third.push();
    let folded = third.pull(7);
    assert_eq!(folded, first_events + 2);
    assert_eq!(third.packages(), first.packages());

    // The facility stream is numbered 1, 2, 3 ... without gaps, in log order, and holds no
    // entry of the other facility although they are interleaved in the log.
    let (status, body) = third.deltas(0, None);
    assert_eq!(status, 200);
    assert_eq!(body["facility"], DEMO);
    let deltas = body["deltas"].as_array().unwrap();
    assert_eq!(deltas.len() as u64, first_events + 2);
    assert_eq!(body["size"].as_u64().unwrap(), first_events + 2);
    let mut last_log_index = None;
    for (i, delta) in deltas.iter().enumerate() {
        assert_eq!(delta["ledger_index"].as_u64().unwrap(), i as u64 + 1);
        let index = delta["log_index"].as_u64().unwrap();
        assert!(last_log_index < Some(index));
        last_log_index = Some(index);
        let event =
            tally_events::SignedEvent::from_bytes(common::b64d(delta["record"].as_str().unwrap()))
                .unwrap();
        assert_eq!(event.facility(), DEMO);
    }
    // The other facility's device sees only its own genesis.
    let (status, body) = other.deltas(0, None);
    assert_eq!(status, 200);
    assert_eq!(body["facility"], "FAC-OTHER");
    assert_eq!(body["size"], 1);

    // New events of the first device reach the second as deltas after its snapshot.
    let before = first.packages();
    first
        .replica
        .record(
            tally_replica::seed::ADMIN_BADGE,
            vec![tally_events::Payload::UserSignedOut(
                tally_events::payload::UserSignedOut {
                    badge: tally_replica::seed::ADMIN_BADGE.into(),
                },
            )],
        )
        .unwrap();
    first.push();
    let pulled = second.pull(1_000);
    assert_eq!(
        pulled, 2,
        "the third device's genesis and the first's sign-out"
    );
    assert_eq!(second.packages(), before);
    assert!(second.replica.held_deltas().unwrap().is_empty());

    // A later snapshot, from the views the server kept, is at the stream's end.
    let mut fourth = Device::new(&server, DEMO);
    fourth.enroll(&token(db, DEMO, "dock-4"));
    fourth.push();
    let cursor = fourth.bootstrap();
    assert_eq!(cursor, first_events + 4);
    assert_eq!(fourth.packages(), first.packages());

    // A server started afresh on the same database, with its views removed, numbers alike.
    drop(server);
    std::fs::remove_dir_all(scratch.join("views")).unwrap();
    let server = Server::start(db, &scratch.join("views"));
    let mut fifth = Device::new(&server, DEMO);
    fifth.enroll(&token(db, DEMO, "dock-5"));
    fifth.push();
    assert_eq!(fifth.bootstrap(), cursor + 1);
    assert_eq!(fifth.packages(), first.packages());
    fourth.base = server.base.clone();
    assert_eq!(fourth.pull(1_000), 1, "the fifth device's genesis");
}

fn the_replica_service_answers_only_enrolled_devices(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    let unenrolled = Device::new(&server, DEMO);
    let (status, body) = unenrolled.deltas(0, None);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unknown_device"))
    );
    let response = unenrolled.send("GET", "/v1/replica/snapshot", Vec::new());
    assert_eq!(response.status().as_u16(), 403);
    // Without a signature.
    let response =
        reqwest::blocking::get(format!("{}/v1/replica/deltas?after=0", server.base)).unwrap();
    assert_eq!(response.status().as_u16(), 401);
    // A revoked device is refused.
    let device = Device::new(&server, DEMO);
    device.enroll(&token(db, DEMO, "dock-1"));
    device.push();
    assert_eq!(device.deltas(0, None).0, 200);
    let out = Command::new(BIN)
        .args(["revoke", "--db", db, "--device"])
        .arg(device.signer.device_id().to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    let (status, body) = device.deltas(0, None);
    assert_eq!((status, body["error"].as_str()), (403, Some("revoked")));
    // A malformed query is a clear error.
    let enrolled = Device::new(&server, DEMO);
    enrolled.enroll(&token(db, DEMO, "dock-2"));
    let response = enrolled.send("GET", "/v1/replica/deltas?after=minus-one", Vec::new());
    assert_eq!(response.status().as_u16(), 400);
}

fn locations(device: &Device) -> Vec<String> {
    let mut stmt = device
        .replica
        .view()
        .prepare("SELECT id FROM locations ORDER BY id")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn define_location(device: &mut Device, id: &str) {
    device
        .replica
        .record(
            "B-ADMIN",
            vec![tally_events::Payload::LocationDefined(
                tally_events::payload::LocationDefined {
                    location_id: id.into(),
                    name: id.into(),
                    kind: tally_events::payload::LocationKind::Shelf,
                    sellable: true,
                    parent: None,
                },
            )],
        )
        .unwrap();
}

fn sign_out(device: &mut Device) {
    device
        .replica
        .record(
            "B-1",
            vec![tally_events::Payload::UserSignedOut(
                tally_events::payload::UserSignedOut {
                    badge: "B-1".into(),
                },
            )],
        )
        .unwrap();
}

/// A ledger restored from a backup (the views directory left in place, against the recovery
/// procedure) whose facility stream grows back to the length its old view had: the view and
/// the numbering made from the lost log are not served; snapshots equal the deltas' fold.
#[test]
fn a_restored_ledger_never_serves_a_view_of_the_log_it_lost() {
    let (dir, db) = temp_db();
    let db = db.to_str().unwrap();
    let views = dir.path().join("views");
    let backup = dir.path().join("backup.db");
    let server = Server::start(db, &views);
    let mut definer = Device::new(&server, "FAC-R");
    definer.enroll(&token(db, "FAC-R", "dock-1"));
    define_location(&mut definer, "SHELF-1");
    definer.push();
    let mut floor = Device::new(&server, "FAC-R");
    floor.enroll(&token(db, "FAC-R", "dock-2"));
    floor.push();
    drop(server);
    // A stopped ledger's files are its backup (the database and its write-ahead log).
    std::fs::copy(db, &backup).unwrap();
    std::fs::copy(format!("{db}-wal"), backup.with_extension("db-wal")).unwrap();

    // After the backup: two more locations and a sign-out, folded into the view by a snapshot.
    let server = Server::start(db, &views);
    definer.base = server.base.clone();
    define_location(&mut definer, "SHELF-2");
    define_location(&mut definer, "SHELF-3");
    definer.push();
    sign_out(&mut floor);
    floor.base = server.base.clone();
    floor.push();
    let mut before = Device::new(&server, "FAC-R");
    before.enroll(&token(db, "FAC-R", "dock-3"));
    before.push();
    assert_eq!(before.bootstrap(), 7);
    assert_eq!(locations(&before), ["SHELF-1", "SHELF-2", "SHELF-3"]);
    drop(server);

    // Restored; the definer's later events are lost with its device; the floor device pushes
    // again and goes on, so the stream grows back past its old length.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
    std::fs::copy(&backup, db).unwrap();
    std::fs::copy(backup.with_extension("db-wal"), format!("{db}-wal")).unwrap();
    let server = Server::start(db, &views);
    floor.base = server.base.clone();
    for _ in 0..4 {
        sign_out(&mut floor);
    }
    floor.push();
    let mut after = Device::new(&server, "FAC-R");
    after.enroll(&token(db, "FAC-R", "dock-4"));
    after.push();
    let cursor = after.bootstrap();
    assert_eq!(cursor, 2 + 6 + 1);
    assert_eq!(locations(&after), ["SHELF-1"], "nothing of the lost log");
    let mut fresh = Device::new(&server, "FAC-R");
    fresh.enroll(&token(db, "FAC-R", "dock-5"));
    fresh.push();
    fresh.pull(1_000);
    assert_eq!(locations(&fresh), ["SHELF-1"]);
    assert!(after.replica.held_deltas().unwrap().is_empty());
}

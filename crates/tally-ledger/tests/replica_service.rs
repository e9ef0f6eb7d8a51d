//! The replica service over loopback HTTP with the real binary, on both backends: real
//! tally-replica devices record the demo facility, push it, and other devices bootstrap from
//! `GET /v1/replica/snapshot` and stay current with `GET /v1/replica/deltas`; the view they
//! build equals the one built from the deltas alone; another facility's devices see none of it;
//! every request needs an enrolled device's signature.

mod common;

use std::path::Path;
use std::process::Command;

use common::devices::{cli, token, Device, Server, BIN};
use common::{on_both_backends, temp_db};
use serde_json::Value;
use tally_events::pin::PinParams;
use tally_ledger::stream_store::StreamMark;
use tally_ledger::Store;

on_both_backends!(
    devices_bootstrap_from_a_snapshot_and_stay_current_with_deltas,
    the_replica_service_answers_only_enrolled_devices,
    the_numbering_is_kept_in_the_database_and_shared_by_servers,
    a_push_is_projected_at_once_without_the_poll_and_after_a_restart,
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

/// The stored numbering of every facility: (mark, [(facility, position, log index)]).
fn stored_numbering(db: &str) -> (StreamMark, Vec<(String, u64, u64)>, u64) {
    fn read<S: Store>(store: &S) -> (StreamMark, Vec<(String, u64, u64)>, u64) {
        let mark = store.stream_mark().unwrap();
        let mut rows = Vec::new();
        for facility in [DEMO, "FAC-OTHER"] {
            for (position, entry) in store.stream_page(facility, 0, 1 << 40).unwrap() {
                rows.push((facility.to_owned(), position, entry.index));
            }
        }
        (mark, rows, store.tree_size().unwrap())
    }
    if db.starts_with("postgres") {
        read(tally_ledger::open_postgres(db).unwrap().store())
    } else {
        read(tally_ledger::open_sqlite(Path::new(db)).unwrap().store())
    }
}

/// How far the projections are: (projected, tree size).
fn projection_progress(db: &str) -> (u64, u64) {
    fn read<S: Store>(store: S) -> (u64, u64) {
        let progress = tally_ledger::projection::Projector::open(store)
            .unwrap()
            .progress()
            .unwrap();
        (progress.projected, progress.tree_size)
    }
    if db.starts_with("postgres") {
        read(
            tally_ledger::open_postgres(db)
                .unwrap()
                .store()
                .reopen()
                .unwrap(),
        )
    } else {
        read(
            tally_ledger::open_sqlite(Path::new(db))
                .unwrap()
                .store()
                .reopen()
                .unwrap(),
        )
    }
}

/// The numbering of the facility streams is stored in the ledger's database, not rebuilt by
/// each process: two `serve` processes on one database, asked in turn while devices of two
/// facilities push through both, serve one numbering (each facility 1, 2, 3 ... in log order,
/// every log entry numbered once); a server started later continues it (what was numbered is
/// a prefix of what it serves).
fn the_numbering_is_kept_in_the_database_and_shared_by_servers(db: &str, scratch: &Path) {
    let a = Server::start(db, &scratch.join("views-a"));
    let b = Server::start(db, &scratch.join("views-b"));
    let mut demo = Device::new(&a, DEMO);
    demo.enroll(&token(db, DEMO, "dock-1"));
    let mut other = Device::new(&b, "FAC-OTHER");
    other.enroll(&token(db, "FAC-OTHER", "dock-9"));
    let servers = [a.base.clone(), b.base.clone()];
    for round in 0..6 {
        sign_out(&mut demo);
        sign_out(&mut other);
        demo.base = servers[round % 2].clone();
        other.base = servers[(round + 1) % 2].clone();
        demo.push();
        other.push();
        // Each asks the other server than it pushed to.
        demo.base = servers[(round + 1) % 2].clone();
        assert_eq!(demo.deltas(0, None).0, 200);
        other.base = servers[round % 2].clone();
        assert_eq!(other.deltas(0, None).0, 200);
    }
    let answers: Vec<Value> = servers
        .iter()
        .map(|base| {
            demo.base = base.clone();
            demo.deltas(0, None).1
        })
        .collect();
    assert_eq!(answers[0], answers[1], "two servers, one numbering");
    let (mark, rows, size) = stored_numbering(db);
    assert_eq!(mark.scanned, size, "every committed entry is numbered");
    let mut indexes: Vec<u64> = rows.iter().map(|(_, _, index)| *index).collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..size).collect::<Vec<_>>(), "each entry once");
    for facility in [DEMO, "FAC-OTHER"] {
        let stream: Vec<&(String, u64, u64)> =
            rows.iter().filter(|(f, _, _)| f == facility).collect();
        for (i, (_, position, _)) in stream.iter().enumerate() {
            assert_eq!(*position, i as u64 + 1);
        }
        assert!(stream.windows(2).all(|w| w[0].2 < w[1].2), "log order");
        assert_eq!(stream.len(), 7, "genesis and six sign-outs");
    }
    assert_eq!(answers[0]["size"], 7);

    // A later server continues the stored numbering.
    drop(a);
    drop(b);
    let c = Server::start(db, &scratch.join("views-c"));
    demo.base = c.base.clone();
    sign_out(&mut demo);
    demo.push();
    let (status, body) = demo.deltas(7, None);
    assert_eq!(status, 200);
    assert_eq!(body["size"], 8);
    assert_eq!(body["deltas"][0]["ledger_index"], 8);
    let (mark_after, rows_after, size_after) = stored_numbering(db);
    assert_eq!(mark_after.scanned, size_after);
    assert_eq!(&rows_after[..7], &rows[..7], "the demo stream is continued");
    assert_eq!(rows_after.len(), rows.len() + 1);
}

/// The projector is woken by a commit, not by its poll: with the poll set to ten minutes, a
/// push is projected within seconds, and again after a restart; on PostgreSQL a commit by
/// another process (`tally-ledger demo seed`) wakes it too (LISTEN/NOTIFY).
fn a_push_is_projected_at_once_without_the_poll_and_after_a_restart(db: &str, scratch: &Path) {
    let slow_poll = ["--projection-poll-ms", "600000"];
    let caught_up = |what: &str| {
        let start = std::time::Instant::now();
        loop {
            let (projected, size) = projection_progress(db);
            if projected == size && size > 0 {
                return size;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "{what}: projected {projected} of {size} (the poll is ten minutes)"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let server = Server::start_with(db, &scratch.join("views"), &slow_poll);
    if db.starts_with("postgres") {
        let (code, _, stderr) = cli(
            &[
                "demo",
                "seed",
                "--db",
                db,
                "--packages",
                "3",
                "--insecure-test-pin-params",
            ],
            "",
        );
        assert_eq!(code, 0, "{stderr}");
        caught_up("a commit by another process");
    }
    let mut device = Device::new(&server, DEMO);
    device.enroll(&token(db, DEMO, "dock-proj"));
    device.push();
    let first = caught_up("a push");
    drop(server);
    let server = Server::start_with(db, &scratch.join("views"), &slow_poll);
    device.base = server.base.clone();
    sign_out(&mut device);
    device.push();
    let second = caught_up("a push after a restart");
    assert_eq!(second, first + 1);
}

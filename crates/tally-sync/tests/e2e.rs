//! tallyd end to end, with the real binaries over loopback: `tally demo seed` devices,
//! `tally-ledger serve`, `tallyd enroll | sync --once | run | status`.

mod common;

use std::time::{Duration, Instant};

use common::{ok, Device, Ledger};

/// Several devices work offline, then dock: every event arrives exactly once and in order,
/// and the ledger's export of each device holds the replica's records byte for byte.
#[test]
fn devices_offline_then_online_arrive_exactly_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    // Offline: three devices record before any ledger exists.
    let devices: Vec<Device> = (0..3)
        .map(|i| Device::seed(dir.path(), &format!("hh{i}"), 4 + i, 10 + i))
        .collect();
    let ledger = Ledger::start(&dir.path().join("ledger.db"), common::free_port());
    for (i, device) in devices.iter().enumerate() {
        device.enroll(&ledger, &format!("dock-{i}"));
        assert!(device.status()["events_waiting"].as_u64().unwrap() > 10);
    }
    // Online: two with one pass each, one with the daemon.
    for device in &devices[..2] {
        let out = device.sync_once();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let daemon = devices[2].spawn_daemon(&["--batch", "7"]);
    devices[2].wait_synced(Duration::from_secs(60));
    drop(daemon);
    for device in &devices {
        let replica = device.records();
        let logged = ledger.records(&device.id);
        assert_eq!(logged, replica, "device {}", device.id);
        assert_eq!(ledger.device_events(&device.id), replica.len() as u64);
        let status = device.status();
        assert_eq!(status["events_waiting"], 0);
        assert_eq!(status["pushed_seq"], replica.len() as u64);
        assert!(status["last_success"].as_i64().unwrap() > 0);
        assert!(status["checkpoint_size"].as_u64().unwrap() >= replica.len() as u64);
        // Again: nothing is sent twice.
        assert!(device.sync_once().status.success());
        assert_eq!(ledger.records(&device.id).len(), replica.len());
    }
    ledger.verify();
}

/// A ledger that cannot be reached: `sync --once` exits 1 within a minute and says so; the
/// events stay waiting, and go once the ledger is back.
#[test]
fn an_unreachable_ledger_exits_1_within_a_minute_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let device = Device::seed(dir.path(), "hh", 3, 1);
    let port = common::free_port();
    let mut ledger = Ledger::start(&dir.path().join("ledger.db"), port);
    device.enroll(&ledger, "dock");
    ledger.kill();
    let start = Instant::now();
    let out = device.sync_once();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(start.elapsed() < Duration::from_secs(60));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be reached"));
    let status = device.status();
    assert!(status["events_waiting"].as_u64().unwrap() > 0);
    assert!(status["last_error"]
        .as_str()
        .unwrap()
        .contains("cannot be reached"));
    assert!(status["last_success"].is_null());
    let ledger = Ledger::start(&ledger.db.clone(), port);
    assert!(device.sync_once().status.success());
    assert_eq!(ledger.records(&device.id), device.records());
    assert!(device.status()["last_error"].is_null());
}

/// A ledger restored from an older copy of its database (its tree smaller than a checkpoint
/// the device holds) is refused and reported; the device marks nothing and keeps its events.
#[test]
fn a_rolled_back_ledger_is_caught_and_the_device_keeps_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let db = dir.path().join("ledger.db");
    let early = Device::seed(dir.path(), "early", 2, 1);
    let device = Device::seed(dir.path(), "hh", 3, 2);
    let mut ledger = Ledger::start(&db, port);
    early.enroll(&ledger, "dock-0");
    device.enroll(&ledger, "dock-1");
    assert!(early.sync_once().status.success());
    // The backup: a copy of the database file taken while the ledger is stopped.
    ledger.kill();
    let backup = dir.path().join("backup.db");
    std::fs::copy(&db, &backup).unwrap();
    for suffix in ["-wal", "-shm"] {
        let side = dir.path().join(format!("ledger.db{suffix}"));
        if side.exists() {
            std::fs::copy(&side, dir.path().join(format!("backup.db{suffix}"))).unwrap();
        }
    }
    let mut ledger = Ledger::start(&db, port);
    let out = device.sync_once();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let held = device.status()["checkpoint_size"].as_u64().unwrap();
    let pushed = device.status()["pushed_seq"].as_u64().unwrap();
    // A ledger the device trusts is never re-anchored.
    let out = reanchor_cli(&device, "B2001", "4444");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to re-anchor"));
    // The ledger is restored from the backup, which lacks the device's events.
    ledger.kill();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("ledger.db{suffix}")));
        let from = dir.path().join(format!("backup.db{suffix}"));
        if from.exists() {
            std::fs::copy(&from, dir.path().join(format!("ledger.db{suffix}"))).unwrap();
        }
    }
    let ledger = Ledger::start(&db, port);
    let out = device.sync_once();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("went backwards"), "{stderr}");
    let status = device.status();
    assert!(status["last_error"]
        .as_str()
        .unwrap()
        .contains("went backwards"));
    // Nothing moved back, nothing was lost: the checkpoint held and the mark stand.
    assert_eq!(status["checkpoint_size"].as_u64().unwrap(), held);
    assert_eq!(status["pushed_seq"].as_u64().unwrap(), pushed);
    assert_eq!(device.records().len() as u64, pushed);
    // Retrying changes nothing: still refused.
    assert_eq!(device.sync_once().status.code(), Some(2));

    // A re-anchoring that names another held checkpoint is not honoured.
    let served = served_checkpoint(&ledger);
    let held_root = held_root(&device);
    record_reanchor(&device, held + 1, held_root, &served);
    assert_eq!(device.sync_once().status.code(), Some(2));
    // `tally sync reanchor`: refused for a person who is not a supervisor (nothing of the
    // kind recorded); the supervisor's re-anchoring names what the device held and the
    // restored checkpoint: the device pushes again what the ledger lost, and the log verifies.
    let out = reanchor_cli(&device, "B1001", "1111");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a supervisor"), "{stderr}");
    assert!(stderr.contains("no es supervisor"), "{stderr}");
    let latest = |device: &Device| {
        let conn = tally_replica::db::open_read_only(&device.db).unwrap();
        tally_replica::outbox::latest_reanchor(&conn)
            .unwrap()
            .unwrap()
            .1
    };
    assert_eq!(
        latest(&device).held_size,
        held + 1,
        "the refusal recorded a re-anchoring"
    );
    let out = reanchor_cli(&device, "B2001", "4444");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("Held:     size {held} ")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("Restored: size {} ", served.size)),
        "{stdout}"
    );
    assert!(stdout.contains("went backwards"), "{stdout}");
    let event = latest(&device);
    assert_eq!((event.held_size, event.held_root), (held, held_root));
    assert_eq!((event.new_size, event.new_root), (served.size, served.root));
    let out = device.sync_once();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ledger.records(&device.id), device.records());
    assert_eq!(device.status()["events_waiting"], 0);
    ledger.verify();
}

/// `tally sync reanchor` as `badge` with `pin` on standard input, confirmed with --yes.
fn reanchor_cli(device: &Device, badge: &str, pin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(common::bin("tally"))
        .args(device.args(&["sync", "reanchor"]))
        .args([
            "--badge",
            badge,
            "--reason",
            "ledger restored from last night's backup",
            "--yes",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn served_checkpoint(ledger: &Ledger) -> tally_events::note::Checkpoint {
    let client =
        tally_ledger_client::LedgerClient::new(&ledger.url(), &Default::default()).unwrap();
    let note = tally_events::note::SignedNote::parse(&client.checkpoint().unwrap()).unwrap();
    tally_events::note::Checkpoint::parse(&note.text).unwrap()
}

fn held_root(device: &Device) -> tally_events::Sha256Hash {
    let conn = tally_replica::db::open_read_only(&device.db).unwrap();
    tally_replica::outbox::latest_checkpoint(&conn)
        .unwrap()
        .unwrap()
        .root
}

/// A supervisor's re-anchoring, recorded in the device's log through the replica.
fn record_reanchor(
    device: &Device,
    held_size: u64,
    held_root: tally_events::Sha256Hash,
    served: &tally_events::note::Checkpoint,
) {
    let mut app = tally_replica::Replica::open_in_key_dir(
        &device.db,
        &device.keys,
        Box::new(tally_replica::clock::SystemClock::new()),
        &Default::default(),
    )
    .unwrap();
    app.record(
        "B-SUP-1",
        vec![tally_events::Payload::LedgerReanchored(
            tally_events::payload::LedgerReanchored {
                origin: served.origin.clone(),
                held_size,
                held_root,
                new_size: served.size,
                new_root: served.root,
                reason: "ledger restored from the backup".into(),
            },
        )],
    )
    .unwrap();
}

/// The ledger is killed with SIGKILL while the daemon pushes a backlog in small batches; it
/// restarts on the same files; the daemon carries on by itself; in the end the ledger holds
/// every event once, in order, and verifies.
#[test]
fn a_ledger_killed_mid_push_loses_nothing_and_the_daemon_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let db = dir.path().join("ledger.db");
    let device = Device::seed(dir.path(), "hh", 400, 3);
    let mut ledger = Ledger::start(&db, port);
    device.enroll(&ledger, "dock");
    let total = device.records().len() as u64;
    let _daemon = device.spawn_daemon(&["--batch", "5", "--max-backoff", "1"]);
    // Kill the ledger once some, not all, of the backlog is in.
    let start = Instant::now();
    loop {
        let held = ledger.device_events(&device.id);
        if held > 20 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "nothing pushed");
        std::thread::sleep(Duration::from_millis(20));
    }
    ledger.kill();
    let acknowledged = device.status()["pushed_seq"].as_u64().unwrap();
    assert!(acknowledged < total, "the backlog was gone before the kill");
    let ledger = Ledger::start(&db, port);
    // Everything the device saw acknowledged survived the kill.
    assert!(ledger.device_events(&device.id) >= acknowledged);
    device.wait_synced(Duration::from_secs(90));
    assert_eq!(ledger.records(&device.id), device.records());
    ledger.verify();
    let _ = ok;
}

/// The app keeps recording (holding the event signer's lock, in its own transactions) while
/// the daemon syncs from its own connection, reading the key without that lock: neither
/// blocks the other, and in the end every event is in the ledger once, in order.
#[test]
fn the_app_keeps_recording_while_the_daemon_syncs() {
    use tally_events::payload::UserSignedOut;
    use tally_events::Payload;
    use tally_replica::keys::KeyOptions;
    use tally_replica::Replica;

    let dir = tempfile::tempdir().unwrap();
    let device = Device::seed(dir.path(), "hh", 20, 4);
    let ledger = Ledger::start(&dir.path().join("ledger.db"), common::free_port());
    device.enroll(&ledger, "dock");
    // The app: the signing lock is held for the whole test.
    let mut app = Replica::open_in_key_dir(
        &device.db,
        &device.keys,
        Box::new(tally_replica::clock::SystemClock::new()),
        &KeyOptions::default(),
    )
    .unwrap();
    let _daemon = device.spawn_daemon(&["--batch", "3"]);
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 0..150 {
        let t = Instant::now();
        app.record(
            "B-1042",
            vec![Payload::UserSignedOut(UserSignedOut {
                badge: format!("B-{i}"),
            })],
        )
        .expect("the app records while tallyd syncs");
        slowest = slowest.max(t.elapsed());
        if i % 10 == 0 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // The daemon moved the mark while the app still held the signing lock.
    assert!(device.status()["pushed_seq"].as_u64().unwrap() > 0);
    // No recording waited anywhere near the busy timeout.
    assert!(
        slowest < Duration::from_secs(2),
        "a recording took {slowest:?}"
    );
    device.wait_synced(Duration::from_secs(60));
    drop(app);
    assert_eq!(ledger.records(&device.id), device.records());
    assert!(start.elapsed() < Duration::from_secs(90));
}

/// "Sync now" (the app's 0 Sync key: one more count in the replica's `ledger_sync_requests`)
/// wakes a daemon sitting out a long backoff, so the backlog goes at once once the ledger is
/// back; and a daemon run on a thread (as `tally demo` runs it) ends when asked to stop.
#[test]
fn sync_now_wakes_a_daemon_in_backoff_and_a_stop_ends_it() {
    use std::sync::Arc;
    use tally_sync::daemon::{self, DaemonOptions, Stop};

    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let device = Device::seed(dir.path(), "hh", 5, 5);
    let mut ledger = Ledger::start(&dir.path().join("ledger.db"), port);
    device.enroll(&ledger, "dock");
    ledger.kill();
    let files = tally_sync::DeviceFiles {
        db: device.db.clone(),
        key_dir: device.keys.clone(),
        key_options: Default::default(),
    };
    // The first failure waits at least 15 s (the upper half of a 30 s step).
    let options = DaemonOptions {
        backoff_base: Duration::from_secs(30),
        backoff_cap: Duration::from_secs(60),
        netlink: false,
        ..DaemonOptions::default()
    };
    let stop = Arc::new(Stop::new());
    let daemon = {
        let stop = stop.clone();
        std::thread::spawn(move || daemon::run_until(&files, &Default::default(), &options, &stop))
    };
    // The daemon tried, failed (offline) and is waiting out its backoff.
    let start = Instant::now();
    while device.status()["last_error"].is_null() {
        assert!(start.elapsed() < Duration::from_secs(30), "no attempt");
        std::thread::sleep(Duration::from_millis(50));
    }
    let conn = tally_replica::db::open_read_only(&device.db).unwrap();
    let summary = tally_replica::outbox::summary(&conn).unwrap();
    assert_eq!(summary.online(), Some(false));
    assert_eq!(
        summary.last_error_kind,
        Some(tally_replica::outbox::SyncErrorKind::Unreachable)
    );
    let ledger = Ledger::start(&ledger.db.clone(), port);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        device.status()["events_waiting"].as_u64().unwrap() > 0,
        "the daemon should still be waiting out its backoff"
    );
    // Sync now: the backlog is in the ledger long before the backoff would have ended.
    let asked = Instant::now();
    let app = tally_replica::db::open(&device.db).unwrap();
    tally_replica::outbox::request_sync(&app, 1).unwrap();
    device.wait_synced(Duration::from_secs(10));
    assert!(asked.elapsed() < Duration::from_secs(10));
    assert_eq!(ledger.records(&device.id), device.records());
    let summary = tally_replica::outbox::summary(&conn).unwrap();
    assert_eq!(
        (summary.online(), summary.last_error_kind),
        (Some(true), None)
    );
    // Stopped, the loop ends within a poll.
    let stopping = Instant::now();
    stop.stop();
    daemon.join().unwrap().unwrap();
    assert!(stopping.elapsed() < Duration::from_secs(3));
}

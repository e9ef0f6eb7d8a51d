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
    // A stream that still matches is never re-bootstrapped.
    let out = sync_cli(&device, "rebootstrap", "B2001", "4444");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nothing to re-bootstrap"), "{stderr}");
    assert_eq!(rebootstraps(&device), 0);
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
    // Then another device's event lands in the restored log where the device's own events
    // were: the facility stream the device followed is renumbered. The device pushes again
    // what the ledger lost, and the log verifies; pulling stops: the ledger no longer serves,
    // at the device's cursor, the record the device folded there.
    let mut early_app = early.app();
    early_app
        .record(
            "B-1",
            vec![tally_events::Payload::UserSignedOut(
                tally_events::payload::UserSignedOut {
                    badge: "B-1".into(),
                },
            )],
        )
        .unwrap();
    drop(early_app);
    assert!(early.sync_once().status.success());
    let out = device.sync_once();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no longer matches"), "{stderr}");
    assert_eq!(ledger.records(&device.id), device.records());
    assert_eq!(device.status()["events_waiting"], 0);
    ledger.verify();

    // `tally sync rebootstrap`: refused for a person who is not a supervisor and for a wrong
    // PIN (no re-bootstrap recorded, the stream still refused); the supervisor's re-bootstrap
    // empties the view, the next pass pulls the whole renumbered stream (every page proved in
    // the log) and the device's view of the other device's events is the ledger's.
    let out = sync_cli(&device, "rebootstrap", "B1001", "1111");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a supervisor"), "{stderr}");
    assert!(stderr.contains("no es supervisor"), "{stderr}");
    let out = sync_cli(&device, "rebootstrap", "B2001", "0000");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rebootstraps(&device), 0);
    assert_eq!(device.sync_once().status.code(), Some(2));
    let out = sync_cli(&device, "rebootstrap", "B2001", "4444");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("no longer matches"), "{stdout}");
    assert_eq!(rebootstraps(&device), 1);
    let out = device.sync_once();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = tally_replica::db::open_read_only(&device.db).unwrap();
    let folded_of = |id: &str| -> Vec<Vec<u8>> {
        let id = tally_events::DeviceId::from_hex(id).unwrap().0.to_vec();
        let mut stmt = conn
            .prepare("SELECT bytes FROM remote_events WHERE device = ?1 ORDER BY seq")
            .unwrap();
        stmt.query_map([id], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(folded_of(&early.id), ledger.records(&early.id));
    assert_eq!(folded_of(&device.id), ledger.records(&device.id));
    assert_eq!(tally_replica::sync::refold_through(&conn).unwrap(), 0);
    let packages: i64 = conn
        .query_row("SELECT count(*) FROM packages", [], |r| r.get(0))
        .unwrap();
    assert!(packages > 0, "the device's own packages are folded again");
    assert_eq!(
        tally_replica::sync::replay_view_digest(&conn, None).unwrap(),
        tally_replica::stats::view_digest(&conn).unwrap(),
        "the replay of the device's logged inputs builds its view"
    );
    drop(conn);
    assert_eq!(ledger.records(&device.id), device.records());
    assert_eq!(device.status()["events_waiting"], 0);
    ledger.verify();
    // The stream matches again: a second re-bootstrap is refused.
    let out = sync_cli(&device, "rebootstrap", "B2001", "4444");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(rebootstraps(&device), 1);
}

/// How many re-bootstraps (kind 280) the device's log holds.
fn rebootstraps(device: &Device) -> i64 {
    let conn = tally_replica::db::open_read_only(&device.db).unwrap();
    conn.query_row("SELECT count(*) FROM event_log WHERE kind = 280", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// `tally sync <command>` as `badge` with `pin` on standard input, confirmed with --yes.
fn sync_cli(device: &Device, command: &str, badge: &str, pin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(common::bin("tally"))
        .args(device.args(&["sync", command]))
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

/// `tally sync reanchor` as `badge` with `pin` on standard input, confirmed with --yes.
fn reanchor_cli(device: &Device, badge: &str, pin: &str) -> std::process::Output {
    sync_cli(device, "reanchor", badge, pin)
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
    // Another device's events in the facility stream: the daemon folds them while the app
    // records.
    let other = Device::seed(dir.path(), "other", 6, 5);
    other.enroll(&ledger, "dock-other");
    assert!(other.sync_once().status.success());
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
    // Every delta folded once, and the view is what a replay of the device's logged inputs
    // builds: the daemon's folds sit where they happened among the app's events.
    drop(_daemon);
    assert!(device.sync_once().status.success());
    let total = (device.records().len() + other.records().len()) as u64;
    assert_eq!(device.status()["ledger_cursor"], total);
    let conn = tally_replica::db::open_read_only(&device.db).unwrap();
    assert_eq!(
        tally_replica::stats::view_digest(&conn).unwrap(),
        tally_replica::sync::replay_view_digest(&conn, None).unwrap()
    );
}

/// A device starts with nothing but its genesis: a pass brings the facility's master data
/// (the ledger's demo, signed admin events) into its replica and the facility's PIN
/// verifiers onto it. An admin event recorded on another device reaches it at its next pass;
/// its own events come back as receipts, never folded twice. A badge deactivated at the
/// ledger can still sign in on the device until the next sync (offline, the device cannot
/// know), and no longer after it.
#[test]
fn a_device_pulls_master_data_and_pins_and_a_deactivated_badge_loses_its_verifier() {
    use tally_events::payload::{Role, UserDefinedV2};
    use tally_events::Payload;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    common::seed_ledger_demo(&db, 6);
    let ledger = Ledger::start(&db, common::free_port());
    let office = Device::init(dir.path(), "office");
    let floor = Device::init(dir.path(), "floor");
    office.enroll(&ledger, "office");
    floor.enroll(&ledger, "floor");
    assert_eq!(floor.query_i64("SELECT count(*) FROM packages"), 0);
    assert!(
        floor.app().sign_in("B1001", "1111").is_err(),
        "no verifier yet"
    );

    for device in [&office, &floor] {
        let out = device.sync_once();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let status = floor.status();
    let stream = status["ledger_cursor"].as_u64().unwrap();
    assert!(stream > 6, "{status}");
    assert_eq!(status["deltas_held"], 0, "{status}");
    assert!(floor.query_i64("SELECT count(*) FROM packages") >= 6);
    assert_eq!(
        floor.query_i64("SELECT count(*) FROM packages"),
        office.query_i64("SELECT count(*) FROM packages")
    );
    // Its own genesis came back as a receipt: acknowledged, not folded as another device's.
    assert_eq!(
        floor.query_i64("SELECT count(*) FROM event_log WHERE acknowledged = 0"),
        0
    );
    // The ledger's users sign in on the device with the PINs set at the ledger.
    let mut app = floor.app();
    app.sign_in("B1001", "1111")
        .expect("a PIN set at the ledger");
    drop(app);

    // The office's admin defines a user (a signed admin event); the ledger gives it a PIN.
    let mut office_app = office.app();
    office_app
        .record(
            tally_replica::seed::ADMIN_BADGE,
            vec![Payload::UserDefinedV2(UserDefinedV2 {
                badge: "B3001".into(),
                name: "Robin Park".into(),
                role: Role::Operator,
                active: true,
            })],
        )
        .unwrap();
    drop(office_app);
    assert!(office.sync_once().status.success());
    common::ledger_admin(
        &db,
        &[
            "user",
            "add",
            "--db",
            db.to_str().unwrap(),
            "--facility",
            tally_replica::seed::FACILITY,
            "--badge",
            "B3001",
            "--name",
            "Robin Park",
            "--role",
            "operator",
            "--insecure-test-pin-params",
        ],
        Some("3131\n"),
    );
    assert!(floor.app().sign_in("B3001", "3131").is_err());
    assert!(floor.sync_once().status.success());
    assert_eq!(
        floor.query_i64("SELECT count(*) FROM users WHERE badge = 'B3001'"),
        1,
        "the admin event reached the floor device"
    );
    floor
        .app()
        .sign_in("B3001", "3131")
        .expect("the new user signs in after the sync");

    // Deactivated at the ledger: offline, the device still lets the badge in ...
    common::ledger_admin(
        &db,
        &[
            "user",
            "deactivate",
            "--db",
            db.to_str().unwrap(),
            "--facility",
            tally_replica::seed::FACILITY,
            "--badge",
            "B1001",
        ],
        None,
    );
    floor
        .app()
        .sign_in("B1001", "1111")
        .expect("before the next sync the device cannot know");
    // ... and not after the next sync; the other badges are untouched.
    assert!(floor.sync_once().status.success());
    assert!(floor.app().sign_in("B1001", "1111").is_err());
    floor.app().sign_in("B1002", "2222").expect("still active");
    assert_eq!(
        floor.query_i64("SELECT count(*) FROM pin_verifiers WHERE badge = 'B1001'"),
        0
    );

    // Every event of both devices is in the ledger once; nothing was folded twice on either.
    for device in [&office, &floor] {
        assert!(device.sync_once().status.success());
        assert_eq!(ledger.records(&device.id), device.records());
        assert_eq!(device.status()["deltas_held"], 0);
        assert_eq!(device.status()["events_waiting"], 0);
    }
    ledger.verify();
}

/// Three devices sync through a fault-injecting proxy each (refused and dropped connections,
/// resets mid-request and mid-response, delays, duplicated requests, 500s from the proxy and
/// instead of the ledger's answer), enrolling through it too: two with `tallyd sync --once`
/// again and again, one with `tallyd run`. No attempt may end in anything but success or
/// "cannot be reached / try again" (exit 0 or 1). After the run the ledger holds exactly each
/// device's events, once, in order, `tally-ledger verify` passes, every device reports 0
/// waiting and has folded the facility's whole stream. The faults are seeded: a failure
/// prints the seed, and `TALLY_FAULT_SEED=<seed>` replays it.
#[test]
fn devices_sync_exactly_once_through_a_fault_injecting_proxy() {
    use common::proxy::{FaultProxy, FAULTS};

    let seed: u64 = std::env::var("TALLY_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(14);
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::start(&dir.path().join("ledger.db"), common::free_port());
    let devices: Vec<Device> = (0..3)
        .map(|i| Device::seed(dir.path(), &format!("hh{i}"), 12 + 3 * i, 20 + i))
        .collect();
    let proxies: Vec<FaultProxy> = (0..3)
        .map(|i| FaultProxy::start(ledger.port, seed + i, 35))
        .collect();
    let context = |i: usize| format!("device {i}, TALLY_FAULT_SEED={seed}");
    // Enrollment through the faults: presenting the same token again with the same key is
    // allowed, so a lost answer is simply retried.
    let tokens: Vec<String> = (0..3).map(|i| ledger.token(&format!("dock-{i}"))).collect();
    for (i, (device, proxy)) in devices.iter().zip(&proxies).enumerate() {
        let token = &tokens[i];
        let url = proxy.url();
        let mut tries = 0;
        loop {
            let out = common::run(
                "tallyd",
                &device.args(&["enroll", "--ledger", &url, "--token", token]),
            );
            if out.status.success() {
                break;
            }
            tries += 1;
            assert!(
                tries < 40,
                "enroll never got through ({}): {}",
                context(i),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // The third device runs the daemon, the others one pass after another, all at once.
    let daemon = devices[2].spawn_daemon(&["--batch", "4", "--max-backoff", "1", "--no-netlink"]);
    std::thread::scope(|scope| {
        for (i, device) in devices[..2].iter().enumerate() {
            let context = context(i);
            scope.spawn(move || {
                let mut attempts = 0;
                loop {
                    let out =
                        common::run("tallyd", &device.args(&["sync", "--once", "--batch", "3"]));
                    let code = out.status.code();
                    assert!(
                        matches!(code, Some(0) | Some(1)),
                        "exit {code:?} ({context}): {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    if code == Some(0) {
                        break;
                    }
                    attempts += 1;
                    assert!(attempts < 150, "never in sync ({context})");
                }
            });
        }
    });
    devices[2].wait_synced(Duration::from_secs(90));
    drop(daemon);
    // Every kind of fault happened in the run.
    let mut seen = std::collections::BTreeMap::new();
    for proxy in &proxies {
        for (fault, n) in proxy.counts() {
            *seen.entry(fault).or_insert(0u64) += n;
        }
    }
    for fault in FAULTS {
        assert!(
            seen.get(fault).copied().unwrap_or(0) > 0,
            "{fault:?} never happened (TALLY_FAULT_SEED={seed}): {seen:?}"
        );
    }
    // One more pass each, straight to the ledger (enrolling again at its own URL with the
    // same token and key is allowed), for the other devices' last events.
    drop(proxies);
    let total: u64 = devices.iter().map(|d| d.records().len() as u64).sum();
    for (i, device) in devices.iter().enumerate() {
        ok(
            "tallyd",
            &device.args(&["enroll", "--ledger", &ledger.url(), "--token", &tokens[i]]),
        );
        let out = device.sync_once();
        assert!(
            out.status.success(),
            "{}: {}",
            context(i),
            String::from_utf8_lossy(&out.stderr)
        );
        let replica = device.records();
        assert_eq!(ledger.records(&device.id), replica, "{}", context(i));
        let status = device.status();
        assert_eq!(status["events_waiting"], 0, "{}", context(i));
        assert_eq!(status["pushed_seq"], replica.len() as u64);
        // The whole facility stream folded once: every device's events, its own as receipts.
        assert_eq!(status["ledger_cursor"], total, "{}: {status}", context(i));
        assert_eq!(
            device.query_i64("SELECT count(*) FROM event_log WHERE acknowledged = 0"),
            0
        );
    }
    ledger.verify();
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

/// Deltas are folded only when each record is the log's entry at the index the ledger names,
/// proved against a checkpoint the device accepted. A ledger whose database was edited by hand
/// (its append-only trigger dropped) to serve, in place of another device's logged record, a
/// validly signed record of that device that was never logged, or the logged record with one
/// byte changed, is refused: exit 2, "not in its log", nothing of the page folded, the cursor
/// where it was, pushing unaffected. With the log's own bytes back, the page is folded.
#[test]
fn a_delta_that_is_not_in_the_log_is_refused_and_nothing_of_its_page_folded() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let db = dir.path().join("ledger.db");
    let device = Device::seed(dir.path(), "hh", 2, 1);
    let other = Device::seed(dir.path(), "other", 2, 2);
    let ledger = Ledger::start(&db, port);
    device.enroll(&ledger, "dock-1");
    other.enroll(&ledger, "dock-2");
    assert!(device.sync_once().status.success());
    assert!(other.sync_once().status.success());
    // The other device signs one more event and keeps it: validly signed, never logged.
    let mut app = other.app();
    app.record(
        "B-1",
        vec![tally_events::Payload::UserSignedOut(
            tally_events::payload::UserSignedOut {
                badge: "B-1".into(),
            },
        )],
    )
    .unwrap();
    drop(app);
    let unlogged = other.records().pop().unwrap();
    let editor = rusqlite::Connection::open(&db).unwrap();
    editor.busy_timeout(Duration::from_secs(5)).unwrap();
    let trigger: String = editor
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'entries_append_only_u'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    editor
        .execute_batch("DROP TRIGGER entries_append_only_u")
        .unwrap();
    let (idx, logged): (i64, Vec<u8>) = editor
        .query_row(
            "SELECT idx, record FROM entries WHERE lower(hex(device_id)) = lower(?1)
             ORDER BY seq DESC LIMIT 1",
            [&other.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let serve = |record: &[u8]| {
        editor
            .execute(
                "UPDATE entries SET record = ?1 WHERE idx = ?2",
                rusqlite::params![record, idx],
            )
            .unwrap();
    };
    let cursor = device.status()["ledger_cursor"].as_u64().unwrap();
    let folded = device.query_i64("SELECT count(*) FROM remote_events");
    let mut altered = logged.clone();
    let middle = altered.len() / 2;
    altered[middle] ^= 0x01;
    for (what, record) in [("never logged", &unlogged), ("one byte changed", &altered)] {
        serve(record);
        let out = device.sync_once();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains("is not in its log"), "{what}: {stderr}");
        assert!(
            stderr.contains("nothing of that page was folded"),
            "{what}: {stderr}"
        );
        let status = device.status();
        assert_eq!(status["ledger_cursor"].as_u64().unwrap(), cursor, "{what}");
        assert!(status["last_error"]
            .as_str()
            .unwrap()
            .contains("is not in its log"));
        assert_eq!(
            device.query_i64("SELECT count(*) FROM remote_events"),
            folded,
            "{what}: part of the page was folded"
        );
        assert_eq!(device.status()["events_waiting"], 0, "{what}");
    }
    // The log's own bytes back: the whole page is folded, the other device's events included.
    serve(&logged);
    editor.execute_batch(&trigger).unwrap();
    let out = device.sync_once();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: u64 = editor
        .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    let status = device.status();
    assert!(cursor < entries, "{status}");
    assert_eq!(
        status["ledger_cursor"].as_u64().unwrap(),
        entries,
        "{status}"
    );
    assert!(device.query_i64("SELECT count(*) FROM remote_events") > folded);
    ledger.verify();
}

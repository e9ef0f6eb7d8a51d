//! Crash test: a child process records actions in a loop and prints each event it was told is
//! durable ("ACK seq hash"); the parent kills it with SIGKILL at random moments, then checks
//! that every acknowledged event is in the log with the same hash, the chain is intact and
//! signed, and the replica's view equals a replay of the log.
//!
//! The child is this same test binary, started again with `TALLY_CRASH_CHILD` set. Iterations:
//! `TALLY_CRASH_ITERATIONS` (default 200).
//!
//! A second test kills a child that loads two snapshots in turn (in place, one transaction
//! each): after every kill the view is the old one or a whole new one, never a mix: it equals
//! the replay from the snapshot its cursor names (`TALLY_CRASH_LOAD_ITERATIONS`, default 40).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tally_events::{Quantity, SignedEvent};
use tally_replica::apply::{apply, EventMeta, Origin};
use tally_replica::clock::SystemClock;
use tally_replica::stats::{replay_digest, view_digest};
use tally_replica::workflow::{moves, session::Session};
use tally_replica::Replica;
use tally_testkit::*;

const CHILD_ENV: &str = "TALLY_CRASH_CHILD";
const CHILD_KEY_ENV: &str = "TALLY_CRASH_CHILD_KEY";
const TEST_NAME: &str = "crash::sigkill_at_random_moments_loses_no_acknowledged_event";

fn child(dir: &str, key: &str) -> ! {
    let dir = std::path::Path::new(dir);
    let mut replica = match Replica::open(
        &dir.join("replica.db"),
        std::path::Path::new(key),
        Box::new(SystemClock::new()),
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("child cannot open: {e}");
            std::process::exit(3)
        }
    };
    let who = Session {
        badge: "B1".into(),
        role: tally_events::payload::Role::Operator,
    };
    let stdout = std::io::stdout();
    let mut i: u64 = 0;
    loop {
        i += 1;
        let recorded = if i % 2 == 0 {
            let to = if i % 4 == 0 { "SHELF-1" } else { "SHELF-2" };
            match replica.act("B1", |v| moves::move_package(v, &who, &id_of(&t(1)), to)) {
                Ok((_, r)) => r,
                Err(_) => Vec::new(), // already there: nothing recorded
            }
        } else {
            // A multi-event action (like a sweep): all or nothing.
            let base = replica.head().map(|h| h.seq).unwrap_or(0) * 10;
            let payloads = (0..3)
                .map(|n| {
                    active(
                        &t(1_000_000 + base + n),
                        "CART",
                        "CA-L1",
                        Quantity::Units(1),
                        "SHELF-2",
                    )
                })
                .collect();
            match replica.record("ADMIN", payloads) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("child cannot record: {e}");
                    std::process::exit(4)
                }
            }
        };
        let mut out = stdout.lock();
        for r in recorded {
            // Printed only after the commit returned: these are acknowledged.
            let _ = writeln!(out, "ACK {} {}", r.seq, r.hash);
        }
        let _ = out.flush();
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_event() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(&dir, &std::env::var(CHILD_KEY_ENV).unwrap());
    }
    let iterations: usize = std::env::var("TALLY_CRASH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut f = fixture();
    f.stock(vec![active(
        &t(1),
        "CART",
        "CA-L1",
        Quantity::Units(5),
        "SHELF-1",
    )]);
    let dir = f.dir.path().to_owned();
    let key = f.key();
    drop(f.replica);
    let exe = std::env::current_exe().unwrap();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    // (seq, hash) of every event verified so far; the log may only grow past them.
    let mut verified: Vec<(u64, [u8; 32])> = Vec::new();
    let mut verifier: Option<tally_events::VerifierKey> = None;
    // The replay, kept across iterations: each new event is folded once into a fresh view.
    let replay = rusqlite::Connection::open_in_memory().unwrap();
    tally_replica::db::migrate(&replay).unwrap();
    let mut acknowledged_total = 0usize;
    for iteration in 0..iterations {
        let mut child = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &dir)
            .env(CHILD_KEY_ENV, &key)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("ACK ") {
                    let mut parts = rest.split(' ');
                    let seq: u64 = parts.next().unwrap().parse().unwrap();
                    let hash = tally_events::Sha256Hash::from_hex(parts.next().unwrap()).unwrap();
                    acks.push((seq, hash.0));
                }
            }
            acks
        });
        // Give the child time to start (it opens the database and renews its key reservation),
        // then kill it anywhere in its recording loop.
        std::thread::sleep(Duration::from_micros(5_000 + rng.next() % 50_000));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none_or(|c| c != 3 && c != 4),
            "iteration {iteration}: the child failed ({status})"
        );
        let acks = reader.join().unwrap();
        acknowledged_total += acks.len();

        // Check with a fresh connection, as a restarted device would.
        let conn = tally_replica::db::open(&dir.join("replica.db")).unwrap();
        let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = {
            let mut stmt = conn
                .prepare("SELECT seq, hash, bytes FROM event_log ORDER BY seq")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        for (seq, hash) in &acks {
            let row = rows.iter().find(|r| r.0 as u64 == *seq);
            assert!(
                row.is_some(),
                "iteration {iteration}: acknowledged event {seq} is missing"
            );
            assert_eq!(
                &row.unwrap().1[..],
                &hash[..],
                "iteration {iteration}: event {seq} changed"
            );
        }
        // The chain: what was verified before is unchanged; new records are signed, numbered
        // and linked.
        assert!(
            rows.len() >= verified.len(),
            "iteration {iteration}: the log shrank"
        );
        for (i, (seq, hash)) in verified.iter().enumerate() {
            assert_eq!(
                (rows[i].0 as u64, &rows[i].1[..]),
                (*seq, &hash[..]),
                "iteration {iteration}"
            );
        }
        for row in rows.iter().skip(verified.len()) {
            let event = SignedEvent::from_bytes(row.2.clone()).unwrap();
            // Each record is checked once, when it first appears.
            let key = verifier
                .get_or_insert_with(|| tally_events::VerifierKey::new(&event.device()).unwrap());
            event.verify_with(key).unwrap();
            assert_eq!(event.seq(), row.0 as u64);
            assert_eq!(event.record_hash().0[..], row.1[..]);
            assert_eq!(
                event.seq(),
                verified.len() as u64 + 1,
                "iteration {iteration}: gap in seq"
            );
            match verified.last() {
                Some((_, prev)) => assert_eq!(
                    event.prev().map(|h| h.0),
                    Some(*prev),
                    "iteration {iteration}: broken link"
                ),
                None => assert_eq!(event.prev(), None),
            }
            verified.push((event.seq(), event.record_hash().0));
            let device = event.device();
            let meta = EventMeta {
                origin: Origin::Local { seq: row.0 },
                kind: event.payload_kind(),
                actor: event.actor(),
                device: device.as_bytes(),
                facility: event.facility(),
            };
            apply(&replay, &meta, &event.payload().unwrap()).unwrap();
        }
        assert_eq!(
            view_digest(&conn).unwrap(),
            view_digest(&replay).unwrap(),
            "iteration {iteration}: view != replay"
        );
    }
    // Every record was verified once as it appeared (signature with the one device key, seq,
    // link to its predecessor, stored hash): that is the chain verification, done
    // incrementally. Finally a replay from an empty view matches the view.
    let conn = tally_replica::db::open(&dir.join("replica.db")).unwrap();
    let records: i64 = conn
        .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(records as usize, verified.len());
    assert_eq!(replay_digest(&conn).unwrap(), view_digest(&conn).unwrap());
    assert!(
        acknowledged_total > 0,
        "the children never got to record anything"
    );
    eprintln!("{iterations} kills, {acknowledged_total} acknowledged events, {records} in the log");
    // And the device still opens and records after all that.
    let mut replica = Replica::open(&dir.join("replica.db"), &key, clock()).unwrap();
    replica
        .record(
            "ADMIN",
            vec![active(
                &t(2),
                "CART",
                "CA-L1",
                Quantity::Units(1),
                "SHELF-1",
            )],
        )
        .unwrap();
    drop(f.dir);
}

const LOAD_CHILD_ENV: &str = "TALLY_CRASH_LOAD_CHILD";
const LOAD_TEST_NAME: &str = "crash::sigkill_during_snapshot_loads_leaves_the_old_or_the_new_view";

fn load_child(dir: &str, key: &str) -> ! {
    let dir = std::path::Path::new(dir);
    let mut replica = match Replica::open(
        &dir.join("replica.db"),
        std::path::Path::new(key),
        Box::new(SystemClock::new()),
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("child cannot open: {e}");
            std::process::exit(3)
        }
    };
    // Snapshots come in ledger order (a cursor never moves back): load every one after the
    // replica's cursor, then stop.
    let start = tally_replica::sync::ledger_cursor(replica.view()).unwrap_or(0) / SNAPSHOT_STEP;
    for k in start + 1..=SNAPSHOTS {
        if let Err(e) = replica.load_snapshot(&dir.join(snapshot_name(k))) {
            eprintln!("child cannot load: {e}");
            std::process::exit(4)
        }
    }
    std::process::exit(0)
}

/// Snapshots written for the load test: cursors 10, 20, ... (`SNAPSHOT_STEP` apart), their
/// contents alternating between two different stocks.
const SNAPSHOTS: u64 = 400;
const SNAPSHOT_STEP: u64 = 10;

fn snapshot_name(k: u64) -> String {
    format!("snapshot-{k:04}.db")
}

/// Copies snapshot `from` to `to` with its cursor set to `cursor`.
fn snapshot_at(from: &std::path::Path, to: &std::path::Path, cursor: u64) {
    std::fs::copy(from, to).unwrap();
    let conn = rusqlite::Connection::open(to).unwrap();
    let changed = conn
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'snapshot_cursor'",
            [cursor.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

fn stock(replica: &mut Replica, from: u64, count: u64, location: &str) {
    let payloads: Vec<_> = (from..from + count)
        .map(|n| active(&t(n), "CART", "CA-L1", Quantity::Units(n % 7 + 1), location))
        .collect();
    for chunk in payloads.chunks(500) {
        replica.record("ADMIN", chunk.to_vec()).unwrap();
    }
}

#[test]
fn sigkill_during_snapshot_loads_leaves_the_old_or_the_new_view() {
    if let Ok(dir) = std::env::var(LOAD_CHILD_ENV) {
        load_child(&dir, &std::env::var(CHILD_KEY_ENV).unwrap());
    }
    let iterations: usize = std::env::var("TALLY_CRASH_LOAD_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    // Two stocks from another replica; the device is served a series of snapshots (cursors
    // 10, 20, ...) whose contents alternate between them.
    let mut source = fixture();
    stock(&mut source.replica, 10_000, 1_500, "SHELF-1");
    let a = source.dir.path().join("a.snapshot");
    tally_replica::replica::write_snapshot(source.replica.view(), &a, 10).unwrap();
    stock(&mut source.replica, 20_000, 1_500, "SHELF-2");
    let b = source.dir.path().join("b.snapshot");
    tally_replica::replica::write_snapshot(source.replica.view(), &b, 20).unwrap();
    // The device has events of its own, folded again on top of each snapshot.
    let mut f = fixture();
    stock(&mut f.replica, 1, 3, "VAULT-A");
    let dir = f.dir.path().to_owned();
    let key = f.key();
    for k in 1..=SNAPSHOTS {
        let from = if k % 2 == 1 { &a } else { &b };
        snapshot_at(from, &dir.join(snapshot_name(k)), k * SNAPSHOT_STEP);
    }
    drop(f.replica);
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1);
    let mut seen = std::collections::BTreeSet::new();
    for iteration in 0..iterations {
        let mut child = Command::new(&exe)
            .args(["--exact", LOAD_TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(LOAD_CHILD_ENV, &dir)
            .env(CHILD_KEY_ENV, &key)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(5_000 + rng.next() % 80_000));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none_or(|c| c != 3 && c != 4),
            "iteration {iteration}: the child failed ({status})"
        );
        let conn = tally_replica::db::open(&dir.join("replica.db")).unwrap();
        let cursor = tally_replica::sync::ledger_cursor(&conn).unwrap();
        let snapshot = match cursor {
            0 => None,
            c if c % SNAPSHOT_STEP == 0 && c / SNAPSHOT_STEP <= SNAPSHOTS => {
                Some(dir.join(snapshot_name(c / SNAPSHOT_STEP)))
            }
            other => panic!("iteration {iteration}: cursor {other} names no snapshot"),
        };
        seen.insert(cursor);
        assert_eq!(
            view_digest(&conn).unwrap(),
            tally_replica::sync::replay_view_digest(&conn, snapshot.as_deref()).unwrap(),
            "iteration {iteration}: the view is not the whole snapshot {cursor} plus the device's events"
        );
    }
    eprintln!("{iterations} kills during snapshot loads, cursors seen: {seen:?}");
    assert!(
        seen.iter().any(|&c| c > 0),
        "no load ever committed before a kill"
    );
    // The device still opens and records.
    let mut replica = Replica::open(&dir.join("replica.db"), &key, clock()).unwrap();
    stock(&mut replica, 90_000, 1, "SHELF-1");
    drop(f.dir);
}

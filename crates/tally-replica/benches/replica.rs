//! Replica benchmarks, each next to raw SQLite measured in the same run.
//!
//! - `uid_lookup`: a package by tag with its item and batch (what lookup and every workflow
//!   read) vs a bare primary-key read of the same table; also prints p50/p99 of single
//!   lookups (goal: p99 under 50 µs).
//! - `record_scan`: one move recorded end to end (decide, sign, append, fold, commit with
//!   `synchronous=FULL`) vs a bare single-row insert committed with the same durability
//!   (goal: within 1.5x).
//! - `rfid_burst`: a count sweep of 10,000 unique tags group-committed vs 10,000 bare rows in
//!   one transaction (goal: at least 50,000 tags/s).
//! - `bootstrap`: loading a snapshot of the seeded replica into a device vs copying the file
//!   (goal: under 10 s for 1,000,000 packages).
//!
//! Size: `TALLY_BENCH_PACKAGES` (default 1,000,000). The seeded replica and its snapshot are
//! cached under `$CARGO_TARGET_DIR/tally-bench/` (seeding a million signed events takes a
//! while); delete that directory to rebuild them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rusqlite::{params, Connection};
use tally_events::payload::{CountTaskIssued, DeviceEnrolled, Role};
use tally_events::{Payload, Sha256Hash};
use tally_ids::{Date, ScanInput, StateSystems};
use tally_replica::clock::SystemClock;
use tally_replica::workflow::count::{self, TagRead};
use tally_replica::workflow::{moves, package, Identifier, Session};
use tally_replica::Replica;

fn packages() -> usize {
    std::env::var("TALLY_BENCH_PACKAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn cache_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target"));
    let dir = target.join("tally-bench");
    std::fs::create_dir_all(&dir).expect("bench cache dir");
    dir
}

fn enrolled(serial: &str) -> DeviceEnrolled {
    DeviceEnrolled {
        facility: tally_replica::seed::FACILITY.into(),
        hardware_serial: serial.into(),
        enrollment_token_sha256: Sha256Hash::of(serial.as_bytes()),
        previous_device: None,
    }
}

/// The seeded replica (db, key), built once per size.
fn seeded() -> (PathBuf, PathBuf) {
    let n = packages();
    let dir = cache_dir();
    let db = dir.join(format!("seeded-{n}.db"));
    let key = dir.join("keys").join(format!("seeded-{n}.key"));
    let done = dir.join(format!("seeded-{n}.done"));
    if !done.exists() || !key.exists() {
        for path in [&db, &key] {
            let _ = std::fs::remove_file(path);
        }
        let started = Instant::now();
        let mut replica =
            Replica::init(&db, &key, Box::new(SystemClock::new()), enrolled("BENCH-1"))
                .expect("init");
        tally_replica::seed::demo(&mut replica, n, 42).expect("seed");
        std::fs::write(&done, b"").expect("marker");
        eprintln!(
            "seeded {n} packages in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    (db, key)
}

fn snapshot() -> PathBuf {
    let (db, key) = seeded();
    let path = cache_dir().join(format!("snapshot-{}.db", packages()));
    if !path.exists() {
        let replica = Replica::open(&db, &key, Box::new(SystemClock::new())).expect("open");
        tally_replica::replica::write_snapshot(replica.view(), &path, 1).expect("snapshot");
    }
    path
}

fn tag(n: usize) -> String {
    format!("1A4FF0100000{:012}", n)
}

/// The scan of a package's tag, decoded as the floor decodes it.
fn id_of(text: &str) -> Identifier {
    Identifier::typed(text, StateSystems::all(), today()).expect("a tag")
}

fn today() -> Date {
    Date::new(2026, 11, 24).expect("a date")
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn uid_lookup(c: &mut Criterion) {
    let (db, key) = seeded();
    let replica = Replica::open(&db, &key, Box::new(SystemClock::new())).expect("open");
    let view = replica.view();
    let n = packages().max(1);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize + 1
    };
    // Single-lookup latency distribution, measured here because criterion reports means.
    let mut samples = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let uid = tag(next());
        let start = Instant::now();
        let found = package(view, &uid).expect("lookup");
        samples.push(start.elapsed());
        assert!(found.is_some() || n < 1_000);
    }
    let mut raw_samples = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let uid = tag(next());
        let start = Instant::now();
        let q: Option<i64> = view
            .prepare_cached("SELECT quantity FROM packages WHERE uid = ?1")
            .expect("prepare")
            .query_row([&uid], |r| r.get(0))
            .ok();
        raw_samples.push(start.elapsed());
        assert!(q.is_some() || n < 1_000);
    }
    eprintln!(
        "uid lookup over {n} packages: replica p50 {:?} p99 {:?} | raw SQLite p50 {:?} p99 {:?}",
        percentile(samples.clone(), 0.50),
        percentile(samples, 0.99),
        percentile(raw_samples.clone(), 0.50),
        percentile(raw_samples, 0.99)
    );
    let mut group = c.benchmark_group("uid_lookup");
    group.bench_function(BenchmarkId::new("replica", n), |b| {
        b.iter(|| package(view, &tag(next())).expect("lookup"))
    });
    group.bench_function(BenchmarkId::new("raw_sqlite", n), |b| {
        b.iter(|| {
            view.prepare_cached("SELECT quantity FROM packages WHERE uid = ?1")
                .expect("prepare")
                .query_row([&tag(next())], |r| r.get::<_, i64>(0))
                .ok()
        })
    });
    group.finish();
}

fn raw_db(path: &Path) -> Connection {
    let _ = std::fs::remove_file(path);
    let conn = Connection::open(path).expect("raw db");
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .expect("wal");
    conn.execute_batch("PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, uid TEXT NOT NULL, v BLOB NOT NULL);")
        .expect("raw schema");
    conn
}

fn record_scan(c: &mut Criterion) {
    let (db, key) = seeded();
    let mut replica = Replica::open(&db, &key, Box::new(SystemClock::new())).expect("open");
    let who = Session {
        badge: "B1001".into(),
        role: Role::Operator,
    };
    // A package that is active in a sellable place, moved back and forth between two shelves.
    let uid: String = replica
        .view()
        .query_row(
            "SELECT uid FROM packages WHERE status = 'active' AND location_id LIKE 'VAULT-A-S%' ORDER BY uid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an active package");
    let shelves = ["VAULT-B-S01", "VAULT-B-S02"];
    let raw_path = cache_dir().join("raw-scan.db");
    let raw = raw_db(&raw_path);
    let row = vec![0u8; 400];
    // Paired rounds, alternating one replica scan and one raw commit, so that load from other
    // processes and disk weather hit both alike; medians and their ratio are printed.
    let mut ours = Vec::with_capacity(300);
    let mut theirs = Vec::with_capacity(300);
    for round in 0..300i64 {
        let to = shelves[(round % 2) as usize];
        let started = Instant::now();
        replica
            .act("B1001", |v| moves::move_package(v, &who, &id_of(&uid), to))
            .expect("move");
        ours.push(started.elapsed());
        let started = Instant::now();
        let tx = raw.unchecked_transaction().expect("tx");
        tx.execute(
            "INSERT INTO t (uid, v) VALUES (?1, ?2)",
            params![tag(1_000_000_000 + round as usize), &row],
        )
        .expect("insert");
        tx.commit().expect("commit");
        theirs.push(started.elapsed());
    }
    let (ours_median, theirs_median) = (percentile(ours, 0.5), percentile(theirs, 0.5));
    eprintln!(
        "record scan, 300 paired rounds: replica median {ours_median:?}, raw SQLite median {theirs_median:?}, ratio {:.2}",
        ours_median.as_secs_f64() / theirs_median.as_secs_f64()
    );
    // The paired rounds left the package on shelves[1]; criterion's rounds continue from there.
    let mut flip = 1usize;
    let mut group = c.benchmark_group("record_scan");
    group.bench_function("replica_move_fsync", |b| {
        b.iter(|| {
            flip += 1;
            let to = shelves[flip % 2];
            replica
                .act("B1001", |v| moves::move_package(v, &who, &id_of(&uid), to))
                .expect("move")
        })
    });
    let mut i = 0i64;
    group.bench_function("raw_sqlite_insert_fsync", |b| {
        b.iter(|| {
            i += 1;
            let tx = raw.unchecked_transaction().expect("tx");
            tx.execute(
                "INSERT INTO t (uid, v) VALUES (?1, ?2)",
                params![tag(i as usize), &row],
            )
            .expect("insert");
            tx.commit().expect("commit");
        })
    });
    group.finish();
}

fn rfid_burst(c: &mut Criterion) {
    const TAGS: usize = 10_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("burst.db");
    let key = dir.path().join("keys").join("burst.key");
    let mut replica =
        Replica::init(&db, &key, Box::new(SystemClock::new()), enrolled("BENCH-2")).expect("init");
    tally_replica::seed::demo(&mut replica, 100, 1).expect("seed");
    let who = Session {
        badge: "B1001".into(),
        role: Role::Operator,
    };
    let mut task = 0usize;
    let mut start_task = |replica: &mut Replica| -> String {
        task += 1;
        let id = format!("CT-BURST-{task}");
        replica
            .record(
                "B9001",
                vec![Payload::CountTaskIssued(CountTaskIssued {
                    count_task_id: id.clone(),
                    locations: vec!["VAULT-C".into()],
                    items: vec![],
                    assigned_to: None,
                })],
            )
            .expect("task");
        let cv = replica.counting_view().expect("cv");
        replica
            .act_counting(&cv, "B1001", |cv| count::start(cv, &who, &id))
            .expect("start");
        id
    };
    let mut serial = 0usize;
    let mut reads = || -> Vec<TagRead> {
        (0..TAGS)
            .map(|_| {
                serial += 1;
                // A Metrc tag's EPC bank (96 bits), decoded as the floor decodes it.
                let epc = hex::decode(format!("1A4FF0200000{:012}", serial)).expect("hex");
                let identifier =
                    Identifier::read(&ScanInput::epc(epc.clone()), StateSystems::all(), today())
                        .ok();
                TagRead { epc, identifier }
            })
            .collect()
    };
    let raw_path = dir.path().join("raw-burst.db");
    let raw = raw_db(&raw_path);
    let mut group = c.benchmark_group("rfid_burst");
    group.throughput(Throughput::Elements(TAGS as u64));
    group.sample_size(10);
    group.bench_function("replica_sweep_10000_tags", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // Each sweep counts a fresh task with fresh tags (repeats would be ignored).
                let id = start_task(&mut replica);
                let tags = reads();
                let cv = replica.counting_view().expect("cv");
                let started = Instant::now();
                let (tally, _) = replica
                    .act_counting(&cv, "B1001", |cv| {
                        count::sweep(cv, &who, &id, "VAULT-C", "SLED-1", &tags)
                    })
                    .expect("sweep");
                total += started.elapsed();
                assert_eq!(tally.new, TAGS);
            }
            total
        })
    });
    let mut i = 0usize;
    group.bench_function("raw_sqlite_10000_rows", |b| {
        b.iter(|| {
            let tx = raw.unchecked_transaction().expect("tx");
            {
                let mut stmt = tx
                    .prepare_cached("INSERT INTO t (uid, v) VALUES (?1, ?2)")
                    .expect("prepare");
                for _ in 0..TAGS {
                    i += 1;
                    stmt.execute(params![tag(i), &[0u8; 24][..]])
                        .expect("insert");
                }
            }
            tx.commit().expect("commit");
        })
    });
    group.finish();
}

fn bootstrap(c: &mut Criterion) {
    let snapshot = snapshot();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("device.db");
    let key = dir.path().join("keys").join("device.key");
    let mut replica =
        Replica::init(&db, &key, Box::new(SystemClock::new()), enrolled("BENCH-3")).expect("init");
    let mut group = c.benchmark_group("bootstrap");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function(BenchmarkId::new("replica_load_snapshot", packages()), |b| {
        b.iter(|| replica.load_snapshot(&snapshot).expect("load"))
    });
    let copy = dir.path().join("copy.db");
    group.bench_function(BenchmarkId::new("raw_file_copy", packages()), |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&copy);
            std::fs::copy(&snapshot, &copy).expect("copy");
            std::fs::File::open(&copy)
                .and_then(|f| f.sync_all())
                .expect("sync");
        })
    });
    group.finish();
}

criterion_group!(benches, uid_lookup, record_scan, rfid_burst, bootstrap);
criterion_main!(benches);

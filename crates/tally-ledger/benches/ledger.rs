//! The ledger's benchmarks of issue 14, over loopback HTTP, each reported next to the rate it
//! is judged against, measured in the same run:
//!
//! - `ingest_sqlite_20_devices` / `ingest_postgres_20_devices`: `tally-ledger loadgen`'s code
//!   (`tally_ledger::loadgen::run`, through `tally-ledger-client`) pushing from 20 devices to a
//!   ledger served in this process; goal: at least 60 % of the raw `verify_strict` rate of the
//!   same records on all cores (loadgen measures it first, in the same run). PostgreSQL runs on
//!   a throwaway cluster (as the tests do, `fsync=off`); skipped with a message without initdb.
//! - `drain_backlog`: one device's real replica with a backlog of at least
//!   `TALLY_BENCH_BACKLOG` events (default 100,000) in its outbox, drained by tallyd's
//!   `Syncer` against a real ledger (SQLite) served on loopback; goal: under 5 s.
//! - `audit_log`: an auditor's full verification of a log of `TALLY_BENCH_LOG` entries
//!   (default 1,000,000; 20 devices), served on loopback, from its tiles and the verifier key
//!   alone (`tally audit --ledger`: `tally_ledger_client::audit`), on one thread and on every
//!   core; goal: at least 1.8x the one-thread rate on two cores. The peak resident memory of
//!   each run is printed (the process holds the in-process server too).
//!
//! `TALLY_BENCH_LEDGER` picks some (`ingest,drain,audit`; default all);
//! `TALLY_BENCH_LEDGER_EVENTS` is the events per device for ingest (default 2,000). The
//! 1,000,000-entry log and the backlog replica are built once and cached under
//! `$CARGO_TARGET_DIR/tally-bench/` (delete it to rebuild).

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use tally_events::payload::DeviceEnrolled;
use tally_events::{DeviceKey, SignedEvent};
use tally_ledger::{Ledger, Store};
use tally_ledger_client::audit::{audit_served_log, LogAuditOptions};
use tally_ledger_client::{ClientOptions, LedgerClient};

const DEVICES: usize = 20;
const FACILITY: &str = common::FACILITY;

/// (name, value) pairs of the run, summarised at the end.
static RESULTS: Mutex<Vec<(String, f64)>> = Mutex::new(Vec::new());

fn record(name: &str, value: f64) {
    if let Ok(mut results) = RESULTS.lock() {
        results.push((name.to_owned(), value));
    }
}

fn median(name: &str) -> Option<f64> {
    let results = RESULTS.lock().ok()?;
    let mut values: Vec<f64> = results
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .collect();
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied()
}

fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|t| t.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn selected(name: &str) -> bool {
    std::env::var("TALLY_BENCH_LEDGER")
        .map(|list| list.split(',').any(|n| n.trim() == name))
        .unwrap_or(true)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cache_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target"));
    let dir = target.join("tally-bench");
    std::fs::create_dir_all(&dir).expect("bench cache dir");
    dir
}

/// Peak resident memory of this process since the last [`reset_peak_memory`], in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn reset_peak_memory() {
    // Linux: writing 5 to clear_refs resets the peak resident set size.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A ledger served on loopback by this process (the server of `tally-ledger serve`, on a
/// multi-threaded runtime), until dropped.
struct Served {
    url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    fn start<S: Store + 'static>(ledger: Ledger<S>, views: &Path) -> Served {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("listen");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let options = tally_ledger::server::ServeOptions {
            views_dir: views.to_owned(),
            tls: None,
            projection_poll: tally_ledger::server::DEFAULT_PROJECTION_POLL,
        };
        let thread = std::thread::spawn(move || {
            let stopped = async move {
                let _ = stop.await;
            };
            runtime
                .block_on(tally_ledger::server::serve_with(
                    ledger, listener, stopped, &options,
                ))
                .expect("serve");
        });
        Served {
            url,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---- a. ingest from 20 devices ----

/// Runs loadgen against `ledger` (with `admin` registered as its admin operator).
fn loadgen_once<S: Store + 'static>(
    ledger: Ledger<S>,
    views: &Path,
    admin: &DeviceKey,
    per_device: usize,
) -> tally_ledger::loadgen::LoadReport {
    ledger
        .store()
        .put_operator(
            &tally_ledger::credentials::creator_row(admin),
            tally_ledger::now_unix_ms(),
        )
        .expect("admin operator");
    let served = Served::start(ledger, views);
    let report = tally_ledger::loadgen::run(&served.url, admin, FACILITY, DEVICES, per_device, 100)
        .expect("loadgen");
    assert_eq!(report.events, (DEVICES * per_device) as u64);
    report
}

fn ingest(c: &mut Criterion) {
    let per_device = env_size("TALLY_BENCH_LEDGER_EVENTS", 2_000);
    let total = (DEVICES * per_device) as u64;
    let admin = DeviceKey::from_seed([0xad; 32]);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.throughput(Throughput::Elements(total));
    let mut n = 0;
    group.bench_function("ingest_sqlite_20_devices", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iterations {
                n += 1;
                let path = dir.path().join(format!("ingest-{n}.db"));
                let ledger = tally_ledger::create_sqlite(&path, "bench.invalid/log").expect("db");
                let report = loadgen_once(ledger, &dir.path().join("views"), &admin, per_device);
                record("ingest_sqlite", report.events_per_s());
                record("ingest_sqlite_raw", report.raw_verify_per_s);
                elapsed += report.elapsed;
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            elapsed
        })
    });
    if postgres_available() {
        let cluster = common::PgCluster::get();
        group.bench_function("ingest_postgres_20_devices", |b| {
            b.iter_custom(|iterations| {
                let mut elapsed = Duration::ZERO;
                for _ in 0..iterations {
                    let url = cluster.new_database();
                    let ledger =
                        tally_ledger::create_postgres(&url, "bench.invalid/log").expect("db");
                    let report =
                        loadgen_once(ledger, &dir.path().join("views"), &admin, per_device);
                    record("ingest_postgres", report.events_per_s());
                    record("ingest_postgres_raw", report.raw_verify_per_s);
                    elapsed += report.elapsed;
                }
                elapsed
            })
        });
    } else {
        println!(
            "ledger ingest (PostgreSQL): skipped, initdb was not found under /usr/lib/postgresql/*/bin (install postgresql)"
        );
    }
    group.finish();
}

fn postgres_available() -> bool {
    std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| {
            dirs.filter_map(Result::ok)
                .any(|d| d.path().join("bin").join("initdb").is_file())
        })
        .unwrap_or(false)
}

// ---- b. one device draining a backlog ----

/// A replica whose outbox holds at least `events` events (the demo facility's master data and
/// packages), built once: (db, key dir, events).
fn backlog_replica(events: usize) -> (PathBuf, PathBuf, u64) {
    let dir = cache_dir().join(format!("backlog-{events}"));
    let db = dir.join("replica.db");
    let keys = dir.join("keys");
    let done = dir.join("done");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let started = Instant::now();
        let mut replica = tally_replica::Replica::init_in_key_dir(
            &db,
            &keys,
            Box::new(tally_replica::clock::SystemClock::new()),
            DeviceEnrolled {
                facility: tally_replica::seed::FACILITY.into(),
                hardware_serial: "BENCH-BACKLOG".into(),
                enrollment_token_sha256: tally_events::Sha256Hash::of(b"bench"),
                previous_device: None,
            },
            &tally_replica::keys::KeyOptions::default(),
        )
        .expect("replica");
        let summary = tally_replica::seed::demo_with_pin_params(
            &mut replica,
            events,
            7,
            &tally_events::PinParams::TEST,
        )
        .expect("seed");
        drop(replica);
        std::fs::write(&done, summary.events.to_string()).expect("marker");
        eprintln!(
            "backlog replica: {} events recorded in {:.1} s",
            summary.events,
            started.elapsed().as_secs_f64()
        );
    }
    let recorded: u64 = std::fs::read_to_string(&done)
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .expect("marker");
    (db, keys, recorded)
}

/// Copies the replica database (and its WAL, if any) and the key directory into `to`.
fn copy_replica(db: &Path, keys: &Path, to: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(to.join("keys")).expect("dir");
    let copy = to.join("replica.db");
    std::fs::copy(db, &copy).expect("copy db");
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            std::fs::copy(&side, format!("{}{suffix}", copy.display())).expect("copy side");
        }
    }
    for entry in std::fs::read_dir(keys).expect("keys") {
        let entry = entry.expect("key");
        std::fs::copy(entry.path(), to.join("keys").join(entry.file_name())).expect("copy key");
    }
    (copy, to.join("keys"))
}

fn drain(c: &mut Criterion) {
    let backlog = env_size("TALLY_BENCH_BACKLOG", 100_000);
    let (db, keys, recorded) = backlog_replica(backlog);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.throughput(Throughput::Elements(recorded));
    let mut n = 0;
    group.bench_function("drain_backlog", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iterations {
                n += 1;
                let run = dir.path().join(format!("run-{n}"));
                let (db, keys) = copy_replica(&db, &keys, &run);
                let files = tally_sync::DeviceFiles {
                    db,
                    key_dir: keys,
                    key_options: tally_replica::keys::KeyOptions::default(),
                };
                let mut ledger =
                    tally_ledger::create_sqlite(&run.join("ledger.db"), "bench.invalid/log")
                        .expect("ledger");
                let token = ledger
                    .create_token(tally_replica::seed::FACILITY, "backlog")
                    .expect("token");
                let served = Served::start(ledger, &run.join("views"));
                let options = ClientOptions {
                    timeout: Duration::from_secs(120),
                    ..ClientOptions::default()
                };
                tally_sync::enroll(&files, &served.url, &token, None, &options).expect("enroll");
                let started = Instant::now();
                let mut syncer = tally_sync::Syncer::open(&files, &options).expect("syncer");
                let report = syncer.pass().expect("pass");
                let took = started.elapsed();
                assert!(report.pushed >= recorded);
                assert!(!syncer.has_waiting().expect("waiting"));
                record("drain_s", took.as_secs_f64());
                record("drain_events", report.pushed as f64);
                elapsed += took;
                drop(syncer);
                drop(served);
                let _ = std::fs::remove_dir_all(&run);
            }
            elapsed
        })
    });
    group.finish();
}

// ---- c. an auditor's full verification of a large log ----

/// A SQLite ledger of `size` entries from 20 devices (interleaved batches of 500), built once
/// (the chains are signed on every core); (path, verifier key).
fn large_log(size: usize) -> (PathBuf, String) {
    let path = cache_dir().join(format!("ledger-log-{size}.db"));
    let done = cache_dir().join(format!("ledger-log-{size}.done"));
    if !done.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let started = Instant::now();
        let mut ledger = tally_ledger::create_sqlite(&path, "bench.invalid/log").expect("db");
        let per_device = size.div_ceil(DEVICES);
        let keys: Vec<DeviceKey> = (1..=DEVICES as u8)
            .map(|seed| DeviceKey::from_seed([seed; 32]))
            .collect();
        let chains: Vec<Vec<SignedEvent>> = std::thread::scope(|scope| {
            let handles: Vec<_> = keys
                .iter()
                .enumerate()
                .map(|(i, key)| {
                    let n = per_device.min(size - (i * per_device).min(size));
                    scope.spawn(move || common::chain(key, FACILITY, n.max(1)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("sign"))
                .collect()
        });
        for key in &keys {
            let token = ledger.create_token(FACILITY, "bench").expect("token");
            ledger.enroll(&token, &key.device_id()).expect("enroll");
        }
        let mut appended = 0;
        for start in (0..per_device).step_by(500) {
            for chain in &chains {
                if start >= chain.len() || appended >= size {
                    continue;
                }
                let end = (start + 500).min(chain.len()).min(start + size - appended);
                let batch: Vec<Vec<u8>> = chain[start..end]
                    .iter()
                    .map(|e| e.as_bytes().to_vec())
                    .collect();
                let outcome = ledger.ingest(&chain[0].device(), &batch).expect("ingest");
                assert!(outcome.refused.is_none());
                appended += batch.len();
            }
        }
        std::fs::write(&done, b"").expect("marker");
        eprintln!(
            "audit log: {appended} entries built in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let ledger = tally_ledger::open_sqlite(&path).expect("open");
    (path, ledger.verifier_key().to_owned())
}

fn audit(c: &mut Criterion) {
    let size = env_size("TALLY_BENCH_LOG", 1_000_000);
    let (path, key) = large_log(size);
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(
        tally_ledger::open_sqlite(&path).expect("open"),
        &dir.path().join("views"),
    );
    let client = LedgerClient::new(
        &served.url,
        &ClientOptions {
            timeout: Duration::from_secs(120),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.throughput(Throughput::Elements(size as u64));
    for (name, threads) in [("audit_log_1_thread", 1), ("audit_log_all_cores", cores())] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut elapsed = Duration::ZERO;
                for _ in 0..iterations {
                    let options = LogAuditOptions {
                        threads,
                        ..LogAuditOptions::default()
                    };
                    reset_peak_memory();
                    let report = audit_served_log(&client, &key, &options).expect("verifies");
                    assert_eq!(report.checkpoint.size, size as u64);
                    record(
                        &format!("{name}_rate"),
                        size as f64 / report.elapsed.as_secs_f64(),
                    );
                    if let Some(peak) = peak_memory_mib() {
                        record(&format!("{name}_peak_mib"), peak);
                    }
                    elapsed += report.elapsed;
                }
                elapsed
            })
        });
    }
    group.finish();
    record("audit_entries", size as f64);
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "goal met"
    } else {
        "GOAL NOT MET"
    }
}

fn summary() {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "--- ledger benchmarks ({} cores; load average {})",
        cores(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    for backend in ["sqlite", "postgres"] {
        if let (Some(ingest), Some(raw)) = (
            median(&format!("ingest_{backend}")),
            median(&format!("ingest_{backend}_raw")),
        ) {
            let ratio = ingest / raw;
            let goal = if backend == "sqlite" {
                format!(" (goal: at least 60 %: {})", verdict(ratio >= 0.6))
            } else {
                String::new()
            };
            println!(
                "ledger ingest over loopback ({backend}, {DEVICES} devices): {ingest:.0} events/s; raw verify_strict on all cores: {raw:.0}/s; ratio {:.0} %{goal}",
                100.0 * ratio
            );
        }
    }
    if let (Some(seconds), Some(events)) = (median("drain_s"), median("drain_events")) {
        println!(
            "ledger drain of one device's backlog ({events:.0} events, tallyd's Syncer, SQLite ledger): {seconds:.2} s, {:.0} events/s (goal: under 5 s: {})",
            events / seconds,
            verdict(seconds < 5.0)
        );
    }
    if let (Some(one), Some(all), Some(entries)) = (
        median("audit_log_1_thread_rate"),
        median("audit_log_all_cores_rate"),
        median("audit_entries"),
    ) {
        let speedup = all / one;
        println!(
            "auditor's verification of a {entries:.0}-entry log over /log/ tiles: {one:.0} entries/s on 1 thread, {all:.0} entries/s on {} threads: {speedup:.2}x (goal: at least 1.8x: {})",
            cores(),
            verdict(speedup >= 1.8)
        );
        if let (Some(a), Some(b)) = (
            median("audit_log_1_thread_peak_mib"),
            median("audit_log_all_cores_peak_mib"),
        ) {
            println!(
                "  peak resident memory of the bench process during the verification (server in the same process): {a:.0} MiB on 1 thread, {b:.0} MiB on {} threads",
                cores()
            );
        }
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    if selected("ingest") {
        ingest(&mut criterion);
    }
    if selected("drain") {
        drain(&mut criterion);
    }
    if selected("audit") {
        audit(&mut criterion);
    }
    criterion.final_summary();
    summary();
}

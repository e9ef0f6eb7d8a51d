//! Ledger ingest into a real SQLite file (library level, no HTTP) next to the raw
//! `verify_strict` rate of the same records, measured in the same run: 20 devices, each pushing
//! its chain in batches of 100 (`TALLY_BENCH_LEDGER_EVENTS` events per device, default 500),
//! and `tally-ledger verify` of the resulting log. Single thread; the HTTP path, PostgreSQL and
//! the multi-core goals of issue 14 are not measured here yet.
//!
//! After criterion's output, a summary prints ingest events/s, raw verify_strict/s and their
//! ratio (issue 14's goal for the full server: at least 60 % of the raw rate on all cores).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use tally_events::{DeviceKey, SignedEvent, VerifierKey};
use tally_ledger::{audit, Ledger, SqliteStore};

const DEVICES: u8 = 20;
const BATCH: usize = 100;

static RATES: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

fn events_per_device() -> usize {
    std::env::var("TALLY_BENCH_LEDGER_EVENTS")
        .ok()
        .and_then(|t| t.replace('_', "").parse().ok())
        .unwrap_or(500)
}

fn fresh_ledger(dir: &std::path::Path, n: u32) -> (Ledger<SqliteStore>, Vec<DeviceKey>) {
    let path = dir.join(format!("bench-{n}.db"));
    let mut ledger = tally_ledger::create_sqlite(&path, "bench.invalid/log").expect("create");
    let keys = (1..=DEVICES)
        .map(|seed| {
            let key = DeviceKey::from_seed([seed; 32]);
            let token = ledger
                .create_token(common::FACILITY, "bench")
                .expect("token");
            ledger.enroll(&token, &key.device_id()).expect("enroll");
            key
        })
        .collect();
    (ledger, keys)
}

fn record(name: &'static str, elements: u64, elapsed: Duration) {
    let rate = elements as f64 / elapsed.as_secs_f64();
    if let Ok(mut rates) = RATES.lock() {
        rates.push((name, rate));
    }
}

fn benches(c: &mut Criterion) {
    let per_device = events_per_device();
    let chains: Vec<Vec<SignedEvent>> = (1..=DEVICES)
        .map(|seed| {
            common::chain(
                &DeviceKey::from_seed([seed; 32]),
                common::FACILITY,
                per_device,
            )
        })
        .collect();
    let total = (per_device * DEVICES as usize) as u64;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(total));
    let mut n = 0;
    group.bench_function("ingest_sqlite_20_devices", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iterations {
                n += 1;
                let (mut ledger, keys) = fresh_ledger(dir.path(), n);
                let start = Instant::now();
                for round in (0..per_device).step_by(BATCH) {
                    for (key, chain) in keys.iter().zip(&chains) {
                        let end = (round + BATCH).min(per_device);
                        let batch: Vec<Vec<u8>> = chain[round..end]
                            .iter()
                            .map(|e| e.as_bytes().to_vec())
                            .collect();
                        let outcome = ledger.ingest(&key.device_id(), &batch).expect("ingest");
                        assert!(outcome.refused.is_none());
                    }
                }
                let took = start.elapsed();
                record("ingest", total, took);
                elapsed += took;
            }
            elapsed
        })
    });
    group.bench_function("raw_verify_strict", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                for chain in &chains {
                    let key = VerifierKey::new(&chain[0].device()).expect("key");
                    for event in chain {
                        black_box(key.verify_strict(event.header_bytes(), event.signature()))
                            .expect("valid");
                    }
                }
                let took = start.elapsed();
                record("raw", total, took);
                elapsed += took;
            }
            elapsed
        })
    });
    let (mut ledger, keys) = fresh_ledger(dir.path(), 0);
    for (key, chain) in keys.iter().zip(&chains) {
        let batch: Vec<Vec<u8>> = chain.iter().map(|e| e.as_bytes().to_vec()).collect();
        ledger.ingest(&key.device_id(), &batch).expect("ingest");
    }
    group.bench_function("verify_from_storage", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                black_box(audit::audit(&ledger).expect("verifies"));
                let took = start.elapsed();
                record("audit", total, took);
                elapsed += took;
            }
            elapsed
        })
    });
    group.finish();
}

fn summary() {
    let rates = RATES.lock().map(|r| r.clone()).unwrap_or_default();
    let median = |name: &str| {
        let mut values: Vec<f64> = rates
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, r)| *r)
            .collect();
        values.sort_by(|a, b| a.total_cmp(b));
        values.get(values.len() / 2).copied()
    };
    if let (Some(ingest), Some(raw)) = (median("ingest"), median("raw")) {
        println!(
            "ledger ingest (SQLite, 1 thread): {ingest:.0} events/s; raw verify_strict: {raw:.0}/s; ratio {:.0} %",
            100.0 * ingest / raw
        );
    }
    if let Some(audit) = median("audit") {
        println!("ledger verify from storage (1 thread): {audit:.0} entries/s");
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    summary();
}

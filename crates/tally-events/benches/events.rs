//! Throughput of the event log next to raw ed25519-dalek, measured in the same run:
//! sign, verify (strict), batch verify, and chain verification of a 1,000,000-event chain
//! (`TALLY_BENCH_EVENTS` sizes the chain for quick local runs; default 1,000,000).
//!
//! After criterion's own output, a summary prints every rate next to its raw counterpart and
//! the ratio chain verification / raw batch verification (goal: at least 80 %). Single
//! thread throughout, raw and ours alike.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion, SamplingMode, Throughput};
use ed25519_dalek::{Signature, Signer, SigningKey};
use tally_events::key::MAX_BATCH;
use tally_events::{
    verify_chain, verify_events, ChainOptions, Payload, SignedEvent, VerifierKey, VerifyMode,
};

/// ns per element of every sample, by benchmark name.
static SAMPLES: Mutex<BTreeMap<&'static str, Vec<f64>>> = Mutex::new(BTreeMap::new());

fn timed(bencher: &mut Bencher, name: &'static str, elements: u64, mut routine: impl FnMut()) {
    bencher.iter_custom(|iterations| {
        let start = Instant::now();
        for _ in 0..iterations {
            routine();
        }
        let elapsed = start.elapsed();
        let per_element = elapsed.as_nanos() as f64 / (iterations * elements) as f64;
        if let Ok(mut samples) = SAMPLES.lock() {
            samples.entry(name).or_default().push(per_element);
        }
        elapsed
    });
}

fn chain_len() -> usize {
    std::env::var("TALLY_BENCH_EVENTS")
        .ok()
        .and_then(|text| text.replace('_', "").parse().ok())
        .unwrap_or(1_000_000)
}

const SMALL: usize = 4_096;

fn benches(c: &mut Criterion) {
    let len = chain_len().max(SMALL);
    eprintln!("building a chain of {len} events ...");
    let built = Instant::now();
    let chain = common::build_chain(len);
    eprintln!("built in {:.1} s", built.elapsed().as_secs_f64());
    let key = VerifierKey::new(&common::test_key().device_id()).expect("test key");
    let raw_key = SigningKey::from_bytes(&common::TEST_SEED);
    let raw_verifying = raw_key.verifying_key();
    let small = &chain[..SMALL];
    // Raw ed25519 works on exactly the bytes the events sign: their headers.
    let headers: Vec<&[u8]> = small.iter().map(SignedEvent::header_bytes).collect();
    let signatures: Vec<Signature> = small
        .iter()
        .map(|event| Signature::from_bytes(event.signature()))
        .collect();

    let mut group = c.benchmark_group("sign");
    group.throughput(Throughput::Elements(1));
    group.bench_function("raw_ed25519_sign", |b| {
        let mut index = 0;
        timed(b, "raw sign", 1, || {
            black_box(raw_key.sign(headers[index % SMALL]));
            index += 1;
        })
    });
    group.bench_function("event_append", |b| {
        let clock = common::clock();
        let last = &chain[len - 1];
        let mut writer = tally_events::ChainWriter::resume(
            common::test_key(),
            common::FACILITY,
            last.seq(),
            last.record_hash(),
        )
        .expect("resume");
        let payloads: Vec<Payload> = small[1..65]
            .iter()
            .map(|event| event.payload().expect("payload"))
            .collect();
        let mut index = 0;
        timed(b, "event sign", 1, || {
            clock.advance_ms(1);
            let payload = payloads[index % payloads.len()].clone();
            black_box(writer.append(&clock, "B-1042", payload).expect("append"));
            index += 1;
        })
    });
    group.finish();

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("raw_ed25519_verify_strict", |b| {
        let mut index = 0;
        timed(b, "raw verify_strict", 1, || {
            let at = index % SMALL;
            raw_verifying
                .verify_strict(headers[at], &signatures[at])
                .expect("valid");
            index += 1;
        })
    });
    group.bench_function("event_verify", |b| {
        let mut index = 0;
        timed(b, "event verify", 1, || {
            small[index % SMALL].verify_with(&key).expect("valid");
            index += 1;
        })
    });
    group.finish();

    let mut group = c.benchmark_group("batch_verify");
    group.throughput(Throughput::Elements(SMALL as u64));
    group.bench_function("raw_ed25519_verify_batch", |b| {
        let keys = vec![raw_verifying; MAX_BATCH];
        timed(b, "raw verify_batch", SMALL as u64, || {
            for (messages, signatures) in
                headers.chunks(MAX_BATCH).zip(signatures.chunks(MAX_BATCH))
            {
                ed25519_dalek::verify_batch(messages, signatures, &keys[..messages.len()])
                    .expect("valid");
            }
        })
    });
    group.bench_function("event_verify_events", |b| {
        timed(b, "event batch verify", SMALL as u64, || {
            verify_events(small).expect("valid");
        })
    });
    group.finish();

    let mut group = c.benchmark_group("chain_verify");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.throughput(Throughput::Elements(len as u64));
    let batch = ChainOptions {
        mode: VerifyMode::Batch,
        ..ChainOptions::default()
    };
    group.bench_function(format!("chain_{len}_batch"), |b| {
        timed(b, "chain verify (batch)", len as u64, || {
            let report = verify_chain(&chain, &batch).expect("intact");
            assert_eq!(report.events, len as u64);
        })
    });
    group.finish();

    let strict_len = 20_000.min(len);
    let mut group = c.benchmark_group("chain_verify_strict");
    group.sample_size(10);
    group.throughput(Throughput::Elements(strict_len as u64));
    let strict = ChainOptions::default();
    group.bench_function(format!("chain_{strict_len}_strict"), |b| {
        timed(b, "chain verify (strict)", strict_len as u64, || {
            verify_chain(&chain[..strict_len], &strict).expect("intact");
        })
    });
    group.finish();
}

fn median(name: &str) -> Option<f64> {
    let samples = SAMPLES.lock().ok()?;
    let mut values = samples.get(name)?.clone();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

fn summary() {
    let rate = |name: &str| median(name).map(|ns| 1e9 / ns);
    let line = |name: &str, raw: &str| {
        if let (Some(ours), Some(base)) = (rate(name), rate(raw)) {
            println!(
                "  {name:<24} {ours:>10.0} /s   {raw:<20} {base:>10.0} /s   ratio {:>5.1} %",
                100.0 * ours / base
            );
        }
    };
    println!();
    println!(
        "tally-events vs raw ed25519-dalek, criterion samples of this run, one thread (medians):"
    );
    line("event sign", "raw sign");
    line("event verify", "raw verify_strict");
    line("event batch verify", "raw verify_batch");
    line("chain verify (strict)", "raw verify_strict");
    line("chain verify (batch)", "raw verify_batch");
    if let (Some(chain), Some(raw)) = (rate("chain verify (batch)"), rate("raw verify_batch")) {
        let ratio = 100.0 * chain / raw;
        let verdict = if ratio >= 80.0 {
            "goal met"
        } else {
            "BELOW GOAL"
        };
        println!(
            "  chain verification of {} events = {ratio:.1} % of the raw batch-verify rate (goal >= 80 %: {verdict})",
            chain_len().max(SMALL)
        );
    }
}

/// Raw and ours alternated block by block, so that load from other processes hits both
/// alike; prints the median rates and the median of the per-round ratios.
fn paired(
    label: &str,
    rounds: usize,
    elements: usize,
    mut raw: impl FnMut(),
    mut ours: impl FnMut(),
) {
    let mut raw_ns = Vec::with_capacity(rounds);
    let mut ours_ns = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    let time = |routine: &mut dyn FnMut()| {
        let start = Instant::now();
        routine();
        start.elapsed().as_nanos() as f64
    };
    for round in 0..rounds {
        // Alternate which one goes first, so neither always runs on a warmer cache.
        let (raw_time, ours_time) = if round % 2 == 0 {
            let raw_time = time(&mut raw);
            (raw_time, time(&mut ours))
        } else {
            let ours_time = time(&mut ours);
            (time(&mut raw), ours_time)
        };
        raw_ns.push(raw_time);
        ours_ns.push(ours_time);
        ratios.push(raw_time / ours_time);
    }
    let mid = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let per_second = |ns: f64| elements as f64 * 1e9 / ns;
    println!(
        "  {label:<34} ours {:>8.0} /s   raw {:>8.0} /s   ratio {:>5.1} %",
        per_second(mid(&mut ours_ns)),
        per_second(mid(&mut raw_ns)),
        100.0 * mid(&mut ratios)
    );
}

fn paired_summary() {
    const PAIRED_CHAIN: usize = 65_536;
    let len = PAIRED_CHAIN.min(chain_len().max(SMALL));
    let chain = common::build_chain(len);
    let key = VerifierKey::new(&common::test_key().device_id()).expect("test key");
    let raw_key = SigningKey::from_bytes(&common::TEST_SEED);
    let raw_verifying = raw_key.verifying_key();
    let headers: Vec<&[u8]> = chain.iter().map(SignedEvent::header_bytes).collect();
    let signatures: Vec<Signature> = chain
        .iter()
        .map(|event| Signature::from_bytes(event.signature()))
        .collect();
    let keys = vec![raw_verifying; MAX_BATCH];
    let raw_batch = |count: usize| {
        for (messages, signatures) in headers[..count]
            .chunks(MAX_BATCH)
            .zip(signatures[..count].chunks(MAX_BATCH))
        {
            ed25519_dalek::verify_batch(messages, signatures, &keys[..messages.len()])
                .expect("valid");
        }
    };
    println!();
    println!("paired (raw and ours alternated, 16 rounds, each first in half of them; median rates and ratio):");
    let clock = common::clock();
    let last = &chain[len - 1];
    let mut writer = tally_events::ChainWriter::resume(
        common::test_key(),
        common::FACILITY,
        last.seq(),
        last.record_hash(),
    )
    .expect("resume");
    let payloads: Vec<Payload> = chain[1..513]
        .iter()
        .map(|event| event.payload().expect("payload"))
        .collect();
    paired(
        "sign (append event vs raw sign)",
        16,
        512,
        || {
            for header in &headers[..512] {
                black_box(raw_key.sign(header));
            }
        },
        || {
            for payload in &payloads {
                clock.advance_ms(1);
                black_box(
                    writer
                        .append(&clock, "B-1042", payload.clone())
                        .expect("append"),
                );
            }
        },
    );
    paired(
        "verify (event vs raw verify_strict)",
        16,
        512,
        || {
            for (header, signature) in headers[..512].iter().zip(&signatures) {
                raw_verifying
                    .verify_strict(header, signature)
                    .expect("valid");
            }
        },
        || {
            for event in &chain[..512] {
                event.verify_with(&key).expect("valid");
            }
        },
    );
    paired(
        "batch verify (events vs raw batch)",
        16,
        SMALL,
        || raw_batch(SMALL),
        || verify_events(&chain[..SMALL]).expect("valid"),
    );
    let batch = ChainOptions {
        mode: VerifyMode::Batch,
        ..ChainOptions::default()
    };
    paired(
        &format!("chain verify {len} (batch vs raw batch)"),
        16,
        len,
        || raw_batch(len),
        || {
            verify_chain(&chain, &batch).expect("intact");
        },
    );
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    summary();
    paired_summary();
    criterion.final_summary();
}

//! `tally decode --json` against GS1's Barcode Syntax Engine, same scan lines, same run, each
//! a process reading a file on standard input and writing to /dev/null (line I/O included):
//! criterion's lines per second for both (tally on every core and on one thread), then a
//! paired summary of CPU time (user + system, which a busy machine distorts less than wall
//! time) of tally on one thread (`--threads 1`, like the engine's driver) with the ratio. Goal:
//! tally / engine at least 1.00.
//!
//! The engine is the line driver `../shared/tools/gs1-engine/build.sh` builds from
//! github.com/gs1/gs1-syntax-engine; name it in `TALLY_GS1_ENGINE_BIN` (`scripts/bench decode`
//! builds it and does). Without it only tally is measured. `TALLY_BENCH_LINES` sets the number
//! of lines (default 1,000,000); they are the lines `scripts/bench` writes, generated alike.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The scan lines of `scripts/bench` (its `scan_lines`): GS1-128 element strings (valid, with a
/// wrong check digit, with a bad date), Digital Link URIs in QR Codes, a GS1 DataMatrix, each
/// with varying lots and serials.
fn scan_lines(count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * 64);
    for i in 0..count {
        let s = format!("{i:07}");
        let line = match i % 8 {
            0 => format!("]C101095060001343521526123110L{s}"),
            1 => format!(
                "]C10109506000134352172701{:02}10B{s}\u{1d}21S{s}",
                i % 28 + 1
            ),
            2 => format!("]Q1https://id.gs1.org/01/09506000134352/10/A{s}?17=261231"),
            3 => format!("]C100106141410000000019400PO{s}"),
            4 => format!("]d2010950600013435221{s}\u{1d}3103000{:03}", i % 1000),
            // A wrong check digit, then a month 13.
            5 => format!("]C1010950600013435310L{s}"),
            6 => format!("]C101095060001343521726133210L{s}"),
            _ => format!("]Q1https://example.com/01/09506000134352/21/{s}"),
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

struct Setup {
    lines: usize,
    input: PathBuf,
    engine: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let lines = std::env::var("TALLY_BENCH_LINES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = dir.path().join("scans.txt");
    std::fs::write(&input, scan_lines(lines)).expect("write the scan lines");
    let engine = std::env::var_os("TALLY_GS1_ENGINE_BIN").map(PathBuf::from);
    if engine.is_none() {
        println!("decode_engine: TALLY_GS1_ENGINE_BIN is not set; only tally is measured");
    }
    Setup {
        lines,
        input,
        engine,
        _dir: dir,
    }
}

/// Runs `program args` with `input` on standard input and standard output to /dev/null.
fn run(program: &Path, args: &[&str], input: &Path) {
    let status = Command::new(program)
        .args(args)
        .stdin(File::open(input).expect("the scan lines"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the program runs");
    // tally exits 1 because some lines have errors; anything else is a failure.
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "{program:?}: {status}"
    );
}

fn tally() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_tally"))
}

/// CPU time (user + system) of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage fills the zero-initialised structure it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// CPU time of one run of `routine` (which waits for its process).
fn cpu_of(routine: impl FnOnce()) -> Duration {
    let before = children_cpu();
    routine();
    children_cpu() - before
}

/// `tally decode --json` on one thread, as the engine's driver runs.
const ONE_THREAD: &[&str] = &["decode", "--json", "--threads", "1"];

fn bench_decode(c: &mut Criterion) {
    let setup = setup();
    let mut group = c.benchmark_group("decode_lines");
    group.sample_size(10);
    group.throughput(Throughput::Elements(setup.lines as u64));
    group.bench_function("tally_decode_json", |b| {
        b.iter(|| run(tally(), &["decode", "--json"], &setup.input))
    });
    group.bench_function("tally_decode_json_one_thread", |b| {
        b.iter(|| run(tally(), ONE_THREAD, &setup.input))
    });
    if let Some(engine) = &setup.engine {
        group.bench_function("gs1_engine", |b| b.iter(|| run(engine, &[], &setup.input)));
    }
    group.finish();

    let Some(engine) = &setup.engine else {
        return;
    };
    // Paired: the two alternate, each first in half of the rounds; medians of CPU time.
    const ROUNDS: usize = 10;
    let mut ours = Vec::with_capacity(ROUNDS);
    let mut theirs = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let tally_run = || run(tally(), ONE_THREAD, &setup.input);
        let engine_run = || run(engine, &[], &setup.input);
        if round % 2 == 0 {
            ours.push(cpu_of(tally_run));
            theirs.push(cpu_of(engine_run));
        } else {
            theirs.push(cpu_of(engine_run));
            ours.push(cpu_of(tally_run));
        }
    }
    ours.sort();
    theirs.sort();
    let rate = |d: Duration| setup.lines as f64 / d.as_secs_f64() / 1e6;
    let (ours, theirs) = (ours[ROUNDS / 2], theirs[ROUNDS / 2]);
    println!(
        "decode_lines paired, median CPU time of {ROUNDS} rounds: tally (one thread) {:.2} M \
         lines/s, GS1 engine \
         {:.2} M lines/s, tally / engine = {:.2} (goal: at least 1.00)",
        rate(ours),
        rate(theirs),
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
}

criterion_group!(benches, bench_decode);
criterion_main!(benches);

//! Decode throughput over a mixed corpus of realistic scans from a cannabis warehouse floor:
//! GS1-128 and GS1 DataMatrix case labels, EAN-13 retail codes, Metrc tags (barcode and RFID),
//! BioTrack ids, a GS1 Digital Link QR, SGTIN-96 RFID reads, and a few misreads. Criterion
//! reports elements per second = scans per second. Goal: at least 1,000,000 scans/s per core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tally_ids::{decode, Date, DecodeOptions, Source};

const BARCODES: &[&str] = &[
    "]C1010703206980498815210526100329",
    "]C101095060001343521726123110ABC123\u{1d}21XYZ",
    "]d20104150000021126172506302112345ABC\u{1d}10LOT42X",
    "]C10100614141123452310300125015261231",
    "]E05901234123457",
    "]E40061414112",
    "]C01A4FF0100000022000000123",
    "1A4FF0100000022000001161",
    "6647684463740213",
    "]Q1https://id.gs1.org/01/09506000134352/10/A1?17=261231",
    "]C10107032069804987",
    "00373400306809981733",
    "]C1414061414112345225445678",
    "]I110012345678902",
];

const RFID: &[&str] = &[
    "3074257BF7194E4000001A85",
    "1A4FF0100000022000000282",
    "3174257BF4499602D2000000",
];

fn corpus() -> Vec<(Vec<u8>, DecodeOptions)> {
    let today = Date::new(2026, 11, 24).expect("a real date");
    let barcode = DecodeOptions::new(today);
    let mut rfid = barcode;
    rfid.source = Source::Rfid;
    let mut scans: Vec<(Vec<u8>, DecodeOptions)> = BARCODES
        .iter()
        .map(|s| (s.as_bytes().to_vec(), barcode))
        .collect();
    scans.extend(RFID.iter().map(|s| (s.as_bytes().to_vec(), rfid)));
    scans
}

fn bench_decode(c: &mut Criterion) {
    let corpus = corpus();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("mixed_corpus", |b| {
        b.iter(|| {
            for (scan, options) in &corpus {
                black_box(decode(black_box(scan), options));
            }
        })
    });
    let gs1_only: Vec<&(Vec<u8>, DecodeOptions)> = corpus.iter().take(4).collect();
    group.throughput(Throughput::Elements(gs1_only.len() as u64));
    group.bench_function("gs1_labels", |b| {
        b.iter(|| {
            for (scan, options) in &gs1_only {
                black_box(decode(black_box(scan), options));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_decode);
criterion_main!(benches);

//! Throughput of `decode_epc` on a mixed corpus of EPC banks a warehouse reader sees: SGTIN-96
//! (most item tags), SSCC-96 (pallets), SGTIN-198 with an alphanumeric serial, GIAI-96, an
//! unknown-header bank (a Metrc tag, decoded as a raw URI) and a rejected encoding.
//!
//! Run with `cargo bench -p tally-ids --bench epc`; the issue asks for at least 1,000,000 scans
//! per second per core, i.e. under 1 µs per decode.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tally_ids::epc::{decode_epc, encode_tag_uri, parse_hex};

const CORPUS: &[&str] = &[
    "3074257BF7194E4000001A85",
    "3074257BF7194E4000001A86",
    "3034257BF400C0E4000003E8",
    "3174257BF4499602D2000000",
    "3674257BF6B7A659B2C2BF100000000000000000000000000000",
    "3474257BF40000000000162E",
    "1A4FF0100000022000000123",
    "307C257BF7194E4000001A85",
];

fn bench(c: &mut Criterion) {
    let banks: Vec<Vec<u8>> = CORPUS.iter().map(|h| parse_hex(h).unwrap()).collect();
    let mut group = c.benchmark_group("epc");
    group.throughput(Throughput::Elements(banks.len() as u64));
    group.bench_function("decode_epc mixed corpus", |b| {
        b.iter(|| {
            for bank in &banks {
                let _ = black_box(decode_epc(black_box(bank)));
            }
        })
    });
    group.bench_function("parse_hex + decode_epc mixed corpus", |b| {
        b.iter(|| {
            for hex in CORPUS {
                let _ = black_box(parse_hex(black_box(hex)).and_then(|b| decode_epc(&b)));
            }
        })
    });
    group.finish();
    c.bench_function("encode_tag_uri sgtin-96", |b| {
        b.iter(|| encode_tag_uri(black_box("urn:epc:tag:sgtin-96:3.0614141.812345.6789")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

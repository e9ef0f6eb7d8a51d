//! Decoding throughput per protocol, and the RFID path from reader frames to deduplicated tags.
//!
//! Streams are fed in 64-byte reads (a typical USB-serial read size). Run with
//! `cargo bench -p tally-drivers --bench protocols`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tally_drivers::event::DeviceEvent;
use tally_drivers::protocol::crc::{crc16_chafon, crc16_gen2, crc16_thingmagic, sum8};
use tally_drivers::protocol::inventory::{InventoryRound, ROUND_TAGS_MAX};
use tally_drivers::protocol::{decoder_for, ProtocolId, ProtocolParams};

const READ_BYTES: usize = 64;
const FRAMES: u32 = 1_000;

fn epc(n: u32) -> Vec<u8> {
    let mut e = vec![0x30, 0x14, 0x25, 0x7B, 0xF7, 0x19, 0x4E, 0x40];
    e.extend_from_slice(&n.to_be_bytes());
    e
}

fn chafon288_frame(first: u32, tags: u32) -> Vec<u8> {
    let mut f = vec![0, 0x00, 0x01, 0x03, 0x01, tags as u8];
    for i in 0..tags {
        f.push(12);
        f.extend_from_slice(&epc(first + i));
        f.push(0x60);
    }
    f[0] = (f.len() + 1) as u8;
    let crc = crc16_chafon(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

fn m100_frame(n: u32) -> Vec<u8> {
    let mut pc_epc = vec![0x30, 0x00];
    pc_epc.extend_from_slice(&epc(n));
    let mut params = vec![0xC9];
    params.extend_from_slice(&pc_epc);
    params.extend_from_slice(&crc16_gen2(&pc_epc).to_be_bytes());
    let mut f = vec![0xBB, 0x02, 0x22, 0x00, params.len() as u8];
    f.extend_from_slice(&params);
    f.push(sum8(&f[1..]));
    f.push(0x7E);
    f
}

fn thingmagic_frame(first: u32, tags: u32) -> Vec<u8> {
    let mut data = vec![0x00, 0x06, 0x00, tags as u8];
    for i in 0..tags {
        data.extend_from_slice(&[0xC4, 0x11, 0x00, 0x80, 0x30, 0x00]);
        data.extend_from_slice(&epc(first + i));
        data.extend_from_slice(&[0xAB, 0xCD]);
    }
    let mut f = vec![0xFF, data.len() as u8, 0x29, 0x00, 0x00];
    f.extend_from_slice(&data);
    let crc = crc16_thingmagic(&f[1..]);
    f.extend_from_slice(&crc.to_be_bytes());
    f
}

fn hid_pos_report(n: u32) -> Vec<u8> {
    let mut r = vec![0u8; 64];
    r[0] = 0x02;
    let data = format!("0109501101530003{:08}", n % 100_000_000);
    r[1] = data.len() as u8;
    r[2..5].copy_from_slice(b"]C1");
    r[5..5 + data.len()].copy_from_slice(data.as_bytes());
    r
}

fn wedge_reports(n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for c in format!("{:013}", n).bytes() {
        let usage = if c == b'0' { 0x27 } else { 0x1E + (c - b'1') };
        out.extend_from_slice(&[0, 0, usage, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&[0; 8]);
    }
    out.extend_from_slice(&[0, 0, 0x28, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&[0; 8]);
    out
}

fn stream(protocol: ProtocolId) -> Vec<u8> {
    (0..FRAMES)
        .flat_map(|n| match protocol {
            ProtocolId::HidPos => hid_pos_report(n),
            ProtocolId::KeyboardWedge => wedge_reports(n),
            ProtocolId::SerialBarcode => format!("]C10109501101530003{n:08}\r\n").into_bytes(),
            ProtocolId::ChafonUhfReader18 | ProtocolId::ChafonUhfReader288 => {
                chafon288_frame(n * 4, 4)
            }
            ProtocolId::ThingMagicMercury => thingmagic_frame(n * 4, 4),
            ProtocolId::M100Bb7e => m100_frame(n),
            ProtocolId::MtSics => format!("S D {:>10}.{:02} g\r\n", n, n % 100).into_bytes(),
            ProtocolId::AndStandard => format!("US,+{:06}.{:02} g\r\n", n, n % 100).into_bytes(),
            ProtocolId::Ohaus => format!("{:>10}.{:02} g ?\r\n", n, n % 100).into_bytes(),
            ProtocolId::Nci => {
                format!("\n{:04}.{:02}lb\r\n00\r\x03", n % 10_000, n % 100).into_bytes()
            }
        })
        .collect()
}

fn decode_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for protocol in ProtocolId::ALL {
        if protocol == ProtocolId::ChafonUhfReader18 {
            continue; // same framing as 288, measured there
        }
        let bytes = stream(protocol);
        let chunk = if matches!(protocol, ProtocolId::HidPos) {
            64
        } else if matches!(protocol, ProtocolId::KeyboardWedge) {
            8
        } else {
            READ_BYTES
        };
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(protocol.as_str(), |b| {
            let mut decoder = decoder_for(protocol, &ProtocolParams::default()).unwrap();
            let mut out: Vec<DeviceEvent> = Vec::with_capacity(8 * FRAMES as usize);
            b.iter(|| {
                decoder.reset();
                out.clear();
                for piece in bytes.chunks(chunk) {
                    decoder.feed(black_box(piece), &mut out);
                }
                assert!(!out.iter().any(DeviceEvent::is_error));
                black_box(out.len())
            });
        });
    }
    group.finish();
}

/// Frames → decoder → inventory round: 10,000 tag reads over a population of 500 tags.
fn rfid_path(c: &mut Criterion) {
    const READS: u32 = 10_000;
    const POPULATION: u32 = 500;
    const PER_FRAME: u32 = 10;
    let mut group = c.benchmark_group("rfid-frames-to-unique-tags");
    group.throughput(Throughput::Elements(u64::from(READS)));
    for protocol in [
        ProtocolId::ChafonUhfReader288,
        ProtocolId::ThingMagicMercury,
        ProtocolId::M100Bb7e,
    ] {
        let bytes: Vec<u8> = match protocol {
            ProtocolId::M100Bb7e => (0..READS)
                .flat_map(|i| m100_frame(i % POPULATION))
                .collect(),
            ProtocolId::ThingMagicMercury => (0..READS / PER_FRAME)
                .flat_map(|f| thingmagic_frame((f * PER_FRAME) % POPULATION, PER_FRAME))
                .collect(),
            _ => (0..READS / PER_FRAME)
                .flat_map(|f| chafon288_frame((f * PER_FRAME) % POPULATION, PER_FRAME))
                .collect(),
        };
        group.bench_function(protocol.as_str(), |b| {
            let mut decoder = decoder_for(protocol, &ProtocolParams::default()).unwrap();
            let mut out = Vec::with_capacity(64);
            b.iter(|| {
                decoder.reset();
                let mut round = InventoryRound::new(0, ROUND_TAGS_MAX);
                for (i, piece) in bytes.chunks(READ_BYTES).enumerate() {
                    out.clear();
                    decoder.feed(black_box(piece), &mut out);
                    for event in &out {
                        round.record_event(event, i as u64);
                    }
                }
                assert_eq!(round.reads(), u64::from(READS));
                assert_eq!(round.unique(), POPULATION as usize);
                black_box(round.finish())
            });
        });
    }
    group.finish();
}

/// Line noise delivered one byte per read: the cost of resynchronising.
fn resync_noise(c: &mut Criterion) {
    let mut x: u32 = 0x1234_5678;
    let noise: Vec<u8> = (0..16 * 1024)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 24) as u8
        })
        .collect();
    let mut group = c.benchmark_group("resync-noise-bytewise");
    group.throughput(Throughput::Bytes(noise.len() as u64));
    for protocol in [
        ProtocolId::ChafonUhfReader288,
        ProtocolId::ThingMagicMercury,
        ProtocolId::M100Bb7e,
        ProtocolId::MtSics,
    ] {
        group.bench_function(protocol.as_str(), |b| {
            let mut decoder = decoder_for(protocol, &ProtocolParams::default()).unwrap();
            let mut out = Vec::new();
            b.iter(|| {
                decoder.reset();
                out.clear();
                for byte in &noise {
                    decoder.feed(std::slice::from_ref(byte), &mut out);
                }
                black_box(out.len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, decode_throughput, rfid_path, resync_noise);
criterion_main!(benches);

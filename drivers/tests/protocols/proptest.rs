//! Property tests: decoders never panic and keep bounded buffers on arbitrary bytes in arbitrary
//! chunks; valid frames and lines decode the same whatever the chunking, with noise between
//! frames.

use crate::protocol_support::{epcs, hex, to_hex, without_noise};
use proptest::prelude::*;
use tally_drivers::event::DeviceEvent;
use tally_drivers::protocol::and_standard::AndDecoder;
use tally_drivers::protocol::chafon::{ChafonDecoder, ChafonFamily};
use tally_drivers::protocol::crc::{crc16_chafon, crc16_gen2, crc16_thingmagic, sum8};
use tally_drivers::protocol::hid_pos::HidPosDecoder;
use tally_drivers::protocol::keyboard_wedge::WedgeDecoder;
use tally_drivers::protocol::m100::M100Decoder;
use tally_drivers::protocol::mt_sics::MtSicsDecoder;
use tally_drivers::protocol::nci::NciDecoder;
use tally_drivers::protocol::ohaus::OhausDecoder;
use tally_drivers::protocol::serial_barcode::SerialBarcodeDecoder;
use tally_drivers::protocol::thingmagic::MercuryDecoder;
use tally_drivers::protocol::{Decoder, ProtocolParams};

/// Splits `bytes` at the given cut points (taken modulo the length).
fn chunk<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    if bytes.is_empty() {
        return vec![];
    }
    let mut points: Vec<usize> = cuts.iter().map(|c| c % bytes.len()).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    points.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

/// Feeds the chunks, checking the buffer bound after each read.
fn feed_bounded<D: Decoder>(
    d: &mut D,
    chunks: &[&[u8]],
    bound: usize,
    buffered: impl Fn(&D) -> usize,
) -> Vec<DeviceEvent> {
    let mut out = Vec::new();
    for c in chunks {
        d.feed(c, &mut out);
        assert!(buffered(d) <= bound, "buffered {} > {bound}", buffered(d));
    }
    // A quiet line afterwards never grows the buffer either.
    d.idle(&mut out);
    assert!(
        buffered(d) <= bound,
        "buffered {} > {bound} after idle",
        buffered(d)
    );
    out
}

fn chafon288_frame(tags: &[Vec<u8>]) -> Vec<u8> {
    let mut f = vec![0, 0x00, 0x01, 0x03, 0x01, u8::try_from(tags.len()).unwrap()];
    for t in tags {
        f.push(u8::try_from(t.len()).unwrap());
        f.extend_from_slice(t);
        f.push(0x50);
    }
    f[0] = u8::try_from(f.len() + 1).unwrap();
    let crc = crc16_chafon(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

fn m100_notice(epc: &[u8]) -> Vec<u8> {
    let mut pc_epc = vec![u8::try_from(epc.len() / 2).unwrap() << 3, 0x00];
    pc_epc.extend_from_slice(epc);
    let mut params = vec![0xC9];
    params.extend_from_slice(&pc_epc);
    params.extend_from_slice(&crc16_gen2(&pc_epc).to_be_bytes());
    let mut f = vec![0xBB, 0x02, 0x22, 0x00, u8::try_from(params.len()).unwrap()];
    f.extend_from_slice(&params);
    f.push(sum8(&f[1..]));
    f.push(0x7E);
    f
}

fn thingmagic_frame(tags: &[Vec<u8>]) -> Vec<u8> {
    let mut data = vec![0x00, 0x02, 0x00, u8::try_from(tags.len()).unwrap()];
    for t in tags {
        data.push(0xC0);
        let bits = u16::try_from((t.len() + 4) * 8).unwrap();
        data.extend_from_slice(&bits.to_be_bytes());
        data.extend_from_slice(&[0x30, 0x00]);
        data.extend_from_slice(t);
        data.extend_from_slice(&[0x12, 0x34]);
    }
    let mut f = vec![0xFF, u8::try_from(data.len()).unwrap(), 0x29, 0x00, 0x00];
    f.extend_from_slice(&data);
    let crc = crc16_thingmagic(&f[1..]);
    f.extend_from_slice(&crc.to_be_bytes());
    f
}

/// Regression (saved in `protocol_proptest.proptest-regressions`): in a 288 inventory reply the
/// tag block `10 | de 50 … e8 d9 4f` (EPCLen 16, then 16 EPC bytes) is itself shaped like a
/// Chafon frame, and for this EPC its last two bytes happen to be the CRC-16 of the 15 before
/// them. After noise the framer used to search ahead of the reply while it was still arriving,
/// took that block for a frame ("command 0x50 failed"), and lost the reply with both its tags.
#[test]
fn chance_crc_match_inside_a_288_reply_after_noise_does_not_cut_it() {
    let epc16 = hex("de50bcc810e7ea5a8fd24b4f85e8d94f");
    let epc12 = hex("000000000000000000000032");
    // The block really does pass the check on its own.
    let block = [&[0x10][..], &epc16].concat();
    assert_eq!(
        crc16_chafon(&block[..15]),
        u16::from_le_bytes([block[15], block[16]])
    );
    let reply = chafon288_frame(&[epc16.clone(), epc12.clone()]);
    let stream = [&[0x03, 0x03, 0x03, 0x02][..], &reply].concat();
    let expected = vec![to_hex(&epc16), to_hex(&epc12)];
    for cut in 0..stream.len() {
        let mut d = ChafonDecoder::new(ChafonFamily::UhfReader288);
        let events = feed_bounded(
            &mut d,
            &chunk(&stream, &[cut]),
            512,
            ChafonDecoder::buffered,
        );
        assert_eq!(epcs(&events), expected, "cut at {cut}");
        let events = without_noise(events);
        assert!(!events.iter().any(DeviceEvent::is_error), "{events:?}");
    }
    // Byte by byte, and with the whole reply in one read, too.
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    let mut d = ChafonDecoder::new(ChafonFamily::UhfReader288);
    assert_eq!(
        epcs(&feed_bounded(&mut d, &bytes, 512, ChafonDecoder::buffered)),
        expected
    );
}

fn arb_epc() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 12),
        proptest::collection::vec(any::<u8>(), 8),
        proptest::collection::vec(any::<u8>(), 16),
    ]
}

/// 128 cases, or as many as `PROPTEST_CASES` asks for (`with_cases` alone would ignore it).
fn config() -> ProptestConfig {
    let from_env = std::env::var("PROPTEST_CASES").is_ok_and(|v| v.parse::<u32>().is_ok());
    if from_env {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(128)
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_decoder_panics_or_grows_without_bound(
        bytes in proptest::collection::vec(any::<u8>(), 0..6000),
        cuts in proptest::collection::vec(any::<usize>(), 0..40),
    ) {
        let chunks = chunk(&bytes, &cuts);
        let p = ProtocolParams { max_scan_bytes: 256, ..ProtocolParams::default() };
        for family in [ChafonFamily::UhfReader18, ChafonFamily::UhfReader288] {
            let mut d = ChafonDecoder::new(family);
            feed_bounded(&mut d, &chunks, 512, ChafonDecoder::buffered);
        }
        feed_bounded(&mut M100Decoder::new(), &chunks, 2 * (3072 + 7), M100Decoder::buffered);
        feed_bounded(&mut MercuryDecoder::new(), &chunks, 2 * 255, MercuryDecoder::buffered);
        feed_bounded(&mut MtSicsDecoder::new(), &chunks, 256, MtSicsDecoder::buffered);
        feed_bounded(&mut AndDecoder::new(), &chunks, 64, AndDecoder::buffered);
        feed_bounded(&mut OhausDecoder::new(), &chunks, 128, OhausDecoder::buffered);
        feed_bounded(&mut NciDecoder::new(), &chunks, 64, NciDecoder::buffered);
        let mut serial = SerialBarcodeDecoder::new(&p).unwrap();
        feed_bounded(&mut serial, &chunks, 256 + 1, SerialBarcodeDecoder::buffered);
        let mut hid = HidPosDecoder::from_params(&p).unwrap();
        feed_bounded(&mut hid, &chunks, 64 + 256, HidPosDecoder::buffered);
        let mut wedge = WedgeDecoder::new(&p);
        feed_bounded(&mut wedge, &chunks, 8 + 256, WedgeDecoder::buffered);
    }

    #[test]
    fn rfid_frames_survive_any_chunking_and_noise_between(
        rounds in proptest::collection::vec(proptest::collection::vec(arb_epc(), 1..6), 1..8),
        noise in proptest::collection::vec(proptest::collection::vec(0u8..5, 0..6), 8),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
    ) {
        let expected: Vec<String> = rounds.iter().flatten().map(|e| to_hex(e)).collect();
        // Chafon: noise bytes below 5 can never start a response (Len >= 5).
        let stream: Vec<u8> = rounds
            .iter()
            .zip(&noise)
            .flat_map(|(tags, n)| [n.clone(), chafon288_frame(tags)].concat())
            .collect();
        let mut d = ChafonDecoder::new(ChafonFamily::UhfReader288);
        let events = feed_bounded(&mut d, &chunk(&stream, &cuts), 512, ChafonDecoder::buffered);
        prop_assert_eq!(epcs(&events), expected.clone());
        prop_assert!(!without_noise(events).iter().any(DeviceEvent::is_error));

        // M100: noise without 0xBB.
        let stream: Vec<u8> = rounds
            .iter()
            .flatten()
            .zip(noise.iter().cycle())
            .flat_map(|(epc, n)| [n.clone(), m100_notice(epc)].concat())
            .collect();
        let mut d = M100Decoder::new();
        let events = feed_bounded(&mut d, &chunk(&stream, &cuts), 6158, M100Decoder::buffered);
        prop_assert_eq!(epcs(&events), expected.clone());

        // ThingMagic: noise without 0xFF.
        let stream: Vec<u8> = rounds
            .iter()
            .zip(&noise)
            .flat_map(|(tags, n)| [n.clone(), thingmagic_frame(tags)].concat())
            .collect();
        let mut d = MercuryDecoder::new();
        let events = feed_bounded(&mut d, &chunk(&stream, &cuts), 510, MercuryDecoder::buffered);
        prop_assert_eq!(epcs(&events), expected);
    }

    #[test]
    fn scale_lines_survive_any_chunking(
        weights in proptest::collection::vec((0u32..1_000_000, 0u32..100, any::<bool>()), 1..20),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
    ) {
        let expected: Vec<(String, bool)> = weights
            .iter()
            .map(|(i, f, s)| (format!("{i}.{f:02}"), *s))
            .collect();
        let streams: [(Box<dyn Decoder>, String); 4] = [
            (
                Box::new(MtSicsDecoder::new()),
                weights.iter().map(|(i, f, s)| {
                    format!("S {} {:>10} g\r\n", if *s { "S" } else { "D" }, format!("{i}.{f:02}"))
                }).collect(),
            ),
            (
                Box::new(AndDecoder::new()),
                weights.iter().map(|(i, f, s)| {
                    format!("{},+{:06}.{:02}  g\r\n", if *s { "ST" } else { "US" }, i, f)
                }).collect(),
            ),
            (
                Box::new(OhausDecoder::new()),
                weights.iter().map(|(i, f, s)| {
                    format!("{:>10}.{:02} g {}\r\n", i, f, if *s { " " } else { "?" })
                }).collect(),
            ),
            (
                Box::new(NciDecoder::new()),
                weights.iter().map(|(i, f, s)| {
                    format!("\n{:04}.{:02}lb\r\n{}0\r\x03", i, f, if *s { "0" } else { "1" })
                }).collect(),
            ),
        ];
        for (mut decoder, text) in streams {
            let mut out = Vec::new();
            for c in chunk(text.as_bytes(), &cuts) {
                decoder.feed(c, &mut out);
            }
            let got: Vec<(String, bool)> = out
                .iter()
                .map(|e| match e {
                    DeviceEvent::Weight(w) => (w.value.clone(), w.stable),
                    other => panic!("{}: {other:?}", decoder.protocol()),
                })
                .collect();
            prop_assert_eq!(&got, &expected, "{}", decoder.protocol());
        }
    }

    #[test]
    fn serial_scans_survive_any_chunking(
        scans in proptest::collection::vec(proptest::collection::vec(0x20u8..0x7F, 1..100), 1..10),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
    ) {
        let p = ProtocolParams { prefix: vec![0x02], suffix: vec![0x0D, 0x0A], ..ProtocolParams::default() };
        let stream: Vec<u8> = scans
            .iter()
            .flat_map(|s| [&[0x02][..], s, b"\r\n"].concat())
            .collect();
        let mut d = SerialBarcodeDecoder::new(&p).unwrap();
        let mut out = Vec::new();
        for c in chunk(&stream, &cuts) {
            d.feed(c, &mut out);
        }
        let got: Vec<Vec<u8>> = out
            .into_iter()
            .map(|e| match e {
                DeviceEvent::Scan(input) => input.bytes().to_vec(),
                other => panic!("{other:?}"),
            })
            .collect();
        prop_assert_eq!(got, scans);
    }

    #[test]
    fn hid_reports_survive_any_chunking(
        scans in proptest::collection::vec(proptest::collection::vec(1u8..=0x7F, 1..150), 1..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
    ) {
        // HID POS, default 64-byte layout: each scan split over 56-byte reports.
        let mut stream = Vec::new();
        for scan in &scans {
            let pieces: Vec<&[u8]> = scan.chunks(56).collect();
            for (i, piece) in pieces.iter().enumerate() {
                let mut r = vec![0u8; 64];
                r[0] = 0x02;
                r[1] = u8::try_from(piece.len()).unwrap();
                r[2..5].copy_from_slice(b"]C0");
                r[5..5 + piece.len()].copy_from_slice(piece);
                r[63] = u8::from(i + 1 < pieces.len());
                stream.extend_from_slice(&r);
            }
        }
        let mut d = HidPosDecoder::from_params(&ProtocolParams::default()).unwrap();
        let mut out = Vec::new();
        for c in chunk(&stream, &cuts) {
            d.feed(c, &mut out);
        }
        let expected: Vec<DeviceEvent> = scans
            .iter()
            .map(|s| DeviceEvent::scan([&b"]C0"[..], s].concat()))
            .collect();
        prop_assert_eq!(out, expected);
    }

    #[test]
    fn wedge_reports_survive_any_chunking(
        scans in proptest::collection::vec("[0-9A-Za-z]{1,40}", 1..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
    ) {
        let usage = |c: u8| -> (u8, u8) {
            match c {
                b'a'..=b'z' => (0, 0x04 + c - b'a'),
                b'A'..=b'Z' => (0x02, 0x04 + c - b'A'),
                b'0' => (0, 0x27),
                _ => (0, 0x1E + c - b'1'),
            }
        };
        let mut stream = Vec::new();
        for scan in &scans {
            for c in scan.bytes() {
                let (m, u) = usage(c);
                stream.extend_from_slice(&[m, 0, u, 0, 0, 0, 0, 0]);
                stream.extend_from_slice(&[0; 8]);
            }
            stream.extend_from_slice(&[0, 0, 0x28, 0, 0, 0, 0, 0]);
            stream.extend_from_slice(&[0; 8]);
        }
        let mut d = WedgeDecoder::new(&ProtocolParams::default());
        let mut out = Vec::new();
        for c in chunk(&stream, &cuts) {
            d.feed(c, &mut out);
        }
        let expected: Vec<DeviceEvent> = scans
            .iter()
            .map(|s| DeviceEvent::scan(s.clone().into_bytes()))
            .collect();
        prop_assert_eq!(out, expected);
    }
}

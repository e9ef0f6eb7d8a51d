//! Stream behaviour beyond the vector files: one byte at a time, garbage before and between
//! frames, a bad CRC followed by a good frame, torn frames, overlong lines, parity bits.

use crate::protocol_support::{epcs, feed_bytewise, feed_chunks, to_hex, without_noise};
use tally_drivers::event::{DeviceEvent, ProtocolError, WeightReading, WeightUnit};
use tally_drivers::protocol::crc::{crc16_chafon, crc16_gen2, crc16_thingmagic, sum8};
use tally_drivers::protocol::{decoder_for, protocol_by_id, Decoder, ProtocolId, ProtocolParams};

fn decoder(p: ProtocolId) -> Box<dyn Decoder> {
    decoder_for(p, &ProtocolParams::default()).unwrap()
}

fn epc(n: u32) -> Vec<u8> {
    let mut e = vec![0x30, 0x14, 0x25, 0x7B, 0xF7, 0x19, 0x4E, 0x40];
    e.extend_from_slice(&n.to_be_bytes());
    e
}

/// A Chafon UHFReader18 inventory reply carrying `tags` (status 0x03, more frames follow).
fn chafon18_reply(tags: &[Vec<u8>]) -> Vec<u8> {
    let mut f = vec![0, 0x00, 0x01, 0x03, u8::try_from(tags.len()).unwrap()];
    for t in tags {
        f.push(u8::try_from(t.len()).unwrap());
        f.extend_from_slice(t);
    }
    f[0] = u8::try_from(f.len() + 1).unwrap();
    let crc = crc16_chafon(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

/// An M100 tag notice for `epc` at `rssi` dBm.
fn m100_notice(epc: &[u8], rssi: i8) -> Vec<u8> {
    let words = u16::try_from(epc.len() / 2).unwrap();
    let pc = (words << 11).to_be_bytes();
    let mut pc_epc = pc.to_vec();
    pc_epc.extend_from_slice(epc);
    let mut params = vec![rssi.to_be_bytes()[0]];
    params.extend_from_slice(&pc_epc);
    params.extend_from_slice(&crc16_gen2(&pc_epc).to_be_bytes());
    let mut f = vec![0xBB, 0x02, 0x22];
    f.extend_from_slice(&u16::try_from(params.len()).unwrap().to_be_bytes());
    f.extend_from_slice(&params);
    f.push(sum8(&f[1..]));
    f.push(0x7E);
    f
}

/// A ThingMagic get-tag-buffer reply with RSSI and antenna metadata.
fn thingmagic_buffer(tags: &[(Vec<u8>, i8, u8)]) -> Vec<u8> {
    let mut data = vec![0x00, 0x06, 0x00, u8::try_from(tags.len()).unwrap()];
    for (epc, rssi, antenna) in tags {
        data.push(rssi.to_be_bytes()[0]);
        data.push((antenna << 4) | antenna);
        let bits = u16::try_from((epc.len() + 4) * 8).unwrap();
        data.extend_from_slice(&bits.to_be_bytes());
        data.extend_from_slice(&[0x30, 0x00]);
        data.extend_from_slice(epc);
        data.extend_from_slice(&[0xAB, 0xCD]);
    }
    let mut f = vec![0xFF, u8::try_from(data.len()).unwrap(), 0x29, 0x00, 0x00];
    f.extend_from_slice(&data);
    let crc = crc16_thingmagic(&f[1..]);
    f.extend_from_slice(&crc.to_be_bytes());
    f
}

/// Flips the last CRC/checksum bits of a frame.
fn corrupt_crc(frame: &[u8], at_from_end: usize) -> Vec<u8> {
    let mut f = frame.to_vec();
    let i = f.len() - at_from_end;
    f[i] ^= 0x5A;
    f
}

#[test]
fn bad_crc_then_good_frame_chafon() {
    let good1 = chafon18_reply(&[epc(1)]);
    let bad = corrupt_crc(&chafon18_reply(&[epc(2)]), 1);
    let good2 = chafon18_reply(&[epc(3), epc(4)]);
    let stream = [good1, bad, good2].concat();
    for events in [
        feed_chunks(decoder(ProtocolId::ChafonUhfReader18).as_mut(), &[&stream]),
        feed_bytewise(decoder(ProtocolId::ChafonUhfReader18).as_mut(), &stream),
    ] {
        assert_eq!(
            epcs(&events),
            vec![to_hex(&epc(1)), to_hex(&epc(3)), to_hex(&epc(4))]
        );
        let errors: Vec<_> = events.iter().filter(|e| e.is_error()).collect();
        assert_eq!(errors.len(), 1, "{events:?}");
        assert!(matches!(
            errors[0],
            DeviceEvent::Error(ProtocolError::BadCrc { .. })
        ));
    }
}

#[test]
fn bad_crc_message_is_precise() {
    let good = chafon18_reply(&[epc(9)]);
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 2] = 0x78;
    bad[n - 1] = 0x56;
    let events = feed_chunks(decoder(ProtocolId::ChafonUhfReader18).as_mut(), &[&bad]);
    let expected = crc16_chafon(&good[..n - 2]);
    assert_eq!(
        events,
        vec![DeviceEvent::Error(ProtocolError::BadCrc {
            expected,
            got: 0x5678
        })]
    );
    assert_eq!(
        ProtocolError::BadCrc {
            expected: 0x1234,
            got: 0x5678
        }
        .to_string(),
        "bad CRC: expected 0x1234, got 0x5678; frame dropped"
    );
}

#[test]
fn bad_checksum_then_good_frame_m100_and_thingmagic() {
    let good = m100_notice(&epc(1), -40);
    let bad = corrupt_crc(&m100_notice(&epc(2), -41), 2);
    let stream = [good.clone(), bad, good.clone()].concat();
    let events = feed_bytewise(decoder(ProtocolId::M100Bb7e).as_mut(), &stream);
    assert_eq!(epcs(&events), vec![to_hex(&epc(1)), to_hex(&epc(1))]);
    assert!(events
        .iter()
        .any(|e| matches!(e, DeviceEvent::Error(ProtocolError::BadChecksum { .. }))));

    let good = thingmagic_buffer(&[(epc(5), -60, 2)]);
    let bad = corrupt_crc(&good, 1);
    let stream = [bad, good].concat();
    let events = feed_bytewise(decoder(ProtocolId::ThingMagicMercury).as_mut(), &stream);
    assert_eq!(epcs(&events), vec![to_hex(&epc(5))]);
    assert!(events.contains(&DeviceEvent::TagRead {
        epc: epc(5),
        rssi: Some(-60),
        antenna: Some(2)
    }));
    assert!(matches!(
        events[0],
        DeviceEvent::Error(ProtocolError::BadCrc { .. })
    ));
}

#[test]
fn garbage_before_and_between_frames() {
    let noise: &[u8] = &[0x00, 0x01, 0x02, 0x03, 0x04, 0x00];
    let f1 = chafon18_reply(&[epc(1)]);
    let f2 = chafon18_reply(&[epc(2)]);
    let stream = [noise, &f1, noise, noise, &f2].concat();
    let events = feed_bytewise(decoder(ProtocolId::ChafonUhfReader18).as_mut(), &stream);
    assert_eq!(epcs(&events), vec![to_hex(&epc(1)), to_hex(&epc(2))]);
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, DeviceEvent::Error(ProtocolError::Noise { .. })))
            .count(),
        2
    );

    // M100: stray 0xBB, CR LF, a lone 0x7E.
    let n1 = m100_notice(&epc(3), -50);
    let stream = [&[0xBB, 0x0D, 0x0A][..], &n1, &[0x7E, 0xBB], &n1].concat();
    let events = without_noise(feed_bytewise(
        decoder(ProtocolId::M100Bb7e).as_mut(),
        &stream,
    ));
    assert_eq!(epcs(&events), vec![to_hex(&epc(3)), to_hex(&epc(3))]);
}

#[test]
fn a_torn_frame_does_not_hold_back_the_next_good_frame() {
    // The first frame loses its tail (unplugged mid-frame): its Len promises 20 bytes, only 9
    // arrive, then a complete frame. The complete frame is decoded as soon as it is in, even
    // though the torn one's length would reach past the buffered bytes.
    let torn = chafon18_reply(&[epc(1)]);
    let good = chafon18_reply(&[epc(2)]);
    let mut d = decoder(ProtocolId::ChafonUhfReader18);
    let mut out = Vec::new();
    d.feed(&torn[..9], &mut out);
    assert!(out.is_empty());
    let long_len = [0x7Fu8];
    d.feed(&long_len, &mut out); // a corrupted Len byte promising 128 bytes
    d.feed(&good, &mut out);
    assert_eq!(epcs(&out), vec![to_hex(&epc(2))]);
}

#[test]
fn every_decoder_decodes_one_byte_at_a_time() {
    let cases: Vec<(ProtocolId, Vec<u8>, usize)> = vec![
        (
            ProtocolId::ChafonUhfReader18,
            chafon18_reply(&[epc(1), epc(2)]),
            2,
        ),
        (ProtocolId::M100Bb7e, m100_notice(&epc(1), -70), 1),
        (
            ProtocolId::ThingMagicMercury,
            thingmagic_buffer(&[(epc(1), -50, 1), (epc(2), -51, 1)]),
            2,
        ),
        (ProtocolId::MtSics, b"S S      12.34 g\r\n".to_vec(), 1),
        (ProtocolId::AndStandard, b"ST,+0012.34  g\r\n".to_vec(), 1),
        (ProtocolId::Ohaus, b"      12.34 g\r\n".to_vec(), 1),
        (ProtocolId::Nci, b"\n0012.34lb\r\n00\r\x03".to_vec(), 1),
        (
            ProtocolId::SerialBarcode,
            b"]C1010123456789012810AB\r".to_vec(),
            1,
        ),
    ];
    for (p, bytes, n) in cases {
        let events = feed_bytewise(decoder(p).as_mut(), &bytes);
        let whole = feed_chunks(decoder(p).as_mut(), &[&bytes]);
        assert_eq!(events, whole, "{p}");
        assert_eq!(events.len(), n, "{p}: {events:?}");
        assert!(!events.iter().any(DeviceEvent::is_error), "{p}: {events:?}");
    }
}

#[test]
fn overlong_lines_are_dropped_and_the_next_line_decodes() {
    let long = vec![b'9'; 10_000];
    for (p, good) in [
        (ProtocolId::MtSics, &b"S S 1.00 g\r\n"[..]),
        (ProtocolId::AndStandard, &b"ST,+0001.00  g\r\n"[..]),
        (ProtocolId::Ohaus, &b"   1.00 g\r\n"[..]),
    ] {
        let mut d = decoder(p);
        let mut out = Vec::new();
        for chunk in long.chunks(333) {
            d.feed(chunk, &mut out);
        }
        d.feed(b"\r\n", &mut out);
        d.feed(good, &mut out);
        assert_eq!(out.len(), 2, "{p}: {out:?}");
        assert!(matches!(
            out[0],
            DeviceEvent::Error(ProtocolError::TooLong { .. })
        ));
        assert_eq!(
            out[1],
            DeviceEvent::Weight(WeightReading::new("1.00", WeightUnit::Gram, true)),
            "{p}"
        );
    }
    // NCI: a reply without ETX for too long is dropped; the next reply decodes.
    let mut d = decoder(ProtocolId::Nci);
    let mut out = Vec::new();
    d.feed(&long, &mut out);
    d.feed(b"\x03\n0001.00lb\r\n00\r\x03", &mut out);
    assert!(matches!(
        out[0],
        DeviceEvent::Error(ProtocolError::TooLong { .. })
    ));
    assert_eq!(
        out[1..],
        [DeviceEvent::Weight(WeightReading {
            value: "1.00".into(),
            unit: WeightUnit::Pound,
            stable: true,
            range: tally_drivers::event::WeightRange::InRange,
            mode: None,
            legend: None,
        })]
    );
}

#[test]
fn nci_with_parity_bits_and_a_torn_reply() {
    // 7E1 bytes read as 8 bits: set bit 7 on every byte; still decodes.
    let reply: Vec<u8> = b"\n0002.50lb\r\n00\r\x03"
        .iter()
        .map(|b| b | 0x80)
        .collect();
    let events = feed_chunks(decoder(ProtocolId::Nci).as_mut(), &[&reply]);
    let [DeviceEvent::Weight(w)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!((w.value.as_str(), w.stable), ("2.50", true));
    // '3' = 0x33: in motion + at zero → not stable.
    let events = feed_chunks(
        decoder(ProtocolId::Nci).as_mut(),
        &[b"\n0000.00lb\r\n33\r\x03"],
    );
    assert!(matches!(&events[..], [DeviceEvent::Weight(w)] if !w.stable));
    // A reply whose weight record lost its CR: the torn record is noise, the next decodes.
    let events = feed_chunks(
        decoder(ProtocolId::Nci).as_mut(),
        &[b"\n0001.2\n0001.25lb\r\n00\r\x03"],
    );
    assert!(matches!(
        events[0],
        DeviceEvent::Error(ProtocolError::Noise { .. })
    ));
    assert!(matches!(&events[1], DeviceEvent::Weight(w) if w.value == "1.25"));
    // A fault bit is reported as a fault, not a weight.
    let events = feed_chunks(
        decoder(ProtocolId::Nci).as_mut(),
        &[b"\n0001.00lb\r\n08\r\x03"],
    );
    assert!(matches!(
        &events[..],
        [DeviceEvent::Error(ProtocolError::ScaleFault { .. })]
    ));
}

#[test]
fn chafon_288_reports_antenna_and_raw_rssi_and_fastid() {
    // AntMask 0x04 (antenna 3), 2 tags: a plain EPC with RSSI 0x6B, and a FastID block.
    let tid = [0xE2u8; 12];
    let mut data = vec![0x04, 0x02, 12];
    data.extend_from_slice(&epc(7));
    data.push(0x6B);
    data.push(0x80 | 24);
    data.extend_from_slice(&epc(8));
    data.extend_from_slice(&tid);
    data.push(0x64);
    let mut f = vec![0, 0x00, 0x01, 0x01];
    f.extend_from_slice(&data);
    f[0] = u8::try_from(f.len() + 1).unwrap();
    let crc = crc16_chafon(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    let events = feed_chunks(decoder(ProtocolId::ChafonUhfReader288).as_mut(), &[&f]);
    assert_eq!(
        events,
        vec![
            DeviceEvent::TagRead {
                epc: epc(7),
                rssi: Some(0x6B),
                antenna: Some(3)
            },
            DeviceEvent::TagRead {
                epc: epc(8),
                rssi: Some(0x64),
                antenna: Some(3)
            },
            DeviceEvent::Reply(tally_drivers::event::CommandReply::InventoryDone { tags: 2 }),
        ]
    );
}

#[test]
fn thingmagic_boot_message_and_wrong_reply() {
    let boot = {
        let mut f = vec![0xFF, 0x00, 0x04, 0x00, 0x00];
        let crc = crc16_thingmagic(&f[1..]);
        f.extend_from_slice(&crc.to_be_bytes());
        f
    };
    let mut d = decoder(ProtocolId::ThingMagicMercury);
    d.command_sent(&[0xFF, 0x00, 0x03, 0x1D, 0x0C]);
    let events = feed_chunks(d.as_mut(), &[&boot]);
    assert_eq!(events, vec![DeviceEvent::Error(ProtocolError::DeviceReset)]);
    // Status 0x0400 = no tags found: an empty round, not a failure.
    let mut f = vec![0xFF, 0x00, 0x22, 0x04, 0x00];
    let crc = crc16_thingmagic(&f[1..]);
    f.extend_from_slice(&crc.to_be_bytes());
    let events = feed_chunks(decoder(ProtocolId::ThingMagicMercury).as_mut(), &[&f]);
    assert_eq!(
        events,
        vec![DeviceEvent::Reply(
            tally_drivers::event::CommandReply::InventoryDone { tags: 0 }
        )]
    );
}

#[test]
fn registry_knows_every_profile_protocol_name() {
    for name in [
        "hid-pos",
        "keyboard-wedge",
        "serial-barcode",
        "chafon-uhfreader18",
        "chafon-uhfreader288",
        "thingmagic-mercury",
        "m100-bb7e",
        "mt-sics",
        "and-standard",
        "ohaus",
        "nci",
    ] {
        let d = protocol_by_id(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(d.protocol().as_str(), name);
    }
    assert!(protocol_by_id("mt_sics").is_none());
    let err = "casio".parse::<ProtocolId>().unwrap_err();
    assert!(err.to_string().contains("unknown protocol \"casio\""));
}

#[test]
fn reset_forgets_a_partial_frame() {
    let f = chafon18_reply(&[epc(1)]);
    let mut d = decoder(ProtocolId::ChafonUhfReader18);
    let mut out = Vec::new();
    d.feed(&f[..10], &mut out);
    d.reset();
    d.feed(&f, &mut out);
    assert_eq!(epcs(&out), vec![to_hex(&epc(1))]);
    assert!(!out.iter().any(DeviceEvent::is_error));
}

#[test]
fn idle_releases_a_good_frame_held_behind_a_torn_one() {
    // A long reply is cut off after 20 bytes (reader reset), then a short reply arrives whole,
    // then the line goes quiet. The short reply lies inside the torn frame's promised length,
    // so the decoder waits; idle() proves the torn frame dead and decodes the good one.
    let tags: Vec<Vec<u8>> = (0..10).map(epc).collect();
    let long = chafon18_reply(&tags);
    let short = chafon18_reply(&[epc(42)]);
    let mut d = decoder(ProtocolId::ChafonUhfReader18);
    let mut out = Vec::new();
    d.feed(&long[..20], &mut out);
    d.feed(&short, &mut out);
    assert!(out.is_empty(), "{out:?}");
    d.idle(&mut out);
    assert_eq!(epcs(&out), vec![to_hex(&epc(42))]);
    assert_eq!(
        out[0],
        DeviceEvent::Error(ProtocolError::Noise { bytes: 20 })
    );
    // And the stream goes on normally afterwards.
    let mut after = Vec::new();
    d.feed(&short, &mut after);
    assert_eq!(epcs(&after), vec![to_hex(&epc(42))]);
    assert!(!after.iter().any(DeviceEvent::is_error));
    // The same for M100 and ThingMagic.
    let long = m100_notice(&[0x11; 60], -30);
    let short = m100_notice(&epc(43), -31);
    let mut d = decoder(ProtocolId::M100Bb7e);
    let mut out = Vec::new();
    d.feed(&long[..10], &mut out);
    d.feed(&short, &mut out);
    assert!(out.is_empty(), "{out:?}");
    d.idle(&mut out);
    assert_eq!(epcs(&out), vec![to_hex(&epc(43))]);
    let long = thingmagic_buffer(&[(epc(1), -50, 1), (epc(2), -50, 1), (epc(3), -50, 1)]);
    let short = thingmagic_buffer(&[(epc(44), -50, 1)]);
    let mut d = decoder(ProtocolId::ThingMagicMercury);
    let mut out = Vec::new();
    d.feed(&long[..12], &mut out);
    d.feed(&short, &mut out);
    assert!(out.is_empty(), "{out:?}");
    d.idle(&mut out);
    assert_eq!(epcs(&out), vec![to_hex(&epc(44))]);
}

#[test]
fn idle_drops_partial_lines_and_replies() {
    for (p, partial, good) in [
        (ProtocolId::MtSics, &b"S S   12"[..], &b"S S 1.00 g\r\n"[..]),
        (
            ProtocolId::AndStandard,
            &b"ST,+00"[..],
            &b"ST,+0001.00  g\r\n"[..],
        ),
        (ProtocolId::Ohaus, &b"   12."[..], &b"   1.00 g\r\n"[..]),
        (
            ProtocolId::Nci,
            &b"\n0001."[..],
            &b"\n0001.00g\r\n00\r\x03"[..],
        ),
    ] {
        let mut d = decoder(p);
        let mut out = Vec::new();
        d.feed(partial, &mut out);
        d.idle(&mut out);
        d.feed(good, &mut out);
        assert_eq!(
            out[0],
            DeviceEvent::Error(ProtocolError::Noise {
                bytes: partial.len()
            }),
            "{p}"
        );
        assert!(
            matches!(&out[1..], [DeviceEvent::Weight(w)] if w.value == "1.00"),
            "{p}: {out:?}"
        );
    }
    // A serial scan without its suffix is dropped at idle; a wedge scan is kept.
    let mut d = decoder(ProtocolId::SerialBarcode);
    let mut out = Vec::new();
    d.feed(b"01234", &mut out);
    d.idle(&mut out);
    d.feed(b"567\r", &mut out);
    assert_eq!(
        out,
        vec![
            DeviceEvent::Error(ProtocolError::Noise { bytes: 5 }),
            DeviceEvent::scan(&b"567"[..])
        ]
    );
    let mut d = decoder(ProtocolId::KeyboardWedge);
    let mut out = Vec::new();
    d.feed(&[0, 0, 0x1E, 0, 0, 0, 0, 0], &mut out);
    d.feed(&[0; 8], &mut out);
    d.idle(&mut out);
    d.feed(&[0, 0, 0x28, 0, 0, 0, 0, 0], &mut out);
    assert_eq!(out, vec![DeviceEvent::scan(&b"1"[..])]);
}

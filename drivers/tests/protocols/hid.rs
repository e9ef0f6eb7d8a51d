//! Every row of `tests/vectors/hid-reports.tsv`: descriptors are parsed, HID POS reports are
//! decoded with the descriptor in the row before, boot-keyboard reports are typed.

use crate::protocol_support::{feed_chunks, hex, read_vectors, unescape, Row};
use tally_drivers::event::{DeviceEvent, ProtocolError};
use tally_drivers::protocol::hid_descriptor::{parse_hid_pos, BitField, HidPosLayout};
use tally_drivers::protocol::hid_pos::HidPosDecoder;
use tally_drivers::protocol::keyboard_wedge::WedgeDecoder;
use tally_drivers::protocol::{decoder_for, ProtocolId, ProtocolParams};

/// The scan a HID POS report hands over: the identifier (when the report has one) in front
/// of the data, as one input.
fn scan_event(symbology: &Option<String>, data: &[u8]) -> DeviceEvent {
    let mut bytes = symbology
        .clone()
        .map(String::into_bytes)
        .unwrap_or_default();
    bytes.extend_from_slice(data);
    DeviceEvent::scan(bytes)
}

fn byte(i: usize) -> Option<BitField> {
    Some(BitField {
        bit_offset: i * 8,
        size_bits: 8,
    })
}

/// The layout each descriptor row describes (from its `meaning`).
fn expected_layout(row: &Row) -> HidPosLayout {
    let meaning = row.get("meaning");
    if meaning.starts_with("Honeywell ReM") {
        // 64 bytes with the ID; same as the built-in fallback.
        HidPosLayout::honeywell_64()
    } else if meaning.contains("without byte count") {
        HidPosLayout {
            report_id: Some(2),
            report_len: 61,
            byte_count: None,
            symbology: [byte(1), byte(2), byte(3)],
            data_offset: 4,
            data_len: 56,
            continued: Some(BitField {
                bit_offset: 480,
                size_bits: 1,
            }),
        }
    } else if meaning.contains("with byte count first") {
        HidPosLayout {
            report_id: Some(2),
            report_len: 62,
            byte_count: byte(1),
            symbology: [byte(2), byte(3), byte(4)],
            data_offset: 5,
            data_len: 56,
            continued: Some(BitField {
                bit_offset: 488,
                size_bits: 1,
            }),
        }
    } else {
        panic!("line {}: no expectation for descriptor {meaning}", row.line)
    }
}

/// Symbology, data and continued flag stated by a report row's `meaning`.
fn report_meaning(row: &Row) -> (Option<String>, Vec<u8>, bool) {
    let meaning = row.get("meaning");
    let after = |key: &str| -> String {
        let start = meaning
            .find(key)
            .unwrap_or_else(|| panic!("line {}: no {key:?}", row.line))
            + key.len();
        meaning[start..]
            .split([',', ' '])
            .next()
            .unwrap_or("")
            .to_string()
    };
    let symbology = Some(after("symbology "));
    let data = unescape(&after(", data "));
    let continued = after("continued ") == "true";
    (symbology, data, continued)
}

#[test]
fn every_hid_pos_descriptor_and_report_row() {
    let rows = read_vectors("hid-reports.tsv");
    let mut layout: Option<HidPosLayout> = None;
    let mut reports = 0;
    for row in &rows {
        match row.get("kind") {
            "hid-pos-descriptor" => {
                let parsed = parse_hid_pos(&hex(row.get("hex")))
                    .unwrap_or_else(|e| panic!("line {}: {e}", row.line));
                assert_eq!(parsed, expected_layout(row), "line {}", row.line);
                layout = Some(parsed);
            }
            "hid-pos-report" => {
                reports += 1;
                let layout = layout.clone().expect("a descriptor row before the report");
                let report = hex(row.get("hex"));
                assert_eq!(report.len(), layout.report_len, "line {}", row.line);
                let (symbology, data, continued) = report_meaning(row);
                let mut d = HidPosDecoder::new(layout.clone(), 8192);
                let events = feed_chunks(&mut d, &[&report]);
                if continued {
                    // Nothing yet: the scan goes on in the next report. End it with an empty
                    // report (same layout, continued bit clear, no data).
                    assert!(events.is_empty(), "line {}: {events:?}", row.line);
                    let mut last = vec![0u8; layout.report_len];
                    last[0] = report[0];
                    let events = feed_chunks(&mut d, &[&last]);
                    assert_eq!(
                        events,
                        vec![scan_event(&symbology, &data)],
                        "line {}",
                        row.line
                    );
                } else {
                    assert_eq!(
                        events,
                        vec![scan_event(&symbology, &data)],
                        "line {}",
                        row.line
                    );
                }
                // The same report split in two reads decodes the same.
                let mut d = HidPosDecoder::new(layout, 8192);
                let (a, b) = report.split_at(report.len() / 2);
                let split = feed_chunks(&mut d, &[a, b]);
                assert_eq!(split.is_empty(), continued, "line {}", row.line);
            }
            _ => {}
        }
    }
    assert_eq!(reports, 2);
}

/// Runs boot-keyboard reports through a wedge decoder.
fn type_reports(params: &ProtocolParams, reports: &[Vec<u8>]) -> Vec<DeviceEvent> {
    let mut d = WedgeDecoder::new(params);
    let chunks: Vec<&[u8]> = reports.iter().map(Vec::as_slice).collect();
    feed_chunks(&mut d, &chunks)
}

fn key(modifiers: u8, usage: u8) -> Vec<u8> {
    vec![modifiers, 0, usage, 0, 0, 0, 0, 0]
}

const RELEASE: [u8; 8] = [0; 8];
const ENTER: u8 = 0x28;

#[test]
fn every_boot_keyboard_row() {
    let rows = read_vectors("hid-reports.tsv");
    let keyboard: Vec<&Row> = rows
        .iter()
        .filter(|r| r.get("kind") == "boot-keyboard")
        .collect();
    assert_eq!(keyboard.len(), 5);
    let params = ProtocolParams::default();
    for row in keyboard {
        let report = hex(row.get("hex"));
        let meaning = row.get("meaning");
        let events = if meaning.contains("Alt held + usage 0x62") {
            // The row is the first key of Alt + 0,0,2,9: finish the sequence, release Alt.
            type_reports(
                &params,
                &[
                    report.clone(),
                    key(0x04, 0),
                    key(0x04, 0x62),
                    key(0x04, 0),
                    key(0x04, 0x5A),
                    key(0x04, 0),
                    key(0x04, 0x61),
                    RELEASE.to_vec(),
                    key(0, ENTER),
                    RELEASE.to_vec(),
                ],
            )
        } else {
            type_reports(
                &params,
                &[
                    report.clone(),
                    RELEASE.to_vec(),
                    key(0, ENTER),
                    RELEASE.to_vec(),
                ],
            )
        };
        let expected: Vec<DeviceEvent> = if meaning.contains("Ctrl+] = GS") {
            vec![DeviceEvent::scan(vec![0x1D])]
        } else if meaning.contains("= 'A'") {
            vec![DeviceEvent::scan(&b"A"[..])]
        } else if meaning.contains("Alt-code digit") {
            vec![DeviceEvent::scan(vec![0x1D])]
        } else if meaning.contains("all keys released") || meaning.contains("Enter = CR suffix") {
            // Nothing typed: Enter on an empty scan emits nothing.
            vec![]
        } else {
            panic!("line {}: no expectation for {meaning}", row.line)
        };
        assert_eq!(events, expected, "line {}", row.line);
    }
}

#[test]
fn wedge_gs1_scan_with_aim_id_alt_029_and_rollover() {
    let params = ProtocolParams {
        aim_prefixed: true,
        ..ProtocolParams::default()
    };
    let shift = 0x02;
    let mut reports = vec![
        key(0, 0x30),                       // ]
        key(shift, 0x06),                   // C
        key(0, 0x1E),                       // 1
        RELEASE.to_vec(),                   //
        key(0, 0x27),                       // 0
        key(0, 0x1E),                       // 1 (0 released, 1 pressed: rollover diff)
        vec![0, 0, 0x1E, 0x1F, 0, 0, 0, 0], // 1 still held, 2 pressed: only 2 is new
        RELEASE.to_vec(),
        key(0x04, 0x62), // Alt + KP0
        key(0x04, 0),
        key(0x04, 0x5A), // KP2
        key(0x04, 0),
        key(0x04, 0x61),  // KP9
        RELEASE.to_vec(), // Alt released → GS
        key(0, 0x1E),     // 1
        key(0, 0x27),     // 0
        key(0, ENTER),
        RELEASE.to_vec(),
    ];
    // A phantom (ErrorRollOver) report in the middle changes nothing.
    reports.insert(3, vec![0, 0, 1, 1, 1, 1, 1, 1]);
    let events = type_reports(&params, &reports);
    assert_eq!(events, vec![DeviceEvent::scan(&b"]C1012\x1d10"[..])]);
}

#[test]
fn wedge_fnc1_substitute_and_overlong_scan() {
    let params = ProtocolParams {
        fnc1_substitute: Some(b'|'),
        max_scan_bytes: 4,
        ..ProtocolParams::default()
    };
    let shift = 0x02;
    let pipe = key(shift, 0x31);
    let mut reports = vec![
        key(0, 0x1E),
        pipe,
        key(0, 0x1F),
        key(0, ENTER),
        RELEASE.to_vec(),
    ];
    for _ in 0..3 {
        reports.extend([key(0, 0x04), RELEASE.to_vec()]);
    }
    reports.extend([
        key(0, 0x05),
        RELEASE.to_vec(),
        key(0, 0x06),
        RELEASE.to_vec(),
    ]);
    reports.extend([key(0, ENTER), RELEASE.to_vec(), key(0, 0x07), key(0, ENTER)]);
    let events = type_reports(&params, &reports);
    assert_eq!(
        events,
        vec![
            DeviceEvent::scan(&b"1\x1d2"[..]),
            DeviceEvent::Error(ProtocolError::ScanTooLong { limit: 4 }),
            DeviceEvent::scan(&b"d"[..]),
        ]
    );
}

#[test]
fn hid_pos_joins_continued_reports_and_ignores_other_report_ids() {
    // Default (Honeywell 64-byte) layout: a 70-byte scan in two reports.
    let mut d = decoder_for(ProtocolId::HidPos, &ProtocolParams::default()).unwrap();
    let scan: Vec<u8> = (0..70u8).map(|i| b'0' + i % 10).collect();
    let mut first = vec![0u8; 64];
    first[0] = 0x02;
    first[1] = 56;
    first[2..5].copy_from_slice(b"]d2");
    first[5..61].copy_from_slice(&scan[..56]);
    first[63] = 0x01;
    let mut second = vec![0u8; 64];
    second[0] = 0x02;
    second[1] = 14;
    second[5..19].copy_from_slice(&scan[56..]);
    let other = vec![0x05u8; 10];
    let events = feed_chunks(d.as_mut(), &[&first, &other, &second]);
    assert_eq!(
        events,
        vec![DeviceEvent::scan([&b"]d2"[..], &scan].concat())]
    );
    // A byte count beyond the data field is rejected, and the next scan still decodes.
    let mut bad = vec![0u8; 64];
    bad[0] = 0x02;
    bad[1] = 57;
    let mut good = vec![0u8; 64];
    good[0] = 0x02;
    good[1] = 3;
    good[5..8].copy_from_slice(b"abc");
    let events = feed_chunks(d.as_mut(), &[&bad, &good]);
    assert!(matches!(
        events[0],
        DeviceEvent::Error(ProtocolError::BadReport { .. })
    ));
    assert_eq!(events[1], DeviceEvent::scan(&b"abc"[..]));
}

#[test]
fn hid_pos_decoder_from_a_descriptor_in_the_params() {
    let rows = read_vectors("hid-reports.tsv");
    let descriptor = hex(rows
        .iter()
        .find(|r| r.get("meaning").contains("without byte count"))
        .unwrap()
        .get("hex"));
    let report = hex(rows
        .iter()
        .find(|r| r.get("meaning").contains("5901234123457"))
        .unwrap()
        .get("hex"));
    let params = ProtocolParams {
        hid_descriptor: Some(descriptor),
        ..ProtocolParams::default()
    };
    let mut d = decoder_for(ProtocolId::HidPos, &params).unwrap();
    let events = feed_chunks(d.as_mut(), &[&report]);
    assert_eq!(events, vec![DeviceEvent::scan(&b"]E05901234123457"[..])]);
    // A keyboard descriptor is refused with a clear error.
    let keyboard = hex("05010906a101050719e029e71500250175019508810295017508810195067508150025650507190029658100c0");
    let err = decoder_for(
        ProtocolId::HidPos,
        &ProtocolParams {
            hid_descriptor: Some(keyboard),
            ..ProtocolParams::default()
        },
    )
    .err()
    .unwrap();
    assert!(
        err.to_string().contains("not a HID POS barcode interface"),
        "{err}"
    );
}

#[test]
fn hid_pos_accepts_zero_symbology_and_descriptors_without_report_ids() {
    // Honeywell ReM may leave the AIM bytes zero: the scan has no symbology, it is not refused.
    let mut d = decoder_for(ProtocolId::HidPos, &ProtocolParams::default()).unwrap();
    let mut report = vec![0u8; 64];
    report[0] = 0x02;
    report[1] = 4;
    report[5..9].copy_from_slice(b"1234");
    let events = feed_chunks(d.as_mut(), &[&report]);
    assert_eq!(events, vec![DeviceEvent::scan(&b"1234"[..])]);
    // The "without byte count" descriptor of the vectors with its Report ID item (85 02)
    // removed: the report has no ID byte and every field moves up by one byte.
    let rows = read_vectors("hid-reports.tsv");
    let with_id = rows
        .iter()
        .find(|r| r.get("meaning").contains("without byte count"))
        .unwrap()
        .get("hex")
        .to_string();
    let without_id = hex(&with_id.replacen("8502", "", 1));
    let layout = parse_hid_pos(&without_id).unwrap();
    assert_eq!(layout.report_id, None);
    assert_eq!(layout.report_len, 60);
    assert_eq!(layout.data_offset, 3);
    let mut report = vec![0u8; 60];
    report[..3].copy_from_slice(b"]e0");
    report[3..19].copy_from_slice(b"0109501101530003");
    let mut d = HidPosDecoder::new(layout, 8192);
    let events = feed_chunks(&mut d, &[&report]);
    assert_eq!(events, vec![DeviceEvent::scan(&b"]e00109501101530003"[..])]);
}

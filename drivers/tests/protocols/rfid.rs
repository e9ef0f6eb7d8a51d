//! Every row of `tests/vectors/rfid-frames.tsv`: host rows are rebuilt by the command encoders,
//! reader rows are decoded (torn rows delivered as separate reads, and again one byte at a time).

use crate::protocol_support::{epcs, feed_bytewise, feed_chunks, hex, read_vectors, to_hex, Row};
use tally_drivers::event::{CommandReply, DeviceEvent, ProtocolError};
use tally_drivers::protocol::chafon::{ChafonCommand, G2InventoryParams};
use tally_drivers::protocol::crc::{crc16_chafon, crc16_thingmagic, sum8};
use tally_drivers::protocol::m100::M100Command;
use tally_drivers::protocol::thingmagic::MercuryCommand;
use tally_drivers::protocol::{decoder_for, Decoder, ProtocolId, ProtocolParams};

fn protocol_of(row: &Row) -> ProtocolId {
    match row.get("protocol") {
        "chafon-uhfreader18" => ProtocolId::ChafonUhfReader18,
        "chafon-uhfreader288" => ProtocolId::ChafonUhfReader288,
        "m100" => ProtocolId::M100Bb7e,
        "thingmagic" => ProtocolId::ThingMagicMercury,
        other => panic!("line {}: unknown protocol {other}", row.line),
    }
}

fn decoder(p: ProtocolId) -> Box<dyn Decoder> {
    decoder_for(p, &ProtocolParams::default()).unwrap()
}

/// The encoder that must produce each host row.
fn encode_host_row(hex_str: &str) -> Option<Vec<u8>> {
    let bytes = match hex_str {
        "04ff011bb4" => ChafonCommand::inventory(0xFF).to_bytes().unwrap(),
        "040001db4b" => ChafonCommand::inventory(0x00).to_bytes().unwrap(),
        "04ff211995" => ChafonCommand::get_reader_info(0xFF).to_bytes().unwrap(),
        "0f0001000000008014" => G2InventoryParams::default().to_bytes().unwrap(),
        "020102000000018003" => G2InventoryParams {
            q: 2,
            session: 1,
            mask_mem: 2,
            target_antenna_scan: Some((1, 1, 3)),
            ..G2InventoryParams::default()
        }
        .to_bytes()
        .unwrap(),
        "bb0003000100047e" => M100Command::version().to_bytes().unwrap(),
        "bb00220000227e" => M100Command::inventory().to_bytes().unwrap(),
        "bb00270003222710837e" => M100Command::multi_inventory(10_000).to_bytes().unwrap(),
        "bb00280000287e" => M100Command::stop().to_bytes().unwrap(),
        "bb00070001030b7e" => M100Command::set_region(0x03).to_bytes().unwrap(),
        "bb00070001020a7e" => M100Command::set_region(0x02).to_bytes().unwrap(),
        "ff00031d0c" => MercuryCommand::get_version().to_bytes().unwrap(),
        "ff002a1d25" => MercuryCommand::clear_tag_buffer().to_bytes().unwrap(),
        "ff0197024bbf" => MercuryCommand::set_region(0x02).to_bytes().unwrap(),
        _ => return None,
    };
    Some(bytes)
}

#[test]
fn host_rows_are_what_the_encoders_send() {
    let rows = read_vectors("rfid-frames.tsv");
    let host: Vec<&Row> = rows
        .iter()
        .filter(|r| r.get("direction") == "host")
        .collect();
    assert!(host.len() >= 14);
    for row in host {
        let h = row.get("hex").to_ascii_lowercase();
        let encoded = encode_host_row(&h)
            .unwrap_or_else(|| panic!("line {}: no encoder for host row {h}", row.line));
        assert_eq!(to_hex(&encoded), h, "line {}", row.line);
        // And the checksum of every whole frame re-computes.
        let bytes = hex(&h);
        let data_only = row.get("meaning").contains("DATA field only");
        match protocol_of(row) {
            ProtocolId::ChafonUhfReader18 | ProtocolId::ChafonUhfReader288 if !data_only => {
                let n = bytes.len();
                let crc = u16::from_le_bytes([bytes[n - 2], bytes[n - 1]]);
                assert_eq!(crc16_chafon(&bytes[..n - 2]), crc, "line {}", row.line);
            }
            ProtocolId::M100Bb7e => {
                let n = bytes.len();
                assert_eq!(sum8(&bytes[1..n - 2]), bytes[n - 2], "line {}", row.line);
            }
            ProtocolId::ThingMagicMercury => {
                let n = bytes.len();
                let crc = u16::from_be_bytes([bytes[n - 2], bytes[n - 1]]);
                assert_eq!(crc16_thingmagic(&bytes[1..n - 2]), crc, "line {}", row.line);
            }
            _ => {}
        }
    }
}

/// What a reader row must decode to, beyond its tag EPCs.
fn check_reader_row(row: &Row, events: &[DeviceEvent]) {
    let h = row.get("hex").replace('|', "").to_ascii_lowercase();
    let meaning = row.get("meaning");
    let valid = row.get("valid") == "true";
    let errors: Vec<&ProtocolError> = events
        .iter()
        .filter_map(|e| match e {
            DeviceEvent::Error(ProtocolError::Noise { .. }) => None,
            DeviceEvent::Error(err) => Some(err),
            _ => None,
        })
        .collect();
    if !valid {
        assert!(epcs(events).is_empty(), "line {}: {events:?}", row.line);
        assert!(!errors.is_empty(), "line {}: must be rejected", row.line);
        return;
    }
    assert!(errors.is_empty(), "line {}: {errors:?}", row.line);
    // Expected EPCs: the hex words after "EPC" in the meaning.
    let mut expected: Vec<String> = meaning
        .split("EPC ")
        .skip(1)
        .flat_map(|part| {
            part.split([' ', ','])
                .take_while(|w| w.is_empty() || *w == "and" || w.len() >= 16)
                .filter(|w| w.len() >= 16 && w.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    if meaning.contains("as above") {
        // "CR, LF and a stray 0xBB before the notification above … exactly 1 tag, as above"
        expected = vec!["30751feb705c5904e3d50d70".to_string()];
    }
    assert_eq!(epcs(events), expected, "line {}: {events:?}", row.line);
    match h.as_str() {
        // M100 tag notice: RSSI 0xC9 = -55 dBm.
        "bb02220011c9340030751feb705c5904e3d50d703a76ef7e"
        | "0d0abbbb02220011c9340030751feb705c5904e3d50d703a76ef7e" => {
            assert!(matches!(
                events
                    .iter()
                    .find(|e| matches!(e, DeviceEvent::TagRead { .. })),
                Some(DeviceEvent::TagRead {
                    rssi: Some(-55),
                    antenna: None,
                    ..
                })
            ));
        }
        // Get reader info reply.
        "1100210000160c034e001e0a01000000e651" => assert_eq!(
            events,
            &[DeviceEvent::Reply(CommandReply::Reader {
                command: 0x21,
                status: 0,
                data: hex("00160c034e001e0a01000000"),
            })]
        ),
        // M100 "no tag": a valid frame with no tag.
        "bb01ff000115167e" => assert_eq!(
            events,
            &[DeviceEvent::Reply(CommandReply::InventoryDone { tags: 0 })]
        ),
        // ThingMagic set-region reply.
        "ff00970000779e" => assert_eq!(
            events,
            &[DeviceEvent::Reply(CommandReply::Reader {
                command: 0x97,
                status: 0,
                data: vec![],
            })]
        ),
        // Chafon UHFReader18 replies without RSSI or antenna field.
        _ if row.get("protocol") == "chafon-uhfreader18" => {
            for e in events {
                if let DeviceEvent::TagRead { rssi, antenna, .. } = e {
                    assert_eq!((rssi, antenna), (&None, &None), "line {}", row.line);
                }
            }
        }
        _ => {}
    }
}

/// The command a reader row answers, for rows whose check depends on it.
fn command_for(row: &Row) -> Option<Vec<u8>> {
    let meaning = row.get("meaning");
    if meaning.contains("not the inventory command 0x01 that was sent") {
        return Some(ChafonCommand::inventory(0x00).to_bytes().unwrap());
    }
    if row.get("protocol") == "thingmagic" && meaning.contains("set region") {
        return Some(MercuryCommand::set_region(0x02).to_bytes().unwrap());
    }
    None
}

#[test]
fn reader_rows_decode_as_their_meaning_says() {
    let rows = read_vectors("rfid-frames.tsv");
    let reader: Vec<&Row> = rows
        .iter()
        .filter(|r| r.get("direction") == "reader")
        .collect();
    assert!(reader.len() >= 10);
    for row in reader {
        let parts: Vec<Vec<u8>> = row.get("hex").split('|').map(hex).collect();
        let chunks: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let all: Vec<u8> = parts.concat();
        let mut d = decoder(protocol_of(row));
        if let Some(cmd) = command_for(row) {
            d.command_sent(&cmd);
        }
        let events = feed_chunks(d.as_mut(), &chunks);
        check_reader_row(row, &events);
        // One byte per read gives the same result.
        let mut d = decoder(protocol_of(row));
        if let Some(cmd) = command_for(row) {
            d.command_sent(&cmd);
        }
        let bytewise = feed_bytewise(d.as_mut(), &all);
        check_reader_row(row, &bytewise);
    }
}

#[test]
fn the_stray_byte_rows_report_the_skipped_bytes() {
    let mut d = decoder(ProtocolId::ChafonUhfReader18);
    let events = feed_chunks(
        d.as_mut(),
        &[&hex("0013000103010c0000000000000000000003133f39")],
    );
    assert_eq!(
        events[0],
        DeviceEvent::Error(ProtocolError::Noise { bytes: 1 })
    );
    let mut d = decoder(ProtocolId::M100Bb7e);
    let events = feed_chunks(
        d.as_mut(),
        &[&hex(
            "0d0abbbb02220011c9340030751feb705c5904e3d50d703a76ef7e",
        )],
    );
    assert_eq!(
        events[0],
        DeviceEvent::Error(ProtocolError::Noise { bytes: 3 })
    );
}

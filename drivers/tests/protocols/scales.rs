//! Every row of `tests/vectors/mt-sics.tsv` and `tests/vectors/scale-lines.tsv`, decoded whole
//! and one byte at a time.

use crate::protocol_support::{feed_bytewise, feed_chunks, read_vectors, unescape, Row};
use tally_drivers::event::{
    CommandReply, DeviceEvent, ProtocolError, WeightRange, WeightReading, WeightUnit,
};
use tally_drivers::protocol::{decoder_for, Decoder, ProtocolId, ProtocolParams};

fn decoder(p: ProtocolId) -> Box<dyn Decoder> {
    decoder_for(p, &ProtocolParams::default()).unwrap()
}

fn weight(value: &str, unit: WeightUnit, stable: bool) -> DeviceEvent {
    DeviceEvent::Weight(WeightReading::new(value, unit, stable))
}

fn reply(r: CommandReply) -> DeviceEvent {
    DeviceEvent::Reply(r)
}

fn info(command: &str, status: &str, fields: &[&str]) -> DeviceEvent {
    reply(CommandReply::Info {
        command: command.into(),
        status: status.into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    })
}

/// What each MT-SICS exchange must decode to, keyed by (command, response).
fn mt_sics_expected(command: &str, response: &str) -> Vec<DeviceEvent> {
    use CommandReply::*;
    let ack = |c: &str, s: &str| {
        reply(Acknowledged {
            command: c.into(),
            status: s.into(),
        })
    };
    let rejected =
        |r: &str| DeviceEvent::Error(ProtocolError::CommandRejected { reason: r.into() });
    match (command, response) {
        ("TAC", "TAC A<CR><LF>") => vec![ack("TAC", "A")],
        ("@", "@ A \"123456789\"<CR><LF>") => vec![reply(Reset {
            serial: "123456789".into(),
        })],
        ("@", "I4 A \"1234567\"<CR><LF>") => vec![reply(Reset {
            serial: "1234567".into(),
        })],
        ("T", "T A 2.486 g<CR><LF>") => vec![reply(Tare {
            command: "T".into(),
            value: "2.486".into(),
            unit: WeightUnit::Gram,
        })],
        ("TI", "TI A 1.234 g<CR><LF>") => vec![reply(Tare {
            command: "TI".into(),
            value: "1.234".into(),
            unit: WeightUnit::Gram,
        })],
        ("TA 2.486 g" | "TA", "TA A 2.486 g<CR><LF>") => vec![reply(Tare {
            command: "TA".into(),
            value: "2.486".into(),
            unit: WeightUnit::Gram,
        })],
        ("Z", "Z A<CR><LF>") => vec![ack("Z", "A")],
        ("ZI", "ZI A<CR><LF>") => vec![ack("ZI", "A")],
        ("ZI", "ZI S<CR><LF>") => vec![ack("ZI", "S")],
        ("ZI", "ZI D<CR><LF>") => vec![ack("ZI", "D")],
        ("S", "S I<CR><LF>") => vec![DeviceEvent::Error(ProtocolError::NotExecutable {
            command: "S".into(),
        })],
        ("S", "S L<CR><LF>") => vec![rejected(
            "logical error (S L): the command or its parameter is not allowed",
        )],
        ("S", "S +<CR><LF>") => vec![DeviceEvent::Error(ProtocolError::Overload { unit: None })],
        ("S", "S -<CR><LF>") => vec![DeviceEvent::Error(ProtocolError::Underload { unit: None })],
        ("S", "ES<CR><LF>") => vec![rejected(
            "syntax error (ES): the balance did not understand the command",
        )],
        ("S", "ET<CR><LF>") => vec![rejected(
            "transmission error (ET): check the cable and baud rate",
        )],
        ("S", "EL<CR><LF>") => vec![rejected(
            "logical error (EL): the command cannot be used now",
        )],
        ("I1", "I1 A 01 2.00 2.00 2.00 1.0<CR><LF>") => {
            vec![info("I1", "A", &["01", "2.00", "2.00", "2.00", "1.0"])]
        }
        ("I0", "0 B 0 \"I0\"<CR><LF>I0 B 1 \"D\"<CR><LF>") => {
            vec![info("0", "B", &["0", "I0"]), info("I0", "B", &["1", "D"])]
        }
        ("I10 \"My Balance\"", "I10 A \"Balance\"<CR><LF>") => {
            vec![info("I10", "A", &["Balance"])]
        }
        ("I10", "I10 A \"My Balance\"<CR><LF>") => vec![info("I10", "A", &["My Balance"])],
        ("I4", "I4 A 0123456789<CR><LF>") => vec![reply(SerialNumber("0123456789".into()))],
        ("I4", "I4 A \"1234567\"<CR><LF>") => vec![reply(SerialNumber("1234567".into()))],
        ("SI", "S D 1.234 g<CR><LF>") => vec![weight("1.234", WeightUnit::Gram, false)],
        ("SI", "S D     129.07 g<CR><LF>") => vec![weight("129.07", WeightUnit::Gram, false)],
        // InstrumentKit's artefact: read the value, but only status S is stable.
        ("S", "S A 1.234 g<CR><LF>") => vec![weight("1.234", WeightUnit::Gram, false)],
        ("S", "S S     100.00 g<CR><LF>") => vec![weight("100.00", WeightUnit::Gram, true)],
        _ => panic!("no expectation for MT-SICS row {command:?} → {response:?}"),
    }
}

#[test]
fn every_mt_sics_row() {
    let rows = read_vectors("mt-sics.tsv");
    assert!(rows.len() >= 28);
    for row in &rows {
        let command = row.get("command");
        let response = row.get("response");
        let expected = mt_sics_expected(command, response);
        let mut sent = command.as_bytes().to_vec();
        sent.extend_from_slice(b"\r\n");
        let bytes = unescape(response);
        for bytewise in [false, true] {
            let mut d = decoder(ProtocolId::MtSics);
            d.command_sent(&sent);
            let events = if bytewise {
                feed_bytewise(d.as_mut(), &bytes)
            } else {
                feed_chunks(d.as_mut(), &[&bytes])
            };
            assert_eq!(events, expected, "line {} (bytewise {bytewise})", row.line);
        }
    }
}

#[test]
fn only_mt_sics_stable_status_gives_a_stable_weight() {
    let mut d = decoder(ProtocolId::MtSics);
    let events = feed_chunks(d.as_mut(), &[b"S S     100.00 g\r\nS D 99.98 g\r\n"]);
    let stable: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            DeviceEvent::Weight(w) => w.stable_weight().map(|w| w.value.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(stable, vec!["100.00".to_string()]);
}

fn scale_protocol(row: &Row) -> ProtocolId {
    match row.get("protocol") {
        "and" => ProtocolId::AndStandard,
        "ohaus" => ProtocolId::Ohaus,
        "nci" => ProtocolId::Nci,
        other => panic!("line {}: unknown protocol {other}", row.line),
    }
}

fn check_scale_row(row: &Row, events: &[DeviceEvent]) {
    let value = row.get("value");
    let unit = row.get("unit");
    let stable = row.get("stable");
    let overload = row.get("overload") == "true";
    let source = row.get("source");
    assert_eq!(events.len(), 1, "line {}: {events:?}", row.line);
    let event = &events[0];
    if !value.is_empty() {
        let DeviceEvent::Weight(w) = event else {
            panic!("line {}: expected a weight, got {event:?}", row.line);
        };
        assert_eq!(w.value, value, "line {}", row.line);
        assert_eq!(w.unit, WeightUnit::parse(unit), "line {}", row.line);
        assert_eq!(
            w.unit.symbol().to_ascii_lowercase(),
            unit.to_ascii_lowercase()
        );
        assert_eq!(w.stable.to_string(), stable, "line {}", row.line);
        assert_eq!(
            w.range == WeightRange::InRange,
            !overload,
            "line {}",
            row.line
        );
        return;
    }
    let DeviceEvent::Error(err) = event else {
        panic!("line {}: expected an error, got {event:?}", row.line);
    };
    if overload {
        let under = source.contains("UNDER") || source.contains("out of range, -");
        let printed_unit = (!unit.is_empty()).then(|| WeightUnit::parse(unit));
        let expected = if under {
            ProtocolError::Underload { unit: printed_unit }
        } else {
            ProtocolError::Overload { unit: printed_unit }
        };
        assert_eq!(err, &expected, "line {}", row.line);
    } else {
        assert!(
            matches!(err, ProtocolError::CommandRejected { .. }),
            "line {}: {err:?}",
            row.line
        );
    }
}

#[test]
fn every_scale_line_row() {
    let rows = read_vectors("scale-lines.tsv");
    assert!(rows.len() >= 20);
    for row in &rows {
        let bytes = unescape(row.get("line"));
        let mut d = decoder(scale_protocol(row));
        let events = feed_chunks(d.as_mut(), &[&bytes]);
        check_scale_row(row, &events);
        let mut d = decoder(scale_protocol(row));
        let events = feed_bytewise(d.as_mut(), &bytes);
        check_scale_row(row, &events);
    }
}

#[test]
fn all_scale_lines_in_one_stream_lose_nothing() {
    // The rows of each protocol back to back, as a scale in continuous mode would send them.
    let rows = read_vectors("scale-lines.tsv");
    for protocol in ["and", "ohaus", "nci"] {
        let selected: Vec<&Row> = rows
            .iter()
            .filter(|r| r.get("protocol") == protocol)
            .collect();
        let stream: Vec<u8> = selected
            .iter()
            .flat_map(|r| unescape(r.get("line")))
            .collect();
        let mut d = decoder(scale_protocol(selected[0]));
        let events = feed_chunks(d.as_mut(), &[&stream]);
        assert_eq!(events.len(), selected.len(), "{protocol}: {events:?}");
        for (row, event) in selected.iter().zip(&events) {
            check_scale_row(row, std::slice::from_ref(event));
        }
    }
}

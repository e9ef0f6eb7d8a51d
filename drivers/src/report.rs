//! Decoded events as JSON lines, the form `tally devices replay` and `monitor` print:
//!
//! ```text
//! {"type":"scan","symbology":"]E0","data":"5901234123457"}
//! {"type":"tag","epc":"<hex>","rssi":107,"antenna":1}
//! {"type":"weight","value":"100.00","unit":"g","stable":true}
//! {"type":"error","message":"..."}
//! ```
//!
//! Scan data is text (GS stays a control character, which JSON writes as `\u001d`; bytes that
//! are not UTF-8 become U+FFFD). A scan without an AIM identifier has `"symbology":null`; a
//! tag without RSSI or antenna has `null` there. Command replies are not readings: they are
//! written only on request, as `{"type":"reply","message":"..."}`.

use serde::Serialize;

use crate::driver::{DriverEvent, RoundReport};
use crate::event::{CommandReply, DeviceEvent};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Scan {
        symbology: Option<&'a str>,
        data: String,
    },
    Tag {
        epc: String,
        rssi: Option<i16>,
        antenna: Option<u8>,
    },
    Weight {
        value: &'a str,
        unit: &'a str,
        stable: bool,
    },
    Error {
        message: String,
    },
    Reply {
        message: String,
    },
    Round {
        unique: u64,
        reads: u64,
        unique_per_second: f64,
        duration_ms: u64,
        epcs: Vec<String>,
    },
}

fn to_line(line: &Line<'_>) -> String {
    // Serialising these plain structs cannot fail; fall back to an error line all the same.
    serde_json::to_string(line).unwrap_or_else(|e| {
        format!("{{\"type\":\"error\",\"message\":\"cannot write the event: {e}\"}}")
    })
}

/// The JSON line for a decoded event, keys in the documented order; `None` for a command reply
/// unless `replies` is set.
pub fn event_json(event: &DeviceEvent, replies: bool) -> Option<String> {
    let symbology;
    let line = match event {
        DeviceEvent::Scan(input) => {
            symbology = input.symbology();
            Line::Scan {
                symbology: symbology.as_ref().map(|s| s.id()),
                data: String::from_utf8_lossy(input.data()).into_owned(),
            }
        }
        DeviceEvent::TagRead { epc, rssi, antenna } => Line::Tag {
            epc: hex::encode_upper(epc),
            rssi: *rssi,
            antenna: *antenna,
        },
        DeviceEvent::Weight(w) => Line::Weight {
            value: &w.value,
            unit: w.unit.symbol(),
            stable: w.stable,
        },
        DeviceEvent::Error(e) => Line::Error {
            message: e.to_string(),
        },
        DeviceEvent::Reply(reply) => {
            if !replies {
                return None;
            }
            Line::Reply {
                message: reply_text(reply),
            }
        }
    };
    Some(to_line(&line))
}

/// A command reply in words.
pub fn reply_text(reply: &CommandReply) -> String {
    match reply {
        CommandReply::Acknowledged { command, status } => {
            format!("{command} acknowledged ({status})")
        }
        CommandReply::Reset { serial } => format!("reset; serial number {serial}"),
        CommandReply::SerialNumber(serial) => format!("serial number {serial}"),
        CommandReply::Tare {
            command,
            value,
            unit,
        } => format!("{command}: tare {value} {unit}"),
        CommandReply::Info {
            command,
            status,
            fields,
        } => {
            format!("{command} {status} {}", fields.join(" "))
        }
        CommandReply::ScaleStatus(status) => format!("scale status {status:?}"),
        CommandReply::Text(text) => text.clone(),
        CommandReply::InventoryDone { tags } => {
            format!("inventory round done ({tags} tags in the last frame)")
        }
        CommandReply::Reader {
            command,
            status,
            data,
        } => format!(
            "reader reply to 0x{command:02X}, status 0x{status:04X}, data {}",
            hex::encode_upper(data)
        ),
    }
}

/// The JSON line for a finished inventory round.
pub fn round_json(round: &RoundReport) -> String {
    to_line(&Line::Round {
        unique: round.tags.len() as u64 + round.dropped,
        reads: round.reads,
        unique_per_second: (round.unique_per_second * 10.0).round() / 10.0,
        duration_ms: round.duration_ms,
        epcs: round
            .tags
            .iter()
            .map(|t| hex::encode_upper(&t.epc))
            .collect(),
    })
}

/// The JSON line for anything a driver produced.
pub fn driver_event_json(event: &DriverEvent, replies: bool) -> Option<String> {
    match event {
        DriverEvent::Device(e) => event_json(e, replies),
        DriverEvent::Round(r) => Some(round_json(r)),
    }
}

/// One short line for a status display.
pub fn summary(event: &DriverEvent) -> String {
    match event {
        DriverEvent::Device(DeviceEvent::Scan(input)) => format!(
            "scan {}",
            String::from_utf8_lossy(input.bytes()).replace('\u{1d}', "<GS>")
        ),
        DriverEvent::Device(DeviceEvent::TagRead { epc, .. }) => {
            format!("tag {}", hex::encode_upper(epc))
        }
        DriverEvent::Device(DeviceEvent::Weight(w)) => format!(
            "weight {} {} {}",
            w.value,
            w.unit,
            if w.stable { "stable" } else { "unstable" }
        ),
        DriverEvent::Device(DeviceEvent::Error(e)) => format!("error: {e}"),
        DriverEvent::Device(DeviceEvent::Reply(r)) => reply_text(r),
        DriverEvent::Round(r) => format!(
            "round: {} tags, {:.1} tags/s",
            r.tags.len() as u64 + r.dropped,
            r.unique_per_second
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{WeightReading, WeightUnit};

    #[test]
    fn the_contract_shapes() {
        let scan = DeviceEvent::scan(&b"]C10109501101530003\x1d10ABC"[..]);
        assert_eq!(
            event_json(&scan, false).unwrap(),
            r#"{"type":"scan","symbology":"]C1","data":"0109501101530003\u001d10ABC"}"#
        );
        let tag = DeviceEvent::TagRead {
            epc: vec![0x30, 0x14],
            rssi: Some(107),
            antenna: Some(1),
        };
        assert_eq!(
            event_json(&tag, false).unwrap(),
            r#"{"type":"tag","epc":"3014","rssi":107,"antenna":1}"#
        );
        let weight = DeviceEvent::Weight(WeightReading::new("100.00", WeightUnit::Gram, true));
        assert_eq!(
            event_json(&weight, false).unwrap(),
            r#"{"type":"weight","value":"100.00","unit":"g","stable":true}"#
        );
        let reply = DeviceEvent::Reply(CommandReply::InventoryDone { tags: 0 });
        assert!(event_json(&reply, false).is_none());
        assert!(event_json(&reply, true).is_some());
    }
}

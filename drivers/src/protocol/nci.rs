//! NCI / Avery Weigh-Tronix / Salter Brecknell scales (the SCP-01 "NCI standard" protocol).
//!
//! ```text
//! W<CR> → <LF>xxxx.xxuu<CR><LF>hh<CR><ETX>     weight + unit, then status bytes
//! S<CR> → <LF>hh<CR><ETX>                       status only
//! other → <LF>?<CR><ETX>                        unknown command
//! ```
//! Status byte 1: bit 0 in motion, bit 1 at zero, bit 2 RAM error, bit 3 EEPROM error; byte 2:
//! bit 0 under capacity, bit 1 over capacity, bit 2 ROM error, bit 3 faulty calibration, bit 6
//! another byte follows; byte 3: bits 1–0 range, bit 2 net, bit 3 initial zero error. Bits 4–5
//! are always 1 and bit 7 is parity: every byte is read with bit 7 masked (so a port opened as
//! 8N1 on a 7E1 scale still decodes). A reply is complete at ETX; a record torn by a lost byte
//! (a second LF before its CR) is dropped as noise.

use crate::event::{
    normalise_decimal, CommandReply, DeviceEvent, NciStatus, ProtocolError, WeighMode, WeightRange,
    WeightReading, WeightUnit,
};
use crate::protocol::commands::{CommandError, ProtocolCommands};
use crate::protocol::framing::printable;
use crate::protocol::{Decoder, ProtocolId};

/// Longest reply accepted up to its ETX.
pub const REPLY_BYTES_MAX: usize = 64;
const LF: u8 = 0x0A;
const CR: u8 = 0x0D;
const ETX: u8 = 0x03;

/// Commands an NCI scale accepts (each ended by CR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NciCommand {
    /// `W`: weight and status
    Weight,
    /// `S`: status only
    Status,
    /// `Z`: zero, then status
    Zero,
    /// `H`: weight at ×10 resolution (not legal for trade)
    HighResolution,
    /// `U`: change units, returns the weight
    ChangeUnits,
}

impl NciCommand {
    /// The bytes to send (`W<CR>`, …).
    pub fn to_bytes(self) -> Vec<u8> {
        let c = match self {
            NciCommand::Weight => b'W',
            NciCommand::Status => b'S',
            NciCommand::Zero => b'Z',
            NciCommand::HighResolution => b'H',
            NciCommand::ChangeUnits => b'U',
        };
        vec![c, CR]
    }
}

/// Decoder for NCI replies.
#[derive(Debug, Clone, Default)]
pub struct NciDecoder {
    buf: Vec<u8>,
    overflowed: bool,
}

impl NciDecoder {
    /// A fresh decoder.
    pub fn new() -> NciDecoder {
        NciDecoder::default()
    }

    /// Bytes currently buffered.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

/// Decodes status bytes (already masked); `None` when they are not status bytes.
pub fn parse_status(bytes: &[u8]) -> Option<NciStatus> {
    if !(2..=4).contains(&bytes.len()) || bytes.iter().any(|b| b & 0x30 != 0x30) {
        return None;
    }
    let b1 = bytes[0];
    let b2 = bytes[1];
    if b1 & 0x40 != 0 {
        return None;
    }
    let has_b3 = b2 & 0x40 != 0;
    if has_b3 != (bytes.len() >= 3) {
        return None;
    }
    let b3 = bytes.get(2).copied().filter(|_| has_b3);
    Some(NciStatus {
        in_motion: b1 & 0x01 != 0,
        at_zero: b1 & 0x02 != 0,
        ram_error: b1 & 0x04 != 0,
        eeprom_error: b1 & 0x08 != 0,
        under_capacity: b2 & 0x01 != 0,
        over_capacity: b2 & 0x02 != 0,
        rom_error: b2 & 0x04 != 0,
        faulty_calibration: b2 & 0x08 != 0,
        net: b3.map(|b| b & 0x04 != 0),
        high_range: b3.map(|b| b & 0x03 == 0x03),
        initial_zero_error: b3.is_some_and(|b| b & 0x08 != 0),
    })
}

fn fault_text(s: &NciStatus) -> Option<String> {
    let faults: Vec<&str> = [
        (s.ram_error, "RAM error"),
        (s.eeprom_error, "EEPROM error"),
        (s.rom_error, "ROM error"),
        (s.faulty_calibration, "faulty calibration"),
        (s.initial_zero_error, "initial zero error"),
    ]
    .into_iter()
    .filter_map(|(on, text)| on.then_some(text))
    .collect();
    (!faults.is_empty()).then(|| faults.join(", "))
}

/// Splits a weight record (`0001.25lb`, ` 1234g `, `-001.2kg`) into value and unit.
fn parse_weight(record: &[u8]) -> Option<(String, WeightUnit)> {
    let text = std::str::from_utf8(record).ok()?;
    let text = text.trim_matches(|c: char| c == ' ' || c == '_');
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value = normalise_decimal(number.trim())?;
    let unit = unit.trim_matches(|c: char| c == ' ' || c == '_');
    if unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Some((value, WeightUnit::parse(unit)))
}

fn out_of_range(status: &NciStatus, unit: Option<WeightUnit>) -> Option<ProtocolError> {
    if status.over_capacity {
        Some(ProtocolError::Overload { unit })
    } else if status.under_capacity {
        Some(ProtocolError::Underload { unit })
    } else {
        None
    }
}

/// Decodes one reply (the bytes before ETX, masked).
fn parse_reply(reply: &[u8], out: &mut Vec<DeviceEvent>) {
    // Cut into records: LF … CR. Anything else is noise.
    let mut records: Vec<&[u8]> = Vec::new();
    let mut noise = 0usize;
    let mut i = 0;
    while i < reply.len() {
        if reply[i] != LF {
            noise += 1;
            i += 1;
            continue;
        }
        let body_start = i + 1;
        match reply[body_start..].iter().position(|&b| b == CR || b == LF) {
            Some(off) if reply[body_start + off] == CR => {
                records.push(&reply[body_start..body_start + off]);
                i = body_start + off + 1;
            }
            Some(off) => {
                // torn record: a new LF before this one's CR
                noise += off + 1;
                i = body_start + off;
            }
            None => {
                noise += reply.len() - i;
                i = reply.len();
            }
        }
    }
    if noise > 0 {
        out.push(DeviceEvent::Error(ProtocolError::Noise { bytes: noise }));
    }
    let mut pending_weight: Option<&[u8]> = None;
    for record in records {
        if record == b"?" {
            out.push(DeviceEvent::Error(ProtocolError::CommandRejected {
                reason: "the scale did not understand the command (?)".into(),
            }));
            pending_weight = None;
            continue;
        }
        let Some(status) = parse_status(record) else {
            if let Some(torn) = pending_weight.replace(record) {
                out.push(DeviceEvent::Error(ProtocolError::Noise {
                    bytes: torn.len() + 2,
                }));
            }
            continue;
        };
        let weight = pending_weight.take();
        if let Some(fault) = fault_text(&status) {
            out.push(DeviceEvent::Error(ProtocolError::ScaleFault { fault }));
            continue;
        }
        match weight {
            None => match out_of_range(&status, None) {
                Some(e) => out.push(DeviceEvent::Error(e)),
                None => out.push(DeviceEvent::Reply(CommandReply::ScaleStatus(status))),
            },
            Some(w) => match parse_weight(w) {
                Some((value, unit)) => {
                    let range = if status.over_capacity {
                        WeightRange::Overload
                    } else if status.under_capacity {
                        WeightRange::Underload
                    } else {
                        WeightRange::InRange
                    };
                    out.push(DeviceEvent::Weight(WeightReading {
                        value,
                        unit,
                        stable: !status.in_motion,
                        range,
                        mode: status.net.map(|net| {
                            if net {
                                WeighMode::Net
                            } else {
                                WeighMode::Gross
                            }
                        }),
                        legend: None,
                    }));
                }
                None => match out_of_range(&status, None) {
                    Some(e) => out.push(DeviceEvent::Error(e)),
                    None => out.push(DeviceEvent::Error(ProtocolError::UnrecognisedLine {
                        line: printable(w),
                    })),
                },
            },
        }
    }
    if let Some(w) = pending_weight {
        out.push(DeviceEvent::Error(ProtocolError::Malformed {
            what: format!("weight {} without status bytes", printable(w)),
        }));
    }
}

impl Decoder for NciDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        for &raw in chunk {
            let b = raw & 0x7F;
            if b == ETX {
                if self.overflowed {
                    self.overflowed = false;
                } else {
                    parse_reply(&self.buf, out);
                }
                self.buf.clear();
                continue;
            }
            if self.overflowed {
                continue;
            }
            if self.buf.len() >= REPLY_BYTES_MAX {
                out.push(DeviceEvent::Error(ProtocolError::TooLong {
                    limit: REPLY_BYTES_MAX,
                }));
                self.buf.clear();
                self.overflowed = true;
                continue;
            }
            self.buf.push(b);
        }
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        if !self.overflowed && !self.buf.is_empty() {
            out.push(DeviceEvent::Error(ProtocolError::Noise {
                bytes: self.buf.len(),
            }));
        }
        self.reset();
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.overflowed = false;
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::Nci
    }
}
/// The commands the driver sends to an NCI scale.
#[derive(Debug, Clone, Copy)]
pub struct Commands;

impl ProtocolCommands for Commands {
    fn poll(&self, command: &str) -> Result<Vec<u8>, CommandError> {
        Ok(match command {
            "W" => NciCommand::Weight,
            "H" => NciCommand::HighResolution,
            _ => return Err(CommandError::NotAPoll(command.to_string())),
        }
        .to_bytes())
    }

    fn zero(&self) -> Result<Vec<u8>, CommandError> {
        Ok(NciCommand::Zero.to_bytes())
    }
}

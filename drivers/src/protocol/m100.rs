//! "BB…7E" UHF modules (Magic RF M100 class), per the module's "UHF Commands Manual".
//!
//! ```text
//! BB | Type | Cmd | PL-hi | PL-lo | Params (PL bytes) | Checksum | 7E
//! ```
//! Type 0x00 command, 0x01 response, 0x02 notice (one per tag read). Checksum = low byte of the
//! sum from Type to the last parameter. A tag notice (cmd 0x22, or 0x27 during a multiple
//! inventory) carries `RSSI (signed dBm) | PC (2) | EPC (PL − 5) | tag CRC (2)`; the tag CRC is
//! the Gen2 CRC-16 over PC + EPC and is checked. `BB 01 FF 00 01 15 16 7E` (error 0x15) means no
//! tag answered: a valid frame without a tag. A candidate with PL above 3072 is not a frame
//! (the stray-0xBB case); the decoder resynchronises at the next 0xBB.

use crate::event::{CommandReply, DeviceEvent, ProtocolError};
use crate::protocol::commands::{CommandError, ProtocolCommands, RoundSettings};
use crate::protocol::crc::{crc16_gen2, sum8};
use crate::protocol::framing::{Candidate, FrameBuffer, FrameFormat};
use crate::protocol::{Decoder, ProtocolId};

/// Frame start byte.
pub const HEADER: u8 = 0xBB;
/// Frame end byte.
pub const END: u8 = 0x7E;
/// Largest parameter length accepted (as the module vendor's example parser does).
pub const PARAMS_BYTES_MAX: usize = 3072;
/// Single inventory.
pub const CMD_INVENTORY: u8 = 0x22;
/// Multiple inventory (polling).
pub const CMD_MULTI_INVENTORY: u8 = 0x27;
/// Stop multiple inventory.
pub const CMD_STOP: u8 = 0x28;
/// Hardware / software version.
pub const CMD_VERSION: u8 = 0x03;
/// Set region.
pub const CMD_SET_REGION: u8 = 0x07;
/// Set transmit power (centi-dBm, 2 bytes big-endian: 0x07D0 = 20 dBm).
pub const CMD_SET_POWER: u8 = 0xB6;
/// Error response command code.
pub const CMD_ERROR: u8 = 0xFF;
/// Error code: no tag answered, or a tag CRC error, during inventory.
pub const ERR_NO_TAG: u8 = 0x15;

/// A command to an M100 module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct M100Command {
    /// command code
    pub command: u8,
    /// parameters
    pub params: Vec<u8>,
}

/// Errors building an M100 command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum M100CommandError {
    /// Parameters longer than a frame may carry.
    #[error("command parameters are {0} bytes; at most 3072 are allowed")]
    TooLong(usize),
    /// Transmit power out of the module's range.
    #[error("transmit power {0} centi-dBm is out of range (0 to 3000)")]
    PowerOutOfRange(u16),
}

impl M100Command {
    /// Single inventory round.
    pub fn inventory() -> M100Command {
        M100Command {
            command: CMD_INVENTORY,
            params: Vec::new(),
        }
    }

    /// Multiple inventory: `rounds` polling rounds (0x2710 = 10,000 in the vendor example).
    pub fn multi_inventory(rounds: u16) -> M100Command {
        let mut params = vec![0x22];
        params.extend_from_slice(&rounds.to_be_bytes());
        M100Command {
            command: CMD_MULTI_INVENTORY,
            params,
        }
    }

    /// Stop a multiple inventory.
    pub fn stop() -> M100Command {
        M100Command {
            command: CMD_STOP,
            params: Vec::new(),
        }
    }

    /// Hardware version query.
    pub fn version() -> M100Command {
        M100Command {
            command: CMD_VERSION,
            params: vec![0x00],
        }
    }

    /// Set the region (0x01 China 900 MHz, 0x02 US, 0x03 EU, 0x04 China 800 MHz, 0x06 Korea).
    pub fn set_region(region: u8) -> M100Command {
        M100Command {
            command: CMD_SET_REGION,
            params: vec![region],
        }
    }

    /// Set transmit power in centi-dBm (2000 = 20 dBm).
    pub fn set_power(centi_dbm: u16) -> Result<M100Command, M100CommandError> {
        if centi_dbm > 3000 {
            return Err(M100CommandError::PowerOutOfRange(centi_dbm));
        }
        Ok(M100Command {
            command: CMD_SET_POWER,
            params: centi_dbm.to_be_bytes().to_vec(),
        })
    }

    /// The whole frame.
    pub fn to_bytes(&self) -> Result<Vec<u8>, M100CommandError> {
        let pl = u16::try_from(self.params.len())
            .ok()
            .filter(|&pl| usize::from(pl) <= PARAMS_BYTES_MAX)
            .ok_or(M100CommandError::TooLong(self.params.len()))?;
        let mut frame = Vec::with_capacity(self.params.len() + 7);
        frame.extend_from_slice(&[HEADER, 0x00, self.command]);
        frame.extend_from_slice(&pl.to_be_bytes());
        frame.extend_from_slice(&self.params);
        let checksum = sum8(&frame[1..]);
        frame.extend_from_slice(&[checksum, END]);
        Ok(frame)
    }
}

struct M100Format;

impl FrameFormat for M100Format {
    fn max_frame(&self) -> usize {
        PARAMS_BYTES_MAX + 7
    }

    fn check(&self, w: &[u8]) -> Candidate {
        match w {
            [] => Candidate::NeedMore(1),
            [first, ..] if *first != HEADER => Candidate::NotStart,
            [_, kind, ..] if *kind > 0x02 => Candidate::NotStart,
            [_, _, _, hi, lo, ..] => {
                let pl = usize::from(u16::from_be_bytes([*hi, *lo]));
                if pl > PARAMS_BYTES_MAX {
                    return Candidate::NotStart;
                }
                let total = pl + 7;
                if w.len() < total {
                    return Candidate::NeedMore(total);
                }
                if w[total - 1] != END {
                    return Candidate::Bad {
                        len: total,
                        error: ProtocolError::Malformed {
                            what: "frame without its end byte 0x7E".into(),
                        },
                    };
                }
                let expected = sum8(&w[1..total - 2]);
                let got = w[total - 2];
                Candidate::checksum8(total, expected, got)
            }
            _ => Candidate::NeedMore(5),
        }
    }
}

/// Decoder for M100 module output.
#[derive(Debug, Clone)]
pub struct M100Decoder {
    frames: FrameBuffer,
}

impl Default for M100Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl M100Decoder {
    /// A fresh decoder.
    pub fn new() -> M100Decoder {
        M100Decoder {
            frames: FrameBuffer::new(PARAMS_BYTES_MAX + 7),
        }
    }

    /// Bytes currently buffered.
    pub fn buffered(&self) -> usize {
        self.frames.buffered()
    }
}

fn on_frame(f: &[u8], out: &mut Vec<DeviceEvent>) {
    let kind = f[1];
    let cmd = f[2];
    let params = &f[5..f.len() - 2];
    match (kind, cmd) {
        (0x02, CMD_INVENTORY | CMD_MULTI_INVENTORY) => {
            // RSSI 1 | PC 2 | EPC | tag CRC 2
            if params.len() < 5 {
                out.push(DeviceEvent::Error(ProtocolError::Malformed {
                    what: "tag notice shorter than RSSI + PC + CRC".into(),
                }));
                return;
            }
            let rssi = i16::from(i8::from_ne_bytes([params[0]]));
            let pc_epc = &params[1..params.len() - 2];
            let tag_crc = u16::from_be_bytes([params[params.len() - 2], params[params.len() - 1]]);
            let expected = crc16_gen2(pc_epc);
            if expected != tag_crc {
                out.push(DeviceEvent::Error(ProtocolError::BadCrc {
                    expected,
                    got: tag_crc,
                }));
                return;
            }
            out.push(DeviceEvent::TagRead {
                epc: pc_epc[2..].to_vec(),
                rssi: Some(rssi),
                antenna: None,
            });
        }
        (0x01, CMD_ERROR) => match params.first() {
            Some(&ERR_NO_TAG) => {
                out.push(DeviceEvent::Reply(CommandReply::InventoryDone { tags: 0 }))
            }
            Some(&code) => out.push(DeviceEvent::Error(ProtocolError::ReaderError {
                code: u16::from(code),
                message: m100_error_text(code).into(),
            })),
            None => out.push(DeviceEvent::Error(ProtocolError::Malformed {
                what: "error response without an error code".into(),
            })),
        },
        (0x00, _) => out.push(DeviceEvent::Error(ProtocolError::Malformed {
            what: "a command frame (type 0x00) from the module: is the line looped back?".into(),
        })),
        _ => out.push(DeviceEvent::Reply(CommandReply::Reader {
            command: cmd,
            status: 0,
            data: params.to_vec(),
        })),
    }
}

fn m100_error_text(code: u8) -> &'static str {
    match code {
        0x16 => "wrong access password",
        _ => "the module reported an error",
    }
}

impl Decoder for M100Decoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        self.frames.feed(&M100Format, chunk, out, on_frame);
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        self.frames.idle(&M100Format, out, on_frame);
    }

    fn reset(&mut self) {
        self.frames.reset();
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::M100Bb7e
    }
}

/// The commands the driver sends to an M100-class module.
#[derive(Debug, Clone, Copy)]
pub struct Commands;

impl ProtocolCommands for Commands {
    fn inventory_start(&self, _round: &RoundSettings) -> Result<Vec<u8>, CommandError> {
        M100Command::inventory()
            .to_bytes()
            .map_err(CommandError::invalid)
    }

    fn inventory_stop(&self) -> Result<Option<Vec<u8>>, CommandError> {
        M100Command::stop()
            .to_bytes()
            .map(Some)
            .map_err(CommandError::invalid)
    }

    fn set_power(&self, _address: u8, dbm: u8) -> Result<Vec<u8>, CommandError> {
        M100Command::set_power(u16::from(dbm) * 100)
            .and_then(|c| c.to_bytes())
            .map_err(CommandError::invalid)
    }

    fn round_ends_when_quiet(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_power_matches_the_module_command() {
        // 20 dBm = 2000 centi-dBm = 0x07D0: BB 00 B6 00 02 07 D0 8F 7E.
        assert_eq!(
            M100Command::set_power(2000).unwrap().to_bytes().unwrap(),
            vec![0xBB, 0x00, 0xB6, 0x00, 0x02, 0x07, 0xD0, 0x8F, 0x7E]
        );
        assert!(M100Command::set_power(3001).is_err());
    }
}

//! Chafon UHFReader18 / UHFReader288 family (CF-RU5102, CF-RU5106, many OEM desktop readers).
//!
//! ```text
//! command : Len | Adr | Cmd   | Data… | CRC-LSB | CRC-MSB
//! response: Len | Adr | reCmd | Status | Data… | CRC-LSB | CRC-MSB
//! ```
//! `Len` counts the bytes after it; the CRC is [`crc16_chafon`] over `Len..Data`. A response has
//! `Len ≥ 5`. Inventory (0x01) data is `Num | (EPCLen | EPC)…` on UHFReader18 and
//! `AntMask | Num | (EPCLen | EPC | RSSI)…` on UHFReader288; EPCLen bit 7 is the FastID flag (the
//! block is EPC + 12 bytes TID), bits 6–0 the length. Inventory status: 0x01 done, 0x02 timeout
//! (tags so far reported), 0x03 more frames follow, 0x04 reader memory full, 0xF8 antenna error.
//!
//! The RSSI byte of the 288 format is passed on raw: its unit is not documented.

use crate::event::{CommandReply, DeviceEvent, ProtocolError};
use crate::protocol::commands::{CommandError, ProtocolCommands, RoundSettings};
use crate::protocol::crc::crc16_chafon;
use crate::protocol::framing::{malformed, Candidate, FrameBuffer, FrameFormat};
use crate::protocol::{Decoder, ProtocolId};

/// Largest Chafon frame: Len is one byte.
pub const FRAME_BYTES_MAX: usize = 256;
/// Broadcast reader address.
pub const BROADCAST: u8 = 0xFF;
/// G2 inventory command.
pub const CMD_INVENTORY: u8 = 0x01;
/// Get reader information.
pub const CMD_GET_READER_INFO: u8 = 0x21;
/// Set RF output power (one byte, dBm 0–30), per the UHFReader18 manual v2.0 command table.
pub const CMD_SET_POWER: u8 = 0x2F;
/// Length of the TID block FastID appends to the EPC.
const FASTID_TID_BYTES: usize = 12;

/// Which data layout the reader's inventory replies use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChafonFamily {
    /// `Num | (EPCLen | EPC)…`
    UhfReader18,
    /// `AntMask | Num | (EPCLen | EPC | RSSI)…`
    UhfReader288,
}

/// A command frame to a Chafon reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChafonCommand {
    /// reader address (0xFF = broadcast)
    pub address: u8,
    /// command byte
    pub command: u8,
    /// data field (at most 250 bytes)
    pub data: Vec<u8>,
}

/// A command whose data does not fit a frame, or a parameter out of its range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChafonCommandError {
    /// More than 250 data bytes.
    #[error("command data is {0} bytes; a Chafon frame holds at most 250")]
    TooLong(usize),
    /// A parameter is outside the range the reader accepts.
    #[error("{name} = {value} is out of range ({range})")]
    OutOfRange {
        /// parameter name
        name: &'static str,
        /// value given
        value: u32,
        /// accepted range, in words
        range: &'static str,
    },
}

impl ChafonCommand {
    /// G2 inventory without parameters (UHFReader18 style).
    pub fn inventory(address: u8) -> ChafonCommand {
        ChafonCommand {
            address,
            command: CMD_INVENTORY,
            data: Vec::new(),
        }
    }

    /// G2 inventory with UHFReader288 parameters.
    pub fn inventory_288(
        address: u8,
        params: &G2InventoryParams,
    ) -> Result<ChafonCommand, ChafonCommandError> {
        Ok(ChafonCommand {
            address,
            command: CMD_INVENTORY,
            data: params.to_bytes()?,
        })
    }

    /// Get reader information (firmware, type, band, power, scan time).
    pub fn get_reader_info(address: u8) -> ChafonCommand {
        ChafonCommand {
            address,
            command: CMD_GET_READER_INFO,
            data: Vec::new(),
        }
    }

    /// Set RF output power in dBm (0–30).
    pub fn set_power(address: u8, dbm: u8) -> Result<ChafonCommand, ChafonCommandError> {
        if dbm > 30 {
            return Err(ChafonCommandError::OutOfRange {
                name: "power",
                value: u32::from(dbm),
                range: "0 to 30 dBm",
            });
        }
        Ok(ChafonCommand {
            address,
            command: CMD_SET_POWER,
            data: vec![dbm],
        })
    }

    /// The whole frame, CRC appended LSB first.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ChafonCommandError> {
        if self.data.len() > 250 {
            return Err(ChafonCommandError::TooLong(self.data.len()));
        }
        let len = u8::try_from(4 + self.data.len())
            .map_err(|_| ChafonCommandError::TooLong(self.data.len()))?;
        let mut frame = Vec::with_capacity(usize::from(len) + 1);
        frame.extend_from_slice(&[len, self.address, self.command]);
        frame.extend_from_slice(&self.data);
        let crc = crc16_chafon(&frame);
        frame.extend_from_slice(&crc.to_le_bytes());
        Ok(frame)
    }
}

/// Parameters of the UHFReader288 G2 inventory command (UR-series manual §8.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct G2InventoryParams {
    /// Q value 0–15
    pub q: u8,
    /// QValue bit 7: ask for a statistics packet
    pub statistics: bool,
    /// QValue bit 6: strategy
    pub strategy: bool,
    /// QValue bit 5: FastID (EPC + TID in one read)
    pub fast_id: bool,
    /// session 0–3, or 0xFF = the reader decides
    pub session: u8,
    /// mask memory bank: 1 EPC, 2 TID, 3 User
    pub mask_mem: u8,
    /// mask start, bit address
    pub mask_addr: u16,
    /// mask length in bits
    pub mask_len: u8,
    /// mask bytes (⌈mask_len / 8⌉)
    pub mask_data: Vec<u8>,
    /// TID read (address, length in words), omitted when `None`
    pub tid: Option<(u8, u8)>,
    /// target (0 = A, 1 = B), antenna 1–8 and scan time ×100 ms, sent together or not at all
    pub target_antenna_scan: Option<(u8, u8, u8)>,
}

impl Default for G2InventoryParams {
    /// chafon-rfid's defaults: Q 15, session 0, mask on EPC with no mask, target A, antenna 1,
    /// scan time 2 s (`0f 00 01 00 00 00 00 80 14`).
    fn default() -> Self {
        G2InventoryParams {
            q: 15,
            statistics: false,
            strategy: false,
            fast_id: false,
            session: 0,
            mask_mem: 1,
            mask_addr: 0,
            mask_len: 0,
            mask_data: Vec::new(),
            tid: None,
            target_antenna_scan: Some((0, 1, 20)),
        }
    }
}

impl G2InventoryParams {
    /// The command's data field.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ChafonCommandError> {
        let out_of_range = |name, value: u8, range| ChafonCommandError::OutOfRange {
            name,
            value: u32::from(value),
            range,
        };
        if self.q > 15 {
            return Err(out_of_range("q", self.q, "0 to 15"));
        }
        if self.session > 3 && self.session != 0xFF {
            return Err(out_of_range("session", self.session, "0 to 3, or 255"));
        }
        if !(1..=3).contains(&self.mask_mem) {
            return Err(out_of_range("mask_mem", self.mask_mem, "1 to 3"));
        }
        let mask_bytes = usize::from(self.mask_len).div_ceil(8);
        if self.mask_data.len() != mask_bytes {
            return Err(ChafonCommandError::OutOfRange {
                name: "mask_data length",
                value: u32::try_from(self.mask_data.len()).unwrap_or(u32::MAX),
                range: "exactly ⌈mask_len / 8⌉ bytes",
            });
        }
        let mut q = self.q;
        if self.statistics {
            q |= 0x80;
        }
        if self.strategy {
            q |= 0x40;
        }
        if self.fast_id {
            q |= 0x20;
        }
        let mut data = vec![q, self.session, self.mask_mem];
        data.extend_from_slice(&self.mask_addr.to_be_bytes());
        data.push(self.mask_len);
        data.extend_from_slice(&self.mask_data);
        if let Some((addr, len)) = self.tid {
            data.extend_from_slice(&[addr, len]);
        }
        if let Some((target, antenna, scan)) = self.target_antenna_scan {
            if target > 1 {
                return Err(out_of_range("target", target, "0 (A) or 1 (B)"));
            }
            if !(1..=8).contains(&antenna) {
                return Err(out_of_range("antenna", antenna, "1 to 8"));
            }
            data.extend_from_slice(&[target, 0x80 + antenna - 1, scan]);
        }
        Ok(data)
    }
}

struct ChafonFormat;

impl FrameFormat for ChafonFormat {
    fn max_frame(&self) -> usize {
        FRAME_BYTES_MAX
    }

    fn check(&self, w: &[u8]) -> Candidate {
        let Some(&len) = w.first() else {
            return Candidate::NeedMore(1);
        };
        if len < 5 {
            return Candidate::NotStart;
        }
        let total = usize::from(len) + 1;
        if w.len() < total {
            return Candidate::NeedMore(total);
        }
        let expected = crc16_chafon(&w[..total - 2]);
        let got = u16::from_le_bytes([w[total - 2], w[total - 1]]);
        Candidate::crc16(total, expected, got)
    }
}

/// Decoder for Chafon reader responses.
#[derive(Debug, Clone)]
pub struct ChafonDecoder {
    family: ChafonFamily,
    frames: FrameBuffer,
    expected: Option<u8>,
}

impl ChafonDecoder {
    /// A decoder for the given family's inventory layout.
    pub fn new(family: ChafonFamily) -> ChafonDecoder {
        ChafonDecoder {
            family,
            frames: FrameBuffer::new(FRAME_BYTES_MAX),
            expected: None,
        }
    }

    /// Bytes currently buffered (for memory-bound tests).
    pub fn buffered(&self) -> usize {
        self.frames.buffered()
    }
}

/// Parses inventory data into tag reads; all or nothing.
fn parse_inventory(family: ChafonFamily, data: &[u8]) -> Result<Vec<DeviceEvent>, DeviceEvent> {
    let (antenna, rest) = match family {
        ChafonFamily::UhfReader18 => (None, data),
        ChafonFamily::UhfReader288 => match data.split_first() {
            Some((&mask, rest)) => {
                let antenna = (mask != 0).then(|| {
                    // trailing_zeros of a non-zero u8 is at most 7.
                    u8::try_from(mask.trailing_zeros()).unwrap_or(7) + 1
                });
                (antenna, rest)
            }
            None => return Ok(Vec::new()),
        },
    };
    let Some((&count, mut rest)) = rest.split_first() else {
        return Ok(Vec::new());
    };
    let mut tags = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let Some((&epc_len, after)) = rest.split_first() else {
            return Err(malformed("inventory reply: fewer tags than its count"));
        };
        let n = usize::from(epc_len & 0x7F);
        let fast_id = epc_len & 0x80 != 0;
        let rssi_len = usize::from(family == ChafonFamily::UhfReader288);
        if after.len() < n + rssi_len {
            return Err(malformed("inventory reply: a tag longer than the frame"));
        }
        let block = &after[..n];
        let epc = if fast_id && n >= FASTID_TID_BYTES {
            &block[..n - FASTID_TID_BYTES]
        } else {
            block
        };
        let rssi = (rssi_len == 1).then(|| i16::from(after[n]));
        tags.push(DeviceEvent::TagRead {
            epc: epc.to_vec(),
            rssi,
            antenna,
        });
        rest = &after[n + rssi_len..];
    }
    Ok(tags)
}

impl ChafonDecoder {
    fn on_frame(family: ChafonFamily, expected: Option<u8>, f: &[u8], out: &mut Vec<DeviceEvent>) {
        let recmd = f[2];
        let status = f[3];
        let data = &f[4..f.len() - 2];
        if let Some(expected) = expected {
            if recmd != expected {
                out.push(DeviceEvent::Error(ProtocolError::UnexpectedReply {
                    expected,
                    got: recmd,
                }));
                return;
            }
        }
        if recmd != CMD_INVENTORY {
            if status == 0 {
                out.push(DeviceEvent::Reply(CommandReply::Reader {
                    command: recmd,
                    status: 0,
                    data: data.to_vec(),
                }));
            } else {
                out.push(DeviceEvent::Error(ProtocolError::ReaderError {
                    code: u16::from(status),
                    message: format!("command 0x{recmd:02X} failed"),
                }));
            }
            return;
        }
        match status {
            0x01..=0x04 => match parse_inventory(family, data) {
                Ok(tags) => {
                    let n = tags.len();
                    out.extend(tags);
                    if status != 0x03 {
                        out.push(DeviceEvent::Reply(CommandReply::InventoryDone { tags: n }));
                    }
                    if status == 0x04 {
                        out.push(DeviceEvent::Error(ProtocolError::ReaderError {
                            code: 0x04,
                            message: "reader memory full: inventory only partly done".into(),
                        }));
                    }
                }
                Err(e) => out.push(e),
            },
            0xF8 => out.push(DeviceEvent::Error(ProtocolError::ReaderError {
                code: 0xF8,
                message: "antenna error: check that the antenna is connected".into(),
            })),
            other => out.push(DeviceEvent::Error(ProtocolError::ReaderError {
                code: u16::from(other),
                message: "inventory reply with a status this decoder does not know \
                          (no tags taken from it)"
                    .into(),
            })),
        }
    }
}

impl Decoder for ChafonDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        let family = self.family;
        let expected = self.expected;
        self.frames.feed(&ChafonFormat, chunk, out, |f, out| {
            Self::on_frame(family, expected, f, out)
        });
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        let family = self.family;
        let expected = self.expected;
        self.frames.idle(&ChafonFormat, out, |f, out| {
            Self::on_frame(family, expected, f, out)
        });
    }

    fn reset(&mut self) {
        self.frames.reset();
        self.expected = None;
    }

    fn command_sent(&mut self, command: &[u8]) {
        // Len | Adr | Cmd …: remember Cmd.
        self.expected = command.get(2).copied();
    }

    fn protocol(&self) -> ProtocolId {
        match self.family {
            ChafonFamily::UhfReader18 => ProtocolId::ChafonUhfReader18,
            ChafonFamily::UhfReader288 => ProtocolId::ChafonUhfReader288,
        }
    }
}

/// The commands the driver sends to a Chafon reader of one family.
#[derive(Debug, Clone, Copy)]
pub struct Commands(pub ChafonFamily);

impl ProtocolCommands for Commands {
    fn inventory_start(&self, round: &RoundSettings) -> Result<Vec<u8>, CommandError> {
        match self.0 {
            ChafonFamily::UhfReader18 => ChafonCommand::inventory(round.address).to_bytes(),
            ChafonFamily::UhfReader288 => {
                let scan = u8::try_from(round.scan_time_ms / 100).unwrap_or(u8::MAX);
                let params = G2InventoryParams {
                    q: round.q,
                    session: round.session,
                    target_antenna_scan: Some((0, round.antenna, scan)),
                    ..G2InventoryParams::default()
                };
                ChafonCommand::inventory_288(round.address, &params).and_then(|c| c.to_bytes())
            }
        }
        .map_err(CommandError::invalid)
    }

    fn set_power(&self, address: u8, dbm: u8) -> Result<Vec<u8>, CommandError> {
        ChafonCommand::set_power(address, dbm)
            .and_then(|c| c.to_bytes())
            .map_err(CommandError::invalid)
    }

    fn takes_session(&self) -> bool {
        self.0 == ChafonFamily::UhfReader288
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_power_frame_has_the_documented_shape() {
        // UHFReader18-protocol manuals (e.g. ZK-RFID102 User's Manual V2.0 §8.4.6 "Set Power"):
        // Len 0x05 | Adr | Cmd 0x2F | Pwr (0–30) | CRC-16 LSB MSB.
        let frame = ChafonCommand::set_power(0x00, 30)
            .unwrap()
            .to_bytes()
            .unwrap();
        assert_eq!(&frame[..4], &[0x05, 0x00, 0x2F, 30]);
        let crc = crc16_chafon(&frame[..4]);
        assert_eq!(&frame[4..], &crc.to_le_bytes());
        assert!(ChafonCommand::set_power(0x00, 31).is_err());
    }

    #[test]
    fn inventory_params_are_validated() {
        let bad_q = G2InventoryParams {
            q: 16,
            ..G2InventoryParams::default()
        };
        assert!(bad_q.to_bytes().is_err());
        let bad_mask = G2InventoryParams {
            mask_len: 9,
            mask_data: vec![0xAA],
            ..G2InventoryParams::default()
        };
        assert!(bad_mask.to_bytes().is_err());
        let fast_id = G2InventoryParams {
            fast_id: true,
            target_antenna_scan: None,
            ..G2InventoryParams::default()
        };
        assert_eq!(fast_id.to_bytes().unwrap(), vec![0x2F, 0, 1, 0, 0, 0]);
    }
}

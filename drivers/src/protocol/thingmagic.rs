//! ThingMagic / JADAK Mercury serial protocol (M5e, M6e, M7e, Nano modules), as implemented by
//! the Mercury API (`serial_reader_l3.c`).
//!
//! ```text
//! host → reader: FF | LEN | OPCODE | DATA (LEN bytes) | CRC-hi | CRC-lo
//! reader → host: FF | LEN | OPCODE | STATUS (2) | DATA (LEN bytes) | CRC-hi | CRC-lo
//! ```
//! The CRC is [`crc16_thingmagic`] over `LEN..DATA` (for replies `LEN, OPCODE, STATUS, DATA`).
//! `LEN ≤ 0xF8`. A reply whose opcode is not the one sent (other than 0x2F streaming) means the
//! module rebooted and sent its boot message; opcode 0x04 is the boot message itself. Status
//! 0x0400 is "no tags found" (an empty inventory round, not a failure).
//!
//! Tag reads are decoded from "get tag ID buffer" (0x29) replies:
//! `flags (2) | read options (1) | count (1) | records…`, each record holding the metadata the
//! flags select (read count 1, RSSI 1 signed dBm, antenna 1 = tx/rx port nibbles, frequency 3,
//! timestamp 4, phase 2, protocol 1, data (2-byte bit length + bytes), GPIO 1), then the EPC
//! length in bits (2) and `PC (2) [+ XPC words] | EPC | tag CRC (2)`.

use crate::event::{CommandReply, DeviceEvent, ProtocolError};
use crate::protocol::commands::{CommandError, ProtocolCommands, RoundSettings};
use crate::protocol::crc::crc16_thingmagic;
use crate::protocol::framing::{malformed, Candidate, FrameBuffer, FrameFormat};
use crate::protocol::{Decoder, ProtocolId};

/// Start of every frame.
pub const SOH: u8 = 0xFF;
/// Largest LEN the API accepts.
pub const LEN_MAX: u8 = 0xF8;
/// Largest reply frame.
pub const FRAME_BYTES_MAX: usize = LEN_MAX as usize + 7;
/// Boot message opcode.
pub const OPCODE_BOOT: u8 = 0x04;
/// Get version.
pub const OPCODE_VERSION: u8 = 0x03;
/// Read tag ID multiple (a timed inventory round).
pub const OPCODE_READ_TAG_MULTIPLE: u8 = 0x22;
/// Get tag ID buffer.
pub const OPCODE_GET_TAG_BUFFER: u8 = 0x29;
/// Clear tag ID buffer.
pub const OPCODE_CLEAR_TAG_BUFFER: u8 = 0x2A;
/// Multi-protocol tag operation (continuous reading streams under this opcode).
pub const OPCODE_MULTI_PROTOCOL: u8 = 0x2F;
/// Set read transmit power (centi-dBm).
pub const OPCODE_SET_READ_TX_POWER: u8 = 0x92;
/// Set region.
pub const OPCODE_SET_REGION: u8 = 0x97;
/// Auto-read (autonomous mode) message.
pub const OPCODE_AUTOREAD: u8 = 0x9D;
/// Status: no tags found.
pub const STATUS_NO_TAGS_FOUND: u16 = 0x0400;

/// Metadata flag bits of tag buffer records.
pub mod metadata {
    /// read count (1 byte)
    pub const READ_COUNT: u16 = 0x0001;
    /// RSSI (1 byte, signed dBm)
    pub const RSSI: u16 = 0x0002;
    /// antenna id (1 byte: tx port << 4 | rx port)
    pub const ANTENNA: u16 = 0x0004;
    /// frequency (3 bytes, kHz)
    pub const FREQUENCY: u16 = 0x0008;
    /// timestamp (4 bytes, ms)
    pub const TIMESTAMP: u16 = 0x0010;
    /// phase (2 bytes)
    pub const PHASE: u16 = 0x0020;
    /// tag protocol (1 byte; 5 = Gen2)
    pub const PROTOCOL: u16 = 0x0040;
    /// embedded read data (2-byte bit length + bytes)
    pub const DATA: u16 = 0x0080;
    /// GPIO status (1 byte)
    pub const GPIO: u16 = 0x0100;
    /// every flag this decoder can parse
    pub const SUPPORTED: u16 = 0x01FF;
}

/// Tag protocol number of EPC Gen2 in the protocol metadata byte.
const PROTOCOL_GEN2: u8 = 5;

/// A command to a Mercury module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MercuryCommand {
    /// opcode
    pub opcode: u8,
    /// data (at most 0xF8 bytes)
    pub data: Vec<u8>,
}

/// The command data does not fit a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("command data is {0} bytes; a Mercury frame holds at most 248")]
pub struct MercuryCommandTooLong(pub usize);

impl MercuryCommand {
    /// Get version (`FF 00 03 1D 0C`).
    pub fn get_version() -> MercuryCommand {
        MercuryCommand {
            opcode: OPCODE_VERSION,
            data: Vec::new(),
        }
    }

    /// Set region (tmr_region.h: NA 1, EU 2, KR 3, IN 4, JP 5, PRC 6, EU2 7, EU3 8, KR2 9,
    /// OPEN 0xFF).
    pub fn set_region(region: u8) -> MercuryCommand {
        MercuryCommand {
            opcode: OPCODE_SET_REGION,
            data: vec![region],
        }
    }

    /// Set the read transmit power in centi-dBm (2700 = 27 dBm).
    pub fn set_read_power(centi_dbm: u16) -> MercuryCommand {
        MercuryCommand {
            opcode: OPCODE_SET_READ_TX_POWER,
            data: centi_dbm.to_be_bytes().to_vec(),
        }
    }

    /// Read tags for `timeout_ms` milliseconds into the module's tag buffer.
    pub fn read_tag_multiple(timeout_ms: u16) -> MercuryCommand {
        MercuryCommand {
            opcode: OPCODE_READ_TAG_MULTIPLE,
            data: timeout_ms.to_be_bytes().to_vec(),
        }
    }

    /// Get the tag buffer with the given metadata (see [`metadata`]).
    pub fn get_tag_buffer(metadata_flags: u16) -> MercuryCommand {
        let mut data = metadata_flags.to_be_bytes().to_vec();
        data.push(0x00); // read options
        MercuryCommand {
            opcode: OPCODE_GET_TAG_BUFFER,
            data,
        }
    }

    /// Clear the tag buffer (`FF 00 2A 1D 25`).
    pub fn clear_tag_buffer() -> MercuryCommand {
        MercuryCommand {
            opcode: OPCODE_CLEAR_TAG_BUFFER,
            data: Vec::new(),
        }
    }

    /// The whole frame, CRC big-endian.
    pub fn to_bytes(&self) -> Result<Vec<u8>, MercuryCommandTooLong> {
        let len = u8::try_from(self.data.len())
            .ok()
            .filter(|&l| l <= LEN_MAX)
            .ok_or(MercuryCommandTooLong(self.data.len()))?;
        let mut frame = Vec::with_capacity(self.data.len() + 5);
        frame.extend_from_slice(&[SOH, len, self.opcode]);
        frame.extend_from_slice(&self.data);
        let crc = crc16_thingmagic(&frame[1..]);
        frame.extend_from_slice(&crc.to_be_bytes());
        Ok(frame)
    }
}

struct MercuryFormat;

impl FrameFormat for MercuryFormat {
    fn max_frame(&self) -> usize {
        FRAME_BYTES_MAX
    }

    fn check(&self, w: &[u8]) -> Candidate {
        match w {
            [first, ..] if *first != SOH => Candidate::NotStart,
            [] | [_] => Candidate::NeedMore(2),
            [_, len, ..] if *len > LEN_MAX => Candidate::NotStart,
            [_, len, ..] => {
                let total = usize::from(*len) + 7;
                if w.len() < total {
                    return Candidate::NeedMore(total);
                }
                let expected = crc16_thingmagic(&w[1..total - 2]);
                let got = u16::from_be_bytes([w[total - 2], w[total - 1]]);
                Candidate::crc16(total, expected, got)
            }
        }
    }
}

/// Decoder for Mercury replies.
#[derive(Debug, Clone)]
pub struct MercuryDecoder {
    frames: FrameBuffer,
    expected: Option<u8>,
}

impl Default for MercuryDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl MercuryDecoder {
    /// A fresh decoder.
    pub fn new() -> MercuryDecoder {
        MercuryDecoder {
            frames: FrameBuffer::new(FRAME_BYTES_MAX),
            expected: None,
        }
    }

    /// Bytes currently buffered.
    pub fn buffered(&self) -> usize {
        self.frames.buffered()
    }
}

/// A cursor over reply data that never reads past the end.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
}

/// Parses a get-tag-buffer reply's data into tag reads; all or nothing.
pub fn parse_tag_buffer(data: &[u8]) -> Result<Vec<DeviceEvent>, DeviceEvent> {
    let short = || malformed("tag buffer reply shorter than its records");
    let mut c = Cursor { bytes: data };
    let flags = c.u16().ok_or_else(short)?;
    if flags & !metadata::SUPPORTED != 0 {
        return Err(malformed(&format!(
            "tag buffer metadata flags 0x{flags:04X} include fields this decoder cannot size"
        )));
    }
    let _read_options = c.u8().ok_or_else(short)?;
    let count = c.u8().ok_or_else(short)?;
    let mut tags = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let mut rssi = None;
        let mut antenna = None;
        let mut protocol = PROTOCOL_GEN2;
        if flags & metadata::READ_COUNT != 0 {
            c.u8().ok_or_else(short)?;
        }
        if flags & metadata::RSSI != 0 {
            let raw = c.u8().ok_or_else(short)?;
            rssi = Some(i16::from(i8::from_ne_bytes([raw])));
        }
        if flags & metadata::ANTENNA != 0 {
            // tx port in the high nibble, rx port in the low nibble; port 16 wraps to 0.
            let raw = c.u8().ok_or_else(short)?;
            let rx = raw & 0x0F;
            antenna = Some(if rx == 0 { 16 } else { rx });
        }
        if flags & metadata::FREQUENCY != 0 {
            c.take(3).ok_or_else(short)?;
        }
        if flags & metadata::TIMESTAMP != 0 {
            c.take(4).ok_or_else(short)?;
        }
        if flags & metadata::PHASE != 0 {
            c.take(2).ok_or_else(short)?;
        }
        if flags & metadata::PROTOCOL != 0 {
            protocol = c.u8().ok_or_else(short)?;
        }
        if flags & metadata::DATA != 0 {
            let bits = c.u16().ok_or_else(short)?;
            c.take(usize::from(bits).div_ceil(8)).ok_or_else(short)?;
        }
        if flags & metadata::GPIO != 0 {
            c.u8().ok_or_else(short)?;
        }
        let bits = c.u16().ok_or_else(short)?;
        let block = c.take(usize::from(bits).div_ceil(8)).ok_or_else(short)?;
        // block = [PC (2) [XPC_W1 (2) [XPC_W2 (2)]]] EPC CRC (2)
        let mut skip = 0;
        if protocol == PROTOCOL_GEN2 {
            skip = 2;
            if block.first().is_some_and(|pc0| pc0 & 0x02 != 0) {
                skip += 2;
                if block.get(2).is_some_and(|x0| x0 & 0x80 != 0) {
                    skip += 2;
                }
            }
        }
        if block.len() < skip + 2 {
            return Err(malformed("tag record shorter than its PC and CRC"));
        }
        tags.push(DeviceEvent::TagRead {
            epc: block[skip..block.len() - 2].to_vec(),
            rssi,
            antenna,
        });
    }
    Ok(tags)
}

fn status_text(status: u16) -> &'static str {
    match status {
        0x0100 => "wrong number of data bytes in the command",
        0x0101 => "invalid opcode",
        0x0102 => "unimplemented opcode",
        0x0103 => "power setting too high",
        0x0105 => "invalid parameter value",
        0x0106 => "power setting too low",
        0x0401 => "no tag protocol set",
        0x0504 => "the module is too hot: let it cool down",
        0x0505 => "high return loss: check the antenna",
        _ => "the module reported an error",
    }
}

impl MercuryDecoder {
    fn on_frame(expected: Option<u8>, f: &[u8], out: &mut Vec<DeviceEvent>) {
        let opcode = f[2];
        let status = u16::from_be_bytes([f[3], f[4]]);
        let data = &f[5..f.len() - 2];
        if opcode == OPCODE_BOOT && expected != Some(OPCODE_BOOT) {
            out.push(DeviceEvent::Error(ProtocolError::DeviceReset));
            return;
        }
        if let Some(expected) = expected {
            if opcode != expected && opcode != OPCODE_MULTI_PROTOCOL && opcode != OPCODE_AUTOREAD {
                out.push(DeviceEvent::Error(ProtocolError::UnexpectedReply {
                    expected,
                    got: opcode,
                }));
                return;
            }
        }
        if status == STATUS_NO_TAGS_FOUND {
            out.push(DeviceEvent::Reply(CommandReply::InventoryDone { tags: 0 }));
            return;
        }
        if status != 0 {
            out.push(DeviceEvent::Error(ProtocolError::ReaderError {
                code: status,
                message: status_text(status).into(),
            }));
            return;
        }
        if opcode == OPCODE_GET_TAG_BUFFER {
            match parse_tag_buffer(data) {
                Ok(tags) => out.extend(tags),
                Err(e) => out.push(e),
            }
            return;
        }
        out.push(DeviceEvent::Reply(CommandReply::Reader {
            command: opcode,
            status,
            data: data.to_vec(),
        }));
    }
}

impl Decoder for MercuryDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        let expected = self.expected;
        self.frames.feed(&MercuryFormat, chunk, out, |f, out| {
            Self::on_frame(expected, f, out)
        });
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        let expected = self.expected;
        self.frames.idle(&MercuryFormat, out, |f, out| {
            Self::on_frame(expected, f, out)
        });
    }

    fn reset(&mut self) {
        self.frames.reset();
        self.expected = None;
    }

    fn command_sent(&mut self, command: &[u8]) {
        // Skip any 0xFF wake-up preamble: the opcode follows SOH and LEN.
        let start = command
            .windows(2)
            .position(|w| w[0] == SOH && w[1] <= LEN_MAX)
            .unwrap_or(0);
        self.expected = command.get(start + 2).copied();
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::ThingMagicMercury
    }
}

/// The commands the driver sends to a ThingMagic Mercury module.
#[derive(Debug, Clone, Copy)]
pub struct Commands;

impl ProtocolCommands for Commands {
    fn inventory_start(&self, round: &RoundSettings) -> Result<Vec<u8>, CommandError> {
        let ms = u16::try_from(round.scan_time_ms).unwrap_or(u16::MAX);
        MercuryCommand::read_tag_multiple(ms)
            .to_bytes()
            .map_err(CommandError::invalid)
    }

    fn set_power(&self, _address: u8, dbm: u8) -> Result<Vec<u8>, CommandError> {
        MercuryCommand::set_read_power(u16::from(dbm) * 100)
            .to_bytes()
            .map_err(CommandError::invalid)
    }

    fn fetch_tags(&self) -> Result<Vec<u8>, CommandError> {
        MercuryCommand::get_tag_buffer(metadata::READ_COUNT | metadata::RSSI | metadata::ANTENNA)
            .to_bytes()
            .map_err(CommandError::invalid)
    }

    fn clear_tags(&self) -> Result<Vec<u8>, CommandError> {
        MercuryCommand::clear_tag_buffer()
            .to_bytes()
            .map_err(CommandError::invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn get_read_power_command_from_a_vendor_guide() {
        // "Get Read TX Power (62h)" in a Mercury-protocol reader guide (TransCore T800 user
        // guide, page 138): FF 01 62 01 BE BC. (The guide's example reply ends in 1F B7, which
        // is not the CRC of its bytes: an illustrative value, not used here.)
        let cmd = MercuryCommand {
            opcode: 0x62,
            data: vec![0x01],
        };
        assert_eq!(cmd.to_bytes().unwrap(), hex("ff016201bebc"));
        // Its reply, with the CRC this protocol defines, decodes to the raw reply.
        let mut reply = hex("ff07620000010bb80bb801f4");
        let crc = crc16_thingmagic(&reply[1..]);
        reply.extend_from_slice(&crc.to_be_bytes());
        let mut d = MercuryDecoder::new();
        d.command_sent(&cmd.to_bytes().unwrap());
        let mut out = Vec::new();
        d.feed(&reply, &mut out);
        assert_eq!(
            out,
            vec![DeviceEvent::Reply(CommandReply::Reader {
                command: 0x62,
                status: 0,
                data: hex("010bb80bb801f4"),
            })]
        );
    }

    #[test]
    fn get_tag_buffer_command_matches_the_api() {
        // The Mercury API asks for metadata 0x0057 with read options 0: FF 03 29 00 57 00 A3 22.
        assert_eq!(
            MercuryCommand::get_tag_buffer(0x0057).to_bytes().unwrap(),
            hex("ff03290057")
                .into_iter()
                .chain(hex("00a322"))
                .collect::<Vec<u8>>()
        );
    }
}

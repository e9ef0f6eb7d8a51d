//! A UHF RFID reader simulator: Chafon UHFReader18 / UHFReader288, M100 "BB…7E" modules and
//! ThingMagic Mercury modules, running inventory rounds over a simulated tag population.
//!
//! Commands are parsed with the same framing and CRCs as the real readers (a frame with a bad
//! CRC is ignored, as a reader does). Each inventory round reads a random subset of the tags,
//! some of them several times (as real readers report a tag once per slot it answers in), and
//! is logged as a [`RoundLog`] so a test can check deduplication and that no tag was invented.
//!
//! * Chafon: `0x01` inventory → reply frames of at most 10 tags with status 0x03 (more
//!   follows), then a final frame with status 0x01; `0x21` reader info; `0x2F` set power.
//! * M100: `0x22` single inventory → one tag notice per read (or the "no tag" error frame);
//!   `0x27` multiple inventory → one round per 50 ms until the count is done or `0x28` stops it;
//!   `0x03` version, `0x07` region, `0xB6` power.
//! * ThingMagic: `0x22` read tag multiple → the round goes into the tag buffer, reply = count
//!   (or status 0x0400 "no tags found"); `0x29` get tag buffer → up to 11 records per reply
//!   (read count, RSSI, antenna as the driver asks), removed as they are sent; `0x2A` clear;
//!   `0x03` version, `0x97` region, `0x92` power.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Rng, SimDevice, SimError, SimHandle, COMMAND_BYTES_MAX};
use crate::protocol::crc::{crc16_chafon, crc16_gen2, crc16_thingmagic, sum8};
use crate::protocol::ProtocolId;

/// Which protocol the simulated reader speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RfidProtocol {
    /// Chafon UHFReader18 (no RSSI, no antenna).
    Chafon18,
    /// Chafon UHFReader288 (antenna mask, raw RSSI byte).
    Chafon288,
    /// M100-class "BB…7E" module.
    M100,
    /// ThingMagic Mercury.
    ThingMagic,
}

impl RfidProtocol {
    /// Every reader protocol the simulator speaks.
    pub const ALL: [RfidProtocol; 4] = [
        RfidProtocol::Chafon18,
        RfidProtocol::Chafon288,
        RfidProtocol::M100,
        RfidProtocol::ThingMagic,
    ];

    /// The protocol in the drivers' one list of protocols.
    pub fn protocol_id(self) -> ProtocolId {
        match self {
            RfidProtocol::Chafon18 => ProtocolId::ChafonUhfReader18,
            RfidProtocol::Chafon288 => ProtocolId::ChafonUhfReader288,
            RfidProtocol::M100 => ProtocolId::M100Bb7e,
            RfidProtocol::ThingMagic => ProtocolId::ThingMagicMercury,
        }
    }

    /// The shipped profile for this protocol (named like the protocol).
    pub fn profile_id(self) -> &'static str {
        self.protocol_id().as_str()
    }
}

impl FromStr for RfidProtocol {
    type Err = SimError;
    fn from_str(s: &str) -> Result<Self, SimError> {
        if let Some(p) = Self::ALL.into_iter().find(|p| p.profile_id() == s) {
            return Ok(p);
        }
        match s {
            "chafon18" => Ok(RfidProtocol::Chafon18),
            "chafon288" | "chafon" => Ok(RfidProtocol::Chafon288),
            "m100" => Ok(RfidProtocol::M100),
            "thingmagic" | "mercury" => Ok(RfidProtocol::ThingMagic),
            other => Err(SimError::Config(format!(
                "unknown RFID protocol `{other}` ({})",
                Self::ALL.map(RfidProtocol::profile_id).join(", ")
            ))),
        }
    }
}

/// One simulated tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimTag {
    /// EPC bytes (12 for EPC-96).
    pub epc: Vec<u8>,
    /// Antenna that sees it, 1-based.
    pub antenna: u8,
    /// Signal strength in dBm (negative).
    pub rssi_dbm: i8,
}

/// Simulator settings.
#[derive(Debug, Clone)]
pub struct RfidConfig {
    /// Protocol spoken.
    pub protocol: RfidProtocol,
    /// The tags in the field.
    pub tags: Vec<SimTag>,
    /// Chance (percent) that a tag answers in a round.
    pub read_percent: u8,
    /// Most times one tag is reported in one round.
    pub max_repeats: u8,
    /// Insert random bytes between reply frames (line noise).
    pub noise: bool,
    /// Seed of the random generator.
    pub seed: u64,
}

impl RfidConfig {
    /// A reader with `count` Metrc-style tags (`1A4FF01000000220000000NN`), every tag read
    /// each round, up to three times.
    pub fn new(protocol: RfidProtocol, count: usize) -> Self {
        Self {
            protocol,
            tags: population(count),
            read_percent: 100,
            max_repeats: 3,
            noise: false,
            seed: 7,
        }
    }
}

/// `count` tags with Metrc-style 96-bit EPCs, on antennas 1 and 2.
pub fn population(count: usize) -> Vec<SimTag> {
    (0..count.min(100_000))
        .map(|i| {
            let mut epc = vec![0x1A, 0x4F, 0xF0, 0x10, 0x00, 0x00, 0x02, 0x20];
            epc.extend_from_slice(&u32::try_from(i).unwrap_or(u32::MAX).to_be_bytes());
            SimTag {
                epc,
                antenna: if i % 2 == 0 { 1 } else { 2 },
                rssi_dbm: -40 - i8::try_from(i % 30).unwrap_or(0),
            }
        })
        .collect()
}

/// What one inventory round read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundLog {
    /// Round number, from 1.
    pub round: u64,
    /// The distinct EPCs reported.
    pub unique: BTreeSet<Vec<u8>>,
    /// Tag reports sent, duplicates included.
    pub reads: usize,
}

/// The log of rounds, shared with whoever started the simulator.
pub type RoundLogs = Arc<Mutex<Vec<RoundLog>>>;

/// A running RFID reader simulator.
#[derive(Debug)]
pub struct RfidSimulator {
    handle: SimHandle,
    log: RoundLogs,
}

impl RfidSimulator {
    /// Starts a simulator with its stable link at `link`.
    pub fn start(link: &std::path::Path, config: RfidConfig) -> Result<Self, SimError> {
        if config.read_percent > 100 || config.max_repeats == 0 {
            return Err(SimError::Config(
                "read_percent must be 0 to 100 and max_repeats at least 1".into(),
            ));
        }
        if config
            .tags
            .iter()
            .any(|t| t.epc.is_empty() || t.epc.len() > 62)
        {
            return Err(SimError::Config("every EPC must be 1 to 62 bytes".into()));
        }
        let log: RoundLogs = Arc::default();
        let device = RfidDevice::new(config, Arc::clone(&log));
        Ok(Self {
            handle: SimHandle::start(link, device)?,
            log,
        })
    }

    /// The simulator's handle (link, unplug, replug count).
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }

    /// Every round run so far.
    pub fn rounds(&self) -> Vec<RoundLog> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Stops it.
    pub fn stop(self) {
        self.handle.stop();
    }
}

/// The simulated reader's logic, without I/O.
#[derive(Debug)]
pub struct RfidDevice {
    config: RfidConfig,
    log: RoundLogs,
    input: Vec<u8>,
    rng: Rng,
    round: u64,
    /// M100 multiple inventory: rounds left and when the last one ran.
    m100_multi: Option<(u32, Instant)>,
    /// ThingMagic tag buffer.
    tm_buffer: Vec<SimTag>,
    /// Chafon RF power in dBm (0x2F sets it, 0x21 reports it).
    chafon_power: u8,
    /// Chafon inventory scan time in 100 ms (0x25 sets it, 0x21 reports it).
    chafon_scan_time: u8,
    /// M100 RF power in 1/100 dBm (0xB6 sets it, 0xB7 reports it).
    m100_power: u16,
}

impl RfidDevice {
    /// A reader with this configuration logging into `log`.
    pub fn new(config: RfidConfig, log: RoundLogs) -> Self {
        Self {
            rng: Rng::new(config.seed),
            config,
            log,
            input: Vec::new(),
            round: 0,
            m100_multi: None,
            tm_buffer: Vec::new(),
            chafon_power: 0x1E,
            chafon_scan_time: 0x0A,
            m100_power: 2600,
        }
    }

    /// Runs one round: which tags answer, in what order, with repeats.
    fn run_round(&mut self) -> Vec<SimTag> {
        let mut reads = Vec::new();
        for tag in &self.config.tags {
            if self.rng.below(100) < u64::from(self.config.read_percent) {
                let repeats = 1 + self.rng.below(u64::from(self.config.max_repeats));
                for _ in 0..repeats {
                    reads.push(tag.clone());
                }
            }
        }
        // Shuffle so duplicates are spread through the round.
        for i in (1..reads.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            reads.swap(i, j);
        }
        self.round += 1;
        let unique = reads.iter().map(|t| t.epc.clone()).collect();
        if let Ok(mut log) = self.log.lock() {
            log.push(RoundLog {
                round: self.round,
                unique,
                reads: reads.len(),
            });
        }
        reads
    }

    fn maybe_noise(&mut self, out: &mut Vec<u8>, exclude: &[u8]) {
        if self.config.noise && self.rng.below(3) == 0 {
            let len = 1 + self.rng.below(6) as usize;
            let noise = self.rng.noise(len, exclude);
            out.extend_from_slice(&noise);
        }
    }

    // ---- Chafon ----

    fn chafon_frame(address: u8, command: u8, status: u8, data: &[u8]) -> Vec<u8> {
        let len = u8::try_from(5 + data.len()).unwrap_or(u8::MAX);
        let mut f = vec![len, address, command, status];
        f.extend_from_slice(data);
        let crc = crc16_chafon(&f);
        f.extend_from_slice(&crc.to_le_bytes());
        f
    }

    fn chafon_input(&mut self, out: &mut Vec<u8>) {
        loop {
            let Some(&len) = self.input.first() else {
                return;
            };
            let total = usize::from(len) + 1;
            if len < 4 {
                self.input.remove(0);
                continue;
            }
            if self.input.len() < total {
                return;
            }
            let frame: Vec<u8> = self.input[..total].to_vec();
            let (body, crc) = frame.split_at(total - 2);
            if crc16_chafon(body).to_le_bytes() != [crc[0], crc[1]] {
                // A reader ignores a frame whose CRC fails; resynchronise one byte on.
                self.input.remove(0);
                continue;
            }
            self.input.drain(..total);
            self.chafon_command(body[1], body[2], &body[3..], out);
        }
    }

    fn chafon_command(&mut self, address: u8, command: u8, data: &[u8], out: &mut Vec<u8>) {
        // Replies carry the reader's own address (0x00), as in the vectors.
        let reply_adr = if address == 0xFF { 0x00 } else { address };
        let family_288 = self.config.protocol == RfidProtocol::Chafon288;
        match command {
            0x01 => {
                let reads = self.run_round();
                let chunks: Vec<&[SimTag]> = reads.chunks(10).collect();
                for chunk in chunks {
                    let mut data = Vec::new();
                    if family_288 {
                        let mask = chunk
                            .first()
                            .map_or(1, |t| 1u8 << (t.antenna.clamp(1, 8) - 1));
                        data.push(mask);
                    }
                    data.push(u8::try_from(chunk.len()).unwrap_or(0));
                    for tag in chunk {
                        data.push(u8::try_from(tag.epc.len()).unwrap_or(0) & 0x7F);
                        data.extend_from_slice(&tag.epc);
                        if family_288 {
                            // Raw, reader-specific RSSI byte (not dBm).
                            data.push(u8::try_from(i16::from(tag.rssi_dbm) + 160).unwrap_or(0));
                        }
                    }
                    // Any byte: noise that looks like a long Len holds the decoder until the
                    // frames behind it fail the CRC or the line goes idle.
                    self.maybe_noise(out, &[]);
                    out.extend_from_slice(&Self::chafon_frame(reply_adr, 0x01, 0x03, &data));
                }
                let mut done = Vec::new();
                if family_288 {
                    done.push(0x01);
                }
                done.push(0);
                out.extend_from_slice(&Self::chafon_frame(reply_adr, 0x01, 0x01, &done));
            }
            0x21 => {
                let reader_type = if family_288 { 0x0C } else { 0x09 };
                let data = [
                    0x00,
                    0x16,
                    reader_type,
                    0x03,
                    0x4E,
                    0x00,
                    self.chafon_power,
                    self.chafon_scan_time,
                    0x01,
                    0x00,
                    0x00,
                    0x00,
                ];
                out.extend_from_slice(&Self::chafon_frame(reply_adr, 0x21, 0x00, &data));
            }
            // Set RF power (0–30 dBm) and scan time (3–255 × 100 ms): 0xFF is the manual's
            // "parameter error", and the setting stays.
            0x2F => {
                let status = match data {
                    [dbm] if *dbm <= 30 => {
                        self.chafon_power = *dbm;
                        0x00
                    }
                    _ => 0xFF,
                };
                out.extend_from_slice(&Self::chafon_frame(reply_adr, 0x2F, status, &[]));
            }
            0x25 => {
                let status = match data {
                    [t] if *t >= 3 => {
                        self.chafon_scan_time = *t;
                        0x00
                    }
                    _ => 0xFF,
                };
                out.extend_from_slice(&Self::chafon_frame(reply_adr, 0x25, status, &[]));
            }
            other => out.extend_from_slice(&Self::chafon_frame(reply_adr, other, 0xFE, &[])),
        }
    }

    // ---- M100 ----

    fn m100_frame(kind: u8, command: u8, params: &[u8]) -> Vec<u8> {
        let pl = u16::try_from(params.len()).unwrap_or(u16::MAX);
        let mut f = vec![0xBB, kind, command];
        f.extend_from_slice(&pl.to_be_bytes());
        f.extend_from_slice(params);
        let sum = sum8(&f[1..]);
        f.push(sum);
        f.push(0x7E);
        f
    }

    fn m100_notice(tag: &SimTag) -> Vec<u8> {
        let words = u16::try_from(tag.epc.len().div_ceil(2))
            .unwrap_or(31)
            .min(31);
        let pc = (words << 11).to_be_bytes();
        let mut pc_epc = pc.to_vec();
        pc_epc.extend_from_slice(&tag.epc);
        let crc = crc16_gen2(&pc_epc);
        let mut params = vec![tag.rssi_dbm.to_ne_bytes()[0]];
        params.extend_from_slice(&pc_epc);
        params.extend_from_slice(&crc.to_be_bytes());
        Self::m100_frame(0x02, 0x22, &params)
    }

    fn m100_round(&mut self, out: &mut Vec<u8>) {
        let reads = self.run_round();
        if reads.is_empty() {
            out.extend_from_slice(&Self::m100_frame(0x01, 0xFF, &[0x15]));
        }
        for tag in &reads {
            self.maybe_noise(out, &[0xBB]);
            out.extend_from_slice(&Self::m100_notice(tag));
        }
    }

    fn m100_input(&mut self, out: &mut Vec<u8>) {
        loop {
            let Some(start) = self.input.iter().position(|&b| b == 0xBB) else {
                self.input.clear();
                return;
            };
            self.input.drain(..start);
            if self.input.len() < 7 {
                return;
            }
            let pl = usize::from(u16::from_be_bytes([self.input[3], self.input[4]]));
            let total = 7 + pl;
            if pl > 512 {
                self.input.remove(0);
                continue;
            }
            if self.input.len() < total {
                return;
            }
            let frame: Vec<u8> = self.input[..total].to_vec();
            if frame[total - 1] != 0x7E || sum8(&frame[1..total - 2]) != frame[total - 2] {
                self.input.remove(0);
                continue;
            }
            self.input.drain(..total);
            let params = &frame[5..5 + pl];
            match frame[2] {
                0x22 => self.m100_round(out),
                0x27 => {
                    let count = match params {
                        [_, hi, lo, ..] => u32::from(u16::from_be_bytes([*hi, *lo])),
                        _ => 1,
                    };
                    self.m100_multi = Some((count, Instant::now() - Duration::from_secs(1)));
                }
                0x28 => {
                    self.m100_multi = None;
                    out.extend_from_slice(&Self::m100_frame(0x01, 0x28, &[0x00]));
                }
                0x03 => out.extend_from_slice(&Self::m100_frame(0x01, 0x03, b"\x00M100 SIM V1.0")),
                0xB6 => {
                    if let [hi, lo] = params {
                        self.m100_power = u16::from_be_bytes([*hi, *lo]);
                        out.extend_from_slice(&Self::m100_frame(0x01, 0xB6, &[0x00]));
                    } else {
                        out.extend_from_slice(&Self::m100_frame(0x01, 0xFF, &[0x17]));
                    }
                }
                0xB7 => out.extend_from_slice(&Self::m100_frame(
                    0x01,
                    0xB7,
                    &self.m100_power.to_be_bytes(),
                )),
                0x07 => out.extend_from_slice(&Self::m100_frame(0x01, 0x07, &[0x00])),
                _ => out.extend_from_slice(&Self::m100_frame(0x01, 0xFF, &[0x17])),
            }
        }
    }

    // ---- ThingMagic ----

    fn tm_frame(opcode: u8, status: u16, data: &[u8]) -> Vec<u8> {
        let len = u8::try_from(data.len()).unwrap_or(u8::MAX);
        let mut f = vec![0xFF, len, opcode];
        f.extend_from_slice(&status.to_be_bytes());
        f.extend_from_slice(data);
        let crc = crc16_thingmagic(&f[1..]);
        f.extend_from_slice(&crc.to_be_bytes());
        f
    }

    fn tm_input(&mut self, out: &mut Vec<u8>) {
        loop {
            let Some(start) = self.input.iter().position(|&b| b == 0xFF) else {
                self.input.clear();
                return;
            };
            self.input.drain(..start);
            // Wake-up strings are runs of 0xFF: skip all but the last.
            while self.input.len() >= 2 && self.input[1] == 0xFF {
                self.input.remove(0);
            }
            if self.input.len() < 5 {
                return;
            }
            let len = usize::from(self.input[1]);
            if len > 0xF8 {
                self.input.remove(0);
                continue;
            }
            let total = 5 + len;
            if self.input.len() < total {
                return;
            }
            let frame: Vec<u8> = self.input[..total].to_vec();
            let crc = crc16_thingmagic(&frame[1..total - 2]).to_be_bytes();
            if crc != [frame[total - 2], frame[total - 1]] {
                self.input.remove(0);
                continue;
            }
            self.input.drain(..total);
            let opcode = frame[2];
            let data = &frame[3..3 + len];
            self.tm_command(opcode, data, out);
        }
    }

    fn tm_command(&mut self, opcode: u8, data: &[u8], out: &mut Vec<u8>) {
        match opcode {
            0x03 => out.extend_from_slice(&Self::tm_frame(
                0x03,
                0,
                &[
                    0x01, 0x09, 0x00, 0x02, 0x20, 0x24, 0x01, 0x01, 0x00, 0x00, 0x00, 0x10,
                ],
            )),
            0x97 | 0x92 | 0x2A => {
                if opcode == 0x2A {
                    self.tm_buffer.clear();
                }
                out.extend_from_slice(&Self::tm_frame(opcode, 0, &[]));
            }
            0x22 => {
                let reads = self.run_round();
                if reads.is_empty() {
                    out.extend_from_slice(&Self::tm_frame(0x22, 0x0400, &[]));
                } else {
                    let count = u8::try_from(reads.len()).unwrap_or(u8::MAX);
                    self.tm_buffer.extend(reads);
                    out.extend_from_slice(&Self::tm_frame(0x22, 0, &[count]));
                }
            }
            0x29 => {
                let flags = match data {
                    [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]) & 0x0007,
                    _ => 0,
                };
                if self.tm_buffer.is_empty() {
                    out.extend_from_slice(&Self::tm_frame(0x29, 0x0400, &[]));
                    return;
                }
                let take = self.tm_buffer.len().min(11);
                let records: Vec<SimTag> = self.tm_buffer.drain(..take).collect();
                let mut reply = flags.to_be_bytes().to_vec();
                reply.push(0x00);
                reply.push(u8::try_from(records.len()).unwrap_or(0));
                for tag in &records {
                    if flags & 0x0001 != 0 {
                        reply.push(1);
                    }
                    if flags & 0x0002 != 0 {
                        reply.push(tag.rssi_dbm.to_ne_bytes()[0]);
                    }
                    if flags & 0x0004 != 0 {
                        reply.push((tag.antenna << 4) | tag.antenna);
                    }
                    let words = u16::try_from(tag.epc.len().div_ceil(2))
                        .unwrap_or(31)
                        .min(31);
                    let mut block = (words << 11).to_be_bytes().to_vec();
                    block.extend_from_slice(&tag.epc);
                    let crc = crc16_gen2(&block);
                    block.extend_from_slice(&crc.to_be_bytes());
                    let bits = u16::try_from(block.len() * 8).unwrap_or(u16::MAX);
                    reply.extend_from_slice(&bits.to_be_bytes());
                    reply.extend_from_slice(&block);
                }
                self.maybe_noise(out, &[0xFF]);
                out.extend_from_slice(&Self::tm_frame(0x29, 0, &reply));
            }
            other => out.extend_from_slice(&Self::tm_frame(other, 0x0101, &[])),
        }
    }
}

impl SimDevice for RfidDevice {
    fn on_input(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        if self.input.len() + bytes.len() > COMMAND_BYTES_MAX {
            self.input.clear();
        }
        self.input.extend_from_slice(bytes);
        match self.config.protocol {
            RfidProtocol::Chafon18 | RfidProtocol::Chafon288 => self.chafon_input(out),
            RfidProtocol::M100 => self.m100_input(out),
            RfidProtocol::ThingMagic => self.tm_input(out),
        }
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<u8>) {
        if let Some((left, last)) = self.m100_multi {
            if now.duration_since(last) >= Duration::from_millis(50) {
                self.m100_round(out);
                self.m100_multi = (left > 1).then(|| (left - 1, now));
            }
        }
    }

    fn reset_input(&mut self) {
        self.input.clear();
        self.m100_multi = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(protocol: RfidProtocol, tags: usize) -> (RfidDevice, RoundLogs) {
        let log: RoundLogs = Arc::default();
        let mut config = RfidConfig::new(protocol, tags);
        config.max_repeats = 1;
        (RfidDevice::new(config, Arc::clone(&log)), log)
    }

    #[test]
    fn chafon_reader_info_matches_the_vector_layout() {
        let (mut d, _) = device(RfidProtocol::Chafon288, 0);
        let mut out = Vec::new();
        d.on_input(&hex::decode("04ff211995").unwrap(), &mut out);
        assert_eq!(hex::encode(out), "1100210000160c034e001e0a01000000e651");
    }

    #[test]
    fn chafon18_inventory_uses_the_vector_framing() {
        let (mut d, log) = device(RfidProtocol::Chafon18, 1);
        d.config.tags[0].epc = hex::decode("000000000000000000000313").unwrap();
        let mut out = Vec::new();
        d.on_input(&hex::decode("04ff011bb4").unwrap(), &mut out);
        let first = &out[..20];
        assert_eq!(
            hex::encode(first),
            "13000103010c0000000000000000000003133f39"
        );
        assert_eq!(log.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_command_with_a_bad_crc_is_ignored() {
        let (mut d, log) = device(RfidProtocol::Chafon18, 1);
        let mut out = Vec::new();
        d.on_input(&hex::decode("04ff011bb5").unwrap(), &mut out);
        assert!(out.is_empty());
        assert!(log.lock().unwrap().is_empty());
    }

    #[test]
    fn m100_notice_matches_the_manual_example_layout() {
        let tag = SimTag {
            epc: hex::decode("30751feb705c5904e3d50d70").unwrap(),
            antenna: 1,
            rssi_dbm: -55,
        };
        let mut notice = RfidDevice::m100_notice(&tag);
        // The manual's PC is 0x3400 (PC bits other than the length set); ours is 0x3000.
        notice[6] = 0x34;
        let body_end = notice.len() - 2;
        let crc = crc16_gen2(&notice[6..20]).to_be_bytes();
        notice[20] = crc[0];
        notice[21] = crc[1];
        notice[body_end] = sum8(&notice[1..body_end]);
        assert_eq!(
            hex::encode(notice),
            "bb02220011c9340030751feb705c5904e3d50d703a76ef7e"
        );
    }

    #[test]
    fn chafon_power_and_scan_time_are_kept_and_reported() {
        use crate::protocol::chafon::ChafonCommand;
        let (mut d, _) = device(RfidProtocol::Chafon288, 0);
        let mut out = Vec::new();
        let set = ChafonCommand::set_power(0xFF, 20)
            .unwrap()
            .to_bytes()
            .unwrap();
        d.on_input(&set, &mut out);
        assert_eq!(out, RfidDevice::chafon_frame(0x00, 0x2F, 0x00, &[]));
        out.clear();
        // 31 dBm is beyond the range: parameter error, the power stays.
        let mut bad = vec![0x05, 0xFF, 0x2F, 31];
        let crc = crc16_chafon(&bad);
        bad.extend_from_slice(&crc.to_le_bytes());
        d.on_input(&bad, &mut out);
        assert_eq!(out, RfidDevice::chafon_frame(0x00, 0x2F, 0xFF, &[]));
        out.clear();
        d.on_input(&hex::decode("04ff211995").unwrap(), &mut out);
        assert_eq!(
            out[10],
            20,
            "reader info reports the power set: {}",
            hex::encode(&out)
        );
    }

    #[test]
    fn m100_reports_the_power_it_was_set_to() {
        use crate::protocol::m100::M100Command;
        let (mut d, _) = device(RfidProtocol::M100, 0);
        let mut out = Vec::new();
        let set = M100Command::set_power(2000).unwrap().to_bytes().unwrap();
        d.on_input(&set, &mut out);
        assert_eq!(out, RfidDevice::m100_frame(0x01, 0xB6, &[0x00]));
        out.clear();
        // Get power: BB 00 B7 00 00 B7 7E.
        d.on_input(&[0xBB, 0x00, 0xB7, 0x00, 0x00, 0xB7, 0x7E], &mut out);
        assert_eq!(out, RfidDevice::m100_frame(0x01, 0xB7, &[0x07, 0xD0]));
    }

    #[test]
    fn thingmagic_answers_set_region_like_the_log() {
        let (mut d, _) = device(RfidProtocol::ThingMagic, 0);
        let mut out = Vec::new();
        d.on_input(&hex::decode("ffffffff0197024bbf").unwrap(), &mut out);
        assert_eq!(hex::encode(out), "ff00970000779e");
    }
}

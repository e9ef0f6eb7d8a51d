//! A serial scale simulator speaking MT-SICS, A&D standard format, Ohaus or NCI.
//!
//! It answers commands the way the real scale does (protocols.md §4) and can stream. Modes:
//! `stable` (every reading stable), `settling` (a few unstable readings, then a stable one),
//! `motion` (never stable), `overload` (over capacity), `drift` (stable, creeping up one
//! division every few readings: what a calibration check must catch), `garbage` (line noise
//! between readings) and `unplug` (the cable is pulled every few readings and put back).
//!
//! Every reading carries a sequence number: its value is `base + seq` divisions (in `drift`
//! mode `base + seq / drift_every`), and each sent reading is logged ([`SentReading`]) so a
//! test can compare the decoded stream with what was sent.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Rng, SimDevice, SimError, SimHandle, COMMAND_BYTES_MAX};

/// Which protocol the simulated scale speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleProtocol {
    /// Mettler Toledo MT-SICS.
    MtSics,
    /// A&D standard format.
    AndStandard,
    /// Ohaus standard output.
    Ohaus,
    /// NCI / Weigh-Tronix / Brecknell.
    Nci,
}

impl ScaleProtocol {
    /// The protocol id as in firmware profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            ScaleProtocol::MtSics => "mt-sics",
            ScaleProtocol::AndStandard => "and-standard",
            ScaleProtocol::Ohaus => "ohaus",
            ScaleProtocol::Nci => "nci",
        }
    }

    /// The shipped profile for this protocol.
    pub fn profile_id(self) -> &'static str {
        match self {
            ScaleProtocol::MtSics => "mettler-toledo-mt-sics",
            ScaleProtocol::AndStandard => "and-standard-format",
            ScaleProtocol::Ohaus => "ohaus-standard",
            ScaleProtocol::Nci => "nci-weigh-tronix",
        }
    }

    /// The command a driver polls with.
    pub fn poll_command(self) -> &'static str {
        match self {
            ScaleProtocol::MtSics => "SI",
            ScaleProtocol::AndStandard => "Q",
            ScaleProtocol::Ohaus => "IP",
            ScaleProtocol::Nci => "W",
        }
    }
}

impl FromStr for ScaleProtocol {
    type Err = SimError;
    fn from_str(s: &str) -> Result<Self, SimError> {
        match s {
            "mt-sics" | "mettler" | "mettler-toledo-mt-sics" => Ok(ScaleProtocol::MtSics),
            "and-standard" | "and" | "and-standard-format" => Ok(ScaleProtocol::AndStandard),
            "ohaus" | "ohaus-standard" => Ok(ScaleProtocol::Ohaus),
            "nci" | "nci-weigh-tronix" => Ok(ScaleProtocol::Nci),
            other => Err(SimError::Config(format!(
                "unknown scale protocol `{other}` (mt-sics, and-standard, ohaus, nci)"
            ))),
        }
    }
}

/// How the simulated scale behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleMode {
    /// Every reading stable.
    Stable,
    /// `settle_readings` unstable readings, then a stable one, repeating.
    Settling,
    /// Never stable.
    Motion,
    /// Over capacity.
    Overload,
    /// Stable, one division heavier every `drift_every` readings.
    Drift,
    /// Stable, with a line of noise before about every other reading.
    Garbage,
    /// Stable, unplugged for `unplug_for` after every `unplug_every` readings.
    Unplug,
}

impl FromStr for ScaleMode {
    type Err = SimError;
    fn from_str(s: &str) -> Result<Self, SimError> {
        match s {
            "stable" => Ok(ScaleMode::Stable),
            "settling" => Ok(ScaleMode::Settling),
            "motion" => Ok(ScaleMode::Motion),
            "overload" => Ok(ScaleMode::Overload),
            "drift" => Ok(ScaleMode::Drift),
            "garbage" => Ok(ScaleMode::Garbage),
            "unplug" => Ok(ScaleMode::Unplug),
            other => Err(SimError::Config(format!(
                "unknown scale mode `{other}` (stable, settling, motion, overload, drift, garbage, unplug)"
            ))),
        }
    }
}

/// Simulator settings.
#[derive(Debug, Clone)]
pub struct ScaleConfig {
    /// Protocol spoken.
    pub protocol: ScaleProtocol,
    /// Behaviour.
    pub mode: ScaleMode,
    /// Reading value before any sequence number is added, in divisions (10000 = 100.00).
    pub base_divisions: i64,
    /// Decimals printed (a division is 10^-decimals of the unit).
    pub decimals: u32,
    /// Unit printed (`g`, `kg`, `lb`).
    pub unit: String,
    /// Settling: unstable readings before each stable one.
    pub settle_readings: u32,
    /// Drift: readings per division of drift.
    pub drift_every: u64,
    /// Unplug mode: readings between unplugs.
    pub unplug_every: u64,
    /// Unplug mode: how long the cable stays out.
    pub unplug_for: Duration,
    /// Stream readings on its own at this interval (A&D stream mode, Ohaus `CP`, MT-SICS
    /// `SIR`) even before any command.
    pub stream_interval: Option<Duration>,
    /// Seed of the noise generator.
    pub seed: u64,
}

impl ScaleConfig {
    /// Defaults: 100.00 g base, two decimals, stable.
    pub fn new(protocol: ScaleProtocol, mode: ScaleMode) -> Self {
        Self {
            protocol,
            mode,
            base_divisions: 10_000,
            decimals: 2,
            unit: if protocol == ScaleProtocol::Nci {
                "lb".into()
            } else {
                "g".into()
            },
            settle_readings: 2,
            drift_every: 3,
            unplug_every: 5,
            unplug_for: Duration::from_millis(400),
            stream_interval: None,
            seed: 1,
        }
    }
}

/// One reading the simulator sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReading {
    /// Sequence number, from 1.
    pub seq: u64,
    /// The value as a plain decimal (`100.05`), `None` for an overload report.
    pub value: Option<String>,
    /// Unit.
    pub unit: String,
    /// Whether the scale reported it stable.
    pub stable: bool,
    /// Whether it was an overload report.
    pub overload: bool,
}

/// The log of sent readings, shared with the test or tool that started the simulator.
pub type ReadingLog = Arc<Mutex<Vec<SentReading>>>;

/// A running scale simulator.
#[derive(Debug)]
pub struct ScaleSimulator {
    handle: SimHandle,
    log: ReadingLog,
}

impl ScaleSimulator {
    /// Starts a simulator with its stable link at `link`.
    pub fn start(link: &std::path::Path, config: ScaleConfig) -> Result<Self, SimError> {
        if config.decimals > 6 || config.unit.is_empty() || config.unit.len() > 3 {
            return Err(SimError::Config(
                "decimals must be at most 6 and the unit 1 to 3 characters".into(),
            ));
        }
        if config.drift_every == 0 || config.unplug_every == 0 {
            return Err(SimError::Config(
                "drift_every and unplug_every must be at least 1".into(),
            ));
        }
        let log: ReadingLog = Arc::default();
        let device = ScaleDevice::new(config, Arc::clone(&log));
        Ok(Self {
            handle: SimHandle::start(link, device)?,
            log,
        })
    }

    /// The simulator's handle (link, unplug, replug count).
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }

    /// Every reading sent so far.
    pub fn sent(&self) -> Vec<SentReading> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Stops it.
    pub fn stop(self) {
        self.handle.stop();
    }
}

/// What the next reading is.
#[derive(Debug, Clone, Copy)]
struct Reading {
    divisions: i64,
    stable: bool,
    overload: bool,
}

/// The simulated scale's logic, without I/O.
#[derive(Debug)]
pub struct ScaleDevice {
    config: ScaleConfig,
    log: ReadingLog,
    input: Vec<u8>,
    seq: u64,
    attempts: u64,
    rng: Rng,
    streaming: Option<(Duration, Instant, bool)>,
    /// Unplug mode: the reading that triggers an unplug was sent (and when).
    pending_unplug: Option<Instant>,
    /// Unplug now: the driver asked for the next reading, so it has read the last one.
    unplug_now: bool,
}

impl ScaleDevice {
    /// A scale with this configuration logging into `log`.
    pub fn new(config: ScaleConfig, log: ReadingLog) -> Self {
        let streaming = config.stream_interval.map(|i| (i, Instant::now(), false));
        Self {
            rng: Rng::new(config.seed),
            config,
            log,
            input: Vec::new(),
            seq: 0,
            attempts: 0,
            streaming,
            pending_unplug: None,
            unplug_now: false,
        }
    }

    fn generate(&mut self) -> Reading {
        self.attempts += 1;
        let next_seq = self.seq + 1;
        let base = self.config.base_divisions;
        let seq_div = i64::try_from(next_seq).unwrap_or(i64::MAX);
        match self.config.mode {
            ScaleMode::Stable | ScaleMode::Garbage | ScaleMode::Unplug => Reading {
                divisions: base + seq_div,
                stable: true,
                overload: false,
            },
            ScaleMode::Settling => Reading {
                divisions: base + seq_div,
                stable: self.attempts % (u64::from(self.config.settle_readings) + 1) == 0,
                overload: false,
            },
            ScaleMode::Motion => Reading {
                divisions: base + seq_div,
                stable: false,
                overload: false,
            },
            ScaleMode::Overload => Reading {
                divisions: 0,
                stable: false,
                overload: true,
            },
            ScaleMode::Drift => Reading {
                divisions: base
                    + i64::try_from(next_seq / self.config.drift_every).unwrap_or(i64::MAX),
                stable: true,
                overload: false,
            },
        }
    }

    fn decimal(&self, divisions: i64) -> String {
        let scale = 10_i64.pow(self.config.decimals);
        let sign = if divisions < 0 { "-" } else { "" };
        let abs = divisions.unsigned_abs();
        let scale_u = scale.unsigned_abs();
        if self.config.decimals == 0 {
            format!("{sign}{abs}")
        } else {
            format!(
                "{sign}{}.{:0width$}",
                abs / scale_u,
                abs % scale_u,
                width = self.config.decimals as usize
            )
        }
    }

    /// Logs a reading as sent and returns its printed value.
    fn record(&mut self, reading: Reading) -> String {
        self.seq += 1;
        let value = self.decimal(reading.divisions);
        let entry = SentReading {
            seq: self.seq,
            value: (!reading.overload).then(|| value.clone()),
            unit: self.config.unit.clone(),
            stable: reading.stable,
            overload: reading.overload,
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(entry);
        }
        if self.config.mode == ScaleMode::Unplug && self.seq % self.config.unplug_every == 0 {
            self.pending_unplug = Some(Instant::now());
        }
        value
    }

    fn noise(&mut self, out: &mut Vec<u8>) {
        if self.config.mode != ScaleMode::Garbage || self.rng.below(2) == 0 {
            return;
        }
        let len = 3 + self.rng.below(12) as usize;
        // No terminator or frame-start byte inside the noise, then the protocol's terminator,
        // so the noise is one rejected line and the reading behind it stays intact.
        let noise = self.rng.noise(len, b"\r\n\x03");
        out.extend_from_slice(&noise);
        match self.config.protocol {
            ScaleProtocol::Nci => out.extend_from_slice(b"\r\x03"),
            _ => out.extend_from_slice(b"\r\n"),
        }
    }

    /// Formats one reading (immediate: stable or not) in the protocol.
    fn emit_reading(&mut self, out: &mut Vec<u8>, stable_only: bool) {
        let mut reading = self.generate();
        if stable_only && !reading.overload {
            let tries = u64::from(self.config.settle_readings) + 1;
            let mut n = 1;
            while !reading.stable && n < tries {
                reading = self.generate();
                n += 1;
            }
            if !reading.stable {
                // The balance gives up waiting for stability.
                match self.config.protocol {
                    ScaleProtocol::MtSics => out.extend_from_slice(b"S I\r\n"),
                    ScaleProtocol::Nci | ScaleProtocol::AndStandard | ScaleProtocol::Ohaus => {
                        // These scales simply send nothing until stable.
                    }
                }
                return;
            }
        }
        if reading.overload && self.config.protocol == ScaleProtocol::Ohaus {
            // The Ohaus manuals document no overload output; the display shows it and the
            // scale prints nothing (GUESS).
            return;
        }
        self.noise(out);
        let value = self.record(reading);
        let unit = self.config.unit.clone();
        match self.config.protocol {
            ScaleProtocol::MtSics => {
                if reading.overload {
                    out.extend_from_slice(b"S +\r\n");
                } else {
                    let status = if reading.stable { 'S' } else { 'D' };
                    out.extend_from_slice(format!("S {status} {value:>10} {unit}\r\n").as_bytes());
                }
            }
            ScaleProtocol::AndStandard => {
                if reading.overload {
                    out.extend_from_slice(format!("OL,+999999.9{unit:>3}\r\n").as_bytes());
                } else {
                    let header = if reading.stable { "ST" } else { "US" };
                    let (sign, digits) = match value.strip_prefix('-') {
                        Some(d) => ('-', d.to_string()),
                        None => ('+', value.clone()),
                    };
                    out.extend_from_slice(
                        format!("{header},{sign}{digits:0>8}{unit:>3}\r\n").as_bytes(),
                    );
                }
            }
            ScaleProtocol::Ohaus => {
                let stab = if reading.stable { ' ' } else { '?' };
                out.extend_from_slice(format!("{value:>10} {unit:<5} {stab}\r\n").as_bytes());
            }
            ScaleProtocol::Nci => {
                let zero = value.bytes().all(|b| b == b'0' || b == b'.');
                let s1 = 0x30 | u8::from(!reading.stable) | (u8::from(zero) << 1);
                let s2 = 0x30 | (u8::from(reading.overload) << 1);
                if reading.overload {
                    out.extend_from_slice(&[b'\n', 0x30, s2, b'\r', 0x03]);
                } else {
                    out.extend_from_slice(format!("\n{value:0>7}{unit:<2}\r\n").as_bytes());
                    out.extend_from_slice(&[s1, s2, b'\r', 0x03]);
                }
            }
        }
    }

    fn status_only(&mut self, out: &mut Vec<u8>) {
        let reading = self.generate();
        let s1 = 0x30 | u8::from(!reading.stable);
        let s2 = 0x30 | (u8::from(reading.overload) << 1);
        out.extend_from_slice(&[b'\n', s1, s2, b'\r', 0x03]);
    }

    fn handle_command(&mut self, command: &str, out: &mut Vec<u8>) {
        // Any command stops a running repeat, as on the real scales.
        if let Some((_, _, on)) = self.streaming.as_mut() {
            if self.config.stream_interval.is_none() {
                *on = false;
            }
        }
        match self.config.protocol {
            ScaleProtocol::MtSics => self.mt_sics(command, out),
            ScaleProtocol::AndStandard => self.and_standard(command, out),
            ScaleProtocol::Ohaus => self.ohaus(command, out),
            ScaleProtocol::Nci => self.nci(command, out),
        }
    }

    fn start_repeat(&mut self, interval: Duration) {
        self.streaming = Some((interval, Instant::now(), true));
    }

    fn mt_sics(&mut self, command: &str, out: &mut Vec<u8>) {
        let unit = self.config.unit.clone();
        match command {
            "S" => self.emit_reading(out, true),
            "SI" => self.emit_reading(out, false),
            "SIR" => {
                self.emit_reading(out, false);
                self.start_repeat(Duration::from_millis(100));
            }
            "Z" => out.extend_from_slice(if self.config.mode == ScaleMode::Motion {
                b"Z I\r\n"
            } else {
                b"Z A\r\n"
            }),
            "ZI" => out.extend_from_slice(if self.config.mode == ScaleMode::Motion {
                b"ZI D\r\n"
            } else {
                b"ZI S\r\n"
            }),
            "T" => {
                out.extend_from_slice(format!("T S {:>10} {unit}\r\n", self.decimal(0)).as_bytes())
            }
            "TA" => {
                out.extend_from_slice(format!("TA A {:>10} {unit}\r\n", self.decimal(0)).as_bytes())
            }
            "TAC" => out.extend_from_slice(b"TAC A\r\n"),
            "@" | "I4" => out.extend_from_slice(b"I4 A \"SIM0001\"\r\n"),
            _ => out.extend_from_slice(b"ES\r\n"),
        }
    }

    fn and_standard(&mut self, command: &str, out: &mut Vec<u8>) {
        match command {
            "Q" => self.emit_reading(out, false),
            "S" => self.emit_reading(out, true),
            "SIR" => self.start_repeat(Duration::from_millis(100)),
            "C" => {
                self.streaming = None;
            }
            // Zero, tare, print, re-zero: A&D answers nothing when acknowledgements are off.
            "Z" | "T" | "P" | "R" => {}
            _ => {}
        }
    }

    fn ohaus(&mut self, command: &str, out: &mut Vec<u8>) {
        match command {
            "IP" | "P" => self.emit_reading(out, false),
            "SP" => self.emit_reading(out, true),
            "CP" => self.start_repeat(Duration::from_millis(100)),
            "0P" => {
                self.streaming = None;
            }
            "Z" | "T" => {}
            _ => out.extend_from_slice(b"ES\r\n"),
        }
    }

    fn nci(&mut self, command: &str, out: &mut Vec<u8>) {
        match command {
            "W" => self.emit_reading(out, false),
            "S" | "Z" => self.status_only(out),
            _ => out.extend_from_slice(b"\n?\r\x03"),
        }
    }
}

impl SimDevice for ScaleDevice {
    fn on_input(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        for &b in bytes {
            if b == b'\r' || b == b'\n' {
                if !self.input.is_empty() {
                    let command = String::from_utf8_lossy(&self.input).trim().to_string();
                    self.input.clear();
                    if self.pending_unplug.is_some() {
                        // The cable is pulled while this command is on its way: no answer.
                        // The driver asking again proves it read the last reading.
                        self.pending_unplug = None;
                        self.unplug_now = true;
                        return;
                    }
                    self.handle_command(&command, out);
                }
            } else if self.input.len() < COMMAND_BYTES_MAX {
                self.input.push(b);
            } else {
                self.input.clear();
            }
        }
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<u8>) {
        let always = self.config.stream_interval.is_some();
        let due = match self.streaming.as_mut() {
            Some((interval, last, on))
                if (*on || always) && now.duration_since(*last) >= *interval =>
            {
                *last = now;
                true
            }
            _ => false,
        };
        if due && self.pending_unplug.is_none() {
            self.emit_reading(out, false);
        }
        // A streaming scale gets no command to wait for: give the driver a moment instead
        // (the runtime also waits until the PTY's queue is empty).
        if self
            .pending_unplug
            .is_some_and(|at| now.duration_since(at) >= Duration::from_millis(200))
            && (self.streaming.is_some_and(|(_, _, on)| on)
                || self.config.stream_interval.is_some())
        {
            self.pending_unplug = None;
            self.unplug_now = true;
        }
    }

    fn take_unplug(&mut self) -> Option<Duration> {
        std::mem::take(&mut self.unplug_now).then_some(self.config.unplug_for)
    }

    fn reset_input(&mut self) {
        self.input.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(config: ScaleConfig, commands: &[&str]) -> (String, Vec<SentReading>) {
        let log: ReadingLog = Arc::default();
        let mut device = ScaleDevice::new(config, Arc::clone(&log));
        let mut out = Vec::new();
        for c in commands {
            device.on_input(format!("{c}\r\n").as_bytes(), &mut out);
        }
        let sent = log.lock().unwrap().clone();
        (String::from_utf8_lossy(&out).into_owned(), sent)
    }

    #[test]
    fn mt_sics_answers_like_a_balance() {
        let (out, sent) = talk(
            ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable),
            &["S", "SI", "Z", "@", "XYZ"],
        );
        assert_eq!(
            out,
            "S S     100.01 g\r\nS S     100.02 g\r\nZ A\r\nI4 A \"SIM0001\"\r\nES\r\n"
        );
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].value.as_deref(), Some("100.02"));
    }

    #[test]
    fn a_moving_mt_sics_balance_refuses_s() {
        let (out, sent) = talk(
            ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Motion),
            &["S", "SI"],
        );
        assert_eq!(out, "S I\r\nS D     100.01 g\r\n");
        assert_eq!(sent.len(), 1);
        assert!(!sent[0].stable);
    }

    #[test]
    fn and_lines_have_the_standard_width() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Stable),
            &["Q"],
        );
        assert_eq!(out, "ST,+00100.01  g\r\n");
        assert_eq!(out.len(), 15 + 2);
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Overload),
            &["Q"],
        );
        assert_eq!(out, "OL,+999999.9  g\r\n");
    }

    #[test]
    fn ohaus_marks_unstable_with_a_question_mark() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Ohaus, ScaleMode::Motion),
            &["IP", "bogus"],
        );
        assert_eq!(out, "    100.01 g     ?\r\nES\r\n");
    }

    #[test]
    fn nci_sends_weight_and_status_bytes() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Settling),
            &["W", "W", "W", "Q"],
        );
        assert_eq!(
            out,
            "\n0100.01lb\r\n10\r\x03\n0100.02lb\r\n10\r\x03\n0100.03lb\r\n00\r\x03\n?\r\x03"
        );
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Overload),
            &["W"],
        );
        assert_eq!(out, "\n02\r\x03");
    }

    #[test]
    fn unplug_mode_asks_to_unplug_after_every_n_readings() {
        let log: ReadingLog = Arc::default();
        let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Unplug);
        config.unplug_every = 2;
        let mut device = ScaleDevice::new(config, log);
        let mut out = Vec::new();
        device.on_input(b"SI\r\n", &mut out);
        assert!(device.take_unplug().is_none());
        device.on_input(b"SI\r\n", &mut out);
        assert!(device.take_unplug().is_none(), "waits for the next command");
        device.on_input(b"SI\r\n", &mut out);
        assert!(device.take_unplug().is_some());
        assert!(device.take_unplug().is_none());
        assert_eq!(
            out.iter().filter(|&&b| b == b'\n').count(),
            2,
            "the third SI is not answered"
        );
    }
}

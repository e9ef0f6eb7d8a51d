//! A serial scale simulator speaking MT-SICS, A&D standard format, Ohaus or NCI.
//!
//! It is a balance first ([`balance::Balance`]: load on the platter, zero point, tare,
//! capacity, zero and tare ranges) and a protocol second: each protocol file answers the
//! commands a real device of that protocol answers, with their real effect on the balance
//! (protocols.md §4). Modes: `stable` (a still load: every reading the same stable mass),
//! `settling` (a few unstable readings, then a stable one), `motion` (never stable),
//! `overload` (over capacity), `underload` (the pan lifted off), `drift` (stable, creeping up
//! one division every few readings: what a calibration check must catch), `garbage` (line
//! noise between readings) and `unplug` (the cable is pulled every few readings and put back).
//!
//! Every reading sent is logged with a sequence number ([`SentReading`]) so a test can compare
//! the decoded stream with what was sent; a test that wants every reading to differ from the
//! one before sets [`ScaleConfig::load_step_divisions`] (an item added to the platter after
//! each reading), so the sequence number itself never leaks into the weight.

mod and_standard;
pub mod balance;
pub mod loads;
mod mt_sics;
mod nci;
mod ohaus;

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use self::balance::{Balance, Display};
use super::{Rng, SimDevice, SimError, SimHandle, COMMAND_BYTES_MAX};
use crate::protocol::ProtocolId;

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
    /// Every scale protocol the simulator speaks.
    pub const ALL: [ScaleProtocol; 4] = [
        ScaleProtocol::MtSics,
        ScaleProtocol::AndStandard,
        ScaleProtocol::Ohaus,
        ScaleProtocol::Nci,
    ];

    /// The protocol in the drivers' one list of protocols.
    pub fn protocol_id(self) -> ProtocolId {
        match self {
            ScaleProtocol::MtSics => ProtocolId::MtSics,
            ScaleProtocol::AndStandard => ProtocolId::AndStandard,
            ScaleProtocol::Ohaus => ProtocolId::Ohaus,
            ScaleProtocol::Nci => ProtocolId::Nci,
        }
    }

    /// The protocol id as in firmware profiles.
    pub fn as_str(self) -> &'static str {
        self.protocol_id().as_str()
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
        if let Some(p) = Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s || p.profile_id() == s)
        {
            return Ok(p);
        }
        match s {
            "mettler" => Ok(ScaleProtocol::MtSics),
            "and" => Ok(ScaleProtocol::AndStandard),
            other => Err(SimError::Config(format!(
                "unknown scale protocol `{other}` ({})",
                Self::ALL.map(ScaleProtocol::as_str).join(", ")
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
    /// Under the lower limit: the pan lifted off.
    Underload,
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
            "underload" => Ok(ScaleMode::Underload),
            "drift" => Ok(ScaleMode::Drift),
            "garbage" => Ok(ScaleMode::Garbage),
            "unplug" => Ok(ScaleMode::Unplug),
            other => Err(SimError::Config(format!(
                "unknown scale mode `{other}` (stable, settling, motion, overload, underload, drift, garbage, unplug)"
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
    /// The load on the platter at power-up, in divisions (10000 = 100.00 at two decimals).
    pub base_divisions: i64,
    /// Divisions added to the load after every reading sent (0: a still load). Tests that
    /// match sent and decoded readings one by one set it to 1 so neighbours differ.
    pub load_step_divisions: i64,
    /// Capacity in divisions (the balance reads overload above it).
    pub capacity_divisions: i64,
    /// Decimals printed (a division is 10^-decimals of the unit).
    pub decimals: u32,
    /// Unit printed (`g`, `kg`, `lb`).
    pub unit: String,
    /// Serial number the balance reports (MT-SICS `I4`, A&D `?SN`).
    pub serial_number: String,
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
    /// Defaults: a 100.00 g load on a 1000.00 g balance, two decimals, still load.
    pub fn new(protocol: ScaleProtocol, mode: ScaleMode) -> Self {
        Self {
            protocol,
            mode,
            base_divisions: 10_000,
            load_step_divisions: 0,
            capacity_divisions: 100_000,
            decimals: 2,
            unit: if protocol == ScaleProtocol::Nci {
                "lb".into()
            } else {
                "g".into()
            },
            serial_number: "SIM0001".into(),
            settle_readings: 2,
            drift_every: 3,
            unplug_every: 5,
            unplug_for: Duration::from_millis(400),
            stream_interval: None,
            seed: 1,
        }
    }

    /// A decimal in the scale's unit (`100`, `100.5`, `-0.25`) as whole divisions, rounded half
    /// away from zero to the scale's decimals; `None` when it is not such a decimal.
    pub fn divisions_of(&self, decimal: &str) -> Option<i64> {
        let (negative, digits) = match decimal.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, decimal.strip_prefix('+').unwrap_or(decimal)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        if int.len() > 12 || frac.len() > 12 {
            return None;
        }
        let places = self.decimals as usize;
        let mut units: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        for i in 0..places {
            let digit = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
            units = units.checked_mul(10)?.checked_add(digit)?;
        }
        if frac.as_bytes().get(places).is_some_and(|&b| b >= b'5') {
            units = units.checked_add(1)?;
        }
        Some(if negative { -units } else { units })
    }
}

/// One reading the simulator sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReading {
    /// Sequence number, from 1.
    pub seq: u64,
    /// The value as a plain decimal (`100.05`), `None` for an overload or underload report.
    pub value: Option<String>,
    /// Unit.
    pub unit: String,
    /// Whether the scale reported it stable.
    pub stable: bool,
    /// Whether it was an overload report.
    pub overload: bool,
    /// Whether it was an underload report.
    pub underload: bool,
}

/// The log of sent readings, shared with the test or tool that started the simulator.
pub type ReadingLog = Arc<Mutex<Vec<SentReading>>>;

/// A load put on the platter from outside while the simulator runs (a case set on the scale),
/// in divisions from the power-up zero; the simulator takes it at its next tick or command.
pub type Platter = Arc<Mutex<Option<i64>>>;

/// A running scale simulator.
#[derive(Debug)]
pub struct ScaleSimulator {
    handle: SimHandle,
    log: ReadingLog,
    platter: Platter,
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
        if config.capacity_divisions < 1 {
            return Err(SimError::Config(
                "the capacity must be at least one division".into(),
            ));
        }
        let log: ReadingLog = Arc::default();
        let device = ScaleDevice::new(config, Arc::clone(&log));
        let platter = device.platter();
        Ok(Self {
            handle: SimHandle::start(link, device)?,
            log,
            platter,
        })
    }

    /// Puts `divisions` on the platter (from the power-up zero), replacing what was there: a
    /// case set on the scale. The balance settles as it does after any change of load (in
    /// `settling` mode a few unstable readings come first); zero point and tare stay.
    pub fn place_load(&self, divisions: i64) {
        if let Ok(mut placed) = self.platter.lock() {
            *placed = Some(divisions);
        }
    }

    /// Where loads placed from outside go (for a thread that follows something else).
    pub fn platter(&self) -> Platter {
        Arc::clone(&self.platter)
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

/// What the next reading is: what the display shows, and whether it is stable.
#[derive(Debug, Clone, Copy)]
struct Reading {
    display: Display,
    stable: bool,
}

impl Reading {
    fn overload(self) -> bool {
        self.display == Display::Overload
    }
}

/// A repeat started by a command (MT-SICS `SIR`/`SR`, A&D `SIR`, Ohaus `CP`); any later
/// command stops it.
#[derive(Debug, Clone, Copy)]
struct Repeat {
    interval: Duration,
    last: Instant,
    /// `SR`: send only when the display changed since this (and then a stable value).
    on_change_from: Option<Display>,
}

/// The simulated scale's logic, without I/O.
#[derive(Debug)]
pub struct ScaleDevice {
    config: ScaleConfig,
    log: ReadingLog,
    balance: Balance,
    input: Vec<u8>,
    seq: u64,
    attempts: u64,
    rng: Rng,
    repeat: Option<Repeat>,
    /// The configured stream ([`ScaleConfig::stream_interval`]): interval and last output.
    stream: Option<(Duration, Instant)>,
    /// MT-SICS `PWR 0`: in standby, weighing commands are not executable.
    standby: bool,
    /// MT-SICS `D`: text shown instead of the weight (`DW` shows the weight again).
    display_text: Option<String>,
    /// Unplug mode: the reading that triggers an unplug was sent (and when).
    pending_unplug: Option<Instant>,
    /// Unplug now: the driver asked for the next reading, so it has read the last one.
    unplug_now: bool,
    /// A load placed from outside, taken at the next tick or command.
    platter: Platter,
    /// Readings still unstable after a load was placed (the balance settling).
    settling_left: u32,
}

impl ScaleDevice {
    /// A scale with this configuration logging into `log`.
    pub fn new(config: ScaleConfig, log: ReadingLog) -> Self {
        let stream = config.stream_interval.map(|i| (i, Instant::now()));
        let mut load = config.base_divisions;
        match config.mode {
            ScaleMode::Overload => {
                load = config
                    .capacity_divisions
                    .saturating_add(config.capacity_divisions / 10 + 1);
            }
            ScaleMode::Underload => {
                load = -(config.capacity_divisions / 10 + 1);
            }
            _ => {}
        }
        let mut device = Self {
            rng: Rng::new(config.seed),
            balance: Balance::new(config.capacity_divisions, load),
            config,
            log,
            input: Vec::new(),
            seq: 0,
            attempts: 0,
            repeat: None,
            stream,
            standby: false,
            display_text: None,
            pending_unplug: None,
            unplug_now: false,
            platter: Platter::default(),
            settling_left: 0,
        };
        let drift = device.drift_at(1);
        device.balance.add_load(drift);
        device
    }

    /// The balance's state (for tests and tools).
    pub fn balance(&self) -> &Balance {
        &self.balance
    }

    /// Where a load put on the platter from outside goes ([`ScaleSimulator::place_load`]).
    pub fn platter(&self) -> Platter {
        Arc::clone(&self.platter)
    }

    /// Takes a load placed from outside: the platter carries it, and the balance needs
    /// `settle_readings` looks to settle, as after any change of load.
    fn take_placed_load(&mut self) {
        let placed = self.platter.lock().ok().and_then(|mut p| p.take());
        if let Some(load) = placed {
            if load != self.balance.load() {
                self.balance.set_load(load);
                self.settling_left = self.config.settle_readings;
            }
        }
    }

    /// Whether the load is settled at this moment (the mode decides; each call is one look).
    fn settled_now(&mut self) -> bool {
        if self.settling_left > 0 {
            self.settling_left -= 1;
            return false;
        }
        self.attempts += 1;
        match self.config.mode {
            ScaleMode::Settling => {
                self.attempts % (u64::from(self.config.settle_readings) + 1) == 0
            }
            ScaleMode::Motion => false,
            _ => true,
        }
    }

    /// Waits for stability as a balance does before a stable reading, zeroing or taring:
    /// true when it came before the balance's timeout.
    fn wait_stable(&mut self) -> bool {
        let tries = u64::from(self.config.settle_readings) + 1;
        (0..tries).any(|_| self.settled_now())
    }

    /// Zeroes once stable, for the protocols that answer nothing either way: true when the
    /// zero point moved.
    fn zero_when_stable(&mut self) -> bool {
        self.wait_stable() && self.balance.zero().is_ok()
    }

    /// Tares once stable, for the protocols that answer nothing either way: true when tared.
    fn tare_when_stable(&mut self) -> bool {
        self.wait_stable() && self.balance.tare_now().is_ok()
    }

    /// Divisions of drift in reading `n` (from 1): one more every `drift_every` readings.
    fn drift_at(&self, n: u64) -> i64 {
        if self.config.mode != ScaleMode::Drift {
            return 0;
        }
        let divisions = n.checked_div(self.config.drift_every).unwrap_or(0);
        i64::try_from(divisions).unwrap_or(i64::MAX)
    }

    /// Moves the load from where it was for reading `seq` to where it is for the next one
    /// (drift, load steps); zero point and tare stay.
    fn advance_load(&mut self) {
        let drift = self.drift_at(self.seq + 1) - self.drift_at(self.seq);
        self.balance
            .add_load(drift.saturating_add(self.config.load_step_divisions));
    }

    /// The next reading, immediate (stable or not).
    fn immediate(&mut self) -> Reading {
        let stable = self.settled_now();
        self.reading(stable)
    }

    /// The next reading once stable, `None` when stability did not come in time. Overload
    /// and underload are reported at once.
    fn stable(&mut self) -> Option<Reading> {
        let reading = self.reading(true);
        if !matches!(reading.display, Display::Net(_)) {
            return Some(Reading {
                stable: false,
                ..reading
            });
        }
        self.wait_stable().then_some(reading)
    }

    fn reading(&mut self, stable: bool) -> Reading {
        let display = self.balance.display();
        Reading {
            display,
            stable: stable && matches!(display, Display::Net(_)),
        }
    }

    fn decimal(&self, divisions: i64) -> String {
        let scale = 10_u64.pow(self.config.decimals);
        let sign = if divisions < 0 { "-" } else { "" };
        let abs = divisions.unsigned_abs();
        if self.config.decimals == 0 {
            format!("{sign}{abs}")
        } else {
            format!(
                "{sign}{}.{:0width$}",
                abs / scale,
                abs % scale,
                width = self.config.decimals as usize
            )
        }
    }

    /// Logs a reading as sent, moves the load on for the next one, and returns the printed
    /// value (empty for overload and underload).
    fn record(&mut self, reading: Reading) -> String {
        self.seq += 1;
        let value = match reading.display {
            Display::Net(net) => self.decimal(net),
            Display::Overload | Display::Underload => String::new(),
        };
        let entry = SentReading {
            seq: self.seq,
            value: matches!(reading.display, Display::Net(_)).then(|| value.clone()),
            unit: self.config.unit.clone(),
            stable: reading.stable,
            overload: reading.display == Display::Overload,
            underload: reading.display == Display::Underload,
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(entry);
        }
        if self.config.mode == ScaleMode::Unplug && self.seq % self.config.unplug_every == 0 {
            self.pending_unplug = Some(Instant::now());
        }
        self.advance_load();
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

    /// Sends one reading in the protocol's weight format: immediate (stable or not), or only
    /// once stable (`stable_only`), when the protocol's "not stable in time" answer is sent
    /// instead if stability does not come.
    fn emit_reading(&mut self, out: &mut Vec<u8>, stable_only: bool) {
        let reading = if stable_only {
            match self.stable() {
                Some(r) => r,
                None => {
                    self.unstable_timeout(out);
                    return;
                }
            }
        } else {
            self.immediate()
        };
        if reading.overload() && self.config.protocol == ScaleProtocol::Ohaus {
            // The Ohaus manuals document no overload output; the display shows it and the
            // scale prints nothing (GUESS).
            return;
        }
        self.noise(out);
        let value = self.record(reading);
        self.format_reading(reading, &value, out);
    }

    /// The answer when a stable reading was asked for and stability did not come.
    fn unstable_timeout(&self, out: &mut Vec<u8>) {
        match self.config.protocol {
            ScaleProtocol::MtSics => out.extend_from_slice(b"S I\r\n"),
            // These scales simply send nothing until stable.
            ScaleProtocol::Nci | ScaleProtocol::AndStandard | ScaleProtocol::Ohaus => {}
        }
    }

    fn format_reading(&self, reading: Reading, value: &str, out: &mut Vec<u8>) {
        match self.config.protocol {
            ScaleProtocol::MtSics => self.mt_sics_weight("S", reading, value, out),
            ScaleProtocol::AndStandard => self.and_weight(reading, value, out),
            ScaleProtocol::Ohaus => self.ohaus_weight(reading, value, out),
            ScaleProtocol::Nci => self.nci_weight(reading, value, out),
        }
    }

    fn handle_command(&mut self, command: &str, out: &mut Vec<u8>) {
        // Any command stops a running repeat, as on the real scales.
        self.repeat = None;
        match self.config.protocol {
            ScaleProtocol::MtSics => self.mt_sics(command, out),
            ScaleProtocol::AndStandard => self.and_standard(command, out),
            ScaleProtocol::Ohaus => self.ohaus(command, out),
            ScaleProtocol::Nci => self.nci(command, out),
        }
    }

    fn start_repeat(&mut self, interval: Duration, on_change: bool) {
        self.repeat = Some(Repeat {
            interval,
            last: Instant::now(),
            on_change_from: on_change.then(|| self.balance.display()),
        });
    }

    /// Stops every repeat and the configured stream (A&D `C`, Ohaus `0P`).
    fn stop_output(&mut self) {
        self.repeat = None;
        self.stream = None;
    }

    fn streaming(&self) -> bool {
        self.repeat.is_some() || self.stream.is_some()
    }
}

impl SimDevice for ScaleDevice {
    fn on_input(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        self.take_placed_load();
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
        self.take_placed_load();
        let mut due = false;
        let mut stable_only = false;
        if let Some((interval, last)) = self.stream.as_mut() {
            if now.duration_since(*last) >= *interval {
                *last = now;
                due = true;
            }
        }
        let display = self.balance.display();
        if let Some(repeat) = self.repeat.as_mut() {
            if now.duration_since(repeat.last) >= repeat.interval {
                repeat.last = now;
                match repeat.on_change_from {
                    None => due = true,
                    Some(from) if from != display => {
                        repeat.on_change_from = Some(display);
                        due = true;
                        stable_only = true;
                    }
                    Some(_) => {}
                }
            }
        }
        if due && self.pending_unplug.is_none() {
            self.emit_reading(out, stable_only);
        }
        // A streaming scale gets no command to wait for: give the driver a moment instead
        // (the runtime also waits until the PTY's queue is empty).
        if self
            .pending_unplug
            .is_some_and(|at| now.duration_since(at) >= Duration::from_millis(200))
            && self.streaming()
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
    fn every_simulated_protocol_is_its_shipped_profiles_protocol() {
        let profiles = crate::profile::ProfileSet::embedded().unwrap();
        for p in ScaleProtocol::ALL {
            assert_eq!(p.as_str().parse::<ScaleProtocol>().unwrap(), p);
            assert_eq!(p.profile_id().parse::<ScaleProtocol>().unwrap(), p);
            assert_eq!(
                profiles.get(p.profile_id()).unwrap().protocol,
                p.protocol_id()
            );
        }
        for p in super::super::rfid::RfidProtocol::ALL {
            assert_eq!(
                profiles.get(p.profile_id()).unwrap().protocol,
                p.protocol_id()
            );
        }
        let err = "casio".parse::<ScaleProtocol>().unwrap_err().to_string();
        assert!(err.contains("mt-sics, and-standard, ohaus, nci"), "{err}");
    }

    #[test]
    fn a_still_load_reads_the_same_mass_every_time() {
        for protocol in [
            ScaleProtocol::MtSics,
            ScaleProtocol::AndStandard,
            ScaleProtocol::Ohaus,
            ScaleProtocol::Nci,
        ] {
            let poll = protocol.poll_command();
            let (_, sent) = talk(ScaleConfig::new(protocol, ScaleMode::Stable), &[poll; 6]);
            assert_eq!(sent.len(), 6, "{protocol:?}");
            assert!(
                sent.iter()
                    .all(|r| r.value.as_deref() == Some("100.00") && r.stable),
                "{protocol:?}: {sent:?}"
            );
        }
    }

    #[test]
    fn a_load_step_makes_neighbouring_readings_differ() {
        let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
        config.load_step_divisions = 1;
        let (out, sent) = talk(config, &["SI", "SI", "S"]);
        assert_eq!(
            out,
            "S S     100.00 g\r\nS S     100.01 g\r\nS S     100.02 g\r\n"
        );
        assert_eq!(sent.len(), 3);
    }

    #[test]
    fn mt_sics_answers_like_a_balance() {
        let (out, sent) = talk(
            ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable),
            &["S", "SI", "Z", "@", "XYZ"],
        );
        assert_eq!(
            out,
            "S S     100.00 g\r\nS S     100.00 g\r\nZ +\r\nI4 A \"SIM0001\"\r\nES\r\n"
        );
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].value.as_deref(), Some("100.00"));
    }

    #[test]
    fn a_moving_mt_sics_balance_refuses_s_z_and_t() {
        let (out, sent) = talk(
            ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Motion),
            &["S", "SI", "Z", "T", "ZI"],
        );
        assert_eq!(out, "S I\r\nS D     100.00 g\r\nZ I\r\nT I\r\nZI +\r\n");
        assert_eq!(sent.len(), 1);
        assert!(!sent[0].stable);
    }

    #[test]
    fn mt_sics_over_and_underload() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Overload),
            &["S", "SI", "T", "Z"],
        );
        assert_eq!(out, "S +\r\nS +\r\nT +\r\nZ +\r\n");
        let (out, sent) = talk(
            ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Underload),
            &["S", "SI", "Z"],
        );
        assert_eq!(out, "S -\r\nS -\r\nZ -\r\n");
        assert!(sent.iter().all(|r| r.underload && r.value.is_none()));
    }

    #[test]
    fn and_lines_have_the_standard_width() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Stable),
            &["Q"],
        );
        assert_eq!(out, "ST,+00100.00  g\r\n");
        assert_eq!(out.len(), 15 + 2);
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Overload),
            &["Q"],
        );
        assert_eq!(out, "OL,+999999.9  g\r\n");
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Underload),
            &["Q"],
        );
        assert_eq!(out, "OL,-99999999  g\r\n");
    }

    #[test]
    fn and_zero_and_tare_change_the_reading() {
        let mut config = ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Stable);
        config.base_divisions = 150; // 1.50 g: inside the ±20.00 g zero range
        let (out, _) = talk(config, &["Q", "Z", "Q", "?PT", "?SN"]);
        assert_eq!(
            out,
            "ST,+00001.50  g\r\nST,+00000.00  g\r\nPT,+00000.00  g\r\nSN,SIM0001\r\n"
        );
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Stable),
            &["T", "Q", "?PT", "Z", "Q"],
        );
        assert_eq!(
            out, "ST,+00000.00  g\r\nPT,+00100.00  g\r\nST,+00000.00  g\r\n",
            "Z beyond the zero range changes nothing"
        );
    }

    #[test]
    fn ohaus_marks_unstable_with_a_question_mark() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Ohaus, ScaleMode::Motion),
            &["IP", "bogus"],
        );
        assert_eq!(out, "    100.00 g     ?\r\nES\r\n");
    }

    #[test]
    fn ohaus_tares_and_prints_the_tare() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Ohaus, ScaleMode::Stable),
            &["T", "IP", "PT"],
        );
        assert_eq!(out, "      0.00 g      \r\n    100.00 g      \r\n");
    }

    #[test]
    fn ohaus_preset_tare_interval_print_and_information() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Ohaus, ScaleMode::Stable),
            &[
                "25.5T", "IP", "PT", "99999T", "0P", "4000P", "PU", "PSN", "PV",
            ],
        );
        assert_eq!(
            out,
            "     74.50 g      \r\n     25.50 g      \r\nES\r\nES\r\ng\r\nSIM0001\r\n\
             TALLY-SIM 1.00 LFT OFF\r\n"
        );
    }

    #[test]
    fn nci_sends_weight_and_status_bytes() {
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Settling),
            &["W", "W", "W", "Q"],
        );
        assert_eq!(
            out,
            "\n0100.00lb\r\n10\r\x03\n0100.00lb\r\n10\r\x03\n0100.00lb\r\n00\r\x03\n?\r\x03"
        );
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Overload),
            &["W"],
        );
        assert_eq!(out, "\n02\r\x03");
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Underload),
            &["W"],
        );
        assert_eq!(out, "\n01\r\x03");
    }

    #[test]
    fn nci_zero_tare_and_high_resolution() {
        let mut config = ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Stable);
        config.base_divisions = 50;
        let (out, _) = talk(config, &["Z", "W", "H"]);
        assert_eq!(
            out,
            "\n20\r\x03\n0000.00lb\r\n20\r\x03\n000.000lb\r\n20\r\x03"
        );
        let (out, _) = talk(
            ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Stable),
            &["T", "W"],
        );
        assert_eq!(out, "\n20\r\x03\n0000.00lb\r\n20\r\x03");
    }

    #[test]
    fn drift_creeps_one_division_every_few_readings() {
        let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Drift);
        config.drift_every = 2;
        let (_, sent) = talk(config, &["SI"; 5]);
        let values: Vec<_> = sent.iter().filter_map(|r| r.value.clone()).collect();
        assert_eq!(values, ["100.00", "100.01", "100.01", "100.02", "100.02"]);
    }

    #[test]
    fn divisions_of_rounds_to_the_scale_resolution() {
        let config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
        assert_eq!(config.divisions_of("100"), Some(10_000));
        assert_eq!(config.divisions_of("1.005"), Some(101));
        assert_eq!(config.divisions_of("-0.5"), Some(-50));
        assert_eq!(config.divisions_of(".25"), Some(25));
        for bad in ["", ".", "1.2.3", "abc", "1e3", "--1"] {
            assert_eq!(config.divisions_of(bad), None, "{bad}");
        }
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

    #[test]
    fn a_load_placed_from_outside_settles_then_reads_stable_and_keeps_the_tare() {
        let log: ReadingLog = Arc::default();
        let config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
        let settle = config.settle_readings as usize;
        let mut device = ScaleDevice::new(config, Arc::clone(&log));
        let mut out = Vec::new();
        device.on_input(b"T\r\n", &mut out);
        *device.platter().lock().unwrap() = Some(22_345);
        for _ in 0..settle + 2 {
            device.on_input(b"SI\r\n", &mut out);
        }
        let sent = log.lock().unwrap().clone();
        let stable: Vec<bool> = sent.iter().map(|r| r.stable).collect();
        let mut expected = vec![false; settle];
        expected.extend([true, true]);
        assert_eq!(stable, expected, "{sent:?}");
        // The 100.00 g tared before the case was put on stays tared.
        assert!(
            sent.iter().all(|r| r.value.as_deref() == Some("123.45")),
            "{sent:?}"
        );
        // The same load again is no change: no new settling.
        *device.platter().lock().unwrap() = Some(22_345);
        device.on_input(b"SI\r\n", &mut out);
        assert!(log.lock().unwrap().last().unwrap().stable);
    }
}

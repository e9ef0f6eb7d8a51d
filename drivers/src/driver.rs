//! Drivers: a device opened through its firmware profile, decoded and commanded.
//!
//! A [`DeviceSession`] joins one transport ([`ByteSource`]), the decoder its profile names, and
//! the commands the profile says to send: init commands on open, a poll for scales that only
//! answer when asked, inventory rounds for RFID readers, RF power and session, a beep for
//! scanners. Command bytes come from the protocol encoders in [`crate::protocol`]; nothing here
//! builds a frame by hand.
//!
//! RFID tag reads are deduplicated per inventory round ([`InventoryRound`]): a tag's first read
//! in a round is passed on as a [`DeviceEvent::TagRead`], repeats are only counted, and the
//! end of each round gives a [`RoundReport`] with the unique tags and the unique tags per
//! second.

use std::time::{Duration, Instant};

use crate::event::{CommandReply, DeviceEvent, Milligrams, WeightReading, WeightUnit};
pub use crate::profile::decoder_params;
use crate::profile::{DeviceKind, Profile, TransportKind};
use crate::protocol::calibration::{check_calibration, CalibrationCheck, CalibrationError};
use crate::protocol::commands::{CommandError, RoundSettings};
use crate::protocol::inventory::{InventoryRound, Recorded, TagSeen, ROUND_TAGS_MAX};
use crate::protocol::{self, Decoder, ProtocolId};
use crate::transport::{ByteSource, TransportError};

/// Largest read buffer (one HID report, or a burst from a serial line).
const READ_BYTES_MAX: usize = 4096;
/// An inventory round that has not finished after this long is closed anyway.
const ROUND_TIMEOUT: Duration = Duration::from_secs(5);
/// A read that waited at least this long and got nothing means the line is idle.
const IDLE_AFTER: Duration = Duration::from_millis(50);
/// An M100 round (no end marker) ends only after the line was quiet this long.
const QUIET_END: Duration = Duration::from_millis(150);
/// Most get-tag-buffer requests in one ThingMagic round.
const TAG_BUFFER_REQUESTS_MAX: u32 = 512;

/// Why a driver could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The transport failed (see [`TransportError::is_disconnect`]).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The profile cannot be driven as written.
    #[error("profile {profile}: {problem}")]
    Profile {
        /// Profile id.
        profile: String,
        /// What is wrong.
        problem: String,
    },
    /// The device cannot do this.
    #[error("{profile} cannot {action}")]
    Unsupported {
        /// Profile id.
        profile: String,
        /// What was asked.
        action: String,
    },
    /// A command parameter is out of range.
    #[error("{0}")]
    BadCommand(String),
}

/// One inventory round, finished.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundReport {
    /// The distinct tags of the round, in the order first seen.
    pub tags: Vec<TagSeen>,
    /// Tag reads reported, duplicates included.
    pub reads: u64,
    /// New tags beyond the round's limit (counted, not kept).
    pub dropped: u64,
    /// Distinct tags per second over the round.
    pub unique_per_second: f64,
    /// From the start of the round to its last read, in milliseconds.
    pub duration_ms: u64,
}

/// What a session produced.
#[derive(Debug, Clone, PartialEq)]
pub enum DriverEvent {
    /// A decoded event (for RFID: only the first read of each tag in a round).
    Device(DeviceEvent),
    /// An RFID inventory round finished.
    Round(RoundReport),
}

/// Builds the decoder a profile names (with the HID report descriptor when there is one).
pub fn decoder_for_profile(
    profile: &Profile,
    hid_descriptor: Option<Vec<u8>>,
) -> Result<Box<dyn Decoder>, DriverError> {
    let id = profile.protocol;
    let mut params = decoder_params(profile);
    params.hid_descriptor = hid_descriptor;
    protocol::decoder_for(id, &params).map_err(|e| DriverError::Profile {
        profile: profile.id.clone(),
        problem: e.to_string(),
    })
}

/// The bytes that ask a scale for one reading, from the profile's `poll_command`.
pub fn scale_poll_bytes(profile: &Profile) -> Result<Option<Vec<u8>>, DriverError> {
    let Some(command) = profile.params.poll_command.as_deref() else {
        return Ok(None);
    };
    match profile.protocol.commands().poll(command) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(CommandError::Invalid(problem)) => Err(DriverError::BadCommand(problem)),
        Err(CommandError::NotAPoll(_) | CommandError::Unsupported) => Err(DriverError::Profile {
            profile: profile.id.clone(),
            problem: format!(
                "params.poll_command `{command}` is not a reading command of {}",
                profile.protocol
            ),
        }),
    }
}

/// Where a ThingMagic round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MercuryStep {
    Reading,
    Fetching(u32),
}

#[derive(Debug)]
struct RfidState {
    round: Option<(InventoryRound, Instant)>,
    running: bool,
    session: u8,
    q: u8,
    antenna: u8,
    scan_time_ms: u64,
    mercury: Option<MercuryStep>,
}

/// One open device: transport + decoder + the profile's commands.
pub struct DeviceSession {
    profile: Profile,
    protocol: ProtocolId,
    source: Box<dyn ByteSource>,
    decoder: Box<dyn Decoder>,
    buf: Vec<u8>,
    poll: Option<Vec<u8>>,
    polling: bool,
    interval: Duration,
    last_command: Option<Instant>,
    rfid: Option<RfidState>,
    epoch: Instant,
    raw_tap: Option<RawTap>,
    hid_descriptor: Option<Vec<u8>>,
    last_rx: Option<Instant>,
    idle_told: bool,
}

/// Which way raw bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the device.
    Received,
    /// To the device.
    Sent,
}

/// A callback that sees every raw chunk read from and written to the device.
pub type RawTap = Box<dyn FnMut(Direction, &[u8]) + Send>;

impl std::fmt::Debug for DeviceSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSession")
            .field("profile", &self.profile.id)
            .field("device", &self.source.describe())
            .finish_non_exhaustive()
    }
}

impl DeviceSession {
    /// Opens a session on an already open transport: builds the decoder, sends the profile's
    /// init commands and, for RFID readers, its RF power.
    pub fn open(profile: &Profile, source: Box<dyn ByteSource>) -> Result<Self, DriverError> {
        Self::open_with_tap(profile, source, None)
    }

    /// Like [`DeviceSession::open`], with a raw tap that also sees the init commands.
    pub fn open_with_tap(
        profile: &Profile,
        mut source: Box<dyn ByteSource>,
        raw_tap: Option<RawTap>,
    ) -> Result<Self, DriverError> {
        let protocol = profile.protocol;
        let descriptor = if profile.transport.kind == TransportKind::Hidraw {
            source.report_descriptor()
        } else {
            None
        };
        let decoder = decoder_for_profile(profile, descriptor.clone())?;
        let poll = if profile.kind == DeviceKind::Scale {
            scale_poll_bytes(profile)?
        } else {
            None
        };
        let p = &profile.params;
        let rfid = (profile.kind == DeviceKind::Rfid).then(|| RfidState {
            round: None,
            running: true,
            session: p.session.unwrap_or(0),
            q: p.q_value.unwrap_or(4),
            antenna: p.antenna.unwrap_or(1),
            scan_time_ms: p.scan_time_ms.unwrap_or(1000),
            mercury: None,
        });
        let mut session = Self {
            profile: profile.clone(),
            protocol,
            source,
            decoder,
            buf: vec![0; READ_BYTES_MAX],
            poll,
            polling: true,
            interval: Duration::from_millis(p.poll_interval_ms.unwrap_or(250)),
            last_command: None,
            rfid,
            epoch: Instant::now(),
            raw_tap,
            hid_descriptor: descriptor,
            last_rx: None,
            idle_told: false,
        };
        for command in profile.init.clone() {
            let bytes = command.bytes();
            if command.feature_report {
                session.source.send_feature(&bytes)?;
                if let Some(tap) = session.raw_tap.as_mut() {
                    tap(Direction::Sent, &bytes);
                }
            } else {
                session.send(&bytes)?;
            }
        }
        if let Some(dbm) = p.rf_power_dbm {
            session.set_rf_power(dbm)?;
        }
        Ok(session)
    }

    /// The profile this session drives.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The transport's name.
    pub fn describe(&self) -> String {
        self.source.describe()
    }

    /// The HID report descriptor read when the device was opened.
    pub fn hid_descriptor(&self) -> Option<&[u8]> {
        self.hid_descriptor.as_deref()
    }

    /// Calls `tap` with every chunk of raw bytes read or written (for capture tools).
    pub fn set_raw_tap(&mut self, tap: RawTap) {
        self.raw_tap = Some(tap);
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        self.source.write(bytes)?;
        if let Some(tap) = self.raw_tap.as_mut() {
            tap(Direction::Sent, bytes);
        }
        self.decoder.command_sent(bytes);
        self.last_command = Some(Instant::now());
        Ok(())
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// One cycle: sends a poll or inventory command when one is due, reads for at most
    /// `timeout`, decodes, and appends what came out to `out`.
    pub fn step(
        &mut self,
        timeout: Duration,
        out: &mut Vec<DriverEvent>,
    ) -> Result<(), DriverError> {
        let due = self
            .last_command
            .is_none_or(|t| t.elapsed() >= self.interval);
        if due && self.polling {
            if let Some(poll) = self.poll.clone() {
                self.send(&poll)?;
            } else if self.rfid.is_some() {
                self.rfid_tick(out)?;
            }
        }
        let n = self.source.read(&mut self.buf, timeout)?;
        let mut events = Vec::new();
        if n == 0 {
            // A silent line: a partial frame still buffered will never complete. Tell the
            // decoder once per silence (it drops it and decodes any good frame behind it).
            if timeout >= IDLE_AFTER && !self.idle_told {
                self.idle_told = true;
                self.decoder.idle(&mut events);
                return self.dispatch(events, out);
            }
            return Ok(());
        }
        self.idle_told = false;
        self.last_rx = Some(Instant::now());
        if let Some(tap) = self.raw_tap.as_mut() {
            tap(Direction::Received, &self.buf[..n]);
        }
        self.decoder.feed(&self.buf[..n], &mut events);
        self.dispatch(events, out)
    }

    fn dispatch(
        &mut self,
        events: Vec<DeviceEvent>,
        out: &mut Vec<DriverEvent>,
    ) -> Result<(), DriverError> {
        if events.is_empty() {
            return Ok(());
        }
        if self.rfid.is_some() {
            self.rfid_events(events, out)?;
        } else {
            out.extend(events.into_iter().map(DriverEvent::Device));
        }
        Ok(())
    }

    /// Turns automatic polls and inventory rounds on or off (reading goes on).
    pub fn set_polling(&mut self, on: bool) {
        self.polling = on;
    }

    /// Forgets partial frames (after a reconnect the manager opens a new session instead).
    pub fn reset(&mut self) {
        self.decoder.reset();
    }

    // ---- RFID ----

    fn rfid_start_round(&mut self) -> Result<(), DriverError> {
        let now_ms = self.now_ms();
        let Some(state) = self.rfid.as_mut() else {
            return Ok(());
        };
        state.round = Some((InventoryRound::new(now_ms, ROUND_TAGS_MAX), Instant::now()));
        let round = RoundSettings {
            address: self.profile.params.address.unwrap_or(0xFF),
            q: state.q,
            session: state.session,
            antenna: state.antenna,
            scan_time_ms: state.scan_time_ms,
        };
        let commands = self.protocol.commands();
        let bytes = match commands.inventory_start(&round) {
            Ok(bytes) => bytes,
            Err(CommandError::Unsupported) => return Ok(()),
            Err(e) => return Err(DriverError::BadCommand(e.to_string())),
        };
        if commands.fetch_tags().is_ok() {
            state.mercury = Some(MercuryStep::Reading);
        }
        self.send(&bytes)
    }

    fn rfid_finish_round(&mut self, out: &mut Vec<DriverEvent>) {
        let Some(state) = self.rfid.as_mut() else {
            return;
        };
        state.mercury = None;
        if let Some((round, _)) = state.round.take() {
            let summary = round.finish();
            out.push(DriverEvent::Round(RoundReport {
                reads: summary.reads,
                dropped: summary.dropped,
                tags: summary.tags,
                unique_per_second: summary.unique_per_second,
                duration_ms: summary.duration_ms,
            }));
        }
    }

    fn rfid_tick(&mut self, out: &mut Vec<DriverEvent>) -> Result<(), DriverError> {
        let Some(state) = self.rfid.as_ref() else {
            return Ok(());
        };
        if !state.running {
            return Ok(());
        }
        match &state.round {
            // M100 single inventory has no end marker: a round lasts at least one interval
            // and ends once the line has been quiet for a moment (notices still arriving
            // belong to it).
            Some(_) if self.protocol.commands().round_ends_when_quiet() => {
                if self.last_rx.is_some_and(|t| t.elapsed() < QUIET_END) {
                    return Ok(());
                }
                self.rfid_finish_round(out);
                self.rfid_start_round()
            }
            Some((_, started)) if started.elapsed() >= ROUND_TIMEOUT => {
                self.rfid_finish_round(out);
                self.rfid_start_round()
            }
            Some(_) => Ok(()),
            None => self.rfid_start_round(),
        }
    }

    fn rfid_events(
        &mut self,
        events: Vec<DeviceEvent>,
        out: &mut Vec<DriverEvent>,
    ) -> Result<(), DriverError> {
        let now_ms = self.now_ms();
        let mut round_done = false;
        let mut got_tags = false;
        let mut reader_reply = None;
        for event in events {
            match &event {
                DeviceEvent::TagRead { .. } => {
                    got_tags = true;
                    let Some(state) = self.rfid.as_mut() else {
                        continue;
                    };
                    let (round, _) = state.round.get_or_insert_with(|| {
                        (InventoryRound::new(now_ms, ROUND_TAGS_MAX), Instant::now())
                    });
                    if round.record_event(&event, now_ms) == Some(Recorded::New) {
                        out.push(DriverEvent::Device(event));
                    }
                }
                DeviceEvent::Reply(CommandReply::InventoryDone { .. }) => round_done = true,
                DeviceEvent::Reply(CommandReply::Reader { command, .. }) => {
                    reader_reply = Some(*command);
                    out.push(DriverEvent::Device(event));
                }
                _ => out.push(DriverEvent::Device(event)),
            }
        }
        let commands = self.protocol.commands();
        if commands.fetch_tags().is_ok() {
            let step = self.rfid.as_ref().and_then(|s| s.mercury);
            match step {
                Some(MercuryStep::Reading) if reader_reply == Some(0x22) => {
                    self.mercury_fetch(1)?;
                }
                Some(MercuryStep::Fetching(n)) if got_tags && !round_done => {
                    if n >= TAG_BUFFER_REQUESTS_MAX {
                        round_done = true;
                    } else {
                        self.mercury_fetch(n + 1)?;
                    }
                }
                _ => {}
            }
            if round_done {
                let clear = commands.clear_tags().map_err(command_error)?;
                self.send(&clear)?;
            }
        }
        if round_done {
            self.rfid_finish_round(out);
        }
        Ok(())
    }

    fn mercury_fetch(&mut self, n: u32) -> Result<(), DriverError> {
        if let Some(state) = self.rfid.as_mut() {
            state.mercury = Some(MercuryStep::Fetching(n));
        }
        let bytes = self
            .protocol
            .commands()
            .fetch_tags()
            .map_err(command_error)?;
        self.send(&bytes)
    }

    fn unsupported(&self, action: &str) -> DriverError {
        DriverError::Unsupported {
            profile: self.profile.id.clone(),
            action: action.to_string(),
        }
    }

    /// Starts (or resumes) inventory rounds.
    pub fn start_inventory(&mut self) -> Result<(), DriverError> {
        let Some(state) = self.rfid.as_mut() else {
            return Err(self.unsupported("run an RFID inventory"));
        };
        state.running = true;
        self.rfid_start_round()
    }

    /// Stops inventory rounds (the current one is reported as it stands).
    pub fn stop_inventory(&mut self, out: &mut Vec<DriverEvent>) -> Result<(), DriverError> {
        let Some(state) = self.rfid.as_mut() else {
            return Err(self.unsupported("run an RFID inventory"));
        };
        state.running = false;
        if let Some(bytes) = self
            .protocol
            .commands()
            .inventory_stop()
            .map_err(command_error)?
        {
            self.send(&bytes)?;
        }
        self.rfid_finish_round(out);
        Ok(())
    }

    /// Sets the RF transmit power.
    pub fn set_rf_power(&mut self, dbm: u8) -> Result<(), DriverError> {
        let address = self.profile.params.address.unwrap_or(0xFF);
        match self.protocol.commands().set_power(address, dbm) {
            Ok(bytes) => self.send(&bytes),
            Err(CommandError::Unsupported) => Err(self.unsupported("set RF power")),
            Err(e) => Err(command_error(e)),
        }
    }

    /// Sets the Gen2 session used by the next rounds (Chafon UHFReader288 sends it with each
    /// inventory command; the other readers take no session parameter here).
    pub fn set_session(&mut self, session: u8) -> Result<(), DriverError> {
        if session > 3 {
            return Err(DriverError::BadCommand(format!(
                "session {session} is out of range (0 to 3)"
            )));
        }
        if !self.protocol.commands().takes_session() {
            return Err(self.unsupported("set the Gen2 session"));
        }
        if let Some(state) = self.rfid.as_mut() {
            state.session = session;
        }
        Ok(())
    }

    /// Makes a scanner beep (the profile's `beep_hex` output report).
    pub fn beep(&mut self) -> Result<(), DriverError> {
        let Some(hex) = self.profile.params.beep_hex.clone() else {
            return Err(self.unsupported("beep (no beep_hex in its profile)"));
        };
        let bytes = hex::decode(hex).map_err(|e| DriverError::BadCommand(e.to_string()))?;
        self.send(&bytes)
    }

    /// Asks a scale for a reading now (instead of waiting for the next poll).
    pub fn poll_now(&mut self) -> Result<(), DriverError> {
        let Some(poll) = self.poll.clone() else {
            return Err(self.unsupported("be polled"));
        };
        self.send(&poll)
    }

    /// Zeroes a scale.
    pub fn zero(&mut self) -> Result<(), DriverError> {
        match self.protocol.commands().zero() {
            Ok(bytes) => self.send(&bytes),
            Err(CommandError::Unsupported) => Err(self.unsupported("zero")),
            Err(e) => Err(command_error(e)),
        }
    }

    /// Tares a scale.
    pub fn tare(&mut self) -> Result<(), DriverError> {
        match self.protocol.commands().tare() {
            Ok(bytes) => self.send(&bytes),
            Err(CommandError::Unsupported) => Err(self.unsupported("tare")),
            Err(e) => Err(command_error(e)),
        }
    }
}

fn command_error(e: CommandError) -> DriverError {
    DriverError::BadCommand(e.to_string())
}

/// The scale division of a profile in milligrams (`params.division` in `params.unit`).
pub fn division_mg(profile: &Profile) -> Result<Milligrams, DriverError> {
    let bad = |problem: &str| DriverError::Profile {
        profile: profile.id.clone(),
        problem: problem.to_string(),
    };
    let division = profile
        .params
        .division
        .as_deref()
        .ok_or_else(|| bad("has no params.division for calibration checks"))?;
    let unit = WeightUnit::parse(profile.params.unit.as_deref().unwrap_or("g"));
    unit.to_milligrams(division)
        .map_err(|e| bad(&e.to_string()))
}

/// A calibration check against a certified weight, as recorded for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CalibrationRecord {
    /// Profile of the scale.
    pub profile: String,
    /// The scale (port path).
    pub device: String,
    /// Certified mass, milligrams.
    pub certified_mg: i64,
    /// What the scale read, milligrams.
    pub reading_mg: i64,
    /// The reading as printed.
    pub printed: String,
    /// Reading − certified, milligrams.
    pub deviation_mg: i64,
    /// |deviation| in hundredths of a division.
    pub deviation_hundredths_of_d: u64,
    /// The limit, in divisions.
    pub max_divisions: u32,
    /// Beyond the limit.
    pub drifted: bool,
}

/// Checks one stable reading of a certified check weight (pure logic from
/// [`crate::protocol::calibration`]) and returns the record to keep.
pub fn record_calibration(
    profile: &Profile,
    device: &str,
    certified: Milligrams,
    reading: &WeightReading,
    max_divisions: u32,
) -> Result<CalibrationRecord, DriverError> {
    let division = division_mg(profile)?;
    let check: CalibrationCheck = check_calibration(certified, reading, division, max_divisions)
        .map_err(|e: CalibrationError| DriverError::BadCommand(e.to_string()))?;
    Ok(CalibrationRecord {
        profile: profile.id.clone(),
        device: device.to_string(),
        certified_mg: check.certified.0,
        reading_mg: check.reading.0,
        printed: format!("{} {}", reading.value, reading.unit),
        deviation_mg: check.deviation_mg,
        deviation_hundredths_of_d: check.deviation_hundredths_of_d,
        max_divisions,
        drifted: check.drifted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileSet;

    fn profile(id: &str) -> Profile {
        ProfileSet::embedded().unwrap().get(id).unwrap().clone()
    }

    #[test]
    fn poll_commands_come_from_the_protocol_encoders() {
        let cases = [
            ("mettler-toledo-mt-sics", &b"SI\r\n"[..]),
            ("and-standard-format", b"Q\r\n"),
            ("ohaus-standard", b"IP\r\n"),
            ("nci-weigh-tronix", b"W\r"),
        ];
        for (id, bytes) in cases {
            assert_eq!(
                scale_poll_bytes(&profile(id)).unwrap().unwrap(),
                bytes,
                "{id}"
            );
        }
        let mut p = profile("nci-weigh-tronix");
        p.params.poll_command = Some("SI".into());
        let err = scale_poll_bytes(&p).unwrap_err().to_string();
        assert!(err.contains("poll_command"), "{err}");
        p.params.poll_command = None;
        assert!(scale_poll_bytes(&p).unwrap().is_none());
    }

    #[test]
    fn profile_params_reach_the_decoder() {
        let mut p = profile("generic-serial-barcode");
        p.params.prefix = Some("<".into());
        p.params.fnc1_substitute = Some("|".into());
        let params = decoder_params(&p);
        assert_eq!(params.prefix, b"<");
        assert_eq!(params.suffix, b"\r");
        assert_eq!(params.fnc1_substitute, Some(b'|'));
        assert!(params.aim_prefixed);
        assert!(decoder_for_profile(&p, None).is_ok());
    }

    #[test]
    fn the_division_is_read_in_the_profile_unit() {
        assert_eq!(
            division_mg(&profile("mettler-toledo-mt-sics")).unwrap(),
            Milligrams(10)
        );
        // 0.01 lb = 4,535.9237 mg → 4,536 mg.
        assert_eq!(
            division_mg(&profile("nci-weigh-tronix")).unwrap(),
            Milligrams(4536)
        );
    }

    /// An in-memory device: scripted reads, recorded writes.
    struct FakeSource {
        reads: std::collections::VecDeque<Vec<u8>>,
        written: Written,
    }

    impl ByteSource for FakeSource {
        fn read(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, TransportError> {
            match self.reads.pop_front() {
                Some(chunk) => {
                    let n = chunk.len().min(buf.len());
                    buf[..n].copy_from_slice(&chunk[..n]);
                    Ok(n)
                }
                None => Ok(0),
            }
        }
        fn write(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
            self.written.lock().unwrap().push((false, bytes.to_vec()));
            Ok(())
        }
        fn send_feature(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
            self.written.lock().unwrap().push((true, bytes.to_vec()));
            Ok(())
        }
        fn describe(&self) -> String {
            "fake".into()
        }
    }

    type Written = std::sync::Arc<std::sync::Mutex<Vec<(bool, Vec<u8>)>>>;

    fn fake(reads: &[&[u8]]) -> (Box<dyn ByteSource>, Written) {
        let written = Written::default();
        let source = FakeSource {
            reads: reads.iter().map(|r| r.to_vec()).collect(),
            written: std::sync::Arc::clone(&written),
        };
        (Box::new(source), written)
    }

    #[test]
    fn a_hid_pos_scanner_gets_its_init_report_and_beeps() {
        let p = profile("honeywell-voyager-1400g-hid-pos");
        let (source, written) = fake(&[]);
        let mut session = DeviceSession::open(&p, source).unwrap();
        assert_eq!(written.lock().unwrap()[0], (true, vec![0xFE, 0x01]));
        session.beep().unwrap();
        assert_eq!(
            written.lock().unwrap()[1],
            (false, vec![0xFD, 0x03, 0x16, 0x07, 0x0D])
        );
        let err = session.set_rf_power(20).unwrap_err().to_string();
        assert!(err.contains("cannot set RF power"), "{err}");
        assert!(session.zero().is_err());
    }

    #[test]
    fn a_chafon_288_round_uses_the_session_and_ends_on_the_final_frame() {
        let p = profile("chafon-uhfreader288");
        // Two tags (one read twice), then the final frame with status 0x01.
        let mut frames: Vec<Vec<u8>> = Vec::new();
        for data in [
            vec![0x01, 0x02, 0x02, 0xAA, 0x01, 0x50, 0x02, 0xAA, 0x02, 0x51],
            vec![0x01, 0x01, 0x02, 0xAA, 0x01, 0x55],
        ] {
            let mut f = vec![u8::try_from(5 + data.len()).unwrap(), 0x00, 0x01, 0x03];
            f.extend_from_slice(&data);
            let crc = crate::protocol::crc::crc16_chafon(&f);
            f.extend_from_slice(&crc.to_le_bytes());
            frames.push(f);
        }
        let mut done = vec![0x07, 0x00, 0x01, 0x01, 0x01, 0x00];
        let crc = crate::protocol::crc::crc16_chafon(&done);
        done.extend_from_slice(&crc.to_le_bytes());
        frames.push(done);
        let refs: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
        let (source, written) = fake(&refs);
        let mut session = DeviceSession::open(&p, source).unwrap();
        session.set_session(2).unwrap();
        assert!(session.set_session(4).is_err());
        session.start_inventory().unwrap();
        let mut out = Vec::new();
        for _ in 0..3 {
            session.step(Duration::from_millis(1), &mut out).unwrap();
        }
        let sent = written.lock().unwrap().clone();
        // RF power first (0x2F), then the inventory with session 2.
        assert_eq!(sent[0].1[2], 0x2F);
        let inventory = &sent[1].1;
        assert_eq!(inventory[2], 0x01);
        assert_eq!(inventory[4], 2, "session byte: {inventory:02x?}");
        let tags: Vec<&DriverEvent> = out
            .iter()
            .filter(|e| matches!(e, DriverEvent::Device(DeviceEvent::TagRead { .. })))
            .collect();
        assert_eq!(tags.len(), 2, "first reads only: {out:?}");
        let Some(DriverEvent::Round(round)) = out.last() else {
            panic!("no round report: {out:?}");
        };
        assert_eq!(round.tags.len(), 2);
        assert_eq!(round.reads, 3);
        assert_eq!(round.tags[0].reads, 2);
    }
}

//! The real serial stack against the scale simulator over a PTY: the `serialport` transport
//! opens the simulator's stable link exactly as it would open a USB-serial adapter, the
//! session polls through the profile, and the decoded readings equal the readings the
//! simulator logged as sent (nothing lost, nothing invented), in every protocol and mode.
//!
//! No timing is asserted: deadlines are generous and only bound a hung test.

use std::path::Path;
use std::time::{Duration, Instant};

use tally_drivers::driver::{DeviceSession, DriverEvent};
use tally_drivers::event::{DeviceEvent, ProtocolError};
use tally_drivers::profile::Profile;
use tally_drivers::sim::scale::{
    ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator, SentReading,
};

use crate::support::{fast_profile, open_session, DEADLINE};

/// What the driver saw, in the same shape as the simulator's log.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    value: Option<String>,
    stable: bool,
    overload: bool,
}

fn seen_of(sent: &SentReading) -> Seen {
    Seen {
        value: sent.value.clone(),
        stable: sent.stable,
        overload: sent.overload,
    }
}

fn profile(id: &str) -> Profile {
    fast_profile(id, 20)
}

fn open(profile: &Profile, link: &Path) -> DeviceSession {
    open_session(profile, link)
}

fn collect(event: DriverEvent, seen: &mut Vec<Seen>, errors: &mut Vec<ProtocolError>) {
    match event {
        DriverEvent::Device(DeviceEvent::Weight(w)) => seen.push(Seen {
            value: Some(w.value),
            stable: w.stable,
            overload: false,
        }),
        DriverEvent::Device(DeviceEvent::Error(ProtocolError::Overload { .. })) => {
            seen.push(Seen {
                value: None,
                stable: false,
                overload: true,
            })
        }
        DriverEvent::Device(DeviceEvent::Error(e)) => errors.push(e),
        _ => {}
    }
}

/// Polls until `want` readings came, stops polling, drains, and returns what was decoded.
fn run(
    protocol: ScaleProtocol,
    mode: ScaleMode,
    want: usize,
) -> (Vec<Seen>, Vec<SentReading>, Vec<ProtocolError>) {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let mut config = ScaleConfig::new(protocol, mode);
    // An item added after every reading: neighbouring readings differ, so a lost or doubled
    // reading shows in the comparison.
    config.load_step_divisions = 1;
    let sim = ScaleSimulator::start(&link, config).unwrap();
    let profile = profile(protocol.profile_id());
    let mut session = open(&profile, &link);
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while seen.len() < want {
        assert!(
            Instant::now() < deadline,
            "only {} of {want} readings",
            seen.len()
        );
        session.step(Duration::from_millis(100), &mut out).unwrap();
        for e in out.drain(..) {
            collect(e, &mut seen, &mut errors);
        }
    }
    session.set_polling(false);
    // Drain whatever answers the last poll.
    let mut quiet_since = Instant::now();
    while quiet_since.elapsed() < Duration::from_millis(600) {
        session.step(Duration::from_millis(100), &mut out).unwrap();
        if !out.is_empty() {
            quiet_since = Instant::now();
        }
        for e in out.drain(..) {
            collect(e, &mut seen, &mut errors);
        }
    }
    let sent = sim.sent();
    sim.stop();
    (seen, sent, errors)
}

fn assert_same(seen: &[Seen], sent: &[SentReading]) {
    let expected: Vec<Seen> = sent.iter().map(seen_of).collect();
    assert_eq!(
        seen,
        expected.as_slice(),
        "decoded stream differs from the sent one"
    );
    for (n, s) in sent.iter().enumerate() {
        assert_eq!(s.seq, n as u64 + 1, "sequence numbers are contiguous");
    }
}

#[test]
fn every_protocol_delivers_every_stable_reading() {
    for protocol in [
        ScaleProtocol::MtSics,
        ScaleProtocol::AndStandard,
        ScaleProtocol::Ohaus,
        ScaleProtocol::Nci,
    ] {
        let (seen, sent, errors) = run(protocol, ScaleMode::Stable, 12);
        assert!(errors.is_empty(), "{protocol:?}: {errors:?}");
        assert!(seen.iter().all(|s| s.stable), "{protocol:?}");
        assert_same(&seen, &sent);
    }
}

#[test]
fn settling_and_motion_readings_are_never_stable_weights() {
    for protocol in [
        ScaleProtocol::MtSics,
        ScaleProtocol::AndStandard,
        ScaleProtocol::Nci,
        ScaleProtocol::Ohaus,
    ] {
        let (seen, sent, _) = run(protocol, ScaleMode::Settling, 9);
        assert_same(&seen, &sent);
        assert!(
            seen.iter().any(|s| s.stable) && seen.iter().any(|s| !s.stable),
            "{protocol:?}"
        );
        let (seen, sent, _) = run(protocol, ScaleMode::Motion, 5);
        assert_same(&seen, &sent);
        assert!(seen.iter().all(|s| !s.stable), "{protocol:?}");
    }
}

#[test]
fn overload_is_reported_not_weighed() {
    for protocol in [
        ScaleProtocol::MtSics,
        ScaleProtocol::AndStandard,
        ScaleProtocol::Nci,
    ] {
        let (seen, sent, _) = run(protocol, ScaleMode::Overload, 4);
        assert_same(&seen, &sent);
        assert!(seen.iter().all(|s| s.overload), "{protocol:?}");
    }
}

#[test]
fn line_noise_is_rejected_without_losing_a_reading() {
    for protocol in [
        ScaleProtocol::MtSics,
        ScaleProtocol::AndStandard,
        ScaleProtocol::Ohaus,
        ScaleProtocol::Nci,
    ] {
        let (seen, sent, errors) = run(protocol, ScaleMode::Garbage, 20);
        assert_same(&seen, &sent);
        assert!(!errors.is_empty(), "{protocol:?}: the noise was noticed");
    }
}

#[test]
fn a_streaming_scale_is_read_without_polls() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let mut config = ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Settling);
    config.stream_interval = Some(Duration::from_millis(30));
    config.load_step_divisions = 1;
    let sim = ScaleSimulator::start(&link, config).unwrap();
    let mut profile = profile("and-standard-format");
    profile.params.poll_command = None;
    let mut session = open(&profile, &link);
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while seen.len() < 10 {
        assert!(Instant::now() < deadline);
        session.step(Duration::from_millis(100), &mut out).unwrap();
        for e in out.drain(..) {
            collect(e, &mut seen, &mut errors);
        }
    }
    // Stopping waits until the driver has read what was sent; then read the rest.
    let sent_before_stop = sim.sent();
    let stopper = std::thread::spawn(move || sim.stop());
    let drain_until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < drain_until {
        match session.step(Duration::from_millis(100), &mut out) {
            Ok(()) => {}
            Err(e) => {
                assert!(
                    matches!(&e, tally_drivers::driver::DriverError::Transport(t) if t.is_disconnect()),
                    "{e}"
                );
                break;
            }
        }
        for e in out.drain(..) {
            collect(e, &mut seen, &mut errors);
        }
    }
    stopper.join().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let expected: Vec<Seen> = sent_before_stop.iter().map(seen_of).collect();
    assert!(seen.len() >= expected.len());
    assert_eq!(&seen[..expected.len()], expected.as_slice());
    for (n, s) in seen.iter().enumerate() {
        let seq = 10_000 + n as i64;
        assert_eq!(
            s.value.as_deref(),
            Some(format!("{}.{:02}", seq / 100, seq % 100).as_str())
        );
    }
}

/// A client written for the real device: it opens the PTY as a plain file, writes the exact
/// command bytes and reads the exact reply bytes.
mod raw_client {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::AsFd;
    use std::path::Path;
    use std::time::{Duration, Instant};

    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

    pub struct Client {
        port: File,
    }

    impl Client {
        pub fn open(link: &Path) -> Client {
            let port = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(link)
                .unwrap();
            Client { port }
        }

        /// Sends `command` and reads until `lines` CR LF-terminated lines came back (or the
        /// terminator `end` for protocols that end otherwise).
        pub fn ask(&mut self, command: &[u8], lines: usize, end: &[u8]) -> String {
            self.port.write_all(command).unwrap();
            self.port.flush().unwrap();
            let mut got = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(20);
            while got.windows(end.len()).filter(|w| *w == end).count() < lines {
                assert!(
                    Instant::now() < deadline,
                    "no full answer to {:?}: {:?}",
                    String::from_utf8_lossy(command),
                    String::from_utf8_lossy(&got)
                );
                let mut fds = [PollFd::new(self.port.as_fd(), PollFlags::POLLIN)];
                if poll(&mut fds, PollTimeout::from(100u16)).unwrap() == 0 {
                    continue;
                }
                let mut buf = [0u8; 512];
                let n = self.port.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            String::from_utf8(got).unwrap()
        }

        /// Sends `command` and checks nothing comes back for a while.
        pub fn silent(&mut self, command: &[u8]) {
            self.port.write_all(command).unwrap();
            let mut fds = [PollFd::new(self.port.as_fd(), PollFlags::POLLIN)];
            let ready = poll(&mut fds, PollTimeout::from(300u16)).unwrap();
            assert_eq!(
                ready,
                0,
                "{:?} was answered",
                String::from_utf8_lossy(command)
            );
        }
    }
}

fn raw(config: ScaleConfig) -> (ScaleSimulator, raw_client::Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let sim = ScaleSimulator::start(&link, config).unwrap();
    let client = raw_client::Client::open(&link);
    (sim, client, dir)
}

#[test]
fn a_stable_scale_reads_the_same_mass_through_the_driver() {
    for protocol in [
        ScaleProtocol::MtSics,
        ScaleProtocol::AndStandard,
        ScaleProtocol::Ohaus,
        ScaleProtocol::Nci,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("scale");
        let sim =
            ScaleSimulator::start(&link, ScaleConfig::new(protocol, ScaleMode::Stable)).unwrap();
        let mut session = open(&profile(protocol.profile_id()), &link);
        let (mut seen, mut errors, mut out) = (Vec::new(), Vec::new(), Vec::new());
        let deadline = Instant::now() + DEADLINE;
        while seen.len() < 6 {
            assert!(Instant::now() < deadline);
            session.step(Duration::from_millis(100), &mut out).unwrap();
            for e in out.drain(..) {
                collect(e, &mut seen, &mut errors);
            }
        }
        sim.stop();
        assert!(errors.is_empty(), "{protocol:?}: {errors:?}");
        assert!(
            seen.iter()
                .all(|s| s.stable && s.value.as_deref() == Some("100.00")),
            "{protocol:?}: {seen:?}"
        );
    }
}

#[test]
fn mt_sics_level_0_identification_commands_answer_as_the_manual_says() {
    let (sim, mut c, _dir) = raw(ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable));
    assert_eq!(
        c.ask(b"I1\r\n", 1, b"\r\n"),
        "I1 A \"01\" \"2.20\" \"2.20\" \"2.20\" \"\"\r\n"
    );
    assert_eq!(
        c.ask(b"I2\r\n", 1, b"\r\n"),
        "I2 A \"TALLY-SIM 1000.00 g\"\r\n"
    );
    assert_eq!(c.ask(b"I3\r\n", 1, b"\r\n"), "I3 A \"1.00 10.0.0.0.1\"\r\n");
    assert_eq!(c.ask(b"I4\r\n", 1, b"\r\n"), "I4 A \"SIM0001\"\r\n");
    assert_eq!(c.ask(b"I5\r\n", 1, b"\r\n"), "I5 A \"11780711-0\"\r\n");
    let list = c.ask(b"I0\r\n", 21, b"\r\n");
    let lines: Vec<&str> = list.split_terminator("\r\n").collect();
    assert_eq!(lines.first(), Some(&"I0 B 0 \"I0\""));
    assert_eq!(lines.last(), Some(&"I0 A 2 \"PWR\""));
    for command in ["I1", "I2", "S", "SI", "SIR", "Z", "ZI", "@"] {
        assert!(
            lines.contains(&format!("I0 B 0 \"{command}\"").as_str()),
            "{command}"
        );
    }
    for command in ["D", "DW", "K", "SR", "T", "TA", "TAC", "TI"] {
        assert!(
            lines.contains(&format!("I0 B 1 \"{command}\"").as_str()),
            "{command}"
        );
    }
    assert_eq!(c.ask(b"@\r\n", 1, b"\r\n"), "I4 A \"SIM0001\"\r\n");
    assert_eq!(c.ask(b"XYZ\r\n", 1, b"\r\n"), "ES\r\n");
    assert_eq!(c.ask(b"S 1\r\n", 1, b"\r\n"), "ES\r\n");
    sim.stop();
}

#[test]
fn mt_sics_zero_and_tare_act_on_the_balance() {
    // 100.00 g on a 1000.00 g balance: beyond the ±20.00 g zero range.
    let (sim, mut c, _dir) = raw(ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable));
    assert_eq!(c.ask(b"Z\r\n", 1, b"\r\n"), "Z +\r\n");
    assert_eq!(c.ask(b"ZI\r\n", 1, b"\r\n"), "ZI +\r\n");
    assert_eq!(c.ask(b"S\r\n", 1, b"\r\n"), "S S     100.00 g\r\n");
    assert_eq!(c.ask(b"T\r\n", 1, b"\r\n"), "T S     100.00 g\r\n");
    assert_eq!(c.ask(b"S\r\n", 1, b"\r\n"), "S S       0.00 g\r\n");
    assert_eq!(c.ask(b"TA\r\n", 1, b"\r\n"), "TA A     100.00 g\r\n");
    assert_eq!(c.ask(b"TI\r\n", 1, b"\r\n"), "TI S     100.00 g\r\n");
    assert_eq!(c.ask(b"TAC\r\n", 1, b"\r\n"), "TAC A\r\n");
    assert_eq!(c.ask(b"SI\r\n", 1, b"\r\n"), "S S     100.00 g\r\n");
    assert_eq!(c.ask(b"TA 25.5 g\r\n", 1, b"\r\n"), "TA A      25.50 g\r\n");
    assert_eq!(c.ask(b"SI\r\n", 1, b"\r\n"), "S S      74.50 g\r\n");
    assert_eq!(c.ask(b"TA 25.5 kg\r\n", 1, b"\r\n"), "TA L\r\n");
    assert_eq!(c.ask(b"TA 2000 g\r\n", 1, b"\r\n"), "TA L\r\n");
    assert_eq!(c.ask(b"TA -1 g\r\n", 1, b"\r\n"), "TA L\r\n");
    // @ resets to the state after switching on, without zeroing: the tare is gone.
    assert_eq!(c.ask(b"@\r\n", 1, b"\r\n"), "I4 A \"SIM0001\"\r\n");
    assert_eq!(c.ask(b"S\r\n", 1, b"\r\n"), "S S     100.00 g\r\n");
    sim.stop();

    // 1.50 g: inside the zero range, so Z zeroes and the balance reads zero afterwards.
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
    config.base_divisions = 150;
    let (sim, mut c, _dir) = raw(config);
    assert_eq!(c.ask(b"SI\r\n", 1, b"\r\n"), "S S       1.50 g\r\n");
    assert_eq!(c.ask(b"Z\r\n", 1, b"\r\n"), "Z A\r\n");
    assert_eq!(c.ask(b"SI\r\n", 1, b"\r\n"), "S S       0.00 g\r\n");
    assert_eq!(c.ask(b"ZI\r\n", 1, b"\r\n"), "ZI S\r\n");
    assert_eq!(c.ask(b"TA 0.50 g\r\n", 1, b"\r\n"), "TA A       0.50 g\r\n");
    assert_eq!(c.ask(b"SI\r\n", 1, b"\r\n"), "S S      -0.50 g\r\n");
    sim.stop();
}

#[test]
fn mt_sics_level_1_display_keys_repeat_and_power() {
    let (sim, mut c, _dir) = raw(ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable));
    assert_eq!(c.ask(b"D \"HELLO\"\r\n", 1, b"\r\n"), "D A\r\n");
    assert_eq!(c.ask(b"DW\r\n", 1, b"\r\n"), "DW A\r\n");
    assert_eq!(c.ask(b"K 3\r\n", 1, b"\r\n"), "K A\r\n");
    assert_eq!(c.ask(b"K 9\r\n", 1, b"\r\n"), "K L\r\n");
    assert_eq!(
        c.ask(b"SIR\r\n", 3, b"\r\n"),
        "S S     100.00 g\r\nS S     100.00 g\r\nS S     100.00 g\r\n"
    );
    // @ stops the repeat; what was already on its way is read and dropped.
    let _ = c.ask(b"@\r\n", 1, b"I4 A \"SIM0001\"\r\n");
    c.silent(b"");
    // SR sends the stable weight, then only on a change (there is none on a still load).
    assert_eq!(c.ask(b"SR\r\n", 1, b"\r\n"), "S S     100.00 g\r\n");
    c.silent(b"");
    assert_eq!(c.ask(b"PWR 0\r\n", 1, b"\r\n"), "PWR A\r\n");
    assert_eq!(c.ask(b"S\r\n", 1, b"\r\n"), "S I\r\n");
    assert_eq!(c.ask(b"T\r\n", 1, b"\r\n"), "T I\r\n");
    assert_eq!(
        c.ask(b"PWR 1\r\n", 2, b"\r\n"),
        "PWR A\r\nI4 A \"SIM0001\"\r\n"
    );
    assert_eq!(c.ask(b"S\r\n", 1, b"\r\n"), "S S     100.00 g\r\n");
    sim.stop();
}

#[test]
fn and_ohaus_and_nci_zero_and_tare_over_the_pty() {
    let mut config = ScaleConfig::new(ScaleProtocol::AndStandard, ScaleMode::Stable);
    config.base_divisions = 150;
    let (sim, mut c, _dir) = raw(config);
    assert_eq!(c.ask(b"Q\r\n", 1, b"\r\n"), "ST,+00001.50  g\r\n");
    c.silent(b"Z\r\n");
    assert_eq!(c.ask(b"Q\r\n", 1, b"\r\n"), "ST,+00000.00  g\r\n");
    assert_eq!(c.ask(b"?SN\r\n", 1, b"\r\n"), "SN,SIM0001\r\n");
    sim.stop();

    let (sim, mut c, _dir) = raw(ScaleConfig::new(ScaleProtocol::Ohaus, ScaleMode::Stable));
    c.silent(b"T\r\n");
    assert_eq!(c.ask(b"IP\r\n", 1, b"\r\n"), "      0.00 g      \r\n");
    assert_eq!(c.ask(b"PT\r\n", 1, b"\r\n"), "    100.00 g      \r\n");
    assert_eq!(c.ask(b"XX\r\n", 1, b"\r\n"), "ES\r\n");
    sim.stop();

    let (sim, mut c, _dir) = raw(ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Stable));
    assert_eq!(c.ask(b"T\r", 1, b"\x03"), "\n20\r\x03");
    assert_eq!(c.ask(b"W\r", 1, b"\x03"), "\n0000.00lb\r\n20\r\x03");
    sim.stop();
}

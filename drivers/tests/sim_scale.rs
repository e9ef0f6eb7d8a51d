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
use tally_drivers::profile::{Profile, ProfileSet};
use tally_drivers::sim::scale::{
    ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator, SentReading,
};
use tally_drivers::transport::serial::SerialTransport;

const DEADLINE: Duration = Duration::from_secs(90);

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
    let mut p = ProfileSet::embedded().unwrap().get(id).unwrap().clone();
    // Poll fast; the PTY does not care about baud rates.
    p.params.poll_interval_ms = Some(20);
    p
}

fn open(profile: &Profile, link: &Path) -> DeviceSession {
    let deadline = Instant::now() + DEADLINE;
    loop {
        match SerialTransport::open(link.to_str().unwrap(), &profile.transport) {
            Ok(t) => return DeviceSession::open(profile, Box::new(t)).unwrap(),
            Err(e) if Instant::now() < deadline => {
                eprintln!("waiting for {}: {e}", link.display());
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("{e}"),
        }
    }
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
    let sim = ScaleSimulator::start(&link, ScaleConfig::new(protocol, mode)).unwrap();
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
        let seq = 10_000 + n as i64 + 1;
        assert_eq!(
            s.value.as_deref(),
            Some(format!("{}.{:02}", seq / 100, seq % 100).as_str())
        );
    }
}

//! The real serial stack against the RFID reader simulator over a PTY, in every protocol:
//! inventory rounds started through the profile, tag reads deduplicated per round, and each
//! round's unique tags equal to what the simulator reported (none lost, none invented), with
//! and without line noise between frames.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use tally_drivers::driver::{DeviceSession, DriverEvent, RoundReport};
use tally_drivers::event::DeviceEvent;
use tally_drivers::profile::Profile;
use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator};

use crate::support::{fast_profile, open_session, DEADLINE};

fn profile(id: &str) -> Profile {
    fast_profile(id, if id == "m100-bb7e" { 500 } else { 30 })
}

fn open(profile: &Profile, link: &Path) -> DeviceSession {
    open_session(profile, link)
}

fn run(protocol: RfidProtocol, noise: bool, rounds: usize) {
    run_seeded(protocol, noise, rounds, 7);
}

fn run_seeded(protocol: RfidProtocol, noise: bool, rounds: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("reader");
    let mut config = RfidConfig::new(protocol, 25);
    config.read_percent = 80;
    config.noise = noise;
    config.seed = seed;
    let sim = RfidSimulator::start(&link, config).unwrap();
    let profile = profile(protocol.profile_id());
    let mut session = open(&profile, &link);
    let mut reports: Vec<RoundReport> = Vec::new();
    let mut first_reads: Vec<Vec<u8>> = Vec::new();
    let mut out = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while reports.len() < rounds {
        assert!(
            Instant::now() < deadline,
            "{protocol:?}: only {} rounds",
            reports.len()
        );
        session.step(Duration::from_millis(50), &mut out).unwrap();
        for e in out.drain(..) {
            match e {
                DriverEvent::Round(r) => reports.push(r),
                DriverEvent::Device(DeviceEvent::TagRead { epc, .. }) => first_reads.push(epc),
                _ => {}
            }
        }
    }
    let mut stop = Vec::new();
    session.stop_inventory(&mut stop).unwrap();
    let logs = sim.rounds();
    sim.stop();
    // Rounds that ended in the driver match the simulator's rounds one for one.
    for (n, report) in reports.iter().enumerate() {
        let log = &logs[n];
        let got: BTreeSet<Vec<u8>> = report.tags.iter().map(|t| t.epc.clone()).collect();
        assert_eq!(got, log.unique, "{protocol:?} round {}", n + 1);
        assert_eq!(
            report.tags.len(),
            log.unique.len(),
            "{protocol:?}: no duplicates kept"
        );
        assert_eq!(
            report.reads,
            log.reads as u64,
            "{protocol:?} round {}: every read counted",
            n + 1
        );
        let repeats: u32 = report.tags.iter().map(|t| t.reads).sum();
        assert_eq!(u64::from(repeats), report.reads);
    }
    // Each tag is passed on once per round, at its first read.
    let passed_on: usize = reports.iter().map(|r| r.tags.len()).sum();
    assert!(first_reads.len() >= passed_on, "{protocol:?}");
    assert!(
        reports.iter().any(|r| r.reads > r.tags.len() as u64),
        "{protocol:?}: duplicates were read"
    );
}

#[test]
fn chafon_uhfreader18_rounds_are_deduplicated_exactly() {
    run(RfidProtocol::Chafon18, false, 4);
    run(RfidProtocol::Chafon18, true, 4);
    for seed in [11, 23, 42] {
        run_seeded(RfidProtocol::Chafon18, true, 3, seed);
    }
}

#[test]
fn chafon_uhfreader288_rounds_are_deduplicated_exactly() {
    run(RfidProtocol::Chafon288, false, 4);
    run(RfidProtocol::Chafon288, true, 4);
    for seed in [11, 23, 42] {
        run_seeded(RfidProtocol::Chafon288, true, 3, seed);
    }
}

#[test]
fn m100_rounds_are_deduplicated_exactly() {
    run(RfidProtocol::M100, false, 4);
    run(RfidProtocol::M100, true, 4);
    for seed in [11, 23, 42] {
        run_seeded(RfidProtocol::M100, true, 3, seed);
    }
}

#[test]
fn thingmagic_rounds_are_deduplicated_exactly() {
    run(RfidProtocol::ThingMagic, false, 4);
    run(RfidProtocol::ThingMagic, true, 4);
    for seed in [11, 23, 42] {
        run_seeded(RfidProtocol::ThingMagic, true, 3, seed);
    }
}

//! The device manager against simulators over real PTYs: it opens the bound port through the
//! serial stack, polls through the profile, and when the simulator is unplugged (PTY closed,
//! link removed) and plugged back (new PTY, link re-pointed) it reconnects by itself. Every
//! reading the simulator sent arrives once, in order: nothing lost, nothing invented.
//!
//! No timing is asserted; deadlines only bound a hung test.

use std::time::{Duration, Instant};

use tally_drivers::driver::DriverEvent;
use tally_drivers::event::DeviceEvent;
use tally_drivers::manager::{Binding, ConnectionState, DeviceManager, ManagerConfig};
use tally_drivers::profile::ProfileSet;

use crate::support::fast_profile_set;
use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};

const DEADLINE: Duration = Duration::from_secs(120);

fn fast_profiles(id: &str) -> ProfileSet {
    fast_profile_set(id, 20)
}

#[test]
fn the_manager_reconnects_after_replug_and_loses_no_reading() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let mut sim_config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Unplug);
    sim_config.unplug_every = 6;
    sim_config.unplug_for = Duration::from_millis(300);
    // One item added after each reading: every reading differs from the one before.
    sim_config.load_step_divisions = 1;
    let sim = ScaleSimulator::start(&link, sim_config).unwrap();
    let profile = ScaleProtocol::MtSics.profile_id();
    let mut config = ManagerConfig::bound_only(vec![Binding {
        path: link.display().to_string(),
        profile: profile.to_string(),
    }]);
    config.reconnect_delay = Duration::from_millis(100);
    let manager = DeviceManager::start(fast_profiles(profile), config).unwrap();

    let mut values = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while sim.handle().replugs() < 3 {
        assert!(
            Instant::now() < deadline,
            "replugs: {}",
            sim.handle().replugs()
        );
        if let Some(e) = manager.next_event(Duration::from_millis(200)) {
            assert_eq!(e.profile, profile);
            if let DriverEvent::Device(DeviceEvent::Weight(w)) = e.event {
                assert!(w.stable);
                values.push(w.value);
            }
        }
    }
    // Wait until the manager is connected to the replugged scale and reads from it again.
    let readings_before = values.len();
    while values.len() < readings_before + 3 {
        assert!(
            Instant::now() < deadline,
            "no readings after the last replug"
        );
        if let Some(e) = manager.next_event(Duration::from_millis(200)) {
            if let DriverEvent::Device(DeviceEvent::Weight(w)) = e.event {
                values.push(w.value);
            }
        }
    }
    let status = manager.snapshot();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].state, ConnectionState::Connected, "{status:?}");
    assert!(status[0].connects >= 4, "{status:?}");
    assert!(
        status[0].last_error.is_some(),
        "the unplug was recorded: {status:?}"
    );

    // Unplug for good: stop the simulator (it waits until the driver read what it sent).
    let sent = {
        let s = sim.sent();
        sim.stop();
        s
    };
    let quiet = Instant::now() + Duration::from_secs(2);
    while Instant::now() < quiet {
        if let Some(e) = manager.next_event(Duration::from_millis(100)) {
            if let DriverEvent::Device(DeviceEvent::Weight(w)) = e.event {
                values.push(w.value);
            }
        }
    }
    let sent_values: Vec<String> = sent.iter().filter_map(|r| r.value.clone()).collect();
    // Readings sent between the snapshot of the log and the stop may follow; compare the prefix
    // the log covers, then check nothing after it was invented.
    assert!(
        values.len() >= sent_values.len(),
        "lost readings: {} decoded, {} sent",
        values.len(),
        sent_values.len()
    );
    assert_eq!(&values[..sent_values.len()], sent_values.as_slice());
    let mut expected = sent_values.clone();
    for (n, v) in values.iter().enumerate().skip(sent_values.len()) {
        let seq = n as i64 + 1;
        let load = 10_000 + seq - 1;
        expected.push(format!("{}.{:02}", load / 100, load % 100));
        assert_eq!(v, &expected[n], "reading {seq} was not sent");
    }
    let after = manager.snapshot();
    assert!(after[0].dropped_events == 0, "{after:?}");
    manager.stop();
}

#[test]
fn an_rfid_reader_with_line_noise_is_reconnected_and_its_rounds_stay_exact() {
    use std::collections::BTreeSet;
    use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator};

    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("reader");
    let mut sim_config = RfidConfig::new(RfidProtocol::ThingMagic, 30);
    sim_config.read_percent = 70;
    sim_config.noise = true;
    let population: BTreeSet<Vec<u8>> = sim_config.tags.iter().map(|t| t.epc.clone()).collect();
    let sim = RfidSimulator::start(&link, sim_config).unwrap();
    let id = RfidProtocol::ThingMagic.profile_id();
    let set = fast_profile_set(id, 30);
    let mut config = ManagerConfig::bound_only(vec![Binding {
        path: link.display().to_string(),
        profile: id.to_string(),
    }]);
    config.reconnect_delay = Duration::from_millis(100);
    let manager = DeviceManager::start(set, config).unwrap();

    let deadline = Instant::now() + DEADLINE;
    let mut rounds = Vec::new();
    let mut unplugged = false;
    while !(unplugged && sim.handle().replugs() >= 1 && rounds.len() >= 8) {
        assert!(
            Instant::now() < deadline,
            "rounds {} replugs {}",
            rounds.len(),
            sim.handle().replugs()
        );
        if !unplugged && rounds.len() >= 3 {
            sim.handle().unplug_for(Duration::from_millis(300));
            unplugged = true;
        }
        if let Some(e) = manager.next_event(Duration::from_millis(200)) {
            if let DriverEvent::Round(r) = e.event {
                rounds.push(
                    r.tags
                        .iter()
                        .map(|t| t.epc.clone())
                        .collect::<BTreeSet<_>>(),
                );
            }
        }
    }
    let status = manager.snapshot();
    assert!(status[0].connects >= 2, "{status:?}");
    let logged: Vec<BTreeSet<Vec<u8>>> = sim.rounds().into_iter().map(|r| r.unique).collect();
    for round in &rounds {
        assert!(round.is_subset(&population), "a tag was invented");
        assert!(
            logged.contains(round),
            "every finished round equals one the reader ran"
        );
    }
    manager.stop();
    sim.stop();
}

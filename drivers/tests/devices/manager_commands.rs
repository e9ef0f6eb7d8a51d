//! Commands through the manager: stop and restart RFID inventory rounds, and a command a
//! device cannot do shows as its last error (the reader keeps running).

use std::time::{Duration, Instant};

use tally_drivers::driver::DriverEvent;
use tally_drivers::manager::{Binding, DeviceCommand, DeviceManager, ManagerConfig};

use crate::support::fast_profile_set;
use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator};

#[test]
fn inventory_stops_and_restarts_on_command() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("reader");
    let sim = RfidSimulator::start(&link, RfidConfig::new(RfidProtocol::Chafon288, 10)).unwrap();
    let id = "chafon-uhfreader288";
    let set = fast_profile_set(id, 30);
    let device = link.display().to_string();
    let manager = DeviceManager::start(
        set,
        ManagerConfig::bound_only(vec![Binding {
            path: device.clone(),
            profile: id.into(),
        }]),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let wait_rounds = |n: usize| {
        let mut rounds = 0;
        while rounds < n {
            assert!(Instant::now() < deadline, "only {rounds} rounds");
            if let Some(e) = manager.next_event(Duration::from_millis(200)) {
                if matches!(e.event, DriverEvent::Round(_)) {
                    rounds += 1;
                }
            }
        }
    };
    wait_rounds(2);
    manager
        .command(&device, DeviceCommand::StopInventory)
        .unwrap();
    // Running, the reader is asked for a round every 30 ms; stopped, no round for 800 ms.
    loop {
        assert!(
            Instant::now() < deadline,
            "rounds went on after StopInventory"
        );
        let before = sim.rounds().len();
        std::thread::sleep(Duration::from_millis(800));
        while manager.next_event(Duration::from_millis(10)).is_some() {}
        if sim.rounds().len() == before {
            break;
        }
    }

    manager
        .command(&device, DeviceCommand::SetRfPower(45))
        .unwrap();
    manager
        .command(&device, DeviceCommand::StartInventory)
        .unwrap();
    wait_rounds(2);
    let status = manager.snapshot();
    let error = status[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("power"), "{status:?}");
    assert!(manager
        .command("/no/such/device", DeviceCommand::Beep)
        .is_err());
    manager.stop();
    sim.stop();
}

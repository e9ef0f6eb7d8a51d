//! The app's device wiring over real serial I/O: the drivers' PTY simulators play a scale and
//! an RFID reader, [`DeviceLink`] opens them by the configured paths and profiles, and what
//! reaches the app's event stream is checked: connection, live weight and stable flag, a new
//! stable weight once for the floor layer, tag reads, tare, an unplugged scale coming back,
//! and refusals as problems.

use std::path::Path;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use tally_app::config::DeviceConfig;
use tally_app::devices::{DeviceLink, DeviceProblem};
use tally_app::event::{DeviceEvent, DeviceKind, Event, ScaleCommand};
use tally_drivers::event::DeviceEvent as DriverEvent;
use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator};
use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};

const WAIT: Duration = Duration::from_secs(15);

fn device(kind: &str, path: &Path, profile: &str) -> DeviceConfig {
    DeviceConfig {
        kind: kind.into(),
        path: path.to_owned(),
        profile: profile.into(),
        scale_id: None,
    }
}

/// Takes device events until one matches; fails with everything seen after `WAIT`.
fn wait_for(
    inbox: &Receiver<Event>,
    what: &str,
    mut matches: impl FnMut(&DeviceEvent) -> bool,
) -> Vec<DeviceEvent> {
    let until = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while Instant::now() < until {
        if let Ok(Event::Device(event)) = inbox.recv_timeout(Duration::from_millis(50)) {
            let hit = matches(&event);
            seen.push(event);
            if hit {
                return seen;
            }
        }
    }
    panic!("no {what} within {WAIT:?}; saw {seen:?}");
}

fn is_weight(event: &DeviceEvent, mg: i64, stable: bool) -> bool {
    *event
        == DeviceEvent::Weight {
            milligrams: mg,
            stable,
        }
}

fn floor_weight(event: &DeviceEvent) -> Option<String> {
    match event {
        DeviceEvent::Floor(input) => match &input.event {
            DriverEvent::Weight(reading) => Some(reading.value.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[test]
fn scale_and_reader_reach_the_event_stream_tare_works_and_an_unplug_is_survived() {
    let dir = tempfile::tempdir().unwrap();
    let scale_path = dir.path().join("scale");
    let rfid_path = dir.path().join("rfid");
    let scale = ScaleSimulator::start(
        &scale_path,
        ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable),
    )
    .unwrap();
    let rfid = RfidSimulator::start(&rfid_path, RfidConfig::new(RfidProtocol::M100, 3)).unwrap();
    let (events, inbox) = channel();
    let link = DeviceLink::start(
        &[
            device("scale", &scale_path, ScaleProtocol::MtSics.profile_id()),
            device("rfid", &rfid_path, RfidProtocol::M100.profile_id()),
        ],
        events,
    )
    .unwrap()
    .expect("devices are configured");

    // Home's status: the scale is connected and reads its 100.00 g, stable.
    wait_for(&inbox, "scale connected", |e| {
        *e == DeviceEvent::Connected {
            device: DeviceKind::Scale,
            connected: true,
        }
    });
    let seen = wait_for(&inbox, "the 100 g reading", |e| is_weight(e, 100_000, true));
    // The floor gets that settled load once, however often the scale is polled.
    let mut floor: Vec<String> = seen.iter().filter_map(floor_weight).collect();
    let seen = wait_for(
        &inbox,
        "an RFID tag read",
        |e| matches!(e, DeviceEvent::Floor(input) if matches!(input.event, DriverEvent::TagRead { .. })),
    );
    floor.extend(seen.iter().filter_map(floor_weight));
    assert_eq!(floor, vec!["100.00".to_owned()], "{seen:?}");

    // A case is put on the scale: it settles, then its weight reaches the floor.
    scale.place_load(41_237);
    let seen = wait_for(&inbox, "the case's weight", |e| floor_weight(e).is_some());
    assert_eq!(
        seen.iter().filter_map(floor_weight).collect::<Vec<_>>(),
        vec!["412.37".to_owned()]
    );
    assert!(seen.iter().any(|e| is_weight(e, 412_370, true)), "{seen:?}");

    // Tare from the handheld: the scale reads zero net.
    link.scale(ScaleCommand::Tare);
    wait_for(&inbox, "zero after the tare", |e| is_weight(e, 0, true));

    // The cable is pulled: home says so; plugged back, readings resume by themselves.
    scale.handle().unplug_for(Duration::from_millis(800));
    wait_for(&inbox, "scale disconnected", |e| {
        *e == DeviceEvent::Connected {
            device: DeviceKind::Scale,
            connected: false,
        }
    });
    wait_for(&inbox, "scale reconnected", |e| {
        *e == DeviceEvent::Connected {
            device: DeviceKind::Scale,
            connected: true,
        }
    });
    wait_for(&inbox, "a reading after the replug", |e| {
        matches!(e, DeviceEvent::Weight { .. })
    });
    link.stop();
    scale.stop();
    rfid.stop();
}

#[test]
fn a_scale_that_cannot_tare_and_a_handheld_without_a_scale_say_so() {
    let dir = tempfile::tempdir().unwrap();
    // NCI scales have no tare command.
    let scale_path = dir.path().join("nci");
    let scale = ScaleSimulator::start(
        &scale_path,
        ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Stable),
    )
    .unwrap();
    let (events, inbox) = channel();
    let link = DeviceLink::start(
        &[device(
            "scale",
            &scale_path,
            ScaleProtocol::Nci.profile_id(),
        )],
        events,
    )
    .unwrap()
    .unwrap();
    wait_for(&inbox, "a reading", |e| {
        matches!(e, DeviceEvent::Weight { .. })
    });
    link.scale(ScaleCommand::Tare);
    let seen = wait_for(&inbox, "the tare refused", |e| {
        matches!(e, DeviceEvent::Problem { .. })
    });
    match seen.last() {
        Some(DeviceEvent::Problem {
            device: DeviceKind::Scale,
            problem: DeviceProblem::Driver(text),
        }) => assert!(text.contains("tare"), "{text}"),
        other => panic!("{other:?}"),
    }
    link.stop();
    scale.stop();

    // Only a reader configured: a tare is refused at once, in words.
    let rfid_path = dir.path().join("rfid");
    let rfid = RfidSimulator::start(&rfid_path, RfidConfig::new(RfidProtocol::M100, 1)).unwrap();
    let (events, inbox) = channel();
    let link = DeviceLink::start(
        &[device("rfid", &rfid_path, RfidProtocol::M100.profile_id())],
        events,
    )
    .unwrap()
    .unwrap();
    link.scale(ScaleCommand::Zero);
    let seen = wait_for(&inbox, "no scale", |e| {
        matches!(e, DeviceEvent::Problem { .. })
    });
    assert_eq!(
        seen.last(),
        Some(&DeviceEvent::Problem {
            device: DeviceKind::Scale,
            problem: DeviceProblem::NotSetUp
        })
    );
    link.stop();
    rfid.stop();
}

#[test]
fn no_devices_configured_starts_nothing() {
    let (events, _inbox) = channel();
    assert!(DeviceLink::start(&[], events).unwrap().is_none());
}

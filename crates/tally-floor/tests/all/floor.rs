//! End to end through the floor layer: real bytes on a pseudo-terminal, the real serial
//! transport and protocol decoders, `tally-ids`, the workflows and a real SQLite replica. A
//! scan or a stable weight from a (simulated) device becomes a signed event, with nothing in
//! between written by hand.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::signed_kinds;
use tally_drivers::driver::{DeviceSession, DriverEvent};
use tally_drivers::event::DeviceEvent;
use tally_drivers::profile::{Profile, ProfileSet};
use tally_drivers::pty::Pty;
use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator};
use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};
use tally_drivers::transport::serial::SerialTransport;
use tally_events::payload::{
    CountTaskIssued, FacilityStateSystemDefined, InboundManifestIssued, ItemCategory, ItemDefined,
    ManifestLine, PackageStatus, StateSystem, UnitOfMeasure,
};
use tally_events::{Payload, Quantity};
use tally_floor::{DeviceInput, Floor, Identifier, Ignored, Outcome, ScaleSetup, Screen, Step};
use tally_ids::{Date, ScanInput, StateSystems, UidSystem};
use tally_replica::workflow::count::{self, Entered, Scanned};
use tally_replica::workflow::receiving::ScanOutcome;
use tally_replica::workflow::{self, receiving, Session};
use tally_replica::{Refusal, ReplicaError};
use tally_testkit::*;

/// Bounds a hung test only; nothing is timed.
const DEADLINE: Duration = Duration::from_secs(90);
const GTIN: &str = "09501101530003";

fn today() -> Date {
    Date::new(2026, 11, 24).expect("a date")
}

fn floor() -> Floor {
    Floor::new(today()).with_scale(ScaleSetup {
        device: "scale-1".into(),
        scale_id: "SCALE-01".into(),
        division: "0.01".into(),
    })
}

/// The fixture with FLOWER carrying a GTIN and manifest IN-1 of two cases.
fn receiving_fixture() -> Fixture {
    let mut f = fixture();
    f.replica
        .record(
            "ADMIN",
            vec![
                Payload::ItemDefined(ItemDefined {
                    item_id: "FLOWER".into(),
                    sku: "SKU-FLOWER".into(),
                    name: "FLOWER".into(),
                    category: ItemCategory::Flower,
                    unit_of_measure: UnitOfMeasure::Weight,
                    gtin: Some(GTIN.into()),
                    manifest_weight_is_net: true,
                    tare_mg: Some(12_000),
                }),
                package(
                    &t(1),
                    "FLOWER",
                    "FL-L1",
                    Quantity::Milligrams(453_590),
                    "DOCK-1",
                    PackageStatus::InTransit,
                ),
                package(
                    &t(2),
                    "FLOWER",
                    "FL-L2",
                    Quantity::Milligrams(100_000),
                    "DOCK-1",
                    PackageStatus::InTransit,
                ),
                Payload::InboundManifestIssued(InboundManifestIssued {
                    manifest_id: "IN-1".into(),
                    origin_license: "403-X1".into(),
                    destination_license: "403R-1".into(),
                    driver: "Dana".into(),
                    vehicle: "CO-1".into(),
                    lines: vec![
                        ManifestLine {
                            uid: t(1),
                            item_id: "FLOWER".into(),
                            quantity: Quantity::Milligrams(453_590),
                            weight_mg: Some(453_590),
                        },
                        ManifestLine {
                            uid: t(2),
                            item_id: "FLOWER".into(),
                            quantity: Quantity::Milligrams(100_000),
                            weight_mg: Some(100_000),
                        },
                    ],
                }),
            ],
        )
        .expect("set-up recorded");
    f
}

fn profile(id: &str) -> Profile {
    let mut p = ProfileSet::embedded()
        .expect("embedded profiles")
        .get(id)
        .expect("a shipped profile")
        .clone();
    p.params.poll_interval_ms = Some(20);
    p
}

fn open_session(profile: &Profile, path: &Path) -> DeviceSession {
    let deadline = Instant::now() + DEADLINE;
    loop {
        match SerialTransport::open(path.to_str().expect("a UTF-8 path"), &profile.transport) {
            Ok(t) => return DeviceSession::open(profile, Box::new(t)).expect("a session"),
            Err(e) if Instant::now() < deadline => {
                eprintln!("waiting for {}: {e}", path.display());
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// The next device event the session decodes (bounded by [`DEADLINE`]).
fn next_event(session: &mut DeviceSession) -> DeviceEvent {
    let deadline = Instant::now() + DEADLINE;
    let mut out = Vec::new();
    loop {
        assert!(Instant::now() < deadline, "no event from the device");
        session
            .step(Duration::from_millis(50), &mut out)
            .expect("the device session runs");
        if let Some(DriverEvent::Device(event)) = out.drain(..).next() {
            return event;
        }
    }
}

/// A serial barcode scanner: real bytes written on a PTY's master side, read by the shipped
/// serial-barcode profile through the serial transport on its slave side.
struct Scanner {
    pty: Pty,
    session: DeviceSession,
}

impl Scanner {
    fn plug_in() -> Scanner {
        let pty = Pty::open().expect("a pseudo-terminal");
        let session = open_session(&profile("generic-serial-barcode"), pty.slave_path());
        Scanner { pty, session }
    }

    fn scan(&mut self, bytes: &[u8]) -> DeviceInput {
        let mut line = bytes.to_vec();
        line.push(b'\r');
        self.pty.write_all(&line).expect("the scanner writes");
        DeviceInput {
            device: "scanner-1".into(),
            event: next_event(&mut self.session),
        }
    }
}

fn sign_in(f: &mut Fixture) -> Session {
    f.session("B1", "1111")
}

#[test]
fn scans_from_a_serial_scanner_receive_a_case_and_check_its_gs1_label() {
    let mut f = receiving_fixture();
    let who = sign_in(&mut f);
    let floor = floor();
    let mut scanner = Scanner::plug_in();
    let mut screen = Screen::Receiving {
        manifest: "IN-1".into(),
        package: None,
    };

    // A GS1 label before any case: nothing to check it against.
    let early = scanner.scan(b"]d2010950110153000317270301\x1d10LOT-FL-L1");
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &early)
        .unwrap();
    assert_eq!(step.outcome, Outcome::Ignored(Ignored::ScanThePackageFirst));
    assert!(step.recorded.is_empty());

    // The case's Metrc tag, as a Code 128 with its AIM identifier.
    let before = f.events();
    let tag = scanner.scan(format!("]C0{}", t(1)).as_bytes());
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &tag)
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Arrived(ScanOutcome::Expected {
            uid: t(1),
            sku: "SKU-FLOWER".into()
        })
    );
    assert_eq!(signed_kinds(&f, &step), ["package_arrived"]);
    assert_eq!(f.events(), before + 1);
    assert_eq!(
        screen,
        Screen::Receiving {
            manifest: "IN-1".into(),
            package: Some(tag_of(&t(1)))
        }
    );

    // The GS1 DataMatrix on the case (GS between the lot and what follows): GTIN, expiry and
    // lot match the item and batch FL-L1, so the check passes and is recorded.
    let label = scanner.scan(b"]d2010950110153000317270301\x1d10LOT-FL-L1");
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &label)
        .unwrap();
    assert_eq!(step.outcome, Outcome::LabelChecked(vec![]));
    assert_eq!(signed_kinds(&f, &step), ["label_checked"]);

    // The same case with another batch's label: each mismatch is named.
    let wrong = scanner.scan(b"]d2010950110153001017270115\x1d10LOT-FL-L2");
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &wrong)
        .unwrap();
    let Outcome::LabelChecked(problems) = &step.outcome else {
        panic!("{:?}", step.outcome);
    };
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "label GTIN 09501101530010 is not the item's GTIN 09501101530003",
            "label batch LOT-FL-L2 is not LOT-FL-L1",
            "label expiry 2027-01-15 is not 2027-03-01",
        ]
    );
    assert_eq!(signed_kinds(&f, &step), ["label_checked"]);

    // A damaged tag is read as what it is and records nothing.
    let before = f.events();
    let damaged = scanner.scan(b"1A4FF01000000220000001");
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &damaged)
        .unwrap();
    match step.outcome {
        Outcome::Unreadable(u) => assert!(!u.problems.is_empty(), "{u:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.events(), before);

    // Scanning the case again is a duplicate: nothing recorded.
    let again = scanner.scan(format!("]C0{}", t(1)).as_bytes());
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &again)
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Arrived(ScanOutcome::Duplicate { uid: t(1) })
    );
    assert_eq!(f.events(), before);
}

#[test]
fn a_metrc_site_never_reads_sixteen_digits_as_a_biotrack_id() {
    let mut f = receiving_fixture();
    let who = sign_in(&mut f);
    // Before the facility's state system is on record, the 16 digits are a BioTrack id (every
    // system is read), and as a tag not on the manifest the case would be unexpected.
    let sixteen = ScanInput::barcode(&b"0107032069804987"[..]);
    let anywhere = workflow::state_systems(f.replica.view()).unwrap();
    assert!(matches!(
        floor().identify(anywhere, &sixteen),
        Ok(Identifier::StateTag(tag)) if tag.system() == UidSystem::BioTrack
    ));
    f.stock(vec![Payload::FacilityStateSystemDefined(
        FacilityStateSystemDefined {
            facility_id: "FAC-1".into(),
            state_system: StateSystem::Metrc,
        },
    )]);
    let mut scanner = Scanner::plug_in();
    let mut screen = Screen::Receiving {
        manifest: "IN-1".into(),
        package: None,
    };
    let sixteen = scanner.scan(b"0107032069804987");
    let before = f.events();
    let step = floor()
        .handle(&mut f.replica, &who, &mut screen, &sixteen)
        .unwrap();
    match step.outcome {
        Outcome::Unreadable(u) => {
            assert_eq!(u.problems, ["GTIN check digit should be 8, got 7"])
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.events(), before);
    // The workflows read the facility's state system from the view too.
    match f.replica.act("B1", |v| {
        receiving::scan(v, "IN-1", &id_of("0107032069804987"))
    }) {
        Err(ReplicaError::Refused(Refusal::NotATag { scan })) => {
            assert_eq!(scan, "0107032069804987")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.events(), before);
    // A BioTrack site reads the same digits as a BioTrack id (not on this manifest's tags).
    assert_eq!(
        floor()
            .identify(
                StateSystems::only(&[UidSystem::BioTrack]),
                &ScanInput::barcode(&b"0107032069804987"[..])
            )
            .map(|i| i
                .state_tag()
                .map(|tag| (tag.system(), tag.uid().to_owned()))),
        Ok(Some((UidSystem::BioTrack, "0107032069804987".to_owned())))
    );
}

#[test]
fn a_tag_and_a_barcode_of_the_same_package_are_the_same_case() {
    let mut f = receiving_fixture();
    let who = sign_in(&mut f);
    let floor = floor();
    let mut screen = Screen::Receiving {
        manifest: "IN-1".into(),
        package: None,
    };
    // The Metrc RFID tag of case 2 as an RFID reader reports it: EPC bank bytes.
    let epc: Vec<u8> = (0..t(2).len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&t(2)[i..i + 2], 16).expect("hex"))
        .collect();
    let read = DeviceInput {
        device: "reader-1".into(),
        event: DeviceEvent::TagRead {
            epc,
            rssi: Some(-52),
            antenna: Some(1),
        },
    };
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &read)
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Arrived(ScanOutcome::Expected {
            uid: t(2),
            sku: "SKU-FLOWER".into()
        })
    );
    assert_eq!(signed_kinds(&f, &step), ["package_arrived"]);
    // Its printed barcode is the same case: a duplicate now.
    let mut scanner = Scanner::plug_in();
    let barcode = scanner.scan(format!("]C0{}", t(2)).as_bytes());
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &barcode)
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Arrived(ScanOutcome::Duplicate { uid: t(2) })
    );
}

#[test]
fn a_stable_weight_from_a_simulated_scale_is_recorded_against_the_scanned_case() {
    let mut f = receiving_fixture();
    let who = sign_in(&mut f);
    let floor = floor();
    let mut scanner = Scanner::plug_in();
    let mut screen = Screen::Receiving {
        manifest: "IN-1".into(),
        package: None,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let link = dir.path().join("scale");
    // 465.59 g gross: the case's 453.59 g net plus its 12 g tare; the balance settles after
    // two unstable readings each time.
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Settling);
    config.base_divisions = 46_559;
    let sim = ScaleSimulator::start(&link, config).expect("the scale simulator");
    let mut scale = open_session(&profile(ScaleProtocol::MtSics.profile_id()), &link);

    // A weight before any case is scanned records nothing.
    let mut weigh = |screen: &mut Screen, f: &mut Fixture| -> Step {
        loop {
            let input = DeviceInput {
                device: "scale-1".into(),
                event: next_event(&mut scale),
            };
            let step = floor.handle(&mut f.replica, &who, screen, &input).unwrap();
            match &step.outcome {
                Outcome::Ignored(Ignored::NotAStableWeight(_) | Ignored::DeviceMessage(_)) => {
                    assert!(step.recorded.is_empty());
                }
                _ => return step,
            }
        }
    };
    let before = f.events();
    let step = weigh(&mut screen, &mut f);
    assert_eq!(step.outcome, Outcome::Ignored(Ignored::ScanThePackageFirst));
    assert_eq!(f.events(), before);

    let tag = scanner.scan(format!("]C0{}", t(1)).as_bytes());
    floor
        .handle(&mut f.replica, &who, &mut screen, &tag)
        .unwrap();
    let step = weigh(&mut screen, &mut f);
    match &step.outcome {
        Outcome::Weighed(w) => {
            assert_eq!(w.expected_mg, 453_590);
            assert_eq!(w.actual_mg, 453_590);
            assert!(w.within);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(signed_kinds(&f, &step), ["weight_recorded"]);
    sim.stop();

    // A weight from a device the floor does not know as a scale records nothing.
    let unknown = DeviceInput {
        device: "scale-9".into(),
        event: step_weight(),
    };
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &unknown)
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Ignored(Ignored::UnknownScale {
            device: "scale-9".into()
        })
    );
}

fn step_weight() -> DeviceEvent {
    DeviceEvent::Weight(tally_drivers::event::WeightReading::new(
        "465.59",
        tally_drivers::event::WeightUnit::Gram,
        true,
    ))
}

#[test]
fn moving_takes_a_package_then_a_location_and_refusals_record_nothing() {
    let mut f = fixture();
    f.stock(vec![active(
        &t(5),
        "CART",
        "CA-L1",
        Quantity::Units(10),
        "SHELF-1",
    )]);
    let who = sign_in(&mut f);
    let floor = floor();
    let mut scanner = Scanner::plug_in();
    let mut screen = Screen::Moving { package: None };
    let tag = scanner.scan(format!("]C0{}", t(5)).as_bytes());
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &tag)
        .unwrap();
    assert_eq!(step.outcome, Outcome::PackageChosen { uid: t(5) });
    let before = f.events();
    let nowhere = scanner.scan(b"]C0SHELF-9");
    match floor.handle(&mut f.replica, &who, &mut screen, &nowhere) {
        Err(ReplicaError::Refused(Refusal::UnknownLocation { location })) => {
            assert_eq!(location, "SHELF-9")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.events(), before);
    let shelf = scanner.scan(b"]C0SHELF-2");
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &shelf)
        .unwrap();
    match &step.outcome {
        Outcome::Moved(m) => {
            assert_eq!((m.uid.as_str(), m.to.as_str()), (t(5).as_str(), "SHELF-2"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(step.recorded.len(), 1);
    assert_eq!(f.package(&t(5)).1.as_deref(), Some("SHELF-2"));
    assert_eq!(screen, Screen::Moving { package: None });
}

#[test]
fn tag_reads_from_a_simulated_rfid_reader_receive_the_cases_they_are() {
    let mut f = receiving_fixture();
    let who = sign_in(&mut f);
    let floor = floor();
    let mut screen = Screen::Receiving {
        manifest: "IN-1".into(),
        package: None,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let link = dir.path().join("reader");
    // Three Metrc tags in the field: t(0) (not on the manifest), t(1) and t(2).
    let sim = RfidSimulator::start(&link, RfidConfig::new(RfidProtocol::Chafon288, 3))
        .expect("the RFID simulator");
    let mut reader = open_session(&profile(RfidProtocol::Chafon288.profile_id()), &link);
    let mut outcomes: Vec<ScanOutcome> = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    let mut out = Vec::new();
    while outcomes.len() < 6 {
        assert!(Instant::now() < deadline, "only {outcomes:?}");
        reader
            .step(Duration::from_millis(50), &mut out)
            .expect("the reader session runs");
        for event in out.drain(..) {
            let DriverEvent::Device(event @ DeviceEvent::TagRead { .. }) = event else {
                continue;
            };
            let input = DeviceInput {
                device: "reader-1".into(),
                event,
            };
            let step = floor
                .handle(&mut f.replica, &who, &mut screen, &input)
                .unwrap();
            match &step.outcome {
                Outcome::Arrived(arrived) => {
                    let first_time = !matches!(arrived, ScanOutcome::Duplicate { .. });
                    assert_eq!(step.recorded.len(), usize::from(first_time));
                    if first_time {
                        assert_eq!(signed_kinds(&f, &step), ["package_arrived"]);
                    }
                    outcomes.push(arrived.clone());
                }
                other => panic!("{other:?}"),
            }
        }
    }
    let mut stop = Vec::new();
    reader.stop_inventory(&mut stop).expect("inventory stops");
    sim.stop();
    // Each tag arrived once (later rounds read it again: a duplicate, nothing recorded).
    let mut first: Vec<ScanOutcome> = outcomes
        .into_iter()
        .filter(|o| !matches!(o, ScanOutcome::Duplicate { .. }))
        .collect();
    first.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(
        first,
        [
            ScanOutcome::Expected {
                uid: t(1),
                sku: "SKU-FLOWER".into()
            },
            ScanOutcome::Expected {
                uid: t(2),
                sku: "SKU-FLOWER".into()
            },
            ScanOutcome::Unexpected { uid: t(0) },
        ]
    );
}

#[test]
fn counting_takes_scans_weights_and_tag_reads_from_real_devices() {
    let mut f = fixture();
    f.stock(vec![
        active(&t(1), "CART", "CA-L1", Quantity::Units(10), "SHELF-1"),
        active(
            &t(3),
            "FLOWER",
            "FL-L1",
            Quantity::Milligrams(5_000),
            "SHELF-1",
        ),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-1".into(),
            locations: vec!["SHELF-1".into()],
            items: vec![],
            assigned_to: None,
        }),
    ]);
    let who = sign_in(&mut f);
    let cv = f.replica.counting_view().unwrap();
    f.replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &who, "CT-1"))
        .unwrap();
    drop(cv);
    let floor = floor();
    let mut screen = Screen::Counting {
        task: "CT-1".into(),
        location: "SHELF-1".into(),
        package: None,
    };

    // The weighed package's barcode, then its stable weight from the scale simulator.
    let mut scanner = Scanner::plug_in();
    let scan = scanner.scan(format!("]C0{}", t(3)).as_bytes());
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan)
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::CountScanned(Scanned::Found {
            uid: t(3),
            weighed: true
        })
    );
    assert!(step.recorded.is_empty(), "a scan alone records nothing");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let link = dir.path().join("scale");
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Settling);
    config.base_divisions = 500;
    let sim = ScaleSimulator::start(&link, config).expect("the scale simulator");
    let mut scale = open_session(&profile(ScaleProtocol::MtSics.profile_id()), &link);
    let step = loop {
        let input = DeviceInput {
            device: "scale-1".into(),
            event: next_event(&mut scale),
        };
        let step = floor
            .handle(&mut f.replica, &who, &mut screen, &input)
            .unwrap();
        if !matches!(
            step.outcome,
            Outcome::Ignored(Ignored::NotAStableWeight(_) | Ignored::DeviceMessage(_))
        ) {
            break step;
        }
        assert!(step.recorded.is_empty());
    };
    sim.stop();
    assert_eq!(step.outcome, Outcome::CountEntered(Entered::Recorded));
    assert_eq!(
        signed_kinds(&f, &step),
        ["weight_recorded", "count_line_recorded"]
    );
    assert!(matches!(screen, Screen::Counting { package: None, .. }));

    // Tag reads from the RFID reader simulator (tags t(0), t(1), t(2)): each found once.
    let link = dir.path().join("reader");
    let sim = RfidSimulator::start(&link, RfidConfig::new(RfidProtocol::M100, 3))
        .expect("the RFID simulator");
    let mut reader = open_session(&profile(RfidProtocol::M100.profile_id()), &link);
    let mut new = 0;
    let deadline = Instant::now() + DEADLINE;
    let mut out = Vec::new();
    while new < 3 {
        assert!(Instant::now() < deadline, "only {new} tags found");
        reader
            .step(Duration::from_millis(50), &mut out)
            .expect("the reader session runs");
        for event in out.drain(..) {
            let DriverEvent::Device(event @ DeviceEvent::TagRead { .. }) = event else {
                continue;
            };
            let input = DeviceInput {
                device: "reader-1".into(),
                event,
            };
            let step = floor
                .handle(&mut f.replica, &who, &mut screen, &input)
                .unwrap();
            match &step.outcome {
                Outcome::Swept(tally) if tally.new == 1 => {
                    assert_eq!(signed_kinds(&f, &step), ["count_sweep_recorded"]);
                    new += 1;
                }
                Outcome::Swept(tally) => {
                    assert_eq!(tally.duplicates, 1);
                    assert!(step.recorded.is_empty());
                }
                other => panic!("{other:?}"),
            }
        }
    }
    let mut stop = Vec::new();
    reader.stop_inventory(&mut stop).expect("inventory stops");
    sim.stop();
}

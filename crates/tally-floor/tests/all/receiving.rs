//! The receiving screen through the floor layer on a real SQLite replica: the manifests
//! waiting, a sheet's progress as cases arrive (expected, unexpected, duplicate), the steps a
//! person keys (void a mis-scan, accept at another quantity, reject, quarantine), and the
//! close with its discrepancy list.

use crate::common::*;
use tally_drivers::event::DeviceEvent;
use tally_events::payload::{InboundManifestIssued, ManifestLine, PackageStatus};
use tally_events::{Payload, Quantity};
use tally_floor::receiving::{self, Decision};
use tally_floor::{DeviceInput, Floor, Outcome, Screen};
use tally_ids::Date;
use tally_replica::workflow::receiving::ScanOutcome;
use tally_replica::{Refusal, ReplicaError};

fn with_manifest() -> Fixture {
    let mut f = fixture();
    let mut events = vec![
        package(
            &t(1),
            "FLOWER",
            "FL-L1",
            Quantity::Milligrams(453_592),
            "DOCK-1",
            PackageStatus::InTransit,
        ),
        package(
            &t(2),
            "CART",
            "CA-L1",
            Quantity::Units(50),
            "DOCK-1",
            PackageStatus::InTransit,
        ),
        package(
            &t(3),
            "GUMMY",
            "GU-L1",
            Quantity::Units(20),
            "DOCK-1",
            PackageStatus::InTransit,
        ),
    ];
    events.push(Payload::InboundManifestIssued(InboundManifestIssued {
        manifest_id: "IN-1".into(),
        origin_license: "403-X1".into(),
        destination_license: "403R-1".into(),
        driver: "Dana".into(),
        vehicle: "CO-1".into(),
        lines: vec![
            ManifestLine {
                uid: t(1),
                item_id: "FLOWER".into(),
                quantity: Quantity::Milligrams(453_592),
                weight_mg: Some(453_592),
            },
            ManifestLine {
                uid: t(2),
                item_id: "CART".into(),
                quantity: Quantity::Units(50),
                weight_mg: Some(62_000),
            },
            ManifestLine {
                uid: t(3),
                item_id: "GUMMY".into(),
                quantity: Quantity::Units(20),
                weight_mg: Some(40_000),
            },
        ],
    }));
    f.replica.record("ADMIN", events).unwrap();
    f
}

fn scan(text: &str) -> DeviceInput {
    DeviceInput {
        device: "scanner-1".into(),
        event: DeviceEvent::scan(text.as_bytes().to_vec()),
    }
}

#[test]
fn a_manifest_is_received_case_by_case_and_closes_with_its_discrepancy_list() {
    let mut f = with_manifest();
    let who = f.session("B1", "1111");
    let floor = Floor::new(Date::new(2026, 11, 24).unwrap());
    let waiting = receiving::manifests(f.replica.view()).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].id.as_str(), waiting[0].lines, waiting[0].arrived),
        ("IN-1", 3, 0)
    );
    let mut screen = Screen::Receiving {
        manifest: "IN-1".into(),
        package: None,
    };
    let mut arrived = Vec::new();
    for uid in [t(1), t(2), t(99), t(1), t(98)] {
        let step = floor
            .handle(&mut f.replica, &who, &mut screen, &scan(&uid))
            .unwrap();
        let Outcome::Arrived(outcome) = step.outcome else {
            panic!("{step:?}")
        };
        arrived.push(outcome);
    }
    assert!(matches!(arrived[0], ScanOutcome::Expected { .. }));
    assert_eq!(arrived[2], ScanOutcome::Unexpected { uid: t(99) });
    assert_eq!(arrived[3], ScanOutcome::Duplicate { uid: t(1) });
    let sheet = receiving::sheet(f.replica.view(), "IN-1").unwrap();
    assert_eq!(
        (sheet.lines, sheet.arrived, sheet.unexpected, sheet.decided),
        (3, 2, 2, 0)
    );
    assert_eq!(
        sheet.cases.len(),
        5,
        "three lines and two cases not on the manifest"
    );
    assert!(
        !sheet.cases[2].arrived && sheet.cases[2].uid == t(3),
        "{:?}",
        sheet.cases
    );
    // t(98) was a mis-scan: voided, it leaves the sheet.
    let step = floor
        .decide_case(
            &mut f.replica,
            &who,
            "IN-1",
            &t(98),
            &Decision::Void {
                reason: "ENTRY-ERROR".into(),
            },
        )
        .unwrap();
    assert_eq!(step.outcome, Outcome::Voided { uid: t(98) });
    assert_eq!(step.recorded.len(), 1);
    assert_eq!(
        receiving::sheet(f.replica.view(), "IN-1")
            .unwrap()
            .unexpected,
        1
    );
    // Closing with undecided cases is the core's refusal; nothing is recorded.
    let before = f.events();
    let err = floor
        .close_manifest(&mut f.replica, &who, "IN-1")
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReplicaError::Refused(Refusal::Undecided { count: 3, .. })
        ),
        "{err}"
    );
    assert_eq!(f.events(), before);
    floor
        .quarantine_cases(&mut f.replica, &who, "IN-1", &[t(99)], "NOT-ON-MANIFEST")
        .unwrap();
    floor
        .decide_case(&mut f.replica, &who, "IN-1", &t(1), &Decision::Accept)
        .unwrap();
    floor
        .decide_case(
            &mut f.replica,
            &who,
            "IN-1",
            &t(2),
            &Decision::AcceptAt {
                received: Quantity::Units(48),
                reason: "DAMAGE".into(),
            },
        )
        .unwrap();
    floor
        .decide_case(
            &mut f.replica,
            &who,
            "IN-1",
            &t(99),
            &Decision::Reject {
                reason: "NOT-ON-MANIFEST".into(),
            },
        )
        .unwrap();
    let sheet = receiving::sheet(f.replica.view(), "IN-1").unwrap();
    assert_eq!(sheet.decided, 3);
    let step = floor.close_manifest(&mut f.replica, &who, "IN-1").unwrap();
    let Outcome::Closed(closed) = step.outcome else {
        panic!("{:?}", step.outcome)
    };
    assert_eq!(closed.summary.missing, vec![t(3)]);
    assert_eq!(closed.summary.unexpected, vec![t(99)]);
    let rows: Vec<(String, Option<Quantity>, Option<Quantity>, String)> = closed
        .discrepancies
        .iter()
        .map(|d| {
            (
                d.uid.clone(),
                d.manifest_quantity,
                d.received_quantity,
                d.reason.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                t(2),
                Some(Quantity::Units(50)),
                Some(Quantity::Units(48)),
                "DAMAGE".into()
            ),
            (t(3), Some(Quantity::Units(20)), None, "MISSING".into()),
            (t(99), None, None, "NOT-ON-MANIFEST".into()),
        ]
    );
    assert!(
        receiving::manifests(f.replica.view()).unwrap().is_empty(),
        "closed manifests are not waiting"
    );
}

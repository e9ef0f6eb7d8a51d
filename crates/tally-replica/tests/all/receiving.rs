//! Receiving, moves and the replica's recording guarantees, against a real SQLite file.

use tally_events::payload::PackageStatus;
use tally_events::{MassUnit, Payload, Quantity};
use tally_replica::refusal::{Check, Language};
use tally_replica::workflow::moves;
use tally_replica::workflow::receiving::{self, Label, ScanOutcome};
use tally_replica::{Refusal, ReplicaError};
use tally_testkit::*;
use tally_vocab::DateError;

#[test]
fn sign_in_checks_badge_and_pin_and_records_the_session() {
    let mut f = fixture();
    let before = f.events();
    let err = f.replica.sign_in("B1", "0000");
    assert_eq!(refusal(err), Refusal::SignInRefused { badge: "B1".into() });
    let err = f.replica.sign_in("B9", "1111");
    assert_eq!(refusal(err), Refusal::SignInRefused { badge: "B9".into() });
    assert_eq!(f.events(), before, "a refused sign-in records nothing");
    let who = f.session("B1", "1111");
    assert_eq!(who.badge, "B1");
    assert_eq!(f.events(), before + 1);
}

#[test]
fn scans_are_expected_unexpected_or_duplicate() {
    let mut f = with_manifest();
    f.session("B1", "1111"); // signed in: the receiver acting below
    let opened = f
        .replica
        .act("B1", |v| receiving::open(v, "IN-1"))
        .unwrap()
        .0;
    assert_eq!((opened.lines, opened.scanned), (3, 0));
    let (first, recorded) = f
        .replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(1))))
        .unwrap();
    assert!(matches!(first, ScanOutcome::Expected { ref sku, .. } if sku == "SKU-FLOWER"));
    assert_eq!(recorded.len(), 1);
    // The package is on the dock, on hold until accepted.
    assert_eq!(
        f.package(&t(1)),
        ("on_hold".into(), Some("DOCK-1".into()), 453_592)
    );
    let before = f.events();
    let (again, recorded) = f
        .replica
        .act("B1", |v| {
            receiving::scan(v, "IN-1", &id_of(&t(1).to_lowercase()))
        })
        .unwrap();
    assert_eq!(again, ScanOutcome::Duplicate { uid: t(1) });
    assert!(recorded.is_empty());
    assert_eq!(f.events(), before, "a duplicate scan records nothing");
    let (stranger, _) = f
        .replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(99))))
        .unwrap();
    assert_eq!(stranger, ScanOutcome::Unexpected { uid: t(99) });
    let err = f
        .replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of("HELLO")));
    assert!(matches!(refusal(err), Refusal::NotATag { .. }));
    let err = f
        .replica
        .act("B1", |v| receiving::scan(v, "IN-404", &id_of(&t(1))));
    assert!(matches!(refusal(err), Refusal::UnknownManifest { .. }));
}

#[test]
fn weighing_against_the_manifest_within_tolerance() {
    let mut f = with_manifest();
    f.session("B1", "1111"); // signed in: the receiver acting below
    f.replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(1))))
        .unwrap();
    // 1 lb on the manifest = 453,592 mg; tolerance 500 mg.
    let (ok, _) = f
        .replica
        .act("B1", |v| {
            receiving::weigh(v, "IN-1", &tag_of(&t(1)), &reading("453.90", true), TODAY)
        })
        .unwrap();
    assert!(ok.within, "{ok:?}");
    assert_eq!(
        (ok.expected_mg, ok.actual_mg, ok.tolerance_mg),
        (453_592, 453_900, 500)
    );
    let (off, _) = f
        .replica
        .act("B1", |v| {
            receiving::weigh(v, "IN-1", &tag_of(&t(1)), &reading("452.00", true), TODAY)
        })
        .unwrap();
    assert!(!off.within);
    let before = f.events();
    let err = f.replica.act("B1", |v| {
        receiving::weigh(v, "IN-1", &tag_of(&t(1)), &reading("453.59", false), TODAY)
    });
    assert_eq!(refusal(err), Refusal::UnstableReading);
    let mut old = reading("453.59", true);
    old.scale_id = "SCALE-OLD".into();
    let err = f.replica.act("B1", |v| {
        receiving::weigh(v, "IN-1", &tag_of(&t(1)), &old, TODAY)
    });
    assert!(matches!(refusal(err), Refusal::CalibrationOverdue { .. }));
    // Dates are compared as dates: an unpadded "today" is not read as text (as text,
    // "2027-06-30" < "2027-1-15" would call a scale due in June overdue in January).
    let err = f.replica.act("B1", |v| {
        receiving::weigh(
            v,
            "IN-1",
            &tag_of(&t(1)),
            &reading("453.59", true),
            "2027-1-15",
        )
    });
    assert!(
        matches!(err, Err(ReplicaError::Date(DateError::NotIso { ref text })) if text == "2027-1-15"),
        "{err:?}"
    );
    let mut unknown = reading("453.59", true);
    unknown.scale_id = "KITCHEN".into();
    let err = f.replica.act("B1", |v| {
        receiving::weigh(v, "IN-1", &tag_of(&t(1)), &unknown, TODAY)
    });
    assert!(matches!(refusal(err), Refusal::UnknownScale { .. }));
    // A scale set to troy ounces prints a mass, but no event can record that unit.
    let mut troy = reading("14.58", true);
    troy.unit = MassUnit::Ozt;
    let err = f.replica.act("B1", |v| {
        receiving::weigh(v, "IN-1", &tag_of(&t(1)), &troy, TODAY)
    });
    assert_eq!(
        refusal(err),
        Refusal::UnitNotRecorded {
            unit: MassUnit::Ozt
        }
    );
    let err = f.replica.act("B1", |v| {
        receiving::weigh(v, "IN-1", &tag_of(&t(2)), &reading("62.00", true), TODAY)
    });
    assert!(matches!(refusal(err), Refusal::NotScanned { .. }));
    assert_eq!(f.events(), before, "refused weighings record nothing");
    // The last reading was out of tolerance: accepting is refused until quarantined.
    let err = f
        .replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(1))));
    assert!(
        refusal(err)
            == Refusal::FailedCheck {
                uid: t(1),
                check: Check::Weight
            }
    );
}

/// The verdict the receiver is shown and the one the view records (and a replay reaches) are
/// one computation: at each edge of the tolerance, gross and net, they agree.
#[test]
fn the_weight_verdict_shown_is_the_one_recorded() {
    let mut f = with_manifest();
    f.session("B1", "1111"); // signed in: the receiver acting below
    f.replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(1))))
        .unwrap();
    // 1 lb on the manifest = 453,592 mg; tolerance 500 mg.
    for (value, within) in [
        ("453.092", true),
        ("453.091", false),
        ("454.092", true),
        ("454.093", false),
    ] {
        for net in [true, false] {
            let mut r = reading(value, true);
            r.net = net;
            let (shown, _) = f
                .replica
                .act("B1", |v| {
                    receiving::weigh(v, "IN-1", &tag_of(&t(1)), &r, TODAY)
                })
                .unwrap();
            let recorded: Option<bool> = f
                .replica
                .view()
                .query_row(
                    "SELECT weight_ok FROM inbound_receipts WHERE manifest_id = 'IN-1' AND uid = ?1",
                    [t(1)],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(recorded, Some(shown.within), "{value} net={net}: {shown:?}");
            if net {
                assert_eq!(shown.within, within, "{value}: {shown:?}");
            }
        }
    }
}

#[test]
fn label_is_checked_against_batch_potency_expiry_and_coa() {
    let mut f = with_manifest();
    f.session("B1", "1111"); // signed in: the receiver acting below
    for n in [1, 3] {
        f.replica
            .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(n))))
            .unwrap();
    }
    let good = Label {
        lot: "LOT-FL-L1".into(),
        thc_bp: Some(2_210),
        expires_on: "2027-03-01".into(),
    };
    let (problems, _) = f
        .replica
        .act("B1", |v| {
            receiving::check_label(v, "IN-1", &tag_of(&t(1)), &good)
        })
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let wrong = Label {
        lot: "LOT-FL-L1".into(),
        thc_bp: Some(2_500),
        expires_on: "2027-04-01".into(),
    };
    let (problems, _) = f
        .replica
        .act("B1", |v| {
            receiving::check_label(v, "IN-1", &tag_of(&t(1)), &wrong)
        })
        .unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].to_string().contains("22.10%"), "{problems:?}");
    // The gummies' batch has no COA.
    let label = Label {
        lot: "LOT-GU-L1".into(),
        thc_bp: None,
        expires_on: "2027-05-01".into(),
    };
    let (problems, _) = f
        .replica
        .act("B1", |v| {
            receiving::check_label(v, "IN-1", &tag_of(&t(3)), &label)
        })
        .unwrap();
    assert!(
        problems.iter().any(|p| p.to_string().contains("no COA")),
        "{problems:?}"
    );
    let err = f
        .replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(3))));
    assert_eq!(
        refusal(err),
        Refusal::FailedCheck {
            uid: t(3),
            check: Check::Label
        }
    );
}

#[test]
fn quarantine_a_pallet_then_accept_reject_and_close_with_summary() {
    let mut f = with_manifest();
    f.session("B1", "1111"); // signed in: the receiver acting below
    for n in [1, 2, 99] {
        f.replica
            .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(n))))
            .unwrap();
    }
    let err = f.replica.act("B1", |v| {
        receiving::quarantine(v, "IN-1", &[id_of(&t(1))], "NOPE", "")
    });
    assert!(matches!(refusal(err), Refusal::UnknownReason { .. }));
    let err = f.replica.act("B1", |v| {
        receiving::quarantine(v, "IN-1", &[id_of(&t(1)), id_of(&t(3))], "DAMAGE", "")
    });
    assert!(
        matches!(refusal(err), Refusal::NotScanned { .. }),
        "t(3) was never scanned"
    );
    assert_eq!(
        f.package(&t(1)).0,
        "on_hold",
        "nothing of the refused pallet was quarantined"
    );
    let (pallet, recorded) = f
        .replica
        .act("B1", |v| {
            receiving::quarantine(
                v,
                "IN-1",
                &[id_of(&t(1)), id_of(&t(2)), id_of(&t(1))],
                "DAMAGE",
                "crushed corner",
            )
        })
        .unwrap();
    assert_eq!(pallet, vec![t(1), t(2)]);
    assert_eq!(recorded.len(), 2, "one event per case, one transaction");
    assert_eq!(f.package(&t(1)).0, "quarantined");
    assert_eq!(f.package(&t(2)).1.as_deref(), Some("QC-01"));
    // Unexpected packages cannot be accepted.
    let err = f
        .replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(99))));
    assert!(matches!(refusal(err), Refusal::NotOnManifest { .. }));
    // Closing with undecided lines is refused.
    let err = f.replica.act("B1", |v| receiving::close(v, "IN-1"));
    assert!(matches!(refusal(err), Refusal::Undecided { count: 3, .. }));
    f.replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(1))))
        .unwrap();
    f.replica
        .act("B1", |v| {
            receiving::reject(v, "IN-1", &tag_of(&t(2)), "DAMAGE")
        })
        .unwrap();
    f.replica
        .act("B1", |v| {
            receiving::reject(v, "IN-1", &tag_of(&t(99)), "NOT-ON-MANIFEST")
        })
        .unwrap();
    let err = f
        .replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(1))));
    assert!(matches!(refusal(err), Refusal::AlreadyDecided { .. }));
    // Accepted while quarantined: it stays in the cage, quarantined.
    assert_eq!(
        f.package(&t(1)),
        ("quarantined".into(), Some("QC-01".into()), 453_592)
    );
    // Rejected: back on the truck.
    assert_eq!(f.package(&t(2)), ("in_transit".into(), None, 50));
    let (summary, _) = f
        .replica
        .act("B1", |v| receiving::close(v, "IN-1"))
        .unwrap();
    assert_eq!(summary.missing, vec![t(3)]);
    assert_eq!(summary.unexpected, vec![t(99)]);
    assert_eq!(
        (summary.accepted, summary.rejected, summary.quarantined),
        (1, 2, 2)
    );
    let err = f
        .replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(3))));
    assert!(matches!(
        refusal(err),
        Refusal::ManifestAlreadyClosed { .. }
    ));
}

#[test]
fn accepted_stock_is_active_and_can_be_put_away() {
    let mut f = with_manifest();
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(2))))
        .unwrap();
    f.replica
        .act("B1", |v| {
            receiving::weigh(v, "IN-1", &tag_of(&t(2)), &reading("62.10", true), TODAY)
        })
        .unwrap();
    f.replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(2))))
        .unwrap();
    assert_eq!(f.package(&t(2)).0, "active");
    let (moved, _) = f
        .replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(2)), "SHELF-1")
        })
        .unwrap();
    assert_eq!(
        (moved.from.as_deref(), moved.to.as_str()),
        (Some("DOCK-1"), "SHELF-1")
    );
    assert_eq!(f.package(&t(2)).1.as_deref(), Some("SHELF-1"));
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &who, &id_of(&t(2)), "SHELF-1")
    });
    assert!(matches!(refusal(err), Refusal::AlreadyThere { .. }));
}

#[test]
fn moves_refuse_quarantined_stock_into_sellable_locations() {
    let mut f = fixture();
    f.stock(vec![
        package(
            &t(10),
            "CART",
            "CA-L1",
            Quantity::Units(5),
            "QC-01",
            PackageStatus::Quarantined,
        ),
        package(
            &t(11),
            "CART",
            "CA-L3",
            Quantity::Units(5),
            "VAULT-A",
            PackageStatus::OnHold,
        ),
        package(
            &t(12),
            "CART",
            "CA-L1",
            Quantity::Units(5),
            "VAULT-A",
            PackageStatus::Destroyed,
        ),
    ]);
    let who = f.session("B1", "1111");
    let before = f.events();
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &who, &id_of(&t(10)), "SHELF-1")
    });
    assert_eq!(
        refusal(err),
        Refusal::QuarantinedIntoSellable {
            uid: t(10),
            status: PackageStatus::Quarantined,
            location: "SHELF-1".into()
        }
    );
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &who, &id_of(&t(11)), "SHELF-1")
    });
    assert!(matches!(
        refusal(err),
        Refusal::QuarantinedIntoSellable { .. }
    ));
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &who, &id_of(&t(12)), "QC-01")
    });
    assert!(matches!(refusal(err), Refusal::WrongStatus { .. }));
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &who, &id_of(&t(10)), "NOWHERE")
    });
    assert!(matches!(refusal(err), Refusal::UnknownLocation { .. }));
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &who, &id_of(&t(77)), "QC-01")
    });
    assert!(matches!(refusal(err), Refusal::UnknownPackage { .. }));
    assert_eq!(f.events(), before);
    // Held stock may go to the cage.
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &who, &id_of(&t(11)), "QC-01")
        })
        .unwrap();
    assert_eq!(f.package(&t(11)).1.as_deref(), Some("QC-01"));
    let message = Refusal::QuarantinedIntoSellable {
        uid: t(10),
        status: PackageStatus::Quarantined,
        location: "SHELF-1".into(),
    }
    .to_string();
    assert!(message.contains("quarantine cage"), "{message}");
    let spanish = Refusal::QuarantinedIntoSellable {
        uid: t(10),
        status: PackageStatus::Quarantined,
        location: "SHELF-1".into(),
    }
    .message(Language::Spanish);
    assert!(
        spanish.contains("jaula de cuarentena") && spanish.contains(&t(10)),
        "{spanish}"
    );
}

/// A failed calibration check blocks weighing on that scale while receiving, with a refusal
/// that says what to do (English and Spanish); a passing check lifts it.
#[test]
fn a_failed_calibration_check_blocks_receiving_weighings_on_that_scale() {
    use tally_events::payload::{CheckResult, ScaleCalibrationChecked};
    use tally_events::{Language, MassUnit};
    let mut f = with_manifest();
    f.session("B1", "1111"); // signed in: the receiver acting below
    f.replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(1))))
        .unwrap();
    let check = |result| {
        Payload::ScaleCalibrationChecked(ScaleCalibrationChecked {
            scale_id: "SCALE-01".into(),
            reference_value: "500.00".into(),
            reference_unit: MassUnit::G,
            reading_value: "500.40".into(),
            reading_unit: MassUnit::G,
            result,
        })
    };
    f.replica
        .record("S1", vec![check(CheckResult::Fail)])
        .unwrap();
    let before = f.events();
    let err = f.replica.act("B1", |v| {
        receiving::weigh(v, "IN-1", &tag_of(&t(1)), &reading("453.90", true), TODAY)
    });
    let refused = refusal(err);
    assert_eq!(
        refused,
        Refusal::CalibrationCheckFailed {
            scale: "SCALE-01".into()
        }
    );
    assert_eq!(f.events(), before, "nothing recorded");
    let en = refused.message(Language::English);
    assert!(
        en.contains("failed its last calibration check") && en.contains("use another scale"),
        "{en}"
    );
    let es = refused.message(Language::Spanish);
    assert!(
        es.contains("SCALE-01") && es.contains("use otra báscula"),
        "{es}"
    );
    f.replica
        .record("S1", vec![check(CheckResult::Pass)])
        .unwrap();
    f.replica
        .act("B1", |v| {
            receiving::weigh(v, "IN-1", &tag_of(&t(1)), &reading("453.90", true), TODAY)
        })
        .unwrap();
}

#[test]
fn a_line_accepted_at_another_quantity_keeps_the_manifest_quantity_and_the_reason() {
    let mut f = with_manifest();
    f.session("B1", "1111");
    for n in [1, 2] {
        f.replica
            .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(n))))
            .unwrap();
    }
    let before = f.events();
    // A weight for a counted line, an unknown reason, a zero: refused, nothing recorded.
    let err = f.replica.act("B1", |v| {
        receiving::accept_different(
            v,
            "IN-1",
            &tag_of(&t(2)),
            Quantity::Milligrams(5),
            "DAMAGE",
            "",
        )
    });
    assert_eq!(refusal(err), Refusal::WrongUnit { weighed: false });
    let err = f.replica.act("B1", |v| {
        receiving::accept_different(v, "IN-1", &tag_of(&t(2)), Quantity::Units(48), "NOPE", "")
    });
    assert!(matches!(refusal(err), Refusal::UnknownReason { .. }));
    let err = f.replica.act("B1", |v| {
        receiving::accept_different(v, "IN-1", &tag_of(&t(2)), Quantity::Units(0), "DAMAGE", "")
    });
    assert_eq!(refusal(err), Refusal::WrongUnit { weighed: false });
    assert_eq!(f.events(), before, "refusals record nothing");
    let (_, recorded) = f
        .replica
        .act("B1", |v| {
            receiving::accept_different(
                v,
                "IN-1",
                &tag_of(&t(2)),
                Quantity::Units(48),
                "DAMAGE",
                "two cartridges broken",
            )
        })
        .unwrap();
    assert_eq!(
        kinds(&f, &recorded),
        vec![32, 277],
        "the line received and its difference, one action"
    );
    // The package holds what was received; the difference keeps the manifest's quantity.
    assert_eq!(
        f.package(&t(2)),
        ("active".into(), Some("DOCK-1".into()), 48)
    );
    let conn = rusqlite::Connection::open(f.db()).unwrap();
    let row: (i64, String, i64, String, String, String) = conn
        .query_row(
            "SELECT manifest_amount, manifest_unit, received_amount, received_unit, reason_code, note
             FROM inbound_differences WHERE manifest_id = 'IN-1' AND uid = ?1",
            [t(2)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            50,
            "each".into(),
            48,
            "each".into(),
            "DAMAGE".into(),
            "two cartridges broken".into()
        )
    );
    // The same quantity as the manifest is a plain accept: no difference recorded.
    let (_, recorded) = f
        .replica
        .act("B1", |v| {
            receiving::accept_different(
                v,
                "IN-1",
                &tag_of(&t(1)),
                Quantity::Milligrams(453_592),
                "DAMAGE",
                "",
            )
        })
        .unwrap();
    assert_eq!(kinds(&f, &recorded), vec![32]);
    let err = f.replica.act("B1", |v| {
        receiving::accept_different(v, "IN-1", &tag_of(&t(2)), Quantity::Units(47), "DAMAGE", "")
    });
    assert!(matches!(refusal(err), Refusal::AlreadyDecided { .. }));
}

#[test]
fn a_mis_scan_is_voided_by_an_event_and_leaves_the_receipts() {
    let mut f = with_manifest();
    f.session("B1", "1111");
    let mut arrivals = Vec::new();
    for n in [1, 99] {
        let (_, recorded) = f
            .replica
            .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(n))))
            .unwrap();
        arrivals.push(recorded[0]);
    }
    let err = f.replica.act("B1", |v| {
        receiving::void_arrival(v, "IN-1", &tag_of(&t(3)), "ENTRY-ERROR", "")
    });
    assert!(
        matches!(refusal(err), Refusal::NotScanned { .. }),
        "never scanned"
    );
    let (voided, recorded) = f
        .replica
        .act("B1", |v| {
            receiving::void_arrival(v, "IN-1", &tag_of(&t(99)), "ENTRY-ERROR", "wrong truck")
        })
        .unwrap();
    assert_eq!(voided, t(99));
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        kinds(&f, &recorded),
        vec![99],
        "the void is an event_voided"
    );
    let conn = rusqlite::Connection::open(f.db()).unwrap();
    let (seq, hash): (i64, Vec<u8>) = conn
        .query_row("SELECT seq, hash FROM voided", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        seq as u64, arrivals[1].seq,
        "it voids that scan's arrival and no other"
    );
    assert_eq!(hash, arrivals[1].hash.0.to_vec());
    // The case is off the receipts: scanning it again is an arrival again, not a duplicate,
    // and closing does not list it as unexpected.
    let (again, _) = f
        .replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(99))))
        .unwrap();
    assert_eq!(again, ScanOutcome::Unexpected { uid: t(99) });
    f.replica
        .act("B1", |v| {
            receiving::void_arrival(v, "IN-1", &tag_of(&t(99)), "ENTRY-ERROR", "")
        })
        .unwrap();
    // A weighed case has records that stand: voiding it is refused; it is rejected instead.
    f.replica
        .act("B1", |v| {
            receiving::weigh(v, "IN-1", &tag_of(&t(1)), &reading("453.90", true), TODAY)
        })
        .unwrap();
    let before = f.events();
    let err = f.replica.act("B1", |v| {
        receiving::void_arrival(v, "IN-1", &tag_of(&t(1)), "ENTRY-ERROR", "")
    });
    assert_eq!(refusal(err), Refusal::ArrivalHasRecords { uid: t(1) });
    assert_eq!(f.events(), before);
    f.replica
        .act("B1", |v| receiving::accept(v, "IN-1", &tag_of(&t(1))))
        .unwrap();
    let (summary, _) = f
        .replica
        .act("B1", |v| receiving::close(v, "IN-1"))
        .unwrap_or_else(|e| panic!("close: {e}"));
    assert!(summary.unexpected.is_empty(), "{summary:?}");
    assert_eq!(summary.missing, vec![t(2), t(3)]);
}

/// The payload kinds of recorded events, from the log.
fn kinds(f: &Fixture, recorded: &[tally_replica::Recorded]) -> Vec<u16> {
    let conn = rusqlite::Connection::open(f.db()).unwrap();
    recorded
        .iter()
        .map(|r| {
            conn.query_row(
                "SELECT kind FROM event_log WHERE seq = ?1",
                [r.seq as i64],
                |row| row.get(0),
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn a_label_check_records_its_problems_in_english_and_says_them_in_spanish_too() {
    use tally_replica::refusal::Message;
    let mut f = with_manifest();
    f.session("B1", "1111");
    f.replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(1))))
        .unwrap();
    let wrong = Label {
        lot: "LOT-FL-L1".into(),
        thc_bp: Some(2_500),
        expires_on: "2027-04-01".into(),
    };
    let (problems, recorded) = f
        .replica
        .act("B1", |v| {
            receiving::check_label(v, "IN-1", &tag_of(&t(1)), &wrong)
        })
        .unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        problems,
        [
            receiving::LabelProblem::ThcMismatch {
                printed_bp: 2_500,
                tested_bp: 2_210
            },
            receiving::LabelProblem::ExpiryMismatch {
                printed: "2027-04-01".into(),
                expiry: "2027-03-01".into()
            },
        ]
    );
    // The signed event holds the English words, exactly as before the problems were typed;
    // never the Spanish.
    let mut log = Vec::new();
    f.replica.export_log(&mut log).unwrap();
    let log = String::from_utf8_lossy(&log);
    for english in [
        "label THC 25.00% does not match the COA 22.10%",
        "label expiry 2027-04-01 is not 2027-03-01",
    ] {
        assert!(log.contains(english), "{english} is recorded");
    }
    for problem in &problems {
        let spanish = problem.message(Language::Spanish);
        assert_ne!(spanish, problem.to_string());
        assert!(!log.contains(&spanish), "{spanish} is not recorded");
    }
}

#[test]
fn every_label_problem_has_spanish_of_its_own() {
    use tally_replica::refusal::Message;
    for problem in tally_testkit::catalogue::every_label_problem() {
        let english = problem.message(Language::English);
        let spanish = problem.message(Language::Spanish);
        assert_eq!(english, problem.to_string(), "Display is the English");
        assert!(!spanish.is_empty(), "{problem:?}");
        assert_ne!(spanish, english, "{problem:?}");
    }
}

//! Picking, loading reconciliation, destruction and lookup against a real SQLite file.

use tally_events::payload::{CountTaskIssued, ManifestLine, OutboundManifestIssued, PackageStatus};
use tally_events::{Payload, Quantity};
use tally_replica::refusal::ReasonKind;
use tally_replica::workflow::destruction::{self, Destruction};
use tally_replica::workflow::lookup::{self, Found};
use tally_replica::workflow::picking::Pick;
use tally_replica::workflow::{count, loading, picking};
use tally_replica::{Refusal, ReplicaError};
use tally_testkit::*;

#[test]
fn picking_walks_in_location_order_and_enforces_item_fefo_and_status() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let walk = picking::walk(f.replica.view(), "PL-1", TODAY).unwrap();
    assert_eq!(
        walk.iter().map(|s| s.line_no).collect::<Vec<_>>(),
        vec![2, 1],
        "SHELF-2 before VAULT-A"
    );
    assert_eq!(
        walk[0].take.as_ref().unwrap().uid,
        t(2),
        "earliest expiry first"
    );
    // Expired stock is never offered and never picked.
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(7)),
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert_eq!(
        refusal(err),
        Refusal::Expired {
            uid: t(7),
            expiry: "2026-10-01".into()
        }
    );
    let before = f.events();
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(1)),
                quantity: Quantity::Units(4),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert_eq!(
        refusal(err),
        Refusal::NotFefo {
            uid: t(1),
            take_uid: t(2),
            take_lot: "LOT-CA-L2".into(),
            take_expiry: "2027-02-01".into(),
            take_location: "SHELF-2".into()
        }
    );
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(6)),
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(matches!(refusal(err), Refusal::WrongItem { .. }));
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 1,
                scan: &id_of(&t(4)),
                quantity: Quantity::Milligrams(1_000),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(matches!(
        refusal(err),
        Refusal::WrongStatus {
            status: PackageStatus::Quarantined,
            ..
        }
    ));
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(5)),
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(matches!(
        refusal(err),
        Refusal::WrongStatus {
            status: PackageStatus::OnHold,
            ..
        }
    ));
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(3)),
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(matches!(refusal(err), Refusal::NoPassedCoa { .. }));
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(2)),
                quantity: Quantity::Units(7),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(matches!(refusal(err), Refusal::MoreThanLine { .. }));
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(2)),
                quantity: Quantity::Milligrams(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(
        matches!(refusal(err), Refusal::WrongUnit { weighed: false }),
        "wrong unit"
    );
    assert_eq!(f.events(), before, "refused picks record nothing");
    // Whole package t(2) into the tote, then part of t(1).
    let (left, _) = f
        .replica
        .act("B1", |v| {
            picking::pick(
                v,
                &who,
                &Pick {
                    pick_list: "PL-1",
                    line_no: 2,
                    scan: &id_of(&t(2)),
                    quantity: Quantity::Units(4),
                    tote: "TOTE-1",
                },
                TODAY,
            )
        })
        .unwrap();
    assert_eq!(left, Quantity::Units(2));
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(1)),
                quantity: Quantity::Units(3),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(
        refusal(err)
            == Refusal::MoreThanLine {
                line_no: 2,
                remaining: Quantity::Units(2)
            }
    );
    f.replica
        .act("B1", |v| {
            picking::pick(
                v,
                &who,
                &Pick {
                    pick_list: "PL-1",
                    line_no: 2,
                    scan: &id_of(&t(1)),
                    quantity: Quantity::Units(2),
                    tote: "TOTE-1",
                },
                TODAY,
            )
        })
        .unwrap();
    assert_eq!(
        f.package(&t(1)).2,
        8,
        "a partial pick leaves the rest in place"
    );
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &id_of(&t(1)),
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert!(matches!(refusal(err), Refusal::LineComplete { .. }));
    // Partial pick of flower then short the rest with a reason.
    f.replica
        .act("B1", |v| {
            picking::pick(
                v,
                &who,
                &Pick {
                    pick_list: "PL-1",
                    line_no: 1,
                    scan: &id_of(&t(6)),
                    quantity: Quantity::Milligrams(2_000),
                    tote: "TOTE-1",
                },
                TODAY,
            )
        })
        .unwrap();
    let err = f
        .replica
        .act("B1", |v| picking::short(v, "PL-1", 1, "BOGUS"));
    assert!(matches!(refusal(err), Refusal::UnknownReason { .. }));
    let (shorted, _) = f
        .replica
        .act("B1", |v| picking::short(v, "PL-1", 1, "SHORT-STOCK"))
        .unwrap();
    assert_eq!(shorted, Quantity::Milligrams(1_000));
    assert!(picking::walk(f.replica.view(), "PL-1", TODAY)
        .unwrap()
        .is_empty());
    // Stage the tote for its route.
    let err = f
        .replica
        .act("B1", |v| picking::stage(v, "TOTE-1", "VAULT-A"));
    assert_eq!(
        refusal(err),
        Refusal::NotAStagingLane {
            location: "VAULT-A".into()
        }
    );
    let err = f
        .replica
        .act("B1", |v| picking::stage(v, "TOTE-9", "LANE-1"));
    assert_eq!(
        refusal(err),
        Refusal::ToteEmpty {
            tote: "TOTE-9".into()
        }
    );
    let (route, _) = f
        .replica
        .act("B1", |v| picking::stage(v, "TOTE-1", "LANE-1"))
        .unwrap();
    assert_eq!(route, "R1");
    assert_eq!(f.package(&t(2)).1.as_deref(), Some("LANE-1"));
}

fn outbound(id: &str, lines: &[(String, u64)]) -> Payload {
    Payload::OutboundManifestIssued(OutboundManifestIssued {
        manifest_id: id.into(),
        origin_license: "403R-1".into(),
        destination_license: "402R-9".into(),
        route_id: "R1".into(),
        driver: "Robin".into(),
        vehicle: "VAN-1".into(),
        lines: lines
            .iter()
            .map(|(uid, n)| ManifestLine {
                uid: uid.clone(),
                item_id: "CART".into(),
                quantity: Quantity::Units(*n),
                weight_mg: None,
            })
            .collect(),
    })
}

#[test]
fn loading_reconciliation_refuses_an_inexact_manifest() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            picking::pick(
                v,
                &who,
                &Pick {
                    pick_list: "PL-1",
                    line_no: 2,
                    scan: &id_of(&t(2)),
                    quantity: Quantity::Units(4),
                    tote: "TOTE-1",
                },
                TODAY,
            )
        })
        .unwrap();
    f.replica
        .act("B1", |v| {
            picking::pick(
                v,
                &who,
                &Pick {
                    pick_list: "PL-1",
                    line_no: 2,
                    scan: &id_of(&t(1)),
                    quantity: Quantity::Units(2),
                    tote: "TOTE-1",
                },
                TODAY,
            )
        })
        .unwrap();
    f.replica
        .act("B1", |v| picking::stage(v, "TOTE-1", "LANE-1"))
        .unwrap();
    f.stock(vec![
        outbound("OUT-1", &[(t(2), 4), (t(1), 2)]),
        outbound("OUT-2", &[(t(2), 4), (t(9), 1)]),
        outbound("OUT-3", &[(t(2), 4), (t(1), 3)]),
    ]);
    let (r, _) = f
        .replica
        .act("B1", |v| loading::reconcile(v, "OUT-2"))
        .unwrap();
    assert_eq!(
        (r.missing.clone(), r.extra.clone()),
        (vec![t(9)], vec![t(1)])
    );
    let before = f.events();
    let err = f.replica.act("B1", |v| loading::mark_ready(v, "OUT-2"));
    assert_eq!(
        refusal(err),
        Refusal::ManifestNotExact {
            manifest: "OUT-2".into(),
            missing: 1,
            extra: 1,
            mismatched: 0
        }
    );
    let err = f.replica.act("B1", |v| loading::mark_ready(v, "OUT-3"));
    assert!(matches!(
        refusal(err),
        Refusal::ManifestNotExact { mismatched: 1, .. }
    ));
    assert_eq!(f.events(), before);
    let (r, _) = f
        .replica
        .act("B1", |v| loading::mark_ready(v, "OUT-1"))
        .unwrap();
    assert!(r.exact());
    let status: String = f
        .replica
        .view()
        .query_row(
            "SELECT status FROM outbound_manifests WHERE id = 'OUT-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "ready");
    let status: String = f
        .replica
        .view()
        .query_row(
            "SELECT status FROM outbound_manifests WHERE id = 'OUT-2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "draft");
}

#[test]
fn destruction_needs_a_stable_weight_a_reason_and_a_different_witness() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let stable = reading("4.98", true);
    let d = |witness: &'static str, pin: &'static str, r: &'static str| (witness, pin, r);
    let before = f.events();
    for (witness, pin, reason, expected) in [
        d("B1", "1111", "DAMAGE"),
        d("S1", "0000", "DAMAGE"),
        d("S1", "4444", "NOPE"),
    ]
    .into_iter()
    .zip([
        Refusal::WitnessIsActor { badge: "B1".into() },
        Refusal::SignInRefused { badge: "S1".into() },
        Refusal::UnknownReason {
            code: "NOPE".into(),
            kind: ReasonKind::Destruction,
        },
    ])
    .map(|((w, p, r), e)| (w, p, r, e))
    {
        // The witness's PIN is checked (and counted) on the device before the step runs.
        let witness = match f.replica.witness(witness, pin) {
            Ok(witness) => witness,
            Err(err) => {
                assert_eq!(refusal::<()>(Err(err)), expected);
                continue;
            }
        };
        let err = f.replica.act("B1", |v| {
            destruction::destroy(
                v,
                &who,
                &Destruction {
                    scan: &id_of(&t(4)),
                    reading: &stable,
                    reason,
                    method: "ground, mixed with litter",
                    witness: &witness,
                },
                TODAY,
            )
        });
        assert_eq!(refusal(err), expected);
    }
    let s1 = f.replica.witness("S1", "4444").unwrap();
    let unstable = reading("4.98", false);
    let err = f.replica.act("B1", |v| {
        destruction::destroy(
            v,
            &who,
            &Destruction {
                scan: &id_of(&t(4)),
                reading: &unstable,
                reason: "DAMAGE",
                method: "ground",
                witness: &s1,
            },
            TODAY,
        )
    });
    assert_eq!(refusal(err), Refusal::UnstableReading);
    assert_eq!(f.events(), before);
    let (done, recorded) = f
        .replica
        .act("B1", |v| {
            destruction::destroy(
                v,
                &who,
                &Destruction {
                    scan: &id_of(&t(4)),
                    reading: &stable,
                    reason: "DAMAGE",
                    method: "ground",
                    witness: &s1,
                },
                TODAY,
            )
        })
        .unwrap();
    assert_eq!(
        (done.quantity, done.weight_mg, done.witness.as_str()),
        (Quantity::Milligrams(4_980), 4_980, "S1")
    );
    assert_eq!(recorded.len(), 3, "witness sign-in, reading, destruction");
    // The destruction points at the reading recorded just before it.
    let bytes: Vec<u8> = f
        .replica
        .view()
        .query_row(
            "SELECT bytes FROM event_log WHERE seq = ?1",
            [recorded[2].seq as i64],
            |r| r.get(0),
        )
        .unwrap();
    let event = tally_events::SignedEvent::from_bytes(bytes).unwrap();
    match event.payload().unwrap() {
        Payload::DestructionRecorded(d) => {
            assert_eq!(d.weight_event_seq, Some(recorded[1].seq));
            assert_eq!(d.witness, "S1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(event.actor(), "B1");
    assert_eq!(f.package(&t(4)), ("destroyed".into(), None, 0));
    let err = f.replica.act("B1", |v| {
        destruction::destroy(
            v,
            &who,
            &Destruction {
                scan: &id_of(&t(4)),
                reading: &stable,
                reason: "DAMAGE",
                method: "ground",
                witness: &s1,
            },
            TODAY,
        )
    });
    assert!(matches!(refusal(err), Refusal::WrongStatus { .. }));
}

#[test]
fn lookup_shows_what_where_status_history_and_redacts_during_counts() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            tally_replica::workflow::moves::move_package(v, &who, &id_of(&t(1)), "SHELF-2")
        })
        .unwrap();
    let Found::Package(info) =
        lookup::lookup(f.replica.view(), &id_of(&t(1).to_lowercase())).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (
            info.sku.as_str(),
            info.status.as_str(),
            info.location_id.as_deref()
        ),
        ("SKU-CART", "active", Some("SHELF-2"))
    );
    assert_eq!(info.quantity, Some(Quantity::Units(10)));
    assert_eq!(info.history[0].kind, "package_moved");
    assert_eq!(info.history[0].actor, "B1");
    assert_eq!(info.history[1].kind, "package_registered");
    assert!(info.history[0].at.ends_with('Z'));
    let Found::Location(shelf) = lookup::lookup(f.replica.view(), &id_of("SHELF-2")).unwrap()
    else {
        panic!()
    };
    assert_eq!(shelf.packages, Some(2));
    // A count opens on SHELF-2: every package's quantity and location are withheld (an
    // answer that differed would tell which packages are expected on SHELF-2).
    f.stock(vec![Payload::CountTaskIssued(CountTaskIssued {
        count_task_id: "CT-9".into(),
        locations: vec!["SHELF-2".into()],
        items: vec![],
        assigned_to: None,
    })]);
    let cv = f.replica.counting_view().unwrap();
    f.replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &who, "CT-9"))
        .unwrap();
    let Found::Package(info) = lookup::lookup(f.replica.view(), &id_of(&t(1))).unwrap() else {
        panic!()
    };
    assert!(info.under_count);
    assert_eq!(info.quantity, None);
    let Found::Location(shelf) = lookup::lookup(f.replica.view(), &id_of("SHELF-2")).unwrap()
    else {
        panic!()
    };
    assert_eq!(shelf.packages, None);
    let Found::Package(info) = lookup::lookup(f.replica.view(), &id_of(&t(6))).unwrap() else {
        panic!()
    };
    assert_eq!((info.quantity, info.location_id), (None, None));
    assert!(info.under_count);
    assert!(matches!(
        refusal(lookup::lookup(f.replica.view(), &id_of(&t(404)))),
        Refusal::UnknownPackage { .. }
    ));
    assert!(matches!(
        refusal(lookup::lookup(f.replica.view(), &id_of("what is this"))),
        Refusal::NotATag { .. }
    ));
}

fn destroy_with(
    f: &mut Fixture,
    who: &tally_replica::workflow::session::Session,
    uid: &str,
    reading: &tally_replica::workflow::scale::Reading,
) -> Result<
    (
        destruction::Destroyed,
        Vec<tally_replica::replica::Recorded>,
    ),
    ReplicaError,
> {
    let witness = f.replica.witness("S1", "4444")?;
    f.replica.act("B1", |v| {
        destruction::destroy(
            v,
            who,
            &Destruction {
                scan: &id_of(uid),
                reading,
                reason: "DAMAGE",
                method: "ground, mixed with litter",
                witness: &witness,
            },
            TODAY,
        )
    })
}

/// Destruction compares the net weight with the package (5.000 g on record, tolerance
/// 0.200 g): far off is refused and records nothing; a gross reading is brought to net with
/// the scale's tare (or the item's container tare) and recorded exactly as the scale gave it.
#[test]
fn destruction_compares_the_net_weight_with_the_package() {
    use tally_events::payload::WeighMode;
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let before = f.events();
    // A gross reading of the jar: the item's container tare is 12.000 g, so its net is
    // 5.000 g (used last: accepted, and recorded as the gross reading it was).
    let mut jar = reading("17.00", true);
    jar.net = false;
    jar.tare = None;
    // A net reading far from the package.
    let mut far = reading("9.00", true);
    far.net = true;
    let err = destroy_with(&mut f, &who, &t(4), &far);
    assert_eq!(
        refusal(err),
        Refusal::DestructionWeightMismatch {
            uid: t(4),
            measured: "9.000 g".into(),
            expected: "5.000 g".into(),
            tolerance: "0.200 g".into(),
        }
    );
    // A gross reading with the scale's own tare that leaves too much.
    let mut gross_scale_tare = reading("17.00", true);
    gross_scale_tare.net = false;
    gross_scale_tare.tare = Some("2.00".into());
    assert!(matches!(
        refusal(destroy_with(&mut f, &who, &t(4), &gross_scale_tare)),
        Refusal::DestructionWeightMismatch { ref measured, .. } if measured == "15.000 g"
    ));
    assert_eq!(f.events(), before, "nothing recorded");
    let (done, recorded) = destroy_with(&mut f, &who, &t(4), &jar).unwrap();
    assert_eq!(
        done.quantity,
        Quantity::Milligrams(5_000),
        "the net weight is destroyed"
    );
    let bytes: Vec<u8> = f
        .replica
        .view()
        .query_row(
            "SELECT bytes FROM event_log WHERE seq = ?1",
            [recorded[1].seq as i64],
            |r| r.get(0),
        )
        .unwrap();
    match tally_events::SignedEvent::from_bytes(bytes)
        .unwrap()
        .payload()
        .unwrap()
    {
        Payload::WeightRecorded(w) => {
            assert_eq!((w.value.as_str(), w.mode), ("17.00", WeighMode::Gross));
        }
        other => panic!("{other:?}"),
    }
}

/// A failed calibration check blocks destruction weighings on that scale.
#[test]
fn a_failed_calibration_check_blocks_destruction_on_that_scale() {
    use tally_events::payload::{CheckResult, ScaleCalibrationChecked};
    use tally_events::MassUnit;
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    f.replica
        .record(
            "S1",
            vec![Payload::ScaleCalibrationChecked(ScaleCalibrationChecked {
                scale_id: "SCALE-01".into(),
                reference_value: "500.00".into(),
                reference_unit: MassUnit::G,
                reading_value: "503.00".into(),
                reading_unit: MassUnit::G,
                result: CheckResult::Fail,
            })],
        )
        .unwrap();
    assert_eq!(
        refusal(destroy_with(&mut f, &who, &t(4), &reading("5.00", true))),
        Refusal::CalibrationCheckFailed {
            scale: "SCALE-01".into()
        }
    );
}

/// A gross reading of a weighed package whose item has no container tare, and no tare from the
/// scale, cannot be brought to net: refused, with what to do.
#[test]
fn a_gross_destruction_reading_without_any_tare_is_refused() {
    use tally_events::payload::{ItemCategory, ItemDefined, UnitOfMeasure};
    let mut f = picking_stock();
    f.stock(vec![
        Payload::ItemDefined(ItemDefined {
            item_id: "BULK".into(),
            sku: "SKU-BULK".into(),
            name: "Bulk trim".into(),
            category: ItemCategory::Flower,
            unit_of_measure: UnitOfMeasure::Weight,
            gtin: None,
            manifest_weight_is_net: true,
            tare_mg: None,
        }),
        active(
            &t(77),
            "BULK",
            "FL-L1",
            Quantity::Milligrams(5_000),
            "SHELF-1",
        ),
    ]);
    let who = f.session("B1", "1111");
    let mut gross = reading("5.00", true);
    gross.net = false;
    gross.tare = None;
    assert_eq!(
        refusal(destroy_with(&mut f, &who, &t(77), &gross)),
        Refusal::GrossWithoutTare { uid: t(77) }
    );
    gross.tare = Some("0.00".into());
    destroy_with(&mut f, &who, &t(77), &gross).unwrap();
}

/// A tag decoded by a tool that read every state system is still no package at a facility of
/// another system: every step that takes a package checks the tag's system against the
/// facility's (kind 276), and a refused step records nothing.
#[test]
fn every_package_step_refuses_a_tag_of_another_state_system() {
    use tally_events::payload::{FacilityStateSystemDefined, StateSystem};
    use tally_replica::workflow::{moves, release};

    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let boss = f.session("S1", "4444");
    f.stock(vec![Payload::FacilityStateSystemDefined(
        FacilityStateSystemDefined {
            facility_id: "FAC-1".into(),
            state_system: StateSystem::BioTrack,
        },
    )]);
    let before = f.events();
    let metrc = id_of(&t(2));
    let not_a_tag = |r: Refusal| matches!(r, Refusal::NotATag { ref scan } if *scan == t(2));
    assert!(not_a_tag(refusal(f.replica.act("B1", |v| {
        moves::move_package(v, &who, &metrc, "SHELF-1")
    }))));
    assert!(not_a_tag(refusal(f.replica.act("S1", |v| {
        release::release(v, &boss, &metrc, "RETEST-PASSED", "")
    }))));
    assert!(not_a_tag(refusal(f.replica.act("B1", |v| {
        picking::pick(
            v,
            &who,
            &Pick {
                pick_list: "PL-1",
                line_no: 2,
                scan: &metrc,
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    }))));
    assert!(not_a_tag(refusal(destroy_with(
        &mut f,
        &who,
        &t(2),
        &reading("5.000", true)
    ))));
    assert!(not_a_tag(refusal(lookup::lookup(f.replica.view(), &metrc))));
    assert_eq!(f.events(), before, "refused steps record nothing");
}

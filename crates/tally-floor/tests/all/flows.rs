//! Picking, staging, loading, blind counting, the supervisor's review and unlock, and
//! destruction through the floor layer, on a real SQLite replica signed by a real device key:
//! the device events a screen receives and the steps a person keys become workflow steps, and
//! every refusal records nothing.

use crate::signed_kinds;
use tally_drivers::event::{DeviceEvent, ReadingMode, WeighMode, WeightReading, WeightUnit};
use tally_events::payload::{CountTaskIssued, PackageStatus};
use tally_events::{Payload, Quantity};
use tally_floor::{
    count_tasks, counts_in_review, locked_badges, my_lines, open_outbound, open_pick_lists,
    pick_walk, review, DestroyOrder, DeviceInput, Floor, Ignored, Outcome, ScaleSetup, Screen,
};
use tally_ids::Date;
use tally_replica::workflow::count::{Entered, LineClass, Scanned};
use tally_replica::workflow::Session;
use tally_replica::Refusal;
use tally_testkit::*;

fn floor() -> Floor {
    Floor::new(Date::new(2026, 11, 24).expect("a date")).with_scale(ScaleSetup {
        device: "scale-1".into(),
        scale_id: "SCALE-01".into(),
        division: "0.01".into(),
    })
}

fn scan(text: &str) -> DeviceInput {
    DeviceInput {
        device: "scanner-1".into(),
        event: DeviceEvent::scan(format!("]C0{text}").into_bytes()),
    }
}

fn net_weight(value: &str) -> DeviceInput {
    let mut reading = WeightReading::new(value, WeightUnit::Gram, true);
    reading.mode = Some(ReadingMode::Weighed(WeighMode::Net));
    DeviceInput {
        device: "scale-1".into(),
        event: DeviceEvent::Weight(reading),
    }
}

/// A package tag as the floor decodes it.
fn tag(f: &Fixture, uid: &str) -> tally_floor::StateTag {
    tally_replica::workflow::typed(
        f.replica.view(),
        uid,
        Date::new(2026, 11, 24).expect("a date"),
    )
    .expect("a readable scan")
    .state_tag()
    .cloned()
    .expect("a state tag")
}

fn picking(line_no: u32) -> Screen {
    Screen::Picking {
        pick_list: "PL-1".into(),
        line_no,
        package: None,
        tote: None,
    }
}

#[test]
fn picking_refuses_a_later_lot_naming_the_one_to_take_then_picks_shorts_and_stages() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let floor = floor();

    let lists = open_pick_lists(f.replica.view()).unwrap();
    assert_eq!(lists.len(), 1);
    assert_eq!((lists[0].id.as_str(), lists[0].open_lines), ("PL-1", 2));
    // Walking order: the vault's flower before the shelves' cartridges (by location id,
    // SHELF-2 holding the first-expired cartridges).
    let walk = pick_walk(f.replica.view(), "PL-1", TODAY).unwrap();
    let takes: Vec<_> = walk
        .iter()
        .map(|s| (s.line_no, s.take.as_ref().map(|c| c.uid.clone())))
        .collect();
    assert_eq!(takes, [(2, Some(t(2))), (1, Some(t(6)))]);

    let mut screen = picking(2);
    let before = f.events();
    // A later lot: refused at the scan, naming the lot to take and where it is.
    let refused = refusal(floor.handle(&mut f.replica, &who, &mut screen, &scan(&t(1))));
    match &refused {
        Refusal::NotFefo {
            take_uid,
            take_lot,
            take_location,
            ..
        } => assert_eq!(
            (take_uid.as_str(), take_lot.as_str(), take_location.as_str()),
            (t(2).as_str(), "LOT-CA-L2", "SHELF-2")
        ),
        other => panic!("{other:?}"),
    }
    let english = refused.message(tally_replica::refusal::Language::English);
    let spanish = refused.message(tally_replica::refusal::Language::Spanish);
    assert!(
        english.contains(&t(2)) && english.contains("SHELF-2"),
        "{english}"
    );
    assert!(
        spanish.contains(&t(2)) && spanish.contains("SHELF-2"),
        "{spanish}"
    );
    // On hold, expired, no passed COA: refused at the scan too.
    for uid in [t(5), t(7), t(3)] {
        refusal(floor.handle(&mut f.replica, &who, &mut screen, &scan(&uid)));
    }
    assert_eq!(screen, picking(2));
    assert_eq!(f.events(), before, "a refused scan records nothing");

    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan(&t(2)))
        .unwrap();
    assert_eq!(step.outcome, Outcome::PickPackageChosen { uid: t(2) });
    assert!(step.recorded.is_empty());
    // No tote yet: the quantity is refused, nothing recorded.
    assert_eq!(
        refusal(floor.pick(&mut f.replica, &who, &mut screen, Quantity::Units(4))),
        Refusal::ScanTote
    );
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan("TOTE-1"))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::ToteChosen {
            tote: "TOTE-1".into()
        }
    );
    // More than the package holds: refused.
    assert!(matches!(
        refusal(floor.pick(&mut f.replica, &who, &mut screen, Quantity::Units(5))),
        Refusal::MoreThanPackage { .. }
    ));
    assert_eq!(f.events(), before);
    let step = floor
        .pick(&mut f.replica, &who, &mut screen, Quantity::Units(4))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Picked {
            uid: t(2),
            remaining: Quantity::Units(2)
        }
    );
    assert_eq!(signed_kinds(&f, &step), ["pick_recorded"]);
    // The tote stays; the package is forgotten: another pick needs a scan.
    assert_eq!(
        screen,
        Screen::Picking {
            pick_list: "PL-1".into(),
            line_no: 2,
            package: None,
            tote: Some("TOTE-1".into()),
        }
    );
    let step = floor
        .pick(&mut f.replica, &who, &mut screen, Quantity::Units(1))
        .unwrap();
    assert_eq!(step.outcome, Outcome::Ignored(Ignored::ScanThePackageFirst));
    // A partial pick of the next lot, then the rest is shorted with a reason.
    floor
        .handle(&mut f.replica, &who, &mut screen, &scan(&t(1)))
        .unwrap();
    let step = floor
        .pick(&mut f.replica, &who, &mut screen, Quantity::Units(1))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Picked {
            uid: t(1),
            remaining: Quantity::Units(1)
        }
    );
    let before = f.events();
    assert!(matches!(
        refusal(floor.short(&mut f.replica, &who, &mut screen, "NO-SUCH-REASON")),
        Refusal::UnknownReason { .. }
    ));
    assert_eq!(f.events(), before);
    let step = floor
        .short(&mut f.replica, &who, &mut screen, "SHORT-STOCK")
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Shorted {
            short: Quantity::Units(1)
        }
    );
    assert_eq!(signed_kinds(&f, &step), ["pick_shorted"]);
    assert_eq!(open_pick_lists(f.replica.view()).unwrap()[0].open_lines, 1);

    // Staging: the tote, then a lane; a shelf is no lane and keeps the tote.
    let mut screen = Screen::Staging { tote: None };
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan("TOTE-1"))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::ToteChosen {
            tote: "TOTE-1".into()
        }
    );
    let before = f.events();
    assert!(matches!(
        refusal(floor.handle(&mut f.replica, &who, &mut screen, &scan("SHELF-1"))),
        Refusal::NotAStagingLane { .. }
    ));
    assert_eq!(f.events(), before);
    assert_eq!(
        screen,
        Screen::Staging {
            tote: Some("TOTE-1".into())
        }
    );
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan("LANE-1"))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Staged {
            tote: "TOTE-1".into(),
            route: "R1".into()
        }
    );
    assert_eq!(signed_kinds(&f, &step), ["tote_staged"]);
    assert_eq!(screen, Screen::Staging { tote: None });
    assert_eq!(f.package(&t(2)).1.as_deref(), Some("LANE-1"));
}

#[test]
fn a_weight_or_a_package_tag_means_nothing_on_the_staging_screen() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let floor = floor();
    let mut screen = Screen::Staging { tote: None };
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &net_weight("1.00"))
        .unwrap();
    assert_eq!(step.outcome, Outcome::Ignored(Ignored::NoWeighingHere));
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan(&t(1)))
        .unwrap();
    assert!(matches!(
        step.outcome,
        Outcome::Ignored(Ignored::NotForThisScreen { .. })
    ));
    assert_eq!(screen, Screen::Staging { tote: None });
}

/// Cartridge lines of route R1's manifest `id`.
fn outbound(id: &str, lines: &[(String, u64)]) -> Payload {
    let lines: Vec<(String, &str, Quantity)> = lines
        .iter()
        .map(|(uid, n)| (uid.clone(), "CART", Quantity::Units(*n)))
        .collect();
    tally_testkit::outbound(id, "R1", &lines)
}

#[test]
fn loading_lists_missing_extra_and_mismatched_and_closes_only_an_exact_manifest() {
    let mut f = picking_stock();
    let who = f.session("B1", "1111");
    let floor = floor();
    let mut screen = picking(2);
    for (uid, n) in [(t(2), 4), (t(1), 2)] {
        floor
            .handle(&mut f.replica, &who, &mut screen, &scan(&uid))
            .unwrap();
        floor
            .handle(&mut f.replica, &who, &mut screen, &scan("TOTE-1"))
            .unwrap();
        floor
            .pick(&mut f.replica, &who, &mut screen, Quantity::Units(n))
            .unwrap();
    }
    let mut staging = Screen::Staging { tote: None };
    for text in ["TOTE-1", "LANE-1"] {
        floor
            .handle(&mut f.replica, &who, &mut staging, &scan(text))
            .unwrap();
    }
    f.stock(vec![
        outbound("OUT-1", &[(t(2), 4), (t(1), 2)]),
        outbound("OUT-2", &[(t(2), 4), (t(9), 1)]),
        outbound("OUT-3", &[(t(2), 4), (t(1), 3)]),
    ]);
    let open: Vec<_> = open_outbound(f.replica.view())
        .unwrap()
        .into_iter()
        .map(|m| (m.id, m.lines))
        .collect();
    assert_eq!(
        open,
        [
            ("OUT-1".into(), 2),
            ("OUT-2".into(), 2),
            ("OUT-3".into(), 2)
        ]
    );

    // Missing and extra, recorded as evidence; the manifest stays open.
    let step = floor.reconcile(&mut f.replica, &who, "OUT-2").unwrap();
    match &step.outcome {
        Outcome::Reconciled(r) => {
            assert_eq!(
                (r.missing.clone(), r.extra.clone()),
                (vec![t(9)], vec![t(1)])
            );
            assert!(!r.exact());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(signed_kinds(&f, &step), ["loading_reconciled"]);
    let before = f.events();
    assert_eq!(
        refusal(floor.mark_ready(&mut f.replica, &who, "OUT-2")),
        Refusal::ManifestNotExact {
            manifest: "OUT-2".into(),
            missing: 1,
            extra: 1,
            mismatched: 0
        }
    );
    // A quantity that differs is a mismatch.
    let mismatch = tally_floor::compare_loading(f.replica.view(), "OUT-3").unwrap();
    assert_eq!(mismatch.mismatches.len(), 1);
    assert!(matches!(
        refusal(floor.mark_ready(&mut f.replica, &who, "OUT-3")),
        Refusal::ManifestNotExact { mismatched: 1, .. }
    ));
    assert!(matches!(
        refusal(floor.mark_ready(&mut f.replica, &who, "OUT-404")),
        Refusal::UnknownManifest { .. }
    ));
    assert_eq!(f.events(), before, "refusals record nothing");

    let step = floor.mark_ready(&mut f.replica, &who, "OUT-1").unwrap();
    assert!(matches!(&step.outcome, Outcome::ManifestReady(r) if r.exact()));
    let open: Vec<_> = open_outbound(f.replica.view())
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(open, ["OUT-2", "OUT-3"]);
}

/// Expected stock the counter must never learn: 7,351 cartridges and 5,437 g of flower.
const EXPECTED_UNITS: u64 = 7_351;
const EXPECTED_MG: u64 = 5_437_000;

fn count_fixture() -> Fixture {
    let mut f = fixture();
    f.stock(vec![
        active(
            &t(1),
            "CART",
            "CA-L1",
            Quantity::Units(EXPECTED_UNITS),
            "SHELF-1",
        ),
        active(
            &t(3),
            "FLOWER",
            "FL-L1",
            Quantity::Milligrams(EXPECTED_MG),
            "SHELF-1",
        ),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-1".into(),
            locations: vec!["SHELF-1".into()],
            items: vec![],
            assigned_to: None,
        }),
    ]);
    f
}

/// Everything a counter's steps said, as text: no expected quantity or weight may be in it.
fn assert_blind(said: &[String]) {
    for text in said {
        for hidden in ["7351", "7,351", "7.351", "5437", "5.437", "5,437"] {
            assert!(
                !text.contains(hidden),
                "the counter was shown an expected quantity: {text}"
            );
        }
    }
}

fn counting(location: &str) -> Screen {
    Screen::Counting {
        task: "CT-1".into(),
        location: location.into(),
        package: None,
    }
}

#[test]
fn a_blind_count_runs_through_the_floor_and_a_supervisor_reviews_and_closes_it() {
    let mut f = count_fixture();
    let floor = floor();
    let b1 = f.session("B1", "1111");
    let mut said: Vec<String> = Vec::new();

    let cv = f.replica.counting_view().unwrap();
    let tasks = count_tasks(&cv).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].locations, ["SHELF-1"]);
    said.push(format!("{tasks:?}"));
    drop(cv);
    let step = floor.start_count(&mut f.replica, &b1, "CT-1").unwrap();
    assert_eq!(step.outcome, Outcome::CountStarted { round: 1 });
    assert_eq!(signed_kinds(&f, &step), ["count_started"]);

    let mut screen = counting("SHELF-1");
    // Units typed before a scan: nothing to enter them for.
    let step = floor
        .enter_units(&mut f.replica, &b1, &mut screen, 7_000)
        .unwrap();
    assert_eq!(step.outcome, Outcome::Ignored(Ignored::ScanThePackageFirst));
    // A package counted in units: scanned, then its units typed.
    let step = floor
        .handle(&mut f.replica, &b1, &mut screen, &scan(&t(1)))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::CountScanned(Scanned::Found {
            uid: t(1),
            weighed: false
        })
    );
    said.push(format!("{:?}", step.outcome));
    // A weight for a package counted in units is refused (it is counted, not weighed).
    let refused = refusal(floor.handle(&mut f.replica, &b1, &mut screen, &net_weight("12.00")));
    assert!(matches!(refused, Refusal::CountIt { .. }), "{refused:?}");
    said.push(refused.message(tally_replica::refusal::Language::English));
    said.push(refused.message(tally_replica::refusal::Language::Spanish));
    let step = floor
        .enter_units(&mut f.replica, &b1, &mut screen, 7_000)
        .unwrap();
    assert_eq!(step.outcome, Outcome::CountEntered(Entered::Recorded));
    assert_eq!(signed_kinds(&f, &step), ["count_line_recorded"]);
    // The weighed package: scanned, then its stable weight.
    floor
        .handle(&mut f.replica, &b1, &mut screen, &scan(&t(3)))
        .unwrap();
    let step = floor
        .handle(&mut f.replica, &b1, &mut screen, &net_weight("5000.00"))
        .unwrap();
    assert_eq!(step.outcome, Outcome::CountEntered(Entered::Recorded));
    // Scanned again: a duplicate, nothing recorded.
    let step = floor
        .handle(&mut f.replica, &b1, &mut screen, &scan(&t(1)))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::CountScanned(Scanned::Duplicate { uid: t(1) })
    );
    let cv = f.replica.counting_view().unwrap();
    let lines = my_lines(&cv, &b1, "CT-1").unwrap();
    assert_eq!(lines.len(), 2);
    said.push(format!("{lines:?}"));
    drop(cv);
    // A location outside the task, with its refusal in both languages.
    let mut elsewhere = counting("SHELF-2");
    let refused = refusal(floor.handle(&mut f.replica, &b1, &mut elsewhere, &scan(&t(1))));
    said.push(refused.message(tally_replica::refusal::Language::English));
    said.push(refused.message(tally_replica::refusal::Language::Spanish));

    let step = floor.submit_count(&mut f.replica, &b1, "CT-1").unwrap();
    match &step.outcome {
        Outcome::CountSubmitted(s) => {
            let mut recount = s.recount.clone();
            recount.sort();
            assert_eq!(recount, [t(1), t(3)]);
        }
        other => panic!("{other:?}"),
    }
    said.push(format!("{:?}", step.outcome));
    // The recount is by another counter at this facility.
    let refused = refusal(floor.start_count(&mut f.replica, &b1, "CT-1"));
    assert!(
        matches!(refused, Refusal::RecountBySameCounter { .. }),
        "{refused:?}"
    );
    said.push(refused.message(tally_replica::refusal::Language::English));
    said.push(refused.message(tally_replica::refusal::Language::Spanish));
    // Round 2 by B2 and (the difference persisting) round 3 by B3: then the supervisor.
    for (round, badge, pin) in [(2, "B2", "2222"), (3, "B3", "3333")] {
        let counter = f.session(badge, pin);
        let step = floor.start_count(&mut f.replica, &counter, "CT-1").unwrap();
        assert_eq!(step.outcome, Outcome::CountStarted { round });
        let mut screen = counting("SHELF-1");
        floor
            .handle(&mut f.replica, &counter, &mut screen, &scan(&t(1)))
            .unwrap();
        floor
            .enter_units(&mut f.replica, &counter, &mut screen, 7_000)
            .unwrap();
        floor
            .handle(&mut f.replica, &counter, &mut screen, &scan(&t(3)))
            .unwrap();
        floor
            .handle(
                &mut f.replica,
                &counter,
                &mut screen,
                &net_weight("5000.00"),
            )
            .unwrap();
        let step = floor
            .submit_count(&mut f.replica, &counter, "CT-1")
            .unwrap();
        said.push(format!("{:?}", step.outcome));
        if round == 3 {
            assert_eq!(
                step.outcome,
                Outcome::CountSubmitted(tally_replica::workflow::count::Submitted {
                    recount: Vec::new()
                })
            );
        }
    }
    assert_blind(&said);

    // The supervisor's review: only a supervisor sees it, with the variances.
    assert!(matches!(
        refusal(counts_in_review(f.replica.view(), &b1)),
        Refusal::NotSupervisor { .. }
    ));
    let s1 = f.session("S1", "4444");
    let waiting = counts_in_review(f.replica.view(), &s1).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].task.as_str(), waiting[0].adjusted), ("CT-1", 0));
    let lines = review(f.replica.view(), &s1, "CT-1").unwrap();
    let cart = lines.iter().find(|l| l.uid == t(1)).unwrap();
    assert_eq!(cart.class, LineClass::Found);
    assert_eq!(cart.expected, Some(Quantity::Units(EXPECTED_UNITS)));
    assert_eq!(cart.variance, -351);

    let cart = tag(&f, &t(1));
    // Closing with variances open is refused; an unknown reason too; nothing recorded.
    let before = f.events();
    assert!(matches!(
        refusal(floor.close_count(&mut f.replica, &s1, "CT-1")),
        Refusal::VariancesOpen { open: 2, .. }
    ));
    assert!(matches!(
        refusal(floor.approve_adjustment(&mut f.replica, &s1, "CT-1", &cart, "NOPE")),
        Refusal::UnknownReason { .. }
    ));
    // An operator approves nothing.
    assert!(matches!(
        refusal(floor.approve_adjustment(&mut f.replica, &b1, "CT-1", &cart, "ENTRY-ERROR")),
        Refusal::NotSupervisor { .. }
    ));
    assert_eq!(f.events(), before);
    for uid in [t(1), t(3)] {
        let tag_of = tag(&f, &uid);
        let step = floor
            .approve_adjustment(&mut f.replica, &s1, "CT-1", &tag_of, "SCALE-VARIANCE")
            .unwrap();
        assert!(matches!(&step.outcome, Outcome::Approved(line) if line.uid == uid));
        assert_eq!(signed_kinds(&f, &step), ["adjustment_approved"]);
    }
    assert_eq!(
        refusal(floor.approve_adjustment(&mut f.replica, &s1, "CT-1", &cart, "SCALE-VARIANCE")),
        Refusal::AlreadyDecided {
            uid: t(1),
            decision: tally_replica::refusal::Decision::Adjusted
        }
    );
    let step = floor.close_count(&mut f.replica, &s1, "CT-1").unwrap();
    assert_eq!(
        step.outcome,
        Outcome::CountClosed {
            task: "CT-1".into()
        }
    );
    assert_eq!(signed_kinds(&f, &step), ["count_closed"]);
    assert!(counts_in_review(f.replica.view(), &s1).unwrap().is_empty());
    assert_eq!(f.package(&t(1)).2, 7_000);
}

#[test]
fn a_supervisor_sees_and_unlocks_a_locked_badge_and_an_operator_cannot() {
    let mut f = fixture();
    let floor = floor();
    for _ in 0..tally_replica::pins::WRONG_PINS_BEFORE_LOCKOUT {
        let _ = f.replica.sign_in("B2", "0000");
    }
    assert!(matches!(
        refusal(f.replica.sign_in("B2", "2222")),
        Refusal::BadgeLockedOut { .. }
    ));
    let b1 = f.session("B1", "1111");
    let s1 = f.session("S1", "4444");
    let now = f.replica.now_ms();
    assert!(matches!(
        refusal(locked_badges(f.replica.view(), &b1, now)),
        Refusal::NotSupervisor { .. }
    ));
    let locked = locked_badges(f.replica.view(), &s1, now).unwrap();
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0].badge, "B2");
    let before = f.events();
    assert!(matches!(
        refusal(floor.unlock_badge(&mut f.replica, &b1, "B2")),
        Refusal::NotSupervisor { .. }
    ));
    assert!(matches!(
        refusal(floor.unlock_badge(&mut f.replica, &s1, "S1")),
        Refusal::UnlockOwnBadge { .. }
    ));
    assert_eq!(f.events(), before);
    let step = floor.unlock_badge(&mut f.replica, &s1, " B2 ").unwrap();
    assert_eq!(step.outcome, Outcome::Unlocked { badge: "B2".into() });
    assert_eq!(signed_kinds(&f, &step), ["user_unlocked"]);
    assert!(locked_badges(f.replica.view(), &s1, now)
        .unwrap()
        .is_empty());
    let b2: Session = f.session("B2", "2222");
    assert_eq!(b2.badge, "B2");
}

#[test]
fn destruction_takes_a_scan_and_a_weight_then_a_different_witness_signs_in_on_the_device() {
    let mut f = picking_stock();
    let floor = floor();
    let who = f.session("B1", "1111");
    let mut screen = Screen::Destroying {
        package: None,
        reading: None,
    };
    let order = |witness_badge, witness_pin| DestroyOrder {
        reason: "DAMAGE",
        method: "mixed 50/50 with cat litter, landfill",
        witness_badge,
        witness_pin,
    };
    let before = f.events();
    // A weight before the package: ignored.
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &net_weight("10.00"))
        .unwrap();
    assert_eq!(step.outcome, Outcome::Ignored(Ignored::ScanThePackageFirst));
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &scan(&t(6)))
        .unwrap();
    assert_eq!(step.outcome, Outcome::DestroyPackageChosen { uid: t(6) });
    // No weight yet: nothing to destroy with.
    let step = floor
        .destroy(&mut f.replica, &who, &mut screen, &order("S1", "4444"))
        .unwrap();
    assert_eq!(
        step.outcome,
        Outcome::Ignored(Ignored::WeighThePackageFirst)
    );
    // A reading in motion is not a weight.
    let moving = DeviceInput {
        device: "scale-1".into(),
        event: DeviceEvent::Weight(WeightReading::new("9.80", WeightUnit::Gram, false)),
    };
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &moving)
        .unwrap();
    assert!(matches!(
        step.outcome,
        Outcome::Ignored(Ignored::NotAStableWeight(_))
    ));
    let step = floor
        .handle(&mut f.replica, &who, &mut screen, &net_weight("10.00"))
        .unwrap();
    assert!(matches!(
        &step.outcome,
        Outcome::DestroyWeighed { uid, value, .. } if *uid == t(6) && value == "10.00"
    ));
    assert_eq!(f.events(), before, "nothing is recorded before the witness");

    // The person destroying cannot witness; a wrong PIN is refused; neither records.
    assert!(matches!(
        refusal(floor.destroy(&mut f.replica, &who, &mut screen, &order("B1", "1111"))),
        Refusal::WitnessIsActor { .. }
    ));
    assert!(matches!(
        refusal(floor.destroy(&mut f.replica, &who, &mut screen, &order("S1", "0000"))),
        Refusal::SignInRefused { .. }
    ));
    assert!(matches!(
        refusal(floor.destroy(
            &mut f.replica,
            &who,
            &mut screen,
            &DestroyOrder {
                method: "  ",
                ..order("S1", "4444")
            }
        )),
        Refusal::MethodRequired
    ));
    assert_eq!(f.events(), before);
    assert!(matches!(
        screen,
        Screen::Destroying {
            package: Some(_),
            reading: Some(_)
        }
    ));

    let step = floor
        .destroy(&mut f.replica, &who, &mut screen, &order("S1", "4444"))
        .unwrap();
    match &step.outcome {
        Outcome::Destroyed(d) => {
            assert_eq!((d.uid.as_str(), d.witness.as_str()), (t(6).as_str(), "S1"));
            assert_eq!(d.quantity, Quantity::Milligrams(10_000));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        signed_kinds(&f, &step),
        ["user_signed_in", "weight_recorded", "destruction_recorded"]
    );
    assert_eq!(f.package(&t(6)).0, "destroyed");
    assert_eq!(
        screen,
        Screen::Destroying {
            package: None,
            reading: None
        }
    );
}

#[test]
fn a_destruction_weight_far_from_the_package_is_refused_and_recorded_nowhere() {
    let mut f = picking_stock();
    let floor = floor();
    let who = f.session("B1", "1111");
    let mut screen = Screen::Destroying {
        package: None,
        reading: None,
    };
    floor
        .handle(&mut f.replica, &who, &mut screen, &scan(&t(6)))
        .unwrap();
    floor
        .handle(&mut f.replica, &who, &mut screen, &net_weight("7.00"))
        .unwrap();
    let before = f.events();
    let refused = refusal(floor.destroy(
        &mut f.replica,
        &who,
        &mut screen,
        &DestroyOrder {
            reason: "DAMAGE",
            method: "landfill",
            witness_badge: "S1",
            witness_pin: "4444",
        },
    ));
    assert!(
        matches!(refused, Refusal::DestructionWeightMismatch { .. }),
        "{refused:?}"
    );
    assert_eq!(f.events(), before);
    assert_eq!(f.package(&t(6)).0, "active");
}

#[test]
fn a_supervisor_settles_a_conflict_as_found_and_the_package_can_be_worked_again() {
    use tally_events::payload::PackageMoved;
    use tally_floor::conflicts;
    use tally_replica::workflow::conflicts::Settlement;

    let mut f = picking_stock();
    let floor = floor();
    let b1 = f.session("B1", "1111");
    // This device moves t(1); another device moved it elsewhere before, in the ledger's order.
    let mut moving = Screen::Moving { package: None };
    for text in [t(1), "SHELF-2".to_owned()] {
        floor
            .handle(&mut f.replica, &b1, &mut moving, &scan(&text))
            .unwrap();
    }
    let remote = another_device(
        "FAC-1",
        vec![Payload::PackageMoved(PackageMoved {
            uid: t(1),
            from_location: "SHELF-1".into(),
            to_location: "VAULT-A".into(),
        })],
    );
    f.replica.apply_deltas(&remote).unwrap();
    // Flagged: nobody works the package until it is settled.
    floor
        .handle(&mut f.replica, &b1, &mut moving, &scan(&t(1)))
        .unwrap();
    let refused = refusal(floor.handle(&mut f.replica, &b1, &mut moving, &scan("SHELF-1")));
    assert!(matches!(refused, Refusal::InConflict { .. }), "{refused:?}");
    let s1 = f.session("S1", "4444");
    let listed = conflicts(f.replica.view(), &s1).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].uid.as_str(),
            listed[0].ledger_index,
            listed[0].remote_kind.as_str()
        ),
        (t(1).as_str(), 2, "package_moved")
    );
    assert!(matches!(
        refusal(conflicts(f.replica.view(), &b1)),
        Refusal::NotSupervisor { .. }
    ));

    let settled_tag = tag(&f, &t(1));
    let other_tag = tag(&f, &t(2));
    let found = Settlement {
        tag: &settled_tag,
        quantity: Quantity::Units(9),
        location: "VAULT-A",
        status: PackageStatus::Active,
        reason: "ENTRY-ERROR",
    };
    let before = f.events();
    // An operator, a package with no conflict, another unit, an unknown place or reason: no.
    assert!(matches!(
        refusal(floor.settle_conflict(&mut f.replica, &b1, &found)),
        Refusal::NotSupervisor { .. }
    ));
    assert!(matches!(
        refusal(floor.settle_conflict(
            &mut f.replica,
            &s1,
            &Settlement {
                tag: &other_tag,
                ..found
            }
        )),
        Refusal::NotInConflict { .. }
    ));
    assert!(matches!(
        refusal(floor.settle_conflict(
            &mut f.replica,
            &s1,
            &Settlement {
                quantity: Quantity::Milligrams(9),
                ..found
            }
        )),
        Refusal::WrongUnit { weighed: false }
    ));
    assert!(matches!(
        refusal(floor.settle_conflict(
            &mut f.replica,
            &s1,
            &Settlement {
                location: "NOWHERE",
                ..found
            }
        )),
        Refusal::UnknownLocation { .. }
    ));
    assert!(matches!(
        refusal(floor.settle_conflict(
            &mut f.replica,
            &s1,
            &Settlement {
                reason: "BECAUSE",
                ..found
            }
        )),
        Refusal::UnknownReason { .. }
    ));
    assert_eq!(f.events(), before);

    let step = floor.settle_conflict(&mut f.replica, &s1, &found).unwrap();
    match &step.outcome {
        Outcome::ConflictSettled(settled) => {
            assert_eq!(settled.through_ledger_index, 2);
            assert_eq!(settled.location_id, "VAULT-A");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(signed_kinds(&f, &step), ["conflict_settled"]);
    assert_eq!(
        f.package(&t(1)),
        ("active".to_owned(), Some("VAULT-A".to_owned()), 9)
    );
    assert!(conflicts(f.replica.view(), &s1).unwrap().is_empty());
    // The settlement folds the same on a replay of the logged inputs.
    assert_eq!(
        tally_replica::stats::view_digest(f.replica.view()).unwrap(),
        tally_replica::sync::replay_view_digest(f.replica.view(), None).unwrap(),
        "the view differs from the replay of its logged inputs"
    );
    // The package is worked again.
    let mut moving = Screen::Moving { package: None };
    for text in [t(1), "SHELF-1".to_owned()] {
        floor
            .handle(&mut f.replica, &b1, &mut moving, &scan(&text))
            .unwrap();
    }
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("SHELF-1"));
}

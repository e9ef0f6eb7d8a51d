//! Releasing packages from quarantine or hold against a real SQLite file: who may release,
//! which packages, which reasons, the COA rule, what happens to the stock, the record.

use crate::common::*;
use tally_events::payload::{DeviceEnrolled, PackageMoved, PackageStatus, ReasonCodeDefined};
use tally_events::{Payload, Quantity, Sha256Hash};
use tally_replica::refusal::{Action, Language, ReasonKind};
use tally_replica::stats::{replay_digest, view_digest};
use tally_replica::workflow::lookup::{self, Found};
use tally_replica::workflow::{moves, release};
use tally_replica::{Delta, Refusal, Replica, ReplicaError};

fn refusal<T: std::fmt::Debug>(result: Result<T, ReplicaError>) -> Refusal {
    match result {
        Err(ReplicaError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn held_stock() -> Fixture {
    let mut f = fixture();
    let mut admin = vec![Payload::ReasonCodeDefined(ReasonCodeDefined {
        code: "RETEST-PASSED".into(),
        description: "retest passed".into(),
    })];
    for (n, batch, location, status) in [
        (1, "CA-L1", "QC-01", PackageStatus::Quarantined),
        (2, "CA-L1", "DOCK-1", PackageStatus::OnHold),
        (3, "CA-L3", "QC-01", PackageStatus::Quarantined),
        (4, "GU-L1", "DOCK-1", PackageStatus::OnHold),
        (5, "CA-L1", "QC-01", PackageStatus::Destroyed),
        (6, "CA-L1", "VAN-1", PackageStatus::InTransit),
        (7, "CA-L1", "SHELF-1", PackageStatus::Active),
        (8, "CA-L1", "QC-01", PackageStatus::Quarantined),
    ] {
        let item = if batch.starts_with("GU") {
            "GUMMY"
        } else {
            "CART"
        };
        admin.push(package(
            &t(n),
            item,
            batch,
            Quantity::Units(10),
            location,
            status,
        ));
    }
    f.replica.record("ADMIN", admin).unwrap();
    f
}

#[test]
fn a_supervisor_releases_a_quarantined_package_and_it_stays_in_the_cage() {
    let mut f = held_stock();
    let boss = f.session("S1", "4444");
    let before = f.events();
    let (released, recorded) = f
        .replica
        .act("S1", |v| {
            release::release(
                v,
                &boss,
                &id_of(&t(1).to_lowercase()),
                " RETEST-PASSED ",
                "lab retest ok",
            )
        })
        .unwrap();
    assert_eq!(recorded.len(), 1, "one signed event");
    assert_eq!(f.events(), before + 1);
    assert_eq!(released.uid, t(1));
    assert_eq!(released.from, PackageStatus::Quarantined);
    assert_eq!(released.reason, "RETEST-PASSED");
    assert_eq!(released.location.as_deref(), Some("QC-01"));
    let (status, location, quantity) = f.package(&t(1));
    assert_eq!(status, "active");
    assert_eq!(
        location.as_deref(),
        Some("QC-01"),
        "a release moves nothing"
    );
    assert_eq!(quantity, 10);
    let reason: String = f
        .replica
        .view()
        .query_row(
            "SELECT status_reason FROM packages WHERE uid = ?1",
            [t(1)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "RETEST-PASSED");
}

#[test]
fn a_held_package_is_released_too() {
    let mut f = held_stock();
    let boss = f.session("S2", "5555");
    let (released, _) = f
        .replica
        .act("S2", |v| {
            release::release(v, &boss, &id_of(&t(2)), "ENTRY-ERROR", "")
        })
        .unwrap();
    assert_eq!(released.from, PackageStatus::OnHold);
    assert_eq!(f.package(&t(2)).0, "active");
    assert_eq!(f.package(&t(2)).1.as_deref(), Some("DOCK-1"));
}

#[test]
fn an_operator_may_not_release_and_nothing_is_recorded() {
    let mut f = held_stock();
    let operator = f.session("B1", "1111");
    let before = f.events();
    let r = refusal(f.replica.act("B1", |v| {
        release::release(v, &operator, &id_of(&t(1)), "RETEST-PASSED", "")
    }));
    assert_eq!(r, Refusal::NotSupervisor { badge: "B1".into() });
    assert!(r.message(Language::English).contains("supervisor"));
    assert!(r.message(Language::Spanish).contains("B1"));
    assert_eq!(f.events(), before);
    assert_eq!(f.package(&t(1)).0, "quarantined");
}

#[test]
fn only_quarantined_or_held_packages_are_released() {
    let mut f = held_stock();
    let boss = f.session("S1", "4444");
    let before = f.events();
    for (n, status) in [
        (5, PackageStatus::Destroyed),
        (6, PackageStatus::InTransit),
        (7, PackageStatus::Active),
    ] {
        let r = refusal(f.replica.act("S1", |v| {
            release::release(v, &boss, &id_of(&t(n)), "RETEST-PASSED", "")
        }));
        assert_eq!(
            r,
            Refusal::WrongStatus {
                uid: t(n),
                status,
                action: Action::Released,
            }
        );
        assert!(r.to_string().contains("cannot be released"), "{r}");
    }
    assert_eq!(
        refusal(f.replica.act("S1", |v| release::release(
            v,
            &boss,
            &id_of(&t(404)),
            "RETEST-PASSED",
            ""
        ))),
        Refusal::UnknownPackage { uid: t(404) }
    );
    assert!(matches!(
        refusal(f.replica.act("S1", |v| release::release(
            v,
            &boss,
            &id_of("QC-01"),
            "RETEST-PASSED",
            ""
        ))),
        Refusal::NotATag { .. }
    ));
    assert_eq!(f.events(), before);
    assert_eq!(f.package(&t(5)).0, "destroyed");
    assert_eq!(f.package(&t(6)).0, "in_transit");
}

#[test]
fn a_conflicted_package_is_refused() {
    let mut f = held_stock();
    let mut other = Replica::init(
        &f.dir.path().join("other.db"),
        &f.key_dir.path().join("other.key"),
        clock(),
        DeviceEnrolled {
            facility: "FAC-1".into(),
            hardware_serial: "HH-0002".into(),
            enrollment_token_sha256: Sha256Hash::of(b"other"),
            previous_device: None,
        },
    )
    .unwrap();
    // This device moves t(8) inside non-sellable places (not yet acknowledged); the other
    // device moves it elsewhere: the delta is a conflict.
    let operator = f.session("B1", "1111");
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &operator, &id_of(&t(8)), "DOCK-1")
        })
        .unwrap();
    other
        .record(
            "B2",
            vec![Payload::PackageMoved(PackageMoved {
                uid: t(8),
                from_location: "QC-01".into(),
                to_location: "LANE-1".into(),
            })],
        )
        .unwrap();
    let deltas: Vec<Delta> = {
        let mut stmt = other
            .view()
            .prepare("SELECT bytes FROM event_log ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .enumerate()
            .map(|(i, bytes)| Delta {
                ledger_index: i as u64 + 1,
                bytes,
            })
            .collect()
    };
    f.replica.apply_deltas(&deltas).unwrap();
    let boss = f.session("S1", "4444");
    let before = f.events();
    assert_eq!(
        refusal(f.replica.act("S1", |v| release::release(
            v,
            &boss,
            &id_of(&t(8)),
            "RETEST-PASSED",
            ""
        ))),
        Refusal::InConflict { uid: t(8) }
    );
    assert_eq!(f.events(), before);
    assert_eq!(f.package(&t(8)).0, "quarantined");
}

#[test]
fn a_defined_reason_code_is_required() {
    let mut f = held_stock();
    let boss = f.session("S1", "4444");
    let before = f.events();
    assert_eq!(
        refusal(f.replica.act("S1", |v| release::release(
            v,
            &boss,
            &id_of(&t(1)),
            "  ",
            "ok"
        ))),
        Refusal::ReasonRequired {
            kind: ReasonKind::Release
        }
    );
    assert_eq!(
        refusal(f.replica.act("S1", |v| release::release(
            v,
            &boss,
            &id_of(&t(1)),
            "BECAUSE",
            "ok"
        ))),
        Refusal::UnknownReason {
            code: "BECAUSE".into(),
            kind: ReasonKind::Release
        }
    );
    assert_eq!(f.events(), before);
    assert_eq!(f.package(&t(1)).0, "quarantined");
}

#[test]
fn no_release_without_a_passed_coa_and_the_refusal_names_batch_and_status() {
    let mut f = held_stock();
    let boss = f.session("S1", "4444");
    let before = f.events();
    let pending = refusal(f.replica.act("S1", |v| {
        release::release(v, &boss, &id_of(&t(3)), "RETEST-PASSED", "")
    }));
    assert_eq!(
        pending,
        Refusal::ReleaseWithoutPassedCoa {
            uid: t(3),
            batch: "CA-L3".into(),
            coa: "pending".into(),
        }
    );
    let en = pending.message(Language::English);
    assert!(en.contains("CA-L3") && en.contains("pending"), "{en}");
    let es = pending.message(Language::Spanish);
    assert!(es.contains("CA-L3") && es.contains("pendiente"), "{es}");
    let missing = refusal(f.replica.act("S1", |v| {
        release::release(v, &boss, &id_of(&t(4)), "RETEST-PASSED", "")
    }));
    assert_eq!(
        missing,
        Refusal::ReleaseWithoutPassedCoa {
            uid: t(4),
            batch: "GU-L1".into(),
            coa: "missing".into(),
        }
    );
    assert_eq!(f.events(), before);
    assert_eq!(f.package(&t(3)).0, "quarantined");
    assert_eq!(f.package(&t(4)).0, "on_hold");
}

#[test]
fn after_release_a_move_out_of_the_cage_to_a_sellable_place_is_allowed() {
    let mut f = held_stock();
    let operator = f.session("B1", "1111");
    assert!(matches!(
        refusal(f.replica.act("B1", |v| moves::move_package(
            v,
            &operator,
            &id_of(&t(1)),
            "SHELF-2"
        ))),
        Refusal::QuarantinedIntoSellable { .. }
    ));
    let boss = f.session("S1", "4444");
    f.replica
        .act("S1", |v| {
            release::release(v, &boss, &id_of(&t(1)), "RETEST-PASSED", "")
        })
        .unwrap();
    let (moved, _) = f
        .replica
        .act("B1", |v| {
            moves::move_package(v, &operator, &id_of(&t(1)), "SHELF-2")
        })
        .unwrap();
    assert_eq!(moved.from.as_deref(), Some("QC-01"));
    assert_eq!(
        f.package(&t(1)),
        ("active".into(), Some("SHELF-2".into()), 10)
    );
    // Released once: a second release is refused (it is active now).
    assert!(matches!(
        refusal(f.replica.act("S1", |v| release::release(
            v,
            &boss,
            &id_of(&t(1)),
            "RETEST-PASSED",
            ""
        ))),
        Refusal::WrongStatus {
            action: Action::Released,
            ..
        }
    ));
}

#[test]
fn lookup_history_shows_the_release_and_replay_equals_the_view() {
    let mut f = held_stock();
    let boss = f.session("S1", "4444");
    f.replica
        .act("S1", |v| {
            release::release(v, &boss, &id_of(&t(1)), "RETEST-PASSED", "retest")
        })
        .unwrap();
    f.replica
        .act("S1", |v| {
            release::release(v, &boss, &id_of(&t(2)), "ENTRY-ERROR", "")
        })
        .unwrap();
    let Found::Package(info) = lookup::lookup(f.replica.view(), &id_of(&t(1))).unwrap() else {
        panic!("a package")
    };
    assert_eq!(info.status, "active");
    assert_eq!(info.location_id.as_deref(), Some("QC-01"));
    assert_eq!(info.history[0].kind, "package_released");
    assert_eq!(info.history[0].actor, "S1");
    assert_eq!(info.history[0].origin, "local");
    assert_eq!(info.history[1].kind, "package_registered");
    assert_eq!(
        view_digest(f.replica.view()).unwrap(),
        replay_digest(f.replica.view()).unwrap()
    );
    // The release survives reopening the file.
    let (db, key) = (f.db(), f.key());
    let dir = f.dir;
    drop(f.replica);
    let reopened = Replica::open(&db, &key, clock()).unwrap();
    let status: String = reopened
        .view()
        .query_row("SELECT status FROM packages WHERE uid = ?1", [t(2)], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "active");
    drop(dir);
}

#[test]
fn stock_is_quarantined_to_the_cage_with_a_reason_and_only_from_stock() {
    let mut f = held_stock();
    let who = f.session("B1", "1111");
    let before = f.events();
    let err = f
        .replica
        .act("B1", |v| release::quarantine(v, &id_of(&t(7)), "NOPE", ""));
    assert!(matches!(refusal(err), Refusal::UnknownReason { .. }));
    let err = f
        .replica
        .act("B1", |v| release::quarantine(v, &id_of(&t(7)), " ", ""));
    assert!(matches!(refusal(err), Refusal::ReasonRequired { .. }));
    for n in [1, 5, 6] {
        let err = f.replica.act("B1", |v| {
            release::quarantine(v, &id_of(&t(n)), "DAMAGE", "")
        });
        assert!(
            matches!(
                refusal(err),
                Refusal::WrongStatus {
                    action: Action::Moved,
                    ..
                }
            ),
            "t({n}) is quarantined, destroyed or in transit"
        );
    }
    assert_eq!(f.events(), before, "refusals record nothing");
    let (done, recorded) = f
        .replica
        .act("B1", |v| {
            release::quarantine(v, &id_of(&t(7)), "DAMAGE", "crushed")
        })
        .unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(done.from.as_deref(), Some("SHELF-1"));
    assert_eq!(done.cage, "QC-01");
    assert_eq!(
        f.package(&t(7)),
        ("quarantined".into(), Some("QC-01".into()), 10)
    );
    // An operator quarantines; only a supervisor releases it again.
    let err = f.replica.act("B1", |v| {
        release::release(v, &who, &id_of(&t(7)), "RETEST-PASSED", "")
    });
    assert!(matches!(refusal(err), Refusal::NotSupervisor { .. }));
}

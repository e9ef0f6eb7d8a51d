//! Blind cycle counts against a real SQLite file: the counting connection cannot read expected
//! quantities, recounts by another counter, approval by a supervisor who did not count.

mod common;

use common::*;
use tally_events::payload::CountTaskIssued;
use tally_events::payload::PackageStatus;
use tally_events::{Payload, Quantity};
use tally_replica::workflow::count::{
    self, CountingView, Entered, Entry, LineClass, Scanned, TagRead, HIDDEN_FROM_COUNTER,
};
use tally_replica::{Refusal, ReplicaError};

fn refusal<T: std::fmt::Debug>(result: Result<T, ReplicaError>) -> Refusal {
    match result {
        Err(ReplicaError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// SHELF-1 holds t(1) 10 carts, t(2) 12 carts, t(3) 5.000 g flower; t(4) is on SHELF-2 (not
/// counted); task CT-1 counts SHELF-1.
fn counting_fixture(recount_by_another: bool) -> Fixture {
    let mut f = fixture_with(recount_by_another);
    f.replica
        .record(
            "ADMIN",
            vec![
                package(
                    &t(1),
                    "CART",
                    "CA-L1",
                    Quantity::Units(10),
                    "SHELF-1",
                    PackageStatus::Active,
                ),
                package(
                    &t(2),
                    "CART",
                    "CA-L2",
                    Quantity::Units(12),
                    "SHELF-1",
                    PackageStatus::Active,
                ),
                package(
                    &t(3),
                    "FLOWER",
                    "FL-L1",
                    Quantity::Milligrams(5_000),
                    "SHELF-1",
                    PackageStatus::Active,
                ),
                package(
                    &t(4),
                    "CART",
                    "CA-L1",
                    Quantity::Units(3),
                    "SHELF-2",
                    PackageStatus::Active,
                ),
                Payload::CountTaskIssued(CountTaskIssued {
                    count_task_id: "CT-1".into(),
                    locations: vec!["SHELF-1".into()],
                    items: vec![],
                    assigned_to: None,
                }),
            ],
        )
        .unwrap();
    f
}

#[test]
fn the_counting_connection_refuses_every_hidden_column() {
    let f = counting_fixture(true);
    let cv = f.replica.counting_view().unwrap();
    let conn = cv.connection();
    for (table, column) in HIDDEN_FROM_COUNTER {
        let sql = if *column == "*" {
            format!("SELECT * FROM {table}")
        } else {
            format!("SELECT {column} FROM {table}")
        };
        let err = conn
            .prepare(&sql)
            .err()
            .unwrap_or_else(|| panic!("{sql} must be refused"));
        assert!(
            err.to_string().contains("not authorized") || err.to_string().contains("prohibited"),
            "{sql}: {err}"
        );
    }
    // Indirect reads are refused too: aggregates, joins, listing what is expected here.
    for sql in [
        "SELECT sum(quantity) FROM packages",
        "SELECT count(*) FROM packages WHERE location_id = 'SHELF-1'",
        "SELECT uid FROM packages ORDER BY quantity",
        "SELECT c.uid FROM count_lines c JOIN count_expected e ON e.uid = c.uid",
        "SELECT bytes FROM event_log",
    ] {
        assert!(conn.prepare(sql).is_err(), "{sql} must be refused");
    }
    // What the counter needs stays readable.
    conn.prepare("SELECT uid, item_id FROM packages").unwrap();
    conn.prepare("SELECT id, status FROM count_tasks").unwrap();
    // And it cannot write.
    assert!(conn
        .execute("UPDATE count_tasks SET status = 'closed'", [])
        .is_err());
}

#[test]
fn a_blind_count_with_recount_by_another_and_supervisor_approval() {
    let mut f = counting_fixture(true);
    let b1 = f.session("B1", "1111");
    let b2 = f.session("B2", "2222");
    let s1 = f.session("S1", "4444");
    let cv = f.replica.counting_view().unwrap();
    let tasks = count::tasks(&cv).unwrap();
    assert_eq!(tasks[0].locations, vec!["SHELF-1".to_owned()]);
    let (round, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"))
        .unwrap();
    assert_eq!(round, 1);
    // Somebody else cannot join the count.
    let err = f.replica.act_counting(&cv, "B2", |cv| {
        count::scan(cv, &b2, "CT-1", "SHELF-1", &t(1))
    });
    assert!(matches!(refusal(err), Refusal::NotTheCounter { .. }));
    // A location outside the task is refused.
    let err = f.replica.act_counting(&cv, "B1", |cv| {
        count::scan(cv, &b1, "CT-1", "SHELF-2", &t(4))
    });
    assert!(matches!(refusal(err), Refusal::NotInCount { .. }));
    // RFID sweep: duplicates in the sweep and unreadable tags are ignored.
    let reads: Vec<TagRead> = [Some(t(1)), Some(t(1)), None, Some(t(3))]
        .into_iter()
        .map(|uid| TagRead {
            epc: uid.clone().unwrap_or_default().into_bytes(),
            uid,
        })
        .collect();
    let (tally, recorded) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::sweep(cv, &b1, "CT-1", "SHELF-1", "SLED-1", &reads)
        })
        .unwrap();
    assert_eq!((tally.new, tally.duplicates, tally.unreadable), (2, 1, 1));
    assert_eq!(recorded.len(), 1, "one sweep, one event");
    let (again, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::sweep(cv, &b1, "CT-1", "SHELF-1", "SLED-1", &reads)
        })
        .unwrap();
    assert_eq!((again.new, again.duplicates), (0, 3));
    // Barcode scans tell whether to weigh; submitting with quantities missing is refused.
    let (found, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::scan(cv, &b1, "CT-1", "SHELF-1", &t(3))
        })
        .unwrap();
    assert_eq!(
        found,
        Scanned::Found {
            uid: t(3),
            weighed: true
        }
    );
    let err = f.replica.submit_count(&cv, &b1, "CT-1");
    assert_eq!(refusal(err), Refusal::QuantitiesMissing { count: 2 });
    // Enter quantities: t(1) counted 9 (1 short), flower weighed 5.10 g (within 200 mg? no: +100 mg yes).
    let err = f.replica.act_counting(&cv, "B1", |cv| {
        count::enter(cv, &b1, "CT-1", "SHELF-1", &t(3), &Entry::Units(5), TODAY)
    });
    assert!(
        matches!(refusal(err), Refusal::WeighIt { .. }),
        "flower is weighed"
    );
    f.replica
        .act_counting(&cv, "B1", |cv| {
            count::enter(cv, &b1, "CT-1", "SHELF-1", &t(1), &Entry::Units(9), TODAY)
        })
        .unwrap();
    let (entered, recorded) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::enter(
                cv,
                &b1,
                "CT-1",
                "SHELF-1",
                &t(3),
                &Entry::Weighed(reading("5.10", true)),
                TODAY,
            )
        })
        .unwrap();
    assert_eq!(
        (entered, recorded.len()),
        (Entered::Recorded, 2),
        "the reading and the line"
    );
    let (dup, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::enter(cv, &b1, "CT-1", "SHELF-1", &t(1), &Entry::Units(10), TODAY)
        })
        .unwrap();
    assert_eq!(dup, Entered::Duplicate);
    // t(2) is not found at all. Submit: the counter learns which lines, not by how much.
    let (submitted, _) = f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(1), t(2)]);
    // The same counter may not recount.
    let err = f
        .replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"));
    assert_eq!(
        refusal(err),
        Refusal::RecountBySameCounter { badge: "B1".into() }
    );
    let (round, _) = f
        .replica
        .act_counting(&cv, "B2", |cv| count::start(cv, &b2, "CT-1"))
        .unwrap();
    assert_eq!(round, 2);
    f.replica
        .act_counting(&cv, "B2", |cv| {
            count::enter(cv, &b2, "CT-1", "SHELF-1", &t(1), &Entry::Units(9), TODAY)
        })
        .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &b2, "CT-1").unwrap();
    assert_eq!(
        submitted.recount,
        vec![t(1), t(2)],
        "still off: recount again"
    );
    let b3 = f.session("B3", "3333");
    f.replica
        .act_counting(&cv, "B3", |cv| count::start(cv, &b3, "CT-1"))
        .unwrap();
    f.replica
        .act_counting(&cv, "B3", |cv| {
            count::enter(cv, &b3, "CT-1", "SHELF-1", &t(1), &Entry::Units(9), TODAY)
        })
        .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &b3, "CT-1").unwrap();
    assert!(
        submitted.recount.is_empty(),
        "after the last allowed recount it goes to review"
    );
    // Review: the supervisor sees quantities; t(2) uncounted counts as zero.
    let err = count::review(f.replica.view(), &b1, "CT-1");
    assert!(matches!(refusal(err), Refusal::NotSupervisor { .. }));
    let lines = count::review(f.replica.view(), &s1, "CT-1").unwrap();
    let line = |uid: &str| lines.iter().find(|l| l.uid == uid).unwrap().clone();
    assert_eq!(
        (line(&t(1)).variance, line(&t(1)).class),
        (-1, LineClass::Found)
    );
    assert_eq!(
        (line(&t(2)).counted, line(&t(2)).class),
        (Quantity::Units(0), LineClass::Missing)
    );
    assert_eq!(line(&t(3)).variance, 100);
    assert!(!line(&t(3)).beyond_tolerance);
    // Closing with variances not adjusted is refused; the approver must not have counted.
    let err = f.replica.act("S1", |v| count::close(v, &s1, "CT-1"));
    assert_eq!(
        refusal(err),
        Refusal::VariancesOpen {
            task: "CT-1".into(),
            open: 3
        }
    );
    let err = f
        .replica
        .act("S1", |v| count::approve(v, &s1, "CT-1", &t(1), "NO-SUCH"));
    assert!(matches!(refusal(err), Refusal::UnknownReason { .. }));
    for (uid, reason) in [(t(1), "THEFT"), (t(2), "THEFT"), (t(3), "SCALE-VARIANCE")] {
        f.replica
            .act("S1", |v| count::approve(v, &s1, "CT-1", &uid, reason))
            .unwrap();
    }
    f.replica
        .act("S1", |v| count::close(v, &s1, "CT-1"))
        .unwrap();
    assert_eq!(f.package(&t(1)).2, 9);
    assert_eq!(f.package(&t(2)).2, 0);
    assert_eq!(f.package(&t(3)).2, 5_100);
    assert_eq!(f.package(&t(4)).2, 3, "packages elsewhere are untouched");
}

#[test]
fn a_supervisor_who_counted_cannot_approve() {
    let mut f = counting_fixture(false);
    let s1 = f.session("S1", "4444");
    let s2 = f.session("S2", "5555");
    let cv = f.replica.counting_view().unwrap();
    f.replica
        .act_counting(&cv, "S1", |cv| count::start(cv, &s1, "CT-1"))
        .unwrap();
    for (uid, n) in [(t(1), 10), (t(2), 11)] {
        f.replica
            .act_counting(&cv, "S1", |cv| {
                count::enter(cv, &s1, "CT-1", "SHELF-1", &uid, &Entry::Units(n), TODAY)
            })
            .unwrap();
    }
    f.replica
        .act_counting(&cv, "S1", |cv| {
            count::enter(
                cv,
                &s1,
                "CT-1",
                "SHELF-1",
                &t(3),
                &Entry::Weighed(reading("5.00", true)),
                TODAY,
            )
        })
        .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &s1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(2)]);
    // Without recount-by-another, the same person may recount.
    f.replica
        .act_counting(&cv, "S1", |cv| count::start(cv, &s1, "CT-1"))
        .unwrap();
    f.replica
        .act_counting(&cv, "S1", |cv| {
            count::enter(cv, &s1, "CT-1", "SHELF-1", &t(2), &Entry::Units(12), TODAY)
        })
        .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &s1, "CT-1").unwrap();
    assert!(submitted.recount.is_empty());
    let lines = count::review(f.replica.view(), &s2, "CT-1").unwrap();
    assert!(lines.iter().all(|l| l.variance == 0), "{lines:?}");
    let err = f.replica.act("S1", |v| count::close(v, &s1, "CT-1"));
    assert!(
        err.is_ok(),
        "closing needs no approval when nothing varies: {err:?}"
    );
    // A variance the counter would approve themselves:
    let mut g = counting_fixture(false);
    let s1 = g.session("S1", "4444");
    let cv = g.replica.counting_view().unwrap();
    g.replica
        .act_counting(&cv, "S1", |cv| count::start(cv, &s1, "CT-1"))
        .unwrap();
    g.replica.submit_count(&cv, &s1, "CT-1").unwrap();
    g.replica
        .act_counting(&cv, "S1", |cv| count::start(cv, &s1, "CT-1"))
        .unwrap();
    g.replica.submit_count(&cv, &s1, "CT-1").unwrap();
    g.replica
        .act_counting(&cv, "S1", |cv| count::start(cv, &s1, "CT-1"))
        .unwrap();
    g.replica.submit_count(&cv, &s1, "CT-1").unwrap();
    let err = g
        .replica
        .act("S1", |v| count::approve(v, &s1, "CT-1", &t(1), "THEFT"));
    assert_eq!(
        refusal(err),
        Refusal::ApproverIsCounter { badge: "S1".into() }
    );
}

#[test]
fn count_refusals_carry_no_quantities() {
    // Every refusal the counting steps can produce renders without a number of units or grams.
    let mut f = counting_fixture(true);
    let b1 = f.session("B1", "1111");
    let cv: CountingView = f.replica.counting_view().unwrap();
    let mut messages = Vec::new();
    let mut push = |r: Result<(), ReplicaError>| {
        if let Err(e) = r {
            messages.push(e.to_string());
        }
    };
    push(
        f.replica
            .act_counting(&cv, "B1", |cv| {
                count::scan(cv, &b1, "CT-1", "SHELF-1", &t(1))
            })
            .map(|_| ()),
    );
    f.replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"))
        .unwrap();
    push(
        f.replica
            .act_counting(&cv, "B1", |cv| {
                count::scan(cv, &b1, "CT-1", "SHELF-2", &t(4))
            })
            .map(|_| ()),
    );
    push(
        f.replica
            .act_counting(&cv, "B1", |cv| {
                count::enter(cv, &b1, "CT-1", "SHELF-1", &t(3), &Entry::Units(1), TODAY)
            })
            .map(|_| ()),
    );
    push(
        f.replica
            .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-404"))
            .map(|_| ()),
    );
    assert_eq!(messages.len(), 4, "{messages:?}");
    for m in &messages {
        let m = &[t(1), t(2), t(3), t(4)]
            .iter()
            .fold(m.clone(), |m, uid| m.replace(uid.as_str(), "<uid>"));
        for hidden in ["10", "12", "5000", "5.0", "5,0"] {
            assert!(!m.contains(hidden), "{m}");
        }
    }
}

#[test]
fn a_sweep_decodes_metrc_epcs_and_ignores_other_tags() {
    let mut f = counting_fixture(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    f.replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"))
        .unwrap();
    let reads = vec![
        // A Metrc EPC (96 bits, header 0x1A) the reader did not decode.
        TagRead {
            epc: hex::decode(t(2)).unwrap(),
            uid: None,
        },
        // An SGTIN-96 from a GS1 label: not a package tag.
        TagRead {
            epc: hex::decode("3074257BF7194E4000001A85").unwrap(),
            uid: None,
        },
        // The same package decoded by the reader.
        TagRead {
            epc: hex::decode(t(2)).unwrap(),
            uid: Some(t(2)),
        },
    ];
    let (tally, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::sweep(cv, &b1, "CT-1", "SHELF-1", "SLED-1", &reads)
        })
        .unwrap();
    assert_eq!((tally.new, tally.duplicates, tally.unreadable), (1, 1, 1));
    let lines = count::my_lines(&cv, &b1, "CT-1").unwrap();
    assert_eq!(
        lines.iter().map(|l| l.uid.clone()).collect::<Vec<_>>(),
        vec![t(2)]
    );
    assert_eq!(lines[0].quantity, None, "found, quantity still to enter");
}

/// A sweep of more tags than one record holds (1,024) is recorded as several events in one
/// action: every tag counted, no event over the limit, all or nothing.
#[test]
fn a_long_sweep_is_split_into_events_of_at_most_1024_tags_in_one_action() {
    let mut f = counting_fixture(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    f.replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"))
        .unwrap();
    let reads: Vec<TagRead> = (0..2_500u64)
        .map(|n| TagRead {
            epc: hex::decode(t(50_000 + n)).unwrap(),
            uid: None,
        })
        .collect();
    let before = f.events();
    let (tally, recorded) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::sweep(cv, &b1, "CT-1", "SHELF-1", "SLED-1", &reads)
        })
        .unwrap();
    assert_eq!(tally.new, 2_500);
    assert_eq!(recorded.len(), 3, "1,024 + 1,024 + 452 tags");
    assert_eq!(f.events(), before + 3);
    let sizes: Vec<usize> = f
        .replica
        .view()
        .prepare("SELECT bytes FROM event_log ORDER BY seq DESC LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|bytes| bytes.unwrap().len())
        .collect();
    assert!(sizes.iter().all(|len| *len <= 65_535), "{sizes:?}");
    assert_eq!(count::my_lines(&cv, &b1, "CT-1").unwrap().len(), 2_500);
}

/// A failed calibration check blocks weighing on that scale during a count.
#[test]
fn a_failed_calibration_check_blocks_count_weighings_on_that_scale() {
    use tally_events::payload::{CheckResult, ScaleCalibrationChecked};
    use tally_events::MassUnit;
    let mut f = counting_fixture(true);
    f.replica
        .record(
            "S1",
            vec![Payload::ScaleCalibrationChecked(ScaleCalibrationChecked {
                scale_id: "SCALE-01".into(),
                reference_value: "500.00".into(),
                reference_unit: MassUnit::G,
                reading_value: "497.10".into(),
                reading_unit: MassUnit::G,
                result: CheckResult::Fail,
            })],
        )
        .unwrap();
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    f.replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"))
        .unwrap();
    let err = f.replica.act_counting(&cv, "B1", |cv| {
        count::enter(
            cv,
            &b1,
            "CT-1",
            "SHELF-1",
            &t(3),
            &Entry::Weighed(reading("5.00", true)),
            TODAY,
        )
    });
    assert_eq!(
        refusal(err),
        Refusal::CalibrationCheckFailed {
            scale: "SCALE-01".into()
        }
    );
}

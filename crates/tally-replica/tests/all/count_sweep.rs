//! A count sweep names the count task and round it belongs to (kind 279): the workflow checks
//! duplicates in the named task's round and the fold files the finds there, even when the
//! same counter has another task open at the same location. Attacks: a sweep naming a task of
//! another location, a closed task, another counter's task, an earlier round; old sweeps
//! (kind 17, no task) keep folding as before.

use tally_events::payload::{
    CountClosed, CountSweepRecorded, CountTaskIssued, RfidSweepRecorded, RfidTagRead,
};
use tally_events::{Bytes, Payload, SignedEvent};
use tally_replica::workflow::count::{self, Entry, TagRead};
use tally_replica::{Recorded, Refusal};
use tally_testkit::*;

/// [`counting_stock`] plus CT-2 (SHELF-1 too), CT-3 (SHELF-2) and CT-4 (SHELF-1, assigned to
/// B2).
fn two_tasks_at_one_location(recount_by_another: bool) -> Fixture {
    let mut f = counting_stock(recount_by_another);
    let task = |id: &str, location: &str, assigned_to: Option<&str>| {
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: id.into(),
            locations: vec![location.into()],
            items: vec![],
            assigned_to: assigned_to.map(Into::into),
        })
    };
    f.stock(vec![
        task("CT-2", "SHELF-1", None),
        task("CT-3", "SHELF-2", None),
        task("CT-4", "SHELF-1", Some("B2")),
    ]);
    f
}

/// The reads of an RFID sweep over the tags `t(n)` of `ns`.
fn reads(ns: &[u64]) -> Vec<TagRead> {
    ns.iter()
        .map(|n| epc_read(hex::decode(t(*n)).unwrap()))
        .collect()
}

/// A kind 279 event as a device could sign it, bypassing the workflow.
fn forged(task: &str, round: u8, location: &str, ns: &[u64]) -> Payload {
    Payload::CountSweepRecorded(CountSweepRecorded {
        count_task_id: task.into(),
        round,
        reader: "SLED-1".into(),
        location: location.into(),
        tags: ns
            .iter()
            .map(|n| RfidTagRead {
                epc: Bytes(hex::decode(t(*n)).unwrap()),
                decoded_uid: Some(t(*n)),
            })
            .collect(),
    })
}

/// The writer side's lines of a task's round (found by a sweep or entered), in UID order.
fn lines(f: &Fixture, task: &str, round: i64) -> Vec<String> {
    f.replica
        .view()
        .prepare("SELECT uid FROM count_lines WHERE task_id = ?1 AND round = ?2 ORDER BY uid")
        .unwrap()
        .query_map(rusqlite::params![task, round], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every task's lines holding `uid`, as (task, round).
fn filed(f: &Fixture, uid: &str) -> Vec<(String, i64)> {
    f.replica
        .view()
        .prepare("SELECT task_id, round FROM count_lines WHERE uid = ?1 ORDER BY task_id, round")
        .unwrap()
        .query_map([uid], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The payload of a recorded event, read back from the log.
fn payload_of(f: &Fixture, recorded: &Recorded) -> Payload {
    let bytes: Vec<u8> = f
        .replica
        .view()
        .query_row(
            "SELECT bytes FROM event_log WHERE seq = ?1",
            [i64::try_from(recorded.seq).unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    SignedEvent::from_bytes(bytes).unwrap().payload().unwrap()
}

fn uids(ns: &[u64]) -> Vec<String> {
    ns.iter().map(|n| t(*n)).collect()
}

#[test]
fn a_sweep_is_filed_under_the_task_it_names_when_two_are_open_at_one_location() {
    let mut f = two_tasks_at_one_location(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    for task in ["CT-1", "CT-2"] {
        start(&mut f, &cv, &b1, task).unwrap();
    }
    // The second task by id first: the fold used to file it under CT-1.
    let (tally, recorded) = sweep(&mut f, &cv, &b1, ("CT-2", "SHELF-1"), &reads(&[1, 2])).unwrap();
    assert_eq!((tally.new, tally.duplicates), (2, 0));
    assert_eq!(recorded.len(), 1);
    match payload_of(&f, &recorded[0]) {
        Payload::CountSweepRecorded(p) => {
            assert_eq!((p.count_task_id.as_str(), p.round), ("CT-2", 1));
            assert_eq!(p.location, "SHELF-1");
            assert_eq!(p.tags.len(), 2);
        }
        other => panic!("a count sweep names its task: {other:?}"),
    }
    assert_eq!(lines(&f, "CT-2", 1), uids(&[1, 2]));
    assert!(lines(&f, "CT-1", 1).is_empty());
    assert_eq!(count::my_lines(&cv, &b1, "CT-2").unwrap().len(), 2);
    assert!(count::my_lines(&cv, &b1, "CT-1").unwrap().is_empty());
    // CT-1's round has found nothing yet: t(1) is new there, not a duplicate of CT-2's.
    let (tally, _) = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads(&[1])).unwrap();
    assert_eq!((tally.new, tally.duplicates), (1, 0));
    assert_eq!(lines(&f, "CT-1", 1), uids(&[1]));
    // And duplicates are checked where the finds were filed.
    let (tally, _) = sweep(&mut f, &cv, &b1, ("CT-2", "SHELF-1"), &reads(&[1, 2, 3])).unwrap();
    assert_eq!((tally.new, tally.duplicates), (1, 2));
    assert_eq!(lines(&f, "CT-2", 1), uids(&[1, 2, 3]));
    assert_eq!(lines(&f, "CT-1", 1), uids(&[1]));
    // A replay of the log folds the same view.
    let view = tally_replica::stats::view_digest(f.replica.view()).unwrap();
    let replay = tally_replica::stats::replay_digest(f.replica.view()).unwrap();
    assert_eq!(view, replay);
}

#[test]
fn a_sweep_naming_a_task_of_another_location_files_nothing() {
    let mut f = two_tasks_at_one_location(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    for task in ["CT-1", "CT-3"] {
        start(&mut f, &cv, &b1, task).unwrap();
    }
    let before = f.events();
    for (task, location) in [("CT-3", "SHELF-1"), ("CT-1", "SHELF-2")] {
        let err = f.replica.act_counting(&cv, "B1", |cv| {
            count::sweep(cv, &b1, task, location, "SLED-1", &reads(&[1]))
        });
        assert!(
            matches!(refusal(err), Refusal::NotInCount { .. }),
            "{task} at {location}"
        );
    }
    assert_eq!(f.events(), before, "a refusal records nothing");
    // Signed anyway: CT-3 does not count SHELF-1, and the sweep is not CT-1's either (B1's
    // task at SHELF-1, where a sweep without a task would have gone).
    f.replica
        .record("B1", vec![forged("CT-3", 1, "SHELF-1", &[1])])
        .unwrap();
    assert!(filed(&f, &t(1)).is_empty());
    assert!(count::my_lines(&cv, &b1, "CT-1").unwrap().is_empty());
    assert!(count::my_lines(&cv, &b1, "CT-3").unwrap().is_empty());
}

#[test]
fn a_sweep_naming_a_closed_or_submitted_task_files_nothing() {
    let mut f = two_tasks_at_one_location(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    for task in ["CT-1", "CT-2"] {
        start(&mut f, &cv, &b1, task).unwrap();
    }
    // CT-2 is closed by a supervisor in the middle of its count.
    f.replica
        .record(
            "S1",
            vec![Payload::CountClosed(CountClosed {
                count_task_id: "CT-2".into(),
            })],
        )
        .unwrap();
    let err = sweep(&mut f, &cv, &b1, ("CT-2", "SHELF-1"), &reads(&[1]));
    assert!(matches!(refusal(err), Refusal::CountNotStarted { .. }));
    f.replica
        .record("B1", vec![forged("CT-2", 1, "SHELF-1", &[1])])
        .unwrap();
    assert!(filed(&f, &t(1)).is_empty(), "{:?}", filed(&f, &t(1)));
    // CT-1 is counted in full and submitted: a late sweep is refused, and files nothing.
    sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads(&[1, 2])).unwrap();
    for (n, units) in [(1, 10), (2, 12)] {
        enter(
            &mut f,
            &cv,
            &b1,
            ("CT-1", "SHELF-1"),
            &t(n),
            Entry::Units(units),
        )
        .unwrap();
    }
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(3),
        Entry::Weighed(reading("5.00", true)),
    )
    .unwrap();
    f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    let err = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads(&[9]));
    assert!(matches!(refusal(err), Refusal::CountNotStarted { .. }));
    f.replica
        .record("B1", vec![forged("CT-1", 1, "SHELF-1", &[9])])
        .unwrap();
    assert!(filed(&f, &t(9)).is_empty());
    assert_eq!(lines(&f, "CT-1", 1), uids(&[1, 2, 3]));
}

#[test]
fn a_sweep_naming_another_counters_task_files_nothing() {
    let mut f = two_tasks_at_one_location(true);
    let b1 = f.session("B1", "1111");
    let b2 = f.session("B2", "2222");
    let cv = f.replica.counting_view().unwrap();
    // CT-4 is assigned to B2: B1 cannot start it, nor sweep into it once B2 has.
    let err = start(&mut f, &cv, &b1, "CT-4");
    assert!(matches!(refusal(err), Refusal::NotTheCounter { .. }));
    start(&mut f, &cv, &b2, "CT-4").unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let err = sweep(&mut f, &cv, &b1, ("CT-4", "SHELF-1"), &reads(&[1]));
    assert!(matches!(refusal(err), Refusal::NotTheCounter { .. }));
    // Signed by B1 naming B2's task: filed neither in B2's round nor in B1's own CT-1.
    f.replica
        .record("B1", vec![forged("CT-4", 1, "SHELF-1", &[1])])
        .unwrap();
    assert!(filed(&f, &t(1)).is_empty());
    assert!(count::my_lines(&cv, &b2, "CT-4").unwrap().is_empty());
    // B2's own sweep is filed in CT-4.
    sweep(&mut f, &cv, &b2, ("CT-4", "SHELF-1"), &reads(&[1])).unwrap();
    assert_eq!(filed(&f, &t(1)), vec![("CT-4".to_owned(), 1)]);
}

#[test]
fn a_recount_by_the_first_counter_files_its_sweep_in_the_new_round_only() {
    // The facility lets the first counter recount.
    let mut f = two_tasks_at_one_location(false);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads(&[1, 2])).unwrap();
    // t(1) is short (7 of 10): it is recounted.
    for (n, units) in [(1, 7), (2, 12)] {
        enter(
            &mut f,
            &cv,
            &b1,
            ("CT-1", "SHELF-1"),
            &t(n),
            Entry::Units(units),
        )
        .unwrap();
    }
    let (submitted, _) = f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    assert!(submitted.recount.contains(&t(1)), "{submitted:?}");
    let (round, _) = start(&mut f, &cv, &b1, "CT-1").unwrap();
    assert_eq!(round, 2);
    // Round 1 found t(1): round 2 finds it afresh, and files it in round 2.
    let (tally, recorded) = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads(&[1])).unwrap();
    assert_eq!((tally.new, tally.duplicates), (1, 0));
    match payload_of(&f, &recorded[0]) {
        Payload::CountSweepRecorded(p) => {
            assert_eq!((p.count_task_id.as_str(), p.round), ("CT-1", 2))
        }
        other => panic!("a count sweep names its round: {other:?}"),
    }
    assert_eq!(lines(&f, "CT-1", 2), uids(&[1]));
    assert_eq!(lines(&f, "CT-1", 1), uids(&[1, 2]));
    // A sweep naming the round that is over files nothing, in either round.
    f.replica
        .record("B1", vec![forged("CT-1", 1, "SHELF-1", &[8])])
        .unwrap();
    assert!(filed(&f, &t(8)).is_empty());
    assert_eq!(count::my_lines(&cv, &b1, "CT-1").unwrap().len(), 1);
}

/// Logs written before kind 279 keep folding as they did: a sweep without a task goes to the
/// actor's counting task at the location, the first by id.
#[test]
fn an_old_sweep_without_a_task_folds_as_before() {
    let mut f = two_tasks_at_one_location(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    for task in ["CT-2", "CT-1"] {
        start(&mut f, &cv, &b1, task).unwrap();
    }
    let old = |location: Option<&str>, n: u64| {
        Payload::RfidSweepRecorded(RfidSweepRecorded {
            reader: "SLED-1".into(),
            location: location.map(Into::into),
            tags: vec![RfidTagRead {
                epc: Bytes(hex::decode(t(n)).unwrap()),
                decoded_uid: Some(t(n)),
            }],
        })
    };
    f.replica
        .record(
            "B1",
            vec![
                old(Some("SHELF-1"), 1),
                old(None, 2),
                old(Some("SHELF-2"), 3),
            ],
        )
        .unwrap();
    assert_eq!(filed(&f, &t(1)), vec![("CT-1".to_owned(), 1)]);
    assert!(filed(&f, &t(2)).is_empty(), "no location, no task");
    assert!(filed(&f, &t(3)).is_empty(), "no task of B1 counts SHELF-2");
    // Another counter's old sweep at the location goes nowhere.
    f.replica
        .record("B2", vec![old(Some("SHELF-1"), 4)])
        .unwrap();
    assert!(filed(&f, &t(4)).is_empty());
}

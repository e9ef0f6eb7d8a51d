//! Blind cycle counts against a real SQLite file: the counting connection cannot read expected
//! quantities, recounts by another counter, approval by a supervisor who did not count.

use tally_events::payload::{
    CountTaskIssued, FacilityStateSystemDefined, InboundManifestIssued, ManifestLine,
    PackageStatus, PickListIssued, PickListLine, StateSystem,
};
use tally_events::{Payload, Quantity};
use tally_replica::refusal::{Action, Language};
use tally_replica::workflow::count::{
    self, CountingView, Entered, Entry, LineClass, Scanned, TagRead, COUNTER_STATEMENTS,
};
use tally_replica::workflow::counter_wall::{Wall, COUNTER_READABLE};
use tally_replica::workflow::destruction::{self, Destruction};
use tally_replica::workflow::lookup::{self, Found};
use tally_replica::workflow::moves;
use tally_replica::workflow::picking::{self, Pick};
use tally_replica::workflow::receiving;
use tally_replica::{Refusal, Replica, ReplicaError};
use tally_testkit::*;

/// Opens a connection on the replica file the way the counting view does and raises the
/// counter's wall on it: what an attacker holding the counting path's connection could try.
fn walled(f: &Fixture) -> (rusqlite::Connection, Wall) {
    let conn =
        rusqlite::Connection::open_with_flags(f.db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.execute_batch("PRAGMA query_only=1").unwrap();
    let wall = Wall::raise(&conn).unwrap();
    (conn, wall)
}

/// Every way found to read an expected quantity, a package's location or an earlier round
/// through SQL on the counting connection. Before the counter's projection and the plan check,
/// the USING, NATURAL-shaped, recursive CTE, cross-round, `quote()`, `sqlite_master`, PRAGMA,
/// ATTACH and temporary-view shapes below all passed the authorizer.
const ATTACKS: &[&str] = &[
    // Columns SQLite builds for USING / NATURAL without asking the authorizer.
    "SELECT uid FROM packages JOIN count_expected USING (uid)",
    "SELECT uid FROM count_task_locations JOIN count_expected USING (location_id)",
    "SELECT uid FROM packages NATURAL JOIN count_expected",
    "SELECT task_id FROM count_task_locations NATURAL JOIN count_expected",
    "SELECT uid FROM counter_lines JOIN packages USING (uid, location_id)",
    "SELECT uid FROM counter_lines NATURAL JOIN packages",
    "SELECT l.uid FROM counter_lines l JOIN count_lines USING (task_id, uid, round)",
    // A recursive CTE joined USING (quantity): every package's quantity.
    "WITH RECURSIVE n(quantity) AS (SELECT 0 UNION ALL SELECT quantity + 1 FROM n WHERE quantity < 100000)
     SELECT uid, quantity FROM n JOIN packages USING (quantity)",
    "WITH RECURSIVE n(quantity) AS (SELECT 0 UNION ALL SELECT quantity + 1 FROM n WHERE quantity < 100)
     SELECT uid, quantity FROM n JOIN count_expected USING (quantity)",
    "WITH RECURSIVE n(location_id) AS (SELECT 'SHELF-1') SELECT uid FROM n JOIN packages USING (location_id)",
    "WITH e AS (SELECT * FROM count_expected) SELECT count(*) FROM e",
    // Earlier rounds and other counters' numbers.
    "SELECT uid, round, quantity FROM count_lines",
    "SELECT quote(quantity) FROM count_lines",
    "SELECT typeof(quantity) FROM count_lines",
    "SELECT count(*) FROM count_lines WHERE round = 1",
    // Direct and indirect reads of hidden columns.
    "SELECT quantity FROM packages",
    "SELECT location_id FROM packages",
    "SELECT measured_mg FROM packages",
    "SELECT uid FROM packages ORDER BY quantity",
    "SELECT sum(quantity) FROM packages",
    "SELECT count(*) FROM packages WHERE location_id = 'SHELF-1'",
    "SELECT count(*) FROM count_expected",
    "SELECT * FROM count_expected",
    "SELECT * FROM adjustments",
    "SELECT (SELECT quantity FROM packages WHERE uid = c.uid) FROM counter_lines c",
    "SELECT uid FROM packages WHERE EXISTS (SELECT 1 FROM count_expected e WHERE e.uid = packages.uid)",
    "SELECT uid FROM packages WHERE uid IN (SELECT uid FROM count_expected)",
    "SELECT uid FROM counter_lines UNION SELECT uid FROM count_expected",
    "SELECT c.uid FROM counter_lines c JOIN count_expected e ON e.uid = c.uid",
    "SELECT uid FROM packages INDEXED BY packages_location WHERE location_id = 'SHELF-1'",
    "SELECT uid FROM packages NOT INDEXED",
    "SELECT uid FROM packages p JOIN packages q USING (uid)",
    "SELECT bytes FROM event_log",
    "SELECT count(*) FROM event_log",
    "SELECT bytes FROM remote_events",
    "SELECT quantity FROM inbound_lines",
    "SELECT weight_mg FROM readings",
    "SELECT quantity FROM picks",
    // Nor anything else outside the projection (PIN verifiers are not the counter's either).
    "SELECT sealed, salt FROM pin_verifiers",
    "SELECT uid FROM counter_lines NATURAL JOIN pin_attempts",
    // The schema, pragmas, other databases, temporary objects, writes.
    "SELECT sql FROM sqlite_master",
    "SELECT name FROM sqlite_schema",
    "SELECT * FROM sqlite_temp_master",
    "PRAGMA table_info(packages)",
    "SELECT * FROM pragma_table_info('packages')",
    "PRAGMA query_only=0",
    "ATTACH DATABASE 'copy.db' AS copy",
    "CREATE TEMP VIEW v AS SELECT quantity FROM packages",
    "CREATE TEMP TABLE t AS SELECT * FROM count_expected",
    "UPDATE count_tasks SET status = 'closed'",
    "DELETE FROM counter_lines",
    "SELECT load_extension('x')",
    "SELECT readfile('/etc/passwd')",
    // The facility's state system is readable (a tag of another system is no package): it
    // opens no door to anything else, and the counter cannot change what a tag is.
    "SELECT f.state_system, e.quantity FROM facility_state_systems f JOIN count_expected e ON 1",
    "SELECT state_system FROM facility_state_systems NATURAL JOIN count_expected",
    "SELECT state_system FROM facility_state_systems NATURAL JOIN packages",
    "SELECT f.state_system FROM facility_state_systems f JOIN packages p ON p.location_id = f.facility_id",
    "SELECT f.state_system FROM facility_state_systems f JOIN count_lines l ON l.counter = f.facility_id",
    "SELECT state_system FROM facility_state_systems WHERE facility_id IN (SELECT location_id FROM packages)",
    "SELECT state_system FROM facility_state_systems UNION SELECT uid FROM count_expected",
    "WITH s AS (SELECT * FROM facility_state_systems) SELECT * FROM s JOIN count_expected USING (uid)",
    "UPDATE facility_state_systems SET state_system = 'biotrack'",
    "DELETE FROM facility_state_systems",
    "INSERT OR REPLACE INTO facility_state_systems VALUES ('FAC-1', 'biotrack')",
    "CREATE TEMP TRIGGER s AFTER INSERT ON counter_lines BEGIN DELETE FROM facility_state_systems; END",
];

#[test]
fn no_sql_shape_gets_an_expected_quantity_through_the_counter_wall() {
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(9),
    )
    .unwrap();
    let (conn, wall) = walled(&f);
    for sql in ATTACKS {
        match wall.admit(&conn, sql) {
            Err(ReplicaError::CounterWall(_)) => {}
            other => panic!("{sql} must be refused by the counter's wall, got {other:?}"),
        }
    }
    // The USING shapes get past the authorizer itself (SQLite does not ask it about those
    // columns): the plan check is what refuses them.
    let using = "SELECT uid FROM packages JOIN count_expected USING (uid)";
    conn.prepare(using)
        .expect("SQLite compiles the USING join under the allowlist authorizer");
    match wall.admit(&conn, using) {
        Err(ReplicaError::CounterWall(breach)) => {
            assert!(breach.reason.contains("it opens"), "{breach}")
        }
        other => panic!("{other:?}"),
    }
    // Every statement the counting path runs is admitted, and none uses a join SQLite builds
    // without the authorizer.
    for sql in COUNTER_STATEMENTS {
        wall.admit(&conn, sql).unwrap();
        let upper = sql.to_uppercase();
        assert!(
            !upper.contains("USING") && !upper.contains("NATURAL"),
            "{sql}"
        );
    }
}

/// A scan during a count is read under the facility's state system, on the counting
/// connection: at a BioTrack site a Metrc tag is no package (scanned, entered or swept), and the
/// open counting view sees the facility's system change.
#[test]
fn counting_reads_the_facility_state_system() {
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let define = |f: &mut Fixture, state_system| {
        f.stock(vec![Payload::FacilityStateSystemDefined(
            FacilityStateSystemDefined {
                facility_id: "FAC-1".into(),
                state_system,
            },
        )]);
    };
    define(&mut f, StateSystem::BioTrack);
    let before = f.events();
    let err = f.replica.act_counting(&cv, "B1", |cv| {
        count::scan(cv, &b1, "CT-1", "SHELF-1", &id_of(&t(1)))
    });
    assert!(
        matches!(refusal(err), Refusal::NotATag { scan } if scan == t(1)),
        "a Metrc tag is no package at a BioTrack site"
    );
    let err = enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(10),
    );
    assert!(matches!(refusal(err), Refusal::NotATag { .. }));
    let (tally, recorded) = sweep(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &[epc_read(hex::decode(t(2)).unwrap())],
    )
    .unwrap();
    assert_eq!((tally.new, tally.duplicates, tally.unreadable), (0, 0, 1));
    assert!(recorded.is_empty());
    assert_eq!(f.events(), before, "nothing recorded");
    // The facility is a Metrc site after all: the same counting view reads its tags.
    define(&mut f, StateSystem::Metrc);
    let (scanned, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::scan(cv, &b1, "CT-1", "SHELF-1", &id_of(&t(1)))
        })
        .unwrap();
    assert_eq!(
        scanned,
        Scanned::Found {
            uid: t(1),
            weighed: false
        }
    );
    let (tally, _) = sweep(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &[epc_read(hex::decode(t(2)).unwrap())],
    )
    .unwrap();
    assert_eq!((tally.new, tally.unreadable), (1, 0));
}

#[test]
fn the_counter_projection_holds_only_the_current_round() {
    // A recount "by another counter" must not see round 1's numbers anywhere it can read.
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let b2 = f.session("B2", "2222");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    // Round 1's numbers are distinctive so that any trace of them can be found.
    for (uid, n) in [(t(1), 7_771), (t(2), 12_345)] {
        enter(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &uid, Entry::Units(n)).unwrap();
    }
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(3),
        Entry::Weighed(reading("5.43", true)),
    )
    .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(1), t(2), t(3)]);
    start(&mut f, &cv, &b2, "CT-1").unwrap();
    assert!(count::my_lines(&cv, &b2, "CT-1").unwrap().is_empty());
    // What the counter's wall lets through holds nothing of round 1.
    let (conn, wall) = walled(&f);
    for (table, _) in COUNTER_READABLE {
        let sql = if *table == "packages" {
            "SELECT uid, item_id FROM packages INDEXED BY packages_counter_items".to_owned()
        } else {
            format!("SELECT * FROM {table}")
        };
        wall.admit(&conn, &sql).unwrap();
        let mut stmt = conn.prepare(&sql).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                if let rusqlite::types::ValueRef::Integer(v) = row.get_ref(i).unwrap() {
                    assert!(
                        ![7_771, 12_345, 5_430].contains(&v),
                        "{table} shows {v} to the round 2 counter"
                    );
                }
            }
        }
    }
    // The round 2 counter counts t(1) afresh; the evaluation still sees every round.
    enter(
        &mut f,
        &cv,
        &b2,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(10),
    )
    .unwrap();
    let lines = count::my_lines(&cv, &b2, "CT-1").unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].quantity, Some(Quantity::Units(10)));
    f.replica.submit_count(&cv, &b2, "CT-1").unwrap();
    let rounds: i64 = f
        .replica
        .view()
        .query_row(
            "SELECT count(DISTINCT round) FROM count_lines WHERE task_id = 'CT-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rounds, 2, "the writer side keeps every round");
}

#[test]
fn a_blind_count_with_recount_by_another_and_supervisor_approval() {
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let b2 = f.session("B2", "2222");
    let s1 = f.session("S1", "4444");
    let cv = f.replica.counting_view().unwrap();
    let tasks = count::tasks(&cv).unwrap();
    assert_eq!(tasks[0].locations, vec!["SHELF-1".to_owned()]);
    let (round, _) = start(&mut f, &cv, &b1, "CT-1").unwrap();
    assert_eq!(round, 1);
    // Somebody else cannot join the count.
    let err = f.replica.act_counting(&cv, "B2", |cv| {
        count::scan(cv, &b2, "CT-1", "SHELF-1", &id_of(&t(1)))
    });
    assert!(matches!(refusal(err), Refusal::NotTheCounter { .. }));
    // A location outside the task is refused.
    let err = f.replica.act_counting(&cv, "B1", |cv| {
        count::scan(cv, &b1, "CT-1", "SHELF-2", &id_of(&t(4)))
    });
    assert!(matches!(refusal(err), Refusal::NotInCount { .. }));
    // RFID sweep: duplicates in the sweep and unreadable tags are ignored.
    let reads: Vec<TagRead> = [Some(t(1)), Some(t(1)), None, Some(t(3))]
        .into_iter()
        .map(|uid| TagRead {
            epc: uid.clone().unwrap_or_default().into_bytes(),
            identifier: uid.as_deref().map(id_of),
        })
        .collect();
    let (tally, recorded) = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads).unwrap();
    assert_eq!((tally.new, tally.duplicates, tally.unreadable), (2, 1, 1));
    assert_eq!(recorded.len(), 1, "one sweep, one event");
    let (again, _) = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads).unwrap();
    assert_eq!((again.new, again.duplicates), (0, 3));
    // Barcode scans tell whether to weigh; submitting with quantities missing is refused.
    let (found, _) = f
        .replica
        .act_counting(&cv, "B1", |cv| {
            count::scan(cv, &b1, "CT-1", "SHELF-1", &id_of(&t(3)))
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
    let err = enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(3),
        Entry::Units(5),
    );
    assert!(
        matches!(refusal(err), Refusal::WeighIt { .. }),
        "flower is weighed"
    );
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(9),
    )
    .unwrap();
    let (entered, recorded) = enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(3),
        Entry::Weighed(reading("5.10", true)),
    )
    .unwrap();
    assert_eq!(
        (entered, recorded.len()),
        (Entered::Recorded, 2),
        "the reading and the line"
    );
    let (dup, _) = enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(10),
    )
    .unwrap();
    assert_eq!(dup, Entered::Duplicate);
    // t(2) is not found at all. Submit: the counter learns which lines, not by how much.
    let (submitted, _) = f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(1), t(2)]);
    // The same counter may not recount.
    let err = start(&mut f, &cv, &b1, "CT-1");
    assert_eq!(
        refusal(err),
        Refusal::RecountBySameCounter { badge: "B1".into() }
    );
    let (round, _) = start(&mut f, &cv, &b2, "CT-1").unwrap();
    assert_eq!(round, 2);
    enter(
        &mut f,
        &cv,
        &b2,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(9),
    )
    .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &b2, "CT-1").unwrap();
    assert_eq!(
        submitted.recount,
        vec![t(1), t(2)],
        "still off: recount again"
    );
    let b3 = f.session("B3", "3333");
    start(&mut f, &cv, &b3, "CT-1").unwrap();
    enter(
        &mut f,
        &cv,
        &b3,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(9),
    )
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
    let err = f.replica.act("S1", |v| {
        count::approve(v, &s1, "CT-1", &tag_of(&t(1)), "NO-SUCH")
    });
    assert!(matches!(refusal(err), Refusal::UnknownReason { .. }));
    for (uid, reason) in [(t(1), "THEFT"), (t(2), "THEFT"), (t(3), "SCALE-VARIANCE")] {
        f.replica
            .act("S1", |v| {
                count::approve(v, &s1, "CT-1", &tag_of(&uid), reason)
            })
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
    let mut f = counting_stock(false);
    let s1 = f.session("S1", "4444");
    let s2 = f.session("S2", "5555");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &s1, "CT-1").unwrap();
    for (uid, n) in [(t(1), 10), (t(2), 11)] {
        enter(&mut f, &cv, &s1, ("CT-1", "SHELF-1"), &uid, Entry::Units(n)).unwrap();
    }
    enter(
        &mut f,
        &cv,
        &s1,
        ("CT-1", "SHELF-1"),
        &t(3),
        Entry::Weighed(reading("5.00", true)),
    )
    .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &s1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(2)]);
    // Without recount-by-another, the same person may recount.
    start(&mut f, &cv, &s1, "CT-1").unwrap();
    enter(
        &mut f,
        &cv,
        &s1,
        ("CT-1", "SHELF-1"),
        &t(2),
        Entry::Units(12),
    )
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
    let mut g = counting_stock(false);
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
    let err = g.replica.act("S1", |v| {
        count::approve(v, &s1, "CT-1", &tag_of(&t(1)), "THEFT")
    });
    assert_eq!(
        refusal(err),
        Refusal::ApproverIsCounter { badge: "S1".into() }
    );
}

#[test]
fn count_refusals_carry_no_quantities() {
    // Every refusal the counting steps can produce renders without a number of units or grams.
    let mut f = counting_stock(true);
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
                count::scan(cv, &b1, "CT-1", "SHELF-1", &id_of(&t(1)))
            })
            .map(|_| ()),
    );
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    push(
        f.replica
            .act_counting(&cv, "B1", |cv| {
                count::scan(cv, &b1, "CT-1", "SHELF-2", &id_of(&t(4)))
            })
            .map(|_| ()),
    );
    push(
        enter(
            &mut f,
            &cv,
            &b1,
            ("CT-1", "SHELF-1"),
            &t(3),
            Entry::Units(1),
        )
        .map(|_| ()),
    );
    push(start(&mut f, &cv, &b1, "CT-404").map(|_| ()));
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
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let reads = vec![
        // A Metrc EPC (96 bits, header 0x1A) the reader did not decode.
        epc_read(hex::decode(t(2)).unwrap()),
        // An SGTIN-96 from a GS1 label: not a package tag.
        epc_read(hex::decode("3074257BF7194E4000001A85").unwrap()),
        // The same package decoded by the reader.
        TagRead {
            epc: hex::decode(t(2)).unwrap(),
            identifier: Some(id_of(&t(2))),
        },
    ];
    let (tally, _) = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads).unwrap();
    assert_eq!((tally.new, tally.duplicates, tally.unreadable), (1, 1, 1));
    let lines = count::my_lines(&cv, &b1, "CT-1").unwrap();
    assert_eq!(
        lines.iter().map(|l| l.uid.clone()).collect::<Vec<_>>(),
        vec![t(2)]
    );
    assert_eq!(lines[0].quantity, None, "found, quantity still to enter");
}

fn pick_list(lines: Vec<(u32, &str, Quantity)>) -> Payload {
    Payload::PickListIssued(PickListIssued {
        pick_list_id: "PL-1".into(),
        order_id: "ORD-1".into(),
        route_id: "R1".into(),
        lines: lines
            .into_iter()
            .map(|(line, item, quantity)| PickListLine {
                line,
                item_id: item.into(),
                quantity,
                batch_id: None,
            })
            .collect(),
    })
}

fn move_to(f: &mut Fixture, uid: &str, to: &str) -> Result<(), ReplicaError> {
    let who = f.session("B3", "3333");
    f.replica
        .act("B3", |v| moves::move_package(v, &who, &id_of(uid), to))
        .map(|_| ())
}

fn pick_of(f: &mut Fixture, uid: &str, quantity: Quantity) -> Result<(), ReplicaError> {
    let who = f.session("B3", "3333");
    f.replica
        .act("B3", |v| {
            picking::pick(
                v,
                &who,
                &Pick {
                    pick_list: "PL-1",
                    line_no: 1,
                    scan: &id_of(uid),
                    quantity,
                    tote: "TOTE-1",
                },
                TODAY,
            )
        })
        .map(|_| ())
}

#[test]
fn nothing_moves_into_or_out_of_a_counted_location_or_is_picked_there_until_submission() {
    let mut f = counting_stock(true);
    f.stock(vec![pick_list(vec![(1, "CART", Quantity::Units(2))])]);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let moved = Refusal::UnderCount {
        location: "SHELF-1".into(),
        action: Action::Moved,
    };
    let picked = Refusal::UnderCount {
        location: "SHELF-1".into(),
        action: Action::Picked,
    };
    assert_eq!(refusal(move_to(&mut f, &t(1), "SHELF-2")), moved, "out of");
    assert_eq!(refusal(move_to(&mut f, &t(4), "SHELF-1")), moved, "into");
    // Before the quantity check (MoreThanPackage would tell what is there) and FEFO.
    assert_eq!(refusal(pick_of(&mut f, &t(2), Quantity::Units(99))), picked);
    assert_eq!(refusal(pick_of(&mut f, &t(1), Quantity::Units(1))), picked);
    // FEFO never offers nor names a package in a counted location: t(2) (SHELF-1) expires
    // first, yet the walk offers t(4) and picking t(4) is not refused for it.
    let walk = picking::walk(f.replica.view(), "PL-1", TODAY).unwrap();
    assert_eq!(walk[0].take.as_ref().map(|c| c.uid.clone()), Some(t(4)));
    // The refusals say what to do, in both languages.
    for r in [&moved, &picked] {
        let en = r.message(Language::English);
        let es = r.message(Language::Spanish);
        assert!(
            en.contains("SHELF-1 is being counted") && en.contains("after the count"),
            "{en}"
        );
        assert!(
            es.contains("SHELF-1 se está contando") && es.contains("después del conteo"),
            "{es}"
        );
    }
    // Between rounds (recount requested) the count is still going on.
    for (uid, n) in [(t(1), 9), (t(2), 12)] {
        enter(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &uid, Entry::Units(n)).unwrap();
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
    let (submitted, _) = f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(1)]);
    assert_eq!(refusal(move_to(&mut f, &t(4), "SHELF-1")), moved);
    let b2 = f.session("B2", "2222");
    start(&mut f, &cv, &b2, "CT-1").unwrap();
    enter(
        &mut f,
        &cv,
        &b2,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(10),
    )
    .unwrap();
    f.replica.submit_count(&cv, &b2, "CT-1").unwrap();
    // Submitted for the last time (in review): the shelf is free again.
    move_to(&mut f, &t(4), "SHELF-1").unwrap();
    pick_of(&mut f, &t(2), Quantity::Units(1)).unwrap();
}

#[test]
fn lookup_does_not_tell_whether_a_package_is_expected_in_a_counted_location() {
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let info = |uid: &str| match lookup::lookup(f.replica.view(), &id_of(uid)).unwrap() {
        Found::Package(info) => info,
        other => panic!("{other:?}"),
    };
    let (counted, elsewhere) = (info(&t(1)), info(&t(4)));
    for p in [&counted, &elsewhere] {
        assert_eq!(
            (&p.location_id, &p.tote_id, &p.quantity, p.under_count),
            (&None, &None, &None, true),
            "{p:?}"
        );
    }
}

/// Distinctive numbers: SHELF-1 expects t(11) 7,319 carts and t(12) 86.421 g of flower;
/// round 1 (B1) counts 4,447 carts and 51.37 g. None of these may reach the round 2 counter.
const SECRETS: &[&str] = &[
    "7319", "7,319", "7.319", "86421", "86.421", "86,421", "86.42", "86,42", "4447", "4,447",
    "4.447", "51.37", "51,37", "51370",
];

/// No counter-facing output during an open count holds an expected quantity or weight of the
/// counted packages, or a number of an earlier round: outcomes of every counting step,
/// refusals in English and Spanish, lookups with their history, the pick walk.
#[test]
fn no_counter_facing_output_shows_the_counted_quantities() {
    let mut f = fixture_with(true);
    f.stock(vec![
        active(&t(11), "CART", "CA-L2", Quantity::Units(7_319), "SHELF-1"),
        active(
            &t(12),
            "FLOWER",
            "FL-L1",
            Quantity::Milligrams(86_421),
            "SHELF-1",
        ),
        active(&t(13), "CART", "CA-L1", Quantity::Units(3), "SHELF-2"),
        pick_list(vec![(1, "CART", Quantity::Units(2))]),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-1".into(),
            locations: vec!["SHELF-1".into()],
            items: vec![],
            assigned_to: None,
        }),
    ]);
    let b1 = f.session("B1", "1111");
    let b2 = f.session("B2", "2222");
    let cv = f.replica.counting_view().unwrap();
    let mut shown: Vec<String> = Vec::new();
    let refused = |r: Result<(), ReplicaError>, shown: &mut Vec<String>| match r {
        Err(ReplicaError::Refused(r)) => {
            shown.push(r.message(Language::English));
            shown.push(r.message(Language::Spanish));
        }
        Err(other) => shown.push(other.to_string()),
        Ok(()) => {}
    };
    // Round 1 by B1.
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(11),
        Entry::Units(4_447),
    )
    .unwrap();
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(12),
        Entry::Weighed(reading("51.37", true)),
    )
    .unwrap();
    let (submitted, _) = f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    shown.push(format!("{submitted:?}"));
    // Round 2 by B2: everything B2 can see or be told.
    shown.push(format!("{:?}", count::tasks(&cv).unwrap()));
    refused(start(&mut f, &cv, &b1, "CT-1").map(|_| ()), &mut shown);
    let (round, _) = start(&mut f, &cv, &b2, "CT-1").unwrap();
    shown.push(format!("round {round}"));
    shown.push(format!("{:?}", count::my_lines(&cv, &b2, "CT-1").unwrap()));
    let reads = vec![epc_read(hex::decode(t(11)).unwrap())];
    let (tally, _) = sweep(&mut f, &cv, &b2, ("CT-1", "SHELF-1"), &reads).unwrap();
    shown.push(format!("{tally:?}"));
    for uid in [t(11), t(12), t(13)] {
        match f.replica.act_counting(&cv, "B2", |cv| {
            count::scan(cv, &b2, "CT-1", "SHELF-1", &id_of(&uid))
        }) {
            Ok((scanned, _)) => shown.push(format!("{scanned:?}")),
            Err(e) => refused(Err(e), &mut shown),
        }
    }
    refused(
        enter(
            &mut f,
            &cv,
            &b2,
            ("CT-1", "SHELF-1"),
            &t(12),
            Entry::Units(1),
        )
        .map(|_| ()),
        &mut shown,
    );
    refused(
        f.replica.submit_count(&cv, &b2, "CT-1").map(|_| ()),
        &mut shown,
    );
    refused(
        f.replica
            .act_counting(&cv, "B2", |cv| {
                count::scan(cv, &b2, "CT-1", "SHELF-2", &id_of(&t(13)))
            })
            .map(|_| ()),
        &mut shown,
    );
    // Other workflows on the same device, during the count.
    for uid in [t(11), t(12)] {
        refused(move_to(&mut f, &uid, "SHELF-2"), &mut shown);
        refused(pick_of(&mut f, &uid, Quantity::Units(9_999)), &mut shown);
    }
    refused(pick_of(&mut f, &t(13), Quantity::Units(1)), &mut shown);
    shown.push(format!(
        "{:?}",
        picking::walk(f.replica.view(), "PL-1", TODAY).unwrap()
    ));
    let lookups = |f: &Fixture, shown: &mut Vec<String>| {
        for scan in [t(11), t(12), t(13), "SHELF-1".to_owned()] {
            shown.push(format!(
                "{:?}",
                lookup::lookup(f.replica.view(), &id_of(&scan)).unwrap()
            ));
        }
    };
    lookups(&f, &mut shown);
    // Enter and submit round 2; until a supervisor closes the count, lookups stay redacted.
    let (entered, _) = enter(
        &mut f,
        &cv,
        &b2,
        ("CT-1", "SHELF-1"),
        &t(11),
        Entry::Units(7_000),
    )
    .unwrap();
    shown.push(format!("{entered:?}"));
    shown.push(format!("{:?}", count::my_lines(&cv, &b2, "CT-1").unwrap()));
    let (submitted, _) = f.replica.submit_count(&cv, &b2, "CT-1").unwrap();
    shown.push(format!("{submitted:?}"));
    lookups(&f, &mut shown);
    assert!(shown.len() > 30, "{shown:?}");
    let uids = [t(11), t(12), t(13)];
    for text in &shown {
        let text = uids.iter().fold(text.clone(), |text, uid| {
            text.replace(uid.as_str(), "<uid>")
        });
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{secret} shown to the counter: {text}"
            );
        }
    }
    // The writer side holds them all: the search looked for the right numbers.
    assert_eq!(f.package(&t(11)).2, 7_319);
    let round_1: i64 = f
        .replica
        .view()
        .query_row(
            "SELECT quantity FROM count_lines WHERE round = 1 AND uid = ?1",
            [t(11)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(round_1, 4_447);
}

#[test]
fn a_replica_from_before_the_projection_migrates_with_its_open_count() {
    // A replica written before migration 0003 with a count in progress: the migration fills
    // the counter's projection from what the view holds, and the count carries on.
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(9),
    )
    .unwrap();
    let digest = tally_replica::stats::view_digest(f.replica.view()).unwrap();
    drop(cv);
    let (db, key) = (f.db(), f.key());
    let Fixture {
        dir,
        key_dir,
        replica,
    } = f;
    drop(replica);
    let old = rusqlite::Connection::open(&db).unwrap();
    // Undo migration 0003 and the ones after it (0004: superseded events; 0007: facility state
    // systems), and step the version back to the two migrations before 0003.
    old.execute_batch(
        "DROP TABLE counter_lines; DROP TABLE count_counters; DROP INDEX packages_counter_items;
         DROP INDEX count_task_locations_location; DROP INDEX count_tasks_status;
         DROP TABLE superseded_events; DROP TABLE facility_state_systems;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(old);
    let replica = Replica::open(&db, &key, clock()).unwrap();
    let mut f = Fixture {
        dir,
        key_dir,
        replica,
    };
    assert_eq!(
        tally_replica::stats::view_digest(f.replica.view()).unwrap(),
        digest,
        "the backfill equals what the fold writes"
    );
    let cv = f.replica.counting_view().unwrap();
    let lines = count::my_lines(&cv, &b1, "CT-1").unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].quantity, Some(Quantity::Units(9)));
    let (entered, _) = enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(1),
        Entry::Units(9),
    )
    .unwrap();
    assert_eq!(entered, Entered::Duplicate);
}

#[test]
fn nothing_in_a_counted_location_is_destroyed_until_submission() {
    // A destruction changes what is counted, and its outcome names the quantity destroyed.
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let who = f.session("B3", "3333");
    let s1 = f.replica.witness("S1", "4444").unwrap();
    let stable = reading("4.98", true);
    let destroy = |f: &mut Fixture| {
        f.replica
            .act("B3", |v| {
                destruction::destroy(
                    v,
                    &who,
                    &Destruction {
                        scan: &id_of(&t(3)),
                        reading: &stable,
                        reason: "DAMAGE",
                        method: "ground, mixed with litter",
                        witness: &s1,
                    },
                    TODAY,
                )
            })
            .map(|(destroyed, _)| destroyed)
    };
    assert_eq!(
        refusal(destroy(&mut f)),
        Refusal::UnderCount {
            location: "SHELF-1".into(),
            action: Action::Destroyed
        }
    );
    assert_eq!(f.package(&t(3)).0, "active");
}

#[test]
fn receiving_does_not_quarantine_into_a_cage_being_counted() {
    // Quarantine moves the package into the cage: a move into a counted location.
    let mut f = fixture_with(true);
    f.stock(vec![
        package(
            &t(1),
            "CART",
            "CA-L1",
            Quantity::Units(50),
            "DOCK-1",
            PackageStatus::InTransit,
        ),
        Payload::InboundManifestIssued(InboundManifestIssued {
            manifest_id: "IN-1".into(),
            origin_license: "403-X1".into(),
            destination_license: "403R-1".into(),
            driver: "Dana".into(),
            vehicle: "CO-1".into(),
            lines: vec![ManifestLine {
                uid: t(1),
                item_id: "CART".into(),
                quantity: Quantity::Units(50),
                weight_mg: Some(62_000),
            }],
        }),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-Q".into(),
            locations: vec!["QC-01".into()],
            items: vec![],
            assigned_to: None,
        }),
    ]);
    f.session("B1", "1111"); // signed in: the receiver acting below
    let b2 = f.session("B2", "2222");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b2, "CT-Q").unwrap();
    f.replica
        .act("B1", |v| receiving::scan(v, "IN-1", &id_of(&t(1))))
        .unwrap();
    let err = f.replica.act("B1", |v| {
        receiving::quarantine(v, "IN-1", &[id_of(&t(1))], "DAMAGE", "")
    });
    assert_eq!(
        refusal(err),
        Refusal::UnderCount {
            location: "QC-01".into(),
            action: Action::Moved
        }
    );
    assert_eq!(f.package(&t(1)).1.as_deref(), Some("DOCK-1"));
}

#[test]
fn a_tote_is_not_staged_into_a_lane_being_counted() {
    // Staging moves the tote's packages to the lane: a move into a counted location.
    let mut f = counting_stock(true);
    f.stock(vec![
        pick_list(vec![(1, "CART", Quantity::Units(2))]),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-L".into(),
            locations: vec!["LANE-1".into()],
            items: vec![],
            assigned_to: None,
        }),
    ]);
    pick_of(&mut f, &t(2), Quantity::Units(1)).unwrap();
    let b2 = f.session("B2", "2222");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b2, "CT-L").unwrap();
    f.session("B3", "3333"); // signed in: the one acting below
    let err = f
        .replica
        .act("B3", |v| picking::stage(v, "TOTE-1", "LANE-1"));
    assert_eq!(
        refusal(err),
        Refusal::UnderCount {
            location: "LANE-1".into(),
            action: Action::Moved
        }
    );
}

#[test]
fn someone_counting_moves_picks_and_destroys_nothing_until_they_submit() {
    // A move's or pick's answer depends on where a package is; asked by the counter in the
    // middle of their round, it would tell them what is expected where.
    let mut f = counting_stock(true);
    f.stock(vec![pick_list(vec![(1, "CART", Quantity::Units(2))])]);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let counting = Refusal::CountInProgress {
        task: "CT-1".into(),
    };
    let err = f.replica.act("B1", |v| {
        moves::move_package(v, &b1, &id_of(&t(4)), "VAULT-A")
    });
    assert_eq!(refusal(err), counting);
    let err = f.replica.act("B1", |v| {
        picking::pick(
            v,
            &b1,
            &Pick {
                pick_list: "PL-1",
                line_no: 1,
                scan: &id_of(&t(4)),
                quantity: Quantity::Units(1),
                tote: "TOTE-1",
            },
            TODAY,
        )
    });
    assert_eq!(refusal(err), counting);
    let stable = reading("1.00", true);
    let s1 = f.replica.witness("S1", "4444").unwrap();
    let err = f.replica.act("B1", |v| {
        destruction::destroy(
            v,
            &b1,
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
    assert_eq!(refusal(err), counting);
    let es = counting.message(Language::Spanish);
    assert!(es.contains("envíe el conteo"), "{es}");
    // Somebody else moves stock elsewhere; the counter may again once they submitted.
    move_to(&mut f, &t(4), "VAULT-A").unwrap();
    f.replica.submit_count(&cv, &b1, "CT-1").unwrap();
    f.replica
        .act("B1", |v| {
            moves::move_package(v, &b1, &id_of(&t(4)), "SHELF-2")
        })
        .unwrap();
}

/// A sweep of more tags than one record holds (1,024) is recorded as several events in one
/// action: every tag counted, no event over the limit, all or nothing.
#[test]
fn a_long_sweep_is_split_into_events_of_at_most_1024_tags_in_one_action() {
    let mut f = counting_stock(true);
    let b1 = f.session("B1", "1111");
    let cv = f.replica.counting_view().unwrap();
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let reads: Vec<TagRead> = (0..2_500u64)
        .map(|n| epc_read(hex::decode(t(50_000 + n)).unwrap()))
        .collect();
    let before = f.events();
    let (tally, recorded) = sweep(&mut f, &cv, &b1, ("CT-1", "SHELF-1"), &reads).unwrap();
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
    let mut f = counting_stock(true);
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
    start(&mut f, &cv, &b1, "CT-1").unwrap();
    let err = enter(
        &mut f,
        &cv,
        &b1,
        ("CT-1", "SHELF-1"),
        &t(3),
        Entry::Weighed(reading("5.00", true)),
    );
    assert_eq!(
        refusal(err),
        Refusal::CalibrationCheckFailed {
            scale: "SCALE-01".into()
        }
    );
}

//! Deltas, snapshots and conflicts against a ledger built from real signed events of several
//! real device keys, folded by the same `apply` into its own SQLite file, which writes the
//! snapshots the device loads (`write_snapshot`).
//!
//! Promises tried here: a snapshot never folds the device's own events twice; it is loaded in
//! place under a running reader; conflicts are found on packages the device created and do not
//! depend on when an acknowledgement arrives; a delta that cannot be folded is held and sync
//! goes on; and (property test) for any interleaving of local acts, uploads, acks, deltas (also
//! re-sent ones), unfoldable deltas and snapshot loads (also of an older snapshot), the
//! device's view equals the replay of its logged
//! inputs, and once everything is synced it equals the ledger's view.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rusqlite::Connection;
use tally_events::payload::*;
use tally_events::{
    Bytes, ChainWriter, DeviceKey, ManualClock, Payload, Quantity, Sha256Hash, Timestamp,
    UnknownPayload,
};
use tally_replica::stats::view_digest;
use tally_replica::sync::{apply_ledger_deltas, replay_view_digest};
use tally_replica::{Delta, Replica};
use tally_testkit::{active, clock, t};

/// A device key that signs events directly (another handheld, or the admin console).
struct Author {
    writer: ChainWriter,
    clock: ManualClock,
}

impl Author {
    fn new(seed: u8, serial: &str) -> (Author, Vec<u8>) {
        let clock = ManualClock::new(Timestamp {
            wall_unix_ms: 1_795_000_000_000,
            boot_id: [seed; 16],
            since_boot_us: 1_000,
        });
        let (writer, genesis) = ChainWriter::genesis(
            DeviceKey::from_seed([seed; 32]),
            &clock,
            "",
            DeviceEnrolled {
                facility: "FAC-1".into(),
                hardware_serial: serial.into(),
                enrollment_token_sha256: Sha256Hash::of(serial.as_bytes()),
                previous_device: None,
            },
        )
        .unwrap();
        (Author { writer, clock }, genesis.as_bytes().to_vec())
    }

    fn sign(&mut self, actor: &str, payload: Payload) -> Vec<u8> {
        self.clock.advance_ms(10);
        self.writer
            .append(&self.clock, actor, payload)
            .unwrap()
            .as_bytes()
            .to_vec()
    }
}

/// The ledger's side: every event in ledger order, folded into a real SQLite file.
struct Ledger {
    conn: Connection,
    records: Vec<Vec<u8>>,
}

impl Ledger {
    fn new(path: &Path) -> Ledger {
        Ledger {
            conn: tally_replica::db::open(path).unwrap(),
            records: Vec::new(),
        }
    }

    fn append(&mut self, bytes: Vec<u8>) {
        self.records.push(bytes.clone());
        let delta = Delta {
            ledger_index: self.records.len() as u64,
            bytes,
        };
        assert_eq!(apply_ledger_deltas(&mut self.conn, &[delta]).unwrap(), 1);
    }

    fn deltas_after(&self, cursor: u64, most: usize) -> Vec<Delta> {
        self.records
            .iter()
            .enumerate()
            .skip(cursor as usize)
            .take(most)
            .map(|(i, bytes)| Delta {
                ledger_index: i as u64 + 1,
                bytes: bytes.clone(),
            })
            .collect()
    }

    fn snapshot(&self, path: &Path) {
        tally_replica::replica::write_snapshot(&self.conn, path, self.records.len() as u64)
            .unwrap();
    }
}

fn location(id: &str, kind: LocationKind) -> Payload {
    Payload::LocationDefined(LocationDefined {
        location_id: id.into(),
        name: id.into(),
        kind,
        sellable: kind != LocationKind::Dock,
        parent: None,
    })
}

fn setup() -> Vec<Payload> {
    let mut payloads = vec![
        Payload::FacilitySettingsDefined(FacilitySettingsDefined {
            facility_id: "FAC-1".into(),
            name: "Test facility".into(),
            license_number: "403R-1".into(),
            time_zone: "America/Denver".into(),
            receiving_tolerance_mg: 500,
            count_tolerance_mg: 200,
            count_tolerance_units: 0,
            recount_by_another: true,
        }),
        location("SHELF-1", LocationKind::Shelf),
        location("SHELF-2", LocationKind::Shelf),
        location("VAULT-A", LocationKind::Vault),
        location("DOCK-1", LocationKind::Dock),
        Payload::ItemDefined(ItemDefined {
            item_id: "CART".into(),
            sku: "SKU-CART".into(),
            name: "CART".into(),
            category: ItemCategory::Vape,
            unit_of_measure: UnitOfMeasure::Each,
            gtin: None,
            manifest_weight_is_net: true,
            tare_mg: None,
        }),
        Payload::BatchDefined(BatchDefined {
            batch_id: "CA-L1".into(),
            item_id: "CART".into(),
            lot: "LOT-CA-L1".into(),
            coa_status: CoaStatus::Passed,
            expiry: None,
            thc_bp: None,
            cbd_bp: None,
        }),
        Payload::PickListIssued(PickListIssued {
            pick_list_id: "PL-1".into(),
            order_id: "SO-1".into(),
            route_id: "R-1".into(),
            lines: (1..=3)
                .map(|line| PickListLine {
                    line,
                    item_id: "CART".into(),
                    quantity: Quantity::Units(40),
                    batch_id: None,
                })
                .collect(),
        }),
        Payload::InboundManifestIssued(InboundManifestIssued {
            manifest_id: "M-1".into(),
            origin_license: "403R-9".into(),
            destination_license: "403R-1".into(),
            driver: "D".into(),
            vehicle: "V".into(),
            lines: (50..53)
                .map(|n| ManifestLine {
                    uid: t(n),
                    item_id: "CART".into(),
                    quantity: Quantity::Units(5),
                    weight_mg: None,
                })
                .collect(),
        }),
        Payload::ReasonCodeDefined(ReasonCodeDefined {
            code: "SHORT-STOCK".into(),
            description: "short stock".into(),
        }),
    ];
    for n in 1..=4 {
        payloads.push(active(
            &t(n),
            "CART",
            "CA-L1",
            Quantity::Units(10),
            "SHELF-1",
        ));
    }
    payloads
}

/// What a device or another device does on the floor.
#[derive(Debug, Clone)]
enum Act {
    Pick { uid: u64, units: u64, line: u32 },
    Short { line: u32, units: u64 },
    Move { uid: u64, to: u8 },
    Split { uid: u64, new_uid: u64, units: u64 },
    Receive { uid: u64 },
}

fn shelf(to: u8) -> &'static str {
    ["SHELF-1", "SHELF-2", "VAULT-A"][usize::from(to % 3)]
}

fn payloads(act: &Act) -> Vec<Payload> {
    match act {
        Act::Pick { uid, units, line } => vec![Payload::PickRecorded(PickRecorded {
            pick_list_id: "PL-1".into(),
            line: *line,
            uid: t(*uid),
            quantity: Quantity::Units(*units),
            tote_id: "TOTE-1".into(),
        })],
        Act::Short { line, units } => vec![Payload::PickShorted(PickShorted {
            pick_list_id: "PL-1".into(),
            line: *line,
            short: Quantity::Units(*units),
            reason_code: "SHORT-STOCK".into(),
        })],
        Act::Move { uid, to } => vec![Payload::PackageMoved(PackageMoved {
            uid: t(*uid),
            from_location: "SHELF-1".into(),
            to_location: shelf(*to).into(),
        })],
        Act::Split {
            uid,
            new_uid,
            units,
        } => vec![Payload::PackageSplit(PackageSplit {
            source_uid: t(*uid),
            new_uid: t(*new_uid),
            quantity: Quantity::Units(*units),
        })],
        Act::Receive { uid } => vec![
            Payload::PackageArrived(PackageArrived {
                manifest_id: "M-1".into(),
                uid: t(*uid),
                on_manifest: true,
            }),
            Payload::ManifestLineReceived(ManifestLineReceived {
                manifest_id: "M-1".into(),
                uid: t(*uid),
                quantity: Quantity::Units(5),
                measured_mg: None,
            }),
        ],
    }
}

/// An event a validly signing device may send that this version cannot fold.
fn unfoldable(which: u8) -> Payload {
    if which % 2 == 0 {
        Payload::PickRecorded(PickRecorded {
            pick_list_id: "PL-1".into(),
            line: 1,
            uid: t(404_404),
            quantity: Quantity::Units(1),
            tote_id: "TOTE-9".into(),
        })
    } else {
        // A pick with a quantity tag a newer version added (tag 9).
        let mut body = Payload::PickRecorded(PickRecorded {
            pick_list_id: "PL-1".into(),
            line: 1,
            uid: t(1),
            quantity: Quantity::Units(1),
            tote_id: "TOTE-9".into(),
        })
        .encode_body()
        .unwrap();
        let at = 2 + 4 + 4 + 2 + t(1).len();
        assert_eq!(body[at], 1, "the quantity tag");
        body[at] = 9;
        Payload::Unknown(UnknownPayload {
            code: 64,
            bytes: Bytes(body),
        })
    }
}

/// The device under test, the ledger, and the other devices.
struct World {
    dir: tempfile::TempDir,
    ledger: Ledger,
    others: Vec<Author>,
    device: Replica,
    uploaded: u64,
    snapshots: usize,
    last_snapshot: Option<PathBuf>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("device")).unwrap();
        std::fs::create_dir(dir.path().join("keys")).unwrap();
        let device = Replica::init(
            &dir.path().join("device").join("replica.db"),
            &dir.path().join("keys").join("device.key"),
            clock(),
            DeviceEnrolled {
                facility: "FAC-1".into(),
                hardware_serial: "HH-0001".into(),
                enrollment_token_sha256: Sha256Hash::of(b"token"),
                previous_device: None,
            },
        )
        .unwrap();
        let mut ledger = Ledger::new(&dir.path().join("ledger.db"));
        let mut others = Vec::new();
        for (seed, serial) in [(1, "ADMIN-CONSOLE"), (2, "HH-0002"), (3, "HH-0003")] {
            let (author, genesis) = Author::new(seed, serial);
            ledger.append(genesis);
            others.push(author);
        }
        for payload in setup() {
            let bytes = others[0].sign("ADMIN", payload);
            ledger.append(bytes);
        }
        let mut world = World {
            dir,
            ledger,
            others,
            device,
            uploaded: 0,
            snapshots: 0,
            last_snapshot: None,
        };
        world.sync(usize::MAX);
        world
    }

    fn local(&mut self, act: &Act) -> bool {
        self.device.record("B1", payloads(act)).is_ok()
    }

    fn remote(&mut self, who: usize, act: &Act) {
        for payload in payloads(act) {
            let bytes = self.others[who].sign("B2", payload);
            self.ledger.append(bytes);
        }
    }

    /// The device uploads up to `most` of its events the ledger does not have yet.
    fn upload(&mut self, most: usize) {
        let mut stmt = self
            .device
            .view()
            .prepare("SELECT seq, bytes FROM event_log WHERE seq > ?1 ORDER BY seq LIMIT ?2")
            .unwrap();
        let rows: Vec<(u64, Vec<u8>)> = stmt
            .query_map(
                rusqlite::params![self.uploaded as i64, most.min(1 << 20) as i64],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        drop(stmt);
        for (seq, bytes) in rows {
            self.ledger.append(bytes);
            self.uploaded = seq;
        }
    }

    fn ack(&mut self) {
        self.device.acknowledge(self.uploaded).unwrap();
    }

    /// The device receives up to `most` ledger entries it has not folded yet.
    fn sync(&mut self, most: usize) {
        self.sync_again(0, most);
    }

    /// Like [`World::sync`], the batch starting `again` entries before the device's cursor
    /// (entries it already folded: they must be skipped).
    fn sync_again(&mut self, again: u64, most: usize) {
        let cursor = self.device.ledger_cursor().unwrap();
        let from = cursor.saturating_sub(again);
        let deltas = self
            .ledger
            .deltas_after(from, most.saturating_add(again as usize));
        let expected = deltas.iter().filter(|d| d.ledger_index > cursor).count();
        assert_eq!(self.device.apply_deltas(&deltas).unwrap(), expected);
        assert_eq!(
            self.device.ledger_cursor().unwrap(),
            cursor + expected as u64
        );
    }

    /// Loads the snapshot written `back` loads ago again: the same cursor reloads, an older one is refused.
    fn reload_older_snapshot(&mut self, back: usize) {
        if self.snapshots == 0 {
            return;
        }
        let n = self.snapshots - back.min(self.snapshots - 1);
        let path = self.dir.path().join(format!("snapshot-{n}.db"));
        let cursor = self.device.ledger_cursor().unwrap();
        let before = view_digest(self.device.view()).unwrap();
        match self.device.load_snapshot(&path) {
            Ok(()) => self.last_snapshot = Some(path),
            // A snapshot older than the replica's cursor is refused: the cursor never moves
            // back, and nothing changes.
            Err(tally_replica::ReplicaError::StaleSnapshot {
                snapshot,
                cursor: at,
            }) => {
                assert!(snapshot < at);
                assert_eq!(at, cursor);
                assert_eq!(self.device.ledger_cursor().unwrap(), cursor);
                assert_eq!(view_digest(self.device.view()).unwrap(), before);
            }
            Err(other) => panic!("loading an older snapshot failed: {other}"),
        }
    }

    fn load_snapshot(&mut self) {
        self.snapshots += 1;
        let path = self
            .dir
            .path()
            .join(format!("snapshot-{}.db", self.snapshots));
        self.ledger.snapshot(&path);
        self.device.load_snapshot(&path).unwrap();
        self.last_snapshot = Some(path);
    }

    fn assert_view_is_the_replay(&self) {
        assert_eq!(
            view_digest(self.device.view()).unwrap(),
            replay_view_digest(self.device.view(), self.last_snapshot.as_deref()).unwrap(),
            "the device's view differs from the replay of its logged inputs"
        );
    }

    fn int(&self, sql: &str) -> i64 {
        self.device.view().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// Rows that describe packages and conflicts without naming device keys (comparable across
/// worlds, whose keys differ).
fn floor_state(conn: &Connection) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT uid, coalesce(location_id, '-'), quantity, status, conflict FROM packages ORDER BY uid",
        "SELECT uid, local_seq, ledger_index, remote_kind FROM conflicts ORDER BY uid, ledger_index",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let fields: Vec<String> = (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into(),
                    other => format!("{other:?}"),
                })
                .collect();
            rows.push(fields.join("|"));
        }
    }
    rows
}

#[test]
fn a_snapshot_does_not_fold_the_devices_own_picks_and_shorts_twice() {
    let mut w = World::new();
    assert!(w.local(&Act::Pick {
        uid: 1,
        units: 3,
        line: 1
    }));
    assert!(w.local(&Act::Short { line: 2, units: 2 }));
    w.upload(usize::MAX);
    w.sync(usize::MAX);
    w.load_snapshot();
    assert_eq!(
        w.int("SELECT picked FROM pick_lines WHERE pick_list_id = 'PL-1' AND line_no = 1"),
        3,
        "a 3-unit pick stays 3 units"
    );
    assert_eq!(
        w.int("SELECT short FROM pick_lines WHERE pick_list_id = 'PL-1' AND line_no = 2"),
        2
    );
    assert_eq!(
        w.int("SELECT quantity FROM picks WHERE uid = '1A4FF0100000022000000001'"),
        3
    );
    assert_eq!(
        w.int("SELECT quantity FROM packages WHERE uid = '1A4FF0100000022000000001'"),
        7
    );
    assert_eq!(
        w.int("SELECT count(*) FROM event_log WHERE acknowledged = 0"),
        0,
        "the events inside the snapshot are acknowledged"
    );
    assert_eq!(
        view_digest(w.device.view()).unwrap(),
        view_digest(&w.ledger.conn).unwrap(),
        "everything synced: the device holds the ledger's view"
    );
    w.assert_view_is_the_replay();
    // Own events after the device's mark are folded on top, once.
    assert!(w.local(&Act::Pick {
        uid: 1,
        units: 2,
        line: 1
    }));
    w.load_snapshot();
    w.load_snapshot();
    assert_eq!(
        w.int("SELECT picked FROM pick_lines WHERE pick_list_id = 'PL-1' AND line_no = 1"),
        5
    );
    assert_eq!(
        w.int("SELECT count(*) FROM event_log WHERE acknowledged = 0"),
        1
    );
    w.assert_view_is_the_replay();
}

#[test]
fn a_delta_conflicts_with_packages_this_device_created() {
    let mut w = World::new();
    // This device splits t(1) into t(60) and receives case t(50); neither is in the ledger yet.
    assert!(w.local(&Act::Split {
        uid: 1,
        new_uid: 60,
        units: 4
    }));
    assert!(w.local(&Act::Receive { uid: 50 }));
    // Another device registers a package under the same new tag, and receives the same case.
    let registered = active(&t(60), "CART", "CA-L1", Quantity::Units(9), "VAULT-A");
    let bytes = w.others[0].sign("ADMIN", registered);
    w.ledger.append(bytes);
    w.remote(1, &Act::Receive { uid: 50 });
    w.sync(usize::MAX);
    assert_eq!(
        w.device
            .view()
            .query_row(
                "SELECT location_id, quantity FROM packages WHERE uid = ?1",
                [t(60)],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            )
            .unwrap(),
        ("SHELF-1".to_owned(), 4),
        "the local split wins until the ledger rules"
    );
    let flagged: Vec<String> = {
        let mut stmt = w
            .device
            .view()
            .prepare("SELECT DISTINCT uid FROM conflicts ORDER BY uid")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(flagged, vec![t(50), t(60)]);
    assert_eq!(w.int("SELECT count(*) FROM packages WHERE conflict = 1"), 2);
    w.assert_view_is_the_replay();
}

#[test]
fn a_page_of_receipts_ends_the_local_wins_rule_before_the_next_delta_in_it_folds() {
    let mut w = World::new();
    // This device moves t(1) and t(2) and pushes them; then it moves t(3) and does not.
    assert!(w.local(&Act::Move { uid: 1, to: 1 }));
    assert!(w.local(&Act::Move { uid: 2, to: 1 }));
    w.upload(usize::MAX);
    let pushed = w.uploaded as i64;
    assert!(w.local(&Act::Move { uid: 3, to: 1 }));
    // After the two receipts, in ledger order, another device moves t(1) and t(3).
    w.remote(1, &Act::Move { uid: 1, to: 2 });
    w.remote(1, &Act::Move { uid: 3, to: 2 });
    // One page (one transaction) holds the receipts and both moves.
    w.sync(usize::MAX);
    let location = |w: &World, uid: u64| -> String {
        w.device
            .view()
            .query_row(
                "SELECT location_id FROM packages WHERE uid = ?1",
                [t(uid)],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        location(&w, 1),
        "VAULT-A",
        "the ledger ruled on this device's move of t(1): the later move folds"
    );
    assert_eq!(location(&w, 2), "SHELF-2");
    assert_eq!(
        location(&w, 3),
        "SHELF-2",
        "the move of t(3) is not back yet: the local move wins"
    );
    let flagged: Vec<String> = {
        let mut stmt = w
            .device
            .view()
            .prepare("SELECT DISTINCT uid FROM conflicts ORDER BY uid")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(flagged, vec![t(3)]);
    // Every event through the receipts is acknowledged and has no local change left; the
    // unpushed one keeps both.
    assert_eq!(
        w.int(&format!(
            "SELECT count(*) FROM event_log WHERE seq <= {pushed} AND acknowledged = 0"
        )),
        0
    );
    assert_eq!(
        w.int("SELECT count(*) FROM event_log WHERE acknowledged = 0"),
        1
    );
    assert_eq!(
        w.int(&format!(
            "SELECT count(*) FROM local_changes WHERE seq <= {pushed}"
        )),
        0
    );
    assert_eq!(
        w.int(&format!(
            "SELECT count(*) FROM local_changes WHERE uid = '{}'",
            t(3)
        )),
        1
    );
    w.assert_view_is_the_replay();
}

/// One step of a scenario on the world.
type Step = Box<dyn Fn(&mut World)>;

/// The steps of a conflict scenario; an ack is inserted at each position in turn.
fn conflict_scenario(ack_at: Option<usize>) -> Vec<String> {
    let mut w = World::new();
    // Ledger order: the other device's move of t(1) and the registration of t(61) come
    // before this device's own events; so both are conflicts whenever the ack arrives.
    let steps: Vec<Step> = vec![
        Box::new(|w| assert!(w.local(&Act::Move { uid: 1, to: 1 }))),
        Box::new(|w| w.remote(1, &Act::Move { uid: 1, to: 2 })),
        Box::new(|w| {
            assert!(w.local(&Act::Split {
                uid: 2,
                new_uid: 61,
                units: 3
            }))
        }),
        Box::new(|w| {
            let bytes = w.others[0].sign(
                "ADMIN",
                active(&t(61), "CART", "CA-L1", Quantity::Units(1), "VAULT-A"),
            );
            w.ledger.append(bytes);
        }),
        Box::new(|w| w.upload(usize::MAX)),
        Box::new(|w| w.sync(1)),
        Box::new(|w| w.sync(1)),
        Box::new(|w| w.remote(2, &Act::Move { uid: 3, to: 2 })),
        Box::new(|w| w.sync(usize::MAX)),
        Box::new(|w| w.remote(1, &Act::Move { uid: 1, to: 0 })),
        Box::new(|w| w.sync(usize::MAX)),
    ];
    for (i, step) in steps.iter().enumerate() {
        if ack_at == Some(i) {
            w.ack();
        }
        step(&mut w);
        w.assert_view_is_the_replay();
    }
    if ack_at == Some(steps.len()) {
        w.ack();
    }
    floor_state(w.device.view())
}

#[test]
fn conflicts_do_not_depend_on_when_the_ack_arrives() {
    let without = conflict_scenario(None);
    let conflicts: Vec<&String> = without
        .iter()
        .filter(|row| row.split('|').count() == 4)
        .collect();
    assert_eq!(conflicts.len(), 2, "{without:#?}");
    assert!(conflicts[0].starts_with(&t(1)), "{conflicts:?}");
    assert!(conflicts[1].starts_with(&t(61)), "{conflicts:?}");
    for at in 0..=11 {
        assert_eq!(
            conflict_scenario(Some(at)),
            without,
            "an ack before step {at} changed the outcome"
        );
    }
}

#[test]
fn a_delta_that_cannot_be_folded_is_held_and_sync_goes_on() {
    let mut w = World::new();
    let unknown_package = w.others[1].sign("B2", unfoldable(0));
    let newer_code = w.others[1].sign("B2", unfoldable(1));
    // The ledger stores what it was given; it cannot fold them either.
    w.ledger.append(unknown_package.clone());
    w.ledger.append(newer_code.clone());
    w.remote(2, &Act::Move { uid: 3, to: 2 });
    let before = w.device.ledger_cursor().unwrap();
    // All in one chunk: the good delta after them is folded, the cursor moves to the end.
    w.sync(usize::MAX);
    assert_eq!(w.device.ledger_cursor().unwrap(), before + 3);
    assert_eq!(
        w.device
            .view()
            .query_row(
                "SELECT location_id FROM packages WHERE uid = ?1",
                [t(3)],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
        "VAULT-A"
    );
    let held = w.device.held_deltas().unwrap();
    assert_eq!(
        held.iter().map(|h| h.ledger_index).collect::<Vec<_>>(),
        vec![before + 1, before + 2]
    );
    assert!(
        held[0].reason.contains("unknown package"),
        "{}",
        held[0].reason
    );
    assert!(
        held[1].reason.contains("newer version"),
        "{}",
        held[1].reason
    );
    assert_eq!(held[1].kind, 64);
    assert_eq!(held[0].seq, 2);
    // The signed bytes are kept exactly, for the supervisor and a later version.
    let kept: Vec<Vec<u8>> = {
        let mut stmt = w
            .device
            .view()
            .prepare("SELECT bytes FROM held_deltas ORDER BY ledger_index")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(kept, vec![unknown_package, newer_code]);
    let stats = tally_replica::stats::stats(w.device.view()).unwrap();
    assert_eq!(stats.held_deltas, 2);
    // The held events fold nothing: no pick was counted anywhere.
    assert_eq!(w.int("SELECT sum(picked) FROM pick_lines"), 0);
    assert_eq!(w.int("SELECT count(*) FROM totes WHERE id = 'TOTE-9'"), 0);
    w.assert_view_is_the_replay();
    // Held deltas survive a snapshot load (they are the device's, not the view's).
    w.load_snapshot();
    assert_eq!(w.device.held_deltas().unwrap(), held);
    // Re-sent, a held delta stays held and is not folded.
    let again = w.ledger.deltas_after(before, 1);
    assert_eq!(
        w.device.apply_deltas(&again).unwrap(),
        0,
        "below the cursor"
    );
}

#[test]
fn a_snapshot_is_loaded_in_place_under_a_running_reader() {
    use std::os::unix::fs::MetadataExt as _;
    let mut w = World::new();
    assert!(w.local(&Act::Pick {
        uid: 2,
        units: 1,
        line: 1
    }));
    w.remote(1, &Act::Move { uid: 4, to: 2 });
    let db = w.device.path().to_owned();
    let inode = std::fs::metadata(&db).unwrap().ino();
    // A second screen holds a read transaction open on the old view.
    let reader =
        Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let old_location: String = reader
        .query_row(
            "SELECT location_id FROM packages WHERE uid = ?1",
            [t(4)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old_location, "SHELF-1");
    w.upload(usize::MAX);
    w.load_snapshot();
    // The device has the new view; the reader still sees its consistent old one.
    assert_eq!(
        w.device
            .view()
            .query_row(
                "SELECT location_id FROM packages WHERE uid = ?1",
                [t(4)],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
        "VAULT-A"
    );
    let during: String = reader
        .query_row(
            "SELECT location_id FROM packages WHERE uid = ?1",
            [t(4)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(during, "SHELF-1");
    reader.execute_batch("COMMIT").unwrap();
    let after: String = reader
        .query_row(
            "SELECT location_id FROM packages WHERE uid = ?1",
            [t(4)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(after, "VAULT-A");
    assert_eq!(
        std::fs::metadata(&db).unwrap().ino(),
        inode,
        "the database file was never replaced"
    );
    assert_eq!(
        w.int("SELECT picked FROM pick_lines WHERE pick_list_id = 'PL-1' AND line_no = 1"),
        1
    );
    w.assert_view_is_the_replay();
}

#[test]
fn a_snapshot_claiming_more_of_this_devices_events_than_it_has_changes_nothing() {
    let mut w = World::new();
    assert!(w.local(&Act::Move { uid: 1, to: 1 }));
    w.upload(usize::MAX);
    w.remote(1, &Act::Move { uid: 4, to: 2 });
    let path = w.dir.path().join("forged.db");
    w.ledger.snapshot(&path);
    // Someone raises this device's mark in the snapshot past its head.
    let forged = Connection::open(&path).unwrap();
    let changed = forged
        .execute(
            "UPDATE device_marks SET seq = seq + 5 WHERE device = ?1",
            [&w.device.device().0[..]],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(forged);
    let digest = view_digest(w.device.view()).unwrap();
    let cursor = w.device.ledger_cursor().unwrap();
    let err = w.device.load_snapshot(&path).unwrap_err();
    assert!(err.to_string().contains("re-enroll"), "{err}");
    assert_eq!(
        view_digest(w.device.view()).unwrap(),
        digest,
        "rolled back whole"
    );
    assert_eq!(w.device.ledger_cursor().unwrap(), cursor);
    // The device still syncs and loads a genuine snapshot afterwards.
    w.sync(usize::MAX);
    w.load_snapshot();
    w.assert_view_is_the_replay();
}

#[derive(Debug, Clone)]
enum Op {
    Local(Act),
    Remote(usize, Act),
    Upload(usize),
    Sync(usize),
    Ack,
    Snapshot,
    OlderSnapshot(usize),
    SyncAgain(u64, usize),
    Unfoldable(usize, u8),
}

fn act() -> impl Strategy<Value = Act> {
    let uid = prop_oneof![1..=4u64, 60..=63u64, 50..=52u64];
    prop_oneof![
        (uid.clone(), 1..=4u64, 1..=3u32).prop_map(|(uid, units, line)| Act::Pick {
            uid,
            units,
            line
        }),
        (1..=3u32, 1..=3u64).prop_map(|(line, units)| Act::Short { line, units }),
        (uid.clone(), 0..3u8).prop_map(|(uid, to)| Act::Move { uid, to }),
        (1..=4u64, 60..=63u64, 1..=3u64).prop_map(|(uid, new_uid, units)| Act::Split {
            uid,
            new_uid,
            units
        }),
        (50..=52u64).prop_map(|uid| Act::Receive { uid }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => act().prop_map(Op::Local),
        3 => (1..=2usize, act()).prop_map(|(who, a)| Op::Remote(who, a)),
        2 => (1..=4usize).prop_map(Op::Upload),
        2 => (1..=6usize).prop_map(Op::Sync),
        1 => Just(Op::Ack),
        1 => Just(Op::Snapshot),
        1 => (0..3usize).prop_map(Op::OlderSnapshot),
        1 => (1..=4u64, 1..=4usize).prop_map(|(again, most)| Op::SyncAgain(again, most)),
        1 => (1..=2usize, 0..2u8).prop_map(|(who, which)| Op::Unfoldable(who, which)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn the_view_always_equals_the_replay_and_finally_the_ledger(
        ops in proptest::collection::vec(op(), 1..32)
    ) {
        let mut w = World::new();
        for op in &ops {
            match op {
                Op::Local(a) => {
                    w.local(a);
                }
                Op::Remote(who, a) => w.remote(*who, a),
                Op::Upload(n) => w.upload(*n),
                Op::Sync(n) => w.sync(*n),
                Op::Ack => w.ack(),
                Op::Snapshot => w.load_snapshot(),
                Op::OlderSnapshot(back) => w.reload_older_snapshot(*back),
                Op::SyncAgain(again, most) => w.sync_again(*again, *most),
                Op::Unfoldable(who, which) => {
                    let bytes = w.others[*who].sign("B2", unfoldable(*which));
                    w.ledger.append(bytes);
                }
            }
            w.assert_view_is_the_replay();
        }
        // Everything reaches the ledger and comes back: the device holds exactly the ledger's
        // view (nothing of its own counted twice, nothing lost).
        w.upload(usize::MAX);
        w.sync(usize::MAX);
        w.load_snapshot();
        prop_assert_eq!(
            view_digest(w.device.view()).unwrap(),
            view_digest(&w.ledger.conn).unwrap()
        );
        prop_assert_eq!(w.int("SELECT count(*) FROM event_log WHERE acknowledged = 0"), 0);
        w.assert_view_is_the_replay();
    }
}

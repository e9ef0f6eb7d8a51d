//! Shared test fixtures (a dev-dependency of tally-replica's and tally-floor's tests, never of
//! a shipped crate): a real replica file in a temporary directory, its device key in another
//! temporary directory (a key beside the database is refused), a small facility recorded
//! through signed admin events, the stock and manifest builders several tests start from
//! ([`active`], [`Fixture::stock`], [`counting_stock`], [`picking_stock`], [`with_manifest`]),
//! [`refusal`], and [`another_device`] (deltas from another handheld); [`catalogue`] holds
//! every refusal of the core with values of realistic length.

pub mod catalogue;

use std::path::PathBuf;

use tally_events::payload::*;
use tally_events::{Date, ManualClock, MassUnit, Payload, Quantity, Timestamp};
use tally_replica::pins::IssuedVerifier;
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::session::Session;
use tally_replica::workflow::{Identifier, StateTag};
use tally_replica::{Refusal, Replica, ReplicaError};

pub const TODAY: &str = "2026-11-24";

pub fn t(n: u64) -> String {
    format!("1A4FF0100000022{n:09}")
}

/// What a scanner hands over as `text`, read as the workflows take it: decoded by `tally-ids`
/// with every state system (the fixture's facility has none on record).
pub fn id_of(text: &str) -> Identifier {
    let today = Date::parse_iso(TODAY).expect("TODAY is a date");
    Identifier::typed(text, tally_ids::StateSystems::all(), today)
        .unwrap_or_else(|unreadable| panic!("a test scan must decode: {unreadable:?}"))
}

/// The state tag `text` is (a package already scanned).
pub fn tag_of(text: &str) -> StateTag {
    id_of(text)
        .state_tag()
        .cloned()
        .unwrap_or_else(|| panic!("{text} is no state tag"))
}

/// An RFID read of an EPC bank, decoded as the floor decodes it (every state system).
pub fn epc_read(epc: Vec<u8>) -> tally_replica::workflow::count::TagRead {
    let today = Date::parse_iso(TODAY).expect("TODAY is a date");
    let identifier = Identifier::read(
        &tally_ids::ScanInput::epc(epc.clone()),
        tally_ids::StateSystems::all(),
        today,
    )
    .ok();
    tally_replica::workflow::count::TagRead { epc, identifier }
}

pub fn clock() -> Box<ManualClock> {
    Box::new(ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_000_000_000,
        boot_id: [7; 16],
        since_boot_us: 1_000,
    }))
}

pub struct Fixture {
    /// The database's directory.
    pub dir: tempfile::TempDir,
    /// The key directory (never the database's directory).
    pub key_dir: tempfile::TempDir,
    pub replica: Replica,
}

impl Fixture {
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("replica.db")
    }
    pub fn key(&self) -> PathBuf {
        self.key_dir.path().join("device.key")
    }
    pub fn events(&self) -> i64 {
        self.replica
            .view()
            .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
            .unwrap()
    }
    /// Records `payloads` (stock, tasks, manifests: master data) as the admin, in one action.
    pub fn stock(&mut self, payloads: Vec<Payload>) {
        self.replica.record("ADMIN", payloads).unwrap();
    }

    pub fn session(&mut self, badge: &str, pin: &str) -> Session {
        let (s, _) = self.replica.sign_in(badge, pin).unwrap();
        s
    }
    pub fn package(&self, uid: &str) -> (String, Option<String>, i64) {
        self.replica
            .view()
            .query_row(
                "SELECT status, location_id, quantity FROM packages WHERE uid = ?1",
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    }
}

pub fn reading(value: &str, stable: bool) -> Reading {
    Reading {
        scale_id: "SCALE-01".into(),
        value: value.into(),
        unit: MassUnit::G,
        net: true,
        tare: None,
        stable,
        division: "0.01".into(),
    }
}

fn loc(id: &str, kind: LocationKind, sellable: bool) -> Payload {
    Payload::LocationDefined(LocationDefined {
        location_id: id.into(),
        name: id.into(),
        kind,
        sellable,
        parent: None,
    })
}

fn item(id: &str, category: ItemCategory, weighed: bool) -> Payload {
    Payload::ItemDefined(ItemDefined {
        item_id: id.into(),
        sku: format!("SKU-{id}"),
        name: id.into(),
        category,
        unit_of_measure: if weighed {
            UnitOfMeasure::Weight
        } else {
            UnitOfMeasure::Each
        },
        gtin: None,
        manifest_weight_is_net: true,
        tare_mg: Some(12_000),
    })
}

fn batch(id: &str, item: &str, coa: CoaStatus, expiry: (u16, u8, u8), thc: Option<u32>) -> Payload {
    Payload::BatchDefined(BatchDefined {
        batch_id: id.into(),
        item_id: item.into(),
        lot: format!("LOT-{id}"),
        coa_status: coa,
        expiry: Date::new(expiry.0, expiry.1, expiry.2),
        thc_bp: thc,
        cbd_bp: None,
    })
}

pub fn package(
    uid: &str,
    item: &str,
    batch: &str,
    quantity: Quantity,
    location: &str,
    status: PackageStatus,
) -> Payload {
    Payload::PackageRegistered(PackageRegistered {
        uid: uid.into(),
        item_id: item.into(),
        batch_id: batch.into(),
        quantity,
        location_id: location.into(),
        status,
    })
}

/// An active package `uid` of `item` and `batch` at `location` (the stock set-ups' usual line).
pub fn active(uid: &str, item: &str, batch: &str, quantity: Quantity, location: &str) -> Payload {
    package(uid, item, batch, quantity, location, PackageStatus::Active)
}

/// The fixture's users: (badge, role, PIN).
pub const USERS: &[(&str, Role, &str)] = &[
    ("B1", Role::Operator, "1111"),
    ("B2", Role::Operator, "2222"),
    ("B3", Role::Operator, "3333"),
    ("S1", Role::Supervisor, "4444"),
    ("S2", Role::Supervisor, "5555"),
];

pub fn fixture_with(recount_by_another: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let key_dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    let key = key_dir.path().join("device.key");
    let mut replica = Replica::init(
        &db,
        &key,
        clock(),
        DeviceEnrolled {
            facility: "FAC-1".into(),
            hardware_serial: "HH-0001".into(),
            enrollment_token_sha256: tally_events::Sha256Hash::of(b"token"),
            previous_device: None,
        },
    )
    .unwrap();
    let mut admin = vec![
        Payload::FacilitySettingsDefined(FacilitySettingsDefined {
            facility_id: "FAC-1".into(),
            name: "Test facility".into(),
            license_number: "403R-1".into(),
            time_zone: "America/Denver".into(),
            receiving_tolerance_mg: 500,
            count_tolerance_mg: 200,
            count_tolerance_units: 0,
            recount_by_another,
        }),
        loc("VAULT-A", LocationKind::Vault, true),
        loc("SHELF-1", LocationKind::Shelf, true),
        loc("SHELF-2", LocationKind::Shelf, true),
        loc("QC-01", LocationKind::QuarantineCage, false),
        loc("DOCK-1", LocationKind::Dock, false),
        loc("LANE-1", LocationKind::StagingLane, false),
        loc("VAN-1", LocationKind::Vehicle, false),
        item("FLOWER", ItemCategory::Flower, true),
        item("CART", ItemCategory::Vape, false),
        item("GUMMY", ItemCategory::Edible, false),
        batch(
            "FL-L1",
            "FLOWER",
            CoaStatus::Passed,
            (2027, 3, 1),
            Some(2_210),
        ),
        batch(
            "FL-L2",
            "FLOWER",
            CoaStatus::Passed,
            (2027, 1, 15),
            Some(1_980),
        ),
        batch(
            "CA-L1",
            "CART",
            CoaStatus::Passed,
            (2027, 6, 1),
            Some(8_500),
        ),
        batch(
            "CA-L2",
            "CART",
            CoaStatus::Passed,
            (2027, 2, 1),
            Some(8_400),
        ),
        batch(
            "CA-L3",
            "CART",
            CoaStatus::Pending,
            (2026, 12, 1),
            Some(8_000),
        ),
        batch("GU-L1", "GUMMY", CoaStatus::Missing, (2027, 5, 1), None),
        batch(
            "CA-OLD",
            "CART",
            CoaStatus::Passed,
            (2026, 10, 1),
            Some(8_100),
        ),
        Payload::ScaleRegistered(ScaleRegistered {
            scale_id: "SCALE-01".into(),
            serial: "B7432".into(),
            model: "MS6002TS".into(),
            division: "0.01".into(),
            capacity: "6200".into(),
            unit: MassUnit::G,
            calibration_due: Date::new(2027, 6, 30).unwrap(),
        }),
        Payload::ScaleRegistered(ScaleRegistered {
            scale_id: "SCALE-OLD".into(),
            serial: "B0001".into(),
            model: "PB602".into(),
            division: "0.01".into(),
            capacity: "600".into(),
            unit: MassUnit::G,
            calibration_due: Date::new(2026, 1, 1).unwrap(),
        }),
    ];
    for (badge, role, _) in USERS {
        admin.push(Payload::UserDefinedV2(UserDefinedV2 {
            badge: (*badge).into(),
            name: format!("User {badge}"),
            role: *role,
            active: true,
        }));
    }
    for code in [
        "DAMAGE",
        "WEIGHT-OFF",
        "LABEL-MISMATCH",
        "NOT-ON-MANIFEST",
        "SCALE-VARIANCE",
        "ENTRY-ERROR",
        "SHORT-STOCK",
        "EXPIRED",
        "THEFT",
    ] {
        admin.push(Payload::ReasonCodeDefined(ReasonCodeDefined {
            code: code.into(),
            description: code.to_lowercase(),
        }));
    }
    replica.record("ADMIN", admin).unwrap();
    // PIN verifiers arrive as master data outside the log, the way the ledger sends them
    // (cheap Argon2id parameters: tests only).
    let verifiers: Vec<IssuedVerifier> = USERS
        .iter()
        .map(|(badge, _, pin)| IssuedVerifier {
            badge: (*badge).into(),
            phc: tally_events::pin::make_verifier(
                &tally_events::PinParams::TEST,
                pin,
                &mut rand_core::OsRng,
            )
            .unwrap(),
        })
        .collect();
    replica.store_pin_verifiers(&verifiers).unwrap();
    Fixture {
        dir,
        key_dir,
        replica,
    }
}

pub fn fixture() -> Fixture {
    fixture_with(true)
}

/// The refusal a workflow step answered with; anything else fails the test.
pub fn refusal<T: std::fmt::Debug>(result: Result<T, ReplicaError>) -> Refusal {
    match result {
        Err(ReplicaError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A manifest of three cases; the packages exist in the state system (registered in transit).
pub fn with_manifest() -> Fixture {
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

/// Cartridges on shelves (FEFO: CA-L2 before CA-L1; CA-OLD expired; CA-L3 without a passed
/// COA; one on hold), flower in the vault and one in the quarantine cage, and pick list PL-1
/// (flower 3 g, 6 cartridges).
pub fn picking_stock() -> Fixture {
    let mut f = fixture();
    f.stock(vec![
        active(&t(1), "CART", "CA-L1", Quantity::Units(10), "SHELF-1"),
        active(&t(2), "CART", "CA-L2", Quantity::Units(4), "SHELF-2"),
        active(&t(3), "CART", "CA-L3", Quantity::Units(9), "VAULT-A"),
        package(
            &t(4),
            "FLOWER",
            "FL-L1",
            Quantity::Milligrams(5_000),
            "QC-01",
            PackageStatus::Quarantined,
        ),
        package(
            &t(5),
            "CART",
            "CA-L1",
            Quantity::Units(3),
            "SHELF-1",
            PackageStatus::OnHold,
        ),
        active(&t(7), "CART", "CA-OLD", Quantity::Units(5), "SHELF-1"),
        active(
            &t(6),
            "FLOWER",
            "FL-L2",
            Quantity::Milligrams(10_000),
            "VAULT-A",
        ),
        Payload::PickListIssued(PickListIssued {
            pick_list_id: "PL-1".into(),
            order_id: "ORD-1".into(),
            route_id: "R1".into(),
            lines: vec![
                PickListLine {
                    line: 1,
                    item_id: "FLOWER".into(),
                    quantity: Quantity::Milligrams(3_000),
                    batch_id: None,
                },
                PickListLine {
                    line: 2,
                    item_id: "CART".into(),
                    quantity: Quantity::Units(6),
                    batch_id: None,
                },
            ],
        }),
    ]);
    f
}

/// Outbound manifest `id` for `route` (origin the fixture's licence), one line per
/// (UID, item, quantity): what a route's staged totes are reconciled against.
pub fn outbound(id: &str, route: &str, lines: &[(String, &str, Quantity)]) -> Payload {
    Payload::OutboundManifestIssued(OutboundManifestIssued {
        manifest_id: id.into(),
        origin_license: "403R-1".into(),
        destination_license: "402R-9".into(),
        route_id: route.into(),
        driver: "Robin".into(),
        vehicle: "VAN-1".into(),
        lines: lines
            .iter()
            .map(|(uid, item, quantity)| ManifestLine {
                uid: uid.clone(),
                item_id: (*item).into(),
                quantity: *quantity,
                weight_mg: None,
            })
            .collect(),
    })
}

/// SHELF-1 holds t(1) 10 carts, t(2) 12 carts, t(3) 5.000 g flower; t(4) is on SHELF-2 (not
/// counted); task CT-1 counts SHELF-1.
pub fn counting_stock(recount_by_another: bool) -> Fixture {
    let mut f = fixture_with(recount_by_another);
    f.stock(vec![
        active(&t(1), "CART", "CA-L1", Quantity::Units(10), "SHELF-1"),
        active(&t(2), "CART", "CA-L2", Quantity::Units(12), "SHELF-1"),
        active(
            &t(3),
            "FLOWER",
            "FL-L1",
            Quantity::Milligrams(5_000),
            "SHELF-1",
        ),
        active(&t(4), "CART", "CA-L1", Quantity::Units(3), "SHELF-2"),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: "CT-1".into(),
            locations: vec!["SHELF-1".into()],
            items: vec![],
            assigned_to: None,
        }),
    ]);
    f
}

/// Another handheld of `facility` (its own key and chain), whose events reach this device as
/// the ledger sends them: its genesis, then `payloads` signed by badge B3, each a delta in
/// ledger order from index 1.
pub fn another_device(facility: &str, payloads: Vec<Payload>) -> Vec<tally_replica::Delta> {
    let mut chain = DeviceChain::new(
        tally_events::DeviceKey::from_seed([9; 32]),
        Timestamp {
            wall_unix_ms: 1_795_000_000_000,
            boot_id: [9; 16],
            since_boot_us: 1_000,
        },
        DeviceEnrolled {
            facility: facility.into(),
            hardware_serial: "HH-0002".into(),
            enrollment_token_sha256: tally_events::Sha256Hash::of(b"HH-0002"),
            previous_device: None,
        },
    );
    for payload in payloads {
        chain.add(10, "B3", payload);
    }
    chain
        .events()
        .into_iter()
        .enumerate()
        .map(|(i, event)| tally_replica::Delta {
            ledger_index: i as u64 + 1,
            bytes: event.as_bytes().to_vec(),
        })
        .collect()
}

/// A counting step of the count tests: `who` enters `entry` for package `uid` at `place`
/// (task, location), recorded through the counting view as the floor records it.
pub fn enter(
    f: &mut Fixture,
    cv: &tally_replica::workflow::count::CountingView,
    who: &Session,
    place: (&str, &str),
    uid: &str,
    entry: tally_replica::workflow::count::Entry,
) -> Result<
    (
        tally_replica::workflow::count::Entered,
        Vec<tally_replica::Recorded>,
    ),
    ReplicaError,
> {
    let (task, location) = place;
    f.replica.act_counting(cv, &who.badge, |cv| {
        tally_replica::workflow::count::enter(cv, who, task, location, &tag_of(uid), &entry, TODAY)
    })
}

/// A counting step of the count tests: `who` starts (or resumes) `task`; the round.
pub fn start(
    f: &mut Fixture,
    cv: &tally_replica::workflow::count::CountingView,
    who: &Session,
    task: &str,
) -> Result<(i64, Vec<tally_replica::Recorded>), ReplicaError> {
    f.replica.act_counting(cv, &who.badge, |cv| {
        tally_replica::workflow::count::start(cv, who, task)
    })
}

/// A counting step of the count tests: `who` sweeps `place` (task, location) with reader
/// SLED-1, recorded through the counting view as the floor records it.
pub fn sweep(
    f: &mut Fixture,
    cv: &tally_replica::workflow::count::CountingView,
    who: &Session,
    place: (&str, &str),
    reads: &[tally_replica::workflow::count::TagRead],
) -> Result<
    (
        tally_replica::workflow::count::ScanTally,
        Vec<tally_replica::Recorded>,
    ),
    ReplicaError,
> {
    let (task, location) = place;
    f.replica.act_counting(cv, &who.badge, |cv| {
        tally_replica::workflow::count::sweep(cv, who, task, location, "SLED-1", reads)
    })
}

/// A device's signed chain written by a test (export files, ledgers, deltas): its genesis,
/// then each event [`DeviceChain::add`]s, the clock moved on before each.
pub struct DeviceChain {
    clock: ManualClock,
    writer: tally_events::ChainWriter,
    events: Vec<tally_events::SignedEvent>,
}

impl DeviceChain {
    /// The genesis of a device with key `key` enrolled as `enrolled`, at `start`.
    pub fn new(key: tally_events::DeviceKey, start: Timestamp, enrolled: DeviceEnrolled) -> Self {
        let clock = ManualClock::new(start);
        let (writer, genesis) = tally_events::ChainWriter::genesis(key, &clock, "", enrolled)
            .unwrap_or_else(|e| panic!("genesis: {e}"));
        DeviceChain {
            clock,
            writer,
            events: vec![genesis],
        }
    }

    /// Appends `payload` by `actor`, `after_ms` after the previous event.
    pub fn add(
        &mut self,
        after_ms: u64,
        actor: &str,
        payload: Payload,
    ) -> &tally_events::SignedEvent {
        self.clock.advance_ms(after_ms);
        let event = self
            .writer
            .append(&self.clock, actor, payload)
            .unwrap_or_else(|e| panic!("append: {e}"));
        self.events.push(event);
        &self.events[self.events.len() - 1]
    }

    /// The chain so far, genesis first.
    pub fn events(self) -> Vec<tally_events::SignedEvent> {
        self.events
    }
}

/// A device enrolment at `facility` as the tests write it (token `token`).
pub fn enrolled(facility: &str, serial: &str) -> DeviceEnrolled {
    DeviceEnrolled {
        facility: facility.into(),
        hardware_serial: serial.into(),
        enrollment_token_sha256: tally_events::Sha256Hash::of(b"token"),
        previous_device: None,
    }
}

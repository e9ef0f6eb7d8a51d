//! `tally log show --db` on a real replica during an open blind count: the device's view of
//! its own log withholds the counted stock's quantities, weights and hashes; an export of the
//! same log shown on its own (the auditor's view) shows everything.

use std::path::Path;
use std::process::{Command, Output};

use tally_events::payload::*;
use tally_events::{Date, ManualClock, MassUnit, Payload, Quantity, Timestamp};
use tally_replica::pins::IssuedVerifier;
use tally_replica::workflow::count::{self, Entry};
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::{Identifier, StateTag};
use tally_replica::Replica;

const TODAY: &str = "2026-11-24";

fn t(n: u64) -> String {
    format!("1A4FF0100000022{n:09}")
}

/// The state tag a scan of `text` is, decoded as the floor decodes it.
fn tag_of(text: &str) -> StateTag {
    let today = Date::parse_iso(TODAY).expect("TODAY is a date");
    Identifier::typed(text, tally_ids::StateSystems::all(), today)
        .ok()
        .and_then(|scanned| scanned.state_tag().cloned())
        .unwrap_or_else(|| panic!("{text} is no state tag"))
}

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .expect("run tally")
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Expected quantities (7,319 carts; 86.421 g) and round 1's numbers (4,447; 51.37 g).
const SECRETS: &[&str] = &[
    "7319", "7,319", "86421", "86.421", "4447", "4,447", "51.37", "51370",
];

fn package(uid: &str, item: &str, batch: &str, quantity: Quantity) -> Payload {
    Payload::PackageRegistered(PackageRegistered {
        uid: uid.into(),
        item_id: item.into(),
        batch_id: batch.into(),
        quantity,
        location_id: "SHELF-1".into(),
        status: PackageStatus::Active,
    })
}

/// A replica (key in its own directory) where B1 counted round 1 of CT-1 on SHELF-1 and a
/// recount is open.
fn replica_with_an_open_count(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("data").join("replica.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let clock = Box::new(ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_000_000_000,
        boot_id: [7; 16],
        since_boot_us: 1_000,
    }));
    let mut replica = Replica::init(
        &db,
        &keys.join("device.key"),
        clock,
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
            recount_by_another: true,
        }),
        Payload::LocationDefined(LocationDefined {
            location_id: "SHELF-1".into(),
            name: "Shelf 1".into(),
            kind: LocationKind::Shelf,
            sellable: true,
            parent: None,
        }),
        Payload::ScaleRegistered(ScaleRegistered {
            scale_id: "SCALE-01".into(),
            serial: "B7432".into(),
            model: "MS6002TS".into(),
            division: "0.01".into(),
            capacity: "6200".into(),
            unit: MassUnit::G,
            calibration_due: Date::new(2027, 6, 30).unwrap(),
        }),
    ];
    for (id, weighed, batch) in [("CART", false, "CA-L1"), ("FLOWER", true, "FL-L1")] {
        admin.push(Payload::ItemDefined(ItemDefined {
            item_id: id.into(),
            sku: format!("SKU-{id}"),
            name: id.into(),
            category: if weighed {
                ItemCategory::Flower
            } else {
                ItemCategory::Vape
            },
            unit_of_measure: if weighed {
                UnitOfMeasure::Weight
            } else {
                UnitOfMeasure::Each
            },
            gtin: None,
            manifest_weight_is_net: true,
            tare_mg: None,
        }));
        admin.push(Payload::BatchDefined(BatchDefined {
            batch_id: batch.into(),
            item_id: id.into(),
            lot: format!("LOT-{batch}"),
            coa_status: CoaStatus::Passed,
            expiry: Date::new(2027, 6, 1),
            thc_bp: None,
            cbd_bp: None,
        }));
    }
    admin.push(Payload::UserDefinedV2(UserDefinedV2 {
        badge: "B1".into(),
        name: "User B1".into(),
        role: Role::Operator,
        active: true,
    }));
    admin.push(package(&t(11), "CART", "CA-L1", Quantity::Units(7_319)));
    admin.push(package(
        &t(12),
        "FLOWER",
        "FL-L1",
        Quantity::Milligrams(86_421),
    ));
    admin.push(Payload::CountTaskIssued(CountTaskIssued {
        count_task_id: "CT-1".into(),
        locations: vec!["SHELF-1".into()],
        items: vec![],
        assigned_to: None,
    }));
    replica.record("ADMIN", admin).unwrap();
    // The PIN verifier arrives outside the log, as from the ledger (cheap test parameters).
    replica
        .store_pin_verifiers(&[IssuedVerifier {
            badge: "B1".into(),
            phc: tally_events::pin::make_verifier(
                &tally_events::PinParams::TEST,
                "1111",
                &mut rand_core::OsRng,
            )
            .unwrap(),
        }])
        .unwrap();
    let (b1, _) = replica.sign_in("B1", "1111").unwrap();
    let cv = replica.counting_view().unwrap();
    replica
        .act_counting(&cv, "B1", |cv| count::start(cv, &b1, "CT-1"))
        .unwrap();
    replica
        .act_counting(&cv, "B1", |cv| {
            count::enter(
                cv,
                &b1,
                "CT-1",
                "SHELF-1",
                &tag_of(&t(11)),
                &Entry::Units(4_447),
                TODAY,
            )
        })
        .unwrap();
    let reading = Reading {
        scale_id: "SCALE-01".into(),
        value: "51.37".into(),
        unit: MassUnit::G,
        net: true,
        tare: None,
        stable: true,
        division: "0.01".into(),
    };
    replica
        .act_counting(&cv, "B1", |cv| {
            count::enter(
                cv,
                &b1,
                "CT-1",
                "SHELF-1",
                &tag_of(&t(12)),
                &Entry::Weighed(reading.clone()),
                TODAY,
            )
        })
        .unwrap();
    let (submitted, _) = replica.submit_count(&cv, &b1, "CT-1").unwrap();
    assert_eq!(submitted.recount, vec![t(11), t(12)]);
    db
}

/// Replaces every run of 32 or more hex digits (device ids, hashes, signatures: random in each
/// run, so "7319" can appear in one by chance) with `<hex>`.
fn without_random_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        if run.len() >= 32 {
            out.push_str("<hex>");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn assert_nothing_counted(text: &str) {
    let text = [t(11), t(12)].iter().fold(text.to_owned(), |text, uid| {
        text.replace(uid.as_str(), "<uid>")
    });
    let text = without_random_hex(&text);
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{secret} shown during the count:\n{text}"
        );
    }
}

#[test]
fn show_db_withholds_counted_quantities_weights_and_hashes_during_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = replica_with_an_open_count(dir.path());
    let shown = tally(&["log", "show", "--db", p(&db)]);
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    assert!(text.contains("count_line_recorded"), "{text}");
    assert!(
        text.contains("quantity: withheld while a count is open"),
        "{text}"
    );
    assert!(
        text.contains("value: withheld while a count is open"),
        "{text}"
    );
    assert_nothing_counted(&text);

    let json = tally(&["log", "show", "--db", p(&db), "--json"]);
    assert!(json.status.success());
    let events: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let events = events.as_array().unwrap();
    assert_nothing_counted(&serde_json::to_string(events).unwrap());
    // A withheld event's hashes and signature, and every later record hash, prev and
    // signature (they chain over its bytes), would let a counter try every quantity.
    let withheld = "withheld while a count is open";
    let line = events
        .iter()
        .find(|e| e["kind"] == "count_line_recorded")
        .unwrap();
    for field in ["record_sha256", "payload_sha256", "signature"] {
        assert_eq!(line[field], withheld, "{line}");
    }
    let first = events
        .iter()
        .position(|e| e["payload_sha256"] == withheld)
        .unwrap();
    assert!(first > 0, "the enrollment shows");
    assert_ne!(events[0]["record_sha256"], withheld);
    for event in &events[first..] {
        assert_eq!(event["record_sha256"], withheld, "{event}");
        assert_eq!(event["signature"], withheld, "{event}");
    }
    for event in &events[first + 1..] {
        assert_eq!(event["prev"], withheld, "{event}");
    }
    let hashes_shown =
        text.matches("    record ").count() - text.matches("record withheld").count();
    assert_eq!(hashes_shown, first, "{text}");

    // The export of the same log, shown on its own, is the auditor's view: all of it.
    let export = dir.path().join("device.tlog");
    let key = dir.path().join("keys").join("device.key");
    let exported = tally(&[
        "log",
        "export",
        "--db",
        p(&db),
        "--key",
        p(&key),
        "--out",
        p(&export),
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let audit = tally(&["log", "show", p(&export)]);
    let audit = String::from_utf8(audit.stdout).unwrap();
    assert!(audit.contains("7319") && audit.contains("4447") && audit.contains("51.37"));
}

#[test]
fn show_needs_a_file_or_a_db_and_not_both() {
    let neither = tally(&["log", "show"]);
    assert_eq!(neither.status.code(), Some(2));
    let both = tally(&["log", "show", "x.tlog", "--db", "x.db"]);
    assert_eq!(both.status.code(), Some(2));
    let missing = tally(&["log", "show", "--db", "/nonexistent/replica.db"]);
    assert_eq!(missing.status.code(), Some(1));
    let error = String::from_utf8(missing.stderr).unwrap();
    assert!(error.contains("no replica database"), "{error}");
}

//! "Today" is the facility's date in its time zone, not UTC's: the demo facility is in
//! America/Denver, and at 03:30 UTC on 2026-11-18 it is still the evening of the 17th there.
//! A lot that expires on the 17th may still be picked that evening (FEFO offers it); once it
//! is the 18th in Denver it may not.

mod common;

use common::App;
use tally_app::screens::pick::{Pick, Stage};
use tally_app::state::{Screen, Settings};
use tally_events::payload::{BatchDefined, CoaStatus, PackageRegistered, PackageStatus};
use tally_events::payload::{PickListIssued, PickListLine};
use tally_events::{Date, Payload, Quantity};

/// 2026-11-18 03:30 UTC: 2026-11-17 20:30 in Denver.
const EVENING_IN_DENVER: i64 = 1_794_972_600_000;
/// 2026-11-18 08:00 UTC: 2026-11-18 01:00 in Denver.
const NEXT_NIGHT_IN_DENVER: i64 = 1_794_988_800_000;
const LOT_UID: &str = "1A4FF0100000093000000001";

/// A demo at `wall_unix_ms` with a lot expiring on 2026-11-17 as the only stock of an item,
/// and a pick list for that item; the first line of its walk as the picker sees it.
fn walk_at(wall_unix_ms: i64) -> (App, String) {
    let mut app = App::demo_at(30, Settings::default(), wall_unix_ms);
    app.replica
        .record(
            "ADMIN",
            vec![
                Payload::ItemDefined(tally_events::payload::ItemDefined {
                    item_id: "TZ-ITEM".into(),
                    sku: "SKU-TZ".into(),
                    name: "Expires tonight".into(),
                    category: tally_events::payload::ItemCategory::Edible,
                    unit_of_measure: tally_events::payload::UnitOfMeasure::Each,
                    gtin: None,
                    manifest_weight_is_net: false,
                    tare_mg: None,
                }),
                Payload::BatchDefined(BatchDefined {
                    batch_id: "LOT-17".into(),
                    item_id: "TZ-ITEM".into(),
                    lot: "LOT-17".into(),
                    coa_status: CoaStatus::Passed,
                    expiry: Date::new(2026, 11, 17),
                    thc_bp: None,
                    cbd_bp: None,
                }),
                Payload::PackageRegistered(PackageRegistered {
                    uid: LOT_UID.into(),
                    item_id: "TZ-ITEM".into(),
                    batch_id: "LOT-17".into(),
                    quantity: Quantity::Units(10),
                    location_id: "VAULT-A-S01".into(),
                    status: PackageStatus::Active,
                }),
            ],
        )
        .unwrap();
    app.replica
        .record(
            "ADMIN",
            tally_replica::seed::split_pick_list(PickListIssued {
                pick_list_id: "PL-TZ".into(),
                order_id: "ORD-TZ".into(),
                route_id: "ROUTE-1".into(),
                lines: vec![PickListLine {
                    line: 1,
                    item_id: "TZ-ITEM".into(),
                    quantity: Quantity::Units(1),
                    batch_id: None,
                }],
            }),
        )
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("3");
    app.wedge_scan("PL-TZ");
    assert!(matches!(
        app.state.screen(),
        Screen::Pick(Pick {
            stage: Stage::Lines { .. },
            ..
        })
    ));
    let screen = app.screen(80, 24);
    (app, screen)
}

#[test]
fn today_is_the_facility_s_date_not_utc_s() {
    let (app, screen) = walk_at(EVENING_IN_DENVER);
    assert_eq!(
        tally_app::worker::today(&app.replica).to_string(),
        "2026-11-17",
        "UTC is already on the 18th; Denver is not"
    );
    assert!(
        screen.contains(LOT_UID),
        "the lot expiring today (Denver) is offered: {screen}"
    );

    let (app, screen) = walk_at(NEXT_NIGHT_IN_DENVER);
    assert_eq!(
        tally_app::worker::today(&app.replica).to_string(),
        "2026-11-18"
    );
    assert!(
        !screen.contains(LOT_UID),
        "an expired lot is never offered: {screen}"
    );
}

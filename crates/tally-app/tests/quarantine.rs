//! 7 Quarantine / release on a real demo replica, through the floor layer: an operator
//! quarantines a package with a reason (it goes to the cage); release is shown dimmed for an
//! operator with why and refused; a supervisor releases it; a scan during the reason question
//! is held. At 40×20 and 80×24, in English and Spanish.

mod common;

use common::App;
use tally_app::event::{Key, Tone};
use tally_app::state::Screen;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn key(app: &mut App, c: char) {
    app.type_text(&c.to_string());
    app.wait(100);
}

fn status(app: &App, uid: &str) -> (String, Option<String>) {
    app.view
        .query_row(
            "SELECT status, location_id FROM packages WHERE uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn reason_number(app: &App, code: &str) -> String {
    let n: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM reason_codes WHERE code <= ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap();
    n.to_string()
}

#[test]
fn an_operator_quarantines_and_a_supervisor_releases() {
    let mut app = App::demo(30);
    let uid: String = app
        .view
        .query_row(
            "SELECT p.uid FROM packages p JOIN batches b ON b.id = p.batch_id
             WHERE p.status = 'active' AND b.coa_status = 'passed' AND p.location_id LIKE 'VAULT-%'
             ORDER BY p.uid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("7");
    assert!(matches!(app.state.screen(), Screen::Quarantine(_)));
    shots(&app, "quarantine_prompt");
    app.wedge_scan(&uid);
    key(&mut app, 'l');
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Error),
        "release is for supervisors"
    );
    shots(&app, "quarantine_release_refused");
    key(&mut app, 'q');
    // A scan during the reason question is held, not taken as the answer.
    app.wedge_scan("1A4FF0100000000000000099");
    assert_eq!(app.state.held_scans.len(), 1);
    shots(&app, "quarantine_reason");
    app.type_line(&reason_number(&app, "DAMAGE"));
    assert_eq!(
        status(&app, &uid),
        ("quarantined".into(), Some("QC-01".into()))
    );
    // The held scan was handled after the answer: it is the package now.
    assert!(app.state.held_scans.is_empty());
    app.wedge_scan(&uid);
    shots(&app, "quarantine_done");
    app.press(Key::Esc);
    app.press(Key::Esc);
    app.press(Key::Enter);
    app.sign_in("B2001", "4444");
    app.press(Key::F(2));
    app.type_line("7");
    app.wedge_scan(&uid);
    key(&mut app, 'l');
    app.type_line(&reason_number(&app, "ENTRY-ERROR"));
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    assert_eq!(status(&app, &uid).0, "active");
    shots(&app, "quarantine_released_es");
}

/// A pallet (a tote-kind location) holding `n` active packages of the demo's units item.
fn pallet(app: &mut App, id: &str, series: u32, n: usize) -> Vec<String> {
    use tally_events::payload::{LocationDefined, LocationKind, PackageRegistered, PackageStatus};
    use tally_events::{Payload, Quantity};
    let batch = app.batch_of("CN-BDR-1");
    let uids: Vec<String> = (1..=n)
        .map(|i| format!("1A4FF0100000{series:03}{i:09}"))
        .collect();
    let mut payloads = vec![Payload::LocationDefined(LocationDefined {
        location_id: id.into(),
        name: format!("Pallet {id}"),
        kind: LocationKind::Tote,
        sellable: true,
        parent: None,
    })];
    payloads.extend(uids.iter().map(|uid| {
        Payload::PackageRegistered(PackageRegistered {
            uid: uid.clone(),
            item_id: "CN-BDR-1".into(),
            batch_id: batch.clone(),
            quantity: Quantity::Units(5),
            location_id: id.into(),
            status: PackageStatus::Active,
        })
    }));
    app.replica.record("ADMIN", payloads).unwrap();
    uids
}

fn quarantined_events(app: &App) -> i64 {
    app.view
        .query_row(
            // Kind 48: package_quarantined.
            "SELECT count(*) FROM event_log WHERE kind = 48",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_pallet_scanned_shows_what_it_holds_and_one_confirmed_action_quarantines_it_all() {
    let mut app = App::demo(30);
    let uids = pallet(&mut app, "PALLET-7", 95, 3);
    app.sign_in("B1001", "1111");
    app.type_line("7");
    app.wedge_scan("PALLET-7");
    shots(&app, "quarantine_pallet_holds");
    let shown = app.screen(40, 20);
    for uid in &uids {
        assert!(shown.contains(uid.as_str()), "{shown}");
    }
    key(&mut app, 'q');
    app.type_line(&reason_number(&app, "DAMAGE"));
    shots(&app, "quarantine_pallet_confirm");
    let before = quarantined_events(&app);
    // A scan during the question is held, never the answer; Esc quarantines nothing.
    app.wedge_scan("PALLET-7");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    app.press(Key::Esc);
    assert_eq!(quarantined_events(&app), before);
    for uid in &uids {
        assert_eq!(status(&app, uid).0, "active");
    }
    // Asked again and confirmed: every package it holds, one event each, to the cage.
    key(&mut app, 'q');
    app.type_line(&reason_number(&app, "DAMAGE"));
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    shots(&app, "quarantine_pallet_done");
    assert_eq!(quarantined_events(&app), before + 3);
    for uid in &uids {
        assert_eq!(
            status(&app, uid),
            ("quarantined".to_owned(), Some("QC-01".to_owned()))
        );
    }
}

#[test]
fn a_pallet_under_count_is_not_listed_and_quarantines_none() {
    let mut app = App::demo(30);
    let uids = pallet(&mut app, "PALLET-8", 94, 4);
    // A count is open at the pallet: nothing on it may move, so none is quarantined.
    let issued = tally_events::payload::CountTaskIssued {
        count_task_id: "CT-PALLET".into(),
        locations: vec!["PALLET-8".into()],
        items: Vec::new(),
        assigned_to: None,
    };
    app.replica
        .record("ADMIN", tally_replica::seed::split_count_task(issued))
        .unwrap();
    let floor = tally_floor::Floor::new(tally_app::worker::today(&app.replica));
    let (who, _) = app.replica.sign_in("B1002", "2222").unwrap();
    floor
        .start_count(&mut app.replica, &who, "CT-PALLET")
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("7");
    app.wedge_scan("PALLET-8");
    // Blind counts: while a count is open, what a pallet holds is not shown to anyone.
    for (width, height) in SIZES {
        let shown = app.screen(width, height);
        for uid in &uids {
            assert!(!shown.contains(uid.as_str()), "{shown}");
        }
    }
    shots(&app, "quarantine_pallet_withheld");
    key(&mut app, 'q');
    app.type_line(&reason_number(&app, "DAMAGE"));
    let before = quarantined_events(&app);
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "quarantine_pallet_refused");
    // The refusal is long: the status line grows until it is read whole.
    for (width, height) in SIZES {
        let shown = app.screen(width, height);
        assert!(
            common::shows_whole(&shown, &app.state.status.text),
            "{shown}"
        );
    }
    assert_eq!(quarantined_events(&app), before);
    for uid in &uids {
        assert_eq!(status(&app, uid).0, "active");
    }
    // A label that holds nothing is no pallet: it is taken as a package's tag.
    app.wedge_scan("PALLET-NONE");
    assert!(matches!(app.state.screen(), Screen::Quarantine(q) if q.pallet.is_none()));
}

#[test]
fn a_tote_picks_went_into_is_a_pallet_too() {
    use tally_events::payload::{
        BatchDefined, CoaStatus, ItemCategory, ItemDefined, PackageRegistered, PackageStatus,
        PickListIssued, PickListLine, UnitOfMeasure,
    };
    use tally_events::{Date, Payload, Quantity};
    const UID: &str = "1A4FF0100000092000000001";
    let mut app = App::demo(30);
    app.replica
        .record(
            "ADMIN",
            vec![
                Payload::ItemDefined(ItemDefined {
                    item_id: "TOTE-ITEM".into(),
                    sku: "SKU-TOTE".into(),
                    name: "Picked into a tote".into(),
                    category: ItemCategory::Edible,
                    unit_of_measure: UnitOfMeasure::Each,
                    gtin: None,
                    manifest_weight_is_net: false,
                    tare_mg: None,
                }),
                Payload::BatchDefined(BatchDefined {
                    batch_id: "LOT-T".into(),
                    item_id: "TOTE-ITEM".into(),
                    lot: "LOT-T".into(),
                    coa_status: CoaStatus::Passed,
                    expiry: Date::new(2099, 1, 1),
                    thc_bp: None,
                    cbd_bp: None,
                }),
                Payload::PackageRegistered(PackageRegistered {
                    uid: UID.into(),
                    item_id: "TOTE-ITEM".into(),
                    batch_id: "LOT-T".into(),
                    quantity: Quantity::Units(2),
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
                pick_list_id: "PL-TOTE".into(),
                order_id: "ORD-TOTE".into(),
                route_id: "ROUTE-1".into(),
                lines: vec![PickListLine {
                    line: 1,
                    item_id: "TOTE-ITEM".into(),
                    quantity: Quantity::Units(2),
                    batch_id: None,
                }],
            }),
        )
        .unwrap();
    app.sign_in("B1001", "1111");
    // The whole package is picked into TOTE-5.
    app.type_line("3");
    app.wedge_scan("PL-TOTE");
    app.type_line("1");
    app.wedge_scan(UID);
    app.wedge_scan("TOTE-5");
    app.type_line("2");
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    while !matches!(app.state.screen(), Screen::Home { .. }) {
        app.press(Key::Esc);
    }
    app.type_line("7");
    app.wedge_scan("TOTE-5");
    assert!(app.screen(80, 24).contains(UID), "{}", app.screen(80, 24));
    key(&mut app, 'q');
    app.type_line(&reason_number(&app, "DAMAGE"));
    app.press(Key::Enter);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    assert_eq!(
        status(&app, UID),
        ("quarantined".to_owned(), Some("QC-01".to_owned()))
    );
}

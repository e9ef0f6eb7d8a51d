//! 4 Load on a real demo replica: the outbound manifests, one manifest reconciled against what
//! is staged (missing listed), closing asked first and refused while it is not exact, nothing
//! recorded; a manifest opened by scanning its barcode; a scan during the closing question held,
//! not taken as the answer; an exact one (a line picked and its tote staged through 3 Pick)
//! closed for loading and marked ready; snapshots at 40 × 20 and 80 × 24.

mod common;

use common::App;
use tally_app::event::{Key, Tone};
use tally_app::screens::load::{Load, Stage};
use tally_app::screens::pick::Stage as PickStage;
use tally_app::state::Screen;
use tally_events::Quantity;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];
/// The kind number of `loading_reconciled`.
const LOADING_RECONCILED: u16 = 67;

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn stage(app: &App) -> Stage {
    match app.state.screen() {
        Screen::Load(Load { stage, .. }) => stage.clone(),
        other => panic!("not on 4 Load: {other:?}"),
    }
}

#[test]
fn a_manifest_with_nothing_staged_lists_what_is_missing_and_is_not_closed() {
    let mut app = App::demo(30);
    app.sign_in("B1001", "1111");
    app.type_line("4");
    shots(&app, "load_manifests");
    app.type_line("1");
    let missing = match stage(&app) {
        Stage::Manifest {
            reconciliation: Some(r),
            ..
        } => r.missing.len(),
        other => panic!("{other:?}"),
    };
    assert!(missing > 0, "nothing is staged: every line is missing");
    shots(&app, "load_not_exact");
    let events = |app: &App| -> i64 {
        app.view
            .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
            .unwrap()
    };
    let before = events(&app);
    // Enter asks first; a scan meanwhile is held, not the answer; Esc keeps it open.
    app.press(Key::Enter);
    shots(&app, "load_confirm_close");
    let id = match stage(&app) {
        Stage::Manifest { id, .. } => id,
        other => panic!("{other:?}"),
    };
    app.wedge_scan(&id);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(app.state.held_scans, vec![id.clone()]);
    assert!(
        matches!(stage(&app), Stage::Manifest { confirm_close, .. } if confirm_close.asking()),
        "the scan did not answer the question"
    );
    assert_eq!(events(&app), before, "a held scan records nothing");
    app.press(Key::Esc);
    assert!(matches!(
        stage(&app),
        Stage::Manifest { confirm_close, .. } if !confirm_close.asking()
    ));
    app.press(Key::Enter);
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(
        app.state.status.text.contains(&missing.to_string()),
        "{}",
        app.state.status.text
    );
    assert_eq!(events(&app), before, "a refused close records nothing");
    shots(&app, "load_close_refused");
    app.press(Key::F(2));
    shots(&app, "load_not_exact_spanish");
    app.press(Key::F(2));
    // Esc: back to the manifests, then home.
    app.press(Key::Esc);
    assert!(matches!(stage(&app), Stage::Manifests { .. }));
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
}

/// The manifests open by a scan of the manifest's barcode as well as by number; an unknown
/// barcode says so and opens nothing.
#[test]
fn a_manifest_opens_by_scanning_its_barcode() {
    let mut app = App::demo(30);
    app.sign_in("B1001", "1111");
    app.type_line("4");
    let ids: Vec<String> = match stage(&app) {
        Stage::Manifests { list } => (0..list.len())
            .map(|i| list.get(i).unwrap().id.clone())
            .collect(),
        other => panic!("{other:?}"),
    };
    assert!(ids.len() >= 2, "{ids:?}");
    // The last one, not the marked first row: the scan chose it.
    let wanted = ids.last().unwrap().clone();
    app.wedge_scan(&wanted);
    match stage(&app) {
        Stage::Manifest {
            id,
            reconciliation: Some(_),
            ..
        } => assert_eq!(id, wanted),
        other => panic!("{other:?}"),
    }
    app.press(Key::Esc);
    app.wedge_scan("OUT-NO-SUCH-9999");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(matches!(stage(&app), Stage::Manifests { .. }));
}

/// An exact reconciliation is closed for loading: one line of the first open pick list is
/// picked into a tote and the tote staged at a lane through 3 Pick, a manifest for the list's
/// route lists exactly what was picked; on 4 Load it opens with nothing missing, extra or
/// mismatched, Enter on an empty line asks, Enter answers yes: the replica marks it ready
/// (one more `loading_reconciled` event, a pass), the screen says so and it leaves the list.
#[test]
fn an_exact_manifest_is_closed_for_loading_and_marked_ready() {
    let mut app = App::demo(30);
    app.sign_in("B1001", "1111");
    let (list, route): (String, String) = app
        .view
        .query_row(
            "SELECT id, route FROM pick_lists WHERE status = 'open' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let today = tally_app::worker::today(&app.replica).to_string();
    let walk = tally_floor::pick_walk(&app.view, &list, &today).unwrap();
    let row = 1 + walk
        .iter()
        .position(|s| s.take.is_some())
        .expect("a line with stock");
    let take = walk[row - 1].take.clone().unwrap();
    // 3 Pick: the list, the line, the package, a tote, a quantity; back on the lines (a short
    // for the rest, if any), the tote staged at a lane.
    app.type_line("3");
    app.type_line("1");
    app.type_line(&row.to_string());
    app.wedge_scan(&take.uid);
    app.wedge_scan("TOTE-7");
    app.type_line("1");
    if matches!(app.state.screen(), Screen::Pick(p) if matches!(p.stage, PickStage::Picking { .. }))
    {
        app.press(Key::Enter);
        app.type_line("SHORT-STOCK");
    }
    app.wedge_scan("TOTE-7");
    app.wedge_scan("LANE-1");
    app.assert_succeeded();
    app.press(Key::Esc);
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));

    // The route's manifest: exactly what the tote holds.
    let (quantity, unit, item): (u64, String, String) = app
        .view
        .query_row(
            "SELECT p.quantity, p.unit, k.item_id FROM picks p JOIN packages k ON k.uid = p.uid
             WHERE p.tote_id = 'TOTE-7'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let quantity = match unit.as_str() {
        "mg" => Quantity::Milligrams(quantity),
        _ => Quantity::Units(quantity),
    };
    let manifest = "OUT-2026-0077";
    app.replica
        .record(
            "ADMIN",
            vec![tally_testkit::outbound(
                manifest,
                &route,
                &[(take.uid.clone(), &item, quantity)],
            )],
        )
        .unwrap();
    let status = |app: &App| -> String {
        app.view
            .query_row(
                "SELECT status FROM outbound_manifests WHERE id = ?1",
                [manifest],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(status(&app), "draft");

    app.type_line("4");
    app.wedge_scan(manifest);
    match stage(&app) {
        Stage::Manifest {
            id,
            reconciliation: Some(r),
            ..
        } => {
            assert_eq!(id, manifest);
            assert!(r.exact(), "{r:?}");
        }
        other => panic!("{other:?}"),
    }
    // Opening it recorded its reconciliation; closing records one more.
    let ready_events = app.count_kind(LOADING_RECONCILED);
    app.press(Key::Enter);
    assert!(matches!(
        stage(&app),
        Stage::Manifest { confirm_close, .. } if confirm_close.asking()
    ));
    assert_eq!(status(&app), "draft", "the question alone closes nothing");
    app.press(Key::Enter);
    app.assert_succeeded();
    assert_eq!(status(&app), "ready");
    assert_eq!(app.count_kind(LOADING_RECONCILED), ready_events + 1);
    assert!(
        app.state
            .status
            .text
            .contains(&format!("{manifest} is ready to load")),
        "{}",
        app.state.status.text
    );
    shots(&app, "load_closed_ready");
    match stage(&app) {
        Stage::Manifests { list } => {
            assert!((0..list.len()).all(|i| list.get(i).unwrap().id != manifest));
        }
        other => panic!("back on the manifests, without the ready one: {other:?}"),
    }
}

//! 4 Load on a real demo replica: the outbound manifests, one manifest reconciled against what
//! is staged (missing listed), closing asked first and refused while it is not exact, nothing
//! recorded; a manifest opened by scanning its barcode; a scan during the closing question held,
//! not taken as the answer; snapshots at 40 × 20 and 80 × 24 (closing an exact one:
//! tally-floor tests/all/flows.rs).

mod common;

use common::App;
use tally_app::event::{Key, Tone};
use tally_app::screens::load::{Load, Stage};
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

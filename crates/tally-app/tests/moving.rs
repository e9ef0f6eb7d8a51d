//! 2 Move / put away on a real demo replica, through the floor layer: a package scanned, then
//! its location; an unknown location refused in the user's words (nothing recorded); Esc
//! lets the package go; at 40×20 and 80×24, in English and Spanish. The replica then holds
//! the package where the screen said.

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

fn active_package(app: &App) -> (String, String) {
    app.view
        .query_row(
            "SELECT uid, location_id FROM packages WHERE status = 'active'
             AND location_id LIKE 'VAULT-A-S%' ORDER BY uid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn events(app: &App) -> i64 {
    app.view
        .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_package_then_its_location_moves_it_and_refusals_record_nothing() {
    let mut app = App::demo(30);
    app.sign_in("B1001", "1111");
    app.type_line("2");
    assert!(matches!(app.state.screen(), Screen::Move(_)));
    shots(&app, "move_prompt");
    let (uid, from) = active_package(&app);
    let to = if from == "VAULT-A-S08" {
        "VAULT-A-S07"
    } else {
        "VAULT-A-S08"
    };
    app.wedge_scan(&uid);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    shots(&app, "move_package_chosen");
    let before = events(&app);
    app.type_line("NOWHERE-9");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(events(&app), before, "a refused move records nothing");
    shots(&app, "move_refused");
    app.wedge_scan(&uid);
    app.wedge_scan(to);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    shots(&app, "move_moved");
    let at: String = app
        .view
        .query_row(
            "SELECT location_id FROM packages WHERE uid = ?1",
            [&uid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(at, to);
    // Esc lets a chosen package go, then goes back home.
    app.wedge_scan(&uid);
    app.press(Key::F(2));
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Move(_)));
    shots(&app, "move_dropped_es");
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
}

//! 3 Pick on a real demo replica: the open lists, a list's lines in walking order with the
//! package to take and where, a later lot refused at its scan naming the lot to take and where
//! it is, the right package, a tote, a quantity, a short with a reason, and the tote staged at
//! a lane; refusals in the user's words; snapshots at 40 × 20 and 80 × 24.

mod common;

use common::App;
use tally_app::event::{Key, Tone};
use tally_app::screens::pick::{Pick, Stage};
use tally_app::state::Screen;
use tally_events::payload::{BatchDefined, CoaStatus, PackageRegistered, PackageStatus};
use tally_events::{Date, Payload};
use tally_replica::workflow::picking::Candidate;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];
const LATER_LOT_UID: &str = "1A4FF0100000099000000021";

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
        Screen::Pick(Pick { stage, .. }) => stage.clone(),
        other => panic!("not on 3 Pick: {other:?}"),
    }
}

/// The first open list, the row (from 1) of its first line with stock to take, and the
/// package to take: a later lot of the same item is added beside it.
fn with_a_later_lot(app: &mut App) -> (String, usize, Candidate) {
    let list: String = app
        .view
        .query_row(
            "SELECT id FROM pick_lists WHERE status = 'open' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let today = tally_app::worker::today(&app.replica).to_string();
    let walk = tally_floor::pick_walk(&app.view, &list, &today).unwrap();
    let (row, step) = walk
        .iter()
        .enumerate()
        .find(|(_, s)| s.take.is_some())
        .expect("a line with stock");
    let take = step.take.clone().unwrap();
    let item: String = app
        .view
        .query_row(
            "SELECT item_id FROM packages WHERE uid = ?1",
            [&take.uid],
            |r| r.get(0),
        )
        .unwrap();
    app.replica
        .record(
            "ADMIN",
            vec![
                Payload::BatchDefined(BatchDefined {
                    batch_id: "LATE-LOT".into(),
                    item_id: item.clone(),
                    lot: "LATE-LOT".into(),
                    coa_status: CoaStatus::Passed,
                    expiry: Date::new(2099, 1, 1),
                    thc_bp: None,
                    cbd_bp: None,
                }),
                Payload::PackageRegistered(PackageRegistered {
                    uid: LATER_LOT_UID.into(),
                    item_id: item,
                    batch_id: "LATE-LOT".into(),
                    quantity: take.quantity,
                    location_id: take.location_id.clone(),
                    status: PackageStatus::Active,
                }),
            ],
        )
        .unwrap();
    (list, row + 1, take)
}

#[test]
fn a_later_lot_is_refused_naming_the_one_to_take_then_the_line_is_picked_shorted_and_staged() {
    let mut app = App::demo(30);
    let (list, row, take) = with_a_later_lot(&mut app);
    app.sign_in("B1001", "1111");
    app.type_line("3");
    shots(&app, "pick_lists");
    app.type_line("1");
    assert!(
        matches!(stage(&app), Stage::Lines { list: l, lines, .. } if l == list && lines.rows.is_some())
    );
    shots(&app, "pick_lines");
    app.type_line(&row.to_string());
    assert!(matches!(stage(&app), Stage::Picking { .. }));
    shots(&app, "pick_line");

    let events = |app: &App| -> i64 {
        app.view
            .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
            .unwrap()
    };
    let before = events(&app);
    app.wedge_scan(LATER_LOT_UID);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    let said = app.state.status.text.clone();
    assert!(
        said.contains(&take.uid) && said.contains(&take.location_id),
        "the refusal names the package to take and where: {said}"
    );
    assert_eq!(events(&app), before, "a refused scan records nothing");
    shots(&app, "pick_fefo_refused");

    app.wedge_scan(&take.uid);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    app.wedge_scan("TOTE-9");
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    shots(&app, "pick_ready");
    app.type_line("1");
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    let picked: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM picks WHERE tote_id = 'TOTE-9'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(picked, 1);
    shots(&app, "pick_picked");

    // If the line is still open, short the rest: an unknown reason is refused first.
    if matches!(stage(&app), Stage::Picking { .. }) {
        app.press(Key::Enter);
        shots(&app, "pick_short_reason");
        app.type_line("NOPE");
        assert_eq!(app.signals.last(), Some(&Tone::Error));
        app.type_line("SHORT-STOCK");
        assert_eq!(
            app.signals.last(),
            Some(&Tone::Success),
            "{}",
            app.state.status.text
        );
    }
    assert!(
        matches!(stage(&app), Stage::Lines { .. }),
        "{:?}",
        stage(&app)
    );

    // Staging from the lines: the tote, then a shelf (refused), then a lane.
    app.wedge_scan("TOTE-9");
    shots(&app, "pick_staging");
    app.wedge_scan(&take.location_id);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    app.wedge_scan("LANE-1");
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    let staged: Option<String> = app
        .view
        .query_row(
            "SELECT location_id FROM totes WHERE id = 'TOTE-9'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(staged.as_deref(), Some("LANE-1"));
    shots(&app, "pick_staged");
    app.press(Key::Esc);
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
}

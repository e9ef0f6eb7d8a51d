//! Long lists on a real demo replica: a manifest of 300 cases, a pick list of 200 lines, a
//! count whose recount names 500 packages, a count in review with 100 variances. Each scrolls
//! with the arrows at 40 × 20 and 80 × 24 with the marked row always on screen and a line
//! saying which rows are shown; typing a row's number far down opens that row; the document's
//! barcode opens it directly.

mod common;

use common::App;
use tally_app::event::Key;
use tally_app::screens::count::{Count, Stage as CountStage};
use tally_app::screens::pick::{Pick, Stage as PickStage};
use tally_app::screens::receive::{Receive, Stage as ReceiveStage};
use tally_app::screens::supervisor::{Stage as SupervisorStage, Supervisor};
use tally_app::state::Screen;
use tally_events::payload::{
    CountTaskIssued, InboundManifestIssued, ManifestLine, PackageRegistered, PackageStatus,
    PickListIssued, PickListLine,
};
use tally_events::{Payload, Quantity};
use tally_floor::Floor;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];
/// The demo's item counted in units.
const ITEM: &str = "CN-BDR-1";
/// An empty shelf of the demo.
const SHELF: &str = "VAULT-C-S08";

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn tag(series: u32, i: usize) -> String {
    format!("1A4FF0100000{series:03}{i:09}")
}

/// `n` packages of the units item registered on [`SHELF`].
fn packages_on_shelf(app: &mut App, n: usize) -> Vec<String> {
    let batch = app.batch_of(ITEM);
    let uids: Vec<String> = (0..n).map(|i| tag(97, i)).collect();
    for chunk in uids.chunks(200) {
        let payloads = chunk
            .iter()
            .map(|uid| {
                Payload::PackageRegistered(PackageRegistered {
                    uid: uid.clone(),
                    item_id: ITEM.into(),
                    batch_id: batch.clone(),
                    quantity: Quantity::Units(3),
                    location_id: SHELF.into(),
                    status: PackageStatus::Active,
                })
            })
            .collect();
        app.replica.record("ADMIN", payloads).unwrap();
    }
    uids
}

/// A count task over [`SHELF`] alone.
fn count_of_shelf(app: &mut App, task: &str) {
    let issued = CountTaskIssued {
        count_task_id: task.into(),
        locations: vec![SHELF.into()],
        items: Vec::new(),
        assigned_to: None,
    };
    app.replica
        .record("ADMIN", tally_replica::seed::split_count_task(issued))
        .unwrap();
}

/// The screen's text at `width` × `height`.
fn text(app: &App, width: u16, height: u16) -> String {
    app.screen(width, height)
}

/// Presses an arrow `n` times.
fn arrows(app: &mut App, key: Key, n: usize) {
    for _ in 0..n {
        app.press(key);
    }
}

#[test]
fn a_pick_list_of_200_lines_scrolls_with_the_mark_and_a_far_row_number_opens_its_line() {
    let mut app = App::demo(30);
    let lines = (1..=200u32)
        .map(|line| PickListLine {
            line,
            item_id: ITEM.into(),
            quantity: Quantity::Units(1),
            batch_id: None,
        })
        .collect();
    let list = PickListIssued {
        pick_list_id: "PL-LONG".into(),
        order_id: "ORD-LONG".into(),
        route_id: "ROUTE-1".into(),
        lines,
    };
    app.replica
        .record("ADMIN", tally_replica::seed::split_pick_list(list))
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("3");
    // The list's barcode opens it directly.
    app.wedge_scan("PL-LONG");
    let walked = match app.state.screen() {
        Screen::Pick(Pick {
            stage: PickStage::Lines { list, lines, .. },
            ..
        }) if list == "PL-LONG" => lines.len(),
        other => panic!("{other:?}"),
    };
    assert_eq!(walked, 200);
    for (width, height) in SIZES {
        let first = text(&app, width, height);
        assert!(first.contains(">1 line 1"), "{first}");
        assert!(first.contains("of 200"), "{first}");
    }
    // Down 44 times: row 45 is marked and on screen at both sizes, and so says the window.
    arrows(&mut app, Key::Down, 44);
    for (width, height) in SIZES {
        let shown = text(&app, width, height);
        assert!(shown.contains(">45 line 45"), "{shown}");
        assert!(!shown.contains(" 1 line 1 "), "{shown}");
        assert!(shown.contains("-45 of 200"), "{shown}");
    }
    shots(&app, "lists_pick_line_45_of_200");
    // Up from the first row wraps to the last.
    arrows(&mut app, Key::Up, 45);
    for (width, height) in SIZES {
        let shown = text(&app, width, height);
        assert!(shown.contains(">200 line 200"), "{shown}");
        assert!(shown.contains("-200 of 200"), "{shown}");
    }
    // A row number far down opens that line.
    app.type_line("150");
    match app.state.screen() {
        Screen::Pick(Pick {
            stage: PickStage::Picking { line, .. },
            ..
        }) => assert_eq!(line.line_no, 150),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_manifest_of_300_cases_scrolls_with_the_marked_case() {
    let mut app = App::demo(30);
    let lines: Vec<ManifestLine> = (0..300)
        .map(|i| ManifestLine {
            uid: tag(96, i),
            item_id: ITEM.into(),
            quantity: Quantity::Units(10),
            weight_mg: None,
        })
        .collect();
    let manifest = InboundManifestIssued {
        manifest_id: "IN-LONG".into(),
        origin_license: "403-X0099".into(),
        destination_license: "403R-00017".into(),
        driver: "D".into(),
        vehicle: "V".into(),
        lines,
    };
    app.replica
        .record(
            "ADMIN",
            tally_replica::seed::split_inbound_manifest(manifest),
        )
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("1");
    app.wedge_scan("IN-LONG");
    let cases = match app.state.screen() {
        Screen::Receive(flow) => match &flow.stage {
            ReceiveStage::Manifest {
                sheet: Some(sheet), ..
            } => sheet.cases.len(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(cases, 300);
    arrows(&mut app, Key::Down, 250);
    let marked = match app.state.screen() {
        Screen::Receive(flow) => match &flow.stage {
            ReceiveStage::Manifest {
                sheet: Some(sheet),
                marked,
                ..
            } => sheet.cases[*marked].uid.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    for (width, height) in SIZES {
        let shown = text(&app, width, height);
        assert!(shown.contains(&format!("▶{marked}")), "{shown}");
        assert!(shown.contains("-251 of 300"), "{shown}");
    }
    shots(&app, "lists_receive_case_251_of_300");
    // A case scanned far down the sheet is marked and shown.
    let far = tag(96, 7);
    app.wedge_scan(&far);
    for (width, height) in SIZES {
        let shown = text(&app, width, height);
        assert!(shown.contains(&format!("▶{far}")), "{shown}");
    }
    assert!(
        matches!(app.state.screen(), Screen::Receive(flow) if matches!(&**flow, Receive { .. }))
    );
}

#[test]
fn a_recount_of_500_packages_scrolls_and_the_window_says_where_it_is() {
    let mut app = App::demo(30);
    let uids = packages_on_shelf(&mut app, 500);
    count_of_shelf(&mut app, "CT-LONG");
    app.sign_in("B1001", "1111");
    app.type_line("5");
    app.wedge_scan("CT-LONG");
    // Nothing found: submit (with its question); every package is to be recounted.
    app.press(Key::Enter);
    app.press(Key::Enter);
    let recount = match app.state.screen() {
        Screen::Count(Count {
            stage: CountStage::Submitted { recount, .. },
            ..
        }) => recount.len(),
        other => panic!("{other:?}"),
    };
    assert!(recount >= 500, "{recount}");
    for (width, height) in SIZES {
        let shown = text(&app, width, height);
        assert!(shown.contains(&uids[0]), "{shown}");
        assert!(shown.contains(&format!("of {recount}")), "{shown}");
        assert!(
            shown.contains("Enter"),
            "the key line stays under the list: {shown}"
        );
    }
    arrows(&mut app, Key::Down, 300);
    let shown = text(&app, 40, 20);
    assert!(shown.contains("-301 of"), "{shown}");
    shots(&app, "lists_recount_301_of_500");
}

#[test]
fn a_review_of_100_variances_scrolls_and_a_far_row_number_asks_its_reason() {
    let mut app = App::demo(30);
    packages_on_shelf(&mut app, 100);
    count_of_shelf(&mut app, "CT-LONG");
    let floor = Floor::new(tally_app::worker::today(&app.replica));
    for (badge, pin) in [("B1001", "1111"), ("B1002", "2222"), ("B1003", "3333")] {
        let status: String = app
            .view
            .query_row(
                "SELECT status FROM count_tasks WHERE id = 'CT-LONG'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if status == "review" {
            break;
        }
        let (who, _) = app.replica.sign_in(badge, pin).unwrap();
        floor
            .start_count(&mut app.replica, &who, "CT-LONG")
            .unwrap();
        floor
            .submit_count(&mut app.replica, &who, "CT-LONG")
            .unwrap();
    }
    app.sign_in("B2001", "4444");
    app.type_line("9");
    let row = match app.state.screen() {
        Screen::Supervisor(Supervisor {
            stage: SupervisorStage::Work { list, .. },
            ..
        }) => list
            .rows
            .as_ref()
            .unwrap()
            .iter()
            .position(|r| *r == tally_app::screens::supervisor::Row::Review("CT-LONG".into()))
            .unwrap(),
        other => panic!("{other:?}"),
    };
    app.type_line(&(row + 1).to_string());
    let lines = match app.state.screen() {
        Screen::Supervisor(Supervisor {
            stage: SupervisorStage::Review { lines, .. },
            ..
        }) => lines.len(),
        other => panic!("{other:?}"),
    };
    // 100 variances and the row that closes the count.
    assert_eq!(lines, 101);
    arrows(&mut app, Key::Down, 79);
    for (width, height) in SIZES {
        let shown = text(&app, width, height);
        assert!(shown.contains(">80 "), "{shown}");
        assert!(shown.contains("-80 of 101"), "{shown}");
    }
    shots(&app, "lists_review_80_of_101");
    // The last row closes the count; a far row number asks for that line's reason.
    app.type_line("95");
    let asked = match app.state.screen() {
        Screen::Supervisor(Supervisor {
            stage: SupervisorStage::Review { reason_for, .. },
            ..
        }) => reason_for.clone(),
        other => panic!("{other:?}"),
    };
    assert!(asked.is_some(), "row 95 asks for its reason code");
}

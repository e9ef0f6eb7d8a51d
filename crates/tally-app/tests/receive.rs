//! 1 Receive on a real demo replica, through the real floor layer, the worker's and the
//! reader's code: the manifests waiting, opening one by its number and by its barcode, cases
//! arriving (expected, unexpected, duplicate), a mis-scan voided, quarantine, accept at another
//! quantity, a reject confirmed (a scan during the question is held, not taken as the answer),
//! tare and zero, the close with its discrepancy list; every screen at 40×20 and 80×24, in
//! English and Spanish. Then the replica holds what the screens said.

mod common;

use common::App;
use tally_app::event::{Key, ScaleCommand, Tone};
use tally_app::screens::receive::{Ask, Receive, Stage};
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

fn receive(app: &App) -> &Receive {
    match app.state.screen() {
        Screen::Receive(flow) => flow,
        other => panic!("not on 1 Receive: {other:?}"),
    }
}

/// The lines of a demo manifest, in the order the sheet shows them.
fn lines(app: &App, manifest: &str) -> Vec<String> {
    let mut stmt = app
        .view
        .prepare("SELECT uid FROM inbound_lines WHERE manifest_id = ?1 ORDER BY uid")
        .unwrap();
    stmt.query_map([manifest], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A package in stock that is on no inbound manifest: it arrives unexpected.
fn stranger(app: &App) -> String {
    app.view
        .query_row(
            "SELECT uid FROM packages WHERE uid NOT IN (SELECT uid FROM inbound_lines)
             ORDER BY uid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn kinds(app: &App) -> Vec<String> {
    let mut stmt = app
        .view
        .prepare("SELECT kind FROM event_log ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, u16>(0))
        .unwrap()
        .map(|k| tally_events::payload::kind_name(k.unwrap()).unwrap())
        .collect()
}

/// A screen's key: a letter alone (it is the screen's once no scanner burst follows).
fn key(app: &mut App, c: char) {
    app.type_text(&c.to_string());
    app.wait(100);
}

/// A scanner's burst that begins with a letter of the screen's keys is a scan, not a key.
#[test]
fn a_burst_beginning_with_a_key_letter_is_a_scan() {
    let mut app = signed_in();
    app.type_line("1");
    app.type_line("1");
    // A case arrived and is marked: an `a` key would accept it.
    let first = lines(&app, "IN-2026-0001")[0].clone();
    app.wedge_scan(&first);
    let before = kinds(&app).len();
    app.wedge_scan("a1A4FF0100000900000000001");
    assert_eq!(kinds(&app).len(), before, "no accept, no arrival");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(
        app.state.status.text.contains("a1A4FF0100000900000000001"),
        "{}",
        app.state.status.text
    );
    assert!(
        app.state.input.is_empty(),
        "the scan left nothing in the field"
    );
}

fn signed_in() -> App {
    let mut app = App::demo(30);
    app.sign_in("B1001", "1111");
    app
}

#[test]
fn the_manifests_waiting_open_by_number_or_barcode() {
    let mut app = signed_in();
    app.type_line("1");
    assert!(matches!(receive(&app).stage, Stage::List { ref list } if list.len() == 3));
    shots(&app, "receive_list");
    app.type_line("7");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_list_no_such_row");
    app.press(Key::Down);
    app.press(Key::Enter);
    assert!(
        matches!(&receive(&app).stage, Stage::Manifest { manifest, .. } if manifest == "IN-2026-0002")
    );
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
    app.type_line("1");
    app.wedge_scan("IN-2026-0003");
    assert!(
        matches!(&receive(&app).stage, Stage::Manifest { manifest, sheet: Some(_), .. } if manifest == "IN-2026-0003")
    );
    shots(&app, "receive_opened");
    app.press(Key::F(1));
    shots(&app, "receive_help");
}

#[test]
fn a_manifest_is_received_with_a_missing_and_an_unexpected_case_and_closed() {
    let mut app = signed_in();
    app.type_line("1");
    app.type_line("1");
    let lines = lines(&app, "IN-2026-0001");
    assert_eq!(lines.len(), 12);
    let stranger = stranger(&app);
    // Every scan records the case's arrival at once.
    app.wedge_scan(&lines[0]);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    shots(&app, "receive_arrived");
    app.wedge_scan(&stranger);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_unexpected");
    app.wedge_scan(&lines[0]);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_duplicate");
    // A case scanned by mistake is voided (by an event): its row leaves the sheet.
    let mistake = lines[11].clone();
    app.wedge_scan(&mistake);
    key(&mut app, 'v');
    assert!(matches!(receive(&app).ask, Some(Ask::Reason { .. })));
    shots(&app, "receive_reason");
    let entry_error = receive(&app)
        .reasons
        .iter()
        .position(|(code, _)| code == "ENTRY-ERROR")
        .unwrap();
    app.type_line(&(entry_error + 1).to_string());
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    // The tare and zero keys reach the scale.
    key(&mut app, 't');
    key(&mut app, 'z');
    assert_eq!(
        app.scale_commands,
        vec![ScaleCommand::Tare, ScaleCommand::Zero]
    );
    // The rest arrives, but for one case that never comes off the truck.
    for uid in &lines[1..10] {
        app.wedge_scan(uid);
    }
    app.wedge_scan(&mistake);
    // The stranger goes to quarantine.
    app.wedge_scan(&stranger);
    key(&mut app, 'q');
    let damage = receive(&app)
        .reasons
        .iter()
        .position(|(code, _)| code == "NOT-ON-MANIFEST")
        .unwrap();
    app.type_line(&(damage + 1).to_string());
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    // Closing with undecided cases: the core's refusal, in the user's words.
    key(&mut app, 'c');
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_close_refused");
    // Reject the stranger: the question is asked, a scan during it is held and not the answer.
    app.wedge_scan(&stranger);
    key(&mut app, 'r');
    app.type_line(&(damage + 1).to_string());
    assert!(matches!(receive(&app).ask, Some(Ask::ConfirmReject { .. })));
    app.wedge_scan(&lines[0]);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(app.state.held_scans, vec![lines[0].clone()]);
    shots(&app, "receive_confirm_reject_scan_held");
    app.press(Key::Enter);
    assert!(
        app.state.held_scans.is_empty(),
        "the held scan was handled after the answer"
    );
    // The first case is accepted at another quantity, with a reason.
    app.wedge_scan(&lines[1]);
    key(&mut app, 'd');
    assert!(matches!(receive(&app).ask, Some(Ask::Quantity { .. })));
    app.type_line("x");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_quantity_error");
    let manifest_quantity = match receive(&app).ask {
        Some(Ask::Quantity {
            manifest_quantity, ..
        }) => manifest_quantity,
        _ => unreachable!(),
    };
    let received = match manifest_quantity {
        tally_events::Quantity::Units(n) => (n - 1).to_string(),
        tally_events::Quantity::Milligrams(mg) => format!("{}.5", mg / 1_000 - 1),
    };
    app.type_line(&received);
    let drying = receive(&app)
        .reasons
        .iter()
        .position(|(code, _)| code == "DAMAGE")
        .unwrap();
    app.type_line(&(drying + 1).to_string());
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    // Every other case that arrived is accepted.
    for uid in lines[..10].iter().skip(2).chain([&lines[0], &mistake]) {
        app.wedge_scan(uid);
        key(&mut app, 'a');
        assert_eq!(
            app.signals.last(),
            Some(&Tone::Success),
            "{uid}: {}",
            app.state.status.text
        );
    }
    key(&mut app, 'c');
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    let Stage::Closed { closed, .. } = &receive(&app).stage else {
        panic!("not closed: {:?}", receive(&app).stage)
    };
    assert_eq!(closed.summary.missing, vec![lines[10].clone()]);
    assert_eq!(closed.summary.unexpected, vec![stranger.clone()]);
    assert_eq!(closed.discrepancies.len(), 3, "{:?}", closed.discrepancies);
    shots(&app, "receive_closed");
    app.press(Key::F(2));
    shots(&app, "receive_closed_es");
    // The replica holds it all, in the log.
    let kinds = kinds(&app);
    for kind in [
        "package_arrived",
        "event_voided",
        "package_quarantined",
        "manifest_line_rejected",
        "manifest_line_received",
        "receipt_difference_noted",
        "manifest_closed",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
    let status: String = app
        .view
        .query_row(
            "SELECT status FROM inbound_manifests WHERE id = 'IN-2026-0001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "closed");
}

#[test]
fn spanish_screens_and_a_cancelled_question_record_nothing() {
    let mut app = signed_in();
    app.press(Key::F(2));
    app.type_line("1");
    shots(&app, "receive_list_es");
    app.type_line("2");
    let first = lines(&app, "IN-2026-0002")[0].clone();
    app.wedge_scan(&first);
    shots(&app, "receive_arrived_es");
    let before = kinds(&app).len();
    key(&mut app, 'r');
    app.press(Key::Esc);
    assert!(receive(&app).ask.is_none());
    assert_eq!(kinds(&app).len(), before, "a question left records nothing");
    key(&mut app, 'a');
    shots(&app, "receive_accepted_es");
}

#[test]
fn the_pallet_key_lists_the_cases_and_one_confirmed_action_quarantines_them_all() {
    let mut app = signed_in();
    app.type_line("1");
    app.wedge_scan("IN-2026-0003");
    // Nothing arrived yet: nothing to quarantine.
    key(&mut app, 'p');
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    let cases: Vec<String> = lines(&app, "IN-2026-0003").into_iter().take(3).collect();
    for case in &cases {
        app.wedge_scan(case);
    }
    key(&mut app, 'p');
    let reason = receive(&app)
        .reasons
        .iter()
        .position(|(code, _)| code == "DAMAGE")
        .unwrap();
    app.type_line(&(reason + 1).to_string());
    assert!(matches!(receive(&app).ask, Some(Ask::ConfirmPallet { .. })));
    shots(&app, "receive_pallet_confirm");
    for case in &cases {
        assert!(
            app.screen(80, 24).contains(case.as_str()),
            "{case} is listed"
        );
    }
    let before = kinds(&app).len();
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    let after = kinds(&app);
    assert_eq!(
        after[before..]
            .iter()
            .filter(|k| *k == "package_quarantined")
            .count(),
        3,
        "one event per case: {:?}",
        &after[before..]
    );
    for case in &cases {
        let status: String = app
            .view
            .query_row("SELECT status FROM packages WHERE uid = ?1", [case], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(status, "quarantined");
    }
}

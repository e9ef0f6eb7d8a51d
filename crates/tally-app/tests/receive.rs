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

    // The same burst on a busy handheld: its first key read alone, the rest 40 ms later, all
    // at once. Still one scan of the whole text; `a` accepted nothing.
    app.now_ms += 1_000;
    app.key(Key::Char('a'), 0);
    app.now_ms += 40;
    for c in "1A4FF0100000900000000001".chars() {
        app.key(Key::Char(c), 0);
    }
    app.key(Key::Enter, 0);
    assert_eq!(kinds(&app).len(), before, "no accept, no arrival");
    assert!(
        app.state.status.text.contains("a1A4FF0100000900000000001"),
        "{}",
        app.state.status.text
    );
    assert!(app.state.input.is_empty(), "{:?}", app.state.input);

    // `a` pressed alone accepts the marked case; a scan 40 ms after the accept is a scan of
    // its own text (the key was the screen's, not the scan's first character).
    app.now_ms += 1_000;
    app.key(Key::Char('a'), 0);
    app.wait(30);
    assert_eq!(kinds(&app).len(), before + 1, "the accept");
    app.now_ms += 40;
    for c in first.chars() {
        app.key(Key::Char(c), 0);
    }
    app.key(Key::Enter, 0);
    assert!(
        app.state
            .status
            .text
            .contains(&format!("{first} was already scanned")),
        "{}",
        app.state.status.text
    );
}

/// A case's tag scanned on a busy handheld whose reading thread was held up in the middle of
/// the burst (after its 11th key, 60 ms): one scan of the whole tag, one arrival, nothing left
/// in the field. (Before, the tail alone was the scan and the head stayed typed.)
#[test]
fn a_burst_split_in_the_middle_is_one_scan_of_the_whole_tag() {
    let mut app = signed_in();
    app.type_line("1");
    app.type_line("1");
    let first = lines(&app, "IN-2026-0001")[0].clone();
    let before = kinds(&app).len();
    app.now_ms += 1_000;
    let (head, tail) = first.split_at(11);
    for c in head.chars() {
        app.key(Key::Char(c), 2);
    }
    app.now_ms += 60;
    for c in tail.chars() {
        app.key(Key::Char(c), 0);
    }
    app.key(Key::Enter, 0);
    assert!(app.state.input.is_empty(), "{:?}", app.state.input);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    assert_eq!(kinds(&app).len(), before + 1, "one arrival");
    assert!(
        app.state.status.text.contains(&first),
        "{}",
        app.state.status.text
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

/// The cases of a demo manifest a 6,200 g scale can weigh, with their manifest weights.
fn weighable(app: &App, manifest: &str) -> Vec<(String, i64)> {
    let mut stmt = app
        .view
        .prepare(
            "SELECT uid, weight_mg FROM inbound_lines
             WHERE manifest_id = ?1 AND weight_mg BETWEEN 20000 AND 6000000 ORDER BY uid",
        )
        .unwrap();
    stmt.query_map([manifest], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn case(app: &App, uid: &str) -> tally_floor::receiving::Case {
    match &receive(app).stage {
        Stage::Manifest {
            sheet: Some(sheet), ..
        } => sheet.cases.iter().find(|c| c.uid == uid).unwrap().clone(),
        other => panic!("{other:?}"),
    }
}

const WEIGHT_RECORDED: u16 = 18;

/// A stable weight from the scale weighs the case scanned last (the core's verdict against
/// the manifest), and the screen says what the scale reads: a weight before any scan, an empty
/// pan, motion, a case weighed already, an overload and an unplugged scale record nothing;
/// `w` weighs the marked case with the load on the scale.
#[test]
fn a_settled_load_weighs_the_case_scanned_and_anything_else_records_nothing() {
    let mut app = signed_in().with_scale();
    app.type_line("1");
    app.type_line("1");
    let cases = weighable(&app, "IN-2026-0001");
    assert!(cases.len() >= 3, "{cases:?}");
    let (first, first_mg) = cases[0].clone();

    // An empty pan settles: nothing to say, nothing recorded.
    let signals = app.signals.len();
    app.scale_reads(0, true);
    assert_eq!(app.signals.len(), signals);
    // A case put on before any scan: said, not recorded.
    app.scale_reads(first_mg, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(
        app.state.status.text.contains("scan first"),
        "{}",
        app.state.status.text
    );
    app.scale_reads(0, true);

    app.wedge_scan(&first);
    // The load moves: the screen shows it, nothing is recorded.
    app.scale_reads(first_mg + 3_170, false);
    shots(&app, "receive_scale_moving");
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 0);
    // It settles: the case is weighed, the verdict is the core's.
    app.scale_reads(first_mg + 120, true);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    assert_eq!(case(&app, &first).weight_ok, Some(true));
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);
    shots(&app, "receive_weighed");

    // Lifted and put back: weighed already, said, not recorded again.
    app.scale_reads(first_mg - 4_000, false);
    app.scale_reads(first_mg, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(app.state.status.text.contains("weighed already"));
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);

    // Overload and an unplugged scale: said at once, nothing recorded, the case kept.
    app.scale_out_of_range(true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_scale_overload");
    app.scale_connected(false);
    shots(&app, "receive_scale_unplugged");
    app.press(Key::F(2));
    shots(&app, "receive_scale_unplugged_es");
    // The field stays on the smallest screen whatever the language (the Spanish actions line
    // once wrapped and pushed it out).
    assert!(app.screen(40, 20).contains("> _"), "{}", app.screen(40, 20));
    app.press(Key::F(2));
    app.scale_connected(true);
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);
    assert!(
        matches!(&receive(&app).stage, Stage::Manifest { current: Some(c), .. } if *c == first)
    );

    // A case not on the manifest has no weight to be checked against: said, not recorded.
    let extra = stranger(&app);
    app.wedge_scan(&extra);
    app.scale_reads(0, true);
    app.scale_reads(900_000, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(
        app.state.status.text.contains("NOT on the manifest"),
        "{}",
        app.state.status.text
    );
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);

    // A light case: out of tolerance, said as an error with what to do.
    let (second, second_mg) = cases[1].clone();
    app.wedge_scan(&second);
    app.scale_reads(second_mg - 5_000, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(case(&app, &second).weight_ok, Some(false));
    shots(&app, "receive_weight_off");

    // Put on the scale before its scan: `w` weighs the marked case with it.
    let (third, third_mg) = cases[2].clone();
    app.scale_reads(0, true);
    app.scale_reads(third_mg - 60, true);
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 2);
    app.wedge_scan(&third);
    key(&mut app, 'w');
    assert_eq!(case(&app, &third).weight_ok, Some(true));
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 3);
    // With nothing stable on the scale, `w` says what to do.
    app.scale_reads(third_mg + 900, false);
    key(&mut app, 'w');
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 3);

    // The replica holds each weighing against the registered scale, with the verdict.
    let recorded: Vec<(String, i64)> = {
        let mut stmt = app
            .view
            .prepare(
                "SELECT uid, weight_ok FROM inbound_receipts
                 WHERE manifest_id = 'IN-2026-0001' AND weight_ok IS NOT NULL ORDER BY uid",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut expected = vec![(first, 1), (second, 0), (third, 1)];
    expected.sort();
    assert_eq!(recorded, expected);
}

/// A load that settles while the case's scan is being recorded is not lost and not given to
/// the case before it: it is handled once the scan's answer is in. A load that moves off
/// meanwhile is forgotten.
#[test]
fn a_load_settling_while_the_scan_is_recorded_weighs_the_case_just_scanned() {
    use tally_app::event::{DeviceEvent, Effect, Event};
    use tally_app::state::update;
    let mut app = signed_in().with_scale();
    app.type_line("1");
    app.type_line("1");
    let cases = weighable(&app, "IN-2026-0001");

    // The scanner's burst; the worker has not answered yet.
    let wedge_unanswered = |app: &mut App, uid: &str| {
        let mut writes = Vec::new();
        app.now_ms += 1_000;
        let keys = uid.chars().map(Key::Char).chain([Key::Enter]);
        for key in keys.collect::<Vec<_>>() {
            app.now_ms += common::SCANNER_GAP_MS;
            let at_ms = app.now_ms;
            for effect in update(&mut app.state, Event::Key { key, at_ms }) {
                if let Effect::Write { id, request } = effect {
                    writes.push((id, request));
                }
            }
        }
        assert_eq!(writes.len(), 1, "{writes:?}");
        writes.remove(0)
    };
    let settle = |app: &mut App, mg: i64| -> Vec<Effect> {
        let input = tally_floor::DeviceInput {
            device: common::SCALE_DEVICE.into(),
            event: tally_drivers::event::DeviceEvent::Weight(
                tally_drivers::event::WeightReading::new(
                    common::printed(mg),
                    tally_drivers::event::WeightUnit::Gram,
                    true,
                ),
            ),
        };
        let mut effects = update(
            &mut app.state,
            Event::Device(DeviceEvent::Weight {
                milligrams: mg,
                stable: true,
            }),
        );
        effects.extend(update(
            &mut app.state,
            Event::Device(DeviceEvent::Floor(input)),
        ));
        effects
    };
    let is_write = |e: &Effect| matches!(e, Effect::Write { .. });

    let (first, first_mg) = cases[0].clone();
    let (id, request) = wedge_unanswered(&mut app, &first);
    let effects = settle(&mut app, first_mg);
    assert!(!effects.iter().any(is_write), "{effects:?}");
    let reply = tally_app::worker::perform(&mut app.replica, request);
    app.send(Event::Written { id, reply });
    assert_eq!(case(&app, &first).weight_ok, Some(true));
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);

    // The next case: its load settles, then moves off before the scan's answer: nothing.
    let (second, second_mg) = cases[1].clone();
    let (id, request) = wedge_unanswered(&mut app, &second);
    settle(&mut app, second_mg);
    app.scale_reads(second_mg + 2_000, false);
    let reply = tally_app::worker::perform(&mut app.replica, request);
    app.send(Event::Written { id, reply });
    assert_eq!(case(&app, &second).weight_ok, None);
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);
}

/// Through the app's device wiring: the drivers' MT-SICS scale simulator on a PTY, opened by
/// `DeviceLink` with the demo's scale id as the configuration gives it, its events fed to
/// the state machine as the runtime feeds them. A case scanned and put on the scale is
/// weighed (after the balance settles: motion first, nothing recorded meanwhile); an overload
/// and a pulled cable are said and record nothing; the scale comes back by itself.
#[test]
fn a_case_on_the_pty_scale_is_weighed_through_the_device_wiring() {
    use std::time::Duration;
    use tally_app::config::DeviceConfig;
    use tally_app::devices::{scale_setups, DeviceLink};
    use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scale");
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
    config.base_divisions = 0;
    config.capacity_divisions = 620_000;
    let sim = ScaleSimulator::start(&path, config).unwrap();
    let devices = [DeviceConfig {
        kind: "scale".into(),
        path: path.clone(),
        profile: ScaleProtocol::MtSics.profile_id().into(),
        scale_id: Some("SCALE-01".into()),
    }];
    let (events, inbox) = std::sync::mpsc::channel();
    let link = DeviceLink::start(&devices, events).unwrap().unwrap();
    let mut app = signed_in();
    let profiles = tally_drivers::profile::ProfileSet::embedded().unwrap();
    app.state.settings.scales = scale_setups(&devices, &profiles).unwrap();
    app.type_line("1");
    app.type_line("1");
    let cases = weighable(&app, "IN-2026-0001");
    app.pump(&inbox, "the empty scale", |app| {
        app.state.devices.weight == Some((0, true))
    });

    let (uid, mg) = cases[0].clone();
    app.wedge_scan(&uid);
    sim.place_load(mg / 10);
    let mut moved = false;
    app.pump(&inbox, "the case weighed", |app| {
        moved |= matches!(app.state.devices.weight, Some((_, false)));
        case(app, &uid).weight_ok.is_some()
    });
    assert!(moved, "the balance settles before a stable weight");
    assert_eq!(case(&app, &uid).weight_ok, Some(true));
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);
    // The reading the scale sent is the one recorded, against the registered scale.
    let recorded: (String, i64, i64) = app
        .view
        .query_row(
            "SELECT s.scale_id, s.weight_mg, r.weighed_mg FROM readings s
             JOIN inbound_receipts r ON r.uid = s.uid WHERE s.uid = ?1",
            [&uid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        recorded,
        ("SCALE-01".to_owned(), mg / 10 * 10, mg / 10 * 10)
    );

    sim.place_load(700_000);
    app.pump(&inbox, "the overload said", |app| {
        app.state.status.text.contains("OVERLOAD")
    });
    sim.handle().unplug_for(Duration::from_millis(800));
    app.pump(&inbox, "the unplug said", |app| {
        app.state.status.text.contains("NOT CONNECTED")
    });
    assert!(app.screen(40, 20).contains("NOT CONNECTED"));
    sim.place_load(mg / 10);
    app.pump(&inbox, "the scale back", |app| {
        app.state.devices.scale == Some(true) && app.state.devices.weight.is_some()
    });
    // Nothing was recorded by the overload, the unplug, or the case put back.
    app.pump(&inbox, "the case put back said", |app| {
        app.state.status.text.contains("weighed already")
    });
    assert_eq!(app.count_kind(WEIGHT_RECORDED), 1);
    link.stop();
    sim.stop();
}

/// A case of the manifest whose batch can pass a label check (lot and expiry on file, COA
/// passed; the demo's items have no GTIN, so the label carries none): its UID and the GS1
/// label printed for it, lot first then GS then the expiry, as a DataMatrix reads (`]d2`).
fn labelled_case(app: &App, manifest: &str) -> (String, String, String) {
    let (uid, lot, expires): (String, String, String) = app
        .view
        .query_row(
            "SELECT l.uid, b.lot, b.expires_on FROM inbound_lines l
             JOIN items i ON i.id = l.item_id JOIN packages p ON p.uid = l.uid
             JOIN batches b ON b.id = p.batch_id
             WHERE l.manifest_id = ?1 AND b.coa_status = 'passed' AND i.gtin IS NULL
               AND b.lot IS NOT NULL AND b.expires_on IS NOT NULL
             ORDER BY l.uid LIMIT 1",
            [manifest],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let yymmdd = format!("{}{}{}", &expires[2..4], &expires[5..7], &expires[8..10]);
    let label = format!("]d210{lot}\u{1d}17{yymmdd}");
    (uid, label, lot)
}

/// A case's GS1 label scanned by a keyboard-wedge scanner (GS between the lot and the expiry,
/// typed inside the burst) after the case: it passes against the item, the batch and its COA;
/// another lot's label fails and names the mismatch. Each check is one `label_checked` record;
/// what a person had typed before the scans stays in the field (GS was never echoed).
#[test]
fn a_case_label_passes_and_another_lot_s_label_fails() {
    let mut app = signed_in();
    app.type_line("1");
    app.type_line("1");
    let (uid, label, lot) = labelled_case(&app, "IN-2026-0001");
    app.wedge_scan(&uid);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    let checked = |app: &App| {
        kinds(app)
            .iter()
            .filter(|k| k.as_str() == "label_checked")
            .count()
    };
    assert_eq!(checked(&app), 0);
    app.type_text("12");
    app.wedge_scan(&label);
    assert_eq!(app.state.input, "12", "only the burst was erased");
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    assert_eq!(checked(&app), 1);
    assert!(
        case(&app, &uid).label_ok == Some(true),
        "{:?}",
        case(&app, &uid)
    );
    app.press(Key::Backspace);
    app.press(Key::Backspace);
    shots(&app, "receive_label_passed");
    // The same check in Spanish (each scan is a check of its own).
    app.press(Key::F(2));
    app.wedge_scan(&label);
    assert_eq!(checked(&app), 2);
    shots(&app, "receive_label_passed_spanish");
    app.press(Key::F(2));

    let wrong = label.replace(&format!("10{lot}\u{1d}"), "10LOT-NOT-THIS\u{1d}");
    assert_ne!(wrong, label);
    app.wedge_scan(&wrong);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(checked(&app), 3);
    assert!(
        app.state
            .status
            .text
            .contains(&format!("label batch LOT-NOT-THIS is not {lot}")),
        "{}",
        app.state.status.text
    );
    assert!(
        case(&app, &uid).label_ok == Some(false),
        "{:?}",
        case(&app, &uid)
    );
    shots(&app, "receive_label_failed");
    app.press(Key::F(2));
    app.wedge_scan(&wrong);
    assert_eq!(checked(&app), 4);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "receive_label_failed_spanish");
}

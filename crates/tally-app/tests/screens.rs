//! Every screen the app has, at 40 × 20 and at 80 × 24, errors included, as insta snapshots
//! of TestBackend frames. The app runs on a real demo replica (see `common`): sign-ins check
//! real PIN verifiers, lookups run the core's lookup on a read-only connection.

mod common;

use common::App;
use tally_app::event::{DeviceEvent, DeviceKind, Event, Key, Tone};
use tally_app::state::{Screen, Settings};
use tally_app::text::Language;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn first_package(app: &App) -> String {
    app.view
        .query_row("SELECT uid FROM packages ORDER BY uid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap()
}

fn signed_in(badge: &str, pin: &str) -> App {
    let mut app = App::demo(30);
    app.sign_in(badge, pin);
    app
}

#[test]
fn sign_in_asks_for_a_badge() {
    let app = App::demo(30);
    shots(&app, "sign_in_badge");
}

#[test]
fn the_pin_is_masked() {
    let mut app = App::demo(30);
    app.type_line("B1001");
    app.type_text("11");
    let screen = app.screen(40, 20);
    assert!(screen.contains("> ••_"), "{screen}");
    assert!(!screen.contains("11_"));
    shots(&app, "sign_in_pin");
}

#[test]
fn a_wrong_pin_is_the_core_s_one_refusal_in_the_user_s_words() {
    let mut app = App::demo(30);
    app.sign_in("B1001", "9999");
    assert_eq!(app.signals, vec![Tone::Error]);
    assert!(app.state.session.is_none());
    // The same refusal for a badge that does not exist.
    let wrong_pin = app.state.status.text.replace("B1001", "BADGE");
    app.sign_in("BADGE", "1111");
    assert_eq!(app.state.status.text, wrong_pin);
    app.sign_in("B1001", "9999");
    shots(&app, "sign_in_refused");
}

#[test]
fn the_fifth_wrong_pin_locks_the_badge_and_says_what_to_do() {
    let mut app = App::demo(30);
    for _ in 0..5 {
        app.sign_in("B1002", "0000");
    }
    assert!(
        app.state.status.text.contains("supervisor"),
        "{}",
        app.state.status.text
    );
    // Even the right PIN is refused now.
    app.sign_in("B1002", "2222");
    assert!(app.state.session.is_none());
    shots(&app, "sign_in_locked_out");
}

#[test]
fn home_shows_the_menu_tasks_sync_and_devices() {
    let app = signed_in("B1001", "1111");
    assert_eq!(app.signals, vec![Tone::Success]);
    let screen = app.screen(80, 24);
    assert!(screen.contains("never synced"), "{screen}");
    assert!(
        screen.contains("9 Supervisor (supervisors only)"),
        "{screen}"
    );
    shots(&app, "home_operator");
}

#[test]
fn home_for_a_supervisor_dims_nothing() {
    let app = signed_in("B2001", "4444");
    assert!(!app.screen(80, 24).contains("supervisors only"));
    shots(&app, "home_supervisor");
}

#[test]
fn home_shows_what_the_devices_report() {
    let mut app = signed_in("B1001", "1111");
    app.send(Event::Device(DeviceEvent::Connected {
        device: DeviceKind::Scanner,
        connected: true,
    }));
    app.send(Event::Device(DeviceEvent::Connected {
        device: DeviceKind::Rfid,
        connected: false,
    }));
    app.send(Event::Device(DeviceEvent::Weight {
        milligrams: 3_512,
        stable: true,
    }));
    let screen = app.screen(80, 24);
    assert!(screen.contains("Scale 3.512 g stable"), "{screen}");
    shots(&app, "home_devices");
}

#[test]
fn an_entry_the_role_may_not_use_is_refused_with_why() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("9");
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "home_entry_withheld");
}

/// The cells of the row of `state`'s 80 × 24 frame showing `text` from its first character:
/// each cell's symbol and style.
fn cells_of(state: &tally_app::state::State, text: &str) -> Vec<(String, ratatui::style::Style)> {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    let frame = terminal
        .draw(|frame| tally_app::render::render(state, frame))
        .unwrap();
    let buffer = frame.buffer;
    let wanted: Vec<String> = text.chars().map(String::from).collect();
    for y in 0..24u16 {
        for x in 0..=(80 - wanted.len()) {
            let at = |i: usize| &buffer[(u16::try_from(x + i).unwrap(), y)];
            if (0..wanted.len()).all(|i| at(i).symbol() == wanted[i]) {
                return (0..wanted.len())
                    .map(|i| (at(i).symbol().to_owned(), at(i).style()))
                    .collect();
            }
        }
    }
    panic!("{text:?} is not on the screen");
}

/// The entry an operator may not use is drawn dimmed, its why with it, and is not bold; an
/// entry they may use is bold and not dimmed. (A supervisor sees it like any other.)
#[test]
fn an_entry_the_role_may_not_use_is_dimmed_with_its_why() {
    use ratatui::style::{Color, Modifier};
    let app = signed_in("B1001", "1111");
    let withheld = cells_of(&app.state, "9 Supervisor (supervisors only)");
    for (symbol, style) in &withheld {
        assert_eq!(style.fg, Some(Color::DarkGray), "{symbol:?} is not dimmed");
        assert!(
            !style.add_modifier.contains(Modifier::BOLD),
            "{symbol:?} is bold"
        );
    }
    let usable = cells_of(&app.state, "1 Receive");
    for (symbol, style) in &usable {
        assert_ne!(style.fg, Some(Color::DarkGray), "{symbol:?} is dimmed");
        assert!(
            style.add_modifier.contains(Modifier::BOLD),
            "{symbol:?} is not bold"
        );
    }
    let supervisor = signed_in("B2001", "4444");
    for (symbol, style) in cells_of(&supervisor.state, "9 Supervisor") {
        assert_ne!(style.fg, Some(Color::DarkGray), "{symbol:?} is dimmed");
    }
}

#[test]
fn a_number_not_on_the_menu_is_refused() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("12");
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
    shots(&app, "home_no_such_entry");
}

#[test]
fn esc_on_home_asks_before_signing_out() {
    let mut app = signed_in("B1001", "1111");
    app.press(Key::Esc);
    shots(&app, "home_confirm_sign_out");
    app.press(Key::Enter);
    assert!(app.state.session.is_none());
    let signed_out: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM event_log WHERE kind = 3 AND actor = 'B1001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(signed_out, 1);
    shots(&app, "signed_out");
}

#[test]
fn f1_shows_the_keys_of_home() {
    let mut app = signed_in("B1001", "1111");
    app.press(Key::F(1));
    shots(&app, "home_help");
}

#[test]
fn question_mark_shows_the_keys_only_when_nothing_is_typed() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    app.type_text("AB?");
    assert!(!app.state.help);
    assert_eq!(app.state.input, "AB?");
    app.press(Key::Esc);
    app.type_line("6");
    app.type_text("?");
    assert!(app.state.help);
    shots(&app, "lookup_help");
}

#[test]
fn the_arrows_and_enter_open_the_marked_entry() {
    let mut app = signed_in("B1001", "1111");
    for _ in 0..5 {
        app.press(Key::Down);
    }
    app.press(Key::Enter);
    assert!(matches!(app.state.screen(), Screen::Lookup { .. }));
    app.press(Key::Esc);
    app.press(Key::Up);
    shots(&app, "home_arrows");
}

#[test]
fn lookup_waits_for_a_scan() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    shots(&app, "lookup_empty");
}

#[test]
fn a_wedge_scan_on_lookup_shows_the_package_and_its_history() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    let uid = first_package(&app);
    app.wedge_scan(&uid);
    // The scanner's characters are not left in the field.
    assert_eq!(app.state.input, "");
    let screen = app.screen(80, 24);
    assert!(screen.contains(&format!("Package {uid}")), "{screen}");
    assert!(screen.contains("package_registered"), "{screen}");
    shots(&app, "lookup_package");
}

#[test]
fn a_uid_typed_by_hand_is_a_scan_too() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    let uid = first_package(&app);
    app.type_line(&uid.to_lowercase());
    assert!(app.screen(80, 24).contains(&format!("Package {uid}")));
}

#[test]
fn an_unknown_package_is_refused_in_the_user_s_words() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    app.wedge_scan("1A4FF0100000000099999999");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "lookup_unknown_package");
}

#[test]
fn something_that_is_not_a_tag_is_refused() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    app.type_line("hello");
    shots(&app, "lookup_not_a_tag");
}

#[test]
fn a_location_shows_what_it_holds() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("6");
    let location: String = app
        .view
        .query_row(
            "SELECT location_id FROM packages WHERE location_id IS NOT NULL ORDER BY uid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    app.wedge_scan(&location);
    shots(&app, "lookup_location");
}

#[test]
fn a_scan_on_home_opens_lookup_with_it() {
    let mut app = signed_in("B1001", "1111");
    let uid = first_package(&app);
    app.wedge_scan(&uid);
    assert!(matches!(
        app.state.screen(),
        Screen::Lookup { found: Some(_), .. }
    ));
}

#[test]
fn lookup_withholds_where_and_how_much_while_a_count_is_open() {
    let mut app = signed_in("B1003", "3333");
    let task: String = app
        .view
        .query_row("SELECT id FROM count_tasks ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (counter, _) = app.replica.sign_in("B1003", "3333").unwrap();
    let cv = app.replica.counting_view().unwrap();
    app.replica
        .act_counting(&cv, "B1003", |cv| {
            tally_replica::workflow::count::start(cv, &counter, &task)
        })
        .unwrap();
    app.type_line("6");
    let uid = first_package(&app);
    let (location, quantity): (String, i64) = app
        .view
        .query_row(
            "SELECT location_id, quantity FROM packages WHERE uid = ?1",
            [&uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    app.wedge_scan(&uid);
    for (width, height) in SIZES {
        let screen = app.screen(width, height);
        assert!(screen.contains("withheld"), "{screen}");
        assert!(!screen.contains(&location), "{screen}");
        assert!(!screen.contains(&format!("{quantity} u")), "{screen}");
    }
    shots(&app, "lookup_under_count");
}

/// The sync state as the app's watcher reads it from the replica, at a fixed wall time so the
/// "ago" texts are the same every run.
fn sync_read(app: &App, at_unix_ms: i64) -> tally_app::event::SyncStatus {
    let summary = tally_replica::outbox::summary(&app.view).unwrap();
    tally_app::event::SyncStatus::read(summary, at_unix_ms)
}

const NOW: i64 = 1_795_000_600_000;

/// Pins the replica to a ledger as `tallyd enroll` does (the URL and log; no network).
fn enroll(app: &App) {
    let mut conn = tally_replica::db::open(&app.db()).unwrap();
    tally_replica::outbox::set_link(
        &mut conn,
        &tally_replica::outbox::LedgerLink {
            url: "http://10.0.0.5:8443".into(),
            origin: "ledger.example/log".into(),
            verifier_key: "ledger.example/log+00000000+AQ".into(),
            device: app.replica.device(),
            facility: tally_replica::seed::FACILITY.into(),
            name: "dock-1".into(),
            enrolled_unix_ms: NOW - 3_600_000,
        },
    )
    .unwrap();
}

fn record(app: &App, outcome: Result<(), (&str, tally_replica::outbox::SyncErrorKind)>, at: i64) {
    let mut conn = tally_replica::db::open(&app.db()).unwrap();
    tally_replica::outbox::record_outcome(&mut conn, outcome, at).unwrap();
}

#[test]
fn sync_before_any_ledger_says_not_enrolled_and_events_stay() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("0");
    assert!(matches!(app.state.screen(), Screen::Sync(_)));
    let status = sync_read(&app, NOW);
    app.send(Event::Sync(status));
    let screen = app.screen(80, 24);
    assert!(screen.contains("NOT ENROLLED"), "{screen}");
    assert!(screen.contains("Last sync: never"), "{screen}");
    shots(&app, "sync_not_enrolled");
    // A scan is not taken here; Esc goes back.
    let uid = first_package(&app);
    app.wedge_scan(&uid);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
}

#[test]
fn sync_offline_says_so_and_what_the_last_error_means_in_both_languages() {
    let mut app = signed_in("B1001", "1111");
    enroll(&app);
    record(
        &app,
        Err((
            "the ledger at http://10.0.0.5:8443 cannot be reached: connection refused",
            tally_replica::outbox::SyncErrorKind::Unreachable,
        )),
        NOW - 20_000,
    );
    app.type_line("0");
    let status = sync_read(&app, NOW);
    app.send(Event::Sync(status));
    for (width, height) in SIZES {
        let screen = app.screen(width, height);
        assert!(screen.contains("OFFLINE"), "{screen}");
        assert!(screen.contains("Events waiting:"), "{screen}");
        assert!(screen.contains("Last sync: never"), "{screen}");
    }
    assert!(app.screen(80, 24).contains("http://10.0.0.5:8443"));
    shots(&app, "sync_offline");
    app.press(Key::F(2));
    let screen = app.screen(80, 24);
    assert!(screen.contains("SIN CONEXIÓN"), "{screen}");
    shots(&app, "sync_offline_es");
}

#[test]
fn sync_online_shows_the_last_success_checkpoint_and_ledger() {
    let mut app = signed_in("B2001", "4444");
    enroll(&app);
    let mut conn = tally_replica::db::open(&app.db()).unwrap();
    tally_replica::outbox::accept_checkpoint(
        &mut conn,
        &tally_replica::outbox::StoredCheckpoint {
            anchor: 0,
            size: 1_234,
            root: tally_events::Sha256Hash([9; 32]),
            note: "n".into(),
        },
        NOW,
    )
    .unwrap();
    record(&app, Ok(()), NOW - 180_000);
    app.type_line("0");
    app.send(Event::Sync(sync_read(&app, NOW)));
    let screen = app.screen(80, 24);
    assert!(screen.contains("ONLINE"), "{screen}");
    assert!(screen.contains("Last sync: 3 min ago"), "{screen}");
    assert!(screen.contains("1234 entries"), "{screen}");
    shots(&app, "sync_online");
    app.press(Key::F(2));
    assert!(app.screen(80, 24).contains("hace 3 min"));
    shots(&app, "sync_online_es");
    // A ledger that refused this device's log: the words say what to do.
    record(
        &app,
        Err((
            "the ledger went backwards: it serves a tree of 10 entries, this device holds 1234",
            tally_replica::outbox::SyncErrorKind::Untrusted,
        )),
        NOW - 1_000,
    );
    app.press(Key::F(2));
    app.send(Event::Sync(sync_read(&app, NOW)));
    let screen = app.screen(80, 24);
    assert!(screen.contains("re-anchor"), "{screen}");
    assert!(screen.contains("went backwards"), "{screen}");
    shots(&app, "sync_refused_ledger");
}

#[test]
fn sync_now_is_one_key_and_is_counted_in_the_replica_for_tallyd() {
    let mut app = signed_in("B1001", "1111");
    enroll(&app);
    app.type_line("0");
    app.send(Event::Sync(sync_read(&app, NOW)));
    // `s` alone (no scanner burst follows it): sync now.
    app.type_text("s");
    app.wait(1_000);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    assert!(
        app.state.status.text.contains("Sync asked for"),
        "{}",
        app.state.status.text
    );
    assert_eq!(tally_replica::outbox::sync_requests(&app.view).unwrap(), 1);
    // Enter with nothing typed: again.
    app.press(Key::Enter);
    assert_eq!(tally_replica::outbox::sync_requests(&app.view).unwrap(), 2);
    assert!(app.screen(80, 24).contains("Sync now asked (2)"));
    shots(&app, "sync_now");
    // Anything else typed is not a key here.
    app.type_line("x");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(tally_replica::outbox::sync_requests(&app.view).unwrap(), 2);
}

/// Home shows the watcher's live reading: events waiting go down as tallyd marks them,
/// without home reading again.
#[test]
fn home_shows_the_sync_state_live() {
    let mut app = signed_in("B1001", "1111");
    enroll(&app);
    record(&app, Ok(()), NOW - 120_000);
    let waiting = tally_replica::outbox::summary(&app.view)
        .unwrap()
        .events_waiting;
    app.send(Event::Sync(sync_read(&app, NOW)));
    let screen = app.screen(80, 24);
    assert!(screen.contains(&format!("{waiting} to send")), "{screen}");
    assert!(screen.contains("synced 2 min ago"), "{screen}");
    assert!(screen.contains("on"), "{screen}");
    let mut summary = tally_replica::outbox::summary(&app.view).unwrap();
    summary.events_waiting = 0;
    summary.last_success_unix_ms = Some(NOW);
    app.send(Event::Sync(tally_app::event::SyncStatus::read(
        summary, NOW,
    )));
    let screen = app.screen(80, 24);
    assert!(screen.contains("0 to send"), "{screen}");
    assert!(screen.contains("synced 0 min ago"), "{screen}");
}

#[test]
fn inactivity_locks_and_the_pin_goes_on_where_it_was() {
    let settings = Settings {
        auto_lock_ms: 60_000,
        ..Settings::default()
    };
    let mut app = common::App::demo_with(30, settings);
    app.sign_in("B1001", "1111");
    app.type_line("6");
    app.wait(59_000);
    assert!(matches!(app.state.screen(), Screen::Lookup { .. }));
    app.wait(2_000);
    assert_eq!(app.state.screen(), &Screen::Locked);
    shots(&app, "locked");
    app.type_line("0000");
    assert_eq!(app.state.screen(), &Screen::Locked);
    shots(&app, "locked_wrong_pin");
    app.type_line("1111");
    assert!(matches!(app.state.screen(), Screen::Lookup { .. }));
}

#[test]
fn another_badge_on_a_locked_screen_signs_the_first_out() {
    let mut app = signed_in("B1001", "1111");
    app.press(Key::Lock);
    app.wedge_scan("B2001");
    app.type_line("4444");
    assert_eq!(app.state.session.as_ref().unwrap().badge, "B2001");
    let signed_out: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM event_log WHERE kind = 3 AND actor = 'B1001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(signed_out, 1);
}

#[test]
fn a_scan_during_the_sign_out_question_is_held_not_taken_as_the_answer() {
    let mut app = signed_in("B1001", "1111");
    let uids: Vec<String> = {
        let mut stmt = app
            .view
            .prepare("SELECT uid FROM packages ORDER BY uid LIMIT 2")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    app.press(Key::Esc);
    app.wedge_scan(&uids[0]);
    app.wedge_scan(&uids[1]);
    assert!(app.state.confirm_sign_out);
    assert!(app.state.session.is_some());
    assert_eq!(app.signals, vec![Tone::Success, Tone::Error, Tone::Error]);
    shots(&app, "home_confirm_scan_held");
    // "No": the scans are handled now, in order, as on home: lookup opens with the first,
    // then looks up the second.
    app.press(Key::Esc);
    match app.state.screen() {
        Screen::Lookup {
            found: Some(tally_replica::workflow::lookup::Found::Package(p)),
            ..
        } => assert_eq!(p.uid, uids[1]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn spanish_users_see_spanish_and_the_core_s_refusals_in_spanish() {
    let mut settings = Settings::default();
    settings
        .user_languages
        .insert("B1002".into(), Language::Spanish);
    let mut app = common::App::demo_with(30, settings);
    app.sign_in("B1002", "2222");
    shots(&app, "home_spanish");
    app.type_line("6");
    app.wedge_scan("1A4FF0100000000099999999");
    assert!(
        app.state.status.text.contains("paquete"),
        "{}",
        app.state.status.text
    );
    shots(&app, "lookup_unknown_package_spanish");
}

#[test]
fn f2_switches_the_language() {
    let mut app = App::demo(30);
    app.press(Key::F(2));
    shots(&app, "sign_in_spanish");
}

/// Every package in the counted locations, and every counted location, looked up while the
/// count is open: no frame at either size shows a counted location's id next to a package,
/// a package's quantity (as units or as grams), or how many packages a counted location holds.
#[test]
fn no_lookup_frame_during_a_count_shows_where_or_how_much() {
    let mut app = App::demo(400);
    app.sign_in("B1003", "3333");
    // The task whose locations hold the most stock.
    let task: String = app
        .view
        .query_row(
            "SELECT l.task_id FROM count_task_locations l JOIN packages p ON p.location_id = l.location_id
             GROUP BY l.task_id ORDER BY count(*) DESC, l.task_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (counter, _) = app.replica.sign_in("B1003", "3333").unwrap();
    let cv = app.replica.counting_view().unwrap();
    app.replica
        .act_counting(&cv, "B1003", |cv| {
            tally_replica::workflow::count::start(cv, &counter, &task)
        })
        .unwrap();
    let counted: Vec<(String, i64)> = {
        let mut stmt = app
            .view
            .prepare(
                "SELECT l.location_id, (SELECT count(*) FROM packages p WHERE p.location_id = l.location_id)
                 FROM count_task_locations l WHERE l.task_id = ?1",
            )
            .unwrap();
        stmt.query_map([&task], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let packages: Vec<(String, String, u64)> = {
        let mut stmt = app
            .view
            .prepare(
                "SELECT p.uid, p.location_id, p.quantity FROM packages p
                 JOIN count_task_locations l ON l.location_id = p.location_id AND l.task_id = ?1",
            )
            .unwrap();
        stmt.query_map([&task], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(!packages.is_empty(), "the demo's count covers stock");
    app.type_line("6");
    for (uid, location, quantity) in &packages {
        app.wedge_scan(uid);
        let grams = format!("{}.{:03} g", quantity / 1_000, quantity % 1_000);
        for (width, height) in SIZES {
            let screen = app.screen(width, height);
            assert!(screen.contains(&format!("Package {uid}")), "{screen}");
            assert!(!screen.contains(location.as_str()), "{screen}");
            assert!(!screen.contains(&format!("{quantity} u")), "{screen}");
            assert!(!screen.contains(&grams), "{screen}");
        }
    }
    for (location, held) in &counted {
        app.wedge_scan(location);
        for (width, height) in SIZES {
            let screen = app.screen(width, height);
            assert!(screen.contains(&format!("Location {location}")), "{screen}");
            assert!(!screen.contains(&format!("Packages: {held}")), "{screen}");
            assert!(screen.contains("Packages: withheld"), "{screen}");
        }
    }
}

#[test]
fn home_says_when_the_device_must_not_record() {
    let mut app = signed_in("B1001", "1111");
    let mut summary = app.state.home.clone().expect("home was read");
    assert!(!summary.signing_stopped);
    summary.signing_stopped = true;
    app.state.home = Some(summary);
    shots(&app, "home_signing_stopped");
}

#[test]
fn a_database_that_stops_answering_is_said_plainly() {
    let mut app = signed_in("B1001", "1111");
    app.send(Event::WorkerGone);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(app.state.worker_gone);
    shots(&app, "worker_gone");
}

#[test]
fn a_terminal_below_20_by_8_gets_a_notice_not_a_broken_screen() {
    let app = signed_in("B1001", "1111");
    insta::assert_snapshot!("too_small_19x7", app.screen(19, 7));
}

/// 9 Supervisor → re-anchor: the held and the restored checkpoints side by side, the reason,
/// the question, the event recorded (kind 6, naming what the device held), a sync asked for.
#[test]
fn a_supervisor_re_anchors_to_a_restored_ledger_after_a_question() {
    use tally_app::event::LedgerReply;
    use tally_sync::reanchor::{Inspection, Verdict};
    let mut app = signed_in("B2001", "4444");
    // Not enrolled: the ledger thread says why it cannot compare.
    app.type_line("9");
    let rows = app.screen(80, 24);
    let row = rows
        .lines()
        .find_map(|l| {
            l.trim_start_matches(['>', ' '])
                .strip_suffix("Re-anchor to a restored ledger")
                .map(|n| n.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no re-anchor row: {rows}"));
    app.type_line(&row);
    assert!(matches!(app.state.screen(), Screen::Reanchor(_)));
    let screen = app.screen(80, 24);
    assert!(screen.contains("not enrolled"), "{screen}");
    shots(&app, "reanchor_not_enrolled");
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Supervisor(_)));
    // Enrolled, holding 1234; the ledger serves 1200 (restored from a backup).
    enroll(&app);
    let mut conn = tally_replica::db::open(&app.db()).unwrap();
    let held = tally_replica::outbox::StoredCheckpoint {
        anchor: 0,
        size: 1_234,
        root: tally_events::Sha256Hash([0xab; 32]),
        note: "n".into(),
    };
    tally_replica::outbox::accept_checkpoint(&mut conn, &held, NOW).unwrap();
    let inspection = Inspection {
        held: tally_replica::workflow::reanchor::held(&app.view)
            .unwrap()
            .unwrap(),
        served: tally_ledger_client::VerifiedCheckpoint {
            size: 1_200,
            root: tally_events::Sha256Hash([0xcd; 32]),
            note: "restored".into(),
        },
        verdict: Verdict::Refused(
            "the ledger went backwards: it serves a tree of 1200 entries, this device holds 1234"
                .into(),
        ),
    };
    app.ledger_answers
        .push(LedgerReply::Inspected(Ok(Box::new(inspection))));
    app.type_line(&row);
    let screen = app.screen(80, 24);
    assert!(screen.contains("Held:     1234 · abababab"), "{screen}");
    assert!(screen.contains("Restored: 1200 · cdcdcdcd"), "{screen}");
    assert!(screen.contains("REFUSED"), "{screen}");
    shots(&app, "reanchor_refused");
    // No reason, no question.
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    app.type_line("ledger restored 03:10 from the 02:00 backup");
    assert!(app.screen(80, 24).contains("This cannot be undone."));
    shots(&app, "reanchor_question");
    // The question is the confirm component's: a scan meanwhile is held, never the answer.
    app.wedge_scan("1A4FF0100000022000000001");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(
        matches!(app.state.screen(), Screen::Reanchor(r) if r.question.asking()),
        "{:?}",
        app.state.screen()
    );
    // Esc answers no; nothing recorded.
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Reanchor(r) if !r.question.asking()));
    assert!(tally_replica::outbox::latest_reanchor(&app.view)
        .unwrap()
        .is_none());
    app.type_line("ledger restored 03:10 from the 02:00 backup");
    app.press(Key::Enter);
    let (_, event) = tally_replica::outbox::latest_reanchor(&app.view)
        .unwrap()
        .unwrap();
    assert_eq!((event.held_size, event.held_root), (1_234, held.root));
    assert_eq!(event.new_size, 1_200);
    assert_eq!(event.reason, "ledger restored 03:10 from the 02:00 backup");
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    // tallyd is asked for a pass at once.
    assert_eq!(tally_replica::outbox::sync_requests(&app.view).unwrap(), 1);
    app.press(Key::F(2));
    shots(&app, "reanchor_done_es");
}

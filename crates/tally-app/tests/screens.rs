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

#[test]
fn entries_without_their_flow_say_so_plainly() {
    let mut app = signed_in("B1001", "1111");
    app.type_line("0");
    assert!(matches!(app.state.screen(), Screen::NotBuilt(_)));
    shots(&app, "not_built_sync");
    let uid = first_package(&app);
    app.wedge_scan(&uid);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "not_built_scan");
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
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

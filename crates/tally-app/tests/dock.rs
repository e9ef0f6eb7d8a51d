//! 9 Supervisor → Dock at 40 × 20 and 80 × 24, English and Spanish, errors included (TestBackend
//! frames as insta snapshots): the PIN asked on the screen, the facility's devices with their
//! backlog, last sync, forks and errors, the variances waiting; an unreachable ledger said in
//! the person's words beside this device's own sync state; a refused sign-in and an ended
//! session asking the PIN again; and the floor layer refusing anyone but a supervisor before
//! anything reaches the ledger.

mod common;

use common::App;
use tally_app::event::{
    DockAnswer, DockFailure, DockSignIn, Event, Key, LedgerReply, LedgerRequest, SyncStatus, Tone,
};
use tally_app::screens::dock::Stage;
use tally_app::state::Screen;
use tally_ledger_client::projections::{DockDeviceView, DockErrorView, DockView};

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];

/// Both sizes, English then Spanish (F2 switches the language and back).
fn shots(app: &mut App, name: &str) {
    for (suffix, switch) in [("", false), ("_es", true)] {
        if switch {
            app.press(Key::F(2));
        }
        for (width, height) in SIZES {
            insta::assert_snapshot!(
                format!("{name}{suffix}_{width}x{height}"),
                app.screen(width, height)
            );
        }
        if switch {
            app.press(Key::F(2));
        }
    }
}

/// When the ledger read the view (device clock): 2026-11-18 11:06 UTC.
const READ_AT: i64 = common::WALL_UNIX_MS;
const MIN: i64 = 60_000;

fn device(name: &str, backlog: Option<u64>, synced_min_ago: Option<i64>) -> DockDeviceView {
    DockDeviceView {
        device_id: format!("{:0>64}", name.len()),
        name: name.into(),
        facility: tally_replica::seed::FACILITY.into(),
        revoked: false,
        events: 1_204,
        last_push_unix_ms: synced_min_ago.map(|m| READ_AT - m * MIN),
        last_sync_unix_ms: synced_min_ago.map(|m| READ_AT - m * MIN),
        backlog,
        forks: 0,
        last_error: None,
    }
}

fn answer() -> LedgerReply {
    let mut gap = device("dock-2", Some(37), Some(95));
    gap.last_push_unix_ms = Some(READ_AT - 3 * MIN);
    gap.last_error = Some(DockErrorView {
        error: "gap".into(),
        message: "a gap: the ledger expects seq 412 next".into(),
        message_es: "un hueco: el libro central espera la secuencia 412".into(),
        unix_ms: READ_AT - 3 * MIN,
    });
    let mut forked = device("dock-3", None, None);
    forked.forks = 1;
    forked.revoked = true;
    let mut devices = vec![
        device("dock-1", Some(0), Some(2)),
        gap,
        forked,
        device("dock-4", Some(5), Some(30)),
    ];
    devices[0].events = 88;
    LedgerReply::Dock(Ok(Box::new(DockAnswer {
        view: DockView {
            projected: 9_000,
            tree_size: 9_000,
            variances_waiting: 3,
            devices,
        },
        token: "ab".repeat(32),
        read_at_unix_ms: READ_AT,
    })))
}

/// A supervisor on 9 Supervisor's Dock row, the PIN asked.
fn at_the_dock() -> App {
    let mut app = App::demo(30);
    app.sign_in("B2001", "4444");
    app.type_line("9");
    let rows = app.screen(80, 24);
    let row = rows
        .lines()
        .find_map(|l| {
            l.trim_start_matches(['>', ' '])
                .strip_suffix("Dock: the facility's devices at the ledger")
                .map(|n| n.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no dock row: {rows}"));
    app.type_line(&row);
    assert!(matches!(app.state.screen(), Screen::Dock(_)));
    app
}

fn stage(app: &App) -> Stage {
    match app.state.screen() {
        Screen::Dock(dock) => dock.stage.clone(),
        other => panic!("not the dock: {other:?}"),
    }
}

#[test]
fn the_dock_lists_the_facility_s_devices_with_backlog_sync_forks_errors_and_variances() {
    let mut app = at_the_dock();
    shots(&mut app, "dock_pin");
    // The PIN is masked, and Enter alone asks for it.
    app.type_text("4444");
    assert!(app.screen(80, 24).contains("> ••••_"));
    app.press(Key::Backspace);
    app.press(Key::Backspace);
    app.press(Key::Backspace);
    app.press(Key::Backspace);
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(stage(&app), Stage::AskPin);

    app.ledger_answers.push(answer());
    app.type_line("4444");
    assert_eq!(stage(&app), Stage::Shown);
    let screen = app.screen(80, 24);
    assert!(
        screen.contains("4 devices · 3 variances wait for review"),
        "{screen}"
    );
    assert!(screen.contains("dock-1 · 0 to send"), "{screen}");
    assert!(screen.contains("dock-2 · 37 to send"), "{screen}");
    assert!(screen.contains("synced 1 h ago"), "{screen}");
    assert!(screen.contains("refused 3 min ago: a gap"), "{screen}");
    assert!(!screen.contains("4444"), "the PIN is never drawn: {screen}");
    shots(&mut app, "dock_list");
    // The list windows: the last device, marked, shows whole at 40 x 20.
    app.press(Key::Up);
    let narrow = app.screen(40, 20);
    assert!(narrow.contains("dock-4"), "{narrow}");
    assert!(narrow.contains("rows"), "{narrow}");
    shots(&mut app, "dock_list_last");

    // r reads again with the session's token (no PIN), and the ledger ending it asks again.
    app.ledger_answers
        .push(LedgerReply::Dock(Err(DockFailure::SessionEnded)));
    app.press(Key::Char('r'));
    // A letter alone is a key once no scanner burst follows it.
    app.wait(1_000);
    assert_eq!(stage(&app), Stage::AskPin);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    // What was read stays on the screen.
    assert!(app.screen(80, 24).contains("dock-2 · 37 to send"));
    shots(&mut app, "dock_session_ended");
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Supervisor(_)));
}

#[test]
fn an_unreachable_ledger_is_said_in_the_person_s_words_beside_this_device_s_state() {
    let mut app = at_the_dock();
    // The sync watcher's reading of this device's own state (tallyd's tables).
    let summary = tally_replica::outbox::summary(&app.view).unwrap();
    let waiting = summary.events_waiting;
    assert!(waiting > 0);
    app.send(Event::Sync(SyncStatus::read(summary, READ_AT)));
    app.ledger_answers
        .push(LedgerReply::Dock(Err(DockFailure::Unreachable)));
    app.type_line("4444");
    assert!(matches!(
        stage(&app),
        Stage::Failed(DockFailure::Unreachable)
    ));
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    let screen = app.screen(80, 24);
    assert!(
        screen.contains("OFFLINE: the ledger cannot be reached"),
        "{screen}"
    );
    assert!(screen.contains("This device:"), "{screen}");
    assert!(
        screen.contains(&format!("Events waiting: {waiting}")),
        "{screen}"
    );
    assert!(screen.contains("stay here"), "{screen}");
    shots(&mut app, "dock_offline");
    // r tries again; the ledger back, the list comes.
    app.ledger_answers.push(answer());
    app.press(Key::Char('r'));
    // A letter alone is a key once no scanner burst follows it.
    app.wait(1_000);
    assert_eq!(stage(&app), Stage::AskPin, "no session yet: the PIN");
    app.type_line("4444");
    assert_eq!(stage(&app), Stage::Shown);
}

#[test]
fn a_refused_sign_in_asks_the_pin_again_in_the_ledger_s_words() {
    let mut app = at_the_dock();
    app.ledger_answers
        .push(LedgerReply::Dock(Err(DockFailure::SignInRefused {
            code: "sign_in_refused".into(),
            message: "the badge or PIN is wrong".into(),
            message_es: "el gafete o el PIN no son correctos".into(),
        })));
    app.type_line("1234");
    assert_eq!(stage(&app), Stage::AskPin);
    assert!(app.screen(80, 24).contains("the badge or PIN is wrong"));
    shots(&mut app, "dock_sign_in_refused");
}

#[test]
fn a_device_not_enrolled_says_so_from_the_real_ledger_thread() {
    // No canned answer: the ledger thread runs on the real replica, which has no ledger.
    let mut app = at_the_dock();
    app.type_line("4444");
    assert!(matches!(
        stage(&app),
        Stage::Failed(DockFailure::NotEnrolled)
    ));
    let screen = app.screen(80, 24);
    assert!(screen.contains("not enrolled with a ledger"), "{screen}");
    shots(&mut app, "dock_not_enrolled");
}

#[test]
fn the_floor_layer_refuses_anyone_but_a_supervisor_before_the_ledger_is_asked() {
    let app = App::demo(5);
    for (badge, role) in [
        ("B1001", tally_events::payload::Role::Operator),
        ("AUD-1", tally_events::payload::Role::Auditor),
    ] {
        let reply = tally_app::ledger::perform(
            &app.ledger_access(),
            LedgerRequest::Dock {
                who: tally_replica::workflow::Session {
                    badge: badge.into(),
                    role,
                },
                sign_in: DockSignIn::Pin("1111".into()),
            },
        );
        // Refused before the replica's ledger link is looked at (it has none: that would be
        // "not enrolled").
        match reply {
            LedgerReply::Dock(Err(DockFailure::Refused(refusal))) => {
                assert!(matches!(
                    refusal,
                    tally_replica::Refusal::NotSupervisor { .. }
                ))
            }
            other => panic!("{other:?}"),
        }
    }
    // An operator on 9 is refused by the menu too (never reaches the dock row).
    let mut app = App::demo(5);
    app.sign_in("B1001", "1111");
    app.type_line("9");
    assert!(!matches!(
        app.state.screen(),
        Screen::Dock(_) | Screen::Supervisor(_)
    ));
}

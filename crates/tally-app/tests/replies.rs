//! Replies and time in the state machine: an answer the screen no longer waits for is dropped,
//! a slow answer never blocks keys, and the flash ends with time.

mod common;

use tally_app::event::{Effect, Event, Key, ReadReply, Tone};
use tally_app::state::{update, Screen};

fn read_effect(effects: &[Effect]) -> (u64, tally_app::event::ReadRequest) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Read { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .expect("a read")
}

#[test]
fn a_lookup_answer_after_esc_is_dropped_and_keys_never_wait_for_it() {
    let mut app = common::App::demo(20);
    app.sign_in("B1001", "1111");
    app.type_line("6");
    let uid: String = app
        .view
        .query_row("SELECT uid FROM packages ORDER BY uid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Scan, but hold the reader's answer back.
    let mut effects = Vec::new();
    app.now_ms += 1_000;
    for c in uid.chars() {
        app.now_ms += 2;
        effects.extend(update(
            &mut app.state,
            Event::Key {
                key: Key::Char(c),
                at_ms: app.now_ms,
            },
        ));
    }
    app.now_ms += 2;
    effects.extend(update(
        &mut app.state,
        Event::Key {
            key: Key::Enter,
            at_ms: app.now_ms,
        },
    ));
    let (id, request) = read_effect(&effects);
    assert!(app.state.busy());
    // The person goes on meanwhile: back to home, where keys work at once.
    app.press(Key::Esc);
    app.press(Key::Down);
    assert_eq!(app.state.screen(), &Screen::Home { selected: 1 });
    let status = app.state.status.clone();
    let signals = app.signals.len();
    // The late answer changes nothing.
    let reply = tally_app::reader::perform(&app.view, request);
    assert!(matches!(reply, ReadReply::Lookup(Ok(_))));
    app.send(Event::Read { id, reply });
    assert_eq!(app.state.screen(), &Screen::Home { selected: 1 });
    assert_eq!(app.state.status, status);
    assert_eq!(app.signals.len(), signals);
}

#[test]
fn the_flash_ends_with_time_and_the_words_stay() {
    let mut app = common::App::demo(20);
    app.sign_in("B1001", "0000");
    assert_eq!(app.state.status.tone, Some(Tone::Error));
    let flashing = app.screen(40, 20);
    assert!(
        flashing.ends_with("[status line: fg White, bg Red]\n"),
        "{flashing}"
    );
    app.wait(app.state.settings.flash_ms);
    let after = app.screen(40, 20);
    assert!(
        after.ends_with("[status line: fg LightRed, bg Black]\n"),
        "{after}"
    );
    assert!(after.contains("do not match"), "{after}");
}

#[test]
fn a_scanner_trigger_keeps_the_device_unlocked() {
    let settings = tally_app::state::Settings {
        auto_lock_ms: 60_000,
        ..tally_app::state::Settings::default()
    };
    let mut app = common::App::demo_with(20, settings);
    app.sign_in("B1001", "1111");
    app.type_line("6");
    let uid: String = app
        .view
        .query_row("SELECT uid FROM packages ORDER BY uid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    app.wait(50_000);
    app.send(Event::Device(tally_app::event::DeviceEvent::Scan {
        text: uid,
    }));
    app.wait(50_000);
    assert!(matches!(
        app.state.screen(),
        Screen::Lookup { found: Some(_), .. }
    ));
    app.wait(11_000);
    assert_eq!(app.state.screen(), &Screen::Locked);
}

//! The help (F1 or `?`) of every screen, at 40 × 20 and 80 × 24, in English and Spanish:
//! every key line is shown whole, wrapped inside the box or reached by scrolling it with the
//! arrows. Nothing is cut off (issue 13: "Help is clipped at 40x20 on Receive").

mod common;

use common::{every_help_line_is_shown, App};
use tally_app::event::Key;
use tally_app::screens::supervisor::{Row, Stage, Supervisor};
use tally_app::state::Screen;
use tally_app::text::Language;

/// Every screen a person reaches in `language`, its help checked on each.
fn walk_every_screen(language: Language) {
    let mut app = App::demo(30);
    if language == Language::Spanish {
        app.press(Key::F(2));
    }
    let spanish = language == Language::Spanish;
    let with = |app: &mut App| {
        if spanish && app.state.language != Language::Spanish {
            app.press(Key::F(2));
        }
    };
    every_help_line_is_shown(&mut app, "sign-in");
    app.type_line("B1001");
    every_help_line_is_shown(&mut app, "PIN");
    app.type_line("1111");
    with(&mut app);
    every_help_line_is_shown(&mut app, "home");
    for (entry, name) in [
        ("1", "receive"),
        ("2", "move"),
        ("3", "pick"),
        ("4", "load"),
        ("5", "count"),
        ("6", "lookup"),
        ("7", "quarantine"),
        ("8", "destroy"),
        ("0", "sync"),
    ] {
        app.type_line(entry);
        every_help_line_is_shown(&mut app, name);
        // One level in where the screen has one.
        match entry {
            "1" | "3" | "4" | "5" => {
                app.type_line("1");
                every_help_line_is_shown(&mut app, &format!("{name}, first row"));
                app.press(Key::Esc);
            }
            _ => {}
        }
        while !matches!(app.state.screen(), Screen::Home { .. }) {
            app.press(Key::Esc);
        }
    }
    app.press(Key::Lock);
    every_help_line_is_shown(&mut app, "locked");
    app.type_line("1111");
    app.press(Key::Quit);

    let mut app = App::demo(30);
    app.sign_in("B2001", "4444");
    with(&mut app);
    app.type_line("9");
    every_help_line_is_shown(&mut app, "supervisor");
    // Each row of what waits (the Dock and the re-anchoring are always offered; the review
    // and conflict screens are checked where their set-ups live, tests/supervisor.rs).
    let rows = match app.state.screen() {
        Screen::Supervisor(Supervisor {
            stage: Stage::Work { list, .. },
            ..
        }) => list.rows.clone().expect("the work was read"),
        other => panic!("not on 9 Supervisor: {other:?}"),
    };
    assert!(
        rows.contains(&Row::Dock) && rows.contains(&Row::Reanchor),
        "{rows:?}"
    );
    for (n, row) in rows.iter().enumerate() {
        app.type_line(&(n + 1).to_string());
        every_help_line_is_shown(&mut app, &format!("supervisor, {row:?}"));
        for _ in 0..4 {
            if matches!(
                app.state.screen(),
                Screen::Supervisor(Supervisor {
                    stage: Stage::Work { .. },
                    ..
                })
            ) {
                break;
            }
            app.press(Key::Esc);
        }
        assert!(
            matches!(app.state.screen(), Screen::Supervisor(_)),
            "Esc from {row:?} goes back to 9 Supervisor"
        );
    }
}

#[test]
fn every_screen_s_help_fits_or_scrolls_in_english() {
    walk_every_screen(Language::English);
}

#[test]
fn every_screen_s_help_fits_or_scrolls_in_spanish() {
    walk_every_screen(Language::Spanish);
}

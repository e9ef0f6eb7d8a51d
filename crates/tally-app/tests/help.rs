//! The help (F1 or `?`) of every screen, at 40 × 20 and 80 × 24, in English and Spanish:
//! every key line is shown whole, wrapped inside the box or reached by scrolling it with the
//! arrows. Nothing is cut off (issue 13: "Help is clipped at 40x20 on Receive").

mod common;

use common::App;
use tally_app::event::Key;
use tally_app::text::Language;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];

/// The rows inside the help box of a drawn screen, joined, white space dropped.
fn box_text(screen: &str) -> Option<String> {
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top = rows.iter().position(|r| r.contains(&'┌'))?;
    let left = rows[top].iter().position(|c| *c == '┌')?;
    let right = rows[top].iter().position(|c| *c == '┐')?;
    let mut out = String::new();
    for row in &rows[top + 1..] {
        if row.get(left) == Some(&'└') {
            return Some(out);
        }
        let inner: String = row
            .iter()
            .skip(left + 1)
            .take(right.saturating_sub(left + 1))
            .collect();
        out.extend(inner.chars().filter(|c| !c.is_whitespace()));
    }
    None
}

/// Opens the help of the screen shown and checks, at each size, that every line of it is
/// shown whole in the box at some scroll position; closes it again.
fn every_help_line_is_shown(app: &mut App, screen: &str) {
    let lines = tally_app::render::help_lines(&app.state);
    assert!(!lines.is_empty(), "{screen}: no help");
    for (width, height) in SIZES {
        app.press(Key::F(1));
        assert!(app.state.help, "{screen}: F1 opens the help");
        let mut seen = Vec::new();
        for _ in 0..=lines.len() {
            let drawn = app.screen(width, height);
            let text = box_text(&drawn)
                .unwrap_or_else(|| panic!("{screen} {width}x{height}: no help box\n{drawn}"));
            seen.push(text);
            app.press(Key::Down);
        }
        for line in &lines {
            let wanted: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                seen.iter().any(|text| text.contains(&wanted)),
                "{screen} {width}x{height} ({:?}): {line:?} is cut or missing\n{}",
                app.state.language,
                app.screen(width, height)
            );
        }
        app.press(Key::F(1));
        assert!(!app.state.help, "{screen}: F1 closes the help");
    }
}

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
        while !matches!(app.state.screen(), tally_app::state::Screen::Home { .. }) {
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
}

#[test]
fn every_screen_s_help_fits_or_scrolls_in_english() {
    walk_every_screen(Language::English);
}

#[test]
fn every_screen_s_help_fits_or_scrolls_in_spanish() {
    walk_every_screen(Language::Spanish);
}

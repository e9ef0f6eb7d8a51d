//! Rendering: a pure function of the state ([`render`]). It reads nothing else (no database,
//! no clock: flashes compare with the state's own time) and draws only inside the frame, from
//! 40 columns × 20 rows up.
//!
//! Layout, top to bottom: a header (screen and who is signed in), the screen's body (drawn by
//! the screen's own module, `screens::<flow>::render`), the status line (bold, high contrast;
//! the whole line in colour while it flashes after a success or an error) and the key hint.
//!
//! The status line is 3 rows (4 below 60 columns) and grows, taking rows from the bottom of
//! the body, to the height its text wraps to, so a long refusal is read whole; the body keeps
//! [`MIN_BODY_ROWS`]. (Below 10 rows the status is one row.)

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use tally_events::Quantity;

use crate::event::Tone;
use crate::state::State;
use crate::text::{Language, Msg, Words};

/// Narrowest terminal the screens are drawn on (the handheld target is 40).
pub const MIN_WIDTH: u16 = 20;
/// Shortest terminal the screens are drawn on (the handheld target is 20).
pub const MIN_HEIGHT: u16 = 8;
/// Rows the screen's body keeps when a long status line grows (its field and the first rows
/// of what it shows).
pub const MIN_BODY_ROWS: u16 = 4;

/// Draws the whole screen for `state`.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        // Too small to work on: say so in words that fit (ASCII, one cell per character).
        let notice = format!("tally: screen too small ({}x{})", area.width, area.height);
        frame.render_widget(Paragraph::new(notice).wrap(Wrap { trim: true }), area);
        return;
    }
    let status_rows = status_rows(state, area);
    let [header, body, status, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(state, frame, header);
    crate::screens::render(state, frame, body);
    render_status(state, frame, status);
    frame.render_widget(
        Paragraph::new(Msg::KeysHint.text(state.language)).style(Style::default().fg(Color::Gray)),
        hint,
    );
    if state.confirm_sign_out {
        crate::screens::confirm::render(frame, body, &[Msg::ConfirmSignOut.text(state.language)]);
    }
    if state.help {
        render_help(state, frame, body);
    }
}

fn render_header(state: &State, frame: &mut Frame, area: Rect) {
    let who = match &state.session {
        Some(session) => format!(
            " {} {}",
            session.badge,
            role_name(session.role, state.language)
        ),
        None => String::new(),
    };
    let line = Line::from(vec![
        Span::styled(
            format!(" {} ", crate::screens::title(state)),
            Style::default()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(who),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn role_name(role: tally_events::payload::Role, language: Language) -> &'static str {
    use tally_events::payload::Role;
    let (english, spanish) = match role {
        Role::Operator => ("operator", "operador"),
        Role::Supervisor => ("supervisor", "supervisor"),
        Role::Admin => ("admin", "administrador"),
        Role::Auditor => ("auditor", "auditor"),
    };
    match language {
        Language::English => english,
        Language::Spanish => spanish,
    }
}

/// The field being typed, masked for PINs, with a cursor mark.
pub(crate) fn field(state: &State) -> String {
    let shown: String = if state.masked() {
        "•".repeat(state.input.chars().count())
    } else {
        state.input.clone()
    };
    format!("> {shown}_")
}

/// How the field being typed is drawn.
pub(crate) fn field_style() -> Style {
    Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

/// Milligrams as grams with three decimals.
pub(crate) fn grams(mg: i64) -> String {
    let sign = if mg < 0 { "-" } else { "" };
    let abs = mg.unsigned_abs();
    format!("{sign}{}.{:03} g", abs / 1_000, abs % 1_000)
}

/// A quantity: units, or its weight in grams.
pub(crate) fn quantity(q: Quantity) -> String {
    match q {
        Quantity::Units(n) => format!("{n} u"),
        Quantity::Milligrams(mg) => grams(i64::try_from(mg).unwrap_or(i64::MAX)),
    }
}

/// The status line's rows on `area`: its usual height, or as many rows as its text wraps to
/// when that is more, leaving the body [`MIN_BODY_ROWS`].
fn status_rows(state: &State, area: Rect) -> u16 {
    if area.height < 10 {
        return 1;
    }
    let usual = if area.width < 60 { 4 } else { 3 };
    let most = area.height.saturating_sub(2 + MIN_BODY_ROWS).max(usual);
    let wrapped = status_paragraph(state).line_count(area.width);
    u16::try_from(wrapped)
        .unwrap_or(u16::MAX)
        .clamp(usual, most)
}

fn status_paragraph(state: &State) -> Paragraph<'static> {
    let status = &state.status;
    let flashing = state.now_ms < status.flash_until_ms;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let style = match (status.tone, flashing) {
        (Some(Tone::Success), true) => bold.fg(Color::Black).bg(Color::Green),
        (Some(Tone::Error), true) => bold.fg(Color::White).bg(Color::Red),
        (Some(Tone::Success), false) => bold.fg(Color::LightGreen).bg(Color::Black),
        (Some(Tone::Error), false) => bold.fg(Color::LightRed).bg(Color::Black),
        (None, _) => bold.fg(Color::White).bg(Color::Black),
    };
    let mark = match status.tone {
        Some(Tone::Success) => "✔ ",
        Some(Tone::Error) => "✖ ",
        None => "",
    };
    Paragraph::new(format!("{mark}{}", status.text))
        .style(style)
        .wrap(Wrap { trim: true })
}

fn render_status(state: &State, frame: &mut Frame, area: Rect) {
    frame.render_widget(status_paragraph(state), area);
}

/// A box over the middle of `area`, as large as the lines need and never larger than `area`.
pub(crate) fn centred(area: Rect, lines: usize) -> Rect {
    let height = u16::try_from(lines.saturating_add(2))
        .unwrap_or(u16::MAX)
        .min(area.height);
    let width = area.width.min(44);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// A question in a box over the middle of `area`.
pub(crate) fn render_dialog(frame: &mut Frame, area: Rect, lines: &[String]) {
    let rows = lines.len().saturating_mul(2);
    let inner = centred(area, rows);
    frame.render_widget(Clear, inner);
    frame.render_widget(
        Paragraph::new(lines.join("\n"))
            .wrap(Wrap { trim: true })
            .alignment(Alignment::Center)
            .style(Style::default().add_modifier(Modifier::BOLD))
            .block(Block::default().borders(Borders::ALL)),
        inner,
    );
}

/// The lines of the help (F1, `?`) of the screen shown: its keys, then the language and quit
/// keys.
pub fn help_lines(state: &State) -> Vec<String> {
    let l = state.language;
    let mut keys = crate::screens::keys(state);
    keys.extend([Msg::KeyLanguage.text(l), Msg::KeyQuit.text(l)]);
    keys
}

/// The help in a box over the screen's body: lines wrap at the box's width, and a help taller
/// than the body scrolls with the arrows (its title says so), so no key is ever cut off.
fn render_help(state: &State, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line<'static>> = help_lines(state).into_iter().map(Line::raw).collect();
    let width = area.width.min(44);
    let inner_width = width.saturating_sub(2);
    let room = usize::from(area.height.saturating_sub(2));
    let all = crate::list::height(&lines, inner_width);
    let mut title = Msg::KeysTitle.text(state.language);
    let shown = if all <= room {
        lines
    } else {
        // From the line scrolled to, but never past the point where the rest fits.
        let mut last_first = lines.len().saturating_sub(1);
        while last_first > 0 && crate::list::height(&lines[last_first - 1..], inner_width) <= room {
            last_first -= 1;
        }
        let first = state.help_scroll.min(last_first);
        title = format!("{title} · {}", Msg::HelpMore.text(state.language));
        lines[first..].to_vec()
    };
    let inner = centred(area, crate::list::height(&shown, inner_width));
    frame.render_widget(Clear, inner);
    frame.render_widget(
        Paragraph::new(shown)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        inner,
    );
}

//! Rendering: a pure function of the state ([`render`]). It reads nothing else (no database,
//! no clock: flashes compare with the state's own time) and draws only inside the frame, from
//! 40 columns × 20 rows up.
//!
//! Layout, top to bottom: a header (screen and who is signed in), the screen's body, the
//! status line (several rows, bold, high contrast; the whole line in colour while it flashes
//! after a success or an error) and the key hint.

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use tally_events::Quantity;
use tally_replica::workflow::lookup::{Found, LocationInfo, PackageInfo};

use crate::event::Tone;
use crate::menu::{Entry, MENU};
use crate::state::{Screen, SignInStep, State};
use crate::text::{Language, Msg};

/// Narrowest terminal the screens are drawn on (the handheld target is 40).
pub const MIN_WIDTH: u16 = 20;
/// Shortest terminal the screens are drawn on (the handheld target is 20).
pub const MIN_HEIGHT: u16 = 8;

/// Draws the whole screen for `state`.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        // Too small to work on: say so in words that fit (ASCII, one cell per character).
        let notice = format!("tally: screen too small ({}x{})", area.width, area.height);
        frame.render_widget(Paragraph::new(notice).wrap(Wrap { trim: true }), area);
        return;
    }
    let status_rows = match (area.width, area.height) {
        (_, 0..=9) => 1,
        (0..=59, _) => 4,
        _ => 3,
    };
    let [header, body, status, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(state, frame, header);
    match state.screen() {
        Screen::SignIn(step) => render_sign_in(state, step, frame, body),
        Screen::Locked => render_locked(state, frame, body),
        Screen::Home { selected } => render_home(state, *selected, frame, body),
        Screen::Lookup { found, scroll } => {
            render_lookup(state, found.as_ref(), *scroll, frame, body)
        }
        Screen::NotBuilt(entry) => render_not_built(state, *entry, frame, body),
    }
    render_status(state, frame, status);
    frame.render_widget(
        Paragraph::new(Msg::KeysHint.text(state.language)).style(Style::default().fg(Color::Gray)),
        hint,
    );
    if state.confirm_sign_out {
        render_dialog(frame, body, &[Msg::ConfirmSignOut.text(state.language)]);
    }
    if state.help {
        render_help(state, frame, body);
    }
}

fn title(state: &State) -> String {
    let l = state.language;
    match state.screen() {
        Screen::SignIn(_) => Msg::SignInTitle.text(l),
        Screen::Locked => Msg::LockedTitle.text(l),
        Screen::Home { .. } => Msg::HomeTitle.text(l),
        Screen::Lookup { .. } => Msg::LookupTitle.text(l),
        Screen::NotBuilt(entry) => format!("{} {}", entry.key(), entry.name(l)),
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
            format!(" {} ", title(state)),
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
fn field(state: &State) -> String {
    let shown: String = if state.masked() {
        "•".repeat(state.input.chars().count())
    } else {
        state.input.clone()
    };
    format!("> {shown}_")
}

fn field_style() -> Style {
    Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

fn render_sign_in(state: &State, step: &SignInStep, frame: &mut Frame, area: Rect) {
    let prompt = match step {
        SignInStep::Badge => Msg::ScanBadge,
        SignInStep::Pin { badge } => Msg::EnterPin(badge.clone()),
    };
    let mut lines = vec![
        Line::raw(""),
        Line::raw(prompt.text(state.language)),
        Line::raw(""),
        Line::styled(field(state), field_style()),
    ];
    if state.busy() {
        lines.push(Line::raw(Msg::Checking.text(state.language)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn render_locked(state: &State, frame: &mut Frame, area: Rect) {
    let badge = state
        .session
        .as_ref()
        .map(|s| s.badge.clone())
        .unwrap_or_default();
    let lines = vec![
        Line::raw(""),
        Line::raw(Msg::LockedPrompt(badge).text(state.language)),
        Line::raw(""),
        Line::styled(field(state), field_style()),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn render_home(state: &State, selected: usize, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let [menu, info] = Layout::vertical([Constraint::Min(0), Constraint::Length(4)]).areas(area);
    let role = state.session.as_ref().map(|s| s.role);
    let rows: Vec<Line> = MENU
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let withheld = role.and_then(|role| entry.withheld_from(role));
            let mark = if i == selected { "▶" } else { " " };
            let mut spans = vec![Span::raw(format!(
                "{mark}{} {}",
                entry.key(),
                entry.name(l)
            ))];
            let mut style = Style::default();
            if let Some(why) = withheld {
                spans.push(Span::raw(format!(" ({})", why.text(l))));
                style = style.fg(Color::DarkGray);
            } else {
                style = style.add_modifier(Modifier::BOLD);
            }
            if i == selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::from(spans).style(style)
        })
        .collect();
    // Keep the marked row visible on short screens.
    let shown = crate::list::window(selected, rows.len(), usize::from(menu.height));
    frame.render_widget(Paragraph::new(rows[shown].to_vec()), menu);
    let tasks = match &state.home {
        Some(h) => Msg::Tasks {
            manifests: h.inbound_manifests,
            picks: h.pick_lists,
            counts: h.count_tasks,
        },
        None => Msg::TasksLoading,
    };
    let mut sync = match &state.home {
        Some(h) if h.ledger_cursor == 0 => Msg::NeverSynced.text(l),
        Some(h) => Msg::LedgerEvents(h.ledger_cursor).text(l),
        None => String::new(),
    };
    if let Some(h) = &state.home {
        sync = format!("{sync} · {}", Msg::EventsWaiting(h.events_waiting).text(l));
    }
    if let Some(online) = state.sync_online {
        let word = if online {
            Msg::Connected
        } else {
            Msg::NotConnected
        };
        sync = format!("{sync} · {}", word.text(l));
    }
    let sync = if state.home.as_ref().is_some_and(|h| h.signing_stopped) {
        Line::styled(
            Msg::SigningStopped.text(l),
            Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        Line::raw(sync)
    };
    let lines = vec![
        Line::styled(field(state), field_style()),
        Line::raw(tasks.text(l)),
        sync,
        Line::raw(devices_line(state)),
    ];
    frame.render_widget(Paragraph::new(lines), info);
}

fn devices_line(state: &State) -> String {
    let l = state.language;
    let word = |connected: Option<bool>| match connected {
        None => Msg::DeviceUnknown.text(l),
        Some(true) => Msg::Connected.text(l),
        Some(false) => Msg::NotConnected.text(l),
    };
    let d = &state.devices;
    let mut scale = word(d.scale);
    if let Some((mg, stable)) = d.weight {
        let settled = if stable { Msg::Stable } else { Msg::Settling };
        scale = format!("{} {}", grams(mg), settled.text(l));
    }
    format!(
        "{} {} · {} {} · {} {}",
        Msg::Scanner.text(l),
        word(d.scanner),
        Msg::Rfid.text(l),
        word(d.rfid),
        Msg::Scale.text(l),
        scale
    )
}

fn grams(mg: i64) -> String {
    let sign = if mg < 0 { "-" } else { "" };
    let abs = mg.unsigned_abs();
    format!("{sign}{}.{:03} g", abs / 1_000, abs % 1_000)
}

fn quantity(q: Quantity) -> String {
    match q {
        Quantity::Units(n) => format!("{n} u"),
        Quantity::Milligrams(mg) => grams(i64::try_from(mg).unwrap_or(i64::MAX)),
    }
}

fn render_lookup(
    state: &State,
    found: Option<&Found>,
    scroll: usize,
    frame: &mut Frame,
    area: Rect,
) {
    let l = state.language;
    let mut lines = vec![
        Line::raw(Msg::LookupPrompt.text(l)),
        Line::styled(field(state), field_style()),
    ];
    match found {
        Some(Found::Package(p)) => package_lines(p, scroll, l, &mut lines),
        Some(Found::Location(info)) => location_lines(info, l, &mut lines),
        None => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn label(name: Msg, value: String, l: Language) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{}: ", name.text(l)),
            Style::default().fg(Color::Gray),
        ),
        Span::raw(value),
    ])
}

fn withheld_or<T>(value: Option<T>, show: impl Fn(T) -> String, l: Language) -> String {
    match value {
        Some(value) => show(value),
        None => Msg::WithheldCount.text(l),
    }
}

fn package_lines(p: &PackageInfo, scroll: usize, l: Language, lines: &mut Vec<Line<'static>>) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    lines.push(Line::styled(Msg::FoundPackage(p.uid.clone()).text(l), bold));
    lines.push(label(Msg::Item, format!("{} ({})", p.item_name, p.sku), l));
    if let Some(lot) = &p.lot {
        lines.push(label(Msg::Lot, format!("{lot} · COA {}", p.coa), l));
    }
    lines.push(Line::from(vec![
        Span::styled(
            format!("{}: ", Msg::Status.text(l)),
            Style::default().fg(Color::Gray),
        ),
        Span::styled(p.status.to_uppercase(), bold),
    ]));
    if p.under_count {
        lines.push(label(Msg::Location, Msg::WithheldCount.text(l), l));
    } else {
        let mut place = withheld_or(p.location_id.clone(), |x| x, l);
        if let Some(tote) = &p.tote_id {
            place = format!("{place} · {} {tote}", Msg::Tote.text(l));
        }
        lines.push(label(Msg::Location, place, l));
        lines.push(label(
            Msg::Quantity,
            withheld_or(p.quantity, quantity, l),
            l,
        ));
    }
    if let Some(expires) = &p.expires_on {
        lines.push(label(Msg::Expires, expires.clone(), l));
    }
    if p.conflict {
        lines.push(Line::styled(
            Msg::Conflict.text(l),
            Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
        ));
    }
    if p.history.is_empty() {
        lines.push(Line::raw(Msg::NoHistory.text(l)));
        return;
    }
    lines.push(Line::styled(Msg::History(p.history.len()).text(l), bold));
    let first = scroll.min(p.history.len().saturating_sub(1));
    for entry in &p.history[first..] {
        // "2026-11-18T11:06:…" shown as "11-18 11:06".
        let at = entry.at.get(5..16).unwrap_or(&entry.at).replace('T', " ");
        let origin = if entry.origin == "local" { "#" } else { "L" };
        lines.push(Line::raw(format!(
            "{origin}{} {} {} {at}",
            entry.reference, entry.kind, entry.actor
        )));
    }
}

fn location_lines(info: &LocationInfo, l: Language, lines: &mut Vec<Line<'static>>) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let loc = &info.location;
    lines.push(Line::styled(
        Msg::FoundLocation(loc.id.clone()).text(l),
        bold,
    ));
    lines.push(Line::raw(loc.name.clone()));
    lines.push(label(Msg::Kind, loc.kind.clone(), l));
    lines.push(label(
        Msg::PackagesHere,
        withheld_or(info.packages, |n| n.to_string(), l),
        l,
    ));
}

fn render_not_built(state: &State, entry: Entry, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let lines = vec![
        Line::raw(""),
        Line::styled(
            format!("{} {}", entry.key(), entry.name(l)),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
        Line::raw(Msg::NotBuilt.text(l)),
        Line::raw(Msg::NotBuiltHint.text(l)),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn render_status(state: &State, frame: &mut Frame, area: Rect) {
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
    frame.render_widget(
        Paragraph::new(format!("{mark}{}", status.text))
            .style(style)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// A box over the middle of `area`, as large as the lines need and never larger than `area`.
fn centred(area: Rect, lines: usize) -> Rect {
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

fn render_dialog(frame: &mut Frame, area: Rect, lines: &[String]) {
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

fn help_lines(state: &State) -> Vec<String> {
    let l = state.language;
    let mut keys = vec![Msg::KeyHelp, Msg::KeyEsc];
    match state.screen() {
        Screen::SignIn(_) | Screen::Locked => keys.push(Msg::KeyScan),
        Screen::Home { .. } => {
            keys = vec![
                Msg::KeyNumber,
                Msg::KeyArrows,
                Msg::KeyHelp,
                Msg::KeySignOut,
                Msg::KeyLock,
            ];
        }
        Screen::Lookup { .. } => keys.extend([Msg::KeyScan, Msg::KeyScroll, Msg::KeyLock]),
        Screen::NotBuilt(_) => keys.push(Msg::KeyLock),
    }
    keys.extend([Msg::KeyLanguage, Msg::KeyQuit]);
    keys.into_iter().map(|k| k.text(l)).collect()
}

fn render_help(state: &State, frame: &mut Frame, area: Rect) {
    let lines = help_lines(state);
    let inner = centred(area, lines.len());
    frame.render_widget(Clear, inner);
    frame.render_widget(
        Paragraph::new(lines.join("\n")).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Msg::KeysTitle.text(state.language)),
        ),
        inner,
    );
}

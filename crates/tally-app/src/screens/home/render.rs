//! Drawing home: the menu (dimmed entries say why), the field, the tasks, the sync state and
//! the devices.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::Text;
use crate::menu::MENU;
use crate::render::{field, field_style, grams};
use crate::state::State;
use crate::text::Words;

pub(crate) fn render(state: &State, selected: usize, frame: &mut Frame, area: Rect) {
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
        Some(h) => Text::Tasks {
            manifests: h.inbound_manifests,
            picks: h.pick_lists,
            counts: h.count_tasks,
        },
        None => Text::TasksLoading,
    };
    let mut sync = match (&state.sync, &state.home) {
        // The sync watcher's live reading of tallyd's tables comes first.
        (Some(live), _) => match live.summary.last_success_unix_ms {
            Some(at) => {
                Text::LastSync(live.read_at_unix_ms.saturating_sub(at).max(0) / 60_000).text(l)
            }
            None => Text::NeverSynced.text(l),
        },
        (None, Some(h)) if h.last_sync_unix_ms.is_some() => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            let minutes = (now - h.last_sync_unix_ms.unwrap_or(now)).max(0) / 60_000;
            Text::LastSync(minutes).text(l)
        }
        (None, Some(h)) if h.ledger_cursor == 0 => Text::NeverSynced.text(l),
        (None, Some(h)) => Text::LedgerEvents(h.ledger_cursor).text(l),
        (None, None) => String::new(),
    };
    let waiting = match (&state.sync, &state.home) {
        (Some(live), _) => Some(i64::try_from(live.summary.events_waiting).unwrap_or(i64::MAX)),
        (None, Some(h)) => Some(h.events_waiting),
        (None, None) => None,
    };
    if let Some(waiting) = waiting {
        sync = format!("{sync} · {}", Text::EventsWaiting(waiting).text(l));
    }
    if let Some(online) = state.sync_online {
        let word = if online {
            Text::Connected
        } else {
            Text::NotConnected
        };
        sync = format!("{sync} · {}", word.text(l));
    }
    let sync = if state.home.as_ref().is_some_and(|h| h.signing_stopped) {
        Line::styled(
            Text::SigningStopped.text(l),
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
        None => Text::DeviceUnknown.text(l),
        Some(true) => Text::Connected.text(l),
        Some(false) => Text::NotConnected.text(l),
    };
    let d = &state.devices;
    let mut scale = word(d.scale);
    if let Some((mg, stable)) = d.weight {
        let settled = if stable { Text::Stable } else { Text::Settling };
        scale = format!("{} {}", grams(mg), settled.text(l));
    }
    format!(
        "{} {} · {} {} · {} {}",
        Text::Scanner.text(l),
        word(d.scanner),
        Text::Rfid.text(l),
        word(d.rfid),
        Text::Scale.text(l),
        scale
    )
}

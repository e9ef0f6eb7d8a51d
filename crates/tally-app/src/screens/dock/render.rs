//! Drawing the dock view: the PIN's field; or what was read (devices and variances waiting,
//! when) and the devices as a numbered list, each with its backlog, last sync, events held,
//! forks, revocation and last refused push; or why it could not be read, with this device's
//! own sync state and the view read before, if any.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use tally_ledger_client::projections::DockDeviceView;

use super::text::Text;
use super::{Dock, Stage};
use crate::event::{DockAnswer, DockFailure};
use crate::list::{Look, Row};
use crate::render::{field, field_style};
use crate::screens::sync::text::{Ago, Text as SyncText};
use crate::state::State;
use crate::text::{Language, Words};

/// The words of a failure shown on the screen (the status line says it too).
pub(crate) fn failure_text(failure: &DockFailure) -> Text {
    match failure {
        DockFailure::Refused(refusal) => Text::SignInRefused(
            refusal.message(Language::English),
            refusal.message(Language::Spanish),
        ),
        DockFailure::NotEnrolled => Text::NotEnrolled,
        DockFailure::Unreachable => Text::Unreachable,
        DockFailure::SignInRefused {
            message,
            message_es,
            ..
        } => Text::SignInRefused(message.clone(), message_es.clone()),
        DockFailure::SessionEnded => Text::SessionEnded,
        DockFailure::Fault(why) => Text::Fault(why.clone()),
    }
}

/// One device as a row of several lines.
fn device_row(device: &DockDeviceView, now: i64, l: Language) -> Row {
    let mut parts = vec![
        Text::DeviceLine(device.name.clone(), device.backlog).text(l),
        Text::LastSync(device.last_sync_unix_ms.map(|at| Ago::between(at, now))).text(l),
        Text::Held(device.events, device.forks).text(l),
    ];
    if device.revoked {
        parts.push(Text::Revoked.text(l));
    }
    // A refusal after the last sync is the device's problem now.
    let error = device
        .last_error
        .as_ref()
        .filter(|e| device.last_sync_unix_ms.is_none_or(|at| e.unix_ms >= at));
    if let Some(e) = error {
        parts.push(
            Text::LastError(
                e.message.clone(),
                e.message_es.clone(),
                Ago::between(e.unix_ms, now),
            )
            .text(l),
        );
    }
    let troubled = device.revoked || device.forks > 0 || error.is_some();
    let row = Row::parts(parts);
    if troubled {
        row.styled(Style::default().fg(Color::LightRed))
    } else {
        row
    }
}

/// The view read: its summary, when, and the devices below in the room left.
fn view_lines(
    answer: &DockAnswer,
    screen: &Dock,
    now: i64,
    area: Rect,
    lines: &mut Vec<Line<'static>>,
    l: Language,
) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let view = &answer.view;
    lines.push(Line::styled(
        Text::Summary {
            devices: view.devices.len(),
            variances: view.variances_waiting,
        }
        .text(l),
        bold,
    ));
    lines.push(Line::raw(
        Text::ReadAgo(Ago::between(answer.read_at_unix_ms, now)).text(l),
    ));
    if view.devices.is_empty() {
        lines.push(Line::raw(Text::NoDevices.text(l)));
        return;
    }
    let rows: Vec<Row> = view
        .devices
        .iter()
        .map(|d| device_row(d, answer.read_at_unix_ms, l))
        .collect();
    crate::list::below(lines, &rows, screen.list.marked, Look::Plain, area, l);
}

/// This device's own sync state, as the sync watcher last read it.
fn own_state(state: &State, lines: &mut Vec<Line<'static>>, l: Language) {
    lines.push(Line::raw(Text::OwnState.text(l)));
    let Some(live) = &state.sync else {
        lines.push(Line::raw(SyncText::Reading.text(l)));
        return;
    };
    let s = &live.summary;
    lines.push(Line::raw(SyncText::Waiting(s.events_waiting).text(l)));
    let success = s
        .last_success_unix_ms
        .map(|at| Ago::between(at, live.read_at_unix_ms));
    lines.push(Line::raw(SyncText::LastSuccess(success).text(l)));
}

pub(crate) fn render(screen: &Dock, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let alarm = Style::default()
        .add_modifier(Modifier::BOLD)
        .fg(Color::LightRed);
    let now = screen
        .answer
        .as_ref()
        .map_or(0, |a| a.read_at_unix_ms)
        .max(state.sync.as_ref().map_or(0, |s| s.read_at_unix_ms));
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &screen.stage {
        Stage::AskPin => {
            lines.push(Line::raw(Text::TypePin.text(l)));
            lines.push(Line::styled(field(state), field_style()));
        }
        Stage::Looking => lines.push(Line::raw(Text::Looking.text(l))),
        Stage::Shown => {}
        Stage::Failed(failure) => {
            lines.push(Line::styled(failure_text(failure).text(l), alarm));
            own_state(state, &mut lines, l);
            lines.push(Line::raw(Text::NothingLost.text(l)));
        }
    }
    if let Some(answer) = &screen.answer {
        view_lines(answer, screen, now, area, &mut lines, l);
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

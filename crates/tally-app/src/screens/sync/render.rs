//! Drawing 0 Sync: online or offline (or not enrolled) first, in capitals, then the events
//! waiting, the last success and try, the last error in the person's words (and tallyd's own
//! text where the screen is wide enough), the checkpoint and the ledger's address.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::{Ago, Text};
use super::Sync;
use crate::render::{field, field_style};
use crate::state::State;
use crate::text::Words;

/// The narrowest screen that also shows tallyd's own error text.
const WIDE: u16 = 60;

pub(crate) fn render(screen: &Sync, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let alarm = bold.fg(Color::LightRed);
    let mut lines: Vec<Line<'static>> = vec![Line::styled(field(state), field_style())];
    let Some(live) = &state.sync else {
        lines.push(Line::raw(Text::Reading.text(l)));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        return;
    };
    let s = &live.summary;
    let now = live.read_at_unix_ms;
    if !s.enrolled {
        lines.push(Line::styled(Text::NotEnrolled.text(l), alarm));
        lines.push(Line::raw(Text::NotEnrolledHow.text(l)));
    } else {
        match s.online() {
            None => lines.push(Line::raw(Text::NoAttemptYet.text(l))),
            Some(true) => lines.push(Line::styled(Text::Online.text(l), bold)),
            Some(false) => {
                lines.push(Line::styled(Text::Offline.text(l), alarm));
                lines.push(Line::raw(Text::OfflineHow.text(l)));
            }
        }
    }
    lines.push(Line::styled(Text::Waiting(s.events_waiting).text(l), bold));
    let success = s.last_success_unix_ms.map(|at| Ago::between(at, now));
    lines.push(Line::raw(Text::LastSuccess(success).text(l)));
    if let Some(at) = s.last_attempt_unix_ms {
        lines.push(Line::raw(Text::LastAttempt(Ago::between(at, now)).text(l)));
    }
    if let (Some(kind), Some(error)) = (s.last_error_kind, &s.last_error) {
        lines.push(Line::styled(Text::LastError(kind).text(l), alarm));
        if area.width >= WIDE {
            lines.push(Line::styled(
                format!("  {error}"),
                Style::default().add_modifier(Modifier::DIM),
            ));
        }
    }
    if s.enrolled {
        lines.push(Line::raw(Text::Checkpoint(s.checkpoint_size).text(l)));
    }
    if let Some(url) = &s.ledger_url {
        lines.push(Line::raw(Text::Ledger(url.clone()).text(l)));
    }
    if let Some(count) = screen.asked {
        lines.push(Line::raw(Text::AskedCount(count).text(l)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

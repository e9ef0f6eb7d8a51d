//! Drawing sign-in and the locked screen.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::SignInStep;
use crate::render::{field, field_style};
use crate::state::State;
use crate::text::{Msg, Words};

pub(crate) fn render(state: &State, step: &SignInStep, frame: &mut Frame, area: Rect) {
    let prompt = match step {
        SignInStep::Badge => Text::ScanBadge,
        SignInStep::Pin { badge } => Text::EnterPin(badge.clone()),
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

pub(crate) fn render_locked(state: &State, frame: &mut Frame, area: Rect) {
    let badge = state
        .session
        .as_ref()
        .map(|s| s.badge.clone())
        .unwrap_or_default();
    let lines = vec![
        Line::raw(""),
        Line::raw(Text::LockedPrompt(badge).text(state.language)),
        Line::raw(""),
        Line::styled(field(state), field_style()),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

//! Drawing 8 Destroy: what was gathered so far, what to do next, the field (masked for the
//! witness's PIN), and the question before destroying.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{Destroy, Step};
use crate::render::{field, field_style, grams};
use crate::screens::confirm;
use crate::state::State;
use crate::text::Words;

pub(crate) fn render(screen: &Destroy, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let label = |name: Text, value: String| {
        Line::from(vec![
            Span::styled(
                format!("{}: ", name.text(l)),
                Style::default().fg(Color::Gray),
            ),
            Span::raw(value),
        ])
    };
    let gathered = [
        (Text::Package, screen.package.clone()),
        (Text::Scale, screen.scale.clone()),
        (Text::Weight, screen.milligrams.map(grams)),
        (Text::Reason, screen.reason.clone()),
        (Text::Method, screen.method.clone()),
        (Text::Witness, screen.witness.clone()),
    ];
    for (name, value) in gathered {
        if let Some(value) = value {
            lines.push(label(name, value));
        }
    }
    if screen.step == Step::Weight {
        if let Some((mg, stable)) = state.devices.weight {
            let mark = if stable { "" } else { " …" };
            lines.push(Line::raw(format!("{}{mark}", grams(mg))));
        }
    }
    lines.push(Line::raw(Text::Prompt(screen.step).text(l)));
    lines.push(Line::styled(field(state), field_style()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if screen.step == Step::Confirm {
        let uid = screen.package.clone().unwrap_or_default();
        confirm::render(
            frame,
            area,
            &[
                Text::Confirm(uid).text(l),
                Text::Irreversible.text(l),
                Text::ConfirmKeys.text(l),
            ],
        );
    }
}

//! Drawing the re-anchor screen: the held and the restored checkpoints side by side, the
//! verdict, the reason's field, the question.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use tally_sync::reanchor::Verdict;

use super::text::Text;
use super::{Reanchor, Stage};
use crate::render::{field, field_style};
use crate::screens::confirm;
use crate::state::State;
use crate::text::Words;

/// A root hash, shortened for a person to compare with the backup's.
fn short(root: &tally_events::Sha256Hash) -> String {
    let hex: String = root.0.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{hex}…")
}

pub(crate) fn render(screen: &Reanchor, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let alarm = bold.fg(Color::LightRed);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut question = None;
    match &screen.stage {
        Stage::Looking => lines.push(Line::raw(Text::Looking.text(l))),
        Stage::Failed(why) => {
            lines.push(Line::styled(Text::CannotCompare.text(l), alarm));
            lines.push(Line::raw(why.clone()));
        }
        Stage::Done(event) => {
            lines.push(Line::styled(
                Text::Recorded(event.held_size, event.new_size).text(l),
                bold,
            ));
            lines.push(Line::raw(Text::Next.text(l)));
        }
        Stage::Shown(inspection) => {
            let held = &inspection.held.checkpoint;
            lines.push(Line::raw(Text::Ledger(inspection.held.url.clone()).text(l)));
            lines.push(Line::raw(Text::Held(held.size, short(&held.root)).text(l)));
            lines.push(Line::raw(
                Text::Restored(inspection.served.size, short(&inspection.served.root)).text(l),
            ));
            match &inspection.verdict {
                Verdict::Trusted => lines.push(Line::styled(Text::NothingToDo.text(l), bold)),
                Verdict::Refused(why) => {
                    lines.push(Line::styled(Text::Refused(why.clone()).text(l), alarm));
                    lines.push(Line::raw(Text::TypeReason.text(l)));
                    lines.push(Line::styled(field(state), field_style()));
                }
            }
            if let Some(reason) = screen.question.question() {
                question = Some(vec![
                    Text::Confirm(inspection.served.size).text(l),
                    Text::Because(reason.clone()).text(l),
                    Text::Irreversible.text(l),
                    Text::ConfirmKeys.text(l),
                ]);
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let Some(question) = question {
        confirm::render(frame, area, &question);
    }
}

//! Drawing 9 Supervisor: the numbered list of what waits; a count in review line by line with
//! the row that closes it; the field for a reason code; the question before an irreversible
//! step.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{nothing_waits, rows, Question, Row, Stage, Supervisor};
use crate::render::{field, field_style, quantity, render_dialog};
use crate::state::State;
use crate::text::{Language, Words};

fn row_text(row: &Row) -> Text {
    match row {
        Row::Review(task) => Text::ReviewRow(task.clone()),
        Row::Unlock(badge) => Text::UnlockRow(badge.clone()),
        Row::Conflict(uid) => Text::ConflictRow(uid.clone()),
        Row::Reanchor => Text::ReanchorRow,
    }
}

fn listed(rows: &[String], marked: usize, room: usize, lines: &mut Vec<Line<'static>>) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    for i in crate::list::window(marked, rows.len(), room) {
        let mark = if i == marked { ">" } else { " " };
        let text = format!("{mark}{} {}", i + 1, rows[i]);
        lines.push(if i == marked {
            Line::styled(text, bold)
        } else {
            Line::raw(text)
        });
    }
}

fn question_lines(question: &Question, l: Language) -> Vec<String> {
    let ask = match question {
        Question::Approve { uid, reason } => Text::ConfirmApprove(uid.clone(), reason.clone()),
        Question::Close => Text::ConfirmClose,
        Question::Unlock(badge) => Text::ConfirmUnlock(badge.clone()),
    };
    vec![
        ask.text(l),
        Text::Irreversible.text(l),
        Text::ConfirmKeys.text(l),
    ]
}

pub(crate) fn render(screen: &Supervisor, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let question = match &screen.stage {
        Stage::Work {
            work,
            marked,
            question,
        } => {
            lines.push(Line::raw(Text::Choose.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            match work {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(work) => {
                    let rows: Vec<String> =
                        rows(work).iter().map(|r| row_text(r).text(l)).collect();
                    if nothing_waits(work) {
                        lines.push(Line::raw(Text::NothingWaits.text(l)));
                    }
                    let room = usize::from(area.height).saturating_sub(lines.len());
                    listed(&rows, *marked, room, &mut lines);
                }
            }
            question
        }
        Stage::Review {
            task,
            lines: review,
            marked,
            reason_for,
            question,
        } => {
            lines.push(Line::styled(Text::ReviewOf(task.clone()).text(l), bold));
            match reason_for {
                Some(uid) => lines.push(Line::raw(Text::TypeReason(uid.clone()).text(l))),
                None => lines.push(Line::raw(Text::LineColumns.text(l))),
            }
            lines.push(Line::styled(field(state), field_style()));
            match review {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(review) => {
                    let mut rows: Vec<String> = review
                        .iter()
                        .map(|v| {
                            let expected = v.expected.map_or_else(|| "-".to_owned(), quantity);
                            format!(
                                "{} · {expected} → {} ({:+})",
                                v.uid,
                                quantity(v.counted),
                                v.variance
                            )
                        })
                        .collect();
                    rows.push(Text::CloseRow.text(l));
                    let room = usize::from(area.height).saturating_sub(lines.len());
                    listed(&rows, *marked, room, &mut lines);
                }
            }
            question
        }
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let Some(question) = question {
        render_dialog(frame, area, &question_lines(question, l));
    }
}

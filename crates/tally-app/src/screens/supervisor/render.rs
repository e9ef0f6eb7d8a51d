//! Drawing 9 Supervisor: the numbered list of what waits; a count in review line by line with
//! the row that closes it; the field for a reason code; the question before an irreversible
//! step.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{Field, Question, ReviewRow, Row as WorkRow, Settle, Stage, Supervisor};
use crate::list::{Look, Row};
use crate::render::{field, field_style, quantity};
use crate::screens::confirm;
use crate::state::State;
use crate::text::{Language, Words};

fn row_text(row: &WorkRow) -> Text {
    match row {
        WorkRow::Review(task) => Text::ReviewRow(task.clone()),
        WorkRow::Unlock(badge) => Text::UnlockRow(badge.clone()),
        WorkRow::Conflict(uid) => Text::ConflictRow(uid.clone()),
        WorkRow::Dock => Text::DockRow,
        WorkRow::Reanchor => Text::ReanchorRow,
    }
}

/// Rows of one line each under what is already on screen, in the room left.
fn listed(rows: &[String], marked: usize, area: Rect, lines: &mut Vec<Line<'static>>, l: Language) {
    let rows: Vec<Row> = rows.iter().cloned().map(Row::new).collect();
    crate::list::below(lines, &rows, marked, Look::Plain, area, l);
}

fn question_lines(question: &Question, l: Language) -> Vec<String> {
    let ask = match question {
        Question::Approve { uid, reason } => Text::ConfirmApprove(uid.clone(), reason.clone()),
        Question::Close => Text::ConfirmClose,
        Question::Unlock(badge) => Text::ConfirmUnlock(badge.clone()),
        Question::Settle(found) => Text::ConfirmSettle(
            found.uid.clone(),
            quantity(found.quantity),
            found.location.clone(),
            found.status,
            found.reason.clone(),
        ),
    };
    vec![
        ask.text(l),
        Text::Irreversible.text(l),
        Text::ConfirmKeys.text(l),
    ]
}

/// The settlement form: what is filled, the prompt of the field being filled, the field, and
/// the statuses while one is chosen.
fn form_lines(form: &Settle, state: &State, area: Rect, lines: &mut Vec<Line<'static>>) {
    let l = state.language;
    if let (Some(q), Some(at)) = (form.quantity, &form.location) {
        lines.push(Line::raw(Text::FoundAt(quantity(q), at.clone()).text(l)));
    }
    if let (Some(status), Field::Reason) = (form.chosen, form.field) {
        lines.push(Line::raw(Text::Status(status).text(l)));
    }
    let prompt = match form.field {
        Field::Quantity => Text::TypeQuantity,
        Field::Location => Text::ScanLocation,
        Field::Status => Text::ChooseStatus,
        Field::Reason => Text::TypeSettleReason,
    };
    lines.push(Line::raw(prompt.text(l)));
    lines.push(Line::styled(field(state), field_style()));
    if form.field == Field::Status {
        let names: Vec<String> = form
            .status
            .rows
            .iter()
            .flatten()
            .map(|s| Text::Status(*s).text(l))
            .collect();
        listed(&names, form.status.marked, area, lines, l);
    }
}

pub(crate) fn render(screen: &Supervisor, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let question = match &screen.stage {
        Stage::Work { list, question } => {
            lines.push(Line::raw(Text::Choose.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            match &list.rows {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(work) => {
                    let rows: Vec<String> = work.iter().map(|r| row_text(r).text(l)).collect();
                    // Only the re-anchor row: nothing waits.
                    if work.len() == 1 {
                        lines.push(Line::raw(Text::NothingWaits.text(l)));
                    }
                    listed(&rows, list.marked, area, &mut lines, l);
                }
            }
            question
        }
        Stage::Conflict {
            uid,
            sides,
            form,
            question,
        } => {
            lines.push(Line::styled(Text::ConflictOf(uid.clone()).text(l), bold));
            match sides {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(sides) => {
                    let at = sides.location.clone().unwrap_or_else(|| "-".to_owned());
                    lines.push(Line::raw(
                        Text::RecordedNow(quantity(sides.quantity), at, sides.status).text(l),
                    ));
                    for (seq, kind) in &sides.local {
                        lines.push(Line::raw(Text::ThisDevice(*seq, kind.clone()).text(l)));
                    }
                    for (index, kind) in &sides.remote {
                        lines.push(Line::raw(Text::LedgerSide(*index, kind.clone()).text(l)));
                    }
                    form_lines(form, state, area, &mut lines);
                }
            }
            question
        }
        Stage::Review {
            task,
            lines: review,
            reason_for,
            question,
        } => {
            lines.push(Line::styled(Text::ReviewOf(task.clone()).text(l), bold));
            match reason_for {
                Some(uid) => lines.push(Line::raw(Text::TypeReason(uid.clone()).text(l))),
                None => lines.push(Line::raw(Text::LineColumns.text(l))),
            }
            lines.push(Line::styled(field(state), field_style()));
            match &review.rows {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(rows) => {
                    let rows: Vec<String> = rows
                        .iter()
                        .map(|row| match row {
                            ReviewRow::Line(v) => {
                                let expected = v.expected.map_or_else(|| "-".to_owned(), quantity);
                                format!(
                                    "{} · {expected} → {} ({:+})",
                                    v.uid,
                                    quantity(v.counted),
                                    v.variance
                                )
                            }
                            ReviewRow::Close => Text::CloseRow.text(l),
                        })
                        .collect();
                    listed(&rows, review.marked, area, &mut lines, l);
                }
            }
            question
        }
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let Some(question) = question.question() {
        confirm::render(frame, area, &question_lines(question, l));
    }
}

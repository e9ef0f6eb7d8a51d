//! Drawing 5 Count: the task list; the round being counted (task, round, location, what the
//! counter found and entered, the field); the submitted round with what to recount.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{Count, Stage};
use crate::list::{height, Look, Row};
use crate::render::{field, field_style};
use crate::screens::confirm;
use crate::state::State;
use crate::text::{Language, Words};

pub(crate) fn render(count: &Count, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &count.stage {
        Stage::Tasks { tasks: list } => {
            lines.push(Line::raw(Text::ChooseTask.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            match &list.rows {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(tasks) if tasks.is_empty() => lines.push(Line::raw(Text::NoTasks.text(l))),
                Some(tasks) => {
                    let rows: Vec<Row> = tasks
                        .iter()
                        .map(|task| {
                            // The round the task is in: a recount says so (and by whom).
                            let round = if task.is_recount() {
                                Text::Recount(task.round_to_count(), task.recount_by_another)
                            } else {
                                Text::Round(task.round_to_count())
                            };
                            Row::new(format!(
                                "{} · {} · {}",
                                task.id,
                                task.locations.join(", "),
                                round.text(l)
                            ))
                        })
                        .collect();
                    crate::list::below(&mut lines, &rows, list.marked, Look::Plain, area, l);
                }
            }
        }
        Stage::Counting {
            task,
            round,
            location,
            package,
            weighed,
            found,
            entered,
            ..
        } => {
            lines.push(Line::styled(
                Text::TaskRound(task.clone(), *round).text(l),
                bold,
            ));
            lines.push(Line::raw(Text::Location(location.clone()).text(l)));
            lines.push(Line::raw(Text::Progress(*found, *entered).text(l)));
            let prompt = match (package, weighed) {
                (Some(uid), true) => Text::WeighIt(uid.clone()),
                (Some(uid), false) => Text::TypeUnits(uid.clone()),
                (None, _) => Text::ScanPackage,
            };
            lines.push(Line::raw(prompt.text(l)));
            // What the scale reads (the counter sees it on the scale anyway), never what is
            // expected.
            if let Some(scale) = crate::scale::line(&state.devices, l) {
                lines.push(Line::styled(scale, bold));
            }
            lines.push(Line::styled(field(state), field_style()));
            lines.push(Line::raw(Text::KeySubmit.text(l)));
        }
        Stage::Submitted { task, recount } => {
            lines.push(Line::styled(Text::Submitted(task.clone()).text(l), bold));
            if recount.is_empty() {
                lines.push(Line::raw(Text::ToSupervisor.text(l)));
            } else {
                lines.push(Line::raw(Text::RecountThese.text(l)));
                // The key line stays under the list, however long it is.
                let key = Line::raw(Text::KeyNextTask.text(l));
                let below = height(std::slice::from_ref(&key), area.width);
                let rows = Row::tags(recount.rows.iter().flatten());
                let room = Rect {
                    height: area
                        .height
                        .saturating_sub(u16::try_from(below).unwrap_or(0)),
                    ..area
                };
                crate::list::below(&mut lines, &rows, recount.marked, Look::Bare, room, l);
                lines.push(key);
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
                render_question(count, l, frame, area);
                return;
            }
            lines.push(Line::raw(Text::KeyNextTask.text(l)));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    render_question(count, l, frame, area);
}

/// The question before submitting the round, over the screen.
fn render_question(count: &Count, l: Language, frame: &mut Frame, area: Rect) {
    if let Stage::Counting { confirm_submit, .. } = &count.stage {
        if confirm_submit.asking() {
            confirm::render(
                frame,
                area,
                &[Text::ConfirmSubmit.text(l), Text::ConfirmKeys.text(l)],
            );
        }
    }
}

//! Drawing 5 Count: the task list; the round being counted (task, round, location, what the
//! counter found and entered, the field); the submitted round with what to recount.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{Count, Stage};
use crate::render::{field, field_style, render_dialog};
use crate::screens::Flow as _;
use crate::state::State;
use crate::text::Words;

pub(crate) fn render(count: &Count, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &count.stage {
        Stage::Tasks { tasks, marked } => {
            lines.push(Line::raw(Text::ChooseTask.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            match tasks {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(tasks) if tasks.is_empty() => lines.push(Line::raw(Text::NoTasks.text(l))),
                Some(tasks) => {
                    let room = usize::from(area.height).saturating_sub(lines.len());
                    for i in crate::list::window(*marked, tasks.len(), room) {
                        let task = &tasks[i];
                        let mark = if i == *marked { ">" } else { " " };
                        let text = format!(
                            "{mark}{} {} · {} · {}",
                            i + 1,
                            task.id,
                            task.locations.join(", "),
                            Text::Round(task.round.max(1)).text(l)
                        );
                        if i == *marked {
                            lines.push(Line::styled(text, bold));
                        } else {
                            lines.push(Line::raw(text));
                        }
                    }
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
                lines.extend(recount.iter().map(|uid| Line::raw(format!(" {uid}"))));
            }
            lines.push(Line::raw(Text::KeyNextTask.text(l)));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if count.asking() {
        render_dialog(
            frame,
            area,
            &[Text::ConfirmSubmit.text(l), Text::ConfirmKeys.text(l)],
        );
    }
}

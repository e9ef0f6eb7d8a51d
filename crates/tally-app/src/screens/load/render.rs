//! Drawing 4 Load: the manifests; one manifest's missing, extra and mismatched packages; the
//! question before closing it.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{Load, Stage};
use crate::list::{Look, Row};
use crate::render::{field, field_style, quantity};
use crate::screens::confirm;
use crate::state::State;
use crate::text::Words;

pub(crate) fn render(screen: &Load, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &screen.stage {
        Stage::Manifests { list } => {
            lines.push(Line::raw(Text::Choose.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            match &list.rows {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(rows) if rows.is_empty() => lines.push(Line::raw(Text::Nothing.text(l))),
                Some(rows) => {
                    let rows: Vec<Row> = rows
                        .iter()
                        .map(|m| {
                            Row::new(
                                Text::Row(
                                    m.id.clone(),
                                    m.route.clone(),
                                    m.destination.clone(),
                                    m.lines,
                                )
                                .text(l),
                            )
                        })
                        .collect();
                    crate::list::below(&mut lines, &rows, list.marked, Look::Plain, area, l);
                }
            }
        }
        Stage::Manifest {
            id, reconciliation, ..
        } => {
            lines.push(Line::styled(Text::Heading(id.clone()).text(l), bold));
            lines.push(Line::styled(field(state), field_style()));
            match reconciliation {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(r) if r.exact() => lines.push(Line::raw(Text::Exact.text(l))),
                Some(r) => {
                    lines.push(Line::raw(Text::NotExact.text(l)));
                    if !r.missing.is_empty() {
                        lines.push(Line::styled(Text::Missing(r.missing.len()).text(l), bold));
                        lines.extend(r.missing.iter().map(|u| Line::raw(format!(" {u}"))));
                    }
                    if !r.extra.is_empty() {
                        lines.push(Line::styled(Text::Extra(r.extra.len()).text(l), bold));
                        lines.extend(r.extra.iter().map(|u| Line::raw(format!(" {u}"))));
                    }
                    if !r.mismatches.is_empty() {
                        lines.push(Line::styled(
                            Text::Mismatched(r.mismatches.len()).text(l),
                            bold,
                        ));
                        lines.extend(r.mismatches.iter().map(|m| {
                            Line::raw(format!(
                                " {} {} → {}",
                                m.uid,
                                quantity(m.expected),
                                quantity(m.staged)
                            ))
                        }));
                    }
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let Stage::Manifest {
        id, confirm_close, ..
    } = &screen.stage
    {
        if confirm_close.asking() {
            confirm::render(
                frame,
                area,
                &[
                    Text::ConfirmClose(id.clone()).text(l),
                    Text::ConfirmKeys.text(l),
                ],
            );
        }
    }
}

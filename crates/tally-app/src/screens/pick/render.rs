//! Drawing 3 Pick: the open lists; a list's lines in walking order, each with the package to
//! take and where; the line being picked with what was scanned and what to do next.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::text::Text;
use super::{Pick, Stage};
use crate::list::{Look, Row};
use crate::render::{field, field_style, quantity};
use crate::state::State;
use crate::text::Words;

pub(crate) fn render(screen: &Pick, state: &State, frame: &mut Frame, area: Rect) {
    let l = state.language;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &screen.stage {
        Stage::Lists { lists: rows } => {
            lines.push(Line::raw(Text::ChooseList.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            match &rows.rows {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(lists) if lists.is_empty() => lines.push(Line::raw(Text::NoLists.text(l))),
                Some(lists) => {
                    let shown: Vec<Row> = lists
                        .iter()
                        .map(|r| {
                            Row::new(
                                Text::ListRow(
                                    r.id.clone(),
                                    r.order_id.clone(),
                                    r.route.clone(),
                                    r.open_lines,
                                )
                                .text(l),
                            )
                        })
                        .collect();
                    crate::list::below(&mut lines, &shown, rows.marked, Look::Plain, area, l);
                }
            }
        }
        Stage::Lines {
            list,
            lines: rows,
            staging,
        } => {
            lines.push(Line::styled(Text::LinesOf(list.clone()).text(l), bold));
            match staging {
                Some(tote) => lines.push(Line::raw(Text::StagingTote(tote.clone()).text(l))),
                None => lines.push(Line::raw(Text::ChooseLine.text(l))),
            }
            lines.push(Line::styled(field(state), field_style()));
            match &rows.rows {
                None => lines.push(Line::raw(Text::Reading.text(l))),
                Some(steps) if steps.is_empty() => lines.push(Line::raw(Text::ListDone.text(l))),
                Some(steps) => {
                    let shown: Vec<Row> = steps
                        .iter()
                        .map(|s| {
                            let take = match &s.take {
                                Some(c) => Text::Take(
                                    c.uid.clone(),
                                    c.location_id.clone(),
                                    c.lot.clone(),
                                    c.expires_on.clone().unwrap_or_else(|| "-".into()),
                                ),
                                None => Text::NoStock,
                            };
                            Row::parts(vec![
                                Text::LineRow(s.line_no, s.sku.clone(), quantity(s.remaining))
                                    .text(l),
                                take.text(l),
                            ])
                        })
                        .collect();
                    crate::list::below(&mut lines, &shown, rows.marked, Look::Plain, area, l);
                }
            }
        }
        Stage::Picking {
            line,
            sku,
            shorting,
        } => {
            lines.push(Line::styled(
                Text::LineHeading(line.line_no, sku.clone()).text(l),
                bold,
            ));
            lines.push(Line::raw(Text::Remaining(quantity(line.remaining)).text(l)));
            if let Some(uid) = &line.package {
                lines.push(Line::raw(Text::Package(uid.clone()).text(l)));
            }
            if let Some(tote) = &line.tote {
                lines.push(Line::raw(Text::Tote(tote.clone()).text(l)));
            }
            let next = if *shorting {
                Text::TypeShortReason
            } else if line.package.is_none() {
                Text::ScanPackage(None)
            } else if line.tote.is_none() {
                Text::ScanTote
            } else {
                Text::TypeQuantity
            };
            lines.push(Line::raw(next.text(l)));
            lines.push(Line::styled(field(state), field_style()));
            lines.push(Line::raw(Text::KeyShort.text(l)));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

//! Drawing 1 Receive: the manifests waiting; a manifest's progress, what to do next, the field
//! and its cases (each with what was recorded for it); the questions (quantity, reason,
//! confirmation) over it; the close with the discrepancy list.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use tally_events::Quantity;
use tally_floor::receiving::{Case, Closed, ManifestRow, Sheet};

use super::text::Text;
use super::{next_hint, Ask, Receive, Stage};
use crate::list::{Look, Row};
use crate::render::{field, field_style, grams, quantity};
use crate::state::State;
use crate::text::{Language, Words};

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub(super) fn render(flow: &Receive, app: &State, frame: &mut Frame, area: Rect) {
    let l = app.language;
    match &flow.stage {
        Stage::List { list } => render_list(app, list.rows.as_deref(), list.marked, frame, area),
        Stage::Manifest {
            sheet,
            marked,
            manifest,
            ..
        } => render_manifest(app, manifest, sheet.as_ref(), *marked, frame, area),
        Stage::Closed { closed, scroll, .. } => render_closed(l, closed, *scroll, frame, area),
    }
    match &flow.ask {
        None => {}
        Some(Ask::ConfirmPallet { uids, reason }) => {
            let mut lines: Vec<String> = vec![Text::ConfirmPallet {
                cases: uids.len(),
                reason: reason.clone(),
            }
            .text(l)];
            let keys = Text::KeyConfirm.text(l);
            // The cases in the room the box has (the arrows scroll them).
            let rows = Row::tags(uids.rows.iter().flatten());
            let inner_width = area.width.min(44).saturating_sub(2);
            let asked = crate::list::height(&[Line::raw(lines[0].clone())], inner_width);
            let room = usize::from(area.height.saturating_sub(2)).saturating_sub(asked + 1);
            let shown = crate::list::lines(&rows, uids.marked, Look::Bare, room, inner_width, l);
            lines.extend(shown.iter().map(|line| line.to_string()));
            lines.push(keys);
            render_wrapped(frame, area, &lines);
        }
        Some(Ask::ConfirmReject { uid, reason }) => {
            let text = Text::ConfirmReject {
                uid: uid.clone(),
                reason: reason.clone(),
            };
            let lines: Vec<String> = text.text(l).lines().map(str::to_owned).collect();
            render_reasons(frame, area, &lines);
        }
        Some(Ask::Quantity {
            uid,
            manifest_quantity,
        }) => {
            let text = Text::AskQuantity {
                uid: uid.clone(),
                manifest: quantity(*manifest_quantity),
                weighed: matches!(manifest_quantity, Quantity::Milligrams(_)),
            };
            let mut lines: Vec<String> = text.text(l).lines().map(str::to_owned).collect();
            lines.push(field(app));
            render_reasons(frame, area, &lines);
        }
        Some(Ask::Reason { marked, .. }) => {
            let mut lines = vec![Text::AskReason.text(l)];
            // The dialog holds two rows per line; keep the marked reason in view.
            let room = usize::from(area.height.saturating_sub(2) / 2).saturating_sub(2);
            lines.extend(reason_rows(&flow.reasons, *marked, room.max(1), area, l));
            lines.push(field(app));
            render_reasons(frame, area, &lines);
        }
    }
}

/// The reason codes as numbered rows that fit in `room` lines of the question's box.
pub(crate) fn reason_rows(
    reasons: &[(String, String)],
    marked: usize,
    room: usize,
    area: Rect,
    l: Language,
) -> Vec<String> {
    let rows: Vec<Row> = reasons
        .iter()
        .map(|(code, _)| Row::new(code.clone()))
        .collect();
    let look = Look::Cursor { numbered: true };
    let width = area.width.min(44).saturating_sub(2);
    crate::list::lines(&rows, marked, look, room, width, l)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A question in a box over the screen: left-aligned rows, one per line.
fn render_reasons(frame: &mut Frame, area: Rect, lines: &[String]) {
    let inner = crate::render::centred(area, lines.len());
    frame.render_widget(ratatui::widgets::Clear, inner);
    frame.render_widget(
        Paragraph::new(lines.join("\n"))
            .style(bold())
            .block(ratatui::widgets::Block::default().borders(ratatui::widgets::Borders::ALL)),
        inner,
    );
}

/// A question in a box over the screen whose lines wrap at the box's width.
fn render_wrapped(frame: &mut Frame, area: Rect, lines: &[String]) {
    let lines: Vec<Line<'static>> = lines.iter().cloned().map(Line::raw).collect();
    let inner_width = area.width.min(44).saturating_sub(2);
    let inner = crate::render::centred(area, crate::list::height(&lines, inner_width));
    frame.render_widget(ratatui::widgets::Clear, inner);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .style(bold())
            .block(ratatui::widgets::Block::default().borders(ratatui::widgets::Borders::ALL)),
        inner,
    );
}

fn render_list(
    app: &State,
    rows: Option<&[ManifestRow]>,
    marked: usize,
    frame: &mut Frame,
    area: Rect,
) {
    let l = app.language;
    let [top, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::raw(Text::ChooseManifest.text(l)),
            Line::styled(field(app), field_style()),
        ]),
        top,
    );
    let Some(rows) = rows else {
        frame.render_widget(Paragraph::new(Text::Reading.text(l)), list);
        return;
    };
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(Text::NoManifests.text(l)), list);
        return;
    }
    let rows: Vec<Row> = rows
        .iter()
        .map(|row| {
            Row::new(format!(
                "{} {}/{} {}",
                row.id, row.arrived, row.lines, row.origin_license
            ))
            .styled(bold())
        })
        .collect();
    let look = Look::Cursor { numbered: true };
    let shown = crate::list::lines(&rows, marked, look, usize::from(list.height), list.width, l);
    frame.render_widget(Paragraph::new(shown), list);
}

/// What was recorded for a case, in a few marks: arrived, weight, label, quarantine, decision.
fn marks(case: &Case) -> String {
    let check = |ok: Option<bool>, name: char| match ok {
        None => String::new(),
        Some(true) => format!(" {name}✔"),
        Some(false) => format!(" {name}✖"),
    };
    let mut out = String::new();
    if !case.expected {
        out.push_str(" NOT ON MANIFEST");
    }
    if !case.arrived {
        out.push_str(" —");
    }
    out.push_str(&check(case.weight_ok, 'W'));
    out.push_str(&check(case.label_ok, 'L'));
    if case.quarantined {
        out.push_str(" QUAR");
    }
    match case.decision.as_deref() {
        Some("accepted") => out.push_str(" ACC"),
        Some("rejected") => out.push_str(" REJ"),
        _ => {}
    }
    out
}

fn render_manifest(
    app: &State,
    manifest: &str,
    sheet: Option<&Sheet>,
    marked: usize,
    frame: &mut Frame,
    area: Rect,
) {
    let l = app.language;
    let Some(sheet) = sheet else {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(Text::Opening(manifest.to_owned()).text(l)),
                Line::styled(field(app), field_style()),
            ]),
            area,
        );
        return;
    };
    let progress = Text::Progress {
        arrived: sheet.arrived,
        lines: sheet.lines,
        unexpected: sheet.unexpected,
        decided: sheet.decided,
    };
    let mut head = vec![
        Line::styled(progress.text(l), bold().fg(Color::LightCyan)),
        Line::raw(next_hint(sheet).text(l)),
    ];
    if let Some(scale_line) = crate::scale::line(&app.devices, l) {
        head.push(Line::styled(scale_line, bold()));
    }
    head.push(Line::styled(
        Text::ActionsHint.text(l),
        Style::default().fg(Color::Gray),
    ));
    // Each line's rows as wrapped at this width: the field below is never pushed out.
    let width = usize::from(area.width.max(1));
    let head_rows: usize = head
        .iter()
        .map(|line| line.width().max(1).div_ceil(width))
        .sum();
    let [top, input, list] = Layout::vertical([
        Constraint::Length(u16::try_from(head_rows).unwrap_or(u16::MAX)),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), top);
    frame.render_widget(
        Paragraph::new(Line::styled(field(app), field_style())),
        input,
    );
    let rows: Vec<Row> = sheet
        .cases
        .iter()
        .map(|case| {
            let mut style = Style::default();
            if !case.arrived {
                style = style.fg(Color::DarkGray);
            } else if !case.expected {
                style = style.fg(Color::LightRed).add_modifier(Modifier::BOLD);
            } else {
                style = style.add_modifier(Modifier::BOLD);
            }
            Row::new(format!("{}{}", case.uid, marks(case))).styled(style)
        })
        .collect();
    let look = Look::Cursor { numbered: false };
    let shown = crate::list::lines(&rows, marked, look, usize::from(list.height), list.width, l);
    frame.render_widget(Paragraph::new(shown), list);
}

fn amount(q: Option<Quantity>, l: Language) -> String {
    q.map(quantity).unwrap_or_else(|| Text::NotReceived.text(l))
}

fn render_closed(l: Language, closed: &Closed, scroll: usize, frame: &mut Frame, area: Rect) {
    let s = &closed.summary;
    let mut lines = vec![
        Line::styled(Text::ClosedDone.text(l), bold().fg(Color::LightGreen)),
        Line::raw(
            Text::ClosedSummary {
                missing: s.missing.len(),
                unexpected: s.unexpected.len(),
                accepted: s.accepted,
                rejected: s.rejected,
            }
            .text(l),
        ),
    ];
    if closed.discrepancies.is_empty() {
        lines.push(Line::raw(Text::NoDiscrepancy.text(l)));
    } else {
        lines.push(Line::styled(Text::Discrepancies.text(l), bold()));
    }
    for d in closed.discrepancies.iter().skip(scroll) {
        lines.push(Line::styled(format!("{} {}", d.uid, d.reason), bold()));
        let weight = d.manifest_weight_mg.map(grams);
        let manifest = match (d.manifest_quantity, weight) {
            (Some(q), Some(w)) => format!("{} / {w}", quantity(q)),
            (Some(q), None) => quantity(q),
            (None, _) => "—".to_owned(),
        };
        let measured = d
            .measured_mg
            .map(|mg| format!(" / {}", grams(mg)))
            .unwrap_or_default();
        lines.push(Line::raw(format!(
            "  {} {manifest} · {} {}{measured}",
            Text::ManifestQty.text(l),
            Text::Received.text(l),
            amount(d.received_quantity, l)
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

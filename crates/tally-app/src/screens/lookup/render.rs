//! Drawing 6 Lookup: the field, then the package (item, lot, status, where, quantity, history
//! on this device) or the location found. What a count withholds is shown as withheld.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use tally_replica::workflow::lookup::{Found, LocationInfo, PackageInfo};

use super::text::Text;
use crate::render::{field, field_style, quantity};
use crate::state::State;
use crate::text::{Language, Words};

pub(crate) fn render(
    state: &State,
    found: Option<&Found>,
    scroll: usize,
    frame: &mut Frame,
    area: Rect,
) {
    let l = state.language;
    let mut lines = vec![
        Line::raw(Text::LookupPrompt.text(l)),
        Line::styled(field(state), field_style()),
    ];
    match found {
        Some(Found::Package(p)) => package_lines(p, scroll, l, &mut lines),
        Some(Found::Location(info)) => location_lines(info, l, &mut lines),
        None => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn label(name: Text, value: String, l: Language) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{}: ", name.text(l)),
            Style::default().fg(Color::Gray),
        ),
        Span::raw(value),
    ])
}

fn withheld_or<T>(value: Option<T>, show: impl Fn(T) -> String, l: Language) -> String {
    match value {
        Some(value) => show(value),
        None => Text::WithheldCount.text(l),
    }
}

fn package_lines(p: &PackageInfo, scroll: usize, l: Language, lines: &mut Vec<Line<'static>>) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    lines.push(Line::styled(
        Text::FoundPackage(p.uid.clone()).text(l),
        bold,
    ));
    lines.push(label(Text::Item, format!("{} ({})", p.item_name, p.sku), l));
    if let Some(lot) = &p.lot {
        lines.push(label(Text::Lot, format!("{lot} · COA {}", p.coa), l));
    }
    lines.push(Line::from(vec![
        Span::styled(
            format!("{}: ", Text::Status.text(l)),
            Style::default().fg(Color::Gray),
        ),
        Span::styled(p.status.to_uppercase(), bold),
    ]));
    if p.under_count {
        lines.push(label(Text::Location, Text::WithheldCount.text(l), l));
    } else {
        let mut place = withheld_or(p.location_id.clone(), |x| x, l);
        if let Some(tote) = &p.tote_id {
            place = format!("{place} · {} {tote}", Text::Tote.text(l));
        }
        lines.push(label(Text::Location, place, l));
        lines.push(label(
            Text::Quantity,
            withheld_or(p.quantity, quantity, l),
            l,
        ));
    }
    if let Some(expires) = &p.expires_on {
        lines.push(label(Text::Expires, expires.clone(), l));
    }
    if p.conflict {
        lines.push(Line::styled(
            Text::Conflict.text(l),
            Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
        ));
    }
    if p.history.is_empty() {
        lines.push(Line::raw(Text::NoHistory.text(l)));
        return;
    }
    lines.push(Line::styled(Text::History(p.history.len()).text(l), bold));
    let first = scroll.min(p.history.len().saturating_sub(1));
    for entry in &p.history[first..] {
        // "2026-11-18T11:06:…" shown as "11-18 11:06".
        let at = entry.at.get(5..16).unwrap_or(&entry.at).replace('T', " ");
        let origin = if entry.origin == "local" { "#" } else { "L" };
        lines.push(Line::raw(format!(
            "{origin}{} {} {} {at}",
            entry.reference, entry.kind, entry.actor
        )));
    }
}

fn location_lines(info: &LocationInfo, l: Language, lines: &mut Vec<Line<'static>>) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let loc = &info.location;
    lines.push(Line::styled(
        Text::FoundLocation(loc.id.clone()).text(l),
        bold,
    ));
    lines.push(Line::raw(loc.name.clone()));
    lines.push(label(Text::Kind, loc.kind.clone(), l));
    lines.push(label(
        Text::PackagesHere,
        withheld_or(info.packages, |n| n.to_string(), l),
        l,
    ));
}

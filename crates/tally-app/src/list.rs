//! Lists (manifests, pick lists, count tasks, lines, reasons, home's menu): the one numbered
//! list every screen uses. Choosing a row by its number and Enter, or moving the mark with the
//! arrows and Enter, or scanning the document's barcode ([`Rows`]); which rows fit on the
//! screen, with rows that wrap counted by the lines they take, and where the window is when
//! not all fit ("rows 41-55 of 300", [`lines`]). Pure; each screen keeps its [`Rows`] in its
//! state.
//!
//! Rows are numbered from 1 on screen; a typed number picks that row, an empty line picks
//! the marked one. Home's menu numbers its tenth entry 0 and resolves its digits itself
//! ([`crate::menu::Entry::from_typed`]); it uses [`step`] and [`window`] like every list.

use std::ops::Range;

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::text::{Language, Msg, Words};

/// What a line typed in a list names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// The row at this index (0-based).
    Row(usize),
    /// Not a row of this list (said back to the person).
    NotARow(String),
    /// The list is empty.
    Empty,
}

/// The row `typed` names: its number (1-based), or the marked row when nothing is typed.
pub fn pick(typed: &str, rows: usize, marked: usize) -> Pick {
    if rows == 0 {
        return Pick::Empty;
    }
    let typed = typed.trim();
    if typed.is_empty() {
        return Pick::Row(marked.min(rows - 1));
    }
    match typed.parse::<usize>() {
        Ok(n) if (1..=rows).contains(&n) => Pick::Row(n - 1),
        _ => Pick::NotARow(typed.to_owned()),
    }
}

/// The mark after an arrow key: up or down one row, wrapping around the ends.
pub fn step(marked: usize, rows: usize, up: bool) -> usize {
    if rows == 0 {
        return 0;
    }
    let marked = marked.min(rows - 1);
    if up {
        (marked + rows - 1) % rows
    } else {
        (marked + 1) % rows
    }
}

/// The rows shown in `height` lines: from the top, scrolled just enough that the marked row
/// is visible.
pub fn window(marked: usize, rows: usize, height: usize) -> Range<usize> {
    if height == 0 || rows == 0 {
        return 0..0;
    }
    let marked = marked.min(rows - 1);
    let first = (marked + 1).saturating_sub(height);
    first..(first + height).min(rows)
}

/// A list on a screen: its rows (`None` until read) and the marked row. A screen keeps one
/// per list it shows and hands it every arrow, every Enter and every scan meant for the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows<T> {
    /// The rows, once read.
    pub rows: Option<Vec<T>>,
    /// The marked row (0-based).
    pub marked: usize,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows::reading()
    }
}

/// What Enter (with the line typed) or a scan opens in a list of documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened<T> {
    /// This row: by its number, by the mark, or by its document's barcode.
    Row(T),
    /// Neither a row's number nor a document of the list (said back to the person).
    Unknown(String),
    /// The list is read and empty.
    Empty,
    /// The list is not read yet.
    Reading,
}

impl<T> Opened<T> {
    /// The row opened, made into something else (its id, a copy).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Opened<U> {
        match self {
            Opened::Row(row) => Opened::Row(f(row)),
            Opened::Unknown(text) => Opened::Unknown(text),
            Opened::Empty => Opened::Empty,
            Opened::Reading => Opened::Reading,
        }
    }
}

impl<T> Rows<T> {
    /// A list being read.
    pub fn reading() -> Rows<T> {
        Rows {
            rows: None,
            marked: 0,
        }
    }

    /// A list read, marked on its first row.
    pub fn read(rows: Vec<T>) -> Rows<T> {
        Rows {
            rows: Some(rows),
            marked: 0,
        }
    }

    /// The answer to the read came: the rows, the mark on the first.
    pub fn set(&mut self, rows: Vec<T>) {
        *self = Rows::read(rows);
    }

    /// The rows read again: the mark stays where it was (on the last row if it has gone).
    pub fn refresh(&mut self, rows: Vec<T>) {
        let marked = self.marked.min(rows.len().saturating_sub(1));
        *self = Rows {
            rows: Some(rows),
            marked,
        };
    }

    /// How many rows (0 until read).
    pub fn len(&self) -> usize {
        self.rows.as_ref().map_or(0, Vec::len)
    }

    /// Whether the list has no rows (or is not read yet).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row at `index`.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.rows.as_ref().and_then(|rows| rows.get(index))
    }

    /// The marked row.
    pub fn marked_row(&self) -> Option<&T> {
        self.get(self.marked)
    }

    /// An arrow key: the mark moves one row, wrapping around the ends.
    pub fn arrow(&mut self, up: bool) {
        self.marked = step(self.marked, self.len(), up);
    }

    /// The row a line typed and Enter names (see [`pick`]).
    pub fn pick(&self, typed: &str) -> Pick {
        pick(typed, self.len(), self.marked)
    }

    /// The row whose document `scan` is (its id, case aside).
    pub fn named(&self, scan: &str, id: impl Fn(&T) -> &str) -> Option<&T> {
        let scan = scan.trim();
        self.rows
            .as_ref()?
            .iter()
            .find(|row| id(row).eq_ignore_ascii_case(scan))
    }

    /// Enter in a list of documents: a row's number (or nothing: the marked row) opens it, and
    /// so does a document's id typed or wedged (its barcode).
    pub fn open(&self, typed: &str, id: impl Fn(&T) -> &str) -> Opened<&T> {
        if self.rows.is_none() {
            return Opened::Reading;
        }
        match self.pick(typed) {
            Pick::Row(index) => self.get(index).map_or(Opened::Empty, Opened::Row),
            Pick::NotARow(text) => self.scanned(&text, id),
            Pick::Empty => Opened::Empty,
        }
    }

    /// A scan in a list of documents: the document scanned opens.
    pub fn scanned(&self, scan: &str, id: impl Fn(&T) -> &str) -> Opened<&T> {
        match (&self.rows, self.named(scan, id)) {
            (None, _) => Opened::Reading,
            (Some(_), Some(row)) => Opened::Row(row),
            (Some(_), None) => Opened::Unknown(scan.trim().to_owned()),
        }
    }
}

/// The keys of a list, for its help: a row's number and Enter, the arrows and Enter, then
/// `own` (what a scan does there).
pub fn keys(language: Language, own: String) -> Vec<String> {
    vec![
        Msg::KeyNumber.text(language),
        Msg::KeyArrows.text(language),
        own,
    ]
}

/// `keys` followed by the keys every flow has: help, Esc, lock.
pub fn with_flow_keys(language: Language, mut keys: Vec<String>) -> Vec<String> {
    keys.extend([
        Msg::KeyHelp.text(language),
        Msg::KeyEsc.text(language),
        Msg::KeyLock.text(language),
    ]);
    keys
}

/// How a list draws its rows and its mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// `>` before the marked row's number, the marked row bold; rows wrap.
    Plain,
    /// `▶` before the marked row, the marked row reversed; rows do not wrap (one line each).
    Cursor {
        /// Rows carry their number.
        numbered: bool,
    },
    /// Rows as they are, no mark and no number (a list read, not chosen from: the "marked"
    /// row is where the arrows have scrolled to); rows wrap.
    Bare,
}

/// One row: its text (a row of several parts takes a line each) and its style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row's lines; the mark and the number go before the first.
    pub parts: Vec<String>,
    /// How it is drawn (the mark adds bold or reverse).
    pub style: Style,
}

impl Row {
    /// A row of one line.
    pub fn new(text: String) -> Row {
        Row {
            parts: vec![text],
            style: Style::default(),
        }
    }

    /// A row of several lines.
    pub fn parts(parts: Vec<String>) -> Row {
        Row {
            parts,
            style: Style::default(),
        }
    }

    /// Tags listed one a row, each after a space (a list read, not chosen from).
    pub fn tags<'a>(tags: impl IntoIterator<Item = &'a String>) -> Vec<Row> {
        tags.into_iter()
            .map(|tag| Row::new(format!(" {tag}")))
            .collect()
    }

    /// The row drawn in `style`.
    pub fn styled(mut self, style: Style) -> Row {
        self.style = style;
        self
    }
}

/// How many screen lines `lines` take at `width` columns, wrapped as the screens wrap them.
pub fn height(lines: &[Line<'static>], width: u16) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(width)
}

/// The lines of `rows` that fit in `room` screen lines `width` columns wide: scrolled just
/// enough that the marked row shows whole, the mark drawn as `look` says, and a last line
/// saying which rows are shown when not all fit.
pub fn lines(
    rows: &[Row],
    marked: usize,
    look: Look,
    room: usize,
    width: u16,
    language: Language,
) -> Vec<Line<'static>> {
    if rows.is_empty() || room == 0 {
        return Vec::new();
    }
    let marked = marked.min(rows.len() - 1);
    let drawn: Vec<Vec<Line<'static>>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| draw(row, i, i == marked, look))
        .collect();
    let heights: Vec<usize> = drawn
        .iter()
        .map(|lines| match look {
            Look::Plain | Look::Bare => height(lines, width).max(1),
            Look::Cursor { .. } => lines.len(),
        })
        .collect();
    let mut shown = fit(&heights, marked, room);
    if shown.len() < rows.len() && room > 1 {
        // Not all fit: one line says where the window is.
        shown = fit(&heights, marked, room - 1);
    }
    let mut out: Vec<Line<'static>> = drawn[shown.clone()].iter().flatten().cloned().collect();
    if shown.len() < rows.len() {
        let where_ = Msg::RowsShown(shown.start + 1, shown.end, rows.len()).text(language);
        out.push(Line::styled(
            where_,
            Style::default().add_modifier(Modifier::ITALIC),
        ));
    }
    out
}

/// Adds to `lines` (what a screen has drawn so far in `area`, wrapped) the rows that fit in
/// the room left below them, as [`lines`] draws them.
pub fn below(
    lines: &mut Vec<Line<'static>>,
    rows: &[Row],
    marked: usize,
    look: Look,
    area: ratatui::layout::Rect,
    language: Language,
) {
    let room = usize::from(area.height).saturating_sub(height(lines, area.width));
    let shown = self::lines(rows, marked, look, room, area.width, language);
    lines.extend(shown);
}

/// The rows whose heights fit in `room`, scrolled just enough that the marked row shows (as
/// [`window`] does for rows of one line): from the top while the mark fits, else ending at
/// the mark; then as many rows after it as fit.
fn fit(heights: &[usize], marked: usize, room: usize) -> Range<usize> {
    let mut first = 0;
    let mut used: usize = heights[..=marked].iter().sum();
    while used > room && first < marked {
        used -= heights[first];
        first += 1;
    }
    let mut end = marked + 1;
    while end < heights.len() && used + heights[end] <= room {
        used += heights[end];
        end += 1;
    }
    first..end
}

fn draw(row: &Row, index: usize, marked: bool, look: Look) -> Vec<Line<'static>> {
    if look == Look::Bare {
        return row
            .parts
            .iter()
            .map(|part| Line::styled(part.clone(), row.style))
            .collect();
    }
    let (mark, style) = match look {
        Look::Plain => (
            if marked { ">" } else { " " },
            if marked {
                row.style.add_modifier(Modifier::BOLD)
            } else {
                row.style
            },
        ),
        Look::Cursor { .. } | Look::Bare => (
            if marked { "▶" } else { " " },
            if marked {
                row.style.add_modifier(Modifier::REVERSED)
            } else {
                row.style
            },
        ),
    };
    let numbered = !matches!(look, Look::Cursor { numbered: false });
    row.parts
        .iter()
        .enumerate()
        .map(|(k, part)| {
            let text = match (k, numbered) {
                (0, true) => format!("{mark}{} {part}", index + 1),
                (0, false) => format!("{mark}{part}"),
                _ => part.clone(),
            };
            Line::styled(text, style)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_number_picks_its_row_and_enter_alone_picks_the_marked_one() {
        assert_eq!(pick("3", 5, 0), Pick::Row(2));
        assert_eq!(pick(" 1 ", 5, 4), Pick::Row(0));
        assert_eq!(pick("", 5, 4), Pick::Row(4));
        assert_eq!(pick("0", 5, 0), Pick::NotARow("0".into()));
        assert_eq!(pick("6", 5, 0), Pick::NotARow("6".into()));
        assert_eq!(pick("x", 5, 0), Pick::NotARow("x".into()));
        assert_eq!(pick("1", 0, 0), Pick::Empty);
    }

    #[test]
    fn arrows_wrap_around() {
        assert_eq!(step(0, 3, true), 2);
        assert_eq!(step(2, 3, false), 0);
        assert_eq!(step(1, 3, false), 2);
        assert_eq!(step(0, 0, true), 0);
    }

    proptest! {
        /// The marked row is always shown, and never more rows than fit or exist.
        #[test]
        fn the_window_shows_the_mark_and_fits(marked in 0usize..500, rows in 0usize..500, height in 0usize..60) {
            let shown = window(marked, rows, height);
            prop_assert!(shown.len() <= height);
            prop_assert!(shown.end <= rows);
            if rows > 0 && height > 0 {
                prop_assert!(shown.contains(&marked.min(rows - 1)));
            }
        }
    }
}

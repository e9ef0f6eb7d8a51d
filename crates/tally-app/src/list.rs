//! Lists (manifests, pick lists, count tasks, lines, home's menu): choosing a row by its
//! number and Enter, or moving the mark with the arrows and Enter, and which rows fit on the
//! screen. Pure; the screens keep the marked row in their state.
//!
//! Rows are numbered from 1 on screen; a typed number picks that row, an empty line picks
//! the marked one. Home's menu numbers its tenth entry 0 and resolves its digits itself
//! ([`crate::menu::Entry::from_typed`]); it uses [`step`] and [`window`] like every list.

use std::ops::Range;

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

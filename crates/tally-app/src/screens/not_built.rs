//! The screen of a menu entry whose flow this version does not have: it says so, records
//! nothing, and Esc goes back.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{Flow, Nav, Screen};
use crate::event::{Effect, Tone};
use crate::menu::Entry;
use crate::state::State;
use crate::text::{pick, Language, Msg, Words};

/// The entry whose flow is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotBuilt {
    /// The menu entry.
    pub entry: Entry,
}

/// Opens the notice for `entry`.
pub(crate) fn open(state: &mut State, entry: Entry, _effects: &mut [Effect]) {
    state.go(Screen::NotBuilt(NotBuilt { entry }));
}

impl Flow for NotBuilt {
    fn title(&self, language: Language) -> String {
        format!("{} {}", self.entry.key(), self.entry.name(language))
    }

    fn keys(&self, language: Language) -> Vec<String> {
        [Msg::KeyHelp, Msg::KeyEsc, Msg::KeyLock]
            .iter()
            .map(|k| k.text(language))
            .collect()
    }

    fn render(&self, app: &State, frame: &mut Frame, area: Rect) {
        let l = app.language;
        let lines = vec![
            Line::raw(""),
            Line::styled(self.title(l), Style::default().add_modifier(Modifier::BOLD)),
            Line::raw(""),
            Line::raw(Text::NotBuilt.text(l)),
            Line::raw(Text::NotBuiltHint.text(l)),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn on_enter(&mut self, _app: &mut State, _typed: &str, _effects: &mut Vec<Effect>) -> Nav {
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, _scan: String, effects: &mut Vec<Effect>) -> Nav {
        let text = Msg::ScanNotHere.text(app.language);
        app.signal(Tone::Error, text, effects);
        Nav::Stay
    }
}

/// What the screen of a flow this version does not have says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// A flow that is not built yet.
    NotBuilt,
    /// What to do instead.
    NotBuiltHint,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::NotBuilt => pick(
                l,
                "This flow is not built yet in this version of tally.",
                "Este flujo aún no existe en esta versión de tally.",
            ),
            Text::NotBuiltHint => pick(
                l,
                "Nothing was recorded. Esc goes back.",
                "No se registró nada. Esc regresa.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_reads_in_both_languages() {
        assert_ne!(
            Text::NotBuilt.text(Language::English),
            Text::NotBuilt.text(Language::Spanish)
        );
    }
}

//! 2 Move / put away: scan a package, then scan the location it goes to; the move is recorded
//! through the floor layer. Refusals (quarantined stock into a sellable place, a location
//! being counted, an unknown location) are the core's, in the user's words.

pub mod text;
pub mod work;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use tally_floor::Outcome;
use tally_replica::workflow::moves::Moved;

use super::{Flow, Nav, Screen};
use crate::event::{Effect, Tone, WriteReply, WriteRequest};
use crate::render::{field, field_style};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// The move flow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Move {
    /// The package scanned, waiting for its location.
    pub package: Option<String>,
    /// The last move recorded.
    pub last: Option<Moved>,
    writes_waiting: Vec<u64>,
}

/// Opens 2 Move / put away.
pub(crate) fn open(state: &mut State) {
    state.go(Screen::Move(Box::default()));
    state.say(Text::ScanPackage);
}

impl Move {
    fn prompt(&self) -> Text {
        match &self.package {
            Some(uid) => Text::ScanLocation(uid.clone()),
            None => Text::ScanPackage,
        }
    }

    fn scan(&mut self, app: &mut State, text: String, effects: &mut Vec<Effect>) -> Nav {
        let Some(who) = app.session.clone() else {
            return Nav::Stay;
        };
        let request = WriteRequest::Moving(work::Write {
            who,
            package: self.package.clone(),
            text,
        });
        let id = app.next_request_id();
        effects.push(Effect::Write { id, request });
        self.writes_waiting.push(id);
        Nav::Stay
    }
}

impl Flow for Move {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let l = language;
        vec![
            Msg::KeyHelp.text(l),
            Text::KeyScanBoth.text(l),
            Text::KeyDrop.text(l),
            Msg::KeyEsc.text(l),
            Msg::KeyLock.text(l),
        ]
    }

    fn render(&self, app: &State, frame: &mut Frame, area: Rect) {
        let l = app.language;
        let mut lines = vec![
            Line::styled(
                self.prompt().text(l),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Line::styled(field(app), field_style()),
        ];
        if let Some(moved) = &self.last {
            let from = moved.from.clone().unwrap_or_else(|| "—".into());
            lines.push(Line::raw(""));
            lines.push(Line::raw(
                Text::Moved(moved.uid.clone(), from, moved.to.clone()).text(l),
            ));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if typed.is_empty() {
            return Nav::Stay;
        }
        self.scan(app, typed.to_owned(), effects)
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        self.scan(app, scan, effects)
    }

    fn on_esc(&mut self, app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        match self.package.take() {
            Some(uid) => {
                app.say(Text::Dropped(uid));
                Nav::Stay
            }
            None => Nav::Back,
        }
    }

    fn on_written(
        &mut self,
        app: &mut State,
        id: u64,
        reply: WriteReply,
        effects: &mut Vec<Effect>,
    ) {
        let WriteReply::Moving(answer) = reply else {
            return;
        };
        let Some(index) = self.writes_waiting.iter().position(|w| *w == id) else {
            return;
        };
        self.writes_waiting.remove(index);
        let l = app.language;
        match answer {
            Ok(done) => {
                self.package = done.package;
                let (tone, words) = match done.outcome {
                    Outcome::PackageChosen { uid } => {
                        (Tone::Success, Text::ScanLocation(uid).text(l))
                    }
                    Outcome::Moved(moved) => {
                        let from = moved.from.clone().unwrap_or_else(|| "—".into());
                        let words = Text::Moved(moved.uid.clone(), from, moved.to.clone()).text(l);
                        self.last = Some(moved);
                        (Tone::Success, words)
                    }
                    Outcome::Ignored(ignored) => (Tone::Error, ignored.message(l)),
                    Outcome::Unreadable(unreadable) => (
                        Tone::Error,
                        crate::screens::receive::text::Text::Unreadable(unreadable.input).text(l),
                    ),
                    other => (Tone::Error, format!("{other:?}")),
                };
                app.signal(tone, words, effects);
            }
            Err(failure) => app.fail(&failure, effects),
        }
    }
}

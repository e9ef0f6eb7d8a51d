//! 9 Supervisor → re-anchor: after the ledger was restored from a backup, the device refuses
//! it (it went backwards, or rewrote its history) and keeps its events. This screen shows the
//! newest checkpoint the device holds beside the one the ledger serves (asked on the ledger
//! thread: `tally_sync::reanchor::inspect`, the check a sync pass makes), takes the reason
//! (the incident), asks before the irreversible step, and records kind 6 `ledger_reanchored`
//! through the worker (`Replica::reanchor`, refused for anyone but a supervisor). Then it asks
//! tallyd for a sync now: the next pass honours the event and pushes again what the ledger
//! lost. A ledger the device does not refuse is never re-anchored.

mod render;
pub mod text;

use tally_events::payload::LedgerReanchored;
use tally_sync::reanchor::{Inspection, Verdict};

use super::confirm::Confirm;
use super::{Flow, Nav, Screen};
use crate::event::{Effect, LedgerReply, LedgerRequest, Tone, WriteReply, WriteRequest};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// Where the supervisor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Asking the ledger.
    Looking,
    /// The checkpoints could not be compared (tallyd's words: offline, not enrolled).
    Failed(String),
    /// The checkpoints side by side; when the ledger is refused, the field takes the reason
    /// (and the question before recording is asked over them).
    Shown(Box<Inspection>),
    /// Recorded.
    Done(LedgerReanchored),
}

/// The re-anchor screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reanchor {
    /// Where the supervisor is.
    pub stage: Stage,
    /// The question before recording, with the reason typed: asked over the refused
    /// ledger's checkpoints.
    pub question: Confirm<String>,
    wait: Option<u64>,
}

/// Opens the screen over 9 Supervisor and asks the ledger.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let mut screen = Reanchor {
        stage: Stage::Looking,
        question: Confirm::none(),
        wait: None,
    };
    screen.look(state, effects);
    state.go(Screen::Reanchor(screen));
    state.say(Text::Looking);
}

impl Reanchor {
    fn look(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        let id = app.next_request_id();
        effects.push(Effect::Ledger {
            id,
            request: LedgerRequest::Inspect,
        });
        self.wait = Some(id);
        self.stage = Stage::Looking;
    }

    /// The inspection shown, when the ledger is refused (a re-anchoring is possible).
    fn refused(&self) -> Option<&Inspection> {
        match &self.stage {
            Stage::Shown(inspection) if matches!(inspection.verdict, Verdict::Refused(_)) => {
                Some(inspection)
            }
            _ => None,
        }
    }
}

impl Flow for Reanchor {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        vec![
            Text::KeyReason.text(language),
            Text::KeyAgain.text(language),
            Msg::KeyHelp.text(language),
            Msg::KeyEsc.text(language),
            Msg::KeyLock.text(language),
        ]
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn asking(&self) -> bool {
        self.question.asking()
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        if self.question.asking() {
            let restored = self.refused().map(Inspection::restored);
            if let (Some(reason), Some(restored), Some(who)) =
                (self.question.yes(), restored, app.session.clone())
            {
                let request = WriteRequest::Reanchor {
                    who,
                    restored,
                    reason,
                };
                self.wait = Some(app.write_id(request, effects));
            }
            return Nav::Stay;
        }
        if self.refused().is_none() {
            // Nothing to decide here: Enter looks again.
            if !matches!(self.stage, Stage::Done(_)) {
                self.look(app, effects);
            }
            return Nav::Stay;
        }
        if typed.is_empty() {
            let text = Text::ReasonFirst.text(app.language);
            app.signal(Tone::Error, text, effects);
            return Nav::Stay;
        }
        self.question.ask(typed.to_owned());
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, _scan: String, effects: &mut Vec<Effect>) -> Nav {
        let text = Msg::ScanNotHere.text(app.language);
        app.signal(Tone::Error, text, effects);
        Nav::Stay
    }

    fn on_command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
        // While a reason can be typed, every letter is text.
        if key == 'r' && self.refused().is_none() && !self.asking() && self.wait.is_none() {
            self.look(app, effects);
            return true;
        }
        false
    }

    fn on_esc(&mut self, _app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        if self.question.no() {
            return Nav::Stay;
        }
        Nav::Back
    }

    fn on_ledger(
        &mut self,
        app: &mut State,
        id: u64,
        reply: LedgerReply,
        effects: &mut Vec<Effect>,
    ) {
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        let LedgerReply::Inspected(answer) = reply else {
            return;
        };
        match answer {
            Ok(inspection) => {
                let text = match inspection.verdict {
                    Verdict::Trusted => Text::NothingToDo,
                    Verdict::Refused(_) => Text::TypeReason,
                };
                app.say(text);
                self.stage = Stage::Shown(inspection);
            }
            Err(why) => {
                let text = Text::CannotCompare.text(app.language);
                app.signal(Tone::Error, text, effects);
                self.stage = Stage::Failed(why);
            }
        }
    }

    fn on_written(
        &mut self,
        app: &mut State,
        id: u64,
        reply: WriteReply,
        effects: &mut Vec<Effect>,
    ) {
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        match reply {
            WriteReply::Reanchored(Ok(event)) => {
                let text = Text::Recorded(event.held_size, event.new_size).text(app.language);
                app.signal(Tone::Success, text, effects);
                self.stage = Stage::Done(event);
                // tallyd honours it at its next pass: ask for that pass now.
                app.write_id(WriteRequest::SyncNow, effects);
            }
            WriteReply::Reanchored(Err(failure)) => app.fail(&failure, effects),
            _ => {}
        }
    }
}

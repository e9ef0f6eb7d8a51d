//! 9 Supervisor → Dock: the facility's devices as the ledger sees them — each one's backlog
//! (what it said was still waiting at its last push), last sync, events held, forks and last
//! refused push — and the count variances waiting for review (`GET /v1/projections/devices`,
//! docs/LEDGER.md, "The dock view").
//!
//! The ledger reads it for a supervisor session only: the signed-in supervisor types their PIN
//! on this screen, the ledger thread opens the session with it (the PIN goes to the ledger once
//! and is not kept), and the session's token reads the view again (`r`) until the ledger ends
//! it (15 minutes), when the PIN is asked again. The floor layer refuses anyone but a
//! supervisor before anything is sent (`tally_floor::may_supervise`, on the ledger thread).
//! An unreachable ledger, a device not enrolled, a refused sign-in: said in the person's words,
//! beside this device's own sync state (the sync watcher's); nothing is lost, nothing recorded.

mod render;
pub mod text;

use tally_ledger_client::projections::DockDeviceView;

use super::{Flow, Nav, Screen};
use crate::event::{DockAnswer, DockFailure, DockSignIn, Effect, LedgerReply, LedgerRequest, Tone};
use crate::list::{Pick, Rows};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// Where the supervisor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The field takes the PIN.
    AskPin,
    /// Asking the ledger.
    Looking,
    /// The view as read.
    Shown,
    /// It could not be read.
    Failed(DockFailure),
}

/// The dock screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dock {
    /// Where the supervisor is.
    pub stage: Stage,
    /// The last view read (kept while a new read fails).
    pub answer: Option<Box<DockAnswer>>,
    /// The supervisor session's token while the ledger keeps it (never the PIN).
    token: Option<String>,
    /// Its devices, numbered.
    pub list: Rows<DockDeviceView>,
    wait: Option<u64>,
}

/// Opens the dock view over 9 Supervisor: the PIN first.
pub(crate) fn open(state: &mut State) {
    state.go(Screen::Dock(Dock {
        stage: Stage::AskPin,
        answer: None,
        token: None,
        list: Rows::reading(),
        wait: None,
    }));
    state.say(Text::TypePin);
}

impl Dock {
    fn ask(&mut self, app: &mut State, sign_in: DockSignIn, effects: &mut Vec<Effect>) {
        let Some(who) = app.session.clone() else {
            return;
        };
        let id = app.next_request_id();
        effects.push(Effect::Ledger {
            id,
            request: LedgerRequest::Dock { who, sign_in },
        });
        self.wait = Some(id);
        self.stage = Stage::Looking;
        app.say(Text::Looking);
    }

    /// Reads again: with the session's token when there is one, else the PIN is asked.
    fn again(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        match self.token.clone() {
            Some(token) => self.ask(app, DockSignIn::Token(token), effects),
            None => {
                self.stage = Stage::AskPin;
                app.say(Text::TypePin);
            }
        }
    }

    fn failed(&mut self, app: &mut State, failure: DockFailure, effects: &mut Vec<Effect>) {
        let l = app.language;
        match failure {
            DockFailure::SessionEnded => {
                self.token = None;
                self.stage = Stage::AskPin;
                app.signal(Tone::Error, Text::SessionEnded.text(l), effects);
            }
            DockFailure::SignInRefused {
                message,
                message_es,
                ..
            } => {
                self.stage = Stage::AskPin;
                app.signal(
                    Tone::Error,
                    Text::SignInRefused(message, message_es).text(l),
                    effects,
                );
            }
            other => {
                let words = render::failure_text(&other).text(l);
                self.stage = Stage::Failed(other);
                app.signal(Tone::Error, words, effects);
            }
        }
    }
}

impl Flow for Dock {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let mut keys = vec![Text::KeyPin.text(language)];
        keys.extend(crate::list::keys(language, Text::KeyAgain.text(language)));
        crate::list::with_flow_keys(language, keys)
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn masked(&self) -> bool {
        self.stage == Stage::AskPin
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        match &self.stage {
            Stage::AskPin if typed.is_empty() => {
                app.signal(Tone::Error, Text::PinFirst.text(app.language), effects);
            }
            Stage::AskPin => self.ask(app, DockSignIn::Pin(typed.to_owned()), effects),
            Stage::Shown => match self.list.pick(typed) {
                Pick::Row(i) => self.list.marked = i,
                Pick::NotARow(text) => {
                    let text = Text::NoSuchRow(text).text(app.language);
                    app.signal(Tone::Error, text, effects);
                }
                Pick::Empty => {}
            },
            Stage::Failed(_) | Stage::Looking => self.again(app, effects),
        }
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, _scan: String, effects: &mut Vec<Effect>) -> Nav {
        let text = Msg::ScanNotHere.text(app.language);
        app.signal(Tone::Error, text, effects);
        Nav::Stay
    }

    fn on_command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
        // While the PIN is typed, every key is the PIN's.
        if key == 'r' && self.stage != Stage::AskPin && self.wait.is_none() {
            self.again(app, effects);
            return true;
        }
        false
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        if self.stage == Stage::Shown {
            self.list.arrow(up);
        }
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
        let LedgerReply::Dock(answer) = reply else {
            return;
        };
        match answer {
            Ok(answer) => {
                let summary = Text::Summary {
                    devices: answer.view.devices.len(),
                    variances: answer.view.variances_waiting,
                };
                self.list.refresh(answer.view.devices.clone());
                self.token = Some(answer.token.clone());
                self.answer = Some(answer);
                self.stage = Stage::Shown;
                app.say(summary);
            }
            Err(failure) => self.failed(app, failure, effects),
        }
    }
}

//! 0 Sync: this device's sync state in detail, live (the sync watcher's reading of tallyd's
//! tables: events waiting, last success, last error in the person's words, the ledger's
//! checkpoint size and URL), and one key, `s` (or Enter), that asks tallyd to run a pass now.
//!
//! "Sync now" goes through the replica, not to a process: the worker adds one to the count in
//! `ledger_sync_requests` (no event is recorded), and a running tallyd — its own process on a
//! handheld, a thread in `tally demo` — sees the count move within half a second and runs a
//! pass at once, whatever its backoff (docs/SYNC.md, "Sync now"). So it works the same
//! whichever process runs the daemon, and offline too: the pass then fails and the screen says
//! the ledger cannot be reached; the events stay on the device.

mod render;
pub mod text;

use super::{Flow, Nav, Screen};
use crate::event::{Effect, Tone, WriteReply, WriteRequest};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// The 0 Sync screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sync {
    /// The "sync now" request waiting for the worker.
    wait: Option<u64>,
    /// The request count after the last "sync now" on this screen.
    pub asked: Option<u64>,
}

/// Opens 0 Sync.
pub(crate) fn open(state: &mut State) {
    state.go(Screen::Sync(Sync::default()));
    state.say(Text::Hint);
}

impl Sync {
    fn sync_now(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        if self.wait.is_some() {
            return;
        }
        self.wait = Some(app.write_id(WriteRequest::SyncNow, effects));
    }
}

impl Flow for Sync {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        vec![
            Text::KeySyncNow.text(language),
            Msg::KeyHelp.text(language),
            Msg::KeyEsc.text(language),
            Msg::KeyLock.text(language),
        ]
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if typed.is_empty() || typed.eq_ignore_ascii_case("s") {
            self.sync_now(app, effects);
        } else {
            let text = Text::NotAKey(typed.to_owned()).text(app.language);
            app.signal(Tone::Error, text, effects);
        }
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, _scan: String, effects: &mut Vec<Effect>) -> Nav {
        let text = Msg::ScanNotHere.text(app.language);
        app.signal(Tone::Error, text, effects);
        Nav::Stay
    }

    fn on_command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
        if key == 's' {
            self.sync_now(app, effects);
            return true;
        }
        false
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
            WriteReply::SyncRequested(Ok(count)) => {
                self.asked = Some(count);
                let enrolled = app.sync.as_ref().is_some_and(|d| d.summary.enrolled);
                let text = if enrolled {
                    Text::Asked
                } else {
                    Text::AskedNotEnrolled
                };
                app.signal(Tone::Success, text.text(app.language), effects);
            }
            WriteReply::SyncRequested(Err(failure)) => app.fail(&failure, effects),
            _ => {}
        }
    }
}

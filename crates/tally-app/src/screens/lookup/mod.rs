//! 6 Lookup: scan (or type) a package or a location and see what it is, with the package's
//! history on this device. Read on the read-only connection; what an open count withholds is
//! withheld by the core.

mod render;
pub mod text;

use tally_replica::workflow::lookup::{Found, HISTORY_MAX};

pub(crate) use render::render;

use super::Screen;
use crate::event::{Effect, Failure, ReadRequest, Tone};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

pub(crate) fn title(l: Language) -> String {
    Text::LookupTitle.text(l)
}

pub(crate) fn keys(l: Language) -> Vec<String> {
    let mut keys: Vec<String> = [Msg::KeyHelp, Msg::KeyEsc, Msg::KeyScan]
        .iter()
        .map(|k| k.text(l))
        .collect();
    keys.push(Text::KeyScroll.text(l));
    keys.push(Msg::KeyLock.text(l));
    keys
}

/// Opens Lookup from the menu: it asks for a scan.
pub(crate) fn open(state: &mut State, _effects: &mut [Effect]) {
    state.go(Screen::Lookup {
        found: None,
        scroll: 0,
    });
    state.say(Text::LookupPrompt);
}

/// Opens Lookup and, when given one, looks `scan` up at once.
pub(crate) fn open_with(state: &mut State, scan: Option<String>, effects: &mut Vec<Effect>) {
    state.go(Screen::Lookup {
        found: None,
        scroll: 0,
    });
    if let Some(scan) = scan {
        look_up(state, scan, effects);
    }
}

fn look_up(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    state.say(Text::LookingUp(scan.clone()));
    let id = state.read(ReadRequest::Lookup { scan }, effects);
    state.lookup_wait = Some(id);
}

pub(crate) fn on_enter(state: &mut State, typed: &str, effects: &mut Vec<Effect>) {
    if !typed.is_empty() {
        look_up(state, typed.to_owned(), effects);
    }
}

pub(crate) fn on_scan(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    look_up(state, scan, effects);
}

pub(crate) fn on_arrow(state: &mut State, up: bool) {
    if let Some(Screen::Lookup { scroll, .. }) = state.screens.last_mut() {
        *scroll = if up {
            scroll.saturating_sub(1)
        } else {
            scroll.saturating_add(1).min(HISTORY_MAX)
        };
    }
}

/// A lookup's answer.
pub(crate) fn on_read(
    state: &mut State,
    id: u64,
    answer: Result<Found, Failure>,
    effects: &mut Vec<Effect>,
) {
    if state.lookup_wait != Some(id) {
        return;
    }
    state.lookup_wait = None;
    let Some(Screen::Lookup { found, scroll }) = state.screens.last_mut() else {
        return;
    };
    *scroll = 0;
    match answer {
        Ok(answer) => {
            let text = match &answer {
                Found::Package(p) => Text::FoundPackage(p.uid.clone()),
                Found::Location(l) => Text::FoundLocation(l.location.id.clone()),
            }
            .text(state.language);
            *found = Some(answer);
            state.signal(Tone::Success, text, effects);
        }
        Err(failure) => {
            *found = None;
            state.fail(&failure, effects);
        }
    }
}

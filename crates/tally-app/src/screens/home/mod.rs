//! Home: the numbered menu (in contract order; an entry the role is not offered is dimmed
//! with why), the tasks waiting, the sync state and the devices. A scan opens Lookup with it.

mod render;
pub mod text;

pub(crate) use render::render;

use super::Screen;
use crate::event::{Effect, Failure, HomeSummary, Tone};
use crate::menu::{Entry, MENU};
use crate::state::{State, StatusLine};
use crate::text::{Language, Msg, Words};
use text::Text;

pub(crate) fn title(l: Language) -> String {
    Text::HomeTitle.text(l)
}

pub(crate) fn keys(l: Language) -> Vec<String> {
    let mut keys: Vec<String> = [Msg::KeyNumber, Msg::KeyArrows, Msg::KeyHelp]
        .iter()
        .map(|k| k.text(l))
        .collect();
    keys.push(Text::KeySignOut.text(l));
    keys.push(Msg::KeyLock.text(l));
    keys
}

pub(crate) fn on_arrow(state: &mut State, up: bool) {
    if let Some(Screen::Home { selected }) = state.screens.last_mut() {
        *selected = crate::list::step(*selected, MENU.len(), up);
    }
}

pub(crate) fn on_esc(state: &mut State) {
    state.input.clear();
    state.confirm_sign_out = true;
}

pub(crate) fn on_enter(state: &mut State, selected: usize, typed: &str, effects: &mut Vec<Effect>) {
    let entry = if typed.is_empty() {
        MENU.get(selected).copied()
    } else {
        Entry::from_typed(typed)
    };
    match entry {
        Some(entry) => open_entry(state, entry, effects),
        None => {
            let text = Text::NoSuchEntry(typed.to_owned()).text(state.language);
            state.signal(Tone::Error, text, effects);
        }
    }
}

fn open_entry(state: &mut State, entry: Entry, effects: &mut Vec<Effect>) {
    let Some(session) = &state.session else {
        return;
    };
    if let Some(why) = entry.withheld_from(session.role) {
        let text = format!(
            "{} {}: {}",
            entry.key(),
            entry.name(state.language),
            why.text(state.language)
        );
        state.signal(Tone::Error, text, effects);
        return;
    }
    state.status = StatusLine::default();
    super::open(state, entry, effects);
}

/// A scan on home opens Lookup with it (if the role is offered Lookup).
pub(crate) fn on_scan(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    let offered = state
        .session
        .as_ref()
        .is_some_and(|s| Entry::Lookup.withheld_from(s.role).is_none());
    super::lookup::open_with(state, offered.then_some(scan), effects);
}

/// Home's summary read.
pub(crate) fn on_read(
    state: &mut State,
    id: u64,
    answer: Result<HomeSummary, Failure>,
    effects: &mut Vec<Effect>,
) {
    if state.home_wait != Some(id) {
        return;
    }
    state.home_wait = None;
    match answer {
        Ok(summary) => state.home = Some(summary),
        // Home is read again every few seconds: a failure that persists is signalled
        // once, not at every read.
        Err(failure) => {
            if state.status.text != failure.message(state.language) {
                state.fail(&failure, effects);
            }
        }
    }
}

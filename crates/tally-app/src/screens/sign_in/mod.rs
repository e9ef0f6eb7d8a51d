//! Sign-in (a badge, then its PIN) and the locked screen (the same user's PIN goes on; another
//! badge signs them out and starts over). The PIN check and the lockout are the core's.

mod render;
pub mod text;

use tally_replica::workflow::Session;
use tally_replica::Refusal;

pub(crate) use render::{render, render_locked};

use super::Screen;
use crate::event::{Effect, Failure, Tone, WriteRequest};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// Where sign-in is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Waiting for a badge.
    Badge,
    /// Waiting for the PIN of `badge`.
    Pin {
        /// The badge scanned or typed.
        badge: String,
    },
}

pub(crate) fn title(l: Language) -> String {
    Text::SignInTitle.text(l)
}

pub(crate) fn locked_title(l: Language) -> String {
    Text::LockedTitle.text(l)
}

pub(crate) fn keys(l: Language) -> Vec<String> {
    [Msg::KeyHelp, Msg::KeyEsc, Msg::KeyScan]
        .iter()
        .map(|k| k.text(l))
        .collect()
}

/// Asks for the PIN of `badge`.
pub(crate) fn start_pin(state: &mut State, badge: String) {
    state.write_wait = None;
    state.say(Text::EnterPin(badge.clone()));
    state.screens = vec![Screen::SignIn(SignInStep::Pin { badge })];
    state.input.clear();
}

pub(crate) fn on_enter(
    state: &mut State,
    step: SignInStep,
    typed: String,
    effects: &mut Vec<Effect>,
) {
    match step {
        SignInStep::Badge => {
            let badge = typed.trim();
            if !badge.is_empty() {
                start_pin(state, badge.to_owned());
            }
        }
        SignInStep::Pin { badge } => {
            if !typed.is_empty() {
                state.say(Msg::Checking);
                state.write(WriteRequest::SignIn { badge, pin: typed }, effects);
            }
        }
    }
}

pub(crate) fn on_enter_locked(state: &mut State, typed: String, effects: &mut Vec<Effect>) {
    if let (false, Some(session)) = (typed.is_empty(), state.session.clone()) {
        state.say(Msg::Checking);
        let request = WriteRequest::SignIn {
            badge: session.badge,
            pin: typed,
        };
        state.write(request, effects);
    }
}

/// A scan during sign-in starts over with that badge.
pub(crate) fn on_scan(state: &mut State, scan: String) {
    start_pin(state, scan);
}

/// A badge scanned on the locked screen: another person; the one signed in is signed out
/// first.
pub(crate) fn on_scan_locked(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    state.sign_out(effects);
    start_pin(state, scan);
}

pub(crate) fn on_esc(state: &mut State, step: SignInStep) {
    match step {
        SignInStep::Pin { .. } => {
            state.write_wait = None;
            state.screens = vec![Screen::SignIn(SignInStep::Badge)];
            state.input.clear();
            state.say(Text::ScanBadge);
        }
        SignInStep::Badge => state.input.clear(),
    }
}

/// The core's answer to a sign-in (or an unlock).
pub(crate) fn on_signed_in(
    state: &mut State,
    id: u64,
    answer: Result<Session, Failure>,
    effects: &mut Vec<Effect>,
) {
    // A late answer to a sign-in the person left (Esc, another badge) is dropped.
    if state.write_wait != Some(id) {
        return;
    }
    state.write_wait = None;
    match answer {
        Ok(session) => signed_in(state, session, effects),
        Err(failure) => {
            state.input.clear();
            let locked_out = matches!(failure, Failure::Refused(Refusal::BadgeLockedOut { .. }));
            if *state.screen() == Screen::Locked {
                if locked_out {
                    // Nobody stays signed in behind a locked-out badge.
                    state.sign_out(effects);
                }
            } else {
                state.screens = vec![Screen::SignIn(SignInStep::Badge)];
            }
            state.fail(&failure, effects);
        }
    }
}

fn signed_in(state: &mut State, session: Session, effects: &mut Vec<Effect>) {
    let resumed = *state.screen() == Screen::Locked
        && state.session.as_ref().map(|s| &s.badge) == Some(&session.badge);
    state.input.clear();
    if resumed {
        state.screens.pop();
    } else {
        state.language = state
            .settings
            .user_languages
            .get(&session.badge)
            .copied()
            .unwrap_or(state.settings.language);
        state.screens = vec![Screen::Home { selected: 0 }];
        state.home = None;
    }
    let text = Text::Welcome(session.badge.clone()).text(state.language);
    state.session = Some(session);
    state.signal(Tone::Success, text, effects);
    if matches!(state.screen(), Screen::Home { .. }) {
        state.read_home(effects);
    }
}

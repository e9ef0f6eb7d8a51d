//! The screens: one module per flow, each with its state, its update, its render and its
//! words (`screens::<flow>::{mod, render, text}`). This module only wires them: the shared
//! [`Screen`] enum, and the dispatch that hands each key, scan, reply and frame to the module
//! of the screen shown.
//!
//! Sign-in, the lock, home and lookup are dispatched by name. A guided
//! flow (receiving, moving, picking, counting, …) is a struct implementing [`Flow`], held in
//! its own [`Screen`] variant; adding one touches this file in three places only (the variant
//! and the two arms of [`Screen::flow`] / [`Screen::flow_mut`]) and the entry that opens it in
//! [`open`]. A flow is taken out of the stack while it handles an event, so it gets the rest
//! of the [`State`] mutably beside its own.

pub mod confirm;
pub mod count;
pub mod destroy;
pub mod dock;
pub mod home;
pub mod load;
pub mod lookup;
pub mod moving;
pub mod pick;
pub mod quarantine;
pub mod reanchor;
pub mod receive;
pub mod sign_in;
pub mod supervisor;
pub mod sync;

use ratatui::layout::Rect;
use ratatui::Frame;
use tally_replica::workflow::lookup::Found;

use crate::event::{DeviceEvent, Effect, LedgerReply, ReadReply, WriteReply};
use crate::menu::Entry;
use crate::state::State;
use crate::text::Language;

pub use sign_in::SignInStep;

/// A screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Sign-in.
    SignIn(SignInStep),
    /// Locked after inactivity: the signed-in user's PIN goes on.
    Locked,
    /// Home: the menu; `selected` is the marked row.
    Home {
        /// Index into [`crate::menu::MENU`].
        selected: usize,
    },
    /// 6 Lookup.
    Lookup {
        /// The answer shown, if any.
        found: Option<Found>,
        /// First history row shown.
        scroll: usize,
    },
    /// 0 Sync.
    Sync(sync::Sync),
    /// 9 Supervisor, re-anchor to a restored ledger.
    Reanchor(reanchor::Reanchor),
    /// 9 Supervisor, the dock view (the facility's devices at the ledger).
    Dock(dock::Dock),
    // Guided flows: receiving, moving, quarantine and release.
    /// 1 Receive.
    Receive(Box<receive::Receive>),
    /// 2 Move / put away.
    Move(Box<moving::Move>),
    /// 7 Quarantine / release.
    Quarantine(Box<quarantine::Quarantine>),
    // Guided flows: picking, loading, counting, destruction, supervisor review.
    /// 5 Count.
    Count(count::Count),
    /// 9 Supervisor.
    Supervisor(supervisor::Supervisor),
    /// 3 Pick.
    Pick(pick::Pick),
    /// 4 Load.
    Load(load::Load),
    /// 8 Destroy.
    Destroy(destroy::Destroy),
}

impl Screen {
    /// The guided flow this screen is, if it is one.
    pub fn flow(&self) -> Option<&dyn Flow> {
        match self {
            Screen::Sync(flow) => Some(flow),
            Screen::Reanchor(flow) => Some(flow),
            Screen::Dock(flow) => Some(flow),
            Screen::Count(flow) => Some(flow),
            Screen::Supervisor(flow) => Some(flow),
            Screen::Pick(flow) => Some(flow),
            Screen::Load(flow) => Some(flow),
            Screen::Destroy(flow) => Some(flow),
            // Receiving, moving, quarantine and release.
            Screen::Receive(flow) => Some(flow.as_ref()),
            Screen::Move(flow) => Some(flow.as_ref()),
            Screen::Quarantine(flow) => Some(flow.as_ref()),
            // Picking, loading, counting, destruction, supervisor review.
            Screen::SignIn(_) | Screen::Locked | Screen::Home { .. } | Screen::Lookup { .. } => {
                None
            }
        }
    }

    /// The guided flow this screen is, if it is one, to change.
    pub fn flow_mut(&mut self) -> Option<&mut dyn Flow> {
        match self {
            Screen::Sync(flow) => Some(flow),
            Screen::Reanchor(flow) => Some(flow),
            Screen::Dock(flow) => Some(flow),
            Screen::Count(flow) => Some(flow),
            Screen::Supervisor(flow) => Some(flow),
            Screen::Pick(flow) => Some(flow),
            Screen::Load(flow) => Some(flow),
            Screen::Destroy(flow) => Some(flow),
            // Receiving, moving, quarantine and release.
            Screen::Receive(flow) => Some(flow.as_mut()),
            Screen::Move(flow) => Some(flow.as_mut()),
            Screen::Quarantine(flow) => Some(flow.as_mut()),
            // Picking, loading, counting, destruction, supervisor review.
            Screen::SignIn(_) | Screen::Locked | Screen::Home { .. } | Screen::Lookup { .. } => {
                None
            }
        }
    }
}

/// Where the screen stack goes after a flow handled an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    /// The flow stays shown.
    Stay,
    /// Back one screen (to home).
    Back,
}

/// A guided flow: its own state, and how it takes keys, scans, device reports and replies.
/// `app` is the rest of the app's state (status line, session, requests); the flow is not in
/// `app.screens` while it handles an event.
pub trait Flow: std::fmt::Debug {
    /// The header's title.
    fn title(&self, language: Language) -> String;
    /// The help lines of this screen (F1, `?`), before the language and quit keys.
    fn keys(&self, language: Language) -> Vec<String>;
    /// Draws the screen's body.
    fn render(&self, app: &State, frame: &mut Frame, area: Rect);
    /// The field takes a PIN (shown masked).
    fn masked(&self) -> bool {
        false
    }
    /// A question is shown (a confirmation): a scan is held until it is answered, and Enter
    /// and Esc answer it.
    fn asking(&self) -> bool {
        false
    }
    /// Enter, with what was typed (trimmed; empty when nothing was).
    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav;
    /// A scan (from a driver, a wedge, or a line typed and Enter where a scan is expected is
    /// given to [`Flow::on_enter`] to decide).
    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav;
    /// A letter typed with nothing in the field: `true` when it is one of the screen's keys
    /// (then it is not typed).
    fn on_command(&mut self, _app: &mut State, _key: char, _effects: &mut Vec<Effect>) -> bool {
        false
    }
    /// An arrow key.
    fn on_arrow(&mut self, _app: &mut State, _up: bool) {}
    /// Esc: back one screen unless the flow has a step of its own to leave first.
    fn on_esc(&mut self, _app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        Nav::Back
    }
    /// A device report other than a scan (a weight, a connection).
    fn on_device(&mut self, _app: &mut State, _event: &DeviceEvent, _effects: &mut Vec<Effect>) {}
    /// The reader answered request `id`.
    fn on_read(
        &mut self,
        _app: &mut State,
        _id: u64,
        _reply: ReadReply,
        _effects: &mut Vec<Effect>,
    ) {
    }
    /// The ledger thread answered request `id`.
    fn on_ledger(
        &mut self,
        _app: &mut State,
        _id: u64,
        _reply: LedgerReply,
        _effects: &mut Vec<Effect>,
    ) {
    }
    /// The worker answered request `id`.
    fn on_written(
        &mut self,
        _app: &mut State,
        _id: u64,
        _reply: WriteReply,
        _effects: &mut Vec<Effect>,
    ) {
    }
}

/// The row Enter or a scan opened in a list of documents ([`crate::list::Rows::open`]);
/// anything else is said back with the error signal: `unknown` for text that names no row or
/// document of the list, `empty` for a list with none (or not read yet).
pub(crate) fn opened<T, W: crate::text::Words>(
    app: &mut State,
    opened: crate::list::Opened<T>,
    unknown: impl FnOnce(String) -> W,
    empty: W,
    effects: &mut Vec<Effect>,
) -> Option<T> {
    use crate::list::Opened;
    let words = match opened {
        Opened::Row(row) => return Some(row),
        Opened::Unknown(text) => unknown(text).text(app.language),
        Opened::Empty | Opened::Reading => empty.text(app.language),
    };
    app.signal(crate::event::Tone::Error, words, effects);
    None
}

/// Opens the screen of a home menu entry the user's role is offered. A flow may send its first
/// reads (its list of documents) as it opens.
#[allow(clippy::ptr_arg)] // A flow that opens pushes its first read onto `effects`.
pub(crate) fn open(state: &mut State, entry: Entry, effects: &mut Vec<Effect>) {
    match entry {
        Entry::Receive => receive::open(state, effects),

        Entry::Move => moving::open(state),

        Entry::Pick => pick::open(state, effects),

        Entry::Load => load::open(state, effects),

        Entry::Count => count::open(state, effects),

        Entry::Lookup => lookup::open(state, effects),

        Entry::Quarantine => quarantine::open(state, effects),

        Entry::Destroy => destroy::open(state),

        Entry::Supervisor => supervisor::open(state, effects),

        Entry::Sync => sync::open(state),
    }
}

/// Runs `handle` on the flow nearest the top of the stack (a flow under the lock still gets
/// its replies), taken out of the stack meanwhile; applies its [`Nav`]. Returns `None` when no
/// flow is on the stack.
fn with_flow<R>(
    state: &mut State,
    top_only: bool,
    handle: impl FnOnce(&mut dyn Flow, &mut State) -> (R, Nav),
) -> Option<R> {
    let index = if top_only {
        let last = state.screens.len().checked_sub(1)?;
        state.screens[last].flow()?;
        last
    } else {
        state.screens.iter().rposition(|s| s.flow().is_some())?
    };
    // The placeholder is never seen: the flow goes back before anything reads the stack.
    let mut screen = std::mem::replace(&mut state.screens[index], Screen::Locked);
    let flow = screen.flow_mut()?;
    let (result, nav) = handle(flow, state);
    match nav {
        Nav::Stay => {
            if let Some(slot) = state.screens.get_mut(index) {
                *slot = screen;
            }
        }
        Nav::Back => {
            if index < state.screens.len() {
                state.screens.remove(index);
            }
        }
    }
    Some(result)
}

/// The header's title of the screen shown.
pub(crate) fn title(state: &State) -> String {
    let l = state.language;
    match state.screen() {
        Screen::SignIn(_) => sign_in::title(l),
        Screen::Locked => sign_in::locked_title(l),
        Screen::Home { .. } => home::title(l),
        Screen::Lookup { .. } => lookup::title(l),
        other => other.flow().map(|f| f.title(l)).unwrap_or_default(),
    }
}

/// The help lines of the screen shown, before the language and quit keys.
pub(crate) fn keys(state: &State) -> Vec<String> {
    let l = state.language;
    match state.screen() {
        Screen::SignIn(_) | Screen::Locked => sign_in::keys(l),
        Screen::Home { .. } => home::keys(l),
        Screen::Lookup { .. } => lookup::keys(l),
        other => other.flow().map(|f| f.keys(l)).unwrap_or_default(),
    }
}

/// Draws the body of the screen shown.
pub(crate) fn render(state: &State, frame: &mut Frame, area: Rect) {
    match state.screen() {
        Screen::SignIn(step) => sign_in::render(state, step, frame, area),
        Screen::Locked => sign_in::render_locked(state, frame, area),
        Screen::Home { selected } => home::render(state, *selected, frame, area),
        Screen::Lookup { found, scroll } => {
            lookup::render(state, found.as_ref(), *scroll, frame, area)
        }
        other => {
            if let Some(flow) = other.flow() {
                flow.render(state, frame, area);
            }
        }
    }
}

/// The package the screen shown waits to see on the scale (5 Count: a package counted by
/// weight, scanned and not weighed yet), by its tag: what a simulated scale puts on next
/// ([`crate::run::Start::weighing`]).
pub fn waiting_to_weigh(state: &State) -> Option<String> {
    match state.screen() {
        Screen::Count(count) => count.waiting_to_weigh().map(str::to_owned),
        _ => None,
    }
}

/// Whether the screen shown asks a question of its own (a scan is held until it is answered).
pub(crate) fn asking(state: &State) -> bool {
    state.screen().flow().is_some_and(|f| f.asking())
}

/// Enter on the screen shown, with the line typed.
pub(crate) fn on_enter(state: &mut State, typed: String, effects: &mut Vec<Effect>) {
    match state.screen().clone() {
        Screen::SignIn(step) => sign_in::on_enter(state, step, typed, effects),
        Screen::Locked => sign_in::on_enter_locked(state, typed, effects),
        Screen::Home { selected } => home::on_enter(state, selected, typed.trim(), effects),
        Screen::Lookup { .. } => lookup::on_enter(state, typed.trim(), effects),
        _ => {
            with_flow(state, true, |flow, app| {
                ((), flow.on_enter(app, typed.trim(), effects))
            });
        }
    }
}

/// A scan on the screen shown.
pub(crate) fn on_scan(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    match state.screen() {
        Screen::SignIn(_) => sign_in::on_scan(state, scan),
        Screen::Locked => sign_in::on_scan_locked(state, scan, effects),
        Screen::Home { .. } => home::on_scan(state, scan, effects),
        Screen::Lookup { .. } => lookup::on_scan(state, scan, effects),
        _ => {
            with_flow(state, true, |flow, app| {
                ((), flow.on_scan(app, scan, effects))
            });
        }
    }
}

/// A letter typed with nothing in the field: whether the screen shown took it as a key.
pub(crate) fn on_command(state: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
    with_flow(state, true, |flow, app| {
        (flow.on_command(app, key, effects), Nav::Stay)
    })
    .unwrap_or(false)
}

/// A reply of the reader for a flow: the flow nearest the top of the stack takes it (it
/// checks the id; a reply nobody waits for is dropped).
pub(crate) fn on_flow_read(
    state: &mut State,
    id: u64,
    reply: ReadReply,
    effects: &mut Vec<Effect>,
) {
    with_flow(state, false, |flow, app| {
        flow.on_read(app, id, reply, effects);
        ((), Nav::Stay)
    });
}

/// A reply of the worker for a flow, like [`on_flow_read`].
pub(crate) fn on_flow_written(
    state: &mut State,
    id: u64,
    reply: WriteReply,
    effects: &mut Vec<Effect>,
) {
    with_flow(state, false, |flow, app| {
        flow.on_written(app, id, reply, effects);
        ((), Nav::Stay)
    });
}

/// An arrow key on the screen shown.
pub(crate) fn on_arrow(state: &mut State, up: bool) {
    match state.screen() {
        Screen::Home { .. } => home::on_arrow(state, up),
        Screen::Lookup { .. } => lookup::on_arrow(state, up),
        Screen::SignIn(_) | Screen::Locked => {}
        _ => {
            with_flow(state, true, |flow, app| {
                flow.on_arrow(app, up);
                ((), Nav::Stay)
            });
        }
    }
}

/// Esc on the screen shown (help and the sign-out question are closed before this).
pub(crate) fn on_esc(state: &mut State, effects: &mut Vec<Effect>) {
    match state.screen() {
        Screen::SignIn(step) => {
            let step = step.clone();
            sign_in::on_esc(state, step);
        }
        Screen::Locked => state.input.clear(),
        Screen::Home { .. } => home::on_esc(state),
        Screen::Lookup { .. } => state.back(effects),
        _ => {
            let went_back = with_flow(state, true, |flow, app| {
                let nav = flow.on_esc(app, effects);
                (nav == Nav::Back, nav)
            });
            if went_back == Some(true) {
                state.returned_home(effects);
            }
        }
    }
}

/// A device report other than a scan, for the flow shown (if any).
pub(crate) fn on_device(state: &mut State, event: &DeviceEvent, effects: &mut Vec<Effect>) {
    with_flow(state, true, |flow, app| {
        flow.on_device(app, event, effects);
        ((), Nav::Stay)
    });
}

/// A reply of the worker for the flow that asked (the nearest flow on the stack: a flow under
/// the lock still gets its answers).
pub(crate) fn on_written(state: &mut State, id: u64, reply: WriteReply, effects: &mut Vec<Effect>) {
    with_flow(state, false, |flow, app| {
        flow.on_written(app, id, reply, effects);
        ((), Nav::Stay)
    });
}

/// An answer of the ledger thread for the flow nearest the top (the one that asked).
pub(crate) fn on_ledger(state: &mut State, id: u64, reply: LedgerReply, effects: &mut Vec<Effect>) {
    with_flow(state, false, |flow, app| {
        flow.on_ledger(app, id, reply, effects);
        ((), Nav::Stay)
    });
}

/// A reply of the reader for the flow that asked.
pub(crate) fn on_read(state: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
    with_flow(state, false, |flow, app| {
        flow.on_read(app, id, reply, effects);
        ((), Nav::Stay)
    });
}

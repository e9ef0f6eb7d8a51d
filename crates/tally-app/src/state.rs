//! The state machine: [`update`] takes the state and one [`Event`] and returns the effects to
//! perform. Pure: no I/O, no clock (times come in the events), no workflow rule (the worker
//! and the reader ask the core).
//!
//! Screens form a stack: sign-in alone before anyone signs in, home at the bottom after.
//! Every key goes through the wedge classifier first, so a scanner typing into the terminal is
//! a scan wherever it types; a line a person types and Enter is a scan wherever a scan is
//! expected.

use std::collections::BTreeMap;

use tally_replica::workflow::Session;

use crate::event::{
    DeviceEvent, DeviceKind, Effect, Event, Failure, HomeSummary, Key, ReadReply, ReadRequest,
    Tone, WriteReply, WriteRequest,
};
use crate::screens::{self, sign_in};
use crate::text::{Language, Msg, Words};
use crate::wedge::{Classified, Wedge, WedgeConfig, WedgeKey};

pub use crate::screens::{Screen, SignInStep};

/// Longest text a field takes (the core's longest identifier).
pub const INPUT_MAX: usize = tally_replica::workflow::ID_LEN_MAX;
/// How often home's tasks and sync state are read again while home is shown.
pub const HOME_REFRESH_MS: u64 = 5_000;

/// What the state machine is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Language before anyone signs in, and of users without their own.
    pub language: Language,
    /// Each user's language, by badge.
    pub user_languages: BTreeMap<String, Language>,
    /// Lock after this long without a key (0: never).
    pub auto_lock_ms: u64,
    /// How long the status line flashes after a signal.
    pub flash_ms: u64,
    /// Keyboard-wedge timing.
    pub wedge: WedgeConfig,
    /// The configured scales whose stable weights are recorded (device, register id,
    /// division): a weighing on 1 Receive or 5 Count goes to the floor layer with them.
    pub scales: Vec<tally_floor::ScaleSetup>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::English,
            user_languages: BTreeMap::new(),
            auto_lock_ms: 5 * 60 * 1_000,
            flash_ms: 700,
            wedge: WedgeConfig::default(),
            scales: Vec::new(),
        }
    }
}

/// The status line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusLine {
    /// What it says.
    pub text: String,
    /// Success or error, when it reports one.
    pub tone: Option<Tone>,
    /// Flashing (whole line in colour) until this time.
    pub flash_until_ms: u64,
}

/// What the devices last reported (`None`: not heard from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Devices {
    /// Scanner connected.
    pub scanner: Option<bool>,
    /// RFID reader connected.
    pub rfid: Option<bool>,
    /// Scale connected.
    pub scale: Option<bool>,
    /// Live weight (mg) and whether it is stable.
    pub weight: Option<(i64, bool)>,
    /// The scale reads no weight: over capacity (`true`) or under its lower limit.
    pub out_of_range: Option<bool>,
}

/// The whole state of the app.
#[derive(Debug, Clone)]
pub struct State {
    /// Configuration.
    pub settings: Settings,
    wedge: Wedge,
    /// The latest time seen (ms, monotonic).
    pub now_ms: u64,
    /// When the last key arrived.
    pub last_key_ms: u64,
    /// Who is signed in.
    pub session: Option<Session>,
    /// The language shown.
    pub language: Language,
    /// The screen stack (never empty; the last is shown).
    pub screens: Vec<Screen>,
    /// The text being typed on the current screen.
    pub input: String,
    /// The keys of the current screen are shown.
    pub help: bool,
    /// The first help line shown (the arrows scroll a help longer than the screen).
    pub help_scroll: usize,
    /// The sign-out question is shown.
    pub confirm_sign_out: bool,
    /// Scans that arrived while a question was shown, handled in order when it closes.
    pub held_scans: Vec<String>,
    /// A letter typed alone on a flow's screen, with when: the screen's key once no scanner
    /// burst follows it within the wedge's gap (then it is text).
    pub pending_key: Option<(char, u64)>,
    /// The status line.
    pub status: StatusLine,
    /// Device status.
    pub devices: Devices,
    /// The sync daemon's last report (`None`: no sync daemon).
    pub sync_online: Option<bool>,
    /// The replica's sync state as the sync watcher last read it (`None`: not read yet).
    pub sync: Option<crate::event::SyncDetail>,
    /// Home's tasks and sync state, when read.
    pub home: Option<HomeSummary>,
    pub(crate) home_read_at_ms: u64,
    pub(crate) write_wait: Option<u64>,
    pub(crate) home_wait: Option<u64>,
    pub(crate) lookup_wait: Option<u64>,
    next_id: u64,
    /// The worker is gone: nothing can be recorded.
    pub worker_gone: bool,
    /// Quit was asked for.
    pub quitting: bool,
}

impl State {
    /// The state at start: sign-in, nobody signed in.
    pub fn new(settings: Settings, now_ms: u64) -> State {
        State {
            wedge: Wedge::new(settings.wedge),
            language: settings.language,
            settings,
            now_ms,
            last_key_ms: now_ms,
            session: None,
            screens: vec![Screen::SignIn(SignInStep::Badge)],
            input: String::new(),
            help: false,
            help_scroll: 0,
            confirm_sign_out: false,
            held_scans: Vec::new(),
            pending_key: None,
            status: StatusLine::default(),
            devices: Devices::default(),
            sync_online: None,
            sync: None,
            home: None,
            home_read_at_ms: 0,
            write_wait: None,
            home_wait: None,
            lookup_wait: None,
            next_id: 1,
            worker_gone: false,
            quitting: false,
        }
    }

    /// The screen shown.
    pub fn screen(&self) -> &Screen {
        // `screens` is never empty: every pop keeps the bottom screen.
        self.screens
            .last()
            .unwrap_or(&Screen::SignIn(SignInStep::Badge))
    }

    /// Whether the current field takes a PIN (shown masked).
    pub fn masked(&self) -> bool {
        matches!(
            self.screen(),
            Screen::SignIn(SignInStep::Pin { .. }) | Screen::Locked
        ) || self.screen().flow().is_some_and(|flow| flow.masked())
    }

    /// Waiting for the worker or the reader on this screen.
    pub fn busy(&self) -> bool {
        self.write_wait.is_some() || self.lookup_wait.is_some()
    }

    /// A new request id (a flow that sends its own writes waits for it).
    pub(crate) fn next_request_id(&mut self) -> u64 {
        self.id()
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Shows `words` on the status line, without a signal.
    pub(crate) fn say(&mut self, words: impl Words) {
        self.status = StatusLine {
            text: words.text(self.language),
            tone: None,
            flash_until_ms: 0,
        };
    }

    /// Shows `text` on the status line with a success or error signal and a flash.
    pub(crate) fn signal(&mut self, tone: Tone, text: String, effects: &mut Vec<Effect>) {
        self.status = StatusLine {
            text,
            tone: Some(tone),
            flash_until_ms: self.now_ms.saturating_add(self.settings.flash_ms),
        };
        effects.push(Effect::Signal(tone));
    }

    /// Shows a failure with the error signal.
    pub(crate) fn fail(&mut self, failure: &Failure, effects: &mut Vec<Effect>) {
        let text = failure.message(self.language);
        self.signal(Tone::Error, text, effects);
    }

    /// Opens `screen` over the one shown.
    pub(crate) fn go(&mut self, screen: Screen) {
        self.input.clear();
        self.help = false;
        self.screens.push(screen);
    }

    /// Sends a read; returns its id.
    pub(crate) fn read(&mut self, request: ReadRequest, effects: &mut Vec<Effect>) -> u64 {
        let id = self.id();
        effects.push(Effect::Read { id, request });
        id
    }

    /// Sends a write; a sign-in's answer is awaited by the screen, a sign-out's is not.
    pub(crate) fn write(&mut self, request: WriteRequest, effects: &mut Vec<Effect>) {
        let id = self.id();
        if matches!(request, WriteRequest::SignIn { .. }) {
            self.write_wait = Some(id);
        }
        effects.push(Effect::Write { id, request });
    }

    /// Sends a write a screen waits for; returns its id.
    pub(crate) fn write_id(&mut self, request: WriteRequest, effects: &mut Vec<Effect>) -> u64 {
        let id = self.id();
        effects.push(Effect::Write { id, request });
        id
    }

    /// Reads home's tasks and sync state again.
    pub(crate) fn read_home(&mut self, effects: &mut Vec<Effect>) {
        if let Some(session) = &self.session {
            let request = ReadRequest::Home {
                badge: session.badge.clone(),
            };
            let id = self.read(request, effects);
            self.home_wait = Some(id);
            self.home_read_at_ms = self.now_ms;
        }
    }

    /// Back one screen to home: what the screen waited for is forgotten, home is read again.
    pub(crate) fn back(&mut self, effects: &mut Vec<Effect>) {
        self.screens.pop();
        self.returned_home(effects);
    }

    /// After a screen was closed: what it waited for is forgotten, home is read again.
    pub(crate) fn returned_home(&mut self, effects: &mut Vec<Effect>) {
        self.input.clear();
        self.lookup_wait = None;
        self.status = StatusLine::default();
        self.read_home(effects);
    }

    /// Records the sign-out of whoever is signed in and goes back to sign-in.
    pub(crate) fn sign_out(&mut self, effects: &mut Vec<Effect>) {
        self.write_wait = None;
        if let Some(session) = self.session.take() {
            let request = WriteRequest::SignOut {
                badge: session.badge,
            };
            self.write(request, effects);
        }
        self.screens = vec![Screen::SignIn(SignInStep::Badge)];
        self.input.clear();
        self.help = false;
        self.confirm_sign_out = false;
        self.home = None;
        self.lookup_wait = None;
        self.home_wait = None;
        self.language = self.settings.language;
        self.say(Msg::SignedOut);
    }
}

/// Takes one event; returns what to do. Never blocks, never does I/O.
pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    let mut effects = Vec::new();
    match event {
        Event::Key { key, at_ms } => {
            state.now_ms = state.now_ms.max(at_ms);
            state.last_key_ms = state.now_ms;
            on_key(state, key, at_ms, &mut effects);
        }
        Event::Tick { now_ms } => {
            state.now_ms = state.now_ms.max(now_ms);
            on_tick(state, &mut effects);
        }
        Event::Device(device) => on_device(state, device, &mut effects),
        Event::Sync(status) => {
            // Online or offline is known once tallyd has tried (or when the report says only
            // that).
            state.sync_online = match &status.detail {
                Some(detail) => detail.summary.online(),
                None => Some(status.online),
            };
            if status.detail.is_some() {
                state.sync = status.detail;
            }
        }
        Event::Ledger { id, reply } => screens::on_ledger(state, id, reply, &mut effects),
        Event::Written { id, reply } => on_written(state, id, reply, &mut effects),
        Event::Read { id, reply } => on_read(state, id, reply, &mut effects),
        Event::WorkerGone => {
            state.worker_gone = true;
            state.write_wait = None;
            state.home_wait = None;
            state.lookup_wait = None;
            let text = Msg::WorkerGone.text(state.language);
            state.signal(Tone::Error, text, &mut effects);
        }
    }
    effects
}

fn on_key(state: &mut State, key: Key, at_ms: u64, effects: &mut Vec<Effect>) {
    if let Some((c, typed_ms)) = state.pending_key.take() {
        // A burst's first key may have been read alone, the rest after a short stall (see
        // `wedge`): within that window the letter is text, never the screen's key.
        let burst_window = state
            .settings
            .wedge
            .max_gap_ms
            .saturating_mul(crate::wedge::STALL_FACTOR);
        let in_a_burst = matches!(key, Key::Char(_) | Key::Enter | Key::Tab)
            && at_ms.saturating_sub(typed_ms) <= burst_window;
        if in_a_burst {
            // A scanner's burst began with it: it is text (the wedge counts it in the burst).
            state.input.push(c);
        } else {
            run_pending_key(state, c, effects);
        }
    }
    let wedge_key = match key {
        Key::Char(c) => WedgeKey::Char(c),
        Key::Enter => WedgeKey::Enter,
        Key::Tab => WedgeKey::Tab,
        _ => WedgeKey::Other,
    };
    match state.wedge.feed(wedge_key, at_ms) {
        Classified::Scan { text, erase } => {
            // Control characters of the burst (GS between GS1 fields) were never echoed.
            let echoed = erase.saturating_sub(text.chars().filter(|c| c.is_control()).count());
            for _ in 0..echoed {
                if state.input.pop().is_none() {
                    break;
                }
            }
            on_scan(state, text, effects);
        }
        Classified::Char(c) => on_char(state, c),
        Classified::Enter => on_enter(state, effects),
        Classified::Tab => {}
        Classified::Other => on_other_key(state, key, effects),
    }
}

/// A letter that stood alone: the screen's key if it has one, else text.
fn run_pending_key(state: &mut State, c: char, effects: &mut Vec<Effect>) {
    if screens::on_command(state, c, effects) {
        state.wedge.taken_as_key();
    } else if state.input.chars().count() < INPUT_MAX {
        state.input.push(c);
    }
}

fn on_char(state: &mut State, c: char) {
    if state.help {
        state.help = false;
        return;
    }
    if state.confirm_sign_out {
        return;
    }
    if c == '?' && state.input.is_empty() {
        state.help = true;
        state.help_scroll = 0;
        return;
    }
    if state.input.is_empty()
        && c.is_ascii_lowercase()
        && state.screen().flow().is_some_and(|f| !f.asking())
    {
        // Maybe a screen's key, maybe the first character of a scanner's burst: decided when
        // the next key comes (fast: a burst) or the clock shows none came.
        state.pending_key = Some((c, state.now_ms));
        return;
    }
    if c.is_control() || state.input.chars().count() >= INPUT_MAX {
        return;
    }
    state.input.push(c);
}

fn on_other_key(state: &mut State, key: Key, effects: &mut Vec<Effect>) {
    match key {
        Key::F(1) => {
            state.help = !state.help;
            state.help_scroll = 0;
            state.input.clear();
        }
        Key::F(2) => {
            state.language = match state.language {
                Language::English => Language::Spanish,
                Language::Spanish => Language::English,
            };
            state.say(Msg::LanguageSet);
        }
        Key::Esc => on_esc(state, effects),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Up | Key::Down => on_arrow(state, key == Key::Up),
        Key::Lock if state.session.is_some() && *state.screen() != Screen::Locked => lock(state),
        Key::Quit => {
            if state.session.is_some() {
                state.sign_out(effects);
            }
            state.quitting = true;
            effects.push(Effect::Quit);
        }
        _ => {}
    }
}

fn on_arrow(state: &mut State, up: bool) {
    if state.help {
        // The arrows scroll a help longer than the screen (the render stops at its end).
        let last = crate::render::help_lines(state).len().saturating_sub(1);
        state.help_scroll = if up {
            state.help_scroll.saturating_sub(1)
        } else {
            (state.help_scroll + 1).min(last)
        };
        return;
    }
    if state.confirm_sign_out {
        return;
    }
    screens::on_arrow(state, up);
}

fn on_esc(state: &mut State, effects: &mut Vec<Effect>) {
    if state.help {
        state.help = false;
        return;
    }
    if state.confirm_sign_out {
        state.confirm_sign_out = false;
        replay_held_scans(state, effects);
        return;
    }
    let asking = screens::asking(state);
    screens::on_esc(state, effects);
    if asking && !screens::asking(state) {
        replay_held_scans(state, effects);
    }
}

/// Handles the scans held while a question was shown, in the order they came.
fn replay_held_scans(state: &mut State, effects: &mut Vec<Effect>) {
    for scan in std::mem::take(&mut state.held_scans) {
        on_scan(state, scan, effects);
    }
}

fn lock(state: &mut State) {
    state.input.clear();
    state.pending_key = None;
    state.help = false;
    state.confirm_sign_out = false;
    state.held_scans.clear();
    state.screens.push(Screen::Locked);
}

fn on_enter(state: &mut State, effects: &mut Vec<Effect>) {
    if state.help {
        state.help = false;
        return;
    }
    if state.confirm_sign_out {
        state.sign_out(effects);
        replay_held_scans(state, effects);
        return;
    }
    let typed = std::mem::take(&mut state.input);
    let asking = screens::asking(state);
    screens::on_enter(state, typed, effects);
    if asking && !screens::asking(state) {
        replay_held_scans(state, effects);
    }
}

/// Signs `badge` in with `pin` as if typed at the sign-in screen (the demo starts signed in as
/// its receiver): the PIN screen shows "checking" until the worker answers.
pub fn sign_in(state: &mut State, badge: String, pin: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    sign_in::start_pin(state, badge.clone());
    state.say(Msg::Checking);
    state.write(WriteRequest::SignIn { badge, pin }, &mut effects);
    effects
}

fn on_scan(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    let scan = scan.trim().to_owned();
    if scan.is_empty() {
        return;
    }
    state.help = false;
    if state.confirm_sign_out || screens::asking(state) {
        // A question never takes a scan as its answer; the scan waits for the answer.
        state.held_scans.push(scan);
        let held = if state.confirm_sign_out {
            Msg::ScanHeld
        } else {
            Msg::ScanHeldAnswerFirst
        };
        let text = held.text(state.language);
        state.signal(Tone::Error, text, effects);
        return;
    }
    screens::on_scan(state, scan, effects);
}

fn on_tick(state: &mut State, effects: &mut Vec<Effect>) {
    if let Some((c, typed_ms)) = state.pending_key {
        if state.now_ms.saturating_sub(typed_ms) > state.settings.wedge.max_gap_ms {
            state.pending_key = None;
            run_pending_key(state, c, effects);
        }
    }
    let idle = state.now_ms.saturating_sub(state.last_key_ms);
    let auto_lock = state.settings.auto_lock_ms;
    if state.session.is_some()
        && auto_lock > 0
        && idle >= auto_lock
        && *state.screen() != Screen::Locked
    {
        lock(state);
        state.say(Msg::LockedAfter(auto_lock.div_ceil(60_000)));
    }
    if matches!(state.screen(), Screen::Home { .. })
        && state.home_wait.is_none()
        && state.now_ms.saturating_sub(state.home_read_at_ms) >= HOME_REFRESH_MS
    {
        state.read_home(effects);
    }
}

fn on_device(state: &mut State, device: DeviceEvent, effects: &mut Vec<Effect>) {
    match device {
        DeviceEvent::Connected { device, connected } => {
            let slot = match device {
                DeviceKind::Scanner => &mut state.devices.scanner,
                DeviceKind::Rfid => &mut state.devices.rfid,
                DeviceKind::Scale => &mut state.devices.scale,
            };
            *slot = Some(connected);
            if device == DeviceKind::Scale && !connected {
                state.devices.weight = None;
                state.devices.out_of_range = None;
            }
            screens::on_device(
                state,
                &DeviceEvent::Connected { device, connected },
                effects,
            );
        }
        DeviceEvent::Weight { milligrams, stable } => {
            state.devices.scale = Some(true);
            state.devices.weight = Some((milligrams, stable));
            state.devices.out_of_range = None;
            screens::on_device(state, &DeviceEvent::Weight { milligrams, stable }, effects);
        }
        DeviceEvent::ScaleOutOfRange { over } => {
            state.devices.scale = Some(true);
            state.devices.weight = None;
            state.devices.out_of_range = Some(over);
            screens::on_device(state, &DeviceEvent::ScaleOutOfRange { over }, effects);
        }
        DeviceEvent::Scan { text } => {
            state.devices.scanner = Some(true);
            // A person pulling the trigger is using the device.
            state.last_key_ms = state.now_ms;
            on_scan(state, text, effects);
        }
        DeviceEvent::Floor(input) => {
            match input.event {
                tally_drivers::event::DeviceEvent::TagRead { .. } => {
                    state.devices.rfid = Some(true);
                }
                tally_drivers::event::DeviceEvent::Weight(_) => state.devices.scale = Some(true),
                _ => {}
            }
            // The screens that weigh (receiving, counting, destruction) and sweep (counting)
            // hand it to the worker, which runs `tally_floor::Floor::handle`.
            screens::on_device(state, &DeviceEvent::Floor(input), effects);
        }
        DeviceEvent::Problem { device, problem } => {
            let name = match device {
                DeviceKind::Scanner => screens::home::text::Text::Scanner,
                DeviceKind::Rfid => screens::home::text::Text::Rfid,
                DeviceKind::Scale => screens::home::text::Text::Scale,
            };
            let text = format!(
                "{}: {}",
                name.text(state.language),
                problem.message(state.language)
            );
            state.signal(Tone::Error, text, effects);
        }
    }
}

fn on_written(state: &mut State, id: u64, reply: WriteReply, effects: &mut Vec<Effect>) {
    match reply {
        WriteReply::SignedIn(answer) => sign_in::on_signed_in(state, id, answer, effects),
        WriteReply::SignedOut(Err(failure)) => state.fail(&failure, effects),
        WriteReply::SignedOut(Ok(())) => {}
        reply @ (WriteReply::Count(_)
        | WriteReply::Supervised(_)
        | WriteReply::Picked(_)
        | WriteReply::MarkedReady(_)
        | WriteReply::Destroyed(_)) => screens::on_written(state, id, reply, effects),
        other => screens::on_flow_written(state, id, other, effects),
    }
}

fn on_read(state: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
    match reply {
        ReadReply::Home(answer) => screens::home::on_read(state, id, answer, effects),
        ReadReply::Lookup(answer) => screens::lookup::on_read(state, id, answer, effects),
        reply @ (ReadReply::CountTasks(_)
        | ReadReply::MyCountLines(_)
        | ReadReply::SupervisorWork(_)
        | ReadReply::PickLists(_)
        | ReadReply::Outbound(_)
        | ReadReply::Loading(_)
        | ReadReply::Review(_)) => screens::on_read(state, id, reply, effects),
        other => screens::on_flow_read(state, id, other, effects),
    }
}

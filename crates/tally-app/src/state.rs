//! The state machine: [`update`] takes the state and one [`Event`] and returns the effects to
//! perform. Pure: no I/O, no clock (times come in the events), no workflow rule (the worker
//! and the reader ask the core).
//!
//! Screens form a stack: sign-in alone before anyone signs in, home at the bottom after.
//! Every key goes through the wedge classifier first, so a scanner typing into the terminal is
//! a scan wherever it types; a line a person types and Enter is a scan wherever a scan is
//! expected.

use std::collections::BTreeMap;

use tally_replica::workflow::lookup::Found;
use tally_replica::workflow::Session;
use tally_replica::Refusal;

use crate::event::{
    DeviceEvent, DeviceKind, Effect, Event, Failure, HomeSummary, Key, ReadReply, ReadRequest,
    Tone, WriteReply, WriteRequest,
};
use crate::menu::{Entry, MENU};
use crate::text::{Language, Msg};
use crate::wedge::{Classified, Wedge, WedgeConfig, WedgeKey};

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::English,
            user_languages: BTreeMap::new(),
            auto_lock_ms: 5 * 60 * 1_000,
            flash_ms: 700,
            wedge: WedgeConfig::default(),
        }
    }
}

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

/// A screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Sign-in.
    SignIn(SignInStep),
    /// Locked after inactivity: the signed-in user's PIN goes on.
    Locked,
    /// Home: the menu; `selected` is the marked row.
    Home {
        /// Index into [`MENU`].
        selected: usize,
    },
    /// 6 Lookup.
    Lookup {
        /// The answer shown, if any.
        found: Option<Found>,
        /// First history row shown.
        scroll: usize,
    },
    /// An entry whose flow this version does not have.
    NotBuilt(Entry),
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
    /// The sign-out question is shown.
    pub confirm_sign_out: bool,
    /// Scans that arrived while a question was shown, handled in order when it closes.
    pub held_scans: Vec<String>,
    /// The status line.
    pub status: StatusLine,
    /// Device status.
    pub devices: Devices,
    /// The sync daemon's last report (`None`: no sync daemon).
    pub sync_online: Option<bool>,
    /// Home's tasks and sync state, when read.
    pub home: Option<HomeSummary>,
    home_read_at_ms: u64,
    write_wait: Option<u64>,
    home_wait: Option<u64>,
    lookup_wait: Option<u64>,
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
            confirm_sign_out: false,
            held_scans: Vec::new(),
            status: StatusLine::default(),
            devices: Devices::default(),
            sync_online: None,
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
        )
    }

    /// Waiting for the worker or the reader on this screen.
    pub fn busy(&self) -> bool {
        self.write_wait.is_some() || self.lookup_wait.is_some()
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn say(&mut self, msg: Msg) {
        self.status = StatusLine {
            text: msg.text(self.language),
            tone: None,
            flash_until_ms: 0,
        };
    }

    fn signal(&mut self, tone: Tone, text: String, effects: &mut Vec<Effect>) {
        self.status = StatusLine {
            text,
            tone: Some(tone),
            flash_until_ms: self.now_ms.saturating_add(self.settings.flash_ms),
        };
        effects.push(Effect::Signal(tone));
    }

    fn fail(&mut self, failure: &Failure, effects: &mut Vec<Effect>) {
        let text = failure.message(self.language);
        self.signal(Tone::Error, text, effects);
    }

    fn go(&mut self, screen: Screen) {
        self.input.clear();
        self.help = false;
        self.screens.push(screen);
    }

    fn read(&mut self, request: ReadRequest, effects: &mut Vec<Effect>) -> u64 {
        let id = self.id();
        effects.push(Effect::Read { id, request });
        id
    }

    /// Sends a write; a sign-in's answer is awaited by the screen, a sign-out's is not.
    fn write(&mut self, request: WriteRequest, effects: &mut Vec<Effect>) {
        let id = self.id();
        if matches!(request, WriteRequest::SignIn { .. }) {
            self.write_wait = Some(id);
        }
        effects.push(Effect::Write { id, request });
    }

    fn read_home(&mut self, effects: &mut Vec<Effect>) {
        if let Some(session) = &self.session {
            let request = ReadRequest::Home {
                badge: session.badge.clone(),
            };
            let id = self.read(request, effects);
            self.home_wait = Some(id);
            self.home_read_at_ms = self.now_ms;
        }
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
        Event::Sync(status) => state.sync_online = Some(status.online),
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
    let wedge_key = match key {
        Key::Char(c) => WedgeKey::Char(c),
        Key::Enter => WedgeKey::Enter,
        Key::Tab => WedgeKey::Tab,
        _ => WedgeKey::Other,
    };
    match state.wedge.feed(wedge_key, at_ms) {
        Classified::Scan { text, erase } => {
            for _ in 0..erase {
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
                sign_out(state, effects);
            }
            state.quitting = true;
            effects.push(Effect::Quit);
        }
        _ => {}
    }
}

fn on_arrow(state: &mut State, up: bool) {
    if state.help || state.confirm_sign_out {
        return;
    }
    match state.screens.last_mut() {
        Some(Screen::Home { selected }) => *selected = crate::list::step(*selected, MENU.len(), up),
        Some(Screen::Lookup { scroll, .. }) => {
            *scroll = if up {
                scroll.saturating_sub(1)
            } else {
                scroll
                    .saturating_add(1)
                    .min(tally_replica::workflow::lookup::HISTORY_MAX)
            };
        }
        _ => {}
    }
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
    match state.screen().clone() {
        Screen::SignIn(SignInStep::Pin { .. }) => {
            state.write_wait = None;
            state.screens = vec![Screen::SignIn(SignInStep::Badge)];
            state.input.clear();
            state.say(Msg::ScanBadge);
        }
        Screen::SignIn(SignInStep::Badge) | Screen::Locked => state.input.clear(),
        Screen::Home { .. } => {
            state.input.clear();
            state.confirm_sign_out = true;
        }
        Screen::Lookup { .. } | Screen::NotBuilt(_) => {
            state.screens.pop();
            state.input.clear();
            state.lookup_wait = None;
            state.status = StatusLine::default();
            state.read_home(effects);
        }
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
    state.help = false;
    state.confirm_sign_out = false;
    state.held_scans.clear();
    state.screens.push(Screen::Locked);
}

fn sign_out(state: &mut State, effects: &mut Vec<Effect>) {
    state.write_wait = None;
    if let Some(session) = state.session.take() {
        let request = WriteRequest::SignOut {
            badge: session.badge,
        };
        state.write(request, effects);
    }
    state.screens = vec![Screen::SignIn(SignInStep::Badge)];
    state.input.clear();
    state.help = false;
    state.confirm_sign_out = false;
    state.home = None;
    state.lookup_wait = None;
    state.home_wait = None;
    state.language = state.settings.language;
    state.say(Msg::SignedOut);
}

fn on_enter(state: &mut State, effects: &mut Vec<Effect>) {
    if state.help {
        state.help = false;
        return;
    }
    if state.confirm_sign_out {
        sign_out(state, effects);
        replay_held_scans(state, effects);
        return;
    }
    let typed = std::mem::take(&mut state.input);
    let typed_trimmed = typed.trim();
    match state.screen().clone() {
        Screen::SignIn(SignInStep::Badge) => {
            if !typed_trimmed.is_empty() {
                start_pin(state, typed_trimmed.to_owned());
            }
        }
        Screen::SignIn(SignInStep::Pin { badge }) => {
            if !typed.is_empty() {
                state.say(Msg::Checking);
                state.write(WriteRequest::SignIn { badge, pin: typed }, effects);
            }
        }
        Screen::Locked => {
            if let (false, Some(session)) = (typed.is_empty(), state.session.clone()) {
                state.say(Msg::Checking);
                let request = WriteRequest::SignIn {
                    badge: session.badge,
                    pin: typed,
                };
                state.write(request, effects);
            }
        }
        Screen::Home { selected } => {
            let entry = if typed_trimmed.is_empty() {
                MENU.get(selected).copied()
            } else {
                Entry::from_typed(typed_trimmed)
            };
            match entry {
                Some(entry) => open_entry(state, entry, effects),
                None => {
                    let text = Msg::NoSuchEntry(typed_trimmed.to_owned()).text(state.language);
                    state.signal(Tone::Error, text, effects);
                }
            }
        }
        Screen::Lookup { .. } => {
            if !typed_trimmed.is_empty() {
                look_up(state, typed_trimmed.to_owned(), effects);
            }
        }
        Screen::NotBuilt(_) => {}
    }
}

/// Signs `badge` in with `pin` as if typed at the sign-in screen (the demo starts signed in as
/// its receiver): the PIN screen shows "checking" until the worker answers.
pub fn sign_in(state: &mut State, badge: String, pin: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    start_pin(state, badge.clone());
    state.say(Msg::Checking);
    state.write(WriteRequest::SignIn { badge, pin }, &mut effects);
    effects
}

fn start_pin(state: &mut State, badge: String) {
    state.write_wait = None;
    state.say(Msg::EnterPin(badge.clone()));
    state.screens = vec![Screen::SignIn(SignInStep::Pin { badge })];
    state.input.clear();
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
    match entry {
        Entry::Lookup => {
            state.go(Screen::Lookup {
                found: None,
                scroll: 0,
            });
            state.say(Msg::LookupPrompt);
        }
        other => state.go(Screen::NotBuilt(other)),
    }
}

fn look_up(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    state.say(Msg::LookingUp(scan.clone()));
    let id = state.read(ReadRequest::Lookup { scan }, effects);
    state.lookup_wait = Some(id);
}

fn on_scan(state: &mut State, scan: String, effects: &mut Vec<Effect>) {
    let scan = scan.trim().to_owned();
    if scan.is_empty() {
        return;
    }
    state.help = false;
    if state.confirm_sign_out {
        // A question never takes a scan as its answer; the scan waits for the answer.
        state.held_scans.push(scan);
        let text = Msg::ScanHeld.text(state.language);
        state.signal(Tone::Error, text, effects);
        return;
    }
    match state.screen().clone() {
        Screen::SignIn(_) => start_pin(state, scan),
        Screen::Locked => {
            // Another person: the one signed in is signed out first.
            sign_out(state, effects);
            start_pin(state, scan);
        }
        Screen::Home { .. } => {
            state.go(Screen::Lookup {
                found: None,
                scroll: 0,
            });
            if state
                .session
                .as_ref()
                .is_some_and(|s| Entry::Lookup.withheld_from(s.role).is_none())
            {
                look_up(state, scan, effects);
            }
        }
        Screen::Lookup { .. } => look_up(state, scan, effects),
        Screen::NotBuilt(_) => {
            let text = Msg::ScanNotHere.text(state.language);
            state.signal(Tone::Error, text, effects);
        }
    }
}

fn on_tick(state: &mut State, effects: &mut Vec<Effect>) {
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
            }
        }
        DeviceEvent::Weight { milligrams, stable } => {
            state.devices.scale = Some(true);
            state.devices.weight = Some((milligrams, stable));
        }
        DeviceEvent::Scan { text } => {
            state.devices.scanner = Some(true);
            // A person pulling the trigger is using the device.
            state.last_key_ms = state.now_ms;
            on_scan(state, text, effects);
        }
        DeviceEvent::Floor(input) => on_floor_input(state, input, effects),
        DeviceEvent::Problem { device, problem } => {
            let name = match device {
                DeviceKind::Scanner => Msg::Scanner,
                DeviceKind::Rfid => Msg::Rfid,
                DeviceKind::Scale => Msg::Scale,
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

/// A stable weight or a tag read for the floor layer. The screens that weigh (receiving,
/// counting, destruction) and sweep (counting) take it here and hand it to the worker, which
/// runs `tally_floor::Floor::handle`; on the other screens it only shows the device is alive.
fn on_floor_input(state: &mut State, input: tally_floor::DeviceInput, _effects: &mut Vec<Effect>) {
    match input.event {
        tally_drivers::event::DeviceEvent::TagRead { .. } => state.devices.rfid = Some(true),
        tally_drivers::event::DeviceEvent::Weight(_) => state.devices.scale = Some(true),
        _ => {}
    }
}

fn on_written(state: &mut State, id: u64, reply: WriteReply, effects: &mut Vec<Effect>) {
    match reply {
        WriteReply::SignedIn(answer) => {
            // A late answer to a sign-in the person left (Esc, another badge) is dropped.
            if state.write_wait != Some(id) {
                return;
            }
            state.write_wait = None;
            match answer {
                Ok(session) => signed_in(state, session, effects),
                Err(failure) => {
                    state.input.clear();
                    let locked_out =
                        matches!(failure, Failure::Refused(Refusal::BadgeLockedOut { .. }));
                    if *state.screen() == Screen::Locked {
                        if locked_out {
                            // Nobody stays signed in behind a locked-out badge.
                            sign_out(state, effects);
                        }
                    } else {
                        state.screens = vec![Screen::SignIn(SignInStep::Badge)];
                    }
                    state.fail(&failure, effects);
                }
            }
        }
        WriteReply::SignedOut(Err(failure)) => state.fail(&failure, effects),
        WriteReply::SignedOut(Ok(())) => {}
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
    let text = Msg::Welcome(session.badge.clone()).text(state.language);
    state.session = Some(session);
    state.signal(Tone::Success, text, effects);
    if matches!(state.screen(), Screen::Home { .. }) {
        state.read_home(effects);
    }
}

fn on_read(state: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
    match reply {
        ReadReply::Home(answer) => {
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
        ReadReply::Lookup(answer) => {
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
                        Found::Package(p) => Msg::FoundPackage(p.uid.clone()),
                        Found::Location(l) => Msg::FoundLocation(l.location.id.clone()),
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
    }
}

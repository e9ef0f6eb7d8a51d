//! Shared fixture of the app's tests: a real demo replica (a SQLite file and a key file in
//! different directories, a manual clock so timestamps are the same every run) and a driver
//! that runs the state machine the way the runtime does, minus the threads: each effect is
//! performed on the real replica (writes, as the worker does) or on a read-only connection to
//! it (reads, as the reader does), and the answer goes back in as the next event.

#![allow(dead_code)]

use std::path::PathBuf;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::Connection;
use tally_app::event::{Effect, Event, Key};
use tally_app::render::render;
use tally_app::state::{update, Settings, State};
use tally_events::{ManualClock, PinParams, Timestamp};
use tally_replica::Replica;

/// A typed key's gap: a person.
pub const PERSON_GAP_MS: u64 = 150;
/// A wedge scanner's gap.
pub const SCANNER_GAP_MS: u64 = 2;

pub struct App {
    pub dir: tempfile::TempDir,
    pub replica: Replica,
    pub view: Connection,
    pub state: State,
    pub now_ms: u64,
    /// Every signal rung, in order.
    pub signals: Vec<tally_app::event::Tone>,
    pub scale_commands: Vec<tally_app::event::ScaleCommand>,
    /// Answers the ledger thread gives next, in order, in place of asking the replica's
    /// ledger (tests of screens over a ledger the fixture does not run); empty: ask it.
    pub ledger_answers: Vec<tally_app::event::LedgerReply>,
}

/// The tests' wall clock: 2026-11-18 11:06 UTC.
pub const WALL_UNIX_MS: i64 = 1_795_000_000_000;

pub fn clock() -> Box<ManualClock> {
    clock_at(WALL_UNIX_MS)
}

pub fn clock_at(wall_unix_ms: i64) -> Box<ManualClock> {
    Box::new(ManualClock::new(Timestamp {
        wall_unix_ms,
        boot_id: [7; 16],
        since_boot_us: 1_000,
    }))
}

impl App {
    /// A demo facility with `packages` packages and the app at sign-in.
    pub fn demo(packages: usize) -> App {
        App::demo_with(packages, Settings::default())
    }

    pub fn demo_with(packages: usize, settings: Settings) -> App {
        App::demo_at(packages, settings, WALL_UNIX_MS)
    }

    /// A demo facility whose device clock reads `wall_unix_ms`.
    pub fn demo_at(packages: usize, settings: Settings, wall_unix_ms: i64) -> App {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::create_dir(dir.path().join("keys")).unwrap();
        let db = dir.path().join("data/replica.db");
        let key = dir.path().join("keys/device.key");
        let mut replica = Replica::init(
            &db,
            &key,
            clock_at(wall_unix_ms),
            tally_events::payload::DeviceEnrolled {
                facility: tally_replica::seed::FACILITY.into(),
                hardware_serial: "TEST".into(),
                enrollment_token_sha256: tally_events::Sha256Hash::of(b"t"),
                previous_device: None,
            },
        )
        .unwrap();
        tally_replica::seed::demo_with_pin_params(&mut replica, packages, 1, &PinParams::TEST)
            .unwrap();
        let view = tally_replica::db::open_read_only(&db).unwrap();
        App {
            dir,
            replica,
            view,
            state: State::new(settings, 1_000),
            now_ms: 1_000,
            signals: Vec::new(),
            scale_commands: Vec::new(),
            ledger_answers: Vec::new(),
        }
    }

    /// The first batch (by id) of the demo's item `item`.
    pub fn batch_of(&self, item: &str) -> String {
        self.view
            .query_row(
                "SELECT id FROM batches WHERE item_id = ?1 ORDER BY id LIMIT 1",
                [item],
                |r| r.get(0),
            )
            .unwrap()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data/replica.db")
    }

    /// What the ledger thread uses: the replica, its key file, the config's ledger address.
    pub fn ledger_access(&self) -> tally_app::ledger::Access {
        tally_app::ledger::Access {
            db: self.db(),
            key: tally_app::config::KeyLocation::File(self.dir.path().join("keys/device.key")),
            key_options: Default::default(),
            ledger_url: None,
        }
    }

    /// Feeds one event and performs its effects until nothing is left to do.
    pub fn send(&mut self, event: Event) {
        let mut queue = vec![event];
        while let Some(event) = queue.pop() {
            for effect in update(&mut self.state, event) {
                match effect {
                    Effect::Write { id, request } => queue.insert(
                        0,
                        Event::Written {
                            id,
                            reply: tally_app::worker::perform(&mut self.replica, request),
                        },
                    ),
                    Effect::Read { id, request } => queue.insert(
                        0,
                        Event::Read {
                            id,
                            reply: tally_app::reader::perform(&self.view, request),
                        },
                    ),
                    Effect::Ledger { id, request } => {
                        let reply = if self.ledger_answers.is_empty() {
                            tally_app::ledger::perform(&self.ledger_access(), request)
                        } else {
                            self.ledger_answers.remove(0)
                        };
                        queue.insert(0, Event::Ledger { id, reply });
                    }
                    Effect::Signal(tone) => self.signals.push(tone),
                    Effect::ScaleCommand(command) => self.scale_commands.push(command),
                    Effect::Quit => {}
                }
            }
        }
    }

    pub fn key(&mut self, key: Key, gap_ms: u64) {
        self.now_ms += gap_ms;
        let at_ms = self.now_ms;
        self.send(Event::Key { key, at_ms });
    }

    /// A person types `text` (no Enter).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::Char(c), PERSON_GAP_MS);
        }
    }

    /// A person types `text` and presses Enter.
    pub fn type_line(&mut self, text: &str) {
        self.type_text(text);
        self.key(Key::Enter, PERSON_GAP_MS);
    }

    /// A keyboard-wedge scanner types `text` and Enter.
    pub fn wedge_scan(&mut self, text: &str) {
        self.now_ms += 1_000;
        for c in text.chars() {
            self.key(Key::Char(c), SCANNER_GAP_MS);
        }
        self.key(Key::Enter, SCANNER_GAP_MS);
    }

    pub fn press(&mut self, key: Key) {
        self.key(key, PERSON_GAP_MS);
    }

    /// Time passes (a tick at the new time).
    pub fn wait(&mut self, ms: u64) {
        self.now_ms += ms;
        let now_ms = self.now_ms;
        self.send(Event::Tick { now_ms });
    }

    pub fn sign_in(&mut self, badge: &str, pin: &str) {
        self.type_line(badge);
        self.type_line(pin);
    }

    /// The screen as text, with the status line's colours at the end.
    pub fn screen(&self, width: u16, height: u16) -> String {
        draw(&self.state, width, height)
    }
}

/// The device name the tests' scale has on the handheld (the demo's registered SCALE-01, an
/// MT-SICS balance by 0.01 g).
pub const SCALE_DEVICE: &str = "/dev/ttyTEST-scale";

/// The demo's SCALE-01 as the handheld's configured scale at `device`.
pub fn scale_setup(device: &str) -> tally_floor::ScaleSetup {
    tally_floor::ScaleSetup {
        device: device.into(),
        scale_id: "SCALE-01".into(),
        division: "0.01".into(),
    }
}

/// A weight as an MT-SICS balance by 0.01 g prints it (`412.37`).
pub fn printed(mg: i64) -> String {
    let cg = mg / 10;
    format!(
        "{}{}.{:02}",
        if cg < 0 { "-" } else { "" },
        cg.abs() / 100,
        cg.abs() % 100
    )
}

impl App {
    /// The handheld has the demo's SCALE-01 at [`SCALE_DEVICE`].
    pub fn with_scale(mut self) -> App {
        self.state.settings.scales = vec![scale_setup(SCALE_DEVICE)];
        self
    }

    /// The scale reads `mg`, as the device wiring reports it: the live weight, and a stable
    /// one also for the floor layer (the wiring sends it once per settled load).
    pub fn scale_reads(&mut self, mg: i64, stable: bool) {
        use tally_app::event::DeviceEvent;
        use tally_drivers::event::{DeviceEvent as Driver, WeightReading, WeightUnit};
        self.send(Event::Device(DeviceEvent::Weight {
            milligrams: mg,
            stable,
        }));
        if stable {
            let reading = WeightReading::new(printed(mg), WeightUnit::Gram, true);
            self.send(Event::Device(DeviceEvent::Floor(
                tally_floor::DeviceInput {
                    device: SCALE_DEVICE.into(),
                    event: Driver::Weight(reading),
                },
            )));
        }
    }

    /// The scale is over capacity (`over`) or under its lower limit.
    pub fn scale_out_of_range(&mut self, over: bool) {
        self.send(Event::Device(
            tally_app::event::DeviceEvent::ScaleOutOfRange { over },
        ));
    }

    /// The scale's cable is pulled (`false`) or plugged back (`true`).
    pub fn scale_connected(&mut self, connected: bool) {
        self.send(Event::Device(tally_app::event::DeviceEvent::Connected {
            device: tally_app::event::DeviceKind::Scale,
            connected,
        }));
    }

    /// Feeds the events of the app's device wiring (`DeviceLink`) from `inbox` into the state
    /// machine, as the runtime does, until `done` holds; fails after 20 s with the screen.
    pub fn pump(
        &mut self,
        inbox: &std::sync::mpsc::Receiver<Event>,
        what: &str,
        mut done: impl FnMut(&App) -> bool,
    ) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !done(self) {
            assert!(
                std::time::Instant::now() < until,
                "no {what} within 20 s; the screen shows:\n{}",
                self.screen(80, 24)
            );
            if let Ok(event) = inbox.recv_timeout(std::time::Duration::from_millis(50)) {
                self.send(event);
            }
        }
    }

    /// The last signal rung was success; fails with what the status line says.
    pub fn assert_succeeded(&self) {
        assert_eq!(
            self.signals.last(),
            Some(&tally_app::event::Tone::Success),
            "{}",
            self.state.status.text
        );
    }

    /// Events of one kind in the replica's log.
    pub fn count_kind(&self, kind: u16) -> i64 {
        self.view
            .query_row(
                "SELECT count(*) FROM event_log WHERE kind = ?1",
                [kind],
                |r| r.get(0),
            )
            .unwrap()
    }
}

/// Whether `text` is on `screen` whole and in order, however it wrapped: the screen's rows
/// and the text compared without their spaces (a word longer than a row is broken inside it).
pub fn shows_whole(screen: &str, text: &str) -> bool {
    let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squeezed(screen).contains(&squeezed(text))
}

/// Draws `state` on a `width` × `height` test terminal; the text, then the status line's
/// colours (the flash is part of what a screen says).
pub fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let frame = terminal.draw(|frame| render(state, frame)).unwrap();
    let buffer = frame.buffer;
    assert_eq!(buffer.area.width, width);
    assert_eq!(buffer.area.height, height);
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let status_row = height.saturating_sub(2);
    let cell = &buffer[(0, status_row)];
    out.push_str(&format!(
        "[status line: fg {:?}, bg {:?}]\n",
        cell.fg, cell.bg
    ));
    out
}

/// The rows inside the help box of a drawn screen, joined, white space dropped.
pub fn box_text(screen: &str) -> Option<String> {
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top = rows.iter().position(|r| r.contains(&'┌'))?;
    let left = rows[top].iter().position(|c| *c == '┌')?;
    let right = rows[top].iter().position(|c| *c == '┐')?;
    let mut out = String::new();
    for row in &rows[top + 1..] {
        if row.get(left) == Some(&'└') {
            return Some(out);
        }
        let inner: String = row
            .iter()
            .skip(left + 1)
            .take(right.saturating_sub(left + 1))
            .collect();
        out.extend(inner.chars().filter(|c| !c.is_whitespace()));
    }
    None
}

/// Opens the help of the screen shown and checks, at each size, that every line of it is
/// shown whole in the box at some scroll position; closes it again.
pub fn every_help_line_is_shown(app: &mut App, screen: &str) {
    let lines = tally_app::render::help_lines(&app.state);
    assert!(!lines.is_empty(), "{screen}: no help");
    for (width, height) in [(40, 20), (80, 24)] {
        app.press(Key::F(1));
        assert!(app.state.help, "{screen}: F1 opens the help");
        let mut seen = Vec::new();
        for _ in 0..=lines.len() {
            let drawn = app.screen(width, height);
            let text = box_text(&drawn)
                .unwrap_or_else(|| panic!("{screen} {width}x{height}: no help box\n{drawn}"));
            seen.push(text);
            app.press(Key::Down);
        }
        for line in &lines {
            let wanted: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                seen.iter().any(|text| text.contains(&wanted)),
                "{screen} {width}x{height} ({:?}): {line:?} is cut or missing\n{}",
                app.state.language,
                app.screen(width, height)
            );
        }
        app.press(Key::F(1));
        assert!(!app.state.help, "{screen}: F1 closes the help");
    }
}

//! The runtime: wires the terminal, the threads and the state machine together, and does the
//! effects. This is the only module that touches the terminal.
//!
//! Threads: input (crossterm's blocking read, each key stamped with a monotonic time), a
//! ticker (auto-lock, flashes, home refresh), the worker (owns the replica, every commit), the
//! reader (read-only connection), the devices ([`DeviceLink`]: the drivers' manager and its
//! bridge), the sync watcher (tallyd's tables in the replica, read live for home and 0 Sync)
//! and a signal watcher (SIGTERM, SIGHUP, SIGINT: sign out and quit, terminal restored). They all feed one channel of [`Event`]s; the main thread takes events, runs
//! [`update`], sends requests on, and draws with [`render`]. Nothing it does between two
//! frames waits on the database or a device.

use std::collections::VecDeque;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use tally_replica::clock::SystemClock;
use tally_replica::{Replica, ReplicaError};

use crate::config::{Config, ConfigError, KeyLocation};
use crate::devices::{DeviceError, DeviceLink};
use crate::event::{Effect, Event, Key, Tone};
use crate::render::render;
use crate::state::{update, State};
use crate::{reader, worker};

/// How often the ticker ticks.
pub const TICK_MS: u64 = 200;
/// The gap between the bells of the error signal.
pub const ERROR_BELL_GAP_MS: u64 = 160;

/// Why the app could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The replica could not be opened.
    #[error("cannot open the replica: {0}")]
    Replica(#[from] ReplicaError),
    /// The terminal failed.
    #[error("the terminal failed: {0}")]
    Terminal(#[from] std::io::Error),
    /// The configured devices cannot be opened.
    #[error("cannot open the devices: {0}")]
    Devices(#[from] DeviceError),
}

/// How the app starts, beyond its configuration.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// Sign this badge in with this PIN at once (the demo's receiver); a refusal leaves the
    /// sign-in screen showing why.
    pub sign_in: Option<(String, String)>,
    /// Told the tag of each package a screen starts waiting to weigh
    /// ([`crate::screens::waiting_to_weigh`]): the demo's simulated scale puts that package on
    /// the platter, as a counter would. Tags only: nothing a blind count hides goes out.
    pub weighing: Option<Sender<String>>,
}

/// The GS1 group separator (GS, 0x1D), as the decoder expects it inside a scan.
pub const GS: char = '\u{1d}';

/// Maps a terminal key to the app's.
pub fn key_of(event: &crossterm::event::KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let control = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char('c') if control => Key::Quit,
        KeyCode::Char('l') if control => Key::Lock,
        // A scanner ending its barcode with a line feed: in raw mode that arrives as Ctrl-J.
        KeyCode::Char('j') if control => Key::Enter,
        // GS (0x1D), the GS1 separator a keyboard-wedge scanner types between variable-length
        // fields: the terminal reads the byte as Ctrl-5 (a terminal reporting keys itself may
        // say Ctrl-]). It is a character of the scan, so the burst goes on (see `wedge`).
        KeyCode::Char('5' | ']') if control => Key::Char(GS),
        KeyCode::Char(_) if control => Key::Other,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Tab => Key::Tab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Esc => Key::Esc,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::F(n) => Key::F(n),
        _ => Key::Other,
    })
}

fn millis(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn spawn_input(start: Instant, events: Sender<Event>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("tally-input".into())
        .spawn(move || loop {
            let event = match crossterm::event::read() {
                Ok(event) => event,
                Err(_) => {
                    // The terminal is gone: sign out and quit rather than run on unseen.
                    let _ = events.send(Event::Key {
                        key: Key::Quit,
                        at_ms: millis(start),
                    });
                    return;
                }
            };
            let at_ms = millis(start);
            let sent = match event {
                TermEvent::Key(key) => match key_of(&key) {
                    Some(key) => events.send(Event::Key { key, at_ms }),
                    None => Ok(()),
                },
                // A resize only needs a new frame.
                TermEvent::Resize(..) => events.send(Event::Tick { now_ms: at_ms }),
                _ => Ok(()),
            };
            if sent.is_err() {
                return;
            }
        })?;
    Ok(())
}

/// Turns SIGTERM, SIGHUP (the terminal went away) and SIGINT into a quit, so the app signs
/// out, restores the terminal and lets its helpers end instead of dying mid-frame.
fn spawn_signals(
    start: Instant,
    events: Sender<Event>,
) -> std::io::Result<(signal_hook::iterator::Handle, std::thread::JoinHandle<()>)> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let handle = signals.handle();
    let thread = std::thread::Builder::new()
        .name("tally-signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                let quit = Event::Key {
                    key: Key::Quit,
                    at_ms: millis(start),
                };
                if events.send(quit).is_err() {
                    return;
                }
            }
        })?;
    Ok((handle, thread))
}

fn spawn_ticker(start: Instant, events: Sender<Event>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("tally-ticker".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_millis(TICK_MS));
            if events
                .send(Event::Tick {
                    now_ms: millis(start),
                })
                .is_err()
            {
                return;
            }
        })?;
    Ok(())
}

/// Runs the app on the terminal until the user quits.
pub fn run(config: &Config) -> Result<(), RunError> {
    run_with(config, &Start::default())
}

/// Runs the app on the terminal until the user quits (or a signal ends it), starting as
/// `start` says.
pub fn run_with(config: &Config, start_with: &Start) -> Result<(), RunError> {
    let db = config.database()?.to_owned();
    let key = config.key_location()?;
    let options = config.key_options();
    let start = Instant::now();
    let (events, inbox) = mpsc::channel::<Event>();
    let open_db = db.clone();
    let (writes, worker_thread) = worker::spawn(
        move || {
            let clock = Box::new(SystemClock::new());
            match key {
                KeyLocation::File(file) => Replica::open_with(&open_db, &file, clock, &options),
                KeyLocation::Dir(dir) => Replica::open_in_key_dir(&open_db, &dir, clock, &options),
            }
        },
        events.clone(),
    )?;
    let view = tally_replica::db::open_read_only(&db)?;
    let (reads, _reader_thread) = reader::spawn(view, events.clone())?;
    crate::syncwatch::spawn(&db, events.clone())?;
    let ledger_calls = crate::ledger::spawn(
        crate::ledger::Access {
            db: db.clone(),
            key: config.key_location()?,
            key_options: config.key_options(),
            ledger_url: config.ledger_url.clone(),
        },
        events.clone(),
    )?;
    spawn_ticker(start, events.clone())?;
    let devices = DeviceLink::start(&config.devices, events.clone())?;
    let (signals, signal_thread) = spawn_signals(start, events.clone())?;
    let mut settings = config.settings();
    if !config.devices.is_empty() {
        settings.scales = crate::devices::scale_setups(&config.devices, &embedded_profiles()?)?;
    }
    let mut state = State::new(settings, millis(start));
    let mut first_effects = Vec::new();
    if let Some((badge, pin)) = &start_with.sign_in {
        first_effects = crate::state::sign_in(&mut state, badge.clone(), pin.clone());
    }
    let mut terminal = ratatui::try_init()?;
    let outcome = (|| -> Result<(), RunError> {
        spawn_input(start, events.clone())?;
        drop(events);
        let mut bells: VecDeque<u64> = VecDeque::new();
        let mut pending_problems: Vec<Event> = Vec::new();
        for effect in first_effects {
            if let Effect::Write { id, request } = effect {
                let _ = writes.send((id, request));
            }
        }
        let mut weighing: Option<String> = None;
        loop {
            let waiting = crate::screens::waiting_to_weigh(&state);
            if waiting != weighing {
                if let (Some(uid), Some(tell)) = (&waiting, &start_with.weighing) {
                    let _ = tell.send(uid.clone());
                }
                weighing = waiting;
            }
            terminal.draw(|frame| render(&state, frame))?;
            let wait = bells
                .front()
                .map(|due| due.saturating_sub(millis(start)))
                .unwrap_or(u64::MAX / 2);
            let first = match inbox.recv_timeout(Duration::from_millis(wait)) {
                Ok(event) => Some(event),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let now = millis(start);
            while bells.front().is_some_and(|due| *due <= now) {
                bells.pop_front();
                ring(terminal.backend_mut())?;
            }
            // Take every event already waiting before drawing again.
            let waiting: Vec<Event> = std::mem::take(&mut pending_problems)
                .into_iter()
                .chain(first)
                .chain(inbox.try_iter())
                .collect();
            for event in waiting {
                for effect in step(&mut state, event, &writes, &reads) {
                    match effect {
                        // `step` handed them on.
                        Effect::Write { .. } | Effect::Read { .. } => {}
                        Effect::Ledger { id, request } => {
                            let _ = ledger_calls.send((id, request));
                        }
                        Effect::Signal(tone) => {
                            for due in bell_times(tone, now) {
                                if due <= now {
                                    ring(terminal.backend_mut())?;
                                } else {
                                    queue_bell(&mut bells, due);
                                }
                            }
                        }
                        Effect::ScaleCommand(command) => match &devices {
                            Some(link) => link.scale(command),
                            None => {
                                let problem = crate::event::DeviceEvent::Problem {
                                    device: crate::event::DeviceKind::Scale,
                                    problem: crate::devices::DeviceProblem::NotSetUp,
                                };
                                // Shown at the next turn of the loop, like any device event.
                                pending_problems.push(Event::Device(problem));
                            }
                        },
                        Effect::Quit => return Ok(()),
                    }
                }
            }
        }
    })();
    ratatui::restore();
    signals.close();
    let _ = signal_thread.join();
    if let Some(devices) = devices {
        devices.stop();
    }
    // Let the worker finish what it was asked (a sign-out at quit) before the process ends.
    drop(writes);
    let _ = worker_thread.join();
    outcome
}

/// Runs the state machine on one event and hands its writes to the worker and its reads to
/// the reader (in order, without waiting for either); returns the effects left for the
/// terminal (signals, scale commands, quitting). The main loop's turn, and the benchmarks'.
pub fn step(
    state: &mut State,
    event: Event,
    writes: &worker::Writes,
    reads: &reader::Reads,
) -> Vec<Effect> {
    let mut rest = Vec::new();
    for effect in update(state, event) {
        match effect {
            Effect::Write { id, request } => {
                // A closed worker is reported by its WorkerGone event.
                let _ = writes.send((id, request));
            }
            Effect::Read { id, request } => {
                let _ = reads.send((id, request));
            }
            other => rest.push(other),
        }
    }
    rest
}

fn embedded_profiles() -> Result<tally_drivers::profile::ProfileSet, DeviceError> {
    tally_drivers::profile::ProfileSet::embedded().map_err(|e| DeviceError::Profiles(e.to_string()))
}

/// When to ring the bell for `tone` signalled at `now_ms`: success rings once at once, an
/// error three times, [`ERROR_BELL_GAP_MS`] apart, the first at once.
pub fn bell_times(tone: Tone, now_ms: u64) -> Vec<u64> {
    match tone {
        Tone::Success => vec![now_ms],
        Tone::Error => (0..3)
            .map(|n| now_ms.saturating_add(n * ERROR_BELL_GAP_MS))
            .collect(),
    }
}

/// Puts a bell due at `due` among the waiting ones, kept in time order (two errors in one
/// turn interleave their bells rather than hold the first behind the second's).
fn queue_bell(bells: &mut VecDeque<u64>, due: u64) {
    let at = bells.partition_point(|waiting| *waiting <= due);
    bells.insert(at, due);
}

fn ring(out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all(b"\x07")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Key> {
        key_of(&KeyEvent::new(code, modifiers))
    }

    #[test]
    fn success_rings_once_and_an_error_three_times_spaced() {
        assert_eq!(bell_times(Tone::Success, 1_000), vec![1_000]);
        assert_eq!(
            bell_times(Tone::Error, 1_000),
            vec![
                1_000,
                1_000 + ERROR_BELL_GAP_MS,
                1_000 + 2 * ERROR_BELL_GAP_MS
            ]
        );
        // Near the clock's end nothing wraps round to ring at once.
        let late = bell_times(Tone::Error, u64::MAX - 1);
        assert_eq!(late.len(), 3);
        assert!(late.windows(2).all(|w| w[0] <= w[1]), "{late:?}");
    }

    #[test]
    fn waiting_bells_stay_in_time_order() {
        let mut bells = VecDeque::new();
        for due in bell_times(Tone::Error, 0).into_iter().skip(1) {
            queue_bell(&mut bells, due);
        }
        for due in bell_times(Tone::Error, 100).into_iter().skip(1) {
            queue_bell(&mut bells, due);
        }
        assert_eq!(
            Vec::from(bells),
            vec![
                ERROR_BELL_GAP_MS,
                100 + ERROR_BELL_GAP_MS,
                2 * ERROR_BELL_GAP_MS,
                100 + 2 * ERROR_BELL_GAP_MS
            ]
        );
    }

    #[test]
    fn terminal_keys_map_to_the_app_s() {
        assert_eq!(
            key(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Key::Quit)
        );
        assert_eq!(
            key(KeyCode::Char('l'), KeyModifiers::CONTROL),
            Some(Key::Lock)
        );
        assert_eq!(
            key(KeyCode::Char('j'), KeyModifiers::CONTROL),
            Some(Key::Enter)
        );
        assert_eq!(
            key(KeyCode::Char('x'), KeyModifiers::CONTROL),
            Some(Key::Other)
        );
        assert_eq!(
            key(KeyCode::Char('A'), KeyModifiers::SHIFT),
            Some(Key::Char('A'))
        );
        assert_eq!(key(KeyCode::F(1), KeyModifiers::NONE), Some(Key::F(1)));
        // The byte 0x1D a wedge scanner types between GS1 fields (crossterm: Ctrl-5), and
        // Ctrl-] where a terminal names the key: the separator, not a key that ends a burst.
        assert_eq!(
            key(KeyCode::Char('5'), KeyModifiers::CONTROL),
            Some(Key::Char(GS))
        );
        assert_eq!(
            key(KeyCode::Char(']'), KeyModifiers::CONTROL),
            Some(Key::Char(GS))
        );
        assert_eq!(
            key(KeyCode::Char('5'), KeyModifiers::NONE),
            Some(Key::Char('5'))
        );
        let mut release = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(key_of(&release), None);
    }
}

//! The Supervisor dock view end to end: a real ledger (SQLite, served over loopback in this
//! process, the demo facility seeded with its users), two real devices enrolled through
//! tallyd's code, one fully synced and one whose push carried only part of its backlog; then
//! the app's state machine on the first device, driven as the runtime drives it (the worker,
//! the reader and the ledger thread's `perform` on the real replica and the real ledger): a
//! supervisor signs in, opens 9 Supervisor → Dock, types the PIN, and the screen lists both
//! devices with their backlogs.

use std::path::{Path, PathBuf};

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tally_app::event::{Effect, Event, Key};
use tally_app::state::{update, Screen, Settings, State};
use tally_events::payload::DeviceEnrolled;
use tally_events::{PinParams, Sha256Hash};
use tally_ledger_client::ClientOptions;
use tally_replica::seed::FACILITY;
use tally_replica::Replica;

struct Served {
    url: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    tokens: Vec<String>,
}

/// The demo facility at a new ledger, two enrollment tokens, served on loopback.
fn serve(dir: &Path) -> Served {
    let mut ledger = tally_ledger::create_sqlite(&dir.join("ledger.db"), "dock.test/log").unwrap();
    tally_ledger::demo::seed(&mut ledger, 6, 1, &PinParams::TEST).unwrap();
    let tokens = ["dock-1", "dock-2"]
        .iter()
        .map(|name| ledger.create_token(FACILITY, name).unwrap())
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let options = tally_ledger::server::ServeOptions {
        views_dir: dir.join("views"),
        tls: None,
        projection_poll: tally_ledger::server::DEFAULT_PROJECTION_POLL,
    };
    std::thread::spawn(move || {
        let stopped = async move {
            let _ = stop.await;
        };
        let _ = runtime.block_on(tally_ledger::server::serve_with(
            ledger, listener, stopped, &options,
        ));
    });
    Served {
        url,
        _shutdown: shutdown,
        tokens,
    }
}

/// A handheld: a replica of the demo facility and its key directory, enrolled at the ledger
/// and synced once (its genesis pushed; the facility, users and PIN verifiers pulled).
struct Handheld {
    replica: Replica,
    files: tally_sync::DeviceFiles,
}

fn handheld(dir: &Path, name: &str, url: &str, token: &str) -> Handheld {
    let db: PathBuf = dir.join(format!("{name}/replica.db"));
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let key_dir = dir.join(format!("{name}-keys"));
    let replica = Replica::init_in_key_dir(
        &db,
        &key_dir,
        Box::new(tally_replica::clock::SystemClock::new()),
        DeviceEnrolled {
            facility: FACILITY.into(),
            hardware_serial: name.into(),
            enrollment_token_sha256: Sha256Hash::of(token.as_bytes()),
            previous_device: None,
        },
        &Default::default(),
    )
    .unwrap();
    let files = tally_sync::DeviceFiles {
        db,
        key_dir,
        key_options: Default::default(),
    };
    tally_sync::engine::enroll(&files, url, token, None, &ClientOptions::default()).unwrap();
    let report = tally_sync::engine::Syncer::open(&files, &ClientOptions::default())
        .unwrap()
        .pass()
        .unwrap();
    assert_eq!(report.pushed, 1, "the genesis");
    Handheld { replica, files }
}

/// The app on `device`, driven as the runtime drives it, minus the threads.
struct Driven<'a> {
    state: State,
    device: &'a mut Handheld,
    view: rusqlite::Connection,
    access: tally_app::ledger::Access,
    now_ms: u64,
}

impl Driven<'_> {
    fn send(&mut self, event: Event) {
        let mut queue = vec![event];
        while let Some(event) = queue.pop() {
            for effect in update(&mut self.state, event) {
                match effect {
                    Effect::Write { id, request } => queue.insert(
                        0,
                        Event::Written {
                            id,
                            reply: tally_app::worker::perform(&mut self.device.replica, request),
                        },
                    ),
                    Effect::Read { id, request } => queue.insert(
                        0,
                        Event::Read {
                            id,
                            reply: tally_app::reader::perform(&self.view, request),
                        },
                    ),
                    Effect::Ledger { id, request } => queue.insert(
                        0,
                        Event::Ledger {
                            id,
                            reply: tally_app::ledger::perform(&self.access, request),
                        },
                    ),
                    _ => {}
                }
            }
        }
    }

    fn type_line(&mut self, text: &str) {
        for key in text.chars().map(Key::Char).chain([Key::Enter]) {
            self.now_ms += 150;
            let at_ms = self.now_ms;
            self.send(Event::Key { key, at_ms });
        }
    }

    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|frame| tally_app::render::render(&self.state, frame))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

#[test]
fn the_dock_view_lists_two_devices_with_their_backlogs_from_a_real_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let mut first = handheld(dir.path(), "dock-1", &served.url, &served.tokens[0]);
    let mut second = handheld(dir.path(), "dock-2", &served.url, &served.tokens[1]);

    // The second handheld records three sign-ins; its next push carries the first only (a
    // pass cut short after one batch), saying three were waiting: two are left there.
    for _ in 0..3 {
        second.replica.sign_in("B1001", "1111").unwrap();
    }
    let conn = tally_replica::db::open_read_only(&second.files.db).unwrap();
    let link = tally_replica::outbox::link(&conn).unwrap().unwrap();
    let waiting = tally_replica::outbox::summary(&conn)
        .unwrap()
        .events_waiting;
    assert_eq!(waiting, 3);
    let next: Vec<u8> = conn
        .query_row("SELECT bytes FROM event_log WHERE seq = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    let device = second.files.device(&conn).unwrap();
    let signer = second.files.signer(&device).unwrap();
    let client = tally_ledger_client::LedgerClient::new(&served.url, &Default::default()).unwrap();
    let answer = client
        .push_reporting(&signer, &link.origin, &[next], Some(waiting))
        .unwrap();
    assert_eq!(answer.receipts.len(), 1);

    // A supervisor on the first handheld opens the dock view.
    let view = tally_replica::db::open_read_only(&first.files.db).unwrap();
    let access = tally_app::ledger::Access {
        db: first.files.db.clone(),
        key: tally_app::config::KeyLocation::Dir(first.files.key_dir.clone()),
        key_options: Default::default(),
        ledger_url: None,
    };
    let mut app = Driven {
        state: State::new(Settings::default(), 1_000),
        device: &mut first,
        view,
        access,
        now_ms: 1_000,
    };
    app.type_line("B2001");
    app.type_line("4444");
    app.type_line("9");
    assert!(
        matches!(app.state.screen(), Screen::Supervisor(_)),
        "{}",
        app.screen()
    );
    let rows = app.screen();
    let row = rows
        .lines()
        .find_map(|l| {
            l.trim_start_matches(['>', ' '])
                .trim_end()
                .strip_suffix("Dock: the facility's devices at the ledger")
                .map(|n| n.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no dock row: {rows}"));
    app.type_line(&row);
    assert!(
        matches!(app.state.screen(), Screen::Dock(_)),
        "{}",
        app.screen()
    );
    app.type_line("4444");
    let screen = app.screen();
    assert!(screen.contains("dock-1 · 0 to send"), "{screen}");
    assert!(screen.contains("dock-2 · 2 to send"), "{screen}");
    assert!(
        screen.contains("devices · 0 variances wait for review"),
        "{screen}"
    );
    assert!(!screen.contains("4444"), "{screen}");
    // The demo's seed device is enrolled in the facility too.
    let Screen::Dock(dock) = app.state.screen() else {
        panic!("not the dock")
    };
    let listed = &dock.answer.as_ref().unwrap().view.devices;
    let names: Vec<&str> = listed.iter().map(|d| d.name.as_str()).collect();
    assert!(
        names.contains(&"dock-1") && names.contains(&"dock-2"),
        "{names:?}"
    );
    let second_row = listed.iter().find(|d| d.name == "dock-2").unwrap();
    assert_eq!((second_row.events, second_row.backlog), (2, Some(2)));
    assert!(second_row.last_error.is_none());
}

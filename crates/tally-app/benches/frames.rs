//! Frame cost: drawing each screen at 80 × 24 and 40 × 20 (the goal: the slowest frame
//! under 16 ms) and the state machine's cost per key. The state comes from a real demo replica
//! through the same reads the app makes; the lookup shows a package with the most history the
//! core returns.

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tally_app::event::{Event, Key, ReadReply, ReadRequest};
use tally_app::render::render;
use tally_app::state::{update, Screen, Settings, State};
use tally_events::payload::Role;
use tally_events::{ManualClock, PinParams, Timestamp};
use tally_replica::workflow::lookup::{Found, HistoryEntry};
use tally_replica::workflow::Session;
use tally_replica::Replica;

fn states() -> Vec<(&'static str, State)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    let db = dir.path().join("replica.db");
    let mut replica = Replica::init(
        &db,
        &dir.path().join("keys/device.key"),
        Box::new(ManualClock::new(Timestamp {
            wall_unix_ms: 1_795_000_000_000,
            boot_id: [7; 16],
            since_boot_us: 1_000,
        })),
        tally_events::payload::DeviceEnrolled {
            facility: tally_replica::seed::FACILITY.into(),
            hardware_serial: "BENCH".into(),
            enrollment_token_sha256: tally_events::Sha256Hash::of(b"b"),
            previous_device: None,
        },
    )
    .unwrap();
    tally_replica::seed::demo_with_pin_params(&mut replica, 1_000, 1, &PinParams::TEST).unwrap();
    let view = tally_replica::db::open_read_only(&db).unwrap();
    let uid: String = view
        .query_row("SELECT uid FROM packages ORDER BY uid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();

    let mut home = State::new(Settings::default(), 0);
    home.session = Some(Session {
        badge: "B1001".into(),
        role: Role::Operator,
    });
    home.screens = vec![Screen::Home { selected: 0 }];
    if let ReadReply::Home(Ok(summary)) = tally_app::reader::perform(
        &view,
        ReadRequest::Home {
            badge: "B1001".into(),
        },
    ) {
        home.home = Some(summary);
    }
    let mut lookup = home.clone();
    let found = match tally_app::reader::perform(&view, ReadRequest::Lookup { scan: uid }) {
        ReadReply::Lookup(Ok(Found::Package(mut p))) => {
            let entry = p.history[0].clone();
            p.history = (0..tally_replica::workflow::lookup::HISTORY_MAX)
                .map(|i| HistoryEntry {
                    reference: i as i64,
                    ..entry.clone()
                })
                .collect();
            Found::Package(p)
        }
        other => panic!("{other:?}"),
    };
    lookup.screens.push(Screen::Lookup {
        found: Some(found),
        scroll: 0,
    });
    let mut help = home.clone();
    help.help = true;
    vec![
        ("sign_in", State::new(Settings::default(), 0)),
        ("home", home),
        ("lookup_200_history", lookup),
        ("home_help", help),
    ]
}

fn frames(c: &mut Criterion) {
    let states = states();
    for (width, height) in [(80u16, 24u16), (40, 20)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        for (name, state) in &states {
            c.bench_function(&format!("frame/{name}/{width}x{height}"), |b| {
                b.iter(|| {
                    terminal.draw(|frame| render(state, frame)).unwrap();
                })
            });
        }
    }
    let (_, home) = &states[1];
    c.bench_function("update/key_on_home", |b| {
        let mut state = home.clone();
        let mut at_ms = 0;
        b.iter(|| {
            at_ms += 200;
            update(
                &mut state,
                Event::Key {
                    key: Key::Down,
                    at_ms,
                },
            )
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);

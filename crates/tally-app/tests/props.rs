//! Random key, device, timer and reply events fed to the state machine: it never panics,
//! every frame fits the terminal it is drawn on (from 1 × 1 up), the screen stack is never
//! empty, nobody signed out sees anything but sign-in, and a PIN being typed never shows.

mod common;

use proptest::prelude::*;
use tally_app::event::{
    DeviceEvent, DeviceKind, Effect, Event, Failure, HomeSummary, Key, ReadReply, ReadRequest,
    SyncStatus, WriteReply, WriteRequest,
};
use tally_app::state::{update, Screen, Settings, State};
use tally_events::payload::Role;
use tally_events::Quantity;
use tally_replica::workflow::lookup::{Found, HistoryEntry, LocationInfo, PackageInfo};
use tally_replica::workflow::{LocationRow, Session};
use tally_replica::Refusal;

#[derive(Debug, Clone)]
enum Action {
    Key(Key, u64),
    Tick(u64),
    Device(DeviceEvent),
    Sync(bool),
    /// Answer the oldest request waiting: `ok` or not, with text `text`.
    Reply {
        ok: bool,
        role: u8,
        text: String,
        n: u64,
    },
    Stale(u64),
    WorkerGone,
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        4 => prop::char::range('0', '9').prop_map(Key::Char),
        2 => any::<char>().prop_map(Key::Char),
        1 => Just(Key::Char('?')),
        3 => Just(Key::Enter),
        1 => Just(Key::Tab),
        1 => Just(Key::Backspace),
        2 => Just(Key::Esc),
        1 => Just(Key::Up),
        1 => Just(Key::Down),
        1 => (1u8..=12).prop_map(Key::F),
        1 => Just(Key::Lock),
        1 => Just(Key::Quit),
        1 => Just(Key::Other),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        10 => (key(), prop_oneof![0u64..5, 100u64..2_000]).prop_map(|(k, g)| Action::Key(k, g)),
        2 => (0u64..700_000).prop_map(Action::Tick),
        1 => (0u8..3, any::<bool>()).prop_map(|(d, connected)| Action::Device(DeviceEvent::Connected {
            device: [DeviceKind::Scanner, DeviceKind::Rfid, DeviceKind::Scale][usize::from(d)],
            connected,
        })),
        1 => (any::<i64>(), any::<bool>()).prop_map(|(milligrams, stable)| Action::Device(DeviceEvent::Weight { milligrams, stable })),
        1 => ".{0,80}".prop_map(|text| Action::Device(DeviceEvent::Scan { text })),
        1 => any::<bool>().prop_map(Action::Sync),
        5 => (any::<bool>(), any::<u8>(), ".{0,120}", any::<u64>()).prop_map(|(ok, role, text, n)| Action::Reply { ok, role, text, n }),
        1 => any::<u64>().prop_map(Action::Stale),
        1 => Just(Action::WorkerGone),
    ]
}

fn reply_to(effect: &Effect, ok: bool, role: u8, text: &str, n: u64) -> Option<Event> {
    let failure = if role % 2 == 0 {
        Failure::Refused(Refusal::UnknownPackage { uid: text.into() })
    } else {
        Failure::Fault(text.into())
    };
    match effect {
        Effect::Write { id, request } => {
            let reply = match request {
                WriteRequest::SignIn { badge, .. } => WriteReply::SignedIn(if ok {
                    Ok(Session {
                        badge: badge.clone(),
                        role: [Role::Operator, Role::Supervisor, Role::Admin, Role::Auditor]
                            [usize::from(role % 4)],
                    })
                } else if role % 3 == 0 {
                    Err(Failure::Refused(Refusal::BadgeLockedOut {
                        badge: badge.clone(),
                    }))
                } else {
                    Err(failure)
                }),
                WriteRequest::SignOut { .. } => {
                    WriteReply::SignedOut(if ok { Ok(()) } else { Err(failure) })
                }
            };
            Some(Event::Written { id: *id, reply })
        }
        Effect::Read { id, request } => {
            let reply = match request {
                ReadRequest::Home { .. } => ReadReply::Home(if ok {
                    Ok(HomeSummary {
                        inbound_manifests: n as i64,
                        pick_lists: i64::MAX,
                        count_tasks: i64::MIN,
                        events_waiting: (n >> 3) as i64,
                        last_sync_unix_ms: (n % 3 == 0).then_some(n as i64),
                        ledger_cursor: n,
                        signing_stopped: n % 5 == 0,
                    })
                } else {
                    Err(failure)
                }),
                ReadRequest::Lookup { scan } => ReadReply::Lookup(if !ok {
                    Err(failure)
                } else if role % 2 == 0 {
                    Ok(Found::Location(LocationInfo {
                        location: LocationRow {
                            id: scan.clone(),
                            name: text.into(),
                            kind: text.into(),
                            sellable: true,
                        },
                        packages: (n % 2 == 0).then_some(n as i64),
                    }))
                } else {
                    let under_count = n % 2 == 0;
                    Ok(Found::Package(Box::new(PackageInfo {
                        uid: scan.clone(),
                        sku: text.into(),
                        item_name: text.repeat(3),
                        lot: Some(text.into()),
                        coa: "passed".into(),
                        expires_on: Some(text.into()),
                        status: text.into(),
                        location_id: (!under_count).then(|| text.into()),
                        tote_id: (!under_count).then(|| text.into()),
                        quantity: (!under_count).then_some(Quantity::Milligrams(n)),
                        under_count,
                        conflict: n % 3 == 0,
                        history: (0..(n % 250))
                            .map(|i| HistoryEntry {
                                origin: if i % 2 == 0 { "local" } else { "remote" }.into(),
                                reference: i as i64,
                                kind: text.into(),
                                actor: text.into(),
                                at: text.into(),
                            })
                            .collect(),
                    })))
                }),
            };
            Some(Event::Read { id: *id, reply })
        }
        Effect::Signal(_) | Effect::Quit => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_events_never_panic_and_every_frame_fits(
        actions in prop::collection::vec(action(), 1..80),
        sizes in prop::collection::vec((1u16..130, 1u16..60), 1..4),
        auto_lock_ms in prop_oneof![Just(0u64), 1u64..600_000],
    ) {
        let settings = Settings { auto_lock_ms, ..Settings::default() };
        let mut state = State::new(settings, 0);
        let mut now = 0u64;
        let mut waiting: Vec<Effect> = Vec::new();
        for (step, action) in actions.into_iter().enumerate() {
            let event = match action {
                Action::Key(key, gap) => { now += gap; Event::Key { key, at_ms: now } }
                Action::Tick(gap) => { now += gap; Event::Tick { now_ms: now } }
                Action::Device(device) => Event::Device(device),
                Action::Sync(online) => Event::Sync(SyncStatus { online }),
                Action::Reply { ok, role, text, n } => {
                    if waiting.is_empty() { continue; }
                    let effect = waiting.remove(0);
                    match reply_to(&effect, ok, role, &text, n) { Some(e) => e, None => continue }
                }
                Action::Stale(id) => Event::Read { id, reply: ReadReply::Home(Ok(HomeSummary::default())) },
                Action::WorkerGone => Event::WorkerGone,
            };
            for effect in update(&mut state, event) {
                if matches!(effect, Effect::Write { .. } | Effect::Read { .. }) {
                    waiting.push(effect);
                }
            }
            prop_assert!(!state.screens.is_empty());
            if state.session.is_none() {
                prop_assert!(matches!(state.screen(), Screen::SignIn(_)), "{:?}", state.screen());
            }
            let (width, height) = sizes[step % sizes.len()];
            let frame = common::draw(&state, width, height);
            // The frame's text rows, then the status line's colours.
            prop_assert_eq!(frame.lines().count(), usize::from(height) + 1);
            if state.masked() && state.input.chars().count() >= 3 && !state.help {
                prop_assert!(!frame.contains(state.input.as_str()));
            }
        }
    }
}

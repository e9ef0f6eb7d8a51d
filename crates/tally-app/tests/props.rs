//! Random key, device, timer and reply events fed to the state machine: it never panics,
//! every frame fits the terminal it is drawn on (from 1 × 1 up), the screen stack is never
//! empty, nobody signed out sees anything but sign-in, and a PIN being typed never shows.
//! A second run starts each case on 1 Receive, 2 Move, 3 Pick, 4 Load, 5 Count, 6 Lookup,
//! 7 Quarantine, 8 Destroy or 9 Supervisor (signed in, the first read asked for), so their
//! lists, lines, questions and answers get random keys, scans and replies (the ledger's too:
//! a re-anchoring's comparison or a dock view, as asked).

mod common;

use proptest::prelude::*;
use tally_app::event::{
    CountDone, DeviceEvent, DeviceKind, Effect, Event, Failure, HomeSummary, Key, LedgerReply,
    LedgerRequest, ReadReply, ReadRequest, SyncStatus, WriteReply, WriteRequest,
};
use tally_app::event::{Picked, SupervisorWork};
use tally_app::screens::receive;
use tally_app::state::{update, Screen, Settings, State};
use tally_events::payload::LoadingMismatch;
use tally_events::payload::Role;
use tally_events::Quantity;
use tally_floor::OutboundRow;
use tally_floor::{ConflictRow, Ignored, LockedBadge, Outcome, PickListRow, ReviewRow};
use tally_replica::workflow::count::{
    Entered, LineClass, ScanTally, Scanned, Submitted, TaskView, Variance,
};
use tally_replica::workflow::destruction::Destroyed;
use tally_replica::workflow::loading::Reconciliation;
use tally_replica::workflow::lookup::{Found, HistoryEntry, LocationInfo, PackageInfo};
use tally_replica::workflow::picking::{Candidate, PickStep};
use tally_replica::workflow::{LocationRow, Session};
use tally_replica::Refusal;

#[derive(Debug, Clone)]
enum Action {
    Key(Key, u64),
    Tick(u64),
    Device(DeviceEvent),
    Sync(bool, u64, String),
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
        1 => any::<bool>().prop_map(|over| Action::Device(DeviceEvent::ScaleOutOfRange { over })),
        1 => ".{0,80}".prop_map(|text| Action::Device(DeviceEvent::Scan { text })),
        1 => (0u8..3, ".{0,200}").prop_map(|(d, text)| Action::Device(DeviceEvent::Problem {
            device: [DeviceKind::Scanner, DeviceKind::Rfid, DeviceKind::Scale][usize::from(d)],
            problem: tally_app::devices::DeviceProblem::Driver(text),
        })),
        1 => (any::<bool>(), "[0-9]{1,7}\\.[0-9]{2}", proptest::collection::vec(any::<u8>(), 0..16)).prop_map(|(weight, value, epc)| {
            let event = if weight {
                tally_drivers::event::DeviceEvent::Weight(tally_drivers::event::WeightReading::new(value, tally_drivers::event::WeightUnit::Gram, true))
            } else {
                tally_drivers::event::DeviceEvent::TagRead { epc, rssi: None, antenna: None }
            };
            Action::Device(DeviceEvent::Floor(tally_floor::DeviceInput { device: "/dev/x".into(), event }))
        }),
        1 => (any::<bool>(), any::<u64>(), "\\PC{0,200}").prop_map(|(o, n, t)| Action::Sync(o, n, t)),
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
                WriteRequest::Receiving(_) => WriteReply::Receiving(if ok {
                    Ok(receive::work::Done {
                        outcome: receiving_outcome(text, n),
                        current: (n % 3 != 0).then(|| text.to_owned()),
                        sheet: (n % 11 != 0).then(|| sheet(text, n)),
                    })
                } else {
                    Err(failure)
                }),
                WriteRequest::Moving(_) => WriteReply::Moving(if ok {
                    Ok(tally_app::screens::moving::work::Done {
                        outcome: match n % 3 {
                            0 => Outcome::PackageChosen { uid: text.into() },
                            1 => Outcome::Moved(tally_replica::workflow::moves::Moved {
                                uid: text.into(),
                                from: (n % 2 == 0).then(|| text.repeat(2)),
                                to: text.into(),
                            }),
                            _ => Outcome::Ignored(Ignored::ScanThePackageFirst),
                        },
                        package: (role % 2 == 0).then(|| text.to_owned()),
                    })
                } else {
                    Err(failure)
                }),
                WriteRequest::Quarantine(_) => WriteReply::Quarantine(if ok {
                    Ok(Outcome::Quarantined(
                        (0..n % 30).map(|i| format!("{text}{i}")).collect(),
                    ))
                } else {
                    Err(failure)
                }),
                WriteRequest::Destroy { .. } => WriteReply::Destroyed(if ok {
                    Ok(Destroyed {
                        uid: text.into(),
                        quantity: Quantity::Milligrams(n),
                        weight_mg: n as i64,
                        witness: text.into(),
                    })
                } else {
                    Err(failure)
                }),
                WriteRequest::MarkReady { .. } => WriteReply::MarkedReady(if ok {
                    Ok(reconciliation(text, n))
                } else {
                    Err(failure)
                }),
                WriteRequest::Pick { .. } => WriteReply::Picked(if !ok {
                    Err(failure)
                } else if n % 2 == 0 {
                    Ok(Picked::Walk(
                        (0..n % 50)
                            .map(|i| PickStep {
                                line_no: i as u32,
                                sku: text.into(),
                                remaining: Quantity::Units(n),
                                take: (i % 2 == 0).then(|| Candidate {
                                    uid: text.into(),
                                    location_id: text.into(),
                                    lot: text.into(),
                                    expires_on: Some(text.into()),
                                    quantity: Quantity::Milligrams(n),
                                }),
                            })
                            .collect(),
                    ))
                } else {
                    Ok(Picked::Step {
                        outcome: match n % 7 {
                            1 => Outcome::PickPackageChosen { uid: text.into() },
                            3 => Outcome::Picked {
                                uid: text.into(),
                                remaining: Quantity::Units(n % 3),
                            },
                            5 => Outcome::Shorted {
                                short: Quantity::Units(n),
                            },
                            _ => Outcome::Staged {
                                tote: text.into(),
                                route: text.into(),
                            },
                        },
                        package: (n % 3 == 0).then(|| text.to_owned()),
                        tote: (n % 5 == 0).then(|| text.to_owned()),
                    })
                }),
                WriteRequest::Supervise { .. } => WriteReply::Supervised(if ok {
                    Ok(match n % 3 {
                        0 => Outcome::CountClosed { task: text.into() },
                        1 => Outcome::Unlocked { badge: text.into() },
                        _ => Outcome::Approved(variance(text, n)),
                    })
                } else {
                    Err(failure)
                }),
                WriteRequest::Count { .. } => WriteReply::Count(if ok {
                    Ok(count_done(text, n))
                } else {
                    Err(failure)
                }),
                WriteRequest::SyncNow => {
                    WriteReply::SyncRequested(if ok { Ok(n) } else { Err(failure) })
                }
                WriteRequest::Reanchor {
                    restored, reason, ..
                } => WriteReply::Reanchored(if ok {
                    Ok(tally_events::payload::LedgerReanchored {
                        origin: restored.origin.clone(),
                        held_size: n,
                        held_root: restored.root,
                        new_size: restored.size,
                        new_root: restored.root,
                        reason: reason.clone(),
                    })
                } else {
                    Err(failure)
                }),
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
                ReadRequest::Receiving(read) => ReadReply::Receiving(if ok {
                    Ok(match read {
                        receive::work::Read::Manifests => receive::work::Answer::Manifests(
                            (0..n % 50)
                                .map(|i| tally_floor::receiving::ManifestRow {
                                    id: format!("{text}{i}"),
                                    origin_license: text.into(),
                                    driver: text.repeat(2),
                                    lines: (n % 400) as usize,
                                    arrived: (i % 400) as usize,
                                })
                                .collect(),
                        ),
                        receive::work::Read::Sheet { .. } => {
                            receive::work::Answer::Sheet(sheet(text, n))
                        }
                        receive::work::Read::Reasons => receive::work::Answer::Reasons(
                            (0..n % 12)
                                .map(|i| (format!("{text}{i}"), text.repeat(3)))
                                .collect(),
                        ),
                    })
                } else {
                    Err(failure)
                }),
                ReadRequest::ConflictSides { .. } => ReadReply::ConflictSides(if ok {
                    Ok(tally_floor::ConflictSides {
                        uid: text.into(),
                        quantity: if n % 2 == 0 {
                            Quantity::Units(n)
                        } else {
                            Quantity::Milligrams(n)
                        },
                        location: (n % 3 != 0).then(|| text.into()),
                        status: tally_events::payload::PackageStatus::OnHold,
                        local: (0..n % 4).map(|i| (i as i64, text.into())).collect(),
                        remote: (0..n % 5)
                            .map(|i| (n as i64 + i as i64, text.into()))
                            .collect(),
                    })
                } else {
                    Err(failure)
                }),
                ReadRequest::Pallet { .. } => ReadReply::Pallet(if ok {
                    Ok(match n % 3 {
                        0 => tally_floor::PalletContents::NotAPallet,
                        1 => tally_floor::PalletContents::Withheld,
                        _ => tally_floor::PalletContents::Holds(
                            (0..n % 300).map(|i| format!("{text}{i}")).collect(),
                        ),
                    })
                } else {
                    Err(failure)
                }),
                ReadRequest::Outbound => ReadReply::Outbound(if ok {
                    Ok((0..n % 40)
                        .map(|i| OutboundRow {
                            id: format!("{text}{i}"),
                            route: text.into(),
                            destination: text.into(),
                            lines: i as u32,
                        })
                        .collect())
                } else {
                    Err(failure)
                }),
                ReadRequest::Loading { .. } => ReadReply::Loading(if ok {
                    Ok(reconciliation(text, n))
                } else {
                    Err(failure)
                }),
                ReadRequest::PickLists => ReadReply::PickLists(if ok {
                    Ok((0..n % 40)
                        .map(|i| PickListRow {
                            id: format!("{text}{i}"),
                            order_id: text.into(),
                            route: text.into(),
                            open_lines: i as u32,
                        })
                        .collect())
                } else {
                    Err(failure)
                }),
                ReadRequest::SupervisorWork { .. } => ReadReply::SupervisorWork(if ok {
                    Ok(SupervisorWork {
                        reviews: (0..n % 30)
                            .map(|i| ReviewRow {
                                task: format!("{text}{i}"),
                                round: n as i64,
                                adjusted: i as u32,
                            })
                            .collect(),
                        locked: (0..n % 7)
                            .map(|i| LockedBadge {
                                badge: format!("{text}{i}"),
                                failed_attempts: 5,
                                locked_until_ms: n as i64,
                            })
                            .collect(),
                        conflicts: (0..n % 5)
                            .map(|i| ConflictRow {
                                uid: format!("{text}{i}"),
                                local_seq: i as i64,
                                ledger_index: n as i64,
                                remote_kind: text.into(),
                            })
                            .collect(),
                    })
                } else {
                    Err(failure)
                }),
                ReadRequest::Review { .. } => ReadReply::Review(if ok {
                    Ok((0..n % 60)
                        .map(|i| variance(text, n.wrapping_add(i)))
                        .collect())
                } else {
                    Err(failure)
                }),
                ReadRequest::CountTasks => ReadReply::CountTasks(if ok {
                    Ok((0..n % 40)
                        .map(|i| TaskView {
                            id: format!("{text}{i}"),
                            status: text.into(),
                            round: n as i64,
                            locations: vec![text.to_owned(); (n % 5) as usize],
                            recount_by_another: n % 2 == 0,
                        })
                        .collect())
                } else {
                    Err(failure)
                }),
                ReadRequest::MyCountLines { .. } => ReadReply::MyCountLines(if ok {
                    Ok((n as usize, (n >> 1) as usize))
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
        Effect::Ledger { id, request } => Some(Event::Ledger {
            id: *id,
            reply: match request {
                LedgerRequest::Inspect => LedgerReply::Inspected(if ok {
                    Ok(Box::new(inspection(text, n)))
                } else {
                    Err(text.to_owned())
                }),
                LedgerRequest::Dock { .. } => LedgerReply::Dock(if ok {
                    Ok(Box::new(dock_answer(text, n)))
                } else {
                    Err(dock_failure(text, role))
                }),
            },
        }),
        Effect::Signal(_) | Effect::ScaleCommand(_) | Effect::Quit => None,
    }
}

/// A case sheet of `n % 60` cases in every state (arrived or not, weighed, label checked,
/// quarantined, decided), some unexpected.
fn sheet(text: &str, n: u64) -> tally_floor::receiving::Sheet {
    let cases: Vec<tally_floor::receiving::Case> = (0..n % 60)
        .map(|i| tally_floor::receiving::Case {
            uid: format!("{text}{i}"),
            sku: (i % 3 != 0).then(|| text.to_owned()),
            expected: i % 5 != 0,
            manifest_quantity: match i % 3 {
                0 => None,
                1 => Some(Quantity::Units(n.wrapping_mul(i))),
                _ => Some(Quantity::Milligrams(n >> (i % 64))),
            },
            arrived: i % 2 == 0,
            weight_ok: [None, Some(true), Some(false)][(i % 3) as usize],
            label_ok: [None, Some(true), Some(false)][((i / 3) % 3) as usize],
            quarantined: i % 7 == 0,
            decision: (i % 4 == 0).then(|| text.to_owned()),
        })
        .collect();
    tally_floor::receiving::Sheet {
        manifest: text.into(),
        lines: cases.iter().filter(|c| c.expected).count(),
        arrived: cases.iter().filter(|c| c.arrived).count(),
        unexpected: cases.iter().filter(|c| !c.expected).count(),
        decided: cases.iter().filter(|c| c.decision.is_some()).count(),
        cases,
    }
}

/// A receiving step's outcome, each kind: arrivals, a label passed or failed, a weight,
/// decisions, a quarantine and a close.
fn receiving_outcome(text: &str, n: u64) -> Outcome {
    use tally_replica::workflow::receiving::{
        CloseSummary, LabelProblem, ScanOutcome, WeighOutcome,
    };
    let uid = text.to_owned();
    match n % 10 {
        0 => Outcome::Arrived(ScanOutcome::Expected {
            uid,
            sku: text.repeat(2),
        }),
        1 => Outcome::Arrived(ScanOutcome::Unexpected { uid }),
        2 => Outcome::Arrived(ScanOutcome::Duplicate { uid }),
        3 => Outcome::LabelChecked(
            (0..n % 4)
                .map(|i| LabelProblem::LotMismatch {
                    printed: format!("{text} {i}"),
                    lot: text.to_owned(),
                })
                .collect(),
        ),
        4 => Outcome::Weighed(WeighOutcome {
            expected_mg: n as i64,
            actual_mg: (n >> 1) as i64,
            tolerance_mg: (n % 1_000) as i64,
            within: n % 20 == 4,
        }),
        5 => Outcome::Accepted { uid },
        6 => Outcome::Rejected { uid },
        7 => Outcome::Voided { uid },
        8 => Outcome::Quarantined((0..n % 30).map(|i| format!("{text}{i}")).collect()),
        _ => Outcome::Closed(Box::new(tally_floor::receiving::Closed {
            summary: CloseSummary {
                missing: (0..n % 25).map(|i| format!("{text}{i}")).collect(),
                unexpected: (0..n % 7).map(|i| format!("{text}x{i}")).collect(),
                accepted: (n % 300) as usize,
                rejected: (n % 5) as usize,
                quarantined: (n % 3) as usize,
            },
            discrepancies: Vec::new(),
        })),
    }
}

/// A dock view of `n % 40` devices of any state.
fn dock_answer(text: &str, n: u64) -> tally_app::event::DockAnswer {
    use tally_ledger_client::projections::{DockDeviceView, DockErrorView, DockView};
    let devices = (0..n % 40)
        .map(|i| DockDeviceView {
            device_id: format!("{i:0>64}"),
            name: format!("{text}{i}"),
            facility: text.into(),
            revoked: i % 7 == 0,
            events: n.wrapping_mul(i),
            last_push_unix_ms: (i % 3 != 0).then_some((n as i64).wrapping_sub(i as i64)),
            last_sync_unix_ms: (i % 2 == 0).then_some(i64::MIN + i as i64),
            backlog: (i % 5 != 0).then_some(n >> i.min(63)),
            forks: i % 4,
            last_error: (i % 6 == 1).then(|| DockErrorView {
                error: text.into(),
                message: text.repeat(3),
                message_es: text.into(),
                unix_ms: n as i64,
            }),
        })
        .collect();
    tally_app::event::DockAnswer {
        view: DockView {
            projected: n,
            tree_size: n.wrapping_add(1),
            variances_waiting: n % 1_000,
            devices,
        },
        token: text.into(),
        read_at_unix_ms: n as i64,
    }
}

/// Why a dock view could not be read, each kind.
fn dock_failure(text: &str, role: u8) -> tally_app::event::DockFailure {
    use tally_app::event::DockFailure;
    match role % 6 {
        0 => DockFailure::Refused(Refusal::NotSupervisor { badge: text.into() }),
        1 => DockFailure::NotEnrolled,
        2 => DockFailure::Unreachable,
        3 => DockFailure::SignInRefused {
            code: text.into(),
            message: text.into(),
            message_es: text.into(),
        },
        4 => DockFailure::SessionEnded,
        _ => DockFailure::Fault(text.into()),
    }
}

/// A re-anchoring's comparison of any size, refused or not.
fn inspection(text: &str, n: u64) -> tally_sync::reanchor::Inspection {
    use tally_sync::reanchor::{Inspection, Verdict};
    Inspection {
        held: tally_replica::workflow::reanchor::Held {
            origin: text.to_owned(),
            url: text.to_owned(),
            checkpoint: tally_replica::outbox::StoredCheckpoint {
                anchor: 0,
                size: n,
                root: tally_events::Sha256Hash([n as u8; 32]),
                note: text.to_owned(),
            },
        },
        served: tally_ledger_client::VerifiedCheckpoint {
            size: u64::MAX - n,
            root: tally_events::Sha256Hash([0; 32]),
            note: text.to_owned(),
        },
        verdict: if n % 2 == 0 {
            Verdict::Refused(text.to_owned())
        } else {
            Verdict::Trusted
        },
    }
}

/// A loading reconciliation of any size.
fn reconciliation(text: &str, n: u64) -> Reconciliation {
    Reconciliation {
        missing: vec![text.to_owned(); (n % 200) as usize],
        extra: vec![text.to_owned(); (n % 7) as usize],
        mismatches: (0..n % 5)
            .map(|i| LoadingMismatch {
                uid: text.into(),
                expected: Quantity::Units(i),
                staged: Quantity::Milligrams(n),
            })
            .collect(),
    }
}

/// A reviewed line of any shape.
fn variance(text: &str, n: u64) -> Variance {
    Variance {
        uid: text.to_owned(),
        class: [LineClass::Found, LineClass::Missing, LineClass::Unexpected][(n % 3) as usize],
        expected: (n % 2 == 0).then_some(Quantity::Units(n)),
        counted: Quantity::Milligrams(n),
        variance: n as i64,
        beyond_tolerance: n % 4 == 0,
    }
}

/// A count step's answer of any kind the count screen may get.
fn count_done(text: &str, n: u64) -> CountDone {
    let uid = text.to_owned();
    let outcome = match n % 9 {
        0 => Outcome::CountStarted { round: n as i64 },
        1 => Outcome::CountScanned(Scanned::Found {
            uid,
            weighed: n % 2 == 0,
        }),
        2 => Outcome::CountScanned(Scanned::Duplicate { uid }),
        3 => Outcome::CountEntered(Entered::Recorded),
        4 => Outcome::CountEntered(Entered::Duplicate),
        5 => Outcome::Swept(ScanTally {
            new: n as usize,
            duplicates: 1,
            unreadable: 2,
        }),
        6 => Outcome::CountSubmitted(Submitted {
            recount: vec![uid; (n % 300) as usize],
        }),
        7 => Outcome::Ignored(Ignored::ScanThePackageFirst),
        _ => Outcome::ToteChosen { tote: uid },
    };
    CountDone {
        outcome,
        package: (n % 3 == 0).then(|| text.to_owned()),
        recorded: (n % 3) as usize,
    }
}

/// Feeds `events`, keeping the requests they ask for.
fn feed(state: &mut State, events: Vec<Event>, waiting: &mut Vec<Effect>) {
    for event in events {
        for effect in update(state, event) {
            if matches!(effect, Effect::Write { .. } | Effect::Read { .. }) {
                waiting.push(effect);
            }
        }
    }
}

/// A state signed in as `role` on the home entry `digit` (its first read asked for).
fn on_entry_screen(settings: Settings, digit: &str, role: Role) -> (State, Vec<Effect>, u64) {
    let mut state = State::new(settings, 0);
    let mut waiting = Vec::new();
    let mut now = 0;
    let mut keys = |text: &str| -> Vec<Event> {
        let mut out = Vec::new();
        for c in text.chars() {
            now += 300;
            out.push(Event::Key {
                key: Key::Char(c),
                at_ms: now,
            });
        }
        now += 300;
        out.push(Event::Key {
            key: Key::Enter,
            at_ms: now,
        });
        out
    };
    let sign_in = [keys("B1"), keys("1111")].concat();
    feed(&mut state, sign_in, &mut waiting);
    let replies: Vec<Event> = waiting
        .drain(..)
        .filter_map(|e| match e {
            Effect::Write {
                id,
                request: WriteRequest::SignIn { badge, .. },
            } => Some(Event::Written {
                id,
                reply: WriteReply::SignedIn(Ok(Session { badge, role })),
            }),
            _ => None,
        })
        .collect();
    feed(&mut state, replies, &mut waiting);
    waiting.clear();
    let open = keys(digit);
    feed(&mut state, open, &mut waiting);
    (state, waiting, now)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_events_on_the_flow_screens_never_panic_and_every_frame_fits(
        actions in prop::collection::vec(action(), 1..80),
        sizes in prop::collection::vec((1u16..130, 1u16..60), 1..4),
        entry in 0usize..9,
    ) {
        let settings = Settings { auto_lock_ms: 0, ..Settings::default() };
        let (mut state, mut waiting, mut now) = match entry {
            0 => on_entry_screen(settings, "9", Role::Supervisor),
            1 => on_entry_screen(settings, "3", Role::Operator),
            2 => on_entry_screen(settings, "4", Role::Operator),
            3 => on_entry_screen(settings, "8", Role::Operator),
            4 => on_entry_screen(settings, "1", Role::Operator),
            5 => on_entry_screen(settings, "2", Role::Operator),
            6 => on_entry_screen(settings, "6", Role::Operator),
            7 => on_entry_screen(settings, "7", Role::Operator),
            _ => on_entry_screen(settings, "5", Role::Operator),
        };
        prop_assert!(
            matches!(state.screen(), Screen::Count(_) | Screen::Supervisor(_) | Screen::Pick(_) | Screen::Load(_) | Screen::Destroy(_)
                | Screen::Receive(_) | Screen::Move(_) | Screen::Lookup { .. } | Screen::Quarantine(_)),
            "{:?}",
            state.screen()
        );
        for (step, action) in actions.into_iter().enumerate() {
            let event = match action {
                Action::Key(key, gap) => { now += gap; Event::Key { key, at_ms: now } }
                Action::Tick(gap) => { now += gap; Event::Tick { now_ms: now } }
                Action::Device(device) => Event::Device(device),
                Action::Sync(online, n, text) => Event::Sync(sync_status(online, n, text)),
                Action::Reply { ok, role, text, n } => {
                    if waiting.is_empty() { continue; }
                    let effect = waiting.remove(0);
                    match reply_to(&effect, ok, role, &text, n) { Some(e) => e, None => continue }
                }
                Action::Stale(id) => Event::Written { id, reply: WriteReply::Count(Ok(count_done("x", id))) },
                Action::WorkerGone => Event::WorkerGone,
            };
            feed(&mut state, vec![event], &mut waiting);
            prop_assert!(!state.screens.is_empty());
            let (width, height) = sizes[step % sizes.len()];
            let frame = common::draw(&state, width, height);
            prop_assert_eq!(frame.lines().count(), usize::from(height) + 1);
        }
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
                Action::Sync(online, n, text) => Event::Sync(sync_status(online, n, text)),
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

/// A sync report: online or offline alone (odd `n`), or the replica's state in detail with
/// extreme counts and times and a long error text.
fn sync_status(online: bool, n: u64, text: String) -> SyncStatus {
    use tally_replica::outbox::{SyncErrorKind, SyncSummary};
    if n % 2 == 1 {
        return SyncStatus {
            online,
            detail: None,
        };
    }
    let kinds = [
        SyncErrorKind::Unreachable,
        SyncErrorKind::Untrusted,
        SyncErrorKind::Refused,
        SyncErrorKind::Setup,
        SyncErrorKind::Other,
    ];
    let summary = SyncSummary {
        enrolled: online || n % 3 == 0,
        events_waiting: n,
        pushed_seq: n / 2,
        last_success_unix_ms: (n % 5 != 0).then_some(i64::MIN),
        last_error: (!online).then(|| text.clone()),
        last_error_unix_ms: (!online).then_some(i64::MAX),
        checkpoint_size: u64::MAX - n,
        last_error_kind: (!online).then(|| kinds[(n % 5) as usize]),
        last_attempt_unix_ms: Some(n as i64),
        ledger_url: Some(format!("http://{text}")),
        sync_requests: n,
    };
    SyncStatus::read(summary, i64::MAX)
}

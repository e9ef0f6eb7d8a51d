//! The worker: the one thread that owns the [`Replica`] and does every commit. Requests come
//! over a channel in order; each answer goes back as an [`Event::Written`], so a commit that
//! fsyncs never holds up a frame. When the request channel closes (the app quits) the worker
//! finishes what was asked before it and ends, so a sign-out at quit is recorded.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use tally_events::payload::UserSignedOut;
use tally_events::Payload;
use tally_replica::{Replica, ReplicaError};

use tally_floor::{DeviceInput, Floor, Screen as FloorScreen, StateTag};
use tally_replica::workflow::Session;

use crate::event::{
    CountDone, CountStep, DestroyOrder, Event, Failure, PickLine, PickStep, Picked, SuperviseStep,
    WriteReply, WriteRequest,
};

/// Where write requests go, each with its id.
pub type Writes = Sender<(u64, WriteRequest)>;

/// Performs one write on the replica.
pub fn perform(replica: &mut Replica, request: WriteRequest) -> WriteReply {
    match request {
        WriteRequest::SignIn { badge, pin } => WriteReply::SignedIn(
            replica
                .sign_in(&badge, &pin)
                .map(|(session, _)| session)
                .map_err(Failure::from),
        ),
        WriteRequest::SignOut { badge } => {
            let payload = Payload::UserSignedOut(UserSignedOut {
                badge: badge.clone(),
            });
            WriteReply::SignedOut(
                replica
                    .record(&badge, vec![payload])
                    .map(|_| ())
                    .map_err(Failure::from),
            )
        }
        WriteRequest::Receiving(write) => {
            WriteReply::Receiving(crate::screens::receive::work::perform(replica, write))
        }
        WriteRequest::Moving(write) => {
            WriteReply::Moving(crate::screens::moving::work::perform(replica, write))
        }
        WriteRequest::Quarantine(write) => {
            WriteReply::Quarantine(crate::screens::quarantine::work::perform(replica, write))
        }
        WriteRequest::Destroy { who, order } => {
            WriteReply::Destroyed(destroy(replica, &who, &order).map_err(Failure::from))
        }
        WriteRequest::MarkReady { who, manifest } => WriteReply::MarkedReady(
            Floor::new(today(replica))
                .mark_ready(replica, &who, &manifest)
                .and_then(|step| match step.outcome {
                    tally_floor::Outcome::ManifestReady(r) => Ok(r),
                    other => Err(ReplicaError::Storage(format!("unexpected {other:?}"))),
                })
                .map_err(Failure::from),
        ),
        WriteRequest::Pick { who, step } => {
            WriteReply::Picked(pick(replica, &who, step).map_err(Failure::from))
        }
        WriteRequest::Supervise { who, step } => {
            WriteReply::Supervised(supervise(replica, &who, step).map_err(Failure::from))
        }
        WriteRequest::Count { who, step } => {
            WriteReply::Count(count_step(replica, &who, step).map_err(Failure::from))
        }
    }
}

/// The facility's date by the replica's clock, in the facility's time zone (see
/// [`tally_floor::facility_today`]; UTC if its settings cannot be read, and the step that
/// follows reports that failure itself).
pub fn today(replica: &Replica) -> tally_ids::Date {
    let now_ms = replica.now_ms();
    tally_floor::facility_today(replica.view(), now_ms)
        .unwrap_or_else(|_| tally_floor::date_in_zone(now_ms, "UTC"))
}

/// Runs one count step through the floor layer.
fn count_step(
    replica: &mut Replica,
    who: &Session,
    step: CountStep,
) -> Result<CountDone, ReplicaError> {
    let floor = Floor::new(today(replica));
    let (step, package) = match step {
        CountStep::Start { task } => (floor.start_count(replica, who, &task)?, None),
        CountStep::Submit { task } => (floor.submit_count(replica, who, &task)?, None),
        CountStep::Scan {
            task,
            location,
            package,
            scan,
        } => {
            let mut screen = FloorScreen::Counting {
                task,
                location,
                package: tag_of(replica, package.as_deref())?,
            };
            let input = DeviceInput {
                device: "keyboard".into(),
                event: tally_drivers::event::DeviceEvent::scan(scan.into_bytes()),
            };
            let step = floor.handle(replica, who, &mut screen, &input)?;
            (step, waiting(screen))
        }
        CountStep::Weigh {
            task,
            location,
            package,
            input,
            scales,
        } => {
            let floor = scales.into_iter().fold(floor, Floor::with_scale);
            let mut screen = FloorScreen::Counting {
                task,
                location,
                package: tag_of(replica, Some(&package))?,
            };
            let step = floor.handle(replica, who, &mut screen, &input)?;
            (step, waiting(screen))
        }
        CountStep::Units {
            task,
            location,
            package,
            units,
        } => {
            let mut screen = FloorScreen::Counting {
                task,
                location,
                package: tag_of(replica, package.as_deref())?,
            };
            let step = floor.enter_units(replica, who, &mut screen, units)?;
            (step, waiting(screen))
        }
    };
    Ok(CountDone {
        outcome: step.outcome,
        package,
        recorded: step.recorded.len(),
    })
}

/// Grams with three decimals, trailing zeros dropped (`10` mg → `0.01`): a division as a
/// scale prints it.
fn printed_grams(mg: i64) -> String {
    let text = format!("{}.{:03}", mg / 1_000, (mg % 1_000).abs());
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Destroys through the floor layer: the package on the destruction screen, the stable weight
/// from the scan-identified scale, then the witness's badge and PIN checked and the destruction
/// recorded as one action.
fn destroy(
    replica: &mut Replica,
    who: &Session,
    order: &DestroyOrder,
) -> Result<tally_replica::workflow::destruction::Destroyed, ReplicaError> {
    use rusqlite::OptionalExtension;
    use tally_drivers::event::{DeviceEvent, ReadingMode, WeighMode, WeightReading, WeightUnit};
    let scale_id = order.scale.trim().to_owned();
    let division_mg: Option<i64> = replica
        .view()
        .query_row(
            "SELECT division_mg FROM scales WHERE id = ?1",
            [&scale_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(division_mg) = division_mg else {
        return Err(tally_replica::Refusal::UnknownScale { scale: scale_id }.into());
    };
    let floor = Floor::new(today(replica)).with_scale(tally_floor::ScaleSetup {
        device: "scale".into(),
        scale_id,
        division: printed_grams(division_mg),
    });
    let mut screen = FloorScreen::Destroying {
        package: None,
        reading: None,
    };
    let tag = DeviceInput {
        device: "keyboard".into(),
        event: DeviceEvent::scan(order.package.clone().into_bytes()),
    };
    let chosen = floor.handle(replica, who, &mut screen, &tag)?;
    if !matches!(
        chosen.outcome,
        tally_floor::Outcome::DestroyPackageChosen { .. }
    ) {
        return Err(tally_replica::Refusal::NotATag {
            scan: order.package.chars().take(64).collect(),
        }
        .into());
    }
    let mut reading = WeightReading::new(printed_grams(order.milligrams), WeightUnit::Gram, true);
    reading.mode = Some(ReadingMode::Weighed(WeighMode::Net));
    let weight = DeviceInput {
        device: "scale".into(),
        event: DeviceEvent::Weight(reading),
    };
    let weighed = floor.handle(replica, who, &mut screen, &weight)?;
    if let tally_floor::Outcome::Ignored(why) = weighed.outcome {
        return Err(ReplicaError::Storage(
            why.message(tally_ids::Language::English),
        ));
    }
    let step = floor.destroy(
        replica,
        who,
        &mut screen,
        &tally_floor::DestroyOrder {
            reason: &order.reason,
            method: &order.method,
            witness_badge: &order.witness_badge,
            witness_pin: &order.witness_pin,
        },
    )?;
    match step.outcome {
        tally_floor::Outcome::Destroyed(destroyed) => Ok(destroyed),
        tally_floor::Outcome::Ignored(why) => Err(ReplicaError::Storage(
            why.message(tally_ids::Language::English),
        )),
        other => Err(ReplicaError::Storage(format!("unexpected {other:?}"))),
    }
}

/// Runs one picker's step through the floor layer.
fn pick(replica: &mut Replica, who: &Session, step: PickStep) -> Result<Picked, ReplicaError> {
    let floor = Floor::new(today(replica));
    let scan_of = |text: String| DeviceInput {
        device: "keyboard".into(),
        event: tally_drivers::event::DeviceEvent::scan(text.into_bytes()),
    };
    let on_line = |replica: &Replica, line: &PickLine| -> Result<FloorScreen, ReplicaError> {
        Ok(FloorScreen::Picking {
            pick_list: line.list.clone(),
            line_no: line.line_no,
            package: tag_of(replica, line.package.as_deref())?,
            tote: line.tote.clone(),
        })
    };
    let (step, screen) = match step {
        PickStep::Walk { list } => {
            let date = today(replica).to_string();
            return Ok(Picked::Walk(tally_floor::pick_walk(
                replica.view(),
                &list,
                &date,
            )?));
        }
        PickStep::Scan { line, scan } => {
            let mut screen = on_line(replica, &line)?;
            let step = floor.handle(replica, who, &mut screen, &scan_of(scan))?;
            (step, screen)
        }
        PickStep::Quantity { line, typed } => {
            let mut screen = on_line(replica, &line)?;
            let Some(quantity) = tally_floor::typed_quantity(&typed, line.remaining) else {
                return Err(tally_replica::Refusal::WrongUnit {
                    weighed: matches!(line.remaining, tally_events::Quantity::Milligrams(_)),
                }
                .into());
            };
            let step = floor.pick(replica, who, &mut screen, quantity)?;
            (step, screen)
        }
        PickStep::Short { line, reason } => {
            let mut screen = on_line(replica, &line)?;
            let step = floor.short(replica, who, &mut screen, &reason)?;
            (step, screen)
        }
        PickStep::Stage { tote, scan } => {
            let mut screen = FloorScreen::Staging { tote };
            let step = floor.handle(replica, who, &mut screen, &scan_of(scan))?;
            (step, screen)
        }
    };
    let (package, tote) = match screen {
        FloorScreen::Picking { package, tote, .. } => {
            (package.map(|tag| tag.uid().to_owned()), tote)
        }
        FloorScreen::Staging { tote } => (None, tote),
        _ => (None, None),
    };
    Ok(Picked::Step {
        outcome: step.outcome,
        package,
        tote,
    })
}

/// Runs one supervisor step through the floor layer.
fn supervise(
    replica: &mut Replica,
    who: &Session,
    step: SuperviseStep,
) -> Result<tally_floor::Outcome, ReplicaError> {
    let floor = Floor::new(today(replica));
    let step = match step {
        SuperviseStep::Approve { task, uid, reason } => {
            let Some(package) = tag_of(replica, Some(&uid))? else {
                return Err(tally_replica::Refusal::NotATag { scan: uid }.into());
            };
            floor.approve_adjustment(replica, who, &task, &package, &reason)?
        }
        SuperviseStep::Close { task } => floor.close_count(replica, who, &task)?,
        SuperviseStep::Unlock { badge } => floor.unlock_badge(replica, who, &badge)?,
        SuperviseStep::Settle {
            uid,
            quantity,
            location,
            status,
            reason,
        } => {
            let Some(tag) = tag_of(replica, Some(&uid))? else {
                return Err(tally_replica::Refusal::NotATag { scan: uid }.into());
            };
            let settlement = tally_replica::workflow::conflicts::Settlement {
                tag: &tag,
                quantity,
                location: &location,
                status,
                reason: &reason,
            };
            floor.settle_conflict(replica, who, &settlement)?
        }
    };
    Ok(step.outcome)
}

fn waiting(screen: FloorScreen) -> Option<String> {
    match screen {
        FloorScreen::Counting { package, .. } => package.map(|tag| tag.uid().to_owned()),
        _ => None,
    }
}

/// A package tag the screen holds as text, decoded again as the floor decodes a scan (under
/// the facility's state systems); text that is no package tag is refused as none.
fn tag_of(replica: &Replica, text: Option<&str>) -> Result<Option<StateTag>, ReplicaError> {
    let Some(text) = text else {
        return Ok(None);
    };
    let identifier = tally_replica::workflow::typed(replica.view(), text, today(replica))?;
    match identifier.state_tag() {
        Some(tag) => Ok(Some(tag.clone())),
        None => Err(identifier.not_a_tag().into()),
    }
}

fn serve(mut replica: Replica, requests: Receiver<(u64, WriteRequest)>, events: Sender<Event>) {
    for (id, request) in requests {
        let reply = perform(&mut replica, request);
        // The app may be gone already (quitting): the write is done all the same.
        let _ = events.send(Event::Written { id, reply });
    }
}

/// Starts the worker, which opens the replica with `open` on its own thread (a replica stays
/// on the thread that opened it) and answers requests until the sender is dropped; join it
/// then. Returns the opening's error if the replica cannot be opened.
pub fn spawn(
    open: impl FnOnce() -> Result<Replica, ReplicaError> + Send + 'static,
    events: Sender<Event>,
) -> Result<(Writes, JoinHandle<()>), ReplicaError> {
    let (requests, inbox) = mpsc::channel();
    let (opened_tx, opened) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("tally-worker".into())
        .spawn(move || {
            let replica = match open() {
                Ok(replica) => {
                    let _ = opened_tx.send(Ok(()));
                    replica
                }
                Err(error) => {
                    let _ = opened_tx.send(Err(error));
                    return;
                }
            };
            let gone = events.clone();
            serve(replica, inbox, events);
            let _ = gone.send(Event::WorkerGone);
        })
        .map_err(|e| ReplicaError::Storage(format!("cannot start the worker thread: {e}")))?;
    match opened.recv() {
        Ok(Ok(())) => Ok((requests, handle)),
        Ok(Err(error)) => {
            let _ = handle.join();
            Err(error)
        }
        Err(_) => {
            let _ = handle.join();
            Err(ReplicaError::Storage(
                "the worker thread ended while opening the replica".into(),
            ))
        }
    }
}

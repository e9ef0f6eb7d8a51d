//! What flows through the app: the events the state machine takes (keys, device events,
//! timers, worker and reader replies, sync status) and the effects it asks for (a write to the
//! worker, a read to the reader, a signal, a scale command, quitting).
//!
//! Every request carries an id; a reply whose id is not the one a screen waits for is stale
//! (the person went back meanwhile) and is dropped.

use tally_replica::workflow::count::TaskView;
use tally_replica::workflow::lookup::Found;
use tally_replica::workflow::Session;
use tally_replica::{Refusal, ReplicaError};

use crate::text::Language;

/// A key, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Enter.
    Enter,
    /// Tab.
    Tab,
    /// Backspace.
    Backspace,
    /// Escape.
    Esc,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Function key 1 to 12.
    F(u8),
    /// Ctrl-L: lock now.
    Lock,
    /// Ctrl-C: sign out and quit.
    Quit,
    /// Anything else.
    Other,
}

/// A device the app shows the status of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// Barcode scanner.
    Scanner,
    /// RFID reader.
    Rfid,
    /// Scale.
    Scale,
}

/// What a device driver reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// The device was connected or lost.
    Connected {
        /// Which device.
        device: DeviceKind,
        /// Connected now.
        connected: bool,
    },
    /// The scale's live weight.
    Weight {
        /// Net weight in milligrams.
        milligrams: i64,
        /// Whether the scale reports it stable.
        stable: bool,
    },
    /// The scale reads no weight: over its capacity (`over`) or under its lower limit (the
    /// pan lifted off). Nothing can be weighed until it reads a weight again.
    ScaleOutOfRange {
        /// Over capacity (else under the lower limit).
        over: bool,
    },
    /// A barcode from a scanner driver (not a keyboard wedge).
    Scan {
        /// The decoded text.
        text: String,
    },
    /// What the floor layer takes, as the driver decoded it, with the device's name: a new
    /// stable weight (once per settled load, not at every poll) or an RFID tag read. The
    /// screen shown hands it to `tally_floor::Floor::handle`.
    Floor(tally_floor::DeviceInput),
    /// A device could not do what it was asked (a tare or zero the scale refused, a command
    /// to a device that is not there).
    Problem {
        /// Which device.
        device: DeviceKind,
        /// What happened.
        problem: crate::devices::DeviceProblem,
    },
}

/// The sync daemon's report (none runs before the ledger exists).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// The ledger answered at the last attempt.
    pub online: bool,
    /// The replica's sync state in detail, as the app's sync watcher read it (`None`: only
    /// online or offline is known).
    pub detail: Option<SyncDetail>,
}

/// The replica's sync state (tallyd's tables, `tally_replica::outbox`), read at a wall time so
/// the screens say "2 min ago" without reading a clock while they draw.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncDetail {
    /// What the replica says.
    pub summary: tally_replica::outbox::SyncSummary,
    /// When it was read, Unix ms.
    pub read_at_unix_ms: i64,
}

impl SyncStatus {
    /// The status the watcher sends for a summary read at `read_at_unix_ms`.
    pub fn read(summary: tally_replica::outbox::SyncSummary, read_at_unix_ms: i64) -> SyncStatus {
        SyncStatus {
            online: summary.online().unwrap_or(false),
            detail: Some(SyncDetail {
                summary,
                read_at_unix_ms,
            }),
        }
    }
}

/// Something went wrong with a request: a refusal for the person, or a fault below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The core said no; nothing was recorded.
    Refused(Refusal),
    /// The database, the key or the worker failed.
    Fault(String),
}

impl Failure {
    /// What to show, in `language`.
    pub fn message(&self, language: Language) -> String {
        match self {
            Failure::Refused(refusal) => refusal.message(language),
            Failure::Fault(text) => text.clone(),
        }
    }
}

impl From<ReplicaError> for Failure {
    fn from(error: ReplicaError) -> Failure {
        match error {
            ReplicaError::Refused(refusal) => Failure::Refused(refusal),
            other => Failure::Fault(other.to_string()),
        }
    }
}

/// Tasks and sync state read for home.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeSummary {
    /// Inbound manifests not closed.
    pub inbound_manifests: i64,
    /// Pick lists open.
    pub pick_lists: i64,
    /// Count tasks not closed, assigned to this user or to nobody.
    pub count_tasks: i64,
    /// Events of this device tallyd has not pushed with a verified receipt.
    pub events_waiting: i64,
    /// When tallyd last synced with nothing left to push, Unix ms (`None`: never).
    pub last_sync_unix_ms: Option<i64>,
    /// The last ledger index received (0: never synced).
    pub ledger_cursor: u64,
    /// The ledger found a fork of this device: it must not record until re-enrolled.
    pub signing_stopped: bool,
}

/// A write, done by the worker that owns the replica.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteRequest {
    /// Sign in with badge and PIN (also unlocks a locked screen).
    SignIn {
        /// Badge.
        badge: String,
        /// PIN.
        pin: String,
    },
    /// Record the sign-out of `badge`.
    SignOut {
        /// Badge.
        badge: String,
    },
    /// A receiving step, through the floor layer.
    Receiving(crate::screens::receive::work::Write),
    /// A scan on the move screen, through the floor layer.
    Moving(crate::screens::moving::work::Write),
    /// A quarantine or a release, through the floor layer.
    Quarantine(crate::screens::quarantine::work::Write),
    /// Destroy a package before a witness who signs in on this device, as `who`.
    Destroy {
        /// The person destroying.
        who: Session,
        /// What is destroyed and how.
        order: DestroyOrder,
    },
    /// Mark an outbound manifest ready for loading (refused unless exact), as `who`.
    MarkReady {
        /// The loader.
        who: Session,
        /// Manifest id.
        manifest: String,
    },
    /// A picker's step, as `who`, through the floor layer.
    Pick {
        /// The picker.
        who: Session,
        /// The step.
        step: PickStep,
    },
    /// A supervisor's step, as `who`, through the floor layer.
    Supervise {
        /// The supervisor.
        who: Session,
        /// The step.
        step: SuperviseStep,
    },
    /// A step of a blind count, as `who`, through the floor layer.
    Count {
        /// The person counting.
        who: Session,
        /// The step.
        step: CountStep,
    },
    /// "Sync now" (0 Sync): ask a running tallyd to run a pass (one more count in the
    /// replica's `ledger_sync_requests`; no event is recorded).
    SyncNow,
    /// Re-anchor this device to its ledger restored from a backup (a supervisor's decision,
    /// kind 6).
    Reanchor {
        /// The supervisor.
        who: Session,
        /// The restored checkpoint accepted.
        restored: tally_replica::workflow::reanchor::Restored,
        /// Why.
        reason: String,
    },
}

/// A call to the ledger, made on the ledger thread (it may wait on the network; nothing else
/// waits for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerRequest {
    /// This device's newest checkpoint beside the one the ledger serves now (re-anchoring).
    Inspect,
    /// The Supervisor dock view of this device's facility (`GET /v1/projections/devices`),
    /// read with a supervisor session: opened with the PIN typed on the dock screen, or the
    /// one opened before (its token). The floor layer checks `who` may supervise first.
    Dock {
        /// Who is signed in on the device.
        who: Session,
        /// How the session is had.
        sign_in: DockSignIn,
    },
}

/// How the dock view's supervisor session is had.
#[derive(Clone, PartialEq, Eq)]
pub enum DockSignIn {
    /// Open one with the signed-in supervisor's PIN, typed on the dock screen (sent once to
    /// the ledger, never kept).
    Pin(String),
    /// The token of a session opened before (15 minutes at the ledger).
    Token(String),
}

impl std::fmt::Debug for DockSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DockSignIn::Pin(_) => f.write_str("Pin(..)"),
            DockSignIn::Token(_) => f.write_str("Token(..)"),
        }
    }
}

/// The dock view as the ledger answered it, and the session to read it again with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockAnswer {
    /// The facility's devices and the variances waiting.
    pub view: tally_ledger_client::projections::DockView,
    /// The session's token (the PIN is not kept; this ends at the ledger in 15 minutes).
    pub token: String,
    /// When the ledger read it, Unix ms (device clock).
    pub read_at_unix_ms: i64,
}

/// Why the dock view could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockFailure {
    /// The floor layer refused (the signed-in user is no supervisor).
    Refused(Refusal),
    /// This device is not enrolled with a ledger.
    NotEnrolled,
    /// The ledger cannot be reached (no network, the ledger down).
    Unreachable,
    /// The ledger refused the sign-in (wrong PIN, locked out, not a supervisor there).
    SignInRefused {
        /// The ledger's code (`sign_in_refused`, `sign_in_locked`, `not_supervisor`, ...).
        code: String,
        /// Its English words.
        message: String,
        /// Its Spanish words.
        message_es: String,
    },
    /// The session opened before ended (expired, or the user deactivated): the PIN again.
    SessionEnded,
    /// Anything else (the device key, an answer not understood), in the system's words.
    Fault(String),
}

/// The ledger thread's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerReply {
    /// The held and served checkpoints, or why they could not be compared (offline, not
    /// enrolled), in tallyd's words.
    Inspected(Result<Box<tally_sync::reanchor::Inspection>, String>),
    /// The dock view, or why it could not be read.
    Dock(Result<Box<DockAnswer>, DockFailure>),
}

/// A step of a blind count (5 Count), done by the worker through the floor layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountStep {
    /// Start the task's first round or its recount (or go on with the round being counted).
    Start {
        /// Count task id.
        task: String,
    },
    /// A scan at the location being counted; `package` is the one waiting for its quantity.
    Scan {
        /// Count task id.
        task: String,
        /// The location being counted.
        location: String,
        /// The package waiting for its quantity, if any.
        package: Option<String>,
        /// What was scanned.
        scan: String,
    },
    /// Units typed for the package waiting for its quantity.
    Units {
        /// Count task id.
        task: String,
        /// The location being counted.
        location: String,
        /// The package.
        package: Option<String>,
        /// The units counted.
        units: u64,
    },
    /// A stable weight for the weighed package waiting for its quantity: its count line.
    Weigh {
        /// Count task id.
        task: String,
        /// The location being counted.
        location: String,
        /// The package on the scale.
        package: String,
        /// The stable reading, as the driver decoded it, with the scale's device name.
        input: tally_floor::DeviceInput,
        /// The handheld's scales (where each device's readings are recorded).
        scales: Vec<tally_floor::ScaleSetup>,
    },
    /// Submit the round.
    Submit {
        /// Count task id.
        task: String,
    },
    /// RFID tag reads at the location being counted, recorded together as one sweep.
    Sweep {
        /// Count task id.
        task: String,
        /// The location being counted when the tags were read.
        location: String,
        /// The reads, as the reader's driver reported them.
        reads: Vec<tally_floor::DeviceInput>,
    },
}

/// A destruction as the screen gathered it (8 Destroy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestroyOrder {
    /// The package's tag, as scanned.
    pub package: String,
    /// The scale's asset tag, as scanned (its register entry gives the division).
    pub scale: String,
    /// The stable net weight the scale reported, mg.
    pub milligrams: i64,
    /// Reason code.
    pub reason: String,
    /// Method.
    pub method: String,
    /// The witness's badge.
    pub witness_badge: String,
    /// The witness's PIN.
    pub witness_pin: String,
}

/// A picker's step (3 Pick). The worker runs it: it knows the facility's date, which decides
/// what has expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickStep {
    /// The open lines of a pick list in walking order (records nothing).
    Walk {
        /// Pick list id.
        list: String,
    },
    /// A scan on a line: a package's tag (checked against the line) or a tote's barcode.
    Scan {
        /// The line as the screen holds it.
        line: PickLine,
        /// What was scanned.
        scan: String,
    },
    /// The quantity typed for the package and tote scanned.
    Quantity {
        /// The line as the screen holds it.
        line: PickLine,
        /// What was typed (units, or grams for a weighed line).
        typed: String,
    },
    /// Short the rest of the line with a reason code.
    Short {
        /// The line as the screen holds it.
        line: PickLine,
        /// Reason code.
        reason: String,
    },
    /// A scan while staging: the tote, then its lane.
    Stage {
        /// The tote scanned before, if any.
        tote: Option<String>,
        /// What was scanned.
        scan: String,
    },
}

/// The line being picked, as the screen holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickLine {
    /// Pick list id.
    pub list: String,
    /// Line number.
    pub line_no: u32,
    /// What is left of it (its unit decides how a typed quantity reads).
    pub remaining: tally_events::Quantity,
    /// The package scanned and accepted.
    pub package: Option<String>,
    /// The tote scanned.
    pub tote: Option<String>,
}

/// A picker's step's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// The lines of a list.
    Walk(Vec<tally_replica::workflow::picking::PickStep>),
    /// A step's outcome, with the line's package and tote after it (or the staging tote).
    Step {
        /// The floor's outcome.
        outcome: tally_floor::Outcome,
        /// The package after the step.
        package: Option<String>,
        /// The tote after the step.
        tote: Option<String>,
    },
}

/// A supervisor's step (9 Supervisor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuperviseStep {
    /// Approve the adjustment of a package of a count in review to its counted quantity.
    Approve {
        /// Count task id.
        task: String,
        /// Package tag.
        uid: String,
        /// Reason code.
        reason: String,
    },
    /// Close a reviewed count.
    Close {
        /// Count task id.
        task: String,
    },
    /// Lift a badge's lockout.
    Unlock {
        /// The badge.
        badge: String,
    },
    /// Settle a package's conflict as the supervisor found it (kind 278 `conflict_settled`).
    Settle {
        /// Package tag.
        uid: String,
        /// The quantity found.
        quantity: tally_events::Quantity,
        /// Where it is.
        location: String,
        /// Its status.
        status: tally_events::payload::PackageStatus,
        /// Adjustment reason code.
        reason: String,
    },
}

/// What waits for a supervisor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupervisorWork {
    /// Counts in review.
    pub reviews: Vec<tally_floor::ReviewRow>,
    /// Badges with a lockout on record (one that has run out can still be cleared).
    pub locked: Vec<tally_floor::LockedBadge>,
    /// Packages in conflict.
    pub conflicts: Vec<tally_floor::ConflictRow>,
}

/// What a count step did: the floor's outcome and the package now waiting for its quantity.
/// Nothing here carries an expected quantity (the counting view cannot read one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountDone {
    /// The floor's outcome.
    pub outcome: tally_floor::Outcome,
    /// The package waiting for its quantity after the step.
    pub package: Option<String>,
    /// Events recorded.
    pub recorded: usize,
}

/// A read, done on the read-only connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadRequest {
    /// Both sides of a package's conflict (a supervisor's read).
    ConflictSides {
        /// The supervisor.
        who: Session,
        /// Package tag.
        uid: String,
    },
    /// What a pallet or tote label holds (7 Quarantine).
    Pallet {
        /// The label scanned.
        label: String,
    },
    /// Tasks and sync state for home.
    Home {
        /// The signed-in badge.
        badge: String,
    },
    /// Look up a scan.
    Lookup {
        /// What was scanned or typed.
        scan: String,
    },
    /// A read of the receiving screen, through the floor layer.
    Receiving(crate::screens::receive::work::Read),
    /// The open pick lists.
    PickLists,
    /// The outbound manifests not yet ready.
    Outbound,
    /// What is staged against an outbound manifest now.
    Loading {
        /// Manifest id.
        manifest: String,
    },
    /// What waits for a supervisor.
    SupervisorWork {
        /// The supervisor.
        who: Session,
    },
    /// A count in review, line by line (a supervisor's read).
    Review {
        /// The supervisor.
        who: Session,
        /// Count task id.
        task: String,
    },
    /// The count tasks a counter can work on (read on the counting view).
    CountTasks,
    /// The counter's own lines of the round being counted (read on the counting view).
    MyCountLines {
        /// The person counting.
        who: Session,
        /// Count task id.
        task: String,
    },
}

/// A reply of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteReply {
    /// The sign-in's answer.
    SignedIn(Result<Session, Failure>),
    /// The sign-out was recorded (or failed).
    SignedOut(Result<(), Failure>),
    /// A receiving step's answer.
    Receiving(Result<crate::screens::receive::work::Done, Failure>),
    /// A move scan's answer.
    Moving(Result<crate::screens::moving::work::Done, Failure>),
    /// A quarantine's or a release's answer.
    Quarantine(Result<tally_floor::Outcome, Failure>),
    /// A count step's answer.
    Count(Result<CountDone, Failure>),
    /// A picker's step's answer.
    Picked(Result<Picked, Failure>),
    /// What was destroyed, or the refusal.
    Destroyed(Result<tally_replica::workflow::destruction::Destroyed, Failure>),
    /// The manifest is marked ready (its reconciliation), or the refusal.
    MarkedReady(Result<tally_replica::workflow::loading::Reconciliation, Failure>),
    /// A supervisor step's answer (the floor's outcome).
    Supervised(Result<tally_floor::Outcome, Failure>),
    /// "Sync now" was asked for (the request count), or could not be.
    SyncRequested(Result<u64, Failure>),
    /// The re-anchoring recorded, or the refusal.
    Reanchored(Result<tally_events::payload::LedgerReanchored, Failure>),
}

/// A reply of the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadReply {
    /// Home's summary.
    Home(Result<HomeSummary, Failure>),
    /// A lookup's answer.
    Lookup(Result<Found, Failure>),
    /// A receiving read's answer.
    Receiving(Result<crate::screens::receive::work::Answer, Failure>),
    /// The count tasks.
    CountTasks(Result<Vec<TaskView>, Failure>),
    /// The open pick lists.
    PickLists(Result<Vec<tally_floor::PickListRow>, Failure>),
    /// The outbound manifests not yet ready.
    Outbound(Result<Vec<tally_floor::OutboundRow>, Failure>),
    /// A manifest's reconciliation now.
    Loading(Result<tally_replica::workflow::loading::Reconciliation, Failure>),
    /// What waits for a supervisor.
    SupervisorWork(Result<SupervisorWork, Failure>),
    /// A count in review.
    Review(Result<Vec<tally_replica::workflow::count::Variance>, Failure>),
    /// The counter's own lines: how many packages they found, and how many have a quantity.
    MyCountLines(Result<(usize, usize), Failure>),
    /// Both sides of a package's conflict.
    ConflictSides(Result<tally_floor::ConflictSides, Failure>),
    /// What a pallet or tote label holds that quarantine can take (withheld while a count is
    /// open).
    Pallet(Result<tally_floor::PalletContents, Failure>),
}

/// Everything the state machine takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A key, at a monotonic time in milliseconds.
    Key {
        /// The key.
        key: Key,
        /// When it arrived.
        at_ms: u64,
    },
    /// A device driver's report.
    Device(DeviceEvent),
    /// The clock ticked (auto-lock, flashes).
    Tick {
        /// Monotonic time in milliseconds.
        now_ms: u64,
    },
    /// The worker answered request `id`.
    Written {
        /// Request id.
        id: u64,
        /// The answer.
        reply: WriteReply,
    },
    /// The reader answered request `id`.
    Read {
        /// Request id.
        id: u64,
        /// The answer.
        reply: ReadReply,
    },
    /// The sync daemon's status.
    Sync(SyncStatus),
    /// The ledger thread answered request `id`.
    Ledger {
        /// Request id.
        id: u64,
        /// The answer.
        reply: LedgerReply,
    },
    /// The worker or reader thread ended: nothing more can be recorded.
    WorkerGone,
}

/// A success or an error signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// It worked.
    Success,
    /// It did not.
    Error,
}

/// A command for the scale, sent from the handheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleCommand {
    /// Tare: the weight on the pan now counts as the container.
    Tare,
    /// Zero: the empty pan reads zero.
    Zero,
}

/// What the state machine asks the outside to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Send a write to the worker.
    Write {
        /// Request id.
        id: u64,
        /// The request.
        request: WriteRequest,
    },
    /// Send a read to the reader.
    Read {
        /// Request id.
        id: u64,
        /// The request.
        request: ReadRequest,
    },
    /// Ring the success or error signal.
    Signal(Tone),
    /// Send a command to the scale (tare, zero) from the handheld.
    ScaleCommand(ScaleCommand),
    /// Send a call to the ledger thread.
    Ledger {
        /// Request id.
        id: u64,
        /// The call.
        request: LedgerRequest,
    },
    /// End the app.
    Quit,
}

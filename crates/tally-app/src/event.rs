//! What flows through the app: the events the state machine takes (keys, device events,
//! timers, worker and reader replies, sync status) and the effects it asks for (a write to the
//! worker, a read to the reader, a signal, quitting).
//!
//! Every request carries an id; a reply whose id is not the one a screen waits for is stale
//! (the person went back meanwhile) and is dropped.

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
    /// A barcode from a scanner driver (not a keyboard wedge).
    Scan {
        /// The decoded text.
        text: String,
    },
}

/// The sync daemon's report (none runs before the ledger exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncStatus {
    /// The ledger answered at the last attempt.
    pub online: bool,
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
}

/// A read, done on the read-only connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadRequest {
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
}

/// A reply of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteReply {
    /// The sign-in's answer.
    SignedIn(Result<Session, Failure>),
    /// The sign-out was recorded (or failed).
    SignedOut(Result<(), Failure>),
}

/// A reply of the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadReply {
    /// Home's summary.
    Home(Result<HomeSummary, Failure>),
    /// A lookup's answer.
    Lookup(Result<Found, Failure>),
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
    /// End the app.
    Quit,
}

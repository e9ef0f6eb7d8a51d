//! The ledger thread: the app's calls to its ledger (a supervisor comparing the device's
//! checkpoint with a restored ledger's), made off the render path and off the worker and the
//! reader, since they wait on the network. It answers each [`LedgerRequest`] as an
//! [`Event::Ledger`]. The ledger is the one the replica is pinned to (`tallyd enroll`); a
//! device that is not enrolled, or a ledger that cannot be reached, is an answer like any
//! other, said on the screen.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use crate::event::{Event, LedgerReply, LedgerRequest};

/// Where ledger calls go, each with its id.
pub type Calls = Sender<(u64, LedgerRequest)>;

/// How long a call may take: the screen says "cannot be reached" rather than wait long.
fn options() -> tally_ledger_client::ClientOptions {
    tally_ledger_client::ClientOptions {
        connect_timeout: Duration::from_secs(3),
        timeout: Duration::from_secs(10),
        ca_pem: None,
    }
}

/// Answers one call for the replica at `db`.
pub fn perform(db: &Path, request: LedgerRequest) -> LedgerReply {
    match request {
        LedgerRequest::Inspect => LedgerReply::Inspected(
            tally_sync::reanchor::inspect(db, &options())
                .map(Box::new)
                .map_err(|e| e.to_string()),
        ),
    }
}

/// Starts the ledger thread for the replica at `db`.
pub fn spawn(db: &Path, events: Sender<Event>) -> std::io::Result<Calls> {
    let (calls, inbox) = mpsc::channel::<(u64, LedgerRequest)>();
    let db: PathBuf = db.to_owned();
    std::thread::Builder::new()
        .name("tally-ledger-calls".into())
        .spawn(move || {
            for (id, request) in inbox {
                let reply = perform(&db, request);
                if events.send(Event::Ledger { id, reply }).is_err() {
                    return;
                }
            }
        })?;
    Ok(calls)
}

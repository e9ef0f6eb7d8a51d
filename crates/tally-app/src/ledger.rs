//! The ledger thread: the app's calls to its ledger (a supervisor comparing the device's
//! checkpoint with a restored ledger's; the Supervisor dock view), made off the render path
//! and off the worker and the reader, since they wait on the network. It answers each
//! [`LedgerRequest`] as an [`Event::Ledger`]. The ledger is the one the replica is pinned to
//! (`tallyd enroll`; the app config's `ledger_url` may name another address of it); a device
//! that is not enrolled, or a ledger that cannot be reached, is an answer like any other, said
//! on the screen.

use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use tally_events::domain::DomainSigner;
use tally_ledger_client::supervisor::Credential;
use tally_ledger_client::{ClientError, LedgerClient};
use tally_replica::keys::KeyOptions;

use crate::config::KeyLocation;
use crate::event::{DockAnswer, DockFailure, DockSignIn, Event, LedgerReply, LedgerRequest};

/// What the ledger thread needs: the replica (its pinned ledger), the device key (to sign
/// requests, read without the signing lock, as tallyd does) and the config's ledger address.
#[derive(Debug, Clone)]
pub struct Access {
    /// The replica database.
    pub db: PathBuf,
    /// Where the device key is.
    pub key: KeyLocation,
    /// Key-location options.
    pub key_options: KeyOptions,
    /// The app config's `ledger_url` (`None`: the address the device enrolled with).
    pub ledger_url: Option<String>,
}

impl Access {
    fn signer(&self) -> Result<DomainSigner, tally_replica::ReplicaError> {
        let path = match &self.key {
            KeyLocation::File(file) => file.clone(),
            KeyLocation::Dir(dir) => {
                let device = tally_replica::replica::recorded_device(&self.db)?;
                tally_replica::keys::key_path(dir, &device)
            }
        };
        tally_replica::keys::check_key_location(&path, &self.db, &self.key_options)?;
        tally_replica::keys::domain_signer(&path)
    }
}

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

/// Answers one call.
pub fn perform(access: &Access, request: LedgerRequest) -> LedgerReply {
    match request {
        LedgerRequest::Inspect => LedgerReply::Inspected(
            tally_sync::reanchor::inspect(&access.db, &options())
                .map(Box::new)
                .map_err(|e| e.to_string()),
        ),
        LedgerRequest::Dock { who, sign_in } => {
            LedgerReply::Dock(dock(access, &who, sign_in).map(Box::new))
        }
    }
}

fn dock_failure(error: ClientError) -> DockFailure {
    match error {
        ClientError::Unreachable { .. } => DockFailure::Unreachable,
        ClientError::Refused { body, .. }
            if matches!(body.error.as_str(), "session_expired" | "session_invalid") =>
        {
            DockFailure::SessionEnded
        }
        ClientError::Refused { body, .. } => DockFailure::SignInRefused {
            code: body.error,
            message: body.message,
            message_es: body.message_es,
        },
        other => DockFailure::Fault(other.to_string()),
    }
}

/// The dock view: the floor layer's role check, then a supervisor session at the pinned
/// ledger (opened with the PIN, or the one opened before) and its facility's devices.
fn dock(
    access: &Access,
    who: &tally_replica::workflow::Session,
    sign_in: DockSignIn,
) -> Result<DockAnswer, DockFailure> {
    tally_floor::may_supervise(who).map_err(DockFailure::Refused)?;
    let view = tally_replica::db::open_read_only(&access.db)
        .map_err(|e| DockFailure::Fault(e.to_string()))?;
    let link = tally_replica::outbox::link(&view)
        .map_err(|e| DockFailure::Fault(e.to_string()))?
        .ok_or(DockFailure::NotEnrolled)?;
    drop(view);
    let signer = access
        .signer()
        .map_err(|e| DockFailure::Fault(e.to_string()))?;
    let url = access.ledger_url.as_deref().unwrap_or(&link.url);
    let client = LedgerClient::new(url, &options()).map_err(dock_failure)?;
    let token = match sign_in {
        DockSignIn::Token(token) => token,
        DockSignIn::Pin(pin) => {
            client
                .supervisor_session(&signer, &link.origin, &who.badge, &pin)
                .map_err(dock_failure)?
                .token
        }
    };
    let credential = Credential::Session {
        device: &signer,
        token: &token,
    };
    let view = client
        .projection_devices(credential, &link.origin, None)
        .map_err(dock_failure)?;
    Ok(DockAnswer {
        view,
        token,
        read_at_unix_ms: tally_sync::engine::now_unix_ms(),
    })
}

/// Starts the ledger thread.
pub fn spawn(access: Access, events: Sender<Event>) -> std::io::Result<Calls> {
    let (calls, inbox) = mpsc::channel::<(u64, LedgerRequest)>();
    std::thread::Builder::new()
        .name("tally-ledger-calls".into())
        .spawn(move || {
            for (id, request) in inbox {
                let reply = perform(&access, request);
                if events.send(Event::Ledger { id, reply }).is_err() {
                    return;
                }
            }
        })?;
    Ok(calls)
}

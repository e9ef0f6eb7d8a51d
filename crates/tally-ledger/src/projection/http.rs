//! The projections over HTTP (`/v1/projections/…`, docs/openapi.yaml), for supervisors and
//! auditors, and the projector that `serve` runs behind ingest.
//!
//! Every route takes a [`SupervisorAccess`]: the one place that decides who may read them.
//! Until supervisor and admin credentials exist at the ledger, it admits requests from the
//! ledger's own host (loopback peers) only; switching it to the credential check changes
//! [`SupervisorAccess::from_request_parts`] and nothing else.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{
    CountTaskView, ManifestView, PackageView, Progress, Projector, QuarantineView, DEFAULT_BATCH,
};
use crate::api::{ErrorBody, RefusalBody};
use crate::custody::Custody;
use crate::error::{LedgerError, Refusal};
use crate::ledger::Ledger;
use crate::store::Store;

/// Who may read the projections. Today: a request whose TCP peer is on the ledger's own host.
/// The supervisor credential check (ledger-ops) replaces the body of
/// [`SupervisorAccess::from_request_parts`]; the routes stay as they are.
#[derive(Debug, Clone, Copy)]
pub struct SupervisorAccess {
    /// The peer the request came from.
    pub peer: SocketAddr,
}

impl<T: Send + Sync> FromRequestParts<T> for SupervisorAccess {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &T) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) if peer.ip().is_loopback() => Ok(Self { peer: *peer }),
            _ => Err(error_response(
                StatusCode::FORBIDDEN,
                ErrorBody {
                    error: "supervisor_only".into(),
                    message: "projections are for supervisors and auditors: until supervisor credentials are set up, ask from the ledger's own host".into(),
                    message_es: "las proyecciones son para supervisores y auditores: mientras no haya credenciales de supervisor, consúltelas desde el propio servidor del libro central".into(),
                    retryable: false,
                    position: None,
                    expected_seq: None,
                    seq: None,
                },
            )),
        }
    }
}

fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    (status, Json(body)).into_response()
}

fn ledger_error(error: LedgerError) -> Response {
    match error {
        LedgerError::Refused(refusal) => {
            let status = match refusal {
                Refusal::BadRequest { .. } => StatusCode::BAD_REQUEST,
                _ => StatusCode::FORBIDDEN,
            };
            error_response(status, ErrorBody::from_refusal(&refusal, None))
        }
        LedgerError::NotFound(what) => error_response(
            StatusCode::NOT_FOUND,
            ErrorBody::other("not_found", what, false),
        ),
        other => {
            tracing::error!(error = %other, "projection request failed");
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::other("unavailable", other.to_string(), true),
            )
        }
    }
}

/// What the projection routes share: the ledger (checkpoints and proofs) and a reader with its
/// own connection, opened on first use.
pub struct ProjectionState<S: Store> {
    ledger: Arc<Mutex<Ledger<S>>>,
    reader: Arc<Mutex<Option<Projector<S>>>>,
}

impl<S: Store> Clone for ProjectionState<S> {
    fn clone(&self) -> Self {
        Self {
            ledger: self.ledger.clone(),
            reader: self.reader.clone(),
        }
    }
}

/// Runs `work` on the blocking pool with the ledger and the reader. The reader's lock is taken
/// first and the ledger's last (always in this order); with `catch_up`, the projections first
/// catch up with the committed log without holding the ledger, so a custody request far behind
/// the log never holds up ingest while it folds.
async fn blocking<S, T, F>(
    state: &ProjectionState<S>,
    catch_up: bool,
    work: F,
) -> Result<T, Response>
where
    S: Store + 'static,
    T: Send + 'static,
    F: FnOnce(&mut Ledger<S>, &mut Projector<S>) -> Result<T, LedgerError> + Send + 'static,
{
    let state = state.clone();
    let busy = |what: &str| LedgerError::Unavailable(format!("a request failed holding {what}"));
    tokio::task::spawn_blocking(move || {
        let mut reader = state.reader.lock().map_err(|_| busy("the reader"))?;
        if reader.is_none() {
            let store = {
                let ledger = state.ledger.lock().map_err(|_| busy("the ledger"))?;
                ledger.store().reopen()?
            };
            *reader = Some(Projector::open(store)?);
        }
        let projector = reader
            .as_mut()
            .ok_or_else(|| LedgerError::Unavailable("the projections are not open".into()))?;
        if catch_up {
            projector.catch_up(DEFAULT_BATCH, None)?;
        }
        let mut ledger = state.ledger.lock().map_err(|_| busy("the ledger"))?;
        work(&mut ledger, projector)
    })
    .await
    .map_err(|e| {
        error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorBody::other("internal", e.to_string(), true),
        )
    })?
    .map_err(ledger_error)
}

/// `?facility=F`: one facility's rows (all facilities without it).
#[derive(Debug, Deserialize)]
pub struct FacilityQuery {
    facility: Option<String>,
}

/// A list answer: how far the projections are, and the rows.
#[derive(Debug, Serialize)]
pub struct Listing<T> {
    /// Entries `[0, projected)` of the log are folded into the rows.
    pub projected: u64,
    /// The committed tree size when the rows were read.
    pub tree_size: u64,
    /// The rows.
    pub items: Vec<T>,
}

fn listing<T>(progress: Progress, items: Vec<T>) -> Listing<T> {
    Listing {
        projected: progress.projected,
        tree_size: progress.tree_size,
        items,
    }
}

async fn status<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
) -> Result<Json<Progress>, Response> {
    Ok(Json(blocking(&state, false, |_, p| p.progress()).await?))
}

async fn packages<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<PackageView>>, Response> {
    let out = blocking(&state, false, move |_, p| {
        let items = p.packages(query.facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn package<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Path(uid): Path<String>,
) -> Result<Json<PackageView>, Response> {
    let out = blocking(&state, false, move |_, p| {
        p.package(&uid)?
            .ok_or_else(|| LedgerError::NotFound(format!("no package {uid} in the projections")))
    })
    .await?;
    Ok(Json(out))
}

async fn quarantine<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<QuarantineView>>, Response> {
    let out = blocking(&state, false, move |_, p| {
        let items = p.quarantine(query.facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn counts<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<CountTaskView>>, Response> {
    let out = blocking(&state, false, move |_, p| {
        let items = p.counts(query.facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn manifests<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<ManifestView>>, Response> {
    let out = blocking(&state, false, move |_, p| {
        let items = p.manifests(query.facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn custody<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Path(uid): Path<String>,
) -> Result<Response, Response> {
    let view = blocking(&state, true, move |ledger, p| {
        Custody::collect(ledger, p, &uid)?.view()
    })
    .await?;
    Ok(Json(view).into_response())
}

async fn custody_bundle<S: Store + 'static>(
    _access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Path(uid): Path<String>,
) -> Result<Response, Response> {
    let bytes = blocking(&state, true, move |ledger, p| {
        Custody::collect(ledger, p, &uid)?.bundle(ledger)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// The projection routes over the server's ledger.
pub fn routes<S: Store + 'static>(ledger: Arc<Mutex<Ledger<S>>>) -> Router {
    let state = ProjectionState {
        ledger,
        reader: Arc::new(Mutex::new(None)),
    };
    Router::new()
        .route("/v1/projections/status", get(status::<S>))
        .route("/v1/projections/packages", get(packages::<S>))
        .route("/v1/projections/packages/{uid}", get(package::<S>))
        .route("/v1/projections/quarantine", get(quarantine::<S>))
        .route("/v1/projections/counts", get(counts::<S>))
        .route("/v1/projections/manifests", get(manifests::<S>))
        .route("/v1/projections/custody/{uid}", get(custody::<S>))
        .route(
            "/v1/projections/custody/{uid}/bundle",
            get(custody_bundle::<S>),
        )
        .with_state(state)
}

/// Runs the projector behind ingest until `stop` is set: folds whatever was committed, then
/// waits for `commits` to signal a commit, or `poll` at most. Failures (a database restarting)
/// are logged and retried on a new connection; the stored position makes every restart exact.
pub fn follow<S: Store>(
    template: S,
    stop: Arc<AtomicBool>,
    commits: Arc<crate::commit_signal::CommitSignal>,
    poll: Duration,
) {
    let mut projector: Option<Projector<S>> = None;
    while !stop.load(Ordering::Relaxed) {
        // Read before looking at the log: a commit while folding is not missed.
        let seen = commits.generation();
        let p = match projector.as_mut() {
            Some(p) => p,
            None => match template
                .reopen()
                .map_err(LedgerError::from)
                .and_then(Projector::open)
            {
                Ok(p) => projector.insert(p),
                Err(error) => {
                    tracing::error!(%error, "the projector cannot open the database; retrying");
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            },
        };
        match p.step(DEFAULT_BATCH) {
            Ok(0) => {
                commits.wait_past(seen, poll);
            }
            Ok(folded) => tracing::debug!(folded, "projections folded"),
            Err(error) => {
                tracing::error!(%error, "the projector failed; retrying on a new connection");
                projector = None;
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

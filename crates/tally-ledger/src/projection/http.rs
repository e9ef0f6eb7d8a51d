//! The projections over HTTP (`/v1/projections/…`, docs/openapi.yaml), for supervisors and
//! auditors, the supervisor sign-in (`POST /v1/supervisor/session`), and the projector that
//! `serve` runs behind ingest. `GET /v1/projections/devices` is the Supervisor dock view
//! (`super::dock`).
//!
//! Every projection route takes a [`SupervisorAccess`]: the one place that decides who may
//! read them, by their own credentials (where the request comes from grants nothing):
//! - an **operator credential** (`Tally-Operator`, an admin or supervisor key registered at
//!   the ledger, `crate::credentials`; the CLI's own admin key is one): every facility;
//! - a **supervisor session** (`Tally-Session` with the device's own request signature,
//!   `crate::supervisor`): the session's facility only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::{
    CountTaskView, DockView, ManifestView, PackageView, Progress, Projector, QuarantineView,
    DEFAULT_BATCH,
};
use crate::api::{ErrorBody, RefusalBody, ServiceError};
use crate::auth::{verify_signed, Scheme, SignedParts, HEADER_OPERATOR, HEADER_SESSION};
use crate::custody::Custody;
use crate::error::{LedgerError, Refusal};
use crate::ledger::{now_unix_ms, Ledger};
use crate::ops_store::OperatorRole;
use crate::store::Store;
use crate::supervisor::{self, SessionGrant, SessionHolder, SessionRequest};

pub use tally_ledger_client::projections::Listing;

/// Who is reading the projections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupervisorAccess {
    /// An operator credential (admin or supervisor key): every facility.
    Operator {
        /// The credential's name.
        name: String,
        /// Its role.
        role: OperatorRole,
    },
    /// A supervisor signed in on an enrolled device: that facility only.
    Session(SessionHolder),
}

impl SupervisorAccess {
    /// The facility whose rows a list answers with: what was asked (every facility when
    /// nothing was) for an operator; the session's own for a session, which may not ask for
    /// another.
    pub fn scope(&self, asked: Option<String>) -> Result<Option<String>, Refusal> {
        match self {
            SupervisorAccess::Operator { .. } => Ok(asked),
            SupervisorAccess::Session(holder) => match asked {
                Some(facility) if facility != holder.facility => Err(Refusal::OtherFacility {
                    facility: holder.facility.clone(),
                }),
                _ => Ok(Some(holder.facility.clone())),
            },
        }
    }

    /// Whether a row of `facility` may be shown.
    pub fn may_read(&self, facility: &str) -> bool {
        match self {
            SupervisorAccess::Operator { .. } => true,
            SupervisorAccess::Session(holder) => holder.facility == facility,
        }
    }
}

fn path_of(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned())
}

/// Checks the credential of a projection request (`GET`, empty body).
fn access<S: Store>(
    ledger: &Ledger<S>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<SupervisorAccess, LedgerError> {
    let origin = ledger.origin().to_owned();
    if headers.contains_key(HEADER_OPERATOR) {
        let signed = verify_signed(
            Scheme::Operator,
            &SignedParts::from_headers(Scheme::Operator, headers),
            &origin,
            method.as_str(),
            path,
            b"",
        )?;
        let refused = || Refusal::NotOperator {
            needed: OperatorRole::Supervisor.as_str().to_owned(),
        };
        let row = ledger
            .store()
            .operator(&signed.key.0)?
            .ok_or_else(refused)?;
        if row.revoked_unix_ms.is_some() || row.role < OperatorRole::Supervisor {
            return Err(refused().into());
        }
        return Ok(SupervisorAccess::Operator {
            name: row.name,
            role: row.role,
        });
    }
    let Some(token) = headers.get(HEADER_SESSION).and_then(|v| v.to_str().ok()) else {
        return Err(Refusal::SupervisorOnly.into());
    };
    let signed = verify_signed(
        Scheme::Device,
        &SignedParts::from_headers(Scheme::Device, headers),
        &origin,
        method.as_str(),
        path,
        b"",
    )?;
    let holder = supervisor::check_session(ledger, &signed, token, now_unix_ms())?;
    Ok(SupervisorAccess::Session(holder))
}

impl<S: Store + 'static> FromRequestParts<ProjectionState<S>> for SupervisorAccess {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ProjectionState<S>,
    ) -> Result<Self, Self::Rejection> {
        let ledger = state.ledger.clone();
        let method = parts.method.clone();
        let path = path_of(&parts.uri);
        let headers = parts.headers.clone();
        tokio::task::spawn_blocking(move || {
            let ledger = ledger.lock().map_err(|_| {
                LedgerError::Unavailable("a request failed while holding the ledger".into())
            })?;
            access(&ledger, &method, &path, &headers)
        })
        .await
        .map_err(|e| {
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody::other(&ServiceError::Internal(e.to_string())),
            )
        })?
        .map_err(ledger_error)
    }
}

fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    (status, Json(body)).into_response()
}

fn ledger_error(error: LedgerError) -> Response {
    match error {
        LedgerError::Refused(refusal) => error_response(
            crate::server::refusal_status(&refusal),
            ErrorBody::from_refusal(&refusal, None),
        ),
        LedgerError::NotFound(what) => error_response(
            StatusCode::NOT_FOUND,
            ErrorBody::other(&ServiceError::NotFound(what)),
        ),
        other => {
            tracing::error!(error = %other, "projection request failed");
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::other(&ServiceError::Unavailable(other.to_string())),
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
            ErrorBody::other(&ServiceError::Internal(e.to_string())),
        )
    })?
    .map_err(ledger_error)
}

/// `?facility=F`: one facility's rows (all facilities without it).
#[derive(Debug, Deserialize)]
pub struct FacilityQuery {
    facility: Option<String>,
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

fn scope(access: &SupervisorAccess, query: FacilityQuery) -> Result<Option<String>, Response> {
    access
        .scope(query.facility)
        .map_err(|refusal| ledger_error(refusal.into()))
}

async fn packages<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<PackageView>>, Response> {
    let facility = scope(&access, query)?;
    let out = blocking(&state, false, move |_, p| {
        let items = p.packages(facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

fn no_package(uid: &str) -> LedgerError {
    LedgerError::NotFound(format!("no package {uid} in the projections"))
}

async fn package<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Path(uid): Path<String>,
) -> Result<Json<PackageView>, Response> {
    let out = blocking(&state, false, move |_, p| {
        p.package(&uid)?
            .filter(|package| access.may_read(&package.facility))
            .ok_or_else(|| no_package(&uid))
    })
    .await?;
    Ok(Json(out))
}

async fn quarantine<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<QuarantineView>>, Response> {
    let facility = scope(&access, query)?;
    let out = blocking(&state, false, move |_, p| {
        let items = p.quarantine(facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn counts<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<CountTaskView>>, Response> {
    let facility = scope(&access, query)?;
    let out = blocking(&state, false, move |_, p| {
        let items = p.counts(facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn manifests<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Listing<ManifestView>>, Response> {
    let facility = scope(&access, query)?;
    let out = blocking(&state, false, move |_, p| {
        let items = p.manifests(facility.as_deref())?;
        Ok(listing(p.progress()?, items))
    })
    .await?;
    Ok(Json(out))
}

async fn devices<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<DockView>, Response> {
    let facility = scope(&access, query)?;
    let out = blocking(&state, false, move |ledger, p| {
        super::dock::view(ledger.store(), p, facility.as_deref())
    })
    .await?;
    Ok(Json(out))
}

/// A session reads the custody of its own facility's packages only (by the package's
/// facility in the projections); an operator credential, any.
fn custody_of<S: Store>(
    access: &SupervisorAccess,
    ledger: &mut Ledger<S>,
    projector: &mut Projector<S>,
    uid: &str,
) -> Result<Custody, LedgerError> {
    if let SupervisorAccess::Session(_) = access {
        let readable = projector
            .package(uid)?
            .is_some_and(|package| access.may_read(&package.facility));
        if !readable {
            return Err(no_package(uid));
        }
    }
    Custody::collect(ledger, projector, uid)
}

async fn custody<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Path(uid): Path<String>,
) -> Result<Response, Response> {
    let view = blocking(&state, true, move |ledger, p| {
        custody_of(&access, ledger, p, &uid)?.view()
    })
    .await?;
    Ok(Json(view).into_response())
}

async fn custody_bundle<S: Store + 'static>(
    access: SupervisorAccess,
    State(state): State<ProjectionState<S>>,
    Path(uid): Path<String>,
) -> Result<Response, Response> {
    let bytes = blocking(&state, true, move |ledger, p| {
        custody_of(&access, ledger, p, &uid)?.bundle(ledger)
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

/// `POST /v1/supervisor/session`: a supervisor signs in on the device that signs the request.
async fn open_session<S: Store + 'static>(
    State(state): State<ProjectionState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SessionGrant>, Response> {
    let ledger = state.ledger.clone();
    let path = path_of(&uri);
    let grant = tokio::task::spawn_blocking(move || {
        let ledger = ledger.lock().map_err(|_| {
            LedgerError::Unavailable("a request failed while holding the ledger".into())
        })?;
        let signed = verify_signed(
            Scheme::Device,
            &SignedParts::from_headers(Scheme::Device, &headers),
            ledger.origin(),
            method.as_str(),
            &path,
            &body,
        )?;
        let request: SessionRequest =
            serde_json::from_slice(&body).map_err(|e| Refusal::BadRequest {
                reason: e.to_string(),
            })?;
        let grant = supervisor::open_session(&ledger, &signed, &request, now_unix_ms());
        match &grant {
            Ok(g) => tracing::info!(facility = %g.facility, badge = %g.badge, "supervisor session opened"),
            Err(error) => tracing::warn!(%error, "supervisor sign-in refused"),
        }
        grant
    })
    .await
    .map_err(|e| {
        error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorBody::other(&ServiceError::Internal(e.to_string())),
        )
    })?
    .map_err(ledger_error)?;
    Ok(Json(grant))
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
        .route("/v1/projections/devices", get(devices::<S>))
        .route("/v1/projections/custody/{uid}", get(custody::<S>))
        .route(
            "/v1/projections/custody/{uid}/bundle",
            get(custody_bundle::<S>),
        )
        .route("/v1/supervisor/session", post(open_session::<S>))
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

//! `tally-ledger serve`: the HTTP service (axum on tokio). The versioned JSON API under `/v1/`
//! (docs/openapi.yaml) and the C2SP tlog-tiles read API under `/log/`.
//!
//! Every request reads the database afresh (tokens, devices, revocations), so CLI commands
//! work against a running server. Storage calls run on tokio's blocking pool behind one lock.
//! Checkpoints are signed after the ingest transaction commits; at start the server signs the
//! checkpoint of whatever was committed before a crash, so a SIGKILLed server restarts with no
//! clean-up.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::api::{
    DeviceStatus, EnrollRequest, ErrorBody, Info, ProofResponse, PushRequest, PushResponse,
    RefusalBody, ServiceError, API_VERSION,
};
use crate::auth::{self, Scheme, SignedParts};
use crate::commit_signal::CommitSignal;
use crate::dock_store::PushReport;
use crate::error::{LedgerError, Refusal};
use crate::ledger::Ledger;
use crate::metrics::{Metrics, RefusalCode};
use crate::replica::{DeltasResponse, ReplicaService, DELTAS_PER_PAGE_MAX};
use crate::store::Store;
use crate::tlog::{unb64, TileRef};

/// The largest request body (a push of many records).
pub const MAX_BODY_BYTES: usize = 64 << 20;

struct AppState<S: Store> {
    ledger: Arc<Mutex<Ledger<S>>>,
    /// The replica service with its own connection: building a snapshot never holds the
    /// ledger (ingest goes on meanwhile).
    replica: Arc<Mutex<(ReplicaService, S)>>,
    metrics: Arc<Metrics>,
    origin: String,
    /// Signalled after each push commits: wakes the projector.
    commits: Arc<CommitSignal>,
}

impl<S: Store> Clone for AppState<S> {
    fn clone(&self) -> Self {
        Self {
            ledger: self.ledger.clone(),
            replica: self.replica.clone(),
            metrics: self.metrics.clone(),
            origin: self.origin.clone(),
            commits: self.commits.clone(),
        }
    }
}

/// An error turned into an HTTP response.
struct ApiError {
    status: StatusCode,
    body: Box<ErrorBody>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = RefusalCode(self.body.error.clone());
        let mut response = (self.status, Json(*self.body)).into_response();
        response.extensions_mut().insert(code);
        response
    }
}

/// The HTTP status of a refusal.
pub(crate) fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::GarbledUpload | Refusal::BadRequest { .. } | Refusal::Malformed { .. } => {
            StatusCode::BAD_REQUEST
        }
        Refusal::Unauthenticated { .. }
        | Refusal::SupervisorOnly
        | Refusal::SessionInvalid
        | Refusal::SessionExpired
        | Refusal::StaleRequest { .. }
        | Refusal::Replayed => StatusCode::UNAUTHORIZED,
        Refusal::SignInRefused
        | Refusal::SignInLocked { .. }
        | Refusal::NotSupervisor { .. }
        | Refusal::OtherFacility { .. } => StatusCode::FORBIDDEN,
        Refusal::UnknownDevice
        | Refusal::Revoked
        | Refusal::Forked
        | Refusal::UnknownToken
        | Refusal::TokenUsed
        | Refusal::WeakKey
        | Refusal::KeyEnrolledElsewhere
        | Refusal::NotOperator { .. }
        | Refusal::NotAdmin { .. } => StatusCode::FORBIDDEN,
        Refusal::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::Gap { .. }
        | Refusal::Fork { .. }
        | Refusal::WrongAuthor { .. }
        | Refusal::WrongFacility { .. }
        | Refusal::Chain { .. } => StatusCode::CONFLICT,
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> Self {
        match error {
            LedgerError::Refused(refusal) => ApiError {
                status: refusal_status(&refusal),
                body: Box::new(ErrorBody::from_refusal(&refusal, None)),
            },
            LedgerError::NotFound(what) => ApiError {
                status: StatusCode::NOT_FOUND,
                body: Box::new(ErrorBody::other(&ServiceError::NotFound(what))),
            },
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    body: Box::new(ErrorBody::other(&ServiceError::Unavailable(
                        other.to_string(),
                    ))),
                }
            }
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        LedgerError::Refused(refusal).into()
    }
}

async fn with_ledger<S, T, F>(state: &AppState<S>, work: F) -> Result<T, ApiError>
where
    S: Store + 'static,
    T: Send + 'static,
    F: FnOnce(&mut Ledger<S>) -> Result<T, LedgerError> + Send + 'static,
{
    let ledger = state.ledger.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = ledger.lock().map_err(|_| {
            LedgerError::Unavailable("a request failed while holding the ledger".into())
        })?;
        work(&mut guard)
    })
    .await
    .map_err(|e| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body: Box::new(ErrorBody::other(&ServiceError::Internal(e.to_string()))),
    })?
    .map_err(ApiError::from)
}

fn path_of(uri: &Uri) -> &str {
    uri.path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(uri.path())
}

fn authenticate<S: Store>(
    state: &AppState<S>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<tally_events::DeviceId, ApiError> {
    auth::verify_signed(
        Scheme::Device,
        &SignedParts::from_headers(Scheme::Device, headers),
        &state.origin,
        method.as_str(),
        path_of(uri),
        body,
    )
    .map(|signed| signed.key)
    .map_err(ApiError::from)
}

async fn info<S: Store + 'static>(
    State(state): State<AppState<S>>,
) -> Result<Json<Info>, ApiError> {
    let info = with_ledger(&state, |ledger| {
        let checkpoint = ledger.checkpoint()?;
        Ok(Info {
            api_version: API_VERSION,
            origin: ledger.origin().to_owned(),
            verifier_key: ledger.verifier_key().to_owned(),
            tree_size: checkpoint.size,
        })
    })
    .await?;
    Ok(Json(info))
}

async fn enroll<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let device = authenticate(&state, &method, &uri, &headers, &body)?;
    let request: EnrollRequest =
        serde_json::from_slice(&body).map_err(|e| Refusal::BadRequest {
            reason: e.to_string(),
        })?;
    let enrollment =
        with_ledger(&state, move |ledger| ledger.enroll(&request.token, &device)).await?;
    Ok(Json(enrollment).into_response())
}

async fn push<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let device = authenticate(&state, &method, &uri, &headers, &body)?;
    let mut waiting = None;
    let answer = push_records(&state, device, &body, &mut waiting).await;
    let (receipts, refused) = match &answer {
        Ok((_, receipts, refused)) => (*receipts, refused.clone()),
        // The ledger's own failures (503, 500) are not the device's errors.
        Err(error) if error.status.is_server_error() => return answer.map(|(r, _, _)| r),
        Err(error) => (0, Some((*error.body).clone())),
    };
    let report = PushReport {
        unix_ms: crate::ledger::now_unix_ms(),
        waiting,
        receipts,
        refused: refused.map(|body| (body.error, body.message, body.message_es)),
    };
    // Status for the dock view, not evidence: a failure to keep it is logged, never the
    // push's answer.
    let kept = with_ledger(&state, move |ledger| {
        Ok(ledger.store().record_push(&device, &report)?)
    })
    .await;
    if let Err(error) = kept {
        tracing::warn!(error = %error.body.message, "the push's dock status was not kept");
    }
    answer.map(|(response, _, _)| response)
}

/// A push after its authentication: the response, the receipts it carries and its refusal.
async fn push_records<S: Store + 'static>(
    state: &AppState<S>,
    device: tally_events::DeviceId,
    body: &[u8],
    waiting: &mut Option<u64>,
) -> Result<(Response, u64, Option<ErrorBody>), ApiError> {
    let request: PushRequest = serde_json::from_slice(body).map_err(|e| Refusal::BadRequest {
        reason: e.to_string(),
    })?;
    *waiting = request.waiting;
    let mut records = Vec::with_capacity(request.records.len());
    for (position, text) in request.records.iter().enumerate() {
        let record = unb64(text).ok_or_else(|| Refusal::Malformed {
            position,
            reason: "not base64".into(),
        })?;
        records.push(record);
    }
    // Signatures are checked here, on every core and outside the ledger's lock; ingest then
    // checks the chain's links of the records that passed.
    let (records, prechecked) = tokio::task::spawn_blocking(move || {
        let prechecked = crate::precheck::precheck(&device, &records, crate::precheck::threads());
        (records, prechecked)
    })
    .await
    .map_err(|e| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body: Box::new(ErrorBody::other(&ServiceError::Internal(e.to_string()))),
    })?;
    let outcome = with_ledger(state, move |ledger| {
        ledger.ingest_prechecked(&device, &records, &prechecked)
    })
    .await?;
    state.commits.notify();
    let duplicates = outcome.receipts.iter().filter(|r| r.duplicate).count() as u64;
    state
        .metrics
        .ingested(outcome.receipts.len() as u64 - duplicates, duplicates);
    let status = match &outcome.refused {
        None => StatusCode::OK,
        Some((_, refusal)) => refusal_status(refusal),
    };
    let code = outcome
        .refused
        .as_ref()
        .map(|(_, refusal)| RefusalCode(refusal.code().to_owned()));
    let response = PushResponse {
        receipts: outcome.receipts,
        refused: outcome
            .refused
            .map(|(position, refusal)| ErrorBody::from_refusal(&refusal, Some(position))),
    };
    let receipts = response.receipts.len() as u64;
    let refused = response.refused.clone();
    let mut response = (status, Json(response)).into_response();
    if let Some(code) = code {
        response.extensions_mut().insert(code);
    }
    Ok((response, receipts, refused))
}

async fn metrics<S: Store + 'static>(
    State(state): State<AppState<S>>,
) -> Result<Response, ApiError> {
    let size = with_ledger(&state, |ledger| Ok(ledger.checkpoint()?.size)).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(size),
    )
        .into_response())
}

/// Counts refusals (by the code a response carries) and times every routed request.
async fn track<S: Store + 'static>(
    State(state): State<AppState<S>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .observe(&method, &route, started.elapsed().as_secs_f64());
    if let Some(RefusalCode(code)) = response.extensions().get::<RefusalCode>() {
        state.metrics.refused(code);
    }
    response
}

async fn device_status<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DeviceStatus>, ApiError> {
    let device = authenticate(&state, &method, &uri, &headers, &body)?;
    let status = with_ledger(&state, move |ledger| {
        let row = ledger.check_device(&device)?;
        Ok(DeviceStatus {
            device_id: row.device_id.to_string(),
            facility: row.facility,
            name: row.name,
            events: row.head_seq,
            expected_seq: row.head_seq + 1,
        })
    })
    .await?;
    Ok(Json(status))
}

/// Checks that `device` may use the replica service (enrolled, not revoked, not forked) and
/// that what was committed is covered by a checkpoint; then runs `work` on the device's
/// facility with the replica service and its own connection, without holding the ledger.
async fn with_replica<S, T, F>(
    state: &AppState<S>,
    device: tally_events::DeviceId,
    work: F,
) -> Result<T, ApiError>
where
    S: Store + 'static,
    T: Send + 'static,
    F: FnOnce(&mut ReplicaService, &S, &str) -> Result<T, LedgerError> + Send + 'static,
{
    let facility = with_ledger(state, move |ledger| {
        let row = ledger.check_device(&device)?;
        ledger.publish_checkpoint()?;
        Ok(row.facility)
    })
    .await?;
    let replica = state.replica.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = replica.lock().map_err(|_| {
            LedgerError::Unavailable("a request failed while holding the replica service".into())
        })?;
        let (service, store) = &mut *guard;
        work(service, store, &facility)
    })
    .await
    .map_err(|e| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body: Box::new(ErrorBody::other(&ServiceError::Internal(e.to_string()))),
    })?
    .map_err(ApiError::from)
}

#[derive(Deserialize)]
struct DeltasQuery {
    #[serde(default)]
    after: u64,
    limit: Option<u64>,
}

async fn replica_deltas<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    params: Result<Query<DeltasQuery>, QueryRejection>,
    body: Bytes,
) -> Result<Json<DeltasResponse>, ApiError> {
    let device = authenticate(&state, &method, &uri, &headers, &body)?;
    let query = query(params)?;
    let response = with_replica(&state, device, move |replica, store, facility| {
        replica.deltas(
            store,
            facility,
            query.after,
            query.limit.unwrap_or(DELTAS_PER_PAGE_MAX),
        )
    })
    .await?;
    Ok(Json(response))
}

async fn replica_snapshot<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let device = authenticate(&state, &method, &uri, &headers, &body)?;
    let snapshot = with_replica(&state, device, move |replica, store, facility| {
        replica.snapshot(store, facility)
    })
    .await?;
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/vnd.sqlite3"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        snapshot.bytes,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        "tally-snapshot-cursor",
        header::HeaderValue::from(snapshot.cursor),
    );
    if let Ok(value) = header::HeaderValue::from_str(&snapshot.facility) {
        headers.insert("tally-facility", value);
    }
    Ok(response)
}

async fn pins<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<crate::pins::PinsResponse>, ApiError> {
    let device = authenticate(&state, &method, &uri, &headers, &body)?;
    let response = with_ledger(&state, move |ledger| {
        let row = ledger.check_device(&device)?;
        Ok(crate::pins::verifiers_for(ledger.store(), &row.facility)?)
    })
    .await?;
    Ok(Json(response))
}

/// Authenticates an operator request and checks that the key holds `needed` (an admin
/// credential may make supervisor calls too).
async fn authenticate_operator<S: Store + 'static>(
    state: &AppState<S>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    needed: crate::ops_store::OperatorRole,
) -> Result<crate::ops_store::OperatorRow, ApiError> {
    let key = auth::verify_signed(
        Scheme::Operator,
        &SignedParts::from_headers(Scheme::Operator, headers),
        &state.origin,
        method.as_str(),
        path_of(uri),
        body,
    )?
    .key
    .0;
    with_ledger(state, move |ledger| {
        let refused = || Refusal::NotOperator {
            needed: needed.as_str().to_owned(),
        };
        let row = ledger.store().operator(&key)?.ok_or_else(refused)?;
        if row.revoked_unix_ms.is_some() || row.role < needed {
            return Err(refused().into());
        }
        Ok(row)
    })
    .await
}

#[derive(Deserialize)]
struct TokenRequest {
    facility: String,
    name: String,
}

async fn admin_enroll_token<S: Store + 'static>(
    State(state): State<AppState<S>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let operator = authenticate_operator(
        &state,
        &method,
        &uri,
        &headers,
        &body,
        crate::ops_store::OperatorRole::Admin,
    )
    .await?;
    let request: TokenRequest = serde_json::from_slice(&body).map_err(|e| Refusal::BadRequest {
        reason: e.to_string(),
    })?;
    let token = with_ledger(&state, move |ledger| {
        ledger.create_token(&request.facility, &request.name)
    })
    .await?;
    tracing::info!(operator = %operator.name, "enrollment token issued");
    Ok(Json(serde_json::json!({ "token": token })).into_response())
}

#[derive(Deserialize)]
struct InclusionQuery {
    index: u64,
    size: u64,
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|Query(q)| q).map_err(|rejection| {
        Refusal::BadRequest {
            reason: rejection.body_text(),
        }
        .into()
    })
}

async fn inclusion<S: Store + 'static>(
    State(state): State<AppState<S>>,
    params: Result<Query<InclusionQuery>, QueryRejection>,
) -> Result<Json<ProofResponse>, ApiError> {
    let query = query(params)?;
    let proof = with_ledger(&state, move |ledger| {
        ledger.inclusion_proof(query.index, query.size)
    })
    .await?;
    Ok(Json(ProofResponse { proof }))
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    old: u64,
    new: u64,
}

async fn consistency<S: Store + 'static>(
    State(state): State<AppState<S>>,
    params: Result<Query<ConsistencyQuery>, QueryRejection>,
) -> Result<Json<ProofResponse>, ApiError> {
    let query = query(params)?;
    let proof = with_ledger(&state, move |ledger| {
        ledger.consistency_proof(query.old, query.new)
    })
    .await?;
    Ok(Json(ProofResponse { proof }))
}

async fn log_checkpoint<S: Store + 'static>(
    State(state): State<AppState<S>>,
) -> Result<Response, ApiError> {
    let checkpoint = with_ledger(&state, |ledger| ledger.checkpoint()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        checkpoint.note,
    )
        .into_response())
}

async fn log_tile<S: Store + 'static>(
    State(state): State<AppState<S>>,
    Path(rest): Path<String>,
) -> Result<Response, ApiError> {
    let path = format!("tile/{rest}");
    let tile = TileRef::parse(&path).map_err(|e| ApiError {
        status: StatusCode::NOT_FOUND,
        body: Box::new(ErrorBody::other(&ServiceError::NotFound(e.to_string()))),
    })?;
    let data = with_ledger(&state, move |ledger| ledger.tile(&tile)).await?;
    // A tile path names fixed content: a full tile never changes, and a partial tile of width
    // W holds the same W hashes or entries forever (a wider one has another path).
    let cache = "public, max-age=31536000, immutable";
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        data,
    )
        .into_response())
}

/// One structured log line per request: method, path, status, device (if it named one) and
/// time taken.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let device = request
        .headers()
        .get(auth::HEADER_DEVICE)
        .and_then(|v| v.to_str().ok())
        .map(|d| d.chars().take(16).collect::<String>());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis() as u64;
    if status >= 500 {
        tracing::error!(%method, %path, status, device, ms, "request");
    } else if status >= 400 {
        tracing::warn!(%method, %path, status, device, ms, "request");
    } else {
        tracing::info!(%method, %path, status, device, ms, "request");
    }
    response
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        body: Box::new(ErrorBody::other(&ServiceError::NoRoute(
            uri.path().to_owned(),
        ))),
    }
}

/// What `serve` needs besides the ledger.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where the replica service keeps its facility views (derived data, rebuilt from the log
    /// when missing).
    pub views_dir: std::path::PathBuf,
    /// Serve HTTPS with this configuration ([`crate::tls::server_config`]); plain HTTP when
    /// `None`.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// How often the projector looks at the log when nothing woke it: a push to this process
    /// wakes it at once, and on PostgreSQL so does a commit of any process (LISTEN/NOTIFY);
    /// the poll catches another process's commits to a SQLite ledger.
    pub projection_poll: std::time::Duration,
}

/// The projector's fallback poll unless told otherwise.
pub const DEFAULT_PROJECTION_POLL: std::time::Duration = std::time::Duration::from_secs(2);

impl ServeOptions {
    /// Views in a directory under the system's temporary directory, named after the log.
    pub fn temporary_for(origin: &str) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(origin.as_bytes());
        Self {
            views_dir: std::env::temp_dir()
                .join(format!("tally-ledger-views-{}", hex::encode(&digest[..8]))),
            tls: None,
            projection_poll: DEFAULT_PROJECTION_POLL,
        }
    }
}

fn state<S: Store>(ledger: Ledger<S>, options: &ServeOptions) -> Result<AppState<S>, LedgerError> {
    let origin = ledger.origin().to_owned();
    let replica = ReplicaService::new(&options.views_dir, &origin)?;
    let replica_store = ledger.store().reopen()?;
    Ok(AppState {
        ledger: Arc::new(Mutex::new(ledger)),
        replica: Arc::new(Mutex::new((replica, replica_store))),
        metrics: Arc::new(Metrics::new()),
        origin,
        commits: CommitSignal::new(),
    })
}

/// The router over a ledger, with the replica service's views under `options.views_dir`.
/// Opens a second connection to the ledger's database (the replica service's): call it outside
/// an async context (the PostgreSQL client is blocking).
pub fn router<S: Store + 'static>(
    ledger: Ledger<S>,
    options: &ServeOptions,
) -> Result<Router, LedgerError> {
    Ok(routes(state(ledger, options)?))
}

fn routes<S: Store + 'static>(state: AppState<S>) -> Router {
    let ledger = state.ledger.clone();
    Router::new()
        .route("/v1/info", get(info::<S>))
        .route("/v1/enroll", post(enroll::<S>))
        .route("/v1/push", post(push::<S>))
        .route("/v1/device", get(device_status::<S>))
        .route("/v1/replica/deltas", get(replica_deltas::<S>))
        .route("/v1/replica/snapshot", get(replica_snapshot::<S>))
        .route("/v1/pins", get(pins::<S>))
        .route("/v1/admin/enroll-token", post(admin_enroll_token::<S>))
        .route("/v1/proof/inclusion", get(inclusion::<S>))
        .route("/v1/proof/consistency", get(consistency::<S>))
        .route("/log/checkpoint", get(log_checkpoint::<S>))
        .route("/log/tile/{*rest}", get(log_tile::<S>))
        .route("/metrics", get(metrics::<S>))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            track::<S>,
        ))
        .with_state(state)
        .merge(crate::projection::http::routes(ledger))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(log_request))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Serves `ledger` on `listener` until `shutdown` completes, with the replica service's
/// views in a temporary directory ([`ServeOptions::temporary_for`]). Signs the checkpoint of
/// anything committed before a crash first.
pub async fn serve<S: Store + 'static>(
    ledger: Ledger<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let options = ServeOptions::temporary_for(ledger.origin());
    serve_with(ledger, listener, shutdown, &options).await
}

/// [`serve`] with options.
pub async fn serve_with<S: Store + 'static>(
    ledger: Ledger<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    options: &ServeOptions,
) -> std::io::Result<()> {
    let origin = ledger.origin().to_owned();
    // A PostgreSQL connection (the replica service's own) is made off the async threads: the
    // blocking client runs a runtime of its own.
    let owned = options.clone();
    let state = tokio::task::spawn_blocking(move || state(ledger, &owned))
        .await
        .map_err(std::io::Error::other)?
        .map_err(std::io::Error::other)?;
    // Storage calls block (and the PostgreSQL client runs its own runtime): off the async
    // threads.
    match with_ledger(&state, |ledger| ledger.publish_checkpoint()).await {
        Ok(checkpoint) => tracing::info!(size = checkpoint.size, "checkpoint published"),
        Err(error) => {
            tracing::error!(error = %error.body.message, "could not publish the checkpoint at start")
        }
    }
    // The projections follow the log behind ingest, on their own connection and thread,
    // woken by commits (this process's pushes; on PostgreSQL, any process's).
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    match with_ledger(&state, |ledger| Ok(ledger.store().reopen()?)).await {
        Ok(template) => {
            if let crate::store::StoreLocation::Postgres(url) = template.location() {
                let (signal, stop) = (state.commits.clone(), stop.clone());
                std::thread::spawn(move || {
                    crate::commit_signal::listen_postgres(url, signal, stop)
                });
            }
            let (signal, stop, poll) =
                (state.commits.clone(), stop.clone(), options.projection_poll);
            std::thread::spawn(move || {
                crate::projection::http::follow(template, stop, signal, poll)
            });
        }
        Err(error) => {
            tracing::error!(error = %error.body.message, "the projector could not start")
        }
    }
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, %origin, "serving");
    // Kept so that the last reference to the storage connections is dropped off the async
    // threads after serving: the PostgreSQL client's drop runs a runtime of its own, which
    // panics inside this one ("Cannot start a runtime from within a runtime").
    let kept = state.clone();
    let served = match &options.tls {
        Some(config) => crate::tls::serve(listener, routes(state), config.clone(), shutdown).await,
        None => {
            axum::serve(
                listener,
                routes(state).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown)
            .await
        }
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    tokio::task::spawn_blocking(move || drop(kept))
        .await
        .map_err(std::io::Error::other)?;
    served
}

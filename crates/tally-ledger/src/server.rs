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
    RefusalBody, API_VERSION,
};
use crate::auth::{self, RequestHeaders};
use crate::error::{LedgerError, Refusal};
use crate::ledger::Ledger;
use crate::store::Store;
use crate::tlog::{unb64, TileRef};

/// The largest request body (a push of many records).
pub const MAX_BODY_BYTES: usize = 64 << 20;

struct AppState<S: Store> {
    ledger: Arc<Mutex<Ledger<S>>>,
    origin: String,
}

impl<S: Store> Clone for AppState<S> {
    fn clone(&self) -> Self {
        Self {
            ledger: self.ledger.clone(),
            origin: self.origin.clone(),
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
        (self.status, Json(*self.body)).into_response()
    }
}

fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::GarbledUpload | Refusal::BadRequest { .. } | Refusal::Malformed { .. } => {
            StatusCode::BAD_REQUEST
        }
        Refusal::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
        Refusal::UnknownDevice
        | Refusal::Revoked
        | Refusal::Forked
        | Refusal::UnknownToken
        | Refusal::TokenUsed
        | Refusal::WeakKey
        | Refusal::KeyEnrolledElsewhere => StatusCode::FORBIDDEN,
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
                body: Box::new(ErrorBody::other("not_found", what, false)),
            },
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    body: Box::new(ErrorBody::other("unavailable", other.to_string(), true)),
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
        body: Box::new(ErrorBody::other("internal", e.to_string(), true)),
    })?
    .map_err(ApiError::from)
}

fn request_headers(headers: &HeaderMap) -> RequestHeaders {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    RequestHeaders {
        device: get(auth::HEADER_DEVICE),
        timestamp: get(auth::HEADER_TIMESTAMP),
        body_sha256: get(auth::HEADER_BODY_SHA256),
        signature: get(auth::HEADER_SIGNATURE),
    }
}

fn authenticate<S: Store>(
    state: &AppState<S>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<tally_events::DeviceId, ApiError> {
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(uri.path());
    auth::authenticate(
        &request_headers(headers),
        &state.origin,
        method.as_str(),
        path,
        body,
    )
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
    let request: PushRequest = serde_json::from_slice(&body).map_err(|e| Refusal::BadRequest {
        reason: e.to_string(),
    })?;
    let mut records = Vec::with_capacity(request.records.len());
    for (position, text) in request.records.iter().enumerate() {
        let record = unb64(text).ok_or_else(|| Refusal::Malformed {
            position,
            reason: "not base64".into(),
        })?;
        records.push(record);
    }
    let outcome = with_ledger(&state, move |ledger| ledger.ingest(&device, &records)).await?;
    let status = match &outcome.refused {
        None => StatusCode::OK,
        Some((_, refusal)) => refusal_status(refusal),
    };
    let response = PushResponse {
        receipts: outcome.receipts,
        refused: outcome
            .refused
            .map(|(position, refusal)| ErrorBody::from_refusal(&refusal, Some(position))),
    };
    Ok((status, Json(response)).into_response())
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
        body: Box::new(ErrorBody::other("not_found", e.to_string(), false)),
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
        body: Box::new(ErrorBody::other(
            "not_found",
            format!("there is nothing at {}", uri.path()),
            false,
        )),
    }
}

/// The router over a ledger.
pub fn router<S: Store + 'static>(ledger: Ledger<S>) -> Router {
    let origin = ledger.origin().to_owned();
    routes(AppState {
        ledger: Arc::new(Mutex::new(ledger)),
        origin,
    })
}

fn routes<S: Store + 'static>(state: AppState<S>) -> Router {
    Router::new()
        .route("/v1/info", get(info::<S>))
        .route("/v1/enroll", post(enroll::<S>))
        .route("/v1/push", post(push::<S>))
        .route("/v1/device", get(device_status::<S>))
        .route("/v1/proof/inclusion", get(inclusion::<S>))
        .route("/v1/proof/consistency", get(consistency::<S>))
        .route("/log/checkpoint", get(log_checkpoint::<S>))
        .route("/log/tile/{*rest}", get(log_tile::<S>))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(log_request))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves `ledger` on `listener` until `shutdown` completes. Signs the checkpoint of anything
/// committed before a crash first.
pub async fn serve<S: Store + 'static>(
    ledger: Ledger<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let origin = ledger.origin().to_owned();
    let state = AppState {
        ledger: Arc::new(Mutex::new(ledger)),
        origin: origin.clone(),
    };
    // Storage calls block (and the PostgreSQL client runs its own runtime): off the async
    // threads.
    match with_ledger(&state, |ledger| ledger.publish_checkpoint()).await {
        Ok(checkpoint) => tracing::info!(size = checkpoint.size, "checkpoint published"),
        Err(error) => {
            tracing::error!(error = %error.body.message, "could not publish the checkpoint at start")
        }
    }
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, %origin, "serving");
    axum::serve(listener, routes(state))
        .with_graceful_shutdown(shutdown)
        .await
}

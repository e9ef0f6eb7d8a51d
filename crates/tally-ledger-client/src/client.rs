//! The blocking HTTP client of the ledger API (reqwest with rustls). Device requests are
//! signed with the device key's domain signer ([`crate::request::sign_request`]); nothing here
//! decides what to trust: answers go through [`crate::trust`].

use std::time::Duration;

use reqwest::blocking::{Client, Response};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tally_events::domain::{DomainError, DomainSigner};
use thiserror::Error;

use crate::b64;
use crate::request::{sign_operator_request, sign_request};
use crate::wire::{
    DeltasResponse, DeviceStatus, EnrollRequest, Enrollment, ErrorBody, Info, PinsResponse,
    ProofResponse, PushRequest, PushResponse, TokenRequest, TokenResponse,
};

/// Why a call to the ledger failed.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The ledger could not be reached, or the connection broke, or it timed out.
    #[error("the ledger at {url} cannot be reached: {reason}")]
    Unreachable {
        /// The URL called.
        url: String,
        /// What the network stack said.
        reason: String,
    },
    /// The ledger answered with an error body.
    #[error("the ledger refused ({status}): {} [{}]", .body.message, .body.error)]
    Refused {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: Box<ErrorBody>,
    },
    /// The ledger answered something this client does not understand.
    #[error(
        "the ledger at {url} gave an answer this device does not understand ({status}): {reason}"
    )]
    Protocol {
        /// The URL called.
        url: String,
        /// HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
    },
    /// The device key could not sign.
    #[error("the device key cannot sign the request: {0}")]
    Signing(#[from] DomainError),
    /// The client could not be set up (bad URL, bad CA certificate).
    #[error("the ledger client cannot be set up: {0}")]
    Setup(String),
}

impl ClientError {
    /// Whether calling again later can succeed: the network, a server error, a garbled upload.
    pub fn retryable(&self) -> bool {
        match self {
            ClientError::Unreachable { .. } => true,
            ClientError::Refused { status, body } => body.retryable || *status >= 500,
            ClientError::Protocol { status, .. } => *status >= 500 || *status == 0,
            ClientError::Signing(_) | ClientError::Setup(_) => false,
        }
    }
}

/// How the client connects.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request and its answer.
    pub timeout: Duration,
    /// Extra trusted root certificate (PEM), for a dock network with its own CA.
    pub ca_pem: Option<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            ca_pem: None,
        }
    }
}

/// A client of one ledger.
#[derive(Debug, Clone)]
pub struct LedgerClient {
    base: String,
    http: Client,
}

pub(crate) fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl LedgerClient {
    /// A client of the ledger at `base_url` (`http://host:port` or `https://...`).
    pub fn new(base_url: &str, options: &ClientOptions) -> Result<Self, ClientError> {
        let base = base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base).map_err(|e| {
            ClientError::Setup(format!("the ledger URL {base_url} is not valid: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ClientError::Setup(format!(
                "the ledger URL {base_url} must start with http:// or https://"
            )));
        }
        let mut builder = Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .use_rustls_tls();
        if let Some(pem) = &options.ca_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                ClientError::Setup(format!("the CA certificate is not valid PEM: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Self { base, http })
    }

    /// The ledger's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub(crate) fn http(&self) -> &Client {
        &self.http
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub(crate) fn unreachable(&self, path: &str, error: reqwest::Error) -> ClientError {
        let mut reason = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            reason.push_str(": ");
            reason.push_str(&inner.to_string());
            source = inner.source();
        }
        ClientError::Unreachable {
            url: self.url(path),
            reason,
        }
    }

    fn get(&self, path: &str) -> Result<Response, ClientError> {
        self.http
            .get(self.url(path))
            .send()
            .map_err(|e| self.unreachable(path, e))
    }

    fn signed(
        &self,
        signer: &DomainSigner,
        origin: &str,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Response, ClientError> {
        let headers = sign_request(signer, origin, method, path, now_unix_ms(), &body)?;
        self.send_signed(method, path, body, headers)
    }

    fn send_signed(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        headers: Vec<(&'static str, String)>,
    ) -> Result<Response, ClientError> {
        let mut request = match method {
            "GET" => self.http.get(self.url(path)),
            _ => self
                .http
                .post(self.url(path))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body),
        };
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send().map_err(|e| self.unreachable(path, e))
    }

    /// Reads a JSON answer; an error status with an error body is [`ClientError::Refused`].
    pub(crate) fn json<T: DeserializeOwned>(
        &self,
        path: &str,
        response: Response,
    ) -> Result<T, ClientError> {
        let status = response.status();
        let bytes = response.bytes().map_err(|e| self.unreachable(path, e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol {
                url: self.url(path),
                status: status.as_u16(),
                reason: e.to_string(),
            });
        }
        Err(self.error_from(path, status, &bytes))
    }

    pub(crate) fn error_from(&self, path: &str, status: StatusCode, bytes: &[u8]) -> ClientError {
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => ClientError::Refused {
                status: status.as_u16(),
                body: Box::new(body),
            },
            Err(_) => ClientError::Protocol {
                url: self.url(path),
                status: status.as_u16(),
                reason: String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
            },
        }
    }

    /// `GET /v1/info`: the log's identity and size (not trusted: compare with the pinned log).
    pub fn info(&self) -> Result<Info, ClientError> {
        let response = self.get("/v1/info")?;
        self.json("/v1/info", response)
    }

    /// `POST /v1/enroll`: registers the signer's key with a one-time token. `origin` is the
    /// log's origin (from [`Self::info`]), part of what the request signature covers.
    pub fn enroll(
        &self,
        signer: &DomainSigner,
        origin: &str,
        token: &str,
    ) -> Result<Enrollment, ClientError> {
        let body = serde_json::to_vec(&EnrollRequest {
            token: token.to_owned(),
        })
        .map_err(|e| ClientError::Setup(e.to_string()))?;
        let response = self.signed(signer, origin, "POST", "/v1/enroll", body)?;
        self.json("/v1/enroll", response)
    }

    /// `POST /v1/admin/enroll-token`, signed by an admin operator's key (`operator`): a
    /// one-time enrollment token for a device named `name` of `facility`.
    pub fn admin_enroll_token(
        &self,
        operator: &DomainSigner,
        origin: &str,
        facility: &str,
        name: &str,
    ) -> Result<String, ClientError> {
        let path = "/v1/admin/enroll-token";
        let body = serde_json::to_vec(&TokenRequest {
            facility: facility.to_owned(),
            name: name.to_owned(),
        })
        .map_err(|e| ClientError::Setup(e.to_string()))?;
        let headers = sign_operator_request(operator, origin, "POST", path, now_unix_ms(), &body)?;
        let response = self.send_signed("POST", path, body, headers)?;
        let answer: TokenResponse = self.json(path, response)?;
        Ok(answer.token)
    }

    /// `POST /v1/push`: records exactly as signed, in seq order. A refusal of a record (gap,
    /// fork, chain...) comes back as `Ok` with `refused` set and the receipts of the records
    /// before it; a refusal of the request itself is [`ClientError::Refused`].
    pub fn push(
        &self,
        signer: &DomainSigner,
        origin: &str,
        records: &[Vec<u8>],
    ) -> Result<PushResponse, ClientError> {
        self.push_reporting(signer, origin, records, None)
    }

    /// [`LedgerClient::push`], also telling the ledger how many of the device's events were
    /// waiting when it sent them (`waiting`, these records included): the Supervisor dock
    /// view's backlog (`GET /v1/projections/devices`).
    pub fn push_reporting(
        &self,
        signer: &DomainSigner,
        origin: &str,
        records: &[Vec<u8>],
        waiting: Option<u64>,
    ) -> Result<PushResponse, ClientError> {
        let body = serde_json::to_vec(&PushRequest {
            records: records.iter().map(|r| b64(r)).collect(),
            waiting,
        })
        .map_err(|e| ClientError::Setup(e.to_string()))?;
        let path = "/v1/push";
        let response = self.signed(signer, origin, "POST", path, body)?;
        let status = response.status();
        let bytes = response.bytes().map_err(|e| self.unreachable(path, e))?;
        // A refused record (409 gap or fork, 413 too large, 403 an admin event from a
        // non-admin actor, ...) comes with the receipts of the records before it.
        if let Ok(answer) = serde_json::from_slice::<PushResponse>(&bytes) {
            return Ok(answer);
        }
        if status.is_success() {
            return Err(ClientError::Protocol {
                url: self.url(path),
                status: status.as_u16(),
                reason: "not a push response".into(),
            });
        }
        Err(self.error_from(path, status, &bytes))
    }

    /// `GET /v1/device`: where the ledger's copy of this device's chain stands.
    pub fn device(&self, signer: &DomainSigner, origin: &str) -> Result<DeviceStatus, ClientError> {
        let response = self.signed(signer, origin, "GET", "/v1/device", Vec::new())?;
        self.json("/v1/device", response)
    }

    /// `GET /v1/replica/deltas?after=&limit=`: up to `limit` deltas of the device's facility
    /// after position `after` (records not trusted until their signatures verify).
    pub fn deltas(
        &self,
        signer: &DomainSigner,
        origin: &str,
        after: u64,
        limit: u64,
    ) -> Result<DeltasResponse, ClientError> {
        let path = format!("/v1/replica/deltas?after={after}&limit={limit}");
        let response = self.signed(signer, origin, "GET", &path, Vec::new())?;
        self.json(&path, response)
    }

    /// `GET /v1/pins`: the PIN verifiers of the device's facility and the badges deactivated.
    pub fn pins(&self, signer: &DomainSigner, origin: &str) -> Result<PinsResponse, ClientError> {
        let response = self.signed(signer, origin, "GET", "/v1/pins", Vec::new())?;
        self.json("/v1/pins", response)
    }

    /// `GET /log/checkpoint`: the latest signed checkpoint note (not trusted until verified).
    pub fn checkpoint(&self) -> Result<String, ClientError> {
        let path = "/log/checkpoint";
        let response = self.get(path)?;
        let status = response.status();
        let bytes = response.bytes().map_err(|e| self.unreachable(path, e))?;
        if !status.is_success() {
            return Err(self.error_from(path, status, &bytes));
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| ClientError::Protocol {
            url: self.url(path),
            status: status.as_u16(),
            reason: "the checkpoint is not UTF-8".into(),
        })
    }

    /// `GET /log/<path>`: a tile of the tlog-tiles read API (`tile/entries/000`, ...), raw
    /// bytes (not trusted until verified).
    pub fn log_tile(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let path = format!("/log/{path}");
        let response = self.get(&path)?;
        let status = response.status();
        let bytes = response.bytes().map_err(|e| self.unreachable(&path, e))?;
        if !status.is_success() {
            return Err(self.error_from(&path, status, &bytes));
        }
        Ok(bytes.to_vec())
    }

    /// `GET /v1/proof/consistency?old=&new=`: base64 hashes (not trusted until verified).
    pub fn consistency(&self, old: u64, new: u64) -> Result<Vec<String>, ClientError> {
        let path = format!("/v1/proof/consistency?old={old}&new={new}");
        let response = self.get(&path)?;
        let answer: ProofResponse = self.json(&path, response)?;
        Ok(answer.proof)
    }

    /// `GET /v1/proof/inclusion?index=&size=`: base64 hashes (not trusted until verified).
    pub fn inclusion(&self, index: u64, size: u64) -> Result<Vec<String>, ClientError> {
        let path = format!("/v1/proof/inclusion?index={index}&size={size}");
        let response = self.get(&path)?;
        let answer: ProofResponse = self.json(&path, response)?;
        Ok(answer.proof)
    }
}

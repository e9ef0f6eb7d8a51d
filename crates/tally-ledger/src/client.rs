//! A blocking client of the ledger's API for one device key: enrollment, pushes, and the
//! admin call that issues enrollment tokens. Requests are signed as `crate::auth` (devices)
//! and `crate::credentials` (operators) describe.

use std::time::Duration;

use serde_json::Value;
use tally_events::{DeviceKey, DomainSigner, SignedEvent};
use thiserror::Error;

use crate::auth::sign_request;
use crate::credentials::sign_operator_request;
use crate::tlog::b64;

/// Why a call failed.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The ledger could not be reached or the answer was cut.
    #[error("the ledger at {url} cannot be reached: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The ledger answered with an error.
    #[error("the ledger refused ({status} {code}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The API error code.
        code: String,
        /// Its English message.
        message: String,
    },
    /// Something on this side failed.
    #[error("{0}")]
    Local(String),
}

/// A device's connection to one ledger.
pub struct LedgerClient {
    base: String,
    origin: String,
    key: DeviceKey,
    http: reqwest::blocking::Client,
}

impl std::fmt::Debug for LedgerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedgerClient")
            .field("base", &self.base)
            .field("device", &self.key.device_id())
            .finish_non_exhaustive()
    }
}

impl LedgerClient {
    /// Reads the ledger's origin from `/v1/info` (it is part of every signed request).
    pub fn connect(base: &str, key: DeviceKey) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| ClientError::Local(e.to_string()))?;
        let mut client = Self {
            base,
            origin: String::new(),
            key,
            http,
        };
        let info = client.call("GET", "/v1/info", Vec::new(), Vec::new())?;
        client.origin = info["origin"]
            .as_str()
            .ok_or_else(|| ClientError::Local("/v1/info names no origin".into()))?
            .to_owned();
        Ok(client)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        headers: Vec<(&'static str, String)>,
    ) -> Result<Value, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "POST" => self.http.post(&url).body(body),
            _ => self.http.get(&url),
        };
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let unreachable = |e: reqwest::Error| ClientError::Unreachable {
            url: url.clone(),
            reason: e.to_string(),
        };
        let response = request.send().map_err(unreachable)?;
        let status = response.status().as_u16();
        let value: Value = response.json().map_err(unreachable)?;
        let refused = if status >= 400 {
            Some(&value)
        } else {
            value.get("refused").filter(|r| !r.is_null())
        };
        if let Some(error) = refused {
            return Err(ClientError::Refused {
                status,
                code: error["error"].as_str().unwrap_or("unknown").to_owned(),
                message: error["message"].as_str().unwrap_or("").to_owned(),
            });
        }
        Ok(value)
    }

    fn device_call(&self, method: &str, path: &str, body: Vec<u8>) -> Result<Value, ClientError> {
        let signer = DomainSigner::new(DeviceKey::from_seed(self.key.seed()));
        let headers = sign_request(
            &signer,
            &self.origin,
            method,
            path,
            crate::now_unix_ms(),
            &body,
        )
        .map_err(|e| ClientError::Local(e.to_string()))?;
        self.call(method, path, body, headers)
    }

    /// `POST /v1/admin/enroll-token`, signed with the operator key `admin`.
    pub fn admin_enroll_token(
        &self,
        admin: &DeviceKey,
        facility: &str,
        name: &str,
    ) -> Result<String, ClientError> {
        let path = "/v1/admin/enroll-token";
        let body = serde_json::to_vec(&serde_json::json!({ "facility": facility, "name": name }))
            .map_err(|e| ClientError::Local(e.to_string()))?;
        let headers = sign_operator_request(
            admin,
            &self.origin,
            "POST",
            path,
            crate::now_unix_ms(),
            &body,
        )
        .map_err(|e| ClientError::Local(e.to_string()))?;
        let answer = self.call("POST", path, body, headers)?;
        answer["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ClientError::Local("the answer holds no token".into()))
    }

    /// `POST /v1/enroll` with a one-time token.
    pub fn enroll(&self, token: &str) -> Result<(), ClientError> {
        let body = serde_json::to_vec(&serde_json::json!({ "token": token }))
            .map_err(|e| ClientError::Local(e.to_string()))?;
        self.device_call("POST", "/v1/enroll", body).map(|_| ())
    }

    /// `POST /v1/push`: returns how many receipts came back.
    pub fn push(&self, records: &[SignedEvent]) -> Result<u64, ClientError> {
        let records: Vec<String> = records.iter().map(|e| b64(e.as_bytes())).collect();
        let body = serde_json::to_vec(&serde_json::json!({ "records": records }))
            .map_err(|e| ClientError::Local(e.to_string()))?;
        let answer = self.device_call("POST", "/v1/push", body)?;
        Ok(answer["receipts"].as_array().map_or(0, |r| r.len() as u64))
    }
}

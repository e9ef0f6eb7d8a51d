//! The supervisor side of the client: a supervisor signs in on this device
//! ([`LedgerClient::supervisor_session`]) and reads the projections with the session, or an
//! operator credential (an admin or supervisor key) reads them for every facility. Either way
//! the request is signed ([`crate::request`]); where it comes from grants nothing.

use reqwest::blocking::Response;
use tally_events::domain::DomainSigner;

use crate::client::{now_unix_ms, ClientError, LedgerClient};
use crate::projections::{
    CountTaskView, CustodyView, DockView, Listing, ManifestView, PackageView, Progress,
    QuarantineView, SessionGrant, SessionRequest,
};
use crate::request::{sign_as, Scheme, HEADER_SESSION};

/// The credential a projection request is made with.
#[derive(Clone, Copy)]
pub enum Credential<'a> {
    /// An operator credential (admin or supervisor key registered at the ledger): every
    /// facility.
    Operator(&'a DomainSigner),
    /// A supervisor signed in on this device: the device's signer and the session's token
    /// (its facility only).
    Session {
        /// The device key the session is bound to.
        device: &'a DomainSigner,
        /// [`SessionGrant::token`].
        token: &'a str,
    },
}

impl std::fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Operator(signer) => f
                .debug_tuple("Operator")
                .field(&signer.device_id().to_string())
                .finish(),
            Credential::Session { device, .. } => f
                .debug_struct("Session")
                .field("device", &device.device_id().to_string())
                .finish_non_exhaustive(),
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn with_facility(path: &str, facility: Option<&str>) -> String {
    match facility {
        Some(f) => format!("{path}?facility={}", encode(f)),
        None => path.to_owned(),
    }
}

impl LedgerClient {
    /// `POST /v1/supervisor/session`: signs the supervisor of `badge` in on this device (the
    /// ledger checks the PIN against its verifier, the role, the device). Send it over HTTPS:
    /// the PIN is in the body.
    pub fn supervisor_session(
        &self,
        device: &DomainSigner,
        origin: &str,
        badge: &str,
        pin: &str,
    ) -> Result<SessionGrant, ClientError> {
        let path = "/v1/supervisor/session";
        let body = serde_json::to_vec(&SessionRequest {
            badge: badge.to_owned(),
            pin: pin.to_owned(),
        })
        .map_err(|e| ClientError::Setup(e.to_string()))?;
        let headers = sign_as(
            Scheme::Device,
            device,
            origin,
            "POST",
            path,
            now_unix_ms(),
            &body,
        )?;
        let mut request = self
            .http()
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().map_err(|e| self.unreachable(path, e))?;
        self.json(path, response)
    }

    /// A signed `GET` of a supervisor route.
    fn supervisor_get(
        &self,
        credential: Credential<'_>,
        origin: &str,
        path: &str,
    ) -> Result<Response, ClientError> {
        let (scheme, signer, token) = match credential {
            Credential::Operator(signer) => (Scheme::Operator, signer, None),
            Credential::Session { device, token } => (Scheme::Device, device, Some(token)),
        };
        let headers = sign_as(scheme, signer, origin, "GET", path, now_unix_ms(), b"")?;
        let mut request = self.http().get(self.url(path));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        if let Some(token) = token {
            request = request.header(HEADER_SESSION, token);
        }
        request.send().map_err(|e| self.unreachable(path, e))
    }

    fn supervisor_json<T: serde::de::DeserializeOwned>(
        &self,
        credential: Credential<'_>,
        origin: &str,
        path: &str,
    ) -> Result<T, ClientError> {
        let response = self.supervisor_get(credential, origin, path)?;
        self.json(path, response)
    }

    /// `GET /v1/projections/status`: how far the projections are behind the log.
    pub fn projection_status(
        &self,
        credential: Credential<'_>,
        origin: &str,
    ) -> Result<Progress, ClientError> {
        self.supervisor_json(credential, origin, "/v1/projections/status")
    }

    /// `GET /v1/projections/packages`: current package state (a session: its facility).
    pub fn projection_packages(
        &self,
        credential: Credential<'_>,
        origin: &str,
        facility: Option<&str>,
    ) -> Result<Listing<PackageView>, ClientError> {
        let path = with_facility("/v1/projections/packages", facility);
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/packages/{uid}`.
    pub fn projection_package(
        &self,
        credential: Credential<'_>,
        origin: &str,
        uid: &str,
    ) -> Result<PackageView, ClientError> {
        let path = format!("/v1/projections/packages/{}", encode(uid));
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/quarantine`.
    pub fn projection_quarantine(
        &self,
        credential: Credential<'_>,
        origin: &str,
        facility: Option<&str>,
    ) -> Result<Listing<QuarantineView>, ClientError> {
        let path = with_facility("/v1/projections/quarantine", facility);
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/counts`: count results and variances.
    pub fn projection_counts(
        &self,
        credential: Credential<'_>,
        origin: &str,
        facility: Option<&str>,
    ) -> Result<Listing<CountTaskView>, ClientError> {
        let path = with_facility("/v1/projections/counts", facility);
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/manifests`.
    pub fn projection_manifests(
        &self,
        credential: Credential<'_>,
        origin: &str,
        facility: Option<&str>,
    ) -> Result<Listing<ManifestView>, ClientError> {
        let path = with_facility("/v1/projections/manifests", facility);
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/devices`: the dock view (a session: its facility): each device's
    /// backlog, last sync, forks and last refused push, and the variances waiting for review.
    pub fn projection_devices(
        &self,
        credential: Credential<'_>,
        origin: &str,
        facility: Option<&str>,
    ) -> Result<DockView, ClientError> {
        let path = with_facility("/v1/projections/devices", facility);
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/custody/{uid}`: the chain of custody as JSON.
    pub fn custody(
        &self,
        credential: Credential<'_>,
        origin: &str,
        uid: &str,
    ) -> Result<CustodyView, ClientError> {
        let path = format!("/v1/projections/custody/{}", encode(uid));
        self.supervisor_json(credential, origin, &path)
    }

    /// `GET /v1/projections/custody/{uid}/bundle`: the offline bundle for `tally audit`.
    pub fn custody_bundle(
        &self,
        credential: Credential<'_>,
        origin: &str,
        uid: &str,
    ) -> Result<Vec<u8>, ClientError> {
        let path = format!("/v1/projections/custody/{}/bundle", encode(uid));
        let response = self.supervisor_get(credential, origin, &path)?;
        let status = response.status();
        let bytes = response.bytes().map_err(|e| self.unreachable(&path, e))?;
        if !status.is_success() {
            return Err(self.error_from(&path, status, &bytes));
        }
        Ok(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facility_in_a_query_is_percent_encoded() {
        assert_eq!(
            with_facility("/p", Some("LIC-1 A&B")),
            "/p?facility=LIC-1%20A%26B"
        );
        assert_eq!(with_facility("/p", None), "/p");
    }
}

//! The JSON bodies of the versioned API (`/v1/...`), shared by the server and its clients.
//! docs/openapi.yaml describes the same shapes.

use serde::{Deserialize, Serialize};
use tally_vocab::{bilingual, display_in_english, Language, Message};

/// The API version in every path.
pub const API_VERSION: u32 = 1;

/// `GET /v1/info`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Info {
    /// Always 1 for this API.
    pub api_version: u32,
    /// The log's origin line.
    pub origin: String,
    /// The log's verifier key.
    pub verifier_key: String,
    /// Size of the latest signed checkpoint.
    pub tree_size: u64,
}

/// `POST /v1/enroll` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// The one-time token printed by `tally-ledger enroll-token`.
    pub token: String,
}

/// `POST /v1/admin/enroll-token` request (an admin operator's call).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The facility the token binds to (created if the ledger does not know it yet).
    pub facility: String,
    /// The device's name.
    pub name: String,
}

/// `POST /v1/admin/enroll-token` response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenResponse {
    /// The one-time token.
    pub token: String,
}

/// The result of enrolling a device (`POST /v1/enroll` response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The device key, hex.
    pub device_id: String,
    /// Its name.
    pub name: String,
    /// The facility it is bound to.
    pub facility: String,
    /// The log's origin.
    pub origin: String,
    /// The log's verifier key, for the device to pin.
    pub verifier_key: String,
}

/// `POST /v1/push` request: records exactly as signed, base64, in seq order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    /// Standard base64 of each record.
    pub records: Vec<String>,
    /// How many of the device's own events were waiting to be pushed when it sent this
    /// request, these records included (the Supervisor dock view's backlog). Optional: a
    /// client that does not send it is served as before.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub waiting: Option<u64>,
}

/// Proof that a record is in the log: what a device keeps for each acknowledged record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The record's log index (0-based).
    pub index: u64,
    /// The device's seq.
    pub seq: u64,
    /// SHA-256 of the record, hex.
    pub record_sha256: String,
    /// True when the ledger already held this exact record (a re-send).
    pub duplicate: bool,
    /// A signed checkpoint whose tree covers the index.
    pub checkpoint: String,
    /// Tree size of that checkpoint.
    pub tree_size: u64,
    /// RFC 9162 inclusion proof of the entry in that tree, base64 hashes.
    pub inclusion_proof: Vec<String>,
}

/// `POST /v1/push` response (also the body of a refused push, with `refused` set).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PushResponse {
    /// One receipt per record accepted or already held, in upload order.
    pub receipts: Vec<Receipt>,
    /// The first record not accepted, if any.
    pub refused: Option<ErrorBody>,
}

/// An error body: the stable code, the message in English and Spanish, whether retrying can
/// help, and where in an upload it happened.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    /// Stable code (`gap`, `fork`, `garbled_upload`, ...).
    pub error: String,
    /// English message.
    pub message: String,
    /// Spanish message.
    pub message_es: String,
    /// Whether sending the same request again can succeed.
    pub retryable: bool,
    /// 0-based position of the record in the upload, for push refusals.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub position: Option<usize>,
    /// The seq the ledger expects next, for gaps.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected_seq: Option<u64>,
    /// The seq concerned, where there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seq: Option<u64>,
}

impl ErrorBody {
    /// The body of an error that is not a refusal of a record.
    pub fn other(error: &ServiceError) -> Self {
        Self {
            error: error.code().to_owned(),
            message: error.message(Language::English),
            message_es: error.message(Language::Spanish),
            retryable: error.retryable(),
            position: None,
            expected_seq: None,
            seq: None,
        }
    }
}

/// Why the ledger could not answer a request, when it is not a refusal of what a device sent:
/// the stable code of its body, and its texts, English (also `Display`) and Spanish side by
/// side. The detail each carries is the system's own words (English), given as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceError {
    /// What was asked for does not exist (a tile beyond the tree, an unknown package).
    NotFound(String),
    /// No route answers this path.
    NoRoute(String),
    /// The ledger cannot answer right now (storage, a busy or stopped service).
    Unavailable(String),
    /// The request failed inside the ledger.
    Internal(String),
}

impl ServiceError {
    /// The stable code (the `error` field of the body).
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::NotFound(_) | ServiceError::NoRoute(_) => "not_found",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal",
        }
    }

    /// Whether sending the same request again can succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            ServiceError::Unavailable(_) | ServiceError::Internal(_)
        )
    }
}

display_in_english!(ServiceError);

impl Message for ServiceError {
    fn message(&self, language: Language) -> String {
        match self {
            ServiceError::NotFound(what) => bilingual!(language,
                en: "{what}",
                es: "el libro central no tiene lo pedido: {what}",
            ),
            ServiceError::NoRoute(path) => bilingual!(language,
                en: "there is nothing at {path}",
                es: "no hay nada en {path}",
            ),
            ServiceError::Unavailable(why) => bilingual!(language,
                en: "{why}",
                es: "el libro central no puede responder ahora; inténtelo de nuevo más tarde: {why}",
            ),
            ServiceError::Internal(why) => bilingual!(language,
                en: "{why}",
                es: "la solicitud falló dentro del libro central; inténtelo de nuevo: {why}",
            ),
        }
    }
}

/// `GET /v1/device`: the authenticated device as the ledger sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeviceStatus {
    /// Device key, hex.
    pub device_id: String,
    /// Facility it is bound to.
    pub facility: String,
    /// Name.
    pub name: String,
    /// Records held (the head seq).
    pub events: u64,
    /// The seq the ledger expects next.
    pub expected_seq: u64,
}

/// `GET /v1/proof/inclusion` and `/v1/proof/consistency`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProofResponse {
    /// Base64 hashes.
    pub proof: Vec<String>,
}

/// One delta as `GET /v1/replica/deltas` sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeltaBody {
    /// Position in the facility's stream (1-based, no gaps): tally-replica's ledger index.
    pub ledger_index: u64,
    /// The entry's index in the transparency log.
    pub log_index: u64,
    /// Standard base64 of the record exactly as signed.
    pub record: String,
    /// RFC 9162 inclusion proof of the entry at `log_index` in the tree of the response's
    /// `checkpoint`, base64 hashes: a device folds nothing of a page before every record in it
    /// is proved to be the log's entry there.
    #[serde(default)]
    pub inclusion_proof: Vec<String>,
}

/// `GET /v1/replica/deltas?after=N[&limit=M]` response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeltasResponse {
    /// The device's facility.
    pub facility: String,
    /// Length of the facility's stream now.
    pub size: u64,
    /// The deltas after the requested position, in order.
    pub deltas: Vec<DeltaBody>,
    /// The signed checkpoint (a signed note) every delta's inclusion proof leads to; empty
    /// only while the log has none.
    #[serde(default)]
    pub checkpoint: String,
}

/// One PIN verifier as `GET /v1/pins` sends it (tally_replica's `IssuedVerifier`).
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VerifierBody {
    /// Badge id.
    pub badge: String,
    /// Argon2id PHC string.
    pub phc: String,
}

impl std::fmt::Debug for VerifierBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierBody")
            .field("badge", &self.badge)
            .finish_non_exhaustive()
    }
}

/// `GET /v1/pins` response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PinsResponse {
    /// The device's facility.
    pub facility: String,
    /// The verifiers of the facility's active users.
    pub verifiers: Vec<VerifierBody>,
    /// Badges deactivated at the ledger.
    pub deactivated: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_that_is_no_refusal_has_its_own_spanish_and_keeps_its_english() {
        let cases = [
            (
                ServiceError::NotFound("no tile 9".into()),
                "not_found",
                false,
            ),
            (ServiceError::NoRoute("/v1/nope".into()), "not_found", false),
            (
                ServiceError::Unavailable("database error: busy".into()),
                "unavailable",
                true,
            ),
            (
                ServiceError::Internal("task panicked".into()),
                "internal",
                true,
            ),
        ];
        let mut spanish = std::collections::HashSet::new();
        for (error, code, retryable) in &cases {
            let body = ErrorBody::other(error);
            assert_eq!(body.error, *code);
            assert_eq!(body.retryable, *retryable);
            assert_eq!(body.message, error.to_string());
            assert_ne!(body.message_es, body.message);
            assert!(spanish.insert(body.message_es.clone()), "{error:?}");
        }
        // The English of each body is what the ledger said before the catalogue.
        assert_eq!(cases[1].0.to_string(), "there is nothing at /v1/nope");
        assert_eq!(cases[0].0.to_string(), "no tile 9");
        assert_eq!(
            ErrorBody::other(&cases[1].0).message_es,
            "no hay nada en /v1/nope"
        );
    }
}

//! The supervisor and auditor side of the API: the projections' JSON (`/v1/projections/…`,
//! shared with the server, which re-exports these types) and the supervisor sign-in
//! (`POST /v1/supervisor/session`). docs/openapi.yaml describes the same shapes.

use serde::{Deserialize, Serialize};

/// `POST /v1/supervisor/session` request, signed by the device the supervisor signs in on.
/// The PIN is checked at the ledger against its Argon2id verifier and never stored; send it
/// only over HTTPS (docs/LEDGER.md).
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionRequest {
    /// The supervisor's badge.
    pub badge: String,
    /// The PIN as typed.
    pub pin: String,
}

impl std::fmt::Debug for SessionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRequest")
            .field("badge", &self.badge)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/supervisor/session` response: a short-lived bearer session bound to the device,
/// its facility and the user. Every use is sent with the same device's request signature and
/// the token in `Tally-Session`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionGrant {
    /// The bearer token (32 random bytes, hex); the ledger keeps only its SHA-256.
    pub token: String,
    /// The device, hex.
    pub device_id: String,
    /// The facility the session may read.
    pub facility: String,
    /// The supervisor's badge.
    pub badge: String,
    /// The user's name.
    pub name: String,
    /// `supervisor`, `admin` or `auditor`.
    pub role: String,
    /// When the session ends, Unix milliseconds (ledger clock).
    pub expires_unix_ms: i64,
}

impl std::fmt::Debug for SessionGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGrant")
            .field("device_id", &self.device_id)
            .field("facility", &self.facility)
            .field("badge", &self.badge)
            .field("role", &self.role)
            .field("expires_unix_ms", &self.expires_unix_ms)
            .finish_non_exhaustive()
    }
}

/// A list answer: how far the projections are, and the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing<T> {
    /// Entries `[0, projected)` of the log are folded into the rows.
    pub projected: u64,
    /// The committed tree size when the rows were read.
    pub tree_size: u64,
    /// The rows.
    pub items: Vec<T>,
}

/// How far the projections are: the next log index to fold and the committed tree size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Entries `[0, projected)` are folded.
    pub projected: u64,
    /// The committed tree size when this was read.
    pub tree_size: u64,
}

/// A package's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageView {
    /// The UID.
    pub uid: String,
    /// Its facility.
    pub facility: String,
    /// Item, if known.
    pub item_id: Option<String>,
    /// Batch, if known.
    pub batch_id: Option<String>,
    /// `units` or `mg`.
    pub unit: Option<String>,
    /// Quantity in that unit.
    pub quantity: Option<i64>,
    /// Where it is (a location id, or a tote once picked).
    pub location: Option<String>,
    /// `active`, `on_hold`, `quarantined`, `in_transit`, `destroyed`, `finished`, or
    /// `unregistered` (named by the log before its registration reached the ledger).
    pub status: String,
    /// The log index of the last event that changed it.
    pub last_index: u64,
    /// That event's kind.
    pub last_kind: String,
    /// That event's wall clock (device), Unix milliseconds.
    pub last_unix_ms: i64,
}

/// A package in quarantine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineView {
    /// The UID.
    pub uid: String,
    /// Its facility.
    pub facility: String,
    /// Why.
    pub reason_code: String,
    /// The note.
    pub note: String,
    /// Where.
    pub location: Option<String>,
    /// Who quarantined it (badge).
    pub actor: String,
    /// The log index of the quarantine event.
    pub index: u64,
    /// Its wall clock, Unix milliseconds.
    pub since_unix_ms: i64,
}

/// A count task and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountTaskView {
    /// The task.
    pub count_task_id: String,
    /// Its facility.
    pub facility: String,
    /// `issued`, `counting`, `submitted`, `recount_requested`, `closed`.
    pub status: String,
    /// The latest round.
    pub round: u64,
    /// Lines, by round and UID.
    pub lines: Vec<CountLineView>,
}

/// One counted package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountLineView {
    /// The round.
    pub round: u64,
    /// The UID.
    pub uid: String,
    /// Where it was counted.
    pub location: String,
    /// `units` or `mg`.
    pub unit: String,
    /// What was counted.
    pub counted: i64,
    /// The unit of the expected quantity.
    pub expected_unit: Option<String>,
    /// What the projection held for the package when the line reached the ledger.
    pub expected: Option<i64>,
    /// counted − expected, when both are in the same unit.
    pub variance: Option<i64>,
    /// Who counted (badge).
    pub actor: String,
    /// Which device, hex.
    pub device_id: String,
    /// The log index of the line.
    pub index: u64,
}

/// A manifest and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestView {
    /// The manifest.
    pub manifest_id: String,
    /// Its facility.
    pub facility: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// Origin license, once issued.
    pub origin_license: Option<String>,
    /// Destination license, once issued.
    pub destination_license: Option<String>,
    /// `unissued` (lines seen before the manifest), `issued`, `receiving`, `closed`.
    pub status: String,
    /// Lines, by UID.
    pub lines: Vec<ManifestLineView>,
}

/// One line of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestLineView {
    /// The UID.
    pub uid: String,
    /// Item, if the manifest names it.
    pub item_id: Option<String>,
    /// Unit of the expected quantity.
    pub unit: Option<String>,
    /// Expected quantity.
    pub expected: Option<i64>,
    /// `expected`, `arrived`, `received`, `rejected`, `missing`, `unexpected`.
    pub status: String,
    /// Unit received.
    pub received_unit: Option<String>,
    /// Quantity received.
    pub received: Option<i64>,
    /// Why it was rejected.
    pub reason_code: Option<String>,
    /// The log index of the last event of the line.
    pub index: u64,
    /// The difference noted at receiving (kind 277), if one was.
    #[serde(default)]
    pub difference: Option<ReceiptDifferenceView>,
}

/// A difference between a manifest line and what was received, noted with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDifferenceView {
    /// `units` or `mg`.
    pub manifest_unit: String,
    /// The quantity on the manifest.
    pub manifest_quantity: i64,
    /// `units` or `mg`.
    pub received_unit: String,
    /// The quantity received.
    pub received_quantity: i64,
    /// Why.
    pub reason_code: String,
    /// Free text.
    pub note: String,
    /// The log index of the note.
    pub index: u64,
}

/// The chain of custody of a UID as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyView {
    /// The UID.
    pub uid: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The signed checkpoint every proof is against.
    pub checkpoint: String,
    /// The entries, in log order.
    pub entries: Vec<CustodyEntryView>,
}

/// One entry of a custody view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEntryView {
    /// Log index.
    pub index: u64,
    /// `event`, `void`, `weight`, `genesis`, `settings`, `witness` (the witness sign-in a
    /// destruction relies on), `scale` (the registration of a scale that weighed).
    pub role: String,
    /// The device, hex.
    pub device_id: String,
    /// Its seq.
    pub seq: u64,
    /// The facility in the record.
    pub facility: String,
    /// The signed-in badge (the user).
    pub actor: String,
    /// Device wall clock, Unix milliseconds (UTC).
    pub wall_unix_ms: i64,
    /// Payload kind name.
    pub kind: String,
    /// The scale, for a weight or a scale registration.
    pub scale_id: Option<String>,
    /// The witness badge, for a destruction or a witness sign-in.
    pub witness: Option<String>,
    /// The payload as JSON.
    pub payload: serde_json::Value,
    /// SHA-256 of the record, hex.
    pub record_sha256: String,
    /// The record exactly as signed, base64.
    pub record: String,
    /// Its inclusion proof in the checkpoint's tree, base64 hashes.
    pub inclusion_proof: Vec<String>,
}

/// `GET /v1/projections/devices`: the Supervisor dock view of a facility (every facility for
/// an operator credential without `?facility=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockView {
    /// Log entries folded into the projections (where `variances_waiting` stands).
    pub projected: u64,
    /// Committed log size when answered.
    pub tree_size: u64,
    /// Count lines with a variance (or a package the ledger had no stock for) in counts
    /// submitted and waiting for a supervisor's review: not recounting, not closed.
    pub variances_waiting: u64,
    /// The enrolled devices, in enrollment order.
    pub devices: Vec<DockDeviceView>,
}

/// One device in the dock view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockDeviceView {
    /// Device key, hex.
    pub device_id: String,
    /// The name given with its enrollment token.
    pub name: String,
    /// Its facility.
    pub facility: String,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Records the ledger holds from it (its head seq).
    pub events: u64,
    /// When the ledger last answered a push of it, accepted or refused, Unix ms.
    pub last_push_unix_ms: Option<i64>,
    /// When a push of it was last accepted whole, Unix ms (its last sync).
    pub last_sync_unix_ms: Option<i64>,
    /// Events the device said were still waiting after its last push (what it reported
    /// waiting minus what that push got receipts for); `None` when it never said (an older
    /// client) or never pushed.
    pub backlog: Option<u64>,
    /// Forks found for it (each kept as evidence: two validly signed records, one seq).
    pub forks: u64,
    /// Its last refused push, if any.
    pub last_error: Option<DockErrorView>,
}

/// A push the ledger refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockErrorView {
    /// Stable code (`gap`, `fork`, `revoked`, ...).
    pub error: String,
    /// English message.
    pub message: String,
    /// Spanish message.
    pub message_es: String,
    /// When, Unix ms.
    pub unix_ms: i64,
}

//! The envelope of an event, its canonical encoding, and the signed record.
//!
//! A record is `header ‖ payload ‖ signature`. The header (documented byte by byte in
//! `docs/EVENT-FORMAT.md`) holds the format version, the device key, `seq`, `prev`, the
//! timestamp, the actor, the facility, the payload kind and length and the SHA-256 of the
//! payload. The signature is ed25519 over the header bytes exactly as stored; the header
//! commits to the payload through its hash, so the envelope verifies without decoding the
//! payload, and an altered payload is told apart from a bad signature. Nothing is ever
//! re-serialized before verification: [`SignedEvent`] keeps the bytes it was given.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::error::{DecodeError, EncodeError, VerifyError};
use crate::key::{DeviceKey, VerifierKey};
use crate::payload::Payload;
use crate::types::{DeviceId, Sha256Hash};
use crate::wire::{Reader, Wire};

/// The four bytes every record starts with.
pub const EVENT_MAGIC: [u8; 4] = *b"TLEV";
/// The record format version this crate writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// Longest actor (badge id) and facility id, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// Largest record, in bytes: one entry of the ledger's transparency log (tlog-tiles entry
/// bundles frame each entry with a 16-bit length).
pub const MAX_RECORD_BYTES: usize = 65_535;
/// Largest payload, in bytes: what is left of a record under the longest header and the
/// signature (65,535 − 277 − 64 = 65,194), so a payload within it always makes a record within
/// [`MAX_RECORD_BYTES`].
pub const MAX_PAYLOAD_BYTES: usize =
    MAX_RECORD_BYTES - (FIXED_HEADER_BYTES + 2 + 2 * MAX_NAME_BYTES) - SIGNATURE_BYTES;
/// Length of the fixed part of the header (up to, not including, the actor).
pub const FIXED_HEADER_BYTES: usize = 147;
/// Length of a signature.
pub const SIGNATURE_BYTES: usize = 64;

/// When an event was recorded: UTC wall clock, plus the boot it happened in and the time
/// since that boot (a monotonic clock), so order survives wall clock jumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z, as the device's wall clock said.
    pub wall_unix_ms: i64,
    /// The boot id of the device (Linux `/proc/sys/kernel/random/boot_id`).
    #[serde(serialize_with = "hex_16")]
    pub boot_id: [u8; 16],
    /// Microseconds since that boot (`CLOCK_BOOTTIME`).
    pub since_boot_us: u64,
}

fn hex_16<S: serde::Serializer>(bytes: &[u8; 16], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&hex::encode(bytes))
}

impl Timestamp {
    /// The wall clock as RFC 3339 UTC with milliseconds, e.g. `2026-11-24T06:53:50.123Z`.
    pub fn wall_utc(&self) -> String {
        let ms = self.wall_unix_ms.rem_euclid(1000);
        let secs = self.wall_unix_ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Where time comes from. Code takes the clock as a parameter so tests pin "now".
pub trait Clock {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// A clock that only moves when told to: for tests and replays.
#[derive(Debug)]
pub struct ManualClock {
    now: std::cell::Cell<Timestamp>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: std::cell::Cell::new(start),
        }
    }

    /// Moves both the wall clock and the monotonic clock forward by `ms` milliseconds.
    pub fn advance_ms(&self, ms: u64) {
        let mut now = self.now.get();
        now.wall_unix_ms = now.wall_unix_ms.saturating_add(ms as i64);
        now.since_boot_us = now.since_boot_us.saturating_add(ms.saturating_mul(1000));
        self.now.set(now);
    }

    /// Sets the time (e.g. to simulate a wall clock step or a reboot).
    pub fn set(&self, now: Timestamp) {
        self.now.set(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.now.get()
    }
}

/// An event before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedEvent {
    /// Position in the device's chain, from 1.
    pub seq: u64,
    /// SHA-256 of the previous signed record; `None` exactly for seq 1.
    pub prev: Option<Sha256Hash>,
    /// When.
    pub timestamp: Timestamp,
    /// Badge id of the signed-in user (empty for device events such as the genesis).
    pub actor: String,
    /// Facility id.
    pub facility: String,
    /// What happened.
    pub payload: Payload,
}

impl UnsignedEvent {
    /// Encodes the header for `device` and the payload body. Checks every limit.
    pub fn encode(&self, device: &DeviceId) -> Result<(Vec<u8>, Vec<u8>), EncodeError> {
        if self.seq == 0 {
            return Err(EncodeError::GenesisRule);
        }
        if (self.seq == 1) != self.prev.is_none() {
            return Err(EncodeError::GenesisRule);
        }
        let is_genesis_kind = self.payload.kind() == crate::payload::KIND_DEVICE_ENROLLED;
        if (self.seq == 1) != is_genesis_kind {
            return Err(EncodeError::GenesisRule);
        }
        for (what, text) in [("actor", &self.actor), ("facility", &self.facility)] {
            if text.len() > MAX_NAME_BYTES {
                return Err(EncodeError::TooLong {
                    what,
                    len: text.len(),
                    max: MAX_NAME_BYTES,
                });
            }
        }
        let body = self.payload.encode_body()?;
        if body.len() > MAX_PAYLOAD_BYTES {
            return Err(EncodeError::TooLong {
                what: "payload",
                len: body.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        let mut header =
            Vec::with_capacity(FIXED_HEADER_BYTES + 2 + self.actor.len() + self.facility.len());
        header.extend_from_slice(&EVENT_MAGIC);
        header.push(FORMAT_VERSION);
        header.extend_from_slice(device.as_bytes());
        header.extend_from_slice(&self.seq.to_be_bytes());
        header.extend_from_slice(self.prev.unwrap_or(Sha256Hash::ZERO).as_bytes());
        header.extend_from_slice(&self.timestamp.wall_unix_ms.to_be_bytes());
        header.extend_from_slice(&self.timestamp.boot_id);
        header.extend_from_slice(&self.timestamp.since_boot_us.to_be_bytes());
        header.extend_from_slice(&self.payload.kind().to_be_bytes());
        header.extend_from_slice(&(body.len() as u32).to_be_bytes());
        header.extend_from_slice(Sha256Hash::of(&body).as_bytes());
        debug_assert_eq!(header.len(), FIXED_HEADER_BYTES);
        header.push(self.actor.len() as u8);
        header.extend_from_slice(self.actor.as_bytes());
        header.push(self.facility.len() as u8);
        header.extend_from_slice(self.facility.as_bytes());
        Ok((header, body))
    }

    /// Encodes and signs with `key`.
    pub fn sign(&self, key: &DeviceKey) -> Result<SignedEvent, EncodeError> {
        let device = key.device_id();
        let (header, body) = self.encode(&device)?;
        let signature = key.sign(&header);
        let mut bytes = Vec::with_capacity(header.len() + body.len() + SIGNATURE_BYTES);
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(&signature);
        let layout = Layout {
            header_len: header.len(),
            payload_len: body.len(),
            actor: FIXED_HEADER_BYTES + 1..FIXED_HEADER_BYTES + 1 + self.actor.len(),
            facility: FIXED_HEADER_BYTES + 2 + self.actor.len()
                ..FIXED_HEADER_BYTES + 2 + self.actor.len() + self.facility.len(),
        };
        Ok(SignedEvent { bytes, layout })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    header_len: usize,
    payload_len: usize,
    actor: Range<usize>,
    facility: Range<usize>,
}

/// A parsed record borrowed from someone else's buffer: what chain verification uses so it
/// never copies records. Same accessors as [`SignedEvent`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordView<'a> {
    bytes: &'a [u8],
    layout: &'a Layout,
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&bytes[at..at + 8]);
    u64::from_be_bytes(buf)
}

fn array_at<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

impl<'a> RecordView<'a> {
    pub(crate) fn new(bytes: &'a [u8], layout: &'a Layout) -> Self {
        Self { bytes, layout }
    }
    pub(crate) fn device(&self) -> DeviceId {
        DeviceId(array_at(self.bytes, 5))
    }
    pub(crate) fn seq(&self) -> u64 {
        u64_at(self.bytes, 37)
    }
    pub(crate) fn prev_raw(&self) -> Sha256Hash {
        Sha256Hash(array_at(self.bytes, 45))
    }
    pub(crate) fn timestamp(&self) -> Timestamp {
        Timestamp {
            wall_unix_ms: u64_at(self.bytes, 77) as i64,
            boot_id: array_at(self.bytes, 85),
            since_boot_us: u64_at(self.bytes, 101),
        }
    }
    pub(crate) fn payload_kind(&self) -> u16 {
        u16::from_be_bytes(array_at(self.bytes, 109))
    }
    pub(crate) fn payload_sha256(&self) -> Sha256Hash {
        Sha256Hash(array_at(self.bytes, 115))
    }
    pub(crate) fn header_bytes(&self) -> &'a [u8] {
        &self.bytes[..self.layout.header_len]
    }
    pub(crate) fn payload_bytes(&self) -> &'a [u8] {
        &self.bytes[self.layout.header_len..self.layout.header_len + self.layout.payload_len]
    }
    pub(crate) fn signature(&self) -> &'a [u8; 64] {
        let start = self.bytes.len() - SIGNATURE_BYTES;
        // The slice is exactly 64 bytes long by construction.
        <&[u8; 64]>::try_from(&self.bytes[start..]).unwrap_or(&[0u8; 64])
    }
    pub(crate) fn payload_intact(&self) -> bool {
        Sha256Hash::of(self.payload_bytes()) == self.payload_sha256()
    }
    pub(crate) fn record_hash(&self) -> Sha256Hash {
        Sha256Hash::of(self.bytes)
    }
}

/// Parses the structure of a record; see [`SignedEvent::from_bytes`].
pub(crate) fn parse(bytes: &[u8]) -> Result<Layout, DecodeError> {
    parse_layout(bytes)
}

/// A signed record: the exact bytes that were signed, stored, sent and hashed, parsed.
///
/// Construction checks the structure (magic, version, lengths, UTF-8, genesis rule) but not
/// the signature; call [`SignedEvent::verify`] (or verify a whole chain).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedEvent {
    bytes: Vec<u8>,
    layout: Layout,
}

impl fmt::Debug for SignedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedEvent")
            .field("seq", &self.seq())
            .field("kind", &self.payload_kind())
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl SignedEvent {
    /// Parses a record, taking ownership of its bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, DecodeError> {
        let layout = parse_layout(&bytes)?;
        Ok(SignedEvent { bytes, layout })
    }

    pub(crate) fn view(&self) -> RecordView<'_> {
        RecordView::new(&self.bytes, &self.layout)
    }

    /// The whole record.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Gives back the record's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The signed bytes: the header.
    pub fn header_bytes(&self) -> &[u8] {
        self.view().header_bytes()
    }

    /// Format version.
    pub fn version(&self) -> u8 {
        self.bytes[4]
    }

    /// The device (author) key.
    pub fn device(&self) -> DeviceId {
        self.view().device()
    }

    /// Position in the device's chain.
    pub fn seq(&self) -> u64 {
        self.view().seq()
    }

    /// Hash of the previous record; `None` for the genesis.
    pub fn prev(&self) -> Option<Sha256Hash> {
        (self.seq() != 1).then(|| self.view().prev_raw())
    }

    /// When.
    pub fn timestamp(&self) -> Timestamp {
        self.view().timestamp()
    }

    /// Payload kind number.
    pub fn payload_kind(&self) -> u16 {
        self.view().payload_kind()
    }

    /// The payload hash the header commits to.
    pub fn payload_sha256(&self) -> Sha256Hash {
        self.view().payload_sha256()
    }

    /// Actor badge id.
    pub fn actor(&self) -> &str {
        // Checked as UTF-8 when parsed.
        std::str::from_utf8(&self.bytes[self.layout.actor.clone()]).unwrap_or_default()
    }

    /// Facility id.
    pub fn facility(&self) -> &str {
        std::str::from_utf8(&self.bytes[self.layout.facility.clone()]).unwrap_or_default()
    }

    /// The payload body bytes.
    pub fn payload_bytes(&self) -> &[u8] {
        self.view().payload_bytes()
    }

    /// The 64 signature bytes.
    pub fn signature(&self) -> &[u8; 64] {
        self.view().signature()
    }

    /// SHA-256 of the whole record: what the next event's `prev` must be.
    pub fn record_hash(&self) -> Sha256Hash {
        Sha256Hash::of(&self.bytes)
    }

    /// Decodes the payload. Kinds unknown to this version become [`Payload::Unknown`].
    pub fn payload(&self) -> Result<Payload, DecodeError> {
        Payload::decode(self.payload_kind(), self.payload_bytes())
    }

    /// Whether the payload bytes match the hash in the signed header.
    pub fn payload_intact(&self) -> bool {
        self.view().payload_intact()
    }

    /// Verifies this one event: payload hash, key (not weak), and signature with
    /// `verify_strict`. The structure and limits were checked when it was parsed.
    pub fn verify(&self) -> Result<(), VerifyError> {
        let key = VerifierKey::new(&self.device())?;
        self.verify_with(&key)
    }

    /// [`SignedEvent::verify`] with an already checked key of the author.
    pub fn verify_with(&self, key: &VerifierKey) -> Result<(), VerifyError> {
        if !self.payload_intact() {
            return Err(VerifyError::AlteredPayload);
        }
        if key.device_id() != self.device() {
            return Err(VerifyError::BadSignature);
        }
        key.verify_strict(self.header_bytes(), self.signature())
    }
}

impl AsRef<[u8]> for SignedEvent {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

fn parse_layout(bytes: &[u8]) -> Result<Layout, DecodeError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(DecodeError::TooLong {
            offset: 0,
            what: "record",
            len: bytes.len(),
            max: MAX_RECORD_BYTES,
        });
    }
    let mut reader = Reader::new(bytes);
    if reader.array::<4>()? != EVENT_MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let version = u8::decode(&mut reader)?;
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion { version });
    }
    reader.take(32)?; // device
    let seq = u64::decode(&mut reader)?;
    if seq == 0 {
        return Err(DecodeError::ZeroSeq);
    }
    let prev = Sha256Hash::decode(&mut reader)?;
    if (seq == 1) != (prev == Sha256Hash::ZERO) {
        return Err(DecodeError::BadPrev { seq });
    }
    reader.take(8 + 16 + 8)?; // timestamp
    let kind = u16::decode(&mut reader)?;
    if (seq == 1) != (kind == crate::payload::KIND_DEVICE_ENROLLED) {
        return Err(DecodeError::GenesisKind { seq });
    }
    let payload_len = reader.length::<u32>("payload", MAX_PAYLOAD_BYTES)?;
    reader.take(32)?; // payload hash
    let actor = name(&mut reader, "actor")?;
    let facility = name(&mut reader, "facility")?;
    let header_len = reader.offset();
    reader.take(payload_len)?;
    reader.take(SIGNATURE_BYTES)?;
    reader.finish()?;
    Ok(Layout {
        header_len,
        payload_len,
        actor,
        facility,
    })
}

fn name(reader: &mut Reader<'_>, what: &'static str) -> Result<Range<usize>, DecodeError> {
    let offset = reader.offset();
    let len = reader.length::<u8>(what, MAX_NAME_BYTES)?;
    let start = reader.offset();
    let text = reader.take(len)?;
    std::str::from_utf8(text).map_err(|_| DecodeError::BadUtf8 { offset })?;
    Ok(start..start + len)
}

/// JSON form of a signed event (`tally log show --json`): every envelope field, the decoded
/// payload (or `null` and `payload_error` when this version cannot decode it), and hex for
/// hashes, keys and the signature.
impl Serialize for SignedEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let kind = self.payload_kind();
        let payload = self.payload();
        let mut out = serializer.serialize_struct("SignedEvent", 14)?;
        out.serialize_field("seq", &self.seq())?;
        out.serialize_field("device", &self.device())?;
        out.serialize_field("prev", &self.prev())?;
        out.serialize_field("record_sha256", &self.record_hash())?;
        out.serialize_field("version", &self.version())?;
        out.serialize_field("time", &TimeJson(self.timestamp()))?;
        out.serialize_field("actor", self.actor())?;
        out.serialize_field("facility", self.facility())?;
        out.serialize_field("kind_code", &kind)?;
        out.serialize_field(
            "kind",
            &crate::payload::kind_name(kind).unwrap_or_else(|| "unknown".to_owned()),
        )?;
        out.serialize_field("payload_sha256", &self.payload_sha256())?;
        match &payload {
            Ok(payload) => {
                out.serialize_field("payload", payload)?;
                out.serialize_field("payload_error", &None::<String>)?;
            }
            Err(error) => {
                out.serialize_field("payload", &None::<Payload>)?;
                out.serialize_field("payload_error", &Some(error.to_string()))?;
            }
        }
        out.serialize_field("signature", &hex::encode(self.signature()))?;
        out.end()
    }
}

struct TimeJson(Timestamp);

impl Serialize for TimeJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Time", 4)?;
        out.serialize_field("wall_utc", &self.0.wall_utc())?;
        out.serialize_field("wall_unix_ms", &self.0.wall_unix_ms)?;
        out.serialize_field("boot_id", &hex::encode(self.0.boot_id))?;
        out.serialize_field("since_boot_us", &self.0.since_boot_us)?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(wall_unix_ms: i64) -> String {
        Timestamp {
            wall_unix_ms,
            boot_id: [0; 16],
            since_boot_us: 0,
        }
        .wall_utc()
    }

    #[test]
    fn wall_clock_renders_as_rfc3339_utc() {
        assert_eq!(at(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(1_795_500_000_000), "2026-11-24T06:00:00.000Z");
        assert_eq!(at(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(at(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
        assert_eq!(at(-1), "1969-12-31T23:59:59.999Z");
    }
}

//! The chain-of-custody bundle of one package UID (`tally-ledger custody`, `tally audit`): every
//! event of the ledger's log that touched the UID, each with its inclusion proof, under one
//! checkpoint signed by the ledger, and a custody statement the ledger signs with the same key
//! naming exactly which entries the bundle holds. An auditor verifies it offline from the
//! bundle and the ledger's note verifier key alone.
//!
//! Every byte is either signed (the checkpoint and statement notes by the ledger key, each
//! record by its device key, the entry list by the statement's digest) or strictly parsed
//! (magic, version, lengths, counts, nothing after the last entry). The layout is specified in
//! docs/LEDGER.md, "Custody bundles". Verification uses this crate's own note and Merkle code
//! ([`crate::note`], [`crate::merkle`]), independent of the ledger's (`tlog_tiles`,
//! `signed_note`).
//!
//! Pure: no I/O, no clock. [`uids_of`] says which UIDs a payload touches: the ledger's
//! projection indexes entries by it and the verifier checks each event against it.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use crate::event::SignedEvent;
use crate::merkle::{leaf_hash, verify_inclusion, InclusionError};
use crate::note::{Checkpoint, NoteError, NoteVerifier, SignedNote, MAX_NOTE_BYTES};
use crate::payload::{Payload, SignInPurpose, KIND_DEVICE_ENROLLED};
use crate::types::{DeviceId, Sha256Hash};

/// The bundle's magic bytes.
pub const MAGIC: &[u8; 8] = b"TALLYCUS";
/// The bundle version written and read.
pub const VERSION: u16 = 1;
/// The first line of a custody statement (never a log origin: a statement cannot pass for a
/// checkpoint, nor a checkpoint for a statement).
pub const STATEMENT_HEADER: &str = "tally custody statement v1";
/// Most entries in one bundle.
pub const MAX_ENTRIES: u32 = 1_000_000;
/// Most hashes in one inclusion proof (a tree of 2^63 entries).
pub const MAX_PROOF_HASHES: u8 = 63;
/// The payload kind of facility settings (they carry the time zone).
const KIND_FACILITY_SETTINGS: u16 = 256;

/// Why an entry is in a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// An event whose payload names the UID.
    Event,
    /// An `event_voided` whose target is one of the bundle's events.
    Void,
    /// The weight a destruction of the UID refers to (`weight_event_seq`).
    Weight,
    /// The genesis (`device_enrolled`, seq 1) of a device that recorded an event of the UID.
    Genesis,
    /// The facility settings in force at the checkpoint (they carry the time zone).
    Settings,
    /// The witness's sign-in (`user_signed_in`, purpose witness) a destruction of the UID
    /// names: the record just before the destruction's weight (or before the destruction when
    /// it names no weight), on the same device, with the destruction's witness badge.
    Witness,
    /// The registration (`scale_registered`) of the scale that made a weight of the bundle:
    /// the latest one of that scale id in the weight's facility before the weight in the log.
    Scale,
}

impl Role {
    /// The role's byte in the bundle.
    pub fn code(self) -> u8 {
        match self {
            Role::Event => 1,
            Role::Void => 2,
            Role::Weight => 3,
            Role::Genesis => 4,
            Role::Settings => 5,
            Role::Witness => 6,
            Role::Scale => 7,
        }
    }

    /// The role of a byte, if it is one.
    pub fn from_code(code: u8) -> Option<Role> {
        Some(match code {
            1 => Role::Event,
            2 => Role::Void,
            3 => Role::Weight,
            4 => Role::Genesis,
            5 => Role::Settings,
            6 => Role::Witness,
            7 => Role::Scale,
            _ => return None,
        })
    }

    /// The role's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Role::Event => "event",
            Role::Void => "void",
            Role::Weight => "weight",
            Role::Genesis => "genesis",
            Role::Settings => "settings",
            Role::Witness => "witness",
            Role::Scale => "scale",
        }
    }
}

/// The UIDs a payload names, in the order its fields hold them (duplicates kept).
pub fn uids_of(payload: &Payload) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    match payload {
        Payload::ScanRecorded(p) => out.extend(p.decoded_uid.as_deref()),
        Payload::RfidSweepRecorded(p) => {
            out.extend(p.tags.iter().filter_map(|t| t.decoded_uid.as_deref()))
        }
        Payload::CountSweepRecorded(p) => {
            out.extend(p.tags.iter().filter_map(|t| t.decoded_uid.as_deref()))
        }
        Payload::WeightRecorded(p) => out.extend(p.uid.as_deref()),
        Payload::ManifestLineReceived(p) => out.push(&p.uid),
        Payload::ManifestLineRejected(p) => out.push(&p.uid),
        Payload::ManifestClosed(p) => {
            out.extend(p.missing_uids.iter().map(String::as_str));
            out.extend(p.unexpected_uids.iter().map(String::as_str));
        }
        Payload::LabelChecked(p) => out.push(&p.uid),
        Payload::PackageQuarantined(p) => out.push(&p.uid),
        Payload::PackageReleased(p) => out.push(&p.uid),
        Payload::PackageMoved(p) => out.push(&p.uid),
        Payload::PackageSplit(p) => {
            out.push(&p.source_uid);
            out.push(&p.new_uid);
        }
        Payload::PickRecorded(p) => out.push(&p.uid),
        Payload::LoadingReconciled(p) => {
            out.extend(p.missing_uids.iter().map(String::as_str));
            out.extend(p.extra_uids.iter().map(String::as_str));
            out.extend(p.mismatches.iter().map(|m| m.uid.as_str()));
        }
        Payload::CountLineRecorded(p) => out.push(&p.uid),
        Payload::RecountRequested(p) => out.extend(p.uids.iter().map(String::as_str)),
        Payload::AdjustmentApproved(p) => out.push(&p.uid),
        Payload::DestructionRecorded(p) => out.push(&p.uid),
        Payload::InvestigationOpened(p) => out.extend(p.uids.iter().map(String::as_str)),
        Payload::PackageRegistered(p) => out.push(&p.uid),
        Payload::InboundManifestIssued(p) => out.extend(p.lines.iter().map(|l| l.uid.as_str())),
        Payload::OutboundManifestIssued(p) => out.extend(p.lines.iter().map(|l| l.uid.as_str())),
        Payload::PackageArrived(p) => out.push(&p.uid),
        Payload::ManifestLinesAdded(p) => out.extend(p.lines.iter().map(|l| l.uid.as_str())),
        Payload::ReceiptDifferenceNoted(p) => out.push(&p.uid),
        Payload::ConflictSettled(p) => out.push(&p.uid),
        _ => {}
    }
    out
}

/// The seq of the witness sign-in a destruction recorded at `seq` relies on: the record just
/// before its weight, or just before the destruction when it names no weight (one action
/// records the sign-in, the weight and the destruction, in that order).
pub fn witness_seq(destruction: &crate::payload::DestructionRecorded, seq: u64) -> u64 {
    destruction
        .weight_event_seq
        .unwrap_or(seq)
        .saturating_sub(1)
}

/// Whether `payload` names `uid`.
pub fn touches(payload: &Payload, uid: &str) -> bool {
    uids_of(payload).contains(&uid)
}

/// Whether `uid` can be named in a custody statement: 1 to 32 bytes of printable text without
/// white space.
pub fn is_statement_uid(uid: &str) -> bool {
    !uid.is_empty()
        && uid.len() <= crate::limits::UID_BYTES
        && uid.chars().all(|c| !c.is_control() && !c.is_whitespace())
}

/// One entry of a bundle: a log entry (a record exactly as its device signed it), why it is
/// there, and its inclusion proof in the bundle's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleEntry {
    /// Why it is in the bundle.
    pub role: Role,
    /// Its log index.
    pub index: u64,
    /// The record, byte for byte.
    pub record: Vec<u8>,
    /// The RFC 9162 inclusion proof of the entry in the checkpoint's tree.
    pub proof: Vec<Sha256Hash>,
}

/// What the ledger signs about a bundle besides its checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The log's origin.
    pub origin: String,
    /// The UID.
    pub uid: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The checkpoint's root hash.
    pub root: Sha256Hash,
    /// The number of entries.
    pub entries: u32,
    /// [`entries_digest`] of the entries.
    pub digest: Sha256Hash,
}

impl Statement {
    /// The statement's text (the signed note's body).
    pub fn text(&self) -> String {
        format!(
            "{STATEMENT_HEADER}\norigin {}\nuid {}\ntree {} {}\nentries {} {}\n",
            self.origin, self.uid, self.tree_size, self.root, self.entries, self.digest
        )
    }

    /// Parses a statement's text strictly: exactly these lines, canonical numbers.
    pub fn parse(text: &str) -> Result<Statement, CustodyError> {
        let bad = |what: &'static str| CustodyError::BadStatement(what);
        let mut lines = text.split('\n');
        if lines.next() != Some(STATEMENT_HEADER) {
            return Err(bad("it does not start with the statement header"));
        }
        let origin = field(lines.next(), "origin").ok_or(bad("no origin line"))?;
        if origin
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '+')
        {
            return Err(bad("the origin is not a log origin"));
        }
        let uid = field(lines.next(), "uid").ok_or(bad("no uid line"))?;
        if !is_statement_uid(uid) {
            return Err(bad("the uid is not printable text of 1 to 32 bytes"));
        }
        let tree = field(lines.next(), "tree").ok_or(bad("no tree line"))?;
        let (size, root) = tree.split_once(' ').ok_or(bad("the tree line"))?;
        let tree_size = canonical_u64(size).ok_or(bad("the tree size"))?;
        let root = hex32(root).ok_or(bad("the root hash"))?;
        let entries = field(lines.next(), "entries").ok_or(bad("no entries line"))?;
        let (count, digest) = entries.split_once(' ').ok_or(bad("the entries line"))?;
        let entries = canonical_u64(count)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(bad("the entry count"))?;
        let digest = hex32(digest).ok_or(bad("the entries digest"))?;
        if lines.next() != Some("") || lines.next().is_some() {
            return Err(bad("lines after the entries line"));
        }
        let statement = Statement {
            origin: origin.to_owned(),
            uid: uid.to_owned(),
            tree_size,
            root,
            entries,
            digest,
        };
        if statement.text() != text {
            return Err(bad("not in canonical form"));
        }
        Ok(statement)
    }
}

fn field<'a>(line: Option<&'a str>, name: &str) -> Option<&'a str> {
    line?
        .strip_prefix(name)?
        .strip_prefix(' ')
        .filter(|v| !v.is_empty())
}

fn canonical_u64(text: &str) -> Option<u64> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return None;
    }
    text.parse().ok()
}

fn hex32(text: &str) -> Option<Sha256Hash> {
    if text.len() != 64 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
    Some(Sha256Hash(bytes))
}

/// SHA-256 over the entry list as the statement commits to it: for each entry, its role byte,
/// its index (`u64` big-endian) and the SHA-256 of its record.
pub fn entries_digest(entries: &[BundleEntry]) -> Sha256Hash {
    let mut material = Vec::with_capacity(entries.len() * 41);
    for entry in entries {
        material.push(entry.role.code());
        material.extend_from_slice(&entry.index.to_be_bytes());
        material.extend_from_slice(Sha256Hash::of(&entry.record).as_bytes());
    }
    Sha256Hash::of(&material)
}

/// A bundle as read from its bytes (nothing verified yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The ledger's signed checkpoint (a signed note).
    pub checkpoint: String,
    /// The ledger's signed custody statement (a signed note).
    pub statement: String,
    /// The entries, in log order.
    pub entries: Vec<BundleEntry>,
}

impl Bundle {
    /// The bundle's bytes.
    pub fn encode(&self) -> Result<Vec<u8>, CustodyError> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        for note in [&self.checkpoint, &self.statement] {
            if note.is_empty() || note.len() > MAX_NOTE_BYTES {
                return Err(CustodyError::BadLength("a note"));
            }
            out.extend_from_slice(&(note.len() as u16).to_be_bytes());
            out.extend_from_slice(note.as_bytes());
        }
        let count = u32::try_from(self.entries.len())
            .ok()
            .filter(|n| *n <= MAX_ENTRIES)
            .ok_or(CustodyError::BadLength("the entry count"))?;
        out.extend_from_slice(&count.to_be_bytes());
        for entry in &self.entries {
            if entry.record.is_empty() || entry.record.len() > 65_535 {
                return Err(CustodyError::BadLength("a record"));
            }
            if entry.proof.len() > MAX_PROOF_HASHES as usize {
                return Err(CustodyError::BadLength("an inclusion proof"));
            }
            out.push(entry.role.code());
            out.extend_from_slice(&entry.index.to_be_bytes());
            out.extend_from_slice(&(entry.record.len() as u32).to_be_bytes());
            out.extend_from_slice(&entry.record);
            out.push(entry.proof.len() as u8);
            for hash in &entry.proof {
                out.extend_from_slice(hash.as_bytes());
            }
        }
        Ok(out)
    }

    /// Reads a bundle strictly: magic, version, zero flags and reserved bytes, lengths within
    /// their limits, UTF-8 notes, known roles, and nothing after the last entry.
    pub fn parse(bytes: &[u8]) -> Result<Bundle, CustodyError> {
        let mut r = Cursor { bytes, at: 0 };
        if r.take(8, "the magic")? != MAGIC {
            return Err(CustodyError::NotABundle);
        }
        let version = r.u16("the version")?;
        if version != VERSION {
            return Err(CustodyError::UnsupportedVersion(version));
        }
        if r.u16("the flags")? != 0 || r.u32("the reserved bytes")? != 0 {
            return Err(CustodyError::NonZeroReserved);
        }
        let mut notes = Vec::with_capacity(2);
        for what in ["the checkpoint", "the statement"] {
            let len = r.u16(what)? as usize;
            if len == 0 || len > MAX_NOTE_BYTES {
                return Err(CustodyError::BadLength(what));
            }
            let text =
                std::str::from_utf8(r.take(len, what)?).map_err(|_| CustodyError::NotUtf8(what))?;
            notes.push(text.to_owned());
        }
        let count = r.u32("the entry count")?;
        if count > MAX_ENTRIES {
            return Err(CustodyError::BadLength("the entry count"));
        }
        let mut entries = Vec::with_capacity(count.min(4_096) as usize);
        for _ in 0..count {
            let role = r.u8("an entry's role")?;
            let role = Role::from_code(role).ok_or(CustodyError::UnknownRole(role))?;
            let index = r.u64("an entry's index")?;
            let len = r.u32("a record's length")? as usize;
            if len == 0 || len > 65_535 {
                return Err(CustodyError::BadLength("a record"));
            }
            let record = r.take(len, "a record")?.to_vec();
            let hashes = r.u8("an inclusion proof's length")?;
            if hashes > MAX_PROOF_HASHES {
                return Err(CustodyError::BadLength("an inclusion proof"));
            }
            let mut proof = Vec::with_capacity(hashes as usize);
            for _ in 0..hashes {
                let hash: [u8; 32] = r
                    .take(32, "an inclusion proof")?
                    .try_into()
                    .map_err(|_| CustodyError::Truncated("an inclusion proof"))?;
                proof.push(Sha256Hash(hash));
            }
            entries.push(BundleEntry {
                role,
                index,
                record,
                proof,
            });
        }
        if r.at != bytes.len() {
            return Err(CustodyError::TrailingBytes(bytes.len() - r.at));
        }
        let statement = notes.pop().unwrap_or_default();
        let checkpoint = notes.pop().unwrap_or_default();
        Ok(Bundle {
            checkpoint,
            statement,
            entries,
        })
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], CustodyError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(CustodyError::Truncated(what))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, CustodyError> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, CustodyError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, CustodyError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, CustodyError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_be_bytes(a))
    }
}

/// Why a bundle was refused: each attack has its own.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CustodyError {
    /// Not a custody bundle at all.
    NotABundle,
    /// A version this build does not read.
    UnsupportedVersion(u16),
    /// Flags or reserved bytes are not zero.
    NonZeroReserved,
    /// The bytes end inside a field.
    Truncated(&'static str),
    /// A length outside its limits.
    BadLength(&'static str),
    /// A note that is not UTF-8.
    NotUtf8(&'static str),
    /// An entry role this build does not know.
    UnknownRole(u8),
    /// Bytes after the last entry.
    TrailingBytes(usize),
    /// The checkpoint note is not signed by the ledger key given, or not validly.
    CheckpointSignature(NoteError),
    /// The checkpoint's text is not a checkpoint of the key's log.
    BadCheckpoint(String),
    /// The statement note is not signed by the ledger key given, or not validly.
    StatementSignature(NoteError),
    /// The statement's text does not parse.
    BadStatement(&'static str),
    /// The statement was made for another checkpoint than the bundle's.
    StatementForAnotherCheckpoint {
        /// The statement's tree size.
        statement: u64,
        /// The checkpoint's tree size.
        checkpoint: u64,
    },
    /// Entries not in strictly increasing log order.
    OutOfOrder {
        /// Its position in the bundle (0-based).
        position: usize,
        /// Its log index.
        index: u64,
    },
    /// A record that does not parse.
    BadRecord {
        /// Position.
        position: usize,
        /// Log index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// A record whose device signature does not verify.
    BadSignature {
        /// Position.
        position: usize,
        /// Log index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// An inclusion proof that does not lead to the checkpoint's root.
    NotInLog {
        /// Position.
        position: usize,
        /// Log index.
        index: u64,
        /// Why.
        reason: InclusionError,
    },
    /// An event entry whose payload does not name the bundle's UID.
    ForeignEvent {
        /// Position.
        position: usize,
        /// Log index.
        index: u64,
        /// The bundle's UID.
        uid: String,
    },
    /// A context entry that is not what its role says.
    BadContext {
        /// Position.
        position: usize,
        /// Log index.
        index: u64,
        /// The role claimed.
        role: &'static str,
        /// Why.
        reason: String,
    },
    /// Records of one device out of seq order, or not linked where their seqs are adjacent.
    BrokenChain {
        /// The device.
        device: DeviceId,
        /// The seq.
        seq: u64,
        /// Why.
        reason: &'static str,
    },
    /// An event whose device's genesis is not in the bundle.
    MissingGenesis(DeviceId),
    /// A destruction whose weight record is not in the bundle.
    MissingWeight {
        /// The device.
        device: DeviceId,
        /// The destruction's seq.
        seq: u64,
        /// The weight's seq.
        weight_seq: u64,
    },
    /// A destruction whose witness sign-in is not in the bundle.
    MissingWitness {
        /// The device.
        device: DeviceId,
        /// The destruction's seq.
        seq: u64,
        /// The witness badge.
        witness: String,
        /// The seq the sign-in must have.
        witness_seq: u64,
    },
    /// A weight whose scale registration is not in the bundle.
    MissingScale {
        /// The device.
        device: DeviceId,
        /// The weight's seq.
        seq: u64,
        /// The scale.
        scale_id: String,
    },
    /// The entries are not the ones the statement lists (added, removed, re-labelled).
    NotTheListedEntries {
        /// What differs.
        reason: &'static str,
    },
}

impl CustodyError {
    /// The stable machine-readable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            CustodyError::NotABundle => "not_a_bundle",
            CustodyError::UnsupportedVersion(_) => "unsupported_version",
            CustodyError::NonZeroReserved => "non_zero_reserved",
            CustodyError::Truncated(_) => "truncated",
            CustodyError::BadLength(_) => "bad_length",
            CustodyError::NotUtf8(_) => "not_utf8",
            CustodyError::UnknownRole(_) => "unknown_role",
            CustodyError::TrailingBytes(_) => "trailing_bytes",
            CustodyError::CheckpointSignature(_) => "checkpoint_signature",
            CustodyError::BadCheckpoint(_) => "bad_checkpoint",
            CustodyError::StatementSignature(_) => "statement_signature",
            CustodyError::BadStatement(_) => "bad_statement",
            CustodyError::StatementForAnotherCheckpoint { .. } => {
                "statement_for_another_checkpoint"
            }
            CustodyError::OutOfOrder { .. } => "out_of_order",
            CustodyError::BadRecord { .. } => "bad_record",
            CustodyError::BadSignature { .. } => "bad_signature",
            CustodyError::NotInLog { .. } => "not_in_log",
            CustodyError::ForeignEvent { .. } => "foreign_event",
            CustodyError::BadContext { .. } => "bad_context",
            CustodyError::BrokenChain { .. } => "broken_chain",
            CustodyError::MissingGenesis(_) => "missing_genesis",
            CustodyError::MissingWeight { .. } => "missing_weight",
            CustodyError::MissingWitness { .. } => "missing_witness",
            CustodyError::MissingScale { .. } => "missing_scale",
            CustodyError::NotTheListedEntries { .. } => "not_the_listed_entries",
        }
    }
}

/// A verified entry.
#[derive(Debug, Clone)]
pub struct VerifiedEntry {
    /// Its role.
    pub role: Role,
    /// Its log index.
    pub index: u64,
    /// The record (its device signature verified, its inclusion proved).
    pub event: SignedEvent,
    /// Its payload (`Payload::Unknown` for kinds this build does not know).
    pub payload: Payload,
    /// For events: whether a voiding event in the bundle targets it.
    pub voided: bool,
}

/// What a bundle proves, once verified.
#[derive(Debug, Clone)]
pub struct CustodyReport {
    /// The UID.
    pub uid: String,
    /// The log's origin.
    pub origin: String,
    /// The checkpoint every entry is proved against.
    pub checkpoint: Checkpoint,
    /// Every entry, in log order.
    pub entries: Vec<VerifiedEntry>,
    /// The facility's time zone from the settings entry, if the bundle has one.
    pub time_zone: Option<String>,
    /// The facilities the events were recorded in.
    pub facilities: BTreeSet<String>,
}

impl CustodyReport {
    /// The UID's events (role [`Role::Event`]) in log order.
    pub fn events(&self) -> impl Iterator<Item = &VerifiedEntry> {
        self.entries.iter().filter(|e| e.role == Role::Event)
    }

    /// What the bundle cannot prove, in plain words, in `language` (each limit's English and
    /// Spanish side by side).
    pub fn limits(&self, language: crate::messages::Language) -> Vec<String> {
        use tally_vocab::bilingual;
        let (uid, size) = (&self.uid, self.checkpoint.size);
        vec![
            bilingual!(language,
                en: "Events of {uid} never sent to the ledger are not here: a device that had not docked before this checkpoint may hold more, and nothing in the log can show that it holds none.",
                es: "Los eventos de {uid} que nunca llegaron al libro central no están aquí: un dispositivo que no se conectó al muelle antes de este punto de control puede tener más, y nada en el registro puede probar que no los tiene.",
            ),
            bilingual!(language,
                en: "Completeness rests on the ledger's signed statement: the proofs show that each entry is in the log of {size} entries, not that no other entry names {uid}; reading the whole log (tlog-tiles) with the same key checks that.",
                es: "Que la lista esté completa depende de la declaración firmada del libro central: las pruebas muestran que cada entrada está en el registro de {size} entradas, no que ninguna otra entrada nombre {uid}; leer todo el registro (tlog-tiles) con la misma clave lo comprueba.",
            ),
            bilingual!(language,
                en: "Each event's own device signature is proved; its place in its device's chain only where the bundle holds the record next to it (the whole chain is in the log).",
                es: "Se prueba la firma de cada evento por su dispositivo; su lugar en la cadena del dispositivo solo donde el paquete tiene el registro contiguo (la cadena completa está en el registro).",
            ),
            bilingual!(language,
                en: "A signature proves which device key and which signed-in badge recorded an event, not who held the device; weights are as the scale printed them.",
                es: "Una firma prueba qué clave de dispositivo y qué credencial registraron un evento, no quién tenía el dispositivo en la mano; los pesos son los que imprimió la báscula.",
            ),
            bilingual!(language,
                en: "The facility settings (time zone) are the latest the ledger held at this checkpoint, by its statement.",
                es: "La configuración de la instalación (zona horaria) es la última que tenía el libro central en este punto de control, según su declaración.",
            ),
        ]
    }
}

/// The registration of the scale that made `weight` (`scale_id`): the latest scale entry of
/// that id in the weight's facility before it in the log.
fn scale_of<'a>(
    entries: &'a [VerifiedEntry],
    weight: &VerifiedEntry,
    scale_id: &str,
) -> Option<&'a VerifiedEntry> {
    entries.iter().rev().find(|e| {
        e.role == Role::Scale
            && e.index < weight.index
            && e.event.facility() == weight.event.facility()
            && matches!(&e.payload, Payload::ScaleRegistered(r) if r.scale_id == scale_id)
    })
}

impl CustodyReport {
    /// The witness's sign-in a destruction entry relies on (verified to be in the bundle).
    pub fn witness_sign_in(&self, destruction: &VerifiedEntry) -> Option<&VerifiedEntry> {
        let Payload::DestructionRecorded(d) = &destruction.payload else {
            return None;
        };
        let at = witness_seq(d, destruction.event.seq());
        self.entries.iter().find(|e| {
            e.role == Role::Witness
                && e.event.device() == destruction.event.device()
                && e.event.seq() == at
        })
    }

    /// The registration of the scale a weight entry was made on (verified to be in the
    /// bundle).
    pub fn scale_registration(&self, weight: &VerifiedEntry) -> Option<&VerifiedEntry> {
        let Payload::WeightRecorded(w) = &weight.payload else {
            return None;
        };
        scale_of(&self.entries, weight, &w.scale_id)
    }
}

/// Verifies a bundle with the ledger's note verifier key (`<name>+<keyhash>+<key>`): the
/// checkpoint and the statement are signed by that key and agree, every record is signed by its
/// device and proved in the checkpoint's tree, every event names the UID, every context entry
/// is what its role says, chains link where records are adjacent, every destruction's witness
/// sign-in and every weight's scale registration are there, and the entries are exactly those
/// the statement lists.
pub fn verify(bytes: &[u8], key: &NoteVerifier) -> Result<CustodyReport, CustodyError> {
    let bundle = Bundle::parse(bytes)?;
    let checkpoint_note =
        SignedNote::parse(&bundle.checkpoint).map_err(CustodyError::CheckpointSignature)?;
    checkpoint_note
        .verify(key)
        .map_err(CustodyError::CheckpointSignature)?;
    let checkpoint = Checkpoint::parse(&checkpoint_note.text)
        .map_err(|e| CustodyError::BadCheckpoint(e.to_string()))?;
    if checkpoint.origin != key.name() {
        return Err(CustodyError::BadCheckpoint(format!(
            "its origin {:?} is not the key's log {:?}",
            checkpoint.origin,
            key.name()
        )));
    }
    let statement_note =
        SignedNote::parse(&bundle.statement).map_err(CustodyError::StatementSignature)?;
    statement_note
        .verify(key)
        .map_err(CustodyError::StatementSignature)?;
    let statement = Statement::parse(&statement_note.text)?;
    if statement.origin != checkpoint.origin {
        return Err(CustodyError::BadStatement(
            "its origin is not the checkpoint's",
        ));
    }
    if statement.tree_size != checkpoint.size || statement.root != checkpoint.root {
        return Err(CustodyError::StatementForAnotherCheckpoint {
            statement: statement.tree_size,
            checkpoint: checkpoint.size,
        });
    }
    let uid = statement.uid.clone();

    // Each entry on its own: order, record, device signature, inclusion.
    let mut entries: Vec<VerifiedEntry> = Vec::with_capacity(bundle.entries.len());
    let mut previous: Option<u64> = None;
    for (position, entry) in bundle.entries.iter().enumerate() {
        let index = entry.index;
        if previous.is_some_and(|p| index <= p) {
            return Err(CustodyError::OutOfOrder { position, index });
        }
        previous = Some(index);
        let event =
            SignedEvent::from_bytes(entry.record.clone()).map_err(|e| CustodyError::BadRecord {
                position,
                index,
                reason: e.to_string(),
            })?;
        event.verify().map_err(|e| CustodyError::BadSignature {
            position,
            index,
            reason: e.to_string(),
        })?;
        verify_inclusion(
            index,
            checkpoint.size,
            &leaf_hash(&entry.record),
            &entry.proof,
            &checkpoint.root,
        )
        .map_err(|reason| CustodyError::NotInLog {
            position,
            index,
            reason,
        })?;
        let payload = event.payload().map_err(|e| CustodyError::BadRecord {
            position,
            index,
            reason: e.to_string(),
        })?;
        if entry.role == Role::Event && !touches(&payload, &uid) {
            return Err(CustodyError::ForeignEvent {
                position,
                index,
                uid: uid.clone(),
            });
        }
        entries.push(VerifiedEntry {
            role: entry.role,
            index,
            event,
            payload,
            voided: false,
        });
    }

    // Chains: per device, seqs increase with the log index; adjacent seqs are linked.
    let mut last_of: BTreeMap<DeviceId, &SignedEvent> = BTreeMap::new();
    for entry in &entries {
        let device = entry.event.device();
        if let Some(earlier) = last_of.get(&device) {
            if entry.event.seq() <= earlier.seq() {
                return Err(CustodyError::BrokenChain {
                    device,
                    seq: entry.event.seq(),
                    reason: "its seq is not above an earlier entry's",
                });
            }
            if entry.event.seq() == earlier.seq() + 1
                && entry.event.prev() != Some(earlier.record_hash())
            {
                return Err(CustodyError::BrokenChain {
                    device,
                    seq: entry.event.seq(),
                    reason: "its prev hash is not the hash of the record before it",
                });
            }
        }
        last_of.insert(device, &entry.event);
    }

    // Context entries are what their roles say.
    let held: BTreeMap<(DeviceId, u64), usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.event.device(), e.event.seq()), i))
        .collect();
    let event_devices: BTreeSet<DeviceId> = entries
        .iter()
        .filter(|e| e.role == Role::Event)
        .map(|e| e.event.device())
        .collect();
    let facilities: BTreeSet<String> = entries
        .iter()
        .filter(|e| e.role == Role::Event)
        .map(|e| e.event.facility().to_owned())
        .collect();
    let mut time_zone = None;
    let mut voided: Vec<usize> = Vec::new();
    for (position, entry) in entries.iter().enumerate() {
        let bad = |reason: String| CustodyError::BadContext {
            position,
            index: entry.index,
            role: entry.role.name(),
            reason,
        };
        match (entry.role, &entry.payload) {
            (Role::Event, _) => {}
            (Role::Void, Payload::EventVoided(void)) => {
                let target = held
                    .get(&(void.target.device, void.target.seq))
                    .filter(|i| entries[**i].role == Role::Event)
                    .ok_or_else(|| bad("its target is not an event of the bundle".into()))?;
                if entries[*target].event.record_hash() != void.target.record_sha256 {
                    return Err(bad("its target's hash is not the event's".into()));
                }
                voided.push(*target);
            }
            (Role::Weight, Payload::WeightRecorded(_)) => {
                let device = entry.event.device();
                let referenced = entries.iter().any(|e| {
                    e.role == Role::Event
                        && e.event.device() == device
                        && matches!(&e.payload, Payload::DestructionRecorded(d)
                            if d.weight_event_seq == Some(entry.event.seq()))
                });
                if !referenced {
                    return Err(bad("no destruction of the bundle refers to it".into()));
                }
            }
            (Role::Genesis, Payload::DeviceEnrolled(_))
                if entry.event.seq() == 1 && entry.event.payload_kind() == KIND_DEVICE_ENROLLED =>
            {
                if !event_devices.contains(&entry.event.device()) {
                    return Err(bad("its device recorded no event of the UID".into()));
                }
            }
            (Role::Witness, Payload::UserSignedIn(signed_in)) => {
                if signed_in.purpose != SignInPurpose::Witness {
                    return Err(bad("it is not a sign-in to witness".into()));
                }
                let device = entry.event.device();
                let named = entries.iter().any(|e| {
                    e.role == Role::Event
                        && e.event.device() == device
                        && matches!(&e.payload, Payload::DestructionRecorded(d)
                            if d.witness == signed_in.badge
                                && witness_seq(d, e.event.seq()) == entry.event.seq())
                });
                if !named {
                    return Err(bad(
                        "no destruction of the bundle names this witness at this place".into(),
                    ));
                }
            }
            (Role::Scale, Payload::ScaleRegistered(scale)) => {
                let weighed = entries.iter().any(|e| {
                    matches!(e.role, Role::Event | Role::Weight)
                        && e.index > entry.index
                        && e.event.facility() == entry.event.facility()
                        && matches!(&e.payload, Payload::WeightRecorded(w)
                            if w.scale_id == scale.scale_id)
                });
                if !weighed {
                    return Err(bad("no weight of the bundle was made on this scale".into()));
                }
            }
            (Role::Settings, Payload::FacilitySettingsDefined(settings))
                if entry.event.payload_kind() == KIND_FACILITY_SETTINGS =>
            {
                if !facilities.contains(&settings.facility_id)
                    || entry.event.facility() != settings.facility_id
                {
                    return Err(bad("they are another facility's settings".into()));
                }
                time_zone = Some(settings.time_zone.clone());
            }
            _ => return Err(bad("its payload is not of that kind".into())),
        }
    }
    for device in &event_devices {
        if !held.contains_key(&(*device, 1)) {
            return Err(CustodyError::MissingGenesis(*device));
        }
    }
    for entry in entries.iter().filter(|e| e.role == Role::Event) {
        if let Payload::DestructionRecorded(d) = &entry.payload {
            if let Some(weight_seq) = d.weight_event_seq {
                if !held.contains_key(&(entry.event.device(), weight_seq)) {
                    return Err(CustodyError::MissingWeight {
                        device: entry.event.device(),
                        seq: entry.event.seq(),
                        weight_seq,
                    });
                }
            }
        }
    }

    for entry in entries.iter().filter(|e| e.role == Role::Event) {
        if let Payload::DestructionRecorded(d) = &entry.payload {
            let device = entry.event.device();
            let at = witness_seq(d, entry.event.seq());
            let held_witness = held.get(&(device, at)).is_some_and(|i| {
                entries[*i].role == Role::Witness
                    && matches!(&entries[*i].payload, Payload::UserSignedIn(s) if s.badge == d.witness)
            });
            if !held_witness {
                return Err(CustodyError::MissingWitness {
                    device,
                    seq: entry.event.seq(),
                    witness: d.witness.clone(),
                    witness_seq: at,
                });
            }
        }
    }
    for entry in entries
        .iter()
        .filter(|e| matches!(e.role, Role::Event | Role::Weight))
    {
        if let Payload::WeightRecorded(w) = &entry.payload {
            if scale_of(&entries, entry, &w.scale_id).is_none() {
                return Err(CustodyError::MissingScale {
                    device: entry.event.device(),
                    seq: entry.event.seq(),
                    scale_id: w.scale_id.clone(),
                });
            }
        }
    }

    // Exactly the entries the ledger listed.
    if statement.entries as usize != bundle.entries.len() {
        return Err(CustodyError::NotTheListedEntries {
            reason: "another number of entries",
        });
    }
    if entries_digest(&bundle.entries) != statement.digest {
        return Err(CustodyError::NotTheListedEntries {
            reason: "other entries or roles",
        });
    }
    for target in voided {
        entries[target].voided = true;
    }
    Ok(CustodyReport {
        uid,
        origin: checkpoint.origin.clone(),
        checkpoint,
        entries,
        time_zone,
        facilities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement() -> Statement {
        Statement {
            origin: "ledger.test/log".into(),
            uid: "1A4FF0100000022000000101".into(),
            tree_size: 42,
            root: Sha256Hash([7; 32]),
            entries: 3,
            digest: Sha256Hash([9; 32]),
        }
    }

    #[test]
    fn a_statement_reads_back_and_only_its_canonical_text_parses() {
        let text = statement().text();
        assert_eq!(Statement::parse(&text).unwrap(), statement());
        let variants = [
            text.replace("tree 42", "tree 042"),
            text.replace("entries 3", "entries +3"),
            text.replace(&"07".repeat(32), &"AB".repeat(32)),
            text.replace(&"07".repeat(32), &"07".repeat(31)),
            text.replace(&"09".repeat(32), &"0A".repeat(32)),
            text.replace("uid 1A4F", "uid 1A 4F"),
            format!("{text}extra\n"),
            text.trim_end().to_owned(),
            text.replace("origin ", "origin  "),
            text.replacen(STATEMENT_HEADER, "ledger.test/log", 1),
        ];
        for bad in variants {
            assert!(Statement::parse(&bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn a_bundle_round_trips_and_refuses_bad_framing() {
        let bundle = Bundle {
            checkpoint: "c\n\n\u{2014} k AAAA\n".into(),
            statement: "s\n\n\u{2014} k AAAA\n".into(),
            entries: vec![BundleEntry {
                role: Role::Weight,
                index: 5,
                record: vec![1, 2, 3],
                proof: vec![Sha256Hash([1; 32]), Sha256Hash([2; 32])],
            }],
        };
        let bytes = bundle.encode().unwrap();
        assert_eq!(Bundle::parse(&bytes).unwrap(), bundle);
        let mut v2 = bytes.clone();
        v2[9] = 2;
        assert_eq!(Bundle::parse(&v2), Err(CustodyError::UnsupportedVersion(2)));
        let mut flags = bytes.clone();
        flags[11] = 1;
        assert_eq!(Bundle::parse(&flags), Err(CustodyError::NonZeroReserved));
        let role_at = bytes.len() - (1 + 8 + 4 + 3 + 1 + 64);
        let mut role = bytes.clone();
        role[role_at] = 9;
        assert_eq!(Bundle::parse(&role), Err(CustodyError::UnknownRole(9)));
        let mut empty_note = bytes.clone();
        empty_note[16] = 0;
        empty_note[17] = 0;
        assert_eq!(
            Bundle::parse(&empty_note),
            Err(CustodyError::BadLength("the checkpoint"))
        );
    }
}

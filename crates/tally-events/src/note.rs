//! C2SP signed notes (`c2sp.org/signed-note`) with Ed25519 keys, and the transparency log
//! checkpoint they carry (`c2sp.org/tlog-checkpoint`): what the ledger signs about its log, and
//! what a ledger export's trailer quotes.
//!
//! A note is its text (lines ending in `\n`), a blank line, and signature lines
//! `— <name> <base64(key id ‖ signature)>`. The key id of an Ed25519 key is the first four
//! bytes of SHA-256(`name` ‖ `\n` ‖ `0x01` ‖ public key); a verifier key is written
//! `<name>+<key id in hex>+<base64(0x01 ‖ public key)>`. A checkpoint's text is the log's
//! origin, the tree size in decimal and the root hash in base64, one per line, then optional
//! extension lines.

use base64ct::{Base64, Encoding};
use thiserror::Error;

use crate::key::{DeviceKey, VerifierKey};
use crate::types::{DeviceId, Sha256Hash};

/// The signature algorithm byte of an Ed25519 note key.
const ALG_ED25519: u8 = 0x01;
/// Longest note accepted, in bytes.
pub const MAX_NOTE_BYTES: usize = 4_096;

/// Why a note, a checkpoint or a note key was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    /// Not a well-formed signed note.
    Malformed(&'static str),
    /// Not a well-formed checkpoint text.
    BadCheckpoint(&'static str),
    /// The verifier key text is not `<name>+<hex id>+<base64 key>` for an Ed25519 key.
    BadVerifierKey,
    /// No signature by the given key.
    NotSignedByKey(String),
    /// A signature by the given key that does not verify.
    BadSignature(String),
}

/// A signed note: its text and its signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedNote {
    /// The signed text, ending in `\n`.
    pub text: String,
    /// (name, key id, signature bytes) of each signature line.
    pub signatures: Vec<(String, [u8; 4], Vec<u8>)>,
}

impl SignedNote {
    /// Parses a note: text, blank line, signature lines.
    pub fn parse(note: &str) -> Result<Self, NoteError> {
        if note.len() > MAX_NOTE_BYTES {
            return Err(NoteError::Malformed("longer than 4096 bytes"));
        }
        if note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(NoteError::Malformed("control characters"));
        }
        let split = note
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
        let text = &note[..split + 1];
        let block = &note[split + 2..];
        if !block.ends_with('\n') {
            return Err(NoteError::Malformed(
                "the last signature line has no end of line",
            ));
        }
        let mut signatures = Vec::new();
        for line in block[..block.len() - 1].split('\n') {
            let rest = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed(
                "a signature line does not start with an em dash",
            ))?;
            let (name, encoded) = rest
                .split_once(' ')
                .ok_or(NoteError::Malformed("a signature line has no signature"))?;
            if name.is_empty() || name.contains('+') {
                return Err(NoteError::Malformed("a signature line has a bad key name"));
            }
            let bytes = Base64::decode_vec(encoded)
                .map_err(|_| NoteError::Malformed("a signature is not base64"))?;
            if bytes.len() < 5 {
                return Err(NoteError::Malformed("a signature is too short"));
            }
            let mut id = [0u8; 4];
            id.copy_from_slice(&bytes[..4]);
            signatures.push((name.to_owned(), id, bytes[4..].to_vec()));
        }
        if signatures.is_empty() {
            return Err(NoteError::Malformed("no signature"));
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Verifies the signature by `key` (other signatures are ignored, as the spec says).
    pub fn verify(&self, key: &NoteVerifier) -> Result<(), NoteError> {
        let signature = self
            .signatures
            .iter()
            .find(|(name, id, _)| *name == key.name && *id == key.id)
            .ok_or_else(|| NoteError::NotSignedByKey(key.name.clone()))?;
        let bytes: &[u8; 64] = signature
            .2
            .as_slice()
            .try_into()
            .map_err(|_| NoteError::BadSignature(key.name.clone()))?;
        key.key
            .verify_strict(self.text.as_bytes(), bytes)
            .map_err(|_| NoteError::BadSignature(key.name.clone()))
    }
}

/// The key id of an Ed25519 note key.
fn key_id(name: &str, public: &DeviceId) -> [u8; 4] {
    let mut material = Vec::with_capacity(name.len() + 34);
    material.extend_from_slice(name.as_bytes());
    material.push(b'\n');
    material.push(ALG_ED25519);
    material.extend_from_slice(public.as_bytes());
    let hash = Sha256Hash::of(&material);
    let mut id = [0u8; 4];
    id.copy_from_slice(&hash.as_bytes()[..4]);
    id
}

/// A note verifier key: name, key id and Ed25519 public key.
#[derive(Debug, Clone)]
pub struct NoteVerifier {
    name: String,
    id: [u8; 4],
    key: VerifierKey,
}

impl NoteVerifier {
    /// Parses `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id_hex), Some(encoded)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(NoteError::BadVerifierKey);
        };
        let id: [u8; 4] = hex::decode(id_hex)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(NoteError::BadVerifierKey)?;
        let raw = Base64::decode_vec(encoded).map_err(|_| NoteError::BadVerifierKey)?;
        if raw.len() != 33 || raw[0] != ALG_ED25519 || name.is_empty() {
            return Err(NoteError::BadVerifierKey);
        }
        let mut public = [0u8; 32];
        public.copy_from_slice(&raw[1..]);
        let public = DeviceId(public);
        if key_id(name, &public) != id {
            return Err(NoteError::BadVerifierKey);
        }
        let key = VerifierKey::new(&public).map_err(|_| NoteError::BadVerifierKey)?;
        Ok(Self {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Signs notes with an Ed25519 key (the ledger's; tests use it to build ledger exports).
#[derive(Debug)]
pub struct NoteSigner {
    name: String,
    key: DeviceKey,
}

impl NoteSigner {
    /// A signer named `name` (no spaces, no `+`).
    pub fn new(name: &str, key: DeviceKey) -> Self {
        Self {
            name: name.to_owned(),
            key,
        }
    }

    /// The verifier key text for this signer.
    pub fn verifier_key(&self) -> String {
        let public = self.key.device_id();
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(public.as_bytes());
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(key_id(&self.name, &public)),
            Base64::encode_string(&raw)
        )
    }

    /// Signs `text` (which must end in `\n`) and returns the whole note.
    pub fn sign(&self, text: &str) -> String {
        let signature = self.key.sign(text.as_bytes());
        let mut raw = key_id(&self.name, &self.key.device_id()).to_vec();
        raw.extend_from_slice(&signature);
        format!(
            "{text}\n\u{2014} {} {}\n",
            self.name,
            Base64::encode_string(&raw)
        )
    }
}

/// A transparency log checkpoint (`c2sp.org/tlog-checkpoint`): the log's identity, its size and
/// its root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// RFC 6962 root hash of those entries.
    pub root: Sha256Hash,
}

impl Checkpoint {
    /// Parses a checkpoint from a note's text.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|line| !line.is_empty())
            .ok_or(NoteError::BadCheckpoint("no origin"))?;
        let size = lines
            .next()
            .filter(|line| {
                !line.is_empty()
                    && line.bytes().all(|b| b.is_ascii_digit())
                    && (line.len() == 1 || !line.starts_with('0'))
            })
            .and_then(|line| line.parse::<u64>().ok())
            .ok_or(NoteError::BadCheckpoint(
                "the tree size is not a decimal number",
            ))?;
        let root: [u8; 32] = lines
            .next()
            .and_then(|line| Base64::decode_vec(line).ok())
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(NoteError::BadCheckpoint(
                "the root hash is not 32 bytes of base64",
            ))?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root: Sha256Hash(root),
        })
    }

    /// The checkpoint's text (without extension lines).
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            Base64::encode_string(self.root.as_bytes())
        )
    }
}

//! The transparency log's pure parts, following the C2SP specifications: RFC 6962 / RFC 9162
//! leaf and node hashing, inclusion and consistency proofs (Cloudflare's `tlog_tiles`, a port of
//! Go's `sumdb/tlog`), the tlog-tiles paths and entry bundles, and tlog-checkpoints signed as
//! signed notes (Cloudflare's `signed_note`, a port of Go's `sumdb/note`).
//!
//! No I/O: stored hashes come in through [`HashReader`], implemented by the storage backends.

use base64::Engine as _;
use rand_core::OsRng;
use signed_note::{Note, StandardSigner, StandardVerifier, VerifierList};
use thiserror::Error;
pub use tlog_tiles::{Hash, HashReader, HASH_SIZE};

/// Height of a tile (C2SP tlog-tiles fixes it at 8: 256 hashes or entries per full tile).
pub const TILE_HEIGHT: u8 = 8;
/// Entries or hashes in a full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// The largest entry an entry bundle can frame (a 16-bit big-endian length).
pub const MAX_ENTRY_BYTES: usize = u16::MAX as usize;

/// Why a proof, a checkpoint or a tile path was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LogError {
    /// A hash is not 32 bytes.
    #[error("a hash must be 32 bytes, this one is {0}")]
    MalformedHash(usize),
    /// The proof does not prove what it claims.
    #[error("the proof does not verify: {0}")]
    InvalidProof(String),
    /// The checkpoint or its signature is wrong.
    #[error("the checkpoint is not valid: {0}")]
    BadCheckpoint(String),
    /// The verifier or signer key is malformed.
    #[error("the log key is not valid: {0}")]
    BadKey(String),
    /// A tile path that is not in the C2SP tlog-tiles encoding.
    #[error("not a tile path: {0}")]
    BadTilePath(String),
    /// An entry too large for an entry bundle.
    #[error("an entry of {0} bytes is larger than a log entry may be ({MAX_ENTRY_BYTES})")]
    EntryTooLarge(usize),
    /// Reading stored hashes failed.
    #[error("the stored hashes could not be read: {0}")]
    Hashes(String),
}

/// The RFC 6962 leaf hash of an entry: SHA-256(0x00 ‖ entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    tlog_tiles::record_hash(entry)
}

/// The RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: Hash, right: Hash) -> Hash {
    tlog_tiles::node_hash(left, right)
}

/// The index of the hash of level `level`, number `n` in the stored-hash layout (Go's
/// `sumdb/tlog`): every hash a tree of any size needs is stored exactly once, in append order.
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    tlog_tiles::stored_hash_index(level, n)
}

/// The stored hashes that appending entry number `n` (0-based) adds, starting at index
/// `stored_hash_index(0, n)`; `reader` supplies the hashes already stored.
pub fn hashes_for_new_entry<R: HashReader>(
    n: u64,
    entry: &[u8],
    reader: &R,
) -> Result<Vec<Hash>, LogError> {
    tlog_tiles::stored_hashes(n, entry, reader).map_err(|e| LogError::Hashes(e.to_string()))
}

/// The root hash of the tree of the first `size` entries.
pub fn tree_hash<R: HashReader>(size: u64, reader: &R) -> Result<Hash, LogError> {
    tlog_tiles::tree_hash(size, reader).map_err(|e| LogError::Hashes(e.to_string()))
}

/// The inclusion proof of entry `index` in the tree of size `size` (RFC 9162 §2.1.3).
pub fn prove_inclusion<R: HashReader>(
    size: u64,
    index: u64,
    reader: &R,
) -> Result<Vec<Hash>, LogError> {
    if index >= size {
        return Err(LogError::InvalidProof(format!(
            "entry {index} is not in a tree of {size} entries"
        )));
    }
    tlog_tiles::prove_record(size, index, reader).map_err(|e| LogError::Hashes(e.to_string()))
}

/// The inclusion proofs of several entries in the tree of size `size`, reading every stored
/// hash they need in ONE call to `reader` (one query for a batch's receipts instead of one per
/// receipt). Which stored hashes a proof needs depends on the tree size and the entry's index
/// only, never on hash values: the proofs are first computed against a reader that notes the
/// indexes asked for, then from the hashes read together. A proof can only come from the
/// hashes actually stored: one asked for that was not read is an error, never a guess.
pub fn prove_inclusions<R: HashReader>(
    size: u64,
    indexes: &[u64],
    reader: &R,
) -> Result<Vec<Vec<Hash>>, LogError> {
    let wanted = WantedHashes::default();
    for &index in indexes {
        prove_inclusion(size, index, &wanted)?;
    }
    let mut wanted: Vec<u64> = wanted.0.into_inner().into_iter().collect();
    wanted.sort_unstable();
    let hashes = if wanted.is_empty() {
        Vec::new()
    } else {
        reader
            .read_hashes(&wanted)
            .map_err(|e| LogError::Hashes(e.to_string()))?
    };
    if hashes.len() != wanted.len() {
        return Err(LogError::Hashes(format!(
            "{} stored hashes read for {} asked",
            hashes.len(),
            wanted.len()
        )));
    }
    let read = ReadHashes(wanted.into_iter().zip(hashes).collect());
    indexes
        .iter()
        .map(|&index| prove_inclusion(size, index, &read))
        .collect()
}

/// A reader that notes which stored hashes are asked for and answers zeros.
#[derive(Default)]
struct WantedHashes(std::cell::RefCell<std::collections::BTreeSet<u64>>);

impl HashReader for WantedHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0.borrow_mut().extend(indexes.iter().copied());
        Ok(vec![Hash([0; HASH_SIZE]); indexes.len()])
    }
}

/// Stored hashes read beforehand.
struct ReadHashes(std::collections::HashMap<u64, Hash>);

impl HashReader for ReadHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|index| {
                self.0.get(index).copied().ok_or_else(|| {
                    tlog_tiles::Error::InvalidInput(format!(
                        "stored hash {index} was not read beforehand"
                    ))
                })
            })
            .collect()
    }
}

/// The consistency proof from the tree of size `old` to the tree of size `new` (RFC 9162
/// §2.1.4). Empty when the sizes are equal.
pub fn prove_consistency<R: HashReader>(
    new: u64,
    old: u64,
    reader: &R,
) -> Result<Vec<Hash>, LogError> {
    if old == 0 || old > new {
        return Err(LogError::InvalidProof(format!(
            "no consistency proof from {old} entries to {new}"
        )));
    }
    tlog_tiles::prove_tree(new, old, reader).map_err(|e| LogError::Hashes(e.to_string()))
}

fn hash_from(bytes: &[u8]) -> Result<Hash, LogError> {
    let array: [u8; HASH_SIZE] = bytes
        .try_into()
        .map_err(|_| LogError::MalformedHash(bytes.len()))?;
    Ok(Hash(array))
}

fn hashes_from(proof: &[Vec<u8>]) -> Result<Vec<Hash>, LogError> {
    proof.iter().map(|h| hash_from(h)).collect()
}

/// Checks that `proof` proves the leaf with hash `leaf_hash` is entry `index` of the tree of
/// `size` entries whose root is `root` (RFC 9162 §2.1.3.2). Hashes are raw bytes so that
/// malformed input is refused here, not assumed away by a type.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &[u8],
    proof: &[Vec<u8>],
    root: &[u8],
) -> Result<(), LogError> {
    if index >= size {
        return Err(LogError::InvalidProof(format!(
            "entry {index} is beyond a tree of {size} entries"
        )));
    }
    let leaf = hash_from(leaf_hash)?;
    let root = hash_from(root)?;
    let proof = hashes_from(proof)?;
    tlog_tiles::check_record(&proof, size, root, index, leaf)
        .map_err(|e| LogError::InvalidProof(e.to_string()))
}

/// Checks that `proof` proves the tree of `size1` entries with root `root1` is a prefix of the
/// tree of `size2` entries with root `root2` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Vec<u8>],
    root1: &[u8],
    root2: &[u8],
) -> Result<(), LogError> {
    if size2 < size1 {
        return Err(LogError::InvalidProof(format!(
            "the newer tree ({size2}) is smaller than the older ({size1})"
        )));
    }
    if size1 == 0 {
        return Err(LogError::InvalidProof(
            "a consistency proof from the empty tree proves nothing".into(),
        ));
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(LogError::InvalidProof(
                "equal sizes need an empty proof".into(),
            ));
        }
        if root1 != root2 {
            return Err(LogError::InvalidProof(
                "equal sizes with different roots".into(),
            ));
        }
        return Ok(());
    }
    if proof.is_empty() {
        return Err(LogError::InvalidProof("the proof is empty".into()));
    }
    let root1 = hash_from(root1)?;
    let root2 = hash_from(root2)?;
    let proof = hashes_from(proof)?;
    tlog_tiles::check_tree(&proof, size2, root2, size1, root1)
        .map_err(|e| LogError::InvalidProof(e.to_string()))
}

/// Standard base64 (the encoding of hashes in checkpoints and of note signatures).
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard base64.
pub fn unb64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The log's signing key: an ed25519 signed-note signer whose key name is the log's origin.
pub struct LogSigner {
    signer: StandardSigner,
    origin: String,
    verifier_key: String,
}

impl std::fmt::Debug for LogSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogSigner")
            .field("origin", &self.origin)
            .field("verifier_key", &self.verifier_key)
            .finish_non_exhaustive()
    }
}

/// Whether `origin` can be a checkpoint origin and a signed-note key name: non-empty, printable,
/// no spaces and no `+`.
pub fn is_valid_origin(origin: &str) -> bool {
    signed_note::is_key_name_valid(origin) && origin.chars().all(|c| !c.is_control())
}

impl LogSigner {
    /// Generates a new key for the log named `origin`; returns the signer and its encoded
    /// private key (`PRIVATE+KEY+<name>+<id>+<key>`, the format of Go's `sumdb/note`).
    pub fn generate(origin: &str) -> Result<(LogSigner, String), LogError> {
        if !is_valid_origin(origin) {
            return Err(LogError::BadKey(format!(
                "the log origin {origin:?} must be non-empty, without spaces or '+'"
            )));
        }
        let (skey, _vkey) = signed_note::generate_key(&mut OsRng, origin);
        let signer = LogSigner::from_private_key(&skey)?;
        Ok((signer, skey))
    }

    /// Loads an encoded private key.
    pub fn from_private_key(skey: &str) -> Result<LogSigner, LogError> {
        let signer = StandardSigner::new(skey).map_err(|e| LogError::BadKey(e.to_string()))?;
        // The verifier key is derived from the private key itself.
        let parts: Vec<&str> = skey.splitn(5, '+').collect();
        let key = parts
            .get(4)
            .and_then(|k| unb64(k))
            .filter(|k| k.len() == 33)
            .ok_or_else(|| LogError::BadKey("malformed private key".into()))?;
        let seed: [u8; 32] = key[1..]
            .try_into()
            .map_err(|_| LogError::BadKey("malformed private key".into()))?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        let origin = signed_note::Signer::name(&signer).to_owned();
        let verifier_key = signed_note::new_ed25519_verifier_key(&origin, &public);
        Ok(LogSigner {
            signer,
            origin,
            verifier_key,
        })
    }

    /// The log's origin (the checkpoint's first line and the key name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The verifier key `<name>+<keyhash>+<key>` an auditor needs.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// The signed checkpoint (a signed note) for a tree of `size` entries with root `root`.
    pub fn sign_checkpoint(&self, size: u64, root: &Hash) -> Result<String, LogError> {
        let body = checkpoint_body(&self.origin, size, root);
        let mut note =
            Note::new(body.as_bytes(), &[]).map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
        note.add_sigs(&[&self.signer])
            .map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
        String::from_utf8(note.to_bytes()).map_err(|e| LogError::BadCheckpoint(e.to_string()))
    }
}

impl LogSigner {
    /// Signs a note whose text is not a checkpoint with the log's key: a custody statement
    /// (`tally_events::custody`), whose first line is never a log origin, so neither can pass
    /// for the other.
    pub fn sign_note(&self, text: &str) -> Result<String, LogError> {
        let mut note =
            Note::new(text.as_bytes(), &[]).map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
        note.add_sigs(&[&self.signer])
            .map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
        String::from_utf8(note.to_bytes()).map_err(|e| LogError::BadCheckpoint(e.to_string()))
    }
}

/// The checkpoint body of C2SP tlog-checkpoint: origin, decimal size, base64 root, each on its
/// own line.
pub fn checkpoint_body(origin: &str, size: u64, root: &Hash) -> String {
    format!("{origin}\n{size}\n{}\n", b64(&root.0))
}

/// A checkpoint whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    /// The origin line.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash.
    pub root: [u8; 32],
}

/// Verifies a signed checkpoint with the verifier key `vkey` and parses its body. The origin
/// must equal the key name.
pub fn verify_checkpoint(note: &[u8], vkey: &str) -> Result<VerifiedCheckpoint, LogError> {
    let verifier = StandardVerifier::new(vkey).map_err(|e| LogError::BadKey(e.to_string()))?;
    let name = signed_note::Verifier::name(&verifier).to_owned();
    let list = VerifierList::new(vec![Box::new(verifier)]);
    let note = Note::from_bytes(note).map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
    note.verify(&list)
        .map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
    let checkpoint = tlog_tiles::Checkpoint::from_bytes(note.text())
        .map_err(|e| LogError::BadCheckpoint(e.to_string()))?;
    if checkpoint.origin() != name {
        return Err(LogError::BadCheckpoint(format!(
            "the origin {:?} is not the key's name {name:?}",
            checkpoint.origin()
        )));
    }
    Ok(VerifiedCheckpoint {
        origin: checkpoint.origin().to_owned(),
        size: checkpoint.size(),
        root: checkpoint.hash().0,
    })
}

/// Which kind of tile a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    /// Hashes of level `level` (level 0: leaf hashes).
    Hashes {
        /// The tile level (0 to 63).
        level: u8,
    },
    /// Entry bundle: the entries themselves, each with a 16-bit big-endian length.
    Entries,
}

/// A tile of the C2SP tlog-tiles layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRef {
    /// Hash tile or entry bundle.
    pub kind: TileKind,
    /// The tile's index N within its level.
    pub index: u64,
    /// Width: 256 for a full tile, 1 to 255 for a partial one.
    pub width: u32,
}

impl TileRef {
    /// The path below `/log/`: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`, with N in
    /// three-digit groups, all but the last prefixed with `x` (`x001/x234/067`).
    pub fn path(&self) -> String {
        let mut n = self.index;
        let mut encoded = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            encoded = format!("x{:03}/{encoded}", n % 1000);
        }
        let level = match self.kind {
            TileKind::Hashes { level } => level.to_string(),
            TileKind::Entries => "entries".to_owned(),
        };
        if u64::from(self.width) == TILE_WIDTH {
            format!("tile/{level}/{encoded}")
        } else {
            format!("tile/{level}/{encoded}.p/{}", self.width)
        }
    }

    /// Parses a path below `/log/` in exactly the encoding [`TileRef::path`] writes (anything
    /// else, such as leading zeros or a missing `x`, is refused).
    pub fn parse(path: &str) -> Result<TileRef, LogError> {
        let bad = || LogError::BadTilePath(path.to_owned());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (level, rest) = rest.split_once('/').ok_or_else(bad)?;
        let kind = if level == "entries" {
            TileKind::Entries
        } else {
            let level = canonical_decimal(level).ok_or_else(bad)?;
            if level > 63 {
                return Err(bad());
            }
            TileKind::Hashes { level: level as u8 }
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index_part, width)) => {
                let width = canonical_decimal(width).ok_or_else(bad)?;
                if width == 0 || width >= TILE_WIDTH {
                    return Err(bad());
                }
                (index_part, width as u32)
            }
            None => (rest, TILE_WIDTH as u32),
        };
        let groups: Vec<&str> = index_part.split('/').collect();
        let mut index: u64 = 0;
        for (i, group) in groups.iter().enumerate() {
            let last = i + 1 == groups.len();
            let digits = if last {
                *group
            } else {
                group.strip_prefix('x').ok_or_else(bad)?
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let value: u64 = digits.parse().map_err(|_| bad())?;
            if i == 0 && value == 0 && !last {
                return Err(bad());
            }
            index = index
                .checked_mul(1000)
                .and_then(|x| x.checked_add(value))
                .ok_or_else(bad)?;
        }
        Ok(TileRef { kind, index, width })
    }

    /// The entries this tile covers, `[start, end)`.
    pub fn entry_range(&self) -> (u64, u64) {
        let start = self.index * TILE_WIDTH;
        (start, start + u64::from(self.width))
    }

    /// The tile's hash data read from storage: `width` hashes of its level. Only for hash tiles.
    pub fn read_hashes<R: HashReader>(&self, reader: &R) -> Result<Vec<u8>, LogError> {
        let TileKind::Hashes { level } = self.kind else {
            return Err(LogError::BadTilePath(self.path()));
        };
        let tile = tlog_tiles::Tile::new(TILE_HEIGHT, level, self.index, self.width, false);
        tile.read_data(reader)
            .map_err(|e| LogError::Hashes(e.to_string()))
    }

    /// Whether a tree of `size` entries holds this tile (a full tile, or a partial one of
    /// exactly the width the tree has at that place, or a narrower one of a tree that grew).
    pub fn available_in(&self, size: u64) -> bool {
        let level = match self.kind {
            TileKind::Hashes { level } => u32::from(level),
            TileKind::Entries => 0,
        };
        let shift = u32::from(TILE_HEIGHT) * level;
        let Some(level_size) = size.checked_shr(shift) else {
            return false;
        };
        let end = self.index.saturating_mul(TILE_WIDTH) + u64::from(self.width);
        end <= level_size
    }
}

fn canonical_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// Frames entries as an entry bundle: each with its length as a 16-bit big-endian integer.
pub fn entry_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, LogError> {
    let mut out = Vec::new();
    for entry in entries {
        let len = u16::try_from(entry.len()).map_err(|_| LogError::EntryTooLarge(entry.len()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Splits an entry bundle into its entries; `None` if the framing is broken.
pub fn parse_entry_bundle(bundle: &[u8]) -> Option<Vec<&[u8]>> {
    let mut entries = Vec::new();
    let mut rest = bundle;
    while !rest.is_empty() {
        if rest.len() < 2 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        if rest.len() < 2 + len {
            return None;
        }
        entries.push(&rest[2..2 + len]);
        rest = &rest[2 + len..];
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_follow_the_spec_examples() {
        let tile = TileRef {
            kind: TileKind::Hashes { level: 1 },
            index: 1_234_067,
            width: 256,
        };
        assert_eq!(tile.path(), "tile/1/x001/x234/067");
        let partial = TileRef { width: 1, ..tile };
        assert_eq!(partial.path(), "tile/1/x001/x234/067.p/1");
        let entries = TileRef {
            kind: TileKind::Entries,
            index: 0,
            width: 255,
        };
        assert_eq!(entries.path(), "tile/entries/000.p/255");
        for t in [tile, partial, entries] {
            assert_eq!(TileRef::parse(&t.path()), Ok(t));
        }
        let thousand = TileRef {
            kind: TileKind::Entries,
            index: 1000,
            width: 256,
        };
        assert_eq!(thousand.path(), "tile/entries/x001/000");
    }

    #[test]
    fn non_canonical_tile_paths_are_refused() {
        for path in [
            "tile/0/1",
            "tile/0/0001",
            "tile/0/001234",
            "tile/0/x000/001",
            "tile/0/001/234",
            "tile/00/000",
            "tile/64/000",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/01",
            "tile/data/000",
            "tile/entries/000.p/",
            "tile/0/-01",
            "tiles/0/000",
            "tile/0/x1/000",
        ] {
            assert!(TileRef::parse(path).is_err(), "{path} was accepted");
        }
    }

    #[test]
    fn entry_bundles_round_trip_and_refuse_oversized_entries() {
        let a = vec![1u8; 3];
        let b = vec![2u8; 300];
        let bundle = entry_bundle([a.as_slice(), b.as_slice()]).unwrap();
        assert_eq!(&bundle[..2], &[0, 3]);
        assert_eq!(&bundle[5..7], &[1, 44]);
        assert_eq!(
            parse_entry_bundle(&bundle).unwrap(),
            vec![a.as_slice(), b.as_slice()]
        );
        assert!(parse_entry_bundle(&bundle[..bundle.len() - 1]).is_none());
        let big = vec![0u8; MAX_ENTRY_BYTES + 1];
        assert_eq!(
            entry_bundle([big.as_slice()]),
            Err(LogError::EntryTooLarge(MAX_ENTRY_BYTES + 1))
        );
    }

    #[test]
    fn a_checkpoint_signed_by_the_log_verifies_and_a_changed_one_does_not() {
        let (signer, skey) = LogSigner::generate("ledger.example/log").unwrap();
        let root = leaf_hash(b"hello");
        let note = signer.sign_checkpoint(1, &root).unwrap();
        let checkpoint = verify_checkpoint(note.as_bytes(), signer.verifier_key()).unwrap();
        assert_eq!(checkpoint.size, 1);
        assert_eq!(checkpoint.root, root.0);
        assert_eq!(checkpoint.origin, "ledger.example/log");
        let tampered = note.replacen("\n1\n", "\n2\n", 1);
        assert!(verify_checkpoint(tampered.as_bytes(), signer.verifier_key()).is_err());
        let reloaded = LogSigner::from_private_key(&skey).unwrap();
        assert_eq!(reloaded.verifier_key(), signer.verifier_key());
        let (other, _) = LogSigner::generate("ledger.example/log").unwrap();
        assert!(verify_checkpoint(note.as_bytes(), other.verifier_key()).is_err());
        assert!(LogSigner::generate("has space").is_err());
        assert!(LogSigner::generate("a+b").is_err());
    }

    /// Stored hashes in memory, counting the reads.
    #[derive(Default)]
    struct Memory {
        hashes: std::cell::RefCell<Vec<Hash>>,
        reads: std::cell::Cell<usize>,
    }

    impl HashReader for Memory {
        fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
            self.reads.set(self.reads.get() + 1);
            let hashes = self.hashes.borrow();
            indexes
                .iter()
                .map(|&i| {
                    hashes
                        .get(i as usize)
                        .copied()
                        .ok_or_else(|| tlog_tiles::Error::InvalidInput(format!("no hash {i}")))
                })
                .collect()
        }
    }

    #[test]
    fn proofs_read_together_equal_the_proofs_read_one_by_one() {
        let memory = Memory::default();
        for n in 0..300u64 {
            let new = hashes_for_new_entry(n, &n.to_be_bytes(), &memory).unwrap();
            memory.hashes.borrow_mut().extend(new);
        }
        for size in [1u64, 2, 7, 64, 255, 256, 257, 300] {
            for batch in [
                vec![size - 1],
                (0..size).collect(),
                (size / 2..size).collect(),
            ] {
                let one_by_one: Vec<Vec<Hash>> = batch
                    .iter()
                    .map(|&i| prove_inclusion(size, i, &memory).unwrap())
                    .collect();
                memory.reads.set(0);
                assert_eq!(prove_inclusions(size, &batch, &memory).unwrap(), one_by_one);
                assert!(
                    memory.reads.get() <= 1,
                    "one read for {} proofs",
                    batch.len()
                );
                for (&index, proof) in batch.iter().zip(&one_by_one) {
                    let leaf = leaf_hash(&index.to_be_bytes());
                    let root = tree_hash(size, &memory).unwrap();
                    assert!(tlog_tiles::check_record(proof, size, root, index, leaf).is_ok());
                }
            }
        }
        // An entry outside the tree is refused as before; a store missing a hash fails.
        assert!(prove_inclusions(10, &[10], &memory).is_err());
        let short = Memory::default();
        short
            .hashes
            .borrow_mut()
            .extend(memory.hashes.borrow()[..5].iter().copied());
        assert!(prove_inclusions(300, &[0, 299], &short).is_err());
    }
}

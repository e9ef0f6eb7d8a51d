//! An auditor's full verification of a served log, from its C2SP tlog-tiles and the log's
//! note verifier key alone (`tally audit --ledger URL --key KEY`).
//!
//! The latest checkpoint must be signed by the key; then every entry bundle
//! (`/log/tile/entries/<N>[.p/<W>]`) is read in order and each entry is checked:
//!
//! - it is a well-formed event whose payload matches its signed header and whose signature
//!   verifies with `verify_strict` under its author's key (independent per entry: these run on
//!   every core, a window of tiles at a time);
//! - its author's chain continues: seq 1, 2, 3 ... in log order with no gap or repeat, each
//!   `prev` the hash of the author's previous record, the time since boot never going back
//!   within one boot, one facility per device (sequential per device, in log order);
//! - the RFC 6962 tree of all entries, computed streaming (a stack of at most 64 subtree
//!   hashes), has the checkpoint's root.
//!
//! Memory is bounded by a few windows of tiles and one small state per device, whatever the
//! length of the log: tiles are fetched by one thread into a bounded queue while the previous
//! window is verified. The first failure in log order is reported.

use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::{Duration, Instant};

use tally_events::merkle::{leaf_hash, node_hash};
use tally_events::{DeviceId, SignedEvent, Timestamp, VerifierKey, VerifyError};
use tally_events::{Language, Message};
use tally_vocab::{bilingual, display_in_english};

use crate::client::{ClientError, LedgerClient};
use crate::trust::{PinnedLog, TrustError, VerifiedCheckpoint};

/// Entries per full tile (C2SP tlog-tiles).
pub const TILE_WIDTH: u64 = 256;

/// Why a served log does not verify (the first failure in log order). Its texts, English (also
/// `Display`) and Spanish side by side, are its [`Message`].
#[derive(Debug)]
pub enum LogAuditError {
    /// The ledger could not be read.
    Client(ClientError),
    /// The checkpoint is not signed by the key, or names another log.
    Checkpoint(TrustError),
    /// The verifier key is not a note verifier key.
    Key(String),
    /// An entry bundle is not framed as the spec says or holds the wrong number of entries.
    Tile {
        /// The tile's index.
        tile: u64,
        /// What is wrong.
        reason: String,
    },
    /// An entry is not a valid signed event.
    Entry {
        /// The entry's log index.
        index: u64,
        /// What is wrong.
        reason: String,
    },
    /// An entry does not continue its author's chain.
    Chain {
        /// The entry's log index.
        index: u64,
        /// Its author.
        device: DeviceId,
        /// Its seq.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// The entries do not hash to the checkpoint's root.
    Root {
        /// The checkpoint's size.
        size: u64,
    },
}

impl From<ClientError> for LogAuditError {
    fn from(error: ClientError) -> Self {
        LogAuditError::Client(error)
    }
}

impl From<TrustError> for LogAuditError {
    fn from(error: TrustError) -> Self {
        LogAuditError::Checkpoint(error)
    }
}

impl std::error::Error for LogAuditError {
    /// A ledger that could not be read, or a checkpoint that does not verify, is said in its
    /// own words (its text is this error's English): the cause behind it is theirs.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LogAuditError::Client(error) => error.source(),
            LogAuditError::Checkpoint(error) => error.source(),
            _ => None,
        }
    }
}

display_in_english!(LogAuditError);

impl Message for LogAuditError {
    /// The reason of an entry or chain failure, and the network's own words, are given as
    /// found.
    fn message(&self, language: Language) -> String {
        match self {
            LogAuditError::Client(error) => bilingual!(language,
                en: "{error}",
                es: "no se puede leer el libro central: {error}",
            ),
            LogAuditError::Checkpoint(error) => bilingual!(language,
                en: "{error}",
                es: "el punto de control del libro central no se verifica con la clave: {error}",
            ),
            LogAuditError::Key(error) => bilingual!(language,
                en: "the key is not a ledger verifier key (name+keyid+base64key): {error}",
                es: "la clave no es una clave de verificación del libro central (nombre+id+base64): {error}",
            ),
            LogAuditError::Tile { tile, reason } => bilingual!(language,
                en: "entry tile {tile}: {reason}",
                es: "bloque de entradas {tile}: está dañado o incompleto ({reason})",
            ),
            LogAuditError::Entry { index, reason } => bilingual!(language,
                en: "log entry {index}: {reason}",
                es: "entrada {index} del registro: no es un evento firmado válido ({reason})",
            ),
            LogAuditError::Chain {
                index,
                device,
                seq,
                reason,
            } => bilingual!(language,
                en: "log entry {index} (device {device}, event {seq}): {reason}",
                es: "entrada {index} del registro (dispositivo {device}, evento {seq}): no continúa la cadena del dispositivo ({reason})",
            ),
            LogAuditError::Root { size } => bilingual!(language,
                en: "the {size} entries served do not hash to the root of the signed checkpoint: the log \
                     was altered",
                es: "las {size} entradas servidas no dan la raíz del punto de control firmado: el registro fue alterado",
            ),
        }
    }
}

/// How to verify.
#[derive(Debug, Clone)]
pub struct LogAuditOptions {
    /// Threads verifying signatures (at least 1); the default is one per core.
    pub threads: usize,
    /// Tiles verified per window (at least 1).
    pub window_tiles: usize,
}

impl Default for LogAuditOptions {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            window_tiles: 32,
        }
    }
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogAuditReport {
    /// The checkpoint verified (its size is the number of entries).
    pub checkpoint: VerifiedCheckpoint,
    /// Devices whose chains were seen.
    pub devices: u64,
    /// Entry tiles read.
    pub tiles: u64,
    /// Wall time of the whole verification.
    pub elapsed: Duration,
}

/// The tlog-tiles path of entry tile `n` (`tile/entries/x001/x234/067[.p/W]`), below `/log/`.
pub fn entry_tile_path(n: u64, width: u64) -> String {
    let mut rest = n;
    let mut encoded = format!("{:03}", rest % 1000);
    while rest >= 1000 {
        rest /= 1000;
        encoded = format!("x{:03}/{encoded}", rest % 1000);
    }
    if width == TILE_WIDTH {
        format!("tile/entries/{encoded}")
    } else {
        format!("tile/entries/{encoded}.p/{width}")
    }
}

/// The entry tiles of a tree of `size` entries: (tile index, width).
pub fn entry_tiles(size: u64) -> impl Iterator<Item = (u64, u64)> {
    let full = size / TILE_WIDTH;
    let partial = size % TILE_WIDTH;
    (0..full)
        .map(|n| (n, TILE_WIDTH))
        .chain((partial > 0).then_some((full, partial)))
}

/// Splits an entry bundle into its entries (16-bit big-endian length, then the bytes);
/// `None` if the framing is broken.
pub fn split_entry_bundle(bundle: &[u8]) -> Option<Vec<&[u8]>> {
    let mut entries = Vec::new();
    let mut rest = bundle;
    while !rest.is_empty() {
        let (len, tail) = rest.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return None;
        }
        entries.push(&tail[..len]);
        rest = &tail[len..];
    }
    Some(entries)
}

/// The root of an RFC 6962 tree built one leaf at a time: the roots of the perfect subtrees
/// of the leaves so far (at most one per height, so at most 64).
#[derive(Debug, Clone, Default)]
pub struct StreamingRoot {
    /// (height, subtree root), heights strictly decreasing.
    stack: Vec<(u32, tally_events::Sha256Hash)>,
    leaves: u64,
}

impl StreamingRoot {
    /// Adds the next leaf's hash.
    pub fn push(&mut self, leaf: tally_events::Sha256Hash) {
        let mut hash = leaf;
        let mut height = 0;
        while let Some(&(top, left)) = self.stack.last() {
            if top != height {
                break;
            }
            self.stack.pop();
            hash = node_hash(&left, &hash);
            height += 1;
        }
        self.stack.push((height, hash));
        self.leaves += 1;
    }

    /// Leaves added.
    pub fn size(&self) -> u64 {
        self.leaves
    }

    /// The tree head of the leaves so far (SHA-256 of nothing for none).
    pub fn root(&self) -> tally_events::Sha256Hash {
        let mut subtrees = self.stack.iter().rev();
        let Some(&(_, mut root)) = subtrees.next() else {
            return tally_events::Sha256Hash::of(&[]);
        };
        for (_, left) in subtrees {
            root = node_hash(left, &root);
        }
        root
    }
}

/// One entry after the independent checks (done in parallel).
struct Checked {
    leaf: tally_events::Sha256Hash,
    outcome: Result<EntryFacts, String>,
}

/// What the sequential chain check needs of an entry whose signature verified.
struct EntryFacts {
    device: DeviceId,
    seq: u64,
    prev: Option<tally_events::Sha256Hash>,
    record_hash: tally_events::Sha256Hash,
    timestamp: Timestamp,
    facility: String,
}

/// The independent checks of one entry: parse, payload hash, key, `verify_strict`.
fn check_entry(bytes: &[u8], keys: &mut HashMap<DeviceId, VerifierKey>) -> Checked {
    let leaf = leaf_hash(bytes);
    let outcome = (|| {
        let event = SignedEvent::from_bytes(bytes.to_vec())
            .map_err(|e| format!("not a well-formed event: {e}"))?;
        let device = event.device();
        let key = match keys.get(&device) {
            Some(key) => key,
            None => {
                let key = VerifierKey::new(&device)
                    .map_err(|_| "its device key is not a valid public key".to_owned())?;
                keys.entry(device).or_insert(key)
            }
        };
        event.verify_with(key).map_err(|e| match e {
            VerifyError::AlteredPayload => {
                "altered payload (its content does not match what the device signed)".to_owned()
            }
            _ => "bad signature (not signed by its device, or altered)".to_owned(),
        })?;
        Ok(EntryFacts {
            device,
            seq: event.seq(),
            prev: event.prev(),
            record_hash: event.record_hash(),
            timestamp: event.timestamp(),
            facility: event.facility().to_owned(),
        })
    })();
    Checked { leaf, outcome }
}

/// Where a device's chain stands in the log so far.
struct DeviceState {
    head_seq: u64,
    head_hash: tally_events::Sha256Hash,
    last_time: Timestamp,
    facility: String,
}

/// The sequential part: chains per device and the streaming root, entry by entry in log order.
#[derive(Default)]
struct Fold {
    root: StreamingRoot,
    devices: HashMap<DeviceId, DeviceState>,
}

impl Fold {
    fn entry(&mut self, index: u64, checked: Checked) -> Result<(), LogAuditError> {
        self.root.push(checked.leaf);
        let facts = checked
            .outcome
            .map_err(|reason| LogAuditError::Entry { index, reason })?;
        let fail = |reason: String| LogAuditError::Chain {
            index,
            device: facts.device,
            seq: facts.seq,
            reason,
        };
        match self.devices.get_mut(&facts.device) {
            None => {
                if facts.seq != 1 {
                    return Err(fail(format!(
                        "the device's first entry in the log is event {}, not its genesis (event 1)",
                        facts.seq
                    )));
                }
                self.devices.insert(
                    facts.device,
                    DeviceState {
                        head_seq: 1,
                        head_hash: facts.record_hash,
                        last_time: facts.timestamp,
                        facility: facts.facility,
                    },
                );
            }
            Some(state) => {
                let expected = state.head_seq + 1;
                if facts.seq < expected {
                    return Err(fail(format!(
                        "event {} appears twice in the log (a repeat or a fork)",
                        facts.seq
                    )));
                }
                if facts.seq > expected {
                    return Err(fail(format!(
                        "events {expected} to {} of this device are missing before it",
                        facts.seq - 1
                    )));
                }
                if facts.prev != Some(state.head_hash) {
                    return Err(fail(format!(
                        "its link to event {} does not match: the chain is broken",
                        state.head_seq
                    )));
                }
                if facts.facility != state.facility {
                    return Err(fail(format!(
                        "facility {} but the device's chain is for {}",
                        facts.facility, state.facility
                    )));
                }
                let before = state.last_time;
                if before.boot_id == facts.timestamp.boot_id
                    && facts.timestamp.since_boot_us < before.since_boot_us
                {
                    return Err(fail(format!(
                        "the time since boot went back {} µs within one boot",
                        before.since_boot_us - facts.timestamp.since_boot_us
                    )));
                }
                state.head_seq = facts.seq;
                state.head_hash = facts.record_hash;
                state.last_time = facts.timestamp;
            }
        }
        Ok(())
    }
}

/// A fetched entry tile: its index, its expected width, the bundle (or why it failed).
type Fetched = (u64, u64, Result<Vec<u8>, ClientError>);

/// Verifies one window of tiles: the independent checks on `threads` threads, then the fold in
/// log order. Returns the first failure.
fn verify_window(
    window: Vec<(u64, u64, Vec<u8>)>,
    threads: usize,
    fold: &mut Fold,
    keys: &mut [HashMap<DeviceId, VerifierKey>],
) -> Result<(), LogAuditError> {
    // Every entry of the window, with its log index, checked for framing first.
    let mut entries: Vec<(u64, &[u8])> = Vec::new();
    for (tile, width, bundle) in &window {
        let split = split_entry_bundle(bundle).ok_or_else(|| LogAuditError::Tile {
            tile: *tile,
            reason: "its entries are not framed as tlog-tiles says (cut or garbled)".into(),
        })?;
        if split.len() as u64 != *width {
            return Err(LogAuditError::Tile {
                tile: *tile,
                reason: format!("it holds {} entries, not {width}", split.len()),
            });
        }
        let first = tile * TILE_WIDTH;
        entries.extend(
            split
                .into_iter()
                .enumerate()
                .map(|(i, e)| (first + i as u64, e)),
        );
    }
    let threads = threads.clamp(1, keys.len().max(1));
    let chunk = entries.len().div_ceil(threads).max(1);
    let checked: Vec<Vec<Checked>> = if threads == 1 {
        vec![entries
            .iter()
            .map(|(_, bytes)| check_entry(bytes, &mut keys[0]))
            .collect()]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = entries
                .chunks(chunk)
                .zip(keys.iter_mut())
                .map(|(part, keys)| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(_, bytes)| check_entry(bytes, keys))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    let checked: Vec<Checked> = checked.into_iter().flatten().collect();
    if checked.len() != entries.len() {
        return Err(LogAuditError::Entry {
            index: entries.first().map_or(0, |e| e.0),
            reason: "a verification thread failed".into(),
        });
    }
    for ((index, _), checked) in entries.iter().zip(checked) {
        fold.entry(*index, checked)?;
    }
    Ok(())
}

/// Verifies every entry of the log behind `checkpoint` (already verified), reading entry tiles
/// with `fetch(tile index, width)`. `fetch` runs on its own thread, a bounded number of tiles
/// ahead of the verification.
pub fn verify_entries<F>(
    checkpoint: &VerifiedCheckpoint,
    options: &LogAuditOptions,
    fetch: F,
) -> Result<(u64, u64), LogAuditError>
where
    F: FnMut(u64, u64) -> Result<Vec<u8>, ClientError> + Send,
{
    let threads = options.threads.max(1);
    let window_tiles = options.window_tiles.max(1);
    let size = checkpoint.size;
    let mut fold = Fold::default();
    let mut keys: Vec<HashMap<DeviceId, VerifierKey>> =
        (0..threads).map(|_| HashMap::new()).collect();
    let mut tiles = 0;
    std::thread::scope(|scope| -> Result<(), LogAuditError> {
        // Two windows ahead at most: memory stays bounded however long the log is.
        let (sender, receiver) = sync_channel::<Fetched>(2 * window_tiles);
        let mut fetch = fetch;
        scope.spawn(move || {
            for (tile, width) in entry_tiles(size) {
                let fetched = fetch(tile, width);
                let failed = fetched.is_err();
                if sender.send((tile, width, fetched)).is_err() || failed {
                    break;
                }
            }
        });
        let result = verify_stream(&receiver, size, window_tiles, threads, &mut fold, &mut keys);
        // On a failure, stop the fetcher: dropping the receiver ends its next send.
        drop(receiver);
        tiles = result?;
        Ok(())
    })?;
    if fold.root.size() != size || fold.root.root() != checkpoint.root {
        return Err(LogAuditError::Root { size });
    }
    Ok((fold.devices.len() as u64, tiles))
}

fn verify_stream(
    receiver: &Receiver<Fetched>,
    size: u64,
    window_tiles: usize,
    threads: usize,
    fold: &mut Fold,
    keys: &mut [HashMap<DeviceId, VerifierKey>],
) -> Result<u64, LogAuditError> {
    let expected_tiles = entry_tiles(size).count() as u64;
    let mut tiles = 0;
    while tiles < expected_tiles {
        let mut window = Vec::with_capacity(window_tiles);
        while window.len() < window_tiles && tiles + (window.len() as u64) < expected_tiles {
            let (tile, width, fetched) = receiver.recv().map_err(|_| LogAuditError::Tile {
                tile: tiles + window.len() as u64,
                reason: "it could not be read".into(),
            })?;
            window.push((tile, width, fetched?));
        }
        tiles += window.len() as u64;
        verify_window(window, threads, fold, keys)?;
    }
    Ok(tiles)
}

/// The auditor's full verification of the log served at `client`'s ledger, with the note
/// verifier key `verifier_key` (`<name>+<keyhash>+<key>`, the name being the log's origin).
pub fn audit_served_log(
    client: &LedgerClient,
    verifier_key: &str,
    options: &LogAuditOptions,
) -> Result<LogAuditReport, LogAuditError> {
    let started = Instant::now();
    let origin = tally_events::note::NoteVerifier::parse(verifier_key)
        .map_err(|e| LogAuditError::Key(e.to_string()))?
        .name()
        .to_owned();
    let pinned = PinnedLog::new(&origin, verifier_key)?;
    let checkpoint = pinned.verify_checkpoint(&client.checkpoint()?)?;
    let (devices, tiles) = verify_entries(&checkpoint, options, |tile, width| {
        client.log_tile(&entry_tile_path(tile, width))
    })?;
    Ok(LogAuditReport {
        checkpoint,
        devices,
        tiles,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_events::merkle::root;

    #[test]
    fn tile_paths_follow_the_spec_encoding() {
        assert_eq!(entry_tile_path(0, 256), "tile/entries/000");
        assert_eq!(entry_tile_path(1234067, 256), "tile/entries/x001/x234/067");
        assert_eq!(entry_tile_path(1000, 17), "tile/entries/x001/000.p/17");
        assert_eq!(
            entry_tiles(513).collect::<Vec<_>>(),
            vec![(0, 256), (1, 256), (2, 1)]
        );
        assert_eq!(entry_tiles(512).count(), 2);
        assert_eq!(entry_tiles(0).count(), 0);
    }

    #[test]
    fn the_streaming_root_is_the_tree_head_for_every_size() {
        let entries: Vec<Vec<u8>> = (0..300u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let mut streaming = StreamingRoot::default();
        assert_eq!(streaming.root(), root::<Vec<u8>>(&[]));
        for (n, entry) in entries.iter().enumerate() {
            streaming.push(leaf_hash(entry));
            assert_eq!(streaming.root(), root(&entries[..=n]), "size {}", n + 1);
        }
        assert!(streaming.stack.len() <= 64);
    }

    #[test]
    fn bundles_with_broken_framing_are_refused() {
        let bundle = [0u8, 2, 7, 7, 0, 1, 9];
        assert_eq!(
            split_entry_bundle(&bundle).unwrap(),
            vec![&[7u8, 7][..], &[9u8][..]]
        );
        assert!(split_entry_bundle(&bundle[..6]).is_none());
        assert!(split_entry_bundle(&bundle[..1]).is_none());
        assert_eq!(split_entry_bundle(&[]).unwrap().len(), 0);
    }
}

//! Where device keys live, and how their files are written, read and locked.
//!
//! Keys live in a **key directory**, never beside the database: `$TALLY_KEY_DIR`, else
//! `$XDG_STATE_HOME/tally/keys/`, else `~/.local/state/tally/keys/` (a system install uses
//! [`SYSTEM_KEY_DIR`], `/var/lib/tally/keys/`, through `TALLY_KEY_DIR` or `--key-dir`). A key
//! file is named by its device id (`<device-id-hex>.key`), so several replicas of one user live
//! side by side; the database records its device id, so opening it finds its key. A key file
//! in the database's own directory is refused unless the caller says otherwise
//! ([`KeyOptions::allow_key_beside_database`]): a backup of that directory would carry the key
//! and a restored pair could sign old seqs again.
//!
//! The file is mode 0600, enforced on every write (a fresh temporary file created exclusively
//! with mode 0600 and `fchmod`ed, after unlinking any leftover, fsynced and renamed over the
//! key) and checked on every read (a key file other users can read is refused, with the
//! `chmod` to run). Between durable writes the head slot is rewritten in place, without an
//! fsync ([`write_head_slot`]; see `tally_events::keyfile`).
//!
//! Exactly one process signs with a key: it holds an exclusive `flock` on `<key file>.lock`
//! (a file that is never replaced, unlike the key file) for as long as it may sign. Other
//! processes (the sync daemon, `tally log export`) open the database read-only and, when they
//! need the key for something that is not an event, read it without the lock as a
//! [`tally_events::domain`] signer ([`domain_signer`]), which cannot sign events.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use tally_events::{DatabaseIdentity, DeviceId, DeviceKey, KeyFile};

use crate::error::ReplicaError;

/// The environment variable naming the key directory.
pub const KEY_DIR_ENV: &str = "TALLY_KEY_DIR";
/// The key directory of a system-wide install (documented; chosen with `TALLY_KEY_DIR`).
pub const SYSTEM_KEY_DIR: &str = "/var/lib/tally/keys";
/// Largest key file read.
const KEY_FILE_MAX_BYTES: u64 = 4_096;

/// How a replica may find its key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyOptions {
    /// Accept a key file in the same directory as the database (a test rig, a demo on a
    /// laptop). Off by default: a backup of the database's directory would carry the key.
    pub allow_key_beside_database: bool,
}

/// The key directory from an environment: `TALLY_KEY_DIR`, else `XDG_STATE_HOME/tally/keys`,
/// else `HOME/.local/state/tally/keys`; `None` when none is set. Empty values count as unset.
pub fn key_dir_from_env(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set(KEY_DIR_ENV) {
        return Some(dir);
    }
    if let Some(state) = set("XDG_STATE_HOME") {
        return Some(state.join("tally").join("keys"));
    }
    set("HOME").map(|home| home.join(".local/state/tally/keys"))
}

/// The key directory of this process's environment.
pub fn default_key_dir() -> Result<PathBuf, ReplicaError> {
    key_dir_from_env(|name| std::env::var_os(name)).ok_or_else(|| {
        ReplicaError::NotFound(format!(
            "no key directory: set {KEY_DIR_ENV} (for example {SYSTEM_KEY_DIR}) or HOME, or pass --key-dir"
        ))
    })
}

/// The key file of `device` in `dir`: `<device-id-hex>.key`.
pub fn key_path(dir: &Path, device: &DeviceId) -> PathBuf {
    dir.join(format!("{device}.key"))
}

/// Creates the key directory (mode 0700) if it does not exist.
pub fn ensure_key_dir(dir: &Path) -> Result<(), ReplicaError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| {
        ReplicaError::io(
            format!(
                "cannot create the key directory {} (choose another with --key-dir or {KEY_DIR_ENV})",
                dir.display()
            ),
            e,
        )
    })
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn canonical_dir(path: &Path) -> PathBuf {
    let dir = parent_of(path);
    fs::canonicalize(&dir).unwrap_or(dir)
}

/// Refuses a key file in the database's directory unless `options` allow it.
pub fn check_key_location(key: &Path, db: &Path, options: &KeyOptions) -> Result<(), ReplicaError> {
    if !options.allow_key_beside_database && canonical_dir(key) == canonical_dir(db) {
        return Err(ReplicaError::KeyFile(format!(
            "{} is in the same directory as the database; keep device keys in a key directory (--key-dir, {KEY_DIR_ENV}), so a backup of the database never carries the key",
            key.display()
        )));
    }
    Ok(())
}

/// The temporary file a key file is written to before it is renamed over the key.
fn temporary(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-new");
    PathBuf::from(name)
}

/// Writes a key file durably with mode 0600 and returns it open for writing (the head slot).
///
/// A leftover temporary file (a crash, or someone else's file) is unlinked first, and the new
/// one is created exclusively with mode 0600 and `fchmod`ed: nothing left behind can widen it.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<File, ReplicaError> {
    let what = || format!("cannot write the device key {}", path.display());
    let tmp = temporary(path);
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(ReplicaError::io(what(), e)),
    }
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(&tmp)
        .map_err(|e| ReplicaError::io(what(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| ReplicaError::io(what(), e))?;
    }
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(ReplicaError::io(what(), e));
    }
    sync_dir(path)?;
    Ok(file)
}

/// Rewrites the head slot of an open key file in place, without an fsync.
pub fn write_head_slot(file: &File, key_file: &KeyFile) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt as _;
        file.write_all_at(
            &key_file.encode_head_slot(),
            tally_events::keyfile::HEAD_SLOT_OFFSET as u64,
        )
    }
    #[cfg(not(unix))]
    {
        let _ = (file, key_file);
        Ok(())
    }
}

/// fsyncs the directory holding `path`, so a rename or a new file survives a power loss.
pub fn sync_dir(path: &Path) -> Result<(), ReplicaError> {
    let dir = parent_of(path);
    let handle = File::open(&dir)
        .map_err(|e| ReplicaError::io(format!("cannot open {}", dir.display()), e))?;
    handle
        .sync_all()
        .map_err(|e| ReplicaError::io(format!("cannot sync {}", dir.display()), e))
}

/// Reads a key file, refusing one that other users could read.
pub fn read_key_file(path: &Path) -> Result<KeyFile, ReplicaError> {
    let what = || format!("cannot read the device key {}", path.display());
    let mut file = File::open(path).map_err(|e| ReplicaError::io(what(), e))?;
    let meta = file.metadata().map_err(|e| ReplicaError::io(what(), e))?;
    if !meta.is_file() {
        return Err(ReplicaError::KeyFile(format!(
            "{} is not a file",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ReplicaError::KeyFile(format!(
                "{path} can be read or written by other users (mode {mode:03o}); run `chmod 600 {path}` and re-enroll the device if anyone else may have copied it",
                path = path.display()
            )));
        }
    }
    if meta.len() > KEY_FILE_MAX_BYTES {
        return Err(ReplicaError::KeyFile(format!(
            "{} is too large to be a key file",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(|e| ReplicaError::io(what(), e))?;
    KeyFile::decode(&bytes).map_err(|e| ReplicaError::KeyFile(format!("{}: {e}", path.display())))
}

/// The identity of a database file (inode number and birth time; 0 where unknown), which
/// the key file records so a database replaced by a copy is refused.
pub fn database_identity(db: &Path) -> Result<DatabaseIdentity, ReplicaError> {
    let meta = fs::metadata(db)
        .map_err(|e| ReplicaError::io(format!("cannot read the database {}", db.display()), e))?;
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt as _;
        meta.ino()
    };
    #[cfg(not(unix))]
    let inode = 0;
    let birth_ns = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| u64::try_from(d.as_nanos()).ok())
        .unwrap_or(0);
    Ok(DatabaseIdentity { inode, birth_ns })
}

/// The lock file of a key file: `<key file>.lock`, never replaced.
pub fn lock_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// The exclusive right to sign with one key, held until dropped.
#[derive(Debug)]
pub struct SigningLock {
    #[cfg(unix)]
    _lock: nix::fcntl::Flock<File>,
    #[cfg(not(unix))]
    _file: File,
}

impl SigningLock {
    /// Takes the signing lock of `key`, or refuses at once when another process holds it.
    pub fn acquire(key: &Path) -> Result<SigningLock, ReplicaError> {
        let path = lock_path(key);
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(|e| {
            ReplicaError::io(format!("cannot open the key lock {}", path.display()), e)
        })?;
        #[cfg(unix)]
        {
            use nix::fcntl::{Flock, FlockArg};
            match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                Ok(lock) => Ok(SigningLock { _lock: lock }),
                Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                    Err(ReplicaError::KeyInUse(key.display().to_string()))
                }
                Err((_, errno)) => Err(ReplicaError::io(
                    format!("cannot lock the device key {}", key.display()),
                    std::io::Error::from(errno),
                )),
            }
        }
        #[cfg(not(unix))]
        {
            Ok(SigningLock { _file: file })
        }
    }
}

/// Reads a device key without the signing lock, for signatures that are not events (an export
/// trailer, authentication to the ledger): the returned signer signs only under a domain label.
pub fn domain_signer(key: &Path) -> Result<tally_events::domain::DomainSigner, ReplicaError> {
    let file = read_key_file(key)?;
    Ok(tally_events::domain::DomainSigner::new(file.key()))
}

/// [`domain_signer`] for the key of the device a replica database records, in `key_dir`
/// (what `tally log export` or the sync daemon use while the app runs).
pub fn domain_signer_for_database(
    db: &Path,
    key_dir: &Path,
) -> Result<tally_events::domain::DomainSigner, ReplicaError> {
    let device = crate::replica::recorded_device(db)?;
    domain_signer(&key_path(key_dir, &device))
}

/// A fresh random device key.
pub(crate) fn generate() -> DeviceKey {
    DeviceKey::generate(&mut rand_core::OsRng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_directory_comes_from_the_environment_in_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(
            key_dir_from_env(env(&[
                ("TALLY_KEY_DIR", "/k"),
                ("XDG_STATE_HOME", "/s"),
                ("HOME", "/h")
            ])),
            Some(PathBuf::from("/k"))
        );
        assert_eq!(
            key_dir_from_env(env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")])),
            Some(PathBuf::from("/s/tally/keys"))
        );
        assert_eq!(
            key_dir_from_env(env(&[("TALLY_KEY_DIR", ""), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.local/state/tally/keys"))
        );
        assert_eq!(key_dir_from_env(env(&[])), None);
    }
}

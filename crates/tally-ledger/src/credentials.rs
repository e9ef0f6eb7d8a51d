//! Operator credentials: how admin and supervisor calls are authenticated, never by a device
//! key.
//!
//! **The creator's admin credential.** Every OS user that works with ledgers has one admin key
//! file, `$XDG_CONFIG_HOME/tally-ledger/admin.key` (else `~/.config/tally-ledger/admin.key`;
//! `TALLY_LEDGER_ADMIN_KEY` names another file), created on first need with mode 0600 in a
//! directory of mode 0700, holding an ed25519 seed:
//!
//! ```text
//! tally-ledger-admin-key-v1 <64 hex digits>
//! ```
//!
//! When `tally-ledger` creates a ledger database (`init`, or the first `serve`/`enroll-token`),
//! it registers that key's public half in the database's `operators` table as an admin
//! credential named after the OS user. The CLI and `loadgen` then need no set-up; another
//! operator is added with `tally-ledger operator add`. A key file readable by group or others
//! is refused (like ssh does), and so is a key file in the same directory as a SQLite ledger
//! database.
//!
//! **Operator requests** carry `Tally-Operator` (the public key, hex) instead of
//! `Tally-Device`, with the same `Tally-Timestamp`, `Tally-Body-SHA256` and `Tally-Signature`
//! headers and message as device requests (`crate::auth`), signed under another domain label,
//! [`OPERATOR_LABEL`]: a device's request signature never passes for an operator's, nor the
//! other way round. Operator calls are idempotent or create fresh values (tokens), so the
//! timestamp is only logged, as for devices.

use std::io::Write;
use std::path::{Path, PathBuf};

use tally_events::domain::{DomainError, DomainSigner};
use tally_events::DeviceKey;
use thiserror::Error;

use crate::auth::{verify_signed, Scheme, SignedParts};
use crate::error::Refusal;
use crate::ops_store::{OperatorRole, OperatorRow};

pub use crate::auth::{HEADER_OPERATOR, OPERATOR_LABEL};
/// The first word of an admin key file.
const KEY_FILE_TAG: &str = "tally-ledger-admin-key-v1";
/// The environment variable naming another admin key file.
pub const KEY_FILE_ENV: &str = "TALLY_LEDGER_ADMIN_KEY";

/// What went wrong with an admin key file.
#[derive(Debug, Error)]
pub enum CredentialError {
    /// Neither `$XDG_CONFIG_HOME` nor `$HOME` is set.
    #[error("cannot find the admin key file: set HOME, XDG_CONFIG_HOME or {KEY_FILE_ENV}")]
    NoHome,
    /// The file could not be read or written.
    #[error("admin key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is readable by others.
    #[error(
        "admin key file {0} is readable by other users: make it private (chmod 600) or remove it"
    )]
    NotPrivate(PathBuf),
    /// The file does not hold a key.
    #[error("admin key file {0} does not hold a tally-ledger admin key")]
    Malformed(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CredentialError + '_ {
    move |source| CredentialError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Where this OS user's admin key file is.
pub fn admin_key_path() -> Result<PathBuf, CredentialError> {
    if let Some(path) = std::env::var_os(KEY_FILE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let config = match std::env::var_os("XDG_CONFIG_HOME").filter(|p| !p.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME")
                .filter(|p| !p.is_empty())
                .ok_or(CredentialError::NoHome)?;
            PathBuf::from(home).join(".config")
        }
    };
    Ok(config.join("tally-ledger").join("admin.key"))
}

/// The OS user's name, for the credential's name.
pub fn os_user_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "creator".into())
}

fn parse_key_file(path: &Path, text: &str) -> Result<DeviceKey, CredentialError> {
    let malformed = || CredentialError::Malformed(path.to_owned());
    let mut words = text.split_whitespace();
    if words.next() != Some(KEY_FILE_TAG) {
        return Err(malformed());
    }
    let seed: [u8; 32] = words
        .next()
        .and_then(|h| hex::decode(h).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    if words.next().is_some() {
        return Err(malformed());
    }
    Ok(DeviceKey::from_seed(seed))
}

/// Reads the admin key at `path`.
pub fn read_admin_key(path: &Path) -> Result<DeviceKey, CredentialError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(io(path))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(CredentialError::NotPrivate(path.to_owned()));
        }
    }
    parse_key_file(path, &text)
}

/// Reads the admin key at `path`, creating it (mode 0600, its directory 0700) if it does not
/// exist. Two processes creating it at once end with one key: the file is created exclusively
/// and the loser reads the winner's.
pub fn load_or_create_admin_key(path: &Path) -> Result<DeviceKey, CredentialError> {
    if path.exists() {
        return read_admin_key(path);
    }
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(io(dir))?;
        }
    }
    let key = DeviceKey::generate(&mut rand::rngs::OsRng);
    // Written whole to a private temporary file, then linked into place: the link fails if
    // another process got there first, and nobody ever reads a half-written key file.
    let mut raw = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
    let tmp = path.with_extension(format!("{}.tmp", hex::encode(raw)));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let line = format!("{KEY_FILE_TAG} {}\n", hex::encode(key.seed()));
    let written = options.open(&tmp).and_then(|mut file| {
        file.write_all(line.as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_admin_key(path),
        Err(e) => Err(io(path)(e)),
    }
}

/// The operator credential row of `key` as the creator's admin.
pub fn creator_row(key: &DeviceKey) -> OperatorRow {
    OperatorRow {
        key: key.device_id().0,
        name: os_user_name(),
        role: OperatorRole::Admin,
        revoked_unix_ms: None,
    }
}

/// The headers of an operator request (name, value), signed with `key`.
pub fn sign_operator_request(
    key: &DeviceKey,
    origin: &str,
    method: &str,
    path: &str,
    timestamp_ms: i64,
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, DomainError> {
    let signer = DomainSigner::new(DeviceKey::from_seed(key.seed()));
    tally_ledger_client::request::sign_operator_request(
        &signer,
        origin,
        method,
        path,
        timestamp_ms,
        body,
    )
}

/// An operator request's headers as received.
#[derive(Debug, Clone, Default)]
pub struct OperatorHeaders {
    /// `Tally-Operator`.
    pub operator: Option<String>,
    /// `Tally-Timestamp`.
    pub timestamp: Option<String>,
    /// `Tally-Body-SHA256`.
    pub body_sha256: Option<String>,
    /// `Tally-Signature`.
    pub signature: Option<String>,
}

/// Checks an operator request ([`verify_signed`] as [`Scheme::Operator`]); returns the
/// operator key. Whether the key is a registered operator, and its role, is the caller's
/// check.
pub fn authenticate_operator(
    headers: &OperatorHeaders,
    origin: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<[u8; 32], Refusal> {
    let parts = SignedParts {
        key: headers.operator.as_deref(),
        timestamp: headers.timestamp.as_deref(),
        body_sha256: headers.body_sha256.as_deref(),
        signature: headers.signature.as_deref(),
    };
    verify_signed(Scheme::Operator, &parts, origin, method, path, body).map(|s| s.key.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{
        authenticate, sign_request, RequestHeaders, HEADER_BODY_SHA256, HEADER_DEVICE,
        HEADER_SIGNATURE, HEADER_TIMESTAMP,
    };

    fn get(pairs: &[(&'static str, String)], name: &str) -> Option<String> {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }

    fn operator_headers(pairs: &[(&'static str, String)]) -> OperatorHeaders {
        OperatorHeaders {
            operator: get(pairs, HEADER_OPERATOR),
            timestamp: get(pairs, HEADER_TIMESTAMP),
            body_sha256: get(pairs, HEADER_BODY_SHA256),
            signature: get(pairs, HEADER_SIGNATURE),
        }
    }

    #[test]
    fn an_operator_request_verifies_and_every_change_is_refused() {
        let key = DeviceKey::from_seed([4; 32]);
        let pairs =
            sign_operator_request(&key, "o", "POST", "/v1/admin/enroll-token", 5, b"{}").unwrap();
        let headers = operator_headers(&pairs);
        assert_eq!(
            authenticate_operator(&headers, "o", "POST", "/v1/admin/enroll-token", b"{}"),
            Ok(key.device_id().0)
        );
        for (origin, method, path) in [
            ("other", "POST", "/v1/admin/enroll-token"),
            ("o", "GET", "/v1/admin/enroll-token"),
            ("o", "POST", "/v1/admin/other"),
        ] {
            assert!(matches!(
                authenticate_operator(&headers, origin, method, path, b"{}"),
                Err(Refusal::Unauthenticated { .. })
            ));
        }
        assert_eq!(
            authenticate_operator(&headers, "o", "POST", "/v1/admin/enroll-token", b"{ }"),
            Err(Refusal::GarbledUpload)
        );
    }

    #[test]
    fn a_device_request_signature_never_passes_for_an_operators_nor_the_reverse() {
        let key = DeviceKey::from_seed([6; 32]);
        let signer = DomainSigner::new(DeviceKey::from_seed(key.seed()));
        let device_pairs = sign_request(&signer, "o", "GET", "/p", 9, b"").unwrap();
        let mut as_operator = operator_headers(&device_pairs);
        as_operator.operator = get(&device_pairs, HEADER_DEVICE);
        assert!(matches!(
            authenticate_operator(&as_operator, "o", "GET", "/p", b""),
            Err(Refusal::Unauthenticated { .. })
        ));
        let operator_pairs = sign_operator_request(&key, "o", "GET", "/p", 9, b"").unwrap();
        let as_device = RequestHeaders {
            device: get(&operator_pairs, HEADER_OPERATOR),
            timestamp: get(&operator_pairs, HEADER_TIMESTAMP),
            body_sha256: get(&operator_pairs, HEADER_BODY_SHA256),
            signature: get(&operator_pairs, HEADER_SIGNATURE),
        };
        assert!(matches!(
            authenticate(&as_device, "o", "GET", "/p", b""),
            Err(Refusal::Unauthenticated { .. })
        ));
    }

    #[test]
    fn processes_creating_the_admin_key_at_once_all_get_the_one_key() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("cfg").join("admin.key");
            let seeds: Vec<[u8; 32]> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8)
                    .map(|_| scope.spawn(|| load_or_create_admin_key(&path).unwrap().seed()))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(seeds.iter().all(|s| *s == seeds[0]));
            assert_eq!(read_admin_key(&path).unwrap().seed(), seeds[0]);
            assert_eq!(
                std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
                1
            );
        }
    }

    #[test]
    fn the_admin_key_file_is_created_private_once_and_refused_when_readable_by_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join("config")
            .join("tally-ledger")
            .join("admin.key");
        let key = load_or_create_admin_key(&path).unwrap();
        assert_eq!(load_or_create_admin_key(&path).unwrap().seed(), key.seed());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dir_mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dir_mode & 0o777, 0o700);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                load_or_create_admin_key(&path),
                Err(CredentialError::NotPrivate(_))
            ));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&path, "tally-ledger-admin-key-v1 abcd\n").unwrap();
        assert!(matches!(
            read_admin_key(&path),
            Err(CredentialError::Malformed(_))
        ));
    }
}

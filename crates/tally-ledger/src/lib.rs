//! `tally-ledger`: the central ledger. It enrolls devices, verifies and stores every record
//! they push exactly as signed, appends each accepted record to a transparency log that follows
//! the public C2SP specifications (RFC 6962 hashing, tlog-checkpoint signed as a signed-note,
//! the tlog-tiles read API) and serves receipts, proofs and tiles over HTTP.
//!
//! - [`tlog`]: the Merkle tree, proofs, checkpoints and tile paths (pure, no I/O).
//! - [`store`]: the storage trait and its SQLite and PostgreSQL backends.
//! - [`ledger`]: enrollment, ingest, checkpoints, receipts, proofs and tiles.
//! - [`precheck`]: an upload's signatures checked on every core before the ingest lock.
//! - [`auth`]: the signed request header devices authenticate with.
//! - [`credentials`]: operator (admin, supervisor) credentials and the creator's admin key.
//! - [`ops_store`]: operator credentials and users, kept beside the log.
//! - [`dock_store`]: each device's last push, reported backlog and refusal (the dock view).
//! - [`pins`]: users managed at the ledger and their PIN verifiers, for devices.
//! - [`demo`]: the demo facility seeded at the ledger (`tally-ledger demo seed`).
//! - [`qr`]: an enrollment token drawn as a QR code.
//! - [`tls`]: TLS (rustls) for `serve --tls-cert --tls-key`.
//! - [`metrics`]: Prometheus metrics (`/metrics`).
//! - [`loadgen`]: simulated devices pushing to a running ledger (`tally-ledger loadgen`).
//! - [`master_data`]: who may record master data (admin events).
//! - [`audit`]: verification of everything from storage (`tally-ledger verify`).
//! - [`export`]: the export stream (`tally-ledger export`).
//! - [`projection`]: supervisor and auditor projections, folded behind ingest.
//! - [`supervisor`]: supervisor sessions opened on an enrolled device (badge and PIN).
//! - [`custody`]: a UID's chain of custody and its offline bundle (`tally-ledger custody`).
//! - [`replica`]: the replica service (each facility's ordered deltas and snapshots).
//! - [`api`] and [`server`]: the versioned JSON API and the tlog-tiles routes (axum).
//! - [`error`]: refusals (English and Spanish) and errors.
//!
//! docs/LEDGER.md describes the whole; docs/openapi.yaml the HTTP API.

#![deny(missing_docs)]
// No unwrap on data from outside: the library returns errors; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod audit;
pub mod auth;
pub mod commit_signal;
pub mod credentials;
pub mod custody;
pub mod demo;
pub mod dock_store;
pub mod error;
pub mod export;
pub mod ledger;
pub mod loadgen;
pub mod master_data;
pub mod metrics;
pub mod ops_store;
pub mod pins;
pub mod precheck;
pub mod projection;
pub mod qr;
pub mod replica;
pub mod server;
pub mod store;
pub mod stream_store;
pub mod supervisor;
pub mod tlog;
pub mod tls;

use std::path::Path;

pub use error::{LedgerError, Refusal};
pub use ledger::{now_unix_ms, DeviceSummary, Enrollment, IngestOutcome, Ledger, Receipt};
pub use store::{PgStore, SqliteStore, Store, StoreError};

/// The origin a ledger gets when none is given at creation.
pub fn default_origin() -> String {
    let mut raw = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
    format!("tally-ledger.invalid/{}", hex::encode(raw))
}

/// Creates a new SQLite ledger at `path` with `origin`; its signing key is generated here and
/// fixed for the life of the database.
pub fn create_sqlite(path: &Path, origin: &str) -> Result<Ledger<SqliteStore>, LedgerError> {
    let (signer, signer_key) = tlog::LogSigner::generate(origin)?;
    let meta = store::LogMeta {
        origin: origin.to_owned(),
        signer_key,
        verifier_key: signer.verifier_key().to_owned(),
    };
    let store = SqliteStore::create(path, &meta, now_unix_ms())?;
    let mut ledger = Ledger::new(store)?;
    ledger.publish_checkpoint()?;
    Ok(ledger)
}

/// Opens an existing SQLite ledger.
pub fn open_sqlite(path: &Path) -> Result<Ledger<SqliteStore>, LedgerError> {
    Ledger::new(SqliteStore::open(path)?)
}

/// Creates a new ledger in the (empty) PostgreSQL database at `url` with `origin`.
pub fn create_postgres(url: &str, origin: &str) -> Result<Ledger<PgStore>, LedgerError> {
    let (signer, signer_key) = tlog::LogSigner::generate(origin)?;
    let meta = store::LogMeta {
        origin: origin.to_owned(),
        signer_key,
        verifier_key: signer.verifier_key().to_owned(),
    };
    let store = PgStore::create(url, &meta, now_unix_ms())?;
    let mut ledger = Ledger::new(store)?;
    ledger.publish_checkpoint()?;
    Ok(ledger)
}

/// Opens the ledger in the PostgreSQL database at `url`.
pub fn open_postgres(url: &str) -> Result<Ledger<PgStore>, LedgerError> {
    Ledger::new(PgStore::open(url)?)
}

/// Opens the ledger at `url`, creating it with a default origin on first use.
pub fn open_or_create_postgres(url: &str) -> Result<Ledger<PgStore>, LedgerError> {
    if PgStore::exists(url)? {
        open_postgres(url)
    } else {
        let origin = default_origin();
        tracing::info!(%origin, "creating a new ledger in PostgreSQL");
        create_postgres(url, &origin)
    }
}

/// Opens the SQLite ledger at `path`, creating it with a default origin on first use.
pub fn open_or_create_sqlite(path: &Path) -> Result<Ledger<SqliteStore>, LedgerError> {
    if SqliteStore::exists(path) {
        open_sqlite(path)
    } else {
        let origin = default_origin();
        tracing::info!(path = %path.display(), %origin, "creating a new ledger database");
        create_sqlite(path, &origin)
    }
}

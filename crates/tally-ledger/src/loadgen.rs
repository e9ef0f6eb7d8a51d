//! `tally-ledger loadgen --ledger URL --devices N --events M`: N simulated devices push M
//! events each to a running ledger over HTTP, and the raw signature verification rate of the
//! same records is measured in the same run, so the ingest rate can be read against what the
//! machine can verify at all.
//!
//! It needs no set-up: enrollment tokens come from `POST /v1/admin/enroll-token`, signed with
//! the admin key file of the OS user running it (`crate::credentials`), which a ledger created
//! by that user holds as an admin credential. Every device has a fresh key and a real chain
//! (genesis, then sign-outs), all signed before the clock starts; each pushes from its own
//! thread in batches, through [`tally_ledger_client::LedgerClient`], the client `tallyd` uses.

use std::time::{Duration, Instant};

use tally_events::domain::DomainSigner;
use tally_events::payload::{DeviceEnrolled, UserSignedOut};
use tally_events::{
    ChainWriter, DeviceKey, ManualClock, Payload, Sha256Hash, SignedEvent, Timestamp,
};
use tally_ledger_client::{ClientError, ClientOptions, LedgerClient};
use thiserror::Error;

/// Why a run failed.
#[derive(Debug, Error)]
pub enum LoadError {
    /// A call to the ledger failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A simulated device's chain could not be signed.
    #[error("cannot sign a simulated device's chain: {0}")]
    Signing(#[from] tally_events::Error),
    /// The ledger refused a record of a push.
    #[error("the ledger refused record {seq} of a simulated device: {message} [{code}]")]
    Refused {
        /// The record's seq.
        seq: u64,
        /// The refusal's code.
        code: String,
        /// Its English message.
        message: String,
    },
    /// A pushing thread panicked.
    #[error("a pushing thread failed")]
    Thread,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Devices.
    pub devices: usize,
    /// Events pushed in all.
    pub events: u64,
    /// Wall time of the pushes (enrollment excluded).
    pub elapsed: Duration,
    /// `verify_strict` of the same records on every core, events per second.
    pub raw_verify_per_s: f64,
    /// Cores used for the raw rate.
    pub cores: usize,
}

impl LoadReport {
    /// Events accepted per second.
    pub fn events_per_s(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A device's chain of `events` records (genesis, then sign-outs).
pub fn device_chain(
    key: &DeviceKey,
    facility: &str,
    events: usize,
) -> Result<Vec<SignedEvent>, tally_events::Error> {
    let clock = ManualClock::new(Timestamp {
        wall_unix_ms: crate::now_unix_ms(),
        boot_id: key.device_id().0[..16].try_into().unwrap_or([0; 16]),
        since_boot_us: 1_000_000,
    });
    let (mut writer, genesis) = ChainWriter::genesis(
        DeviceKey::from_seed(key.seed()),
        &clock,
        "",
        DeviceEnrolled {
            facility: facility.to_owned(),
            hardware_serial: "tally-ledger-loadgen".into(),
            enrollment_token_sha256: Sha256Hash::of(b"loadgen"),
            previous_device: None,
        },
    )?;
    let mut chain = Vec::with_capacity(events);
    chain.push(genesis);
    for i in 1..events {
        clock.advance_ms(10);
        chain.push(writer.append(
            &clock,
            "LOADGEN",
            Payload::UserSignedOut(UserSignedOut {
                badge: format!("L{i}"),
            }),
        )?);
    }
    Ok(chain)
}

/// Verifies every record on every core; events per second and the cores used.
pub fn raw_verify_rate(chains: &[Vec<SignedEvent>]) -> (f64, usize) {
    let all: Vec<&SignedEvent> = chains.iter().flatten().collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = all.len().div_ceil(cores).max(1);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for part in all.chunks(chunk) {
            scope.spawn(move || {
                for event in part {
                    // Every record was just signed: a failure here is a bug, counted as work.
                    let _ = event.verify();
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    (all.len() as f64 / seconds, cores)
}

/// Runs the load: enrolls `devices` devices of `facility` at `ledger` with tokens made by
/// `admin`, then pushes `events` events from each, `batch` per request.
pub fn run(
    ledger: &str,
    admin: &DeviceKey,
    facility: &str,
    devices: usize,
    events: usize,
    batch: usize,
) -> Result<LoadReport, LoadError> {
    let keys: Vec<DeviceKey> = (0..devices)
        .map(|_| DeviceKey::generate(&mut rand::rngs::OsRng))
        .collect();
    let chains: Vec<Vec<SignedEvent>> = keys
        .iter()
        .map(|key| device_chain(key, facility, events))
        .collect::<Result<_, _>>()?;
    let (raw_verify_per_s, cores) = raw_verify_rate(&chains);
    let options = ClientOptions {
        timeout: Duration::from_secs(120),
        ..ClientOptions::default()
    };
    let client = LedgerClient::new(ledger, &options)?;
    let origin = client.info()?.origin;
    let operator = DomainSigner::new(DeviceKey::from_seed(admin.seed()));
    let mut signers = Vec::with_capacity(devices);
    for (i, key) in keys.iter().enumerate() {
        let token =
            client.admin_enroll_token(&operator, &origin, facility, &format!("loadgen-{i}"))?;
        let signer = DomainSigner::new(DeviceKey::from_seed(key.seed()));
        client.enroll(&signer, &origin, &token)?;
        signers.push(signer);
    }
    let batch = batch.max(1);
    let started = Instant::now();
    let results: Vec<Result<u64, LoadError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = signers
            .iter()
            .zip(&chains)
            .map(|(signer, chain)| {
                let (client, origin) = (&client, &origin);
                scope.spawn(move || {
                    let mut pushed = 0;
                    for part in chain.chunks(batch) {
                        let records: Vec<Vec<u8>> =
                            part.iter().map(|e| e.as_bytes().to_vec()).collect();
                        let answer = client.push(signer, origin, &records)?;
                        pushed += answer.receipts.len() as u64;
                        if let Some(refused) = answer.refused {
                            return Err(LoadError::Refused {
                                seq: refused.seq.unwrap_or_default(),
                                code: refused.error,
                                message: refused.message,
                            });
                        }
                    }
                    Ok(pushed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(LoadError::Thread)))
            .collect()
    });
    let elapsed = started.elapsed();
    let mut pushed = 0;
    for result in results {
        pushed += result?;
    }
    Ok(LoadReport {
        devices,
        events: pushed,
        elapsed,
        raw_verify_per_s,
        cores,
    })
}

//! `tally-ledger demo seed`: the demo facility at the ledger, so devices can bootstrap from it.
//!
//! The facility's definition is tally_replica's (`tally_replica::seed`): the same master data
//! a device records with `tally demo`. Master data reaches the ledger only as signed admin
//! events, so the seed does what a first device at a new site does: a seed device (a fresh key,
//! its replica in a temporary directory that is removed afterwards) is enrolled with a token as
//! the facility's first device, records the facility through tally-replica (signed admin
//! events by the demo admin badge), and its chain is ingested like any push. The demo users are
//! added at the ledger with their PIN verifiers (outside the log), for devices to pull.

use tally_events::payload::DeviceEnrolled;
use tally_events::payload::Role;
use tally_events::pin::PinParams;
use tally_events::{DeviceId, Sha256Hash};
use tally_replica::seed;
use tally_replica::Replica;

use crate::error::LedgerError;
use crate::ledger::Ledger;
use crate::pins::{add_user, NewUser, UserError};
use crate::store::Store;

/// Records pushed per ingest call.
const BATCH: usize = 1_000;

/// What the seed made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    /// The demo facility id.
    pub facility: String,
    /// Events ingested.
    pub events: u64,
    /// The seed device.
    pub device: DeviceId,
    /// Users added at the ledger.
    pub users: usize,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The facility already has devices: it is seeded (or in use).
    #[error("facility {0} already has enrolled devices: the demo is seeded already")]
    AlreadySeeded(String),
    /// The seed device could not record the facility.
    #[error("the seed device failed: {0}")]
    Replica(#[from] tally_replica::ReplicaError),
    /// The ledger refused or failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A demo user could not be added.
    #[error(transparent)]
    User(#[from] UserError),
    /// The temporary directory could not be made.
    #[error("cannot make a temporary directory for the seed device: {0}")]
    Io(#[from] std::io::Error),
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Operator => "operator",
        Role::Supervisor => "supervisor",
        Role::Admin => "admin",
        Role::Auditor => "auditor",
    }
}

/// Seeds the demo facility with `packages` packages (deterministic from `data_seed`); PIN
/// verifiers use `pin_params`.
pub fn seed<S: Store>(
    ledger: &mut Ledger<S>,
    packages: usize,
    data_seed: u64,
    pin_params: &PinParams,
) -> Result<SeedSummary, SeedError> {
    let facility = seed::FACILITY;
    if ledger
        .store()
        .devices()
        .map_err(LedgerError::from)?
        .iter()
        .any(|d| d.facility == facility)
    {
        return Err(SeedError::AlreadySeeded(facility.to_owned()));
    }
    let dir = tempfile::tempdir()?;
    let key_dir = tempfile::tempdir()?;
    let token = ledger.create_token(facility, "demo-seed")?;
    let mut replica = Replica::init(
        &dir.path().join("seed.db"),
        &key_dir.path().join("seed.key"),
        Box::new(tally_replica::clock::SystemClock::new()),
        DeviceEnrolled {
            facility: facility.to_owned(),
            hardware_serial: "tally-ledger-demo-seed".into(),
            enrollment_token_sha256: Sha256Hash::of(token.as_bytes()),
            previous_device: None,
        },
    )?;
    let device = replica.device();
    ledger.enroll(&token, &device)?;
    seed::demo_with_pin_params(&mut replica, packages, data_seed, pin_params)?;
    let mut records = Vec::new();
    {
        let mut stmt = replica
            .view()
            .prepare("SELECT bytes FROM event_log ORDER BY seq")
            .map_err(tally_replica::ReplicaError::from)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .map_err(tally_replica::ReplicaError::from)?;
        for row in rows {
            records.push(row.map_err(tally_replica::ReplicaError::from)?);
        }
    }
    let mut events = 0;
    for batch in records.chunks(BATCH) {
        let outcome = ledger.ingest(&device, batch)?;
        if let Some((_, refusal)) = outcome.refused {
            return Err(LedgerError::Refused(refusal).into());
        }
        events += outcome.receipts.len() as u64;
    }
    replica.close()?;
    let mut users = 0;
    for (badge, name, role, pin) in seed::USERS {
        let user = NewUser {
            facility,
            badge,
            name,
            role: role_name(*role),
            pin,
        };
        match add_user(ledger.store(), &user, pin_params, crate::now_unix_ms()) {
            Ok(()) => users += 1,
            Err(UserError::Exists { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    tracing::info!(%facility, events, %device, users, "demo facility seeded");
    Ok(SeedSummary {
        facility: facility.to_owned(),
        events,
        device,
        users,
    })
}

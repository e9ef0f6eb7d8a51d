//! `tally replica`: create and inspect a device's offline replica.
//!
//! `tally replica init --db PATH` enrolls a new device (a new key file, mode 0600, beside the
//! database unless `--key` says where) and writes its genesis event; `tally replica stats --db
//! PATH` prints what the replica holds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use tally_events::payload::DeviceEnrolled;
use tally_events::Sha256Hash;
use tally_replica::clock::SystemClock;
use tally_replica::Replica;

/// Arguments of `tally replica`.
#[derive(Debug, clap::Args)]
pub struct ReplicaArgs {
    #[command(subcommand)]
    pub command: ReplicaCommand,
}

/// Subcommands of `tally replica`.
#[derive(Debug, clap::Subcommand)]
pub enum ReplicaCommand {
    /// Create a new replica and enroll this device (new key, genesis event).
    Init(InitArgs),
    /// Print what a replica holds.
    Stats(StatsArgs),
}

/// Arguments of `tally replica init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The replica database to create.
    #[arg(long)]
    pub db: PathBuf,
    /// The device key file to create (default: the database path with `.key` appended).
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Facility (licence) id the device is enrolled at.
    #[arg(long, default_value = tally_replica::seed::FACILITY)]
    pub facility: String,
    /// Hardware serial number of the handheld.
    #[arg(long, default_value = "UNKNOWN")]
    pub serial: String,
    /// The one-time enrollment token a supervisor issued (only its SHA-256 is recorded).
    #[arg(long, default_value = "")]
    pub token: String,
}

/// Arguments of `tally replica stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The replica database.
    #[arg(long)]
    pub db: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The key path used when `--key` is not given.
pub fn default_key(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Creates and enrolls a replica.
pub fn init(
    db: &Path,
    key: &Path,
    facility: &str,
    serial: &str,
    token: &str,
) -> anyhow::Result<Replica> {
    if facility.trim().is_empty() || facility.len() > 64 || serial.len() > 64 {
        anyhow::bail!("the facility id and serial must be 1 to 64 characters");
    }
    let replica = Replica::init(
        db,
        key,
        Box::new(SystemClock::new()),
        DeviceEnrolled {
            facility: facility.trim().to_owned(),
            hardware_serial: serial.to_owned(),
            enrollment_token_sha256: Sha256Hash::of(token.as_bytes()),
            previous_device: None,
        },
    )
    .with_context(|| format!("cannot create the replica {}", db.display()))?;
    Ok(replica)
}

/// Runs `tally replica`.
pub fn run(args: ReplicaArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ReplicaCommand::Init(args) => {
            let key = args.key.clone().unwrap_or_else(|| default_key(&args.db));
            let replica = init(&args.db, &key, &args.facility, &args.serial, &args.token)?;
            println!("replica   {}", args.db.display());
            println!("key file  {}", key.display());
            println!("device    {}", replica.device());
            Ok(ExitCode::SUCCESS)
        }
        ReplicaCommand::Stats(args) => {
            let conn = tally_replica::db::open_read_only(&args.db)
                .with_context(|| format!("cannot open the replica {}", args.db.display()))?;
            let s = tally_replica::stats::stats(&conn)?;
            if args.json {
                let packages: serde_json::Map<String, serde_json::Value> = s
                    .packages
                    .iter()
                    .map(|(k, v)| (k.clone(), (*v).into()))
                    .collect();
                let value = serde_json::json!({
                    "schema_version": s.schema_version,
                    "events": s.events,
                    "unacknowledged": s.unacknowledged,
                    "remote_events": s.remote_events,
                    "locations": s.locations,
                    "items": s.items,
                    "batches": s.batches,
                    "packages": packages,
                    "inbound_manifests": s.inbound_manifests,
                    "outbound_manifests": s.outbound_manifests,
                    "pick_lists": s.pick_lists,
                    "count_tasks": s.count_tasks,
                    "users": s.users,
                    "conflicts": s.conflicts,
                    "held_deltas": s.held_deltas,
                    "forks": s.forks,
                });
                println!("{value}");
            } else {
                println!("schema version      {}", s.schema_version);
                println!(
                    "events (own log)    {} ({} not yet acknowledged)",
                    s.events, s.unacknowledged
                );
                println!("events (ledger)     {}", s.remote_events);
                println!("locations           {}", s.locations);
                println!("items               {}", s.items);
                println!("batches             {}", s.batches);
                let total: i64 = s.packages.iter().map(|(_, n)| n).sum();
                println!("packages            {total}");
                for (status, n) in &s.packages {
                    println!("  {status:<17} {n}");
                }
                println!("inbound manifests   {}", s.inbound_manifests);
                println!("outbound manifests  {}", s.outbound_manifests);
                println!("pick lists          {}", s.pick_lists);
                println!("count tasks         {}", s.count_tasks);
                println!("users               {}", s.users);
                println!("conflicts           {}", s.conflicts);
                println!("held deltas         {}", s.held_deltas);
                println!("forks of this device {}", s.forks);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! `tally replica`: create and inspect a device's offline replica, and re-enroll a device.
//!
//! `tally replica init --db PATH` enrolls a new device: a new key file, mode 0600, named by its
//! device id in the key directory (`--key-dir`, else `$TALLY_KEY_DIR`, else
//! `$XDG_STATE_HOME/tally/keys`, else `~/.local/state/tally/keys`; nothing is written beside
//! the database), and its genesis event. `tally replica re-enroll --db PATH` gives a device
//! whose database was restored (or whose key was lost) a new key and a new chain, keeping the
//! old chain's events for a supervisor (`tally replica superseded --db PATH`). `tally replica
//! stats --db PATH` prints what the replica holds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use tally_events::payload::DeviceEnrolled;
use tally_events::Sha256Hash;
use tally_replica::clock::SystemClock;
use tally_replica::keys::KeyOptions;
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
    /// Give a device whose database was restored from a backup (or whose key was lost) a new
    /// key and a new chain; the old chain's events are kept and flagged for a supervisor.
    ReEnroll(ReEnrollArgs),
    /// List the events of a device's earlier chains that the ledger never acknowledged (kept
    /// at re-enrollment, for a supervisor to review).
    Superseded(SupersededArgs),
}

/// Where the device key lives (shared by the commands that create or use one).
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// The key directory (default: $TALLY_KEY_DIR, else $XDG_STATE_HOME/tally/keys, else
    /// ~/.local/state/tally/keys; system installs use /var/lib/tally/keys). Key files are
    /// named by device id.
    #[arg(long, value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
    /// Accept a key file in the database's own directory (a backup of that directory would
    /// then carry the key: only for throwaway demos and test rigs).
    #[arg(long)]
    pub allow_key_beside_db: bool,
}

impl KeyArgs {
    /// The key directory to use.
    pub fn key_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.key_dir {
            Some(dir) => Ok(dir.clone()),
            None => Ok(tally_replica::keys::default_key_dir()?),
        }
    }

    /// The library options.
    pub fn options(&self) -> KeyOptions {
        KeyOptions {
            allow_key_beside_database: self.allow_key_beside_db,
        }
    }
}

/// Arguments of `tally replica re-enroll`.
#[derive(Debug, clap::Args)]
pub struct ReEnrollArgs {
    /// The replica database of the device.
    #[arg(long)]
    pub db: PathBuf,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Hardware serial number of the handheld.
    #[arg(long, default_value = "UNKNOWN")]
    pub serial: String,
    /// The one-time enrollment token a supervisor issued (only its SHA-256 is recorded).
    #[arg(long, default_value = "")]
    pub token: String,
}

/// Arguments of `tally replica superseded`.
#[derive(Debug, clap::Args)]
pub struct SupersededArgs {
    /// The replica database.
    #[arg(long)]
    pub db: PathBuf,
    /// Also list the events the ledger had acknowledged.
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `tally replica init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The replica database to create.
    #[arg(long)]
    pub db: PathBuf,
    /// The device key file to create, instead of `<device-id>.key` in the key directory.
    #[arg(long, conflicts_with = "key_dir")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub keys: KeyArgs,
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

/// Where a new device's key goes: an explicit file, or a key directory.
#[derive(Debug, Clone)]
pub enum KeyLocation {
    /// This file.
    File(PathBuf),
    /// `<device-id>.key` in this directory.
    Dir(PathBuf),
}

impl KeyLocation {
    /// From `--key` and the key directory arguments.
    pub fn from_args(key: Option<&Path>, keys: &KeyArgs) -> anyhow::Result<KeyLocation> {
        Ok(match key {
            Some(file) => KeyLocation::File(file.to_owned()),
            None => KeyLocation::Dir(keys.key_dir()?),
        })
    }
}

fn enrolled(facility: &str, serial: &str, token: &str) -> anyhow::Result<DeviceEnrolled> {
    if facility.trim().is_empty() || facility.len() > 64 || serial.len() > 64 {
        anyhow::bail!("the facility id and serial must be 1 to 64 characters");
    }
    Ok(DeviceEnrolled {
        facility: facility.trim().to_owned(),
        hardware_serial: serial.to_owned(),
        enrollment_token_sha256: Sha256Hash::of(token.as_bytes()),
        previous_device: None,
    })
}

/// Creates and enrolls a replica.
pub fn init(
    db: &Path,
    key: &KeyLocation,
    options: &KeyOptions,
    facility: &str,
    serial: &str,
    token: &str,
) -> anyhow::Result<Replica> {
    let enrolled = enrolled(facility, serial, token)?;
    let clock = Box::new(SystemClock::new());
    let replica = match key {
        KeyLocation::File(file) => Replica::init_with(db, file, clock, enrolled, options),
        KeyLocation::Dir(dir) => Replica::init_in_key_dir(db, dir, clock, enrolled, options),
    }
    .with_context(|| format!("cannot create the replica {}", db.display()))?;
    Ok(replica)
}

/// Runs `tally replica`.
pub fn run(args: ReplicaArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ReplicaCommand::Init(args) => {
            let key = KeyLocation::from_args(args.key.as_deref(), &args.keys)?;
            let replica = init(
                &args.db,
                &key,
                &args.keys.options(),
                &args.facility,
                &args.serial,
                &args.token,
            )?;
            println!("replica   {}", args.db.display());
            println!("key file  {}", replica.key_path().display());
            println!("device    {}", replica.device());
            Ok(ExitCode::SUCCESS)
        }
        ReplicaCommand::ReEnroll(args) => {
            let key_dir = args.keys.key_dir()?;
            let conn = tally_replica::db::open_read_only(&args.db)
                .with_context(|| format!("cannot open the replica {}", args.db.display()))?;
            let facility: String = conn
                .query_row("SELECT value FROM meta WHERE key = 'facility'", [], |r| {
                    r.get(0)
                })
                .with_context(|| format!("{} records no facility", args.db.display()))?;
            drop(conn);
            let enrolled = enrolled(&facility, &args.serial, &args.token)?;
            let replica = Replica::re_enroll(
                &args.db,
                &key_dir,
                Box::new(SystemClock::new()),
                enrolled,
                &args.keys.options(),
            )
            .with_context(|| format!("cannot re-enroll the replica {}", args.db.display()))?;
            let flagged = tally_replica::replica::superseded_events(replica.view(), true)?.len();
            println!("replica   {}", args.db.display());
            println!("key file  {}", replica.key_path().display());
            println!("device    {}", replica.device());
            println!(
                "flagged   {flagged} events of the old chain the ledger never acknowledged (tally replica superseded --db {})",
                args.db.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReplicaCommand::Superseded(args) => {
            let conn = tally_replica::db::open_read_only(&args.db)
                .with_context(|| format!("cannot open the replica {}", args.db.display()))?;
            let events = tally_replica::replica::superseded_events(&conn, !args.all)?;
            if args.json {
                let list: Vec<serde_json::Value> = events
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "device": e.device.to_string(),
                            "seq": e.seq,
                            "hash": e.hash.to_string(),
                            "kind": e.kind,
                            "actor": e.actor,
                            "acknowledged": e.acknowledged,
                            "flagged": !e.acknowledged,
                            "re_enrolled_as": e.re_enrolled_as.to_string(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                if events.is_empty() {
                    println!("no events of an earlier chain to review");
                }
                for e in &events {
                    println!(
                        "{} device {} seq {} kind {} by {} {}",
                        if e.acknowledged { "ok     " } else { "FLAGGED" },
                        e.device,
                        e.seq,
                        e.kind,
                        e.actor,
                        e.hash
                    );
                }
            }
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

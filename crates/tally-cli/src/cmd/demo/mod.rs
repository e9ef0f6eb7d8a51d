//! `tally demo [--dir DIR] [--reset]`: the whole demo in one command ([`run`]): a demo
//! facility, a simulated scale and RFID reader, an embedded ledger, and the app signed in as
//! the demo's receiver. Its files stay in one directory ([`layout`]).
//!
//! `tally demo seed --db PATH --packages N [--seed S]`: a realistic demo facility in a new
//! replica (vaults, a quarantine cage, items across flower, vapes, concentrates and edibles,
//! batches with and without COA, inbound manifests, pick lists, count tasks). The same seed
//! gives the same facility. It always creates a new replica (and a new device key in the key
//! directory): a demo is never mixed into an enrolled device's real log.

use std::path::PathBuf;
use std::process::ExitCode;

use super::replica::{init, KeyArgs, KeyLocation};

pub mod dock;
pub mod layout;
pub mod ledger;
pub mod run;
pub mod sync;

/// Arguments of `tally demo`: without a subcommand it runs the demo.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    #[command(flatten)]
    pub run: run::RunArgs,
}

/// Subcommands of `tally demo`.
#[derive(Debug, clap::Subcommand)]
pub enum DemoCommand {
    /// Create a replica holding a demo facility.
    Seed(SeedArgs),
}

/// Arguments of `tally demo seed`.
#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// The replica database to create.
    #[arg(long)]
    pub db: PathBuf,
    /// Packages in stock.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=tally_replica::seed::PACKAGES_MAX as u64))]
    pub packages: u64,
    /// Seed of the generator: the same seed gives the same facility.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The device key file to create, instead of `<device-id>.key` in the key directory.
    #[arg(long, conflicts_with = "key_dir")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

/// Runs `tally demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        None => run::run(args.run),
        Some(DemoCommand::Seed(args)) => {
            if args.db.exists() {
                anyhow::bail!(
                    "{db} already exists: `tally demo seed` creates a new replica holding a demo facility and never records into an existing one. Choose a new --db path (for example {db}.demo.db), or delete {db} first if it is a demo you no longer need; `tally demo` runs a whole demo in a directory of its own",
                    db = args.db.display()
                );
            }
            let key = KeyLocation::from_args(args.key.as_deref(), &args.keys)?;
            let mut replica = init(
                &args.db,
                &key,
                &args.keys.options(),
                tally_replica::seed::FACILITY,
                "DEMO-HANDHELD",
                "demo",
            )?;
            let packages = usize::try_from(args.packages)?;
            let summary = tally_replica::seed::demo(&mut replica, packages, args.seed)?;
            println!("replica             {}", args.db.display());
            println!("key file            {}", replica.key_path().display());
            println!("events recorded     {}", summary.events + 1);
            println!("packages            {}", summary.packages);
            println!("inbound manifests   {}", summary.inbound_manifests);
            println!("outbound manifests  {}", summary.outbound_manifests);
            println!("pick lists          {}", summary.pick_lists);
            println!("count tasks         {}", summary.count_tasks);
            println!(
                "users (badge/PIN)   {}",
                tally_replica::seed::USERS
                    .iter()
                    .map(|(b, _, _, p)| format!("{b}/{p}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

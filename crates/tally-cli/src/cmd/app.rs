//! `tally app`: the handheld app on this terminal (see crates/tally-app/README.md).
//!
//! Reads the configuration file given with `--config` (all settings have defaults), applies
//! the command-line overrides, opens the replica and runs until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use tally_app::config::LanguageCode;
use tally_app::{Config, Overrides};

/// Arguments of `tally app`.
#[derive(Debug, clap::Args)]
pub struct AppArgs {
    /// The configuration file (TOML); every setting has a default.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The replica database (overrides `database`).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// The device key file, instead of `<device-id>.key` in the key directory (overrides
    /// `key` and `key_dir`).
    #[arg(long, conflicts_with = "key_dir")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub keys: super::replica::KeyArgs,
    /// Language before sign-in and for users without their own: en or es.
    #[arg(long, value_parser = parse_language)]
    pub language: Option<LanguageCode>,
    /// The central ledger's address (overrides `ledger_url`).
    #[arg(long)]
    pub ledger_url: Option<String>,
    /// Lock the screen after this many seconds without a key; 0 never locks.
    #[arg(long)]
    pub auto_lock_secs: Option<u64>,
}

fn parse_language(code: &str) -> Result<LanguageCode, String> {
    LanguageCode::parse(code).map_err(|e| e.to_string())
}

/// Runs `tally app`.
pub fn run(args: AppArgs) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let config = config.with(Overrides {
        database: args.db,
        key: args.key,
        key_dir: args.keys.key_dir.clone(),
        allow_key_beside_database: args.keys.allow_key_beside_db,
        language: args.language,
        ledger_url: args.ledger_url,
        auto_lock_secs: args.auto_lock_secs,
    });
    tally_app::run(&config).context("tally app")?;
    Ok(ExitCode::SUCCESS)
}

//! `tally-ledger`: the central ledger's command line: create a ledger, issue enrollment
//! tokens, list and revoke devices, print the log's verifier key, verify everything from
//! storage, export, and serve the HTTP API.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use tally_events::DeviceId;
use tally_ledger::{audit, export, open_or_create_sqlite, open_sqlite, server};

/// tally-ledger — verifies, stores and serves every device's signed events in a transparency
/// log.
#[derive(Debug, Parser)]
#[command(name = "tally-ledger", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Creates a ledger database; its log origin and signing key are fixed from then on.
    Init {
        /// The SQLite database file to create.
        #[arg(long)]
        db: PathBuf,
        /// The log's origin (checkpoint first line and note key name), e.g.
        /// `ledger.example.com/tally`. Default: `tally-ledger.invalid/<random>`.
        #[arg(long)]
        origin: Option<String>,
    },
    /// Prints a one-time enrollment token for a device (creating the ledger on first use).
    EnrollToken {
        /// The ledger database.
        #[arg(long)]
        db: PathBuf,
        /// The facility the device will be bound to (created if new).
        #[arg(long)]
        facility: String,
        /// A name for the device.
        #[arg(long)]
        name: String,
    },
    /// Lists enrolled devices.
    Devices {
        /// The ledger database.
        #[arg(long)]
        db: PathBuf,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: its records are refused from now on.
    Revoke {
        /// The ledger database.
        #[arg(long)]
        db: PathBuf,
        /// The device key, hex.
        #[arg(long)]
        device: String,
    },
    /// Prints the log's signed-note verifier key (`<name>+<keyhash>+<key>`).
    VerifierKey {
        /// The ledger database.
        #[arg(long)]
        db: PathBuf,
    },
    /// Re-verifies every signature, every chain and the Merkle tree from storage; exit 1 with
    /// the first failure.
    Verify {
        /// The ledger database.
        #[arg(long)]
        db: PathBuf,
    },
    /// Writes the export stream (docs/EVENT-FORMAT.md §6) of one device or of the whole log.
    Export {
        /// The ledger database.
        #[arg(long)]
        db: PathBuf,
        /// Only this device (hex key), in seq order; default: every entry in log order.
        #[arg(long)]
        device: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Serves the JSON API (`/v1/`) and the tlog-tiles read API (`/log/`).
    Serve {
        /// The ledger database (created on first use).
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on, e.g. `127.0.0.1:8443` (port 0: any free port).
        #[arg(long)]
        listen: String,
    },
}

fn parse_device(text: &str) -> Result<DeviceId> {
    DeviceId::from_hex(text.trim()).with_context(|| {
        format!("{text:?} is not a device id (64 hexadecimal digits) / no es un identificador de dispositivo")
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init { db, origin } => {
            let origin = origin.unwrap_or_else(tally_ledger::default_origin);
            let ledger = tally_ledger::create_sqlite(&db, &origin)
                .with_context(|| format!("could not create the ledger at {}", db.display()))?;
            println!("{}", ledger.verifier_key());
        }
        Command::EnrollToken { db, facility, name } => {
            let mut ledger = open_or_create_sqlite(&db)
                .with_context(|| format!("could not open the ledger at {}", db.display()))?;
            let token = ledger
                .create_token(&facility, &name)
                .context("could not create the token")?;
            println!("{token}");
        }
        Command::Devices { db, json } => {
            let ledger = open_sqlite(&db)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for device in ledger.devices()? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&device)?)?;
                } else {
                    writeln!(
                        out,
                        "{}  {}  {}  events {}{}{}",
                        device.device_id,
                        device.facility,
                        device.name,
                        device.events,
                        if device.revoked { "  REVOKED" } else { "" },
                        if device.forked { "  FORKED" } else { "" },
                    )?;
                }
            }
            out.flush()?;
        }
        Command::Revoke { db, device } => {
            let device = parse_device(&device)?;
            let mut ledger = open_sqlite(&db)?;
            if !ledger.revoke(&device)? {
                bail!("device {device} is not enrolled at this ledger / no está inscrito");
            }
            eprintln!("device {device} revoked");
        }
        Command::VerifierKey { db } => {
            let ledger = open_sqlite(&db)?;
            println!("{}", ledger.verifier_key());
        }
        Command::Verify { db } => {
            let ledger = open_sqlite(&db)?;
            match audit::audit(&ledger) {
                Ok(summary) => println!(
                    "ok: {} entries, {} devices, {} checkpoints verified; {} forks on record",
                    summary.entries, summary.devices, summary.checkpoints, summary.forks
                ),
                Err(failure) => {
                    eprintln!("verification failed: {failure}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Export { db, device, out } => {
            let device = device.as_deref().map(parse_device).transpose()?;
            let ledger = open_sqlite(&db)?;
            match out {
                None => {
                    let stdout = std::io::stdout();
                    export::export(ledger.store(), device.as_ref(), stdout.lock())?;
                }
                Some(path) => {
                    let tmp = path.with_extension("partial");
                    let file = std::fs::File::create(&tmp)
                        .with_context(|| format!("could not create {}", tmp.display()))?;
                    let mut writer = std::io::BufWriter::new(file);
                    let records = export::export(ledger.store(), device.as_ref(), &mut writer)?;
                    let file = writer.into_inner().map_err(|e| e.into_error())?;
                    file.sync_all()?;
                    std::fs::rename(&tmp, &path)
                        .with_context(|| format!("could not write {}", path.display()))?;
                    eprintln!("{records} records written to {}", path.display());
                }
            }
        }
        Command::Serve { db, listen } => {
            let ledger = open_or_create_sqlite(&db)
                .with_context(|| format!("could not open the ledger at {}", db.display()))?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .with_context(|| format!("could not listen on {listen}"))?;
                let address = listener.local_addr()?;
                println!("listening on http://{address}");
                std::io::stdout().flush()?;
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                server::serve(ledger, listener, shutdown).await?;
                anyhow::Ok(())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tally-ledger: {error:#}");
            ExitCode::from(1)
        }
    }
}

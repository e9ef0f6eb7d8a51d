//! `tally-ledger`: the central ledger's command line: create a ledger, issue enrollment
//! tokens, list and revoke devices, print the log's verifier key, verify everything from
//! storage, export, fold the projections, write custody bundles, and serve the HTTP API.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use sha2::Digest as _;
use tally_events::DeviceId;
use tally_ledger::custody::Custody;
use tally_ledger::projection::Projector;
use tally_ledger::store::is_postgres_url;
use tally_ledger::{audit, export, server, Ledger, Store};

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
        /// The SQLite database file to create, or a `postgres://` URL of an empty database.
        #[arg(long)]
        db: String,
        /// The log's origin (checkpoint first line and note key name), e.g.
        /// `ledger.example.com/tally`. Default: `tally-ledger.invalid/<random>`.
        #[arg(long)]
        origin: Option<String>,
    },
    /// Prints a one-time enrollment token for a device (creating the ledger on first use).
    EnrollToken {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The facility the device will be bound to (created if new).
        #[arg(long)]
        facility: String,
        /// A name for the device.
        #[arg(long)]
        name: String,
    },
    /// Lists enrolled devices.
    Devices {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Lists the forks on record: two validly signed records with the same device and seq, both
    /// kept as evidence.
    Forks {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// One JSON object per line, with both records in base64.
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: its records are refused from now on.
    Revoke {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The device key, hex.
        #[arg(long)]
        device: String,
    },
    /// Prints the log's signed-note verifier key (`<name>+<keyhash>+<key>`).
    VerifierKey {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
    },
    /// Re-verifies every signature, every chain and the Merkle tree from storage; exit 1 with
    /// the first failure.
    Verify {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
    },
    /// Writes the export stream (docs/EVENT-FORMAT.md §6, version 2 with a ledger trailer) of
    /// one device or of the whole log.
    Export {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// Only this device (hex key), in seq order; default: every entry in log order.
        #[arg(long)]
        device: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Brings the supervisor and auditor projections up to the committed log (`serve` does
    /// this by itself, behind ingest).
    Project {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// Drop the projections and fold the whole log again.
        #[arg(long)]
        rebuild: bool,
        /// Entries folded per transaction.
        #[arg(long, default_value_t = tally_ledger::projection::DEFAULT_BATCH)]
        batch: u64,
    },
    /// Writes the chain-of-custody bundle of a UID, for `tally audit FILE --key KEY`.
    Custody {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The package UID.
        #[arg(long)]
        uid: String,
        /// The bundle file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Serves the JSON API (`/v1/`) and the tlog-tiles read API (`/log/`).
    Serve {
        /// The ledger database (created on first use): a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
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

impl Command {
    fn db(&self) -> &str {
        match self {
            Command::Init { db, .. }
            | Command::EnrollToken { db, .. }
            | Command::Devices { db, .. }
            | Command::Forks { db, .. }
            | Command::Revoke { db, .. }
            | Command::VerifierKey { db }
            | Command::Verify { db }
            | Command::Export { db, .. }
            | Command::Project { db, .. }
            | Command::Custody { db, .. }
            | Command::Serve { db, .. } => db,
        }
    }

    /// Whether the command creates the ledger on first use.
    fn creates(&self) -> bool {
        matches!(self, Command::EnrollToken { .. } | Command::Serve { .. })
    }
}

/// A database location for messages: never the password of a URL.
fn shown(db: &str) -> String {
    if is_postgres_url(db) {
        match db.split_once('@') {
            Some((_, host)) => format!("postgres://…@{host}"),
            None => db.to_owned(),
        }
    } else {
        db.to_owned()
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let db = cli.command.db().to_owned();
    if let Command::Init { origin, .. } = &cli.command {
        let origin = origin.clone().unwrap_or_else(tally_ledger::default_origin);
        let key = if is_postgres_url(&db) {
            tally_ledger::create_postgres(&db, &origin).map(|l| l.verifier_key().to_owned())
        } else {
            tally_ledger::create_sqlite(Path::new(&db), &origin)
                .map(|l| l.verifier_key().to_owned())
        }
        .with_context(|| format!("could not create the ledger at {}", shown(&db)))?;
        println!("{key}");
        return Ok(ExitCode::SUCCESS);
    }
    let creates = cli.command.creates();
    if is_postgres_url(&db) {
        let ledger = if creates {
            tally_ledger::open_or_create_postgres(&db)
        } else {
            tally_ledger::open_postgres(&db)
        }
        .with_context(|| format!("could not open the ledger at {}", shown(&db)))?;
        run_on(ledger, cli.command)
    } else {
        let path = Path::new(&db);
        let ledger = if creates {
            tally_ledger::open_or_create_sqlite(path)
        } else {
            tally_ledger::open_sqlite(path)
        }
        .with_context(|| format!("could not open the ledger at {}", shown(&db)))?;
        run_on(ledger, cli.command)
    }
}

fn run_on<S: Store + 'static>(mut ledger: Ledger<S>, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init { .. } => unreachable!("handled before opening"),
        Command::EnrollToken { facility, name, .. } => {
            let token = ledger
                .create_token(&facility, &name)
                .context("could not create the token")?;
            println!("{token}");
        }
        Command::Devices { json, .. } => {
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
        Command::Forks { json, .. } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for fork in ledger.store().forks()? {
                let held = hex::encode(sha2::Sha256::digest(&fork.held));
                let other = hex::encode(sha2::Sha256::digest(&fork.other));
                if json {
                    let row = serde_json::json!({
                        "device_id": fork.device_id.to_string(),
                        "seq": fork.seq,
                        "held_sha256": held,
                        "other_sha256": other,
                        "held_record": tally_ledger::tlog::b64(&fork.held),
                        "other_record": tally_ledger::tlog::b64(&fork.other),
                    });
                    writeln!(out, "{row}")?;
                } else {
                    writeln!(
                        out,
                        "{}  seq {}  held {}  other {}",
                        fork.device_id, fork.seq, held, other
                    )?;
                }
            }
            out.flush()?;
        }
        Command::Revoke { device, .. } => {
            let device = parse_device(&device)?;
            if !ledger.revoke(&device)? {
                bail!("device {device} is not enrolled at this ledger / no está inscrito");
            }
            eprintln!("device {device} revoked");
        }
        Command::VerifierKey { .. } => {
            println!("{}", ledger.verifier_key());
        }
        Command::Verify { .. } => match audit::audit(&ledger) {
            Ok(summary) => println!(
                "ok: {} entries, {} devices, {} checkpoints verified; {} forks on record",
                summary.entries, summary.devices, summary.checkpoints, summary.forks
            ),
            Err(failure) => {
                eprintln!("verification failed: {failure}");
                return Ok(ExitCode::from(1));
            }
        },
        Command::Export { device, out, .. } => {
            let device = device.as_deref().map(parse_device).transpose()?;
            match out {
                None => {
                    let stdout = std::io::stdout();
                    export::export(&mut ledger, device.as_ref(), stdout.lock())?;
                }
                Some(path) => export_to_file(&mut ledger, device.as_ref(), &path)?,
            }
        }
        Command::Project { rebuild, batch, .. } => {
            let mut projector = Projector::open(ledger.store().reopen()?)
                .context("could not open the projections")?;
            if rebuild {
                projector
                    .rebuild()
                    .context("could not drop the projections")?;
            }
            let position = projector
                .catch_up(batch, None)
                .context("could not fold the log into the projections")?;
            println!("projected {position} entries");
        }
        Command::Custody { uid, out, .. } => {
            let mut projector = Projector::open(ledger.store().reopen()?)
                .context("could not open the projections")?;
            let custody =
                Custody::collect(&mut ledger, &mut projector, &uid).with_context(|| {
                    format!("no custody bundle for {uid} / sin paquete de custodia")
                })?;
            let bytes = custody.bundle(&ledger)?;
            write_synced(&out, &bytes)?;
            let events = custody
                .entries
                .iter()
                .filter(|e| e.role == tally_events::custody::Role::Event)
                .count();
            eprintln!(
                "{events} events of {uid} ({} entries with their context) written to {} under the checkpoint of {} entries",
                custody.entries.len(),
                out.display(),
                custody.checkpoint.size
            );
        }
        Command::Serve { listen, .. } => {
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

/// Writes `bytes` to `FILE.partial`, syncs it, then renames it to `FILE`.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("partial");
    let mut file = std::fs::File::create(&tmp)
        .with_context(|| format!("could not create {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

/// Writes the export to `FILE.partial`, syncs it, then renames it to `FILE`.
fn export_to_file<S: Store>(
    ledger: &mut Ledger<S>,
    device: Option<&DeviceId>,
    path: &PathBuf,
) -> Result<()> {
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp)
        .with_context(|| format!("could not create {}", tmp.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    let summary = export::export(ledger, device, &mut writer)?;
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!(
        "{} records written to {} (checkpoint of {} entries in the trailer)",
        summary.records,
        path.display(),
        summary.tree_size
    );
    Ok(())
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

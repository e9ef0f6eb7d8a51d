//! `tallyd`: the sync daemon of a handheld (docs/SYNC.md).
//!
//! ```text
//! tallyd enroll --db DEVICE_DB --ledger URL --token T [--ledger-key KEY]
//! tallyd run    --db DEVICE_DB
//! tallyd sync   --once --db DEVICE_DB
//! tallyd status --db DEVICE_DB [--json]
//! ```
//!
//! Exit codes: 0 done (for `sync --once`: nothing left to push); 1 the ledger cannot be reached
//! or failed; 2 the ledger refused a record or sent something the device does not trust
//! (rolled back, rewrote history, a bad receipt); 3 set-up (not enrolled, no key, bad
//! arguments).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use tally_ledger_client::ClientOptions;
use tally_replica::keys::KeyOptions;
use tally_replica::outbox;
use tally_sync::daemon::{self, DaemonOptions};
use tally_sync::{DeviceFiles, SyncError, Syncer};

/// tallyd — carries a handheld's signed events to the central ledger, exactly once, and checks
/// every receipt against the log it pinned at enrollment.
#[derive(Debug, Parser)]
#[command(name = "tallyd", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DeviceArgs {
    /// The device's replica database.
    #[arg(long, value_name = "DEVICE_DB")]
    db: PathBuf,
    /// The key directory (default: $TALLY_KEY_DIR, else $XDG_STATE_HOME/tally/keys, else
    /// ~/.local/state/tally/keys; system installs use /var/lib/tally/keys).
    #[arg(long, value_name = "DIR")]
    key_dir: Option<PathBuf>,
    /// Accept a key file in the database's own directory (throwaway demos and test rigs only).
    #[arg(long)]
    allow_key_beside_db: bool,
}

#[derive(Debug, Args)]
struct NetArgs {
    /// Extra trusted CA certificate (PEM) for an https:// ledger on a dock network.
    #[arg(long, value_name = "PEM")]
    ca_cert: Option<PathBuf>,
    /// Seconds to connect to the ledger before giving up on an attempt.
    #[arg(long, default_value_t = 5)]
    connect_timeout: u64,
    /// Seconds for one request and its answer.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Enroll this device with the ledger (at the dock) and pin the ledger's log.
    Enroll {
        #[command(flatten)]
        device: DeviceArgs,
        #[command(flatten)]
        net: NetArgs,
        /// The ledger's URL (http://host:port or https://host).
        #[arg(long, value_name = "URL")]
        ledger: String,
        /// The one-time token from `tally-ledger enroll-token`.
        #[arg(long, value_name = "T")]
        token: String,
        /// The ledger's verifier key as given out of band (`tally-ledger verifier-key`); the
        /// enrollment is refused if the ledger presents another.
        #[arg(long, value_name = "KEY")]
        ledger_key: Option<String>,
    },
    /// Sync for ever: push new events, retry with backoff, wake on network changes.
    Run {
        #[command(flatten)]
        device: DeviceArgs,
        #[command(flatten)]
        net: NetArgs,
        /// Records per push.
        #[arg(long, default_value_t = tally_sync::engine::DEFAULT_BATCH)]
        batch: usize,
        /// Longest wait between retries, in seconds.
        #[arg(long, default_value_t = 60)]
        max_backoff: u64,
        /// Do not listen to netlink for network changes (retry on the timer alone).
        #[arg(long)]
        no_netlink: bool,
    },
    /// One sync pass: exit 0 when nothing is left to push, 1 when the ledger cannot be
    /// reached, 2 when it refused or is not trusted.
    Sync {
        /// Push what is waiting and stop (the only mode; `run` is the daemon).
        #[arg(long, required = true)]
        once: bool,
        #[command(flatten)]
        device: DeviceArgs,
        #[command(flatten)]
        net: NetArgs,
        /// Records per push.
        #[arg(long, default_value_t = tally_sync::engine::DEFAULT_BATCH)]
        batch: usize,
    },
    /// The sync state: events waiting, last success, last error, checkpoint size.
    Status {
        /// The device's replica database.
        #[arg(long, value_name = "DEVICE_DB")]
        db: PathBuf,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
}

impl DeviceArgs {
    fn files(&self) -> anyhow::Result<DeviceFiles> {
        let key_dir = match &self.key_dir {
            Some(dir) => dir.clone(),
            None => tally_replica::keys::default_key_dir()?,
        };
        Ok(DeviceFiles {
            db: self.db.clone(),
            key_dir,
            key_options: KeyOptions {
                allow_key_beside_database: self.allow_key_beside_db,
            },
        })
    }
}

impl NetArgs {
    fn options(&self) -> anyhow::Result<ClientOptions> {
        let ca_pem = match &self.ca_cert {
            Some(path) => Some(std::fs::read(path).map_err(|e| {
                anyhow::anyhow!("cannot read the CA certificate {}: {e}", path.display())
            })?),
            None => None,
        };
        Ok(ClientOptions {
            connect_timeout: Duration::from_secs(self.connect_timeout.max(1)),
            timeout: Duration::from_secs(self.request_timeout.max(1)),
            ca_pem,
        })
    }
}

/// The exit code of a sync failure.
fn code_of(error: &SyncError) -> u8 {
    match error {
        SyncError::Ledger(e) if e.retryable() => 1,
        SyncError::Ledger(tally_ledger_client::ClientError::Setup(_)) => 3,
        SyncError::Ledger(_) => 2,
        SyncError::Untrusted(_)
        | SyncError::BadDelta(_)
        | SyncError::DeltaNotInLog(_)
        | SyncError::StreamDiverged { .. }
        | SyncError::Refused { .. }
        | SyncError::LedgerLostEvents { .. }
        | SyncError::Protocol(_)
        | SyncError::Enrollment(_) => 2,
        SyncError::NotEnrolled | SyncError::KeyChanged { .. } | SyncError::Replica(_) => 3,
    }
}

fn fail(error: &SyncError) -> ExitCode {
    eprintln!("tallyd: {error}");
    ExitCode::from(code_of(error))
}

fn status(db: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let conn = match tally_replica::db::open_read_only(db) {
        Ok(conn) => conn,
        // An older schema: bring it up to date (the daemon would on its first pass).
        Err(tally_replica::ReplicaError::Storage(_)) => tally_replica::db::open(db)?,
        Err(other) => return Err(other.into()),
    };
    let summary = outbox::summary(&conn)?;
    let link = outbox::link(&conn)?;
    let cursor = tally_replica::sync::ledger_cursor(&conn)?;
    let held = tally_replica::sync::held_deltas(&conn)?.len();
    if json {
        let object = serde_json::json!({
            "enrolled": summary.enrolled,
            "ledger": link.as_ref().map(|l| l.url.clone()),
            "origin": link.as_ref().map(|l| l.origin.clone()),
            "device_id": link.as_ref().map(|l| l.device.to_string()),
            "events_waiting": summary.events_waiting,
            "pushed_seq": summary.pushed_seq,
            "last_success": summary.last_success_unix_ms,
            "last_error": summary.last_error,
            "last_error_at": summary.last_error_unix_ms,
            "checkpoint_size": summary.checkpoint_size,
            "ledger_cursor": cursor,
            "deltas_held": held,
        });
        println!("{object}");
        return Ok(());
    }
    match &link {
        Some(l) => println!("ledger          {} (log {})", l.url, l.origin),
        None => println!("ledger          none: not enrolled (tallyd enroll at the dock)"),
    }
    println!("events waiting  {}", summary.events_waiting);
    println!("synced up to    seq {}", summary.pushed_seq);
    match summary.last_success_unix_ms {
        Some(ms) => println!("last success    {ms} (Unix ms)"),
        None => println!("last success    never"),
    }
    if let Some(error) = &summary.last_error {
        println!("last error      {error}");
    }
    println!("checkpoint      {} entries", summary.checkpoint_size);
    println!("deltas folded   up to {cursor} ({held} held for a supervisor)");
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result: anyhow::Result<ExitCode> = (|| match cli.command {
        Command::Enroll {
            device,
            net,
            ledger,
            token,
            ledger_key,
        } => {
            let files = device.files()?;
            match tally_sync::enroll(
                &files,
                &ledger,
                &token,
                ledger_key.as_deref(),
                &net.options()?,
            ) {
                Ok(link) => {
                    println!(
                        "enrolled device {} ({}) at facility {} with the ledger log {} (key {})",
                        link.device, link.name, link.facility, link.origin, link.verifier_key
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => Ok(fail(&error)),
            }
        }
        Command::Run {
            device,
            net,
            batch,
            max_backoff,
            no_netlink,
        } => {
            let options = DaemonOptions {
                batch,
                netlink: !no_netlink,
                backoff_cap: Duration::from_secs(max_backoff.max(1)),
                ..DaemonOptions::default()
            };
            match daemon::run(&device.files()?, &net.options()?, &options) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(error) => Ok(fail(&error)),
            }
        }
        Command::Sync {
            once: _,
            device,
            net,
            batch,
        } => {
            let mut syncer = match Syncer::open(&device.files()?, &net.options()?) {
                Ok(s) => s,
                Err(error) => return Ok(fail(&error)),
            };
            syncer.set_batch(batch);
            match syncer.pass_and_record() {
                Ok(report) => {
                    println!(
                        "in sync: {} events pushed, synced up to seq {}, checkpoint {} entries; \
                         {} deltas pulled, ledger cursor {}",
                        report.pushed,
                        report.pushed_seq,
                        report.checkpoint_size,
                        report.pulled,
                        report.ledger_cursor
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => Ok(fail(&error)),
            }
        }
        Command::Status { db, json } => {
            status(&db, json)?;
            Ok(ExitCode::SUCCESS)
        }
    })();
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tallyd: {error:#}");
            ExitCode::from(3)
        }
    }
}

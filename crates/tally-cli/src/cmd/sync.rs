//! `tally sync reanchor`: a supervisor re-anchors this device to its ledger after the ledger
//! was restored from a backup (docs/LEDGER.md, "A ledger restored from a backup"; docs/SYNC.md).
//!
//! It shows the newest checkpoint the device holds and the one the ledger serves now (checked
//! with the pinned key), refuses when the device does not refuse the ledger (nothing to
//! re-anchor), asks the supervisor's PIN (standard input, one line) and a confirmation (a
//! second line, `yes`; `--yes` skips it), and records kind 6 `ledger_reanchored` with the
//! supervisor as actor — between a sign-in and a sign-out on the device, like any supervisor
//! step. tallyd honours it at its next pass and pushes again what the ledger lost. A person who
//! is not a supervisor is refused and nothing is recorded but the sign-in and sign-out.
//!
//! `tally sync rebootstrap`: a supervisor re-bootstraps this device's view of the facility after
//! its ledger's stream of facility deltas stopped matching what the device folded (tallyd stops
//! pulling with exit 2, "stream diverged"). Refused when the stream still matches. It asks the
//! PIN and a confirmation as `reanchor` does, records kind 280 `device_rebootstrapped` and, in
//! the same transaction, empties the view and sets the ledger cursor to 0: tallyd's next pass
//! pulls the whole stream again, every page proved in the log. The device's own events and
//! outbox stay.
//!
//! Exit status: 0 re-anchored or re-bootstrapped; 1 refused or failed (said why); 2 usage.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use tally_events::payload::UserSignedOut;
use tally_events::Payload;
use tally_replica::clock::SystemClock;
use tally_replica::refusal::Language;
use tally_replica::workflow::rebootstrap::Diverged;
use tally_replica::{Replica, ReplicaError};
use tally_sync::reanchor::{inspect, Verdict};
use tally_sync::{DeviceFiles, SyncError, Syncer};

use super::replica::KeyArgs;

/// Arguments of `tally sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: SyncCommand,
}

/// Subcommands of `tally sync`.
#[derive(Debug, clap::Subcommand)]
pub enum SyncCommand {
    /// Re-anchor this device to its ledger restored from a backup (supervisors only): the PIN
    /// is read from standard input, then `yes` to confirm.
    Reanchor(ReanchorArgs),
    /// Re-bootstrap this device's view after the ledger's stream diverged (supervisors only):
    /// the PIN is read from standard input, then `yes` to confirm.
    Rebootstrap(ReanchorArgs),
}

/// Arguments of `tally sync reanchor`.
#[derive(Debug, clap::Args)]
pub struct ReanchorArgs {
    /// The device's replica database.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    /// The supervisor's badge (the PIN follows on standard input).
    #[arg(long)]
    pub badge: String,
    /// Why, in the supervisor's words (the incident: when the ledger was restored).
    #[arg(long)]
    pub reason: String,
    /// Do not ask for confirmation (the PIN is still read).
    #[arg(long)]
    pub yes: bool,
}

/// Runs `tally sync`.
pub fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SyncCommand::Reanchor(args) => reanchor(args),
        SyncCommand::Rebootstrap(args) => rebootstrap(args),
    }
}

fn line(input: &mut impl BufRead, what: &str) -> anyhow::Result<String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .with_context(|| format!("could not read {what} from standard input"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// A refusal in both languages, as the other tools say them.
fn said(error: ReplicaError) -> anyhow::Error {
    match error {
        ReplicaError::Refused(refusal) => anyhow::anyhow!(
            "{} / {}",
            refusal.message(Language::English),
            refusal.message(Language::Spanish)
        ),
        other => other.into(),
    }
}

fn reanchor(args: ReanchorArgs) -> anyhow::Result<ExitCode> {
    if !args.db.exists() {
        bail!("no replica database at {}", args.db.display());
    }
    let inspection = inspect(&args.db, &tally_ledger_client::ClientOptions::default())
        .context("cannot compare this device's checkpoint with the ledger's")?;
    let held = &inspection.held.checkpoint;
    let served = &inspection.served;
    println!(
        "Ledger:   {} (log {})",
        inspection.held.url, inspection.held.origin
    );
    println!(
        "Held:     size {} root {}",
        held.size,
        hex::encode(held.root.0)
    );
    println!(
        "Restored: size {} root {}",
        served.size,
        hex::encode(served.root.0)
    );
    match &inspection.verdict {
        Verdict::Trusted => bail!(
            "the ledger's log extends the checkpoint this device holds: it is not refused, there is nothing to re-anchor / \
             el registro del libro central extiende el punto de control de este equipo: no hay nada que reanclar"
        ),
        Verdict::Refused(why) => println!("Refused:  {why}"),
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    eprint!("PIN for {}: ", args.badge);
    std::io::stderr().flush()?;
    let pin = line(&mut input, "the PIN")?;
    if pin.is_empty() {
        bail!("give the PIN on standard input (one line) / escriba el PIN en la entrada estándar (una línea)");
    }
    if !args.yes {
        eprint!(
            "Re-anchor this device to the restored ledger (size {}), for good? Type yes: ",
            served.size
        );
        std::io::stderr().flush()?;
        if line(&mut input, "the confirmation")?.trim() != "yes" {
            println!("Nothing recorded / No se registró nada.");
            return Ok(ExitCode::from(1));
        }
    }
    let key_dir = args.key.key_dir()?;
    let mut replica = Replica::open_in_key_dir(
        &args.db,
        &key_dir,
        Box::new(SystemClock::new()),
        &args.key.options(),
    )
    .context("cannot open the device's replica to record the re-anchoring (is the app running? do it on its 9 Supervisor screen)")?;
    let (session, _) = replica.sign_in(&args.badge, &pin).map_err(said)?;
    let outcome = replica.reanchor(&session, &inspection.restored(), &args.reason);
    let signed_out = replica.record(
        &session.badge,
        vec![Payload::UserSignedOut(UserSignedOut {
            badge: session.badge.clone(),
        })],
    );
    let (event, recorded) = outcome.map_err(said)?;
    signed_out.context("could not record the sign-out")?;
    let seq = recorded.first().map_or(0, |r| r.seq);
    println!(
        "Re-anchored (event {seq}): held {} → restored {}. tallyd pushes again what the ledger lost at its next pass.",
        event.held_size, event.new_size
    );
    Ok(ExitCode::SUCCESS)
}

fn rebootstrap(args: ReanchorArgs) -> anyhow::Result<ExitCode> {
    if !args.db.exists() {
        bail!("no replica database at {}", args.db.display());
    }
    let key_dir = args.key.key_dir()?;
    let files = DeviceFiles {
        db: args.db.clone(),
        key_dir: key_dir.clone(),
        key_options: args.key.options(),
    };
    let divergence = {
        let mut syncer = Syncer::open(&files, &tally_ledger_client::ClientOptions::default())
            .context("cannot reach this device's ledger to compare its stream")?;
        println!(
            "Ledger:   {} (log {})",
            syncer.link().url,
            syncer.link().origin
        );
        syncer
            .stream_divergence()
            .context("cannot compare this device's stream with the ledger's")?
    };
    let (cursor, served_size) = match &divergence {
        Some(error @ SyncError::StreamDiverged { cursor, size, .. }) => {
            println!("Diverged: {error}");
            (*cursor, *size)
        }
        _ => bail!(
            "the ledger's stream of facility deltas still matches what this device folded: there is nothing to re-bootstrap / \
             el flujo de cambios del libro central aún coincide con lo que este equipo incorporó: no hay nada que rehacer"
        ),
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    eprint!("PIN for {}: ", args.badge);
    std::io::stderr().flush()?;
    let pin = line(&mut input, "the PIN")?;
    if pin.is_empty() {
        bail!("give the PIN on standard input (one line) / escriba el PIN en la entrada estándar (una línea)");
    }
    if !args.yes {
        eprint!(
            "Forget what this device folded from other devices and pull the whole stream again ({served_size} records)? Type yes: "
        );
        std::io::stderr().flush()?;
        if line(&mut input, "the confirmation")?.trim() != "yes" {
            println!("Nothing recorded / No se registró nada.");
            return Ok(ExitCode::from(1));
        }
    }
    let mut replica = Replica::open_in_key_dir(
        &args.db,
        &key_dir,
        Box::new(SystemClock::new()),
        &args.key.options(),
    )
    .context("cannot open the device's replica to record the re-bootstrap (is the app running? close it first)")?;
    let (session, _) = replica.sign_in(&args.badge, &pin).map_err(said)?;
    let diverged = Diverged {
        cursor,
        served_size,
    };
    let outcome = replica.rebootstrap(&session, &diverged, &args.reason);
    let signed_out = replica.record(
        &session.badge,
        vec![Payload::UserSignedOut(UserSignedOut {
            badge: session.badge.clone(),
        })],
    );
    let (event, recorded) = outcome.map_err(said)?;
    signed_out.context("could not record the sign-out")?;
    let seq = recorded.first().map_or(0, |r| r.seq);
    println!(
        "Re-bootstrapped (event {seq}): the view folded through {} is emptied. tallyd pulls the whole stream ({} records) again at its next pass.",
        event.cursor, event.served_size
    );
    Ok(ExitCode::SUCCESS)
}

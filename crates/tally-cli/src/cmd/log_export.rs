//! `tally log export --db PATH [--key KEYFILE | --key-dir DIR]`: writes a device's own signed
//! events, from its replica database, in the event-log export format version 2 (the stream
//! `tally log show` and `tally log verify` read), ending with a trailer signed by the device key
//! under the trailer's domain label (`tally_events::domain`, never as an event). The key is
//! only read, unlocked, while the app may run (no event is signed, no seq reserved) and is
//! never part of the export. The database is opened read-only and nothing is written beside it, so
//! this works from a read-only directory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `tally log export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The device's replica database.
    #[arg(long)]
    pub db: PathBuf,
    /// The device key file that signs the export's trailer (default: the key of the device
    /// the database records, in the key directory).
    #[arg(long, value_name = "KEYFILE", conflicts_with = "key_dir")]
    pub key: Option<PathBuf>,
    /// Where device keys live (see `tally replica init`).
    #[command(flatten)]
    pub keys: super::replica::KeyArgs,
    /// Where to write the export (standard output when absent).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `tally log export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let conn = tally_replica::db::open_read_only(&args.db)
        .with_context(|| format!("cannot open the replica {}", args.db.display()))?;
    let key = match &args.key {
        Some(path) => tally_replica::keys::domain_signer(path)?,
        None => tally_replica::keys::domain_signer_for_database(&args.db, &args.keys.key_dir()?)?,
    };
    let count = match &args.out {
        Some(path) => {
            if path.exists() {
                anyhow::bail!("{} already exists; choose another file", path.display());
            }
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            let count = tally_replica::replica::export_log(&conn, &key, &mut out)?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            out.get_ref()
                .sync_all()
                .with_context(|| format!("cannot write {}", path.display()))?;
            count
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let count = tally_replica::replica::export_log(&conn, &key, &mut out)?;
            out.flush()
                .context("cannot write the export to standard output")?;
            count
        }
    };
    eprintln!("exported {count} events from {}", args.db.display());
    Ok(ExitCode::SUCCESS)
}

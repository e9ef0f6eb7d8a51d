//! `tally log export --db PATH`: writes a device's own signed events, from its replica
//! database, in the event-log export format (the stream `tally log show` and `tally log verify`
//! read). The device key is never part of it.

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
    /// Where to write the export (standard output when absent).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `tally log export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let conn = tally_replica::db::open_read_only(&args.db)
        .with_context(|| format!("cannot open the replica {}", args.db.display()))?;
    let count = match &args.out {
        Some(path) => {
            if path.exists() {
                anyhow::bail!("{} already exists; choose another file", path.display());
            }
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            let count = tally_replica::replica::export_log(&conn, &mut out)?;
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
            let count = tally_replica::replica::export_log(&conn, &mut out)?;
            out.flush()
                .context("cannot write the export to standard output")?;
            count
        }
    };
    eprintln!("exported {count} events from {}", args.db.display());
    Ok(ExitCode::SUCCESS)
}

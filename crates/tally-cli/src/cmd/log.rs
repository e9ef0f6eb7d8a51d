//! `tally log`: show and verify an exported signed event log (the length-prefixed stream of
//! `docs/EVENT-FORMAT.md`).
//!
//! `tally log show FILE [--json]` prints every event (`--db PATH` instead: the device's own log
//! from its replica, as the device shows it, see `log_db`); `tally log verify FILE [--key PUBKEY]`
//! verifies the whole chain and exits 0 when intact, 1 with the first failure and its kind.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use tally_events::{
    verify_chain, ChainOptions, DeviceId, ExportError, ExportReader, FailureKind, Language,
    Message, Payload, SignedEvent, VerifyMode,
};

/// Arguments of `tally log`.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

/// Subcommands of `tally log`.
#[derive(Debug, clap::Subcommand)]
pub enum LogCommand {
    /// Print the events of an exported log, readable or as JSON.
    Show(ShowArgs),
    /// Verify a whole exported chain: exit 0 if intact, 1 with the first failure otherwise.
    Verify(VerifyArgs),
    /// Write a device's own log from its replica database in the export format.
    Export(super::log_export::ExportArgs),
}

/// Arguments of `tally log show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The exported log file (an auditor's view: everything is shown).
    #[arg(required_unless_present = "db", conflicts_with = "db")]
    pub file: Option<PathBuf>,
    /// Show the device's own log from its replica database instead, as the device shows it:
    /// quantities and weights of stock under an open count are withheld.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Print a JSON array, one event object per line.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `tally log verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The exported log file.
    pub file: PathBuf,
    /// The device's public key (64 hex digits) the chain must be signed with.
    #[arg(long, value_name = "PUBKEY", value_parser = parse_key)]
    pub key: Option<DeviceId>,
    /// Check signatures in batches (faster; see docs/EVENT-FORMAT.md) instead of one by one
    /// with `verify_strict`.
    #[arg(long)]
    pub batch: bool,
    /// Language of the report: `en` (English) or `es` (Spanish).
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = parse_language)]
    pub lang: Language,
}

fn parse_language(text: &str) -> Result<Language, String> {
    match text {
        "en" => Ok(Language::English),
        "es" => Ok(Language::Spanish),
        _ => Err("the language is en (English) or es (Spanish)".to_owned()),
    }
}

fn parse_key(text: &str) -> Result<DeviceId, String> {
    DeviceId::from_hex(text)
        .ok_or_else(|| "a device key is 64 hexadecimal digits (32 bytes)".to_owned())
}

/// Runs `tally log`.
pub fn run(args: LogArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        LogCommand::Show(args) => show(&args),
        LogCommand::Verify(args) => verify(&args),
        LogCommand::Export(args) => super::log_export::run(&args),
    }
}

/// Reads every record it can; returns them and the read error that stopped it, if any.
fn read_records(path: &Path) -> anyhow::Result<(Vec<Vec<u8>>, Option<ExportError>)> {
    let file =
        File::open(path).with_context(|| format!("cannot open the log {}", path.display()))?;
    let reader = ExportReader::new(BufReader::new(file))
        .with_context(|| format!("cannot read the log {}", path.display()))?;
    let mut records = Vec::new();
    for record in reader {
        match record {
            Ok(record) => records.push(record),
            Err(error) => return Ok((records, Some(error))),
        }
    }
    Ok((records, None))
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let file = match (&args.file, &args.db) {
        (_, Some(db)) => return super::log_db::show(db, args.json),
        (Some(file), None) => file,
        (None, None) => anyhow::bail!("name an exported log file, or a replica with --db"),
    };
    let (records, read_error) = read_records(file)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut problems = 0usize;
    if args.json {
        writeln!(out, "[")?;
    }
    for (index, record) in records.into_iter().enumerate() {
        let last = index + 1;
        match SignedEvent::from_bytes(record) {
            Ok(event) => {
                if args.json {
                    let separator = if index == 0 { "" } else { "," };
                    writeln!(out, "{separator}{}", serde_json::to_string(&event)?)?;
                } else {
                    print_event(&mut out, &event)?;
                }
            }
            Err(error) => {
                problems += 1;
                eprintln!("tally: record {last} is damaged: {error}");
            }
        }
    }
    if args.json {
        writeln!(out, "]")?;
    }
    out.flush()?;
    if let Some(error) = read_error {
        eprintln!("tally: {error}");
        problems += 1;
    }
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub(super) fn print_event(out: &mut impl Write, event: &SignedEvent) -> anyhow::Result<()> {
    let time = event.timestamp();
    let kind = event.payload_kind();
    let name = tally_events::payload::kind_name(kind).unwrap_or_else(|| "unknown".to_owned());
    let actor = if event.actor().is_empty() {
        "-"
    } else {
        event.actor()
    };
    writeln!(
        out,
        "#{seq}  {when}  {name} (kind {kind})  by {actor}  at {facility}",
        seq = event.seq(),
        when = time.wall_utc(),
        facility = event.facility(),
    )?;
    match event.payload() {
        Ok(Payload::Unknown(unknown)) => writeln!(
            out,
            "    unknown payload kind {} ({} bytes), recorded by a newer version of tally",
            unknown.code,
            unknown.bytes.0.len()
        )?,
        Ok(payload) => {
            if let serde_json::Value::Object(fields) = serde_json::to_value(&payload)? {
                for (field, value) in fields {
                    if field == "kind" {
                        continue;
                    }
                    let value = match value {
                        serde_json::Value::String(text) => text,
                        serde_json::Value::Null => "-".to_owned(),
                        other => other.to_string(),
                    };
                    writeln!(out, "    {field}: {value}")?;
                }
            }
        }
        Err(error) => writeln!(out, "    payload not understood by this version: {error}")?,
    }
    writeln!(out, "    record {}", event.record_hash())?;
    Ok(())
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let (records, read_error) = read_records(&args.file)?;
    let options = ChainOptions {
        expected_device: args.key,
        mode: if args.batch {
            VerifyMode::Batch
        } else {
            VerifyMode::Strict
        },
        ..ChainOptions::default()
    };
    let result = verify_chain(&records, &options);
    let language = args.lang;
    let broken = |seq: u64, kind: &str, text: String| {
        match language {
            Language::English => println!("BROKEN at event {seq}: {kind}: {text}"),
            Language::Spanish => println!("ROTA en el evento {seq}: {kind}: {text}"),
        }
        Ok(ExitCode::from(1))
    };
    match (result, read_error) {
        (Err(failure), _)
            if !(records.is_empty() && matches!(failure.kind, FailureKind::Empty)) =>
        {
            broken(failure.seq, failure.kind.name(), failure.message(language))
        }
        (_, Some(error)) => broken(
            records.len() as u64 + 1,
            "malformed",
            error.message(language),
        ),
        (Err(failure), None) => broken(failure.seq, failure.kind.name(), failure.message(language)),
        (Ok(report), None) => {
            match language {
                Language::English => println!(
                    "intact: {} events signed by device {}, last record {}",
                    report.events, report.device, report.head_hash
                ),
                Language::Spanish => println!(
                    "intacta: {} eventos firmados por el dispositivo {}, último registro {}",
                    report.events, report.device, report.head_hash
                ),
            }
            for anomaly in &report.anomalies {
                match language {
                    Language::English => println!("note: {}", anomaly.message(language)),
                    Language::Spanish => println!("nota: {}", anomaly.message(language)),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

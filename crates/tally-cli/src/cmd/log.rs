//! `tally log`: show and verify an exported signed event log (the length-prefixed stream of
//! `docs/EVENT-FORMAT.md`).
//!
//! `tally log show FILE [--json]` prints every event (`--db PATH` instead: the device's own log
//! from its replica, as the device shows it, see `log_db`); `tally log verify FILE [--key PUBKEY]
//! [--head SEQ] [--ledger-key VKEY]` verifies the whole chain and the export's trailer and exits
//! 0 when intact, 1 with the first failure and its kind. Both read the file as a stream, one
//! record in memory at a time, and stop at the first record that cannot be read.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use tally_events::note::{Checkpoint, NoteVerifier, SignedNote};
use tally_events::{
    ChainOptions, ChainVerifier, DeviceId, ExportEnd, ExportError, ExportReader, FailureKind,
    Language, Message, Next, Payload, SignedEvent, Trailer, VerifyMode,
};
use tally_vocab::bilingual;

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
    /// The device's head seq known from elsewhere (the ledger, an earlier export): an export
    /// that ends before it is reported as truncated.
    #[arg(long, value_name = "SEQ")]
    pub head: Option<u64>,
    /// The ledger's note verifier key (`name+keyid+base64key`): a ledger export's checkpoint
    /// must carry a valid signature by it.
    #[arg(long, value_name = "VKEY", value_parser = parse_ledger_key)]
    pub ledger_key: Option<String>,
}

/// Checks a note verifier key at parse time (a usage error when malformed).
fn parse_ledger_key(text: &str) -> Result<String, String> {
    NoteVerifier::parse(text)
        .map(|_| text.to_owned())
        .map_err(|error| error.to_string())
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

fn open_export(path: &Path) -> anyhow::Result<ExportReader<BufReader<File>>> {
    let file =
        File::open(path).with_context(|| format!("cannot open the log {}", path.display()))?;
    ExportReader::new(BufReader::new(file))
        .with_context(|| format!("cannot read the log {}", path.display()))
}

/// Reads the record at `position` (0-based) of the export again: the verifier asks for it only
/// to tell a duplicate from a fork, and memory stays bounded.
fn reread(path: &Path, position: usize) -> Option<Vec<u8>> {
    let mut reader = open_export(path).ok()?;
    for _ in 0..position {
        reader.next_record().ok()??;
    }
    reader.next_record().ok()?
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let file = match (&args.file, &args.db) {
        (_, Some(db)) => return super::log_db::show(db, args.json),
        (Some(file), None) => file,
        (None, None) => anyhow::bail!("name an exported log file, or a replica with --db"),
    };
    let mut reader = open_export(file)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut problem = false;
    if args.json {
        writeln!(out, "[")?;
    }
    let mut index = 0usize;
    loop {
        let record = match reader.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(error) => {
                out.flush()?;
                eprintln!("tally: {error}");
                problem = true;
                break;
            }
        };
        index += 1;
        match SignedEvent::from_bytes(record) {
            Ok(event) => {
                if args.json {
                    let separator = if index == 1 { "" } else { "," };
                    writeln!(out, "{separator}{}", serde_json::to_string(&event)?)?;
                } else {
                    print_event(&mut out, &event)?;
                }
            }
            Err(error) => {
                out.flush()?;
                eprintln!("tally: record {index} is damaged, stopping there: {error}");
                problem = true;
                break;
            }
        }
    }
    if args.json {
        writeln!(out, "]")?;
    } else if let Some(trailer) = reader.trailer() {
        print_trailer(&mut out, trailer)?;
    }
    out.flush()?;
    Ok(if problem {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_trailer(out: &mut impl Write, trailer: &Trailer) -> anyhow::Result<()> {
    match trailer {
        Trailer::Device(trailer) => {
            let valid = if trailer.verify_signature().is_ok() {
                "valid"
            } else {
                "NOT VALID"
            };
            writeln!(
                out,
                "trailer: {} records, last event {} (record {}), signed by device {} (signature {valid})",
                trailer.records, trailer.head_seq, trailer.head_hash, trailer.device
            )?;
        }
        Trailer::Ledger(trailer) => {
            let checkpoint = SignedNote::parse(&trailer.checkpoint)
                .ok()
                .and_then(|note| Checkpoint::parse(&note.text).ok());
            let of = checkpoint.map_or_else(
                || "an unreadable checkpoint".to_owned(),
                |c| format!("{} at tree size {}", c.origin, c.size),
            );
            writeln!(
                out,
                "trailer: {} records, last record {}, entry {} of the ledger log {of}, inclusion proof of {} hashes",
                trailer.records,
                trailer.head_hash,
                trailer.log_index,
                trailer.proof.len()
            )?;
        }
    }
    Ok(())
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
        Ok(Payload::Unknown(unknown)) if tally_events::payload::is_known_kind(unknown.code) => {
            writeln!(
                out,
                "    holds a code this version does not know ({} bytes), recorded by a newer version of tally",
                unknown.bytes.0.len()
            )?
        }
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
    let ledger_key = args
        .ledger_key
        .as_deref()
        .map(NoteVerifier::parse)
        .transpose()?;
    let mut reader = open_export(&args.file)?;
    let options = ChainOptions {
        expected_device: args.key,
        mode: if args.batch {
            VerifyMode::Batch
        } else {
            VerifyMode::Strict
        },
        ..ChainOptions::default()
    };
    let path = args.file.clone();
    let mut verifier = ChainVerifier::new(options, move |position| reread(&path, position));
    // The last record read: the head a trailer vouches for. One record, never the whole log.
    let mut last: Vec<u8> = Vec::new();
    let mut read_error = None;
    loop {
        match reader.next_record() {
            Ok(Some(record)) => {
                last.clone_from(&record);
                if verifier.push(record) == Next::Done {
                    break;
                }
            }
            Ok(None) => break,
            Err(error) => {
                read_error = Some(error);
                break;
            }
        }
    }
    let records = verifier.records_seen() as u64;
    let result = verifier.finish();
    let language = args.lang;
    let broken = |seq: u64, kind: &str, text: String| {
        let line = bilingual!(language,
            en: "BROKEN at event {seq}: {kind}: {text}",
            es: "ROTA en el evento {seq}: {kind}: {text}",
        );
        println!("{line}");
        Ok(ExitCode::from(1))
    };
    let report = match (result, read_error) {
        (Err(failure), _) if !(records == 0 && matches!(failure.kind, FailureKind::Empty)) => {
            return broken(failure.seq, failure.kind.name(), failure.message(language))
        }
        (_, Some(error @ ExportError::MissingTrailer { .. })) => {
            return broken(records + 1, "truncated", error.message(language))
        }
        (_, Some(error)) => return broken(records + 1, "malformed", error.message(language)),
        (Err(failure), None) => {
            return broken(failure.seq, failure.kind.name(), failure.message(language))
        }
        (Ok(report), None) => report,
    };
    let head_seq = report.events;
    let trailer_note = match reader.trailer() {
        None => None,
        Some(trailer) => {
            let end = ExportEnd {
                device: Some(report.device),
                records,
                head_seq,
                head_record: &last,
            };
            if let Err(error) = trailer.check(&end, ledger_key.as_ref()) {
                return broken(head_seq, "bad_trailer", error.message(language));
            }
            Some(trailer)
        }
    };
    if let Some(known) = args.head {
        if head_seq < known {
            let first_missing = head_seq + 1;
            let text = bilingual!(language,
                en: "the export ends at event {head_seq}, but the device's known head is event {known}: events {first_missing} to {known} are missing (truncated)",
                es: "la exportación termina en el evento {head_seq}, pero el último evento conocido del dispositivo es el {known}: faltan los eventos {first_missing} a {known} (truncada)",
            );
            return broken(head_seq + 1, "truncated", text);
        }
    }
    let (events, device, head_hash) = (report.events, report.device, report.head_hash);
    let intact = bilingual!(language,
        en: "intact: {events} events signed by device {device}, last record {head_hash}",
        es: "intacta: {events} eventos firmados por el dispositivo {device}, último registro {head_hash}",
    );
    println!("{intact}");
    let end_line = match trailer_note {
        Some(Trailer::Device(_)) => bilingual!(language,
            en: "end: the export's trailer, signed by the device, vouches for its last event",
            es: "final: el cierre de la exportación, firmado por el dispositivo, garantiza su último evento",
        ),
        Some(Trailer::Ledger(trailer)) => {
            let entry = trailer.log_index;
            let key = match args.ledger_key {
                Some(_) => bilingual!(language,
                    en: ", checkpoint signature verified",
                    es: ", firma del punto de control verificada",
                ),
                None => bilingual!(language,
                    en: "; give --ledger-key to check the checkpoint's signature",
                    es: "; use --ledger-key para comprobar la firma del punto de control",
                ),
            };
            bilingual!(language,
                en: "end: the ledger's checkpoint includes the last record as entry {entry} (inclusion proof verified{key})",
                es: "final: el punto de control del ledger incluye el último registro como entrada {entry} (prueba de inclusión verificada{key})",
            )
        }
        None => bilingual!(language,
            en: "note: a version 1 export has no trailer: a cut after a whole event cannot be seen (use --head SEQ with the device's known head)",
            es: "nota: una exportación de versión 1 no tiene cierre: un corte después de un evento completo no se puede ver (use --head SEQ con el último evento conocido)",
        ),
    };
    println!("{end_line}");
    if let Some(known) = args.head {
        if head_seq > known {
            let note = bilingual!(language,
                en: "note: the export goes beyond the known head (event {known})",
                es: "nota: la exportación va más allá del último evento conocido ({known})",
            );
            println!("{note}");
        }
    }
    for anomaly in &report.anomalies {
        let anomaly = anomaly.message(language);
        let note = bilingual!(language, en: "note: {anomaly}", es: "nota: {anomaly}");
        println!("{note}");
    }
    Ok(ExitCode::SUCCESS)
}

//! `tally`: the handheld app and the tool subcommands a warehouse technician uses.
//!
//! Each subcommand lives in its own module under `cmd/` and only parses arguments, calls a
//! library crate and prints; no domain logic lives here. Exit status: 0 when everything
//! worked, 1 when the input had problems (each one printed), 2 on a usage error; 0, quietly,
//! when the reader of the output goes away (`tally replica stats | head -1`, see tally-stdout).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// tally — scan, weigh, count and move regulated stock, online or off.
#[derive(Debug, Parser)]
#[command(name = "tally", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The handheld app: sign in, see the tasks waiting, look packages up (keys and
    /// configuration: crates/tally-app/README.md).
    App(cmd::app::AppArgs),
    /// Decode barcode or RFID scans: GS1 barcodes, GS1 Digital Link, RFID EPCs, Metrc tags,
    /// BioTrack ids. Says what each scan is and what is wrong with it.
    #[command(
        long_about = "Decode barcode or RFID scans and say what each one is: GS1 element \
strings (GTIN, batch, expiry ...), GS1 Digital Link web addresses, RFID EPCs, Metrc tags and \
BioTrack ids. Every problem is spelled out, e.g. \"GTIN check digit should be 8, got 7\"."
    )]
    Decode(cmd::decode::DecodeArgs),
    /// Scanners, RFID readers and scales: list, profiles, monitor, capture, simulate, replay.
    Devices(cmd::devices::DevicesArgs),
    /// Show and verify exported signed event logs.
    Log(cmd::log::LogArgs),
    /// Create and inspect a device's offline replica.
    Replica(cmd::replica::ReplicaArgs),
    /// Demo data: a realistic facility in a new replica.
    Demo(cmd::demo::DemoArgs),
    /// Verify a UID's chain-of-custody bundle from the ledger, offline, with the ledger's key.
    Audit(cmd::audit::AuditArgs),
}

fn main() -> ExitCode {
    // A reader that goes away (`tally replica stats | head -1`) ends any command quietly with
    // status 0, `println!` included (see tally-stdout).
    tally_stdout::end_quietly_when_closed();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::App(args) => cmd::app::run(args),
        Command::Decode(args) => cmd::decode::run(args),
        Command::Devices(args) => cmd::devices::run(args),
        Command::Log(args) => cmd::log::run(args),
        Command::Replica(args) => cmd::replica::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Audit(args) => cmd::audit::run(args),
    };
    match outcome {
        Ok(code) => code,
        // The reader of our output went away (`tally decode ... | head`): stop quietly, as
        // ripgrep and other well-behaved filters do, instead of printing "Broken pipe".
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tally: {}", error_text(&error));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line, `context: cause: cause`, each thing said once: a
/// cause whose text the line already holds (a library error that quotes its own source) is
/// not repeated.
fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Whether an error comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let kind = if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            Some(io.kind())
        } else {
            // JSON written straight to stdout wraps the I/O error in its own type.
            cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

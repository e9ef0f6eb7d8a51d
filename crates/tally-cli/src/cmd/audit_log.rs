//! `tally audit --ledger URL --key KEY [--threads N]`: an auditor's full verification of the
//! log a ledger serves, from its `/log/` tiles and the log's note verifier key alone
//! (`tally_ledger_client::audit`): the signed checkpoint, every entry's signature on every
//! core, every device's chain, and the Merkle root, streaming in bounded memory. Prints one
//! line with plain integer counts; exit 1 with `NOT VERIFIED: <reason>` when it fails
//! (`NO VERIFICADO: ...` with `--lang es`).

use std::process::ExitCode;
use std::time::Duration;

use tally_events::{Language, Message};
use tally_ledger_client::audit::{audit_served_log, LogAuditError, LogAuditOptions};
use tally_ledger_client::{ClientOptions, LedgerClient};

use super::audit::AuditArgs;

/// Runs the verification of the log at `url` with the verifier key `key`.
pub fn run(url: &str, args: &AuditArgs, key: String) -> anyhow::Result<ExitCode> {
    let ca_pem = match &args.ca_cert {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            anyhow::anyhow!(
                "cannot read the CA certificate {} / no se puede leer el certificado: {e}",
                path.display()
            )
        })?),
        None => None,
    };
    let client = LedgerClient::new(
        url,
        &ClientOptions {
            timeout: Duration::from_secs(120),
            ca_pem,
            ..ClientOptions::default()
        },
    )?;
    let mut options = LogAuditOptions::default();
    if let Some(threads) = args.threads {
        options.threads = threads.max(1);
    }
    match audit_served_log(&client, &key, &options) {
        Ok(report) => {
            let seconds = report.elapsed.as_secs_f64();
            println!(
                "log verified: {} entries, {} devices, checkpoint root {}; {:.3} s, {:.0} entries/s on {} threads",
                report.checkpoint.size,
                report.devices,
                report.checkpoint.root,
                seconds,
                report.checkpoint.size as f64 / seconds.max(1e-9),
                options.threads
            );
            Ok(ExitCode::SUCCESS)
        }
        // The ledger could not be read: not a verdict on the log.
        Err(LogAuditError::Client(error)) => Err(error.into()),
        Err(failure) => {
            match args.lang {
                Language::English => eprintln!("NOT VERIFIED: {failure}"),
                Language::Spanish => {
                    eprintln!("NO VERIFICADO: {}", failure.message(Language::Spanish))
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

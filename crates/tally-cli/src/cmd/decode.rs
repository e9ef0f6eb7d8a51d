//! `tally decode`: decode scans given as arguments or on standard input.

use std::process::ExitCode;

/// Arguments of `tally decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// Scans to decode; each line of standard input when none are given.
    pub scans: Vec<String>,
}

/// Runs `tally decode`.
pub fn run(_args: DecodeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the scan decoder is being built on this branch")
}

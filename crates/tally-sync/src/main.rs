//! `tallyd`: the sync daemon of a handheld.
//!
//! When the device is docked it pushes the device's signed events to the central ledger and
//! pulls the replica's snapshot and deltas. The protocol lands with the sync issue; until then
//! the binary exists so that packaging, service files and scripts can name it.

use clap::Parser;

/// tallyd — carries a handheld's signed events to the central ledger when the device is docked.
///
/// Syncing arrives with the sync-daemon issue; this build only reports its version.
#[derive(Debug, Parser)]
#[command(name = "tallyd", version)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    println!(
        "tallyd {}: no ledger is configured on this build; devices work offline",
        env!("CARGO_PKG_VERSION")
    );
}

//! `tally-ledger`: the central ledger server.
//!
//! It receives devices' signed events, verifies every signature and chain link, stores them
//! append-only in PostgreSQL and serves snapshots and deltas to the replicas. The server lands
//! with the ledger issue; until then the binary exists so scripts can name it.

use clap::Parser;

/// tally-ledger — verifies, stores and serves every device's signed events.
///
/// Serving arrives with the ledger issue; this build only reports its version.
#[derive(Debug, Parser)]
#[command(name = "tally-ledger", version)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    println!(
        "tally-ledger {}: the server is not part of this build yet",
        env!("CARGO_PKG_VERSION")
    );
}

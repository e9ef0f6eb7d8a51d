//! One module per `tally` subcommand.

pub mod decode;
pub mod log;

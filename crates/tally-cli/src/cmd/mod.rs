//! One module per `tally` subcommand.

pub mod decode;
pub mod devices;
pub mod log;

//! One module per `tally` subcommand.

pub mod app;
pub mod audit;
pub mod decode;
pub mod demo;
pub mod devices;
pub mod log;
pub mod log_db;
pub mod log_export;
pub mod replica;
pub mod sync;

//! tally-cli's integration tests, one binary (one link instead of ten): each file is a module
//! named as its file was (`cargo test -p tally-cli --test all decode::`). `tests/log_memory.rs`
//! stays a binary of its own: it measures its children's peak memory (`RUSAGE_CHILDREN` is
//! per process), so no other test's children may run in its process.

mod app_args;
mod app_tmux;
mod audit;
mod audit_log;
mod closed_output;
mod decode;
mod demo_tmux;
mod devices;
mod dock_view;
mod log;
mod log_db;
mod replica;

//! tally-replica's integration tests, one binary (one link instead of ten): each file is a
//! module named as its file was, so `cargo test -p tally-replica --test all count::` runs
//! what `--test count` ran. Tests that start this binary again as a child name themselves
//! with their module (`crash::…`, `custody::…`).

mod count;
mod count_sweep;
mod crash;
mod custody;
mod floor;
mod logs;
mod pins;
mod receiving;
mod refusal;
mod release;
mod replica;
mod sync;

//! tally-floor's end-to-end tests, one binary: each file is a module named as its file was
//! (`cargo test -p tally-floor --test all flows::`).

#[path = "../../../tally-replica/tests/common/mod.rs"]
mod common;

mod floor;
mod flows;
mod receiving;

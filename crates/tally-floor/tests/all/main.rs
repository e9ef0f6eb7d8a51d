//! tally-floor's end-to-end tests, one binary: each file is a module named as its file was
//! (`cargo test -p tally-floor --test all flows::`).

mod floor;
mod flows;
mod receiving;

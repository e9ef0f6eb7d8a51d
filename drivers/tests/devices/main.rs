//! The drivers against real serial I/O in one test binary: simulators on pseudo-terminals, the
//! serial transport, sessions, the manager (commands, unplug and replug) and calibration
//! checks.

mod support;

mod calibration;
mod manager_commands;
mod manager_replug;
mod sim_rfid;
mod sim_scale;

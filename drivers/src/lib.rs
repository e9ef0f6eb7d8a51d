//! Device drivers for the handheld: transports (hidraw, raw USB, serial), pure protocol
//! decoders, firmware profiles, the device manager and simulators.
#![warn(missing_docs)]
// No unwrap on data from outside: the library returns errors; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod event;
pub mod protocol;

pub mod capture;
pub mod driver;
pub mod interrupt;
pub mod manager;
pub mod profile;
pub mod pty;
pub mod report;
pub mod sim;
pub mod transport;

//! The handheld app: what a receiver, picker, counter or supervisor holds all shift.
//!
//! Architecture (see `README.md`): one stream of [`event::Event`]s (keys, device events,
//! timers, the worker's and the reader's replies, sync status) feeds a pure state machine
//! ([`state::update`], no I/O) that returns [`event::Effect`]s; rendering is a pure function
//! of the state ([`render::render`]); one worker thread owns the replica and does every commit
//! ([`worker`]); screens read through a read-only connection on their own thread ([`reader`]);
//! [`devices`] opens the configured scanner, RFID reader and scale through the drivers and
//! feeds their events in; [`mod@run`] wires the terminal and the threads together. Workflow rules live in the core
//! (`tally-replica`), never here.
//!
//! Map: [`screens`] (one module per screen or flow: its state, update, render and words; the
//! shared [`screens::Screen`] enum and the dispatch), [`wedge`] (scanner or person, by
//! keystroke timing), [`menu`] (home's entries, in contract order), [`list`] (numbered rows,
//! arrows, what fits), [`text`] (the words every screen shares, in English and Spanish),
//! [`config`] (the TOML file and command-line overrides), [`scale`] (what the weighing screens
//! show of the scale and which weights they may record).
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod config;
pub mod devices;
pub mod event;
pub mod list;
pub mod menu;
pub mod reader;
pub mod render;
pub mod run;
pub mod scale;
pub mod screens;
pub mod state;
pub mod text;
pub mod wedge;
pub mod worker;

pub use config::{Config, Overrides};
pub use run::{run, run_with, RunError, Start};

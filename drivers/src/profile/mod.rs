//! Firmware profiles: one validated TOML file per device model and interface mode.
//!
//! A profile says how to recognise a device (USB vendor/product id, HID usage page or interface,
//! or a serial port path pattern), how to open it (baud, parity, data/stop bits, flow control,
//! endpoints), which protocol it speaks and with which parameters, which commands initialise it,
//! its known quirks, the vendor document the facts come from, and whether they are confirmed on
//! hardware (`verified`). The profile id is the file stem.
//!
//! Files are parsed with `deny_unknown_fields`, so a misspelt key is an error that names the
//! file and the key; [`Profile::validate`] then checks values (ranges, protocol/transport
//! compatibility, required fields after `extends` is resolved). The shipped profiles under
//! `firmware-profiles/` are embedded at build time ([`ProfileSet::embedded`]); a directory of
//! the same layout can be loaded at run time ([`ProfileSet::load_dir`]).
//!
//! This module does no device I/O. Its files: `schema.rs` (the types of a profile and of its
//! file), `validation.rs` (every value checked, errors naming file and key), `loading.rs`
//! (parsing, `extends`, the embedded set and directories), `matching.rs` (which profile fits a
//! device) and `udev.rs` (the udev rules that give devices stable names).

mod loading;
mod matching;
mod schema;
mod udev;
mod validation;

pub use loading::ProfileSet;
pub use matching::glob_match;
pub use schema::*;
pub use udev::udev_rules;

use std::path::PathBuf;

/// Most profile files a directory may hold; more is a configuration error, not a profile set.
pub const MAX_PROFILES: usize = 1024;
/// Largest profile file accepted, in bytes.
pub const MAX_PROFILE_FILE_BYTES: u64 = 64 * 1024;
/// Longest `extends` chain.
pub const MAX_EXTENDS_DEPTH: usize = 8;
/// Most init commands in one profile.
pub const MAX_INIT_COMMANDS: usize = 32;
/// Longest init command, in bytes.
pub const MAX_INIT_COMMAND_BYTES: usize = 256;

/// Baud rates a serial profile may ask for.
pub const BAUD_RATES: &[u32] = &[
    300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
];

/// Why a profile or a profile set could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read device profile {file}: {reason}")]
    Read {
        /// The file.
        file: String,
        /// What the operating system said.
        reason: String,
    },
    /// The file is not valid TOML or has an unknown or misspelt key.
    #[error("device profile {file} is not valid: {reason}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message, which names the key and line.
        reason: String,
    },
    /// A value is missing or out of range.
    #[error("device profile {file}: `{key}` {problem}")]
    Invalid {
        /// The file.
        file: String,
        /// The key, dotted (`transport.baud`).
        key: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Two files have the same stem.
    #[error("two device profiles share the id `{id}`: {first} and {second}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
    /// No profile with that id.
    #[error("there is no device profile `{0}` (see `tally devices profiles`)")]
    Unknown(String),
    /// The directory holds more profiles than [`MAX_PROFILES`].
    #[error("{dir} holds more than {max} device profiles", max = MAX_PROFILES)]
    TooMany {
        /// The directory.
        dir: String,
    },
}

fn invalid(file: &str, key: &str, problem: impl Into<String>) -> ProfileError {
    ProfileError::Invalid {
        file: file.to_string(),
        key: key.to_string(),
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests;

//! The commands a driver sends, behind one small trait ([`ProtocolCommands`]) that each
//! protocol implements in its own file: scale polls, zero and tare, RFID inventory start/stop, RF
//! power, and the ThingMagic tag-buffer steps. The driver asks [`ProtocolId::commands`] for
//! the protocol's set and never matches on protocol names; a protocol without a command
//! answers [`CommandError::Unsupported`].
//!
//! Pure: commands are bytes, no I/O.

use thiserror::Error;

use super::ProtocolId;

/// Why a command could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// The protocol has no such command.
    #[error("the protocol has no such command")]
    Unsupported,
    /// A profile's `poll_command` is not a reading command of the protocol.
    #[error("`{0}` is not a reading command of this protocol")]
    NotAPoll(String),
    /// A parameter cannot be encoded (out of range, too long).
    #[error("{0}")]
    Invalid(String),
}

impl CommandError {
    /// Wraps an encoder's error.
    pub fn invalid(e: impl std::fmt::Display) -> CommandError {
        CommandError::Invalid(e.to_string())
    }
}

/// What an inventory round is run with (from the profile and later changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundSettings {
    /// Reader address (Chafon; 0xFF = broadcast).
    pub address: u8,
    /// Gen2 Q.
    pub q: u8,
    /// Gen2 session (0 to 3).
    pub session: u8,
    /// Antenna.
    pub antenna: u8,
    /// How long the reader scans, in milliseconds.
    pub scan_time_ms: u64,
}

/// The commands of one protocol. Every method has a default for protocols without it.
pub trait ProtocolCommands: Sync {
    /// Bytes asking a scale for one reading, for a profile's `poll_command` (`SI`, `Q`, …).
    fn poll(&self, command: &str) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::NotAPoll(command.to_string()))
    }

    /// Bytes zeroing a scale.
    fn zero(&self) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::Unsupported)
    }

    /// Bytes taring a scale (the load on it now becomes the tare, once stable).
    fn tare(&self) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::Unsupported)
    }

    /// Bytes starting one inventory round.
    fn inventory_start(&self, _round: &RoundSettings) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::Unsupported)
    }

    /// Bytes stopping a running inventory; `None` for readers whose rounds end on their own.
    fn inventory_stop(&self) -> Result<Option<Vec<u8>>, CommandError> {
        Ok(None)
    }

    /// Bytes setting the RF transmit power.
    fn set_power(&self, _address: u8, _dbm: u8) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::Unsupported)
    }

    /// Whether the inventory command carries the Gen2 session (so changing it matters).
    fn takes_session(&self) -> bool {
        false
    }

    /// Whether a round has no end marker and ends once the line is quiet (M100 single
    /// inventory).
    fn round_ends_when_quiet(&self) -> bool {
        false
    }

    /// Readers that buffer tags (ThingMagic): bytes fetching the buffered tags after a
    /// round's reply; `Unsupported` for readers that report tags as they read them.
    fn fetch_tags(&self) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::Unsupported)
    }

    /// Readers that buffer tags: bytes clearing the buffer once a round is read.
    fn clear_tags(&self) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::Unsupported)
    }
}

/// Barcode scanners: no commands through the driver.
#[derive(Debug, Clone, Copy)]
pub struct NoCommands;

impl ProtocolCommands for NoCommands {}

impl ProtocolId {
    /// The protocol's commands.
    pub fn commands(self) -> &'static dyn ProtocolCommands {
        match self {
            ProtocolId::HidPos | ProtocolId::KeyboardWedge | ProtocolId::SerialBarcode => {
                &NoCommands
            }
            ProtocolId::ChafonUhfReader18 => {
                &super::chafon::Commands(super::chafon::ChafonFamily::UhfReader18)
            }
            ProtocolId::ChafonUhfReader288 => {
                &super::chafon::Commands(super::chafon::ChafonFamily::UhfReader288)
            }
            ProtocolId::ThingMagicMercury => &super::thingmagic::Commands,
            ProtocolId::M100Bb7e => &super::m100::Commands,
            ProtocolId::MtSics => &super::mt_sics::Commands,
            ProtocolId::AndStandard => &super::and_standard::Commands,
            ProtocolId::Ohaus => &super::ohaus::Commands,
            ProtocolId::Nci => &super::nci::Commands,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A protocol, its zero bytes and its tare bytes (`None`: it has no tare).
    type Case = (ProtocolId, &'static [u8], Option<&'static [u8]>);

    #[test]
    fn scales_tare_and_zero_with_their_protocol_s_commands() {
        let cases: [Case; 4] = [
            (ProtocolId::MtSics, b"Z\r\n", Some(b"T\r\n")),
            (ProtocolId::AndStandard, b"R\r\n", Some(b"T\r\n")),
            (ProtocolId::Ohaus, b"Z\r\n", Some(b"T\r\n")),
            // NCI scales have no tare command.
            (ProtocolId::Nci, b"Z\r", None),
        ];
        for (protocol, zero, tare) in cases {
            let commands = protocol.commands();
            assert_eq!(commands.zero().unwrap(), zero, "{protocol:?}");
            match tare {
                Some(bytes) => assert_eq!(commands.tare().unwrap(), bytes, "{protocol:?}"),
                None => assert_eq!(commands.tare(), Err(CommandError::Unsupported)),
            }
        }
        assert_eq!(
            ProtocolId::KeyboardWedge.commands().tare(),
            Err(CommandError::Unsupported)
        );
    }
}

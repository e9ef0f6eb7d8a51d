//! Pure protocol codecs: byte streams from devices → [`DeviceEvent`]s, and commands → bytes.
//!
//! Every decoder implements [`Decoder`]: it is fed arbitrary chunks (a whole capture, one byte at
//! a time, a frame torn across two reads) and emits events or precise errors. Decoders never do
//! I/O, never panic on input, keep their buffers bounded whatever they are fed, and resynchronise
//! after garbage (line noise, a torn frame, a bad CRC) without losing the next good frame.
//!
//! Command encoders are plain values with a `to_bytes` method (no I/O either). Profiles name a
//! protocol by id (`"mt-sics"`, `"chafon-uhfreader288"`, …); [`decoder_for`] builds its decoder
//! from [`ProtocolParams`].
//!
//! This module must not depend on any transport crate (hidapi, rusb, serialport).

pub mod and_standard;
pub mod calibration;
pub mod chafon;
pub mod commands;
pub mod crc;
pub mod framing;
pub mod hid_descriptor;
pub mod hid_pos;
pub mod inventory;
pub mod keyboard_wedge;
pub mod m100;
pub mod mt_sics;
pub mod nci;
pub mod ohaus;
pub mod serial_barcode;
pub mod thingmagic;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::event::DeviceEvent;

/// A pure, incremental decoder of one device protocol.
pub trait Decoder: Send {
    /// Feeds the next bytes read from the device; appends decoded events to `out`.
    ///
    /// `chunk` may hold any part of the stream: several frames, a part of one, garbage. For HID
    /// decoders (`hid-pos`, `keyboard-wedge`) one chunk is normally one input report as hidraw
    /// returns it; they also accept reports split over several chunks.
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>);

    /// Forgets any partial frame and state (after a reconnect or a port flush).
    fn reset(&mut self);

    /// The device has been silent for a while (call it after a read timeout of at least 50 ms
    /// with nothing read, i.e. many byte times at the slowest baud rate in use): a partial frame
    /// or line still buffered will never complete. Serial decoders drop it (reported as
    /// [`ProtocolError::Noise`](crate::event::ProtocolError::Noise)) and decode any complete
    /// frame found behind its start. HID decoders keep their state: a keyboard-wedge scan or a
    /// continued HID POS scan may pause between reports.
    fn idle(&mut self, out: &mut Vec<DeviceEvent>);

    /// Tells the decoder which command the driver just sent (the exact bytes, as produced by an
    /// encoder of this protocol), so that it can check that a reply answers it. Decoders of
    /// protocols without commands ignore it.
    fn command_sent(&mut self, _command: &[u8]) {}

    /// The protocol this decoder speaks.
    fn protocol(&self) -> ProtocolId;
}

/// Largest prefix/suffix a serial barcode profile may configure.
pub const FRAMING_BYTES_MAX: usize = 16;
/// Largest scan (bytes) any barcode decoder accepts before giving up on a missing terminator.
pub const SCAN_BYTES_MAX: usize = 8 * 1024;
/// Largest HID report descriptor accepted.
pub const HID_DESCRIPTOR_BYTES_MAX: usize = 4 * 1024;

/// The protocols a firmware profile can name (`protocol = "…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolId {
    /// HID POS barcode scanner reports (usage page 0x8C)
    HidPos,
    /// HID boot-keyboard reports from a scanner in keyboard (wedge) mode
    KeyboardWedge,
    /// serial barcode scanner with prefix/suffix framing
    SerialBarcode,
    /// Chafon UHFReader18 family (CRC-16/0x8408, no RSSI)
    ChafonUhfReader18,
    /// Chafon UHFReader288 family (antenna mask + RSSI)
    ChafonUhfReader288,
    /// ThingMagic / JADAK Mercury serial protocol
    ThingMagicMercury,
    /// "BB…7E" M100-class UHF modules
    M100Bb7e,
    /// Mettler Toledo MT-SICS
    MtSics,
    /// A&D standard format
    AndStandard,
    /// Ohaus print / continuous output
    Ohaus,
    /// NCI / Weigh-Tronix / Brecknell (SCP-01)
    Nci,
}

impl ProtocolId {
    /// Every protocol, in a fixed order.
    pub const ALL: [ProtocolId; 11] = [
        ProtocolId::HidPos,
        ProtocolId::KeyboardWedge,
        ProtocolId::SerialBarcode,
        ProtocolId::ChafonUhfReader18,
        ProtocolId::ChafonUhfReader288,
        ProtocolId::ThingMagicMercury,
        ProtocolId::M100Bb7e,
        ProtocolId::MtSics,
        ProtocolId::AndStandard,
        ProtocolId::Ohaus,
        ProtocolId::Nci,
    ];

    /// The id used in firmware profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolId::HidPos => "hid-pos",
            ProtocolId::KeyboardWedge => "keyboard-wedge",
            ProtocolId::SerialBarcode => "serial-barcode",
            ProtocolId::ChafonUhfReader18 => "chafon-uhfreader18",
            ProtocolId::ChafonUhfReader288 => "chafon-uhfreader288",
            ProtocolId::ThingMagicMercury => "thingmagic-mercury",
            ProtocolId::M100Bb7e => "m100-bb7e",
            ProtocolId::MtSics => "mt-sics",
            ProtocolId::AndStandard => "and-standard",
            ProtocolId::Ohaus => "ohaus",
            ProtocolId::Nci => "nci",
        }
    }

    /// What kind of device speaks it.
    pub fn device_kind(self) -> DeviceKind {
        match self {
            ProtocolId::HidPos | ProtocolId::KeyboardWedge | ProtocolId::SerialBarcode => {
                DeviceKind::Scanner
            }
            ProtocolId::ChafonUhfReader18
            | ProtocolId::ChafonUhfReader288
            | ProtocolId::ThingMagicMercury
            | ProtocolId::M100Bb7e => DeviceKind::Rfid,
            ProtocolId::MtSics | ProtocolId::AndStandard | ProtocolId::Ohaus | ProtocolId::Nci => {
                DeviceKind::Scale
            }
        }
    }
}

impl fmt::Display for ProtocolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl serde::Serialize for ProtocolId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A protocol id compares equal to its profile name (`ProtocolId::MtSics == "mt-sics"`).
impl PartialEq<str> for ProtocolId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ProtocolId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The profile names of every protocol, comma separated (for messages).
pub fn known_protocols() -> String {
    ProtocolId::ALL.map(ProtocolId::as_str).join(", ")
}

impl FromStr for ProtocolId {
    type Err = UnknownProtocol;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProtocolId::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownProtocol {
                name: s.chars().take(64).collect(),
            })
    }
}

/// Which family of device a protocol (and so a profile) belongs to. In profile files:
/// `scanner`, `rfid`, `scale`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    /// Barcode scanner.
    Scanner,
    /// UHF RFID reader.
    Rfid,
    /// Weighing scale.
    Scale,
}

impl DeviceKind {
    /// The directory name under `firmware-profiles/`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Scanner => "scanner",
            DeviceKind::Rfid => "rfid",
            DeviceKind::Scale => "scale",
        }
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A profile named a protocol this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown protocol {name:?}; known protocols: {}", known_protocols())]
pub struct UnknownProtocol {
    /// the name as given (at most 64 characters)
    pub name: String,
}

/// Protocol parameters a firmware profile can set. Every field has a default that suits the
/// common configuration; a decoder ignores the fields that do not concern it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolParams {
    /// serial-barcode: bytes sent before every scan (empty = none).
    pub prefix: Vec<u8>,
    /// serial-barcode: bytes that end every scan (default CR; a following LF is tolerated).
    pub suffix: Vec<u8>,
    /// serial-barcode, keyboard-wedge: the scanner is set to send the AIM identifier first.
    /// Decoders keep the identifier in the scan either way; `tally-ids` reads it.
    pub aim_prefixed: bool,
    /// keyboard-wedge, serial-barcode: the printable byte the scanner is configured to send in
    /// place of FNC1/GS; it is turned back into GS (0x1D).
    pub fnc1_substitute: Option<u8>,
    /// keyboard-wedge: Tab also ends a scan (besides Enter).
    pub tab_terminates: bool,
    /// hid-pos: the interface's report descriptor (from hidraw); `None` = the common 64-byte
    /// Honeywell layout.
    pub hid_descriptor: Option<Vec<u8>>,
    /// Largest scan accepted by barcode decoders (bytes, at most [`SCAN_BYTES_MAX`]).
    pub max_scan_bytes: usize,
}

impl Default for ProtocolParams {
    fn default() -> Self {
        ProtocolParams {
            prefix: Vec::new(),
            suffix: vec![b'\r'],
            aim_prefixed: false,
            fnc1_substitute: None,
            tab_terminates: false,
            hid_descriptor: None,
            max_scan_bytes: SCAN_BYTES_MAX,
        }
    }
}

/// Parameters a profile gave that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParamsError {
    /// The protocol name is unknown.
    #[error(transparent)]
    UnknownProtocol(#[from] UnknownProtocol),
    /// A prefix or suffix is longer than [`FRAMING_BYTES_MAX`].
    #[error("{field} is {len} bytes long; at most {FRAMING_BYTES_MAX} are allowed")]
    FramingTooLong {
        /// `prefix` or `suffix`
        field: &'static str,
        /// its length
        len: usize,
    },
    /// A serial scanner without a suffix cannot tell where a scan ends.
    #[error("suffix is empty: a serial scanner must end every scan with a suffix (usually CR)")]
    EmptySuffix,
    /// The FNC1 substitute must be a printable ASCII character.
    #[error("fnc1_substitute 0x{0:02X} is not a printable ASCII character")]
    BadFnc1Substitute(u8),
    /// `max_scan_bytes` is 0 or above [`SCAN_BYTES_MAX`].
    #[error("max_scan_bytes must be between 1 and {SCAN_BYTES_MAX}, not {0}")]
    BadMaxScan(usize),
    /// The HID report descriptor does not describe a barcode scanner report.
    #[error("HID report descriptor: {0}")]
    BadDescriptor(#[from] hid_descriptor::DescriptorError),
}

impl ProtocolParams {
    /// Checks the parameters that every decoder relies on.
    pub fn validate(&self) -> Result<(), ParamsError> {
        if self.prefix.len() > FRAMING_BYTES_MAX {
            return Err(ParamsError::FramingTooLong {
                field: "prefix",
                len: self.prefix.len(),
            });
        }
        if self.suffix.len() > FRAMING_BYTES_MAX {
            return Err(ParamsError::FramingTooLong {
                field: "suffix",
                len: self.suffix.len(),
            });
        }
        if let Some(b) = self.fnc1_substitute {
            if !b.is_ascii_graphic() {
                return Err(ParamsError::BadFnc1Substitute(b));
            }
        }
        if self.max_scan_bytes == 0 || self.max_scan_bytes > SCAN_BYTES_MAX {
            return Err(ParamsError::BadMaxScan(self.max_scan_bytes));
        }
        Ok(())
    }
}

/// Builds the decoder for `protocol` with the profile's parameters.
pub fn decoder_for(
    protocol: ProtocolId,
    params: &ProtocolParams,
) -> Result<Box<dyn Decoder>, ParamsError> {
    params.validate()?;
    Ok(match protocol {
        ProtocolId::HidPos => Box::new(hid_pos::HidPosDecoder::from_params(params)?),
        ProtocolId::KeyboardWedge => Box::new(keyboard_wedge::WedgeDecoder::new(params)),
        ProtocolId::SerialBarcode => Box::new(serial_barcode::SerialBarcodeDecoder::new(params)?),
        ProtocolId::ChafonUhfReader18 => Box::new(chafon::ChafonDecoder::new(
            chafon::ChafonFamily::UhfReader18,
        )),
        ProtocolId::ChafonUhfReader288 => Box::new(chafon::ChafonDecoder::new(
            chafon::ChafonFamily::UhfReader288,
        )),
        ProtocolId::ThingMagicMercury => Box::new(thingmagic::MercuryDecoder::new()),
        ProtocolId::M100Bb7e => Box::new(m100::M100Decoder::new()),
        ProtocolId::MtSics => Box::new(mt_sics::MtSicsDecoder::new()),
        ProtocolId::AndStandard => Box::new(and_standard::AndDecoder::new()),
        ProtocolId::Ohaus => Box::new(ohaus::OhausDecoder::new()),
        ProtocolId::Nci => Box::new(nci::NciDecoder::new()),
    })
}

/// Builds the decoder for the protocol named `name` (as in a firmware profile) with default
/// parameters; `None` when the name is unknown.
pub fn protocol_by_id(name: &str) -> Option<Box<dyn Decoder>> {
    let id = name.parse::<ProtocolId>().ok()?;
    decoder_for(id, &ProtocolParams::default()).ok()
}

/// Decodes a whole byte slice with a fresh decoder state: a convenience for tests and replay.
pub fn decode_all(decoder: &mut dyn Decoder, bytes: &[u8]) -> Vec<DeviceEvent> {
    let mut out = Vec::new();
    decoder.feed(bytes, &mut out);
    out
}

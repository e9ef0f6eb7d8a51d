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
//! This module does no device I/O.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::protocol::{self, ProtocolId};

/// The shipped profile files: (path relative to `firmware-profiles/`, contents).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_profiles.rs"));

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

/// Which family of device a profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// How the device is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransportKind {
    /// A serial line: RS-232, USB-CDC or a USB-serial bridge.
    Serial,
    /// A HID interface read through Linux hidraw (hidapi).
    Hidraw,
    /// Raw USB bulk/interrupt endpoints (rusb), for devices that are neither HID nor CDC.
    Usb,
}

/// Serial parity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parity {
    /// No parity bit.
    None,
    /// Even parity.
    Even,
    /// Odd parity.
    Odd,
}

/// Serial flow control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowControl {
    /// None.
    None,
    /// XON/XOFF.
    Software,
    /// RTS/CTS.
    Hardware,
}

/// One USB match rule: vendor id, and optionally product id, HID usage page and interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsbMatch {
    /// USB vendor id.
    pub vendor_id: u16,
    /// USB product id; any product of the vendor when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<u16>,
    /// HID usage page of the interface (0x8C = barcode scanner, 0x01 = generic desktop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_page: Option<u16>,
    /// HID usage within the page (0x06 = keyboard on page 0x01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<u16>,
    /// USB interface number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<u8>,
}

/// One HID usage page rule for any vendor (generic profiles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HidUsageMatch {
    /// HID usage page.
    pub usage_page: u16,
    /// HID usage within the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<u16>,
}

/// One serial match rule: a path pattern and optionally the USB ids of the bridge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialMatch {
    /// Port path pattern, `*` and `?` wildcards (`/dev/serial/by-id/usb-Mettler*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// USB vendor id of the port (CDC device or bridge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usb_vendor_id: Option<u16>,
    /// USB product id of the port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usb_product_id: Option<u16>,
}

/// How to recognise the device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRules {
    /// USB rules (hidraw and raw USB devices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usb: Vec<UsbMatch>,
    /// Vendor-independent HID usage rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hid_usage: Vec<HidUsageMatch>,
    /// Serial port rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serial: Vec<SerialMatch>,
}

/// Transport parameters as written in a file (every field optional so `extends` can fill it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TransportFile {
    #[serde(rename = "type")]
    kind: Option<TransportKind>,
    baud: Option<u32>,
    data_bits: Option<u8>,
    parity: Option<Parity>,
    stop_bits: Option<u8>,
    flow_control: Option<FlowControl>,
    read_timeout_ms: Option<u64>,
    interface: Option<u8>,
    endpoint_in: Option<u8>,
    endpoint_out: Option<u8>,
    report_size: Option<usize>,
    grab_keyboard: Option<bool>,
}

/// Transport parameters of a resolved profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransportSettings {
    /// Serial, hidraw or raw USB.
    #[serde(rename = "type")]
    pub kind: TransportKind,
    /// Serial: baud rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baud: Option<u32>,
    /// Serial: data bits (5–8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_bits: Option<u8>,
    /// Serial: parity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parity: Option<Parity>,
    /// Serial: stop bits (1 or 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_bits: Option<u8>,
    /// Serial: flow control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control: Option<FlowControl>,
    /// How long one read waits for data, in milliseconds.
    pub read_timeout_ms: u64,
    /// USB: interface number to claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<u8>,
    /// USB: IN endpoint address (0x81…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_in: Option<u8>,
    /// USB: OUT endpoint address (0x01…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_out: Option<u8>,
    /// HID: input report size in bytes, report id included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_size: Option<usize>,
    /// hidraw keyboard wedge: grab the matching keyboard event device (EVIOCGRAB) so the kernel
    /// does not also type the scan into whatever has focus.
    pub grab_keyboard: bool,
}

/// Protocol parameters (every field optional; which ones apply depends on the protocol).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolParams {
    /// serial-barcode: bytes the scanner sends before each scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// serial-barcode: bytes that end each scan (usually "\r" or "\r\n").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// keyboard-wedge (and serial-barcode): printable character the scanner sends for FNC1/GS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fnc1_substitute: Option<String>,
    /// keyboard-wedge: keyboard layout the scanner types with (only "us" is supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyboard_layout: Option<String>,
    /// Scanners that send an AIM symbology identifier in front of the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aim_prefix: Option<bool>,
    /// Chafon: reader address (0xFF = broadcast).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<u8>,
    /// Scales: the command that asks for a reading ("S", "SI", "W", "IP", "P"); none = the
    /// scale streams on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_command: Option<String>,
    /// Scales and RFID readers: interval between polls or inventory rounds, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval_ms: Option<u64>,
    /// RFID: transmit power in dBm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rf_power_dbm: Option<u8>,
    /// RFID: Gen2 session 0–3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<u8>,
    /// RFID: Gen2 Q value 0–15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_value: Option<u8>,
    /// RFID: antenna number, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antenna: Option<u8>,
    /// RFID: how long one inventory round may take, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_time_ms: Option<u64>,
    /// Scanner: output report that makes it beep, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beep_hex: Option<String>,
    /// Scale: size of one division in the scale's unit ("0.01"), for calibration checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    /// Scale: unit the scale reports in ("g", "kg", "lb").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// One command sent when the device is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitCommand {
    /// What the command does.
    pub note: String,
    /// The bytes as text (escapes such as `\r\n` allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The bytes as hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    /// HID only: send as a feature report instead of an output report.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub feature_report: bool,
}

impl InitCommand {
    /// The bytes to send.
    pub fn bytes(&self) -> Vec<u8> {
        match (&self.text, &self.hex) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(hex)) => hex::decode(hex).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }
}

/// One profile file as written (strict keys, optional values).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    kind: Option<DeviceKind>,
    vendor: Option<String>,
    model: Option<String>,
    mode: Option<String>,
    description: Option<String>,
    extends: Option<String>,
    protocol: Option<String>,
    verified: Option<bool>,
    source: Option<String>,
    #[serde(default)]
    quirks: Vec<String>,
    #[serde(rename = "match")]
    matching: Option<MatchRules>,
    transport: Option<TransportFile>,
    params: Option<ProtocolParams>,
    init: Option<Vec<InitCommand>>,
    /// A generic profile only serves as a base for `extends` and for explicit bindings.
    generic: Option<bool>,
}

/// A resolved, validated firmware profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The id: the file stem.
    pub id: String,
    /// Where it was loaded from (`scale/mettler-toledo-mt-sics.toml` or a path).
    pub file: String,
    /// Scanner, RFID reader or scale.
    pub kind: DeviceKind,
    /// Vendor name.
    pub vendor: String,
    /// Model or model family.
    pub model: String,
    /// Interface mode (keyboard, hid-pos, serial), when the model has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// One line for a technician.
    pub description: String,
    /// The profile this one extends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// The protocol it speaks (written in the file by its name, `protocol = "mt-sics"`).
    pub protocol: ProtocolId,
    /// Whether the facts were confirmed on hardware.
    pub verified: bool,
    /// Vendor document (or other source) the facts come from.
    pub source: String,
    /// Known quirks.
    pub quirks: Vec<String>,
    /// Whether the profile is only a base for others (never matched automatically by VID).
    pub generic: bool,
    /// How to recognise the device.
    #[serde(rename = "match")]
    pub matching: MatchRules,
    /// How to open it.
    pub transport: TransportSettings,
    /// Protocol parameters.
    pub params: ProtocolParams,
    /// Commands sent when the device is opened.
    pub init: Vec<InitCommand>,
}

fn invalid(file: &str, key: &str, problem: impl Into<String>) -> ProfileError {
    ProfileError::Invalid {
        file: file.to_string(),
        key: key.to_string(),
        problem: problem.into(),
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Which transports a protocol can run over.
fn protocol_transports(protocol: ProtocolId) -> &'static [TransportKind] {
    match protocol {
        ProtocolId::HidPos | ProtocolId::KeyboardWedge => &[TransportKind::Hidraw],
        ProtocolId::ChafonUhfReader18
        | ProtocolId::ChafonUhfReader288
        | ProtocolId::ThingMagicMercury
        | ProtocolId::M100Bb7e => &[TransportKind::Serial, TransportKind::Usb],
        ProtocolId::SerialBarcode
        | ProtocolId::MtSics
        | ProtocolId::AndStandard
        | ProtocolId::Ohaus
        | ProtocolId::Nci => &[TransportKind::Serial],
    }
}

/// Which device kind a protocol belongs to (from the protocol registry).
pub fn protocol_kind(protocol: ProtocolId) -> DeviceKind {
    match protocol.device_kind() {
        protocol::DeviceKind::BarcodeScanner => DeviceKind::Scanner,
        protocol::DeviceKind::RfidReader => DeviceKind::Rfid,
        protocol::DeviceKind::Scale => DeviceKind::Scale,
    }
}

/// Turns a profile's parameters into the decoder's.
pub fn decoder_params(profile: &Profile) -> protocol::ProtocolParams {
    let p = &profile.params;
    let mut params = protocol::ProtocolParams::default();
    if let Some(prefix) = &p.prefix {
        params.prefix = prefix.as_bytes().to_vec();
    }
    if let Some(suffix) = &p.suffix {
        params.suffix = suffix.as_bytes().to_vec();
    }
    params.aim_prefixed = p.aim_prefix.unwrap_or(false);
    params.fnc1_substitute = p.fnc1_substitute.as_deref().and_then(|s| s.bytes().next());
    params
}

impl Profile {
    /// Checks every value; the error names the file and the key.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        if !is_valid_id(&self.id) {
            return Err(invalid(
                file,
                "id",
                "(the file name) must be lower-case letters, digits and dashes",
            ));
        }
        for (key, value) in [
            ("vendor", &self.vendor),
            ("model", &self.model),
            ("description", &self.description),
            ("source", &self.source),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(file, key, "must not be empty"));
            }
            if value.len() > 512 {
                return Err(invalid(file, key, "is longer than 512 characters"));
            }
        }
        let kind = protocol_kind(self.protocol);
        if kind != self.kind {
            return Err(invalid(
                file,
                "kind",
                format!(
                    "is `{}` but protocol `{}` belongs to `{kind}` devices",
                    self.kind, self.protocol
                ),
            ));
        }
        if !protocol_transports(self.protocol).contains(&self.transport.kind) {
            return Err(invalid(
                file,
                "transport.type",
                format!(
                    "is `{:?}`, which protocol `{}` cannot run over",
                    self.transport.kind, self.protocol
                )
                .to_lowercase(),
            ));
        }
        self.validate_transport()?;
        self.validate_matching()?;
        self.validate_params()?;
        if self.init.len() > MAX_INIT_COMMANDS {
            return Err(invalid(
                file,
                "init",
                format!("has more than {MAX_INIT_COMMANDS} commands"),
            ));
        }
        for (n, cmd) in self.init.iter().enumerate() {
            let key = format!("init[{n}]");
            match (&cmd.text, &cmd.hex) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(invalid(file, &key, "needs exactly one of `text` or `hex`"))
                }
                (None, Some(hex)) => {
                    if hex::decode(hex).is_err() {
                        return Err(invalid(file, &format!("{key}.hex"), "is not valid hex"));
                    }
                }
                (Some(_), None) => {}
            }
            let len = cmd.bytes().len();
            if len == 0 || len > MAX_INIT_COMMAND_BYTES {
                return Err(invalid(
                    file,
                    &key,
                    format!("must be 1 to {MAX_INIT_COMMAND_BYTES} bytes"),
                ));
            }
        }
        if let Some(n) = self.init.iter().position(|c| c.feature_report) {
            if self.transport.kind != TransportKind::Hidraw {
                return Err(invalid(
                    file,
                    &format!("init[{n}].feature_report"),
                    "only applies to hidraw devices",
                ));
            }
        }
        if self.quirks.len() > 32 {
            return Err(invalid(file, "quirks", "has more than 32 entries"));
        }
        Ok(())
    }

    fn validate_transport(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        let t = &self.transport;
        if t.read_timeout_ms == 0 || t.read_timeout_ms > 60_000 {
            return Err(invalid(
                file,
                "transport.read_timeout_ms",
                "must be 1 to 60000",
            ));
        }
        match t.kind {
            TransportKind::Serial => {
                match t.baud {
                    Some(baud) if BAUD_RATES.contains(&baud) => {}
                    Some(baud) => {
                        return Err(invalid(
                            file,
                            "transport.baud",
                            format!("is {baud}, not a standard baud rate"),
                        ))
                    }
                    None => return Err(invalid(file, "transport.baud", "is required for serial")),
                }
                match t.data_bits {
                    Some(5..=8) => {}
                    _ => return Err(invalid(file, "transport.data_bits", "must be 5 to 8")),
                }
                match t.stop_bits {
                    Some(1 | 2) => {}
                    _ => return Err(invalid(file, "transport.stop_bits", "must be 1 or 2")),
                }
                if t.parity.is_none() {
                    return Err(invalid(file, "transport.parity", "is required for serial"));
                }
                if t.flow_control.is_none() {
                    return Err(invalid(
                        file,
                        "transport.flow_control",
                        "is required for serial",
                    ));
                }
            }
            TransportKind::Hidraw => {
                if let Some(size) = t.report_size {
                    if size == 0 || size > 4096 {
                        return Err(invalid(file, "transport.report_size", "must be 1 to 4096"));
                    }
                }
            }
            TransportKind::Usb => {
                match t.endpoint_in {
                    Some(ep) if ep & 0x80 != 0 => {}
                    _ => {
                        return Err(invalid(
                            file,
                            "transport.endpoint_in",
                            "must be an IN endpoint address (0x81 to 0x8F)",
                        ))
                    }
                }
                if let Some(ep) = t.endpoint_out {
                    if ep & 0x80 != 0 {
                        return Err(invalid(
                            file,
                            "transport.endpoint_out",
                            "must be an OUT endpoint address (0x01 to 0x0F)",
                        ));
                    }
                }
                if t.interface.is_none() {
                    return Err(invalid(file, "transport.interface", "is required for usb"));
                }
            }
        }
        if t.grab_keyboard && self.protocol != ProtocolId::KeyboardWedge {
            return Err(invalid(
                file,
                "transport.grab_keyboard",
                "only applies to keyboard-wedge scanners",
            ));
        }
        Ok(())
    }

    fn validate_matching(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        let m = &self.matching;
        for (n, rule) in m.usb.iter().enumerate() {
            if rule.vendor_id == 0 {
                return Err(invalid(
                    file,
                    &format!("match.usb[{n}].vendor_id"),
                    "must not be 0",
                ));
            }
            if self.transport.kind == TransportKind::Serial {
                return Err(invalid(
                    file,
                    &format!("match.usb[{n}]"),
                    "is for hidraw/usb devices; serial devices use match.serial with usb_vendor_id",
                ));
            }
        }
        if !m.hid_usage.is_empty() && self.transport.kind != TransportKind::Hidraw {
            return Err(invalid(
                file,
                "match.hid_usage",
                "only applies to hidraw devices",
            ));
        }
        for (n, rule) in m.serial.iter().enumerate() {
            let key = format!("match.serial[{n}]");
            if self.transport.kind != TransportKind::Serial {
                return Err(invalid(file, &key, "only applies to serial devices"));
            }
            if rule.path.is_none() && rule.usb_vendor_id.is_none() {
                return Err(invalid(
                    file,
                    &key,
                    "needs a `path` pattern or a `usb_vendor_id`",
                ));
            }
            if rule.usb_product_id.is_some() && rule.usb_vendor_id.is_none() {
                return Err(invalid(
                    file,
                    &format!("{key}.usb_product_id"),
                    "needs `usb_vendor_id` too",
                ));
            }
            if let Some(path) = &rule.path {
                if !path.starts_with('/') || path.len() > 256 {
                    return Err(invalid(
                        file,
                        &format!("{key}.path"),
                        "must be an absolute path pattern of at most 256 characters",
                    ));
                }
            }
        }
        if !self.generic && m.usb.is_empty() && m.hid_usage.is_empty() && m.serial.is_empty() {
            return Err(invalid(
                file,
                "match",
                "has no rule; add one or mark the profile `generic = true`",
            ));
        }
        Ok(())
    }

    fn validate_params(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        let p = &self.params;
        let scanner = self.kind == DeviceKind::Scanner;
        let rfid = self.kind == DeviceKind::Rfid;
        let scale = self.kind == DeviceKind::Scale;
        let only = |present: bool, ok: bool, key: &str, what: &str| {
            if present && !ok {
                Err(invalid(file, key, format!("only applies to {what}")))
            } else {
                Ok(())
            }
        };
        only(
            p.prefix.is_some(),
            self.protocol == ProtocolId::SerialBarcode,
            "params.prefix",
            "serial-barcode scanners",
        )?;
        only(
            p.suffix.is_some(),
            self.protocol == ProtocolId::SerialBarcode,
            "params.suffix",
            "serial-barcode scanners",
        )?;
        only(
            p.fnc1_substitute.is_some(),
            scanner,
            "params.fnc1_substitute",
            "scanners",
        )?;
        only(
            p.keyboard_layout.is_some(),
            self.protocol == ProtocolId::KeyboardWedge,
            "params.keyboard_layout",
            "keyboard-wedge scanners",
        )?;
        only(
            p.aim_prefix.is_some(),
            scanner,
            "params.aim_prefix",
            "scanners",
        )?;
        only(p.beep_hex.is_some(), scanner, "params.beep_hex", "scanners")?;
        only(
            p.address.is_some(),
            matches!(
                self.protocol,
                ProtocolId::ChafonUhfReader18 | ProtocolId::ChafonUhfReader288
            ),
            "params.address",
            "Chafon readers",
        )?;
        only(
            p.poll_command.is_some(),
            scale,
            "params.poll_command",
            "scales",
        )?;
        only(
            p.poll_interval_ms.is_some(),
            scale || rfid,
            "params.poll_interval_ms",
            "scales and RFID readers",
        )?;
        for (present, key) in [
            (p.rf_power_dbm.is_some(), "params.rf_power_dbm"),
            (p.session.is_some(), "params.session"),
            (p.q_value.is_some(), "params.q_value"),
            (p.antenna.is_some(), "params.antenna"),
            (p.scan_time_ms.is_some(), "params.scan_time_ms"),
        ] {
            only(present, rfid, key, "RFID readers")?;
        }
        only(p.division.is_some(), scale, "params.division", "scales")?;
        only(p.unit.is_some(), scale, "params.unit", "scales")?;
        for (value, key) in [(&p.prefix, "params.prefix"), (&p.suffix, "params.suffix")] {
            if let Some(v) = value {
                if v.len() > 8 {
                    return Err(invalid(file, key, "is longer than 8 bytes"));
                }
            }
        }
        if self.protocol == ProtocolId::SerialBarcode
            && p.suffix.as_deref().is_none_or(str::is_empty)
        {
            return Err(invalid(
                file,
                "params.suffix",
                "is required for serial-barcode scanners (how else does a scan end?)",
            ));
        }
        if let Some(sub) = &p.fnc1_substitute {
            if sub.chars().count() != 1 {
                return Err(invalid(
                    file,
                    "params.fnc1_substitute",
                    "must be exactly one character",
                ));
            }
        }
        if let Some(layout) = &p.keyboard_layout {
            if layout != "us" {
                return Err(invalid(
                    file,
                    "params.keyboard_layout",
                    format!("is `{layout}`; only `us` is supported"),
                ));
            }
        }
        if let Some(cmd) = &p.poll_command {
            if cmd.is_empty() || cmd.len() > 16 || !cmd.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(invalid(
                    file,
                    "params.poll_command",
                    "must be 1 to 16 printable characters",
                ));
            }
        }
        if let Some(ms) = p.poll_interval_ms {
            if !(20..=60_000).contains(&ms) {
                return Err(invalid(
                    file,
                    "params.poll_interval_ms",
                    "must be 20 to 60000",
                ));
            }
        }
        if let Some(power) = p.rf_power_dbm {
            if power > 33 {
                return Err(invalid(file, "params.rf_power_dbm", "must be 0 to 33 dBm"));
            }
        }
        if let Some(session) = p.session {
            if session > 3 {
                return Err(invalid(file, "params.session", "must be 0 to 3"));
            }
        }
        if let Some(q) = p.q_value {
            if q > 15 {
                return Err(invalid(file, "params.q_value", "must be 0 to 15"));
            }
        }
        if let Some(antenna) = p.antenna {
            if !(1..=8).contains(&antenna) {
                return Err(invalid(file, "params.antenna", "must be 1 to 8"));
            }
        }
        if let Some(ms) = p.scan_time_ms {
            if !(100..=25_500).contains(&ms) || ms % 100 != 0 {
                return Err(invalid(
                    file,
                    "params.scan_time_ms",
                    "must be a multiple of 100 from 100 to 25500",
                ));
            }
        }
        if let Some(hex) = &p.beep_hex {
            match hex::decode(hex) {
                Ok(bytes) if !bytes.is_empty() && bytes.len() <= 64 => {}
                _ => {
                    return Err(invalid(
                        file,
                        "params.beep_hex",
                        "must be 1 to 64 bytes of hex",
                    ))
                }
            }
        }
        if let Some(division) = &p.division {
            let ok = division.parse::<f64>().is_ok_and(|d| d > 0.0)
                && division.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if !ok {
                return Err(invalid(
                    file,
                    "params.division",
                    "must be a positive decimal such as \"0.01\"",
                ));
            }
        }
        if let Some(unit) = &p.unit {
            if !["g", "kg", "lb", "oz", "mg", "ct"].contains(&unit.as_str()) {
                return Err(invalid(
                    file,
                    "params.unit",
                    "must be one of g, kg, lb, oz, mg, ct",
                ));
            }
        }
        // What the decoder itself will insist on.
        if let Err(e) = decoder_params(self).validate() {
            return Err(invalid(file, "params", e.to_string()));
        }
        Ok(())
    }

    /// Whether this profile matches a USB/HID interface.
    pub fn matches_usb(
        &self,
        vendor_id: u16,
        product_id: u16,
        usage_page: Option<u16>,
        usage: Option<u16>,
        interface: Option<u8>,
    ) -> bool {
        let by_id = self.matching.usb.iter().any(|rule| {
            rule.vendor_id == vendor_id
                && rule.product_id.is_none_or(|p| p == product_id)
                && rule.usage_page.is_none_or(|p| Some(p) == usage_page)
                && rule.usage.is_none_or(|u| Some(u) == usage)
                && rule.interface.is_none_or(|i| Some(i) == interface)
        });
        let by_usage = self.matching.hid_usage.iter().any(|rule| {
            Some(rule.usage_page) == usage_page && rule.usage.is_none_or(|u| Some(u) == usage)
        });
        by_id || by_usage
    }

    /// Whether this profile matches a serial port.
    pub fn matches_serial(&self, path: &str, usb_ids: Option<(u16, u16)>) -> bool {
        self.matching.serial.iter().any(|rule| {
            rule.path.as_deref().is_none_or(|p| glob_match(p, path))
                && rule
                    .usb_vendor_id
                    .is_none_or(|v| usb_ids.is_some_and(|(vid, _)| vid == v))
                && rule
                    .usb_product_id
                    .is_none_or(|p| usb_ids.is_some_and(|(_, pid)| pid == p))
        })
    }

    /// How specific a USB match is (more = better), used to prefer a model over a generic one.
    pub fn usb_specificity(
        &self,
        vendor_id: u16,
        product_id: u16,
        usage_page: Option<u16>,
        interface: Option<u8>,
    ) -> u8 {
        let mut best = 0;
        for rule in &self.matching.usb {
            if rule.vendor_id != vendor_id {
                continue;
            }
            let mut score = 1;
            if rule.product_id == Some(product_id) {
                score += 4;
            }
            if rule.usage_page.is_some() && rule.usage_page == usage_page {
                score += 2;
            }
            if rule.interface.is_some() && rule.interface == interface {
                score += 1;
            }
            best = best.max(score);
        }
        best
    }
}

/// `*` matches any run of characters, `?` one character; everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// A parsed file before `extends` is resolved.
#[derive(Debug, Clone)]
struct RawProfile {
    id: String,
    file: String,
    data: ProfileFile,
}

fn parse_file(file: &str, text: &str) -> Result<RawProfile, ProfileError> {
    let id = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let data: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Parse {
        file: file.to_string(),
        reason: e.to_string().trim_end().replace('\n', " / "),
    })?;
    Ok(RawProfile {
        id,
        file: file.to_string(),
        data,
    })
}

/// Fills every unset field of `child` from `parent`.
fn merge(child: &ProfileFile, parent: &ProfileFile) -> ProfileFile {
    let t = match (&child.transport, &parent.transport) {
        (Some(c), Some(p)) => Some(TransportFile {
            kind: c.kind.or(p.kind),
            baud: c.baud.or(p.baud),
            data_bits: c.data_bits.or(p.data_bits),
            parity: c.parity.or(p.parity),
            stop_bits: c.stop_bits.or(p.stop_bits),
            flow_control: c.flow_control.or(p.flow_control),
            read_timeout_ms: c.read_timeout_ms.or(p.read_timeout_ms),
            interface: c.interface.or(p.interface),
            endpoint_in: c.endpoint_in.or(p.endpoint_in),
            endpoint_out: c.endpoint_out.or(p.endpoint_out),
            report_size: c.report_size.or(p.report_size),
            grab_keyboard: c.grab_keyboard.or(p.grab_keyboard),
        }),
        (c, p) => c.clone().or_else(|| p.clone()),
    };
    let params = match (&child.params, &parent.params) {
        (Some(c), Some(p)) => Some(ProtocolParams {
            prefix: c.prefix.clone().or_else(|| p.prefix.clone()),
            suffix: c.suffix.clone().or_else(|| p.suffix.clone()),
            fnc1_substitute: c
                .fnc1_substitute
                .clone()
                .or_else(|| p.fnc1_substitute.clone()),
            keyboard_layout: c
                .keyboard_layout
                .clone()
                .or_else(|| p.keyboard_layout.clone()),
            aim_prefix: c.aim_prefix.or(p.aim_prefix),
            address: c.address.or(p.address),
            poll_command: c.poll_command.clone().or_else(|| p.poll_command.clone()),
            poll_interval_ms: c.poll_interval_ms.or(p.poll_interval_ms),
            rf_power_dbm: c.rf_power_dbm.or(p.rf_power_dbm),
            session: c.session.or(p.session),
            q_value: c.q_value.or(p.q_value),
            antenna: c.antenna.or(p.antenna),
            scan_time_ms: c.scan_time_ms.or(p.scan_time_ms),
            beep_hex: c.beep_hex.clone().or_else(|| p.beep_hex.clone()),
            division: c.division.clone().or_else(|| p.division.clone()),
            unit: c.unit.clone().or_else(|| p.unit.clone()),
        }),
        (c, p) => c.clone().or_else(|| p.clone()),
    };
    let mut quirks = parent.quirks.clone();
    quirks.extend(child.quirks.iter().cloned());
    ProfileFile {
        kind: child.kind.or(parent.kind),
        vendor: child.vendor.clone().or_else(|| parent.vendor.clone()),
        model: child.model.clone().or_else(|| parent.model.clone()),
        mode: child.mode.clone().or_else(|| parent.mode.clone()),
        description: child
            .description
            .clone()
            .or_else(|| parent.description.clone()),
        // The resolved profile records what it extends itself, not its parent's base.
        extends: child.extends.clone(),
        protocol: child.protocol.clone().or_else(|| parent.protocol.clone()),
        // Never inherited: each file states what it has confirmed itself.
        verified: child.verified,
        source: child.source.clone().or_else(|| parent.source.clone()),
        quirks,
        // Match rules are never inherited: a model's match is its own.
        matching: child.matching.clone(),
        transport: t,
        params,
        init: child.init.clone().or_else(|| parent.init.clone()),
        // A profile that extends a generic one is not generic itself unless it says so.
        generic: child.generic,
    }
}

fn require<T: Clone>(value: &Option<T>, file: &str, key: &str) -> Result<T, ProfileError> {
    value
        .clone()
        .ok_or_else(|| invalid(file, key, "is missing (and no profile it extends sets it)"))
}

fn finish(raw: &RawProfile, data: ProfileFile) -> Result<Profile, ProfileError> {
    let file = raw.file.as_str();
    let transport = data.transport.unwrap_or_default();
    let kind = require(&transport.kind, file, "transport.type")?;
    let profile = Profile {
        id: raw.id.clone(),
        file: raw.file.clone(),
        kind: require(&data.kind, file, "kind")?,
        vendor: require(&data.vendor, file, "vendor")?,
        model: require(&data.model, file, "model")?,
        mode: data.mode,
        description: require(&data.description, file, "description")?,
        extends: data.extends,
        protocol: parse_protocol(file, &require(&data.protocol, file, "protocol")?)?,
        verified: require(&data.verified, file, "verified")?,
        source: require(&data.source, file, "source")?,
        quirks: data.quirks,
        generic: data.generic.unwrap_or(false),
        matching: data.matching.unwrap_or_default(),
        transport: TransportSettings {
            kind,
            baud: transport.baud,
            data_bits: transport.data_bits,
            parity: transport.parity,
            stop_bits: transport.stop_bits,
            flow_control: transport.flow_control,
            read_timeout_ms: transport.read_timeout_ms.unwrap_or(200),
            interface: transport.interface,
            endpoint_in: transport.endpoint_in,
            endpoint_out: transport.endpoint_out,
            report_size: transport.report_size,
            grab_keyboard: transport.grab_keyboard.unwrap_or(false),
        },
        params: data.params.unwrap_or_default(),
        init: data.init.unwrap_or_default(),
    };
    profile.validate()?;
    Ok(profile)
}

fn parse_protocol(file: &str, name: &str) -> Result<ProtocolId, ProfileError> {
    name.parse().map_err(|_| {
        invalid(
            file,
            "protocol",
            format!(
                "is `{name}`, which is not a known protocol (one of: {})",
                protocol::known_protocols()
            ),
        )
    })
}

/// A set of resolved, validated profiles, keyed by id.
#[derive(Debug, Clone, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
}

impl ProfileSet {
    /// The profiles shipped in `firmware-profiles/`, embedded at build time.
    pub fn embedded() -> Result<Self, ProfileError> {
        Self::from_sources(
            EMBEDDED
                .iter()
                .map(|(file, text)| (file.to_string(), text.to_string())),
        )
    }

    /// The names of the embedded files (relative to `firmware-profiles/`).
    pub fn embedded_files() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(file, _)| *file)
    }

    /// Loads every `*.toml` under `dir` (one level of kind directories, as shipped).
    pub fn load_dir(dir: &Path) -> Result<Self, ProfileError> {
        let mut files = Vec::new();
        collect_toml(dir, dir, 0, &mut files)?;
        files.sort();
        let mut sources = Vec::with_capacity(files.len());
        for path in files {
            let shown = path.display().to_string();
            let size = std::fs::metadata(&path)
                .map_err(|e| ProfileError::Read {
                    file: shown.clone(),
                    reason: e.to_string(),
                })?
                .len();
            if size > MAX_PROFILE_FILE_BYTES {
                return Err(ProfileError::Read {
                    file: shown,
                    reason: format!("larger than {MAX_PROFILE_FILE_BYTES} bytes"),
                });
            }
            let text = std::fs::read_to_string(&path).map_err(|e| ProfileError::Read {
                file: shown.clone(),
                reason: e.to_string(),
            })?;
            sources.push((shown, text));
        }
        Self::from_sources(sources)
    }

    /// Parses, resolves `extends` and validates a set of (file name, contents) pairs.
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ProfileError> {
        let mut raw: BTreeMap<String, RawProfile> = BTreeMap::new();
        for (file, text) in sources {
            if raw.len() >= MAX_PROFILES {
                return Err(ProfileError::TooMany { dir: file });
            }
            let parsed = parse_file(&file, &text)?;
            if let Some(previous) = raw.get(&parsed.id) {
                return Err(ProfileError::DuplicateId {
                    id: parsed.id.clone(),
                    first: previous.file.clone(),
                    second: parsed.file,
                });
            }
            raw.insert(parsed.id.clone(), parsed);
        }
        let mut profiles = BTreeMap::new();
        for item in raw.values() {
            let mut data = item.data.clone();
            let mut seen = vec![item.id.clone()];
            let mut next = item.data.extends.clone();
            while let Some(parent_id) = next {
                if seen.len() > MAX_EXTENDS_DEPTH || seen.contains(&parent_id) {
                    return Err(invalid(
                        &item.file,
                        "extends",
                        format!("forms a loop or a chain longer than {MAX_EXTENDS_DEPTH}"),
                    ));
                }
                let Some(parent) = raw.get(&parent_id) else {
                    return Err(invalid(
                        &item.file,
                        "extends",
                        format!("names `{parent_id}`, which is not a profile"),
                    ));
                };
                let extends = data.extends.clone();
                data = merge(&data, &parent.data);
                data.extends = extends;
                seen.push(parent_id);
                next = parent.data.extends.clone();
            }
            let profile = finish(item, data)?;
            profiles.insert(profile.id.clone(), profile);
        }
        Ok(Self { profiles })
    }

    /// Adds (or replaces) a profile after validating it (a site's own profile, a test's).
    pub fn insert(&mut self, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        if !self.profiles.contains_key(&profile.id) && self.profiles.len() >= MAX_PROFILES {
            return Err(ProfileError::TooMany {
                dir: profile.file.clone(),
            });
        }
        self.profiles.insert(profile.id.clone(), profile);
        Ok(())
    }

    /// The profile with this id.
    pub fn get(&self, id: &str) -> Result<&Profile, ProfileError> {
        self.profiles
            .get(id)
            .ok_or_else(|| ProfileError::Unknown(id.to_string()))
    }

    /// Every profile, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.profiles.values()
    }

    /// How many profiles.
    pub fn len(&self) -> usize {
        self.profiles.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    /// The best non-generic profile for a USB/HID interface, else a generic one that matches.
    pub fn match_usb(
        &self,
        vendor_id: u16,
        product_id: u16,
        usage_page: Option<u16>,
        usage: Option<u16>,
        interface: Option<u8>,
    ) -> Option<&Profile> {
        let candidates = self
            .iter()
            .filter(|p| p.matches_usb(vendor_id, product_id, usage_page, usage, interface));
        candidates.max_by_key(|p| {
            (
                p.usb_specificity(vendor_id, product_id, usage_page, interface),
                !p.generic,
                std::cmp::Reverse(p.id.clone()),
            )
        })
    }

    /// Every profile that matches a serial port (a bridge shared by several models gives
    /// several; the caller must then be told which one to use).
    pub fn match_serial(&self, path: &str, usb_ids: Option<(u16, u16)>) -> Vec<&Profile> {
        self.iter()
            .filter(|p| p.matches_serial(path, usb_ids))
            .collect()
    }
}

fn collect_toml(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
) -> Result<(), ProfileError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ProfileError::Read {
        file: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| ProfileError::Read {
            file: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        let path = entry.path();
        if path.is_dir() && depth < 2 {
            collect_toml(root, &path, depth + 1, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            if out.len() >= MAX_PROFILES {
                return Err(ProfileError::TooMany {
                    dir: root.display().to_string(),
                });
            }
            out.push(path);
        }
    }
    Ok(())
}

/// The udev rules that give the `plugdev` group (and the seat user) access to every device a
/// profile matches, generated from the profiles. `drivers/udev/70-tally-devices.rules` is this
/// output, checked by a test.
pub fn udev_rules(profiles: &ProfileSet) -> String {
    let mut out = String::new();
    out.push_str(
        "# Generated by `tally devices udev-rules` from firmware-profiles/; do not edit.\n",
    );
    out.push_str("# Install: sudo cp 70-tally-devices.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger\n");
    out.push_str(
        "# Gives the plugdev group and the logged-in seat user read/write access to the\n",
    );
    out.push_str("# hidraw, raw USB and serial devices tally drives, and a stable /dev/tally/<profile> link\n");
    out.push_str("# for serial devices whose USB ids name one profile only.\n\n");
    // A serial bridge's ids may be shared by several profiles; link only when one profile owns it.
    let mut serial_owner: BTreeMap<(u16, u16), Vec<&str>> = BTreeMap::new();
    for p in profiles.iter() {
        for rule in &p.matching.serial {
            if let (Some(v), Some(pid)) = (rule.usb_vendor_id, rule.usb_product_id) {
                serial_owner.entry((v, pid)).or_default().push(&p.id);
            }
        }
    }
    for p in profiles.iter() {
        let mut lines = Vec::new();
        for rule in &p.matching.usb {
            let mut ids = format!("ATTRS{{idVendor}}==\"{:04x}\"", rule.vendor_id);
            if let Some(pid) = rule.product_id {
                ids.push_str(&format!(", ATTRS{{idProduct}}==\"{pid:04x}\""));
            }
            match p.transport.kind {
                TransportKind::Hidraw => {
                    lines.push(format!(
                        "SUBSYSTEM==\"hidraw\", {ids}, MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\""
                    ));
                    if p.transport.grab_keyboard {
                        lines.push(format!(
                            "SUBSYSTEM==\"input\", KERNEL==\"event*\", {ids}, MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\""
                        ));
                    }
                }
                TransportKind::Usb => lines.push(format!(
                    "SUBSYSTEM==\"usb\", ENV{{DEVTYPE}}==\"usb_device\", {}, MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\"",
                    ids.replace("ATTRS", "ATTR")
                )),
                TransportKind::Serial => {}
            }
        }
        for rule in &p.matching.serial {
            let Some(vid) = rule.usb_vendor_id else {
                continue;
            };
            let mut ids = format!("ATTRS{{idVendor}}==\"{vid:04x}\"");
            let mut link = String::new();
            if let Some(pid) = rule.usb_product_id {
                ids.push_str(&format!(", ATTRS{{idProduct}}==\"{pid:04x}\""));
                if serial_owner.get(&(vid, pid)).is_some_and(|o| o.len() == 1) {
                    link = format!(", SYMLINK+=\"tally/{}\"", p.id);
                }
            }
            lines.push(format!(
                "SUBSYSTEM==\"tty\", {ids}, MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\"{link}"
            ));
        }
        if lines.is_empty() {
            continue;
        }
        lines.dedup();
        out.push_str(&format!("# {} ({} {})\n", p.id, p.vendor, p.model));
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE: &str = r#"
kind = "scale"
vendor = "Acme"
model = "S1"
description = "test scale"
protocol = "mt-sics"
verified = false
source = "none"
[match]
serial = [{ path = "/dev/ttyUSB*" }]
[transport]
type = "serial"
baud = 9600
data_bits = 8
parity = "none"
stop_bits = 1
flow_control = "none"
"#;

    fn one(file: &str, text: &str) -> Result<ProfileSet, ProfileError> {
        ProfileSet::from_sources([(file.to_string(), text.to_string())])
    }

    #[test]
    fn a_valid_profile_loads() {
        let set = one("scale/acme-s1.toml", SCALE).unwrap();
        let p = set.get("acme-s1").unwrap();
        assert_eq!(p.transport.baud, Some(9600));
        assert!(p.matches_serial("/dev/ttyUSB0", None));
        assert!(!p.matches_serial("/dev/ttyACM0", None));
    }

    #[test]
    fn a_misspelt_key_names_the_file_and_key() {
        let text = SCALE.replace("baud = 9600", "baudrate = 9600");
        let err = one("scale/acme-s1.toml", &text).unwrap_err().to_string();
        assert!(err.contains("scale/acme-s1.toml"), "{err}");
        assert!(err.contains("baudrate"), "{err}");
    }

    #[test]
    fn a_bad_value_names_the_key() {
        let text = SCALE.replace("baud = 9600", "baud = 9601");
        let err = one("scale/acme-s1.toml", &text).unwrap_err().to_string();
        assert!(err.contains("transport.baud"), "{err}");
        let text = SCALE.replace("\"mt-sics\"", "\"mt-sicks\"");
        let err = one("scale/acme-s1.toml", &text).unwrap_err().to_string();
        assert!(err.contains("`protocol`"), "{err}");
    }

    #[test]
    fn extends_fills_missing_fields_and_detects_loops() {
        let base = SCALE.replace(
            "[match]\nserial = [{ path = \"/dev/ttyUSB*\" }]\n",
            "generic = true\n",
        );
        let child = "extends = \"base\"\nmodel = \"S2\"\nverified = true\n[match]\nserial = [{ path = \"/dev/ttyS*\" }]\n[transport]\nbaud = 2400\n";
        let set = ProfileSet::from_sources([
            ("scale/base.toml".to_string(), base.clone()),
            ("scale/child.toml".to_string(), child.to_string()),
        ])
        .unwrap();
        let c = set.get("child").unwrap();
        assert_eq!(c.transport.baud, Some(2400));
        assert_eq!(c.transport.data_bits, Some(8));
        assert_eq!(c.protocol, "mt-sics");
        assert!(c.verified);
        assert!(!c.generic);
        let looped = base.replace("generic = true", "generic = true\nextends = \"child\"");
        let err = ProfileSet::from_sources([
            ("scale/base.toml".to_string(), looped),
            ("scale/child.toml".to_string(), child.to_string()),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("extends"), "{err}");
    }

    #[test]
    fn the_protocol_list_is_the_registry() {
        for id in ProtocolId::ALL {
            let text = SCALE.replace("\"mt-sics\"", &format!("\"{id}\""));
            let parsed = one("scale/acme-s1.toml", &text);
            // The name parses back to the id; only kind/transport checks may refuse it.
            if let Ok(set) = parsed {
                assert_eq!(set.get("acme-s1").unwrap().protocol, id);
            }
        }
        let err = one(
            "scale/acme-s1.toml",
            &SCALE.replace("\"mt-sics\"", "\"mt-sicks\""),
        )
        .unwrap_err()
        .to_string();
        for id in ProtocolId::ALL {
            assert!(err.contains(id.as_str()), "{err}");
        }
    }

    #[test]
    fn a_non_printable_fnc1_substitute_is_refused() {
        let text = SCALE
            .replace("kind = \"scale\"", "kind = \"scanner\"")
            .replace("\"mt-sics\"", "\"serial-barcode\"")
            + "[params]\nsuffix = \"\\r\"\nfnc1_substitute = \"\\u0007\"\n";
        let err = one("scanner/acme-s1.toml", &text).unwrap_err().to_string();
        assert!(err.contains("fnc1_substitute"), "{err}");
    }

    #[test]
    fn glob_matches_like_a_shell() {
        assert!(glob_match("/dev/ttyUSB*", "/dev/ttyUSB12"));
        assert!(glob_match("/dev/tty?SB0", "/dev/ttyUSB0"));
        assert!(glob_match(
            "*Mettler*",
            "/dev/serial/by-id/usb-Mettler_Toledo-if00"
        ));
        assert!(!glob_match("/dev/ttyUSB*", "/dev/ttyACM0"));
        assert!(glob_match("*", ""));
    }
}

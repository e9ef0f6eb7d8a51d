//! The types of a firmware profile: what a profile file may say (`ProfileFile`, read with
//! `deny_unknown_fields`) and the resolved [`Profile`] with its parts.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::protocol::{self, ProtocolId};

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
pub(super) struct TransportFile {
    #[serde(rename = "type")]
    pub(super) kind: Option<TransportKind>,
    pub(super) baud: Option<u32>,
    pub(super) data_bits: Option<u8>,
    pub(super) parity: Option<Parity>,
    pub(super) stop_bits: Option<u8>,
    pub(super) flow_control: Option<FlowControl>,
    pub(super) read_timeout_ms: Option<u64>,
    pub(super) interface: Option<u8>,
    pub(super) endpoint_in: Option<u8>,
    pub(super) endpoint_out: Option<u8>,
    pub(super) report_size: Option<usize>,
    pub(super) grab_keyboard: Option<bool>,
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
pub(super) struct ProfileFile {
    pub(super) kind: Option<DeviceKind>,
    pub(super) vendor: Option<String>,
    pub(super) model: Option<String>,
    pub(super) mode: Option<String>,
    pub(super) description: Option<String>,
    pub(super) extends: Option<String>,
    pub(super) protocol: Option<String>,
    pub(super) verified: Option<bool>,
    pub(super) source: Option<String>,
    #[serde(default)]
    pub(super) quirks: Vec<String>,
    #[serde(rename = "match")]
    pub(super) matching: Option<MatchRules>,
    pub(super) transport: Option<TransportFile>,
    pub(super) params: Option<ProtocolParams>,
    pub(super) init: Option<Vec<InitCommand>>,
    /// A generic profile only serves as a base for `extends` and for explicit bindings.
    pub(super) generic: Option<bool>,
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

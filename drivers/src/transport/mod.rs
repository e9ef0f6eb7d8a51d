//! Transports: move bytes between tally and a device, and nothing else.
//!
//! Each transport sits behind the narrow [`ByteSource`] trait: read what the device sent (with a
//! timeout), write a command. Framing, checksums and meaning are the decoders' business
//! ([`crate::protocol`]); reconnecting is the manager's ([`crate::manager`]). The three backends
//! are thin wrappers: [`serial`] (the `serialport` crate: RS-232, USB-CDC, FTDI/CP210x/CH340/
//! PL2303 bridges, and pseudo-terminals), [`hid`] (hidapi on Linux hidraw, with the keyboard
//! event device grabbed for keyboard-wedge scanners) and [`usb`] (rusb bulk/interrupt
//! endpoints for devices that are neither HID nor CDC).

pub mod hid;
pub mod serial;
pub mod usb;

use std::fmt;
use std::time::Duration;

use crate::profile::{Profile, TransportKind};

/// Why a transport could not open, read or write.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The device is gone (unplugged, port closed, pseudo-terminal hung up). The manager
    /// reopens it when it comes back.
    #[error("{device} is disconnected: {reason}")]
    Disconnected {
        /// The device.
        device: String,
        /// What the operating system said.
        reason: String,
    },
    /// The device could not be opened.
    #[error("cannot open {device}: {reason}")]
    Open {
        /// The device.
        device: String,
        /// Why.
        reason: String,
    },
    /// Reading or writing failed for another reason.
    #[error("{device}: {reason}")]
    Io {
        /// The device.
        device: String,
        /// What failed.
        reason: String,
    },
    /// The profile does not say how to open this device.
    #[error("profile {profile}: {problem}")]
    Profile {
        /// The profile id.
        profile: String,
        /// What is missing.
        problem: String,
    },
}

impl TransportError {
    /// Whether the device is gone (as opposed to a failed operation on a present device).
    pub fn is_disconnect(&self) -> bool {
        matches!(self, TransportError::Disconnected { .. })
    }
}

/// A byte pipe to one device.
pub trait ByteSource: Send {
    /// Reads what the device sent into `buf`, waiting at most `timeout`; `Ok(0)` means nothing
    /// arrived in time. HID transports return one input report per call.
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError>;

    /// Sends bytes to the device (a command; for HID, an output report starting with its id).
    fn write(&mut self, bytes: &[u8]) -> Result<(), TransportError>;

    /// A short name for logs and status (`/dev/ttyUSB0`, `hidraw 1-2:1.0`).
    fn describe(&self) -> String;

    /// Sends a HID feature report (first byte = report id); other transports cannot.
    fn send_feature(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        Err(TransportError::Io {
            device: self.describe(),
            reason: format!(
                "cannot send a feature report ({} bytes) over this transport",
                bytes.len()
            ),
        })
    }

    /// The HID report descriptor, for HID transports that can read it.
    fn report_descriptor(&mut self) -> Option<Vec<u8>> {
        None
    }
}

/// Where a device is attached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "transport", rename_all = "kebab-case")]
pub enum DeviceAddress {
    /// A serial port (also a pseudo-terminal or a stable symlink to one).
    Serial {
        /// The path.
        path: String,
    },
    /// A hidraw node.
    Hidraw {
        /// The path hidapi reports (`/dev/hidraw3`).
        path: String,
    },
    /// A raw USB device.
    Usb {
        /// Bus number.
        bus: u8,
        /// Address on the bus.
        address: u8,
        /// Vendor id.
        vendor_id: u16,
        /// Product id.
        product_id: u16,
    },
}

impl fmt::Display for DeviceAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceAddress::Serial { path } | DeviceAddress::Hidraw { path } => f.write_str(path),
            DeviceAddress::Usb {
                bus,
                address,
                vendor_id,
                product_id,
            } => write!(
                f,
                "usb {bus:03}:{address:03} ({vendor_id:04x}:{product_id:04x})"
            ),
        }
    }
}

/// Opens the device at `address` the way `profile` says.
pub fn open(
    address: &DeviceAddress,
    profile: &Profile,
) -> Result<Box<dyn ByteSource>, TransportError> {
    match (address, profile.transport.kind) {
        (DeviceAddress::Serial { path }, TransportKind::Serial) => Ok(Box::new(
            serial::SerialTransport::open(path, &profile.transport)?,
        )),
        (DeviceAddress::Hidraw { path }, TransportKind::Hidraw) => {
            Ok(Box::new(hid::HidTransport::open(path, &profile.transport)?))
        }
        (
            DeviceAddress::Usb {
                bus,
                address,
                vendor_id,
                product_id,
            },
            TransportKind::Usb,
        ) => Ok(Box::new(usb::UsbTransport::open(
            *bus,
            *address,
            (*vendor_id, *product_id),
            &profile.transport,
        )?)),
        (address, kind) => Err(TransportError::Profile {
            profile: profile.id.clone(),
            problem: format!("{address} cannot be opened as a {kind:?} device").to_lowercase(),
        }),
    }
}

//! Serial transport: RS-232, USB-CDC and USB-serial bridges through the `serialport` crate.
//!
//! A pseudo-terminal opens exactly like a USB-serial adapter, which is how the simulators are
//! tested. A hang-up (adapter unplugged, PTY master closed) is reported as
//! [`TransportError::Disconnected`].

use std::io::{self, Read, Write};
use std::time::Duration;

use serialport::{DataBits, FlowControl, Parity, SerialPort, StopBits, TTYPort};

use super::{ByteSource, TransportError};
use crate::profile::{self, TransportSettings};

/// An open serial port.
pub struct SerialTransport {
    path: String,
    port: TTYPort,
    timeout: Duration,
}

impl std::fmt::Debug for SerialTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialTransport")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The settings a serial profile asks for, with 9600 8N1 where the profile is silent.
pub fn builder(path: &str, settings: &TransportSettings) -> serialport::SerialPortBuilder {
    let data_bits = match settings.data_bits {
        Some(5) => DataBits::Five,
        Some(6) => DataBits::Six,
        Some(7) => DataBits::Seven,
        _ => DataBits::Eight,
    };
    let parity = match settings.parity {
        Some(profile::Parity::Even) => Parity::Even,
        Some(profile::Parity::Odd) => Parity::Odd,
        _ => Parity::None,
    };
    let stop_bits = match settings.stop_bits {
        Some(2) => StopBits::Two,
        _ => StopBits::One,
    };
    let flow = match settings.flow_control {
        Some(profile::FlowControl::Software) => FlowControl::Software,
        Some(profile::FlowControl::Hardware) => FlowControl::Hardware,
        _ => FlowControl::None,
    };
    serialport::new(path, settings.baud.unwrap_or(9600))
        .data_bits(data_bits)
        .parity(parity)
        .stop_bits(stop_bits)
        .flow_control(flow)
        .timeout(Duration::from_millis(settings.read_timeout_ms))
}

impl SerialTransport {
    /// Opens `path` with the profile's line settings.
    pub fn open(path: &str, settings: &TransportSettings) -> Result<Self, TransportError> {
        let port = builder(path, settings)
            .open_native()
            .map_err(|e| TransportError::Open {
                device: path.to_string(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            path: path.to_string(),
            port,
            timeout: Duration::from_millis(settings.read_timeout_ms),
        })
    }

    fn map_err(&self, e: io::Error) -> TransportError {
        let gone = matches!(
            e.kind(),
            io::ErrorKind::BrokenPipe | io::ErrorKind::NotConnected | io::ErrorKind::UnexpectedEof
        ) || e.raw_os_error() == Some(nix::libc::EIO)
            || e.raw_os_error() == Some(nix::libc::ENXIO)
            || e.raw_os_error() == Some(nix::libc::ENODEV)
            || e.to_string().contains("I/O error")
            || e.to_string().contains("Input/output error");
        if gone {
            TransportError::Disconnected {
                device: self.path.clone(),
                reason: e.to_string(),
            }
        } else {
            TransportError::Io {
                device: self.path.clone(),
                reason: e.to_string(),
            }
        }
    }
}

impl ByteSource for SerialTransport {
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        if timeout != self.timeout {
            self.port
                .set_timeout(timeout)
                .map_err(|e| TransportError::Io {
                    device: self.path.clone(),
                    reason: e.to_string(),
                })?;
            self.timeout = timeout;
        }
        match self.port.read(buf) {
            Ok(0) => Err(TransportError::Disconnected {
                device: self.path.clone(),
                reason: "end of file".into(),
            }),
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => Ok(0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(0),
            Err(e) => Err(self.map_err(e)),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.port.write_all(bytes).map_err(|e| self.map_err(e))?;
        self.port.flush().map_err(|e| self.map_err(e))
    }

    fn describe(&self) -> String {
        self.path.clone()
    }
}

/// One serial port found on the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialPortInfo {
    /// Device path (`/dev/ttyUSB0`, `/dev/ttyACM0`).
    pub path: String,
    /// USB vendor and product id of the adapter, when it is a USB port.
    pub usb_ids: Option<(u16, u16)>,
    /// A line for a technician (`USB serial 0403:6001 FTDI FT232R`).
    pub description: String,
}

/// Most serial ports listed.
pub const PORTS_MAX: usize = 256;

/// Lists the serial ports present (from sysfs, no libudev); an empty list where sysfs has no
/// tty class (some containers), where serialport's scan would panic.
pub fn enumerate() -> Result<Vec<SerialPortInfo>, TransportError> {
    if !std::path::Path::new("/sys/class/tty").is_dir() {
        return Ok(Vec::new());
    }
    let list = serialport::available_ports().map_err(|e| TransportError::Io {
        device: "/sys/class/tty".into(),
        reason: e.to_string(),
    })?;
    Ok(list
        .into_iter()
        .take(PORTS_MAX)
        .map(|port| {
            let (usb_ids, description) = match &port.port_type {
                serialport::SerialPortType::UsbPort(info) => (
                    Some((info.vid, info.pid)),
                    format!(
                        "USB serial {:04x}:{:04x} {} {}",
                        info.vid,
                        info.pid,
                        info.manufacturer.as_deref().unwrap_or(""),
                        info.product.as_deref().unwrap_or("")
                    )
                    .trim_end()
                    .to_string(),
                ),
                other => (None, format!("{other:?}").to_lowercase()),
            };
            SerialPortInfo {
                path: port.port_name,
                usb_ids,
                description,
            }
        })
        .collect())
}

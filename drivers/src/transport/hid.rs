//! HID transport: hidapi on the Linux hidraw backend (built without libudev).
//!
//! HID POS scanners and keyboard-wedge scanners are both read from their own hidraw node, one
//! input report per read, so keyboard layouts and focused windows cannot change the data (GS
//! survives). For a keyboard-wedge scanner the kernel *also* turns the same reports into key
//! presses on its keyboard event device (`/dev/input/eventN`); [`KeyboardGrab`] takes that
//! device with `EVIOCGRAB` for as long as the transport is open, so the scan is not typed into
//! whatever has focus. The grab ends when the transport is dropped (the fd closes).

use std::ffi::CString;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hidapi::{HidApi, HidDevice};

use super::{ByteSource, TransportError};
use crate::profile::TransportSettings;

/// Largest input report read (HID reports are at most 64 bytes on full-speed USB; hidraw may
/// deliver up to 4096).
pub const REPORT_BYTES_MAX: usize = 4096;

mod ioctl {
    // EVIOCGRAB = _IOW('E', 0x90, int) from linux/input.h.
    nix::ioctl_write_int!(eviocgrab, b'E', 0x90);
}
use ioctl::eviocgrab;

/// Exclusive hold of a keyboard event device (EVIOCGRAB), released on drop.
#[derive(Debug)]
pub struct KeyboardGrab {
    path: PathBuf,
    _file: File,
}

impl KeyboardGrab {
    /// Grabs `/dev/input/eventN`.
    pub fn grab(event_device: &Path) -> Result<Self, TransportError> {
        let file = File::open(event_device).map_err(|e| TransportError::Open {
            device: event_device.display().to_string(),
            reason: e.to_string(),
        })?;
        // SAFETY: EVIOCGRAB takes an int argument by value; the fd is open for the call.
        unsafe { eviocgrab(file.as_raw_fd(), 1) }.map_err(|e| TransportError::Open {
            device: event_device.display().to_string(),
            reason: format!("cannot grab the keyboard device (EVIOCGRAB): {e}"),
        })?;
        Ok(Self {
            path: event_device.to_path_buf(),
            _file: file,
        })
    }

    /// The grabbed event device.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The keyboard event devices the kernel created for the same HID interface as `hidraw`
/// (`/sys/class/hidraw/hidrawN/device/input/inputM/eventK` → `/dev/input/eventK`).
pub fn event_devices_of(hidraw: &str) -> Vec<PathBuf> {
    let Some(name) = Path::new(hidraw).file_name() else {
        return Vec::new();
    };
    let input_dir = Path::new("/sys/class/hidraw")
        .join(name)
        .join("device")
        .join("input");
    let mut out = Vec::new();
    let Ok(inputs) = std::fs::read_dir(&input_dir) else {
        return out;
    };
    for input in inputs.flatten().take(16) {
        let Ok(children) = std::fs::read_dir(input.path()) else {
            continue;
        };
        for child in children.flatten() {
            let file_name = child.file_name();
            let child_name = file_name.to_string_lossy();
            if child_name.starts_with("event") {
                out.push(Path::new("/dev/input").join(child_name.as_ref()));
            }
        }
    }
    out.sort();
    out
}

/// An open hidraw interface.
pub struct HidTransport {
    path: String,
    device: HidDevice,
    _grabs: Vec<KeyboardGrab>,
}

impl std::fmt::Debug for HidTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HidTransport")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl HidTransport {
    /// Opens the hidraw node `path` (as hidapi enumerates it); grabs its keyboard event devices
    /// when the profile asks for it.
    pub fn open(path: &str, settings: &TransportSettings) -> Result<Self, TransportError> {
        let open_err = |reason: String| TransportError::Open {
            device: path.to_string(),
            reason,
        };
        let api = HidApi::new().map_err(|e| open_err(e.to_string()))?;
        let c_path = CString::new(path).map_err(|_| open_err("path contains a NUL byte".into()))?;
        let device = api
            .open_path(&c_path)
            .map_err(|e| open_err(e.to_string()))?;
        let mut grabs = Vec::new();
        if settings.grab_keyboard {
            for event in event_devices_of(path) {
                grabs.push(KeyboardGrab::grab(&event)?);
            }
        }
        Ok(Self {
            path: path.to_string(),
            device,
            _grabs: grabs,
        })
    }

    fn gone(&self, e: hidapi::HidError) -> TransportError {
        // hidapi reports an unplugged hidraw node as a read error (ENODEV/EIO); the manager
        // then reopens by enumeration, which fails until the device is back.
        TransportError::Disconnected {
            device: self.path.clone(),
            reason: e.to_string(),
        }
    }
}

impl ByteSource for HidTransport {
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        let len = buf.len().min(REPORT_BYTES_MAX);
        self.device
            .read_timeout(&mut buf[..len], ms)
            .map_err(|e| self.gone(e))
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.device
            .write(bytes)
            .map(|_| ())
            .map_err(|e| TransportError::Io {
                device: self.path.clone(),
                reason: e.to_string(),
            })
    }

    fn send_feature(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.device
            .send_feature_report(bytes)
            .map_err(|e| TransportError::Io {
                device: self.path.clone(),
                reason: e.to_string(),
            })
    }

    fn describe(&self) -> String {
        self.path.clone()
    }

    fn report_descriptor(&mut self) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 4096];
        let n = self.device.get_report_descriptor(&mut buf).ok()?;
        buf.truncate(n);
        Some(buf)
    }
}

/// One HID interface found by enumeration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HidInterfaceInfo {
    /// hidraw path.
    pub path: String,
    /// Vendor id.
    pub vendor_id: u16,
    /// Product id.
    pub product_id: u16,
    /// Usage page of the top-level collection.
    pub usage_page: u16,
    /// Usage of the top-level collection.
    pub usage: u16,
    /// USB interface number (-1 when unknown).
    pub interface: i32,
    /// Manufacturer string.
    pub manufacturer: Option<String>,
    /// Product string.
    pub product: Option<String>,
}

/// Lists the HID interfaces present (an empty list when hidraw is unavailable).
pub fn enumerate() -> Result<Vec<HidInterfaceInfo>, TransportError> {
    let api = HidApi::new().map_err(|e| TransportError::Io {
        device: "hidraw".into(),
        reason: e.to_string(),
    })?;
    Ok(api
        .device_list()
        .take(256)
        .map(|d| HidInterfaceInfo {
            path: d.path().to_string_lossy().into_owned(),
            vendor_id: d.vendor_id(),
            product_id: d.product_id(),
            usage_page: d.usage_page(),
            usage: d.usage(),
            interface: d.interface_number(),
            manufacturer: d.manufacturer_string().map(str::to_string),
            product: d.product_string().map(str::to_string),
        })
        .collect())
}

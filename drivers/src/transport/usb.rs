//! Raw USB transport (rusb, libusb built from source): bulk or interrupt endpoints of devices
//! that are neither HID nor CDC, and USB enumeration and hotplug for the manager.
//!
//! libusb is vendored and linked statically. When the build machine has no libudev headers
//! (the usual case here), libusb-1.0 is compiled with its netlink backend, so hotplug still
//! works and nothing links a system libudev or libusb.

use std::time::Duration;

use rusb::{Context, DeviceHandle, Direction, TransferType, UsbContext};

use super::{ByteSource, TransportError};
use crate::profile::TransportSettings;

/// An open USB interface with one IN and optionally one OUT endpoint.
pub struct UsbTransport {
    name: String,
    handle: DeviceHandle<Context>,
    interface: u8,
    endpoint_in: u8,
    in_type: TransferType,
    endpoint_out: Option<(u8, TransferType)>,
}

impl std::fmt::Debug for UsbTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsbTransport")
            .field("name", &self.name)
            .field("interface", &self.interface)
            .finish_non_exhaustive()
    }
}

fn usb_err(name: &str, e: rusb::Error) -> TransportError {
    match e {
        rusb::Error::NoDevice | rusb::Error::Io | rusb::Error::Pipe => {
            TransportError::Disconnected {
                device: name.to_string(),
                reason: e.to_string(),
            }
        }
        other => TransportError::Io {
            device: name.to_string(),
            reason: other.to_string(),
        },
    }
}

impl UsbTransport {
    /// Opens the device at `bus`/`address` (checking its ids) and claims the profile's interface.
    pub fn open(
        bus: u8,
        address: u8,
        ids: (u16, u16),
        settings: &TransportSettings,
    ) -> Result<Self, TransportError> {
        let name = format!("usb {bus:03}:{address:03} ({:04x}:{:04x})", ids.0, ids.1);
        let open_err = |reason: String| TransportError::Open {
            device: name.clone(),
            reason,
        };
        let interface = settings
            .interface
            .ok_or_else(|| open_err("the profile names no USB interface".into()))?;
        let endpoint_in = settings
            .endpoint_in
            .ok_or_else(|| open_err("the profile names no IN endpoint".into()))?;
        let context = Context::new().map_err(|e| open_err(e.to_string()))?;
        let devices = context.devices().map_err(|e| open_err(e.to_string()))?;
        let device = devices
            .iter()
            .find(|d| d.bus_number() == bus && d.address() == address)
            .ok_or_else(|| TransportError::Disconnected {
                device: name.clone(),
                reason: "not on the bus".into(),
            })?;
        let desc = device
            .device_descriptor()
            .map_err(|e| open_err(e.to_string()))?;
        if (desc.vendor_id(), desc.product_id()) != ids {
            return Err(TransportError::Disconnected {
                device: name,
                reason: "another device now has this address".into(),
            });
        }
        let config = device
            .active_config_descriptor()
            .map_err(|e| open_err(e.to_string()))?;
        let mut in_type = None;
        let mut out_type = None;
        for iface in config.interfaces().filter(|i| i.number() == interface) {
            for alt in iface.descriptors() {
                for ep in alt.endpoint_descriptors() {
                    if ep.address() == endpoint_in && ep.direction() == Direction::In {
                        in_type = Some(ep.transfer_type());
                    }
                    if Some(ep.address()) == settings.endpoint_out
                        && ep.direction() == Direction::Out
                    {
                        out_type = Some(ep.transfer_type());
                    }
                }
            }
        }
        let in_type = in_type.ok_or_else(|| {
            open_err(format!(
                "interface {interface} has no IN endpoint 0x{endpoint_in:02x}"
            ))
        })?;
        let endpoint_out = match settings.endpoint_out {
            Some(ep) => Some((
                ep,
                out_type.ok_or_else(|| {
                    open_err(format!(
                        "interface {interface} has no OUT endpoint 0x{ep:02x}"
                    ))
                })?,
            )),
            None => None,
        };
        let handle = device.open().map_err(|e| open_err(e.to_string()))?;
        // Best effort: a kernel driver bound to the interface is detached while we hold it.
        let _ = handle.set_auto_detach_kernel_driver(true);
        handle
            .claim_interface(interface)
            .map_err(|e| open_err(format!("cannot claim interface {interface}: {e}")))?;
        Ok(Self {
            name,
            handle,
            interface,
            endpoint_in,
            in_type,
            endpoint_out,
        })
    }
}

impl Drop for UsbTransport {
    fn drop(&mut self) {
        let _ = self.handle.release_interface(self.interface);
    }
}

impl ByteSource for UsbTransport {
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        // libusb treats a zero timeout as "wait forever".
        let timeout = timeout.max(Duration::from_millis(1));
        let result = match self.in_type {
            TransferType::Interrupt => self.handle.read_interrupt(self.endpoint_in, buf, timeout),
            _ => self.handle.read_bulk(self.endpoint_in, buf, timeout),
        };
        match result {
            Ok(n) => Ok(n),
            Err(rusb::Error::Timeout) => Ok(0),
            Err(e) => Err(usb_err(&self.name, e)),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let Some((ep, kind)) = self.endpoint_out else {
            return Err(TransportError::Io {
                device: self.name.clone(),
                reason: "the profile names no OUT endpoint; this device cannot take commands"
                    .into(),
            });
        };
        let timeout = Duration::from_secs(2);
        let written = match kind {
            TransferType::Interrupt => self.handle.write_interrupt(ep, bytes, timeout),
            _ => self.handle.write_bulk(ep, bytes, timeout),
        }
        .map_err(|e| usb_err(&self.name, e))?;
        if written != bytes.len() {
            return Err(TransportError::Io {
                device: self.name.clone(),
                reason: format!("wrote {written} of {} bytes", bytes.len()),
            });
        }
        Ok(())
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// One USB device found by enumeration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsbDeviceInfo {
    /// Bus number.
    pub bus: u8,
    /// Address on the bus.
    pub address: u8,
    /// Vendor id.
    pub vendor_id: u16,
    /// Product id.
    pub product_id: u16,
    /// Interface numbers with their class codes (3 = HID, 2/10 = CDC, 255 = vendor).
    pub interfaces: Vec<(u8, u8)>,
}

/// Lists the USB devices present.
pub fn enumerate() -> Result<Vec<UsbDeviceInfo>, TransportError> {
    let err = |e: rusb::Error| TransportError::Io {
        device: "usb".into(),
        reason: e.to_string(),
    };
    let context = Context::new().map_err(err)?;
    let mut out = Vec::new();
    for device in context.devices().map_err(err)?.iter().take(256) {
        let Ok(desc) = device.device_descriptor() else {
            continue;
        };
        let mut interfaces = Vec::new();
        if let Ok(config) = device.active_config_descriptor() {
            for iface in config.interfaces() {
                if let Some(alt) = iface.descriptors().next() {
                    interfaces.push((iface.number(), alt.class_code()));
                }
            }
        }
        out.push(UsbDeviceInfo {
            bus: device.bus_number(),
            address: device.address(),
            vendor_id: desc.vendor_id(),
            product_id: desc.product_id(),
            interfaces,
        });
    }
    Ok(out)
}

/// Whether libusb works here and supports hotplug notification.
///
/// rusb's own `has_hotplug` initialises its global context and panics when libusb cannot start
/// (no `/dev/bus/usb`, as in many containers); this asks through a context of our own instead.
pub fn hotplug_available() -> bool {
    if Context::new().is_err() {
        return false;
    }
    // SAFETY: libusb_has_capability only reads a constant table; libusb is initialised above.
    unsafe { rusb::ffi::libusb_has_capability(rusb::constants::LIBUSB_CAP_HAS_HOTPLUG) != 0 }
}

/// Calls `on_change` whenever a USB device arrives or leaves, while `keep_going` returns true
/// (checked about twice a second). Runs on the calling thread; returns an error at once when
/// hotplug is unavailable, so the caller falls back to polling.
pub fn watch_hotplug(
    mut on_change: impl FnMut(),
    keep_going: impl Fn() -> bool,
) -> Result<(), TransportError> {
    struct Notify {
        tx: std::sync::mpsc::SyncSender<()>,
    }
    impl<T: UsbContext> rusb::Hotplug<T> for Notify {
        fn device_arrived(&mut self, _device: rusb::Device<T>) {
            let _ = self.tx.try_send(());
        }
        fn device_left(&mut self, _device: rusb::Device<T>) {
            let _ = self.tx.try_send(());
        }
    }
    let err = |e: rusb::Error| TransportError::Io {
        device: "usb hotplug".into(),
        reason: e.to_string(),
    };
    if !hotplug_available() {
        return Err(TransportError::Io {
            device: "usb hotplug".into(),
            reason: "libusb has no hotplug support here".into(),
        });
    }
    let context = Context::new().map_err(err)?;
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let _registration: rusb::Registration<Context> = rusb::HotplugBuilder::new()
        .enumerate(false)
        .register(&context, Box::new(Notify { tx }))
        .map_err(err)?;
    while keep_going() {
        context
            .handle_events(Some(Duration::from_millis(500)))
            .map_err(err)?;
        if rx.try_recv().is_ok() {
            on_change();
        }
    }
    Ok(())
}

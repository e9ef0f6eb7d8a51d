//! The device manager: finds devices, matches each to a firmware profile, opens it, keeps it
//! open across unplug/replug, and lets the app observe every device.
//!
//! * Discovery ([`discover`]) lists serial ports (`serialport`, sysfs, no libudev), the stable
//!   links under `/dev/tally/` that the udev rules create, HID interfaces (hidapi/hidraw) and,
//!   for profiles that use raw USB, USB devices (rusb). Each is matched to a profile by USB
//!   vendor/product id, HID usage page/usage, interface, or port path pattern. Explicit
//!   [`Binding`]s (path → profile) come first; a port that several profiles match (a shared
//!   USB-serial bridge) is reported as ambiguous and left alone until it is bound.
//! * Each matched device gets a worker thread running a [`DeviceSession`]. When the device
//!   goes away the worker marks it disconnected and retries: a bound path is retried forever,
//!   an enumerated device while discovery still sees it. Rescans happen on libusb hotplug
//!   events where libusb supports them, and every `rescan_interval` in any case (polling).
//! * Events go to the app through one bounded channel ([`DeviceManager::events`]); when the
//!   app falls behind, a worker waits up to [`SEND_WAIT`] and then drops the event, counting it
//!   in the device's status. [`DeviceManager::snapshot`] returns every device's status:
//!   state, profile, last event, last error, counters.
//! * The app commands a device with [`DeviceManager::command`] (beep, start/stop inventory, RF
//!   power, session, poll, zero, tare): a small per-device queue its worker empties between reads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::driver::{DeviceSession, DriverEvent};
use crate::profile::{Profile, ProfileSet, TransportKind};
use crate::report;
use crate::transport::{self, hid, serial, usb, DeviceAddress};

/// Longest a worker waits for room in the event channel before dropping an event.
pub const SEND_WAIT: Duration = Duration::from_secs(2);
/// Most devices the manager tracks.
pub const DEVICES_MAX: usize = 64;
/// Where the generated udev rules put stable links to serial devices.
pub const TALLY_LINK_DIR: &str = "/dev/tally";

/// Why the manager could not start.
#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    /// A binding names a profile that does not exist.
    #[error("binding for {path}: {reason}")]
    Binding {
        /// The bound path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A setting is out of range.
    #[error("device manager setting: {0}")]
    Config(String),
    /// A thread could not be started.
    #[error("cannot start the device manager: {0}")]
    Thread(#[from] std::io::Error),
}

/// An explicit "this port is that device" (a scale on a generic USB-serial cable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binding {
    /// Port path (or a stable link).
    pub path: String,
    /// Profile id.
    pub profile: String,
}

impl std::str::FromStr for Binding {
    type Err = String;
    /// `PATH=PROFILE`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((path, profile)) if !path.is_empty() && !profile.is_empty() => Ok(Binding {
                path: path.to_string(),
                profile: profile.to_string(),
            }),
            _ => Err(format!(
                "`{s}` is not PATH=PROFILE (for example /dev/ttyUSB0=mettler-toledo-mt-sics)"
            )),
        }
    }
}

/// Manager settings.
#[derive(Debug, Clone)]
pub struct ManagerConfig {
    /// Explicit path → profile bindings.
    pub bindings: Vec<Binding>,
    /// Look for serial ports.
    pub scan_serial: bool,
    /// Look for HID interfaces.
    pub scan_hid: bool,
    /// Look for raw USB devices (only profiles with `transport.type = "usb"`).
    pub scan_usb: bool,
    /// Rescan at least this often.
    pub rescan_interval: Duration,
    /// Wait this long before reopening a device that failed.
    pub reconnect_delay: Duration,
    /// Capacity of the event channel.
    pub event_capacity: usize,
    /// How long one read waits.
    pub read_timeout: Duration,
    /// Use libusb hotplug notifications where available.
    pub hotplug: bool,
}

impl Default for ManagerConfig {
    fn default() -> Self {
        Self {
            bindings: Vec::new(),
            scan_serial: true,
            scan_hid: true,
            scan_usb: true,
            rescan_interval: Duration::from_secs(2),
            reconnect_delay: Duration::from_millis(500),
            event_capacity: 1024,
            read_timeout: Duration::from_millis(100),
            hotplug: true,
        }
    }
}

impl ManagerConfig {
    /// Only the bound devices, no enumeration (tests, a fixed station).
    pub fn bound_only(bindings: Vec<Binding>) -> Self {
        Self {
            bindings,
            scan_serial: false,
            scan_hid: false,
            scan_usb: false,
            hotplug: false,
            ..Self::default()
        }
    }
}

/// How a found device matched. In JSON: `"match":"profile","profile":ID`,
/// `"match":"ambiguous","candidates":[IDs]` or `"match":"none"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// One profile.
    Profile(String),
    /// Several profiles; bind the port to one of them.
    Ambiguous(Vec<String>),
    /// No profile.
    None,
}

impl Serialize for Match {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(tag = "match", rename_all = "kebab-case")]
        enum Repr<'a> {
            Profile { profile: &'a str },
            Ambiguous { candidates: &'a [String] },
            None,
        }
        match self {
            Match::Profile(id) => Repr::Profile { profile: id },
            Match::Ambiguous(ids) => Repr::Ambiguous { candidates: ids },
            Match::None => Repr::None,
        }
        .serialize(serializer)
    }
}

/// A device found by discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovered {
    /// Where it is.
    pub address: DeviceAddress,
    /// What the system says it is (USB ids, product string).
    pub description: String,
    /// Which profile matched.
    #[serde(flatten)]
    pub matched: Match,
    /// Whether it matched through an explicit binding.
    pub bound: bool,
}

/// What discovery could not look at (no hidraw access, no USB permissions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Discovery {
    /// The devices found.
    pub devices: Vec<Discovered>,
    /// Problems, in words.
    pub problems: Vec<String>,
}

fn profile_ids(profiles: &[&Profile]) -> Match {
    match profiles {
        [] => Match::None,
        [one] => Match::Profile(one.id.clone()),
        many => Match::Ambiguous(many.iter().map(|p| p.id.clone()).collect()),
    }
}

/// Lists devices and matches them to profiles (a one-shot scan; the manager repeats it).
pub fn discover(profiles: &ProfileSet, config: &ManagerConfig) -> Discovery {
    let mut found = Discovery::default();
    let mut seen_paths = BTreeSet::new();
    for binding in &config.bindings {
        seen_paths.insert(binding.path.clone());
        if Path::new(&binding.path).exists() {
            let address = match profiles.get(&binding.profile).map(|p| p.transport.kind) {
                Ok(TransportKind::Hidraw) => DeviceAddress::Hidraw {
                    path: binding.path.clone(),
                },
                _ => DeviceAddress::Serial {
                    path: binding.path.clone(),
                },
            };
            found.devices.push(Discovered {
                address,
                description: "bound by configuration".into(),
                matched: Match::Profile(binding.profile.clone()),
                bound: true,
            });
        }
    }
    if config.scan_serial {
        // (path, USB ids of the port, description)
        type Port = (String, Option<(u16, u16)>, String);
        let mut ports: Vec<Port> = Vec::new();
        match serial::enumerate() {
            Ok(list) => ports.extend(list.into_iter().map(|p| (p.path, p.usb_ids, p.description))),
            Err(e) => found
                .problems
                .push(format!("cannot list serial ports: {e}")),
        }
        if let Ok(links) = std::fs::read_dir(TALLY_LINK_DIR) {
            for link in links.flatten().take(256) {
                let path = link.path().display().to_string();
                ports.push((path, None, "udev link".into()));
            }
        }
        for (path, ids, description) in ports {
            if !seen_paths.insert(path.clone()) {
                continue;
            }
            let matched = profile_ids(&profiles.match_serial(&path, ids));
            found.devices.push(Discovered {
                address: DeviceAddress::Serial { path },
                description,
                matched,
                bound: false,
            });
        }
    }
    if config.scan_hid {
        match hid::enumerate() {
            Ok(list) => {
                for info in list {
                    if !seen_paths.insert(info.path.clone()) {
                        continue;
                    }
                    let interface = u8::try_from(info.interface).ok();
                    let matched = profiles
                        .match_usb(
                            info.vendor_id,
                            info.product_id,
                            Some(info.usage_page),
                            Some(info.usage),
                            interface,
                        )
                        .filter(|p| p.transport.kind == TransportKind::Hidraw)
                        .map_or(Match::None, |p| Match::Profile(p.id.clone()));
                    found.devices.push(Discovered {
                        address: DeviceAddress::Hidraw {
                            path: info.path.clone(),
                        },
                        description: format!(
                            "HID {:04x}:{:04x} usage {:04x}:{:04x} interface {} {} {}",
                            info.vendor_id,
                            info.product_id,
                            info.usage_page,
                            info.usage,
                            info.interface,
                            info.manufacturer.as_deref().unwrap_or(""),
                            info.product.as_deref().unwrap_or("")
                        )
                        .trim_end()
                        .to_string(),
                        matched,
                        bound: false,
                    });
                }
            }
            Err(e) => found.problems.push(format!("cannot list HID devices: {e}")),
        }
    }
    let usb_profiles = profiles
        .iter()
        .any(|p| p.transport.kind == TransportKind::Usb);
    if config.scan_usb && usb_profiles {
        match usb::enumerate() {
            Ok(list) => {
                for info in list {
                    let matched = info
                        .interfaces
                        .iter()
                        .find_map(|(number, _)| {
                            profiles
                                .match_usb(
                                    info.vendor_id,
                                    info.product_id,
                                    None,
                                    None,
                                    Some(*number),
                                )
                                .filter(|p| p.transport.kind == TransportKind::Usb)
                        })
                        .map_or(Match::None, |p| Match::Profile(p.id.clone()));
                    if matched == Match::None {
                        continue;
                    }
                    found.devices.push(Discovered {
                        address: DeviceAddress::Usb {
                            bus: info.bus,
                            address: info.address,
                            vendor_id: info.vendor_id,
                            product_id: info.product_id,
                        },
                        description: format!("USB {:04x}:{:04x}", info.vendor_id, info.product_id),
                        matched,
                        bound: false,
                    });
                }
            }
            Err(e) => found.problems.push(format!("cannot list USB devices: {e}")),
        }
    }
    found
}

/// Connection state of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectionState {
    /// Being opened.
    Connecting,
    /// Open and read.
    Connected,
    /// Gone or failing; retried.
    Disconnected,
    /// Several profiles match; not opened until bound.
    Ambiguous,
}

/// What the app can see about one device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceStatus {
    /// Device id (its address as text).
    pub id: String,
    /// Where it is.
    pub address: DeviceAddress,
    /// The profile it runs with (the candidates when ambiguous).
    pub profiles: Vec<String>,
    /// Connection state.
    pub state: ConnectionState,
    /// Successful opens (1 + reconnects).
    pub connects: u64,
    /// Events delivered.
    pub events: u64,
    /// Events dropped because the app did not keep up.
    pub dropped_events: u64,
    /// The last event, in one line.
    pub last_event: Option<String>,
    /// When (ms since the Unix epoch).
    pub last_event_at_ms: Option<u64>,
    /// The last error.
    pub last_error: Option<String>,
    /// When (ms since the Unix epoch).
    pub last_error_at_ms: Option<u64>,
}

/// A command for one device, carried out by its worker through the device's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceCommand {
    /// Scanner: beep.
    Beep,
    /// RFID: start (or resume) inventory rounds.
    StartInventory,
    /// RFID: stop inventory rounds.
    StopInventory,
    /// RFID: transmit power in dBm.
    SetRfPower(u8),
    /// RFID: Gen2 session 0–3.
    SetSession(u8),
    /// Scale: ask for a reading now.
    PollNow,
    /// Scale: zero.
    Zero,
    /// Scale: tare.
    Tare,
}

/// Why a command could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No device with that id.
    #[error("no device {0}")]
    UnknownDevice(String),
    /// The device's command queue is full (it is not keeping up or is reconnecting).
    #[error("device {0} is busy; try again")]
    Busy(String),
}

/// Commands queued per device at most.
pub const COMMANDS_MAX: usize = 16;

/// One event from one device.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagerEvent {
    /// Device id.
    pub device: String,
    /// Profile id.
    pub profile: String,
    /// When it was decoded (ms since the Unix epoch).
    pub at_ms: u64,
    /// The event.
    pub event: DriverEvent,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

struct Shared {
    stop: AtomicBool,
    status: Mutex<BTreeMap<String, DeviceStatus>>,
    present: Mutex<BTreeSet<DeviceAddress>>,
    running: Mutex<BTreeSet<DeviceAddress>>,
    commands: Mutex<BTreeMap<String, SyncSender<DeviceCommand>>>,
}

impl Shared {
    fn update(&self, id: &str, f: impl FnOnce(&mut DeviceStatus)) {
        if let Ok(mut map) = self.status.lock() {
            if let Some(status) = map.get_mut(id) {
                f(status);
            }
        }
    }

    fn error(&self, id: &str, state: ConnectionState, error: String) {
        tracing::warn!("{id}: {error}");
        self.update(id, |s| {
            s.state = state;
            s.last_error = Some(error);
            s.last_error_at_ms = Some(now_ms());
        });
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sleeps up to `d`, waking early on stop.
    fn sleep(&self, d: Duration) {
        let until = Instant::now() + d;
        while !self.stopping() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20).min(until - Instant::now()));
        }
    }
}

/// The running manager.
pub struct DeviceManager {
    shared: Arc<Shared>,
    events: Receiver<ManagerEvent>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for DeviceManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceManager").finish_non_exhaustive()
    }
}

impl DeviceManager {
    /// Starts discovery and the workers.
    pub fn start(profiles: ProfileSet, config: ManagerConfig) -> Result<Self, ManagerError> {
        for binding in &config.bindings {
            profiles
                .get(&binding.profile)
                .map_err(|e| ManagerError::Binding {
                    path: binding.path.clone(),
                    reason: e.to_string(),
                })?;
        }
        if config.event_capacity == 0 || config.event_capacity > 1_000_000 {
            return Err(ManagerError::Config(
                "event_capacity must be 1 to 1000000".into(),
            ));
        }
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            status: Mutex::default(),
            present: Mutex::default(),
            running: Mutex::default(),
            commands: Mutex::default(),
        });
        let (tx, rx) = sync_channel(config.event_capacity);
        let (rescan_tx, rescan_rx) = sync_channel::<()>(1);
        let mut threads = Vec::new();
        if config.hotplug && usb::hotplug_available() {
            let hp_shared = Arc::clone(&shared);
            let hp_tx = rescan_tx.clone();
            threads.push(
                std::thread::Builder::new()
                    .name("usb-hotplug".into())
                    .spawn(move || {
                        let keep = Arc::clone(&hp_shared);
                        if let Err(e) = usb::watch_hotplug(
                            move || {
                                let _ = hp_tx.try_send(());
                            },
                            move || !keep.stopping(),
                        ) {
                            tracing::info!("USB hotplug unavailable, polling instead: {e}");
                        }
                    })?,
            );
        }
        drop(rescan_tx);
        let scan_shared = Arc::clone(&shared);
        let profiles = Arc::new(profiles);
        threads.push(
            std::thread::Builder::new()
                .name("device-discovery".into())
                .spawn(move || discovery_loop(&scan_shared, &profiles, &config, &tx, &rescan_rx))?,
        );
        Ok(Self {
            shared,
            events: rx,
            threads,
        })
    }

    /// The event channel (bounded).
    pub fn events(&self) -> &Receiver<ManagerEvent> {
        &self.events
    }

    /// Waits up to `timeout` for the next event.
    pub fn next_event(&self, timeout: Duration) -> Option<ManagerEvent> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Queues a command for a device (by its id, as in [`DeviceStatus::id`]). The outcome shows
    /// in the device's events, or as its `last_error` when the device cannot do it.
    pub fn command(&self, device: &str, command: DeviceCommand) -> Result<(), CommandError> {
        let map = self
            .shared
            .commands
            .lock()
            .map_err(|_| CommandError::UnknownDevice(device.to_string()))?;
        let tx = map
            .get(device)
            .ok_or_else(|| CommandError::UnknownDevice(device.to_string()))?;
        tx.try_send(command)
            .map_err(|_| CommandError::Busy(device.to_string()))
    }

    /// Every device's status now.
    pub fn snapshot(&self) -> Vec<DeviceStatus> {
        self.shared
            .status
            .lock()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Stops every thread and waits for them.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Unblock workers waiting for channel room.
        while self.events.try_recv().is_ok() {}
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for DeviceManager {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn discovery_loop(
    shared: &Arc<Shared>,
    profiles: &Arc<ProfileSet>,
    config: &ManagerConfig,
    tx: &SyncSender<ManagerEvent>,
    rescan: &Receiver<()>,
) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let bound: BTreeSet<String> = config.bindings.iter().map(|b| b.path.clone()).collect();
    // Bound devices get a worker at once, present or not: it waits for the path to appear.
    for binding in &config.bindings {
        let Ok(profile) = profiles.get(&binding.profile) else {
            continue;
        };
        let address = match profile.transport.kind {
            TransportKind::Hidraw => DeviceAddress::Hidraw {
                path: binding.path.clone(),
            },
            _ => DeviceAddress::Serial {
                path: binding.path.clone(),
            },
        };
        spawn_worker(
            shared,
            profile.clone(),
            address,
            true,
            config,
            tx,
            &mut workers,
        );
    }
    let enumerate = config.scan_serial || config.scan_hid || config.scan_usb;
    while !shared.stopping() {
        if enumerate {
            let found = discover(
                profiles,
                &ManagerConfig {
                    bindings: Vec::new(),
                    ..config.clone()
                },
            );
            let present: BTreeSet<DeviceAddress> =
                found.devices.iter().map(|d| d.address.clone()).collect();
            if let Ok(mut p) = shared.present.lock() {
                *p = present;
            }
            for device in found.devices {
                let path_bound = match &device.address {
                    DeviceAddress::Serial { path } | DeviceAddress::Hidraw { path } => {
                        bound.contains(path)
                    }
                    DeviceAddress::Usb { .. } => false,
                };
                if path_bound {
                    continue;
                }
                match device.matched {
                    Match::Profile(id) => {
                        if let Ok(profile) = profiles.get(&id) {
                            spawn_worker(
                                shared,
                                profile.clone(),
                                device.address,
                                false,
                                config,
                                tx,
                                &mut workers,
                            );
                        }
                    }
                    Match::Ambiguous(ids) => {
                        let id = device.address.to_string();
                        if let Ok(mut map) = shared.status.lock() {
                            if map.len() < DEVICES_MAX {
                                map.entry(id.clone()).or_insert_with(|| DeviceStatus {
                                    id,
                                    address: device.address.clone(),
                                    profiles: ids,
                                    state: ConnectionState::Ambiguous,
                                    connects: 0,
                                    events: 0,
                                    dropped_events: 0,
                                    last_event: None,
                                    last_event_at_ms: None,
                                    last_error: Some(
                                        "several profiles match this port: bind it to one".into(),
                                    ),
                                    last_error_at_ms: Some(now_ms()),
                                });
                            }
                        }
                    }
                    Match::None => {}
                }
            }
        }
        workers.retain(|w| !w.is_finished());
        // Wait for a hotplug event or the rescan interval.
        let until = Instant::now() + config.rescan_interval;
        while !shared.stopping() && Instant::now() < until {
            match rescan.recv_timeout(Duration::from_millis(50)) {
                Ok(()) => break,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
    }
    for w in workers {
        let _ = w.join();
    }
}

fn spawn_worker(
    shared: &Arc<Shared>,
    profile: Profile,
    address: DeviceAddress,
    bound: bool,
    config: &ManagerConfig,
    tx: &SyncSender<ManagerEvent>,
    workers: &mut Vec<JoinHandle<()>>,
) {
    {
        let Ok(mut running) = shared.running.lock() else {
            return;
        };
        if running.contains(&address) || running.len() >= DEVICES_MAX {
            return;
        }
        running.insert(address.clone());
    }
    let id = address.to_string();
    if let Ok(mut map) = shared.status.lock() {
        let entry = map.entry(id.clone()).or_insert_with(|| DeviceStatus {
            id: id.clone(),
            address: address.clone(),
            profiles: vec![profile.id.clone()],
            state: ConnectionState::Connecting,
            connects: 0,
            events: 0,
            dropped_events: 0,
            last_event: None,
            last_event_at_ms: None,
            last_error: None,
            last_error_at_ms: None,
        });
        entry.state = ConnectionState::Connecting;
        entry.profiles = vec![profile.id.clone()];
    }
    let (command_tx, command_rx) = sync_channel(COMMANDS_MAX);
    if let Ok(mut commands) = shared.commands.lock() {
        commands.insert(id.clone(), command_tx);
    }
    let shared = Arc::clone(shared);
    let tx = tx.clone();
    let config = config.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("device {id}"))
        .spawn(move || {
            worker(
                &shared,
                &profile,
                &address,
                bound,
                &config,
                &tx,
                &command_rx,
            );
            if let Ok(mut running) = shared.running.lock() {
                running.remove(&address);
            }
        });
    match spawned {
        Ok(handle) => workers.push(handle),
        Err(e) => tracing::error!("cannot start a worker for {id}: {e}"),
    }
}

fn worker(
    shared: &Shared,
    profile: &Profile,
    address: &DeviceAddress,
    bound: bool,
    config: &ManagerConfig,
    tx: &SyncSender<ManagerEvent>,
    commands: &Receiver<DeviceCommand>,
) {
    let id = address.to_string();
    let mut out = Vec::new();
    while !shared.stopping() {
        shared.update(&id, |s| s.state = ConnectionState::Connecting);
        let opened = transport::open(address, profile)
            .map_err(crate::driver::DriverError::from)
            .and_then(|t| DeviceSession::open(profile, t));
        match opened {
            Ok(mut session) => {
                tracing::info!("{id}: connected as {}", profile.id);
                shared.update(&id, |s| {
                    s.state = ConnectionState::Connected;
                    s.connects += 1;
                });
                while !shared.stopping() {
                    while let Ok(command) = commands.try_recv() {
                        if let Err(e) = run_command(&mut session, command, &mut out) {
                            shared.error(&id, ConnectionState::Connected, e.to_string());
                        }
                    }
                    if let Err(e) = session.step(config.read_timeout, &mut out) {
                        let gone = matches!(&e, crate::driver::DriverError::Transport(t) if t.is_disconnect());
                        if gone {
                            shared.error(&id, ConnectionState::Disconnected, e.to_string());
                            deliver(shared, &id, profile, &mut out, tx);
                            break;
                        }
                        shared.error(&id, ConnectionState::Connected, e.to_string());
                        shared.sleep(Duration::from_millis(50));
                    }
                    deliver(shared, &id, profile, &mut out, tx);
                }
            }
            Err(e) => shared.error(&id, ConnectionState::Disconnected, e.to_string()),
        }
        if shared.stopping() {
            break;
        }
        shared.sleep(config.reconnect_delay);
        let still_there = bound
            || shared
                .present
                .lock()
                .map(|p| p.contains(address))
                .unwrap_or(false);
        if !still_there {
            shared.update(&id, |s| s.state = ConnectionState::Disconnected);
            return;
        }
    }
}

fn run_command(
    session: &mut DeviceSession,
    command: DeviceCommand,
    out: &mut Vec<DriverEvent>,
) -> Result<(), crate::driver::DriverError> {
    match command {
        DeviceCommand::Beep => session.beep(),
        DeviceCommand::StartInventory => session.start_inventory(),
        DeviceCommand::StopInventory => session.stop_inventory(out),
        DeviceCommand::SetRfPower(dbm) => session.set_rf_power(dbm),
        DeviceCommand::SetSession(n) => session.set_session(n),
        DeviceCommand::PollNow => session.poll_now(),
        DeviceCommand::Zero => session.zero(),
        DeviceCommand::Tare => session.tare(),
    }
}

fn deliver(
    shared: &Shared,
    id: &str,
    profile: &Profile,
    out: &mut Vec<DriverEvent>,
    tx: &SyncSender<ManagerEvent>,
) {
    for event in out.drain(..) {
        let at_ms = now_ms();
        let summary = report::summary(&event);
        let mut message = ManagerEvent {
            device: id.to_string(),
            profile: profile.id.clone(),
            at_ms,
            event,
        };
        let deadline = Instant::now() + SEND_WAIT;
        let delivered = loop {
            match tx.try_send(message) {
                Ok(()) => break true,
                Err(TrySendError::Disconnected(_)) => break false,
                Err(TrySendError::Full(back)) => {
                    if shared.stopping() || Instant::now() >= deadline {
                        break false;
                    }
                    message = back;
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        };
        shared.update(id, |s| {
            s.last_event = Some(summary);
            s.last_event_at_ms = Some(at_ms);
            if delivered {
                s.events += 1;
            } else {
                s.dropped_events += 1;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_parse_and_bad_ones_say_how() {
        let b: Binding = "/dev/ttyUSB0=ohaus-standard".parse().unwrap();
        assert_eq!(b.path, "/dev/ttyUSB0");
        assert_eq!(b.profile, "ohaus-standard");
        let err = "/dev/ttyUSB0".parse::<Binding>().unwrap_err();
        assert!(err.contains("PATH=PROFILE"), "{err}");
    }

    #[test]
    fn a_present_bound_path_is_discovered_with_its_profile() {
        let dir = tempfile::tempdir().unwrap();
        let port = dir.path().join("port");
        std::fs::write(&port, b"").unwrap();
        let profiles = ProfileSet::embedded().unwrap();
        let missing = dir.path().join("missing").display().to_string();
        let config = ManagerConfig::bound_only(vec![
            Binding {
                path: port.display().to_string(),
                profile: "nci-weigh-tronix".into(),
            },
            Binding {
                path: missing,
                profile: "nci-weigh-tronix".into(),
            },
        ]);
        let found = discover(&profiles, &config);
        assert_eq!(found.devices.len(), 1, "{found:?}");
        let json = serde_json::to_value(&found.devices[0]).unwrap();
        assert_eq!(json["match"], "profile");
        assert_eq!(json["profile"], "nci-weigh-tronix");
        assert_eq!(json["bound"], true);
        let ambiguous =
            serde_json::to_value(Match::Ambiguous(vec!["a".into(), "b".into()])).unwrap();
        assert_eq!(
            ambiguous,
            serde_json::json!({"match":"ambiguous","candidates":["a","b"]})
        );
    }

    // Regression: rusb's global context panicked where libusb cannot start (no /dev/bus/usb).
    #[test]
    fn the_manager_runs_with_every_scan_on_whatever_this_machine_has() {
        let profiles = ProfileSet::embedded().unwrap();
        let ids: BTreeSet<String> = profiles.iter().map(|p| p.id.clone()).collect();
        let config = ManagerConfig {
            rescan_interval: Duration::from_millis(50),
            ..ManagerConfig::default()
        };
        let manager = DeviceManager::start(profiles, config).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        for status in manager.snapshot() {
            assert!(
                status.profiles.iter().all(|p| ids.contains(p)),
                "{status:?}"
            );
        }
        manager.stop();
    }

    #[test]
    fn a_binding_to_an_unknown_profile_is_refused() {
        let config = ManagerConfig::bound_only(vec![Binding {
            path: "/dev/null".into(),
            profile: "no-such-scale".into(),
        }]);
        let err = DeviceManager::start(ProfileSet::embedded().unwrap(), config)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("no-such-scale"), "{err}");
    }
}

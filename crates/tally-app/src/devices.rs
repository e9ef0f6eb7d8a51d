//! The devices named in the configuration (scanner, RFID reader, scale), opened through the
//! drivers' device manager off the render path, and their events turned into the app's.
//!
//! [`DeviceLink::start`] binds each configured path to its firmware profile
//! ([`ManagerConfig::bound_only`]: no enumeration, a bound path is retried for ever, so an
//! unplugged device comes back by itself when it is plugged in again) and runs one bridge
//! thread that takes the manager's events and its status, translates them with the pure
//! [`Translator`], and sends them into the app's one event stream:
//!
//! - a barcode becomes [`DeviceEvent::Scan`] (handled like a wedge scan);
//! - every scale reading becomes [`DeviceEvent::Weight`] (home's live weight and stable flag);
//!   a new stable weight (once per settled load) and every RFID tag read also go out as
//!   [`DeviceEvent::Floor`] for the floor layer; an overload or underload (as a reading or as
//!   the scale's error) becomes [`DeviceEvent::ScaleOutOfRange`];
//! - a change of connection becomes [`DeviceEvent::Connected`];
//! - a command the device refused, or a device that is not there, becomes
//!   [`DeviceEvent::Problem`].
//!
//! [`DeviceLink::scale`] queues a tare or zero on the scale's worker; it never waits for the
//! device.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tally_drivers::driver::DriverEvent;
use tally_drivers::event::{DeviceEvent as DriverDeviceEvent, ProtocolError, WeightRange};
use tally_drivers::manager::{
    Binding, CommandError, ConnectionState, DeviceCommand, DeviceManager, ManagerConfig,
    ManagerError, ManagerEvent,
};
use tally_drivers::profile::ProfileSet;
use tally_drivers::protocol::DeviceKind as ProfileKind;

use crate::config::DeviceConfig;
use crate::event::{DeviceEvent, DeviceKind, Event, ScaleCommand};
use crate::text::{bilingual, Language};

/// How often the bridge looks at the devices' connection state.
pub const STATUS_EVERY: Duration = Duration::from_millis(200);
/// How long after a command the bridge reports the device's error as that command's.
pub const COMMAND_WATCH: Duration = Duration::from_secs(3);

/// Why the devices could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// A configured device cannot be used as written.
    #[error("device {path}: {reason}")]
    Setup {
        /// The configured path.
        path: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The shipped firmware profiles cannot be read (a build problem).
    #[error("the firmware profiles cannot be read: {0}")]
    Profiles(String),
    /// The device manager did not start.
    #[error(transparent)]
    Manager(#[from] ManagerError),
    /// The bridge thread did not start.
    #[error("cannot start the device thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// What went wrong with a device, for the person holding the handheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceProblem {
    /// The handheld has no such device in its configuration.
    NotSetUp,
    /// The device is not keeping up or is reconnecting.
    Busy,
    /// The device or its driver said no (as the driver words it).
    Driver(String),
}

impl DeviceProblem {
    /// What to show, in `language`.
    pub fn message(&self, language: Language) -> String {
        match self {
            DeviceProblem::NotSetUp => bilingual!(language,
                en: "not set up on this handheld; ask a supervisor",
                es: "no está configurado en este terminal; avise a un supervisor",
            ),
            DeviceProblem::Busy => bilingual!(language,
                en: "busy or reconnecting; try again",
                es: "ocupado o reconectando; inténtelo de nuevo",
            ),
            // The driver's own words, as it says them.
            DeviceProblem::Driver(text) => text.clone(),
        }
    }
}

/// The app's kind of a profile's kind.
pub fn kind_of(kind: ProfileKind) -> DeviceKind {
    match kind {
        ProfileKind::Scanner => DeviceKind::Scanner,
        ProfileKind::Rfid => DeviceKind::Rfid,
        ProfileKind::Scale => DeviceKind::Scale,
    }
}

/// Checks each configured device against its profile: the profile exists and is of the kind
/// the configuration says. Returns the manager's bindings and each device's kind by id.
pub fn bindings(
    devices: &[DeviceConfig],
    profiles: &ProfileSet,
) -> Result<Vec<(Binding, DeviceKind)>, DeviceError> {
    let mut out: Vec<(Binding, DeviceKind)> = Vec::new();
    for device in devices {
        let path = device.path.display().to_string();
        let setup = |reason: String| DeviceError::Setup {
            path: path.clone(),
            reason,
        };
        let profile = profiles.get(&device.profile).map_err(|e| {
            setup(format!(
                "{e}; `tally devices profiles` lists the profiles this build knows"
            ))
        })?;
        let wanted = device.kind.trim().to_ascii_lowercase();
        if !["scanner", "rfid", "scale"].contains(&wanted.as_str()) {
            return Err(setup(format!(
                "kind {:?} is not known; use \"scanner\", \"rfid\" or \"scale\"",
                device.kind
            )));
        }
        if profile.kind.as_str() != wanted {
            return Err(setup(format!(
                "profile {} is for a {}, but the device is configured as kind = {:?}",
                profile.id,
                profile.kind.as_str(),
                device.kind
            )));
        }
        if out.iter().any(|(b, _)| b.path == path) {
            return Err(setup("the same path is configured twice".to_owned()));
        }
        out.push((
            Binding {
                path,
                profile: profile.id.clone(),
            },
            kind_of(profile.kind),
        ));
    }
    Ok(out)
}

/// Where the configured scales' stable weights go in the floor layer
/// (`tally_floor::Floor::with_scale`): each scale with a `scale_id`, named as the manager
/// names it (its path), with its division as its profile prints it.
pub fn scale_setups(
    devices: &[DeviceConfig],
    profiles: &ProfileSet,
) -> Result<Vec<tally_floor::ScaleSetup>, DeviceError> {
    let mut out = Vec::new();
    for (binding, kind) in bindings(devices, profiles)? {
        let Some(device) = devices
            .iter()
            .find(|d| d.path.display().to_string() == binding.path)
        else {
            continue;
        };
        let (DeviceKind::Scale, Some(scale_id)) = (kind, &device.scale_id) else {
            continue;
        };
        let division = profiles
            .get(&binding.profile)
            .ok()
            .and_then(|p| p.params.division.clone())
            .ok_or_else(|| DeviceError::Setup {
                path: binding.path.clone(),
                reason: format!(
                    "profile {} does not give the scale's division",
                    binding.profile
                ),
            })?;
        out.push(tally_floor::ScaleSetup {
            device: binding.path,
            scale_id: scale_id.clone(),
            division,
        });
    }
    Ok(out)
}

/// Turns the manager's events and connection states into the app's device events. Pure: no
/// I/O, no clock.
#[derive(Debug, Default)]
pub struct Translator {
    kinds: BTreeMap<String, DeviceKind>,
    connected: BTreeMap<String, bool>,
    /// Per scale: the stable reading last sent to the floor (value and unit as printed);
    /// cleared by any reading that is not stable, so the next settled load is new.
    last_stable: BTreeMap<String, String>,
}

impl Translator {
    /// A translator for these devices (manager id → kind).
    pub fn new(kinds: impl IntoIterator<Item = (String, DeviceKind)>) -> Translator {
        Translator {
            kinds: kinds.into_iter().collect(),
            ..Translator::default()
        }
    }

    fn kind(&self, id: &str, fallback: DeviceKind) -> DeviceKind {
        self.kinds.get(id).copied().unwrap_or(fallback)
    }

    /// The app's events for one manager event.
    pub fn event(&mut self, event: ManagerEvent) -> Vec<DeviceEvent> {
        let mut out = Vec::new();
        let ManagerEvent { device, event, .. } = event;
        let DriverEvent::Device(driver_event) = event else {
            // A finished RFID round: its tags were already sent one by one.
            return out;
        };
        match &driver_event {
            DriverDeviceEvent::Scan(input) => out.push(DeviceEvent::Scan {
                text: input.to_text(),
            }),
            DriverDeviceEvent::TagRead { .. } => {
                out.push(DeviceEvent::Floor(tally_floor::DeviceInput {
                    device,
                    event: driver_event,
                }))
            }
            DriverDeviceEvent::Weight(reading) if reading.range != WeightRange::InRange => {
                self.last_stable.remove(&device);
                out.push(DeviceEvent::ScaleOutOfRange {
                    over: reading.range == WeightRange::Overload,
                });
            }
            DriverDeviceEvent::Error(
                error @ (ProtocolError::Overload { .. } | ProtocolError::Underload { .. }),
            ) => {
                self.last_stable.remove(&device);
                out.push(DeviceEvent::ScaleOutOfRange {
                    over: matches!(error, ProtocolError::Overload { .. }),
                });
            }
            DriverDeviceEvent::Weight(reading) => {
                if let Ok(mg) = reading.to_milligrams() {
                    out.push(DeviceEvent::Weight {
                        milligrams: mg.0,
                        stable: reading.stable_weight().is_some(),
                    });
                }
                if reading.stable_weight().is_some() {
                    let key = format!("{} {}", reading.value, reading.unit.symbol());
                    if self.last_stable.get(&device) != Some(&key) {
                        self.last_stable.insert(device.clone(), key);
                        out.push(DeviceEvent::Floor(tally_floor::DeviceInput {
                            device,
                            event: driver_event,
                        }));
                    }
                } else {
                    self.last_stable.remove(&device);
                }
            }
            DriverDeviceEvent::Error(
                error @ (ProtocolError::CommandRejected { .. }
                | ProtocolError::NotExecutable { .. }
                | ProtocolError::ScaleFault { .. }),
            ) => out.push(DeviceEvent::Problem {
                device: self.kind(&device, DeviceKind::Scale),
                problem: DeviceProblem::Driver(error.to_string()),
            }),
            DriverDeviceEvent::Reply(_) | DriverDeviceEvent::Error(_) => {}
        }
        out
    }

    /// The app's event when device `id` is now in `state`, if that changes what it shows.
    pub fn connection(&mut self, id: &str, state: ConnectionState) -> Option<DeviceEvent> {
        let connected = match state {
            ConnectionState::Connected => true,
            ConnectionState::Disconnected | ConnectionState::Ambiguous => false,
            // Opening: keep showing what was shown.
            ConnectionState::Connecting => return None,
        };
        if self.connected.insert(id.to_owned(), connected) == Some(connected) {
            return None;
        }
        if !connected {
            self.last_stable.remove(id);
        }
        Some(DeviceEvent::Connected {
            device: self.kind(id, DeviceKind::Scanner),
            connected,
        })
    }
}

/// A command sent, watched for the device's error for a while.
#[derive(Debug, Clone)]
struct Pending {
    device: String,
    kind: DeviceKind,
    sent_at_ms: u64,
    watch_until: Instant,
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The running devices: the bridge thread, which owns the drivers' manager.
pub struct DeviceLink {
    commands: Sender<ScaleCommand>,
    stop: Arc<AtomicBool>,
    bridge: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for DeviceLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLink").finish_non_exhaustive()
    }
}

impl DeviceLink {
    /// Opens the configured devices with the shipped profiles; `None` when none is configured.
    pub fn start(
        devices: &[DeviceConfig],
        events: Sender<Event>,
    ) -> Result<Option<DeviceLink>, DeviceError> {
        if devices.is_empty() {
            return Ok(None);
        }
        let profiles = ProfileSet::embedded().map_err(|e| DeviceError::Profiles(e.to_string()))?;
        let bound = bindings(devices, &profiles)?;
        let scales: Vec<String> = bound
            .iter()
            .filter(|(_, kind)| *kind == DeviceKind::Scale)
            .map(|(b, _)| b.path.clone())
            .collect();
        let translator = Translator::new(bound.iter().map(|(b, k)| (b.path.clone(), *k)));
        let config = ManagerConfig {
            reconnect_delay: Duration::from_millis(300),
            ..ManagerConfig::bound_only(bound.into_iter().map(|(b, _)| b).collect())
        };
        let manager = DeviceManager::start(profiles, config)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (commands, command_inbox) = std::sync::mpsc::channel();
        let bridge = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("tally-devices".into())
                .spawn(move || {
                    let mut bridge = Bridge {
                        manager,
                        translator,
                        scales,
                        events,
                        pending: Vec::new(),
                    };
                    bridge.run(&command_inbox, &stop);
                    // Dropping the manager stops its workers and closes the ports.
                    bridge.manager.stop();
                })?
        };
        Ok(Some(DeviceLink {
            commands,
            stop,
            bridge: Some(bridge),
        }))
    }

    /// Queues a tare or zero on the scale. A refusal (no scale, busy, the scale said no)
    /// arrives later as [`DeviceEvent::Problem`]; nothing here waits for the device.
    pub fn scale(&self, command: ScaleCommand) {
        // The bridge is gone only when the app is ending.
        let _ = self.commands.send(command);
    }

    /// Stops the bridge and the manager's threads and waits for them.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(bridge) = self.bridge.take() {
            let _ = bridge.join();
        }
    }
}

impl Drop for DeviceLink {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The bridge thread's state.
struct Bridge {
    manager: DeviceManager,
    translator: Translator,
    scales: Vec<String>,
    events: Sender<Event>,
    pending: Vec<Pending>,
}

impl Bridge {
    /// Carries out a scale command; a refusal now or later is reported as a problem.
    fn scale(&mut self, command: ScaleCommand, out: &mut Vec<DeviceEvent>) {
        let problem = |problem: DeviceProblem| DeviceEvent::Problem {
            device: DeviceKind::Scale,
            problem,
        };
        let Some(scale) = self.scales.first() else {
            out.push(problem(DeviceProblem::NotSetUp));
            return;
        };
        let command = match command {
            ScaleCommand::Tare => DeviceCommand::Tare,
            ScaleCommand::Zero => DeviceCommand::Zero,
        };
        let sent_at_ms = unix_ms();
        match self.manager.command(scale, command) {
            Ok(()) => self.pending.push(Pending {
                device: scale.clone(),
                kind: DeviceKind::Scale,
                sent_at_ms,
                watch_until: Instant::now() + COMMAND_WATCH,
            }),
            Err(CommandError::UnknownDevice(_)) => out.push(problem(DeviceProblem::NotSetUp)),
            Err(CommandError::Busy(_)) => out.push(problem(DeviceProblem::Busy)),
        }
    }

    fn run(&mut self, commands: &Receiver<ScaleCommand>, stop: &AtomicBool) {
        let mut status_at = Instant::now();
        while !stop.load(Ordering::SeqCst) {
            let mut out = Vec::new();
            while let Ok(command) = commands.try_recv() {
                self.scale(command, &mut out);
            }
            if let Some(first) = self.manager.next_event(Duration::from_millis(50)) {
                out.extend(self.translator.event(first));
                while let Ok(more) = self.manager.events().try_recv() {
                    out.extend(self.translator.event(more));
                }
            }
            if status_at.elapsed() >= STATUS_EVERY {
                status_at = Instant::now();
                self.statuses(&mut out);
            }
            for event in out {
                if self.events.send(Event::Device(event)).is_err() {
                    // The app is gone: nobody to tell.
                    return;
                }
            }
        }
    }

    /// Connection changes, and the errors of commands sent a moment ago.
    fn statuses(&mut self, out: &mut Vec<DeviceEvent>) {
        let snapshot = self.manager.snapshot();
        for status in &snapshot {
            out.extend(self.translator.connection(&status.id, status.state));
        }
        self.pending.retain(|p| {
            let failed = snapshot.iter().find(|s| s.id == p.device).and_then(|s| {
                s.last_error_at_ms
                    .filter(|at| *at >= p.sent_at_ms)
                    .and(s.last_error.clone())
            });
            match failed {
                Some(text) => {
                    out.push(DeviceEvent::Problem {
                        device: p.kind,
                        problem: DeviceProblem::Driver(text),
                    });
                    false
                }
                None => Instant::now() < p.watch_until,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_drivers::event::{WeightReading, WeightUnit};

    fn weight(value: &str, stable: bool) -> ManagerEvent {
        ManagerEvent {
            device: "/dev/scale".into(),
            profile: "mettler-toledo-mt-sics".into(),
            at_ms: 0,
            event: DriverEvent::Device(DriverDeviceEvent::Weight(WeightReading::new(
                value,
                WeightUnit::Gram,
                stable,
            ))),
        }
    }

    fn floor_count(events: &[DeviceEvent]) -> usize {
        events
            .iter()
            .filter(|e| matches!(e, DeviceEvent::Floor(_)))
            .count()
    }

    #[test]
    fn a_settled_load_reaches_the_floor_once_and_every_reading_reaches_home() {
        let mut t = Translator::new([("/dev/scale".to_owned(), DeviceKind::Scale)]);
        let first = t.event(weight("412.35", false));
        assert_eq!(
            first,
            vec![DeviceEvent::Weight {
                milligrams: 412_350,
                stable: false
            }]
        );
        assert_eq!(floor_count(&t.event(weight("412.37", true))), 1);
        // The same settled load polled again is not a new weighing.
        assert_eq!(floor_count(&t.event(weight("412.37", true))), 0);
        // Taken off and put back: motion in between makes the next stable weight new.
        assert_eq!(floor_count(&t.event(weight("0.00", false))), 0);
        assert_eq!(floor_count(&t.event(weight("412.37", true))), 1);
        // A reconnect forgets the last stable weight too.
        assert!(t
            .connection("/dev/scale", ConnectionState::Disconnected)
            .is_none_or(|e| e
                == DeviceEvent::Connected {
                    device: DeviceKind::Scale,
                    connected: false
                }));
        assert_eq!(floor_count(&t.event(weight("412.37", true))), 1);
    }

    #[test]
    fn an_overload_or_underload_says_so_and_the_next_settled_load_is_new() {
        let mut t = Translator::new([("/dev/scale".to_owned(), DeviceKind::Scale)]);
        assert_eq!(floor_count(&t.event(weight("412.37", true))), 1);
        // Another protocol prints the overload as a reading; MT-SICS answers `S +`.
        let mut over = WeightReading::new("", WeightUnit::Gram, true);
        over.range = WeightRange::Overload;
        let event = |e: DriverDeviceEvent| ManagerEvent {
            device: "/dev/scale".into(),
            profile: "mettler-toledo-mt-sics".into(),
            at_ms: 0,
            event: DriverEvent::Device(e),
        };
        assert_eq!(
            t.event(event(DriverDeviceEvent::Weight(over))),
            vec![DeviceEvent::ScaleOutOfRange { over: true }]
        );
        assert_eq!(
            t.event(event(DriverDeviceEvent::Error(ProtocolError::Underload {
                unit: None
            }))),
            vec![DeviceEvent::ScaleOutOfRange { over: false }]
        );
        // The same load settled again after the overload is a new weighing.
        assert_eq!(floor_count(&t.event(weight("412.37", true))), 1);
    }

    #[test]
    fn connection_changes_are_reported_once_each() {
        let mut t = Translator::new([("/dev/rfid".to_owned(), DeviceKind::Rfid)]);
        assert_eq!(t.connection("/dev/rfid", ConnectionState::Connecting), None);
        let up = DeviceEvent::Connected {
            device: DeviceKind::Rfid,
            connected: true,
        };
        assert_eq!(
            t.connection("/dev/rfid", ConnectionState::Connected),
            Some(up)
        );
        assert_eq!(t.connection("/dev/rfid", ConnectionState::Connected), None);
        // Reopening after an unplug shows nothing new until it is open or gone.
        assert_eq!(t.connection("/dev/rfid", ConnectionState::Connecting), None);
        assert_eq!(
            t.connection("/dev/rfid", ConnectionState::Disconnected),
            Some(DeviceEvent::Connected {
                device: DeviceKind::Rfid,
                connected: false
            })
        );
    }

    #[test]
    fn scans_are_scans_and_tag_reads_go_to_the_floor() {
        let mut t = Translator::default();
        let scan = t.event(ManagerEvent {
            device: "/dev/scanner".into(),
            profile: "x".into(),
            at_ms: 0,
            event: DriverEvent::Device(DriverDeviceEvent::scan(
                b"]C11A4FF0100000022000000512".to_vec(),
            )),
        });
        assert_eq!(
            scan,
            vec![DeviceEvent::Scan {
                text: "]C11A4FF0100000022000000512".into()
            }]
        );
        let tag = DriverDeviceEvent::TagRead {
            epc: vec![0x30, 0x74],
            rssi: None,
            antenna: None,
        };
        let read = t.event(ManagerEvent {
            device: "/dev/rfid".into(),
            profile: "x".into(),
            at_ms: 0,
            event: DriverEvent::Device(tag.clone()),
        });
        assert_eq!(
            read,
            vec![DeviceEvent::Floor(tally_floor::DeviceInput {
                device: "/dev/rfid".into(),
                event: tag
            })]
        );
    }

    #[test]
    fn a_device_configured_against_its_profile_s_kind_is_refused_with_both_named() {
        let profiles = ProfileSet::embedded().unwrap();
        let scale = |kind: &str, profile: &str| DeviceConfig {
            kind: kind.into(),
            path: "/dev/ttyUSB0".into(),
            profile: profile.into(),
            scale_id: Some("SCALE-01".into()),
        };
        let setups = scale_setups(&[scale("scale", "mettler-toledo-mt-sics")], &profiles).unwrap();
        assert_eq!(
            setups,
            vec![tally_floor::ScaleSetup {
                device: "/dev/ttyUSB0".into(),
                scale_id: "SCALE-01".into(),
                division: "0.01".into(),
            }]
        );
        let ok = bindings(&[scale("scale", "mettler-toledo-mt-sics")], &profiles).unwrap();
        assert_eq!(ok[0].1, DeviceKind::Scale);
        let error = bindings(&[scale("rfid", "mettler-toledo-mt-sics")], &profiles)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("mettler-toledo-mt-sics") && error.contains("rfid"),
            "{error}"
        );
        let error = bindings(&[scale("scale", "no-such-profile")], &profiles)
            .unwrap_err()
            .to_string();
        assert!(error.contains("tally devices profiles"), "{error}");
        let error = bindings(
            &[
                scale("scale", "mettler-toledo-mt-sics"),
                scale("scale", "mettler-toledo-mt-sics"),
            ],
            &profiles,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("twice"), "{error}");
    }

    #[test]
    fn problems_are_said_in_both_languages() {
        for p in [DeviceProblem::NotSetUp, DeviceProblem::Busy] {
            assert_ne!(p.message(Language::English), p.message(Language::Spanish));
        }
    }
}

//! `tally devices`: the technician's kit for scanners, RFID readers and scales.
//!
//! `list` (what is connected and which profile matched), `profiles [--json]`, `monitor` (live
//! decoded events), `capture` (raw bytes to a file with timestamps), `simulate scale|rfid`
//! (a simulator on a pseudo-terminal), `replay --profile ID [FILE|-]` (decode a capture
//! offline, one JSON line per event) and `udev-rules`. All the work is in `tally-drivers`;
//! this module parses arguments and prints.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use tally_drivers::capture::{self, CaptureWriter};
use tally_drivers::driver::{record_calibration, DeviceSession, Direction, DriverEvent};
use tally_drivers::event::{DeviceEvent, WeightUnit};
use tally_drivers::interrupt;
use tally_drivers::manager::{self, Binding, DeviceManager, ManagerConfig, Match};
use tally_drivers::profile::{self, Profile, ProfileSet};
use tally_drivers::report;
use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator};
use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};
use tally_drivers::transport::{self, DeviceAddress};

/// Arguments of `tally devices`.
#[derive(Debug, clap::Args)]
pub struct DevicesArgs {
    /// Load firmware profiles from this directory (layout `<kind>/<id>.toml`) instead of the
    /// ones built into tally.
    #[arg(long, global = true, value_name = "DIR")]
    pub profiles_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: DevicesCommand,
}

/// `tally devices` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DevicesCommand {
    /// Show connected devices and the profile each one matched.
    List(ListArgs),
    /// Show the firmware profiles.
    Profiles(ProfilesArgs),
    /// Open the devices and print their decoded events live, one JSON line each.
    Monitor(MonitorArgs),
    /// Record the raw bytes of one device to a file (hex lines with timestamps).
    Capture(CaptureArgs),
    /// Run a device simulator on a pseudo-terminal until Ctrl-C.
    Simulate(SimulateArgs),
    /// Decode captured raw input offline and print one JSON line per event.
    Replay(ReplayArgs),
    /// Print the udev rules generated from the profiles (drivers/udev/70-tally-devices.rules).
    UdevRules,
    /// Weigh a certified check weight and flag drift beyond N scale divisions.
    Calibrate(CalibrateArgs),
}

/// `tally devices calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The scale's serial port.
    #[arg(long)]
    pub port: String,
    /// The scale's profile (its `division` and `unit` are used).
    #[arg(long)]
    pub profile: String,
    /// Certified mass of the check weight, in `--unit` (for example 100.00).
    #[arg(long)]
    pub certified: String,
    /// Unit of `--certified` (default: the profile's unit).
    #[arg(long)]
    pub unit: Option<String>,
    /// Allowed drift in scale divisions.
    #[arg(long, default_value_t = 1)]
    pub max_divisions: u32,
    /// Give up when no stable reading came within this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

/// `tally devices list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Bind a port to a profile: PATH=PROFILE (repeatable).
    #[arg(long = "bind", value_name = "PATH=PROFILE")]
    pub bindings: Vec<Binding>,
}

/// `tally devices profiles`.
#[derive(Debug, clap::Args)]
pub struct ProfilesArgs {
    /// Print JSON (every field of every profile) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `tally devices monitor`.
#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// Bind a port to a profile: PATH=PROFILE (repeatable).
    #[arg(long = "bind", value_name = "PATH=PROFILE")]
    pub bindings: Vec<Binding>,
    /// Only open bound ports; do not look for other devices.
    #[arg(long)]
    pub no_scan: bool,
    /// Also print command replies (acknowledgements, reader info).
    #[arg(long)]
    pub replies: bool,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
}

/// `tally devices capture`.
#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    /// The device: a serial port path or a hidraw node.
    #[arg(long)]
    pub port: String,
    /// Profile to open it with (its init commands and polls are sent, and recorded).
    #[arg(long)]
    pub profile: String,
    /// Output file (`-` = standard output).
    #[arg(long, short, default_value = "-")]
    pub output: String,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
}

/// `tally devices simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    #[command(subcommand)]
    pub device: SimulatedDevice,
}

/// Which simulator.
#[derive(Debug, clap::Subcommand)]
pub enum SimulatedDevice {
    /// A serial scale.
    Scale(ScaleSimArgs),
    /// A UHF RFID reader.
    Rfid(RfidSimArgs),
}

/// `tally devices simulate scale`.
#[derive(Debug, clap::Args)]
pub struct ScaleSimArgs {
    /// Protocol: mt-sics, and-standard, ohaus, nci.
    #[arg(long, default_value = "mt-sics")]
    pub protocol: String,
    /// Behaviour: stable, settling, motion, overload, underload, drift, garbage, unplug.
    #[arg(long, default_value = "stable")]
    pub mode: String,
    /// Load on the platter at power-up, in the scale's unit (default 100.00).
    #[arg(long, value_name = "DECIMAL")]
    pub load: Option<String>,
    /// Stable symlink to the PTY (default: a temporary path).
    #[arg(long)]
    pub link: Option<PathBuf>,
    /// Unit printed.
    #[arg(long)]
    pub unit: Option<String>,
    /// Stream readings on their own every N milliseconds (instead of waiting for polls).
    #[arg(long, value_name = "MS")]
    pub stream_ms: Option<u64>,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
}

/// `tally devices simulate rfid`.
#[derive(Debug, clap::Args)]
pub struct RfidSimArgs {
    /// Protocol: chafon-uhfreader18, chafon-uhfreader288, m100-bb7e, thingmagic-mercury.
    #[arg(long, default_value = "chafon-uhfreader288")]
    pub protocol: String,
    /// Tags in the field.
    #[arg(long, default_value_t = 25)]
    pub tags: usize,
    /// Chance in percent that a tag answers in a round.
    #[arg(long, default_value_t = 90)]
    pub read_percent: u8,
    /// Line noise between frames.
    #[arg(long)]
    pub noise: bool,
    /// Stable symlink to the PTY (default: a temporary path).
    #[arg(long)]
    pub link: Option<PathBuf>,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
}

/// `tally devices replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Profile whose decoder reads the capture.
    #[arg(long)]
    pub profile: String,
    /// Capture file; `-` or nothing = standard input.
    pub file: Option<String>,
    /// Also print command replies as {"type":"reply",...}.
    #[arg(long)]
    pub replies: bool,
}

/// Runs `tally devices`.
pub fn run(args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let profiles = load_profiles(args.profiles_dir.as_deref())?;
    match args.command {
        DevicesCommand::List(a) => list(&profiles, a),
        DevicesCommand::Profiles(a) => profiles_cmd(&profiles, &a),
        DevicesCommand::Monitor(a) => monitor(profiles, a),
        DevicesCommand::Capture(a) => capture_cmd(&profiles, &a),
        DevicesCommand::Simulate(a) => simulate(a),
        DevicesCommand::Replay(a) => replay(&profiles, &a),
        DevicesCommand::Calibrate(a) => calibrate(&profiles, &a),
        DevicesCommand::UdevRules => {
            print!("{}", profile::udev_rules(&profiles));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_profiles(dir: Option<&Path>) -> anyhow::Result<ProfileSet> {
    Ok(match dir {
        Some(dir) => ProfileSet::load_dir(dir)?,
        None => ProfileSet::embedded()?,
    })
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn list(profiles: &ProfileSet, args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = ManagerConfig {
        bindings: args.bindings,
        ..ManagerConfig::default()
    };
    let found = manager::discover(profiles, &config);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&found)?);
    } else {
        if found.devices.is_empty() {
            println!("No devices found.");
        } else {
            println!("{:<40} {:<34} DEVICE", "PATH", "PROFILE");
            for d in &found.devices {
                let path = match &d.address {
                    DeviceAddress::Serial { path } | DeviceAddress::Hidraw { path } => path.clone(),
                    other => other.to_string(),
                };
                let matched = match &d.matched {
                    Match::Profile(id) if d.bound => format!("{id} (bound)"),
                    Match::Profile(id) => id.clone(),
                    Match::Ambiguous(ids) => format!("ambiguous: {}", ids.join(", ")),
                    Match::None => "-".into(),
                };
                println!("{path:<40} {matched:<34} {}", d.description);
            }
        }
        for problem in &found.problems {
            eprintln!("note: {problem}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn profiles_cmd(profiles: &ProfileSet, args: &ProfilesArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        let all: Vec<&Profile> = profiles.iter().collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<36} {:<8} {:<20} {:<7} {:<9} VENDOR / MODEL",
        "ID", "KIND", "PROTOCOL", "VIA", "VERIFIED"
    );
    for p in profiles.iter() {
        let via = format!("{:?}", p.transport.kind).to_lowercase();
        println!(
            "{:<36} {:<8} {:<20} {:<7} {:<9} {} {}",
            p.id,
            p.kind.as_str(),
            p.protocol,
            via,
            if p.verified { "yes" } else { "no" },
            p.vendor,
            p.model
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn until(duration: Option<u64>) -> impl Fn() -> bool {
    let deadline = duration.map(|s| Instant::now() + Duration::from_secs(s));
    move || interrupt::interrupted() || deadline.is_some_and(|d| Instant::now() >= d)
}

fn monitor(profiles: ProfileSet, args: MonitorArgs) -> anyhow::Result<ExitCode> {
    interrupt::install().context("cannot install the Ctrl-C handler")?;
    let mut config = if args.no_scan {
        ManagerConfig::bound_only(args.bindings)
    } else {
        ManagerConfig {
            bindings: args.bindings,
            ..ManagerConfig::default()
        }
    };
    config.event_capacity = 4096;
    let manager = DeviceManager::start(profiles, config)?;
    let done = until(args.duration);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut last_states = std::collections::BTreeMap::new();
    let mut next_status = Instant::now();
    while !done() {
        if let Some(e) = manager.next_event(Duration::from_millis(200)) {
            if let Some(json) = report::driver_event_json(&e.event, args.replies) {
                writeln!(
                    out,
                    "{{\"device\":{},\"profile\":{},\"at_ms\":{},\"event\":{json}}}",
                    serde_json::to_string(&e.device)?,
                    serde_json::to_string(&e.profile)?,
                    e.at_ms
                )?;
                out.flush()?;
            }
        }
        if Instant::now() >= next_status {
            next_status = Instant::now() + Duration::from_millis(500);
            for status in manager.snapshot() {
                let state = format!("{:?}", status.state).to_lowercase();
                if last_states.get(&status.id) != Some(&state) {
                    eprintln!(
                        "{}: {} ({}){}",
                        status.id,
                        state,
                        status.profiles.join(", "),
                        status
                            .last_error
                            .as_deref()
                            .map(|e| format!(": {e}"))
                            .unwrap_or_default()
                    );
                    last_states.insert(status.id.clone(), state);
                }
            }
        }
    }
    manager.stop();
    Ok(ExitCode::SUCCESS)
}

fn capture_cmd(profiles: &ProfileSet, args: &CaptureArgs) -> anyhow::Result<ExitCode> {
    interrupt::install().context("cannot install the Ctrl-C handler")?;
    let profile = profiles.get(&args.profile)?.clone();
    let address = match profile.transport.kind {
        profile::TransportKind::Hidraw => DeviceAddress::Hidraw {
            path: args.port.clone(),
        },
        profile::TransportKind::Serial => DeviceAddress::Serial {
            path: args.port.clone(),
        },
        profile::TransportKind::Usb => {
            bail!("capture of raw USB devices is not supported; capture its hidraw or serial interface")
        }
    };
    let sink: Box<dyn Write + Send> = if args.output == "-" {
        Box::new(io::stdout())
    } else {
        Box::new(BufWriter::new(
            File::create(&args.output).with_context(|| format!("cannot create {}", args.output))?,
        ))
    };
    let writer = CaptureWriter::new(sink, &profile.id, &args.port, unix_ms())?;
    let writer = std::sync::Arc::new(std::sync::Mutex::new(writer));
    let tap_writer = std::sync::Arc::clone(&writer);
    let source = transport::open(&address, &profile)?;
    let tap = Box::new(move |direction: Direction, bytes: &[u8]| {
        if let Ok(mut w) = tap_writer.lock() {
            if let Err(e) = w.chunk(direction, bytes) {
                eprintln!("tally: cannot write the capture: {e}");
            }
        }
    });
    let mut session = DeviceSession::open_with_tap(&profile, source, Some(tap))?;
    if let Some(descriptor) = session.hid_descriptor() {
        if let Ok(mut w) = writer.lock() {
            w.descriptor(descriptor)?;
        }
    }
    let done = until(args.duration);
    let mut events = Vec::new();
    let mut decoded = 0u64;
    while !done() {
        match session.step(Duration::from_millis(100), &mut events) {
            Ok(()) => {}
            Err(e) => {
                eprintln!("tally: {e}");
                break;
            }
        }
        decoded += events.len() as u64;
        for e in events.drain(..) {
            if let DriverEvent::Device(event) = &e {
                if let Some(json) = report::event_json(event, false) {
                    eprintln!("{json}");
                }
            }
        }
    }
    drop(session);
    let chunks = writer.lock().map(|w| w.chunks()).unwrap_or(0);
    if let Ok(w) = std::sync::Arc::try_unwrap(writer) {
        if let Ok(w) = w.into_inner() {
            w.finish()?;
        }
    }
    eprintln!("captured {chunks} reads, {decoded} decoded events");
    Ok(ExitCode::SUCCESS)
}

fn default_link(kind: &str) -> PathBuf {
    std::env::temp_dir().join(format!("tally-sim-{kind}-{}", std::process::id()))
}

/// The simulator's link and a comment line on standard output. A reader that has gone away
/// is an error here (not the end of the process), so the caller stops the simulator and its
/// link is removed before `tally` ends quietly.
fn announce(link: &Path, comment: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}", link.display())?;
    writeln!(out, "{comment}")?;
    out.flush()
}

fn simulate(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    // Stopping removes the simulator's link: a closed output must not end the process first.
    tally_stdout::handle_closed_output_here();
    interrupt::install().context("cannot install the Ctrl-C handler")?;
    match args.device {
        SimulatedDevice::Scale(a) => {
            let protocol: ScaleProtocol = a.protocol.parse()?;
            let mode: ScaleMode = a.mode.parse()?;
            let mut config = ScaleConfig::new(protocol, mode);
            if let Some(unit) = a.unit {
                config.unit = unit;
            }
            if let Some(load) = &a.load {
                config.base_divisions = config.divisions_of(load).with_context(|| {
                    format!("--load {load}: give the load as a decimal such as 100.00")
                })?;
            }
            config.stream_interval = a.stream_ms.map(Duration::from_millis);
            let link = a.link.unwrap_or_else(|| default_link("scale"));
            let sim = ScaleSimulator::start(&link, config)?;
            announce(
                &link,
                &format!(
                    "# scale simulator ({}, {}) on {}; profile {}; Ctrl-C to stop",
                    protocol.as_str(),
                    a.mode,
                    sim.handle().slave_path().display(),
                    protocol.profile_id()
                ),
            )?;
            let done = until(a.duration);
            while !done() {
                std::thread::sleep(Duration::from_millis(100));
            }
            let sent = sim.sent().len();
            sim.stop();
            let _ = writeln!(io::stderr(), "sent {sent} readings");
        }
        SimulatedDevice::Rfid(a) => {
            let protocol: RfidProtocol = a.protocol.parse()?;
            let mut config = RfidConfig::new(protocol, a.tags);
            config.read_percent = a.read_percent;
            config.noise = a.noise;
            let link = a.link.unwrap_or_else(|| default_link("rfid"));
            let sim = RfidSimulator::start(&link, config)?;
            announce(
                &link,
                &format!(
                    "# RFID reader simulator ({}) on {}; Ctrl-C to stop",
                    protocol.profile_id(),
                    sim.handle().slave_path().display()
                ),
            )?;
            let done = until(a.duration);
            while !done() {
                std::thread::sleep(Duration::from_millis(100));
            }
            let rounds = sim.rounds().len();
            sim.stop();
            let _ = writeln!(io::stderr(), "ran {rounds} inventory rounds");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn replay(profiles: &ProfileSet, args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let profile = profiles.get(&args.profile)?;
    let stdout = io::stdout();
    let out = BufWriter::new(stdout.lock());
    let outcome = match args.file.as_deref() {
        None | Some("-") => capture::replay(profile, io::stdin().lock(), out, args.replies)?,
        Some(path) => {
            let file = File::open(path).with_context(|| format!("cannot open {path}"))?;
            capture::replay(profile, BufReader::new(file), out, args.replies)?
        }
    };
    if outcome.bad_lines > 0 {
        eprintln!(
            "tally: {} line(s) could not be read (see the error lines)",
            outcome.bad_lines
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn calibrate(profiles: &ProfileSet, args: &CalibrateArgs) -> anyhow::Result<ExitCode> {
    interrupt::install().context("cannot install the Ctrl-C handler")?;
    let profile = profiles.get(&args.profile)?.clone();
    if profile.kind != profile::DeviceKind::Scale {
        bail!("{} is not a scale profile", profile.id);
    }
    let unit_text = args
        .unit
        .clone()
        .or_else(|| profile.params.unit.clone())
        .unwrap_or_else(|| "g".into());
    let unit = WeightUnit::parse(&unit_text);
    let certified = unit
        .to_milligrams(&args.certified)
        .with_context(|| format!("--certified {} {unit_text}", args.certified))?;
    let source = transport::open(
        &DeviceAddress::Serial {
            path: args.port.clone(),
        },
        &profile,
    )?;
    let mut session = DeviceSession::open(&profile, source)?;
    let done = until(Some(args.timeout));
    let mut events = Vec::new();
    while !done() {
        session.step(Duration::from_millis(100), &mut events)?;
        for e in events.drain(..) {
            if let DriverEvent::Device(DeviceEvent::Weight(w)) = e {
                if w.stable_weight().is_none() {
                    eprintln!("waiting for a stable reading ({} {})", w.value, w.unit);
                    continue;
                }
                let record =
                    record_calibration(&profile, &args.port, certified, &w, args.max_divisions)?;
                println!("{}", serde_json::to_string(&record)?);
                if record.drifted {
                    eprintln!(
                        "the scale is off by {} mg, more than {} division(s): have it serviced before weighing",
                        record.deviation_mg, args.max_divisions
                    );
                    return Ok(ExitCode::from(1));
                }
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    bail!(
        "no stable reading from {} within {} s: keep the check weight still on the pan",
        args.port,
        args.timeout
    )
}

//! `tally demo`: the README's first command. In one directory ([`Layout`]) it creates the demo
//! facility on first use (the same seed as `tally demo seed`), starts the embedded ledger on
//! loopback with the demo device enrolled and tallyd's run loop pushing to it, a simulated
//! scale and a scripted RFID reader on pseudo-terminals, and opens the app signed in as the
//! demo's receiver, with the simulators as its devices. Run again, it continues where it left
//! off; `--reset` starts over.
//!
//! Everything it starts is a thread of this process (the ledger, tallyd, the simulators, the
//! scale follower), so nothing outlives it: on quit, SIGINT, SIGTERM or SIGHUP (the terminal
//! went away) the app signs out and returns, and the helpers are stopped here — tallyd before
//! the ledger, so its last pass (the sign-out) is not cut off mid-request; the PTY links are
//! removed. Ports: the ledger listens on a port the system picks, so demos in two
//! directories run side by side; two demos in one directory are refused (`demo.lock`).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use tally_app::config::LanguageCode;
use tally_app::{Config, Start};
use tally_drivers::sim::rfid::{RfidConfig, RfidProtocol, RfidSimulator, SimTag};
use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};
use tally_replica::seed;

use super::dock::{self, ScaleFollower};
use super::layout::{self, Layout};
use super::ledger::EmbeddedLedger;
use super::sync::DemoSync;
use crate::cmd::replica::{init, KeyLocation};

/// Packages in stock in a new demo facility.
pub const PACKAGES: u64 = 2_000;
/// The seed of the demo facility.
pub const SEED: u64 = 1;
/// The demo facility's registered scale the simulator plays (MT-SICS, 6200 g by 0.01 g).
pub const SCALE_ID: &str = "SCALE-01";
/// The name the demo device has at the ledger and in its enrollment.
pub const DEVICE_NAME: &str = "DEMO-HANDHELD";

/// Arguments of `tally demo` (running the demo).
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The demo's directory (default: $TALLY_DEMO_DIR, else $XDG_DATA_HOME/tally/demo, else
    /// ~/.local/share/tally/demo).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Start over: remove the demo's files in the directory first (nothing else in it).
    #[arg(long)]
    pub reset: bool,
    /// Packages in stock when a new demo facility is created.
    #[arg(long, default_value_t = PACKAGES, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub packages: u64,
    /// Language before sign-in and for users without their own: en or es.
    #[arg(long, value_parser = parse_language)]
    pub language: Option<LanguageCode>,
    /// Lock the screen after this many seconds without a key; 0 never locks.
    #[arg(long)]
    pub auto_lock_secs: Option<u64>,
}

fn parse_language(code: &str) -> Result<LanguageCode, String> {
    LanguageCode::parse(code).map_err(|e| e.to_string())
}

/// The demo user the app signs in: the first operator (a receiver).
pub fn receiver() -> (&'static str, &'static str) {
    seed::USERS
        .iter()
        .find(|(_, _, role, _)| *role == tally_events::payload::Role::Operator)
        .map_or(("B1001", "1111"), |(badge, _, _, pin)| (*badge, *pin))
}

/// Held while a demo runs in a directory.
struct DemoLock {
    _lock: nix::fcntl::Flock<File>,
}

impl DemoLock {
    fn take(layout: &Layout) -> anyhow::Result<DemoLock> {
        let path = layout.lock();
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock) {
            Ok(lock) => Ok(DemoLock { _lock: lock }),
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => anyhow::bail!(
                "another demo is running in {dir}; quit it first, or run this one in another directory with --dir DIR",
                dir = layout.dir.display()
            ),
            Err((_, errno)) => {
                Err(std::io::Error::from(errno)).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// Creates the demo facility in the layout's replica; returns the device id.
fn create(layout: &Layout, packages: u64) -> anyhow::Result<tally_events::DeviceId> {
    std::fs::create_dir_all(layout.replica_dir())
        .with_context(|| format!("cannot create {}", layout.replica_dir().display()))?;
    let mut replica = init(
        &layout.replica(),
        &KeyLocation::Dir(layout.keys()),
        &tally_replica::keys::KeyOptions::default(),
        seed::FACILITY,
        DEVICE_NAME,
        "demo",
    )?;
    seed::demo(&mut replica, usize::try_from(packages)?, SEED)
        .context("cannot record the demo facility")?;
    let device = replica.device();
    replica.close()?;
    Ok(device)
}

fn scale_config() -> ScaleConfig {
    // SCALE-01 of the demo facility: an MT-SICS balance, 6200 g by 0.01 g.
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
    config.base_divisions = 0;
    config.capacity_divisions = 620_000;
    config.serial_number = "B743210987".into();
    config.seed = std::process::id().into();
    config
}

fn reader_config(db: &Path) -> anyhow::Result<RfidConfig> {
    let view = tally_replica::db::open_read_only(db)?;
    let tags = dock::reader_script(&view)
        .context("cannot read the demo's count location")?
        .into_iter()
        .enumerate()
        .map(|(i, epc)| SimTag {
            epc,
            antenna: 1,
            rssi_dbm: -45 - i8::try_from(i % 20).unwrap_or(0),
        })
        .collect();
    Ok(RfidConfig {
        read_percent: 90,
        max_repeats: 2,
        ..RfidConfig {
            tags,
            ..RfidConfig::new(RfidProtocol::M100, 0)
        }
    })
}

/// A TOML basic string (JSON's escapes are TOML's).
fn quoted(path: &Path) -> anyhow::Result<String> {
    let text = path.to_str().with_context(|| {
        format!(
            "{} is not valid UTF-8; choose another --dir",
            path.display()
        )
    })?;
    Ok(serde_json::to_string(text)?)
}

/// The app configuration of the demo, as the TOML file it writes for reference.
fn config_text(layout: &Layout, ledger_url: Option<&str>) -> anyhow::Result<String> {
    let mut text = format!(
        "# Written by `tally demo` for reference: the app configuration the demo runs with.\n\
         database = {}\nkey_dir = {}\n",
        quoted(&layout.replica())?,
        quoted(&layout.keys())?
    );
    if let Some(url) = ledger_url {
        text.push_str(&format!("ledger_url = {}\n", serde_json::to_string(url)?));
    }
    for (kind, path, profile, scale_id) in [
        (
            "scale",
            layout.scale(),
            ScaleProtocol::MtSics.profile_id(),
            Some(SCALE_ID),
        ),
        ("rfid", layout.rfid(), RfidProtocol::M100.profile_id(), None),
    ] {
        text.push_str(&format!(
            "\n[[devices]]\nkind = \"{kind}\"\npath = {}\nprofile = \"{profile}\"\n",
            quoted(&path)?
        ));
        if let Some(id) = scale_id {
            text.push_str(&format!("scale_id = \"{id}\"\n"));
        }
    }
    Ok(text)
}

fn users_text() -> String {
    seed::USERS
        .iter()
        .map(|(badge, name, role, pin)| {
            let role = match role {
                tally_events::payload::Role::Operator => "operator",
                tally_events::payload::Role::Supervisor => "supervisor",
                tally_events::payload::Role::Admin => "admin",
                tally_events::payload::Role::Auditor => "auditor",
            };
            format!("  {badge}  PIN {pin}  {name} ({role})\n")
        })
        .collect()
}

/// Runs the demo.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => layout::default_dir(|name| std::env::var_os(name)).context(
            "no place for the demo's files: give --dir DIR, or set HOME or TALLY_DEMO_DIR",
        )?,
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the demo directory {}", dir.display()))?;
    let layout = Layout::new(dir);
    let _lock = DemoLock::take(&layout)?;
    if args.reset {
        layout
            .reset()
            .with_context(|| format!("cannot start over in {}", layout.dir.display()))?;
        println!("Starting over in {}", layout.dir.display());
    }
    let device = if layout.replica().exists() {
        println!("Continuing the demo in {}", layout.dir.display());
        tally_replica::replica::recorded_device(&layout.replica())?
    } else {
        println!(
            "Creating the demo facility in {} (first run)...",
            layout.dir.display()
        );
        create(&layout, args.packages)?
    };
    let key = tally_replica::keys::key_path(&layout.keys(), &device);
    if !key.exists() {
        anyhow::bail!(
            "the demo's device key {} is missing, so its replica can record nothing more; start over with `tally demo --dir {} --reset`",
            key.display(),
            layout.dir.display()
        );
    }
    std::fs::create_dir_all(layout.ledger_dir())?;
    let ledger = match EmbeddedLedger::start(
        &layout.ledger(),
        &layout.ledger_views(),
        &layout.enrollment(),
        &layout.ledger_admin_key(),
        seed::FACILITY,
        &device,
        DEVICE_NAME,
    ) {
        Ok(ledger) => Some(ledger),
        Err(error) => {
            // The floor works offline; only syncing needs the ledger.
            eprintln!(
                "tally demo: the embedded ledger did not start ({error:#}); continuing offline"
            );
            None
        }
    };
    // tallyd's run loop on a thread, pushing to the embedded ledger as events are recorded;
    // stopped after the app returns, before the ledger.
    let daemon = match &ledger {
        Some(ledger) => match DemoSync::start(&layout, ledger) {
            Ok(daemon) => Some(daemon),
            Err(error) => {
                eprintln!("tally demo: the sync daemon did not start ({error:#}); events stay on the device");
                None
            }
        },
        None => None,
    };
    std::fs::create_dir_all(layout.devices())?;
    let scale = ScaleSimulator::start(&layout.scale(), scale_config())
        .context("cannot start the scale simulator")?;
    let rfid = RfidSimulator::start(&layout.rfid(), reader_config(&layout.replica())?)
        .context("cannot start the RFID reader simulator")?;
    let (weighing, to_weigh) = std::sync::mpsc::channel();
    let follower = ScaleFollower::start(
        layout.replica(),
        scale.platter(),
        to_weigh,
        std::process::id().into(),
    )?;
    let config_text = config_text(&layout, ledger.as_ref().map(EmbeddedLedger::url))?;
    std::fs::write(layout.config(), &config_text)
        .with_context(|| format!("cannot write {}", layout.config().display()))?;
    let config = Config::parse(&config_text, &layout.config())?.with(tally_app::Overrides {
        language: args.language,
        auto_lock_secs: args.auto_lock_secs,
        ..tally_app::Overrides::default()
    });
    let (badge, pin) = receiver();
    println!("Demo files:\n{}", layout.describe(Some(&key)));
    match &ledger {
        Some(ledger) => println!(
            "Ledger: {} (log {}; this device enrolled as {} for {}; tallyd {})",
            ledger.url(),
            ledger.enrollment().origin,
            ledger.enrollment().name,
            ledger.enrollment().facility,
            if daemon.is_some() {
                "pushes its events as they are recorded"
            } else {
                "is not running"
            }
        ),
        None => println!("Ledger: not running"),
    }
    println!("Users (badge, PIN):\n{}", users_text());
    println!("Signing in as {badge}. Scan a case on 1 Receive; Ctrl-C signs out and quits.");
    let outcome = tally_app::run_with(
        &config,
        &Start {
            sign_in: Some((badge.to_owned(), pin.to_owned())),
            weighing: Some(weighing),
        },
    );
    drop(follower);
    scale.stop();
    rfid.stop();
    drop(daemon);
    drop(ledger);
    outcome.context("tally demo")?;
    println!(
        "The demo's files stay in {}: run `tally demo{}` to continue, add --reset to start over.",
        layout.dir.display(),
        if std::env::args_os().any(|a| a == "--dir") {
            format!(" --dir {}", layout.dir.display())
        } else {
            String::new()
        }
    );
    println!("Users (badge, PIN):\n{}", users_text());
    Ok(ExitCode::SUCCESS)
}

//! `tally-ledger`: the central ledger's command line: create a ledger, issue enrollment
//! tokens, list and revoke devices, print the log's verifier key, verify everything from
//! storage, export, fold the projections, write custody bundles, and serve the HTTP API.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use sha2::Digest as _;
use tally_events::{DeviceId, Language, Message};
use tally_ledger::credentials;
use tally_ledger::custody::Custody;
use tally_ledger::ops_store::{OperatorRole, OperatorRow};
use tally_ledger::projection::Projector;
use tally_ledger::store::is_postgres_url;
use tally_ledger::{audit, export, pins, server, Ledger, Store};

/// tally-ledger — verifies, stores and serves every device's signed events in a transparency
/// log.
#[derive(Debug, Parser)]
#[command(name = "tally-ledger", version)]
struct Cli {
    /// Log lines on standard error: `text` (default) or `json` (one JSON object per line, for
    /// journald or a log collector). `TALLY_LOG_FORMAT` sets the default; `RUST_LOG` filters.
    #[arg(long, global = true, env = "TALLY_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Creates a ledger database; its log origin and signing key are fixed from then on.
    Init {
        /// The SQLite database file to create, or a `postgres://` URL of an empty database.
        #[arg(long)]
        db: String,
        /// The log's origin (checkpoint first line and note key name), e.g.
        /// `ledger.example.com/tally`. Default: `tally-ledger.invalid/<random>`.
        #[arg(long)]
        origin: Option<String>,
    },
    /// Prints a one-time enrollment token for a device (creating the ledger on first use).
    EnrollToken {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The facility the device will be bound to (created if new).
        #[arg(long)]
        facility: String,
        /// A name for the device.
        #[arg(long)]
        name: String,
        /// Also draw the token as a QR code (to scan at the dock), after the token line.
        #[arg(long)]
        qr: bool,
    },
    /// Users of a facility, managed at the ledger: their PIN verifiers (Argon2id) are kept
    /// outside the log and sent to the facility's devices. The PIN is read from standard input
    /// (one line), never from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Operator credentials (admin, supervisor) that authenticate `/v1/admin/...` calls.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// The demo facility.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// N simulated devices push M events each to a running ledger; prints events/s next to the
    /// raw verification rate measured in the same run. Needs no set-up: tokens are issued with
    /// this OS user's admin key file (registered in every ledger database it created).
    Loadgen {
        /// The ledger's URL, e.g. `http://127.0.0.1:8443`.
        #[arg(long)]
        ledger: String,
        /// Simulated devices.
        #[arg(long)]
        devices: usize,
        /// Events per device (its genesis included).
        #[arg(long)]
        events: usize,
        /// The facility the devices are enrolled in.
        #[arg(long, default_value = "LOADGEN")]
        facility: String,
        /// Records per push.
        #[arg(long, default_value_t = 500)]
        batch: usize,
    },
    /// Lists enrolled devices.
    Devices {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Lists the forks on record: two validly signed records with the same device and seq, both
    /// kept as evidence.
    Forks {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// One JSON object per line, with both records in base64.
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: its records are refused from now on.
    Revoke {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The device key, hex.
        #[arg(long)]
        device: String,
    },
    /// Prints the log's signed-note verifier key (`<name>+<keyhash>+<key>`).
    VerifierKey {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
    },
    /// Re-verifies every signature, every chain and the Merkle tree from storage; exit 1 with
    /// the first failure.
    Verify {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
    },
    /// Writes the export stream (docs/EVENT-FORMAT.md §6, version 2 with a ledger trailer) of
    /// one device or of the whole log.
    Export {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// Only this device (hex key), in seq order; default: every entry in log order.
        #[arg(long)]
        device: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Brings the supervisor and auditor projections up to the committed log (`serve` does
    /// this by itself, behind ingest).
    Project {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// Drop the projections and fold the whole log again.
        #[arg(long)]
        rebuild: bool,
        /// Entries folded per transaction.
        #[arg(long, default_value_t = tally_ledger::projection::DEFAULT_BATCH)]
        batch: u64,
    },
    /// Writes the chain-of-custody bundle of a UID, for `tally audit FILE --key KEY`.
    Custody {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The package UID.
        #[arg(long)]
        uid: String,
        /// The bundle file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Serves the JSON API (`/v1/`) and the tlog-tiles read API (`/log/`).
    Serve {
        /// The ledger database (created on first use): a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// Address to listen on, e.g. `127.0.0.1:8443` (port 0: any free port).
        #[arg(long)]
        listen: String,
        /// Where the replica service keeps each facility's view (derived data, rebuilt from
        /// the log when missing). Default: `DB.views` beside a SQLite file; for PostgreSQL a
        /// directory under the system's temporary directory.
        #[arg(long)]
        views_dir: Option<PathBuf>,
        /// Serve HTTPS with this PEM certificate chain (server certificate first).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of `--tls-cert`.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// How often (ms) the projector looks at the log when no commit woke it: pushes to
        /// this process wake it at once, and on PostgreSQL so does any process's commit
        /// (LISTEN/NOTIFY); the poll catches other processes' commits to a SQLite file.
        #[arg(long, default_value_t = 2_000)]
        projection_poll_ms: u64,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Adds a user with a PIN (read from standard input).
    Add {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The facility.
        #[arg(long)]
        facility: String,
        /// Badge id.
        #[arg(long)]
        badge: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// operator, supervisor, admin or auditor.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        pin_cost: PinCost,
    },
    /// Gives a user a new PIN (read from standard input); a deactivated user becomes active.
    SetPin {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The facility.
        #[arg(long)]
        facility: String,
        /// Badge id.
        #[arg(long)]
        badge: String,
        #[command(flatten)]
        pin_cost: PinCost,
    },
    /// Deactivates a user: the PIN verifier is erased and devices drop theirs.
    Deactivate {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The facility.
        #[arg(long)]
        facility: String,
        /// Badge id.
        #[arg(long)]
        badge: String,
    },
    /// Lists a facility's users (never their verifiers).
    List {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The facility.
        #[arg(long)]
        facility: String,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
struct PinCost {
    /// Tests only: make verifiers with tally_events' cheap test parameters.
    #[arg(long, hide = true)]
    insecure_test_pin_params: bool,
}

impl PinCost {
    fn params(&self) -> tally_events::pin::PinParams {
        if self.insecure_test_pin_params {
            tally_events::pin::PinParams::TEST
        } else {
            tally_events::pin::PinParams::PRODUCTION
        }
    }
}

#[derive(Debug, Subcommand)]
enum OperatorCommand {
    /// Registers an operator key (an admin key file's public half, `operator key` prints it).
    Add {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The operator's public key, 64 hex digits.
        #[arg(long)]
        key: String,
        /// Who holds it.
        #[arg(long)]
        name: String,
        /// admin or supervisor.
        #[arg(long)]
        role: String,
    },
    /// Revokes an operator key.
    Revoke {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// The operator's public key, 64 hex digits.
        #[arg(long)]
        key: String,
    },
    /// Lists operator credentials.
    List {
        /// The ledger database: a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Creates the demo facility (tally_replica::seed's) in the ledger: its master data as
    /// signed admin events of a seed device enrolled for it, and its users with PINs, so
    /// devices can bootstrap from it.
    Seed {
        /// The ledger database (created on first use): a SQLite file or a `postgres://` URL.
        #[arg(long)]
        db: String,
        /// Packages in stock.
        #[arg(long, default_value_t = 200)]
        packages: usize,
        /// Seed of the demo's deterministic data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        pin_cost: PinCost,
    },
}

fn parse_device(text: &str) -> Result<DeviceId> {
    DeviceId::from_hex(text.trim()).with_context(|| {
        format!("{text:?} is not a device id (64 hexadecimal digits) / no es un identificador de dispositivo")
    })
}

impl Command {
    fn db(&self) -> &str {
        match self {
            Command::Init { db, .. }
            | Command::EnrollToken { db, .. }
            | Command::Devices { db, .. }
            | Command::Forks { db, .. }
            | Command::Revoke { db, .. }
            | Command::VerifierKey { db }
            | Command::Verify { db }
            | Command::Export { db, .. }
            | Command::Project { db, .. }
            | Command::Custody { db, .. }
            | Command::Serve { db, .. }
            | Command::User(
                UserCommand::Add { db, .. }
                | UserCommand::SetPin { db, .. }
                | UserCommand::Deactivate { db, .. }
                | UserCommand::List { db, .. },
            )
            | Command::Operator(
                OperatorCommand::Add { db, .. }
                | OperatorCommand::Revoke { db, .. }
                | OperatorCommand::List { db },
            )
            | Command::Demo(DemoCommand::Seed { db, .. }) => db,
            // Not a database: `run` handles loadgen before asking.
            Command::Loadgen { ledger, .. } => ledger,
        }
    }

    /// Whether the command creates the ledger on first use.
    fn creates(&self) -> bool {
        matches!(
            self,
            Command::EnrollToken { .. } | Command::Serve { .. } | Command::Demo(_)
        )
    }
}

/// A database location for messages: never the password of a URL.
fn shown(db: &str) -> String {
    if is_postgres_url(db) {
        match db.split_once('@') {
            Some((_, host)) => format!("postgres://…@{host}"),
            None => db.to_owned(),
        }
    } else {
        db.to_owned()
    }
}

/// The admin key file of the OS user creating a ledger at `db` (created if needed); a key file
/// in the same directory as a SQLite ledger is refused (a copy of the directory would carry
/// both).
fn creator_key(db: &str) -> Result<Option<tally_events::DeviceKey>> {
    let path = match credentials::admin_key_path() {
        Ok(path) => path,
        Err(error) => {
            eprintln!(
                "warning: {error}; the new ledger has no admin credential until `tally-ledger operator add` registers one / \
                 el libro central nuevo no tiene credencial de administrador"
            );
            return Ok(None);
        }
    };
    if !is_postgres_url(db) {
        let db_dir = Path::new(db)
            .parent()
            .map(|d| d.canonicalize().unwrap_or_else(|_| d.to_owned()));
        let key_dir = path
            .parent()
            .map(|d| d.canonicalize().unwrap_or_else(|_| d.to_owned()));
        if db_dir.is_some() && db_dir == key_dir {
            bail!(
                "the admin key file {} is in the ledger database's directory: keep it elsewhere (set {}) / \
                 el archivo de clave de administrador está en el directorio de la base de datos: guárdelo en otro lugar",
                path.display(),
                credentials::KEY_FILE_ENV
            );
        }
    }
    credentials::load_or_create_admin_key(&path)
        .map(Some)
        .with_context(|| format!("could not prepare the admin key file {}", path.display()))
}

/// Registers the creating OS user's admin credential in a ledger just created.
fn register_creator<S: Store>(ledger: &Ledger<S>, key: &tally_events::DeviceKey) -> Result<()> {
    ledger
        .store()
        .put_operator(&credentials::creator_row(key), tally_ledger::now_unix_ms())
        .context("could not register the admin credential")?;
    Ok(())
}

fn exists(db: &str) -> Result<bool> {
    if is_postgres_url(db) {
        tally_ledger::PgStore::exists(db)
            .with_context(|| format!("could not reach the ledger at {}", shown(db)))
    } else {
        Ok(tally_ledger::SqliteStore::exists(Path::new(db)))
    }
}

fn run_loadgen(
    ledger: &str,
    devices: usize,
    events: usize,
    facility: &str,
    batch: usize,
) -> Result<ExitCode> {
    if devices == 0 || events == 0 {
        bail!(
            "give at least one device and one event / indique al menos un dispositivo y un evento"
        );
    }
    let path = credentials::admin_key_path()?;
    let admin = credentials::read_admin_key(&path).with_context(|| {
        format!(
            "loadgen signs its enrollment tokens with the admin key file {} / loadgen firma sus códigos con el archivo de clave de administrador",
            path.display()
        )
    })?;
    let report = tally_ledger::loadgen::run(ledger, &admin, facility, devices, events, batch)?;
    println!(
        "{} events from {} devices in {:.3} s: {:.0} events/s; raw verify_strict on {} cores: {:.0} events/s ({:.0} %)",
        report.events,
        report.devices,
        report.elapsed.as_secs_f64(),
        report.events_per_s(),
        report.cores,
        report.raw_verify_per_s,
        100.0 * report.events_per_s() / report.raw_verify_per_s.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Loadgen {
        ledger,
        devices,
        events,
        facility,
        batch,
    } = &cli.command
    {
        return run_loadgen(ledger, *devices, *events, facility, *batch);
    }
    let db = cli.command.db().to_owned();
    let creates = cli.command.creates() || matches!(cli.command, Command::Init { .. });
    // The creator's admin key is ready before the database is created, so a failure leaves no
    // database without an admin credential.
    let is_new = creates && !exists(&db)?;
    let new_key = if is_new { creator_key(&db)? } else { None };
    if let Command::Init { origin, .. } = &cli.command {
        let origin = origin.clone().unwrap_or_else(tally_ledger::default_origin);
        let verifier = if is_postgres_url(&db) {
            let ledger = tally_ledger::create_postgres(&db, &origin)
                .with_context(|| format!("could not create the ledger at {}", shown(&db)))?;
            if let Some(key) = &new_key {
                register_creator(&ledger, key)?;
            }
            ledger.verifier_key().to_owned()
        } else {
            let ledger = tally_ledger::create_sqlite(Path::new(&db), &origin)
                .with_context(|| format!("could not create the ledger at {}", shown(&db)))?;
            if let Some(key) = &new_key {
                register_creator(&ledger, key)?;
            }
            ledger.verifier_key().to_owned()
        };
        println!("{verifier}");
        return Ok(ExitCode::SUCCESS);
    }
    if is_postgres_url(&db) {
        let ledger = if creates {
            tally_ledger::open_or_create_postgres(&db)
        } else {
            tally_ledger::open_postgres(&db)
        }
        .with_context(|| format!("could not open the ledger at {}", shown(&db)))?;
        if let Some(key) = &new_key {
            register_creator(&ledger, key)?;
        }
        run_on(ledger, cli.command)
    } else {
        let path = Path::new(&db);
        let ledger = if creates {
            tally_ledger::open_or_create_sqlite(path)
        } else {
            tally_ledger::open_sqlite(path)
        }
        .with_context(|| format!("could not open the ledger at {}", shown(&db)))?;
        if let Some(key) = &new_key {
            register_creator(&ledger, key)?;
        }
        run_on(ledger, cli.command)
    }
}

/// Reads a PIN from standard input: one line, the line end removed.
fn read_pin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("could not read the PIN from standard input")?;
    let pin = line.trim_end_matches(['\n', '\r']).to_owned();
    if pin.is_empty() {
        bail!("give the PIN on standard input (one line) / escriba el PIN en la entrada estándar (una línea)");
    }
    Ok(pin)
}

fn user_error(error: pins::UserError) -> anyhow::Error {
    anyhow::anyhow!("{error} / {}", error.message(Language::Spanish))
}

fn run_user<S: Store>(ledger: &Ledger<S>, command: UserCommand) -> Result<()> {
    let store = ledger.store();
    let now = tally_ledger::now_unix_ms();
    match command {
        UserCommand::Add {
            facility,
            badge,
            name,
            role,
            pin_cost,
            ..
        } => {
            let pin = read_pin()?;
            let user = pins::NewUser {
                facility: &facility,
                badge: &badge,
                name: &name,
                role: &role,
                pin: &pin,
            };
            pins::add_user(store, &user, &pin_cost.params(), now).map_err(user_error)?;
            eprintln!("user {} added to {facility}", badge.trim());
        }
        UserCommand::SetPin {
            facility,
            badge,
            pin_cost,
            ..
        } => {
            let pin = read_pin()?;
            pins::set_pin(store, &facility, &badge, &pin, &pin_cost.params(), now)
                .map_err(user_error)?;
            eprintln!("PIN of {} changed", badge.trim());
        }
        UserCommand::Deactivate {
            facility, badge, ..
        } => {
            pins::deactivate(store, &facility, &badge, now).map_err(user_error)?;
            eprintln!("user {} deactivated", badge.trim());
        }
        UserCommand::List { facility, json, .. } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for user in store.users(&facility)? {
                if json {
                    let row = serde_json::json!({
                        "facility": user.facility,
                        "badge": user.badge,
                        "name": user.name,
                        "role": user.role,
                        "active": user.active,
                        "has_pin": user.pin_verifier.is_some(),
                    });
                    writeln!(out, "{row}")?;
                } else {
                    writeln!(
                        out,
                        "{}  {}  {}{}",
                        user.badge,
                        user.role,
                        user.name,
                        if user.active { "" } else { "  DEACTIVATED" }
                    )?;
                }
            }
            out.flush()?;
        }
    }
    Ok(())
}

fn parse_operator_key(text: &str) -> Result<[u8; 32]> {
    let key = DeviceId::from_hex(text.trim()).with_context(|| {
        format!("{text:?} is not a key (64 hexadecimal digits) / no es una clave")
    })?;
    ed25519_dalek::VerifyingKey::from_bytes(&key.0)
        .ok()
        .filter(|k| !k.is_weak())
        .with_context(|| {
            format!("{text} is not a usable public key / no es una clave pública válida")
        })?;
    Ok(key.0)
}

fn run_operator<S: Store>(ledger: &Ledger<S>, command: OperatorCommand) -> Result<()> {
    let store = ledger.store();
    let now = tally_ledger::now_unix_ms();
    match command {
        OperatorCommand::Add {
            key, name, role, ..
        } => {
            let key = parse_operator_key(&key)?;
            let role = OperatorRole::parse(role.trim()).with_context(|| {
                format!("{role:?} is not an operator role: use admin or supervisor / use admin o supervisor")
            })?;
            store.put_operator(
                &OperatorRow {
                    key,
                    name,
                    role,
                    revoked_unix_ms: None,
                },
                now,
            )?;
            eprintln!(
                "operator {} registered as {}",
                hex::encode(key),
                role.as_str()
            );
        }
        OperatorCommand::Revoke { key, .. } => {
            let key = parse_operator_key(&key)?;
            let Some(mut row) = store.operator(&key)? else {
                bail!("{} is not an operator of this ledger / no es un operador de este libro central", hex::encode(key));
            };
            row.revoked_unix_ms = Some(now);
            store.put_operator(&row, now)?;
            eprintln!("operator {} revoked", hex::encode(key));
        }
        OperatorCommand::List { .. } => {
            for row in store.operators()? {
                println!(
                    "{}  {}  {}{}",
                    hex::encode(row.key),
                    row.role.as_str(),
                    row.name,
                    if row.revoked_unix_ms.is_some() {
                        "  REVOKED"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(())
}

fn run_on<S: Store + 'static>(mut ledger: Ledger<S>, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init { .. } | Command::Loadgen { .. } => {
            unreachable!("handled before opening")
        }
        Command::EnrollToken {
            facility, name, qr, ..
        } => {
            let token = ledger
                .create_token(&facility, &name)
                .context("could not create the token")?;
            println!("{token}");
            if qr {
                print!("{}", tally_ledger::qr::draw(&token)?);
            }
        }
        Command::User(command) => run_user(&ledger, command)?,
        Command::Operator(command) => run_operator(&ledger, command)?,
        Command::Demo(DemoCommand::Seed {
            packages,
            seed,
            pin_cost,
            ..
        }) => {
            let summary = tally_ledger::demo::seed(&mut ledger, packages, seed, &pin_cost.params())
                .context("could not seed the demo facility")?;
            eprintln!(
                "demo facility {} seeded: {} events from device {}, {} users",
                summary.facility, summary.events, summary.device, summary.users
            );
        }
        Command::Devices { json, .. } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for device in ledger.devices()? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&device)?)?;
                } else {
                    writeln!(
                        out,
                        "{}  {}  {}  events {}{}{}",
                        device.device_id,
                        device.facility,
                        device.name,
                        device.events,
                        if device.revoked { "  REVOKED" } else { "" },
                        if device.forked { "  FORKED" } else { "" },
                    )?;
                }
            }
            out.flush()?;
        }
        Command::Forks { json, .. } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for fork in ledger.store().forks()? {
                let held = hex::encode(sha2::Sha256::digest(&fork.held));
                let other = hex::encode(sha2::Sha256::digest(&fork.other));
                if json {
                    let row = serde_json::json!({
                        "device_id": fork.device_id.to_string(),
                        "seq": fork.seq,
                        "held_sha256": held,
                        "other_sha256": other,
                        "held_record": tally_ledger::tlog::b64(&fork.held),
                        "other_record": tally_ledger::tlog::b64(&fork.other),
                    });
                    writeln!(out, "{row}")?;
                } else {
                    writeln!(
                        out,
                        "{}  seq {}  held {}  other {}",
                        fork.device_id, fork.seq, held, other
                    )?;
                }
            }
            out.flush()?;
        }
        Command::Revoke { device, .. } => {
            let device = parse_device(&device)?;
            if !ledger.revoke(&device)? {
                bail!("device {device} is not enrolled at this ledger / no está inscrito");
            }
            eprintln!("device {device} revoked");
        }
        Command::VerifierKey { .. } => {
            println!("{}", ledger.verifier_key());
        }
        Command::Verify { .. } => match audit::audit(&ledger) {
            Ok(summary) => println!(
                "ok: {} entries, {} devices, {} checkpoints verified; {} forks on record",
                summary.entries, summary.devices, summary.checkpoints, summary.forks
            ),
            Err(failure) => {
                eprintln!("verification failed: {failure}");
                return Ok(ExitCode::from(1));
            }
        },
        Command::Export { device, out, .. } => {
            let device = device.as_deref().map(parse_device).transpose()?;
            match out {
                None => {
                    let stdout = std::io::stdout();
                    export::export(&mut ledger, device.as_ref(), stdout.lock())?;
                }
                Some(path) => export_to_file(&mut ledger, device.as_ref(), &path)?,
            }
        }
        Command::Project { rebuild, batch, .. } => {
            let mut projector = Projector::open(ledger.store().reopen()?)
                .context("could not open the projections")?;
            if rebuild {
                projector
                    .rebuild()
                    .context("could not drop the projections")?;
            }
            let position = projector
                .catch_up(batch, None)
                .context("could not fold the log into the projections")?;
            println!("projected {position} entries");
        }
        Command::Custody { uid, out, .. } => {
            let mut projector = Projector::open(ledger.store().reopen()?)
                .context("could not open the projections")?;
            let custody =
                Custody::collect(&mut ledger, &mut projector, &uid).with_context(|| {
                    format!("no custody bundle for {uid} / sin paquete de custodia")
                })?;
            let bytes = custody.bundle(&ledger)?;
            write_synced(&out, &bytes)?;
            let events = custody
                .entries
                .iter()
                .filter(|e| e.role == tally_events::custody::Role::Event)
                .count();
            eprintln!(
                "{events} events of {uid} ({} entries with their context) written to {} under the checkpoint of {} entries",
                custody.entries.len(),
                out.display(),
                custody.checkpoint.size
            );
        }
        Command::Serve {
            listen,
            views_dir,
            db,
            tls_cert,
            tls_key,
            projection_poll_ms,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(
                    tally_ledger::tls::server_config(&cert, &key)
                        .context("could not set up TLS / no se pudo configurar TLS")?,
                ),
                _ => None,
            };
            let mut options = match views_dir {
                Some(views_dir) => server::ServeOptions {
                    views_dir,
                    tls: None,
                    projection_poll: server::DEFAULT_PROJECTION_POLL,
                },
                None if is_postgres_url(&db) => {
                    server::ServeOptions::temporary_for(ledger.origin())
                }
                None => server::ServeOptions {
                    views_dir: tally_ledger::replica::ReplicaService::default_views_dir(Path::new(
                        &db,
                    )),
                    tls: None,
                    projection_poll: server::DEFAULT_PROJECTION_POLL,
                },
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            options.tls = tls;
            options.projection_poll = std::time::Duration::from_millis(projection_poll_ms.max(10));
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .with_context(|| format!("could not listen on {listen}"))?;
                let address = listener.local_addr()?;
                println!("listening on {scheme}://{address}");
                std::io::stdout().flush()?;
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                server::serve_with(ledger, listener, shutdown, &options).await?;
                anyhow::Ok(())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `FILE.partial`, syncs it, then renames it to `FILE`.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("partial");
    let mut file = std::fs::File::create(&tmp)
        .with_context(|| format!("could not create {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

/// Writes the export to `FILE.partial`, syncs it, then renames it to `FILE`.
fn export_to_file<S: Store>(
    ledger: &mut Ledger<S>,
    device: Option<&DeviceId>,
    path: &PathBuf,
) -> Result<()> {
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp)
        .with_context(|| format!("could not create {}", tmp.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    let summary = export::export(ledger, device, &mut writer)?;
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!(
        "{} records written to {} (checkpoint of {} entries in the trailer)",
        summary.records,
        path.display(),
        summary.tree_size
    );
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    // A one-shot command whose reader goes away (`tally-ledger devices --db … | head -1`)
    // ends quietly with status 0; the server keeps serving whatever happens to its output.
    if !matches!(cli.command, Command::Serve { .. }) {
        tally_stdout::end_quietly_when_closed();
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tally-ledger: {error:#}");
            ExitCode::from(1)
        }
    }
}

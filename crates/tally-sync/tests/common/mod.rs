//! Shared rig of tallyd's end-to-end tests: the real binaries (`tally-ledger`, `tally`,
//! `tallyd`) over loopback, real SQLite files, real keys in a key directory.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

/// The directory the test binaries' sibling executables are in (`target/debug`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf()
}

static BUILD: Once = Once::new();

/// Path of a workspace binary; `tally-ledger` and `tally` are built once if missing (cargo
/// builds only this package's binaries for its tests).
pub fn bin(name: &str) -> PathBuf {
    if name == "tallyd" {
        return PathBuf::from(env!("CARGO_BIN_EXE_tallyd"));
    }
    BUILD.call_once(|| {
        if bin_dir().join("tally-ledger").exists() && bin_dir().join("tally").exists() {
            return;
        }
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "tally-ledger", "-p", "tally-cli"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .status()
            .expect("cargo build");
        assert!(status.success(), "building tally-ledger and tally failed");
    });
    bin_dir().join(name)
}

pub fn run(bin_name: &str, args: &[&str]) -> Output {
    Command::new(bin(bin_name))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run")
}

pub fn ok(bin_name: &str, args: &[&str]) -> String {
    let out = run(bin_name, args);
    assert!(
        out.status.success(),
        "{bin_name} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The admin key a new ledger registers for its creator: in a directory of its own beside the
/// test's files (never beside the database, never in the user's own configuration).
fn admin_key(db: &Path) -> PathBuf {
    db.with_extension("operator").join("admin.key")
}

/// The demo's master data is recorded offline by its admin on every seeded device; the ledger
/// accepts a facility's master data from its first device or from an admin it knows, so the
/// facility's admin is registered at the ledger, as at a real site.
fn register_demo_admin(db: &Path) {
    let mut add = Command::new(bin("tally-ledger"))
        .args(["user", "add", "--db"])
        .arg(db)
        .args(["--facility", tally_replica::seed::FACILITY])
        .args(["--badge", tally_replica::seed::ADMIN_BADGE])
        .args(["--name", "Casey Admin", "--role", "admin"])
        .env("TALLY_LEDGER_ADMIN_KEY", admin_key(db))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    add.stdin.take().unwrap().write_all(b"9999\n").unwrap();
    assert!(
        add.wait().unwrap().success(),
        "tally-ledger user add failed"
    );
}

/// `tally-ledger` with the test's admin key for the ledger at `db`.
pub fn ledger_admin(db: &Path, args: &[&str], stdin: Option<&str>) {
    let mut child = Command::new(bin("tally-ledger"))
        .args(args)
        .env("TALLY_LEDGER_ADMIN_KEY", admin_key(db))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tally-ledger");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "tally-ledger {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `tally-ledger demo seed` on a new ledger database: the demo facility's master data as
/// signed admin events of a seed device, and its users with (cheap, test) PINs.
pub fn seed_ledger_demo(db: &Path, packages: u64) {
    ledger_admin(
        db,
        &[
            "demo",
            "seed",
            "--db",
            db.to_str().unwrap(),
            "--packages",
            &packages.to_string(),
            "--insecure-test-pin-params",
        ],
        None,
    );
}

/// A running `tally-ledger serve`.
pub struct Ledger {
    pub db: PathBuf,
    pub port: u16,
    child: Option<Child>,
}

impl Ledger {
    pub fn start(db: &Path, port: u16) -> Ledger {
        let fresh = !db.exists();
        let mut child = Command::new(bin("tally-ledger"))
            .args(["serve", "--db"])
            .arg(db)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .env("TALLY_LEDGER_ADMIN_KEY", admin_key(db))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with("listening on"), "serve said {line:?}");
        if fresh {
            register_demo_admin(db);
        }
        Ledger {
            db: db.to_path_buf(),
            port,
            child: Some(child),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn token(&self, name: &str) -> String {
        ok(
            "tally-ledger",
            &[
                "enroll-token",
                "--db",
                self.db.to_str().unwrap(),
                "--facility",
                tally_replica::seed::FACILITY,
                "--name",
                name,
            ],
        )
        .trim()
        .to_owned()
    }

    /// `tally-ledger export --device` records.
    pub fn records(&self, device: &str) -> Vec<Vec<u8>> {
        let out = Command::new(bin("tally-ledger"))
            .args(["export", "--db"])
            .arg(&self.db)
            .args(["--device", device])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        tally_events::export::read_export(&out.stdout).expect("ledger export")
    }

    pub fn verify(&self) {
        ok(
            "tally-ledger",
            &["verify", "--db", self.db.to_str().unwrap()],
        );
    }

    /// Events per device from `devices --json`.
    pub fn device_events(&self, device: &str) -> u64 {
        let out = ok(
            "tally-ledger",
            &["devices", "--db", self.db.to_str().unwrap(), "--json"],
        );
        out.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["device_id"] == device)
            .map(|v| v["events"].as_u64().unwrap())
            .unwrap_or(0)
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A handheld: its replica, seeded by `tally demo seed`, and its key directory.
pub struct Device {
    pub db: PathBuf,
    pub keys: PathBuf,
    pub id: String,
}

impl Device {
    /// `tally replica init`: a new device of the demo facility with nothing but its genesis.
    pub fn init(dir: &Path, name: &str) -> Device {
        let db = dir.join(format!("{name}.db"));
        let keys = dir.join(format!("{name}-keys"));
        ok(
            "tally",
            &[
                "replica",
                "init",
                "--db",
                db.to_str().unwrap(),
                "--key-dir",
                keys.to_str().unwrap(),
                "--facility",
                tally_replica::seed::FACILITY,
            ],
        );
        let id = tally_replica::replica::recorded_device(&db)
            .unwrap()
            .to_string();
        Device { db, keys, id }
    }

    /// The replica opened as the app opens it (holding the signing lock until dropped).
    pub fn app(&self) -> tally_replica::Replica {
        tally_replica::Replica::open_in_key_dir(
            &self.db,
            &self.keys,
            Box::new(tally_replica::clock::SystemClock::new()),
            &tally_replica::keys::KeyOptions::default(),
        )
        .expect("open the replica")
    }

    /// One value from the replica's database.
    pub fn query_i64(&self, sql: &str) -> i64 {
        let conn = tally_replica::db::open_read_only(&self.db).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// `tally demo seed` with `packages` packages: a real chain of signed events.
    pub fn seed(dir: &Path, name: &str, packages: u64, seed: u64) -> Device {
        let db = dir.join(format!("{name}.db"));
        let keys = dir.join(format!("{name}-keys"));
        ok(
            "tally",
            &[
                "demo",
                "seed",
                "--db",
                db.to_str().unwrap(),
                "--packages",
                &packages.to_string(),
                "--seed",
                &seed.to_string(),
                "--key-dir",
                keys.to_str().unwrap(),
            ],
        );
        let id = tally_replica::replica::recorded_device(&db)
            .unwrap()
            .to_string();
        Device { db, keys, id }
    }

    pub fn args<'a>(&'a self, command: &[&'a str]) -> Vec<&'a str> {
        let mut args = command.to_vec();
        args.extend([
            "--db",
            self.db.to_str().unwrap(),
            "--key-dir",
            self.keys.to_str().unwrap(),
        ]);
        args
    }

    pub fn enroll(&self, ledger: &Ledger, name: &str) {
        let token = ledger.token(name);
        let url = ledger.url();
        ok(
            "tallyd",
            &self.args(&["enroll", "--ledger", &url, "--token", &token]),
        );
    }

    pub fn sync_once(&self) -> Output {
        run("tallyd", &self.args(&["sync", "--once"]))
    }

    pub fn status(&self) -> serde_json::Value {
        let out = ok(
            "tallyd",
            &["status", "--db", self.db.to_str().unwrap(), "--json"],
        );
        serde_json::from_str(out.trim()).unwrap()
    }

    /// `tally log export` records of the replica.
    pub fn records(&self) -> Vec<Vec<u8>> {
        let out = Command::new(bin("tally"))
            .args(["log", "export", "--db"])
            .arg(&self.db)
            .arg("--key-dir")
            .arg(&self.keys)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        tally_events::export::read_export(&out.stdout).expect("replica export")
    }

    /// `tallyd run` in the background.
    pub fn spawn_daemon(&self, extra: &[&str]) -> Daemon {
        let mut args = self.args(&["run"]);
        args.extend_from_slice(extra);
        let child = Command::new(bin("tallyd"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Daemon(child)
    }

    /// Waits until `tallyd status` says nothing is waiting after a successful pass (or panics
    /// after `limit`).
    pub fn wait_synced(&self, limit: Duration) {
        let start = Instant::now();
        loop {
            let status = self.status();
            // A whole pass (push, then pull) finished: a success recorded, no error since.
            if status["events_waiting"] == 0
                && status["last_error"].is_null()
                && !status["last_success"].is_null()
            {
                return;
            }
            assert!(
                start.elapsed() < limit,
                "not synced after {limit:?}: {status}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A running `tallyd run`, killed on drop.
pub struct Daemon(pub Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub mod proxy;

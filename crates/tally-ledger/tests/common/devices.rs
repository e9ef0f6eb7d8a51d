//! Real devices against the real `tally-ledger` binary over loopback: a server process, CLI
//! runs, and tally-replica devices (their key in their own key directory) that sign requests,
//! push their logs, bootstrap from snapshots and pull deltas. Every process gets the admin key
//! file of the scratch directory (`TALLY_LEDGER_ADMIN_KEY`), never the user's own.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use reqwest::blocking::Client;
use serde_json::Value;
use tally_events::payload::DeviceEnrolled;
use tally_events::{DomainSigner, ManualClock, Sha256Hash, Timestamp};
use tally_ledger::auth::sign_request;
use tally_ledger::tlog;
use tally_replica::{Delta, Replica};

pub const BIN: &str = env!("CARGO_BIN_EXE_tally-ledger");

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &str, views: &Path) -> Server {
        Server::start_with(db, views, &[])
    }

    /// `serve` with more arguments.
    pub fn start_with(db: &str, views: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--db",
                db,
                "--listen",
                "127.0.0.1:0",
                "--views-dir",
            ])
            .arg(views)
            .args(extra)
            .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tally-ledger serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn token(db: &str, facility: &str, name: &str) -> String {
    let out = Command::new(BIN)
        .args([
            "enroll-token",
            "--db",
            db,
            "--facility",
            facility,
            "--name",
            name,
        ])
        .env("RUST_LOG", "warn")
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A real device: a tally-replica database with its key in its own key directory.
pub struct Device {
    pub _dir: tempfile::TempDir,
    pub _key_dir: tempfile::TempDir,
    pub db: PathBuf,
    pub replica: Replica,
    pub signer: DomainSigner,
    pub base: String,
    pub origin: String,
    pub client: Client,
}

pub fn clock() -> Box<ManualClock> {
    Box::new(ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_000_000_000,
        boot_id: [7; 16],
        since_boot_us: 1_000,
    }))
}

impl Device {
    pub fn new(server: &Server, facility: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let key_dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("replica.db");
        let key = key_dir.path().join("device.key");
        let replica = Replica::init(
            &db,
            &key,
            clock(),
            DeviceEnrolled {
                facility: facility.into(),
                hardware_serial: "HH-0001".into(),
                enrollment_token_sha256: Sha256Hash::of(b"token"),
                previous_device: None,
            },
        )
        .unwrap();
        let signer = tally_replica::keys::domain_signer(&key).unwrap();
        let info: Value = reqwest::blocking::get(format!("{}/v1/info", server.base))
            .unwrap()
            .json()
            .unwrap();
        Device {
            _dir: dir,
            _key_dir: key_dir,
            db,
            replica,
            signer,
            base: server.base.clone(),
            origin: info["origin"].as_str().unwrap().to_owned(),
            client: Client::new(),
        }
    }

    pub fn send(&self, method: &str, path: &str, body: Vec<u8>) -> reqwest::blocking::Response {
        let headers = sign_request(
            &self.signer,
            &self.origin,
            method,
            path,
            tally_ledger::now_unix_ms(),
            &body,
        )
        .unwrap();
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "POST" => self.client.post(url).body(body),
            _ => self.client.get(url),
        };
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send().unwrap()
    }

    pub fn enroll(&self, token: &str) {
        let body = serde_json::to_vec(&serde_json::json!({ "token": token })).unwrap();
        let response = self.send("POST", "/v1/enroll", body);
        assert_eq!(response.status().as_u16(), 200, "{:?}", response.text());
    }

    /// Pushes every event of the device's log the ledger does not hold yet.
    pub fn push(&self) {
        let mut records = Vec::new();
        let mut stmt = self
            .replica
            .view()
            .prepare("SELECT bytes FROM event_log ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap();
        for bytes in rows {
            records.push(tlog::b64(&bytes.unwrap()));
        }
        for batch in records.chunks(500) {
            let body = serde_json::to_vec(&serde_json::json!({ "records": batch })).unwrap();
            let response = self.send("POST", "/v1/push", body);
            assert_eq!(response.status().as_u16(), 200, "{:?}", response.text());
        }
    }

    pub fn deltas(&self, after: u64, limit: Option<u64>) -> (u16, Value) {
        let path = match limit {
            Some(limit) => format!("/v1/replica/deltas?after={after}&limit={limit}"),
            None => format!("/v1/replica/deltas?after={after}"),
        };
        let response = self.send("GET", &path, Vec::new());
        let status = response.status().as_u16();
        (status, response.json().unwrap())
    }

    /// Pulls and folds every delta after the device's cursor, a page at a time.
    pub fn pull(&mut self, page: u64) -> u64 {
        let mut folded = 0;
        loop {
            let cursor = self.replica.ledger_cursor().unwrap();
            let (status, body) = self.deltas(cursor, Some(page));
            assert_eq!(status, 200, "{body}");
            let deltas: Vec<Delta> = body["deltas"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| Delta {
                    ledger_index: d["ledger_index"].as_u64().unwrap(),
                    bytes: super::b64d(d["record"].as_str().unwrap()),
                })
                .collect();
            if deltas.is_empty() {
                assert_eq!(cursor, body["size"].as_u64().unwrap());
                return folded;
            }
            folded += self.replica.apply_deltas(&deltas).unwrap() as u64;
        }
    }

    /// Fetches a snapshot and loads it; returns its cursor.
    pub fn bootstrap(&mut self) -> u64 {
        let response = self.send("GET", "/v1/replica/snapshot", Vec::new());
        assert_eq!(response.status().as_u16(), 200);
        let cursor: u64 = response.headers()["tally-snapshot-cursor"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let bytes = response.bytes().unwrap();
        let path = self.db.with_file_name("snapshot.sqlite");
        std::fs::write(&path, &bytes).unwrap();
        self.replica.load_snapshot(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(self.replica.ledger_cursor().unwrap(), cursor);
        cursor
    }

    /// The packages as the view holds them.
    pub fn packages(&self) -> Vec<(String, String, Option<String>, i64)> {
        let mut stmt = self
            .replica
            .view()
            .prepare("SELECT uid, status, location_id, quantity FROM packages ORDER BY uid")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    }
}

/// The admin key file every process of the tests uses: in Cargo's scratch directory for
/// integration tests (inside the target directory), never the user's own.
pub fn admin_key_file() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tally-ledger-admin")
        .join("admin.key")
}

/// Runs the CLI with the test's admin key file; `stdin` is written to its standard input.
pub fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write as _;
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Adds user `badge` with `role` and `pin` to `facility` through `tally-ledger user add`
/// (cheap test PIN parameters).
pub fn add_user(db: &str, facility: &str, badge: &str, role: &str, pin: &str) {
    let (code, _, stderr) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--facility",
            facility,
            "--badge",
            badge,
            "--name",
            "Pat Example",
            "--role",
            role,
            "--insecure-test-pin-params",
        ],
        &format!("{pin}\n"),
    );
    assert_eq!(code, 0, "{stderr}");
}

//! The replica service over loopback HTTP with the real binary, on both backends: real
//! tally-replica devices record the demo facility, push it, and other devices bootstrap from
//! `GET /v1/replica/snapshot` and stay current with `GET /v1/replica/deltas`; the view they
//! build equals the one built from the deltas alone; another facility's devices see none of it;
//! every request needs an enrolled device's signature.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{temp_db, PgCluster};
use reqwest::blocking::Client;
use serde_json::Value;
use tally_events::payload::DeviceEnrolled;
use tally_events::pin::PinParams;
use tally_events::{DomainSigner, ManualClock, Sha256Hash, Timestamp};
use tally_ledger::auth::sign_request;
use tally_ledger::tlog;
use tally_replica::{Delta, Replica};

const BIN: &str = env!("CARGO_BIN_EXE_tally-ledger");

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &str, views: &Path) -> Server {
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

fn token(db: &str, facility: &str, name: &str) -> String {
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
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A real device: a tally-replica database with its key in its own key directory.
struct Device {
    _dir: tempfile::TempDir,
    _key_dir: tempfile::TempDir,
    db: PathBuf,
    replica: Replica,
    signer: DomainSigner,
    base: String,
    origin: String,
    client: Client,
}

fn clock() -> Box<ManualClock> {
    Box::new(ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_000_000_000,
        boot_id: [7; 16],
        since_boot_us: 1_000,
    }))
}

impl Device {
    fn new(server: &Server, facility: &str) -> Device {
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

    fn send(&self, method: &str, path: &str, body: Vec<u8>) -> reqwest::blocking::Response {
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

    fn enroll(&self, token: &str) {
        let body = serde_json::to_vec(&serde_json::json!({ "token": token })).unwrap();
        let response = self.send("POST", "/v1/enroll", body);
        assert_eq!(response.status().as_u16(), 200, "{:?}", response.text());
    }

    /// Pushes every event of the device's log the ledger does not hold yet.
    fn push(&self) {
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

    fn deltas(&self, after: u64, limit: Option<u64>) -> (u16, Value) {
        let path = match limit {
            Some(limit) => format!("/v1/replica/deltas?after={after}&limit={limit}"),
            None => format!("/v1/replica/deltas?after={after}"),
        };
        let response = self.send("GET", &path, Vec::new());
        let status = response.status().as_u16();
        (status, response.json().unwrap())
    }

    /// Pulls and folds every delta after the device's cursor, a page at a time.
    fn pull(&mut self, page: u64) -> u64 {
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
                    bytes: common::b64d(d["record"].as_str().unwrap()),
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
    fn bootstrap(&mut self) -> u64 {
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
    fn packages(&self) -> Vec<(String, String, Option<String>, i64)> {
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

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    let (dir, db) = super::temp_db();
                    super::$name(db.to_str().unwrap(), dir.path());
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    let url = super::PgCluster::get().new_database();
                    let dir = tempfile::tempdir().unwrap();
                    super::$name(&url, dir.path());
                }
            )*
        }
    };
}

on_both_backends!(
    devices_bootstrap_from_a_snapshot_and_stay_current_with_deltas,
    the_replica_service_answers_only_enrolled_devices,
);

const DEMO: &str = tally_replica::seed::FACILITY;

fn devices_bootstrap_from_a_snapshot_and_stay_current_with_deltas(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    // The first device records the demo facility and pushes it.
    let mut first = Device::new(&server, DEMO);
    first.enroll(&token(db, DEMO, "dock-1"));
    tally_replica::seed::demo_with_pin_params(&mut first.replica, 40, 7, &PinParams::TEST).unwrap();
    first.push();
    let first_events: u64 = first
        .replica
        .view()
        .query_row("SELECT count(*) FROM event_log", [], |r| r.get(0))
        .unwrap();
    assert!(first.packages().len() >= 40);
    // A device of another facility, with events of its own in the log between them.
    let other = Device::new(&server, "FAC-OTHER");
    other.enroll(&token(db, "FAC-OTHER", "dock-9"));
    other.push();

    // A second device bootstraps from a snapshot.
    let mut second = Device::new(&server, DEMO);
    second.enroll(&token(db, DEMO, "dock-2"));
    second.push();
    let cursor = second.bootstrap();
    assert_eq!(
        cursor,
        first_events + 1,
        "every demo event and its own genesis"
    );
    assert_eq!(second.packages(), first.packages());
    // The snapshot says its own genesis is folded: nothing more to pull.
    assert_eq!(second.pull(1_000), 0);

    // A third device builds its view from the deltas alone, in small pages: the same view.
    let mut third = Device::new(&server, DEMO);
    third.enroll(&token(db, DEMO, "dock-3"));
    third.push();
    let folded = third.pull(7);
    assert_eq!(folded, first_events + 2);
    assert_eq!(third.packages(), first.packages());

    // The facility stream is numbered 1, 2, 3 ... without gaps, in log order, and holds no
    // entry of the other facility although they are interleaved in the log.
    let (status, body) = third.deltas(0, None);
    assert_eq!(status, 200);
    assert_eq!(body["facility"], DEMO);
    let deltas = body["deltas"].as_array().unwrap();
    assert_eq!(deltas.len() as u64, first_events + 2);
    assert_eq!(body["size"].as_u64().unwrap(), first_events + 2);
    let mut last_log_index = None;
    for (i, delta) in deltas.iter().enumerate() {
        assert_eq!(delta["ledger_index"].as_u64().unwrap(), i as u64 + 1);
        let index = delta["log_index"].as_u64().unwrap();
        assert!(last_log_index < Some(index));
        last_log_index = Some(index);
        let event =
            tally_events::SignedEvent::from_bytes(common::b64d(delta["record"].as_str().unwrap()))
                .unwrap();
        assert_eq!(event.facility(), DEMO);
    }
    // The other facility's device sees only its own genesis.
    let (status, body) = other.deltas(0, None);
    assert_eq!(status, 200);
    assert_eq!(body["facility"], "FAC-OTHER");
    assert_eq!(body["size"], 1);

    // New events of the first device reach the second as deltas after its snapshot.
    let before = first.packages();
    first
        .replica
        .record(
            tally_replica::seed::ADMIN_BADGE,
            vec![tally_events::Payload::UserSignedOut(
                tally_events::payload::UserSignedOut {
                    badge: tally_replica::seed::ADMIN_BADGE.into(),
                },
            )],
        )
        .unwrap();
    first.push();
    let pulled = second.pull(1_000);
    assert_eq!(
        pulled, 2,
        "the third device's genesis and the first's sign-out"
    );
    assert_eq!(second.packages(), before);
    assert!(second.replica.held_deltas().unwrap().is_empty());

    // A later snapshot, from the views the server kept, is at the stream's end.
    let mut fourth = Device::new(&server, DEMO);
    fourth.enroll(&token(db, DEMO, "dock-4"));
    fourth.push();
    let cursor = fourth.bootstrap();
    assert_eq!(cursor, first_events + 4);
    assert_eq!(fourth.packages(), first.packages());

    // A server started afresh on the same database, with its views removed, numbers alike.
    drop(server);
    std::fs::remove_dir_all(scratch.join("views")).unwrap();
    let server = Server::start(db, &scratch.join("views"));
    let mut fifth = Device::new(&server, DEMO);
    fifth.enroll(&token(db, DEMO, "dock-5"));
    fifth.push();
    assert_eq!(fifth.bootstrap(), cursor + 1);
    assert_eq!(fifth.packages(), first.packages());
    fourth.base = server.base.clone();
    assert_eq!(fourth.pull(1_000), 1, "the fifth device's genesis");
}

fn the_replica_service_answers_only_enrolled_devices(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    let unenrolled = Device::new(&server, DEMO);
    let (status, body) = unenrolled.deltas(0, None);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unknown_device"))
    );
    let response = unenrolled.send("GET", "/v1/replica/snapshot", Vec::new());
    assert_eq!(response.status().as_u16(), 403);
    // Without a signature.
    let response =
        reqwest::blocking::get(format!("{}/v1/replica/deltas?after=0", server.base)).unwrap();
    assert_eq!(response.status().as_u16(), 401);
    // A revoked device is refused.
    let device = Device::new(&server, DEMO);
    device.enroll(&token(db, DEMO, "dock-1"));
    device.push();
    assert_eq!(device.deltas(0, None).0, 200);
    let out = Command::new(BIN)
        .args(["revoke", "--db", db, "--device"])
        .arg(device.signer.device_id().to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    let (status, body) = device.deltas(0, None);
    assert_eq!((status, body["error"].as_str()), (403, Some("revoked")));
    // A malformed query is a clear error.
    let enrolled = Device::new(&server, DEMO);
    enrolled.enroll(&token(db, DEMO, "dock-2"));
    let response = enrolled.send("GET", "/v1/replica/deltas?after=minus-one", Vec::new());
    assert_eq!(response.status().as_u16(), 400);
}

//! The real `tally-ledger` binary over loopback HTTP with real database files: enrollment and
//! pushes signed by device keys, the tlog-tiles read API checked with the C2SP specs alone,
//! the CLI against a running server, a garbled upload, and a server killed with SIGKILL.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::devices::admin_key_file;
use common::*;
use reqwest::blocking::Client;
use serde_json::Value;
use tally_events::{DeviceKey, SignedEvent};
use tally_ledger::auth::sign_request;
use tally_ledger::tlog;

const BIN: &str = env!("CARGO_BIN_EXE_tally-ledger");

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: impl AsRef<std::ffi::OsStr>) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--db"])
            .arg(db.as_ref())
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn kill9(mut self) {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .unwrap();
        self.child.wait().unwrap();
        std::mem::forget(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

on_both_backends!(
    devices_push_over_http_and_the_served_log_checks_out_by_the_specs_alone,
    consistency_and_inclusion_proofs_are_served_between_checkpoints,
    a_garbled_upload_is_a_retryable_error_never_a_fork,
    requests_without_a_valid_device_signature_are_refused,
    a_server_killed_with_sigkill_restarts_without_losing_what_it_acknowledged,
);

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn token(db: impl AsRef<std::ffi::OsStr>, facility: &str, name: &str) -> String {
    let db = db.as_ref().to_str().unwrap().to_owned();
    let (code, stdout, stderr) = cli(&[
        "enroll-token",
        "--db",
        &db,
        "--facility",
        facility,
        "--name",
        name,
    ]);
    assert_eq!(code, 0, "{stderr}");
    // Nothing but the token on standard output.
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    let token = stdout.trim_end_matches('\n').to_owned();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()));
    token
}

struct Device<'a> {
    key: DeviceKey,
    origin: String,
    server: &'a Server,
    client: Client,
}

impl Device<'_> {
    fn send(&self, method: &str, path: &str, body: Vec<u8>) -> (u16, Value) {
        let headers = sign_request(
            &signer(&self.key),
            &self.origin,
            method,
            path,
            tally_ledger::now_unix_ms(),
            &body,
        )
        .unwrap();
        self.send_with(method, path, body, headers)
    }

    fn send_with(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        headers: Vec<(&'static str, String)>,
    ) -> (u16, Value) {
        let mut request = match method {
            "POST" => self.client.post(self.server.url(path)).body(body),
            _ => self.client.get(self.server.url(path)),
        };
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let text = response.text().unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn enroll(&self, token: &str) -> (u16, Value) {
        let body = serde_json::to_vec(&serde_json::json!({ "token": token })).unwrap();
        self.send("POST", "/v1/enroll", body)
    }

    fn push(&self, events: &[SignedEvent]) -> (u16, Value) {
        self.send("POST", "/v1/push", push_body(events))
    }
}

fn signer(key: &DeviceKey) -> tally_events::DomainSigner {
    tally_events::DomainSigner::new(DeviceKey::from_seed(key.seed()))
}

fn push_body(events: &[SignedEvent]) -> Vec<u8> {
    let records: Vec<String> = events.iter().map(|e| tlog::b64(e.as_bytes())).collect();
    serde_json::to_vec(&serde_json::json!({ "records": records })).unwrap()
}

fn info(server: &Server) -> Value {
    reqwest::blocking::get(server.url("/v1/info"))
        .unwrap()
        .json()
        .unwrap()
}

fn device<'a>(server: &'a Server, seed: u8) -> Device<'a> {
    let origin = info(server)["origin"].as_str().unwrap().to_owned();
    Device {
        key: DeviceKey::from_seed([seed; 32]),
        origin,
        server,
        client: Client::new(),
    }
}

fn get_bytes(url: &str) -> (u16, Vec<u8>) {
    let response = reqwest::blocking::get(url).unwrap();
    (
        response.status().as_u16(),
        response.bytes().unwrap().to_vec(),
    )
}

/// Reads the whole log through `/log/` with nothing but the C2SP specs: the checkpoint's
/// signature by the signed-note rules, the entry bundles by the tlog-tiles rules, and the
/// root by RFC 6962's definition. Returns the entries.
fn read_log_by_the_spec(server: &Server, vkey: &str) -> (u64, Vec<Vec<u8>>) {
    let (status, note) = get_bytes(&server.url("/log/checkpoint"));
    assert_eq!(status, 200);
    let note = String::from_utf8(note).unwrap();
    let (origin, size, root) = spec_checkpoint(&note, vkey);
    assert_eq!(origin, vkey.split('+').next().unwrap());
    let mut entries = Vec::new();
    let full = size / 256;
    let tile_path = |n: u64| -> String {
        // "x001/x234/067": three-digit groups, all but the last prefixed with x.
        let mut groups = vec![format!("{:03}", n % 1000)];
        let mut rest = n / 1000;
        while rest > 0 {
            groups.push(format!("x{:03}", rest % 1000));
            rest /= 1000;
        }
        groups.reverse();
        groups.join("/")
    };
    for n in 0..=full {
        let width = if n < full { 256 } else { size % 256 };
        if width == 0 {
            break;
        }
        let suffix = if width == 256 {
            String::new()
        } else {
            format!(".p/{width}")
        };
        let (status, bundle) =
            get_bytes(&server.url(&format!("/log/tile/entries/{}{suffix}", tile_path(n))));
        assert_eq!(status, 200);
        let mut rest = bundle.as_slice();
        let mut count = 0;
        while !rest.is_empty() {
            let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            entries.push(rest[2..2 + len].to_vec());
            rest = &rest[2 + len..];
            count += 1;
        }
        assert_eq!(count, width);
        // The level-0 hash tile holds the leaf hashes of these entries.
        let (status, hashes) =
            get_bytes(&server.url(&format!("/log/tile/0/{}{suffix}", tile_path(n))));
        assert_eq!(status, 200);
        assert_eq!(hashes.len() as u64, width * 32);
        for (i, chunk) in hashes.chunks(32).enumerate() {
            assert_eq!(chunk, spec_leaf(&entries[(n * 256) as usize + i]));
        }
    }
    let leaves: Vec<[u8; 32]> = entries.iter().map(|e| spec_leaf(e)).collect();
    assert_eq!(
        spec_root(&leaves),
        root,
        "the checkpoint's root is MTH of the entries"
    );
    if size >= 256 {
        // Level 1: one hash per full level-0 tile, each the root of its 256 leaves.
        let width = size / 256;
        let suffix = if width == 256 {
            String::new()
        } else {
            format!(".p/{width}")
        };
        let (status, level1) = get_bytes(&server.url(&format!("/log/tile/1/000{suffix}")));
        assert_eq!(status, 200);
        for (i, chunk) in level1.chunks(32).enumerate() {
            assert_eq!(chunk, spec_root(&leaves[i * 256..(i + 1) * 256]));
        }
    }
    (size, entries)
}

fn devices_push_over_http_and_the_served_log_checks_out_by_the_specs_alone(
    db: &str,
    scratch: &std::path::Path,
) {
    let tok_a = token(db, FACILITY, "dock-a");
    let tok_b = token(db, FACILITY, "dock-b");
    let server = Server::start(db);
    let (code, vkey, _) = cli(&["verifier-key", "--db", db]);
    assert_eq!(code, 0);
    let vkey = vkey.trim().to_owned();
    // <name>+<keyhash>+<key>: the key is base64 and may itself hold '+'.
    let parts: Vec<&str> = vkey.splitn(3, '+').collect();
    assert_eq!(parts.len(), 3, "{vkey}");
    assert_eq!(parts[1].len(), 8, "{vkey}");
    assert_eq!(b64d(parts[2]).len(), 33, "{vkey}");
    assert_eq!(info(&server)["verifier_key"], vkey.as_str());

    let a = device(&server, 1);
    let b = device(&server, 2);
    let (status, enrollment) = a.enroll(&tok_a);
    assert_eq!(status, 200, "{enrollment}");
    assert_eq!(enrollment["facility"], FACILITY);
    assert_eq!(enrollment["verifier_key"], vkey.as_str());
    assert_eq!(b.enroll(&tok_b).0, 200);
    // Lost answer: enrolling again with the same token and key succeeds; another key fails.
    assert_eq!(a.enroll(&tok_a).0, 200);
    let (status, body) = device(&server, 3).enroll(&tok_a);
    assert_eq!((status, body["error"].as_str()), (403, Some("token_used")));

    let chain_a = chain(&a.key, FACILITY, 250);
    let chain_b = chain(&b.key, FACILITY, 60);
    let mut pushed: Vec<Vec<u8>> = Vec::new();
    for (i, batch) in chain_a.chunks(50).enumerate() {
        let (status, body) = a.push(batch);
        assert_eq!(status, 200, "{body}");
        assert!(body["refused"].is_null());
        pushed.extend(bytes(batch));
        if i < chain_b.len() / 30 {
            let part = &chain_b[i * 30..(i + 1) * 30];
            assert_eq!(b.push(part).0, 200);
            pushed.extend(bytes(part));
        }
        // Each receipt's checkpoint verifies by the signed-note spec and covers its index.
        for receipt in body["receipts"].as_array().unwrap() {
            let (_, size, _) = spec_checkpoint(receipt["checkpoint"].as_str().unwrap(), &vkey);
            assert!(receipt["index"].as_u64().unwrap() < size);
        }
    }
    let (size, entries) = read_log_by_the_spec(&server, &vkey);
    assert_eq!(size, 310);
    assert_eq!(
        entries, pushed,
        "each entry is the record exactly as signed, in order"
    );

    // A re-sent batch gets the same indexes back and adds nothing.
    let (status, body) = a.push(&chain_a[..50]);
    assert_eq!(status, 200);
    let receipts = body["receipts"].as_array().unwrap();
    assert!(receipts.iter().all(|r| r["duplicate"] == true));
    assert_eq!(receipts[0]["index"], 0);
    assert_eq!(read_log_by_the_spec(&server, &vkey).0, 310);

    // The device asks where its chain stands at the ledger.
    let (status, me) = a.send("GET", "/v1/device", Vec::new());
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["expected_seq"], 251);
    assert_eq!(me["facility"], FACILITY);

    // A gap is refused with the seq expected next.
    let more = chain(&a.key, FACILITY, 260);
    let (status, body) = a.push(&more[252..]);
    assert_eq!(status, 409);
    assert_eq!(body["refused"]["error"], "gap");
    assert_eq!(body["refused"]["expected_seq"], 251);
    assert!(body["refused"]["message_es"]
        .as_str()
        .unwrap()
        .contains("251"));

    // The CLI works against the running server: devices, a new token, revocation.
    let (code, listing, _) = cli(&["devices", "--db", db, "--json"]);
    assert_eq!(code, 0);
    let rows: Vec<Value> = listing
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["device_id"], a.key.device_id().to_string());
    assert_eq!(rows[0]["events"], 250);
    assert_eq!(rows[0]["revoked"], false);
    assert_eq!(rows[1]["events"], 60);
    assert_eq!(rows[0]["facility"], FACILITY);
    assert_eq!(rows[0]["name"], "dock-a");

    let tok_c = token(db, "C11-0000999-LIC", "new-site");
    let c = device(&server, 4);
    assert_eq!(c.enroll(&tok_c).0, 200);
    assert_eq!(c.push(&chain(&c.key, "C11-0000999-LIC", 3)).0, 200);

    let (code, _, stderr) = cli(&[
        "revoke",
        "--db",
        db,
        "--device",
        &b.key.device_id().to_string(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (status, body) = b.push(&chain(&b.key, FACILITY, 61)[60..]);
    assert_eq!((status, body["error"].as_str()), (403, Some("revoked")));

    // A fork over HTTP: kept as evidence, listed by `forks`, the device refused from then on.
    let forked = fork_of(&c.key, &chain(&c.key, "C11-0000999-LIC", 3), 2);
    let (status, body) = c.push(std::slice::from_ref(&forked));
    assert_eq!(
        (status, body["refused"]["error"].as_str()),
        (409, Some("fork"))
    );
    let (status, body) = c.push(&chain(&c.key, "C11-0000999-LIC", 3));
    assert_eq!((status, body["error"].as_str()), (403, Some("forked")));
    let (code, listing, _) = cli(&["forks", "--db", db, "--json"]);
    assert_eq!(code, 0);
    let forks: Vec<Value> = listing
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(forks.len(), 1);
    assert_eq!(forks[0]["device_id"], c.key.device_id().to_string());
    assert_eq!(forks[0]["seq"], 3);
    assert_eq!(
        b64d(forks[0]["other_record"].as_str().unwrap()),
        forked.as_bytes()
    );
    let (_, listing, _) = cli(&["devices", "--db", db, "--json"]);
    let c_row: Value = serde_json::from_str(listing.lines().nth(2).unwrap()).unwrap();
    assert_eq!(c_row["forked"], true);

    // Export of a device equals its records byte for byte; verify passes.
    let (code, _, _) = cli(&[
        "export",
        "--db",
        db,
        "--device",
        &a.key.device_id().to_string(),
        "--out",
        scratch.join("a.tlog").to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let file = std::fs::read(scratch.join("a.tlog")).unwrap();
    let exported = check_ledger_export(&file, &vkey, Some(&a.key));
    assert_eq!(exported, bytes(&chain_a));
    let whole = Command::new(BIN)
        .args(["export", "--db", db])
        .output()
        .unwrap();
    assert!(whole.status.success());
    assert_eq!(check_ledger_export(&whole.stdout, &vkey, None).len(), 313);
    // The trailer vouches for the end: an export cut short or with a record dropped is caught.
    let mut reader = tally_events::ExportReader::new(&file[..file.len() - 10]).unwrap();
    assert!(std::iter::from_fn(|| reader.next_record().transpose()).any(|r| r.is_err()));
    let (code, stdout, stderr) = cli(&["verify", "--db", db]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("313 entries"), "{stdout}");
}

fn consistency_and_inclusion_proofs_are_served_between_checkpoints(
    db: &str,
    _scratch: &std::path::Path,
) {
    let tok = token(db, FACILITY, "dock");
    let server = Server::start(db);
    let (_, vkey, _) = cli(&["verifier-key", "--db", db]);
    let vkey = vkey.trim().to_owned();
    let a = device(&server, 1);
    assert_eq!(a.enroll(&tok).0, 200);
    let events = chain(&a.key, FACILITY, 30);
    let mut checkpoints = Vec::new();
    for batch in events.chunks(7) {
        let start = batch[0].seq() as usize - 1;
        let (status, _) = a.push(&events[start..start + batch.len()]);
        assert_eq!(status, 200);
        let (_, note) = get_bytes(&server.url("/log/checkpoint"));
        checkpoints.push(spec_checkpoint(&String::from_utf8(note).unwrap(), &vkey));
    }
    for (_, old, old_root) in &checkpoints {
        for (_, new, new_root) in &checkpoints {
            if old > new {
                continue;
            }
            let body: Value = reqwest::blocking::get(
                server.url(&format!("/v1/proof/consistency?old={old}&new={new}")),
            )
            .unwrap()
            .json()
            .unwrap();
            let proof: Vec<Vec<u8>> = body["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| b64d(h.as_str().unwrap()))
                .collect();
            tlog::verify_consistency(*old, *new, &proof, old_root, new_root).unwrap();
        }
        let body: Value =
            reqwest::blocking::get(server.url(&format!("/v1/proof/inclusion?index=3&size={old}")))
                .unwrap()
                .json()
                .unwrap();
        let proof: Vec<Vec<u8>> = body["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| b64d(h.as_str().unwrap()))
            .collect();
        tlog::verify_inclusion(3, *old, &spec_leaf(events[3].as_bytes()), &proof, old_root)
            .unwrap();
    }
    let (status, _) = get_bytes(&server.url("/v1/proof/consistency?old=5&new=31"));
    assert_eq!(status, 404);
    // Every error is a JSON error body, also for a malformed query or an unknown path.
    for (path, status, code) in [
        ("/v1/proof/consistency?old=five&new=31", 400, "bad_request"),
        ("/v1/proof/inclusion", 400, "bad_request"),
        ("/v2/info", 404, "not_found"),
    ] {
        let response = reqwest::blocking::get(server.url(path)).unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        let body: Value = response.json().unwrap();
        assert_eq!(body["error"], code, "{path}");
        assert!(body["message_es"].is_string());
    }
    let (status, _) = get_bytes(&server.url("/log/tile/entries/000.p/31"));
    assert_eq!(status, 404);
    let (status, _) = get_bytes(&server.url("/log/tile/entries/0"));
    assert_eq!(status, 404);
}

fn a_garbled_upload_is_a_retryable_error_never_a_fork(db: &str, _scratch: &std::path::Path) {
    let tok = token(db, FACILITY, "dock");
    let server = Server::start(db);
    let a = device(&server, 1);
    assert_eq!(a.enroll(&tok).0, 200);
    let events = chain(&a.key, FACILITY, 5);
    assert_eq!(a.push(&events[..3]).0, 200);
    // The signed headers are for the genuine body; a bit flips on the way.
    let body = push_body(&events[..5]);
    let headers = sign_request(&signer(&a.key), &a.origin, "POST", "/v1/push", 1, &body).unwrap();
    let mut garbled = body.clone();
    let at = garbled.len() / 2;
    garbled[at] ^= 0x04;
    let (status, error) = a.send_with("POST", "/v1/push", garbled, headers.clone());
    assert_eq!(status, 400);
    assert_eq!(error["error"], "garbled_upload");
    assert_eq!(error["retryable"], true);
    // Sent again intact: accepted, and no fork anywhere.
    let (status, response) = a.send_with("POST", "/v1/push", body, headers);
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["receipts"].as_array().unwrap().len(), 5);
    let (code, stdout, _) = cli(&["verify", "--db", db]);
    assert_eq!(code, 0);
    assert!(stdout.contains("0 forks"), "{stdout}");
}

fn requests_without_a_valid_device_signature_are_refused(db: &str, _scratch: &std::path::Path) {
    let tok = token(db, FACILITY, "dock");
    let server = Server::start(db);
    let a = device(&server, 1);
    let stranger = device(&server, 9);
    assert_eq!(a.enroll(&tok).0, 200);
    let events = chain(&a.key, FACILITY, 2);
    // Signed by another key than the Tally-Device header names.
    let body = push_body(&events);
    let mut headers = sign_request(
        &signer(&stranger.key),
        &a.origin,
        "POST",
        "/v1/push",
        1,
        &body,
    )
    .unwrap();
    headers[0].1 = a.key.device_id().to_string();
    let (status, error) = a.send_with("POST", "/v1/push", body.clone(), headers);
    assert_eq!(
        (status, error["error"].as_str()),
        (401, Some("unauthenticated"))
    );
    // Signed for another origin (a request replayed from another ledger).
    let headers = sign_request(
        &signer(&a.key),
        "other.example/log",
        "POST",
        "/v1/push",
        1,
        &body,
    )
    .unwrap();
    assert_eq!(
        a.send_with("POST", "/v1/push", body.clone(), headers).0,
        401
    );
    // No headers at all.
    assert_eq!(a.send_with("POST", "/v1/push", body, vec![]).0, 401);
    // An unenrolled device with valid signatures.
    let (status, error) = stranger.push(&chain(&stranger.key, FACILITY, 2));
    assert_eq!(
        (status, error["error"].as_str()),
        (403, Some("unknown_device"))
    );
    // Records of a device pushed by another enrolled device.
    let (status, body) = a.push(&chain(&stranger.key, FACILITY, 2));
    assert_eq!(
        (status, body["refused"]["error"].as_str()),
        (409, Some("wrong_author"))
    );
    // A weak key cannot even authenticate.
    let (status, _) = a.send_with(
        "POST",
        "/v1/enroll",
        b"{}".to_vec(),
        vec![
            ("tally-device", "00".repeat(32)),
            ("tally-timestamp", "1".into()),
            (
                "tally-body-sha256",
                hex::encode(sha2::Digest::finalize(sha2::Sha256::new_with_prefix(b"{}"))),
            ),
            ("tally-signature", tlog::b64(&[0u8; 64])),
        ],
    );
    assert_eq!(status, 403);
    assert_eq!(info(&server)["tree_size"], 0);
}

use sha2::Digest as _;

fn a_server_killed_with_sigkill_restarts_without_losing_what_it_acknowledged(
    db: &str,
    _scratch: &std::path::Path,
) {
    let tok = token(db, FACILITY, "dock");
    let server = Server::start(db);
    let (_, vkey, _) = cli(&["verifier-key", "--db", db]);
    let vkey = vkey.trim().to_owned();
    let a = device(&server, 1);
    assert_eq!(a.enroll(&tok).0, 200);
    let events = chain(&a.key, FACILITY, 400);
    let key_seed = a.key.seed();
    let origin = a.origin.clone();
    let base = server.base.clone();
    // A pusher thread sends batches of 10 as fast as it can and records what was acknowledged;
    // the server is killed once the first batches are acknowledged (waiting for them rather
    // than for a fixed time, which a loaded machine can outlast before the first answer).
    let batches_acked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pusher = {
        let events = events.clone();
        let batches_acked = batches_acked.clone();
        std::thread::spawn(move || {
            let key = DeviceKey::from_seed(key_seed);
            let client = Client::new();
            let mut acked: Vec<(u64, u64)> = Vec::new();
            let mut next = 0;
            while next < events.len() {
                let batch = &events[next..(next + 10).min(events.len())];
                let body = push_body(batch);
                let mut request = client.post(format!("{base}/v1/push")).body(body.clone());
                for (name, value) in
                    sign_request(&signer(&key), &origin, "POST", "/v1/push", 1, &body).unwrap()
                {
                    request = request.header(name, value);
                }
                let Ok(response) = request.send() else { break };
                let Ok(body) = response.json::<Value>() else {
                    break;
                };
                for r in body["receipts"].as_array().unwrap() {
                    acked.push((r["seq"].as_u64().unwrap(), r["index"].as_u64().unwrap()));
                }
                batches_acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                next += batch.len();
            }
            acked
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while batches_acked.load(std::sync::atomic::Ordering::SeqCst) < 3
        && std::time::Instant::now() < deadline
        && !pusher.is_finished()
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.kill9();
    let acked = pusher.join().unwrap();
    assert!(
        !acked.is_empty(),
        "some pushes were acknowledged before the kill"
    );
    // Restart on the same files with no clean-up.
    let server = Server::start(db);
    let (size, entries) = read_log_by_the_spec(&server, &vkey);
    for (seq, index) in &acked {
        assert!(*index < size);
        assert_eq!(
            entries[*index as usize],
            events[(*seq - 1) as usize].as_bytes()
        );
    }
    // The device carries on from where the ledger is: re-sends are receipted, the rest appended.
    let a = device(&server, 1);
    let (status, body) = a.push(&events);
    assert_eq!(status, 200, "{body}");
    let (size, entries) = read_log_by_the_spec(&server, &vkey);
    assert_eq!(size, 400);
    assert_eq!(entries, bytes(&events));
    let (code, _, stderr) = cli(&["verify", "--db", db]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn verify_exits_1_with_the_first_failure_of_a_tampered_database() {
    let (_dir, db) = temp_db();
    let tok = token(&db, FACILITY, "dock");
    {
        let mut ledger = tally_ledger::open_sqlite(&db).unwrap();
        let key = DeviceKey::from_seed([1; 32]);
        ledger.enroll(&tok, &key.device_id()).unwrap();
        ledger
            .ingest(&key.device_id(), &bytes(&chain(&key, FACILITY, 5)))
            .unwrap();
    }
    let (code, _, _) = cli(&["verify", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 0);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER hashes_append_only_u; UPDATE hashes SET hash = zeroblob(32) WHERE idx = 0;",
    )
    .unwrap();
    drop(conn);
    let (code, _, stderr) = cli(&["verify", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("log entry 0"), "{stderr}");
    // Commands that only read refuse a missing database with a clear message.
    let (code, _, stderr) = cli(&[
        "devices",
        "--db",
        db.with_file_name("none.db").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no ledger database"), "{stderr}");
}

/// Pushes `events` through `base` in batches of `batch`, as the device with `seed`.
fn push_all(base: &str, origin: &str, seed: [u8; 32], events: &[SignedEvent], batch: usize) {
    let key = DeviceKey::from_seed(seed);
    let client = Client::new();
    for chunk in events.chunks(batch) {
        let body = push_body(chunk);
        let mut request = client.post(format!("{base}/v1/push")).body(body.clone());
        let now = tally_ledger::now_unix_ms();
        for (name, value) in
            sign_request(&signer(&key), origin, "POST", "/v1/push", now, &body).unwrap()
        {
            request = request.header(name, value);
        }
        let response = request.send().unwrap();
        assert_eq!(
            response.status().as_u16(),
            200,
            "{}",
            response.text().unwrap()
        );
    }
}

/// Two `serve` processes on one PostgreSQL database, each taking pushes at the same time:
/// one log, the same through either server, every device's records in order, and it
/// verifies. Sequencing is done by the database, not by a process.
#[test]
fn two_servers_on_one_postgres_database_serve_one_log() {
    let url = PgCluster::get().new_database();
    let tok_a = token(&url, FACILITY, "dock-a");
    let tok_b = token(&url, FACILITY, "dock-b");
    let first = Server::start(&url);
    let second = Server::start(&url);
    let (code, vkey, stderr) = cli(&["verifier-key", "--db", &url]);
    assert_eq!(code, 0, "{stderr}");
    let vkey = vkey.trim().to_owned();
    let a = device(&first, 1);
    let b = device(&second, 2);
    assert_eq!(a.enroll(&tok_a).0, 200);
    assert_eq!(b.enroll(&tok_b).0, 200);
    let chain_a = chain(&a.key, FACILITY, 200);
    let chain_b = chain(&b.key, FACILITY, 200);
    let origin = a.origin.clone();
    let pushers = [
        (first.base.clone(), a.key.seed(), chain_a.clone()),
        (second.base.clone(), b.key.seed(), chain_b.clone()),
    ]
    .into_iter()
    .map(|(base, seed, events)| {
        let origin = origin.clone();
        std::thread::spawn(move || push_all(&base, &origin, seed, &events, 7))
    })
    .collect::<Vec<_>>();
    for pusher in pushers {
        pusher.join().unwrap();
    }
    let (size, entries) = read_log_by_the_spec(&first, &vkey);
    assert_eq!(size, 400);
    assert_eq!(
        read_log_by_the_spec(&second, &vkey),
        (size, entries.clone())
    );
    for (key, events) in [(&a.key, &chain_a), (&b.key, &chain_b)] {
        let mine: Vec<Vec<u8>> = entries
            .iter()
            .filter(|e| SignedEvent::from_bytes(e.to_vec()).unwrap().device() == key.device_id())
            .cloned()
            .collect();
        assert_eq!(&mine, &bytes(events));
    }
    let (code, stdout, stderr) = cli(&["verify", "--db", &url]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("400 entries"), "{stdout}");
}

/// Reads a version 2 ledger export with tally-events' reader and checks its ledger trailer
/// (count, last record, checkpoint signed by `vkey`, inclusion proof) with tally-events' own
/// note and Merkle code; returns the records.
fn check_ledger_export(bytes: &[u8], vkey: &str, device: Option<&DeviceKey>) -> Vec<Vec<u8>> {
    let mut reader = tally_events::ExportReader::new(bytes).unwrap();
    assert_eq!(reader.version(), 2);
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        records.push(record);
    }
    let trailer = reader
        .trailer()
        .expect("a version 2 export ends with its trailer")
        .clone();
    assert!(matches!(trailer, tally_events::Trailer::Ledger(_)));
    let last = records.last().unwrap();
    let head = SignedEvent::from_bytes(last.clone()).unwrap();
    let end = tally_events::ExportEnd {
        device: device.map(|k| k.device_id()),
        records: records.len() as u64,
        head_seq: head.seq(),
        head_record: last,
    };
    let verifier = tally_events::note::NoteVerifier::parse(vkey).unwrap();
    trailer.check(&end, Some(&verifier)).unwrap();
    // Another ledger's key does not vouch for it.
    let (other, _) = tlog::LogSigner::generate("other.example/log").unwrap();
    let other = tally_events::note::NoteVerifier::parse(other.verifier_key()).unwrap();
    assert!(trailer.check(&end, Some(&other)).is_err());
    // One record fewer does not match the trailer.
    let shorter = tally_events::ExportEnd {
        records: end.records - 1,
        ..end
    };
    assert!(trailer.check(&shorter, None).is_err());
    records
}

/// Serves `ledger` in this process (as the benchmarks and `tally demo` do) on a runtime of
/// its own thread, answers one request, and stops: the thread must end without a panic.
fn serve_in_process_and_stop<S: tally_ledger::Store + 'static>(
    ledger: tally_ledger::Ledger<S>,
    views: &std::path::Path,
) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}/v1/info", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = tally_ledger::server::ServeOptions {
        views_dir: views.to_owned(),
        tls: None,
        projection_poll: tally_ledger::server::DEFAULT_PROJECTION_POLL,
    };
    let thread = std::thread::spawn(move || {
        runtime.block_on(tally_ledger::server::serve_with(
            ledger,
            listener,
            async move {
                let _ = stopped.await;
            },
            &options,
        ))
    });
    let info: Value = Client::new().get(&url).send().unwrap().json().unwrap();
    assert!(info["origin"].is_string(), "{info}");
    stop.send(()).unwrap();
    let served = thread.join();
    assert!(
        served.is_ok(),
        "the serving thread panicked at shutdown (a storage connection dropped inside the runtime?)"
    );
    served.unwrap().unwrap();
}

#[test]
fn a_ledger_served_in_process_on_postgres_stops_without_a_panic() {
    let url = PgCluster::get().new_database();
    let dir = tempfile::tempdir().unwrap();
    let ledger = tally_ledger::create_postgres(&url, "ledger.test/log").unwrap();
    serve_in_process_and_stop(ledger, &dir.path().join("views"));
}

#[test]
fn a_ledger_served_in_process_on_sqlite_stops_without_a_panic() {
    let (dir, db) = temp_db();
    let ledger = tally_ledger::create_sqlite(&db, "ledger.test/log").unwrap();
    serve_in_process_and_stop(ledger, &dir.path().join("views"));
}

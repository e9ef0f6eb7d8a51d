//! `tally audit --ledger URL --key KEY`, run as the built binary against a real ledger (a
//! SQLite file served over loopback) and against a tampering proxy in front of it that
//! changes what the auditor reads: a flipped signature byte, two entries of different devices
//! swapped (every chain still in order: only the Merkle root catches it), an entry dropped
//! from a tile, a record replaced by another validly signed record of the same device and
//! seq (a fork), an altered checkpoint; and the key of another ledger.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use tally_events::payload::UserSignedOut;
use tally_events::{DeviceKey, Payload, SignedEvent, Timestamp};
use tally_ledger_client::{ClientOptions, LedgerClient};
use tally_testkit::{enrolled, DeviceChain};

const FACILITY: &str = "C11-0000347-LIC";

fn tally(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .expect("run tally")
}

/// A chain of `n` records (genesis, then sign-outs) by the device with seed `seed`; `badge`
/// varies the sign-outs' content (another badge: another, validly signed, chain).
fn chain(seed: u8, n: usize, badge: &str) -> Vec<SignedEvent> {
    let mut chain = DeviceChain::new(
        DeviceKey::from_seed([seed; 32]),
        Timestamp {
            wall_unix_ms: 1_795_500_000_000,
            boot_id: [seed; 16],
            since_boot_us: 1_000_000,
        },
        enrolled(FACILITY, &format!("TC58-{seed}")),
    );
    for i in 1..n {
        let payload = Payload::UserSignedOut(UserSignedOut {
            badge: format!("{badge}-{i}"),
        });
        chain.add(1_000, "B-1", payload);
    }
    chain.events()
}

/// A ledger in `dir` holding three devices' chains (300, 200 and 113 records, pushed in
/// interleaved batches of 50: two full entry tiles and a partial one), served on loopback.
struct Served {
    url: String,
    key: String,
    chains: Vec<Vec<SignedEvent>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

fn serve(dir: &Path) -> Served {
    let mut ledger = tally_ledger::create_sqlite(&dir.join("ledger.db"), "audit.test/log").unwrap();
    let chains = vec![chain(1, 300, "A"), chain(2, 200, "B"), chain(3, 113, "C")];
    for seed in 1..=3u8 {
        let token = ledger.create_token(FACILITY, "handheld").unwrap();
        ledger
            .enroll(&token, &DeviceKey::from_seed([seed; 32]).device_id())
            .unwrap();
    }
    for start in (0..300).step_by(50) {
        for chain in &chains {
            if start >= chain.len() {
                continue;
            }
            let batch: Vec<Vec<u8>> = chain[start..(start + 50).min(chain.len())]
                .iter()
                .map(|e| e.as_bytes().to_vec())
                .collect();
            let outcome = ledger.ingest(&chain[0].device(), &batch).unwrap();
            assert!(outcome.refused.is_none());
        }
    }
    let key = ledger.verifier_key().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let options = tally_ledger::server::ServeOptions {
        views_dir: dir.join("views"),
        tls: None,
        projection_poll: tally_ledger::server::DEFAULT_PROJECTION_POLL,
    };
    std::thread::spawn(move || {
        let stopped = async move {
            let _ = stop.await;
        };
        let _ = runtime.block_on(tally_ledger::server::serve_with(
            ledger, listener, stopped, &options,
        ));
    });
    Served {
        url,
        key,
        chains,
        _shutdown: shutdown,
    }
}

/// What the proxy does to an answer: (path below `/log/`, body) → body.
type Tamper = Arc<dyn Fn(&str, Vec<u8>) -> Vec<u8> + Send + Sync>;

/// A proxy on loopback that answers every GET under `/log/` with the ledger's answer passed
/// through `tamper`; returns its URL.
fn proxy(upstream: &str, tamper: Tamper) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let client = LedgerClient::new(upstream, &ClientOptions::default()).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Skip the headers.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let below = path.strip_prefix("/log/").unwrap_or(path);
            let body = if below == "checkpoint" {
                client.checkpoint().map(String::into_bytes)
            } else {
                client.log_tile(below)
            };
            let (status, body) = match body {
                Ok(body) => ("200 OK", tamper(below, body)),
                Err(_) => ("404 Not Found", b"{}".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    url
}

/// Splits an entry bundle into its records.
fn entries(bundle: &[u8]) -> Vec<Vec<u8>> {
    tally_ledger_client::audit::split_entry_bundle(bundle)
        .unwrap()
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect()
}

fn bundle(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        out.extend_from_slice(&(entry.len() as u16).to_be_bytes());
        out.extend_from_slice(entry);
    }
    out
}

fn audit(url: &str, key: &str, threads: &str) -> (i32, String, String) {
    let out = tally(&["audit", "--ledger", url, "--key", key, "--threads", threads]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_served_log_verifies_with_its_key_alone_on_one_thread_and_on_several() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    for threads in ["1", "2", "3"] {
        let (code, stdout, stderr) = audit(&served.url, &served.key, threads);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.starts_with("log verified: 613 entries, 3 devices, checkpoint root "),
            "{stdout}"
        );
        assert!(stdout.contains(&format!("entries/s on {threads} threads")));
    }
    // The same through a proxy that changes nothing.
    let honest = proxy(&served.url, Arc::new(|_, body| body));
    let (code, _, stderr) = audit(&honest, &served.key, "2");
    assert_eq!(code, 0, "{stderr}");
    // The key in a file.
    let key_file = dir.path().join("ledger.pub");
    std::fs::write(&key_file, format!("{}\n", served.key)).unwrap();
    let (code, _, stderr) = audit(&served.url, key_file.to_str().unwrap(), "2");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn tampered_tiles_and_checkpoints_are_refused_with_the_first_failure() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let refused = |tamper: Tamper, expected: &str| {
        let url = proxy(&served.url, tamper);
        for threads in ["1", "2"] {
            let (code, stdout, stderr) = audit(&url, &served.key, threads);
            assert_eq!(code, 1, "{stdout}{stderr}");
            assert!(stdout.is_empty(), "{stdout}");
            assert!(stderr.starts_with("NOT VERIFIED: "), "{stderr}");
            assert!(stderr.contains(expected), "{expected} not in {stderr}");
        }
    };
    // A flipped byte in the signature of entry 300 (tile 1, position 44).
    refused(
        Arc::new(|path, body| {
            if path != "tile/entries/001" {
                return body;
            }
            let mut records = entries(&body);
            let last = records[44].len() - 1;
            records[44][last] ^= 1;
            bundle(&records)
        }),
        "log entry 300: bad signature",
    );
    // Entries 49 and 50 are by different devices (batches of 50: device 1's event 50, device
    // 2's genesis): swapped, every chain is still in order, but the tree is another.
    let devices: Vec<_> = served.chains.iter().map(|c| c[0].device()).collect();
    let first_tile = tally_ledger_client::LedgerClient::new(&served.url, &ClientOptions::default())
        .unwrap()
        .log_tile("tile/entries/000")
        .unwrap();
    let records = entries(&first_tile);
    let author = |i: usize| {
        SignedEvent::from_bytes(records[i].clone())
            .unwrap()
            .device()
    };
    assert_eq!(author(49), devices[0]);
    assert_eq!(author(50), devices[1]);
    refused(
        Arc::new(|path, body| {
            if path != "tile/entries/000" {
                return body;
            }
            let mut records = entries(&body);
            records.swap(49, 50);
            bundle(&records)
        }),
        "the 613 entries served do not hash to the root of the signed checkpoint",
    );
    // An entry dropped from the partial tile.
    refused(
        Arc::new(|path, body| {
            if !path.starts_with("tile/entries/002") {
                return body;
            }
            let mut records = entries(&body);
            records.remove(3);
            bundle(&records)
        }),
        "entry tile 2: it holds 100 entries, not 101",
    );
    // Device 1's seq 20 replaced by another record with that seq, validly signed by the
    // device (a fork of its chain from seq 2 on): the signature verifies, the link does not.
    let fork = chain(1, 300, "FORK");
    let forked = format!(
        "(device {}, event 20): its link to event 19 does not match",
        devices[0]
    );
    let held = served.chains[0][19].as_bytes().to_vec();
    let other = fork[19].as_bytes().to_vec();
    assert_ne!(held, other);
    refused(
        Arc::new(move |path, body| {
            if path != "tile/entries/000" {
                return body;
            }
            let records: Vec<Vec<u8>> = entries(&body)
                .into_iter()
                .map(|r| if r == held { other.clone() } else { r })
                .collect();
            bundle(&records)
        }),
        &forked,
    );
    // A checkpoint whose size was changed (its signature no longer verifies).
    refused(
        Arc::new(|path, body| {
            if path != "checkpoint" {
                return body;
            }
            String::from_utf8(body)
                .unwrap()
                .replacen("\n613\n", "\n612\n", 1)
                .into_bytes()
        }),
        "checkpoint",
    );
    // In Spanish.
    let url = proxy(
        &served.url,
        Arc::new(|path, body| {
            if path != "tile/entries/000" {
                return body;
            }
            let mut records = entries(&body);
            records.swap(49, 50);
            bundle(&records)
        }),
    );
    let out = tally(&[
        "audit",
        "--ledger",
        &url,
        "--key",
        &served.key,
        "--lang",
        "es",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("NO VERIFICADO: las 613 entradas servidas no dan la raíz"),
        "{stderr}"
    );
    // Another ledger's key.
    let other_dir = tempfile::tempdir().unwrap();
    let other = tally_ledger::create_sqlite(&other_dir.path().join("o.db"), "audit.test/log")
        .unwrap()
        .verifier_key()
        .to_owned();
    let (code, _, stderr) = audit(&served.url, &other, "2");
    assert_eq!(code, 1);
    assert!(stderr.starts_with("NOT VERIFIED: "), "{stderr}");
}

#[test]
fn a_ledger_that_cannot_be_reached_is_an_error_not_a_verdict() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let key = tally_ledger::create_sqlite(&dir.path().join("k.db"), "audit.test/log")
        .unwrap()
        .verifier_key()
        .to_owned();
    let (code, stdout, stderr) = audit(&url, &key, "1");
    assert_eq!(code, 1, "{stdout}");
    assert!(!stderr.contains("NOT VERIFIED"), "{stderr}");
    assert!(stderr.contains("cannot be reached"), "{stderr}");
}

//! Shared helpers of the ledger's integration tests: device chains signed with real keys, a
//! fresh ledger in a real SQLite file, and a spec-only RFC 6962 / signed-note checker written
//! from the C2SP texts (independent of the crates the ledger uses); [`on_both_backends!`] (each
//! named test on SQLite and on PostgreSQL) and [`refused_as`] (a typed refusal of the client).

#![allow(dead_code)]

pub mod devices;

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use tally_events::payload::{DeviceEnrolled, UserSignedOut};
use tally_events::{
    ChainWriter, DeviceKey, ManualClock, Payload, Sha256Hash, SignedEvent, Timestamp,
};

pub const FACILITY: &str = "C11-0000347-LIC";

/// Runs each named `fn name(db: &str, scratch: &Path)` twice: `on_sqlite::name` on a fresh
/// SQLite file, `on_postgres::name` on a fresh database of the throwaway cluster.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    let (dir, db) = $crate::common::temp_db();
                    super::$name(db.to_str().unwrap(), dir.path());
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    let url = $crate::common::PgCluster::get().new_database();
                    let dir = tempfile::tempdir().unwrap();
                    super::$name(&url, dir.path());
                }
            )*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_backends;

/// `result` is the ledger's refusal `status`/`code`, with its Spanish message.
pub fn refused_as(
    result: Result<impl std::fmt::Debug, tally_ledger_client::ClientError>,
    status: u16,
    code: &str,
) {
    match result {
        Err(tally_ledger_client::ClientError::Refused { status: s, body }) => {
            assert_eq!((s, body.error.as_str()), (status, code), "{body:?}");
            assert!(!body.message_es.is_empty());
        }
        other => panic!("expected {status} {code}, got {other:?}"),
    }
}

pub fn clock() -> ManualClock {
    ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_500_000_000,
        boot_id: [0x11; 16],
        since_boot_us: 300_000_000,
    })
}

/// A device's chain: genesis plus `n - 1` sign-outs, all signed with `key`.
pub fn chain(key: &DeviceKey, facility: &str, n: usize) -> Vec<SignedEvent> {
    let clock = clock();
    let (mut writer, genesis) = ChainWriter::genesis(
        DeviceKey::from_seed(key.seed()),
        &clock,
        "",
        DeviceEnrolled {
            facility: facility.to_owned(),
            hardware_serial: "ZEBRA-TC58-0001".into(),
            enrollment_token_sha256: Sha256Hash::of(b"token"),
            previous_device: None,
        },
    )
    .expect("genesis");
    let mut events = vec![genesis];
    for i in 1..n {
        clock.advance_ms(1_000);
        events.push(
            writer
                .append(
                    &clock,
                    "B-1042",
                    Payload::UserSignedOut(UserSignedOut {
                        badge: format!("B-{i}"),
                    }),
                )
                .expect("append"),
        );
    }
    events
}

/// A different event with the same seq as `events[index]` (validly signed: a fork).
pub fn fork_of(key: &DeviceKey, events: &[SignedEvent], index: usize) -> SignedEvent {
    let head = &events[index - 1];
    let mut writer = ChainWriter::resume(
        DeviceKey::from_seed(key.seed()),
        head.facility(),
        head.seq(),
        head.record_hash(),
    )
    .expect("resume");
    let clock = clock();
    clock.advance_ms(500_000);
    writer
        .append(
            &clock,
            "B-9999",
            Payload::UserSignedOut(UserSignedOut {
                badge: "B-FORK".into(),
            }),
        )
        .expect("append")
}

pub fn bytes(events: &[SignedEvent]) -> Vec<Vec<u8>> {
    events.iter().map(|e| e.as_bytes().to_vec()).collect()
}

pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.db");
    (dir, path)
}

// ---- Spec-only checks (RFC 6962 §2.1, C2SP tlog-checkpoint and signed-note) ----

pub fn spec_leaf(entry: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

pub fn spec_node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// MTH(D[n]) of RFC 6962 §2.1 over leaf hashes, by its recursive definition.
pub fn spec_root(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            spec_node(&spec_root(&leaves[..k]), &spec_root(&leaves[k..]))
        }
    }
}

pub fn b64d(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

/// Verifies a checkpoint note against a verifier key `<name>+<hex id>+<base64 0x01‖key>` by the
/// signed-note spec alone; returns (origin, size, root).
pub fn spec_checkpoint(note: &str, vkey: &str) -> (String, u64, [u8; 32]) {
    let mut parts = vkey.splitn(3, '+');
    let name = parts.next().unwrap();
    let id_hex = parts.next().unwrap();
    let key = b64d(parts.next().unwrap());
    assert_eq!(key.len(), 33);
    assert_eq!(key[0], 0x01, "ed25519 signature type");
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(&key);
    let id: [u8; 32] = h.finalize().into();
    assert_eq!(
        hex::encode(&id[..4]),
        id_hex,
        "key id = SHA-256(name ‖ \\n ‖ key)[:4]"
    );
    let (text, sigs) = note
        .split_once("\n\n")
        .expect("blank line before signatures");
    let text = format!("{text}\n");
    let prefix = format!("— {name} ");
    let line = sigs
        .lines()
        .find(|l| l.starts_with(&prefix))
        .expect("a signature line by the log");
    let sig = b64d(&line[prefix.len()..]);
    assert_eq!(&sig[..4], &id[..4]);
    let vk = ed25519_dalek::VerifyingKey::from_bytes(key[1..].try_into().unwrap()).unwrap();
    let signature = ed25519_dalek::Signature::from_bytes(sig[4..].try_into().unwrap());
    vk.verify_strict(text.as_bytes(), &signature)
        .expect("checkpoint signature verifies");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3);
    let root: [u8; 32] = b64d(lines[2]).try_into().unwrap();
    (lines[0].to_owned(), lines[1].parse().unwrap(), root)
}

// ---- A throwaway PostgreSQL cluster (initdb refuses root: run as the `postgres` user) ----

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// One cluster per test binary, started on first use and stopped when the binary exits.
pub struct PgCluster {
    data: PathBuf,
    bin: PathBuf,
    port: u16,
    next: AtomicU32,
}

static CLUSTER: OnceLock<PgCluster> = OnceLock::new();

fn pg_bin() -> PathBuf {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| {
            dirs.filter_map(|d| d.ok())
                .map(|d| d.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    candidates.sort();
    candidates
        .into_iter()
        .rev()
        .find(|bin| bin.join("initdb").is_file())
        .expect(
            "PostgreSQL server binaries (initdb, pg_ctl) are needed for the PostgreSQL tests: \
             install postgresql (e.g. /usr/lib/postgresql/15/bin)",
        )
}

fn as_postgres(bin: &std::path::Path, tool: &str) -> Command {
    if unsafe { nix::libc::geteuid() } == 0 {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        command
    } else {
        Command::new(bin.join(tool))
    }
}

extern "C" fn stop_cluster() {
    if let Some(cluster) = CLUSTER.get() {
        let _ = as_postgres(&cluster.bin, "pg_ctl")
            .arg("-D")
            .arg(&cluster.data)
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(cluster.data.parent().unwrap());
    }
}

impl PgCluster {
    /// The shared cluster of this test binary.
    pub fn get() -> &'static PgCluster {
        CLUSTER.get_or_init(|| {
            let bin = pg_bin();
            let dir = tempfile::Builder::new()
                .prefix("tally-ledger-pg-")
                .tempdir()
                .unwrap()
                .keep();
            if unsafe { nix::libc::geteuid() } == 0 {
                let status = Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&dir)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            let data = dir.join("data");
            let out = as_postgres(&bin, "initdb")
                .arg("-D")
                .arg(&data)
                .args([
                    "--auth=trust",
                    "--username=ledger",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "initdb: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let options = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                dir.display()
            );
            let out = as_postgres(&bin, "pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("log"))
                .args(["-w", "-o", &options, "start"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "pg_ctl start: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            unsafe {
                nix::libc::atexit(stop_cluster);
            }
            PgCluster {
                data,
                bin,
                port,
                next: AtomicU32::new(0),
            }
        })
    }

    /// A new empty database in the cluster; its URL.
    pub fn new_database(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let name = format!("ledger_{}_{n}", std::process::id());
        let mut admin = postgres::Client::connect(
            &format!("postgres://ledger@127.0.0.1:{}/postgres", self.port),
            postgres::NoTls,
        )
        .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        format!("postgres://ledger@127.0.0.1:{}/{name}", self.port)
    }
}

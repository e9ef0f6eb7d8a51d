//! `tally log show` and `tally log verify` run as the built binary against export files
//! written by the test: exit codes, the first failure and its kind, readable and JSON output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tally_events::payload::{PackageMoved, WeighMode, WeightRecorded};
use tally_events::{
    export_to_vec, ChainWriter, DeviceKey, ExportWriter, ManualClock, MassUnit, Payload,
    SignedEvent, Timestamp,
};
use tally_testkit::{enrolled, DeviceChain};

fn key() -> DeviceKey {
    DeviceKey::from_seed([0x33; 32])
}

/// This file's device: key seed 0x33, enrolled at C11-0000347-LIC as TC58-0042.
fn device() -> DeviceChain {
    DeviceChain::new(
        key(),
        Timestamp {
            wall_unix_ms: 1_795_500_000_000,
            boot_id: [7; 16],
            since_boot_us: 1_000_000,
        },
        enrolled("C11-0000347-LIC", "TC58-0042"),
    )
}

fn chain(len: usize) -> Vec<SignedEvent> {
    let mut chain = device();
    for n in 1..len {
        let payload = if n % 2 == 0 {
            Payload::WeightRecorded(WeightRecorded {
                scale_id: "MT-B812345678".into(),
                value: format!("{n}.25"),
                unit: MassUnit::G,
                mode: WeighMode::Net,
                tare: None,
                stable: true,
                division: "0.01".into(),
                uid: Some("1A4FF0100000022000000123".into()),
            })
        } else {
            Payload::PackageMoved(PackageMoved {
                uid: "1A4FF0100000022000000123".into(),
                from_location: "DOCK-1".into(),
                to_location: format!("VAULT-1/S{n:02}"),
            })
        };
        chain.add(1_500, "B-1042", payload);
    }
    chain.events()
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }
    fn write_records(&self, name: &str, records: &[Vec<u8>]) -> PathBuf {
        let mut writer = ExportWriter::new(Vec::new()).unwrap();
        for record in records {
            writer.write_record(record).unwrap();
        }
        self.write(name, &writer.finish().unwrap())
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

fn records(events: &[SignedEvent]) -> Vec<Vec<u8>> {
    events
        .iter()
        .map(|event| event.as_bytes().to_vec())
        .collect()
}

fn tally(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn verify_an_intact_chain_exits_0() {
    let dir = Dir::new();
    let events = chain(12);
    let path = dir.write("log.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(text.starts_with("intact: 12 events"), "{text}");
    assert!(text.contains(&key().device_id().to_string()));

    let output = tally(&["log", "verify", "--batch"], &path);
    assert_eq!(output.status.code(), Some(0));

    let pubkey = key().device_id().to_string();
    let output = tally(&["log", "verify", "--key", &pubkey], &path);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn verify_with_another_key_exits_1_wrong_author() {
    let dir = Dir::new();
    let path = dir.write("log.tlog", &export_to_vec(&chain(4)).unwrap());
    let other = DeviceKey::from_seed([0x44; 32]).device_id().to_string();
    let output = tally(&["log", "verify", "--key", &other], &path);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("BROKEN at event 1: wrong_author:"));
}

#[test]
fn verify_names_the_first_failure_and_its_kind() {
    let dir = Dir::new();
    let events = chain(12);
    let intact = records(&events);
    let header_len = events[4].header_bytes().len();

    let mut altered = intact.clone();
    altered[4][header_len + 3] ^= 0x02;
    let mut bad_signature = intact.clone();
    let len = bad_signature[6].len();
    bad_signature[6][len - 5] ^= 0x80;
    let mut dropped = intact.clone();
    dropped.remove(8);
    let mut swapped = intact.clone();
    swapped.swap(2, 3);
    let mut duplicated = intact.clone();
    duplicated.insert(10, intact[9].clone());

    let cases: [(&str, Vec<Vec<u8>>, &str); 5] = [
        ("altered", altered, "BROKEN at event 5: altered_payload:"),
        (
            "signature",
            bad_signature,
            "BROKEN at event 7: bad_signature:",
        ),
        ("dropped", dropped, "BROKEN at event 9: missing:"),
        ("swapped", swapped, "BROKEN at event 3: reordered:"),
        ("duplicated", duplicated, "BROKEN at event 10: duplicated:"),
    ];
    for (name, records, expected) in cases {
        let path = dir.write_records(name, &records);
        let output = tally(&["log", "verify"], &path);
        assert_eq!(output.status.code(), Some(1), "{name}: {output:?}");
        let text = stdout(&output);
        assert!(text.starts_with(expected), "{name}: {text}");
        // Batch mode reaches the same verdict.
        let output = tally(&["log", "verify", "--batch"], &path);
        assert_eq!(stdout(&output), text, "{name}");
    }
}

#[test]
fn verify_reports_a_fork_with_both_records() {
    let dir = Dir::new();
    let events = chain(6);
    let clock = ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_500_100_000,
        boot_id: [7; 16],
        since_boot_us: 90_000_000,
    });
    let head = events[5].record_hash();
    let mut one = ChainWriter::resume(key(), "C11-0000347-LIC", 6, head).unwrap();
    let mut two = ChainWriter::resume(key(), "C11-0000347-LIC", 6, head).unwrap();
    let moved = |to: &str| {
        Payload::PackageMoved(PackageMoved {
            uid: "1A4FF0100000022000000123".into(),
            from_location: "VAULT-1".into(),
            to_location: to.into(),
        })
    };
    let a = one.append(&clock, "B-1042", moved("VAULT-2")).unwrap();
    let b = two.append(&clock, "B-1042", moved("VAULT-3")).unwrap();
    let mut all = records(&events);
    all.push(a.as_bytes().to_vec());
    all.push(b.as_bytes().to_vec());
    let path = dir.write_records("fork", &all);
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("BROKEN at event 7: fork:"), "{text}");
    assert!(text.contains(&a.record_hash().to_string()));
    assert!(text.contains(&b.record_hash().to_string()));
}

#[test]
fn verify_a_truncated_file_exits_1_malformed() {
    let dir = Dir::new();
    let bytes = export_to_vec(&chain(5)).unwrap();
    let path = dir.write("cut", &bytes[..bytes.len() - 20]);
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("BROKEN at event 5: malformed:"), "{text}");
}

#[test]
fn a_file_that_is_not_a_log_exits_1_with_a_clear_message() {
    let dir = Dir::new();
    let path = dir.write("notes.txt", b"shopping list: gloves, labels\n");
    for command in ["verify", "show"] {
        let output = tally(&["log", command], &path);
        assert_eq!(output.status.code(), Some(1));
        let error = String::from_utf8(output.stderr).unwrap();
        assert!(error.contains("not a tally log export"), "{error}");
    }
}

#[test]
fn a_malformed_key_is_a_usage_error() {
    let dir = Dir::new();
    let path = dir.write("log.tlog", &export_to_vec(&chain(2)).unwrap());
    let output = tally(&["log", "verify", "--key", "not-a-key"], &path);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(error.contains("64 hexadecimal digits"), "{error}");
}

#[test]
fn show_prints_every_event_readably() {
    let dir = Dir::new();
    let path = dir.write("log.tlog", &export_to_vec(&chain(4)).unwrap());
    let output = tally(&["log", "show"], &path);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains(
            "#1  2026-11-24T06:00:00.000Z  device_enrolled (kind 1)  by -  at C11-0000347-LIC"
        ),
        "{text}"
    );
    assert!(text.contains("#2  2026-11-24T06:00:01.500Z  package_moved (kind 50)  by B-1042"));
    assert!(text.contains("    to_location: VAULT-1/S01"));
    assert!(text.contains("#3  2026-11-24T06:00:03.000Z  weight_recorded (kind 18)"));
    assert!(text.contains("    value: 2.25"));
    assert!(text.contains("#4  "));
}

#[test]
fn show_json_is_an_array_of_events() {
    let dir = Dir::new();
    let events = chain(3);
    let path = dir.write("log.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "show", "--json"], &path);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["seq"], 1);
    assert_eq!(list[0]["kind"], "device_enrolled");
    assert_eq!(list[0]["prev"], serde_json::Value::Null);
    assert_eq!(list[0]["payload"]["hardware_serial"], "TC58-0042");
    assert_eq!(list[2]["kind"], "weight_recorded");
    assert_eq!(list[2]["kind_code"], 18);
    assert_eq!(list[2]["payload"]["kind"], "weight_recorded");
    assert_eq!(list[2]["payload"]["unit"], "g");
    assert_eq!(list[2]["payload"]["value"], "2.25");
    assert_eq!(list[2]["actor"], "B-1042");
    assert_eq!(list[2]["time"]["wall_utc"], "2026-11-24T06:00:03.000Z");
    assert_eq!(list[2]["prev"], events[1].record_hash().to_string());
    assert_eq!(
        list[2]["record_sha256"],
        events[2].record_hash().to_string()
    );
    assert_eq!(list[2]["device"], key().device_id().to_string());
}

#[test]
fn show_and_verify_accept_a_payload_kind_from_a_newer_version() {
    use tally_events::payload::UnknownPayload;
    use tally_events::{Bytes, UnsignedEvent};
    let dir = Dir::new();
    let mut events = chain(2);
    let newer = UnsignedEvent {
        seq: 3,
        prev: Some(events[1].record_hash()),
        timestamp: Timestamp {
            wall_unix_ms: 1_795_500_010_000,
            boot_id: [7; 16],
            since_boot_us: 20_000_000,
        },
        actor: "B-1042".into(),
        facility: "C11-0000347-LIC".into(),
        payload: Payload::Unknown(UnknownPayload {
            code: 40_000,
            bytes: Bytes(vec![1, 2, 3, 4, 5]),
        }),
    }
    .sign(&key())
    .unwrap();
    events.push(newer);
    let path = dir.write("log.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = tally(&["log", "show"], &path);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("#3  2026-11-24T06:00:10.000Z  unknown (kind 40000)"),
        "{text}"
    );
    assert!(
        text.contains("unknown payload kind 40000 (5 bytes), recorded by a newer version of tally")
    );
    let output = tally(&["log", "show", "--json"], &path);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[2]["kind"], "unknown");
    assert_eq!(json[2]["payload"]["code"], 40_000);
    assert_eq!(json[2]["payload"]["bytes"], "0102030405");
}

#[test]
fn show_and_verify_accept_an_enum_code_from_a_newer_version() {
    use tally_events::payload::{SignInPurpose, UnknownPayload, UserSignedIn};
    use tally_events::{Bytes, UnsignedEvent};
    let dir = Dir::new();
    let mut events = chain(2);
    // A sign-in with a purpose code this version does not know (a newer version added it).
    let mut body = Payload::UserSignedIn(UserSignedIn {
        badge: "B-1042".into(),
        purpose: SignInPurpose::Session,
    })
    .encode_body()
    .unwrap();
    *body.last_mut().unwrap() = 77;
    let newer = UnsignedEvent {
        seq: 3,
        prev: Some(events[1].record_hash()),
        timestamp: Timestamp {
            wall_unix_ms: 1_795_500_010_000,
            boot_id: [7; 16],
            since_boot_us: 20_000_000,
        },
        actor: "B-1042".into(),
        facility: "C11-0000347-LIC".into(),
        payload: Payload::Unknown(UnknownPayload {
            code: 2,
            bytes: Bytes(body.clone()),
        }),
    }
    .sign(&key())
    .unwrap();
    assert_eq!(
        &newer.as_bytes()[newer.as_bytes().len() - 64 - body.len()..][..body.len()],
        &body[..]
    );
    events.push(newer);
    let path = dir.write("log.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = tally(&["log", "show"], &path);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("user_signed_in (kind 2)"), "{text}");
    assert!(
        text.contains("holds a code this version does not know (9 bytes), recorded by a newer version of tally"),
        "{text}"
    );
}

#[test]
fn verify_speaks_spanish_with_lang_es() {
    let dir = Dir::new();
    let events = chain(6);
    let mut all = records(&events);
    all.remove(3);
    let path = dir.write_records("gap", &all);
    let output = tally(&["log", "verify", "--lang", "es"], &path);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "ROTA en el evento 4: missing: falta el evento 4\n"
    );
    let path = dir.write("log.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "verify", "--lang", "es"], &path);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("intacta: 6 eventos"));
}

/// `show` streams and stops at the first record it cannot read (issue 11 §5): what comes
/// before is printed, nothing after.
#[test]
fn show_prints_up_to_a_damaged_record_stops_there_and_exits_1() {
    let dir = Dir::new();
    let events = chain(3);
    let mut all = records(&events);
    all[1].truncate(50);
    let path = dir.write_records("damaged", &all);
    let output = tally(&["log", "show"], &path);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("#1  ") && !text.contains("#3  ") && !text.contains("#2  "),
        "{text}"
    );
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains("record 2 is damaged, stopping there"),
        "{error}"
    );
    // The JSON view stops there too and stays a valid array.
    let output = tally(&["log", "show", "--json"], &path);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
}

/// Each cause of a failure is said once on stderr: an I/O error quoted by a library error must
/// not be printed again by the binary's error chain.
#[test]
fn an_os_error_is_said_once() {
    let dir = Dir::new();
    let db = dir.0.path().join("hh.db");
    // The key's directory would have to be made inside a regular file: an OS error.
    let not_a_dir = dir.write("plain-file", b"not a directory");
    let key_path = not_a_dir.join("hh.key");
    let runs = [
        Command::new(env!("CARGO_BIN_EXE_tally"))
            .args(["replica", "init", "--db"])
            .arg(&db)
            .arg("--key")
            .arg(&key_path)
            .output()
            .unwrap(),
        tally(&["log", "show"], dir.0.path()),
        tally(&["log", "verify"], dir.0.path()),
        tally(&["log", "verify"], &dir.0.path().join("missing.tlog")),
    ];
    for output in runs {
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let error = String::from_utf8(output.stderr).unwrap();
        assert_eq!(error.matches("os error").count(), 1, "{error}");
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(error.starts_with("tally: "), "{error}");
    }
}

/// `location_defined` has a field named `kind`, which is also the JSON tag of a payload: the
/// JSON view must hold each key once and both values, and the text view must show it.
#[test]
fn location_kind_is_shown_under_its_own_name() {
    use tally_events::payload::{LocationDefined, LocationKind};
    use tally_events::UnsignedEvent;
    let dir = Dir::new();
    let mut events = chain(1);
    let location = UnsignedEvent {
        seq: 2,
        prev: Some(events[0].record_hash()),
        timestamp: Timestamp {
            wall_unix_ms: 1_795_500_010_000,
            boot_id: [7; 16],
            since_boot_us: 20_000_000,
        },
        actor: "B-1042".into(),
        facility: "C11-0000347-LIC".into(),
        payload: Payload::LocationDefined(LocationDefined {
            location_id: "VAULT-1".into(),
            name: "Vault 1".into(),
            kind: LocationKind::QuarantineCage,
            sellable: false,
            parent: None,
        }),
    }
    .sign(&key())
    .unwrap();
    events.push(location);
    let path = dir.write("log.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "show", "--json"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let raw = stdout(&output);
    let line = raw.lines().find(|line| line.contains("VAULT-1")).unwrap();
    let payload_text = &line[line.find("\"payload\"").unwrap()..];
    assert_eq!(payload_text.matches("\"kind\"").count(), 1, "{line}");
    let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(json[1]["payload"]["kind"], "location_defined");
    assert_eq!(json[1]["payload"]["location_kind"], "quarantine_cage");
    let output = tally(&["log", "show"], &path);
    assert!(
        stdout(&output).contains("    location_kind: quarantine_cage"),
        "{}",
        stdout(&output)
    );
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A real replica (its key file in another directory than the database) exported by the
/// binary: version 2, intact with the device's trailer; every cut at a record boundary, and a
/// missing trailer, is reported as truncated; `--head` catches an export older than a known
/// head.
#[test]
fn a_device_export_ends_with_a_trailer_and_a_cut_one_is_truncated() {
    let dir = Dir::new();
    let db_dir = dir.0.path().join("db");
    let key_dir = dir.0.path().join("keys");
    std::fs::create_dir_all(&db_dir).unwrap();
    std::fs::create_dir_all(&key_dir).unwrap();
    let db = db_dir.join("hh.db");
    let key_file = key_dir.join("hh.key");
    let init = run(&["replica", "init", "--db", s(&db), "--key", s(&key_file)]);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    let export = dir.0.path().join("hh.tlog");
    let key_before = std::fs::read(&key_file).unwrap();
    let out = run(&[
        "log",
        "export",
        "--db",
        s(&db),
        "--key",
        s(&key_file),
        "--out",
        s(&export),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // The trailer is signed without signing an event or moving the seq reservation.
    assert_eq!(std::fs::read(&key_file).unwrap(), key_before);
    let bytes = std::fs::read(&export).unwrap();
    assert_eq!(&bytes[8..10], &[0, 2], "export version 2");
    let output = tally(&["log", "verify"], &export);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(text.starts_with("intact: 1 events"), "{text}");
    assert!(text.contains("trailer, signed by the device"), "{text}");
    let output = tally(&["log", "show"], &export);
    assert!(stdout(&output).contains("signature valid"), "{output:?}");

    // The export without its trailer: cut exactly after the last record.
    let record_len = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as usize;
    let cut = dir.write("cut.tlog", &bytes[..20 + record_len]);
    let output = tally(&["log", "verify"], &cut);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("BROKEN at event 2: truncated:"), "{text}");
    let output = tally(&["log", "show"], &cut);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("truncated"));

    // A known head beyond the export's end.
    let output = tally(&["log", "verify", "--head", "5"], &export);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with("BROKEN at event 2: truncated: the export ends at event 1"),
        "{text}"
    );
    let output = tally(&["log", "verify", "--head", "1"], &export);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

/// Version 2 trailers in a hand-built device export: a cut at every record boundary is
/// truncated; a trailer signed by another key is refused; a version 1 export still verifies,
/// saying that it cannot see a cut.
#[test]
fn every_cut_of_a_v2_export_is_truncated_and_v1_still_reads() {
    let dir = Dir::new();
    let events = chain(6);
    let bytes = tally_events::export_signed_to_vec(&events, &key()).unwrap();
    let path = dir.write("whole.tlog", &bytes);
    let output = tally(&["log", "verify", "--lang", "es"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).starts_with("intacta: 6 eventos"));
    let mut boundary = 16;
    for (n, event) in events.iter().enumerate() {
        boundary += 4 + event.as_bytes().len();
        let cut = dir.write(&format!("cut{n}"), &bytes[..boundary]);
        let output = tally(&["log", "verify"], &cut);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stdout(&output).starts_with(&format!("BROKEN at event {}: truncated:", n + 2)),
            "{}",
            stdout(&output)
        );
    }
    let mut forged = ExportWriter::v2(Vec::new()).unwrap();
    for event in &events {
        forged.write(event).unwrap();
    }
    let forged = forged
        .finish_signed(&DeviceKey::from_seed([0x34; 32]))
        .unwrap();
    let path = dir.write("forged.tlog", &forged);
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("BROKEN at event 6: bad_trailer:"),
        "{}",
        stdout(&output)
    );
    let v1 = dir.write("v1.tlog", &export_to_vec(&events).unwrap());
    let output = tally(&["log", "verify"], &v1);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("intact: 6 events"), "{text}");
    assert!(text.contains("version 1 export has no trailer"), "{text}");
}

/// A ledger export (built here from our RFC 6962 tree code and a C2SP signed checkpoint, as
/// the ledger will write it): verified with and without `--ledger-key`; another ledger key,
/// or a proof for another head, is refused.
#[test]
fn a_ledger_export_verifies_its_checkpoint_and_inclusion_proof() {
    use tally_events::merkle::{inclusion_proof, leaf_hash, root_of_leaf_hashes};
    use tally_events::note::{Checkpoint, NoteSigner};
    use tally_events::{LedgerTrailer, Trailer};
    let dir = Dir::new();
    let events = chain(9);
    let signer = NoteSigner::new("ledger.tally.example", DeviceKey::from_seed([0x4c; 32]));
    let other = NoteSigner::new("ledger.tally.example", DeviceKey::from_seed([0x4d; 32]));
    // The ledger's log holds these 9 records and 4 more of another chain after them.
    let mut leaves: Vec<_> = events.iter().map(|e| leaf_hash(e.as_bytes())).collect();
    leaves.extend((0..4).map(|n| leaf_hash(format!("other {n}").as_bytes())));
    let checkpoint = Checkpoint {
        origin: "ledger.tally.example/log".into(),
        size: leaves.len() as u64,
        root: root_of_leaf_hashes(&leaves),
    };
    let export = |upto: usize, proof_of: usize| {
        let mut writer = ExportWriter::v2(Vec::new()).unwrap();
        for event in &events[..upto] {
            writer.write(event).unwrap();
        }
        writer
            .finish_with_trailer(&Trailer::Ledger(LedgerTrailer {
                records: upto as u64,
                head_hash: events[upto - 1].record_hash(),
                log_index: proof_of as u64,
                checkpoint: signer.sign(&checkpoint.text()),
                proof: inclusion_proof(proof_of, &leaves).unwrap(),
            }))
            .unwrap()
    };
    let path = dir.write("ledger.tlog", &export(9, 8));
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(text.starts_with("intact: 9 events"), "{text}");
    assert!(text.contains("inclusion proof verified"), "{text}");
    let ledger_key = signer.verifier_key();
    let output = tally(&["log", "verify", "--ledger-key", &ledger_key], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).contains("checkpoint signature verified"));
    let output = tally(
        &["log", "verify", "--ledger-key", &other.verifier_key()],
        &path,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("BROKEN at event 9: bad_trailer:"),
        "{}",
        stdout(&output)
    );
    // A proof of entry 7 presented for the head record 9 (index 8): refused.
    let path = dir.write("wrong-proof.tlog", &export(9, 7));
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("bad_trailer"),
        "{}",
        stdout(&output)
    );
    // A malformed verifier key is a usage error.
    let output = tally(&["log", "verify", "--ledger-key", "ledger+00+AAAA"], &path);
    assert_eq!(output.status.code(), Some(2));
}

/// `tally log export` from a directory the process cannot write (a mounted backup, a
/// read-only share): it opens the database without writing anything beside it. Run as an
/// unprivileged user when the tests run as root (root ignores directory permissions).
#[cfg(unix)]
#[test]
fn log_export_works_from_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = Dir::new();
    let root = dir.0.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db_dir = root.join("db");
    let key_dir = root.join("keys");
    let out_dir = root.join("out");
    for d in [&db_dir, &key_dir, &out_dir] {
        std::fs::create_dir_all(d).unwrap();
    }
    let db = db_dir.join("hh.db");
    let key_file = key_dir.join("hh.key");
    let init = run(&["replica", "init", "--db", s(&db), "--key", s(&key_file)]);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    assert!(!db_dir.join("hh.db-wal").exists() && !db_dir.join("hh.db-shm").exists());
    let before: Vec<_> = std::fs::read_dir(&db_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    std::fs::set_permissions(&db_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = out_dir.join("hh.tlog");
    let as_root = unsafe { libc::geteuid() } == 0;
    if as_root {
        // The unprivileged user owns its key (0600, as key files must be).
        std::os::unix::fs::chown(&key_dir, Some(65534), Some(65534)).unwrap();
        std::os::unix::fs::chown(&key_file, Some(65534), Some(65534)).unwrap();
    }
    let mut command = if as_root {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_tally"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_tally"))
    };
    let output = command
        .args([
            "log",
            "export",
            "--db",
            s(&db),
            "--key",
            s(&key_file),
            "--out",
            s(&out),
        ])
        .output()
        .unwrap();
    std::fs::set_permissions(&db_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let after: Vec<_> = std::fs::read_dir(&db_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing was written beside the database");
    let output = tally(&["log", "verify"], &out);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

/// An old chain whose user events (kind 265) carry PIN hashes: `show` prints them redacted,
/// in text and JSON, and the chain still verifies.
fn chain_with_pin_hashes() -> (Vec<SignedEvent>, Vec<String>) {
    use tally_events::payload::{Role, UserDefined};
    let mut chain = device();
    let hashes = vec![
        "sha256:03030303030303030303030303030303:9f2b6c1d0e4a5f7788990011aabbccddeeff00112233445566778899aabbccdd".to_owned(),
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g".to_owned(),
    ];
    for (n, pin_hash) in hashes.iter().enumerate() {
        chain.add(
            1_000,
            "ADMIN",
            Payload::UserDefined(UserDefined {
                badge: format!("B{n}"),
                name: "Ana Ruiz".into(),
                role: Role::Operator,
                pin_hash: pin_hash.clone(),
                active: true,
            }),
        );
    }
    (chain.events(), hashes)
}

#[test]
fn show_never_prints_pin_hashes_of_old_user_events_and_they_still_verify() {
    let dir = Dir::new();
    let (events, hashes) = chain_with_pin_hashes();
    let path = dir.write("old.tlog", &export_to_vec(&events).unwrap());
    for args in [&["log", "show"][..], &["log", "show", "--json"][..]] {
        let output = tally(args, &path);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let text = stdout(&output) + &String::from_utf8_lossy(&output.stderr);
        for hash in &hashes {
            // Neither the whole string nor any piece of it (salt, digest) is shown.
            for piece in hash.split(['$', ':']).filter(|p| p.len() >= 8) {
                assert!(!text.contains(piece), "{args:?} shows {piece}:\n{text}");
            }
        }
        assert!(
            !text.contains("sha256:03") && !text.contains("argon2"),
            "{text}"
        );
        assert_eq!(text.matches("redacted").count(), 2, "{text}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&tally(&["log", "show", "--json"], &path).stdout).unwrap();
    assert_eq!(json[1]["payload"]["pin_hash"], "redacted");
    assert_eq!(json[1]["payload"]["badge"], "B0");
    let text = stdout(&tally(&["log", "show"], &path));
    assert!(text.contains("    pin_hash: redacted"), "{text}");
    let output = tally(&["log", "verify"], &path);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).starts_with("intact: 3 events"));
}

#[test]
fn a_demo_replica_puts_no_pin_material_in_any_output() {
    let dir = Dir::new();
    let db = dir.0.path().join("demo.db");
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("demo.key");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_tally"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
        stdout(&output) + &String::from_utf8_lossy(&output.stderr)
    };
    let db_arg = db.to_str().unwrap();
    let key_arg = key_file.to_str().unwrap();
    let mut seen = run(&[
        "demo",
        "seed",
        "--db",
        db_arg,
        "--key",
        key_arg,
        "--packages",
        "20",
    ]);
    let export = dir.0.path().join("demo.tlog");
    seen += &run(&[
        "log",
        "export",
        "--db",
        db_arg,
        "--key",
        key_arg,
        "--out",
        export.to_str().unwrap(),
    ]);
    seen += &run(&["log", "show", export.to_str().unwrap()]);
    seen += &run(&["log", "show", "--json", export.to_str().unwrap()]);
    seen += &run(&["replica", "stats", "--db", db_arg]);
    // The device does hold verifiers (sealed), so the check below has something to find.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT salt, sealed FROM pin_verifiers")
        .unwrap();
    let rows: Vec<(Vec<u8>, Vec<u8>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 6);
    let lower = seen.to_lowercase();
    for (salt, sealed) in rows {
        assert!(!lower.contains(&hex::encode(&salt)) && !lower.contains(&hex::encode(&sealed)));
    }
    assert!(
        !lower.contains("argon2") && !lower.contains("pin_hash"),
        "{seen}"
    );
    assert!(seen.contains("user_defined_v2"));
    let bytes = std::fs::read(&export).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("argon2"));
}

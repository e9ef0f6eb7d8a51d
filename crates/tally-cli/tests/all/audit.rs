//! `tally audit` run as the built binary against custody bundles the test builds itself from
//! the format of docs/LEDGER.md with tally-events' note and Merkle code (no ledger involved):
//! the readable report, the CSV in the facility's time zone (daylight saving included), a
//! tampered bundle and a wrong key refused with exit 1 in English and Spanish, the key read
//! from a file.

use std::path::Path;
use std::process::{Command, Output};

use tally_events::custody::{entries_digest, Bundle, BundleEntry, Role, Statement};
use tally_events::merkle::{inclusion_proof, leaf_hash, root_of_leaf_hashes};
use tally_events::note::{Checkpoint, NoteSigner};
use tally_events::payload::{
    DestructionRecorded, DeviceEnrolled, FacilitySettingsDefined, PackageMoved, PackageRegistered,
    PackageStatus, WeightRecorded,
};
use tally_events::{
    ChainWriter, DeviceKey, ManualClock, MassUnit, Payload, Quantity, Sha256Hash, SignedEvent,
    Timestamp, WeighMode,
};

const UID: &str = "1A4FF0100000022000000101";
const FACILITY: &str = "C11-0000347-LIC";
const ORIGIN: &str = "ledger.test/log";

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .expect("run tally")
}

/// A log of one device's chain: settings, a registration (November, PST), a move (July of
/// the next year, PDT), an unrelated move, a weight and a destruction naming it.
fn log() -> Vec<SignedEvent> {
    let clock = ManualClock::new(Timestamp {
        // 2026-11-24T06:00:00Z: 2026-11-23 22:00 in Los Angeles (PST, -08:00).
        wall_unix_ms: 1_795_500_000_000,
        boot_id: [7; 16],
        since_boot_us: 1_000_000,
    });
    let (mut writer, genesis) = ChainWriter::genesis(
        DeviceKey::from_seed([0x44; 32]),
        &clock,
        "",
        DeviceEnrolled {
            facility: FACILITY.into(),
            hardware_serial: "TC58-0042".into(),
            enrollment_token_sha256: Sha256Hash::of(b"token"),
            previous_device: None,
        },
    )
    .unwrap();
    let mut events = vec![genesis];
    let mut add = |advance_ms: u64, actor: &str, payload: Payload| {
        clock.advance_ms(advance_ms);
        let event = writer.append(&clock, actor, payload).unwrap();
        events.push(event);
    };
    add(
        1_000,
        "ADMIN-1",
        Payload::FacilitySettingsDefined(FacilitySettingsDefined {
            facility_id: FACILITY.into(),
            name: "Valley Distribution".into(),
            license_number: FACILITY.into(),
            time_zone: "America/Los_Angeles".into(),
            receiving_tolerance_mg: 0,
            count_tolerance_mg: 0,
            count_tolerance_units: 0,
            recount_by_another: false,
        }),
    );
    add(
        1_000,
        "ADMIN-1",
        Payload::PackageRegistered(PackageRegistered {
            uid: UID.into(),
            item_id: "ITEM-1".into(),
            batch_id: "B-1".into(),
            quantity: Quantity::Milligrams(100_000),
            location_id: "VAULT-1".into(),
            status: PackageStatus::Active,
        }),
    );
    // 218 days later: 2027-06-29, daylight saving time (PDT, -07:00).
    add(
        218 * 86_400_000,
        "B-1042, \"night\"",
        Payload::PackageMoved(PackageMoved {
            uid: UID.into(),
            from_location: "VAULT-1".into(),
            to_location: "SHELF-3".into(),
        }),
    );
    add(
        1_000,
        "B-1042",
        Payload::PackageMoved(PackageMoved {
            uid: "1A4FF0100000022000000202".into(),
            from_location: "VAULT-1".into(),
            to_location: "SHELF-3".into(),
        }),
    );
    add(
        1_000,
        "B-1042",
        Payload::WeightRecorded(WeightRecorded {
            scale_id: "SCALE-7".into(),
            value: "10.02".into(),
            unit: MassUnit::G,
            mode: WeighMode::Net,
            tare: None,
            stable: true,
            division: "0.01".into(),
            uid: None,
        }),
    );
    add(
        1_000,
        "B-1042",
        Payload::DestructionRecorded(DestructionRecorded {
            uid: UID.into(),
            quantity: Quantity::Milligrams(10_000),
            weight_event_seq: Some(6),
            reason_code: "EXPIRED".into(),
            method: "grind".into(),
            witness: "B-3003".into(),
        }),
    );
    events
}

/// The bundle of `UID` over `log`, signed by `signer`.
fn bundle(log: &[SignedEvent], signer: &NoteSigner) -> Vec<u8> {
    let leaves: Vec<Sha256Hash> = log.iter().map(|e| leaf_hash(e.as_bytes())).collect();
    let root = root_of_leaf_hashes(&leaves);
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size: log.len() as u64,
        root,
    };
    let roles = [
        (0, Role::Genesis),
        (1, Role::Settings),
        (2, Role::Event),
        (3, Role::Event),
        (5, Role::Weight),
        (6, Role::Event),
    ];
    let entries: Vec<BundleEntry> = roles
        .iter()
        .map(|(index, role)| BundleEntry {
            role: *role,
            index: *index as u64,
            record: log[*index].as_bytes().to_vec(),
            proof: inclusion_proof(*index, &leaves).unwrap(),
        })
        .collect();
    let statement = Statement {
        origin: ORIGIN.into(),
        uid: UID.into(),
        tree_size: checkpoint.size,
        root,
        entries: entries.len() as u32,
        digest: entries_digest(&entries),
    };
    Bundle {
        checkpoint: signer.sign(&checkpoint.text()),
        statement: signer.sign(&statement.text()),
        entries,
    }
    .encode()
    .unwrap()
}

fn ledger_signer(seed: u8) -> NoteSigner {
    NoteSigner::new(ORIGIN, DeviceKey::from_seed([seed; 32]))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_verified_bundle_is_reported_with_what_it_cannot_prove() {
    let dir = tempfile::tempdir().unwrap();
    let signer = ledger_signer(0x77);
    let file = write(dir.path(), "custody.tcb", &bundle(&log(), &signer));
    let out = tally(&["audit", &file, "--key", &signer.verifier_key()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with(&format!("VERIFIED: custody of {UID} in the log {ORIGIN}\n")));
    assert!(stdout.contains("checkpoint: 7 entries"), "{stdout}");
    assert!(stdout.contains("time zone America/Los_Angeles"), "{stdout}");
    assert!(stdout.contains("events: 3 (0 voided)"), "{stdout}");
    assert!(
        stdout.contains("2026-11-23 22:00:02.000 -08:00"),
        "{stdout}"
    );
    assert!(stdout.contains("witness B-3003"), "{stdout}");
    assert!(
        stdout.contains("context: 1 genesis, 1 weight, 0 void, 1 settings"),
        "{stdout}"
    );
    assert!(
        stdout.contains("What this bundle cannot prove:"),
        "{stdout}"
    );
    assert!(stdout.contains("never sent to the ledger"), "{stdout}");
    // In Spanish.
    let out = tally(&[
        "audit",
        &file,
        "--key",
        &signer.verifier_key(),
        "--lang",
        "es",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.starts_with("VERIFICADO: custodia de"), "{stdout}");
    assert!(
        stdout.contains("Lo que este paquete no puede probar:"),
        "{stdout}"
    );
}

#[test]
fn the_csv_is_in_the_facility_time_zone_across_daylight_saving() {
    let dir = tempfile::tempdir().unwrap();
    let signer = ledger_signer(0x77);
    let file = write(dir.path(), "custody.tcb", &bundle(&log(), &signer));
    // The key from a file.
    let key_file = write(
        dir.path(),
        "ledger.vkey",
        format!("{}\n", signer.verifier_key()).as_bytes(),
    );
    let out = tally(&["audit", &file, "--key", &key_file, "--csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "uid,log_index,role,local_time,time_zone,device_id,seq,facility,user,kind,summary,location,quantity,scale,witness,voided,record_sha256,checkpoint_size"
    );
    assert_eq!(lines.len(), 7, "{stdout}");
    let registered = lines
        .iter()
        .find(|l| l.contains(",package_registered,"))
        .unwrap();
    assert!(
        registered.contains(",2026-11-23 22:00:02.000 -08:00,America/Los_Angeles,"),
        "{registered}"
    );
    let moved = lines
        .iter()
        .find(|l| l.contains(",package_moved,"))
        .unwrap();
    assert!(moved.contains(" -07:00,America/Los_Angeles,"), "{moved}");
    // The actor's comma and quotes are quoted, not taken for columns.
    assert!(moved.contains(",\"B-1042, \"\"night\"\"\","), "{moved}");
    let weight = lines.iter().find(|l| l.contains(",weight,")).unwrap();
    assert!(weight.contains(",SCALE-7,"), "{weight}");
}

#[test]
fn a_tampered_bundle_and_a_wrong_key_are_refused_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let signer = ledger_signer(0x77);
    let bytes = bundle(&log(), &signer);
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 40] ^= 1; // inside the last inclusion proof
    let tampered = write(dir.path(), "tampered.tcb", &bad);
    let out = tally(&["audit", &tampered, "--key", &signer.verifier_key()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("NOT VERIFIED: entry 5 (log index 6) is not proved"),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with("[not_in_log]"), "{stderr}");
    assert!(out.stdout.is_empty());
    let out = tally(&[
        "audit",
        &tampered,
        "--key",
        &signer.verifier_key(),
        "--lang",
        "es",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("NO VERIFICADO: no se prueba que la entrada 5"));

    let file = write(dir.path(), "custody.tcb", &bytes);
    let impostor = ledger_signer(0x78);
    let out = tally(&["audit", &file, "--key", &impostor.verifier_key()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("checkpoint is not signed by this ledger key"),
        "{stderr}"
    );
    // Not a key at all.
    let out = tally(&["audit", &file, "--key", "not-a-key"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a ledger verifier key"));
}

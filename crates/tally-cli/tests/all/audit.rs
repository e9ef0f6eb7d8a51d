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
    DestructionRecorded, FacilitySettingsDefined, PackageMoved, PackageRegistered, PackageStatus,
    ScaleRegistered, SignInPurpose, UserSignedIn, WeightRecorded,
};
use tally_events::{
    DeviceKey, MassUnit, Payload, Quantity, Sha256Hash, SignedEvent, Timestamp, WeighMode,
};
use tally_testkit::{enrolled, DeviceChain};

const UID: &str = "1A4FF0100000022000000101";
const FACILITY: &str = "C11-0000347-LIC";
const ORIGIN: &str = "ledger.test/log";

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .expect("run tally")
}

/// A log of one device's chain: settings, a scale registered, a registration (November, PST),
/// a move (July of the next year, PDT), an unrelated move, the witness's sign-in, a weight and
/// a destruction naming both.
fn log() -> Vec<SignedEvent> {
    let mut chain = DeviceChain::new(
        DeviceKey::from_seed([0x44; 32]),
        Timestamp {
            // 2026-11-24T06:00:00Z: 2026-11-23 22:00 in Los Angeles (PST, -08:00).
            wall_unix_ms: 1_795_500_000_000,
            boot_id: [7; 16],
            since_boot_us: 1_000_000,
        },
        enrolled(FACILITY, "TC58-0042"),
    );
    let mut add = |advance_ms: u64, actor: &str, payload: Payload| {
        chain.add(advance_ms, actor, payload);
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
        Payload::ScaleRegistered(ScaleRegistered {
            scale_id: "SCALE-7".into(),
            serial: "MT-0042".into(),
            model: "ICS425".into(),
            division: "0.01".into(),
            capacity: "6000".into(),
            unit: MassUnit::G,
            calibration_due: tally_events::Date::new(2027, 12, 31).unwrap(),
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
        Payload::UserSignedIn(UserSignedIn {
            badge: "B-3003".into(),
            purpose: SignInPurpose::Witness,
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
            weight_event_seq: Some(8),
            reason_code: "EXPIRED".into(),
            method: "grind".into(),
            witness: "B-3003".into(),
        }),
    );
    chain.events()
}

/// The bundle of `UID` over `log`, signed by `signer`.
fn bundle(log: &[SignedEvent], signer: &NoteSigner) -> Vec<u8> {
    bundle_of_roles(log, signer, &ROLES)
}

/// The entries of the bundle of `UID` over [`log`]: (log index, role).
const ROLES: [(usize, Role); 8] = [
    (0, Role::Genesis),
    (1, Role::Settings),
    (2, Role::Scale),
    (3, Role::Event),
    (4, Role::Event),
    (6, Role::Witness),
    (7, Role::Weight),
    (8, Role::Event),
];

/// The bundle without the entries of role `dropped`, its statement signed for what is left.
fn bundle_without(log: &[SignedEvent], signer: &NoteSigner, dropped: Role) -> Vec<u8> {
    let roles: Vec<(usize, Role)> = ROLES
        .iter()
        .copied()
        .filter(|(_, r)| *r != dropped)
        .collect();
    bundle_of_roles(log, signer, &roles)
}

fn bundle_of_roles(log: &[SignedEvent], signer: &NoteSigner, roles: &[(usize, Role)]) -> Vec<u8> {
    let leaves: Vec<Sha256Hash> = log.iter().map(|e| leaf_hash(e.as_bytes())).collect();
    let root = root_of_leaf_hashes(&leaves);
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size: log.len() as u64,
        root,
    };
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
    assert!(stdout.contains("checkpoint: 9 entries"), "{stdout}");
    assert!(stdout.contains("time zone America/Los_Angeles"), "{stdout}");
    assert!(stdout.contains("events: 3 (0 voided)"), "{stdout}");
    assert!(
        stdout.contains("2026-11-23 22:00:03.000 -08:00"),
        "{stdout}"
    );
    assert!(stdout.contains("witness B-3003"), "{stdout}");
    // The destruction shows when its witness signed in on the device.
    assert!(
        stdout.contains("witness signed in on this device at 2027-06-29"),
        "{stdout}"
    );
    assert!(
        stdout.contains("context: 1 genesis, 1 weight, 1 witness, 1 scale, 0 void, 1 settings"),
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
    // The report's own words are Spanish too (they were English inside the Spanish report).
    assert!(
        stdout.contains("zona horaria America/Los_Angeles"),
        "{stdout}"
    );
    assert!(stdout.contains("eventos: 3 (0 anulados)"), "{stdout}");
    assert!(stdout.contains("  testigo B-3003"), "{stdout}");
    assert!(
        stdout.contains(
            "contexto: 1 alta, 1 peso, 1 testigo, 1 báscula, 0 anulación, 1 configuración"
        ),
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
    assert_eq!(lines.len(), 9, "{stdout}");
    let registered = lines
        .iter()
        .find(|l| l.contains(",package_registered,"))
        .unwrap();
    assert!(
        registered.contains(",2026-11-23 22:00:03.000 -08:00,America/Los_Angeles,"),
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
    // Which registered scale weighed, and who witnessed: their own rows, and named on the
    // weight's and the destruction's.
    assert!(
        weight.contains(
            "scale registered as serial MT-0042 model ICS425, calibration due 2027-12-31"
        ),
        "{weight}"
    );
    let role_of = |line: &&&str| line.split(',').nth(2).map(str::to_owned);
    let scale = lines[1..]
        .iter()
        .find(|l| role_of(l).as_deref() == Some("scale"))
        .unwrap();
    assert!(scale.contains(",scale_registered,"), "{scale}");
    assert!(scale.contains(",SCALE-7,"), "{scale}");
    let witness = lines[1..]
        .iter()
        .find(|l| role_of(l).as_deref() == Some("witness"))
        .unwrap();
    assert!(witness.contains(",user_signed_in,"), "{witness}");
    assert!(witness.contains(",B-3003,"), "{witness}");
    let destruction = lines
        .iter()
        .find(|l| l.contains(",destruction_recorded,"))
        .unwrap();
    assert!(
        destruction.contains("witness signed in on this device at 2027-06-29"),
        "{destruction}"
    );
}

#[test]
fn a_bundle_without_the_witness_or_the_scale_registration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signer = ledger_signer(0x77);
    let log = log();
    // A ledger that leaves out the witness's sign-in, and one that leaves out the scale's
    // registration, signs its statement all the same: the bundle is still refused.
    for (dropped, code, text) in [
        (Role::Witness, "missing_witness", "witness B-3003"),
        (Role::Scale, "missing_scale", "scale SCALE-7"),
    ] {
        let bytes = bundle_without(&log, &signer, dropped);
        let file = write(dir.path(), "custody.tcb", &bytes);
        let out = tally(&["audit", &file, "--key", &signer.verifier_key(), "--csv"]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.trim_end().ends_with(&format!("[{code}]")),
            "{stderr}"
        );
        assert!(stderr.contains(text), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_tampered_bundle_and_a_wrong_key_are_refused_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let signer = ledger_signer(0x77);
    let bytes = bundle(&log(), &signer);
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 20] ^= 1; // inside the last inclusion proof
    let tampered = write(dir.path(), "tampered.tcb", &bad);
    let out = tally(&["audit", &tampered, "--key", &signer.verifier_key()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("NOT VERIFIED: entry 7 (log index 8) is not proved"),
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
        .starts_with("NO VERIFICADO: no se prueba que la entrada 7"));

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

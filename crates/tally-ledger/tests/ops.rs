//! The ledger's operations side with the real binary over loopback, on both backends: the
//! creator's admin credential and operator calls, users with PIN verifiers reaching real
//! tally-replica devices, the demo facility seeded at the ledger, and the enrollment token as a
//! QR code.

mod common;

use std::path::Path;

use common::devices::{add_user, admin_key_file, cli, token, Device, Server};
use common::{on_both_backends, refused_as, temp_db};
use reqwest::blocking::Client;
use serde_json::Value;
use tally_events::{DeviceKey, DomainSigner};
use tally_ledger::credentials::{read_admin_key, sign_operator_request};

on_both_backends!(
    the_creator_holds_an_admin_credential_and_operator_calls_need_one,
    users_pins_reach_devices_of_their_facility_only_and_never_the_log,
    the_demo_facility_seeded_at_the_ledger_bootstraps_a_device_that_signs_in,
    metrics_count_what_was_accepted_and_refused,
    master_data_is_accepted_from_the_defining_device_or_an_admin_only,
    loadgen_needs_no_set_up_and_every_event_arrives,
    supervisors_read_their_facility_by_their_own_credentials_only,
);

/// An operator call signed with `key` (or with the device-request label when `as_device`).
fn operator_call(
    base: &str,
    origin: &str,
    key: &DeviceKey,
    body: &Value,
    as_device: bool,
) -> (u16, Value) {
    let path = "/v1/admin/enroll-token";
    let body = serde_json::to_vec(body).unwrap();
    let now = tally_ledger::now_unix_ms();
    let mut headers = if as_device {
        let signer = tally_events::DomainSigner::new(DeviceKey::from_seed(key.seed()));
        let mut h =
            tally_ledger::auth::sign_request(&signer, origin, "POST", path, now, &body).unwrap();
        // The device's signature presented as an operator's.
        h[0].0 = tally_ledger::credentials::HEADER_OPERATOR;
        h
    } else {
        sign_operator_request(key, origin, "POST", path, now, &body).unwrap()
    };
    let mut request = Client::new().post(format!("{base}{path}")).body(body);
    for (name, value) in headers.drain(..) {
        request = request.header(name, value);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap())
}

fn the_creator_holds_an_admin_credential_and_operator_calls_need_one(db: &str, scratch: &Path) {
    let (code, verifier, stderr) = cli(&["init", "--db", db], "");
    assert_eq!(code, 0, "{stderr}");
    assert!(verifier.contains('+'));
    let key = read_admin_key(&admin_key_file()).expect("the creator's key file exists, private");
    let (code, list, _) = cli(&["operator", "list", "--db", db], "");
    assert_eq!(code, 0);
    let creator = hex::encode(key.device_id().0);
    assert!(
        list.lines()
            .any(|l| l.starts_with(&creator) && l.contains("  admin  ")),
        "{list}"
    );

    let server = Server::start(db, &scratch.join("views"));
    let info: Value = reqwest::blocking::get(format!("{}/v1/info", server.base))
        .unwrap()
        .json()
        .unwrap();
    let origin = info["origin"].as_str().unwrap();
    let request = serde_json::json!({ "facility": "FAC-A", "name": "dock-7" });

    // The creator's credential issues a token over HTTP, and a device enrolls with it.
    let (status, body) = operator_call(&server.base, origin, &key, &request, false);
    assert_eq!(status, 200, "{body}");
    let issued = body["token"].as_str().unwrap();
    let device = Device::new(&server, "FAC-A");
    device.enroll(issued);
    device.push();

    // The same key's signature made as a device request is not an operator's.
    let (status, body) = operator_call(&server.base, origin, &key, &request, true);
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthenticated"))
    );
    // A key that is not registered, and a device key, are not operators.
    let stranger = DeviceKey::from_seed([77; 32]);
    let (status, body) = operator_call(&server.base, origin, &stranger, &request, false);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("not_operator"))
    );
    assert!(body["message_es"]
        .as_str()
        .unwrap()
        .contains("administrador"));
    // A supervisor credential may not make admin calls.
    let stranger_hex = hex::encode(stranger.device_id().0);
    let (code, _, stderr) = cli(
        &[
            "operator",
            "add",
            "--db",
            db,
            "--key",
            &stranger_hex,
            "--name",
            "Jordan",
            "--role",
            "supervisor",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let (status, body) = operator_call(&server.base, origin, &stranger, &request, false);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("not_operator"))
    );
    // Made admin, it may; revoked, it may not any more (the running server re-reads).
    let (code, _, _) = cli(
        &[
            "operator",
            "add",
            "--db",
            db,
            "--key",
            &stranger_hex,
            "--name",
            "Jordan",
            "--role",
            "admin",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert_eq!(
        operator_call(&server.base, origin, &stranger, &request, false).0,
        200
    );
    let (code, _, _) = cli(
        &["operator", "revoke", "--db", db, "--key", &stranger_hex],
        "",
    );
    assert_eq!(code, 0);
    assert_eq!(
        operator_call(&server.base, origin, &stranger, &request, false).0,
        403
    );
    // A weak key is refused at registration.
    let weak = "0000000000000000000000000000000000000000000000000000000000000000";
    let (code, _, stderr) = cli(
        &[
            "operator", "add", "--db", db, "--key", weak, "--name", "x", "--role", "admin",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("not a usable public key"), "{stderr}");
}

/// Whether `pin` is the PIN of the verifier `phc`, by tally-events' Argon2id.
fn opens(phc: &str, pin: &str) -> bool {
    let verifier = tally_events::pin::PinVerifier::parse(phc).expect("an Argon2id verifier");
    tally_events::pin::hash_guess(&verifier.params, &verifier.salt, pin).unwrap() == verifier.output
}

fn pins_of(device: &Device) -> Value {
    let response = device.send("GET", "/v1/pins", Vec::new());
    assert_eq!(response.status().as_u16(), 200);
    response.json().unwrap()
}

fn users_pins_reach_devices_of_their_facility_only_and_never_the_log(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    let add = |badge: &str, role: &str, pin: &str| {
        cli(
            &[
                "user",
                "add",
                "--db",
                db,
                "--facility",
                "FAC-A",
                "--badge",
                badge,
                "--name",
                "Pat Example",
                "--role",
                role,
                "--insecure-test-pin-params",
            ],
            &format!("{pin}\n"),
        )
    };
    let (code, _, stderr) = add("B100", "operator", "4821");
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = add("B200", "admin", "7777");
    assert_eq!(code, 0);
    // Refusals in both languages: an existing badge, a role that does not exist, a short PIN,
    // no PIN at all.
    let (code, _, stderr) = add("B100", "operator", "1234");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("already exists") && stderr.contains("ya existe"),
        "{stderr}"
    );
    let (code, _, stderr) = add("B300", "boss", "1234");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("not a role") && stderr.contains("no es un rol"),
        "{stderr}"
    );
    let (code, _, stderr) = add("B300", "operator", "12");
    assert_eq!(code, 1);
    assert!(stderr.contains("PIN"), "{stderr}");
    let (code, _, stderr) = add("B300", "operator", "");
    assert_eq!(code, 1);
    assert!(stderr.contains("standard input"), "{stderr}");

    let device = Device::new(&server, "FAC-A");
    device.enroll(&token(db, "FAC-A", "dock-1"));
    let other = Device::new(&server, "FAC-B");
    other.enroll(&token(db, "FAC-B", "dock-2"));
    let pins = pins_of(&device);
    assert_eq!(pins["facility"], "FAC-A");
    let verifiers = pins["verifiers"].as_array().unwrap();
    assert_eq!(verifiers.len(), 2);
    let b100 = verifiers.iter().find(|v| v["badge"] == "B100").unwrap();
    assert!(opens(b100["phc"].as_str().unwrap(), "4821"));
    assert!(!opens(b100["phc"].as_str().unwrap(), "4822"));
    // The other facility's device gets none of them.
    let theirs = pins_of(&other);
    assert_eq!(theirs["verifiers"].as_array().unwrap().len(), 0);
    // Unsigned: refused.
    let response = reqwest::blocking::get(format!("{}/v1/pins", server.base)).unwrap();
    assert_eq!(response.status().as_u16(), 401);

    // A new PIN replaces the verifier; deactivation withdraws it.
    let (code, _, stderr) = cli(
        &[
            "user",
            "set-pin",
            "--db",
            db,
            "--facility",
            "FAC-A",
            "--badge",
            "B100",
            "--insecure-test-pin-params",
        ],
        "9090\n",
    );
    assert_eq!(code, 0, "{stderr}");
    let pins = pins_of(&device);
    let b100 = pins["verifiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["badge"] == "B100")
        .unwrap()
        .clone();
    assert!(opens(b100["phc"].as_str().unwrap(), "9090"));
    assert!(!opens(b100["phc"].as_str().unwrap(), "4821"));
    let (code, _, _) = cli(
        &[
            "user",
            "deactivate",
            "--db",
            db,
            "--facility",
            "FAC-A",
            "--badge",
            "B200",
        ],
        "",
    );
    assert_eq!(code, 0);
    let pins = pins_of(&device);
    assert_eq!(pins["verifiers"].as_array().unwrap().len(), 1);
    assert_eq!(pins["deactivated"], serde_json::json!(["B200"]));
    let (code, _, stderr) = cli(
        &[
            "user",
            "deactivate",
            "--db",
            db,
            "--facility",
            "FAC-A",
            "--badge",
            "B999",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("does not exist") && stderr.contains("no existe"));
    let (code, list, _) = cli(
        &["user", "list", "--db", db, "--facility", "FAC-A", "--json"],
        "",
    );
    assert_eq!(code, 0);
    assert_eq!(list.lines().count(), 2);
    assert!(!list.contains("argon2"), "a listing never shows a verifier");

    // No PIN material in the log: nothing was appended by any of it.
    device.push();
    let exported = std::process::Command::new(common::devices::BIN)
        .args(["export", "--db", db])
        .output()
        .unwrap();
    assert!(exported.status.success());
    assert!(!exported
        .stdout
        .windows(b"argon2".len())
        .any(|w| w == b"argon2"));
    let info: Value = reqwest::blocking::get(format!("{}/v1/info", server.base))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info["tree_size"], 1, "only the device's genesis");
}

fn the_demo_facility_seeded_at_the_ledger_bootstraps_a_device_that_signs_in(
    db: &str,
    scratch: &Path,
) {
    let (code, _, stderr) = cli(
        &[
            "demo",
            "seed",
            "--db",
            db,
            "--packages",
            "25",
            "--insecure-test-pin-params",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = cli(
        &["demo", "seed", "--db", db, "--insecure-test-pin-params"],
        "",
    );
    assert_eq!(code, 1, "a second seed is refused");
    assert!(stderr.contains("already"), "{stderr}");
    let (code, verified, stderr) = cli(&["verify", "--db", db], "");
    assert_eq!(code, 0, "{stderr}");
    assert!(verified.starts_with("ok:"));

    let server = Server::start(db, &scratch.join("views"));
    let facility = tally_replica::seed::FACILITY;
    let mut device = Device::new(&server, facility);
    device.enroll(&token(db, facility, "dock-1"));
    device.push();
    device.bootstrap();
    // The same packages as the demo recorded on a device of its own (deterministic data).
    let reference = Device::new(&server, "FAC-REFERENCE");
    let mut reference = reference;
    tally_replica::seed::demo_with_pin_params(
        &mut reference.replica,
        25,
        1,
        &tally_events::pin::PinParams::TEST,
    )
    .unwrap();
    let packages = device.packages();
    assert!(packages.len() >= 25);
    assert_eq!(packages, reference.packages());
    // The users' verifiers arrive over the authenticated channel; the demo operator signs in
    // with the demo PIN on the device.
    let pins = pins_of(&device);
    let verifiers: Vec<tally_replica::pins::IssuedVerifier> = pins["verifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| tally_replica::pins::IssuedVerifier {
            badge: v["badge"].as_str().unwrap().into(),
            phc: v["phc"].as_str().unwrap().into(),
        })
        .collect();
    assert_eq!(verifiers.len(), tally_replica::seed::USERS.len());
    device.replica.store_pin_verifiers(&verifiers).unwrap();
    let (badge, _, _, pin) = tally_replica::seed::USERS[0];
    device.replica.sign_in(badge, pin).expect("signs in");
    assert!(device.replica.sign_in(badge, "0000").is_err());
}

#[test]
fn enroll_token_qr_draws_the_token_after_its_line() {
    let (dir, db) = temp_db();
    let db = db.to_str().unwrap();
    let (code, stdout, stderr) = cli(
        &[
            "enroll-token",
            "--db",
            db,
            "--facility",
            "FAC-A",
            "--name",
            "dock-1",
            "--qr",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let mut lines = stdout.lines();
    let token = lines.next().unwrap();
    assert_eq!(token.len(), 40);
    // Decode the drawing with an independent QR decoder: each character cell is two modules,
    // upper and lower half; a space is dark (drawn light-on-dark for dark terminals).
    let drawing: Vec<Vec<char>> = lines.map(|l| l.chars().collect()).collect();
    let width = drawing[0].len();
    let height = drawing.len() * 2;
    let scale = 4;
    let dark = |x: usize, y: usize| -> bool {
        let c = drawing[y / 2].get(x).copied().unwrap_or(' ');
        let (upper_light, lower_light) = match c {
            '█' => (true, true),
            '▀' => (true, false),
            '▄' => (false, true),
            _ => (false, false),
        };
        !(if y % 2 == 0 { upper_light } else { lower_light })
    };
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width * scale, height * scale, |x, y| {
            if dark(x / scale, y / scale) {
                0
            } else {
                255
            }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, token);
    // The token works.
    let server = Server::start(db, &dir.path().join("views"));
    Device::new(&server, "FAC-A").enroll(token);
}

fn sign_outs(device: &mut Device, n: usize) {
    for i in 0..n {
        device
            .replica
            .record(
                "B-1",
                vec![tally_events::Payload::UserSignedOut(
                    tally_events::payload::UserSignedOut {
                        badge: format!("B-{i}"),
                    },
                )],
            )
            .unwrap();
    }
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in\n{text}"))
}

fn metrics_count_what_was_accepted_and_refused(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    let mut device = Device::new(&server, "FAC-A");
    device.enroll(&token(db, "FAC-A", "dock-1"));
    sign_outs(&mut device, 4);
    device.push(); // 5 accepted
    device.push(); // 5 duplicates
    sign_outs(&mut device, 2);
    // Only the last record: a gap.
    let last: Vec<u8> = device
        .replica
        .view()
        .query_row(
            "SELECT bytes FROM event_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let body =
        serde_json::to_vec(&serde_json::json!({ "records": [tally_ledger::tlog::b64(&last)] }))
            .unwrap();
    let response = device.send("POST", "/v1/push", body);
    assert_eq!(response.status().as_u16(), 409);
    // An unenrolled device's request.
    let stranger = Device::new(&server, "FAC-A");
    assert_eq!(stranger.deltas(0, None).0, 403);

    let response = reqwest::blocking::get(format!("{}/metrics", server.base)).unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().unwrap();
    assert_eq!(metric(&text, "tally_ledger_records_accepted_total"), 5.0);
    assert_eq!(metric(&text, "tally_ledger_records_duplicate_total"), 5.0);
    assert_eq!(
        metric(&text, "tally_ledger_refusals_total{code=\"gap\"}"),
        1.0
    );
    assert_eq!(
        metric(
            &text,
            "tally_ledger_refusals_total{code=\"unknown_device\"}"
        ),
        1.0
    );
    assert_eq!(metric(&text, "tally_ledger_tree_size"), 5.0);
    assert_eq!(
        metric(
            &text,
            "tally_ledger_request_duration_seconds_count{method=\"POST\",route=\"/v1/push\"}"
        ),
        3.0
    );
}

#[test]
fn the_systemd_units_verify() {
    let dir = tempfile::tempdir().unwrap();
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/systemd");
    let mut paths = Vec::new();
    for (unit, binary) in [
        ("tally-ledger.service", common::devices::BIN),
        // tallyd is another crate's binary: any executable stands in for the check.
        ("tallyd.service", "/bin/true"),
    ] {
        let text = std::fs::read_to_string(units.join(unit)).unwrap();
        let name = unit.trim_end_matches(".service");
        let text = text.replace(&format!("/usr/local/bin/{name} "), &format!("{binary} "));
        let path = dir.path().join(unit);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .args(&paths)
        .output()
        .expect("systemd-analyze (systemd) is needed to check the units");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains(".service"),
        "systemd-analyze has remarks about the units:\n{stderr}"
    );
}

fn define_location(device: &mut Device, actor: &str, id: &str) {
    device
        .replica
        .record(
            actor,
            vec![tally_events::Payload::LocationDefined(
                tally_events::payload::LocationDefined {
                    location_id: id.into(),
                    name: id.into(),
                    kind: tally_events::payload::LocationKind::Shelf,
                    sellable: true,
                    parent: None,
                },
            )],
        )
        .unwrap();
}

fn push_status(device: &Device) -> (u16, Value) {
    let mut records = Vec::new();
    let mut stmt = device
        .replica
        .view()
        .prepare("SELECT bytes FROM event_log ORDER BY seq")
        .unwrap();
    for bytes in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        records.push(tally_ledger::tlog::b64(&bytes.unwrap()));
    }
    let body = serde_json::to_vec(&serde_json::json!({ "records": records })).unwrap();
    let response = device.send("POST", "/v1/push", body);
    let status = response.status().as_u16();
    (status, response.json().unwrap())
}

fn master_data_is_accepted_from_the_defining_device_or_an_admin_only(db: &str, scratch: &Path) {
    let server = Server::start(db, &scratch.join("views"));
    // The first device enrolled for a new facility defines it, whoever is signed in.
    let mut first = Device::new(&server, "FAC-NEW");
    first.enroll(&token(db, "FAC-NEW", "dock-1"));
    define_location(&mut first, "B-FOUNDER", "SHELF-1");
    assert_eq!(push_status(&first).0, 200);

    // Another device: floor events by anyone, master data only by an admin at the ledger.
    let mut second = Device::new(&server, "FAC-NEW");
    second.enroll(&token(db, "FAC-NEW", "dock-2"));
    sign_outs(&mut second, 1);
    define_location(&mut second, "B-7", "SHELF-2");
    let (status, body) = push_status(&second);
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["receipts"].as_array().unwrap().len(),
        2,
        "the records before it are kept"
    );
    assert_eq!(body["refused"]["error"], "not_admin");
    assert_eq!(body["refused"]["seq"], 3);
    assert!(body["refused"]["message_es"]
        .as_str()
        .unwrap()
        .contains("administrador"));
    // An operator is not enough either.
    let (code, _, stderr) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--facility",
            "FAC-NEW",
            "--badge",
            "B-7",
            "--name",
            "Sam",
            "--role",
            "operator",
            "--insecure-test-pin-params",
        ],
        "5151\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(push_status(&second).1["refused"]["error"], "not_admin");
    // An admin of another facility is not an admin of this one.
    let (code, _, _) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--facility",
            "FAC-OTHER",
            "--badge",
            "B-8",
            "--name",
            "Kim",
            "--role",
            "admin",
            "--insecure-test-pin-params",
        ],
        "5252\n",
    );
    assert_eq!(code, 0);
    let mut third = Device::new(&server, "FAC-NEW");
    third.enroll(&token(db, "FAC-NEW", "dock-3"));
    define_location(&mut third, "B-8", "SHELF-3");
    assert_eq!(push_status(&third).1["refused"]["error"], "not_admin");
    // Made an admin of this facility at the ledger, the same record is accepted when pushed again.
    let (code, _, _) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--facility",
            "FAC-NEW",
            "--badge",
            "B-8",
            "--name",
            "Kim",
            "--role",
            "admin",
            "--insecure-test-pin-params",
        ],
        "5252\n",
    );
    assert_eq!(code, 0);
    let (status, body) = push_status(&third);
    assert_eq!(status, 200, "{body}");
    // Deactivated, refused again.
    let (code, _, _) = cli(
        &[
            "user",
            "deactivate",
            "--db",
            db,
            "--facility",
            "FAC-NEW",
            "--badge",
            "B-8",
        ],
        "",
    );
    assert_eq!(code, 0);
    define_location(&mut third, "B-8", "SHELF-4");
    assert_eq!(push_status(&third).1["refused"]["error"], "not_admin");

    // Floor events numbered in the admin block (a receipt difference, a settled conflict, a
    // count sweep) are recorded by floor people on any device: no admin needed.
    let mut fourth = Device::new(&server, "FAC-NEW");
    fourth.enroll(&token(db, "FAC-NEW", "dock-4"));
    use tally_events::payload::{
        ConflictSettled, CountSweepRecorded, PackageStatus, ReceiptDifferenceNoted, RfidTagRead,
    };
    use tally_events::Quantity;
    fourth
        .replica
        .record(
            "B-RECEIVER",
            vec![tally_events::Payload::ReceiptDifferenceNoted(
                ReceiptDifferenceNoted {
                    manifest_id: "MAN-1".into(),
                    uid: "1A4FF0100000022000000123".into(),
                    manifest_quantity: Quantity::Milligrams(100_000),
                    received_quantity: Quantity::Milligrams(99_000),
                    reason_code: "SCALE-VARIANCE".into(),
                    note: String::new(),
                },
            )],
        )
        .unwrap();
    fourth
        .replica
        .record(
            "B-SUPERVISOR",
            vec![tally_events::Payload::ConflictSettled(ConflictSettled {
                uid: "1A4FF0100000022000000123".into(),
                quantity: Quantity::Milligrams(99_000),
                location_id: "SHELF-1".into(),
                status: PackageStatus::Active,
                reason_code: "COUNT-CORRECTION".into(),
                through_ledger_index: 0,
            })],
        )
        .unwrap();
    fourth
        .replica
        .record(
            "B-COUNTER",
            vec![tally_events::Payload::CountSweepRecorded(
                CountSweepRecorded {
                    count_task_id: "CT-1".into(),
                    round: 1,
                    reader: "RFID-1".into(),
                    location: "SHELF-1".into(),
                    tags: vec![RfidTagRead {
                        epc: tally_events::Bytes(vec![0x30; 12]),
                        decoded_uid: None,
                    }],
                },
            )],
        )
        .unwrap();
    let (status, body) = push_status(&fourth);
    assert_eq!(status, 200, "floor events need no admin: {body}");
    assert_eq!(body["receipts"].as_array().unwrap().len(), 4, "{body}");

    let (code, _, stderr) = cli(&["verify", "--db", db], "");
    assert_eq!(code, 0, "{stderr}");
}

fn loadgen_needs_no_set_up_and_every_event_arrives(db: &str, scratch: &Path) {
    // The server creates the ledger, registering this user's admin key: nothing else to do.
    let server = Server::start(db, &scratch.join("views"));
    let (code, stdout, stderr) = cli(
        &[
            "loadgen",
            "--ledger",
            &server.base,
            "--devices",
            "3",
            "--events",
            "120",
            "--batch",
            "50",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("360 events from 3 devices in "),
        "{stdout}"
    );
    assert!(
        stdout.contains("events/s; raw verify_strict on "),
        "{stdout}"
    );
    let (code, devices, _) = cli(&["devices", "--db", db, "--json"], "");
    assert_eq!(code, 0);
    let rows: Vec<Value> = devices
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row["facility"], "LOADGEN");
        assert_eq!(row["events"], 120);
    }
    let (code, _, stderr) = cli(&["verify", "--db", db], "");
    assert_eq!(code, 0, "{stderr}");
    // Without an admin credential of that ledger: a clear refusal.
    let out = std::process::Command::new(common::devices::BIN)
        .args([
            "loadgen",
            "--ledger",
            &server.base,
            "--devices",
            "1",
            "--events",
            "1",
        ])
        .env(
            tally_ledger::credentials::KEY_FILE_ENV,
            scratch.join("nobody.key"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("admin key file"));
}

/// Runs `work` on the operations tables of the ledger at `db` (a file or a PostgreSQL URL).
fn with_ops(db: &str, work: impl FnOnce(&dyn tally_ledger::ops_store::OpsStore)) {
    if tally_ledger::store::is_postgres_url(db) {
        work(tally_ledger::open_postgres(db).unwrap().store());
    } else {
        work(tally_ledger::open_sqlite(Path::new(db)).unwrap().store());
    }
}

/// A signed GET with a session token, exactly as given (the attacker's tool).
fn session_get(device: &Device, signer: &DomainSigner, token: &str, path: &str) -> (u16, Value) {
    let headers = tally_ledger::auth::sign_request(
        signer,
        &device.origin,
        "GET",
        path,
        tally_ledger::now_unix_ms(),
        b"",
    )
    .unwrap();
    let mut request = device.client.get(format!("{}{path}", device.base));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request
        .header(tally_ledger::auth::HEADER_SESSION, token)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

/// A sign-in request signed at `timestamp`, sent as given; returns the status and body.
fn sign_in_at(device: &Device, body: &[u8], timestamp: i64) -> (u16, Value) {
    let path = "/v1/supervisor/session";
    let headers = tally_ledger::auth::sign_request(
        &device.signer,
        &device.origin,
        "POST",
        path,
        timestamp,
        body,
    )
    .unwrap();
    let mut request = device
        .client
        .post(format!("{}{path}", device.base))
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

fn supervisors_read_their_facility_by_their_own_credentials_only(db: &str, scratch: &Path) {
    use tally_ledger_client::supervisor::Credential;
    let demo = tally_replica::seed::FACILITY;
    let (code, _, stderr) = cli(
        &[
            "demo",
            "seed",
            "--db",
            db,
            "--packages",
            "6",
            "--insecure-test-pin-params",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let add = |facility: &str, badge: &str, role: &str, pin: &str| {
        add_user(db, facility, badge, role, pin)
    };
    add("FAC-B", "S-B", "supervisor", "8642");
    add(demo, "AUD-1", "auditor", "7531");
    add(demo, "LOCK-1", "supervisor", "2468");
    let server = Server::start(db, &scratch.join("views"));
    let device = Device::new(&server, demo);
    device.enroll(&token(db, demo, "dock-1"));
    let second = Device::new(&server, demo);
    second.enroll(&token(db, demo, "dock-2"));
    let other = Device::new(&server, "FAC-B");
    other.enroll(&token(db, "FAC-B", "dock-b"));
    let client = tally_ledger_client::LedgerClient::new(&server.base, &Default::default()).unwrap();
    let origin = device.origin.as_str();
    let (supervisor, _, _, supervisor_pin) = tally_replica::seed::USERS[3];
    let (counter, _, _, counter_pin) = tally_replica::seed::USERS[0];

    // The creator's admin key (an operator credential) reads every facility.
    let admin = tally_events::DomainSigner::new(read_admin_key(&admin_key_file()).unwrap());
    // The projector folds behind ingest: read again until it has folded the whole tree.
    let mut all = client
        .projection_packages(Credential::Operator(&admin), origin, None)
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while all.projected < all.tree_size && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
        all = client
            .projection_packages(Credential::Operator(&admin), origin, None)
            .unwrap();
    }
    assert!(all.items.len() >= 6, "{all:?}");
    let uid = all.items[0].uid.clone();

    // No credential: refused, although the request comes from the ledger's own host.
    for path in ["/v1/projections/packages", "/v1/projections/status"] {
        let response = device
            .client
            .get(format!("{}{path}", server.base))
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: Value = response.json().unwrap();
        assert_eq!(body["error"], "supervisor_only");
    }
    // A device signature alone (no session) is no credential either.
    let response = device.send("GET", "/v1/projections/packages", Vec::new());
    assert_eq!(response.status().as_u16(), 401);

    // A supervisor of the facility signs in on its device and reads that facility only.
    let grant = client
        .supervisor_session(&device.signer, origin, supervisor, supervisor_pin)
        .unwrap();
    assert_eq!(
        (grant.facility.as_str(), grant.role.as_str()),
        (demo, "supervisor")
    );
    assert!(grant.expires_unix_ms > tally_ledger::now_unix_ms());
    let session = Credential::Session {
        device: &device.signer,
        token: &grant.token,
    };
    let mine = client.projection_packages(session, origin, None).unwrap();
    assert_eq!(
        mine.items.len(),
        all.items.iter().filter(|p| p.facility == demo).count()
    );
    assert!(mine.items.iter().all(|p| p.facility == demo));
    client.projection_package(session, origin, &uid).unwrap();
    client.projection_counts(session, origin, None).unwrap();
    client.custody(session, origin, &uid).unwrap();
    refused_as(
        client.projection_packages(session, origin, Some("FAC-B")),
        403,
        "other_facility",
    );
    // An auditor may read too.
    let auditor = client
        .supervisor_session(&second.signer, origin, "AUD-1", "7531")
        .unwrap();
    assert_eq!(auditor.role, "auditor");

    // Another facility's supervisor: unknown on this facility's device; on their own device,
    // their session sees nothing of this facility.
    refused_as(
        client.supervisor_session(&device.signer, origin, "S-B", "8642"),
        403,
        "sign_in_refused",
    );
    let theirs = client
        .supervisor_session(&other.signer, origin, "S-B", "8642")
        .unwrap();
    let theirs = Credential::Session {
        device: &other.signer,
        token: &theirs.token,
    };
    assert!(client
        .projection_packages(theirs, origin, None)
        .unwrap()
        .items
        .is_empty());
    refused_as(
        client.projection_packages(theirs, origin, Some(demo)),
        403,
        "other_facility",
    );
    refused_as(
        client.projection_package(theirs, origin, &uid),
        404,
        "not_found",
    );
    refused_as(
        client.custody_bundle(theirs, origin, &uid),
        404,
        "not_found",
    );

    // A counter with the right PIN, a supervisor with a wrong one, a badge nobody has.
    refused_as(
        client.supervisor_session(&device.signer, origin, counter, counter_pin),
        403,
        "not_supervisor",
    );
    refused_as(
        client.supervisor_session(&device.signer, origin, supervisor, "0000"),
        403,
        "sign_in_refused",
    );
    refused_as(
        client.supervisor_session(&device.signer, origin, "NOBODY", "1234"),
        403,
        "sign_in_refused",
    );

    // One wrong PIN short of the rule (the devices' rule, tally_events::pin::LOCKOUT) does
    // not lock the badge: the right PIN still opens a session (and forgets the wrong ones).
    let rule = tally_events::pin::LOCKOUT;
    assert_eq!(tally_ledger::supervisor::LOCKOUT_MS, rule.window_ms);
    for _ in 1..rule.wrong_pins {
        refused_as(
            client.supervisor_session(&device.signer, origin, "LOCK-1", "1111"),
            403,
            "sign_in_refused",
        );
    }
    client
        .supervisor_session(&device.signer, origin, "LOCK-1", "2468")
        .unwrap();
    // The rule's count of wrong PINs locks the badge out, the right PIN included.
    for _ in 0..rule.wrong_pins {
        refused_as(
            client.supervisor_session(&device.signer, origin, "LOCK-1", "1111"),
            403,
            "sign_in_refused",
        );
    }
    refused_as(
        client.supervisor_session(&device.signer, origin, "LOCK-1", "2468"),
        403,
        "sign_in_locked",
    );

    // A forged signature: the device's id with another key's signature.
    let forger = tally_events::DomainSigner::new(tally_events::DeviceKey::from_seed([0x66; 32]));
    let forged = tally_ledger::auth::sign_request(
        &forger,
        origin,
        "GET",
        "/v1/projections/packages",
        tally_ledger::now_unix_ms(),
        b"",
    )
    .unwrap();
    let mut request = device
        .client
        .get(format!("{}/v1/projections/packages", server.base))
        .header(tally_ledger::auth::HEADER_SESSION, &grant.token);
    for (name, value) in forged {
        let value = if name == tally_ledger::auth::HEADER_DEVICE {
            device.signer.device_id().to_string()
        } else {
            value
        };
        request = request.header(name, value);
    }
    let response = request.send().unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        response.json::<Value>().unwrap()["error"],
        "unauthenticated"
    );
    // The token presented by another device of the facility (its own valid signature).
    let (status, body) = session_get(
        &second,
        &second.signer,
        &grant.token,
        "/v1/projections/packages",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("session_invalid")),
        "{body}"
    );
    // A token the ledger never issued.
    let (status, body) = session_get(
        &device,
        &device.signer,
        &"ab".repeat(32),
        "/v1/projections/status",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("session_invalid")),
        "{body}"
    );

    // A sign-in request sent again: the second answer is a refusal. One too old is refused.
    let body =
        serde_json::to_vec(&serde_json::json!({ "badge": supervisor, "pin": supervisor_pin }))
            .unwrap();
    let now = tally_ledger::now_unix_ms();
    let (status, first) = sign_in_at(&device, &body, now);
    assert_eq!(status, 200, "{first}");
    let (status, again) = sign_in_at(&device, &body, now);
    assert_eq!(
        (status, again["error"].as_str()),
        (401, Some("replayed_request")),
        "{again}"
    );
    let (status, stale) = sign_in_at(&device, &body, now - 10 * 60 * 1000);
    assert_eq!(
        (status, stale["error"].as_str()),
        (401, Some("stale_request")),
        "{stale}"
    );

    // An expired session (its end moved into the past at the ledger).
    let token = "cd".repeat(32);
    with_ops(db, |ops| {
        use sha2::Digest as _;
        let now = tally_ledger::now_unix_ms();
        assert!(ops
            .insert_session(&tally_ledger::ops_store::SessionRow {
                token_sha256: sha2::Sha256::digest(token.as_bytes()).into(),
                request_sha256: [0x11; 32],
                device_id: device.signer.device_id().0,
                facility: demo.into(),
                badge: supervisor.into(),
                role: "supervisor".into(),
                created_unix_ms: now - tally_ledger::supervisor::SESSION_TTL_MS - 1,
                expires_unix_ms: now - 1,
            })
            .unwrap());
    });
    let (status, body) = session_get(&device, &device.signer, &token, "/v1/projections/status");
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("session_expired")),
        "{body}"
    );

    // A deactivated user: the open session ends at once and a new sign-in is refused.
    let (code, _, stderr) = cli(
        &[
            "user",
            "deactivate",
            "--db",
            db,
            "--facility",
            demo,
            "--badge",
            supervisor,
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    refused_as(
        client.projection_status(session, origin),
        401,
        "session_invalid",
    );
    refused_as(
        client.supervisor_session(&device.signer, origin, supervisor, supervisor_pin),
        403,
        "sign_in_refused",
    );

    // A revoked device: its sessions end and it opens no more.
    let auditor_session = Credential::Session {
        device: &second.signer,
        token: &auditor.token,
    };
    client.projection_status(auditor_session, origin).unwrap();
    let (code, _, stderr) = cli(
        &[
            "revoke",
            "--db",
            db,
            "--device",
            &second.signer.device_id().to_string(),
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    refused_as(
        client.projection_status(auditor_session, origin),
        403,
        "revoked",
    );
    refused_as(
        client.supervisor_session(&second.signer, origin, "AUD-1", "7531"),
        403,
        "revoked",
    );
}

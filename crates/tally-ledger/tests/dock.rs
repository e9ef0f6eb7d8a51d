//! The Supervisor dock view (`GET /v1/projections/devices`) with the real binary over
//! loopback, on both backends: devices pushing through the client crate (with and without the
//! waiting count), a refused push, a fork, a count waiting for review; read by a supervisor
//! session of the facility and by the operator credential; and every other caller refused.

mod common;

use std::path::Path;

use common::devices::{add_user, admin_key_file, cli, token, Server};
use common::{chain, fork_of, on_both_backends, refused_as, FACILITY};
use serde_json::Value;
use tally_events::payload::{CountLineRecorded, CountSubmitted};
use tally_events::{ChainWriter, DeviceKey, DomainSigner, Payload, Quantity, SignedEvent};
use tally_ledger::credentials::read_admin_key;
use tally_ledger_client::projections::{DockDeviceView, DockView};
use tally_ledger_client::supervisor::Credential;
use tally_ledger_client::LedgerClient;

on_both_backends!(
    the_dock_view_shows_each_devices_backlog_sync_forks_errors_and_the_variances_waiting,
    the_dock_view_is_refused_to_anyone_but_a_supervisor_of_the_facility,
);

const OTHER_FACILITY: &str = "C11-0000999-LIC";
const UNKNOWN_UID: &str = "1A4FF0100000099000000001";

fn signer(key: &DeviceKey) -> DomainSigner {
    DomainSigner::new(DeviceKey::from_seed(key.seed()))
}

/// A device's chain whose last two events are a count line for a package the ledger has no
/// stock for and the round's submission: a variance waiting for review.
fn chain_with_a_count(key: &DeviceKey, n: usize) -> Vec<SignedEvent> {
    let mut events = chain(key, FACILITY, n);
    let head = events.last().unwrap();
    let mut writer = ChainWriter::resume(
        DeviceKey::from_seed(key.seed()),
        head.facility(),
        head.seq(),
        head.record_hash(),
    )
    .unwrap();
    let clock = common::clock();
    clock.advance_ms(100_000);
    for payload in [
        Payload::CountLineRecorded(CountLineRecorded {
            count_task_id: "CT-DOCK".into(),
            round: 1,
            location: "SHELF-3".into(),
            uid: UNKNOWN_UID.into(),
            quantity: Quantity::Units(4),
        }),
        Payload::CountSubmitted(CountSubmitted {
            count_task_id: "CT-DOCK".into(),
            round: 1,
            lines: 1,
        }),
    ] {
        clock.advance_ms(1_000);
        events.push(writer.append(&clock, "B-1042", payload).unwrap());
    }
    events
}

fn records(events: &[SignedEvent]) -> Vec<Vec<u8>> {
    events.iter().map(|e| e.as_bytes().to_vec()).collect()
}

struct Site {
    _server: Server,
    client: LedgerClient,
    origin: String,
    a: DeviceKey,
    b: DeviceKey,
    c: DeviceKey,
    d: DeviceKey,
    e: DeviceKey,
}

/// Five devices: a, b, c, d of the facility, e of another; a supervisor of each facility.
fn site(db: &str, scratch: &Path) -> Site {
    let server = Server::start(db, &scratch.join("views"));
    let client = LedgerClient::new(&server.base, &Default::default()).unwrap();
    let origin = client.info().unwrap().origin;
    let keys: Vec<DeviceKey> = (1..=5u8).map(|i| DeviceKey::from_seed([i; 32])).collect();
    for (key, facility, name) in [
        (&keys[0], FACILITY, "dock-a"),
        (&keys[1], FACILITY, "dock-b"),
        (&keys[2], FACILITY, "dock-c"),
        (&keys[3], FACILITY, "dock-d"),
        (&keys[4], OTHER_FACILITY, "dock-e"),
    ] {
        client
            .enroll(&signer(key), &origin, &token(db, facility, name))
            .unwrap();
    }
    add_user(db, FACILITY, "S-1", "supervisor", "2468");
    add_user(db, FACILITY, "C-1", "operator", "1357");
    add_user(db, OTHER_FACILITY, "S-9", "supervisor", "8642");
    let [a, b, c, d, e] = <[DeviceKey; 5]>::try_from(keys).ok().unwrap();
    Site {
        _server: server,
        client,
        origin,
        a,
        b,
        c,
        d,
        e,
    }
}

/// The view once the projections cover the whole log.
fn settled(site: &Site, who: Credential<'_>, facility: Option<&str>) -> DockView {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let view = site
            .client
            .projection_devices(who, &site.origin, facility)
            .unwrap();
        if view.projected == view.tree_size {
            return view;
        }
        assert!(std::time::Instant::now() < deadline, "stuck at {view:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn row<'a>(view: &'a DockView, key: &DeviceKey) -> &'a DockDeviceView {
    let id = key.device_id().to_string();
    view.devices
        .iter()
        .find(|d| d.device_id == id)
        .unwrap_or_else(|| panic!("{id} not in {view:?}"))
}

fn the_dock_view_shows_each_devices_backlog_sync_forks_errors_and_the_variances_waiting(
    db: &str,
    scratch: &Path,
) {
    let site = site(db, scratch);
    let (client, origin) = (&site.client, site.origin.as_str());

    // a: 8 events waiting, 5 pushed (receipts 5): 3 left at the device.
    let a_chain = chain_with_a_count(&site.a, 6);
    let answer = client
        .push_reporting(&signer(&site.a), origin, &records(&a_chain[..5]), Some(8))
        .unwrap();
    assert!(answer.refused.is_none() && answer.receipts.len() == 5);
    // b: 3 of 10 accepted, then a gap refused (its backlog stays what it said).
    let b_chain = chain(&site.b, FACILITY, 10);
    client
        .push_reporting(&signer(&site.b), origin, &records(&b_chain[..3]), Some(10))
        .unwrap();
    let before_gap = tally_ledger::now_unix_ms();
    let answer = client
        .push_reporting(&signer(&site.b), origin, &records(&b_chain[5..7]), Some(7))
        .unwrap();
    assert_eq!(answer.refused.as_ref().unwrap().error, "gap");
    // c: pushed, then a fork (kept as evidence; the device refused from then on).
    let c_chain = chain(&site.c, FACILITY, 3);
    client
        .push_reporting(&signer(&site.c), origin, &records(&c_chain), Some(3))
        .unwrap();
    let forked = fork_of(&site.c, &c_chain, 2);
    let answer = client
        .push_reporting(&signer(&site.c), origin, &records(&[forked]), Some(1))
        .unwrap();
    assert_eq!(answer.refused.as_ref().unwrap().error, "fork");
    // d: an older client that does not say what is waiting.
    client
        .push(
            &signer(&site.d),
            origin,
            &records(&chain(&site.d, FACILITY, 2)),
        )
        .unwrap();
    // e: another facility.
    client
        .push_reporting(
            &signer(&site.e),
            origin,
            &records(&chain(&site.e, OTHER_FACILITY, 4)),
            Some(4),
        )
        .unwrap();

    // The supervisor signs in on device a and reads the facility's dock.
    let grant = client
        .supervisor_session(&signer(&site.a), origin, "S-1", "2468")
        .unwrap();
    let a_signer = signer(&site.a);
    let session = Credential::Session {
        device: &a_signer,
        token: &grant.token,
    };
    let view = settled(&site, session, None);
    assert_eq!(view.devices.len(), 4, "{view:?}");
    assert!(view.devices.iter().all(|d| d.facility == FACILITY));
    let names: Vec<&str> = view.devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["dock-a", "dock-b", "dock-c", "dock-d"]);
    // The count line for a package without stock on record, in a submitted round.
    assert_eq!(view.variances_waiting, 0, "a's count is not pushed yet");

    let a = row(&view, &site.a);
    assert_eq!((a.events, a.backlog, a.forks), (5, Some(3), 0));
    assert!(a.last_sync_unix_ms.is_some() && a.last_error.is_none());
    assert_eq!(a.last_push_unix_ms, a.last_sync_unix_ms);

    let b = row(&view, &site.b);
    assert_eq!((b.events, b.backlog, b.forks), (3, Some(7), 0));
    let error = b.last_error.as_ref().unwrap();
    assert_eq!(error.error, "gap");
    assert!(!error.message.is_empty() && !error.message_es.is_empty());
    assert!(error.unix_ms >= before_gap);
    // The last push was the refused one; the last sync is the accepted one before it.
    assert_eq!(b.last_push_unix_ms, Some(error.unix_ms));
    assert!(b.last_sync_unix_ms.unwrap() <= before_gap);

    let c = row(&view, &site.c);
    assert_eq!((c.events, c.forks), (3, 1));
    assert_eq!(c.last_error.as_ref().unwrap().error, "fork");
    assert!(!c.revoked);

    let d = row(&view, &site.d);
    assert_eq!((d.events, d.backlog), (2, None));
    assert!(d.last_sync_unix_ms.is_some());

    // a pushes the rest, the count among it: 0 left, one variance waiting for review.
    client
        .push_reporting(&signer(&site.a), origin, &records(&a_chain[5..]), Some(3))
        .unwrap();
    let view = settled(&site, session, None);
    assert_eq!(view.variances_waiting, 1);
    let a = row(&view, &site.a);
    assert_eq!((a.events, a.backlog), (8, Some(0)));
    // A revoked device stays listed, marked.
    let (code, _, stderr) = cli(
        &[
            "revoke",
            "--db",
            db,
            "--device",
            &site.d.device_id().to_string(),
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let view = settled(&site, session, Some(FACILITY));
    assert!(row(&view, &site.d).revoked);

    // The operator credential reads every facility (or one).
    let admin = DomainSigner::new(read_admin_key(&admin_key_file()).unwrap());
    let all = settled(&site, Credential::Operator(&admin), None);
    assert_eq!(all.devices.len(), 5);
    assert_eq!(all.variances_waiting, 1);
    assert_eq!(row(&all, &site.e).backlog, Some(0));
    let other = settled(&site, Credential::Operator(&admin), Some(OTHER_FACILITY));
    assert_eq!(other.devices.len(), 1);
    assert_eq!(other.variances_waiting, 0);
}

/// A signed GET of the dock view with the given headers added (the attacker's tool).
fn get_signed(site: &Site, signer: &DomainSigner, token: Option<&str>, path: &str) -> (u16, Value) {
    let headers = tally_ledger::auth::sign_request(
        signer,
        &site.origin,
        "GET",
        path,
        tally_ledger::now_unix_ms(),
        b"",
    )
    .unwrap();
    let mut request =
        reqwest::blocking::Client::new().get(format!("{}{path}", site.client.base_url()));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(token) = token {
        request = request.header(tally_ledger::auth::HEADER_SESSION, token);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

fn the_dock_view_is_refused_to_anyone_but_a_supervisor_of_the_facility(db: &str, scratch: &Path) {
    let site = site(db, scratch);
    let (client, origin) = (&site.client, site.origin.as_str());
    client
        .push_reporting(
            &signer(&site.a),
            origin,
            &records(&chain(&site.a, FACILITY, 3)),
            Some(3),
        )
        .unwrap();
    let path = "/v1/projections/devices";

    // No credential at all, from the ledger's own host.
    let response = reqwest::blocking::Client::new()
        .get(format!("{}{path}", client.base_url()))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        response.json::<Value>().unwrap()["error"],
        "supervisor_only"
    );
    // A device key alone (an enrolled device's valid signature, no session).
    let (status, body) = get_signed(&site, &signer(&site.a), None, path);
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("supervisor_only"))
    );
    // A device key presented as an operator credential.
    let signed = tally_ledger::auth::sign_request(
        &signer(&site.a),
        origin,
        "GET",
        path,
        tally_ledger::now_unix_ms(),
        b"",
    )
    .unwrap();
    let mut request = reqwest::blocking::Client::new().get(format!("{}{path}", client.base_url()));
    for (name, value) in signed {
        let name = if name == tally_ledger::auth::HEADER_DEVICE {
            tally_ledger::credentials::HEADER_OPERATOR
        } else {
            name
        };
        request = request.header(name, value);
    }
    let status = request.send().unwrap().status().as_u16();
    assert!(status == 401 || status == 403, "{status}");
    // A counter of the facility cannot open a session.
    refused_as(
        client.supervisor_session(&signer(&site.a), origin, "C-1", "1357"),
        403,
        "not_supervisor",
    );

    // Another facility's supervisor, signed in on their own device: sees their facility only,
    // and asking for this one is refused.
    let theirs = client
        .supervisor_session(&signer(&site.e), origin, "S-9", "8642")
        .unwrap();
    let e_signer = signer(&site.e);
    let them = Credential::Session {
        device: &e_signer,
        token: &theirs.token,
    };
    let view = client.projection_devices(them, origin, None).unwrap();
    assert_eq!(view.devices.len(), 1);
    assert_eq!(view.devices[0].facility, OTHER_FACILITY);
    refused_as(
        client.projection_devices(them, origin, Some(FACILITY)),
        403,
        "other_facility",
    );
    // Their token presented with this facility's device signature.
    let (status, body) = get_signed(&site, &signer(&site.a), Some(&theirs.token), path);
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("session_invalid"))
    );

    // An expired session (its end moved into the past at the ledger).
    let token = "cd".repeat(32);
    let insert = |ops: &dyn tally_ledger::ops_store::OpsStore| {
        use sha2::Digest as _;
        let now = tally_ledger::now_unix_ms();
        assert!(ops
            .insert_session(&tally_ledger::ops_store::SessionRow {
                token_sha256: sha2::Sha256::digest(token.as_bytes()).into(),
                request_sha256: [0x22; 32],
                device_id: site.a.device_id().0,
                facility: FACILITY.into(),
                badge: "S-1".into(),
                role: "supervisor".into(),
                created_unix_ms: now - tally_ledger::supervisor::SESSION_TTL_MS - 1,
                expires_unix_ms: now - 1,
            })
            .unwrap());
    };
    if tally_ledger::store::is_postgres_url(db) {
        insert(tally_ledger::open_postgres(db).unwrap().store());
    } else {
        insert(tally_ledger::open_sqlite(Path::new(db)).unwrap().store());
    }
    let (status, body) = get_signed(&site, &signer(&site.a), Some(&token), path);
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("session_expired"))
    );

    // The facility's own supervisor reads it.
    let grant = client
        .supervisor_session(&signer(&site.a), origin, "S-1", "2468")
        .unwrap();
    let a_signer = signer(&site.a);
    let view = client
        .projection_devices(
            Credential::Session {
                device: &a_signer,
                token: &grant.token,
            },
            origin,
            None,
        )
        .unwrap();
    assert_eq!(view.devices.len(), 4);
    assert_eq!(row(&view, &site.a).backlog, Some(0));
    assert!(view.devices.iter().all(|d| d.facility == FACILITY));
}

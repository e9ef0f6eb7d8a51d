//! PINs, tried as an attacker would: from an export, from a copied database without the key,
//! by enumerating badges, by guessing until locked out, and by unlocking without the right.
//! Every test runs against a real replica file (the shared fixture: users defined by
//! `user_defined_v2` events, verifiers stored as the ledger sends them, cheap parameters).

use std::rc::Rc;

use sha2::{Digest as _, Sha256};
use tally_events::payload::{Role, UserDefined, UserDefinedV2};
use tally_events::pin::{self, PinParams, PinVerifier};
use tally_events::{Clock, KeyFile, ManualClock, Payload, SignedEvent, Timestamp};
use tally_replica::pins::{IssuedVerifier, LOCKOUT_MS, WRONG_PINS_BEFORE_LOCKOUT};
use tally_replica::refusal::Language;
use tally_replica::{stats, Refusal, Replica, ReplicaError};
use tally_testkit::*;

/// A clock the test keeps a handle on after handing it to the replica.
struct SharedClock(Rc<ManualClock>);

impl Clock for SharedClock {
    fn now(&self) -> Timestamp {
        self.0.now()
    }
}

/// The fixture, reopened on a clock the test can move.
fn fixture_with_clock() -> (Fixture, Rc<ManualClock>) {
    let f = fixture();
    let clock = Rc::new(ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_000_100_000,
        boot_id: [7; 16],
        since_boot_us: 5_000,
    }));
    let (db, key) = (f.db(), f.key());
    // One process signs with a key at a time: the fixture's replica closes first.
    let Fixture {
        dir,
        key_dir,
        replica,
    } = f;
    drop(replica);
    let replica = Replica::open(&db, &key, Box::new(SharedClock(clock.clone()))).unwrap();
    (
        Fixture {
            dir,
            key_dir,
            replica,
        },
        clock,
    )
}

/// The attack of issue 11 on the old format: SHA-256(salt ‖ badge ‖ 0 ‖ PIN) for every
/// 4-digit PIN against every `sha256:salt:digest` string found in an event.
fn legacy_crack(badge: &str, candidate: &str) -> Option<String> {
    let mut parts = candidate.split(':');
    let (Some("sha256"), Some(salt), Some(digest)) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let salt = hex::decode(salt).ok()?;
    (0..10_000).map(|n| format!("{n:04}")).find(|pin| {
        let mut h = Sha256::new();
        h.update(&salt);
        h.update(badge.as_bytes());
        h.update([0u8]);
        h.update(pin.as_bytes());
        hex::encode(h.finalize()) == digest
    })
}

fn legacy_hash(badge: &str, pin: &str) -> String {
    let salt = [3u8; 16];
    let mut h = Sha256::new();
    h.update(salt);
    h.update(badge.as_bytes());
    h.update([0u8]);
    h.update(pin.as_bytes());
    format!("sha256:{}:{}", hex::encode(salt), hex::encode(h.finalize()))
}

/// Every string value in a JSON tree.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// What an attacker with an export tries: every string of every event (as the JSON view
/// shows it, and every raw payload) as a legacy hash or an Argon2id verifier, for every badge.
fn crack_export(export: &[u8], badges: &[&str]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for record in tally_events::read_export(export).unwrap() {
        let event = SignedEvent::from_bytes(record).unwrap();
        let mut candidates = Vec::new();
        strings(&serde_json::to_value(&event).unwrap(), &mut candidates);
        if let Ok(Payload::UserDefined(u)) = event.payload() {
            // The attacker decodes the bytes, not the JSON view.
            candidates.push(u.pin_hash);
        }
        for candidate in candidates {
            for badge in badges {
                if let Some(pin) = legacy_crack(badge, &candidate) {
                    found.push(((*badge).to_owned(), pin));
                }
                if let Ok(v) = PinVerifier::parse(&candidate) {
                    for n in 0..10_000 {
                        let guess = format!("{n:04}");
                        if pin::hash_guess(&v.params, &v.salt, &guess).unwrap() == v.output {
                            found.push(((*badge).to_owned(), guess));
                        }
                    }
                }
            }
        }
    }
    found
}

fn export(f: &Fixture) -> Vec<u8> {
    let mut out = Vec::new();
    f.replica.export_log(&mut out).unwrap();
    out
}

#[test]
fn an_export_holds_no_pin_material_and_brute_force_over_it_finds_nothing() {
    let mut f = fixture();
    f.session("B1", "1111");
    let _ = f.replica.sign_in("B2", "0000");
    let bytes = export(&f);
    let badges: Vec<&str> = USERS.iter().map(|(b, _, _)| *b).collect();
    assert_eq!(crack_export(&bytes, &badges), vec![]);
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("argon2") && !text.contains("sha256:"));
    // Users are defined by the kind without PIN material; no event of the old kind is recorded.
    let kinds: Vec<u16> = tally_events::read_export(&bytes[..])
        .unwrap()
        .into_iter()
        .map(|r| SignedEvent::from_bytes(r).unwrap().payload_kind())
        .collect();
    assert!(kinds.contains(&270) && !kinds.contains(&265), "{kinds:?}");

    // The same attack on a log with an old user event recovers its PIN in a moment: the loop
    // above is a real attack, and old logs stay exposed (their PINs must be changed).
    f.stock(vec![Payload::UserDefined(UserDefined {
        badge: "OLD1".into(),
        name: "Old user".into(),
        role: Role::Operator,
        pin_hash: legacy_hash("OLD1", "7731"),
        active: true,
    })]);
    assert_eq!(
        crack_export(&export(&f), &["OLD1"]),
        vec![("OLD1".to_owned(), "7731".to_owned())]
    );
}

#[test]
fn an_old_user_event_defines_the_user_but_its_pin_hash_never_signs_in() {
    let mut f = fixture();
    f.stock(vec![Payload::UserDefined(UserDefined {
        badge: "OLD1".into(),
        name: "Old user".into(),
        role: Role::Supervisor,
        pin_hash: legacy_hash("OLD1", "7731"),
        active: true,
    })]);
    let role: String = f
        .replica
        .view()
        .query_row("SELECT role FROM users WHERE badge = 'OLD1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(role, "supervisor");
    assert_eq!(
        refusal(f.replica.sign_in("OLD1", "7731")),
        Refusal::SignInRefused {
            badge: "OLD1".into()
        }
    );
    // The view has no column for it at all.
    let columns: Vec<String> = f
        .replica
        .view()
        .prepare("SELECT name FROM pragma_table_info('users')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!columns.iter().any(|c| c.contains("pin")), "{columns:?}");
    // Once the ledger sends a verifier, the new PIN works.
    let phc = pin::make_verifier(&PinParams::TEST, "2468", &mut rand_core::OsRng).unwrap();
    f.replica
        .store_pin_verifiers(&[IssuedVerifier {
            badge: "OLD1".into(),
            phc,
        }])
        .unwrap();
    assert_eq!(f.session("OLD1", "2468").role, Role::Supervisor);
}

#[test]
fn a_copied_database_without_the_key_cannot_check_a_guess() {
    let mut f = fixture();
    let phc = pin::make_verifier(&PinParams::TEST, "8642", &mut rand_core::OsRng).unwrap();
    f.replica
        .store_pin_verifiers(&[IssuedVerifier {
            badge: "B3".into(),
            phc: phc.clone(),
        }])
        .unwrap();
    f.replica
        .view()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let stolen_dir = tempfile::tempdir().unwrap();
    let stolen = stolen_dir.path().join("copy.db");
    std::fs::copy(f.db(), &stolen).unwrap();
    let conn = rusqlite::Connection::open(&stolen).unwrap();
    let (m, t, p, salt, sealed): (u32, u32, u32, Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT m_cost_kib, t_cost, p_cost, salt, sealed FROM pin_verifiers WHERE badge = 'B3'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    let params = PinParams {
        m_cost_kib: m,
        t_cost: t,
        p_cost: p,
    };
    let salt: [u8; 16] = salt.try_into().unwrap();
    let issued = PinVerifier::parse(&phc).unwrap();
    assert_eq!(
        (params, salt),
        (issued.params, issued.salt),
        "salt and params are in the copy"
    );
    // What the attacker can compute without the key: the Argon2id output of every guess, and
    // seals under anything public (the device id, the database's own contents).
    let device = f.replica.device();
    let public_peppers = [
        tally_events::PinPepper::from_bytes([0; 32]),
        tally_events::PinPepper::from_bytes(*device.as_bytes()),
        tally_events::PinPepper::from_bytes(Sha256::digest(device.as_bytes()).into()),
    ];
    let mut hits = Vec::new();
    for n in 0..10_000 {
        let guess = format!("{n:04}");
        let output = pin::hash_guess(&params, &salt, &guess).unwrap();
        if output[..] == sealed[..]
            || public_peppers
                .iter()
                .any(|p| p.opens("B3", &output, &sealed))
        {
            hits.push(guess);
        }
    }
    assert_eq!(
        hits,
        Vec::<String>::new(),
        "a guess was checked without the key"
    );
    // Nowhere in the copied file is the Argon2id output itself.
    let raw = std::fs::read(&stolen).unwrap();
    assert!(!raw.windows(32).any(|w| w == issued.output));
    // With the key file the same row checks the right PIN: the test above can succeed.
    let key = KeyFile::decode(&std::fs::read(f.key()).unwrap()).unwrap();
    let output = pin::hash_guess(&params, &salt, "8642").unwrap();
    assert!(key.key().pin_pepper().opens("B3", &output, &sealed));
}

#[test]
fn unknown_badge_wrong_pin_inactive_user_and_missing_verifier_get_one_refusal() {
    let mut f = fixture();
    // A user the ledger defined but sent no verifier for, and an inactive one.
    f.stock(vec![
        Payload::UserDefinedV2(UserDefinedV2 {
            badge: "B4".into(),
            name: "No verifier".into(),
            role: Role::Operator,
            active: true,
        }),
        Payload::UserDefinedV2(UserDefinedV2 {
            badge: "B3".into(),
            name: "Gone".into(),
            role: Role::Operator,
            active: false,
        }),
    ]);
    let before = f.events();
    let tries = [
        ("B1", "0000"), // known badge, wrong PIN
        ("B9", "0000"), // unknown badge
        ("B9", "1111"), // unknown badge, someone's PIN
        ("B4", "1111"), // no verifier
        ("B3", "3333"), // inactive, right PIN
        ("B2", "11"),   // malformed PIN
        ("S2", "9"),    // too short
    ];
    let mut english = std::collections::BTreeSet::new();
    let mut spanish = std::collections::BTreeSet::new();
    for (badge, pin) in tries {
        let r = refusal(f.replica.sign_in(badge, pin));
        assert_eq!(
            r,
            Refusal::SignInRefused {
                badge: badge.into()
            }
        );
        english.insert(r.message(Language::English).replace(badge, "<badge>"));
        spanish.insert(r.message(Language::Spanish).replace(badge, "<badge>"));
        // The witness path answers the same (each badge stays below the lockout).
        assert_eq!(refusal(f.replica.witness(badge, pin)), r);
    }
    // A badge of any length and script is refused the same way (and locks out like any other).
    let long = "ñ".repeat(300);
    for _ in 0..WRONG_PINS_BEFORE_LOCKOUT - 1 {
        assert!(matches!(
            refusal(f.replica.sign_in(&long, "1111")),
            Refusal::SignInRefused { .. }
        ));
    }
    assert!(matches!(
        refusal(f.replica.sign_in(&long, "1111")),
        Refusal::BadgeLockedOut { .. }
    ));
    assert_eq!(english.len(), 1, "{english:?}");
    assert_eq!(spanish.len(), 1, "{spanish:?}");
    assert_eq!(f.events(), before + 1, "only the lockout was recorded");
}

#[test]
fn five_wrong_pins_lock_a_badge_with_a_signed_event_even_against_the_right_pin() {
    let (mut f, clock) = fixture_with_clock();
    let before = f.events();
    for n in 1..WRONG_PINS_BEFORE_LOCKOUT {
        assert_eq!(
            refusal(f.replica.sign_in("B1", &format!("{n:04}"))),
            Refusal::SignInRefused { badge: "B1".into() }
        );
    }
    assert_eq!(f.events(), before);
    let locked = refusal(f.replica.sign_in("B1", "0005"));
    assert_eq!(locked, Refusal::BadgeLockedOut { badge: "B1".into() });
    assert!(locked.to_string().contains("ask a supervisor to unlock"));
    assert!(locked
        .message(Language::Spanish)
        .contains("pida a un supervisor que lo desbloquee"));
    assert_eq!(f.events(), before + 1, "the lockout is one signed event");
    let (actor, bytes): (String, Vec<u8>) = f
        .replica
        .view()
        .query_row(
            "SELECT actor, bytes FROM event_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(actor, "B1");
    let event = SignedEvent::from_bytes(bytes).unwrap();
    event.verify().unwrap();
    match event.payload().unwrap() {
        Payload::UserLockedOut(l) => {
            assert_eq!(l.badge, "B1");
            assert_eq!(l.failed_attempts, WRONG_PINS_BEFORE_LOCKOUT);
            assert_eq!(
                l.locked_until_unix_ms,
                clock.now().wall_unix_ms + LOCKOUT_MS
            );
        }
        other => panic!("{other:?}"),
    }
    // The right PIN is refused while locked, and attempts while locked record nothing.
    for pin in ["1111", "0006", "1111"] {
        assert_eq!(
            refusal(f.replica.sign_in("B1", pin)),
            Refusal::BadgeLockedOut { badge: "B1".into() }
        );
        assert_eq!(
            refusal(f.replica.witness("B1", pin)),
            Refusal::BadgeLockedOut { badge: "B1".into() }
        );
    }
    assert_eq!(f.events(), before + 1);
    // Facility time, not attempts, ends it: one millisecond early is still locked.
    clock.advance_ms(LOCKOUT_MS as u64 - 1);
    assert!(f.replica.sign_in("B1", "1111").is_err());
    clock.advance_ms(1);
    f.session("B1", "1111");
    // The lockout is in the view, and the view is still what a replay gives.
    assert_eq!(
        stats::view_digest(f.replica.view()).unwrap(),
        stats::replay_digest(f.replica.view()).unwrap()
    );
}

#[test]
fn a_good_pin_resets_the_count_of_wrong_ones() {
    let mut f = fixture();
    for _ in 0..WRONG_PINS_BEFORE_LOCKOUT - 1 {
        let _ = f.replica.sign_in("B2", "9999");
    }
    f.session("B2", "2222");
    for _ in 0..WRONG_PINS_BEFORE_LOCKOUT - 1 {
        assert_eq!(
            refusal(f.replica.sign_in("B2", "9999")),
            Refusal::SignInRefused { badge: "B2".into() }
        );
    }
    f.session("B2", "2222");
}

#[test]
fn an_unknown_badge_locks_out_the_same_way_so_lockouts_do_not_enumerate() {
    let mut f = fixture();
    let mut answers = Vec::new();
    for badge in ["B1", "NOBODY"] {
        let seen: Vec<String> = (0..WRONG_PINS_BEFORE_LOCKOUT + 1)
            .map(|_| {
                refusal(f.replica.sign_in(badge, "0000"))
                    .to_string()
                    .replace(badge, "<badge>")
            })
            .collect();
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    let lockouts: i64 = f
        .replica
        .view()
        .query_row(
            "SELECT count(*) FROM event_log WHERE kind = 4 AND actor IN ('B1', 'NOBODY')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lockouts, 2);
}

#[test]
fn only_another_unlocked_supervisor_can_unlock_a_badge() {
    let mut f = fixture();
    let operator = f.session("B2", "2222");
    let s1 = f.session("S1", "4444");
    for _ in 0..WRONG_PINS_BEFORE_LOCKOUT {
        let _ = f.replica.sign_in("B1", "0000");
    }
    // An operator cannot unlock.
    assert_eq!(
        refusal(f.replica.unlock(&operator, "B1")),
        Refusal::NotSupervisor { badge: "B2".into() }
    );
    // A supervisor who is locked out (an earlier session still open) cannot unlock anyone,
    // themselves included.
    for _ in 0..WRONG_PINS_BEFORE_LOCKOUT {
        let _ = f.replica.sign_in("S1", "0000");
    }
    assert_eq!(
        refusal(f.replica.unlock(&s1, "S1")),
        Refusal::BadgeLockedOut { badge: "S1".into() }
    );
    assert_eq!(
        refusal(f.replica.unlock(&s1, "B1")),
        Refusal::BadgeLockedOut { badge: "S1".into() }
    );
    assert!(f.replica.sign_in("B1", "1111").is_err());
    // Another supervisor unlocks both; the unlock is a signed event by that supervisor.
    let s2 = f.session("S2", "5555");
    let before = f.events();
    let recorded = f.replica.unlock(&s2, "B1").unwrap();
    assert_eq!(recorded.len(), 1);
    f.replica.unlock(&s2, "S1").unwrap();
    assert_eq!(f.events(), before + 2);
    let (kind, actor): (i64, String) = f
        .replica
        .view()
        .query_row(
            "SELECT kind, actor FROM event_log WHERE seq = ?1",
            [recorded[0].seq as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind, actor.as_str()), (5, "S2"));
    f.session("B1", "1111");
    let s1 = f.session("S1", "4444");
    // Nothing left to unlock; and never one's own badge.
    assert_eq!(
        refusal(f.replica.unlock(&s2, "B1")),
        Refusal::NotLockedOut { badge: "B1".into() }
    );
    assert_eq!(
        refusal(f.replica.unlock(&s1, "S1")),
        Refusal::UnlockOwnBadge { badge: "S1".into() }
    );
    // After an unlock the count starts again: four wrong PINs do not lock.
    for _ in 0..WRONG_PINS_BEFORE_LOCKOUT - 1 {
        let _ = f.replica.sign_in("B1", "0000");
    }
    f.session("B1", "1111");
    assert_eq!(
        stats::view_digest(f.replica.view()).unwrap(),
        stats::replay_digest(f.replica.view()).unwrap()
    );
}

#[test]
fn verifiers_are_outside_the_view_digests_and_snapshots() {
    let mut f = fixture();
    let digest = stats::view_digest(f.replica.view()).unwrap();
    assert_eq!(digest, stats::replay_digest(f.replica.view()).unwrap());
    let phc = pin::make_verifier(&PinParams::TEST, "1357", &mut rand_core::OsRng).unwrap();
    let before = f.events();
    f.replica
        .store_pin_verifiers(&[IssuedVerifier {
            badge: "B1".into(),
            phc,
        }])
        .unwrap();
    assert_eq!(f.events(), before, "storing verifiers records no event");
    assert_eq!(stats::view_digest(f.replica.view()).unwrap(), digest);
    let _ = f.replica.sign_in("B2", "0000");
    assert_eq!(stats::view_digest(f.replica.view()).unwrap(), digest);

    // A snapshot carries no verifier; the device loading one keeps its own.
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap.db");
    tally_replica::replica::write_snapshot(f.replica.view(), &snapshot, 7).unwrap();
    let snap = rusqlite::Connection::open(&snapshot).unwrap();
    for table in ["pin_verifiers", "pin_attempts"] {
        let rows: i64 = snap
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0, "{table} travelled in a snapshot");
    }
    drop(snap);
    let mut other = fixture();
    other.replica.load_snapshot(&snapshot).unwrap();
    other.session("S1", "4444");
    // A rejected batch stores nothing (all or none).
    let err = f.replica.store_pin_verifiers(&[
        IssuedVerifier {
            badge: "B2".into(),
            phc: pin::make_verifier(&PinParams::TEST, "0001", &mut rand_core::OsRng).unwrap(),
        },
        IssuedVerifier {
            badge: "B3".into(),
            phc: "sha256:0303:abcd".into(),
        },
    ]);
    assert!(matches!(err, Err(ReplicaError::PinVerifier { ref badge, .. }) if badge == "B3"));
    f.session("B2", "2222");
}

#[test]
fn upgrading_a_replica_drops_the_pin_hashes_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("old.db")).unwrap();
    conn.execute_batch(include_str!("../../src/migrations/0001_init.sql"))
        .unwrap();
    conn.execute_batch("PRAGMA user_version = 1").unwrap();
    let hash = legacy_hash("B1", "1111");
    conn.execute(
        "INSERT INTO users (badge, name, role, pin_hash, active) VALUES ('B1', 'Ana', 'operator', ?1, 1)",
        [&hash],
    )
    .unwrap();
    tally_replica::db::migrate(&conn).unwrap();
    let (name, role): (String, String) = conn
        .query_row("SELECT name, role FROM users WHERE badge = 'B1'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((name.as_str(), role.as_str()), ("Ana", "operator"));
    assert!(conn
        .query_row("SELECT pin_hash FROM users", [], |r| r.get::<_, String>(0))
        .is_err());
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    let raw = std::fs::read(dir.path().join("old.db")).unwrap();
    let digest = hash.rsplit(':').next().unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains(digest));
}

/// The ledger's PIN list as the sync daemon applies it, from its own connection beside the
/// running app: a badge deactivated at the ledger can no longer sign in (its verifier and its
/// count of wrong PINs are gone), a re-issued PIN replaces the old one, and a badge the list
/// does not mention keeps its verifier.
#[test]
fn a_badge_deactivated_at_the_ledger_cannot_sign_in_after_the_refresh() {
    let mut f = fixture();
    f.session("B1", "1111");
    let _ = f.replica.sign_in("B1", "0000");
    let pepper = tally_replica::keys::read_key_file(&f.key())
        .unwrap()
        .key()
        .pin_pepper();
    let mut daemon = tally_replica::db::open(&f.db()).unwrap();
    let reissued = IssuedVerifier {
        badge: "B3".into(),
        phc: pin::make_verifier(&PinParams::TEST, "3030", &mut rand_core::OsRng).unwrap(),
    };
    let refreshed =
        tally_replica::pins::refresh_from_ledger(&mut daemon, &pepper, &[reissued], &["B1".into()])
            .unwrap();
    assert_eq!((refreshed.stored, refreshed.dropped), (1, 1));
    let leftovers: i64 = f
        .replica
        .view()
        .query_row(
            "SELECT (SELECT count(*) FROM pin_verifiers WHERE badge = 'B1')
                  + (SELECT count(*) FROM pin_attempts WHERE badge = 'B1')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0);
    assert_eq!(
        refusal(f.replica.sign_in("B1", "1111")),
        Refusal::SignInRefused { badge: "B1".into() }
    );
    f.session("B2", "2222");
    assert_eq!(
        refusal(f.replica.sign_in("B3", "3333")),
        Refusal::SignInRefused { badge: "B3".into() }
    );
    f.session("B3", "3030");
}

/// A sync pass gets the whole PIN list from the ledger every time: a refresh with nothing
/// changed writes nothing (SQLite's count of changed rows on the daemon's connection does not
/// move, and an update trigger records nothing), while a re-issued PIN is written once.
#[test]
fn a_pin_refresh_with_nothing_changed_writes_nothing() {
    let mut f = fixture();
    let pepper = tally_replica::keys::read_key_file(&f.key())
        .unwrap()
        .key()
        .pin_pepper();
    let mut daemon = tally_replica::db::open(&f.db()).unwrap();
    daemon
        .execute_batch(
            "CREATE TEMP TABLE pin_writes (badge TEXT);
             CREATE TEMP TRIGGER pin_inserted AFTER INSERT ON main.pin_verifiers
               BEGIN INSERT INTO pin_writes VALUES (NEW.badge); END;
             CREATE TEMP TRIGGER pin_updated AFTER UPDATE ON main.pin_verifiers
               BEGIN INSERT INTO pin_writes VALUES (NEW.badge); END;
             CREATE TEMP TRIGGER pin_deleted AFTER DELETE ON main.pin_verifiers
               BEGIN INSERT INTO pin_writes VALUES (OLD.badge); END;",
        )
        .unwrap();
    let issued = |badge: &str, pin_: &str| IssuedVerifier {
        badge: badge.into(),
        phc: pin::make_verifier(&PinParams::TEST, pin_, &mut rand_core::OsRng).unwrap(),
    };
    let list = vec![issued("B3", "3030"), issued("B2", "2020")];
    let first =
        tally_replica::pins::refresh_from_ledger(&mut daemon, &pepper, &list, &["B9".into()])
            .unwrap();
    assert_eq!((first.stored, first.dropped), (2, 0));
    let writes = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM pin_writes", [], |r| r.get(0))
            .unwrap()
    };
    let written = writes(&daemon);
    let changes = daemon.total_changes();
    // The same list again, as the next pass receives it: nothing is written.
    let again =
        tally_replica::pins::refresh_from_ledger(&mut daemon, &pepper, &list, &["B9".into()])
            .unwrap();
    assert_eq!((again.stored, again.dropped), (0, 0));
    assert_eq!(daemon.total_changes(), changes);
    assert_eq!(writes(&daemon), written);
    // One PIN re-issued (same badge, new salt): that one row only.
    let changed = vec![list[0].clone(), issued("B2", "2121")];
    let third =
        tally_replica::pins::refresh_from_ledger(&mut daemon, &pepper, &changed, &["B9".into()])
            .unwrap();
    assert_eq!((third.stored, third.dropped), (1, 0));
    let badges: Vec<String> = daemon
        .prepare("SELECT badge FROM pin_writes")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(&badges[written as usize..], ["B2"]);
    f.session("B2", "2121");
    f.session("B3", "3030");
}

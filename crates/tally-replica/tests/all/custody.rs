//! Device key custody, tried as an attacker and an unlucky operator would: restored databases
//! (a file copy while the app is closed, a copy of db+wal+shm taken mid-run), restored key
//! files, a key left beside the database, a key readable by others, a leftover temporary file,
//! a failed enrollment, two processes on one key, and re-enrollment that keeps the old chain.

use std::path::{Path, PathBuf};

use tally_events::payload::DeviceEnrolled;
use tally_events::{ChainOptions, KeyFile, Payload, Quantity, Sha256Hash, SignedEvent};
use tally_replica::keys::{self, KeyOptions};
use tally_replica::replica::superseded_events;
use tally_replica::{Replica, ReplicaError};
use tally_testkit::*;

fn enrolled(serial: &str) -> DeviceEnrolled {
    DeviceEnrolled {
        facility: "FAC-1".into(),
        hardware_serial: serial.into(),
        enrollment_token_sha256: Sha256Hash::of(b"token"),
        previous_device: None,
    }
}

fn stock(n: u64) -> Payload {
    active(&t(n), "CART", "CA-L1", Quantity::Units(1), "SHELF-1")
}

fn db_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .collect()
}

/// Copies the database files that exist (db, -wal, -shm) into `to`.
fn copy_db(db: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for file in db_files(db) {
        if file.exists() {
            std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
        }
    }
}

/// Puts back the database files saved by [`copy_db`].
fn restore_db(db: &Path, from: &Path) {
    for file in db_files(db) {
        let _ = std::fs::remove_file(&file);
        let saved = from.join(file.file_name().unwrap());
        if saved.exists() {
            std::fs::copy(&saved, &file).unwrap();
        }
    }
}

fn assert_restore_refused(result: Result<Replica, ReplicaError>) {
    let err = result.unwrap_err();
    assert!(matches!(err, ReplicaError::Restored(_)), "{err}");
    // Said once: what happened and what to do.
    assert_eq!(err.to_string().matches("re-enroll").count(), 1, "{err}");
    assert!(
        err.to_string()
            .contains("restored from a backup: re-enroll"),
        "{err}"
    );
}

#[test]
fn a_database_copied_while_the_app_was_closed_and_restored_inside_the_block_is_refused() {
    let mut f = fixture();
    f.replica.record("B1", vec![stock(1)]).unwrap();
    let (db, key) = (f.db(), f.key());
    drop(f.replica);
    let backup = f.dir.path().join("backup");
    copy_db(&db, &backup);
    // The device keeps working: a few events, well inside the block reserved at this start.
    let mut replica = Replica::open(&db, &key, clock()).unwrap();
    let reserved = KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    replica.record("B1", vec![stock(2)]).unwrap();
    replica.record("B1", vec![stock(3)]).unwrap();
    let head = replica.head().unwrap().seq;
    assert!(head < reserved.reserved_through());
    drop(replica);
    // The backup is put back; the key file (kept in its own directory) is not.
    restore_db(&db, &backup);
    assert_restore_refused(Replica::open(&db, &key, clock()));
    // Refused every time, not only once.
    assert_restore_refused(Replica::open(&db, &key, clock()));
}

fn db_head(db: &Path) -> tally_events::ChainHead {
    let conn = tally_replica::db::open_read_only(db).unwrap();
    let (seq, hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    tally_events::ChainHead {
        seq: seq as u64,
        hash: Sha256Hash(hash.try_into().unwrap()),
    }
}

#[test]
fn the_key_file_holds_the_committed_head_after_every_commit_without_a_clean_shutdown() {
    let mut f = fixture();
    let key = f.key();
    for n in 1..=3 {
        let recorded = f.replica.record("B1", vec![stock(n)]).unwrap()[0];
        // Read by another process's eyes while the app runs: the head slot is current.
        let file = KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
        assert_eq!(
            file.head(),
            Some(tally_events::ChainHead {
                seq: recorded.seq,
                hash: recorded.hash
            })
        );
        // ...but only the slot moved: the durable part is the one of the reservation.
        assert!(file.durable_head().seq < recorded.seq);
    }
    // A clean shutdown writes it durably.
    let head = f.replica.head().unwrap();
    f.replica.close().unwrap();
    let file = KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    assert_eq!(file.durable_head().seq, head.seq);
    assert_eq!(file.durable_head().hash, head.hash);
}

#[test]
fn a_copy_of_db_wal_and_shm_taken_mid_run_and_restored_after_a_crash_is_refused() {
    let mut f = fixture();
    f.replica.record("B1", vec![stock(1)]).unwrap();
    let (db, key) = (f.db(), f.key());
    // Copied while the app runs: the newest events are only in the WAL.
    assert!(Path::new(&format!("{}-wal", db.display())).exists());
    let backup = f.dir.path().join("backup");
    copy_db(&db, &backup);
    f.replica.record("B1", vec![stock(2)]).unwrap();
    // The app dies without a clean shutdown: the key file as it is on disk now is what the
    // next start reads (the head slot written after the last commit).
    let key_at_crash = std::fs::read(&key).unwrap();
    drop(f.replica);
    std::fs::write(&key, &key_at_crash).unwrap();
    restore_db(&db, &backup);
    let file = KeyFile::decode(&key_at_crash).unwrap();
    assert!(file
        .check_database(db_head(&db), None)
        .unwrap_err()
        .to_string()
        .contains("restored from a backup: re-enroll"));
    assert_restore_refused(Replica::open(&db, &key, clock()));
}

#[test]
fn a_mid_run_copy_restored_after_the_app_closed_is_refused() {
    let mut f = fixture();
    f.replica.record("B1", vec![stock(1)]).unwrap();
    let (db, key) = (f.db(), f.key());
    let backup = f.dir.path().join("backup");
    copy_db(&db, &backup);
    f.replica.record("B1", vec![stock(2)]).unwrap();
    drop(f.replica);
    restore_db(&db, &backup);
    assert_restore_refused(Replica::open(&db, &key, clock()));
}

#[test]
fn a_directory_backup_with_the_key_beside_the_database_cannot_sign_seq_n_again() {
    // The old layout: the key beside the database, so a backup of the directory holds both.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hh.db");
    let key = dir.path().join("hh.db.key");
    // The layout itself is refused, and nothing is created.
    let err = Replica::init(&db, &key, clock(), enrolled("HH-1")).unwrap_err();
    assert!(err.to_string().contains("same directory"), "{err}");
    assert!(!db.exists() && !key.exists());
    // A device that was set up that way (explicitly) and backed up as a directory...
    let beside = KeyOptions {
        allow_key_beside_database: true,
    };
    let mut replica = Replica::init_with(&db, &key, clock(), enrolled("HH-1"), &beside).unwrap();
    replica.record("ADMIN", vec![stock(1)]).unwrap();
    drop(replica);
    let backup = tempfile::tempdir().unwrap();
    copy_db(&db, backup.path());
    std::fs::copy(&key, backup.path().join("hh.db.key")).unwrap();
    let mut replica = Replica::open_with(&db, &key, clock(), &beside).unwrap();
    let n = replica.record("ADMIN", vec![stock(2)]).unwrap()[0].seq;
    drop(replica);
    // ...is restored, database and key file together.
    restore_db(&db, backup.path());
    std::fs::copy(backup.path().join("hh.db.key"), &key).unwrap();
    // It does not record: it would sign seq n again.
    let err = Replica::open(&db, &key, clock()).unwrap_err();
    assert!(err.to_string().contains("same directory"), "{err}");
    assert_eq!(
        db_head(&db).seq + 1,
        n,
        "the restored pair would sign {n} next"
    );
}

#[test]
fn a_restored_database_with_the_key_directory_kept_cannot_sign_seq_n_again_and_re_enrolls() {
    let db_dir = tempfile::tempdir().unwrap();
    let key_dir = tempfile::tempdir().unwrap();
    let db = db_dir.path().join("hh.db");
    let options = KeyOptions::default();
    let mut replica =
        Replica::init_in_key_dir(&db, key_dir.path(), clock(), enrolled("HH-1"), &options).unwrap();
    let old_device = replica.device();
    replica.record("ADMIN", vec![stock(1)]).unwrap();
    drop(replica);
    let backup = db_dir.path().join("backup");
    copy_db(&db, &backup);
    // After the backup: N and N+1 are signed; the ledger acknowledges N only.
    let mut replica = Replica::open_in_key_dir(&db, key_dir.path(), clock(), &options).unwrap();
    let n = replica.record("ADMIN", vec![stock(2)]).unwrap()[0];
    replica.acknowledge(n.seq).unwrap();
    replica.record("ADMIN", vec![stock(3)]).unwrap();
    drop(replica);
    restore_db(&db, &backup);
    assert_restore_refused(Replica::open_in_key_dir(
        &db,
        key_dir.path(),
        clock(),
        &options,
    ));

    // Re-enrollment: a new key, a genesis naming the old one; the old chain kept and flagged.
    let before_backup_events = {
        let conn = tally_replica::db::open_read_only(&db).unwrap();
        conn.query_row("SELECT count(*) FROM event_log", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    let mut replica =
        Replica::re_enroll(&db, key_dir.path(), clock(), enrolled("HH-1"), &options).unwrap();
    assert_ne!(replica.device(), old_device);
    assert!(keys::key_path(key_dir.path(), &replica.device()).exists());
    let genesis: Vec<u8> = replica
        .view()
        .query_row("SELECT bytes FROM event_log WHERE seq = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let genesis = SignedEvent::from_bytes(genesis).unwrap();
    match genesis.payload().unwrap() {
        Payload::DeviceEnrolled(e) => assert_eq!(e.previous_device, Some(old_device)),
        other => panic!("genesis is {other:?}"),
    }
    let kept = superseded_events(replica.view(), false).unwrap();
    assert_eq!(kept.len() as i64, before_backup_events);
    assert!(kept.iter().all(|e| e.device == old_device));
    // The restored copy was never acknowledged: every event is flagged for a supervisor.
    let flagged = superseded_events(replica.view(), true).unwrap();
    assert_eq!(flagged.len(), kept.len());
    for event in &kept {
        let signed = SignedEvent::from_bytes(event.bytes.clone()).unwrap();
        signed.verify().unwrap();
        assert_eq!(signed.record_hash(), event.hash);
    }
    // The device records again, on the new chain, and the stock recorded before is still there.
    replica.record("ADMIN", vec![stock(4)]).unwrap();
    assert_eq!(
        replica
            .view()
            .query_row(
                "SELECT count(*) FROM packages WHERE uid IN (?1, ?2)",
                [t(1), t(4)],
                |r| r.get::<_, i64>(0)
            )
            .unwrap(),
        2
    );
    let mut out = Vec::new();
    replica.export_log(&mut out).unwrap();
    let records = tally_events::read_export(&out).unwrap();
    let report = tally_events::verify_chain(&records, &ChainOptions::default()).unwrap();
    assert_eq!(report.device, replica.device());
    drop(replica);
    // It reopens by its new id; the old key no longer opens the database.
    Replica::open_in_key_dir(&db, key_dir.path(), clock(), &options).unwrap();
    let old_key = keys::key_path(key_dir.path(), &old_device);
    assert!(Replica::open(&db, &old_key, clock()).is_err());
}

#[test]
fn re_enrollment_flags_only_the_unacknowledged_events_of_the_old_chain() {
    let mut f = fixture();
    f.replica.record("B1", vec![stock(1)]).unwrap();
    let acked = f.replica.head().unwrap().seq;
    f.replica.acknowledge(acked).unwrap();
    f.replica.record("B1", vec![stock(2)]).unwrap();
    let total = f.events();
    let old_device = f.replica.device();
    let db = f.db();
    drop(f.replica);
    // The fixture's key is not named by device id: move it into a key directory as such.
    let key_dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        f.key_dir.path().join("device.key"),
        keys::key_path(key_dir.path(), &old_device),
    )
    .unwrap();
    let replica = Replica::re_enroll(
        &db,
        key_dir.path(),
        clock(),
        enrolled("HH-0001"),
        &KeyOptions::default(),
    )
    .unwrap();
    let mut replica = replica;
    // The PIN verifiers were sealed under the old key's pepper: nobody signs in until the
    // ledger sends them again for the new key; then the same PINs work.
    assert!(replica.sign_in("B1", "1111").is_err());
    let verifiers: Vec<tally_replica::pins::IssuedVerifier> = USERS
        .iter()
        .map(|(badge, _, pin)| tally_replica::pins::IssuedVerifier {
            badge: (*badge).into(),
            phc: tally_events::pin::make_verifier(
                &tally_events::PinParams::TEST,
                pin,
                &mut rand_core::OsRng,
            )
            .unwrap(),
        })
        .collect();
    replica.store_pin_verifiers(&verifiers).unwrap();
    replica.sign_in("B1", "1111").unwrap();
    let all = superseded_events(replica.view(), false).unwrap();
    let flagged = superseded_events(replica.view(), true).unwrap();
    // The events of the old chain, and the new chain's sign-in is not among them.
    assert_eq!(all.len() as i64, total);
    assert_eq!(flagged.len() as u64, total as u64 - acked);
    assert!(flagged.iter().all(|e| !e.acknowledged && e.seq > acked));
    assert!(flagged.iter().all(|e| e.re_enrolled_as == replica.device()));
}

#[test]
fn a_second_process_on_the_same_key_is_refused_and_readers_need_no_lock() {
    let f = fixture();
    let (db, key) = (f.db(), f.key());
    let err = Replica::open(&db, &key, clock()).unwrap_err();
    assert!(matches!(err, ReplicaError::KeyInUse(_)), "{err}");
    assert!(
        err.to_string()
            .contains("another tally is running on this device"),
        "{err}"
    );
    // A reader (an export, the sync daemon) opens the database read-only and may sign
    // non-event messages with the key, under its own domain, without the lock.
    let conn = tally_replica::db::open_read_only(&db).unwrap();
    let signer = keys::domain_signer(&key).unwrap();
    let mut out = Vec::new();
    // The export's trailer is signed that way (logs branch).
    tally_replica::replica::export_log(&conn, &signer, &mut out).unwrap();
    let signature = signer.sign("export-trailer", &out).unwrap();
    tally_events::verify_domain(&signer.device_id(), "export-trailer", &out, &signature).unwrap();
    // Once the app is gone, the next one opens.
    drop(f.replica);
    Replica::open(&db, &key, clock()).unwrap();
}

#[test]
fn a_second_process_is_refused_across_processes() {
    // flock is per open file: a real second process is refused too.
    if let Ok(paths) = std::env::var("TALLY_CUSTODY_CHILD") {
        let (db, key) = paths.split_once('\n').unwrap();
        match Replica::open(Path::new(db), Path::new(key), clock()) {
            Err(ReplicaError::KeyInUse(_)) => std::process::exit(7),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(8)
            }
            Ok(_) => std::process::exit(0),
        }
    }
    let f = fixture();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "custody::a_second_process_is_refused_across_processes",
            "--test-threads=1",
        ])
        .env(
            "TALLY_CUSTODY_CHILD",
            format!("{}\n{}", f.db().display(), f.key().display()),
        )
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(7));
    drop(f.replica);
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_with_the_chmod_to_run() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = fixture();
    let (db, key) = (f.db(), f.key());
    drop(f.replica);
    for mode in [0o640, 0o604, 0o660] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let err = Replica::open(&db, &key, clock()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("chmod 600 {}", key.display())),
            "{text}"
        );
        assert!(keys::domain_signer(&key).is_err());
    }
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    Replica::open(&db, &key, clock()).unwrap();
}

#[cfg(unix)]
#[test]
fn a_leftover_world_readable_temporary_file_cannot_widen_the_key() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = fixture();
    let (db, key) = (f.db(), f.key());
    drop(f.replica);
    let leftover = PathBuf::from(format!("{}-new", key.display()));
    std::fs::write(&leftover, b"someone else's file").unwrap();
    std::fs::set_permissions(&leftover, std::fs::Permissions::from_mode(0o666)).unwrap();
    // Also a lax umask-like start: the key itself written 0600 at every reservation.
    let mut replica = Replica::open(&db, &key, clock()).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&key), 0o600);
    assert!(!leftover.exists());
    // Crossing a reservation block writes the key again, still 0600.
    std::fs::write(&leftover, b"again").unwrap();
    std::fs::set_permissions(&leftover, std::fs::Permissions::from_mode(0o666)).unwrap();
    let through = KeyFile::decode(&std::fs::read(&key).unwrap())
        .unwrap()
        .reserved_through();
    let head = replica.head().unwrap().seq;
    let payloads: Vec<Payload> = (0..(through - head + 1))
        .map(|n| stock(1_000 + n))
        .collect();
    for chunk in payloads.chunks(500) {
        replica.record("ADMIN", chunk.to_vec()).unwrap();
    }
    assert!(
        KeyFile::decode(&std::fs::read(&key).unwrap())
            .unwrap()
            .reserved_through()
            > through
    );
    assert_eq!(mode(&key), 0o600);
    drop(replica);
    assert_eq!(mode(&key), 0o600);
}

#[test]
fn a_failed_enrollment_leaves_no_key_behind() {
    let key_dir = tempfile::tempdir().unwrap();
    let db_dir = tempfile::tempdir().unwrap();
    // The database cannot be created (its directory does not exist): the key written just
    // before is removed again.
    let db = db_dir.path().join("missing").join("hh.db");
    let err = Replica::init_in_key_dir(
        &db,
        key_dir.path(),
        clock(),
        enrolled("HH-1"),
        &KeyOptions::default(),
    )
    .unwrap_err();
    assert!(!matches!(err, ReplicaError::KeyFile(_)), "{err}");
    let left: Vec<_> = std::fs::read_dir(key_dir.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // The key is written, then the genesis cannot be signed (a facility id too long for the
    // envelope): neither the key, nor its lock, nor the database is left behind.
    let db = db_dir.path().join("late.db");
    let mut too_long = enrolled("HH-1");
    too_long.facility = "F".repeat(100);
    let err = Replica::init_in_key_dir(
        &db,
        key_dir.path(),
        clock(),
        too_long,
        &KeyOptions::default(),
    )
    .unwrap_err();
    // The event log's error keeps its structure: which field, how long, the limit.
    assert!(
        matches!(
            err,
            ReplicaError::Events(tally_events::Error::Encode(
                tally_events::EncodeError::TooLong { len: 100, .. }
            ))
        ),
        "{err:?}"
    );
    let left: Vec<_> = std::fs::read_dir(key_dir.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    for file in db_files(&db) {
        assert!(!file.exists(), "{} left behind", file.display());
    }
    // The database already exists: refused before any key is written.
    let db = db_dir.path().join("existing.db");
    std::fs::write(&db, b"").unwrap();
    let key = key_dir.path().join("explicit.key");
    let err = Replica::init(&db, &key, clock(), enrolled("HH-1")).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert!(!key.exists());
    assert_eq!(std::fs::read_dir(key_dir.path()).unwrap().count(), 0);
}

#[test]
fn keys_are_named_by_device_id_and_init_leaves_nothing_beside_the_database() {
    let key_dir = tempfile::tempdir().unwrap();
    let db_dir = tempfile::tempdir().unwrap();
    let options = KeyOptions::default();
    let mut devices = Vec::new();
    for name in ["a.db", "b.db"] {
        let db = db_dir.path().join(name);
        let replica =
            Replica::init_in_key_dir(&db, key_dir.path(), clock(), enrolled(name), &options)
                .unwrap();
        assert_eq!(
            replica.key_path(),
            keys::key_path(key_dir.path(), &replica.device())
        );
        devices.push((db, replica.device()));
    }
    for entry in std::fs::read_dir(db_dir.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name.starts_with("a.db") || name.starts_with("b.db"),
            "{name} beside the databases"
        );
        assert!(!name.ends_with(".key"));
    }
    // Each database finds its own key in the shared key directory; a reader finds it too,
    // without the lock, and can only sign under a domain.
    for (db, device) in devices {
        let replica = Replica::open_in_key_dir(&db, key_dir.path(), clock(), &options).unwrap();
        assert_eq!(replica.device(), device);
        let reader = keys::domain_signer_for_database(&db, key_dir.path()).unwrap();
        assert_eq!(reader.device_id(), device);
        assert!(reader.sign("event", b"x").is_err());
    }
    // A key directory without the key says where to look.
    let empty = tempfile::tempdir().unwrap();
    let err =
        Replica::open_in_key_dir(&db_dir.path().join("a.db"), empty.path(), clock(), &options)
            .unwrap_err();
    assert!(err.to_string().contains("is not in"), "{err}");
}

#[test]
fn a_version_1_key_file_opens_and_is_upgraded() {
    let f = fixture();
    let (db, key) = (f.db(), f.key());
    let head = f.replica.head().unwrap().seq;
    drop(f.replica);
    let current = KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    let mut v1 = Vec::new();
    v1.extend_from_slice(b"TALLYKEY");
    v1.extend_from_slice(&1u16.to_be_bytes());
    v1.extend_from_slice(&current.key().seed());
    v1.extend_from_slice(&head.to_be_bytes());
    v1.extend_from_slice(&(head + 1_000).to_be_bytes());
    let check = Sha256Hash::of(&v1);
    v1.extend_from_slice(check.as_bytes());
    std::fs::write(&key, &v1).unwrap();
    let replica = Replica::open(&db, &key, clock()).unwrap();
    drop(replica);
    let upgraded = KeyFile::decode(&std::fs::read(&key).unwrap()).unwrap();
    assert_eq!(upgraded.version(), 2);
    assert_eq!(upgraded.head().unwrap().seq, head);
}

#[test]
fn the_old_chain_survives_a_snapshot_load_after_re_enrollment() {
    let key_dir = tempfile::tempdir().unwrap();
    let db_dir = tempfile::tempdir().unwrap();
    let options = KeyOptions::default();
    let db = db_dir.path().join("hh.db");
    let mut replica =
        Replica::init_in_key_dir(&db, key_dir.path(), clock(), enrolled("HH-1"), &options).unwrap();
    replica
        .record(
            "ADMIN",
            vec![Payload::LocationDefined(
                tally_events::payload::LocationDefined {
                    location_id: "SHELF-1".into(),
                    name: "Shelf".into(),
                    kind: tally_events::payload::LocationKind::Shelf,
                    sellable: true,
                    parent: None,
                },
            )],
        )
        .unwrap();
    drop(replica);
    let mut replica =
        Replica::re_enroll(&db, key_dir.path(), clock(), enrolled("HH-1"), &options).unwrap();
    let kept = superseded_events(replica.view(), false).unwrap();
    assert_eq!(kept.len(), 2);
    // A snapshot from elsewhere (it carries no superseded events of its own) is loaded.
    let other_db = db_dir.path().join("other.db");
    let other = Replica::init_in_key_dir(
        &other_db,
        key_dir.path(),
        clock(),
        enrolled("HH-2"),
        &options,
    )
    .unwrap();
    let snapshot = db_dir.path().join("snap.db");
    tally_replica::replica::write_snapshot(other.view(), &snapshot, 1).unwrap();
    replica.load_snapshot(&snapshot).unwrap();
    assert_eq!(superseded_events(replica.view(), false).unwrap(), kept);
}

#[test]
fn an_old_chain_event_coming_back_from_the_ledger_is_acknowledged_not_folded_again() {
    let mut f = fixture();
    f.replica.record("B1", vec![stock(1)]).unwrap();
    let old_device = f.replica.device();
    let (db, key) = (f.db(), f.key());
    let old_log: Vec<Vec<u8>> = {
        let mut stmt = f
            .replica
            .view()
            .prepare("SELECT bytes FROM event_log ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    drop(f.replica);
    let key_dir = tempfile::tempdir().unwrap();
    std::fs::copy(&key, keys::key_path(key_dir.path(), &old_device)).unwrap();
    let mut replica = Replica::re_enroll(
        &db,
        key_dir.path(),
        clock(),
        enrolled("HH-0001"),
        &KeyOptions::default(),
    )
    .unwrap();
    let flagged_before = superseded_events(replica.view(), true).unwrap().len();
    assert_eq!(flagged_before, old_log.len());
    let deltas: Vec<tally_replica::Delta> = old_log
        .iter()
        .enumerate()
        .map(|(i, bytes)| tally_replica::Delta {
            ledger_index: i as u64 + 1,
            bytes: bytes.clone(),
        })
        .collect();
    replica.apply_deltas(&deltas).unwrap();
    assert!(superseded_events(replica.view(), true).unwrap().is_empty());
    let remote: i64 = replica
        .view()
        .query_row("SELECT count(*) FROM remote_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        remote, 0,
        "the old chain's events are not folded as another device's"
    );
}

#[test]
fn a_lost_or_torn_head_slot_after_a_power_loss_does_not_stop_the_device() {
    let mut f = fixture();
    let (db, key) = (f.db(), f.key());
    f.replica.record("B1", vec![stock(1)]).unwrap();
    // The key file as the disk may hold it after a power loss: the slot writes of the next
    // commits never reached it (they were not fsynced).
    let before = std::fs::read(&key).unwrap();
    f.replica.record("B1", vec![stock(2)]).unwrap();
    f.replica.record("B1", vec![stock(3)]).unwrap();
    let head = f.replica.head().unwrap();
    std::mem::drop(f.replica);
    std::fs::write(&key, &before).unwrap();
    // The database is a descendant of the recorded head inside the block: the device goes on.
    let mut replica = Replica::open(&db, &key, clock()).unwrap();
    assert_eq!(replica.head().unwrap(), head);
    // A torn slot: the head written durably with the last reservation counts, and the
    // database (two commits further) descends from it.
    replica.record("B1", vec![stock(4)]).unwrap();
    replica.record("B1", vec![stock(5)]).unwrap();
    let mut torn = std::fs::read(&key).unwrap();
    let durable = KeyFile::decode(&torn).unwrap().durable_head();
    assert_eq!(durable.seq, head.seq);
    drop(replica);
    torn[tally_events::keyfile::HEAD_SLOT_OFFSET + 3] ^= 0x55;
    std::fs::write(&key, &torn).unwrap();
    assert_eq!(KeyFile::decode(&torn).unwrap().head(), Some(durable));
    let replica = Replica::open(&db, &key, clock()).unwrap();
    assert_eq!(replica.head().unwrap().seq, head.seq + 2);
}

#[test]
fn a_directory_backup_of_database_and_key_directory_restored_together_is_refused() {
    let db_dir = tempfile::tempdir().unwrap();
    let key_dir = tempfile::tempdir().unwrap();
    let options = KeyOptions::default();
    let db = db_dir.path().join("hh.db");
    let mut replica =
        Replica::init_in_key_dir(&db, key_dir.path(), clock(), enrolled("HH-1"), &options).unwrap();
    replica.record("ADMIN", vec![stock(1)]).unwrap();
    let key = replica.key_path().to_owned();
    drop(replica);
    // Both directories are backed up while the app is closed: a consistent pair.
    let backup = tempfile::tempdir().unwrap();
    copy_db(&db, &backup.path().join("db"));
    std::fs::copy(&key, backup.path().join("key")).unwrap();
    let mut replica = Replica::open_in_key_dir(&db, key_dir.path(), clock(), &options).unwrap();
    let n = replica.record("ADMIN", vec![stock(2)]).unwrap()[0].seq;
    drop(replica);
    // Both are restored as backups are restored: the files are written anew.
    restore_db(&db, &backup.path().join("db"));
    std::fs::remove_file(&key).unwrap();
    std::fs::copy(backup.path().join("key"), &key).unwrap();
    assert_eq!(db_head(&db).seq + 1, n, "the pair would sign {n} again");
    assert_restore_refused(Replica::open_in_key_dir(
        &db,
        key_dir.path(),
        clock(),
        &options,
    ));
}

#[test]
fn moving_the_database_within_its_file_system_and_loading_a_snapshot_keep_the_device_working() {
    let db_dir = tempfile::tempdir().unwrap();
    let key_dir = tempfile::tempdir().unwrap();
    let options = KeyOptions::default();
    let db = db_dir.path().join("hh.db");
    let replica =
        Replica::init_in_key_dir(&db, key_dir.path(), clock(), enrolled("HH-1"), &options).unwrap();
    drop(replica);
    // A rename keeps the file (same inode, same birth): still the device's database.
    let moved = db_dir.path().join("moved.db");
    std::fs::rename(&db, &moved).unwrap();
    let mut replica = Replica::open_in_key_dir(&moved, key_dir.path(), clock(), &options).unwrap();
    // Loading a snapshot swaps in a new file; the replica re-binds its key file to it.
    let other_db = db_dir.path().join("other.db");
    let other = Replica::init_in_key_dir(
        &other_db,
        key_dir.path(),
        clock(),
        enrolled("HH-2"),
        &options,
    )
    .unwrap();
    let snapshot = db_dir.path().join("snap.db");
    tally_replica::replica::write_snapshot(other.view(), &snapshot, 1).unwrap();
    replica.load_snapshot(&snapshot).unwrap();
    drop(replica);
    let mut replica = Replica::open_in_key_dir(&moved, key_dir.path(), clock(), &options).unwrap();
    let recorded = replica
        .record(
            "ADMIN",
            vec![Payload::LocationDefined(
                tally_events::payload::LocationDefined {
                    location_id: "SHELF-9".into(),
                    name: "Shelf 9".into(),
                    kind: tally_events::payload::LocationKind::Shelf,
                    sellable: true,
                    parent: None,
                },
            )],
        )
        .unwrap();
    assert_eq!(recorded[0].seq, 2);
}

#[test]
fn a_key_file_overwritten_with_other_bytes_is_refused_with_its_path_and_problem() {
    let f = fixture();
    let (db, key) = (f.db(), f.key());
    drop(f.replica);
    std::fs::write(&key, b"not a key file at all").unwrap();
    let err = Replica::open(&db, &key, clock()).unwrap_err();
    match &err {
        ReplicaError::KeyFileDamaged { path, source } => {
            assert_eq!(path, &key);
            assert_eq!(
                err.to_string(),
                format!(
                    "the device key file is unusable: {}: {source}",
                    key.display()
                )
            );
        }
        other => panic!("expected a damaged key file, got {other:?}"),
    }
}

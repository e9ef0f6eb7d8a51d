//! Ingest, enrollment and the log against a real SQLite file, through the library: receipts
//! that verify against signed checkpoints, re-sends, forks, gaps, tampering, revocation, and
//! verification from storage. Written as an attacker would try to break each promise.

mod common;

use common::*;
use tally_events::{DeviceId, DeviceKey};
use tally_ledger::{audit, tlog, Ledger, Refusal, SqliteStore, Store};

fn new_ledger() -> (tempfile::TempDir, std::path::PathBuf, Ledger<SqliteStore>) {
    let (dir, path) = temp_db();
    let ledger = tally_ledger::create_sqlite(&path, "ledger.test/log").unwrap();
    (dir, path, ledger)
}

/// Runs each listed test body against a fresh SQLite ledger file and a fresh PostgreSQL
/// database: the same suite on both backends.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    let (_dir, _path, ledger) = super::new_ledger();
                    super::$name(ledger, &|| {
                        tally_ledger::open_sqlite(&_path).unwrap()
                    });
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    let url = super::PgCluster::get().new_database();
                    let ledger = tally_ledger::create_postgres(&url, "ledger.test/log").unwrap();
                    super::$name(ledger, &|| tally_ledger::open_postgres(&url).unwrap());
                }
            )*
        }
    };
}

on_both_backends!(
    accepted_records_get_receipts_that_prove_inclusion_and_resends_get_the_same_index,
    consistency_proofs_link_every_pair_of_checkpoints,
    a_fork_keeps_both_records_and_refuses_the_device_from_then_on,
    a_fork_inside_one_upload_is_kept_too,
    altered_bytes_of_a_held_seq_are_a_bad_signature_never_a_fork,
    new_records_that_do_not_verify_are_refused_and_earlier_ones_kept,
    a_gap_is_refused_with_the_seq_expected_next,
    a_record_too_large_for_a_log_entry_is_refused,
    unknown_revoked_wrong_author_and_wrong_facility_are_refused,
    enrollment_tokens_are_one_time_and_bind_one_key,
    tiles_served_from_storage_match_the_spec,
    several_writers_on_one_database_make_one_log_without_holes,
    an_append_that_breaks_device_seq_uniqueness_leaves_no_trace_and_no_hole,
);

fn enrolled<S: Store>(ledger: &mut Ledger<S>, seed: u8, facility: &str) -> DeviceKey {
    let key = DeviceKey::from_seed([seed; 32]);
    let token = ledger
        .create_token(facility, &format!("dev-{seed}"))
        .unwrap();
    ledger.enroll(&token, &key.device_id()).unwrap();
    key
}

fn refused(outcome: &tally_ledger::IngestOutcome) -> Option<&Refusal> {
    outcome.refused.as_ref().map(|(_, r)| r)
}

fn check_receipt<S: Store>(ledger: &Ledger<S>, receipt: &tally_ledger::Receipt, record: &[u8]) {
    let checkpoint = tlog::verify_checkpoint(receipt.checkpoint.as_bytes(), ledger.verifier_key())
        .expect("receipt checkpoint verifies");
    assert_eq!(checkpoint.size, receipt.tree_size);
    assert!(receipt.index < checkpoint.size);
    let proof: Vec<Vec<u8>> = receipt.inclusion_proof.iter().map(|h| b64d(h)).collect();
    tlog::verify_inclusion(
        receipt.index,
        checkpoint.size,
        &spec_leaf(record),
        &proof,
        &checkpoint.root,
    )
    .expect("inclusion proof verifies");
    assert_eq!(
        receipt.record_sha256,
        hex::encode(sha2::Digest::finalize(sha2::Sha256::new_with_prefix(
            record
        )))
    );
}

use sha2::Digest as _;

fn accepted_records_get_receipts_that_prove_inclusion_and_resends_get_the_same_index<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let b = enrolled(&mut ledger, 2, FACILITY);
    let chain_a = chain(&a, FACILITY, 10);
    let chain_b = chain(&b, FACILITY, 7);
    // Interleaved pushes.
    let first = ledger
        .ingest(&a.device_id(), &bytes(&chain_a[..4]))
        .unwrap();
    assert!(first.refused.is_none());
    let second = ledger.ingest(&b.device_id(), &bytes(&chain_b)).unwrap();
    let third = ledger
        .ingest(&a.device_id(), &bytes(&chain_a[4..]))
        .unwrap();
    assert!(second.refused.is_none() && third.refused.is_none());
    let indexes: Vec<u64> = first
        .receipts
        .iter()
        .chain(&second.receipts)
        .chain(&third.receipts)
        .map(|r| r.index)
        .collect();
    assert_eq!(indexes, (0..17).collect::<Vec<_>>(), "no holes, in order");
    for (receipt, event) in first.receipts.iter().zip(&chain_a[..4]) {
        check_receipt(&ledger, receipt, event.as_bytes());
    }
    // A re-send of everything: the same indexes, marked duplicate, proofs against the newest
    // checkpoint; nothing is appended.
    let again = ledger.ingest(&a.device_id(), &bytes(&chain_a)).unwrap();
    assert!(again.refused.is_none());
    assert_eq!(again.receipts.len(), 10);
    for (receipt, event) in again.receipts.iter().zip(&chain_a) {
        assert!(receipt.duplicate);
        check_receipt(&ledger, receipt, event.as_bytes());
    }
    assert_eq!(again.receipts[4].index, third.receipts[0].index);
    assert_eq!(ledger.checkpoint().unwrap().size, 17);
    // A re-send overlapping held and new records.
    let more = chain(&b, FACILITY, 9);
    let overlap = ledger.ingest(&b.device_id(), &bytes(&more[5..])).unwrap();
    assert!(overlap.refused.is_none());
    assert_eq!(
        overlap
            .receipts
            .iter()
            .map(|r| (r.index, r.duplicate))
            .collect::<Vec<_>>(),
        vec![(9, true), (10, true), (17, false), (18, false)]
    );
    let summary = audit::audit(&ledger).unwrap();
    assert_eq!(summary.entries, 19);
    assert_eq!(summary.devices, 2);
}

fn consistency_proofs_link_every_pair_of_checkpoints<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 40);
    let mut checkpoints = vec![];
    for chunk in events.chunks(7) {
        let start = chunk[0].seq() as usize - 1;
        ledger
            .ingest(&a.device_id(), &bytes(&events[start..start + chunk.len()]))
            .unwrap();
        checkpoints.push(ledger.checkpoint().unwrap());
    }
    for old in &checkpoints {
        for new in &checkpoints {
            if old.size > new.size {
                continue;
            }
            let proof: Vec<Vec<u8>> = ledger
                .consistency_proof(old.size, new.size)
                .unwrap()
                .iter()
                .map(|h| b64d(h))
                .collect();
            tlog::verify_consistency(old.size, new.size, &proof, &old.root, &new.root)
                .unwrap_or_else(|e| panic!("{} -> {}: {e}", old.size, new.size));
            if old.size < new.size {
                let mut bad = old.root;
                bad[0] ^= 1;
                assert!(
                    tlog::verify_consistency(old.size, new.size, &proof, &bad, &new.root).is_err()
                );
            }
        }
    }
    // A size beyond the published tree is not served.
    assert!(ledger.consistency_proof(1, 41).is_err());
}

fn a_fork_keeps_both_records_and_refuses_the_device_from_then_on<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 5);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    let forked = fork_of(&a, &events, 3);
    assert_eq!(forked.seq(), 4);
    let outcome = ledger
        .ingest(&a.device_id(), &[forked.as_bytes().to_vec()])
        .unwrap();
    assert_eq!(refused(&outcome), Some(&Refusal::Fork { seq: 4 }));
    let forks = ledger.store().forks().unwrap();
    assert_eq!(forks.len(), 1);
    assert_eq!(forks[0].held, events[3].as_bytes());
    assert_eq!(forks[0].other, forked.as_bytes());
    // From then on even a plain re-send is refused.
    let next = ledger.ingest(&a.device_id(), &bytes(&events));
    assert!(matches!(
        next,
        Err(tally_ledger::LedgerError::Refused(Refusal::Forked))
    ));
    // The log itself is intact and still verifies.
    assert_eq!(audit::audit(&ledger).unwrap().forks, 1);
}

fn a_fork_inside_one_upload_is_kept_too<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 4);
    let forked = fork_of(&a, &events, 3);
    let mut upload = bytes(&events);
    upload.push(forked.as_bytes().to_vec());
    let outcome = ledger.ingest(&a.device_id(), &upload).unwrap();
    assert_eq!(outcome.receipts.len(), 4);
    assert!(matches!(refused(&outcome), Some(Refusal::Fork { seq: 4 })));
    assert_eq!(ledger.store().forks().unwrap().len(), 1);
}

fn altered_bytes_of_a_held_seq_are_a_bad_signature_never_a_fork<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 3);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    // Flip a bit in the signature, then one in the payload of a held record.
    let mut bad_sig = events[1].as_bytes().to_vec();
    let last = bad_sig.len() - 1;
    bad_sig[last] ^= 1;
    let outcome = ledger.ingest(&a.device_id(), &[bad_sig]).unwrap();
    assert_eq!(
        refused(&outcome),
        Some(&Refusal::Chain {
            seq: 2,
            kind: "bad_signature".into()
        })
    );
    let mut bad_payload = events[1].as_bytes().to_vec();
    let header = events[1].header_bytes().len();
    bad_payload[header + 3] ^= 1;
    let outcome = ledger.ingest(&a.device_id(), &[bad_payload]).unwrap();
    assert_eq!(
        refused(&outcome),
        Some(&Refusal::Chain {
            seq: 2,
            kind: "altered_payload".into()
        })
    );
    assert!(ledger.store().forks().unwrap().is_empty());
    // The device is not refused: the next genuine records go in.
    let more = chain(&a, FACILITY, 4);
    let outcome = ledger.ingest(&a.device_id(), &bytes(&more[3..])).unwrap();
    assert!(outcome.refused.is_none());
}

fn new_records_that_do_not_verify_are_refused_and_earlier_ones_kept<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 6);
    ledger.ingest(&a.device_id(), &bytes(&events[..2])).unwrap();
    let mut upload = bytes(&events[2..]);
    let last = upload[1].len() - 1;
    upload[1][last] ^= 0x80; // seq 4: forged signature
    let outcome = ledger.ingest(&a.device_id(), &upload).unwrap();
    assert_eq!(outcome.receipts.len(), 1, "seq 3 kept");
    assert_eq!(
        outcome.refused,
        Some((
            1,
            Refusal::Chain {
                seq: 4,
                kind: "bad_signature".into()
            }
        ))
    );
    assert_eq!(ledger.devices().unwrap()[0].events, 3);
}

fn a_record_too_large_for_a_log_entry_is_refused<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 3);
    // The event format keeps every record within 65,535 bytes (one tlog-tiles entry); a
    // record stretched past that by hand is refused and nothing of it is stored.
    let mut upload = bytes(&events);
    upload[2].resize(tlog::MAX_ENTRY_BYTES + 1, 0);
    let outcome = ledger.ingest(&a.device_id(), &upload).unwrap();
    assert_eq!(outcome.receipts.len(), 2);
    assert!(matches!(
        refused(&outcome),
        Some(Refusal::Malformed { position: 2, .. }) | Some(Refusal::TooLarge { seq: 3, .. })
    ));
    assert_eq!(ledger.store().tree_size().unwrap(), 2);
    assert!(audit::audit(&ledger).is_ok());
}

fn a_gap_is_refused_with_the_seq_expected_next<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 8);
    // Nothing held yet: the genesis is expected.
    let outcome = ledger.ingest(&a.device_id(), &bytes(&events[2..])).unwrap();
    assert_eq!(
        refused(&outcome),
        Some(&Refusal::Gap {
            expected: 1,
            got: 3
        })
    );
    ledger.ingest(&a.device_id(), &bytes(&events[..3])).unwrap();
    let outcome = ledger.ingest(&a.device_id(), &bytes(&events[5..])).unwrap();
    assert_eq!(
        refused(&outcome),
        Some(&Refusal::Gap {
            expected: 4,
            got: 6
        })
    );
    // A gap inside an upload: the records before it are kept.
    let mut upload = bytes(&events[3..5]);
    upload.extend(bytes(&events[6..]));
    let outcome = ledger.ingest(&a.device_id(), &upload).unwrap();
    assert_eq!(outcome.receipts.len(), 2);
    assert_eq!(
        refused(&outcome),
        Some(&Refusal::Gap {
            expected: 6,
            got: 7
        })
    );
    assert_eq!(ledger.store().tree_size().unwrap(), 5);
}

fn unknown_revoked_wrong_author_and_wrong_facility_are_refused<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let stranger = DeviceKey::from_seed([42; 32]);
    let events = chain(&stranger, FACILITY, 2);
    assert!(matches!(
        ledger.ingest(&stranger.device_id(), &bytes(&events)),
        Err(tally_ledger::LedgerError::Refused(Refusal::UnknownDevice))
    ));
    let a = enrolled(&mut ledger, 1, FACILITY);
    // Records signed by another device pushed under a's name.
    let outcome = ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    assert_eq!(refused(&outcome), Some(&Refusal::WrongAuthor { seq: 1 }));
    // Records of another facility.
    let elsewhere = chain(&a, "C11-0000999-LIC", 2);
    let outcome = ledger.ingest(&a.device_id(), &bytes(&elsewhere)).unwrap();
    assert!(matches!(
        refused(&outcome),
        Some(Refusal::WrongFacility { seq: 1, .. })
    ));
    // Garbage.
    let outcome = ledger
        .ingest(&a.device_id(), &[b"not an event".to_vec()])
        .unwrap();
    assert!(matches!(
        refused(&outcome),
        Some(Refusal::Malformed { position: 0, .. })
    ));
    // Revoked: nothing more is accepted.
    let good = chain(&a, FACILITY, 2);
    ledger.ingest(&a.device_id(), &bytes(&good[..1])).unwrap();
    assert!(ledger.revoke(&a.device_id()).unwrap());
    assert!(matches!(
        ledger.ingest(&a.device_id(), &bytes(&good)),
        Err(tally_ledger::LedgerError::Refused(Refusal::Revoked))
    ));
    assert!(!ledger.revoke(&stranger.device_id()).unwrap());
    assert_eq!(ledger.store().tree_size().unwrap(), 1);
}

fn enrollment_tokens_are_one_time_and_bind_one_key<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let token = ledger.create_token(FACILITY, "dock-1").unwrap();
    let key = DeviceKey::from_seed([1; 32]);
    let first = ledger.enroll(&token, &key.device_id()).unwrap();
    assert_eq!(first.facility, FACILITY);
    assert_eq!(first.verifier_key, ledger.verifier_key());
    // The answer was lost: the same token and key again succeed.
    assert_eq!(ledger.enroll(&token, &key.device_id()).unwrap(), first);
    // ... but not once the device is revoked.
    let revoked_token = ledger.create_token(FACILITY, "dock-r").unwrap();
    let revoked_key = DeviceKey::from_seed([3; 32]);
    ledger
        .enroll(&revoked_token, &revoked_key.device_id())
        .unwrap();
    ledger.revoke(&revoked_key.device_id()).unwrap();
    assert!(matches!(
        ledger.enroll(&revoked_token, &revoked_key.device_id()),
        Err(tally_ledger::LedgerError::Refused(Refusal::Revoked))
    ));
    // Another key with the used token is refused.
    let other = DeviceKey::from_seed([2; 32]);
    assert!(matches!(
        ledger.enroll(&token, &other.device_id()),
        Err(tally_ledger::LedgerError::Refused(Refusal::TokenUsed))
    ));
    // An unknown token.
    assert!(matches!(
        ledger.enroll("0000", &other.device_id()),
        Err(tally_ledger::LedgerError::Refused(Refusal::UnknownToken))
    ));
    // A key already enrolled cannot take a second token.
    let second = ledger.create_token(FACILITY, "dock-2").unwrap();
    assert!(matches!(
        ledger.enroll(&second, &key.device_id()),
        Err(tally_ledger::LedgerError::Refused(
            Refusal::KeyEnrolledElsewhere
        ))
    ));
    // Weak keys: the identity point and a small-order point are refused.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    for weak in [identity, [0u8; 32], [0xff; 32]] {
        assert!(matches!(
            ledger.enroll(&second, &DeviceId(weak)),
            Err(tally_ledger::LedgerError::Refused(Refusal::WeakKey))
        ));
    }
}

#[test]
fn only_the_hash_of_a_token_is_stored() {
    let (_dir, path, mut ledger) = new_ledger();
    let token = ledger.create_token(FACILITY, "dock-1").unwrap();
    // In the database and its write-ahead log.
    for file in [path.clone(), path.with_extension("db-wal")] {
        let dump = std::fs::read(&file).unwrap_or_default();
        assert!(!dump.windows(token.len()).any(|w| w == token.as_bytes()));
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: Vec<u8> = conn
        .query_row(
            "SELECT token_sha256 FROM enroll_tokens WHERE name = 'dock-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, tally_ledger::ledger::token_hash(&token));
}

#[test]
fn verification_from_storage_catches_a_tampered_database() {
    let (_dir, path, mut ledger) = new_ledger();
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 20);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    drop(ledger);
    // The tables are append-only: an UPDATE through SQL is refused.
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(conn
        .execute("UPDATE entries SET record = x'00' WHERE idx = 3", [])
        .is_err());
    assert!(conn
        .execute("DELETE FROM hashes WHERE idx = 3", [])
        .is_err());
    // Someone with the file drops the triggers and swaps a record for another validly signed
    // one of the same device (a rewritten history).
    let forked = fork_of(&a, &events, 10);
    conn.execute_batch("DROP TRIGGER entries_append_only_u;")
        .unwrap();
    conn.execute(
        "UPDATE entries SET record = ?1 WHERE idx = 10",
        [forked.as_bytes()],
    )
    .unwrap();
    drop(conn);
    let ledger = tally_ledger::open_sqlite(&path).unwrap();
    let failure = audit::audit(&ledger).unwrap_err();
    assert!(
        matches!(failure, audit::AuditFailure::TreeHash { index: 10 }),
        "{failure}"
    );
}

#[test]
fn a_tampered_checkpoint_is_caught() {
    let (_dir, path, mut ledger) = new_ledger();
    let a = enrolled(&mut ledger, 1, FACILITY);
    ledger
        .ingest(&a.device_id(), &bytes(&chain(&a, FACILITY, 3)))
        .unwrap();
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER checkpoints_append_only_u;")
        .unwrap();
    conn.execute(
        "UPDATE checkpoints SET note = replace(note, char(10) || '3' || char(10), char(10) || '2' || char(10)) WHERE size = 3",
        [],
    )
    .unwrap();
    drop(conn);
    let ledger = tally_ledger::open_sqlite(&path).unwrap();
    assert!(matches!(
        audit::audit(&ledger),
        Err(audit::AuditFailure::Checkpoint { size: 3, .. })
    ));
}

#[test]
fn the_origin_and_key_are_fixed_at_creation() {
    let (_dir, path, ledger) = new_ledger();
    let key = ledger.verifier_key().to_owned();
    drop(ledger);
    assert!(tally_ledger::create_sqlite(&path, "other.test/log").is_err());
    let reopened = tally_ledger::open_or_create_sqlite(&path).unwrap();
    assert_eq!(reopened.verifier_key(), key);
    assert_eq!(reopened.origin(), "ledger.test/log");
}

fn tiles_served_from_storage_match_the_spec<S: Store>(
    mut ledger: Ledger<S>,
    _reopen: &dyn Fn() -> Ledger<S>,
) {
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 300);
    for chunk in events.chunks(100) {
        let start = chunk[0].seq() as usize - 1;
        ledger
            .ingest(&a.device_id(), &bytes(&events[start..start + chunk.len()]))
            .unwrap();
    }
    let checkpoint = ledger.checkpoint().unwrap();
    assert_eq!(checkpoint.size, 300);
    let full = tlog::TileRef::parse("tile/entries/000").unwrap();
    let partial = tlog::TileRef::parse("tile/entries/001.p/44").unwrap();
    let mut entries: Vec<Vec<u8>> = Vec::new();
    for tile in [full, partial] {
        let bundle = ledger.tile(&tile).unwrap();
        entries.extend(
            tlog::parse_entry_bundle(&bundle)
                .unwrap()
                .into_iter()
                .map(<[u8]>::to_vec),
        );
    }
    assert_eq!(entries, bytes(&events));
    let leaves: Vec<[u8; 32]> = entries.iter().map(|e| spec_leaf(e)).collect();
    assert_eq!(spec_root(&leaves), checkpoint.root);
    let level0 = ledger
        .tile(&tlog::TileRef::parse("tile/0/000").unwrap())
        .unwrap();
    assert_eq!(level0.len(), 256 * 32);
    assert_eq!(&level0[..32], &leaves[0]);
    let level1 = ledger
        .tile(&tlog::TileRef::parse("tile/1/000.p/1").unwrap())
        .unwrap();
    assert_eq!(level1, spec_root(&leaves[..256]).to_vec());
    // Beyond the tree: not served.
    assert!(ledger
        .tile(&tlog::TileRef::parse("tile/entries/001.p/45").unwrap())
        .is_err());
    assert!(ledger
        .tile(&tlog::TileRef::parse("tile/entries/001").unwrap())
        .is_err());
}

/// Several writers (as several `serve` processes would) on one database, each pushing its own
/// devices at the same time: one log, indexes 0..n without holes or repeats, and it verifies.
fn several_writers_on_one_database_make_one_log_without_holes<S: Store + 'static>(
    mut ledger: Ledger<S>,
    reopen: &dyn Fn() -> Ledger<S>,
) {
    let keys: Vec<DeviceKey> = (1..=4)
        .map(|seed| enrolled(&mut ledger, seed, FACILITY))
        .collect();
    let handles: Vec<_> = keys
        .iter()
        .map(|key| {
            let mut writer = reopen();
            let key = DeviceKey::from_seed(key.seed());
            std::thread::spawn(move || {
                let events = chain(&key, FACILITY, 60);
                let mut indexes = Vec::new();
                for batch in events.chunks(5) {
                    let start = batch[0].seq() as usize - 1;
                    let outcome = writer
                        .ingest(
                            &key.device_id(),
                            &bytes(&events[start..start + batch.len()]),
                        )
                        .unwrap();
                    assert!(outcome.refused.is_none(), "{:?}", outcome.refused);
                    indexes.extend(outcome.receipts.iter().map(|r| r.index));
                }
                indexes
            })
        })
        .collect();
    let mut all: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort_unstable();
    assert_eq!(all, (0..240).collect::<Vec<_>>());
    let summary = audit::audit(&ledger).unwrap();
    assert_eq!(summary.entries, 240);
    assert_eq!(ledger.checkpoint().unwrap().size, 240);
}

/// Reads stored hashes inside a store transaction (what ingest's Merkle code reads).
struct InTx<'a, T>(&'a T);

impl<T: tally_ledger::store::StoreTx> tlog::HashReader for InTx<'_, T> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>, tlog_tiles::Error> {
        self.0
            .read_hashes(indexes)
            .map_err(|e| tlog_tiles::Error::InvalidInput(e.to_string()))
    }
}

/// A transaction that appends good entries and then one whose (device, seq) the log already
/// holds (written straight through the store, past ingest's checks) fails as a whole: on
/// PostgreSQL the appends are written together, so the violation may surface at commit rather
/// than at the append, but either way nothing of it stays, the tree size counter does not
/// move, and the next upload takes the next index without a hole.
fn an_append_that_breaks_device_seq_uniqueness_leaves_no_trace_and_no_hole<S: Store + 'static>(
    mut ledger: Ledger<S>,
    reopen: &dyn Fn() -> Ledger<S>,
) {
    use tally_ledger::store::{EntryRow, StoreTx};
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 6);
    ledger.ingest(&a.device_id(), &bytes(&events[..3])).unwrap();
    let failed = {
        let store = ledger.store_mut();
        let mut tx = store.begin().unwrap();
        let mut result = Ok(());
        for (offset, seq) in [(0u64, 4u64), (1, 5), (2, 2)] {
            let index = 3 + offset;
            let record = events[seq as usize - 1].as_bytes().to_vec();
            let hashes = tlog::hashes_for_new_entry(index, &record, &InTx(&tx)).unwrap();
            assert_eq!(tx.tree_size().unwrap(), index, "pending appends count");
            let entry = EntryRow {
                index,
                device_id: a.device_id(),
                seq,
                record,
            };
            result = tx.append(&entry, &[seq as u8; 32], &hashes, 1);
            if result.is_err() {
                break;
            }
        }
        match result {
            Err(error) => Err(error),
            Ok(()) => tx.commit(),
        }
    };
    assert!(failed.is_err(), "a second (device, seq) 2 was kept");
    let fresh = reopen();
    assert_eq!(
        fresh.store().tree_size().unwrap(),
        3,
        "the counter did not move"
    );
    assert_eq!(fresh.store().entries(0, 10).unwrap().len(), 3);
    assert_eq!(
        fresh
            .store()
            .device(&a.device_id())
            .unwrap()
            .unwrap()
            .head_seq,
        3
    );
    let outcome = ledger.ingest(&a.device_id(), &bytes(&events[3..])).unwrap();
    assert!(outcome.refused.is_none(), "{:?}", outcome.refused);
    let indexes: Vec<u64> = outcome.receipts.iter().map(|r| r.index).collect();
    assert_eq!(indexes, vec![3, 4, 5]);
    for (receipt, event) in outcome.receipts.iter().zip(&events[3..]) {
        check_receipt(&ledger, receipt, event.as_bytes());
    }
    assert_eq!(audit::audit(&ledger).unwrap().entries, 6);
}

#[test]
fn postgres_append_only_tables_and_verification_catch_tampering() {
    let url = PgCluster::get().new_database();
    let mut ledger = tally_ledger::create_postgres(&url, "ledger.test/log").unwrap();
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 12);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    assert!(audit::audit(&ledger).is_ok());
    let mut sql = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for statement in [
        "UPDATE entries SET record = '\\x00' WHERE idx = 3",
        "DELETE FROM hashes WHERE idx = 3",
        "TRUNCATE checkpoints",
        "DELETE FROM checkpoints WHERE size = 12",
    ] {
        assert!(
            sql.batch_execute(statement).is_err(),
            "{statement} was allowed"
        );
    }
    let forked = fork_of(&a, &events, 7);
    sql.batch_execute("ALTER TABLE entries DISABLE TRIGGER entries_append_only")
        .unwrap();
    sql.execute(
        "UPDATE entries SET record = $1 WHERE idx = 7",
        &[&forked.as_bytes()],
    )
    .unwrap();
    assert!(matches!(
        audit::audit(&ledger),
        Err(audit::AuditFailure::TreeHash { index: 7 })
    ));
}

#[test]
fn exports_end_with_a_ledger_trailer_and_an_empty_one_is_version_1() {
    let (_dir, _path, mut ledger) = new_ledger();
    let a = enrolled(&mut ledger, 1, FACILITY);
    let b = enrolled(&mut ledger, 2, FACILITY);
    let events = chain(&a, FACILITY, 9);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    let mut out = Vec::new();
    let summary =
        tally_ledger::export::export(&mut ledger, Some(&a.device_id()), &mut out).unwrap();
    assert_eq!((summary.records, summary.tree_size), (9, 9));
    let mut reader = tally_events::ExportReader::new(out.as_slice()).unwrap();
    assert_eq!(reader.version(), 2);
    let records: Vec<Vec<u8>> = std::iter::from_fn(|| reader.next_record().unwrap()).collect();
    assert_eq!(records, bytes(&events));
    match reader.trailer() {
        Some(tally_events::Trailer::Ledger(trailer)) => {
            assert_eq!(trailer.records, 9);
            assert_eq!(trailer.log_index, 8);
        }
        other => panic!("expected a ledger trailer, got {other:?}"),
    }
    // Nothing pushed yet: an empty version 1 export, which a ledger trailer cannot vouch for.
    let mut out = Vec::new();
    let summary =
        tally_ledger::export::export(&mut ledger, Some(&b.device_id()), &mut out).unwrap();
    assert_eq!(summary.records, 0);
    let reader = tally_events::ExportReader::new(out.as_slice()).unwrap();
    assert_eq!(reader.version(), 1);
    assert!(tally_events::read_export(&out).unwrap().is_empty());
    // An unknown device is an error, not an empty export.
    let stranger = DeviceKey::from_seed([77; 32]).device_id();
    assert!(tally_ledger::export::export(&mut ledger, Some(&stranger), Vec::new()).is_err());
}

/// The monotonic clock is checked across the boundary between what the ledger holds and a new
/// upload (the head record is verified together with the new ones), not only inside uploads.
#[test]
fn a_clock_that_goes_back_across_uploads_is_refused() {
    let (_dir, _path, mut ledger) = new_ledger();
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 3);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    let head = &events[2];
    let mut writer = tally_events::ChainWriter::resume(
        DeviceKey::from_seed(a.seed()),
        FACILITY,
        head.seq(),
        head.record_hash(),
    )
    .unwrap();
    let mut earlier = head.timestamp();
    earlier.since_boot_us -= 1_000_000; // same boot, one second before the head
    let back = writer
        .append_at(
            earlier,
            "B-1042",
            tally_events::Payload::UserSignedOut(tally_events::payload::UserSignedOut {
                badge: "B-1".into(),
            }),
        )
        .unwrap();
    let outcome = ledger
        .ingest(&a.device_id(), &[back.as_bytes().to_vec()])
        .unwrap();
    assert_eq!(
        refused(&outcome),
        Some(&Refusal::Chain {
            seq: 4,
            kind: "time_went_backwards".into()
        })
    );
    assert_eq!(ledger.store().tree_size().unwrap(), 3);
}

/// The device rows are checked against the chains they describe: a head or facility changed
/// behind the ledger's back is caught.
#[test]
fn verification_compares_device_rows_with_their_chains() {
    for (statement, expected) in [
        ("UPDATE devices SET head_hash = zeroblob(32)", "stored head"),
        ("UPDATE devices SET head_seq = 4", "head is seq 4"),
        (
            "INSERT INTO facilities VALUES ('C11-0000999-LIC', 0); \
             UPDATE devices SET facility = 'C11-0000999-LIC'",
            "enrolled for C11-0000999-LIC",
        ),
    ] {
        let (_dir, path, mut ledger) = new_ledger();
        let a = enrolled(&mut ledger, 1, FACILITY);
        ledger
            .ingest(&a.device_id(), &bytes(&chain(&a, FACILITY, 5)))
            .unwrap();
        assert!(audit::audit(&ledger).is_ok());
        drop(ledger);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(statement)
            .unwrap();
        let ledger = tally_ledger::open_sqlite(&path).unwrap();
        let failure = audit::audit(&ledger).unwrap_err().to_string();
        assert!(failure.contains(expected), "{statement}: {failure}");
    }
}

/// Someone with the database file has the log's signing key too (it is stored there): they
/// can rewrite an entry and rebuild every tree hash and checkpoint consistently. The device's
/// signature still gives them away.
#[test]
fn a_rewritten_log_with_rebuilt_hashes_and_checkpoints_fails_on_the_device_signature() {
    use tally_ledger::tlog::{hashes_for_new_entry, Hash, HashReader};
    struct Mem(std::cell::RefCell<Vec<Hash>>);
    impl HashReader for Mem {
        fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
            Ok(indexes
                .iter()
                .map(|&i| self.0.borrow()[i as usize])
                .collect())
        }
    }
    let (_dir, path, mut ledger) = new_ledger();
    let a = enrolled(&mut ledger, 1, FACILITY);
    let events = chain(&a, FACILITY, 6);
    ledger.ingest(&a.device_id(), &bytes(&events)).unwrap();
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER entries_append_only_u; DROP TRIGGER hashes_append_only_d; \
         DROP TRIGGER checkpoints_append_only_d;",
    )
    .unwrap();
    // Entry 2 (seq 3) gets a changed signature byte.
    let mut forged = events[2].as_bytes().to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    conn.execute("UPDATE entries SET record = ?1 WHERE idx = 2", [&forged])
        .unwrap();
    // Rebuild the tree from the entries and re-sign a checkpoint with the stored key.
    let mut entries = bytes(&events);
    entries[2] = forged;
    let mem = Mem(std::cell::RefCell::new(Vec::new()));
    for (n, entry) in entries.iter().enumerate() {
        let new = hashes_for_new_entry(n as u64, entry, &mem).unwrap();
        mem.0.borrow_mut().extend(new);
    }
    conn.execute("DELETE FROM hashes", []).unwrap();
    for (i, h) in mem.0.borrow().iter().enumerate() {
        conn.execute(
            "INSERT INTO hashes (idx, hash) VALUES (?1, ?2)",
            rusqlite::params![i as i64, &h.0[..]],
        )
        .unwrap();
    }
    let skey: String = conn
        .query_row("SELECT signer_key FROM log_meta", [], |r| r.get(0))
        .unwrap();
    let signer = tlog::LogSigner::from_private_key(&skey).unwrap();
    let root = tlog::tree_hash(6, &mem).unwrap();
    conn.execute("DELETE FROM checkpoints", []).unwrap();
    conn.execute(
        "INSERT INTO checkpoints (size, root, note, signed_unix_ms) VALUES (6, ?1, ?2, 0)",
        rusqlite::params![&root.0[..], signer.sign_checkpoint(6, &root).unwrap()],
    )
    .unwrap();
    drop(conn);
    let ledger = tally_ledger::open_sqlite(&path).unwrap();
    let failure = audit::audit(&ledger).unwrap_err();
    assert!(
        matches!(failure, audit::AuditFailure::Chain { .. }),
        "{failure}"
    );
    assert!(failure.to_string().contains("signature"), "{failure}");
}

/// Verification runs on every core, over ranges of the log; the failure it reports is still
/// the first in log order, whichever thread found it.
#[test]
fn verification_on_several_cores_reports_the_first_failure_in_log_order() {
    let (_dir, path, mut ledger) = new_ledger();
    let a = enrolled(&mut ledger, 1, FACILITY);
    ledger
        .ingest(&a.device_id(), &bytes(&chain(&a, FACILITY, 64)))
        .unwrap();
    assert_eq!(audit::audit(&ledger).unwrap().entries, 64);
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER hashes_append_only_u;")
        .unwrap();
    for entry in [60u64, 3, 40] {
        conn.execute(
            "UPDATE hashes SET hash = zeroblob(32) WHERE idx = ?1",
            [tlog::stored_hash_index(0, entry) as i64],
        )
        .unwrap();
    }
    drop(conn);
    let ledger = tally_ledger::open_sqlite(&path).unwrap();
    for _ in 0..5 {
        assert!(matches!(
            audit::audit(&ledger),
            Err(audit::AuditFailure::TreeHash { index: 3 })
        ));
    }
}

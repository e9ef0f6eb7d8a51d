//! Chain verification: an intact chain verifies, and every failure kind is found — each built
//! by tampering with a real chain — with the first bad seq named.

mod common;

use common::*;
use tally_events::payload::{PackageMoved, UnknownPayload};
use tally_events::{
    verify_chain, verify_chain_links, Anomaly, Bytes, ChainOptions, ChainStart, ChainWriter, Clock,
    FailureKind, Payload, SignedEvent, Timestamp, UnsignedEvent, VerifyError, VerifyMode,
};

fn options(mode: VerifyMode) -> ChainOptions {
    ChainOptions {
        mode,
        ..ChainOptions::default()
    }
}

/// Runs the check in both modes and requires the same verdict; when every record verifies on
/// its own, the links-only check (the ledger's, after checking signatures before its lock)
/// must reach it too.
fn check(records: &[Vec<u8>]) -> Result<tally_events::ChainReport, tally_events::ChainFailure> {
    let batch = verify_chain(records, &options(VerifyMode::Batch));
    let strict = verify_chain(records, &options(VerifyMode::Strict));
    assert_eq!(batch, strict, "batch and strict verification disagree");
    let all_signed = records.iter().all(|record| {
        SignedEvent::from_bytes(record.clone()).is_ok_and(|event| event.verify().is_ok())
    });
    if all_signed {
        let links = verify_chain_links(records, &options(VerifyMode::Strict));
        assert_eq!(links, strict, "the links-only verdict differs");
    }
    batch
}

fn moved(n: u32) -> Payload {
    Payload::PackageMoved(PackageMoved {
        uid: format!("1A4FF01000000220000{n:05}"),
        from_location: "DOCK-1".into(),
        to_location: "VAULT-1".into(),
    })
}

#[test]
fn an_intact_chain_verifies() {
    let events = build_chain(120);
    let report = check(&raw(&events)).expect("intact chain");
    assert_eq!(report.events, 120);
    assert_eq!(report.device, test_key().device_id());
    assert_eq!(report.head_hash, events[119].record_hash());
    assert!(report.anomalies.is_empty());
    for event in &events {
        event.verify().expect("each event verifies alone");
        event.payload().expect("payload decodes");
    }
}

#[test]
fn a_flipped_payload_byte_is_an_altered_payload_at_that_seq() {
    let events = build_chain(20);
    let mut records = raw(&events);
    let header_len = events[6].header_bytes().len();
    records[6][header_len + 2] ^= 0x01;
    let failure = check(&records).expect_err("tampered");
    assert_eq!(failure.seq, 7);
    assert_eq!(failure.kind, FailureKind::AlteredPayload);
    let tampered = SignedEvent::from_bytes(records[6].clone()).expect("still parses");
    assert_eq!(tampered.verify(), Err(VerifyError::AlteredPayload));
}

#[test]
fn a_flipped_signature_byte_is_a_bad_signature_at_that_seq() {
    let events = build_chain(20);
    let mut records = raw(&events);
    let len = records[11].len();
    records[11][len - 10] ^= 0x40;
    let failure = check(&records).expect_err("tampered");
    assert_eq!(failure.seq, 12);
    assert_eq!(failure.kind, FailureKind::BadSignature);
    assert!(failure.to_string().contains("bad signature"));
}

#[test]
fn a_flipped_header_byte_is_a_bad_signature() {
    let events = build_chain(20);
    let mut records = raw(&events);
    // The wall clock's lowest byte: the header still parses but its signature fails.
    records[4][84] ^= 0x01;
    let failure = check(&records).expect_err("tampered");
    assert_eq!(failure.seq, 5);
    assert_eq!(failure.kind, FailureKind::BadSignature);
}

#[test]
fn a_dropped_event_is_missing() {
    let events = build_chain(20);
    let mut records = raw(&events);
    records.remove(9); // seq 10
    let failure = check(&records).expect_err("gap");
    assert_eq!(failure.seq, 10);
    assert_eq!(
        failure.kind,
        FailureKind::Missing {
            next_present: Some(11)
        }
    );
    assert_eq!(failure.to_string(), "event 10 is missing");
}

#[test]
fn several_dropped_events_name_the_range() {
    let events = build_chain(20);
    let mut records = raw(&events);
    records.drain(9..12); // seqs 10, 11, 12
    let failure = check(&records).expect_err("gap");
    assert_eq!(failure.seq, 10);
    assert_eq!(failure.to_string(), "events 10 to 12 are missing");
}

#[test]
fn a_dropped_genesis_is_missing_seq_1() {
    let events = build_chain(5);
    let records = raw(&events[1..]);
    let failure = check(&records).expect_err("no genesis");
    assert_eq!(failure.seq, 1);
    assert!(matches!(failure.kind, FailureKind::Missing { .. }));
}

#[test]
fn two_swapped_events_are_reordered() {
    let events = build_chain(20);
    let mut records = raw(&events);
    records.swap(7, 8); // seqs 8 and 9
    let failure = check(&records).expect_err("swapped");
    assert_eq!(failure.seq, 8);
    assert_eq!(failure.kind, FailureKind::Reordered { found: 9 });
    assert_eq!(failure.position, 7);
}

#[test]
fn a_duplicated_event_is_duplicated() {
    let events = build_chain(20);
    let mut records = raw(&events);
    records.insert(5, records[4].clone()); // seq 5 twice
    let failure = check(&records).expect_err("duplicate");
    assert_eq!(failure.seq, 5);
    assert_eq!(failure.kind, FailureKind::Duplicated);
    assert_eq!(failure.position, 5);
}

#[test]
fn two_events_with_one_seq_are_a_fork_and_both_are_kept() {
    let events = build_chain(10);
    let head = &events[9];
    let clock = clock();
    clock.advance_ms(60_000);
    // The device (say, restored from a backup) signs two different events 11.
    let mut one = ChainWriter::resume(test_key(), FACILITY, 10, head.record_hash()).unwrap();
    let mut two = ChainWriter::resume(test_key(), FACILITY, 10, head.record_hash()).unwrap();
    let first = one.append(&clock, "B-1042", moved(1)).unwrap();
    let second = two.append(&clock, "B-1042", moved(2)).unwrap();
    let second_next = two.append(&clock, "B-1042", moved(3)).unwrap();
    let mut records = raw(&events);
    records.push(first.as_bytes().to_vec());
    records.push(second.as_bytes().to_vec());
    records.push(second_next.as_bytes().to_vec());
    let failure = check(&records).expect_err("fork");
    assert_eq!(failure.seq, 11);
    match &failure.kind {
        FailureKind::Fork {
            first: kept_first,
            second: kept_second,
        } => {
            assert_eq!(**kept_first, first);
            assert_eq!(**kept_second, second);
            kept_first.verify().expect("evidence is authentic");
            kept_second.verify().expect("evidence is authentic");
        }
        other => panic!("expected a fork, got {other:?}"),
    }
    assert!(failure.to_string().contains("both are kept as evidence"));
}

#[test]
fn a_wrong_prev_is_a_broken_link() {
    let events = build_chain(10);
    let forged = UnsignedEvent {
        seq: 11,
        prev: Some(events[7].record_hash()),
        timestamp: Timestamp {
            since_boot_us: u64::MAX / 2,
            ..start_time()
        },
        actor: "B-1042".into(),
        facility: FACILITY.into(),
        payload: moved(4),
    }
    .sign(&test_key())
    .unwrap();
    let mut records = raw(&events);
    records.push(forged.as_bytes().to_vec());
    let failure = check(&records).expect_err("broken link");
    assert_eq!(failure.seq, 11);
    assert_eq!(failure.kind, FailureKind::BrokenLink);
}

#[test]
fn an_event_of_another_device_is_a_wrong_author() {
    let events = build_chain(10);
    let stranger = build_chain_with(other_key(), 10);
    let mut records = raw(&events);
    records[6] = stranger[6].as_bytes().to_vec();
    let failure = check(&records).expect_err("wrong author");
    assert_eq!(failure.seq, 7);
    assert!(matches!(failure.kind, FailureKind::WrongAuthor { .. }));
}

#[test]
fn an_expected_key_that_does_not_match_is_a_wrong_author_at_seq_1() {
    let events = build_chain(3);
    let options = ChainOptions {
        expected_device: Some(other_key().device_id()),
        ..ChainOptions::default()
    };
    let failure = verify_chain(&raw(&events), &options).expect_err("other key");
    assert_eq!(failure.seq, 1);
    assert!(matches!(failure.kind, FailureKind::WrongAuthor { .. }));
}

#[test]
fn the_monotonic_clock_going_back_within_a_boot_is_a_failure() {
    let clock = clock();
    let (mut writer, genesis) =
        tally_events::ChainWriter::genesis(test_key(), &clock, "", enrolled()).unwrap();
    clock.advance_ms(5_000);
    let two = writer.append(&clock, "B-1042", moved(1)).unwrap();
    let mut back = clock.now();
    back.since_boot_us -= 3_000_000;
    let three = writer.append_at(back, "B-1042", moved(2)).unwrap();
    let failure = check(&raw(&[genesis, two, three])).expect_err("clock went back");
    assert_eq!(failure.seq, 3);
    assert_eq!(
        failure.kind,
        FailureKind::TimeWentBackwards { by_us: 3_000_000 }
    );
}

#[test]
fn a_wall_clock_step_back_is_an_anomaly_not_a_failure() {
    let clock = clock();
    let (mut writer, genesis) =
        tally_events::ChainWriter::genesis(test_key(), &clock, "", enrolled()).unwrap();
    clock.advance_ms(1_000);
    let two = writer.append(&clock, "B-1042", moved(1)).unwrap();
    // NTP steps the clock back one hour; the monotonic clock keeps going.
    let mut now = clock.now();
    now.wall_unix_ms -= 3_600_000;
    now.since_boot_us += 1_000_000;
    let three = writer.append_at(now, "B-1042", moved(2)).unwrap();
    // A small step back within the tolerance is not reported.
    now.wall_unix_ms -= 500;
    now.since_boot_us += 1_000_000;
    let four = writer.append_at(now, "B-1042", moved(3)).unwrap();
    // A reboot: new boot id, monotonic clock restarts.
    let rebooted = Timestamp {
        wall_unix_ms: now.wall_unix_ms + 60_000,
        boot_id: [0x22; 16],
        since_boot_us: 20_000_000,
    };
    let five = writer.append_at(rebooted, "B-1042", moved(4)).unwrap();
    let report = check(&raw(&[genesis, two, three, four, five])).expect("intact");
    assert_eq!(
        report.anomalies,
        vec![
            Anomaly::WallClockSteppedBack {
                seq: 3,
                by_ms: 3_600_000
            },
            Anomaly::Reboot { seq: 5 },
        ]
    );
}

#[test]
fn a_payload_kind_from_a_newer_version_verifies_and_shows_as_unknown() {
    let events = build_chain(3);
    let newer = UnsignedEvent {
        seq: 4,
        prev: Some(events[2].record_hash()),
        timestamp: Timestamp {
            since_boot_us: start_time().since_boot_us + 10_000_000,
            ..start_time()
        },
        actor: "B-1042".into(),
        facility: FACILITY.into(),
        payload: Payload::Unknown(UnknownPayload {
            code: 40_000,
            bytes: Bytes(b"a future payload".to_vec()),
        }),
    }
    .sign(&test_key())
    .unwrap();
    let mut records = raw(&events);
    records.push(newer.as_bytes().to_vec());
    check(&records).expect("an old verifier accepts newer kinds");
    match newer.payload().unwrap() {
        Payload::Unknown(unknown) => {
            assert_eq!(unknown.code, 40_000);
            assert_eq!(unknown.bytes.0, b"a future payload");
        }
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn a_truncated_record_is_malformed_at_its_position() {
    let events = build_chain(8);
    let mut records = raw(&events);
    records[3].truncate(100);
    let failure = check(&records).expect_err("malformed");
    assert_eq!(failure.seq, 4);
    assert_eq!(failure.position, 3);
    assert!(matches!(failure.kind, FailureKind::Malformed(_)));
}

#[test]
fn an_empty_chain_is_reported() {
    let records: Vec<Vec<u8>> = Vec::new();
    assert_eq!(check(&records).unwrap_err().kind, FailureKind::Empty);
}

#[test]
fn the_first_failure_in_stream_order_wins() {
    let events = build_chain(30);
    let mut records = raw(&events);
    let len = records[20].len();
    records[20][len - 1] ^= 0x01; // bad signature at 21
    records.remove(10); // gap at 11
    let failure = check(&records).expect_err("two problems");
    assert_eq!(failure.seq, 11);
    assert!(matches!(failure.kind, FailureKind::Missing { .. }));
}

#[test]
fn a_chain_longer_than_one_batch_finds_a_bad_signature_deep_inside() {
    let events = build_chain(700);
    let mut records = raw(&events);
    let len = records[600].len();
    records[600][len - 33] ^= 0x08;
    let failure = check(&records).expect_err("tampered");
    assert_eq!(failure.seq, 601);
    assert_eq!(failure.kind, FailureKind::BadSignature);
}

#[test]
fn a_segment_after_a_verified_head_verifies_on_its_own() {
    let events = build_chain(40);
    let head = &events[24]; // seq 25
    let segment = raw(&events[25..]);
    let options = |head_hash| ChainOptions {
        start: Some(ChainStart {
            head_seq: 25,
            head_hash,
        }),
        ..ChainOptions::default()
    };
    let report = verify_chain(&segment, &options(head.record_hash())).expect("segment");
    assert_eq!(report.events, 15);
    assert_eq!(report.head_hash, events[39].record_hash());
    // Continuing another head: the first link is broken.
    let failure = verify_chain(&segment, &options(events[23].record_hash())).unwrap_err();
    assert_eq!((failure.seq, failure.kind), (26, FailureKind::BrokenLink));
    // An event the verified part already holds.
    let failure = verify_chain(&raw(&events[24..]), &options(head.record_hash())).unwrap_err();
    assert_eq!(
        (failure.seq, failure.kind),
        (25, FailureKind::BeforeStart { first_seq: 26 })
    );
    // A segment that skips the next event.
    let failure = verify_chain(&raw(&events[27..]), &options(head.record_hash())).unwrap_err();
    assert_eq!(failure.seq, 26);
    assert!(matches!(failure.kind, FailureKind::Missing { .. }));
}

//! The export stream, the key file and the decoder's limits: round trips, and clear errors
//! (never a panic, never a large allocation) on damaged or hostile input.

mod common;

use common::*;
use tally_events::event::{EVENT_MAGIC, MAX_PAYLOAD_BYTES, MAX_RECORD_BYTES};
use tally_events::export::EXPORT_MAGIC;
use tally_events::keyfile::HEAD_SLOT_OFFSET;
use tally_events::payload::{ManifestClosed, UserSignedIn};
use tally_events::wire::MAX_LIST_ITEMS;
use tally_events::{
    export_to_vec, read_export, ChainHead, DecodeError, EncodeError, ExportError, ExportReader,
    ExportWriter, KeyFile, KeyFileError, Payload, SignedEvent, UnsignedEvent,
};

#[test]
fn an_export_round_trips_byte_for_byte() {
    let events = build_chain(50);
    let bytes = export_to_vec(&events).unwrap();
    assert_eq!(&bytes[..8], &EXPORT_MAGIC);
    assert_eq!(&bytes[8..16], &[0, 1, 0, 0, 0, 0, 0, 0]);
    let len = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as usize;
    assert_eq!(&bytes[20..20 + len], events[0].as_bytes());
    let records = read_export(&bytes).unwrap();
    assert_eq!(records.len(), 50);
    for (record, event) in records.iter().zip(&events) {
        assert_eq!(record, event.as_bytes());
    }
}

#[test]
fn an_empty_export_has_no_records() {
    let bytes = ExportWriter::new(Vec::new()).unwrap().finish().unwrap();
    assert_eq!(bytes.len(), 16);
    assert!(read_export(&bytes).unwrap().is_empty());
}

#[test]
fn a_cut_export_is_reported_as_truncated_at_its_record() {
    let bytes = export_to_vec(&build_chain(3)).unwrap();
    for cut in [bytes.len() - 1, bytes.len() - 70, 18] {
        let reader = ExportReader::new(&bytes[..cut]).unwrap();
        let mut error = None;
        let mut good = 0;
        for next in reader {
            match next {
                Ok(_) => good += 1,
                Err(e) => error = Some(e),
            }
        }
        match error {
            Some(ExportError::Truncated { position }) => assert_eq!(position, good + 1),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}

#[test]
fn a_huge_length_prefix_is_refused_before_allocating() {
    let mut bytes = ExportWriter::new(Vec::new()).unwrap().finish().unwrap();
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    let error = read_export(&bytes).unwrap_err();
    assert!(matches!(error, ExportError::BadLength { position: 1, .. }));
    assert!(error.to_string().contains("record 1"));
    let mut bytes = ExportWriter::new(Vec::new()).unwrap().finish().unwrap();
    bytes.extend_from_slice(&0u32.to_be_bytes());
    assert!(matches!(
        read_export(&bytes).unwrap_err(),
        ExportError::BadLength { len: 0, .. }
    ));
}

#[test]
fn a_wrong_export_header_is_refused() {
    assert!(matches!(
        read_export(b"TALLYLO").unwrap_err(),
        ExportError::Header(DecodeError::BadExportMagic)
    ));
    let mut bytes = ExportWriter::new(Vec::new()).unwrap().finish().unwrap();
    bytes[9] = 3;
    assert!(matches!(
        read_export(&bytes).unwrap_err(),
        ExportError::Header(DecodeError::UnsupportedExport { version: 3, .. })
    ));
}

#[test]
fn records_with_a_bad_structure_are_refused_with_a_reason() {
    let event = build_chain(2).pop().unwrap();
    let good = event.as_bytes().to_vec();
    let with = |at: usize, value: u8| {
        let mut bytes = good.clone();
        bytes[at] = value;
        SignedEvent::from_bytes(bytes).unwrap_err()
    };
    assert_eq!(with(0, b'X'), DecodeError::BadMagic);
    assert_eq!(with(4, 2), DecodeError::UnsupportedVersion { version: 2 });
    // seq 2 -> 0.
    assert_eq!(with(44, 0), DecodeError::ZeroSeq);
    // A genesis kind at seq 2.
    let mut bytes = good.clone();
    bytes[109..111].copy_from_slice(&1u16.to_be_bytes());
    assert_eq!(
        SignedEvent::from_bytes(bytes).unwrap_err(),
        DecodeError::GenesisKind { seq: 2 }
    );
    // A payload length beyond the limit.
    let mut bytes = good.clone();
    bytes[111..115].copy_from_slice(&(MAX_PAYLOAD_BYTES as u32 + 1).to_be_bytes());
    assert!(matches!(
        SignedEvent::from_bytes(bytes).unwrap_err(),
        DecodeError::TooLong {
            what: "payload",
            ..
        }
    ));
    // An actor that is not UTF-8.
    let mut bytes = good.clone();
    bytes[148] = 0xff;
    assert!(matches!(
        SignedEvent::from_bytes(bytes).unwrap_err(),
        DecodeError::BadUtf8 { .. }
    ));
    // Extra bytes.
    let mut bytes = good.clone();
    bytes.push(0);
    assert!(matches!(
        SignedEvent::from_bytes(bytes).unwrap_err(),
        DecodeError::TrailingBytes { .. }
    ));
    assert!(matches!(
        SignedEvent::from_bytes(vec![0; MAX_RECORD_BYTES + 1]).unwrap_err(),
        DecodeError::TooLong { what: "record", .. }
    ));
    assert_eq!(&good[..4], &EVENT_MAGIC);
    assert!(SignedEvent::from_bytes(good).is_ok());
}

#[test]
fn payload_decoding_is_strict_and_bounded() {
    // Trailing bytes after a known payload.
    let mut body = Payload::UserSignedIn(UserSignedIn {
        badge: "B-1".into(),
        purpose: tally_events::payload::SignInPurpose::Witness,
    })
    .encode_body()
    .unwrap();
    body.push(0);
    assert!(matches!(
        Payload::decode(2, &body).unwrap_err(),
        DecodeError::TrailingBytes { .. }
    ));
    // An enum code this version does not know: the payload is kept whole as unknown (a newer
    // version appended the code), and it re-encodes to the very same bytes.
    body.pop();
    *body.last_mut().unwrap() = 99;
    let newer = Payload::decode(2, &body).unwrap();
    assert!(newer.has_newer_code(), "{newer:?}");
    assert!(matches!(&newer, Payload::Unknown(u) if u.code == 2 && u.bytes.0 == body));
    assert_eq!(newer.encode_body().unwrap(), body);
    // A known payload cut short is still an error (only an unknown code is tolerated).
    let mut bad_bool = Payload::UserSignedIn(UserSignedIn {
        badge: "B-1".into(),
        purpose: tally_events::payload::SignInPurpose::Witness,
    })
    .encode_body()
    .unwrap();
    bad_bool.truncate(bad_bool.len() - 1);
    assert!(Payload::decode(2, &bad_bool).is_err());
    // A list count over the limit is refused before reading the items.
    let mut body = Vec::new();
    body.extend_from_slice(&3u16.to_be_bytes());
    body.extend_from_slice(b"M-1");
    body.extend_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        Payload::decode(34, &body).unwrap_err(),
        DecodeError::TooLong { what: "list", .. }
    ));
    // And a list that claims more items than bytes left is cut short, not allocated.
    let mut body = Vec::new();
    body.extend_from_slice(&3u16.to_be_bytes());
    body.extend_from_slice(b"M-1");
    body.extend_from_slice(&(MAX_LIST_ITEMS as u32).to_be_bytes());
    assert!(matches!(
        Payload::decode(34, &body).unwrap_err(),
        DecodeError::Truncated { .. }
    ));
}

#[test]
fn encoding_refuses_what_is_over_a_limit() {
    let too_many = Payload::ManifestClosed(ManifestClosed {
        manifest_id: "M-1".into(),
        missing_uids: vec![String::new(); MAX_LIST_ITEMS + 1],
        unexpected_uids: vec![],
    });
    // The field's own limit (900 UIDs) is met before the generic list limit.
    assert!(matches!(
        too_many.encode_body().unwrap_err(),
        EncodeError::FieldOverLimit { ref field, max: 900, .. } if field == "ManifestClosed.missing_uids"
    ));
    let long_actor = UnsignedEvent {
        seq: 1,
        prev: None,
        timestamp: start_time(),
        actor: "x".repeat(65),
        facility: FACILITY.into(),
        payload: Payload::DeviceEnrolled(enrolled()),
    };
    assert!(matches!(
        long_actor.sign(&test_key()).unwrap_err(),
        EncodeError::TooLong { what: "actor", .. }
    ));
    let not_genesis = UnsignedEvent {
        actor: String::new(),
        payload: Payload::UserSignedIn(UserSignedIn {
            badge: "B-1".into(),
            purpose: tally_events::payload::SignInPurpose::Session,
        }),
        ..long_actor
    };
    assert_eq!(
        not_genesis.sign(&test_key()).unwrap_err(),
        EncodeError::GenesisRule
    );
}

#[test]
fn a_key_file_round_trips_and_detects_damage() {
    let mut file = KeyFile::new(&test_key());
    file.reserve(ChainHead::EMPTY, 1_000).unwrap();
    let bytes = file.encode();
    // The layout docs/EVENT-FORMAT.md §5 gives: 218 bytes, the head slot at offset 146.
    assert_eq!(bytes.len(), 218);
    assert_eq!(HEAD_SLOT_OFFSET, 146);
    let back = KeyFile::decode(&bytes).unwrap();
    assert_eq!(back, file);
    assert_eq!(back.key().device_id(), test_key().device_id());
    assert_eq!((back.floor(), back.reserved_through()), (0, 1_000));
    // Any damage to the durable part is refused.
    for at in [0, 9, 20, 45, 55, 60, 80, 100, 110, HEAD_SLOT_OFFSET - 1] {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x01;
        assert!(KeyFile::decode(&damaged).is_err(), "byte {at}");
    }
    assert_eq!(
        KeyFile::decode(&bytes[..10]).unwrap_err(),
        KeyFileError::Damaged
    );
}

fn head(seq: u64) -> ChainHead {
    ChainHead {
        seq,
        hash: tally_events::Sha256Hash::of(&seq.to_be_bytes()),
    }
}

#[test]
fn the_head_slot_is_written_in_place_and_a_torn_slot_falls_back_to_the_durable_head() {
    let mut file = KeyFile::new(&test_key());
    file.reserve(ChainHead::EMPTY, 1_000).unwrap();
    file.reserve(head(10), 1_000).unwrap();
    let durable = file.encode();
    file.record_head(head(15)).unwrap();
    // Only the slot changes between commits.
    let mut in_place = durable.clone();
    in_place[HEAD_SLOT_OFFSET..].copy_from_slice(&file.encode_head_slot());
    assert_eq!(in_place, file.encode());
    assert_eq!(KeyFile::decode(&in_place).unwrap().head(), Some(head(15)));
    // A torn slot (power loss mid-write): the head of the reservation counts.
    for at in [HEAD_SLOT_OFFSET, HEAD_SLOT_OFFSET + 20, in_place.len() - 1] {
        let mut torn = in_place.clone();
        torn[at] ^= 0x40;
        assert_eq!(
            KeyFile::decode(&torn).unwrap().head(),
            Some(head(10)),
            "{at}"
        );
    }
    // A slot from another reservation of the same key does not fit this file.
    let mut other = file.clone();
    other.reserve(head(15), 1_000).unwrap();
    other.record_head(head(16)).unwrap();
    let mut mixed = durable.clone();
    mixed[HEAD_SLOT_OFFSET..].copy_from_slice(&other.encode_head_slot());
    assert_eq!(KeyFile::decode(&mixed).unwrap().head(), Some(head(10)));
    // The head never goes back and never leaves the reservation.
    assert!(file.record_head(head(14)).is_err());
    assert!(file.record_head(head(1_011)).is_err());
}

#[test]
fn a_version_1_key_file_still_reads_and_is_upgraded_by_the_next_reservation() {
    // A v1 file as tally wrote it: magic, version 1, seed, floor 40, reserved through 1040.
    let mut v1 = Vec::new();
    v1.extend_from_slice(b"TALLYKEY");
    v1.extend_from_slice(&1u16.to_be_bytes());
    v1.extend_from_slice(&test_key().seed());
    v1.extend_from_slice(&40u64.to_be_bytes());
    v1.extend_from_slice(&1_040u64.to_be_bytes());
    let check = tally_events::Sha256Hash::of(&v1);
    v1.extend_from_slice(check.as_bytes());
    let mut file = KeyFile::decode(&v1).unwrap();
    assert_eq!(file.version(), 1);
    assert_eq!(file.head(), None);
    assert_eq!(file.key().device_id(), test_key().device_id());
    // The v1 rule: below the floor is a restore; inside the block cannot be told.
    assert!(file.check_database(head(39), None).is_err());
    file.check_database(head(50), None).unwrap();
    file.reserve(head(50), 1_000).unwrap();
    let upgraded = KeyFile::decode(&file.encode()).unwrap();
    assert_eq!(upgraded.version(), 2);
    assert_eq!(upgraded.head(), Some(head(50)));
}

#[test]
fn the_key_file_vouches_only_for_its_recorded_head_and_its_descendants_in_the_block() {
    let mut file = KeyFile::new(&test_key());
    file.reserve(ChainHead::EMPTY, 1_000).unwrap();
    file.reserve(head(100), 1_000).unwrap();
    file.record_head(head(150)).unwrap();
    // The recorded head itself.
    file.check_database(head(150), Some(head(150).hash))
        .unwrap();
    // A descendant inside the block (the crash window), through the recorded head.
    file.check_database(head(170), Some(head(150).hash))
        .unwrap();
    // An ancestor inside the current block: a restored database (v1 accepted this).
    let error = file.check_database(head(120), None).unwrap_err();
    assert_eq!(
        error,
        KeyFileError::RestoreDetected {
            db_head: 120,
            recorded: 150
        }
    );
    assert!(error
        .to_string()
        .contains("restored from a backup: re-enroll"));
    // Same seq, another event; or a longer chain that does not pass through the head.
    let forked = ChainHead {
        seq: 150,
        hash: tally_events::Sha256Hash::of(b"other"),
    };
    assert_eq!(
        file.check_database(forked, None).unwrap_err(),
        KeyFileError::NotVouched { seq: 150 }
    );
    assert_eq!(
        file.check_database(head(170), Some(forked.hash))
            .unwrap_err(),
        KeyFileError::NotVouched { seq: 150 }
    );
    // Beyond the reservation: the key file was rolled back.
    assert!(matches!(
        file.check_database(head(1_101), Some(head(150).hash)),
        Err(KeyFileError::KeyFileRolledBack { .. })
    ));
    // A fresh file vouches for any chain starting at genesis inside its block.
    let mut fresh = KeyFile::new(&test_key());
    fresh.reserve(ChainHead::EMPTY, 1_000).unwrap();
    fresh.check_database(head(1), None).unwrap();
}

#[test]
fn the_seq_reservation_detects_a_restored_database_and_a_rolled_back_key_file() {
    let mut file = KeyFile::new(&test_key());
    // Enrollment: nothing in the database yet.
    file.check_head(0).unwrap();
    assert!(file.needs_reservation(1));
    file.reserve(ChainHead::EMPTY, 1_000).unwrap();
    assert!(!file.needs_reservation(1_000));
    assert!(file.needs_reservation(1_001));
    file.may_sign(1).unwrap();
    file.may_sign(1_000).unwrap();
    assert!(matches!(
        file.may_sign(1_001).unwrap_err(),
        KeyFileError::NotReserved { seq: 1_001, .. }
    ));
    // The device recorded up to 1,000 and reserves the next block at 1,001.
    file.reserve(head(1_000), 1_000).unwrap();
    assert_eq!((file.floor(), file.reserved_through()), (1_000, 2_000));
    // Restart at head 1,500: fine, and a fresh block narrows the window.
    file.check_head(1_500).unwrap();
    file.reserve(head(1_500), 1_000).unwrap();
    // A database restored from last week's backup (head 900) must not sign again.
    let error = file.check_head(900).unwrap_err();
    assert_eq!(
        error,
        KeyFileError::RestoreDetected {
            db_head: 900,
            recorded: 1_500
        }
    );
    assert!(error.to_string().contains("re-enroll"));
    assert!(file.reserve(head(900), 1_000).is_err());
    // A key file older than the database.
    let old = KeyFile::new(&test_key());
    assert!(matches!(
        old.check_head(10).unwrap_err(),
        KeyFileError::KeyFileRolledBack { .. }
    ));
}

#[test]
fn a_domain_signature_never_verifies_as_an_event() {
    let events = build_chain(3);
    let key = test_key();
    for event in &events {
        let header = event.header_bytes().to_vec();
        let bytes = event.as_bytes();
        let body_end = bytes.len() - 64;
        // Whatever the message (even an event's own header, or its whole record), a domain
        // signature spliced into the event does not verify.
        for message in [header.clone(), bytes.to_vec(), bytes[..body_end].to_vec()] {
            for label in ["export-trailer", "ledger-auth", "x"] {
                let signature = tally_events::sign_domain(&key, label, &message).unwrap();
                let mut forged = bytes[..body_end].to_vec();
                forged.extend_from_slice(&signature);
                let forged = SignedEvent::from_bytes(forged).unwrap();
                assert!(forged.verify().is_err(), "{label}");
            }
        }
        // And the signed bytes of a domain signature never decode as an event.
        let label = tally_events::DomainLabel::new("export-trailer").unwrap();
        let signed = label.signed_bytes(&header);
        let mut as_record = signed.clone();
        as_record.extend_from_slice(&[0; 64]);
        assert!(SignedEvent::from_bytes(as_record).is_err());
    }
    // The event domain itself cannot be named.
    assert!(matches!(
        tally_events::sign_domain(&key, "tlev", b"x"),
        Err(tally_events::DomainError::EventDomain(_))
    ));
}

#[test]
fn the_key_file_records_its_database_file_and_refuses_another() {
    let mut file = KeyFile::new(&test_key());
    let original = tally_events::DatabaseIdentity {
        inode: 4_711,
        birth_ns: 1_795_000_000_123_456_789,
    };
    file.set_database(original);
    let back = KeyFile::decode(&file.encode()).unwrap();
    assert_eq!(back.database(), original);
    back.check_database_file(&original).unwrap();
    // A copy written as a new file: another inode, or the same inode number reused with
    // another birth time.
    for copy in [
        tally_events::DatabaseIdentity {
            inode: 4_712,
            ..original
        },
        tally_events::DatabaseIdentity {
            birth_ns: original.birth_ns + 1,
            ..original
        },
    ] {
        let error = back.check_database_file(&copy).unwrap_err();
        assert_eq!(error, KeyFileError::DatabaseReplaced);
        assert!(error
            .to_string()
            .contains("restored from a backup: re-enroll"));
    }
    // Where the file system reports no birth time, the inode alone decides; a file without a
    // recorded identity (version 1) accepts any.
    back.check_database_file(&tally_events::DatabaseIdentity {
        inode: 4_711,
        birth_ns: 0,
    })
    .unwrap();
    KeyFile::new(&test_key())
        .check_database_file(&tally_events::DatabaseIdentity {
            inode: 1,
            birth_ns: 1,
        })
        .unwrap();
}

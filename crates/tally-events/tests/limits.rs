//! Every record fits in 65,535 bytes (one entry of the ledger's transparency log): the
//! largest record of every kind (every field at its limit, the longest actor and facility)
//! is encoded, signed, checked against the limit and read back; anything bigger is refused
//! with a structured error when encoding and when decoding.

mod common;

use common::*;
use tally_events::event::{MAX_NAME_BYTES, MAX_RECORD_BYTES};
use tally_events::payload::{RfidSweepRecorded, RfidTagRead, KINDS};
use tally_events::wire::Wire;
use tally_events::{
    Bytes, DecodeError, EncodeError, Payload, Sha256Hash, SignedEvent, UnsignedEvent,
};

fn longest_event(payload: Payload) -> UnsignedEvent {
    let genesis = payload.kind() == 1;
    UnsignedEvent {
        seq: if genesis { 1 } else { u64::MAX },
        prev: if genesis {
            None
        } else {
            Some(Sha256Hash([0xff; 32]))
        },
        timestamp: start_time(),
        actor: "a".repeat(MAX_NAME_BYTES),
        facility: "f".repeat(MAX_NAME_BYTES),
        payload,
    }
}

#[test]
fn the_largest_record_of_every_kind_fits_in_65535_bytes() {
    assert_eq!(MAX_RECORD_BYTES, 65_535);
    let mut report = Vec::new();
    for (kind, name) in KINDS {
        let payload = Payload::largest(*kind).expect("a known kind");
        assert_eq!(payload.kind(), *kind);
        let event = longest_event(payload.clone())
            .sign(&test_key())
            .unwrap_or_else(|error| panic!("kind {kind} {name}: {error}"));
        let len = event.as_bytes().len();
        assert!(len <= 65_535, "kind {kind} {name}: {len} bytes");
        // It reads back, payload and all.
        let back = SignedEvent::from_bytes(event.as_bytes().to_vec()).unwrap();
        back.verify().unwrap();
        assert_eq!(back.payload().unwrap(), payload, "kind {kind} {name}");
        report.push((len, *kind, *name));
    }
    report.sort();
    // The documentation quotes the largest; keep it honest.
    let (len, kind, _) = report.last().unwrap();
    eprintln!("largest record: kind {kind}, {len} bytes");
}

fn sweep(tags: usize) -> Payload {
    Payload::RfidSweepRecorded(RfidSweepRecorded {
        reader: "zebra-rfd40".into(),
        location: Some("VAULT-1".into()),
        tags: (0..tags)
            .map(|n| RfidTagRead {
                epc: Bytes((n as u128).to_be_bytes()[4..].to_vec()),
                decoded_uid: Some(format!("1A4FF0100000022{n:09}")),
            })
            .collect(),
    })
}

#[test]
fn a_sweep_holds_at_most_1024_tags_and_a_field_over_its_limit_is_refused() {
    longest_event(sweep(1_024)).sign(&test_key()).unwrap();
    let error = longest_event(sweep(1_025)).sign(&test_key()).unwrap_err();
    assert_eq!(
        error,
        EncodeError::FieldOverLimit {
            field: "RfidSweepRecorded.tags".into(),
            len: 1_025,
            max: 1_024
        }
    );
    // Decoding refuses the same payload built by hand (as an old or hostile writer would).
    let Payload::RfidSweepRecorded(too_many) = sweep(1_025) else {
        unreachable!()
    };
    let mut body = Vec::new();
    too_many.encode(&mut body).unwrap();
    assert!(matches!(
        Payload::decode(17, &body),
        Err(DecodeError::FieldOverLimit { ref field, len: 1_025, max: 1_024 }) if field == "RfidSweepRecorded.tags"
    ));
    // A UID longer than a UID can be, in a nested list item.
    let Payload::RfidSweepRecorded(mut long_uid) = sweep(1) else {
        unreachable!()
    };
    long_uid.tags[0].decoded_uid = Some("9".repeat(25));
    assert!(matches!(
        longest_event(Payload::RfidSweepRecorded(long_uid)).sign(&test_key()),
        Err(EncodeError::FieldOverLimit { ref field, len: 25, max: 24 }) if field == "RfidTagRead.decoded_uid"
    ));
}

#[test]
fn a_record_over_65535_bytes_is_refused_when_decoding() {
    let event = longest_event(Payload::largest(17).unwrap())
        .sign(&test_key())
        .unwrap();
    let mut bytes = event.as_bytes().to_vec();
    bytes.resize(65_536, 0);
    assert!(matches!(
        SignedEvent::from_bytes(bytes),
        Err(DecodeError::TooLong {
            len: 65_536,
            max: 65_535,
            ..
        })
    ));
    // A header claiming a payload that would make the record too long.
    let mut bytes = event.as_bytes().to_vec();
    bytes[111..115].copy_from_slice(&65_195u32.to_be_bytes());
    assert!(SignedEvent::from_bytes(bytes).is_err());
}

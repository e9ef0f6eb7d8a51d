//! Version 2 of the export stream: the trailer (device-signed, or the ledger's checkpoint and
//! inclusion proof), its domain separation from events, truncation at a record boundary, and
//! the streaming chain verifier's agreement with `verify_chain`.

mod common;

use common::*;
use proptest::prelude::*;
use tally_events::merkle::{inclusion_proof, leaf_hash, root_of_leaf_hashes};
use tally_events::note::{Checkpoint, NoteSigner, NoteVerifier};
use tally_events::{
    export_signed_to_vec, export_to_vec, read_export, verify_chain, ChainOptions, ChainVerifier,
    DeviceKey, DeviceTrailer, ExportEnd, ExportError, ExportReader, ExportWriter, LedgerTrailer,
    Next, SignedEvent, Trailer, TrailerError, VerifierKey, VerifyMode,
};

fn end_of(events: &[SignedEvent]) -> (u64, u64, Vec<u8>) {
    let last = events.last().unwrap();
    (events.len() as u64, last.seq(), last.as_bytes().to_vec())
}

/// Reads a whole export: its records and its trailer.
fn read_all(bytes: &[u8]) -> Result<(Vec<Vec<u8>>, Option<Trailer>), ExportError> {
    let mut reader = ExportReader::new(bytes)?;
    let mut records = Vec::new();
    while let Some(record) = reader.next_record()? {
        records.push(record);
    }
    Ok((records, reader.trailer().cloned()))
}

#[test]
fn a_device_export_ends_with_a_trailer_that_vouches_for_it() {
    let events = build_chain(7);
    let bytes = export_signed_to_vec(&events, &test_key()).unwrap();
    let (records, trailer) = read_all(&bytes).unwrap();
    assert_eq!(records, raw(&events));
    let trailer = trailer.expect("a version 2 export has a trailer");
    let (count, head_seq, head) = end_of(&events);
    let end = ExportEnd {
        device: Some(test_key().device_id()),
        records: count,
        head_seq,
        head_record: &head,
    };
    trailer.check(&end, None).unwrap();
    let Trailer::Device(device) = &trailer else {
        panic!("a device export's trailer is the device's")
    };
    assert_eq!(device.records, 7);
    assert_eq!(device.head_seq, 7);
    assert_eq!(device.head_hash, events[6].record_hash());
    // The same records in version 1 are the same bytes: only the header and trailer differ.
    let v1 = export_to_vec(&events).unwrap();
    assert_eq!(read_export(&v1).unwrap(), records);
}

#[test]
fn an_export_cut_at_a_record_boundary_is_reported_as_truncated() {
    let events = build_chain(5);
    let bytes = export_signed_to_vec(&events, &test_key()).unwrap();
    // Cut just before the trailer marker, and after every other record boundary.
    let mut boundary = 16;
    for (n, event) in events.iter().enumerate() {
        boundary += 4 + event.as_bytes().len();
        let error = read_all(&bytes[..boundary]).unwrap_err();
        assert!(
            matches!(error, ExportError::MissingTrailer { records } if records == n + 1),
            "{error}"
        );
        assert!(error.to_string().contains("truncated"), "{error}");
    }
    // A trailer taken from a longer export does not vouch for the shorter one.
    let shorter = export_signed_to_vec(&events[..3], &test_key()).unwrap();
    let trailer_of_shorter = &shorter[shorter.len() - (4 + 4 + 150)..];
    let mut spliced = bytes[..16].to_vec();
    for event in &events {
        spliced.extend_from_slice(&(event.as_bytes().len() as u32).to_be_bytes());
        spliced.extend_from_slice(event.as_bytes());
    }
    spliced.extend_from_slice(trailer_of_shorter);
    let (records, trailer) = read_all(&spliced).unwrap();
    let head = records.last().unwrap().clone();
    let error = trailer
        .unwrap()
        .check(
            &ExportEnd {
                device: Some(test_key().device_id()),
                records: records.len() as u64,
                head_seq: 5,
                head_record: &head,
            },
            None,
        )
        .unwrap_err();
    assert!(matches!(error, TrailerError::Mismatch { .. }), "{error}");
}

#[test]
fn a_trailer_signed_by_another_key_or_altered_is_refused() {
    let events = build_chain(4);
    let (count, head_seq, head) = end_of(&events);
    let end = ExportEnd {
        device: Some(test_key().device_id()),
        records: count,
        head_seq,
        head_record: &head,
    };
    let forged = DeviceTrailer::sign(&other_key(), count, head_seq, events[3].record_hash());
    assert!(matches!(
        Trailer::Device(forged).check(&end, None),
        Err(TrailerError::WrongDevice { .. })
    ));
    let mut altered = DeviceTrailer::sign(&test_key(), count, head_seq, events[3].record_hash());
    altered.records += 1;
    assert_eq!(
        Trailer::Device(altered.clone()).check(&end, None),
        Err(TrailerError::BadSignature)
    );
    // Every single-bit change of the encoded trailer is caught when read and checked.
    let good = Trailer::Device(DeviceTrailer::sign(
        &test_key(),
        count,
        head_seq,
        events[3].record_hash(),
    ))
    .encode();
    for byte in 0..good.len() {
        let mut bad = good.clone();
        bad[byte] ^= 0x01;
        let caught = match Trailer::decode(&bad) {
            Err(_) => true,
            Ok(trailer) => trailer.check(&end, None).is_err(),
        };
        assert!(caught, "a change of byte {byte} went unnoticed");
    }
}

#[test]
fn a_trailer_signature_can_never_be_taken_for_an_event_and_back() {
    let key = test_key();
    let verifier = VerifierKey::new(&key.device_id()).unwrap();
    let events = build_chain(2);
    let trailer = DeviceTrailer::sign(&key, 2, 2, events[1].record_hash());
    // What the trailer signature covers is not an event header: it starts with TLXT.
    let message = trailer.message();
    assert_eq!(&message[..4], b"TLXT");
    // It is a domain signature (TALLYSIG ‖ label ‖ message), under the trailer's own label.
    tally_events::domain::verify_domain(
        &key.device_id(),
        tally_events::trailer::TRAILER_DOMAIN,
        &message,
        &trailer.signature,
    )
    .unwrap();
    assert!(verifier
        .verify_strict(&message, &trailer.signature)
        .is_err());
    assert!(SignedEvent::from_bytes(message.clone()).is_err());
    // Splice the trailer's signed bytes and signature into the shape of a record: refused.
    let mut record = message.clone();
    record.extend_from_slice(&trailer.signature);
    assert!(SignedEvent::from_bytes(record).is_err());
    // Put the trailer's signature on an event: it does not verify as the event's signature.
    let mut forged = events[1].as_bytes().to_vec();
    let len = forged.len();
    forged[len - 64..].copy_from_slice(&trailer.signature);
    let forged = SignedEvent::from_bytes(forged).unwrap();
    assert!(forged.verify().is_err());
    // And an event's signature is no trailer signature, even over the event's own bytes.
    let mut stolen = trailer.clone();
    stolen.signature = *events[1].signature();
    assert!(stolen.verify_signature().is_err());
    assert!(verifier
        .verify_strict(events[1].header_bytes(), &trailer.signature)
        .is_err());
    // An event header never starts with the trailer magic, and the trailer check refuses a
    // message that is an event header.
    assert_ne!(&events[1].header_bytes()[..4], b"TLXT");
}

/// A ledger of `entries` records (its log entries are the records), its signer, and the
/// trailer of an export of the first `upto` of them.
fn ledger_export(
    entries: &[SignedEvent],
    upto: usize,
    signer: &NoteSigner,
) -> (Vec<u8>, LedgerTrailer) {
    let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e.as_bytes())).collect();
    let checkpoint = Checkpoint {
        origin: "ledger.tally.example/log".into(),
        size: leaves.len() as u64,
        root: root_of_leaf_hashes(&leaves),
    };
    let index = upto - 1;
    let trailer = LedgerTrailer {
        records: upto as u64,
        head_hash: entries[index].record_hash(),
        log_index: index as u64,
        checkpoint: signer.sign(&checkpoint.text()),
        proof: inclusion_proof(index, &leaves).unwrap(),
    };
    let mut writer = ExportWriter::v2(Vec::new()).unwrap();
    for event in &entries[..upto] {
        writer.write(event).unwrap();
    }
    let bytes = writer
        .finish_with_trailer(&Trailer::Ledger(trailer.clone()))
        .unwrap();
    (bytes, trailer)
}

#[test]
fn a_ledger_export_carries_a_checkpoint_and_an_inclusion_proof_of_its_head() {
    let events = build_chain(11);
    let signer = NoteSigner::new("ledger.tally.example", DeviceKey::from_seed([0x4c; 32]));
    let ledger_key = NoteVerifier::parse(&signer.verifier_key()).unwrap();
    for upto in [1, 6, 11] {
        let (bytes, _) = ledger_export(&events, upto, &signer);
        let (records, trailer) = read_all(&bytes).unwrap();
        assert_eq!(records, raw(&events[..upto]));
        let head = records.last().unwrap().clone();
        let end = ExportEnd {
            device: None,
            records: upto as u64,
            head_seq: upto as u64,
            head_record: &head,
        };
        let trailer = trailer.unwrap();
        trailer.check(&end, Some(&ledger_key)).unwrap();
        trailer.check(&end, None).unwrap();
        // Another ledger key: the checkpoint is not signed by it.
        let other = NoteSigner::new("ledger.tally.example", DeviceKey::from_seed([0x4d; 32]));
        let other_key = NoteVerifier::parse(&other.verifier_key()).unwrap();
        assert!(matches!(
            trailer.check(&end, Some(&other_key)),
            Err(TrailerError::Checkpoint(_))
        ));
    }
    // A proof for one record does not vouch for another head.
    let (_, mut trailer) = ledger_export(&events, 6, &signer);
    let head = events[4].as_bytes().to_vec();
    trailer.head_hash = events[4].record_hash();
    trailer.records = 5;
    let end = ExportEnd {
        device: None,
        records: 5,
        head_seq: 5,
        head_record: &head,
    };
    assert!(matches!(
        Trailer::Ledger(trailer.clone()).check(&end, Some(&ledger_key)),
        Err(TrailerError::Inclusion(_))
    ));
    // A checkpoint whose root was changed after signing fails its signature.
    let (_, mut trailer) = ledger_export(&events, 6, &signer);
    trailer.checkpoint = trailer.checkpoint.replacen("\n11\n", "\n12\n", 1);
    let head = events[5].as_bytes().to_vec();
    let end = ExportEnd {
        device: None,
        records: 6,
        head_seq: 6,
        head_record: &head,
    };
    assert!(Trailer::Ledger(trailer)
        .check(&end, Some(&ledger_key))
        .is_err());
}

#[test]
fn the_ledger_trailer_round_trips_and_refuses_trailing_bytes() {
    let events = build_chain(3);
    let signer = NoteSigner::new("ledger.tally.example", DeviceKey::from_seed([0x4c; 32]));
    let (bytes, trailer) = ledger_export(&events, 3, &signer);
    let encoded = Trailer::Ledger(trailer.clone()).encode();
    assert_eq!(Trailer::decode(&encoded).unwrap(), Trailer::Ledger(trailer));
    let mut longer = encoded.clone();
    longer.push(0);
    assert!(Trailer::decode(&longer).is_err());
    let mut after = bytes.clone();
    after.push(0);
    assert!(matches!(read_all(&after), Err(ExportError::Trailer(_))));
}

/// Runs the streaming verifier over records, as a reader of a file would.
fn stream_verify(
    records: &[Vec<u8>],
    options: &ChainOptions,
) -> Result<tally_events::ChainReport, tally_events::ChainFailure> {
    let mut verifier = ChainVerifier::new(options.clone(), records);
    for record in records {
        if verifier.push(record.clone()) == Next::Done {
            break;
        }
    }
    verifier.finish()
}

fn options(mode: VerifyMode) -> ChainOptions {
    ChainOptions {
        mode,
        ..ChainOptions::default()
    }
}

#[derive(Debug, Clone)]
enum Damage {
    Flip {
        record: usize,
        byte: usize,
        mask: u8,
    },
    Drop(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Truncate {
        record: usize,
        len: usize,
    },
    Foreign(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (0usize..8, any::<usize>(), 1u8..=255).prop_map(|(record, byte, mask)| Damage::Flip {
            record,
            byte,
            mask
        }),
        (0usize..8).prop_map(Damage::Drop),
        (0usize..8).prop_map(Damage::Duplicate),
        (0usize..8, 0usize..8).prop_map(|(a, b)| Damage::Swap(a, b)),
        (0usize..8, any::<usize>()).prop_map(|(record, len)| Damage::Truncate { record, len }),
        (0usize..8).prop_map(Damage::Foreign),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The streaming verifier reaches the verdict of `verify_chain`, in both modes, for any
    /// combination of damage.
    #[test]
    fn the_streaming_verifier_agrees_with_verify_chain(
        damages in proptest::collection::vec(damage(), 0..4)
    ) {
        let events = build_chain(8);
        let foreign = build_chain_with(other_key(), 8);
        let mut records = raw(&events);
        for damage in damages {
            let n = records.len();
            if n == 0 {
                break;
            }
            match damage {
                Damage::Flip { record, byte, mask } => {
                    let r = &mut records[record % n];
                    let at = byte % r.len();
                    r[at] ^= mask;
                }
                Damage::Drop(i) => { records.remove(i % n); }
                Damage::Duplicate(i) => { let copy = records[i % n].clone(); records.insert(i % n, copy); }
                Damage::Swap(a, b) => records.swap(a % n, b % n),
                Damage::Truncate { record, len } => {
                    let r = &mut records[record % n];
                    let keep = len % r.len().max(1);
                    r.truncate(keep.max(1));
                }
                Damage::Foreign(i) => records[i % n] = foreign[i % n].as_bytes().to_vec(),
            }
        }
        for mode in [VerifyMode::Strict, VerifyMode::Batch] {
            let options = options(mode);
            prop_assert_eq!(stream_verify(&records, &options), verify_chain(&records, &options));
        }
    }
}

#[test]
fn the_streaming_verifier_agrees_on_forks_and_segments() {
    let events = build_chain(6);
    let mut records = raw(&events);
    // A fork: another validly signed event 4.
    let clock = clock();
    let mut writer =
        tally_events::ChainWriter::resume(test_key(), FACILITY, 3, events[2].record_hash())
            .unwrap();
    clock.advance_ms(999_999);
    let other4 = writer
        .append(&clock, "B-9", every_payload()[2].clone())
        .unwrap();
    records.push(other4.as_bytes().to_vec());
    for mode in [VerifyMode::Strict, VerifyMode::Batch] {
        let options = options(mode);
        let expected = verify_chain(&records, &options);
        assert!(matches!(
            expected.as_ref().unwrap_err().kind,
            tally_events::FailureKind::Fork { .. }
        ));
        assert_eq!(stream_verify(&records, &options), expected);
    }
    // A segment after a verified head.
    let segment = raw(&events[3..]);
    let options = ChainOptions {
        start: Some(tally_events::ChainStart {
            head_seq: 3,
            head_hash: events[2].record_hash(),
        }),
        ..ChainOptions::default()
    };
    assert_eq!(
        stream_verify(&segment, &options),
        verify_chain(&segment, &options)
    );
    assert!(stream_verify(&segment, &options).is_ok());
    assert_eq!(
        stream_verify(&[], &options),
        verify_chain::<Vec<u8>>(&[], &options)
    );
}

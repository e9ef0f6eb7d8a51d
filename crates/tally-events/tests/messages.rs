//! The whole message catalogue of tally-events: one sample of every variant of every type a
//! person reads, each checked in both languages (design-notes §8) — English is the `Display`
//! text, Spanish is written (not empty, not the English copied).

mod common;

use std::fmt::Display;

use common::*;
use tally_events::custody::CustodyError;
use tally_events::merkle::{ConsistencyError, InclusionError};
use tally_events::note::NoteError;
use tally_events::{
    Anomaly, ChainFailure, DecodeError, DeviceId, DomainError, EncodeError, Error, ExportError,
    FailureKind, KeyFileError, Language, Message, Sha256Hash, TrailerError, VerifyError,
};

/// A catalogue entry: a message a person reads, with its `Display`.
trait Entry: Message + Display {}
impl<T: Message + Display> Entry for T {}

fn decode_errors() -> Vec<DecodeError> {
    vec![
        DecodeError::Truncated {
            offset: 1,
            wanted: 2,
            available: 0,
        },
        DecodeError::TrailingBytes {
            offset: 9,
            count: 1,
        },
        DecodeError::TooLong {
            offset: 0,
            what: "list",
            len: 5000,
            max: 4096,
        },
        DecodeError::BadUtf8 { offset: 3 },
        DecodeError::BadBool {
            offset: 3,
            value: 2,
        },
        DecodeError::BadOptionTag {
            offset: 3,
            value: 7,
        },
        DecodeError::UnknownCode {
            offset: 3,
            what: "MassUnit",
            value: 99,
        },
        DecodeError::BadDate {
            year: 2026,
            month: 2,
            day: 30,
        },
        DecodeError::BadMagic,
        DecodeError::UnsupportedVersion { version: 9 },
        DecodeError::BadPrev { seq: 4 },
        DecodeError::GenesisKind { seq: 4 },
        DecodeError::ZeroSeq,
        DecodeError::BadExportMagic,
        DecodeError::BadTrailer,
        DecodeError::FieldOverLimit {
            field: "Scan.raw".into(),
            len: 300,
            max: 256,
        },
        DecodeError::UnsupportedExport {
            version: 3,
            flags: 1,
        },
    ]
}

fn chain_failures() -> Vec<ChainFailure> {
    let events = build_chain(2);
    let kinds = vec![
        FailureKind::Empty,
        FailureKind::Malformed(DecodeError::BadMagic),
        FailureKind::BadKey,
        FailureKind::BadSignature,
        FailureKind::AlteredPayload,
        FailureKind::WrongAuthor {
            expected: DeviceId([1; 32]),
            found: DeviceId([2; 32]),
        },
        FailureKind::Missing {
            next_present: Some(9),
        },
        FailureKind::Missing {
            next_present: Some(6),
        },
        FailureKind::Missing { next_present: None },
        FailureKind::Reordered { found: 6 },
        FailureKind::Duplicated,
        FailureKind::Fork {
            first: Box::new(events[0].clone()),
            second: Box::new(events[1].clone()),
        },
        FailureKind::BrokenLink,
        FailureKind::BeforeStart { first_seq: 10 },
        FailureKind::TimeWentBackwards { by_us: 5 },
    ];
    kinds
        .into_iter()
        .map(|kind| ChainFailure {
            seq: 5,
            position: 4,
            kind,
        })
        .collect()
}

fn custody_errors() -> Vec<CustodyError> {
    let device = DeviceId([3; 32]);
    vec![
        CustodyError::NotABundle,
        CustodyError::UnsupportedVersion(2),
        CustodyError::NonZeroReserved,
        CustodyError::Truncated("the checkpoint"),
        CustodyError::BadLength("the UID"),
        CustodyError::NotUtf8("the statement"),
        CustodyError::UnknownRole(9),
        CustodyError::TrailingBytes(4),
        CustodyError::CheckpointSignature(NoteError::BadVerifierKey),
        CustodyError::BadCheckpoint("origin line".into()),
        CustodyError::StatementSignature(NoteError::NotSignedByKey("ledger".into())),
        CustodyError::BadStatement("no UID line"),
        CustodyError::StatementForAnotherCheckpoint {
            statement: 10,
            checkpoint: 12,
        },
        CustodyError::OutOfOrder {
            position: 2,
            index: 7,
        },
        CustodyError::BadRecord {
            position: 2,
            index: 7,
            reason: "short".into(),
        },
        CustodyError::BadSignature {
            position: 2,
            index: 7,
            reason: "forged".into(),
        },
        CustodyError::NotInLog {
            position: 2,
            index: 7,
            reason: InclusionError::RootMismatch,
        },
        CustodyError::ForeignEvent {
            position: 2,
            index: 7,
            uid: "1A4000000000000000000001".into(),
        },
        CustodyError::BadContext {
            position: 2,
            index: 7,
            role: "genesis",
            reason: "kind 5".into(),
        },
        CustodyError::BrokenChain {
            device,
            seq: 8,
            reason: "prev differs",
        },
        CustodyError::MissingGenesis(device),
        CustodyError::MissingWeight {
            device,
            seq: 8,
            weight_seq: 6,
        },
        CustodyError::MissingWitness {
            device,
            seq: 8,
            witness: "B-77".into(),
            witness_seq: 7,
        },
        CustodyError::MissingScale {
            device,
            seq: 8,
            scale_id: "SC-1".into(),
        },
        CustodyError::NotTheListedEntries {
            reason: "an entry was added",
        },
    ]
}

/// One sample of every variant of every catalogue type of the crate.
fn catalogue() -> Vec<Box<dyn Entry>> {
    let mut all: Vec<Box<dyn Entry>> = Vec::new();
    for error in decode_errors() {
        all.push(Box::new(VerifyError::Malformed(error.clone())));
        all.push(Box::new(ExportError::Header(error.clone())));
        all.push(Box::new(ExportError::Trailer(error.clone())));
        all.push(Box::new(TrailerError::Malformed(error.clone())));
        all.push(Box::new(Error::Decode(error.clone())));
        all.push(Box::new(error));
    }
    for error in [
        EncodeError::TooLong {
            what: "string",
            len: 70_000,
            max: 65_535,
        },
        EncodeError::FieldOverLimit {
            field: "WeightRecorded.value".into(),
            len: 300,
            max: 64,
        },
        EncodeError::KnownKindAsUnknown { kind: 1 },
        EncodeError::NotRecordable {
            what: "MassUnit",
            value: "ozt",
        },
        EncodeError::SeqExhausted,
        EncodeError::GenesisRule,
    ] {
        all.push(Box::new(Error::Encode(error.clone())));
        all.push(Box::new(error));
    }
    for error in [
        VerifyError::BadKey,
        VerifyError::AlteredPayload,
        VerifyError::BadSignature,
    ] {
        all.push(Box::new(Error::Verify(error.clone())));
        all.push(Box::new(error));
    }
    for error in [
        KeyFileError::Damaged,
        KeyFileError::UnsupportedVersion(3),
        KeyFileError::RestoreDetected {
            db_head: 900,
            recorded: 1500,
        },
        KeyFileError::NotVouched { seq: 17 },
        KeyFileError::DatabaseReplaced,
        KeyFileError::KeyFileRolledBack {
            db_head: 10,
            reserved_through: 0,
        },
        KeyFileError::NotReserved {
            seq: 1001,
            reserved_through: 1000,
        },
        KeyFileError::Exhausted,
    ] {
        all.push(Box::new(error));
    }
    for error in [
        DomainError::BadLabel("X".into()),
        DomainError::EventDomain("event".into()),
        DomainError::BadSignature,
        DomainError::BadKey,
    ] {
        all.push(Box::new(error));
    }
    all.push(Box::new(Error::Export(ExportError::Truncated {
        position: 4,
    })));
    for error in [
        ExportError::Io(std::io::Error::other("disk full")),
        ExportError::BadLength {
            position: 1,
            len: 0,
            max: 10,
        },
        ExportError::Truncated { position: 4 },
        ExportError::MissingTrailer { records: 12 },
        ExportError::TrailerRule {
            version: 1,
            what: "has no trailer",
        },
    ] {
        all.push(Box::new(error));
    }
    for anomaly in [
        Anomaly::WallClockSteppedBack {
            seq: 3,
            by_ms: 3_600_000,
        },
        Anomaly::Reboot { seq: 8 },
    ] {
        all.push(Box::new(anomaly));
    }
    for failure in chain_failures() {
        all.push(Box::new(failure));
    }
    for error in [
        TrailerError::WrongDevice {
            expected: DeviceId([1; 32]),
            found: DeviceId([2; 32]),
        },
        TrailerError::BadSignature,
        TrailerError::Mismatch {
            claimed: 10,
            claimed_seq: 10,
            found: 9,
            found_seq: 9,
        },
        TrailerError::WrongHead {
            claimed: Sha256Hash([1; 32]),
            found: Sha256Hash([2; 32]),
        },
        TrailerError::Checkpoint(NoteError::Malformed("no blank line")),
        TrailerError::Inclusion(InclusionError::IndexOutOfRange { index: 9, size: 3 }),
    ] {
        all.push(Box::new(error));
    }
    for error in custody_errors() {
        all.push(Box::new(error));
    }
    for error in [
        NoteError::Malformed("no blank line"),
        NoteError::BadCheckpoint("no origin"),
        NoteError::BadVerifierKey,
        NoteError::NotSignedByKey("ledger+1234".into()),
        NoteError::BadSignature("ledger+1234".into()),
    ] {
        all.push(Box::new(error));
    }
    for error in [
        InclusionError::IndexOutOfRange { index: 9, size: 3 },
        InclusionError::WrongLength { index: 2, size: 3 },
        InclusionError::RootMismatch,
    ] {
        all.push(Box::new(error));
    }
    for error in [
        ConsistencyError::Smaller { old: 5, new: 3 },
        ConsistencyError::FromEmpty,
        ConsistencyError::Mismatch { old: 3, new: 5 },
    ] {
        all.push(Box::new(error));
    }
    all
}

#[test]
fn every_message_has_its_english_as_display_and_a_spanish_of_its_own() {
    let all = catalogue();
    assert!(
        all.len() > 150,
        "the catalogue sample lost entries: {}",
        all.len()
    );
    for entry in all {
        let english = entry.message(Language::English);
        let spanish = entry.message(Language::Spanish);
        assert_eq!(
            english,
            entry.to_string(),
            "English is the Display text, said once"
        );
        assert!(!english.trim().is_empty());
        assert!(!spanish.trim().is_empty(), "no Spanish text: {english}");
        assert_ne!(
            english, spanish,
            "Spanish copied from the English: {english}"
        );
    }
}

#[test]
fn a_message_inside_another_is_told_in_the_same_language() {
    let inner = DecodeError::BadMagic.message(Language::Spanish);
    for outer in [
        VerifyError::Malformed(DecodeError::BadMagic).message(Language::Spanish),
        ExportError::Trailer(DecodeError::BadMagic).message(Language::Spanish),
        TrailerError::Malformed(DecodeError::BadMagic).message(Language::Spanish),
        chain_failures()[1].message(Language::Spanish),
    ] {
        assert!(outer.ends_with(&inner), "{outer}");
    }
    assert_eq!(
        ExportError::Header(DecodeError::BadMagic).message(Language::Spanish),
        inner
    );
    let proof = InclusionError::RootMismatch;
    let not_in_log = CustodyError::NotInLog {
        position: 2,
        index: 7,
        reason: proof.clone(),
    };
    assert!(not_in_log
        .message(Language::Spanish)
        .ends_with(&proof.message(Language::Spanish)));
    let unsigned = TrailerError::Checkpoint(NoteError::BadVerifierKey);
    assert!(unsigned
        .message(Language::Spanish)
        .ends_with(&NoteError::BadVerifierKey.message(Language::Spanish)));
}

#[test]
fn known_texts_stay_as_they_were() {
    let missing = ChainFailure {
        seq: 5,
        position: 4,
        kind: FailureKind::Missing {
            next_present: Some(9),
        },
    };
    assert_eq!(missing.to_string(), "events 5 to 8 are missing");
    assert_eq!(
        missing.message(Language::Spanish),
        "faltan los eventos 5 a 8"
    );
    let restored = KeyFileError::RestoreDetected {
        db_head: 900,
        recorded: 1500,
    };
    assert_eq!(
        restored.to_string(),
        "restored from a backup: re-enroll (the database ends at event 900, but this device's key file recorded event 1500)"
    );
    let spanish = restored.message(Language::Spanish);
    assert!(spanish.contains("vuelva a dar de alta"), "{spanish}");
    assert_eq!(
        DecodeError::BadDate {
            year: 26,
            month: 2,
            day: 30
        }
        .to_string(),
        "the date 0026-02-30 does not exist"
    );
}

#[test]
fn the_crate_error_says_what_its_cause_says() {
    for entry in [
        Error::from(EncodeError::SeqExhausted),
        Error::from(DecodeError::BadMagic),
        Error::from(VerifyError::BadSignature),
        Error::from(ExportError::Truncated { position: 4 }),
    ] {
        // `transparent`: the wrapper's text is its cause's, in both languages.
        for language in Language::ALL {
            let text = entry.message(language);
            let inner = match &entry {
                Error::Encode(error) => error.message(language),
                Error::Decode(error) => error.message(language),
                Error::Verify(error) => error.message(language),
                Error::Export(error) => error.message(language),
            };
            assert_eq!(text, inner);
        }
    }
    // The structure stays: a damaged event is the source of the verify error it caused, and an
    // I/O failure is said in the text only (a printer of error chains says it once).
    let malformed = VerifyError::Malformed(DecodeError::BadMagic);
    let source = std::error::Error::source(&malformed).map(ToString::to_string);
    assert_eq!(source, Some(DecodeError::BadMagic.to_string()));
    let io = ExportError::Io(std::io::Error::other("disk full"));
    assert!(std::error::Error::source(&io).is_none());
}

#[test]
fn every_custody_refusal_has_its_own_code() {
    let all = custody_errors();
    let codes: std::collections::BTreeSet<&str> = all.iter().map(CustodyError::code).collect();
    assert_eq!(codes.len(), all.len(), "every refusal has its own code");
    assert_eq!(codes.len(), 25);
}

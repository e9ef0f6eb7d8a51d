//! Every error and report variant renders in English and in Spanish (design-notes §8).

mod common;

use common::*;
use tally_events::{
    Anomaly, ChainFailure, DecodeError, DeviceId, ExportError, FailureKind, KeyFileError, Language,
    Message, VerifyError,
};

fn check(item: &dyn Message) {
    let english = item.message(Language::English);
    let spanish = item.message(Language::Spanish);
    assert!(!english.trim().is_empty());
    assert!(!spanish.trim().is_empty());
    assert_ne!(english, spanish, "no Spanish text: {english}");
}

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
        DecodeError::UnsupportedExport {
            version: 2,
            flags: 0,
        },
    ]
}

#[test]
fn decode_and_verify_errors_render_in_both_languages() {
    for error in decode_errors() {
        check(&error);
        check(&VerifyError::Malformed(error.clone()));
        check(&ExportError::Header(error));
    }
    for error in [
        VerifyError::BadKey,
        VerifyError::AlteredPayload,
        VerifyError::BadSignature,
    ] {
        check(&error);
    }
}

#[test]
fn key_file_and_export_errors_render_in_both_languages() {
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
        check(&error);
    }
    for error in [
        ExportError::Io(std::io::Error::other("disk full")),
        ExportError::BadLength {
            position: 1,
            len: 0,
            max: 10,
        },
        ExportError::Truncated { position: 4 },
    ] {
        check(&error);
    }
    let spanish = KeyFileError::RestoreDetected {
        db_head: 900,
        recorded: 1500,
    }
    .message(Language::Spanish);
    assert!(spanish.contains("vuelva a dar de alta"), "{spanish}");
    for error in [
        tally_events::DomainError::BadLabel("X".into()),
        tally_events::DomainError::EventDomain("event".into()),
        tally_events::DomainError::BadSignature,
        tally_events::DomainError::BadKey,
    ] {
        check(&error);
    }
}

#[test]
fn chain_failures_and_anomalies_render_in_both_languages() {
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
    for kind in kinds {
        check(&ChainFailure {
            seq: 5,
            position: 4,
            kind,
        });
    }
    check(&Anomaly::WallClockSteppedBack {
        seq: 3,
        by_ms: 3_600_000,
    });
    check(&Anomaly::Reboot { seq: 8 });
    let missing = ChainFailure {
        seq: 5,
        position: 4,
        kind: FailureKind::Missing {
            next_present: Some(9),
        },
    };
    assert_eq!(
        missing.message(Language::Spanish),
        "faltan los eventos 5 a 8"
    );
}

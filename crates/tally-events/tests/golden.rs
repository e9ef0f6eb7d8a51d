//! Golden byte fixtures: one signed record per payload kind, committed under `tests/golden/`
//! and never regenerated. Each is decoded, its signature checked with the fixed test key,
//! its payload compared with the value it was made from, and re-signing that value must give
//! the same bytes (ed25519 signatures are deterministic), so any change to the encoding of a
//! shipped kind fails here.
//!
//! A fixture is written only when it does not exist yet and `TALLY_WRITE_GOLDEN=1` is set
//! (once, when a new kind is added). An existing fixture is never overwritten.

mod common;

use std::path::PathBuf;

use common::*;
use tally_events::payload::{kind_name, KINDS};
use tally_events::{Payload, Sha256Hash, SignedEvent, Timestamp, UnsignedEvent};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn fixture_name(kind: u16) -> String {
    format!(
        "{kind:05}-{}.bin",
        kind_name(kind).expect("a known kind has a name")
    )
}

fn golden_event(payload: &Payload) -> UnsignedEvent {
    let genesis = matches!(payload, Payload::DeviceEnrolled(_));
    UnsignedEvent {
        seq: if genesis { 1 } else { 2 },
        prev: (!genesis).then(|| Sha256Hash::of(b"tally golden fixture: previous record")),
        timestamp: Timestamp {
            wall_unix_ms: 1_795_499_200_123,
            boot_id: *b"golden-boot-id-1",
            since_boot_us: 123_456_789,
        },
        actor: if genesis {
            String::new()
        } else {
            "B-1042".into()
        },
        facility: FACILITY.into(),
        payload: payload.clone(),
    }
}

#[test]
fn every_known_kind_has_a_sample_and_the_samples_are_in_registry_order() {
    let sample_kinds: Vec<u16> = every_payload().iter().map(Payload::kind).collect();
    let registry: Vec<u16> = KINDS.iter().map(|(code, _)| *code).collect();
    assert_eq!(sample_kinds, registry);
    let mut unique = registry.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), registry.len(), "a kind number is used twice");
}

#[test]
fn every_golden_fixture_decodes_verifies_and_is_reproduced_byte_for_byte() {
    let dir = golden_dir();
    let write = std::env::var("TALLY_WRITE_GOLDEN").as_deref() == Ok("1");
    let mut missing = Vec::new();
    for payload in every_payload() {
        let kind = payload.kind();
        let path = dir.join(fixture_name(kind));
        let signed = golden_event(&payload).sign(&test_key()).expect("sign");
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(_) if write => {
                std::fs::create_dir_all(&dir).expect("create golden dir");
                std::fs::write(&path, signed.as_bytes()).expect("write fixture");
                signed.as_bytes().to_vec()
            }
            Err(_) => {
                missing.push(path.display().to_string());
                continue;
            }
        };
        let event = SignedEvent::from_bytes(bytes.clone())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        event
            .verify()
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert_eq!(event.device(), test_key().device_id());
        assert_eq!(event.payload_kind(), kind);
        assert_eq!(
            event.payload().expect("payload decodes"),
            payload,
            "{}",
            path.display()
        );
        assert_eq!(
            signed.as_bytes(),
            &bytes[..],
            "{}: the encoding of a shipped kind changed",
            path.display()
        );
    }
    assert!(
        missing.is_empty(),
        "golden fixtures missing (write new ones once with TALLY_WRITE_GOLDEN=1): {missing:?}"
    );
}

#[test]
fn no_fixture_is_left_without_a_kind() {
    let known: Vec<String> = KINDS.iter().map(|(code, _)| fixture_name(*code)).collect();
    for entry in std::fs::read_dir(golden_dir()).expect("golden dir exists") {
        let name = entry.expect("dir entry").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".bin") {
            assert!(known.contains(&name.to_string()), "stray fixture {name}");
        }
    }
}

#[test]
fn the_format_document_lists_every_kind() {
    let doc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/EVENT-FORMAT.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/EVENT-FORMAT.md");
    for (code, _) in KINDS {
        let row = format!("| {code} | `{}` |", kind_name(*code).unwrap());
        assert!(
            doc.contains(&row),
            "docs/EVENT-FORMAT.md lacks the row {row}"
        );
    }
}

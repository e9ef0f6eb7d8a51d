//! Property tests: any chain built through the API verifies (and its payloads read back as
//! written), any single-byte change anywhere in an exported chain is detected, and batch and
//! strict verification always agree on corrupted signatures.

mod common;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use tally_events::payload::{
    CountLineRecorded, PackageMoved, RfidSweepRecorded, RfidTagRead, ScanRecorded, ScanSource,
    WeighMode, WeightRecorded,
};
use tally_events::{
    export_to_vec, read_export, verify_chain, Bytes, ChainOptions, ChainWriter, MassUnit, Payload,
    Quantity, SignedEvent, VerifyMode,
};

fn text(max: usize) -> impl Strategy<Value = String> {
    text_within(max, 64)
}

/// Text of up to `max` characters and `max_bytes` bytes (a UID field holds 32 bytes).
fn text_within(max: usize, max_bytes: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max).prop_map(move |chars| {
        let mut out = String::new();
        for ch in chars {
            if out.len() + ch.len_utf8() > max_bytes {
                break;
            }
            out.push(ch);
        }
        out
    })
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        (text_within(30, 32), text(20), text(20)).prop_map(
            |(uid, from, to)| Payload::PackageMoved(PackageMoved {
                uid,
                from_location: from,
                to_location: to
            })
        ),
        (
            text(20),
            "[0-9]{1,6}\\.[0-9]{2}",
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(scale, value, stable, net)| Payload::WeightRecorded(
                WeightRecorded {
                    scale_id: scale,
                    value,
                    unit: MassUnit::G,
                    mode: if net {
                        WeighMode::Net
                    } else {
                        WeighMode::Gross
                    },
                    tare: None,
                    stable,
                    division: "0.01".into(),
                    uid: None,
                }
            )),
        (
            proptest::collection::vec(any::<u8>(), 0..200),
            proptest::option::of(text_within(24, 32))
        )
            .prop_map(|(raw, uid)| Payload::ScanRecorded(ScanRecorded {
                raw: Bytes(raw),
                source: ScanSource::BarcodeHid,
                reader: "ds2208".into(),
                symbology: None,
                decoded_uid: uid,
            })),
        (text(10), any::<u8>(), any::<u64>()).prop_map(|(task, round, mg)| {
            Payload::CountLineRecorded(CountLineRecorded {
                count_task_id: task,
                round,
                location: "VAULT-2".into(),
                uid: "1A4FF0100000022000000123".into(),
                quantity: Quantity::Milligrams(mg),
            })
        }),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 12), 0..20).prop_map(
            |tags| Payload::RfidSweepRecorded(RfidSweepRecorded {
                reader: "rfd40".into(),
                location: None,
                tags: tags
                    .into_iter()
                    .map(|epc| RfidTagRead {
                        epc: Bytes(epc),
                        decoded_uid: None,
                    })
                    .collect(),
            })
        ),
    ]
}

fn strict() -> ChainOptions {
    ChainOptions {
        mode: VerifyMode::Strict,
        ..ChainOptions::default()
    }
}

fn batch() -> ChainOptions {
    ChainOptions {
        mode: VerifyMode::Batch,
        ..ChainOptions::default()
    }
}

/// A fixed 6-event chain exported once.
fn export() -> &'static Vec<u8> {
    static EXPORT: OnceLock<Vec<u8>> = OnceLock::new();
    EXPORT.get_or_init(|| export_to_vec(&build_chain(6)).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn any_chain_built_by_the_api_verifies(
        steps in proptest::collection::vec((payload(), text(64), 0u64..100_000), 0..12)
    ) {
        let clock = clock();
        let (mut writer, genesis) = ChainWriter::genesis(test_key(), &clock, "", enrolled()).unwrap();
        let mut events = vec![genesis];
        for (payload, actor, advance_ms) in &steps {
            clock.advance_ms(*advance_ms);
            let event = writer.append(&clock, actor, payload.clone()).unwrap();
            prop_assert_eq!(&event.payload().unwrap(), payload);
            prop_assert_eq!(event.actor(), actor.as_str());
            events.push(event);
        }
        let exported = export_to_vec(&events).unwrap();
        let records = read_export(&exported).unwrap();
        let report = verify_chain(&records, &strict()).unwrap();
        prop_assert_eq!(report.events, steps.len() as u64 + 1);
        prop_assert_eq!(verify_chain(&records, &batch()).unwrap(), report);
        for (record, event) in records.iter().zip(&events) {
            prop_assert_eq!(&SignedEvent::from_bytes(record.clone()).unwrap(), event);
        }
    }

    #[test]
    fn any_single_byte_change_anywhere_is_detected(index in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut bytes = export().clone();
        let at = index.index(bytes.len());
        bytes[at] ^= flip;
        let detected = match read_export(&bytes) {
            Err(_) => true,
            Ok(records) => {
                let strict_result = verify_chain(&records, &strict());
                prop_assert_eq!(&verify_chain(&records, &batch()), &strict_result);
                strict_result.is_err()
            }
        };
        prop_assert!(detected, "byte {} xor {:#04x} went unnoticed", at, flip);
    }

    #[test]
    fn batch_and_strict_agree_on_corrupted_signatures(
        position in 0usize..6, at in 0usize..64, flip in 1u8..=255
    ) {
        let mut records = read_export(export()).unwrap();
        let len = records[position].len();
        records[position][len - 64 + at] ^= flip;
        let strict_result = verify_chain(&records, &strict());
        prop_assert!(strict_result.is_err());
        prop_assert_eq!(verify_chain(&records, &batch()), strict_result);
    }
}

//! Differential conformance: scans whose verdict comes from GS1's Barcode Syntax Engine (see
//! `tests/data/README.md`). tally must accept exactly what the engine accepts, with the same
//! human-readable interpretation, and reject what it rejects.

use std::path::PathBuf;

use tally_ids::{decode, Date, DecodeOptions};

#[test]
fn tally_agrees_with_the_gs1_syntax_engine() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/gs1-syntax-engine-cases.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("scan\tverdict\thri\tengine_message"));
    let options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
    let (mut accepted, mut rejected) = (0, 0);
    for line in lines.filter(|l| !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (scan, verdict, hri, engine_message) = (fields[0], fields[1], fields[2], fields[3]);
        let decoded = decode(scan.replace("<GS>", "\u{1d}").as_bytes(), &options);
        match verdict {
            "OK" => {
                assert!(
                    decoded.errors.is_empty(),
                    "{scan}: engine accepts, tally says {:?}",
                    decoded.errors
                );
                assert_eq!(decoded.hri.as_deref(), Some(hri), "{scan}");
                accepted += 1;
            }
            "ERR" => {
                assert!(
                    !decoded.errors.is_empty(),
                    "{scan}: engine rejects ({engine_message}), tally accepts"
                );
                rejected += 1;
            }
            other => panic!("unknown verdict {other}"),
        }
    }
    assert!(
        accepted >= 700 && rejected >= 700,
        "{accepted} accepted, {rejected} rejected"
    );
}

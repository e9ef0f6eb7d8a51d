//! Conformance: every row of the shared test vectors (`tests/vectors/` at the repository root,
//! copied unmodified from the project's vector collection) through one `check` helper per file.

use std::path::PathBuf;

use tally_ids::gs1::{self, lint, Gs1Options, Separators};
use tally_ids::{aim, decode, Date, DecodeOptions, Kind, ScanError, Source};

/// The date the vectors are read on: pinned, so the GS1 century window never moves under
/// a test.
fn today() -> Date {
    Date::new(2026, 11, 24).unwrap()
}

/// Rows of a vector file: header checked, `<GS>` turned into the GS byte.
fn rows(file: &str, header: &[&str]) -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let found: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(found, header, "{file} header");
    let rows: Vec<Vec<String>> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(|f| f.replace("<GS>", "\u{1d}")).collect())
        .collect();
    assert!(!rows.is_empty(), "{file} has no rows");
    rows
}

#[test]
fn aim_symbology_identifiers() {
    for row in rows("aim.tsv", &["input", "symbology_id", "source"]) {
        let (input, expected) = (&row[0], &row[1]);
        match aim::split(input.as_bytes()) {
            Ok((symbology, data)) => {
                assert_eq!(symbology.id(), expected, "{input}");
                assert_eq!(
                    format!("{}{}", symbology.id(), String::from_utf8_lossy(data)),
                    *input
                );
                assert_ne!(symbology.name(), "unknown", "{input}");
            }
            Err(error) => {
                assert!(
                    expected.is_empty(),
                    "{input}: rejected ({error}) but should be {expected}"
                );
                assert!(!error.to_string().is_empty());
            }
        }
    }
}

#[test]
fn gs1_human_readable_interpretation() {
    for row in rows(
        "gs1-hri.tsv",
        &["input", "separator_chars", "hri", "source"],
    ) {
        let (input, separators, expected) = (&row[0], &row[1], &row[2]);
        let mut options = DecodeOptions::new(today());
        options.separators = Separators::with_extra(separators).unwrap();
        // Rows without a symbology identifier are element strings: read them as the data of a
        // GS1-128 symbol. Rows with one are whole scans.
        let scan = if input.starts_with(']') {
            input.clone()
        } else {
            format!("]C1{input}")
        };
        let decoded = decode(scan.as_bytes(), &options);
        if expected.is_empty() {
            assert!(
                !decoded.errors.is_empty(),
                "{input:?} must be rejected, got {decoded:?}"
            );
        } else {
            assert!(decoded.errors.is_empty(), "{input:?}: {:?}", decoded.errors);
            assert_eq!(decoded.hri.as_deref(), Some(expected.as_str()), "{input:?}");
            let expected_kind = if input.contains("://") {
                Kind::Gs1DigitalLink
            } else {
                Kind::Gs1
            };
            assert_eq!(decoded.kind, expected_kind, "{input:?}");
        }
        if input.starts_with(']') {
            continue;
        }
        // The same data with no identifier at all: a valid GS1 reading wins; an invalid one is
        // still reported, either as the result or as a rejected candidate.
        let bare = decode(input.as_bytes(), &options);
        if expected.is_empty() {
            let gs1_rejected = !bare.errors.is_empty() && bare.kind == Kind::Gs1
                || bare
                    .candidates
                    .iter()
                    .any(|c| c.kind == Kind::Gs1 && !c.errors.is_empty());
            assert!(gs1_rejected, "{input:?}: {bare:?}");
        } else {
            assert_eq!(
                bare.hri.as_deref(),
                Some(expected.as_str()),
                "{input:?} without identifier"
            );
            assert!(bare.errors.is_empty());
        }
    }
}

#[test]
fn gs1_invalid_element_strings() {
    let options = Gs1Options {
        separators: Separators::gs_only(),
        today: today(),
    };
    for row in rows("gs1-invalid.tsv", &["input", "reason", "source"]) {
        let (input, reason) = (&row[0], &row[1]);
        let parsed = gs1::parse_element_string(input.as_bytes(), &options);
        assert!(!parsed.errors.is_empty(), "{input}: {reason}");
        // Announced as GS1-128, the unified decoder must reject it too.
        let decoded = decode(
            format!("]C1{input}").as_bytes(),
            &DecodeOptions::new(today()),
        );
        assert_eq!(decoded.errors, parsed.errors, "{input}");
        // Where the reason names the check digits, the message says exactly that.
        if let Some(at) = reason.find("expected ") {
            let digits: Vec<char> = reason[at..]
                .chars()
                .filter(char::is_ascii_digit)
                .take(2)
                .collect();
            let expected = ScanError::CheckDigit {
                ai: "01",
                key: "GTIN",
                expected: digits[0],
                actual: digits[1],
            };
            assert_eq!(parsed.errors, vec![expected.clone()], "{input}");
            assert_eq!(
                expected.to_string(),
                format!(
                    "GTIN check digit should be {}, got {}",
                    digits[0], digits[1]
                )
            );
        }
    }
}

#[test]
fn gs1_check_digits() {
    for row in rows(
        "gs1-check-digits.tsv",
        &["payload", "algorithm", "check_digit", "source"],
    ) {
        let (payload, algorithm, expected) = (&row[0], &row[1], &row[2]);
        let computed = match algorithm.as_str() {
            "gs1-mod10" => lint::mod10_check_digit(payload.as_bytes()),
            "gs1-price-weight" => lint::price_weight_check_digit(payload.as_bytes()),
            other => panic!("unknown algorithm {other}"),
        };
        let computed = computed.map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(&computed, expected, "{algorithm} of {payload}");
    }
}

#[test]
fn epc_banks_through_the_unified_decoder() {
    let mut options = DecodeOptions::new(today());
    options.source = Source::Rfid;
    for row in rows(
        "epc.tsv",
        &["hex", "tag_uri", "pure_uri", "gs1_element_string", "source"],
    ) {
        let (hex, tag_uri, pure_uri, element_string) = (&row[0], &row[1], &row[2], &row[3]);
        let decoded = decode(hex.as_bytes(), &options);
        assert_eq!(decoded.kind, Kind::Epc, "{hex}");
        if tag_uri.is_empty() {
            assert!(!decoded.errors.is_empty(), "{hex} must be rejected");
            continue;
        }
        assert!(decoded.errors.is_empty(), "{hex}: {:?}", decoded.errors);
        let epc = decoded.epc.as_ref().unwrap();
        assert_eq!(&epc.tag_uri, tag_uri);
        assert_eq!(&epc.pure_uri, pure_uri);
        if element_string.is_empty() {
            assert!(
                decoded.hri.is_none() && decoded.elements.is_empty(),
                "{hex}"
            );
        } else {
            assert_eq!(decoded.hri.as_ref(), Some(element_string), "{hex}");
            assert_eq!(
                gs1::hri(&decoded.elements),
                *element_string,
                "{hex}: elements read back"
            );
        }
    }
}
